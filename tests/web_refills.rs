//! Refills in the web panel of the real `helpdesk serve`: a storekeeper adds a
//! contractor, sends empties, prints the handover document (or downloads
//! it), and receives the batch back in part; a rejection needs a reason;
//! support staff, who handle no cartridges, do not see the page's forms and
//! their forged posts change nothing.

mod support;

use helpdesk::services::{Actor, catalog, refills};
use support::fake_telegram::FakeTelegram;
use support::web::{Panel, csrf_of};
use support::{STOREKEEPER, SUPPORT, Workdir};

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, u)| (k.as_str(), u.as_str())).collect()
}

#[test]
fn a_storekeeper_sends_empties_to_a_contractor_and_receives_them_back_in_part() {
    let w = Workdir::seeded();
    w.cmd().args(["stock", "empties", "CENTRAL", "CE285A", "4"]).assert().success();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let (app, _) = w.app();
    let ce = catalog::cartridge_types(&app).unwrap().into_iter().find(|c| c.vendor_article == "CE285A").unwrap().id.0;
    let central =
        helpdesk::services::directory::warehouses(&app).unwrap().into_iter().find(|x| x.code == "CENTRAL").unwrap();

    let keeper = panel.sign_in(&w, STOREKEEPER);
    let page = panel.get("/refills", Some(&keeper)).text().unwrap();
    assert!(page.contains("href=\"/refills\"") && page.contains("action=\"/refills/contractors\""), "{page}");
    assert!(!page.contains("action=\"/refills\""), "no send form before there is a contractor");
    let csrf = csrf_of(&page);
    let r = panel.post(
        "/refills/contractors",
        Some(&keeper),
        &[("csrf", &csrf), ("name", "Тонер-Сервіс"), ("contacts", "+380 44 123 45 67")],
    );
    assert_eq!(r.status(), 303);
    let page = panel.get("/refills?done=contractor", Some(&keeper)).text().unwrap();
    assert!(page.contains("class=\"flash ok\"") && page.contains("action=\"/refills\""), "{page}");
    let contractor = refills::contractors(&app, &Actor::Operator("t".into())).unwrap()[0].id;

    // More than there are: said so, nothing sent. Then three.
    let send = |n: &str| {
        vec![
            ("csrf".to_string(), csrf.clone()),
            ("contractor".into(), contractor.to_string()),
            ("warehouse".into(), central.id.0.to_string()),
            (format!("qty_{ce}"), n.to_string()),
            ("note".into(), "до пятницы".into()),
        ]
    };
    let r = panel.post("/refills", Some(&keeper), &pairs(&send("9")));
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("Пустых CE285A"));
    let r = panel.post("/refills", Some(&keeper), &pairs(&send("3")));
    assert_eq!(r.status(), 303);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = at.trim_start_matches("/refills/").split('?').next().unwrap().parse().unwrap();
    let page = panel.get(&at, Some(&keeper)).text().unwrap();
    assert!(page.contains("Тонер-Сервіс") && page.contains(&format!("name=\"got_{ce}\"")), "{page}");
    let doc = panel.get(&format!("/refills/{id}/handover"), Some(&keeper)).text().unwrap();
    assert!(doc.contains("CE285A") && doc.contains("до пятницы") && doc.contains("data-print"), "{doc}");
    let xlsx = panel.get(&format!("/refills/{id}/handover.xlsx"), Some(&keeper));
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.headers()["content-disposition"].to_str().unwrap().contains(&format!("handover-{id}.xlsx")));
    assert!(xlsx.bytes().unwrap().starts_with(b"PK"), "a zip: an xlsx workbook");

    // A rejection without a reason is refused; then two back and one rejected close it.
    let csrf = csrf_of(&page);
    let receive = |got: &str, bad: &str, reason: &str| {
        vec![
            ("csrf".to_string(), csrf.clone()),
            (format!("got_{ce}"), got.to_string()),
            (format!("bad_{ce}"), bad.to_string()),
            ("reason".into(), reason.to_string()),
        ]
    };
    let r = panel.post(&format!("/refills/{id}/receive"), Some(&keeper), &pairs(&receive("2", "1", "")));
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("почему подрядчик их забраковал"));
    let r =
        panel.post(&format!("/refills/{id}/receive"), Some(&keeper), &pairs(&receive("2", "1", "тріснутий барабан")));
    assert_eq!(r.status(), 303);
    let b = refills::get(&app, &Actor::Operator("t".into()), id).unwrap();
    assert!(b.closed_at.is_some());
    assert_eq!((b.lines[0].received, b.lines[0].rejected), (2, 1));
    w.cmd().args(["stock", "check"]).assert().success();

    // Support staff see the batches, without the forms; a forged post is refused.
    let support = panel.sign_in(&w, SUPPORT);
    let page = panel.get("/refills", Some(&support)).text().unwrap();
    assert!(page.contains(&format!("href=\"/refills/{id}\"")), "{page}");
    assert!(!page.contains("action=\"/refills\"") && !page.contains("action=\"/refills/contractors\""));
    let page = panel.get(&format!("/refills/{id}"), Some(&support)).text().unwrap();
    assert!(!page.contains("/receive\""), "no receive form");
    let mut forged = send("1");
    forged[0].1 = csrf_of(&page);
    let r = panel.post("/refills", Some(&support), &pairs(&forged));
    assert_eq!(r.status(), 403);
}
