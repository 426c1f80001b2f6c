//! Fuzz the ingest stage: bytes -> a file on disk -> `ingest::ingest`, drained.
//!
//! The first byte picks the file's extension (so every reader is reached:
//! pages, HTML, CSV, TSV, JSONL, and an unknown extension that is sniffed);
//! the rest is the file's content. Checks: no panic, every item is numbered
//! in order, every error names the file, every document is non-empty UTF-8
//! no bigger than the size limit allows, and its source is the file or
//! `file:LINE`.
#![no_main]

use framelens::ingest::{ingest, IngestOptions};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

const EXTS: &[&str] = &["csv", "jsonl", "txt", "html", "tsv", "md", "dat"];

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, content)) = data.split_first() else {
        return;
    };
    let ext = EXTS[first as usize % EXTS.len()];
    let path: PathBuf = dir().path().join(format!("input.{ext}"));
    std::fs::write(&path, content).expect("write input");
    let name = path.display().to_string();
    let opts = IngestOptions {
        // Keep the limit small so the over-limit paths are reached too.
        max_doc_bytes: 16 * 1024,
        ..IngestOptions::default()
    };
    for (i, item) in ingest(&[path.clone()], &opts).enumerate() {
        let (seq, source) = match &item {
            Ok(d) => {
                assert!(
                    !d.content.trim().is_empty(),
                    "empty document from {}",
                    d.source
                );
                // The limit is on the bytes read; decoding can grow them
                // (a legacy byte or an invalid one becomes up to 3 bytes).
                assert!(
                    d.content.len() <= 3 * opts.max_doc_bytes,
                    "{} bytes from at most {} input bytes",
                    d.content.len(),
                    opts.max_doc_bytes
                );
                (d.seq, &d.source)
            }
            Err(e) => {
                assert!(!e.reason.is_empty(), "error without a reason");
                (e.seq, &e.source)
            }
        };
        assert_eq!(seq, i, "items are numbered in input order");
        assert!(
            source == &name
                || source.strip_prefix(&name).is_some_and(|r| {
                    r.strip_prefix(':')
                        .is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n >= 1))
                }),
            "source {source:?} does not name {name:?}"
        );
    }
});
