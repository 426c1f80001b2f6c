//! `framelens bench`: throughput and peak memory of `analyze` on a
//! generated corpus.
//!
//! Takes: [`BenchOptions`] (corpus size, seed, thread counts, work folder,
//! and the path of the `framelens` binary to run).
//! Gives: one [`BenchRow`] per thread count, measured by running
//! `framelens analyze` as a child process on the corpus [`crate::synth`]
//! generates (so start-up, reading, writing every export and the
//! manifest are all included), and [`table`] to print them.
//!
//! Peak memory is the child's `VmHWM` (peak resident set size) from
//! `/proc/self/status`, which `analyze --stats-json` records at the end of
//! the run ([`RunStats`]). MB/s counts bytes of article text (the `text`
//! values), not JSON overhead.

use crate::synth::{self, SynthOptions, SynthStats};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of a benchmark run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub articles: usize,
    pub seed: u64,
    /// Work folder: the corpus and the run outputs go here.
    pub dir: PathBuf,
    /// Thread counts to measure (0 = all cores).
    pub threads: Vec<usize>,
    /// The `framelens` executable to run.
    pub exe: PathBuf,
    /// Runs per thread count; the fastest is reported.
    pub repeat: usize,
}

/// What `analyze --stats-json` records.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RunStats {
    pub threads: usize,
    pub articles: usize,
    pub errors: usize,
    pub windows: usize,
    pub text_bytes: u64,
    pub seconds: f64,
    /// Peak resident set size of the process, KiB (`VmHWM`); 0 if unknown.
    pub peak_rss_kb: u64,
    /// CPU time of the process (user + system, all threads), seconds.
    #[serde(default)]
    pub cpu_seconds: f64,
}

/// One measured configuration.
#[derive(Debug, Clone)]
pub struct BenchRow {
    pub threads: usize,
    pub articles: usize,
    pub text_bytes: u64,
    /// Wall-clock seconds of the whole child process.
    pub seconds: f64,
    /// CPU seconds of the child (user + system, all threads).
    pub cpu_seconds: f64,
    pub peak_rss_kb: u64,
}

impl BenchRow {
    pub fn mb_per_s(&self) -> f64 {
        self.text_bytes as f64 / 1e6 / self.seconds
    }
    pub fn articles_per_s(&self) -> f64 {
        self.articles as f64 / self.seconds
    }
}

/// Errors of a benchmark run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("framelens analyze with {threads} threads failed ({status}): {stderr}")]
    Child {
        threads: usize,
        status: String,
        stderr: String,
    },
    #[error("{path}: {reason}")]
    Stats { path: String, reason: String },
}

fn io(path: &Path, source: std::io::Error) -> BenchError {
    BenchError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Peak resident set size of this process in KiB (`VmHWM` from
/// `/proc/self/status`), or 0 where that is not available.
pub fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time (user + system, all threads) of this process so far, in
/// seconds, from `/proc/self/stat`; 0 where that is not available.
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name in parentheses: state is field 3,
    // utime 14 and stime 15 (in clock ticks, 100 per second on Linux).
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU seconds used so far by the calling thread (`/proc/thread-self/schedstat`,
/// nanosecond resolution); 0 if unknown. Steadier than wall time on a busy
/// machine, for the profiling examples and the ignored throughput tests.
pub fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|x| x.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1e9
}

/// Threads a setting stands for (0 = all cores).
pub fn effective_threads(t: usize) -> usize {
    if t == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        t
    }
}

/// Generate the corpus (if not already there) and return its path and stats.
pub fn corpus(opts: &BenchOptions) -> Result<(PathBuf, SynthStats), BenchError> {
    std::fs::create_dir_all(&opts.dir).map_err(|e| io(&opts.dir, e))?;
    let path = opts
        .dir
        .join(format!("synth-{}-{}.jsonl", opts.articles, opts.seed));
    let so = SynthOptions {
        articles: opts.articles,
        seed: opts.seed,
    };
    let tmp = path.with_extension("jsonl.partial");
    let f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
    let mut w = std::io::BufWriter::new(f);
    let st = synth::write_jsonl(&so, &mut w).map_err(|e| io(&tmp, e))?;
    drop(w);
    std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
    Ok((path, st))
}

/// Run the benchmark.
pub fn run(opts: &BenchOptions) -> Result<(SynthStats, Vec<BenchRow>), BenchError> {
    let (corpus, st) = corpus(opts)?;
    let mut rows = Vec::new();
    for &t in &opts.threads {
        let mut best: Option<BenchRow> = None;
        for rep in 0..opts.repeat.max(1) {
            let out = opts.dir.join(format!("run-t{t}"));
            let stats_path = opts.dir.join(format!("stats-t{t}-{rep}.json"));
            let started = Instant::now();
            let child = std::process::Command::new(&opts.exe)
                .arg("analyze")
                .arg(&corpus)
                .arg("--out")
                .arg(&out)
                .arg("--threads")
                .arg(t.to_string())
                .arg("--stats-json")
                .arg(&stats_path)
                .stdin(std::process::Stdio::null())
                .output()
                .map_err(|e| io(&opts.exe, e))?;
            let seconds = started.elapsed().as_secs_f64();
            if !matches!(child.status.code(), Some(0) | Some(3)) {
                return Err(BenchError::Child {
                    threads: t,
                    status: child.status.to_string(),
                    stderr: String::from_utf8_lossy(&child.stderr).into_owned(),
                });
            }
            let bytes = std::fs::read(&stats_path).map_err(|e| io(&stats_path, e))?;
            let rs: RunStats = serde_json::from_slice(&bytes).map_err(|e| BenchError::Stats {
                path: stats_path.display().to_string(),
                reason: e.to_string(),
            })?;
            let row = BenchRow {
                threads: effective_threads(t),
                articles: rs.articles,
                text_bytes: st.text_bytes,
                seconds,
                cpu_seconds: rs.cpu_seconds,
                peak_rss_kb: rs.peak_rss_kb,
            };
            if best.as_ref().map_or(true, |b| row.seconds < b.seconds) {
                best = Some(row);
            }
        }
        rows.extend(best);
    }
    Ok((st, rows))
}

/// The results as a Markdown table.
pub fn table(st: &SynthStats, rows: &[BenchRow]) -> String {
    let mut s = format!(
        "Corpus: {} synthetic articles, {:.1} MB of article text ({:.1} MB JSONL).\n\n",
        st.articles,
        st.text_bytes as f64 / 1e6,
        st.file_bytes as f64 / 1e6
    );
    s.push_str(
        "| threads | articles | wall s | CPU s | MB/s (article text) | articles/s | peak RSS (MB) |\n",
    );
    s.push_str("|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {:.2} | {:.2} | {:.1} | {:.0} | {:.0} |\n",
            r.threads,
            r.articles,
            r.seconds,
            r.cpu_seconds,
            r.mb_per_s(),
            r.articles_per_s(),
            r.peak_rss_kb as f64 / 1024.0
        ));
    }
    s
}
