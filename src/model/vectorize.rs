//! Turning a sentence into the classifier's feature vector.
//!
//! Takes: word tokens (from [`super::terms`]) and the per-sentence lexical
//! counts of the feature schema.
//! Gives: a bounded, sorted n-gram [`Vocab`] with TF-IDF weighting
//! (sublinear tf, smoothed idf, l2 norm), a [`BiasPrior`] learned from
//! annotators' marked words, and the fixed list of "extra" dense features
//! ([`extra_names`], [`extras`]): scaled schema counts, sentence length and
//! bias-prior summaries.

use super::terms::{self, FxMap};
use crate::schema;

/// A bounded n-gram vocabulary with inverse document frequencies.
///
/// Terms are sorted alphabetically, so term indices (and the model file)
/// do not depend on hash order.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Vocab {
    /// Whether bigrams (`"a b"`) are terms besides unigrams.
    pub bigrams: bool,
    /// Terms, sorted.
    pub terms: Vec<String>,
    /// `ln((1 + n) / (1 + df)) + 1` per term (n = training documents).
    pub idf: Vec<f32>,
    #[serde(skip)]
    index: FxMap<String, u32>,
    /// Every word that is a unigram term or half of a bigram term -> its
    /// word id (the lookup index of [`Vocab::tfidf_into`]).
    #[serde(skip)]
    words: FxMap<Box<str>, u32>,
    /// Word id -> the id of the unigram term it is, or [`NO_ID`].
    #[serde(skip)]
    word_term: Vec<u32>,
    /// `(first word id, second word id)` -> bigram term id.
    #[serde(skip)]
    pairs: PairMap,
    /// Word id -> [`PAIR_FIRST`] | [`PAIR_SECOND`]: whether the word is the
    /// first / second word of some bigram term (most word pairs are not
    /// looked up in `pairs` at all).
    #[serde(skip)]
    pair_roles: Vec<u8>,
    /// Term id -> [`terms::is_uninformative`] of the term.
    #[serde(skip)]
    uninformative: Vec<bool>,
    /// Word id -> `word_term` and `pair_roles` side by side (one load per
    /// token in [`Vocab::tfidf_from_words`]).
    #[serde(skip)]
    word_info: Vec<(u32, u8)>,
}

/// "No such word or term" in [`Vocab`]'s lookup tables.
pub(crate) const NO_ID: u32 = u32::MAX;
const PAIR_FIRST: u8 = 1;
const PAIR_SECOND: u8 = 2;

fn pair_key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// The bigram table of [`Vocab`]: pair keys ([`pair_key`]) -> term id, by
/// open addressing with linear probing, at most half full. A lookup is a
/// multiply and a load or two (most lookups of a text miss: word pairs
/// that are not a term).
#[derive(Debug, Clone, Default)]
struct PairMap {
    /// `(key, term id)`; key `u64::MAX` (no pair of word ids, which are
    /// below `NO_ID`) marks a free slot.
    slots: Vec<(u64, u32)>,
    len: usize,
}

const FREE_PAIR: u64 = u64::MAX;

impl PairMap {
    #[inline]
    fn home(&self, k: u64) -> usize {
        // The high bits of the product depend on every key bit; the table
        // length is a power of two.
        (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & (self.slots.len() - 1)
    }

    #[inline]
    fn get(&self, k: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(k);
        loop {
            let (key, v) = self.slots[i];
            if key == k {
                return Some(v);
            }
            if key == FREE_PAIR {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Set the term of a pair (a later insert of the same pair wins).
    fn insert(&mut self, k: u64, v: u32) {
        if 2 * (self.len + 1) > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![(FREE_PAIR, 0); (2 * old.len()).max(16)];
            self.len = 0;
            for (key, v) in old {
                if key != FREE_PAIR {
                    self.insert(key, v);
                }
            }
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(k);
        loop {
            let slot = &mut self.slots[i];
            if slot.0 == k || slot.0 == FREE_PAIR {
                if slot.0 == FREE_PAIR {
                    self.len += 1;
                }
                *slot = (k, v);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.slots.iter().map(|s| s.0).filter(|&k| k != FREE_PAIR)
    }
}

impl Vocab {
    /// Build from tokenised training documents: keep terms with document
    /// frequency ≥ `min_df`, then the `max_terms` most frequent (ties broken
    /// alphabetically), then sort.
    pub fn build(docs: &[Vec<String>], bigrams: bool, min_df: u32, max_terms: usize) -> Vocab {
        let mut df: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
        let mut buf = String::new();
        let mut seen: Vec<String> = Vec::new();
        for d in docs {
            seen.clear();
            terms::for_each_term(d, bigrams, &mut buf, |t| seen.push(t.to_string()));
            seen.sort_unstable();
            seen.dedup();
            for t in seen.drain(..) {
                *df.entry(t).or_insert(0) += 1;
            }
        }
        let mut kept: Vec<(String, u32)> = df.into_iter().filter(|(_, c)| *c >= min_df).collect();
        kept.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        kept.truncate(max_terms);
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        let n = docs.len() as f64;
        let idf = kept
            .iter()
            .map(|(_, c)| (((1.0 + n) / (1.0 + f64::from(*c))).ln() + 1.0) as f32)
            .collect();
        let mut v = Vocab {
            bigrams,
            terms: kept.into_iter().map(|(t, _)| t).collect(),
            idf,
            ..Vocab::default()
        };
        v.reindex();
        v
    }

    /// Rebuild the lookup index (needed after deserialising).
    pub fn reindex(&mut self) {
        self.index = self
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        // Token-level tables: a unigram term matches a token equal to it; a
        // bigram term `"a b"` (split at its first space) matches tokens
        // `a`, `b` in a row, since a token never contains a space. Later
        // duplicates win, as in `index`.
        self.words = FxMap::default();
        self.word_term.clear();
        self.pairs = PairMap::default();
        let word = |w: &str, words: &mut FxMap<Box<str>, u32>, wt: &mut Vec<u32>| -> u32 {
            if let Some(&id) = words.get(w) {
                return id;
            }
            let id = wt.len() as u32;
            words.insert(w.into(), id);
            wt.push(NO_ID);
            id
        };
        for (i, t) in self.terms.iter().enumerate() {
            match t.split_once(' ') {
                None => {
                    let w = word(t, &mut self.words, &mut self.word_term);
                    self.word_term[w as usize] = i as u32;
                }
                Some((a, b)) => {
                    let wa = word(a, &mut self.words, &mut self.word_term);
                    let wb = word(b, &mut self.words, &mut self.word_term);
                    self.pairs.insert(pair_key(wa, wb), i as u32);
                }
            }
        }
        self.pair_roles = vec![0; self.word_term.len()];
        for k in self.pairs.keys() {
            self.pair_roles[(k >> 32) as usize] |= PAIR_FIRST;
            self.pair_roles[(k & 0xffff_ffff) as usize] |= PAIR_SECOND;
        }
        self.word_info = self
            .word_term
            .iter()
            .copied()
            .zip(self.pair_roles.iter().copied())
            .collect();
        self.uninformative = self
            .terms
            .iter()
            .map(|t| terms::is_uninformative(t))
            .collect();
    }

    /// Whether term `id` is made only of function words or numbers
    /// ([`terms::is_uninformative`]).
    pub fn is_uninformative(&self, id: u32) -> bool {
        match self.uninformative.get(id as usize) {
            Some(&u) => u,
            None => terms::is_uninformative(&self.terms[id as usize]),
        }
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the vocabulary is empty.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Index of a term.
    pub fn get(&self, term: &str) -> Option<u32> {
        self.index.get(term).copied()
    }

    /// TF-IDF vector of a token sequence as sorted `(term index, value)`
    /// pairs: `(1 + ln tf) * idf`, then scaled to unit l2 norm.
    pub fn tfidf_into(&self, toks: &[String], scratch: &mut TermBufs, out: &mut Vec<(u32, f32)>) {
        let mut words = std::mem::take(&mut scratch.words);
        self.word_ids_into(toks, &mut words);
        self.tfidf_from_words(&words, scratch, out);
        scratch.words = words;
    }

    /// Each token's word id ([`Vocab::word_id`], `NO_ID` when unknown),
    /// into `out` (cleared first).
    pub(crate) fn word_ids_into(&self, toks: &[String], out: &mut Vec<u32>) {
        out.clear();
        out.extend(toks.iter().map(|t| self.word_id(t).unwrap_or(NO_ID)));
    }

    /// The word id of a token (a unigram term or half of a bigram term).
    pub(crate) fn word_id(&self, tok: &str) -> Option<u32> {
        self.words.get(tok).copied()
    }

    /// Every word of the lookup index with its word id (see [`Vocab::word_id`]).
    pub(crate) fn word_ids(&self) -> impl Iterator<Item = (&str, u32)> {
        self.words.iter().map(|(w, &i)| (&**w, i))
    }

    /// The unigram term a word id stands for ([`Vocab::word_id`]), if any:
    /// for a token, the same as [`Vocab::get`] of its text.
    pub(crate) fn unigram_of_word(&self, w: u32) -> Option<u32> {
        match self.word_term.get(w as usize) {
            Some(&t) if t != NO_ID => Some(t),
            _ => None,
        }
    }

    /// [`Vocab::tfidf_into`] of a token sequence given as word ids (one per
    /// token, [`NO_ID`] for a token outside the vocabulary); `scratch.dense`
    /// is used (`scratch.words` is not).
    pub(crate) fn tfidf_from_words(
        &self,
        words: &[u32],
        scratch: &mut TermBufs,
        out: &mut Vec<(u32, f32)>,
    ) {
        out.clear();
        let d = &mut scratch.dense;
        d.fit(self.terms.len());
        // The same multiset of term ids as looking up every term of
        // `terms::for_each_term`, without building the bigram strings,
        // counted per term id instead of collected and sorted.
        // One pass: each token's unigram term, and the bigram term of it
        // and the token before (looked up only when that one can start a
        // bigram term and this one can end one).
        let mut prev = NO_ID;
        let mut prev_first = false;
        for &w in words {
            if w == NO_ID {
                prev = NO_ID;
                continue;
            }
            let (term, roles) = self.word_info[w as usize];
            if term != NO_ID {
                d.add(term);
            }
            if self.bigrams && prev != NO_ID && prev_first && roles & PAIR_SECOND != 0 {
                if let Some(i) = self.pairs.get(pair_key(prev, w)) {
                    d.add(i);
                }
            }
            prev = w;
            prev_first = roles & PAIR_FIRST != 0;
        }
        let mut norm = 0.0f32;
        // `(1 + ln tf) * idf`, by ascending term id; most terms occur once
        // in a sentence, and `1 + ln 1` is exactly 1, so skip the logarithm
        // then.
        d.drain(|id, tf| {
            let idf = self.idf[id as usize];
            let v = if tf == 1 {
                idf
            } else {
                (1.0 + ln_small(tf as usize)) * idf
            };
            norm += v * v;
            out.push((id, v));
        });
        if norm > 0.0 {
            let inv = 1.0 / norm.sqrt();
            for (_, v) in out.iter_mut() {
                *v *= inv;
            }
        }
    }
}

/// `ln(n)` of a small count, as `(n as f32).ln()` gives it (looked up for
/// the counts that are common in sentences and articles).
fn ln_small(n: usize) -> f32 {
    static LN: std::sync::LazyLock<[f32; 64]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|i| (i as f32).ln()));
    match LN.get(n) {
        Some(&v) => v,
        None => (n as f32).ln(),
    }
}

/// Buffers of [`Vocab::tfidf_into`].
#[derive(Debug, Default, Clone)]
pub struct TermBufs {
    pub buf: String,
    /// Word id per token (see [`Vocab::tfidf_into`]).
    pub words: Vec<u32>,
    /// Per-term counts (see `Vocab::tfidf_from_words`).
    pub dense: DenseCounts,
}

/// A count per term id, and a two-level bit set of the ids counted (a bit
/// per id, and a bit per 64-id block), all zero between uses: the ids
/// counted are read back in ascending order without sorting them and
/// without scanning the whole table, so a sentence costs about as much as
/// its number of terms.
#[derive(Debug, Default, Clone)]
pub struct DenseCounts {
    counts: Vec<u32>,
    bits: Vec<u64>,
    blocks: Vec<u64>,
}

impl DenseCounts {
    /// Make room for term ids `0..n`.
    fn fit(&mut self, n: usize) {
        if self.counts.len() < n {
            self.counts.resize(n, 0);
            self.bits.resize(n.div_ceil(64), 0);
            self.blocks.resize(n.div_ceil(64 * 64), 0);
        }
    }

    /// Count one occurrence of `id` (below the `n` of [`DenseCounts::fit`]).
    #[inline]
    fn add(&mut self, id: u32) {
        let i = id as usize;
        self.counts[i] += 1;
        self.bits[i >> 6] |= 1u64 << (i & 63);
        self.blocks[i >> 12] |= 1u64 << ((i >> 6) & 63);
    }

    /// Call `f(id, count)` for every id counted, in ascending id order,
    /// and reset the table to zero.
    fn drain(&mut self, mut f: impl FnMut(u32, u32)) {
        for (bi, block) in self.blocks.iter_mut().enumerate() {
            let mut b = std::mem::take(block);
            while b != 0 {
                let wi = (bi << 6) | b.trailing_zeros() as usize;
                b &= b - 1;
                let mut w = std::mem::take(&mut self.bits[wi]);
                while w != 0 {
                    let id = (wi << 6) | w.trailing_zeros() as usize;
                    w &= w - 1;
                    f(id as u32, std::mem::take(&mut self.counts[id]));
                }
            }
        }
    }
}

/// Reusable buffers for vectorising many texts without allocating.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    pub toks: Vec<String>,
    /// Token buffers not in use (see [`terms::tokens_reusing`]).
    pub spare: Vec<String>,
    pub terms: TermBufs,
    pub sparse: Vec<(u32, f32)>,
    pub extras: Vec<f32>,
    /// Per token, the position of its stem among the bias prior's stems
    /// (`u32::MAX` for none), shared by the prior features and the
    /// contributions of one sentence.
    pub prior_slots: Vec<u32>,
    /// Scratch of the prior features (a bit set).
    pub slot_tmp: Vec<u64>,
    /// Scratch of the prior features (the known stems' priors).
    pub prior_vals: Vec<f32>,
    /// Scratch of the contributions: (prior, token index) of a sentence's
    /// tokens with a prior.
    pub prior_words: Vec<(f32, u32)>,
    /// Byte offset of each token of an article (when scoring it).
    pub starts: Vec<usize>,
    /// The texts of an article's tokens that have a prior slot, back to
    /// back, and per token its span there (`(0, 0)` for the others): see
    /// `terms::SomeTexts`.
    pub tok_text: String,
    pub tok_spans: Vec<(u32, u32)>,
    /// The token being looked up (see `terms::for_each_token_raw`).
    pub key: String,
    /// Per token of an article, its `WordTable` entry, one vector per
    /// column (`model::W_SENTENCE` ...): a sentence's word ids and prior
    /// slots, and the article's word ids of a head, are then slices as
    /// they stand instead of copies.
    pub lookups: [Vec<u32>; 4],
    /// One column of `lookups` (the word ids of one head).
    pub words: Vec<u32>,
    /// An article's per-term contribution totals, by term id (all zero
    /// between articles), and the term ids set in it.
    pub term_totals: Vec<f64>,
    pub touched: Vec<u32>,
    /// Per-article buffers of `model::score`: each sentence's token range,
    /// all sentences' contributions and each one's range in them, one
    /// sentence's contributions, and the sentences in rank order.
    pub(crate) ranges: Vec<std::ops::Range<usize>>,
    pub(crate) contribs: Vec<(super::heads::TermKey, f64)>,
    pub(crate) spans: Vec<std::ops::Range<usize>>,
    pub(crate) one: Vec<(super::heads::TermKey, f64)>,
    pub(crate) order: Vec<usize>,
}

/// Smoothing of the bias prior: `marked / (occurrences + PRIOR_SMOOTHING)`.
pub const PRIOR_SMOOTHING: f64 = 3.0;

/// A word-level bias prior: for each word stem seen in training, how often
/// annotators marked it as biased when it occurred. Learned from the
/// training rows only (the evaluation folds never see their test rows'
/// marks).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct BiasPrior {
    /// Stems with a non-zero prior, sorted.
    pub stems: Vec<String>,
    /// Prior per stem, in `stems` order.
    pub values: Vec<f32>,
    #[serde(skip)]
    index: FxMap<String, u32>,
    /// Slot -> its position in the slots ordered by descending prior
    /// (ties by slot), and the priors in that order (see
    /// [`BiasPrior::features_from_slots`]).
    #[serde(skip)]
    rank: Vec<u32>,
    #[serde(skip)]
    ranked: Vec<f32>,
}

impl BiasPrior {
    /// Learn from training sentences (`docs`) and the tokens annotators
    /// marked in each (`marked`, same length).
    pub fn build(docs: &[Vec<String>], marked: &[Vec<String>]) -> BiasPrior {
        use std::collections::{BTreeMap, BTreeSet};
        let mut occ: BTreeMap<String, u32> = BTreeMap::new();
        let mut hit: BTreeMap<String, u32> = BTreeMap::new();
        for (d, m) in docs.iter().zip(marked) {
            let stems: BTreeSet<&str> = d.iter().map(|t| terms::stem(t)).collect();
            for s in &stems {
                *occ.entry((*s).to_string()).or_insert(0) += 1;
            }
            let ms: BTreeSet<&str> = m.iter().map(|t| terms::stem(t)).collect();
            for s in ms.intersection(&stems) {
                *hit.entry((*s).to_string()).or_insert(0) += 1;
            }
        }
        let mut p = BiasPrior::default();
        for (s, h) in hit {
            let o = occ.get(&s).copied().unwrap_or(0);
            p.values
                .push((f64::from(h) / (f64::from(o) + PRIOR_SMOOTHING)) as f32);
            p.stems.push(s);
        }
        p.reindex();
        p
    }

    /// Rebuild the lookup index (needed after deserialising).
    pub fn reindex(&mut self) {
        // Stem -> its position; a later duplicate stem wins.
        let n = self.stems.len().min(self.values.len());
        self.index = self.stems[..n]
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (self.values[a as usize], self.values[b as usize]);
            y.total_cmp(&x).then(a.cmp(&b))
        });
        self.rank = vec![0; n];
        for (r, &slot) in order.iter().enumerate() {
            self.rank[slot as usize] = r as u32;
        }
        self.ranked = order.iter().map(|&i| self.values[i as usize]).collect();
    }

    /// Every stem of the lookup index with its slot (what
    /// [`BiasPrior::slot`] finds for a token with that stem).
    pub(crate) fn stem_slots(&self) -> impl Iterator<Item = (&str, u32)> {
        self.index.iter().map(|(s, &i)| (s.as_str(), i))
    }

    /// Prior of one token (0 when never marked).
    pub fn of(&self, tok: &str) -> f32 {
        self.slot(tok).map_or(0.0, |i| self.values[i as usize])
    }

    /// Position in `stems` of the token's stem, if the prior knows it.
    pub(crate) fn slot(&self, tok: &str) -> Option<u32> {
        self.index.get(terms::stem(tok)).copied()
    }

    /// The summary features of a token sequence, in [`PRIOR_FEATURES`]
    /// order: the three largest distinct-stem priors, how many stems exceed
    /// 0.2 and 0.4, and their sum.
    pub fn features(&self, toks: &[String], out: &mut Vec<f32>) {
        let mut slots = Vec::new();
        self.slots_into(toks, &mut slots);
        self.features_from_slots(&slots, &mut Vec::new(), &mut Vec::new(), out);
    }

    /// Per token, the position of its stem in `stems`, or [`NO_SLOT`].
    pub(crate) fn slots_into(&self, toks: &[String], out: &mut Vec<u32>) {
        out.clear();
        out.extend(toks.iter().map(|t| self.slot(t).unwrap_or(NO_SLOT)));
    }

    /// The prior of a slot from [`BiasPrior::slots_into`] (0 for none).
    pub(crate) fn value_of_slot(&self, slot: u32) -> f32 {
        self.values.get(slot as usize).copied().unwrap_or(0.0)
    }

    /// [`BiasPrior::features`] from the tokens' slots; `tmp` and `vals` are
    /// scratch.
    pub(crate) fn features_from_slots(
        &self,
        slots: &[u32],
        tmp: &mut Vec<u64>,
        vals: &mut Vec<f32>,
        out: &mut Vec<f32>,
    ) {
        // One value per distinct known stem (a stem's slot identifies it),
        // largest first: the slots' ranks by prior, marked in a bit set and
        // read back in order, give the values already sorted (equal values
        // are equal bits, so their order among themselves does not matter).
        vals.clear();
        // Few known tokens (the usual sentence): their ranks sorted and
        // deduplicated directly, instead of a pass over the whole bit set.
        let mut few = [0u32; SMALL_SLOTS];
        let mut k = 0;
        for &i in slots {
            if i != NO_SLOT {
                if k == SMALL_SLOTS {
                    k = usize::MAX;
                    break;
                }
                few[k] = self.rank[i as usize];
                k += 1;
            }
        }
        if k != usize::MAX {
            let few = &mut few[..k];
            few.sort_unstable();
            let mut last = u32::MAX;
            for &r in few.iter() {
                if r != last {
                    vals.push(self.ranked[r as usize]);
                    last = r;
                }
            }
        } else {
            let n = self.rank.len();
            if tmp.len() < n.div_ceil(64) {
                tmp.resize(n.div_ceil(64), 0);
            }
            for &i in slots {
                if i != NO_SLOT {
                    let r = self.rank[i as usize] as usize;
                    tmp[r >> 6] |= 1u64 << (r & 63);
                }
            }
            for (wi, word) in tmp.iter_mut().enumerate() {
                let mut w = std::mem::take(word);
                while w != 0 {
                    vals.push(self.ranked[(wi << 6) | w.trailing_zeros() as usize]);
                    w &= w - 1;
                }
            }
        }
        let g = |i: usize| vals.get(i).copied().unwrap_or(0.0);
        out.push(g(0));
        out.push(g(1));
        out.push(g(2));
        out.push(vals.iter().filter(|v| **v > 0.2).count() as f32);
        out.push(vals.iter().filter(|v| **v > 0.4).count() as f32);
        out.push(vals.iter().sum());
    }
}

/// Known tokens of a sentence up to which [`BiasPrior::features_from_slots`]
/// sorts their ranks instead of using its bit set.
const SMALL_SLOTS: usize = 16;

/// "The prior does not know this token's stem" in [`BiasPrior::slots_into`].
pub(crate) const NO_SLOT: u32 = u32::MAX;

/// Names of the bias-prior summary features.
pub const PRIOR_FEATURES: [&str; 6] = [
    "prior_max1",
    "prior_max2",
    "prior_max3",
    "prior_n_over_0_2",
    "prior_n_over_0_4",
    "prior_sum",
];

/// Names of the extra (non n-gram) features, in vector order:
/// `lex_<id>` for every count feature of the schema, `len_log_words`, and
/// the [`PRIOR_FEATURES`] when the model has a bias prior.
pub fn extra_names(with_prior: bool) -> Vec<String> {
    let mut v: Vec<String> = schema::count_features()
        .map(|f| format!("lex_{}", f.id))
        .collect();
    v.push("len_log_words".into());
    if with_prior {
        v.extend(PRIOR_FEATURES.iter().map(|s| s.to_string()));
    }
    v
}

/// The extra features of one sentence, before per-feature scaling:
/// `ln(1 + count)` per schema count, `ln(1 + tokens) / 4`, and the prior
/// summaries.
pub fn extras(counts: &[u32], toks: &[String], prior: Option<&BiasPrior>, out: &mut Vec<f32>) {
    extras_base(counts, toks.len(), out);
    if let Some(p) = prior {
        p.features(toks, out);
    }
}

/// The extra features of [`extras`] before the prior summaries.
pub(crate) fn extras_base(counts: &[u32], n_toks: usize, out: &mut Vec<f32>) {
    out.clear();
    static N_COUNTS: std::sync::LazyLock<usize> =
        std::sync::LazyLock::new(|| schema::count_features().count());
    for i in 0..*N_COUNTS {
        // `ln(1 + count)`, exactly as `(1.0 + count as f32).ln()`: the
        // f32 sum of 1 and a small integer is that integer plus one.
        let c = counts.get(i).copied().unwrap_or(0) as usize;
        out.push(if c < 1 << 24 {
            ln_small(c + 1)
        } else {
            (1.0 + c as f32).ln()
        });
    }
    out.push(
        if n_toks < 1 << 24 {
            ln_small(n_toks + 1)
        } else {
            (1.0 + n_toks as f32).ln()
        } / 4.0,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::terms::tokens;

    #[test]
    fn vocab_is_bounded_sorted_and_min_df_filtered() {
        let docs: Vec<Vec<String>> = ["a b c", "a b d", "a e", "f"]
            .iter()
            .map(|s| tokens(s))
            .collect();
        let v = Vocab::build(&docs, true, 2, 100);
        assert_eq!(v.terms, vec!["a", "a b", "b"]);
        let v = Vocab::build(&docs, true, 1, 2);
        // "a" (df 3) then the df-2 terms alphabetically: "a b" before "b".
        assert_eq!(v.terms, vec!["a", "a b"]);
    }

    #[test]
    fn tfidf_is_sublinear_and_unit_norm() {
        let docs: Vec<Vec<String>> = ["x y", "x z", "y"].iter().map(|s| tokens(s)).collect();
        let v = Vocab::build(&docs, false, 1, 10);
        let mut s = TermBufs::default();
        let mut out = Vec::new();
        v.tfidf_into(&tokens("x x y unknown"), &mut s, &mut out);
        assert_eq!(out.len(), 2);
        let norm: f32 = out.iter().map(|(_, x)| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        // x: tf 2 -> 1 + ln 2; y: tf 1 -> 1; both have df 2, same idf.
        let ratio = out[0].1 / out[1].1;
        assert!((ratio - (1.0 + 2f32.ln())).abs() < 1e-4);
    }

    #[test]
    fn token_tables_find_the_same_terms_as_term_strings() {
        // Bigram terms whose words are not unigram terms, and a duplicate.
        let mut v = Vocab {
            bigrams: true,
            terms: ["a", "b c", "c", "c d", "x y", "y", "a"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            idf: vec![1.0, 2.0, 1.5, 1.0, 3.0, 1.0, 1.25],
            ..Vocab::default()
        };
        v.reindex();
        let toks = tokens("a b c d x y y a c");
        let mut s = TermBufs::default();
        let mut out = Vec::new();
        v.tfidf_into(&toks, &mut s, &mut out);
        let want = tfidf_by_sorting(&v, &toks);
        assert_eq!(out.len(), want.len());
        for (a, b) in out.iter().zip(&want) {
            assert_eq!((a.0, a.1.to_bits()), (b.0, b.1.to_bits()));
        }
        let ids: Vec<u32> = out.iter().map(|x| x.0).collect();
        assert!(
            !ids.contains(&0),
            "a duplicate term resolves to its last id"
        );
        assert!(ids.contains(&1) && ids.contains(&4) && ids.contains(&6));
        // "a" twice, "c" twice, "y" twice, "b c", "c d", "x y" once.
        assert_eq!(ids, vec![1, 2, 3, 4, 5, 6]);
    }

    /// `tfidf_from_words` as it was first written: look up every term
    /// string, sort the term ids, then one value per run.
    fn tfidf_by_sorting(v: &Vocab, toks: &[String]) -> Vec<(u32, f32)> {
        let mut ids: Vec<u32> = Vec::new();
        let mut buf = String::new();
        terms::for_each_term(toks, v.bigrams, &mut buf, |t| ids.extend(v.get(t)));
        ids.sort_unstable();
        let mut out: Vec<(u32, f32)> = Vec::new();
        let mut norm = 0.0f32;
        for run in ids.chunk_by(|a, b| a == b) {
            let idf = v.idf[run[0] as usize];
            let tf = run.len();
            let x = if tf == 1 {
                idf
            } else {
                (1.0 + (tf as f32).ln()) * idf
            };
            norm += x * x;
            out.push((run[0], x));
        }
        if norm > 0.0 {
            let inv = 1.0 / norm.sqrt();
            for (_, x) in out.iter_mut() {
                *x *= inv;
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn dense_counts_equal_sorting(
            picks in proptest::collection::vec(0usize..40, 0..400)
        ) {
            // Words w0..w39; terms: every third word and some bigrams.
            let mut terms: Vec<String> = (0..40).step_by(3).map(|i| format!("w{i}")).collect();
            terms.extend((0..40).step_by(4).map(|i| format!("w{i} w{}", (i * 7) % 40)));
            terms.sort();
            let n = terms.len();
            let mut v = Vocab {
                bigrams: true,
                idf: (0..n).map(|i| 1.0 + i as f32 / 7.0).collect(),
                terms,
                ..Vocab::default()
            };
            v.reindex();
            let toks: Vec<String> = picks.iter().map(|i| format!("w{i}")).collect();
            let mut s = TermBufs::default();
            let mut out = Vec::new();
            // Twice, so the dense table is reused after being cleared.
            for _ in 0..2 {
                v.tfidf_into(&toks, &mut s, &mut out);
                let want = tfidf_by_sorting(&v, &toks);
                proptest::prop_assert_eq!(out.len(), want.len());
                for (a, b) in out.iter().zip(&want) {
                    proptest::prop_assert_eq!(a.0, b.0);
                    proptest::prop_assert_eq!(a.1.to_bits(), b.1.to_bits());
                }
            }
        }
    }

    /// The dense counts over several 4096-id blocks, one table shared by a
    /// large and a small vocabulary in turn (as the sentence and frame
    /// heads share a scratch).
    #[test]
    fn dense_counts_equal_sorting_across_blocks_and_vocabularies() {
        let big = {
            let mut terms: Vec<String> = (0..9000).step_by(2).map(|i| format!("w{i}")).collect();
            terms.extend(
                (0..9000)
                    .step_by(3)
                    .map(|i| format!("w{i} w{}", (i * 7 + 1) % 9000)),
            );
            terms.sort();
            let n = terms.len();
            let mut v = Vocab {
                bigrams: true,
                idf: (0..n).map(|i| 1.0 + (i % 97) as f32 / 13.0).collect(),
                terms,
                ..Vocab::default()
            };
            v.reindex();
            v
        };
        let small = {
            let terms: Vec<String> = (0..50).map(|i| format!("w{i}")).collect();
            let mut v = Vocab {
                bigrams: false,
                idf: (0..50).map(|i| 1.0 + i as f32 / 3.0).collect(),
                terms,
                ..Vocab::default()
            };
            v.reindex();
            v
        };
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut s = TermBufs::default();
        let mut out = Vec::new();
        for case in 0..300 {
            let len = (next() % 700) as usize;
            let range = [9000, 60, 12][case % 3];
            let toks: Vec<String> = (0..len).map(|_| format!("w{}", next() % range)).collect();
            for v in [&big, &small] {
                v.tfidf_into(&toks, &mut s, &mut out);
                let want = tfidf_by_sorting(v, &toks);
                assert_eq!(out.len(), want.len());
                for (a, b) in out.iter().zip(&want) {
                    assert_eq!((a.0, a.1.to_bits()), (b.0, b.1.to_bits()));
                }
            }
        }
    }

    /// `features_from_slots` as first written: sort and dedup the slots,
    /// then sort their values.
    fn prior_features_by_sorting(p: &BiasPrior, slots: &[u32]) -> Vec<f32> {
        let mut tmp: Vec<u32> = slots.iter().copied().filter(|&i| i != NO_SLOT).collect();
        tmp.sort_unstable();
        tmp.dedup();
        let mut vals: Vec<f32> = tmp.iter().map(|&i| p.values[i as usize]).collect();
        vals.sort_unstable_by(|a, b| b.total_cmp(a));
        let g = |i: usize| vals.get(i).copied().unwrap_or(0.0);
        vec![
            g(0),
            g(1),
            g(2),
            vals.iter().filter(|v| **v > 0.2).count() as f32,
            vals.iter().filter(|v| **v > 0.4).count() as f32,
            vals.iter().sum(),
        ]
    }

    #[test]
    fn prior_features_by_rank_equal_sorting() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        // 300 stems, few distinct values (many ties), a duplicate stem.
        let mut stems: Vec<String> = (0..300).map(|i| format!("s{i}")).collect();
        stems[7] = "s3".into();
        let values: Vec<f32> = (0..300)
            .map(|_| match next() % 3 {
                0 => (next() % 8) as f32 / 8.0,
                _ => (next() % 1000) as f32 / 997.0,
            })
            .collect();
        let mut p = BiasPrior {
            stems,
            values,
            ..BiasPrior::default()
        };
        p.reindex();
        let (mut tmp, mut vals, mut out) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..2000 {
            let len = (next() % 60) as usize;
            let slots: Vec<u32> = (0..len)
                .map(|_| match next() % 4 {
                    0 => NO_SLOT,
                    _ => p.slot(&format!("s{}", next() % 320)).unwrap_or(NO_SLOT),
                })
                .collect();
            out.clear();
            p.features_from_slots(&slots, &mut tmp, &mut vals, &mut out);
            let want = prior_features_by_sorting(&p, &slots);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&out), bits(&want), "{slots:?}");
        }
    }

    #[test]
    fn small_logarithms_are_the_plain_ones() {
        for n in 0..200usize {
            assert_eq!(ln_small(n).to_bits(), (n as f32).ln().to_bits(), "{n}");
        }
        let mut out = Vec::new();
        extras_base(&[0, 1, 5, 63, 64, 1000, u32::MAX], 17, &mut out);
        for (c, x) in [0u32, 1, 5, 63, 64, 1000, u32::MAX].iter().zip(&out) {
            assert_eq!(x.to_bits(), (1.0 + *c as f32).ln().to_bits());
        }
    }

    #[test]
    fn prior_counts_marks_over_occurrences() {
        let docs: Vec<Vec<String>> = ["the radical plan", "a radical idea", "a plan"]
            .iter()
            .map(|s| tokens(s))
            .collect();
        let marked = vec![tokens("radical"), vec![], vec![]];
        let p = BiasPrior::build(&docs, &marked);
        assert_eq!(p.stems, vec!["radical"]);
        assert!((p.of("radicals") - 1.0 / (2.0 + PRIOR_SMOOTHING as f32)).abs() < 1e-6);
        assert_eq!(p.of("plan"), 0.0);
        let mut f = Vec::new();
        p.features(&tokens("radical radical plan"), &mut f);
        assert_eq!(f.len(), PRIOR_FEATURES.len());
        assert_eq!(f[1], 0.0, "a repeated stem counts once");
    }
}
