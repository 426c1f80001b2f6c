#!/usr/bin/env bash
# Build the seed corpora of the fuzz targets from the project's own test
# fixtures and demo corpus (never from ../shared). Safe to run again.
#
#   fuzz_ingest:  one byte choosing the file extension (see EXTS in
#                 fuzz_targets/fuzz_ingest.rs), then the file's bytes
#   fuzz_extract: one byte choosing the format (0 text, 1 HTML), then the content
#   fuzz_text:    the content as is
set -euo pipefail
cd "$(dirname "$0")"
exts=(csv jsonl txt html tsv md dat)
mkdir -p corpus/fuzz_ingest corpus/fuzz_extract corpus/fuzz_text
n=0
while IFS= read -r -d '' f; do
    size=$(stat -c %s "$f")
    [ "$size" -le 65535 ] || continue
    ext="${f##*.}"
    idx=2
    for i in "${!exts[@]}"; do
        if [ "${exts[$i]}" = "$ext" ]; then idx=$i; fi
    done
    fmt=0
    case "$ext" in html | htm | xhtml) fmt=1 ;; esac
    n=$((n + 1))
    { printf "\\x$(printf %02x "$idx")"; cat "$f"; } >"corpus/fuzz_ingest/seed_$n"
    { printf "\\x$(printf %02x "$fmt")"; cat "$f"; } >"corpus/fuzz_extract/seed_$n"
    cp "$f" "corpus/fuzz_text/seed_$n"
done < <(find ../tests/fixtures ../datasets/demo ../datasets/examples -type f -print0 2>/dev/null | sort -z)
echo "seed.sh: $n seed files per target"
