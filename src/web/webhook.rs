//! Telegram's webhook calls (`serve --webhook-url`): each update is checked
//! for the secret token, stored in the inbox, acknowledged, and handed to
//! whoever handles updates (the bot, wired up by `serve`).
//!
//! Not here: handling an update (that is the bot's), or setting the webhook.

use crate::services::serve::Instance;
use crate::services::{App, inbox, telegram};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::sync::Arc;
use teloxide::types::Update;
use tokio::sync::mpsc;

#[derive(Clone)]
struct Hook {
    app: App,
    instance: Instance,
    secret: Arc<str>,
    tx: mpsc::Sender<Update>,
}

/// The route at `path` that takes Telegram's calls carrying `secret`,
/// handing each newly stored update to `tx`.
/// Updates are stored as received by `instance`, whose heartbeat says it handles them.
pub fn routes(app: App, instance: Instance, path: &str, secret: String, tx: mpsc::Sender<Update>) -> Router {
    let hook = Hook { app, instance, secret: secret.into(), tx };
    Router::new().route(path, axum::routing::post(receive)).with_state(hook)
}

/// One webhook call: checked, stored, acknowledged, then handled. A call
/// that cannot be stored is refused, and Telegram sends it again.
async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers.get("x-telegram-bot-api-secret-token").map(|v| v.as_bytes()).unwrap_or_default();
    if !super::security::same_secret(given, hook.secret.as_bytes()) {
        tracing::warn!("a webhook call without the right secret token; refused");
        return StatusCode::UNAUTHORIZED;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(error = %e, "a webhook call that is not an update; refused");
            return StatusCode::BAD_REQUEST;
        }
    };
    let row = telegram::inbox_row(&update);
    let (app, by) = (hook.app.clone(), hook.instance.clone());
    match tokio::task::spawn_blocking(move || inbox::receive(&app, &[row], &by)).await {
        Ok(Ok(0)) => StatusCode::OK, // sent again; some process has it already
        Ok(Ok(_)) => {
            let _ = hook.tx.send(update).await;
            StatusCode::OK
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "cannot store a received update; Telegram will send it again");
            StatusCode::SERVICE_UNAVAILABLE
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot store a received update; Telegram will send it again");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
