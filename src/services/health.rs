//! Whether this process can serve: its database answers and the schema is
//! the one this build knows (readiness, `/readyz`), and how its bot's
//! connection to Telegram stands. Liveness (`/healthz`) needs no service at
//! all.

use super::App;
use chrono::{DateTime, Utc};
use std::sync::Mutex;

/// The bot's connection to Telegram, as this process's bot last found it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BotState {
    /// No bot runs in this process (yet).
    Off,
    /// Asking Telegram who the bot is, since then.
    Connecting { since: DateTime<Utc> },
    /// Telegram answers, since then.
    Connected { since: DateTime<Utc> },
    /// Telegram stopped answering at `since`; retried since, the last error said.
    Retrying { since: DateTime<Utc>, error: String },
}

impl BotState {
    pub fn connected(&self) -> bool {
        matches!(self, BotState::Connected { .. })
    }
}

/// Where the bot runtime says how its connection stands and `/readyz` and
/// `/metrics` read it.
#[derive(Debug)]
pub struct BotLink(Mutex<BotState>);

impl Default for BotLink {
    fn default() -> Self {
        BotLink(Mutex::new(BotState::Off))
    }
}

impl BotLink {
    pub fn state(&self) -> BotState {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, f: impl FnOnce(&BotState) -> Option<BotState>) {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(next) = f(&s) {
            *s = next;
        }
    }

    /// Starting to ask Telegram who the bot is.
    pub fn connecting(&self, now: DateTime<Utc>) {
        self.set(|_| Some(BotState::Connecting { since: now }));
    }

    /// Telegram answered (kept since the first answer after a failure).
    pub fn answered(&self, now: DateTime<Utc>) {
        self.set(|s| (!s.connected()).then_some(BotState::Connected { since: now }));
    }

    /// Telegram did not answer (kept since the first failure in a row).
    pub fn failed(&self, now: DateTime<Utc>, error: &str) {
        self.set(|s| {
            let since = match s {
                BotState::Retrying { since, .. } => *since,
                _ => now,
            };
            Some(BotState::Retrying { since, error: error.to_string() })
        });
    }
}

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
