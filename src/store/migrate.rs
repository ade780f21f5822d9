//! Copying a SQLite store into PostgreSQL (`helpdesk migrate`).
//!
//! The source is read in one read-only transaction, so a `serve` may keep
//! writing to it: the copy is the snapshot taken when the copy started. The
//! target is written in one transaction, under the store's write lock:
//!
//! 1. every table is emptied (`--truncate`; an empty target is checked first)
//!    and its keys, foreign keys and secondary indexes are set aside, the way
//!    `pg_restore` loads data before constraints;
//! 2. each table, parents first, is streamed with binary `COPY`, converting
//!    SQLite's dynamic values to the column's native type (integers to
//!    booleans, RFC 3339 text to timestamptz) and keeping every id; then it
//!    is read back with `COPY TO`, and its row count and checksum (the sum of
//!    the hashes of its rows as the server returns them) must equal those of
//!    the rows sent;
//! 3. the keys and indexes are built and the foreign keys come back (which
//!    checks every reference), the identity sequences continue after the
//!    highest id;
//!
//! and only then it commits. Killed or failing at any point, the target keeps
//! what it had. Memory stays flat: rows stream through one at a time.

use super::postgres::{PgStore, TABLES, WRITE_LOCK, db};
use super::{Result, Store, StoreError};
use ::postgres::types::Type;
use chrono::DateTime;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Instant;

/// What the copy is doing, for a progress bar.
pub enum Event<'a> {
    /// Copying `table`, which has `rows` rows.
    Table { table: &'a str, rows: u64 },
    /// `n` more rows of the current table were copied.
    Rows(u64),
    /// The current table is done.
    TableDone,
    /// Rebuilding indexes and checking references and checksums.
    Finishing,
}

/// One table as copied and checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CopiedTable {
    pub table: String,
    pub rows: u64,
    pub seconds: f64,
    /// Row count and checksum agreed on both sides.
    pub verified: bool,
    pub checksum: String,
}

/// Why a copy was refused or failed (the target is unchanged in every case).
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{target} already holds helpdesk data ({summary}); pass --truncate to replace it with the copy")]
    TargetNotEmpty { target: String, summary: String },
    #[error(
        "the source database is at schema version {found}, this helpdesk copies version {expected}; upgrade it first: helpdesk db upgrade --database-url sqlite:{path}"
    )]
    SourceOutdated { path: String, found: i64, expected: i64 },
    #[error("{table}, row {row}, column {column}: {problem}; nothing was copied")]
    BadValue { table: String, row: u64, column: String, problem: String },
    #[error("the source breaks a rule of the schema: {0}; fix the source and run migrate again; nothing was copied")]
    Invalid(String),
    #[error("the copy does not match the source in {0}; nothing was copied")]
    Mismatch(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Copies the SQLite database at `source` into the (migrated) PostgreSQL store `target`.
pub fn sqlite_to_postgres(
    source: &Path,
    target: &PgStore,
    truncate: bool,
    on: &mut dyn FnMut(Event<'_>),
) -> std::result::Result<Vec<CopiedTable>, MigrateError> {
    let shown = source.display().to_string();
    let src = open_source(source, &shown)?;
    let mut conn = target.dedicated()?;
    let client = conn.client();
    let mut tx = client.transaction().map_err(db)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]).map_err(db)?;

    let held = held_rows(&mut tx)?;
    if !held.is_empty() && !truncate {
        let summary = held.iter().take(4).map(|(t, n)| format!("{n} in {t}")).collect::<Vec<_>>().join(", ");
        return Err(MigrateError::TargetNotEmpty { target: target.location(), summary });
    }
    // Emptied in this transaction, every table can be loaded with COPY FREEZE.
    tx.batch_execute(&format!("TRUNCATE {} RESTART IDENTITY", TABLES.join(", "))).map_err(db)?;
    let deferred = set_aside_constraints(&mut tx)?;

    // Sorting for the indexes and the reference checks runs in memory, as pg_restore advises.
    tx.batch_execute("SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL work_mem = '128MB'").map_err(db)?;

    let mut copied = Vec::with_capacity(TABLES.len());
    let mut mismatched = Vec::new();
    for table in TABLES {
        let started = Instant::now();
        let columns = columns_of(&mut tx, table)?;
        let (rows, checksum) = copy_table(&src, &mut tx, table, &columns, on)?;
        let (stored_rows, stored) = stored_checksum(&mut tx, table, &columns)?;
        on(Event::TableDone);
        let verified = stored_rows == rows && stored == checksum;
        if !verified {
            mismatched.push(format!("{table} ({rows} rows read, {stored_rows} stored)"));
        }
        copied.push(CopiedTable {
            table: table.to_string(),
            rows,
            seconds: started.elapsed().as_secs_f64(),
            verified,
            checksum: format!("{checksum:016x}"),
        });
    }
    if !mismatched.is_empty() {
        return Err(MigrateError::Mismatch(mismatched.join(", ")));
    }

    on(Event::Finishing);
    for statement in &deferred {
        tx.batch_execute(statement).map_err(broken_rule)?;
    }
    reset_sequences(&mut tx)?;
    tx.commit().map_err(db)?;
    Ok(copied)
}

/// Checks that `source` is a helpdesk SQLite database at the schema version
/// this helpdesk copies, before anything is done to the target.
pub fn check_source(source: &Path) -> std::result::Result<(), MigrateError> {
    open_source(source, &source.display().to_string()).map(drop)
}

/// The source, read-only, with a read transaction open: every table is read
/// from the same snapshot while other processes go on writing.
fn open_source(path: &Path, shown: &str) -> std::result::Result<Connection, MigrateError> {
    let open_error = |message: String| StoreError::Open { path: shown.to_string(), message };
    if !path.is_file() {
        return Err(open_error("no such file".into()).into());
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| open_error(e.to_string()))?;
    let corrupt = |e: rusqlite::Error| StoreError::Corrupt { path: shown.to_string(), message: e.to_string() };
    conn.execute_batch("PRAGMA busy_timeout = 30000; BEGIN").map_err(corrupt)?;
    let has_history: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'refinery_schema_history'",
            [],
            |r| r.get(0),
        )
        .map_err(corrupt)?;
    if !has_history {
        return Err(StoreError::Corrupt { path: shown.into(), message: "it has no helpdesk schema".into() }.into());
    }
    let found: i64 = conn
        .query_row("SELECT coalesce(max(version), 0) FROM refinery_schema_history", [], |r| r.get(0))
        .map_err(corrupt)?;
    let expected = super::sqlite::known_version();
    if found > expected {
        return Err(StoreError::NewerSchema { found, known: expected }.into());
    }
    if found < expected {
        return Err(MigrateError::SourceOutdated { path: shown.into(), found, expected });
    }
    Ok(conn)
}

/// Tables of the target that hold rows, with their counts.
fn held_rows(tx: &mut ::postgres::Transaction<'_>) -> Result<Vec<(String, i64)>> {
    let mut held = Vec::new();
    for table in TABLES {
        let n: i64 = tx.query_one(&format!("SELECT count(*) FROM {table}"), &[]).map_err(db)?.get(0);
        if n > 0 {
            held.push((table.to_string(), n));
        }
    }
    held.sort_by_key(|(t, _)| if t == "requests" { 0 } else { 1 });
    Ok(held)
}

/// Drops the foreign keys, the primary keys and unique constraints, and the
/// other indexes, returning the statements that bring them back: indexes are
/// built once from the loaded rows (far quicker than growing them row by row),
/// and the foreign keys come last, each checked by one query over its table.
fn set_aside_constraints(tx: &mut ::postgres::Transaction<'_>) -> Result<Vec<String>> {
    let constraints = tx
        .query(
            "SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid), c.contype = 'f' \
             FROM pg_constraint c JOIN pg_class tc ON tc.oid = c.conrelid JOIN pg_namespace n ON n.oid = tc.relnamespace \
             WHERE c.contype IN ('f', 'p', 'u') AND n.nspname = current_schema() AND tc.relname = ANY($1) \
             ORDER BY c.contype = 'f' DESC",
            &[&TABLES],
        )
        .map_err(db)?;
    let indexes = tx
        .query(
            "SELECT quote_ident(ic.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i \
             JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid \
             JOIN pg_namespace n ON n.oid = tc.relnamespace \
             WHERE n.nspname = current_schema() AND tc.relname = ANY($1) \
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))",
            &[&TABLES],
        )
        .map_err(db)?;
    let (mut keys, mut references) = (Vec::new(), Vec::new());
    // Foreign keys first: they depend on the keys they point at.
    for c in &constraints {
        let (table, name, def, foreign): (String, String, String, bool) = (c.get(0), c.get(1), c.get(2), c.get(3));
        tx.batch_execute(&format!("ALTER TABLE {table} DROP CONSTRAINT {name}")).map_err(db)?;
        let add = format!("ALTER TABLE {table} ADD CONSTRAINT {name} {def}");
        if foreign { references.push(add) } else { keys.push(add) }
    }
    for ix in &indexes {
        let (name, def): (String, String) = (ix.get(0), ix.get(1));
        tx.batch_execute(&format!("DROP INDEX {name}")).map_err(db)?;
        keys.push(def);
    }
    keys.extend(references);
    Ok(keys)
}

/// Identity columns continue after the highest id copied.
fn reset_sequences(tx: &mut ::postgres::Transaction<'_>) -> Result<()> {
    let identities = tx
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND is_identity = 'YES' AND table_name = ANY($1)",
            &[&TABLES],
        )
        .map_err(db)?;
    for r in &identities {
        let (table, column): (String, String) = (r.get(0), r.get(1));
        tx.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), coalesce(max({column}), 0) + 1, false) FROM {table}"
        ))
        .map_err(db)?;
    }
    Ok(())
}

/// The column types a copy fills, as PostgreSQL's binary COPY format encodes them.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    Int2,
    Int4,
    Int8,
    Bool,
    Text,
    Time,
    Bytes,
}

impl Col {
    fn of(ty: &Type) -> Option<Col> {
        Some(match *ty {
            Type::INT2 => Col::Int2,
            Type::INT4 => Col::Int4,
            Type::INT8 => Col::Int8,
            Type::BOOL => Col::Bool,
            Type::TEXT | Type::VARCHAR => Col::Text,
            Type::TIMESTAMPTZ => Col::Time,
            Type::BYTEA => Col::Bytes,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Col::Int2 => "smallint",
            Col::Int4 => "integer",
            Col::Int8 => "bigint",
            Col::Bool => "boolean",
            Col::Text => "text",
            Col::Time => "timestamptz",
            Col::Bytes => "bytea",
        }
    }
}

/// The binary COPY signature, then no flags and no header extension.
const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// A tuple of -1 fields ends the stream.
const COPY_TRAILER: [u8; 2] = (-1i16).to_be_bytes();
/// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC).
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;
/// Rows go to the server in chunks of about this many bytes.
const CHUNK: usize = 1 << 20;

/// Appends one field: its length, then its bytes.
fn field(out: &mut Vec<u8>, data: &[u8]) -> std::result::Result<(), String> {
    let len = i32::try_from(data.len()).map_err(|_| format!("a value of {} bytes is too long", data.len()))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(data);
    Ok(())
}

/// Appends one SQLite value as a field of the target column's type:
/// integers to booleans, RFC 3339 text to timestamptz, and so on.
fn encode(v: ValueRef<'_>, col: Col, out: &mut Vec<u8>) -> std::result::Result<(), String> {
    let text = |b| std::str::from_utf8(b).map_err(|_| "text that is not valid UTF-8".to_string());
    let integer = |s: &str| s.trim().parse::<i64>().map_err(|_| format!("'{s}' is not an integer"));
    let range = |i: i64| format!("{i} is out of range for a {} column", col.name());
    match (v, col) {
        (ValueRef::Null, _) => out.extend_from_slice(&(-1i32).to_be_bytes()),
        (ValueRef::Integer(i), Col::Int8) => field(out, &i.to_be_bytes())?,
        (ValueRef::Integer(i), Col::Int4) => field(out, &i32::try_from(i).map_err(|_| range(i))?.to_be_bytes())?,
        (ValueRef::Integer(i), Col::Int2) => field(out, &i16::try_from(i).map_err(|_| range(i))?.to_be_bytes())?,
        (ValueRef::Integer(i), Col::Bool) => field(out, &[u8::from(i != 0)])?,
        (ValueRef::Text(b), Col::Int8 | Col::Int4 | Col::Int2) => {
            return encode(ValueRef::Integer(integer(text(b)?)?), col, out);
        }
        (ValueRef::Text(b), Col::Bool) => match text(b)? {
            "true" | "t" | "1" => field(out, &[1])?,
            "false" | "f" | "0" => field(out, &[0])?,
            other => return Err(format!("'{other}' is not a boolean")),
        },
        (ValueRef::Text(b), Col::Time) => field(out, &pg_micros(text(b)?)?.to_be_bytes())?,
        (ValueRef::Text(b), Col::Text) => field(out, text(b)?.as_bytes())?,
        (ValueRef::Integer(i), Col::Text) => field(out, i.to_string().as_bytes())?,
        (ValueRef::Real(r), Col::Text) => field(out, r.to_string().as_bytes())?,
        (ValueRef::Blob(b), Col::Bytes) => field(out, b)?,
        (other, col) => {
            return Err(format!("a {:?} value cannot go into a {} column", other.data_type(), col.name()));
        }
    }
    Ok(())
}

/// An RFC 3339 time as PostgreSQL stores a timestamptz: microseconds since
/// 2000-01-01 UTC (finer digits are dropped).
fn pg_micros(s: &str) -> std::result::Result<i64, String> {
    match utc_micros(s.as_bytes()) {
        Some(unix) => Ok(unix - PG_EPOCH_MICROS),
        None => {
            let t = DateTime::parse_from_rfc3339(s).map_err(|e| format!("'{s}' is not a time ({e})"))?;
            Ok(t.timestamp_micros() - PG_EPOCH_MICROS)
        }
    }
}

/// Microseconds since the Unix epoch of `YYYY-MM-DDTHH:MM:SS[.fraction]Z`,
/// the form the SQLite store writes; `None` for anything else (which
/// [`pg_micros`] leaves to chrono's full RFC 3339 parser).
fn utc_micros(b: &[u8]) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b.get(r)?.iter().try_fold(0i64, |n, &c| c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0')))
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month[month as usize - 1] {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut micros = 0;
    let mut i = 19;
    if b[i] == b'.' {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        micros = num(i + 1..i + 1 + digits.min(6))? * 10i64.pow(6 - digits.min(6) as u32);
        i += 1 + digits;
    }
    if &b[i..] != b"Z" {
        return None;
    }
    // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Some(((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros)
}

/// A table's content checksum: the wrapping sum of the XXH3 hashes of its
/// rows as binary COPY tuples, so it does not depend on the order rows come in.
fn row_hash(tuple: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(tuple)
}

/// The target table's columns, in order, with how each is encoded.
fn columns_of(tx: &mut ::postgres::Transaction<'_>, table: &str) -> Result<Vec<(String, Col)>> {
    let st = tx.prepare(&format!("SELECT * FROM {table} LIMIT 0")).map_err(db)?;
    st.columns()
        .iter()
        .map(|c| match Col::of(c.type_()) {
            Some(col) => Ok((c.name().to_string(), col)),
            None => Err(StoreError::Backend(format!(
                "{table}.{} is of type {}, which migrate cannot fill",
                c.name(),
                c.type_()
            ))),
        })
        .collect()
}

/// `a, b, c`: the column list of a COPY statement.
fn column_list(columns: &[(String, Col)]) -> String {
    columns.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ")
}

/// Streams one table from the source into the target; returns its row count and checksum.
fn copy_table(
    src: &Connection,
    tx: &mut ::postgres::Transaction<'_>,
    table: &str,
    columns: &[(String, Col)],
    on: &mut dyn FnMut(Event<'_>),
) -> std::result::Result<(u64, u64), MigrateError> {
    let names = column_list(columns);
    let source_error =
        |e: rusqlite::Error| StoreError::Backend(format!("reading {table} from the source: {e}; nothing was copied"));
    let total: i64 = src.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).map_err(source_error)?;
    on(Event::Table { table, rows: total as u64 });

    let mut sink = tx.copy_in(&format!("COPY {table} ({names}) FROM STDIN (FORMAT binary, FREEZE)")).map_err(db)?;
    let mut stmt = src.prepare(&format!("SELECT {names} FROM {table}")).map_err(source_error)?;
    let mut rows = stmt.query([]).map_err(source_error)?;
    let (mut n, mut sum) = (0u64, 0u64);
    let mut buf = Vec::with_capacity(CHUNK + (64 << 10));
    buf.extend_from_slice(COPY_HEADER);
    let fields = i16::try_from(columns.len()).expect("a table has fewer than 32768 columns").to_be_bytes();
    while let Some(row) = rows.next().map_err(source_error)? {
        n += 1;
        let start = buf.len();
        buf.extend_from_slice(&fields);
        for (i, (name, col)) in columns.iter().enumerate() {
            let v = row.get_ref(i).map_err(source_error)?;
            encode(v, *col, &mut buf).map_err(|problem| MigrateError::BadValue {
                table: table.to_string(),
                row: n,
                column: name.clone(),
                problem,
            })?;
        }
        sum = sum.wrapping_add(row_hash(&buf[start..]));
        if buf.len() >= CHUNK {
            if let Err(e) = sink.write_all(&buf) {
                return Err(copy_failed(table, n, sink.finish().err(), e));
            }
            buf.clear();
        }
        if n.is_multiple_of(4096) {
            on(Event::Rows(4096));
        }
    }
    on(Event::Rows(n % 4096));
    buf.extend_from_slice(&COPY_TRAILER);
    if let Err(e) = sink.write_all(&buf) {
        return Err(copy_failed(table, n, sink.finish().err(), e));
    }
    sink.finish().map_err(|e| copy_error(table, n, e))?;
    Ok((n, sum))
}

/// Reads a table back as the server stored it (binary COPY, the same
/// encoding the copy sent); returns its row count and checksum.
fn stored_checksum(
    tx: &mut ::postgres::Transaction<'_>,
    table: &str,
    columns: &[(String, Col)],
) -> std::result::Result<(u64, u64), MigrateError> {
    let names = column_list(columns);
    let reader = tx.copy_out(&format!("COPY {table} ({names}) TO STDOUT (FORMAT binary)")).map_err(db)?;
    read_back(reader).map_err(|e| {
        MigrateError::Store(StoreError::Backend(format!(
            "reading {table} back from the target: {e}; nothing was copied"
        )))
    })
}

/// Counts and hashes the tuples of a binary COPY stream.
fn read_back(mut r: impl Read) -> std::io::Result<(u64, u64)> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut header = [0u8; 19];
    r.read_exact(&mut header)?;
    if header[..11] != COPY_HEADER[..11] {
        return Err(bad("not a binary COPY stream"));
    }
    let extension = u32::from_be_bytes(header[15..19].try_into().expect("four bytes"));
    std::io::copy(&mut (&mut r).take(u64::from(extension)), &mut std::io::sink())?;
    let (mut n, mut sum, mut tuple) = (0u64, 0u64, Vec::new());
    loop {
        let mut count = [0u8; 2];
        r.read_exact(&mut count)?;
        let fields = i16::from_be_bytes(count);
        if fields == -1 {
            return Ok((n, sum));
        }
        tuple.clear();
        tuple.extend_from_slice(&count);
        for _ in 0..fields {
            let mut len = [0u8; 4];
            r.read_exact(&mut len)?;
            tuple.extend_from_slice(&len);
            let len = i32::from_be_bytes(len);
            if len > 0 {
                let start = tuple.len();
                tuple.resize(start + len as usize, 0);
                r.read_exact(&mut tuple[start..])?;
            } else if len < -1 {
                return Err(bad("a field of negative length"));
            }
        }
        n += 1;
        sum = sum.wrapping_add(row_hash(&tuple));
    }
}

/// A key, index or reference could not be rebuilt over the copied rows: the
/// source holds duplicates or dangling references its own engine let through.
fn broken_rule(e: ::postgres::Error) -> MigrateError {
    match e.as_db_error() {
        Some(d) if d.code().code().starts_with("23") => MigrateError::Invalid(format!(
            "{}{}",
            d.message(),
            d.detail().map(|x| format!(" ({x})")).unwrap_or_default()
        )),
        _ => db(e).into(),
    }
}

/// A write to the COPY stream failed: the server's reason if it gave one.
fn copy_failed(table: &str, row: u64, server: Option<::postgres::Error>, io: std::io::Error) -> MigrateError {
    match server {
        Some(e) => copy_error(table, row, e),
        None => MigrateError::Store(StoreError::Backend(format!(
            "copying {table} (near row {row}): {io}; nothing was copied"
        ))),
    }
}

fn copy_error(table: &str, row: u64, e: ::postgres::Error) -> MigrateError {
    match db(e) {
        StoreError::Backend(m) | StoreError::Conflict(m) => MigrateError::Store(StoreError::Backend(format!(
            "copying {table} (near row {row}): {m}; nothing was copied"
        ))),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn encoded(v: ValueRef<'_>, col: Col) -> std::result::Result<Vec<u8>, String> {
        let mut out = Vec::new();
        encode(v, col, &mut out).map(|()| out)
    }

    #[test]
    fn conversions_follow_the_column_type() {
        assert_eq!(encoded(ValueRef::Integer(1), Col::Bool).unwrap(), [0, 0, 0, 1, 1]);
        assert_eq!(encoded(ValueRef::Integer(0), Col::Bool).unwrap(), [0, 0, 0, 1, 0]);
        assert_eq!(encoded(ValueRef::Text(b"t"), Col::Bool).unwrap(), [0, 0, 0, 1, 1]);
        assert_eq!(encoded(ValueRef::Null, Col::Time).unwrap(), (-1i32).to_be_bytes());
        assert_eq!(encoded(ValueRef::Integer(7), Col::Int2).unwrap(), [0, 0, 0, 2, 0, 7]);
        assert_eq!(encoded(ValueRef::Text(b" 7 "), Col::Int8).unwrap(), [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 7]);
        assert_eq!(encoded(ValueRef::Text("Днепр".as_bytes()), Col::Text).unwrap()[..4], [0, 0, 0, 10]);
        let t = encoded(ValueRef::Text(b"2000-01-01T00:00:01.1234567Z"), Col::Time).unwrap();
        assert_eq!(t[4..], 1_123_456i64.to_be_bytes(), "PostgreSQL keeps microseconds since 2000");
        assert!(encoded(ValueRef::Text(b"yesterday"), Col::Time).unwrap_err().contains("'yesterday'"));
        assert!(encoded(ValueRef::Integer(70_000), Col::Int2).unwrap_err().contains("out of range"));
        assert!(encoded(ValueRef::Real(1.5), Col::Int8).is_err());
        assert!(encoded(ValueRef::Text(b"\xff"), Col::Text).unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn the_quick_time_parser_agrees_with_chrono() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let secs = (x % 12_000_000_000) as i64 - 5_000_000_000;
            let t = Utc.timestamp_opt(secs, (x >> 40) as u32 % 1_000_000_000).unwrap();
            for form in [chrono::SecondsFormat::Secs, chrono::SecondsFormat::Millis, chrono::SecondsFormat::Nanos] {
                let s = t.to_rfc3339_opts(form, true);
                let chrono = DateTime::parse_from_rfc3339(&s).unwrap().timestamp_micros();
                assert_eq!(utc_micros(s.as_bytes()), Some(chrono), "{s}");
            }
        }
        // Other spellings are left to chrono, which knows them.
        for s in ["2026-11-21T10:00:00+02:00", "2026-11-21 10:00:00Z", "2026-02-29T10:00:00Z", "2026-11-21T24:00:00Z"] {
            assert_eq!(utc_micros(s.as_bytes()), None, "{s}");
        }
        assert_eq!(pg_micros("2000-01-01T02:00:00+02:00"), Ok(0));
    }

    #[test]
    fn a_stream_read_back_has_the_checksum_it_was_written_with() {
        let rows = [
            vec![ValueRef::Integer(1), ValueRef::Text("Київ".as_bytes()), ValueRef::Null],
            vec![ValueRef::Integer(2), ValueRef::Text(b""), ValueRef::Blob(&[0, 1, 2])],
        ];
        let cols = [Col::Int8, Col::Text, Col::Bytes];
        let (mut stream, mut sum) = (COPY_HEADER.to_vec(), 0u64);
        for row in &rows {
            let start = stream.len();
            stream.extend_from_slice(&3i16.to_be_bytes());
            for (v, col) in row.iter().zip(cols) {
                encode(*v, col, &mut stream).unwrap();
            }
            sum = sum.wrapping_add(row_hash(&stream[start..]));
        }
        stream.extend_from_slice(&COPY_TRAILER);
        assert_eq!(read_back(&stream[..]).unwrap(), (2, sum));
        // One byte changed in a value changes the checksum; a cut stream is an error.
        let mut changed = stream.clone();
        let at = changed.len() - 4;
        changed[at] ^= 1;
        assert_ne!(read_back(&changed[..]).unwrap(), (2, sum));
        assert!(read_back(&stream[..stream.len() - 5]).is_err());
        assert!(read_back(&b"COPY"[..]).is_err());
    }
}
