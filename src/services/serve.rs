//! `helpdesk serve` among other processes on one database: the lock that
//! lets one long-polling instance (or several webhook ones) run at a time.
//!
//! Not here: what a serve does (the bot's runtime, the scheduler).

use super::{App, Result};
pub use crate::store::{ServeLock, ServeMode};

/// Takes the serve lock in `mode`, held until the returned guard is dropped;
/// `None` when another serve holds it in a way `mode` cannot share.
pub fn lock(app: &App, mode: ServeMode) -> Result<Option<ServeLock>> {
    Ok(app.store.serve_lock(mode)?)
}
