//! Extraction on the project's demo corpus (`datasets/demo`), checked
//! against its answer key (`datasets/demo-answer-key.md`): titles, dates,
//! outlets, bylines, wire credits, captions and where each body starts and
//! ends.

use framelens::extract::{extract, Article};
use framelens::ingest::{ingest, IngestOptions};
use std::path::Path;

fn demo() -> (Vec<Article>, Vec<(String, String)>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/demo");
    let mut arts = Vec::new();
    let mut errs = Vec::new();
    for item in ingest(&[dir], &IngestOptions::default()) {
        match item {
            Ok(d) => arts.push(extract(d).expect("demo page extracts")),
            Err(e) => errs.push((e.source, e.reason)),
        }
    }
    (arts, errs)
}

fn get<'a>(arts: &'a [Article], prefix: &str) -> &'a Article {
    arts.iter()
        .find(|a| {
            Path::new(&a.source)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(prefix)
        })
        .unwrap_or_else(|| panic!("no demo page {prefix}"))
}

fn v(f: &Option<framelens::extract::Field>) -> Option<&str> {
    f.as_ref().map(|f| f.value.as_str())
}

fn wires(a: &Article) -> Vec<&str> {
    a.wire_credits.iter().map(|f| f.value.as_str()).collect()
}

fn first_last(a: &Article) -> (&str, &str) {
    let ps: Vec<&str> = a.body.split("\n\n").collect();
    (ps[0], ps[ps.len() - 1])
}

#[test]
fn issue2_demo_pages_match_the_answer_key() {
    let (arts, errs) = demo();
    assert_eq!(arts.len(), 6, "six pages");
    assert!(errs.is_empty(), "{errs:?}");

    let a = get(&arts, "01_");
    assert_eq!(v(&a.outlet), Some("Northgate Courier"));
    assert_eq!(v(&a.published), Some("2025-03-11T18:40:00Z"));
    assert_eq!(v(&a.byline), Some("Teodor Brask"));
    assert_eq!(wires(a), ["MPA"]);
    assert_eq!(a.body.split("\n\n").count(), 12);
    assert!(first_last(a)
        .0
        .starts_with("PORT HALVEK, Marenna, March 11 (MPA)"));
    assert!(!a.body.contains("Advertisement") && !a.body.contains("Read also"));
    assert!(a
        .captions
        .iter()
        .any(|c| c.contains("Photo: Jonas Hale/MPA")));

    let a = get(&arts, "02_");
    assert!(v(&a.title).unwrap().starts_with("CAUGHT RED-HANDED"));
    assert!(v(&a.standfirst).unwrap().starts_with("Port chief vows"));
    assert_eq!(v(&a.published), Some("2025-03-12T07:02:00"));
    assert_eq!(v(&a.outlet), Some("The Daily Klaxon"));
    assert_eq!(v(&a.byline), Some("Rex Callow"));
    assert_eq!(wires(a), ["MPA"]);
    let (first, last) = first_last(a);
    assert!(first.starts_with("A shadowy cargo ship"));
    assert!(last.ends_with("it is extremely overdue."));
    assert!(a
        .body
        .contains("\n\nBut the excuses did nothing to cool tempers across the water.\n\n"));
    for junk in [
        "ADVERTISEMENT",
        "READ MORE",
        "{{",
        "privacy",
        "MOST READ",
        "Comments",
    ] {
        assert!(!a.body.contains(junk), "02 body has {junk}");
    }

    let a = get(&arts, "03_");
    assert_eq!(a.published, None, "a relative time is not a date");
    assert_eq!(v(&a.byline), Some("Lena Orsk"));
    assert!(wires(a).is_empty());
    assert!(v(&a.title)
        .unwrap()
        .starts_with("Halvek seizure may be linked"));
    assert_eq!(a.captions.len(), 1);

    let a = get(&arts, "04_");
    assert_eq!(
        v(&a.published),
        Some("2026-03-12T10:05:31"),
        "the wrong date, as stated"
    );
    assert_eq!(v(&a.outlet), Some("Clickmoor Finance"));
    assert_eq!(a.byline, None);
    assert!(wires(a).is_empty());
    assert_eq!(a.body.split("\n\n").count(), 11);
    assert!(
        !a.body.contains("http"),
        "spam teaser between paragraphs is not body"
    );
    assert!(a.junk.spam_links.len() >= 5, "{:?}", a.junk.spam_links);

    let a = get(&arts, "05_");
    assert_eq!(v(&a.published), Some("2025-03-12T09:14:00+01:00"));
    assert_eq!(v(&a.byline), Some("Joran Vell"));
    let (first, last) = first_last(a);
    assert!(first.starts_with("I spent eleven years"));
    assert!(
        last.starts_with("Joran Vell is a former"),
        "the author note belongs to the column"
    );

    let a = get(&arts, "06_");
    assert_eq!(v(&a.outlet), Some("Farview Digest"));
    assert_eq!((a.published.as_ref(), a.byline.as_ref()), (None, None));
    assert!(wires(a).is_empty());
    assert_eq!(a.body.split("\n\n").count(), 6);
}
