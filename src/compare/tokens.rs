//! Text normalisation shared by every comparison mechanism.
//!
//! Takes: raw text slices (sentences, quotes, titles).
//! Gives: normalised word lists, content-word stems and their 64-bit FNV-1a
//! hashes, word shingles hashed from their words' hashes, and an [`Interner`] that gives the distinct words
//! of one text small integer ids (with their stop flag, stem and hash, so
//! the per-article digest tests and hashes each distinct word once).
//! Everything here is a pure function of its input, so two runs (or two
//! batches) always produce the same fingerprints.
//!
//! Normalisation: Unicode word segmentation, lower case, curly apostrophes
//! folded to `'`, possessive `'s` dropped. Content words additionally drop a
//! fixed list of English function words and common report verbs, and are
//! reduced by a light suffix stripper (plural `-s`/`-ies`, `-ing`, `-ed`).

use unicode_segmentation::UnicodeSegmentation;

pub use crate::hash::{fnv1a, fnv1a_extend, Fnv, FnvMap};

/// Hash of a string.
pub fn hash_str(s: &str) -> u64 {
    fnv1a(s.as_bytes())
}

/// A word as written plus its normalised form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word as it appears in the text.
    pub raw: &'a str,
    /// Byte offset of `raw` in the segmented text.
    pub start: usize,
    /// Lower-cased, apostrophes folded, possessive dropped (borrowed from
    /// `raw` when that is already normal, as most words are).
    pub norm: std::borrow::Cow<'a, str>,
}

impl Word<'_> {
    /// True when the word starts with an upper-case letter.
    pub fn is_capitalised(&self) -> bool {
        self.raw.chars().next().is_some_and(|c| c.is_uppercase())
    }
}

/// Split text into words (Unicode word boundaries; punctuation dropped).
pub fn words(text: &str) -> Vec<Word<'_>> {
    text.unicode_word_indices()
        .filter(|(_, w)| w.chars().any(|c| c.is_alphanumeric()))
        .map(|(start, raw)| Word {
            raw,
            start,
            norm: normalise_cow(raw),
        })
        .collect()
}

/// Normalise one word: lower case, `’` → `'`, trailing `'s` / `'` dropped.
pub fn normalise(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    normalise_into(raw, &mut s);
    s
}

/// [`normalise`], borrowing when the word is already normal (ASCII lower
/// case, no trailing apostrophe): no allocation for most words.
pub fn normalise_cow(raw: &str) -> std::borrow::Cow<'_, str> {
    let b = raw.as_bytes();
    if b.iter()
        .all(|&c| c.is_ascii() && !c.is_ascii_uppercase() && c != b'\'')
    {
        return std::borrow::Cow::Borrowed(raw);
    }
    std::borrow::Cow::Owned(normalise(raw))
}

/// [`normalise`] into a reused buffer (cleared first): the hot paths
/// tokenise every sentence of every article without allocating per word.
pub fn normalise_into(raw: &str, s: &mut String) {
    s.clear();
    if raw.is_ascii() {
        s.push_str(raw);
        s.make_ascii_lowercase();
    } else {
        s.extend(
            raw.chars()
                .map(|c| match c {
                    '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
                    c => c,
                })
                .flat_map(char::to_lowercase),
        );
    }
    if s.ends_with("'s") {
        s.truncate(s.len() - 2);
    } else if s.ends_with('\'') {
        s.truncate(s.len() - 1);
    }
}

/// Visit the words of `text` (as [`words`] splits them) without allocating:
/// `f(start, raw, norm)` gets the byte offset in `text`, the word as
/// written and its normalised form (valid during the call only).
pub fn for_each_word<'a>(text: &'a str, buf: &mut String, f: impl FnMut(usize, &'a str, &str)) {
    for_each_word_in(text.unicode_word_indices(), buf, f)
}

/// [`for_each_word`] over word segments already found (offset, word), e.g.
/// the tokens of a [`crate::text::Layout`], which the segmenter cut the
/// same way: the body is not segmented twice.
pub fn for_each_word_in<'a>(
    segments: impl Iterator<Item = (usize, &'a str)>,
    buf: &mut String,
    mut f: impl FnMut(usize, &'a str, &str),
) {
    for (start, raw) in segments {
        if is_word(raw) {
            normalise_into(raw, buf);
            f(start, raw, buf);
        }
    }
}

/// True for a segment [`words`] keeps: it has a letter or digit.
pub fn is_word(raw: &str) -> bool {
    if raw.is_ascii() {
        raw.bytes().any(|b| b.is_ascii_alphanumeric())
    } else {
        raw.chars().any(|c| c.is_alphanumeric())
    }
}

/// The distinct normalised words of one text, each with a small integer id
/// (in order of first occurrence) and what the comparison asks of it,
/// computed once per distinct word: whether it is a stop word, its
/// [`stem_hash`] and its [`fnv1a`] hash. An article repeats most of its
/// words, so fingerprints and term counts read these instead of hashing
/// and testing the same word at every occurrence; [`Interner::intern_raw`]
/// also remembers each word as written, so a repeated word is not
/// normalised again.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    norms: StrTable,
    words: Vec<WordInfo>,
    /// Words as written → their normalised id (`u32::MAX`: not a word).
    raws: StrTable,
    raw_ids: Vec<u32>,
}

/// What [`Interner`] keeps about one distinct normalised word.
#[derive(Debug, Clone, Copy)]
pub struct WordInfo {
    /// [`is_stop`].
    pub stop: bool,
    /// Two or more characters (a term of [`crate::compare::stories`]).
    pub multi: bool,
    /// [`stem_hash`] (computed for every word, used for content words).
    pub stem: u64,
    /// [`fnv1a`] of the word.
    pub hash: u64,
}

impl Interner {
    /// An empty interner with room for about `n` distinct words.
    pub fn with_capacity(n: usize) -> Interner {
        Interner {
            norms: StrTable::with_capacity(n),
            words: Vec::with_capacity(n),
            raws: StrTable::with_capacity(n),
            raw_ids: Vec::with_capacity(n),
        }
    }

    /// Empty it, keeping its buffers (and shrinking them when a giant text
    /// left them far larger than `n` distinct words need).
    pub fn clear(&mut self, n: usize) {
        if self.norms.slots.len() > 8 * n.next_power_of_two().max(32) {
            *self = Interner::with_capacity(n);
            return;
        }
        self.norms.clear();
        self.raws.clear();
        self.words.clear();
        self.raw_ids.clear();
    }

    /// Distinct words so far.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when no word was interned.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The id of `norm` (a normalised word), added if new.
    pub fn intern(&mut self, norm: &str) -> u32 {
        match self.norms.find(norm) {
            Ok(id) => id,
            Err(slot) => {
                self.words.push(WordInfo::of(norm));
                self.norms.insert(slot, norm)
            }
        }
    }

    /// [`Interner::intern`] with the word's facts already known
    /// (`info == WordInfo::of(norm)`).
    fn intern_info(&mut self, norm: &str, info: WordInfo) -> u32 {
        match self.norms.find(norm) {
            Ok(id) => id,
            Err(slot) => {
                self.words.push(info);
                self.norms.insert(slot, norm)
            }
        }
    }

    /// The id of the normalised form of `raw`, a word segment, or `None`
    /// when [`words`] would drop it ([`is_word`]); `buf` is scratch space.
    /// The same as `is_word(raw).then(|| self.intern(&normalise(raw)))`.
    pub fn intern_raw(&mut self, raw: &str, buf: &mut String) -> Option<u32> {
        let id = match self.raws.find(raw) {
            Ok(r) => self.raw_ids[r as usize],
            Err(slot) => {
                let id = if is_word(raw) {
                    normalise_into(raw, buf);
                    self.intern(buf)
                } else {
                    u32::MAX
                };
                self.raws.insert(slot, raw);
                self.raw_ids.push(id);
                id
            }
        };
        (id != u32::MAX).then_some(id)
    }

    /// The id of `norm`, if interned.
    pub fn get(&self, norm: &str) -> Option<u32> {
        self.norms.find(norm).ok()
    }

    /// The word of an id.
    pub fn norm(&self, id: u32) -> &str {
        self.norms.get(id)
    }

    /// What is known about the word of an id.
    pub fn info(&self, id: u32) -> &WordInfo {
        &self.words[id as usize]
    }
}

impl WordInfo {
    /// The facts of a normalised word.
    pub fn of(norm: &str) -> WordInfo {
        WordInfo {
            stop: is_stop(norm),
            multi: norm.chars().nth(1).is_some(),
            stem: stem_hash(norm),
            hash: hash_str(norm),
        }
    }
}

/// Words met in earlier texts, kept from one text to the next (one cache
/// per thread): [`WordCache::intern_raw`] gives the same ids as
/// [`Interner::intern_raw`], but a word as written that an earlier text
/// had is not looked at again (segment test, normalisation, stop test,
/// stem and hash), only looked up. Each text still has its own
/// [`Interner`] (ids in order of first occurrence in that text); half the
/// words of an article are the first of their kind in it, and most of
/// those are common words every article has.
#[derive(Debug, Clone, Default)]
pub struct WordCache {
    /// Words as written → `raw_norm` index.
    raws: StrTable,
    /// The cached normalised word of each word as written (`u32::MAX`:
    /// not a word).
    raw_norm: Vec<u32>,
    norms: StrTable,
    infos: Vec<WordInfo>,
    /// Per cached normalised word: (text number, its id in that text's
    /// interner); the id is current when the number is `text`.
    local: Vec<(u32, u32)>,
    /// The current text's number (from 1).
    text: u32,
}

/// Most distinct words as written a [`WordCache`] keeps, and most bytes of
/// them: past either it starts afresh (hostile input cannot grow it).
const CACHE_MAX_WORDS: usize = 1 << 18;
const CACHE_MAX_BYTES: usize = 1 << 23;

impl WordCache {
    /// Start a new text: `vocab` (the new text's interner) is cleared with
    /// room for about `n` distinct words ([`Interner::clear`]).
    pub fn start(&mut self, vocab: &mut Interner, n: usize) {
        self.start_capped(vocab, n, CACHE_MAX_WORDS, CACHE_MAX_BYTES);
    }

    fn start_capped(&mut self, vocab: &mut Interner, n: usize, words: usize, bytes: usize) {
        vocab.clear(n);
        if self.raw_norm.len() > words
            || self.raws.text.len() + self.norms.text.len() > bytes
            || self.text == u32::MAX
        {
            *self = WordCache::default();
        }
        self.text += 1;
    }

    /// The id in `vocab` of the normalised form of `raw`, a word segment,
    /// or `None` when [`words`] would drop it: the same as
    /// `vocab.intern_raw(raw, buf)` when `vocab` has been interned through
    /// this cache only since [`WordCache::start`].
    pub fn intern_raw(&mut self, raw: &str, vocab: &mut Interner, buf: &mut String) -> Option<u32> {
        let g = match self.raws.find(raw) {
            Ok(r) => self.raw_norm[r as usize],
            Err(slot) => {
                let g = if is_word(raw) {
                    normalise_into(raw, buf);
                    match self.norms.find(buf) {
                        Ok(g) => g,
                        Err(s) => {
                            self.infos.push(WordInfo::of(buf));
                            self.local.push((0, 0));
                            self.norms.insert(s, buf)
                        }
                    }
                } else {
                    u32::MAX
                };
                self.raws.insert(slot, raw);
                self.raw_norm.push(g);
                g
            }
        };
        if g == u32::MAX {
            return None;
        }
        let (text, id) = self.local[g as usize];
        if text == self.text {
            return Some(id);
        }
        let id = vocab.intern_info(self.norms.get(g), self.infos[g as usize]);
        self.local[g as usize] = (self.text, id);
        Some(id)
    }
}

/// A set of strings with ids 0, 1, 2… in insertion order: the strings back
/// to back in one buffer and an open-addressing table of
/// `hash tag << 32 | id + 1` (0: empty), a power of two long.
#[derive(Debug, Clone, Default)]
struct StrTable {
    text: String,
    spans: Vec<(u32, u32)>,
    slots: Vec<u64>,
}

impl StrTable {
    fn with_capacity(n: usize) -> StrTable {
        StrTable {
            text: String::with_capacity(n * 6),
            spans: Vec::with_capacity(n),
            slots: vec![0; (2 * n).next_power_of_two().max(32)],
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.slots.fill(0);
    }

    fn get(&self, id: u32) -> &str {
        let (a, b) = self.spans[id as usize];
        &self.text[a as usize..b as usize]
    }

    /// The id of `s`, or the empty slot where it would go.
    fn find(&self, s: &str) -> Result<u32, usize> {
        if self.slots.is_empty() {
            return Err(usize::MAX);
        }
        let h = quick_hash(s.as_bytes());
        let tag = h >> 32;
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let x = self.slots[i];
            if x == 0 {
                return Err(i);
            }
            if x >> 32 == tag {
                let id = (x as u32) - 1;
                let (a, b) = self.spans[id as usize];
                if same_bytes(&self.text.as_bytes()[a as usize..b as usize], s.as_bytes()) {
                    return Ok(id);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Add `s` (not present; `slot` from [`StrTable::find`]); its id.
    fn insert(&mut self, slot: usize, s: &str) -> u32 {
        let id = self.spans.len() as u32;
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.spans.push((start, self.text.len() as u32));
        if self.slots.is_empty() {
            self.rebuild(32);
        } else {
            self.slots[slot] = (quick_hash(s.as_bytes()) >> 32) << 32 | u64::from(id + 1);
            if self.spans.len() * 2 > self.slots.len() {
                self.rebuild(self.slots.len() * 2);
            }
        }
        id
    }

    fn rebuild(&mut self, n: usize) {
        self.slots = vec![0; n];
        for id in 0..self.spans.len() as u32 {
            let h = quick_hash(self.get(id).as_bytes());
            let mut i = h as usize & (n - 1);
            while self.slots[i] != 0 {
                i = (i + 1) & (n - 1);
            }
            self.slots[i] = (h >> 32) << 32 | u64::from(id + 1);
        }
    }
}

/// `a == b`, for the short words of [`StrTable::find`]: up to 16 bytes are
/// compared in at most two overlapping loads each side, inline (a call to
/// `memcmp` per token cost more than the comparison).
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let read4 = |x: &[u8], i: usize| u32::from_le_bytes(x[i..i + 4].try_into().expect("4"));
    let read8 = |x: &[u8], i: usize| u64::from_le_bytes(x[i..i + 8].try_into().expect("8"));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=8 => read4(a, 0) == read4(b, 0) && read4(a, n - 4) == read4(b, n - 4),
        9..=16 => read8(a, 0) == read8(b, 0) && read8(a, n - 8) == read8(b, n - 8),
        _ => a == b,
    }
}

/// A fast hash of a short byte string, for [`Interner`]'s tables only
/// (never stored or output): words of up to eight bytes are read in one or
/// two loads, longer ones eight bytes at a time.
fn quick_hash(b: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let n = b.len();
    let read4 = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4")));
    let read8 = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8"));
    let mut h = (n as u64).wrapping_mul(K);
    let x = match n {
        0 => 0,
        1..=3 => u64::from(b[0]) << 16 | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]),
        4..=8 => read4(0) << 32 | read4(n - 4),
        _ => {
            let mut i = 0;
            while i + 8 < n {
                h = (h ^ read8(i)).wrapping_mul(K).rotate_left(23);
                i += 8;
            }
            read8(n - 8)
        }
    };
    h = (h ^ x).wrapping_mul(K);
    h ^ (h >> 29)
}

/// Function words and report verbs that say nothing about *what* a text is
/// about. Written for this project (not taken from a published list).
const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "according",
    "across",
    "added",
    "adds",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "are",
    "around",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "less",
    "like",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "mr",
    "mrs",
    "ms",
    "much",
    "must",
    "my",
    "near",
    "neither",
    "no",
    "nor",
    "not",
    "noted",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "s",
    "said",
    "same",
    "say",
    "saying",
    "says",
    "several",
    "she",
    "should",
    "since",
    "so",
    "some",
    "stated",
    "such",
    "t",
    "tell",
    "tells",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "to",
    "told",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
];

/// True for function words and report verbs (see `STOP`).
pub fn is_stop(norm: &str) -> bool {
    // Every stop word is 1..=12 ASCII bytes: most words are ruled out
    // without a string comparison.
    if norm.is_empty() || norm.len() > STOP_MAX_LEN || !norm.as_bytes()[0].is_ascii_lowercase() {
        return false;
    }
    // A hash set: one short hash and at most a compare or two, where the
    // binary search over the list cost eight string comparisons per word.
    static SET: std::sync::OnceLock<
        std::collections::HashSet<&'static str, std::hash::BuildHasherDefault<Fnv>>,
    > = std::sync::OnceLock::new();
    SET.get_or_init(|| STOP.iter().copied().collect())
        .contains(norm)
}

/// Longest stop word, in bytes (checked by a test).
const STOP_MAX_LEN: usize = 12;

/// [`stem`] hashed: the content-word key used by every comparison
/// (allocation-free for the common ASCII cases).
pub fn stem_hash(norm: &str) -> u64 {
    let n = norm.len();
    if n <= 3 || !norm.is_ascii() {
        return hash_str(norm);
    }
    // Same rules as `stem`, on byte slices (ASCII: bytes are chars).
    let dropped_e = |b: &str| -> u64 {
        match b.strip_suffix('e') {
            Some(x) if b.len() > 4 && !x.ends_with('e') => hash_str(x),
            _ => hash_str(b),
        }
    };
    if let Some(b) = norm.strip_suffix("ies") {
        if n > 4 {
            return fnv1a_extend(hash_str(b), b"y");
        }
    }
    if let Some(b) = norm.strip_suffix("ing") {
        if n > 5 {
            return dropped_e(b);
        }
    }
    if let Some(b) = norm.strip_suffix("ed") {
        if n > 4 {
            return dropped_e(b);
        }
    }
    if norm.ends_with("ss") || norm.ends_with("us") || norm.ends_with("is") {
        return hash_str(norm);
    }
    if let Some(b) = norm.strip_suffix("es") {
        if b.ends_with("ch") || b.ends_with("sh") || b.ends_with('x') {
            return hash_str(b);
        }
    }
    dropped_e(norm.strip_suffix('s').unwrap_or(norm))
}

/// Light suffix stripping so that "exercises"/"exercise", "exchanging"/
/// "exchange" and "countries"/"country" meet. Deliberately conservative.
pub fn stem(norm: &str) -> String {
    let (base, suffix) = stem_parts(norm);
    let mut s = String::with_capacity(base.len() + suffix.len());
    s.push_str(base);
    s.push_str(suffix);
    s
}

/// [`stem`] as a prefix of `norm` and a suffix to append after it (`""` or
/// `"y"`), so a caller can write a stem into its own buffer.
pub fn stem_parts(norm: &str) -> (&str, &'static str) {
    let n = norm.chars().count();
    if n <= 3 || !norm.is_ascii() {
        return (norm, "");
    }
    if let Some(b) = norm.strip_suffix("ies") {
        if n > 4 {
            return (b, "y");
        }
    }
    if let Some(b) = norm.strip_suffix("ing") {
        if n > 5 {
            return (drop_e(b), "");
        }
    }
    if let Some(b) = norm.strip_suffix("ed") {
        if n > 4 {
            return (drop_e(b), "");
        }
    }
    if norm.ends_with("ss") || norm.ends_with("us") || norm.ends_with("is") {
        return (norm, "");
    }
    if let Some(b) = norm.strip_suffix("es") {
        if b.ends_with("ch") || b.ends_with("sh") || b.ends_with('x') {
            return (b, "");
        }
    }
    (drop_e(norm.strip_suffix('s').unwrap_or(norm)), "")
}

/// Drop one final silent `e` from stems longer than four bytes.
fn drop_e(b: &str) -> &str {
    match b.strip_suffix('e') {
        Some(x) if b.len() > 4 && !x.ends_with('e') => x,
        _ => b,
    }
}

/// Hashed content-word stems of a text, sorted and de-duplicated.
pub fn content_set(text: &str) -> Vec<u64> {
    let mut v: Vec<u64> = Vec::new();
    for_each_word(text, &mut String::new(), |_, _, norm| {
        if !is_stop(norm) {
            v.push(stem_hash(norm));
        }
    });
    v.sort_unstable();
    v.dedup();
    v
}

/// Hashed word 3-shingles of a text (all words, normalised, unstemmed),
/// sorted and de-duplicated. A text of fewer than three words gives one
/// shingle of all its words (none when empty).
pub fn shingles(text: &str) -> Vec<u64> {
    let ws: Vec<String> = words(text)
        .into_iter()
        .map(|w| w.norm.into_owned())
        .collect();
    shingles_of(&ws)
}

/// Shingles of an already-normalised word list: [`shingle_hash`] of each
/// three consecutive words' [`hash_str`]; a list of one word gives that
/// word's hash, of two words the [`shingle_hash`] of both.
pub fn shingles_of(ws: &[String]) -> Vec<u64> {
    let hs: Vec<u64> = ws.iter().map(|w| hash_str(w)).collect();
    let mut v: Vec<u64> = match hs.len() {
        0 => vec![],
        1 => vec![hs[0]],
        2 => vec![shingle_hash(&hs)],
        _ => hs.windows(3).map(shingle_hash).collect(),
    };
    v.sort_unstable();
    v.dedup();
    v
}

/// The hash of a shingle of two or three words from their [`hash_str`]
/// hashes, in order: a few multiplications per shingle, where hashing the
/// shingle's text cost one multiplication per byte (the per-article digest
/// reads each word's hash from its [`Interner`]). Only compared for
/// equality, never stored or output; well spread (a final mix), as the
/// story aligner's tables expect of every fingerprint hash.
#[inline]
pub fn shingle_hash(words: &[u64]) -> u64 {
    const K1: u64 = 0x9E37_79B9_7F4A_7C15;
    const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    let mut h = K2 ^ words.len() as u64;
    for &w in words {
        h = (h ^ w).wrapping_mul(K1).rotate_left(31);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(K2);
    h ^ (h >> 29)
}

/// Size of the intersection of two sorted, de-duplicated lists.
pub fn intersect(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Jaccard similarity of two sorted sets (0 when both are empty).
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let i = intersect(a, b);
    let u = a.len() + b.len() - i;
    if u == 0 {
        0.0
    } else {
        i as f64 / u as f64
    }
}

/// Containment of the smaller set in the larger: |A∩B| / min(|A|,|B|).
pub fn containment(a: &[u64], b: &[u64]) -> f64 {
    let m = a.len().min(b.len());
    if m == 0 {
        0.0
    } else {
        intersect(a, b) as f64 / m as f64
    }
}

/// Dice coefficient: 2|A∩B| / (|A|+|B|).
pub fn dice(a: &[u64], b: &[u64]) -> f64 {
    let s = a.len() + b.len();
    if s == 0 {
        0.0
    } else {
        2.0 * intersect(a, b) as f64 / s as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_list_is_sorted_for_binary_search() {
        assert!(STOP.windows(2).all(|w| w[0] < w[1]), "STOP must be sorted");
        // The early exits of `is_stop` rely on these.
        assert!(STOP.iter().all(|w| w.len() <= STOP_MAX_LEN));
        assert!(STOP.iter().all(|w| w.as_bytes()[0].is_ascii_lowercase()));
        assert!(STOP.iter().all(|w| is_stop(w)));
    }

    #[test]
    fn allocation_free_paths_agree_with_the_plain_ones() {
        let text = "Countries exchanging exercises: the Ministry’s officials \
                    reported 3.5% rises, O’Brien’s boxes, wished, cafés, Ünal's ideas, \
                    the mayor's and the workers' plans, it's a rock'n'roll day.";
        let plain: Vec<(usize, &str, String)> = words(text)
            .into_iter()
            .map(|w| (w.start, w.raw, w.norm.into_owned()))
            .collect();
        let mut seen = Vec::new();
        for_each_word(text, &mut String::new(), |s, r, n| {
            seen.push((s, r, n.to_string()))
        });
        assert_eq!(plain, seen);
        for (_, r, n) in &plain {
            assert_eq!(*n, normalise(r), "{r}");
            assert_eq!(stem_hash(n), hash_str(&stem(n)), "{n}");
        }
        for w in [
            "ies", "flies", "going", "sing", "used", "bed", "boxes", "bus", "make", "takes",
        ] {
            assert_eq!(stem_hash(w), hash_str(&stem(w)), "{w}");
        }
    }

    #[test]
    fn same_bytes_is_equality() {
        // Every pair of strings up to 20 bytes over a small alphabet that
        // differ in at most one byte, and pairs of different lengths.
        for n in 0..=20usize {
            let a: Vec<u8> = (0..n).map(|i| b"abcXyz12"[i % 8]).collect();
            assert!(same_bytes(&a, &a.clone()));
            for i in 0..n {
                let mut b = a.clone();
                b[i] ^= 0x20;
                assert!(!same_bytes(&a, &b), "{n} {i}");
            }
            for m in 0..=20usize {
                let b: Vec<u8> = (0..m).map(|i| b"abcXyz12"[i % 8]).collect();
                assert_eq!(same_bytes(&a, &b), a == b, "{n} {m}");
            }
        }
    }

    #[test]
    fn word_cache_gives_the_ids_of_a_fresh_interner_per_text() {
        let texts = [
            "The Ministry’s officials: THE minister's ... the Ministry's 3.5 Ünal ÜNAL café.",
            "",
            "the the The Officials officials' café Café 3.5 -- ...",
            "New words here, and the Ministry again; Ünal’s café.",
            "The Ministry’s officials: THE minister's ... the Ministry's 3.5 Ünal ÜNAL café.",
        ];
        // Tiny caps: the cache starts afresh between some texts.
        for (words, bytes) in [
            (CACHE_MAX_WORDS, CACHE_MAX_BYTES),
            (3, 1 << 20),
            (1 << 20, 40),
        ] {
            let mut cache = WordCache::default();
            let mut vocab = Interner::default();
            for _ in 0..3 {
                for t in texts {
                    cache.start_capped(&mut vocab, 8, words, bytes);
                    let mut plain = Interner::default();
                    let (mut b1, mut b2) = (String::new(), String::new());
                    for (_, raw) in t.unicode_word_indices() {
                        let want = plain.intern_raw(raw, &mut b1);
                        assert_eq!(cache.intern_raw(raw, &mut vocab, &mut b2), want, "{raw}");
                    }
                    assert_eq!(vocab.len(), plain.len());
                    for id in 0..plain.len() as u32 {
                        assert_eq!(vocab.norm(id), plain.norm(id));
                        let (a, b) = (vocab.info(id), plain.info(id));
                        assert_eq!(
                            (a.stop, a.multi, a.stem, a.hash),
                            (b.stop, b.multi, b.stem, b.hash)
                        );
                        assert_eq!(vocab.get(plain.norm(id)), Some(id));
                    }
                }
            }
        }
    }

    #[test]
    fn interner_gives_one_id_per_distinct_word_with_its_facts() {
        let mut v = Interner::with_capacity(1);
        let mut ids = std::collections::HashMap::new();
        // Enough distinct words to grow the table several times.
        let ws: Vec<String> = (0..500)
            .map(|i| format!("w{}", i % 170))
            .chain(STOP.iter().map(|s| s.to_string()))
            .chain(["", "exercises", "café", "the", "countries"].map(String::from))
            .collect();
        for w in &ws {
            let id = v.intern(w);
            assert_eq!(*ids.entry(w.clone()).or_insert(id), id, "{w}");
            assert_eq!(v.norm(id), w);
            let info = v.info(id);
            assert_eq!(info.stop, is_stop(w));
            assert_eq!(info.multi, w.chars().count() >= 2);
            assert_eq!(info.stem, stem_hash(w));
            assert_eq!(info.hash, hash_str(w));
        }
        assert_eq!(v.len(), ids.len());
        for (w, &id) in &ids {
            assert_eq!(v.get(w), Some(id));
        }
        assert_eq!(v.get("absent"), None);
        // As written: the same ids as interning the normalised form.
        let text =
            "The Ministry’s officials: THE minister's ... the Ministry's 3.5 Ünal ÜNAL café.";
        for (_, raw) in text.unicode_word_indices() {
            let want = is_word(raw).then(|| v.intern(&normalise(raw)));
            assert_eq!(v.intern_raw(raw, &mut String::new()), want, "{raw}");
        }
        let mut empty = Interner::default();
        assert_eq!(empty.intern_raw("Word", &mut String::new()), Some(0));
        assert_eq!(empty.intern_raw("word", &mut String::new()), Some(0));
        assert_eq!(empty.intern_raw("…", &mut String::new()), None);
    }

    #[test]
    fn normalisation_folds_case_apostrophes_and_possessives() {
        assert_eq!(normalise("China\u{2019}s"), "china");
        assert_eq!(normalise("Nato"), normalise("NATO"));
        assert_eq!(normalise("leaders'"), "leaders");
    }

    #[test]
    fn stemming_meets_common_variants() {
        assert_eq!(stem("exercises"), stem("exercise"));
        assert_eq!(stem("exchanging"), stem("exchange"));
        assert_eq!(stem("countries"), stem("country"));
        assert_eq!(stem("relations"), stem("relation"));
        assert_eq!(stem("news"), "new");
        assert_eq!(stem("us"), "us");
        assert_eq!(stem("parties"), "party");
        assert_eq!(stem("ties"), "tie");
        assert_eq!(stem("voted"), "vot");
        assert_eq!(stem("boxes"), "box");
        assert_eq!(stem("ministers"), "minister");
        assert_eq!(stem("ukraine"), "ukrain");
        assert_eq!(stem("agree"), "agree");
        assert_eq!(stem("ünal"), "ünal");
        for w in [
            "parties",
            "leader",
            "spokesmen",
            "chairs",
            "ruled",
            "ies",
            "",
        ] {
            let (base, suffix) = stem_parts(w);
            assert!(
                w.starts_with(base) && (suffix.is_empty() || suffix == "y"),
                "{w}"
            );
        }
    }

    #[test]
    fn shingles_are_order_sensitive_and_case_insensitive() {
        let a = shingles("The minister met the general on Sunday.");
        let b = shingles("the MINISTER met the general on sunday");
        let c = shingles("On Sunday the general met the minister.");
        assert_eq!(a, b);
        assert!(jaccard(&a, &c) < 0.5);
    }

    #[test]
    fn shingle_hashes_depend_on_every_word_and_its_place() {
        let [a, b, c] = ["minister", "met", "general"].map(hash_str);
        let all = [
            shingle_hash(&[a, b, c]),
            shingle_hash(&[a, c, b]),
            shingle_hash(&[b, a, c]),
            shingle_hash(&[c, b, a]),
            shingle_hash(&[a, b]),
            shingle_hash(&[b, a]),
            shingle_hash(&[a, a, a]),
            a,
        ];
        let mut d = all.to_vec();
        d.sort_unstable();
        d.dedup();
        assert_eq!(d.len(), all.len());
        assert_eq!(shingles("Minister met"), vec![shingle_hash(&[a, b])]);
        assert_eq!(shingles("minister"), vec![a]);
    }

    #[test]
    fn set_measures() {
        let a = vec![1, 2, 3, 4];
        let b = vec![3, 4, 5];
        assert_eq!(intersect(&a, &b), 2);
        assert!((jaccard(&a, &b) - 0.4).abs() < 1e-9);
        assert!((containment(&a, &b) - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(jaccard(&[], &[]), 0.0);
    }

    #[test]
    fn words_keep_offsets() {
        let t = "Hello, wide world";
        for w in words(t) {
            assert_eq!(&t[w.start..w.start + w.raw.len()], w.raw);
        }
    }
}
