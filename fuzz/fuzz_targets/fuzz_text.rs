//! Fuzz the text and span layer: a string -> `features::analyze`, then
//! `text::segment` and `lexicon::find_spans` again on the same body.
//!
//! Checks (shared with the property tests, see
//! `tests/hostile_common/invariants.rs`): every paragraph, sentence, token,
//! quote, attribution and span is a byte range on char boundaries inside
//! the body, slicing exactly the text it names; sentences sit in their
//! paragraph and tokens in their sentence; segmenting again gives the same
//! layout.
#![no_main]

use framelens::extract::Article;
use framelens::ingest::{DocFormat, RawDoc, UserMeta};
use framelens::lexicon::Lexicons;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[path = "../../tests/hostile_common/invariants.rs"]
mod invariants;

/// An article extracted once; each input replaces its body.
fn template() -> &'static Article {
    static A: OnceLock<Article> = OnceLock::new();
    A.get_or_init(|| {
        let raw = RawDoc {
            seq: 0,
            source: "fuzz".into(),
            format: DocFormat::Text,
            content: "The harbour board approved the new ferry timetable on Tuesday after two days of talks.\n\n\
                      Critics claimed the plan was rushed, according to a senior official."
                .into(),
            meta: UserMeta::default(),
            encoding_note: None,
        };
        framelens::extract::extract(raw).expect("the sample article extracts")
    })
}

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data).into_owned();
    let lex = Lexicons::embedded();
    let mut article = template().clone();
    article.body = body;
    let an = framelens::features::analyze(article, lex);
    if let Err(e) = invariants::check_analysis(&an) {
        panic!("analysis: {e}");
    }
    let body = &an.article.body;
    let again = framelens::text::segment(body);
    assert!(again == an.layout, "segment is not deterministic");
    let spans = framelens::lexicon::find_spans(body, &again, lex);
    if let Err(e) = invariants::check_spans(body, &again, &spans) {
        panic!("find_spans: {e}");
    }
});
