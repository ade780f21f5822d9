//! The real binary: seeding, people, branches and stock.

mod support;

use predicates::prelude::*;
use predicates::str::contains;
use support::{Workdir, fixtures};

#[test]
fn seed_loads_fixtures_and_is_idempotent() {
    let w = Workdir::new();
    let first = w.cmd().args(["seed", "--format", "json", "--fixtures"]).arg(fixtures()).output().unwrap();
    assert!(first.status.success());
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    let added: Vec<(String, u64)> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["table"].as_str().unwrap().into(), l["added"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        added,
        [
            ("calendars", 2),
            ("calendar_days", 8),
            ("branches", 8),
            ("warehouses", 6),
            ("cartridge_types", 12),
            ("stock_items", 23),
            ("users", 6),
            ("printers", 16)
        ]
        .map(|(t, n)| (t.to_string(), n))
    );
    let again = w.cmd().args(["seed", "--format", "json", "--fixtures"]).arg(fixtures()).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let tables: Vec<&str> = report.as_array().unwrap().iter().map(|l| l["table"].as_str().unwrap()).collect();
    assert_eq!(
        tables,
        ["calendars", "calendar_days", "branches", "warehouses", "cartridge_types", "stock_items", "users", "printers"],
        "{report}"
    );
    for line in report.as_array().unwrap() {
        assert_eq!(line["added"], 0, "{line}");
        assert_eq!(line["updated"], 0, "{line}");
    }
    // A changed branch name is updated, stock that moved since is left alone.
    let dir = tempfile::tempdir().unwrap();
    for f in SAMPLE_FILES {
        std::fs::copy(fixtures().join(f), dir.path().join(f)).unwrap();
    }
    let branches = std::fs::read_to_string(dir.path().join("branches.csv")).unwrap().replace("Львов,", "Львов-центр,");
    std::fs::write(dir.path().join("branches.csv"), branches).unwrap();
    let stock = std::fs::read_to_string(dir.path().join("stock.csv"))
        .unwrap()
        .replace("CF283A,CENTRAL,40", "CF283A,CENTRAL,999");
    std::fs::write(dir.path().join("stock.csv"), stock).unwrap();
    w.cmd().args(["seed", "--fixtures"]).arg(dir.path()).assert().success();
    w.cmd().args(["branches", "list"]).assert().success().stdout(contains("Львов-центр"));
    w.cmd()
        .args(["stock", "list", "--warehouse", "CENTRAL", "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("CF283A,HP 83A черный,40,0,10,false"));
}

#[test]
fn a_bad_fixture_line_names_file_and_line_and_loads_nothing() {
    let w = Workdir::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("branches.csv"), dir.path().join("branches.csv")).unwrap();
    std::fs::write(
        dir.path().join("staff.csv"),
        "telegram_id,full_name,role,branch,phone,language\n1,Good Person,support,HQ,+380441234567,uk\n2,Bad Phone,user,HQ,12345,ru\n",
    )
    .unwrap();
    w.cmd()
        .args(["seed", "--fixtures"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(contains("staff.csv line 3: '12345' is not a valid phone number"));
    // The branches file was fine, but nothing was written: one transaction.
    w.cmd().args(["branches", "list", "--format", "json"]).assert().success().stdout("[]\n");
    // An address with a comma and no quotes: one line saying so, not the CSV reader's own words.
    std::fs::write(dir.path().join("staff.csv"), "telegram_id,full_name,role,branch,phone,language\n").unwrap();
    let mut branches = std::fs::read_to_string(fixtures().join("branches.csv")).unwrap();
    branches.push_str("LUTSK,Луцк,Луцк, пр. Свободы, 1\n");
    std::fs::write(dir.path().join("branches.csv"), &branches).unwrap();
    let line = branches.lines().count();
    w.cmd().args(["seed", "--fixtures"]).arg(dir.path()).assert().code(1).stderr(format!(
        "error: {}/branches.csv line {line}: 5 fields where the header has 4 (code,name,address,calendar); \
         a value with a comma needs \"quotes\"\n",
        dir.path().display()
    ));
    w.cmd().args(["branches", "list", "--format", "json"]).assert().success().stdout("[]\n");
}

/// The sample files, in load order.
const SAMPLE_FILES: [&str; 8] = [
    "calendars.csv",
    "holidays.csv",
    "branches.csv",
    "warehouses.csv",
    "cartridges.csv",
    "stock.csv",
    "staff.csv",
    "printers.csv",
];

/// What `seed --format json` reported: (table, file, added) per file.
fn seed_report(out: &std::process::Output) -> Vec<(String, String, u64)> {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (l["table"].as_str().unwrap().into(), l["file"].as_str().unwrap().into(), l["added"].as_u64().unwrap())
        })
        .collect()
}

/// The reference data in `w`'s database as the listings show it, without the times rows were written.
fn reference_data(w: &Workdir) -> Vec<serde_json::Value> {
    [&["branches", "list"][..], &["calendars", "list"], &["stock", "list"], &["users", "list"]]
        .iter()
        .map(|args| {
            let out = w.cmd().args(*args).args(["--format", "json"]).output().unwrap();
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
            let mut rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            for row in rows.as_array_mut().unwrap() {
                for key in ["id", "created", "updated", "last_seen"] {
                    row.as_object_mut().unwrap().remove(key);
                }
            }
            rows
        })
        .collect()
}

#[test]
fn seed_without_a_fixtures_directory_loads_the_built_in_sample_set() {
    // An installed binary run anywhere: no ./fixtures in the working directory.
    let w = Workdir::new();
    assert!(!w.path().join("fixtures").exists());
    let out = w.cmd().args(["seed", "--format", "json"]).output().unwrap();
    let added: Vec<(String, String, u64)> = seed_report(&out);
    assert_eq!(
        added,
        [
            ("calendars", "calendars.csv", 2),
            ("calendar_days", "holidays.csv", 8),
            ("branches", "branches.csv", 8),
            ("warehouses", "warehouses.csv", 6),
            ("cartridge_types", "cartridges.csv", 12),
            ("stock_items", "stock.csv", 23),
            ("users", "staff.csv", 6),
            ("printers", "printers.csv", 16)
        ]
        .map(|(t, f, n)| (t.to_string(), format!("built-in:{f}"), n))
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "loaded the built-in sample set (use --fixtures DIR for your own; \
         --write-fixtures DIR writes this set out as a template)\n"
    );
    // The same data the repository's fixtures/ gives.
    let from_repo = Workdir::seeded();
    assert_eq!(reference_data(&w), reference_data(&from_repo));
    // A second run changes nothing.
    let again = w.cmd().args(["seed", "--format", "json"]).output().unwrap();
    let again = seed_report(&again);
    assert_eq!(again.len(), SAMPLE_FILES.len(), "{again:?}");
    assert!(again.iter().all(|(_, _, added)| *added == 0), "{again:?}");
    // A database with reference data of its own does not get the sample set mixed in.
    w.cmd().args(["branches", "add", "LUTSK", "Луцк"]).assert().success();
    w.cmd().arg("seed").assert().code(1).stderr(
        "error: the database has reference data of its own (branch LUTSK is not in the built-in sample set), \
         so the sample set is not loaded into it; pass --fixtures DIR to load yours\n",
    );
}

#[test]
fn seed_demo_works_from_an_empty_directory() {
    let w = Workdir::new();
    w.cmd()
        .args(["seed", "--demo", "--requests", "30"])
        .assert()
        .success()
        .stdout(contains("added 30 demo requests"))
        .stderr(contains("loaded the built-in sample set"));
    // Again: the reference data already there will do, as before.
    w.cmd().args(["seed", "--demo", "--requests", "5"]).assert().success().stdout(contains("added 5 demo requests"));
}

#[test]
fn write_fixtures_writes_a_template_that_seeds_like_the_built_in_set() {
    let w = Workdir::new();
    w.cmd().args(["seed", "--write-fixtures", "org/fixtures"]).assert().success().stdout(format!(
        "{}edit them to hold your own calendars, branches, warehouses, cartridges, stock, staff and printers, \
             then run: helpdesk seed --fixtures org/fixtures\n",
        SAMPLE_FILES.map(|f| format!("wrote org/fixtures/{f}\n")).concat()
    ));
    let written = w.path().join("org/fixtures");
    for f in SAMPLE_FILES {
        assert_eq!(std::fs::read(written.join(f)).unwrap(), std::fs::read(fixtures().join(f)).unwrap(), "{f}");
    }
    // Nothing went to the database: on SQLite the file was not even made;
    // on either backend (opening it now) it holds no reference data.
    if w.pg.is_none() {
        assert!(!w.db().exists());
    }
    assert_eq!(reference_data(&w), [(); 4].map(|_| serde_json::json!([])));
    assert_eq!(
        w.ints(
            "SELECT (SELECT count(*) FROM branches), (SELECT count(*) FROM warehouses), \
             (SELECT count(*) FROM cartridge_types), (SELECT count(*) FROM stock_items), (SELECT count(*) FROM users)"
        ),
        [0; 5]
    );
    // Existing files are not overwritten without --force; the first one found is named.
    std::fs::write(written.join("staff.csv"), "telegram_id,full_name,role,branch,phone,language\n").unwrap();
    w.cmd().args(["seed", "--write-fixtures", "org/fixtures"]).assert().code(1).stdout("").stderr(
        "error: org/fixtures/calendars.csv already exists; pass --force to overwrite it, or name another directory\n",
    );
    assert_eq!(
        std::fs::read(written.join("staff.csv")).unwrap(),
        b"telegram_id,full_name,role,branch,phone,language\n"
    );
    w.cmd().args(["seed", "--write-fixtures", "org/fixtures", "--force"]).assert().success();
    assert_eq!(std::fs::read(written.join("staff.csv")).unwrap(), std::fs::read(fixtures().join("staff.csv")).unwrap());
    w.cmd().args(["seed", "--force"]).assert().code(2);
    // What was written loads back unchanged: the same data as the built-in set.
    w.cmd().args(["seed", "--fixtures", "org/fixtures"]).assert().success().stderr("");
    let built_in = Workdir::new();
    built_in.cmd().arg("seed").assert().success();
    assert_eq!(reference_data(&w), reference_data(&built_in));
    // Written to ./fixtures, it is what a plain `helpdesk seed` loads, and it says so.
    let here = Workdir::new();
    here.cmd().args(["seed", "--write-fixtures", "fixtures"]).assert().success();
    let out = here.cmd().args(["seed", "--format", "json"]).output().unwrap();
    let files: Vec<String> = seed_report(&out).into_iter().map(|(_, file, _)| file).collect();
    assert_eq!(files, SAMPLE_FILES.map(|f| format!("fixtures/{f}")));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "loaded ./fixtures, found in the working directory (use --fixtures DIR for another set)\n"
    );
    assert_eq!(reference_data(&here), reference_data(&built_in));
}

#[test]
fn a_missing_fixtures_directory_is_one_line() {
    let w = Workdir::new();
    w.cmd().args(["seed", "--fixtures", "nope"]).assert().code(1).stdout("").stderr(
        "error: fixtures directory nope not found; check the path, \
         or write a template there to fill in with `helpdesk seed --write-fixtures nope`\n",
    );
    w.cmd().args(["seed", "--demo", "--fixtures", "nope"]).assert().code(1).stderr(contains("nope not found"));
    w.cmd().args(["branches", "list", "--format", "json"]).assert().success().stdout("[]\n");
    // A template cannot go where a file is.
    std::fs::write(w.path().join("taken"), "").unwrap();
    w.cmd()
        .args(["seed", "--write-fixtures", "taken"])
        .assert()
        .code(1)
        .stderr("error: taken is a file, not a directory; name a directory to write to\n");
}

#[test]
fn users_add_list_set_role_block() {
    let w = Workdir::seeded();
    w.cmd()
        .args(["users", "add", "555000111", "--name", "Тарас Шевчук", "--branch", "LVIV", "--phone", "067 123 45 67"])
        .assert()
        .success()
        .stdout(contains("added Тарас Шевчук (555000111) as user"));
    w.cmd()
        .args(["users", "list", "--branch", "LVIV", "--format", "csv"])
        .assert()
        .success()
        // A phone number starts with + and so is written as text for a spreadsheet.
        .stdout(contains("555000111,Тарас Шевчук,user,LVIV,'+380671234567"));
    w.cmd()
        .args(["users", "list", "--branch", "LVIV", "--format", "json"])
        .assert()
        .success()
        .stdout(contains("\"phone\":\"+380671234567\""));
    w.cmd().args(["users", "set-role", "555000111", "support"]).assert().success().stdout(contains("user -> support"));
    w.cmd().args(["users", "set-role", "555000111", "support"]).assert().success().stdout(contains("already support"));
    w.cmd().args(["users", "list", "--staff", "--format", "json"]).assert().success().stdout(contains("555000111"));
    w.cmd().args(["users", "block", "555000111"]).assert().success().stdout(contains("now blocked"));
    w.cmd()
        .args(["users", "list", "--blocked", "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("555000111").and(contains("100000001").not()));
    w.cmd().args(["users", "unblock", "555000111"]).assert().success().stdout(contains("now not blocked"));
    // Every change is in the audit log with the operator's login.
    let logs = w.store().read().unwrap().logs("user", "555000111").unwrap();
    let actions: Vec<&str> = logs.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(actions, ["user.add", "user.set_role", "user.block", "user.unblock"]);
    assert!(logs.iter().all(|l| l.actor == "cli:tester"));
}

#[test]
fn super_admins_come_from_configuration_only() {
    let w = Workdir::seeded();
    w.cmd()
        .env("HELPDESK_SUPER_ADMINS", "100000002")
        .args(["users", "list", "--role", "super_admin", "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("100000002,Андрей Мельник,super_admin"));
    w.cmd()
        .env("HELPDESK_SUPER_ADMINS", "100000002")
        .args(["users", "set-role", "100000002", "user"])
        .assert()
        .code(1)
        .stderr(contains("is a super admin from the configuration (HELPDESK_SUPER_ADMINS)"));
    w.cmd()
        .args(["users", "set-role", "100000002", "super_admin"])
        .assert()
        .code(2)
        .stderr(contains("possible values"));
}

#[test]
fn user_errors_are_one_clear_line() {
    let w = Workdir::seeded();
    let cases: &[(&[&str], &str)] = &[
        (
            &["users", "add", "42", "--name", "X", "--branch", "NOWHERE"],
            "error: unknown branch 'NOWHERE'; run `helpdesk branches list` to see them\n",
        ),
        (
            &["users", "add", "42", "--name", "X", "--phone", "12-34"],
            "error: '12-34' is not a valid phone number: use the international form, e.g. +380 44 123 4567 or +7 916 123-45-67\n",
        ),
        (
            &["users", "add", "100000001", "--name", "X"],
            "error: user 100000001 already exists; change their role with `users set-role`\n",
        ),
        (&["users", "add", "0", "--name", "X"], "error: '0' is not a Telegram user ID; it must be a positive number\n"),
        (&["users", "set-role", "999", "admin"], "error: unknown user '999'; run `helpdesk users list` to see them\n"),
        (&["users", "block", "999"], "error: unknown user '999'; run `helpdesk users list` to see them\n"),
    ];
    for (args, expected) in cases {
        let out = w.cmd().args(*args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), *expected, "{args:?}");
        assert!(out.stdout.is_empty());
    }
    // Nothing was written by the failures.
    assert!(w.store().read().unwrap().user(42).unwrap().is_none());
}

#[test]
fn branches_add_and_refuse_duplicates() {
    let w = Workdir::seeded();
    w.cmd()
        .args(["branches", "add", "LUTSK", "Луцк", "--address", "Луцк, пр. Свободы, 1"])
        .assert()
        .success()
        .stdout(contains("added branch LUTSK (Луцк)"));
    w.cmd()
        .args(["branches", "add", "lutsk", "Другой"])
        .assert()
        .code(1)
        .stderr("error: a branch with code 'LUTSK' already exists (Луцк)\n");
    w.cmd()
        .args(["branches", "add", "BAD CODE", "X"])
        .assert()
        .code(1)
        .stderr(contains("branch code 'BAD CODE' is not valid"));
    let out = w.cmd().args(["branches", "list", "--format", "json"]).output().unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 9);
}

#[test]
fn stock_list_filters_by_warehouse_and_low() {
    let w = Workdir::seeded();
    let out = w.cmd().args(["stock", "list", "--low", "--format", "json"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["quantity"].as_i64() < r["minimum"].as_i64() && r["low"] == true));
    let out = w.cmd().args(["stock", "list", "--warehouse", "LVIV-WH", "--format", "json"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    w.cmd()
        .args(["stock", "list", "--warehouse", "MOON"])
        .assert()
        .code(1)
        .stderr("error: unknown warehouse 'MOON'; run `helpdesk stock list` to see the warehouses\n");
}

/// Issue 13: a key that is one branch's code and another's id names two
/// branches; it is refused, naming both and how to pick one, until it says which.
#[test]
fn a_key_naming_two_branches_is_refused_until_it_says_which() {
    let w = Workdir::seeded();
    assert_eq!(w.int("SELECT id FROM branches WHERE code = 'LVIV'"), 3, "the fixtures number Lviv 3");
    w.cmd().args(["branches", "add", "3", "Тестовый филиал"]).assert().success();
    let test_id = w.int("SELECT id FROM branches WHERE code = '3'");
    let expected = format!(
        "error: branch '3' is ambiguous: it is the code of Тестовый филиал (code 3, id {test_id}) and the id of \
         Львов (code LVIV, id 3); write code:3 or id:3 to pick one\n"
    );
    let out = w.path().join("out.csv");
    let cases: &[&[&str]] = &[
        &["users", "list", "--branch", "3"],
        &["users", "add", "555000112", "--name", "Тарас Шевчук", "--branch", "3"],
        &["requests", "list", "--branch", "3"],
        &["export", "-o", out.to_str().unwrap(), "--branch", "3"],
    ];
    for args in cases {
        let run = w.cmd().args(*args).output().unwrap();
        assert_eq!(run.status.code(), Some(1), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&run.stderr), expected, "{args:?}");
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    assert!(!out.exists());
    assert_eq!(w.int("SELECT count(*) FROM users WHERE telegram_id = 555000112"), 0);
    // Saying which: by id, by code, by name.
    w.cmd()
        .args(["users", "list", "--branch", "id:3", "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("100000004,Ірина Шевченко,support,LVIV"));
    w.cmd().args(["users", "add", "555000112", "--name", "Тарас Шевчук", "--branch", "code:3"]).assert().success();
    w.cmd()
        .args(["users", "list", "--branch", "code:3", "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("555000112,Тарас Шевчук,user,3").and(contains("Ірина").not()));
    w.cmd()
        .args(["users", "list", "--branch", "name:Львов", "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("Ірина Шевченко").and(contains("555000112").not()));
    // A key that names one branch only is taken as before, whichever field it is.
    w.cmd().args(["users", "list", "--branch", "Львов"]).assert().success().stdout(contains("Ірина Шевченко"));
    w.cmd().args(["users", "list", "--branch", "lviv"]).assert().success().stdout(contains("Ірина Шевченко"));
    // A said field is looked up in that field only.
    w.cmd()
        .args(["users", "list", "--branch", "code:Львов"])
        .assert()
        .code(1)
        .stderr("error: unknown branch 'code:Львов'; run `helpdesk branches list` to see them\n");
    w.cmd().args(["users", "list", "--branch", "id:x"]).assert().code(2).stderr(contains("an id is a whole number"));
}

/// The same for warehouses: `--warehouse 1` when one warehouse's code is
/// another's id (and `1c:` for a 1C id).
#[test]
fn a_key_naming_two_warehouses_is_refused_until_it_says_which() {
    let w = Workdir::new();
    let dir = tempfile::tempdir().unwrap();
    for f in SAMPLE_FILES {
        std::fs::copy(fixtures().join(f), dir.path().join(f)).unwrap();
    }
    let mut warehouses = std::fs::read_to_string(dir.path().join("warehouses.csv")).unwrap();
    warehouses.push_str("1,Склад-двойник,,\n");
    std::fs::write(dir.path().join("warehouses.csv"), warehouses).unwrap();
    w.cmd().args(["seed", "--fixtures"]).arg(dir.path()).assert().success();
    assert_eq!(w.int("SELECT id FROM warehouses WHERE code = 'CENTRAL'"), 1);
    let twin = w.int("SELECT id FROM warehouses WHERE code = '1'");
    w.cmd().args(["stock", "list", "--warehouse", "1"]).assert().code(1).stderr(format!(
        "error: warehouse '1' is ambiguous: it is the code of Склад-двойник (code 1, id {twin}) and the id of \
         Центральный склад (code CENTRAL, id 1); write code:1 or id:1 to pick one\n"
    ));
    w.cmd()
        .args(["stock", "list", "--warehouse", "id:1", "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("CF283A,HP 83A черный,40"));
    w.cmd().args(["stock", "list", "--warehouse", "code:1", "--format", "json"]).assert().success().stdout("[]\n");
    w.cmd()
        .args(["stock", "list", "--warehouse", "1c:9f1c2a5e-1b7d-11ee-8c90-0242ac120002", "--format", "csv"])
        .assert()
        .success()
        .stdout(contains("CF283A,HP 83A черный,40"));
}
