//! 1C's exchange with a site, played over HTTP against the real `helpdesk
//! serve` as 1C:Enterprise plays it: checkauth with Basic auth, init, the
//! files posted in pieces no larger than the file_limit answered, import
//! until success (zipped, and answering progress while an import runs);
//! stock equals the balances; the same files again change nothing; then
//! `type=sale` hands over the cartridges issued here until 1C confirms them,
//! and takes the order states 1C sends back. What must be refused is, with
//! nothing written outside the upload and no stock changed; every step is in
//! `helpdesk import-1c history`.

mod support;

use base64::Engine;
use helpdesk::domain::{Kind, Priority};
use helpdesk::services::{Actor, cartridges, directory, requests};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use support::fake_telegram::FakeTelegram;
use support::web::Panel;
use support::{STOREKEEPER, Workdir};

const USER: &str = "1c-exchange";
const PASSWORD: &str = "s3cret-Пароль";
const FILE_LIMIT: usize = 4096;

fn stock(w: &Workdir) -> BTreeMap<(String, String), i64> {
    support::stock_levels(&w.app().0)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/1c").join(name)).unwrap()
}

struct OneC<'a> {
    panel: &'a Panel,
    cookie: Option<String>,
}

impl OneC<'_> {
    fn call(&self, query: &str, body: Option<Vec<u8>>, auth: Option<(&str, &str)>) -> Vec<String> {
        let url = self.panel.url(&format!("/1c/exchange?{query}"));
        let mut r = match &body {
            Some(_) => self.panel.client.post(url),
            None => self.panel.client.get(url),
        };
        if let Some((u, p)) = auth {
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
            r = r.header("Authorization", format!("Basic {basic}"));
        }
        if let Some(c) = &self.cookie {
            r = r.header("Cookie", c);
        }
        if let Some(b) = body {
            r = r.body(b);
        }
        let r = r.send().unwrap();
        assert_eq!(r.status(), 200, "1C reads the answer's text, not its status");
        r.text().unwrap().lines().map(String::from).collect()
    }

    fn sign_in(&mut self, user: &str, password: &str) -> Vec<String> {
        self.sign_in_for("catalog", user, password)
    }

    fn sign_in_for(&mut self, kind: &str, user: &str, password: &str) -> Vec<String> {
        let answer = self.call(&format!("type={kind}&mode=checkauth"), None, Some((user, password)));
        if answer[0] == "success" {
            self.cookie = Some(format!("{}={}", answer[1], answer[2]));
        }
        answer
    }

    /// Posts a file in pieces no larger than `limit`, as 1C does.
    fn upload(&self, name: &str, bytes: &[u8], limit: usize) {
        for piece in bytes.chunks(limit) {
            let answer = self.call(&format!("type=catalog&mode=file&filename={name}"), Some(piece.to_vec()), None);
            assert_eq!(answer, ["success"], "{name}");
        }
    }

    /// Asks for an import until it is done, as 1C does while it hears
    /// `progress`; the last answer and how many times it heard `progress`.
    fn import(&self, name: &str) -> (Vec<String>, usize) {
        for progress in 0..600 {
            let answer = self.call(&format!("type=catalog&mode=import&filename={name}"), None, None);
            if answer[0] != "progress" {
                return (answer, progress);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the import of {name} never ended");
    }
}

/// A zip archive of the named files, as 1C sends them when asked for zip=yes.
fn zipped(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        z.start_file(*name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// What `helpdesk import-1c history` says, newest first: (kind, step, result, detail).
fn history(w: &Workdir) -> Vec<(String, String, String, String)> {
    let out = w.cmd().args(["import-1c", "history", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    rows.iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("kind"), s("step"), s("result"), s("detail"))
        })
        .collect()
}

fn start() -> (Workdir, FakeTelegram, Panel) {
    start_with(&[])
}

fn start_with(extra: &[(&str, &str)]) -> (Workdir, FakeTelegram, Panel) {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let tmp = w.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let limit = FILE_LIMIT.to_string();
    let mut env = vec![
        ("HELPDESK_ONEC_EXCHANGE_USER", USER),
        ("HELPDESK_ONEC_EXCHANGE_PASSWORD", PASSWORD),
        ("HELPDESK_ONEC_FILE_LIMIT", limit.as_str()),
        ("TMPDIR", tmp.to_str().unwrap()),
    ];
    env.extend_from_slice(extra);
    let panel = Panel::start(&w, &fake, &env);
    (w, fake, panel)
}

#[test]
fn one_c_uploads_its_catalog_and_balances_in_pieces_and_stock_follows() {
    // Every import call answers at once: progress while the import runs.
    let (w, _fake, panel) = start_with(&[("HELPDESK_ONEC_IMPORT_WAIT", "0")]);
    let before = stock(&w);
    let mut onec = OneC { panel: &panel, cookie: None };
    let answer = onec.sign_in(USER, PASSWORD);
    assert_eq!(answer.len(), 3, "{answer:?}");
    assert_eq!(answer[0], "success");
    let answer = onec.call("type=catalog&mode=init", None, None);
    assert_eq!(answer[0], "zip=yes");
    let limit: usize = answer[1].strip_prefix("file_limit=").unwrap().parse().unwrap();
    assert_eq!(limit, FILE_LIMIT);
    // 1C zips import.xml and offers.xml into one archive and posts it in pieces.
    let (import, offers) = (fixture("import.xml"), fixture("offers-2.08.xml"));
    let archive = zipped(&[("import.xml", &import), ("offers.xml", &offers)]);
    assert!(archive.len() > 2 * 1024, "the test posts the archive in several pieces");
    onec.upload("v8_exchange.zip", &archive, 1024);
    assert_eq!(onec.import("import.xml").0, ["success"]);
    assert_eq!(stock(&w), before, "the catalog alone changes no stock");
    let (answer, progress) = onec.import("offers.xml");
    assert_eq!(answer, ["success"]);
    assert!(progress > 0, "with ONEC_IMPORT_WAIT=0 the import answers progress first");
    // The balances of offers.xml, as `helpdesk import-1c` takes them.
    let after = stock(&w);
    assert_eq!(after[&("CF283A".into(), "Центральный склад".into())], 38);
    assert_eq!(after[&("TN-2375".into(), "Центральный склад".into())], 13);
    assert_eq!(before.iter().filter(|(k, v)| after.get(*k) != Some(*v)).count(), 7);
    let logs = w.store().read().unwrap().logs("one_c_import", "1").unwrap();
    assert_eq!(logs[0].actor, "system:1c-exchange");
    assert_eq!(onec.call("type=catalog&mode=complete", None, None), ["success"]);

    // The next exchange brings the same files, unzipped: recognised, nothing changes.
    let mut again = OneC { panel: &panel, cookie: None };
    assert_eq!(again.sign_in(USER, PASSWORD)[0], "success");
    again.call("type=catalog&mode=init", None, None);
    again.upload("import.xml", &import, limit);
    again.upload("offers.xml", &offers, limit);
    assert_eq!(again.import("import.xml").0, ["success"]);
    assert_eq!(again.import("offers.xml").0, ["success"]);
    assert_eq!(stock(&w), after);
    assert_eq!(w.ints("SELECT count(*) FROM one_c_imports"), [1]);

    // Each file is on record, newest first: the catalog kept, the balances imported.
    let steps = history(&w);
    assert_eq!(steps.len(), 4, "{steps:?}");
    assert!(steps.iter().all(|(kind, _, result, _)| kind == "catalog" && result == "success"));
    let imports: Vec<_> = steps.iter().filter(|s| s.1 == "import").collect();
    assert!(imports[0].3.contains("nothing changed"), "{steps:?}");
    assert!(imports[1].3.contains("7 stock rows changed"), "{steps:?}");
    let catalogs: Vec<_> = steps.iter().filter(|s| s.1 == "catalog").collect();
    assert_eq!(catalogs.len(), 2, "{steps:?}");
    assert!(catalogs[0].3.starts_with("catalog kept for the balances that follow: 6 items"), "{steps:?}");
}

/// A file as 1C writes it in windows-1251.
fn cp1251(xml: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1251.encode(&xml.replace("encoding=\"UTF-8\"", "encoding=\"windows-1251\"")).0.into_owned()
}

/// One whole exchange of its own, as a Bitrix-style 1C sends each file: sign in, init, post the
/// file zipped, import it, complete. The import's answer.
fn session_of(panel: &Panel, name: &str, bytes: &[u8]) -> Vec<String> {
    let mut onec = OneC { panel, cookie: None };
    assert_eq!(onec.sign_in(USER, PASSWORD)[0], "success");
    assert_eq!(onec.call("type=catalog&mode=init", None, None)[0], "zip=yes");
    onec.upload(&format!("{name}.zip"), &zipped(&[(name, bytes)]), FILE_LIMIT);
    let answer = onec.import(name).0;
    assert_eq!(onec.call("type=catalog&mode=complete", None, None), ["success"]);
    answer
}

const PRICES_ONLY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.10">
  <ПакетПредложений>
    <Предложения>
      <Предложение>
        <Ид>f00dcafe-2c31-11ee-be56-0242ac120002</Ид>
        <Наименование>Картридж Xerox</Наименование>
        <Цены><Цена><ЦенаЗаЕдиницу>2100</ЦенаЗаЕдиницу><Валюта>UAH</Валюта></Цена></Цены>
      </Предложение>
    </Предложения>
  </ПакетПредложений>
</КоммерческаяИнформация>"#;

/// Rests of two items the help desk knows by the catalog alone (1C's id is not ours, the article
/// is) and by 1C id: one at the central warehouse, one a bare total; and one item unknown here.
const RESTS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.10">
  <ПакетПредложений>
    <Предложения>
      <Предложение>
        <Ид>f00dcafe-2c31-11ee-be56-0242ac120002</Ид>
        <Остатки><Остаток><Склад><Ид>9f1c2a5e-1b7d-11ee-8c90-0242ac120002</Ид><Количество>10</Количество></Склад></Остаток></Остатки>
      </Предложение>
      <Предложение>
        <Ид>b7e0af50-2c31-11ee-be56-0242ac120002</Ид>
        <Остатки><Остаток><Количество>9</Количество></Остаток></Остатки>
      </Предложение>
      <Предложение>
        <Ид>d1d2d3d4-0000-0000-0000-000000000000</Ид>
        <Остатки><Остаток><Склад><Ид>9f1c2a5e-1b7d-11ee-8c90-0242ac120002</Ид><Количество>3</Количество></Склад></Остаток></Остатки>
      </Предложение>
    </Предложения>
  </ПакетПредложений>
</КоммерческаяИнформация>"#;

#[test]
fn a_catalog_prices_and_rests_each_in_a_session_of_its_own_are_kept_recorded_and_matched() {
    let central = |w: &Workdir, article: &str| stock(w)[&(article.to_string(), "Центральный склад".to_string())];
    let catalog = String::from_utf8(fixture("import.xml")).unwrap();

    // Without a default warehouse: the total is recorded as not applied.
    let (w, _fake, panel) = start();
    let (xerox, samsung) = (central(&w, "106R02773"), central(&w, "MLT-D111S"));
    assert_eq!(session_of(&panel, "import.xml", &cp1251(&catalog)), ["success"]);
    assert_eq!(session_of(&panel, "offers.xml", &cp1251(PRICES_ONLY)), ["success"]);
    assert_eq!(session_of(&panel, "rests.xml", &cp1251(RESTS)), ["success"]);
    // The Xerox matched through the catalog kept from the first session; the Samsung total stayed out.
    assert_eq!(central(&w, "106R02773"), 10);
    assert_ne!(xerox, 10, "the test changes it");
    assert_eq!(central(&w, "MLT-D111S"), samsung);
    let steps = history(&w);
    let said: Vec<String> = steps.iter().map(|s| format!("{} {}: {}", s.1, s.2, s.3)).collect();
    assert_eq!(steps.len(), 3, "a record of each file: {said:#?}");
    assert!(said[2].starts_with("catalog success: catalog kept for the balances that follow: 6 items"), "{said:#?}");
    assert!(said[1].contains("no balances in offers.xml (prices only): nothing to do"), "{said:#?}");
    assert!(
        said[0].contains("3 balances, 1 matched, 1 stock row changed, 1 item matches no cartridge type")
            && said[0].contains("1 balance without a warehouse, not applied (set ONEC_DEFAULT_WAREHOUSE)"),
        "{said:#?}"
    );
    drop(panel);

    // With ONEC_DEFAULT_WAREHOUSE the total goes there; a rests.xml that matches nothing says so.
    let (w, _fake, panel) = start_with(&[("HELPDESK_ONEC_DEFAULT_WAREHOUSE", "CENTRAL")]);
    assert_eq!(session_of(&panel, "import.xml", &cp1251(&catalog)), ["success"]);
    assert_eq!(session_of(&panel, "rests.xml", &cp1251(RESTS)), ["success"]);
    assert_eq!((central(&w, "106R02773"), central(&w, "MLT-D111S")), (10, 9));
    let steps = history(&w);
    assert!(steps[0].3.contains("1 total put at Центральный склад (the default warehouse)"), "{steps:?}");
    let unknown = RESTS.replace("f00dcafe", "0000cafe").replace("b7e0af50", "0000af50");
    assert_eq!(session_of(&panel, "rests.xml", &cp1251(&unknown)), ["success"]);
    let steps = history(&w);
    assert_eq!(steps[0].3, "3 balances: nothing matched: 3 items unknown", "{steps:?}");
    // The stock page shows what each step did.
    let admin = panel.sign_in(&w, support::ADMIN);
    let page = panel.get("/stock", Some(&admin)).text().unwrap();
    assert!(page.contains("nothing matched: 3 items unknown") && page.contains("Каталог з 1С"), "{page}");
}

#[test]
fn what_1c_must_not_do_is_refused_and_changes_nothing() {
    let (w, _fake, panel) = start_with(&[("HELPDESK_ONEC_UPLOAD_MAX", "2000000")]);
    let before = stock(&w);
    // A wrong password, no credentials, no session, a session that is not ours.
    let mut onec = OneC { panel: &panel, cookie: None };
    let answer = onec.sign_in(USER, "wrong");
    assert_eq!(answer[0], "failure");
    assert!(answer[1].contains("password"), "{answer:?}");
    assert_eq!(onec.call("type=catalog&mode=checkauth", None, None)[0], "failure");
    assert_eq!(onec.call("type=catalog&mode=init", None, None)[0], "failure", "no cookie");
    onec.cookie = Some("helpdesk_1c=0123456789abcdef".into());
    assert_eq!(onec.call("type=catalog&mode=init", None, None)[0], "failure", "a cookie of no exchange");
    // Signed in: names that climb out, absolute or drive paths are refused.
    assert_eq!(onec.sign_in(USER, PASSWORD)[0], "success");
    onec.call("type=catalog&mode=init", None, None);
    for name in ["../../etc/passwd", "/etc/passwd", "..%2F..%2Fescape.xml", "C:%5Cescape.xml"] {
        let answer = onec.call(&format!("type=catalog&mode=file&filename={name}"), Some(b"x".to_vec()), None);
        assert_eq!(answer[0], "failure", "{name}");
    }
    assert!(!w.path().join("escape.xml").exists() && !w.path().join("tmp/escape.xml").exists());
    // A truncated file: failure with a reason, nothing changed.
    onec.upload("offers.xml", &fixture("bad/offers-truncated.xml"), FILE_LIMIT);
    let answer = onec.call("type=catalog&mode=import&filename=offers.xml", None, None);
    assert_eq!(answer[0], "failure", "{answer:?}");
    assert!(answer.len() == 2 && !answer[1].is_empty());
    // Importing a file that never came.
    assert_eq!(onec.call("type=catalog&mode=import&filename=rests.xml", None, None)[0], "failure");
    // A zip bomb: a few kilobytes that inflate past the upload's cap.
    onec.call("type=catalog&mode=init", None, None);
    let bomb = zipped(&[("offers.xml", &vec![b' '; 3_000_000])]);
    assert!(bomb.len() < 100_000);
    onec.upload("bomb.zip", &bomb, FILE_LIMIT);
    let answer = onec.call("type=catalog&mode=import&filename=offers.xml", None, None);
    assert_eq!(answer[0], "failure", "{answer:?}");
    assert!(answer[1].contains("more than the upload may hold"), "{answer:?}");
    // An archive whose entry climbs out of the upload.
    onec.call("type=catalog&mode=init", None, None);
    onec.upload("evil.zip", &zipped(&[("../../escape.xml", b"<x/>")]), FILE_LIMIT);
    let answer = onec.call("type=catalog&mode=import&filename=offers.xml", None, None);
    assert_eq!(answer[0], "failure", "{answer:?}");
    assert!(answer[1].contains("outside the upload"), "{answer:?}");
    assert!(!w.path().join("escape.xml").exists() && !w.path().join("tmp/escape.xml").exists());
    assert_eq!(stock(&w), before);
    assert_eq!(w.ints("SELECT count(*) FROM one_c_imports"), [0]);
    // The refusals after signing in are on record, with their reasons; the wrong password too.
    let steps = history(&w);
    assert!(steps.iter().all(|(_, _, result, _)| result == "failure"), "{steps:?}");
    assert!(steps.iter().any(|(_, step, _, d)| step == "checkauth" && d.contains("password")), "{steps:?}");
    assert!(steps.iter().any(|(_, step, _, d)| step == "import" && d.contains("cut short")), "{steps:?}");
    assert!(steps.iter().any(|(_, _, _, d)| d.contains("unpacks to over")), "{steps:?}");
}

#[test]
fn an_exchange_past_its_time_must_start_again() {
    let (_w, _fake, panel) = start_with(&[("HELPDESK_ONEC_SESSION_TTL", "1s")]);
    let mut onec = OneC { panel: &panel, cookie: None };
    assert_eq!(onec.sign_in(USER, PASSWORD)[0], "success");
    assert_eq!(onec.call("type=catalog&mode=init", None, None)[0], "zip=yes");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let answer = onec.call("type=catalog&mode=init", None, None);
    assert_eq!(answer[0], "failure");
    assert!(answer[1].contains("start again with mode=checkauth"), "{answer:?}");
    assert_eq!(onec.sign_in(USER, PASSWORD)[0], "success");
    assert_eq!(onec.call("type=catalog&mode=init", None, None)[0], "zip=yes");
}

/// Files a cartridge order at HQ, accepts it and issues it from the central warehouse.
fn issued_order(w: &Workdir, author: i64) -> i64 {
    let (app, _clock) = w.app();
    let id = support::file_request(&app, author, Kind::Cartridge, None, Priority::Medium, "картридж для бухгалтерии");
    requests::accept(&app, &Actor::Telegram(STOREKEEPER), id).unwrap();
    let central = directory::warehouses(&app).unwrap().into_iter().find(|x| x.code == "CENTRAL").unwrap().id;
    cartridges::issue(&app, &Actor::Telegram(STOREKEEPER), id, central, false, None, None).unwrap();
    id
}

#[test]
fn one_c_takes_the_issued_cartridges_until_it_confirms_and_sends_back_their_state() {
    let (w, _fake, panel) = start();
    let (app, _clock) = w.app();
    support::add_person(&app, 200000001, "Бухгалтер Петрова", "HQ");
    // Issued before 1C ever asked for orders: 1C's balances already stand without it; never sent.
    let early = issued_order(&w, 200000001);
    let mut onec = OneC { panel: &panel, cookie: None };
    assert_eq!(onec.sign_in_for("sale", USER, PASSWORD)[0], "success");
    let answer = onec.call("type=sale&mode=init", None, None);
    assert_eq!(answer[0], "zip=no", "orders go unzipped");
    let none = onec.call("type=sale&mode=query", None, None).join("\n");
    assert!(none.contains("<КоммерческаяИнформация") && !none.contains("<Документ>"), "{none}");
    assert_eq!(onec.call("type=sale&mode=success", None, None), ["success"]);

    // The order, as a CommerceML document with 1C's ids for the cartridge and the warehouse.
    let first = issued_order(&w, 200000001);
    let xml = onec.call("type=sale&mode=query", None, None).join("\n");
    let number = format!("HD-{first:06}");
    assert!(xml.starts_with("<?xml") && xml.contains("<КоммерческаяИнформация"), "{xml}");
    assert_eq!(xml.matches("<Документ>").count(), 1, "{xml}");
    assert!(xml.contains(&format!("<Номер>{number}</Номер>")) && !xml.contains(&format!("HD-{early:06}")), "{xml}");
    assert!(
        xml.contains("<Артикул>TN-2375</Артикул>") && xml.contains("b7e0ab2c-2c31-11ee-be56-0242ac120002"),
        "{xml}"
    );
    assert!(xml.contains("<Ид>HQ</Ид>") && xml.contains("<Наименование>Головной офис</Наименование>"), "{xml}");
    assert!(xml.contains("<Количество>1</Количество>"), "{xml}");
    assert!(xml.contains("9f1c2a5e-1b7d-11ee-8c90-0242ac120002"), "the central warehouse's 1C id: {xml}");
    // Until 1C confirms, the same order comes again.
    assert_eq!(onec.call("type=sale&mode=query", None, None).join("\n"), xml);
    assert_eq!(onec.call("type=sale&mode=success", None, None), ["success"]);
    let empty = onec.call("type=sale&mode=query", None, None).join("\n");
    assert_eq!(empty.matches("<Документ>").count(), 0, "{empty}");
    // 1C sends back the order's state, in pieces of file_limit: recorded on the order, nothing else
    // changes. 1C's own orders (whatever their numbers look like) are not ours.
    let id = xml.split("<Ид>").nth(1).unwrap().split("</Ид>").next().unwrap().to_string();
    let states = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- {} -->\n<КоммерческаяИнформация ВерсияСхемы=\"2.08\">\n\
         <Документ><Ид>{id}</Ид><Номер>{number}</Номер><Дата>2026-12-01</Дата>\
         <ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Статус заказа</Наименование><Значение>[N] Принят</Значение></ЗначениеРеквизита>\
         <ЗначениеРеквизита><Наименование>Проведен</Наименование><Значение>true</Значение></ЗначениеРеквизита></ЗначенияРеквизитов></Документ>\n\
         <Документ><Ид>chужой-1</Ид><Номер>ЗК-77</Номер></Документ>\n\
         <Документ><Ид>{early}-4</Ид><Номер>{early}</Номер></Документ>\n</КоммерческаяИнформация>\n",
        "заполнитель ".repeat(500)
    );
    assert!(states.len() > FILE_LIMIT && states.len() % FILE_LIMIT != 0);
    let status_before = w.ints(&format!("SELECT count(*) FROM requests WHERE id = {first} AND status = 'accepted'"));
    for piece in states.as_bytes().chunks(FILE_LIMIT) {
        let answer = onec.call("type=sale&mode=file&filename=orders-1.xml", Some(piece.to_vec()), None);
        assert_eq!(answer, ["success"]);
    }
    assert_eq!(
        w.ints(&format!("SELECT count(*) FROM requests WHERE id = {first} AND status = 'accepted'")),
        status_before
    );
    let logs = w.store().read().unwrap().logs("request", &number).unwrap();
    let actions: Vec<&str> = logs.iter().map(|l| l.action.as_str()).collect();
    assert!(actions.contains(&"request.onec_sent"), "{actions:?}");
    let state = logs.iter().find(|l| l.action == "request.onec_status").expect("the state 1C sent");
    assert_eq!(state.after.as_ref().unwrap()["status"], "[N] Принят");
    let early_logs = w.store().read().unwrap().logs("request", &format!("HD-{early:06}")).unwrap();
    assert!(early_logs.iter().all(|l| !l.action.starts_with("request.onec")), "{early_logs:?}");
    // A cut-short file of states is refused.
    let answer = onec.call(
        "type=sale&mode=file&filename=orders-2.xml",
        Some(b"<?xml version=\"1.0\"?><\xd0\x9a".to_vec()),
        None,
    );
    assert_eq!(answer[0], "failure", "{answer:?}");
    assert_eq!(onec.call("type=sale&mode=complete", None, None), ["success"]);

    // The next exchange brings only what was issued since.
    let second = issued_order(&w, 200000001);
    let mut next = OneC { panel: &panel, cookie: None };
    assert_eq!(next.sign_in_for("sale", USER, PASSWORD)[0], "success");
    next.call("type=sale&mode=init", None, None);
    let xml = next.call("type=sale&mode=query", None, None).join("\n");
    assert_eq!(xml.matches("<Документ>").count(), 1, "{xml}");
    assert!(xml.contains(&format!("HD-{second:06}")) && !xml.contains(&number), "{xml}");

    let steps = history(&w);
    let names: Vec<(&str, &str)> = steps.iter().map(|(_, s, r, _)| (s.as_str(), r.as_str())).collect();
    assert_eq!(
        names,
        [
            ("query", "success"),
            ("status", "failure"),
            ("status", "success"),
            ("query", "success"),
            ("confirm", "success"),
            ("query", "success"),
            ("query", "success"),
            ("confirm", "success"),
            ("query", "success"),
            ("baseline", "success")
        ],
        "{steps:?}"
    );
    assert!(steps.iter().all(|(kind, ..)| kind == "sale"));
    assert!(steps[2].3.contains("1 order state recorded, 2 documents about nothing here"), "{steps:?}");
    assert!(steps[9].3.contains("1 cartridge issue made before it"), "{steps:?}");
}
