//! Stage 4: lexicon.
//!
//! Takes: a body, its [`Layout`] and the [`Lexicons`].
//! Gives: flagged [`Span`]s, each with its category, byte range into the body,
//! sentence index, the lexicon entry or rule that fired, and whether it sits
//! inside a direct quote.
//!
//! Lexicons are data: text files under `datasets/lexicons/` (format in
//! `datasets/lexicons/README.md`), embedded with `include_str!`, overridable
//! per file with `--lexicon-dir` ([`Lexicons::from_dir`]).
//!
//! Matching: all surface forms of all files go into one Aho-Corasick
//! automaton (ASCII-case-insensitive), built once per [`Lexicons`]. The body
//! is scanned once for *overlapping* matches; each match must sit on word
//! boundaries, honour its entry's `case=exact` and `except=` fields, and then,
//! per category, the leftmost-longest non-overlapping matches are kept. So
//! "officials said" (anonymous source) and "said" (attribution) both fire,
//! while inside one category "a senior official" wins over "official".
//!
//! Spans inside quotes: words between quotation marks are the speaker's, not
//! the writer's. They are still flagged (a reader may want to see them) but
//! carry `in_quote = true`; the feature counts and subjectivity in
//! [`crate::features`] only count spans outside quotes.

use crate::text::{Layout, SpeakerKind, SpeakerPattern};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

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
///
/// `rule` and `note` are shared, not owned: the texts of lexicon spans are
/// built once per entry when the lexicons are built ([`Lexicons`] lives for
/// the whole run), so a span only bumps a reference count.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub sentence: usize,
    pub category: Category,
    /// What fired: `lexicon:<file stem>:<entry>` or `rule:<name>`
    /// (`rule:quote`, `rule:named_source:<pattern>`,
    /// `rule:anonymous_source:unnamed_speaker`).
    #[serde(serialize_with = "ser_arc_str")]
    pub rule: Arc<str>,
    /// Plain-language note for this span (e.g. the stance of a report verb,
    /// a quote's speaker).
    #[serde(serialize_with = "ser_opt_arc_str")]
    pub note: Option<Arc<str>>,
    /// The span lies inside a direct quote: these are the quoted speaker's
    /// words, not the writer's. Feature counts skip such spans. Always
    /// `false` for `quote` spans themselves.
    pub in_quote: bool,
}

// Serialised as plain strings (serde's `rc` feature is not enabled).
fn ser_arc_str<S: serde::Serializer>(s: &Arc<str>, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s)
}

pub(crate) fn ser_opt_arc_str<S: serde::Serializer>(
    s: &Option<Arc<str>>,
    ser: S,
) -> Result<S::Ok, S::Error> {
    match s {
        Some(s) => ser.serialize_some(&**s),
        None => ser.serialize_none(),
    }
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

/// The lexicon files, one per kind. The file name is `<stem>.txt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LexFile {
    LoadedLanguage,
    Booster,
    Hedge,
    Attribution,
    AnonymousSource,
    Subjective,
    /// Titles, roles, organisation words and modifiers used to recognise
    /// who a source is (not matched on its own).
    Roles,
    /// Capitalised words that never start or belong to a person's or
    /// organisation's name ("However", "Monday", "Reports").
    NotNames,
}

impl LexFile {
    pub const ALL: [LexFile; 8] = [
        LexFile::LoadedLanguage,
        LexFile::Booster,
        LexFile::Hedge,
        LexFile::Attribution,
        LexFile::AnonymousSource,
        LexFile::Subjective,
        LexFile::Roles,
        LexFile::NotNames,
    ];

    /// File stem (the file is `<stem>.txt`); also used in span rules.
    pub fn stem(self) -> &'static str {
        match self {
            LexFile::LoadedLanguage => "loaded_language",
            LexFile::Booster => "booster",
            LexFile::Hedge => "hedge",
            LexFile::Attribution => "attribution",
            LexFile::AnonymousSource => "anonymous_source",
            LexFile::Subjective => "subjective",
            LexFile::Roles => "roles",
            LexFile::NotNames => "not_names",
        }
    }

    /// The category of the spans this file produces (`None` for the rule
    /// word files that are not matched on their own).
    pub fn category(self) -> Option<Category> {
        match self {
            LexFile::LoadedLanguage => Some(Category::LoadedLanguage),
            LexFile::Booster => Some(Category::Booster),
            LexFile::Hedge => Some(Category::Hedge),
            LexFile::Attribution => Some(Category::Attribution),
            LexFile::AnonymousSource => Some(Category::AnonymousSource),
            LexFile::Subjective => Some(Category::Subjective),
            LexFile::Roles | LexFile::NotNames => None,
        }
    }

    /// The file as embedded in the binary.
    pub fn embedded_text(self) -> &'static str {
        match self {
            LexFile::LoadedLanguage => {
                include_str!("../datasets/lexicons/loaded_language.txt")
            }
            LexFile::Booster => include_str!("../datasets/lexicons/booster.txt"),
            LexFile::Hedge => include_str!("../datasets/lexicons/hedge.txt"),
            LexFile::Attribution => include_str!("../datasets/lexicons/attribution.txt"),
            LexFile::AnonymousSource => {
                include_str!("../datasets/lexicons/anonymous_source.txt")
            }
            LexFile::Subjective => include_str!("../datasets/lexicons/subjective.txt"),
            LexFile::Roles => include_str!("../datasets/lexicons/roles.txt"),
            LexFile::NotNames => include_str!("../datasets/lexicons/not_names.txt"),
        }
    }

    fn from_stem(stem: &str) -> Option<LexFile> {
        LexFile::ALL.into_iter().find(|f| f.stem() == stem)
    }

    fn allowed_keys(self) -> &'static [&'static str] {
        match self {
            LexFile::Attribution => &["forms", "except", "case", "note", "stance", "subject"],
            LexFile::Roles => &["forms", "kind"],
            LexFile::NotNames => &["forms"],
            _ => &["forms", "except", "case", "note"],
        }
    }
}

/// What a report verb implies about the statement or the speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// "said", "told", "according to": reports without judging.
    Neutral,
    /// Casts doubt on the statement ("claimed", "alleged").
    Doubt,
    /// Suggests the speaker gave up something true or shameful ("admitted").
    Guilt,
    /// Presents the statement as established fact ("pointed out", "revealed").
    Endorse,
    /// Colours the speaker as emotional or boastful ("boasted", "slammed").
    Emotion,
    /// Suggests stubbornness against the facts ("insisted").
    Insistence,
}

impl Stance {
    pub fn id(self) -> &'static str {
        match self {
            Stance::Neutral => "neutral",
            Stance::Doubt => "doubt",
            Stance::Guilt => "guilt",
            Stance::Endorse => "endorse",
            Stance::Emotion => "emotion",
            Stance::Insistence => "insistence",
        }
    }

    fn parse(s: &str) -> Option<Stance> {
        [
            Stance::Neutral,
            Stance::Doubt,
            Stance::Guilt,
            Stance::Endorse,
            Stance::Emotion,
            Stance::Insistence,
        ]
        .into_iter()
        .find(|x| x.id() == s)
    }

    /// Whether the verb judges while it reports (everything but neutral).
    pub fn is_loaded(self) -> bool {
        self != Stance::Neutral
    }
}

/// Kinds of words in `roles.txt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// A title or office held by one identifiable person: "president",
    /// "minister", "spokesman". "the minister said" names a source.
    Title,
    /// People who pass on information without being named: "official",
    /// "analysts", "sources", "an aide". "officials said" is an anonymous
    /// source.
    Source,
    /// Other groups of people: "voters", "Republicans", "residents".
    /// "voters say" names no source, but is not an anonymous source either.
    Generic,
    /// An organisation word: "ministry", "government", "police".
    Org,
    /// A word that may stand inside a source's description but is not its
    /// head: "senior", "foreign", "state-run".
    Modifier,
}

impl RoleKind {
    fn parse(s: &str) -> Option<RoleKind> {
        match s {
            "title" => Some(RoleKind::Title),
            "source" => Some(RoleKind::Source),
            "generic" => Some(RoleKind::Generic),
            "org" => Some(RoleKind::Org),
            "modifier" => Some(RoleKind::Modifier),
            _ => None,
        }
    }
}

/// One lexicon entry, as parsed from its file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Entry {
    pub file: LexFile,
    /// The entry (first field of the line); named in span rules.
    pub text: String,
    /// 1-based line number in its file.
    pub line: usize,
    /// All surface forms matched for this entry (the entry first, then `forms=`).
    pub forms: Vec<String>,
    /// Longer phrases in which a match of this entry does not count (`except=`).
    pub except: Vec<String>,
    /// `case=exact`: only lowercase occurrences match ("may", not "May 5").
    pub case_exact: bool,
    /// Plain-language note (`note=`).
    pub note: Option<String>,
    /// Attribution stance (`stance=`, attribution.txt only).
    pub stance: Option<Stance>,
    /// `subject=after`: the source follows the cue ("according to X").
    pub subject_after: bool,
    /// Role kind (`kind=`, roles.txt only).
    pub kind: Option<RoleKind>,
}

/// A raw lexicon match: byte range and the entry index ([`Lexicons::entry`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub entry: u32,
}

#[derive(Debug, Clone, Copy)]
struct Payload {
    entry: u32,
    except: bool,
    case_exact: bool,
    file: LexFile,
}

pub(crate) use crate::hash::FnvMap;

/// The compiled lexicons.
#[derive(Clone)]
pub struct Lexicons {
    entries: Vec<Entry>,
    /// Where each file came from ("embedded" or a path), in `LexFile::ALL` order.
    origins: Vec<String>,
    ac: AhoCorasick,
    /// Pattern id -> range into `payloads`.
    pattern_payloads: Vec<(u32, u32)>,
    payloads: Vec<Payload>,
    /// Lowercase form -> entry index, for roles.txt.
    roles: FnvMap<String, u32>,
    /// Lowercase form -> entry index, for not_names.txt.
    not_names: FnvMap<String, u32>,
    /// Lowercase form -> (roles.txt kind, listed in not_names.txt and not
    /// a role): [`Lexicons::word_info_lower`] in one lookup.
    word_info: FnvMap<String, (Option<RoleKind>, bool)>,
    /// Unique per build, so a layout knows which lexicons made it.
    id: u64,
    /// Longest `except=` phrase in bytes (times 3 for `’` variants).
    max_except_len: usize,
    /// Per entry, the `rule` and `note` of its spans, formatted once
    /// ([`SpanTexts`]).
    span_texts: Vec<SpanTexts>,
    /// The fixed texts of rule spans, shared by all of them.
    rule_texts: RuleTexts,
}

/// The fixed `rule`/`note` texts of the spans no lexicon entry made.
#[derive(Debug, Clone)]
struct RuleTexts {
    /// `rule:named_source:<pattern>` for pronoun, subject, inverted,
    /// according_to.
    named: [Arc<str>; 4],
    unnamed_rule: Arc<str>,
    unnamed_note: Arc<str>,
    quote_rule: Arc<str>,
    no_speaker: Arc<str>,
}

impl RuleTexts {
    fn new() -> RuleTexts {
        RuleTexts {
            named: ["pronoun", "subject", "inverted", "according_to"]
                .map(|p| Arc::from(format!("rule:named_source:{p}"))),
            unnamed_rule: Arc::from("rule:anonymous_source:unnamed_speaker"),
            unnamed_note: Arc::from("source described but not named"),
            quote_rule: Arc::from("rule:quote"),
            no_speaker: Arc::from("speaker not stated"),
        }
    }
}

/// The texts of an entry's spans (see [`materialize`]).
#[derive(Debug, Clone)]
struct SpanTexts {
    /// `lexicon:<file stem>:<entry>`.
    rule: Arc<str>,
    /// Note of a plain match.
    note: Option<Arc<str>>,
    /// Note of a match counted as `attribution_loaded`.
    loaded_note: Arc<str>,
}

impl SpanTexts {
    fn of(e: &Entry) -> SpanTexts {
        let note = match e.stance {
            Some(st) => Some(match &e.note {
                Some(n) => format!("{}: {}", st.id(), n),
                None => format!("{}: reports without judging", st.id()),
            }),
            None => e.note.clone(),
        };
        let note = note.map(Arc::from);
        let st = e.stance.map(|s| s.id()).unwrap_or("loaded");
        SpanTexts {
            rule: Arc::from(format!("lexicon:{}:{}", e.file.stem(), e.text)),
            note,
            loaded_note: Arc::from(format!(
                "{}: {}",
                st,
                e.note.as_deref().unwrap_or("judges while it reports")
            )),
        }
    }
}

impl fmt::Debug for Lexicons {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lexicons")
            .field("entries", &self.entries.len())
            .field("patterns", &self.pattern_payloads.len())
            .field("origins", &self.origins)
            .finish()
    }
}

impl Lexicons {
    /// The lexicons embedded in the binary.
    pub fn embedded() -> &'static Lexicons {
        static L: std::sync::OnceLock<Lexicons> = std::sync::OnceLock::new();
        L.get_or_init(|| {
            let files: Vec<(LexFile, String, &str)> = LexFile::ALL
                .into_iter()
                .map(|f| (f, format!("{}.txt (embedded)", f.stem()), f.embedded_text()))
                .collect();
            Lexicons::build(&files).expect("embedded lexicons are valid (tested)")
        })
    }

    /// Load from a directory; files missing there fall back to the embedded
    /// ones. A `.txt` file in the directory that is not a known lexicon is
    /// an error (a misspelt file name would otherwise be ignored silently).
    pub fn from_dir(dir: &Path) -> Result<Lexicons, LexiconError> {
        let io = |e: std::io::Error| LexiconError::Io {
            file: dir.display().to_string(),
            source: e,
        };
        let mut names: Vec<String> = Vec::new();
        for item in std::fs::read_dir(dir).map_err(io)? {
            let item = item.map_err(io)?;
            let path = item.path();
            if path.extension().and_then(|e| e.to_str()) == Some("txt") {
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default()
                    .to_string();
                if LexFile::from_stem(&stem).is_none() {
                    let known: Vec<&str> = LexFile::ALL.iter().map(|f| f.stem()).collect();
                    return Err(LexiconError::Format {
                        file: path.display().to_string(),
                        line: 0,
                        reason: format!(
                            "unknown lexicon file; expected one of {}.txt",
                            known.join(".txt, ")
                        ),
                    });
                }
                names.push(stem);
            }
        }
        let mut owned: Vec<(LexFile, String, String)> = Vec::new();
        for f in LexFile::ALL {
            if names.iter().any(|n| n == f.stem()) {
                let path = dir.join(format!("{}.txt", f.stem()));
                let text = std::fs::read_to_string(&path).map_err(|e| LexiconError::Io {
                    file: path.display().to_string(),
                    source: e,
                })?;
                owned.push((f, path.display().to_string(), text));
            } else {
                owned.push((
                    f,
                    format!("{}.txt (embedded)", f.stem()),
                    f.embedded_text().to_string(),
                ));
            }
        }
        let files: Vec<(LexFile, String, &str)> = owned
            .iter()
            .map(|(f, n, t)| (*f, n.clone(), t.as_str()))
            .collect();
        Lexicons::build(&files)
    }

    fn build(files: &[(LexFile, String, &str)]) -> Result<Lexicons, LexiconError> {
        let mut entries = Vec::new();
        let mut origins = Vec::new();
        for (f, name, text) in files {
            entries.extend(parse_file(*f, name, text)?);
            origins.push(name.clone());
        }
        let mut pattern_ids: HashMap<String, u32> = HashMap::new();
        let mut per_pattern: Vec<Vec<Payload>> = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut roles = FnvMap::default();
        let mut not_names = FnvMap::default();
        let mut max_except_len = 0usize;
        let mut add = |surface: &str, p: Payload| {
            for variant in apostrophe_variants(surface) {
                let id = *pattern_ids.entry(variant.clone()).or_insert_with(|| {
                    patterns.push(variant);
                    per_pattern.push(Vec::new());
                    (patterns.len() - 1) as u32
                });
                per_pattern[id as usize].push(p);
            }
        };
        for (i, e) in entries.iter().enumerate() {
            let i = i as u32;
            match e.file {
                LexFile::Roles => {
                    for form in &e.forms {
                        roles.insert(form.clone(), i);
                    }
                }
                LexFile::NotNames => {
                    for form in &e.forms {
                        not_names.insert(form.clone(), i);
                    }
                }
                _ => {}
            }
            // Titles are matched too (the text layer uses them to find people).
            let matched = e.file.category().is_some() || e.kind == Some(RoleKind::Title);
            if matched {
                for form in &e.forms {
                    add(
                        form,
                        Payload {
                            entry: i,
                            except: false,
                            case_exact: e.case_exact,
                            file: e.file,
                        },
                    );
                }
                for ex in &e.except {
                    max_except_len = max_except_len.max(ex.len() * 3);
                    add(
                        ex,
                        Payload {
                            entry: i,
                            except: true,
                            case_exact: false,
                            file: e.file,
                        },
                    );
                }
            }
        }
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| LexiconError::Format {
                file: "lexicons".into(),
                line: 0,
                reason: format!("cannot build the matcher: {e}"),
            })?;
        let mut payloads = Vec::new();
        let mut pattern_payloads = Vec::new();
        for ps in per_pattern {
            let a = payloads.len() as u32;
            payloads.extend(ps);
            pattern_payloads.push((a, payloads.len() as u32));
        }
        let mut word_info: FnvMap<String, (Option<RoleKind>, bool)> = FnvMap::default();
        for (form, &i) in &roles {
            word_info.insert(form.clone(), (entries[i as usize].kind, false));
        }
        for form in not_names.keys() {
            let info = word_info.entry(form.clone()).or_insert((None, false));
            info.1 = info.0.is_none();
        }
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Ok(Lexicons {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            max_except_len,
            span_texts: entries.iter().map(SpanTexts::of).collect(),
            rule_texts: RuleTexts::new(),
            entries,
            origins,
            ac,
            pattern_payloads,
            payloads,
            roles,
            not_names,
            word_info,
        })
    }

    /// Identity of this build of the lexicons (recorded in [`Layout::lexicons`]).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// All entries of all files.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Entry by index (as in [`Hit::entry`]).
    pub fn entry(&self, i: u32) -> &Entry {
        &self.entries[i as usize]
    }

    /// Where each file came from, in [`LexFile::ALL`] order.
    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    /// The roles.txt kind of a word (case-insensitive; a trailing possessive
    /// `'s` is ignored).
    pub fn role(&self, word: &str) -> Option<RoleKind> {
        let w = strip_possessive(word);
        with_lower(w, |l| self.roles.get(l).and_then(|&i| self.entry(i).kind)).flatten()
    }

    /// roles.txt kind and not_names.txt membership of an already
    /// lowercased word without possessive (one pass for the text layer).
    pub(crate) fn word_info_lower(&self, lower: &str) -> (Option<RoleKind>, bool) {
        self.word_info.get(lower).copied().unwrap_or((None, false))
    }

    /// Whether a capitalised word is listed as never part of a name.
    pub fn is_not_name(&self, word: &str) -> bool {
        let w = strip_possessive(word);
        with_lower(w, |l| self.not_names.contains_key(l)).unwrap_or(false)
    }

    /// Lexicon matches in `text`, sorted by (start, end, entry): word-bounded,
    /// `case=exact` and `except=` honoured, leftmost-longest per file.
    /// Of the rule-word files only the `kind=title` roles are matched (they
    /// have no span category; the text layer uses them to find people).
    pub fn scan(&self, text: &str, out: &mut Vec<Hit>) {
        out.clear();
        // (start, end, entry) of except= phrases.
        let mut excepts: Vec<(usize, usize, u32)> = Vec::new();
        // (sort key, hit): the key orders by file, start, longest first.
        // News text has about one hit per 50 bytes: room for them at once
        // rather than a chain of reallocations.
        let mut keyed: Vec<(u64, Hit)> = Vec::with_capacity(text.len() / 32 + 4);
        for m in self.ac.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            if !word_bounded(text, s, e) {
                continue;
            }
            let (a, b) = self.pattern_payloads[m.pattern().as_usize()];
            for p in &self.payloads[a as usize..b as usize] {
                if p.except {
                    excepts.push((s, e, p.entry));
                    continue;
                }
                if p.case_exact && text.as_bytes()[s..e].iter().any(|c| c.is_ascii_uppercase()) {
                    continue;
                }
                let len = (e - s).min(0xF_FFFF) as u64;
                let key = ((p.file as u64) << 60) | ((s as u64) << 20) | (0xF_FFFF - len);
                keyed.push((
                    key,
                    Hit {
                        start: s,
                        end: e,
                        entry: p.entry,
                    },
                ));
            }
        }
        if !excepts.is_empty() {
            excepts.sort_unstable();
            let reach = self.max_except_len;
            keyed.retain(|(_, h)| {
                let hi = excepts.partition_point(|x| x.0 <= h.start);
                !excepts[..hi]
                    .iter()
                    .rev()
                    .take_while(|x| x.0 + reach >= h.start)
                    .any(|x| x.2 == h.entry && h.end <= x.1)
            });
        }
        // Leftmost-longest per file. Equal keys are equal hits (a surface
        // form belongs to one entry per file), so the unstable sort is
        // deterministic.
        keyed.sort_unstable_by_key(|(k, h)| (*k, h.entry));
        out.reserve(keyed.len());
        let mut last_file = u64::MAX;
        let mut last_end = 0usize;
        for (k, h) in keyed {
            let f = k >> 60;
            if f != last_file {
                last_file = f;
                last_end = 0;
            }
            if h.start >= last_end {
                last_end = h.end;
                out.push(h);
            }
        }
        out.sort_unstable_by_key(|h| (h.start, h.end, h.entry));
    }
}

/// `word` without a trailing possessive (`'s`, `’s`, `'`, `’`).
pub fn strip_possessive(word: &str) -> &str {
    // Every suffix ends in `s`, `S`, `'` or the last byte of `’`: most words
    // end otherwise and are returned at once.
    if !matches!(word.as_bytes().last(), Some(b's' | b'S' | b'\'' | 0x99)) {
        return word;
    }
    for suf in ["'s", "\u{2019}s", "'S", "\u{2019}S", "'", "\u{2019}"] {
        if let Some(w) = word.strip_suffix(suf) {
            if !w.is_empty() {
                return w;
            }
        }
    }
    word
}

/// Call `f` with the ASCII-lowercased `word` without allocating (words over
/// 48 bytes or non-ASCII words give `None`: no lexicon entry is like that).
pub(crate) fn with_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
    let b = word.as_bytes();
    if b.len() > 48 || !word.is_ascii() {
        return None;
    }
    // Most words are lower case already: no copy then.
    if !b.iter().any(u8::is_ascii_uppercase) {
        return Some(f(word));
    }
    let mut buf = [0u8; 48];
    for (d, s) in buf.iter_mut().zip(b) {
        *d = s.to_ascii_lowercase();
    }
    // ASCII in, ASCII out.
    std::str::from_utf8(&buf[..b.len()]).ok().map(f)
}

fn apostrophe_variants(s: &str) -> Vec<String> {
    if s.contains('\'') {
        vec![s.to_string(), s.replace('\'', "\u{2019}")]
    } else {
        vec![s.to_string()]
    }
}

/// The match `text[s..e]` starts and ends on word boundaries.
fn word_bounded(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_alphanumeric())
}

fn fmt_err(file: &str, line: usize, reason: impl Into<String>) -> LexiconError {
    LexiconError::Format {
        file: file.to_string(),
        line,
        reason: reason.into(),
    }
}

/// Check a phrase: lowercase ASCII letters, digits, single inner spaces,
/// hyphens and apostrophes, starting and ending with a letter or digit.
fn check_phrase(p: &str) -> Result<(), String> {
    if p.is_empty() {
        return Err("empty phrase".into());
    }
    if let Some(c) = p
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || " -'".contains(*c)))
    {
        return Err(format!(
            "{p:?}: character {c:?} not allowed (use lowercase ASCII letters, digits, spaces, - and ')"
        ));
    }
    let first = p.chars().next().unwrap_or(' ');
    let last = p.chars().next_back().unwrap_or(' ');
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Err(format!("{p:?} must start and end with a letter or digit"));
    }
    if p.contains("  ") {
        return Err(format!("{p:?} has a double space"));
    }
    Ok(())
}

/// Parse one lexicon file (format: `datasets/lexicons/README.md`). `name`
/// is used in error messages. Errors name the file and the 1-based line.
pub fn parse_file(file: LexFile, name: &str, text: &str) -> Result<Vec<Entry>, LexiconError> {
    let mut out: Vec<Entry> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, raw) in text.split('\n').enumerate() {
        let ln = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.trim() != line {
            return Err(fmt_err(name, ln, "leading or trailing whitespace"));
        }
        let mut fields = line.split('\t');
        let head = fields.next().unwrap_or_default();
        check_phrase(head).map_err(|r| fmt_err(name, ln, r))?;
        let mut e = Entry {
            file,
            text: head.to_string(),
            line: ln,
            forms: vec![head.to_string()],
            except: vec![],
            case_exact: false,
            note: None,
            stance: None,
            subject_after: false,
            kind: None,
        };
        for field in fields {
            let Some((k, v)) = field.split_once('=') else {
                return Err(fmt_err(
                    name,
                    ln,
                    format!("field {field:?} is not key=value"),
                ));
            };
            if !file.allowed_keys().contains(&k) {
                return Err(fmt_err(
                    name,
                    ln,
                    format!(
                        "unknown key {k:?} (allowed here: {})",
                        file.allowed_keys().join(", ")
                    ),
                ));
            }
            if v.is_empty() || v.trim() != v {
                return Err(fmt_err(
                    name,
                    ln,
                    format!("{k}= has an empty or padded value"),
                ));
            }
            match k {
                "forms" | "except" => {
                    for p in v.split(',') {
                        check_phrase(p).map_err(|r| fmt_err(name, ln, format!("{k}: {r}")))?;
                        if k == "forms" {
                            if e.forms.iter().any(|f| f == p) {
                                return Err(fmt_err(name, ln, format!("form {p:?} repeated")));
                            }
                            e.forms.push(p.to_string());
                        } else {
                            e.except.push(p.to_string());
                        }
                    }
                }
                "case" => {
                    if v != "exact" {
                        return Err(fmt_err(name, ln, "case= must be `exact`"));
                    }
                    e.case_exact = true;
                }
                "note" => e.note = Some(v.to_string()),
                "stance" => {
                    e.stance = Some(Stance::parse(v).ok_or_else(|| {
                        fmt_err(
                            name,
                            ln,
                            format!(
                                "stance {v:?}: use neutral, doubt, guilt, endorse, emotion or insistence"
                            ),
                        )
                    })?)
                }
                "subject" => {
                    if v != "after" {
                        return Err(fmt_err(name, ln, "subject= must be `after`"));
                    }
                    e.subject_after = true;
                }
                "kind" => {
                    e.kind = Some(RoleKind::parse(v).ok_or_else(|| {
                        fmt_err(
                            name,
                            ln,
                            format!("kind {v:?}: use title, source, generic, org or modifier"),
                        )
                    })?)
                }
                _ => unreachable!("checked against allowed_keys"),
            }
        }
        for ex in &e.except {
            let contains = e.forms.iter().any(|f| {
                ex.match_indices(f.as_str())
                    .any(|(s, _)| word_bounded(ex, s, s + f.len()))
            });
            if !contains {
                return Err(fmt_err(
                    name,
                    ln,
                    format!("except phrase {ex:?} does not contain the entry or one of its forms"),
                ));
            }
        }
        match file {
            LexFile::Attribution => {
                let Some(st) = e.stance else {
                    return Err(fmt_err(name, ln, "attribution entries need stance="));
                };
                if st.is_loaded() && e.note.is_none() {
                    return Err(fmt_err(
                        name,
                        ln,
                        "a non-neutral stance needs a note= saying what the verb implies",
                    ));
                }
            }
            LexFile::Roles if e.kind.is_none() => {
                return Err(fmt_err(name, ln, "roles entries need kind="));
            }
            _ => {}
        }
        for f in &e.forms {
            if let Some(prev) = seen.insert(f.clone(), ln) {
                return Err(fmt_err(name, ln, format!("{f:?} duplicates line {prev}")));
            }
        }
        out.push(e);
    }
    Ok(out)
}

/// Where a span came from, before its strings are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawSrc {
    /// A lexicon entry.
    Entry(u32),
    /// The loaded twin of an attribution entry.
    Loaded(u32),
    /// A named source: the attribution index in `layout.attributions`.
    Named(u32),
    /// An unnamed speaker (rule): attribution index.
    Unnamed(u32),
    /// A quote: index in `layout.quotes`.
    Quote(u32),
}

/// A span without its strings; what counting needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawSpan {
    pub start: usize,
    pub end: usize,
    pub sentence: usize,
    pub category: Category,
    pub in_quote: bool,
    pub src: RawSrc,
}

/// Whether `[s, e)` lies inside the words of a quote (quotes are sorted).
pub(crate) fn inside_quote(layout: &Layout, s: usize, e: usize) -> bool {
    let q = &layout.quotes;
    let i = q.partition_point(|x| x.inner_start <= s);
    i > 0 && e <= q[i - 1].inner_end
}

/// All spans without strings, in the final order.
pub(crate) fn raw_spans(body: &str, layout: &Layout, lex: &Lexicons) -> Vec<RawSpan> {
    if layout.lexicons != lex.id {
        // Attributions and speakers come from the layout: redo it with `lex`.
        return raw_spans(body, &crate::text::segment_with(body, lex), lex);
    }
    let mut out: Vec<RawSpan> = Vec::with_capacity(layout.hits.len() + layout.quotes.len());
    for h in &layout.hits {
        let e = lex.entry(h.entry);
        let Some(cat) = e.file.category() else {
            continue;
        };
        if cat == Category::Attribution {
            // Attributions come from the layout (with their speakers).
            continue;
        }
        if cat == Category::AnonymousSource
            && (e.text.starts_with("a ") || e.text.starts_with("an "))
            && crate::text::in_apposition_with_name(body, layout, lex, h.start, h.end)
        {
            // "Ilse Varant, a spokeswoman for the authority": named after all.
            continue;
        }
        out.push(RawSpan {
            start: h.start,
            end: h.end,
            sentence: layout.sentence_at(h.start),
            category: cat,
            in_quote: inside_quote(layout, h.start, h.end),
            src: RawSrc::Entry(h.entry),
        });
    }
    let anon_ranges: Vec<(usize, usize)> = out
        .iter()
        .filter(|s| s.category == Category::AnonymousSource)
        .map(|s| (s.start, s.end))
        .collect();
    for (ai, a) in layout.attributions.iter().enumerate() {
        let entry = a.entry;
        let in_q = a.in_quote;
        let sentence = layout.sentence_at(a.start);
        out.push(RawSpan {
            start: a.start,
            end: a.end,
            sentence,
            category: Category::Attribution,
            in_quote: in_q,
            src: RawSrc::Entry(entry),
        });
        if a.stance.is_loaded() {
            out.push(RawSpan {
                start: a.start,
                end: a.end,
                sentence,
                category: Category::AttributionLoaded,
                in_quote: in_q,
                src: RawSrc::Loaded(entry),
            });
        }
        if let Some(sp) = &a.speaker {
            let named = match sp.kind {
                SpeakerKind::Name | SpeakerKind::Role => true,
                SpeakerKind::Pronoun => sp.resolved.is_some(),
                SpeakerKind::Unnamed => false,
            };
            if named {
                out.push(RawSpan {
                    start: sp.start,
                    end: sp.end,
                    sentence: layout.sentence_at(sp.start),
                    category: Category::NamedSource,
                    in_quote: in_q,
                    src: RawSrc::Named(ai as u32),
                });
            } else if sp.kind == SpeakerKind::Unnamed
                && sp.anonymous
                && {
                    // Lexicon matches of one category are disjoint and sorted.
                    let i = anon_ranges.partition_point(|&(_, e)| e <= sp.start);
                    anon_ranges.get(i).map_or(true, |&(s, _)| s >= sp.end)
                }
                && !crate::text::in_apposition_with_name(body, layout, lex, sp.start, sp.end)
            {
                out.push(RawSpan {
                    start: sp.start,
                    end: sp.end,
                    sentence: layout.sentence_at(sp.start),
                    category: Category::AnonymousSource,
                    in_quote: in_q,
                    src: RawSrc::Unnamed(ai as u32),
                });
            }
        }
    }
    for (qi, q) in layout.quotes.iter().enumerate() {
        out.push(RawSpan {
            start: q.start,
            end: q.end,
            sentence: q.sentence,
            category: Category::Quote,
            in_quote: false,
            src: RawSrc::Quote(qi as u32),
        });
    }
    // Spans with equal keys are equal (the key ends in the source index),
    // so the unstable sort gives the same order as a stable one.
    out.sort_unstable_by(|a, b| {
        (a.start, a.end, a.category)
            .cmp(&(b.start, b.end, b.category))
            .then_with(|| src_key(a.src).cmp(&src_key(b.src)))
    });
    // Two attributions may share one speaker phrase: keep one named span.
    out.dedup_by(|b, a| {
        a.start == b.start
            && a.end == b.end
            && a.category == b.category
            && matches!(
                (a.src, b.src),
                (RawSrc::Named(_), RawSrc::Named(_)) | (RawSrc::Unnamed(_), RawSrc::Unnamed(_))
            )
    });
    out
}

fn src_key(s: RawSrc) -> (u8, u32) {
    match s {
        RawSrc::Entry(i) => (0, i),
        RawSrc::Loaded(i) => (1, i),
        RawSrc::Named(i) => (2, i),
        RawSrc::Unnamed(i) => (3, i),
        RawSrc::Quote(i) => (4, i),
    }
}

/// Find all flagged spans, sorted by (start, end, category, rule).
///
/// Attributions and their speakers are read from `layout`; if it was built
/// with other lexicons than `lex` ([`Layout::lexicons`]), the body is
/// segmented again with `lex` first.
pub fn find_spans(body: &str, layout: &Layout, lex: &Lexicons) -> Vec<Span> {
    if layout.lexicons != lex.id() {
        let own = crate::text::segment_with(body, lex);
        return materialize_all(&raw_spans(body, &own, lex), &own, lex);
    }
    materialize_all(&raw_spans(body, layout, lex), layout, lex)
}

/// Build the spans' strings.
pub(crate) fn materialize_all(raw: &[RawSpan], layout: &Layout, lex: &Lexicons) -> Vec<Span> {
    raw.iter().map(|r| materialize(*r, layout, lex)).collect()
}

fn materialize(r: RawSpan, layout: &Layout, lex: &Lexicons) -> Span {
    let (rule, note) = match r.src {
        // Formatted once per entry when the lexicons are built.
        RawSrc::Entry(i) => {
            let t = &lex.span_texts[i as usize];
            (t.rule.clone(), t.note.clone())
        }
        RawSrc::Loaded(i) => {
            let t = &lex.span_texts[i as usize];
            (t.rule.clone(), Some(t.loaded_note.clone()))
        }
        RawSrc::Named(ai) => {
            let a = &layout.attributions[ai as usize];
            let sp = a.speaker.as_ref().expect("named spans have a speaker");
            // Index into `RuleTexts::named`.
            let pattern = match (sp.kind, sp.pattern) {
                (SpeakerKind::Pronoun, _) => 0,
                (_, SpeakerPattern::Subject) => 1,
                (_, SpeakerPattern::Inverted) => 2,
                (_, SpeakerPattern::After) => 3,
            };
            let note = match (&sp.name, sp.kind) {
                (Some(n), SpeakerKind::Pronoun) => {
                    Some(Arc::from(format!("pronoun resolved to {n}, named earlier")))
                }
                (Some(n), _) => Some(n.clone()),
                (None, _) => None,
            };
            (lex.rule_texts.named[pattern].clone(), note)
        }
        RawSrc::Unnamed(_) => (
            lex.rule_texts.unnamed_rule.clone(),
            Some(lex.rule_texts.unnamed_note.clone()),
        ),
        RawSrc::Quote(qi) => {
            let q = &layout.quotes[qi as usize];
            let note = match (&q.speaker, &q.speaker_note) {
                (Some(s), _) => s.clone(),
                (None, Some(n)) => n.clone(),
                (None, None) => lex.rule_texts.no_speaker.clone(),
            };
            (lex.rule_texts.quote_rule.clone(), Some(note))
        }
    };
    Span {
        start: r.start,
        end: r.end,
        sentence: r.sentence,
        category: r.category,
        rule,
        note,
        in_quote: r.in_quote,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex_from(file: LexFile, text: &str) -> Lexicons {
        let files: Vec<(LexFile, String, &str)> = LexFile::ALL
            .into_iter()
            .map(|f| {
                if f == file {
                    (f, "test".to_string(), text)
                } else {
                    (f, "empty".to_string(), "# origin: test\n")
                }
            })
            .collect();
        Lexicons::build(&files).unwrap()
    }

    fn words(lex: &Lexicons, text: &str) -> Vec<String> {
        let mut hits = Vec::new();
        lex.scan(text, &mut hits);
        hits.iter()
            .map(|h| text[h.start..h.end].to_string())
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn with_lower_is_the_ascii_lowercase(w in "[a-zA-Z'.é-]{0,52}") {
            let want = (w.len() <= 48 && w.is_ascii()).then(|| w.to_ascii_lowercase());
            proptest::prop_assert_eq!(with_lower(&w, |l| l.to_string()), want);
        }
    }

    #[test]
    #[ignore = "prints the spans of ../shared/seeds for reading"]
    fn debug_seeds() {
        let Ok(dir) = std::fs::read_dir("../shared/seeds") else {
            return;
        };
        let mut paths: Vec<_> = dir.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            let raw = std::fs::read_to_string(&p).unwrap();
            let body = raw
                .split("\n\n")
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            let lex = Lexicons::embedded();
            let layout = crate::text::segment_with(&body, lex);
            println!("=== {}", p.display());
            for q in &layout.quotes {
                println!(
                    "QUOTE {:?} speaker={:?} note={:?}",
                    &body[q.start..q.end.min(q.start + 60)],
                    q.speaker,
                    q.speaker_note
                );
            }
            for sp in find_spans(&body, &layout, lex) {
                if sp.category == Category::Quote {
                    continue;
                }
                println!(
                    "{:3} {:18} {:40} {:45} {}{}",
                    sp.sentence,
                    sp.category.id(),
                    format!("{:?}", &body[sp.start..sp.end]),
                    sp.rule,
                    if sp.in_quote { "[in quote] " } else { "" },
                    sp.note.unwrap_or_default()
                );
            }
        }
    }

    #[test]
    fn embedded_lexicons_build() {
        let l = Lexicons::embedded();
        assert!(l.entries().len() > 300, "{l:?}");
    }

    #[test]
    fn word_boundaries_and_case() {
        let l = lex_from(LexFile::LoadedLanguage, "regime\nthugs\n");
        assert_eq!(
            words(&l, "The Regime's thugs, regimes, thugsy"),
            ["Regime", "thugs"]
        );
        assert_eq!(words(&l, "anti-regime"), ["regime"]);
    }

    #[test]
    fn case_exact_and_except() {
        let l = lex_from(
            LexFile::Hedge,
            "may\tcase=exact\nmight\texcept=military might\n",
        );
        assert_eq!(words(&l, "On May 5 it may rain."), ["may"]);
        assert_eq!(words(&l, "Its military might might grow."), ["might"]);
    }

    #[test]
    fn leftmost_longest_per_category_but_overlap_across() {
        let files: Vec<(LexFile, String, &str)> = LexFile::ALL
            .into_iter()
            .map(|f| {
                let t = match f {
                    LexFile::AnonymousSource => "officials said\nofficial\na senior official\n",
                    LexFile::Attribution => "said\tstance=neutral\n",
                    _ => "",
                };
                (f, f.stem().to_string(), t)
            })
            .collect();
        let l = Lexicons::build(&files).unwrap();
        assert_eq!(
            words(&l, "A senior official said; officials said."),
            ["A senior official", "said", "officials said", "said"]
        );
    }

    #[test]
    fn apostrophes_match_both_ways() {
        let l = lex_from(LexFile::Booster, "there's no doubt\n");
        assert_eq!(
            words(&l, "There\u{2019}s no doubt."),
            ["There\u{2019}s no doubt"]
        );
    }

    #[test]
    fn format_errors_name_file_and_line() {
        let bad = [
            ("ok\n Bad\n", 2, "whitespace"),
            ("ok\nBad\n", 2, "not allowed"),
            ("ok\nok\n", 2, "duplicates line 1"),
            ("ok\tfoo=bar\n", 1, "unknown key"),
            ("ok\texcept=other thing\n", 1, "does not contain"),
            ("# c\nok\tforms=ok2,ok2\n", 2, "repeated"),
        ];
        for (text, line, why) in bad {
            let err = parse_file(LexFile::Hedge, "hedge.txt", text).unwrap_err();
            match &err {
                LexiconError::Format {
                    file,
                    line: l,
                    reason,
                } => {
                    assert_eq!(file, "hedge.txt");
                    assert_eq!(*l, line, "{text:?}: {err}");
                    assert!(reason.contains(why), "{text:?}: {err}");
                }
                other => panic!("{other}"),
            }
        }
        let err = parse_file(LexFile::Attribution, "attribution.txt", "said\n").unwrap_err();
        assert!(err.to_string().contains("stance"), "{err}");
        let err = parse_file(LexFile::Attribution, "a.txt", "claimed\tstance=doubt\n").unwrap_err();
        assert!(err.to_string().contains("note"), "{err}");
    }

    #[test]
    fn roles_lookup_ignores_case_and_possessive() {
        let l = Lexicons::embedded();
        assert_eq!(l.role("Minister"), Some(RoleKind::Title));
        assert_eq!(l.role("officials"), Some(RoleKind::Source));
        assert_eq!(l.role("voters"), Some(RoleKind::Generic));
        assert_eq!(l.role("Ministry's"), Some(RoleKind::Org));
        assert_eq!(l.role("Putin"), None);
        assert!(l.is_not_name("However"));
    }
}
