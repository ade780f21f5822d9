//! A request's card in the web panel of the real `helpdesk serve`: its
//! fields and history, a photo fetched from Telegram through the server, and
//! every action a person may take, each telling the author through the bot
//! exactly as when it is taken there, and each refused to whoever may not.

mod support;

use helpdesk::domain::{BranchKey, Kind, Priority};
use helpdesk::services::{Actor, App, catalog, directory, requests};
use helpdesk::store::AttachmentKind;
use std::time::Duration;
use support::fake_telegram::FakeTelegram;
use support::web::{Panel, csrf_of};
use support::{ADMIN, STOREKEEPER, SUPPORT, SUPPORT_2, Workdir};

const AUTHOR: i64 = 555_000_601;
const STRANGER: i64 = 555_000_602;
const WAIT: Duration = Duration::from_secs(20);

fn ticket(kind: Kind, description: &str) -> requests::NewTicket {
    requests::NewTicket {
        kind,
        branch_id: None,
        contact_name: "Олег Автор".into(),
        contact_phone: "+380501112233".into(),
        description: description.into(),
        priority: Priority::High,
        items: vec![],
        attachments: vec![],
        client_key: None,
    }
}

fn setup() -> (Workdir, App) {
    let w = Workdir::seeded();
    let (app, _) = w.app();
    for (id, name) in [(AUTHOR, "Олег Автор"), (STRANGER, "Инна Чужая")] {
        directory::add_user(
            &app,
            &Actor::Operator("t".into()),
            &directory::NewPerson {
                telegram_id: id,
                full_name: name.into(),
                branch: Some(BranchKey::parse("ODESA").unwrap()),
                ..Default::default()
            },
        )
        .unwrap();
    }
    (w, app)
}

/// Posts an action from the card as its page does.
fn act(panel: &Panel, cookie: &str, id: i64, action: &str, extra: &[(&str, &str)]) -> reqwest::blocking::Response {
    let page = panel.get(&format!("/requests/{id}"), Some(cookie)).text().unwrap();
    let csrf = csrf_of(&page);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(extra);
    panel.post(&format!("/requests/{id}/{action}"), Some(cookie), &form)
}

#[test]
fn support_accepts_and_completes_and_the_author_hears_it_through_the_bot() {
    let (w, app) = setup();
    let fake = FakeTelegram::start();
    let photo = std::fs::read(support::fixtures().join("web/photo.png")).unwrap();
    fake.put_file("AgACphoto1", "photos/file_1.png", &photo);
    let mut t = ticket(Kind::Repair, "Принтер зажевал бумагу\nи мигает красным");
    t.attachments.push(requests::TicketAttachment {
        kind: AttachmentKind::Photo,
        file_id: "AgACphoto1".into(),
        file_unique_id: None,
        file_name: None,
        mime_type: Some("image/png".into()),
    });
    t.attachments.push(requests::TicketAttachment {
        kind: AttachmentKind::Document,
        file_id: "BQACdoc1".into(),
        file_unique_id: None,
        file_name: Some("акт осмотра.pdf".into()),
        mime_type: Some("application/pdf".into()),
    });
    let id = requests::create(&app, &Actor::Telegram(AUTHOR), &t).unwrap().id;
    let panel = Panel::start(&w, &fake, &[]);
    let support = panel.sign_in(&w, SUPPORT);

    let page = panel.get(&format!("/requests/{id}"), Some(&support)).text().unwrap();
    assert!(page.contains("Принтер зажевал бумагу\nи мигает красным"), "the description as written");
    assert!(page.contains("+380501112233") && page.contains("Одесса"), "{page}");
    assert!(page.contains(&format!("/requests/{id}/accept")) && page.contains(&format!("/requests/{id}/reject")));
    assert!(!page.contains(&format!("/requests/{id}/cancel")), "only the author cancels");
    assert!(!page.contains(&format!("/requests/{id}/complete")), "not before accepting");
    // The photo, through the server; the token is nowhere in the page.
    let img = page.split("<img class=\"photo\" src=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let r = panel.get(&img, Some(&support));
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().unwrap().to_vec(), photo);
    assert!(!page.contains(support::fake_telegram::TOKEN) && !page.contains("TEST-fake-token"));
    let doc = page
        .split("download>")
        .next()
        .unwrap()
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = panel.get(&doc, Some(&support));
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename*=UTF-8''"));

    // Accept: the card says so, the author is told through the bot, the audit says web.
    let r = act(&panel, &support, id, "accept", &[]);
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/requests/{id}?done=accepted"));
    let page = panel.get(&format!("/requests/{id}?done=accepted"), Some(&support)).text().unwrap();
    assert!(page.contains("class=\"flash ok\""), "{page}");
    assert!(page.contains(&format!("/requests/{id}/complete")) && !page.contains(&format!("/requests/{id}/accept\"")));
    assert!(fake.wait_for_text(AUTHOR, "принял(а) Андрей Мельник", WAIT), "{:?}", fake.texts_to(AUTHOR));
    // Another support member may no longer complete it; the assignee does.
    let other = panel.sign_in(&w, SUPPORT_2);
    let r = act(&panel, &other, id, "complete", &[]);
    assert_eq!(r.status(), 403);
    let r = act(&panel, &support, id, "complete", &[]);
    assert_eq!(r.status(), 303);
    assert!(fake.wait_for_text(AUTHOR, "выполнена", WAIT));
    let log = w.rows(&format!(
        "SELECT actor, action FROM logs WHERE entity = 'request' AND entity_id = 'HD-{id:06}' ORDER BY id"
    ));
    let log: Vec<String> = log.iter().map(|r| format!("{} {}", r[0].text().unwrap(), r[1].text().unwrap())).collect();
    assert_eq!(
        log,
        [
            format!("tg:{AUTHOR} request.create"),
            format!("web:{SUPPORT} request.accept"),
            format!("web:{SUPPORT} request.complete")
        ]
    );
    // The history on the card says the same.
    let page = panel.get(&format!("/requests/{id}"), Some(&support)).text().unwrap();
    assert_eq!(page.matches("<li><time>").count(), 3);
}

#[test]
fn a_rejection_needs_a_reason_and_the_author_reads_it() {
    let (w, app) = setup();
    let fake = FakeTelegram::start();
    let id = requests::create(&app, &Actor::Telegram(AUTHOR), &ticket(Kind::ItHelp, "Нужен доступ к 1С")).unwrap().id;
    let panel = Panel::start(&w, &fake, &[]);
    let support = panel.sign_in(&w, SUPPORT);
    let r = act(&panel, &support, id, "reject", &[("reason", "   ")]);
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("class=\"flash bad\""));
    let r = act(&panel, &support, id, "reject", &[("reason", "Доступ к 1С выдаёт бухгалтерия <b>сама</b>")]);
    assert_eq!(r.status(), 303);
    assert!(
        fake.wait_for_text(AUTHOR, "Доступ к 1С выдаёт бухгалтерия &lt;b&gt;сама&lt;/b&gt;", WAIT),
        "{:?}",
        fake.texts_to(AUTHOR)
    );
    let page = panel.get(&format!("/requests/{id}"), Some(&support)).text().unwrap();
    assert!(
        page.contains("Доступ к 1С выдаёт бухгалтерия &#60;b&#62;сама&#60;/b&#62;"),
        "escaped on the card too: {page}"
    );
}

#[test]
fn staff_put_a_request_to_wait_for_parts_and_resume_it_and_the_author_hears_both() {
    let (w, app) = setup();
    let fake = FakeTelegram::start();
    let id = requests::create(&app, &Actor::Telegram(AUTHOR), &ticket(Kind::Repair, "Не включается ПК")).unwrap().id;
    requests::accept(&app, &Actor::Telegram(SUPPORT), id).unwrap();
    let panel = Panel::start(&w, &fake, &[]);
    let support = panel.sign_in(&w, SUPPORT);
    let page = panel.get(&format!("/requests/{id}"), Some(&support)).text().unwrap();
    assert!(page.contains("/wait-author") && page.contains("/wait-parts") && !page.contains("/resume"), "{page}");
    let r = act(&panel, &support, id, "wait-parts", &[("note", "  ")]);
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("Напишите, чего ждёт заявка"), "in the person's language");
    let r = act(&panel, &support, id, "wait-parts", &[("note", "Блок питания <500 Вт>")]);
    assert_eq!(r.status(), 303);
    assert!(fake.wait_for_text(AUTHOR, "Блок питания &lt;500 Вт&gt;", WAIT), "{:?}", fake.texts_to(AUTHOR));
    let page = panel.get(&format!("/requests/{id}"), Some(&support)).text().unwrap();
    assert!(page.contains("ждёт запчастей") && page.contains("/resume") && !page.contains("/wait-parts"), "{page}");
    assert!(page.contains("Блок питания &#60;500 Вт&#62;</span>"), "what it waits for is in the history: {page}");
    // Someone else's press changes nothing.
    let other = panel.sign_in(&w, SUPPORT_2);
    assert_eq!(act(&panel, &other, id, "resume", &[]).status(), 403);
    let r = act(&panel, &support, id, "resume", &[]);
    assert_eq!(r.status(), 303);
    assert!(fake.wait_for_text(AUTHOR, "продолжается", WAIT), "{:?}", fake.texts_to(AUTHOR));
    assert_eq!(w.int(&format!("SELECT count(*) FROM requests WHERE id = {id} AND waiting IS NULL")), 1);
}

/// Staff ask from the card; the author sees the question on their card (the
/// Mini App's page) and answers there: kept in the history, passed on to the
/// assignee, the clock runs again. A stranger's answer is refused.
#[test]
fn the_author_answers_the_question_on_the_card() {
    let (w, app) = setup();
    let fake = FakeTelegram::start();
    let id = requests::create(&app, &Actor::Telegram(AUTHOR), &ticket(Kind::Repair, "Не печатает")).unwrap().id;
    requests::accept(&app, &Actor::Telegram(SUPPORT), id).unwrap();
    let panel = Panel::start(&w, &fake, &[]);
    let support = panel.sign_in(&w, SUPPORT);
    assert_eq!(act(&panel, &support, id, "wait-author", &[("note", "Какая модель принтера?")]).status(), 303);
    let author = panel.sign_in(&w, AUTHOR);
    let page = panel.get(&format!("/requests/{id}"), Some(&author)).text().unwrap();
    assert!(page.contains("Вопрос автору") && page.contains("Какая модель принтера?"), "{page}");
    assert!(page.contains(&format!("/requests/{id}/answer")), "the author may answer: {page}");
    let staff_page = panel.get(&format!("/requests/{id}"), Some(&support)).text().unwrap();
    assert!(!staff_page.contains("/answer\""), "staff resume, they do not answer: {staff_page}");

    // A stranger cannot open the card; their session's token comes from a card of their own.
    let stranger = panel.sign_in(&w, STRANGER);
    let own = requests::create(&app, &Actor::Telegram(STRANGER), &ticket(Kind::Repair, "Моя")).unwrap().id;
    let csrf = csrf_of(&panel.get(&format!("/requests/{own}"), Some(&stranger)).text().unwrap());
    let r = panel.post(&format!("/requests/{id}/answer"), Some(&stranger), &[("csrf", &csrf), ("note", "HP")]);
    assert_eq!(r.status(), 403);
    let r = act(&panel, &author, id, "answer", &[("note", " ")]);
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("Напишите ответ: он пуст."), "in the person's language");
    assert_eq!(w.int(&format!("SELECT count(*) FROM requests WHERE id = {id} AND waiting = 'author'")), 1);

    let r = act(&panel, &author, id, "answer", &[("note", "HP LaserJet <1320>")]);
    assert_eq!(r.status(), 303);
    assert!(fake.wait_for_text(SUPPORT, "HP LaserJet &lt;1320&gt;", WAIT), "{:?}", fake.texts_to(SUPPORT));
    assert_eq!(w.int(&format!("SELECT count(*) FROM requests WHERE id = {id} AND waiting IS NULL")), 1);
    let page = panel.get(&format!("/requests/{id}?done=answered"), Some(&author)).text().unwrap();
    assert!(page.contains("Спасибо: ответ передан") && page.contains("автор ответил"), "{page}");
    assert!(page.contains("HP LaserJet &#60;1320&#62;") && !page.contains("Вопрос автору"), "{page}");
}

#[test]
fn a_storekeeper_issues_from_a_warehouse_in_full_or_in_part_with_a_note() {
    let (w, app) = setup();
    let fake = FakeTelegram::start();
    let cf283a = catalog::cartridge_types(&app).unwrap().into_iter().find(|c| c.vendor_article == "CF283A").unwrap();
    let mut t = ticket(Kind::Cartridge, "CF283A × 50");
    t.items.push(requests::TicketItem {
        cartridge_type_id: cf283a.id,
        quantity: 50,
        comment: Some("бухгалтерия".into()),
        printer_id: None,
    });
    let id = requests::create(&app, &Actor::Telegram(AUTHOR), &t).unwrap().id;
    let panel = Panel::start(&w, &fake, &[]);
    let keeper = panel.sign_in(&w, STOREKEEPER);
    let r = act(&panel, &keeper, id, "accept", &[]);
    assert_eq!(r.status(), 303, "{}", r.text().unwrap_or_default());
    assert_eq!(r.headers()["location"], format!("/requests/{id}?done=accepted"));
    let page = panel.get(&format!("/requests/{id}"), Some(&keeper)).text().unwrap();
    assert!(page.contains("Доставлено"), "a cartridge order is delivered, not done");
    let central = page.split("<option value=\"").skip(1).find(|o| o.contains("Центральный склад")).unwrap();
    let central = central.split('"').next().unwrap().to_string();
    assert!(page.contains("40 / 50"), "the central warehouse covers 40 of 50: {page}");

    // Not enough: refused, saying what is short, with the partial issue offered.
    let r = act(&panel, &keeper, id, "issue", &[("warehouse", &central)]);
    assert_eq!(r.status(), 422);
    let page = r.text().unwrap();
    assert!(page.contains("CF283A 40 / 50") && page.contains("name=\"partial\" value=\"1\" checked"), "{page}");
    // A partial issue with a note: stock taken, the author told, with the note.
    let r = act(
        &panel,
        &keeper,
        id,
        "issue",
        &[("warehouse", &central), ("partial", "1"), ("note", "Остальные 10 — в пятницу")],
    );
    assert_eq!(r.status(), 303, "{}", r.text().unwrap_or_default());
    assert!(fake.wait_for_text(AUTHOR, "Остальные 10 — в пятницу", WAIT), "{:?}", fake.texts_to(AUTHOR));
    let left = catalog::stock(&app, None, false)
        .unwrap()
        .into_iter()
        .find(|s| s.vendor_article == "CF283A" && s.warehouse_name == "Центральный склад")
        .unwrap();
    assert_eq!(left.quantity, 0);
    let page = panel.get(&format!("/requests/{id}"), Some(&keeper)).text().unwrap();
    assert!(page.contains("<td data-label=\"Выдано\" class=\"num\">40</td>"), "{page}");
}

#[test]
fn forged_posts_for_someone_elses_request_are_refused_and_change_nothing() {
    let (w, app) = setup();
    let fake = FakeTelegram::start();
    let id = requests::create(&app, &Actor::Telegram(AUTHOR), &ticket(Kind::Repair, "Не работает сканер")).unwrap().id;
    let panel = Panel::start(&w, &fake, &[]);
    let stranger = panel.sign_in(&w, STRANGER);
    // Not even the card.
    assert_eq!(panel.get(&format!("/requests/{id}"), Some(&stranger)).status(), 403);
    let csrf = csrf_of(&panel.get("/profile", Some(&stranger)).text().unwrap());
    for action in ["accept", "complete", "cancel", "archive"] {
        let r = panel.post(&format!("/requests/{id}/{action}"), Some(&stranger), &[("csrf", &csrf)]);
        assert_eq!(r.status(), 403, "{action}");
    }
    let r =
        panel.post(&format!("/requests/{id}/reject"), Some(&stranger), &[("csrf", &csrf), ("reason", "потому что")]);
    assert_eq!(r.status(), 403);
    // A storekeeper does not work repairs.
    let keeper = panel.sign_in(&w, STOREKEEPER);
    assert_eq!(panel.get(&format!("/requests/{id}"), Some(&keeper)).status(), 403);
    // The author may cancel, with the CSRF value of their own session only.
    let author = panel.sign_in(&w, AUTHOR);
    let r = panel.post(&format!("/requests/{id}/cancel"), Some(&author), &[("csrf", &csrf)]);
    assert_eq!(r.status(), 400);
    let r = act(&panel, &author, id, "cancel", &[]);
    assert_eq!(r.status(), 303);
    let status = requests::card(&app, &Actor::Operator("t".into()), id).unwrap().request.status;
    assert_eq!(status, helpdesk::domain::Status::Cancelled);
    // An admin archives it.
    let admin = panel.sign_in(&w, ADMIN);
    assert_eq!(act(&panel, &admin, id, "archive", &[]).status(), 303);
    assert_eq!(panel.post(&format!("/requests/{id}/frobnicate"), Some(&admin), &[("csrf", "x")]).status(), 400);
    assert_eq!(panel.get("/requests/999999", Some(&admin)).status(), 404);
}

/// Done: its author rates it on its card (the Mini App's page), the card
/// shows the rating to staff, the history keeps it, and the reports (the
/// panel's and `helpdesk report --by staff`) count it per branch and per
/// staff member. A stranger's rating is refused; an open request has no form.
#[test]
fn the_author_rates_on_the_card_and_the_reports_count_it() {
    let (w, _) = setup();
    // Done now, as `serve` counts the week to rate it by its own clock.
    let (app, clock) = w.app();
    clock.set(chrono::Utc::now());
    let fake = FakeTelegram::start();
    let id = requests::create(&app, &Actor::Telegram(AUTHOR), &ticket(Kind::Repair, "Не включается ПК")).unwrap().id;
    requests::accept(&app, &Actor::Telegram(SUPPORT), id).unwrap();
    let panel = Panel::start(&w, &fake, &[]);
    let author = panel.sign_in(&w, AUTHOR);
    let page = panel.get(&format!("/requests/{id}"), Some(&author)).text().unwrap();
    assert!(!page.contains("/rate\""), "not done yet: {page}");
    requests::complete(&app, &Actor::Telegram(SUPPORT), id).unwrap();
    let page = panel.get(&format!("/requests/{id}"), Some(&author)).text().unwrap();
    assert!(page.contains(&format!("/requests/{id}/rate")) && page.contains("Ваша оценка"), "{page}");

    let r = act(&panel, &author, id, "rate", &[("score", "9"), ("note", "")]);
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("Оценка — от 1 до 5, а не 9."));
    let r = act(&panel, &author, id, "rate", &[("score", "5"), ("note", "Быстро <и> вежливо")]);
    assert_eq!(r.status(), 303);
    let own = requests::create(&app, &Actor::Telegram(STRANGER), &ticket(Kind::Repair, "Моя")).unwrap().id;
    let stranger = panel.sign_in(&w, STRANGER);
    let csrf = csrf_of(&panel.get(&format!("/requests/{own}"), Some(&stranger)).text().unwrap());
    let r = panel.post(&format!("/requests/{id}/rate"), Some(&stranger), &[("csrf", &csrf), ("score", "1")]);
    assert_eq!(r.status(), 403);

    let support = panel.sign_in(&w, SUPPORT);
    let page = panel.get(&format!("/requests/{id}"), Some(&support)).text().unwrap();
    assert!(page.contains("<strong>5/5</strong>") && page.contains("Быстро &#60;и&#62; вежливо"), "{page}");
    assert!(page.contains("оценена автором 5/5"), "in the history: {page}");

    let admin = panel.sign_in(&w, ADMIN);
    let page = panel.get("/reports?from=2000-01-01", Some(&admin)).text().unwrap();
    assert!(page.contains("Задоволеність") && page.contains("Андрей Мельник"), "{page}");
    let rows = w.json_rows(&["report", "--by", "staff", "--from", "2000-01-01"]);
    let line = rows.iter().find(|r| r["staff"] == "Андрей Мельник").expect("a line for the assignee");
    assert_eq!(
        (line["rated"].as_u64(), line["rating_avg"].as_f64(), line["rated_5"].as_u64()),
        (Some(1), Some(5.0), Some(1))
    );
}
