//! Actor labels: how an article names the people and organisations of a story.
//!
//! Takes: a text (body sentence or headline), its loaded-language spans.
//! Gives: [`Mention`]s: a name ("Xi Jinping") with the label the text puts
//! around it ("dictator Xi Jinping", "Chinese leader Xi Jinping",
//! "President Xi"), whether that label contains a `loaded_language` span, and
//! the role words used; then, per story, the main actors.
//!
//! A *name* is a run of capitalised words that are not role words,
//! nationality adjectives, calendar words or function words ("Vladimir
//! Putin", "NATO"). Its *label* extends left from the name over adjacent
//! words (separated by spaces only, or the dot of an abbreviation like
//! "Gen.") while they are capitalised, role words, or other lower-case words
//! that are not function words or verb forms; at most [`MAX_LABEL_WORDS`]
//! words. A one-word name at the start of a sentence counts only if the same
//! word is also capitalised mid-sentence in the article (so "Footage ..." is
//! not an actor).
//!
//! Main actors of a story: names seen in full (two or more words, or an
//! all-capitals acronym), not only ever written as "the X" without a title
//! (that is a place or a period: "the Far East", "the Cold War"), and mentioned — a short form like "Putin" counts
//! for "Vladimir Putin" when it is the first or last word of exactly one
//! full name — in at least two of the story's articles (two mentions in a
//! one-article story); the [`MAX_ACTORS`] most widely mentioned.

use super::tokens::{is_stop, normalise, stem_parts, words, Word};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use unicode_segmentation::UnicodeSegmentation;

/// Most words a label may have in front of the name.
pub const MAX_LABEL_WORDS: usize = 6;
/// Main actors kept per story.
pub const MAX_ACTORS: usize = 8;

/// Titles, offices and roles (lower case). Written for this project.
const ROLE_WORDS: &[&str] = &[
    "adm",
    "admiral",
    "advisor",
    "ambassador",
    "analyst",
    "captain",
    "chair",
    "chairman",
    "chairwoman",
    "chancellor",
    "chief",
    "col",
    "colonel",
    "commander",
    "councillor",
    "defence",
    "defense",
    "deputy",
    "dictator",
    "director",
    "dr",
    "emperor",
    "envoy",
    "foreign",
    "gen",
    "general",
    "gov",
    "governor",
    "head",
    "interior",
    "king",
    "leader",
    "lord",
    "lt",
    "marshal",
    "mayor",
    "member",
    "minister",
    "ministry",
    "mr",
    "mrs",
    "ms",
    "official",
    "officials",
    "pm",
    "pope",
    "premier",
    "president",
    "prime",
    "prince",
    "princess",
    "queen",
    "rep",
    "representative",
    "secretary",
    "sen",
    "senator",
    "sgt",
    "sir",
    "speaker",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "strongman",
    "vice",
];

/// Abbreviations that end in a dot inside a label ("Gen. Li").
const ABBREVIATIONS: &[&str] = &[
    "adm", "col", "dr", "gen", "gov", "lt", "mr", "mrs", "ms", "rep", "sen", "sgt", "st",
];

/// Nationality and regional adjectives. Written for this project.
const NATIONALITIES: &[&str] = &[
    "afghan",
    "african",
    "american",
    "arab",
    "asian",
    "australian",
    "belarusian",
    "brazilian",
    "british",
    "canadian",
    "dutch",
    "eastern",
    "egyptian",
    "english",
    "european",
    "french",
    "georgian",
    "german",
    "greek",
    "indian",
    "iranian",
    "iraqi",
    "irish",
    "israeli",
    "italian",
    "korean",
    "mexican",
    "palestinian",
    "polish",
    "russian",
    "saudi",
    "scottish",
    "soviet",
    "spanish",
    "swedish",
    "syrian",
    "thai",
    "turkish",
    "ukrainian",
    "western",
];

/// Months and weekdays: capitalised but never actors.
const CALENDAR: &[&str] = &[
    "april",
    "august",
    "december",
    "february",
    "friday",
    "january",
    "july",
    "june",
    "march",
    "may",
    "monday",
    "november",
    "october",
    "saturday",
    "september",
    "sunday",
    "thursday",
    "tuesday",
    "wednesday",
];

/// Verb forms that end a label when met on the way left.
const VERBS: &[&str] = &[
    "ask", "asks", "call", "calls", "host", "hosts", "join", "joins", "meet", "meets", "met",
    "praise", "praises", "tell", "tells", "thank", "thanks", "urge", "urges", "visit", "visits",
    "warn", "warns", "welcome", "welcomes",
];

/// Lower-case words that never modify a name ("the first Li has made").
const NOT_LABEL: &[&str] = &[
    "day", "days", "first", "fourth", "meeting", "month", "months", "second", "talks", "third",
    "time", "times", "trip", "visit", "week", "weeks", "year", "years",
];

/// True for a role or title word (normalised, lower case).
pub fn is_role_word(norm: &str) -> bool {
    // A hash set: asked for every word of every label.
    type Set = std::collections::HashSet<&'static str, crate::hash::FnvBuild>;
    static SET: std::sync::OnceLock<Set> = std::sync::OnceLock::new();
    SET.get_or_init(|| ROLE_WORDS.iter().copied().collect())
        .contains(norm)
}

/// True for a nationality adjective as written ("Chinese", "Russian").
pub fn is_nationality(raw: &str) -> bool {
    is_nationality_norm(&normalise(raw))
}

/// [`is_nationality`] of a word already normalised.
fn is_nationality_norm(n: &str) -> bool {
    NATIONALITIES.binary_search(&n).is_ok() || (n.len() >= 6 && n.ends_with("ese"))
}

/// Role words, nationality adjectives and calendar words in one hash set:
/// the name test asks about every capitalised word of every article, and
/// one hash lookup replaces three binary searches and an allocation.
fn is_role_nationality_or_calendar(norm: &str) -> bool {
    type Set = std::collections::HashSet<&'static str, crate::hash::FnvBuild>;
    static SET: std::sync::OnceLock<Set> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        ROLE_WORDS
            .iter()
            .chain(NATIONALITIES)
            .chain(CALENDAR)
            .copied()
            .collect()
    })
    .contains(norm)
        || (norm.len() >= 6 && norm.ends_with("ese"))
}

/// True for a month or weekday name as written ("Monday", "april").
pub fn is_calendar_word(raw: &str) -> bool {
    is_calendar(&normalise(raw))
}

fn is_calendar(norm: &str) -> bool {
    CALENDAR.binary_search(&norm).is_ok()
}

fn is_verb_like(norm: &str) -> bool {
    VERBS.binary_search(&norm).is_ok()
        || (norm.len() > 4 && (norm.ends_with("ed") || norm.ends_with("ing")))
}

fn is_possessive(raw: &str) -> bool {
    raw.ends_with("'s") || raw.ends_with("\u{2019}s") || raw.ends_with('\'')
}

fn is_all_caps(raw: &str) -> bool {
    raw.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && raw.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
}

/// A word that can be part of a name.
fn is_name_word(w: &Word<'_>) -> bool {
    // `w.norm` is `normalise(w.raw)`, which `is_nationality` would compute.
    w.is_capitalised()
        && !is_role_nationality_or_calendar(&w.norm)
        && !is_stop(&w.norm)
        && w.raw.chars().any(|c| c.is_alphabetic())
}

/// One naming of an actor in a text.
///
/// The label, the key and the role words are one stretch of a string
/// shared by all the mentions found in one text (`text[at..end_at]`), so
/// a text's mentions cost one allocation, not one or more per mention.
#[derive(Clone)]
pub struct Mention {
    /// The mentions' strings of the whole text; this mention's is
    /// `text[at..end_at]`: the label, then the key, then each role word
    /// followed by a space.
    text: Arc<str>,
    /// Where the label starts in `text`.
    at: usize,
    /// Where the key starts in `text` (the label ends).
    key_at: usize,
    /// Where the role words start in `text` (the key ends).
    roles_at: usize,
    /// Where this mention's part of `text` ends.
    end_at: usize,
    /// Words in the key.
    pub name_words: usize,
    /// Where the name starts in the label (see [`Mention::display`]).
    pub display_at: usize,
    /// Byte range of the label in the analysed text.
    pub start: usize,
    pub end: usize,
    /// True when the label overlaps a loaded-language span.
    pub loaded: bool,
    /// True when the name is all capitals (an acronym such as NATO).
    pub acronym: bool,
    /// True when "the" comes right before the label ("the Far East").
    pub after_the: bool,
}

impl Mention {
    /// Normalised name words joined by single spaces ("xi jinping"; a word
    /// never holds a space): the actor key of a full name.
    pub fn key(&self) -> &str {
        &self.text[self.key_at..self.roles_at]
    }

    /// This mention's part of the shared string.
    fn own(&self) -> &str {
        &self.text[self.at..self.end_at]
    }

    /// The fields that say what the mention is, the string positions
    /// relative to its own part (equal mentions of two texts are equal).
    #[allow(clippy::type_complexity)]
    fn parts(
        &self,
    ) -> (
        &str,
        usize,
        usize,
        usize,
        usize,
        usize,
        usize,
        bool,
        bool,
        bool,
    ) {
        (
            self.own(),
            self.key_at - self.at,
            self.roles_at - self.at,
            self.name_words,
            self.display_at,
            self.start,
            self.end,
            self.loaded,
            self.acronym,
            self.after_the,
        )
    }

    /// Label as written, whitespace-normalised ("dictator Xi Jinping").
    pub fn label(&self) -> &str {
        &self.text[self.at..self.key_at]
    }

    /// Stemmed role words of the label ("leader", "minister"), in label
    /// order, repeats kept.
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        // Each role word ends in a space (a role word never holds one), so
        // even an empty word is kept.
        self.text[self.roles_at..self.end_at].split_terminator(' ')
    }

    /// True when the label has a role word.
    pub fn has_roles(&self) -> bool {
        self.end_at > self.roles_at
    }

    /// The name as written, possessive removed ("Xi Jinping"): the end of
    /// the label.
    pub fn display(&self) -> &str {
        &self.label()[self.display_at..]
    }

    /// The normalised name words ("xi", "jinping").
    pub fn name(&self) -> impl DoubleEndedIterator<Item = &str> {
        self.key().split(' ')
    }
}

impl PartialEq for Mention {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for Mention {}

impl std::fmt::Debug for Mention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mention")
            .field("label", &self.label())
            .field("key", &self.key())
            .field("roles", &self.roles().collect::<Vec<_>>())
            .field("name_words", &self.name_words)
            .field("display_at", &self.display_at)
            .field("start", &self.start)
            .field("end", &self.end)
            .field("loaded", &self.loaded)
            .field("acronym", &self.acronym)
            .field("after_the", &self.after_the)
            .finish()
    }
}

/// A mention while its text is found: its string is `arena[at..end_at]`
/// until the text's mentions are all found and share one string.
struct Found {
    at: usize,
    key_at: usize,
    roles_at: usize,
    end_at: usize,
    name_words: usize,
    display_at: usize,
    start: usize,
    end: usize,
    loaded: bool,
    acronym: bool,
    after_the: bool,
}

/// Find the mentions in `text`, sentence by sentence. `sentences` are byte
/// ranges of `text`; `loaded` are byte ranges of loaded-language spans in
/// `text`. `known` is the set of normalised words the article capitalises
/// mid-sentence (see [`mid_sentence_capitals`]).
pub fn mentions(
    text: &str,
    sentences: &[(usize, usize)],
    loaded: &[(usize, usize)],
    known: &BTreeSet<String>,
) -> Vec<Mention> {
    mentions_with(
        text,
        sentences,
        loaded,
        |w| known.contains(w),
        |_, sent, out| out.extend(words(sent)),
    )
}

/// [`mentions`] with the words of each sentence supplied by `words_of`
/// (sentence index, sentence text, a cleared buffer to fill with its
/// [`words`], offsets relative to the sentence), so a body the segmenter
/// already cut is not cut again, and `known` asked as a predicate.
pub fn mentions_with<'a>(
    text: &'a str,
    sentences: &[(usize, usize)],
    loaded: &[(usize, usize)],
    known: impl Fn(&str) -> bool,
    mut words_of: impl FnMut(usize, &'a str, &mut Vec<Word<'a>>),
) -> Vec<Mention> {
    let mut ws: Vec<Word<'a>> = Vec::new();
    mentions_in(text, sentences, loaded, known, |si, sent, f| {
        ws.clear();
        words_of(si, sent, &mut ws);
        f(ws.as_slice())
    })
}

/// The words of one sentence as the mention finder reads them: word `i`'s
/// text as written, its offset in the sentence, its normalised form, and
/// the tests asked of it. [`Word`] slices are one; the per-article digest
/// supplies interned words whose name test was made once per distinct word
/// (see [`name_candidate`]), so no [`Word`] is built per body word.
pub(crate) trait SentWords {
    fn len(&self) -> usize;
    /// The word as written.
    fn raw(&self, i: usize) -> &str;
    /// Byte offset of the word in the sentence.
    fn start(&self, i: usize) -> usize;
    /// [`normalise`] of the word.
    fn norm(&self, i: usize) -> &str;
    /// [`Word::is_capitalised`].
    fn cap(&self, i: usize) -> bool;
    /// [`is_stop`] of the normalised word.
    fn stop(&self, i: usize) -> bool {
        is_stop(self.norm(i))
    }
    /// [`is_name_word`].
    fn name_word(&self, i: usize) -> bool;
}

impl SentWords for [Word<'_>] {
    fn len(&self) -> usize {
        <[Word<'_>]>::len(self)
    }
    fn raw(&self, i: usize) -> &str {
        self[i].raw
    }
    fn start(&self, i: usize) -> usize {
        self[i].start
    }
    fn norm(&self, i: usize) -> &str {
        &self[i].norm
    }
    fn cap(&self, i: usize) -> bool {
        self[i].is_capitalised()
    }
    fn name_word(&self, i: usize) -> bool {
        is_name_word(&self[i])
    }
}

/// The part of [`is_name_word`] that depends on the normalised word only:
/// `is_name_word(w) == w.is_capitalised() && name_candidate(&w.norm) &&
/// w.raw has a letter`.
pub(crate) fn name_candidate(norm: &str) -> bool {
    !is_role_nationality_or_calendar(norm) && !is_stop(norm)
}

/// [`mentions_with`] over any [`SentWords`]: `words_of(sentence index,
/// sentence text, f)` calls `f` once with that sentence's words.
pub(crate) fn mentions_in<'a, S, F>(
    text: &'a str,
    sentences: &[(usize, usize)],
    loaded: &[(usize, usize)],
    known: impl Fn(&str) -> bool,
    mut words_of: F,
) -> Vec<Mention>
where
    S: SentWords + ?Sized,
    F: FnMut(usize, &'a str, &mut dyn FnMut(&S)),
{
    // The found mentions and their strings are collected in buffers reused
    // from one text to the next (of this thread); the strings are copied
    // once, at their final size, into the string the mentions share.
    thread_local! {
        static BUFS: std::cell::RefCell<(String, Vec<Found>)> = Default::default();
    }
    let (mut arena, mut out) = BUFS.with(|b| b.take());
    arena.clear();
    out.clear();
    let overlaps = super::Ranges::new(loaded.iter().copied());
    for (si, &(s0, s1)) in sentences.iter().enumerate() {
        let Some(sent) = text.get(s0..s1) else {
            continue;
        };
        words_of(si, sent, &mut |ws| {
            sentence_mentions(sent, s0, ws, &known, &overlaps, &mut arena, &mut out)
        });
    }
    // A mention inside another mention's label ("China" in "China's defence
    // minister Li Shangfu") is part of that label, not a naming of its own.
    let labels = super::Ranges::new(out.iter().map(|m| (m.start, m.end)));
    let text: Arc<str> = Arc::from(arena.as_str());
    let found = out
        .iter()
        .filter(|m| !labels.strictly_inside_another(m.start, m.end))
        .map(|m| Mention {
            text: Arc::clone(&text),
            at: m.at,
            key_at: m.key_at,
            roles_at: m.roles_at,
            end_at: m.end_at,
            name_words: m.name_words,
            display_at: m.display_at,
            start: m.start,
            end: m.end,
            loaded: m.loaded,
            acronym: m.acronym,
            after_the: m.after_the,
        })
        .collect();
    // A giant text does not pin its buffers.
    if arena.capacity() <= 1 << 16 && out.capacity() <= 1 << 12 {
        BUFS.with(|b| *b.borrow_mut() = (arena, out));
    }
    found
}

/// The mentions of one sentence (`sent`, at `s0` in the text; its words
/// `ws`), added to `out`, their strings to `text`.
fn sentence_mentions<S: SentWords + ?Sized>(
    sent: &str,
    s0: usize,
    ws: &S,
    known: &dyn Fn(&str) -> bool,
    overlaps: &super::Ranges,
    text: &mut String,
    out: &mut Vec<Found>,
) {
    let n = ws.len();
    let end_of = |i: usize| ws.start(i) + ws.raw(i).len();
    let gap_ok = |i: usize| -> bool {
        // Whether word i-1 and word i are adjacent inside a label.
        let gap = &sent[end_of(i - 1)..ws.start(i)];
        let spaces = !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '\u{a0}');
        let abbrev = (gap == ". " || gap == ".\u{a0}")
            && ABBREVIATIONS.binary_search(&ws.norm(i - 1)).is_ok();
        spaces || abbrev
    };
    let mut i = 0;
    while i < n {
        if !ws.name_word(i) {
            i += 1;
            continue;
        }
        // Maximal run of name words joined by plain spaces; a possessive
        // word ends the run.
        let mut j = i + 1;
        while j < n && ws.name_word(j) && gap_ok(j) && !is_possessive(ws.raw(j - 1)) {
            j += 1;
        }
        // An acronym directly before a longer name is a label ("PRC Li").
        let mut n0 = i;
        while n0 + 1 < j && is_all_caps(ws.raw(n0)) && !is_all_caps(ws.raw(n0 + 1)) {
            n0 += 1;
        }
        let name_words = n0..j;
        let acronym = j - n0 == 1 && is_all_caps(ws.raw(n0));
        let single_initial = i == 0 && j - n0 == 1 && n0 == 0 && !acronym;
        if single_initial && !known(ws.norm(0)) {
            i = j;
            continue;
        }
        // Extend the label left.
        let mut l = n0;
        while l > 0 && n0 - (l - 1) <= MAX_LABEL_WORDS && gap_ok(l) {
            let w = l - 1;
            let norm = ws.norm(w);
            let ok = if ws.cap(w) {
                !ws.stop(w) && !is_calendar(norm)
            } else {
                !ws.stop(w)
                    && !is_verb_like(norm)
                    && NOT_LABEL.binary_search(&norm).is_err()
                    && !norm.chars().all(|c| c.is_numeric())
            };
            if !ok {
                break;
            }
            l -= 1;
        }
        let last = j - 1;
        let last_end = ws.start(last) + strip_possessive(ws.raw(last)).len();
        let after_the = l > 0 && ws.norm(l - 1) == "the" && gap_ok(l);
        let lstart = ws.start(l);
        let dstart = ws.start(n0);
        // One stretch of the text's string: label, key, role words (see
        // `Mention`).
        let at = text.len();
        collapse_into(&sent[lstart..last_end], text);
        // The name's words are the label's last words (the label
        // extends left over whitespace gaps only), so the collapsed
        // name is the end of the collapsed label.
        let display_at = text.len() - at - collapsed_len(&sent[dstart..last_end]);
        let key_at = text.len();
        for k in name_words.clone() {
            if k > n0 {
                text.push(' ');
            }
            text.push_str(ws.norm(k));
        }
        let roles_at = text.len();
        for w in l..n0 {
            if is_role_word(ws.norm(w)) || !ws.cap(w) {
                let (base, suffix) = stem_parts(ws.norm(w));
                text.push_str(base);
                text.push_str(suffix);
                text.push(' ');
            }
        }
        let (a, b) = (s0 + lstart, s0 + last_end);
        out.push(Found {
            at,
            key_at,
            roles_at,
            end_at: text.len(),
            name_words: name_words.len(),
            display_at,
            start: a,
            end: b,
            loaded: overlaps.any_overlap(a, b),
            acronym,
            after_the,
        });
        i = j;
    }
}

fn strip_possessive(raw: &str) -> &str {
    for suf in ["'s", "\u{2019}s", "'", "\u{2019}"] {
        if let Some(x) = raw.strip_suffix(suf) {
            return x;
        }
    }
    raw
}

/// Length of [`collapse`]`(s)`, without building it.
fn collapsed_len(s: &str) -> usize {
    let (mut n, mut words) = (0usize, 0usize);
    for w in s.split_whitespace() {
        n += w.len();
        words += 1;
    }
    n + words.saturating_sub(1)
}

/// The words of `s` joined by single spaces.
#[cfg(test)]
fn collapse(s: &str) -> String {
    let mut out = String::new();
    collapse_into(s, &mut out);
    out
}

/// Append the words of `s` joined by single spaces to `out`.
fn collapse_into(s: &str, out: &mut String) {
    // Labels are nearly always already collapsed: ASCII with single spaces
    // and no space at either end.
    let b = s.as_bytes();
    let plain = b
        .iter()
        .all(|&c| c.is_ascii() && (c == b' ' || !c.is_ascii_whitespace()))
        && !b.windows(2).any(|w| w == b"  ")
        && b.first() != Some(&b' ')
        && b.last() != Some(&b' ');
    if plain {
        out.push_str(s);
        return;
    }
    let mut first = true;
    for w in s.split_whitespace() {
        if !std::mem::take(&mut first) {
            out.push(' ');
        }
        out.push_str(w);
    }
}

/// Normalised words the text capitalises somewhere other than at the start
/// of a sentence.
pub fn mid_sentence_capitals(text: &str, sentences: &[(usize, usize)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for &(s0, s1) in sentences {
        if let Some(sent) = text.get(s0..s1) {
            capitals_after_first(sent.unicode_word_indices(), &mut out);
        }
    }
    out
}

/// Add to `out` the normalised words of one sentence's word segments
/// (offset, word) that are capitalised, except the first word.
pub fn capitals_after_first<'a>(
    segments: impl Iterator<Item = (usize, &'a str)>,
    out: &mut BTreeSet<String>,
) {
    let mut first = true;
    super::tokens::for_each_word_in(segments, &mut String::new(), |_, raw, norm| {
        let cap = raw.chars().next().is_some_and(|c| c.is_uppercase());
        if !std::mem::take(&mut first) && cap && !out.contains(norm) {
            out.insert(norm.to_string());
        }
    });
}

/// A main actor of a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Display name: the most frequent full form ("Vladimir Putin").
    pub name: String,
    /// Normalised full-name key ("vladimir putin").
    pub key: String,
    /// Articles (by position in the input list) mentioning the actor.
    pub articles: BTreeSet<usize>,
    pub mentions: usize,
}

/// Resolves mention names to actor keys within one story.
#[derive(Debug, Clone, Default)]
pub struct ActorIndex {
    /// Full-name key → most frequent display form and its count.
    full: BTreeMap<String, BTreeMap<String, usize>>,
    /// Short word → full keys it can stand for.
    short: BTreeMap<String, BTreeSet<String>>,
}

impl ActorIndex {
    /// Build from the mentions of all the story's articles.
    pub fn new<'a>(all: impl IntoIterator<Item = &'a Mention>) -> ActorIndex {
        let mut idx = ActorIndex::default();
        for m in all {
            if m.name_words >= 2 || m.acronym {
                let key = m.key();
                // Looked up before inserting: most names recur, and their
                // key and form are copied only the first time.
                let forms = match idx.full.get_mut(key) {
                    Some(f) => f,
                    None => idx.full.entry(key.to_string()).or_default(),
                };
                match forms.get_mut(m.display()) {
                    Some(n) => *n += 1,
                    None => {
                        forms.insert(m.display().to_string(), 1);
                    }
                }
                if m.name_words >= 2 {
                    let first = m.name().next().unwrap_or_default();
                    let last = m.name().next_back().unwrap_or_default();
                    for w in [first, last] {
                        match idx.short.get_mut(w) {
                            Some(keys) => {
                                if !keys.contains(key) {
                                    keys.insert(key.to_string());
                                }
                            }
                            None => {
                                idx.short
                                    .insert(w.to_string(), BTreeSet::from([key.to_string()]));
                            }
                        }
                    }
                }
            }
        }
        idx
    }

    /// The actor key a mention refers to, if it resolves to a known name,
    /// borrowed (from the mention or the index): asked for every mention of
    /// every article of the story.
    pub fn key_ref<'s>(&'s self, m: &'s Mention) -> Option<&'s str> {
        let key = m.key();
        if self.full.contains_key(key) {
            return Some(key);
        }
        if m.name_words == 1 {
            if let Some(fulls) = self.short.get(key) {
                if fulls.len() == 1 {
                    return fulls.iter().next().map(String::as_str);
                }
            }
        }
        None
    }

    /// Display name of a key: its most frequent written form.
    pub fn display(&self, key: &str) -> String {
        self.full
            .get(key)
            .and_then(|forms| {
                forms
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(d, _)| d.clone())
            })
            .unwrap_or_else(|| key.to_string())
    }

    /// The main actors given each article's mentions (article position,
    /// mentions), most widely mentioned first.
    pub fn main_actors<'m, M>(&self, per_article: &[(usize, M)]) -> Vec<Actor>
    where
        M: AsRef<[&'m Mention]>,
    {
        // Keys are borrowed while counting (ordered as the strings are) and
        // copied for the actors kept only.
        // Names only ever written as "the X" with no title (the Far East,
        // the Cold War) are places and periods, not actors.
        let mut person_like: BTreeSet<&str> = BTreeSet::new();
        for (_, ms) in per_article {
            for &m in ms.as_ref() {
                if let Some(k) = self.key_ref(m) {
                    if m.acronym || !m.after_the || m.has_roles() {
                        person_like.insert(k);
                    }
                }
            }
        }
        let mut acc: BTreeMap<&str, (BTreeSet<usize>, usize, usize)> = BTreeMap::new();
        let mut order = 0usize;
        for (art, ms) in per_article {
            for &m in ms.as_ref() {
                if let Some(k) = self.key_ref(m).filter(|k| person_like.contains(k)) {
                    let e = acc.entry(k).or_insert_with(|| {
                        order += 1;
                        (BTreeSet::new(), 0, order)
                    });
                    e.0.insert(*art);
                    e.1 += 1;
                }
            }
        }
        let multi = per_article.len() >= 2;
        let mut actors: Vec<(&str, BTreeSet<usize>, usize, usize)> = acc
            .into_iter()
            .filter(|(_, (arts, n, _))| if multi { arts.len() >= 2 } else { *n >= 2 })
            .map(|(k, (a, n, o))| (k, a, n, o))
            .collect();
        actors.sort_by(|x, y| {
            y.1.len()
                .cmp(&x.1.len())
                .then(y.2.cmp(&x.2))
                .then(x.3.cmp(&y.3))
        });
        actors.truncate(MAX_ACTORS);
        actors
            .into_iter()
            .map(|(key, articles, mentions, _)| Actor {
                name: self.display(key),
                key: key.to_string(),
                articles,
                mentions,
            })
            .collect()
    }

    /// For every name word of the story: the stemmed role words the story
    /// puts before a name containing it (for speaker matching). Built once
    /// per story.
    pub fn role_words<'a>(
        &self,
        all: impl IntoIterator<Item = &'a Mention>,
    ) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for m in all {
            if !m.has_roles() {
                continue;
            }
            let key = self.key_ref(m).unwrap_or(m.key());
            // Words and roles are copied only when new to the map.
            for w in key.split(' ') {
                let set = match out.get_mut(w) {
                    Some(set) => set,
                    None => out.entry(w.to_string()).or_default(),
                };
                for r in m.roles() {
                    if !set.contains(r) {
                        set.insert(r.to_string());
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str) -> Vec<String> {
        let sents = vec![(0, text.len())];
        let known = mid_sentence_capitals(text, &sents);
        mentions(text, &sents, &[], &known)
            .into_iter()
            .map(|m| m.label().to_string())
            .collect()
    }

    #[test]
    fn lists_are_sorted_for_binary_search() {
        for l in [
            ROLE_WORDS,
            ABBREVIATIONS,
            NATIONALITIES,
            CALENDAR,
            VERBS,
            NOT_LABEL,
        ] {
            assert!(l.windows(2).all(|w| w[0] < w[1]), "{:?}", l);
        }
    }

    #[test]
    fn fast_word_tests_agree_with_the_lists() {
        let mut ws: Vec<&str> = [ROLE_WORDS, NATIONALITIES, CALENDAR, VERBS, NOT_LABEL].concat();
        ws.extend([
            "chinese",
            "japanese",
            "ese",
            "cheese",
            "anna",
            "",
            "presidents",
        ]);
        for w in ws {
            assert_eq!(is_role_word(w), ROLE_WORDS.binary_search(&w).is_ok(), "{w}");
            let slow = ROLE_WORDS.binary_search(&w).is_ok() || is_nationality(w) || is_calendar(w);
            assert_eq!(is_role_nationality_or_calendar(w), slow, "{w}");
        }
    }

    #[test]
    fn collapse_fast_path_agrees_with_split_and_join() {
        for s in [
            "",
            "Anna Kovar",
            "Gen.  Piet Marsh",
            " lead",
            "trail ",
            "tab\there",
            "nbsp\u{a0}here",
            "Ünal  Kovar",
            "a\nb",
        ] {
            let plain = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse(s), plain, "{s:?}");
            assert_eq!(collapsed_len(s), plain.len(), "{s:?}");
        }
    }

    #[test]
    fn labels_take_the_modifiers_before_a_name() {
        assert_eq!(
            labels("The talks came after Ruritanian leader Anna Kovar arrived."),
            vec!["Ruritanian leader Anna Kovar"]
        );
        assert_eq!(
            labels("Crowds jeered tyrant Anna Kovar's convoy on Monday."),
            vec!["tyrant Anna Kovar"]
        );
        assert_eq!(
            labels("Footage showed President Kovar with Gen. Piet Marsh and NATO staff."),
            vec!["President Kovar", "Gen. Piet Marsh", "NATO"]
        );
        assert_eq!(
            labels("She met Bolvia's defence minister Piet Marsh, officials said."),
            vec!["Bolvia's defence minister Piet Marsh"]
        );
    }

    #[test]
    fn mentions_sharing_a_string_read_their_own_parts() {
        let t = "Leader Anna Kovar met defence minister Piet Marsh. Kovar left.";
        let sents = vec![(0, 50), (51, t.len())];
        let known = mid_sentence_capitals(t, &sents);
        let ms = mentions(t, &sents, &[], &known);
        let got: Vec<(&str, &str, Vec<&str>, &str)> = ms
            .iter()
            .map(|m| (m.label(), m.key(), m.roles().collect(), m.display()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Leader Anna Kovar",
                    "anna kovar",
                    vec!["leader"],
                    "Anna Kovar"
                ),
                (
                    "defence minister Piet Marsh",
                    "piet marsh",
                    vec!["defenc", "minister"],
                    "Piet Marsh"
                ),
                ("Kovar", "kovar", vec![], "Kovar"),
            ]
        );
        assert!(ms[0].has_roles() && !ms[2].has_roles());
        // The same mention found after other mentions (at another place of
        // its shared string) is equal; its string is its own part.
        let second = mentions(t, &sents[1..], &[], &known);
        assert_eq!(second.len(), 1);
        assert_eq!(second[0], ms[2]);
        assert_eq!(second[0].own(), ms[2].own());
        assert_ne!(ms[1], ms[2]);
    }

    #[test]
    fn places_written_with_the_are_not_main_actors() {
        let t = "Anna Kovar flew to the Far East. Kovar spoke in the Far East again.";
        let sents = vec![(0, 31), (32, t.len())];
        let known = mid_sentence_capitals(t, &sents);
        let ms = mentions(t, &sents, &[], &known);
        let idx = ActorIndex::new(&ms);
        let names: Vec<String> = idx
            .main_actors(&[(0, ms.iter().collect::<Vec<_>>())])
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, vec!["Anna Kovar"]);
        assert_eq!(
            labels("It was the first Piet Marsh had seen."),
            vec!["Piet Marsh"]
        );
    }

    #[test]
    fn names_are_the_end_of_their_labels() {
        let t = "Gen.\u{a0}Piet  Marsh met PRC Li Wei and Bolvia's defence minister Ünal\u{a0}Çelik’s aide.";
        let sents = vec![(0, t.len())];
        let ms = mentions(t, &sents, &[], &BTreeSet::new());
        let got: Vec<(&str, &str, &str, usize)> = ms
            .iter()
            .map(|m| (m.label(), m.display(), m.key(), m.name_words))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Gen. Piet Marsh", "Piet Marsh", "piet marsh", 2),
                ("PRC Li Wei", "Li Wei", "li wei", 2),
                (
                    "Bolvia's defence minister Ünal Çelik",
                    "Ünal Çelik",
                    "ünal çelik",
                    2
                ),
            ]
        );
        assert_eq!(ms[2].name().collect::<Vec<_>>(), vec!["ünal", "çelik"]);
    }

    #[test]
    fn sentence_initial_common_word_is_not_an_actor() {
        assert!(labels("Footage of the meeting was released.").is_empty());
    }

    #[test]
    fn loaded_label_is_detected_from_spans() {
        let t = "Crowds jeered tyrant Anna Kovar on Monday.";
        let s = t.find("tyrant").unwrap();
        let ms = mentions(t, &[(0, t.len())], &[(s, s + 6)], &BTreeSet::new());
        assert_eq!(ms.len(), 1);
        assert!(ms[0].loaded);
        assert_eq!(&t[ms[0].start..ms[0].end], "tyrant Anna Kovar");
    }

    #[test]
    fn short_forms_resolve_to_full_names() {
        let t = "Leader Anna Kovar met Piet Marsh. Kovar said Marsh was late. Anna spoke.";
        let mut sents = Vec::new();
        let mut p = 0;
        for part in t.split_inclusive(". ") {
            sents.push((p, p + part.trim_end().len()));
            p += part.len();
        }
        let known = mid_sentence_capitals(t, &sents);
        let ms = mentions(t, &sents, &[], &known);
        let idx = ActorIndex::new(&ms);
        let keys: Vec<Option<&str>> = ms.iter().map(|m| idx.key_ref(m)).collect();
        assert_eq!(keys[0], Some("anna kovar"));
        assert_eq!(keys[2], Some("anna kovar"));
        assert_eq!(keys[3], Some("piet marsh"));
        let actors = idx.main_actors(&[(0, ms.iter().collect::<Vec<_>>())]);
        assert_eq!(actors[0].name, "Anna Kovar");
    }
}
