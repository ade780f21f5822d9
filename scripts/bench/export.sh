#!/usr/bin/env bash
# Benchmark for `helpdesk export`: a 1,000,000-request SQLite database exported
# to xlsx by the release build, against Python's XlsxWriter (constant_memory
# mode, scripts/bench/export_peer.py) writing the same workbook (the same
# sheets, columns and types) from the same file, in the same run.
#
# Measures wall time and peak RSS (/usr/bin/time) of each run, each on a warm
# page cache; prints every run, the best of each, the ratio, and checks that
# both files hold the same number of rows per sheet.
# Targets: helpdesk at least 10x faster than the peer, peak memory under 100 MB.
#
# Usage: scripts/bench/export.sh [N]   (N requests, default 1000000)
#        HD_RUNS=3 PEER_RUNS=2 scripts/bench/export.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-1000000}"
hd_runs="${HD_RUNS:-3}"
peer_runs="${PEER_RUNS:-2}"
. scripts/bench/common.sh
build_helpdesk
enter_workdir

echo "== a Python venv with XlsxWriter"
python3 -m venv venv
venv/bin/pip install --quiet --disable-pip-version-check xlsxwriter
venv/bin/python -c "import xlsxwriter; print('XlsxWriter', xlsxwriter.__version__)"

echo "== a database of $n requests"
"$hd" seed >/dev/null
"$hd" seed --demo --requests "$n" --format csv >/dev/null
export HELPDESK_TIMEZONE=Europe/Kyiv
cat helpdesk.db* >/dev/null   # the page cache, warm for both

# run NAME COMMAND...: one timed run, appending "seconds kib" to NAME.runs
run() {
  local name="$1"; shift
  rm -f "$name.xlsx"
  /usr/bin/time -f "%e %M" -o "$name.time" "$@" >/dev/null
  cat "$name.time" >> "$name.runs"
  awk -v n="$name" '{printf "  %-8s %7.2f s  %6.1f MiB peak RSS\n", n, $1, $2 / 1024}' "$name.time"
}

echo "== helpdesk export ($hd_runs runs)"
for _ in $(seq "$hd_runs"); do run helpdesk "$hd" export -o helpdesk.xlsx; done
echo "== Python XlsxWriter, constant_memory ($peer_runs runs)"
for _ in $(seq "$peer_runs"); do run peer venv/bin/python "$repo/scripts/bench/export_peer.py" helpdesk.db peer.xlsx "$HELPDESK_TIMEZONE"; done

echo "== the same rows in both files"
venv/bin/python - <<'PY'
import re, zipfile
def rows(path):
    z = zipfile.ZipFile(path)
    names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
    out = {}
    for i, name in enumerate(names, start=1):
        n = 0
        with z.open(f"xl/worksheets/sheet{i}.xml") as f:
            tail = b""
            while chunk := f.read(1 << 24):
                data = tail + chunk
                n += data.count(b"<row ")
                tail = data[-4:]
        out[name] = n
    return out
a, b = rows("helpdesk.xlsx"), rows("peer.xlsx")
print("  rows per sheet, helpdesk:", a)
print("  rows per sheet, peer:    ", b)
assert a == b, "the files differ"
PY
ls -l helpdesk.xlsx peer.xlsx | awk '{printf "  %-14s %6.1f MiB\n", $9, $5 / 1048576}'

python3 - <<'PY'
best = lambda f: min((tuple(map(float, l.split())) for l in open(f)), key=lambda r: r[0])
(hs, hk), (ps, pk) = best("helpdesk.runs"), best("peer.runs")
print()
print("summary (best run of each)")
print(f"  helpdesk export:        {hs:7.2f} s  {hk/1024:6.1f} MiB peak RSS   (targets: 10x faster, < 100 MB)")
print(f"  Python XlsxWriter:      {ps:7.2f} s  {pk/1024:6.1f} MiB peak RSS")
print(f"  helpdesk is {ps/hs:.1f}x faster")
PY
