//! Word tokens, light stemming and n-gram terms for the classifier.
//!
//! Takes: a sentence or an article text (`&str`).
//! Gives: lower-cased word tokens ([`tokens`]), a crude suffix stem per
//! token ([`stem`]) used by the bias-word prior, and the unigram + bigram
//! term strings the vectorizer counts ([`for_each_term`]). Everything here
//! is allocation-light because it runs once per scored sentence.

/// A faster deterministic hasher for the hot lookup maps (vocabulary,
/// bias prior, lexicon words): the multiply-rotate scheme of rustc's
/// `FxHasher`, eight bytes at a time, with the high product bits rotated
/// down on `finish` so that hashbrown's bucket index sees them. Like
/// [`crate::hash::Fnv`] it is not DoS-resistant; the keys are our own vocabulary and
/// maps built with it are only looked up, never iterated for output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fx(u64);

const FX_K: u64 = 0xf135_7aea_2e62_a9c5;

impl Fx {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0 ^ w).wrapping_mul(FX_K).rotate_left(5);
    }
}

impl std::hash::Hasher for Fx {
    #[inline]
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut b = bytes;
        while let Some((w, rest)) = b.split_first_chunk::<8>() {
            self.add(u64::from_le_bytes(*w));
            b = rest;
        }
        if let Some((w, rest)) = b.split_first_chunk::<4>() {
            self.add(u64::from(u32::from_le_bytes(*w)));
            b = rest;
        }
        if !b.is_empty() {
            // 1-3 bytes left: pack them with their count, so that
            // different tails never pack to the same word.
            let mut w = b.len() as u64;
            for &x in b {
                w = (w << 8) | u64::from(x);
            }
            self.add(w);
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// `BuildHasher` for [`Fx`].
pub type FxBuild = std::hash::BuildHasherDefault<Fx>;
/// A lookup map with the [`Fx`] hasher.
pub type FxMap<K, V> = std::collections::HashMap<K, V, FxBuild>;

/// A word of at most 16 bytes packed into two little-endian `u64`s,
/// zero-padded (`None` for an empty or longer word). Words never contain a
/// NUL byte, so two words pack alike only when they are equal.
#[inline]
pub(crate) fn pack16(w: &[u8]) -> Option<[u64; 2]> {
    // Overlapping loads instead of a byte-by-byte copy: the bytes loaded
    // twice are the same bytes, so or-ing them in again changes nothing.
    let n = w.len();
    let load8 = |i: usize| u64::from_le_bytes(w[i..i + 8].try_into().unwrap_or([0; 8]));
    let load4 = |i: usize| u64::from(u32::from_le_bytes(w[i..i + 4].try_into().unwrap_or([0; 4])));
    Some(match n {
        0 => return None,
        1..=3 => [
            u64::from(w[0])
                | u64::from(w[n / 2]) << (8 * (n / 2))
                | u64::from(w[n - 1]) << (8 * (n - 1)),
            0,
        ],
        4..=7 => [load4(0) | load4(n - 4) << (8 * (n - 4)), 0],
        8 => [load8(0), 0],
        9..=16 => [load8(0), load8(n - 8) >> (8 * (16 - n))],
        _ => return None,
    })
}

/// A lookup table from words of at most 16 bytes ([`pack16`]) to `V`:
/// open addressing with linear probing over packed keys, so a lookup is a
/// multiply and one or two 32-byte loads, with no key text to follow and
/// compare (the hot word lookups of scoring).
#[derive(Debug, Clone)]
pub(crate) struct PackedMap<V> {
    /// `(key, value)`; the all-zero key (no word packs to it) marks a
    /// free slot.
    slots: Vec<([u64; 2], V)>,
    /// `slots.len() - 1` (a power of two minus one).
    mask: usize,
    len: usize,
}

impl<V: Copy + Default> Default for PackedMap<V> {
    fn default() -> Self {
        PackedMap {
            slots: vec![([0; 2], V::default()); 1],
            mask: 0,
            len: 0,
        }
    }
}

impl<V: Copy + Default> PackedMap<V> {
    #[inline]
    fn home(&self, k: [u64; 2]) -> usize {
        let h = (k[0].wrapping_mul(FX_K) ^ k[1]).wrapping_mul(FX_K);
        (h >> 32) as usize & self.mask
    }

    /// The value of a packed key.
    #[inline]
    pub(crate) fn get(&self, k: [u64; 2]) -> Option<V> {
        let mut i = self.home(k);
        loop {
            let (key, v) = &self.slots[i];
            if *key == k {
                return Some(*v);
            }
            if *key == [0; 2] {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// A mutable reference to the value of a packed key, inserted as
    /// `V::default()` when absent.
    pub(crate) fn entry(&mut self, k: [u64; 2]) -> &mut V {
        debug_assert!(k != [0; 2]);
        // At most half full, so probes stay short and a free slot exists.
        if 2 * (self.len + 1) > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            let n = (2 * old.len()).max(16);
            self.slots = vec![([0; 2], V::default()); n];
            self.mask = n - 1;
            for (key, v) in old {
                if key != [0; 2] {
                    let i = self.free_slot(key);
                    self.slots[i] = (key, v);
                }
            }
        }
        let mut i = self.home(k);
        loop {
            if self.slots[i].0 == k {
                return &mut self.slots[i].1;
            }
            if self.slots[i].0 == [0; 2] {
                self.slots[i].0 = k;
                self.len += 1;
                return &mut self.slots[i].1;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn free_slot(&self, k: [u64; 2]) -> usize {
        let mut i = self.home(k);
        while self.slots[i].0 != [0; 2] {
            i = (i + 1) & self.mask;
        }
        i
    }
}

/// Lower-cased word tokens of `text`: maximal runs of alphanumeric
/// characters, with inner apostrophes (`'` or `’`) kept when a letter
/// follows (`don't`, `trump's`). Curly apostrophes become `'`.
///
/// `out` is cleared first and reused, so a caller scoring many sentences
/// allocates only when a sentence is longer than any before it.
pub fn tokens_into(text: &str, out: &mut Vec<String>) {
    tokens_reusing(text, out, &mut Vec::new());
}

/// [`tokens_into`] that also keeps the token buffers it does not need in
/// `spare` (and takes new ones from there), so a caller alternating long
/// and short texts does not free and re-allocate them.
pub fn tokens_reusing(text: &str, out: &mut Vec<String>, spare: &mut Vec<String>) {
    let n = push_tokens(text, out, 0, spare, |_| {});
    spare.extend(out.drain(n..));
}

/// [`tokens_reusing`] that also gives the byte offset in `text` where each
/// token starts (`starts[i]` for `out[i]`).
pub fn tokens_with_starts(
    text: &str,
    out: &mut Vec<String>,
    spare: &mut Vec<String>,
    starts: &mut Vec<usize>,
) {
    starts.clear();
    let n = push_tokens(text, out, 0, spare, |i| starts.push(i));
    spare.extend(out.drain(n..));
}

/// Write the tokens of `text` into `out[n..]` (reusing the buffers there,
/// then taking new ones from `spare`), calling `at` with each token's start
/// offset; returns the new token count. `out` is not shortened.
fn push_tokens(
    text: &str,
    out: &mut Vec<String>,
    mut n: usize,
    spare: &mut Vec<String>,
    mut at: impl FnMut(usize),
) -> usize {
    let mut i = 0usize;
    loop {
        if n == out.len() {
            out.push(spare.pop().unwrap_or_default());
        }
        match next_token(text, i, &mut out[n]) {
            Some((start, end)) => {
                at(start);
                i = end;
                n += 1;
            }
            None => return n,
        }
    }
}

/// A token of [`for_each_token_raw`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum RawToken<'a> {
    /// ASCII letters and digits only, as they stand in the text (not
    /// lower-cased yet): the token is this slice lower-cased.
    Ascii(&'a str),
    /// Any other token, lower-cased (as [`tokens`] gives it).
    Lower(&'a str),
}

/// Call `f(start, token)` for every token of `text` (the tokens of
/// [`tokens`]; `start` is the token's byte offset in `text`), without copying
/// the commonest ones: a run of
/// ASCII letters and digits that no apostrophe or non-ASCII character
/// continues is passed as it stands ([`RawToken::Ascii`]); the caller
/// lower-cases it if it needs the text ([`pack16_lower`] packs it
/// lower-cased). Other tokens are written into `buf`.
pub(crate) fn for_each_token_raw(
    text: &str,
    buf: &mut String,
    mut f: impl FnMut(usize, RawToken<'_>),
) {
    let b = text.as_bytes();
    let len = b.len();
    let mut i = 0usize;
    while i < len {
        let c = b[i];
        if !c.is_ascii_alphanumeric() && c < 0x80 {
            i += 1;
            continue;
        }
        // One call of `f` below (so that it is inlined once).
        let mut raw = None;
        if c < 0x80 {
            let run = b[i..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            let end = i + run;
            // What ends the run: the text's end, or an ASCII character that
            // is not an apostrophe (the run is then the whole token).
            if end == len || (b[end] < 0x80 && b[end] != b'\'') {
                raw = Some((i, end));
            }
        }
        let (start, end, tok) = match raw {
            Some((start, end)) => (start, end, RawToken::Ascii(&text[start..end])),
            // A non-ASCII character, or a token that goes on past its
            // ASCII run: the general tokeniser from here.
            None => match next_token(text, i, buf) {
                Some((start, end)) => (start, end, RawToken::Lower(buf)),
                None => return,
            },
        };
        f(start, tok);
        i = end;
    }
}

/// [`pack16`] of the lower-cased ASCII letters and digits `w`: the same
/// as packing `w.to_ascii_lowercase()`, since lower-casing an ASCII letter
/// sets its 0x20 bit and digits have it set already.
#[inline]
pub(crate) fn pack16_lower(w: &[u8]) -> Option<[u64; 2]> {
    debug_assert!(w.iter().all(u8::is_ascii_alphanumeric));
    let [a, b] = pack16(w)?;
    let n = w.len();
    let bits = |k: usize| match k {
        0 => 0,
        1..=7 => 0x2020_2020_2020_2020u64 & ((1u64 << (8 * k)) - 1),
        _ => 0x2020_2020_2020_2020u64,
    };
    Some([a | bits(n), b | bits(n.saturating_sub(8))])
}

/// The first token of `text` at or after byte `i` (a char boundary),
/// lower-cased into `tok` (cleared first): its start offset and the offset
/// just after it, or `None` when no token is left (`tok` is then left as
/// it was).
#[inline]
fn next_token(text: &str, mut i: usize, tok: &mut String) -> Option<(usize, usize)> {
    let len = text.len();
    while i < len {
        // A token starting with an ASCII letter or digit is copied by the
        // ASCII-run branch below from its first byte on.
        let ascii_start = text.as_bytes()[i].is_ascii_alphanumeric();
        if !ascii_start {
            if text.as_bytes()[i] < 0x80 {
                i += 1;
                continue;
            }
            let (c, cl) = char_at(text, i);
            if !c.is_alphanumeric() {
                i += cl;
                continue;
            }
        }
        let start = i;
        tok.clear();
        if !ascii_start {
            let (c, cl) = char_at(text, i);
            push_lower(tok, c);
            i += cl;
        }
        while i < len {
            if text.as_bytes()[i].is_ascii_alphanumeric() {
                // A run of ASCII letters and digits, copied and lower-cased
                // at once (what `push_lower` does char by char).
                let run = text.as_bytes()[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                let k = tok.len();
                tok.push_str(&text[i..i + run]);
                tok[k..].make_ascii_lowercase();
                i += run;
                continue;
            }
            let (d, dl) = char_at(text, i);
            if d.is_alphanumeric() {
                push_lower(tok, d);
                i += dl;
            } else if d == '\'' || d == '\u{2019}' {
                // Keep the apostrophe only when a letter follows it.
                if i + dl < len && char_at(text, i + dl).0.is_alphabetic() {
                    tok.push('\'');
                    i += dl;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        return Some((start, i));
    }
    None
}

/// The texts of a token sequence, by token index: all of them
/// (`[String]`), or only some ([`SomeTexts`]).
pub(crate) trait TokenTexts {
    /// Number of tokens.
    fn count(&self) -> usize;
    /// The text of token `i`.
    fn text(&self, i: usize) -> &str;
}

impl TokenTexts for [String] {
    fn count(&self) -> usize {
        self.len()
    }
    fn text(&self, i: usize) -> &str {
        &self[i]
    }
}

/// Token texts kept only for the tokens that need one: token `i`'s text is
/// `text[spans[i].0..spans[i].1]` (empty for the others), all back to back
/// in one string.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SomeTexts<'a> {
    pub text: &'a str,
    pub spans: &'a [(u32, u32)],
}

impl TokenTexts for SomeTexts<'_> {
    fn count(&self) -> usize {
        self.spans.len()
    }
    fn text(&self, i: usize) -> &str {
        let (a, b) = self.spans[i];
        &self.text[a as usize..b as usize]
    }
}

/// Whether the tokens of `text` are exactly the tokens of each of the
/// sorted, disjoint byte `ranges` in turn: true when no character outside
/// the ranges can belong to a token, and no token can run on from one
/// range into the text after it. Then an article's text is tokenised once
/// and each sentence's tokens are a slice of it.
pub fn ranges_split_tokens(text: &str, ranges: impl IntoIterator<Item = (usize, usize)>) -> bool {
    // A character that ends any token before it and never starts one
    // (an apostrophe may continue a token).
    let breaker = |c: char| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}';
    let mut pos = 0;
    for (s, e) in ranges {
        let (Some(gap), Some(_)) = (text.get(pos..s), text.get(s..e)) else {
            return false;
        };
        if !gap.chars().all(breaker) {
            return false;
        }
        // Ranges that touch: the previous one must end with a breaker.
        if gap.is_empty() && s > 0 && !text[..s].chars().next_back().is_some_and(breaker) {
            return false;
        }
        pos = e;
    }
    text.get(pos..).is_some_and(|t| t.chars().all(breaker))
}

/// The character starting at byte `i` (a char boundary) and its length.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        (char::from(b), 1)
    } else {
        let c = text[i..].chars().next().unwrap_or('\u{fffd}');
        (c, c.len_utf8())
    }
}

/// Convenience wrapper around [`tokens_into`].
pub fn tokens(text: &str) -> Vec<String> {
    let mut v = Vec::new();
    tokens_into(text, &mut v);
    v
}

fn push_lower(s: &mut String, c: char) {
    if c.is_ascii() {
        s.push(c.to_ascii_lowercase());
    } else {
        s.extend(c.to_lowercase());
    }
}

/// Crude English suffix stem used by the bias-word prior so that
/// `bizarre`, `bizarrely` and `bizarreness`-like forms share evidence.
/// Strips the first matching suffix of `ingly, edly, ly, ing, ed, es, s`
/// when at least four characters remain.
pub fn stem(tok: &str) -> &str {
    const SUFFIXES: [&str; 7] = ["ingly", "edly", "ly", "ing", "ed", "es", "s"];
    for suf in SUFFIXES {
        if tok.len() > suf.len() + 3
            && tok.ends_with(suf)
            && tok.is_char_boundary(tok.len() - suf.len())
        {
            return &tok[..tok.len() - suf.len()];
        }
    }
    tok
}

/// Call `f` with every unigram and (when `bigrams`) every bigram term of
/// the token sequence. Bigrams are written as `"first second"` into a
/// reused buffer, so no allocation happens per term.
pub fn for_each_term(toks: &[String], bigrams: bool, buf: &mut String, mut f: impl FnMut(&str)) {
    for t in toks {
        f(t);
    }
    if bigrams {
        for w in toks.windows(2) {
            buf.clear();
            buf.push_str(&w[0]);
            buf.push(' ');
            buf.push_str(&w[1]);
            f(buf);
        }
    }
}

/// Function words that never make a useful explanation on their own. Terms
/// made only of these are still used by the classifier but are not shown
/// as "contributing terms".
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he",
    "her", "his", "i", "if", "in", "into", "is", "it", "it's", "its", "more", "most", "not", "of",
    "on", "one", "or", "our", "out", "over", "said", "says", "she", "so", "some", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "up", "was",
    "we", "were", "what", "when", "which", "while", "who", "will", "with", "would", "you",
];

/// Whether a term (unigram or `"a b"` bigram) consists only of function
/// words or numbers, and so should not be shown as an explanation.
pub fn is_uninformative(term: &str) -> bool {
    term.split(' ')
        .all(|w| FUNCTION_WORDS.binary_search(&w).is_ok() || w.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_lowercase_and_keep_inner_apostrophes() {
        assert_eq!(
            tokens("Don’t say \"NO\" -- it's 2023's end..."),
            vec!["don't", "say", "no", "it's", "2023's", "end"]
        );
        assert_eq!(tokens("rock 'n' roll'"), vec!["rock", "n", "roll"]);
        assert!(tokens("  ... ").is_empty());
    }

    #[test]
    fn token_buffer_is_reused_and_truncated() {
        let mut v = Vec::new();
        tokens_into("one two three", &mut v);
        tokens_into("four", &mut v);
        assert_eq!(v, vec!["four"]);
    }

    #[test]
    fn stems_strip_one_suffix() {
        assert_eq!(stem("bizarrely"), "bizarre");
        assert_eq!(stem("attacking"), "attack");
        assert_eq!(stem("is"), "is");
        assert_eq!(stem("radicals"), "radical");
    }

    #[test]
    fn terms_are_unigrams_then_bigrams() {
        let toks = tokens("a b c");
        let mut got = Vec::new();
        let mut buf = String::new();
        for_each_term(&toks, true, &mut buf, |t| got.push(t.to_string()));
        assert_eq!(got, vec!["a", "b", "c", "a b", "b c"]);
    }

    /// Tokens of each range in turn, when `ranges_split_tokens` says so,
    /// are the tokens of the whole text.
    fn check_split(text: &str) -> bool {
        let layout = crate::text::segment(text);
        let ranges: Vec<(usize, usize)> =
            layout.sentences.iter().map(|s| (s.start, s.end)).collect();
        let ok = ranges_split_tokens(text, ranges.iter().copied());
        if ok {
            let joined: Vec<String> = ranges
                .iter()
                .flat_map(|&(s, e)| tokens(&text[s..e]))
                .collect();
            assert_eq!(joined, tokens(text), "{text:?}");
            let (mut v, mut starts) = (Vec::new(), Vec::new());
            tokens_with_starts(text, &mut v, &mut Vec::new(), &mut starts);
            assert_eq!(v, tokens(text));
            for (t, &s) in v.iter().zip(&starts) {
                assert_eq!(tokens(&text[s..])[0], *t);
            }
        }
        ok
    }

    #[test]
    fn sentence_tokens_are_slices_of_body_tokens() {
        assert!(check_split(
            "He said: \"We won't.\" Then he left.\n\nU.S. officials' plans, 3.5% up. end."
        ));
        assert!(check_split("One.Two"));
        // Touching ranges that a token runs across are refused.
        assert!(!ranges_split_tokens("ab", [(0, 1), (1, 2)]));
        assert!(!ranges_split_tokens("a'b", [(0, 2), (2, 3)]));
        assert!(!ranges_split_tokens("a b", [(0, 1)]));
        assert!(ranges_split_tokens("a. b", [(0, 2), (3, 4)]));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, ..Default::default() })]
        #[test]
        fn sentence_tokens_concatenate_to_body_tokens(
            t in "[a-zA-Z0-9 .!?,;:\"'()\n“”‘’…。Éé\u{2029}\u{300}-]{0,80}"
        ) {
            check_split(&t);
        }
    }

    /// `tokens` as first written: char by char.
    fn tokens_plain(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut it = text.char_indices().peekable();
        while let Some((_, c)) = it.next() {
            if !c.is_alphanumeric() {
                continue;
            }
            let mut tok = String::new();
            push_lower(&mut tok, c);
            while let Some(&(i, d)) = it.peek() {
                if d.is_alphanumeric() {
                    push_lower(&mut tok, d);
                    it.next();
                } else if (d == '\'' || d == '\u{2019}')
                    && text[i + d.len_utf8()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphabetic)
                {
                    tok.push('\'');
                    it.next();
                } else {
                    break;
                }
            }
            out.push(tok);
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]
        #[test]
        fn tokens_equal_the_char_by_char_version(
            t in "[a-zA-Z0-9 .,'\"’É éßİ\u{300}ǅ١-]{0,60}"
        ) {
            proptest::prop_assert_eq!(tokens(&t), tokens_plain(&t));
        }
    }

    /// `pack16` as plainly written: the bytes zero-padded to 16.
    fn pack16_plain(w: &[u8]) -> Option<[u64; 2]> {
        if w.is_empty() || w.len() > 16 {
            return None;
        }
        let mut b = [0u8; 16];
        b[..w.len()].copy_from_slice(w);
        Some([
            u64::from_le_bytes(b[..8].try_into().unwrap()),
            u64::from_le_bytes(b[8..].try_into().unwrap()),
        ])
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]
        #[test]
        fn packing_equals_zero_padding(w in "[a-zA-Z0-9]{0,20}") {
            let b = w.as_bytes();
            proptest::prop_assert_eq!(pack16(b), pack16_plain(b));
            let lower = w.to_ascii_lowercase();
            proptest::prop_assert_eq!(pack16_lower(b), pack16_plain(lower.as_bytes()));
        }

        #[test]
        fn raw_tokens_equal_tokens(
            t in "[a-zA-Z0-9 .,'\"’É éßİ\u{300}ǅ١-]{0,60}"
        ) {
            let mut got = Vec::new();
            let mut starts = Vec::new();
            let mut buf = String::from("stale");
            for_each_token_raw(&t, &mut buf, |s, tok| {
                starts.push(s);
                got.push(match tok {
                    RawToken::Ascii(b) => b.to_ascii_lowercase(),
                    RawToken::Lower(x) => x.to_string(),
                });
            });
            proptest::prop_assert_eq!(&got, &tokens_plain(&t));
            let (mut v, mut want) = (Vec::new(), Vec::new());
            tokens_with_starts(&t, &mut v, &mut Vec::new(), &mut want);
            proptest::prop_assert_eq!(starts, want);
        }
    }

    #[test]
    fn packed_map_finds_what_was_inserted() {
        let words: Vec<String> = (0..3000)
            .map(|i| format!("w{}x{}", i * 7919 % 10007, i))
            .collect();
        let mut m: PackedMap<u32> = PackedMap::default();
        assert_eq!(m.get(pack16(b"a").unwrap()), None);
        for (i, w) in words.iter().enumerate() {
            *m.entry(pack16(w.as_bytes()).unwrap()) = i as u32;
        }
        // A second insert overwrites.
        *m.entry(pack16(b"w0x0").unwrap()) = 99_999;
        for (i, w) in words.iter().enumerate().skip(1) {
            assert_eq!(m.get(pack16(w.as_bytes()).unwrap()), Some(i as u32));
            assert_eq!(m.get(pack16(format!("{w}q").as_bytes()).unwrap()), None);
        }
        assert_eq!(m.get(pack16(b"w0x0").unwrap()), Some(99_999));
    }

    #[test]
    fn function_word_list_is_sorted() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_uninformative("of the"));
        assert!(!is_uninformative("radical"));
    }
}
