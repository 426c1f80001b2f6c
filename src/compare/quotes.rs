//! Quotations across the articles of a story.
//!
//! Takes: the direct quotes of each article (quoted words + speaker, from
//! [`crate::text::Quote`]) and the role words each article uses for the
//! story's actors (from [`super::actors`]).
//! Gives: quote clusters (the same quotation in several articles gets one
//! `quote_id`), whether each occurrence is verbatim, and speaker conflicts
//! (the same words put in different mouths).
//!
//! - **Same quotation**: the content words of the shorter quote are at least
//!   [`QUOTE_CONTAINMENT`] contained in the other and they share at least
//!   [`QUOTE_MIN_COMMON`] content words; quotes with fewer than three content
//!   words must match word for word.
//! - **Verbatim**: the normalised words (case, punctuation and apostrophes
//!   ignored) equal the cluster's canonical wording (its most frequent
//!   wording, earliest on ties) or are a contiguous run of it, or contain it.
//! - **Speakers** are compared leniently: pronouns are unknown; two names are
//!   the same speaker if they share a name word ("Li" = "Li Shangfu"); a role
//!   description ("the defence minister") fits a name when one of its role
//!   words is among the role words the story's articles put before that name.
//!   Two role descriptions never conflict (too little evidence).

use super::tokens::{containment, intersect, is_stop, normalise, stem, words};
use std::collections::BTreeSet;

/// Containment of content words for two quotes to be the same quotation.
pub const QUOTE_CONTAINMENT: f64 = 0.6;
/// Minimum common content words for two quotes to be the same quotation.
pub const QUOTE_MIN_COMMON: usize = 3;

/// Fingerprint of one quotation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuotePrint {
    /// The normalised words of the quoted text, each as its [`hash_str`](super::tokens::hash_str):
    /// wordings are only compared word for word, and a 64-bit hash per
    /// word does that without a `String` per word.
    pub norm: Vec<u64>,
    /// Hashed content-word stems (sorted, unique).
    pub content: Vec<u64>,
    /// [`QuotePrint::wording_key`].
    key: u64,
}

impl QuotePrint {
    pub fn new(text: &str) -> QuotePrint {
        // One segmentation for both (the words of `words(text)` and
        // `content_set(text)`), as `tokens::for_each_word` visits them.
        use super::tokens::{fnv1a, fnv1a_extend, for_each_word, hash_str, stem_hash};
        let mut norm = Vec::new();
        let mut content = Vec::new();
        let mut key: Option<u64> = None;
        for_each_word(text, &mut String::new(), |_, _, n| {
            if !is_stop(n) {
                content.push(stem_hash(n));
            }
            norm.push(hash_str(n));
            key = Some(match key {
                None => fnv1a(n.as_bytes()),
                Some(h) => fnv1a_extend(fnv1a_extend(h, b" "), n.as_bytes()),
            });
        });
        content.sort_unstable();
        content.dedup();
        QuotePrint {
            norm,
            content,
            key: key.unwrap_or_else(|| fnv1a(b"")),
        }
    }

    /// Hash of the whole normalised wording (words joined by one space).
    pub fn wording_key(&self) -> u64 {
        self.key
    }
}

/// If two quotations are the same quotation: how close they are, as
/// (common content words, containment). Larger is closer; compare tuples.
pub fn same_quote(a: &QuotePrint, b: &QuotePrint) -> Option<(usize, f64)> {
    if a.norm.is_empty() || b.norm.is_empty() {
        return None;
    }
    if a.content.len() < 3 || b.content.len() < 3 {
        return (a.norm == b.norm).then_some((a.content.len(), 1.0));
    }
    let common = intersect(&a.content, &b.content);
    let c = containment(&a.content, &b.content);
    (common >= QUOTE_MIN_COMMON && c >= QUOTE_CONTAINMENT).then_some((common, c))
}

/// True when `a` is the same wording as `canonical`, or a contiguous run of
/// it, or contains it. Linear time (Knuth-Morris-Pratt over words), so a
/// huge quotation cannot make it quadratic.
pub fn is_verbatim<T: Eq>(a: &[T], canonical: &[T]) -> bool {
    a == canonical || contains_run(canonical, a) || contains_run(a, canonical)
}

/// Whether `needle` (non-empty) occurs as a contiguous run in `hay`.
fn contains_run<T: Eq>(hay: &[T], needle: &[T]) -> bool {
    if needle.is_empty() || needle.len() > hay.len() {
        return false;
    }
    // KMP failure function: written out because it is a dozen lines over
    // word slices (the string-search crates work on bytes).
    let mut fail = vec![0usize; needle.len()];
    let mut k = 0;
    for i in 1..needle.len() {
        while k > 0 && needle[i] != needle[k] {
            k = fail[k - 1];
        }
        if needle[i] == needle[k] {
            k += 1;
        }
        fail[i] = k;
    }
    let mut k = 0;
    for w in hay {
        while k > 0 && *w != needle[k] {
            k = fail[k - 1];
        }
        if *w == needle[k] {
            k += 1;
            if k == needle.len() {
                return true;
            }
        }
    }
    false
}

/// Canonical wording of a cluster: the most frequent normalised wording,
/// the earliest one on ties. Returns the index into `wordings`.
pub fn canonical<T: Eq + std::hash::Hash>(wordings: &[&[T]]) -> usize {
    // wording -> (count, first index); linear in the cluster's size.
    let mut counts: std::collections::HashMap<&[T], (usize, usize)> =
        std::collections::HashMap::with_capacity(wordings.len());
    for (i, w) in wordings.iter().enumerate() {
        counts.entry(*w).or_insert((0, i)).0 += 1;
    }
    counts
        .values()
        .max_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)))
        .map_or(0, |x| x.1)
}

fn re_speaker_after() -> &'static regex::Regex {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        regex::Regex::new(
            r"^[\s,]*(?:(?:said|says|stated|states|added|adds|told|wrote|declared|insisted|claimed|explained|noted|continued|emphasi[sz]ed|stressed|warned)\s+(?P<s1>(?:(?:a|an|the)\s+)?[^,.;:!?\s][^,.;:!?]{1,80})|(?P<s2>(?:[a-z]+\s+){0,3}[A-Z][\w'\u{2019}.-]*(?:\s+[A-Z][\w'\u{2019}.-]*){0,3}|he|she|they|we|it)\s+(?:said|says|stated|added|told|wrote|insisted|claimed)\b)",
        )
        .expect("valid regex")
    })
}

fn re_speaker_apposition() -> &'static regex::Regex {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        regex::Regex::new(
            r"^[\s,]*(?P<s>[A-Z][\w'\u{2019}.-]*(?:\s+[A-Z][\w'\u{2019}.-]*){0,3}),[^,.;:!?]{1,80},\s+(?:said|says|stated|added|told|wrote|insisted|claimed)\b",
        )
        .expect("valid regex")
    })
}

fn re_speaker_before() -> &'static regex::Regex {
    static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        regex::Regex::new(
            r"(?P<s>[A-Z][\w'\u{2019}.-]*(?:\s+[A-Z][\w'\u{2019}.-]*){0,3})(?:,[^,.;:!?]{1,80},)?\s+(?:said|says|stated|added|told \w+|wrote|declared|put it(?: \w+)?)\s*[:,]\s*$",
        )
        .expect("valid regex")
    })
}

/// Fallback speaker finder for the words before an opening quotation mark
/// (from `sent_start`): `<Name>[, apposition,] said:` / `put it plainly:`.
/// Used only when the segmenter names no speaker.
pub fn speaker_before(body: &str, sent_start: usize, quote_start: usize) -> Option<String> {
    let head = body.get(sent_start.min(quote_start)..quote_start)?;
    let c = re_speaker_before().captures(head)?;
    Some(c.name("s")?.as_str().trim().to_string())
}

/// Fallback speaker finder, used only when the segmenter names no speaker:
/// the words after a closing quotation mark (up to `sent_end`) of the form
/// `, said <speaker>` / `, stated a representative of ...`,
/// `, [role words] <Name> said` or `, <Name>, <apposition>, told ...`.
/// Returns the speaker as written.
pub fn speaker_after(body: &str, quote_end: usize, sent_end: usize) -> Option<String> {
    let tail = body.get(quote_end..sent_end.max(quote_end))?;
    if let Some(c) = re_speaker_apposition().captures(tail) {
        return c.name("s").map(|s| s.as_str().trim().to_string());
    }
    let c = re_speaker_after().captures(tail)?;
    if let Some(s) = c.name("s1") {
        let s = s.as_str().trim();
        let first = s.split_whitespace().next()?;
        let det = matches!(first.to_lowercase().as_str(), "a" | "an" | "the");
        let cap = first.chars().next().is_some_and(|c| c.is_uppercase());
        let time = super::actors::is_calendar_word(first);
        return ((det || cap) && !time).then(|| s.to_string());
    }
    c.name("s2").map(|s| s.as_str().trim().to_string())
}

/// A speaker as the text names them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Speaker {
    /// A proper name: its name words, normalised ("li", "shangfu").
    Name(BTreeSet<String>),
    /// A role description: its role words, stemmed ("minist", "defens").
    Role(BTreeSet<String>),
}

const PRONOUNS: &[&str] = &[
    "he", "her", "him", "i", "it", "one", "she", "someone", "they", "we", "you",
];

/// Interpret a speaker string. `None` for pronouns and empty strings.
pub fn parse_speaker(s: &str) -> Option<Speaker> {
    let ws = words(s);
    let first = ws.first()?;
    if ws.len() == 1 && PRONOUNS.contains(&first.norm.as_ref()) {
        return None;
    }
    let is_role_phrase = !first.is_capitalised() || is_stop(&first.norm);
    if is_role_phrase {
        let roles: BTreeSet<String> = ws
            .iter()
            .filter(|w| super::actors::is_role_word(&w.norm))
            .map(|w| stem(&w.norm))
            .collect();
        return Some(Speaker::Role(roles));
    }
    let names: BTreeSet<String> = ws
        .iter()
        .filter(|w| {
            w.is_capitalised()
                && !super::actors::is_role_word(&w.norm)
                && !super::actors::is_nationality(w.raw)
                && !is_stop(&w.norm)
        })
        .map(|w| normalise(w.raw))
        .collect();
    if names.is_empty() {
        let roles: BTreeSet<String> = ws
            .iter()
            .filter(|w| super::actors::is_role_word(&w.norm))
            .map(|w| stem(&w.norm))
            .collect();
        return Some(Speaker::Role(roles));
    }
    Some(Speaker::Name(names))
}

/// Whether two speakers can be the same person. `roles_of(name)` gives the
/// stemmed role words the story uses before that name word.
pub fn compatible(a: &Speaker, b: &Speaker, roles_of: &dyn Fn(&str) -> BTreeSet<String>) -> bool {
    match (a, b) {
        (Speaker::Name(x), Speaker::Name(y)) => x.intersection(y).next().is_some(),
        (Speaker::Role(_), Speaker::Role(_)) => true,
        (Speaker::Role(r), Speaker::Name(n)) | (Speaker::Name(n), Speaker::Role(r)) => {
            if r.is_empty() {
                return true;
            }
            n.iter()
                .any(|name| roles_of(name).intersection(r).next().is_some())
        }
    }
}

/// Group speakers (in order) into mutually compatible groups; returns the
/// group index of each speaker (`None` for unknown speakers).
pub fn group_speakers(
    speakers: &[Option<Speaker>],
    roles_of: &dyn Fn(&str) -> BTreeSet<String>,
) -> Vec<Option<usize>> {
    // Each group is represented by its first named member, else its first member.
    let mut reps: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(speakers.len());
    // A speaker seen before joins the group it joined then: the work grows
    // with distinct speakers × groups, not with the quote's occurrences.
    let mut seen: std::collections::HashMap<&Speaker, usize> = std::collections::HashMap::new();
    for (i, s) in speakers.iter().enumerate() {
        let Some(s) = s else {
            out.push(None);
            continue;
        };
        if let Some(&g) = seen.get(s) {
            out.push(Some(g));
            continue;
        }
        let g = reps.iter().position(|&r| {
            speakers[r]
                .as_ref()
                .is_some_and(|rs| compatible(rs, s, roles_of))
        });
        match g {
            Some(g) => {
                let r = reps[g];
                if matches!(s, Speaker::Name(_)) && matches!(speakers[r], Some(Speaker::Role(_))) {
                    reps[g] = i;
                }
                seen.insert(s, g);
                out.push(Some(g));
            }
            None => {
                reps.push(i);
                seen.insert(s, reps.len() - 1);
                out.push(Some(reps.len() - 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_print_is_the_words_and_content_set_of_the_text() {
        for text in [
            "",
            "—",
            "We won’t back down, Minister's plan isn't FINAL",
            "It’s the countries' exercises; exchanging 3.5% of Ünal's café",
            "a  b\u{a0}c's dé'jà THE the",
        ] {
            let p = QuotePrint::new(text);
            let norm: Vec<String> = words(text)
                .into_iter()
                .map(|w| w.norm.into_owned())
                .collect();
            let hashes: Vec<u64> = norm
                .iter()
                .map(|w| super::super::tokens::hash_str(w))
                .collect();
            assert_eq!(p.norm, hashes, "{text}");
            assert_eq!(p.content, super::super::tokens::content_set(text), "{text}");
            // The wording key: the hash of the words joined by one space.
            assert_eq!(
                p.wording_key(),
                super::super::tokens::hash_str(&norm.join(" ")),
                "{text}"
            );
        }
    }

    fn no_roles(_: &str) -> BTreeSet<String> {
        BTreeSet::new()
    }

    #[test]
    fn altered_quote_matches_but_is_not_verbatim() {
        let a =
            QuotePrint::new("The bridge will reopen before the winter storms arrive in the valley");
        let b =
            QuotePrint::new("the bridge is going to reopen before winter storms hit the valley");
        assert!(same_quote(&a, &b).is_some());
        assert!(!is_verbatim(&b.norm, &a.norm));
        let c = QuotePrint::new(
            "The bridge will reopen before the winter storms arrive in the valley.",
        );
        assert!(is_verbatim(&c.norm, &a.norm));
        let part = QuotePrint::new("before the winter storms arrive");
        assert!(is_verbatim(&part.norm, &a.norm));
    }

    #[test]
    fn different_quotes_do_not_match() {
        let a =
            QuotePrint::new("The bridge will reopen before the winter storms arrive in the valley");
        let b = QuotePrint::new("We have never seen a harvest this poor in forty years of farming");
        assert!(same_quote(&a, &b).is_none());
        let s1 = QuotePrint::new("no limits");
        let s2 = QuotePrint::new("no limits");
        assert!(same_quote(&s1, &s2).is_some());
    }

    #[test]
    fn speakers_by_name_and_role() {
        let li = parse_speaker("Li").unwrap();
        let full = parse_speaker("Li Shangfu").unwrap();
        let rep = parse_speaker("a representative from the Russian government").unwrap();
        let minister =
            parse_speaker("the Minister of Defense of the People's Republic of China").unwrap();
        assert!(parse_speaker("he").is_none());
        assert!(compatible(&li, &full, &no_roles));
        let roles = |n: &str| -> BTreeSet<String> {
            if n == "li" {
                ["minister", "defense"].iter().map(|s| stem(s)).collect()
            } else {
                BTreeSet::new()
            }
        };
        assert!(compatible(&minister, &li, &roles));
        assert!(!compatible(&rep, &li, &roles));
        let groups = group_speakers(&[Some(li), Some(minister), Some(rep), None], &roles);
        assert_eq!(groups, vec![Some(0), Some(0), Some(1), None]);
    }

    #[test]
    fn fallback_speaker_after_the_quote() {
        let b = "\"We will rebuild,\" said the harbour master on Monday.";
        let e = b.find(',').unwrap() + 2;
        assert_eq!(
            speaker_after(b, e, b.len()).as_deref(),
            Some("the harbour master on Monday")
        );
        let b2 = "\"We will rebuild,\" Anna Kovar said.";
        assert_eq!(
            speaker_after(b2, e, b2.len()).as_deref(),
            Some("Anna Kovar")
        );
        let b5 = "\"We will rebuild,\" Anna Kovar, the harbour master, told reporters.";
        assert_eq!(
            speaker_after(b5, e, b5.len()).as_deref(),
            Some("Anna Kovar")
        );
        let b6 = "Anna Kovar, who runs the port, put it plainly: \"We will rebuild.\"";
        let q = b6.find('"').unwrap();
        assert_eq!(speaker_before(b6, 0, q).as_deref(), Some("Anna Kovar"));
        let b7 = "Then it rained: \"We will rebuild.\"";
        assert_eq!(speaker_before(b7, 0, b7.find('"').unwrap()), None);
        let b3 = "\"We will rebuild,\" said on Monday.";
        assert_eq!(speaker_after(b3, e, b3.len()), None);
    }

    #[test]
    fn verbatim_runs_match_a_naive_scan() {
        let w = |s: &str| -> Vec<String> { s.split(' ').map(str::to_string).collect() };
        let hay = w("a b a b a c a b");
        for needle in [
            "a b a c",
            "b a b a c",
            "a c a b",
            "c",
            "a b a b a c a b",
            "b b",
            "a b a d",
        ] {
            let n = w(needle);
            let naive = hay.windows(n.len()).any(|x| x == n.as_slice());
            assert_eq!(contains_run(&hay, &n), naive, "{needle}");
        }
        assert!(!contains_run(&hay, &[]));
        assert!(!contains_run(&w("a"), &w("a b")));
    }

    #[test]
    fn canonical_is_most_frequent_wording() {
        let a = vec!["x".to_string()];
        let b = vec!["y".to_string()];
        assert_eq!(canonical(&[&a, &b, &b]), 1);
        assert_eq!(canonical(&[&a, &b]), 0);
        assert_eq!(canonical(&[&a, &b, &b, &a]), 0, "earliest on ties");
        assert_eq!(canonical::<String>(&[]), 0);
    }
}
