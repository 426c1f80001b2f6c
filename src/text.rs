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

use crate::lexicon::{self, Hit, LexFile, Lexicons, RoleKind, Stance};
use std::ops::Range;
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
    /// resolved pronoun: the name it refers to).
    pub speaker: Option<String>,
    /// Byte range of the speaker's name in the body (`&body[r] == speaker`;
    /// for a resolved pronoun, the earlier mention of the name).
    pub speaker_range: Option<(usize, usize)>,
    /// Sentence index where the quote starts.
    pub sentence: usize,
    /// Why there is no speaker, or how it was found (pronoun resolution,
    /// unnamed source, same speaker as the previous quote).
    pub speaker_note: Option<String>,
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
    /// mention it refers to. `None` for unresolved pronouns.
    pub name: Option<String>,
    /// For a resolved pronoun: range of the earlier mention (`&body[r] == name`).
    pub resolved: Option<(usize, usize)>,
    /// Why a pronoun was not resolved.
    pub note: Option<String>,
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
    if TITLE_ABBR.contains(&abbr) || ALWAYS_ABBR.contains(&abbr.to_ascii_lowercase().as_str()) {
        return true;
    }
    if MONTH_ABBR.contains(&abbr) || NUMBER_ABBR.contains(&abbr.to_ascii_lowercase().as_str()) {
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
        for (off, frag) in seg_text.split_sentence_bound_indices() {
            let (fs, fe) = (off, off + frag.len());
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
            .is_none_or(|c| ".!?:;\"\u{201d}\u{2019})".contains(c));
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
        for (off, w) in body[s.start..s.end].unicode_word_indices() {
            let start = s.start + off;
            let kind = if w.chars().any(char::is_alphabetic) {
                TokenKind::Word
            } else {
                TokenKind::Number
            };
            tokens.push(Token {
                start: start as u32,
                end: (start + w.len()) as u32,
                kind,
                sentence: si as u32,
            });
        }
    }
    layout.tokens = tokens;
}

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
    prev.is_none_or(|c| c.is_whitespace() || "([{-\u{2013}\u{2014}/:,;".contains(c))
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
    let mut prev: Option<char> = None;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|&(_, n)| n);
        let at = para.start + i;
        let end = at + c.len_utf8();
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
                                && next.is_none_or(|n| !n.is_alphanumeric()))
                    }
                    Fam::Low => c == '\u{201c}' || c == '\u{201d}',
                    Fam::Guillemet => c == '\u{bb}',
                    Fam::Single => {
                        c == '\u{2019}'
                            && prev.is_some_and(|p| !p.is_whitespace())
                            && next.is_none_or(|n| !n.is_alphanumeric())
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
        prev = Some(c);
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

const DEFINITE: &[&str] = &["the", "his", "her", "its", "their", "our", "my", "your"];
const INDEFINITE: &[&str] = &[
    "a", "an", "one", "some", "several", "many", "two", "three", "four", "five", "another",
    "other", "various", "numerous", "most", "few",
];
const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we", "i", "you"];
const SKIP: &[&str] = &[
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
    "had",
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
];
const PREPS: &[&str] = &["of", "for", "from", "at", "in", "to"];

fn in_list(list: &[&str], lower: &str) -> bool {
    list.contains(&lower)
}

/// Class of one unit (a word, or hyphen-joined words such as "state-run").
fn classify(word: &str, lex: &Lexicons) -> Cls {
    let fixed = lexicon::with_lower(word, |l| {
        if in_list(DEFINITE, l) {
            Some(Cls::Det(true))
        } else if in_list(INDEFINITE, l) {
            Some(Cls::Det(false))
        } else if in_list(PRONOUNS, l) {
            Some(Cls::Pron)
        } else if in_list(SKIP, l) {
            Some(Cls::Skip)
        } else if in_list(PREPS, l) {
            Some(Cls::Prep)
        } else if l == "and" {
            Some(Cls::And)
        } else {
            None
        }
    })
    .flatten();
    if let Some(c) = fixed {
        return c;
    }
    if let Some(k) = lex.role(word) {
        return Cls::Role(k);
    }
    if lex.is_not_name(word) {
        return Cls::Other;
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
}

impl Ctx<'_> {
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
        let text = self.text(a, b);
        let cls = if a == b {
            classify(text, self.lex)
        } else if let Some(k) = self.lex.role(text) {
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

    /// The subject of a verb after an appositive or relative clause:
    /// "Li, who met the president on Sunday, said" (the cue at token `c`).
    fn appositive_subject(&self, c: usize, cue_start: usize) -> Option<Vec<Unit>> {
        let before = self.body[..cue_start].trim_end_matches([' ', '\u{a0}']);
        if !before.ends_with(',') || c == 0 {
            return None;
        }
        let lo = c.saturating_sub(40);
        for w in (lo.max(1)..c).rev() {
            if !self.same_sentence(w, c) {
                return None;
            }
            let (s, e) = self.tok(w);
            let word = &self.body[s..e];
            if !(word.eq_ignore_ascii_case("who") || word.eq_ignore_ascii_case("which")) {
                continue;
            }
            let gap = self.gap(w - 1);
            let Some(rest) = gap.strip_prefix(',') else {
                continue;
            };
            if !Self::is_space(rest) {
                continue;
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
    fn phrase_after(&self, pos: usize, allow_pronoun: bool) -> Option<Vec<Unit>> {
        let first = self.token_from(pos);
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
        (!units.is_empty()).then_some(units)
    }

    /// Decide what kind of source a description is.
    fn judge(&self, units: &[Unit]) -> Option<SpeakerKind> {
        if units.len() == 1 && units[0].cls == Cls::Pron {
            return Some(SpeakerKind::Pronoun);
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
        let kind = match head.cls {
            Cls::Role(RoleKind::Generic) => SpeakerKind::Unnamed,
            Cls::Role(RoleKind::Modifier) => return None,
            Cls::Role(_) => SpeakerKind::Role,
            Cls::Name => {
                if units.len() == 1 && self.sentence_initial_common(head) {
                    return None;
                }
                SpeakerKind::Name
            }
            _ => return None,
        };
        Some(if indefinite {
            SpeakerKind::Unnamed
        } else {
            kind
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
        self.body
            .match_indices(lower.as_str())
            .any(|(i, m)| word_bounded(self.body, i, i + m.len()))
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

// ---------------------------------------------------------------------------
// People named in the text, for pronoun resolution

struct People<'a> {
    /// Name token -> person id (`u32::MAX` when two people share it).
    by_token: std::collections::HashMap<&'a str, u32>,
    count: u32,
}

impl<'a> People<'a> {
    fn new() -> Self {
        People {
            by_token: std::collections::HashMap::new(),
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
    let mut hits: Vec<Hit> = Vec::new();
    lex.scan(body, &mut hits);
    hits.retain(|h| lex.entry(h.entry).file == LexFile::Attribution);
    if hits.is_empty() {
        return;
    }
    let ctx = Ctx { body, layout, lex };
    let mut atts: Vec<Attribution> = Vec::with_capacity(hits.len());
    let mut phrases: Vec<Option<Vec<Unit>>> = Vec::with_capacity(hits.len());
    for h in &hits {
        let e = lex.entry(h.entry);
        let in_quote = layout.quote_containing(h.start, h.end).is_some();
        let mut speaker = None;
        let mut units_out = None;
        if !in_quote {
            let c = ctx.token_from(h.start);
            let found = if e.subject_after {
                ctx.phrase_after(h.end, false)
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
                        .phrase_after(h.end, true)
                        .map(|u| (u, SpeakerPattern::Inverted)),
                    None => None,
                }
            };
            if let Some((units, pattern)) = found {
                if let Some(kind) = ctx.judge(&units) {
                    let (s, _) = ctx.tok(units[0].a);
                    let (_, en) = ctx.tok(units[units.len() - 1].b);
                    speaker = Some(Speaker {
                        start: s,
                        end: en,
                        kind,
                        pattern,
                        name: (kind != SpeakerKind::Pronoun).then(|| body[s..en].to_string()),
                        resolved: None,
                        note: None,
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

    // People: names after a title, and multi-word names that speak.
    let mut people = People::new();
    for (i, t) in layout.tokens.iter().enumerate() {
        let w = &body[t.start as usize..t.end as usize];
        if !w.starts_with(|c: char| c.is_alphabetic()) || w.len() > 24 {
            continue;
        }
        if ctx.lex.role(w) != Some(RoleKind::Title) {
            continue;
        }
        let mut names = Vec::new();
        let mut j = i;
        while j + 1 < layout.tokens.len()
            && ctx.same_sentence(i, j + 1)
            && (Ctx::is_space(ctx.gap(j)) || ctx.is_abbr_gap(j))
            && names.len() < 4
        {
            let (s, e) = ctx.tok(j + 1);
            let word = &body[s..e];
            if classify(word, lex) != Cls::Name {
                break;
            }
            names.push(lexicon::strip_possessive(word));
            if word != lexicon::strip_possessive(word) {
                break;
            }
            j += 1;
        }
        people.register(&names);
    }
    for (a, units) in atts.iter().zip(&phrases) {
        let (Some(sp), Some(units)) = (&a.speaker, units) else {
            continue;
        };
        if sp.kind != SpeakerKind::Name || matches!(units[0].cls, Cls::Det(_)) {
            continue;
        }
        let tail: Vec<Unit> = units
            .iter()
            .rev()
            .take_while(|u| u.cls == Cls::Name && u.a == u.b)
            .copied()
            .collect();
        if tail.len() >= 2 && tail.len() == units.len().min(tail.len()) {
            people.register(&name_tokens(&ctx, &tail));
        }
    }

    // Mentions of those people outside quotes.
    let mut mentions: Vec<Mention> = Vec::new();
    if people.count > 0 {
        for t in &layout.tokens {
            let (s, e) = (t.start as usize, t.end as usize);
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
    let before_here: Vec<&Mention> = mentions
        .iter()
        .filter(|m| m.sentence == s && m.end <= sp.start)
        .collect();
    if !before_here.is_empty() {
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
            sp.name = Some(body[m.start..m.end].to_string());
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
    let mut results: Vec<(Option<usize>, Option<String>)> = Vec::with_capacity(layout.quotes.len());
    for q in &layout.quotes {
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
            pick = atts.iter().position(|a| {
                !a.in_quote
                    && a.start >= q.end
                    && a.speaker.as_ref().is_some_and(|sp| match sp.pattern {
                        SpeakerPattern::Subject => sp.start == tail_pos,
                        SpeakerPattern::Inverted => a.start == tail_pos,
                        SpeakerPattern::After => false,
                    })
            });
        }
        // 2. Before the opening mark, in the same sentence: `Li said that "…"`.
        if pick.is_none() {
            let s = &layout.sentences[q.sentence];
            pick = atts
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    !a.in_quote
                        && a.start >= s.start
                        && a.end <= q.start
                        && a.speaker.is_some()
                        && layout.quote_containing(a.start, a.end).is_none()
                })
                .map(|(i, _)| i)
                .next_back();
        }
        // 3. "according to X" after the quote, in the sentence where it ends.
        if pick.is_none() {
            let close_sentence = layout.sentence_at(q.end.saturating_sub(1));
            let s = &layout.sentences[close_sentence];
            let next_quote = layout
                .quotes
                .iter()
                .find(|o| o.start >= q.end)
                .map_or(usize::MAX, |o| o.start);
            pick = atts.iter().position(|a| {
                !a.in_quote
                    && a.start >= q.end
                    && a.end <= s.end
                    && a.start < next_quote
                    && a.speaker
                        .as_ref()
                        .is_some_and(|sp| sp.pattern == SpeakerPattern::After)
            });
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
            q.speaker_note = Some("same speaker as the previous quote in this paragraph".into());
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
            q.speaker = Some(body[sp.start..sp.end].to_string());
            q.speaker_range = Some((sp.start, sp.end));
        }
        SpeakerKind::Pronoun => match (sp.resolved, &sp.name) {
            (Some(r), Some(n)) => {
                q.speaker = Some(n.clone());
                q.speaker_range = Some(r);
                q.speaker_note = Some(format!(
                    "\"{}\" refers to {n}, the person named just before",
                    &body[sp.start..sp.end]
                ));
            }
            _ => q.speaker_note = sp.note.clone(),
        },
        SpeakerKind::Unnamed => {
            q.speaker_note = Some(format!("unnamed source: {}", &body[sp.start..sp.end]));
        }
    }
}

#[cfg(test)]
mod tests {
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
            .map(|q| (body[q.start..q.end].to_string(), q.speaker.clone()))
            .collect()
    }

    fn speaker_of_only_quote(body: &str) -> (Option<String>, Option<String>) {
        let l = segment(body);
        assert_eq!(l.quotes.len(), 1, "{body}: {:?}", l.quotes);
        let q = &l.quotes[0];
        if let (Some(r), Some(s)) = (q.speaker_range, &q.speaker) {
            assert_eq!(&body[r.0..r.1], s);
        }
        (q.speaker.clone(), q.speaker_note.clone())
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
