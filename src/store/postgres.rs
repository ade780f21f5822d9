//! The [`Store`] on PostgreSQL: the same capabilities as `store/sqlite.rs`, in
//! native types (bigint ids, boolean, timestamptz), with migrations from
//! `migrations/postgres/`. The statements it runs are mostly `store/sql.rs`'s,
//! shared with SQLite; here are those that are PostgreSQL's own (codes
//! matched with `translate`, arrays, row locks, casts, `pg_notify`). It is not
//! where a rule lives: it stores and fetches what `store` asks for.
//!
//! Write transactions take one transaction-level advisory lock, so writes are
//! serialised exactly as on SQLite: every service was built on "a write
//! transaction holds the write lock" (check, then act), and keeping that
//! guarantee keeps every invariant the contract tests prove. Reads run
//! concurrently in REPEATABLE READ snapshots, so several `serve` instances,
//! cron jobs and a replicated server all work.
//!
//! TLS follows libpq: `sslmode=disable`; `prefer` (the default) and `require`
//! encrypt without checking the certificate; `verify-ca` checks that it chains
//! to the web PKI roots or `sslrootcert=FILE`, and `verify-full` also that it
//! names the host.

use super::*;
use crate::domain::Named;
use crate::store::sql;
use ::postgres::types::ToSql;
use ::postgres::{Client, Row, Statement};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// The advisory lock every write transaction takes.
pub(crate) const WRITE_LOCK: i64 = 0x6865_6c70_6465_736b; // "helpdesk"
/// The advisory lock a `serve` process holds for its lifetime.
const SERVE_LOCK: i64 = 0x6865_6c70_7365_7276; // "helpserv"
/// The advisory lock a scheduled job holds while it runs (plus the job's number).
pub const JOB_LOCK_BASE: i64 = 0x6865_6c70_6a6f_6200; // "helpjob\0"

/// A connection with its prepared statements, so hot queries are prepared once.
pub struct PgConn {
    client: Closing,
    statements: HashMap<String, Statement>,
}

/// A client that can be dropped anywhere. Closing a `postgres::Client` blocks
/// on its own runtime, which tokio forbids on an async thread (where the last
/// handle of a pool may well be dropped), so there it closes on a thread of its own.
struct Closing(Option<Client>);

impl std::ops::Deref for Closing {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.0.as_ref().expect("client is only taken on drop")
    }
}

impl std::ops::DerefMut for Closing {
    fn deref_mut(&mut self) -> &mut Client {
        self.0.as_mut().expect("client is only taken on drop")
    }
}

impl Drop for Closing {
    fn drop(&mut self) {
        if let Some(client) = self.0.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            let _ = std::thread::Builder::new().name("pg-close".into()).spawn(move || drop(client));
        }
    }
}

impl PgConn {
    pub(crate) fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    fn statement(&mut self, sql: &str) -> std::result::Result<Statement, ::postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        if self.statements.len() > 256 {
            self.statements.clear();
        }
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

/// A connection of its own that LISTENs for `helpdesk_changes`.
struct PgListener(PgConn);

impl ChangeListener for PgListener {
    fn wait(&mut self, timeout: Duration) -> Result<bool> {
        use ::postgres::fallible_iterator::FallibleIterator;
        let mut notifications = self.0.client.notifications();
        let mut told = false;
        let mut iter = notifications.timeout_iter(timeout);
        // The first waits up to the timeout; any others already here come with it.
        if iter.next().map_err(db)?.is_some() {
            told = true;
        }
        drop(iter);
        while notifications.iter().next().map_err(db)?.is_some() {}
        Ok(told)
    }
}

/// How to connect: the parsed URL and the TLS it asks for.
#[derive(Clone)]
struct Connector {
    config: ::postgres::Config,
    tls: tokio_postgres_rustls::MakeRustlsConnect,
}

impl Connector {
    fn connect(&self) -> std::result::Result<PgConn, ::postgres::Error> {
        let mut client = self.config.connect(self.tls.clone())?;
        client.batch_execute("SET lock_timeout = '60s'; SET TIME ZONE 'UTC'")?;
        Ok(PgConn { client: Closing(Some(client)), statements: HashMap::new() })
    }
}

struct Manager(Connector);

impl r2d2::ManageConnection for Manager {
    type Connection = PgConn;
    type Error = ::postgres::Error;

    fn connect(&self) -> std::result::Result<PgConn, ::postgres::Error> {
        self.0.connect()
    }

    fn is_valid(&self, conn: &mut PgConn) -> std::result::Result<(), ::postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.client.is_closed()
    }
}

pub struct PgStore {
    pool: r2d2::Pool<Manager>,
    connector: Connector,
    /// The URL with its password redacted, for messages.
    shown: String,
    /// The URL as given (holds the password), for pg_dump and pg_restore.
    url: crate::config::Secret,
}

/// The server certificate checks that do not look at the host name, as libpq
/// means them: none for `sslmode=prefer` and `require` (`chain` is `None`);
/// for `verify-ca`, a chain to a trusted root, whatever host the certificate
/// is for. The chain is checked before the name, so a certificate refused only
/// for its name has a trusted chain. (`verify-full` uses rustls' own verifier.)
#[derive(Debug)]
struct NameBlind {
    provider: std::sync::Arc<rustls::crypto::CryptoProvider>,
    chain: Option<std::sync::Arc<rustls::client::WebPkiServerVerifier>>,
}

impl rustls::client::danger::ServerCertVerifier for NameBlind {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use rustls::CertificateError::{NotValidForName, NotValidForNameContext};
        let Some(chain) = &self.chain else { return Ok(rustls::client::danger::ServerCertVerified::assertion()) };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(NotValidForName | NotValidForNameContext { .. })) => {
                Ok(rustls::client::danger::ServerCertVerified::assertion())
            }
            other => other,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// Parses a `postgres://` URL, taking out what libpq knows and the driver does not.
fn connector(url: &str) -> Result<Connector> {
    let shown = crate::config::redact_url_password(url);
    let bad = |m: String| StoreError::Open { path: shown.clone(), message: m };
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    // verify-ca: the server's certificate must chain to a trusted root; verify-full: and name the host.
    let mut verify: Option<bool> = None;
    let mut root_cert: Option<String> = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match (k, v) {
            ("sslmode", mode @ ("verify-ca" | "verify-full")) => {
                verify = Some(mode == "verify-full");
                kept.push("sslmode=require".to_string());
            }
            ("sslrootcert", file) => root_cert = Some(file.to_string()),
            ("sslmode", "disable" | "prefer" | "require") => kept.push(pair.to_string()),
            ("sslmode", other) => {
                return Err(bad(format!(
                    "sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full"
                )));
            }
            _ => kept.push(pair.to_string()),
        }
    }
    let driver_url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    let mut config: ::postgres::Config =
        driver_url.parse().map_err(|e: ::postgres::Error| bad(format!("the URL is not valid: {e}")))?;
    if config.get_application_name().is_none() {
        config.application_name("helpdesk");
    }
    config.connect_timeout(Duration::from_secs(15));
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(format!("TLS: {e}")))?;
    let tls = if let Some(check_name) = verify {
        let mut roots = rustls::RootCertStore::empty();
        match &root_cert {
            Some(file) => {
                let pem = std::fs::read(file).map_err(|e| bad(format!("cannot read sslrootcert {file}: {e}")))?;
                for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(&pem) {
                    let cert: rustls::pki_types::CertificateDer =
                        cert.map_err(|e| bad(format!("sslrootcert {file}: {e}")))?;
                    roots.add(cert).map_err(|e| bad(format!("sslrootcert {file}: {e}")))?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        if check_name {
            builder.with_root_certificates(roots).with_no_client_auth()
        } else {
            let chain = rustls::client::WebPkiServerVerifier::builder_with_provider(
                std::sync::Arc::new(roots),
                provider.clone(),
            )
            .build()
            .map_err(|e| bad(format!("TLS: {e}")))?;
            let verifier = NameBlind { provider, chain: Some(chain) };
            builder.dangerous().with_custom_certificate_verifier(std::sync::Arc::new(verifier)).with_no_client_auth()
        }
    } else {
        let verifier = NameBlind { provider, chain: None };
        builder.dangerous().with_custom_certificate_verifier(std::sync::Arc::new(verifier)).with_no_client_auth()
    };
    Ok(Connector { config, tls: tokio_postgres_rustls::MakeRustlsConnect::new(tls) })
}

fn known_version() -> i64 {
    embedded::migrations::runner().get_migrations().iter().map(|m| i64::from(m.version())).max().unwrap_or(0)
}

/// Maps a PostgreSQL error to a [`StoreError`].
pub(crate) fn db(e: ::postgres::Error) -> StoreError {
    use ::postgres::error::SqlState;
    match e.code() {
        Some(c)
            if *c == SqlState::UNIQUE_VIOLATION
                || *c == SqlState::CHECK_VIOLATION
                || *c == SqlState::FOREIGN_KEY_VIOLATION
                || *c == SqlState::NOT_NULL_VIOLATION
                || *c == SqlState::RAISE_EXCEPTION =>
        {
            StoreError::Conflict(e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string()))
        }
        Some(c)
            if *c == SqlState::LOCK_NOT_AVAILABLE
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED =>
        {
            StoreError::Busy
        }
        _ => StoreError::Backend(match e.as_db_error() {
            Some(d) => format!("{}: {}", d.severity(), d.message()),
            None => short(&e),
        }),
    }
}

impl PgStore {
    pub fn open(url: &crate::config::Secret, options: OpenOptions) -> Result<PgStore> {
        let shown = crate::config::redact_url_password(url.expose());
        let connector = connector(url.expose())?;
        let mut first = connector.connect().map_err(|e| {
            let why = short(&e);
            let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
            // Up but still starting (or shutting down): as good as not there yet.
            let starting = e.code() == Some(&::postgres::error::SqlState::CANNOT_CONNECT_NOW);
            if (e.as_db_error().is_none() && io) || starting {
                return StoreError::Unreachable { path: shown.clone(), message: why };
            }
            let advice = if why.contains("TLS") || why.contains("certificate") {
                "check sslmode and sslrootcert in the URL (verify-full needs the host name the certificate names)"
            } else {
                "check the URL, that the server runs and that the database exists"
            };
            StoreError::Open { path: shown.clone(), message: format!("{why}; {advice}") }
        })?;
        check_schema(&mut first.client, &shown)?;
        if options.migrate {
            migrate(&mut first.client, &shown)?;
        }
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(12)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(60))
            .build(Manager(connector.clone()))
            .map_err(|e| StoreError::Open { path: shown.clone(), message: e.to_string() })?;
        Ok(PgStore { pool, connector, shown, url: url.clone() })
    }

    fn conn(&self) -> Result<r2d2::PooledConnection<Manager>> {
        self.pool.get().map_err(|e| StoreError::Open { path: self.shown.clone(), message: e.to_string() })
    }

    /// A new connection outside the pool (held for a lock's lifetime).
    pub fn dedicated(&self) -> Result<PgConn> {
        self.connector.connect().map_err(|e| StoreError::Open { path: self.shown.clone(), message: short(&e) })
    }

    /// The connection settings without the password, and the password, for client tools.
    fn tool_env(&self) -> (String, Option<String>) {
        let url = self.url.expose();
        let password = self.connector.config.get_password().map(|p| String::from_utf8_lossy(p).to_string());
        (strip_password(url), password)
    }
}

fn short(e: &::postgres::Error) -> String {
    let mut s = e.to_string();
    if let Some(source) = std::error::Error::source(e) {
        let t = source.to_string();
        if !s.contains(&t) {
            s = format!("{s}: {t}");
        }
    }
    s
}

/// A URL without its password (the password goes to client tools through PGPASSWORD).
fn strip_password(url: &str) -> String {
    let redacted = crate::config::redact_url_password(url);
    redacted
        .replace(":***@", "@")
        .replace("password=***", "")
        .replace("?&", "?")
        .trim_end_matches(['?', '&'])
        .to_string()
}

fn check_schema(client: &mut Client, shown: &str) -> Result<()> {
    let has_history: bool = client
        .query_one("SELECT to_regclass('refinery_schema_history') IS NOT NULL", &[])
        .map_err(|e| StoreError::Open { path: shown.to_string(), message: e.to_string() })?
        .get(0);
    if !has_history {
        let tables: i64 = client
            .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()", &[])
            .map_err(db)?
            .get(0);
        if tables > 0 {
            return Err(StoreError::Corrupt {
                path: shown.to_string(),
                message: "the database holds tables but no helpdesk schema history".into(),
            });
        }
        return Ok(());
    }
    let found: Option<i32> =
        client.query_one("SELECT max(version) FROM refinery_schema_history", &[]).map_err(db)?.get(0);
    match found.map(i64::from) {
        Some(found) if found > known_version() => Err(StoreError::NewerSchema { found, known: known_version() }),
        _ => Ok(()),
    }
}

fn applied(client: &mut Client) -> Result<Vec<MigrationInfo>> {
    let exists: bool =
        client.query_one("SELECT to_regclass('refinery_schema_history') IS NOT NULL", &[]).map_err(db)?.get(0);
    if !exists {
        return Ok(vec![]);
    }
    Ok(client
        .query("SELECT version, name, applied_on FROM refinery_schema_history ORDER BY version", &[])
        .map_err(db)?
        .iter()
        .map(|r| MigrationInfo { version: i64::from(r.get::<_, i32>(0)), name: r.get(1), applied_at: r.get(2) })
        .collect())
}

fn pending(client: &mut Client) -> Result<Vec<MigrationInfo>> {
    let done: Vec<i64> = applied(client)?.iter().map(|m| m.version).collect();
    let mut pending: Vec<MigrationInfo> = embedded::migrations::runner()
        .get_migrations()
        .iter()
        .filter(|m| !done.contains(&i64::from(m.version())))
        .map(|m| MigrationInfo { version: i64::from(m.version()), name: m.name().to_string(), applied_at: None })
        .collect();
    // By version: the embedded list is ordered by file name (V10 before V2).
    pending.sort_by_key(|m| m.version);
    Ok(pending)
}

fn migrate(client: &mut Client, shown: &str) -> Result<Vec<MigrationInfo>> {
    if pending(client)?.is_empty() {
        return Ok(vec![]);
    }
    // Several processes may start at once: the first to take the lock migrates.
    client.execute("SELECT pg_advisory_lock($1)", &[&WRITE_LOCK]).map_err(db)?;
    let result = (|| {
        if pending(client)?.is_empty() {
            return Ok(vec![]);
        }
        let runner = embedded::migrations::runner().set_grouped(true).set_abort_divergent(true).set_abort_missing(true);
        let report = runner
            .run(client)
            .map_err(|e| StoreError::Backend(format!("applying schema migrations to {shown} failed: {e}")))?;
        let out: Vec<MigrationInfo> = report
            .applied_migrations()
            .iter()
            .map(|m| MigrationInfo { version: i64::from(m.version()), name: m.name().to_string(), applied_at: None })
            .collect();
        for m in &out {
            tracing::info!(database = shown, version = m.version, name = %m.name, "applied schema migration");
        }
        Ok(out)
    })();
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&WRITE_LOCK]);
    result
}

/// The schema's tables, in dependency order (parents first), for copies and checks.
pub const TABLES: &[&str] = &[
    "branches",
    "calendars",
    "calendar_days",
    "branch_calendars",
    "warehouses",
    "users",
    "web_login_tokens",
    "web_sessions",
    "cartridge_types",
    "stock_items",
    "printers",
    "printer_cartridges",
    "requests",
    "request_items",
    "attachments",
    "logs",
    "one_c_imports",
    "one_c_snapshot",
    "telegram_inbox",
    "dialogues",
    "broadcasts",
    "outbox",
    "server_calls",
    "server_call_answers",
    "cartridge_issues",
    "contractors",
    "refill_batches",
    "refill_lines",
    "stock_moves",
    "issued_days",
    "sla_reminders",
    "job_runs",
    "onec_exchanges",
    "onec_catalog",
    "onec_sale_confirmed",
    "serve_instances",
    "recurring",
    "recurring_runs",
    "ratings",
];

fn table_counts(client: &mut Client) -> Result<BTreeMap<String, i64>> {
    let mut counts = BTreeMap::new();
    for t in TABLES {
        let n: i64 = client.query_one(&format!("SELECT count(*) FROM {t}"), &[]).map_err(db)?.get(0);
        counts.insert(t.to_string(), n);
    }
    let n: i64 = client.query_one("SELECT count(*) FROM refinery_schema_history", &[]).map_err(db)?.get(0);
    counts.insert("refinery_schema_history".into(), n);
    Ok(counts)
}

fn tool(name: &str) -> Result<std::process::Command> {
    let found = std::process::Command::new(name).arg("--version").output();
    match found {
        Ok(o) if o.status.success() => Ok(std::process::Command::new(name)),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(StoreError::Backend(format!("cannot run {name}: {e}")))
        }
        _ => Err(StoreError::Unsupported(format!(
            "{name} is not installed; install the PostgreSQL client tools (e.g. apt-get install postgresql-client) to back up or restore PostgreSQL"
        ))),
    }
}

fn run_tool(mut cmd: std::process::Command, what: &str) -> Result<()> {
    let out = cmd.output().map_err(|e| StoreError::Backend(format!("cannot run {what}: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        Err(StoreError::Backend(format!("{what} failed: {}", crate::config::redact_url_password(first))))
    }
}

impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn location(&self) -> String {
        self.shown.clone()
    }

    fn read(&self) -> Result<Box<dyn Tx + '_>> {
        Ok(Box::new(PgTx::begin(self.conn()?, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", false)?))
    }

    fn write(&self) -> Result<Box<dyn Tx + '_>> {
        Ok(Box::new(PgTx::begin(self.conn()?, "BEGIN", true)?))
    }

    fn schema(&self) -> Result<SchemaStatus> {
        let mut conn = self.conn()?;
        Ok(SchemaStatus { applied: applied(&mut conn.client)?, pending: pending(&mut conn.client)? })
    }

    fn upgrade(&self) -> Result<Vec<MigrationInfo>> {
        let mut conn = self.conn()?;
        migrate(&mut conn.client, &self.shown)
    }

    /// `pg_dump --format=custom` of the snapshot whose row counts are returned.
    fn backup_to(&self, dest: &Path, count: bool) -> Result<BTreeMap<String, i64>> {
        let mut cmd = tool("pg_dump")?;
        let mut conn = self.dedicated()?;
        let client = &mut conn.client;
        client.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").map_err(db)?;
        let snapshot: String = client.query_one("SELECT pg_export_snapshot()", &[]).map_err(db)?.get(0);
        let counts = if count { table_counts(client)? } else { BTreeMap::new() };
        let (url, password) = self.tool_env();
        cmd.args(["--format=custom", "--no-owner", "--no-privileges"])
            .arg(format!("--snapshot={snapshot}"))
            .arg(format!("--file={}", dest.display()))
            .arg(format!("--dbname={url}"));
        if let Some(p) = password {
            cmd.env("PGPASSWORD", p);
        }
        let result = run_tool(cmd, "pg_dump");
        let _ = client.batch_execute("ROLLBACK");
        result.map(|_| counts)
    }

    /// `pg_restore --clean` in one transaction: it fails whole or not at all.
    fn restore_from(&self, src: &Path) -> Result<()> {
        let mut cmd = tool("pg_restore")?;
        let (url, password) = self.tool_env();
        cmd.args([
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
        ])
        .arg(format!("--dbname={url}"))
        .arg(src);
        if let Some(p) = password {
            cmd.env("PGPASSWORD", p);
        }
        run_tool(cmd, "pg_restore")
    }

    fn serve_lock(&self, mode: ServeMode) -> Result<Option<ServeLock>> {
        let mut conn = self.dedicated()?;
        let sql = match mode {
            ServeMode::Exclusive => "SELECT pg_try_advisory_lock($1)",
            ServeMode::Shared => "SELECT pg_try_advisory_lock_shared($1)",
        };
        let got: bool = conn.client.query_one(sql, &[&SERVE_LOCK]).map_err(db)?.get(0);
        Ok(got.then(|| ServeLock(Box::new(std::sync::Mutex::new(conn)))))
    }

    fn job_lock(&self, job: &str) -> Result<Option<ServeLock>> {
        let key = JOB_LOCK_BASE + job.bytes().fold(0i64, |h, b| (h * 31 + i64::from(b)) & 0xffff);
        let mut conn = self.dedicated()?;
        let got: bool = conn.client.query_one("SELECT pg_try_advisory_lock($1)", &[&key]).map_err(db)?.get(0);
        Ok(got.then(|| ServeLock(Box::new(std::sync::Mutex::new(conn)))))
    }

    fn change_listener(&self) -> Result<Option<Box<dyn ChangeListener>>> {
        let mut conn = self.connector.connect().map_err(db)?;
        conn.client.batch_execute("LISTEN helpdesk_changes").map_err(db)?;
        Ok(Some(Box::new(PgListener(conn))))
    }

    fn served(&self) -> Result<bool> {
        let mut conn = self.conn()?;
        let (hi, lo) = ((SERVE_LOCK >> 32) as i32 as i64 & 0xffff_ffff, SERVE_LOCK as i32 as i64 & 0xffff_ffff);
        let n: i64 = conn
            .client
            .query_one(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = \
                 (SELECT oid FROM pg_database WHERE datname = current_database()) AND classid::bigint = $1 AND objid::bigint = $2",
                &[&hi, &lo],
            )
            .map_err(db)?
            .get(0);
        Ok(n > 0)
    }
}

/// Checks a `pg_dump` archive without changing anything: `pg_restore` must
/// read every table's data to the end; the rows of each table are counted as
/// they stream past, and the schema version is read from the migrations table.
pub fn verify_dump(path: &Path) -> Result<Verification> {
    use std::io::BufRead;
    let shown = path.display().to_string();
    let corrupt = |message: String| StoreError::Corrupt { path: shown.clone(), message };
    let mut child = tool("pg_restore")?
        .args(["--data-only", "--file=-"])
        .arg(path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| StoreError::Backend(format!("cannot run pg_restore: {e}")))?;
    let stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::BufReader::new(stderr), &mut text);
        text
    });
    let mut rows: BTreeMap<String, i64> = TABLES.iter().map(|t| (t.to_string(), 0)).collect();
    rows.insert("refinery_schema_history".into(), 0);
    let mut schema_version = 0i64;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, child.stdout.take().expect("piped"));
    let mut line = Vec::with_capacity(256);
    // The table whose COPY data is being read, if any.
    let mut table: Option<String> = None;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(|e| corrupt(e.to_string()))? == 0 {
            break;
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        match &table {
            Some(_) if text == b"\\." => table = None,
            Some(t) => {
                *rows.entry(t.clone()).or_default() += 1;
                if t == "refinery_schema_history"
                    && let Some(v) = text.split(|b| *b == b'\t').next()
                    && let Ok(v) = std::str::from_utf8(v).unwrap_or("").parse::<i64>()
                {
                    schema_version = schema_version.max(v);
                }
            }
            None => {
                if let Some(rest) = text.strip_prefix(b"COPY ")
                    && text.ends_with(b"FROM stdin;")
                {
                    let name = String::from_utf8_lossy(rest).split([' ', '(']).next().unwrap_or("").to_string();
                    let name = name.rsplit('.').next().unwrap_or("").trim_matches('"').to_string();
                    table = Some(name);
                }
            }
        }
    }
    let status = child.wait().map_err(|e| StoreError::Backend(format!("cannot run pg_restore: {e}")))?;
    let errors = errors.join().unwrap_or_default();
    if !status.success() || table.is_some() {
        let first =
            errors.lines().find(|l| !l.trim().is_empty()).unwrap_or("the archive ends in the middle of a table");
        return Err(corrupt(format!("pg_restore cannot read it: {first}")));
    }
    if schema_version == 0 {
        return Err(corrupt("it holds no helpdesk schema history".into()));
    }
    if schema_version > known_version() {
        return Err(StoreError::NewerSchema { found: schema_version, known: known_version() });
    }
    Ok(Verification { integrity: "ok".into(), rows, schema_version })
}

/// One transaction on one pooled connection; rolled back on drop unless committed.
pub struct PgTx {
    conn: r2d2::PooledConnection<Manager>,
    open: bool,
    /// A statement failed: PostgreSQL has aborted the transaction, and a COMMIT
    /// would quietly roll back, so commit is refused instead.
    failed: bool,
}

type Params<'a> = Vec<Box<dyn ToSql + Sync + 'a>>;

fn refs<'a>(p: &'a Params<'_>) -> Vec<&'a (dyn ToSql + Sync)> {
    p.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect()
}

impl PgTx {
    fn begin(mut conn: r2d2::PooledConnection<Manager>, begin: &str, write: bool) -> Result<PgTx> {
        conn.client.batch_execute(begin).map_err(db)?;
        let mut tx = PgTx { conn, open: true, failed: false };
        if write {
            tx.exec("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
        }
        Ok(tx)
    }

    fn query(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let result = self.conn.statement(sql).and_then(|st| self.conn.client.query(&st, params));
        self.check(result)
    }

    fn check<T>(&mut self, result: std::result::Result<T, ::postgres::Error>) -> Result<T> {
        result.map_err(|e| {
            self.failed = true;
            db(e)
        })
    }

    fn opt(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    fn one(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row> {
        self.opt(sql, params)?.ok_or_else(|| StoreError::Backend(format!("no row from: {sql}")))
    }

    fn exec(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let result = self.conn.statement(sql).and_then(|st| self.conn.client.execute(&st, params));
        self.check(result)
    }
}

impl Drop for PgTx {
    fn drop(&mut self) {
        if self.open
            && let Err(e) = self.conn.client.batch_execute("ROLLBACK")
        {
            tracing::warn!(error = %e, "rollback failed");
        }
    }
}

impl Tx for PgTx {
    fn commit(mut self: Box<Self>) -> Result<()> {
        if self.failed {
            return Err(StoreError::Backend("a statement failed, so the transaction was rolled back".into()));
        }
        self.conn.client.batch_execute("COMMIT").map_err(db)?;
        self.open = false;
        Ok(())
    }
}

fn parse<T: Named>(s: String) -> Result<T> {
    T::parse_named(&s).map_err(|e| StoreError::Backend(e.to_string()))
}

/// Ids are bigints.
macro_rules! sql_id {
    ($($id:ty),+) => {$(
        impl ToSql for $id {
            fn to_sql(
                &self,
                ty: &::postgres::types::Type,
                out: &mut bytes::BytesMut,
            ) -> std::result::Result<::postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
                self.0.to_sql(ty, out)
            }

            fn accepts(ty: &::postgres::types::Type) -> bool {
                <i64 as ToSql>::accepts(ty)
            }

            ::postgres::types::to_sql_checked!();
        }

        impl<'a> ::postgres::types::FromSql<'a> for $id {
            fn from_sql(
                ty: &::postgres::types::Type,
                raw: &'a [u8],
            ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
                i64::from_sql(ty, raw).map(Self)
            }

            fn accepts(ty: &::postgres::types::Type) -> bool {
                <i64 as ::postgres::types::FromSql>::accepts(ty)
            }
        }
    )+};
}
sql_id!(BranchId, WarehouseId, CartridgeTypeId, PrinterId);

/// The arguments of a filter built in [`sql`], as PostgreSQL values.
fn values(args: Vec<sql::Arg>) -> Params<'static> {
    args.into_iter()
        .map(|a| -> Box<dyn ToSql + Sync> {
            match a {
                sql::Arg::Text(s) => Box::new(s),
                sql::Arg::Int(n) => Box::new(n),
                sql::Arg::Bool(b) => Box::new(b),
            }
        })
        .collect()
}

/// Matches `$1` whatever the case of its ASCII letters, and only theirs: the
/// expression of the unique indexes on codes and vendor articles (migration
/// 5), as SQLite's NOCASE has it.
macro_rules! code_matches {
    ($column:literal) => {
        concat!(
            "translate(",
            $column,
            ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = ",
            "translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
        )
    };
}
const BRANCH_BY_CODE: &str = sql::text!(sql::BRANCHES.postgres(), " WHERE ", code_matches!("code"));
const WAREHOUSE_BY_CODE: &str = sql::text!(sql::WAREHOUSES.postgres(), " WHERE ", code_matches!("code"));
const PRINTER_BY_INVENTORY_NUMBER: &str =
    sql::text!(sql::PRINTERS.postgres(), " WHERE ", code_matches!("p.inventory_number"));
const CARTRIDGE_TYPE_BY_ARTICLE: &str =
    sql::text!(sql::CARTRIDGE_TYPES.postgres(), " WHERE ", code_matches!("vendor_article"));

// ---------------------------------------------------------------- directory

fn branch(r: &Row) -> Branch {
    Branch { id: r.get(0), code: r.get(1), name: r.get(2), address: r.get(3), created_at: r.get(4) }
}

fn warehouse(r: &Row) -> Warehouse {
    Warehouse {
        id: r.get(0),
        code: r.get(1),
        name: r.get(2),
        branch_id: r.get(3),
        one_c_id: r.get(4),
        created_at: r.get(5),
    }
}

fn user(r: &Row) -> Result<User> {
    Ok(User {
        telegram_id: r.get(0),
        full_name: r.get(1),
        username: r.get(2),
        phone: r.get(3),
        role: parse(r.get(4))?,
        branch_id: r.get(5),
        language: r.get::<_, Option<String>>(6).map(parse).transpose()?,
        blocked: r.get(7),
        on_duty: r.get(8),
        bot_blocked_at: r.get(9),
        created_at: r.get(10),
        last_seen_at: r.get(11),
    })
}

impl Directory for PgTx {
    fn branches(&mut self) -> Result<Vec<Branch>> {
        Ok(listed(self.query(sql::BRANCHES.postgres(), &[])?.iter().map(branch).collect()))
    }

    fn branch(&mut self, id: BranchId) -> Result<Option<Branch>> {
        Ok(self.opt(sql::BRANCH_BY_ID.postgres(), &[&id])?.as_ref().map(branch))
    }

    fn branch_by_code(&mut self, code: &str) -> Result<Option<Branch>> {
        Ok(self.opt(BRANCH_BY_CODE, &[&code])?.as_ref().map(branch))
    }

    fn branch_by_name(&mut self, name: &str) -> Result<Option<Branch>> {
        Ok(self.opt(sql::BRANCH_BY_NAME.postgres(), &[&name])?.as_ref().map(branch))
    }

    fn insert_branch(&mut self, new: &NewBranch, at: DateTime<Utc>) -> Result<Branch> {
        let r = self.one(sql::INSERT_BRANCH.postgres(), &[&new.code, &new.name, &new.address, &at])?;
        Ok(Branch {
            id: r.get(0),
            code: new.code.clone(),
            name: new.name.clone(),
            address: new.address.clone(),
            created_at: at,
        })
    }

    fn update_branch(&mut self, b: &Branch) -> Result<()> {
        self.exec(sql::UPDATE_BRANCH.postgres(), &[&b.id, &b.code, &b.name, &b.address])?;
        Ok(())
    }

    fn warehouses(&mut self) -> Result<Vec<Warehouse>> {
        Ok(listed(self.query(sql::WAREHOUSES.postgres(), &[])?.iter().map(warehouse).collect()))
    }

    fn warehouse(&mut self, id: WarehouseId) -> Result<Option<Warehouse>> {
        Ok(self.opt(sql::WAREHOUSE_BY_ID.postgres(), &[&id])?.as_ref().map(warehouse))
    }

    fn warehouse_by_code(&mut self, code: &str) -> Result<Option<Warehouse>> {
        Ok(self.opt(WAREHOUSE_BY_CODE, &[&code])?.as_ref().map(warehouse))
    }

    fn warehouse_by_name(&mut self, name: &str) -> Result<Option<Warehouse>> {
        Ok(self.opt(sql::WAREHOUSE_BY_NAME.postgres(), &[&name])?.as_ref().map(warehouse))
    }

    fn warehouse_by_one_c_id(&mut self, one_c_id: &str) -> Result<Option<Warehouse>> {
        Ok(self.opt(sql::WAREHOUSE_BY_ONE_C_ID.postgres(), &[&one_c_id])?.as_ref().map(warehouse))
    }

    fn insert_warehouse(&mut self, new: &NewWarehouse, at: DateTime<Utc>) -> Result<Warehouse> {
        let r =
            self.one(sql::INSERT_WAREHOUSE.postgres(), &[&new.code, &new.name, &new.branch_id, &new.one_c_id, &at])?;
        Ok(Warehouse {
            id: r.get(0),
            code: new.code.clone(),
            name: new.name.clone(),
            branch_id: new.branch_id,
            one_c_id: new.one_c_id.clone(),
            created_at: at,
        })
    }

    fn update_warehouse(&mut self, w: &Warehouse) -> Result<()> {
        self.exec(sql::UPDATE_WAREHOUSE.postgres(), &[&w.id, &w.code, &w.name, &w.branch_id, &w.one_c_id])?;
        Ok(())
    }

    fn users(&mut self, f: &UserFilter) -> Result<Vec<User>> {
        let (sql, args) = sql::users(f, sql::Marks::Postgres);
        let args = values(args);
        self.query(&sql, &refs(&args))?.iter().map(user).collect::<Result<_>>().map(listed)
    }

    fn user(&mut self, telegram_id: i64) -> Result<Option<User>> {
        self.opt(sql::USER_BY_ID.postgres(), &[&telegram_id])?.as_ref().map(user).transpose()
    }

    fn insert_user(&mut self, u: &User) -> Result<()> {
        self.exec(
            sql::INSERT_USER.postgres(),
            &[
                &u.telegram_id,
                &u.full_name,
                &u.username,
                &u.phone,
                &u.role.as_str(),
                &u.branch_id,
                &u.language.map(|l| l.as_str()),
                &u.blocked,
                &u.on_duty,
                &u.bot_blocked_at,
                &u.created_at,
                &u.last_seen_at,
            ],
        )?;
        Ok(())
    }

    fn update_user(&mut self, u: &User) -> Result<()> {
        let n = self.exec(
            sql::UPDATE_USER.postgres(),
            &[
                &u.telegram_id,
                &u.full_name,
                &u.username,
                &u.phone,
                &u.role.as_str(),
                &u.branch_id,
                &u.language.map(|l| l.as_str()),
                &u.blocked,
                &u.on_duty,
                &u.bot_blocked_at,
                &u.last_seen_at,
            ],
        )?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("user {} does not exist", u.telegram_id)));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- catalog

fn cartridge(r: &Row) -> CartridgeType {
    CartridgeType {
        id: r.get(0),
        name: r.get(1),
        vendor_article: r.get(2),
        compatible_printers: r.get(3),
        one_c_id: r.get(4),
        min_stock: r.get(5),
        created_at: r.get(6),
    }
}

impl Catalog for PgTx {
    fn cartridge_types(&mut self) -> Result<Vec<CartridgeType>> {
        Ok(listed(self.query(sql::CARTRIDGE_TYPES.postgres(), &[])?.iter().map(cartridge).collect()))
    }

    fn cartridge_type(&mut self, id: CartridgeTypeId) -> Result<Option<CartridgeType>> {
        Ok(self.opt(sql::CARTRIDGE_TYPE_BY_ID.postgres(), &[&id])?.as_ref().map(cartridge))
    }

    fn cartridge_type_by_article(&mut self, article: &str) -> Result<Option<CartridgeType>> {
        Ok(self.opt(CARTRIDGE_TYPE_BY_ARTICLE, &[&article])?.as_ref().map(cartridge))
    }

    fn cartridge_type_by_one_c_id(&mut self, one_c_id: &str) -> Result<Option<CartridgeType>> {
        Ok(self.opt(sql::CARTRIDGE_TYPE_BY_ONE_C_ID.postgres(), &[&one_c_id])?.as_ref().map(cartridge))
    }

    fn insert_cartridge_type(&mut self, n: &NewCartridgeType, at: DateTime<Utc>) -> Result<CartridgeType> {
        let r = self.one(
            sql::INSERT_CARTRIDGE_TYPE.postgres(),
            &[&n.name, &n.vendor_article, &n.compatible_printers, &n.one_c_id, &n.min_stock, &at],
        )?;
        Ok(CartridgeType {
            id: r.get(0),
            name: n.name.clone(),
            vendor_article: n.vendor_article.clone(),
            compatible_printers: n.compatible_printers.clone(),
            one_c_id: n.one_c_id.clone(),
            min_stock: n.min_stock,
            created_at: at,
        })
    }

    fn update_cartridge_type(&mut self, c: &CartridgeType) -> Result<()> {
        self.exec(
            sql::UPDATE_CARTRIDGE_TYPE.postgres(),
            &[&c.id, &c.name, &c.vendor_article, &c.compatible_printers, &c.one_c_id, &c.min_stock],
        )?;
        Ok(())
    }

    fn stock(&mut self, f: &StockFilter) -> Result<Vec<StockRow>> {
        let (sql, args) = sql::stock(f, sql::Marks::Postgres);
        let args = values(args);
        Ok(listed(
            self.query(&sql, &refs(&args))?
                .iter()
                .map(|r| StockRow {
                    cartridge_type_id: r.get(0),
                    vendor_article: r.get(1),
                    cartridge_name: r.get(2),
                    warehouse_id: r.get(3),
                    warehouse_name: r.get(4),
                    quantity: r.get(5),
                    min_stock: r.get(6),
                    updated_at: r.get(7),
                    empty: r.get(8),
                })
                .collect(),
        ))
    }

    fn stock_level(&mut self, cartridge_type_id: CartridgeTypeId, warehouse_id: WarehouseId) -> Result<Option<i64>> {
        Ok(self.opt(sql::STOCK_LEVEL.postgres(), &[&cartridge_type_id, &warehouse_id])?.map(|r| r.get(0)))
    }

    fn stock_levels(&mut self, cartridge_type_id: CartridgeTypeId, warehouse_id: WarehouseId) -> Result<StockLevels> {
        Ok(self
            .opt(sql::STOCK_LEVELS.postgres(), &[&cartridge_type_id, &warehouse_id])?
            .map(|r| StockLevels { full: r.get(0), empty: r.get(1) })
            .unwrap_or_default())
    }

    fn move_stock(&mut self, m: &NewStockMove) -> Result<StockLevels> {
        let (t, w) = (m.cartridge_type_id, m.warehouse_id);
        self.exec(sql::ENSURE_STOCK_ROW.postgres(), &[&t, &w, &m.at])?;
        let Some(after) = self.opt(sql::MOVE_STOCK.postgres(), &[&t, &w, &m.full, &m.empty, &m.at])? else {
            let before = self.stock_levels(t, w)?;
            let article = self
                .opt(sql::ARTICLE_OF.postgres(), &[&t])?
                .map(|r| r.get(0))
                .unwrap_or_else(|| format!("cartridge #{t}"));
            let warehouse = self
                .opt(sql::WAREHOUSE_NAME_OF.postgres(), &[&w])?
                .map(|r| r.get(0))
                .unwrap_or_else(|| format!("warehouse #{w}"));
            return Err(super::refused_move(m, before, article, warehouse));
        };
        self.exec(
            sql::INSERT_MOVE.postgres(),
            &[
                &m.at,
                &w,
                &t,
                &m.kind.as_str(),
                &m.full,
                &m.empty,
                &m.request_id,
                &m.issue_id,
                &m.actor,
                &m.note,
                &m.batch_id,
            ],
        )?;
        if m.kind == crate::domain::MoveKind::Issue {
            self.exec(sql::ADD_ISSUED_DAY.postgres(), &[&w, &t, &day_number(m.at), &-m.full])?;
        }
        Ok(StockLevels { full: after.get(0), empty: after.get(1) })
    }

    fn at_contractors(&mut self) -> Result<Vec<(WarehouseId, CartridgeTypeId, i64)>> {
        Ok(self
            .query(sql::BOOKS_REFILLS.postgres(), &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get::<_, i64>(2) - r.get::<_, i64>(3) - r.get::<_, i64>(4)))
            .collect())
    }

    fn issued_days(&mut self, since: i64) -> Result<Vec<IssuedDay>> {
        Ok(self
            .query(sql::ISSUED_DAYS_SINCE.postgres(), &[&since])?
            .iter()
            .map(|r| IssuedDay {
                warehouse_id: r.get(0),
                cartridge_type_id: r.get(1),
                day: r.get(2),
                quantity: r.get(3),
            })
            .collect())
    }

    fn stock_books(&mut self) -> Result<Vec<Books>> {
        let stock = self
            .query(sql::BOOKS_STOCK.postgres(), &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
            .collect();
        let moves = self
            .query(sql::BOOKS_MOVES.postgres(), &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
            .collect();
        let issues = self
            .query(sql::BOOKS_ISSUES.postgres(), &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect();
        let refills = self
            .query(sql::BOOKS_REFILLS.postgres(), &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
            .collect();
        let by_day = self
            .query(sql::BOOKS_ISSUED_DAYS.postgres(), &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        Ok(super::books_from(stock, moves, issues, refills, by_day))
    }
}

// ---------------------------------------------------------------- requests

fn request(r: &Row) -> Result<Request> {
    Ok(Request {
        id: r.get(0),
        kind: parse(r.get(1))?,
        author_id: r.get(2),
        author_name: r.get(3),
        branch_id: r.get(4),
        branch_code: r.get(5),
        branch_name: r.get(6),
        contact_name: r.get(7),
        contact_phone: r.get(8),
        description: r.get(9),
        priority: parse(r.get(10))?,
        status: parse(r.get(11))?,
        assignee_id: r.get(12),
        assignee_name: r.get(13),
        rejection_reason: r.get(14),
        created_at: r.get(15),
        accepted_at: r.get(16),
        closed_at: r.get(17),
        archived_at: r.get(18),
        sla_level: r.get(19),
        sla_notified_at: r.get(20),
        client_key: r.get(21),
        sla_resolve_level: r.get(22),
        waiting: r.get::<_, Option<String>>(23).map(parse).transpose()?,
        waiting_since: r.get(24),
        waited_seconds: r.get(25),
    })
}

/// The WHERE clause and arguments for a query. A list of values is one array
/// (`= ANY`), and search compares text folded by `translate` with
/// `domain::text`'s table.
fn request_where(q: &RequestQuery) -> (String, Params<'static>) {
    let mut sql = String::from(" WHERE true");
    let mut args: Params = Vec::new();
    if !q.statuses.is_empty() {
        args.push(Box::new(q.statuses.iter().map(|s| s.as_str().to_string()).collect::<Vec<_>>()));
        sql.push_str(&format!(" AND r.status = ANY(${})", args.len()));
    }
    if !q.kind_filter().is_empty() {
        args.push(Box::new(q.kind_filter().iter().map(|k| k.as_str().to_string()).collect::<Vec<_>>()));
        sql.push_str(&format!(" AND r.kind = ANY(${})", args.len()));
    }
    if !q.priorities.is_empty() {
        args.push(Box::new(q.priorities.iter().map(|p| p.as_str().to_string()).collect::<Vec<_>>()));
        sql.push_str(&format!(" AND r.priority = ANY(${})", args.len()));
    }
    if !q.waiting.is_empty() {
        args.push(Box::new(q.waiting.iter().map(|w| w.as_str().to_string()).collect::<Vec<_>>()));
        sql.push_str(&format!(" AND r.waiting = ANY(${})", args.len()));
    }
    if let Some(search) = &q.search {
        use crate::domain::text::{FOLD_FROM, FOLD_TO};
        let pattern = format!("%{}%", search.text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        args.push(Box::new(pattern));
        let n = args.len();
        let text = format!(
            "translate(r.description, '{FOLD_FROM}', '{FOLD_TO}') LIKE ${n} \
             OR translate(r.contact_name, '{FOLD_FROM}', '{FOLD_TO}') LIKE ${n} OR r.contact_phone LIKE ${n}"
        );
        match search.number {
            Some(id) => {
                args.push(Box::new(id));
                sql.push_str(&format!(" AND (r.id = ${} OR {text})", args.len()));
            }
            None => sql.push_str(&format!(" AND ({text})")),
        }
    }
    if let Some(key) = &q.after {
        args.push(Box::new(key.created_at));
        let at = args.len();
        args.push(Box::new(key.id));
        let id = args.len();
        if matches!(q.order, RequestOrder::Queue | RequestOrder::ReverseQueue) {
            // The rank's CASE is an integer.
            args.push(Box::new(key.rank() as i32));
        }
        sql.push_str(&sql::after(q.order, sql::Marks::Postgres, args.len(), at, id));
    }
    let mut eq = |column: &str, v: Option<Box<dyn ToSql + Sync>>, sql: &mut String| {
        if let Some(v) = v {
            args.push(v);
            sql.push_str(&format!(" AND {column} ${}", args.len()));
        }
    };
    eq("r.branch_id =", q.branch_id.map(|v| Box::new(v) as _), &mut sql);
    eq("r.author_id =", q.author_id.map(|v| Box::new(v) as _), &mut sql);
    eq("r.assignee_id =", q.assignee_id.map(|v| Box::new(v) as _), &mut sql);
    eq("r.created_at >=", q.since.map(|v| Box::new(v) as _), &mut sql);
    eq("r.created_at <", q.until.map(|v| Box::new(v) as _), &mut sql);
    eq("r.closed_at >=", q.closed_since.map(|v| Box::new(v) as _), &mut sql);
    eq("r.closed_at <", q.closed_before.map(|v| Box::new(v) as _), &mut sql);
    match q.archived {
        ArchivedFilter::Exclude => sql.push_str(" AND r.archived_at IS NULL"),
        ArchivedFilter::Only => sql.push_str(" AND r.archived_at IS NOT NULL"),
        ArchivedFilter::Include => {}
    }
    (sql, args)
}

/// A request by id, its row locked until the transaction ends.
const LOCK_REQUEST: &str = sql::text!(sql::REQUEST_BY_ID.postgres(), " FOR UPDATE OF r");

impl Requests for PgTx {
    fn insert_request(&mut self, n: &NewRequest) -> Result<i64> {
        let id: i64 = self
            .one(
                sql::INSERT_REQUEST.postgres(),
                &[
                    &n.kind.as_str(),
                    &n.author_id,
                    &n.branch_id,
                    &n.contact_name,
                    &n.contact_phone,
                    &n.description,
                    &n.priority.as_str(),
                    &n.status.as_str(),
                    &n.assignee_id,
                    &n.rejection_reason,
                    &n.created_at,
                    &n.accepted_at,
                    &n.closed_at,
                    &n.archived_at,
                    &n.client_key,
                ],
            )?
            .get(0);
        for item in &n.items {
            self.exec(
                sql::INSERT_ITEM.postgres(),
                &[&id, &item.cartridge_type_id, &item.quantity, &item.issued_quantity, &item.comment, &item.printer_id],
            )?;
        }
        Ok(id)
    }

    fn request(&mut self, id: i64) -> Result<Option<Request>> {
        self.opt(sql::REQUEST_BY_ID.postgres(), &[&id])?.as_ref().map(request).transpose()
    }

    fn request_by_client_key(&mut self, key: &str) -> Result<Option<Request>> {
        self.opt(sql::REQUEST_BY_CLIENT_KEY.postgres(), &[&key])?.as_ref().map(request).transpose()
    }

    fn lock_request(&mut self, id: i64) -> Result<Option<Request>> {
        self.opt(LOCK_REQUEST, &[&id])?.as_ref().map(request).transpose()
    }

    fn update_request(&mut self, r: &Request) -> Result<()> {
        let n = self.exec(
            sql::UPDATE_REQUEST.postgres(),
            &[
                &r.id,
                &r.status.as_str(),
                &r.assignee_id,
                &r.rejection_reason,
                &r.accepted_at,
                &r.closed_at,
                &r.archived_at,
                &r.sla_level,
                &r.sla_notified_at,
                &r.sla_resolve_level,
                &r.waiting.map(|w| w.as_str()),
                &r.waiting_since,
                &r.waited_seconds,
            ],
        )?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("request {} does not exist", r.id)));
        }
        Ok(())
    }

    fn scan_requests(&mut self, q: &RequestQuery, each: &mut dyn FnMut(Request) -> Result<bool>) -> Result<()> {
        let (filter, mut args) = request_where(q);
        args.push(Box::new(q.limit.map(|l| l.min(i64::MAX as u64) as i64)));
        args.push(Box::new(q.offset.min(i64::MAX as u64) as i64));
        let n = args.len();
        let sql =
            format!("{}{filter}{} LIMIT ${} OFFSET ${}", sql::REQUESTS.postgres(), sql::order_by(q.order), n - 1, n);
        // Large scans stream through a portal, so memory stays flat.
        let st = self.conn.statement(&sql).map_err(db)?;
        let params = refs(&args);
        self.failed = true; // cleared below once the whole scan has read without error
        let mut rows = self.conn.client.query_raw(&st, params.iter().copied()).map_err(db)?;
        use ::postgres::fallible_iterator::FallibleIterator;
        let result = (|| {
            while let Some(row) = rows.next().map_err(db)? {
                if !each(request(&row)?)? {
                    break;
                }
            }
            Ok(())
        })();
        drop(rows);
        self.failed = result.is_err();
        result
    }

    fn request_times(&mut self, q: &RequestQuery) -> Result<Vec<RequestTimes>> {
        let (filter, args) = request_where(q);
        self.query(&format!("{}{filter}", sql::REQUEST_TIMES), &refs(&args))?
            .iter()
            .map(|r| {
                Ok(RequestTimes {
                    branch_id: r.get(0),
                    kind: parse(r.get(1))?,
                    priority: parse(r.get(2))?,
                    status: parse(r.get(3))?,
                    created_at: r.get(4),
                    accepted_at: r.get(5),
                    closed_at: r.get(6),
                    waiting_since: r.get(7),
                    waited_seconds: r.get(8),
                })
            })
            .collect()
    }

    fn count_requests(&mut self, q: &RequestQuery) -> Result<u64> {
        let (filter, args) = request_where(q);
        let n: i64 = self.one(&format!("{}{filter}", sql::COUNT_REQUESTS), &refs(&args))?.get(0);
        Ok(n as u64)
    }

    fn items(&mut self, request_id: i64) -> Result<Vec<RequestItem>> {
        Ok(self.query(sql::ITEMS_OF.postgres(), &[&request_id])?.iter().map(item).collect())
    }

    fn set_item_issued(&mut self, item_id: i64, issued_quantity: i64) -> Result<()> {
        let n = self.exec(sql::SET_ITEM_ISSUED.postgres(), &[&item_id, &issued_quantity])?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("request item {item_id} does not exist")));
        }
        Ok(())
    }

    fn insert_attachment(&mut self, a: &NewAttachment) -> Result<i64> {
        Ok(self
            .one(
                sql::INSERT_ATTACHMENT.postgres(),
                &[
                    &a.request_id,
                    &a.kind.as_str(),
                    &a.file_id,
                    &a.file_unique_id,
                    &a.file_name,
                    &a.mime_type,
                    &a.created_at,
                ],
            )?
            .get(0))
    }

    fn attachments(&mut self, request_id: i64) -> Result<Vec<Attachment>> {
        self.query(sql::ATTACHMENTS_OF.postgres(), &[&request_id])?
            .iter()
            .map(|r| {
                let kind: String = r.get(2);
                Ok(Attachment {
                    id: r.get(0),
                    request_id: r.get(1),
                    kind: AttachmentKind::parse(&kind)
                        .ok_or_else(|| StoreError::Backend(format!("attachment kind {kind}")))?,
                    file_id: r.get(3),
                    file_unique_id: r.get(4),
                    file_name: r.get(5),
                    mime_type: r.get(6),
                    created_at: r.get(7),
                })
            })
            .collect()
    }

    fn insert_issue(&mut self, i: &NewIssue) -> Result<i64> {
        Ok(self
            .one(
                sql::INSERT_ISSUE.postgres(),
                &[
                    &i.request_id,
                    &i.item_id,
                    &i.warehouse_id,
                    &i.quantity,
                    &i.note,
                    &i.issued_by,
                    &i.issued_at,
                    &i.empties,
                ],
            )?
            .get(0))
    }

    fn scan_items(&mut self, q: &RequestQuery, each: &mut dyn FnMut(RequestItem) -> Result<bool>) -> Result<()> {
        let (filter, args) = request_where(q);
        let sql = format!("{} {filter}{}", sql::ITEMS_OF_REQUESTS, sql::ITEMS_ORDER);
        let st = self.conn.statement(&sql).map_err(db)?;
        let params = refs(&args);
        self.failed = true; // cleared below once the whole scan has read without error
        let mut rows = self.conn.client.query_raw(&st, params.iter().copied()).map_err(db)?;
        use ::postgres::fallible_iterator::FallibleIterator;
        let result = (|| {
            while let Some(row) = rows.next().map_err(db)? {
                if !each(item(&row))? {
                    break;
                }
            }
            Ok(())
        })();
        drop(rows);
        self.failed = result.is_err();
        result
    }
}

fn item(r: &Row) -> RequestItem {
    RequestItem {
        id: r.get(0),
        request_id: r.get(1),
        cartridge_type_id: r.get(2),
        vendor_article: r.get(3),
        cartridge_name: r.get(4),
        quantity: r.get(5),
        issued_quantity: r.get(6),
        comment: r.get(7),
        printer: r.get::<_, Option<PrinterId>>(8).map(|id| ItemPrinter {
            id,
            inventory_number: r.get(9),
            model: r.get(10),
            place: r.get(11),
        }),
    }
}

// ---------------------------------------------------------------- audit

fn json(v: Option<String>) -> Result<Option<serde_json::Value>> {
    v.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Backend(e.to_string()))).transpose()
}

impl Audit for PgTx {
    fn last_log_id(&mut self) -> Result<i64> {
        Ok(self.one(sql::LAST_LOG_ID.postgres(), &[])?.get(0))
    }

    fn append_log(&mut self, l: &NewLog) -> Result<()> {
        // Delivered when this transaction commits (once, however many records
        // it adds): every listening process learns that the help desk changed.
        self.exec("SELECT pg_notify('helpdesk_changes', '')", &[])?;
        self.exec(
            sql::INSERT_LOG.postgres(),
            &[
                &l.at,
                &l.actor_id,
                &l.actor,
                &l.action,
                &l.entity,
                &l.entity_id,
                &l.before.as_ref().map(|v| v.to_string()),
                &l.after.as_ref().map(|v| v.to_string()),
            ],
        )?;
        Ok(())
    }

    fn logs(&mut self, entity: &str, entity_id: &str) -> Result<Vec<LogEntry>> {
        self.query(sql::LOGS_OF.postgres(), &[&entity, &entity_id])?
            .iter()
            .map(|r| {
                Ok(LogEntry {
                    id: r.get(0),
                    at: r.get(1),
                    actor_id: r.get(2),
                    actor: r.get(3),
                    action: r.get(4),
                    entity: r.get(5),
                    entity_id: r.get(6),
                    before: json(r.get(7))?,
                    after: json(r.get(8))?,
                })
            })
            .collect()
    }
}

// ---------------------------------------------------------------- bot

fn inbox_update(r: &Row) -> InboxUpdate {
    InboxUpdate { update_id: r.get(0), chat_id: r.get(1), payload: r.get(2) }
}

impl Inbox for PgTx {
    fn inbox_insert(&mut self, updates: &[InboxUpdate], at: DateTime<Utc>, by: &str) -> Result<u64> {
        let mut n = 0;
        for u in updates {
            n += self.exec(sql::INSERT_INBOX.postgres(), &[&u.update_id, &u.chat_id, &u.payload, &at, &by])?;
        }
        Ok(n)
    }

    fn inbox_pending(&mut self, limit: u64) -> Result<Vec<InboxUpdate>> {
        Ok(self.query(sql::INBOX_PENDING.postgres(), &[&(limit as i64)])?.iter().map(inbox_update).collect())
    }

    fn inbox_done(&mut self, update_ids: &[i64], at: DateTime<Utc>) -> Result<()> {
        // All at once, as an array.
        self.exec(
            "UPDATE telegram_inbox SET done_at = $2 WHERE update_id = ANY($1) AND done_at IS NULL",
            &[&update_ids.to_vec(), &at],
        )?;
        Ok(())
    }

    fn inbox_claim_stale(&mut self, c: &super::StaleClaim<'_>, limit: u64) -> Result<Vec<InboxUpdate>> {
        let mut claimed: Vec<InboxUpdate> = self
            .query(
                sql::CLAIM_STALE_INBOX.postgres(),
                &[&c.received_before, &c.now, &c.until, &(limit as i64), &c.by, &c.alive_since],
            )?
            .iter()
            .map(inbox_update)
            .collect();
        claimed.sort_by_key(|u| u.update_id);
        Ok(claimed)
    }

    fn inbox_last_id(&mut self) -> Result<Option<i64>> {
        Ok(self.one(sql::INBOX_LAST_ID.postgres(), &[])?.get(0))
    }

    fn inbox_prune(&mut self, before: DateTime<Utc>) -> Result<u64> {
        self.exec(sql::PRUNE_INBOX.postgres(), &[&before])
    }
}

impl Dialogues for PgTx {
    fn dialogue(&mut self, chat_id: i64) -> Result<Option<DialogueRow>> {
        Ok(self
            .opt(sql::DIALOGUE.postgres(), &[&chat_id])?
            .map(|r| DialogueRow { state: r.get(0), last_update_id: r.get(1) }))
    }

    fn set_dialogue(&mut self, chat_id: i64, row: &DialogueRow, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::SET_DIALOGUE.postgres(), &[&chat_id, &row.state, &row.last_update_id, &at])?;
        Ok(())
    }
}

impl Outbox for PgTx {
    fn outbox_push(&mut self, chat_id: i64, notice: &str, at: DateTime<Utc>) -> Result<i64> {
        Ok(self.one(sql::PUSH_NOTICE.postgres(), &[&chat_id, &notice, &at])?.get(0))
    }

    fn outbox_push_reply(
        &mut self,
        chat_id: i64,
        notice: &str,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
        by: &str,
    ) -> Result<i64> {
        // `priority` is a smallint.
        Ok(self
            .one(sql::PUSH_REPLY.postgres(), &[&chat_id, &notice, &(super::OUTBOX_REPLY as i16), &at, &until, &by])?
            .get(0))
    }

    fn outbox_push_email(&mut self, address: &str, notice: &str, at: DateTime<Utc>) -> Result<i64> {
        Ok(self.one(sql::PUSH_EMAIL.postgres(), &[&address, &notice, &at])?.get(0))
    }

    fn outbox_push_broadcast(
        &mut self,
        broadcast_id: i64,
        chat_id: i64,
        notice: &str,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(self.one(sql::PUSH_BROADCAST.postgres(), &[&chat_id, &notice, &broadcast_id, &at])?.get(0))
    }

    fn outbox_due(
        &mut self,
        now: DateTime<Utc>,
        alive_since: DateTime<Utc>,
        limit: u64,
        per_chat: u64,
    ) -> Result<Vec<OutboxMessage>> {
        Ok(self
            .query(sql::OUTBOX_DUE.postgres(), &[&now, &(limit as i64), &(per_chat as i64), &alive_since])?
            .iter()
            .map(|r| OutboxMessage {
                id: r.get(0),
                chat_id: r.get(1),
                broadcast_id: r.get(2),
                notice: r.get(3),
                created_at: r.get(4),
                send_after: r.get(5),
                attempts: r.get(6),
                email: r.get(7),
                priority: i64::from(r.get::<_, i16>(8)),
            })
            .collect())
    }

    fn outbox_lease(&mut self, ids: &[i64], until: DateTime<Utc>, by: &str) -> Result<()> {
        // All at once, as an array.
        self.exec(
            "UPDATE outbox SET send_after = $2, leased_by = $3 WHERE id = ANY($1)",
            &[&ids.to_vec(), &until, &by],
        )?;
        Ok(())
    }

    fn outbox_release(&mut self, now: DateTime<Utc>) -> Result<u64> {
        self.exec(sql::RELEASE_OUTBOX.postgres(), &[&now])
    }

    fn outbox_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::OUTBOX_SENT.postgres(), &[&id, &at])?;
        Ok(())
    }

    fn outbox_retry(&mut self, id: i64, after: DateTime<Utc>, error: &str) -> Result<()> {
        self.exec(sql::OUTBOX_RETRY.postgres(), &[&id, &after, &error])?;
        Ok(())
    }

    fn outbox_defer(&mut self, id: i64, after: DateTime<Utc>) -> Result<()> {
        self.exec(sql::OUTBOX_DEFER.postgres(), &[&id, &after])?;
        Ok(())
    }

    fn outbox_failed(&mut self, id: i64, at: DateTime<Utc>, error: &str) -> Result<()> {
        self.exec(sql::OUTBOX_FAILED.postgres(), &[&id, &at, &error])?;
        Ok(())
    }
}

fn printer(r: &Row) -> Printer {
    Printer {
        id: r.get(0),
        branch_id: r.get(1),
        branch_code: r.get(2),
        branch_name: r.get(3),
        inventory_number: r.get(4),
        model: r.get(5),
        place: r.get(6),
        serial: r.get(7),
        cartridge_type_ids: Vec::new(),
        created_at: r.get(8),
        retired_at: r.get(9),
    }
}

impl PgTx {
    /// A printer as read, with its cartridge types.
    fn with_cartridges(&mut self, row: Option<Row>) -> Result<Option<Printer>> {
        let Some(mut p) = row.as_ref().map(printer) else { return Ok(None) };
        p.cartridge_type_ids =
            self.query(sql::PRINTER_CARTRIDGES.postgres(), &[&p.id])?.iter().map(|r| r.get(1)).collect();
        Ok(Some(p))
    }

    fn set_printer_cartridges(&mut self, id: PrinterId, types: &[CartridgeTypeId]) -> Result<()> {
        self.exec(sql::FORGET_PRINTER_CARTRIDGES.postgres(), &[&id])?;
        for t in types {
            self.exec(sql::ADD_PRINTER_CARTRIDGE.postgres(), &[&id, t])?;
        }
        Ok(())
    }
}

fn contractor_of(r: &Row) -> Contractor {
    Contractor { id: r.get(0), name: r.get(1), contacts: r.get(2), created_at: r.get(3) }
}

fn batch_of(r: &Row) -> RefillBatch {
    RefillBatch {
        id: r.get(0),
        contractor_id: r.get(1),
        contractor: r.get(2),
        contacts: r.get(3),
        warehouse_id: r.get(4),
        warehouse: r.get(5),
        sent_at: r.get(6),
        sent_by: r.get(7),
        note: r.get(8),
        closed_at: r.get(9),
        lines: Vec::new(),
    }
}

fn line_of(r: &Row) -> (i64, RefillLine) {
    (
        r.get(0),
        RefillLine {
            id: r.get(1),
            cartridge_type_id: r.get(2),
            article: r.get(3),
            cartridge: r.get(4),
            sent: r.get(5),
            received: r.get(6),
            rejected: r.get(7),
            reject_reason: r.get(8),
        },
    )
}

impl Refills for PgTx {
    fn contractors(&mut self) -> Result<Vec<Contractor>> {
        let mut all: Vec<Contractor> =
            self.query(sql::CONTRACTORS.postgres(), &[])?.iter().map(contractor_of).collect();
        all.sort_by(|a, b| alphabetical(&a.name, &b.name));
        Ok(all)
    }

    fn contractor(&mut self, id: i64) -> Result<Option<Contractor>> {
        Ok(self.opt(sql::CONTRACTOR_BY_ID.postgres(), &[&id])?.as_ref().map(contractor_of))
    }

    fn insert_contractor(&mut self, new: &NewContractor, at: DateTime<Utc>) -> Result<Contractor> {
        let id: i64 = self.one(sql::INSERT_CONTRACTOR.postgres(), &[&new.name, &new.contacts, &at])?.get(0);
        self.contractor(id)?.ok_or_else(|| StoreError::Backend("a contractor just added is gone".into()))
    }

    fn insert_refill_batch(&mut self, new: &NewRefillBatch) -> Result<i64> {
        let id: i64 = self
            .one(
                sql::INSERT_BATCH.postgres(),
                &[&new.contractor_id, &new.warehouse_id, &new.sent_at, &new.sent_by, &new.note],
            )?
            .get(0);
        for (cartridge, sent) in &new.lines {
            self.exec(sql::INSERT_REFILL_LINE.postgres(), &[&id, cartridge, sent])?;
        }
        Ok(id)
    }

    fn refill_batch(&mut self, id: i64) -> Result<Option<RefillBatch>> {
        let Some(batch) = self.opt(sql::BATCH_BY_ID.postgres(), &[&id])?.as_ref().map(batch_of) else {
            return Ok(None);
        };
        let lines = self.query(sql::BATCH_LINES.postgres(), &[&id])?.iter().map(line_of).collect();
        Ok(super::with_lines(vec![batch], lines).pop())
    }

    fn refill_batches(&mut self, open_only: bool) -> Result<Vec<RefillBatch>> {
        let list = if open_only { sql::OPEN_BATCHES } else { sql::BATCHES };
        let batches = self.query(list.postgres(), &[])?.iter().map(batch_of).collect();
        let lines = self.query(sql::ALL_BATCH_LINES.postgres(), &[])?.iter().map(line_of).collect();
        Ok(super::with_lines(batches, lines))
    }

    fn set_refill_line(&mut self, line_id: i64, received: i64, rejected: i64, reason: Option<&str>) -> Result<()> {
        self.exec(sql::SET_REFILL_LINE.postgres(), &[&line_id, &received, &rejected, &reason])?;
        Ok(())
    }

    fn close_refill_batch(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::CLOSE_BATCH.postgres(), &[&id, &at])?;
        Ok(())
    }
}

impl Printers for PgTx {
    fn printers(&mut self, filter: &PrinterFilter) -> Result<Vec<Printer>> {
        let printers: Vec<Printer> = self.query(sql::PRINTERS.postgres(), &[])?.iter().map(printer).collect();
        let links: Vec<(PrinterId, CartridgeTypeId)> =
            self.query(sql::ALL_PRINTER_CARTRIDGES.postgres(), &[])?.iter().map(|r| (r.get(0), r.get(1))).collect();
        Ok(super::printers_selected(printers, &links, filter))
    }

    fn printer(&mut self, id: PrinterId) -> Result<Option<Printer>> {
        let row = self.opt(sql::PRINTER_BY_ID.postgres(), &[&id])?;
        self.with_cartridges(row)
    }

    fn printer_by_inventory_number(&mut self, inventory_number: &str) -> Result<Option<Printer>> {
        let row = self.opt(PRINTER_BY_INVENTORY_NUMBER, &[&inventory_number])?;
        self.with_cartridges(row)
    }

    fn insert_printer(&mut self, new: &NewPrinter, at: DateTime<Utc>) -> Result<Printer> {
        let id: PrinterId = self
            .one(
                sql::INSERT_PRINTER.postgres(),
                &[&new.branch_id, &new.inventory_number, &new.model, &new.place, &new.serial, &at],
            )?
            .get(0);
        self.set_printer_cartridges(id, &new.cartridge_type_ids)?;
        self.printer(id)?.ok_or_else(|| StoreError::Backend("a printer just added is gone".into()))
    }

    fn update_printer(&mut self, id: PrinterId, new: &NewPrinter) -> Result<()> {
        self.exec(
            sql::UPDATE_PRINTER.postgres(),
            &[&id, &new.branch_id, &new.inventory_number, &new.model, &new.place, &new.serial],
        )?;
        self.set_printer_cartridges(id, &new.cartridge_type_ids)
    }

    fn retire_printer(&mut self, id: PrinterId, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::RETIRE_PRINTER.postgres(), &[&id, &at])?;
        Ok(())
    }

    fn open_requests_for_printer(&mut self, id: PrinterId) -> Result<u64> {
        let n: i64 = self.one(sql::OPEN_REQUESTS_FOR_PRINTER.postgres(), &[&id])?.get(0);
        Ok(n as u64)
    }
}

impl Calendars for PgTx {
    fn calendars(&mut self) -> Result<Vec<CalendarRecord>> {
        Ok(self
            .query(sql::CALENDARS.postgres(), &[])?
            .iter()
            .map(|r| CalendarRecord {
                id: r.get(0),
                code: r.get(1),
                name: r.get(2),
                timezone: r.get(3),
                week: std::array::from_fn(|i| r.get(4 + i)),
                is_default: r.get(11),
            })
            .collect())
    }

    fn calendar_days(&mut self) -> Result<Vec<CalendarDayRecord>> {
        Ok(self
            .query(sql::CALENDAR_DAYS.postgres(), &[])?
            .iter()
            .map(|r| CalendarDayRecord {
                calendar_id: r.get(0),
                kind: r.get(1),
                day: r.get(2),
                hours: r.get(3),
                name: r.get(4),
            })
            .collect())
    }

    fn branch_calendars(&mut self) -> Result<Vec<(BranchId, i64)>> {
        Ok(self.query(sql::BRANCH_CALENDARS.postgres(), &[])?.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn insert_calendar(&mut self, c: &CalendarRecord, at: DateTime<Utc>) -> Result<i64> {
        let [mon, tue, wed, thu, fri, sat, sun] = &c.week;
        let params: [&(dyn ToSql + Sync); 12] =
            [&c.code, &c.name, &c.timezone, mon, tue, wed, thu, fri, sat, sun, &c.is_default, &at];
        Ok(self.one(sql::INSERT_CALENDAR.postgres(), &params)?.get(0))
    }

    fn update_calendar(&mut self, c: &CalendarRecord) -> Result<()> {
        let [mon, tue, wed, thu, fri, sat, sun] = &c.week;
        let params: [&(dyn ToSql + Sync); 12] =
            [&c.id, &c.code, &c.name, &c.timezone, mon, tue, wed, thu, fri, sat, sun, &c.is_default];
        self.exec(sql::UPDATE_CALENDAR.postgres(), &params)?;
        Ok(())
    }

    fn put_calendar_day(&mut self, d: &CalendarDayRecord) -> Result<()> {
        self.exec(sql::PUT_CALENDAR_DAY.postgres(), &[&d.calendar_id, &d.kind, &d.day, &d.hours, &d.name])?;
        Ok(())
    }

    fn remove_calendar_day(&mut self, calendar_id: i64, kind: &str, day: &str) -> Result<bool> {
        Ok(self.exec(sql::REMOVE_CALENDAR_DAY.postgres(), &[&calendar_id, &kind, &day])? > 0)
    }

    fn set_branch_calendar(&mut self, branch: BranchId, calendar_id: Option<i64>) -> Result<()> {
        match calendar_id {
            Some(c) => self.exec(sql::SET_BRANCH_CALENDAR.postgres(), &[&branch, &c])?,
            None => self.exec(sql::CLEAR_BRANCH_CALENDAR.postgres(), &[&branch])?,
        };
        Ok(())
    }
}

fn recurring_run_row(r: &Row) -> RecurringRun {
    RecurringRun {
        recurring_id: r.get(0),
        branch_id: r.get(1),
        due_at: r.get(2),
        request_id: r.get(3),
        filed_at: r.get(4),
        late: r.get(5),
    }
}

impl Ratings for PgTx {
    fn put_rating(&mut self, r: &Rating) -> Result<Option<u8>> {
        let before = self.rating(r.request_id)?.map(|b| b.score);
        let score = i32::from(r.score);
        self.exec(sql::PUT_RATING.postgres(), &[&r.request_id, &score, &r.comment, &r.rated_at])?;
        Ok(before)
    }

    fn rating(&mut self, request_id: i64) -> Result<Option<Rating>> {
        Ok(self.query(sql::RATING.postgres(), &[&request_id])?.first().map(|r| Rating {
            request_id: r.get(0),
            score: r.get::<_, i32>(1).clamp(0, 255) as u8,
            comment: r.get(2),
            rated_at: r.get(3),
        }))
    }

    fn scores(&mut self) -> Result<std::collections::HashMap<i64, u8>> {
        Ok(self
            .query(sql::SCORES.postgres(), &[])?
            .iter()
            .map(|r| (r.get(0), r.get::<_, i32>(1).clamp(0, 255) as u8))
            .collect())
    }
}

impl Recurring for PgTx {
    fn recurring(&mut self) -> Result<Vec<RecurringRecord>> {
        self.query(sql::RECURRING.postgres(), &[])?
            .iter()
            .map(|r| {
                Ok(RecurringRecord {
                    id: r.get(0),
                    kind: parse(r.get(1))?,
                    branch_id: r.get(2),
                    description: r.get(3),
                    priority: parse(r.get(4))?,
                    author_id: r.get(5),
                    assignee_id: r.get(6),
                    rule: r.get(7),
                    at_time: r.get(8),
                    starts_on: r.get(9),
                    paused: r.get(10),
                    active_since: r.get(11),
                    created_at: r.get(12),
                })
            })
            .collect()
    }

    fn insert_recurring(&mut self, r: &RecurringRecord) -> Result<i64> {
        let params: [&(dyn ToSql + Sync); 12] = [
            &r.kind.as_str(),
            &r.branch_id,
            &r.description,
            &r.priority.as_str(),
            &r.author_id,
            &r.assignee_id,
            &r.rule,
            &r.at_time,
            &r.starts_on,
            &r.paused,
            &r.active_since,
            &r.created_at,
        ];
        Ok(self.one(sql::INSERT_RECURRING.postgres(), &params)?.get(0))
    }

    fn set_recurring_paused(&mut self, id: i64, paused: bool, active_since: DateTime<Utc>) -> Result<bool> {
        Ok(self.exec(sql::SET_RECURRING_PAUSED.postgres(), &[&id, &paused, &active_since])? > 0)
    }

    fn claim_recurring_run(&mut self, run: &RecurringRun) -> Result<bool> {
        let params: [&(dyn ToSql + Sync); 6] =
            [&run.recurring_id, &run.branch_id, &run.due_at, &run.request_id, &run.filed_at, &run.late];
        Ok(self.exec(sql::CLAIM_RECURRING_RUN.postgres(), &params)? > 0)
    }

    fn set_recurring_run_request(
        &mut self,
        recurring_id: i64,
        branch: BranchId,
        due_at: DateTime<Utc>,
        request_id: i64,
    ) -> Result<()> {
        self.exec(sql::SET_RECURRING_RUN_REQUEST.postgres(), &[&recurring_id, &branch, &due_at, &request_id])?;
        Ok(())
    }

    fn recurring_last_runs(&mut self) -> Result<Vec<RecurringRun>> {
        Ok(self.query(sql::RECURRING_LAST_RUNS.postgres(), &[])?.iter().map(recurring_run_row).collect())
    }
}

impl Instances for PgTx {
    fn instance_start(&mut self, id: &str, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::START_INSTANCE.postgres(), &[&id, &at])?;
        Ok(())
    }

    fn instance_beat(&mut self, id: &str, at: DateTime<Utc>) -> Result<bool> {
        Ok(self.exec(sql::BEAT_INSTANCE.postgres(), &[&id, &at])? > 0)
    }

    fn instance_stop(&mut self, id: &str, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::STOP_INSTANCE.postgres(), &[&id, &at])?;
        self.exec(sql::RELEASE_OUTBOX_OF.postgres(), &[&id, &at])?;
        self.exec(sql::RELEASE_INBOX_OF.postgres(), &[&id])?;
        Ok(())
    }

    fn instance_prune(&mut self, before: DateTime<Utc>) -> Result<u64> {
        self.exec(sql::PRUNE_INSTANCES.postgres(), &[&before])
    }
}

impl Calls for PgTx {
    fn last_call_by(&mut self, caller_id: i64) -> Result<Option<DateTime<Utc>>> {
        Ok(self.one(sql::LAST_CALL_BY.postgres(), &[&caller_id])?.get(0))
    }

    fn insert_call(
        &mut self,
        caller_id: i64,
        branch_id: Option<BranchId>,
        at: DateTime<Utc>,
        client_key: Option<&str>,
    ) -> Result<i64> {
        Ok(self.one(sql::INSERT_CALL.postgres(), &[&caller_id, &branch_id, &at, &client_key])?.get(0))
    }

    fn call_by_client_key(&mut self, key: &str) -> Result<Option<i64>> {
        Ok(self.opt(sql::CALL_BY_CLIENT_KEY.postgres(), &[&key])?.map(|r| r.get(0)))
    }

    fn server_call(&mut self, id: i64) -> Result<Option<ServerCall>> {
        let Some(r) = self.opt(sql::SERVER_CALL.postgres(), &[&id])? else {
            return Ok(None);
        };
        let answers = self
            .query(sql::CALL_ANSWERS.postgres(), &[&id])?
            .iter()
            .map(|a| CallAnswer {
                responder_id: a.get(0),
                responder_name: a.get(1),
                answer: a.get(2),
                answered_at: a.get(3),
            })
            .collect();
        Ok(Some(ServerCall {
            id: r.get(0),
            caller_id: r.get(1),
            caller_name: r.get(2),
            caller_phone: r.get(3),
            branch_name: r.get(4),
            created_at: r.get(5),
            answers,
        }))
    }

    fn answer_call(&mut self, id: i64, responder_id: i64, answer: &str, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::ANSWER_CALL.postgres(), &[&id, &responder_id, &answer, &at])?;
        Ok(())
    }
}

impl Broadcasts for PgTx {
    fn insert_broadcast(&mut self, b: &NewBroadcast) -> Result<i64> {
        Ok(self
            .one(
                sql::INSERT_BROADCAST.postgres(),
                &[&b.author_id, &b.kind, &b.text, &b.file_id, &b.created_at, &b.recipients, &b.client_key],
            )?
            .get(0))
    }

    fn broadcast(&mut self, id: i64) -> Result<Option<Broadcast>> {
        self.broadcast_by(sql::BROADCAST_BY_ID.postgres(), &id)
    }

    fn broadcast_by_client_key(&mut self, key: &str) -> Result<Option<Broadcast>> {
        self.broadcast_by(sql::BROADCAST_BY_CLIENT_KEY.postgres(), &key)
    }

    fn broadcast_progress(&mut self, id: i64) -> Result<(i64, BroadcastStats)> {
        let r = self.one(sql::BROADCAST_PROGRESS.postgres(), &[&id, &BLOCKED_BY_USER])?;
        Ok((r.get(0), BroadcastStats { delivered: r.get(1), failed: r.get(2), blocked: r.get(3) }))
    }

    fn finish_broadcast(&mut self, id: i64, s: BroadcastStats, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::FINISH_BROADCAST.postgres(), &[&id, &at, &s.delivered, &s.failed, &s.blocked])?;
        Ok(())
    }
}

impl PgTx {
    fn broadcast_by(&mut self, sql: &str, value: &(dyn ToSql + Sync)) -> Result<Option<Broadcast>> {
        Ok(self.opt(sql, &[value])?.map(|r| Broadcast {
            id: r.get(0),
            author_id: r.get(1),
            kind: r.get(2),
            text: r.get(3),
            file_id: r.get(4),
            created_at: r.get(5),
            finished_at: r.get(6),
            recipients: r.get(7),
        }))
    }
}

// ---------------------------------------------------------------- 1C imports

impl Imports for PgTx {
    fn latest_one_c_import_of(&mut self, source: &str, content_hash: &str) -> Result<Option<OneCImport>> {
        Ok(self.opt(sql::LATEST_IMPORT_OF.postgres(), &[&source, &content_hash])?.map(|r| OneCImport {
            id: r.get(0),
            source: r.get(1),
            content_hash: r.get(2),
            imported_at: r.get(3),
            rows: r.get(4),
        }))
    }

    fn insert_one_c_import(&mut self, source: &str, content_hash: &str, at: DateTime<Utc>, rows: i64) -> Result<i64> {
        Ok(self.one(sql::INSERT_IMPORT.postgres(), &[&source, &content_hash, &at, &rows])?.get(0))
    }

    fn insert_one_c_snapshot(
        &mut self,
        import_id: i64,
        source: &str,
        at: DateTime<Utc>,
        rows: &[NewSnapshotRow],
    ) -> Result<()> {
        for r in rows {
            self.exec(
                sql::INSERT_SNAPSHOT_ROW.postgres(),
                &[
                    &import_id,
                    &source,
                    &at,
                    &r.item_one_c_id,
                    &r.item_name,
                    &r.item_article,
                    &r.warehouse_one_c_id,
                    &r.warehouse_name,
                    &r.quantity,
                    &r.cartridge_type_id,
                    &r.warehouse_id,
                ],
            )?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- SLA reminders and jobs

impl Sla for PgTx {
    fn insert_sla_reminders(&mut self, reminders: &[NewSlaReminder], at: DateTime<Utc>) -> Result<u64> {
        let mut n = 0;
        for r in reminders {
            n += self.exec(
                sql::INSERT_SLA_REMINDER.postgres(),
                &[&r.request_id, &r.kind, &r.level, &r.channel, &r.recipient, &at],
            )?;
        }
        Ok(n)
    }

    fn lease_sla_reminders(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<SlaReminder>> {
        // Rows another sender holds are skipped, not waited for.
        const LEASE: &str = sql::text!(
            "UPDATE sla_reminders SET lease_until = $2 WHERE id IN ( \
               SELECT id FROM sla_reminders WHERE sent_at IS NULL AND failed_at IS NULL \
               AND (lease_until IS NULL OR lease_until <= $1) ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING ",
            sql::SLA_REMINDER_COLUMNS
        );
        let mut rows: Vec<SlaReminder> = self
            .query(LEASE, &[&now, &lease_until, &(limit as i64)])?
            .iter()
            .map(|r| SlaReminder {
                id: r.get(0),
                request_id: r.get(1),
                kind: r.get(2),
                level: r.get(3),
                channel: r.get(4),
                recipient: r.get(5),
                attempts: r.get(6),
            })
            .collect();
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    fn sla_reminder_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::SLA_REMINDER_SENT.postgres(), &[&id, &at])?;
        Ok(())
    }

    fn sla_reminder_failed(&mut self, id: i64, at: DateTime<Utc>, error: &str, give_up: bool) -> Result<()> {
        // The casts type the CASE's parameters, which PostgreSQL cannot infer.
        self.exec(
            "UPDATE sla_reminders SET attempts = attempts + 1, last_error = $3, lease_until = NULL, \
             failed_at = CASE WHEN $4::boolean THEN $2::timestamptz ELSE NULL END WHERE id = $1",
            &[&id, &at, &error, &give_up],
        )?;
        Ok(())
    }

    fn sla_reminders_pending(&mut self) -> Result<u64> {
        let n: i64 = self.one(sql::SLA_REMINDERS_PENDING.postgres(), &[])?.get(0);
        Ok(n as u64)
    }
}

impl super::Monitoring for PgTx {
    fn watched(&mut self, now: DateTime<Utc>) -> Result<super::Watched> {
        let outbox = self.one(sql::WATCH_OUTBOX.postgres(), &[&now])?;
        let failed = self.one(sql::WATCH_OUTBOX_FAILED.postgres(), &[])?;
        let inbox = self.one(sql::WATCH_INBOX.postgres(), &[])?;
        let job_runs = self
            .query(sql::WATCH_JOBS.postgres(), &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect();
        let onec_exchanges =
            self.query(sql::WATCH_ONEC.postgres(), &[])?.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
        Ok(super::Watched {
            outbox_depth: outbox.get(0),
            outbox_oldest: outbox.get(1),
            outbox_failed: failed.get(0),
            inbox_pending: inbox.get(0),
            inbox_oldest: inbox.get(1),
            job_runs,
            onec_exchanges,
        })
    }
}

impl Jobs for PgTx {
    fn job_started(&mut self, job: &str, at: DateTime<Utc>) -> Result<i64> {
        Ok(self.one(sql::JOB_STARTED.postgres(), &[&job, &at])?.get(0))
    }

    fn job_finished(&mut self, run_id: i64, at: DateTime<Utc>, ok: bool, message: &str) -> Result<()> {
        self.exec(sql::JOB_FINISHED.postgres(), &[&run_id, &at, &ok, &message])?;
        Ok(())
    }

    fn last_job_run(&mut self, job: &str) -> Result<Option<JobRun>> {
        Ok(self.opt(sql::LAST_JOB_RUN.postgres(), &[&job])?.map(|r| JobRun {
            job: r.get(0),
            started_at: r.get(1),
            finished_at: r.get(2),
            ok: r.get(3),
            message: r.get(4),
        }))
    }
}

impl OneCExchanges for PgTx {
    fn insert_one_c_exchange(&mut self, e: &OneCExchange) -> Result<i64> {
        Ok(self
            .one(
                sql::INSERT_EXCHANGE.postgres(),
                &[
                    &e.at,
                    &e.kind,
                    &e.step,
                    &e.session,
                    &e.peer,
                    &e.files,
                    &e.ok,
                    &e.detail,
                    &e.import_id,
                    &e.stock_changed,
                ],
            )?
            .get(0))
    }

    fn keep_one_c_catalog(&mut self, entries: &[OneCCatalogEntry], at: DateTime<Utc>) -> Result<()> {
        for e in entries {
            let kind = if e.warehouse { "warehouse" } else { "item" };
            self.exec(sql::KEEP_CATALOG_ENTRY.postgres(), &[&kind, &e.one_c_id, &e.name, &e.article, &at])?;
        }
        Ok(())
    }

    fn one_c_catalog(&mut self) -> Result<Vec<OneCCatalogEntry>> {
        Ok(self
            .query(sql::CATALOG.postgres(), &[])?
            .iter()
            .map(|r| OneCCatalogEntry {
                warehouse: r.get::<_, String>(0) == "warehouse",
                one_c_id: r.get(1),
                name: r.get(2),
                article: r.get(3),
                received_at: r.get(4),
            })
            .collect())
    }

    fn one_c_exchanges(&mut self, limit: u32) -> Result<Vec<OneCExchange>> {
        let limit = i64::from(limit);
        Ok(self
            .query(sql::EXCHANGES.postgres(), &[&limit])?
            .iter()
            .map(|r| OneCExchange {
                id: r.get(0),
                at: r.get(1),
                kind: r.get(2),
                step: r.get(3),
                session: r.get(4),
                peer: r.get(5),
                files: r.get(6),
                ok: r.get(7),
                detail: r.get(8),
                import_id: r.get(9),
                stock_changed: r.get(10),
            })
            .collect())
    }

    fn unconfirmed_issues(&mut self, limit: u32) -> Result<Vec<SaleLine>> {
        let limit = i64::from(limit);
        Ok(self
            .query(sql::UNCONFIRMED_ISSUES.postgres(), &[&limit])?
            .iter()
            .map(|r| SaleLine {
                issue_id: r.get(0),
                request_id: r.get(1),
                request_created_at: r.get(2),
                branch: r.get(3),
                branch_code: r.get(4),
                cartridge_one_c_id: r.get(5),
                vendor_article: r.get(6),
                cartridge_name: r.get(7),
                warehouse_one_c_id: r.get(8),
                warehouse: r.get(9),
                quantity: r.get(10),
                issued_at: r.get(11),
            })
            .collect())
    }

    fn confirm_issues(&mut self, issue_ids: &[i64], exchange_id: i64) -> Result<u64> {
        // All at once, as an array.
        self.exec(
            "INSERT INTO onec_sale_confirmed (issue_id, exchange_id) SELECT unnest($1::bigint[]), $2 \
             ON CONFLICT (issue_id) DO NOTHING",
            &[&issue_ids, &exchange_id],
        )
    }

    fn confirm_all_issues(&mut self, exchange_id: i64) -> Result<u64> {
        self.exec(sql::CONFIRM_ALL_ISSUES.postgres(), &[&exchange_id])
    }

    fn one_c_step_taken(&mut self, kind: &str, step: &str) -> Result<bool> {
        Ok(self.one(sql::STEP_TAKEN.postgres(), &[&kind, &step])?.get(0))
    }
}

fn web_session(r: &::postgres::Row) -> WebSession {
    let via: String = r.get(4);
    WebSession {
        id: r.get(0),
        token_hash: r.get(1),
        telegram_id: r.get(2),
        csrf: r.get(3),
        via: SignedInVia::parse(&via).unwrap_or(SignedInVia::Link),
        created_at: r.get(5),
        seen_at: r.get(6),
        expires_at: r.get(7),
        ended_at: r.get(8),
        user_agent: r.get(9),
    }
}

impl WebSessions for PgTx {
    fn insert_login_token(&mut self, t: &LoginToken) -> Result<()> {
        self.exec(
            sql::INSERT_LOGIN_TOKEN.postgres(),
            &[&t.token_hash, &t.telegram_id, &t.created_at, &t.expires_at, &t.used_at],
        )?;
        Ok(())
    }

    fn login_token(&mut self, token_hash: &str) -> Result<Option<LoginToken>> {
        Ok(self.opt(sql::LOGIN_TOKEN.postgres(), &[&token_hash])?.map(|r| LoginToken {
            token_hash: r.get(0),
            telegram_id: r.get(1),
            created_at: r.get(2),
            expires_at: r.get(3),
            used_at: r.get(4),
        }))
    }

    fn use_login_token(&mut self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
        Ok(self.opt(sql::USE_LOGIN_TOKEN.postgres(), &[&token_hash, &now])?.map(|r| r.get(0)))
    }

    fn insert_session(&mut self, s: &WebSession) -> Result<i64> {
        Ok(self
            .one(
                sql::INSERT_SESSION.postgres(),
                &[
                    &s.token_hash,
                    &s.telegram_id,
                    &s.csrf,
                    &s.via.as_str(),
                    &s.created_at,
                    &s.seen_at,
                    &s.expires_at,
                    &s.ended_at,
                    &s.user_agent,
                ],
            )?
            .get(0))
    }

    fn session(&mut self, token_hash: &str) -> Result<Option<WebSession>> {
        Ok(self.opt(sql::SESSION_BY_TOKEN.postgres(), &[&token_hash])?.map(|r| web_session(&r)))
    }

    fn touch_session(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::TOUCH_SESSION.postgres(), &[&id, &at])?;
        Ok(())
    }

    fn end_session(&mut self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.exec(sql::END_SESSION.postgres(), &[&id, &at])?;
        Ok(())
    }

    fn end_sessions_of(&mut self, telegram_id: i64, at: DateTime<Utc>) -> Result<u64> {
        self.exec(sql::END_SESSIONS_OF.postgres(), &[&telegram_id, &at])
    }

    fn sessions_of(&mut self, telegram_id: i64) -> Result<Vec<WebSession>> {
        Ok(self.query(sql::OPEN_SESSIONS_OF.postgres(), &[&telegram_id])?.iter().map(web_session).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a connection made with `query` added to the test server's URL is encrypted.
    fn encrypted(admin: &str, query: &str) -> std::result::Result<bool, String> {
        let url = format!("{admin}{}{query}", if admin.contains('?') { '&' } else { '?' });
        let mut conn = connector(&url).map_err(|e| e.to_string())?.connect().map_err(|e| short(&e))?;
        let row = conn.client().query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]);
        Ok(row.map_err(|e| short(&e))?.get(0))
    }

    #[test]
    fn tls_follows_sslmode_as_libpq_does() {
        let Ok(admin) = std::env::var("HELPDESK_TEST_PG_URL") else {
            assert!(std::env::var("CI").is_err(), "CI=true but HELPDESK_TEST_PG_URL is not set");
            eprintln!("SKIPPED tls_follows_sslmode_as_libpq_does: set HELPDESK_TEST_PG_URL to run it");
            return;
        };
        let admin = admin.replace("://localhost", "://127.0.0.1");
        let mut plain = connector(&admin).unwrap().connect().unwrap();
        let setting = |c: &mut PgConn, name: &str| -> String { c.client().query_one(name, &[]).unwrap().get(0) };
        if setting(&mut plain, "SHOW ssl") != "on" {
            eprintln!("SKIPPED tls_follows_sslmode_as_libpq_does: the test server has ssl=off");
            return;
        }
        let cert = setting(&mut plain, "SHOW ssl_cert_file");
        assert_eq!(encrypted(&admin, "sslmode=disable"), Ok(false));
        assert_eq!(encrypted(&admin, "sslmode=prefer"), Ok(true));
        assert_eq!(encrypted(&admin, "sslmode=require"), Ok(true));
        // verify-ca without sslrootcert trusts the web PKI roots, which did not sign a local server's certificate.
        let refused = encrypted(&admin, "sslmode=verify-ca").unwrap_err();
        assert!(refused.contains("UnknownIssuer"), "{refused}");
        assert!(connector(&format!("{admin}?sslmode=bogus")).is_err());
        if std::fs::read(&cert).is_err() {
            eprintln!("SKIPPED the sslrootcert part: cannot read the server's certificate {cert}");
            return;
        }
        // The server's own (self-signed) certificate as the root: verify-ca accepts it whatever
        // host name it is for; verify-full also wants the host, and it names a host, not 127.0.0.1.
        assert_eq!(encrypted(&admin, &format!("sslmode=verify-ca&sslrootcert={cert}")), Ok(true));
        let refused = encrypted(&admin, &format!("sslmode=verify-full&sslrootcert={cert}")).unwrap_err();
        assert!(refused.contains("not valid for name \"127.0.0.1\""), "{refused}");
    }
}
