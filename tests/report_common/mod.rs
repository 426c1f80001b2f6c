//! Shared helpers of the report tests: build a [`Comparison`] from fixture
//! files through the real pipeline stages (ingest, extract, features,
//! compare). Sentence probabilities come from a small stand-in scorer, so
//! the report tests do not depend on a trained model: the report only
//! renders the numbers it is given.
#![allow(dead_code)]

use framelens::compare::{self, CompareOptions, Comparison};
use framelens::ingest::{self, IngestOptions};
use framelens::lexicon::{Category, Lexicons};
use framelens::model::{Scored, TopSentence};
use framelens::{extract, features};
use std::path::{Path, PathBuf};

/// The fixture folder of the report tests.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report")
}

/// Stand-in scorer: a sentence's probability grows with the loaded,
/// booster and hedge spans in it. Deterministic.
pub fn stand_in_score(analysis: features::Analysis) -> Scored {
    let n = analysis.layout.sentences.len();
    let mut hits = vec![0u32; n];
    for sp in &analysis.spans {
        if matches!(
            sp.category,
            Category::LoadedLanguage | Category::Booster | Category::Hedge
        ) && sp.sentence < n
        {
            hits[sp.sentence] += 1;
        }
    }
    let probs: Vec<f64> = hits
        .iter()
        .map(|h| 1.0 - 0.85 * 0.6f64.powi(*h as i32))
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
    let body = &analysis.article.body;
    let top_sentences = order
        .iter()
        .take(3)
        .map(|&i| TopSentence {
            sentence: i,
            prob: probs[i],
            terms: analysis
                .spans
                .iter()
                .filter(|s| s.sentence == i && s.category == Category::LoadedLanguage)
                .map(|s| body[s.start..s.end].to_lowercase())
                .collect(),
        })
        .collect();
    let framing_score = if n == 0 {
        0.0
    } else {
        100.0 * probs.iter().sum::<f64>() / n as f64
    };
    Scored {
        analysis,
        sentence_probs: probs,
        framing_score,
        top_sentences,
        top_terms: vec![],
        frames: vec![
            ("Economic".into(), 0.7),
            ("Political".into(), 0.4),
            ("Public_opinion".into(), 0.2),
        ],
        genre: vec![],
    }
}

/// Run ingest → extract → analyze → stand-in score → compare on `inputs`.
/// Inputs that fail are returned as errors.
pub fn comparison(inputs: &[PathBuf]) -> (Comparison, Vec<framelens::ingest::InputError>) {
    let lex = Lexicons::embedded();
    let mut scored = Vec::new();
    let mut errors = Vec::new();
    for item in ingest::ingest(inputs, &IngestOptions::default()) {
        match item.and_then(extract::extract) {
            Ok(a) => scored.push(stand_in_score(features::analyze(a, lex))),
            Err(e) => errors.push(e),
        }
    }
    (compare::compare(scored, &CompareOptions::default()), errors)
}

/// The five-article fixture story.
pub fn story() -> Comparison {
    let (cmp, errors) = comparison(&[fixtures().join("story")]);
    assert!(errors.is_empty(), "fixture story failed: {errors:?}");
    assert_eq!(cmp.articles.len(), 5);
    cmp
}

/// Every `<tag ...>` of an HTML text: (lower-case name, raw attribute text).
/// Text content is escaped in our output, so `<` only starts tags, except
/// inside `<style>`, whose content is skipped.
pub fn tags(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(p) = rest.find('<') {
        rest = &rest[p + 1..];
        if rest.starts_with("!--") {
            rest = rest.find("-->").map(|e| &rest[e + 3..]).unwrap_or("");
            continue;
        }
        let end = tag_end(rest);
        let inner = &rest[..end];
        rest = &rest[(end + 1).min(rest.len())..];
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name == "style" && !inner.starts_with('/') {
            rest = rest.find("</style>").map(|e| &rest[e..]).unwrap_or("");
        }
        out.push((name, inner.to_string()));
    }
    out
}

/// End of a tag (the `>` not inside a quoted attribute value).
fn tag_end(s: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"') | (None, '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    s.len()
}

/// Attribute names of a tag's raw text (`name="value"` pairs and bare names).
pub fn attr_names(raw: &str) -> Vec<String> {
    let mut names = Vec::new();
    let s = raw.trim_start_matches('/');
    let mut it = s.char_indices().peekable();
    // skip the tag name
    while let Some((_, c)) = it.peek() {
        if c.is_whitespace() {
            break;
        }
        it.next();
    }
    let b = s.as_bytes();
    let mut i = it.peek().map(|(i, _)| *i).unwrap_or(s.len());
    while i < b.len() {
        while i < b.len() && (b[i] as char).is_whitespace() {
            i += 1;
        }
        let start = i;
        while i < b.len() && !(b[i] as char).is_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        if i > start {
            names.push(s[start..i].to_ascii_lowercase());
        }
        if i < b.len() && b[i] == b'=' {
            i += 1;
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            } else {
                while i < b.len() && !(b[i] as char).is_whitespace() {
                    i += 1;
                }
            }
        } else if i == start {
            i += 1;
        }
    }
    names
}

/// Assert that `html` contains no markup an article could have injected:
/// no script/iframe/object/embed/textarea/form/base/link elements, no
/// `<meta http-equiv=refresh>`, no event-handler attributes, no
/// `javascript:` URLs, and no `<img>` whose source is not a `data:` image.
pub fn assert_inert(html: &str, allowed_scripts: usize) {
    let tags = tags(html);
    let scripts = tags.iter().filter(|(n, _)| n == "script").count();
    assert!(
        scripts <= allowed_scripts,
        "{scripts} <script> elements in the page"
    );
    for (name, raw) in &tags {
        let short: String = raw.chars().take(160).collect();
        assert!(
            !matches!(
                name.as_str(),
                "iframe"
                    | "object"
                    | "embed"
                    | "textarea"
                    | "form"
                    | "base"
                    | "link"
                    | "svg"
                    | "frame"
            ),
            "injected <{name}>: <{short}>"
        );
        if name == "meta" {
            assert!(
                !raw.to_ascii_lowercase().contains("refresh"),
                "meta refresh: <{short}>"
            );
        }
        for a in attr_names(raw) {
            assert!(!a.starts_with("on"), "event handler `{a}` in <{short}>");
        }
        // Attribute values as the browser reads them.
        let lower = unescape(raw).to_ascii_lowercase();
        assert!(
            !lower.contains("href=\"javascript:") && !lower.contains("src=\"javascript:"),
            "javascript: URL in <{short}>"
        );
        if name == "img" {
            assert!(
                lower.contains("src=\"data:image/"),
                "image that is not an embedded data: image: <{short}>"
            );
        }
        if name == "a" {
            if let Some(p) = lower.find("href=\"") {
                let href = &lower[p + 6..];
                assert!(
                    href.starts_with('#')
                        || href.starts_with("http://")
                        || href.starts_with("https://"),
                    "link to something other than a page anchor or http(s): <{short}>"
                );
            }
        }
    }
}

/// Decode the entities our escaping produces.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// Text content of an HTML fragment (tags removed, entities decoded).
pub fn text_content(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut quote: Option<char> = None;
    for c in html.chars() {
        if in_tag {
            match (quote, c) {
                (None, '"') | (None, '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => in_tag = false,
                _ => {}
            }
        } else if c == '<' {
            in_tag = true;
        } else {
            out.push(c);
        }
    }
    unescape(&out)
}
