//! HTML pages: metadata from the head, main content as text.
//!
//! Takes: an HTML document as a string.
//! Gives: [`HtmlMeta`] (title, site name, publication date, author, URL,
//! language and `<figcaption>` texts, each with the tag it was read from)
//! and the main content as plain text with one paragraph per line block,
//! ready for the same line cleaning as scraped text.
//!
//! Main content comes from `dom_smoothie` (a port of Mozilla's
//! Readability) in its formatted text mode. Hostile input is handled
//! first: the nesting depth is measured with a linear scan, and a page
//! nested deeper than [`MAX_DEPTH`] (or one `dom_smoothie` rejects or
//! panics on) is turned into text by a simple, non-recursive tag stripper
//! instead. Both paths drop `<script>`, `<style>`, `<noscript>`,
//! `<template>`, `<svg>` and comments, so code never reaches the body.
//!
//! Two more guards keep the DOM path's time linear. `dom_smoothie`
//! serializes the article with html5ever, whose escaper searches from every
//! `&` (or 0xC2 byte: no-break space, `«`, `£`, `©`, …) to the next `<`/`>`
//! of the same text node, so one long text node full of them takes
//! quadratic time. After parsing, [`escape_scan_cost`] adds up exactly that
//! search length over the parsed tree (linear) and a page above
//! [`MAX_ESCAPE_SCAN`] goes to the tag stripper. Before parsing, a page with
//! more than [`MAX_ESCAPE_AMPERSANDS`] `&` goes there at once: html5ever's parser
//! spends microseconds on each character reference, so such pages would be
//! slow to parse even without the serializer.

use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Pages nested deeper than this skip the DOM-based extractor.
pub(crate) const MAX_DEPTH: usize = 400;
/// Pages with more elements than this skip the DOM-based extractor.
const MAX_ELEMENTS: usize = 200_000;
/// Metadata is looked for in the first bytes of the page only.
const META_SCAN_BYTES: usize = 1 << 20;
/// Pages with more `&` than this skip the DOM-based extractor (parsing
/// character references costs html5ever 1.4–8 µs each; real pages
/// measured have at most tens of thousands in 14 MB).
pub(crate) const MAX_ESCAPE_AMPERSANDS: usize = 250_000;
/// Pages whose serialization would scan more bytes than this in the escaper
/// skip the DOM-based extractor (about 0.1 s of scanning at the measured
/// 37 GB/s; real pages measured stay below 200,000).
pub(crate) const MAX_ESCAPE_SCAN: u64 = 4_000_000_000;

/// A metadata value from HTML and the tag text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tagged {
    pub value: String,
    pub evidence: String,
}

/// Metadata read from the HTML head (and JSON-LD).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HtmlMeta {
    pub title: Option<Tagged>,
    pub site_name: Option<Tagged>,
    pub published: Option<Tagged>,
    pub author: Option<Tagged>,
    pub url: Option<String>,
    pub lang: Option<Tagged>,
    pub figcaptions: Vec<String>,
}

use super::patterns::re;

static META_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"(?is)<meta\b[^>]*>"));
static LINK_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"(?is)<link\b[^>]*>"));
static ATTR: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?is)([a-z_:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#));
static TITLE_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"(?is)<title\b[^>]*>(.*?)</title\s*>"));
static H1_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"(?is)<h1\b[^>]*>(.*?)</h1\s*>"));
static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"(?is)<html\b[^>]*>"));
static FIGCAPTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?is)<figcaption\b[^>]*>(.*?)</figcaption\s*>"));
static LD_DATE: LazyLock<Regex> = LazyLock::new(|| re(r#""datePublished"\s*:\s*"([^"]+)""#));
static LD_PUBLISHER: LazyLock<Regex> =
    LazyLock::new(|| re(r#""publisher"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"]+)""#));
static LD_AUTHOR: LazyLock<Regex> =
    LazyLock::new(|| re(r#""author"\s*:\s*(?:\[\s*)?\{[^{}]*?"name"\s*:\s*"([^"]+)""#));

fn attrs(tag: &str) -> Vec<(String, String)> {
    ATTR.captures_iter(tag)
        .map(|c| {
            let v = c
                .get(2)
                .or(c.get(3))
                .or(c.get(4))
                .map_or("", |m| m.as_str());
            (
                c[1].to_ascii_lowercase(),
                decode_entities(v).trim().to_string(),
            )
        })
        .collect()
}

fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Read the metadata of an HTML page.
pub(crate) fn scan_meta(html: &str) -> HtmlMeta {
    let head = clip(html, META_SCAN_BYTES);
    let mut m = HtmlMeta::default();
    let mut metas: Vec<(String, String, String)> = Vec::new(); // key, content, tag
    for t in META_TAG.find_iter(head) {
        let a = attrs(t.as_str());
        let get = |k: &str| a.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let key = get("property")
            .or_else(|| get("name"))
            .or_else(|| get("itemprop"));
        if let (Some(key), Some(content)) = (key, get("content")) {
            if !content.is_empty() {
                metas.push((key.to_ascii_lowercase(), content, t.as_str().to_string()));
            }
        }
    }
    let find = |keys: &[&str]| -> Option<Tagged> {
        keys.iter().find_map(|k| {
            metas
                .iter()
                .find(|(key, _, _)| key == k)
                .map(|(_, v, tag)| Tagged {
                    value: v.clone(),
                    evidence: tag.clone(),
                })
        })
    };
    let tagged = |value: String, evidence: &str| Tagged {
        value,
        evidence: evidence.to_string(),
    };
    m.title = find(&["og:title", "twitter:title"])
        .or_else(|| {
            TITLE_TAG.captures(head).and_then(|c| {
                let v = collapse(&decode_entities(&strip_tags(&c[1])));
                (!v.is_empty()).then(|| tagged(v, c.get(0).map_or("", |x| x.as_str())))
            })
        })
        .or_else(|| {
            H1_TAG.captures(html).and_then(|c| {
                let v = collapse(&strip_tags(&c[1]));
                (!v.is_empty()).then(|| tagged(v, clip(c.get(0).map_or("", |x| x.as_str()), 300)))
            })
        });
    m.site_name = find(&["og:site_name", "application-name"]).or_else(|| {
        LD_PUBLISHER
            .captures(head)
            .map(|c| tagged(decode_entities(&c[1]).into_owned(), &c[0]))
    });
    m.published = find(&[
        "article:published_time",
        "og:article:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "date",
        "dc.date",
        "dc.date.issued",
        "sailthru.date",
        "parsely-pub-date",
    ])
    .or_else(|| {
        LD_DATE
            .captures(head)
            .map(|c| tagged(c[1].to_string(), &c[0]))
    });
    m.author = find(&[
        "author",
        "byl",
        "dc.creator",
        "parsely-author",
        "sailthru.author",
        "article:author",
    ])
    .filter(|t| !t.value.starts_with("http"))
    .or_else(|| {
        LD_AUTHOR
            .captures(head)
            .map(|c| tagged(decode_entities(&c[1]).into_owned(), &c[0]))
    });
    m.url = find(&["og:url"]).map(|t| t.value).or_else(|| {
        LINK_TAG.find_iter(head).find_map(|t| {
            let a = attrs(t.as_str());
            let rel = a
                .iter()
                .find(|(n, _)| n == "rel")
                .map(|(_, v)| v.to_ascii_lowercase());
            let href = a.iter().find(|(n, _)| n == "href").map(|(_, v)| v.clone());
            (rel.as_deref() == Some("canonical"))
                .then_some(href)
                .flatten()
        })
    });
    m.url = m
        .url
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    m.lang = HTML_TAG.find(head).and_then(|t| {
        attrs(t.as_str())
            .into_iter()
            .find(|(n, _)| n == "lang")
            .filter(|(_, v)| !v.is_empty())
            .map(|(_, v)| tagged(v, t.as_str()))
    });
    m.figcaptions = FIGCAPTION
        .captures_iter(html)
        .map(|c| collapse(&decode_entities(&strip_tags(&c[1]))))
        .filter(|s| !s.is_empty())
        .take(500)
        .collect();
    m
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Elements whose end tag may be omitted (not counted for depth).
const OPTIONAL_END: &[&str] = &[
    "body", "colgroup", "dd", "dt", "head", "html", "li", "optgroup", "option", "p", "rp", "rt",
    "tbody", "td", "tfoot", "th", "thead", "tr",
];
/// Void elements (never have content).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements whose content is never text of the page.
const SKIP: &[&str] = &[
    "head", "iframe", "noscript", "object", "script", "style", "svg", "template", "title",
];
/// Elements that break text into blocks.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// One tag found by [`Tags`].
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    self_closing: bool,
    /// Byte offset just after the tag.
    end: usize,
}

/// Parse the tag starting at `s[i] == '<'`. `None` if it is not a tag (a
/// literal `<`), in which case the caller moves on one byte.
fn parse_tag(s: &str, i: usize) -> Option<Tag<'_>> {
    let b = s.as_bytes();
    let mut j = i + 1;
    let closing = b.get(j) == Some(&b'/');
    if closing {
        j += 1;
    }
    let start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':') {
        j += 1;
    }
    if j == start || !b[start].is_ascii_alphabetic() {
        return None;
    }
    let name = &s[start..j];
    // Find the end of the tag, respecting quoted attribute values.
    let mut quote: Option<u8> = None;
    let mut k = j;
    while k < b.len() {
        match (quote, b[k]) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"') | (None, b'\'') => quote = Some(b[k]),
            (None, b'>') => break,
            _ => {}
        }
        k += 1;
    }
    let end = (k + 1).min(b.len());
    let self_closing = k > 0 && b.get(k - 1) == Some(&b'/');
    Some(Tag {
        name,
        closing,
        self_closing,
        end,
    })
}

fn find_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (from..=h.len() - n.len()).find(|&p| h[p..p + n.len()].eq_ignore_ascii_case(n))
}

/// Byte offset after a comment / doctype / processing instruction at `i`.
fn skip_special(s: &str, i: usize) -> Option<usize> {
    let rest = &s[i..];
    if rest.starts_with("<!--") {
        return Some(s[i + 4..].find("-->").map_or(s.len(), |p| i + 4 + p + 3));
    }
    if rest.starts_with("<!") || rest.starts_with("<?") {
        return Some(s[i..].find('>').map_or(s.len(), |p| i + p + 1));
    }
    None
}

/// Maximum element nesting depth, counting only elements that must be
/// closed; stops counting once `limit` is passed. Linear, no recursion.
pub(crate) fn nesting_depth(html: &str, limit: usize) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut i = 0;
    while let Some(p) = html[i..].find('<') {
        i += p;
        if let Some(next) = skip_special(html, i) {
            i = next;
            continue;
        }
        let Some(tag) = parse_tag(html, i) else {
            i += 1;
            continue;
        };
        let lname = tag.name.to_ascii_lowercase();
        i = tag.end;
        if tag.closing {
            if !OPTIONAL_END.contains(&lname.as_str()) && !VOID.contains(&lname.as_str()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if SKIP.contains(&lname.as_str()) && !tag.self_closing {
            i = match find_ci(html, i, &format!("</{lname}")) {
                Some(p) => html[p..].find('>').map_or(html.len(), |q| p + q + 1),
                None => html.len(),
            };
            continue;
        }
        if tag.self_closing
            || VOID.contains(&lname.as_str())
            || OPTIONAL_END.contains(&lname.as_str())
        {
            continue;
        }
        depth += 1;
        max = max.max(depth);
        if max > limit {
            return max;
        }
    }
    max
}

/// Turn HTML into text without building a tree: block elements become
/// paragraph breaks, `<br>` a line break, skipped elements vanish, entities
/// are decoded. Linear and non-recursive, so any nesting depth is safe.
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut i = 0;
    while i < html.len() {
        let Some(p) = html[i..].find('<') else {
            out.push_str(&decode_entities(&html[i..]));
            break;
        };
        out.push_str(&decode_entities(&html[i..i + p]));
        i += p;
        if let Some(next) = skip_special(html, i) {
            i = next;
            continue;
        }
        let Some(tag) = parse_tag(html, i) else {
            out.push('<');
            i += 1;
            continue;
        };
        let lname = tag.name.to_ascii_lowercase();
        i = tag.end;
        if !tag.closing && !tag.self_closing && SKIP.contains(&lname.as_str()) {
            i = match find_ci(html, i, &format!("</{lname}")) {
                Some(p) => html[p..].find('>').map_or(html.len(), |q| p + q + 1),
                None => html.len(),
            };
            continue;
        }
        if lname == "br" {
            out.push('\n');
        } else if BLOCK.contains(&lname.as_str()) {
            out.push_str("\n\n");
        } else if matches!(lname.as_str(), "td" | "th" | "img") {
            out.push(' ');
        }
    }
    out
}

/// Decode HTML character references (numeric and the common named ones).
pub(crate) fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let semi = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';');
        let decoded = semi.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(num) = name.strip_prefix('#') {
                let v = if let Some(h) = num.strip_prefix(['x', 'X']) {
                    u32::from_str_radix(h, 16).ok()
                } else {
                    num.parse().ok()
                };
                v.and_then(char::from_u32).filter(|&c| c != '\0')
            } else {
                named_entity(name)
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "hellip" => '…',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "agrave" => 'à',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "ccedil" => 'ç',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        "shy" => '\u{AD}',
        "zwj" => '\u{200D}',
        "zwnj" => '\u{200C}',
        "thinsp" => '\u{2009}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        _ => return None,
    })
}

/// Remove every `<name ...>...</name>` element (case-insensitive), in
/// linear time. An element that is never closed runs to the end.
pub(crate) fn remove_elements<'a>(html: &'a str, name: &str) -> Cow<'a, str> {
    let open = format!("<{name}");
    let close = format!("</{name}");
    let Some(first) = find_ci(html, 0, &open) else {
        return Cow::Borrowed(html);
    };
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    let mut next = Some(first);
    while let Some(start) = next {
        // Only a real tag start: `<noscript>` / `<noscript ...`, not `<noscripts`.
        let after = html.as_bytes().get(start + open.len()).copied();
        if !matches!(
            after,
            Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/') | None
        ) {
            next = find_ci(html, start + 1, &open);
            continue;
        }
        out.push_str(&html[pos..start]);
        pos = match find_ci(html, start, &close) {
            Some(c) => html[c..].find('>').map_or(html.len(), |q| c + q + 1),
            None => html.len(),
        };
        next = if pos < html.len() {
            find_ci(html, pos, &open)
        } else {
            None
        };
    }
    out.push_str(&html[pos..]);
    Cow::Owned(out)
}

/// How the main text was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Readability,
    Stripper,
}

/// Bytes html5ever's escaper (`write_escaped`) scans in `text`: every `&`
/// or 0xC2 byte starts a search that runs to the next `<` or `>` (and `"`
/// in an attribute value) or the end, so this is quadratic in the worst
/// case; computed here in one linear pass.
fn escaper_scan(text: &[u8], attr: bool) -> u64 {
    let (mut pending, mut pos_sum, mut cost) = (0u64, 0u64, 0u64);
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'&' | 0xC2 => {
                pending += 1;
                pos_sum += i as u64;
            }
            b'<' | b'>' => {
                cost = cost.saturating_add(pending * i as u64 - pos_sum);
                (pending, pos_sum) = (0, 0);
            }
            b'"' if attr => {
                cost = cost.saturating_add(pending * i as u64 - pos_sum);
                (pending, pos_sum) = (0, 0);
            }
            _ => {}
        }
    }
    cost.saturating_add(pending * text.len() as u64 - pos_sum)
}

/// Bytes html5ever's escaper would scan to serialize the parsed page: the
/// sum of [`escaper_scan`] over its text nodes and attribute values.
/// Text inside `<script>`, `<style>` and `<noscript>` is left out:
/// `dom_smoothie` removes those elements before it serializes. It never
/// merges text nodes, so this bounds what its serialization costs.
/// Linear in the size of the tree.
pub(crate) fn escape_scan_cost(r: &dom_smoothie::Readability) -> u64 {
    let mut cost = 0u64;
    for node in r.doc.root().descendants_it() {
        if node.is_text() {
            let in_code = node.parent().and_then(|p| p.node_name()).is_some_and(|n| {
                n.eq_ignore_ascii_case("script")
                    || n.eq_ignore_ascii_case("style")
                    || n.eq_ignore_ascii_case("noscript")
            });
            if !in_code {
                cost = cost.saturating_add(escaper_scan(node.text().as_bytes(), false));
            }
        } else if node.is_element() {
            for a in node.attrs() {
                cost = cost.saturating_add(escaper_scan(a.value.as_bytes(), true));
            }
        }
    }
    cost
}

/// What the DOM-based extractor made of a page.
enum Dom {
    Text(String),
    /// Serializing it would take too long; the escaper's scan estimate.
    TooCostly(u64),
}

/// Main content of the page as text, and how it was obtained, plus a note
/// when the fallback was used.
pub(crate) fn main_text(html: &str) -> (String, Method, Option<String>) {
    let stripped = |html: &str, why: String| (strip_tags(html), Method::Stripper, Some(why));
    let depth = nesting_depth(html, MAX_DEPTH);
    if depth > MAX_DEPTH {
        return stripped(
            html,
            format!(
                "HTML nested more than {MAX_DEPTH} levels deep; text taken with the simple tag stripper"
            ),
        );
    }
    // `<noscript>` content is shown by parsers that run without scripting
    // (as `dom_smoothie`'s does); on a scraped page it is never article
    // text, so it goes before parsing.
    let cleaned = remove_elements(html, "noscript");
    let html: &str = &cleaned;
    let ampersands = html.matches('&').count();
    if ampersands > MAX_ESCAPE_AMPERSANDS {
        return stripped(
            html,
            format!(
                "HTML has {ampersands} `&` (more than {MAX_ESCAPE_AMPERSANDS}), too slow for the main-content extractor; text taken with the simple tag stripper"
            ),
        );
    }
    let run = || -> Result<Dom, String> {
        let cfg = dom_smoothie::Config {
            text_mode: dom_smoothie::TextMode::Formatted,
            max_elements_to_parse: MAX_ELEMENTS,
            ..Default::default()
        };
        let mut r =
            dom_smoothie::Readability::new(html, None, Some(cfg)).map_err(|e| e.to_string())?;
        let cost = escape_scan_cost(&r);
        if cost > MAX_ESCAPE_SCAN {
            return Ok(Dom::TooCostly(cost));
        }
        let a = r.parse().map_err(|e| e.to_string())?;
        Ok(Dom::Text(a.text_content.to_string()))
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Ok(Dom::Text(text))) if !text.trim().is_empty() => (text, Method::Readability, None),
        Ok(Ok(Dom::Text(_))) => stripped(
            html,
            "main-content extractor found no text; used the simple tag stripper".into(),
        ),
        Ok(Ok(Dom::TooCostly(cost))) => stripped(
            html,
            format!(
                "HTML has long text runs full of `&` or no-break spaces, too slow for the main-content extractor (escape scan {cost} bytes, limit {MAX_ESCAPE_SCAN}); text taken with the simple tag stripper"
            ),
        ),
        Ok(Err(e)) => stripped(
            html,
            format!("main-content extractor failed ({e}); used the simple tag stripper"),
        ),
        Err(_) => stripped(
            html,
            "main-content extractor crashed; used the simple tag stripper".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_is_read() {
        let html = r#"<html lang="en"><head><title>Talks end - Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2023-04-17T05:31:00+08:00">
<meta name="author" content="Jane Roe">
<link rel="canonical" href="https://www.example.com/a/1">
</head><body><figure><img src=x><figcaption>A caption &amp; credit</figcaption></figure></body></html>"#;
        let m = scan_meta(html);
        assert_eq!(m.title.unwrap().value, "Talks end - Example News");
        assert_eq!(m.site_name.unwrap().value, "Example News");
        assert_eq!(m.published.unwrap().value, "2023-04-17T05:31:00+08:00");
        assert_eq!(m.author.unwrap().value, "Jane Roe");
        assert_eq!(m.url.as_deref(), Some("https://www.example.com/a/1"));
        assert_eq!(m.lang.unwrap().value, "en");
        assert_eq!(m.figcaptions, vec!["A caption & credit".to_string()]);
    }

    #[test]
    fn stripper_drops_code_and_keeps_blocks() {
        let html = "<p>One <b>bold</b> line</p><script>alert('x')</script><style>p{}</style><!-- c --><div>Two &amp; three</div><noscript>no</noscript>";
        let t = strip_tags(html);
        assert!(t.contains("One bold line"));
        assert!(t.contains("Two & three"));
        assert!(
            !t.contains("alert") && !t.contains("p{}") && !t.contains("no\n") && !t.contains(" c ")
        );
    }

    #[test]
    fn deep_nesting_is_measured_without_recursion() {
        let html = format!("{}x{}", "<div>".repeat(20_000), "</div>".repeat(20_000));
        assert!(nesting_depth(&html, MAX_DEPTH) > MAX_DEPTH);
        let (text, method, note) = main_text(&html);
        assert_eq!(method, Method::Stripper);
        assert!(note.is_some());
        assert_eq!(text.trim(), "x");
        assert_eq!(nesting_depth("<p>a<p>b<br><img src=x></p>", 10), 0);
    }

    #[test]
    fn noscript_is_removed() {
        assert_eq!(
            remove_elements("a<NOSCRIPT x>b</noscript>c<noscripts>d", "noscript"),
            "ac<noscripts>d"
        );
        assert_eq!(remove_elements("a<noscript>b", "noscript"), "a");
        assert_eq!(remove_elements("plain", "noscript"), "plain");
    }

    #[test]
    fn escaper_scan_matches_html5evers_search() {
        // Each `&`/0xC2 searches to the next `<`/`>` (or `"` in attributes).
        assert_eq!(escaper_scan(b"abc", false), 0);
        assert_eq!(escaper_scan(b"a&b", false), 2);
        assert_eq!(escaper_scan(b"&&<&", false), 2 + 1 + 1);
        assert_eq!(escaper_scan("x\u{a0}y".as_bytes(), false), 3);
        assert_eq!(escaper_scan(b"&\"&", false), 3 + 1);
        assert_eq!(escaper_scan(b"&\"&", true), 1 + 1);
        let n = 1000u64;
        let flood = "&".repeat(n as usize);
        assert_eq!(escaper_scan(flood.as_bytes(), false), n * (n + 1) / 2);
    }

    fn stripper_note(html: &str) -> String {
        let (_, method, note) = main_text(html);
        assert_eq!(method, Method::Stripper);
        note.expect("fallback has a note")
    }

    #[test]
    fn issue7_long_escape_runs_take_the_stripper() {
        // No-break spaces (0xC2 0xA0) in one 360 KB text node.
        let nbsp = format!("<p>{}</p>", "word\u{a0}".repeat(60_000));
        assert!(stripper_note(&nbsp).contains("escape scan"));
        let (text, _, _) = main_text(&nbsp);
        assert_eq!(text.matches("word").count(), 60_000);
        // Stray end tags are dropped by the parser, so these pieces end up
        // in one text node: measured on the parsed tree, not the source.
        let merged = format!(
            "<p>{}</p>",
            ["&amp;".repeat(1000).as_str(); 200].join("</x>")
        );
        assert!(stripper_note(&merged).contains("escape scan"));
        // Too many `&` to parse quickly: refused before parsing.
        let amps = format!("<p>{}</p>", "&".repeat(MAX_ESCAPE_AMPERSANDS + 1));
        assert!(stripper_note(&amps).contains("`&`"));
    }

    #[test]
    fn issue7_ordinary_escapes_keep_the_dom_path() {
        // Many paragraphs with a few entities each, and a large inline
        // script full of `&&` (removed before serializing): all cheap.
        let para = "<p>Tom &amp; Jerry&nbsp;ran &laquo;far&raquo; for \u{a3}5 &copy; 2024, said the board.</p>\n";
        let script = format!("<script>{}</script>", "a&&b;".repeat(40_000));
        let html = format!(
            "<html><head>{script}</head><body><article>{}</article></body></html>",
            para.repeat(3000)
        );
        let cleaned = remove_elements(&html, "noscript");
        let r = dom_smoothie::Readability::new(cleaned.as_ref(), None, None).unwrap();
        assert!(escape_scan_cost(&r) < MAX_ESCAPE_SCAN / 100);
        let (text, method, note) = main_text(&html);
        assert_eq!(method, Method::Readability, "{note:?}");
        assert!(text.contains("Tom & Jerry"));
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a &amp; b &#8220;c&#x201D; &bogus; &"),
            "a & b “c” &bogus; &"
        );
    }
}
