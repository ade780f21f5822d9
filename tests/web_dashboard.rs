//! The dashboard of the real `helpdesk serve`: each staff member's figures
//! cover the kinds their role handles, they follow every change at once,
//! and employees have none.

mod support;

use chrono::{Duration, Utc};
use helpdesk::domain::{BranchKey, Kind, Priority, Waiting};
use helpdesk::services::{Actor, App, directory, requests};
use support::fake_telegram::FakeTelegram;
use support::web::{Panel, tile};
use support::{ADMIN, STOREKEEPER, SUPPORT, Workdir};

const AUTHOR: i64 = 555_000_801;

fn file(app: &App, kind: Kind) -> i64 {
    support::file_request(app, AUTHOR, kind, None, Priority::Medium, "Что-то сломалось")
}

#[test]
fn each_dashboard_counts_its_roles_work_and_follows_changes() {
    let w = Workdir::seeded();
    let (app, clock) = w.app();
    directory::add_user(
        &app,
        &Actor::Operator("t".into()),
        &directory::NewPerson {
            telegram_id: AUTHOR,
            full_name: "Автор Заявок".into(),
            branch: Some(BranchKey::parse("LVIV").unwrap()),
            ..Default::default()
        },
    )
    .unwrap();
    // Three repairs and two cartridge orders filed 62 minutes ago (over the hour to
    // accept them); one repair accepted after 30 minutes and done a minute ago.
    clock.set(Utc::now() - Duration::minutes(62));
    let repairs: Vec<i64> = (0..3).map(|_| file(&app, Kind::Repair)).collect();
    let _orders: Vec<i64> = (0..2).map(|_| file(&app, Kind::Cartridge)).collect();
    clock.advance(Duration::minutes(30));
    requests::accept(&app, &Actor::Telegram(SUPPORT), repairs[0]).unwrap();
    clock.advance(Duration::minutes(31));
    requests::complete(&app, &Actor::Telegram(SUPPORT), repairs[0]).unwrap();

    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let support = panel.sign_in(&w, SUPPORT);
    let page = panel.get("/dashboard", Some(&support)).text().unwrap();
    assert_eq!(tile(&page, "Новые, ждут"), 2, "support's two open repairs, not the orders");
    assert_eq!(tile(&page, "Просрочены сейчас (SLA)"), 2, "not accepted within the hour");
    assert_eq!(tile(&page, "Закрыты сегодня"), 1);
    assert!(page.contains("<div class=\"n\">30 мин</div>"), "median time to accept: {page}");
    assert!(page.contains("<div class=\"n\">1 ч 1 мин</div>"), "median time to close");
    assert!(page.contains("Львов") && page.matches("<svg").count() == 2, "open by branch and two charts");
    assert!(!page.contains("Запас ниже минимума"), "no stock for support");

    let keeper = panel.sign_in(&w, STOREKEEPER);
    let page = panel.get("/dashboard", Some(&keeper)).text().unwrap();
    assert_eq!(tile(&page, "Новые, ждут"), 2, "the two orders");
    assert!(page.contains("Запас ниже минимума"), "a storekeeper sees stock");
    let admin = panel.sign_in(&w, ADMIN);
    let page = panel.get("/dashboard", Some(&admin)).text().unwrap();
    assert_eq!(tile(&page, "Нові, чекають"), 4, "everything, in the admin's Ukrainian");

    // A change shows at the next view.
    clock.set(Utc::now());
    file(&app, Kind::Repair);
    let page = panel.get("/dashboard", Some(&support)).text().unwrap();
    assert_eq!(tile(&page, "Новые, ждут"), 3);
    let fragment = panel
        .client
        .get(panel.url("/dashboard"))
        .header("Cookie", &support)
        .header("X-Fragment", "1")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(fragment.contains("class=\"grid\"") && !fragment.contains("<html"));

    // Waiting: a count of its own, and the requests page filtered to it.
    assert_eq!(tile(&page, "Ждут сейчас (срок остановлен)"), 0);
    for (id, waiting) in [(repairs[1], Waiting::Parts), (repairs[2], Waiting::Author)] {
        requests::accept(&app, &Actor::Telegram(SUPPORT), id).unwrap();
        requests::wait(&app, &Actor::Telegram(SUPPORT), id, waiting, "блок питания").unwrap();
    }
    let page = panel.get("/dashboard", Some(&support)).text().unwrap();
    assert_eq!(tile(&page, "Ждут сейчас (срок остановлен)"), 2);
    assert!(page.contains("href=\"/requests?waiting=author&amp;waiting=parts\""), "{page}");
    let listed = |query: &str| {
        let page = panel.get(&format!("/requests?{query}"), Some(&support)).text().unwrap();
        repairs.iter().filter(|id| page.contains(&format!("HD-{id:06}"))).count()
    };
    assert_eq!(listed("waiting=author&waiting=parts"), 2);
    assert_eq!(listed("waiting=parts"), 1);
    assert_eq!(listed("status=accepted"), 2, "waiting requests stay accepted");

    // Employees have no dashboard; staff start there.
    let author = panel.sign_in(&w, AUTHOR);
    assert_eq!(panel.get("/dashboard", Some(&author)).status(), 403);
    assert_eq!(panel.get("/", Some(&author)).headers()["location"], "/requests");
    assert_eq!(panel.get("/", Some(&support)).headers()["location"], "/dashboard");
}
