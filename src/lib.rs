//! # framelens
//!
//! Offline, deterministic analysis of *how* a news story is told.
//!
//! The library is a one-way pipeline of stages, each a module with one entry
//! point and a typed hand-off to the next:
//!
//! ```text
//! ingest::ingest      paths / corpora      -> RawDoc
//! extract::extract    RawDoc               -> Article   (clean body + metadata)
//! text::segment       &str body            -> Layout    (paragraphs, sentences, tokens, quotes)
//! lexicon::find_spans body + Layout        -> Vec<Span> (flagged framing spans)
//! features::analyze   Article              -> Analysis  (layout, spans, feature values)
//! model::score        Analysis             -> Scored    (framing probabilities, frames)
//! compare::compare    Vec<Scored>          -> Comparison (stories, pairs, quotes, flags, reliability)
//! report::*           Comparison           -> CSV / JSONL / HTML / PNG
//! ```
//!
//! `pipeline` wires the stages together for the command-line tool; `schema`
//! holds the single table of feature definitions every export is built from.

pub mod bench;
pub mod compare;
pub mod extract;
pub mod features;
pub mod hash;
pub mod ingest;
pub mod lexicon;
pub mod merge;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod rng;
pub mod schema;
pub mod synth;
pub mod text;
