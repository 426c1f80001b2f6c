//! Stage 4: lexicon.
//!
//! Takes: a body, its [`Layout`](crate::text::Layout) and the [`Lexicons`].
//! Gives: flagged [`Span`]s, each with its category, byte range into the body,
//! sentence index, and the lexicon entry or rule that fired.
//!
//! Lexicons are data: text files under `datasets/lexicons/`, embedded with
//! `include_str!`, overridable with `--lexicon-dir`.

use crate::text::Layout;
use std::path::Path;

/// Span categories.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    LoadedLanguage,
    Booster,
    Hedge,
    Attribution,
    /// An attribution whose verb carries a stance ("claimed", "admitted").
    /// Emitted *in addition to* the plain `Attribution` span of the same verb.
    AttributionLoaded,
    NamedSource,
    AnonymousSource,
    Quote,
    /// Subjective cue (not a schema count; feeds `subjectivity`).
    Subjective,
}

impl Category {
    /// All categories, in a fixed order.
    pub const ALL: [Category; 9] = [
        Category::LoadedLanguage,
        Category::Booster,
        Category::Hedge,
        Category::Attribution,
        Category::AttributionLoaded,
        Category::NamedSource,
        Category::AnonymousSource,
        Category::Quote,
        Category::Subjective,
    ];

    /// The snake_case id used in CSV and in `schema::FeatureDef::category`.
    pub fn id(self) -> &'static str {
        match self {
            Category::LoadedLanguage => "loaded_language",
            Category::Booster => "booster",
            Category::Hedge => "hedge",
            Category::Attribution => "attribution",
            Category::AttributionLoaded => "attribution_loaded",
            Category::NamedSource => "named_source",
            Category::AnonymousSource => "anonymous_source",
            Category::Quote => "quote",
            Category::Subjective => "subjective",
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// A flagged span. `&body[start..end] == text`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub sentence: usize,
    pub category: Category,
    /// What fired: `lexicon:<file>:<entry>` or `rule:<name>`.
    pub rule: String,
    /// Plain-language note for this span (e.g. the stance of a report verb).
    pub note: Option<String>,
}

/// Errors loading lexicons.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("lexicon {file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("lexicon {file} line {line}: {reason}")]
    Format {
        file: String,
        line: usize,
        reason: String,
    },
}

/// The compiled lexicons.
#[derive(Debug, Clone)]
pub struct Lexicons {
    _private: (),
}

impl Lexicons {
    /// The lexicons embedded in the binary.
    pub fn embedded() -> &'static Lexicons {
        static L: std::sync::OnceLock<Lexicons> = std::sync::OnceLock::new();
        L.get_or_init(|| Lexicons { _private: () })
    }

    /// Load from a directory; files missing there fall back to the embedded ones.
    pub fn from_dir(_dir: &Path) -> Result<Lexicons, LexiconError> {
        Ok(Lexicons { _private: () })
    }
}

/// Find all flagged spans, sorted by (start, end, category).
pub fn find_spans(_body: &str, _layout: &Layout, _lex: &Lexicons) -> Vec<Span> {
    Vec::new()
}
