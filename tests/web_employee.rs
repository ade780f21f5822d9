//! What an employee does in the web panel of the real `helpdesk serve`:
//! files a request and orders cartridges with the rules the bot keeps (phone
//! numbers, quantities, the branch), once however often a form is posted,
//! and staff hear about it as they do from the bot.

mod support;

use helpdesk::domain::{BranchKey, Kind};
use helpdesk::services::{Actor, catalog, directory, requests};
use std::time::Duration;
use support::fake_telegram::FakeTelegram;
use support::web::{Panel, csrf_of};
use support::{STOREKEEPER, SUPPORT, Workdir};

const EMPLOYEE: i64 = 555_000_901;
const NEWCOMER: i64 = 555_000_902;

/// The hidden `name` field's value in a page.
fn hidden(page: &str, name: &str) -> String {
    let at = page.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no {name}: {page}"));
    let rest = &page[at + format!("name=\"{name}\" value=\"").len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

fn setup() -> Workdir {
    let w = Workdir::seeded();
    let (app, _) = w.app();
    let op = Actor::Operator("t".into());
    directory::add_user(
        &app,
        &op,
        &directory::NewPerson {
            telegram_id: EMPLOYEE,
            full_name: "Олег Бухгалтер".into(),
            branch: Some(BranchKey::parse("ODESA").unwrap()),
            phone: Some("0671234567".into()),
            ..Default::default()
        },
    )
    .unwrap();
    directory::add_user(
        &app,
        &op,
        &directory::NewPerson { telegram_id: NEWCOMER, full_name: "Новичок".into(), ..Default::default() },
    )
    .unwrap();
    w
}

#[test]
fn an_employee_files_a_request_once_and_support_hears_of_it() {
    let w = setup();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let me = panel.sign_in(&w, EMPLOYEE);
    let page = panel.get("/requests/new", Some(&me)).text().unwrap();
    assert!(
        page.contains("value=\"Олег Бухгалтер\"") && page.contains("value=\"+380671234567\""),
        "name and phone filled in: {page}"
    );
    let (csrf, key) = (csrf_of(&page), hidden(&page, "key"));
    let form = [
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
        ("kind", "repair"),
        ("name", "Олег Бухгалтер"),
        ("phone", "067 765 43 21"),
        ("description", "Не включается монитор в бухгалтерии"),
        ("priority", "high"),
    ];
    let r = panel.post("/requests/new", Some(&me), &form);
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("?done=filed"), "{location}");
    let card = panel.get(&location, Some(&me)).text().unwrap();
    assert!(card.contains("Не включается монитор в бухгалтерии") && card.contains("+380677654321"), "{card}");
    assert!(card.contains("Заявка подана"));
    // Posted again (a double click, the back button): the same request.
    let again = panel.post("/requests/new", Some(&me), &form);
    assert_eq!(again.headers()["location"].to_str().unwrap(), location);
    let (app, _) = w.app();
    let mine = requests::list(&app, &helpdesk::store::RequestQuery { author_id: Some(EMPLOYEE), ..Default::default() })
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].priority, helpdesk::domain::Priority::High);
    assert!(
        fake.wait_for_text(SUPPORT, "Не включается монитор в бухгалтерии", Duration::from_secs(20)),
        "support is told"
    );
    let log = w.rows("SELECT actor FROM logs WHERE action = 'request.create'");
    assert_eq!(log[0][0].text().unwrap(), format!("web:{EMPLOYEE}"));

    // A phone that will not do: the form again, filled in as it was, saying why in Russian.
    let page = panel.get("/requests/new", Some(&me)).text().unwrap();
    let key = hidden(&page, "key");
    let bad = [
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
        ("kind", "it_help"),
        ("name", "Олег"),
        ("phone", "12-34"),
        ("description", "Принтер"),
        ("priority", "low"),
    ];
    let r = panel.post("/requests/new", Some(&me), &bad);
    assert_eq!(r.status(), 422);
    let page = r.text().unwrap();
    assert!(
        page.contains("class=\"flash bad\"")
            && page.contains("12-34")
            && page.contains("value=\"it_help\" required checked"),
        "{page}"
    );
    // Without the session's CSRF value: refused.
    assert_eq!(
        panel
            .post(
                "/requests/new",
                Some(&me),
                &[("csrf", "x"), ("key", "k"), ("kind", "repair"), ("name", "a"), ("phone", "b"), ("description", "c")]
            )
            .status(),
        400
    );
}

#[test]
fn an_employee_orders_cartridges_with_the_stock_shown() {
    let w = setup();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let me = panel.sign_in(&w, EMPLOYEE);
    let (app, _) = w.app();
    let types = catalog::cartridge_types(&app).unwrap();
    let cf283a = types.iter().find(|c| c.vendor_article == "CF283A").unwrap().id.0;
    let ce285a = types.iter().find(|c| c.vendor_article == "CE285A").unwrap().id.0;
    let page = panel.get("/order", Some(&me)).text().unwrap();
    assert!(page.contains("CF283A") && page.contains(&format!("name=\"qty_{cf283a}\"")), "{page}");
    // One compact line per type, with what is at their branch's warehouse (Odesa: 3 of CE285A).
    let row = page.split("<li class=\"order-line").find(|r| r.contains("CE285A")).unwrap();
    assert!(row.contains("<strong>3</strong>") && row.contains("data-step=\"1\""), "{row}");
    let (csrf, key) = (csrf_of(&page), hidden(&page, "key"));
    let (q1, q2) = (format!("qty_{cf283a}"), format!("qty_{ce285a}"));
    // Nothing asked for, or too many: said so.
    let r = panel.post("/order", Some(&me), &[("csrf", &csrf), ("key", &key), (&q1, "0"), ("phone", "0671234567")]);
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("хотя бы одного"));
    let r = panel.post("/order", Some(&me), &[("csrf", &csrf), ("key", &key), (&q1, "500"), ("phone", "0671234567")]);
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("50"), "the most there may be");
    let r = panel.post(
        "/order",
        Some(&me),
        &[("csrf", &csrf), ("key", &key), (&q1, "3"), (&q2, "2"), ("comment", "каб. 12"), ("phone", "0671234567")],
    );
    assert_eq!(r.status(), 303);
    let mine = requests::list(&app, &helpdesk::store::RequestQuery { author_id: Some(EMPLOYEE), ..Default::default() })
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].kind, Kind::Cartridge);
    assert!(mine[0].description.contains("× 3") && mine[0].description.contains("× 2"), "{}", mine[0].description);
    let card = requests::card(&app, &Actor::Operator("t".into()), mine[0].id).unwrap();
    assert_eq!(card.items.len(), 2);
    assert_eq!(card.items[0].comment.as_deref(), Some("каб. 12"));
    assert!(fake.wait_for_text(STOREKEEPER, "CF283A", Duration::from_secs(20)), "{:?}", fake.texts_to(STOREKEEPER));
}

#[test]
fn an_employee_orders_for_a_printer_from_the_requests_page_in_two_taps() {
    let w = setup();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let me = panel.sign_in(&w, EMPLOYEE);
    let (app, _) = w.app();
    let printer = |n: &str| w.store().write().unwrap().printer_by_inventory_number(n).unwrap().unwrap();
    let (kyocera, hp) = (printer("INV-0008"), printer("INV-0009"));
    // Their requests page offers their branch's printers (Odesa), and no other's.
    let mine = panel.get("/requests", Some(&me)).text().unwrap();
    let link = format!("href=\"/order?printer={}\"", kyocera.id);
    assert!(mine.contains(&link) && mine.contains("INV-0008 · Kyocera ECOSYS M2040dn"), "{mine}");
    assert!(!mine.contains("INV-0006"), "{mine}");
    // The printer takes one type: it comes first, one of it already in the order.
    let page = panel.get(&format!("/order?printer={}", kyocera.id), Some(&me)).text().unwrap();
    let lines: Vec<&str> = page.split("<li class=\"order-line").skip(1).collect();
    assert!(lines[0].starts_with(" fits") && lines[0].contains("TK-1170"), "{}", lines[0]);
    assert!(lines[0].contains("value=\"1\""), "preselected: {}", lines[0]);
    assert!(lines[1..].iter().all(|l| !l.starts_with(" fits") && l.contains("value=\"0\"")));
    let tk = lines[0].split("name=\"qty_").nth(1).unwrap().split('"').next().unwrap().to_string();
    let ce = lines.iter().find(|l| l.contains("CE285A")).unwrap().split("name=\"qty_").nth(1).unwrap();
    let ce = ce.split('"').next().unwrap().to_string();
    let (csrf, key, id) = (csrf_of(&page), hidden(&page, "key"), hidden(&page, "printer"));
    assert_eq!(id, kyocera.id.to_string());
    // Placed as it came, plus a type the printer does not take: only its own line is marked for it.
    let form = |key: &str, printer: &str| {
        vec![
            ("csrf".to_string(), csrf.clone()),
            ("key".into(), key.into()),
            ("printer".into(), printer.into()),
            (format!("qty_{tk}"), "1".into()),
            (format!("qty_{ce}"), "2".into()),
            ("phone".into(), "0671234567".into()),
        ]
    };
    let posted = |f: Vec<(String, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        panel.post("/order", Some(&me), &pairs)
    };
    let r = posted(form(&key, &id));
    assert_eq!(r.status(), 303);
    let filed =
        requests::list(&app, &helpdesk::store::RequestQuery { author_id: Some(EMPLOYEE), ..Default::default() })
            .unwrap();
    let card = requests::card(&app, &Actor::Operator("t".into()), filed[0].id).unwrap();
    let lines: Vec<(&str, Option<&str>)> = card
        .items
        .iter()
        .map(|i| (i.vendor_article.as_str(), i.printer.as_ref().map(|p| p.inventory_number.as_str())))
        .collect();
    assert_eq!(lines, [("TK-1170", Some("INV-0008")), ("CE285A", None)]);
    // The card shows it.
    let shown = panel.get(&format!("/requests/{}", filed[0].id), Some(&me)).text().unwrap();
    assert!(shown.contains(&format!("<a href=\"/printers/{}\">INV-0008 · Kyocera", kyocera.id)), "{shown}");

    // Another branch's printer, or one retired since the form was shown: said so, nothing filed.
    let lviv = printer("INV-0006");
    let r = panel.get(&format!("/order?printer={}", lviv.id), Some(&me));
    assert!(r.text().unwrap().contains("стоит в филиале «Львов»"));
    w.cmd().args(["printers", "retire", "INV-0009"]).assert().success();
    let r = posted(form("another-key", &hp.id.to_string()));
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("INV-0009 списан"));
    let after =
        requests::list(&app, &helpdesk::store::RequestQuery { author_id: Some(EMPLOYEE), ..Default::default() })
            .unwrap();
    assert_eq!(after.len(), 1);
}

#[test]
fn someone_without_a_branch_chooses_one_first() {
    let w = setup();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let me = panel.sign_in(&w, NEWCOMER);
    let page = panel.get("/requests/new", Some(&me)).text().unwrap();
    assert!(page.contains("action=\"/profile/branch\"") && !page.contains("name=\"description\""), "{page}");
    assert!(page.contains("name=\"next\" value=\"/requests/new\""), "back to the form after: {page}");
    let order = panel.get("/order", Some(&me)).text().unwrap();
    assert!(order.contains("name=\"next\" value=\"/order\""), "{order}");
    let lviv = page
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains("Львов"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = panel.post(
        "/profile/branch",
        Some(&me),
        &[("csrf", &csrf_of(&page)), ("branch", &lviv), ("next", "/requests/new")],
    );
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/requests/new");
    let page = panel.get("/requests/new", Some(&me)).text().unwrap();
    assert!(page.contains("name=\"description\""));
}

#[test]
fn a_photo_chosen_in_the_form_is_attached_through_telegram() {
    use reqwest::blocking::multipart::{Form, Part};
    let w = setup();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let me = panel.sign_in(&w, EMPLOYEE);
    let page = panel.get("/requests/new", Some(&me)).text().unwrap();
    assert!(page.contains("enctype=\"multipart/form-data\"") && page.contains("name=\"attachment\""));
    let (csrf, key) = (csrf_of(&page), hidden(&page, "key"));
    let photo = std::fs::read(support::fixtures().join("web/photo.png")).unwrap();
    let post = |key: &str, file: Option<(Vec<u8>, &str, &str)>| {
        let mut form = Form::new()
            .text("csrf", csrf.clone())
            .text("key", key.to_string())
            .text("kind", "repair")
            .text("name", "Олег Бухгалтер")
            .text("phone", "0671234567")
            .text("description", "Принтер мнёт бумагу, фото приложено")
            .text("priority", "medium");
        if let Some((bytes, name, mime)) = file {
            form = form.part("attachment", Part::bytes(bytes).file_name(name.to_string()).mime_str(mime).unwrap());
        }
        panel
            .client
            .post(panel.url("/requests/new"))
            .header("Cookie", &me)
            .header("Origin", &panel.base)
            .multipart(form)
            .send()
            .unwrap()
    };
    let count = || w.ints("SELECT count(*) FROM requests WHERE author_id = 555000901")[0];

    // A form that will not be taken (the description missing) sends nothing to Telegram.
    let bad = Form::new()
        .text("csrf", csrf.clone())
        .text("key", key.clone())
        .text("kind", "repair")
        .text("name", "Олег Бухгалтер")
        .text("phone", "0671234567")
        .text("description", "")
        .part("attachment", Part::bytes(photo.clone()).file_name("jam.png").mime_str("image/png").unwrap());
    let r = panel
        .client
        .post(panel.url("/requests/new"))
        .header("Cookie", &me)
        .header("Origin", &panel.base)
        .multipart(bad)
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(fake.sent_to(EMPLOYEE).into_iter().filter(|c| c.method == "sendPhoto").count(), 0);
    // Telegram refuses it (the person blocked the bot): said, nothing filed.
    fake.block_chat(EMPLOYEE);
    let r = post(&key, Some((photo.clone(), "jam.png", "image/png")));
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("Telegram"), "says why");
    assert_eq!(count(), 0);
    fake.unblock_chat(EMPLOYEE);
    // Larger than Telegram takes: said, nothing sent, nothing filed.
    let r = post(&key, Some((vec![0u8; 10 * 1024 * 1024 + 1], "big.jpg", "image/jpeg")));
    assert_eq!(r.status(), 422);
    assert_eq!(count(), 0);

    // A photo: sent once to the author's own chat, its file id attached.
    let r = post(&key, Some((photo.clone(), "jam.png", "image/png")));
    assert_eq!(r.status(), 303, "{}", r.text().unwrap_or_default());
    let sent: Vec<_> = fake.sent_to(EMPLOYEE).into_iter().filter(|c| c.method == "sendPhoto").collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let id: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/requests/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (app, _) = w.app();
    let card = requests::card(&app, &Actor::Operator("t".into()), id).unwrap();
    assert_eq!(card.attachments.len(), 1);
    assert_eq!(card.attachments[0].kind, helpdesk::store::AttachmentKind::Photo);
    assert!(card.attachments[0].file_id.starts_with("AgAC"), "{:?}", card.attachments[0]);
    // The card shows it as it shows the bot's photos.
    let page = panel.get(&format!("/requests/{id}"), Some(&me)).text().unwrap();
    assert!(page.contains(&format!("/requests/{id}/files/")), "{page}");
    // A document goes as a document.
    let page = panel.get("/requests/new", Some(&me)).text().unwrap();
    let r = post(&hidden(&page, "key"), Some((b"%PDF-1.4 ...".to_vec(), "act.pdf", "application/pdf")));
    assert_eq!(r.status(), 303);
    assert_eq!(fake.sent_to(EMPLOYEE).into_iter().filter(|c| c.method == "sendDocument").count(), 1);
    assert_eq!(count(), 2);
}

#[test]
fn the_server_room_call_goes_to_staff_on_duty_with_the_bots_cooldown() {
    let w = setup();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let me = panel.sign_in(&w, EMPLOYEE);
    let page = panel.get("/call", Some(&me)).text().unwrap();
    assert!(page.contains("action=\"/call\""), "{page}");
    let (csrf, key) = (csrf_of(&page), hidden(&page, "key"));
    let r = panel.post("/call", Some(&me), &[("csrf", &csrf), ("key", &key)]);
    assert_eq!(r.status(), 200);
    assert!(r.text().unwrap().contains("class=\"flash ok\""));
    assert!(fake.wait_for_text(SUPPORT, "Олег Бухгалтер", Duration::from_secs(20)), "staff on duty are told");
    // The same form posted again is the same call.
    let r = panel.post("/call", Some(&me), &[("csrf", &csrf), ("key", &key)]);
    assert_eq!(r.status(), 200);
    assert_eq!(w.ints("SELECT count(*) FROM server_calls"), [1]);
    // Another press right away: the bot's cooldown, said, nobody called again.
    let page = panel.get("/call", Some(&me)).text().unwrap();
    let r = panel.post("/call", Some(&me), &[("csrf", &csrf), ("key", &hidden(&page, "key"))]);
    assert_eq!(r.status(), 429);
    assert_eq!(w.ints("SELECT count(*) FROM server_calls"), [1]);
}
