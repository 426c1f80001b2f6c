//! Stage 8: report.
//!
//! Takes: a [`Comparison`](crate::compare::Comparison) and the input errors
//! of a run.
//! Gives: files in the output folder: CSV and JSONL exports
//! ([`exports`]), and later the HTML report and charts. Every file is written
//! atomically (temporary file, then rename), every CSV cell that a
//! spreadsheet would treat as a formula is neutralised, and the output is
//! byte-for-byte deterministic for the same input.

pub mod atomic;
pub mod charts;
pub mod compare_csv;
pub mod dictionary;
pub mod exports;
pub mod html;
pub mod plots;

/// Errors writing reports.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("writing {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("writing {path}: {reason}")]
    Other { path: String, reason: String },
}
