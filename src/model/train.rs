//! Fitting the heads with linfa.
//!
//! Takes: [`Prepared`] sentences (tokens, schema counts, marked words,
//! labels) and a [`TrainConfig`]; for the multi-label heads, tokenised
//! texts and one boolean target per label.
//! Gives: a calibrated [`SentenceHead`] / [`MultiHead`].
//!
//! Learners (all ending as one linear function):
//! - `lr`: L2 logistic regression, solved on the sparse matrix by
//!   [`super::solver`] (the same objective as linfa-logistic);
//! - `lr-linfa`: the same, solved by linfa-logistic (L-BFGS) on a dense
//!   matrix: identical model, about a hundred times slower;
//! - `nblr`: logistic regression on n-gram features scaled by their naive
//!   Bayes log-count ratio (NBSVM-style, Wang & Manning 2012);
//! - `nb`: multinomial naive Bayes (linfa-bayes);
//! - `svm`: linear-kernel C-SVM (linfa-svm);
//! - `ensemble`: the mean of the `lr` and `nblr` decision functions.
//!
//! Calibration: Platt scaling fitted on out-of-fold decision values of an
//! inner stratified k-fold over the training rows only, so an outer
//! evaluation fold never influences its own calibration.

use super::eval::stratified_folds;
use super::heads::{MultiHead, Platt, SentenceHead};
use super::solver::{self, Csr};
use super::terms;
use super::vectorize::{self, BiasPrior, Scratch, Vocab};
use super::ModelError;
use crate::features;
use crate::lexicon::Lexicons;
use linfa::prelude::*;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// Which learner fits the sentence head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Learner {
    Lr,
    /// The same objective as `lr`, solved by linfa-logistic on a dense
    /// matrix (slow; kept to cross-check the sparse solver).
    LrLinfa,
    NbLr,
    Nb,
    Svm,
    Ensemble,
}

impl Learner {
    /// All learners, in the order `evaluate --learner all` compares them.
    pub const ALL: [Learner; 6] = [
        Learner::Lr,
        Learner::LrLinfa,
        Learner::NbLr,
        Learner::Nb,
        Learner::Svm,
        Learner::Ensemble,
    ];

    /// Short name (`lr`, `nblr`, `nb`, `svm`, `ensemble`).
    pub fn name(self) -> &'static str {
        match self {
            Learner::Lr => "lr",
            Learner::LrLinfa => "lr-linfa",
            Learner::NbLr => "nblr",
            Learner::Nb => "nb",
            Learner::Svm => "svm",
            Learner::Ensemble => "ensemble",
        }
    }

    /// Parse a short name.
    pub fn parse(s: &str) -> Result<Learner, ModelError> {
        Learner::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| {
                ModelError::Data(format!(
                    "unknown learner `{s}` (one of: lr, lr-linfa, nblr, nb, svm, ensemble)"
                ))
            })
    }
}

/// Hyper-parameters of the sentence head.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TrainConfig {
    pub learner: Learner,
    /// L2 penalty of the logistic regression (`1/C` in scikit-learn terms).
    pub alpha: f64,
    /// C of the linear SVM.
    pub svm_c: f64,
    /// Whether n-gram features are used at all.
    pub ngrams: bool,
    /// Whether bigrams are terms.
    pub bigrams: bool,
    /// Minimum document frequency of a term.
    pub min_df: u32,
    /// Vocabulary bound.
    pub max_terms: usize,
    /// Whether the schema's lexical counts are features.
    pub lexical: bool,
    /// Scale of the lexical count features.
    pub lexical_scale: f32,
    /// Whether a bias-word prior is learned (needs marked words).
    pub prior: bool,
    /// Scale of the prior features.
    pub prior_scale: f32,
    /// Inner folds for the out-of-fold prior features of training rows.
    pub prior_folds: usize,
    /// Inner folds for Platt calibration (0 or 1: no calibration).
    pub calib_folds: usize,
    /// L-BFGS iteration cap.
    pub max_iter: u64,
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            learner: Learner::Lr,
            alpha: 0.25,
            svm_c: 0.5,
            ngrams: true,
            bigrams: true,
            min_df: 2,
            max_terms: 12_000,
            lexical: true,
            lexical_scale: 1.0,
            prior: true,
            prior_scale: 3.0,
            prior_folds: 5,
            calib_folds: 3,
            max_iter: 300,
            seed: 42,
        }
    }
}

/// Sentences ready for fitting: tokens, schema counts, marked tokens and
/// labels, all computed once.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub toks: Vec<Vec<String>>,
    pub counts: Vec<Vec<u32>>,
    /// Tokens of the annotators' marked words, per row (empty when unknown).
    pub marked: Vec<Vec<String>>,
    pub has_marked: bool,
    pub labels: Vec<bool>,
}

impl Prepared {
    /// Tokenise texts and count the schema's lexical features with the
    /// given lexicons (the same computation `analyze` does per sentence).
    pub fn new(
        texts: &[String],
        labels: &[bool],
        marked: Option<&[Vec<String>]>,
        lex: &Lexicons,
    ) -> Prepared {
        Prepared {
            toks: texts.iter().map(|t| terms::tokens(t)).collect(),
            counts: texts
                .iter()
                .map(|t| features::sentence_counts(t, lex).counts.to_vec())
                .collect(),
            marked: match marked {
                Some(m) => m
                    .iter()
                    .map(|ws| ws.iter().flat_map(|w| terms::tokens(w)).collect())
                    .collect(),
                None => vec![Vec::new(); texts.len()],
            },
            has_marked: marked.is_some(),
            labels: labels.to_vec(),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

fn train_err(e: impl std::fmt::Display) -> ModelError {
    ModelError::Train(e.to_string())
}

/// Fit L2 logistic regression with linfa; returns (weights, intercept) of
/// the positive (`true`) class.
pub fn fit_lr(
    x: ArrayView2<f64>,
    y: ArrayView1<bool>,
    alpha: f64,
    max_iter: u64,
) -> Result<(Array1<f64>, f64), ModelError> {
    let ds = DatasetBase::new(x, y);
    let m = linfa_logistic::LogisticRegression::default()
        .alpha(alpha)
        .max_iterations(max_iter)
        .gradient_tolerance(1e-4)
        .fit(&ds)
        .map_err(train_err)?;
    let mut w = m.params().clone();
    let mut b = m.intercept();
    if !m.labels().pos.class {
        w.mapv_inplace(|v| -v);
        b = -b;
    }
    Ok((w, b))
}

/// Fit Platt scaling on decision values (linfa logistic regression with one
/// feature and a negligible penalty).
pub fn fit_platt(z: &[f64], y: &[bool]) -> Result<Platt, ModelError> {
    if !(y.iter().any(|v| *v) && y.iter().any(|v| !*v)) {
        return Ok(Platt::IDENTITY);
    }
    let x = Array2::from_shape_vec((z.len(), 1), z.to_vec()).map_err(train_err)?;
    let y = Array1::from_vec(y.to_vec());
    let (w, b) = fit_lr(x.view(), y.view(), 1e-3, 200)?;
    Ok(Platt { a: w[0], b })
}

/// Naive Bayes with linfa-bayes, turned into its equivalent linear
/// function: `z(x) = log P(true|x) - log P(false|x)` is affine in `x`, so
/// its weights are read off by scoring the zero vector and the unit
/// vectors.
fn fit_nb(x: ArrayView2<f64>, y: ArrayView1<bool>) -> Result<(Array1<f64>, f64), ModelError> {
    use linfa_bayes::{MultinomialNb, NaiveBayes};
    let yy: Array1<usize> = y.mapv(usize::from);
    let ds = DatasetBase::new(x, yy.view());
    let m = MultinomialNb::params()
        .alpha(1.0)
        .fit(&ds)
        .map_err(train_err)?;
    let d = x.ncols();
    let logit = |rows: ArrayView2<f64>| -> Result<Vec<f64>, ModelError> {
        let (lp, classes) = m.predict_log_proba(rows);
        let pos = classes
            .iter()
            .position(|c| **c == 1)
            .ok_or_else(|| train_err("naive Bayes lost a class"))?;
        let neg = 1 - pos;
        Ok(lp.rows().into_iter().map(|r| r[pos] - r[neg]).collect())
    };
    let b = logit(Array2::zeros((1, d)).view())?[0];
    let mut w = Array1::zeros(d);
    const BATCH: usize = 512;
    let mut start = 0;
    while start < d {
        let n = BATCH.min(d - start);
        let mut eye = Array2::zeros((n, d));
        for k in 0..n {
            eye[[k, start + k]] = 1.0;
        }
        for (k, z) in logit(eye.view())?.into_iter().enumerate() {
            w[start + k] = z - b;
        }
        start += n;
    }
    Ok((w, b))
}

/// Linear C-SVM with linfa-svm; the separating hyperplane is read off with
/// `weighted_sum` on unit vectors (exact for the linear kernel).
fn fit_svm(
    x: ArrayView2<f64>,
    y: ArrayView1<bool>,
    c: f64,
) -> Result<(Array1<f64>, f64), ModelError> {
    use linfa_svm::Svm;
    let ds = DatasetBase::new(x, y);
    let m = Svm::<f64, bool>::params()
        .linear_kernel()
        .pos_neg_weights(c, c)
        .fit(&ds)
        .map_err(train_err)?;
    let d = x.ncols();
    let mut w = Array1::zeros(d);
    let mut e = Array1::zeros(d);
    for j in 0..d {
        e[j] = 1.0;
        w[j] = m.weighted_sum(&e);
        e[j] = 0.0;
    }
    Ok((w, -m.rho))
}

/// Naive Bayes log-count ratios of the first `v` columns (smoothing 1).
fn nb_ratios(x: &Csr, y: &[bool], v: usize) -> Vec<f64> {
    let mut p = vec![1.0; v];
    let mut q = vec![1.0; v];
    for (i, &lab) in y.iter().enumerate() {
        let acc = if lab { &mut p } else { &mut q };
        let (c, vals) = x.row(i);
        for (&j, &val) in c.iter().zip(vals) {
            if (j as usize) < v {
                acc[j as usize] += val;
            }
        }
    }
    let sp: f64 = p.iter().sum();
    let sq: f64 = q.iter().sum();
    p.iter()
        .zip(&q)
        .map(|(a, b)| ((a / sp) / (b / sq)).ln())
        .collect()
}

/// Calibration fold `f` of the rows `idx` (fold of each position in
/// `folds`): the training rows (as row numbers) and the held-out positions;
/// `None` when either side is empty.
fn fold_split(idx: &[usize], folds: &[usize], f: usize) -> Option<(Vec<usize>, Vec<usize>)> {
    let tr: Vec<usize> = (0..idx.len())
        .filter(|&k| folds[k] != f)
        .map(|k| idx[k])
        .collect();
    let te: Vec<usize> = (0..idx.len()).filter(|&k| folds[k] == f).collect();
    (!tr.is_empty() && !te.is_empty()).then_some((tr, te))
}

/// Fit the sentence head on rows `idx` of `prep`, including calibration.
pub fn fit_sentence(
    prep: &Prepared,
    idx: &[usize],
    cfg: &TrainConfig,
) -> Result<SentenceHead, ModelError> {
    let mut head = fit_sentence_raw(prep, idx, cfg)?;
    if cfg.calib_folds >= 2 {
        let y: Vec<bool> = idx.iter().map(|&i| prep.labels[i]).collect();
        let folds = stratified_folds(&y, cfg.calib_folds, cfg.seed.wrapping_add(1));
        let mut z = vec![0.0; idx.len()];
        let mut s = Scratch::default();
        for f in 0..cfg.calib_folds {
            let Some((tr, te)) = fold_split(idx, &folds, f) else {
                continue;
            };
            let inner = fit_sentence_raw(prep, &tr, cfg)?;
            for k in te {
                s.toks.clone_from(&prep.toks[idx[k]]);
                z[k] = inner.decision(&prep.counts[idx[k]], &mut s);
            }
        }
        head.platt = fit_platt(&z, &y)?;
    }
    Ok(head)
}

/// Fit the sentence head without calibration (Platt = identity).
pub fn fit_sentence_raw(
    prep: &Prepared,
    idx: &[usize],
    cfg: &TrainConfig,
) -> Result<SentenceHead, ModelError> {
    if idx.is_empty() {
        return Err(ModelError::Data("no training rows".into()));
    }
    let docs: Vec<Vec<String>> = idx.iter().map(|&i| prep.toks[i].clone()).collect();
    let y: Array1<bool> = idx.iter().map(|&i| prep.labels[i]).collect();
    let vocab = if cfg.ngrams {
        Vocab::build(&docs, cfg.bigrams, cfg.min_df, cfg.max_terms)
    } else {
        Vocab::build(&[], cfg.bigrams, 1, 0)
    };
    let use_prior = cfg.prior && prep.has_marked;
    // Prior for scoring new text: learned from all training rows. Training
    // rows get their prior features from an inner out-of-fold prior, so
    // their own marks never leak into their own features.
    let marked: Vec<Vec<String>> = idx.iter().map(|&i| prep.marked[i].clone()).collect();
    let prior = use_prior.then(|| BiasPrior::build(&docs, &marked));
    let row_prior: Vec<usize>;
    let inner_priors: Vec<BiasPrior>;
    if use_prior && cfg.prior_folds >= 2 {
        let ylab: Vec<bool> = y.to_vec();
        let folds = stratified_folds(&ylab, cfg.prior_folds, cfg.seed.wrapping_add(2));
        inner_priors = (0..cfg.prior_folds)
            .map(|f| {
                let (d, m): (Vec<Vec<String>>, Vec<Vec<String>>) = (0..idx.len())
                    .filter(|&k| folds[k] != f)
                    .map(|k| (docs[k].clone(), marked[k].clone()))
                    .unzip();
                BiasPrior::build(&d, &m)
            })
            .collect();
        row_prior = folds;
    } else {
        inner_priors = Vec::new();
        row_prior = Vec::new();
    }

    let extra_names = vectorize::extra_names(use_prior);
    let n_lex = crate::schema::count_features().count();
    let scales: Vec<f64> = extra_names
        .iter()
        .enumerate()
        .map(|(k, _)| {
            if k < n_lex {
                if cfg.lexical {
                    f64::from(cfg.lexical_scale)
                } else {
                    0.0
                }
            } else if k == n_lex {
                1.0
            } else {
                f64::from(cfg.prior_scale)
            }
        })
        .collect();
    let v = vocab.len();
    let e = extra_names.len();
    let mut x = Csr::new(v + e);
    let mut s = Scratch::default();
    let mut sparse = Vec::new();
    for (r, &i) in idx.iter().enumerate() {
        vocab.tfidf_into(&prep.toks[i], &mut s.terms, &mut sparse);
        let p = if use_prior {
            if row_prior.is_empty() {
                prior.as_ref()
            } else {
                Some(&inner_priors[row_prior[r]])
            }
        } else {
            None
        };
        vectorize::extras(&prep.counts[i], &prep.toks[i], p, &mut s.extras);
        x.push_row(
            sparse.iter().map(|&(j, val)| (j, f64::from(val))).chain(
                s.extras
                    .iter()
                    .enumerate()
                    .map(|(k, val)| ((v + k) as u32, f64::from(*val) * scales[k])),
            ),
        );
    }
    let yv: Vec<bool> = y.to_vec();
    let (w, b) = match cfg.learner {
        Learner::Lr => {
            let (w, b) = solver::fit_logistic(&x, &yv, cfg.alpha, NEWTON_ITERS);
            (Array1::from_vec(w), b)
        }
        Learner::LrLinfa => fit_lr(x.to_dense().view(), y.view(), cfg.alpha, cfg.max_iter)?,
        Learner::NbLr => fit_nblr(&x, &yv, v, cfg),
        Learner::Nb => fit_nb(x.to_dense().view(), y.view())?,
        Learner::Svm => fit_svm(x.to_dense().view(), y.view(), cfg.svm_c)?,
        Learner::Ensemble => {
            let (w1, b1) = solver::fit_logistic(&x, &yv, cfg.alpha, NEWTON_ITERS);
            let (w2, b2) = fit_nblr(&x, &yv, v, cfg);
            (Array1::from_vec(w1) * 0.5 + w2 * 0.5, (b1 + b2) * 0.5)
        }
    };
    Ok(SentenceHead {
        learner: cfg.learner.name().to_string(),
        vocab,
        prior,
        extra_names,
        weights: w.iter().take(v).map(|x| *x as f32).collect(),
        extra_weights: w
            .iter()
            .skip(v)
            .zip(&scales)
            .map(|(w, s)| (w * s) as f32)
            .collect(),
        intercept: b,
        platt: Platt::IDENTITY,
        contrib_weights: Vec::new(),
    })
}

/// Newton iterations of the sparse solver (it converges in 10-20).
const NEWTON_ITERS: usize = 60;

/// NB-weighted logistic regression: the first `v` columns are scaled by
/// their NB log-count ratio; returns weights in the unscaled space.
fn fit_nblr(x: &Csr, y: &[bool], v: usize, cfg: &TrainConfig) -> (Array1<f64>, f64) {
    let r = nb_ratios(x, y, v);
    let mut xs = x.clone();
    for (j, val) in xs.indices.iter().zip(xs.values.iter_mut()) {
        if (*j as usize) < v {
            *val *= r[*j as usize];
        }
    }
    let (mut w, b) = solver::fit_logistic(&xs, y, cfg.alpha, NEWTON_ITERS);
    for j in 0..v {
        w[j] *= r[j];
    }
    (Array1::from_vec(w), b)
}

/// Hyper-parameters of a [`MultiHead`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct MultiConfig {
    pub alpha: f64,
    pub bigrams: bool,
    pub min_df: u32,
    pub max_terms: usize,
    pub calib_folds: usize,
    pub max_iter: u64,
    pub seed: u64,
}

impl Default for MultiConfig {
    fn default() -> Self {
        MultiConfig {
            // Chosen by 5-fold CV on SemEval-2023 Task 3 (docs/MODEL.md).
            alpha: 0.3,
            bigrams: true,
            min_df: 3,
            max_terms: 6_000,
            calib_folds: 3,
            max_iter: 200,
            seed: 42,
        }
    }
}

/// Decision values of `head` for rows `te` (tokenised in `docs`).
fn multi_decisions(head: &MultiHead, docs: &[Vec<String>], te: &[usize]) -> Vec<Vec<f64>> {
    let mut s = Scratch::default();
    te.iter()
        .map(|&i| {
            s.toks.clone_from(&docs[i]);
            head.decisions(&mut s)
        })
        .collect()
}

/// Fit a one-vs-rest head on rows `idx`: `targets[label][row]`.
pub fn fit_multi(
    labels: &[String],
    docs: &[Vec<String>],
    targets: &[Vec<bool>],
    idx: &[usize],
    exclusive: bool,
    cfg: &MultiConfig,
) -> Result<MultiHead, ModelError> {
    let mut head = fit_multi_raw(labels, docs, targets, idx, exclusive, cfg)?;
    if cfg.calib_folds >= 2 {
        // Stratify the calibration folds on the rarest label.
        let rare = (0..labels.len())
            .min_by_key(|&l| idx.iter().filter(|&&i| targets[l][i]).count())
            .unwrap_or(0);
        let y: Vec<bool> = idx.iter().map(|&i| targets[rare][i]).collect();
        let folds = stratified_folds(&y, cfg.calib_folds, cfg.seed.wrapping_add(1));
        let mut z = vec![vec![0.0; idx.len()]; labels.len()];
        for f in 0..cfg.calib_folds {
            let Some((tr, te)) = fold_split(idx, &folds, f) else {
                continue;
            };
            let inner = fit_multi_raw(labels, docs, targets, &tr, exclusive, cfg)?;
            let te_rows: Vec<usize> = te.iter().map(|&k| idx[k]).collect();
            for (k, d) in te.iter().zip(multi_decisions(&inner, docs, &te_rows)) {
                for (l, v) in d.into_iter().enumerate() {
                    z[l][*k] = v;
                }
            }
        }
        head.platt = (0..labels.len())
            .map(|l| {
                let yl: Vec<bool> = idx.iter().map(|&i| targets[l][i]).collect();
                fit_platt(&z[l], &yl)
            })
            .collect::<Result<_, _>>()?;
    }
    Ok(head)
}

fn fit_multi_raw(
    labels: &[String],
    docs: &[Vec<String>],
    targets: &[Vec<bool>],
    idx: &[usize],
    exclusive: bool,
    cfg: &MultiConfig,
) -> Result<MultiHead, ModelError> {
    let train_docs: Vec<Vec<String>> = idx.iter().map(|&i| docs[i].clone()).collect();
    let vocab = Vocab::build(&train_docs, cfg.bigrams, cfg.min_df, cfg.max_terms);
    let v = vocab.len();
    let mut x = Csr::new(v);
    let mut s = Scratch::default();
    let mut sparse = Vec::new();
    for d in &train_docs {
        vocab.tfidf_into(d, &mut s.terms, &mut sparse);
        x.push_row(sparse.iter().map(|&(j, val)| (j, f64::from(val))));
    }
    let mut weights = Vec::new();
    let mut intercepts = Vec::new();
    for t in targets {
        let y: Vec<bool> = idx.iter().map(|&i| t[i]).collect();
        let npos = y.iter().filter(|b| **b).count();
        if npos == 0 || npos == y.len() {
            // One class only in this training set: a constant score.
            let p = (npos as f64 + 0.5) / (y.len() as f64 + 1.0);
            weights.push(vec![0.0; v]);
            intercepts.push((p / (1.0 - p)).ln());
            continue;
        }
        let (w, b) = solver::fit_logistic(&x, &y, cfg.alpha, NEWTON_ITERS);
        weights.push(w.iter().map(|x| *x as f32).collect());
        intercepts.push(b);
    }
    Ok(MultiHead {
        labels: labels.to_vec(),
        vocab,
        weights,
        intercepts,
        platt: vec![Platt::IDENTITY; labels.len()],
        exclusive,
        by_term: Vec::new(),
        shared_labels: Vec::new(),
    })
}
