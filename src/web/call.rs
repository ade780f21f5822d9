//! The urgent server-room call, for everyone: one button, the same service
//! and cooldown as the bot's 🚨 (staff on duty are told in Telegram at once).

use super::Web;
use super::pages::{Flash, Page, call, html, refused};
use super::session::{self, SignedIn};
use crate::i18n::{Msg, W, t, w};
use crate::services::calls::{self, CallOutcome};
use askama::Template;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    page: Page,
    csrf: String,
    key: String,
}

fn render(who: &SignedIn, flash: Option<Flash>) -> Response {
    let mut page = Page::signed_in(who, w(who.lang, W::CallTitle), "/call");
    page.narrow = true;
    page.flash = flash;
    let key = crate::services::web::random_token().unwrap_or_default();
    html(CallPage { page, csrf: who.viewer.session.csrf.clone(), key })
}

/// `GET /call`.
pub async fn show(who: SignedIn) -> Response {
    render(&who, None)
}

#[derive(serde::Deserialize)]
pub struct CallForm {
    csrf: String,
    /// Makes a form posted twice one call.
    key: String,
}

/// `POST /call`.
pub async fn place(State(web): State<Web>, who: SignedIn, headers: HeaderMap, Form(f): Form<CallForm>) -> Response {
    let lang = who.lang;
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    let actor = who.viewer.actor();
    let key = format!("web-call:{}:{}", who.viewer.user.telegram_id, f.key.chars().take(64).collect::<String>());
    match call(&web, move |app| calls::call(app, &actor, Some(&key))).await {
        Ok(CallOutcome::Called { notified: 0, .. }) => {
            render(&who, Some(Flash { kind: "bad", text: t(lang, Msg::CallNobody) }))
        }
        Ok(CallOutcome::Called { notified, .. }) => {
            render(&who, Some(Flash { kind: "ok", text: t(lang, Msg::CallSent { n: notified }) }))
        }
        Ok(CallOutcome::Wait(wait)) => {
            let secs = wait.as_secs().max(1);
            let text = t(lang, Msg::CallWait { minutes: secs / 60, seconds: secs % 60 });
            let mut r = render(&who, Some(Flash { kind: "bad", text }));
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            r
        }
        Err(e) => refused(&web, lang, &e),
    }
}
