//! Times the `outlets.csv` rebuild (bootstrap intervals) from an
//! `articles.csv`: `outlets_times <articles.csv> [runs] [threads]`.
//! Prints best wall and CPU seconds of the rebuild.

use framelens::bench::cpu_seconds;
use framelens::report::compare_csv::outlets_from_articles;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let src = PathBuf::from(
        args.next()
            .expect("usage: outlets_times <articles.csv> [runs] [threads]"),
    );
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let threads: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut best, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..runs {
        let (t, c) = (Instant::now(), cpu_seconds());
        let out = dir.path().join("outlets.csv");
        pool.install(|| outlets_from_articles(std::slice::from_ref(&src), &out))
            .unwrap();
        best = best.min(t.elapsed().as_secs_f64());
        best_cpu = best_cpu.min(cpu_seconds() - c);
    }
    println!(
        "outlets rebuild, {threads} thread(s): best wall {best:.3} s, best CPU {best_cpu:.3} s"
    );
}
