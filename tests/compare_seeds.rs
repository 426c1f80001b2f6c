//! Issue 4 "done means", on the real seed pages in ../shared/seeds (read at
//! run time; skipped with a message when absent): from the exports alone a
//! reader sees that two outlets ran the same Reuters text, that one rewrite
//! calls Xi a dictator and gives a quote to a different speaker, that the
//! content farm's date is wrong, and how the outlets' sourcing differs; the
//! Reuters-based reports rank above the content farm and the rewrite.

mod compare_support;

use compare_support::{read, shared};
use framelens::pipeline::{run_analyze, AnalyzeOptions};
use std::collections::BTreeMap;
use std::path::Path;

type Row = BTreeMap<String, String>;

/// Run `analyze` on the seeds; `None` (after saying why) when absent.
fn run() -> Option<(tempfile::TempDir, BTreeMap<String, Row>)> {
    let Some(sh) = shared() else {
        eprintln!("skipped: ../shared is absent (the seed pages live there)");
        return None;
    };
    let seeds = sh.join("seeds");
    if !seeds.is_dir() {
        eprintln!("skipped: {} is absent", seeds.display());
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let opts = AnalyzeOptions {
        out: tmp.path().to_path_buf(),
        ..AnalyzeOptions::default()
    };
    let s = run_analyze(&[seeds], &opts).unwrap();
    assert_eq!(s.articles, 5);
    // Seeds are read in file-name order: 000 -> a0001 ... 004 -> a0005.
    let by_seed = read(tmp.path(), "articles.csv")
        .into_iter()
        .map(|r| {
            let file = Path::new(&r["source"])
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (file[..3].to_string(), r)
        })
        .collect();
    Some((tmp, by_seed))
}

#[test]
fn the_seed_pages_tell_their_story_through_the_exports() {
    let Some((tmp, seeds)) = run() else { return };
    let id = |s: &str| seeds[s]["article_id"].clone();

    // One story for the five reports of the same meeting.
    let story = &seeds["001"]["story_id"];
    for s in ["000", "002", "003", "004"] {
        assert_eq!(&seeds[s]["story_id"], story, "seed {s} is the same event");
    }

    // Two outlets ran the same Reuters text.
    let pairs = read(tmp.path(), "pairs.csv");
    let p = pairs
        .iter()
        .find(|p| p["article_a"] == id("001") && p["article_b"] == id("003"))
        .expect("pair 001/003");
    let shared: usize = p["shared_sentences"].parse().unwrap();
    let copied: f64 = p["copied_share"].parse().unwrap();
    assert!(shared >= 5 && copied >= 0.3, "{p:?}");
    for other in pairs.iter().filter(|q| *q != p) {
        let n: usize = other["shared_sentences"].parse().unwrap();
        assert!(n < shared, "001/003 share the most text: {other:?}");
    }

    // The rewrite calls Xi a dictator ...
    let labels = read(tmp.path(), "actor_labels.csv");
    assert!(
        labels.iter().any(|l| l["article_id"] == id("004")
            && l["actor"].contains("Xi")
            && l["label"].to_lowercase().contains("dictator")
            && l["loaded"] == "true"),
        "no loaded dictator label for Xi in 004"
    );
    // ... and gives a quote to a different speaker.
    let quotes = read(tmp.path(), "quotes.csv");
    let moved = quotes
        .iter()
        .find(|q| q["article_id"] == id("004") && q["speaker_conflict"] == "true")
        .expect("a speaker conflict in 004");
    let same: Vec<&Row> = quotes
        .iter()
        .filter(|q| q["quote_id"] == moved["quote_id"])
        .collect();
    assert!(same.len() >= 2, "the quotation is in another article too");
    assert!(seeds["004"]["flags"]
        .split(';')
        .any(|f| f == "speaker_conflict"));

    // The content farm's date is wrong.
    assert!(
        seeds["002"]["flags"]
            .split(';')
            .any(|f| f == "date_mismatch"),
        "{:?}",
        seeds["002"]["flag_details"]
    );
    for s in ["000", "001"] {
        assert!(!seeds[s]["flags"].contains("date_mismatch"), "seed {s}");
    }

    // How sourcing differs: wire credit on the Reuters-based reports only.
    let comp = |s: &str, name: &str| -> f64 {
        seeds[s]["reliability_components"]
            .split(';')
            .find_map(|c| c.strip_prefix(&format!("{name}=")))
            .unwrap()
            .parse()
            .unwrap()
    };
    for s in ["001", "003"] {
        assert!(comp(s, "wire_credit") > 0.0, "seed {s}");
    }
    for s in ["002", "004"] {
        assert_eq!(comp(s, "wire_credit"), 0.0, "seed {s}");
    }

    // Reliability ranks the Reuters-based reports above the farm and the rewrite.
    let score = |s: &str| -> f64 { seeds[s]["reliability_score"].parse().unwrap() };
    let good = score("001").min(score("003"));
    let bad = score("002").max(score("004"));
    assert!(good > bad, "Reuters-based {good} vs farm/rewrite {bad}");
    eprintln!(
        "seed reliability: 000={} 001={} 002={} 003={} 004={}",
        score("000"),
        score("001"),
        score("002"),
        score("003"),
        score("004")
    );
}
