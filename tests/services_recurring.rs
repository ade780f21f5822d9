//! Recurring requests over months of a controlled clock, on both stores:
//! each occurrence filed once whatever restarts and second runs happen, a
//! missed one filed late and once, paused ones not at all, every branch in
//! its own calendar, two processes at once filing one, and bad schedules
//! refused with nothing stored.

mod support;

use chrono::{DateTime, TimeZone, Utc};
use helpdesk::domain::{BranchKey, Kind, Priority, Refusal, Status};
use helpdesk::services::recurring::{self, NewSchedule};
use helpdesk::services::{Actor, Error, calendars, requests};
use helpdesk::store::{ArchivedFilter, RequestQuery};
use support::{ADMIN, STOREKEEPER, SUPPORT, TestDb};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn monthly_check(branch: Option<&str>, rule: &str) -> NewSchedule {
    NewSchedule {
        kind: Kind::Maintenance,
        branch: branch.map(|b| BranchKey::parse(b).unwrap()),
        description: "Проверка серверной".into(),
        priority: Priority::High,
        author: ADMIN,
        assignee: Some(SUPPORT),
        rule: rule.into(),
        at: "09:00".into(),
        starts_on: None,
    }
}

fn filed(db: &TestDb) -> Vec<helpdesk::store::Request> {
    let q = RequestQuery { kinds: vec![Kind::Maintenance], archived: ArchivedFilter::Include, ..Default::default() };
    requests::list(&db.app, &q).unwrap()
}

fn admin() -> Actor {
    Actor::Telegram(ADMIN)
}

#[test]
fn a_monthly_check_is_filed_once_a_month_whatever_happens() {
    let db = TestDb::new();
    db.clock.set(at(2027, 1, 15, 12, 0));
    let id = recurring::add(&db.app, &admin(), &monthly_check(Some("HQ"), "monthly on 1")).unwrap();
    assert!(recurring::run(&db.app).unwrap().is_empty(), "1 January came before the schedule");
    let listed = recurring::list(&db.app, &admin()).unwrap();
    assert_eq!(listed[0].next, Some(at(2027, 2, 1, 9, 0)), "TIMEZONE is UTC here");

    db.clock.set(at(2027, 2, 1, 8, 59));
    assert!(recurring::run(&db.app).unwrap().is_empty(), "not yet");
    db.clock.set(at(2027, 2, 1, 9, 0));
    let first = recurring::run(&db.app).unwrap();
    assert_eq!(first.len(), 1);
    assert!(!first[0].late);
    // Run again, and as a restarted process would (another App on the same database): nothing.
    assert!(recurring::run(&db.app).unwrap().is_empty());
    let restarted = db.app.with_settings((*db.app.settings).clone());
    db.clock.set(at(2027, 2, 20, 9, 0));
    assert!(recurring::run(&restarted).unwrap().is_empty());
    let r = &filed(&db)[0];
    assert_eq!((r.status, r.assignee_id, r.author_id), (Status::Accepted, Some(SUPPORT), ADMIN));
    assert_eq!(
        (r.description.as_str(), r.priority, r.branch_code.as_str()),
        ("Проверка серверной", Priority::High, "HQ")
    );

    // Down from February to 3 May: March and April are gone, May's is filed once, late.
    db.clock.set(at(2027, 5, 3, 10, 0));
    let late = recurring::run(&db.app).unwrap();
    assert_eq!(late.len(), 1);
    assert!(late[0].late);
    assert_eq!(late[0].due_at, at(2027, 5, 1, 9, 0));
    assert!(recurring::run(&db.app).unwrap().is_empty());
    assert_eq!(filed(&db).len(), 2);
    let card = requests::card(&db.app, &admin(), late[0].request_id).unwrap();
    let created = &card.history[0];
    assert_eq!(
        (created.actor.as_str(), created.after.as_ref().unwrap()["late"].as_bool()),
        ("system:recurring", Some(true))
    );

    // Paused in May, resumed on 5 June: June's (before the resumption) is never filed, July's is.
    db.clock.set(at(2027, 5, 10, 9, 0));
    assert!(recurring::set_paused(&db.app, &admin(), id, true).unwrap());
    assert!(!recurring::set_paused(&db.app, &admin(), id, true).unwrap(), "paused already");
    db.clock.set(at(2027, 6, 2, 9, 0));
    assert!(recurring::run(&db.app).unwrap().is_empty());
    assert_eq!(recurring::list(&db.app, &admin()).unwrap()[0].next, None, "nothing is due while paused");
    db.clock.set(at(2027, 6, 5, 9, 0));
    recurring::set_paused(&db.app, &admin(), id, false).unwrap();
    assert!(recurring::run(&db.app).unwrap().is_empty());
    db.clock.set(at(2027, 7, 1, 9, 5));
    assert_eq!(recurring::run(&db.app).unwrap().len(), 1);
    assert_eq!(filed(&db).len(), 3);
    let last = recurring::list(&db.app, &admin()).unwrap().remove(0).last.unwrap();
    assert_eq!((last.due_at, last.late), (at(2027, 7, 1, 9, 0), false));
}

/// For every branch, in the branch's calendar: the 6th of February 2027 is
/// a Saturday, so each branch's check is filed when it opens on Monday
/// (09:00 in Kyiv, 07:00 UTC), a request per branch, queued for whoever
/// handles maintenance when no one is named.
#[test]
fn every_branch_gets_its_own_when_it_opens() {
    let db = TestDb::new();
    let form = calendars::CalendarForm { code: "UA-OFFICE".into(), default: Some(true), ..Default::default() };
    calendars::define(&db.app, &admin(), &form).unwrap();
    db.clock.set(at(2027, 1, 20, 12, 0));
    let mut s = monthly_check(None, "monthly on 6");
    s.assignee = None;
    recurring::add(&db.app, &admin(), &s).unwrap();
    db.clock.set(at(2027, 2, 6, 10, 0));
    assert!(recurring::run(&db.app).unwrap().is_empty(), "Saturday: the branches are closed");
    db.clock.set(at(2027, 2, 8, 6, 59));
    assert!(recurring::run(&db.app).unwrap().is_empty(), "Monday 08:59 in Kyiv");
    db.clock.set(at(2027, 2, 8, 7, 0));
    let out = recurring::run(&db.app).unwrap();
    let branches = db.store.read().unwrap().branches().unwrap().len();
    assert_eq!(out.len(), branches, "one per branch");
    assert!(out.iter().all(|f| !f.late && f.due_at == at(2027, 2, 6, 7, 0)), "{out:?}");
    assert!(filed(&db).iter().all(|r| r.status == Status::New && r.assignee_id.is_none()));
    assert!(recurring::run(&db.app).unwrap().is_empty());
}

/// Two processes filing at the same moment (on PostgreSQL, two connections
/// racing for the same occurrence): one request, not two.
#[test]
fn two_runs_at_once_file_one() {
    let db = TestDb::new();
    db.clock.set(at(2027, 1, 15, 12, 0));
    recurring::add(&db.app, &admin(), &monthly_check(None, "monthly on 1")).unwrap();
    db.clock.set(at(2027, 2, 1, 9, 0));
    let other = db.app.with_settings((*db.app.settings).clone());
    let barrier = std::sync::Barrier::new(2);
    let (a, b) = std::thread::scope(|s| {
        let one = s.spawn(|| {
            barrier.wait();
            recurring::run(&db.app).unwrap().len()
        });
        let two = s.spawn(|| {
            barrier.wait();
            recurring::run(&other).unwrap().len()
        });
        (one.join().unwrap(), two.join().unwrap())
    });
    let branches = db.store.read().unwrap().branches().unwrap().len();
    assert_eq!(a + b, branches, "each branch's once: {a} + {b}");
    assert_eq!(filed(&db).len(), branches);
}

#[test]
fn a_bad_schedule_is_refused_and_nothing_is_stored() {
    let db = TestDb::new();
    let refused = |s: NewSchedule, actor: Actor| recurring::add(&db.app, &actor, &s).unwrap_err();
    let e = refused(monthly_check(Some("HQ"), "cron 0 9 30 2 *"), admin());
    assert_eq!(e.to_string(), "'cron 0 9 30 2 *' never fires in the next five years; check the day and the month");
    assert!(matches!(
        refused(monthly_check(Some("HQ"), "every fortnight"), admin()),
        Error::Refused(Refusal::Recurrence { .. })
    ));
    let mut s = monthly_check(Some("HQ"), "monthly on 1");
    s.at = "25:00".into();
    assert_eq!(refused(s, admin()).to_string(), "'25:00' is not a time of day; write it as 09:00");
    let mut s = monthly_check(Some("HQ"), "monthly on 1");
    s.assignee = Some(STOREKEEPER);
    assert!(matches!(refused(s, admin()), Error::Refused(Refusal::AssigneeCannot { kind: Kind::Maintenance, .. })));
    assert!(matches!(refused(monthly_check(Some("NOWHERE"), "monthly on 1"), admin()), Error::NotFound { .. }));
    assert!(matches!(refused(monthly_check(Some("HQ"), "monthly on 1"), Actor::Telegram(SUPPORT)), Error::Denied(_)));
    let mut s = monthly_check(Some("HQ"), "monthly on 1");
    s.description = "  ".into();
    assert!(matches!(refused(s, admin()), Error::Refused(_)));
    assert!(recurring::list(&db.app, &admin()).unwrap().is_empty());
    assert!(matches!(recurring::set_paused(&db.app, &admin(), 42, true), Err(Error::NotFound { .. })));
}
