//! Stage 2: extract.
//!
//! Takes: a [`RawDoc`] (plain text or HTML, with user
//! metadata).
//! Gives: an [`Article`]: the cleaned body (paragraphs separated by one blank
//! line), photo captions moved to their own field, junk statistics, and
//! metadata fields that each keep the exact text they were read from. A field
//! the page does not state stays `None`; nothing is guessed silently.
//!
//! # Steps
//! 1. HTML only: metadata from the head and JSON-LD (`html`), then the main
//!    content as text via `dom_smoothie` (formatted text mode), or a simple
//!    non-recursive tag stripper for hostile or unreadable pages.
//! 2. Normalisation into lines (`normalize`): odd spaces and invisible
//!    characters, Markdown syntax, hard-wrapped paragraphs.
//! 3. Boilerplate removal (`clean`): every line classified (prose,
//!    headline, furniture, list marker, other story's headline, caption,
//!    date, byline, credit) and the body taken as the best-scoring runs of
//!    lines. Every prose paragraph inside them is kept, short ones too.
//! 4. Metadata (`meta`, `dates`, `lang`): title, date, outlet, byline and
//!    wire credits from the header above the body (never from other
//!    stories' lists or photo captions); language by `whatlang`.
//!
//! Precedence: user/corpus values ([`Origin::User`]) win over the page
//! (HTML metadata first, then the text), which wins over the URL. Every
//! step is linear in the input size; patterns are compiled once.

mod clean;
mod dates;
mod html;
mod lang;
mod meta;
mod normalize;
mod patterns;
mod phrases;
mod words;

use crate::ingest::{DocFormat, InputError, RawDoc};

/// Where a metadata value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Read from the page text (or HTML metadata).
    Page,
    /// Derived from the URL.
    Url,
    /// Given by the user (`--outlet`) or a corpus column.
    User,
    /// Detected by a statistical method (language identification).
    Detected,
}

/// A metadata value and the evidence it was read from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Field {
    /// Normalised value (dates in ISO 8601, e.g. `2023-04-17` or
    /// `2023-04-17T05:31:00`).
    pub value: String,
    /// The exact text it was read from (a page line, a URL, a column value).
    pub evidence: String,
    pub origin: Origin,
}

impl Field {
    pub fn new(value: impl Into<String>, evidence: impl Into<String>, origin: Origin) -> Self {
        Field {
            value: value.into(),
            evidence: evidence.into(),
            origin,
        }
    }
}

/// What boilerplate removal threw away, for transparency and reliability.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct JunkStats {
    /// Non-empty input lines (or HTML text blocks) seen.
    pub lines_total: usize,
    /// Of those, dropped as boilerplate.
    pub lines_dropped: usize,
    /// Bytes of text dropped.
    pub bytes_dropped: usize,
    /// Headlines of other stories ("Read also", "Related", ranking lists).
    pub other_headlines: usize,
    /// Links or link-like teasers judged spam (ads, deals, unrelated clickbait).
    pub spam_links: Vec<String>,
}

/// A cleaned article.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Article {
    /// Input order, 0-based (from `RawDoc::seq`).
    pub seq: usize,
    /// Stable id: the corpus `id` column, else `a<seq+1>` zero-padded (`a0001`).
    pub id: String,
    /// `RawDoc::source`.
    pub source: String,
    pub url: Option<String>,
    pub title: Option<Field>,
    /// The standfirst (dek): the summary line between headline and byline,
    /// when the page has one. Not part of `body`.
    pub standfirst: Option<Field>,
    pub published: Option<Field>,
    pub outlet: Option<Field>,
    pub byline: Option<Field>,
    /// Wire services credited (`Reuters`, `AP`, `AFP`, ...), each once, in
    /// order of first mention, with the credit line as evidence.
    pub wire_credits: Vec<Field>,
    pub language: Option<Field>,
    /// Story id given by the corpus (`story` column), if any.
    pub story: Option<String>,
    /// The cleaned body. Paragraphs are separated by exactly `"\n\n"`.
    pub body: String,
    /// Photo captions and credits removed from the body.
    pub captions: Vec<String>,
    pub junk: JunkStats,
    /// Notes about decoding or extraction the user should see.
    pub notes: Vec<String>,
}

/// An HTML body shorter than this (in words) is double-checked against the
/// whole page's cleaned text.
const SHORT_HTML_BODY_WORDS: usize = 250;

/// Clean one document. Errors (e.g. nothing article-like left) name the source.
pub fn extract(raw: RawDoc) -> Result<Article, InputError> {
    let RawDoc {
        seq,
        source,
        format,
        content,
        meta: user,
        encoding_note,
    } = raw;
    let mut notes: Vec<String> = encoding_note.into_iter().collect();

    let (cleaned, hmeta) = match format {
        DocFormat::Text => (clean::clean(normalize::to_lines(&content), &[]), None),
        DocFormat::Html => {
            let hmeta = html::scan_meta(&content);
            let figs: Vec<String> = hmeta
                .figcaptions
                .iter()
                .map(|f| normalize::normalize_chars(f).trim().to_string())
                .collect();
            let (text, method, note) = html::main_text(&content);
            notes.extend(note);
            let mut cleaned = clean::clean(normalize::to_lines(&text), &figs);
            let words =
                |c: &clean::Cleaned| c.body.iter().map(|&i| c.stats[i].words).sum::<usize>();
            if method == html::Method::Readability && words(&cleaned) < SHORT_HTML_BODY_WORDS {
                // Readability sometimes picks too small a container: when its
                // text is short, compare with the whole page's text, cleaned
                // the same way.
                let whole = clean::clean(normalize::to_lines(&html::strip_tags(&content)), &figs);
                if words(&whole) > 2 * words(&cleaned) + 50 {
                    notes.push(
                        "main-content extractor kept too little text; used the whole page, cleaned"
                            .into(),
                    );
                    cleaned = whole;
                }
            }
            (cleaned, Some(hmeta))
        }
    };

    // Each paragraph with its line (whose word statistics the language
    // detection sums instead of counting the words again).
    let (mut paragraphs, mut para_lines) = body_paragraphs(&cleaned);

    // Title.
    let page_title = meta::title(&cleaned);
    let html_title = hmeta.as_ref().and_then(|m| m.title.clone());
    let html_site = hmeta.as_ref().and_then(|m| m.site_name.clone());
    let mut title_suffix_outlet: Option<Field> = None;
    let title = if let Some(t) = user.title.as_deref() {
        Some(Field::new(t, t, Origin::User))
    } else if let Some(t) = &html_title {
        let (value, suffix) =
            split_title_site(&t.value, html_site.as_ref().map(|s| s.value.as_str()));
        if let Some(sfx) = suffix {
            title_suffix_outlet = Some(Field::new(sfx, t.evidence.clone(), Origin::Page));
        }
        Some(Field::new(value, t.evidence.clone(), Origin::Page))
    } else {
        page_title.as_ref().map(|(_, f)| f.clone())
    };
    if let Some(t) = &title {
        if paragraphs
            .first()
            .is_some_and(|p| p.eq_ignore_ascii_case(&t.value))
        {
            paragraphs.remove(0);
            para_lines.remove(0);
        }
    }

    let standfirst = cleaned.standfirst.map(|i| {
        let t = cleaned.text(i).trim();
        Field::new(t, t, Origin::Page)
    });

    // Publication date.
    let published = if let Some(p) = user.published.as_deref() {
        match dates::normalize(p) {
            Some(v) => Some(Field::new(v, p, Origin::User)),
            None => {
                notes.push(format!(
                    "published value '{p}' is not a recognised date; kept as given"
                ));
                Some(Field::new(p, p, Origin::User))
            }
        }
    } else {
        hmeta
            .as_ref()
            .and_then(|m| m.published.as_ref())
            .and_then(|t| {
                dates::normalize(&t.value).map(|v| Field::new(v, t.evidence.clone(), Origin::Page))
            })
            .or_else(|| meta::published(&cleaned))
    };

    // URL.
    let url = user
        .url
        .clone()
        .or_else(|| hmeta.as_ref().and_then(|m| m.url.clone()))
        .or_else(|| meta::url(&cleaned));

    // Outlet.
    let outlet = if let Some(o) = user.outlet.as_deref() {
        Some(Field::new(o, o, Origin::User))
    } else {
        html_site
            .as_ref()
            .map(|s| Field::new(s.value.clone(), s.evidence.clone(), Origin::Page))
            .or_else(|| meta::outlet(&cleaned, page_title.as_ref()))
            .or(title_suffix_outlet)
            .or_else(|| {
                url.as_deref()
                    .and_then(|u| meta::host(u).map(|h| Field::new(h, u, Origin::Url)))
            })
    };

    // Byline.
    let byline = if let Some(b) = user.byline.as_deref() {
        Some(Field::new(b, b, Origin::User))
    } else {
        hmeta
            .as_ref()
            .and_then(|m| m.author.as_ref())
            .map(|a| Field::new(a.value.clone(), a.evidence.clone(), Origin::Page))
            .or_else(|| meta::byline(&cleaned))
    };

    let (wire_credits, wire_notes) = meta::wire_credits(&cleaned);
    notes.extend(wire_notes);

    let body = paragraphs.join("\n\n");
    if body.is_empty() {
        return Err(InputError {
            seq,
            source,
            reason: format!(
                "no article text found ({} non-empty lines, all classified as boilerplate or metadata)",
                cleaned.lines.len()
            ),
        });
    }

    // Language.
    let language = if let Some(l) = user.language.as_deref() {
        Some(Field::new(l, l, Origin::User))
    } else {
        let st = sample_word_counts(&paragraphs, &para_lines, &cleaned, lang::sample_end(&body));
        lang::detect_counted(&body, &st)
            .map(|(code, ev)| Field::new(code, ev, Origin::Detected))
            .or_else(|| {
                hmeta.as_ref().and_then(|m| m.lang.as_ref()).map(|l| {
                    let code = l
                        .value
                        .split(['-', '_'])
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    Field::new(code, l.evidence.clone(), Origin::Page)
                })
            })
    };

    // Captions and junk statistics.
    // Alt text repeated as the start of the full caption is kept once.
    let all_captions: Vec<&str> = cleaned
        .captions
        .iter()
        .map(|&i| cleaned.text(i).trim())
        .collect();
    let mut captions: Vec<String> = Vec::new();
    let mut seen_captions: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (k, &t) in all_captions.iter().enumerate() {
        // Alt text sits right next to its caption: compare neighbours only.
        let stem = t.trim_end_matches('.');
        let prefix_of_neighbour = [k.wrapping_sub(1), k + 1]
            .iter()
            .filter_map(|&j| all_captions.get(j))
            .any(|o| o.len() > t.len() && o.starts_with(stem));
        if !prefix_of_neighbour && seen_captions.insert(t) {
            captions.push(t.to_string());
        }
    }
    // HTML <figcaption>s are captions even when the main-content
    // extractor dropped their figure.
    if let Some(m) = &hmeta {
        for f in &m.figcaptions {
            let f = normalize::normalize_chars(f).trim().to_string();
            if !f.is_empty() && f.len() <= 2000 && !captions.contains(&f) {
                captions.push(f);
            }
        }
    }
    let mut is_caption = vec![false; cleaned.lines.len()];
    for &i in &cleaned.captions {
        is_caption[i] = true;
    }
    let mut junk = JunkStats {
        lines_total: cleaned.lines.len(),
        other_headlines: cleaned.other_headlines,
        spam_links: cleaned.spam.clone(),
        ..JunkStats::default()
    };
    for (i, l) in cleaned.lines.iter().enumerate() {
        if !cleaned.in_body[i] && !is_caption[i] {
            junk.lines_dropped += 1;
            junk.bytes_dropped += l.text_len();
        }
    }
    if cleaned.spam_total > cleaned.spam.len() {
        notes.push(format!(
            "{} spam teasers found; the first {} are listed",
            cleaned.spam_total,
            cleaned.spam.len()
        ));
    }
    if cleaned.dropped_prose > 0 {
        notes.push(format!(
            "{} prose-like line(s) outside the main text were dropped",
            cleaned.dropped_prose
        ));
    }

    Ok(Article {
        seq,
        id: user
            .id
            .clone()
            .unwrap_or_else(|| format!("a{:04}", seq + 1)),
        source,
        url,
        title,
        standfirst,
        published,
        outlet,
        byline,
        wire_credits,
        language,
        story: user.story,
        body,
        captions,
        junk,
        notes,
    })
}

/// The word and function-word counts of `body[..end]`, where `body` is
/// `paragraphs` joined by `"\n\n"` and paragraph `k` is the trimmed text
/// of line `lines[k]` (bullet stripped): whole paragraphs add the counts
/// cleaning made for their line (white space around them changes no
/// token), only a paragraph cut by `end` is counted again.
fn sample_word_counts(
    paragraphs: &[&str],
    lines: &[usize],
    cleaned: &clean::Cleaned,
    end: usize,
) -> words::LineStats {
    let mut st = words::LineStats::default();
    let mut at = 0;
    for (p, &i) in paragraphs.iter().zip(lines) {
        if at >= end {
            break;
        }
        let part = if at + p.len() <= end {
            cleaned.stats[i]
        } else {
            words::word_stats(&p[..end - at])
        };
        st.words += part.words;
        st.function += part.function;
        at += p.len() + 2;
    }
    st
}

/// Split "Headline - Site" when the suffix is the site name (or, with no
/// site name known, a short name after a long headline).
fn split_title_site(title: &str, site: Option<&str>) -> (String, Option<String>) {
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · "] {
        if let Some(p) = title.rfind(sep) {
            let (head, tail) = (title[..p].trim(), title[p + sep.len()..].trim());
            let tail_words = tail.split_whitespace().count();
            let head_words = head.split_whitespace().count();
            let matches_site = site.is_some_and(|s| s.eq_ignore_ascii_case(tail));
            if matches_site || (site.is_none() && (1..=4).contains(&tail_words) && head_words >= 4)
            {
                return (head.to_string(), Some(tail.to_string()));
            }
        }
    }
    (title.to_string(), None)
}

/// The body's non-empty paragraphs (trimmed), each with the index of its
/// line in `cleaned` (whose word statistics language detection sums).
/// Borrowed from the lines: the body is joined from them once.
fn body_paragraphs(cleaned: &clean::Cleaned) -> (Vec<&str>, Vec<usize>) {
    cleaned
        .body
        .iter()
        .map(|&i| (cleaned.text(i).trim(), i))
        .filter(|(p, _)| !p.is_empty())
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample's word counts summed from the lines' statistics equal
    /// counting the sample's words again, wherever the sample ends (synthetic
    /// articles, the seed-like texts of the clean tests, bullets, non-ASCII).
    #[test]
    fn sample_word_counts_equal_counting_again() {
        let so = crate::synth::SynthOptions {
            articles: 40,
            seed: 7,
        };
        let mut texts: Vec<String> = crate::synth::raw_docs(&so)
            .into_iter()
            .map(|d| d.content)
            .collect();
        texts.push(
            "- The talks in Zürich went on, officials said.\n\n• Le président a dit « non ».\n\n\
             *   Bullet with spaces, and the rest of it; some more words here.\n\n"
                .repeat(30),
        );
        for text in texts {
            let cleaned = clean::clean(normalize::to_lines(&text), &[]);
            let (paragraphs, lines) = body_paragraphs(&cleaned);
            for skip in 0..paragraphs.len().min(2) {
                let body = paragraphs[skip..].join("\n\n");
                for end in (0..=body.len()).filter(|&e| body.is_char_boundary(e)) {
                    let want = words::word_stats(&body[..end]);
                    let got =
                        sample_word_counts(&paragraphs[skip..], &lines[skip..], &cleaned, end);
                    assert_eq!(
                        (got.words, got.function),
                        (want.words, want.function),
                        "{end} of {body:?}"
                    );
                }
            }
        }
    }
}
