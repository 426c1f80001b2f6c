//! Throughput of the streaming pipeline (issue 6), stage by stage, on a
//! corpus from the deterministic generator (`framelens::synth`), in bytes
//! of article text per second:
//!
//! - `pipeline/per_article`: extract + analyse + score, one thread;
//! - `pipeline/compare`: comparison of one window of scored articles;
//! - `pipeline/exports`: formatting and writing every per-article export;
//! - `pipeline/run_analyze_1_thread` and `.../all_threads`: the whole
//!   `analyze` run on a JSONL corpus (reading, every stage, every export).
//!
//! `framelens bench` measures the same whole run as a separate process,
//! with peak memory; the README's table comes from it.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use framelens::compare::{self, CompareOptions};
use framelens::ingest::RawDoc;
use framelens::lexicon::Lexicons;
use framelens::model::{self, Model};
use framelens::pipeline::{run_analyze, AnalyzeOptions};
use framelens::report::exports::Exports;
use framelens::synth::{self, SynthOptions};
use framelens::{extract, features};
use std::time::Duration;

const ARTICLES: usize = 200;

fn raw_docs() -> Vec<RawDoc> {
    let so = SynthOptions {
        articles: ARTICLES,
        seed: 1,
    };
    synth::raw_docs(&so)
}

fn score_all(docs: &[RawDoc]) -> Vec<model::Scored> {
    let (lex, mdl) = (Lexicons::embedded(), Model::embedded());
    docs.iter()
        .filter_map(|d| extract::extract(d.clone()).ok())
        .map(|a| model::score(features::analyze(a, lex), mdl))
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = raw_docs();
    let bytes: u64 = docs.iter().map(|d| d.content.len() as u64).sum();
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(bytes));

    g.bench_function("per_article", |b| b.iter(|| score_all(&docs)));

    let scored = score_all(&docs);
    g.bench_function("compare", |b| {
        b.iter(|| compare::compare(scored.clone(), &CompareOptions::default()))
    });

    let cmp = compare::compare(scored, &CompareOptions::default());
    let dir = tempfile::tempdir().expect("temp dir");
    g.bench_function("exports", |b| {
        b.iter(|| {
            let mut ex = Exports::create(dir.path()).expect("create exports");
            ex.write(&cmp).expect("write exports");
            ex.finish().expect("finish exports");
        })
    });

    let corpus = dir.path().join("corpus.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&corpus).expect("corpus"));
    synth::write_jsonl(
        &SynthOptions {
            articles: ARTICLES,
            seed: 1,
        },
        &mut f,
    )
    .expect("write corpus");
    drop(f);
    for (name, threads) in [("run_analyze_1_thread", 1), ("run_analyze_all_threads", 0)] {
        let opts = AnalyzeOptions {
            out: dir.path().join(name),
            threads,
            ..AnalyzeOptions::default()
        };
        g.bench_function(name, |b| {
            b.iter(|| run_analyze(std::slice::from_ref(&corpus), &opts).expect("run"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
