//! Urgent calls to the server room: at most one per person per cooldown
//! (checked from the database, so a restart does not reset it), announced to
//! every on-duty staff member at once; responders answer "coming" or "cannot",
//! and the caller and the other staff hear who answered.

use super::notify::{self, Notice};
use super::{Actor, App, AuditEvent, Error, Result, audit, principal};
use crate::domain::Permission;
use crate::domain::audit::AuditAction;
use crate::domain::permissions::authorize;
use crate::store::ServerCall;
use serde_json::json;

/// What a call came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutcome {
    /// The call went out to this many staff members.
    Called { call_id: i64, notified: usize },
    /// Too soon after the last call: wait this long.
    Wait(std::time::Duration),
}

/// Calls the server room. With a `client_key` (what made the call: a
/// Telegram update), a second call with the same key calls nobody again and
/// comes to what the first did.
pub fn call(app: &App, actor: &Actor, client_key: Option<&str>) -> Result<CallOutcome> {
    let caller = actor.telegram_id().ok_or_else(|| Error::Invalid("calls are made from Telegram".into()))?;
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::CreateRequest, None)?;
    let user = tx.user(caller)?.ok_or_else(|| Error::not_found(crate::domain::Entity::User, caller))?;
    if let Some(key) = client_key
        && let Some(call_id) = tx.call_by_client_key(key)?
    {
        let notified = notify::staff_for(&mut *tx, &app.settings, None)?.into_iter().filter(|id| *id != caller).count();
        return Ok(CallOutcome::Called { call_id, notified });
    }
    let cooldown = chrono::Duration::from_std(app.settings.call_cooldown).unwrap_or(chrono::Duration::minutes(5));
    if let Some(last) = tx.last_call_by(caller)?
        && now < last + cooldown
    {
        let wait = (last + cooldown - now).to_std().unwrap_or_default();
        return Ok(CallOutcome::Wait(wait));
    }
    let call_id = tx.insert_call(caller, user.branch_id, now, client_key)?;
    let staff: Vec<i64> =
        notify::staff_for(&mut *tx, &app.settings, None)?.into_iter().filter(|id| *id != caller).collect();
    for id in &staff {
        notify::enqueue(&mut *tx, *id, &Notice::ServerCall { call_id }, now)?;
    }
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::CallCreate, "server_call", call_id).after(json!({ "notified": staff.len() })),
    )?;
    tx.commit()?;
    Ok(CallOutcome::Called { call_id, notified: staff.len() })
}

/// A staff member answers a call: coming (`true`) or cannot (`false`).
pub fn answer(app: &App, actor: &Actor, call_id: i64, coming: bool) -> Result<ServerCall> {
    let responder = actor.telegram_id().ok_or_else(|| Error::Invalid("calls are answered from Telegram".into()))?;
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::AnswerCall, None)?;
    let call = tx.server_call(call_id)?.ok_or_else(|| Error::not_found(crate::domain::Entity::ServerCall, call_id))?;
    let before = call.answers.iter().find(|a| a.responder_id == responder).map(|a| a.answer.clone());
    let answer = if coming { "coming" } else { "cannot" };
    if before.as_deref() != Some(answer) {
        tx.answer_call(call_id, responder, answer, now)?;
        let name = tx.user(responder)?.map(|u| u.full_name).unwrap_or_else(|| responder.to_string());
        let notice = Notice::CallAnswered { call_id, responder: name, coming };
        let mut recipients = vec![call.caller_id];
        recipients.extend(notify::staff_for(&mut *tx, &app.settings, None)?);
        let mut seen = std::collections::HashSet::new();
        recipients.retain(|id| *id != responder && seen.insert(*id));
        for id in recipients {
            notify::enqueue(&mut *tx, id, &notice, now)?;
        }
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(AuditAction::CallAnswer, "server_call", call_id).before(json!(before)).after(json!(answer)),
        )?;
    }
    let call = tx.server_call(call_id)?.ok_or_else(|| Error::not_found(crate::domain::Entity::ServerCall, call_id))?;
    tx.commit()?;
    Ok(call)
}

/// A call and everyone who answered it so far (to show it); `None` if there is no such call.
pub fn server_call(app: &App, call_id: i64) -> Result<Option<ServerCall>> {
    Ok(app.store.read()?.server_call(call_id)?)
}
