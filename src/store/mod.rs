//! The persistence interface. The rest of the code talks to a [`Store`] and the
//! [`Tx`] it hands out, never to a particular database: `store/sqlite.rs`
//! implements it today, and a PostgreSQL implementation plugs in behind the
//! same traits.
//!
//! A [`Tx`] is one transaction on one pooled connection. [`Store::write`] starts
//! a transaction that holds the write lock from its first statement, so a
//! read-check-write inside it cannot race another writer (two staff pressing
//! Accept at once: the second sees the first one's result). Dropping a `Tx`
//! without [`Tx::commit`] rolls it back.
//!
//! This module is not where rules live: it stores and fetches records. Whether
//! a move is allowed is for `domain`; who may make it is for `services`.

pub mod migrate;
pub mod postgres;
mod sql;
pub mod sqlite;

use crate::config::DatabaseUrl;
use crate::domain::stock::Books;
use crate::domain::text::alphabetical;
use crate::domain::{BranchId, CartridgeTypeId, Lang, PrinterId, StockLevels, WarehouseId};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The records the store keeps live in `domain::model`; re-exported here so
/// the backends name them as before.
pub use crate::domain::model::*;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What went wrong in the store, in words a sysadmin can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {path}: {message}")]
    Open { path: String, message: String },
    /// The server did not answer at all (refused, unknown host, timed out):
    /// perhaps not up yet.
    #[error("database {path} does not answer: {message}; is the server up? check the host and port in the URL")]
    Unreachable { path: String, message: String },
    #[error(
        "{path} is not a helpdesk database or is damaged ({message}); restore it from a backup or point HELPDESK_DATABASE_URL elsewhere"
    )]
    Corrupt { path: String, message: String },
    #[error(
        "the database schema is version {found}, newer than this helpdesk knows (up to {known}); install a newer helpdesk"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("the database was changed by a different helpdesk build: {0}")]
    Divergent(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Conflict(String),
    #[error("not enough stock of {article} at {warehouse}: {available} available, {wanted} wanted")]
    InsufficientStock { article: String, warehouse: String, available: i64, wanted: i64 },
    #[error("not enough empty {article} at {warehouse}: {available} there, {wanted} wanted")]
    InsufficientEmpties { article: String, warehouse: String, available: i64, wanted: i64 },
    #[error("the database is busy (another process holds a lock); try again")]
    Busy,
    #[error("database error: {0}")]
    Backend(String),
}

impl StoreError {
    /// The database failed (it cannot be opened, is damaged, busy, or
    /// errs), as against refusing what was asked (a conflict, too little
    /// stock): what an operator counts and alerts on.
    pub fn is_failure(&self) -> bool {
        match self {
            StoreError::Open { .. }
            | StoreError::Unreachable { .. }
            | StoreError::Corrupt { .. }
            | StoreError::NewerSchema { .. }
            | StoreError::Divergent(_)
            | StoreError::Busy
            | StoreError::Backend(_) => true,
            StoreError::Unsupported(_)
            | StoreError::Conflict(_)
            | StoreError::InsufficientStock { .. }
            | StoreError::InsufficientEmpties { .. } => false,
        }
    }
}

/// Which database sits behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How to open a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOptions {
    /// Apply pending migrations on open (every command but `db status` does).
    pub migrate: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions { migrate: true }
    }
}

/// Opens the store a URL names.
pub fn open(url: &DatabaseUrl, options: OpenOptions) -> Result<Arc<dyn Store>> {
    match url {
        DatabaseUrl::Sqlite(path) => Ok(Arc::new(sqlite::SqliteStore::open(path, options)?)),
        DatabaseUrl::Postgres(secret) => Ok(Arc::new(postgres::PgStore::open(secret, options)?)),
    }
}

/// The schema status of a database the URL names that does not exist yet (a
/// SQLite file not yet created: every migration pending), found without
/// creating it; `None` when there is a database to open.
pub fn not_created(url: &DatabaseUrl) -> Option<SchemaStatus> {
    match url {
        DatabaseUrl::Sqlite(path) if !path.exists() => {
            Some(SchemaStatus { applied: vec![], pending: sqlite::known_migrations() })
        }
        _ => None,
    }
}

/// One applied or pending schema migration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MigrationInfo {
    pub version: i64,
    pub name: String,
    pub applied_at: Option<String>,
}

/// The schema versions of a database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SchemaStatus {
    pub applied: Vec<MigrationInfo>,
    pub pending: Vec<MigrationInfo>,
}

/// A database holding help-desk data.
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;
    /// Where the data is, safe to print (no passwords).
    fn location(&self) -> String;
    /// The file behind an embedded database, if there is one.
    fn file_path(&self) -> Option<PathBuf> {
        None
    }
    /// A read-only transaction: a consistent snapshot.
    fn read(&self) -> Result<Box<dyn Tx + '_>>;
    /// A read-write transaction that holds the write lock from its start.
    fn write(&self) -> Result<Box<dyn Tx + '_>>;
    /// Applied and pending migrations.
    fn schema(&self) -> Result<SchemaStatus>;
    /// Applies pending migrations; returns those applied.
    fn upgrade(&self) -> Result<Vec<MigrationInfo>>;
    /// Writes a consistent copy of the whole database to the new file `dest`,
    /// taken while others may be writing; with `count`, returns the row count
    /// of every table as copied (else an empty map).
    fn backup_to(&self, dest: &std::path::Path, count: bool) -> Result<BTreeMap<String, i64>>;
    /// Replaces the whole database with the (verified) backup at `src`.
    fn restore_from(&self, src: &std::path::Path) -> Result<()>;
    /// Marks the database as served by this process until the guard is
    /// dropped; `Ok(None)` when another `serve` already does.
    fn serve_lock(&self, mode: ServeMode) -> Result<Option<ServeLock>>;
    /// Held while a job (`sla-check`, `backup`, ...) runs, so that several
    /// processes on one database never run the same job at once; `None` when
    /// another process holds it.
    fn job_lock(&self, job: &str) -> Result<Option<ServeLock>>;
    /// Whether a `serve` process holds the database now.
    fn served(&self) -> Result<bool>;
    /// A way to be told, across processes, that something was recorded in
    /// the audit log, where the database has one (PostgreSQL's LISTEN/NOTIFY);
    /// `None` where polling [`Tx::last_log_id`] is the way.
    fn change_listener(&self) -> Result<Option<Box<dyn ChangeListener>>> {
        Ok(None)
    }
}

/// Told when another transaction, in any process, recorded something in the audit log.
pub trait ChangeListener: Send {
    /// Waits up to `timeout`; whether a change was announced meanwhile.
    fn wait(&mut self, timeout: std::time::Duration) -> Result<bool>;
}

/// What checking a backup file found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    /// `ok`, or what the check reported.
    pub integrity: String,
    pub rows: BTreeMap<String, i64>,
    /// The highest schema migration applied in it.
    pub schema_version: i64,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.integrity == "ok"
    }
}

/// What a backup file holds, known from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupFormat {
    /// A SQLite database file.
    Sqlite,
    /// A `pg_dump` custom-format archive.
    PgDump,
}

impl BackupFormat {
    /// The backend whose backups look like this.
    pub fn backend(self) -> Backend {
        match self {
            BackupFormat::Sqlite => Backend::Sqlite,
            BackupFormat::PgDump => Backend::Postgres,
        }
    }

    /// Recognises a (decompressed) backup by its header; `None` for anything else.
    pub fn of(head: &[u8]) -> Option<BackupFormat> {
        if head.starts_with(b"SQLite format 3\0") {
            Some(BackupFormat::Sqlite)
        } else if head.starts_with(b"PGDMP") {
            Some(BackupFormat::PgDump)
        } else {
            None
        }
    }

    /// Checks a backup without changing it: readable throughout, the row count
    /// of every table, the schema version; `full` adds SQLite's page-level
    /// integrity check (a dump is always read whole).
    pub fn verify(self, path: &std::path::Path, full: bool) -> Result<Verification> {
        match self {
            BackupFormat::Sqlite => sqlite::verify_with(path, full),
            BackupFormat::PgDump => postgres::verify_dump(path),
        }
    }
}

/// Held by `helpdesk serve` for as long as it runs (released on drop).
pub struct ServeLock(pub Box<dyn std::any::Any + Send + Sync>);

/// How a `serve` process holds its database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServeMode {
    /// Long polling: one process per database (Telegram serves one poller).
    Exclusive,
    /// Webhook: any number of processes share a PostgreSQL database (none
    /// may poll meanwhile). On SQLite this is the same as `Exclusive`.
    Shared,
}

/// One transaction: every capability of the store, then commit.
pub trait Tx:
    Directory
    + Catalog
    + Requests
    + Audit
    + Dialogues
    + Inbox
    + Outbox
    + Calls
    + Broadcasts
    + Imports
    + Sla
    + Jobs
    + WebSessions
    + OneCExchanges
    + Instances
    + Printers
    + Refills
    + Calendars
    + Recurring
    + Ratings
    + Monitoring
    + Send
{
    fn commit(self: Box<Self>) -> Result<()>;
    /// A hint that this transaction will write a great many rows (demo data,
    /// imports): the backend may use more memory for it until it ends.
    fn bulk_load(&mut self) -> Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------- listing order

/// The order every store lists people, branches, warehouses, cartridge types
/// and stock in: alphabetical by what people read ([`alphabetical`]), the
/// same on every backend whatever its collation or locale.
pub(crate) trait Listed {
    fn listing_order(&self, other: &Self) -> Ordering;
}

/// The printers `filter` selects among `printers` (as read, without their
/// cartridge types), each with its cartridge types from `links` (printer id,
/// cartridge type id), in listing order: the same on both backends.
pub(crate) fn printers_selected(
    printers: Vec<Printer>,
    links: &[(PrinterId, CartridgeTypeId)],
    filter: &PrinterFilter,
) -> Vec<Printer> {
    let model = filter.model.as_deref().map(crate::domain::text::fold).filter(|m| !m.is_empty());
    let mut out: Vec<Printer> = printers
        .into_iter()
        .filter(|p| filter.retired || p.retired_at.is_none())
        .filter(|p| filter.branch_id.is_none_or(|b| b == p.branch_id))
        .filter(|p| model.as_deref().is_none_or(|m| crate::domain::text::fold(&p.model).contains(m)))
        .map(|mut p| {
            p.cartridge_type_ids = links.iter().filter(|(id, _)| *id == p.id).map(|(_, c)| *c).collect();
            p
        })
        .filter(|p| filter.cartridge_type_id.is_none_or(|c| p.cartridge_type_ids.contains(&c)))
        .collect();
    out.sort_by(Printer::listing_order);
    out
}

/// The refusal of a move that takes more than is there (`before`).
pub(crate) fn refused_move(m: &NewStockMove, before: StockLevels, article: String, warehouse: String) -> StoreError {
    if before.full + m.full < 0 {
        StoreError::InsufficientStock { article, warehouse, available: before.full, wanted: -m.full }
    } else {
        StoreError::InsufficientEmpties { article, warehouse, available: before.empty, wanted: -m.empty }
    }
}

/// A stock row as the books read it: warehouse (id, name), type (id, article), full, empty.
pub(crate) type BooksStock = (WarehouseId, String, CartridgeTypeId, String, i64, i64);
/// The ledger by place and kind: warehouse, type, kind, full and empty moved.
pub(crate) type BooksMoves = (WarehouseId, CartridgeTypeId, String, i64, i64);
/// The issues by place: warehouse, type, issued, empties back.
pub(crate) type BooksIssues = (WarehouseId, CartridgeTypeId, i64, i64);
/// The refill batches by place: warehouse, type, sent, back refilled, rejected.
pub(crate) type BooksRefills = (WarehouseId, CartridgeTypeId, i64, i64, i64);
/// ... and the issues by day the forecast reads.
pub(crate) type BooksIssuedDays = (WarehouseId, CartridgeTypeId, i64);

/// Every warehouse and type's books from the four sources, in listing order
/// (by warehouse name, then article); a place that is in the ledger or the
/// issues but has no stock row is there too, named by its ids.
pub(crate) fn books_from(
    stock: Vec<BooksStock>,
    moves: Vec<BooksMoves>,
    issues: Vec<BooksIssues>,
    refills: Vec<BooksRefills>,
    by_day: Vec<BooksIssuedDays>,
) -> Vec<Books> {
    use crate::domain::MoveKind;
    let mut all: Vec<Books> = stock
        .into_iter()
        .map(|(warehouse_id, warehouse, cartridge_type_id, article, full, empty)| Books {
            warehouse_id,
            warehouse,
            cartridge_type_id,
            article,
            full,
            empty,
            ..Default::default()
        })
        .collect();
    fn at(all: &mut Vec<Books>, w: WarehouseId, t: CartridgeTypeId) -> &mut Books {
        let i = match all.iter().position(|b| b.warehouse_id == w && b.cartridge_type_id == t) {
            Some(i) => i,
            None => {
                all.push(Books {
                    warehouse_id: w,
                    warehouse: format!("warehouse #{w}"),
                    cartridge_type_id: t,
                    article: format!("cartridge #{t}"),
                    ..Default::default()
                });
                all.len() - 1
            }
        };
        &mut all[i]
    }
    for (w, t, kind, full, empty) in moves {
        let b = at(&mut all, w, t);
        b.ledger_full += full;
        b.ledger_empty += empty;
        let kind = kind.parse::<MoveKind>().ok();
        if kind.is_some_and(MoveKind::is_received) {
            b.received += full + empty;
        }
        match kind {
            Some(MoveKind::Issue) => b.ledger_issued -= full,
            Some(MoveKind::EmptiesBack) => b.ledger_empties_back += empty,
            Some(MoveKind::RefillOut) => b.ledger_sent -= empty,
            Some(MoveKind::RefillIn) => b.ledger_refilled += full,
            _ => {}
        }
    }
    for (w, t, issued, back) in issues {
        let b = at(&mut all, w, t);
        b.issued += issued;
        b.empties_back += back;
    }
    for (w, t, sent, refilled, rejected) in refills {
        let b = at(&mut all, w, t);
        b.sent += sent;
        b.refilled += refilled;
        b.rejected += rejected;
    }
    for (w, t, issued) in by_day {
        at(&mut all, w, t).issued_by_day += issued;
    }
    all.sort_by(|a, b| alphabetical(&a.warehouse, &b.warehouse).then_with(|| alphabetical(&a.article, &b.article)));
    all
}

/// `rows` in listing order.
pub(crate) fn listed<T: Listed>(mut rows: Vec<T>) -> Vec<T> {
    rows.sort_by(T::listing_order);
    rows
}

impl Listed for Branch {
    fn listing_order(&self, other: &Self) -> Ordering {
        alphabetical(&self.code, &other.code)
    }
}

impl Listed for Warehouse {
    fn listing_order(&self, other: &Self) -> Ordering {
        alphabetical(&self.code, &other.code)
    }
}

impl Listed for User {
    fn listing_order(&self, other: &Self) -> Ordering {
        alphabetical(&self.full_name, &other.full_name).then(self.telegram_id.cmp(&other.telegram_id))
    }
}

impl Listed for CartridgeType {
    fn listing_order(&self, other: &Self) -> Ordering {
        alphabetical(&self.name, &other.name).then_with(|| alphabetical(&self.vendor_article, &other.vendor_article))
    }
}

impl Listed for Printer {
    fn listing_order(&self, other: &Self) -> Ordering {
        alphabetical(&self.branch_code, &other.branch_code)
            .then_with(|| crate::domain::text::natural(&self.inventory_number, &other.inventory_number))
    }
}

impl Listed for StockRow {
    fn listing_order(&self, other: &Self) -> Ordering {
        alphabetical(&self.warehouse_name, &other.warehouse_name)
            .then_with(|| alphabetical(&self.cartridge_name, &other.cartridge_name))
            .then_with(|| alphabetical(&self.vendor_article, &other.vendor_article))
    }
}

// ---------------------------------------------------------------- capabilities

/// Branches, warehouses and people.
pub trait Directory {
    fn branches(&mut self) -> Result<Vec<Branch>>;
    fn branch(&mut self, id: BranchId) -> Result<Option<Branch>>;
    /// By code, whatever the case of its Latin letters.
    fn branch_by_code(&mut self, code: &str) -> Result<Option<Branch>>;
    /// By exact name.
    fn branch_by_name(&mut self, name: &str) -> Result<Option<Branch>>;
    fn insert_branch(&mut self, new: &NewBranch, at: DateTime<Utc>) -> Result<Branch>;
    fn update_branch(&mut self, branch: &Branch) -> Result<()>;

    fn warehouses(&mut self) -> Result<Vec<Warehouse>>;
    fn warehouse(&mut self, id: WarehouseId) -> Result<Option<Warehouse>>;
    /// By code, whatever the case of its Latin letters.
    fn warehouse_by_code(&mut self, code: &str) -> Result<Option<Warehouse>>;
    /// By exact name.
    fn warehouse_by_name(&mut self, name: &str) -> Result<Option<Warehouse>>;
    fn warehouse_by_one_c_id(&mut self, one_c_id: &str) -> Result<Option<Warehouse>>;
    fn insert_warehouse(&mut self, new: &NewWarehouse, at: DateTime<Utc>) -> Result<Warehouse>;
    fn update_warehouse(&mut self, warehouse: &Warehouse) -> Result<()>;

    fn users(&mut self, filter: &UserFilter) -> Result<Vec<User>>;
    fn user(&mut self, telegram_id: i64) -> Result<Option<User>>;
    fn insert_user(&mut self, user: &User) -> Result<()>;
    /// Writes every field of `user` over the stored row.
    fn update_user(&mut self, user: &User) -> Result<()>;
}

/// Full cartridges of a type issued from a warehouse on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDay {
    pub warehouse_id: WarehouseId,
    pub cartridge_type_id: CartridgeTypeId,
    /// Days since 1970-01-01.
    pub day: i64,
    pub quantity: i64,
}

/// The UTC day of `at`, as days since 1970-01-01 (what [`IssuedDay::day`] counts).
pub fn day_number(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(86_400)
}

/// The cartridge catalog and what is in stock.
pub trait Catalog {
    fn cartridge_types(&mut self) -> Result<Vec<CartridgeType>>;
    fn cartridge_type(&mut self, id: CartridgeTypeId) -> Result<Option<CartridgeType>>;
    /// By vendor article, whatever the case of its Latin letters.
    fn cartridge_type_by_article(&mut self, article: &str) -> Result<Option<CartridgeType>>;
    fn cartridge_type_by_one_c_id(&mut self, one_c_id: &str) -> Result<Option<CartridgeType>>;
    fn insert_cartridge_type(&mut self, new: &NewCartridgeType, at: DateTime<Utc>) -> Result<CartridgeType>;
    fn update_cartridge_type(&mut self, cartridge: &CartridgeType) -> Result<()>;

    fn stock(&mut self, filter: &StockFilter) -> Result<Vec<StockRow>>;
    /// Full cartridges of a type at a warehouse; `None` when it never had any.
    fn stock_level(&mut self, cartridge_type_id: CartridgeTypeId, warehouse_id: WarehouseId) -> Result<Option<i64>>;
    /// Full and empty ones (zero when it never had any).
    fn stock_levels(&mut self, cartridge_type_id: CartridgeTypeId, warehouse_id: WarehouseId) -> Result<StockLevels>;
    /// The one way stock changes: applies `m` to the warehouse's full and
    /// empty cartridges (making its row if needed) and records it in the
    /// ledger. Refuses with `InsufficientStock` (or `InsufficientEmpties`) a
    /// move that would take more than is there. Returns what is there after.
    fn move_stock(&mut self, m: &NewStockMove) -> Result<StockLevels>;
    /// Every warehouse and type's figures from the stock rows, the ledger and
    /// the issues, for balancing the books (see [`crate::domain::stock`]).
    fn stock_books(&mut self) -> Result<Vec<Books>>;
    /// Empties at a contractor per warehouse and type (sent, neither back nor rejected), where any.
    fn at_contractors(&mut self) -> Result<Vec<(WarehouseId, CartridgeTypeId, i64)>>;
    /// Full cartridges issued per warehouse, type and UTC day from day `since`
    /// on (days since 1970-01-01), in no order: kept by [`Catalog::move_stock`].
    fn issued_days(&mut self, since: i64) -> Result<Vec<IssuedDay>>;
}

/// The printers of every branch and the cartridge types each takes.
pub trait Printers {
    /// Printers the filter selects, with their branch and cartridge types, in listing order.
    fn printers(&mut self, filter: &PrinterFilter) -> Result<Vec<Printer>>;
    fn printer(&mut self, id: PrinterId) -> Result<Option<Printer>>;
    /// By inventory number, whatever the case of its Latin letters.
    fn printer_by_inventory_number(&mut self, inventory_number: &str) -> Result<Option<Printer>>;
    fn insert_printer(&mut self, new: &NewPrinter, at: DateTime<Utc>) -> Result<Printer>;
    /// Makes a printer what `new` says, its cartridge types included.
    fn update_printer(&mut self, id: PrinterId, new: &NewPrinter) -> Result<()>;
    fn retire_printer(&mut self, id: PrinterId, at: DateTime<Utc>) -> Result<()>;
    /// How many open requests (new or accepted, not archived) have a line for it.
    fn open_requests_for_printer(&mut self, id: PrinterId) -> Result<u64>;
}

/// Contractors and the batches of empties sent to them for refilling.
pub trait Refills {
    /// Every contractor, by name.
    fn contractors(&mut self) -> Result<Vec<Contractor>>;
    fn contractor(&mut self, id: i64) -> Result<Option<Contractor>>;
    fn insert_contractor(&mut self, new: &NewContractor, at: DateTime<Utc>) -> Result<Contractor>;
    /// Inserts a batch and its lines; returns its id.
    fn insert_refill_batch(&mut self, new: &NewRefillBatch) -> Result<i64>;
    fn refill_batch(&mut self, id: i64) -> Result<Option<RefillBatch>>;
    /// Open ones first, then the newest; only open ones with `open_only`.
    fn refill_batches(&mut self, open_only: bool) -> Result<Vec<RefillBatch>>;
    fn set_refill_line(&mut self, line_id: i64, received: i64, rejected: i64, reason: Option<&str>) -> Result<()>;
    fn close_refill_batch(&mut self, id: i64, at: DateTime<Utc>) -> Result<()>;
}

/// Batches with their lines, given every batch's lines by batch.
pub(crate) fn with_lines(mut batches: Vec<RefillBatch>, lines: Vec<(i64, RefillLine)>) -> Vec<RefillBatch> {
    for (batch, line) in lines {
        if let Some(b) = batches.iter_mut().find(|b| b.id == batch) {
            b.lines.push(line);
        }
    }
    batches
}

/// Requests, their cartridge lines and attachments.
pub trait Requests {
    /// Inserts a request and its items; returns its id.
    fn insert_request(&mut self, new: &NewRequest) -> Result<i64>;
    fn request(&mut self, id: i64) -> Result<Option<Request>>;
    fn request_by_client_key(&mut self, key: &str) -> Result<Option<Request>>;
    /// Like [`Requests::request`], locking the row until the transaction ends
    /// (within a write transaction).
    fn lock_request(&mut self, id: i64) -> Result<Option<Request>>;
    /// Writes the mutable fields (status, assignee, reason, times, SLA state).
    fn update_request(&mut self, request: &Request) -> Result<()>;
    /// Calls `each` for every matching request in order, until it returns `false`.
    fn scan_requests(&mut self, query: &RequestQuery, each: &mut dyn FnMut(Request) -> Result<bool>) -> Result<()>;
    /// The service-level times of every request `q` selects, in no order
    /// (its order, limit and offset are ignored).
    fn request_times(&mut self, q: &RequestQuery) -> Result<Vec<RequestTimes>>;
    fn count_requests(&mut self, query: &RequestQuery) -> Result<u64>;

    fn items(&mut self, request_id: i64) -> Result<Vec<RequestItem>>;
    fn set_item_issued(&mut self, item_id: i64, issued_quantity: i64) -> Result<()>;
    fn insert_attachment(&mut self, new: &NewAttachment) -> Result<i64>;
    fn attachments(&mut self, request_id: i64) -> Result<Vec<Attachment>>;
    /// Records cartridges taken out of stock for an order line.
    fn insert_issue(&mut self, issue: &NewIssue) -> Result<i64>;
    /// Calls `each` for every cartridge line of the requests matching `query`
    /// (its order and limit ignored), by request then line, until it returns `false`.
    fn scan_items(&mut self, query: &RequestQuery, each: &mut dyn FnMut(RequestItem) -> Result<bool>) -> Result<()>;
}

/// Imports of 1C balances and the snapshots they left.
pub trait Imports {
    /// The latest import from `source`, when its content is `content_hash` (a repeat of it).
    fn latest_one_c_import_of(&mut self, source: &str, content_hash: &str) -> Result<Option<OneCImport>>;
    fn insert_one_c_import(&mut self, source: &str, content_hash: &str, at: DateTime<Utc>, rows: i64) -> Result<i64>;
    fn insert_one_c_snapshot(
        &mut self,
        import_id: i64,
        source: &str,
        at: DateTime<Utc>,
        rows: &[NewSnapshotRow],
    ) -> Result<()>;
}

/// The record of exchanges with 1C, and which issues 1C has confirmed.
pub trait OneCExchanges {
    /// Records a step (its `id` is ignored); returns its id.
    fn insert_one_c_exchange(&mut self, step: &OneCExchange) -> Result<i64>;
    /// The newest steps first, up to `limit`.
    fn one_c_exchanges(&mut self, limit: u32) -> Result<Vec<OneCExchange>>;
    /// Cartridge issues 1C has not confirmed, oldest first, up to `limit`.
    fn unconfirmed_issues(&mut self, limit: u32) -> Result<Vec<SaleLine>>;
    /// Marks issues as confirmed by the step `exchange_id`; those confirmed
    /// already are left as they were. Returns how many are newly confirmed.
    fn confirm_issues(&mut self, issue_ids: &[i64], exchange_id: i64) -> Result<u64>;
    /// Marks every issue not yet confirmed as confirmed by `exchange_id`; returns how many.
    fn confirm_all_issues(&mut self, exchange_id: i64) -> Result<u64>;
    /// Whether a step `kind`/`step` was ever recorded.
    fn one_c_step_taken(&mut self, kind: &str, step: &str) -> Result<bool>;
    /// Keeps a catalog 1C sent: each item and warehouse replaces the one of its 1C id.
    fn keep_one_c_catalog(&mut self, entries: &[OneCCatalogEntry], at: DateTime<Utc>) -> Result<()>;
    /// Every item and warehouse of the catalogs 1C sent.
    fn one_c_catalog(&mut self) -> Result<Vec<OneCCatalogEntry>>;
}

/// An item (with its name and article) or a warehouse (with its name) of a
/// catalog 1C sent, by its 1C id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneCCatalogEntry {
    pub warehouse: bool,
    pub one_c_id: String,
    pub name: Option<String>,
    pub article: Option<String>,
    pub received_at: DateTime<Utc>,
}

/// The columns of `onec_exchanges`, in [`OneCExchange`]'s order (both backends).
pub(crate) const ONE_C_EXCHANGE_COLUMNS: &str =
    "id, at, kind, step, session, peer, files, ok, detail, import_id, stock_changed";

/// [`SaleLine`]s of the issues 1C has not confirmed, oldest first (both backends; add the LIMIT).
pub(crate) const SALE_LINES: &str = "SELECT ci.id, ci.request_id, r.created_at, b.name, b.code, ct.one_c_id, ct.vendor_article, ct.name, \
     w.one_c_id, w.name, ci.quantity, ci.issued_at \
     FROM cartridge_issues ci \
     JOIN requests r ON r.id = ci.request_id \
     JOIN branches b ON b.id = r.branch_id \
     JOIN request_items ri ON ri.id = ci.item_id \
     JOIN cartridge_types ct ON ct.id = ri.cartridge_type_id \
     JOIN warehouses w ON w.id = ci.warehouse_id \
     WHERE NOT EXISTS (SELECT 1 FROM onec_sale_confirmed c WHERE c.issue_id = ci.id) \
     ORDER BY ci.id";

/// The append-only audit log.
pub trait Audit {
    fn append_log(&mut self, record: &NewLog) -> Result<()>;
    /// Every record about one entity, oldest first.
    fn logs(&mut self, entity: &str, entity_id: &str) -> Result<Vec<LogEntry>>;
    /// The id of the newest record (0 when there is none): it grows with
    /// every change anyone makes, from any process.
    fn last_log_id(&mut self) -> Result<i64>;
}

/// Updates received before their offset is confirmed, replayed if not done.
pub trait Inbox {
    /// Stores updates not seen before, as received by the `serve` instance
    /// `by`; returns how many were new.
    fn inbox_insert(&mut self, updates: &[InboxUpdate], at: DateTime<Utc>, by: &str) -> Result<u64>;
    /// Updates not yet done, oldest first.
    fn inbox_pending(&mut self, limit: u64) -> Result<Vec<InboxUpdate>>;
    fn inbox_done(&mut self, update_ids: &[i64], at: DateTime<Utc>) -> Result<()>;
    /// The highest update id ever stored.
    fn inbox_last_id(&mut self) -> Result<Option<i64>>;
    /// Claims for the instance `by`, until `until`, the updates not yet done
    /// that nobody alive is handling: received by an instance that is no
    /// longer alive (its last heartbeat before `alive_since`) or before
    /// `received_before` (its receiver is stuck), and not claimed by an
    /// instance alive now whose claim runs past `now`. Each goes to one
    /// claimant only.
    fn inbox_claim_stale(&mut self, stale: &StaleClaim<'_>, limit: u64) -> Result<Vec<InboxUpdate>>;
    /// Forgets updates done before `before`; returns how many.
    fn inbox_prune(&mut self, before: DateTime<Utc>) -> Result<u64>;
}

/// What [`Inbox::inbox_claim_stale`] claims, and for whom.
#[derive(Debug, Clone, Copy)]
pub struct StaleClaim<'a> {
    pub by: &'a str,
    pub now: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub received_before: DateTime<Utc>,
    pub alive_since: DateTime<Utc>,
}

/// The `serve` processes on a database, each alive while it beats.
pub trait Instances {
    /// Registers the instance `id`, alive as of `at`.
    fn instance_start(&mut self, id: &str, at: DateTime<Utc>) -> Result<()>;
    /// Records that `id` is alive at `at`; `false` when it is not registered
    /// or was stopped (it must register again before holding anything).
    fn instance_beat(&mut self, id: &str, at: DateTime<Utc>) -> Result<bool>;
    /// Marks `id` stopped at `at` and gives back what it held: its outbox
    /// messages are due at `at`, its inbox claims are free.
    fn instance_stop(&mut self, id: &str, at: DateTime<Utc>) -> Result<()>;
    /// Forgets instances stopped, or silent, since before `before`; returns how many.
    fn instance_prune(&mut self, before: DateTime<Utc>) -> Result<u64>;
}

/// The dialogue step of each chat.
pub trait Dialogues {
    fn dialogue(&mut self, chat_id: i64) -> Result<Option<DialogueRow>>;
    fn set_dialogue(&mut self, chat_id: i64, row: &DialogueRow, at: DateTime<Utc>) -> Result<()>;
}

/// Notifications written with the change they announce, sent later.
pub trait Outbox {
    fn outbox_push(&mut self, chat_id: i64, notice: &str, at: DateTime<Utc>) -> Result<i64>;
    /// Queues a reply, held by the instance `by`, which sends it itself,
    /// until `until` (or until `by` is no longer alive).
    fn outbox_push_reply(
        &mut self,
        chat_id: i64,
        notice: &str,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
        by: &str,
    ) -> Result<i64>;
    /// Queues a notification for an email address.
    fn outbox_push_email(&mut self, address: &str, notice: &str, at: DateTime<Utc>) -> Result<i64>;
    /// Queues one broadcast message (behind every other notification).
    fn outbox_push_broadcast(
        &mut self,
        broadcast_id: i64,
        chat_id: i64,
        notice: &str,
        at: DateTime<Utc>,
    ) -> Result<i64>;
    /// Unsent, not failed notifications due at `now` (or held by an instance
    /// whose last heartbeat was before `alive_since`: it died holding them),
    /// most urgent then oldest first, at most `per_chat` of them for any one
    /// chat or address (so a backlog for one chat, which Telegram lets us
    /// send only so fast, does not hold back everyone else's).
    fn outbox_due(
        &mut self,
        now: DateTime<Utc>,
        alive_since: DateTime<Utc>,
        limit: u64,
        per_chat: u64,
    ) -> Result<Vec<OutboxMessage>>;
    /// Holds notifications for the instance `by` that took them: nobody else
    /// takes them before `until` while `by` is alive.
    fn outbox_lease(&mut self, ids: &[i64], until: DateTime<Utc>, by: &str) -> Result<()>;
    /// Makes due at `now` every unsent message held or leased past `now`
    /// (by whoever: on start, when no other instance can be alive; a
    /// retry's backoff stays); returns how many.
    fn outbox_release(&mut self, now: DateTime<Utc>) -> Result<u64>;
    fn outbox_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<()>;
    /// Counts an attempt and puts the next one off until `after`.
    fn outbox_retry(&mut self, id: i64, after: DateTime<Utc>, error: &str) -> Result<()>;
    /// Puts a message off until `after` without counting an attempt (it
    /// waits behind an earlier one to the same chat that failed).
    fn outbox_defer(&mut self, id: i64, after: DateTime<Utc>) -> Result<()>;
    /// Gives up on a notification for good.
    fn outbox_failed(&mut self, id: i64, at: DateTime<Utc>, error: &str) -> Result<()>;
}

pub trait Calls {
    /// When this person last called, if ever.
    fn last_call_by(&mut self, caller_id: i64) -> Result<Option<DateTime<Utc>>>;
    fn insert_call(
        &mut self,
        caller_id: i64,
        branch_id: Option<BranchId>,
        at: DateTime<Utc>,
        client_key: Option<&str>,
    ) -> Result<i64>;
    /// The call started by `key` (the Telegram update), if any.
    fn call_by_client_key(&mut self, key: &str) -> Result<Option<i64>>;
    fn server_call(&mut self, id: i64) -> Result<Option<ServerCall>>;
    /// Records (or changes) a responder's answer.
    fn answer_call(&mut self, id: i64, responder_id: i64, answer: &str, at: DateTime<Utc>) -> Result<()>;
}

pub trait Broadcasts {
    fn insert_broadcast(&mut self, new: &NewBroadcast) -> Result<i64>;
    fn broadcast(&mut self, id: i64) -> Result<Option<Broadcast>>;
    fn broadcast_by_client_key(&mut self, key: &str) -> Result<Option<Broadcast>>;
    /// How its messages stand in the outbox: still to send, sent, failed, and failed because the bot was blocked.
    fn broadcast_progress(&mut self, id: i64) -> Result<(i64, BroadcastStats)>;
    fn finish_broadcast(&mut self, id: i64, stats: BroadcastStats, at: DateTime<Utc>) -> Result<()>;
}

/// A working-time calendar as stored: hours are text as people write them
/// (`09:00-13:00 14:00-18:00`), checked by `domain::calendar` on the way in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// `None`: the TIMEZONE setting.
    pub timezone: Option<String>,
    /// Monday first.
    pub week: [String; 7],
    pub is_default: bool,
}

/// A day a calendar treats apart: `kind` is holiday, yearly or workday; `day`
/// a date (YYYY-MM-DD), or MM-DD for a yearly holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDayRecord {
    pub calendar_id: i64,
    pub kind: String,
    pub day: String,
    pub hours: String,
    pub name: String,
}

/// Working-time calendars, their days apart, and which branch keeps which.
pub trait Calendars {
    /// Every calendar, by code.
    fn calendars(&mut self) -> Result<Vec<CalendarRecord>>;
    /// Every day apart of every calendar, by calendar, kind and date.
    fn calendar_days(&mut self) -> Result<Vec<CalendarDayRecord>>;
    /// The branches with a calendar of their own.
    fn branch_calendars(&mut self) -> Result<Vec<(BranchId, i64)>>;
    /// Adds a calendar (its `id` is ignored); returns its id.
    fn insert_calendar(&mut self, calendar: &CalendarRecord, at: DateTime<Utc>) -> Result<i64>;
    /// Writes every field of `calendar` over the stored row.
    fn update_calendar(&mut self, calendar: &CalendarRecord) -> Result<()>;
    /// Adds a day apart, or replaces its hours and name.
    fn put_calendar_day(&mut self, day: &CalendarDayRecord) -> Result<()>;
    /// Removes a day apart; whether there was one.
    fn remove_calendar_day(&mut self, calendar_id: i64, kind: &str, day: &str) -> Result<bool>;
    /// Gives a branch a calendar of its own, or (`None`) the default back.
    fn set_branch_calendar(&mut self, branch: BranchId, calendar_id: Option<i64>) -> Result<()>;
}

/// A recurring request's schedule as stored: its rule as written
/// (`every 2 weeks on mon`), read by `domain::recurrence`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurringRecord {
    pub id: i64,
    pub kind: crate::domain::Kind,
    /// `None`: every branch.
    pub branch_id: Option<BranchId>,
    pub description: String,
    pub priority: crate::domain::Priority,
    /// On whose behalf each request is filed.
    pub author_id: i64,
    /// Who each is filed accepted by, if anyone.
    pub assignee_id: Option<i64>,
    pub rule: String,
    /// `09:00`.
    pub at_time: String,
    /// `2027-01-01`.
    pub starts_on: String,
    pub paused: bool,
    /// Made, or last resumed: occurrences before this are not filed.
    pub active_since: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// An occurrence of a schedule, filed for a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurringRun {
    pub recurring_id: i64,
    pub branch_id: BranchId,
    /// The occurrence, as the rule gives it.
    pub due_at: DateTime<Utc>,
    pub request_id: Option<i64>,
    pub filed_at: DateTime<Utc>,
    /// Filed well after it fell due (the service was down).
    pub late: bool,
}

/// A request's rating by its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub request_id: i64,
    pub score: u8,
    pub comment: Option<String>,
    pub rated_at: DateTime<Utc>,
}

/// Satisfaction ratings, one per request.
pub trait Ratings {
    /// Records a rating, or changes it; the score it had before, if any.
    fn put_rating(&mut self, rating: &Rating) -> Result<Option<u8>>;
    fn rating(&mut self, request_id: i64) -> Result<Option<Rating>>;
    /// Every request's score, by request.
    fn scores(&mut self) -> Result<std::collections::HashMap<i64, u8>>;
}

/// Recurring requests: schedules, and the occurrences filed.
pub trait Recurring {
    /// Every schedule, by id.
    fn recurring(&mut self) -> Result<Vec<RecurringRecord>>;
    /// Adds a schedule (its `id` is ignored); returns its id.
    fn insert_recurring(&mut self, r: &RecurringRecord) -> Result<i64>;
    /// Pauses or resumes a schedule; whether there is one.
    fn set_recurring_paused(&mut self, id: i64, paused: bool, active_since: DateTime<Utc>) -> Result<bool>;
    /// Records that an occurrence is being filed for a branch: `false` when
    /// it was already (by this process or another), and so must not be again.
    fn claim_recurring_run(&mut self, run: &RecurringRun) -> Result<bool>;
    /// The request an occurrence was filed as.
    fn set_recurring_run_request(
        &mut self,
        recurring_id: i64,
        branch: BranchId,
        due_at: DateTime<Utc>,
        request_id: i64,
    ) -> Result<()>;
    /// The latest occurrence filed of each schedule, per branch.
    fn recurring_last_runs(&mut self) -> Result<Vec<RecurringRun>>;
}

/// SLA reminders: recorded when decided, leased to a sender, marked sent.
pub trait Sla {
    /// Records reminders not recorded before; returns how many were new.
    fn insert_sla_reminders(&mut self, reminders: &[NewSlaReminder], at: DateTime<Utc>) -> Result<u64>;
    /// Takes unsent reminders whose lease has run out, holding them until `lease_until`.
    fn lease_sla_reminders(
        &mut self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<SlaReminder>>;
    fn sla_reminder_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<()>;
    /// A failed attempt: due again on the next run, or given up after too many.
    fn sla_reminder_failed(&mut self, id: i64, at: DateTime<Utc>, error: &str, give_up: bool) -> Result<()>;
    /// Reminders recorded but not sent (and not given up).
    fn sla_reminders_pending(&mut self) -> Result<u64>;
}

/// What an operator watches, read in one go (for `/metrics`): the outbox,
/// the inbox, the jobs' runs and 1C's exchanges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Watched {
    /// Messages not sent (nor given up), and since when the oldest of them
    /// (broadcasts aside) has been due (see the SQL).
    pub outbox_depth: i64,
    pub outbox_oldest: Option<DateTime<Utc>>,
    /// Messages given up on, ever.
    pub outbox_failed: i64,
    /// Telegram updates received and not yet applied, and the oldest one's arrival.
    pub inbox_pending: i64,
    pub inbox_oldest: Option<DateTime<Utc>>,
    /// Finished runs per job and result, with the latest one's end.
    pub job_runs: Vec<(String, bool, i64, Option<DateTime<Utc>>)>,
    /// 1C's exchange steps per kind and result.
    pub onec_exchanges: Vec<(String, bool, i64)>,
}

pub trait Monitoring {
    /// [`Watched`] as of `now`.
    fn watched(&mut self, now: DateTime<Utc>) -> Result<Watched>;
}

pub trait Jobs {
    fn job_started(&mut self, job: &str, at: DateTime<Utc>) -> Result<i64>;
    fn job_finished(&mut self, run_id: i64, at: DateTime<Utc>, ok: bool, message: &str) -> Result<()>;
    fn last_job_run(&mut self, job: &str) -> Result<Option<JobRun>>;
}

/// Lists matching requests into a vector (for small, limited listings).
pub fn list_requests(tx: &mut dyn Tx, query: &RequestQuery) -> Result<Vec<Request>> {
    let mut out = Vec::new();
    tx.scan_requests(query, &mut |r| {
        out.push(r);
        Ok(true)
    })?;
    Ok(out)
}

/// Sign-in links and sessions of the web panel.
pub trait WebSessions {
    fn insert_login_token(&mut self, token: &LoginToken) -> Result<()>;
    fn login_token(&mut self, token_hash: &str) -> Result<Option<LoginToken>>;
    /// Marks the token used at `now` if it is unused and unexpired; returns
    /// whose it is, or `None` (used, expired or unknown). Once only, however
    /// many ask at the same moment.
    fn use_login_token(&mut self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<i64>>;
    /// Stores a session (its `id` is ignored); returns its id.
    fn insert_session(&mut self, session: &WebSession) -> Result<i64>;
    fn session(&mut self, token_hash: &str) -> Result<Option<WebSession>>;
    fn touch_session(&mut self, id: i64, at: DateTime<Utc>) -> Result<()>;
    fn end_session(&mut self, id: i64, at: DateTime<Utc>) -> Result<()>;
    /// Ends every open session of a person; returns how many.
    fn end_sessions_of(&mut self, telegram_id: i64, at: DateTime<Utc>) -> Result<u64>;
    /// A person's open sessions, newest first.
    fn sessions_of(&mut self, telegram_id: i64) -> Result<Vec<WebSession>>;
}
