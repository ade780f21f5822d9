//! The records of the help desk: branches, people, requests, stock, the
//! audit log, messages in and out, web sessions, 1C imports. The store keeps
//! them and the services hand them to the front ends, which therefore name
//! them from here and never from `store`.
//!
//! Plain data with no I/O; the rules over them are in the sibling modules.

use crate::domain::{BranchId, CartridgeTypeId, Kind, Lang, PrinterId, Priority, Role, Status, WarehouseId};
use chrono::{DateTime, Utc};

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

/// A printer at a branch, and the cartridge types it takes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Printer {
    pub id: PrinterId,
    pub branch_id: BranchId,
    pub branch_code: String,
    pub branch_name: String,
    /// What is written on its label: unique whatever the case of its Latin letters.
    pub inventory_number: String,
    pub model: String,
    /// Where it stands: a room, a floor ("каб. 12, 2 этаж").
    pub place: String,
    pub serial: Option<String>,
    /// The cartridge types it takes, in catalog order.
    pub cartridge_type_ids: Vec<CartridgeTypeId>,
    pub created_at: DateTime<Utc>,
    /// Printers are retired, never deleted: requests that name one keep it.
    pub retired_at: Option<DateTime<Utc>>,
}

impl Printer {
    /// `INV-0006 · Brother DCP-L2500DR, каб. 12`.
    pub fn label(&self) -> String {
        printer_label(&self.inventory_number, &self.model, &self.place)
    }

    /// Whether it takes cartridges of type `id`.
    pub fn takes(&self, id: CartridgeTypeId) -> bool {
        self.cartridge_type_ids.contains(&id)
    }
}

/// A printer to add, or what a printer is to be now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPrinter {
    pub branch_id: BranchId,
    pub inventory_number: String,
    pub model: String,
    pub place: String,
    pub serial: Option<String>,
    pub cartridge_type_ids: Vec<CartridgeTypeId>,
}

/// Which printers to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrinterFilter {
    pub branch_id: Option<BranchId>,
    /// Only printers whose model contains this (compared as search compares).
    pub model: Option<String>,
    /// Only printers that take this cartridge type.
    pub cartridge_type_id: Option<CartridgeTypeId>,
    /// Retired printers too.
    pub retired: bool,
}

/// Stock of one cartridge type at one warehouse.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StockRow {
    pub cartridge_type_id: CartridgeTypeId,
    pub vendor_article: String,
    pub cartridge_name: String,
    pub warehouse_id: WarehouseId,
    pub warehouse_name: String,
    /// Full cartridges.
    pub quantity: i64,
    /// Empty ones, back from printers, waiting to be refilled.
    pub empty: i64,
    pub min_stock: i64,
    pub updated_at: DateTime<Utc>,
}

impl StockRow {
    /// Whether there are fewer in stock than the cartridge type's minimum:
    /// the one rule every listing, mark and report of low stock follows.
    pub fn below_minimum(&self) -> bool {
        self.quantity < self.min_stock
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockFilter {
    pub warehouse_id: Option<WarehouseId>,
    pub cartridge_type_id: Option<CartridgeTypeId>,
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
    /// What it waits for, its clock stopped (an accepted request only).
    pub waiting: Option<crate::domain::Waiting>,
    pub waiting_since: Option<DateTime<Utc>>,
    /// Working time it waited before, in seconds (pushes its resolve deadline).
    pub waited_seconds: i64,
}

/// What a request's service level depends on: which branch, what kind, how
/// urgent, where it stands and when it moved. A dashboard reads only these
/// of every open request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestTimes {
    pub branch_id: BranchId,
    pub kind: Kind,
    pub priority: Priority,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub waited_seconds: i64,
}

impl Request {
    pub fn times(&self) -> RequestTimes {
        RequestTimes {
            branch_id: self.branch_id,
            kind: self.kind,
            priority: self.priority,
            status: self.status,
            created_at: self.created_at,
            accepted_at: self.accepted_at,
            closed_at: self.closed_at,
            waiting_since: self.waiting_since,
            waited_seconds: self.waited_seconds,
        }
    }
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
    /// The printer the line is for, if the person said.
    pub printer_id: Option<PrinterId>,
}

/// The printer a request line is for, as a card shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItemPrinter {
    pub id: PrinterId,
    pub inventory_number: String,
    pub model: String,
    pub place: String,
}

impl ItemPrinter {
    /// `INV-0006 · Brother DCP-L2500DR, каб. 12`.
    pub fn label(&self) -> String {
        printer_label(&self.inventory_number, &self.model, &self.place)
    }
}

/// How a printer is named to people: inventory number, model and, where
/// known, the place.
pub fn printer_label(inventory_number: &str, model: &str, place: &str) -> String {
    if place.is_empty() {
        format!("{inventory_number} · {model}")
    } else {
        format!("{inventory_number} · {model}, {place}")
    }
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
    pub printer: Option<ItemPrinter>,
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
    /// Only requests waiting for one of these (any request when empty).
    pub waiting: Vec<crate::domain::Waiting>,
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
    /// Every open request (new or accepted, waiting or not) that is not
    /// archived: what service levels, the dashboard and metrics count now.
    pub fn open() -> RequestQuery {
        RequestQuery {
            statuses: vec![Status::New, Status::Accepted],
            archived: ArchivedFilter::Exclude,
            ..Default::default()
        }
    }

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

/// One update from Telegram as received, kept until handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxUpdate {
    pub update_id: i64,
    pub chat_id: Option<i64>,
    /// The update as JSON.
    pub payload: String,
}

/// A chat's dialogue step as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogueRow {
    /// The state as JSON.
    pub state: String,
    /// The last update applied to it.
    pub last_update_id: Option<i64>,
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

/// Cartridges taken out of stock for an order line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIssue {
    pub request_id: i64,
    pub item_id: i64,
    pub warehouse_id: WarehouseId,
    pub quantity: i64,
    /// Empties that came back with it (at most `quantity`).
    pub empties: i64,
    pub note: Option<String>,
    pub issued_by: i64,
    pub issued_at: DateTime<Utc>,
}

/// A change of one warehouse's stock of one type, as the ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStockMove {
    pub warehouse_id: WarehouseId,
    pub cartridge_type_id: CartridgeTypeId,
    pub kind: crate::domain::MoveKind,
    /// What it adds to the full and the empty cartridges (negative: takes).
    pub full: i64,
    pub empty: i64,
    pub request_id: Option<i64>,
    pub issue_id: Option<i64>,
    /// The refill batch it is part of.
    pub batch_id: Option<i64>,
    /// Who, as an actor label (`tg:42`, `cli:root`, `system:1c-exchange`).
    pub actor: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
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

/// A run of a scheduled job.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JobRun {
    pub job: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub ok: Option<bool>,
    pub message: Option<String>,
}

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

/// Someone who refills cartridges.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contractor {
    pub id: i64,
    pub name: String,
    /// Phone, email, address: as written.
    pub contacts: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContractor {
    pub name: String,
    pub contacts: String,
}

/// Empties of several types sent from one warehouse to a contractor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RefillBatch {
    pub id: i64,
    pub contractor_id: i64,
    pub contractor: String,
    pub contacts: String,
    pub warehouse_id: WarehouseId,
    pub warehouse: String,
    pub sent_at: DateTime<Utc>,
    /// Who sent it, as an actor label.
    pub sent_by: String,
    pub note: Option<String>,
    /// When everything sent was back or written off.
    pub closed_at: Option<DateTime<Utc>>,
    pub lines: Vec<RefillLine>,
}

/// One type in a refill batch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RefillLine {
    pub id: i64,
    pub cartridge_type_id: CartridgeTypeId,
    pub article: String,
    pub cartridge: String,
    pub sent: i64,
    /// Back refilled.
    pub received: i64,
    /// Rejected by the contractor, written off.
    pub rejected: i64,
    pub reject_reason: Option<String>,
}

impl RefillLine {
    /// Still at the contractor.
    pub fn outstanding(&self) -> i64 {
        self.sent - self.received - self.rejected
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefillBatch {
    pub contractor_id: i64,
    pub warehouse_id: WarehouseId,
    pub sent_at: DateTime<Utc>,
    pub sent_by: String,
    pub note: Option<String>,
    /// Each type once, with how many empties.
    pub lines: Vec<(CartridgeTypeId, i64)>,
}
