//! The real binary: full and empty stock, empties brought in, and
//! `stock check` balancing the books (and naming what does not balance).

mod support;

use predicates::str::contains;
use support::Workdir;

fn json(w: &Workdir, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let out = w.cmd().args(args).args(["--format", "json"]).output().unwrap();
    let rows = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap().as_array().unwrap().clone();
    (out.status.code().unwrap(), rows)
}

#[test]
fn empties_are_received_listed_and_the_books_balance_until_someone_changes_stock_behind_them() {
    let w = Workdir::sqlite();
    w.cmd().args(["seed", "--fixtures"]).arg(support::fixtures()).assert().success();
    w.cmd()
        .args(["stock", "empties", "CENTRAL", "CE285A", "5", "--note", "из Львова"])
        .assert()
        .success()
        .stdout(contains("received 5 empty CE285A at CENTRAL; 5 empty there now"));
    let (_, rows) = json(&w, &["stock", "list", "--warehouse", "CENTRAL"]);
    let ce = rows.iter().find(|r| r["article"] == "CE285A").unwrap();
    assert_eq!((ce["quantity"].as_i64(), ce["empty"].as_i64()), (Some(35), Some(5)));
    // Bad input: one line, nothing changed.
    w.fails(&["stock", "empties", "CENTRAL", "CE285A", "0"], "1000");
    w.fails(&["stock", "empties", "NOWHERE", "CE285A", "1"], "NOWHERE");
    w.fails(&["stock", "empties", "CENTRAL", "XX-1", "1"], "XX-1");
    let (code, books) = json(&w, &["stock", "check"]);
    assert_eq!(code, 0);
    assert_eq!(books.len(), 23, "every stock row of the sample set");
    let ce = books.iter().find(|b| b["article"] == "CE285A" && b["warehouse"] == "Центральный склад").unwrap();
    assert_eq!((ce["received"].as_i64(), ce["full"].as_i64(), ce["empty"].as_i64()), (Some(40), Some(35), Some(5)));
    assert!(books.iter().all(|b| b["balanced"] == true));

    // Stock changed behind the ledger's back is named, and the exit code says so.
    rusqlite::Connection::open(w.db())
        .unwrap()
        .execute(
            "UPDATE stock_items SET quantity = quantity + 2 WHERE cartridge_type_id = \
             (SELECT id FROM cartridge_types WHERE vendor_article = 'TN-2375') AND warehouse_id = \
             (SELECT id FROM warehouses WHERE code = 'CENTRAL')",
            [],
        )
        .unwrap();
    let out = w.cmd().args(["stock", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("TN-2375"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("do not balance"));
    let (code, books) = json(&w, &["stock", "check"]);
    assert_eq!(code, 1);
    let off: Vec<&serde_json::Value> = books.iter().filter(|b| b["balanced"] == false).collect();
    assert_eq!(off.len(), 1);
    assert_eq!(
        (off[0]["article"].as_str(), off[0]["warehouse"].as_str()),
        (Some("TN-2375"), Some("Центральный склад"))
    );
    let said = off[0]["differences"].as_str().unwrap();
    assert!(
        said.contains("received 12 but full 14") && said.contains("14 full in stock, the ledger says 12"),
        "{said}"
    );
}
