//! Issue 7: hostile and broken input. Every input ends as an article row or
//! an `errors.csv` row naming the source (`file` or `file:LINE`) and the
//! reason; nothing panics, overflows the stack or runs away with memory.
//!
//! These tests run the real binary on inputs generated in a temporary
//! folder (big inputs are never committed) or on the small files in
//! `tests/fixtures/hostile/`.

mod hostile_common;

use hostile_common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

/// `errors.csv` as `source -> reason`.
fn errors(out: &Path) -> BTreeMap<String, String> {
    let t = read_csv(&out.join("errors.csv"));
    let (s, r) = (t.col("source"), t.col("reason"));
    t.rows
        .iter()
        .map(|row| (row[s].clone(), row[r].clone()))
        .collect()
}

/// `articles.csv` sources, in order.
fn article_sources(out: &Path) -> Vec<String> {
    read_csv(&out.join("articles.csv")).column("source")
}

fn article_ids(out: &Path) -> Vec<String> {
    read_csv(&out.join("articles.csv")).column("article_id")
}

/// Run `analyze` on `inputs` in `d` into `d/out`, assert it finished (all
/// written, or some inputs failed and the rest written: exit 0 or 3, not a
/// signal) and return the output folder.
fn analyze_finished(inputs: &[&str], d: &Path) -> PathBuf {
    let o = analyze(inputs, "out", d);
    let c = code(&o);
    assert!(c == EXIT_OK || c == EXIT_PARTIAL, "{}", stderr(&o));
    d.join("out")
}

/// Articles plus error rows of an output folder: every input accounted for.
fn accounted(out: &Path) -> usize {
    article_sources(out).len() + errors(out).len()
}

/// Assert the run ended with exit code `want` (not a signal) and return
/// stderr for messages.
fn expect_code(o: &std::process::Output, want: i32) -> String {
    let c = code(o);
    let err = stderr(o);
    assert_eq!(c, want, "exit code; stderr:\n{err}");
    err
}

#[test]
fn issue7_empty_inputs_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("good.txt"), ARTICLE).unwrap();
    for (name, bytes) in [
        ("empty.txt", &b""[..]),
        ("empty.html", b""),
        ("empty.csv", b""),
        ("empty.jsonl", b""),
        ("blank.txt", b" \n\t\r\n   \n"),
        ("bom_only.txt", b"\xEF\xBB\xBF"),
        ("header_only.csv", b"id,outlet,text\n"),
        ("blank_lines.jsonl", b"\n\n  \n"),
        ("empty_tags.html", b"<html><body><div></div></body></html>"),
    ] {
        std::fs::write(d.join(name), bytes).unwrap();
    }
    let inputs = [
        "good.txt",
        "empty.txt",
        "empty.html",
        "empty.csv",
        "empty.jsonl",
        "blank.txt",
        "bom_only.txt",
        "header_only.csv",
        "blank_lines.jsonl",
        "empty_tags.html",
    ];
    let o = analyze(&inputs, "out", d);
    expect_code(&o, EXIT_PARTIAL);
    let out = d.join("out");
    assert_eq!(article_sources(&out), vec!["good.txt".to_string()]);
    let errs = errors(&out);
    for name in &inputs[1..] {
        let reason = errs
            .get(*name)
            .unwrap_or_else(|| panic!("{name} is not in errors.csv: {errs:?}"));
        assert!(!reason.trim().is_empty(), "{name}: empty reason");
    }
    assert_eq!(errs.len(), inputs.len() - 1, "{errs:?}");
}

#[test]
fn issue7_binary_inputs_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut rng = Rng::new(7);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(rng.bytes(64 * 1024));
    std::fs::write(d.join("image.txt"), &png).unwrap();
    std::fs::write(d.join("image.html"), &png).unwrap();
    // No magic number: random bytes (with NULs).
    std::fs::write(d.join("noise.md"), rng.bytes(100_000)).unwrap();
    // Text with NUL bytes in it.
    let mut nuls = ARTICLE.as_bytes().to_vec();
    nuls.extend_from_slice(b"\0\0\0\0");
    nuls.extend_from_slice(ARTICLE.as_bytes());
    std::fs::write(d.join("nuls.txt"), &nuls).unwrap();
    // Control characters without NULs.
    let ctl: Vec<u8> = (0..4000u32).map(|i| (i % 8 + 1) as u8).collect();
    std::fs::write(d.join("controls.txt"), &ctl).unwrap();
    // A binary file in a corpus cell and as a corpus.
    std::fs::write(d.join("image.csv"), &png).unwrap();
    std::fs::write(d.join("image.jsonl"), &png).unwrap();
    let row = format!(
        "{{\"id\":\"b1\",\"text\":{}}}\n{{\"id\":\"b2\",\"text\":{}}}\n",
        json_str(&"\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}".repeat(50)),
        json_str(ARTICLE)
    );
    std::fs::write(d.join("cells.jsonl"), row).unwrap();
    // A folder holding binary files too: each one is reported.
    std::fs::create_dir(d.join("folder")).unwrap();
    std::fs::write(d.join("folder/a.txt"), &png).unwrap();
    std::fs::write(d.join("folder/b.bin"), &png).unwrap();
    std::fs::write(d.join("folder/c.txt"), ARTICLE).unwrap();

    let inputs = [
        "image.txt",
        "image.html",
        "noise.md",
        "nuls.txt",
        "controls.txt",
        "image.csv",
        "image.jsonl",
        "cells.jsonl",
        "folder",
    ];
    let o = analyze(&inputs, "out", d);
    expect_code(&o, EXIT_PARTIAL);
    let out = d.join("out");
    let errs = errors(&out);
    for name in [
        "image.txt",
        "image.html",
        "noise.md",
        "nuls.txt",
        "controls.txt",
        "cells.jsonl:1",
    ] {
        let reason = errs
            .get(name)
            .unwrap_or_else(|| panic!("{name} not reported: {errs:?}"));
        assert!(reason.contains("binary"), "{name}: {reason}");
    }
    // A binary corpus is reported (as a whole or as its first line).
    for name in ["image.csv", "image.jsonl"] {
        assert!(
            errs.keys().any(|k| k.starts_with(name)),
            "{name} not reported: {errs:?}"
        );
    }
    let folder_a = Path::new("folder").join("a.txt").display().to_string();
    let folder_b = Path::new("folder").join("b.bin").display().to_string();
    assert!(errs[&folder_a].contains("binary"), "{errs:?}");
    assert!(errs[&folder_b].contains("skipped"), "{errs:?}");
    let mut arts = article_sources(&out);
    arts.sort();
    let folder_c = Path::new("folder").join("c.txt").display().to_string();
    assert_eq!(arts, vec!["cells.jsonl:2".to_string(), folder_c]);
}

/// French text encoded in windows-1252, long enough for detection.
fn windows_1252_text() -> Vec<u8> {
    let mut bytes = Vec::new();
    for i in 0..12 {
        bytes.extend_from_slice(format!("Paragraphe {i}. ").as_bytes());
        bytes.extend_from_slice(
            b"Le conseil du port a approuv\xE9 l'horaire d'\xE9t\xE9 des ferries mardi; le caf\xE9 du quai \xE9tait plein, et la d\xE9cision para\xEEt d\xE9j\xE0 tr\xE8s na\xEFve \x96 selon un responsable.\n\n",
        );
    }
    bytes
}

#[test]
fn issue7_legacy_encoding_is_decoded() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("latin.txt"), windows_1252_text()).unwrap();
    // The same text as a windows-1252 CSV corpus.
    let mut csv = b"id,outlet,text\nw1,Le Quai,\"".to_vec();
    csv.extend(windows_1252_text());
    csv.extend_from_slice(b"\"\n");
    std::fs::write(d.join("latin.csv"), csv).unwrap();
    // UTF-16 with a BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in ARTICLE.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(d.join("utf16.txt"), utf16).unwrap();

    let o = analyze(&["latin.txt", "latin.csv", "utf16.txt"], "out", d);
    expect_code(&o, EXIT_OK);
    let out = d.join("out");
    let arts = read_jsonl(&out.join("articles.jsonl"));
    assert_eq!(arts.len(), 3);
    for a in &arts[..2] {
        let body = a["body"].as_str().expect("body");
        for w in ["approuvé", "été", "café", "déjà", "très", "naïve", "–"] {
            assert!(body.contains(w), "{w} missing from {body}");
        }
        assert!(!body.contains('\u{FFFD}'), "replacement char in {body}");
    }
    let body = arts[2]["body"].as_str().unwrap();
    assert!(body.contains("Port Wenlow"), "{body}");
}

/// Bytes that are neither UTF-8 nor any legacy encoding's text: ASCII words
/// with C1-only bytes (0x80..0x9F, which windows-1252 leaves undefined or
/// maps to typographic marks that never come in long runs).
fn garbage() -> Vec<u8> {
    let mut out = Vec::new();
    let mut rng = Rng::new(99);
    for _ in 0..400 {
        out.extend_from_slice(b"ab ");
        for _ in 0..4 {
            out.push(0x80 + rng.below(0x20) as u8);
        }
    }
    out
}

#[test]
fn issue7_invalid_utf8_garbage_is_reported_or_decoded_with_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("garbage.txt"), garbage()).unwrap();
    // UTF-8 with one damaged byte: decoded lossily, not lost.
    let mut damaged = "Überraschung für Müller: schön und grün. "
        .repeat(20)
        .into_bytes();
    damaged.insert(10, 0xFF);
    std::fs::write(d.join("damaged.txt"), &damaged).unwrap();
    // A JSONL line with invalid UTF-8 in it.
    let mut jsonl = b"{\"id\":\"g1\",\"text\":\"".to_vec();
    jsonl.extend(garbage());
    jsonl.extend_from_slice(b"\"}\n");
    std::fs::write(d.join("garbage.jsonl"), &jsonl).unwrap();

    let o = analyze(&["garbage.txt", "damaged.txt", "garbage.jsonl"], "out", d);
    let c = code(&o);
    assert!(c == EXIT_OK || c == EXIT_PARTIAL, "{}", stderr(&o));
    let out = d.join("out");
    let errs = errors(&out);
    let arts = article_sources(&out);
    // Every input is accounted for, exactly once.
    for src in ["garbage.txt", "damaged.txt", "garbage.jsonl:1"] {
        let n = arts.iter().filter(|a| *a == src).count() + usize::from(errs.contains_key(src));
        assert_eq!(n, 1, "{src}: articles {arts:?} errors {errs:?}");
    }
    assert!(arts.contains(&"damaged.txt".to_string()), "{errs:?}");
    // Undecodable garbage is reported as such.
    assert!(
        errs.get("garbage.txt")
            .is_some_and(|r| r.contains("UTF-8") || r.contains("binary")),
        "garbage.txt should be reported as undecodable: {errs:?} / {arts:?}"
    );
    assert_eq!(c, EXIT_PARTIAL);
}

/// Words without sentence punctuation or newlines up to `bytes`: one line
/// that is also one giant sentence.
/// `quotes` adds quotation marks around some words.
fn long_line(bytes: usize, quotes: bool) -> String {
    let words = [
        "harbour",
        "board",
        "ferry",
        "timetable",
        "the",
        "clearly",
        "said",
        "reportedly",
        "officials",
        "on",
        "Tuesday",
        "a",
        "plan",
        "regime",
        "café",
        "critics",
        "claimed",
    ];
    let mut rng = Rng::new(20);
    let mut s = String::with_capacity(bytes + 16);
    while s.len() < bytes {
        let w = words[rng.below(words.len() as u64) as usize];
        if quotes && rng.below(8) == 0 {
            s.push('\u{201c}');
            s.push_str(w);
            s.push('\u{201d}');
        } else {
            s.push_str(w);
        }
        s.push(' ');
    }
    s
}

#[test]
fn issue7_twenty_megabyte_single_line_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("long.txt"), long_line(20 * 1024 * 1024, false)).unwrap();
    let o = run(
        &[
            "analyze",
            "long.txt",
            "--out",
            "out",
            "--quiet",
            "--stats-json",
            "stats.json",
        ],
        d,
    );
    let c = code(&o);
    assert!(c == EXIT_OK || c == EXIT_PARTIAL, "{}", stderr(&o));
    let out = d.join("out");
    let n = accounted(&out);
    assert_eq!(n, 1, "the long line is accounted for exactly once");
    // Memory stays bounded: a generous cap, many times the input size.
    let stats: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("stats.json")).unwrap()).unwrap();
    if let Some(kb) = stats["peak_rss_kb"].as_u64().filter(|&k| k > 0) {
        assert!(kb < 3 * 1024 * 1024, "peak RSS {kb} kB for a 20 MB input");
    }
}

/// Quotation marks on a long line: the cross-article stage compared every
/// word with every quote (and every quote with every quote), and the
/// speaker search scanned every attribution of the paragraph for every
/// quote, so the run time grew with the square of the line (1 MB: 18 s,
/// 2 MB: 70 s, 4 MB: 250 s in a debug build). Now linear (release build:
/// 1 MB 0.44 s, 4 MB 1.9 s, 16 MB 7.1 s).
#[test]
fn issue7_quote_heavy_long_line_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("quotes.txt"), long_line(4 * 1024 * 1024, true)).unwrap();
    let out = analyze_finished(&["quotes.txt"], d);
    assert_eq!(accounted(&out), 1);
}

/// A long line full of names and role labels ("minister Anna Kovar"): the
/// actor stage compared every mention with every other mention (and with
/// every loaded-language span), quadratic in the names of one article.
/// Now a binary search per mention (release build: 1 MB 1.0 s, 4 MB 4.3 s).
#[test]
fn issue7_name_heavy_long_line_finishes() {
    let first = [
        "Anna", "Boris", "Clara", "Dmitri", "Elin", "Femi", "Goran", "Hana",
    ];
    let last = [
        "Kovar", "Varant", "Quillon", "Rhenn", "Askew", "Solvang", "Brask",
    ];
    let roles = ["minister", "leader", "spokeswoman", "dictator", "chief"];
    let plain = ["the", "said", "harbour", "board", "on", "a", "plan"];
    let mut rng = Rng::new(7);
    let mut s = String::new();
    while s.len() < 2 * 1024 * 1024 {
        if rng.below(3) == 0 {
            let r = roles[rng.below(roles.len() as u64) as usize];
            let f = first[rng.below(first.len() as u64) as usize];
            let l = last[rng.below(last.len() as u64) as usize];
            s.push_str(&format!("{r} {f} {l} "));
        } else {
            s.push_str(plain[rng.below(plain.len() as u64) as usize]);
            s.push(' ');
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("names.txt"), s).unwrap();
    let out = analyze_finished(&["names.txt"], d);
    assert_eq!(accounted(&out), 1);
}

/// One long HTML text node full of characters the serializer escapes
/// (`&`, or text whose UTF-8 has 0xC2 bytes: NBSP, `«`, `£`, `©`, `°`).
/// `dom_smoothie` serializes the DOM with html5ever 0.40, whose
/// `write_escaped` looks for the next `<`/`>` from every such character to
/// the end of the text: quadratic (in a debug build 1 MB of `&` took
/// 14 s, 2 MB 53 s; 20 MB would take hours). Extraction now sends such
/// pages to the linear tag stripper: the `&` page for its count of `&`
/// before parsing, the no-break-space page for the escaper's scan length
/// measured on the parsed tree (`extract::html::main_text`).
#[test]
fn issue7_html_text_node_full_of_escapes_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let amp = format!("<html><body><p>{}</p></body></html>", "&".repeat(4 << 20));
    std::fs::write(d.join("amp.html"), amp).unwrap();
    let nbsp = format!(
        "<html><body><p>{}</p></body></html>",
        "word\u{a0}".repeat(600_000)
    );
    std::fs::write(d.join("nbsp.html"), nbsp).unwrap();
    let out = analyze_finished(&["amp.html", "nbsp.html"], d);
    assert_eq!(accounted(&out), 2);
}

#[test]
fn issue7_twenty_megabyte_jsonl_row_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // A 20 MB row that is mostly white space between short sentences:
    // the corpus reader has to carry the whole line, analysis stays cheap.
    let mut text = String::with_capacity(20 * 1024 * 1024 + 512);
    let pad = " ".repeat(4000);
    let mut i = 0;
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&format!("Ferry {i} ran on time, the board said."));
        text.push_str(&pad);
        i += 1;
    }
    let rows = format!(
        "{{\"id\":\"small1\",\"text\":{}}}\n{{\"id\":\"huge\",\"text\":{}}}\n{{\"id\":\"small2\",\"text\":{}}}\n",
        json_str(ARTICLE),
        json_str(&text),
        json_str(ARTICLE)
    );
    drop(text);
    assert!(rows.len() > 20 * 1024 * 1024);
    std::fs::write(d.join("long.jsonl"), rows).unwrap();
    let out = analyze_finished(&["long.jsonl"], d);
    let arts = article_sources(&out);
    let errs = errors(&out);
    assert!(
        arts.contains(&"long.jsonl:1".to_string()),
        "{arts:?} {errs:?}"
    );
    assert!(
        arts.contains(&"long.jsonl:3".to_string()),
        "{arts:?} {errs:?}"
    );
    let huge = usize::from(arts.contains(&"long.jsonl:2".to_string()))
        + usize::from(errs.contains_key("long.jsonl:2"));
    assert_eq!(huge, 1, "{arts:?} {errs:?}");
}

fn nested(depth: usize, open: &str, close: &str, inner: &str) -> String {
    let mut s = String::with_capacity(depth * (open.len() + close.len()) + inner.len() + 64);
    s.push_str("<!DOCTYPE html><html><head><title>Deep page</title></head><body>");
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(inner);
    for _ in 0..depth {
        s.push_str(close);
    }
    s.push_str("</body></html>");
    s
}

const DEEP_TEXT: &str = "<p>The harbour board approved the new ferry timetable on Tuesday, officials said. Critics claimed the plan was rushed.</p>";

#[test]
fn issue7_twenty_thousand_nested_html_elements() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let n = 20_000;
    std::fs::write(d.join("divs.html"), nested(n, "<div>", "</div>", DEEP_TEXT)).unwrap();
    std::fs::write(
        d.join("unclosed.html"),
        nested(n, "<div><span>", "", DEEP_TEXT),
    )
    .unwrap();
    std::fs::write(
        d.join("inline.html"),
        nested(n, "<b><i>", "</i></b>", DEEP_TEXT),
    )
    .unwrap();
    std::fs::write(
        d.join("tables.html"),
        nested(n / 4, "<table><tr><td>", "</td></tr></table>", DEEP_TEXT),
    )
    .unwrap();
    let row = format!(
        "{{\"id\":\"deep\",\"html\":{}}}\n",
        json_str(&nested(n, "<section>", "</section>", DEEP_TEXT))
    );
    std::fs::write(d.join("deep.jsonl"), row).unwrap();
    let inputs = [
        "divs.html",
        "unclosed.html",
        "inline.html",
        "tables.html",
        "deep.jsonl",
    ];
    // A stack overflow kills the process with a signal: `code` fails then.
    let out = analyze_finished(&inputs, d);
    let arts = article_sources(&out);
    let errs = errors(&out);
    for src in [
        "divs.html",
        "unclosed.html",
        "inline.html",
        "tables.html",
        "deep.jsonl:1",
    ] {
        let n = arts.iter().filter(|a| *a == src).count() + usize::from(errs.contains_key(src));
        assert_eq!(n, 1, "{src}: articles {arts:?} errors {errs:?}");
        if let Some(r) = errs.get(src) {
            assert!(
                !r.contains("internal error"),
                "{src} hit a panic inside the pipeline: {r}"
            );
        }
    }
}

#[test]
fn issue7_twenty_thousand_nested_elements_extract_on_a_worker_sized_stack() {
    use framelens::ingest::{DocFormat, RawDoc, UserMeta};
    // Rayon workers and spawned threads get 2 MiB stacks by default.
    let h = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            for (open, close) in [
                ("<div>", "</div>"),
                ("<div><span>", ""),
                ("<b><i>", "</i></b>"),
            ] {
                let raw = RawDoc {
                    seq: 0,
                    source: "deep.html".into(),
                    format: DocFormat::Html,
                    content: nested(20_000, open, close, DEEP_TEXT),
                    meta: UserMeta::default(),
                    encoding_note: None,
                };
                if let Ok(a) = framelens::extract::extract(raw) {
                    let an =
                        framelens::features::analyze(a, framelens::lexicon::Lexicons::embedded());
                    let _ = an.spans.len();
                }
            }
        })
        .unwrap();
    h.join().expect("extract panicked on deeply nested HTML");
}

/// What a generated corpus row is meant to become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Article,
    Error,
}

/// A generated corpus of `rows` JSONL rows; every fifth row is broken in
/// one of six ways. The good rows are made of pseudo-words so they do not
/// all fall into one story (which only costs time).
fn huge_corpus(rows: usize) -> (String, Vec<Want>) {
    let mut rng = Rng::new(50_000);
    const SYL: [&str; 16] = [
        "ba", "ko", "ri", "tem", "sul", "va", "nor", "pel", "dax", "mi", "qu", "zo", "lan", "fer",
        "gis", "hob",
    ];
    let word = |rng: &mut Rng| -> String {
        let n = 2 + rng.below(3);
        (0..n).map(|_| SYL[rng.below(16) as usize]).collect()
    };
    let mut s = String::with_capacity(rows * 180);
    let mut want = Vec::with_capacity(rows);
    let outlets = [
        "Ashford Ledger",
        "Wenlow Post",
        "Quay Daily",
        "=Formula Times",
    ];
    for i in 0..rows {
        let id = format!("r{i:05}");
        let outlet = outlets[i % outlets.len()];
        let kind = if i % 5 == 4 { rng.below(6) } else { 99 };
        let (line, w) = match kind {
            0 => (format!("{{\"id\":\"{id}\",\"text\":\"cut off"), Want::Error),
            1 => (
                format!("{{\"id\":\"{id}\",\"outlet\":\"{outlet}\"}}"),
                Want::Error,
            ),
            2 => (format!("{{\"id\":\"{id}\",\"text\":\"   \"}}"), Want::Error),
            3 => (format!("{{\"id\":\"{id}\",\"text\":[1,2]}}"), Want::Error),
            4 => ("[\"not\",\"an\",\"object\"]".to_string(), Want::Error),
            5 => (
                format!("{{\"id\":\"{id}\",\"text\":\"\\u0000\\u0000\\u0000 nul bytes\"}}"),
                Want::Error,
            ),
            _ => {
                let words: Vec<String> = (0..14).map(|_| word(&mut rng)).collect();
                (
                    format!(
                        "{{\"id\":\"{id}\",\"outlet\":{},\"text\":{}}}",
                        json_str(outlet),
                        json_str(&format!(
                            "Row {i}: the {} board met on day {}, officials said.",
                            words.join(" "),
                            i % 28 + 1
                        ))
                    ),
                    Want::Article,
                )
            }
        };
        s.push_str(&line);
        s.push('\n');
        want.push(w);
    }
    (s, want)
}

#[test]
fn issue7_huge_corpus_every_row_is_accounted_for() {
    // 30 windows of the default size; 6,000 errors (more than the 1,000 the
    // run summary keeps: errors.csv must still have all of them).
    let rows = 30_000;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (text, want) = huge_corpus(rows);
    std::fs::write(d.join("huge.jsonl"), text).unwrap();
    let o = analyze(&["huge.jsonl"], "out", d);
    expect_code(&o, EXIT_PARTIAL);
    let out = d.join("out");
    let arts = article_sources(&out);
    let errs = read_csv(&out.join("errors.csv")).column("source");
    assert_eq!(
        arts.len() + errs.len(),
        rows,
        "{} articles + {} errors != {rows} rows",
        arts.len(),
        errs.len()
    );
    let want_arts: Vec<String> = (0..rows)
        .filter(|&i| want[i] == Want::Article)
        .map(|i| format!("huge.jsonl:{}", i + 1))
        .collect();
    let want_errs: BTreeSet<String> = (0..rows)
        .filter(|&i| want[i] == Want::Error)
        .map(|i| format!("huge.jsonl:{}", i + 1))
        .collect();
    assert_eq!(arts, want_arts, "article rows, in input order");
    let got_errs: BTreeSet<String> = errs.iter().cloned().collect();
    assert_eq!(got_errs.len(), errs.len(), "an error reported twice");
    assert_eq!(got_errs, want_errs);
    // The JSONL export has the same rows as the CSV.
    let jsonl = std::fs::read_to_string(out.join("articles.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), want_arts.len());
}

#[test]
fn issue7_csv_broken_quote_reports_its_line_and_reads_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::copy(fixture("broken_quote.csv"), d.join("broken_quote.csv")).unwrap();
    let o = analyze(&["broken_quote.csv"], "out", d);
    expect_code(&o, EXIT_PARTIAL);
    let out = d.join("out");
    assert_eq!(
        article_ids(&out),
        ["bq1", "bq2", "bq4", "bq6", "bq7", "bq8"],
        "{:?}",
        errors(&out)
    );
    assert_eq!(
        article_sources(&out),
        [
            "broken_quote.csv:2",
            "broken_quote.csv:3",
            "broken_quote.csv:5",
            "broken_quote.csv:7",
            "broken_quote.csv:8",
            "broken_quote.csv:10"
        ]
    );
    let errs = errors(&out);
    assert_eq!(
        errs.keys().collect::<Vec<_>>(),
        ["broken_quote.csv:4", "broken_quote.csv:6"],
        "{errs:?}"
    );
    for r in errs.values() {
        assert!(r.contains("quote"), "{r}");
    }
    // The multi-line quoted text was read whole.
    let arts = read_jsonl(&out.join("articles.jsonl"));
    let bq7 = arts.iter().find(|a| a["article_id"] == "bq7").unwrap();
    assert!(
        bq7["body"]
            .as_str()
            .unwrap()
            .contains("part of the same quoted text"),
        "{bq7}"
    );
}

#[test]
fn issue7_csv_unterminated_quote_on_the_last_row() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut csv = String::from("id,text\n");
    for i in 1..=5 {
        csv.push_str(&format!(
            "u{i},Row {i} of the harbour story is plain text.\n"
        ));
    }
    csv.push_str("u6,\"The last row opens a quote\nand never closes it\nat all\n");
    std::fs::write(d.join("tail.csv"), csv).unwrap();
    let o = analyze(&["tail.csv"], "out", d);
    expect_code(&o, EXIT_PARTIAL);
    let out = d.join("out");
    assert_eq!(article_ids(&out), ["u1", "u2", "u3", "u4", "u5"]);
    let errs = errors(&out);
    assert!(errs.contains_key("tail.csv:7"), "{errs:?}");
    // The lines after the broken opening line are re-read as rows; they
    // are either articles or errors, never silently gone.
    let total = article_ids(&out).len() + errs.len();
    assert!(total >= 6, "{errs:?}");
}

#[test]
fn issue7_malformed_jsonl_lines_are_reported_by_line() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::copy(fixture("malformed.jsonl"), d.join("malformed.jsonl")).unwrap();
    let o = analyze(&["malformed.jsonl"], "out", d);
    expect_code(&o, EXIT_PARTIAL);
    let out = d.join("out");
    assert_eq!(article_ids(&out), ["mj1", "mj9", "mj12"]);
    assert_eq!(
        article_sources(&out),
        [
            "malformed.jsonl:1",
            "malformed.jsonl:10",
            "malformed.jsonl:13"
        ]
    );
    let errs = errors(&out);
    let want: Vec<String> = [2, 3, 4, 6, 7, 8, 9, 11, 12]
        .iter()
        .map(|n| format!("malformed.jsonl:{n}"))
        .collect();
    // In input order, one row per bad line (the blank line 5 is not an input).
    let order = read_csv(&out.join("errors.csv")).column("source");
    assert_eq!(order, want, "{errs:?}");
    assert!(errs["malformed.jsonl:12"].contains("binary"), "{errs:?}");
    assert!(
        errs["malformed.jsonl:9"].contains("malformed JSONL"),
        "{errs:?}"
    );
}

#[test]
fn issue7_hostile_stdin_is_reported() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut rng = Rng::new(3);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(rng.bytes(200_000));
    for (name, bytes, want) in [
        ("png", png, EXIT_PARTIAL),
        ("empty", Vec::new(), EXIT_PARTIAL),
        ("text", ARTICLE.as_bytes().to_vec(), EXIT_OK),
    ] {
        let out = format!("out_{name}");
        let mut child = command(&["analyze", "-", "--out", &out, "--quiet"], d)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            // The reader may stop early; a broken pipe is fine.
            let _ = stdin.write_all(&bytes);
        });
        let o = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_eq!(code(&o), want, "{name}: {}", stderr(&o));
        let out = d.join(out);
        let total = accounted(&out);
        assert_eq!(total, 1, "{name}");
    }
}

#[cfg(unix)]
#[test]
fn issue7_symlink_loops_and_special_files_in_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let f = d.join("pages");
    std::fs::create_dir_all(f.join("sub")).unwrap();
    std::fs::write(f.join("sub/a.txt"), ARTICLE).unwrap();
    std::os::unix::fs::symlink("..", f.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/framelens-issue7", f.join("dangling.txt")).unwrap();
    let fifo = f.join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let o = analyze(&["pages"], "out", d);
    expect_code(&o, EXIT_PARTIAL);
    let out = d.join("out");
    let arts = article_sources(&out);
    assert_eq!(arts.len(), 1, "{arts:?}");
    let errs = errors(&out);
    assert!(errs.keys().any(|k| k.ends_with("dangling.txt")), "{errs:?}");
    if made {
        assert!(errs.keys().any(|k| k.ends_with("pipe.txt")), "{errs:?}");
    }
}

#[test]
fn issue7_deeply_nested_json_and_very_wide_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // JSON nested 200,000 levels: in a field next to good text, and alone.
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let jsonl = format!(
        "{{\"id\":\"n1\",\"text\":{},\"extra\":{deep}}}\n{deep}\n{{\"id\":\"n3\",\"text\":{}}}\n",
        json_str(ARTICLE),
        json_str(ARTICLE)
    );
    std::fs::write(d.join("deep.jsonl"), jsonl).unwrap();
    // A CSV header with 100,000 columns, and a row that matches it.
    let mut header: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    header[50_000] = "text".into();
    let mut row = vec![String::new(); 100_000];
    row[50_000] = format!("\"{}\"", ARTICLE.replace('"', "\"\""));
    let csv = format!("{}\n{}\n", header.join(","), row.join(","));
    std::fs::write(d.join("wide.csv"), csv).unwrap();
    let out = analyze_finished(&["deep.jsonl", "wide.csv"], d);
    let arts = article_sources(&out);
    let errs = errors(&out);
    assert!(
        arts.contains(&"deep.jsonl:3".to_string()),
        "{arts:?} {errs:?}"
    );
    assert!(
        arts.contains(&"wide.csv:2".to_string()),
        "{arts:?} {errs:?}"
    );
    for src in ["deep.jsonl:1", "deep.jsonl:2"] {
        let n = arts.iter().filter(|a| *a == src).count() + usize::from(errs.contains_key(src));
        assert_eq!(n, 1, "{src}: {arts:?} {errs:?}");
    }
}
