//! What the bot runtime keeps in the database to survive restarts: the inbox
//! of received updates (written before their offset is confirmed, marked done
//! once handled) and each chat's dialogue step.

use super::{App, Result};
use crate::store::{DialogueRow, InboxUpdate};

/// Stores a batch of received updates; returns how many were new.
pub fn receive(app: &App, updates: &[InboxUpdate]) -> Result<u64> {
    if updates.is_empty() {
        return Ok(0);
    }
    let now = app.now();
    let mut tx = app.store.write()?;
    let n = tx.inbox_insert(updates, now)?;
    tx.commit()?;
    Ok(n)
}

/// Updates received but not handled, oldest first (replayed on start).
pub fn pending(app: &App, limit: u64) -> Result<Vec<InboxUpdate>> {
    Ok(app.store.read()?.inbox_pending(limit)?)
}

/// Claims, for `lease`, updates received more than `grace` ago and not done
/// whose earlier claim ran out: those of a webhook process that stopped.
pub fn claim_stale(
    app: &App,
    grace: std::time::Duration,
    lease: std::time::Duration,
    limit: u64,
) -> Result<Vec<InboxUpdate>> {
    let now = app.now();
    let grace = chrono::Duration::from_std(grace).unwrap_or_default();
    let lease = chrono::Duration::from_std(lease).unwrap_or_default();
    let mut tx = app.store.write()?;
    let claimed = tx.inbox_claim_stale(now - grace, now, now + lease, limit)?;
    tx.commit()?;
    Ok(claimed)
}

pub fn done(app: &App, update_ids: &[i64]) -> Result<()> {
    if update_ids.is_empty() {
        return Ok(());
    }
    let now = app.now();
    let mut tx = app.store.write()?;
    tx.inbox_done(update_ids, now)?;
    tx.commit()?;
    Ok(())
}

/// The offset to ask Telegram for: one past the last update stored.
pub fn next_offset(app: &App) -> Result<i64> {
    Ok(app.store.read()?.inbox_last_id()?.map_or(0, |id| id + 1))
}

/// Forgets handled updates older than `keep`.
pub fn prune(app: &App, keep: chrono::Duration) -> Result<u64> {
    let before = app.now() - keep;
    let mut tx = app.store.write()?;
    let n = tx.inbox_prune(before)?;
    tx.commit()?;
    Ok(n)
}

pub fn dialogue(app: &App, chat_id: i64) -> Result<Option<DialogueRow>> {
    Ok(app.store.read()?.dialogue(chat_id)?)
}

pub fn set_dialogue(app: &App, chat_id: i64, row: &DialogueRow) -> Result<()> {
    let now = app.now();
    let mut tx = app.store.write()?;
    tx.set_dialogue(chat_id, row, now)?;
    tx.commit()?;
    Ok(())
}
