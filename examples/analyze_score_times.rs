//! CPU time of the analyze and score stages on one thread, best of five:
//! `cargo run --release --example analyze_score_times -- [ARTICLES]`.
//! Uses this thread's CPU time (`/proc/thread-self/schedstat`), which is
//! steadier than wall time on a shared machine.

use framelens::bench::thread_cpu_seconds;
use framelens::ingest::RawDoc;
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
    let docs: Vec<RawDoc> = synth::raw_docs(&so);
    let (lex, mdl) = (Lexicons::embedded(), Model::embedded());
    let arts: Vec<_> = docs
        .into_iter()
        .map(|d| extract::extract(d).unwrap())
        .collect();
    let mb = arts.iter().map(|a| a.body.len()).sum::<usize>() as f64 / 1e6;
    let (mut best_a, mut best_s) = (f64::MAX, f64::MAX);
    for _ in 0..5 {
        let t = thread_cpu_seconds();
        let an: Vec<_> = arts
            .iter()
            .cloned()
            .map(|a| features::analyze(a, lex))
            .collect();
        best_a = best_a.min(thread_cpu_seconds() - t);
        let t = thread_cpu_seconds();
        let sc: Vec<_> = an.into_iter().map(|a| model::score(a, mdl)).collect();
        best_s = best_s.min(thread_cpu_seconds() - t);
        drop(sc);
    }
    println!("{n} articles, {mb:.1} MB of body text, best of 5, thread CPU time");
    println!("analyze {best_a:>7.3} s  {:>6.1} MB/s", mb / best_a);
    println!("score   {best_s:>7.3} s  {:>6.1} MB/s", mb / best_s);
}
