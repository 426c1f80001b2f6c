//! Helpers shared by the `hostile_*` integration tests (issue 7): running the
//! real binary, reading its exports back, and generating hostile inputs.
//!
//! Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Exit codes documented in `src/main.rs` (and `docs/SECURITY.md`).
pub const EXIT_OK: i32 = 0;
pub const EXIT_FATAL: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_PARTIAL: i32 = 3;

/// The built `framelens` binary.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_framelens")
}

/// A command running the binary with `args` in `cwd`.
pub fn command(args: &[&str], cwd: &Path) -> Command {
    let mut c = Command::new(bin());
    c.args(args).current_dir(cwd);
    c
}

/// Run the binary with `args` in `cwd`, no stdin.
pub fn run(args: &[&str], cwd: &Path) -> Output {
    command(args, cwd)
        .stdin(Stdio::null())
        .output()
        .expect("run framelens")
}

/// Run `framelens analyze INPUTS --out OUT --quiet` in `cwd`.
pub fn analyze(inputs: &[&str], out: &str, cwd: &Path) -> Output {
    let mut args = vec!["analyze"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["--out", out, "--quiet"]);
    run(&args, cwd)
}

/// The exit code; panics with stderr when the process was killed by a
/// signal (a stack overflow or abort shows up here).
pub fn code(o: &Output) -> i32 {
    match o.status.code() {
        Some(c) => c,
        None => panic!(
            "framelens was killed by a signal ({:?}); stderr:\n{}",
            o.status,
            stderr(o)
        ),
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A CSV export read back: header and rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Index of a column, panicking with the header when absent.
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// All values of a column.
    pub fn column(&self, name: &str) -> Vec<String> {
        let i = self.col(name);
        self.rows.iter().map(|r| r[i].clone()).collect()
    }
}

/// Read a CSV export strictly (every record must have the header's width).
pub fn read_csv(path: &Path) -> Table {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let header = r
        .headers()
        .unwrap_or_else(|e| panic!("header of {}: {e}", path.display()))
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|rec| {
            rec.unwrap_or_else(|e| panic!("record of {}: {e}", path.display()))
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    Table { header, rows }
}

/// Read a JSONL export: one JSON object per line.
pub fn read_jsonl(path: &Path) -> Vec<serde_json::Value> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}: {l}", path.display())))
        .collect()
}

/// Names of the entries of a folder.
pub fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Every file under `dir` (recursively), relative, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A small, deterministic pseudo-random byte generator (xorshift64*), so
/// generated inputs are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

/// A short, article-like text written for these tests (fictional).
pub const ARTICLE: &str = "The harbour board of Port Wenlow approved the new ferry timetable on Tuesday after two days of talks.\n\n\
\u{201c}We can start in May,\u{201d} board chair Ilse Marrow said. Critics claimed the plan was rushed.\n\n\
According to a senior official, the change could reportedly cost more than expected.";

/// JSON-escape a string (for writing JSONL inputs by hand).
pub fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

pub mod html_check;
pub mod invariants;
