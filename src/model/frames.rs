//! The frame profile (and genre) heads, trained on SemEval-2023 Task 3.
//!
//! Takes: the SemEval-2023 Task 3 English training folder (`train-articles/`,
//! `frames_subtask2.txt`, `train-labels-subtask-2.txt`,
//! `train-labels-subtask-1.txt`).
//! Gives: the loaded articles with their labels ([`SemEval`]), fitted
//! one-vs-rest heads ([`fit_frames`], [`fit_genre`]) and cross-validated
//! per-label figures ([`MultiReport`]).

use super::eval::{metrics, roc_auc, stratified_folds};
use super::heads::MultiHead;
use super::terms;
use super::train::{fit_multi, MultiConfig};
use super::vectorize::Scratch;
use super::ModelError;
use std::path::Path;

/// The 14 generic frames of the Policy Frames Codebook, in the order of
/// SemEval-2023 Task 3's `frames_subtask2.txt` (the order of the
/// `frame_<name>` export columns).
pub const FRAMES: [&str; 14] = [
    "Economic",
    "Capacity_and_resources",
    "Morality",
    "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence",
    "Policy_prescription_and_evaluation",
    "Crime_and_punishment",
    "Security_and_defense",
    "Health_and_safety",
    "Quality_of_life",
    "Cultural_identity",
    "Public_opinion",
    "Political",
    "External_regulation_and_reputation",
];

/// Export column of a frame: `frame_` + the lower-cased name.
pub fn frame_column(name: &str) -> String {
    format!("frame_{}", name.to_ascii_lowercase())
}

/// Genres of subtask 1, in a fixed order.
pub const GENRES: [&str; 3] = ["opinion", "reporting", "satire"];

/// The SemEval articles with labels.
#[derive(Debug, Clone, Default)]
pub struct SemEval {
    pub ids: Vec<String>,
    pub texts: Vec<String>,
    /// The 14 frame names in `frames_subtask2.txt` order.
    pub frame_names: Vec<String>,
    /// `frames[frame][article]`.
    pub frames: Vec<Vec<bool>>,
    /// Genre per article (`None` when unlabelled).
    pub genres: Vec<Option<String>>,
    /// Labelled ids whose article file is missing (skipped).
    pub missing: Vec<String>,
}

fn read(p: &Path) -> Result<String, ModelError> {
    std::fs::read_to_string(p).map_err(|e| ModelError::Data(format!("{}: {e}", p.display())))
}

fn labels_file(p: &Path) -> Result<std::collections::BTreeMap<String, String>, ModelError> {
    let mut m = std::collections::BTreeMap::new();
    for (i, line) in read(p)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (id, lab) = line.split_once('\t').ok_or_else(|| {
            ModelError::Data(format!(
                "{}:{}: expected `id<TAB>labels`",
                p.display(),
                i + 1
            ))
        })?;
        m.insert(id.trim().to_string(), lab.trim().to_string());
    }
    Ok(m)
}

/// Load the articles that have subtask-2 frame labels (labelled ids
/// without an article file are listed in [`SemEval::missing`]).
pub fn load_semeval(dir: &Path) -> Result<SemEval, ModelError> {
    let frame_names: Vec<String> = read(&dir.join("frames_subtask2.txt"))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let labels = labels_file(&dir.join("train-labels-subtask-2.txt"))?;
    let genre_path = dir.join("train-labels-subtask-1.txt");
    let genres = if genre_path.exists() {
        labels_file(&genre_path)?
    } else {
        Default::default()
    };
    let mut out = SemEval {
        frames: vec![Vec::new(); frame_names.len()],
        frame_names,
        ..SemEval::default()
    };
    for (id, labs) in &labels {
        let path = dir.join("train-articles").join(format!("article{id}.txt"));
        if !path.exists() {
            out.missing.push(id.clone());
            continue;
        }
        let text = read(&path)?;
        let set: Vec<&str> = labs.split(',').map(str::trim).collect();
        for l in &set {
            if !l.is_empty() && !out.frame_names.iter().any(|f| f == l) {
                return Err(ModelError::Data(format!(
                    "{}: article {id}: unknown frame `{l}`",
                    dir.join("train-labels-subtask-2.txt").display()
                )));
            }
        }
        for (k, f) in out.frame_names.iter().enumerate() {
            out.frames[k].push(set.contains(&f.as_str()));
        }
        out.genres.push(genres.get(id).cloned());
        out.ids.push(id.clone());
        out.texts.push(text);
    }
    if out.ids.is_empty() {
        return Err(ModelError::Data(format!(
            "{}: no labelled articles",
            dir.display()
        )));
    }
    Ok(out)
}

/// Fit the 14-frame head on all articles.
pub fn fit_frames(se: &SemEval, cfg: &MultiConfig) -> Result<MultiHead, ModelError> {
    let docs: Vec<Vec<String>> = se.texts.iter().map(|t| terms::tokens(t)).collect();
    let idx: Vec<usize> = (0..docs.len()).collect();
    fit_multi(&se.frame_names, &docs, &se.frames, &idx, false, cfg)
}

fn genre_targets(se: &SemEval) -> (Vec<usize>, Vec<Vec<bool>>) {
    let idx: Vec<usize> = (0..se.ids.len())
        .filter(|&i| se.genres[i].is_some())
        .collect();
    let targets = GENRES
        .iter()
        .map(|g| {
            (0..se.ids.len())
                .map(|i| se.genres[i].as_deref() == Some(*g))
                .collect()
        })
        .collect();
    (idx, targets)
}

/// Fit the genre head (exclusive labels) on the articles with a genre.
pub fn fit_genre(se: &SemEval, cfg: &MultiConfig) -> Result<MultiHead, ModelError> {
    let docs: Vec<Vec<String>> = se.texts.iter().map(|t| terms::tokens(t)).collect();
    let (idx, targets) = genre_targets(se);
    let labels: Vec<String> = GENRES.iter().map(|s| s.to_string()).collect();
    fit_multi(&labels, &docs, &targets, &idx, true, cfg)
}

/// Cross-validated figures of one label.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LabelReport {
    pub label: String,
    pub positives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub roc_auc: f64,
    /// F1 of always predicting this label (the prevalence baseline).
    pub f1_always: f64,
}

/// Cross-validated figures of a multi-label or exclusive head.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MultiReport {
    pub name: String,
    pub n: usize,
    pub folds: usize,
    pub seed: u64,
    pub micro_f1: f64,
    pub macro_f1: f64,
    pub mean_auc: f64,
    /// For exclusive heads: accuracy of the arg-max and of the majority label.
    pub accuracy: Option<f64>,
    pub accuracy_majority: Option<f64>,
    pub per_label: Vec<LabelReport>,
    /// Labelled articles skipped because their file is missing.
    pub missing_articles: usize,
}

#[allow(clippy::too_many_arguments)]
fn report(
    name: &str,
    labels: &[String],
    targets: &[Vec<bool>],
    idx: &[usize],
    probs: &[Vec<f64>],
    exclusive: bool,
    folds: usize,
    seed: u64,
) -> MultiReport {
    let mut per = Vec::new();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    // Exclusive heads predict the arg-max label; multi-label heads predict
    // every label with probability >= 0.5.
    let pred: Vec<Vec<bool>> = idx
        .iter()
        .enumerate()
        .map(|(r, _)| {
            if exclusive {
                let best = (0..labels.len())
                    .max_by(|&a, &b| probs[a][r].total_cmp(&probs[b][r]).then(b.cmp(&a)))
                    .unwrap_or(0);
                (0..labels.len()).map(|l| l == best).collect()
            } else {
                (0..labels.len()).map(|l| probs[l][r] >= 0.5).collect()
            }
        })
        .collect();
    for (l, name) in labels.iter().enumerate() {
        let y: Vec<bool> = idx.iter().map(|&i| targets[l][i]).collect();
        let p: Vec<f64> = pred.iter().map(|r| if r[l] { 1.0 } else { 0.0 }).collect();
        let m = metrics(&p, &y, 0.5);
        tp += m.tp;
        fp += m.fp;
        fn_ += m.fn_;
        let pos = y.iter().filter(|b| **b).count();
        let prev = pos as f64 / y.len().max(1) as f64;
        per.push(LabelReport {
            label: name.clone(),
            positives: pos,
            precision: m.precision,
            recall: m.recall,
            f1: m.f1,
            roc_auc: roc_auc(&probs[l], &y),
            f1_always: if prev > 0.0 {
                2.0 * prev / (1.0 + prev)
            } else {
                0.0
            },
        });
    }
    let micro = if tp == 0 {
        0.0
    } else {
        2.0 * tp as f64 / (2.0 * tp as f64 + fp as f64 + fn_ as f64)
    };
    let aucs: Vec<f64> = per
        .iter()
        .map(|r| r.roc_auc)
        .filter(|a| !a.is_nan())
        .collect();
    let (accuracy, accuracy_majority) = if exclusive {
        let correct = (0..idx.len())
            .filter(|&r| (0..labels.len()).any(|l| pred[r][l] && targets[l][idx[r]]))
            .count();
        let maj = per.iter().map(|r| r.positives).max().unwrap_or(0);
        (
            Some(correct as f64 / idx.len().max(1) as f64),
            Some(maj as f64 / idx.len().max(1) as f64),
        )
    } else {
        (None, None)
    };
    MultiReport {
        name: name.into(),
        n: idx.len(),
        folds,
        seed,
        micro_f1: micro,
        macro_f1: per.iter().map(|r| r.f1).sum::<f64>() / per.len().max(1) as f64,
        mean_auc: aucs.iter().sum::<f64>() / aucs.len().max(1) as f64,
        accuracy,
        accuracy_majority,
        per_label: per,
        missing_articles: 0,
    }
}

#[allow(clippy::too_many_arguments)]
fn cv_multi(
    name: &str,
    labels: &[String],
    docs: &[Vec<String>],
    targets: &[Vec<bool>],
    idx: &[usize],
    exclusive: bool,
    folds: usize,
    cfg: &MultiConfig,
) -> Result<MultiReport, ModelError> {
    // Stratify on the rarest label so every fold sees some of it.
    let rare = (0..labels.len())
        .min_by_key(|&l| idx.iter().filter(|&&i| targets[l][i]).count())
        .unwrap_or(0);
    let y: Vec<bool> = idx.iter().map(|&i| targets[rare][i]).collect();
    let fold = stratified_folds(&y, folds, cfg.seed);
    let mut probs = vec![vec![0.0; idx.len()]; labels.len()];
    let mut s = Scratch::default();
    for f in 0..folds {
        let tr: Vec<usize> = (0..idx.len())
            .filter(|&k| fold[k] != f)
            .map(|k| idx[k])
            .collect();
        let te: Vec<usize> = (0..idx.len()).filter(|&k| fold[k] == f).collect();
        if te.is_empty() {
            continue;
        }
        let head = fit_multi(labels, docs, targets, &tr, exclusive, cfg)?;
        for k in te {
            s.toks.clone_from(&docs[idx[k]]);
            let z = head.decisions(&mut s);
            let mut p: Vec<f64> = z.iter().zip(&head.platt).map(|(z, c)| c.prob(*z)).collect();
            if exclusive {
                let sum: f64 = p.iter().sum();
                if sum > 0.0 {
                    p.iter_mut().for_each(|x| *x /= sum);
                }
            }
            for (l, v) in p.into_iter().enumerate() {
                probs[l][k] = v;
            }
        }
    }
    Ok(report(
        name, labels, targets, idx, &probs, exclusive, folds, cfg.seed,
    ))
}

/// Cross-validate the frame head (k-fold, seeded).
pub fn cv_frames(se: &SemEval, folds: usize, cfg: &MultiConfig) -> Result<MultiReport, ModelError> {
    let docs: Vec<Vec<String>> = se.texts.iter().map(|t| terms::tokens(t)).collect();
    let idx: Vec<usize> = (0..docs.len()).collect();
    let mut r = cv_multi(
        "frames",
        &se.frame_names,
        &docs,
        &se.frames,
        &idx,
        false,
        folds,
        cfg,
    )?;
    r.missing_articles = se.missing.len();
    Ok(r)
}

/// Cross-validate the genre head (k-fold, seeded).
pub fn cv_genre(se: &SemEval, folds: usize, cfg: &MultiConfig) -> Result<MultiReport, ModelError> {
    let docs: Vec<Vec<String>> = se.texts.iter().map(|t| terms::tokens(t)).collect();
    let (idx, targets) = genre_targets(se);
    let labels: Vec<String> = GENRES.iter().map(|s| s.to_string()).collect();
    let mut r = cv_multi("genre", &labels, &docs, &targets, &idx, true, folds, cfg)?;
    r.missing_articles = se.missing.len();
    Ok(r)
}

impl MultiReport {
    /// Plain-text table.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{}: {}-fold CV (seed {}) on {} articles; micro-F1 {:.4}, macro-F1 {:.4}, mean AUC {:.4}\n",
            self.name, self.folds, self.seed, self.n, self.micro_f1, self.macro_f1, self.mean_auc
        );
        if self.missing_articles > 0 {
            s.push_str(&format!(
                "({} labelled articles have no article file and were skipped)\n",
                self.missing_articles
            ));
        }
        if let (Some(a), Some(m)) = (self.accuracy, self.accuracy_majority) {
            s.push_str(&format!("accuracy {a:.4} (majority label: {m:.4})\n"));
        }
        s.push_str("label                                          n  precision  recall     F1  F1(always)    AUC\n");
        for r in &self.per_label {
            s.push_str(&format!(
                "{:<44} {:>4} {:>10.4} {:>7.4} {:>6.4} {:>11.4} {:>6.4}\n",
                r.label, r.positives, r.precision, r.recall, r.f1, r.f1_always, r.roc_auc
            ));
        }
        s
    }
}
