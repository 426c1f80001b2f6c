//! The trained linear heads and how they score and explain.
//!
//! Takes: tokens (and, for sentences, the schema's per-sentence counts).
//! Gives: [`SentenceHead`]: a calibrated probability that a sentence is
//! framed in a biased way, plus rank-based term contributions (weight ×
//! TF-IDF value, positive only); [`MultiHead`]: one calibrated probability
//! per label for a whole text (used for the 14 frames and the genre).
//!
//! Every head is one linear function of its features followed by a Platt
//! sigmoid `p = 1 / (1 + exp(-(a·z + b)))`, whatever learner produced it:
//! ensembles of linear models are averaged in logit space, naive Bayes is
//! linear in its features, and NB-weighted features are folded into the
//! weights. That keeps scoring a sparse dot product.

use super::terms::{self, TokenTexts};
use super::vectorize::{self, BiasPrior, Scratch, Vocab};
use std::sync::Arc;

/// Platt scaling parameters: `p = sigmoid(a * z + b)`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Platt {
    pub a: f64,
    pub b: f64,
}

impl Platt {
    /// No calibration: `p = sigmoid(z)`.
    pub const IDENTITY: Platt = Platt { a: 1.0, b: 0.0 };

    /// Calibrated probability of a decision value.
    pub fn prob(&self, z: f64) -> f64 {
        sigmoid(self.a * z + self.b)
    }
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// The sentence framing head.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SentenceHead {
    /// The learner that produced the weights (`lr`, `nblr`, `nb`, `svm`,
    /// `ensemble`).
    pub learner: String,
    pub vocab: Vocab,
    /// Word-level bias prior, when trained with a marked-words column.
    pub prior: Option<BiasPrior>,
    /// Names of the extra features (see [`vectorize::extra_names`]).
    pub extra_names: Vec<String>,
    /// One weight per vocabulary term (already multiplied by any NB ratio).
    pub weights: Vec<f32>,
    /// One weight per extra feature (already multiplied by its scale).
    pub extra_weights: Vec<f32>,
    pub intercept: f64,
    pub platt: Platt,
    /// `weights` with the terms made of function words only
    /// ([`Vocab::is_uninformative`]) set to 0, so that the contributions
    /// keep a term by the sign of one product (built by
    /// [`SentenceHead::reindex`]; empty until then, and to be rebuilt if
    /// `weights` change).
    #[serde(skip)]
    pub(crate) contrib_weights: Vec<f32>,
}

/// A contributing term: a vocabulary term by id, or a word outside the
/// vocabulary (one the bias prior knows) by its index among the tokens the
/// contributions were taken from ([`SentenceHead::key_str`]). Equal `Term`
/// keys are equal texts; `Word` keys must be compared by text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermKey {
    Term(u32),
    Word(u32),
}

impl TermKey {
    /// The key with a `Word`'s token index moved on by `by` (when a
    /// sentence's tokens are a slice starting at `by` of an article's).
    pub(crate) fn shifted(self, by: usize) -> TermKey {
        match self {
            TermKey::Word(i) => TermKey::Word(i + by as u32),
            k => k,
        }
    }
}

/// A term's contribution to a sentence's decision value.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub term: String,
    pub value: f64,
}

impl SentenceHead {
    /// Rebuild lookup indexes after deserialising.
    pub fn reindex(&mut self) {
        self.vocab.reindex();
        if let Some(p) = &mut self.prior {
            p.reindex();
        }
        self.contrib_weights = (self.weights.iter().enumerate())
            .map(|(j, &w)| {
                if self.vocab.is_uninformative(j as u32) {
                    0.0
                } else {
                    w
                }
            })
            .collect();
    }

    /// Decision value (logit before calibration) of a tokenised sentence.
    /// `s.toks` must hold the sentence's tokens.
    pub fn decision(&self, counts: &[u32], s: &mut Scratch) -> f64 {
        let mut words = std::mem::take(&mut s.words);
        self.vocab.word_ids_into(&s.toks, &mut words);
        // Each token's prior slot stays in `s.prior_slots` for
        // `keyed_contributions`.
        let mut slots = std::mem::take(&mut s.prior_slots);
        if let Some(p) = &self.prior {
            p.slots_into(&s.toks, &mut slots);
        }
        let z = self.decision_from(&words, &slots, counts, s);
        s.words = words;
        s.prior_slots = slots;
        z
    }

    /// [`SentenceHead::decision`] of a sentence given per token its word id
    /// in `self.vocab` and its prior slot (unused without a prior); leaves
    /// the TF-IDF vector in `s.sparse`.
    pub(crate) fn decision_from(
        &self,
        words: &[u32],
        slots: &[u32],
        counts: &[u32],
        s: &mut Scratch,
    ) -> f64 {
        self.vocab
            .tfidf_from_words(words, &mut s.terms, &mut s.sparse);
        let mut z = self.intercept;
        for &(j, v) in &s.sparse {
            z += f64::from(self.weights[j as usize] * v);
        }
        // As `vectorize::extras`.
        vectorize::extras_base(counts, words.len(), &mut s.extras);
        if let Some(p) = &self.prior {
            p.features_from_slots(slots, &mut s.slot_tmp, &mut s.prior_vals, &mut s.extras);
        }
        for (w, e) in self.extra_weights.iter().zip(&s.extras) {
            z += f64::from(w * e);
        }
        z
    }

    /// Calibrated framing probability of a sentence.
    pub fn prob(&self, text: &str, counts: &[u32], s: &mut Scratch) -> f64 {
        terms::tokens_reusing(text, &mut s.toks, &mut s.spare);
        self.platt.prob(self.decision(counts, s))
    }

    /// Terms that push this sentence's score up, strongest first: for each
    /// vocabulary term, weight × TF-IDF value; for each word the bias prior
    /// knows, the prior features' weight × its prior (only the words that
    /// fill the `prior_max1..3` slots). Positive contributions only; terms
    /// made of function words only are left out.
    pub fn contributions(&self, text: &str, counts: &[u32], s: &mut Scratch) -> Vec<Contribution> {
        let _ = counts;
        terms::tokens_reusing(text, &mut s.toks, &mut s.spare);
        let mut words = std::mem::take(&mut s.words);
        self.vocab.word_ids_into(&s.toks, &mut words);
        self.vocab
            .tfidf_from_words(&words, &mut s.terms, &mut s.sparse);
        if let Some(p) = &self.prior {
            p.slots_into(&s.toks, &mut s.prior_slots);
        }
        let mut keyed = Vec::new();
        let slots = if self.prior.is_some() {
            s.prior_slots.as_slice()
        } else {
            &[]
        };
        self.keyed_contributions(
            s.toks.as_slice(),
            &words,
            slots,
            &s.sparse,
            &self.prior_slots(),
            &mut s.prior_words,
            &mut keyed,
        );
        s.words = words;
        self.sort_keyed(&mut keyed, s.toks.as_slice());
        keyed
            .into_iter()
            .map(|(k, value)| Contribution {
                term: self.key_str(&k, s.toks.as_slice()).to_string(),
                value,
            })
            .collect()
    }

    /// Positions of `prior_max1..3` among the extra features.
    pub(crate) fn prior_slots(&self) -> [Option<usize>; 3] {
        ["prior_max1", "prior_max2", "prior_max3"]
            .map(|slot| self.extra_names.iter().position(|n| n == slot))
    }

    /// The text of a contribution key taken from tokens `toks`.
    pub(crate) fn key_str<'a, T: TokenTexts + ?Sized>(
        &'a self,
        k: &TermKey,
        toks: &'a T,
    ) -> &'a str {
        match *k {
            TermKey::Term(j) => &self.vocab.terms[j as usize],
            TermKey::Word(i) => toks.text(i as usize),
        }
    }

    /// Sort keyed contributions (taken from tokens `toks`) as
    /// [`SentenceHead::contributions`] lists them: by value, strongest
    /// first, then by term.
    pub(crate) fn sort_keyed<T: TokenTexts + ?Sized>(&self, v: &mut [(TermKey, f64)], toks: &T) {
        v.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.key_str(&a.0, toks).cmp(self.key_str(&b.0, toks)))
        });
    }

    /// [`SentenceHead::contributions`] of the sentence with tokens `toks`,
    /// their word ids in `self.vocab` (`word_ids`), their prior slots
    /// `prior_slots` (or none) and TF-IDF vector `sparse` (as
    /// [`SentenceHead::decision`] leaves them), unsorted, into `out`;
    /// `words` is scratch. Each term appears once; a prior word that is
    /// also a vocabulary term is keyed (and summed) as that term, exactly as
    /// a map keyed by the term text would. `slots` is
    /// [`SentenceHead::prior_slots`]. Only the texts of tokens with a prior
    /// slot are read when `prior_slots` and `word_ids` are given.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn keyed_contributions<T: TokenTexts + ?Sized>(
        &self,
        toks: &T,
        word_ids: &[u32],
        prior_slots: &[u32],
        sparse: &[(u32, f32)],
        slots: &[Option<usize>; 3],
        words: &mut Vec<(f32, u32)>,
        out: &mut Vec<(TermKey, f64)>,
    ) {
        out.clear();
        // `sparse` is sorted by term id, each id once. Terms made of
        // function words only are left out as they come (not filtered
        // afterwards).
        if self.contrib_weights.len() == self.weights.len() {
            // Without a branch per term (the sign is unpredictable): every
            // term is written, and the next one overwrites it unless it is
            // kept. A function-word term has weight 0 here: a product of
            // 0 (or NaN), never above 0, as the plain test below.
            out.resize(sparse.len(), (TermKey::Term(0), 0.0));
            let mut k = 0;
            for &(j, v) in sparse {
                let c = f64::from(self.contrib_weights[j as usize] * v);
                out[k] = (TermKey::Term(j), 0.0 + c);
                k += usize::from(c > 0.0);
            }
            out.truncate(k);
        } else {
            for &(j, v) in sparse {
                let c = f64::from(self.weights[j as usize] * v);
                if c > 0.0 && !self.vocab.is_uninformative(j) {
                    out.push((TermKey::Term(j), 0.0 + c));
                }
            }
        }
        let n_terms = out.len();
        let Some(p) = &self.prior else {
            return;
        };
        // The per-token lookups, made here if the caller has none.
        let own_slots: Vec<u32>;
        let prior_slots = if prior_slots.len() == toks.count() {
            prior_slots
        } else {
            own_slots = (0..toks.count())
                .map(|i| p.slot(toks.text(i)).unwrap_or(vectorize::NO_SLOT))
                .collect();
            &own_slots
        };
        let mut own_ids = Vec::new();
        let word_ids = if word_ids.len() == toks.count() {
            word_ids
        } else {
            own_ids.extend(
                (0..toks.count())
                    .map(|i| self.vocab.word_id(toks.text(i)).unwrap_or(vectorize::NO_ID)),
            );
            &own_ids
        };
        // Distinct stems by descending prior; ties by token for determinism.
        // `words` holds (prior, token index); elements that compare equal
        // have the same token, so an unstable sort gives the same list.
        words.clear();
        words.extend(
            prior_slots
                .iter()
                .enumerate()
                .map(|(i, &slot)| (p.value_of_slot(slot), i as u32))
                .filter(|(v, _)| *v > 0.0),
        );
        let tok = |i: u32| toks.text(i as usize);
        words.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then_with(|| tok(a.1).cmp(tok(b.1))));
        // Two tokens have the same stem exactly when they have the same
        // slot (a slot is the position of one stem text).
        let slot_of = |i: u32| prior_slots[i as usize];
        words.dedup_by(|a, b| slot_of(a.1) == slot_of(b.1));
        for (k, slot) in slots.iter().enumerate() {
            let (Some(&(v, wi)), Some(fi)) = (words.get(k), *slot) else {
                continue;
            };
            let c = f64::from(self.extra_weights[fi] * v);
            if c <= 0.0 || c.is_nan() {
                continue;
            }
            // The token's unigram term, as `self.vocab.get(token)`.
            match self.vocab.unigram_of_word(word_ids[wi as usize]) {
                Some(j) if self.vocab.is_uninformative(j) => {}
                Some(j) => {
                    let found = out[..n_terms]
                        .binary_search_by(|(key, _)| match key {
                            TermKey::Term(i) => i.cmp(&j),
                            TermKey::Word(_) => std::cmp::Ordering::Greater,
                        })
                        .ok();
                    match found {
                        Some(at) => out[at].1 += c,
                        None => out.push((TermKey::Term(j), 0.0 + c)),
                    }
                }
                None if terms::is_uninformative(tok(wi)) => {}
                None => out.push((TermKey::Word(wi), 0.0 + c)),
            }
        }
    }

    /// Every feature name with its weight, strongest positive first (for
    /// documentation and the model card).
    pub fn strongest_terms(&self, n: usize) -> Vec<(String, f32)> {
        let mut v: Vec<(String, f32)> = self
            .vocab
            .terms
            .iter()
            .cloned()
            .zip(self.weights.iter().copied())
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.truncate(n);
        v
    }
}

/// A one-vs-rest head over whole texts: one calibrated probability per
/// label.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct MultiHead {
    pub labels: Vec<String>,
    pub vocab: Vocab,
    /// `weights[label][term]`.
    pub weights: Vec<Vec<f32>>,
    pub intercepts: Vec<f64>,
    pub platt: Vec<Platt>,
    /// Whether probabilities are normalised to sum to 1 (exclusive labels,
    /// such as genre) or independent (multi-label, such as frames).
    pub exclusive: bool,
    /// `weights` by term: `by_term[term * labels + label]`, so that a
    /// term's weights for all labels are read together (built by
    /// [`MultiHead::reindex`]).
    #[serde(skip)]
    pub(crate) by_term: Vec<f32>,
    /// `labels` as shared strings, handed to every scored article
    /// ([`crate::model::Scored::frames`]) without a copy (built by
    /// [`MultiHead::reindex`]).
    #[serde(skip)]
    pub(crate) shared_labels: Vec<Arc<str>>,
}

impl MultiHead {
    /// Rebuild lookup indexes after deserialising.
    pub fn reindex(&mut self) {
        self.vocab.reindex();
        self.shared_labels = self.labels.iter().map(|l| Arc::from(l.as_str())).collect();
        let (l, n) = (self.weights.len(), self.vocab.len());
        self.by_term.clear();
        if self.weights.iter().all(|w| w.len() == n) {
            self.by_term.reserve(l * n);
            for j in 0..n {
                self.by_term.extend(self.weights.iter().map(|w| w[j]));
            }
        }
    }

    /// Decision values of a tokenised text (`s.toks`), one per label.
    pub fn decisions(&self, s: &mut Scratch) -> Vec<f64> {
        let mut words = std::mem::take(&mut s.words);
        self.vocab.word_ids_into(&s.toks, &mut words);
        let out = self.decisions_from(&words, s);
        s.words = words;
        out
    }

    /// [`MultiHead::decisions`] of a text given as one word id of
    /// `self.vocab` per token.
    pub(crate) fn decisions_from(&self, words: &[u32], s: &mut Scratch) -> Vec<f64> {
        let mut sparse = std::mem::take(&mut s.sparse);
        self.vocab
            .tfidf_from_words(words, &mut s.terms, &mut sparse);
        let l = self.weights.len();
        if l > 0 && self.by_term.len() == l * self.vocab.len() {
            // Each label's sum in the same order as below (`Sum` for
            // `f64` starts from -0.0), all labels in one pass over the terms.
            let mut acc = vec![-0.0f64; l];
            for &(j, v) in &sparse {
                let row = &self.by_term[j as usize * l..][..l];
                for (a, w) in acc.iter_mut().zip(row) {
                    *a += f64::from(w * v);
                }
            }
            s.sparse = sparse;
            return self
                .intercepts
                .iter()
                .zip(acc)
                .map(|(b, a)| b + a)
                .collect();
        }
        let out = self
            .weights
            .iter()
            .zip(&self.intercepts)
            .map(|(w, b)| {
                b + sparse
                    .iter()
                    .map(|&(j, v)| f64::from(w[j as usize] * v))
                    .sum::<f64>()
            })
            .collect();
        s.sparse = sparse;
        out
    }

    /// Calibrated probabilities of a text, one per label, in label order.
    pub fn probs(&self, text: &str, s: &mut Scratch) -> Vec<f64> {
        terms::tokens_reusing(text, &mut s.toks, &mut s.spare);
        let z = self.decisions(s);
        self.calibrate(z)
    }

    /// Calibrated probabilities from decision values.
    pub(crate) fn calibrate(&self, z: Vec<f64>) -> Vec<f64> {
        let mut p: Vec<f64> = z
            .into_iter()
            .zip(&self.platt)
            .map(|(z, c)| c.prob(z))
            .collect();
        if self.exclusive {
            let sum: f64 = p.iter().sum();
            if sum > 0.0 {
                p.iter_mut().for_each(|x| *x /= sum);
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The label-by-label sums of `decisions_from` (the head before
    /// `reindex`, which has no `by_term`) equal the one-pass sums.
    #[test]
    fn decisions_by_term_equal_label_by_label() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let n = 300;
        let terms: Vec<String> = (0..n).map(|i| format!("w{i:03}")).collect();
        let mut vocab = Vocab::default();
        vocab.bigrams = true;
        vocab.idf = (0..n).map(|i| 1.0 + (i % 7) as f32 / 3.0).collect();
        vocab.terms = terms;
        vocab.reindex();
        let w = |next: &mut dyn FnMut() -> u64| match next() % 4 {
            0 => 0.0,
            1 => -0.0,
            _ => (next() % 2001) as f32 / 1000.0 - 1.0,
        };
        let mut head = MultiHead {
            labels: (0..5).map(|i| format!("l{i}")).collect(),
            vocab,
            weights: (0..5)
                .map(|_| (0..n).map(|_| w(&mut next)).collect())
                .collect(),
            intercepts: vec![0.5, -0.0, 0.0, -1.25, 2.0],
            platt: vec![Platt::IDENTITY; 5],
            exclusive: false,
            by_term: Vec::new(),
            shared_labels: Vec::new(),
        };
        let plain = head.clone();
        head.reindex();
        assert_eq!(head.by_term.len(), 5 * n);
        let mut s = Scratch::default();
        for _ in 0..500 {
            let len = (next() % 80) as usize;
            let words: Vec<u32> = (0..len)
                .map(|_| match next() % 5 {
                    0 => vectorize::NO_ID,
                    _ => head
                        .vocab
                        .word_id(&format!("w{:03}", next() % n as u64))
                        .unwrap(),
                })
                .collect();
            let a = head.decisions_from(&words, &mut s);
            let b = plain.decisions_from(&words, &mut s);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b), "{words:?}");
        }
    }

    #[test]
    fn sigmoid_is_stable_at_extremes() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!(sigmoid(800.0) <= 1.0 && sigmoid(800.0) > 0.999);
        assert!(sigmoid(-800.0) >= 0.0 && sigmoid(-800.0) < 1e-300);
        assert!((Platt { a: 2.0, b: -1.0 }.prob(0.5) - 0.5).abs() < 1e-12);
    }
}
