//! Headers every response carries, and the limit on sign-in attempts.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// No script but our own files, no inline script or style, nothing framing
/// the panel, forms posting only here; Telegram's sign-in frame is the one
/// thing from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; frame-src https://oauth.telegram.org; frame-ancestors 'none'; \
                   form-action 'self'; base-uri 'none'; object-src 'none'";

pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
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
