//! The [`Store`] on an embedded SQLite file: WAL journal, foreign keys and a
//! busy timeout on every connection, so the daemon and a cron job can share
//! the file. Migrations come from `migrations/sqlite/` via refinery.
//!
//! The statements it runs are mostly `store/sql.rs`'s, shared with
//! PostgreSQL; here are the few that are SQLite's own (codes found by their
//! NOCASE collation, one row at a time where PostgreSQL binds an array, the
//! requests' filter with `IN` lists and `hd_fold`), and how values become
//! SQLite's: times as fixed-width UTC text, booleans as 0 and 1. It is not
//! where a rule lives: it stores and fetches what `store` asks for.

use super::*;
use crate::domain::Named;
use crate::store::sql;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, params, params_from_iter};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

/// Settings applied to every connection.
const CONNECTION_PRAGMAS: &str = "PRAGMA foreign_keys = ON;
     PRAGMA busy_timeout = 30000;
     PRAGMA synchronous = FULL;";

/// The fixed-width UTC form times are stored in; it sorts as text.
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

pub fn to_text(t: DateTime<Utc>) -> String {
    t.format(TIME_FORMAT).to_string()
}

fn from_text(s: &str) -> std::result::Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc))
}

pub struct SqliteStore {
    pool: r2d2::Pool<SqliteConnectionManager>,
    path: PathBuf,
    /// Writers of this process take turns here, first come first served,
    /// before asking SQLite for its write lock: SQLite lets one writer in at a
    /// time and has the others retry on a timer, which under many writers
    /// at once (the outbox recording each send, every chat's worker, the
    /// heartbeat) can keep one waiting for seconds. Other processes (a cron
    /// job) still meet SQLite's own lock and its busy timeout.
    writers: Arc<Turns>,
}

/// A first-come-first-served lock whose guard may move between threads.
#[derive(Default)]
struct Turns {
    next: std::sync::atomic::AtomicU64,
    serving: std::sync::Mutex<u64>,
    turn_over: std::sync::Condvar,
}

/// A turn taken at [`Turns`]; the next one's comes when it is dropped.
struct Turn(Arc<Turns>);

impl Turns {
    fn take(self: &Arc<Self>) -> Turn {
        let ticket = self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut serving = self.serving.lock().unwrap_or_else(|e| e.into_inner());
        while *serving != ticket {
            serving = self.turn_over.wait(serving).unwrap_or_else(|e| e.into_inner());
        }
        Turn(self.clone())
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut serving = self.0.serving.lock().unwrap_or_else(|e| e.into_inner());
        *serving += 1;
        self.0.turn_over.notify_all();
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path, options: OpenOptions) -> Result<SqliteStore> {
        let shown = path.display().to_string();
        check_path(path, &shown)?;
        let mut conn = Connection::open(path).map_err(|e| classify_open(&shown, e))?;
        conn.execute_batch(CONNECTION_PRAGMAS).map_err(|e| classify_open(&shown, e))?;
        // The first statement that reads the file tells a damaged or foreign file apart.
        let mode: String =
            conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(|e| classify_open(&shown, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(database = %shown, mode, "could not switch the database to WAL mode");
        }
        check_schema_origin(&conn, &shown)?;
        if options.migrate {
            migrate(&mut conn, &shown)?;
        }
        drop(conn);
        let manager = SqliteConnectionManager::file(path).with_init(|c| {
            c.execute_batch(CONNECTION_PRAGMAS)?;
            // Search compares text as domain::text::fold does, on PostgreSQL too.
            c.create_scalar_function(
                "hd_fold",
                1,
                rusqlite::functions::FunctionFlags::SQLITE_UTF8
                    | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
                |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|s| crate::domain::text::fold(&s))),
            )
        });
        let pool = r2d2::Pool::builder()
            .max_size(8)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(60))
            .build(manager)
            .map_err(|e| StoreError::Open { path: shown.clone(), message: e.to_string() })?;
        Ok(SqliteStore { pool, path: path.to_path_buf(), writers: Arc::default() })
    }

    fn conn(&self) -> Result<r2d2::PooledConnection<SqliteConnectionManager>> {
        self.pool.get().map_err(|e| StoreError::Open { path: self.path.display().to_string(), message: e.to_string() })
    }
}

fn check_path(path: &Path, shown: &str) -> Result<()> {
    let open_err = |message: String| StoreError::Open { path: shown.to_string(), message };
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(open_err("it is a directory; give the path of a database file".into())),
        Ok(_) => std::fs::File::open(path)
            .map(|_| ())
            .map_err(|e| open_err(format!("{}; check the file's permissions", io_reason(&e)))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if parent.is_dir() {
                Ok(())
            } else {
                Err(open_err(format!("the directory {} does not exist; create it first", parent.display())))
            }
        }
        Err(e) => Err(open_err(io_reason(&e))),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Refuses a SQLite file that holds tables but was never a helpdesk database,
/// and one whose schema is newer than this build knows.
fn check_schema_origin(conn: &Connection, shown: &str) -> Result<()> {
    let classify = |e| classify_open(shown, e);
    let has_history: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'refinery_schema_history'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(classify)?
        > 0;
    if !has_history {
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
            .map_err(classify)?;
        if tables > 0 {
            return Err(StoreError::Corrupt {
                path: shown.to_string(),
                message: "it holds tables but no helpdesk schema history".into(),
            });
        }
        return Ok(());
    }
    let found: Option<i64> =
        conn.query_row("SELECT max(version) FROM refinery_schema_history", [], |r| r.get(0)).map_err(classify)?;
    let known = known_version();
    match found {
        Some(found) if found > known => Err(StoreError::NewerSchema { found, known }),
        _ => Ok(()),
    }
}

pub(crate) fn known_version() -> i64 {
    embedded::migrations::runner().get_migrations().iter().map(|m| i64::from(m.version())).max().unwrap_or(0)
}

fn runner() -> refinery::Runner {
    embedded::migrations::runner().set_grouped(true).set_abort_divergent(true).set_abort_missing(true)
}

fn migration_error(shown: &str, e: refinery::Error) -> StoreError {
    use refinery::error::Kind as K;
    match e.kind() {
        K::DivergentVersion(applied, _) | K::MissingVersion(applied) => StoreError::Divergent(format!(
            "migration V{} ({}) in {shown} differs from this build's",
            applied.version(),
            applied.name()
        )),
        _ => StoreError::Backend(format!("applying schema migrations to {shown} failed: {e}")),
    }
}

/// The first table with a row whose foreign key points at nothing, if any.
fn foreign_key_violations(conn: &Connection) -> Result<Option<String>> {
    conn.query_row("PRAGMA foreign_key_check", [], |r| r.get::<_, String>(0)).optional().map_err(db)
}

fn migrate(conn: &mut Connection, shown: &str) -> Result<Vec<MigrationInfo>> {
    let pending = pending(conn, shown)?;
    if pending.is_empty() {
        return Ok(vec![]);
    }
    // A migration may rebuild a table others refer to (SQLite cannot drop a
    // constraint in place): foreign keys are off while migrations run, as
    // SQLite prescribes for that, and every reference is checked after.
    conn.execute_batch("PRAGMA foreign_keys = OFF").map_err(db)?;
    let ran = runner().run(conn);
    let broken = if ran.is_ok() { foreign_key_violations(conn) } else { Ok(None) };
    conn.execute_batch("PRAGMA foreign_keys = ON").map_err(db)?;
    if let Some(table) = broken? {
        return Err(StoreError::Backend(format!(
            "{shown}: after the schema upgrade a row of {table} refers to a row that is not there; restore the backup taken before it"
        )));
    }
    match ran {
        Ok(report) => {
            let applied: Vec<MigrationInfo> = report
                .applied_migrations()
                .iter()
                .map(|m| MigrationInfo {
                    version: i64::from(m.version()),
                    name: m.name().to_string(),
                    applied_at: None,
                })
                .collect();
            for m in &applied {
                tracing::info!(database = shown, version = m.version, name = %m.name, "applied schema migration");
            }
            Ok(applied)
        }
        // Another process may have applied the same migrations at the same moment.
        Err(e) if pending_count(conn, shown) == Some(0) => {
            tracing::debug!(error = %e, "migrations were applied concurrently by another process");
            Ok(vec![])
        }
        Err(e) => Err(migration_error(shown, e)),
    }
}

fn pending_count(conn: &mut Connection, shown: &str) -> Option<usize> {
    pending(conn, shown).ok().map(|p| p.len())
}

fn applied(conn: &mut Connection, shown: &str) -> Result<Vec<MigrationInfo>> {
    let classify = |e| classify_open(shown, e);
    let exists: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'refinery_schema_history'",
            [],
            |r| r.get(0),
        )
        .map_err(classify)?;
    if exists == 0 {
        return Ok(vec![]);
    }
    let mut st = conn
        .prepare("SELECT version, name, applied_on FROM refinery_schema_history ORDER BY version")
        .map_err(classify)?;
    st.query_map([], |r| Ok(MigrationInfo { version: r.get(0)?, name: r.get(1)?, applied_at: r.get(2)? }))
        .map_err(classify)?
        .collect::<rusqlite::Result<_>>()
        .map_err(classify)
}

fn pending(conn: &mut Connection, shown: &str) -> Result<Vec<MigrationInfo>> {
    let applied: Vec<i64> = applied(conn, shown)?.iter().map(|m| m.version).collect();
    Ok(known_migrations().into_iter().filter(|m| !applied.contains(&m.version)).collect())
}

/// Every migration this helpdesk has for SQLite, none of them applied: what
/// a database file that does not exist yet would get, by version (V10 after
/// V9, which the embedded list, ordered by file name, does not say).
pub fn known_migrations() -> Vec<MigrationInfo> {
    let mut known: Vec<MigrationInfo> = embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| MigrationInfo { version: i64::from(m.version()), name: m.name().to_string(), applied_at: None })
        .collect();
    known.sort_by_key(|m| m.version);
    known
}

fn classify_open(shown: &str, e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                StoreError::Corrupt { path: shown.to_string(), message: e.to_string() }
            }
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy,
            ErrorCode::ReadOnly => StoreError::Open {
                path: shown.to_string(),
                message: "the file or its directory is read-only; helpdesk needs to write both".into(),
            },
            _ => StoreError::Open { path: shown.to_string(), message: e.to_string() },
        },
        _ => StoreError::Open { path: shown.to_string(), message: e.to_string() },
    }
}

/// Maps an error from a statement to a [`StoreError`].
fn db(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => match f.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy,
            ErrorCode::ConstraintViolation => StoreError::Conflict(msg.clone().unwrap_or_else(|| e.to_string())),
            ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                StoreError::Corrupt { path: "the database".into(), message: e.to_string() }
            }
            _ => StoreError::Backend(e.to_string()),
        },
        _ => StoreError::Backend(e.to_string()),
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn location(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }

    fn file_path(&self) -> Option<PathBuf> {
        Some(self.path.clone())
    }

    fn read(&self) -> Result<Box<dyn Tx + '_>> {
        Ok(Box::new(SqliteTx::begin(self.conn()?, "BEGIN DEFERRED")?))
    }

    fn write(&self) -> Result<Box<dyn Tx + '_>> {
        let turn = self.writers.take();
        let mut tx = SqliteTx::begin(self.conn()?, "BEGIN IMMEDIATE")?;
        tx.turn = Some(turn);
        Ok(Box::new(tx))
    }

    fn schema(&self) -> Result<SchemaStatus> {
        let mut conn = self.conn()?;
        let shown = self.path.display().to_string();
        Ok(SchemaStatus { applied: applied(&mut conn, &shown)?, pending: pending(&mut conn, &shown)? })
    }

    fn upgrade(&self) -> Result<Vec<MigrationInfo>> {
        let mut conn = self.conn()?;
        migrate(&mut conn, &self.path.display().to_string())
    }

    fn backup_to(&self, dest: &Path, count: bool) -> Result<BTreeMap<String, i64>> {
        let conn = self.conn()?;
        // One read transaction: the counts and the copied pages are the same snapshot,
        // while other connections keep writing (WAL).
        conn.execute_batch("BEGIN DEFERRED").map_err(db)?;
        let result = (|| {
            let counts = if count { table_counts(&conn)? } else { BTreeMap::new() };
            let mut out = Connection::open(dest).map_err(db)?;
            // A fresh file that is thrown away on any failure: no journal and no syncs
            // while copying; the caller fsyncs it once before putting it in place.
            out.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;").map_err(db)?;
            copy_all(&conn, &mut out)?;
            // A backup file stands alone: no WAL beside it.
            out.execute_batch("PRAGMA journal_mode = DELETE").map_err(db)?;
            out.close().map_err(|(_, e)| db(e))?;
            Ok(counts)
        })();
        let _ = conn.execute_batch("ROLLBACK");
        result
    }

    fn restore_from(&self, src: &Path) -> Result<()> {
        let from = Connection::open_with_flags(src, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| classify_open(&src.display().to_string(), e))?;
        let mut to = self.conn()?;
        copy_all(&from, &mut to)?;
        to.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())).map_err(db)?;
        Ok(())
    }

    fn serve_lock(&self, _mode: ServeMode) -> Result<Option<ServeLock>> {
        let file = self.lock_file()?;
        match file.try_lock() {
            Ok(()) => Ok(Some(ServeLock(Box::new(file)))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(StoreError::Backend(format!("cannot lock {}: {e}", self.lock_path().display())))
            }
        }
    }

    fn job_lock(&self, job: &str) -> Result<Option<ServeLock>> {
        let path = self
            .path
            .with_file_name(format!("{}.{job}.lock", self.path.file_name().unwrap_or_default().to_string_lossy()));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::Open { path: path.display().to_string(), message: e.to_string() })?;
        match file.try_lock() {
            Ok(()) => Ok(Some(ServeLock(Box::new(file)))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(StoreError::Backend(format!("cannot lock {}: {e}", path.display())))
            }
        }
    }

    fn served(&self) -> Result<bool> {
        let file = self.lock_file()?;
        match file.try_lock_shared() {
            Ok(()) => {
                let _ = file.unlock();
                Ok(false)
            }
            Err(std::fs::TryLockError::WouldBlock) => Ok(true),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(StoreError::Backend(format!("cannot check {}: {e}", self.lock_path().display())))
            }
        }
    }
}

impl SqliteStore {
    /// `helpdesk.db.serve.lock` beside the database: held by `serve` while it runs.
    fn lock_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".serve.lock");
        self.path.with_file_name(name)
    }

    fn lock_file(&self) -> Result<std::fs::File> {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.lock_path())
            .map_err(|e| StoreError::Open { path: self.lock_path().display().to_string(), message: e.to_string() })
    }
}

/// Copies every page of `from` into `to` with SQLite's backup API, in one step
/// (one lock on the source, so one consistent snapshot), waiting out locks.
fn copy_all(from: &Connection, to: &mut Connection) -> Result<()> {
    let backup = rusqlite::backup::Backup::new(from, to).map_err(db)?;
    loop {
        match backup.step(-1).map_err(db)? {
            rusqlite::backup::StepResult::Done => return Ok(()),
            rusqlite::backup::StepResult::Busy | rusqlite::backup::StepResult::Locked => {
                std::thread::sleep(Duration::from_millis(20))
            }
            _ => {}
        }
    }
}

/// Every table and how many rows it holds (in the connection's current transaction).
fn table_counts(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .map_err(db)?
        .query_map([], |r| r.get(0))
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)?;
    let mut counts = BTreeMap::new();
    for name in names {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\"")), [], |r| r.get(0))
            .map_err(db)?;
        counts.insert(name, n);
    }
    Ok(counts)
}

/// Checks a SQLite backup file without changing it: integrity, row counts, schema version.
pub fn verify(path: &Path) -> Result<Verification> {
    verify_with(path, true)
}

/// [`verify`], with the (slow) integrity check optional; row counts and schema are always read.
pub fn verify_with(path: &Path, integrity_check: bool) -> Result<Verification> {
    let shown = path.display().to_string();
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| classify_open(&shown, e))?;
    let integrity = if integrity_check {
        let found: Vec<String> = conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut st| st.query_map([], |r| r.get::<_, String>(0))?.collect())
            .map_err(|e| classify_open(&shown, e))?;
        found.join("; ")
    } else {
        "ok".to_string()
    };
    let schema_version = conn
        .query_row("SELECT max(version) FROM refinery_schema_history", [], |r| r.get::<_, Option<i64>>(0))
        .map_err(|_| StoreError::Corrupt { path: shown.clone(), message: "it has no helpdesk schema history".into() })?
        .unwrap_or(0);
    if schema_version > known_version() {
        return Err(StoreError::NewerSchema { found: schema_version, known: known_version() });
    }
    let rows = if integrity == "ok" { table_counts(&conn)? } else { BTreeMap::new() };
    Ok(Verification { integrity, rows, schema_version })
}

/// One transaction on one pooled connection; rolled back on drop unless committed.
pub struct SqliteTx {
    conn: r2d2::PooledConnection<SqliteConnectionManager>,
    open: bool,
    bulk: bool,
    /// A writer's turn, given up when the transaction ends (after the
    /// rollback in `drop`, as fields drop after it).
    turn: Option<Turn>,
}

/// The page cache of a bulk-loading transaction, in KiB (SQLite's default is 2000).
const BULK_CACHE_KIB: i64 = 256 * 1024;

impl SqliteTx {
    fn begin(conn: r2d2::PooledConnection<SqliteConnectionManager>, begin: &str) -> Result<SqliteTx> {
        conn.execute_batch(begin).map_err(db)?;
        Ok(SqliteTx { conn, open: true, bulk: false, turn: None })
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open
            && let Err(e) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::warn!(error = %e, "rollback failed");
        }
        if self.bulk {
            // The connection goes back to the pool: give the memory back too.
            let _ = self.conn.execute_batch("PRAGMA cache_size = -2000");
        }
    }
}

impl Tx for SqliteTx {
    fn commit(mut self: Box<Self>) -> Result<()> {
        self.conn.execute_batch("COMMIT").map_err(db)?;
        self.open = false;
        self.turn = None;
        Ok(())
    }

    fn bulk_load(&mut self) -> Result<()> {
        self.conn.execute_batch(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}")).map_err(db)?;
        self.bulk = true;
        Ok(())
    }
}

// ---------------------------------------------------------------- row helpers

fn conversion(idx: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
}

fn time(row: &Row, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = row.get(idx)?;
    from_text(&s).map_err(|e| conversion(idx, e))
}

fn time_opt(row: &Row, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    match row.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(s) => from_text(&s).map(Some).map_err(|e| conversion(idx, e)),
    }
}

fn named<T: Named>(row: &Row, idx: usize) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    T::parse_named(&s).map_err(|e| conversion(idx, e))
}

fn opt_text(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(to_text)
}

fn json(row: &Row, idx: usize) -> rusqlite::Result<Option<serde_json::Value>> {
    match row.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(s) => serde_json::from_str(&s).map(Some).map_err(|e| conversion(idx, e)),
    }
}

// ---------------------------------------------------------------- directory

fn branch_row(r: &Row) -> rusqlite::Result<Branch> {
    Ok(Branch { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, address: r.get(3)?, created_at: time(r, 4)? })
}

fn warehouse_row(r: &Row) -> rusqlite::Result<Warehouse> {
    Ok(Warehouse {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        branch_id: r.get(3)?,
        one_c_id: r.get(4)?,
        created_at: time(r, 5)?,
    })
}

fn user_row(r: &Row) -> rusqlite::Result<User> {
    Ok(User {
        telegram_id: r.get(0)?,
        full_name: r.get(1)?,
        username: r.get(2)?,
        phone: r.get(3)?,
        role: named(r, 4)?,
        branch_id: r.get(5)?,
        language: match r.get::<_, Option<String>>(6)? {
            None => None,
            Some(s) => Some(Lang::parse_named(&s).map_err(|e| conversion(6, e))?),
        },
        blocked: r.get(7)?,
        on_duty: r.get(8)?,
        bot_blocked_at: time_opt(r, 9)?,
        created_at: time(r, 10)?,
        last_seen_at: time_opt(r, 11)?,
    })
}

/// Ids are stored as integers.
macro_rules! sql_id {
    ($($id:ty),+) => {$(
        impl rusqlite::ToSql for $id {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl rusqlite::types::FromSql for $id {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                i64::column_result(value).map(Self)
            }
        }
    )+};
}
sql_id!(BranchId, WarehouseId, CartridgeTypeId, PrinterId);

/// The arguments of a filter built in [`sql`], as SQLite values.
fn values(args: Vec<sql::Arg>) -> Vec<Value> {
    args.into_iter()
        .map(|a| match a {
            sql::Arg::Text(s) => Value::Text(s.to_string()),
            sql::Arg::Int(n) => Value::Integer(n),
            sql::Arg::Bool(b) => Value::Integer(i64::from(b)),
        })
        .collect()
}

// Codes and vendor articles compare by their columns' NOCASE collation,
// which folds the case of Latin letters only.
const BRANCH_BY_CODE: &str = sql::text!(sql::BRANCHES.sqlite(), " WHERE code = ?1");
const WAREHOUSE_BY_CODE: &str = sql::text!(sql::WAREHOUSES.sqlite(), " WHERE code = ?1");
const CARTRIDGE_TYPE_BY_ARTICLE: &str = sql::text!(sql::CARTRIDGE_TYPES.sqlite(), " WHERE vendor_article = ?1");
/// The column is `COLLATE NOCASE`: Latin letters in any case.
const PRINTER_BY_INVENTORY_NUMBER: &str = sql::text!(sql::PRINTERS.sqlite(), " WHERE p.inventory_number = ?1");

impl SqliteTx {
    /// The one row `sql` finds by a unique column, if any.
    fn one_by<T>(
        &mut self,
        sql: &str,
        value: &dyn rusqlite::ToSql,
        row: fn(&Row) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        let mut st = self.conn.prepare_cached(sql).map_err(db)?;
        st.query_row([value], row).optional().map_err(db)
    }

    /// Runs an `INSERT ... RETURNING id`; returns the id.
    fn insert(&mut self, sql: &str, params: impl rusqlite::Params) -> Result<i64> {
        self.conn.query_row(sql, params, |r| r.get(0)).map_err(db)
    }

    /// [`SqliteTx::insert`] with the statement kept prepared.
    fn insert_cached(&mut self, sql: &str, params: impl rusqlite::Params) -> Result<i64> {
        let mut st = self.conn.prepare_cached(sql).map_err(db)?;
        st.query_row(params, |r| r.get(0)).map_err(db)
    }
}

impl Directory for SqliteTx {
    fn branches(&mut self) -> Result<Vec<Branch>> {
        let mut st = self.conn.prepare_cached(sql::BRANCHES.sqlite()).map_err(db)?;
        st.query_map([], branch_row).map_err(db)?.collect::<rusqlite::Result<_>>().map(listed).map_err(db)
    }

    fn branch(&mut self, id: BranchId) -> Result<Option<Branch>> {
        self.one_by(sql::BRANCH_BY_ID.sqlite(), &id, branch_row)
    }

    fn branch_by_code(&mut self, code: &str) -> Result<Option<Branch>> {
        self.one_by(BRANCH_BY_CODE, &code, branch_row)
    }

    fn branch_by_name(&mut self, name: &str) -> Result<Option<Branch>> {
        self.one_by(sql::BRANCH_BY_NAME.sqlite(), &name, branch_row)
    }

    fn insert_branch(&mut self, new: &NewBranch, at: DateTime<Utc>) -> Result<Branch> {
        let id = self.insert(sql::INSERT_BRANCH.sqlite(), params![new.code, new.name, new.address, to_text(at)])?;
        Ok(Branch {
            id: BranchId(id),
            code: new.code.clone(),
            name: new.name.clone(),
            address: new.address.clone(),
            created_at: at,
        })
    }

    fn update_branch(&mut self, b: &Branch) -> Result<()> {
        self.conn.execute(sql::UPDATE_BRANCH.sqlite(), params![b.id, b.code, b.name, b.address]).map_err(db)?;
        Ok(())
    }

    fn warehouses(&mut self) -> Result<Vec<Warehouse>> {
        let mut st = self.conn.prepare_cached(sql::WAREHOUSES.sqlite()).map_err(db)?;
        st.query_map([], warehouse_row).map_err(db)?.collect::<rusqlite::Result<_>>().map(listed).map_err(db)
    }

    fn warehouse(&mut self, id: WarehouseId) -> Result<Option<Warehouse>> {
        self.one_by(sql::WAREHOUSE_BY_ID.sqlite(), &id, warehouse_row)
    }

    fn warehouse_by_code(&mut self, code: &str) -> Result<Option<Warehouse>> {
        self.one_by(WAREHOUSE_BY_CODE, &code, warehouse_row)
    }

    fn warehouse_by_name(&mut self, name: &str) -> Result<Option<Warehouse>> {
        self.one_by(sql::WAREHOUSE_BY_NAME.sqlite(), &name, warehouse_row)
    }

    fn warehouse_by_one_c_id(&mut self, one_c_id: &str) -> Result<Option<Warehouse>> {
        self.one_by(sql::WAREHOUSE_BY_ONE_C_ID.sqlite(), &one_c_id, warehouse_row)
    }

    fn insert_warehouse(&mut self, new: &NewWarehouse, at: DateTime<Utc>) -> Result<Warehouse> {
        let id = self.insert(
            sql::INSERT_WAREHOUSE.sqlite(),
            params![new.code, new.name, new.branch_id, new.one_c_id, to_text(at)],
        )?;
        Ok(Warehouse {
            id: WarehouseId(id),
            code: new.code.clone(),
            name: new.name.clone(),
            branch_id: new.branch_id,
            one_c_id: new.one_c_id.clone(),
            created_at: at,
        })
    }

    fn update_warehouse(&mut self, w: &Warehouse) -> Result<()> {
        self.conn
            .execute(sql::UPDATE_WAREHOUSE.sqlite(), params![w.id, w.code, w.name, w.branch_id, w.one_c_id])
            .map_err(db)?;
        Ok(())
    }

    fn users(&mut self, f: &UserFilter) -> Result<Vec<User>> {
        let (sql, args) = sql::users(f, sql::Marks::Sqlite);
        let mut st = self.conn.prepare_cached(&sql).map_err(db)?;
        st.query_map(params_from_iter(values(args)), user_row)
            .map_err(db)?
            .collect::<rusqlite::Result<_>>()
            .map(listed)
            .map_err(db)
    }

    fn user(&mut self, telegram_id: i64) -> Result<Option<User>> {
        let mut st = self.conn.prepare_cached(sql::USER_BY_ID.sqlite()).map_err(db)?;
        st.query_row([telegram_id], user_row).optional().map_err(db)
    }

    fn insert_user(&mut self, u: &User) -> Result<()> {
        let mut st = self.conn.prepare_cached(sql::INSERT_USER.sqlite()).map_err(db)?;
        st.execute(params![
            u.telegram_id,
            u.full_name,
            u.username,
            u.phone,
            u.role.as_str(),
            u.branch_id,
            u.language.map(|l| l.as_str()),
            u.blocked,
            u.on_duty,
            opt_text(u.bot_blocked_at),
            to_text(u.created_at),
            opt_text(u.last_seen_at),
        ])
        .map_err(db)?;
        Ok(())
    }

    fn update_user(&mut self, u: &User) -> Result<()> {
        let mut st = self.conn.prepare_cached(sql::UPDATE_USER.sqlite()).map_err(db)?;
        let n = st
            .execute(params![
                u.telegram_id,
                u.full_name,
                u.username,
                u.phone,
                u.role.as_str(),
                u.branch_id,
                u.language.map(|l| l.as_str()),
                u.blocked,
                u.on_duty,
                opt_text(u.bot_blocked_at),
                opt_text(u.last_seen_at),
            ])
            .map_err(db)?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("user {} does not exist", u.telegram_id)));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- catalog

fn cartridge_row(r: &Row) -> rusqlite::Result<CartridgeType> {
    Ok(CartridgeType {
        id: r.get(0)?,
        name: r.get(1)?,
        vendor_article: r.get(2)?,
        compatible_printers: r.get(3)?,
        one_c_id: r.get(4)?,
        min_stock: r.get(5)?,
        created_at: time(r, 6)?,
    })
}

impl Catalog for SqliteTx {
    fn cartridge_types(&mut self) -> Result<Vec<CartridgeType>> {
        let mut st = self.conn.prepare_cached(sql::CARTRIDGE_TYPES.sqlite()).map_err(db)?;
        st.query_map([], cartridge_row).map_err(db)?.collect::<rusqlite::Result<_>>().map(listed).map_err(db)
    }

    fn cartridge_type(&mut self, id: CartridgeTypeId) -> Result<Option<CartridgeType>> {
        self.one_by(sql::CARTRIDGE_TYPE_BY_ID.sqlite(), &id, cartridge_row)
    }

    fn cartridge_type_by_article(&mut self, article: &str) -> Result<Option<CartridgeType>> {
        self.one_by(CARTRIDGE_TYPE_BY_ARTICLE, &article, cartridge_row)
    }

    fn cartridge_type_by_one_c_id(&mut self, one_c_id: &str) -> Result<Option<CartridgeType>> {
        self.one_by(sql::CARTRIDGE_TYPE_BY_ONE_C_ID.sqlite(), &one_c_id, cartridge_row)
    }

    fn insert_cartridge_type(&mut self, new: &NewCartridgeType, at: DateTime<Utc>) -> Result<CartridgeType> {
        let id = self.insert(
            sql::INSERT_CARTRIDGE_TYPE.sqlite(),
            params![new.name, new.vendor_article, new.compatible_printers, new.one_c_id, new.min_stock, to_text(at)],
        )?;
        Ok(CartridgeType {
            id: CartridgeTypeId(id),
            name: new.name.clone(),
            vendor_article: new.vendor_article.clone(),
            compatible_printers: new.compatible_printers.clone(),
            one_c_id: new.one_c_id.clone(),
            min_stock: new.min_stock,
            created_at: at,
        })
    }

    fn update_cartridge_type(&mut self, c: &CartridgeType) -> Result<()> {
        self.conn
            .execute(
                sql::UPDATE_CARTRIDGE_TYPE.sqlite(),
                params![c.id, c.name, c.vendor_article, c.compatible_printers, c.one_c_id, c.min_stock],
            )
            .map_err(db)?;
        Ok(())
    }

    fn stock(&mut self, f: &StockFilter) -> Result<Vec<StockRow>> {
        let (sql, args) = sql::stock(f, sql::Marks::Sqlite);
        let mut st = self.conn.prepare_cached(&sql).map_err(db)?;
        st.query_map(params_from_iter(values(args)), |r| {
            Ok(StockRow {
                cartridge_type_id: r.get(0)?,
                vendor_article: r.get(1)?,
                cartridge_name: r.get(2)?,
                warehouse_id: r.get(3)?,
                warehouse_name: r.get(4)?,
                quantity: r.get(5)?,
                min_stock: r.get(6)?,
                updated_at: time(r, 7)?,
                empty: r.get(8)?,
            })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map(listed)
        .map_err(db)
    }

    fn at_contractors(&mut self) -> Result<Vec<(WarehouseId, CartridgeTypeId, i64)>> {
        let mut st = self.conn.prepare_cached(sql::BOOKS_REFILLS.sqlite()).map_err(db)?;
        st.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? - r.get::<_, i64>(3)? - r.get::<_, i64>(4)?))
        })
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)
    }

    fn issued_days(&mut self, since: i64) -> Result<Vec<IssuedDay>> {
        let mut st = self.conn.prepare_cached(sql::ISSUED_DAYS_SINCE.sqlite()).map_err(db)?;
        st.query_map([since], |r| {
            Ok(IssuedDay { warehouse_id: r.get(0)?, cartridge_type_id: r.get(1)?, day: r.get(2)?, quantity: r.get(3)? })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)
    }

    fn stock_level(&mut self, cartridge_type_id: CartridgeTypeId, warehouse_id: WarehouseId) -> Result<Option<i64>> {
        self.conn
            .query_row(sql::STOCK_LEVEL.sqlite(), params![cartridge_type_id, warehouse_id], |r| r.get(0))
            .optional()
            .map_err(db)
    }

    fn stock_levels(&mut self, cartridge_type_id: CartridgeTypeId, warehouse_id: WarehouseId) -> Result<StockLevels> {
        let found = self
            .conn
            .query_row(sql::STOCK_LEVELS.sqlite(), params![cartridge_type_id, warehouse_id], |r| {
                Ok(StockLevels { full: r.get(0)?, empty: r.get(1)? })
            })
            .optional()
            .map_err(db)?;
        Ok(found.unwrap_or_default())
    }

    fn move_stock(&mut self, m: &NewStockMove) -> Result<StockLevels> {
        let (t, w, at) = (m.cartridge_type_id, m.warehouse_id, to_text(m.at));
        self.conn.prepare_cached(sql::ENSURE_STOCK_ROW.sqlite()).map_err(db)?.execute(params![t, w, at]).map_err(db)?;
        let after = self
            .conn
            .query_row(sql::MOVE_STOCK.sqlite(), params![t, w, m.full, m.empty, at], |r| {
                Ok(StockLevels { full: r.get(0)?, empty: r.get(1)? })
            })
            .optional()
            .map_err(db)?;
        let Some(after) = after else {
            let before = self.stock_levels(t, w)?;
            let article = self
                .conn
                .query_row(sql::ARTICLE_OF.sqlite(), [t], |r| r.get(0))
                .optional()
                .map_err(db)?
                .unwrap_or_else(|| format!("cartridge #{t}"));
            let warehouse = self
                .conn
                .query_row(sql::WAREHOUSE_NAME_OF.sqlite(), [w], |r| r.get(0))
                .optional()
                .map_err(db)?
                .unwrap_or_else(|| format!("warehouse #{w}"));
            return Err(super::refused_move(m, before, article, warehouse));
        };
        self.conn
            .prepare_cached(sql::INSERT_MOVE.sqlite())
            .map_err(db)?
            .execute(params![
                at,
                w,
                t,
                m.kind.as_str(),
                m.full,
                m.empty,
                m.request_id,
                m.issue_id,
                m.actor,
                m.note,
                m.batch_id
            ])
            .map_err(db)?;
        if m.kind == crate::domain::MoveKind::Issue {
            self.conn
                .prepare_cached(sql::ADD_ISSUED_DAY.sqlite())
                .map_err(db)?
                .execute(params![w, t, day_number(m.at), -m.full])
                .map_err(db)?;
        }
        Ok(after)
    }

    fn stock_books(&mut self) -> Result<Vec<Books>> {
        let stock = self
            .conn
            .prepare_cached(sql::BOOKS_STOCK.sqlite())
            .map_err(db)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)?;
        let moves = self
            .conn
            .prepare_cached(sql::BOOKS_MOVES.sqlite())
            .map_err(db)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?)))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)?;
        let issues = self
            .conn
            .prepare_cached(sql::BOOKS_ISSUES.sqlite())
            .map_err(db)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)?;
        let refills = self
            .conn
            .prepare_cached(sql::BOOKS_REFILLS.sqlite())
            .map_err(db)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)?;
        let by_day = self
            .conn
            .prepare_cached(sql::BOOKS_ISSUED_DAYS.sqlite())
            .map_err(db)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(db)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(db)?;
        Ok(super::books_from(stock, moves, issues, refills, by_day))
    }
}

// ---------------------------------------------------------------- requests

fn request_row(r: &Row) -> rusqlite::Result<Request> {
    Ok(Request {
        id: r.get(0)?,
        kind: named(r, 1)?,
        author_id: r.get(2)?,
        author_name: r.get(3)?,
        branch_id: r.get(4)?,
        branch_code: r.get(5)?,
        branch_name: r.get(6)?,
        contact_name: r.get(7)?,
        contact_phone: r.get(8)?,
        description: r.get(9)?,
        priority: named(r, 10)?,
        status: named(r, 11)?,
        assignee_id: r.get(12)?,
        assignee_name: r.get(13)?,
        rejection_reason: r.get(14)?,
        created_at: time(r, 15)?,
        accepted_at: time_opt(r, 16)?,
        closed_at: time_opt(r, 17)?,
        archived_at: time_opt(r, 18)?,
        sla_level: r.get(19)?,
        sla_notified_at: time_opt(r, 20)?,
        client_key: r.get(21)?,
        sla_resolve_level: r.get(22)?,
        waiting: r
            .get::<_, Option<String>>(23)?
            .map(|w| crate::domain::Waiting::parse_named(&w).map_err(|e| conversion(23, e)))
            .transpose()?,
        waiting_since: time_opt(r, 24)?,
        waited_seconds: r.get(25)?,
    })
}

fn item_row(r: &Row) -> rusqlite::Result<RequestItem> {
    Ok(RequestItem {
        id: r.get(0)?,
        request_id: r.get(1)?,
        cartridge_type_id: r.get(2)?,
        vendor_article: r.get(3)?,
        cartridge_name: r.get(4)?,
        quantity: r.get(5)?,
        issued_quantity: r.get(6)?,
        comment: r.get(7)?,
        printer: match r.get::<_, Option<PrinterId>>(8)? {
            Some(id) => Some(ItemPrinter { id, inventory_number: r.get(9)?, model: r.get(10)?, place: r.get(11)? }),
            None => None,
        },
    })
}

/// `text` with LIKE's wildcards taken literally (escaped with `\`).
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The WHERE clause and arguments for a query. A list of values is an `IN`
/// list, and search compares text folded by `hd_fold` (`domain::text::fold`).
fn request_where(q: &RequestQuery) -> (String, Vec<Value>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    let any_of = |column: &str, words: Vec<&'static str>, sql: &mut String, args: &mut Vec<Value>| {
        if words.is_empty() {
            return;
        }
        let mut marks = Vec::new();
        for w in words {
            args.push(Value::Text(w.into()));
            marks.push(format!("?{}", args.len()));
        }
        sql.push_str(&format!(" AND {column} IN ({})", marks.join(", ")));
    };
    any_of("r.status", q.statuses.iter().map(|s| s.as_str()).collect(), &mut sql, &mut args);
    any_of("r.kind", q.kind_filter().iter().map(|k| k.as_str()).collect(), &mut sql, &mut args);
    any_of("r.priority", q.priorities.iter().map(|p| p.as_str()).collect(), &mut sql, &mut args);
    any_of("r.waiting", q.waiting.iter().map(|w| w.as_str()).collect(), &mut sql, &mut args);
    if let Some(search) = &q.search {
        args.push(Value::Text(format!("%{}%", like_escape(&search.text))));
        let n = args.len();
        let text = format!(
            "hd_fold(r.description) LIKE ?{n} ESCAPE '\\' OR hd_fold(r.contact_name) LIKE ?{n} ESCAPE '\\' \
             OR r.contact_phone LIKE ?{n} ESCAPE '\\'"
        );
        match search.number {
            Some(id) => {
                args.push(Value::Integer(id));
                sql.push_str(&format!(" AND (r.id = ?{} OR {text})", args.len()));
            }
            None => sql.push_str(&format!(" AND ({text})")),
        }
    }
    if let Some(key) = &q.after {
        args.push(Value::Text(to_text(key.created_at)));
        let at = args.len();
        args.push(Value::Integer(key.id));
        let id = args.len();
        if matches!(q.order, RequestOrder::Queue | RequestOrder::ReverseQueue) {
            args.push(Value::Integer(key.rank()));
        }
        sql.push_str(&sql::after(q.order, sql::Marks::Sqlite, args.len(), at, id));
    }
    let eq = |column: &str, v: Option<Value>, sql: &mut String, args: &mut Vec<Value>| {
        if let Some(v) = v {
            args.push(v);
            sql.push_str(&format!(" AND {column} ?{}", args.len()));
        }
    };
    eq("r.branch_id =", q.branch_id.map(|b| Value::Integer(b.0)), &mut sql, &mut args);
    eq("r.author_id =", q.author_id.map(Value::Integer), &mut sql, &mut args);
    eq("r.assignee_id =", q.assignee_id.map(Value::Integer), &mut sql, &mut args);
    eq("r.created_at >=", q.since.map(|t| Value::Text(to_text(t))), &mut sql, &mut args);
    eq("r.created_at <", q.until.map(|t| Value::Text(to_text(t))), &mut sql, &mut args);
    eq("r.closed_at >=", q.closed_since.map(|t| Value::Text(to_text(t))), &mut sql, &mut args);
    eq("r.closed_at <", q.closed_before.map(|t| Value::Text(to_text(t))), &mut sql, &mut args);
    match q.archived {
        ArchivedFilter::Exclude => sql.push_str(" AND r.archived_at IS NULL"),
        ArchivedFilter::Only => sql.push_str(" AND r.archived_at IS NOT NULL"),
        ArchivedFilter::Include => {}
    }
    (sql, args)
}

impl Requests for SqliteTx {
    fn insert_request(&mut self, n: &NewRequest) -> Result<i64> {
        let id = self.insert_cached(
            sql::INSERT_REQUEST.sqlite(),
            params![
                n.kind.as_str(),
                n.author_id,
                n.branch_id,
                n.contact_name,
                n.contact_phone,
                n.description,
                n.priority.as_str(),
                n.status.as_str(),
                n.assignee_id,
                n.rejection_reason,
                to_text(n.created_at),
                opt_text(n.accepted_at),
                opt_text(n.closed_at),
                opt_text(n.archived_at),
                n.client_key,
            ],
        )?;
        if !n.items.is_empty() {
            let mut st = self.conn.prepare_cached(sql::INSERT_ITEM.sqlite()).map_err(db)?;
            for item in &n.items {
                st.execute(params![
                    id,
                    item.cartridge_type_id,
                    item.quantity,
                    item.issued_quantity,
                    item.comment,
                    item.printer_id
                ])
                .map_err(db)?;
            }
        }
        Ok(id)
    }

    fn request(&mut self, id: i64) -> Result<Option<Request>> {
        let mut st = self.conn.prepare_cached(sql::REQUEST_BY_ID.sqlite()).map_err(db)?;
        st.query_row([id], request_row).optional().map_err(db)
    }

    fn request_by_client_key(&mut self, key: &str) -> Result<Option<Request>> {
        let mut st = self.conn.prepare_cached(sql::REQUEST_BY_CLIENT_KEY.sqlite()).map_err(db)?;
        st.query_row([key], request_row).optional().map_err(db)
    }

    fn lock_request(&mut self, id: i64) -> Result<Option<Request>> {
        // A write transaction already holds SQLite's single write lock.
        self.request(id)
    }

    fn update_request(&mut self, r: &Request) -> Result<()> {
        let mut st = self.conn.prepare_cached(sql::UPDATE_REQUEST.sqlite()).map_err(db)?;
        let n = st
            .execute(params![
                r.id,
                r.status.as_str(),
                r.assignee_id,
                r.rejection_reason,
                opt_text(r.accepted_at),
                opt_text(r.closed_at),
                opt_text(r.archived_at),
                r.sla_level,
                opt_text(r.sla_notified_at),
                r.sla_resolve_level,
                r.waiting.map(|w| w.as_str()),
                opt_text(r.waiting_since),
                r.waited_seconds,
            ])
            .map_err(db)?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("request {} does not exist", r.id)));
        }
        Ok(())
    }

    fn scan_requests(&mut self, q: &RequestQuery, each: &mut dyn FnMut(Request) -> Result<bool>) -> Result<()> {
        let (filter, mut args) = request_where(q);
        args.push(Value::Integer(q.limit.map_or(-1, |l| l.min(i64::MAX as u64) as i64)));
        args.push(Value::Integer(q.offset.min(i64::MAX as u64) as i64));
        let n = args.len();
        let sql =
            format!("{}{filter}{} LIMIT ?{} OFFSET ?{}", sql::REQUESTS.sqlite(), sql::order_by(q.order), n - 1, n);
        let mut st = self.conn.prepare_cached(&sql).map_err(db)?;
        let mut rows = st.query(params_from_iter(args)).map_err(db)?;
        while let Some(row) = rows.next().map_err(db)? {
            if !each(request_row(row).map_err(db)?)? {
                break;
            }
        }
        Ok(())
    }

    fn request_times(&mut self, q: &RequestQuery) -> Result<Vec<RequestTimes>> {
        let (filter, args) = request_where(q);
        let sql = format!("{}{filter}", sql::REQUEST_TIMES);
        let mut st = self.conn.prepare_cached(&sql).map_err(db)?;
        st.query_map(params_from_iter(args), |r| {
            Ok(RequestTimes {
                branch_id: r.get(0)?,
                kind: named(r, 1)?,
                priority: named(r, 2)?,
                status: named(r, 3)?,
                created_at: time(r, 4)?,
                accepted_at: time_opt(r, 5)?,
                closed_at: time_opt(r, 6)?,
                waiting_since: time_opt(r, 7)?,
                waited_seconds: r.get(8)?,
            })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)
    }

    fn count_requests(&mut self, q: &RequestQuery) -> Result<u64> {
        let (filter, args) = request_where(q);
        let sql = format!("{}{filter}", sql::COUNT_REQUESTS);
        let mut st = self.conn.prepare_cached(&sql).map_err(db)?;
        let n: i64 = st.query_row(params_from_iter(args), |r| r.get(0)).map_err(db)?;
        Ok(n as u64)
    }

    fn items(&mut self, request_id: i64) -> Result<Vec<RequestItem>> {
        let mut st = self.conn.prepare_cached(sql::ITEMS_OF.sqlite()).map_err(db)?;
        st.query_map([request_id], item_row).map_err(db)?.collect::<rusqlite::Result<_>>().map_err(db)
    }

    fn set_item_issued(&mut self, item_id: i64, issued_quantity: i64) -> Result<()> {
        let n = self.conn.execute(sql::SET_ITEM_ISSUED.sqlite(), [item_id, issued_quantity]).map_err(db)?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("request item {item_id} does not exist")));
        }
        Ok(())
    }

    fn insert_attachment(&mut self, a: &NewAttachment) -> Result<i64> {
        self.insert_cached(
            sql::INSERT_ATTACHMENT.sqlite(),
            params![
                a.request_id,
                a.kind.as_str(),
                a.file_id,
                a.file_unique_id,
                a.file_name,
                a.mime_type,
                to_text(a.created_at)
            ],
        )
    }

    fn insert_issue(&mut self, i: &NewIssue) -> Result<i64> {
        self.insert(
            sql::INSERT_ISSUE.sqlite(),
            params![
                i.request_id,
                i.item_id,
                i.warehouse_id,
                i.quantity,
                i.note,
                i.issued_by,
                to_text(i.issued_at),
                i.empties
            ],
        )
    }

    fn scan_items(&mut self, q: &RequestQuery, each: &mut dyn FnMut(RequestItem) -> Result<bool>) -> Result<()> {
        let (filter, args) = request_where(q);
        let sql = format!("{} {filter}{}", sql::ITEMS_OF_REQUESTS, sql::ITEMS_ORDER);
        let mut st = self.conn.prepare_cached(&sql).map_err(db)?;
        let mut rows = st.query(params_from_iter(args)).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            if !each(item_row(r).map_err(db)?)? {
                break;
            }
        }
        Ok(())
    }

    fn attachments(&mut self, request_id: i64) -> Result<Vec<Attachment>> {
        let mut st = self.conn.prepare_cached(sql::ATTACHMENTS_OF.sqlite()).map_err(db)?;
        st.query_map([request_id], |r| {
            let kind: String = r.get(2)?;
            Ok(Attachment {
                id: r.get(0)?,
                request_id: r.get(1)?,
                kind: AttachmentKind::parse(&kind).ok_or_else(|| {
                    conversion(
                        2,
                        std::io::Error::new(std::io::ErrorKind::InvalidData, format!("attachment kind {kind}")),
                    )
                })?,
                file_id: r.get(3)?,
                file_unique_id: r.get(4)?,
                file_name: r.get(5)?,
                mime_type: r.get(6)?,
                created_at: time(r, 7)?,
            })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)
    }
}

// ---------------------------------------------------------------- audit

impl Audit for SqliteTx {
    fn last_log_id(&mut self) -> Result<i64> {
        self.conn.query_row(sql::LAST_LOG_ID.sqlite(), [], |r| r.get(0)).map_err(db)
    }

    fn append_log(&mut self, l: &NewLog) -> Result<()> {
        let mut st = self.conn.prepare_cached(sql::INSERT_LOG.sqlite()).map_err(db)?;
        st.execute(params![
            to_text(l.at),
            l.actor_id,
            l.actor,
            l.action,
            l.entity,
            l.entity_id,
            l.before.as_ref().map(|v| v.to_string()),
            l.after.as_ref().map(|v| v.to_string()),
        ])
        .map_err(db)?;
        Ok(())
    }

    fn logs(&mut self, entity: &str, entity_id: &str) -> Result<Vec<LogEntry>> {
        let mut st = self.conn.prepare_cached(sql::LOGS_OF.sqlite()).map_err(db)?;
        st.query_map([entity, entity_id], |r| {
            Ok(LogEntry {
                id: r.get(0)?,
                at: time(r, 1)?,
                actor_id: r.get(2)?,
                actor: r.get(3)?,
                action: r.get(4)?,
                entity: r.get(5)?,
                entity_id: r.get(6)?,
                before: json(r, 7)?,
                after: json(r, 8)?,
            })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)
    }
}

// ---------------------------------------------------------------- bot

fn inbox_row(r: &Row) -> rusqlite::Result<InboxUpdate> {
    Ok(InboxUpdate { update_id: r.get(0)?, chat_id: r.get(1)?, payload: r.get(2)? })
}

impl Inbox for SqliteTx {
    fn inbox_insert(&mut self, updates: &[InboxUpdate], at: DateTime<Utc>, by: &str) -> Result<u64> {
        let mut st = self.conn.prepare_cached(sql::INSERT_INBOX.sqlite()).map_err(db)?;
        let at = to_text(at);
        let mut n = 0;
        for u in updates {
            n += st.execute(params![u.update_id, u.chat_id, u.payload, at, by]).map_err(db)? as u64;
        }
        Ok(n)
    }

    fn inbox_pending(&mut self, limit: u64) -> Result<Vec<InboxUpdate>> {
        let mut st = self.conn.prepare_cached(sql::INBOX_PENDING.sqlite()).map_err(db)?;
        st.query_map([limit as i64], inbox_row).map_err(db)?.collect::<rusqlite::Result<_>>().map_err(db)
    }

    fn inbox_done(&mut self, update_ids: &[i64], at: DateTime<Utc>) -> Result<()> {
        // One at a time: SQLite has no arrays to bind.
        let mut st = self
            .conn
            .prepare_cached("UPDATE telegram_inbox SET done_at = ?2 WHERE update_id = ?1 AND done_at IS NULL")
            .map_err(db)?;
        let at = to_text(at);
        for id in update_ids {
            st.execute(params![id, at]).map_err(db)?;
        }
        Ok(())
    }

    fn inbox_claim_stale(&mut self, c: &super::StaleClaim<'_>, limit: u64) -> Result<Vec<InboxUpdate>> {
        let mut st = self.conn.prepare_cached(sql::CLAIM_STALE_INBOX.sqlite()).map_err(db)?;
        let args = params![
            to_text(c.received_before),
            to_text(c.now),
            to_text(c.until),
            limit as i64,
            c.by,
            to_text(c.alive_since)
        ];
        let mut claimed: Vec<InboxUpdate> =
            st.query_map(args, inbox_row).map_err(db)?.collect::<rusqlite::Result<_>>().map_err(db)?;
        claimed.sort_by_key(|u| u.update_id);
        Ok(claimed)
    }

    fn inbox_last_id(&mut self) -> Result<Option<i64>> {
        self.conn.query_row(sql::INBOX_LAST_ID.sqlite(), [], |r| r.get(0)).map_err(db)
    }

    fn inbox_prune(&mut self, before: DateTime<Utc>) -> Result<u64> {
        let n = self.conn.execute(sql::PRUNE_INBOX.sqlite(), [to_text(before)]).map_err(db)?;
        Ok(n as u64)
    }
}

impl Dialogues for SqliteTx {
    fn dialogue(&mut self, chat_id: i64) -> Result<Option<DialogueRow>> {
        let mut st = self.conn.prepare_cached(sql::DIALOGUE.sqlite()).map_err(db)?;
        st.query_row([chat_id], |r| Ok(DialogueRow { state: r.get(0)?, last_update_id: r.get(1)? }))
            .optional()
            .map_err(db)
    }

    fn set_dialogue(&mut self, chat_id: i64, row: &DialogueRow, at: DateTime<Utc>) -> Result<()> {
        let mut st = self.conn.prepare_cached(sql::SET_DIALOGUE.sqlite()).map_err(db)?;
        st.execute(params![chat_id, row.state, row.last_update_id, to_text(at)]).map_err(db)?;
        Ok(())
    }
}

impl Outbox for SqliteTx {
    fn outbox_push(&mut self, chat_id: i64, notice: &str, at: DateTime<Utc>) -> Result<i64> {
        self.insert_cached(sql::PUSH_NOTICE.sqlite(), params![chat_id, notice, to_text(at)])
    }

    fn outbox_push_reply(
        &mut self,
        chat_id: i64,
        notice: &str,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
        by: &str,
    ) -> Result<i64> {
        self.insert_cached(
            sql::PUSH_REPLY.sqlite(),
            params![chat_id, notice, super::OUTBOX_REPLY, to_text(at), to_text(until), by],
        )
    }

    fn outbox_push_email(&mut self, address: &str, notice: &str, at: DateTime<Utc>) -> Result<i64> {
        self.insert_cached(sql::PUSH_EMAIL.sqlite(), params![address, notice, to_text(at)])
    }

    fn outbox_push_broadcast(
        &mut self,
        broadcast_id: i64,
        chat_id: i64,
        notice: &str,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        self.insert_cached(sql::PUSH_BROADCAST.sqlite(), params![chat_id, notice, broadcast_id, to_text(at)])
    }

    fn outbox_due(
        &mut self,
        now: DateTime<Utc>,
        alive_since: DateTime<Utc>,
        limit: u64,
        per_chat: u64,
    ) -> Result<Vec<OutboxMessage>> {
        let mut st = self.conn.prepare_cached(sql::OUTBOX_DUE.sqlite()).map_err(db)?;
        st.query_map(params![to_text(now), limit as i64, per_chat as i64, to_text(alive_since)], |r| {
            Ok(OutboxMessage {
                id: r.get(0)?,
                chat_id: r.get(1)?,
                broadcast_id: r.get(2)?,
                notice: r.get(3)?,
                created_at: time(r, 4)?,
                send_after: time(r, 5)?,
                attempts: r.get(6)?,
                email: r.get(7)?,
                priority: r.get(8)?,
            })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)
    }

    fn outbox_lease(&mut self, ids: &[i64], until: DateTime<Utc>, by: &str) -> Result<()> {
        // One at a time: SQLite has no arrays to bind.
        let mut st =
            self.conn.prepare_cached("UPDATE outbox SET send_after = ?2, leased_by = ?3 WHERE id = ?1").map_err(db)?;
        let until = to_text(until);
        for id in ids {
            st.execute(params![id, until, by]).map_err(db)?;
        }
        Ok(())
    }

    fn outbox_release(&mut self, now: DateTime<Utc>) -> Result<u64> {
        let n = self.conn.execute(sql::RELEASE_OUTBOX.sqlite(), params![to_text(now)]).map_err(db)?;
        Ok(n as u64)
    }

    fn outbox_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(sql::OUTBOX_SENT.sqlite(), params![id, to_text(at)]).map_err(db)?;
        Ok(())
    }

    fn outbox_retry(&mut self, id: i64, after: DateTime<Utc>, error: &str) -> Result<()> {
        self.conn.execute(sql::OUTBOX_RETRY.sqlite(), params![id, to_text(after), error]).map_err(db)?;
        Ok(())
    }

    fn outbox_defer(&mut self, id: i64, after: DateTime<Utc>) -> Result<()> {
        self.conn.execute(sql::OUTBOX_DEFER.sqlite(), params![id, to_text(after)]).map_err(db)?;
        Ok(())
    }

    fn outbox_failed(&mut self, id: i64, at: DateTime<Utc>, error: &str) -> Result<()> {
        self.conn.execute(sql::OUTBOX_FAILED.sqlite(), params![id, to_text(at), error]).map_err(db)?;
        Ok(())
    }
}

fn printer_row(r: &Row) -> rusqlite::Result<Printer> {
    Ok(Printer {
        id: r.get(0)?,
        branch_id: r.get(1)?,
        branch_code: r.get(2)?,
        branch_name: r.get(3)?,
        inventory_number: r.get(4)?,
        model: r.get(5)?,
        place: r.get(6)?,
        serial: r.get(7)?,
        cartridge_type_ids: Vec::new(),
        created_at: time(r, 8)?,
        retired_at: time_opt(r, 9)?,
    })
}

impl SqliteTx {
    /// A printer as read, with its cartridge types.
    fn with_cartridges(&mut self, printer: Option<Printer>) -> Result<Option<Printer>> {
        let Some(mut p) = printer else { return Ok(None) };
        let mut st = self.conn.prepare_cached(sql::PRINTER_CARTRIDGES.sqlite()).map_err(db)?;
        p.cartridge_type_ids = st
            .query_map([p.id], |r| r.get::<_, CartridgeTypeId>(1))
            .map_err(db)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db)?;
        Ok(Some(p))
    }

    fn set_printer_cartridges(&mut self, id: PrinterId, types: &[CartridgeTypeId]) -> Result<()> {
        self.conn.execute(sql::FORGET_PRINTER_CARTRIDGES.sqlite(), [id]).map_err(db)?;
        let mut st = self.conn.prepare_cached(sql::ADD_PRINTER_CARTRIDGE.sqlite()).map_err(db)?;
        for t in types {
            st.execute(params![id, t]).map_err(db)?;
        }
        Ok(())
    }
}

fn contractor_row(r: &Row) -> rusqlite::Result<Contractor> {
    Ok(Contractor { id: r.get(0)?, name: r.get(1)?, contacts: r.get(2)?, created_at: time(r, 3)? })
}

fn batch_row(r: &Row) -> rusqlite::Result<RefillBatch> {
    Ok(RefillBatch {
        id: r.get(0)?,
        contractor_id: r.get(1)?,
        contractor: r.get(2)?,
        contacts: r.get(3)?,
        warehouse_id: r.get(4)?,
        warehouse: r.get(5)?,
        sent_at: time(r, 6)?,
        sent_by: r.get(7)?,
        note: r.get(8)?,
        closed_at: time_opt(r, 9)?,
        lines: Vec::new(),
    })
}

fn line_row(r: &Row) -> rusqlite::Result<(i64, RefillLine)> {
    Ok((
        r.get(0)?,
        RefillLine {
            id: r.get(1)?,
            cartridge_type_id: r.get(2)?,
            article: r.get(3)?,
            cartridge: r.get(4)?,
            sent: r.get(5)?,
            received: r.get(6)?,
            rejected: r.get(7)?,
            reject_reason: r.get(8)?,
        },
    ))
}

impl Refills for SqliteTx {
    fn contractors(&mut self) -> Result<Vec<Contractor>> {
        let mut st = self.conn.prepare_cached(sql::CONTRACTORS.sqlite()).map_err(db)?;
        let mut all: Vec<Contractor> =
            st.query_map([], contractor_row).map_err(db)?.collect::<rusqlite::Result<_>>().map_err(db)?;
        all.sort_by(|a, b| alphabetical(&a.name, &b.name));
        Ok(all)
    }

    fn contractor(&mut self, id: i64) -> Result<Option<Contractor>> {
        self.one_by(sql::CONTRACTOR_BY_ID.sqlite(), &id, contractor_row)
    }

    fn insert_contractor(&mut self, new: &NewContractor, at: DateTime<Utc>) -> Result<Contractor> {
        let id = self.insert(sql::INSERT_CONTRACTOR.sqlite(), params![new.name, new.contacts, to_text(at)])?;
        self.contractor(id)?.ok_or_else(|| StoreError::Backend("a contractor just added is gone".into()))
    }

    fn insert_refill_batch(&mut self, new: &NewRefillBatch) -> Result<i64> {
        let id = self.insert(
            sql::INSERT_BATCH.sqlite(),
            params![new.contractor_id, new.warehouse_id, to_text(new.sent_at), new.sent_by, new.note],
        )?;
        let mut st = self.conn.prepare_cached(sql::INSERT_REFILL_LINE.sqlite()).map_err(db)?;
        for (cartridge, sent) in &new.lines {
            st.execute(params![id, cartridge, sent]).map_err(db)?;
        }
        Ok(id)
    }

    fn refill_batch(&mut self, id: i64) -> Result<Option<RefillBatch>> {
        let Some(batch) = self.one_by(sql::BATCH_BY_ID.sqlite(), &id, batch_row)? else { return Ok(None) };
        let mut st = self.conn.prepare_cached(sql::BATCH_LINES.sqlite()).map_err(db)?;
        let lines = st.query_map([id], line_row).map_err(db)?.collect::<rusqlite::Result<Vec<_>>>().map_err(db)?;
        Ok(super::with_lines(vec![batch], lines).pop())
    }

    fn refill_batches(&mut self, open_only: bool) -> Result<Vec<RefillBatch>> {
        let list = if open_only { sql::OPEN_BATCHES } else { sql::BATCHES };
        let mut st = self.conn.prepare_cached(list.sqlite()).map_err(db)?;
        let batches = st.query_map([], batch_row).map_err(db)?.collect::<rusqlite::Result<Vec<_>>>().map_err(db)?;
        let mut st = self.conn.prepare_cached(sql::ALL_BATCH_LINES.sqlite()).map_err(db)?;
        let lines = st.query_map([], line_row).map_err(db)?.collect::<rusqlite::Result<Vec<_>>>().map_err(db)?;
        Ok(super::with_lines(batches, lines))
    }

    fn set_refill_line(&mut self, line_id: i64, received: i64, rejected: i64, reason: Option<&str>) -> Result<()> {
        self.conn.execute(sql::SET_REFILL_LINE.sqlite(), params![line_id, received, rejected, reason]).map_err(db)?;
        Ok(())
    }

    fn close_refill_batch(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(sql::CLOSE_BATCH.sqlite(), params![id, to_text(at)]).map_err(db)?;
        Ok(())
    }
}

impl Printers for SqliteTx {
    fn printers(&mut self, filter: &PrinterFilter) -> Result<Vec<Printer>> {
        let mut st = self.conn.prepare_cached(sql::PRINTERS.sqlite()).map_err(db)?;
        let printers: Vec<Printer> =
            st.query_map([], printer_row).map_err(db)?.collect::<rusqlite::Result<_>>().map_err(db)?;
        let mut st = self.conn.prepare_cached(sql::ALL_PRINTER_CARTRIDGES.sqlite()).map_err(db)?;
        let links: Vec<(PrinterId, CartridgeTypeId)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(db)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db)?;
        Ok(super::printers_selected(printers, &links, filter))
    }

    fn printer(&mut self, id: PrinterId) -> Result<Option<Printer>> {
        let found = self.one_by(sql::PRINTER_BY_ID.sqlite(), &id, printer_row)?;
        self.with_cartridges(found)
    }

    fn printer_by_inventory_number(&mut self, inventory_number: &str) -> Result<Option<Printer>> {
        let found = self.one_by(PRINTER_BY_INVENTORY_NUMBER, &inventory_number, printer_row)?;
        self.with_cartridges(found)
    }

    fn insert_printer(&mut self, new: &NewPrinter, at: DateTime<Utc>) -> Result<Printer> {
        let id: PrinterId = PrinterId(self.insert(
            sql::INSERT_PRINTER.sqlite(),
            params![new.branch_id, new.inventory_number, new.model, new.place, new.serial, to_text(at)],
        )?);
        self.set_printer_cartridges(id, &new.cartridge_type_ids)?;
        self.printer(id)?.ok_or_else(|| StoreError::Backend("a printer just added is gone".into()))
    }

    fn update_printer(&mut self, id: PrinterId, new: &NewPrinter) -> Result<()> {
        self.conn
            .execute(
                sql::UPDATE_PRINTER.sqlite(),
                params![id, new.branch_id, new.inventory_number, new.model, new.place, new.serial],
            )
            .map_err(db)?;
        self.set_printer_cartridges(id, &new.cartridge_type_ids)
    }

    fn retire_printer(&mut self, id: PrinterId, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(sql::RETIRE_PRINTER.sqlite(), params![id, to_text(at)]).map_err(db)?;
        Ok(())
    }

    fn open_requests_for_printer(&mut self, id: PrinterId) -> Result<u64> {
        let n: i64 = self.conn.query_row(sql::OPEN_REQUESTS_FOR_PRINTER.sqlite(), [id], |r| r.get(0)).map_err(db)?;
        Ok(n as u64)
    }
}

impl Calendars for SqliteTx {
    fn calendars(&mut self) -> Result<Vec<CalendarRecord>> {
        let mut st = self.conn.prepare_cached(sql::CALENDARS.sqlite()).map_err(db)?;
        st.query_map([], |r| {
            Ok(CalendarRecord {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                timezone: r.get(3)?,
                week: [r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?],
                is_default: r.get(11)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn calendar_days(&mut self) -> Result<Vec<CalendarDayRecord>> {
        let mut st = self.conn.prepare_cached(sql::CALENDAR_DAYS.sqlite()).map_err(db)?;
        st.query_map([], |r| {
            Ok(CalendarDayRecord {
                calendar_id: r.get(0)?,
                kind: r.get(1)?,
                day: r.get(2)?,
                hours: r.get(3)?,
                name: r.get(4)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn branch_calendars(&mut self) -> Result<Vec<(BranchId, i64)>> {
        let mut st = self.conn.prepare_cached(sql::BRANCH_CALENDARS.sqlite()).map_err(db)?;
        st.query_map([], |r| Ok((BranchId(r.get(0)?), r.get(1)?))).and_then(|rows| rows.collect()).map_err(db)
    }

    fn insert_calendar(&mut self, c: &CalendarRecord, at: DateTime<Utc>) -> Result<i64> {
        let [mon, tue, wed, thu, fri, sat, sun] = &c.week;
        self.insert(
            sql::INSERT_CALENDAR.sqlite(),
            params![c.code, c.name, c.timezone, mon, tue, wed, thu, fri, sat, sun, c.is_default, to_text(at)],
        )
    }

    fn update_calendar(&mut self, c: &CalendarRecord) -> Result<()> {
        let [mon, tue, wed, thu, fri, sat, sun] = &c.week;
        self.conn
            .execute(
                sql::UPDATE_CALENDAR.sqlite(),
                params![c.id, c.code, c.name, c.timezone, mon, tue, wed, thu, fri, sat, sun, c.is_default],
            )
            .map_err(db)?;
        Ok(())
    }

    fn put_calendar_day(&mut self, d: &CalendarDayRecord) -> Result<()> {
        let mut st = self.conn.prepare_cached(sql::PUT_CALENDAR_DAY.sqlite()).map_err(db)?;
        st.execute(params![d.calendar_id, d.kind, d.day, d.hours, d.name]).map_err(db)?;
        Ok(())
    }

    fn remove_calendar_day(&mut self, calendar_id: i64, kind: &str, day: &str) -> Result<bool> {
        Ok(self.conn.execute(sql::REMOVE_CALENDAR_DAY.sqlite(), params![calendar_id, kind, day]).map_err(db)? > 0)
    }

    fn set_branch_calendar(&mut self, branch: BranchId, calendar_id: Option<i64>) -> Result<()> {
        match calendar_id {
            Some(c) => self.conn.execute(sql::SET_BRANCH_CALENDAR.sqlite(), params![branch.0, c]),
            None => self.conn.execute(sql::CLEAR_BRANCH_CALENDAR.sqlite(), params![branch.0]),
        }
        .map_err(db)?;
        Ok(())
    }
}

fn recurring_run_row(r: &Row) -> rusqlite::Result<RecurringRun> {
    Ok(RecurringRun {
        recurring_id: r.get(0)?,
        branch_id: r.get(1)?,
        due_at: time(r, 2)?,
        request_id: r.get(3)?,
        filed_at: time(r, 4)?,
        late: r.get(5)?,
    })
}

impl Ratings for SqliteTx {
    fn put_rating(&mut self, r: &Rating) -> Result<Option<u8>> {
        let before = self.rating(r.request_id)?.map(|b| b.score);
        self.conn
            .execute(sql::PUT_RATING.sqlite(), params![r.request_id, r.score, r.comment, to_text(r.rated_at)])
            .map_err(db)?;
        Ok(before)
    }

    fn rating(&mut self, request_id: i64) -> Result<Option<Rating>> {
        let mut st = self.conn.prepare_cached(sql::RATING.sqlite()).map_err(db)?;
        st.query_row(params![request_id], |r| {
            Ok(Rating { request_id: r.get(0)?, score: r.get(1)?, comment: r.get(2)?, rated_at: time(r, 3)? })
        })
        .optional()
        .map_err(db)
    }

    fn scores(&mut self) -> Result<std::collections::HashMap<i64, u8>> {
        let mut st = self.conn.prepare_cached(sql::SCORES.sqlite()).map_err(db)?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).and_then(|rows| rows.collect()).map_err(db)
    }
}

impl Recurring for SqliteTx {
    fn recurring(&mut self) -> Result<Vec<RecurringRecord>> {
        let mut st = self.conn.prepare_cached(sql::RECURRING.sqlite()).map_err(db)?;
        st.query_map([], |r| {
            Ok(RecurringRecord {
                id: r.get(0)?,
                kind: named(r, 1)?,
                branch_id: r.get(2)?,
                description: r.get(3)?,
                priority: named(r, 4)?,
                author_id: r.get(5)?,
                assignee_id: r.get(6)?,
                rule: r.get(7)?,
                at_time: r.get(8)?,
                starts_on: r.get(9)?,
                paused: r.get(10)?,
                active_since: time(r, 11)?,
                created_at: time(r, 12)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(db)
    }

    fn insert_recurring(&mut self, r: &RecurringRecord) -> Result<i64> {
        self.insert(
            sql::INSERT_RECURRING.sqlite(),
            params![
                r.kind.as_str(),
                r.branch_id,
                r.description,
                r.priority.as_str(),
                r.author_id,
                r.assignee_id,
                r.rule,
                r.at_time,
                r.starts_on,
                r.paused,
                to_text(r.active_since),
                to_text(r.created_at)
            ],
        )
    }

    fn set_recurring_paused(&mut self, id: i64, paused: bool, active_since: DateTime<Utc>) -> Result<bool> {
        let n = self
            .conn
            .execute(sql::SET_RECURRING_PAUSED.sqlite(), params![id, paused, to_text(active_since)])
            .map_err(db)?;
        Ok(n > 0)
    }

    fn claim_recurring_run(&mut self, run: &RecurringRun) -> Result<bool> {
        let n = self
            .conn
            .execute(
                sql::CLAIM_RECURRING_RUN.sqlite(),
                params![
                    run.recurring_id,
                    run.branch_id,
                    to_text(run.due_at),
                    run.request_id,
                    to_text(run.filed_at),
                    run.late
                ],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn set_recurring_run_request(
        &mut self,
        recurring_id: i64,
        branch: BranchId,
        due_at: DateTime<Utc>,
        request_id: i64,
    ) -> Result<()> {
        self.conn
            .execute(
                sql::SET_RECURRING_RUN_REQUEST.sqlite(),
                params![recurring_id, branch, to_text(due_at), request_id],
            )
            .map_err(db)?;
        Ok(())
    }

    fn recurring_last_runs(&mut self) -> Result<Vec<RecurringRun>> {
        let mut st = self.conn.prepare_cached(sql::RECURRING_LAST_RUNS.sqlite()).map_err(db)?;
        st.query_map([], recurring_run_row).and_then(|rows| rows.collect()).map_err(db)
    }
}

impl Instances for SqliteTx {
    fn instance_start(&mut self, id: &str, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(sql::START_INSTANCE.sqlite(), params![id, to_text(at)]).map_err(db)?;
        Ok(())
    }

    fn instance_beat(&mut self, id: &str, at: DateTime<Utc>) -> Result<bool> {
        Ok(self.conn.execute(sql::BEAT_INSTANCE.sqlite(), params![id, to_text(at)]).map_err(db)? > 0)
    }

    fn instance_stop(&mut self, id: &str, at: DateTime<Utc>) -> Result<()> {
        let at = to_text(at);
        self.conn.execute(sql::STOP_INSTANCE.sqlite(), params![id, at]).map_err(db)?;
        self.conn.execute(sql::RELEASE_OUTBOX_OF.sqlite(), params![id, at]).map_err(db)?;
        self.conn.execute(sql::RELEASE_INBOX_OF.sqlite(), params![id]).map_err(db)?;
        Ok(())
    }

    fn instance_prune(&mut self, before: DateTime<Utc>) -> Result<u64> {
        Ok(self.conn.execute(sql::PRUNE_INSTANCES.sqlite(), params![to_text(before)]).map_err(db)? as u64)
    }
}

impl Calls for SqliteTx {
    fn last_call_by(&mut self, caller_id: i64) -> Result<Option<DateTime<Utc>>> {
        let t: Option<String> =
            self.conn.query_row(sql::LAST_CALL_BY.sqlite(), [caller_id], |r| r.get(0)).map_err(db)?;
        t.map(|t| from_text(&t).map_err(|e| StoreError::Backend(e.to_string()))).transpose()
    }

    fn insert_call(
        &mut self,
        caller_id: i64,
        branch_id: Option<BranchId>,
        at: DateTime<Utc>,
        client_key: Option<&str>,
    ) -> Result<i64> {
        self.insert(sql::INSERT_CALL.sqlite(), params![caller_id, branch_id, to_text(at), client_key])
    }

    fn call_by_client_key(&mut self, key: &str) -> Result<Option<i64>> {
        self.conn.query_row(sql::CALL_BY_CLIENT_KEY.sqlite(), [key], |r| r.get(0)).optional().map_err(db)
    }

    fn server_call(&mut self, id: i64) -> Result<Option<ServerCall>> {
        let call = self
            .conn
            .query_row(sql::SERVER_CALL.sqlite(), [id], |r| {
                Ok(ServerCall {
                    id: r.get(0)?,
                    caller_id: r.get(1)?,
                    caller_name: r.get(2)?,
                    caller_phone: r.get(3)?,
                    branch_name: r.get(4)?,
                    created_at: time(r, 5)?,
                    answers: vec![],
                })
            })
            .optional()
            .map_err(db)?;
        let Some(mut call) = call else { return Ok(None) };
        let mut st = self.conn.prepare_cached(sql::CALL_ANSWERS.sqlite()).map_err(db)?;
        call.answers = st
            .query_map([id], |r| {
                Ok(CallAnswer {
                    responder_id: r.get(0)?,
                    responder_name: r.get(1)?,
                    answer: r.get(2)?,
                    answered_at: time(r, 3)?,
                })
            })
            .map_err(db)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db)?;
        Ok(Some(call))
    }

    fn answer_call(&mut self, id: i64, responder_id: i64, answer: &str, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(sql::ANSWER_CALL.sqlite(), params![id, responder_id, answer, to_text(at)]).map_err(db)?;
        Ok(())
    }
}

impl Broadcasts for SqliteTx {
    fn insert_broadcast(&mut self, b: &NewBroadcast) -> Result<i64> {
        self.insert(
            sql::INSERT_BROADCAST.sqlite(),
            params![b.author_id, b.kind, b.text, b.file_id, to_text(b.created_at), b.recipients, b.client_key],
        )
    }

    fn broadcast(&mut self, id: i64) -> Result<Option<Broadcast>> {
        self.broadcast_by(sql::BROADCAST_BY_ID.sqlite(), &id)
    }

    fn broadcast_by_client_key(&mut self, key: &str) -> Result<Option<Broadcast>> {
        self.broadcast_by(sql::BROADCAST_BY_CLIENT_KEY.sqlite(), &key)
    }

    fn broadcast_progress(&mut self, id: i64) -> Result<(i64, BroadcastStats)> {
        self.conn
            .query_row(sql::BROADCAST_PROGRESS.sqlite(), params![id, BLOCKED_BY_USER], |r| {
                Ok((r.get(0)?, BroadcastStats { delivered: r.get(1)?, failed: r.get(2)?, blocked: r.get(3)? }))
            })
            .map_err(db)
    }

    fn finish_broadcast(&mut self, id: i64, s: BroadcastStats, at: DateTime<Utc>) -> Result<()> {
        self.conn
            .execute(sql::FINISH_BROADCAST.sqlite(), params![id, to_text(at), s.delivered, s.failed, s.blocked])
            .map_err(db)?;
        Ok(())
    }
}

impl SqliteTx {
    fn broadcast_by(&mut self, sql: &str, value: &dyn rusqlite::ToSql) -> Result<Option<Broadcast>> {
        self.conn
            .query_row(sql, [value], |r| {
                Ok(Broadcast {
                    id: r.get(0)?,
                    author_id: r.get(1)?,
                    kind: r.get(2)?,
                    text: r.get(3)?,
                    file_id: r.get(4)?,
                    created_at: time(r, 5)?,
                    finished_at: time_opt(r, 6)?,
                    recipients: r.get(7)?,
                })
            })
            .optional()
            .map_err(db)
    }
}

// ---------------------------------------------------------------- 1C imports

impl Imports for SqliteTx {
    fn latest_one_c_import_of(&mut self, source: &str, content_hash: &str) -> Result<Option<OneCImport>> {
        self.conn
            .query_row(sql::LATEST_IMPORT_OF.sqlite(), [source, content_hash], |r| {
                Ok(OneCImport {
                    id: r.get(0)?,
                    source: r.get(1)?,
                    content_hash: r.get(2)?,
                    imported_at: time(r, 3)?,
                    rows: r.get(4)?,
                })
            })
            .optional()
            .map_err(db)
    }

    fn insert_one_c_import(&mut self, source: &str, content_hash: &str, at: DateTime<Utc>, rows: i64) -> Result<i64> {
        self.insert(sql::INSERT_IMPORT.sqlite(), params![source, content_hash, to_text(at), rows])
    }

    fn insert_one_c_snapshot(
        &mut self,
        import_id: i64,
        source: &str,
        at: DateTime<Utc>,
        rows: &[NewSnapshotRow],
    ) -> Result<()> {
        let mut st = self.conn.prepare_cached(sql::INSERT_SNAPSHOT_ROW.sqlite()).map_err(db)?;
        let at = to_text(at);
        for r in rows {
            st.execute(params![
                import_id,
                source,
                at,
                r.item_one_c_id,
                r.item_name,
                r.item_article,
                r.warehouse_one_c_id,
                r.warehouse_name,
                r.quantity,
                r.cartridge_type_id,
                r.warehouse_id
            ])
            .map_err(db)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- SLA reminders and jobs

impl Sla for SqliteTx {
    fn insert_sla_reminders(&mut self, reminders: &[NewSlaReminder], at: DateTime<Utc>) -> Result<u64> {
        let mut st = self.conn.prepare_cached(sql::INSERT_SLA_REMINDER.sqlite()).map_err(db)?;
        let at = to_text(at);
        let mut n = 0;
        for r in reminders {
            n += st.execute(params![r.request_id, r.kind, r.level, r.channel, r.recipient, at]).map_err(db)? as u64;
        }
        Ok(n)
    }

    fn lease_sla_reminders(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<SlaReminder>> {
        // The write transaction's lock makes the lease one sender's (PostgreSQL skips locked rows instead).
        const LEASE: &str = sql::text!(
            "UPDATE sla_reminders SET lease_until = ?2 WHERE id IN ( \
               SELECT id FROM sla_reminders WHERE sent_at IS NULL AND failed_at IS NULL \
               AND (lease_until IS NULL OR lease_until <= ?1) ORDER BY id LIMIT ?3) \
             RETURNING ",
            sql::SLA_REMINDER_COLUMNS
        );
        let mut st = self.conn.prepare_cached(LEASE).map_err(db)?;
        let mut rows: Vec<SlaReminder> = st
            .query_map(params![to_text(now), to_text(lease_until), limit as i64], |r| {
                Ok(SlaReminder {
                    id: r.get(0)?,
                    request_id: r.get(1)?,
                    kind: r.get(2)?,
                    level: r.get(3)?,
                    channel: r.get(4)?,
                    recipient: r.get(5)?,
                    attempts: r.get(6)?,
                })
            })
            .map_err(db)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db)?;
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    fn sla_reminder_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(sql::SLA_REMINDER_SENT.sqlite(), params![id, to_text(at)]).map_err(db)?;
        Ok(())
    }

    fn sla_reminder_failed(&mut self, id: i64, at: DateTime<Utc>, error: &str, give_up: bool) -> Result<()> {
        // PostgreSQL casts the parameters of the CASE; SQLite has no such types.
        self.conn
            .execute(
                "UPDATE sla_reminders SET attempts = attempts + 1, last_error = ?3, lease_until = NULL, \
                 failed_at = CASE WHEN ?4 THEN ?2 ELSE NULL END WHERE id = ?1",
                params![id, to_text(at), error, give_up],
            )
            .map_err(db)?;
        Ok(())
    }

    fn sla_reminders_pending(&mut self) -> Result<u64> {
        let n: i64 = self.conn.query_row(sql::SLA_REMINDERS_PENDING.sqlite(), [], |r| r.get(0)).map_err(db)?;
        Ok(n as u64)
    }
}

impl super::Monitoring for SqliteTx {
    fn watched(&mut self, now: DateTime<Utc>) -> Result<super::Watched> {
        let (outbox_depth, outbox_oldest) = self
            .conn
            .query_row(sql::WATCH_OUTBOX.sqlite(), [to_text(now)], |r| Ok((r.get(0)?, time_opt(r, 1)?)))
            .map_err(db)?;
        let outbox_failed = self.conn.query_row(sql::WATCH_OUTBOX_FAILED.sqlite(), [], |r| r.get(0)).map_err(db)?;
        let (inbox_pending, inbox_oldest) =
            self.conn.query_row(sql::WATCH_INBOX.sqlite(), [], |r| Ok((r.get(0)?, time_opt(r, 1)?))).map_err(db)?;
        let mut st = self.conn.prepare_cached(sql::WATCH_JOBS.sqlite()).map_err(db)?;
        let job_runs = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, time_opt(r, 3)?)))
            .map_err(db)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db)?;
        let mut st = self.conn.prepare_cached(sql::WATCH_ONEC.sqlite()).map_err(db)?;
        let onec_exchanges = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(db)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db)?;
        Ok(super::Watched {
            outbox_depth,
            outbox_oldest,
            outbox_failed,
            inbox_pending,
            inbox_oldest,
            job_runs,
            onec_exchanges,
        })
    }
}

impl Jobs for SqliteTx {
    fn job_started(&mut self, job: &str, at: DateTime<Utc>) -> Result<i64> {
        self.insert(sql::JOB_STARTED.sqlite(), params![job, to_text(at)])
    }

    fn job_finished(&mut self, run_id: i64, at: DateTime<Utc>, ok: bool, message: &str) -> Result<()> {
        self.conn.execute(sql::JOB_FINISHED.sqlite(), params![run_id, to_text(at), ok, message]).map_err(db)?;
        Ok(())
    }

    fn last_job_run(&mut self, job: &str) -> Result<Option<JobRun>> {
        self.conn
            .query_row(sql::LAST_JOB_RUN.sqlite(), [job], |r| {
                Ok(JobRun {
                    job: r.get(0)?,
                    started_at: time(r, 1)?,
                    finished_at: time_opt(r, 2)?,
                    ok: r.get(3)?,
                    message: r.get(4)?,
                })
            })
            .optional()
            .map_err(db)
    }
}

impl OneCExchanges for SqliteTx {
    fn insert_one_c_exchange(&mut self, e: &OneCExchange) -> Result<i64> {
        self.insert(
            sql::INSERT_EXCHANGE.sqlite(),
            params![
                to_text(e.at),
                e.kind,
                e.step,
                e.session,
                e.peer,
                e.files,
                e.ok,
                e.detail,
                e.import_id,
                e.stock_changed
            ],
        )
    }

    fn keep_one_c_catalog(&mut self, entries: &[OneCCatalogEntry], at: DateTime<Utc>) -> Result<()> {
        let mut st = self.conn.prepare_cached(sql::KEEP_CATALOG_ENTRY.sqlite()).map_err(db)?;
        let at = to_text(at);
        for e in entries {
            let kind = if e.warehouse { "warehouse" } else { "item" };
            st.execute(params![kind, e.one_c_id, e.name, e.article, at]).map_err(db)?;
        }
        Ok(())
    }

    fn one_c_catalog(&mut self) -> Result<Vec<OneCCatalogEntry>> {
        let mut st = self.conn.prepare_cached(sql::CATALOG.sqlite()).map_err(db)?;
        st.query_map([], |r| {
            Ok(OneCCatalogEntry {
                warehouse: r.get::<_, String>(0)? == "warehouse",
                one_c_id: r.get(1)?,
                name: r.get(2)?,
                article: r.get(3)?,
                received_at: time(r, 4)?,
            })
        })
        .map_err(db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(db)
    }

    fn one_c_exchanges(&mut self, limit: u32) -> Result<Vec<OneCExchange>> {
        let mut stmt = self.conn.prepare_cached(sql::EXCHANGES.sqlite()).map_err(db)?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok(OneCExchange {
                    id: r.get(0)?,
                    at: time(r, 1)?,
                    kind: r.get(2)?,
                    step: r.get(3)?,
                    session: r.get(4)?,
                    peer: r.get(5)?,
                    files: r.get(6)?,
                    ok: r.get(7)?,
                    detail: r.get(8)?,
                    import_id: r.get(9)?,
                    stock_changed: r.get(10)?,
                })
            })
            .map_err(db)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db)
    }

    fn unconfirmed_issues(&mut self, limit: u32) -> Result<Vec<SaleLine>> {
        let mut stmt = self.conn.prepare_cached(sql::UNCONFIRMED_ISSUES.sqlite()).map_err(db)?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok(SaleLine {
                    issue_id: r.get(0)?,
                    request_id: r.get(1)?,
                    request_created_at: time(r, 2)?,
                    branch: r.get(3)?,
                    branch_code: r.get(4)?,
                    cartridge_one_c_id: r.get(5)?,
                    vendor_article: r.get(6)?,
                    cartridge_name: r.get(7)?,
                    warehouse_one_c_id: r.get(8)?,
                    warehouse: r.get(9)?,
                    quantity: r.get(10)?,
                    issued_at: time(r, 11)?,
                })
            })
            .map_err(db)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db)
    }

    fn confirm_issues(&mut self, issue_ids: &[i64], exchange_id: i64) -> Result<u64> {
        // One at a time: SQLite has no arrays to bind.
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO onec_sale_confirmed (issue_id, exchange_id) VALUES (?1, ?2) ON CONFLICT (issue_id) DO NOTHING",
            )
            .map_err(db)?;
        let mut n = 0;
        for id in issue_ids {
            n += stmt.execute(params![id, exchange_id]).map_err(db)? as u64;
        }
        Ok(n)
    }

    fn confirm_all_issues(&mut self, exchange_id: i64) -> Result<u64> {
        let n = self.conn.execute(sql::CONFIRM_ALL_ISSUES.sqlite(), [exchange_id]).map_err(db)?;
        Ok(n as u64)
    }

    fn one_c_step_taken(&mut self, kind: &str, step: &str) -> Result<bool> {
        self.conn.query_row(sql::STEP_TAKEN.sqlite(), [kind, step], |r| r.get(0)).map_err(db)
    }
}

fn web_session(r: &rusqlite::Row<'_>) -> rusqlite::Result<WebSession> {
    let via: String = r.get(4)?;
    Ok(WebSession {
        id: r.get(0)?,
        token_hash: r.get(1)?,
        telegram_id: r.get(2)?,
        csrf: r.get(3)?,
        via: SignedInVia::parse(&via).unwrap_or(SignedInVia::Link),
        created_at: time(r, 5)?,
        seen_at: time(r, 6)?,
        expires_at: time(r, 7)?,
        ended_at: time_opt(r, 8)?,
        user_agent: r.get(9)?,
    })
}

impl WebSessions for SqliteTx {
    fn insert_login_token(&mut self, t: &LoginToken) -> Result<()> {
        self.conn
            .execute(
                sql::INSERT_LOGIN_TOKEN.sqlite(),
                params![
                    t.token_hash,
                    t.telegram_id,
                    to_text(t.created_at),
                    to_text(t.expires_at),
                    t.used_at.map(to_text)
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn login_token(&mut self, token_hash: &str) -> Result<Option<LoginToken>> {
        self.conn
            .query_row(sql::LOGIN_TOKEN.sqlite(), [token_hash], |r| {
                Ok(LoginToken {
                    token_hash: r.get(0)?,
                    telegram_id: r.get(1)?,
                    created_at: time(r, 2)?,
                    expires_at: time(r, 3)?,
                    used_at: time_opt(r, 4)?,
                })
            })
            .optional()
            .map_err(db)
    }

    fn use_login_token(&mut self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
        self.conn
            .query_row(sql::USE_LOGIN_TOKEN.sqlite(), params![token_hash, to_text(now)], |r| r.get(0))
            .optional()
            .map_err(db)
    }

    fn insert_session(&mut self, s: &WebSession) -> Result<i64> {
        self.insert(
            sql::INSERT_SESSION.sqlite(),
            params![
                s.token_hash,
                s.telegram_id,
                s.csrf,
                s.via.as_str(),
                to_text(s.created_at),
                to_text(s.seen_at),
                to_text(s.expires_at),
                s.ended_at.map(to_text),
                s.user_agent
            ],
        )
    }

    fn session(&mut self, token_hash: &str) -> Result<Option<WebSession>> {
        let mut st = self.conn.prepare_cached(sql::SESSION_BY_TOKEN.sqlite()).map_err(db)?;
        st.query_row([token_hash], web_session).optional().map_err(db)
    }

    fn touch_session(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(sql::TOUCH_SESSION.sqlite(), params![id, to_text(at)]).map_err(db)?;
        Ok(())
    }

    fn end_session(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.conn.execute(sql::END_SESSION.sqlite(), params![id, to_text(at)]).map_err(db)?;
        Ok(())
    }

    fn end_sessions_of(&mut self, telegram_id: i64, at: DateTime<Utc>) -> Result<u64> {
        let n = self.conn.execute(sql::END_SESSIONS_OF.sqlite(), params![telegram_id, to_text(at)]).map_err(db)?;
        Ok(n as u64)
    }

    fn sessions_of(&mut self, telegram_id: i64) -> Result<Vec<WebSession>> {
        let mut st = self.conn.prepare_cached(sql::OPEN_SESSIONS_OF.sqlite()).map_err(db)?;
        st.query_map([telegram_id], web_session).map_err(db)?.collect::<rusqlite::Result<_>>().map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upgrade_that_rebuilds_a_referenced_table_keeps_every_row_and_reference() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("helpdesk.sqlite")).unwrap();
        conn.execute_batch(CONNECTION_PRAGMAS).unwrap();
        embedded::migrations::runner().set_target(refinery::Target::Version(8)).run(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO one_c_imports (source, content_hash, imported_at, rows)
                 VALUES ('offers.xml', 'h1', '2026-01-01T00:00:00Z', 1), ('rests.xml', 'h2', '2026-01-02T00:00:00Z', 1);
             INSERT INTO one_c_snapshot (import_id, source, imported_at, item_name, quantity)
                 VALUES (2, 'rests.xml', '2026-01-02T00:00:00Z', 'HP 83A', 3);
             INSERT INTO branches (id, code, name, created_at) VALUES (1, 'LVIV', 'Львів', '2026-01-01T00:00:00Z');
             INSERT INTO warehouses (id, code, name, created_at) VALUES (1, 'CENTRAL', 'Центральний', '2026-01-01T00:00:00Z');
             INSERT INTO users (telegram_id, full_name, created_at) VALUES (7, 'Іван', '2026-01-01T00:00:00Z');
             INSERT INTO cartridge_types (id, name, vendor_article, created_at) VALUES (1, 'HP 85A', 'CE285A', '2026-01-01T00:00:00Z');
             INSERT INTO requests (id, kind, author_id, branch_id, contact_name, contact_phone, description, priority, created_at)
                 VALUES (1, 'cartridge', 7, 1, 'Іван', '+380671234567', 'HP 85A × 2', 'medium', '2026-01-01T00:00:00Z');
             INSERT INTO request_items (id, request_id, cartridge_type_id, quantity, issued_quantity) VALUES (5, 1, 1, 2, 1);
             INSERT INTO stock_items (cartridge_type_id, warehouse_id, quantity, updated_at) VALUES (1, 1, 5, '2026-01-03T00:00:00Z');
             INSERT INTO cartridge_issues (request_id, item_id, warehouse_id, quantity, issued_by, issued_at)
                 VALUES (1, 5, 1, 1, 7, '2026-01-02T00:00:00Z');",
        )
        .unwrap();
        // V9 rebuilds one_c_imports, which one_c_snapshot refers to; V11 request_items, which issues refer to.
        let applied = migrate(&mut conn, "test").unwrap();
        assert_eq!(applied.iter().map(|m| m.version).collect::<Vec<_>>(), [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(count("SELECT count(*) FROM one_c_imports"), 2);
        assert_eq!(count("SELECT import_id FROM one_c_snapshot"), 2);
        assert_eq!(count("SELECT id * 10 + issued_quantity FROM request_items"), 51, "the line keeps its id");
        assert_eq!(count("SELECT item_id FROM cartridge_issues"), 5);
        // V12 opens the books with the stock there was plus what had been issued from it, then that issue.
        assert_eq!(count("SELECT full_delta FROM stock_moves WHERE kind = 'opening'"), 6);
        assert_eq!(count("SELECT full_delta FROM stock_moves WHERE kind = 'issue' AND issue_id = 1"), -1);
        // V14 counts the issues by day for the forecast: 2026-01-02 is day 20455 since 1970-01-01.
        assert_eq!(count("SELECT day * 10 + quantity FROM issued_days"), 204_551);
        assert_eq!(count("SELECT sum(full_delta) FROM stock_moves"), 5, "the ledger agrees with the stock row");
        assert_eq!(count("SELECT empty FROM stock_items"), 0);
        // The same type for a printer is a line of its own now; twice for none is still refused.
        conn.execute_batch(
            "INSERT INTO printers (id, branch_id, inventory_number, model, created_at) VALUES (1, 1, 'INV-1', 'HP', 'x');
             INSERT INTO request_items (request_id, cartridge_type_id, quantity, printer_id) VALUES (1, 1, 1, 1);",
        )
        .unwrap();
        assert!(
            conn.execute("INSERT INTO request_items (request_id, cartridge_type_id, quantity) VALUES (1, 1, 1)", [])
                .is_err()
        );
        assert_eq!(foreign_key_violations(&conn).unwrap(), None);
        assert_eq!(count("PRAGMA foreign_keys"), 1, "foreign keys are on again");
        // The same content may stand on a later import; a reference to nothing is still refused.
        conn.execute("INSERT INTO one_c_imports (source, content_hash, imported_at, rows) VALUES ('offers.xml', 'h1', '2026-01-03T00:00:00Z', 1)", [])
            .unwrap();
        let dangling = conn.execute(
            "INSERT INTO one_c_snapshot (import_id, source, imported_at, item_name, quantity) VALUES (99, 'x', '2026-01-03T00:00:00Z', 'x', 1)",
            [],
        );
        assert!(dangling.is_err());
    }
}
