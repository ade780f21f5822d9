//! The dashboard's figures: what is open now (by branch and kind), what is
//! overdue by the rules `sla-check` uses, what was opened and closed today
//! and this week, how long accepting and closing took over the last 30 days,
//! stock below its minimum, what runs out within the supplier's lead time by
//! the forecast, and requests per branch and per month.
//!
//! Every figure covers the kinds of request the viewer's role handles (all of
//! them for administrators). Nothing here reads every request: open ones are
//! few, the periods go by the indexes on when requests were created and
//! closed. The front end decides how often to recompute them.

use super::{Actor, App, Result, principal};
use crate::domain::permissions::{self, authorize};
use crate::domain::{BranchId, Kind, Permission, Status};
use crate::store::{ArchivedFilter, RequestQuery, StockRow};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use std::collections::{BTreeMap, HashMap};

/// Whose figures: the kinds of request they cover.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    pub kinds: Vec<Kind>,
}

/// The scope of `actor`'s dashboard; refused to anyone who may not see the queue.
pub fn scope(app: &App, actor: &Actor) -> Result<Scope> {
    let mut tx = app.store.read()?;
    let who = principal(&mut *tx, &app.settings, actor)?;
    authorize(&who, Permission::ViewQueue, None)?;
    Ok(Scope { kinds: permissions::queue_kinds(&who) })
}

/// Open requests of one branch, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchOpen {
    pub branch: String,
    pub by_kind: Vec<(Kind, u64)>,
    pub total: u64,
    pub overdue: u64,
}

/// What changes from minute to minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Now {
    pub new: u64,
    pub accepted: u64,
    /// Accepted, their clock stopped: waiting for the author or for parts.
    pub waiting: u64,
    pub overdue: u64,
    pub open_by_branch: Vec<BranchOpen>,
    pub opened_today: u64,
    pub opened_week: u64,
    pub closed_today: u64,
    pub closed_week: u64,
    pub low_stock: Vec<StockRow>,
}

/// Midnight today and on Monday of this week, in the configured time zone, in UTC.
fn day_and_week_start(app: &App) -> (DateTime<Utc>, DateTime<Utc>) {
    let tz = app.settings.timezone;
    let today = app.now().with_timezone(&tz).date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    (super::local_midnight(tz, today, app.now()), super::local_midnight(tz, monday, app.now()))
}

/// The figures of now.
pub fn now(app: &App, scope: &Scope) -> Result<Now> {
    let at = app.now();
    let (today, week) = day_and_week_start(app);
    let mut tx = app.store.read()?;
    let mut out = Now {
        new: 0,
        accepted: 0,
        waiting: 0,
        overdue: 0,
        open_by_branch: Vec::new(),
        opened_today: 0,
        opened_week: 0,
        closed_today: 0,
        closed_week: 0,
        low_stock: Vec::new(),
    };
    if scope.kinds.is_empty() {
        return Ok(out);
    }
    let base = RequestQuery { kinds: scope.kinds.clone(), archived: ArchivedFilter::Include, ..Default::default() };
    let open = RequestQuery { kinds: scope.kinds.clone(), ..RequestQuery::open() };
    // Only what service levels depend on, of every open request: no joins, no order.
    let names: HashMap<BranchId, String> = tx.branches()?.into_iter().map(|b| (b.id, b.name)).collect();
    let mut branches: BTreeMap<String, BranchOpen> = BTreeMap::new();
    let rules = super::sla::rules_in(&mut *tx, app)?;
    for r in tx.request_times(&open)? {
        let late = super::sla::breached_times(&rules, &r, at);
        match r.status {
            Status::New => out.new += 1,
            _ => out.accepted += 1,
        }
        out.overdue += u64::from(late);
        out.waiting += u64::from(r.waiting_since.is_some());
        let name = names.get(&r.branch_id).cloned().unwrap_or_default();
        let b = branches.entry(name).or_insert_with_key(|name| BranchOpen {
            branch: name.clone(),
            by_kind: scope.kinds.iter().map(|k| (*k, 0)).collect(),
            total: 0,
            overdue: 0,
        });
        if let Some(k) = b.by_kind.iter_mut().find(|(k, _)| *k == r.kind) {
            k.1 += 1;
        }
        b.total += 1;
        b.overdue += u64::from(late);
    }
    let mut open_by_branch: Vec<BranchOpen> = branches.into_values().collect();
    open_by_branch.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.branch.cmp(&b.branch)));
    out.open_by_branch = open_by_branch;
    out.opened_today = tx.count_requests(&RequestQuery { since: Some(today), ..base.clone() })?;
    out.opened_week = tx.count_requests(&RequestQuery { since: Some(week), ..base.clone() })?;
    out.closed_today = tx.count_requests(&RequestQuery { closed_since: Some(today), ..base.clone() })?;
    out.closed_week = tx.count_requests(&RequestQuery { closed_since: Some(week), ..base.clone() })?;
    if scope.kinds.contains(&Kind::Cartridge) {
        out.low_stock = super::catalog::low_stock(&mut *tx)?;
    }
    Ok(out)
}

/// What moves slowly: times to accept and to close, requests per branch and per month.
#[derive(Debug, Clone, PartialEq)]
pub struct Trends {
    /// Over requests created in the last 30 days.
    pub median_to_accept: Option<Duration>,
    pub median_to_close: Option<Duration>,
    /// Requests created in the last 30 days, per branch, most first.
    pub per_branch: Vec<(String, u64)>,
    /// Requests created per month (`YYYY-MM` in the configured time zone), the last twelve, oldest first.
    pub per_month: Vec<(String, u64)>,
    /// What runs out within the supplier's lead time, by the forecast, soonest
    /// first (for those who handle cartridge orders).
    pub runs_out: Vec<super::forecast::Forecast>,
}

fn median(mut v: Vec<i64>) -> Option<Duration> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(Duration::seconds(v[v.len() / 2]))
}

/// The slow-moving figures.
pub fn trends(app: &App, scope: &Scope) -> Result<Trends> {
    let at = app.now();
    let tz = app.settings.timezone;
    let mut tx = app.store.read()?;
    let mut out = Trends {
        median_to_accept: None,
        median_to_close: None,
        per_branch: Vec::new(),
        per_month: Vec::new(),
        runs_out: Vec::new(),
    };
    if scope.kinds.is_empty() {
        return Ok(out);
    }
    let base = RequestQuery { kinds: scope.kinds.clone(), archived: ArchivedFilter::Include, ..Default::default() };
    let (mut to_accept, mut to_close) = (Vec::new(), Vec::new());
    let mut per_branch: BTreeMap<String, u64> = BTreeMap::new();
    tx.scan_requests(&RequestQuery { since: Some(at - Duration::days(30)), ..base.clone() }, &mut |r| {
        if let Some(a) = r.accepted_at {
            to_accept.push((a - r.created_at).num_seconds());
        }
        if let Some(c) = r.closed_at
            && r.status == Status::Done
        {
            to_close.push((c - r.created_at).num_seconds());
        }
        *per_branch.entry(r.branch_name).or_default() += 1;
        Ok(true)
    })?;
    out.median_to_accept = median(to_accept);
    out.median_to_close = median(to_close);
    let mut per_branch: Vec<(String, u64)> = per_branch.into_iter().collect();
    per_branch.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.per_branch = per_branch;
    // Twelve months back from this one, each counted by the index on creation time.
    let local = at.with_timezone(&tz).date_naive();
    let first = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).expect("the first of a month");
    let mut start = first(local.year(), local.month());
    let mut months = Vec::new();
    for _ in 0..12 {
        months.push(start);
        start = if start.month() == 1 { first(start.year() - 1, 12) } else { first(start.year(), start.month() - 1) };
    }
    months.reverse();
    let utc = |d: NaiveDate| super::local_midnight(tz, d, at);
    for m in months {
        let next = if m.month() == 12 { first(m.year() + 1, 1) } else { first(m.year(), m.month() + 1) };
        let n = tx.count_requests(&RequestQuery { since: Some(utc(m)), until: Some(utc(next)), ..base.clone() })?;
        out.per_month.push((m.format("%Y-%m").to_string(), n));
    }
    if scope.kinds.contains(&Kind::Cartridge) {
        out.runs_out = super::forecast::compute(app, &mut *tx, None, Some(app.settings.stock.lead_days))?;
    }
    Ok(out)
}
