#!/usr/bin/env bash
# Benchmark of `helpdesk migrate` (SQLite -> PostgreSQL, verification included) on a
# 1,000,000-request database, against two peers in the same run, each into a fresh database:
#  - pgloader (Debian package), its default SQLite load (schema, data, indexes, foreign keys), all
#    tables but refinery's migrations table, whose "int4" type pgloader cannot parse;
#  - a plain pipeline: `sqlite3 -csv "SELECT * FROM t" | psql -c "\copy t FROM STDIN (FORMAT csv)"`
#    for every table, parents first, into the helpdesk schema (created beforehand, not timed).
# Targets: at least 4x faster than pgloader, within 1.5x of the plain pipeline.
# Needs a PostgreSQL server (HELPDESK_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres);
# installs sqlite3, psql and pgloader if missing.
# Usage: scripts/bench/migrate.sh [N]  (N requests, default 1000000; RUNS=3 runs of helpdesk and the pipeline)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000000}"
runs="${RUNS:-3}"
admin="${HELPDESK_BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
root="${admin%/*}"
. scripts/bench/common.sh
need sqlite3 psql:postgresql-client pgloader
build_helpdesk --bin helpdesk
enter_workdir
cleanup() {
  for db in bench_hd bench_pipe bench_pgl; do psql -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
"$hd" seed --demo --requests "$n" >/dev/null 2>&1
sqlite3 helpdesk.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
echo "source: $(sqlite3 helpdesk.db 'SELECT count(*) FROM requests') requests, $(sqlite3 helpdesk.db 'SELECT count(*) FROM request_items') items; $(du -h helpdesk.db | cut -f1)"
tables="branches warehouses users cartridge_types stock_items requests request_items attachments logs one_c_imports
  one_c_snapshot telegram_inbox dialogues broadcasts outbox server_calls server_call_answers cartridge_issues sla_reminders job_runs"

fresh() { psql -q "$admin" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }
# Every timed run starts from the same quiet server: the previous run's database dropped (its
# autovacuum would otherwise run during this one), no autovacuum worker busy, dirty buffers written.
quiesce() {
  for db in "$@"; do psql -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null; done
  for _ in $(seq 1 300); do
    [ "$(psql -At "$admin" -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")" = 0 ] && break
    sleep 1
  done
  psql -q "$admin" -c CHECKPOINT
  sync
}
now() { date +%s.%N; }
# CPU-seconds the whole machine spent busy so far (client and server together), from /proc/stat.
busy() { awk '/^cpu /{print ($2+$3+$4+$7+$8)/100}' /proc/stat; }
declare -a t_hd t_pipe cpu_hd
for i in $(seq 1 "$runs"); do
  fresh bench_hd
  quiesce bench_pipe
  c=$(busy); s=$(now); /usr/bin/time -f "%M %U %S" -o hd.rss "$hd" migrate --to "$root/bench_hd" >hd.out; e=$(now)
  t_hd+=("$(python3 -c "print($e - $s)")")
  cpu_hd+=("$(python3 -c "print($(busy) - $c)")")
  grep -q "every table verified" hd.out

  fresh bench_pipe
  "$hd" --database-url "$root/bench_pipe" db upgrade >/dev/null
  quiesce bench_hd
  s=$(now)
  for t in $tables; do
    sqlite3 -csv helpdesk.db "SELECT * FROM $t" | psql -q "$root/bench_pipe" -c "\\copy $t FROM STDIN (FORMAT csv)"
  done
  e=$(now)
  t_pipe+=("$(python3 -c "print($e - $s)")")
done
[ "$(psql -At "$root/bench_pipe" -c 'SELECT count(*) FROM requests')" = "$(sqlite3 helpdesk.db 'SELECT count(*) FROM requests')" ]

fresh bench_pgl
quiesce bench_hd bench_pipe
# pgloader cannot parse the migrations table's "int4" column type; that table is the one left out.
cat > pgl.load <<LOAD
LOAD DATABASE FROM sqlite://$work/helpdesk.db INTO $root/bench_pgl
EXCLUDING TABLE NAMES LIKE 'refinery_schema_history';
LOAD
s=$(now); pgloader pgl.load >pgl.out 2>&1 || { cat pgl.out; exit 1; }; e=$(now)
grep -q "Total import time" pgl.out || { cat pgl.out; exit 1; }
t_pgl="$(python3 -c "print($e - $s)")"
echo "pgloader copied $(psql -At "$root/bench_pgl" -c 'SELECT count(*) FROM requests') requests"

python3 - "$t_pgl" "$(cat hd.rss)" "${t_hd[*]}" "${t_pipe[*]}" "${cpu_hd[*]}" "$(nproc)" <<'PY'
import sys, statistics
pgl = float(sys.argv[1])
rss, user, system = sys.argv[2].split()
rss, client = int(rss), float(user) + float(system)
hd = [float(x) for x in sys.argv[3].split()]
pipe = [float(x) for x in sys.argv[4].split()]
cpu, cores = statistics.median(float(x) for x in sys.argv[5].split()), int(sys.argv[6])
h, p = statistics.median(hd), statistics.median(pipe)
print()
print("summary (median of runs)")
print(f"  helpdesk migrate (verified): {h:.1f} s, peak RSS {rss/1024:.0f} MiB   runs: {' '.join(f'{x:.1f}' for x in hd)}")
print(f"  sqlite3 -csv | psql \\copy:  {p:.1f} s   runs: {' '.join(f'{x:.1f}' for x in pipe)}")
print(f"  pgloader:                    {pgl:.1f} s")
print(f"  helpdesk vs pgloader: {pgl/h:.1f}x faster (target >= 4x); vs pipeline: {h/p:.2f}x its time (target <= 1.5x)")
print(f"  CPU during helpdesk migrate: {cpu:.1f} CPU-s busy on {cores} cores (helpdesk itself {client:.1f}, so the server about {cpu - client:.1f});")
print(f"  no schedule of that work runs in less than {cpu / cores:.1f} s here; 4x pgloader would be {pgl / 4:.1f} s")
PY
