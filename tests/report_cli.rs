//! `framelens report INPUT... --out DIR [--worksheet]` end to end (issue 5):
//! the whole analysis runs, every export is written next to report.html,
//! worksheet.html and the charts, and a second run gives the same bytes.

mod report_common;

use report_common::*;
use std::path::Path;
use std::process::Command;

fn run(out: &Path, worksheet: bool) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_framelens"));
    cmd.arg("report")
        .arg(fixtures().join("story"))
        .arg("--out")
        .arg(out);
    if worksheet {
        cmd.arg("--worksheet");
    }
    cmd.output().expect("run framelens")
}

fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walk(dir) {
        out.push(e.strip_prefix(dir).unwrap().display().to_string());
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn report_command_writes_exports_html_and_charts_deterministically() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let out = run(&a, true);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let names = files(&a);
    for f in [
        "report.html",
        "worksheet.html",
        "articles.csv",
        "sentences.csv",
        "spans.csv",
        "errors.csv",
        "charts/outlet_features.png",
        "charts/outlet_features.svg",
        "charts/framing_vs_reliability.svg",
        "charts/strip_001.png",
        "charts/strip_005.svg",
    ] {
        assert!(names.iter().any(|n| n == f), "{f} missing from {names:?}");
    }
    assert!(
        !names.iter().any(|n| n.contains(".tmp")),
        "temporary files left: {names:?}"
    );
    let page = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert_inert(&page, 0);
    for outlet in ["The Riverton Ledger", "Civic Watch", "Valley Review"] {
        assert!(page.contains(outlet), "{outlet} not in the report");
    }

    // Same input, same bytes (charts included), wherever the output goes.
    let out = run(&b, true);
    assert!(out.status.success());
    assert_eq!(names, files(&b));
    for n in &names {
        if n == "manifest.json" {
            continue; // records the output folder's inputs, identical anyway
        }
        assert!(
            std::fs::read(a.join(n)).unwrap() == std::fs::read(b.join(n)).unwrap(),
            "{n} differs between two runs"
        );
    }
}

#[test]
fn report_without_worksheet_writes_only_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(tmp.path().join("report.html").is_file());
    assert!(!tmp.path().join("worksheet.html").exists());
}

#[test]
fn unreadable_inputs_are_listed_in_the_report_and_give_the_partial_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("empty.txt");
    std::fs::write(&bad, b"").unwrap();
    let out_dir = tmp.path().join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_framelens"))
        .arg("report")
        .arg(fixtures().join("story"))
        .arg(&bad)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(
        page.contains("id=\"errors\""),
        "the failed input is not listed"
    );
    assert!(page.contains("empty.txt"));
}
