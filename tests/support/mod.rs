//! Test support shared by every integration test: temporary databases, the
//! real `helpdesk` binary in an isolated environment, and services over a
//! controllable clock. Each test file takes what it needs.
#![allow(dead_code)]

pub mod bot;
pub mod fake_telegram;
pub mod smtp;

use chrono::{DateTime, TimeZone, Utc};
use helpdesk::clock::ManualClock;
use helpdesk::config::{DatabaseUrl, Settings};
use helpdesk::services::{Actor, App, seed};
use helpdesk::store::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The fixtures shipped in the repository.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A fixed moment to start controlled clocks at.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// A temporary working directory for running the binary: it holds the
/// database (`helpdesk.db`, the default) and nothing from the developer's
/// environment leaks in.
pub struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// A working directory whose database holds the repository's fixtures.
    pub fn seeded() -> Workdir {
        let w = Workdir::new();
        w.cmd().args(["seed", "--fixtures"]).arg(fixtures()).assert().success();
        w
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("helpdesk.db")
    }

    /// The real binary, run in this directory with a clean environment.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_helpdesk"));
        cmd.current_dir(self.dir.path());
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            if k.starts_with("HELPDESK_") || k == "TELOXIDE_TOKEN" {
                cmd.env_remove(k);
            }
        }
        cmd.env("USER", "tester");
        cmd
    }

    /// Opens the database directly, with services over a clock starting at [`t0`].
    pub fn app(&self) -> (App, Arc<ManualClock>) {
        app_at(&self.db(), Settings::defaults())
    }
}

/// Services over the SQLite file at `path` with `settings` and a manual clock.
pub fn app_at(path: &Path, mut settings: Settings) -> (App, Arc<ManualClock>) {
    settings.database_url = DatabaseUrl::Sqlite(path.to_path_buf());
    let store = store::open(&settings.database_url, OpenOptions::default()).expect("open store");
    let clock = Arc::new(ManualClock::new(t0()));
    (App::new(settings, store, clock.clone()), clock)
}

/// A fresh temporary database with the fixtures loaded, and services over it.
pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub app: App,
    pub clock: Arc<ManualClock>,
}

impl TestDb {
    pub fn new() -> TestDb {
        TestDb::with_settings(Settings::defaults())
    }

    pub fn with_settings(settings: Settings) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let (app, clock) = app_at(&dir.path().join("test.db"), settings);
        seed::load_fixtures(&app, &Actor::Operator("test".into()), &fixtures()).expect("seed fixtures");
        TestDb { dir, app, clock }
    }
}

/// Staff from fixtures/staff.csv.
pub const ADMIN: i64 = 100000001;
pub const SUPPORT: i64 = 100000002;
pub const SUPPORT_2: i64 = 100000003;
pub const STOREKEEPER: i64 = 100000005;
