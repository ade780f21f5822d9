//! The real binary: listing and showing requests.

mod support;

use helpdesk::domain::{Kind, Priority, Waiting};
use helpdesk::services::requests::{self, NewTicket, TicketAttachment, TicketItem};
use helpdesk::services::{Actor, directory};
use helpdesk::store::AttachmentKind;
use predicates::prelude::*;
use predicates::str::contains;
use support::{SUPPORT, Workdir};

fn json(w: &Workdir, args: &[&str]) -> Vec<serde_json::Value> {
    let out = w.cmd().args(args).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap().as_array().unwrap().clone()
}

#[test]
fn demo_requests_are_listed_with_every_filter() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "3000", "--months", "6"]).assert().success();
    let all = json(&w, &["requests", "list", "--limit", "0"]);
    assert_eq!(all.len(), 3000);
    // Newest first.
    let created: Vec<&str> = all.iter().map(|r| r["created"].as_str().unwrap()).collect();
    assert!(created.windows(2).all(|p| p[0] >= p[1]));

    let new_in_kharkiv = json(&w, &["requests", "list", "--status", "new", "--branch", "KHARKIV", "--limit", "0"]);
    assert!(!new_in_kharkiv.is_empty());
    assert!(new_in_kharkiv.iter().all(|r| r["status"] == "new" && r["branch"] == "KHARKIV"));
    let expected = all.iter().filter(|r| r["status"] == "new" && r["branch"] == "KHARKIV").count();
    assert_eq!(new_in_kharkiv.len(), expected);

    let two = json(
        &w,
        &["requests", "list", "--status", "done,rejected", "--kind", "cartridge", "--kind", "repair", "--limit", "0"],
    );
    assert!(two.iter().all(|r| ["done", "rejected"].contains(&r["status"].as_str().unwrap())
        && ["cartridge", "repair"].contains(&r["kind"].as_str().unwrap())));
    assert_eq!(
        two.len(),
        all.iter()
            .filter(|r| ["done", "rejected"].contains(&r["status"].as_str().unwrap())
                && ["cartridge", "repair"].contains(&r["kind"].as_str().unwrap()))
            .count()
    );

    let limited = json(&w, &["requests", "list", "--limit", "7", "--offset", "3"]);
    assert_eq!(limited, all[3..10].to_vec());

    let author = all[0]["author_id"].as_i64().unwrap().to_string();
    let mine = json(&w, &["requests", "list", "--author", &author, "--limit", "0"]);
    assert_eq!(
        mine.len(),
        all.iter()
            .filter(|r| r["author_id"].as_i64().map(|a| a.to_string()).as_deref() == Some(author.as_str()))
            .count()
    );

    // Waiting: a filter of its own; the listing says what each waits for.
    let accepted: Vec<&serde_json::Value> = all.iter().filter(|r| r["status"] == "accepted").take(2).collect();
    assert!(all.iter().all(|r| r["waiting"].is_null()));
    let (app, _) = w.app();
    for (r, waiting) in accepted.iter().zip([Waiting::Author, Waiting::Parts]) {
        let id: i64 = r["number"].as_str().unwrap().trim_start_matches("HD-").parse().unwrap();
        requests::wait(&app, &Actor::Operator("t".into()), id, waiting, "?").unwrap();
    }
    let asked = json(&w, &["requests", "list", "--waiting", "author", "--limit", "0"]);
    assert_eq!(asked.len(), 1);
    assert_eq!(
        (asked[0]["number"].clone(), asked[0]["waiting"].clone()),
        (accepted[0]["number"].clone(), "author".into())
    );
    assert_eq!(json(&w, &["requests", "list", "--waiting", "author,parts", "--limit", "0"]).len(), 2);
    w.cmd()
        .args(["requests", "list", "--waiting", "godot"])
        .assert()
        .code(2)
        .stderr(contains("invalid value 'godot'").and(contains("possible values: author, parts")));

    let oldest = json(&w, &["requests", "list", "--order", "oldest", "--limit", "1"]);
    assert_eq!(oldest[0], *all.last().unwrap());
}

#[test]
fn since_and_until_are_whole_days_in_the_configured_zone() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "2000", "--months", "3"]).assert().success();
    let all = json(&w, &["requests", "list", "--limit", "0"]);
    // Pick a day in the middle of the data, in Kyiv time.
    let day = &all[all.len() / 2]["created"].as_str().unwrap()[..10].to_string();
    let kyiv: Vec<serde_json::Value> = {
        let out = w
            .cmd()
            .env("HELPDESK_TIMEZONE", "Europe/Kyiv")
            .args(["requests", "list", "--since", day, "--until", day, "--limit", "0", "--format", "json"])
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap().as_array().unwrap().clone()
    };
    assert!(!kyiv.is_empty());
    for r in &kyiv {
        let created = r["created"].as_str().unwrap();
        assert!(created.starts_with(day.as_str()), "{created} not on {day}");
        assert!(created.ends_with("+02:00") || created.ends_with("+03:00"), "{created} not in Kyiv time");
    }
    w.cmd()
        .args(["requests", "list", "--from", "2026-02-30"])
        .assert()
        .code(1)
        .stderr("error: --from '2026-02-30' is not a date; use YYYY-MM-DD, e.g. 2026-03-31\n");
    w.cmd()
        .args(["requests", "list", "--from", "2026-03-02", "--until", "2026-03-01"])
        .assert()
        .code(1)
        .stderr(contains("--from is after --until"));
}

#[test]
fn formats_table_json_and_csv_agree() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "60"]).assert().success();
    let j = json(&w, &["requests", "list", "--limit", "5"]);
    let csv_out = w.cmd().args(["requests", "list", "--limit", "5", "--format", "csv"]).output().unwrap();
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_slice());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, j[0].as_object().unwrap().keys().cloned().collect::<Vec<_>>());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), j.len());
    for (record, obj) in records.iter().zip(&j) {
        assert_eq!(&record[0], obj["number"].as_str().unwrap());
        assert_eq!(&record[13], obj["description"].as_str().unwrap());
    }
    w.cmd()
        .args(["requests", "list", "--limit", "5"])
        .assert()
        .success()
        .stdout(contains(j[0]["number"].as_str().unwrap()).and(contains("showing 1-5 of 60")));
    w.cmd()
        .args([
            "requests",
            "list",
            "--status",
            "new",
            "--branch",
            "HQ",
            "--kind",
            "maintenance",
            "--since",
            "2000-01-01",
            "--until",
            "2000-01-02",
        ])
        .assert()
        .success()
        .stderr("no requests match\n");
    // A listing's text that a spreadsheet would run is written as text; JSON keeps it as it is.
    let (app, _) = w.app();
    support::add_person(&app, 555_000_777, "=1+1", "HQ");
    let id = support::file_request(&app, 555_000_777, Kind::Repair, None, Priority::High, "-2+3 +cmd @A1");
    let number = helpdesk::domain::RequestNumber(id).to_string();
    let csv_out = w.cmd().args(["requests", "list", "--author", "555000777", "--format", "csv"]).output().unwrap();
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_slice());
    let record = reader.records().next().unwrap().unwrap();
    assert_eq!(&record[0], number);
    assert_eq!(&record[13], "'-2+3 +cmd @A1", "{record:?}");
    assert!(record.iter().any(|f| f == "'=1+1"), "the author's name: {record:?}");
    let j = json(&w, &["requests", "list", "--author", "555000777"]);
    assert_eq!(j[0]["description"], "-2+3 +cmd @A1");
}

#[test]
fn show_prints_the_whole_card() {
    let w = Workdir::seeded();
    let (app, _) = w.app();
    let author = 555_000_222;
    directory::add_user(
        &app,
        &Actor::Operator("t".into()),
        &directory::NewPerson {
            telegram_id: author,
            full_name: "Автор Заявки".into(),
            branch: Some(helpdesk::domain::Key::Code("ODESA".into())),
            ..Default::default()
        },
    )
    .unwrap();
    let cartridge = w.store().read().unwrap().cartridge_type_by_article("CE285A").unwrap().unwrap();
    let r = requests::create(
        &app,
        &Actor::Telegram(author),
        &NewTicket {
            kind: Kind::Cartridge,
            branch_id: None,
            contact_name: "Автор Заявки".into(),
            contact_phone: "8 (916) 123-45-67".into(),
            description: "Нужен картридж \"срочно\", <b>2 шт</b>".into(),
            priority: Priority::High,
            items: vec![TicketItem { cartridge_type_id: cartridge.id, quantity: 2, comment: None, printer_id: None }],
            attachments: vec![TicketAttachment {
                kind: AttachmentKind::Photo,
                file_id: "AgACAgIAAxkBAAIC".into(),
                file_unique_id: Some("AQADx".into()),
                file_name: None,
                mime_type: Some("image/jpeg".into()),
            }],
            client_key: None,
        },
    )
    .unwrap();
    requests::accept(&app, &Actor::Telegram(support::STOREKEEPER), r.id).unwrap();
    let number = format!("HD-{:06}", r.id);
    let out = w.cmd().args(["requests", "show", &number, "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let card: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(card["number"], number.as_str());
    assert_eq!(card["status"], "accepted");
    assert_eq!(card["branch"], "ODESA");
    assert_eq!(card["contact_phone"], "+79161234567");
    assert_eq!(card["assignee"], "Дмитрий Ткаченко");
    assert_eq!(card["items"][0]["article"], "CE285A");
    assert_eq!(card["items"][0]["quantity"], 2);
    assert_eq!(card["attachments"][0]["file_id"], "AgACAgIAAxkBAAIC");
    let actions: Vec<&str> =
        card["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["request.create", "request.accept"]);
    w.cmd().args(["requests", "show", &r.id.to_string()]).assert().success().stdout(
        contains("Cartridges").and(contains("History")).and(contains("Нужен картридж \"срочно\", <b>2 шт</b>")),
    );
    w.cmd()
        .args(["requests", "show", &number, "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("number,created,kind").and(contains(format!("{number},")).and(contains("Cartridges").not())));
    w.cmd()
        .args(["requests", "show", "HD-999999"])
        .assert()
        .code(1)
        .stderr("error: unknown request 'HD-999999'; run `helpdesk requests list` to see them\n");
    w.cmd()
        .args(["requests", "show", "ticket-7"])
        .assert()
        .code(1)
        .stderr("error: 'ticket-7' is not a request number; use the form HD-000123\n");
    // Cyrillic where a number is meant: one line, not a panic.
    w.cmd()
        .args(["requests", "show", "счёт"])
        .assert()
        .code(1)
        .stderr("error: 'счёт' is not a request number; use the form HD-000123\n");
    let _ = SUPPORT;
}
