//! Streaming runs, shards and `merge` (issue 6): the same bytes whatever the
//! thread count, window order kept, and merged shards identical to one
//! unsharded run.

use framelens::merge::{self, Manifest, MergeError, MergeMode};
use framelens::pipeline::{run_analyze, AnalyzeOptions, Shard};
use framelens::synth::{self, SynthOptions};
use std::path::{Path, PathBuf};

/// Write `n` synthetic articles as text files, plus one input that does
/// not exist (an error row), and return the input list.
fn corpus(dir: &Path, n: usize) -> Vec<PathBuf> {
    let so = SynthOptions {
        articles: n,
        seed: 11,
    };
    let mut inputs = Vec::new();
    for i in 0..n {
        let a = synth::article(&so, i);
        let p = dir.join(format!("article{i:03}.txt"));
        std::fs::write(&p, a["text"].as_str().unwrap()).unwrap();
        inputs.push(p);
        if i == n / 2 {
            inputs.push(dir.join("missing-input.txt"));
        }
    }
    inputs
}

fn opts(out: &Path, threads: usize, window: usize, shard: Shard) -> AnalyzeOptions {
    AnalyzeOptions {
        out: out.to_path_buf(),
        threads,
        window,
        shard,
        ..AnalyzeOptions::default()
    }
}

/// Every file of a folder, name → bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus(tmp.path(), 9);
    let a = tmp.path().join("t1");
    let b = tmp.path().join("t2");
    let sa = run_analyze(&inputs, &opts(&a, 1, 4, Shard::default())).unwrap();
    let sb = run_analyze(&inputs, &opts(&b, 2, 4, Shard::default())).unwrap();
    assert_eq!(sa.articles + sa.error_count, 10);
    assert_eq!(sa.error_count, 1, "the missing input is reported");
    assert_eq!(sa.windows, 3);
    assert_eq!(sa.articles, sb.articles);
    assert_eq!(files(&a), files(&b));
}

#[test]
fn rows_keep_input_order_across_windows() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus(tmp.path(), 7);
    let out = tmp.path().join("out");
    run_analyze(&inputs, &opts(&out, 2, 2, Shard::default())).unwrap();
    let mut r = csv::Reader::from_path(out.join("articles.csv")).unwrap();
    let src = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "source")
        .unwrap();
    let sources: Vec<String> = r
        .records()
        .map(|rec| rec.unwrap()[src].to_string())
        .collect();
    let expected: Vec<String> = inputs
        .iter()
        .map(|p| p.display().to_string())
        .filter(|s| !s.ends_with("missing-input.txt"))
        .collect();
    assert_eq!(sources.len(), expected.len(), "every article written once");
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(
        sources, sorted,
        "input order (file names sort in input order)"
    );
    let m = Manifest::read(&out).unwrap();
    assert_eq!(m.windows_total, 4);
    assert_eq!(
        m.windows.iter().map(|w| w.inputs).sum::<usize>(),
        inputs.len()
    );
    let errs = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    assert!(errs.starts_with("source,reason\r\n"));
    assert!(errs.contains("missing-input.txt"));
}

#[test]
fn merged_shards_equal_one_unsharded_run() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus(tmp.path(), 11);
    let whole = tmp.path().join("whole");
    run_analyze(&inputs, &opts(&whole, 2, 2, Shard::default())).unwrap();
    let mut shard_dirs = Vec::new();
    let mut articles = 0;
    for i in 0..3 {
        let d = tmp.path().join(format!("shard{i}"));
        let s = run_analyze(&inputs, &opts(&d, 1, 2, Shard { index: i, count: 3 })).unwrap();
        articles += s.articles;
        shard_dirs.push(d);
    }
    // Give the shards in a scrambled order: merge sorts them out.
    shard_dirs.swap(0, 2);
    let merged = tmp.path().join("merged");
    let s = merge::merge(&shard_dirs, &merged).unwrap();
    assert_eq!(s.mode, MergeMode::Shards);
    assert!(s.unordered.is_empty());
    assert_eq!(s.articles as usize, articles);
    assert_eq!(s.errors, 1);
    let (fw, fm) = (files(&whole), files(&merged));
    assert_eq!(fw.keys().collect::<Vec<_>>(), fm.keys().collect::<Vec<_>>());
    for (name, bytes) in &fw {
        assert!(
            bytes == &fm[name],
            "{name} differs between the whole run and the merged shards"
        );
    }
}

#[test]
fn a_shard_can_own_no_window() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus(tmp.path(), 2);
    let d = tmp.path().join("s3");
    let s = run_analyze(&inputs, &opts(&d, 1, 8, Shard { index: 3, count: 4 })).unwrap();
    assert_eq!(s.articles, 0);
    assert_eq!(s.windows, 0);
    let head = std::fs::read_to_string(d.join("articles.csv")).unwrap();
    assert_eq!(head.lines().count(), 1, "header only");
}

#[test]
fn merge_refuses_incomplete_or_mixed_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus(tmp.path(), 5);
    let run = |name: &str, shard: Shard, window: usize| {
        let d = tmp.path().join(name);
        run_analyze(&inputs, &opts(&d, 1, window, shard)).unwrap();
        d
    };
    let s0 = run("s0", Shard { index: 0, count: 2 }, 2);
    let s1 = run("s1", Shard { index: 1, count: 2 }, 2);
    let s1w = run("s1w", Shard { index: 1, count: 2 }, 3);
    let out = tmp.path().join("m");
    let err = |dirs: &[PathBuf]| merge::merge(dirs, &out).unwrap_err().to_string();

    assert!(err(std::slice::from_ref(&s0)).contains("shard(s) 1/2 missing"));
    assert!(err(&[s0.clone(), s0.clone()]).contains("both shard 0/2"));
    assert!(err(&[s0.clone(), s1w]).contains("not shards of the same run"));

    // A run that was killed before it finished has no manifest.
    std::fs::remove_file(s1.join("manifest.json")).unwrap();
    let e = merge::merge(&[s0.clone(), s1.clone()], &out).unwrap_err();
    assert!(matches!(e, MergeError::Manifest { .. }), "{e}");
    assert!(!out.join("articles.csv").exists());
}

#[test]
fn merge_checks_headers_and_row_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus(tmp.path(), 4);
    let s0 = tmp.path().join("s0");
    let s1 = tmp.path().join("s1");
    run_analyze(&inputs, &opts(&s0, 1, 2, Shard { index: 0, count: 2 })).unwrap();
    run_analyze(&inputs, &opts(&s1, 1, 2, Shard { index: 1, count: 2 })).unwrap();
    let out = tmp.path().join("m");

    // A different header in one shard.
    let p = s1.join("spans.csv");
    let orig = std::fs::read(&p).unwrap();
    let mut changed = b"article_id,other".to_vec();
    changed.extend_from_slice(&orig[orig.iter().position(|&b| b == b'\r').unwrap()..]);
    std::fs::write(&p, &changed).unwrap();
    let e = merge::merge(&[s0.clone(), s1.clone()], &out).unwrap_err();
    assert!(e.to_string().contains("spans.csv: the CSV header"), "{e}");
    std::fs::write(&p, &orig).unwrap();

    // A truncated file (fewer rows than the manifest says).
    let p = s1.join("sentences.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let first_line_end = text.find("\r\n").unwrap() + 2;
    std::fs::write(&p, &text[..first_line_end]).unwrap();
    let e = merge::merge(&[s0.clone(), s1.clone()], &out).unwrap_err();
    assert!(e.to_string().contains("fewer rows"), "{e}");
    assert!(!out.join("manifest.json").exists());
}

#[test]
fn independent_runs_are_concatenated_in_the_order_given() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = corpus(tmp.path(), 6);
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    run_analyze(&inputs[..3], &opts(&a, 1, 2, Shard::default())).unwrap();
    run_analyze(&inputs[3..], &opts(&b, 1, 2, Shard::default())).unwrap();
    let out = tmp.path().join("m");
    let s = merge::merge(&[b.clone(), a.clone()], &out).unwrap();
    assert_eq!(s.mode, MergeMode::Concatenated);
    let arts = |d: &Path| {
        let t = std::fs::read_to_string(d.join("articles.csv")).unwrap();
        t.lines().skip(1).map(str::to_string).collect::<Vec<_>>()
    };
    let mut expected = arts(&b);
    expected.extend(arts(&a));
    assert_eq!(arts(&out), expected);
    let m = Manifest::read(&out).unwrap();
    assert_eq!(m.inputs.len(), inputs.len());
}

#[test]
fn shard_syntax() {
    assert_eq!("2/5".parse::<Shard>(), Ok(Shard { index: 2, count: 5 }));
    assert!("5/5".parse::<Shard>().is_err());
    assert!("1/0".parse::<Shard>().is_err());
    assert!("x/2".parse::<Shard>().is_err());
    assert!("3".parse::<Shard>().is_err());
}
