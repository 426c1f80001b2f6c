//! A small HTML tokenizer and the checks that hostile article text did not
//! become markup in a generated report.
//!
//! The tokenizer follows the HTML5 rules that matter for injection: tags
//! and their attributes (quoted, single-quoted, unquoted values), comments,
//! raw-text elements (`script`, `style`) and escapable raw text (`textarea`,
//! `title`), whose content runs to the matching end tag. Hostile payloads
//! carry markers (`alert(70NN)`); a marker may appear in the report only as
//! text or inside an inert attribute value, never as script, event handler,
//! style or URL.

/// One tag.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    /// Attribute names (lower case) and values (character references decoded).
    pub attrs: Vec<(String, String)>,
    pub end: bool,
}

/// One token of the document.
#[derive(Debug, Clone)]
pub enum Tok {
    Tag(Tag),
    /// Text between tags (references not decoded).
    Text(String),
    /// The content of a `script`, `style`, `textarea` or `title` element.
    Raw {
        element: String,
        text: String,
    },
    Comment(String),
}

/// Decode the character references that matter for URL checks.
pub fn decode_refs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1)
            .unwrap_or(rest.len());
        let name = &rest[1..end];
        let semi = rest[end..].starts_with(';');
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let v = if let Some(h) = num.strip_prefix(['x', 'X']) {
                u32::from_str_radix(h, 16).ok()
            } else {
                num.parse().ok()
            };
            v.and_then(char::from_u32)
        } else {
            match name.to_ascii_lowercase().as_str() {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) if !name.is_empty() => {
                out.push(c);
                rest = &rest[end + usize::from(semi)..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Tokenize an HTML document.
pub fn tokenize(html: &str) -> Vec<Tok> {
    let b = html.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut text_start = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let next = b.get(i + 1).copied().unwrap_or(0);
        let is_tag = next.is_ascii_alphabetic()
            || (next == b'/' && b.get(i + 2).is_some_and(|c| c.is_ascii_alphabetic()));
        let is_comment = html[i..].starts_with("<!--");
        let is_bogus = next == b'!' || next == b'?';
        if !(is_tag || is_comment || is_bogus) {
            i += 1;
            continue;
        }
        if text_start < i {
            toks.push(Tok::Text(html[text_start..i].to_string()));
        }
        if is_comment {
            let end = html[i + 4..]
                .find("-->")
                .map(|e| i + 4 + e + 3)
                .unwrap_or(b.len());
            toks.push(Tok::Comment(html[i..end].to_string()));
            i = end;
            text_start = i;
            continue;
        }
        if is_bogus {
            let end = html[i..].find('>').map(|e| i + e + 1).unwrap_or(b.len());
            toks.push(Tok::Comment(html[i..end].to_string()));
            i = end;
            text_start = i;
            continue;
        }
        let (tag, after) = parse_tag(html, i);
        i = after;
        text_start = i;
        let raw =
            !tag.end && matches!(tag.name.as_str(), "script" | "style" | "textarea" | "title");
        let name = tag.name.clone();
        toks.push(Tok::Tag(tag));
        if raw {
            let close = format!("</{name}");
            let lower = html[i..].to_ascii_lowercase();
            let end = lower.find(&close).map(|e| i + e).unwrap_or(b.len());
            toks.push(Tok::Raw {
                element: name,
                text: html[i..end].to_string(),
            });
            i = end;
            text_start = i;
        }
    }
    if text_start < b.len() {
        toks.push(Tok::Text(html[text_start..].to_string()));
    }
    toks
}

/// Parse the tag starting at `start` (a `<`); returns it and the index
/// after its `>`.
fn parse_tag(html: &str, start: usize) -> (Tag, usize) {
    let b = html.as_bytes();
    let mut i = start + 1;
    let end = b[i] == b'/';
    if end {
        i += 1;
    }
    let ns = i;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name = html[ns..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        if b[i] == b'>' {
            i += 1;
            break;
        }
        let an = i;
        i += 1; // the first character may be anything, even `=`
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let aname = html[an..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                let ve = html[vs..]
                    .find(q as char)
                    .map(|e| vs + e)
                    .unwrap_or(b.len());
                value = html[vs..ve].to_string();
                i = (ve + 1).min(b.len());
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = html[vs..i].to_string();
            }
        }
        attrs.push((aname, decode_refs(&value)));
    }
    (Tag { name, attrs, end }, i)
}

/// URL-valued attributes.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "cite",
    "data",
    "srcset",
    "ping",
];

/// Attributes whose value is shown as text and never executed.
const INERT_ATTRS: &[&str] = &[
    "title",
    "alt",
    "aria-label",
    "aria-description",
    "value",
    "placeholder",
    "content",
    "summary",
    "label",
    "id",
    "for",
    "name",
    "class",
];

/// A script URL, ignoring the whitespace and controls browsers strip.
fn is_script_url(v: &str) -> bool {
    let v: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    v.starts_with("javascript:") || v.starts_with("vbscript:") || v.starts_with("data:text/html")
}

/// Every way hostile text with `markers` became live markup in `html`.
/// Empty when the report is safe.
pub fn injections(html: &str, markers: &[&str]) -> Vec<String> {
    let has_marker = |s: &str| markers.iter().any(|m| s.contains(m));
    let mut out = Vec::new();
    let toks = tokenize(html);
    let mut textarea_open = 0i64;
    let mut script_type: Option<String> = None;
    for t in &toks {
        match t {
            Tok::Tag(tag) if !tag.end => {
                if tag.name == "textarea" {
                    textarea_open += 1;
                }
                if tag.name == "script" {
                    script_type = Some(
                        tag.attrs
                            .iter()
                            .find(|(n, _)| n == "type")
                            .map(|(_, v)| v.trim().to_ascii_lowercase())
                            .unwrap_or_default(),
                    );
                }
                for (n, v) in &tag.attrs {
                    if n.starts_with("on") {
                        if has_marker(v) || has_marker(n) {
                            out.push(format!("event handler <{} {n}={v:?}>", tag.name));
                        }
                    } else if URL_ATTRS.contains(&n.as_str()) {
                        if is_script_url(v) {
                            out.push(format!("script URL <{} {n}={v:?}>", tag.name));
                        }
                        if has_marker(v) {
                            out.push(format!("marker in URL <{} {n}={v:?}>", tag.name));
                        }
                    } else if n == "style" || n == "srcdoc" {
                        if has_marker(v) {
                            out.push(format!("marker in <{} {n}={v:?}>", tag.name));
                        }
                    } else if has_marker(n) {
                        out.push(format!("attribute made of article text <{} {n}>", tag.name));
                    } else if has_marker(v)
                        && !INERT_ATTRS.contains(&n.as_str())
                        && !n.starts_with("data-")
                    {
                        out.push(format!("marker in attribute <{} {n}={v:?}>", tag.name));
                    }
                }
                if matches!(
                    tag.name.as_str(),
                    "iframe" | "object" | "embed" | "frame" | "frameset" | "base" | "applet"
                ) {
                    out.push(format!("unexpected <{}> element", tag.name));
                }
            }
            Tok::Tag(tag) if tag.name == "textarea" => {
                textarea_open -= 1;
                if textarea_open < 0 {
                    out.push("a </textarea> with no open textarea".into());
                }
            }
            Tok::Raw { element, text } => {
                let inert_script = element == "script"
                    && script_type
                        .as_deref()
                        .is_some_and(|t| t == "application/json" || t == "application/ld+json");
                if (element == "script" || element == "style") && has_marker(text) && !inert_script
                {
                    out.push(format!(
                        "article text inside <{element}>: {:?}",
                        text.chars().take(120).collect::<String>()
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// The text content of `html` (tags dropped, references decoded).
pub fn text_content(html: &str) -> String {
    let mut s = String::new();
    for t in tokenize(html) {
        match t {
            Tok::Text(x) => s.push_str(&decode_refs(&x)),
            Tok::Raw { element, text } if element == "textarea" || element == "title" => {
                s.push_str(&decode_refs(&text))
            }
            _ => {}
        }
        s.push(' ');
    }
    s
}
