//! Whether this process can serve: its database answers and the schema is
//! the one this build knows (readiness, `/readyz`). Liveness (`/healthz`)
//! needs no service at all.

use super::App;

/// The database's side of readiness.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Readiness {
    /// The database answered.
    pub database: bool,
    /// The newest migration applied, when it answered.
    pub schema_version: Option<i64>,
    /// No migration this build knows is pending.
    pub schema_current: bool,
    /// Why not, in English, for the operator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.database && self.schema_current
    }
}

/// Asks the database now (one small read).
pub fn readiness(app: &App) -> Readiness {
    match app.store.schema() {
        Ok(s) => Readiness {
            database: true,
            schema_version: s.applied.iter().map(|m| m.version).max(),
            schema_current: s.pending.is_empty(),
            error: (!s.pending.is_empty()).then(|| "the schema is behind; run `helpdesk db upgrade`".to_string()),
        },
        Err(e) => {
            Readiness { database: false, schema_version: None, schema_current: false, error: Some(e.to_string()) }
        }
    }
}
