//! `sla-check`: finds requests that breach their SLA, decides which reminders
//! are due, and sends them by Telegram and email, escalating to super admins.
//!
//! Three steps, each safe to run at any moment and from several processes:
//! 1. find breaches (a read): open requests past their accept limit (or, if
//!    set, their resolve limit), with the reminder level due now;
//! 2. decide (one write transaction, only when some level is new): record the
//!    new level on the request and one reminder row per recipient and channel
//!    (unique per request, kind, level, channel and recipient), with an audit
//!    record; a second run finds them recorded and decides nothing;
//! 3. deliver: take unsent reminders under a lease, send one digest per
//!    recipient, mark them sent; a failed send is due again on the next run.
//!
//! Limits and repeats count the working hours of each request's branch
//! calendar ([`Rules`]); a reminder is decided only inside its branch's working
//! hours (high priority at any hour with SLA_HIGH_ALWAYS), so none goes out at
//! night, on a weekend or on a holiday.

use super::email::html_escape;
use super::notify::{Channels, Letter, Outcome, Thread};
use super::{Actor, App, AuditEvent, Result, audit, notify};
use crate::config::SlaSettings;
use crate::domain::audit::AuditAction;
use crate::domain::calendar::{self, Calendar, Calendars};
use crate::domain::sla::{self, SlaKind};
use crate::domain::{Lang, Priority, RequestNumber, Status};
use crate::i18n::{Msg, t};
use crate::store::{NewSlaReminder, Request, RequestOrder, RequestQuery, RequestTimes, SlaReminder};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// Lines in one digest before "… and N more".
const DIGEST_LINES: usize = 30;
/// Attempts after which a reminder is given up on.
const MAX_ATTEMPTS: i64 = 10;

/// A request past its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub request: Request,
    pub kind: SlaKind,
    pub due_at: DateTime<Utc>,
    /// Working time past due.
    pub late: Duration,
    /// Whether `late` counts a calendar's working hours (else round the clock).
    pub working: bool,
    /// The reminder level due now.
    pub level: i64,
    pub escalated: bool,
}

/// What a run found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlaRun {
    pub breaches: Vec<Breach>,
    /// Reminder rows recorded by this run.
    pub decided: u64,
    pub sent: u64,
    pub failed: u64,
    /// Reminders still waiting to be sent (for a channel not configured, or failing).
    pub pending: u64,
    /// Requests closed because their author did not answer within WAITING_CLOSE_AFTER.
    pub closed_unanswered: Vec<i64>,
}

impl SlaRun {
    /// What a run did, in one line for the job log.
    pub fn summary(&self) -> String {
        let mut s = format!("{} breaches, {} reminders sent, {} pending", self.breaches.len(), self.sent, self.pending);
        if !self.closed_unanswered.is_empty() {
            s.push_str(&format!(", {} closed unanswered", self.closed_unanswered.len()));
        }
        s
    }
}

/// Service levels as they stand: the limits of the settings and the
/// calendar each branch keeps. Load once per page or run ([`rules`]).
#[derive(Debug, Clone)]
pub struct Rules {
    pub limits: SlaSettings,
    pub calendars: Calendars,
}

impl Rules {
    /// The calendar a branch counts working time in; `None`: round the clock.
    pub fn calendar(&self, branch: crate::domain::BranchId) -> Option<&Calendar> {
        self.calendars.of(branch)
    }

    /// The calendar `r`'s service level counts in: its branch's, or none
    /// (round the clock) for high priority when SLA_HIGH_ALWAYS is on, so
    /// that an urgent request falls due, and is reminded of, at any hour.
    pub fn clock_of(&self, r: &RequestTimes) -> Option<&Calendar> {
        if self.limits.high_always && r.priority == Priority::High {
            return None;
        }
        self.calendar(r.branch_id)
    }

    /// Whether a reminder about `r` may go out at `now`: inside the working
    /// hours its service level counts (see [`Rules::clock_of`]).
    pub fn may_remind(&self, r: &RequestTimes, now: DateTime<Utc>) -> bool {
        calendar::is_working(self.clock_of(r), now)
    }
}

/// The service levels now: the settings' limits and the calendars in the store.
pub fn rules(app: &App) -> Result<Rules> {
    Ok(Rules { limits: app.settings.sla.clone(), calendars: super::calendars::current(app)? })
}

/// [`rules`] inside a transaction already open.
pub fn rules_in(tx: &mut dyn crate::store::Tx, app: &App) -> Result<Rules> {
    Ok(Rules { limits: app.settings.sla.clone(), calendars: super::calendars::load(tx, &app.settings)? })
}

/// When `kind`'s limit runs out for `r`: the one place a request's
/// deadline is worked out. `None` for a resolve limit that is not set.
pub fn due(s: &Rules, r: &Request, kind: SlaKind) -> Option<DateTime<Utc>> {
    due_of(s, &r.times(), kind)
}

/// [`due`] from a request's times alone.
fn due_of(s: &Rules, r: &RequestTimes, kind: SlaKind) -> Option<DateTime<Utc>> {
    let limit = match kind {
        SlaKind::Accept => s.limits.accept.get(r.priority),
        // The working time it waited (its clock stopped) is added to the resolve limit.
        SlaKind::Resolve => {
            s.limits.resolve.get(r.priority)? + std::time::Duration::from_secs(r.waited_seconds.max(0) as u64)
        }
    };
    // A limit that never runs out (a calendar whose days are all holidays) is no deadline.
    Some(sla::due_at(s.clock_of(r), r.created_at, limit)).filter(|d| *d != DateTime::<Utc>::MAX_UTC)
}

/// The limit an open request is held to now and when it runs out: the
/// accept limit while it is new, the resolve limit (when one is set) once it
/// is accepted; `None` once it is closed.
pub fn deadline(s: &Rules, r: &Request) -> Option<(SlaKind, DateTime<Utc>)> {
    let kind = match r.status {
        Status::New => SlaKind::Accept,
        // Waiting: its clock is stopped, so it falls due at no moment.
        Status::Accepted if r.waiting_since.is_some() => return None,
        Status::Accepted => SlaKind::Resolve,
        _ => return None,
    };
    Some((kind, due(s, r, kind)?))
}

/// Whether a request breached its SLA (as of `now`, if still open): accepted
/// late, or, where a resolve limit is set, closed late.
pub fn breached(s: &Rules, r: &Request, now: DateTime<Utc>) -> bool {
    breached_times(s, &r.times(), now)
}

/// [`breached`] from a request's times alone (what the dashboard reads).
pub fn breached_times(s: &Rules, r: &RequestTimes, now: DateTime<Utc>) -> bool {
    due_of(s, r, SlaKind::Accept).is_some_and(|d| sla::accept_breached(d, r.accepted_at, r.closed_at, now))
        // While it waits, whether it was late when its clock stopped.
        || due_of(s, r, SlaKind::Resolve).is_some_and(|d| sla::resolve_breached(d, r.closed_at.or(r.waiting_since), now))
}

/// The breach of a request at `now`, if any (the resolve limit counts only once it is accepted).
fn breach_of(s: &Rules, r: &Request, now: DateTime<Utc>) -> Option<Breach> {
    let (kind, due) = deadline(s, r)?;
    if now < due {
        return None;
    }
    let clock = s.clock_of(&r.times());
    let late = calendar::between(clock, due, now);
    let level = sla::level_after(late, s.limits.repeat);
    Some(Breach {
        request: r.clone(),
        kind,
        due_at: due,
        late,
        working: clock.is_some(),
        level,
        escalated: sla::escalated(level, s.limits.escalate_after),
    })
}

/// Every open request past its limit now, most overdue first.
pub fn breaches(app: &App) -> Result<Vec<Breach>> {
    breaches_by(app, &rules(app)?)
}

fn breaches_by(app: &App, rules: &Rules) -> Result<Vec<Breach>> {
    let now = app.now();
    let query = RequestQuery { order: RequestOrder::Oldest, ..RequestQuery::open() };
    let mut out = Vec::new();
    app.store.read()?.scan_requests(&query, &mut |r| {
        if let Some(b) = breach_of(rules, &r, now) {
            out.push(b);
        }
        Ok(true)
    })?;
    out.sort_by_key(|b| b.due_at);
    Ok(out)
}

fn recorded_level(r: &Request, kind: SlaKind) -> i64 {
    match kind {
        SlaKind::Accept => r.sla_level,
        SlaKind::Resolve => r.sla_resolve_level,
    }
}

/// Runs the check: finds breaches, and unless `dry_run`, decides and sends reminders.
pub fn check(app: &App, channels: Channels<'_>, dry_run: bool) -> Result<SlaRun> {
    // Requests whose author never answered are closed first (they breach nothing then).
    let closed_unanswered = match app.settings.sla.waiting_close_after.filter(|_| !dry_run) {
        Some(after) => {
            super::requests::close_unanswered(app, chrono::Duration::from_std(after).unwrap_or(chrono::Duration::MAX))?
        }
        None => Vec::new(),
    };
    let rules = rules(app)?;
    let breaches = breaches_by(app, &rules)?;
    if dry_run {
        let pending = app.store.read()?.sla_reminders_pending()?;
        return Ok(SlaRun { breaches, pending, ..Default::default() });
    }
    // Only breaches whose level moved on need the write lock (usually none do),
    // and only those whose branch is at work now (the rest wait for it).
    let now = app.now();
    let due: Vec<&Breach> = breaches
        .iter()
        .filter(|b| b.level > recorded_level(&b.request, b.kind) && rules.may_remind(&b.request.times(), now))
        .collect();
    let decided = if due.is_empty() { 0 } else { decide(app, &rules, channels, &due)? };
    let (sent, failed) = deliver(app, &rules, channels)?;
    let pending = app.store.read()?.sla_reminders_pending()?;
    Ok(SlaRun { breaches, decided, sent, failed, pending, closed_unanswered })
}

/// Records the new levels and their reminders in one transaction.
fn decide(app: &App, rules: &Rules, channels: Channels<'_>, breaches: &[&Breach]) -> Result<u64> {
    let now = app.now();
    let actor = Actor::System("sla");
    let mut tx = app.store.write()?;
    let mut recorded = 0;
    let email_staff = &app.settings.smtp.staff_to;
    let email_escalation = &app.settings.smtp.escalation_to;
    for b in breaches {
        // Re-read under the write lock: another run may have decided this level already.
        let Some(mut r) = tx.lock_request(b.request.id)? else { continue };
        let Some(current) = breach_of(rules, &r, now) else { continue };
        if current.kind != b.kind || current.level <= recorded_level(&r, b.kind) {
            continue;
        }
        let mut rows = Vec::new();
        let mut add = |channel: &str, recipient: String| {
            rows.push(NewSlaReminder {
                request_id: r.id,
                kind: current.kind.as_str().into(),
                level: current.level,
                channel: channel.into(),
                recipient,
            })
        };
        if channels.telegram.is_some() {
            // Super admins hear only once it escalates.
            let mut chats = notify::staff_for(&mut *tx, &app.settings, Some(r.kind))?;
            chats.retain(|c| !app.settings.is_super_admin(*c));
            if current.escalated {
                chats.extend(app.settings.super_admins.iter().copied());
            }
            chats.sort_unstable();
            chats.dedup();
            for chat in chats {
                add("telegram", chat.to_string());
            }
        }
        if channels.email.is_some() {
            for address in email_staff.iter().chain(current.escalated.then_some(email_escalation).into_iter().flatten())
            {
                add("email", address.clone());
            }
        }
        recorded += tx.insert_sla_reminders(&rows, now)?;
        match current.kind {
            SlaKind::Accept => r.sla_level = current.level,
            SlaKind::Resolve => r.sla_resolve_level = current.level,
        }
        r.sla_notified_at = Some(now);
        tx.update_request(&r)?;
        audit(
            &mut *tx,
            now,
            &actor,
            AuditEvent::new(AuditAction::RequestSlaReminder, "request", RequestNumber(r.id)).after(json!({
                "kind": current.kind, "level": current.level, "escalated": current.escalated, "reminders": rows.len(),
            })),
        )?;
    }
    tx.commit()?;
    Ok(recorded)
}

/// Sends leased reminders as one digest per recipient; returns (sent, failed).
fn deliver(app: &App, rules: &Rules, channels: Channels<'_>) -> Result<(u64, u64)> {
    if channels.telegram.is_none() && channels.email.is_none() {
        return Ok((0, 0));
    }
    let now = app.now();
    let leased = {
        let mut tx = app.store.write()?;
        let rows = tx.lease_sla_reminders(now, now + Duration::minutes(5), 10_000)?;
        tx.commit()?;
        rows
    };
    // Reminders for a channel this run cannot use wait for one that can.
    let (usable, unusable): (Vec<SlaReminder>, Vec<SlaReminder>) =
        leased.into_iter().partition(|r| match r.channel.as_str() {
            "telegram" => channels.telegram.is_some(),
            "email" => channels.email.is_some(),
            _ => false,
        });
    if !unusable.is_empty() {
        let mut tx = app.store.write()?;
        for r in &unusable {
            tx.sla_reminder_failed(r.id, now, &format!("no {} channel configured", r.channel), false)?;
        }
        tx.commit()?;
    }
    let mut groups: BTreeMap<(String, String), Vec<SlaReminder>> = BTreeMap::new();
    for r in usable {
        groups.entry((r.channel.clone(), r.recipient.clone())).or_default().push(r);
    }
    let mut requests: HashMap<i64, Request> = HashMap::new();
    {
        let mut tx = app.store.read()?;
        for rows in groups.values() {
            for row in rows {
                if !requests.contains_key(&row.request_id)
                    && let Some(r) = tx.request(row.request_id)?
                {
                    requests.insert(r.id, r);
                }
            }
        }
    }
    let (mut sent, mut failed) = (0, 0);
    for ((channel, recipient), rows) in groups {
        let outcome = match channel.as_str() {
            "telegram" => match (recipient.parse::<i64>(), channels.telegram) {
                (Ok(chat), Some(tg)) => {
                    let lang = super::directory::language_of(app, chat);
                    tg.send(chat, &telegram_digest(app, rules, lang, &rows, &requests))
                }
                _ => Outcome::Permanent(format!("'{recipient}' is not a Telegram chat")),
            },
            _ => match channels.email {
                Some(mail) => mail.send(std::slice::from_ref(&recipient), &email_digest(app, rules, &rows, &requests)),
                None => Outcome::Temporary("no email channel".into()),
            },
        };
        let now = app.now();
        let mut tx = app.store.write()?;
        for row in &rows {
            match &outcome {
                Outcome::Sent => tx.sla_reminder_sent(row.id, now)?,
                Outcome::RetryAfter(_) => tx.sla_reminder_failed(row.id, now, "told to wait (429)", false)?,
                Outcome::Temporary(e) => tx.sla_reminder_failed(row.id, now, e, row.attempts + 1 >= MAX_ATTEMPTS)?,
                Outcome::Blocked => tx.sla_reminder_failed(row.id, now, crate::store::BLOCKED_BY_USER, true)?,
                Outcome::Permanent(e) => tx.sla_reminder_failed(row.id, now, e, true)?,
            }
        }
        if outcome == Outcome::Blocked
            && let Ok(chat) = recipient.parse::<i64>()
        {
            notify::mark_bot_blocked(&mut *tx, chat, now)?;
        }
        tx.commit()?;
        if outcome == Outcome::Sent {
            sent += rows.len() as u64;
        } else {
            tracing::warn!(
                channel,
                recipient,
                ?outcome,
                "an SLA reminder was not delivered; it is retried on the next run"
            );
            failed += rows.len() as u64;
        }
    }
    Ok((sent, failed))
}

/// How long a request is overdue, in words: in hours and minutes when that
/// is working time (a day of working time is no day of 24 hours), else also in days.
pub fn overdue(lang: Lang, late: Duration, working: bool) -> String {
    let (mut days, mut hours, minutes) = sla::overdue_parts(late);
    if working {
        (hours, days) = (hours + 24 * days, 0);
    }
    t(lang, Msg::Duration { days, hours, minutes })
}

/// One line about one reminder (plain text; the caller escapes it for HTML).
fn line(app: &App, rules: &Rules, lang: Lang, row: &SlaReminder, r: &Request) -> (String, String) {
    let kind = if row.kind == "resolve" { SlaKind::Resolve } else { SlaKind::Accept };
    let due = due(rules, r, kind).unwrap_or(r.created_at);
    let clock = rules.clock_of(&r.times());
    let late = overdue(lang, calendar::between(clock, due, app.now()), clock.is_some());
    let state = match kind {
        SlaKind::Accept => t(lang, Msg::SlaNotAccepted { overdue: &late }),
        SlaKind::Resolve => t(lang, Msg::SlaNotResolved { overdue: &late }),
    };
    let escalated = if sla::escalated(row.level, app.settings.sla.escalate_after) {
        format!(" ({})", t(lang, Msg::SlaEscalated))
    } else {
        String::new()
    };
    let head = format!(
        "{} · {} · {} · {}",
        RequestNumber(r.id),
        t(lang, Msg::Kind(r.kind)),
        t(lang, Msg::Priority(r.priority)),
        r.branch_name
    );
    let mut desc: String = r.description.chars().take(60).collect();
    if r.description.chars().count() > 60 {
        desc.push('…');
    }
    (head, format!("{state}{escalated} — {desc}"))
}

fn telegram_digest(
    app: &App,
    rules: &Rules,
    lang: Lang,
    rows: &[SlaReminder],
    requests: &HashMap<i64, Request>,
) -> String {
    let esc = html_escape;
    let mut out = format!("<b>{}</b>", esc(&t(lang, Msg::SlaTitle { n: rows.len() })));
    for row in rows.iter().take(DIGEST_LINES) {
        if let Some(r) = requests.get(&row.request_id) {
            let (head, rest) = line(app, rules, lang, row, r);
            out.push_str(&format!("\n• <b>{}</b> {}", esc(&head), esc(&rest)));
        }
    }
    if rows.len() > DIGEST_LINES {
        out.push_str(&format!("\n{}", esc(&t(lang, Msg::SlaMore { n: rows.len() - DIGEST_LINES }))));
    }
    out
}

fn email_digest(app: &App, rules: &Rules, rows: &[SlaReminder], requests: &HashMap<i64, Request>) -> Letter {
    let lang = app.settings.default_language;
    let title = t(lang, Msg::SlaTitle { n: rows.len() });
    let mut text = format!("{title}\n\n");
    let mut html = format!("<h2>{}</h2>\n<ul>\n", html_escape(&title));
    for row in rows.iter().take(DIGEST_LINES * 10) {
        if let Some(r) = requests.get(&row.request_id) {
            let (head, rest) = line(app, rules, lang, row, r);
            text.push_str(&format!("- {head}: {rest}\n"));
            html.push_str(&format!("<li><b>{}</b>: {}</li>\n", html_escape(&head), html_escape(&rest)));
        }
    }
    html.push_str("</ul>\n");
    // A reminder about one request answers the letter that announced it
    // (and the reminders before); a digest of several stands alone.
    let mut ids: Vec<i64> = rows.iter().map(|r| r.request_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let (subject, thread) = match ids.as_slice() {
        [one] => (
            t(lang, Msg::EmailSlaOneSubject { number: &RequestNumber(*one).to_string() }),
            Thread::Follows(Thread::key_of_request(*one)),
        ),
        _ => (t(lang, Msg::EmailSlaSubject { n: rows.len() }), Thread::Alone),
    };
    Letter { subject, text, html, thread }
}
