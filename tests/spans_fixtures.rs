//! Spans on fixtures written for framelens (tests/fixtures/text): each
//! category's spans are listed exactly, so both misses and false alarms fail.

use framelens::lexicon::{find_spans, Category, Lexicons, Span};
use framelens::text::{segment_with, Layout};

fn load(name: &str) -> String {
    let path = format!("{}/tests/fixtures/text/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .trim_end()
        .to_string()
}

fn run(body: &str) -> (Layout, Vec<Span>) {
    let lex = Lexicons::embedded();
    let layout = segment_with(body, lex);
    let spans = find_spans(body, &layout, lex);
    for s in &spans {
        assert!(body.get(s.start..s.end).is_some(), "{s:?}");
    }
    (layout, spans)
}

/// (text, in_quote) of the spans of one category, in order.
fn of(body: &str, spans: &[Span], cat: Category) -> Vec<(String, bool)> {
    spans
        .iter()
        .filter(|s| s.category == cat)
        .map(|s| (body[s.start..s.end].to_string(), s.in_quote))
        .collect()
}

fn own(words: &[&str]) -> Vec<(String, bool)> {
    words.iter().map(|w| (w.to_string(), false)).collect()
}

#[test]
fn wire_copy() {
    let body = load("wire.txt");
    let (layout, spans) = run(&body);
    assert_eq!(layout.paragraphs.len(), 7);
    assert_eq!(layout.sentences.len(), 11);
    let sentences: Vec<&str> = layout
        .sentences
        .iter()
        .map(|s| &body[s.start..s.end])
        .collect();
    assert!(sentences[4].ends_with("closed on Apr. 3."), "{sentences:?}");
    assert!(sentences[7].contains("said Mr. Jonas Berg, the chief engineer."));

    assert!(of(&body, &spans, Category::LoadedLanguage).is_empty());
    assert!(of(&body, &spans, Category::Booster).is_empty());
    assert_eq!(
        of(&body, &spans, Category::Hedge),
        own(&["estimated"]),
        "not \"May\""
    );
    assert_eq!(
        of(&body, &spans, Category::AnonymousSource),
        own(&[
            "A senior official",
            "on condition of anonymity",
            // Not "a spokeswoman for" after "Ilse Varant,", nor "A spokesman
            // for" before ", Piet Molen,": those sources are named.
            "a spokesman for"
        ])
    );
    assert_eq!(
        of(&body, &spans, Category::Attribution),
        own(&[
            "said",
            "told",
            "said",
            "According to",
            "said",
            "said",
            "said",
            "said"
        ])
    );
    assert!(of(&body, &spans, Category::AttributionLoaded).is_empty());
    assert_eq!(
        of(&body, &spans, Category::NamedSource),
        own(&[
            "Transport Minister Anna Kovac",
            "Kovac",
            "the city council",
            "Mr. Jonas Berg",
            "Ilse Varant",
            "Piet Molen"
        ])
    );

    assert_eq!(layout.quotes.len(), 2);
    assert_eq!(layout.quotes[0].speaker.as_deref(), Some("Kovac"));
    let q = &layout.quotes[1];
    assert!(body[q.start..q.end].starts_with("\"The inspection"));
    assert!(body[q.start..q.end].ends_with("full report,\""));
    assert!(
        body[q.start..q.end].contains("\n\n"),
        "spans two paragraphs"
    );
    assert_eq!(q.speaker.as_deref(), Some("Mr. Jonas Berg"));
    let quote_notes: Vec<Option<&str>> = spans
        .iter()
        .filter(|s| s.category == Category::Quote)
        .map(|s| s.note.as_deref())
        .collect();
    assert_eq!(quote_notes, [Some("Kovac"), Some("Mr. Jonas Berg")]);
    assert!(spans
        .iter()
        .filter(|s| s.category == Category::Quote)
        .all(|s| &*s.rule == "rule:quote"));
}

#[test]
fn tabloid() {
    let body = load("tabloid.txt");
    let (layout, spans) = run(&body);
    let q = |w: &str| (w.to_string(), true);
    let o = |w: &str| (w.to_string(), false);
    assert_eq!(
        of(&body, &spans, Category::LoadedLanguage),
        [
            o("so-called"),
            o("regime"),
            q("witch hunt"),
            q("thugs"),
            q("thugs"),
            q("absurd"),
            q("propaganda")
        ]
    );
    assert_eq!(
        of(&body, &spans, Category::Booster),
        own(&["undoubtedly", "clearly"])
    );
    assert_eq!(
        of(&body, &spans, Category::AnonymousSource),
        own(&["critics", "Her aides"])
    );
    assert_eq!(
        of(&body, &spans, Category::AttributionLoaded),
        own(&["insisted", "admitted", "claimed", "slammed"])
    );
    assert_eq!(
        of(&body, &spans, Category::NamedSource),
        own(&["Mayor Petra Lund", "She", "Lund"])
    );
    // Rules and notes say what fired and why.
    let regime = spans
        .iter()
        .find(|s| &body[s.start..s.end] == "regime")
        .unwrap();
    assert_eq!(&*regime.rule, "lexicon:loaded_language:regime");
    let insisted = spans
        .iter()
        .find(|s| s.category == Category::AttributionLoaded && &body[s.start..s.end] == "insisted")
        .unwrap();
    assert_eq!(&*insisted.rule, "lexicon:attribution:insisted");
    assert!(insisted.note.as_deref().unwrap().starts_with("insistence:"));
    let she = spans
        .iter()
        .find(|s| &body[s.start..s.end] == "She")
        .unwrap();
    assert_eq!(&*she.rule, "rule:named_source:pronoun");
    assert!(she.note.as_deref().unwrap().contains("Lund"));
    let aides = spans
        .iter()
        .find(|s| &body[s.start..s.end] == "Her aides")
        .unwrap();
    assert_eq!(&*aides.rule, "rule:anonymous_source:unnamed_speaker");

    let speakers: Vec<Option<&str>> = layout.quotes.iter().map(|q| q.speaker.as_deref()).collect();
    assert_eq!(speakers, [Some("Lund"), Some("Lund"), None]);
    assert!(layout.quotes[2]
        .speaker_note
        .as_deref()
        .unwrap()
        .contains("Her aides"));
}

#[test]
fn rumour() {
    let body = load("rumour.txt");
    let (_, spans) = run(&body);
    assert_eq!(
        of(&body, &spans, Category::Hedge),
        own(&[
            "may",
            "reportedly",
            "potential",
            "allegedly",
            "could be",
            "possibly",
            "unlikely"
        ])
    );
    assert_eq!(
        of(&body, &spans, Category::AnonymousSource),
        own(&[
            "people familiar with the matter",
            "It is believed",
            "Sources say",
            "Analysts say"
        ])
    );
    assert_eq!(
        of(&body, &spans, Category::Attribution),
        own(&["according to", "say", "say"])
    );
    assert!(of(&body, &spans, Category::NamedSource).is_empty());
}

#[test]
fn look_alikes_do_not_fire() {
    let body = load("precision.txt");
    let (_, spans) = run(&body);
    let fired: Vec<(Category, &str)> = spans
        .iter()
        .filter(|s| s.category != Category::Subjective)
        .map(|s| (s.category, &body[s.start..s.end]))
        .collect();
    assert!(fired.is_empty(), "{fired:?}");
}

#[test]
fn spans_are_sorted_and_in_their_sentence() {
    for name in ["wire.txt", "tabloid.txt", "rumour.txt", "precision.txt"] {
        let body = load(name);
        let (layout, spans) = run(&body);
        for w in spans.windows(2) {
            assert!(
                (w[0].start, w[0].end, w[0].category) <= (w[1].start, w[1].end, w[1].category),
                "{name}: {w:?}"
            );
        }
        for s in &spans {
            let sent = &layout.sentences[s.sentence];
            assert!(sent.start <= s.start, "{name}: {s:?}");
            if s.category != Category::Quote {
                assert!(s.end <= sent.end, "{name}: {s:?} leaves its sentence");
            }
        }
    }
}
