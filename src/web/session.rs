//! Who is asking: the session cookie, the person behind it (read from the
//! store on every request, through `services::web`), their language, and
//! the checks every form post passes (same origin, the session's CSRF value).

use super::Web;
use crate::domain::{Lang, Named};
use crate::services::web::{self as auth, Viewer};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};

/// The session cookie. `__Host-` over https: sent only to this host, only
/// over TLS, for every path (browsers enforce all three).
pub fn cookie_name(web: &Web) -> &'static str {
    if web.app.settings.web.https() { "__Host-helpdesk" } else { "helpdesk_session" }
}

/// The cookie holding a language picked in the panel.
const LANG_COOKIE: &str = "helpdesk_lang";

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax (a link from the
/// bot must arrive signed in), Secure over https, for the browser session's
/// life at most as long as the session itself.
pub fn session_cookie(web: &Web, value: &str) -> HeaderValue {
    let max = web.app.settings.web.session_max.as_secs();
    let secure = if web.app.settings.web.https() { "; Secure" } else { "" };
    let v = format!("{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max}{secure}", cookie_name(web));
    HeaderValue::from_str(&v).expect("hex and ASCII")
}

/// `Set-Cookie` for a session opened inside Telegram: Telegram Web shows a
/// Mini App in a frame of its own site, where a SameSite=Lax cookie is not
/// sent, so over https it is SameSite=None and partitioned (kept for that
/// frame only). Form posts are still checked for their origin and CSRF value.
pub fn framed_session_cookie(web: &Web, value: &str) -> HeaderValue {
    if !web.app.settings.web.https() {
        return session_cookie(web, value);
    }
    let max = web.app.settings.web.session_max.as_secs();
    let v =
        format!("{}={value}; Path=/; HttpOnly; SameSite=None; Secure; Partitioned; Max-Age={max}", cookie_name(web));
    HeaderValue::from_str(&v).expect("hex and ASCII")
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(web: &Web) -> HeaderValue {
    let secure = if web.app.settings.web.https() { "; Secure" } else { "" };
    let v = format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", cookie_name(web));
    HeaderValue::from_str(&v).expect("ASCII")
}

/// `Set-Cookie` for a picked language (a year).
pub fn lang_cookie(web: &Web, lang: Lang) -> HeaderValue {
    let secure = if web.app.settings.web.https() { "; Secure" } else { "" };
    let v = format!("{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}", lang.as_str());
    HeaderValue::from_str(&v).expect("ASCII")
}

/// The language to show: picked in the panel, else the person's own, else
/// the browser's first of ru/uk/en, else the configured default.
pub fn language(web: &Web, headers: &HeaderMap, viewer: Option<&Viewer>) -> Lang {
    if let Some(l) = cookie(headers, LANG_COOKIE).and_then(|v| Lang::parse_named(v).ok()) {
        return l;
    }
    if let Some(l) = viewer.and_then(|v| v.user.language) {
        return l;
    }
    let accepted = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    accepted
        .split(',')
        .filter_map(|part| part.split(';').next())
        .find_map(|tag| Lang::from_telegram_code(tag.trim()))
        .unwrap_or(web.app.settings.default_language)
}

/// A signed-in person, for pages that need one. Without a valid session a
/// page request is sent to sign in (and back afterwards); anything else is
/// refused with 401.
pub struct SignedIn {
    pub viewer: Viewer,
    pub lang: Lang,
}

impl FromRequestParts<Web> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Self::Rejection> {
        match MaybeSignedIn::from_request_parts(parts, web).await? {
            MaybeSignedIn { viewer: Some(viewer), lang } => Ok(SignedIn { viewer, lang }),
            MaybeSignedIn { lang, .. } => {
                if parts.method == Method::GET {
                    let here = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                    let next = url::form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>();
                    Err(Redirect::to(&format!("/login?next={next}")).into_response())
                } else {
                    Err(super::pages::error_page(web, lang, axum::http::StatusCode::UNAUTHORIZED, None))
                }
            }
        }
    }
}

/// The person if signed in, and the language either way.
pub struct MaybeSignedIn {
    pub viewer: Option<Viewer>,
    pub lang: Lang,
}

impl FromRequestParts<Web> for MaybeSignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Self::Rejection> {
        let token = cookie(&parts.headers, cookie_name(web)).map(String::from);
        let viewer = match token {
            None => None,
            Some(token) => {
                let app = web.app.clone();
                match tokio::task::spawn_blocking(move || auth::viewer(&app, &token)).await {
                    Ok(Ok(v)) => v,
                    Ok(Err(e)) => {
                        tracing::error!(error = %e, "cannot read a web session");
                        let lang = language(web, &parts.headers, None);
                        return Err(super::pages::error_page(
                            web,
                            lang,
                            axum::http::StatusCode::SERVICE_UNAVAILABLE,
                            None,
                        ));
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "reading a web session failed");
                        None
                    }
                }
            }
        };
        let lang = language(web, &parts.headers, viewer.as_ref());
        Ok(MaybeSignedIn { viewer, lang })
    }
}

/// Whether a state-changing request comes from a page of ours: its `Origin`
/// is the panel's own (the public URL's, or the host it was sent to), or,
/// without one, `Sec-Fetch-Site` says same-origin. A request with neither
/// header is refused: every browser in use sends one of them with a form post.
pub fn same_origin(web: &Web, headers: &HeaderMap) -> bool {
    // `Origin: null` (a privacy setting, a sandbox) says nothing either way.
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).filter(|o| *o != "null") {
        return expected_origins(web, headers).iter().any(|o| o == origin);
    }
    matches!(headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()), Some("same-origin"))
}

fn expected_origins(web: &Web, headers: &HeaderMap) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(u) = &web.app.settings.web.public_url {
        out.push(u.origin().ascii_serialization());
    }
    if web.app.settings.web.public_url.is_none()
        && let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok())
    {
        out.push(format!("http://{host}"));
    }
    out
}

/// Compares the CSRF value a form carried with the session's, in constant time.
/// A post from our own page (same origin) carrying the session's token: the
/// check every form's handler makes before anything else.
pub fn posted(web: &Web, headers: &HeaderMap, viewer: &Viewer, csrf: &str) -> bool {
    same_origin(web, headers) && csrf_ok(viewer, csrf)
}

pub fn csrf_ok(viewer: &Viewer, given: &str) -> bool {
    let want = viewer.session.csrf.as_bytes();
    let given = given.as_bytes();
    want.len() == given.len() && want.iter().zip(given).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}
