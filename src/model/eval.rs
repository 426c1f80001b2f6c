//! Honest evaluation: folds, metrics and cross-validation reports.
//!
//! Takes: [`Prepared`] sentences, a [`TrainConfig`], fold assignments.
//! Gives: out-of-fold probabilities and [`Metrics`] (accuracy, precision,
//! recall, macro-F1, ROC-AUC, Brier score, confusion matrix), a
//! sentence-length-only baseline on the same folds, grouped
//! (leave-one-group-out) results, and an [`EvalReport`] that prints as a
//! table or as one JSON object.

use super::train::{self, fit_sentence, Prepared, TrainConfig};
use super::vectorize::Scratch;
use super::ModelError;
use ndarray::{Array1, Array2};

/// Folds use the project's fixed generator: identical on every platform
/// and crate version, so folds never change under a dependency update.
pub use crate::rng::SplitMix64;

/// Stratified k-fold assignment: each class is shuffled with `seed` and
/// dealt round-robin into `k` folds (continuing across classes), so every
/// fold has the class balance of the whole. Returns the fold of each row.
pub fn stratified_folds(labels: &[bool], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(1);
    let mut rng = SplitMix64::new(seed);
    let mut fold = vec![0; labels.len()];
    let mut next = 0;
    for class in [true, false] {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rng.shuffle(&mut rows);
        for r in rows {
            fold[r] = next % k;
            next += 1;
        }
    }
    fold
}

/// One fold per distinct group (sorted by name). Returns the fold of each
/// row and the group names in fold order.
pub fn group_folds(groups: &[String]) -> (Vec<usize>, Vec<String>) {
    let names: Vec<String> = groups
        .iter()
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let fold = groups
        .iter()
        .map(|g| names.binary_search(g).unwrap_or(0))
        .collect();
    (fold, names)
}

/// Binary classification metrics at a threshold.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Metrics {
    pub n: usize,
    pub threshold: f64,
    pub accuracy: f64,
    /// Precision, recall and F1 of the positive class.
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Mean of the F1 of both classes.
    pub macro_f1: f64,
    pub roc_auc: f64,
    /// Mean squared error of the probabilities.
    pub brier: f64,
    pub tp: usize,
    pub fp: usize,
    pub tn: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Compute [`Metrics`]; a probability `>= threshold` predicts positive.
pub fn metrics(probs: &[f64], labels: &[bool], threshold: f64) -> Metrics {
    let (mut tp, mut fp, mut tn, mut fn_) = (0, 0, 0, 0);
    let mut brier = 0.0;
    for (&p, &y) in probs.iter().zip(labels) {
        match (p >= threshold, y) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, false) => tn += 1,
            (false, true) => fn_ += 1,
        }
        let t = if y { 1.0 } else { 0.0 };
        brier += (p - t) * (p - t);
    }
    let n = probs.len();
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    let f_pos = f1(precision, recall);
    let f_neg = f1(ratio(tn, tn + fn_), ratio(tn, tn + fp));
    Metrics {
        n,
        threshold,
        accuracy: ratio(tp + tn, n),
        precision,
        recall,
        f1: f_pos,
        macro_f1: (f_pos + f_neg) / 2.0,
        roc_auc: roc_auc(probs, labels),
        brier: if n == 0 { 0.0 } else { brier / n as f64 },
        tp,
        fp,
        tn,
        fn_,
    }
}

/// Area under the ROC curve (Mann-Whitney U, ties count one half). NaN
/// when one class is missing.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j < order.len() && scores[order[j]] == scores[order[i]] {
            j += 1;
        }
        let avg_rank = (i + j + 1) as f64 / 2.0; // 1-based average rank
        for &o in &order[i..j] {
            if labels[o] {
                rank_sum_pos += avg_rank;
            }
        }
        i = j;
    }
    let npos = labels.iter().filter(|b| **b).count() as f64;
    let nneg = labels.len() as f64 - npos;
    if npos == 0.0 || nneg == 0.0 {
        return f64::NAN;
    }
    (rank_sum_pos - npos * (npos + 1.0) / 2.0) / (npos * nneg)
}

/// Out-of-fold probabilities of the sentence model for a fold assignment.
pub fn cv_probs(
    prep: &Prepared,
    folds: &[usize],
    cfg: &TrainConfig,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<f64>, ModelError> {
    let k = folds.iter().copied().max().map_or(0, |m| m + 1);
    let mut probs = vec![f64::NAN; prep.len()];
    let mut s = Scratch::default();
    for f in 0..k {
        progress(f, k);
        let tr: Vec<usize> = (0..prep.len()).filter(|&i| folds[i] != f).collect();
        let te: Vec<usize> = (0..prep.len()).filter(|&i| folds[i] == f).collect();
        if te.is_empty() {
            continue;
        }
        let head = fit_sentence(prep, &tr, cfg)?;
        for i in te {
            s.toks.clone_from(&prep.toks[i]);
            probs[i] = head.platt.prob(head.decision(&prep.counts[i], &mut s));
        }
    }
    Ok(probs)
}

/// The length-only baseline: logistic regression on `ln(1 + tokens)`,
/// trained and tested on the same folds.
pub fn length_baseline_probs(prep: &Prepared, folds: &[usize]) -> Result<Vec<f64>, ModelError> {
    let k = folds.iter().copied().max().map_or(0, |m| m + 1);
    let len = |i: usize| (1.0 + prep.toks[i].len() as f64).ln();
    let mut probs = vec![f64::NAN; prep.len()];
    for f in 0..k {
        let tr: Vec<usize> = (0..prep.len()).filter(|&i| folds[i] != f).collect();
        let te: Vec<usize> = (0..prep.len()).filter(|&i| folds[i] == f).collect();
        if te.is_empty() {
            continue;
        }
        let x = Array2::from_shape_vec((tr.len(), 1), tr.iter().map(|&i| len(i)).collect())
            .map_err(|e| ModelError::Train(e.to_string()))?;
        let y: Array1<bool> = tr.iter().map(|&i| prep.labels[i]).collect();
        let (p, b) = if y.iter().all(|v| *v) || y.iter().all(|v| !*v) {
            (0.0, 0.0)
        } else {
            let (w, b) = train::fit_lr(x.view(), y.view(), 1e-3, 200)?;
            (w[0], b)
        };
        for i in te {
            probs[i] = super::heads::sigmoid(p * len(i) + b);
        }
    }
    Ok(probs)
}

/// Results on one group of a grouped evaluation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupResult {
    pub group: String,
    pub n: usize,
    pub positives: usize,
    pub accuracy: f64,
    /// NaN (serialised as null) when the group holds one class only.
    pub roc_auc: Option<f64>,
}

/// Leave-one-group-out results.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupedReport {
    pub group_col: String,
    pub groups: usize,
    /// Metrics over all out-of-group predictions pooled.
    pub model: Metrics,
    pub baseline_length: Metrics,
    /// Mean AUC over groups with both classes and at least 20 rows.
    pub mean_group_auc: f64,
    pub per_group: Vec<GroupResult>,
}

/// A complete evaluation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EvalReport {
    pub name: String,
    pub data: String,
    /// `cv` (k-fold on `data`), `test` (trained on `data`, tested on
    /// `test`) or `model` (the trained model `data` tested on `test`; the
    /// length baseline is then k-fold CV on `test`).
    pub mode: String,
    pub test: Option<String>,
    pub n_train: usize,
    pub n_test: usize,
    pub folds: usize,
    pub seed: u64,
    pub learner: String,
    pub config: TrainConfig,
    pub macro_f1: f64,
    pub roc_auc: f64,
    pub accuracy: f64,
    pub brier: f64,
    pub precision: f64,
    pub recall: f64,
    pub model: Metrics,
    pub baseline_length: Metrics,
    pub grouped: Option<GroupedReport>,
}

impl EvalReport {
    /// Assemble from the model's and baseline's metrics.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        name: &str,
        data: &str,
        test: Option<&str>,
        n_train: usize,
        n_test: usize,
        folds: usize,
        cfg: &TrainConfig,
        model: Metrics,
        baseline: Metrics,
        grouped: Option<GroupedReport>,
    ) -> EvalReport {
        EvalReport {
            name: name.to_string(),
            data: data.to_string(),
            mode: if test.is_some() { "test" } else { "cv" }.into(),
            test: test.map(str::to_string),
            n_train,
            n_test,
            folds,
            seed: cfg.seed,
            learner: cfg.learner.name().into(),
            config: cfg.clone(),
            macro_f1: model.macro_f1,
            roc_auc: model.roc_auc,
            accuracy: model.accuracy,
            brier: model.brier,
            precision: model.precision,
            recall: model.recall,
            model,
            baseline_length: baseline,
            grouped,
        }
    }

    /// A plain-text table for the terminal.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let how = match &self.test {
            Some(t) if self.mode == "model" => format!(
                "model {} (trained on {} rows) tested on {t} ({} rows); length baseline: {}-fold CV on {t}",
                self.data, self.n_train, self.n_test, self.folds
            ),
            Some(t) => format!(
                "trained on {} ({} rows), tested on {t} ({} rows)",
                self.data, self.n_train, self.n_test
            ),
            None => format!(
                "{}-fold stratified CV (seed {}) on {} ({} rows)",
                self.folds, self.seed, self.data, self.n_train
            ),
        };
        s.push_str(&format!("{}: {how}, learner {}\n", self.name, self.learner));
        s.push_str("                  macro-F1  ROC-AUC  accuracy  precision  recall  Brier\n");
        let row = |label: &str, m: &Metrics| {
            format!(
                "{label:<17} {:>8.4} {:>8.4} {:>9.4} {:>10.4} {:>7.4} {:>6.4}\n",
                m.macro_f1, m.roc_auc, m.accuracy, m.precision, m.recall, m.brier
            )
        };
        s.push_str(&row("model", &self.model));
        s.push_str(&row("length baseline", &self.baseline_length));
        let m = &self.model;
        s.push_str(&format!(
            "confusion (threshold {}): TP {}  FP {}  TN {}  FN {}\n",
            m.threshold, m.tp, m.fp, m.tn, m.fn_
        ));
        if let Some(g) = &self.grouped {
            s.push_str(&format!(
                "\nleave-one-{}-out ({} groups, pooled out-of-group predictions):\n",
                g.group_col, g.groups
            ));
            s.push_str(&row("model", &g.model));
            s.push_str(&row("length baseline", &g.baseline_length));
            s.push_str(&format!(
                "mean per-group AUC (groups with both classes, n >= 20): {:.4}\n",
                g.mean_group_auc
            ));
            for r in &g.per_group {
                s.push_str(&format!(
                    "  {:<24} n={:<5} biased={:<5} accuracy={:.4} AUC={}\n",
                    r.group,
                    r.n,
                    r.positives,
                    r.accuracy,
                    r.roc_auc.map_or("-".into(), |a| format!("{a:.4}"))
                ));
            }
        }
        s
    }
}

/// Grouped (leave-one-group-out) evaluation of the model and the length
/// baseline.
pub fn grouped_report(
    prep: &Prepared,
    groups: &[String],
    group_col: &str,
    cfg: &TrainConfig,
    threshold: f64,
    progress: impl FnMut(usize, usize),
) -> Result<GroupedReport, ModelError> {
    let (folds, names) = group_folds(groups);
    let probs = cv_probs(prep, &folds, cfg, progress)?;
    let base = length_baseline_probs(prep, &folds)?;
    let mut per_group = Vec::new();
    let mut aucs = Vec::new();
    for (g, name) in names.iter().enumerate() {
        let rows: Vec<usize> = (0..prep.len()).filter(|&i| folds[i] == g).collect();
        let p: Vec<f64> = rows.iter().map(|&i| probs[i]).collect();
        let y: Vec<bool> = rows.iter().map(|&i| prep.labels[i]).collect();
        let m = metrics(&p, &y, threshold);
        let auc = (!m.roc_auc.is_nan()).then_some(m.roc_auc);
        if let Some(a) = auc {
            if rows.len() >= 20 {
                aucs.push(a);
            }
        }
        per_group.push(GroupResult {
            group: name.clone(),
            n: rows.len(),
            positives: y.iter().filter(|b| **b).count(),
            accuracy: m.accuracy,
            roc_auc: auc,
        });
    }
    Ok(GroupedReport {
        group_col: group_col.to_string(),
        groups: names.len(),
        model: metrics(&probs, &prep.labels, threshold),
        baseline_length: metrics(&base, &prep.labels, threshold),
        mean_group_auc: if aucs.is_empty() {
            f64::NAN
        } else {
            aucs.iter().sum::<f64>() / aucs.len() as f64
        },
        per_group,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_match_a_hand_computed_example() {
        // probs:  0.9 0.8 0.3 0.6 0.2 0.1 ; labels: T T T F F F
        // at 0.5: TP 2 (0.9, 0.8), FN 1 (0.3), FP 1 (0.6), TN 2.
        let p = [0.9, 0.8, 0.3, 0.6, 0.2, 0.1];
        let y = [true, true, true, false, false, false];
        let m = metrics(&p, &y, 0.5);
        assert_eq!((m.tp, m.fp, m.tn, m.fn_), (2, 1, 2, 1));
        assert!((m.accuracy - 4.0 / 6.0).abs() < 1e-12);
        assert!((m.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.recall - 2.0 / 3.0).abs() < 1e-12);
        // Both classes have F1 2/3, so macro-F1 is 2/3.
        assert!((m.macro_f1 - 2.0 / 3.0).abs() < 1e-12);
        // Pairs (pos, neg) ranked correctly: 0.9 and 0.8 beat all 3
        // negatives (6), 0.3 beats 0.2 and 0.1 (2): 8 of 9.
        assert!((m.roc_auc - 8.0 / 9.0).abs() < 1e-12);
        let brier = (0.01 + 0.04 + 0.49 + 0.36 + 0.04 + 0.01) / 6.0;
        assert!((m.brier - brier).abs() < 1e-12);
    }

    #[test]
    fn auc_counts_ties_as_half() {
        assert!((roc_auc(&[0.5, 0.5], &[true, false]) - 0.5).abs() < 1e-12);
        assert!(roc_auc(&[0.1, 0.2], &[true, true]).is_nan());
    }

    #[test]
    fn stratified_folds_balance_classes_and_are_seeded() {
        let labels: Vec<bool> = (0..100).map(|i| i % 4 == 0).collect();
        let f = stratified_folds(&labels, 5, 7);
        for k in 0..5 {
            let pos = (0..100).filter(|&i| f[i] == k && labels[i]).count();
            let all = (0..100).filter(|&i| f[i] == k).count();
            assert_eq!((pos, all), (5, 20));
        }
        assert_eq!(f, stratified_folds(&labels, 5, 7));
        assert_ne!(f, stratified_folds(&labels, 5, 8));
    }

    #[test]
    fn group_folds_follow_sorted_names() {
        let g: Vec<String> = ["b", "a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let (f, names) = group_folds(&g);
        assert_eq!(names, vec!["a", "b", "c"]);
        assert_eq!(f, vec![1, 0, 1, 2]);
    }
}
