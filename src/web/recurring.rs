//! Recurring requests: administrators see every schedule (what it files,
//! for which branch, when it is next due, what it filed last, late or not),
//! add one, and pause or resume it. Every post is authorised again by the
//! recurring service, from the store; a schedule added here is filed on
//! behalf of the administrator who added it.

use super::Web;
use super::pages::{Flash, Page, call, html, refused};
use super::requests::plain;
use super::session::{self, SignedIn};
use crate::domain::{BranchId, BranchKey, Kind, Lang, Named, Priority, RequestNumber};
use crate::i18n::{Msg, W, t, w, when};
use crate::services::recurring::{self, NewSchedule};
use crate::services::{Error, directory};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

pub struct Row {
    pub id: i64,
    pub kind: String,
    pub branch: String,
    pub rule: String,
    pub at: String,
    pub priority: String,
    pub description: String,
    pub assignee: String,
    pub paused: bool,
    pub next: String,
    pub last: String,
    /// The request the latest occurrence was filed as.
    pub last_request: Option<(i64, String)>,
    pub late: bool,
}

/// The add form: what was posted (kept when refused), and its choices.
#[derive(Default, Clone, serde::Deserialize)]
pub struct Posted {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    branch: String,
    #[serde(default)]
    every: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    starting: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    description: String,
}

#[derive(Template)]
#[template(path = "recurring.html")]
struct RecurringPage {
    page: Page,
    csrf: String,
    rows: Vec<Row>,
    f: Posted,
    /// (value, label, chosen).
    kinds: Vec<(String, String, bool)>,
    branches: Vec<(String, String, bool)>,
    priorities: Vec<(String, String, bool)>,
    assignees: Vec<(String, String, bool)>,
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

async fn render(web: &Web, who: &SignedIn, flash: Option<Flash>, posted: Option<Posted>) -> Response {
    let lang = who.lang;
    let actor = who.viewer.actor();
    let found =
        call(web, move |app| Ok((recurring::list(app, &actor)?, directory::branches(app)?, directory::staff(app)?)))
            .await;
    let (schedules, branches, staff) = match found {
        Ok(x) => x,
        Err(e) => return refused(web, lang, &e),
    };
    let tz = web.app.settings.timezone;
    let rows = schedules
        .into_iter()
        .map(|s| Row {
            id: s.record.id,
            kind: crate::i18n::capitalise(&t(lang, Msg::Kind(s.record.kind))),
            branch: s.branch.unwrap_or_else(|| w(lang, W::RecEveryBranch).to_string()),
            rule: s.record.rule,
            at: s.record.at_time,
            priority: plain(&t(lang, Msg::Priority(s.record.priority))),
            description: s.record.description,
            assignee: s.assignee.unwrap_or_else(|| w(lang, W::RecQueue).to_string()),
            paused: s.record.paused,
            next: s.next.map(|n| when(n, tz)).unwrap_or_default(),
            last: s.last.as_ref().map(|l| when(l.due_at, tz)).unwrap_or_default(),
            last_request: s.last.as_ref().and_then(|l| l.request_id).map(|id| (id, RequestNumber(id).to_string())),
            late: s.last.is_some_and(|l| l.late),
        })
        .collect();
    let f = posted.unwrap_or_else(|| Posted { at: "09:00".into(), priority: "medium".into(), ..Default::default() });
    let chosen = |v: &str, current: &str| v == current;
    let kinds = Kind::ALL
        .iter()
        .map(|k| {
            (k.as_str().to_string(), crate::i18n::capitalise(&t(lang, Msg::Kind(*k))), chosen(k.as_str(), &f.kind))
        })
        .collect();
    let mut branch_choices = vec![(String::new(), w(lang, W::RecEveryBranch).to_string(), f.branch.is_empty())];
    branch_choices
        .extend(branches.iter().map(|b| (b.id.0.to_string(), b.name.clone(), chosen(&b.id.0.to_string(), &f.branch))));
    let priorities = Priority::ALL
        .iter()
        .map(|p| (p.as_str().to_string(), plain(&t(lang, Msg::Priority(*p))), chosen(p.as_str(), &f.priority)))
        .collect();
    let mut assignees = vec![(String::new(), w(lang, W::RecQueue).to_string(), f.assignee.is_empty())];
    assignees.extend(staff.iter().map(|p| {
        let id = p.user.telegram_id.to_string();
        let on = chosen(&id, &f.assignee);
        (id, p.user.full_name.clone(), on)
    }));
    let mut page = Page::signed_in(who, w(lang, W::NavRecurring), "/recurring");
    page.flash = flash;
    page.wide = true;
    html(RecurringPage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        rows,
        f,
        kinds,
        branches: branch_choices,
        priorities,
        assignees,
    })
}

/// `GET /recurring`.
pub async fn list(State(web): State<Web>, who: SignedIn, Query(d): Query<Done>) -> Response {
    let words = [("added", W::DoneRecAdded), ("paused", W::DoneRecPaused), ("resumed", W::DoneRecResumed)];
    let flash = super::pages::done_flash(who.lang, d.done.as_deref(), &words);
    render(&web, &who, flash, None).await
}

/// A refused change: the page again with the reason in the person's language (422).
async fn again(web: &Web, who: &SignedIn, e: Error, posted: Option<Posted>) -> Response {
    match super::pages::mistake(who.lang, &e) {
        Some(flash) => super::pages::unprocessable(render(web, who, Some(flash), posted).await),
        None => refused(web, who.lang, &e),
    }
}

fn bad_request(web: &Web, lang: Lang) -> Response {
    super::pages::error_page(web, lang, StatusCode::BAD_REQUEST, None)
}

/// `POST /recurring`: adds a schedule, filed on behalf of the person adding it.
pub async fn add(State(web): State<Web>, who: SignedIn, headers: HeaderMap, Form(p): Form<Posted>) -> Response {
    let lang = who.lang;
    if !session::posted(&web, &headers, &who.viewer, &p.csrf) {
        return bad_request(&web, lang);
    }
    let (Ok(kind), Ok(priority)) = (Kind::parse_named(&p.kind), Priority::parse_named(&p.priority)) else {
        return bad_request(&web, lang);
    };
    let Some(author) = who.viewer.actor().telegram_id() else { return bad_request(&web, lang) };
    let branch = match p.branch.trim() {
        "" => None,
        id => match id.parse() {
            Ok(id) => Some(BranchKey::Id(BranchId(id))),
            Err(_) => return bad_request(&web, lang),
        },
    };
    // The browser's date field sends YYYY-MM-DD; anything else is a forged or broken post.
    let starts_on = match p.starting.trim() {
        "" => None,
        d => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => return bad_request(&web, lang),
        },
    };
    let assignee = match p.assignee.trim() {
        "" => None,
        id => match id.parse() {
            Ok(id) => Some(id),
            Err(_) => return bad_request(&web, lang),
        },
    };
    let schedule = NewSchedule {
        kind,
        branch,
        description: p.description.clone(),
        priority,
        author,
        assignee,
        rule: p.every.clone(),
        at: p.at.clone(),
        starts_on,
    };
    let actor = who.viewer.actor();
    match call(&web, move |app| recurring::add(app, &actor, &schedule)).await {
        Ok(_) => Redirect::to("/recurring?done=added").into_response(),
        Err(e) => again(&web, &who, e, Some(p)).await,
    }
}

#[derive(serde::Deserialize)]
pub struct Toggle {
    #[serde(default)]
    csrf: String,
}

/// `POST /recurring/{id}/{pause|resume}`.
pub async fn toggle(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Path((id, what)): Path<(i64, String)>,
    Form(f): Form<Toggle>,
) -> Response {
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return bad_request(&web, who.lang);
    }
    let paused = match what.as_str() {
        "pause" => true,
        "resume" => false,
        _ => return super::pages::error_page(&web, who.lang, StatusCode::NOT_FOUND, None),
    };
    let actor = who.viewer.actor();
    match call(&web, move |app| recurring::set_paused(app, &actor, id, paused)).await {
        Ok(_) => {
            Redirect::to(if paused { "/recurring?done=paused" } else { "/recurring?done=resumed" }).into_response()
        }
        Err(e) => again(&web, &who, e, None).await,
    }
}
