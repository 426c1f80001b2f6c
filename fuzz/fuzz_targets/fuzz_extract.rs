//! Fuzz the extract stage: bytes -> a `RawDoc` (plain text or HTML, with or
//! without corpus metadata) -> `extract::extract`. The harness and its
//! checks are in `extract_input.rs` (shared with the regression tests).
#![no_main]

mod extract_input;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = extract_input::check(data);
});
