//! Cheap per-line word statistics used by the boilerplate classifier.
//!
//! Takes: one line of text.
//! Gives: [`LineStats`]: word count, share of function words, share of
//! capitalised words, whether the line ends like a sentence. One linear pass,
//! no allocation per word.

/// English function words (articles, pronouns, prepositions, auxiliaries,
/// conjunctions). Sorted, lower case; looked up by binary search. Running
/// prose has many of them; menus, tags and headlines have few.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "during", "each", "for", "from", "had", "has", "have", "having", "he",
    "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "may",
    "me", "might", "more", "most", "must", "my", "no", "nor", "not", "of", "on", "once", "only",
    "or", "other", "our", "ours", "over", "said", "says", "shall", "she", "should", "so", "some",
    "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they",
    "this", "those", "through", "to", "too", "under", "until", "up", "upon", "us", "very", "was",
    "we", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose",
    "why", "will", "with", "within", "without", "would", "you", "your",
];

/// Function words grouped by first letter, for a short scan per word.
static BY_LETTER: std::sync::LazyLock<[Vec<&'static str>; 26]> = std::sync::LazyLock::new(|| {
    let mut groups: [Vec<&'static str>; 26] = Default::default();
    for w in FUNCTION_WORDS {
        groups[usize::from(w.as_bytes()[0] - b'a')].push(w);
    }
    groups
});

/// A word of at most 7 bytes packed with its length into one `u64` (the
/// bytes little-endian, the length in the top byte). Built byte by byte:
/// no variable-length copy (a `memcpy` call) per word.
const fn pack7(w: &[u8]) -> u64 {
    let mut k = (w.len() as u64) << 56;
    let mut i = 0;
    while i < w.len() {
        k |= (w[i] as u64) << (8 * i);
        i += 1;
    }
    k
}

/// Slots of [`PACKED`]: a power of two, about twice the words stored.
const SLOTS: usize = 256;

/// Home slot of a packed word (multiply-shift hash).
const fn slot(k: u64) -> usize {
    (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize % SLOTS
}

/// [`FUNCTION_WORDS`] packed by [`pack7`] in an open-addressing hash set
/// (0 = empty slot; a packed word is never 0): a hash and a short probe per
/// word instead of a binary search with its unpredictable branches. Built at
/// compile time, so a lookup needs no lazy-initialisation check.
static PACKED: [u64; SLOTS] = {
    let mut t = [0u64; SLOTS];
    let mut j = 0;
    while j < FUNCTION_WORDS.len() {
        let w = FUNCTION_WORDS[j].as_bytes();
        j += 1;
        if w.len() > 7 {
            continue;
        }
        let k = pack7(w);
        let mut i = slot(k);
        while t[i] != 0 && t[i] != k {
            i = (i + 1) % SLOTS;
        }
        t[i] = k;
    }
    t
};

/// Is the packed word `k` in [`PACKED`]?
fn packed_contains(k: u64) -> bool {
    let t = &PACKED;
    let mut i = slot(k);
    loop {
        match t[i] {
            0 => return false,
            v if v == k => return true,
            _ => i = (i + 1) % SLOTS,
        }
    }
}

/// Whether a lower-case word is a function word.
pub(crate) fn is_function_word(lower: &str) -> bool {
    match lower.as_bytes().first() {
        Some(&b) if b.is_ascii_lowercase() && lower.len() <= 7 => {
            BY_LETTER[usize::from(b - b'a')].contains(&lower)
        }
        _ => false,
    }
}

/// [`is_function_word`] of the lower-cased form of an ASCII word.
fn is_function_word_ascii(word: &[u8]) -> bool {
    if word.len() > 7 || !word.first().is_some_and(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let mut k = (word.len() as u64) << 56;
    for (i, &b) in word.iter().enumerate() {
        k |= u64::from(b.to_ascii_lowercase()) << (8 * i);
    }
    packed_contains(k)
}

/// Word statistics of one line.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LineStats {
    /// Tokens containing at least one letter or digit.
    pub words: usize,
    /// Function words among them.
    pub function: usize,
    /// Words starting with an upper-case letter.
    pub capitalised: usize,
    /// Words starting with a lower-case letter.
    pub lowercase: usize,
    /// The line ends like a sentence (`.`, `!`, `?`, `…`, optionally followed
    /// by closing quotes or brackets).
    pub ends_sentence: bool,
    /// The line ends with `.` (or `.` + closing quote): a statement.
    pub ends_period: bool,
}

impl LineStats {
    /// Share of function words (0 when there are no words).
    pub fn function_ratio(&self) -> f32 {
        if self.words == 0 {
            0.0
        } else {
            self.function as f32 / self.words as f32
        }
    }
}

/// Compute [`LineStats`] for a line.
pub(crate) fn stats(line: &str) -> LineStats {
    let mut s = if line.is_ascii() {
        ascii_word_stats(line.as_bytes())
    } else {
        word_stats(line)
    };
    let end = line
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*', '_']);
    s.ends_sentence = end.ends_with(['.', '!', '?', '…']);
    let ellipsis = end.ends_with("...") || end.ends_with('…');
    s.ends_period = (end.ends_with('.') && !ellipsis) || (ellipsis && s.words >= 8);
    s
}

/// The word counts of [`stats`] for an ASCII line, byte by byte: the same
/// tokens as `split_whitespace` (ASCII white space is tab to CR, and
/// space), trimmed of everything but letters and digits.
fn ascii_word_stats(line: &[u8]) -> LineStats {
    let mut s = LineStats::default();
    let ws = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
    let mut i = 0;
    while i < line.len() {
        if ws(line[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < line.len() && !ws(line[i]) {
            i += 1;
        }
        ascii_token(&line[start..i], &mut s);
    }
    s
}

/// Count one ASCII token (no white space in it) into `s`, as
/// [`word_stats`] would.
#[inline(always)]
fn ascii_token(tok: &[u8], s: &mut LineStats) {
    let Some(a) = tok.iter().position(|b| b.is_ascii_alphanumeric()) else {
        return;
    };
    let b = tok
        .iter()
        .rposition(|b| b.is_ascii_alphanumeric())
        .unwrap_or(a);
    let word = &tok[a..=b];
    s.words += 1;
    if word[0].is_ascii_uppercase() {
        s.capitalised += 1;
    } else if word[0].is_ascii_lowercase() {
        s.lowercase += 1;
    }
    if is_function_word_ascii(word) {
        s.function += 1;
    }
}

/// The word counts of [`stats`] for any line.
fn word_stats(line: &str) -> LineStats {
    let mut s = LineStats::default();
    let mut buf = [0u8; 8];
    for tok in line.split_whitespace() {
        // Most tokens of a non-ASCII line are ASCII: count them byte-wise.
        if tok.is_ascii() {
            ascii_token(tok.as_bytes(), &mut s);
            continue;
        }
        let word = tok.trim_matches(|c: char| !c.is_alphanumeric());
        let Some(first) = word.chars().next() else {
            continue;
        };
        s.words += 1;
        if first.is_uppercase() {
            s.capitalised += 1;
        } else if first.is_lowercase() {
            s.lowercase += 1;
        }
        if word.len() <= 7 && word.is_ascii() {
            let n = word.len();
            buf[..n].copy_from_slice(word.as_bytes());
            buf[..n].make_ascii_lowercase();
            if let Ok(lw) = std::str::from_utf8(&buf[..n]) {
                if is_function_word(lw) {
                    s.function += 1;
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain char-by-char counting that both fast paths must match.
    fn plain_word_stats(line: &str) -> LineStats {
        let mut s = LineStats::default();
        for tok in line.split_whitespace() {
            let word = tok.trim_matches(|c: char| !c.is_alphanumeric());
            let Some(first) = word.chars().next() else {
                continue;
            };
            s.words += 1;
            if first.is_uppercase() {
                s.capitalised += 1;
            } else if first.is_lowercase() {
                s.lowercase += 1;
            }
            if word.is_ascii() && is_function_word(&word.to_ascii_lowercase()) {
                s.function += 1;
            }
        }
        s
    }

    /// The hash set answers as the word list does, for every function word
    /// and for near misses (prefixes, extensions, other case).
    #[test]
    fn packed_function_words_match_the_list() {
        let mut words: Vec<String> = FUNCTION_WORDS.iter().map(|w| w.to_string()).collect();
        for w in FUNCTION_WORDS {
            words.push(format!("{w}s"));
            words.push(format!("x{w}"));
            words.push(w[..w.len() - 1].to_string());
            words.push(w.to_uppercase());
        }
        words.extend(["", "zzz", "1st", "2024", "the1", "aaaaaaa"].map(String::from));
        for w in &words {
            let lower = w.to_ascii_lowercase();
            let want = w.len() <= 7
                && w.starts_with(|c: char| c.is_ascii_alphabetic())
                && FUNCTION_WORDS.contains(&lower.as_str());
            assert_eq!(is_function_word_ascii(w.as_bytes()), want, "{w:?}");
        }
    }

    #[test]
    fn list_is_sorted() {
        let mut sorted = FUNCTION_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, FUNCTION_WORDS);
    }

    /// The ASCII fast path counts exactly what the general path counts.
    #[test]
    fn issue6_ascii_fast_path_equals_general_path() {
        let mut lines: Vec<String> = vec![
            "The minister said that he would travel to the city in May.".into(),
            "  --THE-- (And) 'if' \"Whether\" between.\x0bof\x0cthe\ttab\r\n x ... 123 9am".into(),
            "WhatsApp | Telegram | Facebook".into(),
            "".into(),
            " \t ".into(),
        ];
        let alphabet = b"aAbeEhiInoOrsStTwWy019 .,-'\"()\t\x0b\x0c\r\n|";
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            let mut l = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for k in 0..(x % 40) {
                let r = x.rotate_left(k as u32 * 5) as usize;
                l.push(alphabet[r % alphabet.len()] as char);
            }
            lines.push(l);
        }
        for w in FUNCTION_WORDS {
            lines.push(format!("{w} {} x{w} {w}s", w.to_uppercase()));
        }
        for l in &lines {
            assert_eq!(ascii_word_stats(l.as_bytes()), plain_word_stats(l), "{l:?}");
            assert_eq!(word_stats(l), plain_word_stats(l), "{l:?}");
        }
        // Non-ASCII lines: the general path (ASCII tokens counted byte-wise)
        // against the plain one.
        let alphabet: Vec<char> =
            "aAbeEhiInoOrsStTwWy019 .,-'\"()\t|“”’«»éÉßЖж\u{a0}\u{2009}\u{3000}—…"
                .chars()
                .collect();
        for _ in 0..3000 {
            let mut l = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for k in 0..(x % 40) {
                let r = x.rotate_left(k as u32 * 5) as usize;
                l.push(alphabet[r % alphabet.len()]);
            }
            assert_eq!(word_stats(&l), plain_word_stats(&l), "{l:?}");
        }
        for l in [
            "“The” minister said — that «he» would",
            "Élan of the ÉTAT in\u{a0}the",
        ] {
            assert_eq!(word_stats(l), plain_word_stats(l), "{l:?}");
        }
    }

    #[test]
    fn prose_vs_menu() {
        let p = stats("The minister said that he would travel to the city in May.");
        assert_eq!(p.words, 12);
        assert!(p.function_ratio() > 0.4);
        assert!(p.ends_sentence && p.ends_period);
        let m = stats("WhatsApp Telegram Facebook Twitter Email");
        assert_eq!(m.function, 0);
        assert!(!m.ends_sentence);
        let q = stats("“It is over,” he said.”");
        assert!(q.ends_period);
        assert!(stats("Does it work?").ends_sentence);
        assert!(!stats("Does it work?").ends_period);
    }
}
