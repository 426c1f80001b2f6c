//! Issue 7: regression tests for bugs found by the hostile-input property
//! tests and the fuzzers. Each test is named after the bug; inputs are the
//! minimized ones, inline.

use framelens::ingest::{DocFormat, RawDoc, UserMeta};
use framelens::lexicon::Lexicons;

#[path = "../fuzz/fuzz_targets/extract_input.rs"]
mod extract_input;

fn raw(content: &str, format: DocFormat) -> RawDoc {
    RawDoc {
        seq: 0,
        source: "regression".into(),
        format,
        content: content.to_string(),
        meta: UserMeta::default(),
        encoding_note: None,
    }
}

/// Extract (and analyse, when extraction succeeds) without panicking.
fn extract_and_analyze(content: &str, format: DocFormat) {
    if let Ok(a) = framelens::extract::extract(raw(content, format)) {
        let _ = framelens::features::analyze(a, Lexicons::embedded());
    }
}

/// `extract::html::decode_entities` sliced `&rest[..12]` after an `&`,
/// panicking when byte 12 fell inside a multi-byte character (found by
/// `hostile_props`).
#[test]
fn issue7_html_entity_scan_before_multibyte_char() {
    for html in [
        "<p>&abcdefghij\u{1f600} The harbour board met on Tuesday, officials said.</p>",
        "<p>&amp; \u{1f469}\u{200d}\u{1f52c} Port Wenlow \t he \u{201e} \u{200b} \u{2014} Reuters regime</p>",
        "<html><head><title>&abcdefghij\u{e9}\u{e9}</title></head><body><p>&#12345678\u{65e5}\u{672c} text.</p></body></html>",
    ] {
        extract_and_analyze(html, DocFormat::Html);
        extract_and_analyze(html, DocFormat::Text);
    }
}

/// The `fuzz_extract` harness, the same code the fuzz target runs (its
/// checks included), for replaying its findings; the article it gives is
/// analysed too.
fn replay_fuzz_extract(data: &[u8]) {
    if let Some(a) = extract_input::check(data) {
        let _ = framelens::features::analyze(a, Lexicons::embedded());
    }
}

/// `extract::dates::date_line` looked 14 bytes back from a date with
/// `&lower[start - 14..start]`, which panicked when that fell inside a
/// multi-byte character (found by fuzz_extract, minimized to 14 bytes).
#[test]
fn issue7_fuzz_extract_1() {
    replay_fuzz_extract(b"\xff\xff\xff\xff\xff\xff2028-1-8");
    // The same on a plain-text line.
    extract_and_analyze(
        "\u{20ac}\u{20ac}\u{20ac}\u{20ac}\u{20ac} 2024-10-08\n\nThe harbour board approved the new ferry timetable on Tuesday, officials said.",
        DocFormat::Text,
    );
}
