//! Cheap per-line word statistics used by the boilerplate classifier.
//!
//! Takes: one line of text.
//! Gives: [`LineStats`]: word count, share of function words, share of
//! capitalised words, whether the line ends like a sentence. One linear pass,
//! no allocation per word.

/// English function words (articles, pronouns, prepositions, auxiliaries,
/// conjunctions). Sorted, lower case; looked up in [`PACKED`]. Running
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

/// Function words grouped by first letter, for a short scan per word (the
/// plain lookup the tests check the fast ones against).
#[cfg(test)]
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

/// Slots of [`PACKED`]: a power of two ([`SLOT_BITS`] bits).
const SLOT_BITS: u32 = 10;
const SLOTS: usize = 1 << SLOT_BITS;

/// Multiplier of [`slot`], searched for so that every packed function word
/// has a slot of its own (the table build below checks it at compile time).
/// After an edit of [`FUNCTION_WORDS`] breaks that, the ignored test
/// `find_slot_multiplier` prints a new one:
/// `cargo test --release --lib find_slot_multiplier -- --ignored --nocapture`.
const SLOT_MULTIPLIER: u64 = 0x5281_6404_cdb3_91cb;

/// Home slot of a packed word (multiply-shift hash).
const fn slot(k: u64) -> usize {
    slot_with(k, SLOT_MULTIPLIER)
}

const fn slot_with(k: u64, multiplier: u64) -> usize {
    (k.wrapping_mul(multiplier) >> (64 - SLOT_BITS)) as usize
}

/// [`FUNCTION_WORDS`] packed by [`pack7`] in a table by [`slot`] (0 = empty
/// slot; a packed word is never 0), each word alone in its slot: a lookup
/// is a hash, one load and a compare, with no probing (no branch to
/// mispredict). Built at compile time, so a lookup needs no
/// lazy-initialisation check.
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
        let i = slot(k);
        assert!(
            t[i] == 0,
            "two function words share a slot: see SLOT_MULTIPLIER for a new one"
        );
        t[i] = k;
    }
    t
};

/// Is the packed word `k` in [`PACKED`]?
#[inline(always)]
fn packed_contains(k: u64) -> bool {
    PACKED[slot(k)] == k
}

/// Whether a lower-case word is a function word.
#[cfg(test)]
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

/// [`is_function_word_ascii`] of `line[at..at + len]` (`len` at least 1),
/// reading eight bytes at once when the line has them.
#[inline(always)]
fn is_function_word_at(line: &[u8], at: usize, len: usize) -> bool {
    if len > 7 || !line[at].is_ascii_alphabetic() {
        return false;
    }
    let Some(eight) = line.get(at..at + 8) else {
        return is_function_word_ascii(&line[at..at + len]);
    };
    let mask = (1u64 << (8 * len)) - 1;
    let x = u64::from_le_bytes(eight.try_into().expect("8 bytes")) & mask;
    // Setting bit 5 lower-cases a letter and never turns another byte into
    // a lower-case letter, so a word with a non-letter still misses.
    packed_contains(x | (0x2020_2020_2020_2020 & mask) | ((len as u64) << 56))
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

/// [`CLASS`] bit: an ASCII letter or digit.
const ALNUM: u8 = 1;
/// [`CLASS`] bit: an ASCII upper-case letter.
const UPPER: u8 = 2;
/// [`CLASS`] bit: an ASCII lower-case letter.
const LOWER: u8 = 4;

/// Class bits of every byte value: one table load instead of range tests.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_uppercase() {
            t[b] = ALNUM | UPPER;
        } else if c.is_ascii_lowercase() {
            t[b] = ALNUM | LOWER;
        } else if c.is_ascii_digit() {
            t[b] = ALNUM;
        }
        b += 1;
    }
    t
};

/// Is `b` ASCII white space (tab to carriage return, or space), as
/// `char::is_whitespace` says for ASCII?
#[inline(always)]
fn is_ascii_ws(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// The first index from `i` on whose byte is at or below a space, or
/// non-ASCII (`bytes.len()` if none): the only bytes where a token can
/// end. Eight bytes at a time, most of a word at once.
#[inline(always)]
fn next_special(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(eight) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
        // High bit of each byte below 0x21 (exact up to the first such
        // byte: a borrow only starts there) or at or above 0x80.
        let special = (x.wrapping_sub(ONES * 0x21) & !x & HIGH) | (x & HIGH);
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && (0x21..0x80).contains(&bytes[i]) {
        i += 1;
    }
    i
}

/// The white space character starting at byte `i` of `line` (a char
/// boundary): its length in bytes, or `None` if it is not white space.
#[inline(always)]
fn white_space_at(line: &str, i: usize) -> Option<usize> {
    let b = line.as_bytes()[i];
    if b < 0x80 {
        return is_ascii_ws(b).then_some(1);
    }
    let c = line[i..].chars().next()?;
    c.is_whitespace().then(|| c.len_utf8())
}

/// Compute [`LineStats`] for a line.
pub(crate) fn stats(line: &str) -> LineStats {
    let mut s = word_stats(line);
    let end = line
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*', '_']);
    s.ends_sentence = end.ends_with(['.', '!', '?', '…']);
    let ellipsis = end.ends_with("...") || end.ends_with('…');
    s.ends_period = (end.ends_with('.') && !ellipsis) || (ellipsis && s.words >= 8);
    s
}

/// The word counts of [`stats`]: the tokens of `split_whitespace`, each
/// trimmed of everything but letters and digits. Tokens are cut byte by
/// byte (eight at a time between spaces, see [`next_special`]); an ASCII
/// token is counted from its bytes, the rare other one char by char.
pub(crate) fn word_stats(line: &str) -> LineStats {
    let mut s = LineStats::default();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(w) = white_space_at(line, i) {
            i += w;
            continue;
        }
        let start = i;
        let mut ascii = true;
        loop {
            i = next_special(bytes, i);
            if i >= bytes.len() {
                break;
            }
            if white_space_at(line, i).is_some() {
                break;
            }
            if bytes[i] >= 0x80 {
                ascii = false;
                i += line[i..].chars().next().map_or(1, char::len_utf8);
            } else {
                i += 1;
            }
        }
        if ascii {
            ascii_token(bytes, start, i, &mut s);
        } else {
            unicode_token(&line[start..i], &mut s);
        }
    }
    s
}

/// Count the ASCII token `line[start..end]` (no white space in it) into `s`.
#[inline(always)]
fn ascii_token(line: &[u8], start: usize, end: usize, s: &mut LineStats) {
    let tok = &line[start..end];
    let Some(a) = tok.iter().position(|&b| CLASS[usize::from(b)] & ALNUM != 0) else {
        return;
    };
    // The token has a letter or digit at `a`: the backward scan stops there.
    let mut b = tok.len() - 1;
    while CLASS[usize::from(tok[b])] & ALNUM == 0 {
        b -= 1;
    }
    s.words += 1;
    let first = CLASS[usize::from(tok[a])];
    s.capitalised += usize::from(first & UPPER != 0);
    s.lowercase += usize::from(first & LOWER != 0);
    s.function += usize::from(is_function_word_at(line, start + a, b + 1 - a));
}

/// Count one token with a non-ASCII character (no white space in it) into `s`.
fn unicode_token(tok: &str, s: &mut LineStats) {
    let word = tok.trim_matches(|c: char| !c.is_alphanumeric());
    let Some(first) = word.chars().next() else {
        return;
    };
    s.words += 1;
    if first.is_uppercase() {
        s.capitalised += 1;
    } else if first.is_lowercase() {
        s.lowercase += 1;
    }
    if word.len() <= 7 && word.is_ascii() && is_function_word_ascii(word.as_bytes()) {
        s.function += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prints an odd multiplier that gives every packed function word its
    /// own slot (with about 100 words in 1,024 slots, about one odd
    /// multiplier in 150 does), for [`SLOT_MULTIPLIER`].
    #[test]
    #[ignore = "a tool for editing FUNCTION_WORDS, not a check"]
    fn find_slot_multiplier() {
        let keys: Vec<u64> = FUNCTION_WORDS
            .iter()
            .filter(|w| w.len() <= 7)
            .map(|w| pack7(w.as_bytes()))
            .collect();
        let mut g = crate::rng::SplitMix64::new(1);
        let found = (0..1_000_000).map(|_| g.next_u64() | 1).find(|&m| {
            let mut used = vec![false; SLOTS];
            keys.iter()
                .all(|&k| !std::mem::replace(&mut used[slot_with(k, m)], true))
        });
        let m = found.expect("a multiplier within a million tries");
        println!("SLOT_MULTIPLIER = {m:#x}");
    }

    #[test]
    fn every_function_word_has_its_own_slot() {
        for w in FUNCTION_WORDS.iter().filter(|w| w.len() <= 7) {
            let k = pack7(w.as_bytes());
            assert_eq!(PACKED[slot(k)], k, "{w}");
        }
    }

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

    /// The eight-byte read answers as the byte-wise one, for every word
    /// start and length in lines of every length (so with and without
    /// eight bytes left).
    #[test]
    fn function_word_at_matches_the_bytewise_check() {
        let text = b"The THE of;a?an In it's-x Whether wHiCh 1st \x01by\x7fto aboutus said";
        for end in 0..=text.len() {
            let line = &text[..end];
            for at in 0..end {
                for len in 1..=(end - at).min(9) {
                    assert_eq!(
                        is_function_word_at(line, at, len),
                        is_function_word_ascii(&line[at..at + len]),
                        "{:?}",
                        String::from_utf8_lossy(&line[at..at + len])
                    );
                }
            }
        }
    }

    /// [`next_special`] stops at the first byte at or below a space or
    /// non-ASCII, at every start and in lines of every length.
    #[test]
    fn next_special_finds_the_first_special_byte() {
        let text =
            "abcdefghij klmnop\tqrstuvwxyz0123456789\u{1}ABCDEFG\u{7f}HIJéKLMNOP“QRSTUVWXYZ!";
        let b = text.as_bytes();
        for end in 0..=b.len() {
            for start in 0..=end {
                let want = (start..end)
                    .find(|&i| b[i] <= b' ' || b[i] >= 0x80)
                    .unwrap_or(end);
                assert_eq!(next_special(&b[..end], start), want, "{start}..{end}");
            }
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
        let alphabet = b"aAbeEhiInoOrsStTwWy019 .,-'\"()\t\x0b\x0c\r\n|\x01\x1f\x7f";
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            let mut l = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for k in 0..(x % 90) {
                let r = x.rotate_left(k as u32 * 5) as usize;
                l.push(alphabet[r % alphabet.len()] as char);
            }
            lines.push(l);
        }
        for w in FUNCTION_WORDS {
            lines.push(format!("{w} {} x{w} {w}s", w.to_uppercase()));
        }
        for l in &lines {
            assert_eq!(word_stats(l), plain_word_stats(l), "{l:?}");
        }
        // Non-ASCII lines: the general path (ASCII tokens counted byte-wise)
        // against the plain one.
        let alphabet: Vec<char> =
            "aAbeEhiInoOrsStTwWy019 .,-'\"()\t|“”’«»éÉßЖж\u{a0}\u{2009}\u{3000}—…\u{85}\u{1680}\u{2028}\u{205f}\u{1}\u{7f}\u{200b}"
                .chars()
                .collect();
        for _ in 0..3000 {
            let mut l = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for k in 0..(x % 90) {
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
