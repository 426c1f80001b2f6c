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
    col("story_id", "string", "", "Story the article belongs to (corpus `story` column, else found by text similarity)."),
    col("flags", "list", "", "Warnings about the article, `;`-separated (see docs)."),
    col("reliability_score", "float", "0-100", "Text-based reliability index (see docs)."),
    col("reliability_components", "list", "points", "Components of the reliability index as `name=points`, `;`-separated."),
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
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if s.parse::<f64>().is_err() => {
            std::borrow::Cow::Owned(format!("'{s}"))
        }
        _ => std::borrow::Cow::Borrowed(s),
    }
}

/// Format a float deterministically: fixed 4 decimals, trailing zeros
/// trimmed; NaN/inf become empty.
pub fn fmt_f(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A CSV writer that neutralises every cell and writes atomically.
pub struct CsvOut {
    w: ::csv::Writer<AtomicFile>,
    path: String,
}

impl CsvOut {
    pub fn create(path: &Path, header: &[String]) -> Result<CsvOut, ReportError> {
        let f = AtomicFile::create(path)?;
        let w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(f);
        let mut out = CsvOut {
            w,
            path: path.display().to_string(),
        };
        out.row(header.iter().map(|s| s.as_str()))?;
        Ok(out)
    }

    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> Result<(), ReportError> {
        let cells: Vec<std::borrow::Cow<'a, str>> = cells.into_iter().map(safe_cell).collect();
        self.w
            .write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(|e| ReportError::Other {
                path: self.path.clone(),
                reason: e.to_string(),
            })
    }

    pub fn finish(self) -> Result<(), ReportError> {
        let path = self.path.clone();
        let f = self.w.into_inner().map_err(|e| ReportError::Other {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        f.commit()
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
    row
}

/// The per-article export files of a run, open for streaming: create once,
/// [`Exports::write`] each batch's comparison in input order, then
/// [`Exports::finish`] with the input errors. Nothing is visible under the
/// final names until `finish` renames the temporary files into place.
pub struct Exports {
    arts: CsvOut,
    jsonl: AtomicFile,
    sents: CsvOut,
    spans: CsvOut,
    cols: Vec<ColumnDoc>,
}

impl Exports {
    /// Open `articles.csv`, `articles.jsonl`, `sentences.csv`, `spans.csv` in `dir`.
    pub fn create(dir: &Path) -> Result<Exports, ReportError> {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        let cols = article_columns();
        Ok(Exports {
            arts: CsvOut::create(&dir.join("articles.csv"), &names(&cols))?,
            jsonl: AtomicFile::create(&dir.join("articles.jsonl"))?,
            sents: CsvOut::create(&dir.join("sentences.csv"), &names(&sentence_columns()))?,
            spans: CsvOut::create(&dir.join("spans.csv"), &names(&span_columns()))?,
            cols,
        })
    }

    /// Append the rows of every article of `cmp`, in order.
    pub fn write(&mut self, cmp: &Comparison) -> Result<(), ReportError> {
        for i in 0..cmp.articles.len() {
            self.write_article(cmp, i)?;
        }
        Ok(())
    }

    fn write_article(&mut self, cmp: &Comparison, i: usize) -> Result<(), ReportError> {
        let row = article_row(cmp, i);
        self.arts.row(row.iter().map(|s| s.as_str()))?;

        let s = &cmp.articles[i];
        let an = &s.analysis;
        let body = &an.article.body;

        // JSONL: the same fields as the CSV row, plus body, captions and spans.
        let mut obj = serde_json::Map::new();
        for (c, v) in self.cols.iter().zip(&row) {
            obj.insert(c.name.clone(), serde_json::Value::String(v.clone()));
        }
        obj.insert("body".into(), serde_json::Value::String(body.clone()));
        obj.insert("captions".into(), serde_json::json!(an.article.captions));
        obj.insert(
            "spans".into(),
            serde_json::Value::Array(
                an.spans
                    .iter()
                    .map(|sp| {
                        serde_json::json!({
                            "start": sp.start, "end": sp.end, "sentence_index": sp.sentence,
                            "category": sp.category.id(), "text": &body[sp.start..sp.end],
                            "rule": sp.rule, "note": sp.note,
                        })
                    })
                    .collect(),
            ),
        );
        let line = serde_json::to_string(&obj).map_err(|e| ReportError::Other {
            path: "articles.jsonl".into(),
            reason: e.to_string(),
        })?;
        use std::io::Write;
        let p = self.jsonl.path().to_path_buf();
        self.jsonl
            .write_all(line.as_bytes())
            .and_then(|_| self.jsonl.write_all(b"\n"))
            .map_err(|e| io_err(&p, e))?;

        for (si, sent) in an.layout.sentences.iter().enumerate() {
            let mut r = vec![
                an.article.id.clone(),
                si.to_string(),
                sent.paragraph.to_string(),
                sent.start.to_string(),
                sent.end.to_string(),
                body[sent.start..sent.end].to_string(),
                an.sentences
                    .get(si)
                    .map(|f| f.words)
                    .unwrap_or(0)
                    .to_string(),
            ];
            if let Some(f) = an.sentences.get(si) {
                r.extend(f.counts.iter().map(|c| c.to_string()));
            }
            r.push(
                s.sentence_probs
                    .get(si)
                    .map(|p| fmt_f(*p))
                    .unwrap_or_default(),
            );
            self.sents.row(r.iter().map(|s| s.as_str()))?;
        }
        for sp in &an.spans {
            let r = [
                an.article.id.clone(),
                sp.sentence.to_string(),
                sp.start.to_string(),
                sp.end.to_string(),
                sp.category.id().to_string(),
                body[sp.start..sp.end].to_string(),
                sp.rule.clone(),
                sp.note.clone().unwrap_or_default(),
            ];
            self.spans.row(r.iter().map(|s| s.as_str()))?;
        }
        Ok(())
    }

    /// Write `errors.csv` and publish every file under its final name.
    pub fn finish(self, dir: &Path, errors: &[InputError]) -> Result<(), ReportError> {
        let mut errs = CsvOut::create(&dir.join("errors.csv"), &names(&error_columns()))?;
        for e in errors {
            errs.row([e.source.as_str(), e.reason.as_str()])?;
        }
        errs.finish()?;
        self.spans.finish()?;
        self.sents.finish()?;
        self.jsonl.commit()?;
        self.arts.finish()
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
    fn floats_are_formatted_deterministically() {
        assert_eq!(fmt_f(1.0), "1");
        assert_eq!(fmt_f(0.123456), "0.1235");
        assert_eq!(fmt_f(-0.00001), "0");
        assert_eq!(fmt_f(f64::NAN), "");
    }
}
