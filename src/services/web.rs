//! Signing in to the web panel and the sessions that follow, on the store
//! (both backends), so any `serve` instance serves any session.
//!
//! The identity is the Telegram ID, as everywhere in the product. A person
//! signs in with a one-time link (the bot's `/web`, or `helpdesk web
//! login-link` for a sysadmin), valid for [`LINK_VALID`] and usable once, or
//! with the Telegram Login Widget. The browser then holds a random session
//! token in a cookie; the store keeps only its SHA-256, with the person and
//! the session's CSRF value. Who the person is and what they may do is read
//! from the store on every request ([`viewer`]), so a block or a demotion
//! takes effect at the next click. Not here: cookies, headers and pages
//! (`web::`).

use super::{Actor, App, AuditEvent, Error, Result, audit, directory, effective_role};
use crate::domain::audit::AuditAction;
use crate::domain::telegram_auth::{self, TelegramIdentity};
use crate::domain::{Denied, Entity, Refusal, Role};
use crate::store::{LoginToken, SignedInVia, User, WebSession};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

/// How long a sign-in link works.
pub const LINK_VALID: Duration = Duration::minutes(10);

/// How stale a session's last-seen time may get before a request refreshes
/// it (so reading a page does not write to the database every time).
const SEEN_EVERY: Duration = Duration::minutes(1);

/// A fresh random secret: 32 bytes from the operating system, as hex.
pub fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no randomness from the system: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What is stored of a secret: its SHA-256, as hex.
fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The panel's base URL, or why there is none.
fn base_url(app: &App) -> Result<String> {
    app.settings.web.base_url().ok_or(Error::Refused(Refusal::WebPanelOff))
}

/// A one-time sign-in link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginLink {
    pub url: String,
    pub telegram_id: i64,
    pub expires_at: DateTime<Utc>,
}

/// Makes a sign-in link for `telegram_id`: a person asks for their own (the
/// bot's /web), a sysadmin for anyone's. The person must be known and not blocked.
pub fn login_link(app: &App, actor: &Actor, telegram_id: i64) -> Result<LoginLink> {
    if let Some(me) = actor.telegram_id()
        && me != telegram_id
    {
        return Err(Error::Denied(Denied::NotAuthor));
    }
    let base = base_url(app)?;
    let now = app.now();
    let token = random_token()?;
    let mut tx = app.store.write()?;
    let user = tx.user(telegram_id)?.ok_or_else(|| Error::not_found(Entity::User, telegram_id))?;
    if user.blocked {
        return Err(Error::Denied(Denied::Blocked));
    }
    let expires_at = now + LINK_VALID;
    tx.insert_login_token(&LoginToken {
        token_hash: digest(&token),
        telegram_id,
        created_at: now,
        expires_at,
        used_at: None,
    })?;
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::WebLoginLink, "user", telegram_id).after(json!({ "expires_at": expires_at })),
    )?;
    tx.commit()?;
    Ok(LoginLink { url: format!("{base}/login/link/{token}"), telegram_id, expires_at })
}

/// Whose a sign-in link is, if it can still be used (nothing changes: the
/// page that asks "sign in as …?" shows this; a link preview fetching the
/// URL must not use the link up).
pub fn link_owner(app: &App, token: &str) -> Result<User> {
    let now = app.now();
    let mut tx = app.store.read()?;
    let valid = tx.login_token(&digest(token))?.filter(|t| t.used_at.is_none() && t.expires_at > now);
    let token = valid.ok_or(Error::Refused(Refusal::SignInLinkInvalid))?;
    let user = tx.user(token.telegram_id)?.ok_or(Error::Refused(Refusal::SignInLinkInvalid))?;
    if user.blocked {
        return Err(Error::Denied(Denied::Blocked));
    }
    Ok(user)
}

/// A new session: the cookie's value (the only copy of the secret) and what is stored.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub cookie: String,
    pub session: WebSession,
    pub user: User,
}

/// Signs in with a one-time link: uses it up and opens a session, in one transaction.
pub fn sign_in_with_link(app: &App, token: &str, user_agent: Option<&str>) -> Result<SignedIn> {
    let now = app.now();
    let mut tx = app.store.write()?;
    let telegram_id = tx.use_login_token(&digest(token), now)?.ok_or(Error::Refused(Refusal::SignInLinkInvalid))?;
    let signed_in = open_session(&mut *tx, app, telegram_id, SignedInVia::Link, user_agent, now)?;
    tx.commit()?;
    Ok(signed_in)
}

/// Signs in with the Telegram Login Widget's fields (checked against the bot
/// token); a person new to the help desk is registered as the bot would.
pub fn sign_in_with_widget(app: &App, fields: &[(String, String)], user_agent: Option<&str>) -> Result<SignedIn> {
    let token = app.settings.bot_token.as_ref().ok_or(Error::Refused(Refusal::WebPanelOff))?;
    let now = app.now();
    let who: TelegramIdentity = telegram_auth::verify_login_widget(fields, token.expose(), now)
        .map_err(|e| Error::Refused(Refusal::TelegramSignInRejected { reason: e.to_string() }))?;
    sign_in_as(app, &who, SignedInVia::Widget, user_agent)
}

/// Signs in with a Mini App's launch data (`initData`, checked against the
/// bot token and no older than `WEB_MINI_APP_MAX_AGE`); a person new to the
/// help desk is registered as the bot would, in the language Telegram gives.
/// Returns the session and the screen a direct link asked for (`start_param`).
pub fn sign_in_with_mini_app(
    app: &App,
    init_data: &str,
    user_agent: Option<&str>,
) -> Result<(SignedIn, Option<String>)> {
    let token = app.settings.bot_token.as_ref().ok_or(Error::Refused(Refusal::WebPanelOff))?;
    let max_age = Duration::from_std(app.settings.web.mini_app_max_age).unwrap_or(Duration::days(1));
    let launch = telegram_auth::verify_init_data(init_data, token.expose(), app.now(), max_age)
        .map_err(|e| Error::Refused(Refusal::TelegramSignInRejected { reason: e.to_string() }))?;
    let who = &launch.identity;
    register_if_new(app, who, launch.language_code.clone())?;
    let signed_in = sign_in_as(app, who, SignedInVia::MiniApp, user_agent)?;
    Ok((signed_in, launch.start_param))
}

/// Registers someone Telegram vouched for, as the bot would, unless the help
/// desk knows them already; `language_code` as Telegram gives it, if it does.
fn register_if_new(app: &App, who: &TelegramIdentity, language_code: Option<String>) -> Result<()> {
    if app.store.read()?.user(who.id)?.is_none() {
        directory::register(
            app,
            &directory::Profile {
                telegram_id: who.id,
                first_name: who.first_name.clone(),
                last_name: who.last_name.clone(),
                username: who.username.clone(),
                language_code,
            },
        )?;
    }
    Ok(())
}

/// Opens a session for someone Telegram vouched for (the widget, a Mini App),
/// registering them first if they are new.
pub fn sign_in_as(app: &App, who: &TelegramIdentity, via: SignedInVia, user_agent: Option<&str>) -> Result<SignedIn> {
    register_if_new(app, who, None)?;
    let now = app.now();
    let mut tx = app.store.write()?;
    let signed_in = open_session(&mut *tx, app, who.id, via, user_agent, now)?;
    tx.commit()?;
    Ok(signed_in)
}

fn open_session(
    tx: &mut dyn crate::store::Tx,
    app: &App,
    telegram_id: i64,
    via: SignedInVia,
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SignedIn> {
    let user = tx.user(telegram_id)?.ok_or(Error::Refused(Refusal::SignInLinkInvalid))?;
    if user.blocked {
        return Err(Error::Denied(Denied::Blocked));
    }
    let cookie = random_token()?;
    let max = Duration::from_std(app.settings.web.session_max).unwrap_or(Duration::days(7));
    let mut session = WebSession {
        id: 0,
        token_hash: digest(&cookie),
        telegram_id,
        csrf: random_token()?,
        via,
        created_at: now,
        seen_at: now,
        expires_at: now + max,
        ended_at: None,
        user_agent: user_agent.map(|s| s.chars().take(300).collect()),
    };
    session.id = tx.insert_session(&session)?;
    audit(
        tx,
        now,
        &Actor::Web(telegram_id),
        AuditEvent::new(AuditAction::WebSignIn, "user", telegram_id)
            .after(json!({ "via": via.as_str(), "session": session.id })),
    )?;
    Ok(SignedIn { cookie, session, user })
}

/// The person behind a request to the panel, as the store says now.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub role: Role,
    /// What they may do beyond single requests (see `permissions::granted`):
    /// the pages a front end offers them.
    pub granted: Vec<crate::domain::Permission>,
    pub session: WebSession,
}

impl Viewer {
    pub fn may(&self, p: crate::domain::Permission) -> bool {
        self.granted.contains(&p)
    }
}

impl Viewer {
    pub fn actor(&self) -> Actor {
        Actor::Web(self.user.telegram_id)
    }
}

/// Who holds the session `cookie`, read from the store now; `None` when the
/// session is unknown, ended, past its idle or absolute limit, or its person
/// is blocked (a blocked person's sessions end).
pub fn viewer(app: &App, cookie: &str) -> Result<Option<Viewer>> {
    let now = app.now();
    let idle = Duration::from_std(app.settings.web.session_idle).unwrap_or(Duration::hours(8));
    let mut tx = app.store.read()?;
    let Some(session) = tx.session(&digest(cookie))? else { return Ok(None) };
    if session.ended_at.is_some() || now >= session.expires_at || now - session.seen_at >= idle {
        return Ok(None);
    }
    let Some(user) = tx.user(session.telegram_id)? else { return Ok(None) };
    drop(tx);
    if user.blocked {
        let mut tx = app.store.write()?;
        tx.end_sessions_of(user.telegram_id, now)?;
        tx.commit()?;
        return Ok(None);
    }
    let mut session = session;
    if now - session.seen_at >= SEEN_EVERY {
        let mut tx = app.store.write()?;
        tx.touch_session(session.id, now)?;
        tx.commit()?;
        session.seen_at = now;
    }
    let role = effective_role(&app.settings, user.telegram_id, user.role);
    let who = crate::domain::Principal::User { id: user.telegram_id, role, blocked: false };
    let granted = crate::domain::permissions::granted(&who);
    Ok(Some(Viewer { user, role, granted, session }))
}

/// Ends this session.
pub fn sign_out(app: &App, viewer: &Viewer) -> Result<()> {
    let now = app.now();
    let mut tx = app.store.write()?;
    tx.end_session(viewer.session.id, now)?;
    audit(
        &mut *tx,
        now,
        &viewer.actor(),
        AuditEvent::new(AuditAction::WebSignOut, "user", viewer.user.telegram_id)
            .after(json!({ "session": viewer.session.id })),
    )?;
    tx.commit()?;
    Ok(())
}

/// Ends every session of the viewer, this one included; returns how many.
pub fn sign_out_everywhere(app: &App, viewer: &Viewer) -> Result<u64> {
    end_sessions(app, &viewer.actor(), viewer.user.telegram_id)
}

/// Ends every session of a person: their own, or anyone's for a sysadmin (a
/// lost laptop); returns how many.
pub fn end_sessions(app: &App, actor: &Actor, telegram_id: i64) -> Result<u64> {
    let now = app.now();
    let mut tx = app.store.write()?;
    let who = super::principal(&mut *tx, &app.settings, actor)?;
    if who != crate::domain::Principal::Operator && actor.telegram_id() != Some(telegram_id) {
        return Err(Error::Denied(Denied::SuperAdminOnly));
    }
    tx.user(telegram_id)?.ok_or_else(|| Error::not_found(Entity::User, telegram_id))?;
    let n = tx.end_sessions_of(telegram_id, now)?;
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::WebSignOutEverywhere, "user", telegram_id).after(json!({ "sessions": n })),
    )?;
    tx.commit()?;
    Ok(n)
}

/// The viewer's open sessions, newest first.
pub fn sessions(app: &App, viewer: &Viewer) -> Result<Vec<WebSession>> {
    Ok(app.store.read()?.sessions_of(viewer.user.telegram_id)?)
}

/// A mark that grows whenever anything changes in the help desk (the newest
/// audit record's id): pages that keep themselves current compare it.
pub fn change_mark(app: &App) -> Result<i64> {
    Ok(app.store.read()?.last_log_id()?)
}

/// A way to be told at once when anything changes, in any process, where the
/// store has one (PostgreSQL); `None` where the mark is to be polled.
pub fn change_listener(app: &App) -> Result<Option<Box<dyn crate::store::ChangeListener>>> {
    Ok(app.store.change_listener()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_digest_is_kept() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
        assert_eq!(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
