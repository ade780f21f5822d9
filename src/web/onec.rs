//! The site side of 1C:Enterprise's "exchange with a site" (CommerceML 2 over
//! HTTP), at `/1c/exchange`: 1C signs in with HTTP Basic auth, uploads its
//! catalog and balances in pieces, and asks for them to be imported; the
//! `import-1c` service does that as `helpdesk import-1c` would (one
//! transaction, the same matching, a repeat recognised, audited).
//!
//! The protocol, as 1C speaks it: every call is `?type=catalog&mode=...`;
//! answers are plain text lines. `checkauth` answers `success`, a cookie name
//! and its value, which every later call carries; `init` says whether zip
//! archives are wanted (no: 1C then sends the XML files as they are) and how
//! large one upload may be (1C splits a larger file into several posts);
//! `file` appends a post to the named file; `import` imports what arrived;
//! `deactivate` and `complete` end it. Anything refused is `failure` and the
//! reason, with nothing changed.
//!
//! An exchange lives in this process's memory and in a directory of its own
//! under the system's temporary directory, for at most [`SESSION_TTL`].

use super::Web;
use crate::services::import_1c::{self, ImportOptions};
use crate::services::{Actor, NoProgress};
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The cookie an exchange is known by.
pub const COOKIE: &str = "helpdesk_1c";
/// How long an exchange may last from its `checkauth`.
pub const SESSION_TTL: Duration = Duration::from_secs(3600);

struct Exchange {
    dir: PathBuf,
    started: Instant,
    /// Bytes uploaded so far, all files together.
    uploaded: u64,
}

/// The exchanges under way, by cookie value.
#[derive(Default)]
pub struct Exchanges {
    inner: Mutex<HashMap<String, Exchange>>,
}

impl Exchanges {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Exchange>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets (and deletes) exchanges past their time, and any folder of
    /// ours older than that (left by a process that stopped).
    pub fn expire(&self) {
        super::stock::sweep("helpdesk-1c-", SESSION_TTL);
        let old: Vec<Exchange> = {
            let mut map = self.lock();
            let stale: Vec<String> =
                map.iter().filter(|(_, e)| e.started.elapsed() > SESSION_TTL).map(|(k, _)| k.clone()).collect();
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
    let same = |a: &str, b: &str| {
        use sha2::{Digest, Sha256};
        // Equal-length digests, compared without an early exit.
        let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
        x.iter().zip(y.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    };
    same(u, user) & same(p, password.expose())
}

/// A file name 1C gives, as a path inside the exchange's directory: subfolders
/// are allowed; `..`, `.`, absolute paths and drive letters are not.
pub fn inside(dir: &Path, filename: &str) -> Option<PathBuf> {
    if filename.is_empty() || filename.contains('\0') || filename.starts_with(['/', '\\']) {
        return None;
    }
    let mut path = dir.to_path_buf();
    for part in filename.split(['/', '\\']) {
        if part.is_empty() || part == "." || part == ".." || part.contains(':') {
            return None;
        }
        path.push(part);
    }
    Some(path)
}

/// `GET|POST /1c/exchange`.
pub async fn exchange(
    State(web): State<Web>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<Params>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    if web.app.settings.onec.user.is_none() {
        return failure("the exchange with 1C is off; set HELPDESK_ONEC_EXCHANGE_USER and _PASSWORD");
    }
    match q.kind.as_deref() {
        Some("catalog") => {}
        Some(other) => return failure(format!("type={other} is not taken here; use type=catalog")),
        None => return failure("no type; use type=catalog"),
    }
    let mode = q.mode.as_deref().unwrap_or_default();
    if mode == "checkauth" {
        if !web.onec_attempts.allowed(super::security::client_ip(peer, &headers)) {
            return failure("too many failed sign-ins from this address; wait ten minutes");
        }
        if !authorised(&web, &headers) {
            web.onec_attempts.failed(super::security::client_ip(peer, &headers));
            tracing::warn!(%peer, "1C exchange: a wrong user name or password");
            return failure("wrong user name or password");
        }
        web.onec.expire();
        let Ok(token) = crate::services::web::random_token() else { return failure("no randomness; try again") };
        let dir = std::env::temp_dir().join(format!("helpdesk-1c-{}", &token[..32]));
        if let Err(e) = super::stock::private_dir(&dir) {
            tracing::error!(error = %e, "1C exchange: cannot make its directory");
            return failure("cannot keep the upload on this server");
        }
        web.onec.lock().insert(token.clone(), Exchange { dir, started: Instant::now(), uploaded: 0 });
        tracing::info!(%peer, "1C exchange: signed in");
        return text(format!("success\n{COOKIE}\n{token}"));
    }
    let token = super::session::cookie(&headers, COOKIE).map(str::to_string).unwrap_or_default();
    let (dir, fresh) = match web.onec.lock().get(&token) {
        Some(e) if e.started.elapsed() <= SESSION_TTL => (e.dir.clone(), true),
        Some(e) => (e.dir.clone(), false),
        None => return failure("no exchange under way: start with mode=checkauth"),
    };
    if !fresh {
        return failure("this exchange is over an hour old: start again with mode=checkauth");
    }
    let limit = web.app.settings.onec.file_limit;
    match mode {
        "init" => {
            // A fresh upload area for this exchange.
            let _ = tokio::fs::remove_dir_all(&dir).await;
            let _ = super::stock::private_dir(&dir);
            if let Some(e) = web.onec.lock().get_mut(&token) {
                e.uploaded = 0;
            }
            text(format!("zip=no\nfile_limit={limit}"))
        }
        "file" => {
            let Some(path) = q.filename.as_deref().and_then(|f| inside(&dir, f)) else {
                return failure("a file name must be a relative path inside the upload, without '..'");
            };
            // The body is read only now, from someone signed in, and no larger than the limit answered.
            let cap = usize::try_from(limit).unwrap_or(usize::MAX);
            let body = match axum::body::to_bytes(request.into_body(), cap).await {
                Ok(b) => b,
                Err(_) => return failure(format!("a post is over file_limit={limit} bytes")),
            };
            {
                let mut map = web.onec.lock();
                let Some(e) = map.get_mut(&token) else { return failure("the exchange ended") };
                if e.uploaded + body.len() as u64 > web.app.settings.onec.upload_max {
                    return failure(format!(
                        "the upload is over {} bytes in all (HELPDESK_ONEC_UPLOAD_MAX)",
                        web.app.settings.onec.upload_max
                    ));
                }
                e.uploaded += body.len() as u64;
            }
            let write = async {
                use tokio::io::AsyncWriteExt;
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent).await?;
                }
                let mut f = tokio::fs::OpenOptions::new().create(true).append(true).open(&path).await?;
                f.write_all(&body).await?;
                f.flush().await
            }
            .await;
            match write {
                Ok(()) => text("success".into()),
                Err(e) => {
                    tracing::error!(error = %e, "1C exchange: cannot keep an upload");
                    failure("cannot keep the upload on this server")
                }
            }
        }
        "import" => {
            let name = q.filename.clone().unwrap_or_default();
            let Some(path) = inside(&dir, &name) else {
                return failure("a file name must be a relative path inside the upload, without '..'");
            };
            if !path.exists() {
                return failure(format!("{name} was not uploaded in this exchange"));
            }
            let base = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
            // The catalog alone changes no stock: it is read with the balances that follow.
            if base.starts_with("import") || base.starts_with("prices") {
                return text("success".into());
            }
            // With the catalog files beside it (import.xml, or import0_1.xml and the like).
            let mut files = vec![path.clone()];
            if let Some(Ok(entries)) = path.parent().map(std::fs::read_dir) {
                let mut catalogs: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        let n = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
                        n.starts_with("import") && n.ends_with(".xml") && p.is_file()
                    })
                    .collect();
                catalogs.sort();
                files.splice(0..0, catalogs);
            }
            let result = super::pages::call(&web, move |app| {
                let options = ImportOptions { dry_run: false, warehouse: None, map: None, sheet: None };
                import_1c::import(app, &Actor::System("1c-exchange"), &files, &options, &NoProgress)
            })
            .await;
            match result {
                Ok(r) => {
                    tracing::info!(file = %name, changed = r.stock_changed, repeat = r.already_imported.is_some(), "1C exchange: imported");
                    text("success".into())
                }
                // An offers.xml of CommerceML 2.10 holds prices, not balances: they come in rests.xml.
                Err(crate::services::Error::Invalid(why)) if why.starts_with(import_1c::NO_BALANCES) => {
                    tracing::info!(file = %name, "1C exchange: no balances in this file");
                    text("success".into())
                }
                Err(e) => {
                    tracing::warn!(file = %name, error = %e, "1C exchange: import refused");
                    // Where this server keeps the upload is not 1C's business.
                    failure(e.to_string().replace(&format!("{}/", dir.display()), ""))
                }
            }
        }
        "deactivate" => text("success".into()),
        "complete" => {
            let done = web.onec.lock().remove(&token);
            if let Some(e) = done {
                let _ = tokio::fs::remove_dir_all(&e.dir).await;
            }
            text("success".into())
        }
        other => failure(format!("mode={other} is not known; 1C uses checkauth, init, file, import")),
    }
}

#[cfg(test)]
mod tests {
    use super::inside;
    use std::path::Path;

    #[test]
    fn uploads_stay_inside_their_directory() {
        let dir = Path::new("/tmp/x");
        assert_eq!(inside(dir, "offers.xml").unwrap(), Path::new("/tmp/x/offers.xml"));
        assert_eq!(inside(dir, "import_files/ab/photo.jpg").unwrap(), Path::new("/tmp/x/import_files/ab/photo.jpg"));
        for bad in ["", "../../etc/passwd", "/etc/passwd", "a/../../b", "\\\\server\\share", "C:\\x.xml", "a//b", "./a"]
        {
            assert!(inside(dir, bad).is_none(), "{bad}");
        }
    }
}
