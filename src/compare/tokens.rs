//! Text normalisation shared by every comparison mechanism.
//!
//! Takes: raw text slices (sentences, quotes, titles).
//! Gives: normalised word lists, content-word stems, word shingles and their
//! 64-bit FNV-1a hashes. Everything here is a pure function of its input, so
//! two runs (or two batches) always produce the same fingerprints.
//!
//! Normalisation: Unicode word segmentation, lower case, curly apostrophes
//! folded to `'`, possessive `'s` dropped. Content words additionally drop a
//! fixed list of English function words and common report verbs, and are
//! reduced by a light suffix stripper (plural `-s`/`-ies`, `-ing`, `-ed`).

use unicode_segmentation::UnicodeSegmentation;

/// 64-bit FNV-1a: a fixed, platform-independent hash (std's hasher is
/// randomly seeded and would break determinism).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_extend(0xcbf2_9ce4_8422_2325, bytes)
}

/// Continue an FNV-1a hash with more bytes.
pub fn fnv1a_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Hash of a string.
pub fn hash_str(s: &str) -> u64 {
    fnv1a(s.as_bytes())
}

/// A word as written plus its normalised form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word as it appears in the text.
    pub raw: &'a str,
    /// Byte offset of `raw` in the segmented text.
    pub start: usize,
    /// Lower-cased, apostrophes folded, possessive dropped.
    pub norm: String,
}

impl Word<'_> {
    /// True when the word starts with an upper-case letter.
    pub fn is_capitalised(&self) -> bool {
        self.raw.chars().next().is_some_and(|c| c.is_uppercase())
    }
}

/// Split text into words (Unicode word boundaries; punctuation dropped).
pub fn words(text: &str) -> Vec<Word<'_>> {
    text.unicode_word_indices()
        .filter(|(_, w)| w.chars().any(|c| c.is_alphanumeric()))
        .map(|(start, raw)| Word {
            raw,
            start,
            norm: normalise(raw),
        })
        .collect()
}

/// Normalise one word: lower case, `’` → `'`, trailing `'s` / `'` dropped.
pub fn normalise(raw: &str) -> String {
    if raw.is_ascii() {
        let mut s = raw.to_ascii_lowercase();
        if s.ends_with("'s") {
            s.truncate(s.len() - 2);
        } else if s.ends_with('\'') {
            s.truncate(s.len() - 1);
        }
        return s;
    }
    let mut s: String = raw
        .chars()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    if s.ends_with("'s") {
        s.truncate(s.len() - 2);
    } else if s.ends_with('\'') {
        s.truncate(s.len() - 1);
    }
    s
}

/// Function words and report verbs that say nothing about *what* a text is
/// about. Written for this project (not taken from a published list).
const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "according",
    "across",
    "added",
    "adds",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "are",
    "around",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "less",
    "like",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "mr",
    "mrs",
    "ms",
    "much",
    "must",
    "my",
    "near",
    "neither",
    "no",
    "nor",
    "not",
    "noted",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "s",
    "said",
    "same",
    "say",
    "saying",
    "says",
    "several",
    "she",
    "should",
    "since",
    "so",
    "some",
    "stated",
    "such",
    "t",
    "tell",
    "tells",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "to",
    "told",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
];

/// True for function words and report verbs (see `STOP`).
pub fn is_stop(norm: &str) -> bool {
    STOP.binary_search(&norm).is_ok()
}

/// Light suffix stripping so that "exercises"/"exercise", "exchanging"/
/// "exchange" and "countries"/"country" meet. Deliberately conservative.
pub fn stem(norm: &str) -> String {
    let n = norm.chars().count();
    if n <= 3 || !norm.is_ascii() {
        return norm.to_string();
    }
    if let Some(b) = norm.strip_suffix("ies") {
        if n > 4 {
            return format!("{b}y");
        }
    }
    if let Some(b) = norm.strip_suffix("ing") {
        if n > 5 {
            return drop_e(b);
        }
    }
    if let Some(b) = norm.strip_suffix("ed") {
        if n > 4 {
            return drop_e(b);
        }
    }
    if norm.ends_with("ss") || norm.ends_with("us") || norm.ends_with("is") {
        return norm.to_string();
    }
    if let Some(b) = norm.strip_suffix("es") {
        if b.ends_with("ch") || b.ends_with("sh") || b.ends_with('x') {
            return b.to_string();
        }
    }
    drop_e(norm.strip_suffix('s').unwrap_or(norm))
}

/// Drop one final silent `e` from stems longer than four bytes.
fn drop_e(b: &str) -> String {
    match b.strip_suffix('e') {
        Some(x) if b.len() > 4 && !x.ends_with('e') => x.to_string(),
        _ => b.to_string(),
    }
}

/// Hashed content-word stems of a text, sorted and de-duplicated.
pub fn content_set(text: &str) -> Vec<u64> {
    let mut v: Vec<u64> = words(text)
        .iter()
        .filter(|w| !is_stop(&w.norm))
        .map(|w| hash_str(&stem(&w.norm)))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Hashed word 3-shingles of a text (all words, normalised, unstemmed),
/// sorted and de-duplicated. A text of fewer than three words gives one
/// shingle of all its words (none when empty).
pub fn shingles(text: &str) -> Vec<u64> {
    let ws: Vec<String> = words(text).into_iter().map(|w| w.norm).collect();
    shingles_of(&ws)
}

/// Shingles of an already-normalised word list.
pub fn shingles_of(ws: &[String]) -> Vec<u64> {
    let mut v: Vec<u64> = if ws.len() < 3 {
        if ws.is_empty() {
            vec![]
        } else {
            vec![hash_str(&ws.join(" "))]
        }
    } else {
        ws.windows(3)
            .map(|w| {
                let mut h = fnv1a(w[0].as_bytes());
                for x in &w[1..] {
                    h = fnv1a_extend(h, b" ");
                    h = fnv1a_extend(h, x.as_bytes());
                }
                h
            })
            .collect()
    };
    v.sort_unstable();
    v.dedup();
    v
}

/// Size of the intersection of two sorted, de-duplicated lists.
pub fn intersect(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Jaccard similarity of two sorted sets (0 when both are empty).
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let i = intersect(a, b);
    let u = a.len() + b.len() - i;
    if u == 0 {
        0.0
    } else {
        i as f64 / u as f64
    }
}

/// Containment of the smaller set in the larger: |A∩B| / min(|A|,|B|).
pub fn containment(a: &[u64], b: &[u64]) -> f64 {
    let m = a.len().min(b.len());
    if m == 0 {
        0.0
    } else {
        intersect(a, b) as f64 / m as f64
    }
}

/// Dice coefficient: 2|A∩B| / (|A|+|B|).
pub fn dice(a: &[u64], b: &[u64]) -> f64 {
    let s = a.len() + b.len();
    if s == 0 {
        0.0
    } else {
        2.0 * intersect(a, b) as f64 / s as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_list_is_sorted_for_binary_search() {
        assert!(STOP.windows(2).all(|w| w[0] < w[1]), "STOP must be sorted");
    }

    #[test]
    fn normalisation_folds_case_apostrophes_and_possessives() {
        assert_eq!(normalise("China\u{2019}s"), "china");
        assert_eq!(normalise("Nato"), normalise("NATO"));
        assert_eq!(normalise("leaders'"), "leaders");
    }

    #[test]
    fn stemming_meets_common_variants() {
        assert_eq!(stem("exercises"), stem("exercise"));
        assert_eq!(stem("exchanging"), stem("exchange"));
        assert_eq!(stem("countries"), stem("country"));
        assert_eq!(stem("relations"), stem("relation"));
        assert_eq!(stem("news"), "new");
        assert_eq!(stem("us"), "us");
    }

    #[test]
    fn shingles_are_order_sensitive_and_case_insensitive() {
        let a = shingles("The minister met the general on Sunday.");
        let b = shingles("the MINISTER met the general on sunday");
        let c = shingles("On Sunday the general met the minister.");
        assert_eq!(a, b);
        assert!(jaccard(&a, &c) < 0.5);
    }

    #[test]
    fn set_measures() {
        let a = vec![1, 2, 3, 4];
        let b = vec![3, 4, 5];
        assert_eq!(intersect(&a, &b), 2);
        assert!((jaccard(&a, &b) - 0.4).abs() < 1e-9);
        assert!((containment(&a, &b) - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(jaccard(&[], &[]), 0.0);
    }

    #[test]
    fn words_keep_offsets() {
        let t = "Hello, wide world";
        for w in words(t) {
            assert_eq!(&t[w.start..w.start + w.raw.len()], w.raw);
        }
    }
}
