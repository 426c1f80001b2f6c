//! Byte-level checks and decoding shared by every reader.
//!
//! Takes: raw bytes of a page, a corpus cell or a stdin stream.
//! Gives: valid UTF-8 text (BOM stripped, legacy encodings decoded with
//! `chardetng` + `encoding_rs`, with a note saying so), or a reason why the
//! bytes are not a text document (empty, binary, undecodable).

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};

/// How many leading bytes the binary check looks at.
const BINARY_SAMPLE: usize = 8192;

/// Decoded text plus an optional note about how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decoded {
    pub text: String,
    pub note: Option<String>,
}

/// Strip a UTF-8 byte-order mark.
pub(crate) fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Why `bytes` look binary, if they do. Looks at magic numbers, NUL bytes and
/// the share of control characters in the first few kilobytes.
pub(crate) fn binary_reason(bytes: &[u8]) -> Option<String> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF-", "PDF"),
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"PK\x03\x04", "ZIP archive or office document"),
        (b"\x1F\x8B", "gzip archive"),
        (b"\x7FELF", "executable"),
        (b"BZh", "bzip2 archive"),
        (b"\xFD7zXZ", "xz archive"),
        (b"SQLite format 3\0", "SQLite database"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Some(format!("binary file ({what})"));
        }
    }
    let sample = &bytes[..bytes.len().min(BINARY_SAMPLE)];
    if sample.contains(&0) {
        return Some("binary file (contains NUL bytes)".into());
    }
    let controls = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)) || b == 0x7F)
        .count();
    if !sample.is_empty() && controls * 10 > sample.len() {
        return Some(format!(
            "binary file ({controls} control bytes in the first {} bytes)",
            sample.len()
        ));
    }
    None
}

/// Decode a whole document: BOMs, binary check, UTF-8 or a detected legacy
/// encoding, then the empty check. `Err` holds the reason for `errors.csv`.
pub(crate) fn decode_document(bytes: &[u8]) -> Result<Decoded, String> {
    if bytes.is_empty() {
        return Err("empty file".into());
    }
    // UTF-16 with a BOM is text even though it is full of NUL bytes.
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        if enc != encoding_rs::UTF_8 {
            let (text, had_errors) = enc.decode_with_bom_removal(bytes);
            if had_errors {
                return Err(format!("invalid {} text", enc.name()));
            }
            return finish(
                text.into_owned(),
                Some(format!("decoded from {}", enc.name())),
            );
        }
    }
    let bytes = strip_utf8_bom(bytes);
    if let Some(reason) = binary_reason(bytes) {
        return Err(reason);
    }
    let (text, note) = decode_text(bytes, None)?;
    finish(text, note)
}

fn finish(text: String, note: Option<String>) -> Result<Decoded, String> {
    if text.trim().is_empty() {
        return Err(if text.is_empty() {
            "empty file".into()
        } else {
            "empty (whitespace only)".into()
        });
    }
    Ok(Decoded { text, note })
}

/// Decode bytes that passed the binary check. Valid UTF-8 is taken as is.
/// Mostly-valid UTF-8 with a few broken sequences is decoded lossily (with a
/// note). Otherwise the legacy encoding is detected with `chardetng` (or
/// `known`, when the caller already detected it for the same file).
pub(crate) fn decode_text(
    bytes: &[u8],
    known: Option<&'static encoding_rs::Encoding>,
) -> Result<(String, Option<String>), String> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), None));
    }
    if known.is_none() {
        // Count valid non-ASCII characters against broken sequences: a UTF-8
        // file with one damaged byte is still UTF-8.
        let mut invalid = 0usize;
        let mut non_ascii = 0usize;
        for chunk in bytes.utf8_chunks() {
            non_ascii += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
            if !chunk.invalid().is_empty() {
                invalid += 1;
            }
        }
        if non_ascii >= 4 * invalid {
            let text = String::from_utf8_lossy(bytes).into_owned();
            return Ok((
                text,
                Some(format!(
                    "{invalid} invalid UTF-8 byte sequence(s) replaced with U+FFFD"
                )),
            ));
        }
    }
    let enc = known.unwrap_or_else(|| detect_legacy(bytes));
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let c1 = text
        .chars()
        .filter(|c| ('\u{80}'..='\u{9F}').contains(c))
        .count();
    if had_errors || c1 * 100 > text.chars().count().max(1) {
        return Err(format!(
            "invalid UTF-8, and no legacy encoding could be detected (tried {})",
            enc.name()
        ));
    }
    Ok((
        text.into_owned(),
        Some(format!(
            "not valid UTF-8; decoded as {} (detected)",
            enc.name()
        )),
    ))
}

/// Guess the legacy encoding of non-UTF-8 bytes.
pub(crate) fn detect_legacy(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    det.guess(None, Utf8Detection::Deny)
}

/// What a stream of bytes looks like, for stdin and files without a known
/// extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Jsonl,
    Csv(u8),
    Html,
    Text,
}

/// Guess the kind of input from its first bytes. `text_col`/`html_col` are
/// the corpus column names a CSV header must contain.
pub(crate) fn sniff(head: &[u8], text_col: &str, html_col: &str) -> Sniffed {
    let head = strip_utf8_bom(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first_line = first_line.strip_suffix(b"\r").unwrap_or(first_line);
    if first_line.first() == Some(&b'{')
        && serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(first_line).is_ok()
    {
        return Sniffed::Jsonl;
    }
    let lower: Vec<u8> = head
        .iter()
        .take(2048)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || lower.starts_with(b"<?xml") && lower.windows(5).any(|w| w == b"<html")
        || lower.starts_with(b"<!--") && lower.windows(5).any(|w| w == b"<html")
    {
        return Sniffed::Html;
    }
    if let Ok(line) = std::str::from_utf8(first_line) {
        for delim in [b'\t', b','] {
            let has = |name: &str| {
                line.split(delim as char)
                    .any(|f| f.trim().trim_matches('"').eq_ignore_ascii_case(name))
            };
            if line.contains(delim as char) && (has(text_col) || has(html_col)) {
                return Sniffed::Csv(delim);
            }
        }
    }
    if lower.starts_with(b"<") && lower.windows(6).any(|w| w == b"<body>" || w == b"<body ") {
        return Sniffed::Html;
    }
    Sniffed::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode_document(b"\xEF\xBB\xBFHello").unwrap();
        assert_eq!(d.text, "Hello");
        assert_eq!(d.note, None);
    }

    #[test]
    fn windows_1252_is_detected() {
        // "Café – naïve" in windows-1252, repeated so detection has material.
        let mut bytes = Vec::new();
        for _ in 0..20 {
            bytes.extend_from_slice(
                b"Le caf\xE9 na\xEFf \x96 d\xE9j\xE0 vu, tr\xE8s \xE9l\xE9gant. ",
            );
        }
        let d = decode_document(&bytes).unwrap();
        assert!(d.text.contains("café"), "{}", d.text);
        assert!(d.note.unwrap().contains("windows-1252"));
    }

    #[test]
    fn mostly_utf8_is_decoded_lossily() {
        let mut bytes = "Überraschung für Müller, schön. ".repeat(5).into_bytes();
        bytes.push(0xFF);
        let d = decode_document(&bytes).unwrap();
        assert!(d.text.contains('\u{FFFD}'));
        assert!(d.note.unwrap().contains("replaced"));
    }

    #[test]
    fn binary_and_empty_are_rejected() {
        assert!(decode_document(b"abc\0def").unwrap_err().contains("binary"));
        assert!(decode_document(b"%PDF-1.4 ...")
            .unwrap_err()
            .contains("PDF"));
        assert!(decode_document(&[1, 2, 3, 4, 5, 6, 7, 8, 65, 66])
            .unwrap_err()
            .contains("binary"));
        assert_eq!(decode_document(b"").unwrap_err(), "empty file");
        assert!(decode_document(b" \n\t \r\n")
            .unwrap_err()
            .contains("whitespace"));
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for c in "Hi there".encode_utf16() {
            bytes.extend_from_slice(&c.to_le_bytes());
        }
        let d = decode_document(&bytes).unwrap();
        assert_eq!(d.text, "Hi there");
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff(b"{\"text\":\"a\"}\n{}", "text", "html"),
            Sniffed::Jsonl
        );
        assert_eq!(sniff(b"id,text\n1,a", "text", "html"), Sniffed::Csv(b','));
        assert_eq!(
            sniff(b"id\ttext\n1\ta", "text", "html"),
            Sniffed::Csv(b'\t')
        );
        assert_eq!(sniff(b"<!DOCTYPE html><p>x", "text", "html"), Sniffed::Html);
        assert_eq!(
            sniff(b"Just a page, with commas", "text", "html"),
            Sniffed::Text
        );
    }
}
