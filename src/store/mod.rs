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
use crate::domain::text::alphabetical;
use crate::domain::{BranchId, CartridgeTypeId, Kind, Lang, Priority, Role, Status, WarehouseId};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What went wrong in the store, in words a sysadmin can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {path}: {message}")]
    Open { path: String, message: String },
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
    #[error("the database is busy (another process holds a lock); try again")]
    Busy,
    #[error("database error: {0}")]
    Backend(String),
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
    + Send
{
    fn commit(self: Box<Self>) -> Result<()>;
    /// A hint that this transaction will write a great many rows (demo data,
    /// imports): the backend may use more memory for it until it ends.
    fn bulk_load(&mut self) -> Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------- records

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Branch {
    pub id: BranchId,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBranch {
    pub code: String,
    pub name: String,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warehouse {
    pub id: WarehouseId,
    pub code: String,
    pub name: String,
    /// `None` for a central warehouse.
    pub branch_id: Option<BranchId>,
    pub one_c_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWarehouse {
    pub code: String,
    pub name: String,
    pub branch_id: Option<BranchId>,
    pub one_c_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub telegram_id: i64,
    pub full_name: String,
    pub username: Option<String>,
    pub phone: Option<String>,
    /// The stored role; super admins are decided from configuration on top of it.
    pub role: Role,
    pub branch_id: Option<BranchId>,
    pub language: Option<Lang>,
    pub blocked: bool,
    pub on_duty: bool,
    /// When Telegram last told us this person blocked the bot.
    pub bot_blocked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub staff_only: bool,
    pub branch_id: Option<BranchId>,
    pub blocked: Option<bool>,
    /// Only people the bot can write to: not blocked here, and who have not blocked the bot.
    pub reachable_only: bool,
    /// Only staff marked on duty.
    pub on_duty_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CartridgeType {
    pub id: CartridgeTypeId,
    pub name: String,
    pub vendor_article: String,
    pub compatible_printers: String,
    pub one_c_id: Option<String>,
    pub min_stock: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCartridgeType {
    pub name: String,
    pub vendor_article: String,
    pub compatible_printers: String,
    pub one_c_id: Option<String>,
    pub min_stock: i64,
}

/// Stock of one cartridge type at one warehouse.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StockRow {
    pub cartridge_type_id: CartridgeTypeId,
    pub vendor_article: String,
    pub cartridge_name: String,
    pub warehouse_id: WarehouseId,
    pub warehouse_name: String,
    pub quantity: i64,
    pub min_stock: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockFilter {
    pub warehouse_id: Option<WarehouseId>,
    pub cartridge_type_id: Option<CartridgeTypeId>,
    pub below_minimum: bool,
}

/// The order every store lists people, branches, warehouses, cartridge types
/// and stock in: alphabetical by what people read ([`alphabetical`]), the
/// same on every backend whatever its collation or locale.
pub(crate) trait Listed {
    fn listing_order(&self, other: &Self) -> Ordering;
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

impl Listed for StockRow {
    fn listing_order(&self, other: &Self) -> Ordering {
        alphabetical(&self.warehouse_name, &other.warehouse_name)
            .then_with(|| alphabetical(&self.cartridge_name, &other.cartridge_name))
            .then_with(|| alphabetical(&self.vendor_article, &other.vendor_article))
    }
}

/// A request as stored, with the names of the people and branch it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: i64,
    pub kind: Kind,
    pub author_id: i64,
    pub author_name: String,
    pub branch_id: BranchId,
    pub branch_code: String,
    pub branch_name: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub description: String,
    pub priority: Priority,
    pub status: Status,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub rejection_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    /// How many SLA reminders have gone out for this request.
    pub sla_level: i64,
    pub sla_notified_at: Option<DateTime<Utc>>,
    /// An idempotency key from the front end that created it.
    pub client_key: Option<String>,
    /// How many resolve-time SLA reminders have gone out.
    pub sla_resolve_level: i64,
}

/// A request to insert, with its cartridge lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub kind: Kind,
    pub author_id: i64,
    pub branch_id: BranchId,
    pub contact_name: String,
    pub contact_phone: String,
    pub description: String,
    pub priority: Priority,
    pub status: Status,
    pub assignee_id: Option<i64>,
    pub rejection_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub client_key: Option<String>,
    pub items: Vec<NewItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub cartridge_type_id: CartridgeTypeId,
    pub quantity: i64,
    pub issued_quantity: i64,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequestItem {
    pub id: i64,
    pub request_id: i64,
    pub cartridge_type_id: CartridgeTypeId,
    pub vendor_article: String,
    pub cartridge_name: String,
    pub quantity: i64,
    pub issued_quantity: i64,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AttachmentKind {
    Photo,
    Document,
}

impl AttachmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Photo => "photo",
            AttachmentKind::Document => "document",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "photo" => Some(AttachmentKind::Photo),
            "document" => Some(AttachmentKind::Document),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub request_id: i64,
    pub kind: AttachmentKind,
    pub file_id: String,
    pub file_unique_id: Option<String>,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attachment {
    pub id: i64,
    pub request_id: i64,
    pub kind: AttachmentKind,
    pub file_id: String,
    pub file_unique_id: Option<String>,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Whether archived requests are listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ArchivedFilter {
    /// Only requests that are not archived (the default everywhere).
    #[default]
    Exclude,
    Only,
    Include,
}

/// In which order requests are listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RequestOrder {
    /// Newest first.
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// The work queue: highest priority first, then oldest.
    Queue,
    /// The work queue backwards (to page back through it).
    ReverseQueue,
}

impl RequestOrder {
    /// The same listing read from its other end.
    pub fn reversed(self) -> RequestOrder {
        match self {
            RequestOrder::Newest => RequestOrder::Oldest,
            RequestOrder::Oldest => RequestOrder::Newest,
            RequestOrder::Queue => RequestOrder::ReverseQueue,
            RequestOrder::ReverseQueue => RequestOrder::Queue,
        }
    }
}

/// A request's place in a listing, for keyset paging: what every order sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestKey {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub priority: Priority,
}

impl RequestKey {
    pub fn of(r: &Request) -> RequestKey {
        RequestKey { id: r.id, created_at: r.created_at, priority: r.priority }
    }

    /// The rank the queue sorts priorities by (high first).
    pub fn rank(&self) -> i64 {
        match self.priority {
            Priority::High => 0,
            Priority::Medium => 1,
            Priority::Low => 2,
        }
    }
}

/// What a person searches requests for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSearch {
    /// Found in the description, contact name or phone, compared as
    /// `domain::text::fold` compares (already folded).
    pub text: String,
    /// A request number the text also is (`HD-000123`, `123`).
    pub number: Option<i64>,
}

/// Which requests to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestQuery {
    pub statuses: Vec<Status>,
    pub kinds: Vec<Kind>,
    /// Only these priorities (any when empty).
    pub priorities: Vec<Priority>,
    pub search: Option<RequestSearch>,
    /// Keyset paging: only requests after this one in `order`.
    pub after: Option<RequestKey>,
    pub branch_id: Option<BranchId>,
    pub author_id: Option<i64>,
    pub assignee_id: Option<i64>,
    /// Created at or after.
    pub since: Option<DateTime<Utc>>,
    /// Created before.
    pub until: Option<DateTime<Utc>>,
    /// Closed at or after.
    pub closed_since: Option<DateTime<Utc>>,
    /// Closed before.
    pub closed_before: Option<DateTime<Utc>>,
    pub archived: ArchivedFilter,
    pub order: RequestOrder,
    /// At most this many; `None` for all.
    pub limit: Option<u64>,
    pub offset: u64,
}

impl RequestQuery {
    /// The kinds to filter by: none when every kind is asked for (or none
    /// is), so that a query for all of them goes by its other indexes alone.
    pub fn kind_filter(&self) -> &[Kind] {
        if <Kind as crate::domain::Named>::ALL.iter().all(|k| self.kinds.contains(k)) { &[] } else { &self.kinds }
    }
}

/// An audit record to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLog {
    pub at: DateTime<Utc>,
    /// Telegram ID of the person acting, if a person in Telegram acted.
    pub actor_id: Option<i64>,
    /// Who acted, in words: `tg:123456`, `cli:root`, `system:sla`.
    pub actor: String,
    /// What happened: `request.accept`, `user.set_role`, `seed.fixtures`.
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LogEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
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
    fn stock_level(&mut self, cartridge_type_id: CartridgeTypeId, warehouse_id: WarehouseId) -> Result<Option<i64>>;
    /// Sets the quantity, creating the row if needed.
    fn set_stock(
        &mut self,
        cartridge_type_id: CartridgeTypeId,
        warehouse_id: WarehouseId,
        quantity: i64,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Takes `quantity` out of stock; refuses with `InsufficientStock` if less is there.
    /// Returns what is left.
    fn take_stock(
        &mut self,
        cartridge_type_id: CartridgeTypeId,
        warehouse_id: WarehouseId,
        quantity: i64,
        at: DateTime<Utc>,
    ) -> Result<i64>;
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

/// One import of 1C balances.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OneCImport {
    pub id: i64,
    /// The file name(s) it came from.
    pub source: String,
    /// SHA-256 of the imported content, to recognise the same content again
    /// (the same as the latest import's is a repeat).
    pub content_hash: String,
    pub imported_at: DateTime<Utc>,
    pub rows: i64,
}

/// One balance as 1C reported it, matched to the catalog and warehouses where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSnapshotRow {
    pub item_one_c_id: Option<String>,
    pub item_name: String,
    pub item_article: Option<String>,
    pub warehouse_one_c_id: Option<String>,
    pub warehouse_name: Option<String>,
    pub quantity: i64,
    pub cartridge_type_id: Option<CartridgeTypeId>,
    pub warehouse_id: Option<WarehouseId>,
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

/// What one step of an exchange with 1C did, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OneCExchange {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `catalog` (1C posts balances), `sale` (orders to 1C), `odata` (a pull).
    pub kind: String,
    /// `import`, `query`, `confirm`, `status`, `pull`, ...
    pub step: String,
    /// A short name of the exchange the step belongs to (not its cookie).
    pub session: Option<String>,
    /// Who called: the client's address, or the URL pulled from.
    pub peer: Option<String>,
    /// The files the step read or wrote, comma-separated.
    pub files: String,
    pub ok: bool,
    /// What changed, or why it was refused.
    pub detail: String,
    pub import_id: Option<i64>,
    pub stock_changed: i64,
}

/// A cartridge issue as 1C is told of it (`type=sale`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleLine {
    pub issue_id: i64,
    pub request_id: i64,
    pub request_created_at: DateTime<Utc>,
    pub branch: String,
    pub branch_code: String,
    pub cartridge_one_c_id: Option<String>,
    pub vendor_article: String,
    pub cartridge_name: String,
    pub warehouse_one_c_id: Option<String>,
    pub warehouse: String,
    pub quantity: i64,
    pub issued_at: DateTime<Utc>,
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

/// One update from Telegram as received, kept until handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxUpdate {
    pub update_id: i64,
    pub chat_id: Option<i64>,
    /// The update as JSON.
    pub payload: String,
}

/// Updates received before their offset is confirmed, replayed if not done.
pub trait Inbox {
    /// Stores updates not seen before; returns how many were new.
    fn inbox_insert(&mut self, updates: &[InboxUpdate], at: DateTime<Utc>) -> Result<u64>;
    /// Updates not yet done, oldest first.
    fn inbox_pending(&mut self, limit: u64) -> Result<Vec<InboxUpdate>>;
    fn inbox_done(&mut self, update_ids: &[i64], at: DateTime<Utc>) -> Result<()>;
    /// The highest update id ever stored.
    fn inbox_last_id(&mut self) -> Result<Option<i64>>;
    /// Claims until `until` the updates received before `received_before`
    /// and not yet done whose earlier claim (if any) ran out by `now`: the
    /// updates of a process that stopped before handling them. Each goes to
    /// one claimant only.
    fn inbox_claim_stale(
        &mut self,
        received_before: DateTime<Utc>,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<InboxUpdate>>;
    /// Forgets updates done before `before`; returns how many.
    fn inbox_prune(&mut self, before: DateTime<Utc>) -> Result<u64>;
}

/// A chat's dialogue step as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogueRow {
    /// The state as JSON.
    pub state: String,
    /// The last update applied to it.
    pub last_update_id: Option<i64>,
}

/// The dialogue step of each chat.
pub trait Dialogues {
    fn dialogue(&mut self, chat_id: i64) -> Result<Option<DialogueRow>>;
    fn set_dialogue(&mut self, chat_id: i64, row: &DialogueRow, at: DateTime<Utc>) -> Result<()>;
}

/// The `last_error` of an outbox message given up on because the person blocked the bot.
pub const BLOCKED_BY_USER: &str = "the person blocked the bot";

/// A notification waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub chat_id: i64,
    /// An email address instead of a Telegram chat.
    pub email: Option<String>,
    pub broadcast_id: Option<i64>,
    /// Which goes first: [`OUTBOX_REPLY`], [`OUTBOX_NOTICE`], [`OUTBOX_BROADCAST`].
    pub priority: i64,
    /// The notice as JSON.
    pub notice: String,
    pub created_at: DateTime<Utc>,
    pub send_after: DateTime<Utc>,
    pub attempts: i64,
}

/// Outbox priority of a reply to something a person just did: first.
pub const OUTBOX_REPLY: i64 = 0;
/// Outbox priority of a notification.
pub const OUTBOX_NOTICE: i64 = 1;
/// Outbox priority of a broadcast message: after everything else.
pub const OUTBOX_BROADCAST: i64 = 2;

/// Notifications written with the change they announce, sent later.
pub trait Outbox {
    fn outbox_push(&mut self, chat_id: i64, notice: &str, at: DateTime<Utc>) -> Result<i64>;
    /// Queues a reply, held until `until` for the process sending it itself.
    fn outbox_push_reply(&mut self, chat_id: i64, notice: &str, at: DateTime<Utc>, until: DateTime<Utc>)
    -> Result<i64>;
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
    /// Unsent, not failed notifications due at `now`, most urgent then oldest
    /// first, at most `per_chat` of them for any one chat or address (so a
    /// backlog for one chat, which Telegram lets us send only so fast, does
    /// not hold back everyone else's).
    fn outbox_due(&mut self, now: DateTime<Utc>, limit: u64, per_chat: u64) -> Result<Vec<OutboxMessage>>;
    /// Holds notifications for the sender that took them: nobody else takes
    /// them before `until` (after which they are due again, should it die).
    fn outbox_lease(&mut self, ids: &[i64], until: DateTime<Utc>) -> Result<()>;
    /// Makes due at `now` every unsent message held or leased past `now` that
    /// was never tried (a retry's backoff stays); returns how many.
    fn outbox_release(&mut self, now: DateTime<Utc>) -> Result<u64>;
    fn outbox_sent(&mut self, id: i64, at: DateTime<Utc>) -> Result<()>;
    /// Counts an attempt and puts the next one off until `after`.
    fn outbox_retry(&mut self, id: i64, after: DateTime<Utc>, error: &str) -> Result<()>;
    /// Gives up on a notification for good.
    fn outbox_failed(&mut self, id: i64, at: DateTime<Utc>, error: &str) -> Result<()>;
}

/// An urgent call to the server room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCall {
    pub id: i64,
    pub caller_id: i64,
    pub caller_name: String,
    pub caller_phone: Option<String>,
    pub branch_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub answers: Vec<CallAnswer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallAnswer {
    pub responder_id: i64,
    pub responder_name: String,
    /// `coming` or `cannot`.
    pub answer: String,
    pub answered_at: DateTime<Utc>,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBroadcast {
    pub author_id: i64,
    /// `text`, `photo` or `document`.
    pub kind: String,
    pub text: Option<String>,
    pub file_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub recipients: i64,
    /// What started it (the Telegram update), so it is started once.
    pub client_key: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BroadcastStats {
    pub delivered: i64,
    pub failed: i64,
    pub blocked: i64,
}

/// A broadcast as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    pub id: i64,
    pub author_id: i64,
    pub kind: String,
    pub text: Option<String>,
    pub file_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub recipients: i64,
}

pub trait Broadcasts {
    fn insert_broadcast(&mut self, new: &NewBroadcast) -> Result<i64>;
    fn broadcast(&mut self, id: i64) -> Result<Option<Broadcast>>;
    fn broadcast_by_client_key(&mut self, key: &str) -> Result<Option<Broadcast>>;
    /// How its messages stand in the outbox: still to send, sent, failed, and failed because the bot was blocked.
    fn broadcast_progress(&mut self, id: i64) -> Result<(i64, BroadcastStats)>;
    fn finish_broadcast(&mut self, id: i64, stats: BroadcastStats, at: DateTime<Utc>) -> Result<()>;
}

/// Cartridges taken out of stock for an order line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIssue {
    pub request_id: i64,
    pub item_id: i64,
    pub warehouse_id: WarehouseId,
    pub quantity: i64,
    pub note: Option<String>,
    pub issued_by: i64,
    pub issued_at: DateTime<Utc>,
}

/// A reminder about an SLA breach to send (or sent) to one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaReminder {
    pub id: i64,
    pub request_id: i64,
    /// `accept` or `resolve`.
    pub kind: String,
    pub level: i64,
    /// `telegram` or `email`.
    pub channel: String,
    /// A Telegram chat id or an email address.
    pub recipient: String,
    pub attempts: i64,
}

/// A reminder to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSlaReminder {
    pub request_id: i64,
    pub kind: String,
    pub level: i64,
    pub channel: String,
    pub recipient: String,
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

/// A run of a scheduled job.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JobRun {
    pub job: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub ok: Option<bool>,
    pub message: Option<String>,
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

// ---------------------------------------------------------------- web sessions

/// How a web session was signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedInVia {
    /// A one-time link from the bot's /web or `helpdesk web login-link`.
    Link,
    /// The Telegram Login Widget.
    Widget,
    /// Telegram's Mini App init data.
    MiniApp,
}

impl SignedInVia {
    pub fn as_str(self) -> &'static str {
        match self {
            SignedInVia::Link => "link",
            SignedInVia::Widget => "widget",
            SignedInVia::MiniApp => "mini_app",
        }
    }

    pub fn parse(s: &str) -> Option<SignedInVia> {
        match s {
            "link" => Some(SignedInVia::Link),
            "widget" => Some(SignedInVia::Widget),
            "mini_app" => Some(SignedInVia::MiniApp),
            _ => None,
        }
    }
}

/// A one-time sign-in link, as stored: only the SHA-256 of its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginToken {
    pub token_hash: String,
    pub telegram_id: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// A signed-in browser, as stored: only the SHA-256 of its cookie's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    pub id: i64,
    pub token_hash: String,
    pub telegram_id: i64,
    /// The value every form of this session carries back (CSRF).
    pub csrf: String,
    pub via: SignedInVia,
    pub created_at: DateTime<Utc>,
    pub seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub user_agent: Option<String>,
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
