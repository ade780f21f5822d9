//! Recurring requests in the web panel of the real `helpdesk serve`: an
//! administrator adds a schedule, sees when it is next due and what it filed
//! (late or not), pauses and resumes it; a mistake is said in their language
//! with the form kept; a storekeeper sees no page and their forged post
//! changes nothing.

mod support;

use helpdesk::services::recurring;
use support::fake_telegram::FakeTelegram;
use support::web::{Panel, csrf_of};
use support::{ADMIN, STOREKEEPER, SUPPORT, Workdir};

#[test]
fn an_admin_keeps_recurring_requests_in_the_panel_and_others_cannot() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let admin = panel.sign_in(&w, ADMIN);
    let page = panel.get("/recurring", Some(&admin)).text().unwrap();
    assert!(page.contains("Регулярних заявок поки немає") && page.contains("href=\"/recurring\""), "{page}");
    let csrf = csrf_of(&page);
    let post = |path: &str, cookie: &str, form: &[(&str, &str)]| {
        let mut pairs = vec![("csrf", csrf.as_str())];
        pairs.extend_from_slice(form);
        panel.post(path, Some(cookie), &pairs)
    };
    let hq = w.int("SELECT id FROM branches WHERE code = 'HQ'").to_string();
    let support = SUPPORT.to_string();
    let mut form = vec![
        ("kind", "maintenance"),
        ("branch", hq.as_str()),
        ("every", "cron 0 9 30 2 *"),
        ("at", "09:00"),
        ("starting", ""),
        ("priority", "high"),
        ("assignee", support.as_str()),
        ("description", "Перевірка «серверної»"),
    ];
    // A rule that never fires: said in the admin's Ukrainian, the form kept, nothing stored.
    let r = post("/recurring", &admin, &form);
    assert_eq!(r.status(), 422);
    let page = r.text().unwrap();
    assert!(
        page.contains("не спрацює жодного разу за п&#39;ять років") || page.contains("не спрацює жодного разу"),
        "{page}"
    );
    assert!(page.contains("value=\"cron 0 9 30 2 *\"") && page.contains("Перевірка «серверної»"), "kept: {page}");
    assert_eq!(w.int("SELECT count(*) FROM recurring"), 0);

    form[2] = ("every", "monthly on 1");
    let r = post("/recurring", &admin, &form);
    assert_eq!(r.status(), 303);
    let page = panel.get("/recurring?done=added", Some(&admin)).text().unwrap();
    assert!(
        page.contains("Розклад додано.") && page.contains("every 1 months on 1") && page.contains("Андрей Мельник"),
        "{page}"
    );
    let id = w.int("SELECT id FROM recurring");
    assert_eq!(
        w.int(&format!("SELECT author_id FROM recurring WHERE id = {id}")),
        ADMIN,
        "filed on the admin's behalf"
    );

    // A month missed while nothing ran: filed once, late, and the page says so with a link.
    let (app, clock) = w.app();
    clock.set(chrono::Utc::now() + chrono::Duration::days(62));
    let filed = recurring::run(&app).unwrap();
    assert_eq!(filed.len(), 1);
    let page = panel.get("/recurring", Some(&admin)).text().unwrap();
    assert!(page.contains(&format!("href=\"/requests/{}\"", filed[0].request_id)), "{page}");
    assert!(page.contains("із запізненням"), "marked late: {page}");

    // Paused, resumed.
    assert_eq!(post(&format!("/recurring/{id}/pause"), &admin, &[]).status(), 303);
    assert_eq!(w.int(&format!("SELECT count(*) FROM recurring WHERE id = {id} AND paused")), 1);
    let page = panel.get("/recurring?done=paused", Some(&admin)).text().unwrap();
    assert!(page.contains("на паузі") && page.contains(&format!("/recurring/{id}/resume")), "{page}");
    assert_eq!(post(&format!("/recurring/{id}/resume"), &admin, &[]).status(), 303);
    assert_eq!(w.int(&format!("SELECT count(*) FROM recurring WHERE id = {id} AND NOT paused")), 1);

    // A storekeeper: no page, and a forged post (with their own session's token) changes nothing.
    let keeper = panel.sign_in(&w, STOREKEEPER);
    assert_eq!(panel.get("/recurring", Some(&keeper)).status(), 403);
    let theirs = csrf_of(&panel.get("/requests/new", Some(&keeper)).text().unwrap());
    let r = panel.post(&format!("/recurring/{id}/pause"), Some(&keeper), &[("csrf", theirs.as_str())]);
    assert_eq!(r.status(), 403);
    let mut forged = vec![("csrf", theirs.as_str())];
    forged.extend_from_slice(&form);
    assert_eq!(panel.post("/recurring", Some(&keeper), &forged).status(), 403);
    assert_eq!(w.int("SELECT count(*) FROM recurring"), 1);
    assert_eq!(w.int(&format!("SELECT count(*) FROM recurring WHERE id = {id} AND NOT paused")), 1);
}
