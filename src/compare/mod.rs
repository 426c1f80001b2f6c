//! Stage 7: compare.
//!
//! Takes: the [`Scored`] articles of a run (in input order).
//! Gives: a [`Comparison`]: story groups, per-article flags and reliability,
//! and the cross-article tables (pairs, quotes, actor labels, outlets).

pub mod actors;
pub mod align;
pub mod quotes;
pub mod tokens;

use crate::model::Scored;

/// Per-article results of the comparison, parallel to `Comparison::articles`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ArticleComparison {
    pub story_id: String,
    pub flags: Vec<String>,
    pub reliability_score: Option<f64>,
    /// `(component, contribution)` pairs summing to the score.
    pub reliability_components: Vec<(String, f64)>,
}

/// The comparison of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Comparison {
    pub articles: Vec<Scored>,
    pub per_article: Vec<ArticleComparison>,
}

/// Options for [`compare`].
#[derive(Debug, Clone, Default)]
pub struct CompareOptions {}

/// Compare the articles of a run.
pub fn compare(articles: Vec<Scored>, _opts: &CompareOptions) -> Comparison {
    let per_article = articles
        .iter()
        .map(|a| ArticleComparison {
            story_id: a
                .analysis
                .article
                .story
                .clone()
                .unwrap_or_else(|| "s1".into()),
            ..Default::default()
        })
        .collect();
    Comparison {
        articles,
        per_article,
    }
}
