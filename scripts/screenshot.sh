#!/usr/bin/env bash
# Regenerate the committed example report and the README images:
#   reports/example/        `framelens report <the demo articles> --worksheet` (HTML, charts, CSVs)
#   docs/screenshot.png     the top of report.html and one highlighted article, in chromium
#   docs/demo_chart.png     the per-outlet comparison chart of the demo report
#
# Needs Debian's chromium for the screenshot: apt-get update && apt-get install -y chromium
# Usage: scripts/screenshot.sh            (ARTICLE=art-3 scripts/screenshot.sh to show another article)
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLE="${ARTICLE:-art-2}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

cargo build --release --quiet --bin framelens
BIN=target/release/framelens

# 1. The example report, built next to the old one and swapped in when complete.
rm -rf reports/example.new
mkdir -p reports
status=0
# The demo articles (the folder's README.md is not one), in file-name order.
mapfile -t inputs < <(find datasets/demo -maxdepth 1 -type f \( -name '*.html' -o -name '*.txt' \) | sort)
"$BIN" report "${inputs[@]}" --out reports/example.new --worksheet || status=$?
# 3 = some inputs could not be read (listed in errors.csv); the report is still complete.
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    echo "framelens report failed with exit code $status" >&2
    exit "$status"
fi
rm -rf reports/example
mv reports/example.new reports/example

# 2. The README chart.
mkdir -p docs
cp reports/example/charts/outlet_features.png docs/demo_chart.png

# 3. The screenshot: the top of the page and one article, stacked.
if [ ! -x "$CHROMIUM" ]; then
    echo "chromium not found at $CHROMIUM: docs/screenshot.png not updated" >&2
    echo "install it with: apt-get update && apt-get install -y chromium" >&2
    exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
report="$PWD/reports/example/report.html"
cat > "$tmp/shot.html" <<HTML
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>framelens screenshot</title></head>
<body style="margin:0;background:#fff">
<iframe src="file://$report" style="display:block;border:0;width:1280px;height:760px" scrolling="no"></iframe>
<div style="height:6px;background:#0b3954"></div>
<iframe src="file://$report#$ARTICLE" style="display:block;border:0;width:1280px;height:834px" scrolling="no"></iframe>
</body></html>
HTML
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$tmp/profile" --virtual-time-budget=5000 \
    --screenshot="$tmp/screenshot.png" --window-size=1280,1600 \
    "file://$tmp/shot.html" >/dev/null 2>&1
mv "$tmp/screenshot.png" docs/screenshot.png
echo "wrote reports/example/, docs/screenshot.png and docs/demo_chart.png"
