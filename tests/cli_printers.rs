//! The real binary: the printer registry. `seed` loads printers.csv (the
//! built-in sample set has printers at every branch); `printers list` filters
//! and prints a table, JSON or CSV; `add` and `retire` change it, audited;
//! bad input is one line and changes nothing.

mod support;

use predicates::prelude::*;
use predicates::str::contains;
use support::{Workdir, fixtures};

#[test]
fn printers_are_seeded_listed_added_and_retired() {
    let w = Workdir::seeded();
    let all = w.json_rows(&["printers", "list"]);
    assert_eq!(all.len(), 16, "the sample set's printers");
    let lviv = w.json_rows(&["printers", "list", "--branch", "LVIV"]);
    let numbers: Vec<&str> = lviv.iter().map(|p| p["inventory_number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["INV-0006", "INV-0007"]);
    assert_eq!(lviv[0]["model"], "Brother DCP-L2500DR");
    assert_eq!(lviv[0]["place"], "каб. 12, 2 этаж");
    assert_eq!(lviv[0]["cartridges"], "TN-2375");
    let hp: Vec<String> = w
        .json_rows(&["printers", "list", "--model", "laserjet pro"])
        .iter()
        .map(|p| p["inventory_number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(hp.len(), 6, "{hp:?}");
    let for_85a = w.json_rows(&["printers", "list", "--cartridge", "CE285A"]);
    assert_eq!(for_85a.iter().map(|p| p["branch"].as_str().unwrap()).collect::<Vec<_>>(), ["KHARKIV", "KYIV-POD"]);
    w.cmd()
        .args(["printers", "list", "--branch", "ODESA", "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("inventory_number,branch,model,place,serial,cartridges").and(contains("INV-0008,ODESA")));
    w.cmd()
        .args(["printers", "list", "--branch", "ODESA"])
        .assert()
        .success()
        .stdout(contains("Kyocera ECOSYS M2040dn"));

    // Added, with two cartridge types; its number is taken whatever the case.
    w.cmd()
        .args(["printers", "add", "INV-0042", "--branch", "LVIV", "--model", "HP LaserJet Pro M404dn"])
        .args(["--place", "каб. 14, 2 этаж", "--serial", "PHB00042", "--cartridge", "CF259A,CE285A"])
        .assert()
        .success()
        .stdout(contains("added printer INV-0042 (HP LaserJet Pro M404dn) at Львов"));
    let added = w.json_rows(&["printers", "list", "--branch", "LVIV"]);
    assert_eq!(added.len(), 3);
    let p = added.iter().find(|p| p["inventory_number"] == "INV-0042").unwrap();
    assert_eq!(p["cartridges"], "CE285A;CF259A", "in catalog order");
    assert_eq!(p["serial"], "PHB00042");
    w.fails(
        &["printers", "add", "inv-0042", "--branch", "HQ", "--model", "X"],
        "inventory number 'INV-0042' already exists",
    );
    w.fails(&["printers", "add", "INV-0099", "--branch", "NOWHERE", "--model", "X"], "unknown branch 'NOWHERE'");
    w.fails(
        &["printers", "add", "INV-0099", "--branch", "HQ", "--model", "X", "--cartridge", "NOPE"],
        "unknown cartridge type 'NOPE'",
    );
    w.fails(&["printers", "add", "  ", "--branch", "HQ", "--model", "X"], "the inventory number is empty");
    assert_eq!(w.json_rows(&["printers", "list"]).len(), 17, "nothing added by the refusals");

    // Retired: kept, left out of listings unless asked for, and retired once.
    w.cmd()
        .args(["printers", "retire", "inv-0042"])
        .assert()
        .success()
        .stdout(contains("printer INV-0042 (HP LaserJet Pro M404dn) at Львов is retired"));
    assert_eq!(w.json_rows(&["printers", "list"]).len(), 16);
    let with_retired = w.json_rows(&["printers", "list", "--retired"]);
    assert_eq!(with_retired.len(), 17);
    assert!(with_retired.iter().any(|p| p["inventory_number"] == "INV-0042" && p["retired"].is_string()));
    w.fails(
        &["printers", "retire", "INV-9999"],
        "unknown printer 'INV-9999'; run `helpdesk printers list` to see them",
    );
    let log = w.rows("SELECT actor, action FROM logs WHERE entity = 'printer' ORDER BY id");
    let log: Vec<String> = log.iter().map(|r| format!("{} {}", r[0].text().unwrap(), r[1].text().unwrap())).collect();
    assert_eq!(log, ["cli:tester printer.add", "cli:tester printer.retire"]);
}

#[test]
fn a_printers_csv_naming_an_unknown_branch_or_cartridge_names_file_and_line_and_loads_nothing() {
    let w = Workdir::new();
    let dir = tempfile::tempdir().unwrap();
    for f in ["branches.csv", "cartridges.csv"] {
        std::fs::copy(fixtures().join(f), dir.path().join(f)).unwrap();
    }
    let good = "inventory_number,branch,model,place,serial,cartridges\nINV-1,HQ,HP M125,каб. 1,,CF283A\n";
    for (bad, needle) in [
        ("INV-2,NOWHERE,HP M125,,,CF283A", "printers.csv line 3: unknown branch 'NOWHERE'"),
        ("INV-2,LVIV,HP M125,,,CF283A;XX-1", "printers.csv line 3: unknown cartridge type 'XX-1'"),
        ("INV-2,LVIV,,,,CF283A", "printers.csv line 3: the printer model is empty"),
    ] {
        std::fs::write(dir.path().join("printers.csv"), format!("{good}{bad}\n")).unwrap();
        let out = w.cmd().args(["seed", "--fixtures"]).arg(dir.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(needle), "{stderr:?} lacks {needle:?}");
        assert_eq!(w.int("SELECT count(*) FROM printers"), 0, "nothing loaded");
        assert_eq!(w.int("SELECT count(*) FROM branches"), 0, "not even the good files");
    }
    // Loaded, then loaded again: nothing changes the second time; a change is an update.
    std::fs::write(dir.path().join("printers.csv"), good).unwrap();
    w.cmd().args(["seed", "--fixtures"]).arg(dir.path()).assert().success();
    let again = w.cmd().args(["seed", "--format", "json", "--fixtures"]).arg(dir.path()).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let printers = report.as_array().unwrap().iter().find(|l| l["table"] == "printers").unwrap().clone();
    assert_eq!((printers["added"].as_u64(), printers["unchanged"].as_u64()), (Some(0), Some(1)), "{report}");
    std::fs::write(dir.path().join("printers.csv"), good.replace("каб. 1", "каб. 2")).unwrap();
    w.cmd().args(["seed", "--fixtures"]).arg(dir.path()).assert().success();
    assert_eq!(w.json_rows(&["printers", "list"])[0]["place"], "каб. 2");
}
