//! Stage 7: compare.
//!
//! Takes: the [`Scored`] articles of one window of a run (in input order),
//! [`CompareOptions`] and the [`Lexicons`] (for headline spans).
//! Gives: a [`Comparison`]: story groups, per-article flags, reliability
//! index and source rating, and the cross-article tables: article pairs,
//! sentence alignment, quotes, actor labels and story summaries.
//!
//! # What happens
//!
//! 1. **Stories** ([`stories`]): a corpus `story` column wins. Otherwise each
//!    article (in input order) joins the earlier story it is most similar to
//!    (TF-IDF cosine ≥ [`CompareOptions::story_threshold`] with one of its
//!    articles), if the story is inside the date window: one of its dated
//!    articles is at most [`CompareOptions::window_days`] days away, or
//!    the story or the article is undated (undated articles join by
//!    similarity alone). An article *outside* the window joins only if it
//!    also shares a quotation or a copied sentence with the matching
//!    article: a repost of an old story carries the old story's words, a
//!    new event on the same topic does not. Story ids are `s` + the input position of the story's first
//!    article (`s0001`), so they are unique across windows and shards.
//! 2. **Alignment** ([`align`]): within a story, each article is aligned
//!    with up to [`CompareOptions::max_partners`] earlier articles. Matched
//!    sentences form *facts* (a sentence joins the fact of its best match in
//!    an earlier article); a fact reported by at least half of the story's
//!    articles (and at least two) is *widely reported*.
//! 3. **Quotes** ([`quotes`]), **actor labels** ([`actors`]), **flags**
//!    ([`dates`] and the rules in [`FLAG_NAMES`]), the **reliability index**
//!    ([`reliability`]) and **source ratings** ([`ratings`]).
//!
//! # Limits
//!
//! Work is per window (the pipeline's batch, 1,024 inputs by default) and
//! per story: grouping computes cosines only for the articles that can
//! reach the threshold and reads capped posting lists ([`stories`]);
//! alignment is bounded by `max_partners` per article and reads capped
//! posting lists in giant articles ([`align::POSTING_CAP`]). Articles of one event that
//! fall into different windows get different stories.

pub mod actors;
pub mod align;
pub mod dates;
pub mod outlets;
pub mod quotes;
pub mod ratings;
pub mod reliability;
pub mod stories;
pub mod tokens;

use crate::lexicon::{self, Category, Lexicons};
use crate::model::Scored;
use align::{MatchKind, SentPrint};
use chrono::NaiveDate;
use quotes::QuotePrint;
use ratings::{Rating, SourceRatings};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;
use stories::SparseVec;
use unicode_segmentation::UnicodeSegmentation;

/// One sentence match: (other article, other sentence, kind, similarity).
type SentenceMatch = (usize, usize, MatchKind, f64);

/// Default date window of a story, in days either side.
pub const DEFAULT_WINDOW_DAYS: i64 = 3;
/// Default TF-IDF cosine for an article to join a story.
pub const DEFAULT_STORY_THRESHOLD: f64 = 0.3;
/// Default most earlier articles an article is aligned with.
pub const DEFAULT_MAX_PARTNERS: usize = 20;
/// Share of a story's articles that makes a fact "widely reported".
pub const WIDELY_REPORTED_SHARE: f64 = 0.5;
/// Shared (copied) sentences with another article that make a copy.
pub const COPY_MIN_SENTENCES: usize = 2;
/// Most recent quotations read per content word when clustering quotes.
const QUOTE_POSTING_CAP: usize = 200;
/// Candidate quotations (those sharing most words) a new quote is compared with.
const QUOTE_CANDIDATES: usize = 64;
/// Members of a quotation a new quote is compared with.
const QUOTE_MEMBERS_COMPARED: usize = 8;
/// Longest fact text kept, in bytes.
const FACT_TEXT_MAX: usize = 300;

/// The flags an article can get, in the order they are listed.
pub const FLAG_NAMES: [(&str, &str); 7] = [
    ("date_mismatch", "The stated publication date disagrees with the dates and weekdays the text implies, or with the rest of the story."),
    ("headline_more_loaded_than_body", "The headline has loaded-language spans at a higher rate per word than the body."),
    ("no_attribution", "The body attributes nothing to anyone: no report verb, no named or anonymous source, no quote with a speaker."),
    ("unattributed_copy", "At least two sentences (not counting sentences that are mostly a quotation) are near-identical to another article of the story that credits a wire service or was published earlier, and this article credits no wire service and does not name that outlet."),
    ("speaker_conflict", "A quotation that other articles give to one speaker is given to a different speaker here."),
    ("spam_links", "Spam links (ads, deals, unrelated clickbait) surround the article on the page."),
    ("no_byline", "No author or byline is credited."),
];

/// Options for [`compare`].
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// Days either side within which dated articles group by similarity.
    pub window_days: i64,
    /// TF-IDF cosine for an article to join a story (0-1).
    pub story_threshold: f64,
    /// Most earlier articles of its story an article is aligned with.
    pub max_partners: usize,
    /// Outlet ratings supplied by the user (`--source-ratings`).
    pub source_ratings: Option<SourceRatings>,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            window_days: DEFAULT_WINDOW_DAYS,
            story_threshold: DEFAULT_STORY_THRESHOLD,
            max_partners: DEFAULT_MAX_PARTNERS,
            source_ratings: None,
        }
    }
}

/// A string many rows repeat (a story's id, a fact's id and text): made
/// once, then shared by reference count, so a row costs no allocation for
/// it. Reads as a `&str` (`Deref`, [`SharedStr::as_str`]) and serialises as
/// one.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl std::fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for SharedStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

impl serde::Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// One row's part of a list shared by several rows (the articles each
/// sentence of an article shares with: one allocation for all the
/// article's rows, not one per row). Reads as a `&[usize]` (`Deref`) and
/// serialises as one.
#[derive(Clone)]
pub struct SharedList {
    all: Arc<[usize]>,
    start: usize,
    end: usize,
}

impl SharedList {
    /// `all[start..end]`.
    fn part(all: &Arc<[usize]>, start: usize, end: usize) -> SharedList {
        assert!(start <= end && end <= all.len(), "a part of the list");
        SharedList {
            all: Arc::clone(all),
            start,
            end,
        }
    }
}

impl From<Vec<usize>> for SharedList {
    fn from(v: Vec<usize>) -> Self {
        let end = v.len();
        SharedList {
            all: v.into(),
            start: 0,
            end,
        }
    }
}

impl std::ops::Deref for SharedList {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        &self.all[self.start..self.end]
    }
}

impl PartialEq for SharedList {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for SharedList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl serde::Serialize for SharedList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A widely reported fact an article leaves out.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MissingFact {
    pub fact_id: SharedStr,
    /// The fact as the first article reporting it words it.
    pub text: SharedStr,
    /// Articles of the story reporting it.
    pub reported_by: usize,
}

/// Per-article results of the comparison, parallel to `Comparison::articles`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ArticleComparison {
    pub story_id: String,
    /// Flag names (see [`FLAG_NAMES`]), in that order.
    pub flags: Vec<String>,
    /// `flag: reason` for each flag.
    pub flag_details: Vec<String>,
    pub reliability_score: Option<f64>,
    /// `(component, contribution)` pairs summing to the score.
    pub reliability_components: Vec<(String, f64)>,
    /// What the index was computed from (for reports and sensitivity checks).
    pub reliability_inputs: Option<reliability::Inputs>,
    /// The user's rating of this outlet, if `--source-ratings` has one.
    pub source_rating: Option<Rating>,
    /// True when that rating and the text index are in opposite bands.
    pub source_rating_disagrees: Option<bool>,
    /// Sentences (indexes) no other article of the story reports.
    pub unique_sentences: Vec<usize>,
    /// Widely reported facts of the story this article leaves out.
    pub missing_facts: Vec<MissingFact>,
}

/// One story of the window.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StorySummary {
    pub story_id: String,
    /// `corpus` (story column), `similarity` (grouped) or `single`.
    pub method: String,
    /// Member articles (positions in `Comparison::articles`), in order.
    pub members: Vec<usize>,
    pub outlets: Vec<String>,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    pub title: String,
    pub wire_credited: usize,
    /// Facts reported by two or more articles.
    pub shared_facts: usize,
    /// Facts reported by at least half of the articles (and two or more).
    pub widely_reported_facts: usize,
    pub quotes: usize,
    /// Quotations found in two or more articles.
    pub shared_quotes: usize,
    pub speaker_conflicts: usize,
    pub date_mismatches: usize,
    /// Main actors, most widely mentioned first.
    pub main_actors: Vec<String>,
}

/// One pair of articles of a story.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PairRow {
    pub story_id: SharedStr,
    /// Positions in `Comparison::articles`; `a` comes first in the input.
    pub a: usize,
    pub b: usize,
    /// TF-IDF cosine of the two articles.
    pub similarity: f64,
    pub shared_sentences: usize,
    pub paraphrased_sentences: usize,
    /// Share of each article's words in sentences shared with the other.
    pub copied_share_a: f64,
    pub copied_share_b: f64,
    /// Quotations both articles carry.
    pub shared_quotes: usize,
}

impl PairRow {
    /// The larger of the two copied shares.
    pub fn copied_share(&self) -> f64 {
        self.copied_share_a.max(self.copied_share_b)
    }
}

/// How one sentence of a multi-article story relates to the others.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SentenceAlignment {
    pub story_id: SharedStr,
    /// Position in `Comparison::articles`.
    pub article: usize,
    pub sentence: usize,
    pub fact_id: SharedStr,
    /// `shared`, `paraphrase` or `unique`.
    pub kind: &'static str,
    /// Articles (positions) with a matching sentence, in input order.
    pub shared_with: SharedList,
    /// Articles of the story reporting this fact.
    pub reported_by: usize,
}

/// One occurrence of a quotation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QuoteRow {
    pub story_id: SharedStr,
    pub quote_id: String,
    /// Position in `Comparison::articles`.
    pub article: usize,
    /// Index into the article's `layout.quotes`.
    pub quote: usize,
    pub sentence: usize,
    pub speaker: Option<String>,
    pub text: String,
    pub verbatim: bool,
    /// Articles carrying this quotation.
    pub articles: usize,
    /// This occurrence's speaker disagrees with the quotation's main speaker.
    pub speaker_conflict: bool,
    /// The other speakers the quotation is given to.
    pub other_speakers: Vec<String>,
}

/// How one article names one main actor.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ActorLabelRow {
    pub story_id: SharedStr,
    pub actor: String,
    /// Position in `Comparison::articles`.
    pub article: usize,
    pub label: String,
    pub loaded: bool,
    pub mentions: usize,
    pub in_title: bool,
}

/// The comparison of a window.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Comparison {
    pub articles: Vec<Scored>,
    pub per_article: Vec<ArticleComparison>,
    pub stories: Vec<StorySummary>,
    pub pairs: Vec<PairRow>,
    pub alignment: Vec<SentenceAlignment>,
    pub quotes: Vec<QuoteRow>,
    pub actor_labels: Vec<ActorLabelRow>,
}

/// Compare the articles of a window, with the embedded lexicons for headlines.
pub fn compare(articles: Vec<Scored>, opts: &CompareOptions) -> Comparison {
    compare_with(articles, opts, Lexicons::embedded())
}

// ---------------------------------------------------------------------------
// Per-article digests

struct QuoteInfo {
    index: usize,
    text: String,
    print: QuotePrint,
    speaker: Option<String>,
    sentence: usize,
}

struct Digest {
    date: Option<NaiveDate>,
    outlet: String,
    wire: bool,
    byline: bool,
    counts: SparseVec,
    sents: Vec<SentPrint>,
    quotes: Vec<QuoteInfo>,
    /// Mentions with `true` when in the headline.
    mentions: Vec<(actors::Mention, bool)>,
    title_loaded: usize,
    title_words: usize,
    /// Per sentence: share of its words inside direct quotes.
    quoted_share: Vec<f64>,
}

/// The body's words as [`tokens::words`] keeps them, sentence by sentence,
/// each normalised once and interned: the fingerprints, the term counts,
/// the capitalised-word set and the mentions all read them (one
/// normalisation and one table lookup per word; stop tests and stems once
/// per distinct word; no allocation per word or sentence).
#[derive(Default)]
struct BodyWords {
    words: Vec<BodyWord>,
    /// The distinct normalised words.
    vocab: tokens::Interner,
    /// Words of earlier articles (of this thread).
    cache: tokens::WordCache,
    /// Sentence `i` holds `words[at[i]..at[i + 1]]`.
    at: Vec<usize>,
}

/// One word of [`BodyWords`]: byte range in the body, whether it starts
/// with an upper-case letter, and its id in `vocab`.
#[derive(Clone, Copy)]
struct BodyWord {
    start: usize,
    end: usize,
    cap: bool,
    id: u32,
}

impl BodyWords {
    /// From the word segments (sentence, body offset, segment) of
    /// sentences `0..sentences`, in order, with room for `words` words,
    /// in the buffers of `bw` (an earlier article's, cleared first).
    fn new<'a>(
        words: usize,
        sentences: usize,
        segments: impl Iterator<Item = (usize, usize, &'a str)>,
        mut bw: BodyWords,
    ) -> BodyWords {
        bw.cache.start(&mut bw.vocab, words / 2);
        bw.words.clear();
        bw.words.reserve(words);
        bw.at.clear();
        bw.at.reserve(sentences + 1);
        bw.at.push(0);
        let mut buf = String::new();
        // As `tokens::for_each_word_in` visits them.
        for (si, start, raw) in segments {
            if let Some(id) = bw.cache.intern_raw(raw, &mut bw.vocab, &mut buf) {
                while bw.at.len() <= si {
                    bw.at.push(bw.words.len());
                }
                bw.words.push(BodyWord {
                    start,
                    end: start + raw.len(),
                    cap: raw.chars().next().is_some_and(char::is_uppercase),
                    id,
                });
            }
        }
        while bw.at.len() <= sentences {
            bw.at.push(bw.words.len());
        }
        bw
    }

    /// The words of sentence `si`.
    fn of(&self, si: usize) -> &[BodyWord] {
        &self.words[self.at[si]..self.at[si + 1]]
    }

    /// The normalised form of a word.
    fn norm(&self, w: &BodyWord) -> &str {
        self.vocab.norm(w.id)
    }
}

/// One body sentence's words for the mention finder: interned words read
/// in place (no [`tokens::Word`] per word), the name test's word part
/// looked up by id.
struct BodySentence<'b> {
    words: &'b BodyWords,
    ws: &'b [BodyWord],
    body: &'b str,
    /// Where the sentence starts in the body.
    s0: usize,
    /// [`actors::name_candidate`] by word id (asked for capitalised words).
    name: &'b [bool],
}

impl actors::SentWords for BodySentence<'_> {
    fn len(&self) -> usize {
        self.ws.len()
    }
    fn raw(&self, i: usize) -> &str {
        let w = &self.ws[i];
        &self.body[w.start..w.end]
    }
    fn start(&self, i: usize) -> usize {
        self.ws[i].start - self.s0
    }
    fn norm(&self, i: usize) -> &str {
        self.words.norm(&self.ws[i])
    }
    fn cap(&self, i: usize) -> bool {
        self.ws[i].cap
    }
    fn stop(&self, i: usize) -> bool {
        self.words.vocab.info(self.ws[i].id).stop
    }
    fn name_word(&self, i: usize) -> bool {
        let w = &self.ws[i];
        w.cap && self.name[w.id as usize] && self.raw(i).chars().any(char::is_alphabetic)
    }
}

fn category_ranges(spans: &[lexicon::Span], c: Category) -> Vec<(usize, usize)> {
    spans
        .iter()
        .filter(|s| s.category == c)
        .map(|s| (s.start, s.end))
        .collect()
}

/// Build (and drop) the per-article digests of `articles`, for timing the
/// digest alone (`examples/digest_times.rs`); returns their sentence count.
#[doc(hidden)]
pub fn digest_only(articles: &[Scored], lex: &Lexicons) -> usize {
    articles.iter().map(|s| digest(s, lex).sents.len()).sum()
}

fn digest(s: &Scored, lex: &Lexicons) -> Digest {
    let an = &s.analysis;
    let a = &an.article;
    let body = a.body.as_str();
    let title = a.title.as_ref().map(|t| t.value.as_str()).unwrap_or("");
    let sent_ranges: Vec<(usize, usize)> = an
        .layout
        .sentences
        .iter()
        .map(|x| (x.start, x.end))
        .collect();
    // One tokenisation per sentence: fingerprint and quoted share. A word
    // is quoted when a quote starting at or before it ends after it: with
    // the quotes sorted by start and a running maximum of their ends, one
    // binary search per word (linear in quotes, not quadratic).
    let inner = Ranges::new(
        an.layout
            .quotes
            .iter()
            .map(|q| (q.inner_start, q.inner_end)),
    );
    // The segmenter's tokens are the same Unicode word segments (kept for
    // bodies under 4 GiB): each sentence's words are read, not re-segmented.
    let toks = &an.layout.tokens;
    let reuse = body.len() <= u32::MAX as usize;
    // The word buffers and the interner are reused from one article to the
    // next (a fresh word list per article cost an allocation of the
    // article's size and its first touch).
    thread_local! {
        static WORDS: std::cell::RefCell<BodyWords> = Default::default();
    }
    let reused = WORDS.with(|v| v.take());
    let words = if reuse {
        let segs = toks.iter().map(|t| {
            let (x, y) = (t.start as usize, t.end as usize);
            (t.sentence as usize, x, body.get(x..y).unwrap_or(""))
        });
        BodyWords::new(toks.len(), sent_ranges.len(), segs, reused)
    } else {
        let segs = sent_ranges.iter().enumerate().flat_map(|(si, &(x, y))| {
            body.get(x..y)
                .unwrap_or("")
                .unicode_word_indices()
                .map(move |(o, w)| (si, x + o, w))
        });
        BodyWords::new(0, sent_ranges.len(), segs, reused)
    };
    let mut scratch = align::Scratch::default();
    let mut walk = PointWalk::default();
    let (sents, quoted_share): (Vec<SentPrint>, Vec<f64>) = (0..sent_ranges.len())
        .map(|si| {
            let ws = words.of(si);
            let print = SentPrint::scan_ids(ws.iter().map(|w| w.id), &words.vocab, &mut scratch);
            let inside = ws
                .iter()
                .filter(|w| inner.covers_point_walk(w.start, &mut walk))
                .count();
            let share = if print.words == 0 {
                0.0
            } else {
                inside as f64 / print.words as f64
            };
            (print, share)
        })
        .unzip();
    let quotes = an
        .layout
        .quotes
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let text = body.get(q.inner_start..q.inner_end)?.trim().to_string();
            let speaker = q
                .speaker
                .as_deref()
                .map(str::to_owned)
                .or_else(|| quotes::speaker_after(body, q.end, sent_end(&sent_ranges, q.end)))
                .or_else(|| {
                    quotes::speaker_before(body, sent_start(&sent_ranges, q.start), q.start)
                });
            Some(QuoteInfo {
                index: i,
                print: QuotePrint::new(&text),
                text,
                speaker,
                sentence: q.sentence,
            })
        })
        .collect();
    let (title_spans, title_words) = if title.is_empty() {
        (Vec::new(), 0)
    } else {
        let layout = crate::text::segment(title);
        (
            lexicon::find_spans(title, &layout, lex),
            // `tokens::words(title).len()`, without building the words.
            title
                .unicode_word_indices()
                .filter(|(_, w)| tokens::is_word(w))
                .count(),
        )
    };
    // Normalised words capitalised after the first word of a sentence (by
    // id in the body, as strings in the title).
    let mut known = vec![false; words.vocab.len()];
    for si in 0..sent_ranges.len() {
        for w in words.of(si).iter().skip(1).filter(|w| w.cap) {
            known[w.id as usize] = true;
        }
    }
    let title_known = actors::mid_sentence_capitals(title, &[(0, title.len())]);
    let is_known = |w: &str| {
        words.vocab.get(w).is_some_and(|id| known[id as usize]) || title_known.contains(w)
    };
    let mut mentions: Vec<(actors::Mention, bool)> = Vec::new();
    if !title.is_empty() {
        let loaded = category_ranges(&title_spans, Category::LoadedLanguage);
        mentions.extend(
            actors::mentions_with(
                title,
                &[(0, title.len())],
                &loaded,
                is_known,
                |_, sent, out| out.extend(tokens::words(sent)),
            )
            .into_iter()
            .map(|m| (m, true)),
        );
    }
    let loaded = category_ranges(&an.spans, Category::LoadedLanguage);
    // The name test's word part, once per distinct capitalised word.
    let mut name = vec![false; words.vocab.len()];
    let mut asked = vec![false; words.vocab.len()];
    for w in words.words.iter().filter(|w| w.cap) {
        let id = w.id as usize;
        if !std::mem::replace(&mut asked[id], true) {
            name[id] = actors::name_candidate(words.vocab.norm(w.id));
        }
    }
    mentions.extend(
        actors::mentions_in(body, &sent_ranges, &loaded, is_known, |si, _, f| {
            f(&BodySentence {
                words: &words,
                ws: words.of(si),
                body,
                s0: sent_ranges[si].0,
                name: &name,
            })
        })
        .into_iter()
        .map(|m| (m, false)),
    );
    let counts = {
        let mut tc = stories::TermCounter::default();
        tc.add(title, title.unicode_word_indices());
        if reuse {
            // The tokens are the body's words in order, sentence by
            // sentence: the interned words are those `add` would visit.
            let ws = words.words.iter().map(|w| (w.start, w.end, w.cap, w.id));
            tc.add_ids(body, &words.vocab, ws);
        } else {
            tc.add(body, body.unicode_word_indices());
        }
        tc.finish()
    };
    // Giant articles do not pin their word buffers (the interner shrinks
    // itself on `clear`, the word cache is capped).
    let mut words = words;
    if words.words.capacity() > 1 << 16 {
        words.words = Vec::new();
        words.at = Vec::new();
    }
    WORDS.with(|v| *v.borrow_mut() = words);
    Digest {
        quoted_share,
        date: a
            .published
            .as_ref()
            .and_then(|p| dates::parse_date(&p.value)),
        outlet: a
            .outlet
            .as_ref()
            .map(|o| o.value.clone())
            .unwrap_or_default(),
        wire: !a.wire_credits.is_empty(),
        byline: a
            .byline
            .as_ref()
            .is_some_and(|b| !b.value.trim().is_empty()),
        counts,
        sents,
        quotes,
        mentions,
        title_loaded: title_spans
            .iter()
            .filter(|s| s.category == Category::LoadedLanguage)
            .count(),
        title_words,
    }
}

/// The sentence range holding `pos` (the first one, when two touch), found
/// by binary search: `ranges` are sorted and do not overlap.
fn sent_of(ranges: &[(usize, usize)], pos: usize) -> Option<(usize, usize)> {
    let k = ranges.partition_point(|r| r.0 <= pos);
    let j = ranges[..k].partition_point(|r| r.1 < pos);
    ranges.get(j).filter(|r| r.0 <= pos && pos <= r.1).copied()
}

fn sent_start(ranges: &[(usize, usize)], pos: usize) -> usize {
    sent_of(ranges, pos).map(|r| r.0).unwrap_or(pos)
}

fn sent_end(ranges: &[(usize, usize)], pos: usize) -> usize {
    sent_of(ranges, pos).map(|r| r.1).unwrap_or(pos)
}

/// Byte ranges (quotes, labels, spans) sorted by start with a running
/// maximum of their ends: "is this point or range inside, or overlapping,
/// some range" costs one binary search, not a scan of all the ranges,
/// without assuming the ranges are disjoint (a long article can have tens
/// of thousands of quotes or names).
pub(crate) struct Ranges {
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl Ranges {
    pub(crate) fn new(ranges: impl Iterator<Item = (usize, usize)>) -> Ranges {
        let mut r: Vec<(usize, usize)> = ranges.collect();
        r.sort_unstable();
        let mut m = 0;
        let max_end = r
            .iter()
            .map(|&(_, e)| {
                m = m.max(e);
                m
            })
            .collect();
        Ranges {
            starts: r.into_iter().map(|x| x.0).collect(),
            max_end,
        }
    }

    /// Largest end among the ranges whose start satisfies `before`
    /// (a predicate true for a prefix of the sorted starts).
    fn max_end_where(&self, before: impl Fn(usize) -> bool) -> Option<usize> {
        let k = self.starts.partition_point(|&s| before(s));
        k.checked_sub(1).map(|i| self.max_end[i])
    }

    /// Some range has `start <= p < end`.
    pub(crate) fn covers_point(&self, p: usize) -> bool {
        self.max_end_where(|s| s <= p).is_some_and(|e| e > p)
    }

    /// [`Ranges::covers_point`] for points asked in increasing order (the
    /// words of a text): the sorted starts are walked once, not searched per
    /// point (a point before the previous one is searched).
    fn covers_point_walk(&self, p: usize, w: &mut PointWalk) -> bool {
        if p < w.last {
            return self.covers_point(p);
        }
        w.last = p;
        while self.starts.get(w.next).is_some_and(|&s| s <= p) {
            w.next += 1;
        }
        w.next.checked_sub(1).is_some_and(|i| self.max_end[i] > p)
    }

    /// Some range has `start <= a` and `b <= end`.
    pub(crate) fn covers_range(&self, a: usize, b: usize) -> bool {
        self.max_end_where(|s| s <= a).is_some_and(|e| e >= b)
    }

    /// Some range `(x, y)` has `x < b && a < y`.
    pub(crate) fn any_overlap(&self, a: usize, b: usize) -> bool {
        self.max_end_where(|x| x < b).is_some_and(|y| y > a)
    }

    /// Some range contains `a..b` and is longer: it starts earlier and ends
    /// at or after `b`, or starts at `a` and ends after `b`.
    pub(crate) fn strictly_inside_another(&self, a: usize, b: usize) -> bool {
        self.max_end_where(|x| x < a).is_some_and(|y| y >= b)
            || self.max_end_where(|x| x <= a).is_some_and(|y| y > b)
    }
}

/// Where [`Ranges::covers_point_walk`] is: the ranges starting at or before
/// the last point asked are `..next`.
#[derive(Default)]
struct PointWalk {
    next: usize,
    last: usize,
}

// ---------------------------------------------------------------------------
// Story state during a window

struct Fact {
    id: SharedStr,
    /// The sentence that started it: (article, sentence). Its text is made
    /// only for the widely reported facts (the only ones a row shows).
    from: (usize, usize),
    /// Articles reporting it.
    reported_by: usize,
    /// The last article that reported it (members add their sentences in
    /// turn, so an article counts once).
    last: usize,
}

struct Story {
    id: SharedStr,
    method: &'static str,
    members: Vec<usize>,
    facts: Vec<Fact>,
    /// Quote clusters: (article, quote index in digest.quotes).
    clusters: Vec<Vec<(usize, usize)>>,
}

fn truncate(s: &str, max: usize) -> SharedStr {
    if s.len() <= max {
        return s.into();
    }
    let mut e = max;
    while !s.is_char_boundary(e) {
        e -= 1;
    }
    format!("{}…", s[..e].trim_end()).into()
}

/// Whether two articles share a quotation or a copied sentence (the
/// evidence an out-of-window article needs to join a story).
fn shares_words(a: &Digest, b: &Digest) -> bool {
    a.quotes.iter().any(|qa| {
        b.quotes
            .iter()
            .any(|qb| quotes::same_quote(&qa.print, &qb.print).is_some())
    }) || a.sents.iter().any(|sa| {
        b.sents
            .iter()
            .any(|sb| matches!(align::classify(sa, sb), Some((MatchKind::Shared, _))))
    })
}

/// Compare the articles of a window (see the module docs).
pub fn compare_with(articles: Vec<Scored>, opts: &CompareOptions, lex: &Lexicons) -> Comparison {
    let n = articles.len();
    let digests: Vec<Digest> = articles.par_iter().map(|s| digest(s, lex)).collect();
    // Dense term ids for the window: one hash lookup per term here, then
    // weights and the story index read vectors by id.
    let terms = stories::TermIds::new(digests.iter().map(|d| &d.counts));
    let vecs: Vec<SparseVec> = digests
        .par_iter()
        .enumerate()
        .map(|(i, d)| terms.tfidf(i, &d.counts))
        .collect();

    // 1. Stories.
    let mut story_of = vec![0usize; n];
    let mut stories: Vec<Story> = Vec::new();
    let mut by_corpus: BTreeMap<String, usize> = BTreeMap::new();
    let corpus_story = |i: usize| {
        let a = &articles[i].analysis.article;
        a.story.as_ref().map(|s| s.trim()).filter(|s| !s.is_empty())
    };
    // The earlier articles each article reaches the threshold with do not
    // depend on the stories chosen so far: found for all articles at once,
    // in parallel, from one index of the whole window (exact prefix
    // filtering, see `stories`), with their cosines.
    let index = stories::StoryIndex::new(&vecs, &terms);
    let similar: Vec<Vec<(usize, f64)>> = (0..n)
        .into_par_iter()
        .map_init(stories::CandidateScratch::default, |sc, i| {
            if corpus_story(i).is_some() {
                return Vec::new();
            }
            index
                .candidates_of(i, &vecs[i], terms.of(i), opts.story_threshold, sc)
                .into_iter()
                .map(|j| (j, stories::cosine(&vecs[i], &vecs[j])))
                .filter(|&(_, sim)| sim >= opts.story_threshold)
                .collect()
        })
        .collect();
    for i in 0..n {
        let a = &articles[i].analysis.article;
        let corpus = corpus_story(i);
        let chosen = if let Some(name) = corpus {
            Some(*by_corpus.entry(name.to_string()).or_insert_with(|| {
                stories.push(Story {
                    id: name.into(),
                    method: "corpus",
                    members: Vec::new(),
                    facts: Vec::new(),
                    clusters: Vec::new(),
                });
                stories.len() - 1
            }))
        } else {
            let mut best: Option<(f64, usize)> = None;
            let mut near_cache: BTreeMap<usize, bool> = BTreeMap::new();
            for &(j, sim) in &similar[i] {
                let s = story_of[j];
                // The window is the story's: an undated member must not
                // bridge a dated article to a story of another time.
                let near = *near_cache
                    .entry(s)
                    .or_insert_with(|| match digests[i].date {
                        None => true,
                        Some(x) => {
                            let dated: Vec<NaiveDate> = stories[s]
                                .members
                                .iter()
                                .filter_map(|&m| digests[m].date)
                                .collect();
                            dated.is_empty()
                                || dated
                                    .iter()
                                    .any(|y| (x - *y).num_days().abs() <= opts.window_days)
                        }
                    });
                if !near && !shares_words(&digests[i], &digests[j]) {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((bs, bst)) => sim > bs || (sim == bs && s < bst),
                };
                if better {
                    best = Some((sim, s));
                }
            }
            best.map(|b| b.1)
        };
        let s = chosen.unwrap_or_else(|| {
            stories.push(Story {
                id: format!("s{:04}", a.seq + 1).into(),
                method: "single",
                members: Vec::new(),
                facts: Vec::new(),
                clusters: Vec::new(),
            });
            stories.len() - 1
        });
        if stories[s].method == "single" && !stories[s].members.is_empty() {
            stories[s].method = "similarity";
        }
        stories[s].members.push(i);
        story_of[i] = s;
    }
    drop((similar, index, terms));

    // 2. Pair alignments (each article with its earlier story partners).
    let pair_list: Vec<(usize, usize)> = stories
        .iter()
        .flat_map(|st| {
            st.members.iter().enumerate().flat_map(move |(k, &b)| {
                let from = k.saturating_sub(opts.max_partners);
                st.members[from..k].iter().map(move |&a| (a, b))
            })
        })
        .collect();
    // Each article with all its partners at once, from one dense index of
    // its story (`align::StoryAligner`); results in `pair_list` order.
    // A story of one article has no pairs: no aligner (its index would be
    // built for nothing).
    let aligners: Vec<Option<align::StoryAligner>> = stories
        .par_iter()
        .map(|st| {
            if st.members.len() < 2 {
                return None;
            }
            let arts: Vec<&[SentPrint]> = st
                .members
                .iter()
                .map(|&i| digests[i].sents.as_slice())
                .collect();
            Some(align::StoryAligner::new(&arts))
        })
        .collect();
    let jobs: Vec<(usize, usize)> = stories
        .iter()
        .enumerate()
        .flat_map(|(si, st)| (1..st.members.len()).map(move |k| (si, k)))
        .collect();
    let aligned: Vec<align::Alignment> = jobs
        .par_iter()
        .map_init(align::StoryScratch::default, |sc, &(si, k)| {
            let aligner = aligners[si]
                .as_ref()
                .expect("a story with pairs has an aligner");
            aligner.align_partners(k.saturating_sub(opts.max_partners), k, sc)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    drop(aligners);
    // matches_of[i][s] = (partner, partner sentence, kind, score): every
    // sentence's matches in one flat buffer (a counting sort of the
    // matches by sentence, keeping their order), sliced per sentence.
    let mut sent_at: Vec<usize> = Vec::with_capacity(n + 1);
    sent_at.push(0);
    for d in &digests {
        sent_at.push(sent_at[sent_at.len() - 1] + d.sents.len());
    }
    let mut match_at = vec![0usize; sent_at[n] + 1];
    for (&(a, b), al) in pair_list.iter().zip(&aligned) {
        for m in &al.matches {
            match_at[sent_at[a] + m.a + 1] += 1;
            match_at[sent_at[b] + m.b + 1] += 1;
        }
    }
    for g in 1..match_at.len() {
        match_at[g] += match_at[g - 1];
    }
    let mut matches: Vec<SentenceMatch> =
        vec![(0, 0, MatchKind::Shared, 0.0); match_at[sent_at[n]]];
    {
        let mut next = match_at.clone();
        for (&(a, b), al) in pair_list.iter().zip(&aligned) {
            for m in &al.matches {
                let g = sent_at[a] + m.a;
                matches[next[g]] = (b, m.b, m.kind, m.score);
                next[g] += 1;
                let g = sent_at[b] + m.b;
                matches[next[g]] = (a, m.a, m.kind, m.score);
                next[g] += 1;
            }
        }
    }
    let matches_of: Vec<Vec<&[SentenceMatch]>> = (0..n)
        .map(|i| {
            (sent_at[i]..sent_at[i + 1])
                .map(|g| &matches[match_at[g]..match_at[g + 1]])
                .collect()
        })
        .collect();

    // Facts: in input order, a sentence joins the fact of its best match in
    // an earlier article, else starts a new fact.
    // Matches stay within a story, so stories are independent (in
    // parallel); each gives the facts of its members' sentences, in member
    // order.
    let story_fact_of: Vec<Vec<Vec<Option<usize>>>> = stories
        .par_iter_mut()
        .map(|st| {
            let mut fact_of: Vec<Vec<Option<usize>>> = Vec::with_capacity(st.members.len());
            let mut id_buf = String::new();
            for &i in &st.members {
                let mut mine: Vec<Option<usize>> = vec![None; digests[i].sents.len()];
                for (si, sp) in digests[i].sents.iter().enumerate() {
                    if sp.words < align::MIN_WORDS {
                        continue;
                    }
                    // An earlier member: already in `fact_of`.
                    let best = matches_of[i][si]
                        .iter()
                        .filter(|m| m.0 < i)
                        .min_by(|x, y| x.2.cmp(&y.2).then(y.3.total_cmp(&x.3)).then(x.0.cmp(&y.0)))
                        .and_then(|m| {
                            let k = st.members.binary_search(&m.0).ok()?;
                            fact_of[k][m.1]
                        });
                    let f = match best {
                        Some(f) => f,
                        None => {
                            // The id is written into one buffer and copied
                            // once into its shared string.
                            id_buf.clear();
                            let _ = write!(id_buf, "{}-f{:03}", st.id, st.facts.len() + 1);
                            st.facts.push(Fact {
                                id: id_buf.as_str().into(),
                                from: (i, si),
                                reported_by: 0,
                                last: usize::MAX,
                            });
                            st.facts.len() - 1
                        }
                    };
                    // Members come in order and each adds its sentences in
                    // turn: an article is counted once.
                    let fact = &mut st.facts[f];
                    if fact.last != i {
                        fact.last = i;
                        fact.reported_by += 1;
                    }
                    mine[si] = Some(f);
                }
                fact_of.push(mine);
            }
            fact_of
        })
        .collect();
    let mut fact_of: Vec<Vec<Option<usize>>> = vec![Vec::new(); n];
    for (st, fo) in stories.iter().zip(story_fact_of) {
        for (&i, f) in st.members.iter().zip(fo) {
            fact_of[i] = f;
        }
    }

    // 3. Quote clusters, in input order. Candidate quotations come from an
    // index of their content words and wording (bounded: QUOTE_POSTING_CAP
    // clusters per key, the QUOTE_CANDIDATES clusters sharing most keys,
    // QUOTE_MEMBERS_COMPARED members per cluster). Stories are independent
    // (in parallel).
    stories.par_iter_mut().for_each(|st| {
        let mut index: tokens::FnvMap<u64, Vec<usize>> = tokens::FnvMap::default();
        let mut hits: tokens::FnvMap<usize, u32> = tokens::FnvMap::default();
        for &i in &st.members {
            for (qi, q) in digests[i].quotes.iter().enumerate() {
                let wording = [q.print.wording_key()];
                let keys = || q.print.content.iter().chain(&wording);
                hits.clear();
                for k in keys() {
                    if let Some(v) = index.get(k) {
                        for &c in v.iter().rev().take(QUOTE_POSTING_CAP) {
                            *hits.entry(c).or_default() += 1;
                        }
                    }
                }
                // Most keys in common first, then the most recent cluster.
                let mut cands: Vec<(u32, usize)> = hits.iter().map(|(&c, &h)| (h, c)).collect();
                cands.sort_unstable_by(|x, y| y.cmp(x));
                cands.truncate(QUOTE_CANDIDATES);
                cands.sort_unstable_by_key(|x| x.1);
                // Best = most content words in common, then containment.
                let mut best: Option<((usize, f64), usize)> = None;
                for (_, ci) in cands {
                    for &(j, qj) in st.clusters[ci].iter().take(QUOTE_MEMBERS_COMPARED) {
                        if let Some(sc) = quotes::same_quote(&q.print, &digests[j].quotes[qj].print)
                        {
                            if best.map_or(true, |b| {
                                sc.0 > b.0 .0 || (sc.0 == b.0 .0 && sc.1 > b.0 .1)
                            }) {
                                best = Some((sc, ci));
                            }
                        }
                    }
                }
                let c = match best {
                    Some((_, ci)) => {
                        st.clusters[ci].push((i, qi));
                        ci
                    }
                    None => {
                        st.clusters.push(vec![(i, qi)]);
                        st.clusters.len() - 1
                    }
                };
                for &k in keys() {
                    let v = index.entry(k).or_default();
                    if v.last() != Some(&c) {
                        v.push(c);
                    }
                }
            }
        }
    });

    let mut per_article: Vec<ArticleComparison> = (0..n)
        .map(|i| ArticleComparison {
            story_id: stories[story_of[i]].id.to_string(),
            ..Default::default()
        })
        .collect();
    let mut flags: Vec<BTreeMap<&'static str, String>> = vec![BTreeMap::new(); n];

    // Actors and quotes of each story (in parallel; merged in story order).
    struct StoryRows {
        labels: Vec<ActorLabelRow>,
        quotes: Vec<QuoteRow>,
        main_actors: Vec<String>,
        conflicts: usize,
        /// The first speaker conflict of each member article.
        conflict_flags: BTreeMap<usize, String>,
    }
    let story_rows: Vec<StoryRows> = stories
        .par_iter()
        .map(|st| {
            let mut label_rows: Vec<ActorLabelRow> = Vec::new();
            let mut quote_rows: Vec<QuoteRow> = Vec::new();
            let mut conflicts = 0usize;
            let mut conflict_flags: BTreeMap<usize, String> = BTreeMap::new();
            // Actors of the story.
            let all_mentions: Vec<&actors::Mention> = st
                .members
                .iter()
                .flat_map(|&i| digests[i].mentions.iter().map(|m| &m.0))
                .collect();
            // Names are learnt from bodies only: a Title Case headline makes
            // every word look like a name. Headline mentions count when they
            // resolve to a name a body uses.
            let aidx = actors::ActorIndex::new(
                st.members
                    .iter()
                    .flat_map(|&i| digests[i].mentions.iter().filter(|m| !m.1).map(|m| &m.0)),
            );
            let per: Vec<(usize, Vec<&actors::Mention>)> = st
                .members
                .iter()
                .map(|&i| (i, digests[i].mentions.iter().map(|m| &m.0).collect()))
                .collect();
            let mains = aidx.main_actors(&per);
            let main_actors: Vec<String> = mains.iter().map(|a| a.name.clone()).collect();
            for &i in &st.members {
                // (actor rank, label) -> (mentions, loaded, in_title, first position)
                // (The label is borrowed from the mention while counting and
                // copied once per row.)
                let mut acc: BTreeMap<(usize, &str), (usize, bool, bool, usize)> = BTreeMap::new();
                for (pos, (m, in_title)) in digests[i].mentions.iter().enumerate() {
                    let Some(k) = aidx.key_ref(m) else { continue };
                    let Some(rank) = mains.iter().position(|a| a.key == k) else {
                        continue;
                    };
                    let e = acc
                        .entry((rank, m.label()))
                        .or_insert((0, false, false, pos));
                    e.0 += 1;
                    e.1 |= m.loaded;
                    e.2 |= *in_title;
                }
                let mut rows: Vec<_> = acc.into_iter().collect();
                rows.sort_by_key(|((rank, _), v)| (*rank, v.3));
                for ((rank, label), (mentions, loaded, in_title, _)) in rows {
                    label_rows.push(ActorLabelRow {
                        story_id: st.id.clone(),
                        actor: mains[rank].name.clone(),
                        article: i,
                        label: label.to_string(),
                        loaded,
                        mentions,
                        in_title,
                    });
                }
            }

            // Quotes: canonical wording, verbatim, speaker conflicts.
            let role_words = aidx.role_words(all_mentions.iter().copied());
            let roles_of = |w: &str| role_words.get(w).cloned().unwrap_or_default();
            for (ci, cl) in st.clusters.iter().enumerate() {
                let wordings: Vec<&[u64]> = cl
                    .iter()
                    .map(|&(i, q)| digests[i].quotes[q].print.norm.as_slice())
                    .collect();
                let canon = wordings[quotes::canonical(&wordings)];
                let speakers: Vec<Option<quotes::Speaker>> = cl
                    .iter()
                    .map(|&(i, q)| {
                        digests[i].quotes[q]
                            .speaker
                            .as_deref()
                            .and_then(quotes::parse_speaker)
                    })
                    .collect();
                let groups = quotes::group_speakers(&speakers, &roles_of);
                // One article does not contradict itself: speakers it gives the
                // same words to ("Port chief", then "Ilse Varant") are one.
                let groups = merge_groups_by_article(&groups, cl);
                let ngroups = groups.iter().flatten().max().map(|g| g + 1).unwrap_or(0);
                // Group weight: distinct articles; ties broken by provenance.
                let mut weight = vec![(0usize, false); ngroups];
                let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
                for (k, g) in groups.iter().enumerate() {
                    if let Some(g) = g {
                        let art = cl[k].0;
                        if seen.insert((*g, art)) {
                            weight[*g].0 += 1;
                        }
                        weight[*g].1 |= digests[art].wire || digests[art].byline;
                    }
                }
                let top = weight.iter().copied().max();
                let winners: Vec<usize> =
                    (0..ngroups).filter(|g| Some(weight[*g]) == top).collect();
                let winner = (winners.len() == 1).then(|| winners[0]);
                if ngroups > 1 {
                    conflicts += 1;
                }
                let articles_in: BTreeSet<usize> = cl.iter().map(|x| x.0).collect();
                // Speakers as written, per group; the "other speakers" of a
                // member depend only on its group (computed once per group).
                let mut written: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); ngroups];
                for (k, &(j, q2)) in cl.iter().enumerate() {
                    if let (Some(g), Some(sp)) =
                        (groups[k], digests[j].quotes[q2].speaker.as_deref())
                    {
                        written[g].insert(sp);
                    }
                }
                let mut others_of: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
                for (k, &(i, q)) in cl.iter().enumerate() {
                    let qi = &digests[i].quotes[q];
                    let conflict = ngroups > 1
                        && match (groups[k], winner) {
                            (Some(g), Some(w)) => g != w,
                            (Some(_), None) => true,
                            (None, _) => false,
                        };
                    let others: BTreeSet<String> = match groups[k] {
                        Some(g) if conflict => others_of
                            .entry(g)
                            .or_insert_with(|| {
                                written
                                    .iter()
                                    .enumerate()
                                    .filter(|(g2, _)| *g2 != g)
                                    .flat_map(|(_, w)| w.iter().map(|x| x.to_string()))
                                    .collect()
                            })
                            .clone(),
                        _ => BTreeSet::new(),
                    };
                    if conflict {
                        conflict_flags.entry(i).or_insert_with(|| {
                            format!(
                                "quote {}-q{:02} is given to {} here but to {} elsewhere",
                                st.id,
                                ci + 1,
                                qi.speaker.as_deref().unwrap_or("?"),
                                others.iter().cloned().collect::<Vec<_>>().join(" / ")
                            )
                        });
                    }
                    quote_rows.push(QuoteRow {
                        story_id: st.id.clone(),
                        quote_id: format!("{}-q{:02}", st.id, ci + 1),
                        article: i,
                        quote: qi.index,
                        sentence: qi.sentence,
                        speaker: qi.speaker.clone(),
                        text: qi.text.clone(),
                        verbatim: quotes::is_verbatim(&qi.print.norm, canon),
                        articles: articles_in.len(),
                        speaker_conflict: conflict,
                        other_speakers: others.into_iter().collect(),
                    });
                }
            }
            StoryRows {
                labels: label_rows,
                quotes: quote_rows,
                main_actors,
                conflicts,
                conflict_flags,
            }
        })
        .collect();
    let mut quote_rows: Vec<QuoteRow> = Vec::new();
    let mut label_rows: Vec<ActorLabelRow> = Vec::new();
    let mut main_actors: Vec<Vec<String>> = Vec::with_capacity(stories.len());
    let mut conflicts_in: Vec<usize> = Vec::with_capacity(stories.len());
    for r in story_rows {
        label_rows.extend(r.labels);
        quote_rows.extend(r.quotes);
        main_actors.push(r.main_actors);
        conflicts_in.push(r.conflicts);
        // An article is in one story: its speaker_conflict comes from there.
        for (i, reason) in r.conflict_flags {
            flags[i].entry("speaker_conflict").or_insert(reason);
        }
    }
    quote_rows.sort_by_key(|r| (r.article, r.quote));
    // Stable: keeps actor rank and first-mention order within an article.
    label_rows.sort_by_key(|r| r.article);

    // Pairs.
    // Quotations (cluster ids within its story) each article carries.
    let mut clusters_of: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for st in &stories {
        for (ci, cl) in st.clusters.iter().enumerate() {
            for &(i, _) in cl {
                clusters_of[i].insert(ci);
            }
        }
    }
    let mut pair_order: Vec<usize> = (0..pair_list.len()).collect();
    pair_order.sort_by_key(|&k| (pair_list[k].1, pair_list[k].0));
    let pair_aligned: Vec<&align::Alignment> = pair_order.iter().map(|&k| &aligned[k]).collect();
    let total_words: Vec<usize> = digests
        .par_iter()
        .map(|d| d.sents.iter().map(|s| s.words).sum())
        .collect();
    let pair_rows: Vec<PairRow> = pair_order
        .par_iter()
        .map(|&k| &pair_list[k])
        .zip(pair_aligned.par_iter().copied())
        .map(|(&(a, b), al)| {
            let words_in = |i: usize, side_a: bool| -> f64 {
                let total = total_words[i];
                let shared: usize = al
                    .matches
                    .iter()
                    .filter(|m| m.kind == MatchKind::Shared)
                    .map(|m| digests[i].sents[if side_a { m.a } else { m.b }].words)
                    .sum();
                if total == 0 {
                    0.0
                } else {
                    shared as f64 / total as f64
                }
            };
            let st = &stories[story_of[a]];
            let shared_quotes = clusters_of[a].intersection(&clusters_of[b]).count();
            PairRow {
                story_id: st.id.clone(),
                a,
                b,
                similarity: stories::cosine(&vecs[a], &vecs[b]),
                shared_sentences: al.count(MatchKind::Shared),
                paraphrased_sentences: al.count(MatchKind::Paraphrase),
                copied_share_a: words_in(a, true),
                copied_share_b: words_in(b, false),
                shared_quotes,
            }
        })
        .collect();

    // Pair rows of each article.
    let mut pairs_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (pi, p) in pair_rows.iter().enumerate() {
        pairs_of[p.a].push(pi);
        pairs_of[p.b].push(pi);
    }

    // Widely reported facts of each story, with their text (the sentence
    // that started the fact, as the first article reporting it words it).
    let widely: Vec<Vec<(usize, SharedStr)>> = stories
        .iter()
        .map(|st| {
            let need = widely_reported_min(st.members.len());
            (0..st.facts.len())
                .filter(|&f| st.facts[f].reported_by >= need)
                .map(|f| {
                    let (i, si) = st.facts[f].from;
                    let body = &articles[i].analysis.article.body;
                    let r = &articles[i].analysis.layout.sentences[si];
                    let text = body.get(r.start..r.end).unwrap_or("").trim();
                    (f, truncate(text, FACT_TEXT_MAX))
                })
                .collect()
        })
        .collect();

    // Sentence alignment rows, unique sentences, missing facts.
    let per_rows: Vec<(Vec<SentenceAlignment>, Vec<usize>, Vec<MissingFact>)> = (0..n)
        .into_par_iter()
        .map_init(
            Default::default,
            |(with, mine, flat): &mut (Vec<usize>, Vec<usize>, Vec<usize>), i| {
                let mut unique: Vec<usize> = Vec::new();
                let st = &stories[story_of[i]];
                if st.members.len() < 2 {
                    return (Vec::new(), unique, Vec::new());
                }
                // The rows' `shared_with` lists, one after the other in `flat`
                // (a buffer of the thread, copied into one shared allocation
                // for the article); `rows` holds (sentence, fact, kind, where
                // its list starts).
                flat.clear();
                let mut rows: Vec<(usize, usize, &'static str, usize)> =
                    Vec::with_capacity(fact_of[i].len());
                for (si, f) in fact_of[i].iter().enumerate() {
                    let Some(f) = f else { continue };
                    let ms = &matches_of[i][si];
                    let kind = if ms.iter().any(|m| m.2 == MatchKind::Shared) {
                        "shared"
                    } else if ms.is_empty() {
                        "unique"
                    } else {
                        "paraphrase"
                    };
                    if kind == "unique" {
                        unique.push(si);
                    }
                    with.clear();
                    with.extend(ms.iter().map(|m| m.0));
                    with.sort_unstable();
                    with.dedup();
                    rows.push((si, *f, kind, flat.len()));
                    flat.extend_from_slice(with);
                }
                let all: Arc<[usize]> = Arc::from(&flat[..]);
                let alignment: Vec<SentenceAlignment> = rows
                    .iter()
                    .enumerate()
                    .map(|(k, &(si, f, kind, at))| SentenceAlignment {
                        story_id: st.id.clone(),
                        article: i,
                        sentence: si,
                        fact_id: st.facts[f].id.clone(),
                        kind,
                        shared_with: SharedList::part(
                            &all,
                            at,
                            rows.get(k + 1).map_or(all.len(), |r| r.3),
                        ),
                        reported_by: st.facts[f].reported_by,
                    })
                    .collect();
                // The facts this article reports (sorted, unique).
                mine.clear();
                mine.extend(fact_of[i].iter().flatten());
                mine.sort_unstable();
                mine.dedup();
                let missing = widely[story_of[i]]
                    .iter()
                    .filter(|(f, _)| mine.binary_search(f).is_err())
                    .map(|(f, text)| MissingFact {
                        fact_id: st.facts[*f].id.clone(),
                        text: text.clone(),
                        reported_by: st.facts[*f].reported_by,
                    })
                    .collect();
                (alignment, unique, missing)
            },
        )
        .collect();
    let mut alignment: Vec<SentenceAlignment> =
        Vec::with_capacity(per_rows.iter().map(|r| r.0.len()).sum());
    for (pa, (rows, unique, missing)) in per_article.iter_mut().zip(per_rows) {
        alignment.extend(rows);
        pa.unique_sentences = unique;
        pa.missing_facts = missing;
    }

    // Flags and reliability: each article on its own (in parallel).
    per_article
        .par_iter_mut()
        .zip(flags.par_iter_mut())
        .enumerate()
        .for_each(|(i, (pa, f))| {
            let s = &articles[i];
            let an = &s.analysis;
            let a = &an.article;
            let d = &digests[i];
            let st = &stories[story_of[i]];

            // date_mismatch
            let mut date_reasons = Vec::new();
            if let (Some(p), Some(date)) = (&a.published, d.date) {
                date_reasons.extend(dates::evidence_weekday(&p.evidence, date));
                date_reasons.extend(dates::body_weekday_dates(&a.body, date));
                let ranges: Vec<(usize, usize)> = an
                    .layout
                    .sentences
                    .iter()
                    .map(|x| (x.start, x.end))
                    .collect();
                date_reasons.extend(dates::body_later_months(&a.body, &ranges, date));
                let others: Vec<NaiveDate> = st
                    .members
                    .iter()
                    .filter(|&&j| j != i)
                    .filter_map(|&j| digests[j].date)
                    .collect();
                date_reasons.extend(dates::story_mismatch(date, &others, opts.window_days));
            }
            if !date_reasons.is_empty() {
                f.insert("date_mismatch", date_reasons.join(" / "));
            }

            // headline_more_loaded_than_body
            let body_loaded = an
                .spans
                .iter()
                .filter(|x| x.category == Category::LoadedLanguage)
                .count();
            if d.title_loaded > 0 && d.title_words > 0 {
                let tr = d.title_loaded as f64 / d.title_words as f64;
                let br = if an.words == 0 {
                    0.0
                } else {
                    body_loaded as f64 / an.words as f64
                };
                if tr > br {
                    f.insert(
                        "headline_more_loaded_than_body",
                        format!(
                            "{} loaded span(s) in {} headline words vs {} in {} body words",
                            d.title_loaded, d.title_words, body_loaded, an.words
                        ),
                    );
                }
            }

            // no_attribution
            let attributed = attributed_sentences(s);
            if attributed.is_empty() && !an.layout.sentences.is_empty() {
                f.insert(
                    "no_attribution",
                    "no sentence attributes anything to anyone".into(),
                );
            }

            // A copy: two or more narrative sentences near-identical to an
            // article that was published earlier or credits a wire service.
            // unattributed_copy: a copy that credits no wire and does not name
            // that outlet.
            let mut is_copy = false;
            let mut body_lc: Option<String> = None;
            for &pi in &pairs_of[i] {
                let p = &pair_rows[pi];
                let other = if p.a == i { p.b } else { p.a };
                // Copied narrative, not the same quotation quoted twice.
                let copied = pair_aligned[pi]
                    .matches
                    .iter()
                    .filter(|m| m.kind == MatchKind::Shared)
                    .filter(|m| d.quoted_share[if p.a == i { m.a } else { m.b }] < 0.5)
                    .count();
                if copied < COPY_MIN_SENTENCES {
                    continue;
                }
                let od = &digests[other];
                let earlier = matches!((od.date, d.date), (Some(x), Some(y)) if x < y);
                if !(od.wire || earlier) {
                    continue;
                }
                is_copy = true;
                let named = od.outlet.chars().count() >= 3
                    && body_lc
                        .get_or_insert_with(|| a.body.to_lowercase())
                        .contains(&od.outlet.to_lowercase());
                if !d.wire && !named {
                    let a_other = &articles[other].analysis.article;
                    f.entry("unattributed_copy").or_insert_with(|| {
                        format!(
                            "{} sentences near-identical to {} ({}) with no credit",
                            copied,
                            a_other.id,
                            if od.outlet.is_empty() {
                                "unknown outlet"
                            } else {
                                &od.outlet
                            }
                        )
                    });
                }
            }

            // spam_links, no_byline
            if !a.junk.spam_links.is_empty() {
                f.insert(
                    "spam_links",
                    format!(
                        "{} spam link(s) around the article",
                        a.junk.spam_links.len()
                    ),
                );
            }
            if !d.byline {
                f.insert("no_byline", "no author is credited".into());
            }

            for (name, _) in FLAG_NAMES {
                if let Some(r) = f.get(name) {
                    pa.flags.push(name.to_string());
                    // `;` separates list items in the exports.
                    pa.flag_details
                        .push(format!("{name}: {}", r.replace(';', ",")));
                }
            }

            let cover = Ranges::new(an.layout.quotes.iter().map(|q| (q.start, q.end)));
            let loaded_outside = an
                .spans
                .iter()
                .filter(|x| x.category == Category::LoadedLanguage)
                .filter(|x| !cover.covers_range(x.start, x.end))
                .count();
            let count = |c: Category| an.spans.iter().filter(|x| x.category == c).count();
            let inputs = reliability::Inputs {
                sentences: an.layout.sentences.len(),
                attributed_sentences: attributed.len(),
                named_sources: count(Category::NamedSource),
                anonymous_sources: count(Category::AnonymousSource),
                wire_credit: d.wire,
                byline: d.byline,
                is_copy,
                date: match (d.date, f.contains_key("date_mismatch")) {
                    (None, _) => reliability::DateState::Missing,
                    (Some(_), true) => reliability::DateState::Mismatch,
                    (Some(_), false) => reliability::DateState::Consistent,
                },
                quote_share: an.value("quote_share").unwrap_or(0.0),
                spam_links: a.junk.spam_links.len(),
                loaded_outside_quotes: loaded_outside,
                words: an.words,
                flags: pa.flags.clone(),
            };
            let (score, comps) = reliability::index(&inputs);
            pa.reliability_score = Some(score);
            pa.reliability_components = comps;
            pa.reliability_inputs = Some(inputs);
            if let Some(r) = &opts.source_ratings {
                if let Some(rt) = r.lookup(
                    a.url.as_deref(),
                    a.outlet.as_ref().map(|o| o.value.as_str()),
                ) {
                    pa.source_rating_disagrees = ratings::disagrees(rt, score);
                    pa.source_rating = Some(rt.clone());
                }
            }
        });

    // Story summaries.
    let summaries: Vec<StorySummary> = stories
        .iter()
        .enumerate()
        .map(|(si, st)| {
            let mut outlets: Vec<String> = Vec::new();
            for &i in &st.members {
                let o = &digests[i].outlet;
                if !o.is_empty() && !outlets.contains(o) {
                    outlets.push(o.clone());
                }
            }
            let ds: Vec<NaiveDate> = st.members.iter().filter_map(|&i| digests[i].date).collect();
            let need = widely_reported_min(st.members.len());
            let first = &articles[st.members[0]].analysis.article;
            StorySummary {
                story_id: st.id.to_string(),
                method: st.method.to_string(),
                members: st.members.clone(),
                outlets,
                first_published: ds.iter().min().map(|d| d.format("%Y-%m-%d").to_string()),
                last_published: ds.iter().max().map(|d| d.format("%Y-%m-%d").to_string()),
                title: first
                    .title
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
                wire_credited: st.members.iter().filter(|&&i| digests[i].wire).count(),
                shared_facts: st.facts.iter().filter(|f| f.reported_by >= 2).count(),
                widely_reported_facts: if st.members.len() >= 2 {
                    st.facts.iter().filter(|f| f.reported_by >= need).count()
                } else {
                    0
                },
                quotes: st.clusters.len(),
                shared_quotes: st
                    .clusters
                    .iter()
                    .filter(|cl| cl.iter().map(|x| x.0).collect::<BTreeSet<_>>().len() >= 2)
                    .count(),
                speaker_conflicts: conflicts_in[si],
                date_mismatches: st
                    .members
                    .iter()
                    .filter(|&&i| per_article[i].flags.iter().any(|f| f == "date_mismatch"))
                    .count(),
                main_actors: main_actors[si].clone(),
            }
        })
        .collect();

    // The digests hold many small allocations: freed in parallel.
    digests.into_par_iter().for_each(drop);
    Comparison {
        articles,
        per_article,
        stories: summaries,
        pairs: pair_rows,
        alignment,
        quotes: quote_rows,
        actor_labels: label_rows,
    }
}

/// Merge speaker groups that share an article; renumber groups 0.. in
/// order of first appearance.
fn merge_groups_by_article(groups: &[Option<usize>], cl: &[(usize, usize)]) -> Vec<Option<usize>> {
    let n = groups.iter().flatten().max().map(|g| g + 1).unwrap_or(0);
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while p[r] != r {
            r = p[r];
        }
        p[x] = r;
        r
    }
    let mut first_of_article: BTreeMap<usize, usize> = BTreeMap::new();
    for (k, g) in groups.iter().enumerate() {
        if let Some(g) = g {
            match first_of_article.get(&cl[k].0) {
                Some(&h) => {
                    let (a, b) = (find(&mut parent, h), find(&mut parent, *g));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
                None => {
                    first_of_article.insert(cl[k].0, *g);
                }
            }
        }
    }
    let mut renum: BTreeMap<usize, usize> = BTreeMap::new();
    groups
        .iter()
        .map(|g| {
            g.map(|g| {
                let r = find(&mut parent, g);
                let next = renum.len();
                *renum.entry(r).or_insert(next)
            })
        })
        .collect()
}

/// Articles needed for a fact to be widely reported in a story of `n`.
fn widely_reported_min(n: usize) -> usize {
    ((n as f64 * WIDELY_REPORTED_SHARE).ceil() as usize).max(2)
}

/// Sentences with an attribution, a named or anonymous source, or a quote
/// whose speaker is named (sorted, unique).
fn attributed_sentences(s: &Scored) -> Vec<usize> {
    let an = &s.analysis;
    let mut out: Vec<usize> = an
        .spans
        .iter()
        .filter(|x| {
            matches!(
                x.category,
                Category::Attribution | Category::NamedSource | Category::AnonymousSource
            )
        })
        .map(|x| x.sentence)
        .collect();
    out.extend(
        an.layout
            .quotes
            .iter()
            .filter(|q| q.speaker.is_some())
            .map(|q| q.sentence),
    );
    // A sorted, unique list (a set's worth without a tree's nodes).
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_point_walk_agrees_with_covers_point() {
        // A small fixed-seed generator: random ranges (overlapping, nested,
        // empty) and points mostly increasing, sometimes going back.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m) as usize
        };
        for _ in 0..300 {
            let n = next(8);
            let rs: Vec<(usize, usize)> = (0..n)
                .map(|_| {
                    let a = next(60);
                    (a, a + next(12))
                })
                .collect();
            let r = Ranges::new(rs.iter().copied());
            let mut w = PointWalk::default();
            let mut p = 0;
            for _ in 0..40 {
                p = if next(10) == 0 { next(70) } else { p + next(4) };
                let plain = rs.iter().any(|&(a, b)| a <= p && p < b);
                assert_eq!(r.covers_point(p), plain);
                assert_eq!(r.covers_point_walk(p, &mut w), plain, "{rs:?} {p}");
            }
        }
    }

    #[test]
    fn body_words_are_the_words_of_each_sentence() {
        let body = "Leader Anna Kovar’s aides met. “It’s late,” Marsh said — 3.5%! Ünal's café";
        let (a, b) = (body.find("“").unwrap(), body.find("Ünal").unwrap());
        let sents = [(0, a - 1), (a, b - 1), (b, body.len())];
        let segs = sents.iter().enumerate().flat_map(|(si, &(x, y))| {
            body[x..y]
                .unicode_word_indices()
                .map(move |(o, w)| (si, x + o, w))
        });
        // Used buffers: cleared first.
        let mut used = BodyWords::default();
        used.vocab.intern("stale");
        used.at.extend([0, 7]);
        used.words.push(BodyWord {
            start: 1,
            end: 2,
            cap: true,
            id: 0,
        });
        let bw = BodyWords::new(0, sents.len() + 1, segs, used);
        assert_eq!(bw.of(sents.len()).len(), 0);
        for (si, &(x, y)) in sents.iter().enumerate() {
            let got: Vec<(usize, &str, &str)> = bw
                .of(si)
                .iter()
                .map(|w| (w.start - x, &body[w.start..w.end], bw.norm(w)))
                .collect();
            let want: Vec<(usize, &str, String)> = tokens::words(&body[x..y])
                .into_iter()
                .map(|w| (w.start, w.raw, w.norm.into_owned()))
                .collect();
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                assert_eq!((g.0, g.1, g.2), (w.0, w.1, w.2.as_str()));
            }
            for w in bw.of(si) {
                assert_eq!(w.cap, body[w.start..].starts_with(char::is_uppercase));
            }
        }
    }

    #[test]
    fn shared_strings_and_lists_read_and_serialise_as_their_parts() {
        let id = SharedStr::from("s0001-f002");
        let copy = id.clone();
        assert_eq!(copy, "s0001-f002");
        assert_eq!(copy.as_str(), "s0001-f002");
        assert_eq!(format!("{copy} {copy:?}"), "s0001-f002 \"s0001-f002\"");
        assert_eq!(serde_json::to_string(&copy).unwrap(), "\"s0001-f002\"");
        let all: Arc<[usize]> = vec![1, 4, 7, 9].into();
        let parts = [(0, 2), (2, 2), (2, 4)];
        let lists: Vec<SharedList> = parts
            .iter()
            .map(|&(a, b)| SharedList::part(&all, a, b))
            .collect();
        for (l, &(a, b)) in lists.iter().zip(&parts) {
            assert_eq!(&**l, &all[a..b]);
            assert_eq!(l, &SharedList::from(all[a..b].to_vec()));
            assert_eq!(format!("{l:?}"), format!("{:?}", &all[a..b]));
            assert_eq!(
                serde_json::to_string(l).unwrap(),
                serde_json::to_string(&all[a..b]).unwrap()
            );
        }
        assert!(lists[2].contains(&9) && !lists[0].contains(&9));
    }

    #[test]
    fn range_questions_agree_with_a_scan() {
        let rs = [
            (3, 9),
            (3, 5),
            (4, 9),
            (10, 20),
            (12, 14),
            (12, 14),
            (30, 31),
        ];
        let r = Ranges::new(rs.iter().copied());
        for a in 0..35 {
            for b in a..35 {
                let overlap = rs.iter().any(|&(x, y)| x < b && a < y);
                assert_eq!(r.any_overlap(a, b), overlap, "overlap {a}..{b}");
                let inside = rs
                    .iter()
                    .any(|&(x, y)| x <= a && b <= y && (y - x) > (b - a));
                assert_eq!(r.strictly_inside_another(a, b), inside, "inside {a}..{b}");
            }
        }
    }

    #[test]
    fn quote_cover_and_sentence_lookup_agree_with_a_scan() {
        // Overlapping and nested quote ranges, touching sentence ranges.
        let quotes = [(5, 9), (7, 20), (30, 31), (40, 60), (42, 45)];
        let cover = Ranges::new(quotes.iter().copied());
        for p in 0..70 {
            let naive = quotes.iter().any(|q| q.0 <= p && p < q.1);
            assert_eq!(cover.covers_point(p), naive, "point {p}");
            for b in p..70 {
                let naive = quotes.iter().any(|q| q.0 <= p && b <= q.1);
                assert_eq!(cover.covers_range(p, b), naive, "range {p}..{b}");
            }
        }
        let sents = [(0, 10), (10, 25), (27, 40), (50, 51)];
        for p in 0..60 {
            let naive = sents.iter().find(|r| r.0 <= p && p <= r.1).copied();
            assert_eq!(sent_of(&sents, p), naive, "pos {p}");
        }
    }
}
