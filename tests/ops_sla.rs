//! SLA reminders over controlled time, delivered for real: Telegram to the
//! fake Bot API and email over a socket to the SMTP sink, both on 127.0.0.1.

mod support;

use chrono::{Duration, Utc};
use helpdesk::config::{Settings, SmtpSecurity};
use helpdesk::domain::{Kind, Priority};
use helpdesk::services::email::SmtpMailer;
use helpdesk::services::notify::{self, Channels, Mailer, Messenger, Notice, Outcome};
use helpdesk::services::requests::{self, NewTicket};
use helpdesk::services::telegram::TelegramMessenger;
use helpdesk::services::{Actor, directory, sla};
use std::time::Duration as Std;
use support::fake_telegram::{FakeTelegram, TOKEN};
use support::smtp::SmtpSink;
use support::{ADMIN, STOREKEEPER, SUPPORT, SUPPORT_2, TestDb, Workdir};

const AUTHOR: i64 = 555_200_001;
const BOSS: i64 = 555_200_999;

fn settings(fake: &FakeTelegram, sink: &SmtpSink) -> Settings {
    let mut s = Settings::defaults();
    s.super_admins = vec![BOSS];
    s.bot_token = Some(helpdesk::config::Secret::new(TOKEN));
    s.telegram_api_url = fake.url();
    s.sla.repeat = Std::from_secs(3600);
    s.sla.escalate_after = 2;
    s.smtp.enabled = true;
    s.smtp.host = Some("127.0.0.1".into());
    s.smtp.port = Some(sink.port);
    s.smtp.security = SmtpSecurity::Plain;
    s.smtp.username = Some("helpdesk".into());
    s.smtp.password = Some(helpdesk::config::Secret::new("s3cret"));
    s.smtp.from = Some("Help desk <helpdesk@example.org>".into());
    s.smtp.staff_to = vec!["staff@example.org".into()];
    s.smtp.escalation_to = vec!["boss@example.org".into()];
    s
}

fn file(db: &TestDb, description: &str) -> i64 {
    requests::create(
        &db.app,
        &Actor::Telegram(AUTHOR),
        &NewTicket {
            kind: Kind::Repair,
            branch_id: None,
            contact_name: "Автор".into(),
            contact_phone: "+380501234567".into(),
            description: description.into(),
            priority: Priority::High,
            items: vec![],
            attachments: vec![],
            client_key: None,
        },
    )
    .unwrap()
    .id
}

fn register(db: &TestDb, id: i64, name: &str) {
    directory::add_user(
        &db.app,
        &Actor::Operator("t".into()),
        &directory::NewPerson {
            telegram_id: id,
            full_name: name.into(),
            branch: Some(helpdesk::domain::Key::Code("KHARKIV".into())),
            ..Default::default()
        },
    )
    .unwrap();
}

#[test]
fn reminders_repeat_escalate_and_are_each_sent_once() {
    let fake = FakeTelegram::start();
    let sink = SmtpSink::start();
    let db = TestDb::with_settings(settings(&fake, &sink));
    register(&db, AUTHOR, "Автор");
    register(&db, BOSS, "Boss");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let telegram = TelegramMessenger::new(&db.app.settings, runtime.handle().clone()).unwrap().unwrap();
    let mailer = SmtpMailer::from_settings(&db.app.settings.smtp).unwrap().unwrap();
    let channels = Channels { telegram: Some(&telegram as &dyn Messenger), email: Some(&mailer as &dyn Mailer) };
    let id = file(&db, "Сервер не отвечает");
    let number = format!("HD-{id:06}");
    let run = |advance_minutes: i64| {
        db.clock.advance(Duration::minutes(advance_minutes));
        sla::check(&db.app, channels, false).unwrap()
    };

    // Within the hour: nothing.
    let r = run(30);
    assert!(r.breaches.is_empty());
    assert!(fake.calls().iter().all(|c| c.method != "sendMessage"));

    // Level 1 at 1h01: staff who handle repairs, by Telegram; the staff mailbox by email.
    let r = run(31);
    assert_eq!(r.breaches.len(), 1);
    assert_eq!((r.breaches[0].level, r.breaches[0].escalated), (1, false));
    let repair_staff = [ADMIN, SUPPORT, SUPPORT_2, 100000004];
    assert_eq!(r.sent as usize, repair_staff.len() + 1);
    for id in repair_staff {
        assert_eq!(fake.texts_to(id).len(), 1, "{id}");
        assert!(fake.texts_to(id)[0].contains(&number), "{id}: {:?}", fake.texts_to(id));
    }
    assert!(fake.texts_to(STOREKEEPER).is_empty() && fake.texts_to(BOSS).is_empty());
    assert!(fake.texts_to(SUPPORT)[0].contains("Просроченные заявки: 1"), "in the recipient's language");
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["staff@example.org"]);
    assert_eq!(mails[0].from, "helpdesk@example.org");
    assert_eq!(mails[0].auth.as_deref(), Some("|helpdesk|s3cret"), "authenticated (AUTH PLAIN)");
    assert!(mails[0].header("Content-Type").unwrap().starts_with("multipart/alternative"));
    assert!(mails[0].data.contains("text/plain") && mails[0].data.contains("text/html"));

    // Run again at once, and again later in the same hour: nothing is sent twice.
    let r = run(0);
    assert_eq!((r.decided, r.sent), (0, 0));
    let r = run(20);
    assert_eq!((r.decided, r.sent), (0, 0));
    assert_eq!(fake.texts_to(SUPPORT).len(), 1);

    // Level 2 an hour later; level 3 escalates to the super admin and the escalation mailbox.
    run(40);
    assert_eq!(fake.texts_to(SUPPORT).len(), 2);
    assert!(fake.texts_to(BOSS).is_empty());
    let r = run(60);
    assert_eq!((r.breaches[0].level, r.breaches[0].escalated), (3, true));
    assert_eq!(fake.texts_to(SUPPORT).len(), 3);
    assert_eq!(fake.texts_to(BOSS).len(), 1);
    assert!(fake.texts_to(BOSS)[0].contains("передано суперадминистраторам"));
    let to: Vec<Vec<String>> = sink.mails().into_iter().map(|m| m.to).collect();
    assert_eq!(to.iter().filter(|t| t[0] == "boss@example.org").count(), 1);
    assert_eq!(to.iter().filter(|t| t[0] == "staff@example.org").count(), 3);
    // Every letter has its own Message-ID on the sender's domain, and the
    // reminders about the request answer the letter that announced it.
    let first = format!("<hd-{id:06}@example.org>");
    let announced = notify::letter_for(&db.app, &Notice::NewRequest { request_id: id }).unwrap();
    assert_eq!(mailer.send(&["staff@example.org".into()], &announced), Outcome::Sent);
    let mails = sink.mails();
    let ids: Vec<String> = mails.iter().map(|m| m.header("Message-ID").expect("a Message-ID")).collect();
    assert!(ids.iter().all(|i| i.starts_with('<') && i.ends_with("@example.org>")), "{ids:?}");
    assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), ids.len(), "unique: {ids:?}");
    assert_eq!(ids.last(), Some(&first), "the announcement starts the conversation");
    for m in &mails[..mails.len() - 1] {
        assert_eq!(m.header("In-Reply-To").as_ref(), Some(&first), "{}", m.data);
        assert_eq!(m.header("References").as_ref(), Some(&first));
        assert!(m.header("Subject").unwrap().contains(&number), "{:?}", m.header("Subject"));
    }
    assert_eq!(mails.last().unwrap().header("In-Reply-To"), None);

    // Accepted: no more reminders.
    requests::accept(&db.app, &Actor::Telegram(SUPPORT), id).unwrap();
    let before = fake.calls().len();
    let r = run(180);
    assert!(r.breaches.is_empty());
    assert_eq!(fake.calls().len(), before);
    // Every level is in the audit log.
    let logs = db.store.read().unwrap().logs("request", &number).unwrap();
    assert_eq!(logs.iter().filter(|l| l.action == "request.sla_reminder").count(), 3);
}

#[test]
fn a_failed_send_is_retried_on_the_next_run_and_only_then() {
    let fake = FakeTelegram::start();
    let sink = SmtpSink::start();
    let db = TestDb::with_settings(settings(&fake, &sink));
    register(&db, AUTHOR, "Автор");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mailer = SmtpMailer::from_settings(&db.app.settings.smtp).unwrap().unwrap();
    // Telegram unreachable for now: a closed port.
    let mut broken = db.app.settings.as_ref().clone();
    broken.telegram_api_url = "http://127.0.0.1:9".into();
    let unreachable = TelegramMessenger::new(&broken, runtime.handle().clone()).unwrap().unwrap();
    let working = TelegramMessenger::new(&db.app.settings, runtime.handle().clone()).unwrap().unwrap();
    let id = file(&db, "Принтер горит");
    db.clock.advance(Duration::minutes(61));
    sink.fail_next(1);
    let r = sla::check(&db.app, Channels { telegram: Some(&unreachable), email: Some(&mailer) }, false).unwrap();
    assert_eq!((r.sent, r.failed), (0, 5), "four Telegram digests and one email failed");
    assert_eq!(r.pending, 5);
    assert!(sink.mails().is_empty());
    // The next run delivers them, without deciding anything again.
    let r = sla::check(&db.app, Channels { telegram: Some(&working), email: Some(&mailer) }, false).unwrap();
    assert_eq!((r.decided, r.sent, r.failed, r.pending), (0, 5, 0, 0));
    assert_eq!(sink.mails().len(), 1);
    assert!(fake.texts_to(SUPPORT)[0].contains(&format!("HD-{id:06}")));
    let r = sla::check(&db.app, Channels { telegram: Some(&working), email: Some(&mailer) }, false).unwrap();
    assert_eq!(r.sent, 0);
}

#[test]
fn two_sla_check_processes_at_once_send_each_reminder_once() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let sink = SmtpSink::start();
    {
        // Requests filed two hours ago (the binary runs on the real clock).
        let (app, clock) = w.app();
        clock.set(Utc::now() - Duration::hours(2));
        let db = TestDb { dir: tempfile::tempdir().unwrap(), app, store: w.store(), clock, pg: None };
        register(&db, AUTHOR, "Автор");
        for i in 0..12 {
            file(&db, &format!("Сломалось {i}"));
        }
    }
    let run = || {
        w.process()
            .arg("sla-check")
            .env("HELPDESK_BOT_TOKEN", TOKEN)
            .env("HELPDESK_TELEGRAM_API_URL", fake.url())
            .env("HELPDESK_EMAIL", "on")
            .env("HELPDESK_SMTP_HOST", "127.0.0.1")
            .env("HELPDESK_SMTP_PORT", sink.port.to_string())
            .env("HELPDESK_SMTP_SECURITY", "plain")
            .env("HELPDESK_SMTP_FROM", "helpdesk@example.org")
            .env("HELPDESK_SMTP_STAFF_TO", "staff@example.org")
            .env_remove("HELPDESK_LOG")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (run(), run());
    for out in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for staff in [ADMIN, SUPPORT, SUPPORT_2, 100000004] {
        let texts = fake.texts_to(staff);
        for i in 0..12 {
            let mentions: usize =
                texts.iter().flat_map(|t| t.lines()).filter(|l| l.ends_with(&format!("— Сломалось {i}"))).count();
            assert_eq!(mentions, 1, "staff {staff}, request {i}: {texts:#?}");
        }
    }
    assert_eq!(sink.mails().len(), 1, "one digest to the staff mailbox");
    // A third run finds everything sent.
    let out = run().wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(sink.mails().len(), 1);
    // --fail-on-breach: exit 3 while something is overdue.
    let status = w
        .process()
        .args(["sla-check", "--dry-run", "--fail-on-breach"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(3));
}

#[test]
fn the_report_by_email_reaches_the_server_and_a_dead_server_is_one_line() {
    let w = Workdir::seeded();
    w.cmd().args(["seed", "--demo", "--requests", "50"]).assert().success();
    let sink = SmtpSink::start();
    let report = |port: u16| {
        let mut cmd = w.cmd();
        cmd.args(["report", "--email"])
            .env("HELPDESK_EMAIL", "on")
            .env("HELPDESK_SMTP_HOST", "127.0.0.1")
            .env("HELPDESK_SMTP_PORT", port.to_string())
            .env("HELPDESK_SMTP_SECURITY", "plain")
            .env("HELPDESK_SMTP_FROM", "helpdesk@example.org")
            .env("HELPDESK_SMTP_STAFF_TO", "staff@example.org");
        cmd
    };
    report(sink.port).assert().success();
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["staff@example.org"]);
    // Nobody listens on a port just closed: one line naming the server and what to check.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = report(closed).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: the report was not sent: sending through the SMTP server 127.0.0.1:{closed} failed: "
        )) && stderr
            .ends_with("check HELPDESK_SMTP_HOST and HELPDESK_SMTP_PORT and that the server runs, then try again\n"),
        "{stderr}"
    );
    // A server that says "try later" (451) is the same kind of failure.
    sink.fail_next(1);
    let out = report(sink.port).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains(&format!("SMTP server 127.0.0.1:{} failed", sink.port)), "{stderr}");
    assert_eq!(sink.mails().len(), 1);
}

/// Working hours: Mon-Fri 09:00-13:00 and 14:00-18:00 in Kyiv (UTC+2 in
/// December), Christmas a holiday every year (fixtures/calendars.csv and
/// holidays.csv), made the organization's default.
#[test]
fn deadlines_and_reminders_follow_the_branch_calendar() {
    use chrono::TimeZone;
    use helpdesk::services::calendars::{self, CalendarForm};
    let fake = FakeTelegram::start();
    let sink = SmtpSink::start();
    let db = TestDb::with_settings(settings(&fake, &sink));
    register(&db, AUTHOR, "Автор");
    let operator = Actor::Operator("t".into());
    let form = CalendarForm { code: "UA-OFFICE".into(), default: Some(true), ..Default::default() };
    calendars::define(&db.app, &operator, &form).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let telegram = TelegramMessenger::new(&db.app.settings, runtime.handle().clone()).unwrap().unwrap();
    let channels = Channels { telegram: Some(&telegram as &dyn Messenger), email: None };
    let at = |d, h, m| Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
    let sent = || fake.texts_to(SUPPORT).len();

    // Filed on Friday 18 December at 18:55 in Kyiv (16:55 UTC), an hour to be accepted:
    // due on Monday at 10:00 Kyiv time, as the card in the panel and the Mini App says.
    db.clock.set(at(18, 16, 55));
    let id = file(&db, "Принтер не печатает");
    let card = requests::card(&db.app, &Actor::Telegram(SUPPORT), id).unwrap();
    assert_eq!(card.deadline, Some(at(21, 8, 0)));
    assert!(!card.overdue);

    // Over the weekend (63 hours round the clock) it is not overdue, and nobody is reminded.
    for (d, h) in [(18, 20), (19, 12), (20, 23), (21, 7)] {
        db.clock.set(at(d, h, 59));
        let r = sla::check(&db.app, channels, false).unwrap();
        assert!(r.breaches.is_empty(), "{d} {h}:59: {:?}", r.breaches);
    }
    assert_eq!(sent(), 0);

    // Monday 10:30 in Kyiv: half an hour late, reminded.
    db.clock.set(at(21, 8, 30));
    let r = sla::check(&db.app, channels, false).unwrap();
    assert_eq!(r.breaches.len(), 1);
    assert_eq!(r.breaches[0].due_at, at(21, 8, 0));
    assert_eq!(r.breaches[0].late, Duration::minutes(30));
    assert_eq!((r.breaches[0].level, sent()), (1, 1));
    assert!(fake.texts_to(SUPPORT)[0].contains("30 мин"), "late in working time: {:?}", fake.texts_to(SUPPORT));
    assert!(requests::card(&db.app, &Actor::Telegram(SUPPORT), id).unwrap().overdue);

    // Lunch (13:30 Kyiv) and the evening: still overdue, but no reminder until work goes on.
    for h in [11, 17] {
        db.clock.set(at(21, h, 30));
        let r = sla::check(&db.app, channels, false).unwrap();
        assert_eq!((r.breaches.len(), r.decided), (1, 0), "{h}:30 UTC");
    }
    assert_eq!(sent(), 1);

    // Christmas (Friday 25th) is a holiday: the request is overdue and nobody is reminded...
    db.clock.set(at(25, 9, 0));
    let r = sla::check(&db.app, channels, false).unwrap();
    assert_eq!((r.breaches.len(), r.decided, sent()), (1, 0, 1));
    // Levels count working hours: Monday 10:00-18:00 less lunch (7), Tuesday to Thursday (24).
    assert_eq!(r.breaches[0].level, 1 + 31);
    assert_eq!(r.breaches[0].late, Duration::hours(31));
    // With SLA_HIGH_ALWAYS=on a high-priority request runs round the clock: it fell due on
    // Friday at 19:55 Kyiv time, and its reminder goes out on the holiday.
    let mut always = (*db.app.settings).clone();
    always.sla.high_always = true;
    let r = sla::check(&db.app.with_settings(always), channels, false).unwrap();
    assert_eq!(r.breaches[0].due_at, at(18, 17, 55));
    assert_eq!(r.decided, 5, "the four who handle repairs, and the super admin: it has escalated");
    assert_eq!(sent(), 2);

    // Accepted on Monday 28th at 09:30 Kyiv: the reports give both times to accept, wall-clock
    // (9 days 14 h 35 min) and working (Monday 21st to Thursday: 8 h a day; Monday: half an hour).
    db.clock.set(at(28, 7, 30));
    requests::accept(&db.app, &Actor::Telegram(SUPPORT), id).unwrap();
    let scope = helpdesk::services::report::Scope::period(at(1, 0, 0), at(31, 0, 0));
    let (_, breakdown) = helpdesk::services::report::figures(&db.app, &Actor::Telegram(ADMIN), &scope).unwrap();
    let wall = Duration::days(9) + Duration::hours(14) + Duration::minutes(35);
    assert_eq!(breakdown.total.times.to_accept(), Some(wall.num_seconds() as f64));
    assert_eq!(breakdown.total.times.to_accept_working(), Some(Duration::minutes(32 * 60 + 30).num_seconds() as f64));
}

/// Waiting stops the clock: a request waiting for parts is not overdue and
/// nobody is reminded; resumed, its resolve deadline has moved on by the
/// working time it waited; the author is told each time, and the note is in
/// its history.
#[test]
fn waiting_stops_the_clock_and_resuming_starts_it() {
    use chrono::TimeZone;
    use helpdesk::domain::Waiting;
    use helpdesk::services::calendars::{self, CalendarForm};
    let fake = FakeTelegram::start();
    let sink = SmtpSink::start();
    let mut s = settings(&fake, &sink);
    s.sla.resolve.high = Some(Std::from_secs(4 * 3600));
    let db = TestDb::with_settings(s);
    register(&db, AUTHOR, "Автор");
    let form = CalendarForm { code: "UA-OFFICE".into(), default: Some(true), ..Default::default() };
    calendars::define(&db.app, &Actor::Operator("t".into()), &form).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let telegram = TelegramMessenger::new(&db.app.settings, runtime.handle().clone()).unwrap().unwrap();
    let channels = Channels { telegram: Some(&telegram as &dyn Messenger), email: None };
    // Monday 14 December 2026, Kyiv office hours (UTC+2): filed at 09:00, accepted at once;
    // four working hours to close it: due at 13:00 Kyiv (11:00 UTC).
    let at = |d, h, m| Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
    db.clock.set(at(14, 7, 0));
    let id = file(&db, "Заменить блок питания");
    requests::accept(&db.app, &Actor::Telegram(SUPPORT), id).unwrap();
    let deadline = || requests::card(&db.app, &Actor::Telegram(SUPPORT), id).unwrap().deadline;
    assert_eq!(deadline(), Some(at(14, 11, 0)));

    // At 10:00 Kyiv it waits for a part: a note is needed, the author is told.
    db.clock.set(at(14, 8, 0));
    let empty = requests::wait(&db.app, &Actor::Telegram(SUPPORT), id, Waiting::Parts, "  ");
    assert!(matches!(empty, Err(helpdesk::services::Error::Lifecycle(_))), "{empty:?}");
    requests::wait(&db.app, &Actor::Telegram(SUPPORT), id, Waiting::Parts, "Блок питания 500 Вт, заказан").unwrap();
    assert_eq!(deadline(), None, "no deadline while its clock is stopped");
    // A day later it would be long overdue; waiting, it is not, and nobody is reminded.
    db.clock.set(at(15, 12, 0));
    let r = sla::check(&db.app, channels, false).unwrap();
    assert!(r.breaches.is_empty(), "{:?}", r.breaches);
    // Resumed on Wednesday at 10:00 Kyiv: it waited Monday 10:00-18:00 less lunch (7 h),
    // Tuesday (8 h) and Wednesday 09:00-10:00 (1 h), 16 working hours; it had used one of its
    // four, so it is due at Wednesday 13:00 Kyiv (11:00 UTC).
    db.clock.set(at(16, 8, 0));
    let r = requests::resume(&db.app, &Actor::Telegram(SUPPORT), id).unwrap();
    assert_eq!((r.waiting, r.waited_seconds), (None, 16 * 3600));
    assert_eq!(deadline(), Some(at(16, 11, 0)));
    db.clock.set(at(16, 11, 1));
    let r = sla::check(&db.app, channels, false).unwrap();
    assert_eq!(r.breaches.len(), 1, "overdue again once its working time has run out");
    // The note is in its history, with the wait and the resumption.
    let history = db.store.read().unwrap().logs("request", &format!("HD-{id:06}")).unwrap();
    let waited = history.iter().find(|l| l.action == "request.wait_parts").unwrap();
    assert_eq!(waited.after.as_ref().unwrap()["note"], "Блок питания 500 Вт, заказан");
    assert!(history.iter().any(|l| l.action == "request.resume"));
}

/// The author's answer starts the clock again, as resuming does; with
/// WAITING_CLOSE_AFTER, the real `sla-check` closes a request whose author
/// left the question unanswered that long, once, and tells them (a dry run
/// closes nothing, and one answered or asked recently stays open).
#[test]
fn an_unanswered_question_closes_the_request_after_waiting_close_after() {
    use helpdesk::domain::Waiting;
    let w = Workdir::seeded();
    let (app, clock) = w.app();
    support::add_person(&app, AUTHOR, "Автор", "KHARKIV");
    let support = Actor::Telegram(SUPPORT);
    let asked = |id: i64| requests::wait(&app, &support, id, Waiting::Author, "Какой кабинет?").unwrap();
    let filed = || {
        let id = support::file_request(&app, AUTHOR, Kind::Repair, None, Priority::Medium, "Не работает");
        requests::accept(&app, &support, id).unwrap();
        id
    };
    // Asked ten days ago: one left unanswered, one answered; one asked a day ago.
    clock.set(Utc::now() - Duration::days(10));
    let (silent, answered) = (filed(), filed());
    asked(silent);
    asked(answered);
    clock.set(Utc::now() - Duration::days(9));
    let r = requests::answer(&app, &Actor::Telegram(AUTHOR), answered, "Кабинет 12").unwrap();
    assert_eq!((r.waiting, r.waited_seconds), (None, 24 * 3600), "the answer restarts the clock");
    assert!(requests::answer(&app, &Actor::Telegram(AUTHOR), answered, "ещё").is_err(), "nothing asked now");
    clock.set(Utc::now() - Duration::days(1));
    let recent = filed();
    asked(recent);

    let run = |args: &[&str]| w.cmd().env("HELPDESK_WAITING_CLOSE_AFTER", "7d").args(args).output().unwrap();
    let dry = run(&["sla-check", "--dry-run"]);
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    assert_eq!(w.int(&format!("SELECT count(*) FROM requests WHERE id = {silent} AND status = 'accepted'")), 1);
    let out = run(&["sla-check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("closed, their author not answering: HD-{silent:06}\n")), "{stderr}");
    let closed =
        format!("SELECT count(*) FROM requests WHERE id = {silent} AND status = 'cancelled' AND waiting IS NULL");
    assert_eq!(w.int(&closed), 1);
    for id in [answered, recent] {
        assert_eq!(w.int(&format!("SELECT count(*) FROM requests WHERE id = {id} AND status = 'accepted'")), 1);
    }
    assert_eq!(
        w.int(&format!("SELECT count(*) FROM outbox WHERE chat_id = {AUTHOR} AND notice LIKE '%unanswered%'")),
        1,
        "the author is told"
    );
    assert_eq!(
        w.int(&format!(
            "SELECT count(*) FROM outbox WHERE chat_id = {SUPPORT} AND notice LIKE '%unanswered_assignee%'"
        )),
        1,
        "and whoever asked"
    );
    assert_eq!(
        w.int(&format!("SELECT count(*) FROM logs WHERE actor = 'system:waiting' AND entity_id = 'HD-{silent:06}'")),
        1
    );
    // Once: a second run closes nothing more.
    let again = run(&["sla-check"]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("closed"), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(
        w.int(&format!("SELECT count(*) FROM outbox WHERE chat_id = {AUTHOR} AND notice LIKE '%unanswered%'")),
        1
    );
    // A setting that is not a duration is one line.
    let bad = w.cmd().env("HELPDESK_WAITING_CLOSE_AFTER", "soon").args(["sla-check"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(said.lines().count() == 1 && said.contains("WAITING_CLOSE_AFTER"), "{said}");
}
