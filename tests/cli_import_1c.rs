//! The real binary importing 1C balances from the fixtures in `fixtures/1c/`:
//! both CommerceML balance shapes, the catalog, an xlsx and a Windows-1251 CSV
//! report, and malformed variants of each that must change nothing.

mod support;

use predicates::prelude::*;
use predicates::str::contains;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use support::{Workdir, change, import_changes, qty};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/1c").join(name)
}

/// Stock as (article, warehouse name) → quantity.
fn stock(w: &Workdir) -> BTreeMap<(String, String), i64> {
    support::stock_levels(&w.app().0)
}

/// Rows of one_c_imports and one_c_snapshot.
fn recorded(w: &Workdir) -> (i64, i64) {
    let n = w.ints("SELECT (SELECT count(*) FROM one_c_imports), (SELECT count(*) FROM one_c_snapshot)");
    (n[0], n[1])
}

/// Runs an import with `--format json` and returns the report.
fn import_json(w: &Workdir, args: &[&str], files: &[&str]) -> serde_json::Value {
    let out = w
        .cmd()
        .arg("import-1c")
        .args(files.iter().map(|f| fixture(f)))
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn no_files_is_a_usage_error() {
    let w = Workdir::new();
    w.cmd().arg("import-1c").assert().code(2).stderr(contains("<FILE>..."));
    // A real file with a bad option: refused before anything is read.
    w.cmd()
        .arg("import-1c")
        .arg(fixture("report-cp1251.csv"))
        .args(["--map", "colour=B"])
        .assert()
        .code(2)
        .stderr(contains("unknown field 'colour'"));
    // The database was not touched: on SQLite the file was not even made, on
    // PostgreSQL no table was; and (opening it now) nothing was imported.
    if w.pg.is_none() {
        assert!(!w.db().exists());
    } else {
        assert_eq!(w.int("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"), 0);
    }
    assert!(stock(&w).is_empty());
    assert_eq!(recorded(&w), (0, 0));
}

#[test]
fn offers_with_warehouse_attributes_set_stock_and_keep_the_snapshot() {
    let w = Workdir::seeded();
    let before = stock(&w);
    let out = w.cmd().arg("import-1c").arg(fixture("offers-2.08.xml")).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success());
    // The offer with only a total has nowhere to go: said on stderr, once.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("warning: 1 balance names no warehouse"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["files"][0]["format"], "CommerceML 2.08");
    assert_eq!(report["rows"], 15);
    assert_eq!(report["matched"], 12);
    assert_eq!(report["unmatched_items"], 1);
    assert_eq!(report["unmatched_warehouses"], 1);
    assert_eq!(report["without_warehouse"], 1);
    assert_eq!(report["unmatched_item_list"][0]["article"], "SVC-A4-500");
    assert_eq!(report["unmatched_item_list"][0]["quantity"], 100);
    assert_eq!(report["unmatched_warehouse_list"][0]["name"], "Склад Запорожье");
    assert_eq!(
        import_changes(&report),
        [
            change("CE285A", "Склад Одесса", 3, 5),
            change("CF217A", "Склад Харьков", 4, 3),
            change("CF283A", "Склад Львов", 5, 7),
            change("CF283A", "Центральный склад", 40, 38),
            // Matched by article: its 1C id is not the catalog's.
            change("CF540A", "Центральный склад", 4, 6),
            change("CRG-737", "Склад головного офиса", 3, 0),
            // Two characteristics of one item add up.
            change("TN-2375", "Центральный склад", 12, 13),
        ]
    );
    let after = stock(&w);
    assert_eq!(qty(&after, "CF283A", "Центральный склад"), Some(38));
    assert_eq!(qty(&after, "TN-2375", "Центральный склад"), Some(13));
    assert_eq!(qty(&after, "CRG-737", "Склад головного офиса"), Some(0));
    assert_eq!(qty(&after, "W1106A", "Центральный склад"), qty(&before, "W1106A", "Центральный склад"));
    // Nothing else moved.
    let moved = before.iter().filter(|(k, v)| after.get(*k) != Some(*v)).count();
    assert_eq!(moved, 7);
    assert_eq!(recorded(&w), (1, 15));
    // Unmatched rows are in the snapshot too, without ids.
    let found = w.ints(
        "SELECT (SELECT count(*) FROM one_c_snapshot WHERE item_article = 'SVC-A4-500' AND cartridge_type_id IS NULL \
           AND warehouse_id IS NOT NULL), \
         (SELECT count(*) FROM one_c_snapshot WHERE warehouse_name = 'Склад Запорожье' AND warehouse_id IS NULL \
           AND cartridge_type_id IS NOT NULL)",
    );
    assert_eq!(found, [1, 1]);
    // Audited, with who did it.
    let id = report["import_id"].as_i64().unwrap();
    let logs = w.store().read().unwrap().logs("one_c_import", &id.to_string()).unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!((logs[0].action.as_str(), logs[0].actor.as_str()), ("stock.import_1c", "cli:tester"));
    assert_eq!(logs[0].after.as_ref().unwrap()["stock_changed"], 7);
}

#[test]
fn offers_with_only_a_total_go_to_the_warehouse_given() {
    let w = Workdir::seeded();
    let out = w
        .cmd()
        .arg("import-1c")
        .arg(fixture("offers-2.08.xml"))
        .args(["--warehouse", "CENTRAL", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["matched"].as_i64(), report["without_warehouse"].as_i64()), (Some(13), Some(0)));
    assert!(import_changes(&report).contains(&change("W1106A", "Центральный склад", 15, 9)));
    assert_eq!(qty(&stock(&w), "W1106A", "Центральный склад"), Some(9));
    w.cmd()
        .arg("import-1c")
        .arg(fixture("rests-2.10.xml"))
        .args(["--warehouse", "MOON"])
        .assert()
        .code(1)
        .stderr("error: unknown warehouse 'MOON'; run `helpdesk stock list` to see the warehouses\n");
}

#[test]
fn rests_with_the_catalog_from_import_xml() {
    let w = Workdir::seeded();
    let report = import_json(&w, &[], &["import.xml", "rests-2.10.xml"]);
    let formats: Vec<&str> =
        report["files"].as_array().unwrap().iter().map(|f| f["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["CommerceML 2.10", "CommerceML 2.10"]);
    assert_eq!((report["rows"].as_i64(), report["matched"].as_i64()), (Some(8), Some(6)));
    assert_eq!(
        import_changes(&report),
        [
            // The catalog gives its article: that is how it matches.
            change("106R02773", "Центральный склад", 8, 10),
            change("CF259A", "Центральный склад", 18, 16),
            change("CRG-725", "Склад Львов", 2, 4),
            change("TK-1170", "Склад Днепр", 3, 1),
        ]
    );
    // rests.xml names nothing: the name is the catalog's.
    assert_eq!(report["unmatched_item_list"][0]["name"], "Картридж Ricoh SP 150HE");
    assert_eq!(report["unmatched_item_list"][0]["article"], "408010");
    assert_eq!(report["without_warehouse"], 1);
    assert_eq!(qty(&stock(&w), "TK-1170", "Склад Днепр"), Some(1));
    assert_eq!(recorded(&w), (1, 8));

    // Without the catalog, the item 1C knows by another id cannot be matched.
    let alone = Workdir::seeded();
    let report = import_json(&alone, &[], &["rests-2.10.xml"]);
    assert_eq!(import_changes(&report).len(), 3);
    let unmatched: Vec<&str> =
        report["unmatched_item_list"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(unmatched, ["f00dcafe-2c31-11ee-be56-0242ac120002", "d1d2d3d4-2c31-11ee-be56-0242ac120002"]);
}

#[test]
fn xlsx_report() {
    let w = Workdir::seeded();
    let report = import_json(&w, &[], &["report.xlsx"]);
    assert_eq!(report["files"][0]["format"], "xlsx");
    assert_eq!(report["files"][0]["detail"], "sheet 'Остатки', header on row 4");
    assert_eq!((report["rows"].as_i64(), report["matched"].as_i64()), (Some(5), Some(3)));
    assert_eq!(
        import_changes(&report),
        [change("CE285A", "Склад Одесса", 3, 4), change("CRG-737", "Центральный склад", 25, 24)]
    );
    assert_eq!(report["unmatched_item_list"][0]["name"], "Степлер офисный №24");
    assert_eq!(
        report["unmatched_item_list"][0]["first_seen"].as_str().unwrap(),
        format!("{}:8", fixture("report.xlsx").display())
    );
    assert_eq!(report["unmatched_warehouse_list"][0]["name"], "Склад Винница");
    assert_eq!(qty(&stock(&w), "CE285A", "Склад Одесса"), Some(4));
}

#[test]
fn windows_1251_csv_report() {
    let w = Workdir::seeded();
    let report = import_json(&w, &[], &["report-cp1251.csv"]);
    assert_eq!(report["files"][0]["detail"], "windows-1251, ';'-separated, header on row 4");
    assert_eq!((report["rows"].as_i64(), report["matched"].as_i64()), (Some(4), Some(3)));
    assert_eq!(
        import_changes(&report),
        [change("CF283A", "Центральный склад", 40, 36), change("CRG-725", "Склад Львов", 2, 3)]
    );
    assert_eq!(report["unmatched_item_list"][0]["name"], "Бумага офисная SvetoCopy A4, 500 листов");
    // The table names what did not match, decoded.
    let w = Workdir::seeded();
    w.cmd()
        .arg("import-1c")
        .arg(fixture("report-cp1251.csv"))
        .assert()
        .success()
        .stdout(contains("Items that match no cartridge type").and(contains("Бумага офисная SvetoCopy A4")))
        .stdout(contains("CF283A").and(contains("40 → 36")))
        .stdout(contains("stock rows changed"));
}

#[test]
fn the_same_content_twice_changes_nothing_and_says_so() {
    let w = Workdir::seeded();
    w.cmd().arg("import-1c").arg(fixture("offers-2.08.xml")).assert().success();
    // Stock moves on after the import (an issue): a repeat must not put it back.
    {
        let store = w.store();
        let mut tx = store.write().unwrap();
        let cf283a = tx.cartridge_type_by_article("CF283A").unwrap().unwrap();
        let central = tx.warehouse_by_code("CENTRAL").unwrap().unwrap();
        tx.move_stock(&support::stock_move(
            cf283a.id,
            central.id,
            helpdesk::domain::MoveKind::Issue,
            -3,
            0,
            support::t0(),
        ))
        .unwrap();
        tx.commit().unwrap();
    }
    let before = (stock(&w), recorded(&w));
    assert_eq!(qty(&before.0, "CF283A", "Центральный склад"), Some(35));
    w.cmd()
        .arg("import-1c")
        .arg(fixture("offers-2.08.xml"))
        .assert()
        .success()
        .stdout(contains("already imported on").and(contains("(import #1 of")).and(contains("nothing changed")));
    assert_eq!((stock(&w), recorded(&w)), before);
    // The same set of files in another order is the same content.
    w.cmd().arg("import-1c").arg(fixture("import.xml")).arg(fixture("rests-2.10.xml")).assert().success();
    let report = import_json(&w, &[], &["rests-2.10.xml", "import.xml"]);
    assert_eq!(report["already_imported"]["id"], 2);
    assert!(report["already_imported"]["imported_at"].as_str().unwrap().ends_with("+00:00"));
    assert_eq!(recorded(&w).0, 2);
    // A dry run of the latest import's content says so too.
    w.cmd()
        .arg("import-1c")
        .arg(fixture("rests-2.10.xml"))
        .arg(fixture("import.xml"))
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(contains("already imported"));
    // Imports of other files between do not make an old export new: still the latest of its own.
    w.cmd().arg("import-1c").arg(fixture("offers-2.08.xml")).assert().success().stdout(contains("already imported"));
    assert_eq!(recorded(&w).0, 2);
}

#[test]
fn the_same_files_read_another_way_are_another_import() {
    let w = Workdir::seeded();
    // Without --warehouse the total-only offer is left out, and the warning says to pass it...
    w.cmd()
        .arg("import-1c")
        .arg(fixture("offers-2.08.xml"))
        .assert()
        .success()
        .stderr(contains("1 balance names no warehouse").and(contains("was not placed; pass --warehouse")));
    assert_eq!(qty(&stock(&w), "W1106A", "Центральный склад"), Some(15));
    // ...which then places it, as a second import of the same file.
    w.cmd()
        .arg("import-1c")
        .arg(fixture("offers-2.08.xml"))
        .args(["--warehouse", "CENTRAL"])
        .assert()
        .success()
        .stdout(contains("imported as #2: 15 balances kept in the snapshot, 1 stock row changed"));
    assert_eq!(qty(&stock(&w), "W1106A", "Центральный склад"), Some(9));
    // Read the same way again (the warehouse spelt in another case), it is recognised.
    let report = import_json(&w, &["--warehouse", "central"], &["offers-2.08.xml"]);
    assert_eq!(report["already_imported"]["id"], 2);
    assert_eq!(recorded(&w).0, 2);

    // A map whose quantity column is empty everywhere (here: past the last column) is a wrong
    // map, not a report of zeros: one line, nothing recorded, nothing changed.
    let before = (stock(&w), recorded(&w));
    w.cmd()
        .arg("import-1c")
        .arg(fixture("report-cp1251.csv"))
        .args(["--map", "article=C,warehouse=A,quantity=F"])
        .assert()
        .code(1)
        .stderr(contains(
            "report-cp1251.csv: line 4: --map quantity=F: that column is empty in every row read; \
             name the column that holds the balances\n",
        ))
        .stderr(predicate::str::starts_with("error: ").and(predicate::str::is_match("^[^\n]*\n$").unwrap()));
    assert_eq!((stock(&w), recorded(&w)), before);
    // A map that reads the opening balance is wrong too, but it imports; the corrected map is
    // then a new import and sets the closing balance, not "already imported".
    let opening = import_json(&w, &["--map", "article=C,warehouse=A,quantity=D"], &["report-cp1251.csv"]);
    assert!(opening["import_id"].is_i64());
    assert_eq!(qty(&stock(&w), "CF283A", "Центральный склад"), Some(40));
    let closing = import_json(&w, &["--map", "article=3,warehouse=Склад,quantity=e"], &["report-cp1251.csv"]);
    assert!(closing["already_imported"].is_null(), "{closing}");
    assert_eq!(qty(&stock(&w), "CF283A", "Центральный склад"), Some(36));
    // The same map spelt another way is the same reading.
    let again = import_json(&w, &["--map", "quantity=5, warehouse=СКЛАД ,article=c"], &["report-cp1251.csv"]);
    assert_eq!(again["already_imported"]["id"], closing["import_id"]);
}

#[test]
fn dry_run_prints_the_differences_and_writes_nothing() {
    let w = Workdir::seeded();
    let before = (stock(&w), recorded(&w));
    w.cmd()
        .arg("import-1c")
        .arg(fixture("offers-2.08.xml"))
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(contains("Stock that would change:"))
        .stdout(contains("CF283A").and(contains("Центральный склад")).and(contains("40 → 38")))
        .stdout(contains("TN-2375").and(contains("12 → 13")))
        .stdout(contains("Склад Запорожье").and(contains("SVC-A4-500")))
        .stdout(contains("dry run: nothing was written; 7 stock rows would change"));
    assert_eq!((stock(&w), recorded(&w)), before);
    assert!(w.store().read().unwrap().logs("one_c_import", "1").unwrap().is_empty());
    // The real import afterwards is not taken for a repeat.
    w.cmd().arg("import-1c").arg(fixture("offers-2.08.xml")).assert().success().stdout(contains("imported as #1"));
    assert_ne!(stock(&w), before.0);
}

#[test]
fn bad_files_give_one_line_naming_file_and_position_and_change_nothing() {
    let w = Workdir::seeded();
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "bad/offers-truncated.xml",
            &[],
            "line 79: the file ends inside <Предложение> opened on line 77: it is cut short",
        ),
        ("bad/offers-malformed.xml", &[], "line 73: malformed XML: </Колличество> where </Количество> should close"),
        ("bad/offers-negative.xml", &[], "line 75: quantity '-2' is negative"),
        ("bad/offers-non-numeric.xml", &[], "line 91: quantity 'двадцать пять' is not a number"),
        ("bad/not-a-zip.xlsx", &[], "not an .xlsx workbook: such a file is a zip archive and this one is not"),
        ("bad/no-header.xlsx", &[], "sheet 'Лист1' has no header row in the first 30 rows"),
        ("bad/no-header.csv", &[], "it has no header row in the first 30 rows"),
        ("bad/report-fraction.csv", &[], "line 6, column E: quantity '2,500' is not a whole number"),
    ];
    let before = (stock(&w), recorded(&w));
    for (file, args, needle) in cases {
        let path = fixture(file);
        let out = w.cmd().arg("import-1c").arg(&path).args(*args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{file}: {stderr}");
        let expected = format!("error: {}: {needle}", path.display());
        assert!(stderr.starts_with(&expected), "{file}:\n  {stderr}  expected: {expected}");
        assert!(!stderr.contains("panicked"));
        assert!(out.stdout.is_empty(), "{file}");
    }
    // A good file with a bad one: nothing from either.
    w.cmd()
        .arg("import-1c")
        .arg(fixture("import.xml"))
        .arg(fixture("bad/offers-negative.xml"))
        .assert()
        .code(1)
        .stderr(contains("offers-negative.xml: line 75"));
    assert_eq!((stock(&w), recorded(&w)), before);
}

#[test]
fn files_that_cannot_be_imported_say_what_to_do() {
    let w = Workdir::seeded();
    w.cmd().args(["import-1c", "missing.xml"]).assert().code(1).stderr("error: missing.xml does not exist\n");
    w.cmd()
        .arg("import-1c")
        .arg(fixture("import.xml"))
        .assert()
        .code(1)
        .stderr(contains("found no balances in").and(contains("1C writes them to offers.xml")));
    w.cmd()
        .arg("import-1c")
        .arg(fixture("offers-2.08.xml"))
        .arg(fixture("offers-2.08.xml"))
        .assert()
        .code(1)
        .stderr(contains("is given twice"));
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("offers-copy.xml");
    std::fs::copy(fixture("offers-2.08.xml"), &copy).unwrap();
    w.cmd()
        .arg("import-1c")
        .arg(fixture("offers-2.08.xml"))
        .arg(&copy)
        .assert()
        .code(1)
        .stderr(contains("offers-copy.xml have the same content; give each export once"));
    // A sheet without a warehouse column needs --warehouse.
    let csv = dir.path().join("central.csv");
    std::fs::write(&csv, "Артикул;Количество\nCF283A;41\n").unwrap();
    w.cmd()
        .arg("import-1c")
        .arg(&csv)
        .assert()
        .code(1)
        .stderr(contains("line 1: the header has no Склад (warehouse) column; pass --warehouse WAREHOUSE"));
    w.cmd().arg("import-1c").arg(&csv).args(["--warehouse", "Центральный склад"]).assert().success();
    assert_eq!(qty(&stock(&w), "CF283A", "Центральный склад"), Some(41));
    // Other layouts: name the columns.
    let odd = dir.path().join("odd.csv");
    std::fs::write(&odd, "Позиция;Кат. номер;Где;Шт.\nHP 83A;CF283A;Склад Львов;9\n").unwrap();
    w.cmd().arg("import-1c").arg(&odd).assert().code(1).stderr(contains("no header row"));
    w.cmd().arg("import-1c").arg(&odd).args(["--map", "item=A,article=B,warehouse=Где,quantity=4"]).assert().success();
    assert_eq!(qty(&stock(&w), "CF283A", "Склад Львов"), Some(9));
}

/// The workbook fixtures, as they were made: writes `report.xlsx` and
/// `bad/no-header.xlsx` under `dir` (the committed ones are in `fixtures/1c/`).
fn write_xlsx_fixtures(dir: &Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let params = book.add_worksheet();
    params.set_name("Параметры").unwrap();
    params.write_string(0, 0, "Отбор: Номенклатура в группе \"Картриджи\"").unwrap();
    params.write_string(1, 0, "Дата отчета: 01.03.2026").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Остатки").unwrap();
    sheet.write_string_with_format(0, 0, "Остатки товаров на складах", &bold).unwrap();
    sheet.write_string(1, 0, "на 01.03.2026").unwrap();
    for (col, caption) in ["Номенклатура", "Артикул", "Склад", "Количество"].iter().enumerate()
    {
        sheet.write_string_with_format(3, col as u16, *caption, &bold).unwrap();
    }
    let rows: [(&str, &str, &str, f64); 5] = [
        ("Картридж HP 85A (CE285A) черный", "CE285A", "Склад Одесса", 4.0),
        ("Картридж Canon 737 черный", "CRG-737", "Центральный склад", 24.0),
        ("Тонер-картридж Kyocera TK-1170", "TK-1170", "Склад Днепр", 3.0),
        ("Степлер офисный №24", "", "Центральный склад", 12.0),
        ("Картридж HP 17A (CF217A) черный", "CF217A", "Склад Винница", 2.0),
    ];
    for (i, (name, article, warehouse, quantity)) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        sheet.write_string(r, 0, *name).unwrap();
        if !article.is_empty() {
            sheet.write_string(r, 1, *article).unwrap();
        }
        sheet.write_string(r, 2, *warehouse).unwrap();
        sheet.write_number(r, 3, *quantity).unwrap();
    }
    sheet.write_string_with_format(9, 0, "Итого", &bold).unwrap();
    sheet.write_number_with_format(9, 3, 45.0, &bold).unwrap();
    book.save(dir.join("report.xlsx")).unwrap();

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Лист1").unwrap();
    sheet.write_string(0, 0, "Отчет по остаткам").unwrap();
    sheet.write_string(2, 0, "Картридж HP 83A").unwrap();
    sheet.write_number(2, 1, 5.0).unwrap();
    sheet.write_string(3, 0, "Картридж HP 85A").unwrap();
    sheet.write_number(3, 1, 7.0).unwrap();
    std::fs::create_dir_all(dir.join("bad")).unwrap();
    book.save(dir.join("bad/no-header.xlsx")).unwrap();
}

/// A sheet's name and its cells (row, column, value).
type SheetCells = (String, Vec<(usize, usize, calamine::Data)>);

/// Every sheet of a workbook, in order.
fn workbook_cells(path: &Path) -> Vec<SheetCells> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let (top, left) = range.start().unwrap_or((0, 0));
            let cells = range.used_cells().map(|(r, c, v)| (r + top as usize, c + left as usize, v.clone())).collect();
            (name, cells)
        })
        .collect()
}

/// The committed workbook fixtures hold what the generator above writes (cell
/// by cell: the files carry the time they were written, so not byte by byte).
/// To change one, change the generator: a mismatch keeps what it wrote and
/// names where, to copy into `fixtures/1c/`.
#[test]
fn the_xlsx_fixtures_are_what_their_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    write_xlsx_fixtures(dir.path());
    for name in ["report.xlsx", "bad/no-header.xlsx"] {
        let (committed, generated) = (workbook_cells(&fixture(name)), workbook_cells(&dir.path().join(name)));
        assert!(generated.iter().any(|(_, cells)| !cells.is_empty()), "{name}: the generator wrote cells");
        if committed != generated {
            let kept = dir.keep();
            panic!(
                "fixtures/1c/{name} differs from what the generator writes (kept in {}):\ncommitted {committed:?}\ngenerated {generated:?}",
                kept.display()
            );
        }
    }
}
