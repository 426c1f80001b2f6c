//! Metadata read from a cleaned page: title, publication date, outlet,
//! byline, wire credits, URL.
//!
//! Takes: a [`Cleaned`] page.
//! Gives: [`Field`]s, each with the exact text it was read from, or `None`
//! when the page does not state the value. Only the header (the lines above
//! the body that are not part of another story's teaser list) is searched
//! for title, date and byline; dates inside "read also"/related lists and
//! photo captions are never used. Wire credits come from credit lines,
//! bylines and datelines ("MOSCOW (Reuters) -"), never from photo credits.

use super::clean::{Cleaned, Junk, Kind};
use super::dates;
use super::patterns;
use super::{Field, Origin};

/// Lines of the header zone: above the body, not inside a list.
fn header(c: &Cleaned) -> impl Iterator<Item = usize> + '_ {
    (0..c.body_start.min(c.lines.len())).filter(|&i| !c.in_list[i])
}

/// The first non-empty line, if it reads as a masthead (a short name).
fn masthead(c: &Cleaned, title_line: Option<usize>) -> Option<Field> {
    let i = 0;
    if c.lines.is_empty() || c.in_list[i] || c.body_start == 0 || title_line == Some(i) {
        return None;
    }
    if !matches!(c.kinds[i], Kind::Heading) {
        return None;
    }
    let t = c.text(i).trim();
    let st = &c.stats[i];
    let capitalised = t
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .all(|w| w.starts_with(|ch: char| ch.is_uppercase()));
    if !(1..=4).contains(&st.words) || !capitalised || st.ends_sentence && !t.ends_with('.') {
        return None;
    }
    let value = t.trim_end_matches(['.', ':', '|', '-']).trim();
    (!value.is_empty()).then(|| Field::new(unshout(value), t, Origin::Page))
}

/// An all-capitals masthead ("THE DAILY KLAXON") in title case ("The Daily
/// Klaxon"); words of up to three letters other than a leading "THE" stay
/// as they are (acronyms: "ABC NEWS" becomes "ABC News").
fn unshout(name: &str) -> String {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() || letters.iter().any(|c| c.is_lowercase()) {
        return name.to_string();
    }
    let mut out = Vec::new();
    for (k, w) in name.split(' ').enumerate() {
        let n = w.chars().filter(|c| c.is_alphabetic()).count();
        if n >= 4 || (k == 0 && w == "THE") {
            let mut cs = w.chars();
            let first = cs.next().map(|c| c.to_string()).unwrap_or_default();
            out.push(format!("{first}{}", cs.as_str().to_lowercase()));
        } else {
            out.push(w.to_string());
        }
    }
    out.join(" ")
}

/// The headline: the best headline-like line of the header. Scored by
/// length, repetition (pages often repeat their headline), closeness to the
/// body and Markdown heading marks.
pub(crate) fn title(c: &Cleaned) -> Option<(usize, Field)> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for i in header(c) {
        *counts.entry(c.text(i)).or_default() += 1;
    }
    let mut best: Option<(f32, usize)> = None;
    let mut scored: Vec<(f32, usize)> = Vec::new();
    let body_start = c.body_start;
    for i in header(c) {
        let ok_kind = matches!(c.kinds[i], Kind::Heading | Kind::Junk(Junk::Repeated))
            || c.kinds[i] == Kind::Prose && !c.stats[i].ends_period && c.stats[i].words <= 30;
        if !ok_kind {
            continue;
        }
        let t = c.text(i);
        let st = &c.stats[i];
        if !(3..=30).contains(&st.words) || t.len() > 300 || st.lowercase + st.capitalised < 3 {
            continue;
        }
        if i == 0 && st.words <= 4
            || patterns::edition_outlet(t).is_some()
            || c.lines[i].segmented.is_some()
            || t.matches(['|', '·', '•']).count() >= 2
        {
            continue;
        }
        let reps = counts.get(t).copied().unwrap_or(1).min(3) as f32;
        let dist = body_start.saturating_sub(i) as f32;
        let score = st.words.min(20) as f32
            + 4.0 * (reps - 1.0)
            + (6.0 - dist).max(0.0)
            + if c.lines[i].heading { 5.0 } else { 0.0 };
        scored.push((score, i));
        if best.is_none_or_lower(score) {
            best = Some((score, i));
        }
    }
    let (best_score, mut i) = best?;
    // A standfirst follows its headline: when the best line comes right
    // after another headline-like candidate that scores nearly as well,
    // the earlier one is the headline.
    if i > 0 {
        if let Some(&(prev_score, _)) = scored.iter().find(|&&(_, j)| j == i - 1) {
            if prev_score >= best_score - 8.0 && c.text(i - 1) != c.text(i) {
                i -= 1;
            }
        }
    }
    let t = c.text(i).trim();
    Some((i, Field::new(t, t, Origin::Page)))
}

trait Lower {
    fn is_none_or_lower(&self, score: f32) -> bool;
}

impl Lower for Option<(f32, usize)> {
    fn is_none_or_lower(&self, score: f32) -> bool {
        match self {
            None => true,
            Some((s, _)) => score >= *s,
        }
    }
}

/// The publication date stated in the header: date lines (a following
/// time-only line is joined to a date without time); a date with a time of
/// day beats one without; otherwise the one closest to the body.
pub(crate) fn published(c: &Cleaned) -> Option<Field> {
    let mut best: Option<(bool, usize, Field)> = None;
    for i in header(c) {
        if c.kinds[i] != Kind::DateLine {
            continue;
        }
        let t = c.text(i);
        let Some(hit) = dates::date_line(t) else {
            continue;
        };
        let mut value = hit.value.clone();
        let mut evidence = t.to_string();
        let mut has_time = hit.has_time;
        if !has_time && i + 1 < c.lines.len() && c.kinds[i + 1] == Kind::Time && !c.in_list[i + 1] {
            if let Some(tm) = dates::time_only(c.text(i + 1)) {
                if let Some(v) = dates::with_time(&hit, tm) {
                    value = v;
                    evidence = format!("{t}\n{}", c.text(i + 1));
                    has_time = true;
                }
            }
        }
        let better = match &best {
            None => true,
            Some((bt, _, _)) => has_time || !bt,
        };
        if better {
            best = Some((has_time, i, Field::new(value, evidence, Origin::Page)));
        }
    }
    best.map(|(_, _, f)| f)
}

/// The outlet as the page states it: a masthead first line, an
/// "Outlet - Edition" line, a "Title - Outlet" line, a copyright line, a
/// newsletter prompt ("... X's newsletters").
pub(crate) fn outlet(c: &Cleaned, title: Option<&(usize, Field)>) -> Option<Field> {
    for i in header(c) {
        let t = c.text(i);
        if let Some(name) = patterns::edition_outlet(t) {
            return Some(Field::new(name, t, Origin::Page));
        }
    }
    if let Some((ti, tf)) = title {
        let tt = tf.value.as_str();
        for i in header(c) {
            let line = c.text(i);
            if i == *ti || line.len() > 400 || line == tt {
                continue;
            }
            let Some(pos) = line.find(tt) else { continue };
            let after = line[pos + tt.len()..].trim();
            let before = line[..pos].trim();
            for (part, sep_first) in [(after, true), (before, false)] {
                let name = if sep_first {
                    part.strip_prefix(['-', '|', '–', '—', ':', '·', '»'])
                } else {
                    part.strip_suffix(['-', '|', '–', '—', ':', '·', '»'])
                };
                if let Some(name) = name.map(str::trim) {
                    let w = name.split_whitespace().count();
                    if (1..=6).contains(&w) && name.starts_with(|ch: char| ch.is_alphanumeric()) {
                        return Some(Field::new(name, line, Origin::Page));
                    }
                }
            }
        }
    }
    if let Some(f) = masthead(c, title.map(|t| t.0)) {
        return Some(f);
    }
    // Page furniture (footers, newsletter prompts) may sit below a list of
    // other stories; only the other stories' headlines themselves are
    // excluded.
    let outside_body =
        (0..c.lines.len()).filter(|&i| !c.in_body[i] && c.kinds[i] != Kind::OtherHeadline);
    let mut newsletter = None;
    for i in outside_body {
        let t = c.text(i);
        if let Some(name) = patterns::copyright_outlet(t) {
            return Some(Field::new(name, t, Origin::Page));
        }
        if newsletter.is_none() {
            newsletter = patterns::newsletter_outlet(t).map(|n| Field::new(n, t, Origin::Page));
        }
    }
    newsletter
}

/// The byline in the header.
pub(crate) fn byline(c: &Cleaned) -> Option<Field> {
    for i in header(c) {
        if c.kinds[i] != Kind::Byline {
            continue;
        }
        let t = c.text(i);
        if let Some((name, _)) = patterns::byline(t) {
            return Some(Field::new(name, t, Origin::Page));
        }
    }
    // "(Reporting by X; Editing by Y)" after the body.
    for i in c.body_end..c.lines.len() {
        if c.kinds[i] == Kind::Credit && !c.in_list[i] {
            let t = c.text(i);
            let l = t.to_ascii_lowercase();
            if let Some(p) = l.find("reporting by ") {
                let rest = &t[p + "reporting by ".len()..];
                let name = rest
                    .split([';', ')', ','])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_end_matches('.');
                if !name.is_empty() && name.split_whitespace().count() <= 8 {
                    return Some(Field::new(name, t, Origin::Page));
                }
            }
        }
    }
    None
}

/// Wire services credited, in order of first mention, each once; and notes
/// about wire names that appear only in photo credits.
pub(crate) fn wire_credits(c: &Cleaned) -> (Vec<Field>, Vec<String>) {
    let mut out: Vec<Field> = Vec::new();
    // The same agency may be named in full and abbreviated ("Meridian
    // Press Agency", "(MPA)"): kept once, as first named.
    let add = |w: &str, evidence: &str, out: &mut Vec<Field>| {
        let same = |f: &Field| {
            f.value == w || patterns::initials(&f.value) == w || patterns::initials(w) == f.value
        };
        if !out.iter().any(same) {
            out.push(Field::new(w, evidence, Origin::Page));
        }
    };
    let body_first = c.body.first().copied();
    for i in 0..c.lines.len() {
        if c.in_list[i] {
            continue;
        }
        let t = c.text(i);
        match c.kinds[i] {
            Kind::Credit => {
                for w in patterns::credited_agencies(t) {
                    add(&w, t, &mut out);
                }
            }
            Kind::Byline => {
                if let Some((name, rest)) = patterns::byline(t) {
                    for w in patterns::wires_in(&name) {
                        add(w, t, &mut out);
                    }
                    for w in patterns::credited_agencies(&rest) {
                        add(&w, t, &mut out);
                    }
                }
            }
            Kind::Prose if Some(i) == body_first || c.in_body[i] && c.stats[i].words > 5 => {
                if let Some((dl, w)) = patterns::dateline_wire(t) {
                    add(&w, &dl, &mut out);
                }
            }
            _ => {}
        }
    }
    let mut notes = Vec::new();
    for &i in &c.captions {
        for w in patterns::wires_in(c.text(i)) {
            let n =
                format!("a photo caption credits {w} (photo credit; not counted as a wire credit)");
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
    }
    (out, notes)
}

/// A URL stated on its own line in the header.
pub(crate) fn url(c: &Cleaned) -> Option<String> {
    header(c)
        .find(|&i| c.kinds[i] == Kind::Junk(Junk::Url))
        .map(|i| {
            let u = c.text(i);
            if u.starts_with("www.") {
                format!("https://{u}")
            } else {
                u.to_string()
            }
        })
}

/// The host of a URL without `www.`, for an outlet read from the URL.
pub(crate) fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host
        .strip_prefix("www.")
        .unwrap_or(host)
        .to_ascii_lowercase();
    (host.contains('.') && host.len() <= 253).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shouting_mastheads() {
        assert_eq!(unshout("THE DAILY KLAXON"), "The Daily Klaxon");
        assert_eq!(unshout("ABC NEWS"), "ABC News");
        assert_eq!(unshout("Espreso. Global"), "Espreso. Global");
    }

    #[test]
    fn hosts() {
        assert_eq!(
            host("https://www.example.com/a?b").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host("http://user@news.example.org:8080/").as_deref(),
            Some("news.example.org")
        );
        assert_eq!(host("not a url"), None);
    }
}
