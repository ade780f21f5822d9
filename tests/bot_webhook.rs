//! `helpdesk serve --webhook-url`: two real processes sharing one PostgreSQL
//! database behind a (simulated) load balancer. Every update is handled once,
//! whichever process gets it and however often Telegram sends it; calls
//! without the secret token are refused; an update a dead process stored but
//! never handled, or held when it died, is taken over by one of the others
//! within seconds; a scheduled job runs once per slot.
//! Skipped, saying so, without HELPDESK_TEST_PG_URL (required in CI).

mod support;

use std::io::{Read, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use support::Workdir;
use support::fake_telegram::{FakeTelegram, TOKEN, TgUser};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Posts `body` to `port` as Telegram would; returns the HTTP status.
fn post(port: u16, secret: &str, body: &str) -> u16 {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST /telegram HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

struct Instance(Child);

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(w: &Workdir, fake: &FakeTelegram, port: u16) -> Instance {
    let child = w
        .process()
        .args(["serve", "--webhook-url", &format!("http://127.0.0.1:{port}/telegram")])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("HELPDESK_TELEGRAM_API_URL", fake.url())
        .env("HELPDESK_BOT_TOKEN", TOKEN)
        .env("HELPDESK_SCHEDULE_SLA_CHECK", "* * * * *")
        .env("HELPDESK_SCHEDULE_BACKUP", "off")
        .env("HELPDESK_SCHEDULE_PRUNE", "off")
        .env("HELPDESK_SCHEDULE_ARCHIVE", "off")
        .env("HELPDESK_SCHEDULE_REPORT", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "serve never listened on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Instance(child)
}

#[test]
fn two_webhook_processes_handle_every_update_once_and_each_job_once() {
    let Some(w) = Workdir::postgres("two_webhook_processes_handle_every_update_once_and_each_job_once") else {
        return;
    };
    w.cmd().args(["seed", "--fixtures"]).arg(support::fixtures()).assert().success();
    let fake = FakeTelegram::start();
    // An update a third process stored ten minutes ago and never handled (it died):
    // one of the two takes it over, and it is answered once.
    let stranded = TgUser::new(555_799_999, "Забытый", "uk");
    fake.push_text(&stranded, "/help");
    let left = fake.take_updates().remove(0);
    let url = w.pg.as_ref().expect("a PostgreSQL workdir").url.clone();
    postgres::Client::connect(&url, postgres::NoTls)
        .unwrap()
        .execute(
            "INSERT INTO telegram_inbox (update_id, chat_id, payload, received_at) \
             VALUES ($1, $2, $3, now() - interval '10 minutes')",
            &[&left["update_id"].as_i64().unwrap(), &stranded.id, &left.to_string()],
        )
        .unwrap();
    let (pa, pb) = (free_port(), free_port());
    let (_a, _b) = (start(&w, &fake, pa), start(&w, &fake, pb));
    let secret = helpdesk::services::telegram::webhook_secret(TOKEN);

    // Telegram was told where to post, with the secret (each process tells it
    // once it has reached the Bot API; its listener serves the panel before that).
    let set_hooks =
        || -> Vec<_> { fake.calls().into_iter().filter(|c| c.method.eq_ignore_ascii_case("setWebhook")).collect() };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while set_hooks().len() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let hooks = set_hooks();
    assert_eq!(hooks.len(), 2, "{hooks:?}");
    assert!(hooks.iter().all(|c| c.params["secret_token"] == secret.as_str()), "{hooks:?}");

    // Forty people write; the balancer alternates, and Telegram sends every third update twice.
    let people: Vec<TgUser> = (0..40).map(|i| TgUser::new(555_700_000 + i, "Гость", "ru")).collect();
    for p in &people {
        fake.push_text(p, "/help");
    }
    let updates = fake.take_updates();
    assert_eq!(updates.len(), 40);
    for (i, u) in updates.iter().enumerate() {
        let body = u.to_string();
        let (first, second) = if i % 2 == 0 { (pa, pb) } else { (pb, pa) };
        assert_eq!(post(first, &secret, &body), 200);
        if i % 3 == 0 {
            assert_eq!(post(second, &secret, &body), 200, "a repeat is acknowledged");
        }
    }
    // Not from Telegram, or not an update: refused, and nothing happens.
    assert_eq!(post(pa, "wrong", &updates[0].to_string()), 401);
    assert_eq!(post(pb, &secret, "{\"hello\":1}"), 400);

    let handled = || w.int("SELECT count(*) FROM telegram_inbox WHERE done_at IS NOT NULL");
    let deadline = Instant::now() + Duration::from_secs(30);
    while handled() < 41 {
        assert!(Instant::now() < deadline, "handled only {} of 41", handled());
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    for p in people.iter().chain([&stranded]) {
        assert_eq!(fake.texts_to(p.id).len(), 1, "one answer to {}: {:?}", p.id, fake.texts_to(p.id));
    }
    assert_eq!(w.int("SELECT count(*) FROM telegram_inbox"), 41);

    // A process that died a moment ago (its heartbeat stopped) leaves an
    // update it had just stored and a reply it was holding to send itself:
    // the others take both over within seconds, not when a lease runs out.
    let orphan = TgUser::new(555_799_998, "Сирота", "uk");
    fake.push_text(&orphan, "/help");
    let left = fake.take_updates().remove(0);
    let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    db.batch_execute(
        "INSERT INTO serve_instances (id, started_at, heartbeat_at) \
         VALUES ('died-just-now', now() - interval '1 minute', now() - interval '15 seconds')",
    )
    .unwrap();
    db.execute(
        "INSERT INTO telegram_inbox (update_id, chat_id, payload, received_at, received_by) \
         VALUES ($1, $2, $3, now(), 'died-just-now')",
        &[&left["update_id"].as_i64().unwrap(), &orphan.id, &left.to_string()],
    )
    .unwrap();
    let waiting = TgUser::new(555_799_997, "Ждущий", "ru");
    db.execute(
        "INSERT INTO outbox (chat_id, notice, priority, created_at, send_after, leased_by) \
         VALUES ($1, '{\"type\":\"reply\",\"text\":\"held by a process that died\",\"markup\":null}', 0, now(), \
                 now() + interval '2 minutes', 'died-just-now')",
        &[&waiting.id],
    )
    .unwrap();
    let orphaned = Instant::now();
    let deadline = orphaned + Duration::from_secs(15);
    while fake.texts_to(orphan.id).is_empty() || fake.texts_to(waiting.id).is_empty() {
        assert!(Instant::now() < deadline, "not taken over within 15 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("what a dead process held was taken over in {:?}", orphaned.elapsed());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(fake.texts_to(orphan.id).len(), 1, "{:?}", fake.texts_to(orphan.id));
    assert_eq!(fake.texts_to(waiting.id), ["held by a process that died"]);

    // The minutely sla-check: both processes are due at the same moment; it runs once.
    let runs = || w.int("SELECT count(*) FROM job_runs WHERE job = 'sla-check'");
    let deadline = Instant::now() + Duration::from_secs(75);
    while runs() == 0 {
        assert!(Instant::now() < deadline, "sla-check never ran");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(runs(), 1, "one run for one slot, whichever process took it");
}
