//! Requests: filing, the lifecycle moves (accept, complete, reject, cancel,
//! archive), listing and the full card of one request.
//!
//! Each move is one transaction: lock the row, check who may do it (from the
//! store, now), check the lifecycle allows it, write, append the audit record.

use super::notify::{self, Notice};
use super::{Actor, App, AuditEvent, Error, Result, audit, lookup, principal};
use crate::domain::actions::{self, Action, Unavailable};
use crate::domain::audit::AuditAction;
use crate::domain::lifecycle::{self, State, Transition};
use crate::domain::permissions::{self, authorize};
use crate::domain::{
    BranchId, CartridgeTypeId, Entity, Kind, Permission, Phone, Principal, PrinterId, Priority, Refusal, RequestFacts,
    RequestNumber, Status, TextField,
};
use crate::store::{
    Attachment, AttachmentKind, LogEntry, NewAttachment, NewItem, NewRequest, Request, RequestItem, RequestQuery, Tx,
};
use chrono::{DateTime, Utc};
use serde_json::json;

/// The longest description kept.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// The most cartridges of one type in one order.
pub const MAX_QUANTITY: i64 = 50;
/// The most cartridge lines in one order.
pub const MAX_ITEMS: usize = 20;

/// A request as filed by a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub kind: Kind,
    /// The branch; `None` for the author's own.
    pub branch_id: Option<BranchId>,
    pub contact_name: String,
    pub contact_phone: String,
    pub description: String,
    pub priority: Priority,
    pub items: Vec<TicketItem>,
    pub attachments: Vec<TicketAttachment>,
    /// A key unique to this filing, so a retried update files nothing twice.
    pub client_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketItem {
    pub cartridge_type_id: CartridgeTypeId,
    pub quantity: i64,
    pub comment: Option<String>,
    /// The printer it is for: one of the request's branch's, in service.
    pub printer_id: Option<PrinterId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketAttachment {
    pub kind: AttachmentKind,
    pub file_id: String,
    pub file_unique_id: Option<String>,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
}

pub(crate) fn facts(r: &Request) -> RequestFacts {
    RequestFacts { kind: r.kind, author_id: r.author_id, assignee_id: r.assignee_id }
}

/// The lifecycle state of a stored request.
pub(crate) fn state(r: &Request) -> State {
    State::of(r.status, r.waiting, r.archived_at.is_some())
}

/// Checks that `who` may take `action` on `r` now (see [`actions::check`]),
/// saying why not as the error a person is told.
pub(crate) fn may(who: &Principal, action: Action, r: &Request) -> Result<()> {
    let from = state(r);
    actions::check(who, action, &facts(r), from).map_err(|why| match why {
        Unavailable::Denied(d) => Error::Denied(d),
        Unavailable::NotAPerson if action == Action::IssueCartridges => {
            Error::Invalid("cartridges are issued from Telegram".into())
        }
        Unavailable::NotAPerson => Error::Invalid("requests are accepted by staff in Telegram".into()),
        Unavailable::Lifecycle(e) => match (action, from, &r.assignee_name) {
            (Action::Accept, State::Accepted, Some(name)) => {
                Refusal::AlreadyAccepted { number: RequestNumber(r.id), by: name.clone() }.into()
            }
            _ => Error::Lifecycle(e),
        },
        Unavailable::NotIssuable(state) => Refusal::NotIssuable { number: RequestNumber(r.id), state }.into(),
    })
}

/// Checks a description: not empty, bounded.
pub fn valid_description(text: &str) -> Result<String> {
    let d = text.trim();
    if d.is_empty() {
        return Err(Refusal::EmptyDescription.into());
    }
    let len = d.chars().count();
    if len > MAX_DESCRIPTION_CHARS {
        return Err(Refusal::DescriptionTooLong { len, max: MAX_DESCRIPTION_CHARS }.into());
    }
    Ok(d.to_string())
}

/// Checks a cartridge quantity.
pub fn valid_quantity(q: i64) -> Result<i64> {
    if (1..=MAX_QUANTITY).contains(&q) { Ok(q) } else { Err(Refusal::BadQuantity { max: MAX_QUANTITY }.into()) }
}

/// A new request's words, as they will be stored.
pub struct Checked {
    pub contact_name: String,
    pub contact_phone: String,
    /// Empty for a cartridge order filed without words.
    pub description: String,
}

/// What a new request must be before anything is stored or sent: a contact
/// name and phone, words (a cartridge order may do without: its lines say it
/// all), lines only on orders and within bounds.
pub fn check_new(t: &NewTicket) -> Result<Checked> {
    let contact_name = super::directory::valid_name(TextField::ContactName, &t.contact_name, 200)?;
    let contact_phone = Phone::parse(&t.contact_phone)?.to_string();
    let said = !(t.kind == Kind::Cartridge && t.description.trim().is_empty());
    let description = if said { valid_description(&t.description)? } else { String::new() };
    match (t.kind, t.items.len()) {
        (Kind::Cartridge, 0) => return Err(Refusal::EmptyOrder.into()),
        (Kind::Cartridge, n) if n > MAX_ITEMS => return Err(Refusal::TooManyLines { max: MAX_ITEMS }.into()),
        (Kind::Cartridge, _) => {}
        (_, 0) => {}
        (kind, _) => return Err(Refusal::LinesOnlyOnOrders { kind }.into()),
    }
    for item in &t.items {
        valid_quantity(item.quantity)?;
    }
    Ok(Checked { contact_name, contact_phone, description })
}

/// Files a new request. With a `client_key` seen before, returns the request
/// filed then and files nothing.
pub fn create(app: &App, actor: &Actor, t: &NewTicket) -> Result<Request> {
    let author_id =
        actor.telegram_id().ok_or_else(|| Error::Invalid("requests are filed by people in Telegram".into()))?;
    let Checked { contact_name, contact_phone, mut description } = check_new(t)?;
    let said = !description.is_empty();
    let now = app.now();
    let mut tx = app.store.write()?;
    if let Some(key) = &t.client_key
        && let Some(existing) = tx.request_by_client_key(key)?
    {
        return Ok(existing);
    }
    let who = principal(&mut *tx, &app.settings, actor)?;
    authorize(&who, Permission::CreateRequest, None)?;
    let author = tx.user(author_id)?.ok_or_else(|| Error::not_found(Entity::User, author_id))?;
    let branch_id = match t.branch_id.or(author.branch_id) {
        Some(id) => lookup::branch_by_id(&mut *tx, id)?.id,
        None => return Err(Refusal::NoBranch.into()),
    };
    let mut items: Vec<NewItem> = Vec::new();
    let mut names: Vec<(crate::domain::CartridgeTypeId, String)> = Vec::new();
    for item in &t.items {
        let ct = lookup::cartridge_type_by_id(&mut *tx, item.cartridge_type_id)?;
        names.push((ct.id, ct.name));
        if let Some(id) = item.printer_id {
            super::printers::orderable(&mut *tx, id, branch_id)?;
        }
        // One line per type and printer: the same twice adds up.
        let same = |i: &&mut NewItem| i.cartridge_type_id == item.cartridge_type_id && i.printer_id == item.printer_id;
        match items.iter_mut().find(same) {
            Some(same) => same.quantity = valid_quantity(same.quantity + item.quantity)?,
            None => items.push(NewItem {
                cartridge_type_id: item.cartridge_type_id,
                quantity: item.quantity,
                issued_quantity: 0,
                comment: item.comment.clone(),
                printer_id: item.printer_id,
            }),
        }
    }
    if !said {
        let name = |id| names.iter().find(|(n, _)| *n == id).map(|(_, s)| s.as_str()).unwrap_or("");
        description = items
            .iter()
            .map(|i| format!("{} × {}", name(i.cartridge_type_id), i.quantity))
            .collect::<Vec<_>>()
            .join("; ");
    }
    let id = tx.insert_request(&NewRequest {
        kind: t.kind,
        author_id,
        branch_id,
        contact_name,
        contact_phone,
        description,
        priority: t.priority,
        status: Status::New,
        assignee_id: None,
        rejection_reason: None,
        created_at: now,
        accepted_at: None,
        closed_at: None,
        archived_at: None,
        client_key: t.client_key.clone(),
        items,
    })?;
    for a in &t.attachments {
        tx.insert_attachment(&NewAttachment {
            request_id: id,
            kind: a.kind,
            file_id: a.file_id.clone(),
            file_unique_id: a.file_unique_id.clone(),
            file_name: a.file_name.clone(),
            mime_type: a.mime_type.clone(),
            created_at: now,
        })?;
    }
    let request = tx.request(id)?.ok_or_else(|| Error::not_found(Entity::Request, RequestNumber(id)))?;
    super::directory::remember_phone(&mut *tx, author_id, &request.contact_phone)?;
    // Staff who handle this kind hear about it (and the staff group chat, if set).
    let mut staff = notify::staff_for(&mut *tx, &app.settings, Some(t.kind))?;
    staff.retain(|s| *s != author_id);
    staff.extend(app.settings.staff_chat_id);
    for chat in staff {
        notify::enqueue(&mut *tx, chat, &Notice::NewRequest { request_id: id }, now)?;
    }
    if app.settings.smtp.enabled && app.settings.smtp.new_requests {
        for address in &app.settings.smtp.staff_to {
            notify::enqueue_email(&mut *tx, address, &Notice::NewRequest { request_id: id }, now)?;
        }
    }
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::RequestCreate, "request", RequestNumber(id)).after(json!({
            "kind": request.kind, "priority": request.priority, "branch_id": request.branch_id,
            "status": request.status, "attachments": t.attachments.len(), "items": t.items.len(),
        })),
    )?;
    tx.commit()?;
    Ok(request)
}

fn snapshot(r: &Request) -> serde_json::Value {
    json!({
        "status": r.status,
        "assignee_id": r.assignee_id,
        "rejection_reason": r.rejection_reason,
        "archived": r.archived_at.is_some(),
        "waiting": r.waiting,
    })
}

/// Applies a lifecycle move in one transaction; see the module docs.
fn transition(app: &App, actor: &Actor, id: i64, t: Transition, reason: Option<&str>) -> Result<Request> {
    let now = app.now();
    let mut tx = app.store.write()?;
    let r = transition_in(app, &mut *tx, actor, id, t, reason, now)?;
    tx.commit()?;
    Ok(r)
}

/// Leaving a wait (resumed, answered, or closed while waiting) starts the
/// clock again: the working time it waited pushes its resolve deadline on.
fn end_wait(tx: &mut dyn Tx, app: &App, r: &mut Request, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    if let Some(since) = r.waiting_since.take() {
        let rules = super::sla::rules_in(tx, app)?;
        r.waited_seconds += crate::domain::calendar::between(rules.calendar(r.branch_id), since, now).num_seconds();
        r.waiting = None;
    }
    Ok(())
}

/// A lifecycle move inside the caller's transaction (see [`transition`]),
/// telling whom it concerns; the caller commits. Bulk work (archiving) moves
/// many requests per transaction.
pub(crate) fn transition_in(
    app: &App,
    tx: &mut dyn Tx,
    actor: &Actor,
    id: i64,
    t: Transition,
    reason: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Request> {
    let (r, note) = moved_in(app, tx, actor, id, t, reason, now)?;
    if let (Some(to), Some(notice)) = told(t, &r, note)
        && Some(to) != actor.telegram_id()
    {
        notify::enqueue(tx, to, &notice, now)?;
    }
    Ok(r)
}

/// Who is told of a move, and what.
fn told(t: Transition, r: &Request, note: Option<String>) -> (Option<i64>, Option<Notice>) {
    let id = r.id;
    match t {
        Transition::Accept => (
            Some(r.author_id),
            Some(Notice::Accepted { request_id: id, by: r.assignee_name.clone().unwrap_or_default() }),
        ),
        Transition::Complete => (Some(r.author_id), Some(Notice::Done { request_id: id })),
        Transition::Reject => (
            Some(r.author_id),
            Some(Notice::Rejected { request_id: id, reason: r.rejection_reason.clone().unwrap_or_default() }),
        ),
        Transition::Cancel => (r.assignee_id, Some(Notice::Cancelled { request_id: id })),
        Transition::WaitAuthor | Transition::WaitParts => (
            Some(r.author_id),
            r.waiting.map(|waiting| Notice::Waiting { request_id: id, waiting, note: note.unwrap_or_default() }),
        ),
        Transition::Resume => (Some(r.author_id), Some(Notice::Resumed { request_id: id })),
        Transition::Answer => {
            (r.assignee_id, Some(Notice::Answered { request_id: id, answer: note.unwrap_or_default() }))
        }
        Transition::Archive => (None, None),
    }
}

/// The move itself, checked, applied and recorded in the caller's
/// transaction, with the note it carries (a question, an answer); no one is told.
fn moved_in(
    app: &App,
    tx: &mut dyn Tx,
    actor: &Actor,
    id: i64,
    t: Transition,
    reason: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Request, Option<String>)> {
    let reason = match t {
        Transition::Reject => Some(lifecycle::rejection_reason(reason.unwrap_or(""))?),
        Transition::WaitAuthor | Transition::WaitParts => Some(lifecycle::waiting_note(reason.unwrap_or(""))?),
        Transition::Answer => Some(lifecycle::answer_text(reason.unwrap_or(""))?),
        // A note kept with the move in its history (a request closed for want of an answer).
        _ => reason.map(str::trim).filter(|n| !n.is_empty()).map(String::from),
    };
    let who = principal(tx, &app.settings, actor)?;
    let mut r = tx.lock_request(id)?.ok_or_else(|| Error::not_found(Entity::Request, RequestNumber(id)))?;
    may(&who, Action::from(t), &r)?;
    let before = snapshot(&r);
    if !matches!(t, Transition::WaitAuthor | Transition::WaitParts) {
        end_wait(tx, app, &mut r, now)?;
    }
    let note = reason.clone().filter(|_| t != Transition::Reject);
    match t {
        Transition::Accept => {
            let Principal::User { id: staff, .. } = who else {
                return Err(Error::Invalid("requests are accepted by staff in Telegram".into()));
            };
            r.status = Status::Accepted;
            r.assignee_id = Some(staff);
            r.accepted_at = Some(now);
        }
        Transition::WaitAuthor | Transition::WaitParts => {
            r.waiting = Some(if t == Transition::WaitAuthor {
                crate::domain::Waiting::Author
            } else {
                crate::domain::Waiting::Parts
            });
            r.waiting_since = Some(now);
        }
        Transition::Resume | Transition::Answer => {}
        Transition::Complete => {
            r.status = Status::Done;
            r.closed_at = Some(now);
        }
        Transition::Reject => {
            r.status = Status::Rejected;
            r.rejection_reason = reason;
            r.closed_at = Some(now);
        }
        Transition::Cancel => {
            r.status = Status::Cancelled;
            r.closed_at = Some(now);
        }
        Transition::Archive => r.archived_at = Some(now),
    }
    tx.update_request(&r)?;
    let r = tx.request(id)?.ok_or_else(|| Error::not_found(Entity::Request, RequestNumber(id)))?;
    audit(
        tx,
        now,
        actor,
        AuditEvent::new(AuditAction::of(t), "request", RequestNumber(id)).before(before).after({
            let mut after = snapshot(&r);
            if let Some(n) = &note {
                after["note"] = json!(n);
            }
            after
        }),
    )?;
    Ok((r, note))
}

/// Who closes requests whose author did not answer (see [`close_unanswered`]).
pub const UNANSWERED: &str = "waiting";

/// Closes (as cancelled) every request that has waited for its author's
/// answer for `after` or longer, one transaction each, and tells each author
/// why. Returns the numbers closed. A request answered meanwhile is left alone.
pub fn close_unanswered(app: &App, after: chrono::Duration) -> Result<Vec<i64>> {
    let now = app.now();
    let overdue = |r: &Request| {
        r.waiting == Some(crate::domain::Waiting::Author)
            && r.waiting_since.and_then(|s| s.checked_add_signed(after)).is_some_and(|end| end <= now)
    };
    let query = RequestQuery {
        statuses: vec![Status::Accepted],
        waiting: vec![crate::domain::Waiting::Author],
        ..Default::default()
    };
    let due: Vec<i64> = list(app, &query)?.into_iter().filter(|r| overdue(r)).map(|r| r.id).collect();
    let actor = Actor::System(UNANSWERED);
    let mut closed = Vec::new();
    for id in due {
        let mut tx = app.store.write()?;
        if !tx.lock_request(id)?.is_some_and(|r| overdue(&r)) {
            continue;
        }
        let (r, _) = moved_in(app, &mut *tx, &actor, id, Transition::Cancel, None, now)?;
        let after_minutes = after.num_minutes();
        notify::enqueue(&mut *tx, r.author_id, &Notice::Unanswered { request_id: id, after_minutes }, now)?;
        if let Some(assignee) = r.assignee_id.filter(|a| *a != r.author_id) {
            notify::enqueue(&mut *tx, assignee, &Notice::UnansweredAssignee { request_id: id, after_minutes }, now)?;
        }
        tx.commit()?;
        closed.push(id);
    }
    Ok(closed)
}

pub fn accept(app: &App, actor: &Actor, id: i64) -> Result<Request> {
    transition(app, actor, id, Transition::Accept, None)
}

pub fn complete(app: &App, actor: &Actor, id: i64) -> Result<Request> {
    transition(app, actor, id, Transition::Complete, None)
}

pub fn reject(app: &App, actor: &Actor, id: i64, reason: &str) -> Result<Request> {
    transition(app, actor, id, Transition::Reject, Some(reason))
}

pub fn cancel(app: &App, actor: &Actor, id: i64) -> Result<Request> {
    transition(app, actor, id, Transition::Cancel, None)
}

/// Stops an accepted request's clock: it waits for its author's answer to
/// `note` (a question they are sent), or for parts or a contractor (`note` says which).
pub fn wait(app: &App, actor: &Actor, id: i64, waiting: crate::domain::Waiting, note: &str) -> Result<Request> {
    let t = match waiting {
        crate::domain::Waiting::Author => Transition::WaitAuthor,
        crate::domain::Waiting::Parts => Transition::WaitParts,
    };
    transition(app, actor, id, t, Some(note))
}

/// Starts a waiting request's clock again.
pub fn resume(app: &App, actor: &Actor, id: i64) -> Result<Request> {
    transition(app, actor, id, Transition::Resume, None)
}

/// The author's answer to the question their request waits on: kept in its
/// history, passed on to its assignee, and its clock runs again.
pub fn answer(app: &App, actor: &Actor, id: i64, text: &str) -> Result<Request> {
    transition(app, actor, id, Transition::Answer, Some(text))
}

pub fn archive(app: &App, actor: &Actor, id: i64) -> Result<Request> {
    transition(app, actor, id, Transition::Archive, None)
}

/// Matching requests, in the query's order.
pub fn list(app: &App, query: &RequestQuery) -> Result<Vec<Request>> {
    let mut tx = app.store.read()?;
    Ok(crate::store::list_requests(&mut *tx, query)?)
}

/// Calls `each` for every matching request, streaming (for large exports).
pub fn scan(app: &App, query: &RequestQuery, each: &mut dyn FnMut(Request) -> Result<bool>) -> Result<()> {
    let mut tx = app.store.read()?;
    let mut failure = None;
    tx.scan_requests(query, &mut |r| match each(r) {
        Ok(go_on) => Ok(go_on),
        Err(e) => {
            failure = Some(e);
            Ok(false)
        }
    })?;
    failure.map_or(Ok(()), Err)
}

pub fn count(app: &App, query: &RequestQuery) -> Result<u64> {
    Ok(app.store.read()?.count_requests(query)?)
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Zero-based page number.
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

fn page_of(tx: &mut dyn Tx, mut query: RequestQuery, page: u64, per_page: u64) -> Result<Page<Request>> {
    let total = tx.count_requests(&query)?;
    let last = total.div_ceil(per_page.max(1)).max(1) - 1;
    let page = page.min(last);
    query.limit = Some(per_page);
    query.offset = page * per_page;
    let items = crate::store::list_requests(tx, &query)?;
    Ok(Page { items, page, per_page, total })
}

/// One page of a staff member's queue, and what it can be narrowed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub page: Page<Request>,
    /// Whether each request of the page is past its limit, by its branch's working hours.
    pub overdue: Vec<bool>,
    /// Every kind of request their queue holds (one filter each, where there are several).
    pub kinds: Vec<Kind>,
}

/// The work queue for a staff member: new and accepted requests of the kinds
/// their role handles (optionally one kind), highest priority first, then oldest.
pub fn queue(app: &App, actor: &Actor, kind: Option<Kind>, page: u64, per_page: u64) -> Result<Queue> {
    let mut tx = app.store.read()?;
    let who = principal(&mut *tx, &app.settings, actor)?;
    authorize(&who, Permission::ViewQueue, None)?;
    let all = permissions::queue_kinds(&who);
    let kinds: Vec<Kind> = all.iter().copied().filter(|k| kind.is_none_or(|want| want == *k)).collect();
    let page = if kinds.is_empty() {
        Page { items: vec![], page: 0, per_page, total: 0 }
    } else {
        let query = RequestQuery {
            statuses: vec![Status::New, Status::Accepted],
            kinds,
            order: crate::store::RequestOrder::Queue,
            ..Default::default()
        };
        page_of(&mut *tx, query, page, per_page)?
    };
    let (sla, now) = (super::sla::rules_in(&mut *tx, app)?, app.now());
    let overdue = page.items.iter().map(|r| super::sla::breached(&sla, r, now)).collect();
    Ok(Queue { page, overdue, kinds: all })
}

/// A person's own requests, newest first.
pub fn mine(app: &App, actor: &Actor, page: u64, per_page: u64) -> Result<Page<Request>> {
    let author = actor.telegram_id().ok_or_else(|| Error::Invalid("own requests are listed in Telegram".into()))?;
    let mut tx = app.store.read()?;
    let query = RequestQuery { author_id: Some(author), ..Default::default() };
    page_of(&mut *tx, query, page, per_page)
}

/// Everything about one request: its fields, cartridge lines, attachments and
/// history, and what the person who asked may do to it now.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub request: Request,
    pub items: Vec<RequestItem>,
    pub attachments: Vec<Attachment>,
    pub history: Vec<LogEntry>,
    /// The actions to offer: each exactly those the service doing it would
    /// allow at this moment (see [`actions::offered`]); it checks again when it happens.
    pub actions: Vec<Action>,
    /// When the limit it is held to now runs out, by its branch's working hours (none once closed).
    pub deadline: Option<chrono::DateTime<chrono::Utc>>,
    /// Open and past a limit.
    pub overdue: bool,
    /// Its author's rating, once done.
    pub rating: Option<crate::store::Rating>,
    /// Whether the person looking may rate it (or change their rating) now.
    pub may_rate: bool,
}

pub fn card(app: &App, actor: &Actor, id: i64) -> Result<Card> {
    let mut tx = app.store.read()?;
    card_in(&mut *tx, app, actor, id)
}

fn card_in(tx: &mut dyn Tx, app: &App, actor: &Actor, id: i64) -> Result<Card> {
    let who = principal(tx, &app.settings, actor)?;
    let request = tx.request(id)?.ok_or_else(|| Error::not_found(Entity::Request, RequestNumber(id)))?;
    authorize(&who, Permission::ViewRequest, Some(&facts(&request)))?;
    let sla = super::sla::rules_in(tx, app)?;
    let done = request.status == Status::Done && request.archived_at.is_none();
    let may_rate = authorize(&who, Permission::RateRequest, Some(&facts(&request))).is_ok()
        && crate::domain::satisfaction::open_for_rating(done, request.closed_at, app.now()).is_ok();
    Ok(Card {
        rating: tx.rating(id)?,
        may_rate,
        deadline: super::sla::deadline(&sla, &request).map(|(_, due)| due),
        overdue: request.status.is_open() && super::sla::breached(&sla, &request, app.now()),
        items: tx.items(id)?,
        attachments: tx.attachments(id)?,
        history: tx.logs("request", &RequestNumber(id).to_string())?,
        actions: actions::offered(&who, &facts(&request), state(&request)),
        request,
    })
}

/// What `actor` may do to request `id` now: the actions of its [`Card`], without the rest.
pub fn actions(app: &App, actor: &Actor, id: i64) -> Result<Vec<Action>> {
    as_now(app, actor, id, |who, request| Ok(actions::offered(who, &facts(&request), state(&request))))
}

/// Checks, without changing anything, that `actor` may do `permission` on a
/// request now (to decide whether to ask them for more, such as a reason).
/// The change itself checks again when it happens.
pub fn check(app: &App, actor: &Actor, id: i64, permission: Permission) -> Result<Request> {
    as_now(app, actor, id, |who, request| {
        authorize(who, permission, Some(&facts(&request)))?;
        Ok(request)
    })
}

/// Checks, without changing anything, that `actor` may take `action` on a
/// request now, its state included (to decide whether to ask them for more,
/// such as an answer). The change itself checks again when it happens.
pub fn check_action(app: &App, actor: &Actor, id: i64, action: Action) -> Result<Request> {
    as_now(app, actor, id, |who, request| {
        may(who, action, &request)?;
        Ok(request)
    })
}

/// Reads who `actor` is and request `id` as they are now, in one read, and
/// asks `rule` of them.
fn as_now<T>(app: &App, actor: &Actor, id: i64, rule: impl FnOnce(&Principal, Request) -> Result<T>) -> Result<T> {
    let mut tx = app.store.read()?;
    let who = principal(&mut *tx, &app.settings, actor)?;
    let request = tx.request(id)?.ok_or_else(|| Error::not_found(Entity::Request, RequestNumber(id)))?;
    rule(&who, request)
}

/// What the requests page asks for: the filters of `requests list`, a search
/// (a number, or text in the description, contact or phone), an order, and
/// where the page starts (keyset: after or before a request of the listing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Browse {
    pub statuses: Vec<Status>,
    pub kinds: Vec<Kind>,
    pub priorities: Vec<crate::domain::Priority>,
    /// Only requests waiting for one of these.
    pub waiting: Vec<crate::domain::Waiting>,
    pub branch_id: Option<crate::domain::BranchId>,
    pub author_id: Option<i64>,
    pub assignee_id: Option<i64>,
    /// Created at or after.
    pub since: Option<DateTime<Utc>>,
    /// Created before.
    pub until: Option<DateTime<Utc>>,
    pub archived: crate::store::ArchivedFilter,
    pub search: Option<String>,
    pub order: crate::store::RequestOrder,
    /// The page starts after this request.
    pub after: Option<i64>,
    /// The page ends before this request.
    pub before: Option<i64>,
    pub per_page: u64,
}

/// A listed request and whether it is overdue now by the rules `sla-check` uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub request: Request,
    pub overdue: bool,
}

/// One page of the requests page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Browsed {
    pub rows: Vec<Listed>,
    /// The request the next page starts after, if there is one.
    pub next: Option<i64>,
    /// The request the previous page ends before, if there is one.
    pub prev: Option<i64>,
    /// The kinds this person may list (all of them for those who see every queue).
    pub kinds: Vec<Kind>,
    /// Whether this person sees only their own requests.
    pub own_only: bool,
}

/// A page of requests `actor` may see: staff the kinds their role handles,
/// everyone else their own. Keyset paging, so page 500 costs what page 1 does.
pub fn browse(app: &App, actor: &Actor, b: &Browse) -> Result<Browsed> {
    use crate::store::{RequestKey, RequestSearch};
    let now = app.now();
    let mut tx = app.store.read()?;
    let who = principal(&mut *tx, &app.settings, actor)?;
    if let Principal::User { blocked: true, .. } = who {
        return Err(Error::Denied(crate::domain::Denied::Blocked));
    }
    let visible = permissions::queue_kinds(&who);
    let own_only = visible.is_empty();
    let mut query = RequestQuery {
        statuses: b.statuses.clone(),
        kinds: if own_only {
            b.kinds.clone()
        } else if b.kinds.is_empty() {
            visible.clone()
        } else {
            b.kinds.iter().copied().filter(|k| visible.contains(k)).collect()
        },
        priorities: b.priorities.clone(),
        waiting: b.waiting.clone(),
        branch_id: b.branch_id,
        author_id: if own_only { actor.telegram_id() } else { b.author_id },
        assignee_id: b.assignee_id,
        since: b.since,
        until: b.until,
        archived: b.archived,
        search: b.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| RequestSearch {
            text: crate::domain::text::fold(s),
            number: RequestNumber::parse(s).ok().map(|n| n.0),
        }),
        order: b.order,
        ..Default::default()
    };
    let kinds = if own_only { <Kind as crate::domain::Named>::ALL.to_vec() } else { visible };
    if !own_only && query.kinds.is_empty() {
        return Ok(Browsed { rows: vec![], next: None, prev: None, kinds, own_only });
    }
    let per = b.per_page.clamp(1, 500);
    // Where the page starts: a request this person may see, else the top.
    let key_of = |tx: &mut dyn crate::store::Tx, id: Option<i64>| -> Result<Option<RequestKey>> {
        Ok(match id {
            Some(id) => tx.request(id)?.map(|r| RequestKey::of(&r)),
            None => None,
        })
    };
    query.limit = Some(per + 1);
    let (rows, next, prev) = match (b.after, b.before) {
        // Backwards from `before`: read in the other order, then turn round.
        (None, Some(before)) => {
            query.order = b.order.reversed();
            query.after = key_of(&mut *tx, Some(before))?;
            let mut items = crate::store::list_requests(&mut *tx, &query)?;
            let more_before = items.len() as u64 > per;
            items.truncate(per as usize);
            items.reverse();
            let next = items.last().map(|r| r.id);
            let prev = if more_before { items.first().map(|r| r.id) } else { None };
            (items, next, prev)
        }
        (after, _) => {
            query.after = key_of(&mut *tx, after)?;
            let mut items = crate::store::list_requests(&mut *tx, &query)?;
            let next = if items.len() as u64 > per {
                items.truncate(per as usize);
                items.last().map(|r| r.id)
            } else {
                None
            };
            // A page that starts after a request has one before it.
            let prev = if query.after.is_some() { items.first().map(|r| r.id) } else { None };
            (items, next, prev)
        }
    };
    let sla = super::sla::rules_in(&mut *tx, app)?;
    let rows = rows
        .into_iter()
        .map(|r| Listed { overdue: r.status.is_open() && super::sla::breached(&sla, &r, now), request: r })
        .collect();
    Ok(Browsed { rows, next, prev, kinds, own_only })
}
