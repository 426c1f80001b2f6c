//! Throughput of the text and span layer on a synthetic 10 MB body.
//! Ignored by default and never asserts on time (speed is measured, not
//! tested). Run in release:
//! `cargo test --release --test text_throughput -- --ignored --nocapture`

use framelens::features::sentence_counts;
use framelens::lexicon::{find_spans, Lexicons};
use framelens::synth::{article, SynthOptions};
use framelens::text::segment_with;

/// CPU seconds used by this thread (the machine may be busy with other work,
/// so wall time would not say how fast one core is).
fn cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|x| x.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1e9
}

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

    let t = cpu();
    let layout = segment_with(&body, lex);
    let seg = cpu() - t;
    let t = cpu();
    let spans = find_spans(&body, &layout, lex);
    let sp = cpu() - t;
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
    let t = cpu();
    let mut words = 0u64;
    for s in &sentences {
        words += sentence_counts(s, lex).words as u64;
    }
    let sc = cpu() - t;
    eprintln!(
        "sentence_counts: {} sentences in {:.3}s = {:.0} sentences/s ({} words)",
        sentences.len(),
        sc,
        sentences.len() as f64 / sc,
        words
    );
}
