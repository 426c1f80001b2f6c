//! A bounded physical-line reader.
//!
//! Takes: any `BufRead` (a file, stdin).
//! Gives: physical lines with their 1-based line numbers, without the line
//! terminator. A line longer than the limit is not buffered: it is skipped
//! and reported with its length, so memory stays bounded on hostile input.

use std::io::{self, BufRead};

/// One physical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhysLine {
    /// 1-based line number.
    pub no: usize,
    /// The bytes without `\n` / `\r\n`; empty when `too_long` is set.
    pub bytes: Vec<u8>,
    /// Set to the line's full length when it exceeded the limit.
    pub too_long: Option<usize>,
}

/// Reads physical lines, at most `max` bytes each.
pub(crate) struct LineReader<R> {
    inner: R,
    line_no: usize,
    max: usize,
    done: bool,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            line_no: 0,
            max,
            done: false,
        }
    }

    /// Number of the last line returned (0 before the first).
    pub fn line_no(&self) -> usize {
        self.line_no
    }

    /// The next line, `None` at end of input.
    pub fn next_line(&mut self) -> io::Result<Option<PhysLine>> {
        if self.done {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        let mut total = 0usize;
        let mut saw_any = false;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                self.done = true;
                if !saw_any {
                    return Ok(None);
                }
                break;
            }
            saw_any = true;
            let (chunk, found) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..i], true),
                None => (buf, false),
            };
            total += chunk.len();
            if total <= self.max {
                bytes.extend_from_slice(chunk);
            } else if !bytes.is_empty() {
                bytes = Vec::new();
            }
            let used = chunk.len() + usize::from(found);
            self.inner.consume(used);
            if found {
                break;
            }
        }
        self.line_no += 1;
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
            total = total.saturating_sub(1);
        }
        let too_long = (total > self.max).then_some(total);
        Ok(Some(PhysLine {
            no: self.line_no,
            bytes,
            too_long,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_numbers_and_limits() {
        let data = b"one\r\ntwo\n\nthis line is long\nend";
        let mut r = LineReader::new(&data[..], 8);
        let got: Vec<_> = std::iter::from_fn(|| r.next_line().unwrap()).collect();
        assert_eq!(got.len(), 5);
        assert_eq!(got[0].bytes, b"one");
        assert_eq!(got[1].bytes, b"two");
        assert_eq!(got[2].bytes, b"");
        assert_eq!(got[3].too_long, Some(17));
        assert!(got[3].bytes.is_empty());
        assert_eq!((got[4].no, &got[4].bytes[..]), (5, &b"end"[..]));
    }

    #[test]
    fn trailing_newline_gives_no_extra_line() {
        let mut r = LineReader::new(&b"a\nb\n"[..], 100);
        let got: Vec<_> = std::iter::from_fn(|| r.next_line().unwrap()).collect();
        assert_eq!(got.len(), 2);
    }
}
