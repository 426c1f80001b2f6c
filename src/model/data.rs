//! Reading labelled tables for `train`, `evaluate` and `score`.
//!
//! Takes: a CSV or TSV file (UTF-8, with or without a byte-order mark) and
//! the names of its text / label / group / marked-words columns.
//! Gives: a [`Table`] (header + every row, untouched) or a [`Labeled`] set
//! (texts, boolean labels, optional groups and annotators' marked words).
//! Every error names the file, and the row when one is at fault.

use super::ModelError;
use std::path::Path;

/// A raw table: header and rows, all as strings, in file order.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: String,
    pub delimiter: u8,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Index of a column, or an error listing the available ones.
    pub fn col(&self, name: &str) -> Result<usize, ModelError> {
        self.header.iter().position(|h| h == name).ok_or_else(|| {
            ModelError::Data(format!(
                "{}: no column `{name}` (columns: {})",
                self.path,
                self.header.join(", ")
            ))
        })
    }
}

/// Pick the delimiter: the explicit one, else tab for `.tsv`/`.tab`, else
/// whichever of `,` `;` tab occurs most in the first line (default `,`).
pub fn detect_delimiter(path: &Path, first_line: &str, explicit: Option<u8>) -> u8 {
    if let Some(d) = explicit {
        return d;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "tsv" || ext == "tab" {
        return b'\t';
    }
    let count = |c: char| first_line.matches(c).count();
    let mut best = (b',', count(','));
    for (d, c) in [(b';', ';'), (b'\t', '\t')] {
        let n = count(c);
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

/// Parse a `--delimiter` argument: one character, or `tab` / `\t`.
pub fn parse_delimiter(s: &str) -> Result<u8, ModelError> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(ModelError::Data(format!(
            "--delimiter must be one ASCII character or `tab`, got `{s}`"
        ))),
    }
}

/// Read a whole CSV/TSV file. Tab-separated files are read without quote
/// processing (TSV has no quoting convention; quotes are text).
pub fn read_table(path: &Path, delimiter: Option<u8>) -> Result<Table, ModelError> {
    let p = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ModelError::Data(format!("{p}: {e}")))?;
    let text =
        String::from_utf8(bytes).map_err(|e| ModelError::Data(format!("{p}: not UTF-8 ({e})")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let first = text.lines().next().unwrap_or("");
    let delim = detect_delimiter(path, first, delimiter);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .quoting(delim != b'\t')
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| ModelError::Data(format!("{p}: header: {e}")))?
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        // Row numbers count the header as row 1, like a spreadsheet.
        let rec = rec.map_err(|e| ModelError::Data(format!("{p}:{}: {e}", i + 2)))?;
        rows.push(rec.iter().map(|s| s.to_string()).collect());
    }
    Ok(Table {
        path: p,
        delimiter: delim,
        header,
        rows,
    })
}

/// What to read from a labelled table.
#[derive(Debug, Clone, Default)]
pub struct LabelSpec {
    pub text_col: String,
    pub label_col: String,
    /// Label value of the positive class. Optional when the labels are
    /// `0/1` or `true/false`.
    pub positive: Option<String>,
    /// Label value of the negative class; when given, rows with any other
    /// label are skipped, else every non-positive label is negative.
    pub negative: Option<String>,
    pub group_col: Option<String>,
    /// Column of annotators' marked words (a list such as `['a', 'b']`).
    pub marked_col: Option<String>,
    pub delimiter: Option<u8>,
}

/// A labelled set of texts.
#[derive(Debug, Clone, Default)]
pub struct Labeled {
    pub path: String,
    pub texts: Vec<String>,
    pub labels: Vec<bool>,
    /// Group per row (empty strings when no group column).
    pub groups: Vec<String>,
    /// Marked words per row (empty when no marked-words column).
    pub marked: Vec<Vec<String>>,
    /// The positive label's name.
    pub positive: String,
    /// Rows skipped (empty text, empty or other label), with the reason.
    pub skipped: Vec<String>,
}

impl Labeled {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.texts.len()
    }
    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
    /// Whether a marked-words column was read.
    pub fn has_marked(&self) -> bool {
        !self.marked.is_empty()
    }
}

/// Split a marked-words cell: a Python-style list `['a', "b's"]`, or a
/// plain `;`/`,`-separated list.
pub fn parse_marked(cell: &str) -> Vec<String> {
    let c = cell.trim();
    let mut out = Vec::new();
    if c.starts_with('[') {
        let mut chars = c.chars();
        while let Some(ch) = chars.next() {
            if ch == '\'' || ch == '"' {
                let mut w = String::new();
                for d in chars.by_ref() {
                    if d == ch {
                        break;
                    }
                    w.push(d);
                }
                if !w.trim().is_empty() {
                    out.push(w.trim().to_string());
                }
            }
        }
    } else {
        out.extend(
            c.split([';', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
    }
    out
}

/// Read a labelled table according to `spec`.
pub fn read_labeled(path: &Path, spec: &LabelSpec) -> Result<Labeled, ModelError> {
    let t = read_table(path, spec.delimiter)?;
    let ti = t.col(&spec.text_col)?;
    let li = t.col(&spec.label_col)?;
    let gi = spec.group_col.as_deref().map(|c| t.col(c)).transpose()?;
    let mi = spec.marked_col.as_deref().map(|c| t.col(c)).transpose()?;
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    for r in &t.rows {
        *seen.entry(r[li].trim().to_string()).or_insert(0) += 1;
    }
    let positive = match &spec.positive {
        Some(p) => {
            if !seen.contains_key(p.as_str()) {
                return Err(ModelError::Data(format!(
                    "{}: positive label `{p}` never occurs in column `{}` (labels: {})",
                    t.path,
                    spec.label_col,
                    seen.keys().cloned().collect::<Vec<_>>().join(", ")
                )));
            }
            p.clone()
        }
        None => {
            let keys: Vec<&str> = seen
                .keys()
                .map(|s| s.as_str())
                .filter(|s| !s.is_empty())
                .collect();
            if keys.iter().all(|k| *k == "0" || *k == "1") {
                "1".to_string()
            } else if keys
                .iter()
                .all(|k| k.eq_ignore_ascii_case("true") || k.eq_ignore_ascii_case("false"))
            {
                keys.iter()
                    .find(|k| k.eq_ignore_ascii_case("true"))
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "true".into())
            } else {
                return Err(ModelError::Data(format!(
                    "{}: say which label is positive with --positive (labels in `{}`: {})",
                    t.path,
                    spec.label_col,
                    keys.join(", ")
                )));
            }
        }
    };
    let mut out = Labeled {
        path: t.path.clone(),
        positive: positive.clone(),
        ..Labeled::default()
    };
    for (i, r) in t.rows.iter().enumerate() {
        let row = i + 2;
        let label = r[li].trim();
        let text = r[ti].trim();
        if text.is_empty() {
            out.skipped.push(format!("{}:{row}: empty text", t.path));
            continue;
        }
        let y = if label == positive {
            true
        } else if label.is_empty() {
            out.skipped.push(format!("{}:{row}: empty label", t.path));
            continue;
        } else {
            match &spec.negative {
                Some(n) if n != label => {
                    out.skipped.push(format!(
                        "{}:{row}: label `{label}` is neither positive nor negative",
                        t.path
                    ));
                    continue;
                }
                _ => false,
            }
        };
        out.texts.push(text.to_string());
        out.labels.push(y);
        out.groups
            .push(gi.map(|g| r[g].trim().to_string()).unwrap_or_default());
        if let Some(m) = mi {
            out.marked.push(parse_marked(&r[m]));
        }
    }
    if out.labels.iter().all(|y| *y) || out.labels.iter().all(|y| !*y) {
        return Err(ModelError::Data(format!(
            "{}: need both classes, got {} rows of one class only",
            t.path,
            out.len()
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_sniffing() {
        let p = Path::new("x.csv");
        assert_eq!(detect_delimiter(p, "a;b;c", None), b';');
        assert_eq!(detect_delimiter(p, "a,b", None), b',');
        assert_eq!(detect_delimiter(Path::new("x.tsv"), "a,b", None), b'\t');
        assert_eq!(detect_delimiter(p, "a,b", Some(b'|')), b'|');
        assert_eq!(parse_delimiter("tab").unwrap(), b'\t');
        assert!(parse_delimiter("ab").is_err());
    }

    #[test]
    fn marked_words_lists() {
        assert_eq!(
            parse_marked("['bizarre', \"don't\"]"),
            vec!["bizarre", "don't"]
        );
        assert_eq!(parse_marked("[]"), Vec::<String>::new());
        assert_eq!(parse_marked("a; b"), vec!["a", "b"]);
    }

    #[test]
    fn bom_semicolons_and_label_filtering() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        std::fs::write(
            &p,
            "\u{feff}text;label;outlet\n\"good; fine\";Yes;A\nbad;No;B\nodd;Maybe;B\n;Yes;A\n",
        )
        .unwrap();
        let spec = LabelSpec {
            text_col: "text".into(),
            label_col: "label".into(),
            positive: Some("Yes".into()),
            negative: Some("No".into()),
            group_col: Some("outlet".into()),
            ..LabelSpec::default()
        };
        let d = read_labeled(&p, &spec).unwrap();
        assert_eq!(d.texts, vec!["good; fine", "bad"]);
        assert_eq!(d.labels, vec![true, false]);
        assert_eq!(d.groups, vec!["A", "B"]);
        assert_eq!(d.skipped.len(), 2);
        assert!(d.skipped[0].ends_with(":4: label `Maybe` is neither positive nor negative"));
        let bad = LabelSpec {
            text_col: "nope".into(),
            ..spec
        };
        let e = read_labeled(&p, &bad).unwrap_err().to_string();
        assert!(e.contains("t.csv") && e.contains("nope"), "{e}");
    }
}
