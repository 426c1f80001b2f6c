//! Time extract alone on one thread, best of several repeats:
//! `cargo run --release --example extract_times -- [ARTICLES] [REPEATS]`.
//! A profiling aid for issue 6.

use framelens::extract;
use framelens::ingest::RawDoc;
use framelens::synth::{self, SynthOptions};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let reps: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let so = SynthOptions {
        articles: n,
        seed: 42,
    };
    let docs: Vec<RawDoc> = (0..n).map(|i| synth::raw_doc(&so, i)).collect();
    let mb = docs.iter().map(|d| d.content.len()).sum::<usize>() as f64 / 1e6;
    let best = (0..reps)
        .map(|_| {
            let t = Instant::now();
            for d in &docs {
                std::hint::black_box(extract::extract(d.clone()).unwrap());
            }
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    println!(
        "extract {n} articles, {mb:.1} MB: {best:.4} s  {:.1} MB/s",
        mb / best
    );
}
