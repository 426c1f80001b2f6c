#!/usr/bin/env bash
# The project's test command (the README's second command): everything the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets
