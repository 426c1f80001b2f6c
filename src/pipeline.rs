//! The whole run, stage after stage.
//!
//! Takes: input paths and [`AnalyzeOptions`].
//! Gives: the output folder filled with exports, and a [`RunSummary`]
//! (articles written, inputs that failed) from which `main` picks the exit
//! code.

use crate::compare::{self, CompareOptions};
use crate::extract;
use crate::features;
use crate::ingest::{self, IngestOptions, InputError};
use crate::lexicon::{LexiconError, Lexicons};
use crate::model::{self, Model, ModelError};
use crate::report::{self, ReportError};
use rayon::prelude::*;
use std::path::PathBuf;

/// Errors that stop a run (bad input files do not: they become `errors.csv` rows).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// Options of `framelens analyze`.
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    pub ingest: IngestOptions,
    pub out: PathBuf,
    pub lexicon_dir: Option<PathBuf>,
    pub model: Option<PathBuf>,
    pub compare: CompareOptions,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub articles: usize,
    pub errors: Vec<InputError>,
}

/// Run ingest → extract → analyze → score → compare → exports.
pub fn run_analyze(inputs: &[PathBuf], opts: &AnalyzeOptions) -> Result<RunSummary, PipelineError> {
    let owned_lex;
    let lex: &Lexicons = match &opts.lexicon_dir {
        Some(d) => {
            owned_lex = Lexicons::from_dir(d)?;
            &owned_lex
        }
        None => Lexicons::embedded(),
    };
    let owned_model;
    let mdl: &Model = match &opts.model {
        Some(p) => {
            owned_model = Model::load(p)?;
            &owned_model
        }
        None => Model::embedded(),
    };

    let items: Vec<_> = ingest::ingest(inputs, &opts.ingest).collect();
    let results: Vec<Result<model::Scored, InputError>> = items
        .into_par_iter()
        .map(|item| {
            let raw = item?;
            let article = extract::extract(raw)?;
            Ok(model::score(features::analyze(article, lex), mdl))
        })
        .collect();
    let mut scored = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(s) => scored.push(s),
            Err(e) => errors.push(e),
        }
    }
    let cmp = compare::compare(scored, &opts.compare);
    let mut exports = report::exports::Exports::create(&opts.out)?;
    exports.write(&cmp)?;
    exports.finish(&opts.out, &errors)?;
    Ok(RunSummary {
        articles: cmp.articles.len(),
        errors,
    })
}
