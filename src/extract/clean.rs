//! Boilerplate removal on lines of text.
//!
//! Takes: normalised [`Line`]s of one page (and, for HTML, the texts of its
//! `<figcaption>`s).
//! Gives: a [`Cleaned`] page: every line's [`Kind`], which lines form the
//! article body, which are captions, other stories' headlines and spam, and
//! where the body starts (the header above it is where title, date, outlet
//! and byline are looked for).
//!
//! How: each line is classified from cheap features (length, share of
//! function words, sentence-final punctuation, bullets, timestamps) and
//! fixed furniture patterns (share rows, ads, menus, template leftovers,
//! calls to subscribe or sign in, captions, credits). Marker lines ("Read
//! also", "Related", "Ranking", "Tags:") open lists in which every short
//! line is another story's headline, until real prose resumes; runs of
//! headlines interleaved with timestamps are caught without a marker too.
//! Each line then gets a score (positive for prose, in proportion to its
//! length and function-word share; negative for furniture) and the body is
//! the maximum-sum run of lines (Kadane), plus any further run worth at
//! least [`EXTRA_SEGMENT_MIN`]. Inside the body runs, every prose line is
//! kept, however short: a one-line paragraph survives because the runs
//! around it carry it. Everything is linear in the input size.

use super::normalize::{Line, Lines};
use super::patterns::{self, MarkerKind};
use super::words::{self, LineStats};
use crate::model::terms::FxMap;
use std::borrow::Cow;
use std::collections::HashSet;

/// A further body run (after the best one) is kept when its score reaches
/// this (about two paragraphs of prose).
pub(crate) const EXTRA_SEGMENT_MIN: f32 = 30.0;
/// At most this many extra runs are searched (keeps the work linear).
const MAX_EXTRA_SEGMENTS: usize = 16;
/// At most this many spam teasers are listed per page.
pub(crate) const MAX_SPAM_LISTED: usize = 200;
/// Lines longer than this skip the furniture patterns (furniture is short).
const SHORT_LINE: usize = 400;

/// Why a line is furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Junk {
    Share,
    Ad,
    Menu,
    Template,
    CallToAction,
    Breadcrumb,
    Url,
    Reaction,
    Tag,
    Repeated,
    Fragment,
    /// Copyright and legal lines.
    Legal,
    /// A teaser ending in a link.
    Link,
}

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Running text: a body paragraph when inside the body runs.
    Prose,
    /// A short line without sentence punctuation: a title, subheading or
    /// unidentified fragment.
    Heading,
    Junk(Junk),
    /// Opens a list of other headlines or tags.
    Marker(MarkerKind),
    /// Another story's headline (teaser).
    OtherHeadline,
    /// A photo caption or credit.
    Caption,
    /// A line that states a date.
    DateLine,
    /// A time of day, partial date or relative time.
    Time,
    Byline,
    /// A credit line ("Source: Reuters").
    Credit,
    /// A headline label ("OPINION", "Exclusive").
    Label,
}

/// The result of cleaning one page.
#[derive(Debug, Clone)]
pub(crate) struct Cleaned {
    /// The page's lines; their texts lie in `buf`.
    pub lines: Vec<Line>,
    /// The lines' texts ([`Lines::buf`]).
    pub buf: String,
    pub kinds: Vec<Kind>,
    pub stats: Vec<LineStats>,
    /// Inside a list of other stories / tags.
    pub in_list: Vec<bool>,
    /// Line indexes of body paragraphs, in order.
    pub body: Vec<usize>,
    /// Per line: is it a body paragraph? (A body paragraph's text is
    /// [`Cleaned::text`] of its line.)
    pub in_body: Vec<bool>,
    /// Line indexes of captions, in order.
    pub captions: Vec<usize>,
    /// The standfirst (dek) line above the byline, if any; not in `body`.
    pub standfirst: Option<usize>,
    /// Index of the first body line (`lines.len()` when there is none).
    pub body_start: usize,
    /// Index after the last body line.
    pub body_end: usize,
    pub other_headlines: usize,
    /// Spam teasers, at most [`MAX_SPAM_LISTED`], each cut to 200 chars.
    pub spam: Vec<String>,
    /// Distinct spam teasers found (may exceed `spam.len()`).
    pub spam_total: usize,
    /// Prose-like lines (>= 25 words) left out because they lie outside the
    /// body runs.
    pub dropped_prose: usize,
}

impl Cleaned {
    /// The bullet-stripped text of line `i`.
    pub fn text(&self, i: usize) -> &str {
        patterns::strip_bullet(self.lines[i].text(&self.buf))
    }
}

/// Normalised key for repeat counting.
/// Borrowed when lower-casing changes nothing (ASCII without capitals, the
/// common case), so most lines need no new `String`.
fn repeat_key(s: &str) -> Option<Cow<'_, str>> {
    (s.len() <= 160).then(|| {
        let t = s.trim();
        if t.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            Cow::Borrowed(t)
        } else {
            Cow::Owned(t.to_lowercase())
        }
    })
}

/// Sentence-like: reads as running text rather than a label or headline.
fn sentence_like(st: &LineStats) -> bool {
    (st.ends_sentence && st.words >= 2 && st.lowercase >= 1)
        || (st.words >= 15 && st.function_ratio() >= 0.15)
        || st.words >= 40
}

/// Classify one line on its own.
fn classify(line: &Line, buf: &str, figcaptions: &HashSet<&str>) -> (Kind, LineStats) {
    let text = patterns::strip_bullet(line.text(buf));
    let st = words::stats(text);
    if line.image {
        return (Kind::Caption, st);
    }
    if st.words == 0 {
        return (Kind::Junk(Junk::Fragment), st);
    }
    if !figcaptions.is_empty() && text.len() <= 2000 && figcaptions.contains(text) {
        return (Kind::Caption, st);
    }
    let short = text.len() <= SHORT_LINE;
    // Furniture is short: long lines skip the furniture patterns.
    let few_words = short && st.words <= 24;
    if few_words {
        if patterns::is_template(text) {
            return (Kind::Junk(Junk::Template), st);
        }
        if let Some(k) = patterns::marker(text) {
            return (Kind::Marker(k), st);
        }
        if patterns::is_inline_teaser(text) && !sentence_like(&st) {
            return (Kind::OtherHeadline, st);
        }
        if patterns::is_share_row(text) {
            return (Kind::Junk(Junk::Share), st);
        }
        if patterns::is_ad(text) {
            return (Kind::Junk(Junk::Ad), st);
        }
        if patterns::is_label(text) {
            return (Kind::Label, st);
        }
        if patterns::is_menu(text) {
            return (Kind::Junk(Junk::Menu), st);
        }
        if super::dates::time_only(text).is_some() || patterns::is_date_fragment(text) {
            return (Kind::Time, st);
        }
        if patterns::is_breadcrumb(text) {
            return (Kind::Junk(Junk::Breadcrumb), st);
        }
        if patterns::is_url(text) {
            return (Kind::Junk(Junk::Url), st);
        }
        if patterns::is_relative_time(text) {
            return (Kind::Time, st);
        }
        if patterns::is_nav_bar(line.segmented.as_deref().unwrap_or(text)) {
            return (Kind::Junk(Junk::Menu), st);
        }
        if patterns::is_reaction(text) {
            return (Kind::Junk(Junk::Reaction), st);
        }
    }
    if patterns::is_link_teaser(text) {
        return (Kind::Junk(Junk::Link), st);
    }
    // Clear running prose can still be a caption (credit at the end) or a
    // wordy call to action, but not a credit line, date line, byline or
    // legal notice: those checks are skipped for it.
    let clear_prose = st.words >= 15 && st.ends_sentence && st.function_ratio() >= 0.2;
    if short && !clear_prose && st.words <= 30 && patterns::is_credit(text) {
        return (Kind::Credit, st);
    }
    if patterns::is_caption(text) {
        return (Kind::Caption, st);
    }
    if few_words && !clear_prose {
        if super::dates::date_line(text).is_some() {
            return (Kind::DateLine, st);
        }
        if patterns::byline(text).is_some() {
            return (Kind::Byline, st);
        }
    }
    if short && !clear_prose && st.words <= 30 && patterns::is_legal(text) {
        return (Kind::Junk(Junk::Legal), st);
    }
    if st.words <= 80 {
        let cta = patterns::cta_score(text);
        let is_cta = (cta >= 2 && (st.words <= 60 || cta >= 4))
            || (cta >= 1 && !sentence_like(&st) && st.words <= 15);
        if is_cta {
            return (Kind::Junk(Junk::CallToAction), st);
        }
    }
    if sentence_like(&st) {
        (Kind::Prose, st)
    } else {
        (Kind::Heading, st)
    }
}

fn score(kind: Kind, st: &LineStats) -> f32 {
    match kind {
        Kind::Prose => (st.words as f32 * (0.5 + st.function_ratio())).clamp(1.5, 60.0),
        Kind::Heading => -1.5,
        Kind::Junk(_) => -(3.0 + st.words.min(40) as f32 * 0.2),
        Kind::Marker(_) => -8.0,
        Kind::OtherHeadline => -3.0,
        Kind::Caption => -2.0,
        Kind::DateLine | Kind::Time | Kind::Byline | Kind::Credit | Kind::Label => -1.5,
    }
}

/// Best (maximum-sum) run within `lo..hi`: `(start, end_exclusive, sum)`.
fn best_run(scores: &[f32], lo: usize, hi: usize) -> Option<(usize, usize, f32)> {
    let mut best: Option<(usize, usize, f32)> = None;
    let mut cur_start = lo;
    let mut cur = 0.0f32;
    for (i, &s) in scores.iter().enumerate().take(hi).skip(lo) {
        if cur <= 0.0 {
            cur_start = i;
            cur = 0.0;
        }
        cur += s;
        if cur > 0.0 && best.map_or(true, |b| cur > b.2) {
            best = Some((cur_start, i + 1, cur));
        }
    }
    best
}

/// Does prose resume here, ending a list of other stories?
fn ends_list(kind: Kind, st: &LineStats) -> bool {
    kind == Kind::Prose
        && ((st.ends_period && st.words >= 4 && st.function_ratio() >= 0.15) || st.words >= 30)
}

/// Clean a page's lines. See the module docs.
pub(crate) fn clean(lines: Lines, figcaptions: &[String]) -> Cleaned {
    let Lines { buf, lines } = lines;
    let n = lines.len();
    let text_of = |i: usize| lines[i].text(&buf);
    let figcaptions: HashSet<&str> = figcaptions.iter().map(String::as_str).collect();
    let mut kinds = Vec::with_capacity(n);
    let mut stats = Vec::with_capacity(n);
    for l in &lines {
        let (k, s) = classify(l, &buf, &figcaptions);
        kinds.push(k);
        stats.push(s);
    }

    // Alt text repeated just before/after its caption is part of it.
    for i in 0..n {
        if matches!(kinds[i], Kind::Heading | Kind::Prose) && lines[i].text_len() <= 600 {
            let t = text_of(i).trim_end_matches('.');
            let near_caption = |j: usize| {
                kinds[j] == Kind::Caption
                    && lines[j].text_len() > t.len()
                    && text_of(j).starts_with(t)
            };
            if (i + 1 < n && near_caption(i + 1)) || (i > 0 && near_caption(i - 1)) {
                kinds[i] = Kind::Caption;
            }
        }
    }

    // Short lines repeated on the page (menus, mastheads, titles) are
    // furniture in the body; prose repeats are deduplicated later.
    // Each line's key is made once and looked up by reference.
    let keys: Vec<Option<Cow<'_, str>>> = lines.iter().map(|l| repeat_key(l.text(&buf))).collect();
    // Fx hashing: these maps see every line's text and are only looked up.
    // Sized once for every line (no rehashing while it fills).
    let mut counts: FxMap<&str, usize> = FxMap::with_capacity_and_hasher(n, Default::default());
    for k in keys.iter().flatten() {
        *counts.entry(k.as_ref()).or_default() += 1;
    }
    for i in 0..n {
        if kinds[i] == Kind::Heading {
            let repeats = keys[i]
                .as_deref()
                .and_then(|k| counts.get(k).copied())
                .unwrap_or(1);
            if repeats >= 2 {
                kinds[i] = Kind::Junk(Junk::Repeated);
            }
        }
    }

    // Lists of other stories: after a marker, until prose resumes.
    let mut in_list = vec![false; n];
    let mut mode: Option<MarkerKind> = None;
    for i in 0..n {
        match kinds[i] {
            Kind::Marker(k) => {
                mode = Some(k);
                in_list[i] = true;
                continue;
            }
            k if mode.is_some() && ends_list(k, &stats[i]) => mode = None,
            _ => {}
        }
        if let Some(m) = mode {
            in_list[i] = true;
            kinds[i] = match (kinds[i], m) {
                (
                    Kind::Prose
                    | Kind::Heading
                    | Kind::Byline
                    | Kind::DateLine
                    | Kind::Junk(Junk::Repeated),
                    MarkerKind::Headlines,
                ) => {
                    if stats[i].words >= 3 {
                        Kind::OtherHeadline
                    } else {
                        Kind::Junk(Junk::Fragment)
                    }
                }
                (Kind::Prose | Kind::Heading | Kind::Byline | Kind::DateLine, MarkerKind::Tags) => {
                    Kind::Junk(Junk::Tag)
                }
                (Kind::Caption | Kind::Credit | Kind::Junk(Junk::Repeated), _) => {
                    Kind::Junk(Junk::Fragment)
                }
                (k, _) => k,
            };
        }
    }

    // Headlines interleaved with timestamps, without a marker: a short
    // non-sentence line right after a time (labels skipped), with at least
    // two times among the neighbouring lines.
    let time_idx: Vec<usize> = (0..n).filter(|&i| kinds[i] == Kind::Time).collect();
    if time_idx.len() >= 2 {
        for i in 1..n {
            if !matches!(
                kinds[i],
                Kind::Heading | Kind::Prose | Kind::Junk(Junk::Repeated)
            ) || in_list[i]
            {
                continue;
            }
            if stats[i].words >= 30 || stats[i].ends_period {
                continue;
            }
            let mut j = i - 1;
            while j > 0 && kinds[j] == Kind::Label {
                j -= 1;
            }
            if kinds[j] != Kind::Time {
                continue;
            }
            let lo = time_idx.partition_point(|&t| t + 8 < i);
            let hi = time_idx.partition_point(|&t| t <= i + 8);
            if hi - lo >= 2 {
                kinds[i] = Kind::OtherHeadline;
                in_list[i] = true;
            }
        }
    }

    // Body runs.
    let scores: Vec<f32> = (0..n).map(|i| score(kinds[i], &stats[i])).collect();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    if let Some((s, e, _)) = best_run(&scores, 0, n) {
        runs.push((s, e));
        let mut pending = vec![(0, s), (e, n)];
        while let Some((lo, hi)) = pending.pop() {
            if runs.len() > MAX_EXTRA_SEGMENTS || lo >= hi {
                continue;
            }
            if let Some((s2, e2, sum)) = best_run(&scores, lo, hi) {
                if sum >= EXTRA_SEGMENT_MIN {
                    runs.push((s2, e2));
                    pending.push((lo, s2));
                    pending.push((e2, hi));
                }
            }
        }
        runs.sort_unstable();
    }
    let mut in_body_run = vec![false; n];
    for &(s, e) in &runs {
        in_body_run[s..e].iter_mut().for_each(|b| *b = true);
    }

    let mut body = Vec::with_capacity(n);
    let mut seen: FxMap<&str, ()> = FxMap::with_capacity_and_hasher(n, Default::default());
    let mut dropped_prose = 0;
    for i in 0..n {
        let keep = in_body_run[i]
            && match kinds[i] {
                Kind::Prose => true,
                // A subheading between body paragraphs.
                Kind::Heading => stats[i].words >= 3 || lines[i].heading,
                _ => false,
            };
        if !keep {
            if kinds[i] == Kind::Prose && stats[i].words >= 25 && !in_list[i] {
                dropped_prose += 1;
            }
            continue;
        }
        let text = patterns::strip_bullet(text_of(i));
        if text.len() <= 2000 && seen.insert(text, ()).is_some() {
            continue;
        }
        body.push(i);
    }
    // A standfirst (dek) sits above the byline and date: a first "body"
    // line without sentence punctuation followed, before the next body
    // line, by a byline or date line is the standfirst, not body.
    let mut standfirst = None;
    if body.len() >= 2 {
        let (f, next) = (body[0], body[1]);
        let is_dek = kinds[f] == Kind::Prose && !stats[f].ends_sentence && stats[f].words <= 60;
        let meta_between =
            (f + 1..next).any(|j| !in_list[j] && matches!(kinds[j], Kind::Byline | Kind::DateLine));
        if is_dek && meta_between {
            standfirst = Some(f);
            body.remove(0);
        }
    }
    let body_start = body.first().copied().unwrap_or(n);
    let body_end = body.last().map_or(n, |&i| i + 1);

    let captions: Vec<usize> = (0..n)
        .filter(|&i| kinds[i] == Kind::Caption && !in_list[i])
        .collect();
    let other_headlines = kinds.iter().filter(|&&k| k == Kind::OtherHeadline).count();
    let mut spam: Vec<String> = Vec::new();
    let mut seen_spam: HashSet<&str> = HashSet::new();
    let mut in_body = vec![false; n];
    for &i in &body {
        in_body[i] = true;
    }
    for i in 0..n {
        if in_body[i] || stats[i].words < 2 || stats[i].words > 40 {
            continue;
        }
        let t = patterns::strip_bullet(text_of(i));
        if patterns::is_spam(t) && seen_spam.insert(t) && spam.len() < MAX_SPAM_LISTED {
            spam.push(t.chars().take(200).collect());
        }
    }

    let spam_total = seen_spam.len();
    drop(seen_spam);
    Cleaned {
        lines,
        buf,
        kinds,
        stats,
        in_list,
        body,
        in_body,
        captions,
        standfirst,
        body_start,
        body_end,
        other_headlines,
        spam_total,
        spam,
        dropped_prose,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::normalize::to_lines;

    #[test]
    fn repeat_key_equals_trimmed_lowercase() {
        for s in [
            "",
            "  home ",
            "World News",
            "ÉCONOMIE",
            "über uns",
            "Straße",
            "İstanbul",
            "a\u{1F}b",
            &"x".repeat(161),
        ] {
            let want = (s.len() <= 160).then(|| s.trim().to_lowercase());
            assert_eq!(repeat_key(s).map(Cow::into_owned), want, "{s:?}");
        }
    }

    fn body_of(text: &str) -> Vec<String> {
        let c = clean(to_lines(text), &[]);
        c.body.iter().map(|&i| c.text(i).to_string()).collect()
    }

    #[test]
    fn keeps_short_paragraphs_between_long_ones() {
        let text = "Menu\n\nSome Headline About Talks\n\nShare Facebook Twitter\n\n\
The two ministers met in the capital on Sunday and agreed to expand cooperation between their armed forces, officials said.\n\n\
The president met him there last month.\n\n\
“We are working actively,” the minister said, adding that the talks had been useful for both of the sides in the end.\n\n\
Advertisement\n\nRead also:\nOther story about markets\n10:05\nAnother story about weather\n";
        let b = body_of(text);
        assert_eq!(b.len(), 3, "{b:?}");
        assert_eq!(b[1], "The president met him there last month.");
    }

    #[test]
    fn read_also_list_is_not_body() {
        let text = "The ministers agreed on Sunday to extend the deal for another year, according to a statement from the ministry.\n\n\
Read also:\n19:40\nOPINION\nEscalation is real, and we are all witnessing it in the region clearly\n19:21\nTroops deploy air defence systems on the coast\n";
        let c = clean(to_lines(text), &[]);
        assert_eq!(c.body.len(), 1);
        assert_eq!(c.other_headlines, 2);
    }

    #[test]
    fn short_quotes_subheadings_and_inline_teasers_survive() {
        let text = "Harbour Deal Signed\n\n\
\"Yes,\" she said.\n\n\
\"No,\" he replied.\n\n\
The talks continue on Monday in the capital, officials said, and a deal is expected by the end of the week.\n\n\
What happens next\n\n\
The ferries will need new safety checks before they can sail again, according to the port authority.\n\n\
Read also: Storm warning issued for the islands\n\n\
He declined to comment.\n\n\
Read also:\n\n\
Storm warning issued for the islands\n\n\
It was not clear when the vote would take place.\n\n\
The mayor said the town would hold a public meeting in the spring to discuss the plan with residents.\n";
        let b = body_of(text);
        assert_eq!(
            b,
            [
                "\"Yes,\" she said.",
                "\"No,\" he replied.",
                "The talks continue on Monday in the capital, officials said, and a deal is expected by the end of the week.",
                "What happens next",
                "The ferries will need new safety checks before they can sail again, according to the port authority.",
                "He declined to comment.",
                "It was not clear when the vote would take place.",
                "The mayor said the town would hold a public meeting in the spring to discuss the plan with residents.",
            ]
        );
    }

    /// Prints each seed line's class: `cargo test dump_seed_lines -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn dump_seed_lines() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds");
        let Ok(rd) = std::fs::read_dir(dir) else {
            eprintln!("no seeds at {dir}");
            return;
        };
        let mut paths: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let c = clean(to_lines(&text), &[]);
            println!("===== {}", p.display());
            for (i, l) in c.lines.iter().enumerate() {
                let mark = if c.in_body[i] { "B" } else { " " };
                let t: String = l.text(&c.buf).chars().take(70).collect();
                println!(
                    "{mark} {:?}{} | {t}",
                    c.kinds[i],
                    if c.in_list[i] { " (list)" } else { "" }
                );
            }
        }
    }

    #[test]
    fn headlines_with_times_without_marker() {
        let text = "The ministers agreed on Sunday to extend the deal for another year, according to a statement from the ministry.\n\n\
20:05\nFirst other headline here\n19:40\nSecond other headline here\n19:21\nThird other headline here\n";
        let c = clean(to_lines(text), &[]);
        assert_eq!(c.body.len(), 1);
        assert_eq!(c.other_headlines, 3);
    }
}
