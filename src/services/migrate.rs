//! Moving a SQLite help desk to PostgreSQL (`helpdesk migrate`).

use super::Progress;
use crate::config::Secret;
use crate::store::migrate::{self, CopiedTable, Event, MigrateError};
use crate::store::postgres::PgStore;
use crate::store::{OpenOptions, Store};
use std::path::Path;
use std::time::Instant;

/// What a migration copied.
#[derive(Debug, serde::Serialize)]
pub struct Migration {
    pub source: String,
    /// The target URL, password redacted.
    pub target: String,
    pub tables: Vec<CopiedTable>,
    pub rows: u64,
    pub seconds: f64,
}

/// Copies the SQLite database at `source` into the PostgreSQL database
/// `target`, creating the schema there first; see [`crate::store::migrate`].
pub fn sqlite_to_postgres(
    source: &Path,
    target: &Secret,
    truncate: bool,
    progress: &dyn Progress,
) -> Result<Migration, MigrateError> {
    let started = Instant::now();
    // A source that cannot be copied leaves the target untouched, not even given the schema.
    migrate::check_source(source)?;
    let store = PgStore::open(target, OpenOptions { migrate: true })?;
    let tables = migrate::sqlite_to_postgres(source, &store, truncate, &mut |event| match event {
        Event::Table { table, rows } => progress.start(table, Some(rows)),
        Event::Rows(n) => progress.advance(n),
        Event::TableDone => progress.finish(),
        Event::Finishing => progress.start("indexes, checks", None),
    });
    progress.finish();
    let tables = tables?;
    Ok(Migration {
        source: format!("sqlite:{}", source.display()),
        target: store.location(),
        rows: tables.iter().map(|t| t.rows).sum(),
        tables,
        seconds: started.elapsed().as_secs_f64(),
    })
}
