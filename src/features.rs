//! Stage 5: features.
//!
//! Takes: an [`Article`] and the [`Lexicons`].
//! Gives: an [`Analysis`]: the article, its [`Layout`], its flagged spans,
//! the article feature values in [`schema::FEATURES`] order, and
//! per-sentence counts of the count features.

use crate::extract::Article;
use crate::lexicon::{self, Category, Lexicons, RawSpan, Span};
use crate::schema::{self, FeatureKind};
use crate::text::{self, Layout, TokenKind};

/// How many count features the schema has (`schema::count_features().count()`).
pub const N_COUNTS: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < schema::FEATURES.len() {
        if matches!(schema::FEATURES[i].kind, FeatureKind::Count) {
            n += 1;
        }
        i += 1;
    }
    n
};

/// Per-sentence counts of the schema's count features, in
/// `schema::count_features()` order (a fixed array: no allocation per
/// sentence).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SentenceFeatures {
    pub counts: [u32; N_COUNTS],
    pub words: u32,
}

/// An analysed article.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Analysis {
    pub article: Article,
    pub layout: Layout,
    pub spans: Vec<Span>,
    /// One value per `schema::FEATURES` entry: the raw count for count
    /// features, the value for value features.
    pub values: Vec<f64>,
    pub sentences: Vec<SentenceFeatures>,
    pub words: usize,
}

impl Analysis {
    /// Article-level columns in `schema::article_feature_columns()` order.
    pub fn feature_columns(&self) -> Vec<f64> {
        let mut out = Vec::new();
        for (f, v) in schema::FEATURES.iter().zip(&self.values) {
            match f.kind {
                FeatureKind::Count => {
                    out.push(*v);
                    out.push(per_1k(*v, self.words));
                }
                FeatureKind::Value => out.push(*v),
            }
        }
        out
    }

    /// Value of a feature by schema id.
    pub fn value(&self, id: &str) -> Option<f64> {
        schema::FEATURES
            .iter()
            .position(|f| f.id == id)
            .map(|i| self.values[i])
    }
}

/// Rate per 1,000 words (0 for an empty text).
pub fn per_1k(count: f64, words: usize) -> f64 {
    if words == 0 {
        0.0
    } else {
        count * 1000.0 / words as f64
    }
}

/// Analyse one article.
pub fn analyze(article: Article, lex: &Lexicons) -> Analysis {
    let layout = text::segment_with(&article.body, lex);
    let raw = lexicon::raw_spans(&article.body, &layout, lex);
    let (values, sentences, words) = measure(&article.body, &layout, &raw);
    let spans = lexicon::materialize_all(&raw, &layout, lex);
    Analysis {
        article,
        layout,
        spans,
        values,
        sentences,
        words,
    }
}

/// Position of each category among the count features (`None` if it is
/// not counted).
fn count_slots() -> [Option<usize>; Category::ALL.len()] {
    let mut slots = [None; Category::ALL.len()];
    for (ci, f) in schema::count_features().enumerate() {
        if let Some(cat) = f.category.and_then(Category::from_id) {
            let k = Category::ALL
                .iter()
                .position(|c| *c == cat)
                .expect("every category is in ALL");
            slots[k] = Some(ci);
        }
    }
    slots
}

fn slot_of(cat: Category) -> usize {
    Category::ALL
        .iter()
        .position(|c| *c == cat)
        .expect("every category is in ALL")
}

/// Every schema value, the per-sentence counts and the word count.
fn measure(
    body: &str,
    layout: &Layout,
    raw: &[RawSpan],
) -> (Vec<f64>, Vec<SentenceFeatures>, usize) {
    let slots = count_slots();
    let mut sentences: Vec<SentenceFeatures> = vec![
        SentenceFeatures {
            counts: [0; N_COUNTS],
            words: 0,
        };
        layout.sentences.len()
    ];
    let mut totals = [0u64; N_COUNTS];
    // Per sentence, one byte of flags (one buffer instead of three
    // `Vec<bool>`s): an opinion cue in the writer's own words, a word, a
    // word outside quotes.
    const CUE: u8 = 1;
    const WORD: u8 = 2;
    const OWN_WORD: u8 = 4;
    let mut flags = vec![0u8; layout.sentences.len()];
    for sp in raw {
        if sp.in_quote {
            continue;
        }
        if let Some(ci) = slots[slot_of(sp.category)] {
            totals[ci] += 1;
            if let Some(s) = sentences.get_mut(sp.sentence) {
                s.counts[ci] += 1;
            }
        }
        if matches!(
            sp.category,
            Category::LoadedLanguage | Category::Booster | Category::Subjective
        ) {
            if let Some(c) = flags.get_mut(sp.sentence) {
                *c |= CUE;
            }
        }
    }

    let mut words = 0usize;
    let mut quoted_words = 0usize;
    let mut syllables = 0usize;
    let mut qi = 0usize;
    for t in &layout.tokens {
        if t.kind != TokenKind::Word {
            continue;
        }
        let (s, e) = (t.start as usize, t.end as usize);
        words += 1;
        syllables += syllable_count_in(body, s, e);
        let si = t.sentence as usize;
        if let Some(sf) = sentences.get_mut(si) {
            sf.words += 1;
        }
        flags[si] |= WORD;
        while qi < layout.quotes.len() && layout.quotes[qi].inner_end <= s {
            qi += 1;
        }
        let quoted = layout
            .quotes
            .get(qi)
            .is_some_and(|q| q.inner_start <= s && e <= q.inner_end);
        if quoted {
            quoted_words += 1;
        } else {
            flags[si] |= OWN_WORD;
        }
    }
    let sentences_with_words = flags.iter().filter(|&&f| f & WORD != 0).count();
    let own_sentences = flags.iter().filter(|&&f| f & OWN_WORD != 0).count();
    let subjective_sentences = flags
        .iter()
        .filter(|&&f| f & (CUE | OWN_WORD) == CUE | OWN_WORD)
        .count();

    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let mut values = Vec::with_capacity(schema::FEATURES.len());
    let mut ci = 0;
    for f in schema::FEATURES {
        let v = match (f.kind, f.id) {
            (FeatureKind::Count, _) => {
                ci += 1;
                totals[ci - 1] as f64
            }
            (FeatureKind::Value, "quote_share") => ratio(quoted_words, words),
            (FeatureKind::Value, "subjectivity") => ratio(subjective_sentences, own_sentences),
            (FeatureKind::Value, "readability") => flesch(words, sentences_with_words, syllables),
            (FeatureKind::Value, "avg_sentence_words") => ratio(words, sentences_with_words),
            (FeatureKind::Value, other) => unreachable!("schema value {other} has no computation"),
        };
        values.push(v);
    }
    (values, sentences, words)
}

/// Flesch reading ease; 0 for a text without words.
pub fn flesch(words: usize, sentences: usize, syllables: usize) -> f64 {
    if words == 0 || sentences == 0 {
        return 0.0;
    }
    206.835 - 1.015 * (words as f64 / sentences as f64) - 84.6 * (syllables as f64 / words as f64)
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'e'
            | 'i'
            | 'o'
            | 'u'
            | 'y'
            | 'à'
            | 'á'
            | 'â'
            | 'ã'
            | 'ä'
            | 'å'
            | 'æ'
            | 'è'
            | 'é'
            | 'ê'
            | 'ë'
            | 'ì'
            | 'í'
            | 'î'
            | 'ï'
            | 'ò'
            | 'ó'
            | 'ô'
            | 'õ'
            | 'ö'
            | 'ø'
            | 'ù'
            | 'ú'
            | 'û'
            | 'ü'
            | 'ý'
            | 'ÿ'
            | 'œ'
    )
}

/// Syllables of a word by vowel groups (a, e, i, o, u, y and accented
/// vowels), minus a silent final "e" ("make", but not "table"); at least 1.
pub fn syllable_count(word: &str) -> usize {
    syllable_count_ascii(word.as_bytes()).unwrap_or_else(|| syllable_count_chars(word))
}

/// ASCII vowels (`y` included), both cases.
const ASCII_VOWEL: [bool; 256] = {
    let mut t = [false; 256];
    let v = b"aeiouyAEIOUY";
    let mut i = 0;
    while i < v.len() {
        t[v[i] as usize] = true;
        i += 1;
    }
    t
};

/// [`syllable_count`] of an ASCII word (most words are). Same result as
/// [`syllable_count_chars`], without branching per letter: a vowel group
/// starts at each vowel not right after another vowel (a non-letter ends a
/// group as a consonant does), and only the last two letters matter for the
/// silent-e rule. `None` for a word that is not all ASCII (checked in the
/// same pass).
fn syllable_count_ascii(word: &[u8]) -> Option<usize> {
    let mut groups = 0usize;
    let mut prev = false;
    let mut high = 0u8;
    for &b in word {
        high |= b;
        let v = ASCII_VOWEL[b as usize];
        groups += usize::from(v & !prev);
        prev = v;
    }
    if high >= 0x80 {
        return None;
    }
    Some(minus_silent_e(word, groups))
}

/// [`syllable_count`] of the word `text[s..e]`. A word of at most 8 bytes
/// with 8 bytes of `text` from its start (most words) is counted with one
/// 64-bit load and a few bit operations ([`vowel_groups8`]) instead of a
/// loop with a hard-to-predict end; the same result.
fn syllable_count_in(text: &str, s: usize, e: usize) -> usize {
    let b = text.as_bytes();
    if e - s <= 8 {
        if let Some(chunk) = b.get(s..s + 8) {
            let mut x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            if e - s < 8 {
                x &= (1u64 << (8 * (e - s))) - 1;
            }
            if let Some(groups) = vowel_groups8(x) {
                return minus_silent_e(&b[s..e], groups);
            }
        }
    }
    syllable_count(&text[s..e])
}

/// The vowel groups of up to 8 bytes packed little-endian into `x` (unused
/// high bytes zero): the vowels not right after a vowel. `None` when a byte
/// is not ASCII.
fn vowel_groups8(x: u64) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x80 * ONES;
    const LOW7: u64 = 0x7f * ONES;
    if x & HIGH != 0 {
        return None;
    }
    // Letters to lower case. Of the other bytes, only the upper-case vowels
    // become vowels; zero padding becomes a space.
    let y = x | (0x20 * ONES);
    // 0x80 in each byte of `y` equal to `c` (exact: no carry between bytes).
    let eq = |c: u8| {
        let t = y ^ (u64::from(c) * ONES);
        !(((t & LOW7) + LOW7) | t) & HIGH
    };
    let v = eq(b'a') | eq(b'e') | eq(b'i') | eq(b'o') | eq(b'u') | eq(b'y');
    Some((v & !(v << 8)).count_ones() as usize)
}

/// `groups` vowel groups of an ASCII word, less a silent final "e"; at
/// least 1.
fn minus_silent_e(word: &[u8], mut groups: usize) -> usize {
    let mut letters = word.iter().rev().filter(|b| b.is_ascii_alphabetic());
    let Some(last) = letters.next() else {
        return 1;
    };
    let last = last.to_ascii_lowercase();
    let before_last = letters.next().map_or(b' ', |b| b.to_ascii_lowercase());
    if groups > 1 && last == b'e' && before_last != b'l' && !ASCII_VOWEL[before_last as usize] {
        groups -= 1;
    }
    groups.max(1)
}

/// [`syllable_count`] of any word.
fn syllable_count_chars(word: &str) -> usize {
    let mut groups = 0usize;
    let mut in_vowel = false;
    let mut last = ' ';
    let mut before_last = ' ';
    let mut letters = 0usize;
    for c in word.chars() {
        let c = if c.is_ascii() {
            if !c.is_ascii_alphabetic() {
                in_vowel = false;
                continue;
            }
            c.to_ascii_lowercase()
        } else {
            if !c.is_alphabetic() {
                in_vowel = false;
                continue;
            }
            c.to_lowercase().next().unwrap_or(c)
        };
        letters += 1;
        let v = is_vowel(c);
        if v && !in_vowel {
            groups += 1;
        }
        in_vowel = v;
        before_last = last;
        last = c;
    }
    if letters == 0 {
        return 1;
    }
    if groups > 1 && last == 'e' && before_last != 'l' && !is_vowel(before_last) {
        groups -= 1;
    }
    groups.max(1)
}

/// Per-sentence counts for a standalone sentence (or short text), as the
/// classifier sees it at training time: the text is segmented and matched
/// exactly as a body would be, and all counts are summed into one row.
/// Spans inside quotes are skipped, as in [`analyze`].
pub fn sentence_counts(sentence: &str, lex: &Lexicons) -> SentenceFeatures {
    let layout = text::segment_with(sentence, lex);
    let raw = lexicon::raw_spans(sentence, &layout, lex);
    let slots = count_slots();
    let mut counts = [0u32; N_COUNTS];
    for sp in &raw {
        if sp.in_quote {
            continue;
        }
        if let Some(ci) = slots[slot_of(sp.category)] {
            counts[ci] += 1;
        }
    }
    SentenceFeatures {
        counts,
        words: layout.word_count() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure_text(body: &str) -> (Vec<f64>, Vec<SentenceFeatures>, usize) {
        let lex = Lexicons::embedded();
        let layout = text::segment_with(body, lex);
        let raw = lexicon::raw_spans(body, &layout, lex);
        measure(body, &layout, &raw)
    }

    fn value(values: &[f64], id: &str) -> f64 {
        values[schema::FEATURES.iter().position(|f| f.id == id).unwrap()]
    }

    #[test]
    fn syllables_by_vowel_groups() {
        for (w, n) in [
            ("the", 1),
            ("make", 1),
            ("table", 2),
            ("reading", 2),
            ("beautiful", 3),
            ("Putin", 2),
            ("a", 1),
            ("rhythm", 1),
            ("café", 2),
            ("1990s", 1),
        ] {
            assert_eq!(syllable_count(w), n, "{w}");
        }
    }

    proptest::proptest! {
        #[test]
        fn word_in_text_syllables_equal_the_char_path(
            pre in "[a-z ]{0,3}",
            w in "[a-zA-Z0-9'._ é-]{1,12}",
            post in "[a-zA-Zé ]{0,10}",
        ) {
            let text = format!("{pre}{w}{post}");
            let (s, e) = (pre.len(), pre.len() + w.len());
            proptest::prop_assert_eq!(syllable_count_in(&text, s, e), syllable_count_chars(&w));
        }

        #[test]
        fn ascii_syllables_equal_the_char_path(w in "[a-zA-Z0-9'._ -]{0,16}") {
            proptest::prop_assert_eq!(syllable_count_ascii(w.as_bytes()), Some(syllable_count_chars(&w)));
        }

        #[test]
        fn ascii_silent_e_equals_the_char_path(w in "[aeylEYL.'0 -]{0,10}") {
            proptest::prop_assert_eq!(syllable_count_ascii(w.as_bytes()), Some(syllable_count_chars(&w)));
        }
    }

    #[test]
    fn flesch_formula() {
        // 100 words, 5 sentences, 150 syllables.
        let f = flesch(100, 5, 150);
        assert!((f - (206.835 - 1.015 * 20.0 - 84.6 * 1.5)).abs() < 1e-9);
        assert_eq!(flesch(0, 0, 0), 0.0);
    }

    #[test]
    fn n_counts_is_the_schema_count() {
        assert_eq!(N_COUNTS, schema::count_features().count());
    }

    #[test]
    fn counts_skip_quoted_words_and_values_follow_the_schema() {
        let body = "The regime sent thugs. \"These thugs are evil,\" he said. It may rain.";
        let (values, sentences, words) = measure_text(body);
        assert_eq!(words, 13);
        assert_eq!(
            value(&values, "loaded_language"),
            2.0,
            "regime + thugs, not the quoted ones"
        );
        assert_eq!(value(&values, "quote"), 1.0);
        assert_eq!(value(&values, "hedge"), 1.0);
        assert_eq!(value(&values, "attribution"), 1.0);
        assert!((value(&values, "quote_share") - 4.0 / 13.0).abs() < 1e-9);
        // Only the first sentence has an opinion cue in the writer's words.
        assert!((value(&values, "subjectivity") - 1.0 / 3.0).abs() < 1e-9);
        assert!((value(&values, "avg_sentence_words") - 13.0 / 3.0).abs() < 1e-9);
        assert_eq!(sentences.len(), 3);
        let li = schema::count_features()
            .position(|f| f.id == "loaded_language")
            .unwrap();
        assert_eq!(sentences[0].counts[li], 2);
        assert_eq!(sentences[1].counts[li], 0);
        assert_eq!(sentences.iter().map(|s| s.words).sum::<u32>(), 13);
    }

    #[test]
    fn empty_body_gives_zeros_not_nan() {
        let (values, sentences, words) = measure_text("");
        assert_eq!(words, 0);
        assert!(sentences.is_empty());
        assert!(values.iter().all(|v| *v == 0.0));
    }

    #[test]
    fn sentence_counts_match_the_body_path() {
        let lex = Lexicons::embedded();
        let s = "Critics slammed the so-called reform, officials said.";
        let one = sentence_counts(s, lex);
        let (_, sentences, _) = measure_text(s);
        assert_eq!(one.counts, sentences[0].counts);
        assert_eq!(one.words, 8);
        let ids: Vec<&str> = schema::count_features().map(|f| f.id).collect();
        let get = |id: &str| one.counts[ids.iter().position(|x| *x == id).unwrap()];
        assert_eq!(get("loaded_language"), 1);
        assert_eq!(get("attribution"), 2);
        assert_eq!(get("attribution_loaded"), 1);
        assert_eq!(get("anonymous_source"), 2);
    }
}
