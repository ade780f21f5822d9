//! A request's card: every field, its cartridge lines, its photos and
//! documents (fetched from Telegram by the server: the bot token never
//! reaches the browser), its history from the audit log, and a form for each
//! action the services offer this person now. The author is told exactly as
//! when the action is taken in the bot: the services queue the same notices.

use super::Web;
use super::pages::{Flash, Page, call, html, refused};
use super::requests::plain;
use super::session::{self, SignedIn};
use crate::domain::Waiting;
use crate::domain::actions::Action;
use crate::domain::model::{AttachmentKind, LogEntry, Request};
use crate::domain::{Kind, Lang, Named, RequestNumber, WarehouseId};
use crate::i18n::{Msg, W, t, w, when};
use crate::services::cartridges::{self, IssueError};
use crate::services::requests::{self, Card};
use askama::Template;
use axum::body::Body;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

pub struct CardView {
    pub id: i64,
    pub number: String,
    pub kind: String,
    pub cartridge: bool,
    pub priority: String,
    pub priority_class: &'static str,
    pub status: String,
    pub status_class: &'static str,
    pub overdue: bool,
    pub description: String,
    pub reason: Option<String>,
    /// The question it waits on its author for.
    pub question: Option<String>,
    pub branch: String,
    pub author: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub created: String,
    pub accepted: Option<String>,
    pub closed: Option<String>,
    pub archived: Option<String>,
    pub assignee: Option<String>,
    pub due: Option<String>,
    /// The author's rating: the score and the comment.
    pub rating: Option<(u8, String)>,
    pub items: Vec<ItemView>,
    pub files: Vec<FileView>,
    pub history: Vec<HistoryView>,
}

pub struct ItemView {
    pub article: String,
    pub name: String,
    pub quantity: i64,
    pub issued: i64,
    pub comment: String,
    /// The printer it is for: id and label.
    pub printer: Option<(i64, String)>,
}

pub struct FileView {
    pub href: String,
    pub name: String,
    pub photo: bool,
}

pub struct HistoryView {
    pub at: String,
    pub what: String,
    pub who: String,
    pub via: &'static str,
    pub note: String,
}

/// Which forms to show: the actions the services offer.
#[derive(Default)]
pub struct Offered {
    pub accept: bool,
    pub issue: bool,
    pub complete: bool,
    pub wait_author: bool,
    pub wait_parts: bool,
    pub resume: bool,
    pub answer: bool,
    pub reject: bool,
    pub cancel: bool,
    pub archive: bool,
    pub rate: bool,
}

impl Offered {
    fn of(actions: &[Action]) -> Offered {
        let has = |a: Action| actions.contains(&a);
        Offered {
            accept: has(Action::Accept),
            issue: has(Action::IssueCartridges),
            complete: has(Action::Complete),
            wait_author: has(Action::WaitForAuthor),
            wait_parts: has(Action::WaitForParts),
            resume: has(Action::Resume),
            answer: has(Action::Answer),
            reject: has(Action::Reject),
            cancel: has(Action::Cancel),
            archive: has(Action::Archive),
            rate: false,
        }
    }

    pub fn is_empty(&self) -> bool {
        !(self.accept
            || self.issue
            || self.complete
            || self.wait_author
            || self.wait_parts
            || self.resume
            || self.answer
            || self.reject
            || self.cancel
            || self.archive
            || self.rate)
    }
}

pub struct WarehouseChoice {
    pub id: i64,
    pub name: String,
    pub covers: i64,
    pub needed: i64,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "card.html")]
struct CardPage {
    page: Page,
    c: CardView,
    a: Offered,
    csrf: String,
    warehouses: Vec<WarehouseChoice>,
    partial_offered: bool,
    /// Empties are collected: the issue form asks how many came back.
    empties_asked: bool,
}

fn history_line(lang: Lang, r: &Request, l: &LogEntry, tz: chrono_tz::Tz) -> HistoryView {
    use crate::domain::audit::{AuditAction as A, Via, who_of_label};
    let word = match A::parse(&l.action) {
        Some(A::RequestCreate) if l.actor == Via::System.label(crate::services::recurring::FILER) => {
            let late = l.after.as_ref().and_then(|a| a.get("late")).and_then(|v| v.as_bool()) == Some(true);
            Some(if late { W::HistFiledLate } else { W::HistFiledRecurring })
        }
        Some(A::RequestCreate) => Some(W::HistCreated),
        Some(A::RequestAccept) => Some(W::HistAccepted),
        Some(A::RequestWaitAuthor | A::RequestWaitParts) => Some(W::HistWaiting),
        Some(A::RequestResume) => Some(W::HistResumed),
        Some(A::RequestAnswer) => Some(W::HistAnswered),
        Some(A::RequestComplete) => Some(W::HistCompleted),
        Some(A::RequestReject) => Some(W::HistRejected),
        Some(A::RequestCancel) if l.actor == Via::System.label(crate::services::requests::UNANSWERED) => {
            Some(W::HistUnanswered)
        }
        Some(A::RequestCancel) => Some(W::HistCancelled),
        Some(A::RequestArchive) => Some(W::HistArchived),
        Some(A::RequestIssue) => Some(W::HistIssued),
        Some(A::RequestSlaReminder) => Some(W::HistReminder),
        Some(A::RequestRate) => Some(W::HistRated),
        Some(A::RequestOnecSent) => Some(W::HistOnecSent),
        Some(A::RequestOnecStatus) => Some(W::HistOnecStatus),
        _ => None,
    };
    let mut what = word.map_or_else(|| l.action.clone(), |word| w(lang, word).to_string());
    if let Some(score) = l.after.as_ref().and_then(|a| a.get("score")).and_then(|v| v.as_i64()) {
        what.push_str(&format!(" {score}/5"));
    }
    let who = match l.actor_id {
        Some(id) if id == r.author_id => r.author_name.clone(),
        Some(id) if Some(id) == r.assignee_id => r.assignee_name.clone().unwrap_or_else(|| id.to_string()),
        Some(id) => id.to_string(),
        None => who_of_label(&l.actor).to_string(),
    };
    let via = match Via::of_label(&l.actor) {
        Via::Web => w(lang, W::ViaWeb),
        Via::Telegram => w(lang, W::ViaTelegram),
        Via::Cli => w(lang, W::ViaCli),
        Via::System => w(lang, W::ViaSystem),
    };
    // What a person wrote with the change: a reason, an issue's note.
    let note = l
        .after
        .as_ref()
        .and_then(|a| ["rejection_reason", "note"].into_iter().find_map(|k| a.get(k)?.as_str()))
        .unwrap_or("")
        .to_string();
    HistoryView { at: when(l.at, tz), what, who, via, note }
}

fn view(web: &Web, lang: Lang, card: &Card) -> CardView {
    let r = &card.request;
    let tz = web.app.settings.timezone;
    let due = card.deadline;
    let state = if r.archived_at.is_some() || r.waiting.is_some() {
        t(lang, Msg::State(crate::domain::State::of(r.status, r.waiting, r.archived_at.is_some())))
    } else {
        t(lang, Msg::Status(r.status))
    };
    CardView {
        id: r.id,
        number: RequestNumber(r.id).to_string(),
        kind: crate::i18n::capitalise(&t(lang, Msg::Kind(r.kind))),
        cartridge: r.kind == Kind::Cartridge,
        priority: plain(&t(lang, Msg::Priority(r.priority))),
        priority_class: r.priority.as_str(),
        status: state,
        status_class: r.status.as_str(),
        overdue: card.overdue,
        description: r.description.clone(),
        reason: r.rejection_reason.clone(),
        question: (r.waiting == Some(Waiting::Author))
            .then(|| {
                let asked = crate::domain::audit::AuditAction::RequestWaitAuthor.as_str();
                let last = card.history.iter().rev().find(|l| l.action == asked)?;
                last.after.as_ref()?.get("note")?.as_str().map(String::from)
            })
            .flatten(),
        branch: r.branch_name.clone(),
        author: format!("{} · {}", r.author_name, r.author_id),
        contact_name: r.contact_name.clone(),
        contact_phone: r.contact_phone.clone(),
        created: when(r.created_at, tz),
        accepted: r.accepted_at.map(|t| when(t, tz)),
        closed: r.closed_at.map(|t| when(t, tz)),
        archived: r.archived_at.map(|t| when(t, tz)),
        assignee: r.assignee_name.clone(),
        due: due.map(|t| when(t, tz)),
        rating: card.rating.as_ref().map(|r| (r.score, r.comment.clone().unwrap_or_default())),
        items: card
            .items
            .iter()
            .map(|i| ItemView {
                article: i.vendor_article.clone(),
                name: i.cartridge_name.clone(),
                quantity: i.quantity,
                issued: i.issued_quantity,
                comment: i.comment.clone().unwrap_or_default(),
                printer: i.printer.as_ref().map(|p| (p.id.0, p.label())),
            })
            .collect(),
        files: card
            .attachments
            .iter()
            .map(|a| FileView {
                href: format!("/requests/{}/files/{}", r.id, a.id),
                name: a.file_name.clone().unwrap_or_else(|| format!("{}-{}", RequestNumber(r.id), a.id)),
                photo: a.kind == AttachmentKind::Photo,
            })
            .collect(),
        history: card.history.iter().map(|l| history_line(lang, r, l, tz)).collect(),
    }
}

/// Renders the card, with a message on top, and with the issue form set up.
async fn render(web: &Web, who: &SignedIn, id: i64, flash: Option<Flash>, partial: bool) -> Response {
    let lang = who.lang;
    let actor = who.viewer.actor();
    let found = call(web, move |app| {
        let card = requests::card(app, &actor, id)?;
        let warehouses = if card.actions.contains(&Action::IssueCartridges) {
            crate::services::catalog::warehouses_for_order(app, id)?
        } else {
            Vec::new()
        };
        Ok((card, warehouses))
    })
    .await;
    let (card, warehouses) = match found {
        Ok(x) => x,
        Err(e) => return refused(web, lang, &e),
    };
    let needed: i64 = card.items.iter().map(|i| (i.quantity - i.issued_quantity).max(0)).sum();
    let best = warehouses.iter().map(|(_, covers)| *covers).max().unwrap_or(0);
    let mut picked = false;
    let warehouses = warehouses
        .into_iter()
        .map(|(wh, covers)| {
            let selected = !picked && covers == best;
            picked |= selected;
            WarehouseChoice { id: wh.id.0, name: wh.name, covers, needed, selected }
        })
        .collect();
    let c = view(web, lang, &card);
    let mut page = Page::signed_in(who, c.number.clone(), "/requests");
    page.flash = flash;
    page.wide = true;
    html(CardPage {
        page,
        a: Offered { rate: card.may_rate, ..Offered::of(&card.actions) },
        csrf: who.viewer.session.csrf.clone(),
        warehouses,
        partial_offered: partial,
        empties_asked: web.app.settings.stock.return_empties,
        c,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// `GET /requests/{id}`.
pub async fn show(State(web): State<Web>, who: SignedIn, Path(id): Path<i64>, Query(q): Query<Done>) -> Response {
    let lang = who.lang;
    let flash = q.done.as_deref().and_then(|d| {
        let word = match d {
            "accepted" => W::DoneAccepted,
            "waiting" => W::DoneWaiting,
            "resumed" => W::DoneResumed,
            "answered" => W::DoneAnswered,
            "rated" => W::DoneRated,
            "completed" => W::DoneCompleted,
            "rejected" => W::DoneRejected,
            "cancelled" => W::DoneCancelled,
            "archived" => W::DoneArchived,
            "issued" => W::DoneIssued,
            "filed" => W::Filed,
            _ => return None,
        };
        Some(Flash { kind: "ok", text: w(lang, word).to_string() })
    });
    render(&web, &who, id, flash, false).await
}

#[derive(serde::Deserialize)]
pub struct ActForm {
    csrf: String,
    reason: Option<String>,
    warehouse: Option<i64>,
    partial: Option<String>,
    note: Option<String>,
    /// Empties back with an issue; empty: as many as issued.
    empties: Option<String>,
    /// A rating, 1 to 5.
    score: Option<String>,
}

/// `POST /requests/{id}/{action}`: accept, complete, reject, cancel, archive, issue.
pub async fn act(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<ActForm>,
) -> Response {
    let lang = who.lang;
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let actor = who.viewer.actor();
    if action == "issue" {
        let Some(warehouse) = f.warehouse else {
            return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
        };
        let partial = f.partial.is_some();
        let note = f.note.clone();
        let empties = match f.empties.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(e) => match e.parse::<i64>() {
                Ok(n) if n >= 0 => Some(n),
                _ => {
                    let text = w(lang, W::BadEmpties).to_string();
                    return unprocessable(render(&web, &who, id, Some(Flash { kind: "bad", text }), false).await);
                }
            },
        };
        let issued = call(&web, move |app| {
            Ok(cartridges::issue(app, &actor, id, WarehouseId(warehouse), partial, note.as_deref(), empties))
        })
        .await;
        return match issued {
            Ok(Ok(_)) => Redirect::to(&format!("/requests/{id}?done=issued")).into_response(),
            Ok(Err(IssueError::Short(short))) => {
                let lines: Vec<String> =
                    short.iter().map(|s| format!("{} {} / {}", s.article, s.available, s.needed)).collect();
                let text = format!("{} {}", w(lang, W::ShortStock), lines.join(", "));
                unprocessable(render(&web, &who, id, Some(Flash { kind: "bad", text }), true).await)
            }
            Ok(Err(IssueError::NothingLeft)) => {
                let text = w(lang, W::NothingLeftToIssue).to_string();
                unprocessable(render(&web, &who, id, Some(Flash { kind: "bad", text }), false).await)
            }
            Ok(Err(IssueError::Other(e))) | Err(e) => failed(&web, &who, id, &e).await,
        };
    }
    let reason = f.reason.clone().unwrap_or_default();
    let (done, result) = match action.as_str() {
        "accept" => ("accepted", call(&web, move |app| requests::accept(app, &actor, id)).await),
        "complete" => ("completed", call(&web, move |app| requests::complete(app, &actor, id)).await),
        "wait-author" | "wait-parts" => {
            let waiting = if action == "wait-author" { Waiting::Author } else { Waiting::Parts };
            let note = f.note.clone().unwrap_or_default();
            ("waiting", call(&web, move |app| requests::wait(app, &actor, id, waiting, &note)).await)
        }
        "resume" => ("resumed", call(&web, move |app| requests::resume(app, &actor, id)).await),
        "rate" => {
            let Some(score) = f.score.as_deref().and_then(|s| s.trim().parse::<i64>().ok()) else {
                let text = crate::i18n::t(
                    lang,
                    Msg::Refusal(&crate::domain::Refusal::Rating {
                        error: crate::domain::satisfaction::RatingError::OutOfRange(0),
                    }),
                );
                return unprocessable(render(&web, &who, id, Some(Flash { kind: "bad", text }), false).await);
            };
            let comment = f.note.clone();
            let rated =
                call(&web, move |app| crate::services::ratings::rate(app, &actor, id, score, comment.as_deref())).await;
            return match rated {
                Ok(_) => Redirect::to(&format!("/requests/{id}?done=rated")).into_response(),
                Err(e) => failed(&web, &who, id, &e).await,
            };
        }
        "answer" => {
            let text = f.note.clone().unwrap_or_default();
            ("answered", call(&web, move |app| requests::answer(app, &actor, id, &text)).await)
        }
        "reject" => ("rejected", call(&web, move |app| requests::reject(app, &actor, id, &reason)).await),
        "cancel" => ("cancelled", call(&web, move |app| requests::cancel(app, &actor, id)).await),
        "archive" => ("archived", call(&web, move |app| requests::archive(app, &actor, id)).await),
        _ => return super::pages::error_page(&web, lang, StatusCode::NOT_FOUND, None),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/requests/{id}?done={done}")).into_response(),
        Err(e) => failed(&web, &who, id, &e).await,
    }
}

use super::pages::unprocessable;

/// A refused action: the card again, saying why in the person's language
/// (not allowed at all: a page that says so).
async fn failed(web: &Web, who: &SignedIn, id: i64, e: &crate::services::Error) -> Response {
    use crate::services::Error;
    match e {
        Error::Denied(_) | Error::NotFound { .. } => refused(web, who.lang, e),
        _ => match e.describe(who.lang) {
            Some(text) => unprocessable(render(web, who, id, Some(Flash { kind: "bad", text }), false).await),
            None => refused(web, who.lang, e),
        },
    }
}

/// `GET /requests/{id}/files/{attachment}`: a photo or document, fetched from
/// Telegram by the server for someone who may see the request.
pub async fn file(State(web): State<Web>, who: SignedIn, Path((id, attachment)): Path<(i64, i64)>) -> Response {
    let lang = who.lang;
    let actor = who.viewer.actor();
    let card = match call(&web, move |app| requests::card(app, &actor, id)).await {
        Ok(c) => c,
        Err(e) => return refused(&web, lang, &e),
    };
    let Some(a) = card.attachments.into_iter().find(|a| a.id == attachment) else {
        return super::pages::error_page(&web, lang, StatusCode::NOT_FOUND, None);
    };
    let Some(files) = web.files.as_ref() else {
        return super::pages::error_page(&web, lang, StatusCode::SERVICE_UNAVAILABLE, None);
    };
    let stream = match files.download(&a.file_id).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(request = id, attachment, error = %e, "cannot get a file from Telegram");
            return super::pages::error_page(&web, lang, StatusCode::BAD_GATEWAY, None);
        }
    };
    let mime = a.mime_type.clone().unwrap_or_else(|| match a.kind {
        AttachmentKind::Photo => "image/jpeg".into(),
        AttachmentKind::Document => "application/octet-stream".into(),
    });
    let mut r = Body::from_stream(stream).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    // Photos show in the page; anything else downloads, never rendered by the browser as ours.
    let disposition = match (a.kind, &a.file_name) {
        (AttachmentKind::Photo, _) => "inline".to_string(),
        (_, Some(name)) => {
            let enc: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
            format!("attachment; filename*=UTF-8''{}", enc.replace('+', "%20"))
        }
        _ => "attachment".to_string(),
    };
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    r
}
