//! CSV and JSONL exports: `articles.csv`, `articles.jsonl`,
//! `sentences.csv`, `spans.csv`, `errors.csv`.
//!
//! Column lists are defined once here ([`ARTICLE_COLUMNS`] etc.) plus the
//! feature columns generated from [`crate::schema`]; the data dictionary is
//! generated from the same lists.

use super::atomic::{io_err, AtomicFile};
use super::ReportError;
use crate::compare::Comparison;
use crate::extract::Field;
use crate::ingest::InputError;
use crate::schema;
use std::path::Path;

/// Documentation of one export column.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ColumnDoc {
    pub name: String,
    /// `string`, `integer`, `float`, `bool`, `list` (`;`-separated) or `json`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    pub unit: &'static str,
    pub meaning: String,
}

const fn col(
    name: &'static str,
    ty: &'static str,
    unit: &'static str,
    meaning: &'static str,
) -> (&'static str, &'static str, &'static str, &'static str) {
    (name, ty, unit, meaning)
}

type Col = (&'static str, &'static str, &'static str, &'static str);

/// Fixed leading columns of `articles.csv` (feature columns follow, then
/// [`ARTICLE_TAIL_COLUMNS`]).
pub const ARTICLE_COLUMNS: &[Col] = &[
    col("article_id", "string", "", "Stable article id: the corpus `id` column, else `a` + input position (a0001, a0002, ...)."),
    col("source", "string", "", "Where the article came from: the input file path, or `file:row` for a corpus row."),
    col("outlet", "string", "", "Outlet or site name, from a corpus column or --outlet, else read from the page text or URL; empty if none is stated."),
    col("outlet_evidence", "string", "", "The exact text the outlet was read from."),
    col("url", "string", "", "URL from the corpus, if given."),
    col("title", "string", "", "Headline as stated on the page or in the corpus; empty if none."),
    col("published", "string", "ISO 8601", "Publication date (and time when stated) as stated on the page or in the corpus; empty if none."),
    col("published_evidence", "string", "", "The exact text the date was read from."),
    col("byline", "string", "", "Author(s) as credited; empty if none."),
    col("wire_credits", "list", "", "Wire services credited (Reuters, AP, AFP, ...), `;`-separated."),
    col("language", "string", "ISO 639-1", "Language of the body, detected statistically unless given."),
    col("words", "integer", "words", "Word tokens in the cleaned body."),
    col("sentences", "integer", "sentences", "Sentences in the cleaned body."),
    col("paragraphs", "integer", "paragraphs", "Paragraphs in the cleaned body."),
    col("captions", "integer", "captions", "Photo captions and credits moved out of the body."),
    col("junk_share", "float", "fraction (0-1)", "Share of the page's non-empty lines dropped as boilerplate."),
];

/// Columns after the feature columns in `articles.csv`.
pub const ARTICLE_TAIL_COLUMNS: &[Col] = &[
    col("framing_score", "float", "0-100", "Article framing score: aggregate of sentence framing probabilities (see docs/MODEL.md)."),
    col("framing_top_sentences", "list", "sentence indexes", "Indexes of the sentences that contribute most to the framing score, strongest first, `;`-separated."),
    col("framing_top_terms", "list", "", "Terms that contribute most to the framing score, strongest first, `;`-separated."),
    col("frame_economic", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the economic frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_capacity_and_resources", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the capacity and resources frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_morality", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the morality frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_fairness_and_equality", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the fairness and equality frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_legality_constitutionality_and_jurisprudence", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the legality constitutionality and jurisprudence frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_policy_prescription_and_evaluation", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the policy prescription and evaluation frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_crime_and_punishment", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the crime and punishment frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_security_and_defense", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the security and defense frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_health_and_safety", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the health and safety frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_quality_of_life", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the quality of life frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_cultural_identity", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the cultural identity frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_public_opinion", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the public opinion frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_political", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the political frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frame_external_regulation_and_reputation", "float", "probability (0-1)", "Frame profile: calibrated probability that the article uses the external regulation and reputation frame (SemEval-2023 Task 3 subtask 2 / Policy Frames Codebook; see docs/MODEL.md). Empty when the model has no frame head."),
    col("frames_top", "list", "", "The three most probable frames, strongest first, `;`-separated (a ranking, not a verdict; see the frame_* columns for the probabilities)."),
    col("story_id", "string", "", "Story the article belongs to (corpus `story` column, else found by text similarity)."),
    col("flags", "list", "", "Warnings about the article, `;`-separated: date_mismatch, headline_more_loaded_than_body, no_attribution, unattributed_copy, speaker_conflict, spam_links, no_byline (see docs/RELIABILITY.md)."),
    col("reliability_score", "float", "0-100", "Text-based reliability index (see docs/RELIABILITY.md)."),
    col("reliability_components", "list", "points", "Components of the reliability index as `name=points`, `;`-separated."),
    col("flag_details", "list", "", "Why each flag was raised, as `flag: reason`, `;`-separated, in the order of `flags`."),
    col("source_rating", "string", "", "The rating of this outlet in the file given with --source-ratings, as written there; empty without a file or a match."),
    col("source_rating_key", "string", "", "The domain or outlet name of the --source-ratings row that matched."),
    col("source_rating_disagrees", "bool", "", "`true` when the user's rating and reliability_score are in opposite bands (one high, the other low; see docs/RELIABILITY.md); empty when the rating could not be read as high, mixed or low."),
    col("unique_sentences", "list", "sentence indexes", "Sentences no other article of the story reports (see alignment.csv), `;`-separated; empty for a one-article story."),
    col("missing_facts", "list", "fact ids", "Widely reported facts of the story (reported by at least half of its articles, and two or more) that this article leaves out, `;`-separated (their text is in alignment.csv)."),
    col("extraction_notes", "list", "", "How the text was obtained, where it was not plain: legacy encoding decoded, HTML extractor fallback and why, wire credits read from a dateline, and the like; `;`-separated, empty when there is nothing to note."),
];

/// `sentences.csv` fixed columns (per-sentence feature counts follow, then
/// `framing_prob`).
pub const SENTENCE_COLUMNS: &[Col] = &[
    col(
        "article_id",
        "string",
        "",
        "Article id (joins articles.csv).",
    ),
    col(
        "sentence_index",
        "integer",
        "",
        "0-based sentence position in the body.",
    ),
    col(
        "paragraph_index",
        "integer",
        "",
        "0-based paragraph position in the body.",
    ),
    col(
        "start",
        "integer",
        "bytes",
        "Byte offset of the sentence start in the article's cleaned `body` (UTF-8).",
    ),
    col(
        "end",
        "integer",
        "bytes",
        "Byte offset one past the sentence end in `body`.",
    ),
    col(
        "text",
        "string",
        "",
        "The sentence text (`body[start..end]`).",
    ),
    col("words", "integer", "words", "Word tokens in the sentence."),
];

/// `spans.csv` columns.
pub const SPAN_COLUMNS: &[Col] = &[
    col("article_id", "string", "", "Article id (joins articles.csv)."),
    col("sentence_index", "integer", "", "Sentence the span starts in (joins sentences.csv)."),
    col("start", "integer", "bytes", "Byte offset of the span start in the article's cleaned `body` (UTF-8)."),
    col("end", "integer", "bytes", "Byte offset one past the span end in `body`."),
    col("category", "string", "", "Span category: loaded_language, booster, hedge, attribution, attribution_loaded, named_source, anonymous_source, quote, subjective."),
    col("text", "string", "", "The span text (`body[start..end]`)."),
    col("rule", "string", "", "What fired: `lexicon:<file>:<entry>` or `rule:<name>`."),
    col("note", "string", "", "Plain-language note on this span (e.g. the stance of a report verb, a quote's speaker)."),
    col("in_quote", "bool", "", "`true` when the span lies inside a direct quotation: the words are the quoted person's, not the outlet's, and are left out of the article's counts."),
];

/// `errors.csv` columns.
pub const ERROR_COLUMNS: &[Col] = &[
    col(
        "source",
        "string",
        "",
        "The input that failed: file path, or `file:row`.",
    ),
    col(
        "reason",
        "string",
        "",
        "Why it could not be read or analysed.",
    ),
];

fn docs(cols: &[Col]) -> Vec<ColumnDoc> {
    cols.iter()
        .map(|(n, t, u, m)| ColumnDoc {
            name: n.to_string(),
            ty: t,
            unit: u,
            meaning: m.to_string(),
        })
        .collect()
}

/// All `articles.csv` columns, documented, in order.
pub fn article_columns() -> Vec<ColumnDoc> {
    let mut out = docs(ARTICLE_COLUMNS);
    for f in schema::FEATURES {
        match f.kind {
            schema::FeatureKind::Count => {
                out.push(ColumnDoc {
                    name: format!("{}_count", f.id),
                    ty: "integer",
                    unit: f.unit,
                    meaning: format!("{}: {} {}", f.title, f.explanation, f.how),
                });
                out.push(ColumnDoc {
                    name: format!("{}_per_1k", f.id),
                    ty: "float",
                    unit: "per 1,000 words",
                    meaning: format!("{} per 1,000 words of the body.", f.title),
                });
            }
            schema::FeatureKind::Value => out.push(ColumnDoc {
                name: f.id.to_string(),
                ty: "float",
                unit: f.unit,
                meaning: format!("{}: {} {}", f.title, f.explanation, f.how),
            }),
        }
    }
    out.extend(docs(ARTICLE_TAIL_COLUMNS));
    out
}

/// All `sentences.csv` columns, documented, in order.
pub fn sentence_columns() -> Vec<ColumnDoc> {
    let mut out = docs(SENTENCE_COLUMNS);
    for f in schema::count_features() {
        out.push(ColumnDoc {
            name: format!("{}_count", f.id),
            ty: "integer",
            unit: f.unit,
            meaning: format!("{} in this sentence.", f.title),
        });
    }
    out.push(ColumnDoc {
        name: "framing_prob".into(),
        ty: "float",
        unit: "probability (0-1)",
        meaning: "Calibrated probability that the sentence uses biased or loaded framing, as BABE's expert annotators judged.".into(),
    });
    out
}

/// `spans.csv` columns, documented.
pub fn span_columns() -> Vec<ColumnDoc> {
    docs(SPAN_COLUMNS)
}

/// `errors.csv` columns, documented.
pub fn error_columns() -> Vec<ColumnDoc> {
    docs(ERROR_COLUMNS)
}

/// Neutralise spreadsheet formula injection: a cell starting with `=`, `+`,
/// `-`, `@`, tab or carriage return gets a leading `'`. Plain numbers
/// (including negative ones) are left alone so they stay numeric.
pub fn safe_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_neutralising(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Would [`safe_cell`] change this cell?
fn needs_neutralising(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && s.parse::<f64>().is_err()
}

/// Format a float deterministically: fixed 4 decimals, trailing zeros
/// trimmed; NaN/inf become empty.
pub fn fmt_f(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if let Some(s) = fmt_f_fast(v) {
        return s;
    }
    fmt_f_slow(v)
}

/// [`fmt_f`] through `format!`: the reference the fast path must equal.
fn fmt_f_slow(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// [`fmt_f`] by exact integer arithmetic, for the common case: `|v|`
/// below about 10^14 and not exactly half-way between two multiples of 0.0001
/// (where the rounding rule of `format!` would matter). `None` means "use
/// `format!`". The digits are those of `format!("{v:.4}")`: `v` is exactly
/// `m * 2^-e`, so `v * 10^4 = m * 10^4 / 2^e` is split into quotient and
/// remainder and rounded to nearest.
fn fmt_f_fast(v: f64) -> Option<String> {
    let bits = v.abs().to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    // v = m * 2^-e exactly (subnormals: exponent field 0).
    let (m, e) = if exp == 0 {
        (frac, 1074)
    } else {
        (frac | (1u64 << 52), 1075 - exp)
    };
    let q = if m == 0 || e >= 120 {
        // Zero, or |v| < 2^-67: far below 0.00005, rounds to 0.
        0
    } else if e <= 0 {
        // |v| >= 2^52.
        return None;
    } else {
        let n = u128::from(m) * 10_000;
        let e = e as u32;
        let (q, r) = (n >> e, n & ((1u128 << e) - 1));
        let half = 1u128 << (e - 1);
        if r == half || q >= 1u128 << 60 {
            return None;
        }
        q + u128::from(r > half)
    };
    if q == 0 {
        return Some("0".into());
    }
    let q = u64::try_from(q).ok()?;
    let (int, mut dec) = (q / 10_000, q % 10_000);
    let mut out = String::with_capacity(24);
    if v < 0.0 {
        out.push('-');
    }
    use std::fmt::Write;
    let _ = write!(out, "{int}");
    if dec != 0 {
        let mut digits = 4;
        while dec % 10 == 0 {
            dec /= 10;
            digits -= 1;
        }
        let _ = write!(out, ".{dec:0digits$}");
    }
    Some(out)
}

/// Append one CSV record to `out` in the dialect of every export: RFC 4180
/// (fields quoted only when they contain `,`, `"`, CR or LF, quotes
/// doubled), CRLF line ends, UTF-8. A record of a single empty field is
/// written as `""` so it is not mistaken for a blank line.
pub fn encode_record<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = &'a [u8]>) {
    let start = out.len();
    let mut n = 0;
    for f in fields {
        if n > 0 {
            out.push(b',');
        }
        n += 1;
        push_field(out, b"", f);
    }
    if n == 1 && out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.extend_from_slice(b"\r\n");
}

/// Append `prefix` + `f` as one field, quoted when it contains `,`, `"`,
/// CR or LF (`prefix` must contain none of them).
fn push_field(out: &mut Vec<u8>, prefix: &[u8], f: &[u8]) {
    if f.iter().any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.push(b'"');
        out.extend_from_slice(prefix);
        let mut rest = f;
        while let Some(q) = rest.iter().position(|&b| b == b'"') {
            out.extend_from_slice(&rest[..=q]);
            out.push(b'"');
            rest = &rest[q + 1..];
        }
        out.extend_from_slice(rest);
        out.push(b'"');
    } else {
        out.extend_from_slice(prefix);
        out.extend_from_slice(f);
    }
}

/// Append the decimal digits of `v`.
fn push_uint(out: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

/// CSV rows rendered in memory (used to format a window's rows in parallel
/// before they are appended, in order, to the files). Rows are built field
/// by field without allocating ([`CsvBuf::field`], [`CsvBuf::field_uint`],
/// [`CsvBuf::end_row`]) or whole ([`CsvBuf::row`]); the bytes are exactly
/// what [`CsvOut::row`] writes.
#[derive(Debug, Default)]
pub struct CsvBuf {
    buf: Vec<u8>,
    rows: u64,
    fields: usize,
    row_start: usize,
}

impl CsvBuf {
    fn sep(&mut self) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
    }

    /// Append a text field to the current row (neutralised like [`safe_cell`]).
    pub fn field(&mut self, s: &str) {
        self.sep();
        let prefix: &[u8] = if needs_neutralising(s) { b"'" } else { b"" };
        push_field(&mut self.buf, prefix, s.as_bytes());
    }

    /// Append an unsigned integer field to the current row.
    pub fn field_uint(&mut self, v: impl Into<u64>) {
        self.sep();
        push_uint(&mut self.buf, v.into());
    }

    /// End the current row.
    pub fn end_row(&mut self) {
        if self.fields == 1 && self.buf.len() == self.row_start {
            self.buf.extend_from_slice(b"\"\"");
        }
        self.buf.extend_from_slice(b"\r\n");
        self.rows += 1;
        self.fields = 0;
        self.row_start = self.buf.len();
    }

    /// Append one row; every cell goes through [`safe_cell`].
    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        for c in cells {
            self.field(c);
        }
        self.end_row();
    }

    /// Append the rows of another buffer.
    pub fn extend(&mut self, other: CsvBuf) {
        self.buf.extend_from_slice(&other.buf);
        self.rows += other.rows;
        self.row_start = self.buf.len();
    }

    /// Rows appended so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The rendered bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
}

/// A CSV writer that neutralises every cell and writes atomically.
pub struct CsvOut {
    file: AtomicFile,
    scratch: Vec<u8>,
    path: String,
    rows: u64,
}

impl CsvOut {
    /// Create the file (under a temporary name) and write the header.
    pub fn create(path: &Path, header: &[String]) -> Result<CsvOut, ReportError> {
        let file = AtomicFile::create(path)?;
        let mut out = CsvOut {
            file,
            scratch: Vec::new(),
            path: path.display().to_string(),
            rows: 0,
        };
        out.row(header.iter().map(|s| s.as_str()))?;
        out.rows = 0;
        Ok(out)
    }

    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), ReportError> {
        use std::io::Write;
        self.file.write_all(bytes).map_err(|e| ReportError::Other {
            path: self.path.clone(),
            reason: e.to_string(),
        })
    }

    /// Write one row; every cell goes through [`safe_cell`].
    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> Result<(), ReportError> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let cells: Vec<std::borrow::Cow<'a, str>> = cells.into_iter().map(safe_cell).collect();
        encode_record(&mut scratch, cells.iter().map(|c| c.as_bytes()));
        let r = self.write_bytes(&scratch);
        self.scratch = scratch;
        r?;
        self.rows += 1;
        Ok(())
    }

    /// Write a row exactly as given (no neutralisation): for copying rows
    /// of files framelens wrote itself, as `merge` does.
    pub fn raw_record(&mut self, rec: &::csv::ByteRecord) -> Result<(), ReportError> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        encode_record(&mut scratch, rec.iter());
        let r = self.write_bytes(&scratch);
        self.scratch = scratch;
        r?;
        self.rows += 1;
        Ok(())
    }

    /// Append rows rendered by a [`CsvBuf`].
    pub fn append(&mut self, buf: &CsvBuf) -> Result<(), ReportError> {
        self.write_bytes(&buf.buf)?;
        self.rows += buf.rows;
        Ok(())
    }

    /// Data rows written so far (the header not counted).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The final path of the file.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Flush and publish the file under its final name. Dropping a
    /// `CsvOut` without calling this leaves no file under the final name.
    pub fn finish(self) -> Result<(), ReportError> {
        self.file.commit()
    }
}

fn names(cols: &[ColumnDoc]) -> Vec<String> {
    cols.iter().map(|c| c.name.clone()).collect()
}

fn fv(f: &Option<Field>) -> &str {
    f.as_ref().map(|f| f.value.as_str()).unwrap_or("")
}

fn fe(f: &Option<Field>) -> &str {
    f.as_ref().map(|f| f.evidence.as_str()).unwrap_or("")
}

/// One `articles.csv` row as strings, in [`article_columns`] order.
pub fn article_row(cmp: &Comparison, i: usize) -> Vec<String> {
    let s = &cmp.articles[i];
    let a = &s.analysis.article;
    let pa = &cmp.per_article[i];
    let junk_share = if a.junk.lines_total == 0 {
        0.0
    } else {
        a.junk.lines_dropped as f64 / a.junk.lines_total as f64
    };
    let mut row = vec![
        a.id.clone(),
        a.source.clone(),
        fv(&a.outlet).to_string(),
        fe(&a.outlet).to_string(),
        a.url.clone().unwrap_or_default(),
        fv(&a.title).to_string(),
        fv(&a.published).to_string(),
        fe(&a.published).to_string(),
        fv(&a.byline).to_string(),
        a.wire_credits
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        fv(&a.language).to_string(),
        s.analysis.words.to_string(),
        s.analysis.layout.sentences.len().to_string(),
        s.analysis.layout.paragraphs.len().to_string(),
        a.captions.len().to_string(),
        fmt_f(junk_share),
    ];
    for (f, v) in schema::FEATURES.iter().zip(&s.analysis.values) {
        match f.kind {
            schema::FeatureKind::Count => {
                row.push(fmt_f(*v));
                row.push(fmt_f(crate::features::per_1k(*v, s.analysis.words)));
            }
            schema::FeatureKind::Value => row.push(fmt_f(*v)),
        }
    }
    row.push(fmt_f(s.framing_score));
    row.push(
        s.top_sentences
            .iter()
            .map(|t| t.sentence.to_string())
            .collect::<Vec<_>>()
            .join(";"),
    );
    row.push(s.top_terms.join(";"));
    row.extend(crate::model::frame_cells(s));
    row.push(pa.story_id.clone());
    row.push(pa.flags.join(";"));
    row.push(pa.reliability_score.map(fmt_f).unwrap_or_default());
    row.push(
        pa.reliability_components
            .iter()
            .map(|(k, v)| format!("{k}={}", fmt_f(*v)))
            .collect::<Vec<_>>()
            .join(";"),
    );
    row.push(pa.flag_details.join(";"));
    row.push(
        pa.source_rating
            .as_ref()
            .map(|r| r.value.clone())
            .unwrap_or_default(),
    );
    row.push(
        pa.source_rating
            .as_ref()
            .map(|r| r.key.clone())
            .unwrap_or_default(),
    );
    row.push(match pa.source_rating_disagrees {
        Some(true) => "true".into(),
        Some(false) => "false".into(),
        None => String::new(),
    });
    row.push(
        pa.unique_sentences
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(";"),
    );
    row.push(
        pa.missing_facts
            .iter()
            .map(|f| f.fact_id.as_str())
            .collect::<Vec<_>>()
            .join(";"),
    );
    // `;` separates list items, so it cannot appear inside a note.
    row.push(
        a.notes
            .iter()
            .map(|n| n.replace(';', ","))
            .collect::<Vec<_>>()
            .join(";"),
    );
    row
}

/// The rows of one article, rendered in memory.
struct Rendered {
    arts: CsvBuf,
    jsonl: Vec<u8>,
    sents: CsvBuf,
    spans: CsvBuf,
}

/// One `articles.csv` cell as typed JSON: `integer` and `float` columns
/// become numbers (`null` when empty), `bool` booleans, `list` columns
/// arrays of strings, everything else strings.
struct TypedCell<'a> {
    ty: &'static str,
    v: &'a str,
}

impl serde::Serialize for TypedCell<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let v = self.v;
        match self.ty {
            "integer" => match (v.parse::<i64>(), v.parse::<f64>()) {
                (Ok(i), _) => ser.serialize_i64(i),
                (_, Ok(f)) => ser.serialize_f64(f),
                _ => ser.serialize_none(),
            },
            "float" => match v.parse::<f64>() {
                Ok(f) => ser.serialize_f64(f),
                Err(_) => ser.serialize_none(),
            },
            "bool" => match v {
                "true" => ser.serialize_bool(true),
                "false" => ser.serialize_bool(false),
                _ => ser.serialize_none(),
            },
            "list" if v.is_empty() => ser.collect_seq(std::iter::empty::<&str>()),
            "list" => ser.collect_seq(v.split(';')),
            _ => ser.serialize_str(v),
        }
    }
}

/// A span in `articles.jsonl`.
#[derive(serde::Serialize)]
struct JsonSpan<'a> {
    start: usize,
    end: usize,
    sentence_index: usize,
    category: &'static str,
    text: &'a str,
    rule: &'a str,
    note: Option<&'a str>,
}

/// One `articles.jsonl` line: the articles.csv columns (typed, in column
/// order), then `body`, `caption_texts` and `spans`. Serialised straight
/// from the article, without building a JSON tree.
struct JsonArticle<'a> {
    cols: &'a [ColumnDoc],
    row: &'a [String],
    article: &'a crate::features::Analysis,
}

impl serde::Serialize for JsonArticle<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let body = self.article.article.body.as_str();
        let mut m = ser.serialize_map(Some(self.cols.len() + 3))?;
        for (c, v) in self.cols.iter().zip(self.row) {
            m.serialize_entry(&c.name, &TypedCell { ty: c.ty, v })?;
        }
        m.serialize_entry("body", body)?;
        m.serialize_entry("caption_texts", &self.article.article.captions)?;
        m.serialize_entry(
            "spans",
            &self
                .article
                .spans
                .iter()
                .map(|sp| JsonSpan {
                    start: sp.start,
                    end: sp.end,
                    sentence_index: sp.sentence,
                    category: sp.category.id(),
                    text: &body[sp.start..sp.end],
                    rule: &sp.rule,
                    note: sp.note.as_deref(),
                })
                .collect::<Vec<_>>(),
        )?;
        m.end()
    }
}

fn render_article(cols: &[ColumnDoc], cmp: &Comparison, i: usize) -> Result<Rendered, ReportError> {
    let row = article_row(cmp, i);
    let mut arts = CsvBuf::default();
    arts.row(row.iter().map(|s| s.as_str()));

    let s = &cmp.articles[i];
    let an = &s.analysis;
    let body = an.article.body.as_str();
    let id = an.article.id.as_str();

    let mut jsonl = Vec::with_capacity(2 * body.len() + 2048);
    serde_json::to_writer(
        &mut jsonl,
        &JsonArticle {
            cols,
            row: &row,
            article: an,
        },
    )
    .map_err(|e| ReportError::Other {
        path: "articles.jsonl".into(),
        reason: e.to_string(),
    })?;
    jsonl.push(b'\n');

    // sentences.csv, in sentence_columns() order.
    let mut sents = CsvBuf::default();
    let n_counts = schema::count_features().count();
    for (si, sent) in an.layout.sentences.iter().enumerate() {
        sents.field(id);
        sents.field_uint(si as u64);
        sents.field_uint(sent.paragraph as u64);
        sents.field_uint(sent.start as u64);
        sents.field_uint(sent.end as u64);
        sents.field(&body[sent.start..sent.end]);
        let f = an.sentences.get(si);
        sents.field_uint(f.map(|f| f.words).unwrap_or(0));
        match f {
            Some(f) => f.counts.iter().for_each(|c| sents.field_uint(*c)),
            None => (0..n_counts).for_each(|_| sents.field_uint(0u32)),
        }
        match s.sentence_probs.get(si) {
            Some(p) => sents.field(&fmt_f(*p)),
            None => sents.field(""),
        }
        sents.end_row();
    }

    // spans.csv, in span_columns() order.
    let mut spans = CsvBuf::default();
    for sp in &an.spans {
        spans.field(id);
        spans.field_uint(sp.sentence as u64);
        spans.field_uint(sp.start as u64);
        spans.field_uint(sp.end as u64);
        spans.field(sp.category.id());
        spans.field(&body[sp.start..sp.end]);
        spans.field(&sp.rule);
        spans.field(sp.note.as_deref().unwrap_or(""));
        spans.field(if sp.in_quote { "true" } else { "false" });
        spans.end_row();
    }
    Ok(Rendered {
        arts,
        jsonl,
        sents,
        spans,
    })
}

/// Rows written to each file for one window of a run: `(file name, rows)`.
/// The run manifest records these so that `framelens merge` can put the
/// windows of several shards back in input order.
pub type WindowRows = Vec<(String, u64)>;

/// A writer fed window after window by a streaming run
/// ([`crate::pipeline::run_analyze`]). Implement it for any export that
/// grows per window (the compare tables, for example) and push it onto the
/// run's writer list: its per-window row counts go into `manifest.json`, so
/// `merge` can restore input order for its files too.
pub trait WindowWriter: Send {
    /// Write the rows of one window: its comparison and the inputs of the
    /// window that failed. Return the rows written per file.
    fn write_window(
        &mut self,
        cmp: &Comparison,
        errors: &[InputError],
    ) -> Result<WindowRows, ReportError>;
    /// Publish the files under their final names.
    fn finish(self: Box<Self>) -> Result<(), ReportError>;
}

/// The per-article export files of a run, open for streaming: create once,
/// [`Exports::write`] each window's comparison in input order (and
/// [`Exports::write_errors`] its failed inputs), then [`Exports::finish`].
/// Nothing is visible under the final names until `finish` renames the
/// temporary files into place; dropping an `Exports` unfinished removes
/// them.
pub struct Exports {
    arts: CsvOut,
    jsonl: AtomicFile,
    sents: CsvOut,
    spans: CsvOut,
    errs: CsvOut,
    jsonl_rows: u64,
    cols: Vec<ColumnDoc>,
}

/// The files [`Exports`] writes, in the order the data dictionary lists them.
pub const EXPORT_FILES: &[&str] = &[
    "articles.csv",
    "articles.jsonl",
    "sentences.csv",
    "spans.csv",
    "errors.csv",
];

impl Exports {
    /// Open `articles.csv`, `articles.jsonl`, `sentences.csv`, `spans.csv`,
    /// `errors.csv` in `dir` (under temporary names).
    pub fn create(dir: &Path) -> Result<Exports, ReportError> {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        let cols = article_columns();
        Ok(Exports {
            arts: CsvOut::create(&dir.join("articles.csv"), &names(&cols))?,
            jsonl: AtomicFile::create(&dir.join("articles.jsonl"))?,
            sents: CsvOut::create(&dir.join("sentences.csv"), &names(&sentence_columns()))?,
            spans: CsvOut::create(&dir.join("spans.csv"), &names(&span_columns()))?,
            errs: CsvOut::create(&dir.join("errors.csv"), &names(&error_columns()))?,
            jsonl_rows: 0,
            cols,
        })
    }

    /// Append the rows of every article of `cmp`, in order. Rows are
    /// formatted in parallel on the current rayon pool, then written in
    /// order.
    pub fn write(&mut self, cmp: &Comparison) -> Result<(), ReportError> {
        use rayon::prelude::*;
        use std::io::Write;
        let cols = &self.cols;
        let rendered: Vec<Result<Rendered, ReportError>> = (0..cmp.articles.len())
            .into_par_iter()
            .map(|i| render_article(cols, cmp, i))
            .collect();
        for r in rendered {
            let r = r?;
            self.arts.append(&r.arts)?;
            let p = self.jsonl.path().to_path_buf();
            self.jsonl.write_all(&r.jsonl).map_err(|e| io_err(&p, e))?;
            self.jsonl_rows += 1;
            self.sents.append(&r.sents)?;
            self.spans.append(&r.spans)?;
        }
        Ok(())
    }

    /// Append `errors.csv` rows for inputs that failed.
    pub fn write_errors(&mut self, errors: &[InputError]) -> Result<(), ReportError> {
        for e in errors {
            self.errs.row([e.source.as_str(), e.reason.as_str()])?;
        }
        Ok(())
    }

    /// Data rows written so far, per file, in [`EXPORT_FILES`] order.
    pub fn rows(&self) -> WindowRows {
        vec![
            ("articles.csv".into(), self.arts.rows()),
            ("articles.jsonl".into(), self.jsonl_rows),
            ("sentences.csv".into(), self.sents.rows()),
            ("spans.csv".into(), self.spans.rows()),
            ("errors.csv".into(), self.errs.rows()),
        ]
    }

    /// Publish every file under its final name (`articles.csv` last).
    pub fn finish(self) -> Result<(), ReportError> {
        self.errs.finish()?;
        self.spans.finish()?;
        self.sents.finish()?;
        self.jsonl.commit()?;
        self.arts.finish()
    }
}

impl WindowWriter for Exports {
    fn write_window(
        &mut self,
        cmp: &Comparison,
        errors: &[InputError],
    ) -> Result<WindowRows, ReportError> {
        let before = self.rows();
        self.write(cmp)?;
        self.write_errors(errors)?;
        Ok(self
            .rows()
            .into_iter()
            .zip(before)
            .map(|((name, after), (_, b))| (name, after - b))
            .collect())
    }

    fn finish(self: Box<Self>) -> Result<(), ReportError> {
        Exports::finish(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_but_numbers_are_not() {
        assert_eq!(safe_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe_cell("+cmd"), "'+cmd");
        assert_eq!(safe_cell("@x"), "'@x");
        assert_eq!(safe_cell("-foo"), "'-foo");
        assert_eq!(safe_cell("-1.5"), "-1.5");
        assert_eq!(safe_cell("plain"), "plain");
    }

    #[test]
    fn field_writer_matches_row_writer_and_rfc4180() {
        let cells = [
            "plain",
            "",
            "with,comma",
            "say \"hi\"",
            "line\r\nbreak",
            "=HYPERLINK(\"x\")",
            "-12.5",
            "@a,b",
            "caf\u{e9}",
        ];
        let mut a = CsvBuf::default();
        a.row(cells);
        let mut b = CsvBuf::default();
        for c in cells {
            b.field(c);
        }
        b.end_row();
        let mut c = Vec::new();
        let neutral: Vec<_> = cells.iter().map(|c| safe_cell(c)).collect();
        encode_record(&mut c, neutral.iter().map(|x| x.as_bytes()));
        assert_eq!(a.as_bytes(), b.as_bytes());
        assert_eq!(a.as_bytes(), &c[..]);
        let mut r = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(a.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        let got: Vec<&str> = rec.iter().collect();
        assert_eq!(got, neutral.iter().map(|c| c.as_ref()).collect::<Vec<_>>());
        assert_eq!(got[5], "'=HYPERLINK(\"x\")");
        assert_eq!(got[7], "'@a,b");
        assert!(a.as_bytes().ends_with(b"\r\n"));
    }

    #[test]
    fn numbers_and_single_empty_rows() {
        let mut b = CsvBuf::default();
        b.field_uint(0u32);
        b.field_uint(u64::MAX);
        b.end_row();
        b.field("");
        b.end_row();
        assert_eq!(b.as_bytes(), b"0,18446744073709551615\r\n\"\"\r\n");
        assert_eq!(b.rows(), 2);
    }

    #[test]
    fn floats_are_formatted_deterministically() {
        assert_eq!(fmt_f(1.0), "1");
        assert_eq!(fmt_f(0.123456), "0.1235");
        assert_eq!(fmt_f(-0.00001), "0");
        assert_eq!(fmt_f(f64::NAN), "");
    }

    /// The fast path of `fmt_f` gives exactly the text of `format!`.
    #[test]
    fn issue6_fast_float_format_equals_format_macro() {
        let slow = fmt_f_slow;
        let mut vals = vec![
            0.0, -0.0, 1.0, 0.5, 0.03125, 0.09375, -0.03125, 0.00005, 0.00015, 0.99995, 9.99995,
            1e-320, 5e-324, 1e14, 1.2e14, 4.5e15, 1e300, 12.3456, 100.0, 0.1, 0.7, 2.675,
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = match i % 5 {
                // Any bit pattern.
                0 => f64::from_bits(x),
                // Probabilities and scores.
                1 => (x >> 11) as f64 / (1u64 << 53) as f64,
                2 => (x >> 11) as f64 / (1u64 << 53) as f64 * 100.0,
                // Near a rounding boundary: k/10^4 + tiny offsets.
                3 => (x % 2_000_000) as f64 / 20_000.0 + ((x >> 40) as f64 - 8e6) * 1e-22,
                // Wide range of magnitudes, both signs.
                _ => {
                    (x >> 11) as f64
                        * 10f64.powi((x % 40) as i32 - 30)
                        * if x & 1 == 0 { 1.0 } else { -1.0 }
                }
            };
            vals.push(v);
        }
        for v in vals {
            if v.is_finite() {
                assert_eq!(fmt_f(v), slow(v), "{v:e} ({:#x})", v.to_bits());
            }
        }
    }
}
