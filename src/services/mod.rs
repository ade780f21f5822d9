//! Services: one module per capability, each a set of functions over an [`App`].
//!
//! The CLI, the bot and the scheduler are front ends over these functions, so a
//! rule lives here once. Every function that changes data runs in one store
//! transaction with its audit record inside it, and every privileged call takes
//! the acting [`Actor`] and checks the role from the store at that moment.

pub mod archive;
pub mod backup;
pub mod broadcast;
pub mod calls;
pub mod cartridges;
pub mod catalog;
pub mod demo;
pub mod directory;
pub mod email;
pub mod export;
pub mod import_1c;
pub mod inbox;
pub mod jobs;
pub mod lookup;
pub mod migrate;
pub mod notify;
pub mod report;
pub mod requests;
pub mod schema;
pub mod seed;
pub mod sla;

use crate::clock::Clock;
use crate::config::Settings;
pub use crate::domain::Candidate;
use crate::domain::{BadKey, Denied, LifecycleError, Principal, Role};
use crate::store::{NewLog, Store, StoreError, Tx};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What every service needs: settings, the store and the clock.
#[derive(Clone)]
pub struct App {
    pub settings: Arc<Settings>,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
}

impl App {
    pub fn new(settings: Settings, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> App {
        App { settings: Arc::new(settings), store, clock }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Who asks for an action, as the front end knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A sysadmin at the command line (`cli:<login>`).
    Operator(String),
    /// A scheduled job (`system:<job>`).
    System(&'static str),
    /// A person in Telegram, by Telegram ID. Their role is read from the store.
    Telegram(i64),
}

impl Actor {
    /// The actor of a command run from a shell: `cli:` and the login name.
    pub fn operator_from_env() -> Actor {
        let login = std::env::var("SUDO_USER")
            .or_else(|_| std::env::var("USER"))
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into());
        Actor::Operator(login)
    }

    /// How the actor is written in the audit log.
    pub fn label(&self) -> String {
        match self {
            Actor::Operator(login) => format!("cli:{login}"),
            Actor::System(job) => format!("system:{job}"),
            Actor::Telegram(id) => format!("tg:{id}"),
        }
    }

    pub fn telegram_id(&self) -> Option<i64> {
        match self {
            Actor::Telegram(id) => Some(*id),
            _ => None,
        }
    }
}

/// Why a service call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("not allowed: {0}")]
    Denied(#[from] Denied),
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error("unknown {what} '{key}'")]
    NotFound { what: &'static str, key: String },
    /// A key a person typed names two or more different records (one
    /// branch's code is another's id): which one is for them to say.
    #[error("{}", ambiguous(what, key, candidates))]
    Ambiguous { what: &'static str, key: String, candidates: Vec<Candidate> },
    #[error("{0}")]
    Invalid(String),
    /// Someone else got there first (the request was accepted meanwhile, ...).
    #[error("{0}")]
    Conflict(String),
    /// Writing a stream the caller handed over failed (the reader of a pipe went away, ...).
    #[error("cannot write the output: {0}")]
    Output(#[source] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `branch '3' is ambiguous: it is the code of Тестовый филиал (code 3, id 9)
/// and the id of Львов (code LVIV, id 3); write code:3 or id:3 to pick one`
fn ambiguous(what: &str, key: &str, candidates: &[Candidate]) -> String {
    let code = if what == "cartridge type" { "article" } else { "code" };
    let which: Vec<String> = candidates
        .iter()
        .map(|c| format!("the {} of {} ({code} {}, id {})", c.matched.noun(), c.name, c.code, c.id))
        .collect();
    let keys: Vec<String> = candidates.iter().map(|c| c.key(key)).collect();
    format!("{what} '{key}' is ambiguous: it is {}; write {} to pick one", listed(&which, "and"), listed(&keys, "or"))
}

/// `a`, `a and b`, `a, b and c`.
fn listed(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

impl From<BadKey> for Error {
    fn from(e: BadKey) -> Error {
        Error::Invalid(e.to_string())
    }
}

impl Error {
    pub fn not_found(what: &'static str, key: impl ToString) -> Error {
        Error::NotFound { what, key: key.to_string() }
    }
}

/// The effective role of a stored role for a Telegram ID: super admins come from configuration.
pub fn effective_role(settings: &Settings, telegram_id: i64, stored: Role) -> Role {
    if settings.is_super_admin(telegram_id) { Role::SuperAdmin } else { stored }
}

/// The principal behind `actor`, read from the store inside the caller's transaction.
///
/// A super admin from the configuration who never wrote to the bot yet still
/// gets their powers; any other unknown Telegram ID is a plain user with no rights
/// beyond filing requests once registered.
pub fn principal(tx: &mut dyn Tx, settings: &Settings, actor: &Actor) -> Result<Principal> {
    match actor {
        Actor::Operator(_) | Actor::System(_) => Ok(Principal::Operator),
        Actor::Telegram(id) => {
            let user = tx.user(*id)?;
            let (role, blocked) = match user {
                Some(u) => (effective_role(settings, *id, u.role), u.blocked),
                None => (effective_role(settings, *id, Role::User), false),
            };
            Ok(Principal::User { id: *id, role, blocked })
        }
    }
}

/// What an audit record says happened.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub action: String,
    pub entity: &'static str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl AuditEvent {
    pub fn new(action: impl Into<String>, entity: &'static str, entity_id: impl ToString) -> AuditEvent {
        AuditEvent { action: action.into(), entity, entity_id: entity_id.to_string(), before: None, after: None }
    }
    pub fn before(mut self, v: serde_json::Value) -> AuditEvent {
        self.before = Some(v);
        self
    }
    pub fn after(mut self, v: serde_json::Value) -> AuditEvent {
        self.after = Some(v);
        self
    }
}

/// Appends an audit record in `tx`, in the same transaction as the change it records.
pub fn audit(tx: &mut dyn Tx, at: DateTime<Utc>, actor: &Actor, event: AuditEvent) -> Result<()> {
    tx.append_log(&NewLog {
        at,
        actor_id: actor.telegram_id(),
        actor: actor.label(),
        action: event.action,
        entity: event.entity.to_string(),
        entity_id: event.entity_id,
        before: event.before,
        after: event.after,
    })?;
    Ok(())
}

/// Reports how far long work has come. Front ends draw it (a progress bar on a
/// terminal) or ignore it (cron, the bot).
pub trait Progress: Send + Sync {
    fn start(&self, what: &str, total: Option<u64>);
    fn advance(&self, n: u64);
    fn finish(&self);
}

/// Progress nobody watches.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}
