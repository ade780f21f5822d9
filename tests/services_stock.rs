//! The stock ledger through the services, on both stores: empties back with
//! an issue (as many as issued by default, fewer when said, none when the
//! help desk does not collect them), empties brought in, refills sent and
//! received, and the books balanced after a long random run of orders,
//! issues, returns, refills and 1C imports.

mod support;

use helpdesk::domain::stock::Books;
use helpdesk::domain::{Key, Kind, Priority, WarehouseId};
use helpdesk::services::cartridges::{self, IssueError};
use helpdesk::services::import_1c::{self, ImportOptions};
use helpdesk::services::requests::{self, NewTicket, TicketItem};
use helpdesk::services::{Actor, Error, NoProgress, catalog, ledger, refills};
use support::{ADMIN, STOREKEEPER, SUPPORT, TestDb};

const AUTHOR: i64 = 555_000_801;

fn order(db: &TestDb, author: i64, lines: &[(&str, i64)]) -> i64 {
    let types = catalog::cartridge_types(&db.app).unwrap();
    let items = lines
        .iter()
        .map(|(article, quantity)| TicketItem {
            cartridge_type_id: types.iter().find(|c| c.vendor_article == *article).unwrap().id,
            quantity: *quantity,
            comment: None,
            printer_id: None,
        })
        .collect();
    let ticket = NewTicket {
        kind: Kind::Cartridge,
        branch_id: None,
        contact_name: "Автор".into(),
        contact_phone: "+380441112233".into(),
        description: String::new(),
        priority: Priority::Medium,
        items,
        attachments: vec![],
        client_key: None,
    };
    let id = requests::create(&db.app, &Actor::Telegram(author), &ticket).unwrap().id;
    requests::accept(&db.app, &Actor::Telegram(STOREKEEPER), id).unwrap();
    id
}

fn central(db: &TestDb) -> WarehouseId {
    db.store.read().unwrap().warehouse_by_code("CENTRAL").unwrap().unwrap().id
}

fn levels(db: &TestDb, article: &str, w: WarehouseId) -> (i64, i64) {
    let mut tx = db.store.read().unwrap();
    let c = tx.cartridge_type_by_article(article).unwrap().unwrap();
    let l = tx.stock_levels(c.id, w).unwrap();
    (l.full, l.empty)
}

fn unbalanced(db: &TestDb) -> Vec<(String, String, Vec<String>)> {
    ledger::books(&db.app, &Actor::Operator("test".into()))
        .unwrap()
        .iter()
        .map(|b: &Books| (b.warehouse.clone(), b.article.clone(), b.differences()))
        .filter(|(_, _, d)| !d.is_empty())
        .collect()
}

#[test]
fn empties_come_back_with_an_issue_as_said_and_are_brought_in_by_those_who_handle_cartridges() {
    let db = TestDb::new();
    support::add_person(&db.app, AUTHOR, "Автор", "LVIV");
    let w = central(&db);
    let before = levels(&db, "CE285A", w);
    // As many as issued, by default; spread over the lines in order when fewer.
    let id = order(&db, AUTHOR, &[("CE285A", 3)]);
    let issued = cartridges::issue(&db.app, &Actor::Telegram(STOREKEEPER), id, w, false, None, None).unwrap();
    assert_eq!(issued.empties, 3);
    assert_eq!(levels(&db, "CE285A", w), (before.0 - 3, before.1 + 3));
    let id = order(&db, AUTHOR, &[("CE285A", 2), ("CF283A", 2)]);
    let issued = cartridges::issue(&db.app, &Actor::Telegram(STOREKEEPER), id, w, false, None, Some(3)).unwrap();
    assert_eq!(issued.empties, 3);
    assert_eq!(levels(&db, "CE285A", w).1, before.1 + 5);
    assert_eq!(levels(&db, "CF283A", w).1, 1);
    // More than issued is as many as issued.
    let id = order(&db, AUTHOR, &[("CF283A", 1)]);
    let issued = cartridges::issue(&db.app, &Actor::Telegram(STOREKEEPER), id, w, false, None, Some(9)).unwrap();
    assert_eq!(issued.empties, 1);

    // A bag of empties: storekeepers and administrators, not support staff or employees.

    let after = ledger::receive_empties(
        &db.app,
        &Actor::Telegram(ADMIN),
        &Key::Code(String::from("CENTRAL")),
        &Key::Code(String::from("TN-2375")),
        4,
        Some(" из Львова "),
    )
    .unwrap();
    assert_eq!(after.empty, 4);
    for who in [SUPPORT, AUTHOR] {
        let e = ledger::receive_empties(
            &db.app,
            &Actor::Telegram(who),
            &Key::Code(String::from("CENTRAL")),
            &Key::Code(String::from("TN-2375")),
            1,
            None,
        );
        assert!(matches!(e, Err(Error::Denied(_))), "{who}: {e:?}");
    }
    for bad in [0, -1, 1001] {
        let e = ledger::receive_empties(
            &db.app,
            &Actor::Telegram(ADMIN),
            &Key::Code(String::from("CENTRAL")),
            &Key::Code(String::from("TN-2375")),
            bad,
            None,
        );
        assert!(e.unwrap_err().to_string().contains("1000"), "{bad}");
    }
    assert_eq!(levels(&db, "TN-2375", w).1, 4, "refused ones changed nothing");
    assert!(unbalanced(&db).is_empty(), "{:?}", unbalanced(&db));
}

#[test]
fn a_help_desk_that_does_not_collect_empties_records_none_unless_told() {
    let mut settings = helpdesk::config::Settings::defaults();
    settings.stock.return_empties = false;
    let db = TestDb::with_settings(settings);
    support::add_person(&db.app, AUTHOR, "Автор", "LVIV");
    let w = central(&db);
    let id = order(&db, AUTHOR, &[("CE285A", 2)]);
    let issued = cartridges::issue(&db.app, &Actor::Telegram(STOREKEEPER), id, w, false, None, None).unwrap();
    assert_eq!(issued.empties, 0);
    assert_eq!(levels(&db, "CE285A", w).1, 0);
    assert!(unbalanced(&db).is_empty());
}

/// Orders, issues (whole, partial, refused for want of stock) with empties
/// back or not, bags of empties, and 1C's balances, in a random order from
/// fixed seeds: after every step the books of every warehouse and type balance.
#[test]
fn the_books_balance_after_a_random_run_of_everything_that_moves_stock() {
    let db = TestDb::new();
    let authors = [AUTHOR, AUTHOR + 1, AUTHOR + 2];
    for (a, branch) in authors.iter().zip(["LVIV", "ODESA", "KHARKIV"]) {
        support::add_person(&db.app, *a, "Автор", branch);
    }
    let articles: Vec<String> =
        catalog::cartridge_types(&db.app).unwrap().into_iter().map(|c| c.vendor_article).collect();
    let warehouses = helpdesk::services::directory::warehouses(&db.app).unwrap();
    let keeper = Actor::Telegram(STOREKEEPER);
    let mut rng = fastrand::Rng::with_seed(20261207);
    let mut open: Vec<i64> = Vec::new();
    let (mut issues, mut imports, mut sent, mut back) = (0, 0, 0, 0);
    refills::add_contractor(&db.app, &keeper, "Тонер-Сервіс", "+380 44 123 45 67").unwrap();
    for step in 0..160 {
        match rng.u32(0..15) {
            0..=2 => {
                let lines: Vec<(&str, i64)> = (0..rng.usize(1..=2))
                    .map(|_| (articles[rng.usize(..articles.len())].as_str(), rng.i64(1..=6)))
                    .collect();
                let mut lines = lines;
                lines.dedup_by_key(|l| l.0);
                open.push(order(&db, authors[rng.usize(..authors.len())], &lines));
            }
            3..=7 if !open.is_empty() => {
                let id = open[rng.usize(..open.len())];
                // Mostly the central warehouse, which has stock; now and then another.
                let w = if rng.u32(0..4) > 0 { central(&db) } else { warehouses[rng.usize(..warehouses.len())].id };
                let empties = match rng.u32(0..3) {
                    0 => None,
                    1 => Some(0),
                    _ => Some(rng.i64(0..=4)),
                };
                match cartridges::issue(&db.app, &keeper, id, w, rng.bool(), None, empties) {
                    Ok(done) => {
                        issues += 1;
                        if done.complete {
                            open.retain(|o| *o != id);
                        }
                    }
                    Err(IssueError::Short(_)) | Err(IssueError::NothingLeft) => {}
                    Err(e) => panic!("step {step}: {e}"),
                }
            }
            8 | 9 => {
                let w = &warehouses[rng.usize(..warehouses.len())];
                let a = &articles[rng.usize(..articles.len())];

                ledger::receive_empties(
                    &db.app,
                    &keeper,
                    &Key::Code(String::from(&w.code)),
                    &Key::Code(String::from(a)),
                    rng.i64(1..=5),
                    None,
                )
                .unwrap();
            }
            12 => {
                // Empties there are at a warehouse, some of them, to the contractor.
                let books = ledger::books(&db.app, &keeper).unwrap();
                let with: Vec<_> = books.iter().filter(|b| b.empty > 0).collect();
                if let Some(b) = with.get(rng.usize(..with.len().max(1))) {
                    let line = (Key::Id(b.cartridge_type_id), rng.i64(1..=b.empty));
                    refills::send(&db.app, &keeper, "Тонер-Сервіс", &Key::Id(b.warehouse_id), &[line], None).unwrap();
                    sent += 1;
                }
            }
            13 => {
                // Part of an open batch back, some rejected.
                let batches = refills::batches(&db.app, &keeper, true).unwrap();
                if let Some(b) = batches.get(rng.usize(..batches.len().max(1))) {
                    let l = &b.lines[0];
                    let got = rng.i64(0..=l.outstanding());
                    let bad = rng.i64(0..=l.outstanding() - got);
                    let part = |n: i64| if n > 0 { vec![(Key::Id(l.cartridge_type_id), n)] } else { vec![] };
                    if got + bad > 0 {
                        refills::receive(&db.app, &keeper, b.id, &part(got), &part(bad), Some("брак")).unwrap();
                        back += 1;
                    }
                }
            }
            _ => {
                // 1C's balances for a few types at the central warehouse, up or down.
                let mut csv = String::from("Склад;Номенклатура;Артикул;Конечный остаток\n");
                for _ in 0..3 {
                    let a = &articles[rng.usize(..articles.len())];
                    csv.push_str(&format!("Центральный склад;Картридж;{a};{}\n", rng.i64(0..=40)));
                }
                let path = db.dir.path().join(format!("balances-{step}.csv"));
                std::fs::write(&path, csv).unwrap();
                let options = ImportOptions::default();
                import_1c::import(&db.app, &Actor::Operator("test".into()), &[path], &options, &NoProgress).unwrap();
                imports += 1;
            }
        }
        let off = unbalanced(&db);
        assert!(off.is_empty(), "step {step}: {off:?}");
    }
    assert!(
        issues >= 10 && imports >= 5 && sent >= 3 && back >= 3,
        "a run that moves stock every way: {issues} issues, {imports} imports, {sent} batches sent, {back} received"
    );
}

#[test]
fn the_forecast_says_when_stock_runs_out_and_what_to_order_as_worked_by_hand() {
    use helpdesk::services::forecast;
    let db = TestDb::new();
    let w = central(&db);
    let now = db.app.now();
    let (ce, cf) = {
        let mut tx = db.store.write().unwrap();
        let ce = tx.cartridge_type_by_article("CE285A").unwrap().unwrap().id;
        let cf = tx.cartridge_type_by_article("CF217A").unwrap().unwrap().id;
        // 2 issued every fifth day for 400 days (0.4 a day), ending with 8 full.
        support::issued_every_fifth_day(&mut *tx, ce, w, now);
        support::set_stock(&mut *tx, ce, w, 8, now).unwrap();
        tx.commit().unwrap();
        (ce, cf)
    };
    let operator = Actor::Operator("test".into());
    let rows = forecast::forecast(&db.app, &operator, Some(&Key::Code("CENTRAL".into())), None).unwrap();
    let row = rows.iter().find(|r| r.cartridge_type_id == ce).unwrap();
    // TSB settles on a day in five with 2: 0.4 a day. 8 full last 20 days; the lead time (7) and cover
    // (30) need 0.4·37 = 14.8 → 15, less the 8 there: order 7.
    assert!((row.per_day - 0.4).abs() < 0.02, "{}", row.per_day);
    assert_eq!(row.days_left, Some(20));
    assert_eq!(row.runs_out, Some((now + chrono::Duration::days(20)).date_naive()));
    assert!(!row.within_lead_time);
    assert_eq!(row.order, 7);
    assert_eq!(row.issued_90d, 36, "18 issues of 2 in the last 90 days");
    // Soonest first; a type never issued here runs out never and needs nothing.
    assert_eq!(rows[0].cartridge_type_id, ce);
    let never = rows.iter().find(|r| r.cartridge_type_id == cf).unwrap();
    assert_eq!((never.days_left, never.order, never.per_day), (None, 0, 0.0));
    // Within a number of days: only what runs out by then.
    let soon = forecast::forecast(&db.app, &operator, None, Some(20)).unwrap();
    assert_eq!(soon.iter().map(|r| r.cartridge_type_id).collect::<Vec<_>>(), vec![ce]);
    assert!(forecast::forecast(&db.app, &operator, None, Some(19)).unwrap().is_empty());
    // Fewer full ones: 3 last 7 days, within the lead time (an order placed today comes as they run out),
    // and the order makes up the rest: 15 − 3.
    {
        let mut tx = db.store.write().unwrap();
        support::set_stock(&mut *tx, ce, w, 3, now).unwrap();
        tx.commit().unwrap();
    }
    let rows = forecast::forecast(&db.app, &operator, None, None).unwrap();
    let row = rows.iter().find(|r| r.cartridge_type_id == ce).unwrap();
    assert_eq!((row.days_left, row.within_lead_time, row.order), (Some(7), true, 12));
    // Staff who see stock may ask; an employee may not.
    assert!(forecast::forecast(&db.app, &Actor::Telegram(STOREKEEPER), None, None).is_ok());
    support::add_person(&db.app, AUTHOR, "Автор", "LVIV");
    assert!(matches!(forecast::forecast(&db.app, &Actor::Telegram(AUTHOR), None, None), Err(Error::Denied(_))));
}
