//! The SQL that `store/sqlite.rs` and `store/postgres.rs` run word for word,
//! written once. Each statement is written with SQLite's numbered
//! placeholders (`?1`, `?2`, ...) and [`Sql`] carries it in both spellings:
//! PostgreSQL's (`$1`, `$2`, ...) is made from it while compiling, so a
//! statement costs nothing to look up, and a stray placeholder fails the build.
//! The filters both backends build the same way ([`users`], [`stock`], the
//! requests' order and keyset) are here too.
//!
//! This module is not where everything about SQL lives. What truly differs
//! stays with its backend: looking a code up whatever its case (SQLite's
//! NOCASE against PostgreSQL's `translate`), a list of values (an `IN` list
//! against `= ANY` of an array), folded search, row locks (`FOR UPDATE`,
//! `SKIP LOCKED`), casts PostgreSQL needs to type a parameter, and everything
//! about connections, transactions, migrations and backups. Binding
//! parameters and reading rows is each backend's: SQLite stores times as
//! text, PostgreSQL as `timestamptz`.

use super::{RequestOrder, StockFilter, UserFilter};
use crate::domain::Named;

/// One statement, as SQLite and as PostgreSQL spell its placeholders.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sql {
    sqlite: &'static str,
    postgres: &'static str,
}

impl Sql {
    /// Both spellings of a statement, checked (the [`shared!`] macro's end).
    pub(crate) const fn new(sqlite: &'static [u8], postgres: &'static [u8]) -> Sql {
        match (std::str::from_utf8(sqlite), std::str::from_utf8(postgres)) {
            (Ok(sqlite), Ok(postgres)) => Sql { sqlite, postgres },
            _ => panic!("SQL must be UTF-8"),
        }
    }

    /// With `?1, ?2, ...`.
    pub(crate) const fn sqlite(&self) -> &'static str {
        self.sqlite
    }

    /// With `$1, $2, ...`.
    pub(crate) const fn postgres(&self) -> &'static str {
        self.postgres
    }
}

/// The length of `parts` joined.
pub(crate) const fn joined_len(parts: &[&str]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < parts.len() {
        n += parts[i].len();
        i += 1;
    }
    n
}

/// `parts` joined, as `N` bytes (`N` is [`joined_len`]).
pub(crate) const fn join<const N: usize>(parts: &[&str]) -> [u8; N] {
    let mut out = [0u8; N];
    let mut at = 0;
    let mut i = 0;
    while i < parts.len() {
        let bytes = parts[i].as_bytes();
        let mut j = 0;
        while j < bytes.len() {
            out[at] = bytes[j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(at == N, "the joined length is N");
    out
}

/// PostgreSQL's spelling of a statement written with SQLite's numbered
/// placeholders: each `?N` outside quotes becomes `$N` (the same length).
/// Refuses (failing the build) a `?` without a number, which PostgreSQL does
/// not have, and a `$` outside quotes, which would mean something else.
pub(crate) const fn to_postgres<const N: usize>(sqlite: &[u8; N]) -> [u8; N] {
    let mut out = *sqlite;
    let mut quote: u8 = 0;
    let mut i = 0;
    while i < N {
        let b = sqlite[i];
        if quote != 0 {
            if b == quote {
                quote = 0;
            }
        } else if b == b'\'' || b == b'"' {
            quote = b;
        } else if b == b'?' {
            assert!(i + 1 < N && sqlite[i + 1].is_ascii_digit(), "a placeholder is ?1, ?2, ...");
            out[i] = b'$';
        } else if b == b'$' {
            panic!("write placeholders as ?1, ?2, ...: they are made $1, $2, ... for PostgreSQL");
        }
        i += 1;
    }
    assert!(quote == 0, "a quote is not closed");
    out
}

/// A [`Sql`] statement made at compile time from string constants joined,
/// written with `?1, ?2, ...`.
macro_rules! shared {
    ($($part:expr),+ $(,)?) => {{
        const PARTS: &[&str] = &[$($part),+];
        const N: usize = $crate::store::sql::joined_len(PARTS);
        const SQLITE: [u8; N] = $crate::store::sql::join::<N>(PARTS);
        const POSTGRES: [u8; N] = $crate::store::sql::to_postgres::<N>(&SQLITE);
        const SQL: $crate::store::sql::Sql = $crate::store::sql::Sql::new(&SQLITE, &POSTGRES);
        SQL
    }};
}

/// String constants joined at compile time, for one backend's statement built
/// from shared parts.
macro_rules! text {
    ($($part:expr),+ $(,)?) => {{
        const PARTS: &[&str] = &[$($part),+];
        const N: usize = $crate::store::sql::joined_len(PARTS);
        const BYTES: [u8; N] = $crate::store::sql::join::<N>(PARTS);
        const TEXT: &str = match std::str::from_utf8(&BYTES) {
            Ok(text) => text,
            Err(_) => panic!("SQL must be UTF-8"),
        };
        TEXT
    }};
}

pub(crate) use text;

/// How a backend writes its `n`-th placeholder in SQL built at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marks {
    /// `?n`
    Sqlite,
    /// `$n`
    Postgres,
}

impl Marks {
    pub(crate) fn nth(self, n: usize) -> String {
        match self {
            Marks::Sqlite => format!("?{n}"),
            Marks::Postgres => format!("${n}"),
        }
    }
}

/// A value a filter built here compares with; each backend binds it in its own types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arg {
    Text(&'static str),
    Int(i64),
    Bool(bool),
}

/// SQL built at run time and the values of its placeholders, in order.
struct Built {
    sql: String,
    args: Vec<Arg>,
    marks: Marks,
}

impl Built {
    fn new(sql: &str, marks: Marks) -> Built {
        Built { sql: sql.to_string(), args: Vec::new(), marks }
    }

    /// Appends `before` and a placeholder for `arg`.
    fn bind(&mut self, before: &str, arg: Arg) {
        self.args.push(arg);
        self.sql.push_str(before);
        self.sql.push_str(&self.marks.nth(self.args.len()));
    }
}

// ---------------------------------------------------------------- directory

/// The columns [`BRANCHES`] reads, in the order each backend's row reader takes them.
const BRANCH_COLUMNS: &str = "id, code, name, address, created_at";
pub(crate) const BRANCHES: Sql = shared!("SELECT ", BRANCH_COLUMNS, " FROM branches");
pub(crate) const BRANCH_BY_ID: Sql = shared!(BRANCHES.sqlite(), " WHERE id = ?1");
pub(crate) const BRANCH_BY_NAME: Sql = shared!(BRANCHES.sqlite(), " WHERE name = ?1");
pub(crate) const INSERT_BRANCH: Sql =
    shared!("INSERT INTO branches (code, name, address, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id");
pub(crate) const UPDATE_BRANCH: Sql = shared!("UPDATE branches SET code = ?2, name = ?3, address = ?4 WHERE id = ?1");

const WAREHOUSE_COLUMNS: &str = "id, code, name, branch_id, one_c_id, created_at";
pub(crate) const WAREHOUSES: Sql = shared!("SELECT ", WAREHOUSE_COLUMNS, " FROM warehouses");
pub(crate) const WAREHOUSE_BY_ID: Sql = shared!(WAREHOUSES.sqlite(), " WHERE id = ?1");
pub(crate) const WAREHOUSE_BY_NAME: Sql = shared!(WAREHOUSES.sqlite(), " WHERE name = ?1");
pub(crate) const WAREHOUSE_BY_ONE_C_ID: Sql = shared!(WAREHOUSES.sqlite(), " WHERE one_c_id = ?1");
pub(crate) const INSERT_WAREHOUSE: Sql = shared!(
    "INSERT INTO warehouses (code, name, branch_id, one_c_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id"
);
pub(crate) const UPDATE_WAREHOUSE: Sql =
    shared!("UPDATE warehouses SET code = ?2, name = ?3, branch_id = ?4, one_c_id = ?5 WHERE id = ?1");

const USER_COLUMNS: &str = "telegram_id, full_name, username, phone, role, branch_id, language, blocked, on_duty, \
                            bot_blocked_at, created_at, last_seen_at";
pub(crate) const USER_BY_ID: Sql = shared!("SELECT ", USER_COLUMNS, " FROM users WHERE telegram_id = ?1");
pub(crate) const INSERT_USER: Sql =
    shared!("INSERT INTO users (", USER_COLUMNS, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
pub(crate) const UPDATE_USER: Sql = shared!(
    "UPDATE users SET full_name = ?2, username = ?3, phone = ?4, role = ?5, branch_id = ?6, language = ?7, \
     blocked = ?8, on_duty = ?9, bot_blocked_at = ?10, last_seen_at = ?11 WHERE telegram_id = ?1"
);

/// The people a filter asks for (the columns of [`USER_BY_ID`]), unordered:
/// the store sorts them for reading.
pub(crate) fn users(f: &UserFilter, marks: Marks) -> (String, Vec<Arg>) {
    let mut q = Built::new(text!("SELECT ", USER_COLUMNS, " FROM users WHERE true"), marks);
    if let Some(role) = f.role {
        q.bind(" AND role = ", Arg::Text(role.as_str()));
    }
    if f.staff_only {
        q.sql.push_str(" AND role <> 'user'");
    }
    if let Some(b) = f.branch_id {
        q.bind(" AND branch_id = ", Arg::Int(b.0));
    }
    if let Some(blocked) = f.blocked {
        q.bind(" AND blocked = ", Arg::Bool(blocked));
    }
    if f.reachable_only {
        q.sql.push_str(" AND NOT blocked AND bot_blocked_at IS NULL");
    }
    if f.on_duty_only {
        q.sql.push_str(" AND on_duty");
    }
    (q.sql, q.args)
}

// ---------------------------------------------------------------- catalog

const CARTRIDGE_COLUMNS: &str = "id, name, vendor_article, compatible_printers, one_c_id, min_stock, created_at";
pub(crate) const CARTRIDGE_TYPES: Sql = shared!("SELECT ", CARTRIDGE_COLUMNS, " FROM cartridge_types");
pub(crate) const CARTRIDGE_TYPE_BY_ID: Sql = shared!(CARTRIDGE_TYPES.sqlite(), " WHERE id = ?1");
pub(crate) const CARTRIDGE_TYPE_BY_ONE_C_ID: Sql = shared!(CARTRIDGE_TYPES.sqlite(), " WHERE one_c_id = ?1");
pub(crate) const INSERT_CARTRIDGE_TYPE: Sql = shared!(
    "INSERT INTO cartridge_types (name, vendor_article, compatible_printers, one_c_id, min_stock, created_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id"
);
pub(crate) const UPDATE_CARTRIDGE_TYPE: Sql = shared!(
    "UPDATE cartridge_types SET name = ?2, vendor_article = ?3, compatible_printers = ?4, one_c_id = ?5, \
     min_stock = ?6 WHERE id = ?1"
);

/// Stock rows a filter asks for, unordered: the store sorts them for reading.
pub(crate) fn stock(f: &StockFilter, marks: Marks) -> (String, Vec<Arg>) {
    let mut q = Built::new(
        "SELECT s.cartridge_type_id, c.vendor_article, c.name, s.warehouse_id, w.name, s.quantity, c.min_stock, \
         s.updated_at, s.empty FROM stock_items s JOIN cartridge_types c ON c.id = s.cartridge_type_id \
         JOIN warehouses w ON w.id = s.warehouse_id WHERE true",
        marks,
    );
    if let Some(w) = f.warehouse_id {
        q.bind(" AND s.warehouse_id = ", Arg::Int(w.0));
    }
    if let Some(c) = f.cartridge_type_id {
        q.bind(" AND s.cartridge_type_id = ", Arg::Int(c.0));
    }
    (q.sql, q.args)
}

pub(crate) const STOCK_LEVEL: Sql =
    shared!("SELECT quantity FROM stock_items WHERE cartridge_type_id = ?1 AND warehouse_id = ?2");
pub(crate) const STOCK_LEVELS: Sql =
    shared!("SELECT quantity, empty FROM stock_items WHERE cartridge_type_id = ?1 AND warehouse_id = ?2");
/// A stock row to move, made empty if the warehouse never had the type.
pub(crate) const ENSURE_STOCK_ROW: Sql = shared!(
    "INSERT INTO stock_items (cartridge_type_id, warehouse_id, quantity, empty, updated_at) VALUES (?1, ?2, 0, 0, ?3) \
     ON CONFLICT (cartridge_type_id, warehouse_id) DO NOTHING"
);
/// Moves stock when there is enough of what it takes; no row when there is not.
pub(crate) const MOVE_STOCK: Sql = shared!(
    "UPDATE stock_items SET quantity = quantity + ?3, empty = empty + ?4, updated_at = ?5 \
     WHERE cartridge_type_id = ?1 AND warehouse_id = ?2 AND quantity + ?3 >= 0 AND empty + ?4 >= 0 \
     RETURNING quantity, empty"
);
pub(crate) const INSERT_MOVE: Sql = shared!(
    "INSERT INTO stock_moves (at, warehouse_id, cartridge_type_id, kind, full_delta, empty_delta, request_id, \
     issue_id, actor, note, batch_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
);
/// The books, from three places: the stock rows (with names) ...
pub(crate) const BOOKS_STOCK: Sql = shared!(
    "SELECT s.warehouse_id, w.name, s.cartridge_type_id, c.vendor_article, s.quantity, s.empty \
     FROM stock_items s JOIN warehouses w ON w.id = s.warehouse_id JOIN cartridge_types c ON c.id = s.cartridge_type_id"
);
/// ... the ledger by place and kind ...
pub(crate) const BOOKS_MOVES: Sql = shared!(
    "SELECT warehouse_id, cartridge_type_id, kind, CAST(sum(full_delta) AS BIGINT), CAST(sum(empty_delta) AS BIGINT) \
     FROM stock_moves GROUP BY warehouse_id, cartridge_type_id, kind"
);
/// ... and the issues by day the forecast reads.
pub(crate) const BOOKS_ISSUED_DAYS: Sql = shared!(
    "SELECT warehouse_id, cartridge_type_id, CAST(sum(quantity) AS BIGINT) FROM issued_days \
     GROUP BY warehouse_id, cartridge_type_id"
);
/// Full cartridges issued per warehouse, type and day since a day: what the forecast reads.
pub(crate) const ISSUED_DAYS_SINCE: Sql =
    shared!("SELECT warehouse_id, cartridge_type_id, day, quantity FROM issued_days WHERE day >= ?1");
/// Adds an issue move's cartridges to its day (days since 1970-01-01, UTC).
pub(crate) const ADD_ISSUED_DAY: Sql = shared!(
    "INSERT INTO issued_days (warehouse_id, cartridge_type_id, day, quantity) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT (warehouse_id, cartridge_type_id, day) DO UPDATE SET quantity = issued_days.quantity + excluded.quantity"
);
/// ... the refill batches ...
pub(crate) const BOOKS_REFILLS: Sql = shared!(
    "SELECT b.warehouse_id, l.cartridge_type_id, CAST(sum(l.sent) AS BIGINT), CAST(sum(l.received) AS BIGINT), \
     CAST(sum(l.rejected) AS BIGINT) FROM refill_lines l JOIN refill_batches b ON b.id = l.batch_id \
     GROUP BY b.warehouse_id, l.cartridge_type_id"
);
/// ... and the issues of requests.
pub(crate) const BOOKS_ISSUES: Sql = shared!(
    "SELECT ci.warehouse_id, i.cartridge_type_id, CAST(sum(ci.quantity) AS BIGINT), CAST(sum(ci.empties) AS BIGINT) \
     FROM cartridge_issues ci JOIN request_items i ON i.id = ci.item_id GROUP BY ci.warehouse_id, i.cartridge_type_id"
);
pub(crate) const ARTICLE_OF: Sql = shared!("SELECT vendor_article FROM cartridge_types WHERE id = ?1");
pub(crate) const WAREHOUSE_NAME_OF: Sql = shared!("SELECT name FROM warehouses WHERE id = ?1");

// ---------------------------------------------------------------- requests

/// A request with the names it refers to; filters go after it (`r` is the request).
pub(crate) const REQUESTS: Sql = shared!(
    "SELECT r.id, r.kind, r.author_id, a.full_name, r.branch_id, b.code, b.name, \
     r.contact_name, r.contact_phone, r.description, r.priority, r.status, r.assignee_id, s.full_name, \
     r.rejection_reason, r.created_at, r.accepted_at, r.closed_at, r.archived_at, r.sla_level, r.sla_notified_at, \
     r.client_key, r.sla_resolve_level, r.waiting, r.waiting_since, r.waited_seconds \
     FROM requests r \
     JOIN users a ON a.telegram_id = r.author_id \
     JOIN branches b ON b.id = r.branch_id \
     LEFT JOIN users s ON s.telegram_id = r.assignee_id"
);
pub(crate) const REQUEST_BY_ID: Sql = shared!(REQUESTS.sqlite(), " WHERE r.id = ?1");
pub(crate) const REQUEST_BY_CLIENT_KEY: Sql = shared!(REQUESTS.sqlite(), " WHERE r.client_key = ?1");
/// What service levels depend on, of requests; a filter goes after it (no
/// joins, no order: the dashboard reads every open request this way).
pub(crate) const REQUEST_TIMES: &str = "SELECT r.branch_id, r.kind, r.priority, r.status, r.created_at, r.accepted_at, r.closed_at, r.waiting_since, \
     r.waited_seconds FROM requests r";
/// Counts requests; a filter goes after it.
pub(crate) const COUNT_REQUESTS: &str = "SELECT count(*) FROM requests r";
pub(crate) const INSERT_REQUEST: Sql = shared!(
    "INSERT INTO requests (kind, author_id, branch_id, contact_name, contact_phone, description, priority, \
     status, assignee_id, rejection_reason, created_at, accepted_at, closed_at, archived_at, client_key) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id"
);
pub(crate) const INSERT_ITEM: Sql = shared!(
    "INSERT INTO request_items (request_id, cartridge_type_id, quantity, issued_quantity, comment, printer_id) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
);
pub(crate) const UPDATE_REQUEST: Sql = shared!(
    "UPDATE requests SET status = ?2, assignee_id = ?3, rejection_reason = ?4, accepted_at = ?5, \
     closed_at = ?6, archived_at = ?7, sla_level = ?8, sla_notified_at = ?9, sla_resolve_level = ?10, \
     waiting = ?11, waiting_since = ?12, waited_seconds = ?13 WHERE id = ?1"
);

/// The queue's rank of a request's priority: high first.
pub(crate) const RANK: &str = "CASE r.priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END";

/// How requests are sorted in each order: every order ends with `r.id`, so a
/// listing is total and a keyset page ([`after`]) starts exactly where the
/// last one ended.
pub(crate) fn order_by(order: RequestOrder) -> &'static str {
    const NEWEST: &str = " ORDER BY r.created_at DESC, r.id DESC";
    const OLDEST: &str = " ORDER BY r.created_at, r.id";
    const QUEUE: &str = text!(" ORDER BY ", RANK, ", r.created_at, r.id");
    const REVERSE_QUEUE: &str = text!(" ORDER BY ", RANK, " DESC, r.created_at DESC, r.id DESC");
    match order {
        RequestOrder::Newest => NEWEST,
        RequestOrder::Oldest => OLDEST,
        RequestOrder::Queue => QUEUE,
        RequestOrder::ReverseQueue => REVERSE_QUEUE,
    }
}

/// The keyset condition "after this request in `order`", for the filter of a
/// listing sorted by [`order_by`]: `rank`, `at` and `id` are the numbers of
/// the placeholders holding the key's rank (read in the queue orders only),
/// creation time and id.
pub(crate) fn after(order: RequestOrder, marks: Marks, rank: usize, at: usize, id: usize) -> String {
    let (rank, at, id) = (marks.nth(rank), marks.nth(at), marks.nth(id));
    match order {
        RequestOrder::Newest => format!(" AND (r.created_at, r.id) < ({at}, {id})"),
        RequestOrder::Oldest => format!(" AND (r.created_at, r.id) > ({at}, {id})"),
        RequestOrder::Queue => format!(" AND ({RANK}, r.created_at, r.id) > ({rank}, {at}, {id})"),
        RequestOrder::ReverseQueue => format!(" AND ({RANK}, r.created_at, r.id) < ({rank}, {at}, {id})"),
    }
}

const ITEM_COLUMNS: &str = "i.id, i.request_id, i.cartridge_type_id, c.vendor_article, c.name, i.quantity, \
     i.issued_quantity, i.comment, i.printer_id, p.inventory_number, p.model, p.place";
pub(crate) const ITEMS_OF: Sql = shared!(
    "SELECT ",
    ITEM_COLUMNS,
    " FROM request_items i JOIN cartridge_types c ON c.id = i.cartridge_type_id \
     LEFT JOIN printers p ON p.id = i.printer_id WHERE i.request_id = ?1 ORDER BY i.id"
);
/// The lines of the requests a filter (which goes after it) matches.
pub(crate) const ITEMS_OF_REQUESTS: &str = text!(
    "SELECT ",
    ITEM_COLUMNS,
    " FROM request_items i JOIN requests r ON r.id = i.request_id \
     JOIN cartridge_types c ON c.id = i.cartridge_type_id LEFT JOIN printers p ON p.id = i.printer_id"
);
/// The order of [`ITEMS_OF_REQUESTS`]: by request, then line.
pub(crate) const ITEMS_ORDER: &str = " ORDER BY i.request_id, i.id";
pub(crate) const SET_ITEM_ISSUED: Sql = shared!("UPDATE request_items SET issued_quantity = ?2 WHERE id = ?1");
pub(crate) const INSERT_ATTACHMENT: Sql = shared!(
    "INSERT INTO attachments (request_id, kind, file_id, file_unique_id, file_name, mime_type, created_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id"
);
pub(crate) const ATTACHMENTS_OF: Sql = shared!(
    "SELECT id, request_id, kind, file_id, file_unique_id, file_name, mime_type, created_at \
     FROM attachments WHERE request_id = ?1 ORDER BY id"
);
pub(crate) const INSERT_ISSUE: Sql = shared!(
    "INSERT INTO cartridge_issues (request_id, item_id, warehouse_id, quantity, note, issued_by, issued_at, empties) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id"
);

// ---------------------------------------------------------------- audit

pub(crate) const LAST_LOG_ID: Sql = shared!("SELECT coalesce(max(id), 0) FROM logs");
pub(crate) const INSERT_LOG: Sql = shared!(
    "INSERT INTO logs (at, actor_id, actor, action, entity, entity_id, before, after) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
);
pub(crate) const LOGS_OF: Sql = shared!(
    "SELECT id, at, actor_id, actor, action, entity, entity_id, before, after FROM logs \
     WHERE entity = ?1 AND entity_id = ?2 ORDER BY id"
);

// ---------------------------------------------------------------- printers

/// The columns every printer query reads, in the order each backend's row reader takes them.
const PRINTER_COLUMNS: &str = "p.id, p.branch_id, b.code, b.name, p.inventory_number, p.model, p.place, p.serial, \
     p.created_at, p.retired_at";
pub(crate) const PRINTERS: Sql =
    shared!("SELECT ", PRINTER_COLUMNS, " FROM printers p JOIN branches b ON b.id = p.branch_id");
pub(crate) const PRINTER_BY_ID: Sql = shared!(PRINTERS.sqlite(), " WHERE p.id = ?1");
pub(crate) const INSERT_PRINTER: Sql = shared!(
    "INSERT INTO printers (branch_id, inventory_number, model, place, serial, created_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id"
);
pub(crate) const UPDATE_PRINTER: Sql = shared!(
    "UPDATE printers SET branch_id = ?2, inventory_number = ?3, model = ?4, place = ?5, serial = ?6 WHERE id = ?1"
);
pub(crate) const RETIRE_PRINTER: Sql =
    shared!("UPDATE printers SET retired_at = ?2 WHERE id = ?1 AND retired_at IS NULL");
/// Every printer's cartridge types, by printer.
pub(crate) const ALL_PRINTER_CARTRIDGES: Sql =
    shared!("SELECT printer_id, cartridge_type_id FROM printer_cartridges ORDER BY printer_id, cartridge_type_id");
pub(crate) const PRINTER_CARTRIDGES: Sql = shared!(
    "SELECT printer_id, cartridge_type_id FROM printer_cartridges WHERE printer_id = ?1 ORDER BY cartridge_type_id"
);
pub(crate) const FORGET_PRINTER_CARTRIDGES: Sql = shared!("DELETE FROM printer_cartridges WHERE printer_id = ?1");
pub(crate) const ADD_PRINTER_CARTRIDGE: Sql =
    shared!("INSERT INTO printer_cartridges (printer_id, cartridge_type_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
pub(crate) const OPEN_REQUESTS_FOR_PRINTER: Sql = shared!(
    "SELECT count(DISTINCT r.id) FROM request_items i JOIN requests r ON r.id = i.request_id \
     WHERE i.printer_id = ?1 AND r.status IN ('new', 'accepted') AND r.archived_at IS NULL"
);

// ---------------------------------------------------------------- refills

pub(crate) const CONTRACTORS: Sql = shared!("SELECT id, name, contacts, created_at FROM contractors");
pub(crate) const CONTRACTOR_BY_ID: Sql = shared!(CONTRACTORS.sqlite(), " WHERE id = ?1");
pub(crate) const INSERT_CONTRACTOR: Sql =
    shared!("INSERT INTO contractors (name, contacts, created_at) VALUES (?1, ?2, ?3) RETURNING id");
pub(crate) const INSERT_BATCH: Sql = shared!(
    "INSERT INTO refill_batches (contractor_id, warehouse_id, sent_at, sent_by, note) VALUES (?1, ?2, ?3, ?4, ?5) \
     RETURNING id"
);
pub(crate) const INSERT_REFILL_LINE: Sql =
    shared!("INSERT INTO refill_lines (batch_id, cartridge_type_id, sent) VALUES (?1, ?2, ?3)");
const BATCH_COLUMNS: &str = "SELECT b.id, b.contractor_id, c.name, c.contacts, b.warehouse_id, w.name, b.sent_at, \
     b.sent_by, b.note, b.closed_at FROM refill_batches b JOIN contractors c ON c.id = b.contractor_id \
     JOIN warehouses w ON w.id = b.warehouse_id";
/// Open batches first, then the newest.
pub(crate) const BATCHES: Sql =
    shared!(BATCH_COLUMNS, " ORDER BY CASE WHEN b.closed_at IS NULL THEN 0 ELSE 1 END, b.sent_at DESC, b.id DESC");
pub(crate) const OPEN_BATCHES: Sql =
    shared!(BATCH_COLUMNS, " WHERE b.closed_at IS NULL ORDER BY b.sent_at DESC, b.id DESC");
pub(crate) const BATCH_BY_ID: Sql = shared!(BATCH_COLUMNS, " WHERE b.id = ?1");
const LINE_COLUMNS: &str = "SELECT l.batch_id, l.id, l.cartridge_type_id, t.vendor_article, t.name, l.sent, \
     l.received, l.rejected, l.reject_reason FROM refill_lines l JOIN cartridge_types t ON t.id = l.cartridge_type_id";
pub(crate) const ALL_BATCH_LINES: Sql = shared!(LINE_COLUMNS, " ORDER BY l.batch_id, l.id");
pub(crate) const BATCH_LINES: Sql = shared!(LINE_COLUMNS, " WHERE l.batch_id = ?1 ORDER BY l.id");
pub(crate) const SET_REFILL_LINE: Sql =
    shared!("UPDATE refill_lines SET received = ?2, rejected = ?3, reject_reason = ?4 WHERE id = ?1");
pub(crate) const CLOSE_BATCH: Sql =
    shared!("UPDATE refill_batches SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL");

// ---------------------------------------------------------------- bot: inbox, dialogues, outbox

pub(crate) const INSERT_INBOX: Sql = shared!(
    "INSERT INTO telegram_inbox (update_id, chat_id, payload, received_at, received_by) VALUES (?1, ?2, ?3, ?4, ?5) \
     ON CONFLICT (update_id) DO NOTHING"
);
pub(crate) const INBOX_PENDING: Sql =
    shared!("SELECT update_id, chat_id, payload FROM telegram_inbox WHERE done_at IS NULL ORDER BY update_id LIMIT ?1");
/// Whether the instance `ID` (a column) is alive: registered, not stopped,
/// and beating since `?N` (the statement's `alive_since` placeholder).
macro_rules! alive {
    ($id:literal, $since:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM serve_instances i WHERE i.id = ",
            $id,
            " AND i.stopped_at IS NULL AND i.heartbeat_at >= ",
            $since,
            ")"
        )
    };
}

/// Claims the updates nobody alive is handling (see
/// [`super::Inbox::inbox_claim_stale`]); each backend's write lock makes the
/// claim one claimant's.
pub(crate) const CLAIM_STALE_INBOX: Sql = shared!(
    "UPDATE telegram_inbox SET claimed_until = ?3, claimed_by = ?5 WHERE update_id IN (SELECT update_id \
     FROM telegram_inbox t WHERE done_at IS NULL \
     AND (claimed_until IS NULL OR claimed_until < ?2 OR NOT ",
    alive!("t.claimed_by", "?6"),
    ") AND (received_at < ?1 OR NOT ",
    alive!("t.received_by", "?6"),
    ") ORDER BY update_id LIMIT ?4) RETURNING update_id, chat_id, payload"
);
pub(crate) const INBOX_LAST_ID: Sql = shared!("SELECT max(update_id) FROM telegram_inbox");
/// Forgets done updates, keeping the newest row: it carries the offset to resume from.
pub(crate) const PRUNE_INBOX: Sql = shared!(
    "DELETE FROM telegram_inbox WHERE done_at IS NOT NULL AND done_at < ?1 \
     AND update_id < (SELECT max(update_id) FROM telegram_inbox)"
);

pub(crate) const DIALOGUE: Sql = shared!("SELECT state, last_update_id FROM dialogues WHERE chat_id = ?1");
/// A step that applied no update keeps the last update id that was applied.
pub(crate) const SET_DIALOGUE: Sql = shared!(
    "INSERT INTO dialogues (chat_id, state, last_update_id, updated_at) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, \
     last_update_id = coalesce(excluded.last_update_id, dialogues.last_update_id), updated_at = excluded.updated_at"
);

/// A notification, at the default priority ([`super::OUTBOX_NOTICE`]).
pub(crate) const PUSH_NOTICE: Sql =
    shared!("INSERT INTO outbox (chat_id, notice, created_at, send_after) VALUES (?1, ?2, ?3, ?3) RETURNING id");
/// A reply, held by the instance that sends it itself.
pub(crate) const PUSH_REPLY: Sql = shared!(
    "INSERT INTO outbox (chat_id, notice, priority, created_at, send_after, leased_by) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id"
);
pub(crate) const PUSH_EMAIL: Sql = shared!(
    "INSERT INTO outbox (chat_id, email, notice, created_at, send_after) VALUES (0, ?1, ?2, ?3, ?3) RETURNING id"
);
/// A broadcast message, at priority 2 ([`super::OUTBOX_BROADCAST`]).
pub(crate) const PUSH_BROADCAST: Sql = shared!(
    "INSERT INTO outbox (chat_id, notice, priority, broadcast_id, created_at, send_after) \
     VALUES (?1, ?2, 2, ?3, ?4, ?4) RETURNING id"
);
/// Due messages (due by time, or held by an instance that is not alive since
/// `?4`), most urgent then oldest first, at most `?3` per chat or address.
pub(crate) const OUTBOX_DUE: Sql = shared!(
    "SELECT id, chat_id, broadcast_id, notice, created_at, send_after, attempts, email, priority FROM ( \
       SELECT o.*, row_number() OVER (PARTITION BY chat_id, email ORDER BY priority, send_after, id) AS turn \
       FROM outbox o WHERE sent_at IS NULL AND failed_at IS NULL \
       AND (send_after <= ?1 OR (leased_by IS NOT NULL AND NOT ",
    alive!("o.leased_by", "?4"),
    ")) \
     ) due WHERE turn <= ?3 ORDER BY priority, send_after, id LIMIT ?2"
);
/// Everything held or leased past `?1`, by whoever, due now; a retry's backoff
/// (held by nobody) stays. Rows from before instances held messages are
/// known by never having been tried.
pub(crate) const RELEASE_OUTBOX: Sql = shared!(
    "UPDATE outbox SET send_after = ?1, leased_by = NULL \
     WHERE sent_at IS NULL AND failed_at IS NULL AND send_after > ?1 AND (leased_by IS NOT NULL OR attempts = 0)"
);
pub(crate) const OUTBOX_SENT: Sql =
    shared!("UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, leased_by = NULL WHERE id = ?1");
pub(crate) const OUTBOX_RETRY: Sql = shared!(
    "UPDATE outbox SET send_after = ?2, attempts = attempts + 1, last_error = ?3, leased_by = NULL WHERE id = ?1"
);
pub(crate) const OUTBOX_DEFER: Sql = shared!("UPDATE outbox SET send_after = ?2, leased_by = NULL WHERE id = ?1");
pub(crate) const OUTBOX_FAILED: Sql = shared!(
    "UPDATE outbox SET failed_at = ?2, attempts = attempts + 1, last_error = ?3, leased_by = NULL WHERE id = ?1"
);

// ---------------------------------------------------------------- serve instances

pub(crate) const START_INSTANCE: Sql = shared!(
    "INSERT INTO serve_instances (id, started_at, heartbeat_at) VALUES (?1, ?2, ?2) \
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, stopped_at = NULL"
);
pub(crate) const BEAT_INSTANCE: Sql =
    shared!("UPDATE serve_instances SET heartbeat_at = ?2 WHERE id = ?1 AND stopped_at IS NULL");
pub(crate) const STOP_INSTANCE: Sql = shared!("UPDATE serve_instances SET stopped_at = ?2 WHERE id = ?1");
/// What a stopping instance held of the outbox is due now.
pub(crate) const RELEASE_OUTBOX_OF: Sql = shared!(
    "UPDATE outbox SET send_after = ?2, leased_by = NULL \
     WHERE leased_by = ?1 AND sent_at IS NULL AND failed_at IS NULL"
);
/// Its claims on the inbox are free now.
pub(crate) const RELEASE_INBOX_OF: Sql = shared!(
    "UPDATE telegram_inbox SET claimed_until = NULL, claimed_by = NULL WHERE claimed_by = ?1 AND done_at IS NULL"
);
pub(crate) const PRUNE_INSTANCES: Sql =
    shared!("DELETE FROM serve_instances WHERE coalesce(stopped_at, heartbeat_at) < ?1");

// ---------------------------------------------------------------- calls and broadcasts

pub(crate) const LAST_CALL_BY: Sql = shared!("SELECT max(created_at) FROM server_calls WHERE caller_id = ?1");
pub(crate) const INSERT_CALL: Sql = shared!(
    "INSERT INTO server_calls (caller_id, branch_id, created_at, client_key) VALUES (?1, ?2, ?3, ?4) RETURNING id"
);
pub(crate) const CALL_BY_CLIENT_KEY: Sql = shared!("SELECT id FROM server_calls WHERE client_key = ?1");
pub(crate) const SERVER_CALL: Sql = shared!(
    "SELECT c.id, c.caller_id, u.full_name, u.phone, b.name, c.created_at FROM server_calls c \
     JOIN users u ON u.telegram_id = c.caller_id LEFT JOIN branches b ON b.id = c.branch_id WHERE c.id = ?1"
);
pub(crate) const CALL_ANSWERS: Sql = shared!(
    "SELECT a.responder_id, u.full_name, a.answer, a.answered_at FROM server_call_answers a \
     JOIN users u ON u.telegram_id = a.responder_id WHERE a.call_id = ?1 ORDER BY a.answered_at"
);
/// Records a responder's answer, or changes it.
pub(crate) const ANSWER_CALL: Sql = shared!(
    "INSERT INTO server_call_answers (call_id, responder_id, answer, answered_at) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT (call_id, responder_id) DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at"
);

pub(crate) const INSERT_BROADCAST: Sql = shared!(
    "INSERT INTO broadcasts (author_id, kind, text, file_id, created_at, recipients, client_key) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id"
);
const BROADCASTS: &str =
    "SELECT id, author_id, kind, text, file_id, created_at, finished_at, recipients FROM broadcasts";
pub(crate) const BROADCAST_BY_ID: Sql = shared!(BROADCASTS, " WHERE id = ?1");
pub(crate) const BROADCAST_BY_CLIENT_KEY: Sql = shared!(BROADCASTS, " WHERE client_key = ?1");
/// A broadcast's messages: to send, sent, failed, failed because the bot was blocked (`?2`).
pub(crate) const BROADCAST_PROGRESS: Sql = shared!(
    "SELECT count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL), \
            count(*) FILTER (WHERE sent_at IS NOT NULL), \
            count(*) FILTER (WHERE failed_at IS NOT NULL AND last_error <> ?2), \
            count(*) FILTER (WHERE failed_at IS NOT NULL AND last_error = ?2) \
     FROM outbox WHERE broadcast_id = ?1"
);
pub(crate) const FINISH_BROADCAST: Sql =
    shared!("UPDATE broadcasts SET finished_at = ?2, delivered = ?3, failed = ?4, blocked = ?5 WHERE id = ?1");

// ---------------------------------------------------------------- 1C imports and exchanges

/// The latest import from `?1`, if its content is `?2`.
pub(crate) const LATEST_IMPORT_OF: Sql = shared!(
    "SELECT id, source, content_hash, imported_at, rows FROM one_c_imports \
     WHERE content_hash = ?2 AND id = (SELECT max(id) FROM one_c_imports WHERE source = ?1)"
);
pub(crate) const INSERT_IMPORT: Sql =
    shared!("INSERT INTO one_c_imports (source, content_hash, imported_at, rows) VALUES (?1, ?2, ?3, ?4) RETURNING id");
pub(crate) const INSERT_SNAPSHOT_ROW: Sql = shared!(
    "INSERT INTO one_c_snapshot (import_id, source, imported_at, item_one_c_id, item_name, item_article, \
     warehouse_one_c_id, warehouse_name, quantity, cartridge_type_id, warehouse_id) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
);

/// Keeps an item or warehouse of 1C's catalog, replacing the one of its 1C id.
pub(crate) const KEEP_CATALOG_ENTRY: Sql = shared!(
    "INSERT INTO onec_catalog (kind, one_c_id, name, article, received_at) VALUES (?1, ?2, ?3, ?4, ?5) \
     ON CONFLICT (kind, one_c_id) DO UPDATE SET name = excluded.name, article = excluded.article, \
     received_at = excluded.received_at"
);
pub(crate) const CATALOG: Sql =
    shared!("SELECT kind, one_c_id, name, article, received_at FROM onec_catalog ORDER BY kind, one_c_id");
pub(crate) const INSERT_EXCHANGE: Sql = shared!(
    "INSERT INTO onec_exchanges (at, kind, step, session, peer, files, ok, detail, import_id, stock_changed) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id"
);
pub(crate) const EXCHANGES: Sql =
    shared!("SELECT ", super::ONE_C_EXCHANGE_COLUMNS, " FROM onec_exchanges ORDER BY at DESC, id DESC LIMIT ?1");
pub(crate) const UNCONFIRMED_ISSUES: Sql = shared!(super::SALE_LINES, " LIMIT ?1");
/// Confirms every issue not confirmed yet (SQLite needs the `WHERE` to read
/// `ON CONFLICT` after a `SELECT`).
pub(crate) const CONFIRM_ALL_ISSUES: Sql = shared!(
    "INSERT INTO onec_sale_confirmed (issue_id, exchange_id) SELECT id, ?1 FROM cartridge_issues \
     WHERE true ON CONFLICT (issue_id) DO NOTHING"
);
pub(crate) const STEP_TAKEN: Sql =
    shared!("SELECT EXISTS (SELECT 1 FROM onec_exchanges WHERE kind = ?1 AND step = ?2)");

// ---------------------------------------------------------------- ratings

pub(crate) const RATING: Sql =
    shared!("SELECT request_id, score, comment, rated_at FROM ratings WHERE request_id = ?1");
pub(crate) const PUT_RATING: Sql = shared!(
    "INSERT INTO ratings (request_id, score, comment, rated_at) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT (request_id) DO UPDATE SET score = excluded.score, comment = excluded.comment, rated_at = excluded.rated_at"
);
pub(crate) const SCORES: Sql = shared!("SELECT request_id, score FROM ratings");

// ---------------------------------------------------------------- recurring

pub(crate) const RECURRING: Sql = shared!(
    "SELECT id, kind, branch_id, description, priority, author_id, assignee_id, rule, at_time, starts_on, paused, \
     active_since, created_at FROM recurring ORDER BY id"
);
pub(crate) const INSERT_RECURRING: Sql = shared!(
    "INSERT INTO recurring (kind, branch_id, description, priority, author_id, assignee_id, rule, at_time, \
     starts_on, paused, active_since, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id"
);
pub(crate) const SET_RECURRING_PAUSED: Sql =
    shared!("UPDATE recurring SET paused = ?2, active_since = ?3 WHERE id = ?1");
pub(crate) const CLAIM_RECURRING_RUN: Sql = shared!(
    "INSERT INTO recurring_runs (recurring_id, branch_id, due_at, request_id, filed_at, late) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (recurring_id, branch_id, due_at) DO NOTHING"
);
pub(crate) const SET_RECURRING_RUN_REQUEST: Sql =
    shared!("UPDATE recurring_runs SET request_id = ?4 WHERE recurring_id = ?1 AND branch_id = ?2 AND due_at = ?3");
pub(crate) const RECURRING_LAST_RUNS: Sql = shared!(
    "SELECT r.recurring_id, r.branch_id, r.due_at, r.request_id, r.filed_at, r.late FROM recurring_runs r \
     WHERE r.due_at = (SELECT max(x.due_at) FROM recurring_runs x \
     WHERE x.recurring_id = r.recurring_id AND x.branch_id = r.branch_id) ORDER BY r.recurring_id, r.branch_id"
);

// ---------------------------------------------------------------- calendars

pub(crate) const CALENDARS: Sql = shared!(
    "SELECT id, code, name, timezone, mon, tue, wed, thu, fri, sat, sun, is_default FROM calendars ORDER BY code"
);
pub(crate) const INSERT_CALENDAR: Sql = shared!(
    "INSERT INTO calendars (code, name, timezone, mon, tue, wed, thu, fri, sat, sun, is_default, created_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id"
);
pub(crate) const UPDATE_CALENDAR: Sql = shared!(
    "UPDATE calendars SET code = ?2, name = ?3, timezone = ?4, mon = ?5, tue = ?6, wed = ?7, thu = ?8, fri = ?9, \
     sat = ?10, sun = ?11, is_default = ?12 WHERE id = ?1"
);
pub(crate) const CALENDAR_DAYS: Sql =
    shared!("SELECT calendar_id, kind, day, hours, name FROM calendar_days ORDER BY calendar_id, kind, day");
pub(crate) const PUT_CALENDAR_DAY: Sql = shared!(
    "INSERT INTO calendar_days (calendar_id, kind, day, hours, name) VALUES (?1, ?2, ?3, ?4, ?5) \
     ON CONFLICT (calendar_id, kind, day) DO UPDATE SET hours = excluded.hours, name = excluded.name"
);
pub(crate) const REMOVE_CALENDAR_DAY: Sql =
    shared!("DELETE FROM calendar_days WHERE calendar_id = ?1 AND kind = ?2 AND day = ?3");
pub(crate) const BRANCH_CALENDARS: Sql = shared!("SELECT branch_id, calendar_id FROM branch_calendars");
pub(crate) const SET_BRANCH_CALENDAR: Sql = shared!(
    "INSERT INTO branch_calendars (branch_id, calendar_id) VALUES (?1, ?2) \
     ON CONFLICT (branch_id) DO UPDATE SET calendar_id = excluded.calendar_id"
);
pub(crate) const CLEAR_BRANCH_CALENDAR: Sql = shared!("DELETE FROM branch_calendars WHERE branch_id = ?1");

// ---------------------------------------------------------------- SLA reminders and jobs

pub(crate) const INSERT_SLA_REMINDER: Sql = shared!(
    "INSERT INTO sla_reminders (request_id, kind, level, channel, recipient, created_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING"
);
/// What a lease of reminders returns, in the order each backend reads it.
pub(crate) const SLA_REMINDER_COLUMNS: &str = "id, request_id, kind, level, channel, recipient, attempts";
pub(crate) const SLA_REMINDER_SENT: Sql =
    shared!("UPDATE sla_reminders SET sent_at = ?2, attempts = attempts + 1, lease_until = NULL WHERE id = ?1");
pub(crate) const SLA_REMINDERS_PENDING: Sql =
    shared!("SELECT count(*) FROM sla_reminders WHERE sent_at IS NULL AND failed_at IS NULL");

pub(crate) const JOB_STARTED: Sql = shared!("INSERT INTO job_runs (job, started_at) VALUES (?1, ?2) RETURNING id");
pub(crate) const JOB_FINISHED: Sql =
    shared!("UPDATE job_runs SET finished_at = ?2, ok = ?3, message = ?4 WHERE id = ?1");
pub(crate) const LAST_JOB_RUN: Sql = shared!(
    "SELECT job, started_at, finished_at, ok, message FROM job_runs WHERE job = ?1 \
     ORDER BY started_at DESC, id DESC LIMIT 1"
);

// ---------------------------------------------------------------- monitoring

/// Every message not sent (nor given up), and since when the oldest one
/// not sent has been due: its due time when never tried (one put off for
/// later is not late before then), its making once tried (retries move the
/// due time on). Broadcasts are left out of the age: a large one takes
/// minutes at Telegram's rate by design.
pub(crate) const WATCH_OUTBOX: Sql = shared!(
    "SELECT COUNT(*), MIN(CASE WHEN broadcast_id IS NOT NULL THEN NULL \
     WHEN attempts > 0 THEN created_at WHEN send_after <= ?1 THEN send_after END) FROM outbox \
     WHERE sent_at IS NULL AND failed_at IS NULL"
);
pub(crate) const WATCH_OUTBOX_FAILED: Sql = shared!("SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL");
pub(crate) const WATCH_INBOX: Sql =
    shared!("SELECT COUNT(*), MIN(received_at) FROM telegram_inbox WHERE done_at IS NULL");
pub(crate) const WATCH_JOBS: Sql = shared!(
    "SELECT job, ok, COUNT(*), MAX(finished_at) FROM job_runs WHERE finished_at IS NOT NULL AND ok IS NOT NULL \
     GROUP BY job, ok ORDER BY job, ok"
);
pub(crate) const WATCH_ONEC: Sql =
    shared!("SELECT kind, ok, COUNT(*) FROM onec_exchanges GROUP BY kind, ok ORDER BY kind, ok");

// ---------------------------------------------------------------- web sessions

pub(crate) const INSERT_LOGIN_TOKEN: Sql = shared!(
    "INSERT INTO web_login_tokens (token_hash, telegram_id, created_at, expires_at, used_at) \
     VALUES (?1, ?2, ?3, ?4, ?5)"
);
pub(crate) const LOGIN_TOKEN: Sql = shared!(
    "SELECT token_hash, telegram_id, created_at, expires_at, used_at FROM web_login_tokens WHERE token_hash = ?1"
);
/// Uses a token once, before it expires: one statement, so two at once cannot both.
pub(crate) const USE_LOGIN_TOKEN: Sql = shared!(
    "UPDATE web_login_tokens SET used_at = ?2 \
     WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2 RETURNING telegram_id"
);
const WEB_SESSION_COLUMNS: &str =
    "id, token_hash, telegram_id, csrf, via, created_at, seen_at, expires_at, ended_at, user_agent";
pub(crate) const INSERT_SESSION: Sql = shared!(
    "INSERT INTO web_sessions (token_hash, telegram_id, csrf, via, created_at, seen_at, expires_at, ended_at, \
     user_agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id"
);
pub(crate) const SESSION_BY_TOKEN: Sql =
    shared!("SELECT ", WEB_SESSION_COLUMNS, " FROM web_sessions WHERE token_hash = ?1");
pub(crate) const TOUCH_SESSION: Sql = shared!("UPDATE web_sessions SET seen_at = ?2 WHERE id = ?1");
pub(crate) const END_SESSION: Sql = shared!("UPDATE web_sessions SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL");
pub(crate) const END_SESSIONS_OF: Sql =
    shared!("UPDATE web_sessions SET ended_at = ?2 WHERE telegram_id = ?1 AND ended_at IS NULL");
pub(crate) const OPEN_SESSIONS_OF: Sql = shared!(
    "SELECT ",
    WEB_SESSION_COLUMNS,
    " FROM web_sessions WHERE telegram_id = ?1 AND ended_at IS NULL ORDER BY created_at DESC, id DESC"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_outside_quotes_only() {
        const S: Sql = shared!("SELECT '?1', \"a?2\" FROM t WHERE a = ?1 AND b IN (?2, ?10) AND c = '''?3'");
        assert_eq!(S.sqlite(), "SELECT '?1', \"a?2\" FROM t WHERE a = ?1 AND b IN (?2, ?10) AND c = '''?3'");
        assert_eq!(S.postgres(), "SELECT '?1', \"a?2\" FROM t WHERE a = $1 AND b IN ($2, $10) AND c = '''?3'");
        assert_eq!(UPDATE_BRANCH.postgres(), "UPDATE branches SET code = $2, name = $3, address = $4 WHERE id = $1");
        assert_eq!(BRANCH_BY_ID.sqlite(), "SELECT id, code, name, address, created_at FROM branches WHERE id = ?1");
    }

    #[test]
    fn filters_number_their_placeholders_in_each_backends_style() {
        use crate::domain::{BranchId, Role};
        let f = UserFilter {
            role: Some(Role::Support),
            branch_id: Some(BranchId(4)),
            blocked: Some(false),
            ..Default::default()
        };
        let (sqlite, args) = users(&f, Marks::Sqlite);
        let (postgres, _) = users(&f, Marks::Postgres);
        assert!(sqlite.ends_with(" WHERE true AND role = ?1 AND branch_id = ?2 AND blocked = ?3"), "{sqlite}");
        assert_eq!(postgres, sqlite.replace('?', "$"));
        assert_eq!(args, [Arg::Text("support"), Arg::Int(4), Arg::Bool(false)]);
        assert_eq!(
            after(RequestOrder::Queue, Marks::Postgres, 3, 1, 2),
            format!(" AND ({RANK}, r.created_at, r.id) > ($3, $1, $2)")
        );
    }
}
