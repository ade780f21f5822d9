//! Recurring requests: schedules administrators keep (a kind, one branch or
//! every branch, a description, a priority, on whose behalf, optionally who
//! takes it, and when: see `domain::recurrence`), and [`run`], which files
//! each occurrence that has come, once.
//!
//! Once: each occurrence is claimed for its branch in the store (its key is
//! the schedule, the branch and the occurrence) in the same transaction that
//! files the request, so a restart, a second run, or a second `serve` on the
//! same PostgreSQL database finds it claimed and files nothing. Only the
//! latest occurrence is ever filed: after `serve` was down for three months
//! a monthly check is filed once, marked late. An occurrence falls in its
//! branch's calendar: its time is read in the calendar's zone, and one that
//! comes outside working hours is filed when the branch next opens.

use super::AuditEvent;
use super::{Actor, App, Error, Result, audit, lookup, notify, principal};
use crate::domain::audit::AuditAction;
use crate::domain::permissions::authorize;
use crate::domain::recurrence::{self, Recurrence};
use crate::domain::{BranchId, BranchKey, Entity, Kind, Permission, Priority, Refusal, Status};
use crate::services::notify::Notice;
use crate::store::{NewRequest, RecurringRecord, RecurringRun, Tx};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;

/// Filed this long after its time (the branch at work), an occurrence is late.
pub const LATE_AFTER: Duration = Duration::hours(1);

/// Who files recurring requests, in the audit log.
pub const FILER: &str = "recurring";

/// A schedule as an administrator writes it.
#[derive(Debug, Clone)]
pub struct NewSchedule {
    pub kind: Kind,
    /// `None`: every branch.
    pub branch: Option<BranchKey>,
    pub description: String,
    pub priority: Priority,
    /// On whose behalf each request is filed (they are told of its changes).
    pub author: i64,
    /// Who each is filed accepted by; `None`: filed new, for the queue.
    pub assignee: Option<i64>,
    /// `every 2 weeks on mon`, `monthly on 1`, `cron 0 9 1 * *`.
    pub rule: String,
    /// The time of day, `09:00` (a crontab line carries its own).
    pub at: String,
    /// Counting starts on this day; `None`: today.
    pub starts_on: Option<NaiveDate>,
}

/// A schedule, with what people need to see of it.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub record: RecurringRecord,
    /// The branch's name; `None`: every branch.
    pub branch: Option<String>,
    pub author: String,
    pub assignee: Option<String>,
    /// When it falls due next (for its branch, or in TIMEZONE for every branch); none while paused.
    pub next: Option<DateTime<Utc>>,
    /// The latest occurrence filed, for any branch.
    pub last: Option<RecurringRun>,
}

/// An occurrence filed by [`run`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    pub recurring_id: i64,
    pub branch_id: BranchId,
    pub request_id: i64,
    pub due_at: DateTime<Utc>,
    pub late: bool,
}

fn may_manage(tx: &mut dyn Tx, app: &App, actor: &Actor) -> Result<()> {
    let who = principal(tx, &app.settings, actor)?;
    authorize(&who, Permission::ManageDirectory, None)?;
    Ok(())
}

/// The rule of a stored schedule.
fn recurrence_of(r: &RecurringRecord) -> Result<Recurrence> {
    let at = recurrence::time_of_day(&r.at_time).map_err(|error| Refusal::Recurrence { error })?;
    let start = NaiveDate::parse_from_str(&r.starts_on, "%Y-%m-%d")
        .map_err(|_| Error::Invalid(format!("schedule {} starts on '{}', which is not a date", r.id, r.starts_on)))?;
    Ok(Recurrence::parse(&r.rule, at, start).map_err(|error| Refusal::Recurrence { error })?)
}

/// Adds a schedule; returns its id. Refused: an unreadable rule or one that
/// never fires, an unknown branch, author or assignee, an assignee who does
/// not handle the kind, an empty description.
pub fn add(app: &App, actor: &Actor, s: &NewSchedule) -> Result<i64> {
    let now = app.now();
    let mut tx = app.store.write()?;
    may_manage(&mut *tx, app, actor)?;
    let description = super::requests::valid_description(&s.description)?;
    let at = recurrence::time_of_day(if s.at.trim().is_empty() { "09:00" } else { &s.at })
        .map_err(|error| Refusal::Recurrence { error })?;
    let today = now.with_timezone(&app.settings.timezone).date_naive();
    let start =
        recurrence::start_near(s.starts_on.unwrap_or(today), today).map_err(|error| Refusal::Recurrence { error })?;
    let rule = Recurrence::parse(&s.rule, at, start).map_err(|error| Refusal::Recurrence { error })?;
    let branch_id = match &s.branch {
        Some(key) => Some(lookup::branch(&mut *tx, key)?.id),
        None => None,
    };
    let author = tx.user(s.author)?.ok_or_else(|| Error::not_found(Entity::User, s.author))?;
    if author.blocked {
        return Err(Error::Denied(crate::domain::Denied::Blocked));
    }
    if let Some(id) = s.assignee {
        let assignee = tx.user(id)?.ok_or_else(|| Error::not_found(Entity::User, id))?;
        if assignee.blocked || !assignee.role.handles(s.kind) {
            return Err(Refusal::AssigneeCannot { name: assignee.full_name, kind: s.kind }.into());
        }
    }
    let record = RecurringRecord {
        id: 0,
        kind: s.kind,
        branch_id,
        description,
        priority: s.priority,
        author_id: author.telegram_id,
        assignee_id: s.assignee,
        rule: rule.text.clone(),
        at_time: at.format("%H:%M").to_string(),
        starts_on: start.format("%Y-%m-%d").to_string(),
        paused: false,
        active_since: now,
        created_at: now,
    };
    let id = tx.insert_recurring(&record)?;
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::RecurringAdd, "recurring", id).after(json!({
            "kind": s.kind, "branch_id": branch_id, "priority": s.priority, "rule": rule.text,
            "at": record.at_time, "starts_on": record.starts_on, "author_id": s.author, "assignee_id": s.assignee,
        })),
    )?;
    tx.commit()?;
    Ok(id)
}

/// Pauses a schedule, or resumes it: occurrences while it was paused are not
/// filed afterwards. Whether it changed (`false`: it already was so).
pub fn set_paused(app: &App, actor: &Actor, id: i64, paused: bool) -> Result<bool> {
    let now = app.now();
    let mut tx = app.store.write()?;
    may_manage(&mut *tx, app, actor)?;
    let current =
        tx.recurring()?.into_iter().find(|r| r.id == id).ok_or_else(|| Error::not_found(Entity::Recurring, id))?;
    if current.paused == paused {
        return Ok(false);
    }
    let since = if paused { current.active_since } else { now };
    tx.set_recurring_paused(id, paused, since)?;
    let action = if paused { AuditAction::RecurringPause } else { AuditAction::RecurringResume };
    audit(&mut *tx, now, actor, AuditEvent::new(action, "recurring", id))?;
    tx.commit()?;
    Ok(true)
}

/// Every schedule, with its next and last occurrences.
pub fn list(app: &App, actor: &Actor) -> Result<Vec<Schedule>> {
    let now = app.now();
    let mut tx = app.store.read()?;
    may_manage(&mut *tx, app, actor)?;
    let rules = super::sla::rules_in(&mut *tx, app)?;
    let branches: std::collections::HashMap<BranchId, String> =
        tx.branches()?.into_iter().map(|b| (b.id, b.name)).collect();
    let last = tx.recurring_last_runs()?;
    let mut out = Vec::new();
    for record in tx.recurring()? {
        let name = |tx: &mut dyn Tx, id: i64| -> Result<String> {
            Ok(tx.user(id)?.map(|u| u.full_name).unwrap_or_else(|| id.to_string()))
        };
        let author = name(&mut *tx, record.author_id)?;
        let assignee = match record.assignee_id {
            Some(id) => Some(name(&mut *tx, id)?),
            None => None,
        };
        let tz = zone(app, &rules, record.branch_id);
        let next = match recurrence_of(&record) {
            Ok(r) if !record.paused => r.next_after(tz, now.max(record.active_since)),
            _ => None,
        };
        out.push(Schedule {
            branch: record.branch_id.map(|b| branches.get(&b).cloned().unwrap_or_default()),
            last: last.iter().filter(|r| r.recurring_id == record.id).max_by_key(|r| r.due_at).cloned(),
            author,
            assignee,
            next,
            record,
        });
    }
    Ok(out)
}

/// The zone a branch's occurrences are read in: its calendar's, else TIMEZONE.
fn zone(app: &App, rules: &super::sla::Rules, branch: Option<BranchId>) -> chrono_tz::Tz {
    branch.and_then(|b| rules.calendar(b)).map_or(app.settings.timezone, |c| c.tz)
}

/// Files every occurrence that has come and is not filed yet, one
/// transaction each (see the module docs). A schedule whose rule no longer
/// reads is logged and left out; the rest go on.
pub fn run(app: &App) -> Result<Vec<Filed>> {
    let now = app.now();
    let (schedules, branches, rules, last) = {
        let mut tx = app.store.read()?;
        let rules = super::sla::rules_in(&mut *tx, app)?;
        let branches: Vec<BranchId> = tx.branches()?.into_iter().map(|b| b.id).collect();
        let last: std::collections::HashMap<(i64, BranchId), DateTime<Utc>> =
            tx.recurring_last_runs()?.into_iter().map(|r| ((r.recurring_id, r.branch_id), r.due_at)).collect();
        (tx.recurring()?, branches, rules, last)
    };
    let mut filed = Vec::new();
    for s in schedules.iter().filter(|s| !s.paused) {
        let rule = match recurrence_of(s) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(schedule = s.id, error = %e, "a recurring request's rule does not read; skipped");
                continue;
            }
        };
        let targets: Vec<BranchId> = match s.branch_id {
            Some(b) => vec![b],
            None => branches.clone(),
        };
        for branch in targets {
            let calendar = rules.calendar(branch);
            let tz = calendar.map_or(app.settings.timezone, |c| c.tz);
            let Some(due) = rule.latest(tz, now) else { continue };
            if due < s.active_since {
                continue;
            }
            // Filed in this period already, at another instant (the branch's zone changed since).
            let previous = rule.latest(tz, due - Duration::seconds(1));
            if last.get(&(s.id, branch)).is_some_and(|l| *l > due || previous.is_none_or(|p| *l > p)) {
                continue;
            }
            // Outside working hours, it waits for the branch to open.
            let opens = match calendar {
                Some(c) if !c.is_working(due) => c.add(due, Duration::minutes(1)) - Duration::minutes(1),
                _ => due,
            };
            if opens > now {
                continue;
            }
            let late = now - opens > LATE_AFTER;
            match file_once(app, s.id, branch, due, late, now) {
                Ok(Some(request_id)) => {
                    filed.push(Filed { recurring_id: s.id, branch_id: branch, request_id, due_at: due, late })
                }
                Ok(None) => {}
                // One schedule's trouble does not hold back the rest.
                Err(e) => {
                    tracing::error!(schedule = s.id, branch = branch.0, error = %e, "a recurring request was not filed")
                }
            }
        }
    }
    Ok(filed)
}

/// Files one occurrence for one branch unless it is claimed already.
fn file_once(
    app: &App,
    schedule: i64,
    branch: BranchId,
    due: DateTime<Utc>,
    late: bool,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let mut tx = app.store.write()?;
    // As it is now: paused (or resumed after this occurrence) since the run began, nothing is filed.
    let Some(s) = tx.recurring()?.into_iter().find(|r| r.id == schedule) else { return Ok(None) };
    if s.paused || due < s.active_since {
        return Ok(None);
    }
    let claim =
        RecurringRun { recurring_id: s.id, branch_id: branch, due_at: due, request_id: None, filed_at: now, late };
    if !tx.claim_recurring_run(&claim)? {
        return Ok(None);
    }
    let Some(author) = tx.user(s.author_id)? else {
        tracing::warn!(schedule = s.id, author = s.author_id, "a recurring request's author is gone; skipped");
        return Ok(None);
    };
    // The assignee takes it only while they still may.
    let assignee = match s.assignee_id {
        Some(id) => tx.user(id)?.filter(|u| !u.blocked && u.role.handles(s.kind)).map(|u| u.telegram_id),
        None => None,
    };
    let id = tx.insert_request(&NewRequest {
        kind: s.kind,
        author_id: author.telegram_id,
        branch_id: branch,
        contact_name: author.full_name.clone(),
        contact_phone: author.phone.clone().unwrap_or_default(),
        description: s.description.clone(),
        priority: s.priority,
        status: if assignee.is_some() { Status::Accepted } else { Status::New },
        assignee_id: assignee,
        rejection_reason: None,
        created_at: now,
        accepted_at: assignee.map(|_| now),
        closed_at: None,
        archived_at: None,
        client_key: None,
        items: Vec::new(),
    })?;
    tx.set_recurring_run_request(s.id, branch, due, id)?;
    // Its assignee hears of it; with none, whoever handles the kind, as for any new request.
    let told = match assignee {
        Some(a) => vec![a],
        None => {
            let mut staff = notify::staff_for(&mut *tx, &app.settings, Some(s.kind))?;
            staff.extend(app.settings.staff_chat_id);
            staff
        }
    };
    for chat in told {
        notify::enqueue(&mut *tx, chat, &Notice::NewRequest { request_id: id }, now)?;
    }
    audit(
        &mut *tx,
        now,
        &Actor::System(FILER),
        AuditEvent::new(AuditAction::RequestCreate, "request", crate::domain::RequestNumber(id)).after(json!({
            "kind": s.kind, "priority": s.priority, "branch_id": branch, "status": if assignee.is_some() { "accepted" } else { "new" },
            "recurring": s.id, "due": due, "late": late,
        })),
    )?;
    tx.commit()?;
    Ok(Some(id))
}
