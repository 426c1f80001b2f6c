//! Story grouping: TF-IDF vectors, an inverted index, and the
//! similarity rule that decides whether an article joins a story.
//!
//! Takes: term counts of each article (content-word stems of title and body,
//! plus adjacent capitalised word pairs as entity terms).
//! Gives: L2-normalised TF-IDF vectors (`1 + ln tf` times
//! `ln((N + B + 1) / (df + 1)) + 1`, document frequencies over the N
//! articles of the window, B = [`BACKGROUND_DOCS`]), their cosine, and
//! the candidate articles that can reach the story threshold.
//!
//! Why B: in a window of five articles about one event, the event's own
//! words are in every article, so plain IDF rates them as common as "the"
//! and the articles look unrelated. B empty background documents say "a
//! word in all five articles is still rare in news at large". With B = 50
//! the weakest link of a true story (an article's best similarity to the
//! earlier articles of its story) is 0.41 on the seed pages and 0.32 on the
//! demo corpus (0.28 and 0.21 without B), while an unrelated event in the
//! same city stays at 0.11; in windows of hundreds of articles B hardly
//! matters. See docs/RELIABILITY.md.
//!
//! Bounded, exact work: articles are indexed under all their terms. A new
//! article is compared (exact cosine) only with the earlier articles that
//! can reach the threshold, found by prefix filtering ([`StoryIndex`]): its
//! most common terms are set aside while their weights' norm stays below
//! the threshold, and the posting lists of the rest give the candidates. No
//! article that reaches the threshold is missed, yet unrelated articles that
//! share only common words are never compared. Each posting list is read
//! for its [`POSTING_CAP`] most recent entries, which covers every earlier
//! article of a default window (1,024 inputs); in larger windows an article
//! is compared with at most `terms × POSTING_CAP` earlier ones.

use super::tokens::{fnv1a, fnv1a_extend, for_each_word_in, is_stop, stem_hash, FnvMap, Interner};
use unicode_segmentation::UnicodeSegmentation;

/// Share of the story threshold that the set-aside common terms of a new
/// article may contribute at most ([`StoryIndex::candidates_of`]). Any
/// share finds the same articles (the pruning is exact); it only trades
/// postings read against candidates left for the exact cosine. Measured on
/// generated windows of 1,000 and 3,000 articles, a half reads a quarter
/// to a half less than a quarter did (0.6 is as fast, 0.75 slower).
pub const SET_ASIDE_SHARE: f64 = 0.5;

/// How many of the query's terms (most common first, as `(weight, the
/// largest weight any article gives the term)`) can be set aside: the
/// longest prefix whose bound on the cosine an article could reach
/// through those terms alone, `min(‖prefix‖, Σ w·max w)`, stays below
/// `aside`. Gives the prefix length and that bound.
fn set_aside(terms: impl Iterator<Item = (f32, f32)>, aside: f64) -> (usize, f64) {
    let (mut l2, mut dot) = (0.0f64, 0.0f64);
    let mut k = 0;
    for (w, maxw) in terms {
        let (w, maxw) = (f64::from(w), f64::from(maxw));
        let (l2n, dotn) = (l2 + w * w, dot + w * maxw);
        if l2n.sqrt().min(dotn) >= aside {
            break;
        }
        (l2, dot) = (l2n, dotn);
        k += 1;
    }
    (k, l2.sqrt().min(dot))
}
/// Most recent entries read per posting list (see the module docs).
pub const POSTING_CAP: usize = 1024;
/// Empty background documents added to the IDF denominator (see module docs).
pub const BACKGROUND_DOCS: usize = 50;

/// A sparse vector sorted by term hash.
pub type SparseVec = Vec<(u64, f32)>;

/// Raw term counts of a text: content-word stems (two or more characters)
/// and `e:` entity terms for adjacent capitalised words ("li shangfu").
/// Sorted by term hash; no allocation per word.
pub fn term_counts(texts: &[&str]) -> SparseVec {
    let mut tc = TermCounter::default();
    for t in texts {
        tc.add(t, t.unicode_word_indices());
    }
    tc.finish()
}

/// Accumulates [`term_counts`] over several texts, each given with its word
/// segments (so a body already segmented is not segmented again).
#[derive(Debug, Default)]
pub struct TermCounter {
    hs: Vec<u64>,
    /// Terms counted ahead (term, count), by [`TermCounter::add_ids`].
    counted: Vec<(u64, u32)>,
    buf: String,
    prev_norm: String,
}

/// The `e:` entity term of two adjacent capitalised words (normalised).
fn entity_term(a: &str, b: &str) -> u64 {
    let mut h = fnv1a(b"e:");
    h = fnv1a_extend(h, a.as_bytes());
    h = fnv1a_extend(h, b" ");
    fnv1a_extend(h, b.as_bytes())
}

impl TermCounter {
    /// Count the terms of `t`, whose words are `segments` (offset, word).
    pub fn add<'a>(&mut self, t: &'a str, segments: impl Iterator<Item = (usize, &'a str)>) {
        let TermCounter {
            hs, buf, prev_norm, ..
        } = self;
        // Previous word: (end offset, capitalised and not a stop word).
        let mut prev: Option<(usize, bool)> = None;
        for_each_word_in(segments, buf, |start, raw, norm| {
            let stop = is_stop(norm);
            if !stop && norm.chars().nth(1).is_some() {
                hs.push(stem_hash(norm));
            }
            let cap = !stop && raw.chars().next().is_some_and(char::is_uppercase);
            if let Some((end, pcap)) = prev {
                if pcap && cap && t.get(end..start) == Some(" ") {
                    hs.push(entity_term(prev_norm, norm));
                }
            }
            prev = Some((start + raw.len(), cap));
            prev_norm.clear();
            prev_norm.push_str(norm);
        });
    }

    /// [`TermCounter::add`] for a text whose words are already interned:
    /// `words` are (offset, end, capitalised, id) in text order, as
    /// `add` would visit them. Content stems are counted per distinct
    /// word and added once each, not hashed and sorted per occurrence.
    pub fn add_ids(
        &mut self,
        t: &str,
        vocab: &Interner,
        words: impl Iterator<Item = (usize, usize, bool, u32)>,
    ) {
        let mut per_word = vec![0u32; vocab.len()];
        // Previous word: (end offset, capitalised and not a stop word, id).
        let mut prev: Option<(usize, bool, u32)> = None;
        for (start, end, capitalised, id) in words {
            let w = vocab.info(id);
            if !w.stop && w.multi {
                per_word[id as usize] += 1;
            }
            let cap = !w.stop && capitalised;
            if let Some((pend, pcap, pid)) = prev {
                if pcap && cap && t.get(pend..start) == Some(" ") {
                    self.hs.push(entity_term(vocab.norm(pid), vocab.norm(id)));
                }
            }
            prev = Some((end, cap, id));
        }
        for (id, &n) in per_word.iter().enumerate() {
            if n > 0 {
                self.counted.push((vocab.info(id as u32).stem, n));
            }
        }
    }

    /// The counts, sorted by term hash.
    pub fn finish(mut self) -> SparseVec {
        self.counted.extend(self.hs.iter().map(|&h| (h, 1)));
        self.counted.sort_unstable_by_key(|x| x.0);
        // Counted one by one in f32, a count stops at 2^24 (adding 1.0 no
        // longer changes it); the sums here are integers, so cap them there.
        let f = |(h, n): (u64, u32)| (h, n.min(1 << 24) as f32);
        let mut out: SparseVec = Vec::with_capacity(self.counted.len());
        let mut last: Option<(u64, u32)> = None;
        for (h, n) in self.counted {
            match &mut last {
                Some(l) if l.0 == h => l.1 += n,
                _ => {
                    out.extend(last.map(f));
                    last = Some((h, n));
                }
            }
        }
        out.extend(last.map(f));
        out
    }
}

/// Document frequencies over a set of term-count vectors.
pub fn doc_freq<'a>(docs: impl IntoIterator<Item = &'a SparseVec>) -> (FnvMap<u64, u32>, usize) {
    let mut df: FnvMap<u64, u32> = FnvMap::default();
    let mut n = 0;
    for d in docs {
        n += 1;
        for (t, _) in d {
            *df.entry(*t).or_default() += 1;
        }
    }
    (df, n)
}

/// TF-IDF weighting and L2 normalisation of raw counts (`n` documents in
/// the window, plus [`BACKGROUND_DOCS`]).
pub fn tfidf(counts: &SparseVec, df: &FnvMap<u64, u32>, n: usize) -> SparseVec {
    let mut v: SparseVec = counts
        .iter()
        .map(|(t, c)| {
            let d = f64::from(df.get(t).copied().unwrap_or(1));
            let idf = ((n as f64 + BACKGROUND_DOCS as f64 + 1.0) / (d + 1.0)).ln() + 1.0;
            (*t, ((1.0 + f64::from(*c).ln()) * idf) as f32)
        })
        .collect();
    normalise_l2(&mut v);
    v
}

/// Scale a vector to unit L2 norm (unchanged when all zero).
fn normalise_l2(v: &mut SparseVec) {
    let norm = v
        .iter()
        .map(|(_, w)| f64::from(*w) * f64::from(*w))
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 {
        for x in v {
            x.1 = (f64::from(x.1) / norm) as f32;
        }
    }
}

/// Cosine of two normalised sparse vectors.
pub fn cosine(a: &SparseVec, b: &SparseVec) -> f64 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += f64::from(a[i].1) * f64::from(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    s.clamp(0.0, 1.0)
}

/// Dense ids of the terms of a window: each distinct term hash gets a
/// small integer (in order of first appearance), so the document
/// frequencies, the TF-IDF weights and the [`StoryIndex`] read vectors by
/// id instead of hashing every term again.
#[derive(Debug, Default)]
pub struct TermIds {
    /// Article `i`'s term ids, parallel to its vector: `ids[at[i]..at[i + 1]]`.
    ids: Vec<u32>,
    at: Vec<usize>,
    /// Articles of the window with each term.
    pub df: Vec<u32>,
}

impl TermIds {
    /// The ids of the terms of `docs` (term-count vectors).
    pub fn new<'a>(docs: impl IntoIterator<Item = &'a SparseVec>) -> TermIds {
        let mut dict: FnvMap<u64, u32> = FnvMap::default();
        let mut t = TermIds {
            at: vec![0],
            ..TermIds::default()
        };
        for d in docs {
            t.ids.reserve(d.len());
            for (h, _) in d {
                let next = t.df.len() as u32;
                let id = *dict.entry(*h).or_insert(next);
                if id == next {
                    t.df.push(0);
                }
                t.df[id as usize] += 1;
                t.ids.push(id);
            }
            t.at.push(t.ids.len());
        }
        t
    }

    /// Documents given to [`TermIds::new`].
    pub fn docs(&self) -> usize {
        self.at.len() - 1
    }

    /// The term ids of document `i`, parallel to its vector.
    pub fn of(&self, i: usize) -> &[u32] {
        &self.ids[self.at[i]..self.at[i + 1]]
    }

    /// [`tfidf`] of document `i` (its raw `counts`), reading the document
    /// frequencies by id (the same arithmetic, the same weights).
    pub fn tfidf(&self, i: usize, counts: &SparseVec) -> SparseVec {
        let n = self.docs();
        let mut v: SparseVec = counts
            .iter()
            .zip(self.of(i))
            .map(|((t, c), &id)| {
                let d = f64::from(self.df[id as usize]);
                let idf = ((n as f64 + BACKGROUND_DOCS as f64 + 1.0) / (d + 1.0)).ln() + 1.0;
                (*t, ((1.0 + f64::from(*c).ln()) * idf) as f32)
            })
            .collect();
        normalise_l2(&mut v);
        v
    }
}

/// An inverted index from term to the articles of the window, used to
/// find every earlier article that can reach the story threshold with a
/// given one without computing all pairs (see the module docs). Terms are
/// the window's dense ids ([`TermIds`]); lists are flat.
#[derive(Debug, Default)]
pub struct StoryIndex {
    /// Articles indexed (positions `0..len`).
    len: usize,
    /// Term `t` -> (article, weight), in position order:
    /// `postings[at[t]..at[t + 1]]`.
    at: Vec<u32>,
    postings: Vec<(u32, f32)>,
    /// Term -> (articles of the window with it, its largest weight there).
    stats: Vec<(u32, f32)>,
    /// Parallel to the window's term ids ([`TermIds`]): where in
    /// `postings` each article's own entry for the term is, so the entries
    /// before it (the earlier articles) need no search.
    own: Vec<u32>,
    /// Article `i`'s entries of `own`: `own[doc_at[i]..doc_at[i + 1]]`.
    doc_at: Vec<usize>,
}

/// Reused buffers of [`StoryIndex::candidates_of`] (one per thread).
#[derive(Debug, Default)]
pub struct CandidateScratch {
    acc: Vec<f32>,
    touched: Vec<u32>,
    /// Per query term: (df, term, weight, largest weight, id, end of the
    /// earlier articles' entries in `postings`, or `u32::MAX` when unknown).
    by_df: Vec<(u32, u64, f32, f32, u32, u32)>,
}

/// Queries at positions up to this many articles accumulate into a dense
/// array and read it back in order (no list of touched articles, no sort);
/// beyond it (giant windows) only the touched articles are visited, so the
/// work stays proportional to the postings read. Both give the same list.
const DENSE_SCAN_MAX: usize = 4096;

impl StoryIndex {
    /// The index of all the articles of a window (their TF-IDF vectors and
    /// term ids), each under all its terms.
    pub fn new(window: &[SparseVec], terms: &TermIds) -> StoryIndex {
        let nt = terms.df.len();
        let mut stats: Vec<(u32, f32)> = vec![(0, 0.0); nt];
        for (i, v) in window.iter().enumerate() {
            for (&(_, w), &id) in v.iter().zip(terms.of(i)) {
                let e = &mut stats[id as usize];
                e.0 += 1;
                e.1 = e.1.max(w);
            }
        }
        // Lay the lists out back to back, then fill in position order.
        let mut at = Vec::with_capacity(nt + 1);
        let mut next: Vec<u32> = Vec::with_capacity(nt);
        let mut off = 0u32;
        at.push(0);
        for s in &stats {
            next.push(off);
            off += s.0;
            at.push(off);
        }
        let mut postings = vec![(0u32, 0f32); off as usize];
        let mut own = Vec::with_capacity(terms.ids.len());
        let mut doc_at = Vec::with_capacity(window.len() + 1);
        doc_at.push(0);
        for (i, v) in window.iter().enumerate() {
            for (&(_, w), &id) in v.iter().zip(terms.of(i)) {
                let n = &mut next[id as usize];
                postings[*n as usize] = (i as u32, w);
                own.push(*n);
                *n += 1;
            }
            doc_at.push(own.len());
        }
        StoryIndex {
            len: window.len(),
            at,
            postings,
            stats,
            own,
            doc_at,
        }
    }

    /// Articles before article `i` of the window whose cosine with it can
    /// reach `threshold`, in position order, given its own vector `v` and
    /// term ids `ids` (those the index was built from); the caller computes
    /// their exact cosine.
    ///
    /// Exact pruning (the "all-pairs" method of Bayardo et al., 2007): the
    /// query's most common terms are set aside as long as the most they can
    /// add to any cosine stays below the threshold. That bound is the
    /// smaller of the L2 norm of their weights (Cauchy-Schwarz, vectors of
    /// unit length) and the sum of each weight times the term's largest
    /// weight in the window. The posting lists of the other terms give
    /// partial dot products; an article is a candidate when its partial
    /// product plus the bound can reach the threshold. Each posting list is
    /// read for its [`POSTING_CAP`] most recent entries before `i`, whose
    /// end the index keeps for each of the article's own entries (no
    /// search).
    pub fn candidates_of(
        &self,
        i: usize,
        v: &SparseVec,
        ids: &[u32],
        threshold: f64,
        sc: &mut CandidateScratch,
    ) -> Vec<usize> {
        let own = self
            .doc_at
            .get(i + 1)
            .map(|&e| &self.own[self.doc_at[i]..e])
            .filter(|o| o.len() == v.len() && o.len() == ids.len());
        let dense = i.min(self.len) <= DENSE_SCAN_MAX;
        self.candidates(i, v, ids, own, threshold, dense, sc)
    }

    /// [`StoryIndex::candidates_of`] for any query at any position `pos`,
    /// each posting list's earlier part found by search: the reference the
    /// tests check the stored ends against.
    #[cfg(test)]
    fn candidates_before(
        &self,
        pos: usize,
        v: &SparseVec,
        ids: &[u32],
        threshold: f64,
        sc: &mut CandidateScratch,
    ) -> Vec<usize> {
        let dense = pos.min(self.len) <= DENSE_SCAN_MAX;
        self.candidates(pos, v, ids, None, threshold, dense, sc)
    }

    /// The candidates of a query; `own`, when known, gives the end of each
    /// term's earlier entries (see `candidates_of`); `dense` picks the
    /// dense accumulation (see [`DENSE_SCAN_MAX`]).
    #[allow(clippy::too_many_arguments)]
    fn candidates(
        &self,
        pos: usize,
        v: &SparseVec,
        ids: &[u32],
        own: Option<&[u32]>,
        threshold: f64,
        dense: bool,
        sc: &mut CandidateScratch,
    ) -> Vec<usize> {
        let pos = pos.min(self.len);
        if threshold <= 0.0 {
            // Every article reaches a threshold of 0, even one sharing no term.
            return (0..pos).collect();
        }
        let CandidateScratch {
            acc,
            touched,
            by_df,
        } = sc;
        if acc.len() < pos {
            acc.resize(pos, 0.0);
        }
        by_df.clear();
        by_df.extend(v.iter().zip(ids).enumerate().map(|(x, (&(t, w), &id))| {
            let (df, maxw) = self.stats[id as usize];
            let end = own.map_or(u32::MAX, |o| o[x]);
            (df, t, w, maxw.max(w), id, end)
        }));
        // Most common first; ties by term hash (deterministic).
        by_df.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        // Margin for f32 rounding.
        let target = threshold - 1e-3;
        // Setting aside up to the whole threshold reads the fewest postings
        // but leaves a loose filter (any article sharing one kept term);
        // half of it keeps both the postings and the survivors few.
        let aside = target * SET_ASIDE_SHARE;
        let (k, rest) = set_aside(by_df.iter().map(|e| (e.2, e.3)), aside);
        for &(_, _, w, _, id, end) in &by_df[k..] {
            let a = self.at[id as usize] as usize;
            let p = &self.postings[a..self.at[id as usize + 1] as usize];
            let before = if end == u32::MAX {
                p.partition_point(|e| (e.0 as usize) < pos)
            } else {
                end as usize - a
            };
            // The POSTING_CAP most recent entries, read forward: a list
            // holds an article once, so each article's sum takes its terms
            // in the same order either way.
            let recent = &p[before.saturating_sub(POSTING_CAP)..before];
            if dense {
                let acc = &mut acc[..pos];
                for &(at, wj) in recent {
                    // Never exactly 0 once touched (weights are > 0).
                    acc[at as usize] += (w * wj).max(f32::MIN_POSITIVE);
                }
            } else {
                for &(at, wj) in recent {
                    let a = &mut acc[at as usize];
                    if *a == 0.0 {
                        touched.push(at);
                    }
                    *a += (w * wj).max(f32::MIN_POSITIVE);
                }
            }
        }
        let mut out: Vec<usize> = Vec::new();
        if dense {
            for (at, a) in acc[..pos].iter_mut().enumerate() {
                // Read and reset: untouched entries are 0 and stay out.
                let a = std::mem::take(a);
                if a != 0.0 && f64::from(a) + rest >= target {
                    out.push(at);
                }
            }
            return out;
        }
        for at in touched.drain(..) {
            let a = std::mem::take(&mut acc[at as usize]);
            if f64::from(a) + rest >= target {
                out.push(at as usize);
            }
        }
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// TF-IDF vectors of test texts, as the story grouping builds them,
    /// their term ids, and the index of them all.
    fn window<T: AsRef<str>>(texts: &[T]) -> (Vec<SparseVec>, TermIds, StoryIndex) {
        let counts: Vec<SparseVec> = texts.iter().map(|t| term_counts(&[t.as_ref()])).collect();
        let (df, n) = doc_freq(counts.iter());
        let terms = TermIds::new(counts.iter());
        let vecs: Vec<SparseVec> = counts.iter().map(|c| tfidf(c, &df, n)).collect();
        for (i, (c, v)) in counts.iter().zip(&vecs).enumerate() {
            assert_eq!(&terms.tfidf(i, c), v, "weights by id equal weights by hash");
        }
        let idx = StoryIndex::new(&vecs, &terms);
        (vecs, terms, idx)
    }

    /// `n` random texts of `len` words from a vocabulary of `vocab` words,
    /// each word drawn from the first `min_top..vocab` of them (so early
    /// words are common), with generator seed `seed`.
    fn random_texts(
        seed: u64,
        n: usize,
        vocab: usize,
        len: std::ops::Range<usize>,
        min_top: usize,
    ) -> Vec<String> {
        let words: Vec<String> = (0..vocab).map(|i| format!("w{i}x")).collect();
        let mut g = crate::rng::SplitMix64::new(seed);
        (0..n)
            .map(|_| {
                let k = len.start + g.below(len.end - len.start);
                (0..k)
                    .map(|_| {
                        let top = min_top + g.below(vocab - min_top);
                        words[g.below(top)].as_str()
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The index as first written: hash maps, articles added one by one,
    /// each query against the articles added so far (the reference the
    /// dense index must equal).
    #[derive(Default)]
    struct PlainIndex {
        len: usize,
        postings: FnvMap<u64, Vec<(u32, f32)>>,
        stats: FnvMap<u64, (u32, f32)>,
    }

    impl PlainIndex {
        fn new(window: &[SparseVec]) -> PlainIndex {
            let mut p = PlainIndex::default();
            for v in window {
                for &(t, w) in v {
                    let e = p.stats.entry(t).or_insert((0, 0.0));
                    e.0 += 1;
                    e.1 = e.1.max(w);
                }
            }
            p
        }

        fn add(&mut self, pos: usize, v: &SparseVec) {
            self.len = pos + 1;
            for &(t, w) in v {
                self.postings.entry(t).or_default().push((pos as u32, w));
            }
        }

        fn candidates(&self, v: &SparseVec, threshold: f64) -> Vec<usize> {
            if threshold <= 0.0 {
                return (0..self.len).collect();
            }
            let mut by_df: Vec<(u32, u64, f32, f32)> = v
                .iter()
                .map(|&(t, w)| {
                    let (df, maxw) = self.stats.get(&t).copied().unwrap_or((0, w));
                    (df, t, w, maxw.max(w))
                })
                .collect();
            by_df.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let target = threshold - 1e-3;
            let aside = target * SET_ASIDE_SHARE;
            let (k, rest) = set_aside(by_df.iter().map(|e| (e.2, e.3)), aside);
            let mut acc: std::collections::BTreeMap<u32, f32> = Default::default();
            for &(_, t, w, _) in &by_df[k..] {
                for &(at, wj) in self
                    .postings
                    .get(&t)
                    .into_iter()
                    .flatten()
                    .rev()
                    .take(POSTING_CAP)
                {
                    *acc.entry(at).or_default() += (w * wj).max(f32::MIN_POSITIVE);
                }
            }
            acc.into_iter()
                .filter(|&(_, a)| f64::from(a) + rest >= target)
                .map(|(at, _)| at as usize)
                .collect()
        }
    }

    #[test]
    fn add_ids_counts_the_same_terms_as_add() {
        let texts = [
            "",
            "Harbour pier closed after crane collapse in Port Vell",
            "Port Vell harbour: Port Vell officials say the Port Vell pier, Port  Vell, the pier",
            "Li Shangfu met Anna Kovar; Anna Kovar's aides and Ünal Çelik’s café owners said so.",
            "a a a I I I the The THE Minister Minister minister",
        ];
        for t in texts {
            let mut vocab = Interner::default();
            let mut ws = Vec::new();
            for_each_word_in(
                t.unicode_word_indices(),
                &mut String::new(),
                |start, raw, norm| {
                    let cap = raw.chars().next().is_some_and(char::is_uppercase);
                    ws.push((start, start + raw.len(), cap, vocab.intern(norm)));
                },
            );
            let mut tc = TermCounter::default();
            tc.add(
                "Title Words here",
                "Title Words here".unicode_word_indices(),
            );
            tc.add_ids(t, &vocab, ws.into_iter());
            let plain = term_counts(&["Title Words here", t]);
            assert_eq!(tc.finish(), plain, "{t}");
        }
    }

    #[test]
    fn similar_texts_are_closer_than_unrelated_ones() {
        let a = term_counts(&["Harbour pier closed after crane collapse in Port Vell"]);
        let b = term_counts(&["Crane collapse shuts harbour pier, Port Vell officials say"]);
        let c = term_counts(&["Summer festival tickets on sale at the town hall"]);
        let (df, n) = doc_freq([&a, &b, &c]);
        let (va, vb, vc) = (tfidf(&a, &df, n), tfidf(&b, &df, n), tfidf(&c, &df, n));
        assert!(cosine(&va, &vb) > 0.3);
        assert!(cosine(&va, &vc) < 0.05);
        assert!((cosine(&va, &va) - 1.0).abs() < 1e-5);
    }

    #[test]
    fn index_finds_every_article_that_can_reach_the_threshold() {
        let texts = [
            "Harbour pier closed after crane collapse in Port Vell",
            "Summer festival tickets on sale at the town hall",
            "Crane collapse: the harbour pier stays closed, Port Vell says",
            "Town hall festival moves to the harbour after the rain",
            "Port Vell harbour reopens its pier after the crane collapse",
        ];
        let (vecs, terms, idx) = window(&texts);
        let mut sc = CandidateScratch::default();
        for threshold in [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.9] {
            for (i, v) in vecs.iter().enumerate() {
                let cands = idx.candidates_before(i, v, terms.of(i), threshold, &mut sc);
                let reach: Vec<usize> = (0..i)
                    .filter(|&j| cosine(v, &vecs[j]) >= threshold)
                    .collect();
                assert!(
                    reach.iter().all(|j| cands.contains(j)),
                    "threshold {threshold}, article {i}: {reach:?} not in {cands:?}"
                );
            }
        }
    }

    #[test]
    fn candidates_before_a_position_equal_those_of_a_growing_plain_index() {
        let texts = random_texts(3, 120, 80, 3..33, 8);
        let (vecs, terms, full) = window(&texts);
        for threshold in [0.0, 0.1, 0.3, 0.6] {
            let mut growing = PlainIndex::new(&vecs);
            let mut sc = CandidateScratch::default();
            for (i, v) in vecs.iter().enumerate() {
                let want = growing.candidates(v, threshold);
                assert_eq!(
                    full.candidates_before(i, v, terms.of(i), threshold, &mut sc),
                    want
                );
                growing.add(i, v);
            }
        }
    }

    #[test]
    fn own_positions_and_dense_scan_give_the_same_candidates() {
        let texts = random_texts(9, 200, 60, 0..25, 4);
        let (vecs, terms, idx) = window(&texts);
        let mut sc = CandidateScratch::default();
        let mut found = 0;
        for threshold in [0.0, 0.05, 0.2, 0.3, 0.5, 0.8] {
            for (i, v) in vecs.iter().enumerate() {
                let want = idx.candidates_before(i, v, terms.of(i), threshold, &mut sc);
                found += want.len();
                assert_eq!(
                    idx.candidates_of(i, v, terms.of(i), threshold, &mut sc),
                    want
                );
                let own = Some(&idx.own[idx.doc_at[i]..idx.doc_at[i + 1]]);
                for (own, dense) in [(None, false), (None, true), (own, false), (own, true)] {
                    let got = idx.candidates(i, v, terms.of(i), own, threshold, dense, &mut sc);
                    assert_eq!(got, want, "t={threshold} i={i} dense={dense}");
                }
                assert!(sc.acc.iter().all(|&a| a == 0.0) && sc.touched.is_empty());
            }
        }
        assert!(found > 1000, "the test must find candidates ({found})");
    }

    #[test]
    fn pruning_never_misses_an_article_on_random_texts() {
        // Zipf-like random texts over a small vocabulary: many shared common
        // words, some rare ones, so pruning is actually exercised.
        let vocab: Vec<String> = (0..300).map(|i| format!("w{i}x")).collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let texts: Vec<String> = (0..150)
            .map(|_| {
                let len = 5 + (next() % 60) as usize;
                (0..len)
                    .map(|_| {
                        let r = (next() % 10_000) as f64 / 10_000.0;
                        vocab[((r * r * r) * 300.0) as usize].as_str()
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let (vecs, terms, idx) = window(&texts);
        let mut sc = CandidateScratch::default();
        let mut reached = 0;
        for threshold in [0.1, 0.2, 0.3, 0.4, 0.6] {
            for (i, v) in vecs.iter().enumerate() {
                let cands = idx.candidates_before(i, v, terms.of(i), threshold, &mut sc);
                for (j, w) in vecs.iter().enumerate().take(i) {
                    if cosine(v, w) >= threshold {
                        reached += 1;
                        assert!(cands.contains(&j), "t={threshold}: {i} misses {j}");
                    }
                }
            }
        }
        assert!(reached > 100, "the test must exercise matches ({reached})");
    }

    #[test]
    fn term_counts_count_stems_and_entity_pairs() {
        let c = term_counts(&["Port Vell reopens. Port Vell ferries; ferry delays", "x"]);
        let get = |h: u64| c.iter().find(|x| x.0 == h).map(|x| x.1);
        assert_eq!(get(stem_hash("ferries")), Some(2.0));
        assert_eq!(
            get(super::super::tokens::hash_str("e:port vell")),
            Some(2.0)
        );
        assert_eq!(
            get(super::super::tokens::hash_str("x")),
            None,
            "one-letter words are not terms"
        );
        assert!(c.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
