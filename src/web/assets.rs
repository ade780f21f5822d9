//! The panel's static files, built into the binary: one stylesheet, our own
//! few lines of JavaScript and the icon. Nothing is fetched from elsewhere.
//! Each is served under a name carrying a hash of its content, so browsers
//! may keep it for a year and still see a change at once.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

struct Asset {
    name: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset { name: "app.css", mime: "text/css; charset=utf-8", body: include_bytes!("assets/app.css") },
    Asset { name: "app.js", mime: "text/javascript; charset=utf-8", body: include_bytes!("assets/app.js") },
    Asset { name: "icon.svg", mime: "image/svg+xml", body: include_bytes!("assets/icon.svg") },
];

/// `name` → `name?v=hash`, computed once.
static VERSIONED: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let hash = xxhash_rust::xxh3::xxh3_64(a.body);
            (a.name, format!("/assets/{}?v={hash:016x}", a.name))
        })
        .collect()
});

/// The URL to link `name` by (with its content hash).
pub fn url(name: &str) -> &'static str {
    VERSIONED.iter().find(|(n, _)| *n == name).map(|(_, u)| u.as_str()).unwrap_or("/assets/missing")
}

/// `GET /assets/{name}`.
pub async fn serve(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => {
            let mut r = a.body.into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.mime));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
            r
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
