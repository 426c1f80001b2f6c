//! Issue 4 exports: the comparison CSVs as a reader sees them, outlets.csv
//! bootstrap intervals, formula neutralisation, and the outlets.csv rebuild
//! `merge` relies on.

mod compare_support;

use compare_support::{article, load, read, score};
use framelens::compare::{self, CompareOptions, Comparison};
use framelens::report::compare_csv::{self, CompareExports};
use framelens::report::exports::{Exports, WindowWriter};
use std::collections::BTreeMap;
use std::path::Path;

fn harbour(outlet_override: Option<(&str, &str)>) -> Comparison {
    let arts = load("harbour")
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut a = article(i, f);
            if let Some((id, name)) = outlet_override {
                if a.id == id {
                    a.outlet = Some(framelens::extract::Field::new(
                        name,
                        name,
                        framelens::extract::Origin::User,
                    ));
                }
            }
            score(a)
        })
        .collect();
    compare::compare(arts, &CompareOptions::default())
}

fn write(cmp: &Comparison, dir: &Path) {
    let mut ws: Vec<Box<dyn WindowWriter>> = vec![
        Box::new(Exports::create(dir).unwrap()),
        Box::new(CompareExports::create(dir).unwrap()),
    ];
    for w in ws.iter_mut() {
        w.write_window(cmp, &[]).unwrap();
    }
    for w in ws {
        w.finish().unwrap();
    }
}

#[test]
fn every_comparison_file_has_its_documented_columns() {
    let tmp = tempfile::tempdir().unwrap();
    write(&harbour(None), tmp.path());
    let docs: [(&str, Vec<String>); 6] = [
        (
            "stories.csv",
            compare_csv::story_columns()
                .into_iter()
                .map(|c| c.name)
                .collect(),
        ),
        (
            "pairs.csv",
            compare_csv::pair_columns()
                .into_iter()
                .map(|c| c.name)
                .collect(),
        ),
        (
            "alignment.csv",
            compare_csv::alignment_columns()
                .into_iter()
                .map(|c| c.name)
                .collect(),
        ),
        (
            "quotes.csv",
            compare_csv::quote_columns()
                .into_iter()
                .map(|c| c.name)
                .collect(),
        ),
        (
            "actor_labels.csv",
            compare_csv::actor_label_columns()
                .into_iter()
                .map(|c| c.name)
                .collect(),
        ),
        (
            "outlets.csv",
            compare_csv::outlet_columns()
                .into_iter()
                .map(|c| c.name)
                .collect(),
        ),
    ];
    for (name, cols) in docs {
        let mut r = csv::Reader::from_path(tmp.path().join(name)).unwrap();
        let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(h, cols, "{name}");
        assert!(r.records().count() > 0, "{name} has rows");
    }
    // The required columns are there by name.
    for (name, need) in [
        (
            "pairs.csv",
            &[
                "article_a",
                "article_b",
                "similarity",
                "shared_sentences",
                "paraphrased_sentences",
                "copied_share",
            ][..],
        ),
        (
            "quotes.csv",
            &[
                "story_id",
                "quote_id",
                "article_id",
                "speaker",
                "text",
                "verbatim",
            ][..],
        ),
        (
            "actor_labels.csv",
            &[
                "story_id",
                "actor",
                "article_id",
                "outlet",
                "label",
                "loaded",
            ][..],
        ),
    ] {
        let row = &read(tmp.path(), name)[0];
        for c in need {
            assert!(row.contains_key(*c), "{name} lacks {c}");
        }
    }
    let arts = read(tmp.path(), "articles.csv");
    for c in [
        "story_id",
        "flags",
        "reliability_score",
        "reliability_components",
        "source_rating",
        "source_rating_disagrees",
        "unique_sentences",
        "missing_facts",
    ] {
        assert!(arts[0].contains_key(c), "articles.csv lacks {c}");
    }
}

#[test]
fn a_reader_sees_the_story_in_the_csvs() {
    let tmp = tempfile::tempdir().unwrap();
    write(&harbour(None), tmp.path());
    let arts = read(tmp.path(), "articles.csv");
    let by_id: BTreeMap<&str, &BTreeMap<String, String>> =
        arts.iter().map(|r| (r["article_id"].as_str(), r)).collect();
    // Two outlets ran the same wire text.
    let pairs = read(tmp.path(), "pairs.csv");
    let p = pairs
        .iter()
        .find(|p| p["article_a"] == "ledger-1" && p["article_b"] == "herald-1")
        .unwrap();
    assert!(p["shared_sentences"].parse::<usize>().unwrap() >= 6);
    // A loaded label and a quote moved to another speaker.
    let labels = read(tmp.path(), "actor_labels.csv");
    assert!(labels.iter().any(|l| l["article_id"] == "buzz-1"
        && l["label"] == "dictator Ilsa Brandt"
        && l["loaded"] == "true"));
    let quotes = read(tmp.path(), "quotes.csv");
    assert!(quotes.iter().any(|q| q["article_id"] == "buzz-1"
        && q["speaker_conflict"] == "true"
        && q["other_speakers"].contains("Reyna")));
    // The farm's wrong date.
    assert!(by_id["farm-1"]["flags"]
        .split(';')
        .any(|f| f == "date_mismatch"));
    assert!(by_id["farm-1"]["flag_details"].contains("date_mismatch:"));
    // Sourcing differs: components tell why.
    assert!(by_id["ledger-1"]["reliability_components"].contains("wire_credit=10"));
    assert!(by_id["buzz-1"]["reliability_components"].contains("wire_credit=0"));
    // Missing facts point at alignment.csv fact ids.
    let align = read(tmp.path(), "alignment.csv");
    for f in by_id["herald-1"]["missing_facts"]
        .split(';')
        .filter(|s| !s.is_empty())
    {
        assert!(
            align.iter().any(|r| r["fact_id"] == f),
            "{f} is explained in alignment.csv"
        );
    }
    // Stories: one row each, ids joining articles.csv.
    let stories = read(tmp.path(), "stories.csv");
    assert_eq!(stories.len(), 3);
    for a in &arts {
        assert!(stories.iter().any(|s| s["story_id"] == a["story_id"]));
    }
}

#[test]
fn outlets_have_bootstrap_intervals_and_merge_can_rebuild_them() {
    let tmp = tempfile::tempdir().unwrap();
    write(&harbour(None), tmp.path());
    let rows = read(tmp.path(), "outlets.csv");
    let ledger_all = rows
        .iter()
        .find(|r| r["outlet"] == "The Daily Ledger" && r["story_id"] == "*")
        .unwrap();
    assert_eq!(ledger_all["articles"], "3");
    let mean: f64 = ledger_all["reliability_score_mean"].parse().unwrap();
    let lo: f64 = ledger_all["reliability_score_ci_low"].parse().unwrap();
    let hi: f64 = ledger_all["reliability_score_ci_high"].parse().unwrap();
    assert!(lo <= mean && mean <= hi, "{lo} {mean} {hi}");
    let single = rows
        .iter()
        .find(|r| r["outlet"] == "BuzzPort" && r["story_id"] != "*")
        .unwrap();
    assert_eq!(single["articles"], "1");
    assert_eq!(
        single["reliability_score_ci_low"], "",
        "one article gives no interval"
    );

    // merge rebuilds outlets.csv from articles.csv, byte for byte.
    let rebuilt = tmp.path().join("rebuilt.csv");
    compare_csv::outlets_from_articles(&[tmp.path().join("articles.csv")], &rebuilt)
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(
        std::fs::read(tmp.path().join("outlets.csv")).unwrap(),
        std::fs::read(&rebuilt).unwrap()
    );
}

#[test]
fn comparison_files_are_byte_for_byte_reproducible() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(&harbour(None), a.path());
    write(&harbour(None), b.path());
    for f in compare_csv::COMPARE_FILES {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(b.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn formula_like_outlet_names_are_neutralised() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        &harbour(Some(("buzz-1", "=HYPERLINK(\"http://x\")"))),
        tmp.path(),
    );
    for f in [
        "pairs.csv",
        "quotes.csv",
        "actor_labels.csv",
        "outlets.csv",
        "stories.csv",
    ] {
        let text = std::fs::read_to_string(tmp.path().join(f)).unwrap();
        assert!(text.contains("HYPERLINK"), "{f} mentions the outlet");
        for line in text.lines() {
            for cell in line.split(',') {
                assert!(!cell.starts_with('='), "{f}: formula cell {cell}");
                assert!(!cell.starts_with("\"="), "{f}: formula cell {cell}");
            }
        }
    }
}
