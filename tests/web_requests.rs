//! The requests page of the real `helpdesk serve`: who sees what, the
//! filters and search in the URL, keyset pages, the SLA marker, the
//! fragment a page fetches to refresh itself, and the event stream that
//! tells it when to.

mod support;

use helpdesk::domain::{BranchKey, Kind, Priority};
use helpdesk::services::{Actor, App, directory, requests};
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};
use support::fake_telegram::FakeTelegram;
use support::web::Panel;
use support::{ADMIN, STOREKEEPER, SUPPORT, Workdir};

const EMPLOYEE: i64 = 555_000_501;
const OTHER: i64 = 555_000_502;

fn file(app: &App, author: i64, kind: Kind, priority: Priority, description: &str) -> i64 {
    support::file_request(app, author, kind, None, priority, description)
}

/// The request numbers a page lists, in order.
fn numbers(page: &str) -> Vec<String> {
    page.split("href=\"/requests/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        // Other links under /requests/ (the form for a new one) are not rows.
        .filter_map(|id| id.parse::<i64>().ok())
        .map(|id| format!("HD-{id:06}"))
        .collect()
}

fn setup() -> (Workdir, App, Vec<i64>) {
    let w = Workdir::seeded();
    let (app, clock) = w.app();
    let op = Actor::Operator("t".into());
    for (id, name, branch) in [(EMPLOYEE, "Олег Сотрудник", "ODESA"), (OTHER, "Инна Другая", "LVIV")]
    {
        directory::add_user(
            &app,
            &op,
            &directory::NewPerson {
                telegram_id: id,
                full_name: name.into(),
                branch: Some(BranchKey::parse(branch).unwrap()),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let mut ids = Vec::new();
    let kinds = [Kind::Repair, Kind::Cartridge, Kind::ItHelp, Kind::Maintenance];
    let priorities = [Priority::Low, Priority::Medium, Priority::High];
    for i in 0..24usize {
        clock.advance(chrono::Duration::minutes(7));
        let author = if i % 3 == 0 { OTHER } else { EMPLOYEE };
        let text = if i == 5 {
            "Не печатает СЧЁТЧИК в бухгалтерии".to_string()
        } else {
            format!("Заявка номер {i}")
        };
        ids.push(file(&app, author, kinds[i % 4], priorities[i % 3], &text));
    }
    (w, app, ids)
}

#[test]
fn each_role_sees_what_its_queue_holds_and_employees_their_own() {
    let (w, _app, ids) = setup();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let all: Vec<String> = ids.iter().rev().map(|id| format!("HD-{id:06}")).collect();
    let kinds_of = |page: &str| numbers(page);
    let admin = panel.sign_in(&w, ADMIN);
    assert_eq!(kinds_of(&panel.get("/requests", Some(&admin)).text().unwrap()), all, "an admin sees everything");
    let support = panel.sign_in(&w, SUPPORT);
    let seen = kinds_of(&panel.get("/requests", Some(&support)).text().unwrap());
    assert_eq!(seen.len(), 18, "support: repairs, maintenance and IT help, not cartridges");
    let store = panel.sign_in(&w, STOREKEEPER);
    let seen = kinds_of(&panel.get("/requests", Some(&store)).text().unwrap());
    assert_eq!(seen.len(), 6, "storekeepers: cartridge orders");
    // Asking for a kind outside one's queue shows nothing of it.
    let r = panel.get("/requests?kind=cartridge", Some(&support));
    assert_eq!(r.status(), 200);
    let page = r.text().unwrap();
    assert!(kinds_of(&page).is_empty(), "{page}");
    assert!(page.contains("<p class=\"empty\">"), "the list, empty: {page}");
    // An employee sees their own requests only, whatever the URL says.
    let me = panel.sign_in(&w, EMPLOYEE);
    let page = panel.get(&format!("/requests?author={OTHER}"), Some(&me)).text().unwrap();
    assert_eq!(numbers(&page).len(), 16);
    assert!(page.contains("Мои заявки"), "their menu says so");
    assert!(!page.contains("name=\"author\""), "no author filter for their own list");
    let other = panel.sign_in(&w, OTHER);
    assert_eq!(numbers(&panel.get("/requests", Some(&other)).text().unwrap()).len(), 8);
    // Not signed in: sent to sign in, and back here afterwards.
    let r = panel.get("/requests?status=new", None);
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=%2Frequests%3Fstatus%3Dnew");
}

#[test]
fn filters_and_search_live_in_the_url_and_pages_go_by_key() {
    let (w, app, ids) = setup();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let admin = panel.sign_in(&w, ADMIN);
    let get = |q: &str| {
        let r = panel.get(&format!("/requests?{q}"), Some(&admin));
        assert_eq!(r.status(), 200, "{q}");
        r.text().unwrap()
    };

    // Search: text folded for case and ё, or a number.
    let found = get("q=счетчик");
    assert_eq!(numbers(&found), [format!("HD-{:06}", ids[5])], "{found}");
    assert_eq!(numbers(&get(&format!("q=HD-{:06}", ids[3])))[0], format!("HD-{:06}", ids[3]));
    // Filters combine, and the form shows them back.
    let page = get("kind=repair&priority=high");
    let want: Vec<String> = ids
        .iter()
        .enumerate()
        .rev()
        .filter(|(i, _)| i % 4 == 0 && i % 3 == 2)
        .map(|(_, id)| format!("HD-{id:06}"))
        .collect();
    assert_eq!(numbers(&page), want);
    assert!(page.contains("value=\"repair\" checked") && page.contains("value=\"high\" selected"), "{page}");
    // Accepting one: the status filter sees it move.
    requests::accept(&app, &Actor::Telegram(ADMIN), ids[0]).unwrap();
    assert_eq!(numbers(&get("status=accepted")), [format!("HD-{:06}", ids[0])]);
    assert_eq!(numbers(&get("status=new")).len(), 23);
    // The period is in days of the configured time zone.
    assert_eq!(numbers(&get("from=2026-03-02&until=2026-03-02")).len(), 24);
    let none = get("from=2026-03-03");
    assert!(numbers(&none).is_empty(), "{none}");
    assert!(
        none.contains("<p class=\"empty\">") && none.contains("name=\"from\" type=\"date\" value=\"2026-03-03\""),
        "{none}"
    );

    // Oldest first, then page by key: 24 requests, 50 a page, so one page; the queue order too.
    let oldest = numbers(&get("order=oldest"));
    assert_eq!(oldest.first().unwrap(), &format!("HD-{:06}", ids[0]));
    let queue = numbers(&get("order=queue&status=new"));
    assert_eq!(queue.len(), 23);
    let queue = get("order=queue");
    assert_eq!(numbers(&queue).len(), 24, "{queue}");
    assert!(!queue.contains("rel=\"next\""));
}

#[test]
fn a_long_list_pages_forward_and_back_by_key_and_overdue_requests_are_marked() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "180", "--months", "1"]).assert().success();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let admin = panel.sign_in(&w, ADMIN);
    let first = panel.get("/requests", Some(&admin)).text().unwrap();
    let mut seen = numbers(&first);
    assert_eq!(seen.len(), 50);
    let link = |page: &str, rel: &str| -> Option<String> {
        let at = page.find(&format!("rel=\"{rel}\""))?;
        let start = page[..at].rfind("href=\"")? + 6;
        Some(page[start..].split('"').next()?.replace("&amp;", "&"))
    };
    assert!(link(&first, "prev").is_none());
    let mut page = first.clone();
    let mut pages = vec![first];
    while let Some(next) = link(&page, "next") {
        assert!(next.contains("after="), "{next}");
        page = panel.get(&next, Some(&admin)).text().unwrap();
        seen.extend(numbers(&page));
        pages.push(page.clone());
    }
    assert_eq!(pages.len(), 4, "180 requests, 50 a page");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 180, "every request once");
    // In the order the CLI lists them, newest first (the demo files them out of number order).
    let out = w.cmd().args(["requests", "list", "--limit", "0", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let newest_first: Vec<String> = listed.iter().map(|r| r["number"].as_str().unwrap().to_string()).collect();
    assert_eq!(seen, newest_first, "pages by key keep the newest-first order");
    // Back from the last page: the third page again.
    let back = link(&page, "prev").unwrap();
    assert!(back.contains("before="), "{back}");
    assert_eq!(numbers(&panel.get(&back, Some(&admin)).text().unwrap()), numbers(&pages[2]));
    // The demo's open requests from last month are overdue: marked.
    assert!(pages.iter().any(|p| p.contains("class=\"overdue\"") && p.contains("badge sla")));
}

#[test]
fn the_list_refreshes_itself_when_anything_changes() {
    let (w, app, _) = setup();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let admin = panel.sign_in(&w, ADMIN);
    // The first page asks to be refreshed; the fragment is the table alone.
    let page = panel.get("/requests?status=new", Some(&admin)).text().unwrap();
    assert!(page.contains("data-fragment=\"/requests?status=new\""), "{page}");
    let fragment = panel
        .client
        .get(panel.url("/requests?status=new"))
        .header("Cookie", &admin)
        .header("X-Fragment", "1")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(fragment.contains("<table") && !fragment.contains("<html"), "{fragment}");

    // The event stream says when something changed, from any process.
    assert_eq!(panel.get("/events", None).status(), 303, "signed in only");
    let stream = panel
        .client
        .get(panel.url("/events"))
        .header("Cookie", &admin)
        .timeout(Duration::from_secs(30))
        .send()
        .unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let reader = std::thread::spawn(move || {
        let started = Instant::now();
        for line in BufReader::new(stream).lines() {
            let line = line.unwrap();
            if line == "event: changed" {
                return Some(started.elapsed());
            }
        }
        None
    });
    std::thread::sleep(Duration::from_millis(1500));
    let id = file(&app, EMPLOYEE, Kind::Repair, Priority::High, "Новая заявка, пока страница открыта");
    let took = reader.join().unwrap().expect("a changed event");
    // 1.5 s before the change, then at once on PostgreSQL (LISTEN/NOTIFY; without it the
    // mark is read every 15 s there) and within a second's poll on SQLite.
    assert!(took < Duration::from_secs(4), "{took:?}");
    let page = panel.get("/requests?status=new", Some(&admin)).text().unwrap();
    assert_eq!(numbers(&page)[0], format!("HD-{id:06}"));
}
