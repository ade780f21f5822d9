//! Test support shared by every integration test: temporary databases, the
//! real `helpdesk` binary in an isolated environment, and services over a
//! controllable clock. Each test file takes what it needs.
#![allow(dead_code)]

pub mod bot;
pub mod browser;
pub mod fake_telegram;
pub mod serve;
pub mod smtp;
pub mod web;

use chrono::{DateTime, TimeZone, Utc};
use helpdesk::clock::ManualClock;
use helpdesk::config::{DatabaseUrl, Settings};
use helpdesk::domain::{BranchKey, Kind, Priority};
use helpdesk::services::{Actor, App, catalog, directory, requests, seed};
use helpdesk::store::{self, OpenOptions, Store};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The fixtures shipped in the repository.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Adds a plain user at the branch with code `branch`, as a sysadmin would.
pub fn add_person(app: &App, telegram_id: i64, full_name: &str, branch: &str) {
    directory::add_user(
        app,
        &Actor::Operator("test".into()),
        &directory::NewPerson {
            telegram_id,
            full_name: full_name.into(),
            branch: Some(BranchKey::parse(branch).expect("a branch code")),
            ..Default::default()
        },
    )
    .expect("add a person");
}

/// Files a request through the service as `author` did in the bot, at
/// `branch` (a code) or their own; a cartridge order asks for one cartridge
/// of the catalog's first type.
pub fn file_request(
    app: &App,
    author: i64,
    kind: Kind,
    branch: Option<&str>,
    priority: Priority,
    description: &str,
) -> i64 {
    let items = if kind == Kind::Cartridge {
        let c = &catalog::cartridge_types(app).unwrap()[0];
        vec![requests::TicketItem { cartridge_type_id: c.id, quantity: 1, comment: None, printer_id: None }]
    } else {
        vec![]
    };
    let branch_id = branch.map(|b| directory::branch(app, &BranchKey::parse(b).unwrap()).unwrap().id);
    requests::create(
        app,
        &Actor::Telegram(author),
        &requests::NewTicket {
            kind,
            branch_id,
            contact_name: "Контакт".into(),
            contact_phone: "+380441112233".into(),
            description: description.into(),
            priority,
            items,
            attachments: vec![],
            client_key: None,
        },
    )
    .unwrap()
    .id
}

/// Stock as (article, warehouse name) → quantity.
pub fn stock_levels(app: &App) -> BTreeMap<(String, String), i64> {
    catalog::stock(app, None, false)
        .unwrap()
        .into_iter()
        .map(|s| ((s.vendor_article, s.warehouse_name), s.quantity))
        .collect()
}

/// A stock level in a map of [`stock_levels`]' shape.
pub fn qty(stock: &BTreeMap<(String, String), i64>, article: &str, warehouse: &str) -> Option<i64> {
    stock.get(&(article.to_string(), warehouse.to_string())).copied()
}

/// The stock changes of an import report (`--format json`): (article, warehouse, old, new).
pub fn import_changes(report: &serde_json::Value) -> Vec<(String, String, i64, i64)> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["article"].as_str().unwrap().to_string(),
                c["warehouse"].as_str().unwrap().to_string(),
                c["old"].as_i64().unwrap(),
                c["new"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// One change as [`import_changes`] lists it.
pub fn change(article: &str, warehouse: &str, old: i64, new: i64) -> (String, String, i64, i64) {
    (article.into(), warehouse.into(), old, new)
}

/// Stock as a test sets it up: the full cartridges of a type at a
/// warehouse made `quantity` by a receipt in the ledger, as 1C's balances are.
#[allow(dead_code)]
pub fn set_stock(
    tx: &mut dyn store::Tx,
    cartridge: helpdesk::domain::CartridgeTypeId,
    warehouse: helpdesk::domain::WarehouseId,
    quantity: i64,
    at: DateTime<Utc>,
) -> Result<helpdesk::domain::StockLevels, store::StoreError> {
    let had = tx.stock_levels(cartridge, warehouse)?;
    tx.move_stock(&stock_move(cartridge, warehouse, helpdesk::domain::MoveKind::Receipt, quantity - had.full, 0, at))
}

/// A move of stock by a test, with nothing but its place, kind and amounts.
#[allow(dead_code)]
pub fn stock_move(
    cartridge_type_id: helpdesk::domain::CartridgeTypeId,
    warehouse_id: helpdesk::domain::WarehouseId,
    kind: helpdesk::domain::MoveKind,
    full: i64,
    empty: i64,
    at: DateTime<Utc>,
) -> store::NewStockMove {
    store::NewStockMove {
        warehouse_id,
        cartridge_type_id,
        kind,
        full,
        empty,
        request_id: None,
        issue_id: None,
        batch_id: None,
        actor: "cli:test".into(),
        note: None,
        at,
    }
}

/// An issue history for the forecast: 200 received 401 days before `now`,
/// then 2 issued every fifth day up to five days before it (0.4 a day, what
/// TSB settles on). The caller sets the stock left.
#[allow(dead_code)]
pub fn issued_every_fifth_day(
    tx: &mut dyn store::Tx,
    cartridge: helpdesk::domain::CartridgeTypeId,
    warehouse: helpdesk::domain::WarehouseId,
    now: DateTime<Utc>,
) {
    use helpdesk::domain::MoveKind;
    let day = |d: i64| now - chrono::Duration::days(d);
    tx.move_stock(&stock_move(cartridge, warehouse, MoveKind::Receipt, 200, 0, day(401))).unwrap();
    for d in (1..=400).rev().filter(|d| d % 5 == 0) {
        tx.move_stock(&stock_move(cartridge, warehouse, MoveKind::Issue, -2, 0, day(d))).unwrap();
    }
}

/// The forecast's worked case, in one transaction on `store`: CE285A at the
/// central warehouse issued 2 every fifth day for a year (0.4 a day) with 3
/// full left as of `now`: 7 days, within the 7-day lead time, order 12
/// (0.4 × 37 = 14.8 → 15, less 3).
#[allow(dead_code)]
pub fn ce285a_runs_out_in_a_week(store: &dyn store::Store, now: DateTime<Utc>) {
    let mut tx = store.write().unwrap();
    let ce = tx.cartridge_type_by_article("CE285A").unwrap().unwrap().id;
    let central = tx.warehouse_by_code("CENTRAL").unwrap().unwrap().id;
    issued_every_fifth_day(&mut *tx, ce, central, now);
    set_stock(&mut *tx, ce, central, 3, now).unwrap();
    tx.commit().unwrap();
}

/// A fixed moment to start controlled clocks at.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// Whether this test run puts its databases on PostgreSQL: `scripts/test.sh`
/// runs the backend-independent suites a second time with
/// `HELPDESK_TEST_BACKEND=postgres` (and `HELPDESK_TEST_PG_URL` set).
pub fn on_postgres() -> bool {
    std::env::var("HELPDESK_TEST_BACKEND").is_ok_and(|v| v == "postgres")
}

/// A fresh PostgreSQL database when this run is on PostgreSQL, else `None`.
fn backend_db(test: &str) -> Option<PgDb> {
    if !on_postgres() {
        return None;
    }
    if std::env::var("HELPDESK_TEST_PG_URL").is_err() {
        panic!("HELPDESK_TEST_BACKEND=postgres needs HELPDESK_TEST_PG_URL=postgres://USER@HOST:PORT/postgres");
    }
    PgDb::create(test)
}

/// A temporary working directory for running the binary: it holds the
/// database (`helpdesk.db`, the default, or a fresh PostgreSQL database in a
/// PostgreSQL run) and nothing from the developer's environment leaks in.
pub struct Workdir {
    pub dir: tempfile::TempDir,
    pub pg: Option<PgDb>,
}

impl Workdir {
    /// The rows a listing prints with `--format json`; the command must succeed.
    #[allow(dead_code)]
    pub fn json_rows(&self, args: &[&str]) -> Vec<serde_json::Value> {
        let out = self.cmd().args(args).args(["--format", "json"]).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap().as_array().unwrap().clone()
    }

    /// A command refused as a person's mistake: exit code 1 and one `error:` line that names `needle`.
    #[allow(dead_code)]
    pub fn fails(&self, args: &[&str], needle: &str) {
        one_line_error(&self.cmd().args(args).output().unwrap(), needle);
    }

    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir"), pg: backend_db("workdir") }
    }

    /// A working directory on a SQLite file whatever the run, for tests about the file itself.
    pub fn sqlite() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir"), pg: None }
    }

    /// A working directory on a fresh PostgreSQL database whatever the run;
    /// `None` (the test is skipped, saying so) without `HELPDESK_TEST_PG_URL`.
    pub fn postgres(test: &str) -> Option<Workdir> {
        Some(Workdir { dir: tempfile::tempdir().expect("temp dir"), pg: Some(PgDb::create(test)?) })
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

    /// The database this directory's commands use.
    pub fn url(&self) -> DatabaseUrl {
        match &self.pg {
            Some(pg) => DatabaseUrl::parse(&pg.url).expect("postgres url"),
            None => DatabaseUrl::Sqlite(self.db()),
        }
    }

    /// The integer columns of the first row `sql` returns, on either backend.
    pub fn ints(&self, sql: &str) -> Vec<i64> {
        match &self.pg {
            Some(pg) => {
                let mut c = postgres::Client::connect(&pg.url, postgres::NoTls).expect("connect");
                let row = c.query_one(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"));
                (0..row.len()).map(|i| row.get::<_, i64>(i)).collect()
            }
            None => {
                let c = rusqlite::Connection::open(self.db()).expect("open");
                c.query_row(sql, [], |r| (0..r.as_ref().column_count()).map(|i| r.get::<_, i64>(i)).collect())
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
        }
    }

    /// The one integer `sql` returns.
    pub fn int(&self, sql: &str) -> i64 {
        self.ints(sql)[0]
    }

    /// Every row `sql` returns, read straight from the database on either
    /// backend (times come as text from SQLite; see [`Value::time`]).
    pub fn rows(&self, sql: &str) -> Vec<Vec<Value>> {
        match &self.pg {
            Some(pg) => {
                use postgres::types::Type;
                let mut c = postgres::Client::connect(&pg.url, postgres::NoTls).expect("connect");
                let rows = c.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"));
                rows.iter()
                    .map(|row| {
                        (0..row.len())
                            .map(|i| {
                                let ty = row.columns()[i].type_();
                                let v = if *ty == Type::INT8 {
                                    row.get::<_, Option<i64>>(i).map(Value::Int)
                                } else if *ty == Type::INT4 {
                                    row.get::<_, Option<i32>>(i).map(|n| Value::Int(n.into()))
                                } else if *ty == Type::TIMESTAMPTZ {
                                    row.get::<_, Option<DateTime<Utc>>>(i).map(Value::Time)
                                } else if *ty == Type::BOOL {
                                    row.get::<_, Option<bool>>(i).map(|b| Value::Int(b.into()))
                                } else if *ty == Type::FLOAT8 {
                                    row.get::<_, Option<f64>>(i).map(Value::Real)
                                } else {
                                    row.get::<_, Option<String>>(i).map(Value::Text)
                                };
                                v.unwrap_or(Value::Null)
                            })
                            .collect()
                    })
                    .collect()
            }
            None => {
                use rusqlite::types::ValueRef;
                let c = rusqlite::Connection::open(self.db()).expect("open");
                let mut st = c.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let n = st.column_count();
                st.query_map([], |r| {
                    (0..n)
                        .map(|i| {
                            Ok(match r.get_ref(i)? {
                                ValueRef::Null => Value::Null,
                                ValueRef::Integer(n) => Value::Int(n),
                                ValueRef::Real(f) => Value::Real(f),
                                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                                ValueRef::Blob(_) => panic!("{sql}: a blob in column {i}"),
                            })
                        })
                        .collect()
                })
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .collect::<rusqlite::Result<_>>()
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
        }
    }

    /// The real binary, run in this directory with a clean environment.
    pub fn cmd(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.process())
    }

    /// [`Workdir::cmd`] as a plain process, for tests that spawn it and wait later.
    pub fn process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_helpdesk"));
        cmd.current_dir(self.dir.path());
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            if k.starts_with("HELPDESK_") || k == "TELOXIDE_TOKEN" {
                cmd.env_remove(k);
            }
        }
        cmd.env("USER", "tester");
        if let Some(pg) = &self.pg {
            cmd.env("HELPDESK_DATABASE_URL", &pg.url);
        }
        cmd
    }

    /// [`Workdir::cmd`] for tests about file permissions: root reads and
    /// writes every file whatever its mode, so as root (CI runs as root) the
    /// binary runs under util-linux's `setpriv` without the capabilities that
    /// let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), and a file's or a
    /// directory's permissions count as they do for anyone else. Same
    /// environment and working directory as [`Workdir::process`].
    pub fn cmd_without_root_powers(&self) -> assert_cmd::Command {
        if !is_root() {
            return self.cmd();
        }
        let plain = self.process();
        let mut wrapped = std::process::Command::new("setpriv");
        wrapped.args(["--bounding-set", "-dac_override,-dac_read_search", "--"]).arg(plain.get_program());
        if let Some(dir) = plain.get_current_dir() {
            wrapped.current_dir(dir);
        }
        for (k, v) in plain.get_envs() {
            match v {
                Some(v) => wrapped.env(k, v),
                None => wrapped.env_remove(k),
            };
        }
        assert_cmd::Command::from_std(wrapped)
    }

    /// Opens the database directly, with services over a clock starting at [`t0`].
    pub fn app(&self) -> (App, Arc<ManualClock>) {
        app_on(self.url(), Settings::defaults())
    }

    /// Opens the database directly, to look inside it as the services left
    /// it (the services keep their own handle to themselves).
    pub fn store(&self) -> Arc<dyn Store> {
        store::open(&self.url(), OpenOptions::default()).expect("open store")
    }
}

/// Whether the tests run as root (uid 0), who passes every permission check.
pub fn is_root() -> bool {
    std::process::Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false)
}

/// A value read by [`Workdir::rows`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Time(DateTime<Utc>),
}

impl Value {
    pub fn int(&self) -> Option<i64> {
        match self {
            Value::Null => None,
            Value::Int(n) => Some(*n),
            other => panic!("not an integer: {other:?}"),
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Null => None,
            Value::Text(s) => Some(s),
            other => panic!("not text: {other:?}"),
        }
    }

    /// A time: PostgreSQL's own, or SQLite's RFC 3339 text.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        match self {
            Value::Null => None,
            Value::Time(t) => Some(*t),
            Value::Text(s) => Some(
                DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("not a time: {s}: {e}")).with_timezone(&Utc),
            ),
            other => panic!("not a time: {other:?}"),
        }
    }
}

/// Services over the SQLite file at `path` with `settings` and a manual clock.
pub fn app_at(path: &Path, settings: Settings) -> (App, Arc<ManualClock>) {
    app_on(DatabaseUrl::Sqlite(path.to_path_buf()), settings)
}

/// Services over the database `url` names with `settings` and a manual clock.
pub fn app_on(url: DatabaseUrl, settings: Settings) -> (App, Arc<ManualClock>) {
    let (app, _, clock) = open_on(url, settings);
    (app, clock)
}

/// [`app_on`], and the store the services were given, for a test to look inside.
fn open_on(url: DatabaseUrl, mut settings: Settings) -> (App, Arc<dyn Store>, Arc<ManualClock>) {
    settings.database_url = url;
    let store = store::open(&settings.database_url, OpenOptions::default()).expect("open store");
    let clock = Arc::new(ManualClock::new(t0()));
    (App::new(settings, store.clone(), clock.clone()), store, clock)
}

/// A fresh temporary database with the fixtures loaded, and services over it.
pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub app: App,
    /// The store under `app`, to set up and inspect what the services cannot
    /// (the product keeps it private to the services).
    pub store: Arc<dyn Store>,
    pub clock: Arc<ManualClock>,
    /// The database, in a PostgreSQL run; dropped last.
    pub pg: Option<PgDb>,
}

impl TestDb {
    pub fn new() -> TestDb {
        TestDb::with_settings(Settings::defaults())
    }

    pub fn with_settings(settings: Settings) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = backend_db("testdb");
        let url = match &pg {
            Some(pg) => DatabaseUrl::parse(&pg.url).expect("postgres url"),
            None => DatabaseUrl::Sqlite(dir.path().join("test.db")),
        };
        let (app, store, clock) = open_on(url, settings);
        seed::load_fixtures(&app, &Actor::Operator("test".into()), &seed::Fixtures::Dir(fixtures()))
            .expect("seed fixtures");
        TestDb { dir, app, store, clock, pg }
    }
}

/// A command that failed as a person's mistake should: exit code 1 and one
/// line on stderr, `error: ...` holding `needle`.
pub fn one_line_error(out: &std::process::Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains(needle), "{stderr:?} lacks {needle:?}");
}

/// Staff from fixtures/staff.csv.
pub const ADMIN: i64 = 100000001;
pub const SUPPORT: i64 = 100000002;
pub const SUPPORT_2: i64 = 100000003;
pub const STOREKEEPER: i64 = 100000005;

/// A fresh PostgreSQL database for one test, dropped afterwards. The server
/// comes from `HELPDESK_TEST_PG_URL` (e.g. postgres://postgres@127.0.0.1:5432/postgres);
/// without it the test is skipped, with a line saying so, unless `CI=true`,
/// where PostgreSQL tests must run.
pub struct PgDb {
    pub url: String,
    admin: String,
    name: String,
}

impl PgDb {
    pub fn create(test: &str) -> Option<PgDb> {
        let Ok(admin) = std::env::var("HELPDESK_TEST_PG_URL") else {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("CI=true but HELPDESK_TEST_PG_URL is not set: the PostgreSQL tests must run in CI");
            }
            eprintln!(
                "SKIPPED {test}: set HELPDESK_TEST_PG_URL=postgres://USER@HOST:PORT/postgres to run it on PostgreSQL"
            );
            return None;
        };
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("helpdesk_test_{}_{}_{}", std::process::id(), n, fastrand::u32(..));
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to HELPDESK_TEST_PG_URL: {e}"));
        client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let (base, query) = admin.split_once('?').map_or((admin.as_str(), None), |(b, q)| (b, Some(q)));
        let root = base.rsplit_once('/').map_or(base, |(r, _)| r);
        let url = match query {
            Some(q) => format!("{root}/{name}?{q}"),
            None => format!("{root}/{name}"),
        };
        Some(PgDb { url, admin, name })
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        // On a plain thread: the client blocks, which tokio forbids on an async test's thread.
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            if let Ok(mut c) = postgres::Client::connect(&admin, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        })
        .join();
    }
}
