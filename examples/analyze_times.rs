//! CPU time of the analyze stage alone on one thread, best of N:
//! `cargo run --release --example analyze_times -- [ARTICLES] [REPEATS]`.
//! Uses this thread's CPU time (`/proc/thread-self/schedstat`); a
//! profiling target for the text, lexicon and features modules.

use framelens::bench::thread_cpu_seconds;
use framelens::ingest::RawDoc;
use framelens::lexicon::Lexicons;
use framelens::synth::{self, SynthOptions};
use framelens::{extract, features};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let repeats: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(7);
    let so = SynthOptions {
        articles: n,
        seed: 42,
    };
    let docs: Vec<RawDoc> = synth::raw_docs(&so);
    let lex = Lexicons::embedded();
    let arts: Vec<_> = docs
        .into_iter()
        .map(|d| extract::extract(d).unwrap())
        .collect();
    let mb = arts.iter().map(|a| a.body.len()).sum::<usize>() as f64 / 1e6;
    let mut best = f64::MAX;
    for _ in 0..repeats {
        let input = arts.clone();
        let t = thread_cpu_seconds();
        let an: Vec<_> = input
            .into_iter()
            .map(|a| features::analyze(a, lex))
            .collect();
        best = best.min(thread_cpu_seconds() - t);
        drop(an);
    }
    println!("{n} articles, {mb:.1} MB of body text, best of {repeats}, thread CPU time");
    println!("analyze {best:>7.3} s  {:>6.1} MB/s", mb / best);
}
