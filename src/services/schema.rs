//! The database schema: which migrations are applied, and applying the rest.

use super::{App, Result};
use crate::config::DatabaseUrl;
use crate::store::{self, MigrationInfo, SchemaStatus};

/// Where the database is, for people to read (a path, or a URL without its password).
pub fn location(app: &App) -> String {
    app.store.location()
}

pub fn status(app: &App) -> Result<SchemaStatus> {
    Ok(app.store.schema()?)
}

pub fn upgrade(app: &App) -> Result<Vec<MigrationInfo>> {
    Ok(app.store.upgrade()?)
}

/// The status of a database that does not exist yet, without creating it;
/// `None` when there is a database to open.
pub fn not_created(url: &DatabaseUrl) -> Option<SchemaStatus> {
    store::not_created(url)
}
