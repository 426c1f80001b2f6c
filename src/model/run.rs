//! The model commands behind `framelens train`, `evaluate`,
//! `evaluate-frames` and `score`.
//!
//! Takes: option structs filled by the command line.
//! Gives: a trained [`Model`] written to disk, an [`EvalReport`] /
//! [`MultiReport`], or a scored copy of a table. `main` only parses
//! arguments and prints.

use super::data::{self, LabelSpec};
use super::eval::{self, EvalReport};
use super::frames::{self, MultiReport};
use super::train::{self, MultiConfig, Prepared, TrainConfig};
use super::vectorize::Scratch;
use super::{Model, ModelError, ModelInfo, MODEL_FORMAT};
use crate::lexicon::Lexicons;
use crate::schema;
use std::path::{Path, PathBuf};

/// Options of `framelens train`.
#[derive(Debug, Clone, Default)]
pub struct TrainOptions {
    pub data: PathBuf,
    pub spec: LabelSpec,
    pub config: TrainConfig,
    /// SemEval-2023 Task 3 folder for the frame head.
    pub frames_dir: Option<PathBuf>,
    /// Also train the genre head (needs `frames_dir`).
    pub genre: bool,
    pub frame_config: MultiConfig,
    pub notes: String,
    pub out: PathBuf,
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Read the labelled sentences and prepare them.
pub fn prepare(
    path: &Path,
    spec: &LabelSpec,
    lex: &Lexicons,
) -> Result<(data::Labeled, Prepared), ModelError> {
    let d = data::read_labeled(path, spec)?;
    let p = Prepared::new(
        &d.texts,
        &d.labels,
        d.has_marked().then_some(d.marked.as_slice()),
        lex,
    );
    Ok((d, p))
}

/// Train a model and write it to `opts.out`.
pub fn train(opts: &TrainOptions, lex: &Lexicons) -> Result<Model, ModelError> {
    let (d, prep) = prepare(&opts.data, &opts.spec, lex)?;
    let idx: Vec<usize> = (0..prep.len()).collect();
    let sentence = train::fit_sentence(&prep, &idx, &opts.config)?;
    let (frames, genre, n_frames) = match &opts.frames_dir {
        Some(dir) => {
            let se = frames::load_semeval(dir)?;
            let f = frames::fit_frames(&se, &opts.frame_config)?;
            let g = if opts.genre {
                Some(frames::fit_genre(&se, &opts.frame_config)?)
            } else {
                None
            };
            (Some(f), g, se.ids.len())
        }
        None => (None, None, 0),
    };
    let model = Model {
        format: MODEL_FORMAT.into(),
        schema_version: schema::SCHEMA_VERSION,
        lexical_features: super::lexical_feature_ids(),
        info: ModelInfo {
            sentence_data: file_name(&opts.data),
            sentence_rows: d.len(),
            positive_label: d.positive.clone(),
            frame_data: opts.frames_dir.as_deref().map(file_name),
            frame_articles: n_frames,
            notes: opts.notes.clone(),
        },
        config: opts.config.clone(),
        threshold: 0.5,
        sentence,
        frames,
        genre,
        words: Default::default(),
    };
    std::fs::write(&opts.out, model.to_json()).map_err(|e| ModelError::Load {
        path: opts.out.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(model)
}

/// Options of `framelens evaluate`.
#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    pub data: PathBuf,
    pub spec: LabelSpec,
    pub config: TrainConfig,
    pub folds: usize,
    /// Train on `data`, test on this file instead of cross-validating.
    pub test: Option<PathBuf>,
    /// Name shown in reports and charts.
    pub name: String,
    /// Evaluate this already-trained model on `data` (no training, no
    /// folds); the length baseline is then cross-validated on `data`.
    pub model: Option<Model>,
    /// File name of that model, for the report.
    pub model_name: String,
}

/// Evaluate: stratified k-fold CV (or train/test), the length baseline on
/// the same split, and leave-one-group-out CV when a group column is set.
pub fn evaluate(
    opts: &EvalOptions,
    lex: &Lexicons,
    mut progress: impl FnMut(&str),
) -> Result<EvalReport, ModelError> {
    let (d, prep) = prepare(&opts.data, &opts.spec, lex)?;
    let cfg = &opts.config;
    let name = if opts.name.is_empty() {
        file_name(&opts.data)
    } else {
        opts.name.clone()
    };
    if let Some(m) = &opts.model {
        let mut s = Scratch::default();
        let probs: Vec<f64> = (0..prep.len())
            .map(|i| {
                s.toks.clone_from(&prep.toks[i]);
                m.sentence
                    .platt
                    .prob(m.sentence.decision(&prep.counts[i], &mut s))
            })
            .collect();
        let k = opts.folds.max(2);
        let folds = eval::stratified_folds(&prep.labels, k, cfg.seed);
        let base = eval::length_baseline_probs(&prep, &folds)?;
        let mut r = EvalReport::new(
            &name,
            &opts.model_name,
            Some(&file_name(&opts.data)),
            m.info.sentence_rows,
            prep.len(),
            k,
            &m.config,
            eval::metrics(&probs, &prep.labels, m.threshold),
            eval::metrics(&base, &prep.labels, 0.5),
            None,
        );
        r.mode = "model".into();
        return Ok(r);
    }
    if let Some(test) = &opts.test {
        let tspec = LabelSpec {
            marked_col: None,
            group_col: None,
            ..opts.spec.clone()
        };
        let (_, tprep) = prepare(test, &tspec, lex)?;
        progress("training on the whole training file");
        let idx: Vec<usize> = (0..prep.len()).collect();
        let head = train::fit_sentence(&prep, &idx, cfg)?;
        let mut s = Scratch::default();
        let probs: Vec<f64> = (0..tprep.len())
            .map(|i| {
                s.toks.clone_from(&tprep.toks[i]);
                head.platt.prob(head.decision(&tprep.counts[i], &mut s))
            })
            .collect();
        // Length baseline: one fold of "train" rows, then the test rows.
        let mut both = prep.clone();
        both.toks.extend(tprep.toks.iter().cloned());
        both.labels.extend(tprep.labels.iter().copied());
        let folds: Vec<usize> = (0..both.len())
            .map(|i| usize::from(i < prep.len()))
            .collect();
        let base = eval::length_baseline_probs(&both, &folds)?;
        let base: Vec<f64> = base[prep.len()..].to_vec();
        return Ok(EvalReport::new(
            &name,
            &file_name(&opts.data),
            Some(&file_name(test)),
            prep.len(),
            tprep.len(),
            0,
            cfg,
            eval::metrics(&probs, &tprep.labels, 0.5),
            eval::metrics(&base, &tprep.labels, 0.5),
            None,
        ));
    }
    let k = opts.folds.max(2);
    let folds = eval::stratified_folds(&prep.labels, k, cfg.seed);
    let probs = eval::cv_probs(&prep, &folds, cfg, |f, n| {
        progress(&format!("fold {}/{n}", f + 1))
    })?;
    let base = eval::length_baseline_probs(&prep, &folds)?;
    let grouped = match &opts.spec.group_col {
        Some(g) => Some(eval::grouped_report(
            &prep,
            &d.groups,
            g,
            cfg,
            0.5,
            |f, n| progress(&format!("group {}/{n}", f + 1)),
        )?),
        None => None,
    };
    Ok(EvalReport::new(
        &name,
        &file_name(&opts.data),
        None,
        prep.len(),
        prep.len(),
        k,
        cfg,
        eval::metrics(&probs, &prep.labels, 0.5),
        eval::metrics(&base, &prep.labels, 0.5),
        grouped,
    ))
}

/// Cross-validate the frame head, and the genre head when asked.
pub fn evaluate_frames(
    dir: &Path,
    folds: usize,
    genre: bool,
    cfg: &MultiConfig,
) -> Result<(MultiReport, Option<MultiReport>), ModelError> {
    let se = frames::load_semeval(dir)?;
    let f = frames::cv_frames(&se, folds.max(2), cfg)?;
    let g = if genre {
        Some(frames::cv_genre(&se, folds.max(2), cfg)?)
    } else {
        None
    };
    Ok((f, g))
}

/// Score every row of a table: writes all input columns plus
/// `framing_prob` (empty for an empty text), same rows, same order, as
/// comma-separated CSV. Cells are neutralised against spreadsheet formulas
/// ([`crate::report::exports::safe_cell`]). Returns the number of rows.
pub fn score_table(
    input: &Path,
    text_col: &str,
    delimiter: Option<u8>,
    out: &Path,
    model: &Model,
    lex: &Lexicons,
) -> Result<usize, ModelError> {
    let t = data::read_table(input, delimiter)?;
    let ti = t.col(text_col)?;
    let mut header = t.header.clone();
    header.push("framing_prob".into());
    let werr = |e: crate::report::ReportError| ModelError::Data(e.to_string());
    let mut w = crate::report::exports::CsvOut::create(out, &header).map_err(werr)?;
    let mut s = Scratch::default();
    for row in &t.rows {
        let text = row[ti].trim();
        let p = if text.is_empty() {
            String::new()
        } else {
            crate::report::exports::fmt_f(model.sentence_prob(text, lex, &mut s))
        };
        w.row(
            row.iter()
                .map(|c| c.as_str())
                .chain(std::iter::once(p.as_str())),
        )
        .map_err(werr)?;
    }
    w.finish().map_err(werr)?;
    Ok(t.rows.len())
}
