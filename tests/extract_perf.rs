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

/// CPU seconds used by this process so far (Linux `/proc`; 0 elsewhere).
/// On a shared machine wall time overstates the cost; CPU time does not.
fn cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses).
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    (ticks(11) + ticks(12)) / 100.0
}

fn report(label: &str, bytes: usize, secs: f64, cpu: f64) {
    println!(
        "{label}: {:.1} MB in {:.2} s wall = {:.1} MB/s; {:.2} s CPU = {:.1} MB/s per core",
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs,
        cpu,
        bytes as f64 / 1e6 / cpu.max(1e-9)
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
    let (t, c) = (Instant::now(), cpu_secs());
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
        cpu_secs() - c,
    );

    // A 20 MB single line.
    let line = "The council met on Tuesday and voted to keep the market open, its chair said. "
        .repeat(260_000);
    let p = dir.path().join("line.txt");
    std::fs::write(&p, &line).unwrap();
    let (t, c) = (Instant::now(), cpu_secs());
    let doc = ingest(&[p], &IngestOptions::default())
        .next()
        .unwrap()
        .unwrap();
    let a = extract(doc).unwrap();
    report(
        "single line",
        line.len(),
        t.elapsed().as_secs_f64(),
        cpu_secs() - c,
    );
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
    let (t, c) = (Instant::now(), cpu_secs());
    let n = ingest(&[p], &IngestOptions::default())
        .filter_map(Result::ok)
        .filter_map(|d| extract(d).ok())
        .count();
    report(
        &format!("csv corpus ({n} rows)"),
        bytes,
        t.elapsed().as_secs_f64(),
        cpu_secs() - c,
    );
}
