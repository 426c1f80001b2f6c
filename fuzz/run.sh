#!/usr/bin/env bash
# Run one fuzz target with the project's standard flags and print a summary.
#
#   fuzz/run.sh TARGET [SECONDS]      (default 600 s)
#
# Build first (see README.md). One fuzzer at a time, one job, one worker:
# the development machines have two cores shared with other work.
set -euo pipefail
cd "$(dirname "$0")"
t=${1:?usage: fuzz/run.sh fuzz_ingest|fuzz_extract|fuzz_text [SECONDS]}
secs=${2:-600}
bin=target/x86_64-unknown-linux-gnu/release/$t
if [ ! -x "$bin" ]; then
    echo "run.sh: $bin is missing; build it with: RUSTC_BOOTSTRAP=1 cargo fuzz build $t" >&2
    exit 1
fi
mkdir -p "corpus/$t" "artifacts/$t" logs
if [ -z "$(ls -A "corpus/$t")" ]; then ./seed.sh; fi
before=$(find "corpus/$t" -type f | wc -l)
here=$(pwd)
# With -jobs, libFuzzer writes the job's log to fuzz-0.log in the current
# folder: run in a folder of its own so the log cannot be mixed up.
run="logs/$t.run"
rm -rf "$run"
mkdir -p "$run"
start=$(date +%s)
set +e
(cd "$run" && nice -n 10 "$here/$bin" "$here/corpus/$t" -artifact_prefix="$here/artifacts/$t/" \
    -jobs=1 -workers=1 -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -max_total_time="$secs" -print_final_stats=1 >"$here/logs/$t.out" 2>&1)
set -e
end=$(date +%s)
rm -f "logs/$t.log"
if [ -f "$run/fuzz-0.log" ]; then mv "$run/fuzz-0.log" "logs/$t.log"; fi
rmdir "$run" 2>/dev/null || true
after=$(find "corpus/$t" -type f | wc -l)
echo "target:    $t"
echo "wall time: $((end - start)) s"
grep -a -E '^Done [0-9]+ runs|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "logs/$t.log" || true
echo "corpus:    $before -> $after files ($(du -sh "corpus/$t" | cut -f1))"
if grep -a -q -E 'ERROR: libFuzzer|panicked at' "logs/$t.log"; then
    echo "FOUND:     $(grep -a -m1 -E 'panicked at|ERROR: libFuzzer' "logs/$t.log")"
    ls -1 "artifacts/$t"
else
    echo "found:     nothing (no crash, timeout or out-of-memory)"
fi
