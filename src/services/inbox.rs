//! What the bot runtime keeps in the database to survive restarts: the inbox
//! of received updates (written before their offset is confirmed, marked done
//! once handled), each chat's dialogue step, and the replies to each update,
//! recorded with the step in one transaction.

use super::notify::{self, Notice};
use super::serve::Instance;
use super::{App, Result};
use crate::store::{DialogueRow, InboxUpdate, OutboxMessage, StaleClaim};

/// Stores a batch of updates the instance `by` received; returns how many were new.
pub fn receive(app: &App, updates: &[InboxUpdate], by: &Instance) -> Result<u64> {
    if updates.is_empty() {
        return Ok(0);
    }
    let now = app.now();
    let mut tx = app.store.write()?;
    let n = tx.inbox_insert(updates, now, by.id())?;
    tx.commit()?;
    Ok(n)
}

/// Updates received but not handled, oldest first (replayed on start).
pub fn pending(app: &App, limit: u64) -> Result<Vec<InboxUpdate>> {
    Ok(app.store.read()?.inbox_pending(limit)?)
}

/// Claims for the instance `by`, for `lease`, the updates not done that
/// nobody alive handles: those a webhook process received or claimed and
/// then died with (its heartbeat stopped), and those received more than
/// `grace` ago (their process is stuck).
pub fn claim_stale(
    app: &App,
    by: &Instance,
    grace: std::time::Duration,
    lease: std::time::Duration,
    limit: u64,
) -> Result<Vec<InboxUpdate>> {
    let now = app.now();
    let grace = chrono::Duration::from_std(grace).unwrap_or_default();
    let lease = chrono::Duration::from_std(lease).unwrap_or_default();
    let claim = StaleClaim {
        by: by.id(),
        now,
        until: now + lease,
        received_before: now - grace,
        alive_since: super::serve::alive_since(now),
    };
    let mut tx = app.store.write()?;
    let claimed = tx.inbox_claim_stale(&claim, limit)?;
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

/// What handling one update came to.
#[derive(Debug, Clone, Default)]
pub struct Handled {
    pub update_id: i64,
    /// The dialogue rows it set (see `bot::storage::changes`).
    pub dialogues: Vec<(i64, DialogueRow)>,
    /// Its replies, in order: the chat and what to send.
    pub replies: Vec<(i64, Notice)>,
}

/// How long the replies of an update stay with the process that handled it,
/// which sends them at once; past this, or as soon as that process is gone,
/// the outbox delivers the ones it did not get to send.
pub const HOLD: std::time::Duration = std::time::Duration::from_secs(30);

/// Records, in one transaction, that an update was handled: the dialogue
/// steps it led to, its replies (in the outbox, held for the caller to
/// send), and the update done. A crash before this commits leaves the update
/// to be handled again; after it, the replies are delivered from the outbox.
/// Returns the replies' outbox messages, in order.
pub fn record_handled(app: &App, handled: &Handled, by: &Instance) -> Result<Vec<OutboxMessage>> {
    let now = app.now();
    let until = now + chrono::Duration::from_std(HOLD).unwrap_or_default();
    let mut tx = app.store.write()?;
    for (chat, row) in &handled.dialogues {
        tx.set_dialogue(*chat, row, now)?;
    }
    let mut held = Vec::with_capacity(handled.replies.len());
    for (chat, notice) in &handled.replies {
        held.push(notify::hold(&mut *tx, *chat, notice, now, until, by)?);
    }
    tx.inbox_done(&[handled.update_id], now)?;
    tx.commit()?;
    Ok(held)
}
