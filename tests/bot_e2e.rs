//! The real `helpdesk serve` process against the fake Bot API on 127.0.0.1.

mod support;

use std::time::Duration;
use support::fake_telegram::{FakeTelegram, TOKEN, TgUser};
use support::serve::Serve;
use support::{STOREKEEPER, SUPPORT, Workdir};

const WAIT: Duration = Duration::from_secs(15);

fn wait_text(fake: &FakeTelegram, chat: i64, needle: &str) {
    assert!(
        fake.wait_for_text(chat, needle, WAIT),
        "no message to {chat} containing {needle:?}; got {:#?}",
        fake.texts_to(chat)
    );
}

/// Presses the newest button to `user` whose label contains `label`.
fn press(fake: &FakeTelegram, user: &TgUser, label: &str) {
    let found = fake.sent_to(user.id).iter().rev().find_map(|c| {
        let data = c.buttons().into_iter().find(|(t, _)| t.contains(label)).map(|(_, d)| d)?;
        Some((data, c.message_id()?))
    });
    let (data, message) =
        found.unwrap_or_else(|| panic!("no button {label:?} for {}: {:#?}", user.id, fake.texts_to(user.id)));
    fake.push_callback(user, &data, message);
}

#[test]
fn a_ticket_with_a_photo_is_filed_accepted_and_completed_and_a_kill_mid_dialogue_loses_nothing() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let user = TgUser::new(555_100_001, "Олена", "uk");
    let support = TgUser::new(SUPPORT, "Андрей", "ru");
    let serve = Serve::start(&w, &fake, &[]);

    fake.push_text(&support, "/start");
    fake.push_text(&user, "/start");
    wait_text(&fake, user.id, "У якій філії");
    press(&fake, &user, "Харьков");
    wait_text(&fake, user.id, "Філію збережено");
    // The command menus were registered: the default per language, and the staff member's own.
    assert!(fake.wait_until(WAIT, |calls| calls.iter().any(|c| c.method == "setMyCommands"
        && c.params["scope"]["type"] == "chat"
        && c.params["scope"]["chat_id"] == SUPPORT)));
    assert!(fake.calls().iter().any(|c| c.method == "setMyCommands" && c.params["language_code"] == "uk"));

    fake.push_text(&user, "/new");
    wait_text(&fake, user.id, "Що потрібно зробити?");
    press(&fake, &user, "Ремонт");
    wait_text(&fake, user.id, "прізвище та ім'я");
    fake.push_text(&user, "Олена Коваль");
    wait_text(&fake, user.id, "номер телефону");

    // Killed mid-dialogue, without a chance to clean up.
    serve.kill_hard();
    let serve = Serve::start(&w, &fake, &[]);
    fake.push_contact(&user, "0501234567");
    wait_text(&fake, user.id, "Опишіть проблему");
    fake.push_text(&user, "Не вмикається касовий апарат");
    wait_text(&fake, user.id, "Додайте фото");
    fake.push_photo(&user, "AgACAgIAAxkBAAIBZ2e2e2e", None);
    wait_text(&fake, user.id, "Наскільки терміново?");
    press(&fake, &user, "високий");
    wait_text(&fake, user.id, "Перевірте й підтвердьте");
    press(&fake, &user, "Підтвердити");
    wait_text(&fake, user.id, "зареєстровано");

    // Staff are told, with the card; the support member accepts, sees the photo inline, completes.
    wait_text(&fake, SUPPORT, "Не вмикається касовий апарат");
    press(&fake, &support, "Принять");
    wait_text(&fake, user.id, "прийняв(ла) Андрей Мельник");
    press(&fake, &support, "Открыть");
    assert!(fake.wait_until(WAIT, |calls| calls.iter().any(|c| c.method == "sendPhoto"
        && c.chat_id() == Some(SUPPORT)
        && c.params["photo"] == "AgACAgIAAxkBAAIBZ2e2e2e")));
    press(&fake, &support, "Выполнено");
    wait_text(&fake, user.id, "виконано");
    assert!(fake.texts_to(STOREKEEPER).is_empty(), "storekeepers were not told about a repair");

    let (code, stderr) = serve.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("started as @helpdesk_test_bot"), "{stderr}");
    assert!(!stderr.contains(TOKEN) && !stderr.contains("TEST-fake-token"), "the token leaked: {stderr}");

    let (app, _) = w.app();
    let all = helpdesk::services::requests::list(&app, &Default::default()).unwrap();
    assert_eq!(all.len(), 1, "one request, whatever the restarts");
    assert_eq!(all[0].status, helpdesk::domain::Status::Done);
    assert_eq!(all[0].contact_phone, "+380501234567");
}

#[test]
fn confirmed_updates_survive_a_kill_and_are_handled_exactly_once() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let serve = Serve::start(&w, &fake, &[]);
    let users: Vec<TgUser> = (0..40).map(|i| TgUser::new(555_100_100 + i, "U", "en")).collect();
    let mut last = 0;
    for u in &users {
        last = fake.push_text(u, "/start");
    }
    // Once Telegram counts them confirmed, they must not be lost, even to SIGKILL right now.
    assert!(fake.wait_confirmed(last, WAIT));
    serve.kill_hard();
    let serve = Serve::start(&w, &fake, &[]);
    for u in &users {
        wait_text(&fake, u.id, "Hello, U!");
    }
    let (code, _) = serve.terminate();
    assert_eq!(code, Some(0));
    let store = w.store();
    let mut tx = store.read().unwrap();
    for u in &users {
        assert!(tx.user(u.id).unwrap().is_some(), "{} registered", u.id);
    }
    assert!(tx.inbox_pending(10).unwrap().is_empty(), "every update is done");
}

#[test]
fn a_bot_api_outage_is_retried_and_the_loop_stays_up() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let serve = Serve::start(&w, &fake, &[]);
    let u = TgUser::new(555_100_200, "Ann", "en");
    fake.push_text(&u, "/start");
    wait_text(&fake, u.id, "Hello, Ann!");
    // Let the command menus finish registering (4 defaults and one per staff member), so
    // the failures hit what this test is about: the reply to /help, and getUpdates.
    assert!(fake.wait_until(WAIT, |calls| calls.iter().filter(|c| c.method.ends_with("MyCommands")).count() >= 10));
    std::thread::sleep(Duration::from_millis(300));
    fake.fail_next(2, 502);
    fake.push_text(&u, "/help");
    assert!(fake.wait_for_text(u.id, "/new", Duration::from_secs(60)), "the reply arrived after the outage");
    // The first failure hit the reply itself (the other one a getUpdates, which the fake does not log).
    let failed: Vec<String> = fake.calls().iter().filter(|c| c.status == 502).map(|c| c.method.clone()).collect();
    assert_eq!(failed, ["sendMessage"]);
    let (code, stderr) = serve.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("the reply goes to the outbox"), "{stderr}");
    // Every reply is in the outbox, sent; the one that failed was delivered from there on a second attempt.
    let counts = w.ints("SELECT count(sent_at), count(*) FROM outbox WHERE notice LIKE '%\"type\":\"reply\"%'");
    // The welcome and the branch question answering /start, and the answer to /help.
    assert_eq!(counts[1], 3, "every reply went through the outbox");
    assert_eq!(counts[0], counts[1], "every reply sent");
    let retried = w.ints("SELECT attempts FROM outbox WHERE notice LIKE '%/new%' AND last_error IS NOT NULL");
    assert_eq!(retried, [2], "the /help reply failed once and was sent on the second attempt");
}

#[test]
fn a_missing_or_rejected_token_is_one_clear_line_and_exit_1() {
    let w = Workdir::seeded();
    let out = w.cmd().arg("serve").env("HELPDESK_TELEGRAM_API_URL", "http://127.0.0.1:9").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: no bot token: set HELPDESK_BOT_TOKEN (or TELOXIDE_TOKEN) to the token @BotFather gave you\n"
    );
    let fake = FakeTelegram::start();
    fake.reject_all_tokens(true);
    let out = w
        .cmd()
        .arg("serve")
        .env("HELPDESK_TELEGRAM_API_URL", fake.url())
        .env("TELOXIDE_TOKEN", TOKEN)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.ends_with(
            "error: Telegram rejected the bot token; check HELPDESK_BOT_TOKEN (ask @BotFather for the right one)\n"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error")).count(), 1);
    assert!(!stderr.contains("TEST-fake-token"));
}

#[test]
fn serve_runs_scheduled_jobs_and_emails_the_staff_mailbox() {
    use support::smtp::SmtpSink;
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let sink = SmtpSink::start();
    // An overdue request, filed two hours ago.
    {
        let (app, clock) = w.app();
        clock.set(chrono::Utc::now() - chrono::Duration::hours(2));
        helpdesk::services::directory::add_user(
            &app,
            &helpdesk::services::Actor::Operator("t".into()),
            &helpdesk::services::directory::NewPerson {
                telegram_id: 555_100_300,
                full_name: "Автор".into(),
                branch: Some(helpdesk::domain::Key::Code("HQ".into())),
                ..Default::default()
            },
        )
        .unwrap();
        helpdesk::services::requests::create(
            &app,
            &helpdesk::services::Actor::Telegram(555_100_300),
            &helpdesk::services::requests::NewTicket {
                kind: helpdesk::domain::Kind::ItHelp,
                branch_id: None,
                contact_name: "Автор".into(),
                contact_phone: "+380441234567".into(),
                description: "Почта не работает с утра".into(),
                priority: helpdesk::domain::Priority::High,
                items: vec![],
                attachments: vec![],
                client_key: None,
            },
        )
        .unwrap();
    }
    // A year of CE285A issued at the central warehouse, 2 every fifth day, and 3 left: the weekly
    // forecast's digest suggests ordering 12.
    support::ce285a_runs_out_in_a_week(&*w.store(), chrono::Utc::now());
    let port = sink.port.to_string();
    let env = [
        ("HELPDESK_SCHEDULE_SLA_CHECK", "* * * * *"),
        ("HELPDESK_SCHEDULE_STOCK_FORECAST", "* * * * *"),
        ("HELPDESK_SCHEDULE_BACKUP", "off"),
        ("HELPDESK_SCHEDULE_PRUNE", "off"),
        ("HELPDESK_SCHEDULE_ARCHIVE", "off"),
        ("HELPDESK_SCHEDULE_REPORT", "off"),
        ("HELPDESK_EMAIL", "on"),
        ("HELPDESK_EMAIL_NEW_REQUESTS", "on"),
        ("HELPDESK_SMTP_HOST", "127.0.0.1"),
        ("HELPDESK_SMTP_PORT", port.as_str()),
        ("HELPDESK_SMTP_SECURITY", "plain"),
        ("HELPDESK_SMTP_FROM", "helpdesk@example.org"),
        ("HELPDESK_SMTP_STAFF_TO", "staff@example.org"),
    ];
    let serve = Serve::start(&w, &fake, &env);
    // The scheduled sla-check (within a minute) reminds staff by Telegram and the mailbox by email.
    assert!(
        fake.wait_for_text(SUPPORT, "Просроченные заявки: 1", Duration::from_secs(75)),
        "no reminder from the scheduled sla-check: {:#?}",
        fake.texts_to(SUPPORT)
    );
    // The scheduled stock forecast: its suggested orders reach the storekeepers and the mailbox.
    assert!(
        fake.wait_for_text(STOREKEEPER, "Картриджи к заказу", Duration::from_secs(75)),
        "no stock digest: {:#?}",
        fake.texts_to(STOREKEEPER)
    );
    let digest = fake.texts_to(STOREKEEPER).into_iter().find(|t| t.contains("Картриджи к заказу")).unwrap();
    assert!(
        digest.contains("Центральный склад: HP 85A черный (CE285A): осталось на 7 д, заказать <b>12</b>"),
        "{digest}"
    );
    if !sink.wait_for(2, Duration::from_secs(15)) {
        let rows = w.ints(
            "SELECT count(*), count(sent_at), count(failed_at), coalesce(max(attempts), 0) FROM sla_reminders \
             WHERE channel = 'email'",
        );
        panic!("no email; email reminders (rows, sent, failed, attempts): {rows:?}");
    }
    assert!(sink.mails()[0].header("Subject").unwrap().contains("helpdesk"));
    // The digest by email: its text (base64 or quoted-printable, as the mailer chose) names the line.
    let readable = |m: &support::smtp::Mail| {
        use base64::Engine;
        let mut out = m.data.clone();
        for part in m.data.split("Content-Transfer-Encoding: base64").skip(1) {
            let body = part.split_once("\n\n").map_or("", |(_, b)| b);
            let joined: String = body.lines().take_while(|l| !l.starts_with("--")).map(str::trim).collect();
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(joined) {
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
        out
    };
    assert!(
        sink.mails().iter().map(readable).any(|t| t.contains("(CE285A)") && t.contains("12")),
        "the digest by email: {:#?}",
        sink.mails().iter().map(|m| m.data.clone()).collect::<Vec<_>>()
    );
    // A request filed through the bot is announced to the staff mailbox too.
    let user = TgUser::new(555_100_301, "Ann", "en");
    fake.push_text(&user, "/start");
    wait_text(&fake, user.id, "Which branch");
    press(&fake, &user, "Одесса");
    fake.push_text(&user, "/new");
    press_when(&fake, &user, "IT help");
    fake.push_text(&user, "Ann Lee");
    wait_text(&fake, user.id, "phone");
    fake.push_text(&user, "+380441234567");
    wait_text(&fake, user.id, "Describe");
    fake.push_text(&user, "Need a new mouse");
    press_when(&fake, &user, "Skip");
    press_when(&fake, &user, "low");
    press_when(&fake, &user, "Confirm");
    wait_text(&fake, user.id, "is filed");
    assert!(sink.wait_for(3, Duration::from_secs(15)), "no new-request email");
    assert!(sink.mails().iter().any(|m| m.data.contains("Need a new mouse")));
    let (code, stderr) = serve.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    let run = w.store().read().unwrap().last_job_run("sla-check").unwrap().unwrap();
    assert_eq!(run.ok, Some(true), "{run:?}");
    let run = w.store().read().unwrap().last_job_run("stock-forecast").unwrap().unwrap();
    assert_eq!(run.ok, Some(true), "{run:?}");
}

/// Waits for a button with `label` to appear, then presses it.
fn press_when(fake: &FakeTelegram, user: &TgUser, label: &str) {
    let appeared = fake.wait_until(WAIT, |calls| {
        calls.iter().any(|c| c.chat_id() == Some(user.id) && c.buttons().iter().any(|(t, _)| t.contains(label)))
    });
    assert!(appeared, "no button {label:?} for {}: {:#?}", user.id, fake.texts_to(user.id));
    press(fake, user, label);
}

/// How long one person may wait for the bot's answer to any step: after a
/// crash, the replies a killed process had taken go out within seconds.
const STEP_WAIT: Duration = Duration::from_secs(30);

/// The request number a person was told and their longest wait, or where they stalled.
type Walked = Result<(String, Duration), String>;

/// One person's walk through the whole ticket dialogue, as in Telegram: each
/// step waits for the bot's answer to the previous one. Returns the request
/// number the bot told them and the longest they waited for an answer, or
/// where the dialogue stalled (no answer within [`STEP_WAIT`]).
fn walk_the_ticket_dialogue(fake: &FakeTelegram, user: &TgUser) -> Walked {
    enum Act<'a> {
        Text(&'a str),
        Contact(&'a str),
        Press(&'a str),
    }
    let name = format!("Person {}", user.id);
    let description = format!("The printer in room {} jams", user.id % 1000);
    let steps = [
        (Act::Text("/start"), "Which branch"),
        (Act::Press("Одесса"), "Choose what to do"),
        (Act::Text("/new"), "What do you need?"),
        (Act::Press("epair"), "full name"),
        (Act::Text(&name), "phone number"),
        (Act::Contact("0501234567"), "Describe the problem"),
        (Act::Text(&description), "Attach a photo"),
        (Act::Press("Skip"), "How urgent"),
        (Act::Press("high"), "check and confirm"),
        (Act::Press("Confirm"), "is filed"),
    ];
    let mut last = String::new();
    let mut longest = Duration::ZERO;
    for (act, answer) in &steps {
        let before = fake.sent_to(user.id).len();
        let asked = std::time::Instant::now();
        match act {
            Act::Text(t) => {
                fake.push_text(user, t);
            }
            Act::Contact(p) => {
                fake.push_contact(user, p);
            }
            Act::Press(label) => press(fake, user, label),
        }
        last = loop {
            let sent = fake.sent_to(user.id);
            if let Some(text) = sent.iter().skip(before).filter_map(|c| c.text()).find(|t| t.contains(answer)) {
                break text.to_string();
            }
            if asked.elapsed() >= STEP_WAIT {
                return Err(format!(
                    "no answer containing {answer:?} within {STEP_WAIT:?}; the chat: {:?}",
                    fake.texts_to(user.id)
                ));
            }
            std::thread::sleep(Duration::from_millis(75));
        };
        longest = longest.max(asked.elapsed());
    }
    let number = last.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).find(|w| w.starts_with("HD-"));
    number.map(|n| (n.to_string(), longest)).ok_or_else(|| format!("no request number in {last:?}"))
}

/// The goal of issue 23: 150 people file requests while `serve` is killed
/// eight times at random moments and Telegram fails 15% of sends (429 with
/// retry_after, 502, and 502 after the message was in fact delivered, as at
/// scale). Every dialogue finishes, every author is told the number of the
/// one request they filed, nothing is filed twice, and nobody waits more
/// than 30 seconds for any answer. (A send answered 502 after it was
/// delivered is sent again: Telegram has no way to say it arrived, so such a
/// message may show twice; the step it answers is applied once.)
#[test]
fn a_hundred_and_fifty_people_file_requests_while_serve_is_killed_and_telegram_fails_and_each_hears_back_within_seconds()
 {
    const PEOPLE: i64 = 150;
    const KILLS: usize = 8;
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let log = w.path().join("serve.log");
    let seed =
        std::env::var("HELPDESK_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| fastrand::u64(..));
    eprintln!("kill schedule and failure seed: {seed} (HELPDESK_TEST_SEED={seed} repeats it)");
    let mut rng = fastrand::Rng::with_seed(seed);
    fake.flaky(0.15, seed);
    let people: Vec<TgUser> = (0..PEOPLE).map(|i| TgUser::new(555_300_000 + i, &format!("P{i}"), "en")).collect();
    let finished = std::sync::atomic::AtomicUsize::new(0);
    let sends = |fake: &FakeTelegram| fake.count_calls("sendMessage");
    let (outcomes, serve): (Vec<Walked>, Serve) = std::thread::scope(|s| {
        let mut serve = Serve::start_logging_to(&w, &fake, &[], &log);
        // People come in over the first ten seconds, as they would: 150 at the
        // same instant would need more messages than Telegram lets a bot send
        // in a second (30) before any of them could be answered.
        let arrivals: Vec<Duration> = people.iter().map(|_| Duration::from_millis(rng.u64(0..10_000))).collect();
        let walkers: Vec<_> = people
            .iter()
            .zip(arrivals)
            .map(|(u, arrival)| {
                let (fake, finished) = (&fake, &finished);
                s.spawn(move || {
                    std::thread::sleep(arrival);
                    let r = walk_the_ticket_dialogue(fake, u);
                    finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    r
                })
            })
            .collect();
        // SIGKILL at random moments while people are mid-dialogue: after a random
        // number of the bot's messages since the last start, then start again.
        let mut starts = 1;
        for _ in 0..KILLS {
            if finished.load(std::sync::atomic::Ordering::SeqCst) == people.len() {
                break;
            }
            let from = sends(&fake);
            let after = rng.usize(10..200);
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            while sends(&fake) < from + after
                && finished.load(std::sync::atomic::Ordering::SeqCst) < people.len()
                && std::time::Instant::now() < deadline
            {
                std::thread::sleep(Duration::from_millis(rng.u64(10..40)));
            }
            serve.kill_hard();
            serve = Serve::start_logging_to(&w, &fake, &[], &log);
            starts += 1;
        }
        let outcomes = walkers.into_iter().map(|h| h.join().unwrap()).collect();
        // The last one started is up before it is asked to stop.
        let up = |log: &std::path::Path| {
            std::fs::read_to_string(log).unwrap_or_default().matches("helpdesk: started as").count()
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while up(&log) < starts && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        (outcomes, serve)
    });
    fake.flaky(0.0, 0);
    let (code, _) = serve.terminate();
    assert_eq!(code, Some(0));
    let (retry_after, bad_gateway, delivered_anyway) = fake.flaky_failures();
    assert!(retry_after > 0 && bad_gateway > 0 && delivered_anyway > 0, "Telegram failed as asked");
    let mut waits: Vec<Duration> = outcomes.iter().filter_map(|o| o.as_ref().ok().map(|(_, d)| *d)).collect();
    waits.sort();
    eprintln!(
        "{} sends failed (429: {retry_after}, 502: {bad_gateway}, 502 after delivery: {delivered_anyway}); \
         the longest wait of each person: median {:?}, slowest {:?}",
        retry_after + bad_gateway + delivered_anyway,
        waits.get(waits.len() / 2),
        waits.last()
    );

    let stalled: Vec<String> =
        people.iter().zip(&outcomes).filter_map(|(u, o)| o.as_ref().err().map(|e| format!("{}: {e}", u.id))).collect();
    if !stalled.is_empty() {
        let kept = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bot_e2e-serve.log");
        let _ = std::fs::copy(&log, &kept);
        panic!(
            "{} of {PEOPLE} people waited longer than {STEP_WAIT:?} for an answer (seed {seed}; serve's log: {}):\n{}",
            stalled.len(),
            kept.display(),
            stalled.join("\n")
        );
    }
    // Every author was told the number of the one request they filed.
    let (app, _) = w.app();
    for (u, told) in people.iter().zip(&outcomes) {
        let query = helpdesk::domain::model::RequestQuery { author_id: Some(u.id), ..Default::default() };
        let filed = helpdesk::services::requests::list(&app, &query).unwrap();
        assert_eq!(filed.len(), 1, "{} filed {} requests (seed {seed})", u.id, filed.len());
        let number = helpdesk::domain::RequestNumber(filed[0].id).to_string();
        assert_eq!(told.as_ref().unwrap().0, number, "{} was told another number (seed {seed})", u.id);
    }
}
