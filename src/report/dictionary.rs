//! The data dictionary: every column of every export.
//!
//! Takes: the column lists of the export writers ([`ColumnDoc`]s, built
//! from [`crate::schema`] and the fixed column tables).
//! Gives: [`exports()`] (one [`ExportDoc`] per file), rendered as Markdown
//! ([`markdown`], the text of `docs/DATA_DICTIONARY.md` and of
//! `framelens schema`) or JSON ([`json`], `framelens schema --json`).
//!
//! To document a new export, add one line to [`exports()`].

use super::compare_csv;
use super::exports::{self, ColumnDoc};
use crate::pipeline;

/// The documentation of one export file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportDoc {
    /// File name in the output folder.
    pub file: &'static str,
    /// What one row (or line) is, and anything to know before using it.
    pub about: &'static str,
    /// Every column (or JSON key), in file order.
    pub columns: Vec<ColumnDoc>,
}

fn doc(file: &'static str, about: &'static str, columns: Vec<ColumnDoc>) -> ExportDoc {
    ExportDoc {
        file,
        about,
        columns,
    }
}

fn c(name: &str, ty: &'static str, unit: &'static str, meaning: &str) -> ColumnDoc {
    ColumnDoc {
        name: name.to_string(),
        ty,
        unit,
        meaning: meaning.to_string(),
    }
}

/// `articles.jsonl` keys: the `articles.csv` columns, then the extras.
fn article_jsonl_columns() -> Vec<ColumnDoc> {
    let mut cols = exports::article_columns();
    cols.extend([
        c("body", "string", "", "The cleaned article body that every byte offset refers to (UTF-8)."),
        c("caption_texts", "json", "", "The photo captions and credits moved out of the body (counted in `captions`): an array of strings."),
        c("spans", "json", "", "The article's flagged spans: an array of objects with the keys `start`, `end` (byte offsets into `body`), `sentence_index`, `category`, `text`, `rule` and `note`, as in spans.csv."),
    ]);
    cols
}

/// `manifest.json` keys.
fn manifest_columns() -> Vec<ColumnDoc> {
    vec![
        c("framelens", "string", "", "Version of framelens that wrote the run."),
        c("schema_version", "integer", "", "Version of the feature schema (`src/schema.rs`) the columns follow."),
        c("inputs", "json", "", "The inputs as given on the command line (array of strings)."),
        c("shard", "json", "", "The share of the input this run processed: `{\"index\": i, \"count\": n}` for `--shard i/n`; `{0, 1}` for a whole run or a merge."),
        c("window_docs", "integer", "inputs", "Window size: inputs per window (`--window`)."),
        c("window_bytes", "integer", "bytes", "Window size cap: bytes of document text per window."),
        c("windows_total", "integer", "windows", "Windows in the whole input, all shards together."),
        c("windows", "json", "", "The windows this run processed, in input order: objects with `index` (window number from 0), `first_seq` (input number of its first input, from 0), `inputs` (inputs in the window) and `rows` (rows written per export file for the window; `merge` uses them to restore input order)."),
    ]
}

/// Every export file, documented, in the order the dictionary lists them.
pub fn exports() -> Vec<ExportDoc> {
    vec![
        doc("articles.csv", "One row per article that was read and analysed, in input order.", exports::article_columns()),
        doc("articles.jsonl", "One JSON object per line, one line per article, in the order of articles.csv. It holds the articles.csv columns under the same names (`integer` and `float` columns as JSON numbers, or `null` when empty; `list` columns as arrays of strings; the rest as strings, not formula-neutralised), plus the keys below.", article_jsonl_columns()),
        doc("sentences.csv", "One row per sentence of every article, in article order and then body order.", exports::sentence_columns()),
        doc("spans.csv", "One row per flagged span (a word or phrase a rule or lexicon flagged), in article order and then by position.", exports::span_columns()),
        doc("errors.csv", "One row per input that could not be read or analysed. Every input ends up either in articles.csv or here.", exports::error_columns()),
        doc("stories.csv", "One row per story: articles about the same event, grouped by text similarity within a date window or by a corpus `story` column (see docs/RELIABILITY.md). In input order of each story's first article, window by window.", compare_csv::story_columns()),
        doc("pairs.csv", "One row per pair of articles of the same story (each article with up to 20 earlier articles of its story): how much text and how many quotations they share.", compare_csv::pair_columns()),
        doc("alignment.csv", "One row per sentence (of five or more words) of every article in a story of two or more articles: which fact it reports and which articles report it too.", compare_csv::alignment_columns()),
        doc("quotes.csv", "One row per direct quotation of every article, grouped into quotations across the articles of a story.", compare_csv::quote_columns()),
        doc("actor_labels.csv", "One row per article, main actor of its story and distinct label: how each article names the people and organisations of the story.", compare_csv::actor_label_columns()),
        doc("outlets.csv", "One row per outlet and story, plus one row per outlet over all stories (story_id `*`): article counts and the mean of each feature rate, the framing score and the reliability index, with 95% bootstrap intervals. Written at the end of the run from the articles.csv values; `merge` rebuilds it from the merged articles.", compare_csv::outlet_columns()),
        doc(pipeline::MANIFEST, "Not a table: one JSON object describing the run, written last. Its presence means every other file of the folder is complete. The keys are:", manifest_columns()),
    ]
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The data dictionary as Markdown (the text of `docs/DATA_DICTIONARY.md`).
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("# framelens data dictionary\n\n");
    out.push_str("<!-- Generated by `framelens schema --write docs/DATA_DICTIONARY.md`; do not edit by hand. tests/dictionary.rs checks it is current. -->\n\n");
    out.push_str(&format!(
        "Every column of every file `framelens analyze` writes into its output folder (feature schema v{}).\n\n",
        crate::schema::SCHEMA_VERSION
    ));
    out.push_str(CONVENTIONS);
    out.push_str("\n## Files\n\n");
    let docs = exports();
    for d in &docs {
        out.push_str(&format!(
            "- [`{}`](#{}) ({} columns)\n",
            d.file,
            d.file.replace('.', ""),
            d.columns.len()
        ));
    }
    for d in &docs {
        out.push_str(&format!("\n## {}\n\n{}\n\n", d.file, d.about));
        out.push_str("| Column | Type | Unit | Meaning |\n|---|---|---|---|\n");
        for col in &d.columns {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                col.name,
                col.ty,
                md_cell(col.unit),
                md_cell(&col.meaning)
            ));
        }
    }
    out
}

/// The data dictionary as JSON, for machines.
pub fn json() -> String {
    let v = serde_json::json!({
        "schema_version": crate::schema::SCHEMA_VERSION,
        "exports": exports(),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("dictionary serialises");
    s.push('\n');
    s
}

const CONVENTIONS: &str = "\
## Conventions

- **CSV** files follow RFC 4180: comma-separated, fields quoted with `\"` only when they contain a comma, a quote or a line break (quotes doubled), CRLF line ends, UTF-8 without BOM, and a header row always, even when there are no data rows. Column order is fixed and follows `src/schema.rs`; new columns are only ever added, and the schema version above changes when they do.
- **Formula neutralisation:** a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so spreadsheets do not run it as a formula. Numbers (including negative ones) are left alone. JSONL values are not changed.
- **Types:** `string`; `integer`; `float` (at most 4 decimals, trailing zeros trimmed, `.` as decimal mark; empty when not defined); `bool` (`true`/`false`); `list` (values joined with `;`, empty when none); `json` (JSONL and manifest only).
- **Offsets** (`start`, `end`) are byte offsets into the article's cleaned `body` (UTF-8, in articles.jsonl); `body[start..end]` is exactly the unit's text.
- **Order and determinism:** rows follow input order; the same input and options always give byte-identical files.
- **Windows (a limit of streaming):** a run reads its input in windows of consecutive inputs (default 1,024 inputs or 16 MiB of text, whichever is reached first; `--window` changes the count). Story grouping and cross-article comparison only see the articles of one window: two articles about the same event share a story only if they fall in the same window (or a corpus `story` column says so). Sort a corpus by date for the best grouping. See docs/SCALING.md.
- **Joins:** `article_id` joins every per-article file to articles.csv; (`article_id`, `sentence_index`) joins spans.csv to sentences.csv. Corpus ids are used as given, so they are unique only if the corpus's are.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_export_has_documented_unique_columns() {
        for d in exports() {
            let mut seen = std::collections::BTreeSet::new();
            for col in &d.columns {
                assert!(seen.insert(&col.name), "{}: duplicate {}", d.file, col.name);
                assert!(
                    !col.meaning.trim().is_empty(),
                    "{}: {} undocumented",
                    d.file,
                    col.name
                );
                assert!(
                    ["string", "integer", "float", "bool", "list", "json"].contains(&col.ty),
                    "{}: {} has type {}",
                    d.file,
                    col.name,
                    col.ty
                );
            }
        }
    }

    #[test]
    fn markdown_names_every_column_in_backticks() {
        let md = markdown();
        for d in exports() {
            assert!(md.contains(&format!("\n## {}\n", d.file)));
            for col in &d.columns {
                assert!(md.contains(&format!("| `{}` |", col.name)));
            }
        }
        let v: serde_json::Value = serde_json::from_str(&json()).unwrap();
        assert!(v["exports"][0]["columns"][0]["type"].is_string());
    }
}
