//! Language identification of the cleaned body.
//!
//! Takes: the body text.
//! Gives: an ISO 639-1 code (639-3 when there is no two-letter code) with
//! the detector's confidence, only when `whatlang` calls its guess
//! reliable. Only the first [`SAMPLE_BYTES`] are looked at, which keeps it
//! cheap on huge documents.

/// Bytes of the body given to the detector.
pub(crate) const SAMPLE_BYTES: usize = 16 * 1024;

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

/// Detected language: `(code, evidence)`; `None` when unreliable.
pub(crate) fn detect(body: &str) -> Option<(String, String)> {
    let mut end = body.len().min(SAMPLE_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&body[..end])?;
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
        assert!(ev.contains("English"));
        assert!(detect("ok").is_none());
    }

    #[test]
    fn map_is_sorted_unique() {
        assert_eq!(two_letter("ukr"), Some("uk"));
        assert_eq!(two_letter("xyz"), None);
    }
}
