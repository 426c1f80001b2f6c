//! The report's charts, drawn with plotters to SVG and PNG.
//!
//! Takes: a [`Comparison`].
//! Gives: [`Chart`]s, each with its SVG text, PNG bytes, a title and an
//! alt text that states the plotted numbers in words:
//!
//! - `outlet_features`: per-outlet means of the key measures (loaded
//!   language, hedges, anonymous sources, attribution per 1,000 words,
//!   framing score, reliability) with bootstrap 95% intervals;
//! - `framing_vs_reliability`: framing score against reliability, per
//!   article and per outlet;
//! - `strip_NNN`: a sentence-by-sentence framing strip for each article;
//! - `frame_profile`: the frame profile of each outlet (only when the model
//!   has a frame head).
//!
//! Every chart has a title, axis labels and a legend, uses the Okabe–Ito
//! palette ([`PALETTE`]) plus marker shapes so no series is told apart by
//! colour alone, and renders text with the embedded DejaVu font
//! ([`ensure_fonts`]). Output is deterministic: the same comparison gives
//! byte-identical SVG and PNG files.

use super::plots::{ensure_fonts, FONT, PALETTE};
use super::ReportError;
use crate::compare::outlets::{
    metric_names, metric_values, OutletAccumulator, OutletRow, ALL_STORIES, UNKNOWN_OUTLET,
};
use crate::compare::Comparison;
use crate::features::per_1k;
use crate::schema;
use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{BackendCoord, DrawingErrorKind};
use std::collections::BTreeMap;

/// One chart, rendered twice.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem (`outlet_features` → `outlet_features.svg` / `.png`).
    /// Always `[a-z0-9_]`: never derived from corpus text.
    pub stem: String,
    pub title: String,
    /// Text alternative: what the chart shows, with its numbers.
    pub alt: String,
    pub svg: String,
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Sentences whose framing probability reaches this value are drawn as
/// "above threshold" in the sentence strips, unless the model supplies
/// its own decision threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// Outlets drawn in the per-outlet charts (the ones with most articles).
pub const MAX_OUTLETS: usize = 12;

// ---------------------------------------------------------------------------
// Data preparation
// ---------------------------------------------------------------------------

/// The articles of one outlet, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct OutletGroup {
    /// Outlet name as stated, or `(outlet not stated)`.
    pub name: String,
    /// Indexes into `Comparison::articles`.
    pub articles: Vec<usize>,
}

/// The outlet an article is grouped under: the stated outlet, trimmed, or
/// empty (the comparison stage's [`UNKNOWN_OUTLET`]).
pub fn outlet_key(cmp: &Comparison, i: usize) -> String {
    let a = &cmp.articles[i].analysis.article;
    a.outlet
        .as_ref()
        .map(|f| f.value.trim().to_string())
        .unwrap_or_default()
}

/// Label shown for an outlet key.
pub fn outlet_display(key: &str) -> String {
    if key.is_empty() || key == UNKNOWN_OUTLET {
        "(outlet not stated)".to_string()
    } else {
        key.to_string()
    }
}

/// The outlet an article is shown under.
pub fn outlet_label(cmp: &Comparison, i: usize) -> String {
    outlet_display(&outlet_key(cmp, i))
}

/// Articles grouped by outlet, outlets in order of first appearance.
pub fn outlet_groups(cmp: &Comparison) -> Vec<OutletGroup> {
    let mut out: Vec<OutletGroup> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..cmp.articles.len() {
        let name = outlet_label(cmp, i);
        match index.get(&name) {
            Some(&g) => out[g].articles.push(i),
            None => {
                index.insert(name.clone(), out.len());
                out.push(OutletGroup {
                    name,
                    articles: vec![i],
                });
            }
        }
    }
    out
}

/// The outlets drawn in per-outlet charts: at most [`MAX_OUTLETS`], those
/// with most articles, kept in order of first appearance.
pub fn charted_outlets(cmp: &Comparison) -> Vec<OutletGroup> {
    let groups = outlet_groups(cmp);
    if groups.len() <= MAX_OUTLETS {
        return groups;
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| {
        groups[b]
            .articles
            .len()
            .cmp(&groups[a].articles.len())
            .then(a.cmp(&b))
    });
    let mut keep: Vec<usize> = order.into_iter().take(MAX_OUTLETS).collect();
    keep.sort_unstable();
    keep.into_iter().map(|g| groups[g].clone()).collect()
}

/// A measure compared across outlets.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    pub id: &'static str,
    /// The metric name in `outlets.csv` (see `compare::outlets::metric_names`).
    pub metric: &'static str,
    pub title: &'static str,
    pub unit: &'static str,
    /// Fixed axis maximum (scores), or `None` to fit the data.
    pub max: Option<f64>,
    get: fn(&Comparison, usize) -> Option<f64>,
}

impl Measure {
    /// The measure's value for article `i` (None when not available).
    pub fn value(&self, cmp: &Comparison, i: usize) -> Option<f64> {
        (self.get)(cmp, i).filter(|v| v.is_finite())
    }
}

fn rate(cmp: &Comparison, i: usize, id: &str) -> Option<f64> {
    let an = &cmp.articles[i].analysis;
    an.value(id).map(|v| per_1k(v, an.words))
}

fn title_of(id: &str) -> &'static str {
    schema::feature(id).map(|f| f.title).unwrap_or("")
}

/// The key measures of the outlet comparison, in chart order.
pub fn key_measures() -> [Measure; 6] {
    [
        Measure {
            id: "loaded_language",
            metric: "loaded_language_per_1k",
            title: title_of("loaded_language"),
            unit: "per 1,000 words",
            max: None,
            get: |c, i| rate(c, i, "loaded_language"),
        },
        Measure {
            id: "hedge",
            metric: "hedge_per_1k",
            title: title_of("hedge"),
            unit: "per 1,000 words",
            max: None,
            get: |c, i| rate(c, i, "hedge"),
        },
        Measure {
            id: "anonymous_source",
            metric: "anonymous_source_per_1k",
            title: title_of("anonymous_source"),
            unit: "per 1,000 words",
            max: None,
            get: |c, i| rate(c, i, "anonymous_source"),
        },
        Measure {
            id: "attribution",
            metric: "attribution_per_1k",
            title: title_of("attribution"),
            unit: "per 1,000 words",
            max: None,
            get: |c, i| rate(c, i, "attribution"),
        },
        Measure {
            id: "framing_score",
            metric: "framing_score",
            title: "Framing score",
            unit: "0-100",
            max: Some(100.0),
            get: |c, i| Some(c.articles[i].framing_score),
        },
        Measure {
            id: "reliability_score",
            metric: "reliability_score",
            title: "Reliability index",
            unit: "0-100",
            max: Some(100.0),
            get: |c, i| c.per_article.get(i).and_then(|p| p.reliability_score),
        },
    ]
}

/// Mean of a measure over one outlet's articles, with a bootstrap 95%
/// interval when the outlet has two or more articles.
#[derive(Debug, Clone, PartialEq)]
pub struct OutletStat {
    pub n: usize,
    pub mean: f64,
    pub interval: Option<(f64, f64)>,
}

/// Per-outlet statistics of the key measures, for `groups`: one row per
/// group, one entry per measure (None where no article has a value).
///
/// The numbers are the all-stories rows of `outlets.csv`: they come from
/// the comparison stage's [`OutletAccumulator`], with the same seeds.
pub fn outlet_stats(
    cmp: &Comparison,
    groups: &[OutletGroup],
    measures: &[Measure],
) -> Vec<Vec<Option<OutletStat>>> {
    let mut acc = OutletAccumulator::new();
    for i in 0..cmp.articles.len() {
        let s = &cmp.articles[i];
        let pa = cmp.per_article.get(i);
        acc.add(
            &outlet_key(cmp, i),
            pa.map(|p| p.story_id.as_str()).unwrap_or(""),
            &metric_values(
                &s.analysis.values,
                s.analysis.words,
                s.framing_score,
                pa.and_then(|p| p.reliability_score).unwrap_or(f64::NAN),
            ),
        )
        .expect("an accumulator without a spill folder does no I/O");
    }
    let names = metric_names();
    let rows: BTreeMap<String, OutletRow> = acc
        .rows()
        .into_iter()
        .filter(|r| r.story_id == ALL_STORIES)
        .map(|r| (r.outlet.clone(), r))
        .collect();
    groups
        .iter()
        .map(|g| {
            let key = outlet_key(cmp, g.articles[0]);
            let key = if key.is_empty() {
                UNKNOWN_OUTLET.to_string()
            } else {
                key
            };
            measures
                .iter()
                .map(|m| {
                    let row = rows.get(&key)?;
                    let mi = names.iter().position(|n| n == m.metric)?;
                    let ms = row.metrics.get(mi)?;
                    let n = g
                        .articles
                        .iter()
                        .filter(|&&i| m.value(cmp, i).is_some())
                        .count();
                    (n > 0 && ms.mean.is_finite()).then_some(OutletStat {
                        n,
                        mean: ms.mean,
                        interval: ms.ci,
                    })
                })
                .collect()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Rendering helpers
// ---------------------------------------------------------------------------

type DResult = Result<(), String>;

trait OrMsg<T> {
    fn m(self) -> Result<T, String>;
}

impl<T, E: std::fmt::Display> OrMsg<T> for Result<T, E> {
    fn m(self) -> Result<T, String> {
        self.map_err(|e| e.to_string())
    }
}

/// Palette colour `i` (yellow, the lowest-contrast entry on white, comes last).
pub fn series_colour(i: usize) -> RGBColor {
    const ORDER: [usize; 8] = [0, 5, 2, 3, 4, 1, 7, 6];
    let (r, g, b) = PALETTE[ORDER[i % ORDER.len()]];
    RGBColor(r, g, b)
}

/// Marker shape names, for legends in words.
pub const SHAPES: [&str; 6] = [
    "circle",
    "square",
    "triangle",
    "diamond",
    "inverted triangle",
    "cross",
];

/// A marker of shape `k % 6` centred on a point, in any coordinate system.
struct Marker<C> {
    at: C,
    k: usize,
    r: i32,
    style: ShapeStyle,
}

fn marker<C>(k: usize, at: C, r: i32, style: ShapeStyle) -> Marker<C> {
    Marker { at, k, r, style }
}

impl<'a, C: 'a> PointCollection<'a, C> for &'a Marker<C> {
    type Point = &'a C;
    type IntoIter = std::iter::Once<&'a C>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for Marker<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((x, y)) = pos.next() else {
            return Ok(());
        };
        let r = self.r;
        let st = &self.style;
        let poly = |pts: &[(i32, i32)]| -> Vec<BackendCoord> {
            pts.iter().map(|(dx, dy)| (x + dx, y + dy)).collect()
        };
        let shape: Vec<BackendCoord> = match self.k % SHAPES.len() {
            0 => return backend.draw_circle((x, y), r as u32, st, st.filled),
            1 => {
                return backend.draw_rect(
                    (x - r + 1, y - r + 1),
                    (x + r - 1, y + r - 1),
                    st,
                    st.filled,
                )
            }
            2 => poly(&[(0, -r - 1), (r + 1, r - 1), (-r - 1, r - 1)]),
            3 => poly(&[(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)]),
            4 => poly(&[(0, r + 1), (r + 1, -r + 1), (-r - 1, -r + 1)]),
            _ => {
                let s = ShapeStyle {
                    stroke_width: 3,
                    filled: false,
                    ..*st
                };
                backend.draw_path(poly(&[(-r, -r), (r, r)]), &s)?;
                return backend.draw_path(poly(&[(-r, r), (r, -r)]), &s);
            }
        };
        if st.filled {
            backend.fill_polygon(shape, st)
        } else {
            let mut closed = shape.clone();
            closed.push(shape[0]);
            backend.draw_path(closed, st)
        }
    }
}

fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(
        FontFamily::Name(FONT),
        size,
        FontStyle::Normal,
    ))
}

fn bold(size: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Bold))
}

/// Shorten a label to `max` characters (with an ellipsis).
pub fn shorten(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t = t.trim_end().to_string();
        t.push('…');
        t
    }
}

/// Format an axis tick: no decimals for whole numbers.
pub fn axis_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').to_string()
    }
}

/// Format a number for labels: one decimal, or none when it is large.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let s = if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    if s == "-0.0" || s == "-0" {
        "0".into()
    } else {
        s
    }
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // Fast deflate keeps the whole report well under a second (default
        // deflate made the charts ~6x slower in benches/report.rs); the
        // Paeth filter makes these flat-coloured images a third smaller
        // than the default Sub filter at the same speed.
        enc.set_compression(png::Compression::Fast);
        enc.set_filter(png::FilterType::Paeth);
        let mut wr = enc.write_header().m()?;
        wr.write_image_data(rgb).m()?;
        wr.finish().m()?;
    }
    Ok(out)
}

/// Render `$draw(&root, $data)` with both backends: `(svg, png)`.
macro_rules! render_both {
    ($stem:expr, $w:expr, $h:expr, $draw:ident, $data:expr) => {{
        let (w, h): (u32, u32) = ($w, $h);
        let fail = |reason: String| ReportError::Other {
            path: format!("chart {}", $stem),
            reason,
        };
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            root.fill(&WHITE).m().map_err(fail)?;
            $draw(&root, $data).map_err(fail)?;
            root.present().m().map_err(fail)?;
        }
        let mut rgb = vec![255u8; (w as usize) * (h as usize) * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
            root.fill(&WHITE).m().map_err(fail)?;
            $draw(&root, $data).map_err(fail)?;
            root.present().m().map_err(fail)?;
        }
        let png = encode_png(&rgb, w, h).map_err(fail)?;
        (svg, png)
    }};
}

// ---------------------------------------------------------------------------
// Chart 1: per-outlet comparison of the key measures
// ---------------------------------------------------------------------------

struct OutletFeatures {
    outlets: Vec<String>,
    panels: Vec<(Measure, Vec<Option<OutletStat>>)>,
}

fn draw_outlet_features<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &OutletFeatures,
) -> DResult {
    let title = "How the outlets compare on six key measures";
    let body = root.titled(title, bold(30.0)).m()?;
    let (w, h) = body.dim_in_pixel();
    let (grid, legend) = body.split_vertically(h as i32 - 56);
    let panels = grid.split_evenly((3, 2));
    let n = d.outlets.len() as i32;
    let longest = d
        .outlets
        .iter()
        .map(|o| shorten(o, 22).chars().count())
        .max()
        .unwrap_or(4);
    let label_w = (longest as u32 * 9 + 16).clamp(60, 230);
    for (area, (m, stats)) in panels.iter().zip(&d.panels) {
        let data_max = stats
            .iter()
            .flatten()
            .map(|s| s.interval.map(|(_, hi)| hi).unwrap_or(s.mean).max(s.mean))
            .fold(0.0f64, f64::max);
        let xmax = m.max.unwrap_or_else(|| (data_max * 1.25).max(1.0));
        let caption = format!("{} ({})", m.title, m.unit);
        let mut chart = ChartBuilder::on(area)
            .caption(caption, bold(19.0))
            .margin(8)
            .margin_right(24)
            .x_label_area_size(34)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..xmax, -1i32..n)
            .m()?;
        let names = &d.outlets;
        let fmt_y = |y: &i32| {
            let i = n - 1 - *y;
            if (0..n).contains(&i) {
                shorten(&names[i as usize], 22)
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels((n + 2) as usize)
            .y_label_formatter(&fmt_y)
            .x_labels(6)
            .x_label_formatter(&|v| axis_num(*v))
            .label_style(font(15.0))
            .max_light_lines(1)
            .light_line_style(RGBColor(245, 245, 245))
            .bold_line_style(RGBColor(205, 205, 205))
            .draw()
            .m()?;
        for (i, st) in stats.iter().enumerate() {
            let y = n - 1 - i as i32;
            let colour = series_colour(i);
            match st {
                Some(st) => {
                    if let Some((lo, hi)) = st.interval {
                        let s = colour.stroke_width(3);
                        chart
                            .draw_series([PathElement::new(vec![(lo, y), (hi, y)], s)])
                            .m()?;
                        chart
                            .draw_series([lo, hi].map(|x| {
                                EmptyElement::at((x, y))
                                    + PathElement::new(vec![(0, -7), (0, 7)], s)
                            }))
                            .m()?;
                    }
                    chart
                        .draw_series([marker(i, (st.mean.min(xmax), y), 7, colour.filled())])
                        .m()?;
                    let label = if st.n > 1 {
                        format!("{} (n={})", num(st.mean), st.n)
                    } else {
                        num(st.mean)
                    };
                    let x_label = st
                        .interval
                        .map(|(_, hi)| hi)
                        .unwrap_or(st.mean)
                        .max(st.mean);
                    use plotters::style::text_anchor::{HPos, Pos, VPos};
                    // Right of the point, or above it near the right edge.
                    let (at, offset, pos) = if x_label > 0.8 * xmax {
                        (
                            st.mean.min(xmax),
                            (0, -10),
                            Pos::new(HPos::Center, VPos::Bottom),
                        )
                    } else {
                        (x_label, (12, 0), Pos::new(HPos::Left, VPos::Center))
                    };
                    chart
                        .draw_series([EmptyElement::at((at, y))
                            + Text::new(label, offset, font(15.0).pos(pos))])
                        .m()?;
                }
                None => {
                    chart
                        .draw_series([EmptyElement::at((0.0, y))
                            + Text::new("no data".to_string(), (8, -8), font(14.0))])
                        .m()?;
                }
            }
        }
    }
    // Legend strip.
    let y = 28;
    let x0 = 40;
    legend
        .draw(&(EmptyElement::at((x0, y)) + Circle::new((0, 0), 7, series_colour(0).filled())))
        .m()?;
    legend
        .draw_text(
            "dot: the outlet's mean (value; n = number of articles when more than one)",
            &font(16.0).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            )),
            (x0 + 16, y),
        )
        .m()?;
    let x1 = (w as i32 / 2 + 120).min(w as i32 - 420);
    let s = BLACK.stroke_width(3);
    legend
        .draw(&PathElement::new(vec![(x1, y), (x1 + 30, y)], s))
        .m()?;
    legend
        .draw(&PathElement::new(vec![(x1, y - 7), (x1, y + 7)], s))
        .m()?;
    legend
        .draw(&PathElement::new(
            vec![(x1 + 30, y - 7), (x1 + 30, y + 7)],
            s,
        ))
        .m()?;
    legend
        .draw_text(
            "bar: bootstrap 95% interval (outlets with 2+ articles)",
            &font(16.0).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            )),
            (x1 + 40, y),
        )
        .m()?;
    Ok(())
}

/// Chart: per-outlet means of the key measures with intervals.
pub fn outlet_features(cmp: &Comparison) -> Result<Chart, ReportError> {
    ensure_fonts();
    let groups = charted_outlets(cmp);
    let measures = key_measures();
    let stats = outlet_stats(cmp, &groups, &measures);
    let panels: Vec<(Measure, Vec<Option<OutletStat>>)> = measures
        .iter()
        .enumerate()
        .map(|(mi, m)| (*m, stats.iter().map(|row| row[mi].clone()).collect()))
        .collect();
    let d = OutletFeatures {
        outlets: groups.iter().map(|g| g.name.clone()).collect(),
        panels,
    };
    let n = d.outlets.len().max(1) as u32;
    let panel_h = (110 + 34 * n).max(230);
    let (w, h) = (1200, 60 + 3 * panel_h + 56);
    let (svg, png) = render_both!("outlet_features", w, h, draw_outlet_features, &d);
    let mut alt = format!(
        "Six dot plots comparing {} outlet{}. ",
        d.outlets.len(),
        if d.outlets.len() == 1 { "" } else { "s" }
    );
    for (m, stats) in &d.panels {
        alt.push_str(&format!("{} ({}): ", m.title, m.unit));
        let parts: Vec<String> = d
            .outlets
            .iter()
            .zip(stats)
            .map(|(o, s)| match s {
                Some(s) => match s.interval {
                    Some((lo, hi)) => format!(
                        "{o} {} (95% interval {} to {}, {} articles)",
                        num(s.mean),
                        num(lo),
                        num(hi),
                        s.n
                    ),
                    None => format!("{o} {}", num(s.mean)),
                },
                None => format!("{o} no data"),
            })
            .collect();
        alt.push_str(&parts.join("; "));
        alt.push_str(". ");
    }
    Ok(Chart {
        stem: "outlet_features".into(),
        title: "How the outlets compare on six key measures".into(),
        alt: alt.trim_end().to_string(),
        svg,
        png,
        width: w,
        height: h,
    })
}

// ---------------------------------------------------------------------------
// Chart 2: framing score against reliability
// ---------------------------------------------------------------------------

/// Right margin of the scatter plot, where its legend goes.
const LEGEND_W: u32 = 300;

/// A scatter point: (x, y, label).
type Point = (f64, f64, String);

struct Scatter {
    /// (outlet name, its articles' points)
    outlets: Vec<(String, Vec<Point>)>,
}

fn draw_scatter<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Scatter) -> DResult {
    let title = "Framing score against reliability";
    let mut chart = ChartBuilder::on(root)
        .caption(title, bold(30.0))
        .margin(16)
        .margin_right(LEGEND_W)
        .x_label_area_size(60)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..100f64, 0f64..100f64)
        .m()?;
    chart
        .configure_mesh()
        .x_desc("Reliability index (0-100, higher = more open, checkable sourcing)")
        .y_desc("Framing score (0-100, higher = more loaded framing)")
        .axis_desc_style(font(18.0))
        .label_style(font(16.0))
        .x_labels(11)
        .y_labels(11)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .max_light_lines(1)
        .light_line_style(RGBColor(242, 242, 242))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .m()?;
    let grey = RGBColor(110, 110, 110);
    chart
        .draw_series([
            Text::new(
                "heavier framing, weaker sourcing",
                (3.0, 97.0),
                font(16.0).color(&grey),
            ),
            Text::new(
                "lighter framing, stronger sourcing",
                (60.0, 5.0),
                font(16.0).color(&grey),
            ),
        ])
        .m()?;
    for (k, (_, pts)) in d.outlets.iter().enumerate() {
        let colour = series_colour(k);
        chart
            .draw_series(
                pts.iter()
                    .map(|(x, y, _)| marker(k, (*x, *y), 8, colour.filled())),
            )
            .m()?;
        if pts.len() > 1 {
            let mx = pts.iter().map(|p| p.0).sum::<f64>() / pts.len() as f64;
            let my = pts.iter().map(|p| p.1).sum::<f64>() / pts.len() as f64;
            chart
                .draw_series([marker(k, (mx, my), 15, colour.stroke_width(3))])
                .m()?;
        }
    }
    // Article labels, placed inside the plot where they cover neither each
    // other nor the two corner notes.
    let (left, top) = chart.backend_coord(&(0.0, 100.0));
    let (right, bottom) = chart.backend_coord(&(100.0, 0.0));
    let note = |x: f64, y: f64, chars: i32| {
        let (px, py) = chart.backend_coord(&(x, y));
        (px, py, px + 9 * chars, py + 20)
    };
    let mut placed: Vec<(i32, i32, i32, i32)> = vec![note(3.0, 97.0, 33), note(60.0, 5.0, 35)];
    // Markers are obstacles too: every article's, and each outlet mean's.
    for (_, pts) in &d.outlets {
        for (x, y, _) in pts {
            let (px, py) = chart.backend_coord(&(*x, *y));
            placed.push((px - 9, py - 9, px + 9, py + 9));
        }
        if pts.len() > 1 {
            let mx = pts.iter().map(|p| p.0).sum::<f64>() / pts.len() as f64;
            let my = pts.iter().map(|p| p.1).sum::<f64>() / pts.len() as f64;
            let (px, py) = chart.backend_coord(&(mx, my));
            placed.push((px - 17, py - 17, px + 17, py + 17));
        }
    }
    for (_, pts) in &d.outlets {
        for (x, y, label) in pts {
            let (px, py) = chart.backend_coord(&(*x, *y));
            let w = 11 * label.chars().count() as i32 + 4;
            let h = 22;
            let candidates = [
                (12, -24),
                (12, 6),
                (-w - 12, -24),
                (-w - 12, 6),
                (12, -44),
                (12, 26),
                (-w - 12, -44),
                (-w - 12, 26),
                (-w / 2, -46),
                (-w / 2, 28),
            ];
            let inside = |b: (i32, i32, i32, i32)| {
                b.0 >= left && b.2 <= right && b.1 >= top && b.3 <= bottom
            };
            let free = |b: (i32, i32, i32, i32)| {
                placed
                    .iter()
                    .all(|o| b.2 <= o.0 || b.0 >= o.2 || b.3 <= o.1 || b.1 >= o.3)
            };
            let boxed = |c: (i32, i32)| (px + c.0, py + c.1, px + c.0 + w, py + c.1 + h);
            let spot = candidates
                .iter()
                .copied()
                .find(|&c| inside(boxed(c)) && free(boxed(c)))
                .or_else(|| candidates.iter().copied().find(|&c| inside(boxed(c))))
                .unwrap_or(candidates[0]);
            placed.push((px + spot.0, py + spot.1, px + spot.0 + w, py + spot.1 + h));
            root.draw_text(label, &font(19.0), (px + spot.0, py + spot.1))
                .m()?;
        }
    }
    // Legend in the right margin, off the data (plotters clips its own
    // legend to the plot area).
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let (right_edge, top_edge) = chart.backend_coord(&(100.0, 100.0));
    let lx = right_edge + 28;
    let mut ly = top_edge + 14;
    let st = font(17.0).pos(Pos::new(HPos::Left, VPos::Center));
    root.draw_text(
        "Outlets",
        &bold(17.0).pos(Pos::new(HPos::Left, VPos::Center)),
        (lx, ly),
    )
    .m()?;
    ly += 30;
    for (k, (name, _)) in d.outlets.iter().enumerate() {
        root.draw(&marker(k, (lx + 10, ly), 8, series_colour(k).filled()))
            .m()?;
        root.draw_text(&shorten(name, 24), &st, (lx + 28, ly)).m()?;
        ly += 28;
    }
    if d.outlets.iter().any(|(_, p)| p.len() > 1) {
        ly += 6;
        root.draw(&marker(0, (lx + 10, ly), 13, BLACK.stroke_width(2)))
            .m()?;
        root.draw_text("outlet mean (2+ articles)", &st, (lx + 34, ly))
            .m()?;
        ly += 30;
    }
    root.draw_text(
        "#N = article N of the report",
        &font(15.0).pos(Pos::new(HPos::Left, VPos::Center)),
        (lx, ly + 8),
    )
    .m()?;
    Ok(())
}

/// Chart: framing score against reliability, per article and per outlet.
/// `None` when no article has a reliability score.
pub fn framing_vs_reliability(cmp: &Comparison) -> Result<Option<Chart>, ReportError> {
    ensure_fonts();
    let groups = charted_outlets(cmp);
    let mut d = Scatter { outlets: vec![] };
    for g in &groups {
        let pts: Vec<Point> = g
            .articles
            .iter()
            .filter_map(|&i| {
                let r = cmp.per_article.get(i)?.reliability_score?;
                let f = cmp.articles[i].framing_score;
                (r.is_finite() && f.is_finite()).then(|| {
                    (
                        r.clamp(0.0, 100.0),
                        f.clamp(0.0, 100.0),
                        format!("#{}", i + 1),
                    )
                })
            })
            .collect();
        d.outlets.push((g.name.clone(), pts));
    }
    if d.outlets.iter().all(|(_, p)| p.is_empty()) {
        return Ok(None);
    }
    let (w, h) = (1280, 780);
    let (svg, png) = render_both!("framing_vs_reliability", w, h, draw_scatter, &d);
    let mut alt = String::from(
        "Scatter plot: reliability index (horizontal, 0 to 100) against framing score (vertical, 0 to 100), one marker per article. ",
    );
    for (k, (name, pts)) in d.outlets.iter().enumerate() {
        if pts.is_empty() {
            continue;
        }
        let parts: Vec<String> = pts
            .iter()
            .map(|(x, y, id)| format!("{id}: reliability {}, framing {}", num(*x), num(*y)))
            .collect();
        alt.push_str(&format!(
            "{name} ({}): {}. ",
            SHAPES[k % SHAPES.len()],
            parts.join("; ")
        ));
    }
    Ok(Some(Chart {
        stem: "framing_vs_reliability".into(),
        title: "Framing score against reliability".into(),
        alt: alt.trim_end().to_string(),
        svg,
        png,
        width: w,
        height: h,
    }))
}

// ---------------------------------------------------------------------------
// Chart 3: sentence-by-sentence framing strip
// ---------------------------------------------------------------------------

struct Strip {
    title: String,
    probs: Vec<f64>,
    threshold: f64,
    top: Vec<usize>,
}

fn draw_strip<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Strip) -> DResult {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let n = d.probs.len().max(1) as f64;
    let (_, h) = root.dim_in_pixel();
    let (main, legend) = root.split_vertically(h as i32 - 52);
    let mut chart = ChartBuilder::on(&main)
        .caption(&d.title, bold(26.0))
        .margin(10)
        .margin_right(20)
        .x_label_area_size(58)
        .y_label_area_size(76)
        .build_cartesian_2d(0.5f64..n + 0.5, 0f64..1.1f64)
        .m()?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("Sentence number (in reading order)")
        .y_desc("Framing probability")
        .x_labels(d.probs.len().clamp(2, 15))
        .x_label_formatter(&|v| {
            if (v.fract()).abs() < 1e-9 {
                format!("{v:.0}")
            } else {
                String::new()
            }
        })
        .y_labels(6)
        .y_label_formatter(&|v| {
            if *v <= 1.0 + 1e-9 {
                format!("{v:.1}")
            } else {
                String::new()
            }
        })
        .axis_desc_style(font(21.0))
        .label_style(font(20.0))
        .max_light_lines(0)
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()
        .m()?;
    let above = series_colour(1); // vermillion
    let below = series_colour(4); // sky blue
    let half = 0.4f64.min(0.5 - 0.5 / (n + 1.0)).max(0.3);
    let bar = |i: usize, p: f64, c: RGBColor| {
        let x = (i + 1) as f64;
        Rectangle::new([(x - half, 0.0), (x + half, p.clamp(0.0, 1.0))], c.filled())
    };
    chart
        .draw_series(
            d.probs
                .iter()
                .enumerate()
                .map(|(i, p)| bar(i, *p, if *p >= d.threshold { above } else { below })),
        )
        .m()?;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(0.5, d.threshold), (n + 0.5, d.threshold)],
            10,
            6,
            BLACK.stroke_width(2),
        ))
        .m()?;
    chart
        .draw_series(d.top.iter().filter(|&&i| i < d.probs.len()).map(|&i| {
            let x = (i + 1) as f64;
            EmptyElement::at((x, d.probs[i].clamp(0.0, 1.0)))
                + Text::new(
                    "▲".to_string(),
                    (0, -4),
                    font(20.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
        }))
        .m()?;
    // Legend band under the chart.
    let st = font(21.0).pos(Pos::new(HPos::Left, VPos::Center));
    let y = 26;
    let mut x = 16;
    let items: [(&str, u8); 4] = [
        (&format!("at or above {:.2}", d.threshold), 0),
        (&format!("below {:.2}", d.threshold), 1),
        ("threshold", 2),
        ("top sentence", 3),
    ];
    for (label, kind) in items {
        match kind {
            0 | 1 => legend
                .draw(&Rectangle::new(
                    [(x, y - 8), (x + 20, y + 8)],
                    if kind == 0 { above } else { below }.filled(),
                ))
                .m()?,
            2 => legend
                .draw(&PathElement::new(
                    vec![(x, y), (x + 8, y)],
                    BLACK.stroke_width(2),
                ))
                .and_then(|_| {
                    legend.draw(&PathElement::new(
                        vec![(x + 12, y), (x + 20, y)],
                        BLACK.stroke_width(2),
                    ))
                })
                .m()?,
            _ => legend
                .draw_text(
                    "▲",
                    &font(16.0).pos(Pos::new(HPos::Center, VPos::Center)),
                    (x + 10, y),
                )
                .m()?,
        }
        legend.draw_text(label, &st, (x + 28, y)).m()?;
        x += 28 + 11 * label.chars().count() as i32 + 26;
    }
    Ok(())
}

/// Chart: the sentence strip of article `i` (file stem `strip_NNN`, NNN =
/// 1-based position in the run).
pub fn sentence_strip(cmp: &Comparison, i: usize, threshold: f64) -> Result<Chart, ReportError> {
    ensure_fonts();
    let s = &cmp.articles[i];
    let a = &s.analysis.article;
    let title = format!(
        "Article {}, {}: framing sentence by sentence",
        i + 1,
        shorten(&outlet_label(cmp, i), 26)
    );
    let n = s.analysis.layout.sentences.len();
    let probs: Vec<f64> = (0..n)
        .map(|k| {
            s.sentence_probs
                .get(k)
                .copied()
                .filter(|p| p.is_finite())
                .unwrap_or(0.0)
        })
        .collect();
    let d = Strip {
        title: title.clone(),
        probs,
        threshold,
        top: s.top_sentences.iter().map(|t| t.sentence).collect(),
    };
    let (w, h) = (820, 420);
    let stem = format!("strip_{:03}", i + 1);
    let (svg, png) = render_both!(stem, w, h, draw_strip, &d);
    let above: Vec<String> = d
        .probs
        .iter()
        .enumerate()
        .filter(|(_, p)| **p >= threshold)
        .map(|(k, p)| format!("{} ({:.2})", k + 1, p))
        .collect();
    let alt = format!(
        "Bar chart of the framing probability of each of the {n} sentences of {} article {}. {} sentence{} at or above the threshold {:.2}{}",
        outlet_label(cmp, i),
        a.id,
        above.len(),
        if above.len() == 1 { " is" } else { "s are" },
        threshold,
        if above.is_empty() {
            ".".to_string()
        } else {
            format!(": sentence {}.", above.join(", "))
        }
    );
    Ok(Chart {
        stem,
        title,
        alt,
        svg,
        png,
        width: w,
        height: h,
    })
}

// ---------------------------------------------------------------------------
// Chart 4: frame profile of each outlet
// ---------------------------------------------------------------------------

struct Frames {
    frames: Vec<String>,
    outlets: Vec<String>,
    /// values[frame][outlet], mean probability 0-1
    values: Vec<Vec<f64>>,
}

fn heat(p: f64) -> RGBColor {
    let p = p.clamp(0.0, 1.0);
    let (r, g, b) = PALETTE[0];
    let mix = |c: u8| (255.0 + (c as f64 - 255.0) * p).round() as u8;
    RGBColor(mix(r), mix(g), mix(b))
}

fn draw_frames<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &Frames) -> DResult {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let body = root
        .titled("Frame profile of each outlet", bold(30.0))
        .m()?;
    let (w, _) = body.dim_in_pixel();
    let (main, scale) = body.split_horizontally(w as i32 - 130);
    let nf = d.frames.len() as f64;
    let no = d.outlets.len() as f64;
    let mut chart = ChartBuilder::on(&main)
        .margin(12)
        .x_label_area_size(70)
        .y_label_area_size(370)
        .build_cartesian_2d(0f64..no, 0f64..nf)
        .m()?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .x_desc("Outlet")
        .y_desc("Frame")
        .axis_desc_style(font(18.0))
        .draw()
        .m()?;
    for (fi, row) in d.values.iter().enumerate() {
        let y = nf - 1.0 - fi as f64;
        for (oi, v) in row.iter().enumerate() {
            let x = oi as f64;
            chart
                .draw_series([Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    heat(*v).filled(),
                )])
                .m()?;
            chart
                .draw_series([Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    WHITE.stroke_width(2),
                )])
                .m()?;
            let tc = if *v > 0.85 { WHITE } else { BLACK };
            let pos = chart.backend_coord(&(x + 0.5, y + 0.5));
            root.draw_text(
                &format!("{v:.2}"),
                &font(17.0)
                    .color(&tc)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
                pos,
            )
            .m()?;
        }
        let pos = chart.backend_coord(&(0.0, y + 0.5));
        root.draw_text(
            &shorten(&d.frames[fi].replace('_', " "), 38),
            &font(18.0).pos(Pos::new(HPos::Right, VPos::Center)),
            (pos.0 - 10, pos.1),
        )
        .m()?;
    }
    for (oi, o) in d.outlets.iter().enumerate() {
        let pos = chart.backend_coord(&(oi as f64 + 0.5, 0.0));
        root.draw_text(
            &shorten(o, 18),
            &font(17.0).pos(Pos::new(HPos::Center, VPos::Top)),
            (pos.0, pos.1 + 8),
        )
        .m()?;
    }
    // Colour scale legend.
    let (sx, sy) = (30, 40);
    let sh = 200;
    scale
        .draw_text("mean", &font(17.0), (sx - 6, sy - 44))
        .m()?;
    scale
        .draw_text("probability", &font(17.0), (sx - 6, sy - 24))
        .m()?;
    // 20 bands, each drawn one pixel taller than its step so no seams show.
    let steps = 20;
    for k in 0..steps {
        let p = 1.0 - (k as f64 + 0.5) / steps as f64;
        let y0 = sy + k * sh / steps;
        let y1 = (sy + (k + 1) * sh / steps + 1).min(sy + sh);
        scale
            .draw(&Rectangle::new([(sx, y0), (sx + 24, y1)], heat(p).filled()))
            .m()?;
    }
    scale
        .draw(&Rectangle::new(
            [(sx, sy), (sx + 24, sy + sh)],
            BLACK.stroke_width(1),
        ))
        .m()?;
    for (p, label) in [(1.0, "1.0"), (0.5, "0.5"), (0.0, "0.0")] {
        let y = sy + ((1.0 - p) * (sh - 1) as f64).round() as i32;
        scale
            .draw_text(
                label,
                &font(16.0).pos(Pos::new(HPos::Left, VPos::Center)),
                (sx + 30, y),
            )
            .m()?;
    }
    Ok(())
}

/// Chart: mean frame probabilities per outlet. `None` when the model has no
/// frame head (no article carries frames).
pub fn frame_profile(cmp: &Comparison) -> Result<Option<Chart>, ReportError> {
    ensure_fonts();
    let groups = charted_outlets(cmp);
    // Frame names in the order the first article with frames lists them.
    let Some(first) = cmp.articles.iter().find(|s| !s.frames.is_empty()) else {
        return Ok(None);
    };
    let frames: Vec<String> = first.frames.iter().map(|(f, _)| f.to_string()).collect();
    let mut values = vec![vec![0.0; groups.len()]; frames.len()];
    let mut outlets = Vec::new();
    for (oi, g) in groups.iter().enumerate() {
        outlets.push(g.name.clone());
        for (fi, f) in frames.iter().enumerate() {
            let vals: Vec<f64> = g
                .articles
                .iter()
                .filter_map(|&i| {
                    cmp.articles[i]
                        .frames
                        .iter()
                        .find(|(name, _)| **name == **f)
                        .map(|(_, p)| *p)
                        .filter(|p| p.is_finite())
                })
                .collect();
            if !vals.is_empty() {
                values[fi][oi] = vals.iter().sum::<f64>() / vals.len() as f64;
            }
        }
    }
    let d = Frames {
        frames,
        outlets,
        values,
    };
    let w = (370 + 170 * d.outlets.len() as u32 + 150).max(800);
    let h = (60 + 70 + 24 + 40 * d.frames.len() as u32).max(330);
    let (svg, png) = render_both!("frame_profile", w, h, draw_frames, &d);
    let mut alt = format!(
        "Heat map of the mean probability of {} frames (rows) for {} outlets (columns); darker blue = more likely. ",
        d.frames.len(),
        d.outlets.len()
    );
    for (oi, o) in d.outlets.iter().enumerate() {
        let mut best: Vec<(usize, f64)> = d
            .values
            .iter()
            .enumerate()
            .map(|(fi, r)| (fi, r[oi]))
            .collect();
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let top: Vec<String> = best
            .iter()
            .take(3)
            .map(|(fi, v)| format!("{} {:.2}", d.frames[*fi].replace('_', " "), v))
            .collect();
        alt.push_str(&format!("{o}: strongest {}. ", top.join(", ")));
    }
    Ok(Some(Chart {
        stem: "frame_profile".into(),
        title: "Frame profile of each outlet".into(),
        alt: alt.trim_end().to_string(),
        svg,
        png,
        width: w,
        height: h,
    }))
}

/// All charts of a comparison: the outlet charts first, then one strip per
/// article in input order.
pub fn all_charts(cmp: &Comparison, threshold: f64) -> Result<Vec<Chart>, ReportError> {
    use rayon::prelude::*;
    if cmp.articles.is_empty() {
        return Ok(Vec::new());
    }
    ensure_fonts();
    // Job k: 0 = outlet features, 1 = scatter, 2 = frame profile, 3.. = strips.
    // Charts are independent, so they are drawn in parallel; the order of
    // the result is fixed by the job number.
    let jobs: Vec<usize> = (0..3 + cmp.articles.len()).collect();
    let drawn: Vec<Result<Option<Chart>, ReportError>> = jobs
        .par_iter()
        .map(|&k| match k {
            0 => outlet_features(cmp).map(Some),
            1 => framing_vs_reliability(cmp),
            2 => frame_profile(cmp),
            _ => sentence_strip(cmp, k - 3, threshold).map(Some),
        })
        .collect();
    let mut out = Vec::with_capacity(drawn.len());
    for c in drawn {
        if let Some(c) = c? {
            out.push(c);
        }
    }
    Ok(out)
}

/// Write `<stem>.svg` and `<stem>.png` of every chart into `dir`, atomically.
pub fn write_charts(dir: &std::path::Path, charts: &[Chart]) -> Result<(), ReportError> {
    std::fs::create_dir_all(dir).map_err(|e| super::atomic::io_err(dir, e))?;
    for c in charts {
        super::atomic::write_file(&dir.join(format!("{}.svg", c.stem)), c.svg.as_bytes())?;
        super::atomic::write_file(&dir.join(format!("{}.png", c.stem)), &c.png)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_and_num() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("abcdefgh", 5), "abcd…");
        assert_eq!(shorten("  a \n b ", 9), "a b");
        assert_eq!(num(1.25), "1.2");
        assert_eq!(num(150.4), "150");
        assert_eq!(num(-0.01), "0");
    }

    #[test]
    fn palette_order_puts_yellow_last() {
        assert_eq!(series_colour(7), RGBColor(240, 228, 66));
        assert_eq!(series_colour(0), RGBColor(0, 114, 178));
    }
}
