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

/// Whether a lower-case word is a function word.
pub(crate) fn is_function_word(lower: &str) -> bool {
    match lower.as_bytes().first() {
        Some(&b) if b.is_ascii_lowercase() && lower.len() <= 7 => {
            BY_LETTER[usize::from(b - b'a')].contains(&lower)
        }
        _ => false,
    }
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
    let mut s = LineStats::default();
    let mut buf = [0u8; 8];
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
    let end = line
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '*', '_']);
    s.ends_sentence = end.ends_with(['.', '!', '?', '…']);
    let ellipsis = end.ends_with("...") || end.ends_with('…');
    s.ends_period = (end.ends_with('.') && !ellipsis) || (ellipsis && s.words >= 8);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted() {
        let mut sorted = FUNCTION_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, FUNCTION_WORDS);
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
