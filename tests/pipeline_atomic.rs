//! Atomic outputs (issue 7): a run that dies never leaves a half-written
//! export under its final name, and paths found inside corpora are never
//! used to write files.

use framelens::report::exports::{CsvOut, Exports, EXPORT_FILES};
use std::path::Path;
use std::process::Command;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn exports_dropped_without_finish_leave_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ex = Exports::create(tmp.path()).unwrap();
    ex.write_errors(&[framelens::ingest::InputError {
        seq: 0,
        source: "x.txt".into(),
        reason: "test".into(),
    }])
    .unwrap();
    drop(ex);
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
}

#[test]
fn exports_appear_only_on_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let ex = Exports::create(tmp.path()).unwrap();
    for f in EXPORT_FILES {
        assert!(!tmp.path().join(f).exists(), "{f} visible before finish");
    }
    ex.finish().unwrap();
    let mut expected: Vec<String> = EXPORT_FILES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names(tmp.path()), expected);
}

#[test]
fn a_csv_dropped_unfinished_does_not_replace_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("t.csv");
    std::fs::write(&p, "old,complete\r\n").unwrap();
    let mut w = CsvOut::create(&p, &["a".into(), "b".into()]).unwrap();
    w.row(["1", "2"]).unwrap();
    drop(w);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "old,complete\r\n");
    assert_eq!(names(tmp.path()), vec!["t.csv"]);
}

/// Kill a real run in the middle and check what it left.
#[test]
fn a_killed_run_leaves_no_complete_looking_output() {
    let tmp = tempfile::tempdir().unwrap();
    let so = framelens::synth::SynthOptions {
        articles: 1500,
        seed: 3,
    };
    let mut args = vec!["analyze".to_string()];
    for i in 0..so.articles {
        let p = tmp.path().join(format!("in{i:04}.txt"));
        let a = framelens::synth::article(&so, i);
        std::fs::write(&p, a["text"].as_str().unwrap()).unwrap();
        args.push(p.display().to_string());
    }
    let out = tmp.path().join("out");
    // An earlier, complete run in the same folder.
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("manifest.json"), "{}").unwrap();
    args.extend(["--out".into(), out.display().to_string()]);
    args.extend([
        "--window".into(),
        "8".into(),
        "--threads".into(),
        "1".into(),
    ]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_framelens"))
        .args(&args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run is writing (a temporary file exists), then kill it.
    let writing = |d: &Path| {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .any(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            })
            .unwrap_or(false)
    };
    for _ in 0..2000 {
        if writing(&out) || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = child.kill();
    let status = child.wait().unwrap();
    let left = names(&out);
    if status.success() {
        eprintln!("the run finished before it could be killed; checking a complete run instead");
        assert!(left.contains(&"manifest.json".to_string()));
    } else {
        // The stale manifest of the earlier run was removed first, so
        // nothing vouches for this folder.
        assert!(!left.contains(&"manifest.json".to_string()), "{left:?}");
        assert!(
            !left.contains(&"articles.csv".to_string()),
            "articles.csv published by a killed run: {left:?}"
        );
    }
    // Whatever is under a final name is complete CSV.
    for f in &left {
        if f.ends_with(".csv") && !f.starts_with('.') {
            let bytes = std::fs::read(out.join(f)).unwrap();
            assert!(bytes.ends_with(b"\r\n"), "{f} is cut off");
            let mut r = csv::Reader::from_reader(&bytes[..]);
            for rec in r.records() {
                rec.unwrap_or_else(|e| panic!("{f}: {e}"));
            }
        }
    }
}

#[test]
fn paths_inside_a_corpus_are_never_written_to() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let corpus = work.join("corpus.jsonl");
    let text = "The council approved the budget on Monday after a long debate.\n\nThe mayor said the vote was fair.";
    let mut lines = String::new();
    for (i, id) in [
        "../../escaped",
        "/tmp/framelens-escaped-abs",
        "..",
        "out/../../x",
        "a/b/c",
    ]
    .iter()
    .enumerate()
    {
        lines.push_str(
            &serde_json::json!({
                "id": id, "outlet": format!("../outlet{i}"), "url": "file:///etc/passwd",
                "title": "../../title", "text": text,
            })
            .to_string(),
        );
        lines.push('\n');
    }
    std::fs::write(&corpus, lines).unwrap();
    let before_tmp = std::path::Path::new("/tmp/framelens-escaped-abs").exists();
    let o = Command::new(env!("CARGO_BIN_EXE_framelens"))
        .args(["analyze", "corpus.jsonl", "--out", "out"])
        .current_dir(&work)
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0) | Some(3)));
    let mut expected: Vec<String> = EXPORT_FILES.iter().map(|s| s.to_string()).collect();
    expected.push("manifest.json".into());
    expected.sort();
    let written = names(&work.join("out"));
    // Every file has a fixed, documented name; none is named after corpus content.
    let documented: Vec<&str> = framelens::report::dictionary::exports()
        .iter()
        .map(|d| d.file)
        .collect();
    for f in &written {
        assert!(documented.contains(&f.as_str()), "unexpected file {f}");
    }
    for f in &expected {
        assert!(written.contains(f), "{f} missing: {written:?}");
    }
    assert_eq!(names(&work), vec!["corpus.jsonl", "out"]);
    assert_eq!(names(tmp.path()), vec!["work"]);
    assert_eq!(
        std::path::Path::new("/tmp/framelens-escaped-abs").exists(),
        before_tmp
    );
}
