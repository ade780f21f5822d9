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

#[test]
fn a_demo_consumption_history_balances_is_forecast_and_beats_the_90_day_average() {
    let w = Workdir::new();
    w.cmd().args(["seed", "--fixtures"]).arg(support::fixtures()).assert().success();
    // Nothing issued yet: nothing to backtest, said in one line.
    w.fails(&["stock", "backtest"], "enough issue history");
    w.cmd()
        .args(["seed", "--demo", "--requests", "0", "--consumption", "--months", "30"])
        .assert()
        .success()
        .stdout(contains("and a consumption history of"));
    // Every order issued through the ledger: the books balance.
    let (code, _) = json(&w, &["stock", "check"]);
    assert_eq!(code, 0);
    // The forecast beats the 90-day average on the demo's known trends and seasons.
    let (code, rows) = json(&w, &["stock", "backtest"]);
    assert_eq!(code, 0);
    let all = rows.iter().find(|r| r["warehouse"] == "all").unwrap();
    assert!(all["ratio"].as_f64().unwrap() <= 0.9, "{all}");
    assert!(rows.len() > 10, "every warehouse and type with issues: {}", rows.len());
    // Soonest to run out first; within a number of days, only those.
    let (code, rows) = json(&w, &["stock", "forecast"]);
    assert_eq!(code, 0);
    let days: Vec<Option<i64>> = rows.iter().map(|r| r["days_left"].as_i64()).collect();
    let known: Vec<i64> = days.iter().flatten().copied().collect();
    assert!(known.windows(2).all(|p| p[0] <= p[1]), "{days:?}");
    assert!(days.iter().skip_while(|d| d.is_some()).all(|d| d.is_none()), "unknown last: {days:?}");
    assert!(rows.iter().any(|r| r["order"].as_i64().unwrap() > 0), "something to order");
    let (_, soon) = json(&w, &["stock", "forecast", "--within", "2w", "--warehouse", "CENTRAL"]);
    assert!(soon.iter().all(|r| r["days_left"].as_i64().unwrap() <= 14 && r["warehouse"] == "Центральный склад"));
    w.cmd().args(["stock", "forecast"]).assert().success().stdout(contains("runs_out"));
    // The digest of suggested orders: queued for the storekeepers (the sample set's two) and, with email on,
    // for the staff mailbox, in one transaction with its audit record.
    let to_order = rows.iter().filter(|r| r["order"].as_i64().unwrap() > 0).count();
    w.cmd()
        .args(["stock", "forecast", "--send"])
        .env("HELPDESK_EMAIL", "on")
        .env("HELPDESK_SMTP_HOST", "127.0.0.1")
        .env("HELPDESK_SMTP_FROM", "helpdesk@example.org")
        .env("HELPDESK_SMTP_STAFF_TO", "staff@example.org")
        .assert()
        .success()
        .stdout(contains(format!(
            "{to_order} suggested orders queued for 2 storekeepers in Telegram and 1 email addresses"
        )));
    assert_eq!(
        w.int("SELECT count(*) FROM outbox WHERE chat_id IN (100000005, 100000006) AND notice LIKE '%stock_forecast%'"),
        2
    );
    assert_eq!(w.int("SELECT count(*) FROM outbox WHERE email = 'staff@example.org'"), 1);
    assert_eq!(w.int("SELECT count(*) FROM logs WHERE action = 'stock.forecast_digest'"), 1);
    assert_eq!(w.int("SELECT count(*) FROM job_runs WHERE job = 'stock-forecast' AND ok"), 1);
    w.fails(&["stock", "forecast", "--warehouse", "NOWHERE"], "NOWHERE");
    w.cmd()
        .args(["stock", "forecast", "--within", "3h"])
        .assert()
        .code(2)
        .stderr(contains("not a whole number of days"));
    w.cmd()
        .env("HELPDESK_STOCK_LEAD_TIME", "soon")
        .args(["stock", "forecast"])
        .assert()
        .code(1)
        .stderr(contains("HELPDESK_STOCK_LEAD_TIME"));
}
