//! Stage 1: ingest.
//!
//! Takes: input paths (files, folders searched recursively, `.csv`/`.jsonl`
//! corpora, or `-` for stdin) and [`IngestOptions`].
//! Gives: a stream of `Result<RawDoc, InputError>` in input order, one item
//! per page or corpus row. Nothing is dropped silently: unreadable inputs
//! become [`InputError`]s that name the file (or `file:row`) and the reason.

use std::path::PathBuf;

/// The format of a raw document's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocFormat {
    /// Plain text as a scraper saved it (`.txt`, `.md`, a corpus `text` cell).
    Text,
    /// HTML (`.html`, `.htm`, a corpus `html` cell).
    Html,
}

/// Metadata supplied by the user or by corpus columns. It always wins over
/// what extraction guesses from the page.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct UserMeta {
    pub id: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub title: Option<String>,
    pub byline: Option<String>,
    pub language: Option<String>,
    /// A `story` column: overrides automatic story grouping.
    pub story: Option<String>,
}

/// One document as read, before extraction.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDoc {
    /// Input order, 0-based, over the whole run (errors included).
    pub seq: usize,
    /// Where it came from: the file path as given, or `file:row` (1-based
    /// data row numbers as a spreadsheet shows them, header = row 1).
    pub source: String,
    pub format: DocFormat,
    /// Decoded content (always valid UTF-8).
    pub content: String,
    pub meta: UserMeta,
    /// Set when the bytes were not UTF-8 and were decoded from a detected
    /// legacy encoding, e.g. `decoded from windows-1252`.
    pub encoding_note: Option<String>,
}

/// An input that could not be turned into a document. Goes to `errors.csv`.
///
/// (`std::error::Error` is implemented by hand: thiserror would treat the
/// field named `source` as a wrapped error.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InputError {
    /// Input order, 0-based, shared with [`RawDoc::seq`].
    pub seq: usize,
    /// File path, or `file:row`.
    pub source: String,
    /// Human-readable reason.
    pub reason: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

impl std::error::Error for InputError {}

/// Column names for corpora (`--col-text` etc. rename them).
#[derive(Debug, Clone)]
pub struct ColumnMap {
    pub id: String,
    pub outlet: String,
    pub url: String,
    pub published: String,
    pub title: String,
    pub text: String,
    pub html: String,
    pub byline: String,
    pub language: String,
    pub story: String,
}

impl Default for ColumnMap {
    fn default() -> Self {
        ColumnMap {
            id: "id".into(),
            outlet: "outlet".into(),
            url: "url".into(),
            published: "published".into(),
            title: "title".into(),
            text: "text".into(),
            html: "html".into(),
            byline: "byline".into(),
            language: "language".into(),
            story: "story".into(),
        }
    }
}

/// Options for [`ingest`].
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub columns: ColumnMap,
    /// `--outlet`: applied to every document that has no outlet column value.
    pub outlet: Option<String>,
    /// Largest single document accepted, in bytes; larger ones are errors.
    pub max_doc_bytes: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            columns: ColumnMap::default(),
            outlet: None,
            max_doc_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A single ingest item.
pub type IngestItem = Result<RawDoc, InputError>;

/// Read all inputs, lazily, in order. See the module docs.
pub fn ingest(
    inputs: &[PathBuf],
    opts: &IngestOptions,
) -> Box<dyn Iterator<Item = IngestItem> + Send> {
    // Minimal placeholder: plain files only. Replaced by the full reader.
    let opts = opts.clone();
    let inputs = inputs.to_vec();
    Box::new(inputs.into_iter().enumerate().map(move |(seq, p)| {
        let source = p.display().to_string();
        match std::fs::read_to_string(&p) {
            Ok(content) => Ok(RawDoc {
                seq,
                source,
                format: DocFormat::Text,
                content,
                meta: UserMeta {
                    outlet: opts.outlet.clone(),
                    ..Default::default()
                },
                encoding_note: None,
            }),
            Err(e) => Err(InputError {
                seq,
                source,
                reason: e.to_string(),
            }),
        }
    }))
}
