//! Stock in the web panel of the real `helpdesk serve`: staff see every
//! warehouse and cartridge with the rows below their minimum marked and the
//! orders waiting to be issued; administrators upload 1C files, see what
//! they would change (a dry run of the `import-1c` service) and apply it on
//! confirmation; nobody else's upload is kept, and a file that cannot be
//! read changes nothing.

mod support;

use helpdesk::services::{catalog, directory};
use reqwest::blocking::multipart::{Form, Part};
use std::collections::BTreeMap;
use std::path::Path;
use support::fake_telegram::FakeTelegram;
use support::web::{Panel, csrf_of};
use support::{ADMIN, STOREKEEPER, SUPPORT, Workdir};

const EMPLOYEE: i64 = 555_000_301;

fn setup() -> (Workdir, FakeTelegram, Panel) {
    let w = Workdir::seeded();
    support::add_person(&w.app().0, EMPLOYEE, "Олена Коваль", "HQ");
    let fake = FakeTelegram::start();
    // Its own temporary directory, to see what uploads it keeps.
    let tmp = w.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let panel = Panel::start(&w, &fake, &[("TMPDIR", tmp.to_str().unwrap())]);
    (w, fake, panel)
}

/// Stock as (article, warehouse name) → quantity, read through our own handle.
fn stock(w: &Workdir) -> BTreeMap<(String, String), i64> {
    support::stock_levels(&w.app().0)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/1c").join(name)).unwrap()
}

/// Posts files to the upload form as a browser on our page does.
fn upload(
    panel: &Panel,
    cookie: &str,
    csrf: &str,
    files: &[(&str, Vec<u8>)],
    origin: &str,
) -> reqwest::blocking::Response {
    let mut form = Form::new().text("csrf", csrf.to_string()).text("warehouse", "");
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes.clone()).file_name(name.to_string()));
    }
    panel
        .client
        .post(panel.url("/stock/import"))
        .header("Cookie", cookie)
        .header("Origin", origin)
        .multipart(form)
        .send()
        .unwrap()
}

fn uploads_kept(w: &Workdir) -> usize {
    std::fs::read_dir(w.path().join("tmp"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("helpdesk-upload-"))
        .count()
}

#[test]
fn staff_see_stock_with_the_rows_below_minimum_marked_and_employees_do_not() {
    let (w, _fake, panel) = setup();
    let (app, _) = w.app();
    let low = catalog::stock(&app, None, true).unwrap();
    assert!(!low.is_empty(), "the fixtures have stock below minimum");
    let keeper = panel.sign_in(&w, STOREKEEPER);
    let page = panel.get("/stock", Some(&keeper)).text().unwrap();
    assert!(page.contains("Центральный склад") && page.contains("CF283A"), "{page}");
    assert_eq!(page.matches("<tr class=\"low\">").count(), low.len(), "every row below minimum marked");
    assert!(page.contains("href=\"/stock\""), "the bar links the page");
    assert!(!page.contains("action=\"/stock/import\""), "no upload form for a storekeeper");
    // Filters: one warehouse, below minimum only.
    let wh = directory::warehouses(&app).unwrap().into_iter().find(|x| x.name == "Центральный склад").unwrap();
    let page = panel.get(&format!("/stock?warehouse={}", wh.id.0), Some(&keeper)).text().unwrap();
    assert!(!page.contains(">Склад Львов</td>"), "one warehouse only");
    assert!(page.contains(">Центральный склад</td>"));
    let page = panel.get("/stock?low=1", Some(&keeper)).text().unwrap();
    assert_eq!(page.matches("<tr class=\"low\">").count(), low.len());
    assert_eq!(page.matches("<tr").count() - 1, low.len(), "only the rows below minimum (and the header)");
    // Support staff see stock too; an employee does not.
    let support = panel.sign_in(&w, SUPPORT);
    assert_eq!(panel.get("/stock", Some(&support)).status(), 200);
    let employee = panel.sign_in(&w, EMPLOYEE);
    let r = panel.get("/stock", Some(&employee));
    assert_eq!(r.status(), 403);
    assert!(!r.text().unwrap().contains("CF283A"));
}

#[test]
fn stock_says_when_each_row_runs_out_and_what_to_order_and_the_dashboard_warns_of_what_runs_out_first() {
    // CE285A at the central warehouse: 0.4 a day for a year, 3 left: 7 days, within the lead time; order 12.
    let w = Workdir::seeded();
    support::ce285a_runs_out_in_a_week(&*w.store(), chrono::Utc::now());
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let keeper = panel.sign_in(&w, STOREKEEPER);
    let day = (chrono::Utc::now().date_naive() + chrono::Duration::days(7)).format("%d.%m.%Y").to_string();
    let page = panel.get("/stock", Some(&keeper)).text().unwrap();
    assert!(page.contains(">Кончится</th>") && page.contains(">Заказать</th>"), "{page}");
    assert!(page.contains(&format!("{day} <span class=\"badge high\">до поставки</span>")), "{page}");
    assert!(page.contains("7 д · 11.8 в месяц"), "days left and the rate: {page}");
    assert!(page.contains("<strong>12</strong>"), "the order to place");
    assert!(page.contains("не расходуется"), "types never issued");
    // Sorted by when it runs out: that row first.
    let page = panel.get("/stock?sort=runs_out", Some(&keeper)).text().unwrap();
    let first = page.split("<tbody>").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(first.contains("CE285A") && first.contains("Центральный склад"), "{first}");
    assert!(first.contains("data-label=\"Пустых\" class=\"num\">0</td>"), "{first}");
    // The page is kept until something changes, here by another process: then computed again.
    w.cmd().args(["stock", "empties", "CENTRAL", "CE285A", "5"]).assert().success();
    let page = panel.get("/stock?sort=runs_out", Some(&keeper)).text().unwrap();
    let first = page.split("<tbody>").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(first.contains("data-label=\"Пустых\" class=\"num\">5</td>"), "{first}");
    assert!(page.contains("<option value=\"runs_out\" selected>"));
    // The dashboard's card of what runs out within the lead time.
    let dash = panel.get("/dashboard", Some(&keeper)).text().unwrap();
    let card = dash.split("Кончится до поставки</h2>").nth(1).expect("the card").split("</table>").next().unwrap();
    assert!(card.contains("HP 85A черный (CE285A)") && card.contains("<strong>12</strong>"), "{card}");
    assert_eq!(card.matches("<tr class=\"low\">").count(), 1, "only what runs out within the lead time");
}

#[test]
fn storekeepers_receive_empties_and_support_staff_cannot() {
    let (w, _fake, panel) = setup();
    let (app, _) = w.app();
    let wh = directory::warehouses(&app).unwrap().into_iter().find(|x| x.code == "CENTRAL").unwrap().id.0;
    let tn = catalog::cartridge_types(&app).unwrap().into_iter().find(|c| c.vendor_article == "TN-2375").unwrap().id.0;
    let empty = || {
        let store = w.store();
        let mut tx = store.read().unwrap();
        tx.stock_levels(helpdesk::domain::CartridgeTypeId(tn), helpdesk::domain::WarehouseId(wh)).unwrap().empty
    };
    let keeper = panel.sign_in(&w, STOREKEEPER);
    let page = panel.get("/stock", Some(&keeper)).text().unwrap();
    assert!(page.contains("action=\"/stock/empties\""), "{page}");
    let csrf = csrf_of(&page);
    let (wh, tn) = (wh.to_string(), tn.to_string());
    let form = |quantity: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("warehouse", wh.clone()),
            ("cartridge", tn.clone()),
            ("quantity", quantity.into()),
        ]
    };
    let post = |who, f: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        panel.post("/stock/empties", Some(who), &pairs)
    };
    let r = post(&keeper, form("4"));
    assert_eq!(r.status(), 303);
    assert_eq!(empty(), 4);
    let page = panel.get("/stock?empties=1", Some(&keeper)).text().unwrap();
    assert!(page.contains("class=\"flash ok\""), "{page}");
    // Too many, or not a number: said so, nothing changed.
    for bad in ["1001", "много"] {
        let r = post(&keeper, form(bad));
        assert_eq!(r.status(), 422, "{bad}");
        assert!(r.text().unwrap().contains("1000"), "{bad}");
    }
    // Support staff see stock but do not move it, whatever they post.
    let support = panel.sign_in(&w, SUPPORT);
    let page = panel.get("/stock", Some(&support)).text().unwrap();
    assert!(!page.contains("action=\"/stock/empties\""));
    let r = post(
        &support,
        vec![("csrf", csrf_of(&page)), ("warehouse", wh.clone()), ("cartridge", tn.clone()), ("quantity", "2".into())],
    );
    assert_eq!(r.status(), 403);
    assert_eq!(empty(), 4);
}

#[test]
fn an_admin_sees_what_a_1c_upload_changes_and_applies_it_on_confirmation() {
    let (w, _fake, panel) = setup();
    let admin = panel.sign_in(&w, ADMIN);
    let page = panel.get("/stock", Some(&admin)).text().unwrap();
    assert!(page.contains("action=\"/stock/import\""), "an admin gets the upload form");
    let csrf = csrf_of(&page);
    let before = stock(&w);

    // The dry run: the differences, nothing written.
    let r = upload(&panel, &admin, &csrf, &[("offers.xml", fixture("offers-2.08.xml"))], &panel.base);
    assert_eq!(r.status(), 200);
    let preview = r.text().unwrap();
    assert!(preview.contains("CE285A") && preview.contains("Склад Одесса"), "{preview}");
    assert!(preview.contains("SVC-A4-500"), "the item not in the catalog is named");
    assert_eq!(preview.matches("<tr><td data-label").count(), 7, "seven stock changes");
    assert_eq!(stock(&w), before, "a preview writes nothing");
    assert_eq!(w.ints("SELECT count(*) FROM one_c_imports"), [0]);
    let apply = preview.split("action=\"").find(|s| s.contains("/apply\"")).unwrap().split('"').next().unwrap();
    let apply = apply.to_string();

    // Another admin cannot confirm it: the upload is the uploader's.
    let keeper = panel.sign_in(&w, STOREKEEPER);
    let keeper_csrf = csrf_of(&panel.get("/stock", Some(&keeper)).text().unwrap());
    let r = panel.post(&apply, Some(&keeper), &[("csrf", &keeper_csrf)]);
    assert_eq!(r.status(), 422);
    assert_eq!(stock(&w), before);
    // Nor can a page of another site.
    let r = panel.post_from(&apply, Some(&admin), &[("csrf", &csrf)], Some("https://evil.example"));
    assert_eq!(r.status(), 400);
    assert_eq!(stock(&w), before);

    // Confirmed: applied, audited as from the web, the upload gone.
    let r = panel.post(&apply, Some(&admin), &[("csrf", &csrf)]);
    assert_eq!(r.status(), 303, "{}", r.text().unwrap_or_default());
    assert_eq!(r.headers()["location"], "/stock?done=7");
    let after = stock(&w);
    assert_eq!(after[&("CF283A".to_string(), "Центральный склад".to_string())], 38);
    assert_eq!(after[&("TN-2375".to_string(), "Центральный склад".to_string())], 13);
    assert_eq!(before.iter().filter(|(k, v)| after.get(*k) != Some(*v)).count(), 7);
    let actors = w.store().read().unwrap().logs("one_c_import", "1").unwrap();
    assert_eq!(actors.len(), 1);
    assert_eq!(actors[0].actor, format!("web:{ADMIN}"));
    let done = panel.get("/stock?done=7", Some(&admin)).text().unwrap();
    assert!(done.contains("class=\"flash ok\""), "{done}");
    // Applying twice does nothing more.
    let r = panel.post(&apply, Some(&admin), &[("csrf", &csrf)]);
    assert_eq!(r.status(), 422);
    assert_eq!(w.ints("SELECT count(*) FROM one_c_imports"), [1]);

    // The same file again: recognised, nothing to apply.
    let r = upload(&panel, &admin, &csrf, &[("offers.xml", fixture("offers-2.08.xml"))], &panel.base);
    let again = r.text().unwrap();
    assert!(!again.contains("/apply\""), "nothing to apply for a repeat");
    let cancel = again.split("action=\"").find(|s| s.contains("/cancel\"")).unwrap().split('"').next().unwrap();
    let r = panel.post(cancel, Some(&admin), &[("csrf", &csrf)]);
    assert_eq!(r.status(), 303);
    assert_eq!(stock(&w), after);
}

#[test]
fn bad_uploads_change_nothing_and_keep_nothing() {
    let (w, _fake, panel) = setup();
    let admin = panel.sign_in(&w, ADMIN);
    let csrf = csrf_of(&panel.get("/stock", Some(&admin)).text().unwrap());
    let before = stock(&w);
    let kept = uploads_kept(&w);
    // A truncated file: the reader's words, nothing changed.
    let r = upload(&panel, &admin, &csrf, &[("offers.xml", fixture("bad/offers-truncated.xml"))], &panel.base);
    assert_eq!(r.status(), 422);
    let page = r.text().unwrap();
    assert!(page.contains("class=\"flash bad\"") && page.contains("offers.xml"), "{page}");
    // Another site's form, a wrong token, a storekeeper: refused, nothing kept. (The
    // first and the last are refused before the body is read: a small one, so that
    // the client has sent it all before the answer comes.)
    let small = || b"<?xml version=\"1.0\"?><x/>".to_vec();
    let r = upload(&panel, &admin, &csrf, &[("offers.xml", small())], "https://evil.example");
    assert_eq!(r.status(), 400);
    let r = upload(&panel, &admin, "wrong", &[("offers.xml", fixture("offers-2.08.xml"))], &panel.base);
    assert_eq!(r.status(), 400);
    let keeper = panel.sign_in(&w, STOREKEEPER);
    let keeper_csrf = csrf_of(&panel.get("/stock", Some(&keeper)).text().unwrap());
    let r = upload(&panel, &keeper, &keeper_csrf, &[("offers.xml", small())], &panel.base);
    assert_eq!(r.status(), 403);
    // A name that climbs out of the upload directory stays inside it.
    let r = upload(&panel, &admin, &csrf, &[("../../offers.xml", fixture("offers-2.08.xml"))], &panel.base);
    assert_eq!(r.status(), 200);
    assert!(!w.path().join("offers.xml").exists());
    // No files at all.
    let r = upload(&panel, &admin, &csrf, &[], &panel.base);
    assert_eq!(r.status(), 422);
    assert_eq!(stock(&w), before);
    assert_eq!(w.ints("SELECT count(*) FROM one_c_imports"), [0]);
    // Only the one good upload waits for its confirmation.
    assert_eq!(uploads_kept(&w), kept + 1);
}
