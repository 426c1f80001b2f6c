//! The HTML report: one self-contained `report.html` (and, for classes, a
//! `worksheet.html`).
//!
//! Takes: a [`Comparison`], the input errors of the run, the rendered
//! [`Chart`]s and [`HtmlOptions`].
//! Gives: one HTML file that works offline from a USB stick: inline CSS,
//! charts embedded as `data:` URIs, no scripts, no fonts or other network
//! requests (a Content-Security-Policy forbids them), prints well and is
//! accessible (lang attribute, skip link, heading order, alt texts,
//! contrast, highlights that are not told apart by colour alone).
//!
//! Safety: every piece of article text (body, headline, outlet, byline,
//! URLs, notes, error messages) is HTML-escaped, either by minijinja's
//! autoescaping or, for the highlighted article bodies built here, by
//! [`escape`]. Only `http(s)` URLs become links.
//!
//! Highlights are built from byte offsets: [`segments`] cuts a range of the
//! body at every span, sentence and paragraph boundary, and each segment
//! carries every span covering it, so nested and overlapping spans render
//! correctly and the highlighted characters are exactly `body[start..end]`.
//!
//! The glossary, legend and tooltips come from [`crate::schema::FEATURES`]
//! and the export column docs; nothing is written twice.

use super::charts::{self, outlet_label, Chart};
use super::exports::{article_columns, fmt_f, sentence_columns};
use super::ReportError;
use crate::compare::Comparison;
use crate::features::per_1k;
use crate::ingest::InputError;
use crate::lexicon::{Category, Span};
use crate::schema::{self, FeatureKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

const TEMPLATE: &str = include_str!("templates/report.html");
const CSS: &str = include_str!("templates/report.css");

/// Options of the HTML report.
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    /// Student version: highlights hidden until revealed, questions, and an
    /// answer key at the end.
    pub worksheet: bool,
    /// Decision threshold shown for sentence framing probabilities.
    pub threshold: f64,
    /// How the threshold was chosen, in one sentence, for the caveat box.
    pub threshold_note: String,
    /// Articles of the run that the report leaves out (they are in the
    /// exports); stated at the top of the page.
    pub omitted: usize,
    /// The model's own notes on its data, training and threshold
    /// (`ModelInfo::notes`), shown under "How the model was made".
    pub model_notes: String,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            worksheet: false,
            threshold: charts::DEFAULT_THRESHOLD,
            threshold_note: "0.5 is where the model rates \"biased\" and \"not biased\" as equally likely; it was not tuned to this corpus.".into(),
            omitted: 0,
            model_notes: String::new(),
        }
    }
}

// ---------------------------------------------------------------------------
// Escaping and encoding
// ---------------------------------------------------------------------------

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // NUL and other C0 controls (except tab/newline/CR) are not
            // allowed in HTML text; show a replacement character instead.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for ch in bytes.chunks(3) {
        let b = [ch[0], *ch.get(1).unwrap_or(&0), *ch.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if ch.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if ch.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// A URL that may become a link: `http://` or `https://` only, no
/// whitespace or control characters. Anything else (`javascript:`,
/// `data:`, relative paths) is shown as text.
pub fn safe_link(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let ok = (lower.starts_with("http://") || lower.starts_with("https://"))
        && u.len() > 8
        && !u.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(u)
}

// ---------------------------------------------------------------------------
// Categories: explanations (from the schema) and nesting order
// ---------------------------------------------------------------------------

/// Outer-to-inner nesting order of highlight elements; long spans (quotes)
/// wrap short ones (words).
pub const NESTING: [Category; 9] = [
    Category::Quote,
    Category::Subjective,
    Category::NamedSource,
    Category::AnonymousSource,
    Category::Attribution,
    Category::AttributionLoaded,
    Category::Hedge,
    Category::Booster,
    Category::LoadedLanguage,
];

fn nest_rank(c: Category) -> usize {
    NESTING
        .iter()
        .position(|x| *x == c)
        .unwrap_or(NESTING.len())
}

/// The schema feature that explains a span category. Subjective cues feed
/// the `subjectivity` feature.
pub fn category_feature(c: Category) -> Option<&'static schema::FeatureDef> {
    schema::FEATURES
        .iter()
        .find(|f| f.category == Some(c.id()))
        .or_else(|| match c {
            Category::Subjective => schema::feature("subjectivity"),
            _ => None,
        })
}

/// Human title of a category.
pub fn category_title(c: Category) -> &'static str {
    match c {
        Category::Subjective => "Subjective cue",
        _ => category_feature(c).map(|f| f.title).unwrap_or(c.id()),
    }
}

/// Plain-language explanation of a category (from the schema).
pub fn category_explanation(c: Category) -> &'static str {
    category_feature(c).map(|f| f.explanation).unwrap_or("")
}

/// How a category looks on the page, in words (so the legend does not rely
/// on colour alone).
pub fn category_look(c: Category) -> &'static str {
    match c {
        Category::LoadedLanguage => "bold, orange-red background, thick solid underline",
        Category::Booster => "orange background, double underline",
        Category::Hedge => "light blue background, wavy underline",
        Category::Attribution => "green background, thin solid underline",
        Category::AttributionLoaded => "pink background, line above the word",
        Category::NamedSource => "blue background, low dotted underline",
        Category::AnonymousSource => "yellow background, low dashed underline",
        Category::Quote => "italic on grey",
        Category::Subjective => "dotted line above",
    }
}

// ---------------------------------------------------------------------------
// Segments
// ---------------------------------------------------------------------------

/// A piece of the body between two consecutive boundaries, with every span
/// that covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    /// Indexes into the span slice, in nesting order (outermost first).
    pub spans: Vec<usize>,
}

/// Whether a span's offsets are usable on `body`.
pub fn span_is_valid(body: &str, sp: &Span) -> bool {
    sp.start < sp.end
        && sp.end <= body.len()
        && body.is_char_boundary(sp.start)
        && body.is_char_boundary(sp.end)
}

/// Cut `range` of `body` at every span boundary and every position in
/// `cuts` inside it; return the non-empty segments in order. Spans with
/// invalid offsets are ignored. Concatenating the segments gives exactly
/// `body[range]`, and a span covers exactly the segments inside
/// `span.start..span.end`.
pub fn segments(body: &str, range: Range<usize>, spans: &[Span], cuts: &[usize]) -> Vec<Segment> {
    let (lo, hi) = (range.start.min(body.len()), range.end.min(body.len()));
    if lo >= hi {
        return vec![];
    }
    let mut live: Vec<usize> = (0..spans.len())
        .filter(|&i| span_is_valid(body, &spans[i]) && spans[i].start < hi && spans[i].end > lo)
        .collect();
    live.sort_by_key(|&i| {
        (
            spans[i].start,
            spans[i].end,
            nest_rank(spans[i].category),
            i,
        )
    });
    let mut bounds: Vec<usize> = vec![lo, hi];
    for &i in &live {
        bounds.push(spans[i].start.clamp(lo, hi));
        bounds.push(spans[i].end.clamp(lo, hi));
    }
    bounds.extend(
        cuts.iter()
            .copied()
            .filter(|&c| c > lo && c < hi && body.is_char_boundary(c)),
    );
    bounds.sort_unstable();
    bounds.dedup();
    let mut out = Vec::with_capacity(bounds.len());
    let mut next = 0;
    let mut active: Vec<usize> = Vec::new();
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        while next < live.len() && spans[live[next]].start <= a {
            active.push(live[next]);
            next += 1;
        }
        active.retain(|&i| spans[i].end > a);
        let mut cover: Vec<usize> = active
            .iter()
            .copied()
            .filter(|&i| spans[i].end >= b)
            .collect();
        cover.sort_by_key(|&i| {
            (
                nest_rank(spans[i].category),
                spans[i].start,
                std::cmp::Reverse(spans[i].end),
                i,
            )
        });
        out.push(Segment {
            start: a,
            end: b,
            spans: cover,
        });
    }
    out
}

// ---------------------------------------------------------------------------
// Article bodies with highlights
// ---------------------------------------------------------------------------

/// One numbered note on a highlighted span (the footnotes under an article).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SpanNote {
    pub number: usize,
    pub anchor: String,
    pub text: String,
    pub category: &'static str,
    pub category_id: &'static str,
    pub rule: String,
    pub note: String,
    /// Inside a direct quote (not counted in the features).
    pub in_quote: bool,
}

/// The rendered body of one article.
#[derive(Debug, Clone)]
pub struct BodyHtml {
    /// `<p>` elements with highlight and sentence elements (all text escaped).
    pub html: String,
    pub notes: Vec<SpanNote>,
    /// Categories that occur, in [`Category::ALL`] order.
    pub categories: Vec<Category>,
}

fn span_title(sp: &Span) -> String {
    let mut t = format!(
        "{}: {}",
        category_title(sp.category),
        category_explanation(sp.category)
    );
    if sp.in_quote {
        t.push_str(" (Inside a direct quote: the speaker's words, not counted in the scores.)");
    }
    let _ = write!(t, " [rule: {}]", sp.rule);
    if let Some(n) = sp.note.as_deref().filter(|n| !n.is_empty()) {
        let _ = write!(t, " {n}");
    }
    t
}

/// Paragraph ranges of an article (from the layout; else split at blank lines).
fn paragraph_ranges(body: &str, layout: &crate::text::Layout) -> Vec<Range<usize>> {
    let valid = |r: &Range<usize>| {
        r.start <= r.end
            && r.end <= body.len()
            && body.is_char_boundary(r.start)
            && body.is_char_boundary(r.end)
    };
    if !layout.paragraphs.is_empty() && layout.paragraphs.iter().all(valid) {
        return layout.paragraphs.clone();
    }
    let mut out = Vec::new();
    let mut pos = 0;
    for p in body.split("\n\n") {
        out.push(pos..pos + p.len());
        pos += p.len() + 2;
    }
    out
}

/// Render the body of article `i`: paragraphs, sentences (ids
/// `{prefix}-s{k}`, top sentences marked) and nested highlights, with
/// numbered notes. With `tooltips`, the innermost highlight element of each
/// segment carries a `title` explaining every span covering it.
pub fn body_html(cmp: &Comparison, i: usize, prefix: &str, tooltips: bool) -> BodyHtml {
    let s = &cmp.articles[i];
    let an = &s.analysis;
    let body = an.article.body.as_str();
    let spans = &an.spans;
    let layout = &an.layout;

    // Numbered notes, in span order.
    let mut order: Vec<usize> = (0..spans.len())
        .filter(|&k| span_is_valid(body, &spans[k]))
        .collect();
    order.sort_by_key(|&k| {
        (
            spans[k].start,
            spans[k].end,
            nest_rank(spans[k].category),
            k,
        )
    });
    let mut number = vec![0usize; spans.len()];
    let mut notes = Vec::with_capacity(order.len());
    for (n, &k) in order.iter().enumerate() {
        number[k] = n + 1;
        let sp = &spans[k];
        notes.push(SpanNote {
            number: n + 1,
            anchor: format!("{prefix}-n{}", n + 1),
            text: body[sp.start..sp.end].to_string(),
            category: category_title(sp.category),
            category_id: sp.category.id(),
            rule: sp.rule.to_string(),
            note: sp.note.as_deref().unwrap_or_default().to_string(),
            in_quote: sp.in_quote,
        });
    }
    let mut categories: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| order.iter().any(|&k| spans[k].category == *c))
        .collect();
    categories.dedup();

    // Sentence bookkeeping.
    let sents: Vec<Range<usize>> = layout
        .sentences
        .iter()
        .map(|x| x.start..x.end)
        .filter(|r| r.start < r.end && r.end <= body.len())
        .collect();
    let mut cuts: Vec<usize> = Vec::with_capacity(sents.len() * 2);
    for r in &sents {
        cuts.push(r.start);
        cuts.push(r.end);
    }
    let top_rank: BTreeMap<usize, usize> = s
        .top_sentences
        .iter()
        .enumerate()
        .map(|(r, t)| (t.sentence, r + 1))
        .collect();
    let sentence_of = |a: usize, b: usize| -> Option<usize> {
        let k = match sents.binary_search_by(|r| r.start.cmp(&a)) {
            Ok(k) => k,
            Err(0) => return None,
            Err(k) => k - 1,
        };
        (sents[k].start <= a && b <= sents[k].end).then_some(k)
    };
    // Map from filtered sentence position to layout index (they coincide
    // unless the layout had invalid sentences).
    let sent_index: Vec<usize> = layout
        .sentences
        .iter()
        .enumerate()
        .filter(|(_, x)| x.start < x.end && x.end <= body.len())
        .map(|(k, _)| k)
        .collect();

    let mut html = String::with_capacity(body.len() * 2);
    let mut opened_ids: Vec<bool> = vec![false; sents.len()];
    for para in paragraph_ranges(body, layout) {
        if body[para.clone()].trim().is_empty() {
            continue;
        }
        html.push_str("<p>");
        let mut cur: Option<usize> = None;
        for seg in segments(body, para.clone(), spans, &cuts) {
            let sk = sentence_of(seg.start, seg.end);
            if sk != cur {
                if cur.is_some() {
                    html.push_str("</span>");
                }
                if let Some(k) = sk {
                    let li = sent_index[k];
                    html.push_str("<span class=\"s");
                    if top_rank.contains_key(&li) {
                        html.push_str(" top");
                    }
                    html.push('"');
                    if !opened_ids[k] {
                        opened_ids[k] = true;
                        let _ = write!(html, " id=\"{prefix}-s{}\"", li + 1);
                    }
                    if let Some(r) = top_rank.get(&li) {
                        let p = s.sentence_probs.get(li).copied().unwrap_or(0.0);
                        let _ = write!(html, " data-rank=\"▲{r}\" data-p=\"{}\"", fmt_f(p));
                    }
                    html.push('>');
                }
                cur = sk;
            }
            // Open one element per covering span category (dedup same category).
            let mut cats: Vec<(Category, Vec<usize>)> = Vec::new();
            for &k in &seg.spans {
                let c = spans[k].category;
                match cats.last_mut() {
                    Some((lc, ks)) if *lc == c => ks.push(k),
                    _ => cats.push((c, vec![k])),
                }
            }
            let depth = cats.len();
            for (d, (c, ks)) in cats.iter().enumerate() {
                let all_quoted = *c != Category::Quote && ks.iter().all(|&k| spans[k].in_quote);
                let _ = write!(
                    html,
                    "<mark class=\"hl c-{}{}\"",
                    c.id(),
                    if all_quoted { " inq" } else { "" }
                );
                let ending: Vec<String> = ks
                    .iter()
                    .filter(|&&k| spans[k].end == seg.end)
                    .map(|&k| number[k].to_string())
                    .collect();
                if !ending.is_empty() {
                    let _ = write!(html, " data-fn=\"{}\"", ending.join(","));
                }
                if tooltips && d + 1 == depth {
                    let title: Vec<String> =
                        seg.spans.iter().map(|&k| span_title(&spans[k])).collect();
                    html.push_str(" title=\"");
                    escape_into(&mut html, &title.join("\n"));
                    html.push('"');
                }
                html.push('>');
            }
            escape_into(&mut html, &body[seg.start..seg.end]);
            for _ in 0..depth {
                html.push_str("</mark>");
            }
        }
        if cur.is_some() {
            html.push_str("</span>");
        }
        html.push_str("</p>\n");
    }
    BodyHtml {
        html,
        notes,
        categories,
    }
}

/// Escape `sentence` and wrap whole-word, case-insensitive occurrences of
/// `terms` in `<strong>`.
pub fn emphasise_terms(sentence: &str, terms: &[String]) -> String {
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for t in terms {
        let t = t.trim();
        if t.is_empty() || t.contains('_') {
            continue;
        }
        let Ok(re) = regex::RegexBuilder::new(&format!(r"\b{}\b", regex::escape(t)))
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
        else {
            continue;
        };
        for m in re.find_iter(sentence) {
            marks.push((m.start(), m.end()));
        }
    }
    marks.sort_unstable();
    let mut out = String::new();
    let mut pos = 0;
    for (a, b) in marks {
        if a < pos {
            continue;
        }
        escape_into(&mut out, &sentence[pos..a]);
        out.push_str("<strong>");
        escape_into(&mut out, &sentence[a..b]);
        out.push_str("</strong>");
        pos = b;
    }
    escape_into(&mut out, &sentence[pos..]);
    out
}

// ---------------------------------------------------------------------------
// View models (everything the template sees)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, serde::Serialize)]
struct LinkView {
    text: String,
    /// Set only for http(s) URLs.
    href: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ArticleHead {
    n: usize,
    anchor: String,
    id: String,
    outlet: String,
    headline: String,
    published: String,
    byline: String,
    wire: String,
    url: Option<LinkView>,
    source: String,
    words: usize,
    sentences: usize,
    flags: Vec<FlagView>,
    story: String,
    /// 1-based number of the article's story in the report (0 until known).
    story_n: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
struct FlagView {
    flag: String,
    /// The flag in words (`no byline`), for chips that must wrap.
    label: String,
    /// What the flag means in general (from `compare::FLAG_NAMES`).
    meaning: String,
    /// Why this article got it.
    detail: String,
}

#[derive(Debug, Clone, serde::Serialize)]
struct GridCell {
    value: String,
    detail: String,
    /// 0-100, width of the in-cell bar.
    bar: u32,
    mark: String,
}

#[derive(Debug, Clone, serde::Serialize)]
struct GridRow {
    title: String,
    unit: String,
    explanation: String,
    glossary: String,
    cells: Vec<GridCell>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct StoryView {
    id: String,
    anchor: String,
    headline: String,
    /// How the story was found, in words.
    method: String,
    dates: String,
    facts: String,
    articles: Vec<ArticleHead>,
    grid: Vec<GridRow>,
    pairs: Vec<PairRowView>,
    content: Vec<ContentView>,
    quotes: Vec<QuoteGroupView>,
    single_quotes: Vec<QuoteGroupView>,
    actors: Vec<ActorView>,
}

/// One overview table and comparison grid: every article of a small run,
/// or the articles of one story.
#[derive(Debug, Clone, serde::Serialize)]
struct TableGroup {
    title: String,
    articles: Vec<ArticleHead>,
    grid: Vec<GridRow>,
}

/// Runs up to this many articles get one overview table and one grid with
/// every article side by side; larger runs get one per story.
pub const SIDE_BY_SIDE_MAX: usize = 12;

#[derive(Debug, Clone, serde::Serialize)]
struct PairCellView {
    diagonal: bool,
    similarity: String,
    sentences: String,
    copied: String,
    /// Background opacity (`0.00`-`0.40`), from the similarity.
    shade: String,
    copy: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
struct PairRowView {
    head: ArticleHead,
    cells: Vec<PairCellView>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct SentenceLink {
    link: String,
    text: String,
}

#[derive(Debug, Clone, serde::Serialize)]
struct MissingView {
    text: String,
    reported_by: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ContentView {
    head: ArticleHead,
    shared: usize,
    paraphrased: usize,
    unique: usize,
    unique_examples: Vec<SentenceLink>,
    missing: Vec<MissingView>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct QuoteOccView {
    n: usize,
    outlet: String,
    link: String,
    speaker: String,
    verbatim: bool,
    conflict: bool,
    text: String,
}

#[derive(Debug, Clone, serde::Serialize)]
struct QuoteGroupView {
    quote_id: String,
    text: String,
    conflict: bool,
    altered: bool,
    occurrences: Vec<QuoteOccView>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ActorCellView {
    label: String,
    loaded: bool,
    mentions: usize,
    in_title: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ActorView {
    actor: String,
    cells: Vec<Option<ActorCellView>>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ChartView {
    title: String,
    alt: String,
    src: String,
    file: String,
    width: u32,
    height: u32,
}

#[derive(Debug, Clone, serde::Serialize)]
struct TopView {
    rank: usize,
    link: String,
    prob: String,
    sentence_html: String,
    terms: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ComponentView {
    name: String,
    points: String,
    /// Most points the component can give (from the reliability weights).
    max: String,
    /// Bar width in % of the largest |contribution|.
    bar: u32,
    negative: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
struct CardView {
    head: ArticleHead,
    framing: String,
    framing_bar: u32,
    sentences_above: usize,
    mean_prob: String,
    max_prob: String,
    top: Vec<TopView>,
    top_terms: Vec<String>,
    /// How the framing score follows from the sentence probabilities.
    formula: String,
    reliability: Option<String>,
    reliability_bar: u32,
    components: Vec<ComponentView>,
    /// The user's own rating of the outlet (`--source-ratings`).
    rating: Option<String>,
    rating_disagrees: bool,
    genre: Vec<(String, String)>,
    frames: Vec<(String, String)>,
    strip: Option<ChartView>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ArticleView {
    head: ArticleHead,
    /// BCP 47 primary language tag of the body (`lang` attribute), when known.
    lang: String,
    body_html: String,
    notes: Vec<SpanNote>,
    categories: Vec<LegendItem>,
    captions: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct LegendItem {
    id: &'static str,
    title: &'static str,
    explanation: &'static str,
    look: &'static str,
}

#[derive(Debug, Clone, serde::Serialize)]
struct GlossItem {
    anchor: String,
    term: String,
    explanation: String,
    unit: String,
    how: String,
}

/// A question for students, with its answer for the key.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Question {
    pub text: String,
    pub answer: String,
}

/// Everything the template sees.
#[derive(Debug, serde::Serialize)]
struct Ctx {
    title: String,
    headline: String,
    worksheet: bool,
    css: &'static str,
    n_articles: usize,
    n_outlets: usize,
    n_stories: usize,
    stories: Vec<StoryView>,
    groups: Vec<TableGroup>,
    /// Every article, in input order.
    heads: Vec<ArticleHead>,
    charts: Vec<ChartView>,
    cards: Vec<CardView>,
    articles: Vec<ArticleView>,
    all_legend: Vec<LegendItem>,
    glossary: Vec<GlossItem>,
    questions: Vec<Question>,
    errors: Vec<ErrorView>,
    threshold: String,
    threshold_note: String,
    framing_prob_meaning: String,
    version: &'static str,
    schema_version: u32,
    omitted: usize,
    model_notes: String,
}

#[derive(Debug, Clone, serde::Serialize)]
struct ErrorView {
    source: String,
    reason: String,
}

// ---------------------------------------------------------------------------
// Building the views
// ---------------------------------------------------------------------------

fn field(f: &Option<crate::extract::Field>) -> String {
    f.as_ref().map(|f| f.value.clone()).unwrap_or_default()
}

fn column_meaning(cols: &[super::exports::ColumnDoc], name: &str) -> String {
    cols.iter()
        .find(|c| c.name == name)
        .map(|c| c.meaning.clone())
        .unwrap_or_default()
}

fn flag_meaning(flag: &str) -> String {
    crate::compare::FLAG_NAMES
        .iter()
        .find(|(f, _)| *f == flag)
        .map(|(_, m)| m.to_string())
        .unwrap_or_default()
}

fn flag_detail(details: &[String], flag: &str) -> String {
    details
        .iter()
        .find_map(|d| {
            let (f, why) = d.split_once(':')?;
            (f.trim() == flag).then(|| why.trim().to_string())
        })
        .unwrap_or_default()
}

fn article_anchor(i: usize) -> String {
    format!("art-{}", i + 1)
}

fn head(cmp: &Comparison, i: usize) -> ArticleHead {
    let s = &cmp.articles[i];
    let a = &s.analysis.article;
    let pa = cmp.per_article.get(i);
    ArticleHead {
        n: i + 1,
        anchor: article_anchor(i),
        id: a.id.clone(),
        outlet: outlet_label(cmp, i),
        headline: field(&a.title),
        published: field(&a.published),
        byline: field(&a.byline),
        wire: a
            .wire_credits
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        url: a
            .url
            .as_ref()
            .filter(|u| !u.trim().is_empty())
            .map(|u| LinkView {
                text: u.clone(),
                href: safe_link(u).map(str::to_string),
            }),
        source: a.source.clone(),
        words: s.analysis.words,
        sentences: s.analysis.layout.sentences.len(),
        flags: pa
            .map(|p| {
                p.flags
                    .iter()
                    .map(|f| FlagView {
                        flag: f.clone(),
                        label: f.replace('_', " "),
                        meaning: flag_meaning(f),
                        detail: flag_detail(&p.flag_details, f),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        story: pa.map(|p| p.story_id.clone()).unwrap_or_default(),
        story_n: 0,
    }
}

/// Story groups: (story id, article indexes), stories in order of first
/// appearance (the comparison's story table when it has one).
fn stories(cmp: &Comparison) -> Vec<(String, Vec<usize>)> {
    let n = cmp.articles.len();
    if !cmp.stories.is_empty()
        && cmp.stories.iter().map(|s| s.members.len()).sum::<usize>() == n
        && cmp.stories.iter().all(|s| s.members.iter().all(|&m| m < n))
    {
        let mut v: Vec<(String, Vec<usize>)> = cmp
            .stories
            .iter()
            .map(|s| (s.story_id.clone(), s.members.clone()))
            .collect();
        v.sort_by_key(|(_, m)| m.first().copied().unwrap_or(usize::MAX));
        return v;
    }
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..cmp.articles.len() {
        let sid = cmp
            .per_article
            .get(i)
            .map(|p| p.story_id.clone())
            .unwrap_or_default();
        match index.get(&sid) {
            Some(&k) => out[k].1.push(i),
            None => {
                index.insert(sid.clone(), out.len());
                out.push((sid, vec![i]));
            }
        }
    }
    out
}

/// Rows of the comparison grid for the articles `arts`.
fn grid(cmp: &Comparison, arts: &[usize]) -> Vec<GridRow> {
    let acols = article_columns();
    let mut rows = Vec::new();
    let mut push = |title: String,
                    unit: String,
                    explanation: String,
                    glossary: String,
                    vals: Vec<Option<f64>>,
                    details: Vec<String>,
                    higher: &str,
                    lower: &str| {
        let max = vals
            .iter()
            .flatten()
            .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        let min = vals.iter().flatten().fold(f64::INFINITY, |a, &b| a.min(b));
        let scale = vals.iter().flatten().fold(0.0f64, |a, &b| a.max(b.abs()));
        let distinct = vals.iter().flatten().count() >= 2 && max > min;
        let cells = vals
            .iter()
            .zip(details)
            .map(|(v, detail)| match v {
                Some(v) => GridCell {
                    value: if unit.contains("(0-1)") {
                        format!("{v:.2}")
                    } else {
                        charts::num(*v)
                    },
                    detail,
                    bar: if scale > 0.0 {
                        ((v.abs() / scale) * 100.0).round() as u32
                    } else {
                        0
                    },
                    mark: if distinct && *v == max {
                        higher.to_string()
                    } else if distinct && *v == min {
                        lower.to_string()
                    } else {
                        String::new()
                    },
                },
                None => GridCell {
                    value: "n/a".into(),
                    detail,
                    bar: 0,
                    mark: String::new(),
                },
            })
            .collect();
        rows.push(GridRow {
            title,
            unit,
            explanation,
            glossary,
            cells,
        });
    };
    for f in schema::FEATURES {
        let vals: Vec<Option<f64>> = arts
            .iter()
            .map(|&i| {
                let an = &cmp.articles[i].analysis;
                an.value(f.id).map(|v| match f.kind {
                    FeatureKind::Count => per_1k(v, an.words),
                    FeatureKind::Value => v,
                })
            })
            .collect();
        let details: Vec<String> = arts
            .iter()
            .map(|&i| match f.kind {
                FeatureKind::Count => cmp.articles[i]
                    .analysis
                    .value(f.id)
                    .map(|v| format!("{} in {} words", fmt_f(v), cmp.articles[i].analysis.words))
                    .unwrap_or_default(),
                FeatureKind::Value => String::new(),
            })
            .collect();
        let unit = match f.kind {
            FeatureKind::Count => "per 1,000 words".to_string(),
            FeatureKind::Value => f.unit.to_string(),
        };
        push(
            f.title.to_string(),
            unit,
            f.explanation.to_string(),
            format!("g-{}", f.id),
            vals,
            details,
            "▲ highest",
            "▼ lowest",
        );
    }
    let vals = arts
        .iter()
        .map(|&i| Some(cmp.articles[i].framing_score))
        .collect();
    push(
        "Framing score".into(),
        "0-100".into(),
        column_meaning(&acols, "framing_score"),
        "g-framing_score".into(),
        vals,
        vec![String::new(); arts.len()],
        "▲ highest",
        "▼ lowest",
    );
    let vals = arts
        .iter()
        .map(|&i| cmp.per_article.get(i).and_then(|p| p.reliability_score))
        .collect();
    push(
        "Reliability index".into(),
        "0-100".into(),
        column_meaning(&acols, "reliability_score"),
        "g-reliability_score".into(),
        vals,
        vec![String::new(); arts.len()],
        "▲ highest",
        "▼ lowest",
    );
    rows
}

/// The shared/unique content matrix of a story: one row per article, one
/// cell per other article.
fn pair_matrix(cmp: &Comparison, arts: &[usize]) -> Vec<PairRowView> {
    let mut by_pair: BTreeMap<(usize, usize), &crate::compare::PairRow> = BTreeMap::new();
    for p in &cmp.pairs {
        by_pair.insert((p.a.min(p.b), p.a.max(p.b)), p);
    }
    arts.iter()
        .map(|&a| PairRowView {
            head: head(cmp, a),
            cells: arts
                .iter()
                .map(|&b| {
                    if a == b {
                        return PairCellView {
                            diagonal: true,
                            similarity: String::new(),
                            sentences: String::new(),
                            copied: String::new(),
                            shade: "0".into(),
                            copy: false,
                        };
                    }
                    match by_pair.get(&(a.min(b), a.max(b))) {
                        Some(p) => {
                            // Share of the ROW article's words copied from the column article.
                            let share = if p.a == a {
                                p.copied_share_a
                            } else {
                                p.copied_share_b
                            };
                            PairCellView {
                                diagonal: false,
                                similarity: format!("{:.2}", p.similarity),
                                sentences: format!(
                                    "{} same, {} paraphrased",
                                    p.shared_sentences, p.paraphrased_sentences
                                ),
                                copied: if share > 0.0 {
                                    format!("{:.0}% of this article", share * 100.0)
                                } else {
                                    String::new()
                                },
                                shade: format!("{:.2}", p.similarity.clamp(0.0, 1.0) * 0.4),
                                copy: p.shared_sentences >= crate::compare::COPY_MIN_SENTENCES,
                            }
                        }
                        None => PairCellView {
                            diagonal: false,
                            similarity: "n/a".into(),
                            sentences: String::new(),
                            copied: String::new(),
                            shade: "0".into(),
                            copy: false,
                        },
                    }
                })
                .collect(),
        })
        .collect()
}

fn sentence_text(cmp: &Comparison, i: usize, k: usize) -> Option<&str> {
    let an = &cmp.articles[i].analysis;
    let s = an.layout.sentences.get(k)?;
    an.article.body.get(s.start..s.end)
}

/// What each article of a story shares with the others, reports alone, and
/// leaves out.
fn content(cmp: &Comparison, arts: &[usize]) -> Vec<ContentView> {
    arts.iter()
        .map(|&i| {
            let rows: Vec<&crate::compare::SentenceAlignment> =
                cmp.alignment.iter().filter(|r| r.article == i).collect();
            let count = |k: &str| rows.iter().filter(|r| r.kind == k).count();
            let pa = cmp.per_article.get(i);
            let unique_idx: Vec<usize> = pa.map(|p| p.unique_sentences.clone()).unwrap_or_default();
            ContentView {
                head: head(cmp, i),
                shared: count("shared"),
                paraphrased: count("paraphrase"),
                unique: unique_idx.len(),
                unique_examples: unique_idx
                    .iter()
                    .take(3)
                    .filter_map(|&k| {
                        Some(SentenceLink {
                            link: format!("#{}-s{}", article_anchor(i), k + 1),
                            text: charts::shorten(sentence_text(cmp, i, k)?, 160),
                        })
                    })
                    .collect(),
                missing: pa
                    .map(|p| {
                        p.missing_facts
                            .iter()
                            .take(3)
                            .map(|m| MissingView {
                                text: charts::shorten(&m.text, 160),
                                reported_by: m.reported_by,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// Quotations of a story, grouped by quote id: (in two or more articles, in one).
fn quote_groups(cmp: &Comparison, arts: &[usize]) -> (Vec<QuoteGroupView>, Vec<QuoteGroupView>) {
    let members: std::collections::BTreeSet<usize> = arts.iter().copied().collect();
    let mut groups: Vec<QuoteGroupView> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for q in cmp.quotes.iter().filter(|q| members.contains(&q.article)) {
        let g = *index.entry(q.quote_id.clone()).or_insert_with(|| {
            groups.push(QuoteGroupView {
                quote_id: q.quote_id.clone(),
                text: charts::shorten(&q.text, 400),
                conflict: false,
                altered: false,
                occurrences: vec![],
            });
            groups.len() - 1
        });
        let grp = &mut groups[g];
        grp.conflict |= q.speaker_conflict;
        grp.altered |= !q.verbatim;
        grp.occurrences.push(QuoteOccView {
            n: q.article + 1,
            outlet: outlet_label(cmp, q.article),
            link: format!("#{}-s{}", article_anchor(q.article), q.sentence + 1),
            speaker: q.speaker.clone().unwrap_or_default(),
            verbatim: q.verbatim,
            conflict: q.speaker_conflict,
            text: if q.verbatim {
                String::new()
            } else {
                charts::shorten(&q.text, 400)
            },
        });
    }
    let (multi, single): (Vec<_>, Vec<_>) = groups.into_iter().partition(|g| {
        let mut a: Vec<usize> = g.occurrences.iter().map(|o| o.n).collect();
        a.dedup();
        a.len() > 1
    });
    (multi, single)
}

/// How each article names the story's main actors: one row per actor.
fn actor_table(cmp: &Comparison, arts: &[usize]) -> Vec<ActorView> {
    let mut actors: Vec<String> = Vec::new();
    for r in cmp
        .actor_labels
        .iter()
        .filter(|r| arts.contains(&r.article))
    {
        if !actors.contains(&r.actor) {
            actors.push(r.actor.clone());
        }
    }
    actors
        .into_iter()
        .map(|actor| ActorView {
            cells: arts
                .iter()
                .map(|&i| {
                    let rows: Vec<&crate::compare::ActorLabelRow> = cmp
                        .actor_labels
                        .iter()
                        .filter(|r| r.article == i && r.actor == actor)
                        .collect();
                    if rows.is_empty() {
                        return None;
                    }
                    Some(ActorCellView {
                        label: rows
                            .iter()
                            .map(|r| r.label.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                        loaded: rows.iter().any(|r| r.loaded),
                        mentions: rows.iter().map(|r| r.mentions).sum(),
                        in_title: rows.iter().any(|r| r.in_title),
                    })
                })
                .collect(),
            actor,
        })
        .collect()
}

fn story_view(cmp: &Comparison, k: usize, sid: String, arts: Vec<usize>) -> StoryView {
    let summary = cmp.stories.iter().find(|s| s.story_id == sid);
    let headline = summary
        .map(|s| s.title.clone())
        .filter(|t| !t.is_empty())
        .or_else(|| {
            arts.iter()
                .map(|&i| field(&cmp.articles[i].analysis.article.title))
                .find(|t| !t.is_empty())
        })
        .unwrap_or_default();
    let method = match summary.map(|s| s.method.as_str()) {
        Some("corpus") => "grouped by the corpus's story column",
        Some("similarity") => "grouped by text similarity within a date window",
        Some("single") => "no other article was similar enough",
        _ => "",
    }
    .to_string();
    let dates = match summary.map(|s| (s.first_published.clone(), s.last_published.clone())) {
        Some((Some(a), Some(b))) if a != b => format!("{a} to {b}"),
        Some((Some(a), _)) => a,
        _ => String::new(),
    };
    let facts = summary
        .map(|s| {
            format!(
                "{} facts reported by two or more articles, {} widely reported; {} quotations, {} shared; {} speaker conflicts; {} date mismatches.",
                s.shared_facts, s.widely_reported_facts, s.quotes, s.shared_quotes, s.speaker_conflicts, s.date_mismatches
            )
        })
        .unwrap_or_default();
    let (quotes, single_quotes) = quote_groups(cmp, &arts);
    StoryView {
        id: sid,
        anchor: format!("story-{}", k + 1),
        headline,
        method,
        dates,
        facts,
        articles: arts.iter().map(|&i| head(cmp, i)).collect(),
        grid: grid(cmp, &arts),
        pairs: if arts.len() > 1 {
            pair_matrix(cmp, &arts)
        } else {
            vec![]
        },
        content: if arts.len() > 1 {
            content(cmp, &arts)
        } else {
            vec![]
        },
        quotes,
        single_quotes,
        actors: actor_table(cmp, &arts),
    }
}

/// Points of a score component: one decimal, none when whole.
fn points(v: f64) -> String {
    let s = format!("{v:.1}");
    match s.strip_suffix(".0") {
        Some("-0") => "0".into(),
        Some(t) => t.to_string(),
        None => s,
    }
}

fn chart_view(c: &Chart) -> ChartView {
    ChartView {
        title: c.title.clone(),
        alt: c.alt.clone(),
        src: format!("data:image/svg+xml;base64,{}", base64(c.svg.as_bytes())),
        file: format!("charts/{}.png", c.stem),
        width: c.width,
        height: c.height,
    }
}

/// The framing score written out from its parts, when the parts reproduce
/// it: `100 × (0.5 × mean + 0.5 × mean of the top fifth)` over the
/// sentences long enough to count (see `model::article_score`).
fn framing_formula(cmp: &Comparison, i: usize) -> String {
    let s = &cmp.articles[i];
    let eligible: Vec<bool> = (0..s.sentence_probs.len())
        .map(|k| {
            s.analysis
                .sentences
                .get(k)
                .map(|f| f.words as usize)
                .unwrap_or(0)
                >= crate::model::MIN_SENTENCE_TOKENS
        })
        .collect();
    let mut p: Vec<f64> = s
        .sentence_probs
        .iter()
        .zip(&eligible)
        .filter(|(_, e)| **e)
        .map(|(p, _)| *p)
        .collect();
    if p.is_empty() {
        p = s.sentence_probs.clone();
    }
    if p.is_empty() || p.iter().any(|x| !x.is_finite()) {
        return String::new();
    }
    let score = crate::model::article_score(&s.sentence_probs, &eligible);
    if (score - s.framing_score).abs() > 0.05 {
        return String::new();
    }
    let mean = p.iter().sum::<f64>() / p.len() as f64;
    p.sort_by(|a, b| b.total_cmp(a));
    let k = p.len().div_ceil(5).max(1);
    let top = p[..k].iter().sum::<f64>() / k as f64;
    format!(
        "100 × (½ × {mean:.2} mean of {} sentences + ½ × {top:.2} mean of the top {k}) = {}",
        p.len(),
        charts::num(s.framing_score)
    )
}

fn card(cmp: &Comparison, i: usize, strip: Option<&Chart>, threshold: f64) -> CardView {
    let s = &cmp.articles[i];
    let body = s.analysis.article.body.as_str();
    let probs: Vec<f64> = s
        .sentence_probs
        .iter()
        .copied()
        .filter(|p| p.is_finite())
        .collect();
    let mean = if probs.is_empty() {
        0.0
    } else {
        probs.iter().sum::<f64>() / probs.len() as f64
    };
    let max = probs.iter().copied().fold(0.0f64, f64::max);
    let top = s
        .top_sentences
        .iter()
        .enumerate()
        .filter_map(|(r, t)| {
            let sent = s.analysis.layout.sentences.get(t.sentence)?;
            let text = body.get(sent.start..sent.end)?;
            Some(TopView {
                rank: r + 1,
                link: format!("#{}-s{}", article_anchor(i), t.sentence + 1),
                prob: format!("{:.2}", t.prob),
                sentence_html: emphasise_terms(text, &t.terms),
                terms: t.terms.clone(),
            })
        })
        .collect();
    let pa = cmp.per_article.get(i);
    let comps: Vec<(String, f64)> = pa
        .map(|p| p.reliability_components.clone())
        .unwrap_or_default();
    let cmax = comps.iter().map(|(_, v)| v.abs()).fold(0.0f64, f64::max);
    CardView {
        head: head(cmp, i),
        framing: charts::num(s.framing_score),
        framing_bar: s.framing_score.clamp(0.0, 100.0).round() as u32,
        sentences_above: probs.iter().filter(|p| **p >= threshold).count(),
        mean_prob: format!("{mean:.2}"),
        max_prob: format!("{max:.2}"),
        top,
        top_terms: s.top_terms.clone(),
        reliability: pa.and_then(|p| p.reliability_score).map(charts::num),
        reliability_bar: pa
            .and_then(|p| p.reliability_score)
            .map(|r| r.clamp(0.0, 100.0).round() as u32)
            .unwrap_or(0),
        components: comps
            .iter()
            .map(|(n, v)| ComponentView {
                name: n.replace('_', " "),
                points: format!("{}{}", if *v > 0.0 { "+" } else { "" }, points(*v)),
                max: crate::compare::reliability::WEIGHTS
                    .iter()
                    .find(|(w, _)| w == n)
                    .map(|(_, m)| points(*m))
                    .unwrap_or_default(),
                bar: crate::compare::reliability::WEIGHTS
                    .iter()
                    .find(|(w, _)| w == n)
                    .filter(|(_, m)| *m > 0.0)
                    .map(|(_, m)| (v.abs() / m * 100.0).clamp(0.0, 100.0).round() as u32)
                    .unwrap_or(if cmax > 0.0 {
                        (v.abs() / cmax * 100.0).round() as u32
                    } else {
                        0
                    }),
                negative: *v < 0.0,
            })
            .collect(),
        formula: framing_formula(cmp, i),
        rating: pa.and_then(|p| p.source_rating.as_ref()).map(|r| {
            format!(
                "{} (for “{}”{})",
                r.value,
                r.key,
                match r.band {
                    Some(crate::compare::ratings::Band::High) => ", high band",
                    Some(crate::compare::ratings::Band::Mixed) => ", mixed band",
                    Some(crate::compare::ratings::Band::Low) => ", low band",
                    None => "",
                }
            )
        }),
        rating_disagrees: pa.and_then(|p| p.source_rating_disagrees).unwrap_or(false),
        genre: {
            let mut g: Vec<&(_, f64)> = s.genre.iter().collect();
            g.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            g.iter()
                .take(2)
                .map(|(n, p)| (n.replace('_', " "), format!("{p:.2}")))
                .collect()
        },
        frames: {
            let mut f: Vec<&(_, f64)> = s.frames.iter().collect();
            f.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            f.iter()
                .take(3)
                .map(|(n, p)| (n.replace('_', " "), format!("{p:.2}")))
                .collect()
        },
        strip: strip.map(chart_view),
    }
}

fn legend(cats: &[Category]) -> Vec<LegendItem> {
    cats.iter()
        .map(|&c| LegendItem {
            id: c.id(),
            title: category_title(c),
            explanation: category_explanation(c),
            look: category_look(c),
        })
        .collect()
}

fn glossary() -> Vec<GlossItem> {
    let mut out: Vec<GlossItem> = schema::FEATURES
        .iter()
        .map(|f| GlossItem {
            anchor: format!("g-{}", f.id),
            term: f.title.to_string(),
            explanation: f.explanation.to_string(),
            unit: match f.kind {
                FeatureKind::Count => format!("{} (shown per 1,000 words)", f.unit),
                FeatureKind::Value => f.unit.to_string(),
            },
            how: f.how.to_string(),
        })
        .collect();
    let acols = article_columns();
    let scols = sentence_columns();
    for (name, term, cols) in [
        ("framing_score", "Framing score", &acols),
        ("reliability_score", "Reliability index", &acols),
        ("reliability_components", "Reliability components", &acols),
        ("flags", "Flags", &acols),
        ("framing_prob", "Framing probability (per sentence)", &scols),
    ] {
        if let Some(c) = cols.iter().find(|c| c.name == name) {
            out.push(GlossItem {
                anchor: format!("g-{name}"),
                term: term.into(),
                explanation: c.meaning.clone(),
                unit: c.unit.to_string(),
                how: String::new(),
            });
        }
    }
    out.sort_by_key(|g| g.term.to_lowercase());
    out
}

// ---------------------------------------------------------------------------
// Worksheet questions
// ---------------------------------------------------------------------------

fn examples(cmp: &Comparison, i: usize, cat: Category, n: usize) -> Vec<String> {
    let an = &cmp.articles[i].analysis;
    let body = &an.article.body;
    let mut seen: Vec<String> = Vec::new();
    for sp in an
        .spans
        .iter()
        .filter(|s| s.category == cat && span_is_valid(body, s))
    {
        let t = body[sp.start..sp.end].to_string();
        if !seen.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
            seen.push(t);
        }
        if seen.len() == n {
            break;
        }
    }
    seen
}

fn quoted(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("“{}”", charts::shorten(s, 80)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Articles with the highest (or lowest) value of `f`; ties kept, input order.
fn extreme(cmp: &Comparison, f: impl Fn(usize) -> Option<f64>, highest: bool) -> (Vec<usize>, f64) {
    let vals: Vec<(usize, f64)> = (0..cmp.articles.len())
        .filter_map(|i| f(i).filter(|v| v.is_finite()).map(|v| (i, v)))
        .collect();
    let best = vals.iter().map(|x| x.1).fold(
        if highest {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        },
        |a, b| if highest { a.max(b) } else { a.min(b) },
    );
    (
        vals.iter()
            .filter(|x| (x.1 - best).abs() < 1e-9)
            .map(|x| x.0)
            .collect(),
        best,
    )
}

fn who(cmp: &Comparison, arts: &[usize]) -> String {
    let names: Vec<String> = arts
        .iter()
        .map(|&i| format!("{} (article {})", outlet_label(cmp, i), i + 1))
        .collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        _ => format!("{} (a tie)", names.join(" and ")),
    }
}

/// Questions for students, generated from the data, with answers.
pub fn questions(cmp: &Comparison) -> Vec<Question> {
    let mut q = Vec::new();
    if cmp.articles.len() < 2 {
        return q;
    }
    let rate_of = |id: &'static str| {
        move |i: usize| {
            let an = &cmp.articles[i].analysis;
            an.value(id).map(|v| per_1k(v, an.words))
        }
    };
    let count_of = |id: &'static str| move |i: usize| cmp.articles[i].analysis.value(id);

    // Anonymous sources.
    let (top, v) = extreme(cmp, rate_of("anonymous_source"), true);
    if v > 0.0 {
        let ex = examples(cmp, top[0], Category::AnonymousSource, 3);
        q.push(Question {
            text: "Which outlet relies most on anonymous sources? Find two places in its article where the source cannot be identified. Why might a reporter agree not to name a source, and what does the reader lose?".into(),
            answer: format!(
                "{}: {} anonymous-source phrases per 1,000 words. Examples: {}.",
                who(cmp, &top),
                charts::num(v),
                quoted(&ex)
            ),
        });
    }
    // Loaded language.
    let (top, v) = extreme(cmp, rate_of("loaded_language"), true);
    if v > 0.0 {
        let ex = examples(cmp, top[0], Category::LoadedLanguage, 4);
        let n = count_of("loaded_language")(top[0]).unwrap_or(0.0);
        q.push(Question {
            text: "Which article uses the most loaded language? Choose one loaded word and rewrite the sentence with a neutral word. Does the meaning change?".into(),
            answer: format!(
                "{}: {} loaded words in total ({} per 1,000 words). Examples: {}.",
                who(cmp, &top),
                fmt_f(n),
                charts::num(v),
                quoted(&ex)
            ),
        });
    }
    // Attribution.
    let (most, vmax) = extreme(cmp, rate_of("attribution"), true);
    let (least, vmin) = extreme(cmp, rate_of("attribution"), false);
    if vmax > vmin {
        q.push(Question {
            text: "Which article tells you most often who said what, and which one least? How could you check a claim that is not attributed to anyone?".into(),
            answer: format!(
                "Most attributions: {} ({} per 1,000 words). Fewest: {} ({} per 1,000 words).",
                who(cmp, &most),
                charts::num(vmax),
                who(cmp, &least),
                charts::num(vmin)
            ),
        });
    }
    // Hedges.
    let (top, v) = extreme(cmp, rate_of("hedge"), true);
    if v > 0.0 {
        let ex = examples(cmp, top[0], Category::Hedge, 3);
        q.push(Question {
            text: format!(
                "Find the hedges (words like “may” or “reportedly”) in the article by {}. Is the writer careful about what is unconfirmed, or does the story rest on things nobody has confirmed?",
                outlet_label(cmp, top[0])
            ),
            answer: format!(
                "{} has the most hedges: {} per 1,000 words. Examples: {}.",
                who(cmp, &top),
                charts::num(v),
                quoted(&ex)
            ),
        });
    }
    // Framing score and its top sentence.
    let (top, v) = extreme(cmp, |i| Some(cmp.articles[i].framing_score), true);
    if let Some(&i) = top.first() {
        let s = &cmp.articles[i];
        let body = &s.analysis.article.body;
        let sentence = s
            .top_sentences
            .first()
            .and_then(|t| s.analysis.layout.sentences.get(t.sentence).map(|x| (t, x)))
            .and_then(|(t, x)| body.get(x.start..x.end).map(|txt| (t, txt)));
        q.push(Question {
            text: "Which article do you think frames the story most strongly? Pick the sentence that sounds most one-sided to you and underline the words that make it so.".into(),
            answer: match sentence {
                Some((t, txt)) => format!(
                    "The model gives {} the highest framing score ({} of 100). Its strongest sentence (probability {:.2}): “{}”{}",
                    who(cmp, &top),
                    charts::num(v),
                    t.prob,
                    charts::shorten(txt, 240),
                    if t.terms.is_empty() { String::new() } else { format!(" — because of: {}.", t.terms.join(", ")) }
                ),
                None => format!("The model gives {} the highest framing score ({} of 100).", who(cmp, &top), charts::num(v)),
            },
        });
    }
    // Reliability.
    let (low, v) = extreme(
        cmp,
        |i| cmp.per_article.get(i).and_then(|p| p.reliability_score),
        false,
    );
    let (high, vh) = extreme(
        cmp,
        |i| cmp.per_article.get(i).and_then(|p| p.reliability_score),
        true,
    );
    if let (Some(&i), true) = (low.first(), vh > v) {
        let mut comps = cmp.per_article[i].reliability_components.clone();
        comps.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let weakest: Vec<String> = comps
            .iter()
            .take(3)
            .map(|(n, p)| format!("{} ({})", n.replace('_', " "), charts::num(*p)))
            .collect();
        q.push(Question {
            text: "Rank the articles from most to least trustworthy in how they source their information. Then compare your ranking with the reliability index. What pulls the lowest one down?".into(),
            answer: format!(
                "Highest reliability index: {} ({}). Lowest: {} ({}); its weakest components: {}.",
                who(cmp, &high),
                charts::num(vh),
                who(cmp, &low),
                charts::num(v),
                weakest.join(", ")
            ),
        });
    }
    // Flags.
    let flagged: Vec<String> = (0..cmp.articles.len())
        .filter_map(|i| {
            let f = &cmp.per_article.get(i)?.flags;
            (!f.is_empty()).then(|| {
                format!(
                    "{} (article {}): {}",
                    outlet_label(cmp, i),
                    i + 1,
                    f.iter()
                        .map(|x| x.replace('_', " "))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        })
        .collect();
    if !flagged.is_empty() {
        q.push(Question {
            text: "Look at each article's byline, date and sources. Which articles have a problem a careful reader should notice (no author, a wrong date, copied text, junk links)?".into(),
            answer: format!("{}.", flagged.join("; ")),
        });
    }
    // Copied text.
    let mut copied_pairs: Vec<&crate::compare::PairRow> = cmp
        .pairs
        .iter()
        .filter(|p| p.shared_sentences >= crate::compare::COPY_MIN_SENTENCES)
        .collect();
    copied_pairs.sort_by(|x, y| {
        y.shared_sentences
            .cmp(&x.shared_sentences)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let copies: Vec<String> = copied_pairs
        .iter()
        .take(3)
        .map(|p| {
            format!(
                "article {} ({}) and article {} ({}): {} near-identical sentences",
                p.a + 1,
                outlet_label(cmp, p.a),
                p.b + 1,
                outlet_label(cmp, p.b),
                p.shared_sentences
            )
        })
        .collect();
    if !copies.is_empty() {
        let uncredited: Vec<String> = (0..cmp.articles.len())
            .filter(|&i| {
                cmp.per_article
                    .get(i)
                    .is_some_and(|p| p.flags.iter().any(|f| f == "unattributed_copy"))
            })
            .map(|i| format!("article {} ({})", i + 1, outlet_label(cmp, i)))
            .collect();
        q.push(Question {
            text: "Some articles share whole sentences word for word. Which ones? Does the article that copied say where the text came from?".into(),
            answer: format!(
                "{}.{}",
                copies.join("; "),
                if uncredited.is_empty() {
                    " Every copy credits its source (a wire service or the outlet).".to_string()
                } else {
                    format!(" Copied without credit: {}.", uncredited.join(", "))
                }
            ),
        });
    }
    // Quotes given to different speakers.
    let conflicts: Vec<String> = cmp
        .quotes
        .iter()
        .filter(|r| r.speaker_conflict)
        .map(|r| {
            format!(
                "article {} ({}) gives “{}” to {}",
                r.article + 1,
                outlet_label(cmp, r.article),
                charts::shorten(&r.text, 80),
                r.speaker.as_deref().unwrap_or("nobody")
            )
        })
        .collect();
    if cmp.quotes.iter().any(|r| r.articles > 1) {
        q.push(Question {
            text: "Find a quotation that appears in more than one article. Is it given to the same person, in the same words, everywhere?".into(),
            answer: if conflicts.is_empty() {
                "Shared quotations are given to the same speaker in every article (see the quotes table for exact wording).".into()
            } else {
                format!("No: {}; other articles name a different speaker.", conflicts.join("; "))
            },
        });
    }
    // Loaded labels for the same actor.
    let loaded: Vec<&crate::compare::ActorLabelRow> =
        cmp.actor_labels.iter().filter(|r| r.loaded).collect();
    if let Some(first) = loaded.first() {
        let actor = &first.actor;
        let labels: Vec<String> = cmp
            .actor_labels
            .iter()
            .filter(|r| &r.actor == actor)
            .map(|r| {
                format!(
                    "article {}: “{}”{}",
                    r.article + 1,
                    r.label,
                    if r.loaded { " (loaded)" } else { "" }
                )
            })
            .collect();
        q.push(Question {
            text: format!(
                "How does each article name {actor}? Which names tell you what to think about them?"
            ),
            answer: format!("{}.", labels.join("; ")),
        });
    }
    q.push(Question {
        text: "Compare the headlines side by side. Which headline would make a reader feel most strongly about the event before reading any facts? Write a neutral headline for the story.".into(),
        answer: "Open question: there is no single right answer. Good answers point to specific words in the headlines.".into(),
    });
    q
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

/// Render the report (or the worksheet) as one HTML document.
pub fn render(
    cmp: &Comparison,
    errors: &[InputError],
    charts: &[Chart],
    opts: &HtmlOptions,
) -> Result<String, ReportError> {
    let n = cmp.articles.len();
    let strip_of = |i: usize| {
        charts
            .iter()
            .find(|c| c.stem == format!("strip_{:03}", i + 1))
    };
    let story_list = stories(cmp);
    let mut story_of = vec![0usize; n];
    for (k, (_, arts)) in story_list.iter().enumerate() {
        for &i in arts {
            story_of[i] = k + 1;
        }
    }
    let numbered = |i: usize| ArticleHead {
        story_n: story_of[i],
        ..head(cmp, i)
    };
    let mut story_views: Vec<StoryView> = story_list
        .into_iter()
        .enumerate()
        .map(|(k, (sid, arts))| story_view(cmp, k, sid, arts))
        .collect();
    for sv in &mut story_views {
        for a in &mut sv.articles {
            a.story_n = story_of[a.n - 1];
        }
    }
    let groups: Vec<TableGroup> = if n <= SIDE_BY_SIDE_MAX {
        let all: Vec<usize> = (0..n).collect();
        vec![TableGroup {
            title: String::new(),
            articles: all.iter().map(|&i| numbered(i)).collect(),
            grid: grid(cmp, &all),
        }]
    } else {
        story_views
            .iter()
            .enumerate()
            .map(|(k, sv)| TableGroup {
                title: if sv.headline.is_empty() {
                    format!("Story {}", k + 1)
                } else {
                    format!("Story {}: {}", k + 1, sv.headline)
                },
                articles: sv.articles.clone(),
                grid: sv.grid.clone(),
            })
            .collect()
    };
    let overview_charts: Vec<ChartView> = charts
        .iter()
        .filter(|c| !c.stem.starts_with("strip_"))
        .map(chart_view)
        .collect();
    let cards: Vec<CardView> = (0..n)
        .map(|i| card(cmp, i, strip_of(i), opts.threshold))
        .collect();
    let articles: Vec<ArticleView> = (0..n)
        .map(|i| {
            let b = body_html(cmp, i, &article_anchor(i), !opts.worksheet);
            let lang = field(&cmp.articles[i].analysis.article.language).to_ascii_lowercase();
            ArticleView {
                head: head(cmp, i),
                lang: if (2..=3).contains(&lang.len())
                    && lang.bytes().all(|b| b.is_ascii_lowercase())
                {
                    lang
                } else {
                    String::new()
                },
                body_html: b.html,
                notes: b.notes,
                categories: legend(&b.categories),
                captions: cmp.articles[i].analysis.article.captions.clone(),
            }
        })
        .collect();
    let outlets = charts::outlet_groups(cmp);
    let headline = story_views
        .first()
        .map(|s| s.headline.clone())
        .unwrap_or_default();
    let title = if opts.worksheet {
        "framelens worksheet: how was this story told?".to_string()
    } else {
        "framelens report: how was this story told?".to_string()
    };
    let scols = sentence_columns();

    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| template_err(&e))?;
    let tmpl = env
        .get_template("report.html")
        .map_err(|e| template_err(&e))?;
    let ctx = Ctx {
        title,
        headline,
        worksheet: opts.worksheet,
        css: CSS,
        n_articles: n,
        n_outlets: outlets.len(),
        n_stories: story_views.len(),
        stories: story_views,
        groups,
        heads: (0..n).map(numbered).collect(),
        charts: overview_charts,
        cards,
        articles,
        all_legend: legend(&Category::ALL),
        glossary: glossary(),
        questions: if opts.worksheet {
            questions(cmp)
        } else {
            vec![]
        },
        errors: errors
            .iter()
            .map(|e| ErrorView {
                source: e.source.clone(),
                reason: e.reason.clone(),
            })
            .collect(),
        threshold: format!("{:.2}", opts.threshold),
        threshold_note: opts.threshold_note.clone(),
        framing_prob_meaning: column_meaning(&scols, "framing_prob"),
        version: env!("CARGO_PKG_VERSION"),
        schema_version: schema::SCHEMA_VERSION,
        omitted: opts.omitted,
        model_notes: opts.model_notes.clone(),
    };
    let ctx = minijinja::Value::from(minijinja::value::Serde(&ctx));
    tmpl.render(ctx).map_err(|e| template_err(&e))
}

fn template_err(e: &minijinja::Error) -> ReportError {
    let mut reason = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        let _ = write!(reason, ": {s}");
        src = s.source();
    }
    ReportError::Other {
        path: "report.html".into(),
        reason,
    }
}

/// Files written by [`write_report`].
#[derive(Debug, Clone, Default)]
pub struct ReportFiles {
    pub html: Vec<std::path::PathBuf>,
    pub charts: usize,
}

/// Write `report.html` (and `worksheet.html` when asked) plus every chart
/// as SVG and PNG under `dir/charts/`, all atomically.
pub fn write_report(
    dir: &std::path::Path,
    cmp: &Comparison,
    errors: &[InputError],
    opts: &HtmlOptions,
) -> Result<ReportFiles, ReportError> {
    std::fs::create_dir_all(dir).map_err(|e| super::atomic::io_err(dir, e))?;
    let charts = charts::all_charts(cmp, opts.threshold)?;
    charts::write_charts(&dir.join("charts"), &charts)?;
    let mut files = ReportFiles {
        html: vec![],
        charts: charts.len(),
    };
    let report = render(
        cmp,
        errors,
        &charts,
        &HtmlOptions {
            worksheet: false,
            ..opts.clone()
        },
    )?;
    let p = dir.join("report.html");
    super::atomic::write_file(&p, report.as_bytes())?;
    files.html.push(p);
    if opts.worksheet {
        let ws = render(cmp, errors, &charts, opts)?;
        let p = dir.join("worksheet.html");
        super::atomic::write_file(&p, ws.as_bytes())?;
        files.html.push(p);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, category: Category) -> Span {
        Span {
            start,
            end,
            sentence: 0,
            category,
            rule: format!("rule:test_{}", category.id()).into(),
            note: None,
            in_quote: false,
        }
    }

    #[test]
    fn escape_covers_markup_and_attribute_breakers() {
        assert_eq!(
            escape(r#"<script>"x" & 'y'</script>"#),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{0}b\tc"), "a\u{FFFD}b\tc");
        assert_eq!(escape("&lt;"), "&amp;lt;");
        assert_eq!(escape("héllo — ✓"), "héllo — ✓");
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn only_http_urls_become_links() {
        assert_eq!(
            safe_link("https://example.org/a"),
            Some("https://example.org/a")
        );
        assert_eq!(
            safe_link(" HTTP://example.org "),
            Some("HTTP://example.org")
        );
        assert_eq!(safe_link("javascript:alert(1)"), None);
        assert_eq!(safe_link("JaVaScRiPt:alert(1)"), None);
        assert_eq!(safe_link("data:text/html,<b>"), None);
        assert_eq!(safe_link("https://x.org/a b"), None);
        assert_eq!(safe_link("/etc/passwd"), None);
        assert_eq!(safe_link("http://"), None);
    }

    #[test]
    fn segments_cut_at_every_boundary_and_keep_all_covering_spans() {
        //          0         1         2
        //          0123456789012345678901234
        let body = "ab \"cd ef\" gh ij";
        let spans = vec![
            span(3, 10, Category::Quote),         // "cd ef" with quotes
            span(4, 6, Category::LoadedLanguage), // cd
            span(5, 13, Category::Hedge),         // d ef" gh (crosses the quote end)
            span(40, 50, Category::Hedge),        // out of range: ignored
            span(6, 5, Category::Booster),        // reversed: ignored
        ];
        let segs = segments(body, 0..body.len(), &spans, &[11]);
        let text: String = segs.iter().map(|s| &body[s.start..s.end]).collect();
        assert_eq!(text, body);
        let bounds: Vec<(usize, usize)> = segs.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(
            bounds,
            vec![
                (0, 3),
                (3, 4),
                (4, 5),
                (5, 6),
                (6, 10),
                (10, 11),
                (11, 13),
                (13, 16)
            ]
        );
        let cats = |k: usize| -> Vec<Category> {
            segs[k].spans.iter().map(|&i| spans[i].category).collect()
        };
        assert_eq!(cats(0), vec![]);
        assert_eq!(cats(1), vec![Category::Quote]);
        assert_eq!(cats(2), vec![Category::Quote, Category::LoadedLanguage]);
        // Nesting order: quote outside, hedge, loaded language innermost.
        assert_eq!(
            cats(3),
            vec![Category::Quote, Category::Hedge, Category::LoadedLanguage]
        );
        assert_eq!(cats(4), vec![Category::Quote, Category::Hedge]);
        assert_eq!(cats(5), vec![Category::Hedge]);
        assert_eq!(cats(6), vec![Category::Hedge]);
        assert_eq!(cats(7), vec![]);
        // Each span covers exactly the segments inside it.
        for (i, sp) in spans.iter().enumerate().take(3) {
            let covered: String = segs
                .iter()
                .filter(|s| s.spans.contains(&i))
                .map(|s| &body[s.start..s.end])
                .collect();
            assert_eq!(covered, &body[sp.start..sp.end]);
        }
    }

    #[test]
    fn segments_respect_char_boundaries_and_subranges() {
        let body = "Ça «va» très bien";
        // 'Ç' is 2 bytes; a span starting inside it is invalid.
        let spans = vec![span(1, 4, Category::Hedge), span(4, 11, Category::Quote)];
        let segs = segments(body, 3..body.len(), &spans, &[1, 7]);
        assert_eq!(segs.first().map(|s| s.start), Some(3));
        assert!(segs
            .iter()
            .all(|s| body.is_char_boundary(s.start) && body.is_char_boundary(s.end)));
        let text: String = segs.iter().map(|s| &body[s.start..s.end]).collect();
        assert_eq!(text, &body[3..]);
        assert!(segs.iter().all(|s| s.spans.iter().all(|&i| i == 1)));
        assert!(segments(body, 5..5, &spans, &[]).is_empty());
        assert!(segments(body, 10..500, &spans, &[])
            .iter()
            .all(|s| s.end <= body.len()));
    }

    proptest::proptest! {
        /// Offsets never lie: for any text and any spans (valid or not),
        /// the segments tile the range exactly, stay on char boundaries,
        /// and every valid span covers exactly its own bytes.
        #[test]
        fn segments_tile_the_body_and_cover_exactly_each_span(
            body in "[a-zé“”« ]{0,40}",
            raw in proptest::collection::vec((0usize..90, 0usize..90, 0usize..9), 0..8),
            cuts in proptest::collection::vec(0usize..90, 0..5),
        ) {
            let spans: Vec<Span> = raw
                .iter()
                .map(|&(a, b, c)| span(a, b, Category::ALL[c]))
                .collect();
            let segs = segments(&body, 0..body.len(), &spans, &cuts);
            let text: String = segs.iter().map(|s| &body[s.start..s.end]).collect();
            proptest::prop_assert_eq!(&text, &body);
            for w in segs.windows(2) {
                proptest::prop_assert_eq!(w[0].end, w[1].start);
            }
            for (i, sp) in spans.iter().enumerate() {
                let covered: Vec<(usize, usize)> = segs
                    .iter()
                    .filter(|s| s.spans.contains(&i))
                    .map(|s| (s.start, s.end))
                    .collect();
                if span_is_valid(&body, sp) {
                    proptest::prop_assert_eq!(covered.first().map(|c| c.0), Some(sp.start));
                    proptest::prop_assert_eq!(covered.last().map(|c| c.1), Some(sp.end));
                    for w in covered.windows(2) {
                        proptest::prop_assert_eq!(w[0].1, w[1].0);
                    }
                } else {
                    proptest::prop_assert!(covered.is_empty());
                }
            }
        }
    }

    #[test]
    fn emphasised_terms_are_escaped_and_whole_word() {
        let out = emphasise_terms(
            "The <regime> regimes said a Regime.",
            &["regime".into(), "".into()],
        );
        assert_eq!(
            out,
            "The &lt;<strong>regime</strong>&gt; regimes said a <strong>Regime</strong>."
        );
        assert_eq!(
            emphasise_terms("a<b", &["loaded_language".into()]),
            "a&lt;b"
        );
    }

    #[test]
    fn every_category_has_a_title_an_explanation_and_a_look() {
        for c in Category::ALL {
            assert!(!category_title(c).is_empty(), "{c:?}");
            assert!(!category_explanation(c).is_empty(), "{c:?}");
            assert!(!category_look(c).is_empty(), "{c:?}");
            assert!(NESTING.contains(&c));
        }
    }
}
