//! Issue 4 on the project's own demo corpus (datasets/demo): the comparison
//! finds what the corpus README's answer key says a correct tool finds.

mod compare_support;

use compare_support::read;

use framelens::pipeline::{run_analyze, AnalyzeOptions};
use std::collections::BTreeMap;
use std::path::Path;

type Row = BTreeMap<String, String>;

#[test]
fn the_demo_story_as_the_answer_key_tells_it() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/demo");
    let tmp = tempfile::tempdir().unwrap();
    let opts = AnalyzeOptions {
        out: tmp.path().to_path_buf(),
        ..AnalyzeOptions::default()
    };
    run_analyze(&[demo], &opts).unwrap();
    // Pages by the two-digit prefix of their file name.
    let arts: BTreeMap<String, Row> = read(tmp.path(), "articles.csv")
        .into_iter()
        .filter_map(|r| {
            let f = Path::new(&r["source"])
                .file_name()?
                .to_string_lossy()
                .into_owned();
            let k = f.get(..2)?.to_string();
            k.chars().all(|c| c.is_ascii_digit()).then_some((k, r))
        })
        .collect();
    assert_eq!(arts.len(), 6);
    let id = |k: &str| arts[k]["article_id"].clone();

    // One story for the six outlets.
    for k in ["02", "03", "04", "05", "06"] {
        assert_eq!(arts[k]["story_id"], arts["01"]["story_id"], "page {k}");
    }
    // The same text run twice: 04 copies 01 without credit.
    let pairs = read(tmp.path(), "pairs.csv");
    let p = pairs
        .iter()
        .find(|p| p["article_a"] == id("01") && p["article_b"] == id("04"))
        .unwrap();
    assert!(
        p["shared_sentences"].parse::<usize>().unwrap() >= 10,
        "{p:?}"
    );
    assert!(arts["04"]["flags"].contains("unattributed_copy"));
    assert!(!arts["01"]["flags"].contains("unattributed_copy"));
    // Paraphrase without credit: 06 is close to 01 but copies little.
    let p6 = pairs
        .iter()
        .find(|p| p["article_a"] == id("01") && p["article_b"] == id("06"))
        .unwrap();
    assert!(
        p6["paraphrased_sentences"].parse::<usize>().unwrap()
            > p6["shared_sentences"].parse::<usize>().unwrap(),
        "{p6:?}"
    );

    // Same quoted words, different speaker (06); altered wording (02).
    let quotes = read(tmp.path(), "quotes.csv");
    let pages: Vec<String> = arts.values().map(|r| r["article_id"].clone()).collect();
    let manifest: Vec<&Row> = quotes
        .iter()
        .filter(|q| pages.contains(&q["article_id"]))
        .filter(|q| {
            q["text"].to_lowercase().contains("not going anywhere")
                || q["text"].contains("going nowhere until")
        })
        .collect();
    assert!(
        manifest
            .iter()
            .all(|q| q["quote_id"] == manifest[0]["quote_id"]),
        "{manifest:?}"
    );
    let q6 = manifest
        .iter()
        .find(|q| q["article_id"] == id("06"))
        .unwrap();
    assert_eq!(q6["speaker_conflict"], "true", "{q6:?}");
    assert!(q6["other_speakers"].contains("Varant"), "{q6:?}");
    let q2 = manifest
        .iter()
        .find(|q| q["article_id"] == id("02"))
        .unwrap();
    assert_eq!(q2["verbatim"], "false", "{q2:?}");
    let q1 = manifest
        .iter()
        .find(|q| q["article_id"] == id("01"))
        .unwrap();
    assert_eq!(
        (q1["verbatim"].as_str(), q1["speaker_conflict"].as_str()),
        ("true", "false")
    );

    // Wrong date on the repost.
    assert!(arts["04"]["flags"].contains("date_mismatch"));
    assert!(
        arts["04"]["flag_details"].contains("Saturday"),
        "{}",
        arts["04"]["flag_details"]
    );

    // Loaded labels for Rhenn in the tabloid and the rewrite, plain in the wire.
    let labels = read(tmp.path(), "actor_labels.csv");
    let rhenn = |k: &str| -> Vec<&Row> {
        labels
            .iter()
            .filter(|l| l["actor"].contains("Rhenn") && l["article_id"] == id(k))
            .collect()
    };
    assert!(rhenn("02")
        .iter()
        .any(|l| l["label"].contains("strongman") && l["loaded"] == "true"));
    assert!(rhenn("06")
        .iter()
        .any(|l| l["label"].contains("autocrat") && l["loaded"] == "true"));
    assert!(rhenn("01").iter().all(|l| l["loaded"] == "false"));

    // Reliability: the wire above the repost and the rewrite.
    let score = |k: &str| -> f64 { arts[k]["reliability_score"].parse().unwrap() };
    assert!(score("01") > score("04").max(score("06")));
}
