//! Broadcasts: an administrator's announcement to every active person.
//!
//! This module decides who may broadcast and to whom, and queues one outbox
//! message per recipient; the notification sender delivers them at Telegram's
//! pace (resuming after a restart), and the author gets a report at the end.

use super::notify::Notice;
use super::{Actor, App, AuditEvent, Error, Result, audit, principal};
use crate::domain::Permission;
use crate::domain::audit::AuditAction;
use crate::domain::permissions::authorize;
use crate::store::{NewBroadcast, Tx, UserFilter};
use serde_json::json;

/// What is announced.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Content {
    Text(String),
    Photo { file_id: String, caption: Option<String> },
    Document { file_id: String, caption: Option<String> },
}

impl Content {
    fn kind(&self) -> &'static str {
        match self {
            Content::Text(_) => "text",
            Content::Photo { .. } => "photo",
            Content::Document { .. } => "document",
        }
    }
    fn text(&self) -> Option<String> {
        match self {
            Content::Text(t) => Some(t.clone()),
            Content::Photo { caption, .. } | Content::Document { caption, .. } => caption.clone(),
        }
    }
    fn file_id(&self) -> Option<String> {
        match self {
            Content::Text(_) => None,
            Content::Photo { file_id, .. } | Content::Document { file_id, .. } => Some(file_id.clone()),
        }
    }
}

/// Starts a broadcast: checks the author may, records it, and queues one
/// message for everyone reachable but the author (who saw the preview), behind
/// every other notification. Returns the broadcast id and how many will get it.
/// Starts a broadcast of `content` to every reachable person but the author;
/// returns its id and how many it goes to. With a `client_key` (what started
/// it: a Telegram update), a second start with the same key starts nothing
/// and returns the first.
pub fn start(app: &App, actor: &Actor, content: &Content, client_key: Option<&str>) -> Result<(i64, usize)> {
    let author = actor.telegram_id().ok_or_else(|| Error::Invalid("broadcasts are sent from Telegram".into()))?;
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::Broadcast, None)?;
    if let Some(key) = client_key
        && let Some(b) = tx.broadcast_by_client_key(key)?
    {
        return Ok((b.id, b.recipients as usize));
    }
    let recipients: Vec<i64> = tx
        .users(&UserFilter { reachable_only: true, ..Default::default() })?
        .into_iter()
        .map(|u| u.telegram_id)
        .filter(|id| *id != author)
        .collect();
    let id = tx.insert_broadcast(&NewBroadcast {
        author_id: author,
        kind: content.kind().into(),
        text: content.text(),
        file_id: content.file_id(),
        created_at: now,
        recipients: recipients.len() as i64,
        client_key: client_key.map(String::from),
    })?;
    let notice = serde_json::to_string(&Notice::Broadcast { broadcast_id: id }).expect("notices serialise");
    for chat in &recipients {
        tx.outbox_push_broadcast(id, *chat, &notice, now)?;
    }
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::BroadcastStart, "broadcast", id)
            .after(json!({ "kind": content.kind(), "recipients": recipients.len() })),
    )?;
    finish_if_done(&mut *tx, id, now)?;
    tx.commit()?;
    Ok((id, recipients.len()))
}

/// Checks the actor may broadcast (before asking them what to send).
pub fn may(app: &App, actor: &Actor) -> Result<()> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::Broadcast, None)?;
    Ok(())
}

/// The content of a broadcast, for delivering it.
pub fn content(app: &App, id: i64) -> Result<Content> {
    let b = app.store.read()?.broadcast(id)?.ok_or_else(|| Error::not_found(crate::domain::Entity::Broadcast, id))?;
    Ok(match (b.kind.as_str(), b.file_id) {
        ("photo", Some(file_id)) => Content::Photo { file_id, caption: b.text },
        ("document", Some(file_id)) => Content::Document { file_id, caption: b.text },
        _ => Content::Text(b.text.unwrap_or_default()),
    })
}

/// Once nothing of a broadcast is left to send: records the figures and tells the author.
pub fn finish_if_done(tx: &mut dyn Tx, id: i64, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let Some(b) = tx.broadcast(id)? else { return Ok(()) };
    if b.finished_at.is_some() {
        return Ok(());
    }
    let (pending, stats) = tx.broadcast_progress(id)?;
    if pending > 0 {
        return Ok(());
    }
    tx.finish_broadcast(id, stats, now)?;
    let report = Notice::BroadcastReport {
        broadcast_id: id,
        recipients: b.recipients,
        delivered: stats.delivered,
        failed: stats.failed,
        blocked: stats.blocked,
    };
    super::notify::enqueue(tx, b.author_id, &report, now)?;
    let actor = Actor::System("broadcast");
    audit(tx, now, &actor, AuditEvent::new(AuditAction::BroadcastFinish, "broadcast", id).after(json!(stats)))?;
    Ok(())
}
