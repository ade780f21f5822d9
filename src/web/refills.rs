//! Refills, the storekeepers' page: the batches of empties at contractors
//! (open first), sending a new batch from a warehouse, the contractors; each
//! batch's page to receive it back (in part) and its handover document, to
//! print or as xlsx. What the page offers is what the services say the viewer
//! may do; every post is checked there again.

use super::Web;
use super::pages::{Flash, Page, call, html, refused};
use super::session::{self, SignedIn};
use crate::domain::model::RefillBatch;
use crate::domain::{CartridgeTypeId, Key, Permission, WarehouseId};
use crate::i18n::{W, w, when};
use crate::services::{catalog, directory, refills};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

pub struct BatchRow {
    pub id: i64,
    pub sent: String,
    pub contractor: String,
    pub warehouse: String,
    pub lines: String,
    pub outstanding: i64,
    pub closed: bool,
}

#[derive(Template)]
#[template(path = "refills.html")]
struct RefillsPage {
    page: Page,
    csrf: String,
    manage: bool,
    batches: Vec<BatchRow>,
    contractors: Vec<(i64, String, String)>,
    warehouses: Vec<(i64, String)>,
    /// The catalog for the send form: id, name (article).
    cartridges: Vec<(i64, String)>,
}

pub struct LineView {
    pub cartridge_id: i64,
    pub article: String,
    pub cartridge: String,
    pub sent: i64,
    pub received: i64,
    pub rejected: i64,
    pub outstanding: i64,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "refill.html")]
struct RefillPage {
    page: Page,
    csrf: String,
    manage: bool,
    b: BatchView,
}

#[derive(Template)]
#[template(path = "handover.html")]
struct HandoverPage {
    page: Page,
    b: BatchView,
}

pub struct BatchView {
    pub id: i64,
    pub contractor: String,
    pub contacts: String,
    pub warehouse: String,
    pub sent: String,
    pub sent_by: String,
    pub note: String,
    pub closed: String,
    pub lines: Vec<LineView>,
    pub total: i64,
}

fn view(b: &RefillBatch, tz: chrono_tz::Tz) -> BatchView {
    BatchView {
        id: b.id,
        contractor: b.contractor.clone(),
        contacts: b.contacts.clone(),
        warehouse: b.warehouse.clone(),
        sent: when(b.sent_at, tz),
        sent_by: b.sent_by.clone(),
        note: b.note.clone().unwrap_or_default(),
        closed: b.closed_at.map(|t| when(t, tz)).unwrap_or_default(),
        total: b.lines.iter().map(|l| l.sent).sum(),
        lines: b
            .lines
            .iter()
            .map(|l| LineView {
                cartridge_id: l.cartridge_type_id.0,
                article: l.article.clone(),
                cartridge: l.cartridge.clone(),
                sent: l.sent,
                received: l.received,
                rejected: l.rejected,
                outstanding: l.outstanding(),
                reason: l.reject_reason.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn done_flash(lang: crate::domain::Lang, done: Option<&str>) -> Option<Flash> {
    let words =
        [("sent", W::DoneRefillSent), ("received", W::DoneRefillReceived), ("contractor", W::DoneContractorAdded)];
    super::pages::done_flash(lang, done, &words)
}

async fn render(web: &Web, who: &SignedIn, flash: Option<Flash>) -> Response {
    let lang = who.lang;
    let actor = who.viewer.actor();
    let found = call(web, move |app| {
        Ok((
            refills::batches(app, &actor, false)?,
            refills::contractors(app, &actor)?,
            directory::warehouses(app)?,
            catalog::cartridge_types(app)?,
        ))
    })
    .await;
    let (batches, contractors, warehouses, cartridges) = match found {
        Ok(x) => x,
        Err(e) => return refused(web, lang, &e),
    };
    let tz = web.app.settings.timezone;
    let mut page = Page::signed_in(who, w(lang, W::NavRefills), "/refills");
    page.flash = flash;
    page.wide = true;
    html(RefillsPage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        manage: who.viewer.may(Permission::ManageStock),
        batches: batches
            .iter()
            .map(|b| BatchRow {
                id: b.id,
                sent: when(b.sent_at, tz),
                contractor: b.contractor.clone(),
                warehouse: b.warehouse.clone(),
                lines: b.lines.iter().map(|l| format!("{} × {}", l.article, l.sent)).collect::<Vec<_>>().join(", "),
                outstanding: b.lines.iter().map(|l| l.outstanding()).sum(),
                closed: b.closed_at.is_some(),
            })
            .collect(),
        contractors: contractors.into_iter().map(|c| (c.id, c.name, c.contacts)).collect(),
        warehouses: warehouses.into_iter().map(|x| (x.id.0, x.name)).collect(),
        cartridges: cartridges.into_iter().map(|c| (c.id.0, format!("{} ({})", c.name, c.vendor_article))).collect(),
    })
}

/// `GET /refills`.
pub async fn list(State(web): State<Web>, who: SignedIn, Query(d): Query<Done>) -> Response {
    let flash = done_flash(who.lang, d.done.as_deref());
    render(&web, &who, flash).await
}

/// The form's fields, when it came from our own page with the session's token.
fn checked(web: &Web, who: &SignedIn, headers: &HeaderMap, pairs: &[(String, String)]) -> bool {
    let csrf = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or("");
    session::posted(web, headers, &who.viewer, csrf)
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or("")
}

/// `name_<cartridge id>` fields with a quantity, as the services take them;
/// what is not a number counts as 0 (the service refuses it as out of bounds).
fn quantities(pairs: &[(String, String)], prefix: &str) -> Vec<(Key<CartridgeTypeId>, i64)> {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix(prefix)?.parse::<i64>().ok()?;
            match v.trim() {
                "" | "0" => None,
                n => Some((Key::Id(CartridgeTypeId(id)), n.parse::<i64>().unwrap_or(0))),
            }
        })
        .collect()
}

/// What a refused post shows: the page again with why, or the error page.
async fn again(web: &Web, who: &SignedIn, e: crate::services::Error, batch: Option<i64>) -> Response {
    match e.describe(who.lang) {
        Some(text) if !matches!(e, crate::services::Error::Denied(_)) => {
            let flash = Some(Flash { kind: "bad", text });
            let mut r = match batch {
                Some(id) => render_one(web, who, id, flash).await,
                None => render(web, who, flash).await,
            };
            if r.status() == StatusCode::OK {
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            r
        }
        _ => refused(web, who.lang, &e),
    }
}

/// `POST /refills`: sends a batch.
pub async fn send(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if !checked(&web, &who, &headers, &pairs) {
        return super::pages::error_page(&web, who.lang, StatusCode::BAD_REQUEST, None);
    }
    let actor = who.viewer.actor();
    let contractor = format!("id:{}", field(&pairs, "contractor"));
    let warehouse = Key::Id(WarehouseId(field(&pairs, "warehouse").parse().unwrap_or(0)));
    let lines = quantities(&pairs, "qty_");
    let note = Some(field(&pairs, "note").to_string());
    let done =
        call(&web, move |app| refills::send(app, &actor, &contractor, &warehouse, &lines, note.as_deref())).await;
    match done {
        Ok(b) => Redirect::to(&format!("/refills/{}?done=sent", b.id)).into_response(),
        Err(e) => again(&web, &who, e, None).await,
    }
}

/// `POST /refills/contractors`: adds a contractor.
pub async fn add_contractor(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if !checked(&web, &who, &headers, &pairs) {
        return super::pages::error_page(&web, who.lang, StatusCode::BAD_REQUEST, None);
    }
    let actor = who.viewer.actor();
    let (name, contacts) = (field(&pairs, "name").to_string(), field(&pairs, "contacts").to_string());
    match call(&web, move |app| refills::add_contractor(app, &actor, &name, &contacts)).await {
        Ok(_) => Redirect::to("/refills?done=contractor").into_response(),
        Err(e) => again(&web, &who, e, None).await,
    }
}

async fn render_one(web: &Web, who: &SignedIn, id: i64, flash: Option<Flash>) -> Response {
    let actor = who.viewer.actor();
    let b = match call(web, move |app| refills::get(app, &actor, id)).await {
        Ok(b) => b,
        Err(e) => return refused(web, who.lang, &e),
    };
    let mut page = Page::signed_in(who, format!("{} {id}", w(who.lang, W::RefillBatch)), "/refills");
    page.flash = flash;
    page.wide = true;
    html(RefillPage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        manage: who.viewer.may(Permission::ManageStock) && b.closed_at.is_none(),
        b: view(&b, web.app.settings.timezone),
    })
}

/// `GET /refills/{id}`.
pub async fn show(State(web): State<Web>, who: SignedIn, Path(id): Path<i64>, Query(d): Query<Done>) -> Response {
    let flash = done_flash(who.lang, d.done.as_deref());
    render_one(&web, &who, id, flash).await
}

/// `POST /refills/{id}/receive`: `got_<cartridge id>` back refilled, `bad_<cartridge id>` rejected, a reason.
pub async fn receive(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if !checked(&web, &who, &headers, &pairs) {
        return super::pages::error_page(&web, who.lang, StatusCode::BAD_REQUEST, None);
    }
    let actor = who.viewer.actor();
    let (got, bad) = (quantities(&pairs, "got_"), quantities(&pairs, "bad_"));
    let reason = Some(field(&pairs, "reason").to_string());
    match call(&web, move |app| refills::receive(app, &actor, id, &got, &bad, reason.as_deref())).await {
        Ok(_) => Redirect::to(&format!("/refills/{id}?done=received")).into_response(),
        Err(e) => again(&web, &who, e, Some(id)).await,
    }
}

/// `GET /refills/{id}/handover`: the handover document, to print.
pub async fn handover(State(web): State<Web>, who: SignedIn, Path(id): Path<i64>) -> Response {
    let actor = who.viewer.actor();
    match call(&web, move |app| refills::get(app, &actor, id)).await {
        Ok(b) => {
            let page = Page::signed_in(&who, format!("{} {id}", w(who.lang, W::Handover)), "/refills");
            html(HandoverPage { page, b: view(&b, web.app.settings.timezone) })
        }
        Err(e) => refused(&web, who.lang, &e),
    }
}

/// `GET /refills/{id}/handover.xlsx`: the same as a workbook.
pub async fn handover_xlsx(State(web): State<Web>, who: SignedIn, Path(id): Path<i64>) -> Response {
    let actor = who.viewer.actor();
    let tz = web.app.settings.timezone;
    let made = call(&web, move |app| {
        let b = refills::get(app, &actor, id)?;
        let file = tempfile::NamedTempFile::new().map_err(|e| crate::services::Error::Internal(e.to_string()))?;
        refills::handover_xlsx(&b, tz, file.path())?;
        std::fs::read(file.path()).map_err(|e| crate::services::Error::Internal(e.to_string()))
    })
    .await;
    match made {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"handover-{id}.xlsx\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => refused(&web, who.lang, &e),
    }
}
