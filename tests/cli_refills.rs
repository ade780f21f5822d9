//! The real binary: contractors, refill batches sent with a handover
//! document and received back in part (refilled into full stock, rejected
//! written off), the books balancing throughout; bad input is one line and
//! changes nothing.

mod support;

use predicates::str::contains;
use support::Workdir;

fn levels(w: &Workdir, article: &str) -> (i64, i64) {
    let rows = w.json_rows(&["stock", "list", "--warehouse", "CENTRAL"]);
    let r = rows.iter().find(|r| r["article"] == article).unwrap();
    (r["quantity"].as_i64().unwrap(), r["empty"].as_i64().unwrap())
}

#[test]
fn empties_go_to_a_contractor_and_come_back_refilled_or_written_off() {
    let w = Workdir::seeded();
    w.cmd()
        .args(["contractors", "add", "Тонер-Сервіс", "--contacts", "+380 44 123 45 67"])
        .assert()
        .success()
        .stdout(contains("added contractor Тонер-Сервіс (id 1)"));
    w.fails(&["contractors", "add", "тонер-сервіс"], "already exists");
    assert_eq!(w.json_rows(&["contractors", "list"])[0]["contacts"], "+380 44 123 45 67");
    w.cmd().args(["stock", "empties", "CENTRAL", "CE285A", "6"]).assert().success();
    w.cmd().args(["stock", "empties", "CENTRAL", "TN-2375", "2"]).assert().success();
    let before = (levels(&w, "CE285A"), levels(&w, "TN-2375"));

    // Refused as a whole, nothing changed: more empties than there are, a line that is not ARTICLE=N.
    w.fails(
        &["refills", "send", "--contractor", "Тонер-Сервіс", "--warehouse", "CENTRAL", "CE285A=5", "TN-2375=3"],
        "not enough empty TN-2375",
    );
    w.fails(&["refills", "send", "--contractor", "Тонер-Сервіс", "--warehouse", "CENTRAL", "CE285A"], "ARTICLE=N");
    w.fails(&["refills", "send", "--contractor", "Nobody", "--warehouse", "CENTRAL", "CE285A=1"], "Nobody");
    assert_eq!((levels(&w, "CE285A"), levels(&w, "TN-2375")), before);
    assert!(w.json_rows(&["refills", "list"]).is_empty());

    let out = w
        .cmd()
        .args(["refills", "send", "--contractor", "id:1", "--warehouse", "CENTRAL", "CE285A=5", "TN-2375=2"])
        .args(["--note", "до п'ятниці", "--handover", "handover.xlsx"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{said}");
    // Its number (PostgreSQL spends numbers on refused ones too).
    let n: String = said.trim_start_matches("refill batch ").chars().take_while(char::is_ascii_digit).collect();
    assert!(said.contains(&format!("refill batch {n}: 7 empties from Центральный склад to Тонер-Сервіс")), "{said}");
    assert!(said.contains("wrote the handover document handover.xlsx"), "{said}");
    assert_eq!(levels(&w, "CE285A").1, before.0.1 - 5);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(w.path().join("handover.xlsx")).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "Handover").unwrap();
    let text: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    for want in [
        format!("Refill batch {n}").as_str(),
        "Тонер-Сервіс",
        "Центральный склад",
        "CE285A",
        "TN-2375",
        "до п'ятниці",
        "7",
    ] {
        assert!(text.iter().any(|t| t == want), "{want} in {text:?}");
    }

    // Back in part; a rejection needs a reason; not more than is out.
    w.fails(&["refills", "receive", &n, "--rejected", "TN-2375=1"], "why");
    w.fails(&["refills", "receive", &n, "CE285A=6"], "only 5 of CE285A");
    w.fails(&["refills", "receive", &n, "CF283A=1"], &format!("CF283A is not in refill batch {n}"));
    w.fails(&["refills", "receive", "99", "CE285A=1"], "99");
    w.cmd()
        .args(["refills", "receive", &n, "CE285A=4", "--rejected", "TN-2375=1", "--reason", "тріснутий барабан"])
        .assert()
        .success()
        .stdout(contains(format!("refill batch {n}: 2 still at Тонер-Сервіс")));
    assert_eq!(levels(&w, "CE285A").0, before.0.0 + 4, "refilled into full stock");
    let lines = w.json_rows(&["refills", "show", &n]);
    assert_eq!(lines[1]["reason"], "тріснутий барабан");
    assert_eq!(w.json_rows(&["refills", "list", "--open"]).len(), 1);
    w.cmd().args(["stock", "check"]).assert().success();
    w.cmd()
        .args(["refills", "receive", &n, "CE285A=1", "TN-2375=1"])
        .assert()
        .success()
        .stdout(contains(format!("refill batch {n} is closed")));
    w.fails(&["refills", "receive", &n, "CE285A=1"], "closed");
    assert!(w.json_rows(&["refills", "list", "--open"]).is_empty());
    let listed = w.json_rows(&["refills", "list"]);
    assert_eq!((listed[0]["received"].as_i64(), listed[0]["rejected"].as_i64()), (Some(6), Some(1)));
    let books = w.json_rows(&["stock", "check"]);
    assert!(books.iter().all(|b| b["balanced"] == true));
}
