//! Throughput of ingest + extract, printed (not asserted: speed is measured,
//! never tested). Run in release:
//! `cargo test --release --test extract_perf -- --ignored --nocapture`.

use framelens::extract::extract;
use framelens::ingest::{ingest, IngestOptions};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

fn fixture(rel: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(rel),
    )
    .unwrap()
}

fn report(label: &str, bytes: usize, secs: f64) {
    println!(
        "{label}: {:.1} MB in {:.2} s = {:.1} MB/s",
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs
    );
}

#[test]
#[ignore]
fn throughput() {
    let dir = tempfile::tempdir().unwrap();
    // A folder of scraped pages (text and HTML), about 20 MB.
    let pages = [
        fixture("pages/good/scraped_news.txt"),
        fixture("pages/good/content_farm.txt"),
        fixture("pages/good/wire_copy.md"),
    ];
    let html = fixture("pages/good/page.html");
    let mut total = 0;
    let mut i = 0;
    while total < 20_000_000 {
        let (name, text) = if i % 4 == 3 {
            (format!("p{i:06}.html"), html.clone())
        } else {
            // Make pages longer and distinct, like real articles.
            let base = &pages[i % 3];
            let extra = "The ferry operators said on Wednesday that they expected demand to recover quickly once the route reopens, according to a statement.\n\n".repeat(8);
            (
                format!("p{i:06}.txt"),
                format!("{base}\n\n{extra}Row {i}.\n"),
            )
        };
        total += text.len();
        std::fs::write(dir.path().join(name), text).unwrap();
        i += 1;
    }
    let t = Instant::now();
    let mut n = 0;
    for item in ingest(&[dir.path().to_path_buf()], &IngestOptions::default()) {
        if extract(item.unwrap()).is_ok() {
            n += 1;
        }
    }
    report(
        &format!("pages ({n} docs)"),
        total,
        t.elapsed().as_secs_f64(),
    );

    // A 20 MB single line.
    let line = "The council met on Tuesday and voted to keep the market open, its chair said. "
        .repeat(260_000);
    let p = dir.path().join("line.txt");
    std::fs::write(&p, &line).unwrap();
    let t = Instant::now();
    let doc = ingest(&[p], &IngestOptions::default())
        .next()
        .unwrap()
        .unwrap();
    let a = extract(doc).unwrap();
    report("single line", line.len(), t.elapsed().as_secs_f64());
    assert!(!a.body.is_empty());

    // A CSV corpus.
    let p = dir.path().join("c.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    writeln!(f, "id,outlet,text").unwrap();
    let mut bytes = 0;
    let mut r = 0;
    let body = pages[0].replace('"', "\"\"");
    while bytes < 20_000_000 {
        writeln!(f, "r{r},Outlet,\"{body}\"").unwrap();
        bytes += body.len() + 20;
        r += 1;
    }
    drop(f);
    let t = Instant::now();
    let n = ingest(&[p], &IngestOptions::default())
        .filter_map(Result::ok)
        .filter_map(|d| extract(d).ok())
        .count();
    report(
        &format!("csv corpus ({n} rows)"),
        bytes,
        t.elapsed().as_secs_f64(),
    );
}
