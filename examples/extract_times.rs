//! Time extract alone on one thread, best of several repeats:
//! `cargo run --release --example extract_times -- [ARTICLES] [REPEATS]`.
//! A profiling aid for issue 6. Prints wall seconds and this thread's CPU
//! seconds (`/proc/thread-self/schedstat`, steadier on a shared machine),
//! each the best of the repeats; the input copies are made outside the
//! timed part.

use framelens::bench::thread_cpu_seconds;
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
    let docs: Vec<RawDoc> = synth::raw_docs(&so);
    let mb = docs.iter().map(|d| d.content.len()).sum::<usize>() as f64 / 1e6;
    let (mut best, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..reps {
        let copies = docs.clone();
        let (t, c) = (Instant::now(), thread_cpu_seconds());
        for d in copies {
            std::hint::black_box(extract::extract(d).unwrap());
        }
        best_cpu = best_cpu.min(thread_cpu_seconds() - c);
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "extract {n} articles, {mb:.1} MB: {best:.4} s  {:.1} MB/s  (CPU {best_cpu:.4} s, {:.1} MB/s)",
        mb / best,
        mb / best_cpu
    );
}
