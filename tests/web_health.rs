//! Liveness and readiness of the real `helpdesk serve`, for an orchestrator
//! and the image's HEALTHCHECK: `/healthz`, `/readyz` as JSON, and
//! `helpdesk health` asking them (exit 0 ready, 1 with one line otherwise).

mod support;

use support::Workdir;
use support::fake_telegram::FakeTelegram;
use support::web::Panel;

#[test]
fn serve_says_it_is_alive_and_ready_and_helpdesk_health_asks_it() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let live = panel.get("/healthz", None);
    assert_eq!(live.status(), 200);
    let live: serde_json::Value = live.json().unwrap();
    assert_eq!(live["status"], "alive");
    let ready = panel.get("/readyz", None);
    assert_eq!(ready.status(), 200);
    let ready: serde_json::Value = ready.json().unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["database"]["database"], true);
    assert_eq!(ready["database"]["schema_current"], true);
    let newest = w.int("SELECT CAST(max(version) AS BIGINT) FROM refinery_schema_history");
    assert_eq!(ready["database"]["schema_version"], newest);

    let out = w.cmd().args(["health", "--url", &panel.url("")]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"ready\""));
    w.cmd().args(["health", "--live", "--url", &panel.url("/")]).assert().success();

    // Nobody there: one line, exit 1.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = w.cmd().args(["health", "--url", &format!("http://127.0.0.1:{port}")]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("does not answer") && stderr.contains("is helpdesk serve running there?"), "{stderr}");
    // No URL and no web listener: said so.
    w.fails(&["health"], "HELPDESK_WEB_LISTEN");
}
