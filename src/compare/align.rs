//! Sentence alignment between two articles of a story.
//!
//! Takes: the sentence fingerprints of two articles ([`SentPrint`]).
//! Gives: a one-to-one [`Alignment`] of their sentences, each matched pair
//! classed as [`MatchKind::Shared`] (near-identical: copied text) or
//! [`MatchKind::Paraphrase`] (same content, different wording).
//!
//! Thresholds (documented in `docs/RELIABILITY.md`, "Alignment"):
//! - a sentence needs at least [`MIN_WORDS`] words to be aligned at all;
//! - **shared**: word 3-shingle Jaccard ≥ [`SHARED_JACCARD`], or the shorter
//!   sentence's shingles are ≥ [`SHARED_CONTAINMENT`] contained in the other
//!   and it has at least [`MIN_CONTAINED_SHINGLES`] shingles (a copied
//!   sentence that an editor trimmed or extended);
//! - **paraphrase**: not shared, and content-word Dice ≥ [`PARA_DICE`] with at
//!   least [`PARA_MIN_COMMON`] common content words, or shingle containment
//!   ≥ [`PARA_CONTAINMENT`] (a clause lifted into a new sentence).
//!
//! Pairs are matched greedily, best first (shared before paraphrase, then by
//! score, then by position), so every sentence matches at most one sentence
//! of the other article.

use super::tokens::{intersect, Interner};

/// Sentences shorter than this (in words) are not aligned.
pub const MIN_WORDS: usize = 5;
/// Shingle Jaccard at or above which two sentences are near-identical.
pub const SHARED_JACCARD: f64 = 0.6;
/// Shingle containment at or above which the shorter sentence is copied.
pub const SHARED_CONTAINMENT: f64 = 0.85;
/// Minimum shingles of the shorter sentence for the containment rule.
pub const MIN_CONTAINED_SHINGLES: usize = 6;
/// Content-word Dice at or above which two sentences paraphrase each other.
pub const PARA_DICE: f64 = 0.4;
/// Minimum common content words for a paraphrase.
pub const PARA_MIN_COMMON: usize = 4;
/// Shingle containment at or above which a sentence reuses a clause.
pub const PARA_CONTAINMENT: f64 = 0.4;

/// Fingerprint of one sentence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentPrint {
    /// Word tokens.
    pub words: usize,
    /// The hashed word 3-shingles (sorted, unique), then the hashed
    /// content-word stems (sorted, unique): one allocation per sentence.
    hashes: Box<[u64]>,
    /// `hashes[..shingles]` are the shingles.
    shingles: u32,
}

/// Reused buffers for [`SentPrint::scan_ids`]: the sentence's hashes are
/// collected here and copied out once, at their final size.
#[derive(Debug, Default)]
pub struct Scratch {
    words: usize,
    shingles: Vec<u64>,
    content: Vec<u64>,
}

impl Scratch {
    /// The print of the hashes collected (the short-sentence shingle
    /// included); resets.
    fn take(&mut self) -> SentPrint {
        self.content.sort_unstable();
        self.content.dedup();
        self.shingles.sort_unstable();
        self.shingles.dedup();
        let print = SentPrint::from_parts(
            std::mem::take(&mut self.words),
            &self.shingles,
            &self.content,
        );
        self.shingles.clear();
        self.content.clear();
        print
    }
}

impl SentPrint {
    /// The print of a sentence of `words` words with these shingle and
    /// content hashes (each sorted and unique).
    pub fn from_parts(words: usize, shingles: &[u64], content: &[u64]) -> SentPrint {
        let mut hashes = Vec::with_capacity(shingles.len() + content.len());
        hashes.extend_from_slice(shingles);
        hashes.extend_from_slice(content);
        SentPrint {
            words,
            hashes: hashes.into_boxed_slice(),
            shingles: u32::try_from(shingles.len()).expect("under 2^32 shingles"),
        }
    }

    /// Hashed word 3-shingles (sorted, unique).
    pub fn shingles(&self) -> &[u64] {
        &self.hashes[..self.shingles as usize]
    }

    /// Hashed content-word stems (sorted, unique).
    pub fn content(&self) -> &[u64] {
        &self.hashes[self.shingles as usize..]
    }

    /// Fingerprint a sentence from its words as ids of an [`Interner`] (in
    /// sentence order), without allocating per word: the same print as
    /// [`SentPrint::new`]. Stop tests, stems and word hashes are read from
    /// the interner, not recomputed per occurrence; a shingle's hash mixes
    /// its words' hashes ([`super::tokens::shingle_hash`]), no byte is read.
    pub fn scan_ids(
        ids: impl Iterator<Item = u32>,
        vocab: &Interner,
        sc: &mut Scratch,
    ) -> SentPrint {
        use super::tokens::shingle_hash;
        // The hashes of the two previous words of the sentence.
        let (mut h0, mut h1) = (0u64, 0u64);
        let mut words = 0usize;
        for id in ids {
            let w = vocab.info(id);
            if !w.stop {
                sc.content.push(w.stem);
            }
            if words >= 2 {
                sc.shingles.push(shingle_hash(&[h0, h1, w.hash]));
            }
            (h0, h1) = (h1, w.hash);
            words += 1;
        }
        match words {
            1 => sc.shingles.push(h1),
            2 => sc.shingles.push(shingle_hash(&[h0, h1])),
            _ => {}
        }
        sc.words = words;
        sc.take()
    }

    /// Fingerprint a sentence from its words ([`super::tokens::words`]).
    pub fn from_words(ws: &[super::tokens::Word<'_>]) -> SentPrint {
        let norms: Vec<String> = ws.iter().map(|w| w.norm.to_string()).collect();
        let mut content: Vec<u64> = ws
            .iter()
            .filter(|w| !super::tokens::is_stop(&w.norm))
            .map(|w| super::tokens::hash_str(&super::tokens::stem(&w.norm)))
            .collect();
        content.sort_unstable();
        content.dedup();
        SentPrint::from_parts(ws.len(), &super::tokens::shingles_of(&norms), &content)
    }

    /// Fingerprint a sentence.
    pub fn new(text: &str) -> SentPrint {
        SentPrint::from_words(&super::tokens::words(text))
    }
}

/// How two sentences match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Near-identical wording (copied text).
    Shared,
    /// Same content, different wording.
    Paraphrase,
}

impl MatchKind {
    /// The id used in exports.
    pub fn id(self) -> &'static str {
        match self {
            MatchKind::Shared => "shared",
            MatchKind::Paraphrase => "paraphrase",
        }
    }
}

/// Compare two sentences; `None` when they do not match. The score is in
/// 0..=1 (higher = closer).
pub fn classify(a: &SentPrint, b: &SentPrint) -> Option<(MatchKind, f64)> {
    if a.words < MIN_WORDS || b.words < MIN_WORDS {
        return None;
    }
    let common = intersect(a.content(), b.content());
    let si = intersect(a.shingles(), b.shingles());
    classify_counts(Sizes::of(a), Sizes::of(b), common, si)
}

/// The sizes of a fingerprint that [`classify_counts`] reads: words,
/// shingles and content words (the story aligner keeps these side by
/// side, so a candidate pair is classed without reading its prints).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sizes {
    words: u32,
    shingles: u32,
    content: u32,
}

impl Sizes {
    fn of(s: &SentPrint) -> Sizes {
        // Saturating: a sentence of 2^32 words would only be capped here.
        let c = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Sizes {
            words: c(s.words),
            shingles: c(s.shingles().len()),
            content: c(s.content().len()),
        }
    }
}

/// [`classify`] given the sizes of the two intersections (content words
/// and shingles), which [`align`] counts from its indexes.
fn classify_counts(a: Sizes, b: Sizes, common: usize, si: usize) -> Option<(MatchKind, f64)> {
    if (a.words as usize) < MIN_WORDS || (b.words as usize) < MIN_WORDS {
        return None;
    }
    if common == 0 && si == 0 {
        return None;
    }
    let (na, nb) = (a.shingles as usize, b.shingles as usize);
    // Most pairs reaching this point share two or three content words and
    // no wording: rejected here without a division. Below PARA_MIN_COMMON
    // common words only the containment `c` (≥ the Jaccard `j`) can make a
    // match, and `5·si < 2·shorter` keeps `c` below PARA_CONTAINMENT (0.4)
    // even after rounding (the gap, at least 1 / (5·shorter), is far wider
    // than an f64 rounding step).
    //
    // The same bound with more common words: the Dice `d` stays below
    // PARA_DICE (0.4) exactly when `5·common < total` (at `5·common ==
    // total`, 2·common / total rounds to the constant 0.4 itself, as the
    // division is correctly rounded; below, the gap is far wider than a
    // rounding step).
    let total = a.content as usize + b.content as usize;
    if 5 * si < 2 * na.min(nb) && (common < PARA_MIN_COMMON || 5 * common < total) {
        return None;
    }
    judge(a, b, common, si)
}

/// The match rule itself, for two sentences long enough to match that share
/// at least one content word or shingle.
fn judge(a: Sizes, b: Sizes, common: usize, si: usize) -> Option<(MatchKind, f64)> {
    let (na, nb) = (a.shingles as usize, b.shingles as usize);
    let j = if na + nb - si == 0 {
        0.0
    } else {
        si as f64 / (na + nb - si) as f64
    };
    let shorter = na.min(nb);
    let c = if shorter == 0 {
        0.0
    } else {
        si as f64 / shorter as f64
    };
    if j >= SHARED_JACCARD || (c >= SHARED_CONTAINMENT && shorter >= MIN_CONTAINED_SHINGLES) {
        return Some((MatchKind::Shared, j.max(c)));
    }
    let total = a.content as usize + b.content as usize;
    let d = if total == 0 {
        0.0
    } else {
        2.0 * common as f64 / total as f64
    };
    if (d >= PARA_DICE && common >= PARA_MIN_COMMON) || c >= PARA_CONTAINMENT {
        return Some((MatchKind::Paraphrase, d.max(c)));
    }
    None
}

/// Content word → sentences containing it, and shingle → sentences
/// containing it, for one article (built once, used by [`align`] to skip
/// sentence pairs with nothing in common and to count both intersections
/// without merging the sorted lists of every pair).
#[derive(Debug, Default)]
pub struct SentIndex {
    content: Postings,
    shingles: Postings,
    /// Some content word is in more than [`POSTING_CAP`] sentences.
    long: bool,
}

/// Hash → the sentences (ascending) containing it, all lists in one flat
/// vector: two allocations per index, not one per distinct hash.
#[derive(Debug, Default)]
pub struct Postings {
    /// Hash → (offset, length) of its list in `sents`.
    at: super::tokens::FnvMap<u64, (usize, usize)>,
    sents: Vec<u32>,
}

impl Postings {
    /// From the hash lists of the indexed sentences (sentence, its sorted
    /// unique hashes), in sentence order: count, lay out, fill (no sort;
    /// each list comes out ascending).
    fn new<'a>(lists: impl Iterator<Item = (u32, &'a [u64])> + Clone) -> Postings {
        let total: usize = lists.clone().map(|(_, hs)| hs.len()).sum();
        let mut at: super::tokens::FnvMap<u64, (usize, usize)> =
            super::tokens::FnvMap::with_capacity_and_hasher(total, Default::default());
        for (_, hs) in lists.clone() {
            for &h in hs {
                at.entry(h).or_insert((0, 0)).1 += 1;
            }
        }
        // Lay the lists out back to back: (start, 0), then fill each in
        // sentence order, counting its length back up.
        let mut off = 0;
        for v in at.values_mut() {
            let n = v.1;
            *v = (off, 0);
            off += n;
        }
        let mut sents = vec![0u32; total];
        for (i, hs) in lists {
            for h in hs {
                let v = at.get_mut(h).expect("counted above");
                sents[v.0 + v.1] = i;
                v.1 += 1;
            }
        }
        Postings { at, sents }
    }

    /// The sentences containing `h`, ascending.
    pub fn get(&self, h: &u64) -> Option<&[u32]> {
        self.at.get(h).map(|&(o, n)| &self.sents[o..o + n])
    }

    /// Length of the longest list.
    fn longest(&self) -> usize {
        self.at.values().map(|x| x.1).max().unwrap_or(0)
    }
}

/// Sentences of one article a content word may be in and still propose
/// candidate pairs. News articles have far fewer sentences, so this only
/// matters for giant inputs (a whole book in one row), where a word in
/// every sentence would make alignment quadratic; there, candidates come
/// from the rarer words, and pairs sharing only very common words are not
/// aligned.
pub const POSTING_CAP: usize = 256;

/// Build the [`SentIndex`] of an article's sentences.
pub fn sent_index(sents: &[SentPrint]) -> SentIndex {
    let indexed = sents
        .iter()
        .enumerate()
        .filter(|(_, s)| s.words >= MIN_WORDS)
        .map(|(i, s)| (i as u32, s));
    let content = Postings::new(indexed.clone().map(|(i, s)| (i, s.content())));
    SentIndex {
        long: content.longest() > POSTING_CAP,
        content,
        shingles: Postings::new(indexed.map(|(i, s)| (i, s.shingles()))),
    }
}

/// One matched sentence pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SentMatch {
    /// Sentence index in the first article.
    pub a: usize,
    /// Sentence index in the second article.
    pub b: usize,
    pub kind: MatchKind,
    pub score: f64,
}

/// The one-to-one alignment of two articles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alignment {
    pub matches: Vec<SentMatch>,
}

impl Alignment {
    /// Number of matches of a kind.
    pub fn count(&self, kind: MatchKind) -> usize {
        self.matches.iter().filter(|m| m.kind == kind).count()
    }
}

/// Align the sentences of two articles (see the module docs). `b_index`
/// is [`sent_index`] of `b`: only sentence pairs sharing two content words
/// (one, when a sentence has at most two) are compared, which every shared
/// or paraphrased pair does in practice.
pub fn align(a: &[SentPrint], b: &[SentPrint], b_index: &SentIndex) -> Alignment {
    align_with(a, b, b_index, &mut AlignScratch::default())
}

/// Reused buffers of [`align_with`] (one per thread): aligning the pairs
/// of a window allocates only each pair's result.
#[derive(Debug, Default)]
pub struct AlignScratch {
    /// Per sentence of b: (common content words, common shingles) with the
    /// current sentence of a; all `(0, 0)` between calls.
    hits: Vec<(u32, u32)>,
    touched: Vec<usize>,
    cands: Vec<SentMatch>,
    greedy: Greedy,
}

/// Shared content words a sentence pair needs before it is classified:
/// one when either sentence has at most two content words, else two.
fn min_common(a: Sizes, b: Sizes) -> usize {
    if a.content.min(b.content) <= 2 {
        1
    } else {
        2
    }
}

/// [`align`] with reused buffers.
pub fn align_with(
    a: &[SentPrint],
    b: &[SentPrint],
    b_index: &SentIndex,
    sc: &mut AlignScratch,
) -> Alignment {
    let AlignScratch {
        hits,
        touched,
        cands,
        greedy,
    } = sc;
    cands.clear();
    // Both lists are sets, so each posting hit is one element of the
    // intersection. `hits` is left all zero by every call.
    if hits.len() < b.len() {
        hits.resize(b.len(), (0, 0));
    }
    for (i, sa) in a.iter().enumerate() {
        if sa.words < MIN_WORDS {
            continue;
        }
        for h in sa.content() {
            if let Some(v) = b_index.content.get(h) {
                if b_index.long && v.len() > POSTING_CAP {
                    continue;
                }
                for &j in v {
                    let j = j as usize;
                    if hits[j] == (0, 0) {
                        touched.push(j);
                    }
                    hits[j].0 += 1;
                }
            }
        }
        let need = |sb: &SentPrint| min_common(Sizes::of(sa), Sizes::of(sb));
        // Shingles are only counted for pairs that can be classified (the
        // common case: a sentence shares one word with some others only).
        if !b_index.long && touched.iter().any(|&j| hits[j].0 as usize >= need(&b[j])) {
            for h in sa.shingles() {
                if let Some(v) = b_index.shingles.get(h) {
                    for &j in v {
                        // Only sentences that already share content words
                        // can pass the `need` test below.
                        let j = j as usize;
                        if hits[j].0 > 0 {
                            hits[j].1 += 1;
                        }
                    }
                }
            }
        }
        touched.sort_unstable();
        for &j in touched.iter() {
            let sb = &b[j];
            let need = need(sb);
            let (common, si) = if b_index.long {
                // Counts from capped postings are partial: count exactly.
                (
                    intersect(sa.content(), sb.content()),
                    intersect(sa.shingles(), sb.shingles()),
                )
            } else {
                (hits[j].0 as usize, hits[j].1 as usize)
            };
            if common >= need {
                if let Some((kind, score)) =
                    classify_counts(Sizes::of(sa), Sizes::of(sb), common, si)
                {
                    cands.push(SentMatch {
                        a: i,
                        b: j,
                        kind,
                        score,
                    });
                }
            }
            hits[j] = (0, 0);
        }
        touched.clear();
    }
    Alignment {
        matches: one_to_one_in(cands, a.len(), b.len(), greedy),
    }
}

/// Dense ids for one story: every content-word and shingle hash of the
/// story's indexed sentences ([`MIN_WORDS`] words or more) gets a small
/// integer, and each id lists the sentences holding it, numbered across
/// the story's articles. One article is then aligned with all its earlier
/// partners at once ([`StoryAligner::align_partners`]): its sentences are
/// looked up once per article, not once per pair, and by vector index, not
/// by hashing. The result equals [`align_with`] on each pair.
#[derive(Debug)]
pub struct StoryAligner<'a> {
    /// Each article's sentences, in story order.
    arts: Vec<&'a [SentPrint]>,
    /// The sizes of the sentences of all the story's articles, back to back
    /// (sentence `g` of the story).
    sizes: Vec<Sizes>,
    /// Article (position in the story) of each sentence.
    slot_of: Vec<u32>,
    /// Article `s` holds sentences `base[s]..base[s + 1]`.
    base: Vec<usize>,
    content: DensePostings,
    shingles: DensePostings,
    /// Some content word is in more than [`POSTING_CAP`] sentences of the
    /// article (as [`SentIndex`] says; such articles take the pairwise path).
    long: Vec<bool>,
}

/// Postings by dense id, and the ids of each indexed sentence (both flat).
#[derive(Debug, Default)]
struct DensePostings {
    /// Id `t` is in sentences `sents[at[t]..at[t + 1]]` (ascending).
    at: Vec<u32>,
    sents: Vec<u32>,
    /// Sentence `g` has the ids `ids[id_at[g]..id_at[g + 1]]`.
    id_at: Vec<u32>,
    ids: Vec<u32>,
    /// Parallel to `ids`: where the entries of the sentence's own article
    /// begin in that id's list, so `sents[at[t]..before[x]]` are the
    /// sentences of earlier articles holding the id (no search per lookup).
    before: Vec<u32>,
    /// Per article: the most sentences of it one id is in.
    longest: Vec<u32>,
}

/// A map from hash values (already well spread: FNV-1a outputs) to dense
/// ids in order of first appearance: open addressing with linear probing,
/// indexed by the top bits of a multiplicative mix, so a lookup is one
/// multiplication and usually one probe (no general-purpose hashing).
struct HashIds {
    /// (key, id) pairs side by side (one cache line per probe); id
    /// `u32::MAX` marks an empty slot.
    slots: Vec<(u64, u32)>,
    shift: u32,
    len: u32,
}

impl HashIds {
    /// A map sized for `n` distinct keys (at most two thirds full); it
    /// grows when more come.
    fn with_capacity(n: usize) -> HashIds {
        let bits = (n.max(4) * 3 / 2).next_power_of_two().trailing_zeros();
        HashIds {
            slots: vec![(0, u32::MAX); 1 << bits],
            shift: 64 - bits,
            len: 0,
        }
    }

    /// The slot of `h`: where it is, or the empty slot where it goes.
    fn slot(&self, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize;
        loop {
            let (k, v) = self.slots[i];
            if v == u32::MAX || k == h {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `h`, a new one (the number of keys so far) when unseen;
    /// and whether it is new.
    fn id(&mut self, h: u64) -> (u32, bool) {
        let mut i = self.slot(h);
        let (_, v) = self.slots[i];
        if v != u32::MAX {
            return (v, false);
        }
        if (self.len as usize + 1) * 3 > self.slots.len() * 2 {
            self.grow();
            i = self.slot(h);
        }
        self.slots[i] = (h, self.len);
        self.len += 1;
        (self.len - 1, true)
    }

    /// Twice the slots, every key kept with its id.
    fn grow(&mut self) {
        let old = std::mem::replace(&mut self.slots, vec![(0, u32::MAX); 0]);
        self.slots = vec![(0, u32::MAX); old.len() * 2];
        self.shift -= 1;
        for (k, v) in old {
            if v != u32::MAX {
                let i = self.slot(k);
                self.slots[i] = (k, v);
            }
        }
    }
}

impl DensePostings {
    /// From the hash lists of every sentence of the story (`None` for one
    /// that is not indexed), in sentence order; `slot_of` gives each
    /// sentence's article (ascending), `slots` is the number of articles.
    fn new<'b>(
        lists: impl Iterator<Item = Option<&'b [u64]>> + Clone,
        slot_of: &[u32],
        slots: usize,
    ) -> DensePostings {
        let total: usize = lists.clone().map(|l| l.map_or(0, <[u64]>::len)).sum();
        // Sized for a quarter of the hashes distinct (content words repeat
        // across a story's sentences, copied wording too): a table that
        // stays in cache, grown when a story has more.
        let mut dict = HashIds::with_capacity(total / 4);
        let mut ids = Vec::with_capacity(total);
        let mut id_at = Vec::with_capacity(slot_of.len() + 1);
        id_at.push(0u32);
        let mut count: Vec<u32> = Vec::new();
        for l in lists {
            for &h in l.unwrap_or(&[]) {
                let (id, new) = dict.id(h);
                if new {
                    count.push(0);
                }
                count[id as usize] += 1;
                ids.push(id);
            }
            id_at.push(ids.len() as u32);
        }
        // Lay the lists out back to back, then fill each in sentence order,
        // noting where each article's run of an id begins.
        let mut at = Vec::with_capacity(count.len() + 1);
        let mut off = 0u32;
        at.push(0);
        for c in &mut count {
            off += *c;
            at.push(off);
            *c = off - *c;
        }
        let mut sents = vec![0u32; ids.len()];
        let mut before = vec![0u32; ids.len()];
        let mut longest = vec![0u32; slots];
        // Per id, side by side: (next free entry, article of the last
        // entry, where that article's run began).
        let mut cur: Vec<(u32, u32, u32)> = count.iter().map(|&c| (c, u32::MAX, 0)).collect();
        drop(count);
        for g in 0..id_at.len() - 1 {
            let s = slot_of[g];
            for x in id_at[g] as usize..id_at[g + 1] as usize {
                let e = &mut cur[ids[x] as usize];
                if e.1 != s {
                    (e.1, e.2) = (s, e.0);
                }
                before[x] = e.2;
                sents[e.0 as usize] = g as u32;
                e.0 += 1;
                let l = &mut longest[s as usize];
                *l = (*l).max(e.0 - e.2);
            }
        }
        DensePostings {
            at,
            sents,
            id_at,
            ids,
            before,
            longest,
        }
    }

    /// Positions in `ids` of the ids of sentence `g`.
    fn id_range(&self, g: usize) -> std::ops::Range<usize> {
        self.id_at[g] as usize..self.id_at[g + 1] as usize
    }

    /// The sentences at or after `lo` and in articles before the one of
    /// `ids[x]`'s sentence, holding id `ids[x]`, ascending.
    fn earlier(&self, x: usize, lo: u32) -> &[u32] {
        let t = self.ids[x] as usize;
        let l = &self.sents[self.at[t] as usize..self.before[x] as usize];
        if lo == 0 || l.first().is_some_and(|&g| g >= lo) {
            l
        } else {
            &l[l.partition_point(|&g| g < lo)..]
        }
    }
}

/// Reused buffers of [`StoryAligner::align_partners`] (one per thread).
#[derive(Debug, Default)]
pub struct StoryScratch {
    /// Per partner sentence: (common content words, common shingles) with
    /// the current sentence; all `(0, 0)` between sentences.
    hits: Vec<(u32, u32)>,
    touched: Vec<u32>,
    /// Candidate matches per partner.
    cands: Vec<Vec<SentMatch>>,
    greedy: Greedy,
    pair: AlignScratch,
}

impl<'a> StoryAligner<'a> {
    /// The aligner of a story's articles (their sentences, in story order).
    pub fn new(articles: &[&'a [SentPrint]]) -> StoryAligner<'a> {
        let n: usize = articles.iter().map(|a| a.len()).sum();
        let mut sizes = Vec::with_capacity(n);
        let mut slot_of = Vec::with_capacity(n);
        let mut base = Vec::with_capacity(articles.len() + 1);
        base.push(0);
        for (s, sents) in articles.iter().enumerate() {
            sizes.extend(sents.iter().map(Sizes::of));
            slot_of.extend(std::iter::repeat(s as u32).take(sents.len()));
            base.push(sizes.len());
        }
        let indexed = |f: fn(&SentPrint) -> &[u64]| {
            articles
                .iter()
                .flat_map(|a| a.iter())
                .map(move |s| (s.words >= MIN_WORDS).then(|| f(s)))
        };
        let content = DensePostings::new(indexed(|s| s.content()), &slot_of, articles.len());
        // An article is long when one id's list has more than POSTING_CAP
        // entries of it.
        let long = content
            .longest
            .iter()
            .map(|&l| l as usize > POSTING_CAP)
            .collect();
        StoryAligner {
            content,
            shingles: DensePostings::new(indexed(|s| s.shingles()), &slot_of, articles.len()),
            long,
            arts: articles.to_vec(),
            sizes,
            slot_of,
            base,
        }
    }

    /// The alignments of article `k` (position in the story) with each of
    /// the articles `from..k`, in that order: `align_with(a, b, ..)` with
    /// `a` the partner and `b` article `k`.
    pub fn align_partners(&self, from: usize, k: usize, sc: &mut StoryScratch) -> Vec<Alignment> {
        let b = self.arts[k];
        if self.long[k] {
            // Capped postings in a giant article: the pairwise path.
            let b_index = sent_index(self.arts[k]);
            return (from..k)
                .map(|s| align_with(self.arts[s], self.arts[k], &b_index, &mut sc.pair))
                .collect();
        }
        let (lo, hi) = (self.base[from] as u32, self.base[k] as u32);
        let StoryScratch {
            hits,
            touched,
            cands,
            greedy,
            ..
        } = sc;
        let span = (hi - lo) as usize;
        if hits.len() < span {
            hits.resize(span, (0, 0));
        }
        // Room for every earlier sentence, plus the slot the branch-free
        // push below writes past the last one.
        touched.clear();
        touched.resize(span + 1, 0);
        if cands.len() < k - from {
            cands.resize_with(k - from, Vec::new);
        }
        for c in cands.iter_mut() {
            c.clear();
        }
        // Both lists are sets, so each posting hit is one element of the
        // intersection (as in `align_with`, from the other side).
        for j in 0..b.len() {
            let g = self.base[k] + j;
            let zb = self.sizes[g];
            if (zb.words as usize) < MIN_WORDS {
                continue;
            }
            // `touched[..nt]`: the sentences hit so far, in order of first
            // hit. Written without a branch (whether a sentence is new is
            // unpredictable): every hit stores, only a first one advances.
            let mut nt = 0;
            for x in self.content.id_range(g) {
                for &y in self.content.earlier(x, lo) {
                    let h = &mut hits[(y - lo) as usize];
                    // `h.1` only grows where `h.0` > 0: `h.0 == 0` is `(0, 0)`.
                    touched[nt] = y;
                    nt += usize::from(h.0 == 0);
                    h.0 += 1;
                }
            }
            let touched = &touched[..nt];
            let need = |y: u32| min_common(self.sizes[y as usize], zb);
            if touched
                .iter()
                .any(|&y| hits[(y - lo) as usize].0 as usize >= need(y))
            {
                for x in self.shingles.id_range(g) {
                    for &y in self.shingles.earlier(x, lo) {
                        let h = &mut hits[(y - lo) as usize];
                        if h.0 > 0 {
                            h.1 += 1;
                        }
                    }
                }
            }
            for &y in touched.iter() {
                let h = std::mem::take(&mut hits[(y - lo) as usize]);
                if h.0 as usize >= need(y) {
                    let za = self.sizes[y as usize];
                    if let Some((kind, score)) = classify_counts(za, zb, h.0 as usize, h.1 as usize)
                    {
                        let s = self.slot_of[y as usize] as usize;
                        cands[s - from].push(SentMatch {
                            a: y as usize - self.base[s],
                            b: j,
                            kind,
                            score,
                        });
                    }
                }
            }
        }
        (from..k)
            .map(|s| Alignment {
                matches: one_to_one_in(
                    &mut cands[s - from],
                    self.base[s + 1] - self.base[s],
                    b.len(),
                    greedy,
                ),
            })
            .collect()
    }
}

/// The order the greedy one-to-one matching takes candidates in: copies
/// before paraphrases, then higher score, then earlier sentences.
fn by_rule(x: &SentMatch, y: &SentMatch) -> std::cmp::Ordering {
    x.kind
        .cmp(&y.kind)
        .then(y.score.total_cmp(&x.score))
        .then(x.a.cmp(&y.a))
        .then(x.b.cmp(&y.b))
}

/// Keep matches greedily, best first (shared before paraphrase, then by
/// score, then by position), each sentence in at most one match; the result
/// in sentence order.
#[cfg(test)]
fn one_to_one(mut cands: Vec<SentMatch>, na: usize, nb: usize) -> Vec<SentMatch> {
    one_to_one_in(&mut cands, na, nb, &mut Greedy::default())
}

/// Reused buffers of `one_to_one_in`.
#[derive(Debug, Default)]
pub struct Greedy {
    keys: Vec<u128>,
    used_a: Vec<bool>,
    used_b: Vec<bool>,
}

/// The greedy order of [`one_to_one`] (kind, score descending, `a`, `b`) as
/// one integer, when the candidate fits: `None` for a score with the sign
/// bit set or a position of 2^32 or more. For scores with the sign bit
/// clear (all the rule gives: 0..=1), `f64::total_cmp` orders them as
/// their bit patterns, so `i64::MAX` minus the bits orders them descending;
/// the key holds every field, so [`from_greedy_key`] gives the match back.
fn greedy_key(m: &SentMatch) -> Option<u128> {
    let bits = m.score.to_bits();
    if bits >> 63 != 0 || m.a > u32::MAX as usize || m.b > u32::MAX as usize {
        return None;
    }
    let hi = (u64::from(m.kind == MatchKind::Paraphrase) << 63) | (i64::MAX as u64 - bits);
    Some((u128::from(hi) << 64) | ((m.a as u128) << 32) | m.b as u128)
}

/// The match a [`greedy_key`] was made from.
fn from_greedy_key(k: u128) -> SentMatch {
    let hi = (k >> 64) as u64;
    SentMatch {
        a: (k >> 32) as u32 as usize,
        b: k as u32 as usize,
        kind: if hi >> 63 == 1 {
            MatchKind::Paraphrase
        } else {
            MatchKind::Shared
        },
        score: f64::from_bits(i64::MAX as u64 - (hi & i64::MAX as u64)),
    }
}

/// [`one_to_one`] with reused buffers. The candidates are sorted as packed
/// integers ([`greedy_key`]: half the size of a match, one comparison),
/// or, when one does not fit, by the rule itself (`cands` is then left
/// sorted).
fn one_to_one_in(cands: &mut [SentMatch], na: usize, nb: usize, g: &mut Greedy) -> Vec<SentMatch> {
    let Greedy {
        keys,
        used_a,
        used_b,
    } = g;
    keys.clear();
    keys.extend(cands.iter().map_while(greedy_key));
    let packed = keys.len() == cands.len();
    if packed {
        keys.sort_unstable();
    } else {
        // No two candidates are equal (one per sentence pair), so the
        // unstable sort gives the same order as a stable one.
        cands.sort_unstable_by(by_rule);
    }
    used_a.clear();
    used_a.resize(na, false);
    used_b.clear();
    used_b.resize(nb, false);
    let mut matches = Vec::with_capacity(cands.len().min(na).min(nb));
    let mut take = |m: SentMatch| {
        if !used_a[m.a] && !used_b[m.b] {
            used_a[m.a] = true;
            used_b[m.b] = true;
            matches.push(m);
        }
    };
    if packed {
        keys.iter().for_each(|&k| take(from_greedy_key(k)));
    } else {
        cands.iter().for_each(|&m| take(m));
    }
    // Each sentence of `a` is in one match at most.
    matches.sort_unstable_by_key(|m| m.a);
    matches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::tokens::{content_set, shingles, words};

    /// The naive rule the indexed alignment must equal: every pair of
    /// sentences with merged intersections, the same candidate test (with
    /// or without the minimum length) and the same greedy pass.
    fn pairwise_alignment(a: &[SentPrint], b: &[SentPrint], min_words: bool) -> Vec<SentMatch> {
        let mut cands = Vec::new();
        for (i, sa) in a.iter().enumerate() {
            for (j, sb) in b.iter().enumerate() {
                let common = intersect(sa.content(), sb.content());
                let need = if sa.content().len().min(sb.content().len()) <= 2 {
                    1
                } else {
                    2
                };
                let long_enough = !min_words || (sa.words >= MIN_WORDS && sb.words >= MIN_WORDS);
                if long_enough && common >= need {
                    if let Some((kind, score)) = classify(sa, sb) {
                        cands.push(SentMatch {
                            a: i,
                            b: j,
                            kind,
                            score,
                        });
                    }
                }
            }
        }
        one_to_one(cands, a.len(), b.len())
    }

    /// [`classify_counts`] without its integer shortcut.
    fn classify_counts_plain(
        a: Sizes,
        b: Sizes,
        common: usize,
        si: usize,
    ) -> Option<(MatchKind, f64)> {
        if (a.words as usize) < MIN_WORDS || (b.words as usize) < MIN_WORDS {
            return None;
        }
        if common == 0 && si == 0 {
            return None;
        }
        judge(a, b, common, si)
    }

    #[test]
    fn classify_shortcut_equals_the_plain_rule() {
        // Every size up to 24 shingles and 13 content words per side, every
        // possible pair of intersection sizes (including the exact 2/5
        // containment boundary, e.g. 2 of 5 and 4 of 10 shingles, and the
        // exact Dice boundary, e.g. 4 common of 10 + 10 content words).
        for words in [4u32, 5, 30] {
            for na in 0..25u32 {
                for nb in 0..25u32 {
                    for ca in 0..14u32 {
                        for cb in 0..14u32 {
                            let a = Sizes {
                                words,
                                shingles: na,
                                content: ca,
                            };
                            let b = Sizes {
                                words: 7,
                                shingles: nb,
                                content: cb,
                            };
                            for si in 0..=na.min(nb) as usize {
                                for common in 0..=ca.min(cb) as usize {
                                    assert_eq!(
                                        classify_counts(a, b, common, si),
                                        classify_counts_plain(a, b, common, si),
                                        "{a:?} {b:?} common {common} si {si}"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(PARA_CONTAINMENT, 0.4, "the shortcut's 5·si < 2·shorter");
    }

    /// [`one_to_one`] as first written: candidates sorted by the rule.
    fn one_to_one_plain(mut cands: Vec<SentMatch>, na: usize, nb: usize) -> Vec<SentMatch> {
        cands.sort_by(by_rule);
        let (mut ua, mut ub) = (vec![false; na], vec![false; nb]);
        let mut out = Vec::new();
        for m in cands {
            if !ua[m.a] && !ub[m.b] {
                (ua[m.a], ub[m.b]) = (true, true);
                out.push(m);
            }
        }
        out.sort_by_key(|m| (m.a, m.b));
        out
    }

    #[test]
    fn packed_greedy_order_equals_the_rule() {
        use crate::rng::SplitMix64;
        let mut rng = SplitMix64::new(17);
        let mut g = Greedy::default();
        // Few distinct scores (ties), the extremes, and odd values that
        // only the fallback path takes (negative zero, a negative score).
        let scores = [0.0, 1.0, 0.5, 0.4, 0.6, 2.0 / 3.0, 0.85, 1e-300, -0.0, -0.5];
        for round in 0..400 {
            let (na, nb) = (1 + rng.below(12), 1 + rng.below(12));
            let odd = round % 4 == 0;
            let mut seen = std::collections::BTreeSet::new();
            let mut cands: Vec<SentMatch> = Vec::new();
            for _ in 0..rng.below(40) {
                let (a, b) = (rng.below(na), rng.below(nb));
                let kind = if rng.below(2) == 0 {
                    MatchKind::Shared
                } else {
                    MatchKind::Paraphrase
                };
                let score = scores[rng.below(if odd { 10 } else { 8 })];
                if seen.insert((a, b)) {
                    cands.push(SentMatch { a, b, kind, score });
                }
            }
            for m in &cands {
                if let Some(k) = greedy_key(m) {
                    assert_eq!(from_greedy_key(k), *m);
                    assert_eq!(from_greedy_key(k).score.to_bits(), m.score.to_bits());
                }
            }
            let want = one_to_one_plain(cands.clone(), na, nb);
            assert_eq!(one_to_one_in(&mut cands.clone(), na, nb, &mut g), want);
        }
        // Positions beyond 32 bits take the rule's sort.
        let big = SentMatch {
            a: 0,
            b: 1 << 33,
            kind: MatchKind::Shared,
            score: 1.0,
        };
        assert_eq!(greedy_key(&big), None);
    }

    #[test]
    fn hash_ids_number_keys_in_order_of_first_appearance() {
        use crate::rng::SplitMix64;
        let mut rng = SplitMix64::new(3);
        for round in 0..40 {
            let n = (round * 37) % 700;
            // Few distinct keys, some sharing their top bits (same slot).
            let keys: Vec<u64> = (0..n)
                .map(|_| match rng.next_u64() % 3 {
                    0 => rng.next_u64() % 50,
                    1 => (rng.next_u64() % 50) << 58,
                    _ => rng.next_u64(),
                })
                .collect();
            // Sized for all the keys, or grown from a small table.
            let mut map = HashIds::with_capacity(keys.len());
            let mut small = HashIds::with_capacity(round % 5);
            let mut plain: Vec<u64> = Vec::new();
            for &k in &keys {
                let want = match plain.iter().position(|&p| p == k) {
                    Some(i) => (i as u32, false),
                    None => {
                        plain.push(k);
                        (plain.len() as u32 - 1, true)
                    }
                };
                assert_eq!(map.id(k), want);
                assert_eq!(small.id(k), want);
            }
            assert!(small.len as usize * 3 <= small.slots.len() * 2);
        }
    }

    #[test]
    fn indexed_counts_match_the_pairwise_classifier() {
        let a_text = [
            "The harbour board said the ferry timetable will change on Monday morning.",
            "Officials at the harbour board confirmed the new ferry timetable on Monday.",
            "Critics claimed the plan was rushed through without a public vote at all.",
            "A spokesman said the ferry timetable will change on Monday morning for everyone.",
            "Short one.",
        ];
        let b_text = [
            "The harbour board said the ferry timetable will change on Monday morning.",
            "Critics said the plan was pushed through without any public vote at all.",
            "Nothing here matches the other article in any way whatsoever, truly.",
            "The ferry timetable will change on Monday, the harbour board said.",
        ];
        let a: Vec<SentPrint> = a_text.iter().map(|t| SentPrint::new(t)).collect();
        let b: Vec<SentPrint> = b_text.iter().map(|t| SentPrint::new(t)).collect();
        let got = align(&a, &b, &sent_index(&b));
        // Naive: every pair and merged intersections, the same candidate
        // rule and greedy pass.
        let want = pairwise_alignment(&a, &b, true);
        assert_eq!(got.matches, want);
        assert!(got.count(MatchKind::Shared) >= 1 && got.count(MatchKind::Paraphrase) >= 1);
    }

    /// Words for the random articles of the alignment tests: a few
    /// content words and stop words, so that sentences repeat often.
    const TEST_VOCAB: [&str; 18] = [
        "harbour",
        "board",
        "ferry",
        "timetable",
        "monday",
        "morning",
        "critics",
        "plan",
        "vote",
        "public",
        "said",
        "the",
        "a",
        "of",
        "change",
        "pier",
        "crane",
        "officials",
    ];

    #[test]
    fn reused_scratch_gives_the_same_alignment_as_the_pairwise_rule() {
        use crate::rng::SplitMix64;
        let mut rng = SplitMix64::new(11);
        let vocab = TEST_VOCAB;
        let article = |rng: &mut SplitMix64| -> Vec<SentPrint> {
            (0..rng.next_u64() % 9)
                .map(|_| {
                    let n = 2 + rng.next_u64() % 12;
                    let ws: Vec<&str> = (0..n)
                        .map(|_| vocab[(rng.next_u64() % vocab.len() as u64) as usize])
                        .collect();
                    SentPrint::new(&ws.join(" "))
                })
                .collect()
        };
        let mut sc = AlignScratch::default();
        for _ in 0..300 {
            let (a, b) = (article(&mut rng), article(&mut rng));
            let want = pairwise_alignment(&a, &b, false);
            let got = align_with(&a, &b, &sent_index(&b), &mut sc);
            assert_eq!(got.matches, want);
            assert!(sc.hits.iter().all(|&h| h == (0, 0)));
        }
    }

    #[test]
    fn story_aligner_equals_align_with_on_each_pair() {
        use crate::rng::SplitMix64;
        let mut rng = SplitMix64::new(5);
        let vocab = TEST_VOCAB;
        let mut sc = StoryScratch::default();
        let mut pair = AlignScratch::default();
        for _ in 0..60 {
            // A story of up to 9 articles whose sentences repeat often.
            let pool: Vec<SentPrint> = (0..12)
                .map(|_| {
                    let n = 2 + rng.next_u64() % 12;
                    let ws: Vec<&str> = (0..n)
                        .map(|_| vocab[(rng.next_u64() % vocab.len() as u64) as usize])
                        .collect();
                    SentPrint::new(&ws.join(" "))
                })
                .collect();
            let arts: Vec<Vec<SentPrint>> = (0..1 + rng.next_u64() % 9)
                .map(|_| {
                    (0..rng.next_u64() % 10)
                        .map(|_| pool[(rng.next_u64() % 12) as usize].clone())
                        .collect()
                })
                .collect();
            let idx: Vec<SentIndex> = arts.iter().map(|a| sent_index(a)).collect();
            let with: Vec<&[SentPrint]> = arts.iter().map(Vec::as_slice).collect();
            let st = StoryAligner::new(&with);
            for k in 0..arts.len() {
                for max_partners in [1, 3, 20] {
                    let from = k.saturating_sub(max_partners);
                    let got = st.align_partners(from, k, &mut sc);
                    let want: Vec<Alignment> = (from..k)
                        .map(|a| align_with(&arts[a], &arts[k], &idx[k], &mut pair))
                        .collect();
                    assert_eq!(got, want);
                    assert!(sc.hits.iter().all(|&h| h == (0, 0)));
                }
            }
        }
    }

    #[test]
    fn issue7_giant_articles_still_align_copied_sentences() {
        // 300 sentences all sharing "harbour": the word's posting list is
        // over the cap, yet the copied sentence is found through its rarer
        // words and counted exactly.
        let mut b: Vec<SentPrint> = (0..300)
            .map(|i| {
                SentPrint::new(&format!(
                    "The harbour saw delivery number w{i}a of crates w{i}b today."
                ))
            })
            .collect();
        b.push(SentPrint::new(
            "The harbour master signed the ferry timetable on Monday morning.",
        ));
        let idx = sent_index(&b);
        assert!(idx.long);
        let a = vec![SentPrint::new(
            "The harbour master signed the ferry timetable on Monday morning.",
        )];
        let al = align(&a, &b, &idx);
        // The story aligner takes the same pairwise path for the giant one.
        let mut sc = StoryScratch::default();
        let st = StoryAligner::new(&[&a, &b]);
        assert!(st.long[1] && !st.long[0]);
        assert_eq!(st.align_partners(0, 1, &mut sc), vec![al.clone()]);
        let st = StoryAligner::new(&[&b, &a]);
        assert_eq!(
            st.align_partners(0, 1, &mut sc),
            vec![align(&b, &a, &sent_index(&a))]
        );
        assert_eq!(al.matches.len(), 1);
        assert_eq!(
            (al.matches[0].b, al.matches[0].kind),
            (300, MatchKind::Shared)
        );
    }

    #[test]
    fn flat_postings_agree_with_a_map_of_lists() {
        use crate::rng::SplitMix64;
        let mut rng = SplitMix64::new(7);
        for round in 0..50 {
            // Sentences with hashes from a small range, so lists overlap.
            let sents: Vec<SentPrint> = (0..(round % 17))
                .map(|_| {
                    let mut hs: Vec<u64> = (0..rng.next_u64() % 12)
                        .map(|_| rng.next_u64() % 40)
                        .collect();
                    hs.sort_unstable();
                    hs.dedup();
                    let shingles: Vec<u64> = hs.iter().map(|h| h * 3).collect();
                    SentPrint::from_parts((rng.next_u64() % 9) as usize, &shingles, &hs)
                })
                .collect();
            let idx = sent_index(&sents);
            for h in 0..130u64 {
                let naive = |f: fn(&SentPrint) -> &[u64]| -> Vec<u32> {
                    (0..sents.len())
                        .filter(|&i| sents[i].words >= MIN_WORDS && f(&sents[i]).contains(&h))
                        .map(|i| i as u32)
                        .collect()
                };
                let got = |p: &Postings| p.get(&h).map(<[u32]>::to_vec).unwrap_or_default();
                assert_eq!(got(&idx.content), naive(|s| s.content()), "content {h}");
                assert_eq!(got(&idx.shingles), naive(|s| s.shingles()), "shingle {h}");
            }
        }
    }

    #[test]
    fn scan_ids_gives_the_same_print_as_new() {
        let mut sc = Scratch::default();
        // One interner over all the texts, as over an article's sentences.
        let mut vocab = Interner::default();
        for t in [
            "",
            "One",
            "Two words",
            "Three little words",
            "The Ministry’s officials said the harbour board’s ferries were delayed again.",
            "Café owners in Zürich, Ünal said, “won’t” reopen.",
            "the the the officials officials said said the",
        ] {
            let ids: Vec<u32> = super::super::tokens::words(t)
                .iter()
                .map(|w| vocab.intern(&w.norm))
                .collect();
            let p = SentPrint::scan_ids(ids.into_iter(), &vocab, &mut sc);
            assert_eq!(p, SentPrint::new(t), "{t}");
        }
    }

    fn sp(t: &str) -> SentPrint {
        let s = SentPrint::new(t);
        assert_eq!(s.words, words(t).len());
        assert_eq!(s.shingles(), shingles(t));
        assert_eq!(s.content(), content_set(t));
        s
    }

    #[test]
    fn copied_sentence_is_shared_even_with_small_edits() {
        let a = sp(
            "The harbour authority closed the northern pier on Tuesday after a crane collapsed.",
        );
        let b = sp("The harbour authority closed the northern pier on Tuesday after a crane collapsed, officials said.");
        assert_eq!(classify(&a, &b).map(|x| x.0), Some(MatchKind::Shared));
    }

    #[test]
    fn reworded_sentence_is_a_paraphrase() {
        let a = sp(
            "The harbour authority closed the northern pier on Tuesday after a crane collapsed.",
        );
        let b = sp("A crane collapse on Tuesday led harbour officials to shut the northern pier.");
        assert_eq!(classify(&a, &b).map(|x| x.0), Some(MatchKind::Paraphrase));
    }

    #[test]
    fn unrelated_and_short_sentences_do_not_match() {
        let a = sp(
            "The harbour authority closed the northern pier on Tuesday after a crane collapsed.",
        );
        let b = sp("Tickets for the summer festival go on sale next week at the town hall.");
        assert_eq!(classify(&a, &b), None);
        let s = sp("Pier closed.");
        assert_eq!(classify(&s, &s), None);
    }

    #[test]
    fn alignment_is_one_to_one_and_best_first() {
        let x = sp(
            "The harbour authority closed the northern pier on Tuesday after a crane collapsed.",
        );
        let y = sp("Tickets for the summer festival go on sale next week at the town hall.");
        let a = vec![x.clone(), y.clone()];
        let b = vec![y.clone(), x.clone(), x];
        let al = align(&a, &b, &sent_index(&b));
        assert_eq!(al.matches.len(), 2);
        assert_eq!((al.matches[0].a, al.matches[0].b), (0, 1));
        assert_eq!((al.matches[1].a, al.matches[1].b), (1, 0));
        assert_eq!(al.count(MatchKind::Shared), 2);
    }
}
