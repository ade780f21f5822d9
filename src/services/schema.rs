//! The database schema: which migrations are applied, and applying the rest.

use super::{App, Result};
use crate::store::{MigrationInfo, SchemaStatus};

pub fn status(app: &App) -> Result<SchemaStatus> {
    Ok(app.store.schema()?)
}

pub fn upgrade(app: &App) -> Result<Vec<MigrationInfo>> {
    Ok(app.store.upgrade()?)
}
