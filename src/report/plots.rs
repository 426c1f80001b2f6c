//! PNG and SVG charts, drawn with plotters.
//!
//! Takes: a comparison (or, for the accuracy chart, evaluation metrics).
//! Gives: chart files. Text is rendered with the DejaVu Sans font embedded
//! in the binary (registered once by [`ensure_fonts`]), so charts look the
//! same on every machine, with no system fonts needed.

use plotters::style::{register_font, FontStyle};
use std::sync::Once;

/// The font family name charts must use.
pub const FONT: &str = "sans-serif";

/// Colour-blind-safe palette (Okabe & Ito, 2008), as RGB.
pub const PALETTE: [(u8, u8, u8); 8] = [
    (0, 114, 178),   // blue
    (230, 159, 0),   // orange
    (0, 158, 115),   // bluish green
    (204, 121, 167), // reddish purple
    (86, 180, 233),  // sky blue
    (213, 94, 0),    // vermillion
    (240, 228, 66),  // yellow
    (0, 0, 0),       // black
];

/// Register the embedded fonts with plotters. Safe to call many times.
pub fn ensure_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded TTFs are valid; a failure here would be a build defect.
        let _ = register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
        let _ = register_font(FONT, FontStyle::Italic, dejavu::sans::oblique());
    });
}
