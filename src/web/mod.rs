//! The web panel, served by `helpdesk serve` on `HELPDESK_WEB_LISTEN` (the
//! same listener that takes Telegram's webhook calls).
//!
//! A front end like the bot and the CLI: pages are functions of their URL
//! that read through `services` and post through `services`, which
//! authorise every action from the store at the moment it happens. Pages are
//! rendered on the server from compile-checked, escaping templates
//! (`templates/`), work without JavaScript, and use a little of our own
//! (`assets/app.js`) where it helps. Not here: SQL, business rules, texts
//! (those are in `i18n`).

pub mod assets;
mod calendars;
mod call;
mod card;
mod charts;
mod dashboard;
mod employee;
mod events;
pub mod metrics;
mod miniapp;
mod onec;
mod pages;
mod people;
mod printers;
mod recurring;
mod refills;
mod reports;
mod requests;
mod security;
pub mod server;
pub mod session;
mod stock;
pub mod webhook;

use crate::services::App;
use axum::Router;
use axum::routing::{get, post};
use std::sync::Arc;

/// What every page handler gets.
#[derive(Clone)]
pub struct Web {
    pub app: App,
    /// The bot's username, for the Login Widget and links to the bot: known
    /// once Telegram has answered (the panel does not wait for it).
    bot_username: Arc<std::sync::OnceLock<String>>,
    /// Attachments to and from Telegram (the token stays there); `None`
    /// without a bot token.
    pub files: Option<crate::services::telegram::Files>,
    attempts: Arc<security::Attempts>,
    changes: events::Changes,
    dashboards: dashboard::Cache,
    uploads: Arc<stock::Uploads>,
    /// The stock pages computed lately.
    stock_views: Arc<stock::Views>,
    onec: Arc<onec::Exchanges>,
    /// Failed sign-ins of 1C, counted apart from people's.
    onec_attempts: Arc<security::Attempts>,
    /// Cancelled when the process stops: open event streams end then.
    stopping: tokio_util::sync::CancellationToken,
}

impl Web {
    /// The panel's state; call inside the async runtime (it watches for
    /// changes). Its event streams end when `stopping` is cancelled.
    pub fn new(
        app: App,
        files: Option<crate::services::telegram::Files>,
        bot_username: Option<String>,
        stopping: tokio_util::sync::CancellationToken,
    ) -> Web {
        let changes = events::Changes::watch(app.clone());
        let onec_ttl = app.settings.onec.session_ttl;
        let web = Web {
            app,
            bot_username: Arc::new(bot_username.map(std::sync::OnceLock::from).unwrap_or_default()),
            files,
            attempts: Arc::new(security::Attempts::default()),
            changes,
            dashboards: dashboard::Cache::default(),
            uploads: Arc::new(stock::Uploads::default()),
            stock_views: Arc::new(stock::Views::default()),
            onec: Arc::new(onec::Exchanges::new(onec_ttl)),
            onec_attempts: Arc::new(security::Attempts::default()),
            stopping,
        };
        dashboard::warm(&web);
        sweep(&web);
        web
    }
}

impl Web {
    /// The bot's username, once known.
    pub fn bot_username(&self) -> Option<String> {
        self.bot_username.get().cloned()
    }

    /// Learns the bot's username (from Telegram's getMe).
    pub fn set_bot_username(&self, name: &str) {
        let _ = self.bot_username.set(name.to_string());
    }
}

/// Every ten minutes, removes uploads and 1C exchanges nobody finished.
fn sweep(web: &Web) {
    let (uploads, onec) = (Arc::downgrade(&web.uploads), Arc::downgrade(&web.onec));
    tokio::spawn(async move {
        loop {
            let (Some(u), Some(o)) = (uploads.upgrade(), onec.upgrade()) else { return };
            let _ = tokio::task::spawn_blocking(move || {
                u.expire();
                o.expire();
            })
            .await;
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        }
    });
}

/// `GET /healthz`: the process is alive and answers (no database work).
async fn healthz() -> axum::response::Response {
    use axum::response::IntoResponse;
    axum::Json(serde_json::json!({ "status": "alive" })).into_response()
}

/// `GET /readyz`: the database answers and its schema is current; 200 only
/// then, else 503. The bot's connection to Telegram is said too.
async fn readyz(axum::extract::State(web): axum::extract::State<Web>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let app = web.app.clone();
    let r = tokio::task::spawn_blocking(move || crate::services::health::readiness(&app)).await.unwrap_or_else(|e| {
        crate::services::health::Readiness {
            database: false,
            schema_version: None,
            schema_current: false,
            error: Some(e.to_string()),
        }
    });
    let code = if r.ready() { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE };
    let status = if r.ready() { "ready" } else { "not ready" };
    // The bot's state is told, not judged: the panel, the Mini App and 1C are
    // served while Telegram is away, and a restart would not bring it back.
    let bot = web.app.telemetry.bot.state();
    (code, axum::Json(serde_json::json!({ "status": status, "database": r, "bot": bot }))).into_response()
}

/// The panel's routes.
pub fn router(web: Web) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/login", get(pages::login))
        .route("/login/link/{token}", get(pages::link_page).post(pages::link_sign_in))
        .route("/login/telegram", get(pages::widget_sign_in))
        .route("/app", get(miniapp::entry))
        .route("/app/session", post(miniapp::sign_in))
        .route("/logout", post(pages::logout))
        .route("/logout/everywhere", post(pages::logout_everywhere))
        .route("/profile", get(pages::profile))
        .route("/people", get(people::list).post(people::add))
        .route("/people/{id}/{what}", post(people::change))
        .route("/dashboard", get(dashboard::show))
        .route("/requests", get(requests::list))
        .route(
            "/requests/new",
            get(employee::new_request)
                .post(employee::file_request)
                .layer(axum::extract::DefaultBodyLimit::max(employee::ATTACHMENT_MAX_BYTES + (1 << 20))),
        )
        .route("/order", get(employee::order).post(employee::place_order))
        .route("/call", get(call::show).post(call::place))
        .route("/profile/branch", post(employee::set_branch))
        .route("/requests/{id}", get(card::show))
        .route("/requests/{id}/files/{attachment}", get(card::file))
        .route("/requests/{id}/{action}", post(card::act))
        .route("/stock", get(stock::show))
        .route("/stock/empties", post(stock::empties))
        .route("/calendars", get(calendars::list).post(calendars::save))
        .route("/calendars/assign", post(calendars::assign))
        .route("/recurring", get(recurring::list).post(recurring::add))
        .route("/recurring/{id}/{action}", post(recurring::toggle))
        .route("/calendars/{code}/days", post(calendars::add_day))
        .route("/calendars/{code}/days/remove", post(calendars::remove_day))
        .route("/calendars/{code}/days/list", post(calendars::add_days))
        .route("/printers", get(printers::list).post(printers::add))
        .route("/printers/{id}", get(printers::show).post(printers::save))
        .route("/printers/{id}/retire", post(printers::retire))
        .route("/refills", get(refills::list).post(refills::send))
        .route("/refills/contractors", post(refills::add_contractor))
        .route("/refills/{id}", get(refills::show))
        .route("/refills/{id}/receive", post(refills::receive))
        .route("/refills/{id}/handover", get(refills::handover))
        .route("/refills/{id}/handover.xlsx", get(refills::handover_xlsx))
        .route(
            "/stock/import",
            post(stock::upload).layer(axum::extract::DefaultBodyLimit::max(stock::UPLOAD_MAX_BYTES + (1 << 20))),
        )
        .route("/stock/import/{token}/{what}", post(stock::confirm))
        .route("/reports", get(reports::show))
        .route("/reports/{file}", get(reports::download))
        // The body is read by the handler, after the sign-in check, up to the limit it answered.
        .route(
            "/1c/exchange",
            get(onec::exchange).post(onec::exchange).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/events", get(events::stream))
        .route("/language", post(pages::set_language))
        .route("/assets/{name}", get(assets::serve))
        .fallback(pages::not_found)
        // Pages, styles and scripts travel compressed (the event stream and
        // images as they are).
        .layer(tower_http::compression::CompressionLayer::new())
        // A bug of ours is a 500 and a log line, not a dropped connection.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(security::panicked))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(web)
}
