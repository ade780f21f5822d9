//! The pages: each handler reads its URL and form, calls a service, and
//! renders a template or redirects (post, redirect, get).

use super::Web;
use super::assets;
use super::session::{self, MaybeSignedIn, SignedIn};
use crate::domain::{Lang, Named};
use crate::i18n::{Msg, W};
use crate::services::{self, web as auth};
use askama::Template;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::net::SocketAddr;

/// What the layout shows around every page.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub me: Option<Me>,
    pub nav: Vec<NavItem>,
    pub flash: Option<Flash>,
    pub narrow: bool,
    /// Full width (tables).
    pub wide: bool,
    /// Opened inside Telegram (a Mini App session, or its entry): Telegram's
    /// script is loaded for its theme and buttons.
    pub in_app: bool,
}

pub struct Me {
    pub name: String,
    pub csrf: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

pub struct Flash {
    /// `ok` or `bad`: a class of the stylesheet.
    pub kind: &'static str,
    pub text: String,
}

impl Page {
    pub fn new(lang: Lang, title: impl Into<String>) -> Page {
        Page {
            lang,
            title: title.into(),
            me: None,
            nav: Vec::new(),
            flash: None,
            narrow: false,
            wide: false,
            in_app: false,
        }
    }

    /// A page for a signed-in person: their name, the sign-out form, and the
    /// places their role may go.
    pub fn signed_in(signed: &SignedIn, title: impl Into<String>, here: &str) -> Page {
        let v = &signed.viewer;
        let mut page = Page::new(signed.lang, title);
        page.me = Some(Me { name: v.user.full_name.clone(), csrf: v.session.csrf.clone() });
        page.nav = nav(signed.lang, v, here);
        page.in_app = v.session.via == crate::domain::model::SignedInVia::MiniApp;
        page
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.as_str()
    }

    pub fn t(&self, w: W) -> &'static str {
        crate::i18n::w(self.lang, w)
    }

    pub fn asset(&self, name: &str) -> &'static str {
        assets::url(name)
    }
}

/// The places a person may go, in the order of the bar: what the services
/// grant them, never a rule of the panel's own.
fn nav(lang: Lang, v: &auth::Viewer, here: &str) -> Vec<NavItem> {
    use crate::domain::Permission;
    let staff = v.may(Permission::ViewQueue);
    let mut items: Vec<(&'static str, W)> = Vec::new();
    if staff {
        items.push(("/dashboard", W::NavDashboard));
    }
    items.push(("/requests", if staff { W::NavRequests } else { W::NavMine }));
    if v.may(Permission::CreateRequest) {
        items.push(("/requests/new", W::NavNewRequest));
        items.push(("/order", W::NavOrder));
        items.push(("/call", W::NavCall));
    }
    if v.may(Permission::ViewStock) {
        items.push(("/stock", W::NavStock));
        items.push(("/printers", W::Printers));
        items.push(("/refills", W::NavRefills));
    }
    if v.may(Permission::ViewReports) {
        items.push(("/reports", W::NavReports));
    }
    if v.may(Permission::ManageDirectory) {
        items.push(("/people", W::NavPeople));
        items.push(("/calendars", W::NavCalendars));
        items.push(("/recurring", W::NavRecurring));
    }
    items.push(("/profile", W::NavProfile));
    items.into_iter().map(|(href, w)| NavItem { href, label: crate::i18n::w(lang, w), current: href == here }).collect()
}

/// The notice after a change the page was redirected to (`?done=WORD`), from
/// the page's own words.
pub fn done_flash(lang: Lang, done: Option<&str>, words: &[(&str, W)]) -> Option<Flash> {
    let done = done?;
    let (_, word) = words.iter().find(|(w, _)| *w == done)?;
    Some(Flash { kind: "ok", text: crate::i18n::w(lang, *word).to_string() })
}

/// A page shown again because what was posted was refused: 422, unless
/// rendering it failed (its own status stands).
pub fn unprocessable(mut r: Response) -> Response {
    if r.status() == StatusCode::OK {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// A refused change as a mistake the person can put right: the reason in
/// their language, to show on the page again; `None` for what is not theirs
/// to do at all (show [`refused`]).
pub fn mistake(lang: Lang, e: &crate::services::Error) -> Option<Flash> {
    match (e, e.describe(lang)) {
        (crate::services::Error::Denied(_), _) | (_, None) => None,
        (_, Some(text)) => Some(Flash { kind: "bad", text }),
    }
}

pub fn html(t: impl Template) -> Response {
    match t.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    page: Page,
    heading: String,
    text: String,
}

/// A page that only says something: not found, not allowed, an error.
/// `text` is what to say (a refusal in the person's language); without it,
/// what the status means.
pub fn error_page(_web: &Web, lang: Lang, status: StatusCode, text: Option<String>) -> Response {
    let w = |x| crate::i18n::w(lang, x);
    let (heading, default) = match status {
        StatusCode::NOT_FOUND => (w(W::NotFoundTitle), w(W::NotFoundText)),
        StatusCode::FORBIDDEN => (w(W::ForbiddenTitle), w(W::ErrorText)),
        StatusCode::TOO_MANY_REQUESTS => (w(W::ForbiddenTitle), w(W::TooManyAttempts)),
        StatusCode::UNAUTHORIZED => (w(W::SignInTitle), w(W::SignInByLinkHow)),
        StatusCode::BAD_REQUEST => (w(W::ForbiddenTitle), w(W::BadForm)),
        _ => (w(W::ErrorTitle), w(W::ErrorText)),
    };
    let mut page = Page::new(lang, heading);
    page.narrow = true;
    let body = MessagePage { page, heading: heading.to_string(), text: text.unwrap_or_else(|| default.to_string()) };
    let mut r = html(body);
    *r.status_mut() = status;
    r
}

/// A service's refusal as a page in the person's language; our own failures
/// are "something went wrong" and a log line.
pub fn refused(web: &Web, lang: Lang, e: &services::Error) -> Response {
    let status = match e {
        services::Error::Denied(_) => StatusCode::FORBIDDEN,
        services::Error::NotFound { .. } => StatusCode::NOT_FOUND,
        services::Error::Store(_) | services::Error::Internal(_) | services::Error::Output(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    match e.describe(lang) {
        Some(text) => error_page(web, lang, status, Some(text)),
        None => {
            tracing::error!(error = %e, "a web request failed");
            error_page(web, lang, StatusCode::INTERNAL_SERVER_ERROR, None)
        }
    }
}

/// Runs a blocking service call off the async runtime.
pub async fn call<T: Send + 'static>(
    web: &Web,
    f: impl FnOnce(&services::App) -> services::Result<T> + Send + 'static,
) -> services::Result<T> {
    let app = web.app.clone();
    tokio::task::spawn_blocking(move || f(&app))
        .await
        .unwrap_or_else(|e| Err(services::Error::Internal(format!("a blocking task failed: {e}"))))
}

/// Whether the page's script asks for the fragment that changes, not the whole page.
pub fn wants_fragment(headers: &HeaderMap) -> bool {
    headers.contains_key("x-fragment")
}

fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(String::from)
}

fn redirect_with_cookie(to: &str, cookies: &[HeaderValue]) -> Response {
    let mut r = Redirect::to(to).into_response();
    for c in cookies {
        r.headers_mut().append(header::SET_COOKIE, c.clone());
    }
    r
}

/// Where to go after signing in: a path of ours only (never another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_string(),
        _ => "/".to_string(),
    }
}

// ---------------------------------------------------------------- signing in

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    widget: Option<String>,
    bot: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct Next {
    next: Option<String>,
    done: Option<String>,
}

/// `GET /login`: the Login Widget where Telegram allows it (a public https
/// domain registered with BotFather), and how to get a link from the bot.
pub async fn login(State(web): State<Web>, who: MaybeSignedIn, Query(q): Query<Next>) -> Response {
    if who.viewer.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    let lang = who.lang;
    let mut page = Page::new(lang, crate::i18n::w(lang, W::SignInTitle));
    page.narrow = true;
    page.flash = flash(lang, q.done.as_deref());
    let bot_username = web.bot_username();
    let widget = match (&web.app.settings.web.public_url, &bot_username) {
        (Some(public), Some(bot)) if public.scheme() == "https" => {
            let origin = public.origin().ascii_serialization();
            let back = format!("{}/login/telegram", public.as_str().trim_end_matches('/'));
            let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            Some(format!(
                "https://oauth.telegram.org/embed/{bot}?origin={}&return_to={}&size=large&userpic=false&request_access=write&lang={}",
                enc(&origin),
                enc(&back),
                lang.as_str()
            ))
        }
        _ => None,
    };
    html(LoginPage { page, widget, bot: bot_username })
}

fn flash(lang: Lang, done: Option<&str>) -> Option<Flash> {
    let w = |x| crate::i18n::w(lang, x).to_string();
    match done? {
        "signed_out" => Some(Flash { kind: "ok", text: w(W::SignedOut) }),
        "signed_out_everywhere" => Some(Flash { kind: "ok", text: w(W::SignedOutEverywhere) }),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "link.html")]
struct LinkPage {
    page: Page,
    name: String,
    username: Option<String>,
    action: String,
}

/// `GET /login/link/{token}`: who the link signs in, and a button to do it.
/// Opening the link changes nothing, so Telegram's link preview (which
/// fetches it) cannot use it up.
pub async fn link_page(State(web): State<Web>, who: MaybeSignedIn, Path(token): Path<String>) -> Response {
    let lang = who.lang;
    let t = token.clone();
    match call(&web, move |app| auth::link_owner(app, &t)).await {
        Ok(user) => {
            let mut page = Page::new(lang, crate::i18n::w(lang, W::SignInAsTitle));
            page.narrow = true;
            html(LinkPage {
                page,
                name: user.full_name,
                username: user.username,
                action: format!("/login/link/{token}"),
            })
        }
        Err(e) => refused(&web, lang, &e),
    }
}

/// `POST /login/link/{token}`: uses the link up and signs in.
pub async fn link_sign_in(
    State(web): State<Web>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    who: MaybeSignedIn,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let lang = who.lang;
    if !session::same_origin(&web, &headers) {
        return error_page(&web, lang, StatusCode::FORBIDDEN, None);
    }
    if !web.attempts.allowed(super::security::client_ip(peer, &headers)) {
        return error_page(&web, lang, StatusCode::TOO_MANY_REQUESTS, None);
    }
    let agent = user_agent(&headers);
    match call(&web, move |app| auth::sign_in_with_link(app, &token, agent.as_deref())).await {
        Ok(signed) => redirect_with_cookie("/", &[session::session_cookie(&web, &signed.cookie)]),
        Err(e) => {
            web.attempts.failed(super::security::client_ip(peer, &headers));
            refused(&web, lang, &e)
        }
    }
}

/// `GET /login/telegram?id=…&hash=…`: where the Login Widget sends people back.
pub async fn widget_sign_in(
    State(web): State<Web>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    who: MaybeSignedIn,
    headers: HeaderMap,
    Query(fields): Query<Vec<(String, String)>>,
) -> Response {
    let lang = who.lang;
    if !web.attempts.allowed(super::security::client_ip(peer, &headers)) {
        return error_page(&web, lang, StatusCode::TOO_MANY_REQUESTS, None);
    }
    let agent = user_agent(&headers);
    match call(&web, move |app| auth::sign_in_with_widget(app, &fields, agent.as_deref())).await {
        Ok(signed) => redirect_with_cookie("/", &[session::session_cookie(&web, &signed.cookie)]),
        Err(e) => {
            web.attempts.failed(super::security::client_ip(peer, &headers));
            refused(&web, lang, &e)
        }
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /logout`.
pub async fn logout(State(web): State<Web>, who: SignedIn, headers: HeaderMap, Form(f): Form<CsrfForm>) -> Response {
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return error_page(&web, who.lang, StatusCode::BAD_REQUEST, None);
    }
    let v = who.viewer.clone();
    match call(&web, move |app| auth::sign_out(app, &v)).await {
        Ok(()) => redirect_with_cookie("/login?done=signed_out", &[session::clear_session_cookie(&web)]),
        Err(e) => refused(&web, who.lang, &e),
    }
}

/// `POST /logout/everywhere`: every session of this person ends.
pub async fn logout_everywhere(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return error_page(&web, who.lang, StatusCode::BAD_REQUEST, None);
    }
    let v = who.viewer.clone();
    match call(&web, move |app| auth::sign_out_everywhere(app, &v)).await {
        Ok(_) => redirect_with_cookie("/login?done=signed_out_everywhere", &[session::clear_session_cookie(&web)]),
        Err(e) => refused(&web, who.lang, &e),
    }
}

// ---------------------------------------------------------------- the person

/// `GET /`: where a person starts: staff at the dashboard, everyone else at their requests.
pub async fn home(who: SignedIn) -> Response {
    if who.viewer.may(crate::domain::Permission::ViewQueue) {
        Redirect::to("/dashboard").into_response()
    } else {
        Redirect::to("/requests").into_response()
    }
}

struct SessionRow {
    since: String,
    seen: String,
    via: &'static str,
    agent: String,
    this: bool,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    page: Page,
    name: String,
    role: String,
    branch: String,
    phone: String,
    telegram_id: i64,
    csrf: String,
    languages: Vec<(&'static str, &'static str)>,
    sessions: Vec<SessionRow>,
}

/// `GET /profile`: who you are, your language, where you are signed in.
pub async fn profile(State(web): State<Web>, who: SignedIn) -> Response {
    let v = who.viewer.clone();
    let lang = who.lang;
    let (sessions, branch) = match call(&web, move |app| {
        let sessions = auth::sessions(app, &v)?;
        let branch = match v.user.branch_id {
            Some(id) => Some(services::directory::branch_by_id(app, id)?),
            None => None,
        };
        Ok((sessions, branch))
    })
    .await
    {
        Ok(x) => x,
        Err(e) => return refused(&web, lang, &e),
    };
    let tz = web.app.settings.timezone;
    let via = |v: crate::domain::model::SignedInVia| {
        crate::i18n::w(
            lang,
            match v {
                crate::domain::model::SignedInVia::Link => W::ViaLink,
                crate::domain::model::SignedInVia::Widget => W::ViaWidget,
                crate::domain::model::SignedInVia::MiniApp => W::ViaMiniApp,
            },
        )
    };
    let user = &who.viewer.user;
    let body = ProfilePage {
        page: Page::signed_in(&who, crate::i18n::w(lang, W::ProfileTitle), "/profile"),
        name: user.full_name.clone(),
        role: crate::i18n::t(lang, Msg::Role(who.viewer.role)),
        branch: branch.map(|b| b.name).unwrap_or_else(|| "—".into()),
        phone: user.phone.clone().unwrap_or_else(|| "—".into()),
        telegram_id: user.telegram_id,
        csrf: who.viewer.session.csrf.clone(),
        languages: Lang::ALL.iter().map(|l| (l.as_str(), language_name(*l))).collect(),
        sessions: sessions
            .into_iter()
            .map(|s| SessionRow {
                since: crate::i18n::when(s.created_at, tz),
                seen: crate::i18n::when(s.seen_at, tz),
                via: via(s.via),
                agent: s.user_agent.map(|a| a.chars().take(60).collect()).unwrap_or_default(),
                this: s.id == who.viewer.session.id,
            })
            .collect(),
    };
    html(body)
}

/// A language's name in itself.
fn language_name(l: Lang) -> &'static str {
    match l {
        Lang::Ru => "Русский",
        Lang::Uk => "Українська",
        Lang::En => "English",
    }
}

#[derive(serde::Deserialize)]
pub struct LanguageForm {
    csrf: String,
    lang: String,
}

/// `POST /language`: the panel's language, kept in a cookie.
pub async fn set_language(
    State(web): State<Web>,
    who: SignedIn,
    headers: HeaderMap,
    Form(f): Form<LanguageForm>,
) -> Response {
    if !session::posted(&web, &headers, &who.viewer, &f.csrf) {
        return error_page(&web, who.lang, StatusCode::BAD_REQUEST, None);
    }
    match Lang::parse_named(&f.lang) {
        Ok(lang) => redirect_with_cookie("/profile", &[session::lang_cookie(&web, lang)]),
        Err(_) => error_page(&web, who.lang, StatusCode::BAD_REQUEST, None),
    }
}

/// Anything else.
pub async fn not_found(State(web): State<Web>, who: MaybeSignedIn) -> Response {
    error_page(&web, who.lang, StatusCode::NOT_FOUND, None)
}
