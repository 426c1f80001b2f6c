//! Turning a sentence into the classifier's feature vector.
//!
//! Takes: word tokens (from [`super::terms`]) and the per-sentence lexical
//! counts of the feature schema.
//! Gives: a bounded, sorted n-gram [`Vocab`] with TF-IDF weighting
//! (sublinear tf, smoothed idf, l2 norm), a [`BiasPrior`] learned from
//! annotators' marked words, and the fixed list of "extra" dense features
//! ([`extra_names`], [`extras`]): scaled schema counts, sentence length and
//! bias-prior summaries.

use super::terms::{self, FnvMap};
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
    index: FnvMap<String, u32>,
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
            index: FnvMap::default(),
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
        out.clear();
        scratch.ids.clear();
        let ids = &mut scratch.ids;
        let index = &self.index;
        terms::for_each_term(toks, self.bigrams, &mut scratch.buf, |t| {
            if let Some(&i) = index.get(t) {
                ids.push(i);
            }
        });
        ids.sort_unstable();
        let mut norm = 0.0f32;
        let mut k = 0;
        while k < ids.len() {
            let id = ids[k];
            let mut j = k;
            while j < ids.len() && ids[j] == id {
                j += 1;
            }
            let tf = (j - k) as f32;
            let v = (1.0 + tf.ln()) * self.idf[id as usize];
            norm += v * v;
            out.push((id, v));
            k = j;
        }
        if norm > 0.0 {
            let inv = 1.0 / norm.sqrt();
            for (_, v) in out.iter_mut() {
                *v *= inv;
            }
        }
    }
}

/// Buffers of [`Vocab::tfidf_into`].
#[derive(Debug, Default, Clone)]
pub struct TermBufs {
    pub buf: String,
    pub ids: Vec<u32>,
}

/// Reusable buffers for vectorising many texts without allocating.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    pub toks: Vec<String>,
    pub terms: TermBufs,
    pub sparse: Vec<(u32, f32)>,
    pub extras: Vec<f32>,
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
    index: FnvMap<String, f32>,
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
        self.index = self
            .stems
            .iter()
            .cloned()
            .zip(self.values.iter().copied())
            .collect();
    }

    /// Prior of one token (0 when never marked).
    pub fn of(&self, tok: &str) -> f32 {
        self.index.get(terms::stem(tok)).copied().unwrap_or(0.0)
    }

    /// The summary features of a token sequence, in [`PRIOR_FEATURES`]
    /// order: the three largest distinct-stem priors, how many stems exceed
    /// 0.2 and 0.4, and their sum.
    pub fn features(&self, toks: &[String], out: &mut Vec<f32>) {
        let mut ps: Vec<(&str, f32)> = toks.iter().map(|t| (terms::stem(t), 0.0)).collect();
        ps.sort_unstable_by(|a, b| a.0.cmp(b.0));
        ps.dedup_by(|a, b| a.0 == b.0);
        let mut vals: Vec<f32> = ps
            .iter()
            .filter_map(|(s, _)| self.index.get(*s).copied())
            .collect();
        vals.sort_unstable_by(|a, b| b.total_cmp(a));
        let g = |i: usize| vals.get(i).copied().unwrap_or(0.0);
        out.push(g(0));
        out.push(g(1));
        out.push(g(2));
        out.push(vals.iter().filter(|v| **v > 0.2).count() as f32);
        out.push(vals.iter().filter(|v| **v > 0.4).count() as f32);
        out.push(vals.iter().sum());
    }
}

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
    out.clear();
    let n = schema::count_features().count();
    for i in 0..n {
        out.push((1.0 + counts.get(i).copied().unwrap_or(0) as f32).ln());
    }
    out.push((1.0 + toks.len() as f32).ln() / 4.0);
    if let Some(p) = prior {
        p.features(toks, out);
    }
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
