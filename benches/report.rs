//! Speed of the report (issue 5): the whole `framelens report` for a
//! five-article story should take well under a second.
//!
//! - `report/charts`: all charts (SVG + PNG) of the story;
//! - `report/html`: report.html from the comparison and charts;
//! - `report/write_report`: charts + report.html + worksheet.html, written;
//! - `report/run_report`: the whole command: read the five files, extract,
//!   analyse, score with the embedded model, compare, write every export,
//!   the charts and the HTML.
//!
//! `FRAMELENS_BENCH_MODEL=path/to/model.json cargo bench --bench report`
//! measures with another model file.

use criterion::{criterion_group, criterion_main, Criterion};
use framelens::compare::{self, CompareOptions, Comparison};
use framelens::ingest::{self, IngestOptions};
use framelens::lexicon::Lexicons;
use framelens::model::{self, Model};
use framelens::pipeline::{self, AnalyzeOptions, ReportOptions};
use framelens::report::charts;
use framelens::report::html::{self, HtmlOptions};
use framelens::{extract, features};
use std::path::PathBuf;
use std::time::Duration;

fn story_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/story")
}

/// The model to score with: `FRAMELENS_BENCH_MODEL` (a model file) when
/// set, else the embedded default model.
fn model() -> Model {
    match std::env::var_os("FRAMELENS_BENCH_MODEL").filter(|p| !p.is_empty()) {
        Some(p) => Model::load(std::path::Path::new(&p)).expect("FRAMELENS_BENCH_MODEL"),
        None => Model::embedded().clone(),
    }
}

fn comparison() -> Comparison {
    let lex = Lexicons::embedded();
    let mdl = &model();
    let scored: Vec<_> = ingest::ingest(&[story_dir()], &IngestOptions::default())
        .map(|item| {
            let a = item.and_then(extract::extract).expect("fixture article");
            model::score(features::analyze(a, lex), mdl)
        })
        .collect();
    assert_eq!(scored.len(), 5);
    compare::compare(scored, &CompareOptions::default())
}

fn bench(c: &mut Criterion) {
    let cmp = comparison();
    let opts = HtmlOptions::default();
    let chart_set = charts::all_charts(&cmp, opts.threshold).unwrap();
    let mut g = c.benchmark_group("report");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    g.bench_function("charts", |b| {
        b.iter(|| charts::all_charts(&cmp, opts.threshold).unwrap())
    });
    g.bench_function("html", |b| {
        b.iter(|| html::render(&cmp, &[], &chart_set, &opts).unwrap())
    });
    let tmp = tempfile::tempdir().unwrap();
    let ws = HtmlOptions {
        worksheet: true,
        ..HtmlOptions::default()
    };
    g.bench_function("write_report", |b| {
        b.iter(|| html::write_report(tmp.path(), &cmp, &[], &ws).unwrap())
    });
    let out = tmp.path().join("run");
    let ropts = ReportOptions {
        analyze: AnalyzeOptions {
            out: out.clone(),
            model: std::env::var_os("FRAMELENS_BENCH_MODEL")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
            ..AnalyzeOptions::default()
        },
        html: ws.clone(),
    };
    g.bench_function("run_report", |b| {
        b.iter(|| pipeline::run_report(&[story_dir()], &ropts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
