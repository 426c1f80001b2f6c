//! The lexicon files in datasets/lexicons: format, headers, documentation,
//! and overriding them with `Lexicons::from_dir`.

use framelens::lexicon::{find_spans, parse_file, Category, LexFile, LexiconError, Lexicons};
use framelens::text::segment_with;
use std::collections::HashSet;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons")
}

#[test]
fn every_file_is_well_formed() {
    for f in LexFile::ALL {
        let name = format!("{}.txt", f.stem());
        let text = std::fs::read_to_string(dir().join(&name)).unwrap();
        assert_eq!(text, f.embedded_text(), "{name}: embedded copy differs");
        assert!(text.ends_with('\n'), "{name}: no final newline");
        assert!(!text.contains('\r'), "{name}: CR line ends");

        // Header: a leading comment block that states the origin.
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        assert!(header.len() >= 2, "{name}: no header");
        let origin = header
            .iter()
            .find(|l| l.starts_with("# origin: "))
            .unwrap_or_else(|| panic!("{name}: header lacks `# origin:`"));
        assert!(origin.contains("framelens authors"), "{name}: {origin}");

        let mut seen = HashSet::new();
        for (i, line) in text.lines().enumerate() {
            let ln = i + 1;
            assert_eq!(line, line.trim_end(), "{name}:{ln}: trailing whitespace");
            if line.starts_with('#') {
                continue;
            }
            assert!(!line.is_empty(), "{name}:{ln}: empty line inside the list");
            assert_eq!(line, line.trim_start(), "{name}:{ln}: leading whitespace");
            let entry = line.split('\t').next().unwrap();
            assert_eq!(entry, entry.to_lowercase(), "{name}:{ln}: not lowercase");
            assert!(
                seen.insert(entry.to_string()),
                "{name}:{ln}: duplicate {entry}"
            );
        }
        let entries = parse_file(f, &name, &text).unwrap_or_else(|e| panic!("{e}"));
        assert!(!entries.is_empty(), "{name}: empty");
        // No surface form is listed twice in one file (parse_file checks
        // too; keep the rule visible here).
        let mut forms = HashSet::new();
        for e in &entries {
            for form in &e.forms {
                assert!(forms.insert(form.clone()), "{name}: form {form} twice");
            }
        }
    }
}

#[test]
fn main_categories_have_a_useful_size() {
    let lex = Lexicons::embedded();
    for (f, lo, hi) in [
        (LexFile::LoadedLanguage, 60, 250),
        (LexFile::Booster, 30, 200),
        (LexFile::Hedge, 30, 200),
        (LexFile::Attribution, 30, 200),
        (LexFile::AnonymousSource, 30, 200),
        (LexFile::Subjective, 60, 250),
    ] {
        let n = lex.entries().iter().filter(|e| e.file == f).count();
        assert!((lo..=hi).contains(&n), "{}: {n} entries", f.stem());
    }
}

#[test]
fn attribution_entries_carry_stance_and_notes() {
    let lex = Lexicons::embedded();
    let get = |t: &str| {
        lex.entries()
            .iter()
            .find(|e| e.file == LexFile::Attribution && e.text == t)
            .unwrap_or_else(|| panic!("{t} missing"))
    };
    for neutral in ["said", "told", "stated", "added", "according to"] {
        assert!(!get(neutral).stance.unwrap().is_loaded(), "{neutral}");
    }
    for loaded in [
        "claimed",
        "admitted",
        "insisted",
        "conceded",
        "boasted",
        "alleged that",
    ] {
        let e = get(loaded);
        assert!(e.stance.unwrap().is_loaded(), "{loaded}");
        assert!(e.note.as_deref().is_some_and(|n| n.len() > 10), "{loaded}");
    }
    assert!(get("according to").subject_after);
}

#[test]
fn readme_documents_every_file_and_key() {
    let readme = std::fs::read_to_string(dir().join("README.md")).unwrap();
    for f in LexFile::ALL {
        assert!(
            readme.contains(&format!("`{}.txt`", f.stem())),
            "{}",
            f.stem()
        );
    }
    for key in [
        "forms=",
        "except=",
        "case=exact",
        "note=",
        "stance=",
        "subject=after",
        "kind=",
    ] {
        assert!(readme.contains(key), "{key}");
    }
}

fn categories_in(lex: &Lexicons, body: &str) -> Vec<(Category, String)> {
    let layout = segment_with(body, lex);
    find_spans(body, &layout, lex)
        .into_iter()
        .map(|s| (s.category, body[s.start..s.end].to_string()))
        .collect()
}

#[test]
fn from_dir_overrides_per_file_and_falls_back() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("hedge.txt"),
        "# origin: a test\nperchance\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("README.md"), "not a lexicon").unwrap();
    let lex = Lexicons::from_dir(tmp.path()).unwrap();
    let found = categories_in(&lex, "Perchance the regime may fall.");
    assert!(
        found.contains(&(Category::Hedge, "Perchance".into())),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(_, t)| t == "may"),
        "embedded hedges replaced"
    );
    assert!(
        found.contains(&(Category::LoadedLanguage, "regime".into())),
        "other files fall back to the embedded ones"
    );
    assert!(lex.origins().iter().any(|o| o.ends_with("hedge.txt")));
    assert!(lex.origins().iter().any(|o| o.contains("(embedded)")));
}

#[test]
fn from_dir_errors_name_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("booster.txt"),
        "# origin: a test\nclearly\nClearly\n",
    )
    .unwrap();
    match Lexicons::from_dir(tmp.path()).unwrap_err() {
        LexiconError::Format { file, line, .. } => {
            assert!(file.ends_with("booster.txt"), "{file}");
            assert_eq!(line, 3);
        }
        e => panic!("{e}"),
    }

    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("boosters.txt"), "x\n").unwrap();
    let err = Lexicons::from_dir(tmp.path()).unwrap_err().to_string();
    assert!(
        err.contains("boosters.txt") && err.contains("unknown"),
        "{err}"
    );

    let err = Lexicons::from_dir(&tmp.path().join("missing")).unwrap_err();
    assert!(matches!(err, LexiconError::Io { .. }), "{err}");
}

#[test]
fn a_layout_from_other_lexicons_is_redone() {
    // find_spans with lexicons other than the layout's must not mix them up.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("attribution.txt"),
        "# origin: a test\nquipped\tstance=emotion\tnote=makes it sound like a joke\n",
    )
    .unwrap();
    let custom = Lexicons::from_dir(tmp.path()).unwrap();
    let body = "Putin said no. Li quipped yes.";
    let layout = framelens::text::segment(body); // embedded lexicons
    let spans = find_spans(body, &layout, &custom);
    let att: Vec<&str> = spans
        .iter()
        .filter(|s| s.category == Category::Attribution)
        .map(|s| &body[s.start..s.end])
        .collect();
    assert_eq!(att, ["quipped"]);
}
