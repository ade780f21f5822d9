//! Benchmark driver for `helpdesk serve`, run by `scripts/bench/bot.sh`.
//!
//! * `bench_bot updates HELPDESK_BIN USERS`: the real `helpdesk serve` against
//!   the fake Bot API on 127.0.0.1; USERS people each send /start, /help and
//!   /my (registration writes, dialogue state, reads). Prints updates handled
//!   per second, then the same for the peer: a bare teloxide bot (default
//!   dispatcher and polling, no database) answering every message, fed the
//!   same number of updates.
//! * `bench_bot broadcast HELPDESK_BIN RECIPIENTS`: an administrator
//!   broadcasts to RECIPIENTS people through the bot while the fake enforces
//!   Telegram's limits (30 messages a second overall, 1 a second per chat) and
//!   answers 429 beyond them. Prints the achieved rate and the 429s received.
//! * `bench_bot echo URL`: the peer bot itself (started by `updates`).

#[path = "../tests/support/fake_telegram.rs"]
#[allow(dead_code)]
mod fake_telegram;

use fake_telegram::{FakeTelegram, TOKEN, TgUser};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("echo") => echo(&args[2]),
        Some("updates") => updates(Path::new(&args[2]), args[3].parse().unwrap()),
        Some("broadcast") => broadcast(Path::new(&args[2]), args[3].parse().unwrap()),
        _ => {
            eprintln!("usage: bench_bot updates HELPDESK_BIN USERS | broadcast HELPDESK_BIN RECIPIENTS | echo URL");
            std::process::exit(2);
        }
    }
}

/// The peer: the smallest teloxide bot that answers every message.
fn echo(url: &str) {
    use teloxide::prelude::*;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let bot = Bot::new(TOKEN).set_api_url(url.parse().unwrap());
        teloxide::repl(bot, |bot: Bot, msg: Message| async move {
            bot.send_message(msg.chat.id, format!("echo: {}", msg.text().unwrap_or(""))).await?;
            Ok(())
        })
        .await;
    });
}

struct Proc(Child);
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

fn workdir(bin: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let ok = Command::new(bin)
        .current_dir(dir.path())
        .args(["seed", "--fixtures"])
        .arg(&fixtures)
        .stdout(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "seed");
    dir
}

fn serve(bin: &Path, dir: &Path, fake: &FakeTelegram, env: &[(&str, String)]) -> Proc {
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir)
        .arg("serve")
        .env("HELPDESK_TELEGRAM_API_URL", fake.url())
        .env("HELPDESK_BOT_TOKEN", TOKEN)
        .env("HELPDESK_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let p = Proc(cmd.spawn().unwrap());
    assert!(
        fake.wait_until(Duration::from_secs(30), |c| c.iter().any(|c| c.method == "setMyCommands")),
        "serve did not start"
    );
    p
}

fn sends(fake: &FakeTelegram) -> usize {
    fake.calls().iter().filter(|c| c.status == 200 && c.method == "sendMessage").count()
}

fn wait_sends(fake: &FakeTelegram, expected: usize, limit: Duration) -> Duration {
    let start = Instant::now();
    while sends(fake) < expected {
        assert!(start.elapsed() < limit, "only {} of {expected} replies after {limit:?}", sends(fake));
        std::thread::sleep(Duration::from_millis(20));
    }
    start.elapsed()
}

fn updates(bin: &Path, users: usize) {
    let dir = workdir(bin);
    let fake = FakeTelegram::start();
    let _serve = serve(bin, dir.path(), &fake, &[]);
    fake.clear_calls();
    let people: Vec<TgUser> = (0..users).map(|i| TgUser::new(800_000_000 + i as i64, "Bench", "en")).collect();
    // /start answers twice (welcome, branch question); /help and /my once each.
    let expected = users * 4;
    let start = Instant::now();
    for round in ["/start", "/help", "/my"] {
        for p in &people {
            fake.push_text(p, round);
        }
    }
    let total = users * 3;
    wait_sends(&fake, expected, Duration::from_secs(600));
    let elapsed = start.elapsed();
    let ours = total as f64 / elapsed.as_secs_f64();
    println!("helpdesk serve: {total} updates in {:.2} s = {ours:.0} updates/s", elapsed.as_secs_f64());

    let peer_fake = FakeTelegram::start();
    let exe = std::env::current_exe().unwrap();
    let _peer = Proc(Command::new(exe).args(["echo", &peer_fake.url()]).stderr(Stdio::null()).spawn().unwrap());
    let warm = TgUser::new(1, "Warm", "en");
    peer_fake.push_text(&warm, "hello");
    wait_sends(&peer_fake, 1, Duration::from_secs(30));
    peer_fake.clear_calls();
    let start = Instant::now();
    for round in ["/start", "/help", "/my"] {
        for p in &people {
            peer_fake.push_text(p, round);
        }
    }
    wait_sends(&peer_fake, total, Duration::from_secs(600));
    let elapsed = start.elapsed();
    let peer = total as f64 / elapsed.as_secs_f64();
    println!(
        "teloxide echo bot (no database): {total} updates in {:.2} s = {peer:.0} updates/s",
        elapsed.as_secs_f64()
    );
    println!("RESULT updates_per_second={ours:.0} peer_updates_per_second={peer:.0} ratio={:.2}", ours / peer);
}

fn broadcast(bin: &Path, recipients: usize) {
    let dir = workdir(bin);
    // Recipients straight into the database: registering 10,000 people through the bot is the other benchmark.
    {
        let conn = rusqlite::Connection::open(dir.path().join("helpdesk.db")).unwrap();
        conn.execute_batch("BEGIN").unwrap();
        let mut st = conn
            .prepare("INSERT INTO users (telegram_id, full_name, role, created_at) VALUES (?1, 'Reader', 'user', '2026-01-01T00:00:00.000000Z')")
            .unwrap();
        for i in 0..recipients {
            st.execute([900_000_000 + i as i64]).unwrap();
        }
        drop(st);
        conn.execute_batch("COMMIT").unwrap();
    }
    let fake = FakeTelegram::start();
    fake.set_rate_limit(Some(30), Some(1));
    let rate = std::env::var("HELPDESK_BROADCAST_RATE").unwrap_or_else(|_| "30".into());
    let _serve = serve(bin, dir.path(), &fake, &[("HELPDESK_BROADCAST_RATE", rate.clone())]);
    let admin = TgUser::new(100_000_001, "Admin", "en");
    fake.push_text(&admin, "/broadcast");
    assert!(fake.wait_for_text(admin.id, "Send the announcement", Duration::from_secs(30)));
    fake.push_text(&admin, "The office is closed on Friday.");
    assert!(fake.wait_for_text(admin.id, "This is how everyone will see it", Duration::from_secs(30)));
    let (data, message) = fake
        .sent_to(admin.id)
        .iter()
        .rev()
        .find_map(|c| {
            c.buttons()
                .into_iter()
                .find(|(t, _)| t.contains("Send to everyone"))
                .map(|(_, d)| (d, c.message_id().unwrap()))
        })
        .unwrap();
    fake.push_callback(&admin, &data, message);
    assert!(fake.wait_for_text(admin.id, "Sending to", Duration::from_secs(30)));
    let start = Instant::now();
    let delivered = |f: &FakeTelegram| {
        f.calls()
            .iter()
            .filter(|c| c.status == 200 && c.method == "sendMessage" && c.chat_id().is_some_and(|id| id >= 900_000_000))
            .count()
    };
    let mut last_report = Instant::now();
    while delivered(&fake) < recipients {
        if last_report.elapsed() > Duration::from_secs(30) {
            eprintln!("  … {} of {recipients} after {:.0} s", delivered(&fake), start.elapsed().as_secs_f64());
            last_report = Instant::now();
        }
        assert!(start.elapsed() < Duration::from_secs(recipients as u64 / 10 + 120), "broadcast too slow");
        std::thread::sleep(Duration::from_millis(100));
    }
    let elapsed = start.elapsed().as_secs_f64();
    assert!(fake.wait_for_text(admin.id, "Broadcast finished", Duration::from_secs(60)), "no report");
    let achieved = recipients as f64 / elapsed;
    let calls = fake.calls();
    let to_recipients =
        calls.iter().filter(|c| c.status == 429 && c.chat_id().is_some_and(|id| id >= 900_000_000)).count();
    let to_admin = calls.iter().filter(|c| c.status == 429 && c.chat_id() == Some(admin.id)).count();
    println!(
        "broadcast to {recipients}: {elapsed:.1} s = {achieved:.1} messages/s (configured {rate}/s); \
         429 answers to recipients: {to_recipients}; to the administrator's own chat during the dialogue \
         (two replies within a second, waited out and resent): {to_admin}"
    );
    println!(
        "RESULT broadcast_rate={achieved:.1} configured_rate={rate} recipient_429={to_recipients} admin_chat_429={to_admin}"
    );
    let _ = PathBuf::new();
}
