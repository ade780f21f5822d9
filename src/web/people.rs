//! People, for administrators: the directory with filters; adding someone by
//! Telegram ID; for super administrators, changing roles and blocking, with
//! the bot's guards (nobody changes themselves; super admins from the
//! configuration are changed there). What each row offers is what the
//! services say the viewer may do.

use super::Web;
use super::pages::{Flash, Page, call, html, refused};
use super::session::{self, SignedIn};
use crate::domain::model::UserFilter;
use crate::domain::{BranchId, BranchKey, Lang, Named, Role};
use crate::i18n::{Msg, W, t, w, when};
use crate::services::directory::{self, NewPerson};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

pub struct Row {
    pub id: i64,
    pub name: String,
    pub username: String,
    pub role: String,
    pub role_value: &'static str,
    pub note: &'static str,
    pub branch: String,
    pub phone: String,
    pub seen: String,
    pub blocked: bool,
    pub role_form: bool,
    pub block_form: bool,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    page: Page,
    csrf: String,
    q: String,
    role_filter: Vec<(&'static str, String, bool)>,
    branch_filter: Vec<(String, String, bool)>,
    roles: Vec<(&'static str, String)>,
    new_roles: Vec<(&'static str, String)>,
    people: Vec<Row>,
}

#[derive(serde::Deserialize, Default)]
pub struct Filter {
    q: Option<String>,
    role: Option<String>,
    branch: Option<i64>,
    done: Option<String>,
}

fn done_flash(lang: Lang, done: Option<&str>) -> Option<Flash> {
    let word = match done? {
        "added" => W::DoneAdded,
        "role" => W::DoneRole,
        "blocked" => W::DoneBlocked,
        "unblocked" => W::DoneUnblocked,
        _ => return None,
    };
    Some(Flash { kind: "ok", text: w(lang, word).to_string() })
}

async fn render(web: &Web, who: &SignedIn, f: &Filter, flash: Option<Flash>) -> Response {
    let lang = who.lang;
    let role = f.role.as_deref().and_then(|r| Role::parse_named(r).ok());
    let filter = UserFilter { role, branch_id: f.branch.map(BranchId), ..Default::default() };
    let actor = who.viewer.actor();
    let found = call(web, move |app| {
        let people = directory::people(app, &actor, &filter)?;
        let branches = directory::branches(app)?;
        let to_give = directory::roles_to_give(app, &actor)?;
        Ok((people, branches, to_give))
    })
    .await;
    let (people, branches, to_give) = match found {
        Ok(x) => x,
        Err(e) => return refused(web, lang, &e),
    };
    let q = f.q.clone().unwrap_or_default();
    let needle = crate::domain::text::fold(q.trim());
    let tz = web.app.settings.timezone;
    let role_name = |r: Role| t(lang, Msg::Role(r));
    let rows = people
        .into_iter()
        .filter(|m| {
            needle.is_empty()
                || crate::domain::text::fold(&m.person.user.full_name).contains(&needle)
                || m.person.user.telegram_id.to_string().contains(&needle)
        })
        .map(|m| {
            let u = &m.person.user;
            let configured = web.app.settings.is_super_admin(u.telegram_id);
            Row {
                id: u.telegram_id,
                name: u.full_name.clone(),
                username: u.username.clone().unwrap_or_default(),
                role: role_name(m.person.role),
                role_value: m.person.role.as_str(),
                note: if configured {
                    w(lang, W::ConfiguredSuperAdmin)
                } else if u.telegram_id == who.viewer.user.telegram_id {
                    w(lang, W::You)
                } else {
                    ""
                },
                branch: branches.iter().find(|b| Some(b.id) == u.branch_id).map(|b| b.name.clone()).unwrap_or_default(),
                phone: u.phone.clone().unwrap_or_default(),
                seen: u.last_seen_at.map(|s| when(s, tz)).unwrap_or_default(),
                blocked: u.blocked,
                role_form: m.changeable,
                block_form: m.changeable,
            }
        })
        .collect();
    let mut page = Page::signed_in(who, w(lang, W::PeopleTitle), "/people");
    page.flash = flash;
    page.wide = true;
    let assignable: Vec<(&'static str, String)> =
        Role::ASSIGNABLE.iter().map(|r| (r.as_str(), role_name(*r))).collect();
    html(PeoplePage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        q,
        role_filter: Role::ALL.iter().map(|r| (r.as_str(), role_name(*r), Some(*r) == role)).collect(),
        branch_filter: branches
            .iter()
            .map(|b| (b.id.0.to_string(), b.name.clone(), Some(b.id.0) == f.branch))
            .collect(),
        new_roles: to_give.iter().map(|r| (r.as_str(), role_name(*r))).collect(),
        roles: assignable,
        people: rows,
    })
}

/// `GET /people`.
pub async fn list(State(web): State<Web>, who: SignedIn, Query(f): Query<Filter>) -> Response {
    let flash = done_flash(who.lang, f.done.as_deref());
    render(&web, &who, &f, flash).await
}

#[derive(serde::Deserialize)]
pub struct AddForm {
    csrf: String,
    telegram_id: String,
    name: String,
    role: String,
    branch: Option<String>,
    phone: Option<String>,
}

/// `POST /people`: adds someone.
pub async fn add(State(web): State<Web>, who: SignedIn, headers: HeaderMap, Form(f): Form<AddForm>) -> Response {
    let lang = who.lang;
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let Ok(telegram_id) = f.telegram_id.trim().parse::<i64>() else {
        let text = crate::services::Error::from(crate::domain::Refusal::NotATelegramId { id: 0 })
            .describe(lang)
            .unwrap_or_default();
        return failed(&web, &who, text).await;
    };
    let new = NewPerson {
        telegram_id,
        full_name: f.name.clone(),
        role: Role::parse_named(&f.role).ok(),
        branch: f.branch.as_deref().and_then(|b| b.parse::<i64>().ok()).map(|id| BranchKey::Id(BranchId(id))),
        phone: f.phone.clone().filter(|p| !p.trim().is_empty()),
        ..Default::default()
    };
    let actor = who.viewer.actor();
    match call(&web, move |app| directory::add_user(app, &actor, &new)).await {
        Ok(_) => Redirect::to("/people?done=added").into_response(),
        Err(e) => match (&e, e.describe(lang)) {
            (crate::services::Error::Denied(_), _) | (_, None) => refused(&web, lang, &e),
            (_, Some(text)) => failed(&web, &who, text).await,
        },
    }
}

async fn failed(web: &Web, who: &SignedIn, text: String) -> Response {
    let mut r = render(web, who, &Filter::default(), Some(Flash { kind: "bad", text })).await;
    if r.status() == StatusCode::OK {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

#[derive(serde::Deserialize)]
pub struct ChangeForm {
    csrf: String,
    role: Option<String>,
}

/// `POST /people/{id}/{role|block|unblock}`.
pub async fn change(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Path((target, what)): Path<(i64, String)>,
    Form(f): Form<ChangeForm>,
) -> Response {
    let lang = who.lang;
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let actor = who.viewer.actor();
    let (done, result) = match what.as_str() {
        "role" => {
            let Some(role) = f.role.as_deref().and_then(|r| Role::parse_named(r).ok()) else {
                return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
            };
            ("role", call(&web, move |app| directory::set_role(app, &actor, target, role).map(|_| ())).await)
        }
        "block" => {
            ("blocked", call(&web, move |app| directory::set_blocked(app, &actor, target, true).map(|_| ())).await)
        }
        "unblock" => {
            ("unblocked", call(&web, move |app| directory::set_blocked(app, &actor, target, false).map(|_| ())).await)
        }
        _ => return super::pages::error_page(&web, lang, StatusCode::NOT_FOUND, None),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/people?done={done}")).into_response(),
        Err(e) => match (&e, e.describe(lang)) {
            (crate::services::Error::Denied(_), _) | (_, None) => refused(&web, lang, &e),
            (_, Some(text)) => failed(&web, &who, text).await,
        },
    }
}
