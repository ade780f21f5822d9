#!/usr/bin/env bash
# Benchmark of operations on a 1,000,000-request SQLite database, each against a named peer in the same run:
#  1. `helpdesk backup --no-verify` vs `sqlite3 helpdesk.db ".backup copy.db"` (target: within 1.2x),
#     and `helpdesk backup` with its full verification, for reference;
#  2. `helpdesk sla-check` with 10,000 open requests (target: under 100 ms): --dry-run, and a run that
#     records nothing new (the steady state of a cron job every 5 minutes), vs the sqlite3 shell running
#     the same scan of open requests.
# Installs sqlite3 and hyperfine if missing. Usage: scripts/bench/ops.sh [N]  (N requests, default 1000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000000}"
. scripts/bench/common.sh
need sqlite3 hyperfine
build_helpdesk --bin helpdesk
enter_workdir
seed_with_open "$n" 10000
echo "open requests: $(sqlite3 helpdesk.db "SELECT count(*) FROM requests WHERE status IN ('new','accepted')") of $(sqlite3 helpdesk.db 'SELECT count(*) FROM requests'); database $(du -h helpdesk.db | cut -f1)"

echo "== backup"
hyperfine --runs 5 --warmup 1 --export-json backup.json --prepare "rm -rf backups copy.db" \
  "$hd backup --no-verify" "sqlite3 helpdesk.db '.backup copy.db'" "$hd backup" 2>&1 | grep -E "^Benchmark|Time|Range"

echo "== sla-check"
"$hd" sla-check >/dev/null 2>&1 || true   # the first run records the levels due now
sql="SELECT r.id, r.kind, r.priority, r.status, r.created_at, r.accepted_at, a.full_name, b.code FROM requests r
 JOIN users a ON a.telegram_id = r.author_id JOIN branches b ON b.id = r.branch_id
 WHERE r.status IN ('new','accepted') AND r.archived_at IS NULL ORDER BY r.created_at;"
echo "$sql" > scan.sql
hyperfine --runs 20 --warmup 2 -N --export-json sla.json \
  "$hd sla-check --dry-run --format csv" "$hd sla-check --format csv" 2>&1 | grep -E "^Benchmark|Time|Range"
hyperfine --runs 20 --warmup 2 --export-json peer.json "sqlite3 helpdesk.db < scan.sql" 2>&1 | grep -E "^Benchmark|Time|Range"

python3 - <<'PY'
import json
b = json.load(open("backup.json"))["results"]
s = json.load(open("sla.json"))["results"]
p = json.load(open("peer.json"))["results"][0]["mean"]
print()
print("summary")
print(f"  helpdesk backup --no-verify: {b[0]['mean']:.2f} s   sqlite3 .backup: {b[1]['mean']:.2f} s   ratio {b[0]['mean']/b[1]['mean']:.2f}x (target <= 1.2x)")
print(f"  helpdesk backup (verified):  {b[2]['mean']:.2f} s")
print(f"  helpdesk sla-check --dry-run: {s[0]['mean']*1000:.0f} ms   sla-check (steady state): {s[1]['mean']*1000:.0f} ms   (target < 100 ms)")
print(f"  sqlite3 same scan of open requests: {p*1000:.0f} ms")
PY
