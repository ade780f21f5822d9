"""The peer of `helpdesk export` in scripts/bench/export.sh: Python's XlsxWriter
in constant_memory mode writing the same workbook from the same SQLite file.

The same sheets, columns and types: Summary by branch (counts by status and
kind, average times to accept and close, SLA breaches, a chart), Months (a
chart), Requests (23 columns; times as Excel dates in the zone given), Items,
Stock (rows below minimum highlighted), Forecast (the same TSB forecast with
seasons from the issue moves, soonest to run out first; what runs out within
the 7-day lead time highlighted). Archived requests are left out, as
helpdesk does by default. SLA breaches use the default limits (accept within
an hour, no resolve limit), which is what the benchmark database runs with.

Usage: python export_peer.py DATABASE OUTPUT.xlsx [ZONE]
"""

import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import xlsxwriter

STATUSES = ["new", "accepted", "done", "rejected", "cancelled"]
KINDS = ["cartridge", "repair", "maintenance", "it_help"]
ACCEPT_LIMIT = timedelta(hours=1)

REQUEST_HEADERS = [
    "number", "created", "kind", "priority", "status", "branch", "branch_name", "author", "author_id",
    "contact_name", "contact_phone", "description", "assignee", "assignee_id", "accepted", "closed",
    "rejection_reason", "archived", "archived_at", "sla_breached", "accept_reminders", "resolve_reminders",
    "last_reminder", "accept_due",
]
WIDTHS = [11, 17, 11, 9, 10, 11, 18, 22, 12, 22, 15, 48, 22, 12, 17, 17, 30, 9, 17, 12, 10, 10, 17, 17]
TIME_COLUMNS = {1, 14, 15, 18, 22, 23}

REQUESTS_SQL = """
SELECT r.id, r.created_at, r.kind, r.priority, r.status, b.code, b.name, a.full_name, r.author_id,
       r.contact_name, r.contact_phone, r.description, s.full_name, r.assignee_id, r.accepted_at, r.closed_at,
       r.rejection_reason, r.archived_at, r.sla_level, r.sla_resolve_level, r.sla_notified_at, r.branch_id
FROM requests r
JOIN users a ON a.telegram_id = r.author_id
JOIN branches b ON b.id = r.branch_id
LEFT JOIN users s ON s.telegram_id = r.assignee_id
WHERE r.archived_at IS NULL
ORDER BY r.created_at, r.id
"""

ITEMS_SQL = """
SELECT i.request_id, c.vendor_article, c.name, i.quantity, i.issued_quantity, i.comment, p.inventory_number
FROM request_items i JOIN requests r ON r.id = i.request_id JOIN cartridge_types c ON c.id = i.cartridge_type_id
LEFT JOIN printers p ON p.id = i.printer_id
WHERE r.archived_at IS NULL
ORDER BY i.request_id, i.id
"""

STOCK_SQL = """
SELECT w.name, c.vendor_article, c.name, s.quantity, c.min_stock, s.updated_at, s.empty
FROM stock_items s JOIN cartridge_types c ON c.id = s.cartridge_type_id JOIN warehouses w ON w.id = s.warehouse_id
ORDER BY w.code, c.name, c.vendor_article
"""


FORECAST_STOCK_SQL = """
SELECT s.warehouse_id, s.cartridge_type_id, w.name, c.vendor_article, c.name, s.quantity, s.empty
FROM stock_items s JOIN cartridge_types c ON c.id = s.cartridge_type_id JOIN warehouses w ON w.id = s.warehouse_id
ORDER BY w.code, c.name, c.vendor_article
"""
AT_CONTRACTOR_SQL = """
SELECT b.warehouse_id, l.cartridge_type_id, sum(l.sent - l.received - l.rejected)
FROM refill_lines l JOIN refill_batches b ON b.id = l.batch_id GROUP BY 1, 2
"""
LEAD, COVER, HISTORY = 7, 30, 2 * 365 + 90


def tsb(d, alpha=0.05, beta=0.01):
    warm = min(len(d), 90)
    if warm == 0:
        return 0.0
    hits = [x for x in d[:warm] if x > 0]
    p, z = len(hits) / warm, (sum(hits) / len(hits) if hits else 1.0)
    for x in d:
        if x > 0:
            p += beta * (1 - p)
            z += alpha * (x - z)
        else:
            p *= 1 - beta
    return p * z


def season(total, horizon, before=180, prior=16.0):
    t = len(total)
    if t < 365 + before:
        return 1.0
    y = t - 365
    ahead = sum(total[y:y + horizon]) * horizon / len(total[y:y + horizon])
    back = sum(total[y - before:y]) * horizon / before
    return min(2.0, max(0.5, (ahead + prior) / (back + prior)))


def forecast(conn, zone, now):
    """The rows of the Forecast sheet: what `helpdesk stock forecast` computes."""
    today = now.astimezone(zone).date()
    first = today - timedelta(days=HISTORY)
    n = (today - first).days
    since = datetime.combine(first, datetime.min.time(), zone).astimezone(timezone.utc)
    issues = []
    for w, c, at, q in conn.execute(
            "SELECT warehouse_id, cartridge_type_id, at, -full_delta FROM stock_moves "
            "WHERE kind = 'issue' AND at >= ? ORDER BY at, id", (since.strftime("%Y-%m-%dT%H:%M:%S"),)):
        d = (datetime.fromisoformat(at).astimezone(zone).date() - first).days
        if 0 <= d < n:
            issues.append((w, c, d, max(q, 0)))
    start = {}
    for w, _, d, _ in issues:
        start[w] = min(start.get(w, d), d)
    series, totals, org = {}, {}, [0.0] * n
    for w, c, d, q in issues:
        s = start[w]
        series.setdefault((w, c), [0.0] * (n - s))[d - s] += q
        totals.setdefault(w, [0.0] * (n - s))[d - s] += q
        org[d] += q
    org = org[min(start.values()):] if start else org
    incoming = {(w, c): q for w, c, q in conn.execute(AT_CONTRACTOR_SQL)}
    rows = []
    for w, c, wname, article, cname, full, empty in conn.execute(FORECAST_STOCK_SQL):
        total = totals.get(w, [])
        d = series.get((w, c), [0.0] * len(total))
        per_day = tsb(d) * (season(total, LEAD + COVER) * season(org, LEAD + COVER)) ** 0.5
        at_contractor = incoming.get((w, c), 0)
        if per_day * 365 < 1:
            days, order = None, 0
        else:
            days = int(max(full, 0) / per_day)
            order = max(0, int(-(-per_day * (LEAD + COVER) // 1)) - max(full, 0) - max(at_contractor, 0))
        rows.append((days is None, days if days is not None else 0, wname, article, cname, full, empty,
                     at_contractor, int(sum(d[-90:])), round(per_day * 30, 1), days, order))
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    return [(r[2:], today) for r in rows]


def main():
    db, out = sys.argv[1], sys.argv[2]
    zone = ZoneInfo(sys.argv[3] if len(sys.argv) > 3 else "UTC")
    now = datetime.now(timezone.utc)
    conn = sqlite3.connect(db)

    def local(text):
        if text is None:
            return None
        return datetime.fromisoformat(text).astimezone(zone).replace(tzinfo=None)

    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#D9E1F2", "bottom": 1})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    number = book.add_format({"num_format": '"HD-"000000'})
    duration = book.add_format({"num_format": "[h]:mm"})
    month_format = book.add_format({"num_format": "yyyy-mm"})
    low = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    low_when = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "yyyy-mm-dd hh:mm:ss"})

    summary = book.add_worksheet("Summary")
    months_sheet = book.add_worksheet("Months")
    ratings_sheet = book.add_worksheet("Ratings")
    requests = book.add_worksheet("Requests")
    items = book.add_worksheet("Items")
    stock = book.add_worksheet("Stock")
    forecast_sheet = book.add_worksheet("Forecast")

    for col, (name, width) in enumerate(zip(REQUEST_HEADERS, WIDTHS)):
        requests.set_column(col, col, width)
        requests.write_string(0, col, name, header)
    requests.freeze_panes(1, 0)

    tallies = {}
    months = {}
    row = 0
    for r in conn.execute(REQUESTS_SQL):
        row += 1
        created = datetime.fromisoformat(r[1])
        accepted = datetime.fromisoformat(r[14]) if r[14] else None
        closed = datetime.fromisoformat(r[15]) if r[15] else None
        due = created + ACCEPT_LIMIT
        if accepted is not None:
            breached = accepted > due
        elif closed is not None:
            breached = closed > due
        else:
            breached = now > due
        t = tallies.setdefault(r[21], [0, [0] * 5, [0] * 4, 0.0, 0, 0.0, 0, 0])
        t[0] += 1
        t[1][STATUSES.index(r[4])] += 1
        t[2][KINDS.index(r[2])] += 1
        if accepted is not None:
            t[3] += (accepted - created).total_seconds()
            t[4] += 1
        if closed is not None:
            t[5] += (closed - created).total_seconds()
            t[6] += 1
        t[7] += breached
        created_local = created.astimezone(zone)
        m = months.setdefault((created_local.year, created_local.month), [0] * 4)
        m[KINDS.index(r[2])] += 1

        requests.write_number(row, 0, r[0], number)
        requests.write_datetime(row, 1, created_local.replace(tzinfo=None), when)
        for col in (2, 3, 4, 5, 6, 7):
            requests.write_string(row, col, r[col])
        requests.write_number(row, 8, r[8])
        for col in (9, 10, 11):
            requests.write_string(row, col, r[col])
        if r[12] is not None:
            requests.write_string(row, 12, r[12])
        if r[13] is not None:
            requests.write_number(row, 13, r[13])
        for col in (14, 15):
            if r[col] is not None:
                requests.write_datetime(row, col, local(r[col]), when)
        if r[16] is not None:
            requests.write_string(row, 16, r[16])
        requests.write_boolean(row, 17, r[17] is not None)
        if r[17] is not None:
            requests.write_datetime(row, 18, local(r[17]), when)
        requests.write_boolean(row, 19, bool(breached))
        requests.write_number(row, 20, r[18])
        requests.write_number(row, 21, r[19])
        if r[20] is not None:
            requests.write_datetime(row, 22, local(r[20]), when)
        # The benchmark's database has no calendars: due an hour after filing, round the clock.
        requests.write_datetime(row, 23, due.astimezone(zone).replace(tzinfo=None), when)
    requests.autofilter(0, 0, row, len(REQUEST_HEADERS) - 1)
    request_rows = row

    item_headers = ["request", "article", "cartridge", "quantity", "issued", "comment", "printer"]
    for col, (name, width) in enumerate(zip(item_headers, [11, 14, 30, 9, 9, 30, 14])):
        items.set_column(col, col, width)
        items.write_string(0, col, name, header)
    items.freeze_panes(1, 0)
    row = 0
    for i in conn.execute(ITEMS_SQL):
        row += 1
        items.write_number(row, 0, i[0], number)
        items.write_string(row, 1, i[1])
        items.write_string(row, 2, i[2])
        items.write_number(row, 3, i[3])
        items.write_number(row, 4, i[4])
        if i[5] is not None:
            items.write_string(row, 5, i[5])
        if i[6] is not None:
            items.write_string(row, 6, i[6])
    items.autofilter(0, 0, row, 6)
    item_rows = row

    # The working-time columns equal the wall-clock ones here: the benchmark's database has no calendars.
    heads = ["branch", "branch_name", "requests"] + STATUSES + KINDS + ["avg_to_accept", "avg_to_close", "sla_breaches",
                                                                       "avg_to_accept_working", "avg_to_close_working",
                                                                       "ratings", "rating_avg"]
    for col, name in enumerate(heads):
        summary.set_column(col, col, 12)
        summary.write_string(0, col, name, header)
    summary.freeze_panes(1, 0)
    total = [0, [0] * 5, [0] * 4, 0.0, 0, 0.0, 0, 0]
    branches = conn.execute("SELECT id, code, name FROM branches ORDER BY code").fetchall()

    def line(row, code, name, t):
        summary.write_string(row, 0, code)
        summary.write_string(row, 1, name)
        summary.write_number(row, 2, t[0])
        for i, n in enumerate(t[1] + t[2]):
            summary.write_number(row, 3 + i, n)
        if t[4]:
            summary.write_number(row, 12, t[3] / t[4] / 86400, duration)
        if t[6]:
            summary.write_number(row, 13, t[5] / t[6] / 86400, duration)
        summary.write_number(row, 14, t[7])
        if t[4]:
            summary.write_number(row, 15, t[3] / t[4] / 86400, duration)
        if t[6]:
            summary.write_number(row, 16, t[5] / t[6] / 86400, duration)
        # No ratings in the benchmark's database: a count of none, no mean.
        summary.write_number(row, 17, 0)

    for n, (branch_id, code, name) in enumerate(branches, start=1):
        t = tallies.get(branch_id, [0, [0] * 5, [0] * 4, 0.0, 0, 0.0, 0, 0])
        line(n, code, name, t)
        total = [
            total[0] + t[0],
            [a + b for a, b in zip(total[1], t[1])],
            [a + b for a, b in zip(total[2], t[2])],
        ] + [a + b for a, b in zip(total[3:], t[3:])]
    line(len(branches) + 1, "TOTAL", "", total)
    # Ratings per branch and staff member: none in the benchmark's database, so the header and a total of none.
    for col, name in enumerate(["by", "code", "name", "ratings", "rating_avg",
                                "rated_1", "rated_2", "rated_3", "rated_4", "rated_5"]):
        ratings_sheet.write_string(0, col, name, header)
    ratings_sheet.freeze_panes(1, 0)
    ratings_sheet.write_string(1, 0, "")
    ratings_sheet.write_string(1, 1, "TOTAL")
    ratings_sheet.write_string(1, 2, "")
    ratings_sheet.write_number(1, 3, 0)
    for col in range(5, 10):
        ratings_sheet.write_number(1, col, 0)
    chart = book.add_chart({"type": "column"})
    chart.add_series({
        "name": "Requests",
        "categories": ["Summary", 1, 0, len(branches), 0],
        "values": ["Summary", 1, 2, len(branches), 2],
    })
    chart.set_title({"name": "Requests per branch"})
    chart.set_legend({"none": True})
    summary.insert_chart(len(branches) + 3, 0, chart)

    for col, name in enumerate(["month", "requests"] + KINDS):
        months_sheet.write_string(0, col, name, header)
    months_sheet.freeze_panes(1, 0)
    row = 0
    if months:
        (year, month), last = min(months), max(months)
        while (year, month) <= last:
            row += 1
            counts = months.get((year, month), [0] * 4)
            months_sheet.write_datetime(row, 0, datetime(year, month, 1), month_format)
            months_sheet.write_number(row, 1, sum(counts))
            for i, n in enumerate(counts):
                months_sheet.write_number(row, 2 + i, n)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        chart = book.add_chart({"type": "column"})
        chart.add_series({
            "name": "Requests",
            "categories": ["Months", 1, 0, row, 0],
            "values": ["Months", 1, 1, row, 1],
        })
        chart.set_title({"name": "Requests per month"})
        chart.set_legend({"none": True})
        months_sheet.insert_chart(1, 7, chart)

    for col, name in enumerate(["warehouse", "article", "cartridge", "quantity", "minimum", "below_minimum", "updated", "empty"]):
        stock.write_string(0, col, name, header)
    stock.freeze_panes(1, 0)
    row = 0
    for s in conn.execute(STOCK_SQL):
        row += 1
        below = s[3] < s[4]
        plain, date = (low, low_when) if below else (None, when)
        stock.write_string(row, 0, s[0], plain)
        stock.write_string(row, 1, s[1], plain)
        stock.write_string(row, 2, s[2], plain)
        stock.write_number(row, 3, s[3], plain)
        stock.write_number(row, 4, s[4], plain)
        stock.write_boolean(row, 5, below, plain)
        stock.write_datetime(row, 6, local(s[5]), date)
        stock.write_number(row, 7, s[6], plain)
    stock.autofilter(0, 0, row, 7)

    day = book.add_format({"num_format": "yyyy-mm-dd"})
    low_day = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "yyyy-mm-dd"})
    for col, name in enumerate(["warehouse", "article", "cartridge", "full", "empty", "at_contractor", "issued_90d",
                                "per_month", "days_left", "runs_out", "within_lead_time", "order"]):
        forecast_sheet.write_string(0, col, name, header)
    forecast_sheet.freeze_panes(1, 0)
    row = 0
    for (wname, article, cname, full, empty, at_contractor, issued, per_month, days, order), today in forecast(conn, zone, now):
        row += 1
        soon = days is not None and days <= LEAD
        plain, date = (low, low_day) if soon else (None, day)
        for col, v in enumerate([wname, article, cname]):
            forecast_sheet.write_string(row, col, v, plain)
        for col, v in enumerate([full, empty, at_contractor, issued, per_month], start=3):
            forecast_sheet.write_number(row, col, v, plain)
        if days is not None:
            forecast_sheet.write_number(row, 8, days, plain)
            forecast_sheet.write_datetime(row, 9, datetime.combine(today + timedelta(days=days), datetime.min.time()), date)
        forecast_sheet.write_boolean(row, 10, soon, plain)
        forecast_sheet.write_number(row, 11, order, plain)
    forecast_sheet.autofilter(0, 0, row, 11)

    book.close()
    print(f"peer wrote {out}: {request_rows} requests, {item_rows} items", file=sys.stderr)


if __name__ == "__main__":
    main()
