#!/usr/bin/env bash
# Measure the classifier with framelens's own `evaluate` and redraw the chart
# of the README section "How accurate is it?" (docs/accuracy.png).
#
# Writes reports/accuracy/*.json (one `evaluate --json` object each) and
# docs/accuracy.png. Takes a few minutes on one core.
#
# Usage: [FRAMELENS=bin] scripts/accuracy.sh [SHARED_DATA_DIR]   (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data}"
OUT=reports/accuracy
mkdir -p "$OUT" docs
# FRAMELENS=/path/to/framelens skips the build and uses that binary.
if [ -z "${FRAMELENS:-}" ]; then
    cargo build --release --quiet
fi
FL="${FRAMELENS:-./target/release/framelens}"
HYPER=(--learner ensemble --alpha 0.35)

# BABE SG2: 5-fold stratified CV + leave-one-outlet-out, with the length baseline.
"$FL" evaluate --data "$DATA/babe/final_labels_SG2.csv" \
    --text-col text --label-col label_bias --positive Biased --negative Non-biased \
    --marked-col biased_words --group-col outlet --folds 5 "${HYPER[@]}" \
    --name "BABE SG2" --json > "$OUT/babe_sg2.json"

# CheckThat! 2023 subjectivity: train on train.tsv, test on dev.tsv.
"$FL" evaluate --data "$DATA/checkthat2023_subjectivity_en/train.tsv" \
    --test "$DATA/checkthat2023_subjectivity_en/dev.tsv" \
    --text-col sentence --label-col label --positive SUBJ "${HYPER[@]}" \
    --name "CheckThat 2023 subjectivity" --json > "$OUT/checkthat_subjectivity.json"

# The shipped model (trained on BABE SG2 only) on CheckThat dev, no retraining.
"$FL" evaluate --model datasets/models/framelens-default.json \
    --data "$DATA/checkthat2023_subjectivity_en/dev.tsv" \
    --text-col sentence --label-col label --positive SUBJ \
    --name "CheckThat 2023 dev" --json > "$OUT/checkthat_dev_default_model.json"

# Frame profile (and genre) heads: 5-fold CV on SemEval-2023 Task 3 English.
"$FL" evaluate-frames "$DATA/semeval2023_task3_en" --genre --folds 5 --json \
    > "$OUT/semeval_frames.json"

"$FL" plot-metrics "$OUT/babe_sg2.json" "$OUT/checkthat_subjectivity.json" \
    "$OUT/checkthat_dev_default_model.json" --out docs/accuracy.png
echo "wrote $OUT/*.json and docs/accuracy.png"
