//! Speed of the sentence model (issue 3): aim ≥ 100,000 sentences/s on
//! one core.
//!
//! - `model/sentence_prob`: tokenise + TF-IDF + bias prior + calibrated
//!   probability of one sentence whose lexical counts are already known
//!   (the `analyze` path: counts come from the article's span pass);
//! - `model/sentence_prob_with_lexicon`: the `score` command's path, which
//!   also segments the sentence and runs the lexicons on it;
//! - `model/contributions`: the explanation of one sentence.
//!
//! Sentences are generated here from a few templates written for the
//! bench (no third-party text).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use framelens::lexicon::Lexicons;
use framelens::model::vectorize::Scratch;
use framelens::model::Model;
use std::hint::black_box;

fn sentences() -> Vec<String> {
    let subjects = [
        "The senator",
        "Local officials",
        "The company's chief executive",
        "Protesters",
        "The ministry",
    ];
    let verbs = [
        "said on Tuesday that the plan would be reviewed",
        "slammed the outrageous decision as a betrayal",
        "announced new figures for the second quarter",
        "pushed a radical agenda that critics call dangerous",
        "reportedly met with advisers to discuss the budget",
    ];
    let tails = [
        ".",
        ", according to a statement released by the office.",
        ", in a move that stunned observers across the country.",
        " after weeks of bitter infighting and wild accusations.",
    ];
    let mut out = Vec::new();
    for s in subjects {
        for v in verbs {
            for t in tails {
                out.push(format!("{s} {v}{t}"));
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let m = Model::embedded();
    let lex = Lexicons::embedded();
    let sents = sentences();
    let counts = vec![0u32; framelens::schema::count_features().count()];
    let mut g = c.benchmark_group("model");
    g.throughput(Throughput::Elements(sents.len() as u64));
    g.bench_function("sentence_prob", |b| {
        let mut s = Scratch::default();
        b.iter(|| {
            let mut acc = 0.0;
            for t in &sents {
                acc += m.sentence.prob(black_box(t), &counts, &mut s);
            }
            acc
        })
    });
    g.bench_function("sentence_prob_with_lexicon", |b| {
        let mut s = Scratch::default();
        b.iter(|| {
            let mut acc = 0.0;
            for t in &sents {
                acc += m.sentence_prob(black_box(t), lex, &mut s);
            }
            acc
        })
    });
    g.bench_function("contributions", |b| {
        let mut s = Scratch::default();
        b.iter(|| {
            let mut n = 0;
            for t in &sents {
                n += m
                    .sentence
                    .contributions(black_box(t), &counts, &mut s)
                    .len();
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
