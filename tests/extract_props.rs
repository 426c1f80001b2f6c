//! Property tests: ingest and extraction never panic on arbitrary input,
//! the body always has the documented shape, and output is deterministic.

use framelens::extract::extract;
use framelens::ingest::{ingest, DocFormat, IngestOptions, RawDoc, UserMeta};
use proptest::prelude::*;

fn raw(format: DocFormat, content: String) -> RawDoc {
    RawDoc {
        seq: 3,
        source: "prop".into(),
        format,
        content,
        meta: UserMeta::default(),
        encoding_note: None,
    }
}

/// Page-like text: words, furniture, dates, quotes, bullets and line breaks.
fn page_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("The minister said on Tuesday that talks would continue. ".to_string()),
        Just("“We are ready,” she said. ".to_string()),
        Just("Read also:".to_string()),
        Just("Advertisement".to_string()),
        Just("17 April, 2023 Monday".to_string()),
        Just("17:53".to_string()),
        Just("- ".to_string()),
        Just("(Photo: X/Reuters)".to_string()),
        Just("Source: Reuters".to_string()),
        Just("By Jane Roe".to_string()),
        Just("ééé 17 April 2023 İİ (Reporting by İ Roe)".to_string()),
        Just("Source: Ünïcode Préss Agency/AFP".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\r\n".to_string()),
        "[a-zA-Z ,.!?'\"]{0,40}",
        "\\PC{0,20}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// HTML-like text from a small alphabet of tags.
fn html_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div>".to_string()),
        Just("</div>".to_string()),
        Just("<script>x()</script>".to_string()),
        Just("<style>".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("<br/>".to_string()),
        Just("<a href='javascript:x()'>".to_string()),
        Just("&amp;&#8220;&#xZZ;&".to_string()),
        Just("<meta property=\"og:title\" content=\"T\">".to_string()),
        Just("The council voted on Tuesday to keep the market open, its chair said. ".to_string()),
        "[<>/a-z =\"']{0,20}",
        "[&;#xa-zé€🙂<>İ0-9]{0,24}",
        "\\PC{0,30}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

fn check_shape(body: &str) {
    assert!(!body.is_empty());
    for p in body.split("\n\n") {
        assert!(!p.is_empty());
        assert_eq!(p, p.trim());
        assert!(!p.contains('\n'));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn issue7_text_extraction_never_panics_and_is_deterministic(text in page_text()) {
        let a = extract(raw(DocFormat::Text, text.clone()));
        let b = extract(raw(DocFormat::Text, text));
        prop_assert_eq!(&a, &b);
        if let Ok(a) = a {
            check_shape(&a.body);
            prop_assert_eq!(a.id, "a0004");
        }
    }

    #[test]
    fn issue7_html_extraction_never_panics_and_is_deterministic(html in html_text()) {
        let a = extract(raw(DocFormat::Html, html.clone()));
        let b = extract(raw(DocFormat::Html, html));
        prop_assert_eq!(&a, &b);
        if let Ok(a) = a {
            check_shape(&a.body);
            // Attribute values never leak into the text.
            prop_assert!(!a.body.contains("javascript:"));
        }
    }

    /// With well-formed markup (whole tags only), script, style and
    /// template content never reaches the body. (With broken markup such as
    /// `<a<script>`, HTML itself reads the "script" as text, as browsers do.)
    #[test]
    fn issue7_script_content_never_in_body(pieces in prop::collection::vec(prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div class=\"x\">".to_string()),
        Just("</div>".to_string()),
        Just("<script>var SCRIPTBODY = 1;</script>".to_string()),
        Just("<script type=\"text/javascript\">if (a < b) { SCRIPTBODY(); }</script>".to_string()),
        Just("<style>.STYLEBODY { color: red; }</style>".to_string()),
        Just("<template><p>TEMPLATEBODY</p></template>".to_string()),
        Just("<noscript>NOSCRIPTBODY</noscript>".to_string()),
        Just("<a href=\"javascript:alert(1)\" onclick=\"HANDLER()\">link</a>".to_string()),
        Just("The council voted on Tuesday to keep the market open, its chair said. ".to_string()),
        Just("Shops welcomed the vote, and traders said business had picked up. ".to_string()),
        "[a-zA-Z ,.é]{0,30}",
    ], 0..60)) {
        let html = pieces.concat();
        if let Ok(a) = extract(raw(DocFormat::Html, html)) {
            for bad in ["SCRIPTBODY", "STYLEBODY", "TEMPLATEBODY", "NOSCRIPTBODY", "HANDLER", "javascript:"] {
                prop_assert!(!a.body.contains(bad), "{} in {:?}", bad, a.body);
            }
        }
    }

    #[test]
    fn issue7_arbitrary_files_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), ext in prop::sample::select(vec!["txt", "html", "csv", "tsv", "jsonl", "bin"])) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(format!("f.{ext}"));
        std::fs::write(&p, &bytes).unwrap();
        let items: Vec<_> = ingest(std::slice::from_ref(&p), &IngestOptions::default()).collect();
        prop_assert!(!items.is_empty(), "every input is accounted for");
        let name = p.display().to_string();
        for (i, item) in items.iter().enumerate() {
            match item {
                Ok(d) => {
                    prop_assert_eq!(d.seq, i);
                    prop_assert!(d.source.starts_with(&name));
                    let _ = extract(d.clone());
                }
                Err(e) => {
                    prop_assert_eq!(e.seq, i);
                    prop_assert!(e.source.starts_with(&name));
                    prop_assert!(!e.reason.is_empty());
                }
            }
        }
    }

    #[test]
    fn issue7_csv_rows_are_all_accounted_for(rows in prop::collection::vec("[a-z ,\"\n]{0,30}", 1..30)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.csv");
        let mut data = String::from("id,text\n");
        for (i, r) in rows.iter().enumerate() {
            data.push_str(&format!("r{i},{r}\n"));
        }
        std::fs::write(&p, &data).unwrap();
        let items: Vec<_> = ingest(&[p], &IngestOptions::default()).collect();
        prop_assert!(!items.is_empty());
        // Row sources point at real lines, in increasing order.
        let total_lines = data.lines().count();
        let mut last = 1;
        for item in &items {
            let src = match item { Ok(d) => &d.source, Err(e) => &e.source };
            if let Some((_, line)) = src.rsplit_once(':') {
                let line: usize = line.parse().unwrap();
                prop_assert!(line > last && line <= total_lines);
                last = line;
            }
        }
    }
}
