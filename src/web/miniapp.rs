//! The Telegram Mini App: the panel's pages opened inside Telegram, signed
//! in by Telegram itself. `/app` is what the bot's menu button and its
//! `web_app` buttons open; its script hands the launch data (`initData`,
//! from Telegram's script or the `tgWebAppData` parameter of the URL's
//! fragment) to `POST /app/session`, which checks it with the bot token as
//! Telegram documents, opens the same kind of session as the panel's, and
//! goes on to the screen asked for (`startapp=`): the order form, a new
//! request, a request card, or the person's requests.

use super::Web;
use super::pages::{Page, call, error_page, html, refused};
use super::session::{self, MaybeSignedIn};
use crate::i18n::{W, w};
use crate::services::web as auth;
use askama::Template;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "miniapp.html")]
struct EntryPage {
    page: Page,
    screen: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Screen {
    /// The screen a bot's button asked for (a direct link's comes in the launch data).
    screen: Option<String>,
}

/// `GET /app`: the page Telegram opens; its script signs in.
pub async fn entry(who: MaybeSignedIn, Query(q): Query<Screen>) -> Response {
    let mut page = Page::new(who.lang, w(who.lang, W::MiniAppTitle));
    page.narrow = true;
    page.in_app = true;
    let screen = q.screen.unwrap_or_default().chars().filter(char::is_ascii_alphanumeric).take(20).collect();
    html(EntryPage { page, screen })
}

#[derive(serde::Deserialize)]
pub struct LaunchForm {
    init_data: String,
    screen: Option<String>,
}

/// Where a direct link (`t.me/<bot>?startapp=...`) goes: `order`, `new`,
/// `r<number>` (a request card); anything else, the person's requests.
pub fn screen(start_param: Option<&str>) -> String {
    match start_param {
        Some("order") => "/order".into(),
        Some("new") => "/requests/new".into(),
        Some("call") => "/call".into(),
        Some(p) if p.len() > 1 && p.starts_with('r') && p[1..].chars().all(|c| c.is_ascii_digit()) => {
            match p[1..].parse::<i64>() {
                Ok(id) if id > 0 => format!("/requests/{id}"),
                _ => "/requests".into(),
            }
        }
        _ => "/requests".into(),
    }
}

/// `POST /app/session`: signs in with the launch data, then to the screen asked for.
pub async fn sign_in(
    State(web): State<Web>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    who: MaybeSignedIn,
    headers: HeaderMap,
    Form(f): Form<LaunchForm>,
) -> Response {
    let lang = who.lang;
    if !session::same_origin(&web, &headers) {
        return error_page(&web, lang, StatusCode::BAD_REQUEST, None);
    }
    if !web.attempts.allowed(super::security::client_ip(peer, &headers)) {
        return error_page(&web, lang, StatusCode::TOO_MANY_REQUESTS, None);
    }
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(String::from);
    let asked = f.screen.clone();
    match call(&web, move |app| auth::sign_in_with_mini_app(app, &f.init_data, agent.as_deref())).await {
        Ok((signed, start)) => {
            let mut r = Redirect::to(&screen(start.as_deref().or(asked.as_deref()))).into_response();
            r.headers_mut().append(header::SET_COOKIE, session::framed_session_cookie(&web, &signed.cookie));
            r
        }
        Err(e) => {
            web.attempts.failed(super::security::client_ip(peer, &headers));
            match &e {
                crate::services::Error::Refused(_) => {
                    let why = e.describe(lang).unwrap_or_default();
                    let text = format!("{why} {}", w(lang, W::MiniAppReopen));
                    error_page(&web, lang, StatusCode::UNAUTHORIZED, Some(text))
                }
                _ => refused(&web, lang, &e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::screen;

    #[test]
    fn direct_links_open_their_screen_and_nothing_else() {
        assert_eq!(screen(Some("order")), "/order");
        assert_eq!(screen(Some("new")), "/requests/new");
        assert_eq!(screen(Some("call")), "/call");
        assert_eq!(screen(Some("r42")), "/requests/42");
        assert_eq!(screen(Some("r")), "/requests");
        assert_eq!(screen(Some("r0")), "/requests");
        assert_eq!(screen(Some("r4x")), "/requests");
        assert_eq!(screen(Some("//evil.example")), "/requests");
        assert_eq!(screen(None), "/requests");
    }
}
