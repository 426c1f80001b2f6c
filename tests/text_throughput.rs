//! Throughput of the text and span layer on a synthetic 10 MB body.
//! Ignored by default and never asserts on time (speed is measured, not
//! tested). Run in release:
//! `cargo test --release --test text_throughput -- --ignored --nocapture`

use framelens::bench::thread_cpu_seconds;
use framelens::features::sentence_counts;
use framelens::lexicon::{find_spans, Lexicons};
use framelens::synth::{article, SynthOptions};
use framelens::text::segment_with;

fn body_of(bytes: usize) -> String {
    let opts = SynthOptions {
        articles: usize::MAX,
        seed: 7,
    };
    let mut body = String::with_capacity(bytes + 10_000);
    let mut i = 0;
    while body.len() < bytes {
        let a = article(&opts, i);
        if let Some(t) = a.get("text").and_then(|t| t.as_str()) {
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            body.push_str(t);
        }
        i += 1;
    }
    body
}

#[test]
#[ignore = "measurement; run in release with --nocapture"]
fn text_layer_throughput() {
    let lex = Lexicons::embedded();
    let body = body_of(10 * 1024 * 1024);
    let mb = body.len() as f64 / (1024.0 * 1024.0);

    let t = thread_cpu_seconds();
    let layout = segment_with(&body, lex);
    let seg = thread_cpu_seconds() - t;
    let t = thread_cpu_seconds();
    let spans = find_spans(&body, &layout, lex);
    let sp = thread_cpu_seconds() - t;
    eprintln!(
        "body {:.1} MB: {} paragraphs, {} sentences, {} tokens, {} quotes, {} attributions, {} spans",
        mb,
        layout.paragraphs.len(),
        layout.sentences.len(),
        layout.tokens.len(),
        layout.quotes.len(),
        layout.attributions.len(),
        spans.len()
    );
    eprintln!(
        "(CPU time, one core) segment_with {:.3}s = {:.1} MB/s; find_spans {:.3}s = {:.1} MB/s; both {:.1} MB/s",
        seg,
        mb / seg,
        sp,
        mb / sp,
        mb / (seg + sp)
    );

    let sentences: Vec<&str> = layout
        .sentences
        .iter()
        .take(200_000)
        .map(|s| &body[s.start..s.end])
        .collect();
    let t = thread_cpu_seconds();
    let mut words = 0u64;
    for s in &sentences {
        words += sentence_counts(s, lex).words as u64;
    }
    let sc = thread_cpu_seconds() - t;
    eprintln!(
        "sentence_counts: {} sentences in {:.3}s = {:.0} sentences/s ({} words)",
        sentences.len(),
        sc,
        sentences.len() as f64 / sc,
        words
    );
}
