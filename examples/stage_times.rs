//! Time each pipeline stage, one thread, on a generated corpus:
//! `cargo run --release --example stage_times -- [ARTICLES]`.
//! A profiling aid for issue 6; `framelens bench` measures whole runs.

use framelens::compare::{self, CompareOptions};
use framelens::ingest::RawDoc;
use framelens::lexicon::Lexicons;
use framelens::model::{self, Model};
use framelens::report::exports::Exports;
use framelens::report::exports::WindowWriter;
use framelens::synth::{self, SynthOptions};
use framelens::{extract, features};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let so = SynthOptions {
        articles: n,
        seed: 42,
    };
    let docs: Vec<RawDoc> = synth::raw_docs(&so);
    let mb = docs.iter().map(|d| d.content.len()).sum::<usize>() as f64 / 1e6;
    let (lex, mdl) = (Lexicons::embedded(), Model::embedded());
    let report = |name: &str, t: Instant| {
        let s = t.elapsed().as_secs_f64();
        println!("{name:<10} {s:>7.3} s  {:>7.1} MB/s", mb / s);
    };
    println!("{n} articles, {mb:.1} MB of text");
    let t = Instant::now();
    let arts: Vec<_> = docs
        .into_iter()
        .map(|d| extract::extract(d).unwrap())
        .collect();
    report("extract", t);
    let t = Instant::now();
    let an: Vec<_> = arts
        .into_iter()
        .map(|a| features::analyze(a, lex))
        .collect();
    report("analyze", t);
    let t = Instant::now();
    let sc: Vec<_> = an.into_iter().map(|a| model::score(a, mdl)).collect();
    report("score", t);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let t = Instant::now();
    let cmp = pool.install(|| compare::compare_with(sc, &CompareOptions::default(), lex));
    report("compare", t);
    let dir = std::env::temp_dir().join("framelens-stage-times");
    let _ = std::fs::create_dir_all(&dir);
    let t = Instant::now();
    let mut ex = Exports::create(&dir).unwrap();
    pool.install(|| ex.write_window(&cmp, &[])).unwrap();
    ex.finish().unwrap();
    report("exports", t);
    let t = Instant::now();
    let mut cx = framelens::report::compare_csv::CompareExports::create(&dir).unwrap();
    pool.install(|| cx.write_window(&cmp, &[])).unwrap();
    cx.finish().unwrap();
    report("cmp-csv", t);
}
