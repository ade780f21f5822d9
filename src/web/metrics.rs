//! `GET /metrics` for Prometheus (only with `HELPDESK_METRICS=on`), on the
//! panel's listener or on one of its own (`HELPDESK_METRICS_LISTEN`), and the
//! layer that counts every HTTP request by route, method and status and
//! times it. What is measured is `services::metrics`'.

use crate::services::App;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::time::Instant;

/// The `/metrics` route.
pub fn routes(app: App) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(app)
}

/// `routes` with every request counted and timed.
pub fn counted(routes: Router, app: App) -> Router {
    routes.layer(axum::middleware::from_fn_with_state(app, count))
}

async fn scrape(State(app): State<App>) -> Response {
    match tokio::task::spawn_blocking(move || crate::services::metrics::render(&app)).await {
        Ok(Ok(text)) => {
            ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "cannot render the metrics");
            (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
        }
        Err(e) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn count(State(app): State<App>, request: Request, next: Next) -> Response {
    // The route's pattern, never the path itself (ids would make a series each).
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_string();
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    let method = match method.as_str() {
        m @ ("GET" | "POST" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "PATCH") => m,
        _ => "other",
    };
    app.telemetry.metrics.http(&route, method, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}
