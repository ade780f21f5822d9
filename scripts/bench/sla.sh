#!/usr/bin/env bash
# Benchmark of `helpdesk sla-check` counting working time, on a 1,000,000-request SQLite database
# with 10,000 open requests (as scripts/bench/ops.sh), against itself without calendars in the same
# run: round the clock (no calendar defined) vs a calendar of its own for every branch (Kyiv time,
# split days, a Saturday, two years of holidays and moved working days).
# Target: with calendars, at most 1.5x the time without.
# Installs sqlite3 and hyperfine if missing. Usage: scripts/bench/sla.sh [N]  (N requests, default 1000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000000}"
. scripts/bench/common.sh
need sqlite3 hyperfine
build_helpdesk --bin helpdesk
enter_workdir
seed_with_open "$n" 10000
echo "open requests: $(sqlite3 helpdesk.db "SELECT count(*) FROM requests WHERE status IN ('new','accepted')") of $(sqlite3 helpdesk.db 'SELECT count(*) FROM requests'), the oldest filed $(sqlite3 helpdesk.db "SELECT min(created_at) FROM requests WHERE status IN ('new','accepted')")"

"$hd" sla-check >/dev/null 2>&1 || true   # the first run records the levels due now
cp helpdesk.db plain.db
# A calendar for every branch, each with two years of holidays and moved working days.
{
  echo "date,kind,hours,name"
  for y in 2025 2026 2027; do
    for md in 01-01 01-07 03-08 05-01 05-09 06-28 08-24 10-14 12-25; do echo "$y-$md,holiday,,Holiday"; done
    echo "$y-12-31,workday,09:00-15:00,Short day"
    echo "$y-01-03,workday,,Moved working day"
  done
} > holidays.csv
i=0
for code in $(sqlite3 helpdesk.db "SELECT code FROM branches ORDER BY code"); do
  i=$((i + 1))
  "$hd" calendars set "CAL-$i" --name "Calendar $i" --timezone Europe/Kyiv \
    --weekdays "09:00-13:00 14:00-18:00" --sat 10:00-14:00 >/dev/null
  "$hd" calendars days "CAL-$i" holidays.csv >/dev/null
  "$hd" calendars assign "$code" "CAL-$i" >/dev/null
done
"$hd" sla-check >/dev/null 2>&1 || true
cp helpdesk.db calendars.db
echo "calendars: $(sqlite3 calendars.db 'SELECT count(*) FROM calendars'), days apart: $(sqlite3 calendars.db 'SELECT count(*) FROM calendar_days'), branches with one: $(sqlite3 calendars.db 'SELECT count(*) FROM branch_calendars')"

hyperfine --runs 20 --warmup 2 -N --export-json sla.json \
  "$hd --database-url sqlite:plain.db sla-check --dry-run --format csv" \
  "$hd --database-url sqlite:calendars.db sla-check --dry-run --format csv" \
  "$hd --database-url sqlite:plain.db sla-check --format csv" \
  "$hd --database-url sqlite:calendars.db sla-check --format csv" 2>&1 | grep -E "^Benchmark|Time|Range"

python3 - <<'PY'
import json
s = [r["mean"] * 1000 for r in json.load(open("sla.json"))["results"]]
print()
print("summary")
print(f"  sla-check --dry-run:        round the clock {s[0]:.0f} ms   calendars {s[1]:.0f} ms   ratio {s[1]/s[0]:.2f}x (target <= 1.5x)")
print(f"  sla-check (steady state):   round the clock {s[2]:.0f} ms   calendars {s[3]:.0f} ms   ratio {s[3]/s[2]:.2f}x (target <= 1.5x)")
PY
