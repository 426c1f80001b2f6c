//! Property tests for the text and span layer (issues 2 and 7): whatever the
//! input, nothing panics, every unit's offsets land on char boundaries and
//! slice exactly its text, and the output is deterministic.

use framelens::features::sentence_counts;
use framelens::lexicon::{find_spans, Lexicons};
use framelens::text::{segment_with, Layout};
use proptest::prelude::*;

/// Pieces of news-like text that exercise quotes, abbreviations, speakers,
/// lexicon entries, paragraph breaks and multi-byte characters.
const PIECES: &[&str] = &[
    "\"",
    "“",
    "”",
    "‘",
    "’",
    "'",
    "„",
    "«",
    "»",
    " ",
    " ",
    " ",
    "\n",
    "\n\n",
    "\r\n",
    ".",
    ",",
    ":",
    "?",
    "!",
    "—",
    "-",
    "Mr.",
    "Gen.",
    "U.S.",
    "Apr.",
    "No.",
    "p.m.",
    "J.",
    "3.5",
    "1,020",
    "Putin",
    "Li Shangfu",
    "President",
    "Minister",
    "he",
    "she",
    "they",
    "said",
    "told",
    "according to",
    "claimed",
    "the Kremlin",
    "a senior official",
    "officials said",
    "critics",
    "regime",
    "dictator",
    "may",
    "May",
    "clearly",
    "potential",
    "who",
    "which",
    "and",
    "of",
    "the",
    "a",
    "Дa",
    "сказал",
    "日本語",
    "🎉",
    "é",
    "\u{200b}",
    "\u{a0}",
    "\t",
    "it is believed",
    "admitted to hospital",
    "Xi’s",
    "don’t",
];

fn newsy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), newsy(), "[ -~\\n“”‘’\"]{0,300}"]
}

fn check_layout(body: &str, l: &Layout) {
    let ok = |s: usize, e: usize| {
        s <= e && e <= body.len() && body.is_char_boundary(s) && body.is_char_boundary(e)
    };
    let mut last = 0;
    for p in &l.paragraphs {
        assert!(ok(p.start, p.end) && p.start >= last, "paragraph {p:?}");
        let t = &body[p.clone()];
        assert!(!t.is_empty() && t.trim() == t, "paragraph {t:?}");
        last = p.end;
    }
    let mut last = 0;
    for s in &l.sentences {
        assert!(ok(s.start, s.end) && s.start >= last, "sentence {s:?}");
        let t = &body[s.start..s.end];
        assert!(!t.is_empty() && t.trim() == t, "sentence {t:?}");
        let p = &l.paragraphs[s.paragraph];
        assert!(
            p.start <= s.start && s.end <= p.end,
            "sentence leaves paragraph"
        );
        last = s.end;
    }
    let mut last = 0;
    for t in &l.tokens {
        let (s, e) = (t.start as usize, t.end as usize);
        assert!(ok(s, e) && s < e && s >= last, "token {t:?}");
        let sent = &l.sentences[t.sentence as usize];
        assert!(sent.start <= s && e <= sent.end, "token leaves sentence");
        last = e;
    }
    let mut last = 0;
    for q in &l.quotes {
        assert!(q.start >= last, "quotes overlap");
        assert!(q.start < q.inner_start && q.inner_start <= q.inner_end && q.inner_end < q.end);
        for (s, e) in [(q.start, q.end), (q.inner_start, q.inner_end)] {
            assert!(ok(s, e), "quote {q:?}");
        }
        if let (Some(r), Some(name)) = (q.speaker_range, &q.speaker) {
            assert!(ok(r.0, r.1));
            assert_eq!(&body[r.0..r.1], &**name);
        }
        last = q.end;
    }
    for a in &l.attributions {
        assert!(ok(a.start, a.end) && a.start < a.end);
        if let Some(sp) = &a.speaker {
            assert!(ok(sp.start, sp.end) && sp.start < sp.end);
            if let Some((s, e)) = sp.resolved {
                assert!(ok(s, e));
                assert_eq!(Some(&body[s..e]), sp.name.as_deref());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn units_slice_their_text_and_output_is_deterministic(body in any_text()) {
        let lex = Lexicons::embedded();
        let l1 = segment_with(&body, lex);
        check_layout(&body, &l1);
        let l2 = segment_with(&body, lex);
        prop_assert_eq!(&l1, &l2);

        let s1 = find_spans(&body, &l1, lex);
        let s2 = find_spans(&body, &l2, lex);
        prop_assert_eq!(&s1, &s2);
        for w in s1.windows(2) {
            prop_assert!((w[0].start, w[0].end, w[0].category) <= (w[1].start, w[1].end, w[1].category));
        }
        for s in &s1 {
            prop_assert!(body.get(s.start..s.end).is_some(), "{:?}", s);
            prop_assert!(s.start < s.end);
            prop_assert!(s.sentence < l1.sentences.len().max(1));
        }

        let c = sentence_counts(&body, lex);
        prop_assert_eq!(c.words as usize, l1.word_count());
    }
}

#[test]
fn issue7_huge_line_and_deep_quotes_do_not_panic() {
    let lex = Lexicons::embedded();
    let line = "“a ".repeat(200_000) + &"\"b ".repeat(200_000);
    let l = segment_with(&line, lex);
    check_layout(&line, &l);
    let _ = find_spans(&line, &l, lex);
    let dots = ".".repeat(100_000) + &"Mr. ".repeat(50_000);
    let l = segment_with(&dots, lex);
    check_layout(&dots, &l);
}
