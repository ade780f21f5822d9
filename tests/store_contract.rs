//! The store contract: every case runs against a `&dyn Store`, so each backend
//! runs the same list (SQLite today; PostgreSQL joins the `backends!` list).

mod support;

use chrono::Duration;
use helpdesk::config::DatabaseUrl;
use helpdesk::domain::{BranchId, CartridgeTypeId, Kind, Priority, Role, Status, WarehouseId};
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
        tx.set_stock(c.id, wh.id, 1, t0()).unwrap();
    }
    tx.set_stock(b.cartridge.id, b.warehouse.id, 1, t0()).unwrap();
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

fn stock_is_never_negative(store: &dyn Store) {
    let b = base(store);
    let (c, w) = (b.cartridge.id, b.warehouse.id);
    let mut tx = store.write().unwrap();
    assert_eq!(tx.stock_level(c, w).unwrap(), None);
    tx.set_stock(c, w, 4, t0()).unwrap();
    assert_eq!(tx.take_stock(c, w, 3, t0()).unwrap(), 1);
    match tx.take_stock(c, w, 2, t0()) {
        Err(StoreError::InsufficientStock { article, warehouse, available, wanted }) => {
            assert_eq!((article.as_str(), warehouse.as_str(), available, wanted), ("CF283A", "Центральний", 1, 2));
        }
        other => panic!("expected InsufficientStock, got {other:?}"),
    }
    assert_eq!(tx.stock_level(c, w).unwrap(), Some(1), "a refused take changes nothing");
    tx.commit().unwrap();
    // The database itself refuses a negative quantity, whoever writes it.
    let mut tx = store.write().unwrap();
    assert!(matches!(tx.set_stock(c, w, -1, t0()), Err(StoreError::Conflict(_))));
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

/// Updates received but not handled are claimed once, and only when stale.
fn stale_updates_are_claimed_once(store: &dyn Store) {
    let update = |id: i64| InboxUpdate { update_id: id, chat_id: Some(7), payload: format!("{{\"update_id\":{id}}}") };
    let mut tx = store.write().unwrap();
    assert_eq!(tx.inbox_insert(&[update(1), update(2), update(3)], t0()).unwrap(), 3);
    assert_eq!(tx.inbox_insert(&[update(2)], t0()).unwrap(), 0, "a repeat is dropped");
    tx.inbox_done(&[3], t0()).unwrap();
    tx.commit().unwrap();
    let claim = |now: chrono::DateTime<chrono::Utc>| {
        let mut tx = store.write().unwrap();
        let got: Vec<i64> = tx
            .inbox_claim_stale(now - Duration::minutes(2), now, now + Duration::minutes(5), 100)
            .unwrap()
            .into_iter()
            .map(|u| u.update_id)
            .collect();
        tx.commit().unwrap();
        got
    };
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
        let got: Vec<(i64, i64)> =
            tx.outbox_due(now, limit, per_chat).unwrap().into_iter().map(|m| (m.chat_id, m.id)).collect();
        tx.commit().unwrap();
        got
    };
    let of = |chat: i64, k: usize| ids.iter().filter(|(c, _)| *c == chat).nth(k).unwrap().1;
    let mut expected = vec![(1, of(1, 0)), (1, of(1, 1)), (2, of(2, 0)), (3, of(3, 0)), (3, of(3, 1)), (0, email)];
    assert_eq!(due(t0(), 100, 2), expected, "oldest first, two per chat at most");
    assert_eq!(due(t0(), 3, 2).len(), 3, "the limit holds");
    assert_eq!(due(t0() - Duration::seconds(1), 100, 2), [], "nothing due before it was queued");
    // Held past now (a reply its handler is sending, or taken by a sender that died), then released.
    let mut tx = store.write().unwrap();
    tx.outbox_lease(&[of(1, 0), of(2, 0)], t0() + Duration::minutes(2)).unwrap();
    tx.outbox_retry(of(3, 0), t0() + Duration::minutes(2), "502").unwrap();
    tx.commit().unwrap();
    expected = vec![(1, of(1, 1)), (1, of(1, 2)), (3, of(3, 1)), (3, of(3, 2)), (0, email)];
    assert_eq!(due(t0(), 100, 2), expected);
    let mut tx = store.write().unwrap();
    assert_eq!(tx.outbox_release(t0()).unwrap(), 2, "what was held and never tried");
    tx.commit().unwrap();
    let now = due(t0(), 100, 9);
    assert!(now.contains(&(1, of(1, 0))) && now.contains(&(2, of(2, 0))), "{now:?}");
    assert!(!now.contains(&(3, of(3, 0))), "a retry keeps its backoff: {now:?}");
    // A reply queued last, held a minute for its sender, goes first once it is due.
    let mut tx = store.write().unwrap();
    let reply = tx.outbox_push_reply(9, "{}", t0() + Duration::seconds(5), t0() + Duration::minutes(1)).unwrap();
    tx.commit().unwrap();
    assert!(!due(t0() + Duration::seconds(30), 100, 9).contains(&(9, reply)), "held");
    assert_eq!(due(t0() + Duration::minutes(1), 100, 9)[0], (9, reply), "replies first");
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
    requests_round_trip,
    inconsistent_requests_are_refused,
    queries_filter_and_order,
    uncommitted_writes_roll_back,
    audit_log_round_trip,
    concurrent_writers_serialise,
    stale_updates_are_claimed_once,
    the_outbox_takes_turns_between_chats_and_releases_what_was_held,
    keyset_pages_and_search,
    job_locks_exclude_each_other,
    an_id_is_never_taken_for_a_code,
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
