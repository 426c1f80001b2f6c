//! Time the comparison stage's per-article digest alone, one thread, on a
//! generated corpus: `cargo run --release --example digest_times -- [ARTICLES] [ROUNDS]`.
//! A profiling aid for issue 6 (see `stage_times` for every stage).

use framelens::compare;
use framelens::lexicon::Lexicons;
use framelens::model::{self, Model};
use framelens::synth::{self, SynthOptions};
use framelens::{extract, features};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1).map(|s| s.parse().ok());
    let n: usize = args.next().flatten().unwrap_or(1000);
    let rounds: usize = args.next().flatten().unwrap_or(5);
    let so = SynthOptions {
        articles: n,
        seed: 42,
    };
    let (lex, mdl) = (Lexicons::embedded(), Model::embedded());
    let docs: Vec<_> = synth::raw_docs(&so);
    let mb = docs.iter().map(|d| d.content.len()).sum::<usize>() as f64 / 1e6;
    let scored: Vec<_> = docs
        .into_iter()
        .map(|d| model::score(features::analyze(extract::extract(d).unwrap(), lex), mdl))
        .collect();
    let (mut best, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..rounds {
        let (t, c) = (Instant::now(), framelens::bench::thread_cpu_seconds());
        let sents = compare::digest_only(&scored, lex);
        best = best.min(t.elapsed().as_secs_f64());
        best_cpu = best_cpu.min(framelens::bench::thread_cpu_seconds() - c);
        std::hint::black_box(sents);
    }
    println!(
        "{n} articles, {mb:.1} MB: digest best of {rounds} {best:.3} s wall ({:.1} MB/s), {best_cpu:.3} s thread CPU",
        mb / best
    );
}
