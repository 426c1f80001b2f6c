//! Time ingest (JSONL), extract, the per-article exports and the comparison
//! exports on one thread, best of several repeats:
//! `cargo run --release --example export_times -- [ARTICLES] [REPEATS]`.
//! A profiling aid for issue 6 (the stages `stage_times` reports once).

use framelens::compare::{self, CompareOptions};
use framelens::ingest::{self, IngestOptions, RawDoc};
use framelens::lexicon::Lexicons;
use framelens::model::{self, Model};
use framelens::report::compare_csv::CompareExports;
use framelens::report::exports::Exports;
use framelens::synth::{self, SynthOptions};
use framelens::{extract, features};
use std::time::Instant;

/// Best wall time of `reps` runs, the mean CPU time (user + system, all
/// threads, 10 ms resolution) per run, and the best CPU time of the thread
/// doing the work (`f` returns it; steadiest on a busy machine).
fn best(reps: usize, mut f: impl FnMut() -> f64) -> (f64, f64, f64) {
    let cpu = framelens::bench::cpu_seconds();
    let mut thread = f64::INFINITY;
    let wall = (0..reps)
        .map(|_| {
            let t = Instant::now();
            thread = thread.min(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    (
        wall,
        (framelens::bench::cpu_seconds() - cpu) / reps as f64,
        thread,
    )
}

/// Thread CPU seconds `f` takes on the calling thread.
fn thread_cpu(f: impl FnOnce()) -> f64 {
    let t = framelens::bench::thread_cpu_seconds();
    f();
    framelens::bench::thread_cpu_seconds() - t
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let reps: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let so = SynthOptions {
        articles: n,
        seed: 42,
    };
    let dir = std::env::temp_dir().join(format!("framelens-export-times-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jsonl = dir.join("corpus.jsonl");
    synth::write_jsonl(&so, &mut std::fs::File::create(&jsonl).unwrap()).unwrap();
    let docs: Vec<RawDoc> = synth::raw_docs(&so);
    let mb = docs.iter().map(|d| d.content.len()).sum::<usize>() as f64 / 1e6;
    let report = |name: &str, (s, cpu, thread): (f64, f64, f64)| {
        println!(
            "{name:<10} {s:>7.4} s  {:>7.1} MB/s  cpu {cpu:>7.4} s  thread cpu {thread:>7.4} s",
            mb / s
        )
    };
    println!("{n} articles, {mb:.1} MB of text, best of {reps}");

    let t = best(reps, || {
        thread_cpu(|| {
            let k = ingest::ingest(std::slice::from_ref(&jsonl), &IngestOptions::default())
                .filter(|d| d.is_ok())
                .count();
            assert_eq!(k, n);
        })
    });
    report("ingest", t);
    let t = best(reps, || {
        thread_cpu(|| {
            for d in &docs {
                std::hint::black_box(extract::extract(d.clone()).unwrap());
            }
        })
    });
    report("extract", t);

    let (lex, mdl) = (Lexicons::embedded(), Model::embedded());
    let sc: Vec<_> = docs
        .into_iter()
        .map(|d| model::score(features::analyze(extract::extract(d).unwrap(), lex), mdl))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let cmp = pool.install(|| compare::compare_with(sc, &CompareOptions::default(), lex));
    let t = best(reps, || {
        let mut ex = Exports::create(&dir).unwrap();
        let cpu = pool.install(|| thread_cpu(|| ex.write(&cmp).unwrap()));
        ex.finish().unwrap();
        cpu
    });
    report("exports", t);
    let t = best(reps, || {
        let mut cx = CompareExports::create(&dir).unwrap();
        let cpu = pool.install(|| thread_cpu(|| cx.write(&cmp).unwrap()));
        // `finish` also computes outlets.csv (not timed here): drop the
        // files unpublished instead.
        drop(cx);
        cpu
    });
    report("cmp-csv", t);
    let _ = std::fs::remove_dir_all(&dir);
}
