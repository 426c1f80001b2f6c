//! A deterministic synthetic news corpus, for benchmarks and scale tests.
//!
//! Takes: a [`SynthOptions`] (number of articles, seed).
//! Gives: JSONL lines in the corpus format `analyze` reads (`id`, `outlet`,
//! `url`, `published`, `title`, `text`), written by [`write_jsonl`] or built
//! one by one by [`article`].
//!
//! Every word list and template here was written for framelens; the
//! stories are invented (fictional places, people and outlets). Articles
//! mix neutral reporting with the things framelens flags: direct quotes,
//! named and anonymous sources, neutral and loaded report verbs, hedges,
//! boosters and loaded words, plus some page boilerplate (newsletter
//! prompts, "read more" lines) for the extractor to drop. The same options
//! always give the same bytes.

use std::io::Write;

/// Options of the generator.
#[derive(Debug, Clone, Copy)]
pub struct SynthOptions {
    /// Number of articles.
    pub articles: usize,
    /// Seed; the same seed gives the same corpus.
    pub seed: u64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            articles: 1000,
            seed: 42,
        }
    }
}

/// The synthetic corpus's generator: [`crate::rng::SplitMix64`] with a
/// mixed seed and a modulo `below` (kept as it was, so a seed gives the
/// same corpus as before).
#[derive(Debug, Clone)]
pub struct Rng(crate::rng::SplitMix64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(crate::rng::SplitMix64::new(seed ^ 0x9E37_79B9_7F4A_7C15))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

const OUTLETS: &[(&str, &str)] = &[
    ("The Northern Ledger", "northernledger.example"),
    ("Daily Meridian", "dailymeridian.example"),
    ("Coastal Wire", "coastalwire.example"),
    ("Harbour Times", "harbourtimes.example"),
    ("The Plainsman", "plainsman.example"),
    ("Valley Courier", "valleycourier.example"),
    ("Metro Sentinel", "metrosentinel.example"),
    ("The Lantern", "thelantern.example"),
];

const GROUPS: &[&str] = &[
    "the ministry",
    "the central bank",
    "the defence council",
    "the harbour authority",
    "the farmers' union",
    "the election commission",
    "the health agency",
    "the rail operator",
];
const NEUTRAL_VERBS: &[&str] = &[
    "said",
    "told reporters",
    "stated",
    "said in a statement",
    "added",
];
const LOADED_VERBS: &[&str] = &[
    "claimed", "insisted", "admitted", "conceded", "alleged", "boasted",
];
const ANON: &[&str] = &[
    "a senior official",
    "sources familiar with the talks",
    "people close to the negotiations",
    "one diplomat, who asked not to be named,",
    "analysts",
];
const HEDGES: &[&str] = &[
    "reportedly",
    "allegedly",
    "apparently",
    "possibly",
    "may have",
    "could",
];
const BOOSTERS: &[&str] = &[
    "clearly",
    "undoubtedly",
    "extremely",
    "absolutely",
    "certainly",
    "hugely",
];
const LOADED: &[&str] = &[
    "regime",
    "thugs",
    "propaganda",
    "disastrous",
    "radical",
    "shocking",
    "reckless",
    "so-called",
    "puppet",
    "draconian",
    "catastrophic",
    "outrageous",
];
const NOUNS: &[&str] = &[
    "talks",
    "budget",
    "plan",
    "deal",
    "vote",
    "report",
    "measures",
    "agreement",
    "inquiry",
    "shipments",
    "prices",
    "workers",
    "officials",
    "residents",
    "markets",
    "negotiators",
];
const ADJ: &[&str] = &[
    "new",
    "second",
    "long-awaited",
    "regional",
    "provisional",
    "revised",
    "joint",
    "emergency",
    "annual",
    "preliminary",
];
const VERBS: &[&str] = &[
    "approved",
    "delayed",
    "rejected",
    "announced",
    "extended",
    "reviewed",
    "signed",
    "suspended",
    "expanded",
    "questioned",
];
const BOILER: &[&str] = &[
    "Subscribe to our newsletter for the latest updates.",
    "Advertisement",
    "Read more: Five things to know this week",
    "Share this article",
    "Sign up for breaking news alerts",
    "Copyright 2024. All rights reserved.",
];
const QUOTES: &[&str] = &[
    "We will not accept any delay",
    "This decision protects families across the country",
    "The numbers speak for themselves",
    "Nobody was consulted before the announcement",
    "We are ready to talk at any time",
    "It is a dark day for working people",
    "The agreement is fair to both sides",
    "Our teams worked through the night",
];

const SYLLABLES: &[&str] = &[
    "ka", "ro", "vel", "min", "tor", "sa", "len", "dri", "mo", "ba", "ne", "ul", "fen", "gar",
    "is", "pa", "quin", "rhe", "sol", "ta", "vo", "wen", "ya", "zo", "bre", "cas", "dom", "el",
    "hal", "jor", "lis", "mar", "nor", "os", "pel", "ran", "sev", "tul", "var", "kes",
];
const FIRST: &[&str] = &[
    "Anja", "Tomas", "Lise", "Oren", "Ida", "Pieter", "Cora", "Marek", "Hana", "Yusuf", "Elin",
    "Bruno", "Sanne", "Kofi", "Mila", "Raoul", "Tess", "Viktor", "Nadia", "Jonas", "Amara", "Lev",
];
const ROLES: &[&str] = &[
    "Minister",
    "President",
    "Governor",
    "General",
    "Senator",
    "Mayor",
    "spokeswoman",
    "spokesman",
    "opposition leader",
    "Professor",
    "Ambassador",
    "chief executive",
    "union leader",
    "judge",
];
const BODIES: &[&str] = &[
    "Council",
    "Authority",
    "Institute",
    "Union",
    "Commission",
    "Agency",
    "Ministry",
    "Board",
    "Tribunal",
    "Federation",
];
const THINGS: &[&str] = &[
    "grain export deal",
    "harbour strike",
    "border incident",
    "fuel price increase",
    "flood relief budget",
    "election count",
    "rail network outage",
    "water treaty",
    "hospital funding plan",
    "mining licence",
    "tax office breach",
    "drought emergency",
    "bridge closure",
    "fishing quota",
    "teachers' pay offer",
    "power plant tender",
    "housing reform",
    "vaccine order",
    "airport expansion",
    "pension reform",
];

/// An invented proper name of 2-3 syllables.
fn name(r: &mut Rng) -> String {
    let n = 2 + r.below(2);
    let s: String = (0..n).map(|_| r.pick(SYLLABLES)).collect();
    capitalise(&s)
}

/// The people, places and facts of one story, shared by its articles.
struct Story {
    topic: String,
    place: String,
    people: Vec<String>,
    body: String,
    facts: Vec<String>,
    day: usize,
}

impl Story {
    fn new(seed: u64, story: usize) -> Story {
        let mut r = Rng::new(seed ^ (story as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let place = name(&mut r);
        let topic = format!("the {} {}", place, r.pick(THINGS));
        let people: Vec<String> = (0..3)
            .map(|_| format!("{} {} {}", r.pick(ROLES), r.pick(FIRST), name(&mut r)))
            .collect();
        let body = format!("the {} {}", name(&mut r), r.pick(BODIES));
        let mut facts = Vec::new();
        for k in 0..5 {
            let fact = match k {
                0 => format!(
                    "{} {} {} on {} after {} days of talks with {}.",
                    capitalise(&body),
                    r.pick(VERBS),
                    topic,
                    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"][r.below(5)],
                    2 + r.below(12),
                    people[1]
                ),
                1 => format!(
                    "About {} people were affected in {}, according to {}.",
                    100 * (1 + r.below(90)),
                    place,
                    body
                ),
                2 => format!(
                    "The cost is estimated at {}.{} million, {} said.",
                    1 + r.below(400),
                    r.below(10),
                    people[0]
                ),
                3 => format!("\u{201c}{},\u{201d} {} said.", r.pick(QUOTES), people[2]),
                _ => format!(
                    "A {} review of {} is due in {}.",
                    r.pick(ADJ),
                    topic,
                    ["March", "April", "May", "June", "September", "October"][r.below(6)]
                ),
            };
            facts.push(fact);
        }
        Story {
            topic,
            place,
            people,
            body,
            facts,
            day: 1 + r.below(28),
        }
    }
}

fn sentence(r: &mut Rng, st: &Story, out: &mut String) {
    let person = &st.people[r.below(st.people.len())];
    let (topic, place, body) = (&st.topic, &st.place, &st.body);
    match r.below(11) {
        0 | 1 => {
            // Neutral reporting.
            out.push_str(&format!(
                "The {} {} was {} on {} after {} days of {}, {} {}.",
                r.pick(ADJ),
                r.pick(NOUNS),
                r.pick(VERBS),
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"][r.below(5)],
                2 + r.below(12),
                r.pick(NOUNS),
                person,
                r.pick(NEUTRAL_VERBS)
            ));
        }
        2 => {
            let q = r.pick(QUOTES);
            let verb = if r.chance(0.3) {
                r.pick(LOADED_VERBS)
            } else {
                r.pick(NEUTRAL_VERBS)
            };
            if r.chance(0.5) {
                out.push_str(&format!("\u{201c}{q},\u{201d} {person} {verb}."));
            } else {
                out.push_str(&format!("{person} {verb}: \"{q}.\""));
            }
        }
        3 => out.push_str(&format!(
            "According to {}, {} {} {} the {} {}.",
            r.pick(ANON),
            body,
            r.pick(HEDGES),
            r.pick(VERBS),
            r.pick(ADJ),
            r.pick(NOUNS)
        )),
        4 => out.push_str(&format!(
            "The {} {} is {} {} for the people of {}.",
            r.pick(LOADED),
            r.pick(NOUNS),
            r.pick(BOOSTERS),
            r.pick(LOADED),
            place
        )),
        5 => out.push_str(&format!(
            "Figures published by {} show {} {} rose by {}.{} percent in {}.",
            r.pick(GROUPS),
            r.pick(ADJ),
            r.pick(NOUNS),
            1 + r.below(20),
            r.below(10),
            2019 + r.below(6)
        )),
        6 => out.push_str(&format!(
            "Critics {} that {} {} {} {} without a vote, a move {} called {}.",
            r.pick(LOADED_VERBS),
            body,
            r.pick(HEDGES),
            r.pick(VERBS),
            topic,
            person,
            r.pick(LOADED)
        )),
        7 => out.push_str(&format!(
            "In {}, {} {} gathered outside {} on {} evening.",
            place,
            100 * (1 + r.below(50)),
            r.pick(NOUNS),
            r.pick(GROUPS),
            ["Monday", "Saturday", "Sunday"][r.below(3)]
        )),
        8 | 9 => out.push_str(&st.facts[r.below(st.facts.len())]),
        _ => out.push_str(&format!(
            "{} {} that {} {} not change, and {} {} more {} next month.",
            person,
            r.pick(NEUTRAL_VERBS),
            topic,
            ["would", "will", "must", "should"][r.below(4)],
            r.pick(GROUPS),
            r.pick(HEDGES),
            r.pick(NOUNS)
        )),
    }
}

/// All `opts.articles` articles as [`raw_doc`] gives them, in order.
pub fn raw_docs(opts: &SynthOptions) -> Vec<crate::ingest::RawDoc> {
    (0..opts.articles).map(|i| raw_doc(opts, i)).collect()
}

/// The `i`-th article as the ingest stage would hand it on (a JSONL row of
/// the corpus, source `synth.jsonl:<line>`): for benchmarks and profiling
/// of the stages after ingest.
pub fn raw_doc(opts: &SynthOptions, i: usize) -> crate::ingest::RawDoc {
    let a = article(opts, i);
    let s = |k: &str| a[k].as_str().map(str::to_string);
    crate::ingest::RawDoc {
        seq: i,
        source: format!("synth.jsonl:{}", i + 2),
        format: crate::ingest::DocFormat::Text,
        content: s("text").unwrap_or_default(),
        meta: crate::ingest::UserMeta {
            id: s("id"),
            outlet: s("outlet"),
            url: s("url"),
            published: s("published"),
            title: s("title"),
            ..crate::ingest::UserMeta::default()
        },
        encoding_note: None,
    }
}

/// The `i`-th article of the corpus `opts` describes, as a JSON object.
///
/// Articles come in blocks of 48 covering 8 stories at once (about six
/// articles per story, interleaved as in a date-sorted corpus); each story
/// has its own invented place, people, organisation and facts, which its
/// articles share and partly repeat word for word (as wire copy does).
pub fn article(opts: &SynthOptions, i: usize) -> serde_json::Value {
    let mut r = Rng::new(opts.seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
    let story = (i / 48) * 8 + r.below(8);
    let st = Story::new(opts.seed, story);
    let (outlet, domain) = OUTLETS[r.below(OUTLETS.len())];
    let mut text = String::with_capacity(4096);
    if r.chance(0.4) {
        text.push_str(r.pick(BOILER));
        text.push_str("\n\n");
    }
    // The lead: the story's main fact.
    text.push_str(&st.facts[0]);
    text.push_str("\n\n");
    let paragraphs = 5 + r.below(18);
    for p in 0..paragraphs {
        let n = 1 + r.below(4);
        for s in 0..n {
            if s > 0 {
                text.push(' ');
            }
            sentence(&mut r, &st, &mut text);
        }
        text.push_str("\n\n");
        if p == paragraphs / 2 && r.chance(0.3) {
            text.push_str(r.pick(BOILER));
            text.push_str("\n\n");
        }
    }
    if r.chance(0.5) {
        text.push_str(r.pick(BOILER));
    }
    let title = format!(
        "{} {} {}",
        capitalise(st.topic.trim_start_matches("the ")),
        ["sparks", "faces", "draws", "brings"][r.below(4)],
        ["protests", "questions", "criticism", "praise", "delays"][r.below(5)],
    );
    serde_json::json!({
        "id": format!("syn{:07}", i + 1),
        "outlet": outlet,
        "url": format!("https://{domain}/news/{}-{}", story, i),
        "published": format!("2024-03-{:02}", st.day),
        "title": title,
        "text": text.trim_end(),
    })
}

fn capitalise(s: &str) -> String {
    let s = s.trim_start_matches("the ").trim_start_matches("a ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// What [`write_jsonl`] wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct SynthStats {
    pub articles: usize,
    /// Bytes of article text (the `text` values, UTF-8).
    pub text_bytes: u64,
    /// Bytes of the whole JSONL file.
    pub file_bytes: u64,
}

/// Write the corpus as JSONL.
pub fn write_jsonl(opts: &SynthOptions, w: &mut impl Write) -> std::io::Result<SynthStats> {
    let mut st = SynthStats::default();
    let mut line = Vec::with_capacity(8192);
    for i in 0..opts.articles {
        let a = article(opts, i);
        st.text_bytes += a["text"].as_str().map(|t| t.len()).unwrap_or(0) as u64;
        line.clear();
        serde_json::to_writer(&mut line, &a)?;
        line.push(b'\n');
        w.write_all(&line)?;
        st.file_bytes += line.len() as u64;
        st.articles += 1;
    }
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_corpus() {
        let o = SynthOptions {
            articles: 20,
            seed: 7,
        };
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let st = write_jsonl(&o, &mut a).unwrap();
        write_jsonl(&o, &mut b).unwrap();
        assert_eq!(a, b);
        assert_eq!(st.articles, 20);
        assert!(st.text_bytes > 20 * 500);
        let other = write_jsonl(
            &SynthOptions {
                articles: 20,
                seed: 8,
            },
            &mut Vec::new(),
        )
        .unwrap();
        assert_ne!(other.text_bytes, st.text_bytes);
    }

    #[test]
    fn articles_carry_what_framelens_flags() {
        let o = SynthOptions::default();
        let all: String = (0..50)
            .map(|i| article(&o, i)["text"].as_str().unwrap().to_string())
            .collect();
        assert!(all.contains('\u{201c}') && all.contains('"'));
        assert!(LOADED.iter().any(|w| all.contains(w)));
        assert!(HEDGES.iter().any(|w| all.contains(w)));
        assert!(BOOSTERS.iter().any(|w| all.contains(w)));
        assert!(ANON.iter().any(|w| all.contains(w)));
    }
}
