//! What a container runtime hands `helpdesk serve`: secrets as files
//! (`HELPDESK_<NAME>_FILE`, a database password apart from its URL), logs as
//! JSON for a shipper, and a PostgreSQL that is not up yet when it starts.
//! Each mistake is one line and exit code 1.

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::fake_telegram::{FakeTelegram, TOKEN};
use support::serve::{sigterm, wait_for_line};
use support::{Workdir, one_line_error};

fn config_value(w: &Workdir, env: &[(&str, &str)], key: &str) -> serde_json::Value {
    let mut cmd = w.cmd();
    cmd.args(["config", "show", "--format", "json"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    all.into_iter().find(|s| s["key"] == key).unwrap()
}

#[test]
fn secrets_come_from_files_and_serve_logs_json_without_them() {
    let w = Workdir::seeded();
    let token_file = w.path().join("bot_token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let token_path = token_file.to_str().unwrap();
    let shown = config_value(&w, &[("HELPDESK_BOT_TOKEN_FILE", token_path)], "bot_token");
    assert_eq!(shown["value"], "[redacted]");
    assert_eq!(shown["origin"], format!("file {token_path}"));

    // serve takes the token from the file (the fake Bot API takes only the
    // right one) and logs one JSON object a line, the token in none of them.
    let fake = FakeTelegram::start();
    let mut serve = w
        .process()
        .args(["--log-format", "json", "serve"])
        .env("HELPDESK_TELEGRAM_API_URL", fake.url())
        .env("HELPDESK_BOT_TOKEN_FILE", token_path)
        .env("HELPDESK_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(serve.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !seen.iter().any(|l: &serde_json::Value| l["message"].as_str().is_some_and(|m| m.starts_with("started as @")))
    {
        assert!(Instant::now() < deadline, "serve did not start: {seen:#?}");
        let line = lines.next().expect("serve ended").unwrap();
        seen.push(serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")));
    }
    assert!(std::process::Command::new("kill").args(["-TERM", &serve.id().to_string()]).status().unwrap().success());
    for line in lines {
        let line = line.unwrap();
        seen.push(serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")));
    }
    assert_eq!(serve.wait().unwrap().code(), Some(0));
    for l in &seen {
        assert!(l["timestamp"].is_string() && l["level"].is_string(), "{l}");
        assert!(!l.to_string().contains(TOKEN) && !l.to_string().contains("SECRET"), "a secret in the log: {l}");
    }
    assert!(seen.iter().any(|l| l["message"] == "stopped"), "{seen:#?}");
}

#[test]
fn bad_secret_files_and_log_formats_are_one_line() {
    let w = Workdir::seeded();
    let missing = w.path().join("nope");
    let out = w.cmd().args(["config", "show"]).env("HELPDESK_BOT_TOKEN_FILE", &missing).output().unwrap();
    one_line_error(&out, "cannot read HELPDESK_BOT_TOKEN_FILE");
    let unreadable = w.path().join("secret");
    std::fs::write(&unreadable, "hunter2").unwrap();
    std::fs::set_permissions(&unreadable, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    // serve as a user without root's powers (who could read anything), with a bot token and one setting more.
    let serve_as_user = |key: &str, value: &std::ffi::OsStr| {
        w.cmd_without_root_powers().args(["serve"]).env(key, value).env("HELPDESK_BOT_TOKEN", TOKEN).output().unwrap()
    };
    let out = serve_as_user("HELPDESK_SMTP_PASSWORD_FILE", unreadable.as_os_str());
    one_line_error(&out, "permission denied");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hunter2"));
    let out = w
        .cmd()
        .args(["config", "show"])
        .env("HELPDESK_BOT_TOKEN", TOKEN)
        .env("HELPDESK_BOT_TOKEN_FILE", &missing)
        .output()
        .unwrap();
    one_line_error(&out, "both HELPDESK_BOT_TOKEN and HELPDESK_BOT_TOKEN_FILE");
    let out = w.cmd().args(["config", "show"]).env("HELPDESK_DATABASE_PASSWORD", "x").output().unwrap();
    one_line_error(&out, "SQLite has none");
    let out = w.cmd().args(["config", "show"]).env("HELPDESK_LOG_FORMAT", "xml").output().unwrap();
    one_line_error(&out, "use text or json");
    // No token is said at once, not after waiting for a database that does not answer.
    let started = std::time::Instant::now();
    let out = w
        .cmd()
        .args(["serve"])
        .env("HELPDESK_DATABASE_URL", "postgres://helpdesk@127.0.0.1:1/helpdesk")
        .output()
        .unwrap();
    one_line_error(&out, "no bot token");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
    // Where the database is to be made, nothing may be written: one line before anything starts.
    let locked = w.path().join("data");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
    let url = format!("sqlite:{}", locked.join("helpdesk.db").display());
    let out = serve_as_user("HELPDESK_DATABASE_URL", url.as_ref());
    one_line_error(&out, "helpdesk.db");
}

/// Forwards connections on `listener` to `to`, from when it is called.
fn forward(listener: std::net::TcpListener, to: String) {
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = std::net::TcpStream::connect(&to) else { continue };
            let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut c, mut s) = (client, server);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c, &mut s);
                let _ = s.shutdown(std::net::Shutdown::Both);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s2, &mut c2);
                let _ = c2.shutdown(std::net::Shutdown::Both);
            });
        }
    });
}

#[test]
fn serve_waits_for_a_postgresql_that_is_not_up_yet_and_takes_its_password_from_a_file() {
    let Some(w) = Workdir::postgres("serve_waits_for_postgresql") else { return };
    let url = w.url().to_string();
    let at = url::Url::parse(&url).unwrap();
    let server = format!("{}:{}", at.host_str().unwrap(), at.port().unwrap_or(5432));
    // The database's address, through a port where nothing answers yet.
    let port = support::web::free_port();
    let mut late = at.clone();
    late.set_port(Some(port)).unwrap();
    let password = w.path().join("db_password");
    std::fs::write(&password, "not-needed-with-trust\n").unwrap();
    let shown = config_value(
        &w,
        &[("HELPDESK_DATABASE_URL", late.as_str()), ("HELPDESK_DATABASE_PASSWORD_FILE", password.to_str().unwrap())],
        "database_url",
    );
    assert!(shown["value"].as_str().unwrap().contains(":***@"), "{shown}");

    let fake = FakeTelegram::start();
    let log = w.path().join("serve.log");
    let mut serve = w
        .process()
        .arg("serve")
        .env("HELPDESK_DATABASE_URL", late.as_str())
        .env("HELPDESK_DATABASE_PASSWORD_FILE", &password)
        .env("HELPDESK_TELEGRAM_API_URL", fake.url())
        .env("HELPDESK_BOT_TOKEN", TOKEN)
        .env("HELPDESK_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_for_line(&mut serve, &log, "waiting for it, retrying in", Duration::from_secs(20));
    assert!(!read().contains("not-needed-with-trust"), "the password in the log: {}", read());
    // PostgreSQL comes up: serve migrates the database and starts.
    forward(std::net::TcpListener::bind(("127.0.0.1", port)).unwrap(), server);
    wait_for_line(&mut serve, &log, "started as @", Duration::from_secs(30));
    let version = w.int("SELECT CAST(max(version) AS BIGINT) FROM refinery_schema_history");
    assert!(version >= 19, "{version}");
    assert_eq!(sigterm(&mut serve), Some(0), "{}", read());
}

#[test]
fn sigterm_while_waiting_for_the_database_stops_at_once() {
    let w = Workdir::sqlite();
    let port = support::web::free_port();
    let log = w.path().join("serve.log");
    let mut serve = w
        .process()
        .arg("serve")
        .env("HELPDESK_DATABASE_URL", format!("postgres://helpdesk@127.0.0.1:{port}/helpdesk"))
        .env("HELPDESK_BOT_TOKEN", TOKEN)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    wait_for_line(&mut serve, &log, "waiting for it, retrying in", Duration::from_secs(20));
    let asked = Instant::now();
    assert_eq!(sigterm(&mut serve), Some(0), "{}", std::fs::read_to_string(&log).unwrap());
    assert!(asked.elapsed() < Duration::from_secs(3), "still waiting {:?} after SIGTERM", asked.elapsed());
}
