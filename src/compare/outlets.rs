//! Per-outlet summaries with bootstrap confidence intervals.
//!
//! Takes: per-article metric values (feature rates from the schema, the
//! framing score and the reliability index), each with its outlet and story.
//! Gives: [`OutletRow`]s: per outlet and story (and per outlet over all
//! stories, story `*`), the article count and, per metric, the mean with a
//! 95% percentile-bootstrap interval.
//!
//! The bootstrap uses [`SplitMix64`] ([`crate::rng`]), a tiny fixed-seed
//! generator whose output can never change with a dependency upgrade, which
//! keeps `outlets.csv` byte-for-byte reproducible. Each (outlet, story, metric)
//! cell is seeded from an FNV-1a hash of its names, so a cell's interval
//! does not depend on which other outlets are in the run.
//!
//! Order does not matter: each cell's values are sorted before the mean and
//! the bootstrap, so the rows are a function of the set of articles only.
//!
//! Memory: the accumulator keeps one value per article and metric (about
//! 120 bytes per article), so a million-article run holds ~120 MB here.

use super::tokens::hash_str;
use crate::rng::SplitMix64;
use crate::schema::{self, FeatureKind};
use std::collections::BTreeMap;

/// Bootstrap resamples per interval.
pub const BOOTSTRAP_RESAMPLES: usize = 1000;
/// Story id of the all-stories row of an outlet.
pub const ALL_STORIES: &str = "*";
/// Outlet name used when an article states none.
pub const UNKNOWN_OUTLET: &str = "(unknown)";

/// Mean of a sample.
pub fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// 95% percentile-bootstrap interval of the mean, `None` below two values
/// (one article says nothing about spread).
pub fn bootstrap_ci(v: &[f64], seed: u64) -> Option<(f64, f64)> {
    if v.len() < 2 {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut means: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
        .map(|_| {
            let s: f64 = (0..v.len()).map(|_| v[rng.below(v.len())]).sum();
            s / v.len() as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let q = |p: f64| means[((p * (means.len() - 1) as f64).round() as usize).min(means.len() - 1)];
    Some((q(0.025), q(0.975)))
}

/// Names of the metrics, in column order: each schema feature (count
/// features as their rate per 1,000 words, `<id>_per_1k`; values as `<id>`),
/// then `framing_score` and `reliability_score`.
pub fn metric_names() -> Vec<String> {
    let mut v: Vec<String> = schema::FEATURES
        .iter()
        .map(|f| match f.kind {
            FeatureKind::Count => format!("{}_per_1k", f.id),
            FeatureKind::Value => f.id.to_string(),
        })
        .collect();
    v.push("framing_score".into());
    v.push("reliability_score".into());
    v
}

/// The metric values of one article, in [`metric_names`] order.
pub fn metric_values(values: &[f64], words: usize, framing: f64, reliability: f64) -> Vec<f64> {
    let mut v: Vec<f64> = schema::FEATURES
        .iter()
        .zip(values)
        .map(|(f, x)| match f.kind {
            FeatureKind::Count => crate::features::per_1k(*x, words),
            FeatureKind::Value => *x,
        })
        .collect();
    v.push(framing);
    v.push(reliability);
    v
}

/// One metric of an outlet row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MetricSummary {
    pub mean: f64,
    pub ci: Option<(f64, f64)>,
}

/// One row of `outlets.csv`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutletRow {
    pub outlet: String,
    pub story_id: String,
    pub articles: usize,
    /// In [`metric_names`] order.
    pub metrics: Vec<MetricSummary>,
}

/// Accumulates article metrics across batches.
#[derive(Debug, Clone, Default)]
pub struct OutletAccumulator {
    /// (outlet, story) → per-article metric vectors.
    cells: BTreeMap<(String, String), Vec<Vec<f64>>>,
}

impl OutletAccumulator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one article.
    pub fn add(&mut self, outlet: &str, story: &str, metrics: Vec<f64>) {
        let outlet = if outlet.trim().is_empty() {
            UNKNOWN_OUTLET
        } else {
            outlet
        };
        for s in [story, ALL_STORIES] {
            self.cells
                .entry((outlet.to_string(), s.to_string()))
                .or_default()
                .push(metrics.clone());
        }
    }

    /// The rows, sorted by outlet then story (`*` first).
    pub fn rows(&self) -> Vec<OutletRow> {
        let names = metric_names();
        self.cells
            .iter()
            .map(|((outlet, story), arts)| {
                let metrics = names
                    .iter()
                    .enumerate()
                    .map(|(mi, name)| {
                        // Sorted: the result depends only on the values, not on
                        // the order the articles arrived in (so `merge` can
                        // rebuild it from articles.csv in any order).
                        let mut v: Vec<f64> = arts
                            .iter()
                            .filter_map(|a| a.get(mi).copied())
                            .filter(|x| x.is_finite())
                            .collect();
                        v.sort_by(f64::total_cmp);
                        let seed = hash_str(&format!("{outlet}\u{1f}{story}\u{1f}{name}"));
                        MetricSummary {
                            mean: mean(&v),
                            ci: bootstrap_ci(&v, seed),
                        }
                    })
                    .collect();
                OutletRow {
                    outlet: outlet.clone(),
                    story_id: story.clone(),
                    articles: arts.len(),
                    metrics,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bootstrap_interval_contains_the_mean_and_is_deterministic() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        let (lo, hi) = bootstrap_ci(&v, 7).unwrap();
        assert!(lo <= mean(&v) && mean(&v) <= hi);
        assert_eq!(bootstrap_ci(&v, 7), Some((lo, hi)));
        assert!(bootstrap_ci(&[3.0], 7).is_none());
        let (a, b) = bootstrap_ci(&[2.0, 2.0, 2.0], 1).unwrap();
        assert_eq!((a, b), (2.0, 2.0));
    }

    #[test]
    fn accumulator_groups_by_outlet_and_story() {
        let mut acc = OutletAccumulator::new();
        let n = metric_names().len();
        acc.add("Ledger", "s001", vec![1.0; n]);
        acc.add("Ledger", "s002", vec![3.0; n]);
        acc.add("", "s001", vec![0.0; n]);
        let rows = acc.rows();
        let keys: Vec<(&str, &str, usize)> = rows
            .iter()
            .map(|r| (r.outlet.as_str(), r.story_id.as_str(), r.articles))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("(unknown)", "*", 1),
                ("(unknown)", "s001", 1),
                ("Ledger", "*", 2),
                ("Ledger", "s001", 1),
                ("Ledger", "s002", 1),
            ]
        );
        assert_eq!(rows[2].metrics[0].mean, 2.0);
        assert!(rows[2].metrics[0].ci.is_some());
        assert!(rows[3].metrics[0].ci.is_none());
    }
}
