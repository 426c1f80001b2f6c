//! The comparison exports: `stories.csv`, `pairs.csv`, `alignment.csv`,
//! `quotes.csv`, `actor_labels.csv` (written window by window) and
//! `outlets.csv` (accumulated over the whole run, written at the end).
//!
//! Takes: each window's [`Comparison`].
//! Gives: the files above in the output folder, written atomically through
//! [`CsvOut`] (formula-neutralised cells). The column lists are defined once
//! here ([`story_columns`] etc.) and the data dictionary is generated from
//! them.
//!
//! `outlets.csv` cannot be cut into windows (its bootstrap intervals need
//! every article of an outlet). It is computed from the values exactly as
//! `articles.csv` shows them and does not depend on article order, so
//! `framelens merge` rebuilds it from the merged runs' `articles.csv`
//! ([`outlets_from_articles`]) byte for byte.

use super::atomic::{io_err, AtomicFile};
use super::exports::{
    article_row_into, fmt_f_into, ArticleRow, ColumnDoc, CsvBuf, CsvOut, WindowRows, WindowWriter,
};
use super::ReportError;
use crate::compare::outlets::{self, OutletAccumulator};
use crate::compare::Comparison;
use crate::ingest::InputError;
use std::path::{Path, PathBuf};

type Col = (&'static str, &'static str, &'static str, &'static str);

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

fn names(cols: &[ColumnDoc]) -> Vec<String> {
    cols.iter().map(|c| c.name.clone()).collect()
}

/// `stories.csv` columns.
pub const STORY_COLUMNS: &[Col] = &[
    ("story_id", "string", "", "Story id: the corpus `story` value, else `s` + the input position of the story's first article (s0001). Joins articles.csv."),
    ("method", "string", "", "How the story was formed: `corpus` (story column), `similarity` (articles grouped by text similarity) or `single` (an article with no match)."),
    ("articles", "integer", "articles", "Articles in the story."),
    ("outlets", "integer", "outlets", "Distinct outlets in the story."),
    ("outlet_list", "list", "", "The outlets, in order of first article, `;`-separated."),
    ("article_ids", "list", "", "The story's article ids in input order, `;`-separated."),
    ("first_published", "string", "ISO 8601 date", "Earliest stated publication date among its articles; empty if none is dated."),
    ("last_published", "string", "ISO 8601 date", "Latest stated publication date among its articles."),
    ("title", "string", "", "Headline of the story's first article."),
    ("wire_credited", "integer", "articles", "Articles crediting a wire service."),
    ("shared_facts", "integer", "facts", "Facts (aligned sentence groups, see alignment.csv) reported by two or more articles."),
    ("widely_reported_facts", "integer", "facts", "Facts reported by at least half of the articles (and two or more)."),
    ("quotes", "integer", "quotations", "Distinct quotations (quote_id) in the story."),
    ("shared_quotes", "integer", "quotations", "Quotations carried by two or more articles."),
    ("speaker_conflicts", "integer", "quotations", "Quotations given to different speakers in different articles."),
    ("date_mismatches", "integer", "articles", "Articles flagged `date_mismatch`."),
    ("main_actors", "list", "", "The people and organisations most articles name, most widely mentioned first, `;`-separated (see actor_labels.csv)."),
];

/// `pairs.csv` columns.
pub const PAIR_COLUMNS: &[Col] = &[
    ("story_id", "string", "", "Story of both articles."),
    ("article_a", "string", "", "The earlier article of the pair (input order)."),
    ("article_b", "string", "", "The later article of the pair."),
    ("outlet_a", "string", "", "Outlet of article_a."),
    ("outlet_b", "string", "", "Outlet of article_b."),
    ("similarity", "float", "cosine (0-1)", "TF-IDF cosine of the two articles' content words and names (the measure stories are grouped by)."),
    ("shared_sentences", "integer", "sentence pairs", "Near-identical sentences (copied text): word 3-shingle Jaccard ≥ 0.6, or one sentence ≥ 85% contained in the other (see docs/RELIABILITY.md, Alignment)."),
    ("paraphrased_sentences", "integer", "sentence pairs", "Sentences saying the same in other words: content-word Dice ≥ 0.4 with ≥ 4 common content words, or ≥ 40% shingle containment, and not near-identical."),
    ("copied_share", "float", "fraction (0-1)", "The larger of copied_share_a and copied_share_b: how much of the more-copying article is shared text."),
    ("copied_share_a", "float", "fraction (0-1)", "Share of article_a's words in sentences near-identical to article_b."),
    ("copied_share_b", "float", "fraction (0-1)", "Share of article_b's words in sentences near-identical to article_a."),
    ("shared_quotes", "integer", "quotations", "Quotations (quote_id) both articles carry."),
];

/// `alignment.csv` columns.
pub const ALIGNMENT_COLUMNS: &[Col] = &[
    ("story_id", "string", "", "Story of the article."),
    ("article_id", "string", "", "Article id (joins articles.csv)."),
    ("sentence_index", "integer", "", "Sentence of the article (joins sentences.csv)."),
    ("fact_id", "string", "", "The fact this sentence reports: sentences matched across articles share a fact id (`<story>-f001`). A sentence joins the fact of its best match in an earlier article."),
    ("match", "string", "", "`shared` (a near-identical sentence is in another article), `paraphrase` (only reworded matches) or `unique` (no other article of the story reports it)."),
    ("shared_with", "list", "", "Article ids with a matching sentence, in input order, `;`-separated."),
    ("reported_by", "integer", "articles", "Articles of the story reporting this fact. A fact reported by at least half of the articles (and two or more) is widely reported; articles leaving it out list it in articles.csv `missing_facts`."),
    ("text", "string", "", "The sentence text."),
];

/// `quotes.csv` columns.
pub const QUOTE_COLUMNS: &[Col] = &[
    ("story_id", "string", "", "Story of the article."),
    ("quote_id", "string", "", "The quotation: the same quoted words in several articles (≥ 60% of the shorter quote's content words and ≥ 3 of them in common) share one id (`<story>-q01`)."),
    ("article_id", "string", "", "Article carrying this occurrence."),
    ("outlet", "string", "", "Outlet of the article."),
    ("sentence_index", "integer", "", "Sentence where the quote starts (joins sentences.csv)."),
    ("speaker", "string", "", "Who the article says spoke, as written; empty when it names no one."),
    ("text", "string", "", "The quoted words, without quotation marks."),
    ("verbatim", "bool", "", "`true` when the wording equals the quotation's most common wording (case and punctuation aside), or is an exact excerpt of it; `false` when the words were altered."),
    ("articles", "integer", "articles", "Articles carrying this quotation."),
    ("speaker_conflict", "bool", "", "`true` when this article gives the quotation to a different speaker than the other articles do (by majority; ties go to the articles crediting a wire service or an author; unresolved ties mark every side)."),
    ("other_speakers", "list", "", "When speaker_conflict: the speakers other articles give the quotation to, `;`-separated."),
];

/// `actor_labels.csv` columns.
pub const ACTOR_LABEL_COLUMNS: &[Col] = &[
    ("story_id", "string", "", "Story of the article."),
    ("actor", "string", "", "A main actor of the story (a person or organisation named in at least two of its articles), by its most common full name."),
    ("article_id", "string", "", "Article naming the actor."),
    ("outlet", "string", "", "Outlet of the article."),
    ("label", "string", "", "How the article names the actor: the name with the titles and modifiers written right before it (\"Chinese leader Xi Jinping\", \"President Xi\")."),
    ("loaded", "bool", "", "`true` when the label contains a loaded_language span (see spans.csv)."),
    ("mentions", "integer", "mentions", "Times the article uses this label."),
    ("in_title", "bool", "", "`true` when the label appears in the headline."),
];

/// `stories.csv` columns, documented.
pub fn story_columns() -> Vec<ColumnDoc> {
    docs(STORY_COLUMNS)
}
/// `pairs.csv` columns, documented.
pub fn pair_columns() -> Vec<ColumnDoc> {
    docs(PAIR_COLUMNS)
}
/// `alignment.csv` columns, documented.
pub fn alignment_columns() -> Vec<ColumnDoc> {
    docs(ALIGNMENT_COLUMNS)
}
/// `quotes.csv` columns, documented.
pub fn quote_columns() -> Vec<ColumnDoc> {
    docs(QUOTE_COLUMNS)
}
/// `actor_labels.csv` columns, documented.
pub fn actor_label_columns() -> Vec<ColumnDoc> {
    docs(ACTOR_LABEL_COLUMNS)
}

/// `outlets.csv` columns, documented: outlet, story, count, then mean and
/// interval bounds of each metric.
pub fn outlet_columns() -> Vec<ColumnDoc> {
    let mut out = docs(&[
        (
            "outlet",
            "string",
            "",
            "Outlet name as in articles.csv; `(unknown)` for articles stating none.",
        ),
        (
            "story_id",
            "string",
            "",
            "Story; `*` for the row summarising the outlet over all stories.",
        ),
        (
            "articles",
            "integer",
            "articles",
            "Articles of this outlet (in this story).",
        ),
    ]);
    for m in outlets::metric_names() {
        let what = match m.as_str() {
            "framing_score" => "framing_score (articles.csv)".to_string(),
            "reliability_score" => "reliability_score (articles.csv)".to_string(),
            _ => format!("`{m}` (articles.csv)"),
        };
        out.push(ColumnDoc {
            name: format!("{m}_mean"),
            ty: "float",
            unit: "as in articles.csv",
            meaning: format!("Mean of {what} over the outlet's articles."),
        });
        out.push(ColumnDoc {
            name: format!("{m}_ci_low"),
            ty: "float",
            unit: "as in articles.csv",
            meaning: format!("Lower bound of the 95% percentile-bootstrap interval of the mean of {m} (1,000 resamples, fixed seed); empty with fewer than two articles."),
        });
        out.push(ColumnDoc {
            name: format!("{m}_ci_high"),
            ty: "float",
            unit: "as in articles.csv",
            meaning: format!("Upper bound of the same interval of {m}."),
        });
    }
    out
}

/// The files [`CompareExports`] writes, in the order the data dictionary lists them.
pub const COMPARE_FILES: &[&str] = &[
    "stories.csv",
    "pairs.csv",
    "alignment.csv",
    "quotes.csv",
    "actor_labels.csv",
    OUTLETS_FILE,
];

fn b(v: bool) -> &'static str {
    if v {
        "true"
    } else {
        "false"
    }
}

/// The comparison exports of a run: create once, write each window, finish.
pub struct CompareExports {
    dir: PathBuf,
    stories: CsvOut,
    pairs: CsvOut,
    alignment: CsvOut,
    quotes: CsvOut,
    labels: CsvOut,
    outlets: OutletAccumulator,
    /// Where the outlets.csv inputs are among the articles.csv columns.
    pick: OutletColumns,
    /// Rows of `stories.csv`, `pairs.csv`, `quotes.csv` and
    /// `actor_labels.csv` of a window, reused window to window.
    bufs: [CsvBuf; 4],
}

impl CompareExports {
    /// Open the per-window files in `dir` (under temporary names).
    pub fn create(dir: &Path) -> Result<CompareExports, ReportError> {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        Ok(CompareExports {
            dir: dir.to_path_buf(),
            stories: CsvOut::create(&dir.join("stories.csv"), &names(&story_columns()))?,
            pairs: CsvOut::create(&dir.join("pairs.csv"), &names(&pair_columns()))?,
            alignment: CsvOut::create(&dir.join("alignment.csv"), &names(&alignment_columns()))?,
            quotes: CsvOut::create(&dir.join("quotes.csv"), &names(&quote_columns()))?,
            labels: CsvOut::create(
                &dir.join("actor_labels.csv"),
                &names(&actor_label_columns()),
            )?,
            outlets: OutletAccumulator::spilling_to(dir, outlets::SPILL_BYTES),
            pick: OutletColumns::find(&names(&super::exports::article_columns())).map_err(
                |reason| ReportError::Other {
                    path: "articles.csv".into(),
                    reason,
                },
            )?,
            bufs: Default::default(),
        })
    }

    /// Data rows written so far, per per-window file.
    pub fn rows(&self) -> WindowRows {
        vec![
            ("stories.csv".into(), self.stories.rows()),
            ("pairs.csv".into(), self.pairs.rows()),
            ("alignment.csv".into(), self.alignment.rows()),
            ("quotes.csv".into(), self.quotes.rows()),
            ("actor_labels.csv".into(), self.labels.rows()),
        ]
    }

    /// Append the rows of one window's comparison. The tables are rendered
    /// at the same time on the current rayon pool (the long alignment table
    /// in chunks), each row field by field into a reused [`CsvBuf`] (the
    /// bytes [`CsvOut::row`] writes, without a string per cell), then
    /// appended to their files in order.
    pub fn write(&mut self, cmp: &Comparison) -> Result<(), ReportError> {
        let [stories, pairs, quotes, labels] = &mut self.bufs;
        let pick = &self.pick;
        let mut alignment: Vec<CsvBuf> = Vec::new();
        let mut outlet_rows: Vec<OutletInput> = Vec::new();
        rayon::scope(|sc| {
            sc.spawn(|_| render_stories(cmp, stories));
            sc.spawn(|_| render_pairs(cmp, pairs));
            sc.spawn(|_| render_quotes(cmp, quotes));
            sc.spawn(|_| render_labels(cmp, labels));
            sc.spawn(|_| alignment = render_alignment(cmp));
            sc.spawn(|_| outlet_rows = pick.inputs(cmp));
        });
        self.stories.append(stories)?;
        self.pairs.append(pairs)?;
        for b in &alignment {
            self.alignment.append(b)?;
        }
        self.quotes.append(quotes)?;
        self.labels.append(labels)?;
        for (outlet, story, metrics) in outlet_rows {
            self.outlets
                .add(&outlet, &story, &metrics)
                .map_err(|e| io_err(&self.dir, e))?;
        }
        Ok(())
    }

    /// Write `outlets.csv` and publish every file under its final name.
    pub fn finish(self) -> Result<(), ReportError> {
        let outlets = write_outlets(self.outlets, &self.dir.join(OUTLETS_FILE))?;
        AtomicFile::commit_all(vec![
            outlets.into_file(),
            self.labels.into_file(),
            self.quotes.into_file(),
            self.alignment.into_file(),
            self.pairs.into_file(),
            self.stories.into_file(),
        ])
    }
}

/// Article `i`'s id and outlet, as the tables show them.
fn id(cmp: &Comparison, i: usize) -> &str {
    cmp.articles[i].analysis.article.id.as_str()
}

fn outlet(cmp: &Comparison, i: usize) -> &str {
    let a = &cmp.articles[i].analysis.article;
    a.outlet.as_ref().map_or("", |o| o.value.as_str())
}

/// `items` joined by `;`, in the reused `list`.
fn join<'a>(list: &mut String, items: impl IntoIterator<Item = &'a str>) -> &str {
    list.clear();
    for (k, x) in items.into_iter().enumerate() {
        if k > 0 {
            list.push(';');
        }
        list.push_str(x);
    }
    list
}

/// `fmt_f(v)`, in the reused `num`.
fn float(num: &mut String, v: f64) -> &str {
    num.clear();
    fmt_f_into(num, v);
    num
}

fn render_stories(cmp: &Comparison, buf: &mut CsvBuf) {
    let mut list = String::new();
    buf.clear();
    for s in &cmp.stories {
        buf.field(&s.story_id);
        buf.field(&s.method);
        buf.field_uint(s.members.len() as u64);
        buf.field_uint(s.outlets.len() as u64);
        buf.field(join(&mut list, s.outlets.iter().map(String::as_str)));
        buf.field(join(&mut list, s.members.iter().map(|&i| id(cmp, i))));
        buf.field(s.first_published.as_deref().unwrap_or(""));
        buf.field(s.last_published.as_deref().unwrap_or(""));
        buf.field(&s.title);
        buf.field_uint(s.wire_credited as u64);
        buf.field_uint(s.shared_facts as u64);
        buf.field_uint(s.widely_reported_facts as u64);
        buf.field_uint(s.quotes as u64);
        buf.field_uint(s.shared_quotes as u64);
        buf.field_uint(s.speaker_conflicts as u64);
        buf.field_uint(s.date_mismatches as u64);
        buf.field(join(&mut list, s.main_actors.iter().map(String::as_str)));
        buf.end_row();
    }
}

fn render_pairs(cmp: &Comparison, buf: &mut CsvBuf) {
    let mut num = String::new();
    buf.clear();
    for p in &cmp.pairs {
        buf.field(&p.story_id);
        buf.field(id(cmp, p.a));
        buf.field(id(cmp, p.b));
        buf.field(outlet(cmp, p.a));
        buf.field(outlet(cmp, p.b));
        buf.field(float(&mut num, p.similarity));
        buf.field_uint(p.shared_sentences as u64);
        buf.field_uint(p.paraphrased_sentences as u64);
        buf.field(float(&mut num, p.copied_share()));
        buf.field(float(&mut num, p.copied_share_a));
        buf.field(float(&mut num, p.copied_share_b));
        buf.field_uint(p.shared_quotes as u64);
        buf.end_row();
    }
}

/// Alignment rows rendered at a time by one task.
const ALIGNMENT_CHUNK: usize = 2048;

/// `alignment.csv` rows, rendered in chunks in parallel (in order).
fn render_alignment(cmp: &Comparison) -> Vec<CsvBuf> {
    use rayon::prelude::*;
    cmp.alignment
        .par_chunks(ALIGNMENT_CHUNK)
        .map(|rows| {
            let mut list = String::new();
            let mut buf = CsvBuf::default();
            for a in rows {
                let an = &cmp.articles[a.article].analysis;
                let text = an
                    .layout
                    .sentences
                    .get(a.sentence)
                    .and_then(|s| an.article.body.get(s.start..s.end))
                    .unwrap_or("");
                buf.field(&a.story_id);
                buf.field(id(cmp, a.article));
                buf.field_uint(a.sentence as u64);
                buf.field(&a.fact_id);
                buf.field(a.kind);
                buf.field(join(&mut list, a.shared_with.iter().map(|&i| id(cmp, i))));
                buf.field_uint(a.reported_by as u64);
                buf.field(text);
                buf.end_row();
            }
            buf
        })
        .collect()
}

fn render_quotes(cmp: &Comparison, buf: &mut CsvBuf) {
    let mut list = String::new();
    buf.clear();
    for q in &cmp.quotes {
        buf.field(&q.story_id);
        buf.field(&q.quote_id);
        buf.field(id(cmp, q.article));
        buf.field(outlet(cmp, q.article));
        buf.field_uint(q.sentence as u64);
        buf.field(q.speaker.as_deref().unwrap_or(""));
        buf.field(&q.text);
        buf.field(b(q.verbatim));
        buf.field_uint(q.articles as u64);
        buf.field(b(q.speaker_conflict));
        buf.field(join(&mut list, q.other_speakers.iter().map(String::as_str)));
        buf.end_row();
    }
}

fn render_labels(cmp: &Comparison, buf: &mut CsvBuf) {
    buf.clear();
    for l in &cmp.actor_labels {
        buf.field(&l.story_id);
        buf.field(&l.actor);
        buf.field(id(cmp, l.article));
        buf.field(outlet(cmp, l.article));
        buf.field(&l.label);
        buf.field(b(l.loaded));
        buf.field_uint(l.mentions as u64);
        buf.field(b(l.in_title));
        buf.end_row();
    }
}

/// One article's `outlets.csv` inputs: outlet and story cells
/// (formula-neutralised, as they read back from `articles.csv`) and the
/// metric values.
type OutletInput = (String, String, Vec<f64>);

/// Name of the outlet summary file.
pub const OUTLETS_FILE: &str = "outlets.csv";

/// Positions of the articles.csv columns `outlets.csv` is computed from.
struct OutletColumns {
    outlet: usize,
    story: usize,
    metrics: Vec<usize>,
}

impl OutletColumns {
    fn find(header: &[String]) -> Result<OutletColumns, String> {
        let pos = |n: &str| {
            header
                .iter()
                .position(|h| h == n)
                .ok_or_else(|| format!("no `{n}` column"))
        };
        Ok(OutletColumns {
            outlet: pos("outlet")?,
            story: pos("story_id")?,
            metrics: outlets::metric_names()
                .iter()
                .map(|m| pos(m))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Add one articles.csv row, given as its cell lookup.
    fn add<'a>(
        &self,
        acc: &mut OutletAccumulator,
        row: impl Fn(usize) -> Option<&'a str>,
    ) -> std::io::Result<()> {
        let (outlet, story, m) = self.input(row);
        acc.add(&outlet, &story, &m)
    }

    /// The outlets.csv inputs of one articles.csv row, given as its cell
    /// lookup.
    fn input<'a>(&self, row: impl Fn(usize) -> Option<&'a str>) -> OutletInput {
        let cell = |i: usize| row(i).unwrap_or("");
        let m = self
            .metrics
            .iter()
            .map(|&i| cell(i).parse::<f64>().unwrap_or(f64::NAN))
            .collect();
        // As the cells read back from the CSV (formula-neutralised), so a
        // rebuild from articles.csv keys and sorts outlets identically.
        (
            super::exports::safe_cell(cell(self.outlet)).into_owned(),
            super::exports::safe_cell(cell(self.story)).into_owned(),
            m,
        )
    }

    /// The outlets.csv inputs of every article of a window, in order,
    /// computed in parallel from the values exactly as articles.csv shows
    /// them (so `merge` can rebuild outlets.csv from articles.csv).
    fn inputs(&self, cmp: &Comparison) -> Vec<OutletInput> {
        use rayon::prelude::*;
        (0..cmp.articles.len())
            .into_par_iter()
            .map_init(ArticleRow::default, |row, i| {
                article_row_into(cmp, i, row);
                self.input(|c| row.get(c))
            })
            .collect()
    }
}

/// Write `outlets.csv` at `path` from `acc` (reading back its spilled runs,
/// whose read errors name the folder they are in).
fn write_outlets(acc: OutletAccumulator, path: &Path) -> Result<CsvOut, ReportError> {
    let mut out = CsvOut::create(path, &names(&outlet_columns()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    // Rows are rendered field by field into one reused buffer (numbers
    // through the reused `num`), written every few hundred rows.
    let mut buf = CsvBuf::default();
    let mut num = String::new();
    acc.for_each_row(|r| {
        buf.field(&r.outlet);
        buf.field(&r.story_id);
        buf.field_uint(r.articles as u64);
        for m in &r.metrics {
            buf.field(float(&mut num, m.mean));
            let (lo, hi) = m.ci.unwrap_or((f64::NAN, f64::NAN));
            buf.field(float(&mut num, lo));
            buf.field(float(&mut num, hi));
        }
        buf.end_row();
        if buf.as_bytes().len() >= 1 << 16 {
            out.append(&buf)?;
            buf.clear();
        }
        Ok::<(), OutletsError>(())
    })
    .and_then(|()| Ok(out.append(&buf)?))
    .map_err(|e| match e {
        OutletsError::Io(e) => io_err(dir, e),
        OutletsError::Report(e) => e,
    })?;
    Ok(out)
}

/// An error while writing `outlets.csv`: reading a spilled run back, or
/// writing a row.
enum OutletsError {
    Io(std::io::Error),
    Report(ReportError),
}

impl From<std::io::Error> for OutletsError {
    fn from(e: std::io::Error) -> Self {
        OutletsError::Io(e)
    }
}

impl From<ReportError> for OutletsError {
    fn from(e: ReportError) -> Self {
        OutletsError::Report(e)
    }
}

/// Rebuild `outlets.csv` at `out` from the `articles.csv` files of finished
/// runs (any order: the result depends only on the set of rows). Used by
/// `framelens merge`; the returned file is published by `finish`.
pub fn outlets_from_articles(articles: &[PathBuf], out: &Path) -> Result<CsvOut, ReportError> {
    let dir = out.parent().unwrap_or(Path::new("."));
    let mut acc = OutletAccumulator::spilling_to(dir, outlets::SPILL_BYTES);
    for p in articles {
        let err = |reason: String| ReportError::Other {
            path: p.display().to_string(),
            reason,
        };
        let mut r = ::csv::Reader::from_path(p).map_err(|e| err(e.to_string()))?;
        let header: Vec<String> = r
            .headers()
            .map_err(|e| err(e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let pick = OutletColumns::find(&header).map_err(err)?;
        for rec in r.records() {
            let rec = rec.map_err(|e| err(e.to_string()))?;
            pick.add(&mut acc, |i| rec.get(i))
                .map_err(|e| io_err(dir, e))?;
        }
    }
    write_outlets(acc, out)
}

impl WindowWriter for CompareExports {
    fn write_window(
        &mut self,
        cmp: &Comparison,
        _errors: &[InputError],
    ) -> Result<WindowRows, ReportError> {
        let before = self.rows();
        self.write(cmp)?;
        // The long table starts going to disk while the next windows are
        // processed (see `Exports`).
        self.alignment.start_writeback()?;
        Ok(self
            .rows()
            .into_iter()
            .zip(before)
            .map(|((name, after), (_, b))| (name, after - b))
            .collect())
    }

    fn finish(self: Box<Self>) -> Result<(), ReportError> {
        CompareExports::finish(*self)
    }
}
