#!/usr/bin/env bash
# Runs the whole test suite: unit tests, store contract tests, and end-to-end
# tests of the real binary. This is the command the README and CI use.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked --all-targets "$@"
cargo test --locked --doc
