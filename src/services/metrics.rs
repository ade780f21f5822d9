//! Metrics for Prometheus (`/metrics`, when `HELPDESK_METRICS=on`): what an
//! operator alerts on. Counted as it happens in this process: HTTP requests
//! by route and status with their latency, Telegram updates handled and
//! failed, database errors. Read from the store at each scrape, so every
//! instance and every cron run shows: the outbox's depth and its oldest due
//! message's age (a stuck Telegram shows here first), the oldest unapplied
//! update, open requests by status and kind, SLA breaches now, job runs by
//! job and result with the last success, 1C's exchanges by result.
//!
//! Not here: serving them (the web front end), or deciding what is alarming
//! (the example rules in `scripts/prometheus-alerts.yml`).

use super::{App, Result};
use crate::domain::{Kind, Named, Status};
use crate::store::RequestQuery;
use chrono::{DateTime, Utc};
use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};
use std::sync::atomic::{AtomicU64, Ordering};

/// Store failures (not refusals such as a conflict or too little stock)
/// anywhere in this process, counted where they become a service error.
static DATABASE_ERRORS: AtomicU64 = AtomicU64::new(0);

/// Counts one database failure.
pub(crate) fn database_error() {
    DATABASE_ERRORS.fetch_add(1, Ordering::Relaxed);
}

/// The counters this process keeps.
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_seconds: HistogramVec,
    updates: IntCounterVec,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let http_requests = IntCounterVec::new(
            Opts::new("helpdesk_http_requests_total", "HTTP requests answered, by route, method and status."),
            &["route", "method", "status"],
        )
        .expect("a valid metric");
        let http_seconds = HistogramVec::new(
            HistogramOpts::new(
                "helpdesk_http_request_duration_seconds",
                "Time to answer an HTTP request (to its first byte for event streams), by route.",
            )
            .buckets(vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["route"],
        )
        .expect("a valid metric");
        let updates = IntCounterVec::new(
            Opts::new(
                "helpdesk_telegram_updates_total",
                "Telegram updates this process handled, by result (handled, failed: not recorded, handled again later).",
            ),
            &["result"],
        )
        .expect("a valid metric");
        register(&registry, http_requests.clone());
        register(&registry, http_seconds.clone());
        register(&registry, updates.clone());
        // Both results show from the start, as 0.
        updates.with_label_values(&["handled"]);
        updates.with_label_values(&["failed"]);
        Metrics { registry, http_requests, http_seconds, updates }
    }

    /// One HTTP request answered: `route` is the route's pattern (`/requests/{id}`), never the path itself.
    pub fn http(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.http_requests.with_label_values(&[route, method, &status.to_string()]).inc();
        self.http_seconds.with_label_values(&[route]).observe(seconds);
    }

    /// One Telegram update handled (`ok`) or left to be handled again.
    pub fn update(&self, ok: bool) {
        self.updates.with_label_values(&[if ok { "handled" } else { "failed" }]).inc();
    }
}

/// Everything, in Prometheus' text format: this process's counters and what
/// the store says now. When the store does not answer, the counters still
/// come, with `helpdesk_database_up 0`.
pub fn render(app: &App) -> Result<String> {
    let scrape = Registry::new();
    let database_up = match watched(app, &scrape) {
        Ok(()) => 1.0,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: cannot read the database");
            0.0
        }
    };
    register(&scrape, gauge("helpdesk_database_up", "1 when the database answered this scrape, else 0.", database_up));
    register(
        &scrape,
        gauge(
            "helpdesk_telegram_up",
            "1 while this process's bot is connected to Telegram, 0 while it connects or retries.",
            if app.telemetry.bot.state().connected() { 1.0 } else { 0.0 },
        ),
    );
    let db_errors = IntCounter::new(
        "helpdesk_database_errors_total",
        "Database failures this process met (refusals such as a conflict not counted).",
    )
    .expect("a valid metric");
    db_errors.inc_by(DATABASE_ERRORS.load(Ordering::Relaxed));
    register(&scrape, db_errors);
    let build = IntGaugeVec::new(Opts::new("helpdesk_build_info", "Always 1; the version is a label."), &["version"])
        .expect("a valid metric");
    build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
    register(&scrape, build);

    let mut families = app.telemetry.metrics.registry.gather();
    families.extend(scrape.gather());
    let mut out = Vec::new();
    TextEncoder::new().encode(&families, &mut out).map_err(|e| super::Error::Internal(e.to_string()))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn gauge(name: &str, help: &str, v: f64) -> Gauge {
    let g = Gauge::new(name, help).expect("a valid metric");
    g.set(v);
    g
}

fn register(registry: &Registry, c: impl prometheus::core::Collector + 'static) {
    registry.register(Box::new(c)).expect("each metric registered once");
}

/// What the store says now, into `scrape`.
fn watched(app: &App, scrape: &Registry) -> Result<()> {
    let now = app.now();
    let mut tx = app.store.read()?;
    let watched = tx.watched(now)?;
    let rules = super::sla::rules_in(&mut *tx, app)?;
    let times = tx.request_times(&RequestQuery::open())?;
    drop(tx);

    let age = |at: Option<DateTime<Utc>>| at.map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0);
    register(
        scrape,
        gauge(
            "helpdesk_outbox_depth",
            "Messages (Telegram and email) not yet sent (nor given up).",
            watched.outbox_depth as f64,
        ),
    );
    register(
        scrape,
        gauge(
            "helpdesk_outbox_oldest_age_seconds",
            "How long the oldest message due (broadcasts aside) has waited to be sent; 0 when none waits.",
            age(watched.outbox_oldest),
        ),
    );
    let failed = IntCounter::new("helpdesk_outbox_failed_total", "Messages given up on after their retries.")
        .expect("a valid metric");
    failed.inc_by(watched.outbox_failed.max(0).unsigned_abs());
    register(scrape, failed);
    register(
        scrape,
        gauge(
            "helpdesk_telegram_updates_pending",
            "Telegram updates received and not yet applied.",
            watched.inbox_pending as f64,
        ),
    );
    register(
        scrape,
        gauge(
            "helpdesk_telegram_oldest_unapplied_update_age_seconds",
            "How long the oldest update received and not yet applied has waited; 0 when none waits.",
            age(watched.inbox_oldest),
        ),
    );

    let requests = IntGaugeVec::new(
        Opts::new("helpdesk_requests_open", "Open requests by status (new, accepted, waiting) and kind."),
        &["status", "kind"],
    )
    .expect("a valid metric");
    let breaches = IntGaugeVec::new(
        Opts::new("helpdesk_sla_breaches", "Open requests past their service level now, by kind."),
        &["kind"],
    )
    .expect("a valid metric");
    for kind in Kind::ALL {
        for status in ["new", "accepted", "waiting"] {
            requests.with_label_values(&[status, kind.as_str()]);
        }
        breaches.with_label_values(&[kind.as_str()]);
    }
    for r in &times {
        let status = match r.status {
            Status::New => "new",
            _ if r.waiting_since.is_some() => "waiting",
            _ => "accepted",
        };
        requests.with_label_values(&[status, r.kind.as_str()]).inc();
        if super::sla::breached_times(&rules, r, now) {
            breaches.with_label_values(&[r.kind.as_str()]).inc();
        }
    }
    register(scrape, requests);
    register(scrape, breaches);

    let runs = IntCounterVec::new(
        Opts::new(
            "helpdesk_job_runs_total",
            "Finished runs of each job (serve's or cron's) by name and result (ok, failed); `name`, as `job` is Prometheus' own.",
        ),
        &["name", "result"],
    )
    .expect("a valid metric");
    let last_ok = IntGaugeVec::new(
        Opts::new(
            "helpdesk_job_last_success_timestamp_seconds",
            "When each job last finished well (Unix time), by name.",
        ),
        &["name"],
    )
    .expect("a valid metric");
    for (job, ok, n, last) in &watched.job_runs {
        runs.with_label_values(&[job.as_str(), if *ok { "ok" } else { "failed" }]).inc_by(n.max(&0).unsigned_abs());
        if *ok && let Some(t) = last {
            last_ok.with_label_values(&[job.as_str()]).set(t.timestamp());
        }
    }
    register(scrape, runs);
    register(scrape, last_ok);
    let onec = IntCounterVec::new(
        Opts::new(
            "helpdesk_onec_exchanges_total",
            "1C exchange steps recorded, by kind (catalog, sale, odata) and result (ok, failed).",
        ),
        &["kind", "result"],
    )
    .expect("a valid metric");
    for (kind, ok, n) in &watched.onec_exchanges {
        onec.with_label_values(&[kind.as_str(), if *ok { "ok" } else { "failed" }]).inc_by(n.max(&0).unsigned_abs());
    }
    register(scrape, onec);
    Ok(())
}
