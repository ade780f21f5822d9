//! What an employee does in the panel (and, next, in the Mini App): file a
//! repair, maintenance or IT-help request, and order cartridges from the
//! catalog with the stock shown. The same services and rules as the bot:
//! phone numbers, quantities, the branch; a form posted twice files once.

use super::Web;
use super::pages::{Flash, Page, call, html, refused};
use super::requests::plain;
use super::session::{self, SignedIn};
use crate::domain::{BranchId, CartridgeTypeId, Kind, Named, PrinterId, Priority};
use crate::i18n::{Msg, W, t, w};
use crate::services::requests::{self, NewTicket, TicketAttachment, TicketItem};
use askama::Template;
use axum::extract::{Form, FromRequest, Multipart, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

/// A fresh key for a form: the request it files is keyed by it, so posting
/// the same form twice (a double click, the back button) files one request.
fn form_key() -> String {
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The branches to choose from, by name.
async fn branches(web: &Web) -> crate::services::Result<Vec<(i64, String)>> {
    let mut list = call(web, crate::services::directory::branches).await?;
    list.sort_by(|a, b| crate::domain::text::alphabetical(&a.name, &b.name));
    Ok(list.into_iter().map(|b| (b.id.0, b.name)).collect())
}

#[derive(Template)]
#[template(path = "new_request.html")]
struct NewRequestPage {
    page: Page,
    csrf: String,
    key: String,
    needs_branch: bool,
    branches: Vec<(i64, String)>,
    kinds: Vec<(&'static str, String, bool)>,
    priorities: Vec<(&'static str, String, bool)>,
    name: String,
    phone: String,
    description: String,
}

#[derive(serde::Deserialize, Default, Clone)]
pub struct TicketForm {
    csrf: String,
    key: String,
    kind: Option<String>,
    name: String,
    phone: String,
    description: String,
    priority: Option<String>,
}

async fn new_request_page(web: &Web, who: &SignedIn, form: Option<&TicketForm>, flash: Option<Flash>) -> Response {
    let lang = who.lang;
    let branches = match branches(web).await {
        Ok(b) => b,
        Err(e) => return refused(web, lang, &e),
    };
    let user = &who.viewer.user;
    let kind = form.and_then(|f| f.kind.clone());
    let priority = form.and_then(|f| f.priority.clone()).unwrap_or_else(|| "medium".into());
    let mut page = Page::signed_in(who, w(lang, W::NavNewRequest), "/requests/new");
    page.flash = flash;
    html(NewRequestPage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        key: form.map(|f| f.key.clone()).unwrap_or_else(form_key),
        needs_branch: user.branch_id.is_none(),
        branches,
        kinds: [Kind::Repair, Kind::Maintenance, Kind::ItHelp]
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    crate::i18n::capitalise(&plain(&t(lang, Msg::Kind(*k)))),
                    kind.as_deref() == Some(k.as_str()),
                )
            })
            .collect(),
        priorities: Priority::ALL
            .iter()
            .map(|p| (p.as_str(), plain(&t(lang, Msg::Priority(*p))), priority == p.as_str()))
            .collect(),
        name: form.map(|f| f.name.clone()).unwrap_or_else(|| user.full_name.clone()),
        phone: form.map(|f| f.phone.clone()).unwrap_or_else(|| user.phone.clone().unwrap_or_default()),
        description: form.map(|f| f.description.clone()).unwrap_or_default(),
    })
}

/// `GET /requests/new`.
pub async fn new_request(State(web): State<Web>, who: SignedIn) -> Response {
    new_request_page(&web, &who, None, None).await
}

/// The most a photo or file attached from the browser may hold (Telegram's
/// limit for photos sent by a bot).
pub const ATTACHMENT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// A file chosen in the form.
struct Chosen {
    name: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

/// The form as posted: plain, or with a file (multipart).
async fn read_ticket_form(web: &Web, request: Request) -> Result<(TicketForm, Option<Chosen>), W> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Form(f) = Form::<TicketForm>::from_request(request, web).await.map_err(|_| W::BadForm)?;
        return Ok((f, None));
    }
    let mut form = Multipart::from_request(request, web).await.map_err(|_| W::BadForm)?;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut chosen = None;
    while let Some(field) = form.next_field().await.map_err(|_| W::UploadTooBig)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "attachment" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let content_type = field.content_type().map(str::to_string);
            let bytes = field.bytes().await.map_err(|_| W::UploadTooBig)?;
            if bytes.len() > ATTACHMENT_MAX_BYTES {
                return Err(W::AttachmentTooBig);
            }
            if !bytes.is_empty() {
                chosen = Some(Chosen { name: file_name, content_type, bytes: bytes.to_vec() });
            }
        } else {
            fields.push((name, field.text().await.map_err(|_| W::BadForm)?));
        }
    }
    let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let f = Form::<TicketForm>::from_request(form_request(encoded), web).await.map_err(|_| W::BadForm)?.0;
    Ok((f, chosen))
}

/// A form body as a request of its own, to read it as the plain form is read.
fn form_request(encoded: String) -> Request {
    let mut r = Request::new(axum::body::Body::from(encoded));
    *r.method_mut() = axum::http::Method::POST;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/x-www-form-urlencoded"));
    r
}

/// Sends a file chosen in the form to its author's own chat once, so that
/// Telegram keeps it and gives it an id: every front end then shows it as it
/// shows the bot's attachments.
async fn upload_to_telegram(web: &Web, who: &SignedIn, file: Chosen) -> Result<TicketAttachment, W> {
    let files = web.files.as_ref().ok_or(W::AttachFailed)?;
    let upload = crate::services::telegram::Upload {
        name: file.name,
        content_type: file.content_type,
        bytes: file.bytes,
        caption: w(who.lang, W::AttachmentCaption).to_string(),
    };
    match files.upload(who.viewer.user.telegram_id, upload).await {
        Ok(attachment) => Ok(attachment),
        Err(e) => {
            tracing::warn!(error = %e, "a file from the web could not be sent through Telegram");
            Err(W::AttachFailed)
        }
    }
}

/// `POST /requests/new`: files it (with a photo or file, sent through the
/// Bot API first), or shows the form again saying what is wrong.
pub async fn file_request(State(web): State<Web>, who: SignedIn, request: Request) -> Response {
    let lang = who.lang;
    let headers = request.headers().clone();
    if !session::same_origin(&web, &headers) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let (f, chosen) = match read_ticket_form(&web, request).await {
        Ok(x) => x,
        Err(W::BadForm) => return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None),
        Err(word) => {
            let mut r =
                new_request_page(&web, &who, None, Some(Flash { kind: "bad", text: w(lang, word).into() })).await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return r;
        }
    };
    if !session::csrf_ok(&who.viewer, &f.csrf) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let kind = f.kind.as_deref().and_then(|k| Kind::parse_named(k).ok()).filter(|k| *k != Kind::Cartridge);
    let Some(kind) = kind else {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    };
    let again = |text: String| {
        let (web, who, f) = (web.clone(), &who, &f);
        async move {
            let mut r = new_request_page(&web, who, Some(f), Some(Flash { kind: "bad", text })).await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    };
    let priority = f.priority.as_deref().and_then(|p| Priority::parse_named(p).ok()).unwrap_or(Priority::Medium);
    let mut ticket = NewTicket {
        kind,
        branch_id: None,
        contact_name: f.name.clone(),
        contact_phone: f.phone.clone(),
        description: f.description.clone(),
        priority,
        items: vec![],
        attachments: vec![],
        client_key: Some(format!(
            "web-form:{}:{}",
            who.viewer.user.telegram_id,
            f.key.chars().take(64).collect::<String>()
        )),
    };
    // A file goes to Telegram only with a form that will be taken.
    if let Some(file) = chosen {
        if let Err(e) = requests::check_new(&ticket) {
            return match e.describe(lang) {
                Some(text) => again(text).await,
                None => refused(&web, lang, &e),
            };
        }
        match upload_to_telegram(&web, &who, file).await {
            Ok(a) => ticket.attachments.push(a),
            Err(word) => return again(w(lang, word).into()).await,
        }
    }
    let actor = who.viewer.actor();
    match call(&web, move |app| requests::create(app, &actor, &ticket)).await {
        Ok(r) => Redirect::to(&format!("/requests/{}?done=filed", r.id)).into_response(),
        Err(e) => match e.describe(lang) {
            Some(text) if !matches!(e, crate::services::Error::Denied(_)) => again(text).await,
            _ => refused(&web, lang, &e),
        },
    }
}

pub struct CatalogRow {
    pub id: i64,
    pub name: String,
    pub article: String,
    pub printers: String,
    /// At the warehouse(s) of the person's branch.
    pub here: i64,
    pub wanted: String,
    /// The chosen printer takes it.
    pub fits: bool,
}

/// A printer of the person's branch to order for.
pub struct PrinterChoice {
    pub id: i64,
    pub label: String,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "order.html")]
struct OrderPage {
    page: Page,
    csrf: String,
    key: String,
    needs_branch: bool,
    branches: Vec<(i64, String)>,
    printers: Vec<PrinterChoice>,
    /// The chosen printer's id, or empty.
    printer: String,
    catalog: Vec<CatalogRow>,
    max: i64,
    comment: String,
    phone: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ForPrinter {
    printer: Option<String>,
}

impl ForPrinter {
    fn id(&self) -> Option<PrinterId> {
        self.printer.as_deref().and_then(|p| p.trim().parse().ok()).map(PrinterId)
    }
}

async fn order_page(
    web: &Web,
    who: &SignedIn,
    printer: Option<PrinterId>,
    form: Option<&[(String, String)]>,
    flash: Option<Flash>,
) -> Response {
    let lang = who.lang;
    let actor = who.viewer.actor();
    let found = call(web, move |app| crate::services::catalog::order_choices(app, &actor, printer)).await;
    let (choices, branches) = match found {
        Ok(c) => match branches(web).await {
            Ok(b) => (c, b),
            Err(e) => return refused(web, lang, &e),
        },
        Err(e) => return refused(web, lang, &e),
    };
    let field = |k: &str| form.and_then(|f| f.iter().find(|(n, _)| n == k)).map(|(_, v)| v.clone());
    // A printer that takes one type puts one of it in the order at once.
    let preselected = choices.preselected();
    let user = &who.viewer.user;
    let mut page = Page::signed_in(who, w(lang, W::NavOrder), "/order");
    page.flash = flash;
    let chosen = choices.printer.as_ref().map(|p| p.id);
    html(OrderPage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        key: field("key").unwrap_or_else(form_key),
        needs_branch: user.branch_id.is_none(),
        branches,
        printers: choices
            .printers
            .iter()
            .map(|p| PrinterChoice { id: p.id.0, label: p.label(), chosen: Some(p.id) == chosen })
            .collect(),
        printer: chosen.map(|id| id.0.to_string()).unwrap_or_default(),
        catalog: choices
            .options
            .into_iter()
            .map(|o| {
                let c = o.cartridge;
                let first = if preselected == Some(c.id) { "1" } else { "0" };
                CatalogRow {
                    wanted: field(&format!("qty_{}", c.id.0)).unwrap_or_else(|| first.into()),
                    id: c.id.0,
                    name: c.name,
                    article: c.vendor_article,
                    printers: c.compatible_printers,
                    here: o.here,
                    fits: o.fits,
                }
            })
            .collect(),
        max: requests::MAX_QUANTITY,
        comment: field("comment").unwrap_or_default(),
        phone: field("phone").unwrap_or_else(|| user.phone.clone().unwrap_or_default()),
    })
}

/// `GET /order`, `GET /order?printer=ID` for one of the branch's printers.
pub async fn order(State(web): State<Web>, who: SignedIn, Query(q): Query<ForPrinter>) -> Response {
    order_page(&web, &who, q.id(), None, None).await
}

/// `POST /order`: `qty_<cartridge id>` for each line wanted, a comment, a
/// phone, and the printer it is for (which goes on the lines of the types it
/// takes; the service checks it is in service at the person's branch).
pub async fn place_order(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let lang = who.lang;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string());
    if !session::posted(&web, &headers, &who.viewer, &get("csrf").unwrap_or_default()) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let comment = get("comment").filter(|c| !c.is_empty());
    let printer = ForPrinter { printer: get("printer") }.id();
    let takes = match printer {
        Some(id) => {
            let actor = who.viewer.actor();
            match call(&web, move |app| crate::services::catalog::order_choices(app, &actor, Some(id))).await {
                Ok(c) => c.printer.map(|p| p.cartridge_type_ids).unwrap_or_default(),
                // Retired or moved since the form was shown: the form again, without it.
                Err(e) => match e.describe(lang) {
                    Some(text) => {
                        let mut r =
                            order_page(&web, &who, None, Some(&fields), Some(Flash { kind: "bad", text })).await;
                        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                        return r;
                    }
                    None => return refused(&web, lang, &e),
                },
            }
        }
        None => Vec::new(),
    };
    let mut items = Vec::new();
    for (name, value) in &fields {
        let Some(id) = name.strip_prefix("qty_").and_then(|id| id.parse::<i64>().ok()) else { continue };
        let quantity = match value.trim() {
            "" | "0" => continue,
            v => v.parse::<i64>().unwrap_or(-1),
        };
        let cartridge_type_id = CartridgeTypeId(id);
        let printer_id = printer.filter(|_| takes.contains(&cartridge_type_id));
        items.push(TicketItem { cartridge_type_id, quantity, comment: comment.clone(), printer_id });
    }
    if items.is_empty() {
        let text = w(lang, W::NothingOrdered).to_string();
        let mut r = order_page(&web, &who, printer, Some(&fields), Some(Flash { kind: "bad", text })).await;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    let key = get("key").unwrap_or_default().chars().take(64).collect::<String>();
    let ticket = NewTicket {
        kind: Kind::Cartridge,
        branch_id: None,
        contact_name: who.viewer.user.full_name.clone(),
        contact_phone: get("phone").unwrap_or_default(),
        description: String::new(),
        priority: Priority::Medium,
        items,
        attachments: vec![],
        client_key: Some(format!("web-form:{}:{key}", who.viewer.user.telegram_id)),
    };
    let actor = who.viewer.actor();
    match call(&web, move |app| requests::create(app, &actor, &ticket)).await {
        Ok(r) => Redirect::to(&format!("/requests/{}?done=filed", r.id)).into_response(),
        Err(e) => match e.describe(lang) {
            Some(text) if !matches!(e, crate::services::Error::Denied(_)) => {
                let mut r = order_page(&web, &who, printer, Some(&fields), Some(Flash { kind: "bad", text })).await;
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                r
            }
            _ => refused(&web, lang, &e),
        },
    }
}

#[derive(serde::Deserialize)]
pub struct BranchForm {
    csrf: String,
    branch: i64,
    next: Option<String>,
}

/// `POST /profile/branch`: the branch a person works at (once, as in the bot).
pub async fn set_branch(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Form(f): Form<BranchForm>,
) -> Response {
    let lang = who.lang;
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let actor = who.viewer.actor();
    match call(&web, move |app| crate::services::directory::set_own_branch(app, &actor, BranchId(f.branch))).await {
        Ok(_) => {
            let next = match f.next.as_deref() {
                Some("/order") => "/order",
                Some("/requests/new") => "/requests/new",
                _ => "/profile",
            };
            Redirect::to(next).into_response()
        }
        Err(e) => refused(&web, lang, &e),
    }
}
