//! A streaming CSV/TSV record reader that survives broken quotes.
//!
//! Takes: physical lines from a [`LineReader`].
//! Gives: records (fields as bytes, with the physical line number where the
//! record starts) or errors naming the bad line(s).
//!
//! Why not the `csv` crate alone: an unterminated quote makes a strict CSV
//! parser swallow the rest of the file into one field. This reader parses
//! RFC 4180 strictly, one record at a time, keeping the physical lines of the
//! record it is working on. When a record goes wrong (a closing quote
//! followed by text, a quoted field running past [`MAX_RECORD_LINES`] lines
//! or to the end of the file, a field count that does not match the header
//! after a multi-line quoted field) it reports the record's first line as
//! broken and **resynchronises**: it restarts on the next physical line, so
//! every following good row is still read. Consecutive broken lines are
//! reported as one error covering the line range.

use super::lines::{LineReader, PhysLine};
use std::collections::VecDeque;
use std::io::{self, BufRead};

/// A quoted field spanning more physical lines than this is taken to be an
/// unterminated quote.
pub(crate) const MAX_RECORD_LINES: usize = 5000;

/// One record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// 1-based physical line number where the record starts.
    pub line: usize,
    pub fields: Vec<Vec<u8>>,
}

/// A broken record: lines `first..=last` were skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowError {
    pub first: usize,
    pub last: usize,
    pub reason: String,
}

enum Feed {
    /// The record ended with this line.
    Done,
    /// Inside a quoted field: the next physical line continues it.
    More,
    /// Malformed quoting.
    Bad(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

struct FieldParser {
    delim: u8,
    state: State,
    fields: Vec<Vec<u8>>,
    cur: Vec<u8>,
}

impl FieldParser {
    fn new(delim: u8) -> Self {
        FieldParser {
            delim,
            state: State::FieldStart,
            fields: Vec::new(),
            cur: Vec::new(),
        }
    }

    fn feed(&mut self, line: &[u8]) -> Feed {
        if self.state == State::Quoted {
            // Continuation of a quoted field: the newline is content.
            self.cur.push(b'\n');
        }
        for &b in line {
            match self.state {
                State::FieldStart => {
                    if b == b'"' {
                        self.state = State::Quoted;
                    } else if b == self.delim {
                        self.fields.push(std::mem::take(&mut self.cur));
                    } else {
                        self.cur.push(b);
                        self.state = State::Unquoted;
                    }
                }
                State::Unquoted => {
                    if b == self.delim {
                        self.fields.push(std::mem::take(&mut self.cur));
                        self.state = State::FieldStart;
                    } else {
                        // A quote inside an unquoted field is kept literally.
                        self.cur.push(b);
                    }
                }
                State::Quoted => {
                    if b == b'"' {
                        self.state = State::QuoteInQuoted;
                    } else {
                        self.cur.push(b);
                    }
                }
                State::QuoteInQuoted => {
                    if b == b'"' {
                        self.cur.push(b'"');
                        self.state = State::Quoted;
                    } else if b == self.delim {
                        self.fields.push(std::mem::take(&mut self.cur));
                        self.state = State::FieldStart;
                    } else {
                        return Feed::Bad(format!(
                            "a closing quote is followed by '{}' (field {})",
                            String::from_utf8_lossy(&[b]),
                            self.fields.len() + 1
                        ));
                    }
                }
            }
        }
        if self.state == State::Quoted {
            return Feed::More;
        }
        self.fields.push(std::mem::take(&mut self.cur));
        Feed::Done
    }
}

/// Streaming record reader; see the module docs.
pub(crate) struct CsvRecords<R> {
    lines: LineReader<R>,
    pushback: VecDeque<PhysLine>,
    delim: u8,
    max_record_bytes: usize,
    /// Expected field count (from the header), once known.
    width: Option<usize>,
    held: Option<RowError>,
    /// A good record read while an error was being held back.
    pushback_record: Option<Record>,
    first_line_seen: bool,
    io_failed: bool,
}

impl<R: BufRead> CsvRecords<R> {
    pub fn new(inner: R, delim: u8, max_record_bytes: usize) -> Self {
        CsvRecords {
            lines: LineReader::new(inner, max_record_bytes),
            pushback: VecDeque::new(),
            delim,
            max_record_bytes,
            width: None,
            held: None,
            pushback_record: None,
            first_line_seen: false,
            io_failed: false,
        }
    }

    /// Set the expected field count (the header's).
    pub fn set_width(&mut self, width: usize) {
        self.width = Some(width);
    }

    fn raw_line(&mut self) -> io::Result<Option<PhysLine>> {
        if let Some(l) = self.pushback.pop_front() {
            return Ok(Some(l));
        }
        let mut line = self.lines.next_line()?;
        if !self.first_line_seen {
            self.first_line_seen = true;
            if let Some(l) = line.as_mut() {
                if l.bytes.starts_with(b"\xEF\xBB\xBF") {
                    l.bytes.drain(..3);
                }
            }
        }
        Ok(line)
    }

    /// The next record or error, with consecutive errors merged.
    pub fn next_item(&mut self) -> Option<Result<Record, RowError>> {
        loop {
            let item = self.next_unmerged();
            match item {
                Some(Err(e)) => match self.held.as_mut() {
                    Some(h) if e.first == h.last + 1 => {
                        h.last = e.last.max(h.last);
                    }
                    Some(_) => {
                        let out = self.held.replace(e);
                        return out.map(Err);
                    }
                    None => self.held = Some(e),
                },
                Some(Ok(r)) => {
                    if let Some(h) = self.held.take() {
                        self.pushback_record = Some(r);
                        return Some(Err(h));
                    }
                    return Some(Ok(r));
                }
                None => return self.held.take().map(Err),
            }
        }
    }

    fn next_unmerged(&mut self) -> Option<Result<Record, RowError>> {
        if let Some(r) = self.pushback_record.take() {
            return Some(Ok(r));
        }
        if self.io_failed {
            return None;
        }
        // Skip blank lines between records.
        let first = loop {
            match self.raw_line() {
                Ok(Some(l)) if l.bytes.is_empty() && l.too_long.is_none() => continue,
                Ok(Some(l)) => break l,
                Ok(None) => return None,
                Err(e) => {
                    self.io_failed = true;
                    return Some(Err(RowError {
                        first: self.lines_no(),
                        last: self.lines_no(),
                        reason: format!("read error: {e}"),
                    }));
                }
            }
        };
        if let Some(len) = first.too_long {
            return Some(Err(RowError {
                first: first.no,
                last: first.no,
                reason: format!(
                    "line is {len} bytes, larger than the limit of {} bytes",
                    self.max_record_bytes
                ),
            }));
        }
        let start = first.no;
        let mut parser = FieldParser::new(self.delim);
        let mut used: Vec<PhysLine> = Vec::new();
        let mut bytes = 0usize;
        let mut cur = first;
        let failure: String = loop {
            bytes += cur.bytes.len() + 1;
            let feed = parser.feed(&cur.bytes);
            let cur_no = cur.no;
            used.push(cur);
            match feed {
                Feed::Done => {
                    let fields = std::mem::take(&mut parser.fields);
                    match self.check_width(fields, used.len()) {
                        Ok(fields) => {
                            return Some(Ok(Record {
                                line: start,
                                fields,
                            }))
                        }
                        Err(reason) if used.len() == 1 => {
                            return self.single_line_fallback(&used[0], reason);
                        }
                        Err(reason) => break reason,
                    }
                }
                Feed::Bad(msg) => {
                    if used.len() == 1 {
                        return self.single_line_fallback(&used[0], msg);
                    }
                    break format!("{msg} on line {cur_no}; probably an unbalanced quote");
                }
                Feed::More => {
                    if used.len() >= MAX_RECORD_LINES || bytes > self.max_record_bytes {
                        break format!(
                            "a quoted field runs over {} lines; probably an unterminated quote",
                            used.len()
                        );
                    }
                    match self.raw_line() {
                        Ok(Some(l)) if l.too_long.is_some() => {
                            self.pushback.push_front(l);
                            break "unterminated quoted field (followed by an over-long line)"
                                .to_string();
                        }
                        Ok(Some(l)) => cur = l,
                        Ok(None) => {
                            break "unterminated quoted field at end of file".to_string();
                        }
                        Err(e) => {
                            self.io_failed = true;
                            break format!("read error: {e}");
                        }
                    }
                }
            }
        };
        // Resynchronise: the lines after the record's first line are parsed
        // again as fresh records.
        for l in used.drain(1..).rev() {
            self.pushback.push_front(l);
        }
        Some(Err(RowError {
            first: start,
            last: start,
            reason: failure,
        }))
    }

    fn lines_no(&self) -> usize {
        self.lines.line_no()
    }

    fn check_width(&self, mut fields: Vec<Vec<u8>>, _lines: usize) -> Result<Vec<Vec<u8>>, String> {
        let Some(w) = self.width else {
            return Ok(fields);
        };
        // Tolerate one trailing empty field from a trailing delimiter.
        if fields.len() == w + 1 && fields.last().is_some_and(|f| f.is_empty()) {
            fields.pop();
        }
        if fields.len() == w {
            Ok(fields)
        } else {
            Err(format!("expected {w} fields, found {}", fields.len()))
        }
    }

    /// A single physical line failed strict parsing. For TSV, quotes are
    /// often literal text: accept the line split on tabs if that fits the
    /// header. Otherwise report the line.
    fn single_line_fallback(
        &mut self,
        line: &PhysLine,
        reason: String,
    ) -> Option<Result<Record, RowError>> {
        if self.delim == b'\t' {
            let fields: Vec<Vec<u8>> = line
                .bytes
                .split(|&b| b == b'\t')
                .map(<[u8]>::to_vec)
                .collect();
            if let Ok(fields) = self.check_width(fields, 1) {
                return Some(Ok(Record {
                    line: line.no,
                    fields,
                }));
            }
        }
        Some(Err(RowError {
            first: line.no,
            last: line.no,
            reason,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Ok((line, fields))` or `Err((first_line, last_line))`.
    type Item = Result<(usize, Vec<String>), (usize, usize)>;

    fn read_all(data: &str, delim: u8) -> Vec<Item> {
        let mut r = CsvRecords::new(data.as_bytes(), delim, 1 << 20);
        let mut out = Vec::new();
        let mut first = true;
        while let Some(item) = r.next_item() {
            match item {
                Ok(rec) => {
                    if first {
                        r.set_width(rec.fields.len());
                        first = false;
                    }
                    out.push(Ok((
                        rec.line,
                        rec.fields
                            .iter()
                            .map(|f| String::from_utf8_lossy(f).into_owned())
                            .collect(),
                    )));
                }
                Err(e) => out.push(Err((e.first, e.last))),
            }
        }
        out
    }

    #[test]
    fn quoted_fields_with_newlines_and_escaped_quotes() {
        let got = read_all("id,text\n1,\"a \"\"b\"\"\nc\"\n2,plain\n", b',');
        assert_eq!(got[1], Ok((2, vec!["1".into(), "a \"b\"\nc".into()])));
        assert_eq!(got[2], Ok((4, vec!["2".into(), "plain".into()])));
    }

    #[test]
    fn unterminated_quote_is_reported_and_rest_is_read() {
        let data = "id,outlet,text\n1,A,\"Good one\"\n2,B,\"Broken text\n3,C,\"Another, good\"\n4,D,plain\n";
        let got = read_all(data, b',');
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(matches!(got[1], Ok((2, _))));
        assert_eq!(got[2], Err((3, 3)));
        assert!(matches!(&got[3], Ok((4, f)) if f[2] == "Another, good"));
        assert!(matches!(&got[4], Ok((5, f)) if f[2] == "plain"));
    }

    #[test]
    fn unterminated_quote_at_end_of_file() {
        let got = read_all("id,text\n1,\"never closed\n2,x\n3,y\n", b',');
        assert_eq!(got[1], Err((2, 2)));
        assert!(matches!(got[2], Ok((3, _))));
        assert!(matches!(got[3], Ok((4, _))));
    }

    #[test]
    fn consecutive_bad_lines_are_merged() {
        let got = read_all("id,text\n1\n2\n3\n4,ok\n", b',');
        assert_eq!(got[1], Err((2, 4)));
        assert!(matches!(got[2], Ok((5, _))));
    }

    #[test]
    fn tsv_with_literal_quotes() {
        let got = read_all("id\ttext\n1\t\"Yes,\" he said.\n", b'\t');
        assert_eq!(
            got[1],
            Ok((2, vec!["1".into(), "\"Yes,\" he said.".into()]))
        );
    }

    #[test]
    fn long_runaway_quote_gives_up_and_resyncs() {
        let mut data = String::from("id,text\n1,\"runaway\n");
        for i in 0..(MAX_RECORD_LINES + 10) {
            data.push_str(&format!("{},row\n", i + 2));
        }
        let got = read_all(&data, b',');
        assert_eq!(got[1], Err((2, 2)));
        assert_eq!(got.len(), 2 + MAX_RECORD_LINES + 10);
    }
}
