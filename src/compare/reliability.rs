//! The text-based reliability index (0-100).
//!
//! Takes: [`Inputs`] measured on one article (sourcing, provenance, date
//! checks, junk, loaded language, flags).
//! Gives: the index as a list of named components, each with the points it
//! contributes; the index is their sum. The formula and the defence of each
//! weight are in `docs/RELIABILITY.md`; the constants below are that table.
//!
//! | component | max | points |
//! |---|---|---|
//! | `attribution` | 20 | 20 × min(1, attributed sentence share / 0.4) |
//! | `named_sources` | 15 | 15 × named / (named + anonymous); 0 with no sources |
//! | `wire_credit` | 10 | 10 when a wire service is credited, or when the article is signed and is not a copy of an earlier or wire-credited article (original reporting) |
//! | `byline` | 5 | 5 when an author is credited |
//! | `date` | 10 | 10 stated and consistent, 4 not stated, 0 inconsistent |
//! | `quotes` | 10 | 10 × min(1, quoted share / 0.15) |
//! | `junk` | 10 | 10 − 2.5 per spam link, at least 0 |
//! | `loaded_language` | 10 | 10 × (1 − min(1, loaded per 1,000 words outside quotes / 10)) |
//! | `flags` | 10 | 10 − 5 per `unattributed_copy`, `speaker_conflict`, `headline_more_loaded_than_body` |

/// Maximum points of each component, in output order.
pub const WEIGHTS: [(&str, f64); 9] = [
    ("attribution", 20.0),
    ("named_sources", 15.0),
    ("wire_credit", 10.0),
    ("byline", 5.0),
    ("date", 10.0),
    ("quotes", 10.0),
    ("junk", 10.0),
    ("loaded_language", 10.0),
    ("flags", 10.0),
];

/// Attributed sentence share that earns full attribution points.
pub const ATTRIBUTION_TARGET: f64 = 0.4;
/// Quoted word share that earns full quote points.
pub const QUOTE_TARGET: f64 = 0.15;
/// Loaded spans per 1,000 words (outside quotes) that lose all loaded-language points.
pub const LOADED_CEILING: f64 = 10.0;
/// Share of the junk points lost per spam link (four links lose them all).
pub const SPAM_SHARE: f64 = 0.25;
/// Share of the date points given for a missing date (unknown is better
/// than wrong).
pub const DATE_MISSING_SHARE: f64 = 0.4;
/// Share of the flag points lost per flag counted by the `flags` component.
pub const FLAG_SHARE: f64 = 0.5;
/// Flags counted by the `flags` component (the others are already measured
/// by their own component and would be counted twice).
pub const PENALISED_FLAGS: [&str; 3] = [
    "unattributed_copy",
    "speaker_conflict",
    "headline_more_loaded_than_body",
];

/// State of the publication date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateState {
    Missing,
    Consistent,
    Mismatch,
}

/// What the index is computed from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Inputs {
    /// Sentences in the body.
    pub sentences: usize,
    /// Sentences with an attribution, a named or anonymous source, or a
    /// quote with a speaker.
    pub attributed_sentences: usize,
    pub named_sources: usize,
    pub anonymous_sources: usize,
    pub wire_credit: bool,
    pub byline: bool,
    /// True when the article reproduces two or more (non-quotation)
    /// sentences of an article of its story that was published earlier or
    /// credits a wire service.
    pub is_copy: bool,
    pub date: DateState,
    /// Words inside direct quotes / all words (0-1).
    pub quote_share: f64,
    pub spam_links: usize,
    /// Loaded-language spans outside direct quotes.
    pub loaded_outside_quotes: usize,
    pub words: usize,
    /// The article's flags.
    pub flags: Vec<String>,
}

/// The share (0-1) of each component's points the article earns, in
/// [`WEIGHTS`] order.
pub fn fractions(i: &Inputs) -> [f64; 9] {
    let share = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let sources = i.named_sources + i.anonymous_sources;
    let loaded_rate = crate::features::per_1k(i.loaded_outside_quotes as f64, i.words);
    let n_flags = i
        .flags
        .iter()
        .filter(|f| PENALISED_FLAGS.contains(&f.as_str()))
        .count();
    let yes = |b: bool| if b { 1.0 } else { 0.0 };
    [
        (share(i.attributed_sentences, i.sentences) / ATTRIBUTION_TARGET).min(1.0),
        share(i.named_sources, sources),
        // Provenance of the copy: a credited wire, or signed original reporting.
        yes(i.wire_credit || (i.byline && !i.is_copy)),
        yes(i.byline),
        match i.date {
            DateState::Consistent => 1.0,
            DateState::Missing => DATE_MISSING_SHARE,
            DateState::Mismatch => 0.0,
        },
        (i.quote_share.max(0.0) / QUOTE_TARGET).min(1.0),
        1.0 - (SPAM_SHARE * i.spam_links as f64).min(1.0),
        1.0 - (loaded_rate / LOADED_CEILING).min(1.0),
        1.0 - (FLAG_SHARE * n_flags as f64).min(1.0),
    ]
}

/// The index: `(component, points)` in [`WEIGHTS`] order, and their sum.
pub fn index(i: &Inputs) -> (f64, Vec<(String, f64)>) {
    let w: Vec<f64> = WEIGHTS.iter().map(|w| w.1).collect();
    index_with(i, &w)
}

/// The index with other maximum points per component (in [`WEIGHTS`]
/// order), for sensitivity checks. Points are rounded to 0.01.
pub fn index_with(i: &Inputs, weights: &[f64]) -> (f64, Vec<(String, f64)>) {
    let comps: Vec<(String, f64)> = WEIGHTS
        .iter()
        .zip(weights)
        .zip(fractions(i))
        .map(|(((n, _), w), f)| (n.to_string(), (w * f * 100.0).round() / 100.0))
        .collect();
    let total = comps.iter().map(|c| c.1).sum::<f64>();
    ((total * 100.0).round() / 100.0, comps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Inputs {
        Inputs {
            sentences: 10,
            attributed_sentences: 5,
            named_sources: 4,
            anonymous_sources: 0,
            wire_credit: true,
            byline: true,
            is_copy: true,
            date: DateState::Consistent,
            quote_share: 0.2,
            spam_links: 0,
            loaded_outside_quotes: 0,
            words: 400,
            flags: vec![],
        }
    }

    #[test]
    fn weights_sum_to_100() {
        assert_eq!(WEIGHTS.iter().map(|w| w.1).sum::<f64>(), 100.0);
    }

    #[test]
    fn a_perfect_article_scores_100_and_components_sum() {
        let (s, c) = index(&base());
        assert_eq!(s, 100.0);
        assert_eq!(c.len(), WEIGHTS.len());
        assert!((c.iter().map(|x| x.1).sum::<f64>() - s).abs() < 1e-9);
    }

    #[test]
    fn each_weakness_costs_points() {
        let full = index(&base()).0;
        let mut a = base();
        a.anonymous_sources = 4;
        assert!(index(&a).0 < full);
        let mut b = base();
        b.date = DateState::Mismatch;
        let mut m = base();
        m.date = DateState::Missing;
        assert!(index(&b).0 < index(&m).0 && index(&m).0 < full);
        let mut c = base();
        c.spam_links = 10;
        assert_eq!(index(&c).0, full - 10.0);
        let mut d = base();
        d.flags = vec!["speaker_conflict".into(), "no_byline".into()];
        assert_eq!(index(&d).0, full - 5.0);
        let mut e = base();
        e.loaded_outside_quotes = 2;
        assert_eq!(index(&e).0, full - 5.0);
    }

    #[test]
    fn signed_original_reporting_needs_no_wire_credit() {
        let full = index(&base()).0;
        let mut own = base();
        own.wire_credit = false;
        own.is_copy = false;
        assert_eq!(index(&own).0, full);
        let mut copied = own.clone();
        copied.is_copy = true;
        assert_eq!(index(&copied).0, full - 10.0);
        let mut unsigned = own.clone();
        unsigned.byline = false;
        assert_eq!(index(&unsigned).0, full - 15.0);
    }
}
