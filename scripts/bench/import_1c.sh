#!/usr/bin/env bash
# Benchmark for `helpdesk import-1c` on a generated CommerceML 2.08 offers.xml:
#
#  1. 100,000 offers (target: under 3 s, flat memory), as 1C writes them (prices, unit, a total
#     and 1 to 3 <Склад ИдСклада КоличествоНаСкладе/> each), into a database whose catalog knows
#     1,000 of the items as cartridges (the rest is the organisation's other goods: unmatched,
#     snapshot only) and the six fixture warehouses;
#  2. the same with 10 times the offers, to show peak memory does not grow with the file.
#
# Each import runs on a fresh copy of the same seeded database, under /usr/bin/time -v (elapsed
# seconds, peak RSS): the real import, and --dry-run (both passes over the file and the matching,
# no writes). The named peer, in the same run: Python's xml.etree.ElementTree.iterparse streaming
# the same file (clearing elements as it goes) and summing the balances, which is parsing only:
# no matching, no database. Prints every figure and the ratios.
#
# Usage: scripts/bench/import_1c.sh [N]   (N offers, default 100000; the large file has 10 N)
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-100000}"
known=1000
. scripts/bench/common.sh
need /usr/bin/time:time python3
build_helpdesk
enter_workdir

cat > gen.py <<'PY'
"""Writes offers.xml with N offers (CommerceML 2.08, default namespace) and adds the first
KNOWN items to fixtures/cartridges.csv, so that they match by 1C id."""
import sys
n, known, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
warehouses = ["9f1c2a5e", "9f1c2d4c", "9f1c2eaa", "9f1c2ff4", "9f1c3134", "9f1c3270"]
wid = lambda w: f"{w}-1b7d-11ee-8c90-0242ac120002"
iid = lambda i: f"{i:08x}-2c31-11ee-be56-0242ac120002"
if known:
    with open("fixtures/cartridges.csv", "a", encoding="utf-8") as f:
        for i in range(known):
            f.write(f"BENCH-{i:05d},Картридж тестовый {i},Любой принтер,{iid(i)},2\n")
with open(out, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'ВерсияСхемы="2.08" ДатаФормирования="2026-03-01T18:30:12">\n'
            '\t<ПакетПредложений СодержитТолькоИзменения="false">\n'
            '\t\t<Ид>5e3f0a1c-1b7d-11ee-8c90-0242ac120002#</Ид>\n\t\t<Наименование>Пакет предложений</Наименование>\n'
            '\t\t<Склады>\n')
    for w in warehouses:
        f.write(f"\t\t\t<Склад>\n\t\t\t\t<Ид>{wid(w)}</Ид>\n\t\t\t\t<Наименование>Склад {w}</Наименование>\n\t\t\t</Склад>\n")
    f.write("\t\t</Склады>\n\t\t<Предложения>\n")
    chunk = []
    for i in range(n):
        article = f"BENCH-{i:05d}" if i < known else f"ART-{i:07d}"
        stock = [(warehouses[(i + k) % 6], (i * 7 + k * 3) % 50) for k in range(1 + i % 3)]
        total = sum(q for _, q in stock)
        price = 100 + i % 5000
        s = (f"\t\t\t<Предложение>\n\t\t\t\t<Ид>{iid(i)}</Ид>\n\t\t\t\t<Артикул>{article}</Артикул>\n"
             f"\t\t\t\t<Наименование>Товар номер {i} для склада</Наименование>\n"
             '\t\t\t\t<БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>\n'
             f"\t\t\t\t<Цены>\n\t\t\t\t\t<Цена>\n\t\t\t\t\t\t<Представление>{price} UAH за шт</Представление>\n"
             "\t\t\t\t\t\t<ИдТипаЦены>b5e2d3c4-1b7d-11ee-8c90-0242ac120002</ИдТипаЦены>\n"
             f"\t\t\t\t\t\t<ЦенаЗаЕдиницу>{price}.00</ЦенаЗаЕдиницу>\n\t\t\t\t\t\t<Валюта>UAH</Валюта>\n"
             "\t\t\t\t\t\t<Единица>шт</Единица>\n\t\t\t\t\t\t<Коэффициент>1</Коэффициент>\n\t\t\t\t\t</Цена>\n\t\t\t\t</Цены>\n"
             f"\t\t\t\t<Количество>{total}</Количество>\n")
        s += "".join(f'\t\t\t\t<Склад ИдСклада="{wid(w)}" КоличествоНаСкладе="{q}"/>\n' for w, q in stock)
        chunk.append(s + "\t\t\t</Предложение>\n")
        if len(chunk) == 1000:
            f.write("".join(chunk)); chunk = []
    f.write("".join(chunk))
    f.write("\t\t</Предложения>\n\t</ПакетПредложений>\n</КоммерческаяИнформация>\n")
PY

cat > peer.py <<'PY'
"""The peer: stream the offers with ElementTree.iterparse, clearing as it goes, and sum the balances."""
import sys, xml.etree.ElementTree as ET
local = lambda tag: tag.rsplit("}", 1)[-1]
offers = balances = total = 0
parent = None
for event, el in ET.iterparse(sys.argv[1], events=("start", "end")):
    if event == "start":
        if local(el.tag) == "Предложения":
            parent = el
        continue
    if local(el.tag) == "Предложение":
        offers += 1
        for child in el:
            q = child.get("КоличествоНаСкладе")
            if q is not None and local(child.tag) == "Склад":
                q = float(q.replace(",", "."))
                if q < 0 or q != int(q):
                    sys.exit(f"bad quantity {q}")
                balances += 1
                total += int(q)
        parent.clear()
print(offers, balances, total)
PY

cat > measure.py <<'PY'
"""Runs a command under /usr/bin/time -v RUNS times; prints the median elapsed seconds and the largest peak RSS (MiB)."""
import re, statistics, subprocess, sys
runs, prepare, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times, rss = [], []
for _ in range(runs):
    if prepare:
        subprocess.run(prepare, shell=True, check=True)
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"{cmd} failed:\n{p.stderr}")
    m = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    times.append(int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3)))
    rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024)
print(f"{statistics.median(times):.2f} {max(rss):.1f}")
PY

python3 gen.py "$n" "$known" offers.xml
python3 gen.py "$((n * 10))" 0 offers10.xml
"$hd" seed --fixtures fixtures >/dev/null
cp helpdesk.db base.db
fresh="rm -f helpdesk.db helpdesk.db-wal helpdesk.db-shm && cp base.db helpdesk.db"

declare -A res
for f in offers.xml offers10.xml; do
  runs=3; [ "$f" = offers10.xml ] && runs=1
  size=$(du -m "$f" | cut -f1)
  echo "== $f: $(grep -c '<Предложение>' "$f") offers, ${size} MB"
  res[$f.import]=$(python3 measure.py "$runs" "$fresh" "$hd" import-1c "$f" --format json)
  echo "   helpdesk import-1c:            ${res[$f.import]% *} s, peak RSS ${res[$f.import]#* } MiB"
  res[$f.dry]=$(python3 measure.py "$runs" "$fresh" "$hd" import-1c "$f" --dry-run --format json)
  echo "   helpdesk import-1c --dry-run:  ${res[$f.dry]% *} s, peak RSS ${res[$f.dry]#* } MiB"
  res[$f.peer]=$(python3 measure.py "$runs" "" python3 peer.py "$f")
  echo "   python3 iterparse (peer):      ${res[$f.peer]% *} s, peak RSS ${res[$f.peer]#* } MiB"
done
# The import did its work: stock of the known items was set, every balance is in the snapshot.
eval "$fresh"
"$hd" import-1c offers.xml --format json > report.json
python3 - "$n" "$known" <<'PY'
import json, sys
r = json.load(open("report.json"))
n, known = int(sys.argv[1]), int(sys.argv[2])
assert r["rows"] == sum(1 + i % 3 for i in range(n)), r["rows"]
assert r["matched"] == sum(1 + i % 3 for i in range(known)), r["matched"]
print(f"   checked: {r['rows']} balances read, {r['matched']} matched, {r['stock_changed']} stock rows set, "
      f"{r['unmatched_items']}{'+' if r['lists_truncated'] else ''} unmatched items listed")
PY

python3 - "${res[offers.xml.import]}" "${res[offers.xml.dry]}" "${res[offers.xml.peer]}" \
  "${res[offers10.xml.import]}" "${res[offers10.xml.dry]}" "${res[offers10.xml.peer]}" "$n" <<'PY'
import sys
(t1, m1), (d1, dm1), (p1, pm1), (t10, m10), (d10, dm10), (p10, pm10) = [map(float, a.split()) for a in sys.argv[1:7]]
n = int(sys.argv[7])
print()
print("summary")
print(f"  {n:>9,} offers: import {t1:6.2f} s ({m1:5.1f} MiB, target < 3 s)  dry run {d1:6.2f} s ({dm1:5.1f} MiB)"
      f"  python iterparse {p1:6.2f} s ({pm1:5.1f} MiB)  import/peer {t1/p1:4.2f}x  dry run/peer {d1/p1:4.2f}x")
print(f"  {10*n:>9,} offers: import {t10:6.2f} s ({m10:5.1f} MiB)                  dry run {d10:6.2f} s ({dm10:5.1f} MiB)"
      f"  python iterparse {p10:6.2f} s ({pm10:5.1f} MiB)  import/peer {t10/p10:4.2f}x  dry run/peer {d10/p10:4.2f}x")
print(f"  peak RSS, 10x the file: import {m10/m1:4.2f}x, dry run {dm10/dm1:4.2f}x")
PY
