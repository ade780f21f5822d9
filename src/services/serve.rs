//! `helpdesk serve` among other processes on one database: the lock that
//! lets one long-polling instance (or several webhook ones) run at a time,
//! and each instance's heartbeat, by which the others know it is alive.
//!
//! Not here: what a serve does (the bot's runtime, the scheduler).

use super::{App, Result};
pub use crate::store::{ServeLock, ServeMode};

/// Takes the serve lock in `mode`, held until the returned guard is dropped;
/// `None` when another serve holds it in a way `mode` cannot share.
pub fn lock(app: &App, mode: ServeMode) -> Result<Option<ServeLock>> {
    Ok(app.store.serve_lock(mode)?)
}

/// How often a `serve` instance says it is alive.
pub const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// After this long without a heartbeat an instance counts as gone: what it
/// held (outbox messages it took or was sending itself, inbox updates it
/// received or claimed) is taken over by the others.
pub const ALIVE_WITHIN: std::time::Duration = std::time::Duration::from_secs(10);

/// How long the record of a stopped or silent instance is kept.
const KEEP_STOPPED: chrono::Duration = chrono::Duration::days(1);

/// The earliest heartbeat of an instance alive at `now`.
pub fn alive_since(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    now - chrono::Duration::from_std(ALIVE_WITHIN).unwrap_or_default()
}

/// This `serve` process as the others on the database know it: what it
/// holds belongs to it for as long as it beats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    id: std::sync::Arc<str>,
}

impl Instance {
    /// Registers a new instance under a random name, alive from now.
    pub fn start(app: &App) -> Result<Instance> {
        let id: String = super::web::random_token()?[..16].to_string();
        let instance = Instance { id: id.into() };
        let mut tx = app.store.write()?;
        tx.instance_start(&instance.id, app.now())?;
        tx.commit()?;
        Ok(instance)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Says it is alive. An instance the others took for gone (it was
    /// paused past [`ALIVE_WITHIN`], and its record was pruned) registers
    /// again: what it held has been taken over meanwhile.
    pub fn beat(&self, app: &App) -> Result<()> {
        let now = app.now();
        let mut tx = app.store.write()?;
        if !tx.instance_beat(&self.id, now)? {
            tracing::warn!(instance = %self.id, "this serve was taken for gone; registering again");
            tx.instance_start(&self.id, now)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Says it stopped and gives back what it holds: its outbox messages are
    /// due now and its inbox claims free, for whichever instance runs next.
    pub fn stop(&self, app: &App) -> Result<()> {
        let mut tx = app.store.write()?;
        tx.instance_stop(&self.id, app.now())?;
        tx.commit()?;
        Ok(())
    }
}

/// Forgets instances stopped or silent for a day; returns how many.
pub fn prune_instances(app: &App) -> Result<u64> {
    let mut tx = app.store.write()?;
    let n = tx.instance_prune(app.now() - KEEP_STOPPED)?;
    tx.commit()?;
    Ok(n)
}
