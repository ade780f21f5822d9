#!/usr/bin/env bash
# Benchmark for the foundation, on a 1,000,000-request SQLite database:
#
#  1. `helpdesk seed --demo --requests 1000000` (target: under 30 s), against the
#     sqlite3 shell bulk-loading the same 1,000,000 request rows from CSV into the
#     same schema (`.import`): the floor for getting those rows into SQLite.
#  2. `helpdesk requests list --status new --branch X --limit 50` (target: under
#     50 ms), against the sqlite3 shell running the equivalent SQL on the same file.
#
# Prints each figure and the ratio. Installs sqlite3 and hyperfine if missing.
# Usage: scripts/bench/requests.sh [N]   (N requests, default 1000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000000}"
. scripts/bench/common.sh
need sqlite3 hyperfine
build_helpdesk
enter_workdir

echo "== seed --demo --requests $n (helpdesk) vs sqlite3 .import of the same rows"
"$hd" seed >/dev/null
cp helpdesk.db base.db
hyperfine --runs 2 --export-json seed.json \
  --prepare "rm -f helpdesk.db helpdesk.db-wal helpdesk.db-shm && cp base.db helpdesk.db" \
  "$hd seed --demo --requests $n --format csv" 2>&1 | grep -E "Time|Range"
# The same request rows as plain CSV, loaded by the sqlite3 shell into the same schema and indexes.
sqlite3 -csv helpdesk.db "SELECT kind, author_id, branch_id, contact_name, contact_phone, description, priority, status,
  assignee_id, rejection_reason, created_at, accepted_at, closed_at, archived_at, sla_level FROM requests" > rows.csv
cp base.db peer.db
sqlite3 peer.db "PRAGMA journal_mode=WAL" >/dev/null
cat > import.sql <<'SQL'
PRAGMA foreign_keys = OFF;
CREATE TEMP TABLE staging (kind, author_id, branch_id, contact_name, contact_phone, description, priority, status,
  assignee_id, rejection_reason, created_at, accepted_at, closed_at, archived_at, sla_level);
.mode csv
.import rows.csv staging
BEGIN;
INSERT INTO requests (kind, author_id, branch_id, contact_name, contact_phone, description, priority, status,
  assignee_id, rejection_reason, created_at, accepted_at, closed_at, archived_at, sla_level)
SELECT kind, author_id, branch_id, contact_name, contact_phone, description, priority, status,
  nullif(assignee_id, ''), nullif(rejection_reason, ''), created_at, nullif(accepted_at, ''), nullif(closed_at, ''),
  nullif(archived_at, ''), sla_level FROM staging;
COMMIT;
SQL
hyperfine --runs 2 --export-json import.json \
  --prepare "rm -f peer2.db* && cp base.db peer2.db" \
  "sqlite3 peer2.db < import.sql" 2>&1 | grep -E "Time|Range"

branch="$(sqlite3 helpdesk.db "SELECT b.code FROM requests r JOIN branches b ON b.id = r.branch_id WHERE r.status = 'new' GROUP BY b.code ORDER BY count(*) DESC LIMIT 1")"
echo "== requests list --status new --branch $branch --limit 50 (helpdesk) vs the same SQL in sqlite3"
sql="SELECT r.id, r.kind, r.author_id, a.full_name, r.branch_id, b.code, b.name, r.contact_name, r.contact_phone,
 r.description, r.priority, r.status, r.assignee_id, s.full_name, r.rejection_reason, r.created_at, r.accepted_at,
 r.closed_at, r.archived_at FROM requests r JOIN users a ON a.telegram_id = r.author_id JOIN branches b ON b.id = r.branch_id
 LEFT JOIN users s ON s.telegram_id = r.assignee_id WHERE r.status = 'new' AND r.branch_id = (SELECT id FROM branches WHERE code = '$branch')
 AND r.archived_at IS NULL ORDER BY r.created_at DESC, r.id DESC LIMIT 50"
hyperfine --warmup 3 --runs 30 -N --export-json list.json \
  "$hd requests list --status new --branch $branch --limit 50 --format csv" 2>&1 | grep -E "Time|Range"
echo "$sql" > list.sql
hyperfine --warmup 3 --runs 30 --export-json peer_list.json "sqlite3 helpdesk.db < list.sql" 2>&1 | grep -E "Time|Range"

python3 - <<'PY'
import json
m = lambda f: json.load(open(f))["results"][0]["mean"]
seed, imp, lst, peer = m("seed.json"), m("import.json"), m("list.json"), m("peer_list.json")
print()
print("summary")
print(f"  helpdesk seed --demo:      {seed:8.2f} s   (target < 30 s)   sqlite3 .import same rows: {imp:6.2f} s   ratio {seed/imp:4.2f}x")
print(f"  helpdesk requests list:    {lst*1000:8.1f} ms  (target < 50 ms)  sqlite3 same query:        {peer*1000:6.1f} ms  ratio {lst/peer:4.2f}x")
PY
