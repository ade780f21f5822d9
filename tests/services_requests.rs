//! The request lifecycle through the services: permissions read from the
//! store at the moment of the action, the state machine, and an audit record
//! in the same transaction as every change (and none for a refused one).

mod support;

use chrono::Duration;
use helpdesk::domain::{CartridgeTypeId, Denied, Entity, Kind, LifecycleError, Priority, Role, Status};
use helpdesk::services::directory::{self, NewPerson};
use helpdesk::services::requests::{self, NewTicket, TicketItem};
use helpdesk::services::{Actor, Error};
use helpdesk::store::Request;
use std::sync::Barrier;
use support::{ADMIN, STOREKEEPER, SUPPORT, SUPPORT_2, TestDb};

const AUTHOR: i64 = 555_000_001;
const OTHER_USER: i64 = 555_000_002;

fn setup() -> TestDb {
    let db = TestDb::new();
    for (id, name) in [(AUTHOR, "Автор"), (OTHER_USER, "Інший")] {
        directory::add_user(
            &db.app,
            &Actor::Operator("t".into()),
            &NewPerson {
                telegram_id: id,
                full_name: name.into(),
                branch: Some(helpdesk::domain::Key::Code("KHARKIV".into())),
                ..Default::default()
            },
        )
        .unwrap();
    }
    db
}

fn ticket(kind: Kind) -> NewTicket {
    NewTicket {
        kind,
        branch_id: None,
        contact_name: "Автор".into(),
        contact_phone: "050 123 45 67".into(),
        description: "  Не працює принтер  ".into(),
        priority: Priority::High,
        items: vec![],
        attachments: vec![],
        client_key: None,
    }
}

fn file(db: &TestDb, kind: Kind) -> Request {
    let mut t = ticket(kind);
    if kind == Kind::Cartridge {
        let c = db.store.read().unwrap().cartridge_type_by_article("CF283A").unwrap().unwrap();
        t.items = vec![TicketItem { cartridge_type_id: c.id, quantity: 2, comment: None, printer_id: None }];
    }
    requests::create(&db.app, &Actor::Telegram(AUTHOR), &t).unwrap()
}

fn actions(db: &TestDb, r: &Request) -> Vec<String> {
    db.store
        .read()
        .unwrap()
        .logs("request", &format!("HD-{:06}", r.id))
        .unwrap()
        .into_iter()
        .map(|l| l.action)
        .collect()
}

fn tg(id: i64) -> Actor {
    Actor::Telegram(id)
}

#[test]
fn filing_normalises_and_records() {
    let db = setup();
    let r = file(&db, Kind::Repair);
    assert_eq!((r.status, r.branch_code.as_str(), r.contact_phone.as_str()), (Status::New, "KHARKIV", "+380501234567"));
    assert_eq!(r.description, "Не працює принтер");
    assert_eq!(r.created_at, support::t0());
    assert_eq!(actions(&db, &r), ["request.create"]);

    let bad: Vec<(NewTicket, &str)> = vec![
        (NewTicket { contact_phone: "call me".into(), ..ticket(Kind::Repair) }, "not a phone number"),
        (NewTicket { description: " ".into(), ..ticket(Kind::Repair) }, "the description is empty"),
        (NewTicket { description: "x".repeat(4001), ..ticket(Kind::Repair) }, "too long"),
        (ticket(Kind::Cartridge), "needs at least one cartridge"),
        (
            NewTicket {
                items: vec![TicketItem {
                    cartridge_type_id: CartridgeTypeId(1),
                    quantity: 51,
                    comment: None,
                    printer_id: None,
                }],
                ..ticket(Kind::Cartridge)
            },
            "between 1 and 50",
        ),
        (
            NewTicket {
                items: vec![TicketItem {
                    cartridge_type_id: CartridgeTypeId(1),
                    quantity: 1,
                    comment: None,
                    printer_id: None,
                }],
                ..ticket(Kind::Repair)
            },
            "has no cartridge lines",
        ),
        (
            NewTicket {
                items: vec![TicketItem {
                    cartridge_type_id: CartridgeTypeId(999),
                    quantity: 1,
                    comment: None,
                    printer_id: None,
                }],
                ..ticket(Kind::Cartridge)
            },
            "unknown cartridge type '999'",
        ),
    ];
    for (t, expected) in bad {
        let e = requests::create(&db.app, &tg(AUTHOR), &t).unwrap_err().to_string();
        assert!(e.contains(expected), "{e:?} should mention {expected:?}");
    }
    assert_eq!(requests::count(&db.app, &Default::default()).unwrap(), 1, "refused filings wrote nothing");
}

#[test]
fn the_same_client_key_files_once() {
    let db = setup();
    let t = NewTicket { client_key: Some("update:777".into()), ..ticket(Kind::ItHelp) };
    let a = requests::create(&db.app, &tg(AUTHOR), &t).unwrap();
    let b = requests::create(&db.app, &tg(AUTHOR), &t).unwrap();
    assert_eq!(a.id, b.id);
    assert_eq!(requests::count(&db.app, &Default::default()).unwrap(), 1);
    assert_eq!(actions(&db, &a), ["request.create"]);
}

#[test]
fn unknown_and_blocked_people_cannot_file() {
    let db = setup();
    let e = requests::create(&db.app, &tg(42), &ticket(Kind::Repair)).unwrap_err();
    assert!(matches!(e, Error::NotFound { what: Entity::User, .. }), "{e}");
    directory::set_blocked(&db.app, &Actor::Operator("t".into()), AUTHOR, true).unwrap();
    let e = requests::create(&db.app, &tg(AUTHOR), &ticket(Kind::Repair)).unwrap_err();
    assert!(matches!(e, Error::Denied(Denied::Blocked)), "{e}");
}

#[test]
fn full_lifecycle_with_audit() {
    let db = setup();
    let r = file(&db, Kind::Repair);
    db.clock.advance(Duration::minutes(7));
    let accepted = requests::accept(&db.app, &tg(SUPPORT), r.id).unwrap();
    assert_eq!(accepted.status, Status::Accepted);
    assert_eq!(accepted.assignee_id, Some(SUPPORT));
    assert_eq!(accepted.assignee_name.as_deref(), Some("Андрей Мельник"));
    assert_eq!(accepted.accepted_at, Some(support::t0() + Duration::minutes(7)));
    db.clock.advance(Duration::hours(2));
    let done = requests::complete(&db.app, &tg(SUPPORT), r.id).unwrap();
    assert_eq!((done.status, done.closed_at), (Status::Done, Some(support::t0() + Duration::minutes(127))));
    db.clock.advance(Duration::days(100));
    let archived = requests::archive(&db.app, &Actor::System("archive"), r.id).unwrap();
    assert_eq!(archived.status, Status::Done, "an archived request still says how it ended");
    assert!(archived.archived_at.is_some());
    assert_eq!(actions(&db, &r), ["request.create", "request.accept", "request.complete", "request.archive"]);
    let logs = db.store.read().unwrap().logs("request", &format!("HD-{:06}", r.id)).unwrap();
    assert_eq!(logs[1].actor, format!("tg:{SUPPORT}"));
    assert_eq!(logs[1].actor_id, Some(SUPPORT));
    assert_eq!(logs[1].before.as_ref().unwrap()["status"], "new");
    assert_eq!(logs[1].after.as_ref().unwrap()["status"], "accepted");
    assert_eq!(logs[3].actor, "system:archive");
}

#[test]
fn refused_moves_change_nothing_and_log_nothing() {
    let db = setup();
    let repair = file(&db, Kind::Repair);
    let cartridge = file(&db, Kind::Cartridge);
    type Expect = Box<dyn Fn(&Error) -> bool>;
    let cases: Vec<(Actor, i64, &str, Expect)> = vec![
        (tg(AUTHOR), repair.id, "accept", Box::new(|e| matches!(e, Error::Denied(Denied::NotStaff)))),
        (
            tg(STOREKEEPER),
            repair.id,
            "accept",
            Box::new(|e| matches!(e, Error::Denied(Denied::WrongKind(Kind::Repair)))),
        ),
        (
            tg(SUPPORT),
            cartridge.id,
            "accept",
            Box::new(|e| matches!(e, Error::Denied(Denied::WrongKind(Kind::Cartridge)))),
        ),
        (tg(OTHER_USER), repair.id, "cancel", Box::new(|e| matches!(e, Error::Denied(Denied::NotAuthor)))),
        (tg(SUPPORT), repair.id, "complete", Box::new(|e| matches!(e, Error::Denied(Denied::NotAssignee)))),
        (tg(SUPPORT), repair.id, "archive", Box::new(|e| matches!(e, Error::Denied(Denied::AdminOnly)))),
        (
            tg(ADMIN),
            repair.id,
            "archive",
            Box::new(|e| matches!(e, Error::Lifecycle(LifecycleError::NotAllowed { .. }))),
        ),
        (
            tg(SUPPORT),
            repair.id,
            "reject-empty",
            Box::new(|e| matches!(e, Error::Lifecycle(LifecycleError::ReasonRequired))),
        ),
        (tg(SUPPORT), 9999, "accept", Box::new(|e| matches!(e, Error::NotFound { what: Entity::Request, .. }))),
        (Actor::Operator("root".into()), repair.id, "accept", Box::new(|e| matches!(e, Error::Invalid(_)))),
    ];
    for (actor, id, what, check) in cases {
        let result = match what {
            "accept" => requests::accept(&db.app, &actor, id),
            "cancel" => requests::cancel(&db.app, &actor, id),
            "complete" => requests::complete(&db.app, &actor, id),
            "archive" => requests::archive(&db.app, &actor, id),
            "reject-empty" => requests::reject(&db.app, &actor, id, "   "),
            _ => unreachable!(),
        };
        let e = result.expect_err(&format!("{actor:?} {what} should fail"));
        assert!(check(&e), "{actor:?} {what}: {e:?}");
    }
    let now = db.store.read().unwrap().request(repair.id).unwrap().unwrap();
    assert_eq!(now, repair, "the request is as it was");
    assert_eq!(actions(&db, &repair), ["request.create"]);
}

#[test]
fn roles_are_read_at_the_moment_of_the_action() {
    let db = setup();
    let r = file(&db, Kind::Repair);
    // Demoted after the queue was shown: the press no longer works.
    directory::set_role(&db.app, &Actor::Operator("t".into()), SUPPORT, Role::User).unwrap();
    assert!(matches!(requests::accept(&db.app, &tg(SUPPORT), r.id), Err(Error::Denied(Denied::NotStaff))));
    // A super admin from configuration, whatever the stored role.
    let mut settings = (*db.app.settings).clone();
    settings.super_admins = vec![OTHER_USER];
    let app = helpdesk::services::App::new(settings, db.store.clone(), db.app.clock.clone());
    assert_eq!(requests::accept(&app, &tg(OTHER_USER), r.id).unwrap().assignee_id, Some(OTHER_USER));
}

#[test]
fn reject_and_cancel() {
    let db = setup();
    let a = file(&db, Kind::ItHelp);
    let rejected = requests::reject(&db.app, &tg(SUPPORT), a.id, "  Дубликат HD-000001 ").unwrap();
    assert_eq!((rejected.status, rejected.rejection_reason.as_deref()), (Status::Rejected, Some("Дубликат HD-000001")));
    assert!(rejected.closed_at.is_some());
    let b = file(&db, Kind::ItHelp);
    requests::accept(&db.app, &tg(SUPPORT), b.id).unwrap();
    // Another support member cannot reject what someone else accepted; an admin can.
    assert!(matches!(requests::reject(&db.app, &tg(SUPPORT_2), b.id, "no"), Err(Error::Denied(Denied::NotAssignee))));
    let cancelled = requests::cancel(&db.app, &tg(AUTHOR), b.id).unwrap();
    assert_eq!(cancelled.status, Status::Cancelled);
    let e = requests::cancel(&db.app, &tg(AUTHOR), b.id).unwrap_err();
    assert_eq!(e.to_string(), "cannot cancel a request that is cancelled");
    let c = file(&db, Kind::Maintenance);
    assert_eq!(requests::reject(&db.app, &tg(ADMIN), c.id, "not ours").unwrap().status, Status::Rejected);
}

#[test]
fn many_staff_press_accept_at_once_and_exactly_one_wins() {
    let db = setup();
    let r = file(&db, Kind::Repair);
    let staff = [SUPPORT, SUPPORT_2, ADMIN];
    let barrier = Barrier::new(staff.len());
    let results: Vec<Result<Request, Error>> = std::thread::scope(|s| {
        let handles: Vec<_> = staff
            .iter()
            .map(|id| {
                let (app, barrier) = (&db.app, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    requests::accept(app, &tg(*id), r.id)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<&Request> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    let winner = winners[0].assignee_name.clone().unwrap();
    for e in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(e.to_string(), format!("HD-{:06} has already been accepted by {winner}", r.id));
    }
    assert_eq!(actions(&db, &r), ["request.create", "request.accept"]);
}

/// For every role (and a blocked one), kind, state, authorship and
/// assignment a request can have: an action is offered on its card exactly
/// when the service call that does it succeeds.
#[test]
fn an_action_is_offered_exactly_when_doing_it_succeeds() {
    use helpdesk::domain::{Action, State};
    use helpdesk::services::cartridges;
    use helpdesk::store::{NewItem, NewRequest};
    const PLAIN: i64 = 555_000_010;
    const BOSS: i64 = 555_000_011;
    const BLOCKED: i64 = 555_000_012;
    const OTHER_STOREKEEPER: i64 = 100_000_006;
    let mut settings = helpdesk::config::Settings::defaults();
    settings.super_admins = vec![BOSS];
    let db = TestDb::with_settings(settings);
    let op = Actor::Operator("t".into());
    for (id, role) in [(AUTHOR, Role::User), (PLAIN, Role::User), (BOSS, Role::User), (BLOCKED, Role::Support)] {
        let person = NewPerson { telegram_id: id, full_name: format!("P{id}"), role: Some(role), ..Default::default() };
        directory::add_user(&db.app, &op, &person).unwrap();
    }
    directory::set_blocked(&db.app, &op, BLOCKED, true).unwrap();
    let people = [PLAIN, STOREKEEPER, SUPPORT, ADMIN, BOSS, BLOCKED];

    let (branch, cartridge, central) = {
        let mut tx = db.store.read().unwrap();
        (
            tx.branch_by_code("LVIV").unwrap().unwrap().id,
            tx.cartridge_type_by_article("CE285A").unwrap().unwrap().id,
            tx.warehouse_by_code("CENTRAL").unwrap().unwrap().id,
        )
    };
    // Every shape a stored request can take (an accepted one always has its assignee).
    let mut shapes = Vec::new();
    for state in State::ALL {
        for assignee in [None, Some(true), Some(false)] {
            if matches!(state, State::Accepted | State::WaitingAuthor | State::WaitingParts) && assignee.is_none() {
                continue;
            }
            for kind in [Kind::Cartridge, Kind::Repair] {
                for own in [true, false] {
                    shapes.push((state, kind, own, assignee));
                }
            }
        }
    }
    // One request per shape, person and action, each to be acted on once.
    let now = db.app.now();
    let mut cases = Vec::new();
    let mut tx = db.store.write().unwrap();
    for &(state, kind, own, assignee) in &shapes {
        for me in people {
            let other = if kind == Kind::Cartridge { OTHER_STOREKEEPER } else { SUPPORT_2 };
            let status = match state {
                State::New => Status::New,
                State::Accepted | State::WaitingAuthor | State::WaitingParts => Status::Accepted,
                State::Rejected => Status::Rejected,
                State::Cancelled => Status::Cancelled,
                State::Done | State::Archived => Status::Done,
            };
            let new = NewRequest {
                kind,
                author_id: if own { me } else { AUTHOR },
                branch_id: branch,
                contact_name: "Автор".into(),
                contact_phone: "+380501234567".into(),
                description: "Не працює".into(),
                priority: Priority::Medium,
                status,
                assignee_id: assignee.map(|mine| if mine { me } else { other }),
                rejection_reason: (status == Status::Rejected).then(|| "ні".into()),
                created_at: now,
                accepted_at: assignee.map(|_| now),
                closed_at: status.is_closed().then_some(now),
                archived_at: (state == State::Archived).then_some(now),
                client_key: None,
                items: match kind {
                    Kind::Cartridge => {
                        vec![NewItem {
                            cartridge_type_id: cartridge,
                            quantity: 1,
                            issued_quantity: 0,
                            comment: None,
                            printer_id: None,
                        }]
                    }
                    _ => vec![],
                },
            };
            for action in Action::ALL {
                let id = tx.insert_request(&new).unwrap();
                let waiting = match state {
                    State::WaitingAuthor => Some(helpdesk::domain::Waiting::Author),
                    State::WaitingParts => Some(helpdesk::domain::Waiting::Parts),
                    _ => None,
                };
                if waiting.is_some() {
                    let mut r = tx.request(id).unwrap().unwrap();
                    (r.waiting, r.waiting_since) = (waiting, Some(now));
                    tx.update_request(&r).unwrap();
                }
                cases.push((id, me, action, (state, kind, own, assignee)));
            }
        }
    }
    tx.commit().unwrap();

    let mut succeeded = std::collections::HashMap::<Action, usize>::new();
    for (id, me, action, shape) in cases {
        let actor = tg(me);
        let offered = requests::actions(&db.app, &actor, id).unwrap();
        if let Ok(card) = requests::card(&db.app, &actor, id) {
            assert_eq!(card.actions, offered, "{me} {shape:?}");
        } else {
            assert!(offered.is_empty(), "{me} {shape:?}: offered {offered:?} on a card they may not see");
        }
        let done: Result<(), Error> = match action {
            Action::Accept => requests::accept(&db.app, &actor, id).map(drop),
            Action::IssueCartridges => {
                cartridges::issue(&db.app, &actor, id, central, false, None, None).map(drop).map_err(|e| match e {
                    cartridges::IssueError::Other(e) => e,
                    short => panic!("{me} {shape:?}: {short}"),
                })
            }
            Action::Complete => requests::complete(&db.app, &actor, id).map(drop),
            Action::WaitForAuthor => {
                requests::wait(&db.app, &actor, id, helpdesk::domain::Waiting::Author, "який поверх?").map(drop)
            }
            Action::WaitForParts => {
                requests::wait(&db.app, &actor, id, helpdesk::domain::Waiting::Parts, "блок живлення").map(drop)
            }
            Action::Resume => requests::resume(&db.app, &actor, id).map(drop),
            Action::Answer => requests::answer(&db.app, &actor, id, "третій").map(drop),
            Action::Reject => requests::reject(&db.app, &actor, id, "не наше").map(drop),
            Action::Cancel => requests::cancel(&db.app, &actor, id).map(drop),
            Action::Archive => requests::archive(&db.app, &actor, id).map(drop),
        };
        if let Err(e) = &done {
            assert!(
                matches!(e, Error::Denied(_) | Error::Lifecycle(_) | Error::Refused(_)),
                "{me} {action:?} {shape:?}: {e}"
            );
        }
        assert_eq!(offered.contains(&action), done.is_ok(), "{me} {action:?} on {shape:?}: {done:?}");
        *succeeded.entry(action).or_default() += usize::from(done.is_ok());
    }
    // Not a vacuous match: every action was allowed somewhere.
    for action in Action::ALL {
        assert!(succeeded.get(&action).is_some_and(|n| *n > 0), "{action:?} never succeeded: {succeeded:?}");
    }
}

/// Ordering for a printer: its types first (no preselection when it takes
/// two), a line per type and printer, and only a printer of the request's
/// branch, in service.
#[test]
fn lines_keep_their_printer_and_only_a_branch_printer_in_service_is_taken() {
    use helpdesk::services::catalog;
    use helpdesk::store::NewPrinter;
    let db = setup();
    let article = |a: &str| db.store.read().unwrap().cartridge_type_by_article(a).unwrap().unwrap().id;
    let (ce285a, cf283a) = (article("CE285A"), article("CF283A"));
    let mut tx = db.store.write().unwrap();
    let hp = tx.printer_by_inventory_number("INV-0011").unwrap().unwrap();
    let lviv = tx.printer_by_inventory_number("INV-0006").unwrap().unwrap();
    let changed = NewPrinter {
        branch_id: hp.branch_id,
        inventory_number: hp.inventory_number.clone(),
        model: hp.model.clone(),
        place: hp.place.clone(),
        serial: hp.serial.clone(),
        cartridge_type_ids: vec![cf283a, ce285a],
    };
    tx.update_printer(hp.id, &changed).unwrap();
    tx.commit().unwrap();

    let me = Actor::Telegram(AUTHOR);
    let choices = catalog::order_choices(&db.app, &me, Some(hp.id)).unwrap();
    let first: Vec<_> = choices.options.iter().take(3).map(|o| (o.cartridge.vendor_article.as_str(), o.fits)).collect();
    assert_eq!(first[..2].iter().filter(|(_, fits)| *fits).count(), 2, "{first:?}");
    assert!(!first[2].1, "{first:?}");
    assert_eq!(choices.preselected(), None, "two types: nothing chosen for the person");
    assert_eq!(
        choices.printers.iter().map(|p| p.inventory_number.as_str()).collect::<Vec<_>>(),
        ["INV-0010", "INV-0011"]
    );
    assert!(matches!(
        catalog::order_choices(&db.app, &me, Some(lviv.id)),
        Err(Error::Refused(helpdesk::domain::Refusal::PrinterElsewhere { .. }))
    ));

    let line = |printer_id, quantity| TicketItem { cartridge_type_id: ce285a, quantity, comment: None, printer_id };
    let mut t = ticket(Kind::Cartridge);
    t.items = vec![line(Some(hp.id), 1), line(None, 2), line(Some(hp.id), 3)];
    let r = requests::create(&db.app, &me, &t).unwrap();
    let items = db.store.read().unwrap().items(r.id).unwrap();
    let got: Vec<_> = items.iter().map(|i| (i.quantity, i.printer.as_ref().map(|p| p.id))).collect();
    assert_eq!(got, [(4, Some(hp.id)), (2, None)]);

    // Another branch's printer, or a retired one: refused, nothing filed.
    let before = requests::list(&db.app, &Default::default()).unwrap().len();
    t.items = vec![line(Some(lviv.id), 1)];
    let e = requests::create(&db.app, &me, &t).unwrap_err();
    assert!(e.to_string().contains("is at Львов"), "{e}");
    let mut tx = db.store.write().unwrap();
    tx.retire_printer(hp.id, chrono::Utc::now()).unwrap();
    tx.commit().unwrap();
    t.items = vec![line(Some(hp.id), 1)];
    let e = requests::create(&db.app, &me, &t).unwrap_err();
    assert!(e.to_string().contains("INV-0011 is retired"), "{e}");
    assert_eq!(requests::list(&db.app, &Default::default()).unwrap().len(), before);
}
