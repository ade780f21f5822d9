//! Calendars in the web panel of the real `helpdesk serve`: an administrator
//! sets working hours, holidays and which branch keeps which calendar, and the
//! requests' deadlines follow at once; a mistake is said in their language and
//! changes nothing; a storekeeper's forged post changes nothing.

mod support;

use support::fake_telegram::FakeTelegram;
use support::web::{Panel, csrf_of};
use support::{ADMIN, STOREKEEPER, Workdir};

#[test]
fn an_admin_sets_calendars_in_the_panel_and_others_cannot() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let admin = panel.sign_in(&w, ADMIN);
    let page = panel.get("/calendars", Some(&admin)).text().unwrap();
    assert!(page.contains("UA-OFFICE") && page.contains("UA-SHOP"), "the sample calendars");
    assert!(page.contains("href=\"/calendars\""), "in the bar for an administrator");
    let csrf = csrf_of(&page);
    let post = |path: &str, cookie: &str, form: &[(&str, &str)]| {
        let mut pairs = vec![("csrf", csrf.as_str())];
        pairs.extend_from_slice(form);
        panel.post(path, Some(cookie), &pairs)
    };
    let week = [("mon", "08:00-17:00"), ("tue", "08:00-17:00"), ("wed", "08:00-17:00"), ("thu", "08:00-17:00")];

    // A new calendar, the organization's default.
    let mut form = vec![("code", "NIGHT"), ("name", "Ночная смена"), ("timezone", "Europe/Moscow")];
    form.extend_from_slice(&week);
    form.extend_from_slice(&[("fri", "08:00-16:00"), ("sat", ""), ("sun", ""), ("default", "1")]);
    let r = post("/calendars", &admin, &form);
    assert_eq!(r.status(), 303);
    assert_eq!(
        w.rows("SELECT code, timezone, mon, fri, sat FROM calendars WHERE is_default")
            .iter()
            .map(|r| r.iter().map(|v| v.text().unwrap_or("").to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>(),
        [["NIGHT", "Europe/Moscow", "08:00-17:00", "08:00-16:00", ""]]
    );
    // A request filed on Friday 5 December 2025 at 20:30 Moscow time, an hour to be accepted:
    // its card says it was due on Monday at 09:00 Moscow time (06:00 in the panel's zone, UTC).
    let (app, clock) = w.app();
    clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2025, 12, 5, 17, 30, 0).unwrap());
    let id = support::file_request(
        &app,
        ADMIN,
        helpdesk::domain::Kind::Repair,
        Some("LVIV"),
        helpdesk::domain::Priority::High,
        "Не працює",
    );
    let card = panel.get(&format!("/requests/{id}"), Some(&admin)).text().unwrap();
    assert!(card.contains("08.12.2025 06:00") && card.contains("badge sla"), "{card}");

    // Overlapping hours: said on the page in the person's language (the admin's is Ukrainian), nothing changed.
    let mut bad = form.clone();
    bad[3] = ("mon", "08:00-13:00 12:00-17:00");
    let r = post("/calendars", &admin, &bad);
    assert_eq!(r.status(), 422);
    let body = r.text().unwrap();
    assert!(body.contains("Календар NIGHT, mon: робочі години 08:00-13:00 і 12:00-17:00 перетинаються"), "{body}");
    assert!(body.contains("value=\"08:00-13:00 12:00-17:00\""), "the form keeps what was typed");
    assert_eq!(w.int("SELECT count(*) FROM calendars WHERE mon = '08:00-17:00' AND code = 'NIGHT'"), 1);
    let mut bad = form.clone();
    bad[2] = ("timezone", "Europe/Kiyv");
    let body = post("/calendars", &admin, &bad).text().unwrap();
    assert!(body.contains("часового поясу «Europe/Kiyv» немає"), "{body}");

    // A holiday and a moved working day; a bad date is refused; a day is removed.
    let r = post("/calendars/NIGHT/days", &admin, &[("kind", "yearly"), ("date", "01-07"), ("name", "Різдво")]);
    assert_eq!(r.status(), 303);
    let r =
        post("/calendars/NIGHT/days", &admin, &[("kind", "workday"), ("date", "2027-01-09"), ("hours", "10:00-14:00")]);
    assert_eq!(r.status(), 303);
    let r = post("/calendars/NIGHT/days", &admin, &[("kind", "holiday"), ("date", "2027-02-30")]);
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("«2027-02-30» — не дата"));
    let page = panel.get("/calendars", Some(&admin)).text().unwrap();
    assert!(page.contains("Різдво") && page.contains("2027-01-09"), "{page}");
    let r = post("/calendars/NIGHT/days/remove", &admin, &[("kind", "workday"), ("date", "2027-01-09")]);
    assert_eq!(r.status(), 303);
    let days = "SELECT count(*) FROM calendar_days WHERE calendar_id = (SELECT id FROM calendars WHERE code = 'NIGHT')";
    assert_eq!(w.int(days), 1);
    // A date is a holiday or a working day: the newer word replaces the other.
    post("/calendars/NIGHT/days", &admin, &[("kind", "workday"), ("date", "2027-03-06")]);
    post("/calendars/NIGHT/days", &admin, &[("kind", "holiday"), ("date", "2027-03-06")]);
    assert_eq!(w.int(&format!("{days} AND day = '2027-03-06' AND kind = 'holiday'")), 1);
    assert_eq!(w.int(days), 2);
    post("/calendars/NIGHT/days/remove", &admin, &[("kind", "holiday"), ("date", "2027-03-06")]);

    // A year's list pasted in: all of it, or (one date wrong) none of it.
    let list = "date,kind,hours,name\n2027-01-01,yearly\n2027-05-03;holiday;;Великдень\n2027-12-31,workday,09:00-15:00,Скорочений день\n";
    let r = post("/calendars/NIGHT/days/list", &admin, &[("list", &list.replace("2027-05-03", "2027-05-33"))]);
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("«2027-05-33» — не дата"));
    assert_eq!(w.int(days), 1, "nothing of a list with a bad line");
    let r = post("/calendars/NIGHT/days/list", &admin, &[("list", list)]);
    assert_eq!(r.status(), 303);
    assert_eq!(w.int(days), 4);
    assert_eq!(w.int(&format!("{days} AND day = '01-01' AND kind = 'yearly'")), 1);
    assert_eq!(w.int(&format!("{days} AND day = '2027-12-31' AND hours = '09:00-15:00'")), 1);

    // A calendar that no longer reads (a zone gone from the tz database, a row edited by hand)
    // leaves its branches round the clock and every page working; it shows, to be put right.
    let broken = "UPDATE calendars SET timezone = 'Mars/Olympus' WHERE code = 'UA-SHOP'";
    match &w.pg {
        Some(pg) => {
            postgres::Client::connect(&pg.url, postgres::NoTls).unwrap().batch_execute(broken).unwrap();
        }
        None => {
            rusqlite::Connection::open(w.db()).unwrap().execute_batch(broken).unwrap();
        }
    }
    assert_eq!(panel.get("/requests", Some(&admin)).status(), 200);
    assert_eq!(panel.get(&format!("/requests/{id}"), Some(&admin)).status(), 200);
    let page = panel.get("/calendars", Some(&admin)).text().unwrap();
    assert!(page.contains("Mars/Olympus"), "shown as stored");
    w.cmd().args(["sla-check", "--dry-run"]).assert().success();

    // LVIV keeps the shops' calendar; back to the default.
    let lviv = w.int("SELECT id FROM branches WHERE code = 'LVIV'").to_string();
    let r = post("/calendars/assign", &admin, &[("branch", &lviv), ("calendar", "UA-SHOP")]);
    assert_eq!(r.status(), 303);
    assert_eq!(w.int("SELECT count(*) FROM branch_calendars"), 1);
    let r = post("/calendars/assign", &admin, &[("branch", &lviv), ("calendar", "")]);
    assert_eq!(r.status(), 303);
    assert_eq!(w.int("SELECT count(*) FROM branch_calendars"), 0);

    // A storekeeper sees no calendars, and their forged posts change nothing.
    let keeper = panel.sign_in(&w, STOREKEEPER);
    let r = panel.get("/calendars", Some(&keeper));
    assert_eq!(r.status(), 403);
    let keeper_csrf = csrf_of(&panel.get("/requests", Some(&keeper)).text().unwrap());
    let r = panel.post(
        "/calendars/assign",
        Some(&keeper),
        &[("csrf", keeper_csrf.as_str()), ("branch", lviv.as_str()), ("calendar", "UA-SHOP")],
    );
    assert_eq!(r.status(), 403);
    let r = panel.post(
        "/calendars/NIGHT/days/remove",
        Some(&keeper),
        &[("csrf", keeper_csrf.as_str()), ("kind", "yearly"), ("date", "01-07")],
    );
    assert_eq!(r.status(), 403);
    assert_eq!((w.int("SELECT count(*) FROM branch_calendars"), w.int(days)), (0, 4));
}
