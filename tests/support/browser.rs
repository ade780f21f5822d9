//! A real browser for the web panel's tests: Debian's headless Chromium
//! driven through ChromeDriver (scripts/ensure-browser.sh installs both),
//! screenshots under target/screenshots/ for a person to look at, and
//! axe-core's accessibility rules run in the page shown.

use fantoccini::{Client, ClientBuilder};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// Desktop and phone window sizes for screenshots.
pub const DESKTOP: (u32, u32) = (1280, 1500);
pub const PHONE: (u32, u32) = (390, 844);

impl Browser {
    /// Starts ChromeDriver and a headless Chromium; `None` (saying so) when
    /// they are not installed, which CI does not allow.
    pub async fn start() -> Option<Browser> {
        Browser::start_with(false).await
    }

    /// [`Browser::start`], with `dark` the system's dark colour scheme
    /// (`prefers-color-scheme: dark`), as a phone set to dark mode.
    pub async fn start_with(dark: bool) -> Option<Browser> {
        if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("CI=true but chromium/chromedriver are missing: run scripts/ensure-browser.sh");
            }
            eprintln!("SKIPPED: no {CHROMIUM} or {CHROMEDRIVER}; run scripts/ensure-browser.sh");
            return None;
        }
        let port = super::web::free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                // Russian, as most of the people the panel is for read it.
                "prefs": { "intl.accept_languages": "ru-RU,ru" },
                "args": [
                    "--headless=new", "--lang=ru-RU", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
                    if dark { "--force-dark-mode" } else { "--force-color-profile=srgb" },
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("connect to chromedriver");
        Some(Browser { client, driver, _profile: profile })
    }

    /// Saves a screenshot of the page as `target/screenshots/<name>-<desktop|phone>.png`
    /// at both sizes, and returns to the desktop size.
    pub async fn screenshots(&self, name: &str) {
        for (size, (w, h)) in [("phone", PHONE), ("desktop", DESKTOP)] {
            self.client.set_window_size(w, h).await.unwrap();
            tokio::time::sleep(Duration::from_millis(150)).await;
            let png = self.client.screenshot().await.unwrap();
            let path = screenshot_dir().join(format!("{name}-{size}.png"));
            std::fs::write(&path, png).unwrap();
        }
    }

    /// Runs `script` in every page this browser opens from now on, before the
    /// page's own scripts (as Telegram's script runs before a Mini App's).
    pub async fn before_each_page(&self, script: &str) {
        let cmd = Cdp { cmd: "Page.addScriptToEvaluateOnNewDocument", params: serde_json::json!({ "source": script }) };
        self.client.issue_cmd(cmd).await.expect("Page.addScriptToEvaluateOnNewDocument");
    }

    /// Runs axe-core's WCAG 2 A and AA rules (2.0, 2.1, 2.2) in the page shown,
    /// every `<details>` in it opened first so that what they hold is checked
    /// too, and returns every critical or serious violation, one line each:
    /// `page`, the rule, its impact, where, and what is wrong.
    pub async fn axe(&self, axe: &Axe, page: &str) -> Vec<String> {
        // Each page is a new window: axe is put into it again (from the file, no network).
        self.client.execute(&axe.script, vec![]).await.expect("inject axe-core");
        self.client
            .execute("document.querySelectorAll('details').forEach(d => { d.open = true; })", vec![])
            .await
            .unwrap();
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, {
                    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
                    // Not a WCAG rule but asked for by the issue: a column header says what the column is.
                    rules: { 'empty-table-header': { enabled: true } },
                    resultTypes: ['violations'],
                }).then(r => done(r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({ target: n.target.join(' '), summary: n.failureSummary })),
                })))).catch(e => done({ error: String(e) }));"#,
                vec![],
            )
            .await
            .expect("run axe-core");
        if let Some(e) = found.get("error") {
            panic!("axe-core failed on {page}: {e}");
        }
        let mut lines = Vec::new();
        for v in found.as_array().expect("axe's violations") {
            let impact = v["impact"].as_str().unwrap_or("");
            if !matches!(impact, "critical" | "serious") && v["id"] != "empty-table-header" {
                continue;
            }
            for n in v["nodes"].as_array().unwrap() {
                let summary = n["summary"].as_str().unwrap_or("").replace('\n', " ");
                lines.push(format!(
                    "{page}: {} ({impact}) {}: {} — {summary}",
                    v["id"].as_str().unwrap(),
                    n["target"].as_str().unwrap_or(""),
                    v["help"].as_str().unwrap_or(""),
                ));
            }
        }
        lines
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// axe-core (the rule engine behind Lighthouse's accessibility audit), from
/// npm: `scripts/ensure-browser.sh` installs it into tests/axe/node_modules
/// with `npm ci` from the committed lock file.
pub struct Axe {
    script: String,
}

impl Axe {
    /// The script, or `None` (saying so) when it is not installed, which CI does not allow.
    pub fn load() -> Option<Axe> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe/node_modules/axe-core/axe.min.js");
        match std::fs::read_to_string(&path) {
            Ok(script) => Some(Axe { script }),
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                    panic!("CI=true but {} is missing ({e}): run scripts/ensure-browser.sh", path.display());
                }
                eprintln!("SKIPPED: no {} ({e}); run scripts/ensure-browser.sh", path.display());
                None
            }
        }
    }
}

/// A Chrome DevTools Protocol command, through ChromeDriver's own endpoint.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params }).to_string();
        (axum::http::Method::POST, Some(body))
    }
}

/// `target/screenshots/`, created if needed.
pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
