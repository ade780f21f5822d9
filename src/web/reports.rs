//! Reports, for administrators: a period, a branch and kinds; the summary
//! `helpdesk report` prints and the figures of the export's Summary and
//! Months sheets (the same services, so the same numbers), charts, and the
//! export itself as xlsx or CSV, streamed.

use super::Web;
use super::dashboard::span;
use super::pages::{Page, call, html, refused};
use super::requests::{Choice, local_day};
use super::session::SignedIn;
use crate::domain::{BranchId, Kind, Named, Status};
use crate::i18n::{Msg, W, t, w};
use crate::services::report::{self, Scope};
use crate::services::{NoProgress, export};
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};

/// The report's filters, as the URL holds them.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub from: String,
    pub until: String,
    pub branch: Option<i64>,
    pub kinds: Vec<Kind>,
}

impl Filters {
    /// Reads the query string; the period defaults to the last 30 days.
    fn parse(pairs: &[(String, String)], today: NaiveDate) -> Filters {
        let mut f = Filters::default();
        for (k, v) in pairs {
            let v = v.trim();
            match k.as_str() {
                "from" if NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok() => f.from = v.into(),
                "until" if NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok() => f.until = v.into(),
                "branch" => f.branch = v.parse().ok(),
                "kind" => f.kinds.extend(Kind::parse_named(v).ok()),
                _ => {}
            }
        }
        f.kinds.sort_by_key(|k| k.as_str());
        f.kinds.dedup();
        if f.until.is_empty() {
            f.until = today.format("%Y-%m-%d").to_string();
        }
        if f.from.is_empty() {
            f.from = (today - Duration::days(29)).format("%Y-%m-%d").to_string();
        }
        f
    }

    fn scope(&self, tz: chrono_tz::Tz) -> Option<Scope> {
        let from = local_day(tz, &self.from, false)?;
        let until = local_day(tz, &self.until, true)?;
        (from < until).then(|| Scope { from, until, branch_id: self.branch.map(BranchId), kinds: self.kinds.clone() })
    }

    fn query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("from", &self.from);
        s.append_pair("until", &self.until);
        if let Some(b) = self.branch {
            s.append_pair("branch", &b.to_string());
        }
        for k in &self.kinds {
            s.append_pair("kind", k.as_str());
        }
        s.finish()
    }
}

pub struct Line {
    pub name: String,
    pub requests: u64,
    pub by_status: Vec<u64>,
    pub closed: u64,
    pub to_accept: String,
    pub to_close: String,
    /// The same in the working hours of each branch's calendar.
    pub to_accept_work: String,
    pub to_close_work: String,
    pub breaches: u64,
}

/// A line of the satisfaction table: who, how many ratings, their mean, how many of each score.
pub struct RatingLine {
    pub name: String,
    pub count: u64,
    pub mean: String,
    pub spread: [u64; 5],
}

fn rating_line(name: String, s: &crate::domain::satisfaction::Spread) -> RatingLine {
    RatingLine { name, count: s.count(), mean: s.mean().map(|m| format!("{m:.1}")).unwrap_or_default(), spread: s.0 }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    page: Page,
    /// Ratings by branch (with the total last), then by staff member: each table's title and lines.
    rated: Vec<(String, Vec<RatingLine>)>,
    f: Filters,
    kinds: Vec<Choice>,
    branches: Vec<Choice>,
    statuses: Vec<String>,
    lines: Vec<Line>,
    total: Line,
    period_wrong: bool,
    branches_svg: String,
    months_svg: String,
    /// The charts' figures, as tables beside them.
    per_branch: Vec<(String, u64)>,
    per_month: Vec<(String, u64)>,
    low: Vec<(String, String, i64, i64)>,
    download: String,
}

fn today(web: &Web) -> NaiveDate {
    web.app.now().with_timezone(&web.app.settings.timezone).date_naive()
}

/// `GET /reports`.
pub async fn show(State(web): State<Web>, who: SignedIn, Query(pairs): Query<Vec<(String, String)>>) -> Response {
    let lang = who.lang;
    let tz = web.app.settings.timezone;
    let f = Filters::parse(&pairs, today(&web));
    let scope = f.scope(tz);
    let actor = who.viewer.actor();
    let ask = scope.clone();
    let found = call(&web, move |app| {
        let figures = match &ask {
            Some(s) => Some(report::figures(app, &actor, s)?),
            None => {
                report::allowed(app, &actor)?;
                None
            }
        };
        Ok((figures, crate::services::directory::branches(app)?))
    })
    .await;
    let (figures, branches) = match found {
        Ok(x) => x,
        Err(e) => return refused(&web, lang, &e),
    };
    let secs = |s: Option<f64>| span(lang, s.map(|s| Duration::seconds(s as i64)));
    let line = |name: String, tally: &export::BranchTally, closed: u64| Line {
        name,
        requests: tally.requests,
        by_status: tally.by_status.to_vec(),
        closed,
        to_accept: secs(tally.times.to_accept()),
        to_close: secs(tally.times.to_close()),
        to_accept_work: secs(tally.times.to_accept_working()),
        to_close_work: secs(tally.times.to_close_working()),
        breaches: tally.breaches,
    };
    let (mut lines, mut total, mut branches_svg, mut months_svg, mut low) =
        (Vec::new(), line(w(lang, W::ColTotal).into(), &Default::default(), 0), String::new(), String::new(), vec![]);
    let (mut branch_figures, mut month_figures) = (Vec::new(), Vec::new());
    let (mut rated_branches, mut rated_staff) = (Vec::new(), Vec::new());
    if let Some((summary, breakdown)) = &figures {
        let closed_of = |code: &str| summary.branches.iter().find(|b| b.code == code).map_or(0, |b| b.closed);
        lines = breakdown.branches.iter().map(|(b, tally)| line(b.name.clone(), tally, closed_of(&b.code))).collect();
        total = line(w(lang, W::ColTotal).into(), &breakdown.total, summary.total.closed);
        let mut per_branch: Vec<(String, u64)> = breakdown
            .branches
            .iter()
            .filter(|(_, t)| t.requests > 0)
            .map(|(b, t)| (b.name.clone(), t.requests))
            .collect();
        per_branch.sort_by_key(|b| std::cmp::Reverse(b.1));
        per_branch.truncate(15);
        if !per_branch.is_empty() {
            branches_svg = super::charts::bars("per-branch", &per_branch, 560);
        }
        branch_figures = per_branch;
        let per_month: Vec<(String, u64)> =
            breakdown.months.iter().map(|(d, n)| (d.format("%Y-%m").to_string(), n.iter().sum())).collect();
        if !per_month.is_empty() {
            months_svg = super::charts::line("per-month", &per_month, 760, 260);
        }
        month_figures = per_month;
        rated_branches = summary
            .branches
            .iter()
            .filter(|b| b.ratings.count() > 0)
            .map(|b| rating_line(b.name.clone(), &b.ratings))
            .collect();
        if summary.total.ratings.count() > 0 {
            rated_branches.push(rating_line(w(lang, W::ColTotal).into(), &summary.total.ratings));
        }
        rated_staff = summary
            .staff
            .iter()
            .filter(|b| b.ratings.count() > 0)
            .map(|b| rating_line(b.name.clone(), &b.ratings))
            .collect();
        low = summary
            .low_stock
            .iter()
            .map(|s| (s.cartridge_name.clone(), s.warehouse_name.clone(), s.quantity, s.min_stock))
            .collect();
    }
    let kinds = Kind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str().into(),
            label: crate::i18n::capitalise(&t(lang, Msg::Kind(*k))),
            on: f.kinds.contains(k),
        })
        .collect();
    let branch_choices = branches
        .iter()
        .map(|b| Choice { value: b.id.0.to_string(), label: b.name.clone(), on: Some(b.id.0) == f.branch })
        .collect();
    let mut page = Page::signed_in(&who, w(lang, W::ReportsTitle), "/reports");
    page.wide = true;
    let rated = if rated_branches.is_empty() {
        Vec::new()
    } else {
        vec![(w(lang, W::ColBranch).to_string(), rated_branches), (w(lang, W::RatingsByStaff).to_string(), rated_staff)]
    };
    html(ReportsPage {
        page,
        rated,
        download: f.query(),
        kinds,
        branches: branch_choices,
        statuses: Status::ALL.iter().map(|s| t(lang, Msg::Status(*s))).collect(),
        lines,
        total,
        period_wrong: scope.is_none(),
        branches_svg,
        months_svg,
        per_branch: branch_figures,
        per_month: month_figures,
        low,
        f,
    })
}

/// `GET /reports/requests.{xlsx|csv}`: the export of the report's requests, streamed.
pub async fn download(
    State(web): State<Web>,
    who: SignedIn,
    Path(file): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let lang = who.lang;
    let f = Filters::parse(&pairs, today(&web));
    let Some(scope) = f.scope(web.app.settings.timezone) else {
        return super::pages::error_page(&web, lang, StatusCode::BAD_REQUEST, Some(w(lang, W::PeriodWrong).into()));
    };
    let actor = who.viewer.actor();
    if let Err(e) = call(&web, move |app| report::allowed(app, &actor)).await {
        return refused(&web, lang, &e);
    }
    let name = format!("requests-{}-{}", f.from, f.until);
    let query = scope.opened();
    match file.as_str() {
        "requests.csv" => {
            let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<bytes::Bytes>>(8);
            let app = web.app.clone();
            tokio::task::spawn_blocking(move || {
                let mut out = std::io::BufWriter::with_capacity(64 * 1024, Chunks(tx.clone()));
                let written = export::csv_to(&app, &query, &mut out, &NoProgress)
                    .and_then(|n| std::io::Write::flush(&mut out).map(|_| n).map_err(crate::services::Error::Output));
                if let Err(e) = written {
                    // The file is cut short; the browser sees a failed download, not a complete-looking one.
                    tracing::error!(error = %e, "a CSV download failed");
                    let _ = tx.blocking_send(Err(std::io::Error::other("the export failed")));
                }
            });
            let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
            attachment(Body::from_stream(stream), "text/csv; charset=utf-8", &format!("{name}.csv"))
        }
        "requests.xlsx" => {
            let Ok(token) = crate::services::web::random_token() else {
                return super::pages::error_page(&web, lang, StatusCode::INTERNAL_SERVER_ERROR, None);
            };
            let path = std::env::temp_dir().join(format!("helpdesk-export-{token}.xlsx"));
            // Written, opened and unlinked in one blocking job, so that nothing is left
            // behind even when the browser goes away meanwhile (the open file stays readable).
            let written = call(&web, move |app| {
                let result = export::xlsx(app, &query, &path, &NoProgress)
                    .and_then(|_| std::fs::File::open(&path).map_err(crate::services::Error::Output));
                let _ = std::fs::remove_file(&path);
                result
            })
            .await;
            match written {
                Err(e) => refused(&web, lang, &e),
                Ok(file) => attachment(
                    Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file))),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &format!("{name}.xlsx"),
                ),
            }
        }
        _ => super::pages::error_page(&web, lang, StatusCode::NOT_FOUND, None),
    }
}

fn attachment(body: Body, content_type: &'static str, name: &str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A writer that hands what is written to the response, chunk by chunk.
struct Chunks(tokio::sync::mpsc::Sender<std::io::Result<bytes::Bytes>>);

impl std::io::Write for Chunks {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(bytes::Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the download was abandoned"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
