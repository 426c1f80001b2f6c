//! The HTML report (issue 5): sections, self-containment, exact highlights,
//! hostile input, the worksheet, determinism and atomic output.

mod report_common;

use framelens::compare::Comparison;
use framelens::lexicon::{Category, Span};
use framelens::report::charts;
use framelens::report::html::{self, HtmlOptions};
use report_common::*;

fn render(cmp: &Comparison, worksheet: bool) -> String {
    let charts = charts::all_charts(cmp, charts::DEFAULT_THRESHOLD).expect("charts");
    html::render(
        cmp,
        &[],
        &charts,
        &HtmlOptions {
            worksheet,
            ..HtmlOptions::default()
        },
    )
    .expect("render")
}

#[test]
fn report_has_every_section_and_loads_nothing() {
    let cmp = story();
    let page = render(&cmp, false);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("class=\"skip\" href=\"#main\""));
    assert!(page.contains("Content-Security-Policy"));
    for id in [
        "how-to-read",
        "caveat",
        "overview",
        "grid",
        "charts",
        "cards",
        "cross",
        "flags",
        "articles",
        "legend",
        "glossary",
    ] {
        assert!(
            page.contains(&format!("id=\"{id}\"")),
            "section #{id} missing"
        );
    }
    // Every feature of the schema is in the glossary, with its explanation.
    for f in framelens::schema::FEATURES {
        assert!(
            page.contains(&format!("id=\"g-{}\"", f.id)),
            "glossary {}",
            f.id
        );
        assert!(
            unescape(&page).contains(f.explanation),
            "explanation of {} missing",
            f.id
        );
    }
    // Self-contained: no external resources of any kind.
    for (name, raw) in tags(&page) {
        let lower = unescape(&raw).to_ascii_lowercase();
        let short: String = raw.chars().take(120).collect();
        if name == "img" {
            assert!(lower.contains("src=\"data:image/"), "<{short}>");
            assert!(
                lower.contains("alt=\""),
                "image without alt text: <{short}>"
            );
        }
        assert!(name != "link" && name != "script", "<{short}>");
        assert!(!lower.contains("src=\"http"), "<{short}>");
    }
    assert!(!page.contains("url("), "CSS must not load anything");
    assert!(!page.contains("@import"));
    assert_inert(&page, 0);
}

#[test]
fn headings_never_skip_a_level() {
    let cmp = story();
    for worksheet in [false, true] {
        let page = render(&cmp, worksheet);
        let levels: Vec<u8> = tags(&page)
            .iter()
            .filter(|(n, raw)| {
                n.len() == 2 && n.starts_with('h') && !raw.starts_with('/') && n != "hr"
            })
            .filter_map(|(n, _)| n[1..].parse().ok())
            .collect();
        assert_eq!(levels.first(), Some(&1), "the page starts with <h1>");
        assert_eq!(levels.iter().filter(|l| **l == 1).count(), 1, "one <h1>");
        for w in levels.windows(2) {
            assert!(
                w[1] <= w[0] + 1,
                "heading jumps from h{} to h{}",
                w[0],
                w[1]
            );
        }
    }
}

/// Replace article 0's body, layout and spans.
fn with_body(mut cmp: Comparison, body: &str, spans: Vec<Span>) -> Comparison {
    let a = &mut cmp.articles[0];
    a.analysis.article.body = body.to_string();
    a.analysis.layout = framelens::text::segment(body);
    a.analysis.spans = spans;
    let n = a.analysis.layout.sentences.len();
    a.sentence_probs = vec![0.5; n];
    a.top_sentences.clear();
    cmp
}

fn sp(start: usize, end: usize, category: Category) -> Span {
    Span {
        start,
        end,
        sentence: 0,
        category,
        rule: format!("rule:test_{}", category.id()).into(),
        note: Some("a <b>note</b>".into()),
        in_quote: false,
    }
}

/// Walk rendered body HTML (one paragraph) and return, for each category,
/// the byte ranges of the body it highlights.
fn highlighted(html_body: &str, body: &str) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut pos = 0usize; // byte offset into body
    let mut rest = html_body;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').expect("tag end");
            let tag = &after[..end];
            rest = &after[end + 1..];
            if tag.starts_with('/') {
                stack.pop();
            } else if tag.starts_with("mark") {
                let class = tag
                    .split("class=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap();
                let cat = class
                    .split(' ')
                    .find_map(|c| c.strip_prefix("c-"))
                    .map(str::to_string);
                stack.push(cat);
            } else if tag.starts_with("span") || tag.starts_with('p') {
                stack.push(None);
            }
            continue;
        }
        let next = rest.find('<').unwrap_or(rest.len());
        let text = unescape(&rest[..next]);
        rest = &rest[next..];
        if stack.is_empty() {
            // Between paragraphs: layout whitespace, not body text.
            assert!(text.trim().is_empty(), "text outside a paragraph: {text:?}");
            continue;
        }
        // paragraph separators are not rendered
        while body[pos..].starts_with('\n') && !text.starts_with('\n') {
            pos += 1;
        }
        assert!(
            body[pos..].starts_with(&text),
            "text {text:?} is not the body at {pos}"
        );
        for cat in stack.iter().flatten() {
            match out.last_mut() {
                Some((c, _, e)) if c == cat && *e == pos => *e = pos + text.len(),
                _ => out.push((cat.clone(), pos, pos + text.len())),
            }
        }
        pos += text.len();
    }
    assert_eq!(pos, body.trim_end().len(), "the whole body is rendered");
    out
}

#[test]
fn nested_and_overlapping_spans_highlight_exactly_their_bytes() {
    // Multi-byte characters everywhere, spans nested and crossing each other
    // and the sentence boundary.
    let body = "Ça “régime” may—perhaps—be «très» loaded. Sources said so, allegedly.";
    let find = |s: &str| body.find(s).unwrap();
    let q0 = find("“");
    let q1 = find("”") + "”".len();
    let spans = vec![
        sp(q0, q1, Category::Quote),
        sp(
            find("régime"),
            find("régime") + "régime".len(),
            Category::LoadedLanguage,
        ),
        sp(find("régime"), find("may") + 3, Category::Hedge), // crosses the quote end
        sp(find("«"), find("»") + "»".len(), Category::Booster),
        sp(
            find("loaded. Sources"),
            find(" said"),
            Category::AnonymousSource,
        ), // crosses sentences
        sp(find("Sources"), find(" said"), Category::NamedSource),
        sp(find("allegedly"), find("allegedly") + 9, Category::Hedge),
        sp(find("Ça") + 1, find("Ça") + 3, Category::Subjective), // not a char boundary: dropped
        sp(body.len() - 1, body.len() + 20, Category::Subjective), // out of range: dropped
    ];
    let cmp = with_body(story(), body, spans.clone());
    let out = html::body_html(&cmp, 0, "art-1", true);
    let got = highlighted(&out.html, body);
    for s in spans.iter().take(7) {
        let cat = s.category.id();
        let covered: Vec<(usize, usize)> = got
            .iter()
            .filter(|(c, _, _)| c == cat)
            .map(|(_, a, b)| (*a, *b))
            .collect();
        // The span's bytes are covered, contiguously, by its category
        // (possibly split at a sentence boundary).
        let mut pos = s.start;
        for (a, b) in covered.iter().filter(|(a, b)| *a < s.end && *b > s.start) {
            assert!(
                *a <= pos,
                "{cat}: gap before {a} (span {}..{})",
                s.start,
                s.end
            );
            pos = pos.max(*b);
        }
        assert!(
            pos >= s.end,
            "{cat} span {}..{} not fully highlighted",
            s.start,
            s.end
        );
    }
    // Nothing outside the spans is highlighted.
    for (cat, a, b) in &got {
        assert!(
            spans
                .iter()
                .take(7)
                .any(|s| s.category.id() == cat && s.start <= *a && *b <= s.end),
            "{cat} highlights {a}..{b} = {:?}, outside every span",
            &body[*a..*b]
        );
    }
    assert!(
        !got.iter().any(|(c, _, _)| c == "subjective"),
        "invalid spans are skipped"
    );
    // Notes: one per valid span, in order, with the exact text.
    assert_eq!(out.notes.len(), 7);
    for n in &out.notes {
        assert!(body.contains(&n.text));
    }
    // Notes are escaped in the tooltip.
    assert!(out.html.contains("a &lt;b&gt;note&lt;/b&gt;"));
    assert!(!out.html.contains("<b>"));
}

#[test]
fn rendered_text_equals_the_body_for_every_fixture_article() {
    let cmp = story();
    for i in 0..cmp.articles.len() {
        let body = &cmp.articles[i].analysis.article.body;
        let out = html::body_html(&cmp, i, &format!("art-{}", i + 1), true);
        let paras: Vec<&str> = body
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .collect();
        let rendered = text_content(&out.html);
        let rendered: Vec<&str> = rendered.lines().collect();
        assert_eq!(rendered, paras, "article {i}");
        let _ = highlighted(&out.html, body);
    }
}

#[test]
fn hostile_articles_stay_inert() {
    let dir = fixtures().join("hostile");
    let (cmp, errors) = comparison(&[dir.join("hostile.txt"), dir.join("hostile.csv")]);
    assert!(
        !cmp.articles.is_empty(),
        "hostile fixtures were read: {errors:?}"
    );
    for worksheet in [false, true] {
        let charts = charts::all_charts(&cmp, 0.5).unwrap();
        let page = html::render(
            &cmp,
            &errors,
            &charts,
            &HtmlOptions {
                worksheet,
                ..Default::default()
            },
        )
        .unwrap();
        assert_inert(&page, 0);
        assert!(!page.contains("<script>"), "raw script tag in the page");
        assert!(!page.contains("href=\"javascript:"));
        // The payloads are shown as text.
        assert!(page.contains("&lt;script&gt;"));
        assert!(page.contains("&lt;/textarea&gt;") || page.contains("textarea&gt;"));
        // Literal template syntax is not evaluated.
        assert!(page.contains("{{ 7*7 }}") || !page.contains("49"));
        // Charts built from hostile outlet names are escaped SVG.
        for c in &charts {
            assert!(!c.svg.contains("<script"), "{}", c.stem);
            assert!(!c.svg.contains("<img"), "{}", c.stem);
        }
    }
}

#[test]
fn worksheet_hides_highlights_and_asks_questions_with_a_key() {
    let cmp = story();
    let ws = render(&cmp, true);
    let report = render(&cmp, false);
    assert!(ws.contains("id=\"questions\""));
    assert!(ws.contains("id=\"answer-key\""));
    assert!(!report.contains("id=\"answer-key\""));
    // One reveal checkbox per article, each with a label.
    for i in 1..=cmp.articles.len() {
        assert!(ws.contains(&format!("id=\"reveal-{i}\"")));
        assert!(ws.contains(&format!("for=\"reveal-{i}\"")));
    }
    // No tooltips that would give the answers away.
    assert!(!ws.contains("<mark class=\"hl c-loaded_language\" title="));
    let qs = html::questions(&cmp);
    assert!(qs.len() >= 4, "{qs:#?}");
    assert!(qs
        .iter()
        .all(|q| !q.text.is_empty() && !q.answer.is_empty()));
    for q in &qs {
        assert!(
            unescape(&ws).contains(&q.text),
            "question not on the page: {}",
            q.text
        );
    }
    // The anonymous-source question names the outlet that uses them most.
    let anon = qs
        .iter()
        .find(|q| q.text.contains("anonymous"))
        .expect("an anonymous-source question");
    assert!(anon.answer.contains("Civic Watch"), "{}", anon.answer);
}

#[test]
fn output_is_deterministic() {
    let a = story();
    let b = story();
    assert_eq!(render(&a, false), render(&b, false));
    assert_eq!(render(&a, true), render(&b, true));
    let ca = charts::all_charts(&a, 0.5).unwrap();
    let cb = charts::all_charts(&b, 0.5).unwrap();
    assert_eq!(ca.len(), cb.len());
    for (x, y) in ca.iter().zip(&cb) {
        assert_eq!(x.stem, y.stem);
        assert!(x.svg == y.svg, "{} SVG differs", x.stem);
        assert!(x.png == y.png, "{} PNG differs", x.stem);
    }
}

#[test]
fn write_report_publishes_every_file_atomically() {
    let cmp = story();
    let dir = tempfile::tempdir().unwrap();
    let files = html::write_report(
        dir.path(),
        &cmp,
        &[],
        &HtmlOptions {
            worksheet: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(files.html.len(), 2);
    assert!(dir.path().join("report.html").is_file());
    assert!(dir.path().join("worksheet.html").is_file());
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2 * files.charts);
    for stem in [
        "outlet_features",
        "framing_vs_reliability",
        "frame_profile",
        "strip_001",
        "strip_005",
    ] {
        assert!(
            names.contains(&format!("{stem}.png")),
            "{stem}.png in {names:?}"
        );
        assert!(
            names.contains(&format!("{stem}.svg")),
            "{stem}.svg in {names:?}"
        );
    }
    // No temporary files left behind.
    for d in [dir.path().to_path_buf(), dir.path().join("charts")] {
        for e in std::fs::read_dir(d).unwrap() {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!n.starts_with('.'), "temporary file left: {n}");
        }
    }
}

#[test]
fn an_empty_run_still_renders() {
    let (cmp, _) = comparison(&[]);
    let page = render(&cmp, false);
    assert!(page.contains("0 articles"));
    assert_inert(&page, 0);
}
