//! Services: one module per capability, each a set of functions over an [`App`].
//!
//! The CLI, the bot, the web panel and the scheduler are front ends over these
//! functions, so a rule lives here once; only the services touch the store.
//! Every function that changes data runs in one store transaction with its
//! audit record inside it, and every privileged call takes the acting
//! [`Actor`] and checks the role from the store at that moment. Which actions
//! a front end offers comes from the same check (see [`requests::Card::actions`]).

pub mod archive;
pub mod backup;
pub mod broadcast;
pub mod calendars;
pub mod calls;
pub mod cartridges;
pub mod catalog;
pub mod dashboard;
pub mod demo;
pub mod directory;
pub mod email;
pub mod export;
pub mod forecast;
pub mod health;
pub mod import_1c;
pub mod inbox;
pub mod jobs;
pub mod ledger;
pub mod lookup;
pub mod metrics;
pub mod migrate;
pub mod notify;
pub mod onec_exchange;
pub mod printers;
pub mod ratings;
pub mod recurring;
pub mod refills;
pub mod report;
pub mod requests;
pub mod schema;
pub mod seed;
pub mod serve;
pub mod sla;
pub mod telegram;
pub mod web;

use crate::clock::Clock;
use crate::config::Settings;
pub use crate::domain::Candidate;
use crate::domain::audit::{AuditAction, Via};
use crate::domain::{BadKey, Denied, Entity, Lang, LifecycleError, PhoneError, Principal, Refusal, Role};
use crate::i18n::Msg;
pub use crate::store::OpenOptions;
use crate::store::{NewLog, Store, StoreError, Tx};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What every service needs: settings, the store and the clock.
///
/// The store is private to the services: front ends (the bot, the CLI, the
/// web panel, the scheduler) read and write only through service functions,
/// which authorise the acting person from the database when they act.
#[derive(Clone)]
pub struct App {
    pub settings: Arc<Settings>,
    store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    /// What this process observes of itself, for `/readyz` and `/metrics`.
    pub telemetry: Arc<Telemetry>,
}

/// What a process observes of itself as it runs: its bot's connection and
/// its counters. One per process, shared by every front end in it.
#[derive(Default)]
pub struct Telemetry {
    pub bot: health::BotLink,
    pub metrics: metrics::Metrics,
}

impl App {
    pub fn new(settings: Settings, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> App {
        App { settings: Arc::new(settings), store, clock, telemetry: Arc::new(Telemetry::default()) }
    }

    /// Opens the store the settings name (applying pending migrations
    /// unless `options` says not to) and the services over it.
    pub fn open(settings: Settings, options: OpenOptions, clock: Arc<dyn Clock>) -> Result<App> {
        let store = crate::store::open(&settings.database_url, options)?;
        Ok(App::new(settings, store, clock))
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The same services with other settings (a command-line flag that overrides one).
    pub fn with_settings(&self, settings: Settings) -> App {
        App {
            settings: Arc::new(settings),
            store: self.store.clone(),
            clock: self.clock.clone(),
            telemetry: self.telemetry.clone(),
        }
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
    /// The same person in the web panel (signed in by Telegram): the same
    /// rights, and the audit log says the action came from the web.
    Web(i64),
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

    /// How the actor is written in the audit log (read back with [`Via::of_label`]).
    pub fn label(&self) -> String {
        match self {
            Actor::Operator(login) => Via::Cli.label(login),
            Actor::System(job) => Via::System.label(job),
            Actor::Telegram(id) => Via::Telegram.label(&id.to_string()),
            Actor::Web(id) => Via::Web.label(&id.to_string()),
        }
    }

    pub fn telegram_id(&self) -> Option<i64> {
        match self {
            Actor::Telegram(id) | Actor::Web(id) => Some(*id),
            _ => None,
        }
    }
}

/// Why a service call failed.
///
/// Everything a person can meet and put right is typed ([`Denied`],
/// [`LifecycleError`], `NotFound`, `Ambiguous`, [`Refusal`]): its `Display`
/// is the English line the command line prints, and [`Error::describe`]
/// says it to a person in their language. `Invalid` and `Conflict` hold
/// English text for what only a sysadmin meets (backups, imports, exports,
/// configuration, a service called from the wrong front end); the rest are
/// failures on our side.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(StoreError),
    #[error("not allowed: {0}")]
    Denied(#[from] Denied),
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error("unknown {what} '{key}'")]
    NotFound { what: Entity, key: String },
    /// A key a person typed names two or more different records (one
    /// branch's code is another's id): which one is for them to say.
    #[error("{}", ambiguous(*what, key, candidates))]
    Ambiguous { what: Entity, key: String, candidates: Vec<Candidate> },
    /// What a person asked cannot be done, and why, as data.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// An operator's mistake, in English (see the type's docs).
    #[error("{0}")]
    Invalid(String),
    /// Something else is in the way of an operator (another job runs, ...), in English.
    #[error("{0}")]
    Conflict(String),
    /// Writing a stream the caller handed over failed (the reader of a pipe went away, ...).
    #[error("cannot write the output: {0}")]
    Output(#[source] std::io::Error),
    /// A service call did not finish (its task panicked or was cancelled).
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The database did not answer at all (perhaps not up yet): worth
    /// waiting for, unlike a refused password or a missing database.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Store(StoreError::Unreachable { .. }))
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        if e.is_failure() {
            metrics::database_error();
        }
        Error::Store(e)
    }
}

/// `branch '3' is ambiguous: it is the code of Тестовый филиал (code 3, id 9)
/// and the id of Львов (code LVIV, id 3); write code:3 or id:3 to pick one`
fn ambiguous(what: Entity, key: &str, candidates: &[Candidate]) -> String {
    let code = match what {
        Entity::CartridgeType => "article",
        Entity::Printer => "inventory number",
        _ => "code",
    };
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
        Error::Refused(Refusal::BadKey(e))
    }
}

impl From<PhoneError> for Error {
    fn from(e: PhoneError) -> Error {
        Error::Refused(Refusal::BadPhone(e))
    }
}

impl Error {
    pub fn not_found(what: Entity, key: impl ToString) -> Error {
        Error::NotFound { what, key: key.to_string() }
    }

    /// What a person is told about this error, in `lang`, for the bot and
    /// the web panel alike: plain text (each front end escapes it as it
    /// escapes any text), or `None` for a failure on our side, which the
    /// front end logs and answers with "something went wrong".
    pub fn describe(&self, lang: Lang) -> Option<String> {
        let msg = match self {
            Error::Denied(d) => Msg::Denied(*d),
            Error::Lifecycle(e) => Msg::Lifecycle(e),
            Error::NotFound { what, key } => Msg::NotFound { what: *what, key },
            Error::Ambiguous { what, key, candidates } => Msg::Ambiguous { what: *what, key, candidates },
            Error::Refused(r) => Msg::Refusal(r),
            // Sysadmin-only text reaching a person is a bug of ours, not theirs to fix.
            Error::Store(_) | Error::Invalid(_) | Error::Conflict(_) | Error::Output(_) | Error::Internal(_) => {
                return None;
            }
        };
        Some(crate::i18n::t(lang, msg))
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
        Actor::Telegram(id) | Actor::Web(id) => {
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
    pub action: AuditAction,
    pub entity: &'static str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl AuditEvent {
    pub fn new(action: AuditAction, entity: &'static str, entity_id: impl ToString) -> AuditEvent {
        AuditEvent { action, entity, entity_id: entity_id.to_string(), before: None, after: None }
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

/// The first instant of local day `d` in `tz`, in UTC (the earliest, where
/// clocks jump at midnight); `fallback` for a day with no midnight at all.
pub(crate) fn local_midnight(tz: chrono_tz::Tz, d: chrono::NaiveDate, fallback: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::TimeZone;
    d.and_hms_opt(0, 0, 0)
        .and_then(|t| tz.from_local_datetime(&t).earliest())
        .map_or(fallback, |t| t.with_timezone(&Utc))
}

/// Appends an audit record in `tx`, in the same transaction as the change it records.
pub fn audit(tx: &mut dyn Tx, at: DateTime<Utc>, actor: &Actor, event: AuditEvent) -> Result<()> {
    tx.append_log(&NewLog {
        at,
        actor_id: actor.telegram_id(),
        actor: actor.label(),
        action: event.action.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, RequestNumber, State};

    #[test]
    fn people_are_told_refusals_in_their_language_and_never_our_failures() {
        let done = Error::from(Refusal::NotIssuable { number: RequestNumber(12), state: State::Done });
        // The command line keeps its English line.
        assert_eq!(done.to_string(), "HD-000012 is done; cartridges are issued on accepted orders");
        assert_eq!(
            done.describe(Lang::Uk).unwrap(),
            "Заявка HD-000012 виконана: картриджі видають лише за прийнятими заявками."
        );
        let missing = Error::not_found(Entity::Request, RequestNumber(7));
        assert_eq!(missing.to_string(), "unknown request 'HD-000007'");
        assert_eq!(missing.describe(Lang::Ru).unwrap(), "Заявка HD-000007 не найдена.");
        let refused = [
            done,
            missing,
            Error::Refused(Refusal::OwnAccount),
            Error::Denied(Denied::NotStaff),
            Error::Lifecycle(LifecycleError::ReasonRequired),
            Error::from(BadKey::Empty),
            Error::from(PhoneError::Empty),
            Error::Ambiguous {
                what: Entity::Branch,
                key: "3".into(),
                candidates: vec![
                    Candidate { id: 9, code: "3".into(), name: "Тест".into(), matched: Field::Code },
                    Candidate { id: 3, code: "LVIV".into(), name: "Львов".into(), matched: Field::Id },
                ],
            },
        ];
        let ours = [
            Error::Store(StoreError::Backend("disk full".into())),
            Error::Invalid("calls are made from Telegram".into()),
            Error::Conflict("another job is running".into()),
            Error::Output(std::io::Error::other("the reader went away")),
            Error::Internal("the blocking task failed: task 7 panicked".into()),
        ];
        for lang in [Lang::Ru, Lang::Uk, Lang::En] {
            for e in &refused {
                assert!(e.describe(lang).is_some_and(|t| !t.is_empty()), "{lang}: {e}");
            }
            for e in &ours {
                assert_eq!(e.describe(lang), None, "{lang}: {e}");
            }
        }
    }
}
