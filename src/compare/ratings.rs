//! Outlet ratings the user already trusts (`--source-ratings FILE.csv`).
//!
//! Takes: a user-supplied CSV mapping a domain or outlet name to a rating.
//! Gives: [`SourceRatings`], which looks up an article's rating (by URL
//! domain, an outlet that is a domain, or the outlet name) and says whether
//! it disagrees with the text-based reliability index.
//!
//! The file format is tolerant (see `docs/RELIABILITY.md`, "Source ratings"):
//! - delimiter `,`, `;` or tab (sniffed from the header line); a UTF-8 BOM is
//!   ignored; header names are compared case-insensitively, spaces = `_`;
//! - key column: the first of `domain`, `url`, `site`, `website`, `source`,
//!   `outlet`, `outlet_name`, `name`, `publisher`, `media` (both a domain and
//!   an outlet column are used when present);
//! - rating column: the first of `rating`, `reliability`,
//!   `reliability_label`, `label`, `score`, `credibility`, `trust`,
//!   `factual`, `factual_reporting`, `newsguard_score`;
//! - ratings are numbers or words. Numbers: when the column has negative
//!   values they are read as signed (> 0 reliable, 0 mixed, < 0 unreliable);
//!   otherwise scaled by the smallest of 1, 5, 10, 100 that holds the
//!   column's maximum. Words: `high`, `very high`, `reliable`, `trusted`,
//!   `credible`, `trustworthy` → high; `mixed`, `medium`, `moderate` →
//!   mixed; `low`, `very low`, `unreliable`, `questionable`, `fake`,
//!   `conspiracy`, `satire`, `propaganda`, `untrustworthy` → low; anything
//!   else is shown but never compared.
//!
//! framelens ships no ratings: this file is always the user's.

use std::collections::BTreeMap;
use std::path::Path;

/// Errors reading a ratings file.
#[derive(Debug, thiserror::Error)]
pub enum RatingsError {
    #[error("source ratings {file}: {reason}")]
    File { file: String, reason: String },
    #[error("source ratings {file}:{row}: {reason}")]
    Row {
        file: String,
        row: usize,
        reason: String,
    },
}

/// A coarse reliability band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Low,
    Mixed,
    High,
}

impl Band {
    /// Band of a rating normalised to 0..=1.
    pub fn of_unit(v: f64) -> Band {
        if v >= 2.0 / 3.0 {
            Band::High
        } else if v <= 1.0 / 3.0 {
            Band::Low
        } else {
            Band::Mixed
        }
    }

    /// Band of the text-based reliability index (0-100): high ≥ 60, low < 40.
    pub fn of_index(score: f64) -> Band {
        if score >= 60.0 {
            Band::High
        } else if score < 40.0 {
            Band::Low
        } else {
            Band::Mixed
        }
    }
}

/// One rating as read.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rating {
    /// The domain or outlet name of the row.
    pub key: String,
    /// The rating value as written in the file.
    pub value: String,
    /// Its band, when it could be read.
    pub band: Option<Band>,
}

/// The ratings of one file.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SourceRatings {
    /// Source file (for messages).
    pub file: String,
    by_domain: BTreeMap<String, Rating>,
    by_name: BTreeMap<String, Rating>,
}

const KEY_COLS: &[&str] = &[
    "domain",
    "url",
    "site",
    "website",
    "source",
    "outlet",
    "outlet_name",
    "name",
    "publisher",
    "media",
];
const RATING_COLS: &[&str] = &[
    "rating",
    "reliability",
    "reliability_label",
    "label",
    "score",
    "credibility",
    "trust",
    "factual",
    "factual_reporting",
    "newsguard_score",
];

fn word_band(v: &str) -> Option<Band> {
    let v = v.trim().to_lowercase().replace(['-', '_'], " ");
    match v.as_str() {
        "high" | "very high" | "reliable" | "trusted" | "credible" | "trustworthy" => {
            Some(Band::High)
        }
        "mixed" | "medium" | "moderate" => Some(Band::Mixed),
        "low" | "very low" | "unreliable" | "questionable" | "fake" | "conspiracy" | "satire"
        | "propaganda" | "untrustworthy" => Some(Band::Low),
        _ => None,
    }
}

/// Lower-case host without `www.`/`m.`, from a URL or a bare domain.
pub fn domain_of(s: &str) -> Option<String> {
    let s = s.trim().to_lowercase();
    let rest = s.split_once("://").map(|x| x.1).unwrap_or(&s);
    let host = rest.split(['/', '?', '#']).next()?.split(':').next()?;
    let host = host
        .strip_prefix("www.")
        .or_else(|| host.strip_prefix("m."))
        .unwrap_or(host);
    (host.contains('.') && !host.contains(' ') && host.len() > 3).then(|| host.to_string())
}

/// Name key: lower-case letters and digits only, leading "the" dropped.
fn name_key(s: &str) -> String {
    let k: String = s
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    match k.strip_prefix("the") {
        Some(x) if x.len() >= 3 => x.to_string(),
        _ => k,
    }
}

/// Name key of a domain: the label before the public suffix
/// (`theguardian.com` → `guardian`, `bbc.co.uk` → `bbc`).
fn domain_name_key(d: &str) -> String {
    let parts: Vec<&str> = d.split('.').collect();
    let n = parts.len();
    let i = if n >= 3 && parts[n - 2].len() <= 3 && parts[n - 1].len() == 2 {
        n - 3
    } else {
        n.saturating_sub(2)
    };
    name_key(parts[i])
}

impl SourceRatings {
    /// Read a ratings file (see the module docs for the format).
    pub fn load(path: &Path) -> Result<SourceRatings, RatingsError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| RatingsError::File {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| RatingsError::File {
            file: file.clone(),
            reason: "not UTF-8 text".into(),
        })?;
        Self::parse(&file, &text)
    }

    /// Parse ratings from text; `file` names the source in errors.
    pub fn parse(file: &str, text: &str) -> Result<SourceRatings, RatingsError> {
        let text = text.trim_start_matches('\u{feff}');
        let first = text.lines().next().unwrap_or("");
        let delim = [b',', b';', b'\t']
            .into_iter()
            .max_by_key(|d| first.bytes().filter(|b| b == d).count())
            .unwrap_or(b',');
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delim)
            .flexible(true)
            .from_reader(text.as_bytes());
        let err = |reason: String| RatingsError::File {
            file: file.to_string(),
            reason,
        };
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| err(e.to_string()))?
            .iter()
            .map(|h| h.trim().to_lowercase().replace(' ', "_"))
            .collect();
        let find = |names: &[&str]| -> Option<usize> {
            names
                .iter()
                .find_map(|n| header.iter().position(|h| h == n))
        };
        let key_cols: Vec<usize> = KEY_COLS
            .iter()
            .filter_map(|n| header.iter().position(|h| h == n))
            .collect();
        if key_cols.is_empty() {
            return Err(err(format!(
                "no domain or outlet column (expected one of: {})",
                KEY_COLS.join(", ")
            )));
        }
        let rating_col = find(RATING_COLS).ok_or_else(|| {
            err(format!(
                "no rating column (expected one of: {})",
                RATING_COLS.join(", ")
            ))
        })?;
        let mut rows: Vec<(Vec<String>, String)> = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| RatingsError::Row {
                file: file.to_string(),
                row: i + 2,
                reason: e.to_string(),
            })?;
            let value = rec.get(rating_col).unwrap_or("").trim().to_string();
            let keys: Vec<String> = key_cols
                .iter()
                .filter_map(|&c| rec.get(c))
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect();
            if value.is_empty() || keys.is_empty() {
                continue;
            }
            rows.push((keys, value));
        }
        // Numeric scale of the rating column.
        let nums: Vec<f64> = rows
            .iter()
            .filter_map(|r| r.1.parse::<f64>().ok())
            .collect();
        let signed = nums.iter().any(|v| *v < 0.0);
        let max = nums.iter().copied().fold(0.0_f64, f64::max);
        let scale = [1.0, 5.0, 10.0, 100.0]
            .into_iter()
            .find(|s| max <= *s)
            .unwrap_or(max.max(1.0));
        let mut out = SourceRatings {
            file: file.to_string(),
            ..Default::default()
        };
        for (keys, value) in rows {
            let band = match value.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(if signed {
                    match v.partial_cmp(&0.0) {
                        Some(std::cmp::Ordering::Greater) => Band::High,
                        Some(std::cmp::Ordering::Less) => Band::Low,
                        _ => Band::Mixed,
                    }
                } else {
                    Band::of_unit(v / scale)
                }),
                _ => word_band(&value),
            };
            for k in keys {
                let r = Rating {
                    key: k.clone(),
                    value: value.clone(),
                    band,
                };
                if let Some(d) = domain_of(&k) {
                    out.by_domain.entry(d.clone()).or_insert_with(|| r.clone());
                    out.by_name.entry(domain_name_key(&d)).or_insert(r);
                } else {
                    let nk = name_key(&k);
                    if !nk.is_empty() {
                        out.by_name.entry(nk).or_insert(r);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Number of distinct keys read.
    pub fn len(&self) -> usize {
        self.by_domain.len() + self.by_name.len()
    }

    /// True when the file gave no usable rows.
    pub fn is_empty(&self) -> bool {
        self.by_domain.is_empty() && self.by_name.is_empty()
    }

    /// Rating of an article, from its URL's domain, an outlet that is a
    /// domain, or the outlet's name (each part of "Name - Region" tried).
    pub fn lookup(&self, url: Option<&str>, outlet: Option<&str>) -> Option<&Rating> {
        for d in [url.and_then(domain_of), outlet.and_then(domain_of)]
            .into_iter()
            .flatten()
        {
            let mut host = d.as_str();
            loop {
                if let Some(r) = self.by_domain.get(host) {
                    return Some(r);
                }
                match host.split_once('.') {
                    Some((_, rest)) if rest.contains('.') => host = rest,
                    _ => break,
                }
            }
        }
        let outlet = outlet?;
        if domain_of(outlet).is_some() {
            return None;
        }
        std::iter::once(outlet)
            .chain(outlet.split(" - "))
            .chain(outlet.split(" | "))
            .chain(outlet.split(" \u{2013} "))
            .map(name_key)
            .filter(|k| k.len() >= 2)
            .find_map(|k| self.by_name.get(&k))
    }
}

/// Whether a rating and the text index disagree: one is high and the other low.
pub fn disagrees(rating: &Rating, index: f64) -> Option<bool> {
    let b = rating.band?;
    let t = Band::of_index(index);
    Some(matches!(
        (b, t),
        (Band::High, Band::Low) | (Band::Low, Band::High)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_signed_labels_and_matches_domains_and_names() {
        let r = SourceRatings::parse(
            "t.csv",
            "\u{feff}Domain,Reliability_Label,other\nexample-news.com,1,x\nfarm.example,-1,\nmid.example,0,\n",
        )
        .unwrap();
        let a = r
            .lookup(Some("https://www.example-news.com/a/b"), None)
            .unwrap();
        assert_eq!(a.band, Some(Band::High));
        let b = r.lookup(None, Some("news.farm.example")).unwrap();
        assert_eq!(b.band, Some(Band::Low));
        assert_eq!(r.lookup(None, Some("Example News")), Some(a));
        assert_eq!(r.lookup(None, Some("Other Paper")), None);
        assert_eq!(r.lookup(None, Some("Mid")).unwrap().band, Some(Band::Mixed));
        assert_eq!(disagrees(a, 20.0), Some(true));
        assert_eq!(disagrees(a, 50.0), Some(false));
    }

    #[test]
    fn reads_words_and_percent_scores_with_semicolons() {
        let r = SourceRatings::parse(
            "t.csv",
            "outlet;rating\nThe Daily Ledger;high\nBuzz Farm;Questionable\nScore Site;x\n",
        )
        .unwrap();
        assert_eq!(
            r.lookup(None, Some("Daily Ledger - Europe")).unwrap().band,
            Some(Band::High)
        );
        assert_eq!(
            r.lookup(None, Some("buzz farm")).unwrap().band,
            Some(Band::Low)
        );
        assert_eq!(r.lookup(None, Some("Score Site")).unwrap().band, None);
        let p =
            SourceRatings::parse("p.csv", "site,score\na.example,87.5\nb.example,20\n").unwrap();
        assert_eq!(
            p.lookup(Some("http://a.example/x"), None).unwrap().band,
            Some(Band::High)
        );
        assert_eq!(
            p.lookup(Some("http://b.example/x"), None).unwrap().band,
            Some(Band::Low)
        );
    }

    #[test]
    fn bad_header_names_the_file() {
        let e = SourceRatings::parse("bad.csv", "foo,bar\n1,2\n").unwrap_err();
        assert!(e.to_string().contains("bad.csv"));
    }
}
