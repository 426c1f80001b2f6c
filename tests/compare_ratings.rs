//! Issue 4: `--source-ratings FILE.csv` ratings shown beside the text index,
//! with disagreements flagged. The project ships no ratings: the fixture is
//! fictional, and the third-party example in ../shared is only read at run
//! time.

mod compare_support;

use compare_support::{fixture_dir, pos, scored, shared};
use framelens::compare::ratings::{Band, SourceRatings};
use framelens::compare::{self, CompareOptions};

#[test]
fn ratings_are_matched_by_outlet_and_disagreements_flagged() {
    let ratings = SourceRatings::load(&fixture_dir("").join("ratings.csv")).unwrap();
    let opts = CompareOptions {
        source_ratings: Some(ratings),
        ..CompareOptions::default()
    };
    let cmp = compare::compare(scored("harbour"), &opts);
    let pa = |id: &str| &cmp.per_article[pos(&cmp, id)];

    // The Daily Ledger: rated low by the user, high by its text.
    let l = pa("ledger-1");
    assert_eq!(l.source_rating.as_ref().unwrap().value, "low");
    assert!(l.reliability_score.unwrap() >= 60.0);
    assert_eq!(l.source_rating_disagrees, Some(true));
    // BuzzPort: rated high; its text index is not high, but not low either.
    let b = pa("buzz-1");
    assert_eq!(b.source_rating.as_ref().unwrap().band, Some(Band::High));
    assert_eq!(
        b.source_rating_disagrees,
        Some(Band::of_index(b.reliability_score.unwrap()) == Band::Low)
    );
    // Mixed never disagrees; a row without a rating is ignored.
    assert_eq!(pa("herald-1").source_rating_disagrees, Some(false));
    assert!(pa("farm-1").source_rating.is_none());
}

#[test]
fn a_ratings_file_without_usable_columns_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("odd.csv");
    std::fs::write(&p, "name_of_thing,colour\nx,blue\n").unwrap();
    let e = SourceRatings::load(&p).unwrap_err().to_string();
    assert!(e.contains("odd.csv"), "{e}");
    let e = SourceRatings::load(&tmp.path().join("missing.csv"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.csv"), "{e}");
}

#[test]
fn the_shared_example_ratings_file_reads() {
    let Some(sh) = shared() else {
        eprintln!("skipped: ../shared is absent (the third-party ratings example lives there)");
        return;
    };
    let p = sh.join("data/source_ratings/golden_truth_dataset.csv");
    if !p.is_file() {
        eprintln!("skipped: {} is absent", p.display());
        return;
    }
    let r = SourceRatings::load(&p).unwrap();
    assert!(r.len() > 1000, "{} keys", r.len());
    // Signed labels: 1 reliable, -1 unreliable.
    let hit = r
        .lookup(Some("https://www.reuters.com/world/x"), None)
        .unwrap();
    assert_eq!(hit.band, Some(Band::High));
    // Outlet names match domains by their name part.
    let g = r.lookup(None, Some("The Guardian")).unwrap();
    assert_eq!(g.band, Some(Band::High));
}
