#!/usr/bin/env bash
# Benchmark of the web panel (`helpdesk serve`) on a 1,000,000-request SQLite database, measured
# with wrk (2 threads, 32 connections, --latency) as a signed-in administrator:
#  1. /requests?status=new&branch=B, B the branch with the most new requests (a page of 50 rows);
#  2. /dashboard;
#  3. /stock, every warehouse and type with its forecast (the database seeded with --consumption, so
#     the cartridge orders done among the requests are issues in the ledger);
# Every branch keeps a working-time calendar (the sample set's), so deadlines and overdue marks are
# worked out in working hours. Against the seed system's stack in the same run: a minimal Django
# project (scripts/bench/web_peer: unmanaged models over the same helpdesk.db, a LoginRequiredMixin ListView with the same filter,
# order and page size, select_related, a plain template of the panel's columns) under gunicorn with
# 2 x cores sync workers, Django's own users and sessions in a second SQLite file.
# Targets: the requests page at least 10x Django's requests/s with p99 under 50 ms; dashboard p99
# under 100 ms; the stock page p99 under 50 ms; the requests page and the dashboard keep theirs with
# Prometheus metrics on (HELPDESK_METRICS=on), and one scrape of /metrics is timed. Also prints
# serve's peak RSS (VmHWM) after its runs.
#
# Telegram is not reached: the Bot API address points at a closed port, the bot keeps retrying in
# the background, and the panel does not wait for it. The scheduled jobs are off
# (HELPDESK_SCHEDULE_*=off) so no backup or SLA run lands in a measurement.
#
# Installs wrk, sqlite3 and curl if missing; Django and gunicorn go into a venv in the work dir.
# Usage: scripts/bench/web.sh [N]   (N requests, default 1000000)
#        DURATION=20s (each wrk run), WARMUP=3s (an unrecorded wrk run before each),
#        HD=path/to/helpdesk to use that binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000000}"
duration="${DURATION:-20s}"
warmup="${WARMUP:-3s}"
. scripts/bench/common.sh
need wrk sqlite3 curl
python3 -c "import ensurepip, venv" 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
build_helpdesk --bin helpdesk
enter_workdir
serve_pid="" gun_pid=""
stop() { if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
  stop "$gun_pid"
  stop "$serve_pid"
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "web.sh: $*" >&2; exit 1; }

# Two free ports on 127.0.0.1: the panel and the Django peer.
read -r hd_port dj_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

# wait_http URL PID LOG: until URL answers at all (any HTTP status), while PID lives.
wait_http() {
  for _ in $(seq 1 240); do
    curl -s -o /dev/null -m 2 "$1" && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; fail "the server behind $1 exited"; }
    sleep 0.5
  done
  cat "$3" >&2
  fail "$1 does not answer"
}
# check_page NAME URL COOKIE: the page answers 200 with request rows; keeps NAME.html and NAME.ids.
check_page() {
  local code rows
  code="$(curl -s -m 30 -o "$1.html" -w '%{http_code}' -H "Cookie: $3" "$2")"
  [ "$code" = 200 ] || fail "$2 answered $code, not 200"
  grep -o 'href="/requests/[0-9]*"' "$1.html" >"$1.ids" || true
  rows="$(wc -l <"$1.ids")"
  [ "$rows" -gt 0 ] || fail "$2 shows no request rows"
  echo "  $2: 200, $rows rows"
}
# bench NAME URL COOKIE: an unrecorded warm-up, then the measured wrk run into NAME.wrk.
bench() {
  wrk -t2 -c32 -d"$warmup" --timeout 10s -H "Cookie: $3" "$2" >/dev/null
  wrk -t2 -c32 -d"$duration" --timeout 10s --latency -H "Cookie: $3" "$2" >"$1.wrk"
  sed 's/^/    /' "$1.wrk"
}

echo "== a database of $n requests"
"$hd" seed --demo --requests "$n" --consumption >/dev/null 2>&1
# Service levels in working time, as an organization with calendars has them: the Kyiv office hours
# (with their holidays) the default, and one branch on the shops' hours.
"$hd" calendars set UA-OFFICE --default >/dev/null
"$hd" calendars assign LVIV UA-SHOP >/dev/null
sqlite3 helpdesk.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
read -r branch branch_name new_rows < <(sqlite3 -separator ' ' helpdesk.db "SELECT r.branch_id, b.code, count(*) FROM requests r
  JOIN branches b ON b.id = r.branch_id WHERE r.status = 'new' AND r.archived_at IS NULL
  GROUP BY r.branch_id ORDER BY count(*) DESC, r.branch_id LIMIT 1")
echo "  $(sqlite3 helpdesk.db 'SELECT count(*) FROM requests') requests, $(du -h helpdesk.db | cut -f1);" \
  "branch $branch ($branch_name) has $new_rows new ones"
cat helpdesk.db >/dev/null   # the page cache, warm for both
path="/requests?status=new&branch=$branch"

echo "== helpdesk serve (web panel on 127.0.0.1:$hd_port)"
hd_env=(
  HELPDESK_WEB_LISTEN="127.0.0.1:$hd_port"
  HELPDESK_BOT_TOKEN=123456:TEST
  HELPDESK_TELEGRAM_API_URL="http://127.0.0.1:9"
  HELPDESK_LOG=warn
  HELPDESK_SCHEDULE_SLA_CHECK=off HELPDESK_SCHEDULE_BACKUP=off HELPDESK_SCHEDULE_PRUNE=off
  HELPDESK_SCHEDULE_ARCHIVE=off HELPDESK_SCHEDULE_REPORT=off
)
env "${hd_env[@]}" "$hd" serve >serve.log 2>&1 &
serve_pid=$!
wait_http "http://127.0.0.1:$hd_port/login" "$serve_pid" serve.log
# Sign in the administrator (fixtures/staff.csv) with a one-time link, as a browser's button does.
link="$(env "${hd_env[@]}" "$hd" web login-link 100000001 --format json |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["url"])')"
hd_cookie="$(curl -s -i -X POST -H "Origin: http://127.0.0.1:$hd_port" "$link" | tr -d '\r' |
  sed -n 's/^[Ss]et-[Cc]ookie: \(helpdesk_session=[^;]*\).*/\1/p' | head -1)"
[ -n "$hd_cookie" ] || fail "signing in with $link gave no helpdesk_session cookie"
check_page hd_requests "http://127.0.0.1:$hd_port$path" "$hd_cookie"
# The first view computes the figures (later views reuse them until something changes): timed alone.
read -r code cold < <(curl -s -m 60 -o dashboard.html -w '%{http_code} %{time_total}\n' -H "Cookie: $hd_cookie" \
  "http://127.0.0.1:$hd_port/dashboard")
[ "$code" = 200 ] || fail "/dashboard answered $code, not 200"
cold_ms="$(python3 -c "print(round($cold * 1000))")"
echo "  http://127.0.0.1:$hd_port/dashboard: 200, $(wc -c <dashboard.html) bytes; the first view, computing: $cold_ms ms"
# A view right after a change (here a sign-in, which the audit log records): the figures of now
# are computed again, the slow ones are reused. Five changes, each viewed once: the median.
changes=()
for _ in 1 2 3 4 5; do
  env "${hd_env[@]}" "$hd" web login-link 100000001 >/dev/null
  changes+=("$(curl -s -m 60 -o /dev/null -w '%{time_total}' -H "Cookie: $hd_cookie" "http://127.0.0.1:$hd_port/dashboard")")
done
changed_ms="$(python3 -c "import statistics, sys; print(round(statistics.median(float(x) for x in sys.argv[1:]) * 1000))" "${changes[@]}")"
echo "  a view right after a change: $changed_ms ms (median of 5: $(python3 -c "import sys; print(' '.join(str(round(float(x) * 1000)) for x in sys.argv[1:]))" "${changes[@]}") ms)"
echo "== wrk: helpdesk $path"
bench hd_requests "http://127.0.0.1:$hd_port$path" "$hd_cookie"
echo "== wrk: helpdesk /dashboard"
bench hd_dashboard "http://127.0.0.1:$hd_port/dashboard" "$hd_cookie"
echo "== wrk: helpdesk /stock"
bench hd_stock "http://127.0.0.1:$hd_port/stock" "$hd_cookie"
check_page hd_requests_after "http://127.0.0.1:$hd_port$path" "$hd_cookie" >/dev/null # still signed in
hd_rss="$(awk '/^VmHWM:/ {print $2}' "/proc/$serve_pid/status")"
stop "$serve_pid"; serve_pid=""

# The same two pages with Prometheus metrics on (HELPDESK_METRICS=on: every request counted and
# timed by route), then one scrape of /metrics timed on that database.
echo "== helpdesk serve with HELPDESK_METRICS=on"
env "${hd_env[@]}" HELPDESK_METRICS=on "$hd" serve >serve-metrics.log 2>&1 &
serve_pid=$!
wait_http "http://127.0.0.1:$hd_port/login" "$serve_pid" serve-metrics.log
check_page hd_requests_m "http://127.0.0.1:$hd_port$path" "$hd_cookie" >/dev/null
echo "== wrk: helpdesk $path, metrics on"
bench hd_requests_m "http://127.0.0.1:$hd_port$path" "$hd_cookie"
echo "== wrk: helpdesk /dashboard, metrics on"
bench hd_dashboard_m "http://127.0.0.1:$hd_port/dashboard" "$hd_cookie"
read -r code scrape < <(curl -s -m 60 -o metrics.txt -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$hd_port/metrics")
[ "$code" = 200 ] || fail "/metrics answered $code, not 200"
scrape_ms="$(python3 -c "print(round($scrape * 1000))")"
grep -q '^helpdesk_http_requests_total{' metrics.txt || fail "/metrics counted no requests"
echo "  one scrape of /metrics: $scrape_ms ms, $(wc -l <metrics.txt) lines"
stop "$serve_pid"; serve_pid=""

workers=$((2 * $(nproc)))
echo "== Django peer: gunicorn with $workers sync workers (2 x $(nproc) cores) on 127.0.0.1:$dj_port"
cp -r "$repo/scripts/bench/web_peer" peer
python3 -m venv venv
venv/bin/pip install --quiet --disable-pip-version-check Django==5.2.19 gunicorn==23.0.0
venv/bin/python -c "import django, gunicorn; print('  Django', django.get_version(), '/ gunicorn', gunicorn.__version__)"
export PEER_AUTH_DB="$work/peer_auth.sqlite3" PEER_HELPDESK_DB="$work/helpdesk.db"
(cd peer && ../venv/bin/python manage.py migrate --database default -v 0)
dj_cookie="sessionid=$(cd peer && ../venv/bin/python manage.py bench_session)"
venv/bin/gunicorn --chdir peer --workers "$workers" --worker-class sync --bind "127.0.0.1:$dj_port" \
  --log-level warning peer.wsgi:application >gunicorn.log 2>&1 &
gun_pid=$!
wait_http "http://127.0.0.1:$dj_port/requests" "$gun_pid" gunicorn.log
check_page dj_requests "http://127.0.0.1:$dj_port$path" "$dj_cookie"
if cmp -s hd_requests.ids dj_requests.ids; then
  echo "  both pages list the same requests in the same order"
else
  echo "  WARNING: the two pages list different requests (helpdesk $(wc -l <hd_requests.ids), Django $(wc -l <dj_requests.ids))"
fi
echo "== wrk: Django $path"
bench dj_requests "http://127.0.0.1:$dj_port$path" "$dj_cookie"
check_page dj_requests_after "http://127.0.0.1:$dj_port$path" "$dj_cookie" >/dev/null
dj_rss=0
for p in "$gun_pid" $(ps -o pid= --ppid "$gun_pid"); do
  dj_rss=$((dj_rss + $(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
done
stop "$gun_pid"; gun_pid=""

python3 - "$hd_rss" "$dj_rss" "$workers" "$(nproc)" "$duration" "$n" "$cold_ms" "$changed_ms" "$scrape_ms" <<'PY'
import re, sys

hd_rss, dj_rss, workers, cores, duration, n, cold_ms, changed_ms, scrape_ms = sys.argv[1:]
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}

def ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(value) * UNIT[unit]

def parse(name):
    out = open(f"{name}.wrk").read()
    rps = float(re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M).group(1))
    dist = out.split("Latency Distribution", 1)[1]
    p50 = ms(re.search(r"^\s*50%\s+(\S+)", dist, re.M).group(1))
    p99 = ms(re.search(r"^\s*99%\s+(\S+)", dist, re.M).group(1))
    total = int(re.search(r"^\s*(\d+) requests in", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = []
    if bad:
        errors.append(f"{bad.group(1)} non-2xx/3xx")
    if sock:
        c, r, w, t = map(int, sock.groups())
        if c or w or t:
            errors.append(f"socket: connect {c}, write {w}, timeout {t}")
        if r:
            errors.append(f"read {r}")
    return rps, p50, p99, total, ", ".join(errors) or "none"

rows = [
    ("helpdesk /requests (status=new, branch)", parse("hd_requests")),
    ("helpdesk /dashboard", parse("hd_dashboard")),
    ("helpdesk /stock (with the forecast)", parse("hd_stock")),
    (f"Django ListView, gunicorn {workers} sync workers", parse("dj_requests")),
    ("helpdesk /requests, metrics on", parse("hd_requests_m")),
    ("helpdesk /dashboard, metrics on", parse("hd_dashboard_m")),
]
print()
print(f"summary: {int(n):,} requests, wrk -t2 -c32 -d{duration} --latency, signed in; {cores} cores shared by server and wrk")
print(f"  {'what':<46} {'requests/s':>11} {'p50 ms':>9} {'p99 ms':>9} {'requests':>10}  errors")
for name, (rps, p50, p99, total, errors) in rows:
    print(f"  {name:<46} {rps:>11.1f} {p50:>9.2f} {p99:>9.2f} {total:>10}  {errors}")
((hd_rps, _, hd_p99, _, _), (_, _, dash_p99, _, _), (_, _, stock_p99, _, _), (dj_rps, _, _, _, _),
 (m_rps, _, m_p99, _, _), (_, _, m_dash_p99, _, _)) = (r for _, r in rows)
ratio = hd_rps / dj_rps
met = lambda ok: "met" if ok else "not met"
print(f"  helpdesk serve peak RSS (VmHWM): {int(hd_rss) / 1024:.1f} MiB;"
      f" gunicorn master + {workers} workers, sum of peaks: {int(dj_rss) / 1024:.1f} MiB")
print(f"  requests page, helpdesk/Django: {ratio:.1f}x the requests/s")
print("  targets:")
print(f"    requests page >= 10x Django's requests/s   {ratio:>8.1f}x    {met(ratio >= 10)}")
print(f"    requests page p99 < 50 ms                  {hd_p99:>8.2f} ms  {met(hd_p99 < 50)}")
print(f"    dashboard p99 < 100 ms                     {dash_p99:>8.2f} ms  {met(dash_p99 < 100)}")
print(f"    stock page p99 < 50 ms                     {stock_p99:>8.2f} ms  {met(stock_p99 < 50)}")
print(f"    dashboard view after a change < 100 ms     {float(changed_ms):>8.2f} ms  {met(float(changed_ms) < 100)}"
      " (the figures of now computed again)")
print(f"    with metrics on: requests page p99 < 50 ms {m_p99:>8.2f} ms  {met(m_p99 < 50)}"
      f" ({m_rps / hd_rps:.2f}x the requests/s without)")
print(f"    with metrics on: dashboard p99 < 100 ms    {m_dash_p99:>8.2f} ms  {met(m_dash_p99 < 100)}")
print(f"  one scrape of /metrics on this database: {scrape_ms} ms")
print(f"  dashboard's first view after start: {cold_ms} ms (it waits for the figures computed at start)")
PY
