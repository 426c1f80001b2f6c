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
//! Memory: the accumulator keeps two copies of each article's metric values
//! (its story's cell and its outlet's `*` cell). A run that gives it a
//! spill folder keeps at most [`SPILL_BYTES`] of them in memory and writes
//! the rest to sorted runs on disk (unnamed temporary files, about 250 bytes
//! per article). Computing the rows then holds one batch of small cells,
//! or one metric of a large cell: 8 bytes per article of the largest outlet
//! (8 MB for a million-article outlet).

use crate::hash::{fnv1a, fnv1a_extend};
use crate::rng::SplitMix64;
use crate::schema::{self, FeatureKind};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

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
    // Resamples `r..r + LANES`, side by side.
    let block = |r: usize| {
        let mut rngs: [SplitMix64; LANES] =
            std::array::from_fn(|l| SplitMix64::skipped(seed, ((r + l) * n) as u64));
        let mut sums = [zero; LANES];
        for _ in 0..n {
            for l in 0..LANES {
                sums[l] += v[rngs[l].below(n)];
            }
        }
        sums.map(|s| s / n as f64)
    };
    let blocks = BOOTSTRAP_RESAMPLES / LANES;
    // Each block has its own generators, so blocks may run on any thread;
    // the means keep their order either way.
    let mut means: Vec<f64> = if n >= PARALLEL_N {
        (0..blocks)
            .into_par_iter()
            .flat_map_iter(|b| block(b * LANES))
            .collect()
    } else {
        (0..blocks).flat_map(|b| block(b * LANES)).collect()
    };
    for r in blocks * LANES..BOOTSTRAP_RESAMPLES {
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

/// Samples of at least this size are resampled on several threads (one
/// large cell is then not summarised on one core alone).
const PARALLEL_N: usize = 2048;

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
    v.extend(ARTICLE_METRICS.iter().map(|m| m.to_string()));
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

/// Accumulates article metrics across windows, in bounded memory.
///
/// Each article adds its metric values to two cells: its (outlet, story)
/// and its (outlet, `*`). The cells are held in memory, cell by cell and
/// article by article. With a spill folder ([`OutletAccumulator::spilling_to`]),
/// once they hold more than the spill limit they are written to an unnamed
/// temporary file there as one *sorted run* (cells in key order, each cell's
/// values metric by metric) and memory is freed. The rows are computed by
/// merging the runs and the cells still in memory in key order
/// ([`OutletAccumulator::for_each_row`]): a cell's values are the union of
/// its values in every run, and since each metric's values are sorted before
/// use, the rows do not depend on where the runs were cut.
#[derive(Debug)]
pub struct OutletAccumulator {
    /// (outlet, story) → the cell's values, `metric_count` per article.
    cells: BTreeMap<(String, String), CellValues>,
    /// About how many bytes `cells` holds.
    held: usize,
    spill: Option<Spill>,
    /// Cells above this many articles are summarised alone, metric by
    /// metric ([`LARGE_CELL`]; smaller in tests).
    large_cell: usize,
}

#[derive(Debug, Default)]
struct CellValues {
    articles: usize,
    /// Article-major: article `k`'s metric `m` at `k * metric_count + m`.
    values: Vec<f64>,
}

#[derive(Debug)]
struct Spill {
    dir: PathBuf,
    limit: usize,
    /// Sorted runs written so far.
    runs: Vec<File>,
}

/// Default spill limit of [`OutletAccumulator::spilling_to`]: 16 MB of cells
/// in memory (about 35,000 articles) per sorted run.
pub const SPILL_BYTES: usize = 16 << 20;

/// Sorted runs kept before they are merged into one.
const MAX_RUNS: usize = 64;

/// Cells with more articles than this are summarised metric by metric
/// (one metric's values in memory at a time, 8 bytes per article) rather
/// than batched with other cells.
const LARGE_CELL: usize = 1 << 16;

/// Values held before a batch of cells is summarised (in parallel).
const BATCH_VALUES: usize = 1 << 20;

/// Bytes a new cell costs beyond its values (key strings, map entry).
const CELL_OVERHEAD: usize = 160;

impl Default for OutletAccumulator {
    fn default() -> Self {
        OutletAccumulator {
            cells: BTreeMap::new(),
            held: 0,
            spill: None,
            large_cell: LARGE_CELL,
        }
    }
}

impl OutletAccumulator {
    /// An accumulator that keeps everything in memory (for small inputs,
    /// such as one report's articles).
    pub fn new() -> Self {
        Self::default()
    }

    /// An accumulator that writes sorted runs to unnamed temporary files in
    /// `dir` once its cells hold more than `limit` bytes (see
    /// [`SPILL_BYTES`]); the files disappear when the accumulator is
    /// dropped.
    pub fn spilling_to(dir: &Path, limit: usize) -> Self {
        OutletAccumulator {
            spill: Some(Spill {
                dir: dir.to_path_buf(),
                limit,
                runs: Vec::new(),
            }),
            ..Self::default()
        }
    }

    /// Sorted runs written to disk so far.
    #[cfg(test)]
    fn runs(&self) -> usize {
        self.spill.as_ref().map_or(0, |s| s.runs.len())
    }

    /// Add one article: its metric values in [`metric_names`] order
    /// (missing values count as not finite, extra ones are ignored). Fails
    /// only when a spill file cannot be written.
    pub fn add(&mut self, outlet: &str, story: &str, metrics: &[f64]) -> io::Result<()> {
        let width = metric_count();
        let outlet = if outlet.trim().is_empty() {
            UNKNOWN_OUTLET
        } else {
            outlet
        };
        for s in [story, ALL_STORIES] {
            let key = (outlet.to_string(), s.to_string());
            let cell = match self.cells.get_mut(&key) {
                Some(c) => c,
                None => {
                    self.held += CELL_OVERHEAD + outlet.len() + s.len();
                    self.cells.entry(key).or_default()
                }
            };
            cell.articles += 1;
            cell.values
                .extend((0..width).map(|m| metrics.get(m).copied().unwrap_or(f64::NAN)));
            self.held += width * std::mem::size_of::<f64>();
        }
        match &self.spill {
            Some(sp) if self.held > sp.limit => self.write_run(),
            _ => Ok(()),
        }
    }

    /// Write the cells in memory to a new sorted run and free them. Once
    /// [`MAX_RUNS`] runs exist, they are merged into one (so the rows are
    /// read from a bounded number of open files).
    fn write_run(&mut self) -> io::Result<()> {
        let Some(sp) = self.spill.as_mut() else {
            return Ok(());
        };
        let width = metric_count();
        let cells = std::mem::take(&mut self.cells);
        self.held = 0;
        let mut w = RunWriter::create(&sp.dir)?;
        for ((outlet, story), cell) in cells {
            w.cell(&outlet, &story, cell.articles)?;
            for m in 0..width {
                w.values((0..cell.articles).map(|k| cell.values[k * width + m]))?;
            }
        }
        sp.runs.push(w.finish()?);
        if sp.runs.len() >= MAX_RUNS {
            let mut merged = Merger::new(std::mem::take(&mut sp.runs), BTreeMap::new())?;
            let mut w = RunWriter::create(&sp.dir)?;
            let mut column = Vec::new();
            while let Some((outlet, story, articles)) = merged.next_cell()? {
                w.cell(&outlet, &story, articles)?;
                for _ in 0..width {
                    column.clear();
                    merged.column_into(&mut column)?;
                    w.values(column.iter().copied())?;
                }
            }
            sp.runs.push(w.finish()?);
        }
        Ok(())
    }

    /// The rows, sorted by outlet then story (`*` first), all in memory.
    /// For accumulators without a spill folder (which never touch the
    /// disk); a spilling one is read with [`Self::for_each_row`].
    pub fn rows(self) -> Vec<OutletRow> {
        let mut out = Vec::new();
        self.for_each_row(|r| {
            out.push(r);
            Ok::<(), io::Error>(())
        })
        .expect("an accumulator without spill files reads nothing from disk");
        out
    }

    /// Hand each row to `emit`, sorted by outlet then story. Cells are
    /// summarised in batches, in parallel; a cell of more than
    /// 65,536 articles alone, one metric at a time.
    pub fn for_each_row<E: From<io::Error>>(
        mut self,
        mut emit: impl FnMut(OutletRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let width = metric_count();
        let names = metric_names();
        let runs = self.spill.take().map(|sp| sp.runs).unwrap_or_default();
        let mut merged = Merger::new(runs, std::mem::take(&mut self.cells))?;
        // A cell's columns back to back (`articles` values each), in one Vec.
        type Cell = (String, String, usize, Vec<f64>);
        let mut batch: Vec<Cell> = Vec::new();
        let mut batch_values = 0;
        let summarise = |batch: &mut Vec<Cell>| {
            std::mem::take(batch)
                .into_par_iter()
                .map(|(outlet, story, articles, mut cols)| {
                    let metrics = names
                        .iter()
                        .enumerate()
                        .map(|(k, name)| {
                            let v = &mut cols[k * articles..(k + 1) * articles];
                            summary(v, &outlet, &story, name)
                        })
                        .collect();
                    OutletRow {
                        outlet,
                        story_id: story,
                        articles,
                        metrics,
                    }
                })
                .collect::<Vec<_>>()
        };
        while let Some((outlet, story, articles)) = merged.next_cell()? {
            if articles > self.large_cell {
                for r in summarise(&mut batch) {
                    emit(r)?;
                }
                batch_values = 0;
                let mut metrics = Vec::with_capacity(width);
                let mut v = Vec::with_capacity(articles);
                for name in &names {
                    v.clear();
                    merged.column_into(&mut v)?;
                    metrics.push(summary(&mut v, &outlet, &story, name));
                }
                emit(OutletRow {
                    outlet,
                    story_id: story,
                    articles,
                    metrics,
                })?;
            } else {
                let mut cols = Vec::with_capacity(articles * width);
                for _ in 0..width {
                    merged.column_into(&mut cols)?;
                }
                debug_assert_eq!(cols.len(), articles * width);
                batch_values += articles * width;
                batch.push((outlet, story, articles, cols));
                if batch_values >= BATCH_VALUES {
                    for r in summarise(&mut batch) {
                        emit(r)?;
                    }
                    batch_values = 0;
                }
            }
        }
        for r in summarise(&mut batch) {
            emit(r)?;
        }
        Ok(())
    }
}

/// The cells of several sorted runs and of the cells in memory, merged in
/// key order: [`Merger::next_cell`] gives each key once, with the article
/// count summed over the sources that hold it, and [`Merger::column`] then
/// gives its metrics in order (each the union of the sources' values).
struct Merger {
    sources: Vec<Source>,
    /// Each source's next cell (outlet, story, articles).
    heads: Vec<Option<(String, String, usize)>>,
    /// The sources that hold the current cell.
    group: Vec<usize>,
    articles: usize,
}

impl Merger {
    fn new(runs: Vec<File>, cells: BTreeMap<(String, String), CellValues>) -> io::Result<Merger> {
        let mut sources: Vec<Source> = runs
            .into_iter()
            .map(|f| Source::File {
                r: BufReader::new(f),
                buf: Vec::new(),
            })
            .collect();
        sources.push(Source::Memory {
            cells: cells.into_iter(),
            current: CellValues::default(),
            next_metric: 0,
        });
        let heads = sources
            .iter_mut()
            .map(Source::next_cell)
            .collect::<io::Result<_>>()?;
        Ok(Merger {
            sources,
            heads,
            group: Vec::new(),
            articles: 0,
        })
    }

    /// The next cell in key order. Every metric of the previous cell must
    /// have been read with [`Merger::column`].
    fn next_cell(&mut self) -> io::Result<Option<(String, String, usize)>> {
        for &i in &self.group {
            self.heads[i] = self.sources[i].next_cell()?;
        }
        let Some(key) = self
            .heads
            .iter()
            .flatten()
            .map(|(o, s, _)| (o, s))
            .min()
            .map(|(o, s)| (o.clone(), s.clone()))
        else {
            self.group.clear();
            return Ok(None);
        };
        self.group = (0..self.sources.len())
            .filter(|&i| {
                self.heads[i]
                    .as_ref()
                    .is_some_and(|(o, s, _)| (o, s) == (&key.0, &key.1))
            })
            .collect();
        self.articles = self
            .group
            .iter()
            .filter_map(|&i| self.heads[i].as_ref().map(|h| h.2))
            .sum();
        Ok(Some((key.0, key.1, self.articles)))
    }

    /// The current cell's next metric: its values in every source,
    /// appended to `v` (one per article of the cell).
    fn column_into(&mut self, v: &mut Vec<f64>) -> io::Result<()> {
        for &i in &self.group {
            let n = self.heads[i].as_ref().map_or(0, |h| h.2);
            self.sources[i].read_column(n, v)?;
        }
        Ok(())
    }
}

/// The metrics after the schema's features, in [`metric_names`] order.
const ARTICLE_METRICS: [&str; 2] = ["framing_score", "reliability_score"];

/// Number of metrics per article ([`metric_names`]), without building the
/// names.
fn metric_count() -> usize {
    schema::FEATURES.len() + ARTICLE_METRICS.len()
}

/// The bootstrap seed of one cell's metric: the FNV-1a hash of
/// `"{outlet}\u{1f}{story}\u{1f}{name}"`, fed part by part (no `format!`
/// String per metric and cell).
fn cell_seed(outlet: &str, story: &str, name: &str) -> u64 {
    let sep = "\u{1f}".as_bytes();
    [
        outlet.as_bytes(),
        sep,
        story.as_bytes(),
        sep,
        name.as_bytes(),
    ]
    .into_iter()
    .fold(fnv1a(b""), fnv1a_extend)
}

/// Mean and interval of one cell's values of one metric.
/// Sorts `v` in place.
fn summary(v: &mut [f64], outlet: &str, story: &str, name: &str) -> MetricSummary {
    // Sorted: the result depends only on the values, not on the order the
    // articles arrived in (so `merge` can rebuild it from articles.csv in
    // any order, and spilled runs give the same rows). In the total order
    // the finite values are one run (after -NaN and -inf, before +inf and
    // +NaN): that run is the sorted finite values.
    v.sort_by(f64::total_cmp);
    let start = v.iter().position(|x| x.is_finite()).unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|x| x.is_finite())
        .map_or(start, |e| e + 1);
    let v = &v[start..end];
    let seed = cell_seed(outlet, story, name);
    MetricSummary {
        mean: mean(v),
        ci: bootstrap_ci(v, seed),
    }
}

/// Writes one sorted run: per cell, the outlet and story (each a length and
/// its UTF-8 bytes), the article count, then each metric's values in turn;
/// numbers as little-endian `u64`/`f64`.
struct RunWriter(BufWriter<File>);

impl RunWriter {
    fn create(dir: &Path) -> io::Result<RunWriter> {
        Ok(RunWriter(BufWriter::new(tempfile::tempfile_in(dir)?)))
    }

    fn cell(&mut self, outlet: &str, story: &str, articles: usize) -> io::Result<()> {
        for s in [outlet, story] {
            self.0.write_all(&(s.len() as u64).to_le_bytes())?;
            self.0.write_all(s.as_bytes())?;
        }
        self.0.write_all(&(articles as u64).to_le_bytes())
    }

    fn values(&mut self, v: impl IntoIterator<Item = f64>) -> io::Result<()> {
        v.into_iter()
            .try_for_each(|x| self.0.write_all(&x.to_le_bytes()))
    }

    /// The run, rewound for reading.
    fn finish(self) -> io::Result<File> {
        let mut f = self.0.into_inner().map_err(|e| e.into_error())?;
        f.seek(SeekFrom::Start(0))?;
        Ok(f)
    }
}

/// Where [`OutletAccumulator::for_each_row`] reads cells from: a sorted run
/// on disk, or the cells still in memory. After [`Source::next_cell`] gives
/// a cell, its metrics are read in order with [`Source::read_column`].
enum Source {
    File {
        r: BufReader<File>,
        buf: Vec<u8>,
    },
    Memory {
        cells: std::collections::btree_map::IntoIter<(String, String), CellValues>,
        current: CellValues,
        /// The metric the next `read_column` gives.
        next_metric: usize,
    },
}

impl Source {
    /// The next cell's outlet, story and article count.
    fn next_cell(&mut self) -> io::Result<Option<(String, String, usize)>> {
        match self {
            Source::File { r, .. } => {
                let mut len = [0u8; 8];
                match r.read_exact(&mut len) {
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
                    other => other?,
                }
                let text = |len: [u8; 8], r: &mut BufReader<File>| {
                    let mut bytes = vec![0; u64::from_le_bytes(len) as usize];
                    r.read_exact(&mut bytes)?;
                    String::from_utf8(bytes)
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
                };
                let outlet = text(len, r)?;
                r.read_exact(&mut len)?;
                let story = text(len, r)?;
                r.read_exact(&mut len)?;
                Ok(Some((outlet, story, u64::from_le_bytes(len) as usize)))
            }
            Source::Memory {
                cells,
                current,
                next_metric,
                ..
            } => Ok(cells.next().map(|((o, s), c)| {
                let n = c.articles;
                *current = c;
                *next_metric = 0;
                (o, s, n)
            })),
        }
    }

    /// Append the current cell's next metric (`n` values) to `out`.
    fn read_column(&mut self, n: usize, out: &mut Vec<f64>) -> io::Result<()> {
        match self {
            Source::File { r, buf } => {
                buf.resize(n * 8, 0);
                r.read_exact(buf)?;
                out.extend(
                    buf.chunks_exact(8)
                        .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))),
                );
                Ok(())
            }
            Source::Memory {
                current,
                next_metric,
                ..
            } => {
                let (w, m) = (metric_count(), *next_metric);
                out.extend((0..n).map(|k| current.values[k * w + m]));
                *next_metric += 1;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_uses_the_sorted_finite_values() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..40 {
            let mut v: Vec<f64> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    match x % 9 {
                        0 => f64::NAN,
                        1 => -f64::NAN,
                        2 => f64::INFINITY,
                        3 => f64::NEG_INFINITY,
                        4 => -0.0,
                        _ => (x % 1000) as f64 / 7.0 - 50.0,
                    }
                })
                .collect();
            let mut finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            finite.sort_by(f64::total_cmp);
            let want = (
                mean(&finite),
                bootstrap_ci(&finite, cell_seed("o", "s", "m")),
            );
            let got = summary(&mut v, "o", "s", "m");
            assert_eq!(got.mean.to_bits(), want.0.to_bits());
            assert_eq!(got.ci, want.1);
        }
    }

    #[test]
    fn cell_seed_is_the_hash_of_the_joined_key() {
        for (o, s, n) in [
            ("", "", ""),
            ("Daily Post", "s0001", "loaded_per_1k"),
            ("Ünï \u{1f}x", "story-9", "framing_score"),
        ] {
            let joined = format!("{o}\u{1f}{s}\u{1f}{n}");
            assert_eq!(cell_seed(o, s, n), super::super::tokens::hash_str(&joined));
        }
    }

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
        acc.add("Ledger", "s001", &vec![1.0; n]).unwrap();
        acc.add("Ledger", "s002", &vec![3.0; n]).unwrap();
        acc.add("", "s001", &vec![0.0; n]).unwrap();
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

    #[test]
    fn parallel_bootstrap_equals_the_plain_one() {
        let mut g = SplitMix64::new(11);
        for n in [PARALLEL_N, PARALLEL_N + 3, 3001] {
            let mut v: Vec<f64> = (0..n).map(|_| (g.next_u64() % 1000) as f64 / 7.0).collect();
            v.sort_by(f64::total_cmp);
            let bits = |x: Option<(f64, f64)>| x.map(|(a, b)| (a.to_bits(), b.to_bits()));
            assert_eq!(
                bits(bootstrap_ci(&v, n as u64)),
                bits(bootstrap_ci_plain(&v, n as u64))
            );
        }
    }

    /// Random articles: a few outlets (one unnamed), stories that recur
    /// (some named below `*`), some values not finite.
    fn random_articles(seed: u64, count: usize) -> Vec<(String, String, Vec<f64>)> {
        let mut g = SplitMix64::new(seed);
        let outlets = ["Ledger", "", "Courier", "The Lantern"];
        let stories = ["s0001", "s0002", "!early", "s0100", "corpus story", "s0003"];
        (0..count)
            .map(|_| {
                let o = outlets[(g.next_u64() % outlets.len() as u64) as usize];
                let s = stories[(g.next_u64() % stories.len() as u64) as usize];
                let m = (0..metric_count())
                    .map(|_| match g.next_u64() % 9 {
                        0 => f64::NAN,
                        1 => 0.0,
                        k => (g.next_u64() % 5000) as f64 / (k as f64 * 3.0),
                    })
                    .collect();
                (o.to_string(), s.to_string(), m)
            })
            .collect()
    }

    /// A metric summary's mean and interval, as bits.
    type MetricBits = (u64, Option<(u64, u64)>);

    fn row_bits(rows: &[OutletRow]) -> Vec<(String, String, usize, Vec<MetricBits>)> {
        rows.iter()
            .map(|r| {
                let m = r
                    .metrics
                    .iter()
                    .map(|m| {
                        (
                            m.mean.to_bits(),
                            m.ci.map(|(a, b)| (a.to_bits(), b.to_bits())),
                        )
                    })
                    .collect();
                (r.outlet.clone(), r.story_id.clone(), r.articles, m)
            })
            .collect()
    }

    #[test]
    fn issue6_spilled_runs_give_the_same_rows_as_memory() {
        let arts = random_articles(3, 1500);
        let mut plain = OutletAccumulator::new();
        let dir = tempfile::tempdir().unwrap();
        // About 10 articles per run: the runs are merged into one each time
        // MAX_RUNS of them exist.
        let mut spilled = OutletAccumulator::spilling_to(dir.path(), 2_500);
        let mut most = 0;
        for (o, s, m) in &arts {
            plain.add(o, s, m).unwrap();
            spilled.add(o, s, m).unwrap();
            most = most.max(spilled.runs());
        }
        assert_eq!(most, MAX_RUNS - 1);
        assert!(spilled.runs() > 10, "{} runs", spilled.runs());
        let mut rows = Vec::new();
        spilled
            .for_each_row(|r| {
                rows.push(r);
                Ok::<(), io::Error>(())
            })
            .unwrap();
        let want = plain.rows();
        assert_eq!(row_bits(&rows), row_bits(&want));
        assert!(want.iter().any(|r| r.story_id == "!early"));
        // The runs are unnamed temporary files: nothing is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn large_cells_summarised_alone_give_the_same_rows() {
        let arts = random_articles(4, 400);
        let (mut batched, mut alone) = (OutletAccumulator::new(), OutletAccumulator::new());
        // Every `*` cell and most story cells are "large" here.
        alone.large_cell = 10;
        for (o, s, m) in &arts {
            batched.add(o, s, m).unwrap();
            alone.add(o, s, m).unwrap();
        }
        assert_eq!(row_bits(&alone.rows()), row_bits(&batched.rows()));
    }

    #[test]
    fn short_and_long_metric_vectors_are_padded_and_cut() {
        let mut acc = OutletAccumulator::new();
        acc.add("Ledger", "s1", &[1.0]).unwrap();
        acc.add("Ledger", "s1", &vec![2.0; metric_count() + 5])
            .unwrap();
        let rows = acc.rows();
        assert_eq!(rows[0].metrics.len(), metric_count());
        assert_eq!(rows[0].metrics[0].mean, 1.5);
        assert_eq!(rows[0].metrics[1].mean, 2.0);
    }
}
