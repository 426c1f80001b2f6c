//! The `fuzz_extract` harness: fuzz bytes -> a `RawDoc` (plain text or
//! HTML, with or without corpus metadata) -> `extract::extract`, with the
//! invariants checked. One copy, used by the fuzz target and by the
//! regression tests that replay its findings (`tests/hostile_regressions.rs`
//! includes this file with `#[path]`).
//!
//! The first byte picks the format (bit 0: HTML) and whether user metadata
//! is set (bit 1); the rest is the content (decoded lossily, as ingest
//! guarantees UTF-8). Checks: an article's body separates paragraphs with
//! exactly one blank line and has no leading or trailing whitespace; its id
//! and source are kept; an error names the source and gives a reason.

use framelens::extract::Article;
use framelens::ingest::{DocFormat, RawDoc, UserMeta};

/// Run the harness on `data`; the article when extraction succeeds.
/// Panics when an invariant does not hold.
pub fn check(data: &[u8]) -> Option<Article> {
    let (&first, content) = data.split_first()?;
    let format = if first & 1 == 0 {
        DocFormat::Text
    } else {
        DocFormat::Html
    };
    let meta = if first & 2 == 0 {
        UserMeta::default()
    } else {
        UserMeta {
            id: Some("fz1".into()),
            outlet: Some("Fuzz Outlet".into()),
            url: Some("https://news.example.org/2024/05/01/fuzz-story".into()),
            published: Some("2024-05-01".into()),
            title: Some("A fuzzed title".into()),
            ..UserMeta::default()
        }
    };
    let raw = RawDoc {
        seq: 4,
        source: "fuzz.input".into(),
        format,
        content: String::from_utf8_lossy(content).into_owned(),
        meta: meta.clone(),
        encoding_note: None,
    };
    match framelens::extract::extract(raw) {
        Ok(a) => {
            assert_eq!(a.seq, 4);
            assert_eq!(a.source, "fuzz.input");
            if let Some(id) = &meta.id {
                assert_eq!(&a.id, id);
            }
            let b = &a.body;
            assert!(
                !b.contains("\n\n\n"),
                "more than one blank line between paragraphs"
            );
            assert_eq!(b.trim(), b.as_str(), "body has surrounding whitespace");
            Some(a)
        }
        Err(e) => {
            assert_eq!(e.source, "fuzz.input");
            assert!(!e.reason.is_empty());
            None
        }
    }
}
