//! Fixed vocabularies and patterns of page furniture, compiled once.
//!
//! Takes: a (short) line.
//! Gives: yes/no answers: is it a share-button row, an ad marker, a menu
//! word, a template leftover, a "read also"/tags marker, a call to
//! subscribe/sign in, a photo caption or credit, a byline, a credit line,
//! spam; and which wire services a credit names. Everything here is
//! hand-written for framelens; no third-party lists.

use super::phrases::Phrases;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use regex::Regex;
use std::sync::LazyLock;

/// Compile a pattern. `\b` is made ASCII-only (`(?-u:\b)`): Unicode word
/// boundaries force the regex engine off its fast DFA path on non-ASCII
/// text, which scraped pages are full of.
pub(crate) fn re(p: &str) -> Regex {
    Regex::new(&p.replace(r"\b", r"(?-u:\b)")).expect("valid regex")
}

/// Lower-case `s` with surrounding punctuation and bullets removed.
pub(crate) fn bare(s: &str) -> String {
    s.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// [`bare`] of a short ASCII line, written into `buf` instead of a new
/// `String` (the line classifier asks for it several times per line);
/// `None` when the line is not ASCII or longer than `buf`.
fn bare_ascii<'a>(s: &str, buf: &'a mut [u8; 128]) -> Option<&'a str> {
    if s.len() > buf.len() || !s.is_ascii() {
        return None;
    }
    let t = s.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let b = &mut buf[..t.len()];
    b.copy_from_slice(t.as_bytes());
    b.make_ascii_lowercase();
    std::str::from_utf8(b).ok()
}

/// Is [`bare`] of `line` in the sorted `list`?
fn bare_in(line: &str, list: &[&str]) -> bool {
    let mut buf = [0u8; 128];
    match bare_ascii(line, &mut buf) {
        Some(b) => list.binary_search(&b).is_ok(),
        None => list.binary_search(&bare(line).as_str()).is_ok(),
    }
}

/// Strip a leading list bullet (`- `, `• `, `* `, `· `, ...).
pub(crate) fn strip_bullet(s: &str) -> &str {
    let t = s.trim_start();
    let mut chars = t.chars();
    match chars.next() {
        Some(
            '-' | '•' | '*' | '·' | '–' | '—' | '▪' | '►' | '■' | '●' | '◦' | '‣' | '→' | '»' | '>',
        ) => {
            let rest = chars.as_str();
            if rest.is_empty() || rest.starts_with(' ') {
                rest.trim_start()
            } else {
                t
            }
        }
        _ => t,
    }
}

/// Words of share-button rows (sorted).
const SHARE_WORDS: &[&str] = &[
    "bluesky",
    "bookmark",
    "comment",
    "comments",
    "copied",
    "copy",
    "e-mail",
    "email",
    "f",
    "facebook",
    "flipboard",
    "for",
    "gift",
    "in",
    "later",
    "link",
    "linkedin",
    "mail",
    "mastodon",
    "messenger",
    "odnoklassniki",
    "on",
    "pinterest",
    "pocket",
    "print",
    "reddit",
    "save",
    "share",
    "shares",
    "sms",
    "telegram",
    "this",
    "threads",
    "tumblr",
    "tweet",
    "twitter",
    "viber",
    "vk",
    "vkontakte",
    "whatsapp",
    "x",
    "xing",
];

/// Is the line a row of share buttons ("WhatsApp Telegram Facebook ...")?
pub(crate) fn is_share_row(line: &str) -> bool {
    if line.len() > 200 {
        return false;
    }
    let mut n = 0;
    let mut strong = 0;
    let mut buf = [0u8; 16];
    for tok in line.split(|c: char| c.is_whitespace() || matches!(c, '|' | '/' | ',' | '·' | '•'))
    {
        let w = tok.trim_matches(|c: char| !c.is_alphanumeric());
        if w.is_empty() || w.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if w.len() > buf.len() || !w.is_ascii() {
            return false;
        }
        let lw = &mut buf[..w.len()];
        lw.copy_from_slice(w.as_bytes());
        lw.make_ascii_lowercase();
        let lw = std::str::from_utf8(lw).unwrap_or("");
        if SHARE_WORDS.binary_search(&lw).is_err() {
            return false;
        }
        n += 1;
        if !matches!(
            lw,
            "on" | "this" | "link" | "copy" | "save" | "x" | "mail" | "f" | "for" | "later" | "in"
        ) {
            strong += 1;
        }
    }
    n >= 1 && strong >= 1 && (n >= 2 || matches!(bare(line).as_str(), "share" | "tweet" | "shares"))
}

static AD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:advertisement|advertising|advert|ads?|sponsored(?: content| links?| stories)?|sponsored by .+|promoted(?: content| stories)?|paid (?:content|post|partner content)|partner content|anzeige|publicité|publicidad|story continues below(?: this)?(?: advertisement)?|article continues (?:below|after)(?: this)?(?: advertisement)?|continue reading below|scroll to continue(?: with content)?|ad feedback|report this ad|skip ad|close ad)$",
    )
});

/// Is the line an advertisement marker?
pub(crate) fn is_ad(line: &str) -> bool {
    if line.len() > 120 {
        return false;
    }
    let mut buf = [0u8; 128];
    let whole = match bare_ascii(line, &mut buf) {
        Some(b) => AD.is_match(b),
        None => AD.is_match(bare(line).as_str()),
    };
    if whole {
        return true;
    }
    if !line.contains(['·', '|', '•', '–', '—']) {
        return false;
    }
    // "Advertisement · Scroll to continue reading"
    let parts: Vec<String> = line
        .split(['·', '|', '•', '–', '—'])
        .map(bare)
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() >= 2
        && parts.iter().any(|p| AD.is_match(p))
        && parts.iter().all(|p| {
            AD.is_match(p)
                || matches!(
                    p.as_str(),
                    "scroll to continue reading"
                        | "continue reading"
                        | "scroll to continue"
                        | "story continues"
                )
        })
}

/// Whole-line navigation and widget words (compared after [`bare`];
/// sorted).
const MENU: &[&str] = &[
    "back to top",
    "breaking",
    "business",
    "close",
    "close menu",
    "contact us",
    "culture",
    "english",
    "entertainment",
    "follow",
    "hamburger menu",
    "health",
    "home",
    "home page",
    "homepage",
    "latest",
    "latest news",
    "lifestyle",
    "listen",
    "live",
    "load more",
    "loading",
    "log in",
    "login",
    "logo",
    "main menu",
    "menu",
    "more",
    "navigation",
    "news",
    "next",
    "open menu",
    "opinion",
    "photos",
    "podcasts",
    "politics",
    "previous",
    "register",
    "science",
    "search",
    "sections",
    "show more",
    "sign in",
    "sign up",
    "skip to content",
    "skip to main content",
    "sport",
    "sports",
    "subscribe",
    "tech",
    "technology",
    "toggle navigation",
    "top",
    "travel",
    "trending",
    "video",
    "videos",
    "view",
    "view all",
    "watch",
    "weather",
    "world",
    "world news",
];

/// Is the line a single navigation/menu word or phrase?
pub(crate) fn is_menu(line: &str) -> bool {
    line.len() <= 40 && bare_in(line, MENU)
}

/// Labels that precede headlines in lists ("OPINION", "Exclusive"; sorted).
const LABELS: &[&str] = &[
    "analysis",
    "breaking",
    "breaking news",
    "exclusive",
    "explainer",
    "feature",
    "interview",
    "live",
    "new",
    "opinion",
    "photo",
    "photos",
    "podcast",
    "sponsored",
    "updated",
    "video",
    "watch",
];

/// Is the line a headline label?
pub(crate) fn is_label(line: &str) -> bool {
    line.len() <= 30 && bare_in(line, LABELS)
}

static TEMPLATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:[a-z_][a-z0-9_-]*(?:[./:][a-z_][a-z0-9_-]*)+|\{\{.*\}\}|\{%.*%\}|.*\$\{[^}]*\}.*|.*\{\{[^}]*\}\}.*|undefined|null|nan|none|true|false|\[object object\]|__[a-z_]+__|%[a-z_]+%|content is loading\W*|loading\W*|please wait\W*|javascript is (?:disabled|required).*|please enable javascript.*|image|img|icon|placeholder)$",
    )
});

/// Is the line a template leftover (`client/title.list_title`, `{{x}}`,
/// `undefined`, "Content is loading...")?
pub(crate) fn is_template(line: &str) -> bool {
    line.len() <= 200 && !line.contains(' ') && TEMPLATE.is_match(line)
        || line.len() <= 80 && TEMPLATE.is_match(line)
}

/// Which kind of list a marker line opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkerKind {
    /// Headlines of other stories ("Read also", "Related", "Ranking").
    Headlines,
    /// Tag/topic lists ("Tags:", "Related Topics", "In:").
    Tags,
}

static MARKER_HEADLINES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:read also|also read|read more|see also|more news|more stories|more from [\w .'’-]+|more on this(?: story)?|more in [\w .'’-]+|related|related (?:stories|articles|news|content|posts|coverage|reading|links|videos)|recommended(?: for you| stories| articles)?|recommendations?|ranking|rankings|most (?:read|popular|viewed|shared|commented)(?: (?:news|stories|articles|today|this week|now))?|popular(?: now| stories| articles)?|trending(?: now| stories)?|top stories(?: .+)?|latest (?:news|stories|articles)|you (?:may|might) (?:also )?(?:like|be interested in|have missed)|sponsored links|sponsored stories|more opinion|more from (?:the )?author|also worth reading|don'?t miss|editor'?s picks|editors'? picks|our picks|what to read next|further reading|up next|next up|in other news|elsewhere|from around the web|around the web|promoted stories)$",
    )
});
static MARKER_TAGS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:tags?|topics?|related topics|related tags|keywords|filed under|in|categories|category|more about|explore more on these topics|explore more)$",
    )
});
static INLINE_READ_ALSO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:read also|also read|read more|see also|related|recommended|watch|listen|more)\s*[:|»›>–—-]\s*\S",
    )
});

/// A marker line opening a list of other headlines or tags.
pub(crate) fn marker(line: &str) -> Option<MarkerKind> {
    if line.len() > 80 {
        return None;
    }
    let b = strip_bullet(line)
        .trim()
        .trim_end_matches([':', '.', '»', '›', '>', '-', '—', '–'])
        .trim();
    if MARKER_TAGS.is_match(b) {
        Some(MarkerKind::Tags)
    } else if MARKER_HEADLINES.is_match(b) {
        Some(MarkerKind::Headlines)
    } else {
        None
    }
}

/// An inline teaser: "Read also: <other story>".
pub(crate) fn is_inline_teaser(line: &str) -> bool {
    line.len() <= 300 && INLINE_READ_ALSO.is_match(line)
}

/// Calls to action. Strong phrases (weight 2) almost never occur in news
/// prose; weak ones (weight 1) can.
const CTA_STRONG: &[&str] = &[
    "by clicking",
    "i agree to receive",
    "already a member",
    "already a subscriber",
    "already have an account",
    "sign up to read",
    "subscribe to read",
    "subscribe to continue",
    "subscribe now",
    "subscribe today",
    "sign up now",
    "sign up for free",
    "sign up for our",
    "subscribe to our",
    "download the app",
    "download our app",
    "get the app",
    "sign in here",
    "log in here",
    "stay informed with",
    "be among the first to know",
    "get all your news",
    "curated specifically for you",
    "we use cookies",
    "accept all cookies",
    "accept cookies",
    "this site uses cookies",
    "share this article",
    "share this story",
    "unlimited access",
    "start your free trial",
    "premium titles",
    "trusted global sources",
    "one membership",
    "support our journalism",
    "support independent journalism",
    "become a member",
    "become a subscriber",
    "create a free account",
    "register for free",
    "turn on notifications",
    "enable notifications",
    "follow us on",
    "join our telegram",
    "join our whatsapp",
    "click here to",
    "tap here to",
    "subscribe for",
    "is not intended for persons",
    "manage your preferences",
    "cookie settings",
    "privacy settings",
    "we value your privacy",
    "use cookies to",
    "accept all",
    "free articles left",
    "unlimited articles",
    "cancel anytime",
    "sign up free",
    "join the debate",
    "sign in to comment",
    "log in to comment",
    "enjoyed this article",
];
const CTA_WEAK: &[&str] = &[
    "newsletter",
    "subscribe",
    "free trial",
    "days free",
    "privacy policy",
    "terms of use",
    "terms of service",
    "cookies",
    "click here",
    "tap here",
    "sign up",
    "sign in",
    "log in",
    "read news from",
    "promotional material",
    "breaking news",
    "notifications",
    "start reading",
    "all rights reserved",
    "membership",
    "subscription",
    "app store",
    "google play",
];
/// [`CTA_STRONG`] then [`CTA_WEAK`], with their weights.
static CTA: LazyLock<(Phrases, Vec<u8>)> = LazyLock::new(|| {
    let pats: Vec<&str> = CTA_STRONG.iter().chain(CTA_WEAK).copied().collect();
    let weights = (CTA_STRONG.iter().map(|_| 2u8))
        .chain(CTA_WEAK.iter().map(|_| 1u8))
        .collect();
    assert!(pats.len() <= 128, "cta_score keeps a 128-bit set");
    (Phrases::new(&pats), weights)
});

/// Call-to-action score of a line: the sum of the weights of the distinct
/// phrases among its leftmost-longest matches.
pub(crate) fn cta_score(line: &str) -> u32 {
    let (phrases, w) = &*CTA;
    // Patterns already counted, one bit each (there are fewer than 128).
    let mut seen = 0u128;
    let mut score = 0;
    phrases.leftmost_longest(line, |id| {
        if seen & (1 << id) == 0 {
            seen |= 1 << id;
            score += u32::from(w[id]);
        }
    });
    score
}

/// Is the line a navigation bar: at least three short segments split by
/// `|`, `·`, `•` (or wide gaps, see [`Line::segmented`]), none of them a
/// sentence?
///
/// [`Line::segmented`]: super::normalize::Line::segmented
pub(crate) fn is_nav_bar(line: &str) -> bool {
    if line.len() > 400 {
        return false;
    }
    if !line.contains(['|', '·', '•']) {
        return false;
    }
    let mut n = 0;
    for seg in line.split(['|', '·', '•']) {
        let seg = seg.trim();
        if seg.is_empty() {
            continue;
        }
        let words = seg.split_whitespace().count();
        if words > 4 || seg.len() > 40 || seg.ends_with(['.', '!', '?']) {
            return false;
        }
        n += 1;
    }
    n >= 3
}

static RELATIVE_TIME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:updated|posted|published|edited)\s*:?\s*)?(?:\d+\s*(?:s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?|months?)\s+ago|yesterday|today|just now)\b|\b\d+\s*min(?:ute)?s?\s+read\b",
    )
});

/// A relative time or reading time ("Updated 3 hours ago · 4 min read").
pub(crate) fn is_relative_time(line: &str) -> bool {
    line.len() <= 60 && line.split_whitespace().count() <= 10 && RELATIVE_TIME.is_match(line)
}

static TRAILING_URL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:https?://|www\.)\S*[^\s.]\s*$"));

/// A teaser that ends in a link ("... see why >> https://..."): not body
/// text, whatever its words.
pub(crate) fn is_link_teaser(line: &str) -> bool {
    line.len() <= 600
        && (line.contains("http") || line.contains("www."))
        && (2..=60).contains(&line.split_whitespace().count())
        && TRAILING_URL.is_match(line)
}

static BREADCRUMB: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:^(?:current|you are here)\s*:|^home\s*[>›»/|]|\S\s*[>›»]\s*\S.*\s[>›»]\s)")
});

/// Is the line a breadcrumb trail ("Home > World > ...")?
pub(crate) fn is_breadcrumb(line: &str) -> bool {
    line.len() <= 300 && may_be_breadcrumb(line) && BREADCRUMB.is_match(line)
}

/// Exact prefilter for [`BREADCRUMB`]: every branch needs `:` or one of
/// `>›»/|` (`›` and `»` end in the bytes 0xBA, 0xBB).
fn may_be_breadcrumb(line: &str) -> bool {
    line.bytes()
        .any(|b| matches!(b, b':' | b'>' | b'/' | b'|' | 0xBA | 0xBB))
}

static URL_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^(?:https?://|www\.)\S+$"));

/// Is the line a bare URL?
pub(crate) fn is_url(line: &str) -> bool {
    // Exact prefilter: the pattern starts with "http" or "www." (no other
    // character case-folds to h or w).
    line.len() <= 2000 && line.starts_with(['h', 'H', 'w', 'W']) && URL_LINE.is_match(line)
}

static REACTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:[\p{L}]+[!?]?\s*\(\d+\)\s*)+$|^(?:like|likes|love|wow|haha|sad|angry|good|bad|useful|helpful)[\s:]*\d+$|^\d+\s+(?:comments?|likes?|shares?|views?|reactions?)$",
    )
});

/// Is the line a reaction/counter widget ("veryGood! (3)", "12 comments")?
pub(crate) fn is_reaction(line: &str) -> bool {
    line.len() <= 80 && may_have_digit(line) && REACTION.is_match(line)
}

/// Exact prefilter for patterns that need a `\d` (a Unicode digit): an
/// ASCII digit or any non-ASCII byte.
fn may_have_digit(line: &str) -> bool {
    line.bytes().any(|b| b.is_ascii_digit() || !b.is_ascii())
}

static DATE_FRAGMENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:\d{4},?\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|tues|wednes|thurs|fri|satur|sun)day,?(?:\s+\d{4})?|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}|today|yesterday|just now|\d+\s*(?:s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?|months?)\s+ago)$",
    )
});

/// A partial date or relative time as used in lists ("2024, Sunday",
/// "24 November", "3 hours ago").
pub(crate) fn is_date_fragment(line: &str) -> bool {
    line.len() <= 30 && DATE_FRAGMENT.is_match(line.trim())
}

/// Words that any caption pattern needs (the caption prefilter).
const CAPTION_HINT_WORDS: &[&str] = &[
    "photo",
    "image",
    "picture",
    "pic",
    "illustration",
    "credit",
    "foto",
    "getty",
    "shutterstock",
    "alamy",
    "reuters",
    "afp",
    "epa",
    "/ap",
    "ap/",
    "sputnik",
    "kremlin",
    "anadolu",
    "bloomberg",
    "xinhua",
    "tass",
    "ria novosti",
    "pool",
];

/// Cheap prefilter for captions: [`CAPTION_HINT_WORDS`].
static CAPTION_HINT: LazyLock<Phrases> = LazyLock::new(|| Phrases::new(CAPTION_HINT_WORDS));
/// Caption patterns, matched against the lower-cased end of a line.
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\(\s*(?:photo|photos|photograph|image|picture|pic|file photo|illustration|video|credit|photo credit)s?\s*(?::|by)[^)]+\)\W*$|\b(?:photograph|photo|photos|image|picture|pictured|illustration|photo credit|credit|foto)\s*(?::|by)\s*[^.!?]+$|(?:getty images|shutterstock|alamy|afp via getty images|ap photo[^.]*|via reuters|reuters/[^/()]+|[^\s/()]+/(?:reuters|afp|epa|epa-efe|ap|sputnik|kremlin|anadolu|anadolu agency|bloomberg|xinhua|tass|ria novosti|pool)|afp/[^/()]+|epa(?:-efe)?/[^/()]+|pool photo[^.]*)\W*$)",
    )
});

/// Does the line look like a photo caption or photo credit? Looks at the
/// end of the line, where captions carry their credit.
pub(crate) fn is_caption(line: &str) -> bool {
    if line.len() > 1500 {
        return false;
    }
    let tail_start = line.len().saturating_sub(160);
    let tail_start = (tail_start..=line.len())
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(line.len());
    let tail = &line[tail_start..];
    if !CAPTION_HINT.is_match(tail) {
        return false;
    }
    CAPTION.is_match(&tail.to_lowercase())
}

static BYLINE_HINT: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([
            "staff",
            "agencies",
            "correspondent",
            "desk",
            "wire services",
            "editorial",
        ])
        .expect("valid patterns")
});
static BYLINE_BY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:By|BY|by)\s+(?P<name>\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|and|&|de|da|di|van|von|der|den|del|la|le|bin|al|el|y))*)(?:\s*(?:,|\||•|·| - | – | — |\bin\b)\s*(?P<rest>.*))?$",
    )
});
static BYLINE_STAFF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:\p{Lu}[\p{L}.'’-]*\s+){0,3}(?i:staff and agencies|staff and wires|staff and wire reports|staff reporters?|staff writers?|staff|correspondents?|and agencies|agencies|news desk|newsdesk|news agencies|wire services|editorial (?:team|board|staff))$",
    )
});
static BYLINE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:written by|words by|story by|author|authors|reported by)\s*:?\s*(?P<name>\p{Lu}.+)$",
    )
});

/// If the line is a byline, the credited name(s) and anything after them
/// (e.g. an agency after a comma).
pub(crate) fn byline(line: &str) -> Option<(String, String)> {
    if line.len() > 160 {
        return None;
    }
    let words = line.split_whitespace().count();
    if words > 14 {
        return None;
    }
    // Cheap prefilter before the capture regexes.
    let lower_head: String = line.chars().take(12).collect::<String>().to_lowercase();
    let hint = lower_head.starts_with("by ")
        || ["written", "words", "story", "author", "reported"]
            .iter()
            .any(|p| lower_head.starts_with(p))
        || BYLINE_HINT.is_match(line);
    if !hint {
        return None;
    }
    if let Some(c) = BYLINE_BY.captures(line) {
        let name = c["name"].trim().trim_end_matches([',', '.']).to_string();
        let rest = c.name("rest").map_or("", |m| m.as_str()).to_string();
        // Reject "By Sunday, troops had left ..." style sentences: names
        // only, and little after them.
        const NOT_NAMES: &[&str] = &[
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
            "The",
            "This",
            "That",
            "Then",
            "Now",
            "Early",
            "Late",
            "Midday",
            "Midnight",
            "Noon",
            "Contrast",
            "Comparison",
            "Law",
            "Far",
            "Tonight",
            "Today",
        ];
        let first = name.split_whitespace().next().unwrap_or("");
        let rest_words = rest.split_whitespace().count();
        if name.split_whitespace().count() <= 8 && rest_words <= 6 && !NOT_NAMES.contains(&first) {
            return Some((name, rest));
        }
    }
    if words <= 6 && BYLINE_STAFF.is_match(line) {
        return Some((line.trim().to_string(), String::new()));
    }
    if let Some(c) = BYLINE_LABEL.captures(line) {
        return Some((c["name"].trim().to_string(), String::new()));
    }
    None
}

static WIRE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:Reuters|REUTERS|Associated Press|ASSOCIATED PRESS|AP|Agence France[- ]Presse|AGENCE FRANCE[- ]PRESSE|France[- ]Presse|AFP|dpa|DPA|Deutsche Presse[- ]Agentur|Xinhua|XINHUA|TASS|Tass|PA Media|Press Association|PA|ANSA|EFE|UPI|United Press International|Kyodo(?: News)?|KYODO|Yonhap|YONHAP|AAP|Australian Associated Press|Interfax|INTERFAX|Bernama|ANI|PTI)\b",
    )
});

/// Canonical wire-service name for a matched mention.
fn canonical_wire(m: &str) -> &'static str {
    let l = m.to_ascii_lowercase();
    match l.as_str() {
        "reuters" => "Reuters",
        "associated press" | "ap" => "AP",
        "afp"
        | "agence france-presse"
        | "agence france presse"
        | "france-presse"
        | "france presse" => "AFP",
        "dpa" | "deutsche presse-agentur" | "deutsche presse agentur" => "dpa",
        "xinhua" => "Xinhua",
        "tass" => "TASS",
        "pa" | "pa media" | "press association" => "PA",
        "ansa" => "ANSA",
        "efe" => "EFE",
        "upi" | "united press international" => "UPI",
        "kyodo" | "kyodo news" => "Kyodo",
        "yonhap" => "Yonhap",
        "aap" | "australian associated press" => "AAP",
        "interfax" => "Interfax",
        "bernama" => "Bernama",
        "ani" => "ANI",
        "pti" => "PTI",
        _ => "",
    }
}

/// Wire services named in a text, canonical names, in order, each once.
pub(crate) fn wires_in(text: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in WIRE.find_iter(text) {
        let c = canonical_wire(m.as_str());
        if !c.is_empty() && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:\(?\s*(?:source|sources|credit|credits|agency|agencies|via|wires?)\s*:|\(?\s*(?:additional )?(?:reporting|writing|editing|compiled|written|produced) by\b|additional reporting\s*:|with (?:files from |reporting from |reporting by |additional reporting from )?(?:the )?(?:reuters|ap|associated press|afp|agence france-presse|france-presse|dpa|xinhua|tass|pa|ansa|efe|upi|agencies|wires)\b|.*\bcontributed to this (?:report|story|article)\b|[-—–]?\s*(?:©\s*)?(?:\d{4}\s+)?(?:the )?(?:reuters|associated press|ap|afp|agence france-presse|dpa|xinhua|tass|pa media|ansa|efe|upi)(?:\s*(?:,|/|and|&)\s*(?:reuters|associated press|ap|afp|agence france-presse|dpa|xinhua|tass|pa media|ansa|efe|upi))*\.?\s*\)?$)",
    )
});

/// Is the line a credit line ("Source: Reuters/ec", "With Reuters and
/// Agence France-Presse", "(Reporting by ...)", "AFP")?
pub(crate) fn is_credit(line: &str) -> bool {
    line.len() <= 300 && line.split_whitespace().count() <= 30 && CREDIT.is_match(line)
}

static DATELINE_WIRE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:[\p{Lu}][\p{L}\d.'’ ,/-]*?\s*)?\((?P<w>Reuters|REUTERS|Associated Press|Xinhua|Tass|Kyodo|Yonhap|Interfax|Bernama|dpa|[A-Z]{2,6})\)\s*[-—–:]",
    )
});

/// A wire dateline at the start of a paragraph ("MOSCOW (Reuters) -",
/// "PORT X, Y, March 11 (MPA) —"): the dateline text and the agency (the
/// canonical name of a known wire service, or the abbreviation as stated).
pub(crate) fn dateline_wire(par: &str) -> Option<(String, String)> {
    let head_end = (0..=par.len().min(120))
        .rev()
        .find(|&i| par.is_char_boundary(i))
        .unwrap_or(0);
    let head = &par[..head_end];
    if !head.contains('(') {
        return None;
    }
    let c = DATELINE_WIRE.captures(head)?;
    let w = match canonical_wire(&c["w"]) {
        "" => c["w"].to_string(),
        known => known.to_string(),
    };
    Some((c[0].trim().to_string(), w))
}

/// Is this the name of a news agency not in the known list: an
/// abbreviation ("MPA") or a name ending like one ("Meridian Press
/// Agency", "Harbour News Service")?
fn agency_name(part: &str) -> bool {
    let p = part.trim();
    let words: Vec<&str> = p.split_whitespace().collect();
    if words.len() == 1 {
        let w = words[0];
        return (2..=6).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase());
    }
    let capitalised = words
        .iter()
        .all(|w| w.starts_with(|c: char| c.is_uppercase()) || matches!(*w, "of" | "de" | "and"));
    let l = p.to_lowercase();
    capitalised
        && words.len() <= 6
        && [
            "press agency",
            "news agency",
            "press association",
            "news service",
            "wire service",
            "newswire",
            "wires",
        ]
        .iter()
        .any(|s| l.ends_with(s))
}

/// Agencies credited on a credit line or in a byline's tail: known wire
/// services by canonical name, other agencies by their abbreviation (as
/// stated, or the initials of the stated name).
pub(crate) fn credited_agencies(text: &str) -> Vec<String> {
    let mut out: Vec<String> = wires_in(text).into_iter().map(str::to_string).collect();
    // The credited part: after a "Source:"-style label, or the whole text.
    let rest = match text.find(':') {
        Some(p) if p < 40 => &text[p + 1..],
        _ => text,
    };
    let rest = rest.trim().trim_start_matches(['(', '-', '—', '–']).trim();
    let rest = rest
        .strip_prefix("With ")
        .or_else(|| rest.strip_prefix("with "))
        .unwrap_or(rest);
    for part in rest
        .split([',', '/', ';', '&', '(', ')'])
        .flat_map(|p| p.split(" and "))
    {
        let part = part.trim().trim_end_matches('.').trim();
        if !part.is_empty() && wires_in(part).is_empty() && agency_name(part) {
            // Multi-word names are given by their initials, like the known
            // services (AP, AFP): "Meridian Press Agency" and "(MPA)" on
            // different pages are then the same credit.
            let name = if part.contains(' ') {
                initials(part)
            } else {
                part.to_string()
            };
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Initials of a multi-word name ("Meridian Press Agency" -> "MPA").
pub(crate) fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect()
}

static SPAM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:\b\d{1,2}\s*%\s*off\b|\bfree shipping\b|\bbuy \d+,? get \d+\b|\b(?:black friday|cyber monday|prime day|holiday) (?:sale|deals?)\b|\bearly (?:black friday|cyber monday|prime day) deals\b|\bshop now\b|\bpromo code\b|\bcoupon\b|\blimited[- ]time offer\b|\bdon'?t miss (?:out|this deal)\b|\bhere'?s your first look\b|\btransformation from\b|\byou won'?t believe\b|\bwhat happened to\b|\bdoctors hate\b|\bone weird trick\b|\bheartthrob\b|\bjaw[- ]dropping\b|\bcrypt[a-z]*\b|\bbitcoin\b|\bairdrop\b|\bpresale\b|\bforex\b|\bcasino\b|\bbetting tips\b|\bpayday loans?\b|\bweight loss\b|\bhot singles\b|\bwill shock you\b|\bdoctors baffled\b|\bvets hate\b|\bone (?:simple|weird) trick\b|\bnumber \d+ will\b|\binsiders are buying\b|\bturn \$\d+ into\b|\bspin the wheel\b|\bclaim yours\b|\bfree (?:holiday|iphone|gift|spins)\b|\btrading bot\b|\bmega sale\b|\btoday only\b|\bhair loss\b|\bsecretly live\b|\bquietly buying\b|\bhot right now\b|(?-i:^[\p{Lu}\d]{6,}\s+(?:[Ii]ntroduces?|[Ll]aunch(?:es)?|[Uu]nveils?)\b))",
    )
});

/// Is a teaser/link line spam (deals, crypto, clickbait)?
pub(crate) fn is_spam(line: &str) -> bool {
    line.len() <= 400 && SPAM.is_match(line)
}

static EDITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?P<name>(?:The )?\p{Lu}[\p{L}'’&.]*(?: \p{Lu}[\p{L}'’&.]*){0,3}) [-–—|] (?P<ed>AU|US|UK|NZ|CA|IN|EU|Int|Intl|Australia|Canada|India|Europe|Asia|Africa|International|US edition|UK edition|Australia edition|Europe edition|International edition)$",
    )
});

/// An outlet-with-edition line ("The Guardian - AU"): the outlet name.
pub(crate) fn edition_outlet(line: &str) -> Option<String> {
    if line.len() > 80 {
        return None;
    }
    EDITION.captures(line).map(|c| c["name"].to_string())
}

static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?(?P<name>[\p{L}\d][^.|,©]+?)\s*(?:[.,|]|\ball rights reserved\b|$)",
    )
});
static NEWSLETTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\b(?:with|from|to|for|of)\s+(?:the\s+)?)(?P<name>\p{Lu}[\p{L}\d&.'’-]*(?:\s+\p{Lu}[\p{L}\d&.'’-]*){0,3})(?:'s|’s)\s+(?:daily\s+|free\s+|weekly\s+)?newsletters?\b",
    )
});

static RIGHTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(["all rights reserved"])
        .expect("valid patterns")
});

/// Is the line a copyright or legal notice?
pub(crate) fn is_legal(line: &str) -> bool {
    if line.len() > 300 || line.split_whitespace().count() > 30 {
        return false;
    }
    let t = line.trim_start();
    if t.starts_with('©') {
        return true;
    }
    let head: String = t.chars().take(16).collect::<String>().to_lowercase();
    if head.starts_with("(c) ") {
        return true;
    }
    if let Some(rest) = head.strip_prefix("copyright") {
        let rest = rest.trim_start();
        if rest.starts_with('©')
            || rest.starts_with("(c)")
            || rest.starts_with(|c: char| c.is_ascii_digit())
        {
            return true;
        }
    }
    RIGHTS.is_match(t)
        || matches!(
            bare(t).as_str(),
            "terms of use"
                | "terms and conditions"
                | "privacy policy"
                | "cookie policy"
                | "imprint"
                | "impressum"
        )
}

/// An outlet named in a copyright line ("© 2023 Example Times").
pub(crate) fn copyright_outlet(line: &str) -> Option<String> {
    if line.len() > 200 {
        return None;
    }
    let c = COPYRIGHT.captures(line)?;
    let name = c["name"].trim().to_string();
    let words = name.split_whitespace().count();
    (words <= 6 && !name.to_lowercase().contains("rights")).then_some(name)
}

/// An outlet named in a newsletter prompt ("Stay informed with X's
/// newsletters").
pub(crate) fn newsletter_outlet(line: &str) -> Option<String> {
    if line.len() > 300 {
        return None;
    }
    NEWSLETTER.captures(line).map(|c| c["name"].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines built from pieces of furniture, for checking prefilters
    /// against the plain patterns.
    fn furniture_lines() -> Vec<String> {
        const PIECES: &[&str] = &[
            "Home",
            "home",
            "HOME",
            " > ",
            ">",
            "›",
            "»",
            " / ",
            "|",
            ":",
            "current",
            "You are here",
            " ",
            "  ",
            "World",
            "veryGood!",
            " (3)",
            "(12)",
            "12",
            "٣",
            " comments",
            "likes",
            "http://",
            "https://x.example/a",
            "www.",
            "Www.",
            "ex",
            ".",
            "-",
            "Advertisement",
            "ADVERTISEMENT",
            "Menu",
            "Opinion",
            "É",
            "ß",
            "\u{212a}",
            "·",
            "•",
            "Sponsored",
        ];
        let mut out = Vec::new();
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut l = String::new();
            for k in 0..(x % 6) {
                let r = x.rotate_left(k as u32 * 9) as usize;
                l.push_str(PIECES[r % PIECES.len()]);
            }
            out.push(l);
        }
        out
    }

    /// The prefilters and the allocation-free `bare` change no answer.
    #[test]
    fn prefilters_equal_plain_patterns() {
        for l in furniture_lines() {
            let l = l.as_str();
            assert_eq!(
                is_breadcrumb(l),
                l.len() <= 300 && BREADCRUMB.is_match(l),
                "{l:?}"
            );
            assert_eq!(is_url(l), l.len() <= 2000 && URL_LINE.is_match(l), "{l:?}");
            assert_eq!(
                is_reaction(l),
                l.len() <= 80 && REACTION.is_match(l),
                "{l:?}"
            );
            let mut buf = [0u8; 128];
            if let Some(b) = bare_ascii(l, &mut buf) {
                assert_eq!(b, bare(l), "{l:?}");
            }
            assert_eq!(
                bare_in(l, MENU),
                MENU.binary_search(&bare(l).as_str()).is_ok()
            );
            assert_eq!(
                bare_in(l, LABELS),
                LABELS.binary_search(&bare(l).as_str()).is_ok()
            );
        }
    }

    /// The call-to-action score and the caption prefilter give what the
    /// `aho_corasick` automata they replaced gave, on lines made of pieces
    /// of the phrases themselves (so matches nest, overlap and touch).
    #[test]
    fn phrase_matchers_equal_aho_corasick() {
        use aho_corasick::MatchKind;
        let pats: Vec<&str> = CTA_STRONG.iter().chain(CTA_WEAK).copied().collect();
        let cta = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)
            .unwrap();
        let plain_cta = |line: &str| {
            let mut seen = std::collections::HashSet::new();
            cta.find_iter(line)
                .filter(|m| seen.insert(m.pattern()))
                .map(|m| {
                    if m.pattern().as_usize() < CTA_STRONG.len() {
                        2
                    } else {
                        1
                    }
                })
                .sum::<u32>()
        };
        let hints = CAPTION_HINT_WORDS;
        let hint = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(hints)
            .unwrap();
        let mut pieces: Vec<String> = Vec::new();
        for p in pats.iter().chain(hints) {
            pieces.push(p.to_string());
            pieces.push(p.to_uppercase());
            pieces.push(p[..p.len() / 2].to_string());
            pieces.push(p[p.len() / 2..].to_string());
        }
        pieces.extend([" ", ".", "é", "un", "s", "/"].map(String::from));
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..30000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let line: String = (0..(x % 9))
                .map(|k| pieces[x.rotate_left(k as u32 * 7) as usize % pieces.len()].as_str())
                .collect();
            assert_eq!(cta_score(&line), plain_cta(&line), "{line:?}");
            assert_eq!(
                CAPTION_HINT.is_match(&line),
                hint.is_match(&line),
                "{line:?}"
            );
        }
        for l in furniture_lines() {
            assert_eq!(cta_score(&l), plain_cta(&l), "{l:?}");
        }
    }

    #[test]
    fn word_lists_are_sorted() {
        for list in [SHARE_WORDS, MENU, LABELS] {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted, list);
        }
    }

    #[test]
    fn furniture() {
        assert!(is_share_row(
            "WhatsApp Telegram Facebook Twitter Email LinkedIn"
        ));
        assert!(is_share_row("Share"));
        assert!(!is_share_row("Facebook said on Monday it would appeal."));
        assert!(is_ad("Advertisement"));
        assert!(is_ad("- ADVERTISEMENT -"));
        assert!(!is_ad("Advertisement revenue fell by a third in 2022."));
        assert!(is_menu("Hamburger Menu"));
        assert!(is_menu("World"));
        assert!(is_template("client/title.list_title"));
        assert!(is_template("Content is loading..."));
        assert!(is_template("{{ article.title }}"));
        assert!(!is_template("The talks ended."));
        assert!(is_breadcrumb("Current:Home > StocksSome headline"));
        assert!(is_breadcrumb("Home > World > Europe"));
        assert!(is_reaction("veryGood! (3)"));
        assert!(is_date_fragment("2024, Sunday"));
        assert!(is_date_fragment("24 November"));
        assert!(is_date_fragment("3 hours ago"));
        assert!(is_relative_time("Updated 3 hours ago · 4 min read"));
        assert!(is_nav_bar("Breaking | Live | Weather"));
        assert!(is_nav_bar("Home | World | Sport | Business"));
        assert!(!is_nav_bar("He said | she said"));
        assert!(!is_nav_bar(
            "The talks ended. | They will resume. | Officials agreed."
        ));
        assert!(is_ad("Advertisement · Scroll to continue reading"));
        assert!(is_share_row("Share f X WhatsApp Email | 47 comments"));
        assert!(is_share_row(
            "Share on LinkedIn | Share on X | Email | Copy link | Save for later"
        ));
        assert!(is_link_teaser(
            "HOT: this coin could soar >> https://deals.example/go?id=1"
        ));
        assert!(!is_link_teaser(
            "Details are at https://gov.example/report."
        ));
    }

    #[test]
    fn markers() {
        assert_eq!(marker("Read also:"), Some(MarkerKind::Headlines));
        assert_eq!(marker("Tags:"), Some(MarkerKind::Tags));
        assert_eq!(marker("- In:"), Some(MarkerKind::Tags));
        assert_eq!(marker("Related Topics"), Some(MarkerKind::Tags));
        assert_eq!(marker("Ranking"), Some(MarkerKind::Headlines));
        assert_eq!(marker("Recommendation"), Some(MarkerKind::Headlines));
        assert_eq!(marker("More news"), Some(MarkerKind::Headlines));
        assert_eq!(marker("In a statement, the ministry said"), None);
        assert!(is_inline_teaser("Read also: Minister resigns after vote"));
    }

    #[test]
    fn calls_to_action() {
        assert!(cta_score("Pressed for time? Stay informed with Example's newsletters") >= 2);
        assert!(
            cta_score(
                "By clicking subscribe, I agree to receive news updates and promotional material"
            ) >= 4
        );
        assert_eq!(cta_score("Russia did not sign the treaty."), 0);
        assert!(cta_score("Sign up to read this article") >= 2);
    }

    #[test]
    fn captions_and_credits() {
        assert!(is_caption(
            "A man walks past. (Photo: Example Agency/John Doe via REUTERS)"
        ));
        assert!(is_caption(
            "Leaders meet in the capital. Photograph: Jane Roe/EPA"
        ));
        assert!(is_caption("Photo: AFP"));
        assert!(!is_caption(
            "The photo was taken on Sunday, officials said."
        ));
        assert!(is_credit("Source: Reuters/ec"));
        assert!(is_credit("With Reuters and Agence France-Presse"));
        assert!(is_credit("(Reporting by Jane Roe; Editing by John Doe)"));
        assert!(is_credit(
            "The Associated Press contributed to this report."
        ));
        assert!(is_credit("AFP"));
        assert!(!is_credit(
            "Reuters reported on Sunday that the talks had ended."
        ));
        assert_eq!(
            wires_in("With Reuters and Agence France-Presse"),
            vec!["Reuters", "AFP"]
        );
        assert_eq!(wires_in("Source: Reuters/ec"), vec!["Reuters"]);
        assert_eq!(
            dateline_wire("MOSCOW (Reuters) - The minister said"),
            Some(("MOSCOW (Reuters) -".into(), "Reuters".into()))
        );
        assert_eq!(
            dateline_wire("KYIV, Ukraine (AP) — Ukraine said"),
            Some(("KYIV, Ukraine (AP) —".into(), "AP".into()))
        );
        assert_eq!(
            dateline_wire("PORT X, Y, March 11 (MPA) — The port said").map(|d| d.1),
            Some("MPA".into())
        );
        assert_eq!(credited_agencies("Source: MPA"), ["MPA"]);
        assert_eq!(
            credited_agencies("Additional reporting: Meridian Press Agency"),
            ["MPA"]
        );
        assert_eq!(credited_agencies("Source: Reuters/ec"), ["Reuters"]);
        assert!(credited_agencies("(Reporting by Jane Roe; Editing by John Doe)").is_empty());
        assert_eq!(initials("Meridian Press Agency"), "MPA");
    }

    #[test]
    fn bylines() {
        assert_eq!(byline("By Jane Roe").unwrap().0, "Jane Roe");
        assert_eq!(byline("By Jane Roe, Reuters").unwrap().1, "Reuters");
        assert_eq!(
            byline("Example staff and agencies").unwrap().0,
            "Example staff and agencies"
        );
        assert!(byline("By clicking subscribe, I agree").is_none());
        assert!(
            byline("By Sunday, troops had left the city and moved east towards the border.")
                .is_none()
        );
    }

    #[test]
    fn outlets_and_spam() {
        assert_eq!(
            edition_outlet("The Guardian - AU").as_deref(),
            Some("The Guardian")
        );
        assert_eq!(
            copyright_outlet("© 2023 Example Times. All rights reserved.").as_deref(),
            Some("Example Times")
        );
        assert_eq!(
            newsletter_outlet("Stay informed with ABC's newsletters").as_deref(),
            Some("ABC")
        );
        assert!(is_spam("Early Black Friday Deals: 70% Off Gadgets"));
        assert!(is_spam("CRYPTOXYZ Introduce"));
        assert!(!is_spam(
            "Leader seeks peace deal that prevents new attacks"
        ));
        assert!(!is_spam("Russia launches drone attack on the capital"));
    }
}
