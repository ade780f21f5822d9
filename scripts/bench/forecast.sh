#!/usr/bin/env bash
# Benchmark for the stock forecast (`helpdesk stock forecast`): how much
# better it foresees cartridge demand than the plain 90-day average, the
# naive method every stock sheet uses (GLPI and Snipe-IT only alarm on a
# fixed threshold), on demo histories with a known truth.
#
# For each random seed, `helpdesk seed --demo --consumption --months 36`
# writes three years of consumption: every printer of the sample branches
# uses its cartridge types at a rate, trend and season of its own (the
# branch's season within a month of the organization's), ordered and issued
# through the ledger. `helpdesk stock backtest` then forecasts, at a cut-off
# every week of the last year, the demand of the following STOCK_LEAD_TIME +
# STOCK_COVER days (37 by default, what a suggested order covers) from the
# history before the cut-off, by the forecast and by the 90-day average,
# and compares both with what was issued: the mean absolute scaled error per
# warehouse and type and overall.
# Target: the forecast's error at most 0.9x the 90-day average's, on every seed.
#
# Usage: scripts/bench/forecast.sh [SEEDS]   (default "1 2 3")
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds="${1:-1 2 3}"
repo="$PWD"
cargo build --release --locked --quiet
hd="$(realpath -m "${CARGO_TARGET_DIR:-$repo/target}")/release/helpdesk"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
cp -r "$repo/fixtures" .

worst=0
for seed in $seeds; do
  rm -f helpdesk.db helpdesk.db-*
  "$hd" seed --demo --requests 0 --consumption --months 36 --random-seed "$seed" | tail -1
  echo "== seed $seed: helpdesk stock backtest"
  "$hd" stock backtest 2>&1 | sed 's/^/  /'
  ratio="$("$hd" stock backtest --format json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(next(r["ratio"] for r in rows if r["warehouse"] == "all"))')"
  worst="$(python3 -c "print(max($worst, $ratio))")"
done
echo "== result"
python3 - "$worst" <<'PY'
import sys
worst = float(sys.argv[1])
print(f"  the forecast's error against the 90-day average's, the worst seed: {worst:.3f}x (target at most 0.9x): "
      + ("met" if worst <= 0.9 else "NOT MET"))
sys.exit(0 if worst <= 0.9 else 1)
PY
