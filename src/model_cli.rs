//! Command-line arguments of the model commands (`train`, `evaluate`,
//! `evaluate-frames`, `score`, `plot-metrics`): parsed here, executed by
//! `framelens::model::run`.

use anyhow::Context;
use clap::Args;
use framelens::lexicon::Lexicons;
use framelens::model::data::{self, LabelSpec};
use framelens::model::run::{self, EvalOptions, TrainOptions};
use framelens::model::train::{Learner, MultiConfig, TrainConfig};
use framelens::model::{chart, Model};
use std::path::PathBuf;

/// Where the labelled sentences are and how to read them.
#[derive(Args, Debug)]
pub struct LabeledArgs {
    /// CSV or TSV file of labelled texts (delimiter from --delimiter, the extension, or the header line; BOM tolerated).
    #[arg(long)]
    pub data: PathBuf,
    /// Column holding the text.
    #[arg(long)]
    pub text_col: String,
    /// Column holding the label.
    #[arg(long)]
    pub label_col: String,
    /// Label value of the positive ("biased"/"subjective") class. Optional for 0/1 and true/false labels.
    #[arg(long)]
    pub positive: Option<String>,
    /// Label value of the negative class; rows with other labels are skipped. Default: every other label is negative.
    #[arg(long)]
    pub negative: Option<String>,
    /// Field delimiter: one character, or `tab`.
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Column naming each row's group (e.g. outlet); `evaluate` then also runs leave-one-group-out CV.
    #[arg(long)]
    pub group_col: Option<String>,
    /// Column of words annotators marked as biased (e.g. BABE's `biased_words`), to learn a word-level bias prior from the training rows.
    #[arg(long)]
    pub marked_col: Option<String>,
}

impl LabeledArgs {
    fn spec(&self) -> anyhow::Result<LabelSpec> {
        Ok(LabelSpec {
            text_col: self.text_col.clone(),
            label_col: self.label_col.clone(),
            positive: self.positive.clone(),
            negative: self.negative.clone(),
            group_col: self.group_col.clone(),
            marked_col: self.marked_col.clone(),
            delimiter: self
                .delimiter
                .as_deref()
                .map(data::parse_delimiter)
                .transpose()?,
        })
    }
}

/// Hyper-parameters of the sentence model (defaults: those of the shipped model).
#[derive(Args, Debug)]
pub struct HyperArgs {
    /// Learner: lr, nblr, nb, svm, ensemble (evaluate also accepts `all`).
    #[arg(long, default_value = "lr")]
    pub learner: String,
    /// L2 penalty of the logistic regression (1/C).
    #[arg(long)]
    pub alpha: Option<f64>,
    /// C of the linear SVM.
    #[arg(long)]
    pub svm_c: Option<f64>,
    /// Vocabulary bound (most frequent n-grams kept).
    #[arg(long)]
    pub max_terms: Option<usize>,
    /// Minimum document frequency of an n-gram.
    #[arg(long)]
    pub min_df: Option<u32>,
    /// Unigrams only.
    #[arg(long)]
    pub no_bigrams: bool,
    /// No n-gram features at all (lexical + length + prior only).
    #[arg(long)]
    pub no_ngrams: bool,
    /// Do not use the schema's lexical counts.
    #[arg(long)]
    pub no_lexical: bool,
    /// Do not learn a bias prior even when --marked-col is given.
    #[arg(long)]
    pub no_prior: bool,
    /// Scale of the bias-prior features.
    #[arg(long)]
    pub prior_scale: Option<f32>,
    /// Scale of the lexical count features.
    #[arg(long)]
    pub lexical_scale: Option<f32>,
    /// Inner folds for Platt calibration (0 = uncalibrated).
    #[arg(long)]
    pub calib_folds: Option<usize>,
    /// Seed of every fold assignment.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

impl HyperArgs {
    fn config(&self, learner: Learner) -> TrainConfig {
        let d = TrainConfig::default();
        TrainConfig {
            learner,
            alpha: self.alpha.unwrap_or(d.alpha),
            svm_c: self.svm_c.unwrap_or(d.svm_c),
            ngrams: !self.no_ngrams,
            bigrams: !self.no_bigrams,
            min_df: self.min_df.unwrap_or(d.min_df),
            max_terms: self.max_terms.unwrap_or(d.max_terms),
            lexical: !self.no_lexical,
            lexical_scale: self.lexical_scale.unwrap_or(d.lexical_scale),
            prior: !self.no_prior,
            prior_scale: self.prior_scale.unwrap_or(d.prior_scale),
            calib_folds: self.calib_folds.unwrap_or(d.calib_folds),
            seed: self.seed,
            ..d
        }
    }
}

#[derive(Args, Debug)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: LabeledArgs,
    #[command(flatten)]
    pub hyper: HyperArgs,
    /// SemEval-2023 Task 3 English folder: also train the 14-frame profile head.
    #[arg(long)]
    pub frames_dir: Option<PathBuf>,
    /// Also train the genre head (opinion/reporting/satire) from the same folder.
    #[arg(long)]
    pub genre: bool,
    /// L2 penalty of the frame/genre heads' logistic regressions.
    #[arg(long)]
    pub frame_alpha: Option<f64>,
    /// Free-text note stored in the model (how it was trained, threshold choice).
    #[arg(long, default_value = "")]
    pub notes: String,
    /// Model file to write (JSON).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub data: LabeledArgs,
    #[command(flatten)]
    pub hyper: HyperArgs,
    /// Number of stratified folds.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Train on --data and test on this file instead of cross-validating.
    #[arg(long)]
    pub test: Option<PathBuf>,
    /// Name of this evaluation in reports and charts.
    #[arg(long, default_value = "")]
    pub name: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Evaluate this trained model file on --data instead of training (no folds; the length baseline is cross-validated on --data).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct EvaluateFramesArgs {
    /// SemEval-2023 Task 3 English folder (train-articles/, frames_subtask2.txt, labels).
    pub dir: PathBuf,
    /// Number of folds.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Also cross-validate the genre head.
    #[arg(long)]
    pub genre: bool,
    /// L2 penalty of the one-vs-rest logistic regressions.
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// CSV or TSV table of texts.
    pub input: PathBuf,
    /// Column holding the text to score.
    #[arg(long)]
    pub text_col: String,
    /// Field delimiter of the input: one character, or `tab`.
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Output CSV: every input row and column plus `framing_prob`.
    #[arg(long)]
    pub out: PathBuf,
    /// Model file to use instead of the embedded default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct PlotMetricsArgs {
    /// JSON files written by `framelens evaluate --json`.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// PNG file to write.
    #[arg(long)]
    pub out: PathBuf,
}

fn progress(msg: &str) {
    eprintln!("framelens: {msg}");
}

pub fn train(a: TrainArgs) -> anyhow::Result<u8> {
    let learner = Learner::parse(&a.hyper.learner)?;
    let opts = TrainOptions {
        data: a.data.data.clone(),
        spec: a.data.spec()?,
        config: a.hyper.config(learner),
        frames_dir: a.frames_dir.clone(),
        genre: a.genre,
        frame_config: MultiConfig {
            alpha: a.frame_alpha.unwrap_or(MultiConfig::default().alpha),
            seed: a.hyper.seed,
            ..MultiConfig::default()
        },
        notes: a.notes.clone(),
        out: a.out.clone(),
    };
    let m = run::train(&opts, Lexicons::embedded()).context("train failed")?;
    eprintln!(
        "framelens: trained {} on {} rows ({} terms{}{}) -> {}",
        m.sentence.learner,
        m.info.sentence_rows,
        m.sentence.vocab.len(),
        if m.frames.is_some() {
            ", frame head"
        } else {
            ""
        },
        if m.genre.is_some() {
            ", genre head"
        } else {
            ""
        },
        a.out.display()
    );
    Ok(0)
}

pub fn evaluate(a: EvaluateArgs) -> anyhow::Result<u8> {
    let learners: Vec<Learner> = if a.hyper.learner == "all" {
        Learner::ALL.to_vec()
    } else {
        vec![Learner::parse(&a.hyper.learner)?]
    };
    let model = a.model.as_deref().map(Model::load).transpose()?;
    let model_name = a
        .model
        .as_deref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut reports = Vec::new();
    for l in learners {
        let opts = EvalOptions {
            data: a.data.data.clone(),
            spec: a.data.spec()?,
            config: a.hyper.config(l),
            folds: a.folds,
            test: a.test.clone(),
            name: a.name.clone(),
            model: model.clone(),
            model_name: model_name.clone(),
        };
        let r = run::evaluate(&opts, Lexicons::embedded(), |m| {
            progress(&format!("{}: {m}", l.name()))
        })
        .context("evaluate failed")?;
        if !a.json {
            println!("{}", r.to_text());
        }
        reports.push(r);
    }
    if a.json {
        let v = if reports.len() == 1 {
            serde_json::to_value(&reports[0])?
        } else {
            serde_json::json!({ "reports": reports })
        };
        println!("{}", serde_json::to_string_pretty(&v)?);
    }
    Ok(0)
}

pub fn evaluate_frames(a: EvaluateFramesArgs) -> anyhow::Result<u8> {
    let mut cfg = MultiConfig::default();
    if let Some(al) = a.alpha {
        cfg.alpha = al;
    }
    let (f, g) =
        run::evaluate_frames(&a.dir, a.folds, a.genre, &cfg).context("evaluate-frames failed")?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "frames": f, "genre": g, "config": cfg })
            )?
        );
    } else {
        println!("{}", f.to_text());
        if let Some(g) = g {
            println!("{}", g.to_text());
        }
    }
    Ok(0)
}

pub fn score(a: ScoreArgs) -> anyhow::Result<u8> {
    let owned;
    let model: &Model = match &a.model {
        Some(p) => {
            owned = Model::load(p)?;
            &owned
        }
        None => Model::embedded(),
    };
    let delim = a
        .delimiter
        .as_deref()
        .map(data::parse_delimiter)
        .transpose()?;
    let n = run::score_table(
        &a.input,
        &a.text_col,
        delim,
        &a.out,
        model,
        Lexicons::embedded(),
    )
    .context("score failed")?;
    eprintln!("framelens: scored {n} rows -> {}", a.out.display());
    Ok(0)
}

pub fn plot_metrics(a: PlotMetricsArgs) -> anyhow::Result<u8> {
    let mut bars = Vec::new();
    for p in &a.reports {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{}: not JSON", p.display()))?;
        bars.extend(
            chart::bars_from_report(&v).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
        );
    }
    chart::draw(&bars, &a.out).map_err(|e| anyhow::anyhow!("{}: {e}", a.out.display()))?;
    eprintln!("framelens: wrote {}", a.out.display());
    Ok(0)
}
