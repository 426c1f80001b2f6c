//! Offset invariants of the text layer, checked by the property tests
//! (`tests/hostile_props.rs`) and the fuzz targets (`fuzz/fuzz_targets/`),
//! which include this file with `#[path]`.
//!
//! Every paragraph, sentence, token, quote, attribution, speaker and span is
//! a byte range into the body: it must lie inside the body, start and end
//! on char boundaries, and (where the struct names a text) slice exactly
//! that text. Sentences sit inside their paragraph, tokens inside their
//! sentence, and indexes into other lists are in range.

use framelens::features::Analysis;
use framelens::lexicon::Span;
use framelens::text::Layout;

/// Check that `start..end` is a valid slice of `body`.
fn range(body: &str, what: &str, start: usize, end: usize) -> Result<(), String> {
    if start > end || end > body.len() {
        return Err(format!(
            "{what}: range {start}..{end} outside body of {} bytes",
            body.len()
        ));
    }
    if !body.is_char_boundary(start) || !body.is_char_boundary(end) {
        return Err(format!(
            "{what}: range {start}..{end} does not lie on char boundaries"
        ));
    }
    Ok(())
}

/// Check a [`Layout`] built from `body`.
pub fn check_layout(body: &str, l: &Layout) -> Result<(), String> {
    let mut prev_end = 0;
    for (i, p) in l.paragraphs.iter().enumerate() {
        range(body, &format!("paragraph {i}"), p.start, p.end)?;
        if p.start < prev_end {
            return Err(format!("paragraph {i} overlaps the previous one"));
        }
        prev_end = p.end;
    }
    let mut prev_start = 0;
    for (i, s) in l.sentences.iter().enumerate() {
        range(body, &format!("sentence {i}"), s.start, s.end)?;
        if s.start < prev_start {
            return Err(format!("sentence {i} starts before sentence {}", i - 1));
        }
        prev_start = s.start;
        let p = l.paragraphs.get(s.paragraph).ok_or_else(|| {
            format!(
                "sentence {i}: paragraph {} of {}",
                s.paragraph,
                l.paragraphs.len()
            )
        })?;
        if s.start < p.start || s.end > p.end {
            return Err(format!(
                "sentence {i} ({}..{}) is not inside its paragraph {} ({}..{})",
                s.start, s.end, s.paragraph, p.start, p.end
            ));
        }
    }
    for (i, t) in l.tokens.iter().enumerate() {
        let (ts, te) = (t.start as usize, t.end as usize);
        range(body, &format!("token {i}"), ts, te)?;
        if ts == te {
            return Err(format!("token {i} is empty"));
        }
        let s = l.sentences.get(t.sentence as usize).ok_or_else(|| {
            format!(
                "token {i}: sentence {} of {}",
                t.sentence,
                l.sentences.len()
            )
        })?;
        if ts < s.start || te > s.end {
            return Err(format!(
                "token {i} {:?} ({ts}..{te}) is not inside its sentence {} ({}..{})",
                &body[ts..te],
                t.sentence,
                s.start,
                s.end
            ));
        }
    }
    for (i, q) in l.quotes.iter().enumerate() {
        range(body, &format!("quote {i}"), q.start, q.end)?;
        range(
            body,
            &format!("quote {i} inner"),
            q.inner_start,
            q.inner_end,
        )?;
        if q.inner_start < q.start || q.inner_end > q.end {
            return Err(format!("quote {i}: inner range outside the quote"));
        }
        if q.sentence >= l.sentences.len().max(1) {
            return Err(format!("quote {i}: sentence {} out of range", q.sentence));
        }
        if let Some((s, e)) = q.speaker_range {
            range(body, &format!("quote {i} speaker"), s, e)?;
            if let Some(name) = &q.speaker {
                if body[s..e] != **name {
                    return Err(format!(
                        "quote {i}: speaker {name:?} but body[{s}..{e}] is {:?}",
                        &body[s..e]
                    ));
                }
            }
        }
        if let Some(a) = q.attribution {
            if a >= l.attributions.len() {
                return Err(format!("quote {i}: attribution {a} out of range"));
            }
        }
    }
    for (i, a) in l.attributions.iter().enumerate() {
        range(body, &format!("attribution {i}"), a.start, a.end)?;
        if let Some(sp) = &a.speaker {
            range(body, &format!("attribution {i} speaker"), sp.start, sp.end)?;
            if let Some((s, e)) = sp.resolved {
                range(body, &format!("attribution {i} resolved speaker"), s, e)?;
                if let Some(name) = &sp.name {
                    if body[s..e] != **name {
                        return Err(format!(
                            "attribution {i}: resolved name {name:?} but body[{s}..{e}] is {:?}",
                            &body[s..e]
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Check the spans found in `body` with `layout`.
pub fn check_spans(body: &str, layout: &Layout, spans: &[Span]) -> Result<(), String> {
    for (i, sp) in spans.iter().enumerate() {
        range(body, &format!("span {i} ({})", sp.rule), sp.start, sp.end)?;
        if sp.start == sp.end {
            return Err(format!("span {i} ({}) is empty", sp.rule));
        }
        if !layout.sentences.is_empty() && sp.sentence >= layout.sentences.len() {
            return Err(format!(
                "span {i} ({}): sentence {} of {}",
                sp.rule,
                sp.sentence,
                layout.sentences.len()
            ));
        }
        if sp.rule.is_empty() {
            return Err(format!("span {i}: no rule"));
        }
    }
    Ok(())
}

/// Check a whole [`Analysis`]: its layout and spans against its body, and
/// the per-sentence and feature vectors' shapes.
pub fn check_analysis(an: &Analysis) -> Result<(), String> {
    let body = &an.article.body;
    check_layout(body, &an.layout)?;
    check_spans(body, &an.layout, &an.spans)?;
    if an.sentences.len() != an.layout.sentences.len() {
        return Err(format!(
            "{} sentence feature rows for {} sentences",
            an.sentences.len(),
            an.layout.sentences.len()
        ));
    }
    if an.values.len() != framelens::schema::FEATURES.len() {
        return Err(format!("{} feature values", an.values.len()));
    }
    if let Some(v) = an.values.iter().find(|v| !v.is_finite()) {
        return Err(format!("a feature value is not finite: {v}"));
    }
    Ok(())
}
