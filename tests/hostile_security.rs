//! Issue 7, security: spreadsheet formula injection, HTML escaping of
//! article text, paths in corpora, no network, deterministic output, exit
//! codes. Each test runs the real binary (or the library) on inputs in a
//! temporary folder.

mod hostile_common;

use hostile_common::html_check::{injections, text_content, tokenize, Tok};
use hostile_common::*;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

fn copy_fixture(name: &str, dir: &Path) {
    std::fs::copy(fixture(name), dir.join(name)).unwrap();
}

/// Characters that make a spreadsheet read a cell as a formula.
fn is_formula(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && cell.parse::<f64>().is_err()
}

// ---------------------------------------------------------------------------
// Formula injection

#[test]
fn issue7_formula_injection_is_neutralised_in_every_csv_export() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    copy_fixture("formula.csv", d);
    // File names are written to the `source` column.
    std::fs::write(
        d.join("=HYPERLINK(1).txt"),
        "=HYPERLINK(\"http://evil.example/\",\"x\") The board met on Tuesday, officials said.\n\n+49 ferries ran, critics claimed.\n\n@here the regime said.",
    )
    .unwrap();
    std::fs::write(d.join("@evil.txt"), "").unwrap();
    std::fs::write(d.join("+evil.txt"), "").unwrap();
    // A JSONL corpus with formula-looking story, language and outlet values,
    // and two articles of one story sharing a quote and a sentence that
    // start with formulas (they reach quotes.csv, alignment.csv, stories.csv).
    let shared = "\u{201c}=HYPERLINK(\"http://evil.example/\",\"q\") is what we saw,\u{201d} the harbour master said on Tuesday.\n\n\
                  =SUM(A1:A3) ferries were delayed by fog in Port Wenlow on Tuesday, the board said.\n\n";
    let rows = [
        (
            "-j1",
            "=Formula Times",
            format!("{shared}-cmd ran. The board said the ferries were reportedly late."),
        ),
        (
            "-j2",
            "@At Daily",
            format!("{shared}+1 more ferry was cancelled, critics claimed."),
        ),
    ];
    let mut jsonl = String::new();
    for (id, outlet, text) in rows {
        jsonl.push_str(&format!(
            "{{\"id\":{},\"story\":\"=story\",\"language\":\"=en\",\"outlet\":{},\"byline\":\"\\t=tabbed\",\"text\":{}}}\n",
            json_str(id),
            json_str(outlet),
            json_str(&text)
        ));
    }
    std::fs::write(d.join("formula.jsonl"), jsonl).unwrap();
    let o = analyze(
        &[
            "formula.csv",
            "=HYPERLINK(1).txt",
            "@evil.txt",
            "+evil.txt",
            "formula.jsonl",
        ],
        "out",
        d,
    );
    assert_eq!(code(&o), EXIT_PARTIAL, "{}", stderr(&o));
    let out = d.join("out");
    let csvs: Vec<PathBuf> = files_under(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    assert!(csvs.len() >= 4, "{csvs:?}");
    let mut neutralised = 0;
    for rel in &csvs {
        let t = read_csv(&out.join(rel));
        for (r, row) in std::iter::once(&t.header).chain(&t.rows).enumerate() {
            for (c, cell) in row.iter().enumerate() {
                assert!(
                    !is_formula(cell),
                    "{}: row {r}, column {:?}: formula cell {cell:?}",
                    rel.display(),
                    t.header.get(c)
                );
                if cell.starts_with("'=")
                    || cell.starts_with("'+")
                    || cell.starts_with("'-")
                    || cell.starts_with("'@")
                    || cell.starts_with("'\t")
                {
                    neutralised += 1;
                }
            }
        }
    }
    // The hostile values are still there, neutralised, not dropped.
    let arts = read_csv(&out.join("articles.csv"));
    let ids = arts.column("article_id");
    for want in ["'=1+1", "'+f2", "'@f3", "f4", "'-j1", "'-j2"] {
        assert!(ids.iter().any(|i| i == want), "{want} not in {ids:?}");
    }
    let titles = arts.column("title");
    assert!(
        titles.iter().any(|t| t.starts_with("'=HYPERLINK(")),
        "{titles:?}"
    );
    // Plain numbers stay numbers.
    assert!(titles.iter().any(|t| t == "-12.5"), "{titles:?}");
    let outlets = arts.column("outlet");
    assert!(outlets.iter().any(|o| o == "-5"), "{outlets:?}");
    let sources = arts.column("source");
    assert!(
        sources.iter().any(|s| s == "'=HYPERLINK(1).txt"),
        "{sources:?}"
    );
    let errs = read_csv(&out.join("errors.csv")).column("source");
    assert!(errs.iter().any(|s| s == "'@evil.txt"), "{errs:?}");
    assert!(errs.iter().any(|s| s == "'+evil.txt"), "{errs:?}");
    let sentences = read_csv(&out.join("sentences.csv")).column("text");
    assert!(
        sentences.iter().any(|s| s.starts_with("'=HYPERLINK(")),
        "{sentences:?}"
    );
    // The cross-article tables carry article text too.
    let stories = read_csv(&out.join("stories.csv")).column("story_id");
    assert!(stories.iter().any(|s| s == "'=story"), "{stories:?}");
    let quotes = read_csv(&out.join("quotes.csv")).column("text");
    assert!(
        quotes.iter().any(|q| q.starts_with("'=HYPERLINK(")),
        "{quotes:?}"
    );
    let aligned = read_csv(&out.join("alignment.csv")).column("text");
    assert!(
        aligned.iter().any(|t| t.starts_with("'=SUM(")),
        "{aligned:?}"
    );
    let outlets = read_csv(&out.join("outlets.csv")).column("outlet");
    assert!(
        outlets.iter().any(|o| o == "'=Formula Times"),
        "{outlets:?}"
    );
    assert!(neutralised >= 15, "only {neutralised} neutralised cells");
}

// ---------------------------------------------------------------------------
// HTML escaping

/// The markers carried by the payloads in `xss.jsonl` and the file names.
const MARKERS: &[&str] = &[
    "alert(7001)",
    "alert(7002)",
    "alert(7003)",
    "alert(7004)",
    "alert(7005)",
    "alert(7006)",
    "alert(7007)",
    "alert(7008)",
    "alert(7009)",
    "alert(7010)",
    "alert(7011)",
    "alert(7012)",
    "alert(7013)",
    "alert(7014)",
    "alert(7015)",
    "alert(7016)",
    "alert(7017)",
    "alert(7018)",
    "alert(7019)",
    "alert(7020)",
];

#[test]
fn issue7_the_injection_checker_finds_injections() {
    let m = &["alert(1)"];
    assert!(injections("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", m).is_empty());
    assert!(injections("<p title=\"&lt;b onclick=alert(1)&gt;\">x</p>", m).is_empty());
    assert!(injections("<a href=\"https://example.org/\">x</a>", m).is_empty());
    assert!(!injections("<p><script>alert(1)</script></p>", m).is_empty());
    assert!(!injections("<p><img src=x onerror=alert(1)></p>", m).is_empty());
    assert!(!injections("<p id=\"x\" onmouseover=\"alert(1)\">", m).is_empty());
    assert!(!injections("<a href=\" JaVa&#x09;Script:alert(1)\">x</a>", m).is_empty());
    assert!(!injections("<textarea>a</textarea></textarea><b>", m).is_empty());
    assert!(!injections(
        "<script type=\"application/json\">{\"a\":\"</script><script>alert(1)</script>\"}</script>",
        m
    )
    .is_empty());
    assert!(injections(
        "<script type=\"application/json\">{\"a\":\"<\\/script>alert(1)\"}</script>",
        m
    )
    .is_empty());
    assert!(!injections("<style>p{background:url(javascript:alert(1))}</style>", m).is_empty());
    assert!(text_content("<p>a &lt;b&gt; c</p>").contains("a <b> c"));
}

fn assert_safe_report(html: &str, what: &str) {
    let found = injections(html, MARKERS);
    assert!(
        found.is_empty(),
        "{what}: article text became markup:\n{}",
        found.join("\n")
    );
    // Not vacuous: the hostile text is shown, as text.
    let text = text_content(html);
    for m in [
        "alert(7001)",
        "alert(7002)",
        "alert(7003)",
        "alert(7006)",
        "alert(7015)",
    ] {
        assert!(text.contains(m), "{what}: {m} is not shown as text");
    }
    assert!(
        text.contains("{{ 7*7 }}"),
        "{what}: template syntax in text was evaluated or lost"
    );
    // javascript: URLs never become links.
    for t in tokenize(html) {
        if let Tok::Tag(tag) = t {
            for (n, v) in &tag.attrs {
                if n == "href" {
                    assert!(
                        !v.to_ascii_lowercase().contains("alert(70"),
                        "{what}: link to {v:?}"
                    );
                }
            }
        }
    }
}

/// Write the hostile inputs: the JSONL fixture and a file whose name is a
/// payload (it is empty, so it shows up in the error list).
fn hostile_inputs(d: &Path) -> Vec<PathBuf> {
    copy_fixture("xss.jsonl", d);
    let bad_name = "<img src=x onerror=alert(7017)>.txt";
    std::fs::write(d.join(bad_name), "").unwrap();
    vec![d.join("xss.jsonl"), d.join(bad_name)]
}

#[test]
fn issue7_hostile_article_text_is_escaped_in_the_html_report() {
    use framelens::pipeline::{run_analyze_with, AnalyzeOptions};
    use framelens::report::html::{render, HtmlOptions};
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let inputs = hostile_inputs(d);
    let opts = AnalyzeOptions {
        out: d.join("out"),
        threads: 1,
        ..AnalyzeOptions::default()
    };
    let mut windows = Vec::new();
    let summary = run_analyze_with(&inputs, &opts, &mut |cmp| {
        windows.push(cmp.clone());
        Ok(())
    })
    .expect("run");
    assert_eq!(summary.articles, 3, "{:?}", summary.errors);
    assert_eq!(windows.len(), 1);
    let html = render(&windows[0], &summary.errors, &[], &HtmlOptions::default()).expect("render");
    assert_safe_report(&html, "report.html");
    let ws = render(
        &windows[0],
        &summary.errors,
        &[],
        &HtmlOptions {
            worksheet: true,
            ..HtmlOptions::default()
        },
    )
    .expect("render worksheet");
    assert_safe_report(&ws, "worksheet.html");
    // The error list shows the hostile file name as text.
    assert!(
        text_content(&html).contains("alert(7017)"),
        "error source not shown"
    );
}

/// When the CLI has a `report` command, check the files it writes too.
#[test]
fn issue7_hostile_article_text_is_escaped_by_the_report_command() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let help = run(&["report", "--help"], d);
    if !help.status.success() {
        eprintln!("skipped: this build has no `report` command yet");
        return;
    }
    hostile_inputs(d);
    let o = run(
        &[
            "report",
            "xss.jsonl",
            "<img src=x onerror=alert(7017)>.txt",
            "--out",
            "out",
        ],
        d,
    );
    assert_eq!(code(&o), EXIT_PARTIAL, "{}", stderr(&o));
    let htmls: Vec<PathBuf> = files_under(&d.join("out"))
        .into_iter()
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "html" || e == "htm" || e == "svg")
        })
        .collect();
    assert!(!htmls.is_empty(), "no HTML written");
    for rel in htmls {
        let html = std::fs::read_to_string(d.join("out").join(&rel)).unwrap();
        let found = injections(&html, MARKERS);
        assert!(found.is_empty(), "{}: {}", rel.display(), found.join("\n"));
    }
}

#[test]
fn issue7_hostile_text_round_trips_unchanged_in_jsonl_and_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    copy_fixture("xss.jsonl", d);
    let o = analyze(&["xss.jsonl"], "out", d);
    assert_eq!(code(&o), EXIT_OK, "{}", stderr(&o));
    let out = d.join("out");
    let arts = read_jsonl(&out.join("articles.jsonl"));
    assert_eq!(arts.len(), 3);
    let body = arts[0]["body"].as_str().unwrap();
    for p in [
        "<script>alert(7001)</script>",
        "<img src=x onerror=alert(7002)>",
        "</textarea><script>alert(7003)</script>",
    ] {
        assert!(
            body.contains(p),
            "plain-text payload altered: {p} not in {body}"
        );
    }
    // Exported data is data: the CSV cell holds the same text.
    let sentences = read_csv(&out.join("sentences.csv")).column("text");
    assert!(sentences
        .iter()
        .any(|s| s.contains("<script>alert(7001)</script>")));
}

// ---------------------------------------------------------------------------
// Paths inside corpora

#[test]
fn issue7_paths_in_corpora_are_never_used_to_write_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let work = d.join("work");
    std::fs::create_dir(&work).unwrap();
    copy_fixture("traversal.jsonl", &work);
    let outside = [
        "/tmp/framelens-issue7-pwned",
        "/tmp/framelens-issue7-absolute",
        "/tmp/framelens-issue7-story",
        "/tmp/framelens-issue7-file",
    ];
    for p in outside {
        let _ = std::fs::remove_file(p);
    }
    let before = files_under(d);
    // `analyze` writes the exports; `report` also writes report.html and a
    // charts/ folder.
    for (cmd, out) in [("analyze", "out"), ("report", "rout")] {
        let mut args = vec![cmd, "traversal.jsonl", "--out", out];
        if cmd == "analyze" {
            args.push("--quiet");
        }
        let o = run(&args, &work);
        assert_eq!(code(&o), EXIT_OK, "{cmd}: {}", stderr(&o));
    }
    for p in outside {
        assert!(!Path::new(p).exists(), "{p} was created");
    }
    // Nothing new outside the output folders.
    let after: Vec<PathBuf> = files_under(d)
        .into_iter()
        .filter(|p| !p.starts_with("work/out") && !p.starts_with("work/rout"))
        .collect();
    assert_eq!(after, before, "files appeared outside the output folder");
    // The output folders hold files with names fixed by the code, none
    // named after corpus data.
    for out in [work.join("out"), work.join("rout")] {
        for rel in files_under(&out) {
            let name = rel.display().to_string();
            assert!(rel.components().count() <= 2, "{name}: nested output");
            for bad in [
                "passwd", "pwned", "outside", "evil", "shadow", "System32", "story", "..",
            ] {
                assert!(
                    !name.contains(bad),
                    "output file {name} is named after corpus data"
                );
            }
        }
    }
    let out = work.join("out");
    let exports = names(&out);
    for want in [
        "articles.csv",
        "articles.jsonl",
        "errors.csv",
        "manifest.json",
    ] {
        assert!(exports.contains(want), "{want} missing: {exports:?}");
    }
    // The ids are kept as data.
    let ids = read_csv(&out.join("articles.csv")).column("article_id");
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert!(ids.contains(&"../../../../../../tmp/framelens-issue7-pwned".to_string()));
    // ... and the real export files were not overwritten by a row named
    // `articles.csv`: they parse and hold all four rows.
    assert_eq!(read_jsonl(&out.join("articles.jsonl")).len(), 4);
}

// ---------------------------------------------------------------------------
// Determinism

fn mixed_inputs(d: &Path) -> Vec<String> {
    for f in [
        "broken_quote.csv",
        "malformed.jsonl",
        "formula.csv",
        "xss.jsonl",
        "traversal.jsonl",
    ] {
        copy_fixture(f, d);
    }
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/demo");
    let mut inputs: Vec<String> = [
        "broken_quote.csv",
        "malformed.jsonl",
        "formula.csv",
        "xss.jsonl",
        "traversal.jsonl",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if demo.is_dir() {
        inputs.push(demo.display().to_string());
    }
    inputs
}

#[test]
fn issue7_output_is_byte_identical_across_runs_and_thread_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let inputs = mixed_inputs(d);
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let mut outs = Vec::new();
    for (out, threads) in [("out1", "1"), ("out2", "2"), ("out3", "2")] {
        let mut args = vec!["analyze"];
        args.extend(&inputs);
        args.extend(["--out", out, "--quiet", "--threads", threads]);
        let o = run(&args, d);
        assert_eq!(code(&o), EXIT_PARTIAL, "{}", stderr(&o));
        outs.push(d.join(out));
    }
    let files = files_under(&outs[0]);
    assert!(files.len() >= 5, "{files:?}");
    for other in &outs[1..] {
        assert_eq!(files_under(other), files, "different file sets");
        for f in &files {
            let a = std::fs::read(outs[0].join(f)).unwrap();
            let b = std::fs::read(other.join(f)).unwrap();
            assert!(a == b, "{} differs between runs", f.display());
        }
    }
}

// ---------------------------------------------------------------------------
// Exit codes (src/main.rs): 0 all good, 3 some inputs failed, 2 usage, 1 fatal

#[test]
fn issue7_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("good.txt"), ARTICLE).unwrap();
    std::fs::write(d.join("empty.txt"), "").unwrap();
    std::fs::write(d.join("a_file"), "not a folder").unwrap();

    let ok = analyze(&["good.txt"], "o1", d);
    assert_eq!(code(&ok), EXIT_OK, "{}", stderr(&ok));
    let partial = analyze(&["good.txt", "empty.txt", "missing.txt"], "o2", d);
    assert_eq!(code(&partial), EXIT_PARTIAL, "{}", stderr(&partial));
    assert_eq!(read_csv(&d.join("o2/errors.csv")).rows.len(), 2);
    assert_eq!(read_csv(&d.join("o2/articles.csv")).rows.len(), 1);

    for args in [
        &[][..],
        &["analyze"][..],
        &["analyze", "good.txt"][..],
        &["analyze", "good.txt", "--out"][..],
        &["analyze", "good.txt", "--out", "o3", "--no-such-flag"][..],
        &["analyze", "good.txt", "--out", "o3", "--shard", "5/2"][..],
        &["analyze", "good.txt", "--out", "o3", "--threads", "many"][..],
        &["no-such-command"][..],
    ] {
        let o = run(args, d);
        assert_eq!(code(&o), EXIT_USAGE, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?}: no message");
    }
    // Fatal: the output folder cannot be created, or an option names a
    // missing file.
    for args in [
        &["analyze", "good.txt", "--out", "a_file"][..],
        &["analyze", "good.txt", "--out", "a_file/sub"][..],
        &[
            "analyze",
            "good.txt",
            "--out",
            "o4",
            "--lexicon-dir",
            "no-such-dir",
        ][..],
        &[
            "analyze",
            "good.txt",
            "--out",
            "o5",
            "--model",
            "no-such-model.json",
        ][..],
    ] {
        let o = run(args, d);
        assert_eq!(code(&o), EXIT_FATAL, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("error"), "{args:?}: {}", stderr(&o));
    }
}

// ---------------------------------------------------------------------------
// No network

/// Crates that open network connections.
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "attohttpc",
    "minreq",
    "surf",
    "h2",
    "h3",
    "quinn",
    "tokio",
    "async-std",
    "mio",
    "socket2",
    "native-tls",
    "rustls",
    "openssl",
    "websocket",
    "tungstenite",
    "ehttp",
    "hf-hub",
];

#[test]
fn issue7_no_network_crate_in_the_dependency_tree() {
    // Cargo.lock lists every package any target of the crate can use
    // (dev-dependencies included), so this is stricter than the runtime tree.
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .collect();
    assert!(
        names.len() > 20,
        "Cargo.lock not parsed: {} names",
        names.len()
    );
    let found: Vec<&&str> = names
        .iter()
        .filter(|n| NETWORK_CRATES.contains(n))
        .collect();
    assert!(found.is_empty(), "network crates in Cargo.lock: {found:?}");
}

#[test]
fn issue7_no_socket_api_in_the_sources() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(!files.is_empty());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for api in [
            "std::net",
            "TcpStream",
            "UdpSocket",
            "TcpListener",
            "ToSocketAddrs",
            "UnixStream",
        ] {
            assert!(!text.contains(api), "{} uses {api}", f.display());
        }
    }
}

/// Can this machine run a command in a fresh network namespace?
fn unshare_works() -> bool {
    std::process::Command::new("unshare")
        .args(["-n", "true"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn issue7_analyze_works_without_any_network() {
    if !unshare_works() {
        eprintln!("skipped: `unshare -n` is not available here (needs user or root namespaces)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("good.txt"), ARTICLE).unwrap();
    copy_fixture("xss.jsonl", d);
    let o = std::process::Command::new("unshare")
        .args([
            "-n",
            bin(),
            "analyze",
            "good.txt",
            "xss.jsonl",
            "--out",
            "out",
            "--quiet",
        ])
        .current_dir(d)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&o), EXIT_OK, "{}", stderr(&o));
    assert_eq!(read_csv(&d.join("out/articles.csv")).rows.len(), 4);
}

#[test]
fn issue7_analyze_makes_no_network_system_calls() {
    let have_strace = std::process::Command::new("strace")
        .arg("-V")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have_strace {
        eprintln!("skipped: strace is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("good.txt"), ARTICLE).unwrap();
    copy_fixture("xss.jsonl", d);
    let o = std::process::Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=%network",
            "-o",
            "trace.txt",
            bin(),
        ])
        .args([
            "analyze",
            "good.txt",
            "xss.jsonl",
            "--out",
            "out",
            "--quiet",
        ])
        .current_dir(d)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let trace = std::fs::read_to_string(d.join("trace.txt")).unwrap_or_default();
    if code(&o) != EXIT_OK && trace.is_empty() {
        eprintln!("skipped: strace cannot trace here: {}", stderr(&o));
        return;
    }
    assert_eq!(code(&o), EXIT_OK, "{}", stderr(&o));
    // Not calls: `+++ exited`, `--- SIGCHLD`, and `<pid> ???( <detached ...>`,
    // which strace prints when a thread exits while being traced (seen
    // about once in 25 runs under load).
    let calls: Vec<&str> = trace
        .lines()
        .filter(|l| !l.contains("+++") && !l.contains("---") && !l.contains("<detached"))
        .collect();
    assert!(
        calls.is_empty(),
        "network system calls:\n{}",
        calls.join("\n")
    );
}
