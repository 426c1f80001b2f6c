//! Stage 6: model.
//!
//! Takes: an [`Analysis`] and a trained [`Model`].
//! Gives: a [`Scored`] article: `framing_prob` per sentence (calibrated
//! probability that BABE-style annotators would call the sentence biased),
//! the article `framing_score` (0-100), its top sentences and terms, and the
//! frame profile.
//!
//! Also home of training ([`train`]), cross-validation ([`eval`]), the
//! frame heads ([`frames`]), the commands built on them ([`run`]), the
//! accuracy chart ([`chart`]) and the embedded default model.
//!
//! ## Article framing score
//!
//! Sentences with at least [`MIN_SENTENCE_TOKENS`] word tokens are eligible
//! (all sentences when none is). With `p` their framing probabilities and
//! `k = max(1, ceil(n / 5))`:
//!
//! ```text
//! framing_score = 100 * (0.5 * mean(p) + 0.5 * mean(top k of p))
//! ```
//!
//! The mean says how loaded the article is overall; the top-fifth mean
//! keeps a few strongly loaded sentences from being diluted by a long
//! factual body. Both parts are averages, so the score does not grow with
//! article length.

pub mod chart;
pub mod data;
pub mod eval;
pub mod frames;
pub mod heads;
pub mod run;
pub mod solver;
pub mod terms;
pub mod train;
pub mod vectorize;

use crate::features::Analysis;
use crate::schema;
use heads::{MultiHead, SentenceHead};
use std::sync::Arc;
use vectorize::Scratch;

/// Errors of the model stage.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model file {path}: {reason}")]
    Load { path: String, reason: String },
    #[error("model was trained with feature schema v{found}, this framelens uses v{expected}; retrain it with `framelens train`")]
    SchemaMismatch { found: u32, expected: u32 },
    #[error("training data: {0}")]
    Data(String),
    #[error("training failed: {0}")]
    Train(String),
}

/// A sentence that contributes to an article's framing score.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TopSentence {
    pub sentence: usize,
    pub prob: f64,
    /// Terms that pushed the probability up, strongest first.
    pub terms: Vec<String>,
}

/// A scored article.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Scored {
    pub analysis: Analysis,
    /// One probability per sentence of `analysis.layout.sentences`.
    pub sentence_probs: Vec<f64>,
    /// 0-100.
    pub framing_score: f64,
    pub top_sentences: Vec<TopSentence>,
    /// Terms contributing most over the whole article, strongest first.
    pub top_terms: Vec<String>,
    /// `(frame name, probability)` in the fixed frame order; empty when the
    /// model has no frame head. The names are the model's own, shared.
    #[serde(serialize_with = "ser_label_probs")]
    pub frames: Vec<(Arc<str>, f64)>,
    /// `(genre, probability)`; empty when the model has no genre head.
    #[serde(serialize_with = "ser_label_probs")]
    pub genre: Vec<(Arc<str>, f64)>,
}

// Serialised as `[name, probability]` pairs, as `(String, f64)` was
// (serde's `rc` feature is not enabled).
fn ser_label_probs<S: serde::Serializer>(v: &[(Arc<str>, f64)], ser: S) -> Result<S::Ok, S::Error> {
    ser.collect_seq(v.iter().map(|(n, p)| (&**n, *p)))
}

/// The file format tag of model files.
pub const MODEL_FORMAT: &str = "framelens-model";

/// Sentences shorter than this (in word tokens) do not enter the article
/// score unless no sentence is long enough.
pub const MIN_SENTENCE_TOKENS: usize = 4;
/// Sentences listed in `top_sentences`.
pub const TOP_SENTENCES: usize = 3;
/// Terms listed per top sentence.
pub const TERMS_PER_SENTENCE: usize = 5;
/// Terms listed in `top_terms`.
pub const TOP_TERMS: usize = 10;

/// Where a model came from (recorded in the model file).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ModelInfo {
    /// File name of the sentence training data.
    pub sentence_data: String,
    pub sentence_rows: usize,
    pub positive_label: String,
    /// Folder name of the frame training data, if any.
    pub frame_data: Option<String>,
    pub frame_articles: usize,
    /// Free text: how the threshold and hyper-parameters were chosen.
    pub notes: String,
}

/// A trained model: the sentence framing head, and optionally the frame
/// profile and genre heads. Serialised as JSON.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Model {
    pub format: String,
    /// Must equal [`schema::SCHEMA_VERSION`] to load.
    pub schema_version: u32,
    /// The schema's count features, in order, as the model saw them.
    pub lexical_features: Vec<String>,
    pub info: ModelInfo,
    pub config: train::TrainConfig,
    /// Probability at or above which a sentence counts as "biased" in
    /// `evaluate`'s confusion matrix (exports carry probabilities, not
    /// verdicts).
    pub threshold: f64,
    pub sentence: SentenceHead,
    pub frames: Option<MultiHead>,
    pub genre: Option<MultiHead>,
    /// The word lookups of all heads in one table, built on first use.
    #[serde(skip)]
    pub(crate) words: std::sync::OnceLock<WordTable>,
}

/// Every word any head looks up, with its word id in the sentence, frame
/// and genre vocabularies and its bias-prior slot ([`WordTable::get`]), so
/// that scoring an article looks each token up once for all heads.
#[derive(Debug, Clone, Default)]
pub(crate) struct WordTable {
    /// The words of at most 16 bytes (nearly all), by packed text
    /// ([`terms::pack16`]): no hashing and comparing of word bytes.
    short: terms::PackedMap<[u32; 4]>,
    /// The longer words.
    long: terms::FxMap<Box<str>, [u32; 4]>,
    /// The bias prior's stems of at most 16 bytes -> their slot (what
    /// `BiasPrior::slot` looks up), for the tokens not in the table.
    stems: terms::PackedMap<u32>,
}

/// [`WordTable`] columns.
const W_SENTENCE: usize = 0;
const W_FRAMES: usize = 1;
const W_GENRE: usize = 2;
const W_SLOT: usize = 3;

impl WordTable {
    fn build(m: &Model) -> WordTable {
        let none = [vectorize::NO_ID; 4];
        let mut map: terms::FxMap<Box<str>, [u32; 4]> = Default::default();
        let heads = [
            Some(&m.sentence.vocab),
            m.frames.as_ref().map(|h| &h.vocab),
            m.genre.as_ref().map(|h| &h.vocab),
        ];
        for (k, v) in heads.iter().enumerate() {
            for (w, id) in v.iter().flat_map(|v| v.word_ids()) {
                map.entry(w.into()).or_insert(none)[k] = id;
            }
        }
        if let Some(p) = &m.sentence.prior {
            for st in &p.stems {
                map.entry(st.as_str().into()).or_insert(none);
            }
        }
        let mut t = WordTable::default();
        for (w, mut e) in map {
            e[W_SLOT] = Self::slot(m, &w);
            match terms::pack16(w.as_bytes()) {
                Some(k) => *t.short.entry(k) = e,
                None => {
                    t.long.insert(w, e);
                }
            }
        }
        if let Some(p) = &m.sentence.prior {
            for (st, slot) in p.stem_slots() {
                if let Some(k) = terms::pack16(st.as_bytes()) {
                    *t.stems.entry(k) = slot;
                }
            }
        }
        t
    }

    fn slot(m: &Model, tok: &str) -> u32 {
        m.sentence
            .prior
            .as_ref()
            .and_then(|p| p.slot(tok))
            .unwrap_or(vectorize::NO_SLOT)
    }

    /// The entry of a token: its word id per head ([`vectorize::NO_ID`] when
    /// a vocabulary does not have it) and its prior slot
    /// ([`vectorize::NO_SLOT`] when none).
    #[inline]
    fn get(&self, m: &Model, tok: &str) -> [u32; 4] {
        let found = match terms::pack16(tok.as_bytes()) {
            Some(k) => self.short.get(k),
            None => self.long.get(tok).copied(),
        };
        found.unwrap_or_else(|| self.missing(m, tok))
    }

    /// [`WordTable::get`] of an ASCII token given before lower-casing
    /// ([`terms::RawToken::Ascii`]); `buf` receives the lower-cased token
    /// when it is needed.
    #[inline]
    fn get_ascii(&self, m: &Model, raw: &str, buf: &mut String) -> [u32; 4] {
        let found = terms::pack16_lower(raw.as_bytes()).map(|k| self.short.get(k));
        if let Some(Some(e)) = found {
            return e;
        }
        buf.clear();
        buf.push_str(raw);
        buf.make_ascii_lowercase();
        match found {
            // Not in the table of short words.
            Some(None) => self.missing(m, buf),
            // A long word.
            _ => self.get(m, buf),
        }
    }

    /// The entry of a token not in the table.
    fn missing(&self, m: &Model, tok: &str) -> [u32; 4] {
        let mut e = [vectorize::NO_ID; 4];
        // Every prior stem is in the table, so a token that is its own
        // stem and is not there has no slot.
        let st = terms::stem(tok);
        if st.len() != tok.len() {
            e[W_SLOT] = match terms::pack16(st.as_bytes()) {
                Some(k) => self.stems.get(k).unwrap_or(vectorize::NO_SLOT),
                None => Self::slot(m, tok),
            };
        }
        e
    }
}

/// The embedded default model (see `datasets/models/MODEL_CARD.md`).
const DEFAULT_MODEL: &str = include_str!("../../datasets/models/framelens-default.json");

/// The schema's count feature ids, in order.
pub fn lexical_feature_ids() -> Vec<String> {
    schema::count_features().map(|f| f.id.to_string()).collect()
}

impl Model {
    /// The default model embedded in the binary.
    pub fn embedded() -> &'static Model {
        static M: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
        M.get_or_init(|| {
            // The embedded model is checked by the test suite
            // (`embedded_model_loads`); failing here is a build defect.
            Model::from_json(DEFAULT_MODEL, "<embedded default model>")
                .unwrap_or_else(|e| panic!("embedded model is broken: {e}"))
        })
    }

    /// Load a model file.
    pub fn load(path: &std::path::Path) -> Result<Model, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|e| ModelError::Load {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Model::from_json(&text, &path.display().to_string())
    }

    /// Parse a model from JSON; `origin` names it in errors. The schema
    /// version is checked before anything else, so a model from another
    /// schema is reported as such even if its layout changed too.
    pub fn from_json(text: &str, origin: &str) -> Result<Model, ModelError> {
        let load = |reason: String| ModelError::Load {
            path: origin.to_string(),
            reason,
        };
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| load(format!("not JSON: {e}")))?;
        if v.get("format").and_then(|f| f.as_str()) != Some(MODEL_FORMAT) {
            return Err(load(format!(
                "not a framelens model (no \"format\": \"{MODEL_FORMAT}\")"
            )));
        }
        let found = v
            .get("schema_version")
            .and_then(|s| s.as_u64())
            .ok_or_else(|| load("no schema_version".into()))? as u32;
        if found != schema::SCHEMA_VERSION {
            return Err(ModelError::SchemaMismatch {
                found,
                expected: schema::SCHEMA_VERSION,
            });
        }
        let mut m: Model = serde_json::from_value(v).map_err(|e| load(e.to_string()))?;
        if m.lexical_features != lexical_feature_ids() {
            return Err(load(format!(
                "lexical features {:?} differ from this framelens's schema {:?}; retrain it with `framelens train`",
                m.lexical_features,
                lexical_feature_ids()
            )));
        }
        let v = m.sentence.vocab.len();
        let e = m.sentence.extra_names.len();
        if m.sentence.weights.len() != v || m.sentence.extra_weights.len() != e {
            return Err(load(
                "sentence head: weight and feature counts differ".into(),
            ));
        }
        if m.sentence.extra_names != vectorize::extra_names(m.sentence.prior.is_some()) {
            return Err(load(
                "sentence head: extra features differ from this framelens's".into(),
            ));
        }
        for h in m.frames.iter().chain(m.genre.iter()) {
            let n = h.labels.len();
            if h.weights.len() != n
                || h.intercepts.len() != n
                || h.platt.len() != n
                || h.weights.iter().any(|w| w.len() != h.vocab.len())
            {
                return Err(load("frame/genre head: inconsistent sizes".into()));
            }
        }
        m.sentence.reindex();
        if let Some(h) = &mut m.frames {
            h.reindex();
        }
        if let Some(h) = &mut m.genre {
            h.reindex();
        }
        m.words = Default::default();
        Ok(m)
    }

    /// Serialise to pretty-stable JSON (fields in declaration order,
    /// vocabulary sorted), so the same training run gives the same bytes.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default() + "\n"
    }

    /// The word lookups of all heads (see [`WordTable`]).
    pub(crate) fn word_table(&self) -> &WordTable {
        self.words.get_or_init(|| WordTable::build(self))
    }

    /// Calibrated framing probability of one standalone sentence; the
    /// lexical counts are computed with `lex` exactly as `analyze` does.
    pub fn sentence_prob(
        &self,
        text: &str,
        lex: &crate::lexicon::Lexicons,
        s: &mut Scratch,
    ) -> f64 {
        let c = crate::features::sentence_counts(text, lex);
        self.sentence.prob(text, &c.counts, s)
    }
}

/// Frames listed in `frames_top`.
pub const TOP_FRAMES: usize = 3;

/// The frame cells of an `articles.csv` row: one probability per
/// [`frames::FRAMES`] entry (empty when the model has no frame head), then
/// `frames_top` (the [`TOP_FRAMES`] most probable frames, strongest first,
/// `;`-separated).
pub fn frame_cells(s: &Scored) -> Vec<String> {
    cells_of(&s.frames)
}

/// [`frame_cells`] of a `frames` list, cut from [`frame_cells_into`].
fn cells_of(frames: &[(Arc<str>, f64)]) -> Vec<String> {
    let mut text = String::new();
    let mut ends = Vec::new();
    frame_cells_into(frames, &mut text, |t| ends.push(t.len()));
    let mut start = 0;
    ends.iter()
        .map(|&e| {
            let c = text[start..e].to_string();
            start = e;
            c
        })
        .collect()
}

/// [`frame_cells`] of an article's `frames` ([`Scored::frames`]) without a
/// `String` per cell: each cell is appended to `out`, and `end_cell(out)` is
/// called after each one (the export rows keep their cells back to back in
/// one string).
pub fn frame_cells_into(
    frames: &[(Arc<str>, f64)],
    out: &mut String,
    mut end_cell: impl FnMut(&mut String),
) {
    for f in frames::FRAMES {
        if let Some((_, p)) = frames.iter().find(|(n, _)| &**n == f) {
            crate::report::exports::fmt_f_into(out, *p);
        }
        end_cell(out);
    }
    // The TOP_FRAMES first of the frames sorted by probability (highest
    // first), then name: picked one by one instead of sorting them all.
    let before = |a: &(Arc<str>, f64), b: &(Arc<str>, f64)| {
        b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)).is_lt()
    };
    let mut taken = [usize::MAX; TOP_FRAMES];
    for k in 0..TOP_FRAMES.min(frames.len()) {
        let mut best: Option<usize> = None;
        for (i, f) in frames.iter().enumerate() {
            if taken[..k].contains(&i) {
                continue;
            }
            if best.map_or(true, |b| before(f, &frames[b])) {
                best = Some(i);
            }
        }
        let Some(b) = best else { break };
        taken[k] = b;
        if k > 0 {
            out.push(';');
        }
        out.push_str(&frames[b].0);
    }
    end_cell(out);
}

/// The article framing score from sentence probabilities (see the module
/// documentation). `eligible` marks the sentences long enough to count.
pub fn article_score(probs: &[f64], eligible: &[bool]) -> f64 {
    let mut p: Vec<f64> = probs
        .iter()
        .zip(eligible)
        .filter(|(_, e)| **e)
        .map(|(p, _)| *p)
        .collect();
    if p.is_empty() {
        p = probs.to_vec();
    }
    if p.is_empty() {
        return 0.0;
    }
    let mean = p.iter().sum::<f64>() / p.len() as f64;
    p.sort_by(|a, b| b.total_cmp(a));
    let k = p.len().div_ceil(5).max(1);
    let top = p[..k].iter().sum::<f64>() / k as f64;
    100.0 * (0.5 * mean + 0.5 * top)
}

/// Score one analysed article.
pub fn score(analysis: Analysis, model: &Model) -> Scored {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => {
            let out = score_with(analysis, model, &mut s);
            trim_scratch(&mut s);
            out
        }
        Err(_) => score_with(analysis, model, &mut Scratch::default()),
    })
}

/// Token buffers kept between articles by [`score`] (beyond this, a huge
/// article's buffers are given back, so memory stays bounded).
const KEPT_TOKENS: usize = 1 << 14;
const KEPT_TOKEN_BYTES: usize = 64;

fn trim_scratch(s: &mut Scratch) {
    s.spare.append(&mut s.toks);
    s.toks.shrink_to(KEPT_TOKENS);
    s.spare.truncate(KEPT_TOKENS);
    s.spare.shrink_to(KEPT_TOKENS);
    for t in &mut s.spare {
        if t.capacity() > KEPT_TOKEN_BYTES {
            *t = String::new();
        }
    }
    let cap = |v: usize| v > 4 * KEPT_TOKENS;
    if cap(s.sparse.capacity()) || cap(s.terms.words.capacity()) {
        s.sparse = Vec::new();
        s.terms = Default::default();
    }
    if cap(s.contribs.capacity()) || cap(s.ranges.capacity()) {
        s.ranges = Vec::new();
        s.contribs = Vec::new();
        s.spans = Vec::new();
        s.one = Vec::new();
        s.order = Vec::new();
    }
    if cap(s.starts.capacity()) {
        s.starts = Vec::new();
        s.lookups = Default::default();
        s.tok_spans = Vec::new();
    }
}

/// Tokenise the article for the model: `s.lookups` gets each token's
/// [`WordTable`] entry (column by column; the frame and genre columns only
/// for the heads the model has), sentence after sentence, and `ranges` each
/// sentence's slice of them. No text is kept per token, except for the
/// tokens with a bias-prior slot (the only ones the contributions read by
/// text): `s.tok_text` and `s.tok_spans` (a [`terms::SomeTexts`]). Returns
/// whether the tokens are also exactly the tokens of the whole body (then
/// the article heads reuse them).
fn tokenize_article(
    body: &str,
    sentences: &[crate::text::Sentence],
    model: &Model,
    s: &mut Scratch,
    ranges: &mut Vec<std::ops::Range<usize>>,
) -> bool {
    ranges.clear();
    let table = model.word_table();
    for c in &mut s.lookups {
        c.clear();
    }
    let (frames, genre) = (model.frames.is_some(), model.genre.is_some());
    s.starts.clear();
    s.tok_text.clear();
    s.tok_spans.clear();
    let mut key = std::mem::take(&mut s.key);
    let (lookups, starts) = (&mut s.lookups, &mut s.starts);
    let (tok_text, tok_spans) = (&mut s.tok_text, &mut s.tok_spans);
    // Each token is looked up straight away: a plain ASCII token by its
    // lower-cased packed text, without copying it; any other is
    // lower-cased into `key` first.
    let mut lower = String::new();
    let mut visit = |text: &str, offset: usize| {
        terms::for_each_token_raw(text, &mut key, |at, tok| {
            let e = match tok {
                terms::RawToken::Ascii(raw) => table.get_ascii(model, raw, &mut lower),
                terms::RawToken::Lower(t) => table.get(model, t),
            };
            if e[W_SLOT] == vectorize::NO_SLOT {
                tok_spans.push((0, 0));
            } else {
                let a = tok_text.len();
                match tok {
                    terms::RawToken::Ascii(raw) => {
                        tok_text.push_str(raw);
                        tok_text[a..].make_ascii_lowercase();
                    }
                    terms::RawToken::Lower(t) => tok_text.push_str(t),
                }
                tok_spans.push((a as u32, tok_text.len() as u32));
            }
            let [ws, wf, wg, wp] = &mut *lookups;
            ws.push(e[W_SENTENCE]);
            wp.push(e[W_SLOT]);
            if frames {
                wf.push(e[W_FRAMES]);
            }
            if genre {
                wg.push(e[W_GENRE]);
            }
            starts.push(offset + at);
        });
        starts.len()
    };
    let shared = terms::ranges_split_tokens(body, sentences.iter().map(|t| (t.start, t.end)));
    if shared {
        // One pass over the body; sentence `i` owns the tokens starting
        // inside it (nothing between sentences can start a token).
        visit(body, 0);
        let mut k = 0;
        for sent in sentences {
            let a = k;
            while k < starts.len() && starts[k] < sent.end {
                k += 1;
            }
            ranges.push(a..k);
        }
    } else {
        let mut a = 0;
        for sent in sentences {
            let text = body.get(sent.start..sent.end).unwrap_or("");
            let b = visit(text, sent.start);
            ranges.push(a..b);
            a = b;
        }
    }
    s.key = key;
    shared
}

/// Probabilities of a multi-label head for the article body, from the
/// shared tokens when `shared`, else by tokenising the body again.
fn article_head_probs(
    h: &MultiHead,
    column: usize,
    body: &str,
    shared: bool,
    s: &mut Scratch,
) -> Vec<(Arc<str>, f64)> {
    let p = if shared {
        let words = std::mem::take(&mut s.lookups[column]);
        let z = h.decisions_from(&words, s);
        s.lookups[column] = words;
        h.calibrate(z)
    } else {
        h.probs(body, s)
    };
    if h.shared_labels.len() == h.labels.len() {
        h.shared_labels.iter().cloned().zip(p).collect()
    } else {
        // A head not reindexed (straight from training).
        h.labels
            .iter()
            .map(|l| Arc::from(l.as_str()))
            .zip(p)
            .collect()
    }
}

fn score_with(analysis: Analysis, model: &Model, s: &mut Scratch) -> Scored {
    let body = &analysis.article.body;
    let n_sent = analysis.layout.sentences.len();
    let mut probs = Vec::with_capacity(n_sent);
    let mut eligible = Vec::with_capacity(n_sent);
    // The per-article buffers, kept in `s` between articles.
    let mut ranges = std::mem::take(&mut s.ranges);
    let mut contribs = std::mem::take(&mut s.contribs);
    let mut spans = std::mem::take(&mut s.spans);
    let mut one = std::mem::take(&mut s.one);
    let mut order = std::mem::take(&mut s.order);
    let shared = tokenize_article(body, &analysis.layout.sentences, model, s, &mut ranges);
    // Each sentence's term contributions, taken while its TF-IDF vector is
    // at hand.
    let slots = model.sentence.prior_slots();
    // All sentences' contributions in one vector, sentence `i`'s at
    // `contribs[spans[i].clone()]`.
    contribs.clear();
    spans.clear();
    let all_words = std::mem::take(&mut s.lookups[W_SENTENCE]);
    let all_slots = std::mem::take(&mut s.lookups[W_SLOT]);
    // Only the sentences that can rank (see `order` below) need their
    // contributions.
    let any_eligible = ranges.iter().any(|r| r.len() >= MIN_SENTENCE_TOKENS);
    for (i, r) in ranges.iter().enumerate() {
        // A missing count reads as 0 (see `vectorize::extras_base`).
        let counts = analysis
            .sentences
            .get(i)
            .map(|f| f.counts.as_slice())
            .unwrap_or(&[]);
        let (words, prior_slots) = (&all_words[r.clone()], &all_slots[r.clone()]);
        let z = model.sentence.decision_from(words, prior_slots, counts, s);
        probs.push(model.sentence.platt.prob(z));
        eligible.push(r.len() >= MIN_SENTENCE_TOKENS);
        if any_eligible && r.len() < MIN_SENTENCE_TOKENS {
            spans.push(contribs.len()..contribs.len());
            continue;
        }
        let texts = terms::SomeTexts {
            text: &s.tok_text,
            spans: &s.tok_spans[r.clone()],
        };
        model.sentence.keyed_contributions(
            &texts,
            words,
            prior_slots,
            &s.sparse,
            &slots,
            &mut s.prior_words,
            &mut one,
        );
        let a = contribs.len();
        contribs.extend(one.drain(..).map(|(k, v)| (k.shifted(r.start), v)));
        spans.push(a..contribs.len());
    }
    s.lookups[W_SENTENCE] = all_words;
    s.lookups[W_SLOT] = all_slots;
    let framing_score = article_score(&probs, &eligible);

    // Top sentences: highest probability first, ties by position.
    order.clear();
    order.extend((0..probs.len()).filter(|&i| eligible[i] || !any_eligible));
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
    let toks = &terms::SomeTexts {
        text: &s.tok_text,
        spans: &s.tok_spans,
    };
    let mut top_sentences = Vec::new();
    for &i in order.iter().take(TOP_SENTENCES) {
        model
            .sentence
            .sort_keyed(&mut contribs[spans[i].clone()], toks);
    }
    // Per-term totals, each summed in rank order: vocabulary terms in a
    // table by term id, other words (few) by text. Contributions are
    // positive, so a zero total is a term not seen yet.
    let mut term_totals = std::mem::take(&mut s.term_totals);
    let mut touched = std::mem::take(&mut s.touched);
    if term_totals.len() < model.sentence.vocab.len() {
        term_totals.resize(model.sentence.vocab.len(), 0.0);
    }
    touched.clear();
    let mut word_totals: Vec<(&str, f64)> = Vec::new();
    for (rank, &i) in order.iter().enumerate() {
        let contrib = &contribs[spans[i].clone()];
        for &(k, v) in contrib.iter() {
            match k {
                heads::TermKey::Term(j) => {
                    let t = &mut term_totals[j as usize];
                    if *t == 0.0 {
                        touched.push(j);
                    }
                    *t += v;
                }
                heads::TermKey::Word(_) => {
                    let w = model.sentence.key_str(&k, toks);
                    match word_totals.iter_mut().find(|(t, _)| *t == w) {
                        Some((_, t)) => *t += v,
                        None => word_totals.push((w, 0.0 + v)),
                    }
                }
            }
        }
        if rank < TOP_SENTENCES {
            top_sentences.push(TopSentence {
                sentence: i,
                prob: probs[i],
                terms: contrib
                    .iter()
                    .take(TERMS_PER_SENTENCE)
                    .map(|(k, _)| model.sentence.key_str(k, toks).to_string())
                    .collect(),
            });
        }
    }
    let mut totals: Vec<(&str, f64)> = touched
        .iter()
        .map(|&j| {
            let k = heads::TermKey::Term(j);
            (
                model.sentence.key_str(&k, toks),
                std::mem::take(&mut term_totals[j as usize]),
            )
        })
        .chain(word_totals)
        .collect();
    // The TOP_TERMS first by total (highest first), then text; texts are
    // distinct, so this order is total and selecting before sorting gives
    // the same list as sorting all.
    let by_total =
        |a: &(&str, f64), b: &(&str, f64)| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0));
    if totals.len() > TOP_TERMS {
        totals.select_nth_unstable_by(TOP_TERMS - 1, by_total);
        totals.truncate(TOP_TERMS);
    }
    totals.sort_by(by_total);
    let top_terms = totals.iter().map(|(t, _)| t.to_string()).collect();
    drop(totals);
    s.term_totals = term_totals;
    s.touched = touched;
    s.ranges = ranges;
    s.contribs = contribs;
    s.spans = spans;
    s.one = one;
    s.order = order;

    let frames = match &model.frames {
        Some(h) => article_head_probs(h, W_FRAMES, body, shared, s),
        None => Vec::new(),
    };
    let genre = match &model.genre {
        Some(h) => article_head_probs(h, W_GENRE, body, shared, s),
        None => Vec::new(),
    };
    Scored {
        analysis,
        sentence_probs: probs,
        framing_score,
        top_sentences,
        top_terms,
        frames,
        genre,
    }
}

#[cfg(test)]
mod tests {
    /// The frame cells as first written: one `String` per cell, a full sort
    /// for `frames_top`.
    fn frame_cells_reference(frames: &[(String, f64)]) -> Vec<String> {
        let mut out: Vec<String> = super::frames::FRAMES
            .iter()
            .map(|f| {
                frames
                    .iter()
                    .find(|(n, _)| n == f)
                    .map(|(_, p)| crate::report::exports::fmt_f(*p))
                    .unwrap_or_default()
            })
            .collect();
        let mut ranked: Vec<&(String, f64)> = frames.iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.push(
            ranked
                .iter()
                .take(super::TOP_FRAMES)
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        );
        out
    }

    #[test]
    fn frame_cells_into_equals_the_sorting_reference() {
        let names = super::frames::FRAMES;
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for case in 0..3000 {
            let n = (next() % 17) as usize;
            let frames: Vec<(String, f64)> = (0..n)
                .map(|_| {
                    // Few distinct names and probabilities: many ties.
                    let name = match next() % 5 {
                        0 => "Other".to_string(),
                        _ => names[(next() % names.len() as u64) as usize].to_string(),
                    };
                    let p = match case % 3 {
                        0 => (next() % 4) as f64 / 4.0,
                        1 => (next() >> 11) as f64 / (1u64 << 53) as f64,
                        _ => [0.0, -0.0, f64::NAN, 1.0][(next() % 4) as usize],
                    };
                    (name, p)
                })
                .collect();
            let shared: Vec<(std::sync::Arc<str>, f64)> = frames
                .iter()
                .map(|(n, p)| (n.as_str().into(), *p))
                .collect();
            let got = super::cells_of(&shared);
            assert_eq!(got.len(), names.len() + 1);
            let want = frame_cells_reference(&frames);
            assert_eq!(got, want, "{frames:?}");
        }
    }

    use super::*;

    #[test]
    fn article_score_mixes_mean_and_top_fifth() {
        // 10 eligible sentences: mean 0.19; top 2 = (0.9 + 0.5) / 2 = 0.7.
        let p = [0.9, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.0, 0.0, 0.0];
        let e = [true; 10];
        assert!((article_score(&p, &e) - 100.0 * (0.5 * 0.19 + 0.5 * 0.7)).abs() < 1e-9);
        // Ineligible sentences are ignored while others exist.
        assert!((article_score(&[0.2, 1.0], &[true, false]) - 20.0).abs() < 1e-9);
        assert!((article_score(&[0.2, 1.0], &[false, false]) - 80.0).abs() < 1e-9);
        assert_eq!(article_score(&[], &[]), 0.0);
    }

    #[test]
    fn article_score_does_not_grow_with_length() {
        let short = [0.8, 0.2, 0.2, 0.2, 0.2];
        let long: Vec<f64> = short.iter().cycle().take(50).copied().collect();
        let a = article_score(&short, &[true; 5]);
        let b = article_score(&long, &[true; 50]);
        assert!((a - b).abs() < 1e-9);
    }

    /// The word table's entries are the plain per-head lookups, for
    /// table words, their inflections, unknown and long words, looked up
    /// lower-cased or (ASCII) as they stand.
    #[test]
    fn word_table_equals_plain_lookups() {
        let m = Model::embedded();
        let t = m.word_table();
        let plain = |w: &str| {
            let id = |v: Option<&vectorize::Vocab>| {
                v.and_then(|v| v.word_id(w)).unwrap_or(vectorize::NO_ID)
            };
            [
                id(Some(&m.sentence.vocab)),
                id(m.frames.as_ref().map(|h| &h.vocab)),
                id(m.genre.as_ref().map(|h| &h.vocab)),
                WordTable::slot(m, w),
            ]
        };
        let mut words: Vec<String> = m
            .sentence
            .vocab
            .word_ids()
            .map(|(w, _)| w.to_string())
            .collect();
        if let Some(p) = &m.sentence.prior {
            words.extend(p.stems.iter().cloned());
        }
        let extra: Vec<String> = words
            .iter()
            .flat_map(|w| {
                ["s", "ly", "ingly", "edness", "xyzzyxyzzyx"].map(|suf| format!("{w}{suf}"))
            })
            .collect();
        words.extend(extra);
        words.extend(["a", "zz", "q1", "éclair", "don't", "nevarbre"].map(String::from));
        let mut buf = String::new();
        for w in &words {
            let want = plain(w);
            assert_eq!(t.get(m, w), want, "{w}");
            if w.bytes().all(|b| b.is_ascii_alphanumeric()) {
                let upper = w.to_ascii_uppercase();
                assert_eq!(t.get_ascii(m, &upper, &mut buf), want, "{upper}");
                assert_eq!(t.get_ascii(m, w, &mut buf), want, "{w}");
            }
        }
    }

    #[test]
    fn embedded_model_loads() {
        let m = Model::embedded();
        assert_eq!(m.schema_version, schema::SCHEMA_VERSION);
        assert!(!m.sentence.vocab.is_empty());
    }
}
