//! The store contract: every case runs against a `&dyn Store`, and the
//! `backends!` list runs each on SQLite and, when `HELPDESK_TEST_PG_URL` is
//! set, on PostgreSQL in a fresh database: what one backend does, the other
//! does too. Every capability of a `Tx` has a case here.

mod support;

use chrono::Duration;
use helpdesk::config::DatabaseUrl;
use helpdesk::domain::{BranchId, CartridgeTypeId, Kind, MoveKind, Priority, Role, Status, StockLevels, WarehouseId};
use helpdesk::store::*;
use std::sync::{Arc, Barrier};
use support::t0;

fn user(id: i64, name: &str, role: Role, branch: Option<BranchId>) -> User {
    User {
        telegram_id: id,
        full_name: name.into(),
        username: None,
        phone: Some("+380441234567".into()),
        role,
        branch_id: branch,
        language: None,
        blocked: false,
        on_duty: true,
        bot_blocked_at: None,
        created_at: t0(),
        last_seen_at: None,
    }
}

/// A branch, a warehouse, a cartridge type, an author and a support member.
struct Base {
    branch: Branch,
    warehouse: Warehouse,
    cartridge: CartridgeType,
}

const AUTHOR: i64 = 11;
const STAFF: i64 = 22;
const STAFF_2: i64 = 33;

fn base(store: &dyn Store) -> Base {
    let mut tx = store.write().unwrap();
    let branch =
        tx.insert_branch(&NewBranch { code: "KYIV".into(), name: "Київ".into(), address: None }, t0()).unwrap();
    let warehouse = tx
        .insert_warehouse(
            &NewWarehouse {
                code: "CENTRAL".into(),
                name: "Центральний".into(),
                branch_id: None,
                one_c_id: Some("wh-1c".into()),
            },
            t0(),
        )
        .unwrap();
    let cartridge = tx
        .insert_cartridge_type(
            &NewCartridgeType {
                name: "HP 83A".into(),
                vendor_article: "CF283A".into(),
                compatible_printers: "M125".into(),
                one_c_id: Some("ct-1c".into()),
                min_stock: 5,
            },
            t0(),
        )
        .unwrap();
    tx.insert_user(&user(AUTHOR, "Автор", Role::User, Some(branch.id))).unwrap();
    tx.insert_user(&user(STAFF, "Сапорт", Role::Support, Some(branch.id))).unwrap();
    tx.insert_user(&user(STAFF_2, "Сапорт Два", Role::Support, Some(branch.id))).unwrap();
    tx.commit().unwrap();
    Base { branch, warehouse, cartridge }
}

fn new_request(b: &Base, kind: Kind, minutes: i64) -> NewRequest {
    NewRequest {
        kind,
        author_id: AUTHOR,
        branch_id: b.branch.id,
        contact_name: "Автор".into(),
        contact_phone: "+380441234567".into(),
        description: "Не друкує принтер — «терміново»".into(),
        priority: Priority::Medium,
        status: Status::New,
        assignee_id: None,
        rejection_reason: None,
        created_at: t0() + Duration::minutes(minutes),
        accepted_at: None,
        closed_at: None,
        archived_at: None,
        client_key: None,
        items: if kind == Kind::Cartridge {
            vec![NewItem {
                cartridge_type_id: b.cartridge.id,
                quantity: 3,
                issued_quantity: 0,
                comment: Some("кабінет 5".into()),
                printer_id: None,
            }]
        } else {
            vec![]
        },
    }
}

fn directory_round_trip(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.read().unwrap();
    assert_eq!(tx.branch_by_code("kyiv").unwrap().unwrap().id, b.branch.id, "codes match in any case");
    assert_eq!(tx.branch_by_name("Київ").unwrap().unwrap().id, b.branch.id);
    assert_eq!(tx.branch_by_name("київ").unwrap(), None, "names match exactly");
    assert_eq!(tx.branch(b.branch.id).unwrap().unwrap(), b.branch);
    assert!(tx.branch_by_code("LVIV").unwrap().is_none());
    assert!(tx.branch_by_code("Київ").unwrap().is_none(), "a name is not a code");
    assert_eq!(tx.warehouse_by_one_c_id("wh-1c").unwrap().unwrap().id, b.warehouse.id);
    assert_eq!(tx.warehouse_by_code("central").unwrap().unwrap().branch_id, None);
    assert_eq!(tx.warehouse_by_name("Центральний").unwrap().unwrap(), b.warehouse);
    assert_eq!(tx.warehouse(b.warehouse.id).unwrap().unwrap(), b.warehouse);
    assert_eq!(tx.cartridge_type(b.cartridge.id).unwrap().unwrap(), b.cartridge);
    assert_eq!(tx.cartridge_type_by_article("cf283a").unwrap().unwrap().id, b.cartridge.id);
    assert_eq!(tx.cartridge_type_by_one_c_id("ct-1c").unwrap().unwrap().id, b.cartridge.id);
    assert!(tx.cartridge_type_by_one_c_id("CT-1C").unwrap().is_none(), "1C ids match exactly");
    let u = tx.user(AUTHOR).unwrap().unwrap();
    assert_eq!(u, user(AUTHOR, "Автор", Role::User, Some(b.branch.id)));
    let staff = tx.users(&UserFilter { staff_only: true, ..Default::default() }).unwrap();
    assert_eq!(staff.iter().map(|u| u.telegram_id).collect::<Vec<_>>(), vec![STAFF, STAFF_2]);
    drop(tx);

    let mut tx = store.write().unwrap();
    let mut u = tx.user(AUTHOR).unwrap().unwrap();
    u.role = Role::Storekeeper;
    u.blocked = true;
    u.last_seen_at = Some(t0() + Duration::hours(1));
    tx.update_user(&u).unwrap();
    let mut branch = b.branch.clone();
    branch.address = Some("вул. Хрещатик, 1".into());
    tx.update_branch(&branch).unwrap();
    tx.commit().unwrap();
    let mut tx = store.read().unwrap();
    assert_eq!(tx.user(AUTHOR).unwrap().unwrap(), u);
    assert_eq!(tx.users(&UserFilter { blocked: Some(true), ..Default::default() }).unwrap(), vec![u]);
    assert_eq!(tx.branch_by_code("KYIV").unwrap().unwrap().address.as_deref(), Some("вул. Хрещатик, 1"));
}

fn duplicates_are_conflicts(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    let dup = tx.insert_branch(&NewBranch { code: "kyiv".into(), name: "Інший".into(), address: None }, t0());
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    drop(tx);
    let mut tx = store.write().unwrap();
    let dup = tx.insert_user(&user(AUTHOR, "Двійник", Role::User, Some(b.branch.id)));
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
}

/// Codes and vendor articles ignore the case of ASCII letters only, on every
/// backend and whatever the database's locale: `kyiv` is `KYIV`, but `КВ` and
/// `кв` are two codes, as SQLite's NOCASE and the services' checks have them.
fn codes_fold_ascii_case_only(store: &dyn Store) {
    base(store);
    let mut tx = store.write().unwrap();
    let upper = tx.insert_branch(&NewBranch { code: "КВ-1".into(), name: "Київ 1".into(), address: None }, t0());
    let lower = tx.insert_branch(&NewBranch { code: "кв-1".into(), name: "Київ 2".into(), address: None }, t0());
    let (upper, lower) = (upper.unwrap(), lower.unwrap());
    let warehouse =
        NewWarehouse { code: "СКЛАД".into(), name: "Склад 1".into(), branch_id: None, one_c_id: None };
    tx.insert_warehouse(&warehouse, t0()).unwrap();
    let warehouse = NewWarehouse { code: "склад".into(), name: "Склад 2".into(), ..warehouse };
    tx.insert_warehouse(&warehouse, t0()).unwrap();
    let article = |vendor_article: &str| NewCartridgeType {
        name: format!("Картридж {vendor_article}"),
        vendor_article: vendor_article.into(),
        compatible_printers: String::new(),
        one_c_id: None,
        min_stock: 0,
    };
    tx.insert_cartridge_type(&article("ТН-1"), t0()).unwrap();
    tx.insert_cartridge_type(&article("тн-1"), t0()).unwrap();
    tx.commit().unwrap();
    let mut tx = store.write().unwrap();
    let dup = tx.insert_cartridge_type(&article("cf283a"), t0());
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    drop(tx);

    let mut tx = store.read().unwrap();
    assert_eq!(tx.branch_by_code("КВ-1").unwrap().unwrap().id, upper.id);
    assert_eq!(tx.branch_by_code("кв-1").unwrap().unwrap().id, lower.id);
    assert_eq!(tx.branch_by_code("Кв-1").unwrap(), None, "Cyrillic letters match in their own case only");
    assert_eq!(tx.warehouse_by_code("склад").unwrap().unwrap().name, "Склад 2");
    assert_eq!(tx.cartridge_type_by_article("ТН-1").unwrap().unwrap().name, "Картридж ТН-1");
    assert_eq!(tx.cartridge_type_by_article("cf283a").unwrap().unwrap().vendor_article, "CF283A");
}

/// People, places and cartridges are listed alphabetically for ru, uk and en
/// readers on every backend: `Ірина` and `Єва` after `Андрій`, not before it
/// as code points would have them.
fn listings_are_alphabetical(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    for (id, name) in
        [(41, "Ірина Шевченко"), (42, "Єва Бондар"), (43, "Андрій Мельник"), (44, "Anna Kravets"), (45, "Ґанна Ткач")]
    {
        tx.insert_user(&user(id, name, Role::User, Some(b.branch.id))).unwrap();
    }
    for (code, name) in [("ІФ", "Івано-Франківськ"), ("ЛВ", "Львів"), ("ЄН", "Єнакієве"), ("ar", "Артемівськ")]
    {
        tx.insert_branch(&NewBranch { code: code.into(), name: name.into(), address: None }, t0()).unwrap();
    }
    let wh = tx
        .insert_warehouse(
            &NewWarehouse {
                code: "ЄВ".into(), name: "Європейський".into(), branch_id: None, one_c_id: None
            },
            t0(),
        )
        .unwrap();
    for (article, name) in [("ІК-1", "Ідеальний картридж"), ("ЄК-1", "Єдиний картридж"), ("ВК-1", "Великий картридж")]
    {
        let c = tx
            .insert_cartridge_type(
                &NewCartridgeType {
                    name: name.into(),
                    vendor_article: article.into(),
                    compatible_printers: String::new(),
                    one_c_id: None,
                    min_stock: 0,
                },
                t0(),
            )
            .unwrap();
        support::set_stock(&mut *tx, c.id, wh.id, 1, t0()).unwrap();
    }
    support::set_stock(&mut *tx, b.cartridge.id, b.warehouse.id, 1, t0()).unwrap();
    tx.commit().unwrap();

    let mut tx = store.read().unwrap();
    let names: Vec<String> = tx.users(&UserFilter::default()).unwrap().into_iter().map(|u| u.full_name).collect();
    assert_eq!(
        names,
        [
            "Anna Kravets",
            "Автор",
            "Андрій Мельник",
            "Ґанна Ткач",
            "Єва Бондар",
            "Ірина Шевченко",
            "Сапорт",
            "Сапорт Два"
        ]
    );
    let codes: Vec<String> = tx.branches().unwrap().into_iter().map(|b| b.code).collect();
    assert_eq!(codes, ["ar", "KYIV", "ЄН", "ІФ", "ЛВ"]);
    let cartridges: Vec<String> = tx.cartridge_types().unwrap().into_iter().map(|c| c.vendor_article).collect();
    assert_eq!(cartridges, ["CF283A", "ВК-1", "ЄК-1", "ІК-1"]);
    let stock: Vec<(String, String)> =
        tx.stock(&StockFilter::default()).unwrap().into_iter().map(|s| (s.warehouse_name, s.vendor_article)).collect();
    let row = |w: &str, a: &str| (w.to_string(), a.to_string());
    assert_eq!(
        stock,
        [
            row("Європейський", "ВК-1"),
            row("Європейський", "ЄК-1"),
            row("Європейський", "ІК-1"),
            row("Центральний", "CF283A")
        ]
    );
}

/// The books of a warehouse and type, each figure from its own table: an
/// issue recorded with its moves balances; an issue without its move is
/// named, and only where it is.
fn the_books_read_stock_ledger_and_issues_apart(store: &dyn Store) {
    let b = base(store);
    let (c, w) = (b.cartridge.id, b.warehouse.id);
    let mut tx = store.write().unwrap();
    support::set_stock(&mut *tx, c, w, 10, t0()).unwrap();
    let id = tx.insert_request(&new_request(&b, Kind::Cartridge, 0)).unwrap();
    let item = tx.items(id).unwrap()[0].id;
    let issue = NewIssue {
        request_id: id,
        item_id: item,
        warehouse_id: w,
        quantity: 3,
        empties: 2,
        note: None,
        issued_by: STAFF,
        issued_at: t0(),
    };
    let issue_id = tx.insert_issue(&issue).unwrap();
    let moved = |kind, full, empty| NewStockMove {
        request_id: Some(id),
        issue_id: Some(issue_id),
        ..support::stock_move(c, w, kind, full, empty, t0())
    };
    tx.move_stock(&moved(MoveKind::Issue, -3, 0)).unwrap();
    tx.move_stock(&moved(MoveKind::EmptiesBack, 0, 2)).unwrap();
    tx.move_stock(&support::stock_move(c, w, MoveKind::EmptiesIn, 0, 4, t0())).unwrap();
    tx.commit().unwrap();
    let books = store.read().unwrap().stock_books().unwrap();
    assert_eq!(books.len(), 1);
    let k = &books[0];
    assert_eq!((k.warehouse.as_str(), k.article.as_str()), ("Центральний", "CF283A"));
    assert_eq!((k.received, k.full, k.empty, k.out()), (14, 7, 6, 1));
    assert_eq!((k.issued, k.empties_back, k.ledger_issued, k.ledger_empties_back), (3, 2, 3, 2));
    assert!(k.differences().is_empty(), "{:?}", k.differences());

    // An issue with no move in the ledger; a second warehouse, its receipt in the books.
    let mut tx = store.write().unwrap();
    tx.insert_issue(&NewIssue { quantity: 1, empties: 0, ..issue.clone() }).unwrap();
    let other = tx
        .insert_warehouse(
            &NewWarehouse { code: "WEST".into(), name: "Західний".into(), branch_id: None, one_c_id: None },
            t0(),
        )
        .unwrap();
    tx.move_stock(&support::stock_move(c, other.id, MoveKind::Receipt, 2, 0, t0())).unwrap();
    tx.commit().unwrap();
    let books = store.read().unwrap().stock_books().unwrap();
    let off: Vec<(String, Vec<String>)> =
        books.iter().map(|k| (k.warehouse.clone(), k.differences())).filter(|(_, d)| !d.is_empty()).collect();
    assert_eq!(off.len(), 1, "{off:?}");
    assert_eq!(off[0].0, "Центральний");
    assert!(off[0].1.iter().any(|d| d == "4 issued on requests, the ledger says 3"), "{off:?}");
}

/// Contractors (by name), refill batches with their lines (open first, then
/// the newest), lines received and rejected, batches closed once; the books
/// count what is at a contractor and what was written off.
fn refill_batches_round_trip(store: &dyn Store) {
    let b = base(store);
    let (c, w) = (b.cartridge.id, b.warehouse.id);
    let mut tx = store.write().unwrap();
    let other = hp_85a(&mut *tx);
    let z = tx.insert_contractor(&NewContractor { name: "Зоряна".into(), contacts: String::new() }, t0()).unwrap();
    let a = tx
        .insert_contractor(&NewContractor { name: "ТОВ «Тонер»".into(), contacts: "+380 44 123 45 67".into() }, t0())
        .unwrap();
    assert_eq!(tx.contractors().unwrap().iter().map(|c| c.id).collect::<Vec<_>>(), [z.id, a.id], "by name");
    assert_eq!(tx.contractor(a.id).unwrap().unwrap().contacts, "+380 44 123 45 67");
    tx.move_stock(&support::stock_move(c, w, MoveKind::EmptiesIn, 0, 5, t0())).unwrap();
    tx.move_stock(&support::stock_move(other.id, w, MoveKind::EmptiesIn, 0, 2, t0())).unwrap();
    let new = |contractor_id, at| NewRefillBatch {
        contractor_id,
        warehouse_id: w,
        sent_at: at,
        sent_by: "cli:test".into(),
        note: Some("до п'ятниці".into()),
        lines: vec![(c, 4), (other.id, 2)],
    };
    let first = tx.insert_refill_batch(&new(a.id, t0())).unwrap();
    let second = tx.insert_refill_batch(&new(z.id, t0() + Duration::days(1))).unwrap();
    let batch = tx.refill_batch(first).unwrap().unwrap();
    assert_eq!((batch.contractor.as_str(), batch.warehouse.as_str()), ("ТОВ «Тонер»", "Центральний"));
    assert_eq!(batch.note.as_deref(), Some("до п'ятниці"));
    let lines: Vec<(&str, i64, i64)> =
        batch.lines.iter().map(|l| (l.article.as_str(), l.sent, l.outstanding())).collect();
    assert_eq!(lines, [("CF283A", 4, 4), ("CE285A", 2, 2)]);
    for (t, n) in [(c, 4), (other.id, 2)] {
        let moved =
            NewStockMove { batch_id: Some(first), ..support::stock_move(t, w, MoveKind::RefillOut, 0, -n, t0()) };
        tx.move_stock(&moved).unwrap();
    }
    // Back: three refilled and one rejected of CF283A, both of CE285A refilled; then closed.
    tx.set_refill_line(batch.lines[0].id, 3, 1, Some("тріснутий барабан")).unwrap();
    tx.set_refill_line(batch.lines[1].id, 2, 0, None).unwrap();
    for (t, n) in [(c, 3), (other.id, 2)] {
        let moved = NewStockMove { batch_id: Some(first), ..support::stock_move(t, w, MoveKind::RefillIn, n, 0, t0()) };
        tx.move_stock(&moved).unwrap();
    }
    tx.close_refill_batch(first, t0() + Duration::days(2)).unwrap();
    tx.close_refill_batch(first, t0() + Duration::days(3)).unwrap();
    tx.commit().unwrap();

    let mut tx = store.read().unwrap();
    let closed = tx.refill_batch(first).unwrap().unwrap();
    assert_eq!(closed.closed_at, Some(t0() + Duration::days(2)), "closed once");
    assert_eq!(closed.lines[0].reject_reason.as_deref(), Some("тріснутий барабан"));
    assert!(closed.lines.iter().all(|l| l.outstanding() == 0));
    let all: Vec<i64> = tx.refill_batches(false).unwrap().iter().map(|b| b.id).collect();
    assert_eq!(all, [second, first], "open first");
    let open = tx.refill_batches(true).unwrap();
    assert_eq!((open.len(), open[0].id, open[0].lines.len()), (1, second, 2));
    assert_eq!(tx.refill_batch(9999).unwrap(), None);
    let books = tx.stock_books().unwrap();
    let cf = books.iter().find(|k| k.cartridge_type_id == c).unwrap();
    // The second batch has lines but no moves: its sent are in the batches, not in the ledger.
    assert_eq!((cf.sent, cf.refilled, cf.rejected, cf.ledger_sent, cf.ledger_refilled), (8, 3, 1, 4, 3));
    assert_eq!((cf.full, cf.empty, cf.received), (3, 1, 5));
    assert!(
        cf.differences().iter().any(|d| d == "8 sent for refilling in batches, the ledger says 4"),
        "{:?}",
        cf.differences()
    );
}

fn stock_is_never_negative(store: &dyn Store) {
    let b = base(store);
    let (c, w) = (b.cartridge.id, b.warehouse.id);
    let mut tx = store.write().unwrap();
    assert_eq!(tx.stock_level(c, w).unwrap(), None);
    assert_eq!(tx.stock_levels(c, w).unwrap(), StockLevels::default());
    support::set_stock(&mut *tx, c, w, 4, t0()).unwrap();
    let took = tx.move_stock(&support::stock_move(c, w, MoveKind::Issue, -3, 0, t0())).unwrap();
    assert_eq!(took, StockLevels { full: 1, empty: 0 });
    match tx.move_stock(&support::stock_move(c, w, MoveKind::Issue, -2, 0, t0())) {
        Err(StoreError::InsufficientStock { article, warehouse, available, wanted }) => {
            assert_eq!((article.as_str(), warehouse.as_str(), available, wanted), ("CF283A", "Центральний", 1, 2));
        }
        other => panic!("expected InsufficientStock, got {other:?}"),
    }
    assert_eq!(tx.stock_level(c, w).unwrap(), Some(1), "a refused take changes nothing");
    tx.commit().unwrap();
    // Empties are counted apart, and never below none either.
    let mut tx = store.write().unwrap();
    let back = tx.move_stock(&support::stock_move(c, w, MoveKind::EmptiesIn, 0, 2, t0())).unwrap();
    assert_eq!(back, StockLevels { full: 1, empty: 2 });
    match tx.move_stock(&support::stock_move(c, w, MoveKind::RefillOut, 0, -3, t0())) {
        Err(StoreError::InsufficientEmpties { available: 2, wanted: 3, .. }) => {}
        other => panic!("expected InsufficientEmpties, got {other:?}"),
    }
    drop(tx);
    let mut tx = store.read().unwrap();
    let rows: Vec<StockRow> =
        tx.stock(&StockFilter::default()).unwrap().into_iter().filter(StockRow::below_minimum).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].quantity, rows[0].min_stock, rows[0].warehouse_name.as_str()), (1, 5, "Центральний"));
    assert!(
        tx.stock(&StockFilter { warehouse_id: Some(WarehouseId(w.0 + 100)), ..Default::default() }).unwrap().is_empty()
    );
}

fn requests_round_trip(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    let mut n = new_request(&b, Kind::Cartridge, 0);
    n.client_key = Some("tg:update:42".into());
    let id = tx.insert_request(&n).unwrap();
    tx.insert_attachment(&NewAttachment {
        request_id: id,
        kind: AttachmentKind::Photo,
        file_id: "file-1".into(),
        file_unique_id: Some("u1".into()),
        file_name: None,
        mime_type: Some("image/jpeg".into()),
        created_at: t0(),
    })
    .unwrap();
    tx.commit().unwrap();

    let mut tx = store.read().unwrap();
    let r = tx.request(id).unwrap().unwrap();
    assert_eq!(
        (r.kind, r.status, r.author_name.as_str(), r.branch_code.as_str(), r.description.as_str()),
        (Kind::Cartridge, Status::New, "Автор", "KYIV", "Не друкує принтер — «терміново»")
    );
    assert_eq!(r.created_at, t0());
    assert_eq!(tx.request_by_client_key("tg:update:42").unwrap().unwrap().id, id);
    let items = tx.items(id).unwrap();
    assert_eq!(
        (items[0].vendor_article.as_str(), items[0].quantity, items[0].comment.as_deref()),
        ("CF283A", 3, Some("кабінет 5"))
    );
    assert_eq!(tx.attachments(id).unwrap()[0].file_id, "file-1");
    drop(tx);

    let mut tx = store.write().unwrap();
    let mut r = tx.lock_request(id).unwrap().unwrap();
    r.status = Status::Accepted;
    r.assignee_id = Some(STAFF);
    r.accepted_at = Some(t0() + Duration::minutes(5));
    r.sla_level = 2;
    tx.update_request(&r).unwrap();
    tx.set_item_issued(items[0].id, 3).unwrap();
    tx.commit().unwrap();
    let mut tx = store.write().unwrap();
    assert!(matches!(tx.set_item_issued(items[0].id, 4), Err(StoreError::Conflict(_))), "issued beyond ordered");
    drop(tx);
    let mut tx = store.read().unwrap();
    let again = tx.request(id).unwrap().unwrap();
    assert_eq!(again.assignee_name.as_deref(), Some("Сапорт"));
    assert_eq!((again.status, again.sla_level, again.accepted_at), (Status::Accepted, 2, r.accepted_at));
    assert_eq!(tx.items(id).unwrap()[0].issued_quantity, 3);
}

fn inconsistent_requests_are_refused(store: &dyn Store) {
    let b = base(store);
    type Change = Box<dyn Fn(&mut NewRequest)>;
    let cases: Vec<(&str, Change)> = vec![
        (
            "rejected without a reason",
            Box::new(|n| {
                n.status = Status::Rejected;
                n.closed_at = Some(t0());
            }),
        ),
        ("done without closed_at", Box::new(|n| n.status = Status::Done)),
        ("open with closed_at", Box::new(|n| n.closed_at = Some(t0()))),
        ("archived while open", Box::new(|n| n.archived_at = Some(t0()))),
        (
            "accepted without assignee",
            Box::new(|n| {
                n.status = Status::Accepted;
                n.accepted_at = Some(t0());
            }),
        ),
        ("unknown author", Box::new(|n| n.author_id = 999)),
    ];
    for (what, change) in cases {
        let mut n = new_request(&b, Kind::Repair, 0);
        change(&mut n);
        let mut tx = store.write().unwrap();
        assert!(matches!(tx.insert_request(&n), Err(StoreError::Conflict(_))), "{what} was accepted");
    }
    let mut tx = store.read().unwrap();
    assert_eq!(
        tx.count_requests(&RequestQuery { archived: ArchivedFilter::Include, ..Default::default() }).unwrap(),
        0
    );
}

fn queries_filter_and_order(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    let other =
        tx.insert_branch(&NewBranch { code: "LVIV".into(), name: "Львів".into(), address: None }, t0()).unwrap();
    let mut ids = Vec::new();
    for (i, (kind, priority, status, branch)) in [
        (Kind::Repair, Priority::Low, Status::New, b.branch.id),
        (Kind::ItHelp, Priority::High, Status::New, b.branch.id),
        (Kind::Repair, Priority::Medium, Status::Accepted, other.id),
        (Kind::Cartridge, Priority::High, Status::Done, b.branch.id),
        (Kind::Maintenance, Priority::Medium, Status::New, other.id),
    ]
    .into_iter()
    .enumerate()
    {
        let mut n = new_request(&b, kind, i as i64 * 10);
        n.priority = priority;
        n.status = status;
        n.branch_id = branch;
        if status != Status::New {
            n.assignee_id = Some(STAFF);
            n.accepted_at = Some(n.created_at);
        }
        if status == Status::Done {
            n.closed_at = Some(n.created_at);
            n.archived_at = Some(n.created_at + Duration::days(100));
        }
        ids.push(tx.insert_request(&n).unwrap());
    }
    tx.commit().unwrap();
    let mut tx = store.read().unwrap();
    let q = |tx: &mut Box<dyn Tx + '_>, q: RequestQuery| -> Vec<i64> {
        list_requests(&mut **tx, &q).unwrap().iter().map(|r| r.id).collect()
    };
    assert_eq!(
        q(&mut tx, RequestQuery::default()),
        vec![ids[4], ids[2], ids[1], ids[0]],
        "newest first, archived left out"
    );
    assert_eq!(q(&mut tx, RequestQuery { archived: ArchivedFilter::Only, ..Default::default() }), vec![ids[3]]);
    assert_eq!(
        q(
            &mut tx,
            RequestQuery { archived: ArchivedFilter::Include, order: RequestOrder::Oldest, ..Default::default() }
        ),
        ids
    );
    assert_eq!(
        q(
            &mut tx,
            RequestQuery {
                statuses: vec![Status::New, Status::Accepted],
                order: RequestOrder::Queue,
                ..Default::default()
            }
        ),
        vec![ids[1], ids[2], ids[4], ids[0]],
        "queue: high first, then oldest"
    );
    assert_eq!(q(&mut tx, RequestQuery { branch_id: Some(other.id), ..Default::default() }), vec![ids[4], ids[2]]);
    assert_eq!(q(&mut tx, RequestQuery { kinds: vec![Kind::Repair], ..Default::default() }), vec![ids[2], ids[0]]);
    assert_eq!(q(&mut tx, RequestQuery { assignee_id: Some(STAFF), ..Default::default() }), vec![ids[2]]);
    assert_eq!(
        q(
            &mut tx,
            RequestQuery {
                since: Some(t0() + Duration::minutes(10)),
                until: Some(t0() + Duration::minutes(40)),
                ..Default::default()
            }
        ),
        vec![ids[2], ids[1]],
        "since inclusive, until exclusive"
    );
    assert_eq!(q(&mut tx, RequestQuery { limit: Some(2), offset: 1, ..Default::default() }), vec![ids[2], ids[1]]);
    assert_eq!(tx.count_requests(&RequestQuery { statuses: vec![Status::New], ..Default::default() }).unwrap(), 3);
    // Stopping a scan early.
    let mut seen = 0;
    tx.scan_requests(&RequestQuery::default(), &mut |_| {
        seen += 1;
        Ok(seen < 2)
    })
    .unwrap();
    assert_eq!(seen, 2);
}

fn uncommitted_writes_roll_back(store: &dyn Store) {
    let b = base(store);
    {
        let mut tx = store.write().unwrap();
        tx.insert_request(&new_request(&b, Kind::Repair, 0)).unwrap();
        tx.append_log(&NewLog {
            at: t0(),
            actor_id: None,
            actor: "test".into(),
            action: "x".into(),
            entity: "request".into(),
            entity_id: "1".into(),
            before: None,
            after: None,
        })
        .unwrap();
        // dropped without commit
    }
    let mut tx = store.read().unwrap();
    assert_eq!(tx.count_requests(&RequestQuery::default()).unwrap(), 0);
    assert!(tx.logs("request", "1").unwrap().is_empty());
}

fn audit_log_round_trip(store: &dyn Store) {
    base(store);
    let mut tx = store.write().unwrap();
    assert_eq!(tx.last_log_id().unwrap(), 0, "no record yet");
    for (i, action) in ["request.create", "request.accept"].iter().enumerate() {
        tx.append_log(&NewLog {
            at: t0() + Duration::seconds(i as i64),
            actor_id: Some(STAFF),
            actor: format!("tg:{STAFF}"),
            action: action.to_string(),
            entity: "request".into(),
            entity_id: "HD-000001".into(),
            before: (i > 0).then(|| serde_json::json!({"status": "new"})),
            after: Some(serde_json::json!({"status": if i == 0 { "new" } else { "accepted" }, "reason": "«лапки» \"и\" \\ слэш"})),
        })
        .unwrap();
    }
    tx.commit().unwrap();
    let logs = store.read().unwrap().logs("request", "HD-000001").unwrap();
    assert_eq!(logs.len(), 2);
    assert_eq!(logs[1].action, "request.accept");
    assert_eq!(logs[1].before, Some(serde_json::json!({"status": "new"})));
    assert_eq!(logs[1].after.as_ref().unwrap()["reason"], "«лапки» \"и\" \\ слэш");
    assert_eq!(logs[0].at, t0());
    assert!(logs[0].id < logs[1].id);
    assert_eq!(store.read().unwrap().last_log_id().unwrap(), logs[1].id, "the newest record's id");
    assert!(store.read().unwrap().logs("request", "HD-000002").unwrap().is_empty(), "another entity's");
}

/// Two writers read-check-write the same request at once: exactly one wins.
fn concurrent_writers_serialise(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    let id = tx.insert_request(&new_request(&b, Kind::Repair, 0)).unwrap();
    tx.commit().unwrap();
    let barrier = Barrier::new(2);
    let wins: Vec<bool> = std::thread::scope(|s| {
        let handles: Vec<_> = [STAFF, STAFF_2]
            .into_iter()
            .map(|staff| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let mut tx = store.write().unwrap();
                    let mut r = tx.lock_request(id).unwrap().unwrap();
                    if r.status != Status::New {
                        return false;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    r.status = Status::Accepted;
                    r.assignee_id = Some(staff);
                    r.accepted_at = Some(t0());
                    tx.update_request(&r).unwrap();
                    tx.commit().unwrap();
                    true
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(wins.iter().filter(|w| **w).count(), 1, "{wins:?}");
}

/// A second cartridge type beside the base one's.
fn hp_85a(tx: &mut dyn Tx) -> CartridgeType {
    tx.insert_cartridge_type(
        &NewCartridgeType {
            name: "HP 85A".into(),
            vendor_article: "CE285A".into(),
            compatible_printers: String::new(),
            one_c_id: None,
            min_stock: 0,
        },
        t0(),
    )
    .unwrap()
}

/// Printers: added with their cartridge types, found by inventory number
/// whatever the case of its Latin letters, listed by branch then number with
/// filters, changed (types replaced), retired (and only then left out);
/// an inventory number is unique; open requests for one are counted.
fn printers_round_trip(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    let other = hp_85a(&mut *tx);
    let lviv = tx.insert_branch(&NewBranch { code: "LVIV".into(), name: "Львів".into(), address: None }, t0()).unwrap();
    let new = |branch_id, number: &str, model: &str, types: Vec<CartridgeTypeId>| NewPrinter {
        branch_id,
        inventory_number: number.into(),
        model: model.into(),
        place: "каб. 12".into(),
        serial: Some("SN-1".into()),
        cartridge_type_ids: types,
    };
    let a = tx.insert_printer(&new(b.branch.id, "INV-2", "HP M125", vec![b.cartridge.id]), t0()).unwrap();
    let c = tx.insert_printer(&new(lviv.id, "INV-1", "Brother HL", vec![]), t0()).unwrap();
    let d = tx.insert_printer(&new(b.branch.id, "inv-10", "HP P1102", vec![other.id, b.cartridge.id]), t0()).unwrap();
    assert_eq!(a.branch_code, "KYIV");
    assert_eq!(a.cartridge_type_ids, [b.cartridge.id]);
    assert_eq!(d.cartridge_type_ids, [b.cartridge.id, other.id], "in catalog (id) order");
    tx.commit().unwrap();
    // A failed statement spoils a PostgreSQL transaction: try the duplicate in one of its own.
    let mut tx = store.write().unwrap();
    assert!(tx.insert_printer(&new(lviv.id, "Inv-2", "dup", vec![]), t0()).is_err(), "unique whatever the case");
    drop(tx);

    let mut tx = store.write().unwrap();
    assert_eq!(tx.printer_by_inventory_number("inv-2").unwrap().map(|p| p.id), Some(a.id));
    assert_eq!(tx.printer_by_inventory_number("INV-3").unwrap(), None);
    assert_eq!(tx.printer(c.id).unwrap().unwrap(), c);
    let all = |tx: &mut Box<dyn Tx + '_>, f: PrinterFilter| -> Vec<String> {
        tx.printers(&f).unwrap().into_iter().map(|p| p.inventory_number).collect()
    };
    assert_eq!(all(&mut tx, PrinterFilter::default()), ["INV-2", "inv-10", "INV-1"], "by branch, then number");
    assert_eq!(all(&mut tx, PrinterFilter { branch_id: Some(lviv.id), ..Default::default() }), ["INV-1"]);
    assert_eq!(all(&mut tx, PrinterFilter { model: Some("hp".into()), ..Default::default() }), ["INV-2", "inv-10"]);
    assert_eq!(all(&mut tx, PrinterFilter { cartridge_type_id: Some(other.id), ..Default::default() }), ["inv-10"]);
    // Changed: its types replaced; then retired, and left out unless asked for.
    tx.update_printer(d.id, &new(lviv.id, "INV-10", "HP P1102w", vec![other.id])).unwrap();
    let changed = tx.printer(d.id).unwrap().unwrap();
    assert_eq!(
        (changed.branch_id, changed.model.as_str(), changed.cartridge_type_ids.clone()),
        (lviv.id, "HP P1102w", vec![other.id])
    );
    tx.retire_printer(d.id, t0() + Duration::days(1)).unwrap();
    tx.retire_printer(d.id, t0() + Duration::days(2)).unwrap();
    assert_eq!(tx.printer(d.id).unwrap().unwrap().retired_at, Some(t0() + Duration::days(1)), "retired once");
    assert_eq!(all(&mut tx, PrinterFilter::default()), ["INV-2", "INV-1"]);
    assert_eq!(all(&mut tx, PrinterFilter { retired: true, ..Default::default() }), ["INV-2", "INV-1", "INV-10"]);
    assert_eq!(tx.open_requests_for_printer(a.id).unwrap(), 0);
    tx.commit().unwrap();
}

/// An instance is alive while it beats: within ten seconds of its last heartbeat.
fn alive_since(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    now - Duration::seconds(10)
}

/// Runs `f` in a write transaction and commits.
fn written<T>(store: &dyn Store, f: impl FnOnce(&mut dyn Tx) -> T) -> T {
    let mut tx = store.write().unwrap();
    let out = f(&mut *tx);
    tx.commit().unwrap();
    out
}

/// Updates received but not handled are claimed once, and only when nobody
/// alive handles them: their receiver is stuck past the grace, or gone.
fn stale_updates_are_claimed_once(store: &dyn Store) {
    let update = |id: i64| InboxUpdate { update_id: id, chat_id: Some(7), payload: format!("{{\"update_id\":{id}}}") };
    let mut tx = store.write().unwrap();
    tx.instance_start("receiver", t0()).unwrap();
    assert_eq!(tx.inbox_insert(&[update(1), update(2), update(3)], t0(), "receiver").unwrap(), 3);
    assert_eq!(tx.inbox_insert(&[update(2)], t0(), "receiver").unwrap(), 0, "a repeat is dropped");
    tx.inbox_done(&[3], t0()).unwrap();
    tx.commit().unwrap();
    // The receiver stays alive throughout; claimants come and go.
    let claim_as = |by: &str, now: chrono::DateTime<chrono::Utc>| {
        written(store, |tx| {
            assert!(tx.instance_beat("receiver", now).unwrap());
            tx.instance_start(by, now).unwrap();
            let c = StaleClaim {
                by,
                now,
                until: now + Duration::minutes(5),
                received_before: now - Duration::minutes(2),
                alive_since: alive_since(now),
            };
            tx.inbox_claim_stale(&c, 100).unwrap().into_iter().map(|u| u.update_id).collect::<Vec<i64>>()
        })
    };
    let claim = |now| claim_as("claimant", now);
    assert!(claim(t0() + Duration::minutes(1)).is_empty(), "not stale yet");
    assert_eq!(claim(t0() + Duration::minutes(3)), [1, 2]);
    assert!(claim(t0() + Duration::minutes(4)).is_empty(), "claimed already");
    assert_eq!(claim(t0() + Duration::minutes(9)), [1, 2], "the claim ran out");
    // Two claimants at once: each update goes to one.
    let at = t0() + Duration::minutes(20);
    let got: Vec<Vec<i64>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2).map(|_| s.spawn(|| claim(at))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<i64> = got.concat();
    all.sort();
    assert_eq!(all, [1, 2], "{got:?}");

    // A claimant that dies (its heartbeat stops) gives its claims up within
    // seconds, not when they run out; one that stops gives them up at once.
    let at = t0() + Duration::minutes(30);
    assert_eq!(claim_as("short-lived", at), [1, 2]);
    assert!(claim(at + Duration::seconds(5)).is_empty(), "its claimant is still alive");
    assert_eq!(claim(at + Duration::seconds(11)), [1, 2], "its claimant died");
    written(store, |tx| tx.instance_stop("claimant", at + Duration::seconds(12)).unwrap());
    assert_eq!(claim_as("next", at + Duration::seconds(13)), [1, 2], "a stopped claimant gave them back");

    // Received by an instance that died: claimed within seconds of its death,
    // without waiting out the grace given a receiver that is alive.
    let at = t0() + Duration::minutes(40);
    written(store, |tx| {
        tx.instance_start("doomed", at).unwrap();
        tx.inbox_done(&[1, 2], at).unwrap();
        assert_eq!(tx.inbox_insert(&[update(4), update(5)], at, "doomed").unwrap(), 2);
    });
    assert!(claim(at + Duration::seconds(9)).is_empty(), "its receiver may still handle them");
    assert_eq!(claim(at + Duration::seconds(11)), [4, 5], "its receiver is gone");
}

/// Instances beat while alive; a stopped one beats no more until it starts
/// again; records of instances long gone are forgotten.
fn instances_beat_stop_and_are_forgotten(store: &dyn Store) {
    written(store, |tx| {
        assert!(!tx.instance_beat("a", t0()).unwrap(), "not registered");
        tx.instance_start("a", t0()).unwrap();
        tx.instance_start("b", t0()).unwrap();
        assert!(tx.instance_beat("a", t0() + Duration::seconds(2)).unwrap());
        tx.instance_stop("b", t0() + Duration::seconds(3)).unwrap();
        assert!(!tx.instance_beat("b", t0() + Duration::seconds(4)).unwrap(), "stopped");
        tx.instance_start("b", t0() + Duration::seconds(5)).unwrap();
        assert!(tx.instance_beat("b", t0() + Duration::seconds(6)).unwrap(), "started again");
        tx.instance_start("c", t0()).unwrap();
        tx.instance_stop("c", t0() + Duration::seconds(1)).unwrap();
    });
    // "c" stopped at 1 s and "a" went silent at 2 s; "b" beat at 6 s.
    assert_eq!(written(store, |tx| tx.instance_prune(t0() + Duration::seconds(3)).unwrap()), 2);
    written(store, |tx| {
        assert!(tx.instance_beat("b", t0() + Duration::seconds(7)).unwrap());
        assert!(!tx.instance_beat("a", t0() + Duration::seconds(7)).unwrap(), "forgotten");
    });
}

/// A pass of the sender takes at most a few messages per chat, so one chat's
/// backlog does not hold back the others; held messages wait until released.
fn the_outbox_takes_turns_between_chats_and_releases_what_was_held(store: &dyn Store) {
    let mut tx = store.write().unwrap();
    let mut ids = Vec::new();
    for (chat, n) in [(1, 5), (2, 1), (3, 3)] {
        for i in 0..n {
            ids.push((chat, tx.outbox_push(chat, &format!("{{\"n\":{i}}}"), t0()).unwrap()));
        }
    }
    let email = tx.outbox_push_email("staff@example.org", "{}", t0()).unwrap();
    tx.commit().unwrap();
    let due = |now, limit, per_chat| {
        let mut tx = store.write().unwrap();
        let got: Vec<(i64, i64)> = tx
            .outbox_due(now, alive_since(now), limit, per_chat)
            .unwrap()
            .into_iter()
            .map(|m| (m.chat_id, m.id))
            .collect();
        tx.commit().unwrap();
        got
    };
    let of = |chat: i64, k: usize| ids.iter().filter(|(c, _)| *c == chat).nth(k).unwrap().1;
    let mut expected = vec![(1, of(1, 0)), (1, of(1, 1)), (2, of(2, 0)), (3, of(3, 0)), (3, of(3, 1)), (0, email)];
    assert_eq!(due(t0(), 100, 2), expected, "oldest first, two per chat at most");
    assert_eq!(due(t0(), 3, 2).len(), 3, "the limit holds");
    assert_eq!(due(t0() - Duration::seconds(1), 100, 2), [], "nothing due before it was queued");
    // Held past now (taken by a sender, even one tried before), then released.
    let mut tx = store.write().unwrap();
    tx.instance_start("sender", t0()).unwrap();
    tx.outbox_retry(of(1, 0), t0(), "502").unwrap();
    tx.outbox_lease(&[of(1, 0), of(2, 0)], t0() + Duration::minutes(2), "sender").unwrap();
    tx.outbox_retry(of(3, 0), t0() + Duration::minutes(2), "502").unwrap();
    tx.commit().unwrap();
    expected = vec![(1, of(1, 1)), (1, of(1, 2)), (3, of(3, 1)), (3, of(3, 2)), (0, email)];
    assert_eq!(due(t0(), 100, 2), expected);
    let mut tx = store.write().unwrap();
    assert_eq!(tx.outbox_release(t0()).unwrap(), 2, "what was held, tried before or not");
    tx.commit().unwrap();
    let now = due(t0(), 100, 9);
    assert!(now.contains(&(1, of(1, 0))) && now.contains(&(2, of(2, 0))), "{now:?}");
    assert!(!now.contains(&(3, of(3, 0))), "a retry keeps its backoff: {now:?}");
    // A reply queued last, held a minute by its sender, goes first once it is due.
    let at = t0() + Duration::seconds(5);
    let mut tx = store.write().unwrap();
    assert!(tx.instance_beat("sender", at).unwrap());
    let reply = tx.outbox_push_reply(9, "{}", at, t0() + Duration::minutes(1), "sender").unwrap();
    tx.commit().unwrap();
    let beat = |at| written(store, |tx| assert!(tx.instance_beat("sender", at).unwrap()));
    beat(t0() + Duration::seconds(25));
    assert!(!due(t0() + Duration::seconds(30), 100, 9).contains(&(9, reply)), "held");
    beat(t0() + Duration::seconds(55));
    assert_eq!(due(t0() + Duration::minutes(1), 100, 9)[0], (9, reply), "replies first");
    // A sender that dies gives up what it holds within seconds; one that
    // stops gives it up at once.
    let at = t0() + Duration::minutes(10);
    written(store, |tx| {
        tx.instance_start("dies", at).unwrap();
        tx.instance_start("stops", at).unwrap();
        tx.outbox_lease(&[of(1, 0)], at + Duration::minutes(2), "dies").unwrap();
        tx.outbox_lease(&[of(2, 0)], at + Duration::minutes(2), "stops").unwrap();
    });
    assert!(!due(at + Duration::seconds(5), 100, 9).contains(&(1, of(1, 0))), "its sender is alive");
    written(store, |tx| tx.instance_stop("stops", at + Duration::seconds(6)).unwrap());
    let now = due(at + Duration::seconds(6), 100, 9);
    assert!(now.contains(&(2, of(2, 0))) && !now.contains(&(1, of(1, 0))), "{now:?}");
    assert!(due(at + Duration::seconds(11), 100, 9).contains(&(1, of(1, 0))), "its sender died");
}

/// Keyset pages cover a listing once, in every order, whatever the ties in
/// time; search folds Latin and Cyrillic case and ё, takes a number, and
/// treats LIKE's wildcards literally.
fn keyset_pages_and_search(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    let priorities = [Priority::Low, Priority::Medium, Priority::High];
    for i in 0..30i64 {
        let mut r = new_request(&b, Kind::Repair, i / 3); // three requests per minute: ties in time
        r.priority = priorities[(i % 3) as usize];
        r.description = match i {
            4 => "Не работает СЧЁТЧИК купюр".into(),
            5 => "Скидка 50% не считается".into(),
            6 => "Printer JAMS in room 5".into(),
            _ => format!("Заявка {i}"),
        };
        if i == 7 {
            r.contact_name = "Ёлкина Мария".into();
        }
        tx.insert_request(&r).unwrap();
    }
    tx.commit().unwrap();
    let mut tx = store.read().unwrap();
    for order in [RequestOrder::Newest, RequestOrder::Oldest, RequestOrder::Queue, RequestOrder::ReverseQueue] {
        let all: Vec<i64> = list_requests(&mut *tx, &RequestQuery { order, ..Default::default() })
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(all.len(), 30);
        let mut paged = Vec::new();
        let mut after = None;
        loop {
            let page =
                list_requests(&mut *tx, &RequestQuery { order, after, limit: Some(7), ..Default::default() }).unwrap();
            if page.is_empty() {
                break;
            }
            after = Some(RequestKey::of(page.last().unwrap()));
            paged.extend(page.iter().map(|r| r.id));
        }
        assert_eq!(paged, all, "{order:?}");
        let mut back = all.clone();
        back.reverse();
        let reversed: Vec<i64> =
            list_requests(&mut *tx, &RequestQuery { order: order.reversed(), ..Default::default() })
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect();
        assert_eq!(reversed, back, "{order:?} read backwards");
    }
    let found = |text: &str, number: Option<i64>| -> Vec<String> {
        let search = Some(RequestSearch { text: helpdesk::domain::text::fold(text), number });
        let mut store_tx = store.read().unwrap();
        list_requests(&mut *store_tx, &RequestQuery { search, order: RequestOrder::Oldest, ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|r| if number == Some(r.id) { format!("#{}", r.id) } else { r.description })
            .collect()
    };
    assert_eq!(found("счетчик", None), ["Не работает СЧЁТЧИК купюр"]);
    assert_eq!(found("jams", None), ["Printer JAMS in room 5"]);
    assert_eq!(found("50%", None), ["Скидка 50% не считается"]);
    assert_eq!(found("%", None), ["Скидка 50% не считается"], "a wildcard is a character");
    assert_eq!(found("ЕЛКИНА", None), ["Заявка 7"], "the contact name, ё as е");
    assert_eq!(found("441234", None).len(), 30, "the phone");
    let first =
        list_requests(&mut *tx, &RequestQuery { order: RequestOrder::Oldest, limit: Some(1), ..Default::default() })
            .unwrap()[0]
            .id;
    assert_eq!(found("no such text", Some(first)), [format!("#{first}")]);
    let high =
        list_requests(&mut *tx, &RequestQuery { priorities: vec![Priority::High], ..Default::default() }).unwrap();
    assert_eq!(high.len(), 10);
    assert!(high.iter().all(|r| r.priority == Priority::High));
}

/// A job's lock is held by one holder at a time.
fn job_locks_exclude_each_other(store: &dyn Store) {
    let held = store.job_lock("sla-check").unwrap().expect("free");
    assert!(store.job_lock("sla-check").unwrap().is_none());
    assert!(store.job_lock("backup").unwrap().is_some(), "other jobs are separate");
    drop(held);
    assert!(store.job_lock("sla-check").unwrap().is_some());
}

/// A code, article or 1C id that is another record's id (organizations number
/// their branches): a lookup by id finds the one with that id, a lookup by
/// code the one with that code, and a bare key naming both is refused with
/// both named and how to pick one (issue 13).
fn an_id_is_never_taken_for_a_code(store: &dyn Store) {
    use helpdesk::domain::{Entity, Field, Key};
    use helpdesk::services::{Candidate, Error, lookup};
    let b = base(store);
    let id = |n: i64| n.to_string();
    let mut tx = store.write().unwrap();
    let twin =
        tx.insert_branch(&NewBranch { code: id(b.branch.id.0), name: "Двійник".into(), address: None }, t0()).unwrap();
    let wh_twin =
        NewWarehouse {
            code: id(b.warehouse.id.0), name: "Склад-двійник".into(), branch_id: None, one_c_id: None
        };
    let wh_twin = tx.insert_warehouse(&wh_twin, t0()).unwrap();
    let wh_one_c = NewWarehouse {
        code: "ONE-C".into(),
        name: "Склад 1С".into(),
        branch_id: None,
        one_c_id: Some(id(b.warehouse.id.0)),
    };
    let wh_one_c = tx.insert_warehouse(&wh_one_c, t0()).unwrap();
    let c_twin = NewCartridgeType {
        name: "Двійник".into(),
        vendor_article: id(b.cartridge.id.0),
        compatible_printers: String::new(),
        one_c_id: None,
        min_stock: 0,
    };
    let c_twin = tx.insert_cartridge_type(&c_twin, t0()).unwrap();
    tx.commit().unwrap();

    let mut tx = store.read().unwrap();
    // The store: by id is by id, by code is by code.
    assert_eq!(tx.branch(b.branch.id).unwrap().unwrap(), b.branch);
    assert_eq!(tx.branch_by_code(&id(b.branch.id.0)).unwrap().unwrap(), twin);
    assert_eq!(tx.branch(BranchId(twin.id.0 + 100)).unwrap(), None);
    assert_eq!(tx.warehouse(b.warehouse.id).unwrap().unwrap(), b.warehouse);
    assert_eq!(tx.warehouse_by_code(&id(b.warehouse.id.0)).unwrap().unwrap(), wh_twin);
    assert_eq!(tx.warehouse_by_one_c_id(&id(b.warehouse.id.0)).unwrap().unwrap(), wh_one_c);
    assert_eq!(tx.cartridge_type(b.cartridge.id).unwrap().unwrap(), b.cartridge);
    assert_eq!(tx.cartridge_type_by_article(&id(b.cartridge.id.0)).unwrap().unwrap(), c_twin);
    assert_eq!(tx.cartridge_type(CartridgeTypeId(c_twin.id.0 + 100)).unwrap(), None);

    // The services: a key that says its field finds that field's one.
    let key = id(b.branch.id.0);
    assert_eq!(lookup::branch(&mut *tx, &Key::Id(b.branch.id)).unwrap(), b.branch);
    assert_eq!(lookup::branch(&mut *tx, &Key::Code(key.clone())).unwrap(), twin);
    assert_eq!(lookup::branch(&mut *tx, &Key::Name("Двійник".into())).unwrap(), twin);
    assert_eq!(lookup::branch(&mut *tx, &Key::Any("kyiv".into())).unwrap(), b.branch, "one match is taken");
    assert_eq!(lookup::branch_by_id(&mut *tx, twin.id).unwrap(), twin);
    assert_eq!(lookup::warehouse(&mut *tx, &Key::Id(b.warehouse.id)).unwrap(), b.warehouse);
    assert_eq!(lookup::warehouse(&mut *tx, &Key::OneC(id(b.warehouse.id.0))).unwrap(), wh_one_c);
    assert_eq!(lookup::cartridge_type(&mut *tx, &Key::Code(id(b.cartridge.id.0))).unwrap(), c_twin);
    assert_eq!(lookup::cartridge_type(&mut *tx, &Key::Id(b.cartridge.id)).unwrap(), b.cartridge);

    // A bare key naming two is refused, naming both.
    match lookup::branch(&mut *tx, &Key::Any(key.clone())) {
        Err(Error::Ambiguous { what: Entity::Branch, key: k, candidates }) => {
            assert_eq!(k, key);
            let twin_c =
                Candidate {
                    id: twin.id.0, code: twin.code.clone(), name: "Двійник".into(), matched: Field::Code
                };
            let base_c =
                Candidate { id: b.branch.id.0, code: "KYIV".into(), name: "Київ".into(), matched: Field::Id };
            assert_eq!(candidates, [twin_c, base_c]);
        }
        other => panic!("expected an ambiguity, got {other:?}"),
    }
    let e = lookup::branch(&mut *tx, &Key::Any(key.clone())).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "branch '{key}' is ambiguous: it is the code of Двійник (code {key}, id {}) and the id of Київ \
             (code KYIV, id {key}); write code:{key} or id:{key} to pick one",
            twin.id
        )
    );
    let w = id(b.warehouse.id.0);
    let e = lookup::warehouse(&mut *tx, &Key::Any(w.clone())).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "warehouse '{w}' is ambiguous: it is the code of Склад-двійник (code {w}, id {}), the 1C id of Склад 1С \
             (code ONE-C, id {}) and the id of Центральний (code CENTRAL, id {w}); write code:{w}, 1c:{w} or id:{w} \
             to pick one",
            wh_twin.id, wh_one_c.id
        )
    );
    let c = id(b.cartridge.id.0);
    let e = lookup::cartridge_type(&mut *tx, &Key::Any(c.clone())).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "cartridge type '{c}' is ambiguous: it is the article of Двійник (article {c}, id {}) and the id of \
             HP 83A (article CF283A, id {c}); write article:{c} or id:{c} to pick one",
            c_twin.id
        )
    );
    // Nothing, and fields a record does not have.
    let e = lookup::branch(&mut *tx, &Key::Code("LVIV".into())).unwrap_err();
    assert!(matches!(&e, Error::NotFound { what: Entity::Branch, key } if key == "code:LVIV"), "{e:?}");
    let e = lookup::branch(&mut *tx, &Key::OneC("x".into())).unwrap_err().to_string();
    assert!(e.contains("branches have no 1C id"), "{e}");
    let e = lookup::cartridge_type(&mut *tx, &Key::Name("HP 83A".into())).unwrap_err().to_string();
    assert!(e.contains("cartridge types are not named by name"), "{e}");
    assert!(matches!(lookup::warehouse_by_id(&mut *tx, WarehouseId(wh_one_c.id.0 + 100)), Err(Error::NotFound { .. })));
}

/// The inbox hands out what is not done in update order, remembers the
/// highest id ever stored, and forgets done updates by when they were done,
/// always keeping the newest (it carries the offset to resume from).
fn the_inbox_keeps_pending_updates_in_order_and_prunes_what_was_done(store: &dyn Store) {
    let update =
        |id: i64, chat: Option<i64>| InboxUpdate { update_id: id, chat_id: chat, payload: format!("{{\"u\":{id}}}") };
    let mut tx = store.write().unwrap();
    assert_eq!(tx.inbox_last_id().unwrap(), None, "nothing stored yet");
    let stored = [update(5, Some(7)), update(3, None), update(4, Some(-100_123)), update(9, Some(7))];
    assert_eq!(tx.inbox_insert(&stored, t0(), "poller").unwrap(), 4);
    tx.commit().unwrap();
    let pending = |limit| -> Vec<InboxUpdate> {
        let mut tx = store.read().unwrap();
        tx.inbox_pending(limit).unwrap()
    };
    assert_eq!(pending(10), [update(3, None), update(4, Some(-100_123)), update(5, Some(7)), update(9, Some(7))]);
    assert_eq!(pending(2), [update(3, None), update(4, Some(-100_123))], "oldest first, up to the limit");

    let mut tx = store.write().unwrap();
    tx.inbox_done(&[3, 5], t0() + Duration::minutes(1)).unwrap();
    // Done again later: the first time it was done stands.
    tx.inbox_done(&[3], t0() + Duration::minutes(10)).unwrap();
    tx.inbox_done(&[9], t0() + Duration::minutes(1)).unwrap();
    assert_eq!(
        tx.inbox_insert(&[update(9, Some(7))], t0(), "poller").unwrap(),
        0,
        "a repeat of a done update is dropped"
    );
    tx.commit().unwrap();
    assert_eq!(pending(10).iter().map(|u| u.update_id).collect::<Vec<_>>(), [4]);

    let mut tx = store.write().unwrap();
    assert_eq!(tx.inbox_prune(t0() + Duration::minutes(1)).unwrap(), 0, "done at the cut-off is kept");
    assert_eq!(tx.inbox_prune(t0() + Duration::minutes(2)).unwrap(), 2, "3 and 5; 9 is the newest, 4 is not done");
    assert_eq!(tx.inbox_last_id().unwrap(), Some(9));
    assert_eq!(tx.inbox_prune(t0() + Duration::days(1)).unwrap(), 0);
    tx.commit().unwrap();
    assert_eq!(pending(10).iter().map(|u| u.update_id).collect::<Vec<_>>(), [4]);
    assert_eq!(store.read().unwrap().inbox_last_id().unwrap(), Some(9));
}

/// A dialogue is one row per chat; a step that applied no update keeps the
/// last update id that was applied.
fn dialogues_keep_the_last_update_they_applied(store: &dyn Store) {
    let row = |state: &str, last: Option<i64>| DialogueRow { state: state.into(), last_update_id: last };
    let mut tx = store.write().unwrap();
    assert_eq!(tx.dialogue(7).unwrap(), None);
    tx.set_dialogue(7, &row("{\"Start\":{}}", Some(10)), t0()).unwrap();
    tx.set_dialogue(-100_123, &row("{\"Group\":{}}", None), t0()).unwrap();
    tx.commit().unwrap();
    let get = |chat| store.read().unwrap().dialogue(chat).unwrap();
    assert_eq!(get(7), Some(row("{\"Start\":{}}", Some(10))));
    assert_eq!(get(-100_123), Some(row("{\"Group\":{}}", None)));
    assert_eq!(get(8), None);

    let mut tx = store.write().unwrap();
    tx.set_dialogue(7, &row("{\"Description\":{\"kind\":\"repair\"}}", None), t0() + Duration::seconds(1)).unwrap();
    tx.commit().unwrap();
    assert_eq!(get(7), Some(row("{\"Description\":{\"kind\":\"repair\"}}", Some(10))), "the last update is kept");
    let mut tx = store.write().unwrap();
    tx.set_dialogue(7, &row("{\"Start\":{}}", Some(12)), t0() + Duration::seconds(2)).unwrap();
    tx.commit().unwrap();
    assert_eq!(get(7), Some(row("{\"Start\":{}}", Some(12))));
    assert_eq!(get(-100_123), Some(row("{\"Group\":{}}", None)), "other chats are left alone");
}

/// Every field of a queued message comes back; replies go before notices,
/// notices before broadcasts; a message sent or given up on is not due again,
/// a retried one is due after its backoff and is not released early.
fn outbox_messages_leave_once_sent_or_failed(store: &dyn Store) {
    let mut tx = store.write().unwrap();
    let notice = tx.outbox_push(1, "{\"n\":1}", t0()).unwrap();
    let reply = tx.outbox_push_reply(1, "{\"type\":\"reply\"}", t0() + Duration::seconds(1), t0(), "gone").unwrap();
    let email = tx.outbox_push_email("boss@example.org", "{\"e\":1}", t0()).unwrap();
    tx.commit().unwrap();
    let due = |now| {
        let mut tx = store.write().unwrap();
        let got = tx.outbox_due(now, alive_since(now), 100, 100).unwrap();
        tx.commit().unwrap();
        got
    };
    let all = due(t0());
    assert_eq!(all.iter().map(|m| m.id).collect::<Vec<_>>(), [reply, notice, email], "replies first");
    assert_eq!(
        all[1],
        OutboxMessage {
            id: notice,
            chat_id: 1,
            email: None,
            broadcast_id: None,
            priority: OUTBOX_NOTICE,
            notice: "{\"n\":1}".into(),
            created_at: t0(),
            send_after: t0(),
            attempts: 0,
        }
    );
    assert_eq!(
        (all[0].priority, all[0].created_at, all[0].send_after),
        (OUTBOX_REPLY, t0() + Duration::seconds(1), t0())
    );
    assert_eq!((all[2].chat_id, all[2].email.as_deref()), (0, Some("boss@example.org")));

    let mut tx = store.write().unwrap();
    tx.outbox_sent(reply, t0()).unwrap();
    tx.outbox_failed(email, t0(), "550 no such mailbox").unwrap();
    tx.outbox_retry(notice, t0() + Duration::minutes(1), "429").unwrap();
    assert_eq!(tx.outbox_release(t0()).unwrap(), 0, "a retry keeps its backoff");
    tx.commit().unwrap();
    assert!(due(t0() + Duration::seconds(59)).is_empty(), "sent, failed, or not yet due");
    let later = due(t0() + Duration::minutes(1));
    assert_eq!(later.iter().map(|m| (m.id, m.attempts)).collect::<Vec<_>>(), [(notice, 1)]);
    let mut tx = store.write().unwrap();
    tx.outbox_sent(notice, t0() + Duration::minutes(1)).unwrap();
    tx.commit().unwrap();
    assert!(due(t0() + Duration::days(1)).is_empty());
}

/// Calls to the server room: one per update (its key), the caller's latest
/// call, and each responder's latest answer, in the order they answered.
fn server_calls_keep_each_responders_latest_answer(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    assert_eq!(tx.last_call_by(AUTHOR).unwrap(), None);
    let keyed = tx.insert_call(AUTHOR, Some(b.branch.id), t0(), Some("tg:update:1")).unwrap();
    let later = tx.insert_call(AUTHOR, None, t0() + Duration::minutes(6), None).unwrap();
    let between = tx.insert_call(AUTHOR, None, t0() + Duration::minutes(5), None).unwrap();
    tx.commit().unwrap();
    assert!(keyed < later && later < between, "ids grow: {keyed} {later} {between}");
    let mut tx = store.write().unwrap();
    let again = tx.insert_call(STAFF, None, t0(), Some("tg:update:1"));
    assert!(matches!(again, Err(StoreError::Conflict(_))), "one call per update: {again:?}");
    drop(tx);
    let mut tx = store.write().unwrap();
    let stranger = tx.insert_call(999, None, t0(), None);
    assert!(matches!(stranger, Err(StoreError::Conflict(_))), "an unknown caller: {stranger:?}");
    drop(tx);

    let mut tx = store.read().unwrap();
    assert_eq!(
        tx.last_call_by(AUTHOR).unwrap(),
        Some(t0() + Duration::minutes(6)),
        "the latest, not the last inserted"
    );
    assert_eq!(tx.last_call_by(STAFF).unwrap(), None);
    assert_eq!(tx.call_by_client_key("tg:update:1").unwrap(), Some(keyed));
    assert_eq!(tx.call_by_client_key("tg:update:2").unwrap(), None);
    assert_eq!(
        tx.server_call(keyed).unwrap(),
        Some(ServerCall {
            id: keyed,
            caller_id: AUTHOR,
            caller_name: "Автор".into(),
            caller_phone: Some("+380441234567".into()),
            branch_name: Some("Київ".into()),
            created_at: t0(),
            answers: vec![],
        })
    );
    assert_eq!(tx.server_call(later).unwrap().unwrap().branch_name, None);
    assert_eq!(tx.server_call(between + 100).unwrap(), None);
    drop(tx);

    let mut tx = store.write().unwrap();
    tx.answer_call(keyed, STAFF, "coming", t0() + Duration::minutes(1)).unwrap();
    tx.answer_call(keyed, STAFF_2, "cannot", t0() + Duration::minutes(2)).unwrap();
    tx.commit().unwrap();
    let answers = |id| -> Vec<(i64, String, String, chrono::DateTime<chrono::Utc>)> {
        let call = store.read().unwrap().server_call(id).unwrap().unwrap();
        call.answers.into_iter().map(|a| (a.responder_id, a.responder_name, a.answer, a.answered_at)).collect()
    };
    let answer = |who: i64, name: &str, what: &str, minutes| {
        (who, name.to_string(), what.to_string(), t0() + Duration::minutes(minutes))
    };
    assert_eq!(answers(keyed), [answer(STAFF, "Сапорт", "coming", 1), answer(STAFF_2, "Сапорт Два", "cannot", 2)]);
    let mut tx = store.write().unwrap();
    tx.answer_call(keyed, STAFF, "cannot", t0() + Duration::minutes(3)).unwrap();
    tx.commit().unwrap();
    assert_eq!(
        answers(keyed),
        [answer(STAFF_2, "Сапорт Два", "cannot", 2), answer(STAFF, "Сапорт", "cannot", 3)],
        "a changed answer replaces the first, at its new time"
    );
    assert!(answers(later).is_empty(), "answers belong to their call");
    let mut tx = store.write().unwrap();
    assert!(matches!(tx.answer_call(later, STAFF, "maybe", t0()), Err(StoreError::Conflict(_))));
}

/// A broadcast is recorded once per update that started it; its progress is
/// counted from its messages in the outbox, which wait behind every other
/// notification.
fn broadcasts_count_their_messages_in_the_outbox(store: &dyn Store) {
    base(store);
    let new = |key: Option<&str>| NewBroadcast {
        author_id: STAFF,
        kind: "text".into(),
        text: Some("Завтра сервер недоступний з 9:00".into()),
        file_id: None,
        created_at: t0(),
        recipients: 4,
        client_key: key.map(Into::into),
    };
    let mut tx = store.write().unwrap();
    let id = tx.insert_broadcast(&new(Some("tg:update:5"))).unwrap();
    let unkeyed = tx.insert_broadcast(&new(None)).unwrap();
    let unkeyed_2 = tx.insert_broadcast(&NewBroadcast { kind: "photo".into(), file_id: Some("f".into()), ..new(None) });
    assert!(unkeyed_2.is_ok(), "broadcasts without a key never collide: {unkeyed_2:?}");
    let mut messages = Vec::new();
    for chat in 1..=4 {
        messages.push(tx.outbox_push_broadcast(id, chat, &format!("{{\"b\":{chat}}}"), t0()).unwrap());
    }
    let notice = tx.outbox_push(1, "{}", t0() + Duration::minutes(1)).unwrap();
    tx.commit().unwrap();
    assert_ne!(id, unkeyed);
    let mut tx = store.write().unwrap();
    let again = tx.insert_broadcast(&new(Some("tg:update:5")));
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    drop(tx);
    let mut tx = store.write().unwrap();
    let bad = tx.insert_broadcast(&NewBroadcast { kind: "video".into(), ..new(None) });
    assert!(matches!(bad, Err(StoreError::Conflict(_))), "{bad:?}");
    drop(tx);

    let expected = Broadcast {
        id,
        author_id: STAFF,
        kind: "text".into(),
        text: Some("Завтра сервер недоступний з 9:00".into()),
        file_id: None,
        created_at: t0(),
        finished_at: None,
        recipients: 4,
    };
    let mut tx = store.read().unwrap();
    assert_eq!(tx.broadcast(id).unwrap(), Some(expected.clone()));
    assert_eq!(tx.broadcast_by_client_key("tg:update:5").unwrap(), Some(expected.clone()));
    assert_eq!(tx.broadcast_by_client_key("tg:update:6").unwrap(), None);
    assert_eq!(tx.broadcast(unkeyed + 100).unwrap(), None);
    assert_eq!(tx.broadcast_progress(id).unwrap(), (4, BroadcastStats::default()));
    assert_eq!(tx.broadcast_progress(unkeyed).unwrap(), (0, BroadcastStats::default()));
    drop(tx);

    let mut tx = store.write().unwrap();
    let at = t0() + Duration::minutes(1);
    let due = tx.outbox_due(at, alive_since(at), 100, 100).unwrap();
    assert_eq!(due[0].id, notice, "a notification queued later goes before the broadcast");
    assert_eq!(due[1..].iter().map(|m| m.id).collect::<Vec<_>>(), messages);
    assert!(due[1..].iter().all(|m| m.broadcast_id == Some(id) && m.priority == OUTBOX_BROADCAST), "{due:?}");
    tx.outbox_sent(messages[0], t0()).unwrap();
    tx.outbox_failed(messages[1], t0(), "400 chat not found").unwrap();
    tx.outbox_failed(messages[2], t0(), BLOCKED_BY_USER).unwrap();
    tx.outbox_retry(messages[3], t0() + Duration::minutes(5), "429").unwrap();
    tx.commit().unwrap();
    let stats = BroadcastStats { delivered: 1, failed: 1, blocked: 1 };
    assert_eq!(store.read().unwrap().broadcast_progress(id).unwrap(), (1, stats), "a retry is still to send");

    let mut tx = store.write().unwrap();
    tx.finish_broadcast(id, stats, t0() + Duration::hours(1)).unwrap();
    tx.commit().unwrap();
    let finished = store.read().unwrap().broadcast(id).unwrap().unwrap();
    assert_eq!(finished, Broadcast { finished_at: Some(t0() + Duration::hours(1)), ..expected });
    assert_eq!(store.read().unwrap().broadcast(unkeyed).unwrap().unwrap().finished_at, None);
}

/// SLA reminders are recorded once each, leased to one sender at a time in
/// the order they were recorded, and leave the queue when sent or given up.
fn sla_reminders_are_recorded_once_and_leased(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    let request = tx.insert_request(&new_request(&b, Kind::Repair, 0)).unwrap();
    let reminder = |kind: &str, level: i64, channel: &str, recipient: &str| NewSlaReminder {
        request_id: request,
        kind: kind.into(),
        level,
        channel: channel.into(),
        recipient: recipient.into(),
    };
    let first = [
        reminder("accept", 1, "telegram", "22"),
        reminder("accept", 1, "email", "boss@example.org"),
        reminder("resolve", 1, "telegram", "22"),
    ];
    assert_eq!(tx.insert_sla_reminders(&first, t0()).unwrap(), 3);
    let mut second = first.to_vec();
    second.push(reminder("accept", 2, "telegram", "22"));
    assert_eq!(tx.insert_sla_reminders(&second, t0() + Duration::minutes(1)).unwrap(), 1, "only the new one");
    assert_eq!(tx.sla_reminders_pending().unwrap(), 4);
    tx.commit().unwrap();
    let mut tx = store.write().unwrap();
    let stranger = tx.insert_sla_reminders(
        &[NewSlaReminder { request_id: request + 100, ..reminder("accept", 1, "telegram", "22") }],
        t0(),
    );
    assert!(matches!(stranger, Err(StoreError::Conflict(_))), "an unknown request: {stranger:?}");
    drop(tx);

    let lease = |now: i64, until: i64, limit| -> Vec<SlaReminder> {
        let mut tx = store.write().unwrap();
        let got =
            tx.lease_sla_reminders(t0() + Duration::minutes(now), t0() + Duration::minutes(until), limit).unwrap();
        tx.commit().unwrap();
        got
    };
    let taken = lease(0, 5, 2);
    assert_eq!(
        taken
            .iter()
            .map(|r| (r.kind.as_str(), r.level, r.channel.as_str(), r.recipient.as_str(), r.attempts, r.request_id))
            .collect::<Vec<_>>(),
        [("accept", 1, "telegram", "22", 0, request), ("accept", 1, "email", "boss@example.org", 0, request)],
        "in the order recorded, up to the limit"
    );
    let rest = lease(1, 6, 10);
    assert_eq!(rest.iter().map(|r| (r.kind.as_str(), r.level)).collect::<Vec<_>>(), [("resolve", 1), ("accept", 2)]);
    let ids: Vec<i64> = taken.iter().chain(&rest).map(|r| r.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    assert!(lease(2, 7, 10).is_empty(), "all leased");

    let mut tx = store.write().unwrap();
    tx.sla_reminder_sent(ids[0], t0() + Duration::minutes(2)).unwrap();
    tx.sla_reminder_failed(ids[1], t0() + Duration::minutes(2), "smtp down", false).unwrap();
    tx.sla_reminder_failed(ids[2], t0() + Duration::minutes(2), "chat not found", true).unwrap();
    assert_eq!(tx.sla_reminders_pending().unwrap(), 2, "the failed one to try again and the leased one");
    tx.commit().unwrap();
    let retry = lease(3, 8, 10);
    assert_eq!(
        retry.iter().map(|r| (r.id, r.attempts)).collect::<Vec<_>>(),
        [(ids[1], 1)],
        "a failure frees it at once"
    );
    assert_eq!(lease(6, 11, 10).iter().map(|r| r.id).collect::<Vec<_>>(), [ids[3]], "a lease runs out at its end");
    assert!(lease(7, 12, 10).is_empty(), "both leased again");
    let mut tx = store.write().unwrap();
    tx.sla_reminder_sent(ids[1], t0() + Duration::minutes(9)).unwrap();
    tx.sla_reminder_sent(ids[3], t0() + Duration::minutes(9)).unwrap();
    assert_eq!(tx.sla_reminders_pending().unwrap(), 0);
    tx.commit().unwrap();
    assert!(lease(120, 125, 10).is_empty(), "sent and given-up reminders are never leased again");
    let mut tx = store.write().unwrap();
    assert_eq!(tx.insert_sla_reminders(&second, t0() + Duration::hours(3)).unwrap(), 0, "nor recorded again");
}

/// The last run of each job, by when it started (the later id on a tie).
fn job_runs_remember_the_last_run_of_each_job(store: &dyn Store) {
    let last = |job: &str| store.read().unwrap().last_job_run(job).unwrap();
    assert_eq!(last("sla-check"), None);
    let mut tx = store.write().unwrap();
    let first = tx.job_started("sla-check", t0()).unwrap();
    tx.commit().unwrap();
    let run = |started: i64, finished: Option<i64>, ok: Option<bool>, message: Option<&str>| JobRun {
        job: "sla-check".into(),
        started_at: t0() + Duration::minutes(started),
        finished_at: finished.map(|m| t0() + Duration::minutes(m)),
        ok,
        message: message.map(Into::into),
    };
    assert_eq!(last("sla-check"), Some(run(0, None, None, None)), "running");
    let mut tx = store.write().unwrap();
    tx.job_finished(first, t0() + Duration::minutes(1), true, "3 reminders").unwrap();
    let backup = tx.job_started("backup", t0() + Duration::minutes(30)).unwrap();
    tx.commit().unwrap();
    assert_ne!(backup, first);
    assert_eq!(last("sla-check"), Some(run(0, Some(1), Some(true), Some("3 reminders"))), "other jobs are separate");
    assert_eq!(last("backup").unwrap().started_at, t0() + Duration::minutes(30));

    let mut tx = store.write().unwrap();
    let failed = tx.job_started("sla-check", t0() + Duration::minutes(10)).unwrap();
    tx.job_finished(failed, t0() + Duration::minutes(11), false, "smtp down").unwrap();
    // Recorded later but started earlier: not the last run.
    let early = tx.job_started("sla-check", t0() + Duration::minutes(5)).unwrap();
    tx.job_finished(early, t0() + Duration::minutes(6), true, "").unwrap();
    tx.commit().unwrap();
    assert_eq!(last("sla-check"), Some(run(10, Some(11), Some(false), Some("smtp down"))));
    let mut tx = store.write().unwrap();
    tx.job_started("sla-check", t0() + Duration::minutes(10)).unwrap();
    tx.commit().unwrap();
    assert_eq!(last("sla-check"), Some(run(10, None, None, None)), "a tie goes to the later run");
}

/// A repeat of the latest import from a source is recognised by its content;
/// an older import of the same content, or another source's, is not a repeat.
fn imports_recognise_a_repeat_of_the_latest_import_only(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    assert_eq!(tx.latest_one_c_import_of("rests.xml", "h1").unwrap(), None);
    let first = tx.insert_one_c_import("rests.xml", "h1", t0(), 2).unwrap();
    tx.commit().unwrap();
    let latest = |source: &str, hash: &str| store.read().unwrap().latest_one_c_import_of(source, hash).unwrap();
    assert_eq!(
        latest("rests.xml", "h1"),
        Some(OneCImport {
            id: first,
            source: "rests.xml".into(),
            content_hash: "h1".into(),
            imported_at: t0(),
            rows: 2
        })
    );
    assert_eq!(latest("offers.xml", "h1"), None, "another source");
    assert_eq!(latest("rests.xml", "h2"), None, "other content");

    let mut tx = store.write().unwrap();
    let second = tx.insert_one_c_import("rests.xml", "h2", t0() + Duration::hours(1), 0).unwrap();
    let offers = tx.insert_one_c_import("offers.xml", "h1", t0() + Duration::hours(2), 5).unwrap();
    tx.commit().unwrap();
    assert!(first < second && second < offers);
    assert_eq!(latest("rests.xml", "h1"), None, "no longer the latest");
    assert_eq!(latest("rests.xml", "h2").map(|i| (i.id, i.rows)), Some((second, 0)));
    assert_eq!(latest("offers.xml", "h1").map(|i| i.id), Some(offers), "the same content from another source");
    let mut tx = store.write().unwrap();
    let third = tx.insert_one_c_import("rests.xml", "h1", t0() + Duration::hours(3), 2).unwrap();
    tx.commit().unwrap();
    assert_eq!(latest("rests.xml", "h1").map(|i| i.id), Some(third), "the same content again, later");

    let row = |quantity: i64, matched: bool| NewSnapshotRow {
        item_one_c_id: Some("ct-1c".into()),
        item_name: "Картридж HP 83A".into(),
        item_article: matched.then(|| "CF283A".into()),
        warehouse_one_c_id: Some("wh-1c".into()),
        warehouse_name: None,
        quantity,
        cartridge_type_id: matched.then_some(b.cartridge.id),
        warehouse_id: matched.then_some(b.warehouse.id),
    };
    let mut tx = store.write().unwrap();
    tx.insert_one_c_snapshot(third, "rests.xml", t0() + Duration::hours(3), &[row(4, true), row(0, false)]).unwrap();
    tx.insert_one_c_snapshot(third, "rests.xml", t0() + Duration::hours(3), &[]).unwrap();
    tx.commit().unwrap();
    for (what, import, rows) in [
        ("an unknown import", third + 100, vec![row(1, true)]),
        ("a negative quantity", third, vec![row(1, true), row(-1, false)]),
        (
            "an unknown cartridge type",
            third,
            vec![NewSnapshotRow { cartridge_type_id: Some(CartridgeTypeId(b.cartridge.id.0 + 100)), ..row(1, true) }],
        ),
    ] {
        let mut tx = store.write().unwrap();
        let got = tx.insert_one_c_snapshot(import, "rests.xml", t0(), &rows);
        assert!(matches!(got, Err(StoreError::Conflict(_))), "{what}: {got:?}");
    }
    // Nothing reads a snapshot back but a backup's row count.
    let dir = tempfile::tempdir().unwrap();
    let counts = store.backup_to(&dir.path().join("copy"), true).unwrap();
    assert_eq!((counts["one_c_snapshot"], counts["one_c_imports"]), (2, 4), "{counts:?}");
}

/// The record of 1C exchange steps, newest first, and which cartridge issues
/// 1C has confirmed: each once, by the first step that confirmed it.
fn one_c_exchanges_list_newest_first_and_confirm_each_issue_once(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    let request = tx.insert_request(&new_request(&b, Kind::Cartridge, 0)).unwrap();
    let item = tx.items(request).unwrap()[0].id;
    let issue = |minutes: i64, quantity: i64, tx: &mut Box<dyn Tx + '_>| {
        tx.insert_issue(&NewIssue {
            request_id: request,
            item_id: item,
            warehouse_id: b.warehouse.id,
            quantity,
            empties: 0,
            note: None,
            issued_by: STAFF,
            issued_at: t0() + Duration::minutes(minutes),
        })
        .unwrap()
    };
    let issues = [issue(10, 1, &mut tx), issue(11, 2, &mut tx), issue(12, 1, &mut tx)];
    let import = tx.insert_one_c_import("import.xml", "h", t0(), 1).unwrap();
    assert!(!tx.one_c_step_taken("sale", "query").unwrap());
    tx.commit().unwrap();
    assert!(issues.windows(2).all(|w| w[0] < w[1]), "{issues:?}");

    let step = |minutes: i64, kind: &str, step: &str| OneCExchange {
        id: 0,
        at: t0() + Duration::minutes(minutes),
        kind: kind.into(),
        step: step.into(),
        session: Some("s-1".into()),
        peer: Some("10.0.0.5".into()),
        files: String::new(),
        ok: true,
        detail: "ok".into(),
        import_id: None,
        stock_changed: 0,
    };
    let catalog = OneCExchange {
        files: "import.xml,offers.xml".into(),
        import_id: Some(import),
        stock_changed: 3,
        session: None,
        peer: None,
        ..step(0, "catalog", "import")
    };
    let mut tx = store.write().unwrap();
    let catalog_id = tx.insert_one_c_exchange(&catalog).unwrap();
    let query = tx.insert_one_c_exchange(&step(20, "sale", "query")).unwrap();
    let confirm = tx
        .insert_one_c_exchange(&OneCExchange { ok: false, detail: "refused".into(), ..step(20, "sale", "confirm") })
        .unwrap();
    tx.commit().unwrap();
    let mut tx = store.read().unwrap();
    let listed = tx.one_c_exchanges(10).unwrap();
    assert_eq!(
        listed.iter().map(|e| e.id).collect::<Vec<_>>(),
        [confirm, query, catalog_id],
        "newest first, ties by id"
    );
    assert_eq!(listed[2], OneCExchange { id: catalog_id, ..catalog });
    assert_eq!((listed[0].ok, listed[0].detail.as_str()), (false, "refused"));
    assert_eq!(tx.one_c_exchanges(2).unwrap().iter().map(|e| e.id).collect::<Vec<_>>(), [confirm, query]);
    assert!(tx.one_c_step_taken("sale", "query").unwrap());
    assert!(!tx.one_c_step_taken("sale", "status").unwrap());
    assert!(!tx.one_c_step_taken("catalog", "query").unwrap(), "kind and step together");

    let lines = tx.unconfirmed_issues(10).unwrap();
    assert_eq!(lines.iter().map(|l| l.issue_id).collect::<Vec<_>>(), issues, "oldest first");
    assert_eq!(
        lines[1],
        SaleLine {
            issue_id: issues[1],
            request_id: request,
            request_created_at: t0(),
            branch: "Київ".into(),
            branch_code: "KYIV".into(),
            cartridge_one_c_id: Some("ct-1c".into()),
            vendor_article: "CF283A".into(),
            cartridge_name: "HP 83A".into(),
            warehouse_one_c_id: Some("wh-1c".into()),
            warehouse: "Центральний".into(),
            quantity: 2,
            issued_at: t0() + Duration::minutes(11),
        }
    );
    assert_eq!(tx.unconfirmed_issues(2).unwrap().iter().map(|l| l.issue_id).collect::<Vec<_>>(), issues[..2]);
    drop(tx);

    let unconfirmed =
        || -> Vec<i64> { store.read().unwrap().unconfirmed_issues(10).unwrap().iter().map(|l| l.issue_id).collect() };
    let mut tx = store.write().unwrap();
    assert_eq!(tx.confirm_issues(&[], query).unwrap(), 0);
    assert_eq!(tx.confirm_issues(&[issues[0], issues[0]], query).unwrap(), 1, "a repeat in one call counts once");
    assert_eq!(tx.confirm_issues(&[issues[0], issues[1]], confirm).unwrap(), 1, "the first is confirmed already");
    tx.commit().unwrap();
    assert_eq!(unconfirmed(), [issues[2]]);
    let mut tx = store.write().unwrap();
    let unknown = tx.confirm_issues(&[issues[2] + 100], confirm);
    assert!(matches!(unknown, Err(StoreError::Conflict(_))), "an issue that does not exist: {unknown:?}");
    drop(tx);
    let mut tx = store.write().unwrap();
    assert_eq!(tx.confirm_all_issues(confirm).unwrap(), 1);
    assert_eq!(tx.confirm_all_issues(confirm).unwrap(), 0);
    let fourth = issue(30, 1, &mut tx);
    tx.commit().unwrap();
    assert_eq!(unconfirmed(), [fourth], "an issue after the confirmation waits for the next one");
}

/// A sign-in link works once, before it expires, however many use it at once;
/// sessions are found by their token, listed newest first while open, and
/// end once.
fn web_sign_in_links_work_once_and_sessions_end(store: &dyn Store) {
    base(store);
    let token = |hash: &str, who: i64, minutes: i64| LoginToken {
        token_hash: hash.into(),
        telegram_id: who,
        created_at: t0(),
        expires_at: t0() + Duration::minutes(minutes),
        used_at: None,
    };
    let mut tx = store.write().unwrap();
    for t in [token("h1", AUTHOR, 10), token("h2", STAFF, 10), token("h3", STAFF, 10)] {
        tx.insert_login_token(&t).unwrap();
    }
    tx.commit().unwrap();
    let mut tx = store.write().unwrap();
    let dup = tx.insert_login_token(&token("h1", STAFF, 60));
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    drop(tx);
    let mut tx = store.write().unwrap();
    let stranger = tx.insert_login_token(&token("h9", 999, 10));
    assert!(matches!(stranger, Err(StoreError::Conflict(_))), "an unknown person: {stranger:?}");
    drop(tx);

    let use_at = |hash: &str, minutes: i64| {
        let mut tx = store.write().unwrap();
        let who = tx.use_login_token(hash, t0() + Duration::minutes(minutes)).unwrap();
        tx.commit().unwrap();
        who
    };
    assert_eq!(store.read().unwrap().login_token("h1").unwrap(), Some(token("h1", AUTHOR, 10)));
    assert_eq!(store.read().unwrap().login_token("nope").unwrap(), None);
    assert_eq!(use_at("h1", 10), None, "expired at its expiry");
    assert_eq!(
        store.read().unwrap().login_token("h1").unwrap().unwrap().used_at,
        None,
        "a refused use changes nothing"
    );
    assert_eq!(use_at("h1", 1), Some(AUTHOR));
    assert_eq!(use_at("h1", 2), None, "once only");
    assert_eq!(use_at("nope", 1), None);
    assert_eq!(store.read().unwrap().login_token("h1").unwrap().unwrap().used_at, Some(t0() + Duration::minutes(1)));
    let barrier = Barrier::new(2);
    let got: Vec<Option<i64>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    use_at("h2", 1)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(got.iter().filter(|g| **g == Some(STAFF)).count(), 1, "{got:?}");
    assert_eq!(got.iter().filter(|g| g.is_none()).count(), 1, "{got:?}");

    let session = |hash: &str, who: i64, via: SignedInVia, minutes: i64| WebSession {
        id: 999,
        token_hash: hash.into(),
        telegram_id: who,
        csrf: format!("csrf-{hash}"),
        via,
        created_at: t0() + Duration::minutes(minutes),
        seen_at: t0() + Duration::minutes(minutes),
        expires_at: t0() + Duration::days(30),
        ended_at: None,
        user_agent: (via != SignedInVia::MiniApp).then(|| "Mozilla/5.0".into()),
    };
    let mut tx = store.write().unwrap();
    let s1 = tx.insert_session(&session("s1", AUTHOR, SignedInVia::Link, 0)).unwrap();
    let s2 = tx.insert_session(&session("s2", AUTHOR, SignedInVia::Widget, 60)).unwrap();
    let s3 = tx.insert_session(&session("s3", STAFF, SignedInVia::MiniApp, 0)).unwrap();
    tx.commit().unwrap();
    let mut tx = store.write().unwrap();
    let dup = tx.insert_session(&session("s1", STAFF, SignedInVia::Link, 0));
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    drop(tx);
    let get = |hash: &str| store.read().unwrap().session(hash).unwrap();
    let open =
        |who: i64| -> Vec<i64> { store.read().unwrap().sessions_of(who).unwrap().iter().map(|s| s.id).collect() };
    assert_eq!(
        get("s1"),
        Some(WebSession { id: s1, ..session("s1", AUTHOR, SignedInVia::Link, 0) }),
        "its id is the store's"
    );
    assert_eq!(get("s3"), Some(WebSession { id: s3, ..session("s3", STAFF, SignedInVia::MiniApp, 0) }));
    assert_eq!(get("nope"), None);
    assert_eq!(open(AUTHOR), [s2, s1], "newest first");
    assert_eq!(open(STAFF), [s3]);
    assert_eq!(open(STAFF_2), Vec::<i64>::new());

    let mut tx = store.write().unwrap();
    tx.touch_session(s1, t0() + Duration::hours(2)).unwrap();
    tx.end_session(s1, t0() + Duration::hours(3)).unwrap();
    tx.end_session(s1, t0() + Duration::hours(4)).unwrap();
    tx.commit().unwrap();
    let ended = get("s1").unwrap();
    assert_eq!(
        (ended.seen_at, ended.ended_at),
        (t0() + Duration::hours(2), Some(t0() + Duration::hours(3))),
        "ended once"
    );
    assert_eq!(open(AUTHOR), [s2]);
    let mut tx = store.write().unwrap();
    assert_eq!(tx.end_sessions_of(AUTHOR, t0() + Duration::hours(5)).unwrap(), 1, "the open one only");
    assert_eq!(tx.end_sessions_of(AUTHOR, t0() + Duration::hours(6)).unwrap(), 0);
    tx.commit().unwrap();
    assert_eq!(open(AUTHOR), Vec::<i64>::new());
    assert_eq!(get("s1").unwrap().ended_at, Some(t0() + Duration::hours(3)));
    assert_eq!(get("s2").unwrap().ended_at, Some(t0() + Duration::hours(5)));
    assert_eq!(open(STAFF), [s3], "another person's sessions stay open");
}

/// Cartridge lines of the requests a query matches, by request then line,
/// whatever the query's order and limit.
fn items_are_scanned_by_request_then_line(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    let other = hp_85a(&mut *tx);
    let mut ids = Vec::new();
    for minutes in [0, 10, 20] {
        let mut n = new_request(&b, Kind::Cartridge, minutes);
        n.items.push(NewItem {
            cartridge_type_id: other.id,
            quantity: 1,
            issued_quantity: 0,
            comment: None,
            printer_id: None,
        });
        ids.push(tx.insert_request(&n).unwrap());
    }
    ids.push(tx.insert_request(&new_request(&b, Kind::Repair, 30)).unwrap());
    tx.commit().unwrap();
    let scan = |q: RequestQuery| -> Vec<(i64, String)> {
        let mut tx = store.read().unwrap();
        let mut out = Vec::new();
        tx.scan_items(&q, &mut |i| {
            out.push((i.request_id, i.vendor_article));
            Ok(true)
        })
        .unwrap();
        out
    };
    let line = |r: i64, a: &str| (r, a.to_string());
    assert_eq!(
        scan(RequestQuery { limit: Some(1), ..Default::default() }),
        [
            line(ids[0], "CF283A"),
            line(ids[0], "CE285A"),
            line(ids[1], "CF283A"),
            line(ids[1], "CE285A"),
            line(ids[2], "CF283A"),
            line(ids[2], "CE285A")
        ]
    );
    assert_eq!(
        scan(RequestQuery { since: Some(t0() + Duration::minutes(20)), ..Default::default() }),
        [line(ids[2], "CF283A"), line(ids[2], "CE285A")]
    );
    let mut seen = 0;
    store
        .read()
        .unwrap()
        .scan_items(&RequestQuery::default(), &mut |_| {
            seen += 1;
            Ok(seen < 3)
        })
        .unwrap();
    assert_eq!(seen, 3, "a scan stops when told");
}

/// Changes to a warehouse and a cartridge type are stored whole.
fn catalog_updates_round_trip(store: &dyn Store) {
    let b = base(store);
    let mut tx = store.write().unwrap();
    let lviv = tx.insert_branch(&NewBranch { code: "LVIV".into(), name: "Львів".into(), address: None }, t0()).unwrap();
    let warehouse = Warehouse {
        code: "LV-1".into(),
        name: "Склад Львів".into(),
        branch_id: Some(lviv.id),
        one_c_id: None,
        ..b.warehouse.clone()
    };
    tx.update_warehouse(&warehouse).unwrap();
    let cartridge = CartridgeType {
        name: "HP 83X".into(),
        vendor_article: "CF283X".into(),
        compatible_printers: "M125, M127".into(),
        one_c_id: None,
        min_stock: 2,
        ..b.cartridge.clone()
    };
    tx.update_cartridge_type(&cartridge).unwrap();
    tx.commit().unwrap();
    let mut tx = store.read().unwrap();
    assert_eq!(tx.warehouse(b.warehouse.id).unwrap(), Some(warehouse));
    assert_eq!(tx.warehouse_by_one_c_id("wh-1c").unwrap(), None);
    assert_eq!(tx.cartridge_type(b.cartridge.id).unwrap(), Some(cartridge));
    assert_eq!(tx.cartridge_type_by_article("CF283A").unwrap(), None);
}

macro_rules! backends {
    ($($case:ident),* $(,)?) => {
        mod postgres {
            $(
                #[test]
                fn $case() {
                    let Some(pg) = crate::support::PgDb::create(concat!("postgres::", stringify!($case))) else { return };
                    let url = super::DatabaseUrl::parse(&pg.url).unwrap();
                    let store: super::Arc<dyn super::Store> = super::open(&url, super::OpenOptions::default()).unwrap();
                    super::$case(&*store);
                }
            )*
        }
        mod sqlite {
            $(
                #[test]
                fn $case() {
                    let dir = tempfile::tempdir().unwrap();
                    let url = super::DatabaseUrl::Sqlite(dir.path().join("contract.db"));
                    let store: super::Arc<dyn super::Store> = super::open(&url, super::OpenOptions::default()).unwrap();
                    super::$case(&*store);
                }
            )*
        }
    };
}

backends!(
    directory_round_trip,
    duplicates_are_conflicts,
    codes_fold_ascii_case_only,
    listings_are_alphabetical,
    stock_is_never_negative,
    the_books_read_stock_ledger_and_issues_apart,
    refill_batches_round_trip,
    requests_round_trip,
    inconsistent_requests_are_refused,
    queries_filter_and_order,
    uncommitted_writes_roll_back,
    audit_log_round_trip,
    concurrent_writers_serialise,
    stale_updates_are_claimed_once,
    instances_beat_stop_and_are_forgotten,
    printers_round_trip,
    the_outbox_takes_turns_between_chats_and_releases_what_was_held,
    keyset_pages_and_search,
    job_locks_exclude_each_other,
    an_id_is_never_taken_for_a_code,
    the_inbox_keeps_pending_updates_in_order_and_prunes_what_was_done,
    dialogues_keep_the_last_update_they_applied,
    outbox_messages_leave_once_sent_or_failed,
    server_calls_keep_each_responders_latest_answer,
    broadcasts_count_their_messages_in_the_outbox,
    sla_reminders_are_recorded_once_and_leased,
    job_runs_remember_the_last_run_of_each_job,
    imports_recognise_a_repeat_of_the_latest_import_only,
    one_c_exchanges_list_newest_first_and_confirm_each_issue_once,
    web_sign_in_links_work_once_and_sessions_end,
    items_are_scanned_by_request_then_line,
    catalog_updates_round_trip,
);

/// SQLite-specific guarantees enforced in the schema itself.
mod sqlite_schema {
    use super::*;

    #[test]
    fn requests_cannot_be_deleted_and_logs_cannot_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let store = open(&DatabaseUrl::Sqlite(path.clone()), OpenOptions::default()).unwrap();
        let b = base(&*store);
        let mut tx = store.write().unwrap();
        tx.insert_request(&new_request(&b, Kind::Repair, 0)).unwrap();
        tx.append_log(&NewLog {
            at: t0(),
            actor_id: None,
            actor: "t".into(),
            action: "a".into(),
            entity: "e".into(),
            entity_id: "1".into(),
            before: None,
            after: None,
        })
        .unwrap();
        tx.commit().unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        let e = conn.execute("DELETE FROM requests", []).unwrap_err().to_string();
        assert!(e.contains("requests are never deleted"), "{e}");
        let e = conn.execute("UPDATE logs SET action = 'forged'", []).unwrap_err().to_string();
        assert!(e.contains("append-only"), "{e}");
        let e = conn.execute("DELETE FROM logs", []).unwrap_err().to_string();
        assert!(e.contains("append-only"), "{e}");
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }
}
