//! Headers every response carries, and the limit on sign-in attempts.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// No script but our own files, no inline script or style, forms posting
/// only here; Telegram's sign-in frame is the one thing from elsewhere.
/// Nothing frames the sign-in pages ...
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; frame-src https://oauth.telegram.org; frame-ancestors 'none'; \
                   form-action 'self'; base-uri 'none'; object-src 'none'";

/// ... except Telegram's web clients, which show the Mini App in a frame (and
/// whose own script, for its theme and buttons, the pages may load).
const CSP_MINI_APP: &str = "default-src 'self'; script-src 'self' https://telegram.org; style-src 'self'; \
                   img-src 'self' data:; \
                   connect-src 'self'; frame-src https://oauth.telegram.org; \
                   frame-ancestors https://web.telegram.org https://webk.telegram.org https://webz.telegram.org; \
                   form-action 'self'; base-uri 'none'; object-src 'none'";

/// Whether Telegram's web clients may frame the page at `path`: every page a
/// signed-in person uses (staff in the Mini App go from the queue to the
/// dashboard or stock), never the sign-in pages.
pub fn mini_app_page(path: &str) -> bool {
    !(path == "/login" || path.starts_with("/login/"))
}

pub async fn headers(request: Request, next: Next) -> Response {
    let framed = mini_app_page(request.uri().path());
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if framed {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP_MINI_APP));
    } else {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Sign-in links carry their token in the path: never pass it to another site.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// What a handler that panicked answers.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a web handler panicked");
    let mut r =
        Response::new(axum::body::Body::from("Something went wrong on our side. Please try again in a minute."));
    *r.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

/// The address of the client a request comes from: the connecting peer, or,
/// when that is a reverse proxy on this machine (a loopback address), the
/// client it names last in `X-Forwarded-For` (nginx's
/// `$proxy_add_x_forwarded_for` appends the address it saw) or `X-Real-IP`.
/// Without this every client behind the proxy would share its address, and
/// one person's failed sign-ins would lock everyone out.
pub fn client_ip(peer: std::net::SocketAddr, headers: &axum::http::HeaderMap) -> IpAddr {
    if !peer.ip().is_loopback() {
        return peer.ip();
    }
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .or_else(|| headers.get("x-real-ip").and_then(|v| v.to_str().ok()))
        .and_then(|v| v.trim().parse::<IpAddr>().ok());
    forwarded.unwrap_or(peer.ip())
}

/// Failed sign-in attempts per client address over a sliding window.
#[derive(Default)]
pub struct Attempts {
    failed: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

/// How many failed attempts an address may make in [`WINDOW`].
const MAX_FAILED: usize = 20;
const WINDOW: Duration = Duration::from_secs(600);

impl Attempts {
    /// Whether `addr` may try to sign in now.
    pub fn allowed(&self, addr: IpAddr) -> bool {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let list = failed.entry(addr).or_default();
        list.retain(|t| now.duration_since(*t) < WINDOW);
        list.len() < MAX_FAILED
    }

    /// Counts a failed attempt from `addr`.
    pub fn failed(&self, addr: IpAddr) {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        if failed.len() > 10_000 {
            let now = Instant::now();
            failed.retain(|_, l| l.iter().any(|t| now.duration_since(*t) < WINDOW));
        }
        failed.entry(addr).or_default().push(Instant::now());
    }
}

/// Whether two secrets are the same, compared without an early exit (as
/// equal-length digests), so the time taken tells nothing of either.
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    let (x, y) = (Sha256::digest(given), Sha256::digest(expected));
    x.iter().zip(y.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::{client_ip, mini_app_page};

    #[test]
    fn a_local_proxy_names_the_client_and_nobody_else_may() {
        let headers = |xff: &str| {
            let mut h = axum::http::HeaderMap::new();
            h.insert("x-forwarded-for", xff.parse().unwrap());
            h
        };
        let local: std::net::SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let remote: std::net::SocketAddr = "203.0.113.9:40000".parse().unwrap();
        // Behind nginx on this machine: the address nginx appended, not what the client claimed.
        assert_eq!(client_ip(local, &headers("10.0.0.1, 198.51.100.7")).to_string(), "198.51.100.7");
        assert_eq!(client_ip(local, &headers("garbage")).to_string(), "127.0.0.1");
        assert_eq!(client_ip(local, &axum::http::HeaderMap::new()).to_string(), "127.0.0.1");
        // A client connecting directly cannot pick its address.
        assert_eq!(client_ip(remote, &headers("198.51.100.7")).to_string(), "203.0.113.9");
    }

    #[test]
    fn telegram_may_frame_every_page_but_signing_in() {
        for p in ["/app", "/app/session", "/requests", "/requests/12", "/order", "/call", "/dashboard", "/stock"] {
            assert!(mini_app_page(p), "{p}");
        }
        for p in ["/login", "/login/link/abc", "/login/telegram"] {
            assert!(!mini_app_page(p), "{p}");
        }
    }
}
