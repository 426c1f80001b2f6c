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
/// article may contribute at most ([`StoryIndex::candidates`]).
pub const SET_ASIDE_SHARE: f64 = 0.25;
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
    let norm = v
        .iter()
        .map(|(_, w)| f64::from(*w) * f64::from(*w))
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 {
        for x in &mut v {
            x.1 = (f64::from(x.1) / norm) as f32;
        }
    }
    v
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

/// An inverted index from term to earlier articles of the window, used to
/// find every article that can reach the story threshold with a new one
/// without computing all pairs (see the module docs).
#[derive(Debug, Default)]
pub struct StoryIndex {
    /// Articles indexed so far (positions `0..len`).
    len: usize,
    /// Term -> (article, weight), in position order.
    postings: FnvMap<u64, Vec<(u32, f32)>>,
    /// Term -> (articles of the window with it, its largest weight there).
    stats: FnvMap<u64, (u32, f32)>,
    scratch: CandidateScratch,
}

/// Reused buffers of [`StoryIndex::candidates_before`] (one per thread).
#[derive(Debug, Default)]
pub struct CandidateScratch {
    acc: Vec<f32>,
    touched: Vec<u32>,
}

impl StoryIndex {
    /// An empty index for the articles of a window (their vectors give each
    /// term's document frequency and largest weight, used for pruning).
    pub fn new(window: &[SparseVec]) -> StoryIndex {
        let mut stats: FnvMap<u64, (u32, f32)> = FnvMap::default();
        for v in window {
            for &(t, w) in v {
                let e = stats.entry(t).or_insert((0, 0.0));
                e.0 += 1;
                e.1 = e.1.max(w);
            }
        }
        StoryIndex {
            stats,
            ..StoryIndex::default()
        }
    }

    /// Index an article (its position in the window) under all its terms;
    /// positions must be added in increasing order.
    pub fn add(&mut self, pos: usize, v: &SparseVec) {
        self.len = self.len.max(pos + 1);
        for &(t, w) in v {
            self.postings.entry(t).or_default().push((pos as u32, w));
        }
    }

    /// Indexed articles whose cosine with `v` can reach `threshold`, in
    /// position order; the caller computes their exact cosine.
    pub fn candidates(&mut self, v: &SparseVec, threshold: f64) -> Vec<usize> {
        let mut sc = std::mem::take(&mut self.scratch);
        let out = self.candidates_before(self.len, v, threshold, &mut sc);
        self.scratch = sc;
        out
    }

    /// [`StoryIndex::candidates`] among the indexed articles at positions
    /// below `pos` only: the answer the index gave when it held just those
    /// articles. With every article of the window indexed once, the
    /// candidates of all articles can be found independently (in parallel).
    ///
    /// Exact pruning (the "all-pairs" method of Bayardo et al., 2007): the
    /// query's most common terms are set aside as long as the most they can
    /// add to any cosine stays below the threshold. That bound is the
    /// smaller of the L2 norm of their weights (Cauchy-Schwarz, vectors of
    /// unit length) and the sum of each weight times the term's largest
    /// weight in the window. The posting lists of the other terms give
    /// partial dot products; an article is a candidate when its partial
    /// product plus the bound can reach the threshold. Each posting list is
    /// read for its [`POSTING_CAP`] most recent entries before `pos`.
    pub fn candidates_before(
        &self,
        pos: usize,
        v: &SparseVec,
        threshold: f64,
        sc: &mut CandidateScratch,
    ) -> Vec<usize> {
        let pos = pos.min(self.len);
        if threshold <= 0.0 {
            // Every article reaches a threshold of 0, even one sharing no term.
            return (0..pos).collect();
        }
        if sc.acc.len() < pos {
            sc.acc.resize(pos, 0.0);
        }
        let mut by_df: Vec<(u32, u64, f32, f32)> = v
            .iter()
            .map(|&(t, w)| {
                let (df, maxw) = self.stats.get(&t).copied().unwrap_or((0, w));
                (df, t, w, maxw.max(w))
            })
            .collect();
        // Most common first; ties by term hash (deterministic).
        by_df.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        // Margin for f32 rounding.
        let target = threshold - 1e-3;
        // Setting aside up to the whole threshold reads the fewest postings
        // but leaves a loose filter (any article sharing one kept term);
        // a quarter of it keeps both the postings and the survivors few.
        let aside = target * SET_ASIDE_SHARE;
        let (mut l2, mut dot) = (0.0f64, 0.0f64);
        let mut k = 0;
        while k < by_df.len() {
            let (_, _, w, maxw) = by_df[k];
            let (w, maxw) = (f64::from(w), f64::from(maxw));
            let (l2n, dotn) = (l2 + w * w, dot + w * maxw);
            if l2n.sqrt().min(dotn) >= aside {
                break;
            }
            (l2, dot) = (l2n, dotn);
            k += 1;
        }
        let rest = l2.sqrt().min(dot);
        let CandidateScratch { acc, touched } = sc;
        for &(_, t, w, _) in &by_df[k..] {
            let Some(p) = self.postings.get(&t) else {
                continue;
            };
            let before = p.partition_point(|e| (e.0 as usize) < pos);
            for &(at, wj) in p[..before].iter().rev().take(POSTING_CAP) {
                let a = &mut acc[at as usize];
                if *a == 0.0 {
                    touched.push(at);
                }
                // Never exactly 0 again once touched (weights are > 0).
                *a += (w * wj).max(f32::MIN_POSITIVE);
            }
        }
        let mut out: Vec<usize> = Vec::new();
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

    /// TF-IDF vectors of test texts, as the story grouping builds them.
    fn tfidf_vecs<T: AsRef<str>>(texts: &[T]) -> Vec<SparseVec> {
        let counts: Vec<SparseVec> = texts.iter().map(|t| term_counts(&[t.as_ref()])).collect();
        let (df, n) = doc_freq(counts.iter());
        counts.iter().map(|c| tfidf(c, &df, n)).collect()
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
        let vecs = tfidf_vecs(&texts);
        for threshold in [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.9] {
            let mut idx = StoryIndex::new(&vecs);
            for (i, v) in vecs.iter().enumerate() {
                let cands = idx.candidates(v, threshold);
                let reach: Vec<usize> = (0..i)
                    .filter(|&j| cosine(v, &vecs[j]) >= threshold)
                    .collect();
                assert!(
                    reach.iter().all(|j| cands.contains(j)),
                    "threshold {threshold}, article {i}: {reach:?} not in {cands:?}"
                );
                idx.add(i, v);
            }
        }
    }

    #[test]
    fn candidates_before_a_position_equal_those_of_a_growing_index() {
        let vocab: Vec<String> = (0..80).map(|i| format!("w{i}x")).collect();
        let mut g = crate::rng::SplitMix64::new(3);
        let texts: Vec<String> = (0..120)
            .map(|_| {
                let len = 3 + g.below(30);
                (0..len)
                    .map(|_| {
                        let top = 8 + g.below(72);
                        vocab[g.below(top)].as_str()
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let vecs = tfidf_vecs(&texts);
        let mut full = StoryIndex::new(&vecs);
        for (i, v) in vecs.iter().enumerate() {
            full.add(i, v);
        }
        for threshold in [0.0, 0.1, 0.3, 0.6] {
            let mut growing = StoryIndex::new(&vecs);
            let mut sc = CandidateScratch::default();
            for (i, v) in vecs.iter().enumerate() {
                let want = growing.candidates(v, threshold);
                assert_eq!(full.candidates_before(i, v, threshold, &mut sc), want);
                growing.add(i, v);
            }
        }
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
        let vecs = tfidf_vecs(&texts);
        let mut reached = 0;
        for threshold in [0.1, 0.2, 0.3, 0.4, 0.6] {
            let mut idx = StoryIndex::new(&vecs);
            for (i, v) in vecs.iter().enumerate() {
                let cands = idx.candidates(v, threshold);
                for (j, w) in vecs.iter().enumerate().take(i) {
                    if cosine(v, w) >= threshold {
                        reached += 1;
                        assert!(cands.contains(&j), "t={threshold}: {i} misses {j}");
                    }
                }
                idx.add(i, v);
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
