//! Integration tests of `extract` on framelens's own scraped-style fixtures
//! (`tests/fixtures/pages`, `tests/fixtures/corpora`) and on hostile
//! generated input.

use framelens::extract::{extract, Article, Origin};
use framelens::ingest::{ingest, DocFormat, IngestOptions, RawDoc, UserMeta};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn article(rel: &str) -> Article {
    let doc = ingest(&[fixture(rel)], &IngestOptions::default())
        .next()
        .unwrap()
        .unwrap();
    extract(doc).unwrap()
}

fn raw(format: DocFormat, content: &str) -> RawDoc {
    RawDoc {
        seq: 0,
        source: "mem".into(),
        format,
        content: content.into(),
        meta: UserMeta::default(),
        encoding_note: None,
    }
}

fn paragraphs(a: &Article) -> Vec<&str> {
    a.body.split("\n\n").collect()
}

fn value(f: &Option<framelens::extract::Field>) -> Option<&str> {
    f.as_ref().map(|f| f.value.as_str())
}

#[test]
fn issue2_scraped_text_page() {
    let a = article("pages/good/scraped_news.txt");
    let ps = paragraphs(&a);
    assert_eq!(ps.len(), 7, "{ps:#?}");
    assert!(ps[0].starts_with("Ministers from Veloria and Ostmark agreed"));
    assert_eq!(
        ps[1],
        "The agreement was announced after six hours of talks in Castelbay."
    );
    assert_eq!(ps[5], "Not everyone was convinced.");
    assert!(ps[6].starts_with("Fishermen's groups"));
    assert!(ps
        .iter()
        .any(|p| p.starts_with("\"We expect the first ships")));
    for junk in [
        "Menu",
        "Share",
        "Advertisement",
        "Subscribe",
        "Sign up",
        "client/",
        "Read also",
        "Storm warning",
        "OPINION",
        "©",
        "Source:",
        "Photo:",
    ] {
        assert!(!a.body.contains(junk), "junk {junk:?} in body");
    }
    assert_eq!(
        value(&a.title),
        Some("Harbour talks end with pledge to reopen the northern ferry route")
    );
    assert_eq!(value(&a.published), Some("2024-03-12T09:15:00"));
    assert_eq!(
        a.published.as_ref().unwrap().evidence,
        "Published 12 March 2024, 09:15"
    );
    assert_eq!(value(&a.outlet), Some("Castelbay Courier"));
    assert_eq!(value(&a.byline), Some("Mara Lindqvist"));
    let wires: Vec<_> = a.wire_credits.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(wires, ["Reuters"]);
    assert_eq!(a.wire_credits[0].evidence, "Source: Reuters/jd");
    assert_eq!(a.captions.len(), 1);
    assert!(a.captions[0].starts_with("Dockworkers cheered"));
    assert!(a.notes.iter().any(|n| n.contains("photo credit")));
    assert_eq!(a.junk.other_headlines, 4);
    assert!(a.junk.spam_links.is_empty());
    assert_eq!(a.id, "a0001");
    assert_eq!(value(&a.language), Some("en"));
    assert_eq!(a.language.as_ref().unwrap().origin, Origin::Detected);
}

#[test]
fn issue2_markdown_wire_copy() {
    let a = article("pages/good/wire_copy.md");
    let ps = paragraphs(&a);
    assert_eq!(ps.len(), 4, "{ps:#?}");
    // Hard-wrapped lines are joined back into paragraphs.
    assert!(ps[0].starts_with(
        "CASTELBAY, Veloria (AP) — Veloria and Ostmark reached a deal early on Wednesday"
    ));
    assert!(ps[0].ends_with("from their main market."));
    assert!(
        !a.body.contains("Read more") && !a.body.contains("Copyright") && !a.body.contains("](")
    );
    assert_eq!(
        value(&a.title),
        Some("Ferry deal reached after marathon talks in Castelbay")
    );
    assert_eq!(value(&a.byline), Some("Jonas Brandt"));
    assert_eq!(value(&a.published), Some("2024-04-03"));
    let wires: Vec<_> = a.wire_credits.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(wires, ["AP"]);
    assert_eq!(a.captions, ["Ferries moored in Castelbay harbour at dawn"]);
    assert_eq!(a.junk.other_headlines, 1);
}

#[test]
fn issue2_content_farm_spam_and_stated_date() {
    let a = article("pages/good/content_farm.txt");
    assert_eq!(paragraphs(&a).len(), 3);
    assert_eq!(
        value(&a.title),
        Some("Harbour deal lifts ferry shares in Castelbay")
    );
    assert_eq!(value(&a.outlet), Some("GoldLeaf Wealth Hub"));
    // The page's (wrong) date is reported as stated.
    assert_eq!(value(&a.published), Some("2019-01-01T00:00:00"));
    let spam = &a.junk.spam_links;
    assert_eq!(spam.len(), 4, "{spam:?}");
    assert!(spam.iter().any(|s| s.contains("60% Off")));
    assert!(spam.iter().any(|s| s.starts_with("TOKENVERSE")));
    assert!(!spam.iter().any(|s| s.contains("Sunday market")));
    for junk in [
        "Veloria\n",
        "superb",
        "Related",
        "Pop star",
        "Lena Ortiz",
        "View",
    ] {
        assert!(!a.body.contains(junk), "junk {junk:?} in body");
    }
}

#[test]
fn issue2_html_page() {
    let a = article("pages/good/page.html");
    let ps = paragraphs(&a);
    assert_eq!(ps.len(), 5, "{ps:#?}");
    assert!(ps[0].starts_with("The northern ferry route"));
    assert_eq!(ps[2], "Island councils welcomed the news.");
    assert!(
        ps[3].starts_with("“Our families have waited"),
        "entities decoded"
    );
    for junk in [
        "TRACKING",
        "INJECTED",
        "dataLayer",
        "font-family",
        "Log in",
        "Storm warning",
        "Subscribe",
        "©",
    ] {
        assert!(!a.body.contains(junk), "junk {junk:?} in body");
    }
    assert_eq!(
        value(&a.title),
        Some("Ferry route to reopen after harbour accord")
    );
    assert_eq!(value(&a.outlet), Some("The Ostmark Ledger"));
    assert!(a.outlet.as_ref().unwrap().evidence.contains("og:site_name"));
    assert_eq!(value(&a.published), Some("2024-03-12T11:20:00+01:00"));
    assert_eq!(value(&a.byline), Some("Pieter Hals"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://www.ostmarkledger.example/world/ferry-route")
    );
    assert_eq!(
        a.captions,
        ["Ferries wait in Castelbay harbour. Photograph: Ana Lind/Ledger"]
    );
}

#[test]
fn issue7_deeply_nested_html_does_not_overflow() {
    let page = std::fs::read_to_string(fixture("pages/good/page.html")).unwrap();
    let body_start = page.find("<main>").unwrap();
    let body_end = page.find("</main>").unwrap();
    let nested = format!(
        "<html><body>{}{}{}</body></html>",
        "<div>".repeat(20_000),
        &page[body_start..body_end],
        "</div>".repeat(20_000)
    );
    let a = extract(raw(DocFormat::Html, &nested)).unwrap();
    assert!(
        a.notes.iter().any(|n| n.contains("nested")),
        "{:?}",
        a.notes
    );
    assert!(a.body.contains("Island councils welcomed the news."));
    assert!(!a.body.contains("INJECTED"));
    // Unclosed elements, too.
    let unclosed = format!(
        "<html><body>{}<p>Some text that is here.</p>",
        "<span><b><i>".repeat(20_000)
    );
    let _ = extract(raw(DocFormat::Html, &unclosed));
}

#[test]
fn issue7_scripts_and_handlers_never_reach_the_body() {
    let html = r#"<html><head><script>var secret = "SCRIPT1";</script></head><body>
<article>
<p>The ferry route will reopen in June after ministers signed an accord in the harbour town on Tuesday, officials said.</p>
<script type="text/javascript">alert("SCRIPT2")</script>
<p onclick="alert('HANDLER')">Councils on the islands welcomed the decision and said shops would benefit from the new traffic.</p>
<style>.x{color:red}/* STYLE1 */</style>
<noscript>NOSCRIPT1 enable javascript</noscript>
<p>More details will follow next week, <a href="javascript:alert('JSURL')">the office said</a>.</p>
<template><p>TEMPLATE1</p></template>
</article></body></html>"#;
    let a = extract(raw(DocFormat::Html, html)).unwrap();
    for bad in [
        "SCRIPT1",
        "SCRIPT2",
        "HANDLER",
        "STYLE1",
        "NOSCRIPT1",
        "JSURL",
        "TEMPLATE1",
        "alert",
    ] {
        assert!(!a.body.contains(bad), "{bad} in body: {}", a.body);
    }
    assert!(a.body.contains("the office said."));
}

#[test]
fn issue2_corpus_values_win_over_the_page() {
    let items: Vec<_> = ingest(
        &[fixture("corpora/articles.jsonl")],
        &IngestOptions::default(),
    )
    .filter_map(Result::ok)
    .collect();
    let j3 = items
        .iter()
        .find(|d| d.meta.id.as_deref() == Some("j3"))
        .unwrap()
        .clone();
    let a = extract(j3).unwrap();
    assert_eq!(a.id, "j3");
    assert_eq!(
        value(&a.outlet),
        Some("Corpus Outlet"),
        "corpus beats og:site_name"
    );
    assert_eq!(a.outlet.as_ref().unwrap().origin, Origin::User);
    assert_eq!(value(&a.published), Some("2024-03-12T10:00:00Z"));
    assert!(a.source.ends_with("articles.jsonl:3"));
}

#[test]
fn issue7_legacy_encoded_page_is_extracted_with_a_note() {
    let a = article("pages/legacy/cp1252.txt");
    assert!(a.body.contains("Renée Dubé"));
    assert!(a.notes.iter().any(|n| n.contains("windows-1252")));
}

#[test]
fn issue7_page_of_only_furniture_is_an_error() {
    let e = extract(raw(
        DocFormat::Text,
        "Menu\nHome\nShare Facebook Twitter\nAdvertisement\n",
    ))
    .unwrap_err();
    assert!(e.reason.contains("no article text"), "{}", e.reason);
    assert_eq!(e.source, "mem");
}

#[test]
fn issue2_title_and_date_are_empty_when_not_stated() {
    let a = extract(raw(
        DocFormat::Text,
        "The council met on Tuesday and voted to keep the market open on Sundays, its chair said.\n\nShops welcomed the vote.\n",
    ))
    .unwrap();
    assert_eq!(a.title, None);
    assert_eq!(a.published, None);
    assert_eq!(a.outlet, None);
    assert_eq!(a.byline, None);
    assert_eq!(a.body.split("\n\n").count(), 2);
}

#[test]
fn issue2_dates_in_related_lists_are_never_used() {
    let a = extract(raw(
        DocFormat::Text,
        "Harbour council votes to keep Sunday market\n\nThe council met on Tuesday and voted to keep the market open on Sundays, its chair said.\n\n\
Related\n12 May 2021\nOld story about the market\n3 June 2020\nAnother old story about the port\n",
    ))
    .unwrap();
    assert_eq!(a.published, None);
    assert_eq!(
        value(&a.title),
        Some("Harbour council votes to keep Sunday market")
    );
}
