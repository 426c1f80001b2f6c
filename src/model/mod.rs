//! Stage 6: model.
//!
//! Takes: an [`Analysis`] and a trained [`Model`].
//! Gives: a [`Scored`] article: `framing_prob` per sentence (calibrated
//! probability that BABE-style annotators would call the sentence biased),
//! the article `framing_score` (0-100), its top sentences and terms, and the
//! frame profile.
//!
//! Also home of training (`train`), cross-validation (`evaluate`) and the
//! embedded default model.

use crate::features::Analysis;

/// Errors of the model stage.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model file {path}: {reason}")]
    Load { path: String, reason: String },
    #[error("model was trained with feature schema v{found}, this framelens uses v{expected}; retrain it with `framelens train`")]
    SchemaMismatch { found: u32, expected: u32 },
    #[error("training data: {0}")]
    Data(String),
    #[error("training failed: {0}")]
    Train(String),
}

/// A sentence that contributes to an article's framing score.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TopSentence {
    pub sentence: usize,
    pub prob: f64,
    /// Terms that pushed the probability up, strongest first.
    pub terms: Vec<String>,
}

/// A scored article.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Scored {
    pub analysis: Analysis,
    /// One probability per sentence of `analysis.layout.sentences`.
    pub sentence_probs: Vec<f64>,
    /// 0-100.
    pub framing_score: f64,
    pub top_sentences: Vec<TopSentence>,
    /// Terms contributing most over the whole article, strongest first.
    pub top_terms: Vec<String>,
    /// `(frame name, probability)` in the fixed frame order; empty when the
    /// model has no frame head.
    pub frames: Vec<(String, f64)>,
    /// `(genre, probability)`; empty when the model has no genre head.
    pub genre: Vec<(String, f64)>,
}

/// A trained model (placeholder until the classifier lands).
#[derive(Debug, Clone, Default)]
pub struct Model {}

impl Model {
    /// The default model embedded in the binary.
    pub fn embedded() -> &'static Model {
        static M: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
        M.get_or_init(Model::default)
    }

    /// Load a model file.
    pub fn load(_path: &std::path::Path) -> Result<Model, ModelError> {
        Ok(Model::default())
    }
}

/// Score one analysed article.
pub fn score(analysis: Analysis, _model: &Model) -> Scored {
    let n = analysis.layout.sentences.len();
    Scored {
        analysis,
        sentence_probs: vec![0.0; n],
        framing_score: 0.0,
        top_sentences: vec![],
        top_terms: vec![],
        frames: vec![],
        genre: vec![],
    }
}
