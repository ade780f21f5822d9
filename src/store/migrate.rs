//! Copying a SQLite store into PostgreSQL (`helpdesk migrate`).
//!
//! The source is read in one read-only transaction, so a `serve` may keep
//! writing to it: the copy is the snapshot taken when the copy started. The
//! target is written in one transaction, under the store's write lock:
//!
//! 1. every table is emptied (`--truncate`; an empty target is checked first)
//!    and its foreign keys and secondary indexes are set aside, the way
//!    `pg_restore` loads data before constraints;
//! 2. each table, parents first, is streamed with binary `COPY`, converting
//!    SQLite's dynamic values to the column's native type (integers to
//!    booleans, RFC 3339 text to timestamptz) and keeping every id;
//! 3. the indexes and foreign keys come back (which checks every reference),
//!    the identity sequences continue after the highest id;
//! 4. each table's row count and a checksum of its content are computed on
//!    both sides (the source as it was read, the target by the server from
//!    what it stored) and must agree;
//!
//! and only then it commits. Killed or failing at any point, the target keeps
//! what it had. Memory stays flat: rows stream through one at a time.

use super::postgres::{PgStore, TABLES, WRITE_LOCK, db};
use super::{Result, Store, StoreError};
use ::postgres::binary_copy::BinaryCopyInWriter;
use ::postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use bytes::BytesMut;
use chrono::{DateTime, Timelike, Utc};
use md5::{Digest, Md5};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::fmt::Write as _;
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

    let mut copied = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let started = Instant::now();
        let (rows, checksum) = copy_table(&src, &mut tx, table, on)?;
        on(Event::TableDone);
        copied.push(CopiedTable {
            table: table.to_string(),
            rows,
            seconds: started.elapsed().as_secs_f64(),
            verified: false,
            checksum,
        });
    }

    on(Event::Finishing);
    for statement in &deferred {
        tx.batch_execute(statement).map_err(db)?;
    }
    reset_sequences(&mut tx)?;
    let mut mismatched = Vec::new();
    for c in &mut copied {
        let started = Instant::now();
        let (rows, checksum) = target_checksum(&mut tx, &c.table)?;
        c.seconds += started.elapsed().as_secs_f64();
        c.verified = rows == c.rows && checksum == c.checksum;
        if !c.verified {
            mismatched.push(format!("{} ({} rows read, {} stored)", c.table, c.rows, rows));
        }
    }
    if !mismatched.is_empty() {
        return Err(MigrateError::Mismatch(mismatched.join(", ")));
    }
    tx.commit().map_err(db)?;
    Ok(copied)
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

/// Drops the foreign keys and the indexes no constraint owns, returning the
/// statements that bring them back.
fn set_aside_constraints(tx: &mut ::postgres::Transaction<'_>) -> Result<Vec<String>> {
    let mut restore = Vec::new();
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
    let fks = tx
        .query(
            "SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) FROM pg_constraint c \
             JOIN pg_class tc ON tc.oid = c.conrelid JOIN pg_namespace n ON n.oid = tc.relnamespace \
             WHERE c.contype = 'f' AND n.nspname = current_schema() AND tc.relname = ANY($1)",
            &[&TABLES],
        )
        .map_err(db)?;
    for fk in &fks {
        let (table, name, def): (String, String, String) = (fk.get(0), fk.get(1), fk.get(2));
        tx.batch_execute(&format!("ALTER TABLE {table} DROP CONSTRAINT {name}")).map_err(db)?;
        restore.push(format!("ALTER TABLE {table} ADD CONSTRAINT {name} {def}"));
    }
    for ix in &indexes {
        let (name, def): (String, String) = (ix.get(0), ix.get(1));
        tx.batch_execute(&format!("DROP INDEX {name}")).map_err(db)?;
        restore.insert(0, def);
    }
    Ok(restore)
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

/// A value on its way from SQLite to a PostgreSQL column.
#[derive(Debug)]
enum Val<'a> {
    Null,
    Int(i64),
    Bool(bool),
    Text(&'a str),
    Owned(String),
    Time(DateTime<Utc>),
    Bytes(&'a [u8]),
}

impl ToSql for Val<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::Int(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Val::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Val::Int(i) => i.to_sql(ty, out),
            Val::Bool(b) => b.to_sql(ty, out),
            Val::Text(s) => s.to_sql(ty, out),
            Val::Owned(s) => s.to_sql(ty, out),
            Val::Time(t) => t.to_sql(ty, out),
            Val::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Converts one SQLite value to the target column's type.
fn convert<'a>(v: ValueRef<'a>, ty: &Type) -> std::result::Result<Val<'a>, String> {
    let text = |b: &'a [u8]| std::str::from_utf8(b).map_err(|_| "text that is not valid UTF-8".to_string());
    Ok(match (v, ty) {
        (ValueRef::Null, _) => Val::Null,
        (ValueRef::Integer(i), t) if [Type::INT8, Type::INT4, Type::INT2].contains(t) => Val::Int(i),
        (ValueRef::Integer(i), &Type::BOOL) => Val::Bool(i != 0),
        (ValueRef::Text(b), &Type::BOOL) => match text(b)? {
            "true" | "t" | "1" => Val::Bool(true),
            "false" | "f" | "0" => Val::Bool(false),
            other => return Err(format!("'{other}' is not a boolean")),
        },
        (ValueRef::Text(b), t) if [Type::INT8, Type::INT4, Type::INT2].contains(t) => {
            let s = text(b)?;
            Val::Int(s.trim().parse().map_err(|_| format!("'{s}' is not an integer"))?)
        }
        (ValueRef::Text(b), &Type::TIMESTAMPTZ) => {
            let s = text(b)?;
            let t = DateTime::parse_from_rfc3339(s).map_err(|e| format!("'{s}' is not a time ({e})"))?;
            Val::Time(micros(t.with_timezone(&Utc)))
        }
        (ValueRef::Text(b), t) if [Type::TEXT, Type::VARCHAR, Type::BPCHAR].contains(t) => Val::Text(text(b)?),
        (ValueRef::Integer(i), t) if [Type::TEXT, Type::VARCHAR].contains(t) => Val::Owned(i.to_string()),
        (ValueRef::Real(r), t) if [Type::TEXT, Type::VARCHAR].contains(t) => Val::Owned(r.to_string()),
        (ValueRef::Blob(b), &Type::BYTEA) => Val::Bytes(b),
        (other, t) => return Err(format!("a {:?} value cannot go into a {t} column", other.data_type())),
    })
}

/// PostgreSQL keeps microseconds.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

/// Appends a value's canonical form to a row's checksum text: `N` for NULL,
/// else `V<chars>:<text>`. [`checksum_sql`] builds the same text on the server.
fn canonical(buf: &mut String, v: &Val<'_>) {
    let start = buf.len();
    match v {
        Val::Null => {
            buf.push('N');
            return;
        }
        Val::Int(i) => write!(buf, "{i}").unwrap(),
        Val::Bool(b) => buf.push_str(if *b { "true" } else { "false" }),
        Val::Text(s) => buf.push_str(s),
        Val::Owned(s) => buf.push_str(s),
        Val::Time(t) => write!(buf, "{}", t.format("%Y-%m-%dT%H:%M:%S%.6f")).unwrap(),
        Val::Bytes(b) => b.iter().for_each(|x| write!(buf, "{x:02x}").unwrap()),
    }
    let chars = buf[start..].chars().count();
    buf.insert_str(start, &format!("V{chars}:"));
}

/// The server-side checksum of a table: the sum of the first 64 bits of the
/// MD5 of each row's canonical text, as a decimal number.
fn checksum_sql(table: &str, columns: &[(String, Type)]) -> String {
    let fields: Vec<String> = columns
        .iter()
        .map(|(c, ty)| {
            let x = match *ty {
                Type::TIMESTAMPTZ => format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"),
                Type::BYTEA => format!("encode({c}, 'hex')"),
                _ => format!("{c}::text"),
            };
            format!("CASE WHEN {c} IS NULL THEN 'N' ELSE 'V' || char_length({x}) || ':' || {x} END")
        })
        .collect();
    format!(
        "SELECT count(*), coalesce(sum(('x' || left(md5({}), 16))::bit(64)::bigint), 0)::text FROM {table}",
        fields.join(" || ")
    )
}

fn row_hash(buf: &str) -> i64 {
    let digest = Md5::digest(buf.as_bytes());
    i64::from_be_bytes(digest[..8].try_into().expect("an MD5 digest has 16 bytes"))
}

fn columns_of(tx: &mut ::postgres::Transaction<'_>, table: &str) -> Result<Vec<(String, Type)>> {
    let st = tx.prepare(&format!("SELECT * FROM {table} LIMIT 0")).map_err(db)?;
    Ok(st.columns().iter().map(|c| (c.name().to_string(), c.type_().clone())).collect())
}

fn target_checksum(tx: &mut ::postgres::Transaction<'_>, table: &str) -> Result<(u64, String)> {
    let columns = columns_of(tx, table)?;
    let row = tx.query_one(&checksum_sql(table, &columns), &[]).map_err(db)?;
    Ok((row.get::<_, i64>(0) as u64, row.get(1)))
}

/// Streams one table from the source into the target; returns its row count and checksum.
fn copy_table(
    src: &Connection,
    tx: &mut ::postgres::Transaction<'_>,
    table: &str,
    on: &mut dyn FnMut(Event<'_>),
) -> std::result::Result<(u64, String), MigrateError> {
    let columns = columns_of(tx, table)?;
    let names = columns.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ");
    let source_error =
        |e: rusqlite::Error| StoreError::Backend(format!("reading {table} from the source: {e}; nothing was copied"));
    let total: i64 = src.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).map_err(source_error)?;
    on(Event::Table { table, rows: total as u64 });

    let types: Vec<Type> = columns.iter().map(|(_, t)| t.clone()).collect();
    let sink = tx.copy_in(&format!("COPY {table} ({names}) FROM STDIN (FORMAT binary, FREEZE)")).map_err(db)?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let mut stmt = src.prepare(&format!("SELECT {names} FROM {table}")).map_err(source_error)?;
    let mut rows = stmt.query([]).map_err(source_error)?;
    let (mut n, mut sum, mut buf) = (0u64, 0i128, String::new());
    while let Some(row) = rows.next().map_err(source_error)? {
        n += 1;
        let mut current: Vec<Val<'_>> = Vec::with_capacity(columns.len());
        buf.clear();
        for (i, (name, ty)) in columns.iter().enumerate() {
            let v = row.get_ref(i).map_err(source_error)?;
            let v = convert(v, ty).map_err(|problem| MigrateError::BadValue {
                table: table.to_string(),
                row: n,
                column: name.clone(),
                problem,
            })?;
            canonical(&mut buf, &v);
            current.push(v);
        }
        sum += i128::from(row_hash(&buf));
        let refs: Vec<&(dyn ToSql + Sync)> = current.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        writer.write(&refs).map_err(|e| copy_error(table, n, e))?;
        if n.is_multiple_of(4096) {
            on(Event::Rows(4096));
        }
    }
    on(Event::Rows(n % 4096));
    writer.finish().map_err(|e| copy_error(table, n, e))?;
    Ok((n, sum.to_string()))
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

    #[test]
    fn conversions_follow_the_column_type() {
        assert!(matches!(convert(ValueRef::Integer(1), &Type::BOOL), Ok(Val::Bool(true))));
        assert!(matches!(convert(ValueRef::Integer(0), &Type::BOOL), Ok(Val::Bool(false))));
        assert!(matches!(convert(ValueRef::Null, &Type::TIMESTAMPTZ), Ok(Val::Null)));
        let Ok(Val::Time(t)) = convert(ValueRef::Text(b"2026-11-21T10:00:00.1234567Z"), &Type::TIMESTAMPTZ) else {
            panic!("a time")
        };
        assert_eq!(t.nanosecond(), 123_456_000, "PostgreSQL keeps microseconds");
        assert!(convert(ValueRef::Text(b"yesterday"), &Type::TIMESTAMPTZ).unwrap_err().contains("'yesterday'"));
        assert!(convert(ValueRef::Real(1.5), &Type::INT8).is_err());
        assert!(convert(ValueRef::Text(b"\xff"), &Type::TEXT).unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn canonical_text_tells_null_from_empty_and_counts_characters() {
        let mut buf = String::new();
        canonical(&mut buf, &Val::Null);
        canonical(&mut buf, &Val::Text(""));
        canonical(&mut buf, &Val::Text("Днепр"));
        canonical(&mut buf, &Val::Bool(true));
        canonical(&mut buf, &Val::Int(-42));
        assert_eq!(buf, "NV0:V5:ДнепрV4:trueV3:-42");
    }
}
