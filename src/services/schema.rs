//! The database schema: which migrations are applied, and applying the rest.

use super::{App, Result};
use crate::config::DatabaseUrl;
use crate::store::{MigrationInfo, SchemaStatus, sqlite};

pub fn status(app: &App) -> Result<SchemaStatus> {
    Ok(app.store.schema()?)
}

pub fn upgrade(app: &App) -> Result<Vec<MigrationInfo>> {
    Ok(app.store.upgrade()?)
}

/// The status of a SQLite database file that does not exist yet (every
/// migration pending), without creating it; `None` when there is a database
/// to open.
pub fn not_created(url: &DatabaseUrl) -> Option<SchemaStatus> {
    match url {
        DatabaseUrl::Sqlite(path) if !path.exists() => {
            Some(SchemaStatus { applied: vec![], pending: sqlite::known_migrations() })
        }
        _ => None,
    }
}
