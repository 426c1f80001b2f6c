//! Issue 4 mechanisms on the fictional harbour story (tests/fixtures/compare):
//! story grouping, shared and unique content, quotes across outlets, actor
//! labels, flags and the reliability index.

mod compare_support;

use compare_support::{compare_fixture, pos, scored};
use framelens::compare::{self, reliability, CompareOptions, Comparison};

fn story(cmp: &Comparison, id: &str) -> String {
    cmp.per_article[pos(cmp, id)].story_id.clone()
}

fn flags(cmp: &Comparison, id: &str) -> Vec<String> {
    cmp.per_article[pos(cmp, id)].flags.clone()
}

fn sentence_text(cmp: &Comparison, i: usize, s: usize) -> String {
    let an = &cmp.articles[i].analysis;
    let r = &an.layout.sentences[s];
    an.article.body[r.start..r.end].to_string()
}

#[test]
fn one_event_is_one_story_and_other_events_are_not() {
    let cmp = compare_fixture("harbour");
    let s = story(&cmp, "ledger-1");
    for id in ["herald-1", "buzz-1", "farm-1"] {
        assert_eq!(story(&cmp, id), s, "{id} reports the crane collapse");
    }
    assert_ne!(story(&cmp, "ledger-2"), s, "the festival is another event");
    assert_ne!(
        story(&cmp, "ledger-3"),
        s,
        "the reopening 15 months later (new quotes, out of the date window) is a new story"
    );
    // Ids: `s` + input position of the first article.
    assert_eq!(s, "s0001");
    let st = cmp.stories.iter().find(|x| x.story_id == s).unwrap();
    assert_eq!(st.method, "similarity");
    assert_eq!(st.members.len(), 4);
    assert_eq!(st.wire_credited, 2);
    assert!(
        st.main_actors.iter().any(|a| a == "Ilsa Brandt"),
        "{:?}",
        st.main_actors
    );
    assert!(
        st.main_actors.iter().any(|a| a == "Tomas Reyna"),
        "{:?}",
        st.main_actors
    );
}

#[test]
fn out_of_window_articles_join_only_through_shared_words() {
    // The 2023 repost is two years outside the window; it joins because it
    // carries the story's quotations. Without them it is a story of its own.
    let mut arts = scored("harbour");
    for s in arts.iter_mut() {
        if s.analysis.article.id == "farm-1" {
            s.analysis.layout.quotes.clear();
        }
    }
    let cmp = compare::compare(arts, &CompareOptions::default());
    assert_ne!(story(&cmp, "farm-1"), story(&cmp, "ledger-1"));

    // With an unlimited window the reopening article joins by topic alone,
    // which is exactly what the window prevents by default.
    let opts = CompareOptions {
        window_days: 100_000,
        ..CompareOptions::default()
    };
    let wide = compare::compare(scored("harbour"), &opts);
    assert_eq!(story(&wide, "ledger-3"), story(&wide, "ledger-1"));
}

#[test]
fn two_outlets_running_the_same_wire_text_share_sentences() {
    let cmp = compare_fixture("harbour");
    let (a, b) = (pos(&cmp, "ledger-1"), pos(&cmp, "herald-1"));
    let p = cmp
        .pairs
        .iter()
        .find(|p| p.a == a && p.b == b)
        .expect("pair row");
    assert!(p.shared_sentences >= 6, "{p:?}");
    assert!(p.copied_share() >= 0.6, "{p:?}");
    assert!(p.similarity > 0.6, "{p:?}");
    assert!(p.shared_quotes >= 2, "{p:?}");
    // The farm repost reworded the wire: paraphrase, not copy.
    let f = pos(&cmp, "farm-1");
    let pf = cmp.pairs.iter().find(|p| p.a == a && p.b == f).unwrap();
    assert!(pf.paraphrased_sentences >= 1, "{pf:?}");
    // No pairs across stories.
    let fest = pos(&cmp, "ledger-2");
    assert!(cmp.pairs.iter().all(|p| p.a != fest && p.b != fest));
}

#[test]
fn unique_sentences_and_missing_facts() {
    let cmp = compare_fixture("harbour");
    let h = pos(&cmp, "herald-1");
    let pa = &cmp.per_article[h];
    let uniq: Vec<String> = pa
        .unique_sentences
        .iter()
        .map(|&s| sentence_text(&cmp, h, s))
        .collect();
    assert!(
        uniq.iter().any(|t| t.contains("southern slipway")),
        "only the Herald reports the slipway: {uniq:?}"
    );
    assert!(
        pa.missing_facts
            .iter()
            .any(|m| m.text.contains("diverted at least six vessels")),
        "the Herald leaves out the diverted ships that two of four articles report: {:?}",
        pa.missing_facts
    );
    // Alignment rows name the articles sharing a sentence.
    let l = pos(&cmp, "ledger-1");
    let row = cmp
        .alignment
        .iter()
        .find(|r| r.article == l && r.sentence == 0)
        .unwrap();
    assert_eq!(row.kind, "shared");
    assert!(row.shared_with.contains(&h));
    assert!(row.reported_by >= 3, "{row:?}");
}

#[test]
fn same_quotation_gets_one_id_and_a_moved_quote_is_flagged() {
    let cmp = compare_fixture("harbour");
    let rows: Vec<_> = cmp
        .quotes
        .iter()
        .filter(|q| q.text.contains("every remaining crane"))
        .collect();
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows.iter().all(|q| q.quote_id == rows[0].quote_id));
    assert!(rows.iter().all(|q| q.verbatim));
    let buzz = pos(&cmp, "buzz-1");
    for q in &rows {
        if q.article == buzz {
            assert!(q.speaker_conflict, "{q:?}");
            assert!(
                q.speaker.as_deref().unwrap_or("").contains("Finch"),
                "{q:?}"
            );
            assert!(
                q.other_speakers.iter().any(|s| s.contains("Reyna")),
                "{q:?}"
            );
        } else {
            assert!(!q.speaker_conflict, "{q:?}");
        }
    }
    assert!(flags(&cmp, "buzz-1").contains(&"speaker_conflict".to_string()));
    assert!(!flags(&cmp, "ledger-1").contains(&"speaker_conflict".to_string()));

    // The farm altered the mayor's words: same quote id, not verbatim.
    let farm = pos(&cmp, "farm-1");
    let owe: Vec<_> = cmp
        .quotes
        .iter()
        .filter(|q| q.text.contains("families answers"))
        .collect();
    assert_eq!(owe.len(), 3, "{owe:?}");
    assert!(owe.iter().all(|q| q.quote_id == owe[0].quote_id));
    for q in owe {
        assert_eq!(q.verbatim, q.article != farm, "{q:?}");
    }
}

#[test]
fn actor_labels_show_the_loaded_label() {
    let cmp = compare_fixture("harbour");
    let buzz = pos(&cmp, "buzz-1");
    let ledger = pos(&cmp, "ledger-1");
    let brandt: Vec<_> = cmp
        .actor_labels
        .iter()
        .filter(|l| l.actor == "Ilsa Brandt")
        .collect();
    let dictator = brandt
        .iter()
        .find(|l| l.article == buzz && l.label == "dictator Ilsa Brandt")
        .unwrap_or_else(|| panic!("{brandt:?}"));
    assert!(dictator.loaded);
    let mayor = brandt
        .iter()
        .find(|l| l.article == ledger && l.label == "Mayor Ilsa Brandt")
        .unwrap_or_else(|| panic!("{brandt:?}"));
    assert!(!mayor.loaded);
    assert!(brandt
        .iter()
        .any(|l| l.article == buzz && l.in_title && l.loaded));
}

#[test]
fn flags_name_what_is_wrong() {
    let cmp = compare_fixture("harbour");
    let farm = flags(&cmp, "farm-1");
    assert!(farm.contains(&"date_mismatch".into()), "{farm:?}");
    assert!(farm.contains(&"spam_links".into()), "{farm:?}");
    let details = cmp.per_article[pos(&cmp, "farm-1")].flag_details.join(" ");
    assert!(
        details.contains("Tuesday"),
        "the weekday check explains itself: {details}"
    );
    assert!(
        details.contains("2021-03-15"),
        "the story check names the story's date: {details}"
    );

    let buzz = flags(&cmp, "buzz-1");
    for f in [
        "headline_more_loaded_than_body",
        "unattributed_copy",
        "no_byline",
    ] {
        assert!(buzz.contains(&f.to_string()), "{f} missing: {buzz:?}");
    }
    // Wire copy with credit is not an unattributed copy; no dated trouble.
    let herald = flags(&cmp, "herald-1");
    assert!(!herald.contains(&"unattributed_copy".into()), "{herald:?}");
    assert!(herald.contains(&"no_byline".into()));
    let ledger = flags(&cmp, "ledger-1");
    for f in [
        "date_mismatch",
        "unattributed_copy",
        "spam_links",
        "no_byline",
        "no_attribution",
    ] {
        assert!(
            !ledger.contains(&f.to_string()),
            "{f} on the wire copy: {ledger:?}"
        );
    }
    // Flags keep the documented order.
    let order: Vec<&str> = compare::FLAG_NAMES.iter().map(|f| f.0).collect();
    for pa in &cmp.per_article {
        let idx: Vec<usize> = pa
            .flags
            .iter()
            .map(|f| order.iter().position(|o| o == f).unwrap())
            .collect();
        assert!(idx.windows(2).all(|w| w[0] < w[1]), "{:?}", pa.flags);
    }
}

#[test]
fn reliability_ranks_credited_wire_copy_above_the_rewrite_and_the_farm() {
    let cmp = compare_fixture("harbour");
    let score = |id: &str| cmp.per_article[pos(&cmp, id)].reliability_score.unwrap();
    let good = score("ledger-1").min(score("herald-1"));
    let bad = score("buzz-1").max(score("farm-1"));
    assert!(good > bad, "wire {good} vs rewrite/farm {bad}");
    for pa in &cmp.per_article {
        let s = pa.reliability_score.unwrap();
        assert!((0.0..=100.0).contains(&s));
        let names: Vec<&str> = pa
            .reliability_components
            .iter()
            .map(|c| c.0.as_str())
            .collect();
        let expected: Vec<&str> = reliability::WEIGHTS.iter().map(|w| w.0).collect();
        assert_eq!(names, expected);
        let sum: f64 = pa.reliability_components.iter().map(|c| c.1).sum();
        assert!((sum - s).abs() < 0.02, "components sum to the score");
    }
}

#[test]
fn the_ranking_survives_halving_or_doubling_any_weight() {
    // The weights are a judgement; the conclusion must not hang on one of them.
    let cmp = compare_fixture("harbour");
    let inputs = |id: &str| {
        cmp.per_article[pos(&cmp, id)]
            .reliability_inputs
            .clone()
            .unwrap()
    };
    let base: Vec<f64> = reliability::WEIGHTS.iter().map(|w| w.1).collect();
    for k in 0..base.len() {
        for factor in [0.5, 2.0] {
            let mut w = base.clone();
            w[k] *= factor;
            let sum: f64 = w.iter().sum();
            for x in w.iter_mut() {
                *x *= 100.0 / sum;
            }
            let s = |id: &str| reliability::index_with(&inputs(id), &w).0;
            let good = s("ledger-1").min(s("herald-1"));
            let bad = s("buzz-1").max(s("farm-1"));
            assert!(
                good > bad,
                "{} x{factor}: wire {good} vs rewrite/farm {bad}",
                reliability::WEIGHTS[k].0
            );
        }
    }
}

#[test]
fn a_corpus_story_column_overrides_similarity() {
    let mut arts = scored("harbour");
    for s in arts.iter_mut() {
        let a = &mut s.analysis.article;
        if a.id == "ledger-2" || a.id == "buzz-1" {
            a.story = Some("custom-7".into());
        }
    }
    let cmp = compare::compare(arts, &CompareOptions::default());
    assert_eq!(story(&cmp, "ledger-2"), "custom-7");
    assert_eq!(story(&cmp, "buzz-1"), "custom-7");
    assert_ne!(story(&cmp, "ledger-1"), "custom-7");
    let st = cmp
        .stories
        .iter()
        .find(|s| s.story_id == "custom-7")
        .unwrap();
    assert_eq!(st.method, "corpus");
}

#[test]
fn comparison_is_deterministic() {
    let a = serde_json::to_string(&compare_fixture("harbour")).unwrap();
    let b = serde_json::to_string(&compare_fixture("harbour")).unwrap();
    assert!(a == b);
}

#[test]
fn empty_and_single_inputs_do_not_panic() {
    let cmp = compare::compare(Vec::new(), &CompareOptions::default());
    assert!(cmp.stories.is_empty());
    let one: Vec<_> = scored("harbour").into_iter().take(1).collect();
    let cmp = compare::compare(one, &CompareOptions::default());
    assert_eq!(cmp.stories.len(), 1);
    assert_eq!(cmp.stories[0].method, "single");
    assert!(cmp.pairs.is_empty() && cmp.alignment.is_empty());
    assert!(cmp.per_article[0].unique_sentences.is_empty());
}
