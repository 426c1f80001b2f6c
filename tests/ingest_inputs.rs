//! Integration tests of `ingest`: folders, pages, corpora and bad input,
//! on the fixtures in `tests/fixtures/pages` and `tests/fixtures/corpora`
//! and on generated temporary files.

use framelens::ingest::{ingest, ColumnMap, DocFormat, IngestItem, IngestOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn run(paths: &[PathBuf], opts: &IngestOptions) -> Vec<IngestItem> {
    ingest(paths, opts).collect()
}

fn errors(items: &[IngestItem]) -> Vec<(String, String)> {
    items
        .iter()
        .filter_map(|i| {
            i.as_ref()
                .err()
                .map(|e| (e.source.clone(), e.reason.clone()))
        })
        .collect()
}

#[test]
fn issue2_folder_is_walked_recursively_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("b/inner")).unwrap();
    std::fs::create_dir_all(root.join("a")).unwrap();
    for (p, text) in [
        ("b/inner/z.txt", "Zed page text."),
        ("a/y.md", "Why page text."),
        ("c.html", "<p>See page text.</p>"),
        ("b/x.txt", "Ex page text."),
        ("b.txt", "Bee page text."),
    ] {
        std::fs::write(root.join(p), text).unwrap();
    }
    let items = run(&[root.to_path_buf()], &IngestOptions::default());
    let got: Vec<String> = items
        .iter()
        .map(|i| {
            let d = i.as_ref().unwrap();
            Path::new(&d.source)
                .strip_prefix(root)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        got,
        ["a/y.md", "b/inner/z.txt", "b/x.txt", "b.txt", "c.html"]
    );
    let seqs: Vec<usize> = items.iter().map(|i| i.as_ref().unwrap().seq).collect();
    assert_eq!(seqs, [0, 1, 2, 3, 4]);
    assert_eq!(items[4].as_ref().unwrap().format, DocFormat::Html);
    assert_eq!(items[0].as_ref().unwrap().format, DocFormat::Text);
}

#[test]
fn issue7_bad_files_in_a_folder_are_reported_not_dropped() {
    let items = run(&[fixture("pages/bad")], &IngestOptions::default());
    let errs = errors(&items);
    assert_eq!(
        errs.len(),
        items.len(),
        "every bad file is an error: {items:?}"
    );
    let reason_of = |name: &str| {
        errs.iter()
            .find(|(s, _)| s.ends_with(name))
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{name} not reported: {errs:?}"))
    };
    assert!(reason_of(".hidden_note.txt").starts_with("skipped: hidden"));
    assert!(reason_of("archive.txt").contains("binary"));
    assert!(reason_of("blank.md").contains("empty"));
    assert!(reason_of("empty.txt").contains("empty"));
    assert!(reason_of("photo.png").starts_with("skipped: unsupported file type"));
    // Sorted by name; the hidden file sorts first.
    assert!(errs[0].0.ends_with(".hidden_note.txt"));
}

#[test]
fn issue7_missing_input_and_empty_folder_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.txt");
    let items = run(
        &[missing.clone(), dir.path().to_path_buf()],
        &IngestOptions::default(),
    );
    let errs = errors(&items);
    assert_eq!(errs.len(), 2);
    assert_eq!(
        errs[0],
        (missing.display().to_string(), "not found".to_string())
    );
    assert!(errs[1].1.contains("no files"));
}

#[test]
fn issue7_legacy_encoding_is_detected_and_noted() {
    let items = run(
        &[fixture("pages/legacy/cp1252.txt")],
        &IngestOptions::default(),
    );
    let d = items[0].as_ref().unwrap();
    assert!(d.content.contains("café"), "{}", d.content);
    assert!(d.content.contains("“we are back”"));
    assert!(d.content.contains('—'));
    let note = d.encoding_note.as_deref().unwrap();
    assert!(note.contains("windows-1252"), "{note}");
}

#[test]
fn issue7_utf8_bom_is_stripped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bom.txt");
    std::fs::write(&p, b"\xEF\xBB\xBFFirst line of the page.").unwrap();
    let d = run(&[p], &IngestOptions::default()).remove(0).unwrap();
    assert_eq!(d.content, "First line of the page.");
    assert_eq!(d.encoding_note, None);
}

#[test]
fn issue7_csv_with_broken_quote_keeps_other_rows_and_names_the_line() {
    let path = fixture("corpora/articles.csv");
    let items = run(std::slice::from_ref(&path), &IngestOptions::default());
    assert_eq!(items.len(), 5, "{items:?}");
    let name = path.display().to_string();
    let ok: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    let ids: Vec<_> = ok
        .iter()
        .map(|d| d.meta.id.clone().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["c1", "c2", "c4", "c5"]);
    // Sources are file:LINE of the record's first physical line.
    let sources: Vec<_> = ok.iter().map(|d| d.source.clone()).collect();
    assert_eq!(
        sources,
        [
            format!("{name}:2"),
            format!("{name}:5"),
            format!("{name}:7"),
            format!("{name}:8")
        ]
    );
    let errs = errors(&items);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, format!("{name}:6"));
    assert!(errs[0].1.contains("malformed CSV record"), "{}", errs[0].1);
    // Multi-line quoted text is kept whole.
    assert!(ok[0].content.contains("\n\nThe first ships"));
    // Corpus columns fill the user metadata.
    assert_eq!(ok[0].meta.outlet.as_deref(), Some("Harbour Herald"));
    assert_eq!(
        ok[0].meta.url.as_deref(),
        Some("https://harbourherald.example/a1")
    );
    assert_eq!(ok[0].meta.published.as_deref(), Some("2024-03-12"));
    assert_eq!(ok[0].meta.title.as_deref(), Some("Ferry route to reopen"));
    assert_eq!(ok[3].meta.outlet, None);
    // Input order over the whole run, errors included.
    let seqs: Vec<usize> = items
        .iter()
        .map(|i| match i {
            Ok(d) => d.seq,
            Err(e) => e.seq,
        })
        .collect();
    assert_eq!(seqs, [0, 1, 2, 3, 4]);
}

#[test]
fn issue2_outlet_flag_fills_gaps_but_corpus_column_wins() {
    let opts = IngestOptions {
        outlet: Some("Flag Outlet".into()),
        ..IngestOptions::default()
    };
    let items = run(
        &[
            fixture("corpora/articles.csv"),
            fixture("pages/good/scraped_news.txt"),
        ],
        &opts,
    );
    let ok: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    assert_eq!(ok[0].meta.outlet.as_deref(), Some("Harbour Herald"));
    assert_eq!(ok[3].meta.outlet.as_deref(), Some("Flag Outlet"));
    assert_eq!(ok[4].meta.outlet.as_deref(), Some("Flag Outlet"));
}

#[test]
fn issue7_jsonl_malformed_lines_are_reported_and_the_rest_goes_on() {
    let path = fixture("corpora/articles.jsonl");
    let name = path.display().to_string();
    let items = run(&[path], &IngestOptions::default());
    let ok: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    let ids: Vec<_> = ok
        .iter()
        .map(|d| d.meta.id.clone().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["j1", "j3", "7"]);
    assert_eq!(ok[1].format, DocFormat::Html);
    assert_eq!(ok[1].meta.outlet.as_deref(), Some("Corpus Outlet"));
    assert_eq!(ok[1].source, format!("{name}:3"));
    let errs = errors(&items);
    let lines: Vec<&str> = errs
        .iter()
        .map(|(s, _)| s.rsplit(':').next().unwrap())
        .collect();
    assert_eq!(lines, ["2", "5", "6", "7"], "{errs:?}");
    assert!(errs[0].1.contains("malformed JSONL"));
    assert!(errs[1].1.contains("empty"));
    assert!(errs[2].1.contains("not a string"));
    assert!(errs[3].1.contains("not a JSON object"));
}

#[test]
fn tsv_quotes_are_read_as_text() {
    let items = run(
        &[fixture("corpora/articles.tsv")],
        &IngestOptions::default(),
    );
    let ok: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    assert_eq!(ok.len(), 2, "{items:?}");
    assert!(ok[0].content.starts_with("\"Yes,\" the mayor said"));
}

#[test]
fn renamed_columns_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.csv");
    std::fs::write(
        &p,
        "key,body,site\nk1,Some body text for the row.,Site One\n",
    )
    .unwrap();
    let opts = IngestOptions {
        columns: ColumnMap {
            id: "key".into(),
            text: "body".into(),
            outlet: "site".into(),
            ..ColumnMap::default()
        },
        ..IngestOptions::default()
    };
    let d = run(std::slice::from_ref(&p), &opts).remove(0).unwrap();
    assert_eq!(d.meta.id.as_deref(), Some("k1"));
    assert_eq!(d.meta.outlet.as_deref(), Some("Site One"));
    // Without the renaming the file has no text column: one clear error.
    let e = run(&[p], &IngestOptions::default()).remove(0).unwrap_err();
    assert!(
        e.reason.contains("no 'text' or 'html' column"),
        "{}",
        e.reason
    );
}

#[test]
fn issue7_documents_over_the_limit_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.txt");
    std::fs::write(&p, "word ".repeat(100)).unwrap();
    let opts = IngestOptions {
        max_doc_bytes: 100,
        ..IngestOptions::default()
    };
    let e = run(&[p], &opts).remove(0).unwrap_err();
    assert!(e.reason.contains("larger than the limit"), "{}", e.reason);
}

#[test]
fn issue7_single_20_mb_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("one_line.txt");
    let sentence = "The ferry route between the two ports will reopen in June, officials said. ";
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    let mut n = 0;
    while n < 20 * 1024 * 1024 {
        f.write_all(sentence.as_bytes()).unwrap();
        n += sentence.len();
    }
    f.flush().unwrap();
    drop(f);
    let items = run(std::slice::from_ref(&p), &IngestOptions::default());
    let d = items.into_iter().next().unwrap().unwrap();
    assert!(d.content.len() >= 20 * 1024 * 1024);
    let a = framelens::extract::extract(d).unwrap();
    assert!(a.body.len() >= 20 * 1024 * 1024 - 100);
    // The same line as one JSONL row.
    let j = dir.path().join("one_line.jsonl");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &j,
        serde_json::json!({ "id": "big", "text": text }).to_string(),
    )
    .unwrap();
    let items = run(&[j], &IngestOptions::default());
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap().meta.id.as_deref(), Some("big"));
}

#[test]
fn issue7_huge_corpus_is_streamed_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("many.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    writeln!(f, "id,text").unwrap();
    let rows = 50_000;
    for i in 0..rows {
        writeln!(
            f,
            "r{i},\"Row {i} says the ferry, once idle, will sail again.\""
        )
        .unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let mut n = 0;
    let mut last = String::new();
    for item in ingest(&[p], &IngestOptions::default()) {
        let d = item.unwrap();
        n += 1;
        last = d.meta.id.unwrap();
    }
    assert_eq!(n, rows);
    assert_eq!(last, format!("r{}", rows - 1));
}

/// `-` reads stdin, sniffing JSONL / CSV / plain text (through the CLI,
/// since stdin belongs to the process).
#[test]
fn issue2_stdin_is_sniffed() {
    use std::process::{Command, Stdio};
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "jsonl",
            b"{\"id\":\"s1\",\"text\":\"The council met on Tuesday and voted to keep the market open, its chair said.\"}\n",
            "<stdin>:1",
        ),
        (
            "csv",
            b"id,text\ns2,\"The council met on Tuesday and voted to keep the market open, its chair said.\"\n",
            "<stdin>:2",
        ),
        (
            "text",
            b"The council met on Tuesday and voted to keep the market open, its chair said.\n",
            "<stdin>",
        ),
    ];
    for (name, input, source) in cases {
        let out = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_framelens"))
            .args(["analyze", "-", "--out"])
            .arg(out.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let status = child.wait_with_output().unwrap();
        assert!(
            status.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let csv = std::fs::read_to_string(out.path().join("articles.csv")).unwrap();
        assert!(csv.contains(&format!(",{source},")), "{name}: {csv}");
    }
}
