#!/usr/bin/env bash
# Regenerates the shell completions under completions/ and the manual pages
# under man/ from the clap definitions. tests/cli_docs.rs fails when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/helpdesk"
"$bin" completions bash > completions/helpdesk.bash
"$bin" completions zsh > completions/_helpdesk
"$bin" completions fish > completions/helpdesk.fish
rm -f man/*.1
"$bin" man --out-dir man > /dev/null
echo "completions/ and man/ regenerated"
