//! Satisfaction: a request's author rates it once it is done (1 to 5, with
//! an optional comment) in the bot or on its card, and may change the rating
//! for a week (`domain::satisfaction`). A rating of 1 or 2 tells the
//! administrators of the request's branch (all administrators where the
//! branch has none of its own). Reports count them per branch and per staff
//! member (`report`).

use super::notify::{self, Notice};
use super::{Actor, App, AuditEvent, Error, Result, audit, principal};
use crate::domain::audit::AuditAction;
use crate::domain::permissions::authorize;
use crate::domain::satisfaction::{self, LOW};
use crate::domain::{Entity, Permission, Refusal, RequestNumber, Role, Status};
use crate::store::{Rating, UserFilter};
use serde_json::json;

/// Rates request `id` (or changes its rating) as `actor`, who must be its author.
pub fn rate(app: &App, actor: &Actor, id: i64, score: i64, comment: Option<&str>) -> Result<Rating> {
    let now = app.now();
    let score = satisfaction::score(score).map_err(|error| Refusal::Rating { error })?;
    let comment = satisfaction::comment(comment).map_err(|error| Refusal::Rating { error })?;
    let mut tx = app.store.write()?;
    let who = principal(&mut *tx, &app.settings, actor)?;
    let r = tx.lock_request(id)?.ok_or_else(|| Error::not_found(Entity::Request, RequestNumber(id)))?;
    authorize(&who, Permission::RateRequest, Some(&super::requests::facts(&r)))?;
    let done = r.status == Status::Done && r.archived_at.is_none();
    satisfaction::open_for_rating(done, r.closed_at, now).map_err(|error| Refusal::Rating { error })?;
    let rating = Rating { request_id: id, score, comment, rated_at: now };
    let before = tx.put_rating(&rating)?;
    // A low rating tells the branch's administrators, once it turns low.
    if score <= LOW && before.is_none_or(|b| b > LOW) {
        let filter = UserFilter { role: Some(Role::Admin), reachable_only: true, ..Default::default() };
        let admins = tx.users(&filter)?;
        let own: Vec<i64> = admins.iter().filter(|u| u.branch_id == Some(r.branch_id)).map(|u| u.telegram_id).collect();
        let told = if own.is_empty() { admins.iter().map(|u| u.telegram_id).collect() } else { own };
        let notice = Notice::LowRating {
            request_id: id,
            score: i64::from(score),
            comment: rating.comment.clone().unwrap_or_default(),
        };
        for chat in told {
            notify::enqueue(&mut *tx, chat, &notice, now)?;
        }
    }
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::RequestRate, "request", RequestNumber(id))
            .before(json!({ "score": before }))
            .after(json!({ "score": score, "note": rating.comment })),
    )?;
    tx.commit()?;
    Ok(rating)
}
