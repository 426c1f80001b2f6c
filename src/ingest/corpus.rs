//! Corpus readers: CSV/TSV and JSONL, one article per row, streamed.
//!
//! Takes: a buffered reader over a corpus, its display name and the
//! [`IngestOptions`] (column names, `--outlet`, size limit).
//! Gives: one [`IngestItem`] per data row, lazily. Row sources are
//! `file:LINE`, where LINE is the 1-based physical line on which the record
//! starts (the header is line 1; for rows without embedded newlines this is
//! the row number a spreadsheet shows). Bad rows become errors and the rest
//! of the file is still read.

use super::csv_rows::CsvRecords;
use super::decode::{binary_reason, decode_text, detect_legacy, strip_utf8_bom};
use super::lines::LineReader;
use super::{ColumnMap, DocFormat, IngestItem, IngestOptions, InputError, RawDoc, UserMeta};
use std::io::BufRead;
use std::sync::Arc;

/// Column positions (CSV) resolved from the header.
#[derive(Debug, Clone, Default)]
struct ColIdx {
    id: Option<usize>,
    outlet: Option<usize>,
    url: Option<usize>,
    published: Option<usize>,
    title: Option<usize>,
    text: Option<usize>,
    html: Option<usize>,
    byline: Option<usize>,
    language: Option<usize>,
    story: Option<usize>,
}

/// Index of a column: exact name first, then case-insensitive.
fn find_col(header: &[String], name: &str) -> Option<usize> {
    header
        .iter()
        .position(|h| h == name)
        .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(name)))
}

impl ColIdx {
    fn new(header: &[String], c: &ColumnMap) -> Self {
        ColIdx {
            id: find_col(header, &c.id),
            outlet: find_col(header, &c.outlet),
            url: find_col(header, &c.url),
            published: find_col(header, &c.published),
            title: find_col(header, &c.title),
            text: find_col(header, &c.text),
            html: find_col(header, &c.html),
            byline: find_col(header, &c.byline),
            language: find_col(header, &c.language),
            story: find_col(header, &c.story),
        }
    }
}

fn err(source: String, reason: impl Into<String>) -> IngestItem {
    Err(InputError {
        seq: 0,
        source,
        reason: reason.into(),
    })
}

fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Build the document of one corpus row from its text/html cells.
fn build_doc(
    source: String,
    text: Option<String>,
    html: Option<String>,
    mut meta: UserMeta,
    note: Option<String>,
    opts: &IngestOptions,
) -> IngestItem {
    let (content, format) = match (text, html) {
        (Some(t), _) if !t.trim().is_empty() => (t, DocFormat::Text),
        (_, Some(h)) if !h.trim().is_empty() => (h, DocFormat::Html),
        (None, None) => return err(source, "row has no text or html value"),
        _ => return err(source, "empty (the text/html value is blank)"),
    };
    if content.len() > opts.max_doc_bytes {
        return err(
            source,
            format!(
                "document is {} bytes, larger than the limit of {} bytes",
                content.len(),
                opts.max_doc_bytes
            ),
        );
    }
    if let Some(reason) = binary_reason(content.as_bytes()) {
        return err(source, reason.replace("binary file", "binary content"));
    }
    if meta.outlet.is_none() {
        meta.outlet = opts.outlet.clone();
    }
    Ok(RawDoc {
        seq: 0,
        source,
        format,
        content,
        meta,
        encoding_note: note,
    })
}

/// CSV/TSV corpus rows.
pub(crate) struct CsvSource<R> {
    name: String,
    recs: CsvRecords<R>,
    cols: Option<ColIdx>,
    opts: Arc<IngestOptions>,
    encoding: Option<&'static encoding_rs::Encoding>,
    started: bool,
    finished: bool,
    rows: usize,
}

impl<R: BufRead> CsvSource<R> {
    pub fn new(name: String, reader: R, delim: u8, opts: Arc<IngestOptions>) -> Self {
        CsvSource {
            name,
            recs: CsvRecords::new(reader, delim, opts.max_doc_bytes),
            cols: None,
            opts,
            encoding: None,
            started: false,
            finished: false,
            rows: 0,
        }
    }

    /// Decode one cell; legacy encodings are detected once per file.
    fn cell(
        &mut self,
        fields: &[Vec<u8>],
        idx: Option<usize>,
        note: &mut Option<String>,
    ) -> Option<String> {
        let bytes = fields.get(idx?)?;
        if let Ok(s) = std::str::from_utf8(bytes) {
            return Some(s.to_string());
        }
        let enc = *self.encoding.get_or_insert_with(|| detect_legacy(bytes));
        match decode_text(bytes, Some(enc)) {
            Ok((s, n)) => {
                if note.is_none() {
                    *note = n;
                }
                Some(s)
            }
            Err(_) => {
                *note = Some("invalid UTF-8 replaced with U+FFFD".into());
                Some(String::from_utf8_lossy(bytes).into_owned())
            }
        }
    }

    fn header(&mut self) -> Option<IngestItem> {
        self.started = true;
        match self.recs.next_item() {
            None => {
                self.finished = true;
                Some(err(self.name.clone(), "empty file"))
            }
            Some(Err(e)) => {
                self.finished = true;
                Some(err(
                    format!("{}:{}", self.name, e.first),
                    format!("unreadable header: {}", e.reason),
                ))
            }
            Some(Ok(rec)) => {
                let names: Vec<String> = rec
                    .fields
                    .iter()
                    .map(|f| {
                        String::from_utf8_lossy(strip_utf8_bom(f))
                            .trim()
                            .to_string()
                    })
                    .collect();
                let cols = ColIdx::new(&names, &self.opts.columns);
                if cols.text.is_none() && cols.html.is_none() {
                    self.finished = true;
                    return Some(err(
                        self.name.clone(),
                        format!(
                            "no '{}' or '{}' column (columns: {}); rename with --text-col/--html-col",
                            self.opts.columns.text,
                            self.opts.columns.html,
                            names.join(", ")
                        ),
                    ));
                }
                self.recs.set_width(names.len());
                self.cols = Some(cols);
                None
            }
        }
    }
}

impl<R: BufRead> Iterator for CsvSource<R> {
    type Item = IngestItem;

    fn next(&mut self) -> Option<IngestItem> {
        if self.finished {
            return None;
        }
        if !self.started {
            if let Some(e) = self.header() {
                return Some(e);
            }
        }
        match self.recs.next_item() {
            None => {
                self.finished = true;
                (self.rows == 0).then(|| err(self.name.clone(), "corpus has a header but no rows"))
            }
            Some(Err(e)) => {
                self.rows += 1;
                let reason = if e.first == e.last {
                    format!("malformed CSV record skipped: {}", e.reason)
                } else {
                    format!(
                        "malformed CSV record, lines {}-{} skipped: {}",
                        e.first, e.last, e.reason
                    )
                };
                Some(err(format!("{}:{}", self.name, e.first), reason))
            }
            Some(Ok(rec)) => {
                self.rows += 1;
                let cols = self.cols.clone().unwrap_or_default();
                let mut note = None;
                let f = &rec.fields;
                let meta = UserMeta {
                    id: clean(self.cell(f, cols.id, &mut note)),
                    outlet: clean(self.cell(f, cols.outlet, &mut note)),
                    url: clean(self.cell(f, cols.url, &mut note)),
                    published: clean(self.cell(f, cols.published, &mut note)),
                    title: clean(self.cell(f, cols.title, &mut note)),
                    byline: clean(self.cell(f, cols.byline, &mut note)),
                    language: clean(self.cell(f, cols.language, &mut note)),
                    story: clean(self.cell(f, cols.story, &mut note)),
                };
                let text = self.cell(f, cols.text, &mut note);
                let html = self.cell(f, cols.html, &mut note);
                let source = format!("{}:{}", self.name, rec.line);
                Some(build_doc(source, text, html, meta, note, &self.opts))
            }
        }
    }
}

/// JSONL corpus rows (one JSON object per line).
pub(crate) struct JsonlSource<R> {
    name: String,
    lines: LineReader<R>,
    opts: Arc<IngestOptions>,
    first: bool,
    finished: bool,
    rows: usize,
}

impl<R: BufRead> JsonlSource<R> {
    pub fn new(name: String, reader: R, opts: Arc<IngestOptions>) -> Self {
        JsonlSource {
            name,
            lines: LineReader::new(reader, opts.max_doc_bytes),
            opts,
            first: true,
            finished: false,
            rows: 0,
        }
    }

    fn row(&self, no: usize, bytes: &[u8]) -> IngestItem {
        let source = format!("{}:{}", self.name, no);
        let (line, note) = match decode_text(bytes, None) {
            Ok(x) => x,
            Err(reason) => return err(source, reason),
        };
        let obj: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(&line) {
            Ok(serde_json::Value::Object(m)) => m,
            Ok(_) => return err(source, "malformed JSONL line: not a JSON object"),
            Err(e) => return err(source, format!("malformed JSONL line: {e}")),
        };
        let get = |name: &str| -> Option<&serde_json::Value> {
            obj.get(name).or_else(|| {
                obj.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
        };
        let scalar = |name: &str| -> Option<String> {
            match get(name)? {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            }
        };
        let c = &self.opts.columns;
        for col in [&c.text, &c.html] {
            if let Some(v) = get(col) {
                if !v.is_string() && !v.is_null() {
                    return err(source, format!("field '{col}' is not a string"));
                }
            }
        }
        let meta = UserMeta {
            id: clean(scalar(&c.id)),
            outlet: clean(scalar(&c.outlet)),
            url: clean(scalar(&c.url)),
            published: clean(scalar(&c.published)),
            title: clean(scalar(&c.title)),
            byline: clean(scalar(&c.byline)),
            language: clean(scalar(&c.language)),
            story: clean(scalar(&c.story)),
        };
        let text = scalar(&c.text);
        let html = scalar(&c.html);
        if text.is_none() && html.is_none() {
            return err(source, format!("no '{}' or '{}' field", c.text, c.html));
        }
        build_doc(source, text, html, meta, note, &self.opts)
    }
}

impl<R: BufRead> Iterator for JsonlSource<R> {
    type Item = IngestItem;

    fn next(&mut self) -> Option<IngestItem> {
        if self.finished {
            return None;
        }
        loop {
            let line = match self.lines.next_line() {
                Ok(Some(l)) => l,
                Ok(None) => {
                    self.finished = true;
                    return (self.rows == 0).then(|| err(self.name.clone(), "empty file"));
                }
                Err(e) => {
                    self.finished = true;
                    return Some(err(
                        format!("{}:{}", self.name, self.lines.line_no() + 1),
                        format!("read error: {e}"),
                    ));
                }
            };
            let mut bytes: &[u8] = &line.bytes;
            if self.first {
                self.first = false;
                bytes = strip_utf8_bom(bytes);
            }
            if let Some(len) = line.too_long {
                self.rows += 1;
                return Some(err(
                    format!("{}:{}", self.name, line.no),
                    format!(
                        "line is {len} bytes, larger than the limit of {} bytes",
                        self.opts.max_doc_bytes
                    ),
                ));
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.rows += 1;
            return Some(self.row(line.no, bytes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Read};

    /// An endless CSV/JSONL stream: reading it all would never finish, so
    /// taking a few rows proves the readers stream.
    struct Endless {
        header: Vec<u8>,
        row: Vec<u8>,
        pos: usize,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let mut n = 0;
            while n < buf.len() {
                let src = if self.pos < self.header.len() {
                    &self.header[self.pos..]
                } else {
                    let off = (self.pos - self.header.len()) % self.row.len();
                    &self.row[off..]
                };
                let k = src.len().min(buf.len() - n);
                buf[n..n + k].copy_from_slice(&src[..k]);
                n += k;
                self.pos += k;
            }
            Ok(n)
        }
    }

    #[test]
    fn csv_and_jsonl_readers_stream() {
        let opts = Arc::new(IngestOptions::default());
        let csv = Endless {
            header: b"id,text\n".to_vec(),
            row: b"x,\"A row of text, quoted.\"\n".to_vec(),
            pos: 0,
        };
        let rows: Vec<_> = CsvSource::new(
            "endless.csv".into(),
            BufReader::new(csv),
            b',',
            opts.clone(),
        )
        .take(1000)
        .collect();
        assert_eq!(rows.len(), 1000);
        assert!(rows.iter().all(Result::is_ok));
        assert_eq!(rows[999].as_ref().unwrap().source, "endless.csv:1001");
        let jsonl = Endless {
            header: Vec::new(),
            row: b"{\"text\":\"A line of text.\"}\n".to_vec(),
            pos: 0,
        };
        let rows: Vec<_> = JsonlSource::new("e.jsonl".into(), BufReader::new(jsonl), opts)
            .take(1000)
            .collect();
        assert_eq!(rows.len(), 1000);
    }
}
