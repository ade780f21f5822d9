//! `/metrics` of the real `helpdesk serve` (HELPDESK_METRICS=on), scraped,
//! linted by Prometheus' own `promtool check metrics` and read by the Python
//! client's parser (`prometheus_client`): HTTP requests by route and status, Telegram's state, open
//! requests and SLA breaches as the database has them, job runs, and a
//! stuck Telegram showing as an aging outbox (the example alert rules are
//! checked and unit-tested with promtool here too). Off unless asked; on a
//! listener of its own when asked; bad settings are one line.

mod support;

use helpdesk::domain::{Kind, Priority};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::fake_telegram::{FakeTelegram, TgUser};
use support::web::{Panel, free_port};
use support::{ADMIN, SUPPORT, Workdir, one_line_error};

const WAIT: Duration = Duration::from_secs(30);

fn promtool() -> String {
    let out = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/ensure-prometheus.sh")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Reads Prometheus' text format with the Python client's parser: one JSON
/// object per sample (its name with `_total`, `_bucket`, ... as written).
const PARSE: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"name": s.name, "type": family.type, "labels": s.labels, "value": s.value})
print(json.dumps(out))
"#;

/// One sample as parsed.
#[derive(Debug, serde::Deserialize)]
struct Sample {
    name: String,
    labels: std::collections::BTreeMap<String, String>,
    value: f64,
}

fn pipe(program: &str, args: &[&str], input: &str) -> String {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}\n{input}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Scrapes `url`, lints the text with promtool and parses it.
fn scrape(url: &str) -> Vec<Sample> {
    let r = reqwest::blocking::get(url).unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = r.text().unwrap();
    pipe(&promtool(), &["check", "metrics"], &text);
    serde_json::from_str(&pipe("python3", &["-c", PARSE], &text)).unwrap()
}

/// The value of the sample `name` whose labels include `labels`.
fn value(s: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    s.iter()
        .find(|x| x.name == name && labels.iter().all(|(k, v)| x.labels.get(*k).map(String::as_str) == Some(*v)))
        .map(|x| x.value)
}

fn wait_for(url: &str, what: &str, ok: impl Fn(&[Sample]) -> bool) -> Vec<Sample> {
    let started = Instant::now();
    loop {
        let s = scrape(url);
        if ok(&s) {
            return s;
        }
        assert!(started.elapsed() < WAIT, "{what}: {s:#?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn metrics_are_off_unless_asked_and_then_tell_what_an_operator_alerts_on() {
    let w = Workdir::seeded();
    let (app, _) = w.app();
    let repair = support::file_request(&app, ADMIN, Kind::Repair, Some("HQ"), Priority::High, "Монитор не включается");
    support::file_request(&app, ADMIN, Kind::Cartridge, Some("HQ"), Priority::Low, "Картридж");
    let fake = FakeTelegram::start();

    // Off by default: not served.
    let panel = Panel::start(&w, &fake, &[]);
    assert_eq!(panel.get("/metrics", None).status(), 404);
    drop(panel);

    let panel = Panel::start(&w, &fake, &[("HELPDESK_METRICS", "on")]);
    let url = panel.url("/metrics");
    let admin = panel.sign_in(&w, ADMIN);
    assert_eq!(panel.get("/dashboard", Some(&admin)).status(), 200);
    assert_eq!(panel.get(&format!("/requests/{repair}"), Some(&admin)).status(), 200);
    assert_eq!(panel.get("/requests/999999", Some(&admin)).status(), 404);
    w.cmd().args(["sla-check"]).assert().success();
    // The staff heard of both requests: the outbox has emptied.
    assert!(fake.wait_for_text(SUPPORT, "Монитор не включается", WAIT), "support was not told");
    let newcomer = TgUser::new(555_400_001, "Олег", "ru");
    fake.push_text(&newcomer, "/start");

    let s = wait_for(&url, "the bot is connected, the update handled and the outbox empty", |s| {
        value(s, "helpdesk_telegram_up", &[]) == Some(1.0)
            && value(s, "helpdesk_telegram_updates_total", &[("result", "handled")]).unwrap_or(0.0) >= 1.0
            && value(s, "helpdesk_outbox_depth", &[]) == Some(0.0)
    });
    // By route's pattern, never by path.
    let card = [("route", "/requests/{id}"), ("method", "GET")];
    assert_eq!(value(&s, "helpdesk_http_requests_total", &[card[0], card[1], ("status", "200")]), Some(1.0));
    assert_eq!(value(&s, "helpdesk_http_requests_total", &[card[0], card[1], ("status", "404")]), Some(1.0));
    assert!(!s.iter().any(|x| x.labels.get("route").is_some_and(|r| r.contains(&repair.to_string()))));
    assert!(value(&s, "helpdesk_http_request_duration_seconds_count", &[("route", "/dashboard")]).unwrap() >= 1.0);
    assert!(
        value(&s, "helpdesk_http_request_duration_seconds_bucket", &[("route", "/dashboard"), ("le", "+Inf")]).unwrap()
            >= 1.0
    );
    // Open requests and breaches as the database has them.
    let open_repairs = w.int("SELECT COUNT(*) FROM requests WHERE status = 'new' AND kind = 'repair'");
    assert_eq!(
        value(&s, "helpdesk_requests_open", &[("status", "new"), ("kind", "repair")]),
        Some(open_repairs as f64)
    );
    assert_eq!(value(&s, "helpdesk_requests_open", &[("status", "waiting"), ("kind", "repair")]), Some(0.0));
    // Filed (by the test's clock) in March, never accepted: past their hour.
    assert_eq!(value(&s, "helpdesk_sla_breaches", &[("kind", "repair")]), Some(open_repairs as f64));
    assert!(value(&s, "helpdesk_job_runs_total", &[("name", "sla-check"), ("result", "ok")]).unwrap() >= 1.0);
    assert!(value(&s, "helpdesk_job_last_success_timestamp_seconds", &[("name", "sla-check")]).unwrap() > 1.7e9);
    assert_eq!(value(&s, "helpdesk_database_up", &[]), Some(1.0));
    assert_eq!(value(&s, "helpdesk_database_errors_total", &[]), Some(0.0));
    assert_eq!(value(&s, "helpdesk_telegram_oldest_unapplied_update_age_seconds", &[]), Some(0.0));

    // Telegram stops answering: the bot says so, and what it owes people piles up and ages.
    fake.fail_next(1_000_000, 502);
    support::file_request(&app, ADMIN, Kind::ItHelp, Some("HQ"), Priority::Medium, "Нет интернета");
    let s = wait_for(&url, "a stuck Telegram shows", |s| {
        value(s, "helpdesk_telegram_up", &[]) == Some(0.0)
            && value(s, "helpdesk_outbox_depth", &[]).unwrap() >= 1.0
            && value(s, "helpdesk_outbox_oldest_age_seconds", &[]).unwrap() > 0.0
    });
    assert_eq!(value(&s, "helpdesk_database_up", &[]), Some(1.0));
    let ready: serde_json::Value = panel.get("/readyz", None).json().unwrap();
    assert_eq!(ready["status"], "ready", "the panel still serves: {ready}");
    assert_eq!(ready["bot"]["state"], "retrying", "{ready}");
    assert!(ready["bot"]["since"].is_string() && ready["bot"]["error"].is_string(), "{ready}");

    // The example alert rules are valid and fire as their tests say.
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts");
    let check = Command::new(promtool()).args(["check", "rules", "prometheus-alerts.yml"]).current_dir(rules).output();
    let check = check.unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let test = Command::new(promtool())
        .args(["test", "rules", "prometheus-alerts.test.yml"])
        .current_dir(rules)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "{}{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
}

#[test]
fn metrics_on_a_listener_of_their_own_and_bad_metrics_settings_are_one_line() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let panel = Panel::start(&w, &fake, &[("HELPDESK_METRICS", "on"), ("HELPDESK_METRICS_LISTEN", &listen)]);
    let s = scrape(&format!("http://{listen}/metrics"));
    assert_eq!(value(&s, "helpdesk_database_up", &[]), Some(1.0));
    // Not on the panel's listener then.
    assert_eq!(panel.get("/metrics", None).status(), 404);
    drop(panel);

    let serve = |env: &[(&str, &str)]| {
        let mut cmd = w.cmd();
        cmd.arg("serve").env("HELPDESK_TELEGRAM_API_URL", fake.url()).env("HELPDESK_BOT_TOKEN", fake.token());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.timeout(Duration::from_secs(30)).output().unwrap()
    };
    // The port is taken.
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap().to_string();
    let web = format!("127.0.0.1:{}", free_port());
    let out = serve(&[("HELPDESK_METRICS", "on"), ("HELPDESK_METRICS_LISTEN", &taken), ("HELPDESK_WEB_LISTEN", &web)]);
    one_line_error(&out, "HELPDESK_METRICS_LISTEN");
    drop(holder);
    // A listener without metrics, metrics without a listener, an address that is none.
    one_line_error(&serve(&[("HELPDESK_METRICS_LISTEN", "127.0.0.1:9")]), "HELPDESK_METRICS=on");
    one_line_error(&serve(&[("HELPDESK_METRICS", "on")]), "needs a listener");
    one_line_error(&serve(&[("HELPDESK_METRICS", "maybe")]), "HELPDESK_METRICS");
    one_line_error(&serve(&[("HELPDESK_METRICS", "on"), ("HELPDESK_METRICS_LISTEN", "nine")]), "HOST:PORT");
}
