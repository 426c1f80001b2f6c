//! CPU time of the score stage alone on one thread, best of 15:
//! `cargo run --release --example score_times -- [ARTICLES]`.
//! The articles are analysed once; each round scores clones of them (the
//! cloning is not timed). Uses this thread's CPU time.

use framelens::bench::thread_cpu_seconds;
use framelens::lexicon::Lexicons;
use framelens::model::{self, Model};
use framelens::synth::{self, SynthOptions};
use framelens::{extract, features};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let so = SynthOptions {
        articles: n,
        seed: 42,
    };
    let (lex, mdl) = (Lexicons::embedded(), Model::embedded());
    let an: Vec<_> = synth::raw_docs(&so)
        .into_iter()
        .map(|d| features::analyze(extract::extract(d).unwrap(), lex))
        .collect();
    let mb = an.iter().map(|a| a.article.body.len()).sum::<usize>() as f64 / 1e6;
    let mut best = f64::MAX;
    for _ in 0..15 {
        let round = an.clone();
        let t = thread_cpu_seconds();
        let sc: Vec<_> = round.into_iter().map(|a| model::score(a, mdl)).collect();
        best = best.min(thread_cpu_seconds() - t);
        drop(sc);
    }
    println!("{n} articles, {mb:.1} MB of body text, best of 15, thread CPU time");
    println!("score   {best:>7.3} s  {:>6.1} MB/s", mb / best);
}
