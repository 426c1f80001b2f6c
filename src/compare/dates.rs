//! Date consistency: does the stated publication date fit the text and the story?
//!
//! Takes: a stated date (ISO 8601 value and the text it was read from), the
//! article body, and the dates of the story's other articles.
//! Gives: human-readable reasons for a `date_mismatch` flag (empty = fine).
//!
//! Checks, each conservative (no reason is given unless the text is explicit):
//! 1. **Stated weekday**: the text the date was read from names a weekday
//!    ("17 April, 2023 Monday") that is not the weekday of that date.
//! 2. **Weekday + date in the body**: "on Sunday (Apr 16)", "Sunday, April
//!    16", "Sunday 16 April": the weekday of that day in the year nearest the
//!    stated date (an explicit year wins) is not the named weekday.
//! 3. **Later month in the body**: the body reports "in March 2024" (month +
//!    year, or "in/since 2024") after the stated month, in a sentence without
//!    a future cue (will, plan, expected, scheduled, next, ...).
//! 4. **Story**: at least two other dated articles of the story, and the
//!    stated date is more than the story window away from their median date.
//!    (A lone disagreeing pair is not flagged: nothing says which is wrong.)
//!
//! A bare weekday ("on Sunday") never contradicts a date by itself: every
//! weekday falls within the week before any date.

use chrono::{Datelike, NaiveDate, Weekday};
use regex::Regex;
use std::sync::OnceLock;

/// Parse the date part of an ISO 8601 value (`2023-04-17`, `2023-04-17T05:31:00`).
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.get(..10)?, "%Y-%m-%d").ok()
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

fn weekday_of(name: &str) -> Option<Weekday> {
    let n = name.to_lowercase();
    WEEKDAYS
        .iter()
        .find(|(w, _)| n.starts_with(&w[..3]) && w.starts_with(n.as_str()))
        .map(|x| x.1)
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn month_of(name: &str) -> Option<u32> {
    const M: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let n = name.trim_end_matches('.').to_lowercase();
    if n.len() < 3 {
        return None;
    }
    M.iter()
        .position(|m| m.starts_with(n.as_str()))
        .map(|i| i as u32 + 1)
}

const MONTH_RE: &str = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";
const WEEKDAY_RE: &str = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day";

fn re_weekday_date() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"\b(?P<wd>{WEEKDAY_RE})\b[\s,(]{{1,3}}(?:(?P<m1>{MONTH_RE})\s+(?P<d1>\d{{1,2}})|(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH_RE}))(?:\b|\.)(?:,?\s+(?P<y>(?:19|20)\d\d))?"
        ))
        .expect("valid regex")
    })
}

fn re_month_year() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"\b(?:(?P<m>{MONTH_RE})\s+(?P<y1>(?:19|20)\d\d)|(?:[Ii]n|[Ss]ince)\s+(?P<y2>(?:19|20)\d\d))\b"
        ))
        .expect("valid regex")
    })
}

fn re_future() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"(?i)\b(?:will|shall|plans?|planned|planning|expected|expects?|scheduled|due|next|upcoming|would|could|aims?|target|deadline|by|until|forecasts?|projected|intends?)\b")
            .expect("valid regex")
    })
}

/// Check 1: a weekday named in the date's evidence text.
pub fn evidence_weekday(evidence: &str, date: NaiveDate) -> Option<String> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re =
        R.get_or_init(|| Regex::new(&format!(r"(?i)\b({WEEKDAY_RE})\b")).expect("valid regex"));
    let named = re.captures(evidence)?.get(1)?.as_str().to_string();
    let w = weekday_of(&named)?;
    (w != date.weekday()).then(|| {
        format!(
            "the page states {} as a {named}, but it was a {}",
            date.format("%Y-%m-%d"),
            weekday_name(date.weekday())
        )
    })
}

/// Check 2: weekday + day-of-month in the body.
pub fn body_weekday_dates(body: &str, stated: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    for c in re_weekday_date().captures_iter(body) {
        let Some(wd) = c.name("wd").and_then(|m| weekday_of(m.as_str())) else {
            continue;
        };
        let (m, d) = match (c.name("m1"), c.name("d1"), c.name("m2"), c.name("d2")) {
            (Some(m), Some(d), _, _) | (_, _, Some(m), Some(d)) => (m.as_str(), d.as_str()),
            _ => continue,
        };
        let (Some(month), Ok(day)) = (month_of(m), d.parse::<u32>()) else {
            continue;
        };
        let date = match c.name("y").and_then(|y| y.as_str().parse::<i32>().ok()) {
            Some(y) => NaiveDate::from_ymd_opt(y, month, day),
            None => [stated.year() - 1, stated.year(), stated.year() + 1]
                .iter()
                .filter_map(|y| NaiveDate::from_ymd_opt(*y, month, day))
                .min_by_key(|x| (*x - stated).num_days().abs()),
        };
        let Some(date) = date else { continue };
        if date.weekday() != wd {
            out.push(format!(
                "the text says \"{}\", but {} was a {}",
                c.get(0).map(|m| m.as_str()).unwrap_or("").trim(),
                date.format("%Y-%m-%d"),
                weekday_name(date.weekday())
            ));
        }
    }
    out
}

/// Check 3: the body reports a month (or year) after the stated date.
/// `sentences` are byte ranges of `body`.
pub fn body_later_months(
    body: &str,
    sentences: &[(usize, usize)],
    stated: NaiveDate,
) -> Vec<String> {
    let mut out = Vec::new();
    for &(s0, s1) in sentences {
        let Some(sent) = body.get(s0..s1) else {
            continue;
        };
        // Every match of the month-year pattern holds a year starting
        // "19" or "20": most sentences skip both regexes.
        if !(sent.contains("19") || sent.contains("20")) {
            continue;
        }
        if re_future().is_match(sent) {
            continue;
        }
        for c in re_month_year().captures_iter(sent) {
            let later = if let (Some(m), Some(y)) = (c.name("m"), c.name("y1")) {
                let (Some(m), Ok(y)) = (month_of(m.as_str()), y.as_str().parse::<i32>()) else {
                    continue;
                };
                (y, m) > (stated.year(), stated.month())
            } else if let Some(y) = c.name("y2") {
                y.as_str().parse::<i32>().is_ok_and(|y| y > stated.year())
            } else {
                false
            };
            if later {
                out.push(format!(
                    "the text reports \"{}\", after the stated date {}",
                    c.get(0).map(|m| m.as_str()).unwrap_or(""),
                    stated.format("%Y-%m-%d")
                ));
            }
        }
    }
    out
}

/// Check 4: the stated date against the other dated articles of the story.
pub fn story_mismatch(stated: NaiveDate, others: &[NaiveDate], window_days: i64) -> Option<String> {
    if others.len() < 2 {
        return None;
    }
    let mut v = others.to_vec();
    v.sort();
    let median = v[(v.len() - 1) / 2];
    let gap = (stated - median).num_days().abs();
    (gap > window_days).then(|| {
        format!(
            "stated {} but the story's other {} dated articles centre on {} ({} days apart)",
            stated.format("%Y-%m-%d"),
            v.len(),
            median.format("%Y-%m-%d"),
            gap
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn parses_iso_dates_with_and_without_time() {
        assert_eq!(parse_date("2023-04-17T05:31:00"), Some(d("2023-04-17")));
        assert_eq!(parse_date("17/04/2023"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn stated_weekday_must_match() {
        assert!(evidence_weekday("17 April, 2023 Monday", d("2023-04-17")).is_none());
        assert!(evidence_weekday("Tuesday, 17 April 2023", d("2023-04-17")).is_some());
        assert!(evidence_weekday("2023-04-17", d("2023-04-17")).is_none());
    }

    #[test]
    fn weekday_with_date_in_body() {
        // 2021-03-14 was a Sunday.
        let ok = "The ferry sank on Sunday (Mar 14) near the cape.";
        assert!(body_weekday_dates(ok, d("2021-03-15")).is_empty());
        let bad = "The ferry sank on Sunday (Mar 14) near the cape.";
        assert_eq!(body_weekday_dates(bad, d("2022-03-15")).len(), 1);
        let dmy = "It opened on Sunday 14 March, 2021 at noon.";
        assert!(body_weekday_dates(dmy, d("2030-01-01")).is_empty());
        // A bare weekday never contradicts.
        assert!(body_weekday_dates("It sank on Sunday.", d("2022-03-16")).is_empty());
    }

    #[test]
    fn later_months_in_past_tense_sentences() {
        let body = "The plant closed in March 2024. It will reopen in June 2025.";
        let sents = vec![(0, 31), (32, body.len())];
        let r = body_later_months(body, &sents, d("2023-05-01"));
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(body_later_months(body, &sents, d("2024-04-01")).is_empty());
    }

    #[test]
    fn story_dates() {
        let others = [d("2023-04-17"), d("2023-04-16"), d("2023-04-18")];
        assert!(story_mismatch(d("2023-04-17"), &others, 3).is_none());
        assert!(story_mismatch(d("2025-04-16"), &others, 3).is_some());
        assert!(story_mismatch(d("2025-04-16"), &others[..1], 3).is_none());
    }
}
