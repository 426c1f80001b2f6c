//! Exit codes of the built binary (issue 7): 0 all good, 3 some inputs
//! failed but the rest was written, 2 usage error, 1 fatal error.

use std::path::Path;
use std::process::{Command, Output};

fn framelens(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_framelens"))
        .args(args)
        .current_dir(cwd)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run framelens")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A small, article-like text written for these tests.
const ARTICLE: &str = "The harbour authority of Port Ellery approved the new dredging plan on Tuesday after four days of talks.\n\n\
\u{201c}We are ready to start at once,\u{201d} Mayor Pieter Dane said. Critics claimed the plan was rushed.\n\n\
According to a senior official, the work could reportedly take two years.";

fn setup() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("good.txt"), ARTICLE).unwrap();
    std::fs::write(
        tmp.path().join("good2.txt"),
        ARTICLE.replace("Tuesday", "Friday"),
    )
    .unwrap();
    tmp
}

#[test]
fn zero_when_every_input_worked() {
    let tmp = setup();
    let o = framelens(
        &["analyze", "good.txt", "good2.txt", "--out", "out"],
        tmp.path(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("2 articles written"), "{}", stderr(&o));
    assert!(tmp.path().join("out/articles.csv").is_file());
    assert!(tmp.path().join("out/manifest.json").is_file());
    assert!(o.stdout.is_empty(), "analyze prints nothing on stdout");
    // stderr is not a terminal here: no progress bar, just the summary.
    let err = stderr(&o);
    assert!(
        !err.contains('\r') && !err.contains('\u{1b}'),
        "progress drawn to a non-terminal: {err:?}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn three_when_some_inputs_failed_and_the_rest_was_written() {
    let tmp = setup();
    let o = framelens(
        &["analyze", "good.txt", "nope.txt", "--out", "out"],
        tmp.path(),
    );
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("see errors.csv"));
    let errs = std::fs::read_to_string(tmp.path().join("out/errors.csv")).unwrap();
    assert!(errs.contains("nope.txt"), "{errs}");
    let arts = std::fs::read_to_string(tmp.path().join("out/articles.csv")).unwrap();
    assert!(arts.contains("good.txt"), "the good input is still written");
}

#[test]
fn three_when_every_input_failed() {
    let tmp = setup();
    let o = framelens(&["analyze", "nope.txt", "--out", "out"], tmp.path());
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let arts = std::fs::read_to_string(tmp.path().join("out/articles.csv")).unwrap();
    assert_eq!(arts.lines().count(), 1, "header only");
}

#[test]
fn two_for_usage_errors() {
    let tmp = setup();
    for args in [
        &[][..],
        &["analyze"][..],
        &["analyze", "good.txt"][..],
        &["analyze", "good.txt", "--out", "o", "--bogus"][..],
        &["analyze", "good.txt", "--out", "o", "--shard", "2/2"][..],
        &["analyze", "good.txt", "--out", "o", "--threads", "many"][..],
        &["merge", "a"][..],
        &["no-such-command"][..],
    ] {
        let o = framelens(args, tmp.path());
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?} explains itself");
    }
    assert!(
        !tmp.path().join("o").exists(),
        "a usage error writes nothing"
    );
}

#[test]
fn one_for_fatal_errors() {
    let tmp = setup();
    // The output folder is a file.
    std::fs::write(tmp.path().join("taken"), "x").unwrap();
    let o = framelens(&["analyze", "good.txt", "--out", "taken"], tmp.path());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("taken"),
        "names the path: {}",
        stderr(&o)
    );
    // Merging a folder that is not a finished run.
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let o = framelens(&["merge", "empty", "--out", "m"], tmp.path());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("manifest.json"), "{}", stderr(&o));
}

#[test]
fn merge_exit_code_follows_the_merged_errors() {
    let tmp = setup();
    let ok = |args: &[&str]| {
        let o = framelens(args, tmp.path());
        assert!(matches!(code(&o), 0 | 3), "{args:?}: {}", stderr(&o));
    };
    ok(&[
        "analyze",
        "good.txt",
        "good2.txt",
        "--out",
        "a",
        "--shard",
        "0/2",
        "--window",
        "1",
    ]);
    ok(&[
        "analyze",
        "good.txt",
        "good2.txt",
        "--out",
        "b",
        "--shard",
        "1/2",
        "--window",
        "1",
    ]);
    let o = framelens(&["merge", "a", "b", "--out", "m"], tmp.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    ok(&[
        "analyze", "good.txt", "nope.txt", "--out", "c", "--shard", "0/2", "--window", "1",
    ]);
    ok(&[
        "analyze", "good.txt", "nope.txt", "--out", "d", "--shard", "1/2", "--window", "1",
    ]);
    let o = framelens(&["merge", "c", "d", "--out", "m2"], tmp.path());
    assert_eq!(code(&o), 3, "{}", stderr(&o));
}

#[test]
fn schema_prints_the_dictionary() {
    let tmp = setup();
    let o = framelens(&["schema"], tmp.path());
    assert_eq!(code(&o), 0);
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.starts_with("# framelens data dictionary"));
    assert!(md.contains("| `article_id` |"));
    let o = framelens(&["schema", "--json"], tmp.path());
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["exports"].as_array().unwrap().len() >= 5);
}

#[test]
fn help_and_version_are_not_errors() {
    let tmp = setup();
    assert_eq!(code(&framelens(&["--help"], tmp.path())), 0);
    assert_eq!(code(&framelens(&["--version"], tmp.path())), 0);
    assert_eq!(code(&framelens(&["analyze", "--help"], tmp.path())), 0);
}
