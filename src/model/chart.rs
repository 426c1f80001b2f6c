//! The accuracy chart (`framelens plot-metrics`).
//!
//! Takes: evaluation reports as JSON values (the output of
//! `framelens evaluate --json`).
//! Gives: a PNG bar chart of macro-F1 and ROC-AUC of the model beside the
//! sentence-length-only baseline, one group of bars per evaluation (plus
//! one per leave-one-group-out run when present).

use crate::report::plots::{ensure_fonts, FONT, PALETTE};
use plotters::prelude::*;
use std::path::Path;

/// One group of bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub label: String,
    pub model_f1: f64,
    pub model_auc: f64,
    pub base_f1: f64,
    pub base_auc: f64,
}

fn num(v: &serde_json::Value, path: &[&str]) -> Option<f64> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_f64()
}

/// Bars from one `evaluate --json` object: the main evaluation and, when
/// present, the grouped one.
pub fn bars_from_report(v: &serde_json::Value) -> Result<Vec<Bars>, String> {
    let name = v
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("evaluation")
        .to_string();
    let need = |p: &[&str]| num(v, p).ok_or_else(|| format!("{name}: missing {}", p.join(".")));
    let mut out = vec![Bars {
        label: if v.get("mode").and_then(|m| m.as_str()) == Some("test") {
            format!("{name} (held-out test)")
        } else if v.get("mode").and_then(|m| m.as_str()) == Some("model") {
            format!("{name} (shipped model, no retraining)")
        } else {
            format!("{name} ({}-fold CV)", num(v, &["folds"]).unwrap_or(0.0))
        },
        model_f1: need(&["macro_f1"])?,
        model_auc: need(&["roc_auc"])?,
        base_f1: need(&["baseline_length", "macro_f1"])?,
        base_auc: need(&["baseline_length", "roc_auc"])?,
    }];
    if let Some(g) = v.get("grouped").filter(|g| !g.is_null()) {
        let col = g
            .get("group_col")
            .and_then(|c| c.as_str())
            .unwrap_or("group");
        out.push(Bars {
            label: format!("{name} (leave-one-{col}-out)"),
            model_f1: num(g, &["model", "macro_f1"]).unwrap_or(f64::NAN),
            model_auc: num(g, &["model", "roc_auc"]).unwrap_or(f64::NAN),
            base_f1: num(g, &["baseline_length", "macro_f1"]).unwrap_or(f64::NAN),
            base_auc: num(g, &["baseline_length", "roc_auc"]).unwrap_or(f64::NAN),
        });
    }
    Ok(out)
}

/// Draw the chart to `out` (PNG, 1100 × 180+110·groups pixels).
pub fn draw(bars: &[Bars], out: &Path) -> Result<(), String> {
    ensure_fonts();
    let h = 180 + 110 * bars.len() as u32;
    let root = BitMapBackend::new(out, (1100, h)).into_drawing_area();
    let e = |e: &dyn std::fmt::Display| e.to_string();
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let series: [(&str, usize); 4] = [
        ("model macro-F1", 0),
        ("model ROC-AUC", 4),
        ("length-only macro-F1", 1),
        ("length-only ROC-AUC", 6),
    ];
    let n = bars.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "framelens sentence model vs sentence-length baseline",
            (FONT, 22).into_font().style(FontStyle::Bold),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(330)
        .build_cartesian_2d(0.0f64..1.0f64, 0.0f64..(n as f64))
        .map_err(|x| e(&x))?;
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("score (0-1; 0.5 = chance for AUC)")
        .y_labels(n * 2 + 1)
        .y_label_formatter(&|y| {
            let i = y.floor() as usize;
            if (y - y.floor() - 0.5).abs() < 0.26 && i < labels.len() {
                labels[n - 1 - i].clone()
            } else {
                String::new()
            }
        })
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .draw()
        .map_err(|x| e(&x))?;
    let bar_h = 0.8 / series.len() as f64;
    for (si, (sname, ci)) in series.iter().enumerate() {
        let (r, g, b) = PALETTE[*ci];
        let color = RGBColor(r, g, b);
        let rects: Vec<(f64, f64, f64)> = bars
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let v = match si {
                    0 => b.model_f1,
                    1 => b.model_auc,
                    2 => b.base_f1,
                    _ => b.base_auc,
                };
                let y0 = (n - 1 - i) as f64 + 0.9 - bar_h * (si as f64 + 1.0);
                (if v.is_finite() { v } else { 0.0 }, y0, y0 + bar_h * 0.92)
            })
            .collect();
        chart
            .draw_series(
                rects
                    .iter()
                    .map(|&(v, y0, y1)| Rectangle::new([(0.0, y0), (v, y1)], color.filled())),
            )
            .map_err(|x| e(&x))?
            .label(*sname)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
        chart
            .draw_series(rects.iter().map(|&(v, y0, y1)| {
                Text::new(
                    format!("{v:.3}"),
                    (v + 0.005, (y0 + y1) / 2.0 + 0.03),
                    (FONT, 12).into_font(),
                )
            }))
            .map_err(|x| e(&x))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font((FONT, 13))
        .draw()
        .map_err(|x| e(&x))?;
    root.present().map_err(|x| e(&x))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_read_main_and_grouped_figures() {
        let v = serde_json::json!({
            "name": "toy", "mode": "cv", "folds": 5, "macro_f1": 0.8, "roc_auc": 0.9,
            "baseline_length": {"macro_f1": 0.5, "roc_auc": 0.6},
            "grouped": {"group_col": "outlet", "model": {"macro_f1": 0.7, "roc_auc": 0.75},
                         "baseline_length": {"macro_f1": 0.4, "roc_auc": 0.55}}
        });
        let b = bars_from_report(&v).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].label, "toy (5-fold CV)");
        assert_eq!(b[1].model_auc, 0.75);
        assert!(bars_from_report(&serde_json::json!({"name": "x"})).is_err());
    }
}
