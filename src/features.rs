//! Stage 5: features.
//!
//! Takes: an [`Article`] and the [`Lexicons`].
//! Gives: an [`Analysis`]: the article, its [`Layout`], its flagged spans,
//! the article feature values in [`schema::FEATURES`] order, and
//! per-sentence counts of the count features.

use crate::extract::Article;
use crate::lexicon::{self, Category, Lexicons, Span};
use crate::schema::{self, FeatureKind};
use crate::text::{self, Layout};

/// Per-sentence counts of the schema's count features, in
/// `schema::count_features()` order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SentenceFeatures {
    pub counts: Vec<u32>,
    pub words: u32,
}

/// An analysed article.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Analysis {
    pub article: Article,
    pub layout: Layout,
    pub spans: Vec<Span>,
    /// One value per `schema::FEATURES` entry: the raw count for count
    /// features, the value for value features.
    pub values: Vec<f64>,
    pub sentences: Vec<SentenceFeatures>,
    pub words: usize,
}

impl Analysis {
    /// Article-level columns in `schema::article_feature_columns()` order.
    pub fn feature_columns(&self) -> Vec<f64> {
        let mut out = Vec::new();
        for (f, v) in schema::FEATURES.iter().zip(&self.values) {
            match f.kind {
                FeatureKind::Count => {
                    out.push(*v);
                    out.push(per_1k(*v, self.words));
                }
                FeatureKind::Value => out.push(*v),
            }
        }
        out
    }

    /// Value of a feature by schema id.
    pub fn value(&self, id: &str) -> Option<f64> {
        schema::FEATURES
            .iter()
            .position(|f| f.id == id)
            .map(|i| self.values[i])
    }
}

/// Rate per 1,000 words (0 for an empty text).
pub fn per_1k(count: f64, words: usize) -> f64 {
    if words == 0 {
        0.0
    } else {
        count * 1000.0 / words as f64
    }
}

/// Analyse one article.
pub fn analyze(article: Article, lex: &Lexicons) -> Analysis {
    let layout = text::segment(&article.body);
    let spans = lexicon::find_spans(&article.body, &layout, lex);
    let words = layout.word_count();
    let mut values = vec![0.0; schema::FEATURES.len()];
    let mut sentences: Vec<SentenceFeatures> = layout
        .sentences
        .iter()
        .map(|_| SentenceFeatures {
            counts: vec![0; schema::count_features().count()],
            words: 0,
        })
        .collect();
    for t in &layout.tokens {
        if let Some(s) = sentences.get_mut(t.sentence as usize) {
            s.words += 1;
        }
    }
    let count_ids: Vec<&str> = schema::count_features()
        .filter_map(|f| f.category)
        .collect();
    for sp in spans.iter() {
        let cat = sp.category.id();
        if let Some(ci) = count_ids.iter().position(|c| *c == cat) {
            if let Some(s) = sentences.get_mut(sp.sentence) {
                s.counts[ci] += 1;
            }
        }
        if let Some(fi) = schema::FEATURES
            .iter()
            .position(|f| f.category == Some(cat))
        {
            values[fi] += 1.0;
        }
    }
    let _ = Category::Quote;
    Analysis {
        article,
        layout,
        spans,
        values,
        sentences,
        words,
    }
}

/// Per-sentence counts for a standalone sentence (or short text), as the
/// classifier sees it at training time: the text is segmented and matched
/// exactly as a body would be, and all counts are summed into one row.
pub fn sentence_counts(sentence: &str, lex: &Lexicons) -> SentenceFeatures {
    let layout = text::segment(sentence);
    let spans = lexicon::find_spans(sentence, &layout, lex);
    let count_ids: Vec<&str> = schema::count_features()
        .filter_map(|f| f.category)
        .collect();
    let mut counts = vec![0u32; count_ids.len()];
    for sp in &spans {
        if let Some(ci) = count_ids.iter().position(|c| *c == sp.category.id()) {
            counts[ci] += 1;
        }
    }
    SentenceFeatures {
        counts,
        words: layout.word_count() as u32,
    }
}
