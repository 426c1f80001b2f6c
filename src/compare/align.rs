//! Sentence alignment between two articles of a story.
//!
//! Takes: the sentence fingerprints of two articles ([`SentPrint`]).
//! Gives: a one-to-one [`Alignment`] of their sentences, each matched pair
//! classed as [`MatchKind::Shared`] (near-identical: copied text) or
//! [`MatchKind::Paraphrase`] (same content, different wording).
//!
//! Thresholds (documented in `docs/RELIABILITY.md`, "Alignment"):
//! - a sentence needs at least [`MIN_WORDS`] words to be aligned at all;
//! - **shared**: word 3-shingle Jaccard ≥ [`SHARED_JACCARD`], or the shorter
//!   sentence's shingles are ≥ [`SHARED_CONTAINMENT`] contained in the other
//!   and it has at least [`MIN_CONTAINED_SHINGLES`] shingles (a copied
//!   sentence that an editor trimmed or extended);
//! - **paraphrase**: not shared, and content-word Dice ≥ [`PARA_DICE`] with at
//!   least [`PARA_MIN_COMMON`] common content words, or shingle containment
//!   ≥ [`PARA_CONTAINMENT`] (a clause lifted into a new sentence).
//!
//! Pairs are matched greedily, best first (shared before paraphrase, then by
//! score, then by position), so every sentence matches at most one sentence
//! of the other article.

use super::tokens::intersect;

/// Sentences shorter than this (in words) are not aligned.
pub const MIN_WORDS: usize = 5;
/// Shingle Jaccard at or above which two sentences are near-identical.
pub const SHARED_JACCARD: f64 = 0.6;
/// Shingle containment at or above which the shorter sentence is copied.
pub const SHARED_CONTAINMENT: f64 = 0.85;
/// Minimum shingles of the shorter sentence for the containment rule.
pub const MIN_CONTAINED_SHINGLES: usize = 6;
/// Content-word Dice at or above which two sentences paraphrase each other.
pub const PARA_DICE: f64 = 0.4;
/// Minimum common content words for a paraphrase.
pub const PARA_MIN_COMMON: usize = 4;
/// Shingle containment at or above which a sentence reuses a clause.
pub const PARA_CONTAINMENT: f64 = 0.4;

/// Fingerprint of one sentence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentPrint {
    /// Word tokens.
    pub words: usize,
    /// Hashed word 3-shingles (sorted, unique).
    pub shingles: Vec<u64>,
    /// Hashed content-word stems (sorted, unique).
    pub content: Vec<u64>,
}

impl SentPrint {
    /// Fingerprint a sentence from its words ([`super::tokens::words`]).
    pub fn from_words(ws: &[super::tokens::Word<'_>]) -> SentPrint {
        let norms: Vec<String> = ws.iter().map(|w| w.norm.clone()).collect();
        let mut content: Vec<u64> = ws
            .iter()
            .filter(|w| !super::tokens::is_stop(&w.norm))
            .map(|w| super::tokens::hash_str(&super::tokens::stem(&w.norm)))
            .collect();
        content.sort_unstable();
        content.dedup();
        SentPrint {
            words: ws.len(),
            shingles: super::tokens::shingles_of(&norms),
            content,
        }
    }

    /// Fingerprint a sentence.
    pub fn new(text: &str) -> SentPrint {
        SentPrint::from_words(&super::tokens::words(text))
    }
}

/// How two sentences match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Near-identical wording (copied text).
    Shared,
    /// Same content, different wording.
    Paraphrase,
}

impl MatchKind {
    /// The id used in exports.
    pub fn id(self) -> &'static str {
        match self {
            MatchKind::Shared => "shared",
            MatchKind::Paraphrase => "paraphrase",
        }
    }
}

/// Compare two sentences; `None` when they do not match. The score is in
/// 0..=1 (higher = closer).
pub fn classify(a: &SentPrint, b: &SentPrint) -> Option<(MatchKind, f64)> {
    if a.words < MIN_WORDS || b.words < MIN_WORDS {
        return None;
    }
    let common = intersect(&a.content, &b.content);
    let si = intersect(&a.shingles, &b.shingles);
    if common == 0 && si == 0 {
        return None;
    }
    let (na, nb) = (a.shingles.len(), b.shingles.len());
    let j = if na + nb - si == 0 {
        0.0
    } else {
        si as f64 / (na + nb - si) as f64
    };
    let shorter = na.min(nb);
    let c = if shorter == 0 {
        0.0
    } else {
        si as f64 / shorter as f64
    };
    if j >= SHARED_JACCARD || (c >= SHARED_CONTAINMENT && shorter >= MIN_CONTAINED_SHINGLES) {
        return Some((MatchKind::Shared, j.max(c)));
    }
    let total = a.content.len() + b.content.len();
    let d = if total == 0 {
        0.0
    } else {
        2.0 * common as f64 / total as f64
    };
    if (d >= PARA_DICE && common >= PARA_MIN_COMMON) || c >= PARA_CONTAINMENT {
        return Some((MatchKind::Paraphrase, d.max(c)));
    }
    None
}

/// Content word → sentences containing it, for one article (built once,
/// used by [`align`] to skip sentence pairs with nothing in common).
pub type SentIndex = std::collections::HashMap<u64, Vec<u32>>;

/// Build the [`SentIndex`] of an article's sentences.
pub fn sent_index(sents: &[SentPrint]) -> SentIndex {
    let mut idx = SentIndex::new();
    for (i, s) in sents.iter().enumerate() {
        if s.words < MIN_WORDS {
            continue;
        }
        for h in &s.content {
            idx.entry(*h).or_default().push(i as u32);
        }
    }
    idx
}

/// One matched sentence pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SentMatch {
    /// Sentence index in the first article.
    pub a: usize,
    /// Sentence index in the second article.
    pub b: usize,
    pub kind: MatchKind,
    pub score: f64,
}

/// The one-to-one alignment of two articles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alignment {
    pub matches: Vec<SentMatch>,
}

impl Alignment {
    /// Number of matches of a kind.
    pub fn count(&self, kind: MatchKind) -> usize {
        self.matches.iter().filter(|m| m.kind == kind).count()
    }
}

/// Align the sentences of two articles (see the module docs). `b_index`
/// is [`sent_index`] of `b`: only sentence pairs sharing two content words
/// (one, when a sentence has at most two) are compared, which every shared
/// or paraphrased pair does in practice.
pub fn align(a: &[SentPrint], b: &[SentPrint], b_index: &SentIndex) -> Alignment {
    let mut cands: Vec<SentMatch> = Vec::new();
    let mut hits = vec![0u16; b.len()];
    let mut touched: Vec<usize> = Vec::new();
    for (i, sa) in a.iter().enumerate() {
        if sa.words < MIN_WORDS {
            continue;
        }
        for h in &sa.content {
            if let Some(v) = b_index.get(h) {
                for &j in v {
                    let j = j as usize;
                    if hits[j] == 0 {
                        touched.push(j);
                    }
                    hits[j] = hits[j].saturating_add(1);
                }
            }
        }
        touched.sort_unstable();
        for &j in &touched {
            let sb = &b[j];
            let need = if sa.content.len().min(sb.content.len()) <= 2 {
                1
            } else {
                2
            };
            if usize::from(hits[j]) >= need {
                if let Some((kind, score)) = classify(sa, sb) {
                    cands.push(SentMatch {
                        a: i,
                        b: j,
                        kind,
                        score,
                    });
                }
            }
            hits[j] = 0;
        }
        touched.clear();
    }
    cands.sort_by(|x, y| {
        x.kind
            .cmp(&y.kind)
            .then(y.score.total_cmp(&x.score))
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut matches = Vec::new();
    for m in cands {
        if !used_a[m.a] && !used_b[m.b] {
            used_a[m.a] = true;
            used_b[m.b] = true;
            matches.push(m);
        }
    }
    matches.sort_by_key(|m| (m.a, m.b));
    Alignment { matches }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::tokens::{content_set, shingles, words};

    fn sp(t: &str) -> SentPrint {
        let s = SentPrint::new(t);
        assert_eq!(s.words, words(t).len());
        assert_eq!(s.shingles, shingles(t));
        assert_eq!(s.content, content_set(t));
        s
    }

    #[test]
    fn copied_sentence_is_shared_even_with_small_edits() {
        let a = sp(
            "The harbour authority closed the northern pier on Tuesday after a crane collapsed.",
        );
        let b = sp("The harbour authority closed the northern pier on Tuesday after a crane collapsed, officials said.");
        assert_eq!(classify(&a, &b).map(|x| x.0), Some(MatchKind::Shared));
    }

    #[test]
    fn reworded_sentence_is_a_paraphrase() {
        let a = sp(
            "The harbour authority closed the northern pier on Tuesday after a crane collapsed.",
        );
        let b = sp("A crane collapse on Tuesday led harbour officials to shut the northern pier.");
        assert_eq!(classify(&a, &b).map(|x| x.0), Some(MatchKind::Paraphrase));
    }

    #[test]
    fn unrelated_and_short_sentences_do_not_match() {
        let a = sp(
            "The harbour authority closed the northern pier on Tuesday after a crane collapsed.",
        );
        let b = sp("Tickets for the summer festival go on sale next week at the town hall.");
        assert_eq!(classify(&a, &b), None);
        let s = sp("Pier closed.");
        assert_eq!(classify(&s, &s), None);
    }

    #[test]
    fn alignment_is_one_to_one_and_best_first() {
        let x = sp(
            "The harbour authority closed the northern pier on Tuesday after a crane collapsed.",
        );
        let y = sp("Tickets for the summer festival go on sale next week at the town hall.");
        let a = vec![x.clone(), y.clone()];
        let b = vec![y.clone(), x.clone(), x];
        let al = align(&a, &b, &sent_index(&b));
        assert_eq!(al.matches.len(), 2);
        assert_eq!((al.matches[0].a, al.matches[0].b), (0, 1));
        assert_eq!((al.matches[1].a, al.matches[1].b), (1, 0));
        assert_eq!(al.count(MatchKind::Shared), 2);
    }
}
