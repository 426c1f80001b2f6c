//! Combining the outputs of several runs (`framelens merge`).
//!
//! Takes: output folders of finished `analyze` runs, each with its
//! [`Manifest`] (`manifest.json`, written last by every run).
//! Gives: one output folder with every CSV and JSONL export combined, and a
//! manifest for it.
//!
//! Two cases are accepted:
//!
//! * **The shards of one run** (`--shard 0/n` ... `--shard n-1/n` over the same
//!   inputs with the same window settings): windows are put back in input
//!   order using the per-window row counts of each manifest, so the result
//!   is byte for byte what one unsharded run writes.
//! * **Independent unsharded runs** (for example one per Spark partition or
//!   per input file): their rows are concatenated in the order the folders
//!   are given.
//!
//! Anything else (a missing or duplicate shard, shards of different inputs
//! or settings, a CSV header that differs between folders) is an error that
//! names the folder and file. Files other than `*.csv` and `*.jsonl` (HTML
//! reports, charts) are not merged; they are listed in
//! [`MergeSummary::skipped`].

use crate::pipeline::{Shard, MANIFEST};
use crate::report::atomic::{self, AtomicFile};
use crate::report::exports::CsvOut;
use crate::report::ReportError;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// The record of a finished run, written last into its output folder
/// (`manifest.json`). Its presence means every export of the run is
/// complete.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// framelens version that wrote the run.
    pub framelens: String,
    /// Feature schema version of the exports.
    pub schema_version: u32,
    /// The inputs as given on the command line.
    pub inputs: Vec<String>,
    /// The share of the input this run processed.
    pub shard: Shard,
    /// Window settings: inputs per window.
    pub window_docs: usize,
    /// Window settings: document bytes per window.
    pub window_bytes: usize,
    /// Windows in the whole input (all shards).
    pub windows_total: usize,
    /// The windows this run processed, in order.
    pub windows: Vec<WindowEntry>,
}

/// One processed window.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WindowEntry {
    /// Window number in the whole input, from 0.
    pub index: usize,
    /// Input sequence number of its first input.
    pub first_seq: usize,
    /// Inputs in the window (articles and failures).
    pub inputs: usize,
    /// Rows written per export file for this window.
    pub rows: BTreeMap<String, u64>,
}

impl Manifest {
    /// Read `manifest.json` of a run folder.
    pub fn read(dir: &Path) -> Result<Manifest, MergeError> {
        let path = dir.join(MANIFEST);
        let bytes = std::fs::read(&path).map_err(|e| MergeError::Manifest {
            path: path.display().to_string(),
            reason: if e.kind() == std::io::ErrorKind::NotFound {
                "missing: not the output of a finished framelens run (was it killed?)".into()
            } else {
                e.to_string()
            },
        })?;
        serde_json::from_slice(&bytes).map_err(|e| MergeError::Manifest {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// Write the manifest atomically (pretty JSON, trailing newline).
    pub fn write(&self, path: &Path) -> Result<(), ReportError> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| ReportError::Other {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        bytes.push(b'\n');
        atomic::write_file(path, &bytes)
    }
}

/// Errors of `merge`.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{path}: {reason}")]
    Manifest { path: String, reason: String },
    #[error("{0}")]
    Mismatch(String),
    #[error("{path}: {reason}")]
    Read { path: String, reason: String },
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// How the folders were combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeMode {
    /// The shards of one run, interleaved back into input order.
    Shards,
    /// Independent runs, concatenated in the order given.
    Concatenated,
}

/// What a merge did.
#[derive(Debug, Clone)]
pub struct MergeSummary {
    pub mode: MergeMode,
    /// Files merged, sorted.
    pub files: Vec<String>,
    /// Files present in the inputs that were not merged (not CSV/JSONL).
    pub skipped: Vec<String>,
    /// Files whose windows could not be ordered (a writer recorded no row
    /// counts): concatenated in folder order instead.
    pub unordered: Vec<String>,
    /// Data rows of `articles.csv`.
    pub articles: u64,
    /// Data rows of `errors.csv`.
    pub errors: u64,
}

fn read_err(path: &Path, e: impl std::fmt::Display) -> MergeError {
    MergeError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// One source of rows: a file in one input folder.
enum Rows {
    Csv(::csv::Reader<std::io::BufReader<std::fs::File>>),
    Lines(std::io::BufReader<std::fs::File>),
}

/// Merge run folders `dirs` into `out`. See the module docs.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<MergeSummary, MergeError> {
    if dirs.is_empty() {
        return Err(MergeError::Mismatch("no folders to merge".into()));
    }
    let canon_out = std::fs::canonicalize(out).ok();
    for d in dirs {
        if canon_out.is_some() && std::fs::canonicalize(d).ok() == canon_out {
            return Err(MergeError::Mismatch(format!(
                "the output folder {} is also an input; merge into a new folder",
                out.display()
            )));
        }
    }
    let manifests: Vec<Manifest> = dirs
        .iter()
        .map(|d| Manifest::read(d))
        .collect::<Result<_, _>>()?;
    let (mode, order, merged_manifest) = plan(dirs, &manifests)?;

    // The files to merge: every *.csv / *.jsonl, present in every folder.
    let mut files: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped = std::collections::BTreeSet::new();
    for d in dirs {
        let rd = std::fs::read_dir(d).map_err(|e| read_err(d, e))?;
        for ent in rd {
            let ent = ent.map_err(|e| read_err(d, e))?;
            if !ent.file_type().map(|t| t.is_file()).unwrap_or(false) {
                continue;
            }
            let name = ent.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == MANIFEST {
                continue;
            }
            if name.ends_with(".csv") || name.ends_with(".jsonl") {
                *files.entry(name).or_default() += 1;
            } else {
                skipped.insert(name);
            }
        }
    }
    for (name, n) in &files {
        if *n != dirs.len() {
            let missing: Vec<String> = dirs
                .iter()
                .filter(|d| !d.join(name).is_file())
                .map(|d| d.display().to_string())
                .collect();
            return Err(MergeError::Mismatch(format!(
                "{name} is missing from {} (the runs did not write the same exports)",
                missing.join(", ")
            )));
        }
    }

    std::fs::create_dir_all(out).map_err(|e| read_err(out, e))?;
    // No stale manifest may vouch for a half-merged folder.
    let _ = std::fs::remove_file(out.join(MANIFEST));

    let mut summary = MergeSummary {
        mode,
        files: files.keys().cloned().collect(),
        skipped: skipped.into_iter().collect(),
        unordered: Vec::new(),
        articles: 0,
        errors: 0,
    };
    let mut finished: Vec<Box<dyn FnOnce() -> Result<(), ReportError>>> = Vec::new();
    for name in files.keys() {
        if name == crate::report::compare_csv::OUTLETS_FILE {
            // Per-outlet statistics over all articles: rebuilt, not concatenated.
            let arts: Vec<PathBuf> = dirs.iter().map(|d| d.join("articles.csv")).collect();
            let w = crate::report::compare_csv::outlets_from_articles(&arts, &out.join(name))?;
            finished.push(Box::new(move || w.finish()));
            continue;
        }
        let ordered = order.iter().all(|(_, w)| w.rows.contains_key(name));
        if !ordered {
            summary.unordered.push(name.clone());
        }
        let rows = if name.ends_with(".csv") {
            let (csv_out, rows) = merge_csv(dirs, name, out, &order, ordered)?;
            finished.push(Box::new(move || csv_out.finish()));
            rows
        } else {
            let (f, rows) = merge_lines(dirs, name, out, &order, ordered)?;
            finished.push(Box::new(move || f.commit()));
            rows
        };
        match name.as_str() {
            "articles.csv" => summary.articles = rows,
            "errors.csv" => summary.errors = rows,
            _ => {}
        }
    }
    for f in finished {
        f()?;
    }
    merged_manifest.write(&out.join(MANIFEST))?;
    Ok(summary)
}

/// Decide the mode and the global window order: `(folder index, window)`.
type Plan = (MergeMode, Vec<(usize, WindowEntry)>, Manifest);

fn plan(dirs: &[PathBuf], ms: &[Manifest]) -> Result<Plan, MergeError> {
    let first = &ms[0];
    for (d, m) in dirs.iter().zip(ms) {
        if m.schema_version != first.schema_version {
            return Err(MergeError::Mismatch(format!(
                "{} was written with feature schema v{}, {} with v{}: re-run them with one framelens",
                d.display(),
                m.schema_version,
                dirs[0].display(),
                first.schema_version
            )));
        }
    }
    if ms.iter().all(|m| m.shard.count == 1) {
        // Independent runs: concatenate in the order given.
        let mut order = Vec::new();
        let mut manifest = first.clone();
        manifest.inputs.clear();
        manifest.windows.clear();
        manifest.windows_total = 0;
        for (i, m) in ms.iter().enumerate() {
            let offset = manifest.windows_total;
            let seq_offset = manifest
                .windows
                .last()
                .map(|w| w.first_seq + w.inputs)
                .unwrap_or(0);
            for w in &m.windows {
                order.push((i, w.clone()));
                let mut w = w.clone();
                w.index += offset;
                w.first_seq += seq_offset;
                manifest.windows.push(w);
            }
            manifest.windows_total += m.windows_total;
            manifest.inputs.extend(m.inputs.iter().cloned());
        }
        let mode = if ms.len() == 1 {
            MergeMode::Shards
        } else {
            MergeMode::Concatenated
        };
        return Ok((mode, order, manifest));
    }

    // Shards of one run.
    let n = first.shard.count;
    let mut seen = vec![None; n];
    for (i, (d, m)) in dirs.iter().zip(ms).enumerate() {
        let same = m.shard.count == n
            && m.inputs == first.inputs
            && m.window_docs == first.window_docs
            && m.window_bytes == first.window_bytes
            && m.windows_total == first.windows_total
            && m.framelens == first.framelens;
        if !same {
            return Err(MergeError::Mismatch(format!(
                "{} and {} are not shards of the same run (shard count, inputs, window settings or framelens version differ)",
                dirs[0].display(),
                d.display()
            )));
        }
        if let Some(j) = seen[m.shard.index].replace(i) {
            return Err(MergeError::Mismatch(format!(
                "{} and {} are both shard {}",
                dirs[j].display(),
                d.display(),
                m.shard
            )));
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Mismatch(format!(
            "shard(s) {} missing: give the output folders of all {n} shards",
            missing.join(", ")
        )));
    }
    let mut order: Vec<(usize, WindowEntry)> = ms
        .iter()
        .enumerate()
        .flat_map(|(i, m)| m.windows.iter().map(move |w| (i, w.clone())))
        .collect();
    order.sort_by_key(|(_, w)| w.index);
    let complete = order.len() == first.windows_total
        && order.iter().enumerate().all(|(k, (_, w))| w.index == k);
    if !complete {
        return Err(MergeError::Mismatch(format!(
            "the shards hold {} windows but the input has {}: a shard run is incomplete",
            order.len(),
            first.windows_total
        )));
    }
    let mut manifest = first.clone();
    manifest.shard = Shard::default();
    manifest.windows = order.iter().map(|(_, w)| w.clone()).collect();
    Ok((MergeMode::Shards, order, manifest))
}

fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>, MergeError> {
    std::fs::File::open(path)
        .map(|f| std::io::BufReader::with_capacity(1 << 16, f))
        .map_err(|e| read_err(path, e))
}

fn merge_csv(
    dirs: &[PathBuf],
    name: &str,
    out: &Path,
    order: &[(usize, WindowEntry)],
    ordered: bool,
) -> Result<(CsvOut, u64), MergeError> {
    let mut readers = Vec::new();
    let mut header: Option<::csv::ByteRecord> = None;
    for d in dirs {
        let path = d.join(name);
        let mut r = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(open(&path)?);
        let mut h = ::csv::ByteRecord::new();
        if !r.read_byte_record(&mut h).map_err(|e| read_err(&path, e))? {
            return Err(read_err(&path, "empty file: no CSV header"));
        }
        match &header {
            None => header = Some(h),
            Some(h0) if *h0 != h => {
                return Err(MergeError::Mismatch(format!(
                    "{name}: the CSV header in {} differs from the one in {}",
                    d.display(),
                    dirs[0].display()
                )))
            }
            Some(_) => {}
        }
        readers.push(Rows::Csv(r));
    }
    let header = header.expect("at least one folder");
    let names: Vec<String> = header
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let mut w = CsvOut::create(&out.join(name), &names)?;
    let mut rec = ::csv::ByteRecord::new();
    let mut copy = |src: usize, limit: Option<u64>, w: &mut CsvOut| -> Result<(), MergeError> {
        let path = dirs[src].join(name);
        let Rows::Csv(r) = &mut readers[src] else {
            unreachable!()
        };
        let mut n = 0;
        while limit.map_or(true, |l| n < l) {
            if !r
                .read_byte_record(&mut rec)
                .map_err(|e| read_err(&path, e))?
            {
                if limit.is_some() {
                    return Err(read_err(&path, "fewer rows than its manifest.json records"));
                }
                break;
            }
            w.raw_record(&rec)?;
            n += 1;
        }
        Ok(())
    };
    if ordered {
        for (src, win) in order {
            copy(*src, Some(win.rows[name]), &mut w)?;
        }
        for (src, d) in dirs.iter().enumerate() {
            let Rows::Csv(r) = &mut readers[src] else {
                unreachable!()
            };
            if r.read_byte_record(&mut rec)
                .map_err(|e| read_err(&d.join(name), e))?
            {
                return Err(read_err(
                    &d.join(name),
                    "more rows than its manifest.json records",
                ));
            }
        }
    } else {
        for src in 0..dirs.len() {
            copy(src, None, &mut w)?;
        }
    }
    let rows = w.rows();
    Ok((w, rows))
}

fn merge_lines(
    dirs: &[PathBuf],
    name: &str,
    out: &Path,
    order: &[(usize, WindowEntry)],
    ordered: bool,
) -> Result<(AtomicFile, u64), MergeError> {
    let mut readers: Vec<Rows> = dirs
        .iter()
        .map(|d| open(&d.join(name)).map(Rows::Lines))
        .collect::<Result<_, _>>()?;
    let dest = out.join(name);
    let mut f = AtomicFile::create(&dest)?;
    let mut line = Vec::new();
    let mut total = 0u64;
    let mut copy =
        |src: usize, limit: Option<u64>, f: &mut AtomicFile| -> Result<u64, MergeError> {
            let path = dirs[src].join(name);
            let Rows::Lines(r) = &mut readers[src] else {
                unreachable!()
            };
            let mut n = 0;
            while limit.map_or(true, |l| n < l) {
                line.clear();
                if r.read_until(b'\n', &mut line)
                    .map_err(|e| read_err(&path, e))?
                    == 0
                {
                    if limit.is_some() {
                        return Err(read_err(
                            &path,
                            "fewer lines than its manifest.json records",
                        ));
                    }
                    break;
                }
                if !line.ends_with(b"\n") {
                    line.push(b'\n');
                }
                f.write_all(&line).map_err(|e| read_err(&dest, e))?;
                n += 1;
            }
            Ok(n)
        };
    if ordered {
        for (src, win) in order {
            total += copy(*src, Some(win.rows[name]), &mut f)?;
        }
        for (src, d) in dirs.iter().enumerate() {
            let Rows::Lines(r) = &mut readers[src] else {
                unreachable!()
            };
            if !r
                .fill_buf()
                .map_err(|e| read_err(&d.join(name), e))?
                .is_empty()
            {
                return Err(read_err(
                    &d.join(name),
                    "more lines than its manifest.json records",
                ));
            }
        }
    } else {
        for src in 0..dirs.len() {
            total += copy(src, None, &mut f)?;
        }
    }
    Ok((f, total))
}
