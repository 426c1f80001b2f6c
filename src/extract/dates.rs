//! Dates as pages state them, normalised to ISO 8601.
//!
//! Takes: a line of text (or a metadata value).
//! Gives: the full dates it contains (day, month and year all stated) with
//! any time written right after them, as ISO 8601 strings (`2023-04-17`,
//! `2023-04-17T05:31:00`, `2023-04-17T05:31:00+08:00`), and whether a line
//! is a *date line* (little else on it). Forms handled include
//! `17 April, 2023 Monday 17:53`, `17 Apr 2023 05:31AM`,
//! `Date:2025-04-16 10:42:58`, `date 2023-04-17`, `April 16, 2023`,
//! `2023/04/17`, `17.04.2023`, and `17/04/2023` when the order is not
//! ambiguous (an ambiguous `04/05/2023` is not read: nothing is guessed).

use super::patterns::re;
use chrono::{NaiveDate, NaiveTime};
use regex::Regex;
use std::sync::LazyLock;

/// A date found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DateHit {
    /// ISO 8601 value.
    pub value: String,
    /// Byte range of the date (and time) in the line.
    pub start: usize,
    pub end: usize,
    pub has_time: bool,
}

const MON: &str = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const YEAR: &str = r"(?P<y>(?:19|20)\d{2})";

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b{YEAR}-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?:(?:T|\s+)(?P<H>\d{{1,2}}):(?P<M>\d{{2}})(?::(?P<S>\d{{2}}))?(?:\.\d+)?\s*(?P<tz>Z|[+-]\d{{2}}:?\d{{2}})?)?\b"
    ))
});
static YMD: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b{YEAR}[/.](?P<m>\d{{1,2}})[/.](?P<d>\d{{1,2}})\b"
    ))
});
static DMY_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MON}\.?,?\s+{YEAR}\b"
    ))
});
static MDY_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b{MON}\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{YEAR}\b"
    ))
});
static DMY_DOTS: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"\b(?P<a>\d{{1,2}})\.(?P<b>\d{{1,2}})\.{YEAR}\b")));
static NUM_SLASH: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"\b(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/{YEAR}\b")));
/// A time written right after a date (an optional weekday, comma, bar,
/// dash or "at" in between).
static TIME_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[\s,|@–—-]*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?[\s,|–—-]*)?(?:at\s+)?(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?(?:\s*(?P<tz>gmt|utc|z\b|[+-]\d{2}:?\d{2}))?",
    )
});
/// A time written right before a date ("07:02, 12 March 2025").
static TIME_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?[\s,|–—-]*(?:on\s+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?$",
    )
});
/// A line that is only a time of day (`17:53`, `5:31 PM`).
static TIME_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s*(?P<ap>[ap])\.?\s?m\.?)?(?:\s*(?P<tz>gmt|utc|z|[+-]\d{2}:?\d{2}))?$",
    )
});

fn month_number(name: &str) -> Option<u32> {
    let n = name.get(..3)?.to_ascii_lowercase();
    let m = match n.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn num(c: &regex::Captures<'_>, name: &str) -> Option<u32> {
    c.name(name)?.as_str().parse().ok()
}

/// A time of day from captures `H`, `M`, `S`, `ap`, `tz`; `None` if invalid.
fn time_of(c: &regex::Captures<'_>) -> Option<(NaiveTime, Option<String>)> {
    let mut h = num(c, "H")?;
    let m = num(c, "M")?;
    let s = num(c, "S").unwrap_or(0);
    if let Some(ap) = c.name("ap") {
        if h == 0 || h > 12 {
            return None;
        }
        let pm = ap.as_str().eq_ignore_ascii_case("p");
        h = match (pm, h) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    let t = NaiveTime::from_hms_opt(h, m, s)?;
    let tz = c.name("tz").map(|z| {
        let z = z.as_str();
        if z.eq_ignore_ascii_case("z")
            || z.eq_ignore_ascii_case("gmt")
            || z.eq_ignore_ascii_case("utc")
        {
            "Z".to_string()
        } else {
            let digits: String = z.chars().filter(char::is_ascii_digit).collect();
            format!("{}{}:{}", &z[..1], &digits[..2], &digits[2..4])
        }
    });
    Some((t, tz))
}

fn iso(date: NaiveDate, time: Option<(NaiveTime, Option<String>)>) -> String {
    match time {
        None => date.format("%Y-%m-%d").to_string(),
        Some((t, tz)) => format!(
            "{}T{}{}",
            date.format("%Y-%m-%d"),
            t.format("%H:%M:%S"),
            tz.unwrap_or_default()
        ),
    }
}

/// A time-only line (`17:53`), as ISO `HH:MM:SS` plus optional zone.
pub(crate) fn time_only(line: &str) -> Option<(NaiveTime, Option<String>)> {
    if line.len() > 24 || !line.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let c = TIME_ONLY.captures(line.trim())?;
    time_of(&c)
}

/// Combine a date-only hit with a time read from another line.
pub(crate) fn with_time(hit: &DateHit, time: (NaiveTime, Option<String>)) -> Option<String> {
    let date = NaiveDate::parse_from_str(hit.value.get(..10)?, "%Y-%m-%d").ok()?;
    Some(iso(date, Some(time)))
}

/// All full dates in a line, in order, non-overlapping.
pub(crate) fn find_dates(line: &str) -> Vec<DateHit> {
    let mut hits: Vec<DateHit> = Vec::new();
    // Every form needs a year: four digits starting 19 or 20.
    let b = line.as_bytes();
    let has_year = b.windows(4).any(|w| {
        (w[0] == b'1' && w[1] == b'9' || w[0] == b'2' && w[1] == b'0')
            && w[2].is_ascii_digit()
            && w[3].is_ascii_digit()
    });
    if !has_year {
        return hits;
    }
    let mut push = |start: usize,
                    end: usize,
                    y: u32,
                    m: u32,
                    d: u32,
                    iso_time: Option<(NaiveTime, Option<String>)>| {
        let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) else {
            return;
        };
        let mut start = start;
        let (end, mut time) = match iso_time {
            Some(t) => (end, Some(t)),
            None => match TIME_AFTER.captures(&line[end..]) {
                Some(c) => match time_of(&c) {
                    Some(t) => (end + c.get(0).map_or(0, |m| m.end()), Some(t)),
                    None => (end, None),
                },
                None => (end, None),
            },
        };
        if time.is_none() {
            if let Some(c) = TIME_BEFORE.captures(&line[..start]) {
                if let Some(t) = time_of(&c) {
                    start = c.get(0).map_or(start, |m| m.start());
                    time = Some(t);
                }
            }
        }
        hits.push(DateHit {
            value: iso(date, time.clone()),
            start,
            end,
            has_time: time.is_some(),
        });
    };
    for c in ISO.captures_iter(line) {
        let m = c.get(0).expect("match");
        let (Some(y), Some(mo), Some(d)) = (num(&c, "y"), num(&c, "m"), num(&c, "d")) else {
            continue;
        };
        let t = if c.name("H").is_some() {
            time_of(&c)
        } else {
            None
        };
        push(m.start(), m.end(), y, mo, d, t);
    }
    for c in YMD.captures_iter(line) {
        let m = c.get(0).expect("match");
        if let (Some(y), Some(mo), Some(d)) = (num(&c, "y"), num(&c, "m"), num(&c, "d")) {
            push(m.start(), m.end(), y, mo, d, None);
        }
    }
    for re in [&*DMY_WORDS, &*MDY_WORDS] {
        for c in re.captures_iter(line) {
            let m = c.get(0).expect("match");
            let mo = c.name("mon").and_then(|x| month_number(x.as_str()));
            if let (Some(y), Some(mo), Some(d)) = (num(&c, "y"), mo, num(&c, "d")) {
                push(m.start(), m.end(), y, mo, d, None);
            }
        }
    }
    for c in DMY_DOTS.captures_iter(line) {
        let m = c.get(0).expect("match");
        if let (Some(y), Some(d), Some(mo)) = (num(&c, "y"), num(&c, "a"), num(&c, "b")) {
            push(m.start(), m.end(), y, mo, d, None);
        }
    }
    for c in NUM_SLASH.captures_iter(line) {
        let m = c.get(0).expect("match");
        if let (Some(y), Some(a), Some(b)) = (num(&c, "y"), num(&c, "a"), num(&c, "b")) {
            // Only when the order is clear: one part above 12.
            let (d, mo) = match (a > 12, b > 12) {
                (true, false) => (a, b),
                (false, true) => (b, a),
                _ => continue,
            };
            push(m.start(), m.end(), y, mo, d, None);
        }
    }
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let mut out: Vec<DateHit> = Vec::with_capacity(hits.len());
    for h in hits {
        if out.last().is_some_and(|p| h.start < p.end) {
            continue;
        }
        out.push(h);
    }
    out
}

/// Words that may stand next to a date on a date line.
fn is_filler(w: &str) -> bool {
    const FILLER: &[&str] = &[
        "am",
        "at",
        "by",
        "cest",
        "cet",
        "created",
        "date",
        "dated",
        "edt",
        "est",
        "first",
        "gmt",
        "ist",
        "last",
        "logo",
        "local",
        "modified",
        "msk",
        "on",
        "pm",
        "pdt",
        "post",
        "posted",
        "pst",
        "publication",
        "publish",
        "published",
        "sgt",
        "time",
        "update",
        "updated",
        "utc",
    ];
    const DAYS: &[&str] = &[
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    ];
    let l = w.to_ascii_lowercase();
    FILLER.contains(&l.as_str())
        || DAYS.contains(&l.as_str())
        || l.ends_with("day") && DAYS.iter().any(|d| l.starts_with(d))
}

/// If the line is a date line (a date plus at most two other words that are
/// not date vocabulary), the publication date on it: the first date not
/// introduced by "updated"/"modified".
pub(crate) fn date_line(line: &str) -> Option<DateHit> {
    if line.len() > 160 {
        return None;
    }
    let hits = find_dates(line);
    if hits.is_empty() {
        return None;
    }
    let mut other = 0usize;
    let mut pos = 0usize;
    let mut rest = String::new();
    for h in &hits {
        rest.push_str(&line[pos..h.start]);
        rest.push(' ');
        pos = h.end;
    }
    rest.push_str(&line[pos..]);
    for tok in rest.split(|c: char| !c.is_alphanumeric()) {
        if tok.is_empty() || tok.chars().all(|c| c.is_ascii_digit()) && tok.len() <= 2 {
            continue;
        }
        if !is_filler(tok) {
            other += 1;
        }
    }
    if other > 2 {
        return None;
    }
    let lower = line.to_ascii_lowercase();
    hits.iter()
        .find(|h| {
            let before =
                String::from_utf8_lossy(&lower.as_bytes()[h.start.saturating_sub(14)..h.start]);
            !(before.contains("updated") || before.contains("modified"))
        })
        .or(hits.first())
        .cloned()
}

/// Normalise a date given as metadata (a corpus column or an HTML meta
/// tag): the first full date in it, as ISO 8601.
pub(crate) fn normalize(value: &str) -> Option<String> {
    find_dates(value.get(..value.len().min(200)).unwrap_or(value))
        .into_iter()
        .next()
        .map(|h| h.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(s: &str) -> Option<String> {
        find_dates(s).into_iter().next().map(|h| h.value)
    }

    #[test]
    fn forms() {
        assert_eq!(
            first("17 April, 2023 Monday 17:53").as_deref(),
            Some("2023-04-17T17:53:00")
        );
        assert_eq!(
            first("17 Apr 2023 05:31AM (Updated: 17 Apr 2023 05:32AM)").as_deref(),
            Some("2023-04-17T05:31:00")
        );
        assert_eq!(
            first("Date:2025-04-16 10:42:58").as_deref(),
            Some("2025-04-16T10:42:58")
        );
        assert_eq!(
            first(" date 2023-04-17 Logo").as_deref(),
            Some("2023-04-17")
        );
        assert_eq!(first("April 16, 2023").as_deref(), Some("2023-04-16"));
        assert_eq!(
            first("Sun 16 Apr 2023 12.05 BST").as_deref(),
            Some("2023-04-16")
        );
        assert_eq!(
            first("2023-04-17T05:31:00+0800").as_deref(),
            Some("2023-04-17T05:31:00+08:00")
        );
        assert_eq!(
            first("2023-04-17T05:31:00Z").as_deref(),
            Some("2023-04-17T05:31:00Z")
        );
        assert_eq!(
            first("Published 3:15 pm on April 2nd, 2023").as_deref(),
            Some("2023-04-02T15:15:00")
        );
        assert_eq!(first("17.04.2023").as_deref(), Some("2023-04-17"));
        assert_eq!(first("17/04/2023").as_deref(), Some("2023-04-17"));
        assert_eq!(first("04/17/2023").as_deref(), Some("2023-04-17"));
        assert_eq!(first("04/05/2023"), None, "ambiguous order is not guessed");
        assert_eq!(first("31 February 2023"), None);
        assert_eq!(
            first("12:30 PM April 3, 2023").as_deref(),
            Some("2023-04-03T12:30:00")
        );
        assert_eq!(
            first("April 3, 2023 12:30 PM").as_deref(),
            Some("2023-04-03T12:30:00")
        );
        assert_eq!(
            first("April 3, 2023 12:30 AM").as_deref(),
            Some("2023-04-03T00:30:00")
        );
    }

    #[test]
    fn date_lines() {
        let h = date_line("17 Apr 2023 05:31AM (Updated: 17 Apr 2023 05:32AM)").unwrap();
        assert_eq!(h.value, "2023-04-17T05:31:00");
        assert!(date_line("Published on Monday, 17 April 2023").is_some());
        assert!(date_line(" date 2023-04-17 Logo").is_some());
        assert!(
            date_line("The talks will last until 19 April 2023, officials said on Sunday.")
                .is_none()
        );
        assert!(
            date_line("Updated: 2 May 2023 | First published: 1 May 2023")
                .unwrap()
                .value
                == "2023-05-01"
        );
        assert_eq!(
            date_line("Published: 07:02, 12 March 2025 | Updated: 09:41, 12 March 2025")
                .unwrap()
                .value,
            "2025-03-12T07:02:00"
        );
    }

    #[test]
    fn times() {
        assert!(time_only("17:53").is_some());
        assert!(time_only("5:31 PM").is_some());
        assert!(time_only("25:00").is_none());
        assert!(time_only("Oreshnik strike").is_none());
    }
}
