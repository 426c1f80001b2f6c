//! Text normalisation before classification.
//!
//! Takes: decoded page text (plain text, Markdown, or text produced from
//! HTML).
//! Gives: non-empty [`Line`]s (ranges into one shared text buffer,
//! [`Lines`]) with whitespace normalised (no-break and odd
//! spaces become plain spaces, invisible characters and control characters
//! go), light Markdown syntax removed (links, emphasis, heading marks; image
//! lines flagged), blank-line blocks numbered, and hard-wrapped prose lines
//! joined back into paragraphs. Linear time.

use regex::Regex;
use std::sync::LazyLock;

/// The lines of one page: every line's text lies in the one shared `buf`
/// (no `String` per line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Lines {
    /// The lines' texts, back to back (joined paragraphs appended after
    /// the lines they replace).
    pub buf: String,
    pub lines: Vec<Line>,
}

#[cfg(test)]
impl Lines {
    /// The text of line `i`.
    pub fn text(&self, i: usize) -> &str {
        self.lines[i].text(&self.buf)
    }
}

/// One non-empty line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// Where the line's text lies in [`Lines::buf`].
    pub start: usize,
    pub end: usize,
    /// Index of the blank-line separated block the line belongs to.
    pub block: usize,
    /// The line was a Markdown image (`![alt](url)`); its text is the alt text.
    pub image: bool,
    /// The line was a Markdown heading (`# ...`).
    pub heading: bool,
    /// When the original line had wide gaps (runs of two or more spaces,
    /// or tabs) between words, as menus laid out with spaces do: the text
    /// with each gap shown as ` | `.
    pub segmented: Option<String>,
}

impl Line {
    /// The line's text in `buf` (its [`Lines::buf`]).
    pub fn text<'a>(&self, buf: &'a str) -> &'a str {
        &buf[self.start..self.end]
    }

    /// Length of the line's text in bytes.
    pub fn text_len(&self) -> usize {
        self.end - self.start
    }
}

/// Marks a wide gap (two or more spaces, or a tab) inside a line during
/// normalisation. A control character, so it never occurs in normalised
/// input.
const GAP: char = '\u{1F}';

/// Normalise characters and whitespace. Keeps `\n` as the only line break;
/// lines are trimmed and inner runs of spaces collapsed to one space.
pub(crate) fn normalize_chars(text: &str) -> String {
    let s = normalize_marking_gaps(text);
    if s.contains(GAP) {
        s.replace(GAP, " ")
    } else {
        s
    }
}

/// [`normalize_chars`], but wide gaps become [`GAP`] instead of a space.
fn normalize_marking_gaps(text: &str) -> String {
    normalize_impl::<true>(text)
}

/// The end of the run of printable ASCII other than space (`0x21..0x7F`)
/// starting at `i`, with single spaces between such bytes taken along when
/// `spaces` is set. Eight bytes at a time: a word-sized test finds the
/// first byte outside the range (exact for the first one, which is all
/// that is used).
#[inline(always)]
fn printable_run_end(bytes: &[u8], mut i: usize, spaces: bool) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let printable = |b: u8| (0x21..0x7F).contains(&b);
    loop {
        while let Some(eight) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
            let del = x ^ (ONES * 0x7F);
            let outside = (x.wrapping_sub(ONES * 0x21) & !x & HIGH)
                | (x & HIGH)
                | (del.wrapping_sub(ONES) & !del & HIGH);
            if outside != 0 {
                i += (outside.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        while i < bytes.len() && printable(bytes[i]) {
            i += 1;
        }
        if spaces && bytes.get(i) == Some(&b' ') && bytes.get(i + 1).is_some_and(|&b| printable(b))
        {
            i += 2;
            continue;
        }
        return i;
    }
}

/// [`normalize_marking_gaps`]; `SPACES_IN_RUNS` lets the printable-ASCII
/// fast path take single spaces along (the tests check it against the
/// path without).
fn normalize_impl<const SPACES_IN_RUNS: bool>(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut run = 0usize;
    let mut line_start = true;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Fast path: printable ASCII other than space.
        if (0x21..0x7F).contains(&b) {
            if pending_space {
                out.push(if run >= 2 { GAP } else { ' ' });
                pending_space = false;
            }
            run = 0;
            // Copy the whole run of printable ASCII at once, single spaces
            // between words included: a lone space followed by printable
            // ASCII comes out as itself (`run` 1 gives ' '), so copying it
            // is what the slow path would do.
            let start = i;
            i = printable_run_end(bytes, i, SPACES_IN_RUNS);
            out.push_str(&text[start..i]);
            line_start = false;
            continue;
        }
        let c = if b < 0x80 {
            i += 1;
            b as char
        } else {
            let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
            i += c.len_utf8();
            c
        };
        let c = match c {
            '\r' => {
                if bytes.get(i) == Some(&b'\n') {
                    continue;
                }
                '\n'
            }
            '\u{2028}' | '\u{2029}' | '\u{85}' => '\n',
            '\t' => {
                // A tab is a wide gap by itself.
                if !line_start {
                    pending_space = true;
                    run += 2;
                }
                continue;
            }
            '\u{0B}'
            | '\u{0C}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}' => ' ',
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' => continue,
            c if c.is_control() && c != '\n' => continue,
            c => c,
        };
        match c {
            '\n' => {
                out.push('\n');
                pending_space = false;
                run = 0;
                line_start = true;
            }
            ' ' => {
                if !line_start {
                    pending_space = true;
                    run += 1;
                }
            }
            c => {
                if pending_space {
                    out.push(if run >= 2 { GAP } else { ' ' });
                    pending_space = false;
                }
                run = 0;
                out.push(c);
                line_start = false;
            }
        }
    }
    out
}

static MD_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(!?)\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+"[^"\n]*")?\)"#)
        .expect("valid regex")
});
static MD_EMPH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\*\*([^*\n]+)\*\*|__([^_\n]+)__").expect("valid regex"));
static MD_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^#{1,6}\s+(.*?)(?:\s+#+)?$").expect("valid regex"));

/// Remove light Markdown syntax from one line. Returns the text and whether
/// the line was an image, a heading.
fn demarkdown(line: &str) -> (String, bool, bool) {
    let mut text = line.to_string();
    let mut image = false;
    let mut heading = false;
    if text.starts_with('#') {
        if let Some(c) = MD_HEADING.captures(&text) {
            text = c[1].to_string();
            heading = true;
        }
    }
    if let Some(rest) = text.strip_prefix("> ") {
        text = rest.to_string();
    }
    if text.contains("](") {
        let only_image = MD_LINK.captures(&text).is_some_and(|c| {
            &c[1] == "!" && c.get(0).map(|m| m.as_str().len()) == Some(text.len())
        });
        image = only_image;
        text = MD_LINK.replace_all(&text, "$2").into_owned();
    }
    if text.contains("**") || text.contains("__") {
        text = MD_EMPH.replace_all(&text, "$1$2").into_owned();
    }
    (text.trim().to_string(), image, heading)
}

/// Split normalised text into non-empty lines with block numbers, removing
/// Markdown syntax and joining hard-wrapped prose.
pub(crate) fn to_lines(text: &str) -> Lines {
    let norm = normalize_marking_gaps(text);
    let mut buf = String::with_capacity(norm.len());
    let mut lines: Vec<Line> = Vec::new();
    let mut block = 0usize;
    let mut prev_blank = true;
    for raw in norm.split('\n') {
        if raw.is_empty() {
            if !prev_blank {
                block += 1;
            }
            prev_blank = true;
            continue;
        }
        prev_blank = false;
        let (raw, segmented) = if raw.contains(GAP) {
            (
                std::borrow::Cow::Owned(raw.replace(GAP, " ")),
                Some(raw.replace(GAP, " | ")),
            )
        } else {
            (std::borrow::Cow::Borrowed(raw), None)
        };
        let raw: &str = &raw;
        let start = buf.len();
        // Markdown syntax only matters on short-ish lines that carry it.
        let (image, heading) = if raw.len() <= 20_000
            && (raw.starts_with('#')
                || raw.starts_with("> ")
                || raw.contains("](")
                || raw.contains("**")
                || raw.contains("__"))
        {
            let (text, image, heading) = demarkdown(raw);
            buf.push_str(&text);
            (image, heading)
        } else {
            buf.push_str(raw);
            (false, false)
        };
        if buf.len() == start {
            continue;
        }
        lines.push(Line {
            start,
            end: buf.len(),
            block,
            image,
            heading,
            segmented,
        });
    }
    join_wrapped(Lines { buf, lines })
}

/// Does this line start like a list item, a time or a date?
fn listish(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    matches!(
        first,
        '-' | '•' | '*' | '·' | '–' | '—' | '▪' | '►' | '■' | '●' | '◦' | '‣' | '|'
    ) || first.is_ascii_digit() && s.len() < 40
}

/// Join lines of hard-wrapped paragraphs (e-mail / Markdown style, lines cut
/// at a fixed width) within one block. A block is taken as wrapped when it
/// has at least two lines, its longest line is 40–100 characters, every line
/// but the last is at least 55% as long as the longest, no line looks like a
/// list item, and at least half of the breaks fall mid-sentence (the next
/// line starts with a lower-case letter, or the line ends without
/// punctuation and the next starts lower case). Lists of headlines have
/// capitalised lines and do not qualify.
fn join_wrapped(lines: Lines) -> Lines {
    let Lines { mut buf, lines } = lines;
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    // Lines of blocks left as they are move over; a joined paragraph is
    // appended to `buf` (the ranges of the lines it joins are left unused).
    let mut lines = lines;
    // A joined paragraph, built here before it is appended to `buf`.
    let mut joined = String::new();
    let mut i = 0;
    while i < lines.len() {
        let mut j = i + 1;
        while j < lines.len() && lines[j].block == lines[i].block {
            j += 1;
        }
        let group = &lines[i..j];
        if group.len() >= 2 && is_wrapped(&buf, group) {
            joined.clear();
            for l in group {
                let line = l.text(&buf);
                if joined.ends_with('-')
                    && joined.chars().rev().nth(1).is_some_and(char::is_alphabetic)
                    && line.starts_with(char::is_lowercase)
                {
                    // A word hyphenated across lines: keep the hyphen.
                } else if !joined.is_empty() {
                    joined.push(' ');
                }
                joined.push_str(line);
            }
            let start = buf.len();
            buf.push_str(&joined);
            out.push(Line {
                start,
                end: buf.len(),
                block: group[0].block,
                image: false,
                heading: false,
                segmented: None,
            });
        } else {
            out.extend(lines[i..j].iter_mut().map(|l| Line {
                segmented: l.segmented.take(),
                ..*l
            }));
        }
        i = j;
    }
    Lines { buf, lines: out }
}

fn is_wrapped(buf: &str, group: &[Line]) -> bool {
    let lens: Vec<usize> = group.iter().map(|l| l.text(buf).chars().count()).collect();
    let max = *lens.iter().max().unwrap_or(&0);
    if !(40..=100).contains(&max) {
        return false;
    }
    if lens[..lens.len() - 1].iter().any(|&n| n * 100 < max * 55) {
        return false;
    }
    if group
        .iter()
        .any(|l| l.image || l.heading || listish(l.text(buf)))
    {
        return false;
    }
    let breaks = group.len() - 1;
    let mid = group
        .windows(2)
        .filter(|w| w[1].text(buf).starts_with(|c: char| c.is_lowercase()))
        .count();
    mid * 2 >= breaks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_and_invisibles() {
        let s = normalize_chars("  Vladimir\u{A0}Putin\u{200B} met\t\tLi \r\nnext\rline\u{7}");
        assert_eq!(s, "Vladimir Putin met Li\nnext\nline");
    }

    #[test]
    fn wide_gaps_are_kept_as_segments() {
        let lines = to_lines("Home   World\tSport  Business\nOne two.  Three four.\n");
        assert_eq!(lines.text(0), "Home World Sport Business");
        assert_eq!(
            lines.lines[0].segmented.as_deref(),
            Some("Home | World | Sport | Business")
        );
        assert_eq!(lines.text(1), "One two. Three four.");
    }

    #[test]
    fn blocks_and_markdown() {
        let lines = to_lines("# A Title #\n\nSee [the report](https://x.y/z) **now**.\n![Putin in Moscow](img.jpg)\n");
        assert_eq!(lines.lines.len(), 3);
        assert_eq!(lines.text(0), "A Title");
        assert!(lines.lines[0].heading);
        assert_eq!(lines.text(1), "See the report now.");
        assert_eq!(lines.lines[1].block, 1);
        assert!(lines.lines[2].image);
        assert_eq!(lines.text(2), "Putin in Moscow");
    }

    /// The word-at-a-time run end equals the byte-by-byte one, at every
    /// start of random byte strings (DEL, controls, high bytes included).
    #[test]
    fn printable_run_end_equals_the_bytewise_scan() {
        let bytewise = |b: &[u8], mut i: usize, spaces: bool| {
            while i < b.len() {
                if (0x21..0x7F).contains(&b[i]) {
                    i += 1;
                } else if spaces
                    && b[i] == b' '
                    && b.get(i + 1).is_some_and(|c| (0x21..0x7F).contains(c))
                {
                    i += 2;
                } else {
                    break;
                }
            }
            i
        };
        let alphabet = b"ab~!  \x7f\x80\xff\x20\x21\x1f\x00\t\n";
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let b: Vec<u8> = (0..(x % 40))
                .map(|k| alphabet[x.rotate_left(k as u32 * 5) as usize % alphabet.len()])
                .collect();
            for start in 0..b.len() {
                for spaces in [false, true] {
                    assert_eq!(
                        printable_run_end(&b, start, spaces),
                        bytewise(&b, start, spaces),
                        "{b:?} from {start}"
                    );
                }
            }
        }
    }

    /// Copying single spaces with the printable runs changes nothing.
    #[test]
    fn spaces_in_runs_fast_path_equals_plain_path() {
        let alphabet: Vec<char> = "ab .,\t\r\n\u{b}\u{a0}\u{200b}\u{2028}é“\u{1}\u{3000}"
            .chars()
            .collect();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..5000 {
            let mut t = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for k in 0..(x % 48) {
                let r = x.rotate_left(k as u32 * 7) as usize;
                t.push(alphabet[r % alphabet.len()]);
            }
            assert_eq!(
                normalize_impl::<true>(&t),
                normalize_impl::<false>(&t),
                "{t:?}"
            );
        }
    }

    #[test]
    fn wrapped_prose_is_joined_but_lists_are_not() {
        let wrapped = "The minister arrived in the capital on Sunday for talks\nwith his counterpart, officials said, and the two men\nspoke for an hour.\n";
        let lines = to_lines(wrapped);
        assert_eq!(lines.lines.len(), 1);
        assert!(lines.text(0).starts_with("The minister arrived"));
        assert!(lines.text(0).ends_with("for an hour."));
        let list = "Minister arrives in capital for the first round of talks\nMarkets fall sharply after the central bank decision\nStorm hits the coast as thousands are told to leave\n";
        assert_eq!(to_lines(list).lines.len(), 3);
    }
}
