//! The whole run, stage after stage, streaming.
//!
//! Takes: input paths and [`AnalyzeOptions`].
//! Gives: the output folder filled with exports and `manifest.json`, and a
//! [`RunSummary`] (articles written, inputs that failed) from which `main`
//! picks the exit code.
//!
//! # How a run streams
//!
//! The ingest iterator is read on its own thread and cut into *windows*:
//! consecutive inputs, at most [`AnalyzeOptions::window`] of them
//! (default [`DEFAULT_WINDOW`]) and at most
//! `window_bytes` of document text (default
//! [`DEFAULT_WINDOW_BYTES`]); the window closes at whichever comes first.
//! Each window is extracted, analysed and scored in parallel on a local
//! rayon pool of [`AnalyzeOptions::threads`] threads, compared (stories,
//! pairs, flags) as one group, written in input order, and dropped. Writing
//! a window overlaps with processing the next one (a processor thread hands
//! compared windows to the writing thread), but only with two or more
//! threads and while the two windows together hold at most a quarter of
//! `window_bytes` of text; otherwise the next window waits (the window
//! just written is freed while the next one starts). So at most one
//! window's worth of processed text is alive, plus
//! the raw text of at most two windows (one being read, one queued), and
//! memory is bounded whatever the corpus size.
//!
//! **Limit:** work that spans articles (story grouping, cross-outlet
//! comparison) only sees the articles of one window. Two articles about
//! the same event land in the same story only if they fall in the same
//! window; sort a corpus by date (or give a `story` column) for the best
//! grouping.
//!
//! # Shards
//!
//! `--shard i/n` keeps window `w` iff `w % n == i`. Windows are cut from the
//! whole input identically in every shard, so each shard's windows are
//! exactly the windows of an unsharded run, stories are never split by
//! sharding, and `framelens merge` restores the unsharded output byte for
//! byte from the window list each shard records in `manifest.json`. Every
//! shard still reads (parses) the whole input; it only skips the analysis
//! of windows it does not own.

use crate::compare::{self, CompareOptions, Comparison};
use crate::extract;
use crate::features;
use crate::ingest::{self, IngestItem, IngestOptions, InputError};
use crate::lexicon::{LexiconError, Lexicons};
use crate::merge::{Manifest, WindowEntry};
use crate::model::{self, Model, ModelError};
use crate::report::exports::{Exports, WindowWriter};
use crate::report::{self, ReportError};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Default number of inputs per window.
pub const DEFAULT_WINDOW: usize = 1024;
/// Default cap on the document text of one window, in bytes.
pub const DEFAULT_WINDOW_BYTES: usize = 16 << 20;
/// How many input errors [`RunSummary::errors`] keeps (all of them are
/// written to `errors.csv`; [`RunSummary::error_count`] counts them all).
pub const MAX_KEPT_ERRORS: usize = 1000;
/// Name of the run manifest written last into the output folder.
pub const MANIFEST: &str = "manifest.json";

/// Errors that stop a run (bad input files do not: they become `errors.csv` rows).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("cannot start {threads} worker threads: {reason}")]
    Threads { threads: usize, reason: String },
}

/// A fixed share of the input: windows `w` with `w % count == index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// 0-based shard number, `< count`.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl Shard {
    /// Does this shard process window `w`?
    pub fn owns(&self, window: usize) -> bool {
        window % self.count == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    /// Parse `i/n` with `0 <= i < n`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("shard `{s}` is not of the form i/n (e.g. 0/4)"))?;
        let index: usize = i
            .trim()
            .parse()
            .map_err(|_| format!("shard `{s}`: `{i}` is not a number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("shard `{s}`: `{n}` is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "shard `{s}`: need 0 <= i < n (shards are numbered from 0)"
            ));
        }
        Ok(Shard { index, count })
    }
}

/// Options of `framelens analyze`.
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    pub ingest: IngestOptions,
    pub out: PathBuf,
    pub lexicon_dir: Option<PathBuf>,
    pub model: Option<PathBuf>,
    pub compare: CompareOptions,
    /// Worker threads; 0 = all cores.
    pub threads: usize,
    /// Inputs per window; 0 = [`DEFAULT_WINDOW`].
    pub window: usize,
    /// Document bytes per window; 0 = [`DEFAULT_WINDOW_BYTES`].
    pub window_bytes: usize,
    /// The share of the input to process.
    pub shard: Shard,
    /// Draw a progress bar on stderr (only drawn if stderr is a terminal).
    pub progress: bool,
}

impl AnalyzeOptions {
    fn window_docs(&self) -> usize {
        if self.window == 0 {
            DEFAULT_WINDOW
        } else {
            self.window
        }
    }
    fn window_bytes(&self) -> usize {
        if self.window_bytes == 0 {
            DEFAULT_WINDOW_BYTES
        } else {
            self.window_bytes
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// Articles written.
    pub articles: usize,
    /// The first [`MAX_KEPT_ERRORS`] inputs that failed (all are in `errors.csv`).
    pub errors: Vec<InputError>,
    /// Inputs that failed, all of them.
    pub error_count: usize,
    /// Windows this run processed.
    pub windows: usize,
    /// Windows in the whole input (all shards).
    pub windows_total: usize,
    /// Bytes of document text (decoded page or corpus cell) processed.
    pub text_bytes: u64,
}

/// One window of inputs, as cut by the reader thread.
struct Window {
    index: usize,
    items: Vec<IngestItem>,
    bytes: u64,
}

/// One window, processed and compared, on its way to the writers.
struct Processed {
    index: usize,
    first_seq: Option<usize>,
    inputs: usize,
    bytes: u64,
    cmp: Comparison,
    errors: Vec<InputError>,
}

/// Process one input: extract, analyse, score. A panic in any stage is
/// caught and reported as an error row for this input, so one bad input
/// never takes the run down.
fn process(item: IngestItem, lex: &Lexicons, mdl: &Model) -> Result<model::Scored, InputError> {
    let raw = item?;
    let (seq, source) = (raw.seq, raw.source.clone());
    let run = std::panic::AssertUnwindSafe(move || {
        let article = extract::extract(raw)?;
        Ok(model::score(features::analyze(article, lex), mdl))
    });
    match std::panic::catch_unwind(run) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(InputError {
                seq,
                source,
                reason: format!(
                    "internal error while analysing this input: {msg} (please report it)"
                ),
            })
        }
    }
}

fn progress_bar(enabled: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(4),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {elapsed_precise} {human_pos} inputs: {msg}",
    ) {
        pb.set_style(style);
    }
    pb
}

/// Options of `framelens report`: the analysis options plus the report's own.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    pub analyze: AnalyzeOptions,
    pub html: report::html::HtmlOptions,
}

/// Inputs a report compares together (one window): the HTML report shows
/// the articles of the first window (a page a person can read, drawn in
/// bounded time), the exports cover every input.
pub const REPORT_WINDOW: usize = 200;

/// Run the analysis exactly as [`run_analyze`] does (every export), then
/// write `report.html` (and `worksheet.html` when asked) plus the charts
/// from the run's comparison, with [`report::html::write_report`]. The
/// sentence threshold shown in the report and the notes on how the model
/// was made are the model's (`Model::threshold`, `ModelInfo::notes`).
pub fn run_report(inputs: &[PathBuf], opts: &ReportOptions) -> Result<RunSummary, PipelineError> {
    let mut a = opts.analyze.clone();
    if a.window == 0 || a.window == DEFAULT_WINDOW {
        a.window = REPORT_WINDOW;
    }
    if a.window_bytes == 0 {
        a.window_bytes = 16 * DEFAULT_WINDOW_BYTES;
    }
    let mut first: Option<Comparison> = None;
    let mut omitted = 0;
    let summary = run_analyze_with(inputs, &a, &mut |cmp| {
        match first {
            None => first = Some(cmp.clone()),
            Some(_) => omitted += cmp.articles.len(),
        }
        Ok(())
    })?;
    let cmp = first.unwrap_or_else(|| compare::compare(Vec::new(), &a.compare));
    // The decision threshold, and how it was chosen, come from the model.
    let owned_model;
    let mdl: &Model = match &a.model {
        Some(p) => {
            owned_model = Model::load(p)?;
            &owned_model
        }
        None => Model::embedded(),
    };
    let html = report::html::HtmlOptions {
        omitted,
        threshold: mdl.threshold,
        threshold_note: format!(
            "{:.2} is the model's own threshold, the one it was evaluated with; it was not tuned to these articles.",
            mdl.threshold
        ),
        model_notes: mdl.info.notes.trim().to_string(),
        ..opts.html.clone()
    };
    report::html::write_report(&a.out, &cmp, &summary.errors, &html)?;
    Ok(summary)
}

/// Run ingest → extract → analyze → score → compare → exports. See the
/// module docs for how it streams.
pub fn run_analyze(inputs: &[PathBuf], opts: &AnalyzeOptions) -> Result<RunSummary, PipelineError> {
    run_analyze_with(inputs, opts, &mut |_| Ok(()))
}

/// [`run_analyze`], calling `on_window` with each window's comparison after
/// its rows are written (for reports that need to see every article).
pub fn run_analyze_with(
    inputs: &[PathBuf],
    opts: &AnalyzeOptions,
    on_window: &mut dyn FnMut(&Comparison) -> Result<(), PipelineError>,
) -> Result<RunSummary, PipelineError> {
    // The reader starts first: it parses the first window while the
    // lexicons and the model are built.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Window>(1);
    let reader = spawn_reader(inputs, opts, tx)?;
    // `rx` goes into `run_windows`: whatever way it returns, the reader
    // then stops at its next send, so joining it cannot hang.
    let ran = run_windows(inputs, opts, rx, on_window);
    let total = reader
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p));
    let (mut summary, mut manifest, writers) = ran?;
    summary.windows_total = total;

    // The windows are freed: their fragments go back to the system before
    // `outlets.csv` is computed (nothing is faulted in again after this).
    trim_heap_above(0);
    // Each writer publishes its files on its own thread: one's waits for
    // the disk overlap with the others' (and with the outlets.csv bootstrap).
    let finished: Vec<Result<(), ReportError>> = std::thread::scope(|s| {
        let jobs: Vec<_> = writers
            .into_iter()
            .map(|wr| s.spawn(move || wr.finish()))
            .collect();
        jobs.into_iter()
            .map(|j| j.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for r in finished {
        r?;
    }
    manifest.windows_total = summary.windows_total;
    manifest.write(&opts.out.join(MANIFEST))?;
    Ok(summary)
}

/// Start the reader thread: it cuts the input into windows and sends the
/// ones this shard owns; it returns the number of windows in the whole
/// input (all shards), or stops early when the receiver is gone.
fn spawn_reader(
    inputs: &[PathBuf],
    opts: &AnalyzeOptions,
    tx: std::sync::mpsc::SyncSender<Window>,
) -> Result<std::thread::JoinHandle<usize>, PipelineError> {
    let ingest_opts = opts.ingest.clone();
    let inputs = inputs.to_vec();
    let (max_docs, max_bytes, shard) = (opts.window_docs(), opts.window_bytes() as u64, opts.shard);
    let read = move || -> usize {
        let mut index = 0;
        let mut items = Vec::new();
        let mut bytes = 0u64;
        let send = |index: usize, items: Vec<IngestItem>, bytes: u64| -> bool {
            !shard.owns(index)
                || tx
                    .send(Window {
                        index,
                        items,
                        bytes,
                    })
                    .is_ok()
        };
        for item in ingest::ingest(&inputs, &ingest_opts) {
            if let Ok(doc) = &item {
                bytes += doc.content.len() as u64;
            }
            items.push(item);
            if items.len() >= max_docs || bytes >= max_bytes {
                if !send(index, std::mem::take(&mut items), bytes) {
                    return index;
                }
                index += 1;
                bytes = 0;
            }
        }
        if !items.is_empty() {
            send(index, items, bytes);
            index += 1;
        }
        index
    };
    std::thread::Builder::new()
        .name("framelens-read".into())
        .spawn(read)
        .map_err(|e| PipelineError::Threads {
            threads: 1,
            reason: e.to_string(),
        })
}

/// The writers of a run, the manifest so far and the summary (without
/// [`RunSummary::windows_total`], which the reader knows).
type Ran = (RunSummary, Manifest, Vec<Box<dyn WindowWriter>>);

/// Process and write every window `rx` delivers; leave the writers
/// unfinished.
fn run_windows(
    inputs: &[PathBuf],
    opts: &AnalyzeOptions,
    rx: std::sync::mpsc::Receiver<Window>,
    on_window: &mut dyn FnMut(&Comparison) -> Result<(), PipelineError>,
) -> Result<Ran, PipelineError> {
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .thread_name(|i| format!("framelens-{i}"))
        .build()
        .map_err(|e| PipelineError::Threads {
            threads: opts.threads,
            reason: e.to_string(),
        })?;

    // A manifest from an earlier run must not vouch for this one until it
    // is complete.
    let manifest_path = opts.out.join(MANIFEST);
    std::fs::create_dir_all(&opts.out).map_err(|e| report::atomic::io_err(&opts.out, e))?;
    match std::fs::remove_file(&manifest_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(report::atomic::io_err(&manifest_path, e).into())
        }
        _ => {}
    }

    let mut writers: Vec<Box<dyn WindowWriter>> = vec![
        Box::new(Exports::create(&opts.out)?),
        Box::new(report::compare_csv::CompareExports::create(&opts.out)?),
    ];
    // Further per-window exports (e.g. the compare tables) are pushed here.

    let mut manifest = Manifest {
        framelens: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: crate::schema::SCHEMA_VERSION,
        inputs: inputs.iter().map(|p| p.display().to_string()).collect(),
        shard: opts.shard,
        window_docs: opts.window_docs(),
        window_bytes: opts.window_bytes(),
        windows_total: 0,
        windows: Vec::new(),
    };
    let mut summary = RunSummary::default();
    let pb = progress_bar(opts.progress);

    std::thread::scope(|scope| -> Result<(), PipelineError> {
        // Processor: extract, analyse, score and compare each window on the
        // pool, then hand it to this thread, which writes it while the
        // processor goes on with the next window.
        // Memory stays bounded: a window is processed while the previous
        // one is still being written only if the two hold at most a quarter
        // of `window_bytes` of text together. Measured on the synthetic
        // corpus (12,000 articles, 2 threads), overlapping windows of 3.6 MB
        // gained nothing measurable (12.5 s vs 12.7 s) and raised peak
        // memory from 244 to 328 MB, so only small windows (short articles)
        // overlap. With one worker thread there is nothing to overlap with:
        // the windows then go strictly one after the other.
        let overlap_bytes = if pool.current_num_threads() > 1 {
            opts.window_bytes() as u64 / 4
        } else {
            0
        };
        let (ptx, prx) = std::sync::mpsc::sync_channel::<Processed>(0);
        let (ack_tx, ack_rx) = std::sync::mpsc::channel::<()>();
        let pool = &pool;
        let compare_opts = &opts.compare;
        let processor = scope.spawn(move || {
            // Text bytes of the windows handed over and not yet written.
            let mut unwritten: std::collections::VecDeque<u64> = Default::default();
            'windows: for w in rx.iter() {
                while ack_rx.try_recv().is_ok() {
                    unwritten.pop_front();
                }
                while !unwritten.is_empty()
                    && unwritten.iter().sum::<u64>() + w.bytes > overlap_bytes
                {
                    if ack_rx.recv().is_err() {
                        break 'windows;
                    }
                    unwritten.pop_front();
                }
                let n_items = w.items.len();
                let first_seq = w.items.first().map(|i| match i {
                    Ok(d) => d.seq,
                    Err(e) => e.seq,
                });
                let results: Vec<Result<model::Scored, InputError>> = pool.install(|| {
                    w.items
                        .into_par_iter()
                        .map(|item| process(item, lex, mdl))
                        .collect()
                });
                let mut scored = Vec::with_capacity(results.len());
                let mut errors = Vec::new();
                for r in results {
                    match r {
                        Ok(s) => scored.push(s),
                        Err(e) => errors.push(e),
                    }
                }
                let cmp = pool.install(|| compare::compare_with(scored, compare_opts, lex));
                let done = Processed {
                    index: w.index,
                    first_seq,
                    inputs: n_items,
                    bytes: w.bytes,
                    cmp,
                    errors,
                };
                let bytes = done.bytes;
                if ptx.send(done).is_err() {
                    break;
                }
                unwritten.push_back(bytes);
            }
            // Dropping `rx` here stops the reader at its next send.
        });

        let mut result = Ok(());
        for w in prx.iter() {
            let (cmp, errors, n_items) = (w.cmp, w.errors, w.inputs);
            let step = (|| -> Result<(), PipelineError> {
                // The writers write their own files, all at the same time.
                let counts: Vec<_> = pool.install(|| {
                    writers
                        .par_iter_mut()
                        .map(|wr| wr.write_window(&cmp, &errors))
                        .collect()
                });
                let mut rows = BTreeMap::new();
                for c in counts {
                    rows.extend(c?);
                }
                on_window(&cmp)?;
                manifest.windows.push(WindowEntry {
                    index: w.index,
                    first_seq: w.first_seq.unwrap_or(0),
                    inputs: n_items,
                    rows,
                });
                Ok(())
            })();
            if let Err(e) = step {
                result = Err(e);
                break;
            }
            summary.articles += cmp.articles.len();
            // The window is written: let the processor know, then free it
            // here while the processor starts on the next window (freeing a
            // window's many small allocations takes a while; its text is no
            // longer needed, and the next window's grows only gradually).
            let _ = ack_tx.send(());
            drop(cmp);
            trim_heap_above(TRIM_ABOVE_BYTES);
            summary.error_count += errors.len();
            let room = MAX_KEPT_ERRORS.saturating_sub(summary.errors.len());
            summary.errors.extend(errors.into_iter().take(room));
            summary.windows += 1;
            summary.text_bytes += w.bytes;
            pb.inc(n_items as u64);
            let mb = summary.text_bytes as f64 / 1e6;
            pb.set_message(format!(
                "{} articles, {} failed, {:.1} MB of text ({:.1} MB/s)",
                summary.articles,
                summary.error_count,
                mb,
                mb / pb.elapsed().as_secs_f64().max(1e-3)
            ));
        }
        // On error, dropping the receivers stops the processor at its next
        // send (or wait), and the processor stops the reader.
        drop(prx);
        drop(ack_tx);
        processor
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        result
    })?;
    pb.finish_and_clear();
    Ok((summary, manifest, writers))
}

/// Resident size above which [`trim_heap_above`] hands free memory back.
const TRIM_ABOVE_BYTES: u64 = 192 << 20;

/// Hand the allocator's free pages back to the system when the process's
/// resident size is above `limit` (glibc on Linux; elsewhere nothing).
///
/// glibc keeps freed memory in per-thread arenas, and a window's many small
/// allocations leave them fragmented, so the resident size crept up over a
/// long run (252 MB at 100,000 synthetic articles). Trimming after every
/// window kept it lower (187 → 169 MB at 10,000 articles) but cost about
/// 4% more CPU: the pages handed back are faulted in again by the next
/// window (32,000 more page faults for 3,000 articles). So it trims only
/// past `limit`, which short runs never reach.
fn trim_heap_above(limit: u64) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // statm's second field is the resident size in pages.
        let resident = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok());
        // SAFETY: `sysconf` and `malloc_trim` have no preconditions; the
        // latter only reads and releases the allocator's own free memory.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if let Some(pages) = resident {
            if pages.saturating_mul(page.max(0) as u64) > limit {
                unsafe {
                    libc::malloc_trim(0);
                }
            }
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = limit;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_bar_is_hidden_unless_asked_and_on_a_terminal() {
        use std::io::IsTerminal;
        assert!(progress_bar(false).is_hidden());
        if !std::io::stderr().is_terminal() {
            assert!(progress_bar(true).is_hidden());
        }
    }

    #[test]
    fn windows_are_cut_the_same_way_whatever_the_shard() {
        let shards: Vec<Shard> = (0..3).map(|index| Shard { index, count: 3 }).collect();
        for w in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.owns(w)).count(), 1);
        }
        assert!(Shard::default().owns(7));
    }
}
