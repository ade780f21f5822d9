//! The site side of 1C:Enterprise's "exchange with a site" (CommerceML 2 over
//! HTTP), at `/1c/exchange`: the protocol's sessions, uploads and answers.
//! What the steps do is in [`crate::services::onec_exchange`] and
//! [`crate::services::import_1c`].
//!
//! The protocol, as 1C speaks it: every call is `?type=catalog|sale&mode=...`;
//! answers are plain text lines. `checkauth` (HTTP Basic auth) answers
//! `success`, a cookie name and its value, which every later call carries;
//! `init` says whether zip archives are wanted and how large one post may be
//! (1C splits a larger file into several posts).
//!
//! - `type=catalog`: `file` appends a post to the named file; `import`
//!   imports what arrived (unpacking archives first), answering `progress`
//!   while a long import runs (1C asks again); `deactivate`, `complete`.
//! - `type=sale`: `query` answers the cartridge orders issued here that 1C
//!   has not confirmed, as CommerceML documents; `success` confirms them;
//!   `file` takes 1C's order states, recorded on the orders.
//!
//! Anything refused is `failure` and the reason, with nothing changed. Each
//! step that changes or refuses something is recorded (`helpdesk import-1c
//! history`, the stock page).
//!
//! An exchange lives in this process's memory and in a directory of its own
//! under the system's temporary directory, for at most `ONEC_SESSION_TTL`:
//! behind a load balancer, send `/1c/exchange` to one instance.

use super::Web;
use crate::services::Actor;
use crate::services::onec_exchange::{self, CATALOG, SALE, Step, inside};
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The cookie an exchange is known by.
pub const COOKIE: &str = "helpdesk_1c";

/// Who the exchange acts as, in the audit log.
const ACTOR: Actor = Actor::System("1c-exchange");

/// How an import of 1C's files ended: the bytes unpacked, or the reason to give.
type Outcome = std::result::Result<u64, String>;

/// An import under way: the file, and where its outcome appears. Every call
/// for that file waits on the same import (a retry never starts a second).
type Running = (String, tokio::sync::watch::Receiver<Option<Outcome>>);

struct Exchange {
    dir: PathBuf,
    started: Instant,
    /// A short name for the record (not the cookie).
    name: String,
    /// Bytes uploaded so far, all files together.
    uploaded: u64,
    /// Whether `init` asked for zip archives.
    zip: bool,
    /// The import under way, if any.
    importing: Option<Running>,
    /// The cartridge issues the last `type=sale&mode=query` sent.
    sent: Vec<i64>,
}

/// The exchanges under way, by cookie value.
pub struct Exchanges {
    inner: Mutex<HashMap<String, Exchange>>,
    ttl: Duration,
    /// When a wrong password from an address was last recorded: at most one a minute is.
    refusals: Mutex<HashMap<IpAddr, Instant>>,
}

impl Exchanges {
    pub fn new(ttl: Duration) -> Exchanges {
        Exchanges { inner: Mutex::default(), ttl, refusals: Mutex::default() }
    }

    /// Whether a wrong password from `addr` is to be recorded now (not more than once a minute).
    fn record_refusal(&self, addr: IpAddr) -> bool {
        let mut seen = self.refusals.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, at| at.elapsed() < Duration::from_secs(60));
        }
        match seen.get(&addr) {
            Some(at) if at.elapsed() < Duration::from_secs(60) => false,
            _ => {
                seen.insert(addr, Instant::now());
                true
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Exchange>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets (and deletes) exchanges past their time, and any folder of
    /// ours older than that (left by a process that stopped).
    pub fn expire(&self) {
        super::stock::sweep("helpdesk-1c-", self.ttl);
        let old: Vec<Exchange> = {
            let mut map = self.lock();
            let stale: Vec<String> =
                map.iter().filter(|(_, e)| e.started.elapsed() > self.ttl).map(|(k, _)| k.clone()).collect();
            stale.iter().filter_map(|k| map.remove(k)).collect()
        };
        for e in old {
            let _ = std::fs::remove_dir_all(&e.dir);
        }
    }
}

impl Drop for Exchanges {
    fn drop(&mut self) {
        for (_, e) in self.lock().drain() {
            let _ = std::fs::remove_dir_all(&e.dir);
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Params {
    #[serde(rename = "type")]
    kind: Option<String>,
    mode: Option<String>,
    filename: Option<String>,
}

fn text(body: String) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

fn failure(reason: impl std::fmt::Display) -> Response {
    // One line of reason: 1C shows the second line to its administrator.
    let reason = reason.to_string().replace(['\r', '\n'], " ");
    text(format!("failure\n{reason}"))
}

/// Whether the Basic credentials are the configured ones (compared in constant time).
fn authorised(web: &Web, headers: &HeaderMap) -> bool {
    use base64::Engine;
    let onec = &web.app.settings.onec;
    let (Some(user), Some(password)) = (&onec.user, &onec.password) else { return false };
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v.trim()).ok())
        .and_then(|v| String::from_utf8(v).ok())
    else {
        return false;
    };
    let Some((u, p)) = given.split_once(':') else { return false };
    let same = |a: &str, b: &str| super::security::same_secret(a.as_bytes(), b.as_bytes());
    same(u, user) & same(p, password.expose())
}

/// What a step of this exchange is recorded with.
struct Context {
    kind: &'static str,
    session: String,
    peer: String,
}

impl Context {
    fn step(&self, step: &'static str) -> Step {
        Step { session: Some(self.session.clone()), peer: Some(self.peer.clone()), ..Step::new(self.kind, step) }
    }

    /// Records a refusal and answers it.
    async fn refuse(&self, web: &Web, step: &'static str, files: Vec<String>, reason: String) -> Response {
        tracing::warn!(peer = %self.peer, step, %reason, "1C exchange: refused");
        let mut s = self.step(step);
        s.files = files;
        s.detail = reason.clone();
        let app = web.app.clone();
        let _ = tokio::task::spawn_blocking(move || onec_exchange::record_quietly(&app, &s)).await;
        failure(reason)
    }
}

/// `GET|POST /1c/exchange`.
pub async fn exchange(
    State(web): State<Web>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<Params>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let settings = &web.app.settings.onec;
    if settings.user.is_none() {
        return failure("the exchange with 1C is off; set HELPDESK_ONEC_EXCHANGE_USER and _PASSWORD");
    }
    let kind = match q.kind.as_deref() {
        Some("catalog") => CATALOG,
        Some("sale") => SALE,
        Some(other) => return failure(format!("type={other} is not taken here; use type=catalog or type=sale")),
        None => return failure("no type; use type=catalog or type=sale"),
    };
    let client = super::security::client_ip(peer, &headers);
    let mode = q.mode.as_deref().unwrap_or_default();
    if mode == "checkauth" {
        if !web.onec_attempts.allowed(client) {
            return failure("too many failed sign-ins from this address; wait ten minutes");
        }
        if !authorised(&web, &headers) {
            web.onec_attempts.failed(client);
            // Each wrong guess costs the guesser a second; 1C with the right password never waits.
            tokio::time::sleep(Duration::from_secs(1)).await;
            let reason = "wrong user name or password";
            if !web.onec.record_refusal(client) {
                tracing::warn!(%peer, "1C exchange: {reason}");
                return failure(reason);
            }
            let cx = Context { kind, session: String::new(), peer: client.to_string() };
            return cx.refuse(&web, "checkauth", Vec::new(), reason.into()).await;
        }
        let Ok(token) = crate::services::web::random_token() else { return failure("no randomness; try again") };
        let onec = web.onec.clone();
        let dir = tokio::task::spawn_blocking(move || {
            onec.expire();
            onec_exchange::new_upload_dir()
        })
        .await;
        let dir = match dir {
            Ok(Ok(dir)) => dir,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "1C exchange: cannot make its directory");
                return failure("cannot keep the upload on this server");
            }
            Err(e) => return failure(format!("cannot start the exchange: {e}")),
        };
        let name = {
            use sha2::{Digest, Sha256};
            Sha256::digest(token.as_bytes()).iter().take(4).map(|b| format!("{b:02x}")).collect()
        };
        let exchange =
            Exchange { dir, started: Instant::now(), name, uploaded: 0, zip: false, importing: None, sent: Vec::new() };
        web.onec.lock().insert(token.clone(), exchange);
        tracing::info!(%peer, "1C exchange: signed in");
        return text(format!("success\n{COOKIE}\n{token}"));
    }
    let token = super::session::cookie(&headers, COOKIE).map(str::to_string).unwrap_or_default();
    let (dir, fresh, session) = match web.onec.lock().get(&token) {
        Some(e) => (e.dir.clone(), e.started.elapsed() <= web.onec.ttl, e.name.clone()),
        None => return failure("no exchange under way: start with mode=checkauth"),
    };
    let cx = Context { kind, session, peer: client.to_string() };
    if !fresh {
        let ttl = humantime::format_duration(web.onec.ttl);
        let reason =
            format!("this exchange began over {ttl} ago (HELPDESK_ONEC_SESSION_TTL): start again with mode=checkauth");
        return cx.refuse(&web, "session", Vec::new(), reason).await;
    }
    let limit = settings.file_limit;
    match (kind, mode) {
        (_, "init") => {
            // A fresh upload area for this exchange, under a new name; never while an import reads the old one.
            let fresh = tokio::task::spawn_blocking(onec_exchange::new_upload_dir).await;
            let Ok(Ok(fresh)) = fresh else { return failure("cannot keep the upload on this server") };
            let zip = kind == CATALOG && settings.zip;
            let old = {
                let mut map = web.onec.lock();
                let Some(e) = map.get_mut(&token) else { return failure("the exchange ended") };
                if e.importing.as_ref().is_some_and(|(_, rx)| rx.borrow().is_none()) {
                    drop(map);
                    let _ = std::fs::remove_dir(&fresh);
                    return failure("an import of this exchange is still running; ask for it again with mode=import");
                }
                e.uploaded = 0;
                e.zip = zip;
                e.sent.clear();
                e.importing = None;
                std::mem::replace(&mut e.dir, fresh)
            };
            let _ = tokio::fs::remove_dir_all(&old).await;
            text(format!("zip={}\nfile_limit={limit}", if zip { "yes" } else { "no" }))
        }
        (_, "file") => {
            let name = q.filename.clone().unwrap_or_default();
            let Some(path) = inside(&dir, &name) else {
                let reason = "a file name must be a relative path inside the upload, without '..'".to_string();
                return cx.refuse(&web, "file", vec![name], reason).await;
            };
            // The body is read only now, from someone signed in, and no larger than the limit answered.
            let cap = usize::try_from(limit).unwrap_or(usize::MAX);
            let body = match axum::body::to_bytes(request.into_body(), cap).await {
                Ok(b) => b,
                Err(_) => {
                    return cx
                        .refuse(&web, "file", vec![name], format!("a post is over file_limit={limit} bytes"))
                        .await;
                }
            };
            let over = {
                let mut map = web.onec.lock();
                let Some(e) = map.get_mut(&token) else { return failure("the exchange ended") };
                let over = e.uploaded + body.len() as u64 > settings.upload_max;
                if !over {
                    e.uploaded += body.len() as u64;
                }
                over
            };
            if over {
                let reason =
                    format!("the upload is over {} bytes in all (HELPDESK_ONEC_UPLOAD_MAX)", settings.upload_max);
                return cx.refuse(&web, "file", vec![name], reason).await;
            }
            if let Err(e) = append(&path, &body).await {
                tracing::error!(error = %e, "1C exchange: cannot keep an upload");
                return failure("cannot keep the upload on this server");
            }
            // A post of exactly file_limit bytes is a piece of a larger file: the rest follows.
            if kind == SALE && (body.len() as u64) < limit {
                return sale_file(&web, &cx, &path, name).await;
            }
            text("success".into())
        }
        (CATALOG, "import") => import(&web, &cx, &token, &dir, q.filename.clone().unwrap_or_default()).await,
        (SALE, "query") => {
            let app = web.app.clone();
            let step = cx.step("query");
            let query = tokio::task::spawn_blocking(move || onec_exchange::sale_query(&app, &ACTOR, &step)).await;
            match query {
                Ok(Ok(q)) => {
                    let mut s = cx.step("query");
                    s.ok = true;
                    s.detail = q.describe();
                    let app = web.app.clone();
                    let _ = tokio::task::spawn_blocking(move || onec_exchange::record_quietly(&app, &s)).await;
                    if let Some(e) = web.onec.lock().get_mut(&token) {
                        e.sent = q.issue_ids;
                    }
                    let mut r = q.xml.into_response();
                    r.headers_mut()
                        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/xml; charset=utf-8"));
                    r
                }
                Ok(Err(e)) => cx.refuse(&web, "query", Vec::new(), e.to_string()).await,
                Err(e) => cx.refuse(&web, "query", Vec::new(), format!("the query failed: {e}")).await,
            }
        }
        (SALE, "success") => {
            let sent = web.onec.lock().get_mut(&token).map(|e| std::mem::take(&mut e.sent)).unwrap_or_default();
            let (app, step) = (web.app.clone(), cx.step("confirm"));
            let done =
                tokio::task::spawn_blocking(move || onec_exchange::sale_confirm(&app, &ACTOR, &sent, step)).await;
            match done {
                Ok(Ok(n)) => {
                    tracing::info!(confirmed = n, "1C exchange: issued cartridges confirmed");
                    text("success".into())
                }
                Ok(Err(e)) => cx.refuse(&web, "confirm", Vec::new(), e.to_string()).await,
                Err(e) => cx.refuse(&web, "confirm", Vec::new(), format!("the confirmation failed: {e}")).await,
            }
        }
        // 1C calls these for the orders too: nothing to import from them.
        (SALE, "import") | (_, "deactivate") => text("success".into()),
        (_, "complete") => {
            let done = web.onec.lock().remove(&token);
            // An import still under way finishes and is recorded; its folder goes when the sweep finds it.
            if let Some(e) = done.filter(|e| e.importing.as_ref().is_none_or(|(_, rx)| rx.borrow().is_some())) {
                let _ = tokio::fs::remove_dir_all(&e.dir).await;
            }
            text("success".into())
        }
        (_, other) => failure(format!(
            "mode={other} is not known for type={kind}; 1C uses checkauth, init, file, import (catalog) or query, success (sale)"
        )),
    }
}

async fn append(path: &Path, body: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    let mut f = tokio::fs::OpenOptions::new().create(true).append(true).open(path).await?;
    f.write_all(body).await?;
    f.flush().await
}

/// `type=sale&mode=file`: 1C's order states, recorded once the file is whole.
async fn sale_file(web: &Web, cx: &Context, path: &Path, name: String) -> Response {
    let (app, path_owned) = (web.app.clone(), path.to_path_buf());
    let mut step = cx.step("status");
    step.files = vec![name.clone()];
    let done = tokio::task::spawn_blocking(move || onec_exchange::sale_statuses(&app, &ACTOR, &path_owned, step)).await;
    let _ = tokio::fs::remove_file(path).await;
    match done {
        Ok(Ok(r)) => {
            tracing::info!(recorded = r.recorded, ignored = r.ignored, "1C exchange: order states recorded");
            text("success".into())
        }
        Ok(Err(e)) => cx.refuse(web, "status", vec![name], e.to_string()).await,
        Err(e) => cx.refuse(web, "status", vec![name], format!("the file could not be read: {e}")).await,
    }
}

/// `type=catalog&mode=import`: imports the named file (with the catalog beside
/// it), answering `progress` while it runs longer than ONEC_IMPORT_WAIT.
async fn import(web: &Web, cx: &Context, token: &str, dir: &Path, name: String) -> Response {
    if inside(dir, &name).is_none() {
        let reason = "a file name must be a relative path inside the upload, without '..'".to_string();
        return cx.refuse(web, "import", vec![name], reason).await;
    }
    let mut outcome = {
        let mut map = web.onec.lock();
        let Some(e) = map.get_mut(token) else { return failure("the exchange ended") };
        match &e.importing {
            Some((file, rx)) if *file == name => rx.clone(),
            Some((file, rx)) if rx.borrow().is_none() => {
                return failure(format!("{file} is still being imported; ask again for it first"));
            }
            _ => {
                let (tx, rx) = tokio::sync::watch::channel(None);
                let app = web.app.clone();
                let room = app.settings.onec.upload_max.saturating_sub(e.uploaded);
                let (dir, shown, step, zip) = (dir.to_path_buf(), name.clone(), cx.step("import"), e.zip);
                tokio::task::spawn_blocking(move || {
                    let outcome = onec_exchange::import_upload(&app, &ACTOR, &dir, &shown, zip, room, step);
                    let _ = tx.send(Some(outcome));
                });
                e.importing = Some((name.clone(), rx.clone()));
                rx
            }
        }
    };
    let waited = tokio::time::timeout(web.app.settings.onec.import_wait, outcome.wait_for(Option::is_some)).await;
    let result = match waited {
        Ok(Ok(done)) => done.clone(),
        Ok(Err(_)) => Some(Err("the import stopped unexpectedly; send the files again".into())),
        Err(_) => None,
    };
    let Some(result) = result else { return text(format!("progress\nimporting {name}")) };
    {
        let mut map = web.onec.lock();
        if let Some(e) = map.get_mut(token) {
            // Answered: the next import of this name is a new one; what was unpacked counts against the cap.
            if e.importing.as_ref().is_some_and(|(file, _)| *file == name) {
                e.importing = None;
                if let Ok(bytes) = &result {
                    e.uploaded = e.uploaded.saturating_add(*bytes);
                }
            }
        }
    }
    match result {
        Ok(_) => text("success".into()),
        Err(reason) => failure(reason),
    }
}
