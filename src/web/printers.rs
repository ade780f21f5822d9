//! Printers: every branch's printers for staff, with filters by branch,
//! model and cartridge type; administrators add them, change them and retire
//! them. What the page offers is what the printers service says the viewer
//! may do; every post is checked there again.

use super::Web;
use super::pages::{Flash, Page, call, html, refused};
use super::session::{self, SignedIn};
use crate::domain::model::{CartridgeType, Printer, PrinterFilter};
use crate::domain::{BranchId, BranchKey, CartridgeTypeId, Key, Lang, PrinterId};
use crate::i18n::{W, w, when};
use crate::services::printers::{self, PrinterForm};
use crate::services::{catalog, directory};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

pub struct Row {
    pub id: i64,
    pub inventory_number: String,
    pub model: String,
    pub branch: String,
    pub place: String,
    pub serial: String,
    pub cartridges: String,
    pub retired: String,
}

/// A choice of a select or a checkbox: value, label, chosen.
pub type Choice = (String, String, bool);

#[derive(Template)]
#[template(path = "printers.html")]
struct PrintersPage {
    page: Page,
    csrf: String,
    manage: bool,
    model: String,
    retired: bool,
    branches: Vec<Choice>,
    cartridges: Vec<Choice>,
    printers: Vec<Row>,
    /// The add form's values (kept when it is refused).
    form: FormView,
}

#[derive(Template)]
#[template(path = "printer.html")]
struct PrinterPage {
    page: Page,
    csrf: String,
    manage: bool,
    id: i64,
    retired: String,
    form: FormView,
}

/// What a printer form shows.
#[derive(Default)]
pub struct FormView {
    pub inventory_number: String,
    pub model: String,
    pub place: String,
    pub serial: String,
    pub branches: Vec<Choice>,
    pub cartridges: Vec<Choice>,
}

#[derive(serde::Deserialize, Default)]
pub struct Filter {
    branch: Option<i64>,
    model: Option<String>,
    cartridge: Option<i64>,
    retired: Option<String>,
    done: Option<String>,
}

fn done_flash(lang: Lang, done: Option<&str>) -> Option<Flash> {
    let words = [("added", W::DonePrinterAdded), ("saved", W::DonePrinterSaved), ("retired", W::DonePrinterRetired)];
    super::pages::done_flash(lang, done, &words)
}

/// The catalog's articles of `ids`, joined.
fn articles(catalog: &[CartridgeType], ids: &[CartridgeTypeId]) -> String {
    ids.iter()
        .filter_map(|id| catalog.iter().find(|c| c.id == *id))
        .map(|c| c.vendor_article.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn form_view(
    branches: &[crate::domain::model::Branch],
    catalog: &[CartridgeType],
    printer: Option<&Printer>,
) -> FormView {
    FormView {
        inventory_number: printer.map(|p| p.inventory_number.clone()).unwrap_or_default(),
        model: printer.map(|p| p.model.clone()).unwrap_or_default(),
        place: printer.map(|p| p.place.clone()).unwrap_or_default(),
        serial: printer.and_then(|p| p.serial.clone()).unwrap_or_default(),
        branches: branches
            .iter()
            .map(|b| (b.id.0.to_string(), b.name.clone(), printer.is_some_and(|p| p.branch_id == b.id)))
            .collect(),
        cartridges: catalog
            .iter()
            .map(|c| {
                let on = printer.is_some_and(|p| p.cartridge_type_ids.contains(&c.id));
                (c.id.0.to_string(), format!("{} ({})", c.name, c.vendor_article), on)
            })
            .collect(),
    }
}

async fn render(web: &Web, who: &SignedIn, f: &Filter, flash: Option<Flash>, posted: Option<&Posted>) -> Response {
    let lang = who.lang;
    let filter = PrinterFilter {
        branch_id: f.branch.map(BranchId),
        model: f.model.clone(),
        cartridge_type_id: f.cartridge.map(CartridgeTypeId),
        retired: f.retired.is_some(),
    };
    let actor = who.viewer.actor();
    let found = call(web, move |app| {
        let list = printers::list(app, &actor, &filter)?;
        let manage = printers::may_change(app, &actor)?;
        Ok((list, manage, directory::branches(app)?, catalog::cartridge_types(app)?))
    })
    .await;
    let (list, manage, branches, catalog) = match found {
        Ok(x) => x,
        Err(e) => return refused(web, lang, &e),
    };
    let tz = web.app.settings.timezone;
    let rows = list
        .iter()
        .map(|p| Row {
            id: p.id.0,
            inventory_number: p.inventory_number.clone(),
            model: p.model.clone(),
            branch: p.branch_name.clone(),
            place: p.place.clone(),
            serial: p.serial.clone().unwrap_or_default(),
            cartridges: articles(&catalog, &p.cartridge_type_ids),
            retired: p.retired_at.map(|t| when(t, tz)).unwrap_or_default(),
        })
        .collect();
    let mut form = form_view(&branches, &catalog, None);
    if let Some(p) = posted {
        p.fill(&mut form);
    }
    let mut page = Page::signed_in(who, w(lang, W::Printers), "/printers");
    page.flash = flash;
    page.wide = true;
    html(PrintersPage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        manage,
        model: f.model.clone().unwrap_or_default(),
        retired: f.retired.is_some(),
        branches: branches.iter().map(|b| (b.id.0.to_string(), b.name.clone(), Some(b.id.0) == f.branch)).collect(),
        cartridges: catalog
            .iter()
            .map(|c| (c.id.0.to_string(), format!("{} ({})", c.name, c.vendor_article), Some(c.id.0) == f.cartridge))
            .collect(),
        printers: rows,
        form,
    })
}

/// `GET /printers`.
pub async fn list(State(web): State<Web>, who: SignedIn, Query(f): Query<Filter>) -> Response {
    let flash = done_flash(who.lang, f.done.as_deref());
    render(&web, &who, &f, flash, None).await
}

/// A printer form as posted: every field, the cartridge types checked.
#[derive(Debug, Default)]
pub struct Posted {
    csrf: String,
    branch: Option<i64>,
    inventory_number: String,
    model: String,
    place: String,
    serial: String,
    cartridges: Vec<i64>,
}

impl Posted {
    /// The form as posted, when it came from our own page with the session's token.
    fn checked(web: &Web, who: &SignedIn, headers: &HeaderMap, pairs: Vec<(String, String)>) -> Option<Self> {
        let posted = Self::read(pairs);
        session::posted(web, headers, &who.viewer, &posted.csrf).then_some(posted)
    }

    fn read(pairs: Vec<(String, String)>) -> Posted {
        let mut p = Posted::default();
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => p.csrf = v,
                "branch" => p.branch = v.parse().ok(),
                "inventory_number" => p.inventory_number = v,
                "model" => p.model = v,
                "place" => p.place = v,
                "serial" => p.serial = v,
                "cartridge" => p.cartridges.extend(v.parse::<i64>().ok()),
                _ => {}
            }
        }
        p
    }

    /// The service's form: ids as keys (an id the service no longer knows is refused there).
    fn to_form(&self) -> PrinterForm {
        PrinterForm {
            // No branch chosen is an id nobody has: refused as an unknown branch.
            branch: BranchKey::Id(BranchId(self.branch.unwrap_or(0))),
            inventory_number: self.inventory_number.clone(),
            model: self.model.clone(),
            place: self.place.clone(),
            serial: Some(self.serial.clone()).filter(|s| !s.trim().is_empty()),
            cartridges: self.cartridges.iter().map(|id| Key::Id(CartridgeTypeId(*id))).collect(),
        }
    }

    /// Shows what was posted again in a form.
    fn fill(&self, form: &mut FormView) {
        form.inventory_number = self.inventory_number.clone();
        form.model = self.model.clone();
        form.place = self.place.clone();
        form.serial = self.serial.clone();
        for (value, _, on) in &mut form.branches {
            *on = Some(value.as_str()) == self.branch.map(|b| b.to_string()).as_deref();
        }
        for (value, _, on) in &mut form.cartridges {
            *on = self.cartridges.iter().any(|c| c.to_string() == *value);
        }
    }
}

/// Answers a refused change: the page again with the reason (422), or the
/// refusal page for what is not the person's to put right.
async fn refused_change(web: &Web, who: &SignedIn, e: crate::services::Error, again: Response) -> Response {
    let _ = who;
    match (&e, e.describe(who.lang)) {
        (crate::services::Error::Denied(_) | crate::services::Error::NotFound { .. }, _) | (_, None) => {
            refused(web, who.lang, &e)
        }
        (_, Some(_)) => {
            let mut r = again;
            if r.status() == StatusCode::OK {
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            r
        }
    }
}

/// `POST /printers`: adds one.
pub async fn add(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let lang = who.lang;
    let Some(posted) = Posted::checked(&web, &who, &headers, pairs) else {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    };
    let (actor, form) = (who.viewer.actor(), posted.to_form());
    match call(&web, move |app| printers::add(app, &actor, &form)).await {
        Ok(_) => Redirect::to("/printers?done=added").into_response(),
        Err(e) => {
            let flash = e.describe(lang).map(|text| Flash { kind: "bad", text });
            let again = render(&web, &who, &Filter::default(), flash, Some(&posted)).await;
            refused_change(&web, &who, e, again).await
        }
    }
}

async fn render_one(web: &Web, who: &SignedIn, id: i64, flash: Option<Flash>, posted: Option<&Posted>) -> Response {
    let lang = who.lang;
    let actor = who.viewer.actor();
    let found = call(web, move |app| {
        let p = printers::get(app, &actor, &Key::Id(PrinterId(id)))?;
        let manage = printers::may_change(app, &actor)?;
        Ok((p, manage, directory::branches(app)?, catalog::cartridge_types(app)?))
    })
    .await;
    let (printer, manage, branches, catalog) = match found {
        Ok(x) => x,
        Err(e) => return refused(web, lang, &e),
    };
    let mut form = form_view(&branches, &catalog, Some(&printer));
    if let Some(p) = posted {
        p.fill(&mut form);
    }
    let title = format!("{} · {}", printer.inventory_number, printer.model);
    let mut page = Page::signed_in(who, title, "/printers");
    page.flash = flash;
    html(PrinterPage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        manage: manage && printer.retired_at.is_none(),
        id,
        retired: printer.retired_at.map(|t| when(t, web.app.settings.timezone)).unwrap_or_default(),
        form,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// `GET /printers/{id}`: one printer, with its form for administrators.
pub async fn show(State(web): State<Web>, who: SignedIn, Path(id): Path<i64>, Query(d): Query<Done>) -> Response {
    let flash = done_flash(who.lang, d.done.as_deref());
    render_one(&web, &who, id, flash, None).await
}

/// `POST /printers/{id}`: saves a change.
pub async fn save(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let lang = who.lang;
    let Some(posted) = Posted::checked(&web, &who, &headers, pairs) else {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    };
    let (actor, form) = (who.viewer.actor(), posted.to_form());
    match call(&web, move |app| printers::update(app, &actor, &Key::Id(PrinterId(id)), &form)).await {
        Ok(_) => Redirect::to(&format!("/printers/{id}?done=saved")).into_response(),
        Err(e) => {
            let flash = e.describe(lang).map(|text| Flash { kind: "bad", text });
            let again = render_one(&web, &who, id, flash, Some(&posted)).await;
            refused_change(&web, &who, e, again).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// `POST /printers/{id}/retire`.
pub async fn retire(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    let lang = who.lang;
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let actor = who.viewer.actor();
    match call(&web, move |app| printers::retire(app, &actor, &Key::Id(PrinterId(id)))).await {
        Ok(_) => Redirect::to(&format!("/printers/{id}?done=retired")).into_response(),
        Err(e) => {
            let flash = e.describe(lang).map(|text| Flash { kind: "bad", text });
            let again = render_one(&web, &who, id, flash, None).await;
            refused_change(&web, &who, e, again).await
        }
    }
}
