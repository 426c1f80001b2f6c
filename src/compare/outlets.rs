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
use rayon::prelude::*;
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
///
/// Resample `r` takes draws `r·n..(r+1)·n` of the generator seeded with
/// `seed` and sums its picks in draw order. The numbers are exactly those
/// of [`bootstrap_ci_plain`]; only the work is arranged differently:
/// - when all values are equal every resample has the same sum, so none is
///   drawn;
/// - `LANES` (four) resamples are summed side by side, each from its own
///   generator skipped ahead to its first draw ([`SplitMix64::skipped`]),
///   so the additions of one resample do not wait for each other;
/// - the two quantiles are selected, not found by sorting all the means.
pub fn bootstrap_ci(v: &[f64], seed: u64) -> Option<(f64, f64)> {
    let n = v.len();
    if n < 2 {
        return None;
    }
    // `Sum for f64` folds from the empty sum; the lanes start there too.
    let zero: f64 = std::iter::empty::<f64>().sum();
    if v.iter().all(|x| x.to_bits() == v[0].to_bits()) {
        let m = (0..n).map(|_| v[0]).sum::<f64>() / n as f64;
        return Some((m, m));
    }
    if n <= SMALL_N {
        return Some(bootstrap_ci_small(v, seed, zero));
    }
    let mut means: Vec<f64> = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    let mut r = 0;
    while r + LANES <= BOOTSTRAP_RESAMPLES {
        let mut rngs: [SplitMix64; LANES] =
            std::array::from_fn(|l| SplitMix64::skipped(seed, ((r + l) * n) as u64));
        let mut sums = [zero; LANES];
        for _ in 0..n {
            for l in 0..LANES {
                sums[l] += v[rngs[l].below(n)];
            }
        }
        means.extend(sums.iter().map(|s| s / n as f64));
        r += LANES;
    }
    for r in r..BOOTSTRAP_RESAMPLES {
        let mut rng = SplitMix64::skipped(seed, (r * n) as u64);
        let s: f64 = (0..n).map(|_| v[rng.below(n)]).sum();
        means.push(s / n as f64);
    }
    let last = means.len() - 1;
    let at = |p: f64| ((p * last as f64).round() as usize).min(last);
    let (lo, hi) = (at(0.025), at(0.975));
    // Equal under `total_cmp` means the same bits, so the selected values
    // are those a full sort puts at these positions.
    let (_, &mut qhi, _) = means.select_nth_unstable_by(hi, f64::total_cmp);
    let (_, &mut qlo, _) = means[..hi].select_nth_unstable_by(lo, f64::total_cmp);
    Some((qlo, qhi))
}

/// Resamples summed side by side in [`bootstrap_ci`].
const LANES: usize = 4;

/// Samples up to this size take [`bootstrap_ci_small`].
const SMALL_N: usize = 3;

/// [`bootstrap_ci`] of a sample of `n ≤ SMALL_N` values (most outlet and
/// story cells): a resample is one of the `n^n` draw sequences, so the mean
/// of each sequence is summed once (in draw order, from `zero`, as the plain
/// version does), each resample only counts its sequence, and the quantiles
/// are read from the counts of the sequences' means in sorted order instead
/// of selecting among 1,000 means.
fn bootstrap_ci_small(v: &[f64], seed: u64, zero: f64) -> (f64, f64) {
    let n = v.len();
    let seqs = n.pow(n as u32);
    // Sequence `q` draws the base-`n` digits of `q`, most significant first.
    let mut table: Vec<(f64, u32)> = (0..seqs)
        .map(|q| {
            let mut s = zero;
            for d in (0..n).rev() {
                s += v[q / n.pow(d as u32) % n];
            }
            (s / n as f64, 0)
        })
        .collect();
    let mut rng = SplitMix64::new(seed);
    for _ in 0..BOOTSTRAP_RESAMPLES {
        let q = (0..n).fold(0, |q, _| q * n + rng.below(n));
        table[q].1 += 1;
    }
    // The means in the order a sort of all resamples puts them (equal
    // under `total_cmp` means the same bits, so ties are interchangeable).
    table.sort_by(|a, b| a.0.total_cmp(&b.0));
    let last = BOOTSTRAP_RESAMPLES - 1;
    let at = |p: f64| ((p * last as f64).round() as usize).min(last);
    let quantile = |k: usize| {
        let mut seen = 0;
        for &(m, c) in &table {
            seen += c as usize;
            if k < seen {
                return m;
            }
        }
        unreachable!("{k} is below the {BOOTSTRAP_RESAMPLES} resamples counted")
    };
    (quantile(at(0.025)), quantile(at(0.975)))
}

/// [`bootstrap_ci`] written plainly: one generator, each resample summed
/// in turn, all means sorted (the reference the fast version is tested
/// against).
pub fn bootstrap_ci_plain(v: &[f64], seed: u64) -> Option<(f64, f64)> {
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

    /// The rows, sorted by outlet then story (`*` first); the cells are
    /// independent, so they are computed in parallel (in a fixed order).
    pub fn rows(&self) -> Vec<OutletRow> {
        let names = metric_names();
        let cells: Vec<_> = self.cells.iter().collect();
        cells
            .into_par_iter()
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
    fn fast_bootstrap_equals_the_plain_one() {
        let mut g = SplitMix64::new(5);
        for case in 0..600u64 {
            // Half the cases small (the counted-sequence path).
            let n = if case % 2 == 0 {
                2 + (g.next_u64() % 2) as usize
            } else {
                2 + (g.next_u64() % 40) as usize
            };
            let kinds = 1 + g.next_u64() % 6;
            let mut v: Vec<f64> = (0..n)
                .map(|_| match g.next_u64() % kinds {
                    0 => 0.0,
                    1 => 1.0 / 3.0,
                    k => (g.next_u64() % 10_000) as f64 / (k as f64 * 7.0),
                })
                .collect();
            if case % 5 == 0 {
                v = vec![v[0]; n];
            }
            v.sort_by(f64::total_cmp);
            let seed = g.next_u64();
            assert_eq!(
                bootstrap_ci(&v, seed).map(|(a, b)| (a.to_bits(), b.to_bits())),
                bootstrap_ci_plain(&v, seed).map(|(a, b)| (a.to_bits(), b.to_bits())),
                "case {case}: {v:?}"
            );
        }
    }

    #[test]
    fn counted_small_samples_equal_the_plain_bootstrap() {
        let vals = [-0.0, 0.0, 1.0 / 3.0, 0.1, 0.2, 0.3, 1e300, -2.5, 7.0];
        let mut seed = 0u64;
        for a in vals {
            for b in vals {
                for c in vals.iter().copied().map(Some).chain([None]) {
                    let mut v: Vec<f64> = [a, b].into_iter().chain(c).collect();
                    v.sort_by(f64::total_cmp);
                    seed += 1;
                    let bits = |x: Option<(f64, f64)>| x.map(|(a, b)| (a.to_bits(), b.to_bits()));
                    assert_eq!(
                        bits(bootstrap_ci(&v, seed)),
                        bits(bootstrap_ci_plain(&v, seed)),
                        "{v:?}"
                    );
                }
            }
        }
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
