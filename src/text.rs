//! Stage 3: text.
//!
//! Takes: a cleaned body (`&str`) and the [`Lexicons`] (report verbs, roles).
//! Gives: a [`Layout`]: paragraphs, sentences, word tokens, direct quotes and
//! attributions (report verbs with their speakers), every one a byte range
//! into that same body (`&body[start..end]` is always valid and is exactly
//! the unit's text).
//!
//! * Paragraphs are separated by blank lines (the extractor writes `"\n\n"`).
//! * Sentences follow Unicode sentence boundaries (UAX #29) inside a
//!   paragraph, then fragments cut after abbreviations (`Mr.`, `Gen.`,
//!   `U.S.`, `Apr. 16`, `No. 5`, initials) are joined again. A sentence never
//!   crosses a paragraph and is trimmed of whitespace. A single line break
//!   inside a paragraph ends a sentence unless it looks like a wrapped line.
//! * Tokens are Unicode words (UAX #29) of a sentence: words and numbers.
//! * Quotes: straight `"…"`, curly `“…”`, `„…“`, `«…»`, and single curly
//!   `‘…’` when clearly a quote (opened before a letter, closed by a `’` not
//!   followed by a letter, so apostrophes never count). A quote that runs to
//!   the end of a paragraph continues when the next paragraph opens with a
//!   quotation mark (news convention); otherwise an unclosed mark is ignored.
//! * Speakers: `"…," Putin said`, `"…," said Li`, `Li said that … "…"`,
//!   `Putin said: "…"`, `"…," he told Putin`, `according to X`. A pronoun
//!   (`he`/`she`) is resolved to the most recent person named in the
//!   previous sentences only when exactly one person is named there; else
//!   the speaker stays `None` and `speaker_note` says why.

use crate::lexicon::{self, ser_opt_arc_str, Hit, LexFile, Lexicons, RoleKind, Stance};
use std::cell::Cell;
use std::ops::Range;
use std::sync::Arc;
use unicode_segmentation::UnicodeSegmentation;

/// A sentence: byte range plus the paragraph it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
}

/// Token kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Word,
    Number,
}

/// A word or number token (punctuation and spaces are not tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Token {
    pub start: u32,
    pub end: u32,
    pub kind: TokenKind,
    /// Index of the sentence containing the token.
    pub sentence: u32,
}

/// A direct quotation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Quote {
    /// Range including the quotation marks.
    pub start: usize,
    pub end: usize,
    /// Range of the quoted words, without the outer marks (a quote running
    /// over several paragraphs keeps the marks that reopen each paragraph).
    pub inner_start: usize,
    pub inner_end: usize,
    /// The speaker named next to the quote, if the text names one (for a
    /// resolved pronoun: the name it refers to). Shared with the
    /// attribution's [`Speaker::name`] and the quote's span note.
    #[serde(serialize_with = "ser_opt_arc_str")]
    pub speaker: Option<Arc<str>>,
    /// Byte range of the speaker's name in the body (`&body[r] == speaker`;
    /// for a resolved pronoun, the earlier mention of the name).
    pub speaker_range: Option<(usize, usize)>,
    /// Sentence index where the quote starts.
    pub sentence: usize,
    /// Why there is no speaker, or how it was found (pronoun resolution,
    /// unnamed source, same speaker as the previous quote).
    #[serde(serialize_with = "ser_opt_arc_str")]
    pub speaker_note: Option<Arc<str>>,
    /// Index in [`Layout::attributions`] of the report verb that introduces
    /// the quote, if any.
    pub attribution: Option<usize>,
}

/// What kind of source a speaker phrase is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerKind {
    /// A proper name or named organisation: "Putin", "the Kremlin",
    /// "Chinese Foreign Ministry spokesman Wang Wenbin".
    Name,
    /// A definite title or institution without a name: "the minister",
    /// "police", "China's Foreign Minister".
    Role,
    /// An unidentified source: "a senior official in Kyiv", "analysts".
    Unnamed,
    /// A pronoun ("he", "she", "they"); see [`Speaker::resolved`].
    Pronoun,
}

/// Where the speaker stands relative to the report verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerPattern {
    /// Before the verb: "Putin said".
    Subject,
    /// After the verb, right after a quote: `"…," said Li`.
    Inverted,
    /// After a cue that names its source afterwards: "according to X".
    After,
}

/// The source of an attribution.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Speaker {
    /// The phrase naming the source as written (may be a pronoun).
    pub start: usize,
    pub end: usize,
    pub kind: SpeakerKind,
    pub pattern: SpeakerPattern,
    /// The name: the phrase itself, or for a resolved pronoun the earlier
    /// mention it refers to. `None` for unresolved pronouns. An `Arc` so
    /// that the quote it introduces and its span share it.
    #[serde(serialize_with = "ser_opt_arc_str")]
    pub name: Option<Arc<str>>,
    /// For a resolved pronoun: range of the earlier mention (`&body[r] == name`).
    pub resolved: Option<(usize, usize)>,
    /// Why a pronoun was not resolved.
    pub note: Option<String>,
    /// An unidentified source ("a senior official", "analysts", "an aide"),
    /// as opposed to a group of people ("voters") or a named source.
    pub anonymous: bool,
}

/// A report verb or attribution phrase ("said", "according to") and its source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attribution {
    /// Range of the cue itself.
    pub start: usize,
    pub end: usize,
    /// Index of the attribution entry in the [`Lexicons`] the layout was
    /// built with ([`Lexicons::entry`]).
    pub entry: u32,
    pub stance: Stance,
    /// The source, when the sentence names or describes one.
    pub speaker: Option<Speaker>,
    /// The cue sits inside a direct quote (the speaker quoting someone).
    pub in_quote: bool,
}

/// The segmentation of a body.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Layout {
    pub paragraphs: Vec<Range<usize>>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
    pub quotes: Vec<Quote>,
    /// Report verbs and attribution phrases with their speakers, by start.
    pub attributions: Vec<Attribution>,
    /// [`Lexicons::id`] of the lexicons the layout was built with.
    #[serde(skip)]
    pub lexicons: u64,
    /// All lexicon matches in the body ([`Lexicons::scan`]), kept so that
    /// the span stage does not scan twice.
    #[serde(skip)]
    pub(crate) hits: Vec<Hit>,
}

impl Layout {
    /// Index of the sentence containing byte `pos` (the last sentence
    /// starting at or before it).
    pub fn sentence_at(&self, pos: usize) -> usize {
        match self.sentences.binary_search_by(|s| s.start.cmp(&pos)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        }
    }

    /// Number of word tokens (numbers excluded).
    pub fn word_count(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .count()
    }

    /// Index of the quote whose words contain `[start, end)`, if any.
    pub fn quote_containing(&self, start: usize, end: usize) -> Option<usize> {
        let i = self.quotes.partition_point(|q| q.inner_start <= start);
        (i > 0 && end <= self.quotes[i - 1].inner_end).then(|| i - 1)
    }
}

/// Segment a body with the embedded lexicons (see [`segment_with`]).
pub fn segment(body: &str) -> Layout {
    segment_with(body, Lexicons::embedded())
}

/// Segment a body into paragraphs, sentences, tokens, quotes and
/// attributions, using `lex` for report verbs and source words.
pub fn segment_with(body: &str, lex: &Lexicons) -> Layout {
    let mut layout = Layout {
        lexicons: lex.id(),
        ..Layout::default()
    };
    split_paragraphs(body, &mut layout);
    split_sentences(body, &mut layout);
    tokenize(body, &mut layout);
    find_quotes(body, &mut layout);
    find_attributions(body, &mut layout, lex);
    quote_speakers(body, &mut layout);
    layout
}

// ---------------------------------------------------------------------------
// Paragraphs and sentences

fn split_paragraphs(body: &str, layout: &mut Layout) {
    let mut para: Option<(usize, usize)> = None;
    let mut pos = 0;
    for line in body.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        if line.trim().is_empty() {
            if let Some((s, e)) = para.take() {
                push_trimmed(body, s, e, &mut layout.paragraphs);
            }
        } else {
            let end = start + line.len();
            para = Some(match para {
                Some((s, _)) => (s, end),
                None => (start, end),
            });
        }
    }
    if let Some((s, e)) = para {
        push_trimmed(body, s, e, &mut layout.paragraphs);
    }
}

fn push_trimmed(body: &str, s: usize, e: usize, out: &mut Vec<Range<usize>>) {
    if let Some(r) = trim_range(body, s, e) {
        out.push(r);
    }
}

/// `s..e` without leading and trailing whitespace; `None` if nothing is left.
fn trim_range(body: &str, s: usize, e: usize) -> Option<Range<usize>> {
    let t = &body[s..e];
    let lead = t.len() - t.trim_start().len();
    let tt = t.trim();
    (!tt.is_empty()).then(|| s + lead..s + lead + tt.len())
}

const TITLE_ABBR: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Lt", "Col", "Maj", "Capt", "Cmdr", "Adm", "Sgt",
    "Cpl", "Pvt", "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Insp", "Det", "Brig", "Fr",
    "St", "Mt", "Ft", "Messrs", "Sens", "Reps", "Govs", "Gens", "Amb", "Atty",
];
const MONTH_ABBR: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
];
const NUMBER_ABBR: &[&str] = &[
    "no", "nos", "vol", "fig", "art", "p", "pp", "para", "ch", "sec", "op", "nr",
];
const ALWAYS_ABBR: &[&str] = &["vs", "v", "cf", "approx", "ca"];
/// Words that usually open a sentence: after `U.S.` or `p.m.` they mean the
/// abbreviation ended the sentence.
const STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "My",
    "But",
    "And",
    "Or",
    "So",
    "Yet",
    "In",
    "On",
    "At",
    "As",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "Because",
    "Although",
    "However",
    "Meanwhile",
    "Still",
    "Also",
    "Some",
    "Many",
    "Most",
    "Both",
    "Each",
    "Other",
    "Another",
    "For",
    "From",
    "With",
    "Without",
    "During",
    "Over",
    "Under",
    "Last",
    "Next",
    "Earlier",
    "Later",
    "Now",
    "Then",
    "Today",
    "Yesterday",
    "What",
    "Who",
    "How",
    "Why",
    "Where",
    "Such",
    "Not",
    "No",
    "One",
    "Two",
    "Officials",
    "Asked",
];

/// Whether the fragment `prev` (ending a candidate sentence) ends with an
/// abbreviation that does not end the sentence, given what follows.
fn joins_abbreviation(prev: &str, next: &str) -> bool {
    if prev.ends_with('\n') {
        return false;
    }
    let p = prev.trim_end();
    let Some(p) = p.strip_suffix('.') else {
        return false;
    };
    let abbr_len = p
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphabetic() || *b == b'.')
        .count();
    let abbr = &p[p.len() - abbr_len..];
    if abbr.is_empty() || abbr.starts_with('.') {
        return false;
    }
    if p[..p.len() - abbr_len]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric())
    {
        return false;
    }
    let n = next.trim_start();
    let Some(first) = n.chars().next() else {
        return false;
    };
    let word_end = n.find(|c: char| !c.is_alphanumeric()).unwrap_or(n.len());
    let word = &n[..word_end];
    let ci = |list: &[&str]| list.iter().any(|x| x.eq_ignore_ascii_case(abbr));
    if TITLE_ABBR.contains(&abbr) || ci(ALWAYS_ABBR) {
        return true;
    }
    if MONTH_ABBR.contains(&abbr) || ci(NUMBER_ABBR) {
        return first.is_ascii_digit();
    }
    if abbr.len() == 1 && abbr.chars().all(|c| c.is_ascii_uppercase()) {
        // An initial: "John F. Kennedy".
        return first.is_uppercase() && !STARTERS.contains(&word);
    }
    if abbr.contains('.') {
        // U.S., U.K., a.m., e.g.
        return !(first.is_uppercase() && STARTERS.contains(&word));
    }
    false
}

fn split_sentences(body: &str, layout: &mut Layout) {
    let mut scratch = String::new();
    let mut breaks: Vec<usize> = Vec::new();
    let paragraphs = std::mem::take(&mut layout.paragraphs);
    for (pi, para) in paragraphs.iter().enumerate() {
        let text = &body[para.clone()];
        let seg_text: &str = if text.contains('\n') {
            scratch.clear();
            scratch.push_str(text);
            join_wrapped_lines(text, &mut scratch);
            &scratch
        } else {
            text
        };
        let mut cur: Option<(usize, usize)> = None;
        breaks.clear();
        sentence_breaks(seg_text, &mut breaks);
        let mut prev_break = 0;
        for fe in breaks
            .iter()
            .copied()
            .chain(std::iter::once(seg_text.len()))
        {
            let fs = prev_break;
            prev_break = fe;
            if fe <= fs {
                continue;
            }
            let frag = &seg_text[fs..fe];
            if frag.trim().is_empty() {
                if let Some(c) = cur.as_mut() {
                    c.1 = fe;
                }
                continue;
            }
            match cur {
                Some((cs, ce)) if joins_abbreviation(&seg_text[cs..ce], frag) => {
                    cur = Some((cs, fe));
                }
                Some((cs, ce)) => {
                    push_sentence(
                        body,
                        para.start + cs,
                        para.start + ce,
                        pi,
                        &mut layout.sentences,
                    );
                    cur = Some((fs, fe));
                }
                None => cur = Some((fs, fe)),
            }
        }
        if let Some((cs, ce)) = cur {
            push_sentence(
                body,
                para.start + cs,
                para.start + ce,
                pi,
                &mut layout.sentences,
            );
        }
    }
    layout.paragraphs = paragraphs;
}

fn push_sentence(body: &str, s: usize, e: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    if let Some(r) = trim_range(body, s, e) {
        out.push(Sentence {
            start: r.start,
            end: r.end,
            paragraph,
        });
    }
}

fn is_para_sep(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Characters that may end a sentence under UAX #29: `.`, `!`, `?` and,
/// over-inclusively, any non-ASCII punctuation or symbol except the common
/// quotation marks, dashes and ellipsis (which never end one by themselves).
fn maybe_terminator(c: char) -> bool {
    match c {
        '.' | '!' | '?' => true,
        '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' | '\u{2013}' | '\u{2014}'
        | '\u{2026}' | '\u{ab}' | '\u{bb}' => false,
        _ => !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace(),
    }
}

/// UAX #29 sentence boundaries of `text` (offsets strictly inside it),
/// pushed to `out` in order; the same as
/// `text.split_sentence_bound_indices()`, but faster on prose.
///
/// A sentence can only end after a terminator (plus closing punctuation and
/// spaces) or a paragraph separator. So the Unicode segmenter is only run
/// from one grapheme before each candidate terminator up to its first
/// boundary, and the scan resumes there; text without terminators is never
/// classified character by character.
pub(crate) fn sentence_breaks(text: &str, out: &mut Vec<usize>) {
    let push = |p: usize, out: &mut Vec<usize>| {
        if p > 0 && p < text.len() && out.last().map_or(true, |&l| l < p) {
            out.push(p);
        }
    };
    let b = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        // Eight bytes at a time over text without a candidate byte (see
        // `ASCII_BREAK_CANDIDATE`).
        i = skip_words8(b, i, |x| {
            (x | bytes_equal8(x, b'.')
                | bytes_equal8(x, b'!')
                | bytes_equal8(x, b'?')
                | bytes_equal8(x, b'\n')
                | bytes_equal8(x, b'\r'))
                & HIGH8
                != 0
        });
        if i >= text.len() {
            break;
        }
        // Most bytes are ASCII that can neither end a sentence nor separate
        // paragraphs: skip them without decoding characters.
        if !ASCII_BREAK_CANDIDATE[usize::from(b[i])] {
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        let cl = c.len_utf8();
        if !(is_para_sep(c) || maybe_terminator(c)) {
            i += cl;
            continue;
        }
        // A `.` right before an ASCII lower-case letter or digit ("3.5",
        // "e.g") never ends a sentence (SB6, SB8), nor does one between
        // ASCII letters before a capital ("U.S", SB7): the next boundary
        // comes after a later terminator, where the scan finds it.
        if c == '.'
            && b.get(i + 1).is_some_and(|&n| {
                n.is_ascii_lowercase()
                    || n.is_ascii_digit()
                    || (n.is_ascii_uppercase() && i > 0 && b[i - 1].is_ascii_alphabetic())
            })
        {
            i += 1;
            continue;
        }
        // Fast paths, the same as the segmenter: a terminator ending the
        // text gives no inner boundary, and one followed by spaces and a
        // capital breaks after the spaces (see `break_before_capital`).
        if i + 1 == text.len() && matches!(c, '.' | '!' | '?') {
            break;
        }
        if let Some(p) = break_before_capital(text.as_bytes(), i) {
            push(p, out);
            i = p;
            continue;
        }
        let ws = text[..i]
            .grapheme_indices(true)
            .next_back()
            .map_or(i, |(p, _)| p);
        // Sentence *ends* come lazily, one sentence at a time.
        let next = text[ws..]
            .split_sentence_bound_indices()
            .map(|(off, sent)| ws + off + sent.len())
            .find(|&p| p > i);
        match next {
            Some(p) => {
                push(p, out);
                i = p;
            }
            None => break,
        }
    }
}

/// The high bit of each byte of a `u64`.
const HIGH8: u64 = 0x8080_8080_8080_8080;

/// The high bit set in each byte of `x` that is `c`, and nothing else
/// (exact per byte: no carry crosses bytes).
#[inline]
fn bytes_equal8(x: u64, c: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let t = x ^ (u64::from(c) * 0x0101_0101_0101_0101);
    !(((t & LOW7) + LOW7) | t) & HIGH8
}

/// From byte `i` of `b`, step over whole 8-byte words while `stop` (given
/// the word, little-endian) is false for them; returns where to go on byte
/// by byte. `stop` must be true for every word holding a byte the caller
/// does not skip, so that only bytes it skips are stepped over.
#[inline]
fn skip_words8(b: &[u8], mut i: usize, stop: impl Fn(u64) -> bool) -> usize {
    while let Some(w) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        if stop(x) {
            break;
        }
        i += 8;
    }
    i
}

/// Bytes that may start a sentence terminator or paragraph separator:
/// `.`, `!`, `?`, `\n`, `\r` and every non-ASCII byte (see
/// [`maybe_terminator`] and [`is_para_sep`]).
const ASCII_BREAK_CANDIDATE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0x80;
    while i < 256 {
        t[i] = true;
        i += 1;
    }
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// For a `.`, `!` or `?` at byte `i`, then closing marks (`"`, `'`, `)`,
/// `]`, `”`, `’`), one or more ASCII spaces, and an ASCII capital letter,
/// perhaps after an opening `"` or `“`: the offset after the spaces, where UAX #29 puts
/// the sentence boundary (SB9-SB11; SB8 would need a lower-case letter).
fn break_before_capital(b: &[u8], i: usize) -> Option<usize> {
    if !matches!(b[i], b'.' | b'!' | b'?') {
        return None;
    }
    let mut j = i + 1;
    loop {
        if j < b.len() && matches!(b[j], b'"' | b'\'' | b')' | b']') {
            j += 1;
        } else if b
            .get(j..j + 3)
            .is_some_and(|m| m == CLOSE_QUOTE || m == CLOSE_SINGLE)
        {
            j += 3;
        } else {
            break;
        }
    }
    let spaces = j;
    while j < b.len() && b[j] == b' ' {
        j += 1;
    }
    if j == spaces {
        return None;
    }
    let p = j;
    if j < b.len() && b[j] == b'"' {
        j += 1;
    } else if b.get(j..j + 3) == Some(OPEN_QUOTE) {
        j += 3;
    }
    (j < b.len() && b[j].is_ascii_uppercase()).then_some(p)
}

/// `“`, `”` and `’` in UTF-8: quotation marks (sentence-break class Close)
/// that [`break_before_capital`] steps over like `"` and `'`.
const OPEN_QUOTE: &[u8] = "\u{201c}".as_bytes();
const CLOSE_QUOTE: &[u8] = "\u{201d}".as_bytes();
const CLOSE_SINGLE: &[u8] = "\u{2019}".as_bytes();

/// In `copy` (a byte-for-byte copy of `text`), turn line breaks that look
/// like wrapped lines into spaces, so the sentence splitter does not cut
/// there. Offsets stay the same (one byte for one byte).
fn join_wrapped_lines(text: &str, copy: &mut String) {
    let bytes = text.as_bytes();
    let mut line_start = 0;
    let mut joins: Vec<usize> = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'\n' {
            continue;
        }
        let line = text[line_start..i].trim_end();
        let next = text[i + 1..].trim_start_matches([' ', '\t']);
        let ends_sentence = line
            .chars()
            .next_back()
            .map_or(true, |c| ".!?:;\"\u{201d}\u{2019})".contains(c));
        let next_first = next.chars().next();
        let continues = next_first.is_some_and(|c| c.is_lowercase())
            || (line.chars().count() >= 60 && next_first.is_some_and(|c| c.is_alphanumeric()));
        if !ends_sentence && continues {
            joins.push(i);
        }
        line_start = i + 1;
    }
    if joins.is_empty() {
        return;
    }
    let mut v = std::mem::take(copy).into_bytes();
    for i in joins {
        v[i] = b' ';
    }
    // Replacing an ASCII byte with another keeps the text valid UTF-8.
    *copy = String::from_utf8(v).unwrap_or_default();
}

// ---------------------------------------------------------------------------
// Tokens

fn tokenize(body: &str, layout: &mut Layout) {
    let mut tokens = Vec::with_capacity(body.len() / 6);
    for (si, s) in layout.sentences.iter().enumerate() {
        if s.end > u32::MAX as usize {
            break;
        }
        let text = &body[s.start..s.end];
        let token = |off: usize, w: &str, alphabetic: bool| {
            let start = s.start + off;
            Token {
                start: start as u32,
                end: (start + w.len()) as u32,
                kind: if alphabetic {
                    TokenKind::Word
                } else {
                    TokenKind::Number
                },
                sentence: si as u32,
            }
        };
        let before = tokens.len();
        if !ascii_word_indices(text, |off, w, alphabetic| {
            tokens.push(token(off, w, alphabetic));
        }) {
            // Other non-ASCII characters: the Unicode tables decide.
            tokens.truncate(before);
            for (off, w) in text.unicode_word_indices() {
                tokens.push(token(off, w, w.chars().any(char::is_alphabetic)));
            }
        }
    }
    layout.tokens = tokens;
}

/// Whether [`ascii_word_indices`] segments `text` as UAX #29 does: its
/// only non-ASCII characters (if any) are the quotation marks and dashes
/// of news prose (`“ ” ‘ ’ – — …`).
#[cfg(test)]
fn ascii_words_apply(text: &str) -> bool {
    ascii_word_indices(text, |_, _, _| {})
}

/// `text.unicode_word_indices()` without the general Unicode tables, for a
/// `text` that is ASCII but for `“ ” – — …` (word-break class Other, like
/// ASCII punctuation) and `‘ ’` (MidNumLet, like `.`) ([`ascii_words_apply`]):
/// UAX #29 words are then runs of ASCII letters, digits and `_` (WB5,
/// WB8-WB10, WB13a/b), joined across one `:`, `.`, `'`, `‘` or `’` between
/// two letters (WB6/7) or one `,`, `;`, `.`, `'`, `‘` or `’` between two
/// digits (WB11/12); words without a letter or digit are left out. `f` also
/// gets whether the word has a letter.
///
/// Returns `false`, after calling `f` for the words before it, at the first
/// other non-ASCII character: the caller then segments `text` with the
/// Unicode tables (one pass over the text checks and splits it).
fn ascii_word_indices<'a>(text: &'a str, mut f: impl FnMut(usize, &'a str, bool)) -> bool {
    let t = text.as_bytes();
    let class = |b: u8| ASCII_WORD_CLASS[usize::from(b)];
    let mut i = 0;
    while i < t.len() {
        if class(t[i]) == 0 {
            if t[i] >= 0x80 {
                // Non-ASCII characters never join a word here (the word loop
                // below steps over a joining `‘`/`’` itself).
                match t.get(i..i + 3) {
                    Some([0xE2, 0x80, 0x93 | 0x94 | 0x98 | 0x99 | 0x9C | 0x9D | 0xA6]) => i += 3,
                    _ => return false,
                }
                continue;
            }
            i += 1;
            continue;
        }
        let s = i;
        // Bit-or of the classes of the word's bytes.
        let mut seen = class(t[i]);
        i += 1;
        loop {
            if i < t.len() && class(t[i]) != 0 {
                seen |= class(t[i]);
                i += 1;
            } else if i + 1 < t.len() && {
                let (p, m, q) = (t[i - 1], t[i], t[i + 1]);
                (p.is_ascii_alphabetic()
                    && q.is_ascii_alphabetic()
                    && matches!(m, b':' | b'.' | b'\''))
                    || (p.is_ascii_digit()
                        && q.is_ascii_digit()
                        && matches!(m, b',' | b';' | b'.' | b'\''))
            } {
                seen |= class(t[i + 1]);
                i += 2;
            } else if i + 3 < t.len() && matches!(t[i..i + 3], [0xE2, 0x80, 0x98 | 0x99]) && {
                let (p, q) = (t[i - 1], t[i + 3]);
                (p.is_ascii_alphabetic() && q.is_ascii_alphabetic())
                    || (p.is_ascii_digit() && q.is_ascii_digit())
            } {
                // `‘` or `’` between two letters or two digits.
                seen |= class(t[i + 3]);
                i += 4;
            } else {
                break;
            }
        }
        if seen & (WORD_ALPHA | WORD_DIGIT) != 0 {
            f(s, &text[s..i], seen & WORD_ALPHA != 0);
        }
    }
    true
}

/// [`ASCII_WORD_CLASS`] bits: a letter, a digit, `_`; 0 for any other byte.
const WORD_ALPHA: u8 = 1;
const WORD_DIGIT: u8 = 2;
const WORD_UNDERSCORE: u8 = 4;

/// The class of each byte in [`ascii_word_indices`]: nonzero for the
/// bytes that make up words (letters, digits, `_`).
const ASCII_WORD_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            WORD_ALPHA
        } else if c.is_ascii_digit() {
            WORD_DIGIT
        } else if c == b'_' {
            WORD_UNDERSCORE
        } else {
            0
        };
        b += 1;
    }
    t
};

// ---------------------------------------------------------------------------
// Quotes

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fam {
    Straight,
    Curly,
    Low,
    Guillemet,
    Single,
}

fn is_open_ctx_before(prev: Option<char>) -> bool {
    prev.map_or(true, |c| {
        c.is_whitespace() || "([{-\u{2013}\u{2014}/:,;".contains(c)
    })
}

/// Scan one paragraph for quotes, starting in `open` state if a quote from
/// the previous paragraph continues. Returns the quote still open at the
/// end of the paragraph (its start and family).
fn scan_paragraph(
    body: &str,
    para: Range<usize>,
    mut open: Option<(usize, usize, Fam)>,
    out: &mut Vec<(usize, usize, usize, usize)>,
) -> Option<(usize, usize, Fam)> {
    let text = &body[para.clone()];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time over text without `"` or non-ASCII bytes
        // (the bytes the test below skips one by one).
        i = skip_words8(bytes, i, |x| (x | bytes_equal8(x, b'"')) & HIGH8 != 0);
        if i >= bytes.len() {
            break;
        }
        // Only `"` and the lead bytes of the curly marks and guillemets
        // (0xE2, 0xC2) can start a quotation mark.
        let b = bytes[i];
        if b != b'"' && b != 0xE2 && b != 0xC2 {
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        let clen = c.len_utf8();
        if !matches!(
            c,
            '"' | '\u{201c}'
                | '\u{201d}'
                | '\u{201e}'
                | '\u{2018}'
                | '\u{2019}'
                | '\u{ab}'
                | '\u{bb}'
        ) {
            i += clen;
            continue;
        }
        let prev = text[..i].chars().next_back();
        let next = text[i + clen..].chars().next();
        let at = para.start + i;
        let end = at + clen;
        i += clen;
        match open {
            None => {
                let fam = match c {
                    '"' if is_open_ctx_before(prev) && next.is_some_and(|n| !n.is_whitespace()) => {
                        Some(Fam::Straight)
                    }
                    '\u{201c}' if next.is_some_and(|n| !n.is_whitespace()) => Some(Fam::Curly),
                    '\u{201e}' if next.is_some_and(|n| !n.is_whitespace()) => Some(Fam::Low),
                    '\u{ab}' if next.is_some_and(|n| !n.is_whitespace()) => Some(Fam::Guillemet),
                    '\u{2018}'
                        if !prev.is_some_and(|p| p.is_alphanumeric())
                            && next.is_some_and(|n| n.is_alphabetic()) =>
                    {
                        Some(Fam::Single)
                    }
                    _ => None,
                };
                if let Some(f) = fam {
                    open = Some((at, end, f));
                }
            }
            Some((qs, inner_s, fam)) => {
                let closes = match fam {
                    Fam::Straight => c == '"' || c == '\u{201d}',
                    Fam::Curly => {
                        c == '\u{201d}'
                            || ((c == '"' || c == '\u{201c}')
                                && prev.is_some_and(|p| !p.is_whitespace())
                                && next.map_or(true, |n| !n.is_alphanumeric()))
                    }
                    Fam::Low => c == '\u{201c}' || c == '\u{201d}',
                    Fam::Guillemet => c == '\u{bb}',
                    Fam::Single => {
                        c == '\u{2019}'
                            && prev.is_some_and(|p| !p.is_whitespace())
                            && next.map_or(true, |n| !n.is_alphanumeric())
                    }
                };
                if closes {
                    let inner = &body[inner_s..at];
                    let long_enough = if fam == Fam::Single {
                        inner.chars().count() >= 2
                    } else {
                        true
                    };
                    if !inner.trim().is_empty() && long_enough {
                        out.push((qs, end, inner_s, at));
                    }
                    open = None;
                }
            }
        }
    }
    match open {
        Some((_, _, Fam::Single)) | None => None,
        other => other,
    }
}

fn find_quotes(body: &str, layout: &mut Layout) {
    let mut found: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut carry: Option<(usize, usize, Fam)> = None;
    for para in &layout.paragraphs {
        let mut start_state = None;
        let mut scan_from = para.clone();
        if let Some((qs, inner_s, fam)) = carry.take() {
            // News convention: a quote running over paragraphs has no closing
            // mark at the paragraph end and an opening mark on the next one.
            let first = body[para.clone()].chars().next();
            let continues = match fam {
                Fam::Straight => first == Some('"'),
                Fam::Curly => first == Some('\u{201c}'),
                Fam::Low => first == Some('\u{201e}'),
                Fam::Guillemet => first == Some('\u{ab}'),
                Fam::Single => false,
            };
            if let (true, Some(f)) = (continues, first) {
                start_state = Some((qs, inner_s, fam));
                scan_from = para.start + f.len_utf8()..para.end;
            }
        }
        carry = scan_paragraph(body, scan_from, start_state, &mut found);
    }
    layout.quotes = found
        .into_iter()
        .map(|(s, e, is, ie)| Quote {
            start: s,
            end: e,
            inner_start: is,
            inner_end: ie,
            speaker: None,
            speaker_range: None,
            sentence: layout.sentence_at(s),
            speaker_note: None,
            attribution: None,
        })
        .collect();
}

// ---------------------------------------------------------------------------
// Words around report verbs

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cls {
    /// Determiner; `true` when definite ("the", "his").
    Det(bool),
    Pron,
    /// Auxiliaries, adverbs and time words between a subject and its verb.
    Skip,
    /// "of", "for", "from", "at", "in": inside a description.
    Prep,
    /// "and": joins two sources.
    And,
    Name,
    Role(RoleKind),
    Other,
}

/// The class of a closed-class word (lowercase), if it is one: one hash
/// lookup in a table built from [`FUNCTION_WORDS`] (a `match` on ninety
/// strings compares them one after another, and the text layer classifies
/// several words per report verb).
fn function_word(l: &str) -> Option<Cls> {
    static TABLE: std::sync::OnceLock<lexicon::FnvMap<&'static str, Cls>> =
        std::sync::OnceLock::new();
    // No function word is longer than 10 bytes (a test checks).
    if l.len() > 10 {
        return None;
    }
    TABLE
        .get_or_init(|| {
            FUNCTION_WORDS
                .iter()
                .flat_map(|&(cls, words)| words.iter().map(move |&w| (w, cls)))
                .collect()
        })
        .get(l)
        .copied()
}

/// The closed-class words, by class (each word listed once; a test checks).
const FUNCTION_WORDS: &[(Cls, &[&str])] = &[
    (
        Cls::Det(true),
        &["the", "his", "her", "its", "their", "our", "my", "your"],
    ),
    (
        Cls::Det(false),
        &[
            "a", "an", "one", "some", "several", "many", "two", "three", "four", "five", "another",
            "other", "various", "numerous", "most", "few",
        ],
    ),
    (Cls::Pron, &["he", "she", "they", "it", "we", "i", "you"]),
    (
        Cls::Skip,
        &[
            "has",
            "have",
            "had",
            "was",
            "were",
            "is",
            "are",
            "will",
            "would",
            "did",
            "does",
            "do",
            "also",
            "then",
            "later",
            "again",
            "earlier",
            "previously",
            "recently",
            "once",
            "not",
            "never",
            "on",
            "last",
            "this",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "today",
            "yesterday",
            "tonight",
            "week",
            "weekend",
            "month",
            "year",
            "morning",
            "afternoon",
            "evening",
            "night",
            "further",
            "still",
            "first",
            "initially",
            "separately",
            "privately",
        ],
    ),
    (Cls::Prep, &["of", "for", "from", "at", "in", "to"]),
    (Cls::And, &["and"]),
];

/// Class of one unit (a word, or hyphen-joined words such as "state-run").
fn classify(word: &str, lex: &Lexicons) -> Cls {
    // Possessives ("Ministry’s") are looked up without their ending.
    let base = lexicon::strip_possessive(word);
    let looked_up = lexicon::with_lower(base, |l| {
        if base.len() == word.len() {
            if let Some(c) = function_word(l) {
                return Some(c);
            }
        }
        match lex.word_info_lower(l) {
            (Some(k), _) => Some(Cls::Role(k)),
            (None, true) => Some(Cls::Other),
            (None, false) => None,
        }
    })
    .flatten();
    if let Some(c) = looked_up {
        return c;
    }
    let first = word.chars().next().unwrap_or(' ');
    if first.is_uppercase() {
        return Cls::Name;
    }
    if word.len() > 4
        && word.ends_with("ly")
        && word.chars().all(|c| c.is_ascii_lowercase())
        && !matches!(
            word,
            "family" | "rally" | "supply" | "reply" | "daily" | "bully" | "belly"
        )
    {
        return Cls::Skip;
    }
    Cls::Other
}

/// A description unit: a run of tokens `[a, b]` joined by hyphens.
#[derive(Debug, Clone, Copy)]
struct Unit {
    a: usize,
    b: usize,
    cls: Cls,
}

struct Ctx<'a> {
    body: &'a str,
    layout: &'a Layout,
    lex: &'a Lexicons,
    /// The class of each one-token unit, filled on first use (the walks
    /// around report verbs look at the same words several times); empty for
    /// a context used for one lookup only.
    cls: Vec<Cell<Option<Cls>>>,
}

impl<'a> Ctx<'a> {
    /// A context for finding the attributions of a whole layout.
    fn new(body: &'a str, layout: &'a Layout, lex: &'a Lexicons) -> Self {
        Ctx {
            body,
            layout,
            lex,
            cls: vec![Cell::new(None); layout.tokens.len()],
        }
    }

    /// A context without the class cache, for a few lookups.
    fn uncached(body: &'a str, layout: &'a Layout, lex: &'a Lexicons) -> Self {
        Ctx {
            body,
            layout,
            lex,
            cls: Vec::new(),
        }
    }

    /// `classify` of token `i` alone (cached).
    fn token_cls(&self, i: usize) -> Cls {
        let Some(slot) = self.cls.get(i) else {
            return classify(self.text(i, i), self.lex);
        };
        match slot.get() {
            Some(c) => c,
            None => {
                let c = classify(self.text(i, i), self.lex);
                slot.set(Some(c));
                c
            }
        }
    }
    fn tok(&self, i: usize) -> (usize, usize) {
        let t = &self.layout.tokens[i];
        (t.start as usize, t.end as usize)
    }

    fn text(&self, a: usize, b: usize) -> &str {
        let (s, _) = self.tok(a);
        let (_, e) = self.tok(b);
        &self.body[s..e]
    }

    fn gap(&self, i: usize) -> &str {
        // Text between token i and token i+1.
        let (_, e) = self.tok(i);
        let (s, _) = self.tok(i + 1);
        &self.body[e..s]
    }

    fn same_sentence(&self, i: usize, j: usize) -> bool {
        self.layout.tokens[i].sentence == self.layout.tokens[j].sentence
    }

    fn is_hyphen(g: &str) -> bool {
        matches!(g, "-" | "\u{2010}" | "\u{2011}")
    }

    fn is_space(g: &str) -> bool {
        !g.is_empty() && g.chars().all(|c| c == ' ' || c == '\u{a0}')
    }

    /// Title abbreviation followed by its period: "Gen. Li".
    fn is_abbr_gap(&self, i: usize) -> bool {
        let (s, e) = self.tok(i);
        TITLE_ABBR.contains(&&self.body[s..e])
            && self.gap(i).starts_with(". ")
            && Self::is_space(&self.gap(i)[1..])
    }

    fn unit_ending_at(&self, b: usize) -> Unit {
        let mut a = b;
        while a > 0 && self.same_sentence(a - 1, b) && Self::is_hyphen(self.gap(a - 1)) {
            a -= 1;
        }
        self.make_unit(a, b)
    }

    fn unit_starting_at(&self, a: usize) -> Unit {
        let mut b = a;
        while b + 1 < self.layout.tokens.len()
            && self.same_sentence(a, b + 1)
            && Self::is_hyphen(self.gap(b))
        {
            b += 1;
        }
        self.make_unit(a, b)
    }

    fn make_unit(&self, a: usize, b: usize) -> Unit {
        let cls = if a == b {
            self.token_cls(a)
        } else if let Some(k) = self.lex.role(self.text(a, b)) {
            Cls::Role(k)
        } else {
            // "Kremlin-backed", "Russia-China": describe, never head.
            Cls::Role(RoleKind::Modifier)
        };
        Unit { a, b, cls }
    }

    /// Index of the first token starting at or after `pos`.
    fn token_from(&self, pos: usize) -> usize {
        self.layout
            .tokens
            .partition_point(|t| (t.start as usize) < pos)
    }

    /// [`Self::token_from`], searching forward from `hint` (a token index
    /// at or before the answer): a few steps when positions come in order,
    /// instead of a binary search over all tokens each time.
    fn token_from_hint(&self, hint: usize, pos: usize) -> usize {
        let toks = &self.layout.tokens;
        let mut i = hint.min(toks.len());
        if i > 0 && toks[i - 1].start as usize >= pos {
            return self.token_from(pos);
        }
        // Gallop forward, then search inside the last step.
        let mut step = 1;
        loop {
            if i >= toks.len() || toks[i].start as usize >= pos {
                let lo = i.saturating_sub(step / 2).max(hint.min(toks.len()));
                let hi = i.min(toks.len());
                return lo + toks[lo..hi].partition_point(|t| (t.start as usize) < pos);
            }
            i += step;
            step *= 2;
        }
    }

    /// The subject of a verb after an appositive or relative clause:
    /// "Li, who met the president on Sunday, said" (the cue at token `c`).
    fn appositive_subject(&self, c: usize, cue_start: usize) -> Option<Vec<Unit>> {
        let before = self.body[..cue_start].trim_end_matches([' ', '\u{a0}']);
        if !before.ends_with(',') || c == 0 {
            return None;
        }
        // The nearest comma before the clause must open it: "Li, who met
        // ..., said" or "Ilse Varant, the authority's director-general, told".
        let lo = c.saturating_sub(40);
        for w in (lo.max(1)..c).rev() {
            if !self.same_sentence(w - 1, c) {
                return None;
            }
            let gap = self.gap(w - 1);
            let Some(rest) = gap.strip_prefix(',') else {
                continue;
            };
            if !Self::is_space(rest) {
                return None;
            }
            let (s, e) = self.tok(w);
            let word = &self.body[s..e];
            let opens_clause = word.eq_ignore_ascii_case("who")
                || word.eq_ignore_ascii_case("which")
                || match self.unit_starting_at(w).cls {
                    Cls::Det(_) | Cls::Role(_) => true,
                    Cls::Name => lexicon::strip_possessive(word).len() < word.len(),
                    _ => false,
                };
            if !opens_clause {
                // "A spokesman for the council, Piet Molen, said": the name
                // in apposition is the speaker.
                let names_only = (w..c).all(|i| {
                    self.unit_starting_at(i).cls == Cls::Name
                        && (i == w || Self::is_space(self.gap(i - 1)))
                });
                if names_only && c - w <= 4 {
                    return Some((w..c).map(|i| self.unit_starting_at(i)).collect());
                }
                return None;
            }
            let comma = self.tok(w - 1).1;
            return self.phrase_before_at(w, comma, true);
        }
        None
    }

    /// The description right before token `c` (exclusive), over spaces only.
    fn phrase_before(&self, c: usize, cue_start: usize) -> Option<Vec<Unit>> {
        self.phrase_before_at(c, cue_start, false)
    }

    /// The description ending right before byte `cue_start` (token `c` is
    /// the first token at or after it). With `touching`, nothing may stand
    /// between the description and `cue_start`; otherwise only spaces.
    fn phrase_before_at(&self, c: usize, cue_start: usize, touching: bool) -> Option<Vec<Unit>> {
        if c == 0 {
            return None;
        }
        let first_gap = &self.body[self.tok(c - 1).1..cue_start];
        let gap_ok = if touching {
            first_gap.is_empty()
        } else {
            Self::is_space(first_gap)
        };
        if !gap_ok {
            return None;
        }
        let mut j = c; // tokens before index j are candidates
                       // Skip auxiliaries, adverbs and time words next to the verb.
        while j > 0 && self.same_sentence(j - 1, c) {
            let u = self.unit_ending_at(j - 1);
            if u.cls != Cls::Skip {
                break;
            }
            if u.a == 0 || !self.same_sentence(u.a - 1, c) || !Self::is_space(self.gap(u.a - 1)) {
                return None;
            }
            j = u.a;
        }
        if j == 0 || !self.same_sentence(j - 1, c) {
            return None;
        }
        let mut units: Vec<Unit> = Vec::new();
        loop {
            let u = self.unit_ending_at(j - 1);
            let stop_after = match u.cls {
                Cls::Name | Cls::Role(_) => false,
                Cls::Prep | Cls::And => {
                    if units.is_empty() {
                        break;
                    }
                    false
                }
                Cls::Det(_) => {
                    if units.is_empty() {
                        break;
                    }
                    // "of the People's Republic": keep going after "of the".
                    let left_is_joiner = u.a > 0
                        && self.same_sentence(u.a - 1, c)
                        && Self::is_space(self.gap(u.a - 1))
                        && matches!(self.unit_ending_at(u.a - 1).cls, Cls::Prep | Cls::And);
                    !left_is_joiner
                }
                Cls::Pron => {
                    if !units.is_empty() {
                        break;
                    }
                    true
                }
                Cls::Other => {
                    // "the port authority said": plain lowercase words between
                    // a determiner (or a possessive name) and the head.
                    match self.modifier_run_before(&u, c, &units) {
                        Some(run) => {
                            let k = run[run.len() - 1].a;
                            units.extend(run);
                            j = k;
                            continue;
                        }
                        None => break,
                    }
                }
                Cls::Skip => break,
            };
            units.push(u);
            if stop_after || units.len() >= 14 {
                break;
            }
            if u.a == 0 || !self.same_sentence(u.a - 1, c) {
                break;
            }
            let g = self.gap(u.a - 1);
            if !(Self::is_space(g) || self.is_abbr_gap(u.a - 1)) {
                break;
            }
            j = u.a;
        }
        units.reverse();
        while units
            .first()
            .is_some_and(|u| matches!(u.cls, Cls::Prep | Cls::And))
        {
            units.remove(0);
        }
        (!units.is_empty()).then_some(units)
    }

    fn is_lower_unit(&self, u: &Unit) -> bool {
        self.text(u.a, u.b)
            .chars()
            .next()
            .is_some_and(|c| c.is_lowercase())
    }

    /// Walking left from the plain word `u` (right of which a description
    /// head was already found): up to three plain lowercase words, then a
    /// determiner or a possessive name must follow. Returns the words, as
    /// modifiers, right to left.
    fn modifier_run_before(&self, u: &Unit, c: usize, units: &[Unit]) -> Option<Vec<Unit>> {
        if units.is_empty() || !self.is_lower_unit(u) {
            return None;
        }
        let mut run = vec![*u];
        let mut k = u.a;
        loop {
            if k == 0 || !self.same_sentence(k - 1, c) || !Self::is_space(self.gap(k - 1)) {
                return None;
            }
            let v = self.unit_ending_at(k - 1);
            if v.cls == Cls::Other && self.is_lower_unit(&v) && run.len() < 3 {
                run.push(v);
                k = v.a;
                continue;
            }
            let possessive = v.cls == Cls::Name && {
                let t = self.text(v.a, v.b);
                lexicon::strip_possessive(t).len() < t.len()
            };
            if matches!(v.cls, Cls::Det(_)) || possessive {
                return Some(
                    run.into_iter()
                        .map(|x| Unit {
                            cls: Cls::Role(RoleKind::Modifier),
                            ..x
                        })
                        .collect(),
                );
            }
            return None;
        }
    }

    /// Plain lowercase words starting at token `j` (at most two) that are
    /// followed by a role word: "the city council". Returns them as
    /// modifiers.
    fn modifier_run_after(&self, j: usize, sent: usize) -> Option<Vec<Unit>> {
        let mut run = Vec::new();
        let mut k = j;
        loop {
            if k >= self.layout.tokens.len() || !self.same_sentence(sent, k) {
                return None;
            }
            let v = self.unit_starting_at(k);
            match v.cls {
                Cls::Other if self.is_lower_unit(&v) && run.len() < 2 => {
                    run.push(Unit {
                        cls: Cls::Role(RoleKind::Modifier),
                        ..v
                    });
                }
                Cls::Role(k2) if k2 != RoleKind::Modifier && !run.is_empty() => return Some(run),
                _ => return None,
            }
            let nb = v.b + 1;
            if nb >= self.layout.tokens.len() || !Self::is_space(self.gap(v.b)) {
                return None;
            }
            k = nb;
        }
    }

    /// The description right after byte `pos` (a cue's end), over spaces only.
    fn phrase_after(&self, hint: usize, pos: usize, allow_pronoun: bool) -> Option<Vec<Unit>> {
        let first = self.token_from_hint(hint, pos);
        if first >= self.layout.tokens.len() {
            return None;
        }
        let (fs, _) = self.tok(first);
        if !Self::is_space(&self.body[pos..fs]) {
            return None;
        }
        let sent = first;
        let mut units: Vec<Unit> = Vec::new();
        let mut j = first;
        loop {
            let u = self.unit_starting_at(j);
            let keep = match u.cls {
                Cls::Det(_) => {
                    units.is_empty()
                        || matches!(units.last().map(|x| x.cls), Some(Cls::Prep | Cls::And))
                }
                Cls::Name | Cls::Role(_) => true,
                Cls::Prep | Cls::And => !units.is_empty(),
                Cls::Pron => {
                    if allow_pronoun && units.is_empty() {
                        units.push(u);
                    }
                    break;
                }
                Cls::Other => {
                    let may_start = units.is_empty()
                        || matches!(units.last().map(|x| x.cls), Some(Cls::Det(_)));
                    match may_start
                        .then(|| self.modifier_run_after(j, sent))
                        .flatten()
                    {
                        Some(run) => {
                            let nb = run[run.len() - 1].b + 1;
                            units.extend(run);
                            j = nb;
                            continue;
                        }
                        None => false,
                    }
                }
                Cls::Skip => false,
            };
            if !keep || units.len() >= 14 {
                break;
            }
            units.push(u);
            let nb = u.b + 1;
            if nb >= self.layout.tokens.len() || !self.same_sentence(sent, nb) {
                break;
            }
            if !(Self::is_space(self.gap(u.b)) || self.is_abbr_gap(u.b)) {
                break;
            }
            j = nb;
        }
        while units
            .last()
            .is_some_and(|u| matches!(u.cls, Cls::Prep | Cls::And | Cls::Det(_)))
        {
            units.pop();
        }
        // "according to a Washington Post analysis": the description only
        // qualifies the noun after it; the source is the name, if any.
        if let Some(last) = units.last() {
            let nb = last.b + 1;
            let qualifies = nb < self.layout.tokens.len()
                && self.same_sentence(sent, nb)
                && Self::is_space(self.gap(last.b))
                && {
                    let next = self.unit_starting_at(nb);
                    next.cls == Cls::Other && self.is_lower_unit(&next)
                };
            if qualifies {
                if matches!(units[0].cls, Cls::Det(false)) {
                    units.remove(0);
                }
                if units.last().map(|u| u.cls) != Some(Cls::Name) {
                    return None;
                }
            }
        }
        (!units.is_empty()).then_some(units)
    }

    /// Decide what kind of source a description is.
    /// What kind of source a description is, and whether it is an
    /// anonymous source ("officials", "an aide", "a senator") rather than a
    /// group of people ("voters").
    fn judge(&self, units: &[Unit]) -> Option<(SpeakerKind, bool)> {
        if units.len() == 1 && units[0].cls == Cls::Pron {
            return Some((SpeakerKind::Pronoun, false));
        }
        if units.iter().any(|u| u.cls == Cls::Pron) {
            return None;
        }
        // The head: the last unit before the first preposition.
        let before_prep = units
            .iter()
            .position(|u| u.cls == Cls::Prep)
            .unwrap_or(units.len());
        let head = units[..before_prep]
            .iter()
            .rev()
            .find(|u| matches!(u.cls, Cls::Name | Cls::Role(_)))?;
        let indefinite = matches!(units[0].cls, Cls::Det(false));
        // "Ms. Ford’s claim": a possessive is not the speaker itself.
        let last = &units[units.len() - 1];
        let last_text = self.text(last.a, last.b);
        if lexicon::strip_possessive(last_text).len() < last_text.len() {
            return None;
        }
        Some(match head.cls {
            // "the officials" usually points back to people introduced
            // before: unnamed, but not flagged anonymous again (except "the
            // source", anonymous by definition). "her aides" and "Li's
            // lawyers" introduce new unnamed people and are flagged.
            Cls::Role(RoleKind::Source) => {
                let definite = units[0].cls == Cls::Det(true)
                    && self
                        .text(units[0].a, units[0].b)
                        .eq_ignore_ascii_case("the");
                let head_word = self.text(head.a, head.b).to_ascii_lowercase();
                let is_source_word = head_word == "source" || head_word == "sources";
                (SpeakerKind::Unnamed, !definite || is_source_word)
            }
            Cls::Role(RoleKind::Generic) => (SpeakerKind::Unnamed, false),
            Cls::Role(RoleKind::Modifier) => return None,
            Cls::Role(_) if indefinite => (SpeakerKind::Unnamed, true),
            Cls::Role(_) => (SpeakerKind::Role, false),
            Cls::Name => {
                if units.len() == 1 && self.sentence_initial_common(head) {
                    return None;
                }
                if indefinite {
                    // "an NBC News/YouGov survey": the name qualifies a noun
                    // that is the real source; say nothing.
                    return None;
                }
                (SpeakerKind::Name, false)
            }
            _ => return None,
        })
    }

    /// A lone capitalised word opening its sentence that also appears in
    /// lowercase in the body ("Reports said") is not a name.
    fn sentence_initial_common(&self, u: &Unit) -> bool {
        let t = &self.layout.tokens[u.a];
        let s = &self.layout.sentences[t.sentence as usize];
        let first_in_sentence = self.body[s.start..t.start as usize]
            .chars()
            .all(|c| !c.is_alphanumeric());
        if !first_in_sentence {
            return false;
        }
        let word = lexicon::strip_possessive(self.text(u.a, u.b));
        let lower = word.to_lowercase();
        if lower == word {
            return false;
        }
        // Look nearby only (linear time on huge bodies).
        let mut lo = (t.start as usize).saturating_sub(600);
        while !self.body.is_char_boundary(lo) {
            lo -= 1;
        }
        let mut hi = (t.end as usize + 600).min(self.body.len());
        while !self.body.is_char_boundary(hi) {
            hi += 1;
        }
        let window = &self.body[lo..hi];
        window
            .match_indices(lower.as_str())
            .any(|(i, m)| word_bounded(window, i, i + m.len()))
    }
}

fn word_bounded(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_alphanumeric())
}

/// Inverted subjects ("said Li") are only read right after a quote.
fn follows_quote(body: &str, pos: usize) -> bool {
    let before = body[..pos].trim_end_matches([' ', '\u{a0}']);
    let mut rev = before.chars().rev();
    match rev.next() {
        Some('"' | '\u{201d}' | '\u{2019}' | '\u{bb}' | '\u{201c}') => true,
        Some(',') => matches!(rev.next(), Some('"' | '\u{201d}' | '\u{2019}' | '\u{bb}')),
        _ => false,
    }
}

/// Whether the indefinite description at `start..end` ("a spokeswoman for")
/// stands in apposition to a name, so the source is named after all:
/// "Ilse Varant, a spokeswoman for the authority, said" or "a spokesman
/// for the Kremlin, Dmitry Peskov, said".
pub(crate) fn in_apposition_with_name(
    body: &str,
    layout: &Layout,
    lex: &Lexicons,
    start: usize,
    end: usize,
) -> bool {
    let ctx = Ctx::uncached(body, layout, lex);
    let toks = &layout.tokens;
    let first = ctx.token_from(start);
    if first >= toks.len() {
        return false;
    }
    // A name right before: "<Name Name>, a spokeswoman".
    if first > 0 && ctx.same_sentence(first - 1, first) {
        let gap = ctx.gap(first - 1);
        if gap.starts_with(',') && Ctx::is_space(&gap[1..]) {
            let mut j = first - 1;
            let mut names = 0;
            loop {
                if ctx.token_cls(j) != Cls::Name {
                    break;
                }
                names += 1;
                if j == 0 || !ctx.same_sentence(j - 1, first) || !Ctx::is_space(ctx.gap(j - 1)) {
                    j = usize::MAX;
                    break;
                }
                j -= 1;
            }
            let after_prep = j != usize::MAX && names > 0 && ctx.token_cls(j) == Cls::Prep;
            if names > 0 && !after_prep {
                return true;
            }
        }
    }
    // A name right after the next comma: "a spokesman for X, Dmitry Peskov,".
    let mut k = ctx.token_from(end);
    let limit = (k + 8).min(toks.len());
    while k < limit && ctx.same_sentence(k, first) {
        if k > 0 {
            let gap = ctx.gap(k - 1);
            if gap.starts_with(',') && Ctx::is_space(&gap[1..]) {
                let names = (k..toks.len().min(k + 4))
                    .take_while(|&i| {
                        ctx.same_sentence(i, first)
                            && ctx.token_cls(i) == Cls::Name
                            && (i == k || Ctx::is_space(ctx.gap(i - 1)))
                    })
                    .count();
                return names >= 2;
            }
        }
        k += 1;
    }
    false
}

// ---------------------------------------------------------------------------
// People named in the text, for pronoun resolution

struct People<'a> {
    /// Name token -> person id (`u32::MAX` when two people share it).
    by_token: lexicon::FnvMap<&'a str, u32>,
    count: u32,
}

impl<'a> People<'a> {
    fn new() -> Self {
        People {
            by_token: lexicon::FnvMap::default(),
            count: 0,
        }
    }

    fn register(&mut self, names: &[&'a str]) {
        if names.is_empty() {
            return;
        }
        let existing = names
            .iter()
            .filter_map(|n| self.by_token.get(n).copied())
            .find(|&id| id != u32::MAX);
        let id = existing.unwrap_or_else(|| {
            self.count += 1;
            self.count - 1
        });
        for n in names {
            match self.by_token.get(n) {
                Some(&old) if old != id => {
                    self.by_token.insert(n, u32::MAX);
                }
                _ => {
                    self.by_token.insert(n, id);
                }
            }
        }
    }
}

/// Mention ids from here on are one-word speakers not known to be people.
const UNKNOWN_KIND: u32 = 1 << 31;

#[derive(Debug, Clone, Copy)]
struct Mention {
    start: usize,
    end: usize,
    person: u32,
    sentence: usize,
}

fn name_tokens<'a>(ctx: &Ctx<'a>, units: &[Unit]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for u in units {
        for i in u.a..=u.b {
            let (s, e) = ctx.tok(i);
            out.push(lexicon::strip_possessive(&ctx.body[s..e]));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Attributions

fn find_attributions(body: &str, layout: &mut Layout, lex: &Lexicons) {
    let mut all: Vec<Hit> = Vec::new();
    lex.scan(body, &mut all);
    let hits: Vec<Hit> = all
        .iter()
        .filter(|h| lex.entry(h.entry).file == LexFile::Attribution)
        .copied()
        .collect();
    let titles: Vec<Hit> = all
        .iter()
        .filter(|h| lex.entry(h.entry).kind == Some(RoleKind::Title))
        .copied()
        .collect();
    layout.hits = all;
    if hits.is_empty() && titles.is_empty() {
        return;
    }
    let ctx = Ctx::new(body, layout, lex);
    let mut atts: Vec<Attribution> = Vec::with_capacity(hits.len());
    let mut cursor = 0usize;
    let mut phrases: Vec<Option<Vec<Unit>>> = Vec::with_capacity(hits.len());
    for h in &hits {
        let e = lex.entry(h.entry);
        let in_quote = layout.quote_containing(h.start, h.end).is_some();
        let mut speaker = None;
        let mut units_out = None;
        if !in_quote {
            cursor = ctx.token_from_hint(cursor, h.start);
            let c = cursor;
            let found = if e.subject_after {
                ctx.phrase_after(c, h.end, false)
                    .map(|u| (u, SpeakerPattern::After))
            } else {
                let before = if c < layout.tokens.len() && ctx.tok(c).0 == h.start {
                    ctx.phrase_before(c, h.start)
                } else {
                    None
                };
                let before = before.or_else(|| {
                    (c < layout.tokens.len() && ctx.tok(c).0 == h.start)
                        .then(|| ctx.appositive_subject(c, h.start))
                        .flatten()
                });
                match before {
                    Some(u) => Some((u, SpeakerPattern::Subject)),
                    None if e.text != "told" && follows_quote(body, h.start) => ctx
                        .phrase_after(c, h.end, true)
                        .map(|u| (u, SpeakerPattern::Inverted)),
                    None => None,
                }
            };
            if let Some((units, pattern)) = found {
                if let Some((kind, anonymous)) = ctx.judge(&units) {
                    let (s, _) = ctx.tok(units[0].a);
                    let (_, en) = ctx.tok(units[units.len() - 1].b);
                    speaker = Some(Speaker {
                        start: s,
                        end: en,
                        kind,
                        pattern,
                        name: (kind != SpeakerKind::Pronoun).then(|| Arc::from(&body[s..en])),
                        resolved: None,
                        note: None,
                        anonymous,
                    });
                    units_out = Some(units);
                }
            }
        }
        atts.push(Attribution {
            start: h.start,
            end: h.end,
            entry: h.entry,
            stance: e.stance.unwrap_or(Stance::Neutral),
            speaker,
            in_quote,
        });
        phrases.push(units_out);
    }

    // Everything below (people, mentions) only serves to resolve pronoun
    // speakers: most articles have none.
    let has_pronoun = atts.iter().any(|a| {
        a.speaker
            .as_ref()
            .is_some_and(|sp| sp.kind == SpeakerKind::Pronoun)
    });
    if !has_pronoun {
        layout.attributions = atts;
        return;
    }

    // People: names after a title, and multi-word names that speak.
    let mut people = People::new();
    let mut tcursor = 0;
    for h in &titles {
        // The title's last token: the one before the first token starting
        // at or after the title's end.
        tcursor = ctx.token_from_hint(tcursor, h.end);
        let i = tcursor;
        if i == 0 || layout.tokens[i - 1].end as usize != h.end {
            continue;
        }
        let i = i - 1;
        let mut names = Vec::new();
        let mut j = i;
        while j + 1 < layout.tokens.len()
            && ctx.same_sentence(i, j + 1)
            && (Ctx::is_space(ctx.gap(j)) || ctx.is_abbr_gap(j))
            && names.len() < 4
        {
            let (s, e) = ctx.tok(j + 1);
            let word = &body[s..e];
            if ctx.token_cls(j + 1) != Cls::Name || word.contains('.') {
                break;
            }
            names.push(lexicon::strip_possessive(word));
            if word != lexicon::strip_possessive(word) {
                break;
            }
            j += 1;
        }
        // "Chief U.S. District Judge Patti Saris": a title followed by more
        // of a title is not right before the name.
        let chain_goes_on =
            j + 1 < layout.tokens.len() && ctx.same_sentence(i, j + 1) && !names.is_empty() && {
                let g = ctx.gap(j);
                (Ctx::is_space(g) || g.starts_with(". "))
                    && matches!(ctx.token_cls(j + 1), Cls::Role(_) | Cls::Name)
            };
        if !chain_goes_on {
            people.register(&names);
        }
    }
    // Speakers named by two or more plain name words ("Wang Wenbin said",
    // "Vladimir Putin and ... have vowed") are people too.
    let mut lone_speakers: Vec<&Unit> = Vec::new();
    for (a, units) in atts.iter().zip(&phrases) {
        let (Some(sp), Some(units)) = (&a.speaker, units) else {
            continue;
        };
        if sp.kind != SpeakerKind::Name {
            continue;
        }
        for conjunct in units.split(|u| u.cls == Cls::And) {
            let names = conjunct
                .iter()
                .rev()
                .take_while(|u| u.cls == Cls::Name && u.a == u.b)
                .count();
            let plain = names == conjunct.len();
            if names >= 2 && (plain || !matches!(conjunct[0].cls, Cls::Det(_))) {
                people.register(&name_tokens(&ctx, &conjunct[conjunct.len() - names..]));
            } else if plain && names == 1 {
                lone_speakers.push(&conjunct[0]);
            }
        }
    }

    // Mentions of those people outside quotes. A one-word speaker that is
    // not known as a person ("Beijing announced", "Putin said" when Putin
    // was never introduced) is kept as a mention of an unknown kind: a
    // pronoun right after it is left unresolved rather than guessed.
    let mut mentions: Vec<Mention> = Vec::new();
    if people.count > 0 {
        for t in &layout.tokens {
            let (s, e) = (t.start as usize, t.end as usize);
            if !body[s..e].starts_with(char::is_uppercase) {
                continue;
            }
            let w = lexicon::strip_possessive(&body[s..e]);
            if let Some(&p) = people.by_token.get(w) {
                if p != u32::MAX && layout.quote_containing(s, e).is_none() {
                    mentions.push(Mention {
                        start: s,
                        end: s + w.len(),
                        person: p,
                        sentence: t.sentence as usize,
                    });
                }
            }
        }
    }
    let mut unknown: lexicon::FnvMap<&str, u32> = lexicon::FnvMap::default();
    for u in lone_speakers {
        let (s, e) = ctx.tok(u.a);
        let w = lexicon::strip_possessive(&body[s..e]);
        if people.by_token.contains_key(w) {
            continue;
        }
        let n = unknown.len() as u32;
        let id = *unknown.entry(w).or_insert(UNKNOWN_KIND + n);
        mentions.push(Mention {
            start: s,
            end: s + w.len(),
            person: id,
            sentence: layout.tokens[u.a].sentence as usize,
        });
    }
    mentions.sort_by_key(|m| (m.start, m.person));

    for a in atts.iter_mut() {
        if let Some(sp) = a.speaker.as_mut() {
            if sp.kind == SpeakerKind::Pronoun {
                resolve_pronoun(body, layout, &mentions, sp);
            }
        }
    }
    layout.attributions = atts;
}

fn resolve_pronoun(body: &str, layout: &Layout, mentions: &[Mention], sp: &mut Speaker) {
    let word = &body[sp.start..sp.end];
    let lower = word.to_ascii_lowercase();
    if lower != "he" && lower != "she" {
        sp.note = Some(format!(
            "pronoun \"{word}\" not resolved: only he/she are resolved to a named person"
        ));
        return;
    }
    let s = layout.sentence_at(sp.start);
    let here_lo = mentions.partition_point(|m| m.sentence < s);
    let before_here = mentions[here_lo..]
        .iter()
        .take_while(|m| m.sentence == s)
        .any(|m| m.end <= sp.start);
    if before_here {
        sp.note = Some(format!(
            "pronoun \"{word}\" not resolved: a person is named earlier in the same sentence"
        ));
        return;
    }
    // Look back over at most three sentences in the writer's own words
    // (sentences wholly inside a quote name nobody and are passed over).
    let mut own_seen = 0;
    let mut ps = s;
    while own_seen < 3 && ps > 0 {
        ps -= 1;
        let own = layout.tokens[layout
            .tokens
            .partition_point(|t| (t.sentence as usize) < ps)..]
            .iter()
            .take_while(|t| t.sentence as usize == ps)
            .any(|t| {
                layout
                    .quote_containing(t.start as usize, t.end as usize)
                    .is_none()
            });
        if !own {
            continue;
        }
        own_seen += 1;
        let lo = mentions.partition_point(|m| m.sentence < ps);
        let hi = mentions.partition_point(|m| m.sentence <= ps);
        let here = &mentions[lo..hi];
        if here.is_empty() {
            continue;
        }
        let first = here[0].person;
        if here.iter().all(|m| m.person == first) {
            let m = here[here.len() - 1];
            if first >= UNKNOWN_KIND {
                sp.note = Some(format!(
                    "pronoun \"{word}\" not resolved: {} is named just before but is not known to be a person",
                    &body[m.start..m.end]
                ));
                return;
            }
            sp.name = Some(Arc::from(&body[m.start..m.end]));
            sp.resolved = Some((m.start, m.end));
        } else {
            let mut names: Vec<&str> = Vec::new();
            for m in here {
                let n = &body[m.start..m.end];
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            sp.note = Some(format!(
                "pronoun \"{word}\" not resolved: {} are all named just before",
                names.join(" and ")
            ));
        }
        return;
    }
    sp.note = Some(format!(
        "pronoun \"{word}\" not resolved: no person named in the previous sentences"
    ));
}

// ---------------------------------------------------------------------------
// Quote speakers

fn quote_speakers(body: &str, layout: &mut Layout) {
    let atts = &layout.attributions;
    // Step 1 looks for the first attribution (by position) whose subject
    // speaker, or whose inverted cue, starts right after the closing mark;
    // step 2 for the last usable attribution before the opening mark. Both
    // are indexed here so that a paragraph or sentence with thousands of
    // quotes costs a lookup per quote, not a scan of every attribution.
    // (where the speaker or inverted cue starts, attribution index), sorted.
    let mut starting_at: Vec<(usize, usize)> = Vec::with_capacity(atts.len());
    for (i, a) in atts.iter().enumerate() {
        if a.in_quote {
            continue;
        }
        if let Some(sp) = &a.speaker {
            match sp.pattern {
                SpeakerPattern::Subject => starting_at.push((sp.start, i)),
                SpeakerPattern::Inverted => starting_at.push((a.start, i)),
                SpeakerPattern::After => {}
            }
        }
    }
    starting_at.sort_unstable();
    // last_usable[i]: the last attribution at or before i that is outside
    // quotes and has a speaker (step 2's conditions but `a.end <= q.start`).
    let mut last_usable: Vec<Option<usize>> = Vec::with_capacity(atts.len());
    for (i, a) in atts.iter().enumerate() {
        let ok =
            !a.in_quote && a.speaker.is_some() && layout.quote_containing(a.start, a.end).is_none();
        let prev = last_usable.last().copied().flatten();
        last_usable.push(if ok { Some(i) } else { prev });
    }
    let mut results: Vec<(Option<usize>, Option<String>)> = Vec::with_capacity(layout.quotes.len());
    for (qi, q) in layout.quotes.iter().enumerate() {
        // Attributions starting at or after the closing mark.
        let after = atts.partition_point(|a| a.start < q.end);
        // 1. Right after the closing mark: `"…," Putin said` / `"…," said Li`.
        let rest = &body[q.end..];
        let skip = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_whitespace() || ",\u{2014}\u{2013}-".contains(c))
                .len();
        let tail_pos = q.end + skip;
        let para_end =
            layout.paragraphs[paragraph_of(&layout.paragraphs, q.end.saturating_sub(1))].end;
        let mut pick = None;
        if tail_pos < para_end {
            // The first such attribution in `after..` that starts before the
            // paragraph ends.
            let until = atts.partition_point(|a| a.start < para_end);
            let k = starting_at.partition_point(|&p| p < (tail_pos, after));
            pick = starting_at
                .get(k)
                .filter(|&&(pos, i)| pos == tail_pos && i < until)
                .map(|&(_, i)| i);
        }
        // 2. Before the opening mark, in the same sentence: `Li said that "…"`.
        if pick.is_none() {
            let s = &layout.sentences[q.sentence];
            let lo = atts.partition_point(|a| a.start < s.start);
            let hi = atts.partition_point(|a| a.start < q.start);
            // Usable attributions from the last one before the quote back
            // to the sentence start; only those overlapping the opening
            // mark fail `a.end <= q.start`, so this stops almost at once.
            let mut cur = hi.checked_sub(1).and_then(|i| last_usable[i]);
            while let Some(i) = cur.filter(|&i| i >= lo) {
                if atts[i].end <= q.start {
                    pick = Some(i);
                    break;
                }
                cur = i.checked_sub(1).and_then(|j| last_usable[j]);
            }
        }
        // 3. "according to X" after the quote, in the sentence where it ends.
        if pick.is_none() {
            let close_sentence = layout.sentence_at(q.end.saturating_sub(1));
            let s_end = layout.sentences[close_sentence].end;
            let next_quote = layout.quotes.get(qi + 1).map_or(usize::MAX, |o| o.start);
            pick = atts[after..]
                .iter()
                .take_while(|a| a.start < s_end.min(next_quote))
                .position(|a| {
                    !a.in_quote
                        && a.end <= s_end
                        && a.speaker
                            .as_ref()
                            .is_some_and(|sp| sp.pattern == SpeakerPattern::After)
                })
                .map(|i| after + i);
        }
        results.push((pick, None));
    }
    for (qi, (pick, _)) in results.iter().enumerate() {
        let q = &mut layout.quotes[qi];
        if let Some(ai) = *pick {
            q.attribution = Some(ai);
            let sp = layout.attributions[ai]
                .speaker
                .as_ref()
                .expect("picked attributions have a speaker");
            fill_speaker(body, q, sp);
        }
    }
    // 4. A later quote in the same paragraph without its own attribution
    //    keeps the previous quote's speaker.
    for qi in 1..layout.quotes.len() {
        if layout.quotes[qi].attribution.is_some() {
            continue;
        }
        let paras = &layout.paragraphs;
        let (prev, cur) = layout.quotes.split_at_mut(qi);
        let p = &prev[qi - 1];
        let q = &mut cur[0];
        let same_para =
            paragraph_of(paras, p.end.saturating_sub(1)) == paragraph_of(paras, q.start);
        if same_para && p.speaker.is_some() {
            q.speaker = p.speaker.clone();
            q.speaker_range = p.speaker_range;
            q.speaker_note = Some(Arc::from(
                "same speaker as the previous quote in this paragraph",
            ));
        }
    }
}

/// Index of the paragraph containing (or last starting before) `pos`.
fn paragraph_of(paragraphs: &[Range<usize>], pos: usize) -> usize {
    paragraphs
        .partition_point(|r| r.start <= pos)
        .saturating_sub(1)
}

fn fill_speaker(body: &str, q: &mut Quote, sp: &Speaker) {
    match sp.kind {
        SpeakerKind::Name | SpeakerKind::Role => {
            // `sp.name` is `body[sp.start..sp.end]` for these kinds.
            q.speaker = sp.name.clone();
            q.speaker_range = Some((sp.start, sp.end));
        }
        SpeakerKind::Pronoun => match (sp.resolved, &sp.name) {
            (Some(r), Some(n)) => {
                q.speaker = Some(n.clone());
                q.speaker_range = Some(r);
                q.speaker_note = Some(Arc::from(format!(
                    "\"{}\" refers to {n}, the person named just before",
                    &body[sp.start..sp.end]
                )));
            }
            _ => q.speaker_note = sp.note.as_deref().map(Arc::from),
        },
        SpeakerKind::Unnamed => {
            q.speaker_note = Some(Arc::from(format!(
                "unnamed source: {}",
                &body[sp.start..sp.end]
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    /// `bytes_equal8` marks exactly the bytes equal to `c`, whatever the
    /// other bytes (zero, equal, one off, high); `skip_words8` stops at the
    /// first word its test rejects.
    #[test]
    fn bytes_equal8_marks_exactly_the_equal_bytes() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for c in 0..=255u8 {
            for _ in 0..200 {
                let mut w = next().to_le_bytes();
                for b in w.iter_mut() {
                    match next() % 4 {
                        0 => *b = c,
                        1 => *b = c.wrapping_add(1),
                        2 => *b = c.wrapping_sub(1),
                        _ => {}
                    }
                }
                let want = w
                    .iter()
                    .enumerate()
                    .fold(0u64, |m, (k, &b)| m | (u64::from(b == c) << (8 * k + 7)));
                assert_eq!(
                    super::bytes_equal8(u64::from_le_bytes(w), c),
                    want,
                    "{c} {w:?}"
                );
            }
        }
        let text = b"no quote here, none here either, \"there";
        let stop = |x: u64| (x | super::bytes_equal8(x, b'"')) & super::HIGH8 != 0;
        assert_eq!(super::skip_words8(text, 0, stop), 32);
        assert_eq!(super::skip_words8(text, 35, stop), 35);
    }

    use super::*;

    fn sentences(body: &str) -> Vec<&str> {
        segment(body)
            .sentences
            .iter()
            .map(|s| &body[s.start..s.end])
            .collect()
    }

    fn quotes(body: &str) -> Vec<(String, Option<String>)> {
        let l = segment(body);
        l.quotes
            .iter()
            .map(|q| {
                (
                    body[q.start..q.end].to_string(),
                    q.speaker.as_deref().map(str::to_owned),
                )
            })
            .collect()
    }

    fn speaker_of_only_quote(body: &str) -> (Option<String>, Option<String>) {
        let l = segment(body);
        assert_eq!(l.quotes.len(), 1, "{body}: {:?}", l.quotes);
        let q = &l.quotes[0];
        if let (Some(r), Some(s)) = (q.speaker_range, &q.speaker) {
            assert_eq!(&body[r.0..r.1], &**s);
        }
        (
            q.speaker.as_deref().map(str::to_owned),
            q.speaker_note.as_deref().map(str::to_owned),
        )
    }

    #[test]
    fn function_word_table_is_the_list() {
        let mut seen = std::collections::HashSet::new();
        for &(cls, words) in FUNCTION_WORDS {
            for &w in words {
                assert!(seen.insert(w), "{w} listed twice");
                assert!(w.len() <= 10, "{w} is longer than function_word's cut");
                assert_eq!(function_word(w), Some(cls), "{w}");
            }
        }
        for w in [
            "",
            "thee",
            "th",
            "said",
            "officials",
            "hi",
            "afternoons",
            "previouslyy",
            "The",
        ] {
            assert_eq!(function_word(w), None, "{w}");
        }
    }

    #[test]
    fn strip_possessive_fast_path_agrees() {
        for w in [
            "Li's",
            "Li\u{2019}s",
            "LI'S",
            "Li\u{2019}S",
            "Jones'",
            "Jones\u{2019}",
            "'s",
            "'",
            "\u{2019}",
            "''",
            "news",
            "Li",
            "",
            "s",
            "bus'",
            "x\u{2019}\u{2019}",
        ] {
            let slow = ["'s", "\u{2019}s", "'S", "\u{2019}S", "'", "\u{2019}"]
                .iter()
                .find_map(|suf| w.strip_suffix(suf).filter(|r| !r.is_empty()))
                .unwrap_or(w);
            assert_eq!(lexicon::strip_possessive(w), slow, "{w}");
        }
    }

    fn full_uax29(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices()
            .skip(1)
            .map(|(o, _)| o)
            .collect()
    }

    #[test]
    fn windowed_sentence_breaks_equal_the_full_segmenter() {
        for t in [
            "One. Two! Three? \"Four.\" Five.",
            "Mr. Smith went to Washington D.C. in Jan. 2020. It rained.",
            "Values: 3.5, 1,020 and 4.7 percent... maybe. “Yes!” he said. (Really.) ok",
            "U.S. officials said. e.g. this one. Then 5 p.m. Sunday.",
            "Line one\nLine two\r\nLine three\u{2029}Four.",
            "Что это? Это тест. 日本語。テスト！ Ok.",
            "Trailing dots...",
            "...",
            "",
            "A.B.C. D.",
            "He said \"no.\"\n\"Yes,\" she said.",
            "He left. “We will not,” she said. “No.” Then ‘Yes.’ Go. “a” b.” C",
        ] {
            let mut v = Vec::new();
            sentence_breaks(t, &mut v);
            assert_eq!(v, full_uax29(t), "{t:?}");
        }
    }

    fn unicode_words(t: &str) -> Vec<(usize, &str)> {
        t.unicode_word_indices().collect()
    }

    fn ascii_words(t: &str) -> Vec<(usize, &str)> {
        let mut v = Vec::new();
        ascii_word_indices(t, |o, w, alphabetic| {
            assert_eq!(alphabetic, w.bytes().any(|b| b.is_ascii_alphabetic()));
            v.push((o, w));
        });
        v
    }

    #[test]
    fn ascii_words_equal_the_unicode_segmenter() {
        for t in [
            "Putin's army lost 1,020 soldiers - 3.5% more.",
            "U.S. a.m. e.g. 10:30 a:b 1;2 1.a a.1 x_y __ _1 a__ 'quoted' it's. end'",
            "",
            "...",
            "“We won’t,” she said — 1’000 ‘a’ 3’x don’’t …end’ ‘",
        ] {
            assert!(ascii_words_apply(t));
            assert_eq!(ascii_words(t), unicode_words(t), "{t:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]
        #[test]
        fn ascii_words_equal_unicode_words_on_random_text(
            t in "[a-zA-Z0-9_ .,;:'\"!?()%$&@#*+=/<>{}|~^`\t\n\r-]{0,60}"
        ) {
            proptest::prop_assert_eq!(ascii_words(&t), unicode_words(&t), "{:?}", t);
        }

        #[test]
        fn ascii_words_equal_unicode_words_on_any_ascii(
            t in proptest::collection::vec(0u8..128, 0..60)
        ) {
            let t = String::from_utf8(t).unwrap();
            proptest::prop_assert_eq!(ascii_words(&t), unicode_words(&t), "{:?}", t);
        }

        #[test]
        fn news_words_equal_unicode_words(
            t in "[a-zA-Z0-9_ .,;:'\"!?()-]{0,10}([“”‘’–—…][a-zA-Z0-9 .,:'-]{0,4}){0,8}"
        ) {
            proptest::prop_assert!(ascii_words_apply(&t));
            proptest::prop_assert_eq!(ascii_words(&t), unicode_words(&t), "{:?}", t);
        }

        #[test]
        fn news_words_apply_only_to_their_marks(t in proptest::prelude::any::<String>()) {
            let marks = ['“', '”', '‘', '’', '–', '—', '…'];
            let want = t.chars().all(|c| c.is_ascii() || marks.contains(&c));
            proptest::prop_assert_eq!(ascii_words_apply(&t), want);
            if want {
                proptest::prop_assert_eq!(ascii_words(&t), unicode_words(&t), "{:?}", t);
            }
        }

        #[test]
        fn windowed_breaks_equal_full_segmenter_on_news_quotes(
            t in "([“‘\"]?[A-Za-z]{1,5}[.!?]?[”’\"')]{0,2}( {1,2}|\n)?){0,20}"
        ) {
            let mut v = Vec::new();
            sentence_breaks(&t, &mut v);
            proptest::prop_assert_eq!(v, full_uax29(&t), "{:?}", t);
        }

        #[test]
        fn windowed_breaks_equal_full_segmenter_on_prose(
            t in "(\"?[A-Za-z]{1,6}[.!?]?[\"')\\]]{0,2}( {1,2}|\n)?){0,24}"
        ) {
            let mut v = Vec::new();
            sentence_breaks(&t, &mut v);
            proptest::prop_assert_eq!(v, full_uax29(&t), "{:?}", t);
        }

        #[test]
        fn windowed_breaks_equal_full_segmenter_on_random_text(
            t in "[a-zA-Z0-9 .!?,;:\"'()\\[\\]\n\r“”‘’…。！？\u{2029}\u{85}\u{300}\u{200b}-]{0,80}"
        ) {
            let mut v = Vec::new();
            sentence_breaks(&t, &mut v);
            proptest::prop_assert_eq!(v, full_uax29(&t), "{:?}", t);
        }

        #[test]
        fn windowed_breaks_equal_full_segmenter_on_any_text(t in proptest::prelude::any::<String>()) {
            let mut v = Vec::new();
            sentence_breaks(&t, &mut v);
            proptest::prop_assert_eq!(v, full_uax29(&t), "{:?}", t);
        }
    }

    #[test]
    #[ignore = "measurement; run in release with --nocapture"]
    fn stage_timing() {
        let opts = crate::synth::SynthOptions {
            articles: usize::MAX,
            seed: 7,
        };
        let mut body = String::new();
        let mut i = 0;
        while body.len() < 10 << 20 {
            if let Some(t) = crate::synth::article(&opts, i)
                .get("text")
                .and_then(|t| t.as_str())
            {
                body.push_str(t);
                body.push_str("\n\n");
            }
            i += 1;
        }
        let lex = Lexicons::embedded();
        // CPU time of this thread (the machine may be busy with other work).
        let cpu = || -> f64 {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()
                .and_then(|x| x.split_whitespace().next()?.parse::<f64>().ok())
                .unwrap_or(0.0)
                / 1e9
        };
        let mb = body.len() as f64 / (1 << 20) as f64;
        let mut l = Layout::default();
        let report = |name: &str, t0: f64| {
            let dt = cpu() - t0;
            eprintln!("{name:>16}: {:7.1} ms cpu = {:6.1} MB/s", dt * 1e3, mb / dt);
        };
        let t = cpu();
        split_paragraphs(&body, &mut l);
        report("paragraphs", t);
        let t = cpu();
        split_sentences(&body, &mut l);
        report("sentences", t);
        let t = cpu();
        tokenize(&body, &mut l);
        report("tokens", t);
        let t = cpu();
        find_quotes(&body, &mut l);
        report("quotes", t);
        let t = cpu();
        let mut hits = Vec::new();
        lex.scan(&body, &mut hits);
        report("lexicon scan", t);
        let t = cpu();
        find_attributions(&body, &mut l, lex);
        report("attrib.+scan", t);
        let t = cpu();
        quote_speakers(&body, &mut l);
        report("quote speakers", t);
    }

    #[test]
    fn token_cursor_equals_binary_search() {
        let body = "One two three. Four, five six! Seven eight nine ten eleven. ".repeat(40);
        let lex = Lexicons::embedded();
        let layout = segment_with(&body, lex);
        let ctx = Ctx::new(&body, &layout, lex);
        let mut hint = 0;
        for pos in (0..body.len()).step_by(7) {
            hint = ctx.token_from_hint(hint, pos);
            assert_eq!(hint, ctx.token_from(pos), "{pos}");
        }
        // A hint past the answer still gives the right answer.
        assert_eq!(
            ctx.token_from_hint(layout.tokens.len(), 3),
            ctx.token_from(3)
        );
    }

    #[test]
    fn paragraphs_split_on_blank_lines_and_are_trimmed() {
        let body = "  First one.\n\nSecond\r\n \r\nThird.  \n";
        let l = segment(body);
        let p: Vec<&str> = l.paragraphs.iter().map(|r| &body[r.clone()]).collect();
        assert_eq!(p, ["First one.", "Second", "Third."]);
        for s in &l.sentences {
            let para = &l.paragraphs[s.paragraph];
            assert!(para.start <= s.start && s.end <= para.end);
        }
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            sentences("Mr. Smith met Gen. Li in St. Petersburg. He left."),
            ["Mr. Smith met Gen. Li in St. Petersburg.", "He left."]
        );
        assert_eq!(
            sentences("They met on Apr. 16 at No. 10 with U.S. President Joe Biden. It rained."),
            [
                "They met on Apr. 16 at No. 10 with U.S. President Joe Biden.",
                "It rained."
            ]
        );
        assert_eq!(
            sentences("John F. Kennedy spoke. Prices rose 3.5 percent. Then they fell."),
            [
                "John F. Kennedy spoke.",
                "Prices rose 3.5 percent.",
                "Then they fell."
            ]
        );
        assert_eq!(
            sentences("He moved to the U.S. The next day he left."),
            ["He moved to the U.S.", "The next day he left."]
        );
        assert_eq!(
            sentences("It ended at 5 p.m. Sunday, officials said."),
            ["It ended at 5 p.m. Sunday, officials said."]
        );
        assert_eq!(
            sentences("The answer was No. Then silence."),
            ["The answer was No.", "Then silence."]
        );
    }

    #[test]
    fn sentences_never_cross_paragraphs() {
        assert_eq!(
            sentences("Talks with Mr.\n\nSmith ended"),
            ["Talks with Mr.", "Smith ended"]
        );
    }

    #[test]
    fn wrapped_lines_are_joined_but_list_lines_are_not() {
        assert_eq!(
            sentences("The minister said the talks\nwould continue next week."),
            ["The minister said the talks\nwould continue next week."]
        );
        assert_eq!(
            sentences("Tags\nRussia\nChina"),
            ["Tags", "Russia", "China"]
        );
    }

    #[test]
    fn tokens_have_kinds_and_exact_offsets() {
        let body = "Putin's army lost 1,020 soldiers — 3.5% more.";
        let l = segment(body);
        let toks: Vec<(&str, TokenKind)> = l
            .tokens
            .iter()
            .map(|t| (&body[t.start as usize..t.end as usize], t.kind))
            .collect();
        assert_eq!(
            toks,
            [
                ("Putin's", TokenKind::Word),
                ("army", TokenKind::Word),
                ("lost", TokenKind::Word),
                ("1,020", TokenKind::Number),
                ("soldiers", TokenKind::Word),
                ("3.5", TokenKind::Number),
                ("more", TokenKind::Word),
            ]
        );
        assert_eq!(l.word_count(), 5);
    }

    #[test]
    fn straight_curly_and_single_quotes() {
        let q = quotes("He said \"yes\" and “no” and ‘maybe’ but Xi’s aides don’t.");
        let texts: Vec<&str> = q.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["\"yes\"", "“no”", "‘maybe’"]);
    }

    #[test]
    fn apostrophes_never_open_or_close_quotes() {
        assert!(quotes("The students’ books and Li’s rock ’n’ roll aren’t quotes.").is_empty());
        assert!(quotes("He is 6'2\" tall and it's fine.").is_empty());
    }

    #[test]
    fn quotes_span_sentences_and_paragraphs() {
        let body = "\"We will win. We are strong,\" Vladimir Putin said.\n\n\"The talks were long.\n\n\"But they ended well,\" he added.";
        let l = segment(body);
        assert_eq!(l.quotes.len(), 2, "{:?}", l.quotes);
        assert_eq!(
            &body[l.quotes[1].start..l.quotes[1].end],
            "\"The talks were long.\n\n\"But they ended well,\""
        );
        assert_eq!(l.quotes[1].speaker.as_deref(), Some("Putin"));
        assert_eq!(l.quotes[0].speaker.as_deref(), Some("Vladimir Putin"));
    }

    #[test]
    fn unbalanced_marks_break_nothing() {
        let body = "He said \"this never closes.\n\nNext paragraph \"fine\" here. Stray ” mark.";
        let l = segment(body);
        let q: Vec<&str> = l.quotes.iter().map(|q| &body[q.start..q.end]).collect();
        assert_eq!(q, ["\"fine\""]);
    }

    #[test]
    fn speaker_patterns() {
        assert_eq!(
            speaker_of_only_quote("\"We are ready,\" Putin said.")
                .0
                .as_deref(),
            Some("Putin")
        );
        assert_eq!(
            speaker_of_only_quote("\"We are ready,\" said Li Shangfu.")
                .0
                .as_deref(),
            Some("Li Shangfu")
        );
        assert_eq!(
            speaker_of_only_quote("Li said that ties \"outperform alliances of the past\".")
                .0
                .as_deref(),
            Some("Li")
        );
        assert_eq!(
            speaker_of_only_quote("Putin said: \"We are ready.\"")
                .0
                .as_deref(),
            Some("Putin")
        );
        assert_eq!(
            speaker_of_only_quote("\"Ties are stable,\" according to the Kremlin.")
                .0
                .as_deref(),
            Some("the Kremlin")
        );
        assert_eq!(
            speaker_of_only_quote(
                "“It works,” Chinese Foreign Ministry spokesman Wang Wenbin said."
            )
            .0
            .as_deref(),
            Some("Chinese Foreign Ministry spokesman Wang Wenbin")
        );
    }

    #[test]
    fn pronoun_speaker_resolves_to_the_one_person_named_before() {
        let body = "Defence Minister Li Shangfu arrived on Sunday. The visit was the first Li has made abroad. \"Ties are strong,\" he told Putin.";
        let l = segment(body);
        let q = &l.quotes[0];
        assert_eq!(q.speaker.as_deref(), Some("Li"));
        let (s, e) = q.speaker_range.unwrap();
        assert_eq!(&body[s..e], "Li");
        assert!(s < q.start, "points at the earlier mention");
    }

    #[test]
    fn ambiguous_pronoun_stays_unresolved_and_says_why() {
        let body = "President Vladimir Putin met Defence Minister Li Shangfu. Putin shook hands with Li. \"Ties are strong,\" he said.";
        let (speaker, note) = speaker_of_only_quote(body);
        assert_eq!(speaker, None);
        let note = note.unwrap();
        assert!(note.contains("Putin") && note.contains("Li"), "{note}");
    }

    #[test]
    fn issue2_pronoun_after_an_unintroduced_speaker() {
        // Putin is never introduced with a title, only as "Vladimir Putin and
        // ..."; "he added" after "Putin said" is Putin, not Li.
        let body = "Vladimir Putin and defence minister Li Shangfu have vowed to cooperate. \
                    Li said ties were strong. \"We work well,\" Putin said. The drills, he added, were large.";
        let l = segment(body);
        let added = l
            .attributions
            .iter()
            .find(|a| &body[a.start..a.end] == "added")
            .unwrap();
        assert_eq!(
            added.speaker.as_ref().unwrap().name.as_deref(),
            Some("Putin")
        );
        // A one-word speaker not known as a person is not a pronoun's target.
        let body = "Beijing announced the visit. \"It is historic,\" he said.";
        let (speaker, note) = speaker_of_only_quote(body);
        assert_eq!(speaker, None);
        assert!(note.unwrap().contains("not known to be a person"));
    }

    #[test]
    fn issue2_title_chains_and_possessives_are_not_people() {
        // "Chief U.S. District Judge Patti Saris": "U.S" is not a person.
        let body = "\"He walks out now,\" Chief U.S. District Judge Patti Saris said. \
                    The judge cited the U.S. Constitution. \"This was the intent,\" she said.";
        let l = segment(body);
        assert_eq!(l.quotes[1].speaker.as_deref(), Some("Saris"));
        // A possessive is not a speaker.
        let body = "Ms. Ford’s claim that she has “a vivid memory” is credible.";
        let l = segment(body);
        assert_eq!(l.quotes[0].speaker, None);
    }

    #[test]
    fn unnamed_speaker_is_noted_not_named() {
        let (speaker, note) = speaker_of_only_quote(
            "\"It is ready,\" stated a representative from the Russian government.",
        );
        assert_eq!(speaker, None);
        assert!(note
            .unwrap()
            .contains("a representative from the Russian government"));
    }

    #[test]
    fn appositive_subject() {
        let body = "Li, who met the president on Sunday, said China was willing.";
        let l = segment(body);
        let sp = l.attributions[0].speaker.as_ref().unwrap();
        assert_eq!(&body[sp.start..sp.end], "Li");
        assert_eq!(sp.kind, SpeakerKind::Name);
        // issue2 (demo corpus follow-up): an appositive description.
        assert_eq!(
            speaker_of_only_quote(
                "\"We are ready,\" Ilse Varant, the authority's director-general, told reporters."
            )
            .0
            .as_deref(),
            Some("Ilse Varant")
        );
        // A comma that does not open a description gives no speaker.
        let body = "In the end, the talks, said to be long, ended.";
        assert!(segment(body)
            .attributions
            .iter()
            .all(|a| a.speaker.is_none()));
    }

    #[test]
    fn anonymous_sources_are_told_from_groups_and_back_references() {
        let anon = |body: &str| -> Vec<(String, bool)> {
            segment(body)
                .attributions
                .iter()
                .filter_map(|a| a.speaker.as_ref())
                .map(|s| (body[s.start..s.end].to_string(), s.anonymous))
                .collect()
        };
        assert_eq!(
            anon("Officials said it failed."),
            [("Officials".into(), true)]
        );
        assert_eq!(
            anon("A Republican senator said it failed."),
            [("A Republican senator".into(), true)]
        );
        assert_eq!(
            anon("Her aides said it failed."),
            [("Her aides".into(), true)]
        );
        assert_eq!(
            anon("The officials said it failed."),
            [("The officials".into(), false)]
        );
        assert_eq!(
            anon("The source said it failed."),
            [("The source".into(), true)]
        );
        assert_eq!(anon("Voters say it failed."), [("Voters".into(), false)]);
        assert_eq!(
            anon("Republicans insisted it failed."),
            [("Republicans".into(), false)]
        );
        // "a Washington Post analysis": the name qualifies the real source.
        let body = "Half were white, according to a Washington Post analysis.";
        let l = segment(body);
        let sp = l.attributions[0].speaker.as_ref().unwrap();
        assert_eq!(
            (&body[sp.start..sp.end], sp.kind),
            ("Washington Post", SpeakerKind::Name)
        );
    }

    #[test]
    fn attribution_speaker_kinds() {
        let kinds = |body: &str| -> Vec<(String, SpeakerKind)> {
            segment(body)
                .attributions
                .iter()
                .filter_map(|a| a.speaker.as_ref())
                .map(|s| (body[s.start..s.end].to_string(), s.kind))
                .collect()
        };
        assert_eq!(
            kinds("Officials said the plan failed."),
            [("Officials".into(), SpeakerKind::Unnamed)]
        );
        assert_eq!(
            kinds("Russians claim it failed."),
            [("Russians".into(), SpeakerKind::Unnamed)]
        );
        assert_eq!(
            kinds("The ministry said it failed."),
            [("The ministry".into(), SpeakerKind::Role)]
        );
        assert_eq!(
            kinds("A senior official in Kyiv said on Friday it failed."),
            [("A senior official in Kyiv".into(), SpeakerKind::Unnamed)]
        );
        assert_eq!(
            kinds("China has repeatedly denied it."),
            [("China".into(), SpeakerKind::Name)]
        );
        assert_eq!(kinds("Reports said it failed. The reports said so."), []);
        assert!(kinds("The report said Putin was tired.").is_empty());
    }

    #[test]
    fn offsets_are_char_boundaries_on_unicode() {
        let body = "«Ça va», dit-il. “Да,” — сказал Путин.\n\n‘Yes’ — 日本語。 Emoji 🎉 “ok”";
        let l = segment(body);
        for s in &l.sentences {
            assert!(body.is_char_boundary(s.start) && body.is_char_boundary(s.end));
        }
        for q in &l.quotes {
            let _ = &body[q.start..q.end];
            let _ = &body[q.inner_start..q.inner_end];
        }
    }
}
