//! Stage 5: features.
//!
//! Takes: an [`Article`] and the [`Lexicons`].
//! Gives: an [`Analysis`]: the article, its [`Layout`], its flagged spans,
//! the article feature values in [`schema::FEATURES`] order, and
//! per-sentence counts of the count features.

use crate::extract::Article;
use crate::lexicon::{self, Category, Lexicons, RawSpan, Span};
use crate::schema::{self, FeatureKind};
use crate::text::{self, Layout, TokenKind};

/// Per-sentence counts of the schema's count features, in
/// `schema::count_features()` order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SentenceFeatures {
    pub counts: Vec<u32>,
    pub words: u32,
}

/// An analysed article.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Analysis {
    pub article: Article,
    pub layout: Layout,
    pub spans: Vec<Span>,
    /// One value per `schema::FEATURES` entry: the raw count for count
    /// features, the value for value features.
    pub values: Vec<f64>,
    pub sentences: Vec<SentenceFeatures>,
    pub words: usize,
}

impl Analysis {
    /// Article-level columns in `schema::article_feature_columns()` order.
    pub fn feature_columns(&self) -> Vec<f64> {
        let mut out = Vec::new();
        for (f, v) in schema::FEATURES.iter().zip(&self.values) {
            match f.kind {
                FeatureKind::Count => {
                    out.push(*v);
                    out.push(per_1k(*v, self.words));
                }
                FeatureKind::Value => out.push(*v),
            }
        }
        out
    }

    /// Value of a feature by schema id.
    pub fn value(&self, id: &str) -> Option<f64> {
        schema::FEATURES
            .iter()
            .position(|f| f.id == id)
            .map(|i| self.values[i])
    }
}

/// Rate per 1,000 words (0 for an empty text).
pub fn per_1k(count: f64, words: usize) -> f64 {
    if words == 0 {
        0.0
    } else {
        count * 1000.0 / words as f64
    }
}

/// Analyse one article.
pub fn analyze(article: Article, lex: &Lexicons) -> Analysis {
    let layout = text::segment_with(&article.body, lex);
    let raw = lexicon::raw_spans(&article.body, &layout, lex);
    let (values, sentences, words) = measure(&article.body, &layout, &raw);
    let spans = lexicon::materialize_all(&raw, &layout, lex);
    Analysis {
        article,
        layout,
        spans,
        values,
        sentences,
        words,
    }
}

/// Position of each category among the count features (`None` if it is
/// not counted).
fn count_slots() -> [Option<usize>; Category::ALL.len()] {
    let mut slots = [None; Category::ALL.len()];
    for (ci, f) in schema::count_features().enumerate() {
        if let Some(cat) = f.category.and_then(Category::from_id) {
            let k = Category::ALL
                .iter()
                .position(|c| *c == cat)
                .expect("every category is in ALL");
            slots[k] = Some(ci);
        }
    }
    slots
}

fn slot_of(cat: Category) -> usize {
    Category::ALL
        .iter()
        .position(|c| *c == cat)
        .expect("every category is in ALL")
}

/// Every schema value, the per-sentence counts and the word count.
fn measure(
    body: &str,
    layout: &Layout,
    raw: &[RawSpan],
) -> (Vec<f64>, Vec<SentenceFeatures>, usize) {
    let slots = count_slots();
    let n_counts = schema::count_features().count();
    let mut sentences: Vec<SentenceFeatures> = layout
        .sentences
        .iter()
        .map(|_| SentenceFeatures {
            counts: vec![0; n_counts],
            words: 0,
        })
        .collect();
    let mut totals = vec![0u64; n_counts];
    // Sentences with an opinion cue in the writer's own words.
    let mut cue = vec![false; layout.sentences.len()];
    for sp in raw {
        if sp.in_quote {
            continue;
        }
        if let Some(ci) = slots[slot_of(sp.category)] {
            totals[ci] += 1;
            if let Some(s) = sentences.get_mut(sp.sentence) {
                s.counts[ci] += 1;
            }
        }
        if matches!(
            sp.category,
            Category::LoadedLanguage | Category::Booster | Category::Subjective
        ) {
            if let Some(c) = cue.get_mut(sp.sentence) {
                *c = true;
            }
        }
    }

    let mut words = 0usize;
    let mut quoted_words = 0usize;
    let mut syllables = 0usize;
    // Sentences with at least one word / one word outside quotes.
    let mut has_word = vec![false; layout.sentences.len()];
    let mut has_own_word = vec![false; layout.sentences.len()];
    let mut qi = 0usize;
    for t in &layout.tokens {
        if t.kind != TokenKind::Word {
            continue;
        }
        let (s, e) = (t.start as usize, t.end as usize);
        words += 1;
        syllables += syllable_count(&body[s..e]);
        let si = t.sentence as usize;
        if let Some(sf) = sentences.get_mut(si) {
            sf.words += 1;
        }
        has_word[si] = true;
        while qi < layout.quotes.len() && layout.quotes[qi].inner_end <= s {
            qi += 1;
        }
        let quoted = layout
            .quotes
            .get(qi)
            .is_some_and(|q| q.inner_start <= s && e <= q.inner_end);
        if quoted {
            quoted_words += 1;
        } else {
            has_own_word[si] = true;
        }
    }
    let sentences_with_words = has_word.iter().filter(|&&b| b).count();
    let own_sentences = has_own_word.iter().filter(|&&b| b).count();
    let subjective_sentences = cue
        .iter()
        .zip(&has_own_word)
        .filter(|(c, o)| **c && **o)
        .count();

    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let mut values = Vec::with_capacity(schema::FEATURES.len());
    let mut ci = 0;
    for f in schema::FEATURES {
        let v = match (f.kind, f.id) {
            (FeatureKind::Count, _) => {
                ci += 1;
                totals[ci - 1] as f64
            }
            (FeatureKind::Value, "quote_share") => ratio(quoted_words, words),
            (FeatureKind::Value, "subjectivity") => ratio(subjective_sentences, own_sentences),
            (FeatureKind::Value, "readability") => flesch(words, sentences_with_words, syllables),
            (FeatureKind::Value, "avg_sentence_words") => ratio(words, sentences_with_words),
            (FeatureKind::Value, other) => unreachable!("schema value {other} has no computation"),
        };
        values.push(v);
    }
    (values, sentences, words)
}

/// Flesch reading ease; 0 for a text without words.
pub fn flesch(words: usize, sentences: usize, syllables: usize) -> f64 {
    if words == 0 || sentences == 0 {
        return 0.0;
    }
    206.835 - 1.015 * (words as f64 / sentences as f64) - 84.6 * (syllables as f64 / words as f64)
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'e'
            | 'i'
            | 'o'
            | 'u'
            | 'y'
            | 'à'
            | 'á'
            | 'â'
            | 'ã'
            | 'ä'
            | 'å'
            | 'æ'
            | 'è'
            | 'é'
            | 'ê'
            | 'ë'
            | 'ì'
            | 'í'
            | 'î'
            | 'ï'
            | 'ò'
            | 'ó'
            | 'ô'
            | 'õ'
            | 'ö'
            | 'ø'
            | 'ù'
            | 'ú'
            | 'û'
            | 'ü'
            | 'ý'
            | 'ÿ'
            | 'œ'
    )
}

/// Syllables of a word by vowel groups (a, e, i, o, u, y and accented
/// vowels), minus a silent final "e" ("make", but not "table"); at least 1.
pub fn syllable_count(word: &str) -> usize {
    let mut groups = 0usize;
    let mut in_vowel = false;
    let mut last = ' ';
    let mut before_last = ' ';
    let mut letters = 0usize;
    for c in word.chars() {
        if !c.is_alphabetic() {
            in_vowel = false;
            continue;
        }
        let c = c.to_lowercase().next().unwrap_or(c);
        letters += 1;
        let v = is_vowel(c);
        if v && !in_vowel {
            groups += 1;
        }
        in_vowel = v;
        before_last = last;
        last = c;
    }
    if letters == 0 {
        return 1;
    }
    if groups > 1 && last == 'e' && before_last != 'l' && !is_vowel(before_last) {
        groups -= 1;
    }
    groups.max(1)
}

/// Per-sentence counts for a standalone sentence (or short text), as the
/// classifier sees it at training time: the text is segmented and matched
/// exactly as a body would be, and all counts are summed into one row.
/// Spans inside quotes are skipped, as in [`analyze`].
pub fn sentence_counts(sentence: &str, lex: &Lexicons) -> SentenceFeatures {
    let layout = text::segment_with(sentence, lex);
    let raw = lexicon::raw_spans(sentence, &layout, lex);
    let slots = count_slots();
    let mut counts = vec![0u32; schema::count_features().count()];
    for sp in &raw {
        if sp.in_quote {
            continue;
        }
        if let Some(ci) = slots[slot_of(sp.category)] {
            counts[ci] += 1;
        }
    }
    SentenceFeatures {
        counts,
        words: layout.word_count() as u32,
    }
}
