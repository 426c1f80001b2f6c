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
    let mut s = String::new();
    fmt_f_into(&mut s, v);
    s
}

/// [`fmt_f`], appended to `out` (no allocation on the common path).
pub fn fmt_f_into(out: &mut String, v: f64) {
    if !v.is_finite() {
        return;
    }
    if !fmt_f_fast(out, v) {
        out.push_str(&fmt_f_slow(v));
    }
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
/// (where the rounding rule of `format!` would matter). Appends to `out` and
/// returns `true`, or returns `false` (nothing appended) for "use
/// `format!`". The digits are those of `format!("{v:.4}")`: `v` is exactly
/// `m * 2^-e`, so `v * 10^4 = m * 10^4 / 2^e` is split into quotient and
/// remainder and rounded to nearest.
fn fmt_f_fast(out: &mut String, v: f64) -> bool {
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
        return false;
    } else {
        let n = u128::from(m) * 10_000;
        let e = e as u32;
        let (q, r) = (n >> e, n & ((1u128 << e) - 1));
        let half = 1u128 << (e - 1);
        if r == half || q >= 1u128 << 60 {
            return false;
        }
        q + u128::from(r > half)
    };
    if q == 0 {
        out.push('0');
        return true;
    }
    let Ok(q) = u64::try_from(q) else {
        return false;
    };
    let (int, mut dec) = (q / 10_000, q % 10_000);
    if v < 0.0 {
        out.push('-');
    }
    let mut tmp = [0u8; 20];
    out.push_str(uint_digits(&mut tmp, int));
    if dec != 0 {
        let mut digits = 4;
        while dec % 10 == 0 {
            dec /= 10;
            digits -= 1;
        }
        out.push('.');
        // `dec` has at most `digits` digits: left-pad with zeros.
        let d = uint_digits(&mut tmp, dec);
        for _ in d.len()..digits {
            out.push('0');
        }
        out.push_str(d);
    }
    true
}

/// The decimal digits of `v`, written into the end of `tmp`.
fn uint_digits(tmp: &mut [u8; 20], v: u64) -> &str {
    std::str::from_utf8(uint_digit_bytes(tmp, v)).expect("ASCII digits")
}

/// The two ASCII digits of every number below 100.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// [`uint_digits`] as bytes (no UTF-8 check, for the byte buffers); two
/// digits per division.
fn uint_digit_bytes(tmp: &mut [u8; 20], mut v: u64) -> &[u8] {
    let mut i = tmp.len();
    while v >= 100 {
        i -= 2;
        tmp[i..i + 2].copy_from_slice(&DIGIT_PAIRS[(v % 100) as usize]);
        v /= 100;
    }
    if v >= 10 {
        i -= 2;
        tmp[i..i + 2].copy_from_slice(&DIGIT_PAIRS[v as usize]);
    } else {
        i -= 1;
        tmp[i] = b'0' + v as u8;
    }
    &tmp[i..]
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

/// Bytes the scans below test at once. A fixed-size chunk tested with `|`
/// rather than `||` compiles to a few SIMD compares per chunk.
///
/// Hand-written rather than `memchr`: that crate searches for at most three
/// distinct bytes, while a CSV field is quoted for four (`,` `"` CR LF) and
/// JSON escapes a range (every byte below 0x20). A single byte (`"` when
/// doubling quotes) is found with `memchr` itself.
const CHUNK: usize = 16;

/// Does any byte of the chunk satisfy `pred`? (`pred` must be branch-free
/// for the compare to vectorise: combine tests with `|`.)
#[inline(always)]
fn chunk_has(c: &[u8], pred: impl Fn(u8) -> bool) -> bool {
    let c: &[u8; CHUNK] = c.try_into().expect("a whole chunk");
    c.iter().fold(false, |acc, &b| acc | pred(b))
}

/// A byte that makes a CSV field quoted: `,`, `"`, CR or LF.
#[inline(always)]
fn csv_special(b: u8) -> bool {
    (b == b',') | (b == b'"') | (b == b'\r') | (b == b'\n')
}

/// A byte `serde_json` escapes in a string: `"`, `\\` or a control byte.
#[inline(always)]
fn json_special(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// Does any byte of `f` satisfy `pred`? Whole chunks are tested at once,
/// the tail as the last (overlapping) chunk; a string shorter than a chunk
/// is tested as one chunk made of overlapping pieces of it (fixed-size
/// copies, no loop), so only strings below 4 bytes go byte by byte.
#[inline(always)]
fn has_any(f: &[u8], pred: impl Fn(u8) -> bool + Copy) -> bool {
    let n = f.len();
    if n >= CHUNK {
        f.chunks_exact(CHUNK).any(|c| chunk_has(c, pred))
            || (n % CHUNK != 0 && chunk_has(&f[n - CHUNK..], pred))
    } else if n >= 8 {
        let (a, b): (&[u8; 8], &[u8; 8]) = (
            f[..8].try_into().expect("8 bytes"),
            f[n - 8..].try_into().expect("8 bytes"),
        );
        let mut c = [0u8; CHUNK];
        c[..8].copy_from_slice(a);
        c[8..].copy_from_slice(b);
        chunk_has(&c, pred)
    } else if n >= 4 {
        let (a, b): (&[u8; 4], &[u8; 4]) = (
            f[..4].try_into().expect("4 bytes"),
            f[n - 4..].try_into().expect("4 bytes"),
        );
        let mut c = [0u8; CHUNK];
        for k in 0..2 {
            c[8 * k..8 * k + 4].copy_from_slice(a);
            c[8 * k + 4..8 * k + 8].copy_from_slice(b);
        }
        chunk_has(&c, pred)
    } else {
        f.iter().any(|&b| pred(b))
    }
}

/// Does `f` contain `,`, `"`, CR or LF (the bytes that make a CSV field
/// quoted)? Most fields contain none.
fn csv_needs_quotes(f: &[u8]) -> bool {
    has_any(f, csv_special)
}

/// Append `s` as a JSON string, escaped exactly as `serde_json` does
/// (`\"`, `\\`, `\b \f \n \r \t`, other control bytes as `\u00xx`;
/// everything else, non-ASCII included, as is). Hand-written so that long
/// runs without such bytes are found a chunk at a time and copied whole.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    if !has_any(b, json_special) {
        // The common case: nothing to escape.
        out.extend_from_slice(b);
        out.push(b'"');
        return;
    }
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        // Skip a chunk without special bytes; else go through it (or the
        // tail shorter than a chunk) byte by byte.
        let end = match b.get(i..i + CHUNK) {
            Some(c) if !chunk_has(c, json_special) => {
                i += CHUNK;
                continue;
            }
            Some(_) => i + CHUNK,
            None => b.len(),
        };
        while i < end {
            let c = b[i];
            i += 1;
            let esc: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..=0x1f => &[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(c >> 4) as usize],
                    HEX[(c & 15) as usize],
                ],
                _ => continue,
            };
            out.extend_from_slice(&b[start..i - 1]);
            out.extend_from_slice(esc);
            start = i;
        }
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// The position of the first `"` in `f`.
fn find_quote(f: &[u8]) -> Option<usize> {
    memchr::memchr(b'"', f)
}

/// Append `prefix` + `f` as one field, quoted when it contains `,`, `"`,
/// CR or LF (`prefix` must contain none of them).
fn push_field(out: &mut Vec<u8>, prefix: &[u8], f: &[u8]) {
    if csv_needs_quotes(f) {
        out.reserve(f.len() + prefix.len() + 2);
        out.push(b'"');
        out.extend_from_slice(prefix);
        let mut rest = f;
        while let Some(q) = find_quote(rest) {
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
fn push_uint(out: &mut Vec<u8>, v: u64) {
    // Numbers below 10,000 (counts, offsets of most bodies) as fixed-size
    // appends: a copy of a variable-length slice of a few bytes is a call
    // to `memcpy`.
    match v {
        0..=9 => out.push(b'0' + v as u8),
        10..=99 => out.extend_from_slice(&DIGIT_PAIRS[v as usize]),
        100..=999 => {
            let [a, b] = DIGIT_PAIRS[(v % 100) as usize];
            out.extend_from_slice(&[b'0' + (v / 100) as u8, a, b]);
        }
        1000..=9999 => {
            let ([a, b], [c, d]) = (
                DIGIT_PAIRS[(v / 100) as usize],
                DIGIT_PAIRS[(v % 100) as usize],
            );
            out.extend_from_slice(&[a, b, c, d]);
        }
        _ => out.extend_from_slice(uint_digit_bytes(&mut [0u8; 20], v)),
    }
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

    /// Append a field already encoded by [`CsvBuf::encode_field`] (for a
    /// cell repeated on every row, such as the article id).
    fn field_encoded(&mut self, enc: &[u8]) {
        self.sep();
        self.buf.extend_from_slice(enc);
    }

    /// The bytes [`CsvBuf::field`] appends for `s` (without the separator),
    /// into `out` (cleared first).
    fn encode_field(out: &mut Vec<u8>, s: &str) {
        out.clear();
        let prefix: &[u8] = if needs_neutralising(s) { b"'" } else { b"" };
        push_field(out, prefix, s.as_bytes());
    }

    /// Append an unsigned integer field to the current row.
    pub fn field_uint(&mut self, v: impl Into<u64>) {
        self.sep();
        push_uint(&mut self.buf, v.into());
    }

    /// Forget every row (keeping the allocation).
    pub fn clear(&mut self) {
        self.buf.clear();
        self.rows = 0;
        self.fields = 0;
        self.row_start = 0;
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

    /// Start syncing what is written so far to disk in the background
    /// ([`AtomicFile::start_writeback`]).
    pub fn start_writeback(&mut self) -> Result<(), ReportError> {
        self.file.start_writeback()
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

    /// The file, to publish together with others
    /// ([`AtomicFile::commit_all`]).
    pub fn into_file(self) -> AtomicFile {
        self.file
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
    let mut row = ArticleRow::default();
    article_row_into(cmp, i, &mut row);
    row.iter().map(str::to_string).collect()
}

/// One `articles.csv` row kept flat: the cells back to back in one string,
/// plus where each ends. Built by [`article_row_into`]; reusing one value
/// row after row formats without allocating a string per cell.
#[derive(Debug, Default, Clone)]
pub struct ArticleRow {
    text: String,
    ends: Vec<usize>,
}

impl ArticleRow {
    /// Cells in the row.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Is the row empty (no cells)?
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Cell `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..end])
    }

    /// The cells, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(s, &e)| &self.text[s..e])
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Close the cell written so far with `self.text.push_str` etc.
    fn end_cell(&mut self) {
        self.ends.push(self.text.len());
    }

    fn cell(&mut self, s: &str) {
        self.text.push_str(s);
        self.end_cell();
    }

    fn cell_uint(&mut self, v: usize) {
        self.text.push_str(uint_digits(&mut [0u8; 20], v as u64));
        self.end_cell();
    }

    fn cell_f(&mut self, v: f64) {
        fmt_f_into(&mut self.text, v);
        self.end_cell();
    }

    /// One cell of `items` joined by `;`.
    fn cell_list<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) {
        for (k, x) in items.into_iter().enumerate() {
            if k > 0 {
                self.text.push(';');
            }
            self.text.push_str(x);
        }
        self.end_cell();
    }

    /// One cell of unsigned numbers joined by `;`.
    fn cell_uint_list(&mut self, items: impl IntoIterator<Item = usize>) {
        for (k, x) in items.into_iter().enumerate() {
            if k > 0 {
                self.text.push(';');
            }
            self.text.push_str(uint_digits(&mut [0u8; 20], x as u64));
        }
        self.end_cell();
    }
}

/// Fill `row` (cleared first) with the `articles.csv` cells of article `i`,
/// in [`article_columns`] order: the text of [`article_row`] without a
/// string per cell.
pub fn article_row_into(cmp: &Comparison, i: usize, row: &mut ArticleRow) {
    row.clear();
    let s = &cmp.articles[i];
    let a = &s.analysis.article;
    let pa = &cmp.per_article[i];
    let junk_share = if a.junk.lines_total == 0 {
        0.0
    } else {
        a.junk.lines_dropped as f64 / a.junk.lines_total as f64
    };
    row.cell(&a.id);
    row.cell(&a.source);
    row.cell(fv(&a.outlet));
    row.cell(fe(&a.outlet));
    row.cell(a.url.as_deref().unwrap_or(""));
    row.cell(fv(&a.title));
    row.cell(fv(&a.published));
    row.cell(fe(&a.published));
    row.cell(fv(&a.byline));
    row.cell_list(a.wire_credits.iter().map(|w| w.value.as_str()));
    row.cell(fv(&a.language));
    row.cell_uint(s.analysis.words);
    row.cell_uint(s.analysis.layout.sentences.len());
    row.cell_uint(s.analysis.layout.paragraphs.len());
    row.cell_uint(a.captions.len());
    row.cell_f(junk_share);
    for (f, v) in schema::FEATURES.iter().zip(&s.analysis.values) {
        match f.kind {
            schema::FeatureKind::Count => {
                row.cell_f(*v);
                row.cell_f(crate::features::per_1k(*v, s.analysis.words));
            }
            schema::FeatureKind::Value => row.cell_f(*v),
        }
    }
    row.cell_f(s.framing_score);
    row.cell_uint_list(s.top_sentences.iter().map(|t| t.sentence));
    row.cell_list(s.top_terms.iter().map(String::as_str));
    crate::model::frame_cells_into(&s.frames, &mut row.text, |t| row.ends.push(t.len()));
    row.cell(&pa.story_id);
    row.cell_list(pa.flags.iter().map(String::as_str));
    if let Some(r) = pa.reliability_score {
        fmt_f_into(&mut row.text, r);
    }
    row.end_cell();
    for (k, (name, v)) in pa.reliability_components.iter().enumerate() {
        if k > 0 {
            row.text.push(';');
        }
        row.text.push_str(name);
        row.text.push('=');
        fmt_f_into(&mut row.text, *v);
    }
    row.end_cell();
    row.cell_list(pa.flag_details.iter().map(String::as_str));
    row.cell(pa.source_rating.as_ref().map_or("", |r| r.value.as_str()));
    row.cell(pa.source_rating.as_ref().map_or("", |r| r.key.as_str()));
    row.cell(match pa.source_rating_disagrees {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    });
    row.cell_uint_list(pa.unique_sentences.iter().copied());
    row.cell_list(pa.missing_facts.iter().map(|f| f.fact_id.as_str()));
    // `;` separates list items, so it cannot appear inside a note.
    for (k, n) in a.notes.iter().enumerate() {
        if k > 0 {
            row.text.push(';');
        }
        for (j, part) in n.split(';').enumerate() {
            if j > 0 {
                row.text.push(',');
            }
            row.text.push_str(part);
        }
    }
    row.end_cell();
}

/// The rows of one article, rendered in memory. The buffers are reused
/// from article to article ([`Rendered::render`] clears them first).
#[derive(Default)]
struct Rendered {
    row: ArticleRow,
    arts: CsvBuf,
    jsonl: Vec<u8>,
    sents: CsvBuf,
    spans: CsvBuf,
    /// A sentence's `framing_prob` cell.
    num: String,
    /// The article id as a CSV field, for every row of its sentences and
    /// spans.
    id_field: Vec<u8>,
}

/// How an `articles.csv` column is written in `articles.jsonl` (from
/// [`ColumnDoc::ty`], looked up once per run instead of per cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellType {
    Integer,
    Float,
    Bool,
    List,
    Text,
}

impl CellType {
    fn of(ty: &str) -> CellType {
        match ty {
            "integer" => CellType::Integer,
            "float" => CellType::Float,
            "bool" => CellType::Bool,
            "list" => CellType::List,
            _ => CellType::Text,
        }
    }
}

/// Append one `articles.csv` cell as typed JSON: `integer` and `float`
/// columns become numbers (`null` when empty), `bool` booleans, `list`
/// columns arrays of strings, everything else strings. Numbers are written
/// as `serde_json` writes them, so they read exactly as before.
fn push_typed_cell(out: &mut Vec<u8>, ty: CellType, v: &str) {
    let num = |out: &mut Vec<u8>, f: f64| {
        serde_json::to_writer(&mut *out, &f).expect("writing to a Vec cannot fail")
    };
    match ty {
        CellType::Integer => match v.parse::<i64>() {
            Ok(i) => {
                if i < 0 {
                    out.push(b'-');
                }
                push_uint(out, i.unsigned_abs());
            }
            Err(_) => match v.parse::<f64>() {
                Ok(f) => num(out, f),
                Err(_) => out.extend_from_slice(b"null"),
            },
        },
        CellType::Float => {
            if !push_plain_decimal(out, v) {
                match v.parse::<f64>() {
                    Ok(f) => num(out, f),
                    Err(_) => out.extend_from_slice(b"null"),
                }
            }
        }
        CellType::Bool => out.extend_from_slice(match v {
            "true" => b"true",
            "false" => b"false",
            _ => b"null",
        }),
        CellType::List => {
            out.push(b'[');
            if !v.is_empty() {
                for (k, x) in v.split(';').enumerate() {
                    if k > 0 {
                        out.push(b',');
                    }
                    push_json_str(out, x);
                }
            }
            out.push(b']');
        }
        CellType::Text => push_json_str(out, v),
    }
}

/// Append `v` as `serde_json` writes the `f64` it parses to, when `v` is a
/// plain decimal as [`fmt_f`] writes them: an optional `-`, an integer part
/// without leading zeros, and at most 4 decimals not ending in `0`, 15
/// digits at most. Such a number reads back to a float whose shortest
/// round-trip digits (what `serde_json` prints) are those same digits, and
/// in that range it prints them without an exponent: `v` itself, plus `.0`
/// when it has no decimals. Returns `false` (nothing appended) otherwise.
/// Skips a float parse and a float print per cell.
fn push_plain_decimal(out: &mut Vec<u8>, v: &str) -> bool {
    let b = v.as_bytes();
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    let (int, frac) = match digits.iter().position(|&c| c == b'.') {
        Some(p) => (&digits[..p], Some(&digits[p + 1..])),
        None => (digits, None),
    };
    let int_ok = match int {
        [] => false,
        [b'0'] => true,
        [first, ..] => *first != b'0' && int.iter().all(u8::is_ascii_digit),
    };
    let frac_ok = frac.map_or(true, |f| {
        (1..=4).contains(&f.len()) && f.iter().all(u8::is_ascii_digit) && f.last() != Some(&b'0')
    });
    if !int_ok || !frac_ok || int.len() + frac.map_or(0, <[u8]>::len) > 15 {
        return false;
    }
    out.extend_from_slice(b);
    if frac.is_none() {
        out.extend_from_slice(b".0");
    }
    true
}

/// The JSON object keys of the `articles.csv` columns, each as `"name":`,
/// with how the column's cells are written.
fn json_keys(cols: &[ColumnDoc]) -> Vec<(Vec<u8>, CellType)> {
    cols.iter()
        .map(|c| {
            let mut k = Vec::new();
            push_json_str(&mut k, &c.name);
            k.push(b':');
            (k, CellType::of(c.ty))
        })
        .collect()
}

impl Rendered {
    /// Render article `i` of `cmp` into the (cleared) buffers.
    fn render(&mut self, keys: &[(Vec<u8>, CellType)], cmp: &Comparison, i: usize) {
        let s = &cmp.articles[i];
        let an = &s.analysis;
        let body = an.article.body.as_str();
        let id = an.article.id.as_str();

        article_row_into(cmp, i, &mut self.row);
        self.arts.clear();
        self.arts.row(self.row.iter());

        // articles.jsonl: the articles.csv columns (typed, in column order),
        // then `body`, `caption_texts` and `spans`; the bytes
        // `serde_json::to_writer` gave for the same values (compact, keys in
        // this order; checked by a test).
        let j = &mut self.jsonl;
        j.clear();
        j.reserve(2 * body.len() + 160 * an.spans.len() + 2048);
        j.push(b'{');
        for ((key, ty), v) in keys.iter().zip(self.row.iter()) {
            j.extend_from_slice(key);
            push_typed_cell(j, *ty, v);
            j.push(b',');
        }
        j.extend_from_slice(b"\"body\":");
        push_json_str(j, body);
        j.extend_from_slice(b",\"caption_texts\":[");
        for (k, c) in an.article.captions.iter().enumerate() {
            if k > 0 {
                j.push(b',');
            }
            push_json_str(j, c);
        }
        j.extend_from_slice(b"],\"spans\":[");
        for (k, sp) in an.spans.iter().enumerate() {
            if k > 0 {
                j.push(b',');
            }
            j.extend_from_slice(b"{\"start\":");
            push_uint(j, sp.start as u64);
            j.extend_from_slice(b",\"end\":");
            push_uint(j, sp.end as u64);
            j.extend_from_slice(b",\"sentence_index\":");
            push_uint(j, sp.sentence as u64);
            j.extend_from_slice(b",\"category\":");
            push_json_str(j, sp.category.id());
            j.extend_from_slice(b",\"text\":");
            push_json_str(j, &body[sp.start..sp.end]);
            j.extend_from_slice(b",\"rule\":");
            push_json_str(j, &sp.rule);
            j.extend_from_slice(b",\"note\":");
            match sp.note.as_deref() {
                Some(n) => push_json_str(j, n),
                None => j.extend_from_slice(b"null"),
            }
            j.push(b'}');
        }
        j.extend_from_slice(b"]}\n");

        CsvBuf::encode_field(&mut self.id_field, id);

        // sentences.csv, in sentence_columns() order.
        let sents = &mut self.sents;
        sents.clear();
        sents
            .buf
            .reserve(2 * body.len() + 64 * an.layout.sentences.len());
        let n_counts = schema::count_features().count();
        let num = &mut self.num;
        for (si, sent) in an.layout.sentences.iter().enumerate() {
            sents.field_encoded(&self.id_field);
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
            num.clear();
            if let Some(p) = s.sentence_probs.get(si) {
                fmt_f_into(num, *p);
            }
            sents.field(num);
            sents.end_row();
        }

        // spans.csv, in span_columns() order.
        let spans = &mut self.spans;
        spans.clear();
        spans.buf.reserve(128 * an.spans.len());
        for sp in &an.spans {
            spans.field_encoded(&self.id_field);
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
    }
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
    /// `"name":` of every `articles.csv` column and how its cells are
    /// typed, for `articles.jsonl`.
    keys: Vec<(Vec<u8>, CellType)>,
    /// Render buffers, one per article of a batch, reused batch to batch.
    pool: Vec<Rendered>,
}

/// Articles rendered (in parallel) before their rows are written, in order.
const RENDER_BATCH: usize = 64;

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
            keys: json_keys(&cols),
            pool: Vec::new(),
        })
    }

    /// Append the rows of every article of `cmp`, in order. Rows are
    /// formatted in parallel on the current rayon pool, a batch of articles
    /// at a time into reused buffers, and written in order; a batch is
    /// written while the next one is formatted.
    pub fn write(&mut self, cmp: &Comparison) -> Result<(), ReportError> {
        use rayon::prelude::*;
        use std::io::Write;
        let n = cmp.articles.len();
        let Exports {
            arts,
            jsonl,
            sents,
            spans,
            jsonl_rows,
            keys,
            pool,
            ..
        } = self;
        let keys = &*keys;
        if pool.len() < 2 * RENDER_BATCH {
            pool.resize_with(2 * RENDER_BATCH, Rendered::default);
        }
        // Two halves: one being written, the other being formatted.
        let (mut front, mut back) = pool.split_at_mut(RENDER_BATCH);
        // Format the batch starting at article `start`; its length.
        let render = |bufs: &mut [Rendered], start: usize| -> usize {
            let len = RENDER_BATCH.min(n - start);
            bufs[..len]
                .par_iter_mut()
                .enumerate()
                .for_each(|(k, r)| r.render(keys, cmp, start + k));
            len
        };
        let mut write = |bufs: &[Rendered]| -> Result<(), ReportError> {
            for r in bufs {
                arts.append(&r.arts)?;
                jsonl
                    .write_all(&r.jsonl)
                    .map_err(|e| io_err(jsonl.path(), e))?;
                *jsonl_rows += 1;
                sents.append(&r.sents)?;
                spans.append(&r.spans)?;
            }
            Ok(())
        };
        let mut start = 0;
        let mut len = render(front, 0);
        while len > 0 {
            let next = start + len;
            let (written, next_len) = rayon::join(|| write(&front[..len]), || render(back, next));
            written?;
            std::mem::swap(&mut front, &mut back);
            (start, len) = (next, next_len);
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
        AtomicFile::commit_all(vec![
            self.errs.into_file(),
            self.spans.into_file(),
            self.sents.into_file(),
            self.jsonl,
            self.arts.into_file(),
        ])
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
        // The long files start going to disk while the next windows are
        // processed, so that the syncs at `finish` have little left to do.
        self.jsonl.start_writeback()?;
        self.spans.start_writeback()?;
        self.sents.start_writeback()?;
        self.arts.start_writeback()?;
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
    fn encoded_fields_equal_fields() {
        let mut enc = Vec::new();
        for s in tricky_strings()
            .iter()
            .chain(&["-1.5".to_string(), "=x".into()])
        {
            let (mut a, mut b) = (CsvBuf::default(), CsvBuf::default());
            CsvBuf::encode_field(&mut enc, s);
            a.field("x");
            a.field(s);
            a.end_row();
            b.field("x");
            b.field_encoded(&enc);
            b.end_row();
            assert_eq!(a.as_bytes(), b.as_bytes(), "{s:?}");
        }
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

    /// Strings that exercise every escape and the chunk-at-a-time scans:
    /// special bytes at each position of the first chunks and of the tail,
    /// non-ASCII text.
    fn tricky_strings() -> Vec<String> {
        let mut v: Vec<String> = ["", "a", "plain text of some length", "caf\u{e9} \u{1f600}"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for c in (0u8..=0x7f)
            .map(char::from)
            .chain(['\u{e9}', '\u{2028}', '\u{1f600}'])
        {
            for pos in 0..40 {
                let mut s: String = "abcdefghijklmnopqrstuvwxyz0123456789ABCD"
                    .chars()
                    .take(pos)
                    .collect();
                s.push(c);
                for tail in ["", "rstuvwxyz 0123", "rstuvwxyz 0123456789 abcdefghij"] {
                    v.push(format!("{s}{tail}"));
                }
            }
        }
        v
    }

    #[test]
    fn json_strings_are_escaped_as_serde_json_does() {
        for s in tricky_strings() {
            let mut out = Vec::new();
            push_json_str(&mut out, &s);
            assert_eq!(out, serde_json::to_vec(&s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn csv_quote_scan_equals_the_plain_scan() {
        for s in tricky_strings() {
            let plain = s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
            assert_eq!(csv_needs_quotes(s.as_bytes()), plain, "{s:?}");
        }
    }

    /// `push_field` as plainly written: quote when needed, double quotes.
    fn push_field_plain(out: &mut Vec<u8>, prefix: &[u8], f: &[u8]) {
        let quote = f.iter().any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
        if quote {
            out.push(b'"');
        }
        out.extend_from_slice(prefix);
        for &b in f {
            out.push(b);
            if b == b'"' {
                out.push(b'"');
            }
        }
        if quote {
            out.push(b'"');
        }
    }

    #[test]
    fn csv_fields_equal_the_plain_writer() {
        let mut strings = tricky_strings();
        strings.push("\"".repeat(40));
        strings.push(format!("{}\"{}\"", "a".repeat(33), "b".repeat(15)));
        for s in strings {
            let (mut got, mut want) = (Vec::new(), Vec::new());
            push_field(&mut got, b"'", s.as_bytes());
            push_field_plain(&mut want, b"'", s.as_bytes());
            assert_eq!(got, want, "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn json_and_csv_scans_match_the_references(s in "(?s).{0,80}", t in "[a-z,\"\\\\\r\n\t\u{1}\u{1f}\u{7f}\u{e9} ]{0,80}") {
            for s in [&s, &t] {
                let mut out = Vec::new();
                push_json_str(&mut out, s);
                proptest::prop_assert_eq!(&out, &serde_json::to_vec(s).unwrap());
                let plain = s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
                proptest::prop_assert_eq!(csv_needs_quotes(s.as_bytes()), plain);
                let (mut got, mut want) = (Vec::new(), Vec::new());
                push_field(&mut got, b"", s.as_bytes());
                push_field_plain(&mut want, b"", s.as_bytes());
                proptest::prop_assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn typed_cells_read_as_serde_json_writes_them() {
        let cases = [
            ("integer", "3", serde_json::json!(3)),
            ("integer", "-7", serde_json::json!(-7)),
            ("integer", "2.5", serde_json::json!(2.5)),
            ("integer", "", serde_json::Value::Null),
            ("float", "1", serde_json::json!(1.0)),
            ("float", "0.1235", serde_json::json!(0.1235)),
            ("float", "x", serde_json::Value::Null),
            ("bool", "true", serde_json::json!(true)),
            ("bool", "", serde_json::Value::Null),
            ("list", "", serde_json::json!([])),
            ("list", "a;b\"", serde_json::json!(["a", "b\""])),
            ("string", "x\ny", serde_json::json!("x\ny")),
        ];
        for (ty, v, want) in cases {
            let mut out = Vec::new();
            push_typed_cell(&mut out, CellType::of(ty), v);
            assert_eq!(out, serde_json::to_vec(&want).unwrap(), "{ty} {v:?}");
        }
    }

    #[test]
    fn flat_row_and_float_appends() {
        let mut r = ArticleRow::default();
        r.cell("a");
        r.cell("");
        r.cell_f(0.5);
        r.cell_uint_list([3, 10]);
        r.cell_list(["x", "y"]);
        assert_eq!(
            r.iter().collect::<Vec<_>>(),
            ["a", "", "0.5", "3;10", "x;y"]
        );
        assert_eq!((r.len(), r.get(2), r.get(5)), (5, Some("0.5"), None));
        let mut s = String::from("k=");
        fmt_f_into(&mut s, -0.01);
        fmt_f_into(&mut s, f64::NAN);
        assert_eq!(s, "k=-0.01");
    }

    #[test]
    fn uint_appends_equal_to_string() {
        let mut vals: Vec<u64> = (0..20_000).collect();
        let mut p = 1u64;
        while let Some(q) = p.checked_mul(10) {
            vals.extend([p - 1, p, p + 1, q - 1]);
            p = q;
        }
        vals.push(u64::MAX);
        for v in vals {
            let mut out = b"x".to_vec();
            push_uint(&mut out, v);
            assert_eq!(&out[1..], v.to_string().as_bytes());
            assert_eq!(uint_digits(&mut [0u8; 20], v), v.to_string());
        }
    }

    /// Float cells go to JSON as `serde_json` writes their parsed value,
    /// with or without the plain-decimal shortcut.
    #[test]
    fn float_cells_read_as_serde_json_writes_them() {
        let mut cells: Vec<String> = [
            "0",
            "-0",
            "1",
            "-1",
            "0.5",
            "0.0001",
            "-0.0001",
            "0.00001",
            "1.50",
            "007",
            "0.",
            ".5",
            "-",
            "",
            "1e5",
            "x",
            "12345678901234",
            "123456789012345",
            "1234567890123456",
            "99999999999.9999",
            "9999999999.9999",
            "1.2.3",
            "+1",
            "0.1235",
            "100",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        cells.extend(sample_floats(0x2545_f491_4f6c_dd1d, 100_000).map(fmt_f));
        for c in cells {
            let mut out = Vec::new();
            push_typed_cell(&mut out, CellType::Float, &c);
            let want = match c.parse::<f64>() {
                Ok(f) => serde_json::to_vec(&f).unwrap(),
                Err(_) => b"null".to_vec(),
            };
            assert_eq!(out, want, "{c:?}");
        }
    }

    /// The fast path of `fmt_f` gives exactly the text of `format!`.
    #[test]
    fn issue6_fast_float_format_equals_format_macro() {
        let slow = fmt_f_slow;
        let mut vals = vec![
            0.0, -0.0, 1.0, 0.5, 0.03125, 0.09375, -0.03125, 0.00005, 0.00015, 0.99995, 9.99995,
            1e-320, 5e-324, 1e14, 1.2e14, 4.5e15, 1e300, 12.3456, 100.0, 0.1, 0.7, 2.675,
        ];
        vals.extend(sample_floats(0x9e37_79b9_7f4a_7c15, 200_000));
        for v in vals {
            if v.is_finite() {
                assert_eq!(fmt_f(v), slow(v), "{v:e} ({:#x})", v.to_bits());
            }
        }
    }

    /// `n` pseudo-random floats of the kinds the exports format: any bit
    /// pattern, probabilities, scores, values near a rounding boundary and a
    /// wide range of magnitudes of both signs.
    fn sample_floats(seed: u64, n: u64) -> impl Iterator<Item = f64> {
        let mut x = seed;
        (0..n).map(move |i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            match i % 5 {
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
            }
        })
    }
}
