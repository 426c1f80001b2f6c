//! A small ASCII-case-insensitive multi-phrase matcher for the line
//! patterns (calls to action, caption hints).
//!
//! Takes: a fixed list of phrases (at least three bytes each).
//! Gives: the same answers as an `aho_corasick` automaton built with
//! `ascii_case_insensitive(true)`: [`Phrases::is_match`] for any match, and
//! [`Phrases::leftmost_longest`] for the non-overlapping leftmost-longest
//! matches (`MatchKind::LeftmostLongest`).
//!
//! Why: those automata walk every byte of every line through a DFA with a
//! few hundred states and no prefilter (too many case-folded start bytes),
//! which made them a fifth of extraction. Here only every `step`-th
//! position is looked at (`step` = shortest phrase length - key length + 1,
//! 3 for the calls to action): its case-folded `key_len` (up to four) bytes
//! are looked up in a bit set of every phrase's keys at offsets
//! `0..step`, so any occurrence of a phrase is seen at one of its first
//! `step` positions. Only after such a hit are the `step` possible starts
//! checked, each by the key at offset 0 (a 4 KB table) and then phrase by
//! phrase. Matches are the same, so scores are the same (the tests compare
//! with `aho_corasick` on random lines).

/// Slots of the prefix hash table (a power of two).
const SLOT_BITS: u32 = 12;
/// Bits of the sampled-key bit set (a power of two).
const SAMPLE_BITS: u32 = 16;

/// A compiled phrase list. See the module docs.
pub(crate) struct Phrases {
    /// The phrases as given (their bytes).
    pats: Vec<Box<[u8]>>,
    /// Per hash slot of a folded prefix: 0 for none, else 1 + index into
    /// `buckets`.
    slots: Box<[u8; 1 << SLOT_BITS]>,
    /// Phrase ids sharing a slot, longest first (so the first one that
    /// matches at a position is the longest there).
    buckets: Vec<Vec<u16>>,
    /// Per hash of a folded key: does some phrase have it at an offset in
    /// `0..step`? (One bit each.)
    sampled: Box<[u64; 1 << (SAMPLE_BITS - 6)]>,
    /// Bytes of the prefix key: the shortest phrase's length, at most 4.
    key_len: usize,
    /// The shortest phrase's length.
    min_len: usize,
    /// Distance between the positions looked at: `min_len - key_len + 1`.
    step: usize,
}

/// Fold every byte of `k` (up to four bytes, little-endian) the way ASCII
/// case folding maps a letter: setting bit 5 turns `A`..`Z` into `a`..`z`.
/// Two bytes equal up to ASCII case fold to the same byte; other bytes may
/// collide too, which only costs a failed check.
#[inline(always)]
fn fold(k: u32, mask: u32) -> u32 {
    (k | 0x2020_2020) & mask
}

#[inline(always)]
fn slot(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> (32 - SLOT_BITS)) as usize
}

#[inline(always)]
fn sample_bit(key: u32) -> usize {
    (key.wrapping_mul(0x85EB_CA6B) >> (32 - SAMPLE_BITS)) as usize
}

impl Phrases {
    /// Compile `phrases` (each at least 3 bytes, at most `u16::MAX` of them).
    pub(crate) fn new(phrases: &[&str]) -> Phrases {
        assert!(!phrases.is_empty() && phrases.len() <= usize::from(u16::MAX));
        let min_len = phrases.iter().map(|p| p.len()).min().unwrap_or(0);
        assert!(min_len >= 3, "phrases need at least three bytes");
        let key_len = min_len.min(4);
        let mask = key_mask(key_len);
        let pats: Vec<Box<[u8]>> = phrases.iter().map(|p| p.as_bytes().into()).collect();
        let mut slots = Box::new([0u8; 1 << SLOT_BITS]);
        let mut buckets: Vec<Vec<u16>> = Vec::new();
        for (id, p) in pats.iter().enumerate() {
            let s = slot(fold(read_key(p, 0, key_len), mask));
            if slots[s] == 0 {
                buckets.push(Vec::new());
                slots[s] = u8::try_from(buckets.len()).expect("at most 255 buckets");
            }
            buckets[usize::from(slots[s]) - 1].push(id as u16);
        }
        let step = min_len - key_len + 1;
        let mut sampled = Box::new([0u64; 1 << (SAMPLE_BITS - 6)]);
        for p in &pats {
            for off in 0..step {
                let bit = sample_bit(fold(read_key(p, off, key_len), mask));
                sampled[bit / 64] |= 1 << (bit % 64);
            }
        }
        for b in &mut buckets {
            // Longest first; equal lengths keep list order.
            b.sort_by_key(|&id| std::cmp::Reverse(pats[usize::from(id)].len()));
        }
        Phrases {
            pats,
            slots,
            buckets,
            sampled,
            key_len,
            min_len,
            step,
        }
    }

    /// The longest phrase matching `hay` at `i`: `(id, length)`.
    #[inline(always)]
    fn longest_at(&self, hay: &[u8], i: usize, mask: u32) -> Option<(usize, usize)> {
        let b = self.slots[slot(fold(read_key(hay, i, self.key_len), mask))];
        if b == 0 {
            return None;
        }
        self.longest_in_bucket(hay, i, usize::from(b) - 1)
    }

    #[cold]
    #[inline(never)]
    fn longest_in_bucket(&self, hay: &[u8], i: usize, b: usize) -> Option<(usize, usize)> {
        self.buckets[b].iter().find_map(|&id| {
            let p = &self.pats[usize::from(id)];
            hay.get(i..i + p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p))
                .then_some((usize::from(id), p.len()))
        })
    }

    /// The leftmost-longest match starting at or after `pos`:
    /// `(start, id, length)`. Looks at `pos`, `pos + step`, ... (see the
    /// module docs): a phrase starting at `s` has a looked-at position in
    /// `s..s + step`, where its key at that offset is in `sampled`.
    #[inline(always)]
    fn next_match(&self, hay: &[u8], pos: usize) -> Option<(usize, usize, usize)> {
        let mask = key_mask(self.key_len);
        let last_start = hay.len().checked_sub(self.min_len)?;
        let mut i = pos;
        // A looked-at position has a key when some start it covers has a
        // phrase: `i + key_len <= s + min_len <= hay.len()`.
        while i + self.key_len <= hay.len() {
            let bit = sample_bit(fold(read_key(hay, i, self.key_len), mask));
            if self.sampled[bit / 64] & (1 << (bit % 64)) != 0 {
                let lo = pos.max((i + 1).saturating_sub(self.step));
                for s in lo..=i.min(last_start) {
                    if let Some((id, len)) = self.longest_at(hay, s, mask) {
                        return Some((s, id, len));
                    }
                }
            }
            i += self.step;
        }
        None
    }

    /// Does any phrase occur in `hay` (ASCII case ignored)?
    pub(crate) fn is_match(&self, hay: &str) -> bool {
        self.next_match(hay.as_bytes(), 0).is_some()
    }

    /// Call `f(id)` for each non-overlapping leftmost-longest match in
    /// `hay`, left to right: at the first position where phrases match, the
    /// longest; then on from its end.
    pub(crate) fn leftmost_longest(&self, hay: &str, mut f: impl FnMut(usize)) {
        let hay = hay.as_bytes();
        let mut pos = 0;
        while let Some((s, id, len)) = self.next_match(hay, pos) {
            f(id);
            pos = s + len;
        }
    }
}

/// The mask keeping the low `key_len` bytes of a key.
#[inline(always)]
fn key_mask(key_len: usize) -> u32 {
    if key_len >= 4 {
        u32::MAX
    } else {
        (1u32 << (8 * key_len)) - 1
    }
}

/// `key_len` (3 or 4) bytes of `hay` from `i` as a little-endian `u32`
/// (`i + key_len <= hay.len()`); the byte after a 3-byte key may be
/// anything, the caller masks it off.
#[inline(always)]
fn read_key(hay: &[u8], i: usize, key_len: usize) -> u32 {
    match hay.get(i..i + 4) {
        Some(four) => u32::from_le_bytes(four.try_into().expect("4 bytes")),
        None => {
            let mut k = 0u32;
            for (j, &b) in hay[i..i + key_len].iter().enumerate() {
                k |= u32::from(b) << (8 * j);
            }
            k
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasickBuilder, MatchKind};

    const PHRASES: &[&str] = &[
        "sign up",
        "sign up for free",
        "sign up free",
        "subscribe",
        "subscribe now",
        "log in",
        "pic",
        "ap/",
        "/ap",
        "photo",
        "cookies",
        "accept all",
        "accept all cookies",
        "all rights reserved",
        "app store",
    ];

    /// Random lines built from phrase pieces, case changes, spaces,
    /// punctuation and non-ASCII text, so phrases overlap, nest and touch.
    fn random_lines() -> Vec<String> {
        let pieces = [
            "sign",
            " up",
            "SIGN UP",
            " for",
            " free",
            "Subscribe",
            "subscr",
            "ibe now",
            "log",
            " in",
            "Log In",
            "pic",
            "AP/",
            "/ap",
            "a",
            "p",
            "/",
            " ",
            "photo",
            "PHOTO",
            "cookies",
            "accept",
            " all",
            " cookies",
            "é",
            "“",
            "all rights reserved",
            "app store",
            ".",
            "x",
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        (0..20_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (0..(x % 14))
                    .map(|k| pieces[(x.rotate_left(k as u32 * 5) % pieces.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn equals_aho_corasick() {
        for phrases in [PHRASES, &PHRASES[..6], &["pic", "ap/", "/ap", "pool"][..]] {
            let ours = Phrases::new(phrases);
            let longest = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(phrases)
                .unwrap();
            let any = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(phrases)
                .unwrap();
            for line in random_lines() {
                let want: Vec<usize> = longest
                    .find_iter(&line)
                    .map(|m| m.pattern().as_usize())
                    .collect();
                let mut got = Vec::new();
                ours.leftmost_longest(&line, |id| got.push(id));
                assert_eq!(got, want, "{line:?}");
                assert_eq!(ours.is_match(&line), any.is_match(&line), "{line:?}");
            }
        }
    }
}
