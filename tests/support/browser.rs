//! A real browser for the web panel's tests: Debian's headless Chromium
//! driven through ChromeDriver (scripts/ensure-browser.sh installs both),
//! and screenshots under target/screenshots/ for a person to look at.

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

/// `target/screenshots/`, created if needed.
pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
