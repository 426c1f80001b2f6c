//! Issue 3: the framing classifier trained on a small fixture written for
//! these tests (`tests/fixtures/model/`): separable data gets separated,
//! a schema mismatch is an error, training and scores are deterministic,
//! `score` keeps every row and column, and the commands run end to end.

use framelens::lexicon::Lexicons;
use framelens::model::data::LabelSpec;
use framelens::model::run::{self, EvalOptions, TrainOptions};
use framelens::model::train::{Learner, TrainConfig};
use framelens::model::vectorize::Scratch;
use framelens::model::{Model, ModelError};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/model")
        .join(name)
}

fn spec() -> LabelSpec {
    LabelSpec {
        text_col: "sentence".into(),
        label_col: "label".into(),
        positive: Some("Loaded".into()),
        negative: Some("Neutral".into()),
        group_col: Some("outlet".into()),
        marked_col: Some("marked".into()),
        delimiter: None,
    }
}

fn small_config(learner: Learner) -> TrainConfig {
    TrainConfig {
        learner,
        calib_folds: 2,
        prior_folds: 2,
        min_df: 1,
        ..TrainConfig::default()
    }
}

fn train_to(dir: &Path, learner: Learner) -> (Model, PathBuf) {
    let out = dir.join(format!("{}.json", learner.name()));
    let opts = TrainOptions {
        data: fixture("separable.csv"),
        spec: spec(),
        config: small_config(learner),
        out: out.clone(),
        ..TrainOptions::default()
    };
    (run::train(&opts, Lexicons::embedded()).unwrap(), out)
}

const LOADED: &str = "The governor pushed through a reckless and cynical power grab, critics say.";
const NEUTRAL: &str = "The governor published its annual report.";

#[test]
fn separable_data_gets_separated() {
    let dir = tempfile::tempdir().unwrap();
    for learner in [Learner::Lr, Learner::NbLr, Learner::Ensemble] {
        let (m, path) = train_to(dir.path(), learner);
        let mut s = Scratch::default();
        let lex = Lexicons::embedded();
        let hi = m.sentence_prob(LOADED, lex, &mut s);
        let lo = m.sentence_prob(NEUTRAL, lex, &mut s);
        assert!(
            hi > 0.5 && lo < 0.5,
            "{}: loaded {hi}, neutral {lo}",
            learner.name()
        );
        // The saved file loads back to the same scores.
        let back = Model::load(&path).unwrap();
        assert_eq!(back.sentence_prob(LOADED, lex, &mut s), hi);
    }
    let r = run::evaluate(
        &EvalOptions {
            data: fixture("separable.csv"),
            spec: spec(),
            config: small_config(Learner::Lr),
            folds: 4,
            ..EvalOptions::default()
        },
        Lexicons::embedded(),
        |_| {},
    )
    .unwrap();
    assert_eq!(r.n_train, 40);
    assert!(r.macro_f1 >= 0.95, "macro-F1 {}", r.macro_f1);
    assert!(r.roc_auc >= 0.99, "AUC {}", r.roc_auc);
    let g = r.grouped.expect("grouped CV with a group column");
    assert_eq!(g.groups, 2);
    assert!(g.model.roc_auc >= 0.9, "grouped AUC {}", g.model.roc_auc);
}

#[test]
fn explanations_name_the_loaded_words() {
    let dir = tempfile::tempdir().unwrap();
    let (m, _) = train_to(dir.path(), Learner::Lr);
    let mut s = Scratch::default();
    let counts = vec![0; framelens::schema::count_features().count()];
    let c = m.sentence.contributions(LOADED, &counts, &mut s);
    assert!(!c.is_empty());
    assert!(
        c.windows(2).all(|w| w[0].value >= w[1].value),
        "sorted by strength"
    );
    assert!(
        c.iter().all(|x| x.value > 0.0),
        "positive contributions only"
    );
    let top: Vec<&str> = c.iter().take(6).map(|x| x.term.as_str()).collect();
    assert!(
        top.iter()
            .any(|t| t.contains("critics") || t.contains("pushed") || t.contains("reckless")),
        "{top:?}"
    );
}

#[test]
fn schema_mismatch_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (m, path) = train_to(dir.path(), Learner::Lr);
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["schema_version"] = serde_json::json!(m.schema_version + 1);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, v.to_string()).unwrap();
    match Model::load(&bad) {
        Err(ModelError::SchemaMismatch { found, expected }) => {
            assert_eq!(found, m.schema_version + 1);
            assert_eq!(expected, framelens::schema::SCHEMA_VERSION);
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    // Renamed lexical features are refused too, naming the file.
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["lexical_features"][0] = serde_json::json!("renamed_feature");
    std::fs::write(&bad, v.to_string()).unwrap();
    let e = Model::load(&bad).unwrap_err().to_string();
    assert!(
        e.contains("bad.json") && e.contains("renamed_feature"),
        "{e}"
    );
    // Not a model at all.
    std::fs::write(&bad, "{\"hello\": 1}").unwrap();
    assert!(matches!(Model::load(&bad), Err(ModelError::Load { .. })));
}

#[test]
fn training_and_scores_are_deterministic() {
    let d1 = tempfile::tempdir().unwrap();
    let d2 = tempfile::tempdir().unwrap();
    let (_, p1) = train_to(d1.path(), Learner::Ensemble);
    let (_, p2) = train_to(d2.path(), Learner::Ensemble);
    assert_eq!(std::fs::read(&p1).unwrap(), std::fs::read(&p2).unwrap());
    let m = Model::load(&p1).unwrap();
    let out1 = d1.path().join("s1.csv");
    let out2 = d1.path().join("s2.csv");
    for out in [&out1, &out2] {
        run::score_table(
            &fixture("to_score.csv"),
            "text",
            None,
            out,
            &m,
            Lexicons::embedded(),
        )
        .unwrap();
    }
    assert_eq!(std::fs::read(&out1).unwrap(), std::fs::read(&out2).unwrap());
}

#[test]
fn score_keeps_every_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scored.csv");
    let n = run::score_table(
        &fixture("to_score.csv"),
        "text",
        None,
        &out,
        Model::embedded(),
        Lexicons::embedded(),
    )
    .unwrap();
    assert_eq!(n, 4);
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["id", "text", "note", "framing_prob"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows.iter().map(|r| &r[0]).collect::<Vec<_>>(),
        vec!["1", "2", "3", "4"]
    );
    assert_eq!(&rows[1][2], "'=1+2", "formula cell neutralised");
    assert_eq!(&rows[3][2], "quoted, with comma");
    assert_eq!(&rows[2][3], "", "empty text gets an empty probability");
    for i in [0, 1, 3] {
        let p: f64 = rows[i][3].parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
    }
    let missing = run::score_table(
        &fixture("to_score.csv"),
        "body",
        None,
        &out,
        Model::embedded(),
        Lexicons::embedded(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        missing.contains("to_score.csv") && missing.contains("body"),
        "{missing}"
    );
}

#[test]
fn commands_run_end_to_end() {
    let exe = env!("CARGO_BIN_EXE_framelens");
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let data = fixture("separable.csv");
    let common = [
        "--data",
        data.to_str().unwrap(),
        "--text-col",
        "sentence",
        "--label-col",
        "label",
        "--positive",
        "Loaded",
        "--delimiter",
        ";",
        "--min-df",
        "1",
        "--calib-folds",
        "2",
    ];
    let st = std::process::Command::new(exe)
        .arg("train")
        .args(common)
        .arg("--out")
        .arg(&model)
        .status()
        .unwrap();
    assert!(st.success());
    let out = std::process::Command::new(exe)
        .arg("evaluate")
        .args(common)
        .args(["--folds", "4", "--json", "--group-col", "outlet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    for k in ["macro_f1", "roc_auc", "accuracy", "brier"] {
        assert!(v[k].as_f64().is_some(), "missing {k}");
    }
    assert!(v["baseline_length"]["roc_auc"].as_f64().is_some());
    assert!(v["grouped"]["model"]["roc_auc"].as_f64().is_some());
    // The trained model evaluated on a labelled file without retraining.
    let out2 = std::process::Command::new(exe)
        .arg("evaluate")
        .args(&common[..10])
        .arg("--model")
        .arg(&model)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out2.status.success(),
        "{}",
        String::from_utf8_lossy(&out2.stderr)
    );
    let v2: serde_json::Value = serde_json::from_slice(&out2.stdout).unwrap();
    assert_eq!(v2["mode"], "model");
    assert!(v2["macro_f1"].as_f64().unwrap() > 0.9);
    let scored = dir.path().join("scored.csv");
    let st = std::process::Command::new(exe)
        .arg("score")
        .arg(fixture("to_score.csv"))
        .args(["--text-col", "text", "--model"])
        .arg(&model)
        .arg("--out")
        .arg(&scored)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(
        csv::Reader::from_path(&scored).unwrap().records().count(),
        4
    );
    let json = dir.path().join("eval.json");
    std::fs::write(&json, &out.stdout).unwrap();
    let png = dir.path().join("acc.png");
    let st = std::process::Command::new(exe)
        .arg("plot-metrics")
        .arg(&json)
        .arg("--out")
        .arg(&png)
        .status()
        .unwrap();
    assert!(st.success());
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
}
