//! The dashboard: open requests by branch and kind, what is overdue now,
//! opened and closed today and this week, the median times to accept and to
//! close, stock below minimum, and charts per branch and per month. It keeps
//! itself current over the same event stream as the requests page.
//!
//! The figures of now are recomputed when something changed in the help
//! desk (the audit log's mark moved), the slow ones (times, charts) at most
//! every five minutes; between changes every view is served from memory, so
//! a busy office pays for a million requests once, not per view.

use super::Web;
use super::pages::{Page, call, html, refused, wants_fragment};
use super::requests::plain;
use super::session::SignedIn;
use crate::domain::{Kind, Lang};
use crate::i18n::{Msg, W, t, w};
use crate::services::dashboard::{self, Now, Scope, Trends};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the figures of now are kept when nothing changes (the day turns).
const NOW_TTL: Duration = Duration::from_secs(60);
/// How long the slow figures are kept.
const TRENDS_TTL: Duration = Duration::from_secs(300);

struct Cached {
    mark: i64,
    now: Arc<Now>,
    now_at: Instant,
    trends: Arc<(Trends, String, String)>,
    trends_at: Instant,
}

/// The dashboards computed lately, by scope.
#[derive(Default, Clone)]
pub struct Cache {
    inner: Arc<Mutex<HashMap<Scope, Cached>>>,
    /// Scopes whose slow figures are being computed in the background.
    refreshing: Arc<Mutex<std::collections::HashSet<Scope>>>,
}

pub struct View {
    pub new: u64,
    pub accepted: u64,
    pub waiting: u64,
    pub overdue: u64,
    pub opened_today: u64,
    pub opened_week: u64,
    pub closed_today: u64,
    pub closed_week: u64,
    pub median_accept: String,
    pub median_close: String,
    pub open: Vec<BranchRow>,
    pub months_svg: String,
    pub branches_svg: String,
    /// The charts' figures, as tables beside them.
    pub months: Vec<(String, u64)>,
    pub branches: Vec<(String, u64)>,
    pub stock_shown: bool,
    pub low: Vec<(String, String, i64, i64)>,
    /// Runs out within the lead time: cartridge, warehouse, full, days left, to order.
    pub runs_out: Vec<(String, String, i64, String, i64)>,
}

pub struct BranchRow {
    pub branch: String,
    pub by_kind: Vec<(String, u64)>,
    pub total: u64,
    pub overdue: u64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    page: Page,
    d: View,
    kinds: Vec<String>,
}

#[derive(Template)]
#[template(path = "dashboard_partial.html")]
struct DashboardPart {
    page: Page,
    d: View,
    kinds: Vec<String>,
}

/// `3 h 20 min`, `45 min`, `2 d 4 h`.
pub fn span(lang: Lang, d: Option<chrono::Duration>) -> String {
    let Some(d) = d else { return "—".into() };
    let m = d.num_minutes().max(0);
    let (days, hours, minutes) = (m / 1440, m % 1440 / 60, m % 60);
    let (dw, hw, mw) = (w(lang, W::Days), w(lang, W::Hours), w(lang, W::Minutes));
    if days > 0 {
        format!("{days} {dw} {hours} {hw}")
    } else if hours > 0 {
        format!("{hours} {hw} {minutes} {mw}")
    } else {
        format!("{minutes} {mw}")
    }
}

/// The slow figures for `scope`, with their charts drawn.
async fn compute_trends(web: &Web, scope: Scope) -> crate::services::Result<Arc<(Trends, String, String)>> {
    let trends = call(web, move |app| dashboard::trends(app, &scope)).await?;
    let months = super::charts::line("per-month", &trends.per_month, 760, 260);
    let top: Vec<(String, u64)> = trends.per_branch.iter().take(12).cloned().collect();
    let branches = if top.is_empty() { String::new() } else { super::charts::bars("per-branch", &top, 460) };
    Ok(Arc::new((trends, months, branches)))
}

/// The figures for `scope`, from memory when still fresh. Slow figures past
/// their time are shown as they are while they are computed again in the
/// background, so no view waits for them once they exist.
async fn figures(web: &Web, scope: Scope) -> crate::services::Result<(Arc<Now>, Arc<(Trends, String, String)>)> {
    // The first figures of a scope are being computed already (at start): wait for them
    // rather than compute them twice at once.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let computing = {
            let cached = web.dashboards.inner.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&scope);
            !cached && web.dashboards.refreshing.lock().unwrap_or_else(|e| e.into_inner()).contains(&scope)
        };
        if !computing || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    compute(web, scope).await
}

/// [`figures`], without waiting for anyone else's.
async fn compute(web: &Web, scope: Scope) -> crate::services::Result<(Arc<Now>, Arc<(Trends, String, String)>)> {
    let s = scope.clone();
    let mark = call(web, crate::services::web::change_mark).await?;
    let cached = {
        let cache = web.dashboards.inner.lock().unwrap_or_else(|e| e.into_inner());
        cache.get(&scope).map(|c| (c.mark, c.now.clone(), c.now_at, c.trends.clone(), c.trends_at))
    };
    let fresh_now = cached.as_ref().filter(|c| c.0 == mark && c.2.elapsed() < NOW_TTL).map(|c| c.1.clone());
    let now = match fresh_now {
        Some(n) => n,
        None => {
            let s = s.clone();
            Arc::new(call(web, move |app| dashboard::now(app, &s)).await?)
        }
    };
    let (trends, trends_at) = match &cached {
        Some(c) if c.4.elapsed() < TRENDS_TTL => (c.3.clone(), c.4),
        Some(c) => {
            refresh_trends(web, scope.clone());
            (c.3.clone(), c.4)
        }
        None => (compute_trends(web, s).await?, Instant::now()),
    };
    let mut cache = web.dashboards.inner.lock().unwrap_or_else(|e| e.into_inner());
    let keep_now_at = cached.as_ref().filter(|c| Arc::ptr_eq(&c.1, &now)).map(|c| c.2);
    // A background refresh may have stored newer slow figures meanwhile: keep those.
    let (trends, trends_at) = match cache.get(&scope) {
        Some(c) if c.trends_at > trends_at => (c.trends.clone(), c.trends_at),
        _ => (trends, trends_at),
    };
    cache.insert(
        scope,
        Cached {
            mark,
            now: now.clone(),
            now_at: keep_now_at.unwrap_or_else(Instant::now),
            trends: trends.clone(),
            trends_at,
        },
    );
    Ok((now, trends))
}

/// Computes `scope`'s slow figures again in the background (once at a time).
fn refresh_trends(web: &Web, scope: Scope) {
    {
        let mut busy = web.dashboards.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        if !busy.insert(scope.clone()) {
            return;
        }
    }
    let web = web.clone();
    tokio::spawn(async move {
        match compute_trends(&web, scope.clone()).await {
            Ok(trends) => {
                let mut cache = web.dashboards.inner.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(c) = cache.get_mut(&scope) {
                    c.trends = trends;
                    c.trends_at = Instant::now();
                }
            }
            Err(e) => tracing::warn!(error = %e, "the dashboard's figures could not be computed"),
        }
        web.dashboards.refreshing.lock().unwrap_or_else(|e| e.into_inner()).remove(&scope);
    });
}

/// Computes every staff role's figures once at start, so that nobody's first
/// view of the dashboard waits for them.
pub fn warm(web: &Web) {
    use crate::domain::Role;
    use crate::domain::permissions::{Principal, queue_kinds};
    let mut scopes: Vec<Scope> = [Role::Storekeeper, Role::Support, Role::Admin]
        .into_iter()
        .map(|role| Scope { kinds: queue_kinds(&Principal::User { id: 0, role, blocked: false }) })
        .collect();
    scopes.dedup();
    web.dashboards.refreshing.lock().unwrap_or_else(|e| e.into_inner()).extend(scopes.iter().cloned());
    let web = web.clone();
    tokio::spawn(async move {
        for scope in scopes {
            if let Err(e) = compute(&web, scope.clone()).await {
                tracing::warn!(error = %e, "the dashboard's figures could not be computed");
            }
            web.dashboards.refreshing.lock().unwrap_or_else(|e| e.into_inner()).remove(&scope);
        }
    });
}

/// `GET /dashboard`.
pub async fn show(State(web): State<Web>, who: SignedIn, headers: HeaderMap) -> Response {
    let lang = who.lang;
    let actor = who.viewer.actor();
    let scope = match call(&web, move |app| dashboard::scope(app, &actor)).await {
        Ok(s) => s,
        Err(e) => return refused(&web, lang, &e),
    };
    let kinds: Vec<Kind> = scope.kinds.clone();
    let (now, trends) = match figures(&web, scope).await {
        Ok(x) => x,
        Err(e) => return refused(&web, lang, &e),
    };
    let kind_names: Vec<String> =
        kinds.iter().map(|k| crate::i18n::capitalise(&plain(&t(lang, Msg::Kind(*k))))).collect();
    let d = View {
        new: now.new,
        accepted: now.accepted,
        waiting: now.waiting,
        overdue: now.overdue,
        opened_today: now.opened_today,
        opened_week: now.opened_week,
        closed_today: now.closed_today,
        closed_week: now.closed_week,
        median_accept: span(lang, trends.0.median_to_accept),
        median_close: span(lang, trends.0.median_to_close),
        open: now
            .open_by_branch
            .iter()
            .map(|b| BranchRow {
                branch: b.branch.clone(),
                by_kind: b.by_kind.iter().zip(&kind_names).map(|((_, n), name)| (name.clone(), *n)).collect(),
                total: b.total,
                overdue: b.overdue,
            })
            .collect(),
        months_svg: trends.1.clone(),
        branches_svg: trends.2.clone(),
        months: trends.0.per_month.clone(),
        branches: trends.0.per_branch.iter().take(12).cloned().collect(),
        stock_shown: kinds.contains(&Kind::Cartridge),
        low: now
            .low_stock
            .iter()
            .map(|s| {
                (
                    format!("{} ({})", s.cartridge_name, s.vendor_article),
                    s.warehouse_name.clone(),
                    s.quantity,
                    s.min_stock,
                )
            })
            .collect(),
        runs_out: trends
            .0
            .runs_out
            .iter()
            .map(|f| {
                let days = f.days_left.map_or_else(String::new, |d| format!("{d} {}", w(lang, W::Days)));
                (format!("{} ({})", f.cartridge, f.article), f.warehouse.clone(), f.full, days, f.order)
            })
            .collect(),
    };
    let page = Page::signed_in(&who, w(lang, W::NavDashboard), "/dashboard");
    let mut page = page;
    page.wide = true;
    if wants_fragment(&headers) {
        return html(DashboardPart { page, d, kinds: kind_names });
    }
    html(DashboardPage { page, d, kinds: kind_names })
}
