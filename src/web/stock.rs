//! Stock, for staff: every warehouse and cartridge with its minimum, the
//! rows below it highlighted, and the cartridge orders waiting to be issued
//! (issued from their cards). For administrators, a 1C upload: the files are
//! read by the `import-1c` service on a dry run first, the differences shown,
//! and applied only when confirmed.
//!
//! An upload waits for its confirmation on this instance's disk (the
//! system's temporary directory) for at most [`UPLOAD_TTL`]; a confirmation
//! that reaches another instance, or comes later, is asked to upload again.

use super::Web;
use super::pages::{Flash, Page, call, html, refused};
use super::requests::{Row as RequestRow, row as request_row};
use super::session::{self, SignedIn};
use crate::domain::{CartridgeTypeId, Key, Kind, Permission, Status, WarehouseId, WarehouseKey};
use crate::i18n::{W, w, when};
use crate::services::forecast::{self, Forecast};
use crate::services::import_1c::{self, ImportOptions, ImportReport};
use crate::services::requests::{Browse, browse};
use crate::services::{NoProgress, catalog, directory};
use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an upload waits for its confirmation.
pub const UPLOAD_TTL: Duration = Duration::from_secs(30 * 60);
/// The most an upload may hold, all files together.
pub const UPLOAD_MAX_BYTES: usize = 200 * 1024 * 1024;
/// The most files in one upload (offers.xml, import.xml, rests.xml, ...).
const UPLOAD_MAX_FILES: usize = 8;

struct Upload {
    owner: i64,
    dir: PathBuf,
    files: Vec<PathBuf>,
    warehouse: Option<WarehouseId>,
    at: Instant,
}

/// Uploads waiting for their confirmation, by token.
#[derive(Default)]
pub struct Uploads {
    inner: Mutex<HashMap<String, Upload>>,
}

impl Uploads {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Upload>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets (and deletes) the uploads nobody confirmed in time, and any
    /// folder of ours older than that (left by a process that stopped, or by
    /// a browser that went away during the check).
    pub fn expire(&self) {
        sweep("helpdesk-upload-", UPLOAD_TTL);
        let old: Vec<Upload> = {
            let mut map = self.lock();
            let stale: Vec<String> =
                map.iter().filter(|(_, u)| u.at.elapsed() > UPLOAD_TTL).map(|(k, _)| k.clone()).collect();
            stale.iter().filter_map(|k| map.remove(k)).collect()
        };
        for u in old {
            let _ = std::fs::remove_dir_all(&u.dir);
        }
    }

    fn take(&self, token: &str, owner: i64) -> Option<Upload> {
        let mut map = self.lock();
        match map.get(token) {
            Some(u) if u.owner == owner && u.at.elapsed() <= UPLOAD_TTL => map.remove(token),
            _ => None,
        }
    }

    fn discard(&self, token: &str, owner: i64) {
        if let Some(u) = self.take(token, owner) {
            let _ = std::fs::remove_dir_all(&u.dir);
        }
    }
}

impl Drop for Uploads {
    fn drop(&mut self) {
        for (_, u) in self.lock().drain() {
            let _ = std::fs::remove_dir_all(&u.dir);
        }
    }
}

/// Makes a directory only its owner may read (uploads hold the
/// organisation's catalog and balances).
pub fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Removes the folders named `prefix...` in the temporary directory that
/// have not changed for `older_than`.
pub fn sweep(prefix: &str, older_than: Duration) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > older_than);
        if name.to_string_lossy().starts_with(prefix) && stale {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

pub struct StockRow {
    pub cartridge: String,
    pub article: String,
    pub warehouse: String,
    pub quantity: i64,
    pub empty: i64,
    pub minimum: i64,
    pub low: bool,
    pub updated: String,
    /// The forecast: the day it runs out and in how many days, or that it is not used.
    pub runs_out: String,
    pub days_left: Option<u32>,
    /// It runs out before a delivery ordered today would come.
    pub soon: bool,
    /// Days left and the forecast use a month, in words; what to order now (0 for nothing).
    pub per_month: String,
    pub order: i64,
}

#[derive(Template)]
#[template(path = "stock.html")]
struct StockPage {
    page: Page,
    csrf: String,
    q: String,
    low_only: bool,
    by_runs_out: bool,
    warehouses: Vec<(String, String, bool)>,
    rows: Vec<StockRow>,
    low_count: usize,
    to_issue: Vec<RequestRow>,
    more_to_issue: bool,
    may_import: bool,
    /// The form for empties brought in (whoever handles cartridge orders), with the catalog.
    may_move: bool,
    cartridges: Vec<(i64, String)>,
    upload_limit_mb: usize,
    /// The last steps of 1C's exchanges (administrators), and whether the exchange is on.
    exchanges: Vec<ExchangeRow>,
    exchange_on: bool,
}

pub struct ExchangeRow {
    pub at: String,
    pub step: String,
    pub ok: bool,
    /// Stock rows an import or pull changed.
    pub changed: Option<i64>,
    pub detail: String,
    pub files: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Filter {
    q: Option<String>,
    warehouse: Option<i64>,
    low: Option<String>,
    /// `runs_out`: soonest to run out first.
    sort: Option<String>,
    done: Option<u64>,
    /// Empties were just received.
    empties: Option<String>,
}

/// `GET /stock`.
pub async fn show(State(web): State<Web>, who: SignedIn, Query(f): Query<Filter>) -> Response {
    let mut flash = f.done.map(|n| Flash { kind: "ok", text: format!("{} {n}", w(who.lang, W::ImportApplied)) });
    if f.empties.is_some() {
        flash = Some(Flash { kind: "ok", text: w(who.lang, W::DoneEmptiesIn).to_string() });
    }
    render(&web, &who, &f, flash).await
}

async fn render(web: &Web, who: &SignedIn, f: &Filter, flash: Option<Flash>) -> Response {
    let lang = who.lang;
    let actor = who.viewer.actor();
    let who_may_import = who.viewer.may(Permission::ManageDirectory);
    let who_may_move = who.viewer.may(Permission::ManageStock);
    // What the page shows is the same until something changes in the help desk (or the day
    // turns, for the forecast): kept per person, computed again after a change.
    let mark = match call(web, crate::services::web::change_mark).await {
        Ok(m) => m,
        Err(e) => return refused(web, lang, &e),
    };
    let today = web.app.now().date_naive();
    let key = actor.label();
    if let Some(found) = web.stock_views.get(&key, mark, today) {
        return page(web, who, f, flash, &found);
    }
    let found = call(web, move |app| {
        let stock = catalog::stock_for(app, &actor)?;
        let outlook = forecast::forecast(app, &actor, None, None)?;
        let warehouses = directory::warehouses(app)?;
        let waiting = browse(
            app,
            &actor,
            &Browse {
                statuses: vec![Status::Accepted],
                kinds: vec![Kind::Cartridge],
                order: crate::domain::model::RequestOrder::Queue,
                per_page: 11,
                ..Default::default()
            },
        )?;
        let exchanges = match who_may_import {
            true => crate::services::onec_exchange::history(app, &actor, 10)?,
            false => Vec::new(),
        };
        let cartridges = if who_may_move { catalog::cartridge_types(app)? } else { Vec::new() };
        Ok((stock, outlook, warehouses, waiting, exchanges, cartridges))
    })
    .await;
    let found = match found {
        Ok(x) => Arc::new(x),
        Err(e) => return refused(web, lang, &e),
    };
    web.stock_views.put(key, mark, today, found.clone());
    page(web, who, f, flash, &found)
}

/// What the stock page shows one person: stock, the forecast, warehouses, the
/// orders waiting, 1C's exchanges, the catalog.
type Found = (
    Vec<crate::domain::model::StockRow>,
    Vec<Forecast>,
    Vec<crate::domain::model::Warehouse>,
    crate::services::requests::Browsed,
    Vec<crate::domain::model::OneCExchange>,
    Vec<crate::domain::model::CartridgeType>,
);

/// A stock page computed as of a change mark and a day.
type Kept = (i64, chrono::NaiveDate, Arc<Found>);

/// The stock pages computed lately, per person.
#[derive(Default)]
pub struct Views {
    inner: Mutex<HashMap<String, Kept>>,
}

impl Views {
    fn get(&self, key: &str, mark: i64, day: chrono::NaiveDate) -> Option<Arc<Found>> {
        let map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key).filter(|(m, d, _)| *m == mark && *d == day).map(|(_, _, f)| f.clone())
    }

    /// Keeps `found`, forgetting what is older than `mark`.
    fn put(&self, key: String, mark: i64, day: chrono::NaiveDate, found: Arc<Found>) {
        let mut map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (m, d, _)| *m == mark && *d == day);
        map.insert(key, (mark, day, found));
    }
}

/// The page for `found`, filtered and sorted as `f` says.
fn page(web: &Web, who: &SignedIn, f: &Filter, flash: Option<Flash>, found: &Found) -> Response {
    let lang = who.lang;
    let who_may_import = who.viewer.may(Permission::ManageDirectory);
    let who_may_move = who.viewer.may(Permission::ManageStock);
    let (stock, outlook, warehouses, waiting, exchanges, cartridges) = found.clone();
    let tz = web.app.settings.timezone;
    let q = f.q.clone().unwrap_or_default();
    let needle = crate::domain::text::fold(q.trim());
    let low_only = f.low.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    let by_runs_out = f.sort.as_deref() == Some("runs_out");
    let outlook: HashMap<(WarehouseId, CartridgeTypeId), Forecast> =
        outlook.into_iter().map(|o| ((o.warehouse_id, o.cartridge_type_id), o)).collect();
    let mut rows: Vec<StockRow> = stock
        .into_iter()
        .filter(|s| f.warehouse.is_none_or(|id| s.warehouse_id.0 == id))
        .filter(|s| !low_only || s.below_minimum())
        .filter(|s| {
            needle.is_empty()
                || crate::domain::text::fold(&s.cartridge_name).contains(&needle)
                || crate::domain::text::fold(&s.vendor_article).contains(&needle)
        })
        .map(|s| {
            let o = outlook.get(&(s.warehouse_id, s.cartridge_type_id));
            let days_left = o.and_then(|o| o.days_left);
            StockRow {
                low: s.below_minimum(),
                runs_out: match o.and_then(|o| o.runs_out) {
                    Some(day) => day.format("%d.%m.%Y").to_string(),
                    None => w(lang, W::NotUsed).to_string(),
                },
                days_left,
                soon: o.is_some_and(|o| o.within_lead_time),
                // "27 d · 4.4 a month", under the day.
                per_month: o.and_then(|o| Some((o.days_left?, o.per_day))).map_or_else(String::new, |(d, rate)| {
                    format!("{d} {} · {:.1} {}", w(lang, W::Days), rate * 30.0, w(lang, W::PerMonth))
                }),
                order: o.map_or(0, |o| o.order),
                cartridge: s.cartridge_name,
                article: s.vendor_article,
                warehouse: s.warehouse_name,
                quantity: s.quantity,
                empty: s.empty,
                minimum: s.min_stock,
                updated: when(s.updated_at, tz),
            }
        })
        .collect();
    if by_runs_out {
        // Soonest first, those not used last; the listing order among equals (a stable sort).
        rows.sort_by_key(|r| (r.days_left.is_none(), r.days_left));
    }
    let mut to_issue: Vec<RequestRow> = waiting.rows.iter().map(|l| request_row(lang, tz, l)).collect();
    let more_to_issue = to_issue.len() > 10;
    to_issue.truncate(10);
    let mut page = Page::signed_in(who, w(lang, W::StockTitle), "/stock");
    page.flash = flash;
    page.wide = true;
    html(StockPage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        q,
        low_only,
        by_runs_out,
        warehouses: warehouses
            .iter()
            .map(|x| (x.id.0.to_string(), x.name.clone(), Some(x.id.0) == f.warehouse))
            .collect(),
        low_count: rows.iter().filter(|r| r.low).count(),
        rows,
        to_issue,
        more_to_issue,
        may_import: who_may_import,
        may_move: who_may_move,
        cartridges: cartridges.into_iter().map(|c| (c.id.0, format!("{} ({})", c.name, c.vendor_article))).collect(),
        upload_limit_mb: UPLOAD_MAX_BYTES / (1024 * 1024),
        exchanges: exchanges
            .into_iter()
            .map(|x| ExchangeRow {
                at: when(x.at, tz),
                step: match (x.kind.as_str(), x.step.as_str()) {
                    (_, "import") => w(lang, W::OnecStepImport).to_string(),
                    (_, "catalog") => w(lang, W::OnecStepCatalog).to_string(),
                    (_, "pull") => w(lang, W::OnecStepPull).to_string(),
                    (_, "query") => w(lang, W::OnecStepQuery).to_string(),
                    (_, "confirm") => w(lang, W::OnecStepConfirm).to_string(),
                    (_, "status") => w(lang, W::OnecStepStatus).to_string(),
                    (_, "baseline") => w(lang, W::OnecStepBaseline).to_string(),
                    (_, "checkauth") => w(lang, W::OnecStepSignIn).to_string(),
                    (kind, step) => format!("{kind} · {step}"),
                },
                changed: (x.ok && matches!(x.step.as_str(), "import" | "pull")).then_some(x.stock_changed),
                ok: x.ok,
                // What it did, or why it was refused in the words 1C was answered with.
                detail: x.detail,
                files: x.files,
            })
            .collect(),
        exchange_on: web.app.settings.onec.user.is_some(),
    })
}

pub struct Change {
    pub article: String,
    pub item: String,
    pub warehouse: String,
    pub old: i64,
    pub new: i64,
    pub up: bool,
}

#[derive(Template)]
#[template(path = "stock_import.html")]
struct ImportPage {
    page: Page,
    csrf: String,
    token: String,
    files: String,
    r: ImportReport,
    already: Option<String>,
    changes: Vec<Change>,
    unmatched: Vec<(String, String, u64)>,
}

/// A file name from the browser made safe to keep: its last part, letters,
/// digits, `.`, `-` and `_` only, the extension kept (the import goes by it).
fn safe_name(given: &str, index: usize) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String =
        last.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let clean = clean.trim_start_matches('.');
    let clean: String = clean.chars().rev().take(80).collect::<Vec<_>>().into_iter().rev().collect();
    if clean.is_empty() { format!("upload-{index}") } else { format!("{index}-{clean}") }
}

/// What a form of the upload said, the files saved.
struct Received {
    csrf: String,
    warehouse: Option<WarehouseId>,
    files: Vec<PathBuf>,
    /// The files' names as the browser gave them (last part only), to show.
    names: Vec<String>,
}

/// Saves the posted files into `dir`, refusing more than the limits allow.
async fn receive(mut form: Multipart, dir: &std::path::Path) -> Result<Received, W> {
    use tokio::io::AsyncWriteExt;
    let mut got = Received { csrf: String::new(), warehouse: None, files: Vec::new(), names: Vec::new() };
    let mut total = 0usize;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err(W::UploadTooBig),
        };
        match field.name().unwrap_or_default() {
            "csrf" => got.csrf = field.text().await.map_err(|_| W::BadForm)?,
            "warehouse" => {
                let text = field.text().await.map_err(|_| W::BadForm)?;
                got.warehouse = text.trim().parse::<i64>().ok().map(WarehouseId);
            }
            "files" => {
                let Some(name) = field.file_name().map(str::to_string) else { continue };
                if name.is_empty() {
                    continue;
                }
                if got.files.len() >= UPLOAD_MAX_FILES {
                    return Err(W::UploadTooMany);
                }
                let path = dir.join(safe_name(&name, got.files.len() + 1));
                let mut out = tokio::fs::File::create(&path).await.map_err(|_| W::ErrorText)?;
                let mut field = field;
                while let Some(chunk) = field.chunk().await.map_err(|_| W::UploadTooBig)? {
                    total += chunk.len();
                    if total > UPLOAD_MAX_BYTES {
                        return Err(W::UploadTooBig);
                    }
                    out.write_all(&chunk).await.map_err(|_| W::ErrorText)?;
                }
                out.flush().await.map_err(|_| W::ErrorText)?;
                got.files.push(path);
                got.names.push(name.rsplit(['/', '\\']).next().unwrap_or_default().chars().take(120).collect());
            }
            _ => {}
        }
    }
    Ok(got)
}

/// Reads and drops (up to a megabyte of) a refused upload, so that the
/// browser gets the answer rather than a connection closed mid-post.
async fn drain(mut form: Multipart) {
    let mut read = 0usize;
    while let Ok(Some(mut field)) = form.next_field().await {
        while let Ok(Some(chunk)) = field.chunk().await {
            read += chunk.len();
            if read > 1 << 20 {
                return;
            }
        }
    }
}

/// `POST /stock/import`: saves the files and shows what importing them would change.
pub async fn upload(State(web): State<Web>, who: SignedIn, headers: HeaderMap, form: Multipart) -> Response {
    let lang = who.lang;
    if !session::same_origin(&web, &headers) {
        drain(form).await;
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    // Checked again by the service; here so that nobody else's files are even kept.
    if !who.viewer.may(Permission::ManageDirectory) {
        drain(form).await;
        return refused(&web, lang, &crate::services::Error::Denied(crate::domain::Denied::AdminOnly));
    }
    web.uploads.expire();
    let token = match crate::services::web::random_token() {
        Ok(t) => t,
        Err(e) => return refused(&web, lang, &e),
    };
    let dir = std::env::temp_dir().join(format!("helpdesk-upload-{token}"));
    if let Err(e) = private_dir(&dir) {
        tracing::error!(error = %e, dir = %dir.display(), "an upload could not be kept");
        return super::pages::error_page(&web, lang, StatusCode::INTERNAL_SERVER_ERROR, None);
    }
    let got = receive(form, &dir).await;
    let got = match got {
        Ok(g) if session::csrf_ok(&who.viewer, &g.csrf) => g,
        Ok(_) => {
            let _ = std::fs::remove_dir_all(&dir);
            return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
        }
        Err(word) => {
            let _ = std::fs::remove_dir_all(&dir);
            return failed(&web, &who, w(lang, word).to_string()).await;
        }
    };
    if got.files.is_empty() {
        let _ = std::fs::remove_dir_all(&dir);
        return failed(&web, &who, w(lang, W::UploadNoFiles).to_string()).await;
    }
    let actor = who.viewer.actor();
    let (files, warehouse, names) = (got.files.clone(), got.warehouse, got.names.clone());
    let options = options(warehouse, &dir, true);
    let report = call(&web, move |app| import_1c::import(app, &actor, &files, &options, &NoProgress)).await;
    match report {
        Ok(r) => {
            web.uploads.lock().insert(
                token.clone(),
                Upload {
                    owner: who.viewer.user.telegram_id,
                    dir,
                    files: got.files,
                    warehouse: got.warehouse,
                    at: Instant::now(),
                },
            );
            preview(&web, &who, token, &names, r)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            import_failed(&web, &who, &e, &dir).await
        }
    }
}

/// How an upload is imported: its files named as uploaded, not where they wait.
fn options(warehouse: Option<WarehouseId>, dir: &std::path::Path, dry_run: bool) -> ImportOptions {
    ImportOptions {
        dry_run,
        warehouse: warehouse.map(WarehouseKey::Id),
        map: None,
        sheet: None,
        shown_from: Some(dir.to_path_buf()),
        stored_catalog: true,
    }
}

fn preview(web: &Web, who: &SignedIn, token: String, names: &[String], r: ImportReport) -> Response {
    let lang = who.lang;
    let tz = web.app.settings.timezone;
    let mut page = Page::signed_in(who, w(lang, W::ImportPreviewTitle), "/stock");
    page.wide = true;
    html(ImportPage {
        page,
        csrf: who.viewer.session.csrf.clone(),
        token,
        // What the person chose, not where this server keeps it.
        files: names.join(", "),
        already: r.already_imported.as_ref().map(|i| when(i.imported_at, tz)),
        changes: r
            .changes
            .iter()
            .map(|c| Change {
                article: c.article.clone(),
                item: c.item.clone(),
                warehouse: c.warehouse.clone(),
                old: c.old,
                new: c.new,
                up: c.new > c.old,
            })
            .collect(),
        unmatched: r
            .unmatched_item_list
            .iter()
            .map(|u| (u.article.clone().unwrap_or_default(), u.name.clone(), u.rows))
            .collect(),
        r,
    })
}

/// An import the service refused: a person's refusal in their language; a
/// file it could not read is named with the reader's own words (the file
/// and line, as `helpdesk import-1c` prints them).
async fn import_failed(web: &Web, who: &SignedIn, e: &crate::services::Error, dir: &std::path::Path) -> Response {
    let lang = who.lang;
    match e {
        crate::services::Error::Invalid(why) | crate::services::Error::Conflict(why) => {
            // Where this server keeps the upload is not the person's business.
            let why = why.replace(&format!("{}/", dir.display()), "");
            failed(web, who, format!("{} {why}", w(lang, W::ImportFailed))).await
        }
        _ => refused(web, lang, e),
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
pub struct Confirm {
    csrf: String,
}

/// `POST /stock/import/{token}/{apply|cancel}`.
pub async fn confirm(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Path((token, what)): Path<(String, String)>,
    Form(f): Form<Confirm>,
) -> Response {
    let lang = who.lang;
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let me = who.viewer.user.telegram_id;
    match what.as_str() {
        "cancel" => {
            web.uploads.discard(&token, me);
            Redirect::to("/stock").into_response()
        }
        "apply" => {
            let Some(upload) = web.uploads.take(&token, me) else {
                return failed(&web, &who, w(lang, W::UploadExpired).to_string()).await;
            };
            let actor = who.viewer.actor();
            let (files, options) = (upload.files.clone(), options(upload.warehouse, &upload.dir, false));
            let result = call(&web, move |app| import_1c::import(app, &actor, &files, &options, &NoProgress)).await;
            let _ = std::fs::remove_dir_all(&upload.dir);
            match result {
                Ok(r) => Redirect::to(&format!("/stock?done={}", r.stock_changed)).into_response(),
                Err(e) => import_failed(&web, &who, &e, &upload.dir).await,
            }
        }
        _ => super::pages::error_page(&web, lang, StatusCode::NOT_FOUND, None),
    }
}

#[derive(serde::Deserialize)]
pub struct EmptiesForm {
    csrf: String,
    warehouse: i64,
    cartridge: i64,
    quantity: String,
    note: Option<String>,
}

/// `POST /stock/empties`: empties brought in without a request.
pub async fn empties(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Form(f): Form<EmptiesForm>,
) -> Response {
    let lang = who.lang;
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let actor = who.viewer.actor();
    // A number that is not one is refused as a quantity out of bounds.
    let quantity = f.quantity.trim().parse::<i64>().unwrap_or(0);
    let (warehouse, cartridge) = (Key::Id(WarehouseId(f.warehouse)), Key::Id(CartridgeTypeId(f.cartridge)));
    let note = f.note.clone();
    let done = call(&web, move |app| {
        crate::services::ledger::receive_empties(app, &actor, &warehouse, &cartridge, quantity, note.as_deref())
    })
    .await;
    match done {
        Ok(_) => Redirect::to("/stock?empties=1").into_response(),
        Err(e) => match e.describe(lang) {
            Some(text) if !matches!(e, crate::services::Error::Denied(_)) => {
                let mut r = render(&web, &who, &Filter::default(), Some(Flash { kind: "bad", text })).await;
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                r
            }
            _ => refused(&web, lang, &e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn uploaded_names_stay_in_their_directory() {
        assert_eq!(safe_name("offers.xml", 1), "1-offers.xml");
        assert_eq!(safe_name("../../etc/passwd", 2), "2-passwd");
        assert_eq!(safe_name("C:\\1c\\import.xml", 3), "3-import.xml");
        assert_eq!(safe_name("..", 4), "upload-4");
        assert_eq!(safe_name("остатки.xlsx", 5), "5-_______.xlsx");
        assert_eq!(safe_name("", 6), "upload-6");
    }
}
