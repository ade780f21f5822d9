//! Printers in the web panel of the real `helpdesk serve`: staff see every
//! branch's printers with filters; administrators add, change and retire
//! them (one whose request is open cannot be retired); a storekeeper's or an
//! employee's forged post changes nothing.

mod support;

use helpdesk::domain::{Key, PrinterId};
use helpdesk::services::{Actor, printers};
use support::fake_telegram::FakeTelegram;
use support::web::{Panel, csrf_of};
use support::{ADMIN, STOREKEEPER, Workdir};

const EMPLOYEE: i64 = 555_000_311;

fn setup() -> (Workdir, FakeTelegram, Panel) {
    let w = Workdir::seeded();
    support::add_person(&w.app().0, EMPLOYEE, "Олена Коваль", "HQ");
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    (w, fake, panel)
}

/// The inventory numbers the page lists, in order.
fn listed(page: &str) -> Vec<String> {
    page.split("href=\"/printers/")
        .skip(1)
        .filter_map(|s| s.split_once("\">").map(|(_, rest)| rest.split('<').next().unwrap_or("").to_string()))
        .collect()
}

fn printer(w: &Workdir, number: &str) -> helpdesk::domain::model::Printer {
    printers::get(&w.app().0, &Actor::Operator("test".into()), &Key::Code(number.into())).unwrap()
}

#[test]
fn an_admin_adds_changes_and_retires_printers_and_staff_only_look() {
    let (w, _fake, panel) = setup();
    let admin = panel.sign_in(&w, ADMIN);
    let page = panel.get("/printers", Some(&admin)).text().unwrap();
    assert_eq!(listed(&page).len(), 16, "{page}");
    assert!(page.contains("action=\"/printers\""), "the add form for an administrator");
    let lviv = w.ints("SELECT id FROM branches WHERE code = 'LVIV'")[0];
    let page = panel.get(&format!("/printers?branch={lviv}"), Some(&admin)).text().unwrap();
    assert_eq!(listed(&page), ["INV-0006", "INV-0007"]);
    let page = panel.get("/printers?model=kyocera", Some(&admin)).text().unwrap();
    assert_eq!(listed(&page), ["INV-0013", "INV-0008"], "Днепр before Одесса, by branch code");
    let csrf = csrf_of(&page);

    // Added with two cartridge types (the form repeats `cartridge`).
    let (c1, c2) = (
        w.ints("SELECT id FROM cartridge_types WHERE vendor_article = 'CF259A'")[0],
        w.ints("SELECT id FROM cartridge_types WHERE vendor_article = 'CE285A'")[0],
    );
    let form = |number: &str| -> Vec<(String, String)> {
        vec![
            ("csrf".into(), csrf.clone()),
            ("inventory_number".into(), number.into()),
            ("model".into(), "HP LaserJet Pro M404dn".into()),
            ("branch".into(), lviv.to_string()),
            ("place".into(), "каб. 14, 2 этаж".into()),
            ("serial".into(), "".into()),
            ("cartridge".into(), c1.to_string()),
            ("cartridge".into(), c2.to_string()),
        ]
    };
    let post = |path: &str, cookie: &str, form: &[(String, String)]| {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        panel.post(path, Some(cookie), &pairs)
    };
    let r = post("/printers", &admin, &form("INV-0042"));
    assert_eq!(r.status(), 303);
    let added = printer(&w, "INV-0042");
    assert_eq!(added.cartridge_type_ids.len(), 2);
    assert_eq!(added.serial, None);
    // A number taken (whatever the case) is said on the page, and nothing is added.
    let r = post("/printers", &admin, &form("inv-0042"));
    assert_eq!(r.status(), 422);
    let body = r.text().unwrap();
    assert!(body.contains("INV-0042") && body.contains("class=\"flash bad\""), "{body}");
    assert!(body.contains("value=\"inv-0042\""), "what was typed stays in the form");
    assert_eq!(w.int("SELECT count(*) FROM printers"), 17);

    // Changed: one cartridge type now, another room.
    let id = added.id.0;
    let mut change = form("INV-0042");
    change.retain(|(k, v)| !(k == "cartridge" && *v == c2.to_string()));
    change.iter_mut().filter(|(k, _)| k == "place").for_each(|(_, v)| *v = "каб. 15".into());
    let r = post(&format!("/printers/{id}"), &admin, &change);
    assert_eq!(r.status(), 303);
    let changed = printer(&w, "INV-0042");
    assert_eq!((changed.place.as_str(), changed.cartridge_type_ids.len()), ("каб. 15", 1));

    // A storekeeper sees the list and a printer, without the forms; a forged post is refused.
    let keeper = panel.sign_in(&w, STOREKEEPER);
    let page = panel.get("/printers", Some(&keeper)).text().unwrap();
    assert_eq!(listed(&page).len(), 17);
    assert!(!page.contains("method=\"post\" action=\"/printers\""), "no add form for a storekeeper");
    let page = panel.get(&format!("/printers/{id}"), Some(&keeper)).text().unwrap();
    assert!(page.contains("каб. 15") && !page.contains("/retire"), "{page}");
    let keeper_csrf = csrf_of(&page);
    let forged: Vec<(String, String)> = form("INV-0043")
        .into_iter()
        .map(|(k, v)| if k == "csrf" { (k, keeper_csrf.clone()) } else { (k, v) })
        .collect();
    assert_eq!(post("/printers", &keeper, &forged).status(), 403);
    assert_eq!(panel.post(&format!("/printers/{id}/retire"), Some(&keeper), &[("csrf", &keeper_csrf)]).status(), 403);
    assert!(printer(&w, "INV-0042").retired_at.is_none());
    // An employee has no printers page.
    let employee = panel.sign_in(&w, EMPLOYEE);
    assert_eq!(panel.get("/printers", Some(&employee)).status(), 403);

    // Retired by the administrator: out of the list unless asked for.
    assert_eq!(panel.post(&format!("/printers/{id}/retire"), Some(&admin), &[("csrf", &csrf)]).status(), 303);
    assert!(printer(&w, "INV-0042").retired_at.is_some());
    assert_eq!(listed(&panel.get("/printers", Some(&admin)).text().unwrap()).len(), 16);
    assert_eq!(listed(&panel.get("/printers?retired=1", Some(&admin)).text().unwrap()).len(), 17);
    let page = panel.get(&format!("/printers/{id}"), Some(&admin)).text().unwrap();
    assert!(!page.contains(&format!("action=\"/printers/{id}\"")), "a retired printer is not edited");
    let log = w.rows("SELECT actor, action FROM logs WHERE entity = 'printer' ORDER BY id");
    let log: Vec<String> = log.iter().map(|r| format!("{} {}", r[0].text().unwrap(), r[1].text().unwrap())).collect();
    assert_eq!(
        log,
        [
            format!("web:{ADMIN} printer.add"),
            format!("web:{ADMIN} printer.update"),
            format!("web:{ADMIN} printer.retire")
        ]
    );
    let _ = PrinterId(id);
}
