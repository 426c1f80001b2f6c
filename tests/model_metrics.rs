//! Issue 3: `evaluate`'s metrics on mini examples computed by hand, and
//! the fold assignments it relies on.

use framelens::model::eval::{group_folds, metrics, roc_auc, stratified_folds};

#[test]
fn metrics_of_a_hand_computed_example() {
    // 8 rows. Probabilities and labels:
    //   0.95 T, 0.70 T, 0.55 F, 0.50 T, 0.45 F, 0.40 T, 0.20 F, 0.05 F
    // At threshold 0.5 (>= is positive): predicted positive = first four.
    //   TP = 3 (0.95, 0.70, 0.50), FP = 1 (0.55), FN = 1 (0.40), TN = 3.
    let p = [0.95, 0.70, 0.55, 0.50, 0.45, 0.40, 0.20, 0.05];
    let y = [true, true, false, true, false, true, false, false];
    let m = metrics(&p, &y, 0.5);
    assert_eq!((m.tp, m.fp, m.tn, m.fn_), (3, 1, 3, 1));
    assert_eq!(m.n, 8);
    assert!((m.accuracy - 0.75).abs() < 1e-12);
    assert!((m.precision - 0.75).abs() < 1e-12);
    assert!((m.recall - 0.75).abs() < 1e-12);
    // Negative class: precision 3/4, recall 3/4 -> F1 0.75; macro = 0.75.
    assert!((m.macro_f1 - 0.75).abs() < 1e-12);
    // AUC: of the 16 (positive, negative) pairs, the positives 0.95 and
    // 0.70 beat all 4 negatives (8), 0.50 beats 0.45, 0.20, 0.05 (3), 0.40
    // beats 0.20 and 0.05 (2): 13/16.
    assert!((m.roc_auc - 13.0 / 16.0).abs() < 1e-12);
    // Brier: mean of (p - y)^2.
    let b = [0.0025, 0.09, 0.3025, 0.25, 0.2025, 0.36, 0.04, 0.0025]
        .iter()
        .sum::<f64>()
        / 8.0;
    assert!((m.brier - b).abs() < 1e-12);
}

#[test]
fn degenerate_cases_do_not_divide_by_zero() {
    let m = metrics(&[0.1, 0.2], &[false, false], 0.5);
    assert_eq!(m.precision, 0.0);
    assert_eq!(m.recall, 0.0);
    assert!(m.roc_auc.is_nan(), "AUC is undefined with one class");
    assert!((roc_auc(&[0.3, 0.3, 0.3], &[true, false, true]) - 0.5).abs() < 1e-12);
}

#[test]
fn folds_are_stratified_seeded_and_grouped_by_name() {
    let y: Vec<bool> = (0..30).map(|i| i < 10).collect();
    let f = stratified_folds(&y, 5, 42);
    for k in 0..5 {
        assert_eq!((0..30).filter(|&i| f[i] == k && y[i]).count(), 2);
        assert_eq!((0..30).filter(|&i| f[i] == k).count(), 6);
    }
    assert_eq!(f, stratified_folds(&y, 5, 42));
    let g: Vec<String> = ["Zed", "Alpha", "Zed"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        group_folds(&g),
        (vec![1, 0, 1], vec!["Alpha".to_string(), "Zed".to_string()])
    );
}
