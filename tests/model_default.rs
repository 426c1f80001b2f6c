//! Issue 3: the shipped default model, and quick checks against the
//! third-party data in `../shared/data` (skipped, with a printed reason,
//! when it is absent). Heavy cross-validation runs live in
//! `scripts/accuracy.sh`, not here.

use framelens::lexicon::Lexicons;
use framelens::model::data::{self, LabelSpec};
use framelens::model::eval;
use framelens::model::frames;
use framelens::model::vectorize::Scratch;
use framelens::model::Model;
use framelens::schema;
use std::path::{Path, PathBuf};

fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "skipped: {} is not there (../shared is optional)",
            p.display()
        );
        None
    }
}

#[test]
fn embedded_model_matches_the_schema_and_has_all_heads() {
    let m = Model::embedded();
    assert_eq!(m.schema_version, schema::SCHEMA_VERSION);
    assert_eq!(m.lexical_features, framelens::model::lexical_feature_ids());
    let f = m.frames.as_ref().expect("frame head");
    assert_eq!(f.labels, frames::FRAMES.to_vec());
    assert!(m.sentence.vocab.len() <= m.config.max_terms);
    // The shipped file is the format `train` writes: sorted vocabulary,
    // one weight per term, frame head in the export's frame order.
    assert!(m.sentence.vocab.terms.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(m.sentence.weights.len(), m.sentence.vocab.len());
    assert_eq!(m.info.positive_label, "Biased");
    assert!(
        m.genre.is_none(),
        "no genre head: CV did not support one (docs/MODEL.md)"
    );
}

#[test]
fn embedded_model_ranks_loaded_above_neutral_wording() {
    // Sentences written for this test.
    let pairs = [
        (
            "The senator's disgraceful and cynical stunt was yet another shameless attack on working families.",
            "The senator voted against the bill on Tuesday, according to the Senate record.",
        ),
        (
            "Radical activists are pushing a dangerous agenda that will destroy the economy.",
            "The activists presented their proposal to the city council on Monday.",
        ),
    ];
    let m = Model::embedded();
    let lex = Lexicons::embedded();
    let mut s = Scratch::default();
    for (loaded, neutral) in pairs {
        let a = m.sentence_prob(loaded, lex, &mut s);
        let b = m.sentence_prob(neutral, lex, &mut s);
        assert!(a > b + 0.2, "{a} vs {b}");
    }
}

#[test]
fn checkthat_dev_is_ranked_above_chance_by_the_default_model() {
    let Some(dev) = shared("checkthat2023_subjectivity_en/dev.tsv") else {
        return;
    };
    let spec = LabelSpec {
        text_col: "sentence".into(),
        label_col: "label".into(),
        positive: Some("SUBJ".into()),
        ..LabelSpec::default()
    };
    let d = data::read_labeled(&dev, &spec).unwrap();
    let m = Model::embedded();
    let lex = Lexicons::embedded();
    let mut s = Scratch::default();
    let p: Vec<f64> = d
        .texts
        .iter()
        .map(|t| m.sentence_prob(t, lex, &mut s))
        .collect();
    let auc = eval::roc_auc(&p, &d.labels);
    // BABE's "biased" and CheckThat's "subjective" are related, not equal.
    assert!(auc > 0.6, "transfer AUC {auc}");
}

#[test]
fn shared_babe_and_semeval_load_as_documented() {
    if let Some(p) = shared("babe/final_labels_SG2.csv") {
        let spec = LabelSpec {
            text_col: "text".into(),
            label_col: "label_bias".into(),
            positive: Some("Biased".into()),
            negative: Some("Non-biased".into()),
            group_col: Some("outlet".into()),
            marked_col: Some("biased_words".into()),
            delimiter: None,
        };
        let d = data::read_labeled(&p, &spec).unwrap();
        assert!(d.len() > 3000, "{} rows", d.len());
        assert!(d.has_marked());
        assert!(d
            .skipped
            .iter()
            .all(|s| s.contains("final_labels_SG2.csv:")));
    }
    if let Some(dir) = shared("semeval2023_task3_en") {
        let se = frames::load_semeval(&dir).unwrap();
        assert_eq!(se.frame_names, frames::FRAMES.to_vec());
        assert!(se.ids.len() > 300);
        assert!(se.frames.iter().all(|f| f.len() == se.ids.len()));
    }
}
