//! Word tokens, light stemming and n-gram terms for the classifier.
//!
//! Takes: a sentence or an article text (`&str`).
//! Gives: lower-cased word tokens ([`tokens`]), a crude suffix stem per
//! token ([`stem`]) used by the bias-word prior, and the unigram + bigram
//! term strings the vectorizer counts ([`for_each_term`]). Everything here
//! is allocation-light because it runs once per scored sentence.

/// A small, fast, deterministic hasher (FNV-1a) for the vocabulary lookup
/// maps. Lookup maps are never iterated for output, so their order cannot
/// leak; FNV only makes the per-sentence lookups cheap.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// `BuildHasher` for [`Fnv`].
pub type FnvBuild = std::hash::BuildHasherDefault<Fnv>;
/// A string-keyed lookup map with the FNV hasher.
pub type FnvMap<K, V> = std::collections::HashMap<K, V, FnvBuild>;

/// Lower-cased word tokens of `text`: maximal runs of alphanumeric
/// characters, with inner apostrophes (`'` or `’`) kept when a letter
/// follows (`don't`, `trump's`). Curly apostrophes become `'`.
///
/// `out` is cleared first and reused, so a caller scoring many sentences
/// allocates only when a sentence is longer than any before it.
pub fn tokens_into(text: &str, out: &mut Vec<String>) {
    let mut n = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        if n == out.len() {
            out.push(String::new());
        }
        let tok = &mut out[n];
        tok.clear();
        push_lower(tok, c);
        while let Some(&(_, d)) = chars.peek() {
            if d.is_alphanumeric() {
                push_lower(tok, d);
                chars.next();
            } else if d == '\'' || d == '\u{2019}' {
                // Keep the apostrophe only when a letter follows it.
                let mut ahead = chars.clone();
                ahead.next();
                match ahead.peek() {
                    Some(&(_, e)) if e.is_alphabetic() => {
                        tok.push('\'');
                        chars.next();
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        n += 1;
    }
    out.truncate(n);
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

    #[test]
    fn function_word_list_is_sorted() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_uninformative("of the"));
        assert!(!is_uninformative("radical"));
    }
}
