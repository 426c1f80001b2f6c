//! Time the compare stage alone (best of several runs) on a generated
//! corpus, at 1 and 2 threads:
//! `cargo run --release --example compare_times -- [ARTICLES] [RUNS] [THREADS,..]`.
//! A profiling aid for the cross-article work of issue 6.

use framelens::bench::cpu_seconds;
use framelens::compare::{self, CompareOptions};
use framelens::ingest::RawDoc;
use framelens::lexicon::Lexicons;
use framelens::model::{self, Model};
use framelens::synth::{self, SynthOptions};
use framelens::{extract, features};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let threads: Vec<usize> = args
        .next()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2]);
    let so = SynthOptions {
        articles: n,
        seed: 42,
    };
    let docs: Vec<RawDoc> = synth::raw_docs(&so);
    let (lex, mdl) = (Lexicons::embedded(), Model::embedded());
    let sc: Vec<_> = docs
        .into_iter()
        .map(|d| model::score(features::analyze(extract::extract(d).unwrap(), lex), mdl))
        .collect();
    for threads in threads {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let (mut best, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..runs {
            let input = sc.clone();
            let (t, c) = (Instant::now(), cpu_seconds());
            let cmp =
                pool.install(|| compare::compare_with(input, &CompareOptions::default(), lex));
            best = best.min(t.elapsed().as_secs_f64());
            best_cpu = best_cpu.min(cpu_seconds() - c);
            drop(cmp);
        }
        println!(
            "{n} articles, {threads} thread(s): compare best of {runs}: {best:.3} s wall, {best_cpu:.3} s cpu"
        );
    }
}
