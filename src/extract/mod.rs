//! Stage 2: extract.
//!
//! Takes: a [`RawDoc`](crate::ingest::RawDoc) (plain text or HTML, with user
//! metadata).
//! Gives: an [`Article`]: the cleaned body (paragraphs separated by one blank
//! line), photo captions moved to their own field, junk statistics, and
//! metadata fields that each keep the exact text they were read from. A field
//! the page does not state stays `None`; nothing is guessed silently.

use crate::ingest::{InputError, RawDoc};

/// Where a metadata value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Read from the page text (or HTML metadata).
    Page,
    /// Derived from the URL.
    Url,
    /// Given by the user (`--outlet`) or a corpus column.
    User,
    /// Detected by a statistical method (language identification).
    Detected,
}

/// A metadata value and the evidence it was read from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Field {
    /// Normalised value (dates in ISO 8601, e.g. `2023-04-17` or
    /// `2023-04-17T05:31:00`).
    pub value: String,
    /// The exact text it was read from (a page line, a URL, a column value).
    pub evidence: String,
    pub origin: Origin,
}

impl Field {
    pub fn new(value: impl Into<String>, evidence: impl Into<String>, origin: Origin) -> Self {
        Field {
            value: value.into(),
            evidence: evidence.into(),
            origin,
        }
    }
}

/// What boilerplate removal threw away, for transparency and reliability.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct JunkStats {
    /// Non-empty input lines (or HTML text blocks) seen.
    pub lines_total: usize,
    /// Of those, dropped as boilerplate.
    pub lines_dropped: usize,
    /// Bytes of text dropped.
    pub bytes_dropped: usize,
    /// Headlines of other stories ("Read also", "Related", ranking lists).
    pub other_headlines: usize,
    /// Links or link-like teasers judged spam (ads, deals, unrelated clickbait).
    pub spam_links: Vec<String>,
}

/// A cleaned article.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Article {
    /// Input order, 0-based (from `RawDoc::seq`).
    pub seq: usize,
    /// Stable id: the corpus `id` column, else `a<seq+1>` zero-padded (`a0001`).
    pub id: String,
    /// `RawDoc::source`.
    pub source: String,
    pub url: Option<String>,
    pub title: Option<Field>,
    pub published: Option<Field>,
    pub outlet: Option<Field>,
    pub byline: Option<Field>,
    /// Wire services credited (`Reuters`, `AP`, `AFP`, ...), each once, in
    /// order of first mention, with the credit line as evidence.
    pub wire_credits: Vec<Field>,
    pub language: Option<Field>,
    /// Story id given by the corpus (`story` column), if any.
    pub story: Option<String>,
    /// The cleaned body. Paragraphs are separated by exactly `"\n\n"`.
    pub body: String,
    /// Photo captions and credits removed from the body.
    pub captions: Vec<String>,
    pub junk: JunkStats,
    /// Notes about decoding or extraction the user should see.
    pub notes: Vec<String>,
}

/// Clean one document. Errors (e.g. nothing article-like left) name the source.
pub fn extract(raw: RawDoc) -> Result<Article, InputError> {
    // Minimal placeholder; replaced by the boilerplate/metadata extractor.
    let body = raw
        .content
        .split("\n\n")
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if body.is_empty() {
        return Err(InputError {
            seq: raw.seq,
            source: raw.source,
            reason: "empty document".into(),
        });
    }
    Ok(Article {
        seq: raw.seq,
        id: raw
            .meta
            .id
            .clone()
            .unwrap_or_else(|| format!("a{:04}", raw.seq + 1)),
        source: raw.source,
        url: raw.meta.url.clone(),
        title: None,
        published: None,
        outlet: raw
            .meta
            .outlet
            .map(|o| Field::new(o.clone(), o, Origin::User)),
        byline: None,
        wire_credits: vec![],
        language: None,
        story: raw.meta.story,
        body,
        captions: vec![],
        junk: JunkStats::default(),
        notes: vec![],
    })
}
