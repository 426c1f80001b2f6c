//! Shared helpers of the comparison tests (`tests/compare_*.rs`): load the
//! fixture stories of `tests/fixtures/compare/` into scored articles through
//! the real pipeline functions (extract → features::analyze → model::score).
#![allow(dead_code)]

use framelens::compare::{self, CompareOptions, Comparison};
use framelens::extract::{self, Field, Origin};
use framelens::features;
use framelens::ingest::{DocFormat, RawDoc, UserMeta};
use framelens::lexicon::Lexicons;
use framelens::model::{self, Model, Scored};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A fixture file: its header fields and body.
pub struct Fixture {
    pub path: PathBuf,
    pub header: BTreeMap<String, String>,
    pub body: String,
}

impl Fixture {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.header
            .get(k)
            .map(|s| s.as_str())
            .filter(|s| !s.is_empty())
    }
}

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/compare")
        .join(name)
}

/// Read every `*.txt` of a fixture folder, in file-name order.
pub fn load(name: &str) -> Vec<Fixture> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture_dir(name))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let (head, body) = text.split_once("\n---\n").expect("header ends with ---");
            let header = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
            Fixture {
                path,
                header,
                body: body.to_string(),
            }
        })
        .collect()
}

/// Build the article of a fixture through `extract`, then state the
/// header's metadata as a corpus would.
pub fn article(seq: usize, f: &Fixture) -> extract::Article {
    let meta = UserMeta {
        id: f.get("id").map(str::to_string),
        outlet: f.get("outlet").map(str::to_string),
        published: f.get("published").map(str::to_string),
        title: f.get("title").map(str::to_string),
        byline: f.get("byline").map(str::to_string),
        story: f.get("story").map(str::to_string),
        ..UserMeta::default()
    };
    let raw = RawDoc {
        seq,
        source: f.path.display().to_string(),
        format: DocFormat::Text,
        content: f.body.clone(),
        meta,
        encoding_note: None,
    };
    let mut a = extract::extract(raw).expect("fixture extracts");
    let field = |v: &str| Field::new(v, v, Origin::User);
    a.id = f.get("id").unwrap().to_string();
    a.outlet = f.get("outlet").map(field);
    a.published = f.get("published").map(field);
    a.title = f.get("title").map(field);
    a.byline = f.get("byline").map(field);
    a.story = f.get("story").map(str::to_string);
    a.wire_credits = f
        .get("wire")
        .map(|w| w.split(';').map(|x| field(x.trim())).collect())
        .unwrap_or_default();
    a.junk.spam_links = f
        .get("spam")
        .map(|s| s.split('|').map(|x| x.trim().to_string()).collect())
        .unwrap_or_default();
    a
}

/// Analyse and score an article with the embedded lexicons and model.
pub fn score(a: extract::Article) -> Scored {
    model::score(
        features::analyze(a, Lexicons::embedded()),
        Model::embedded(),
    )
}

/// The scored articles of a fixture folder.
pub fn scored(name: &str) -> Vec<Scored> {
    load(name)
        .iter()
        .enumerate()
        .map(|(i, f)| score(article(i, f)))
        .collect()
}

/// Compare a fixture folder with default options.
pub fn compare_fixture(name: &str) -> Comparison {
    compare::compare(scored(name), &CompareOptions::default())
}

/// Position of an article id in a comparison.
pub fn pos(cmp: &Comparison, id: &str) -> usize {
    cmp.articles
        .iter()
        .position(|s| s.analysis.article.id == id)
        .unwrap_or_else(|| panic!("no article {id}"))
}

/// `../shared` beside the project, if present.
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    p.is_dir().then_some(p)
}

/// A CSV export as rows of `column -> value`.
pub fn read(dir: &std::path::Path, name: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join(name)).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            h.iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}
