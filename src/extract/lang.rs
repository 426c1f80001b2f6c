//! Language identification of the cleaned body.
//!
//! Takes: the body text.
//! Gives: an ISO 639-1 code (639-3 when there is no two-letter code) with
//! the evidence, only when the detection is reliable. Only the first
//! [`SAMPLE_BYTES`] are looked at, which keeps it cheap on huge documents.
//!
//! `whatlang` does the detection. Its cost is mostly fixed per call (it
//! compares against every language profile of the script), about as much
//! as all of the rest of extraction for a short article, so clearly
//! English text is recognised first by a cheaper statistic: at least
//! [`EN_MIN_WORDS`] words of which at least [`EN_MIN_RATIO`] are English
//! function words ("the", "of", "and", ...). English news prose sits around
//! 0.35-0.45; other Latin-script languages stay far below 0.2 on this list.
//! Everything else goes to `whatlang`, and its guess is kept only when it
//! calls it reliable.

use super::words::LineStats;

/// Bytes of the body given to the detector.
pub(crate) const SAMPLE_BYTES: usize = 1024;

/// ISO 639-3 (whatlang) to ISO 639-1.
fn two_letter(code3: &str) -> Option<&'static str> {
    const MAP: &[(&str, &str)] = &[
        ("afr", "af"),
        ("aka", "ak"),
        ("amh", "am"),
        ("ara", "ar"),
        ("aze", "az"),
        ("bel", "be"),
        ("ben", "bn"),
        ("bul", "bg"),
        ("cat", "ca"),
        ("ces", "cs"),
        ("cmn", "zh"),
        ("cym", "cy"),
        ("dan", "da"),
        ("deu", "de"),
        ("ell", "el"),
        ("eng", "en"),
        ("epo", "eo"),
        ("est", "et"),
        ("fin", "fi"),
        ("fra", "fr"),
        ("guj", "gu"),
        ("heb", "he"),
        ("hin", "hi"),
        ("hrv", "hr"),
        ("hun", "hu"),
        ("hye", "hy"),
        ("ind", "id"),
        ("ita", "it"),
        ("jav", "jv"),
        ("jpn", "ja"),
        ("kan", "kn"),
        ("kat", "ka"),
        ("khm", "km"),
        ("kor", "ko"),
        ("lat", "la"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("mal", "ml"),
        ("mar", "mr"),
        ("mkd", "mk"),
        ("mya", "my"),
        ("nep", "ne"),
        ("nld", "nl"),
        ("nob", "nb"),
        ("ori", "or"),
        ("pan", "pa"),
        ("pes", "fa"),
        ("pol", "pl"),
        ("por", "pt"),
        ("ron", "ro"),
        ("rus", "ru"),
        ("sin", "si"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("sna", "sn"),
        ("spa", "es"),
        ("srp", "sr"),
        ("swe", "sv"),
        ("tam", "ta"),
        ("tel", "te"),
        ("tgl", "tl"),
        ("tha", "th"),
        ("tuk", "tk"),
        ("tur", "tr"),
        ("ukr", "uk"),
        ("urd", "ur"),
        ("uzb", "uz"),
        ("vie", "vi"),
        ("yid", "yi"),
        ("zul", "zu"),
    ];
    MAP.iter().find(|(a, _)| *a == code3).map(|(_, b)| *b)
}

/// Minimum words for the English shortcut.
pub(crate) const EN_MIN_WORDS: usize = 40;
/// Minimum share of English function words for the English shortcut.
pub(crate) const EN_MIN_RATIO: f32 = 0.28;

/// The end of the sample of `body` given to the detector: at most
/// [`SAMPLE_BYTES`], on a character boundary.
pub(crate) fn sample_end(body: &str) -> usize {
    let mut end = body.len().min(SAMPLE_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Detected language: `(code, evidence)`; `None` when unreliable.
#[cfg(test)]
pub(crate) fn detect(body: &str) -> Option<(String, String)> {
    let st = super::words::stats(&body[..sample_end(body)]);
    detect_counted(body, &st)
}

/// [`detect`], given the word and function-word counts of the sample
/// (`body[..sample_end(body)]`), which the caller already has from
/// cleaning.
pub(crate) fn detect_counted(body: &str, st: &LineStats) -> Option<(String, String)> {
    let end = sample_end(body);
    let sample = &body[..end];
    if st.words >= EN_MIN_WORDS && st.function_ratio() >= EN_MIN_RATIO {
        return Some((
            "en".to_string(),
            format!(
                "English function words are {:.0}% of the first {} words",
                st.function_ratio() * 100.0,
                st.words
            ),
        ));
    }
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() {
        return None;
    }
    let code3 = info.lang().code();
    let code = two_letter(code3).unwrap_or(code3).to_string();
    let evidence = format!(
        "whatlang: {} (confidence {:.2}) on the first {} bytes of the body",
        info.lang().eng_name(),
        info.confidence(),
        end
    );
    Some((code, evidence))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_unreliable() {
        let (code, ev) = detect("The ministers met on Sunday and agreed that the talks had been useful for both sides, officials said.").unwrap();
        assert_eq!(code, "en");
        assert!(
            ev.contains("whatlang: English"),
            "short text goes to whatlang: {ev}"
        );
        let long = "The ministers met on Sunday and agreed that the talks had been useful for both of the sides, officials said. ".repeat(4);
        let (code, ev) = detect(&long).unwrap();
        assert_eq!(code, "en");
        assert!(ev.contains("function words"), "{ev}");
        let fr = "Les ministres se sont rencontrés dimanche et ont convenu que les discussions avaient été utiles pour les deux parties, ont déclaré des responsables du gouvernement. ".repeat(3);
        assert_eq!(detect(&fr).unwrap().0, "fr");
        let de = "Die Minister trafen sich am Sonntag und waren sich einig, dass die Gespräche für beide Seiten nützlich gewesen seien, sagten Beamte der Regierung in der Hauptstadt. ".repeat(3);
        assert_eq!(detect(&de).unwrap().0, "de");
        assert!(detect("ok").is_none());
    }

    #[test]
    fn map_is_sorted_unique() {
        assert_eq!(two_letter("ukr"), Some("uk"));
        assert_eq!(two_letter("xyz"), None);
    }
}
