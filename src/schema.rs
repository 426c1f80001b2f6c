//! The one feature schema.
//!
//! Takes: nothing (it is a static table).
//! Gives: [`FEATURES`], the single list of lexical feature definitions. It
//! drives the CSV columns of `articles.csv` and `sentences.csv`, the
//! classifier's feature names, the HTML explanations and the data
//! dictionary. [`SCHEMA_VERSION`] is recorded in every model file; a model
//! trained on another version refuses to load.
//!
//! Every *count* feature yields two article columns: `<id>_count` and
//! `<id>_per_1k` (rate per 1,000 words). Every *ratio/score* feature yields
//! one column named `<id>`. Sentence exports carry the per-sentence counts
//! (`<id>_count`) of the count features only.

/// Bump whenever a feature is added, removed, renamed, reordered or its
/// computation changes. Models record it; a mismatch is a load error.
pub const SCHEMA_VERSION: u32 = 1;

/// How a feature is measured, which decides its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind {
    /// A number of flagged spans; exported as `<id>_count` and `<id>_per_1k`.
    Count,
    /// A ratio or score; exported as `<id>`.
    Value,
}

/// One feature definition. Everything a reader, a CSV consumer or the
/// classifier needs to know about a feature lives here.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct FeatureDef {
    /// Stable machine id (snake_case); the column stem.
    pub id: &'static str,
    /// Short human title, for charts and tables.
    pub title: &'static str,
    /// Plain-language explanation for students: what it is and why it matters.
    pub explanation: &'static str,
    /// Unit of the exported value(s).
    pub unit: &'static str,
    /// How it is computed, precisely enough to reproduce.
    pub how: &'static str,
    /// Count or value.
    pub kind: FeatureKind,
    /// For count features: the span category (see `lexicon::Category::id`)
    /// whose spans are counted; `None` for value features.
    pub category: Option<&'static str>,
}

/// The feature table. Order is the column order everywhere.
pub const FEATURES: &[FeatureDef] = &[
    FeatureDef {
        id: "loaded_language",
        title: "Loaded language",
        explanation: "Words that carry a judgement on their own, such as \"regime\", \"thugs\" or \"propaganda\". They push the reader to feel a certain way before the facts are weighed.",
        unit: "spans",
        how: "Number of matches of the loaded_language lexicon (datasets/lexicons/loaded_language.txt; whole words, case-insensitive, except= phrases excluded) outside direct quotes.",
        kind: FeatureKind::Count,
        category: Some("loaded_language"),
    },
    FeatureDef {
        id: "booster",
        title: "Certainty boosters",
        explanation: "Words that make a claim sound certain or bigger, such as \"undoubtedly\", \"clearly\" or \"extremely\". Outside a quote they show the writer's confidence, not evidence.",
        unit: "spans",
        how: "Number of matches of the booster lexicon outside direct quotes.",
        kind: FeatureKind::Count,
        category: Some("booster"),
    },
    FeatureDef {
        id: "hedge",
        title: "Hedges",
        explanation: "Words that soften or distance a claim, such as \"may\", \"reportedly\" or \"allegedly\". Careful reporting hedges what is unconfirmed; a rumour piece hedges everything.",
        unit: "spans",
        how: "Number of matches of the hedge lexicon outside direct quotes (\"may\" only in lowercase).",
        kind: FeatureKind::Count,
        category: Some("hedge"),
    },
    FeatureDef {
        id: "attribution",
        title: "Attributions",
        explanation: "Places where the text says who said something: \"said\", \"according to\", \"told\". Attribution lets a reader check where information comes from.",
        unit: "spans",
        how: "Number of report verbs and attribution phrases (attribution lexicon, any stance) outside direct quotes.",
        kind: FeatureKind::Count,
        category: Some("attribution"),
    },
    FeatureDef {
        id: "attribution_loaded",
        title: "Loaded attributions",
        explanation: "Report verbs that judge the speaker while reporting them: \"claimed\" suggests doubt, \"admitted\" suggests guilt, \"insisted\" suggests stubbornness. \"Said\" is the neutral choice.",
        unit: "spans",
        how: "Number of attribution spans outside quotes whose lexicon entry has a non-neutral stance (doubt, guilt, endorse, emotion or insistence).",
        kind: FeatureKind::Count,
        category: Some("attribution_loaded"),
    },
    FeatureDef {
        id: "named_source",
        title: "Named sources",
        explanation: "People or organisations the text names as the source of information, such as \"Putin said\" or \"according to the Kremlin\". Named sources can be checked.",
        unit: "spans",
        how: "Number of attributions outside quotes whose speaker is a capitalised name, an organisation or a definite titled role (\"the minister\"), or a he/she resolved to a person named in the previous sentences (rules `rule:named_source:subject|inverted|according_to|pronoun`).",
        kind: FeatureKind::Count,
        category: Some("named_source"),
    },
    FeatureDef {
        id: "anonymous_source",
        title: "Anonymous sources",
        explanation: "Sources the reader cannot identify: \"a senior official\", \"sources familiar with\", \"analysts say\", \"it is believed\". Sometimes needed, but they cannot be checked.",
        unit: "spans",
        how: "Number of matches of the anonymous_source lexicon outside quotes, plus attributions whose speaker is described but not named (\"an aide said\"; rule `rule:anonymous_source:unnamed_speaker`) where no lexicon match overlaps.",
        kind: FeatureKind::Count,
        category: Some("anonymous_source"),
    },
    FeatureDef {
        id: "quote",
        title: "Direct quotes",
        explanation: "Words put in quotation marks, presented as exactly what someone said or wrote.",
        unit: "quotes",
        how: "Number of direct quotations in the body: straight, curly, low-9 or guillemet double marks, and single curly marks when clearly a quote; a quote may span sentences and paragraphs (a paragraph left open continues when the next opens with a mark); unclosed marks are ignored.",
        kind: FeatureKind::Count,
        category: Some("quote"),
    },
    FeatureDef {
        id: "quote_share",
        title: "Quoted share",
        explanation: "How much of the article is other people's words in quotation marks rather than the writer's own.",
        unit: "fraction of words (0-1)",
        how: "Word tokens inside direct quotes divided by all word tokens of the body (numbers excluded); 0 for an empty body.",
        kind: FeatureKind::Value,
        category: None,
    },
    FeatureDef {
        id: "subjectivity",
        title: "Subjectivity",
        explanation: "How much of the writing expresses opinion or feeling rather than checkable fact, outside quotes.",
        unit: "fraction of sentences (0-1)",
        how: "Sentences with at least one loaded_language, booster or subjective-lexicon match outside direct quotes, divided by sentences with at least one word outside quotes; 0 when there are none.",
        kind: FeatureKind::Value,
        category: None,
    },
    FeatureDef {
        id: "readability",
        title: "Reading ease",
        explanation: "Flesch reading ease: higher is easier. Around 60 is plain English; below 30 is hard, academic prose.",
        unit: "Flesch reading ease (higher = easier)",
        how: "206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words), over word tokens and sentences containing a word; syllables counted by vowel groups (a e i o u y and accented vowels) minus a silent final e, at least one per word; 0 for a body without words.",
        kind: FeatureKind::Value,
        category: None,
    },
    FeatureDef {
        id: "avg_sentence_words",
        title: "Sentence length",
        explanation: "The average number of words per sentence.",
        unit: "words per sentence",
        how: "Word tokens (numbers excluded) divided by sentences containing at least one word; 0 for a body without words.",
        kind: FeatureKind::Value,
        category: None,
    },
];

/// Definition by id.
pub fn feature(id: &str) -> Option<&'static FeatureDef> {
    FEATURES.iter().find(|f| f.id == id)
}

/// The count features, in schema order.
pub fn count_features() -> impl Iterator<Item = &'static FeatureDef> {
    FEATURES.iter().filter(|f| f.kind == FeatureKind::Count)
}

/// Column names the feature schema contributes to `articles.csv`, in order.
pub fn article_feature_columns() -> Vec<String> {
    let mut cols = Vec::new();
    for f in FEATURES {
        match f.kind {
            FeatureKind::Count => {
                cols.push(format!("{}_count", f.id));
                cols.push(format!("{}_per_1k", f.id));
            }
            FeatureKind::Value => cols.push(f.id.to_string()),
        }
    }
    cols
}

/// Column names the feature schema contributes to `sentences.csv`, in order.
pub fn sentence_feature_columns() -> Vec<String> {
    count_features()
        .map(|f| format!("{}_count", f.id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_snake_case_and_documented() {
        let mut seen = HashSet::new();
        for f in FEATURES {
            assert!(seen.insert(f.id), "duplicate feature id {}", f.id);
            assert!(
                f.id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{} is not snake_case",
                f.id
            );
            assert!(!f.title.is_empty() && !f.explanation.is_empty() && !f.how.is_empty());
            assert_eq!(f.kind == FeatureKind::Count, f.category.is_some());
        }
    }

    #[test]
    fn column_lists_follow_the_table() {
        let cols = article_feature_columns();
        let counts = count_features().count();
        assert_eq!(cols.len(), FEATURES.len() + counts);
        assert_eq!(sentence_feature_columns().len(), counts);
    }
}
