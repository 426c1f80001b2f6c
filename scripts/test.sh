#!/usr/bin/env bash
# The project's test command (the README's second command): everything the tests need.
#
# On a fresh machine with Rust, Python 3 and Debian's apt it installs what is missing
# (Chromium for the browser test, a Python virtual environment at .venv with the notebooks'
# pinned dependencies), then runs the Rust tests, writes the demo export and executes every
# notebook. On a machine that is already set up it skips the installs. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "test.sh: $*"; }

# --- System packages -------------------------------------------------------------------------
# Headless Chromium for the HTML report's browser test: only where apt-get exists, Chromium is
# missing and we are root. Without it that test skips with a message.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
    && [ "$(id -u)" = 0 ]; then
    log "installing chromium with apt-get"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
        log "warning: could not install chromium; the browser test will skip"
    fi
fi

# --- Rust tests ------------------------------------------------------------------------------
cargo test --all-targets
cargo test --doc

# --- Python environment for the notebooks ----------------------------------------------------
VENV=.venv
REQ=notebooks/requirements.txt
PY=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    if ! "$PY" -m venv "$VENV"; then
        # Debian's python3 needs python3-venv for `-m venv`.
        if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
            rm -rf "$VENV"
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            "$PY" -m venv "$VENV"
        else
            log "error: cannot create a virtual environment with $PY"
            exit 1
        fi
    fi
fi
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
    log "installing notebook dependencies into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ"
    echo "$want" > "$VENV/.requirements.sha256"
fi

# --- Exports for the notebooks ---------------------------------------------------------------
# The demo export the notebooks read by default (the README's first command, with the debug
# build that `cargo test` just made; the output is identical to a release build's).
FRAMELENS="${CARGO_TARGET_DIR:-target}/debug/framelens"
cargo build -q --bin framelens
run_ok() { # exit codes 0 and 3 (some inputs failed, the rest written) are fine here
    set +e; "$@"; local c=$?; set -e
    if [ $c -ne 0 ] && [ $c -ne 3 ]; then log "failed ($c): $*"; exit $c; fi
}
if "$FRAMELENS" report --help >/dev/null 2>&1; then
    run_ok "$FRAMELENS" report datasets/demo --out reports/demo
else
    run_ok "$FRAMELENS" analyze datasets/demo --out reports/demo
fi
# A larger export with many outlets (generated corpus), so every analysis has data to run on.
NB_WORK=target/notebook-test
mkdir -p "$NB_WORK"
"$FRAMELENS" bench --generate "$NB_WORK/synth.jsonl" --articles 400 --seed 7
run_ok "$FRAMELENS" analyze "$NB_WORK/synth.jsonl" --out "$NB_WORK/synth-export"

# --- Execute the notebooks -------------------------------------------------------------------
export MPLBACKEND=Agg
passed=0
failed=0
run_notebooks() { # $1 = label, $2 = export folder ("" = the notebooks' default, the demo export)
    local label=$1 export_dir=$2 nb out
    out="$NB_WORK/$label"
    mkdir -p "$out"
    for nb in notebooks/*.ipynb; do
        local envset=(env -u FRAMELENS_EXPORT)
        [ -n "$export_dir" ] && envset=(env "FRAMELENS_EXPORT=$PWD/$export_dir")
        if "${envset[@]}" "$VENV/bin/jupyter" nbconvert --to notebook --execute \
            --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
            --output-dir "$out" "$nb" >"$out/$(basename "$nb").log" 2>&1; then
            log "notebook ok ($label): $nb"
            passed=$((passed + 1))
        else
            log "notebook FAILED ($label): $nb"
            tail -n 40 "$out/$(basename "$nb").log"
            failed=$((failed + 1))
        fi
    done
}
run_notebooks demo ""
run_notebooks synthetic "$NB_WORK/synth-export"
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
