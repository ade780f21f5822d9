//! People in the web panel of the real `helpdesk serve`: administrators list
//! and add; only super administrators change roles and block, never
//! themselves nor a super admin from the configuration; a change takes
//! effect at the next click.

mod support;

use helpdesk::domain::{BranchKey, Kind, Priority, Role};
use helpdesk::services::{Actor, directory};
use support::fake_telegram::FakeTelegram;
use support::web::{Panel, csrf_of};
use support::{ADMIN, STOREKEEPER, SUPPORT, Workdir};

const SUPER: i64 = 555_000_990;

fn setup() -> (Workdir, FakeTelegram, Panel) {
    let w = Workdir::seeded();
    let (app, _) = w.app();
    directory::add_user(
        &app,
        &Actor::Operator("t".into()),
        &directory::NewPerson {
            telegram_id: SUPER,
            full_name: "Главный Админ".into(),
            branch: Some(BranchKey::parse("HQ").unwrap()),
            ..Default::default()
        },
    )
    .unwrap();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[("HELPDESK_SUPER_ADMINS", "555000990")]);
    (w, fake, panel)
}

#[test]
fn administrators_list_and_add_people_but_only_super_admins_change_staff() {
    let (w, _fake, panel) = setup();
    let admin = panel.sign_in(&w, ADMIN);
    let page = panel.get("/people", Some(&admin)).text().unwrap();
    assert!(page.contains("Андрей Мельник") && page.contains("100000002"), "{page}");
    assert!(
        !page.contains("/people/100000002/role") && !page.contains("/people/100000002/block"),
        "no staff forms for an admin"
    );
    let new_role = page.split("id=\"new_role\"").nth(1).unwrap().split("</select>").next().unwrap();
    assert!(
        new_role.contains("value=\"user\"") && !new_role.contains("value=\"admin\""),
        "an admin adds plain users only"
    );
    let csrf = csrf_of(&page);
    // Adding a plain user works; a staff role, forged, is refused.
    let r = panel.post(
        "/people",
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("telegram_id", "555000991"),
            ("name", "Новый Сотрудник"),
            ("role", "user"),
            ("phone", "067 111 22 33"),
        ],
    );
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/people?done=added");
    let r = panel.post(
        "/people",
        Some(&admin),
        &[("csrf", &csrf), ("telegram_id", "555000992"), ("name", "Хакер"), ("role", "admin")],
    );
    assert_eq!(r.status(), 403);
    let r = panel.post(
        "/people",
        Some(&admin),
        &[("csrf", &csrf), ("telegram_id", "-5"), ("name", "Ноль"), ("role", "user")],
    );
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("-5"), "why, with the number");
    let r = panel.post("/people/100000002/role", Some(&admin), &[("csrf", &csrf), ("role", "user")]);
    assert_eq!(r.status(), 403, "forged role change");
    let r = panel.post("/people/100000002/block", Some(&admin), &[("csrf", &csrf)]);
    assert_eq!(r.status(), 403, "forged block");
    // Support staff do not manage people at all.
    let support = panel.sign_in(&w, SUPPORT);
    assert_eq!(panel.get("/people", Some(&support)).status(), 403);
    let (app, _) = w.app();
    let added = directory::users(&app, &Default::default()).unwrap();
    assert!(added.iter().any(|p| p.user.telegram_id == 555000991 && p.user.phone.as_deref() == Some("+380671112233")));
    assert!(!added.iter().any(|p| p.user.telegram_id == 555000992));
}

#[test]
fn a_super_admin_changes_roles_and_blocks_with_the_bots_guards() {
    let (w, _fake, panel) = setup();
    let boss = panel.sign_in(&w, SUPER);
    let keeper = panel.sign_in(&w, STOREKEEPER);
    let page = panel.get("/people", Some(&boss)).text().unwrap();
    assert!(page.contains("/people/100000002/role") && page.contains("/people/100000005/block"), "{page}");
    assert!(!page.contains(&format!("/people/{SUPER}/role")), "not their own");
    let csrf = csrf_of(&page);
    // Their own role, and a configured super admin's, are refused even when forged.
    let r = panel.post(&format!("/people/{SUPER}/role"), Some(&boss), &[("csrf", &csrf), ("role", "user")]);
    assert_eq!(r.status(), 422);
    // The storekeeper becomes support: at their next request they see repairs, not orders.
    let (app, _) = w.app();
    const EMPLOYEE: i64 = 555_000_991;
    support::add_person(&app, EMPLOYEE, "Работник", "HQ");
    let order = support::file_request(&app, EMPLOYEE, Kind::Cartridge, None, Priority::Medium, "toner");
    let repair = support::file_request(&app, EMPLOYEE, Kind::Repair, None, Priority::Medium, "the printer jams");
    let row = |id: i64| format!("href=\"/requests/{id}\"");
    let before = panel.get("/requests", Some(&keeper)).text().unwrap();
    assert!(before.contains(&row(order)) && !before.contains(&row(repair)), "{before}");
    let r = panel.post("/people/100000005/role", Some(&boss), &[("csrf", &csrf), ("role", "support")]);
    assert_eq!(r.status(), 303);
    let p = directory::users(&app, &Default::default())
        .unwrap()
        .into_iter()
        .find(|p| p.user.telegram_id == STOREKEEPER)
        .unwrap();
    assert_eq!(p.role, Role::Support);
    let after = panel.get("/requests", Some(&keeper)).text().unwrap();
    assert!(after.contains(&row(repair)) && !after.contains(&row(order)), "support's kinds now: {after}");
    // Blocked: out at the next request.
    let r = panel.post("/people/100000005/block", Some(&boss), &[("csrf", &csrf)]);
    assert_eq!(r.status(), 303);
    assert_eq!(panel.get("/requests", Some(&keeper)).status(), 303, "signed out");
    let page = panel.get("/people?done=blocked", Some(&boss)).text().unwrap();
    assert!(page.contains("/people/100000005/unblock"));
    assert_eq!(panel.post("/people/100000005/unblock", Some(&boss), &[("csrf", &csrf)]).status(), 303);
    let log = w.rows("SELECT actor, action FROM logs WHERE entity = 'user' AND entity_id = '100000005' ORDER BY id");
    let log: Vec<String> = log.iter().map(|r| format!("{} {}", r[0].text().unwrap(), r[1].text().unwrap())).collect();
    assert!(
        log.ends_with(&[
            format!("web:{SUPER} user.set_role"),
            format!("web:{SUPER} user.block"),
            format!("web:{SUPER} user.unblock")
        ]),
        "{log:?}"
    );
}
