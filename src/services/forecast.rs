//! When each warehouse runs out of each cartridge type, and what to order:
//! the issue history of the ledger, day by day in the configured time zone,
//! through [`crate::domain::forecast`]; and how well that forecast would have
//! done on the same history (the backtest).
//!
//! Days are whole UTC days up to yesterday (today is not over, and a
//! half-day would read as a drop in demand), as the store keeps the issues
//! of each day ([`crate::store::IssuedDay`]): the forecast reads a few rows
//! per warehouse and type and day, never the ledger itself. The day stock
//! runs out is then counted from today in the configured time zone.

use super::{Actor, App, Result, lookup, principal};
use crate::domain::audit::AuditAction;
use crate::domain::forecast::{self as model, Outlook};
use crate::domain::permissions::authorize;
use crate::domain::{CartridgeTypeId, Permission, Role, WarehouseId, WarehouseKey};
use crate::store::{IssuedDay, StockFilter, Tx};
use chrono::{Duration, NaiveDate};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// How far back the forecast reads: two years and a season, enough for the
/// seasonal factor's year-ago weeks.
const HISTORY_DAYS: i64 = 2 * 365 + 90;

/// One warehouse and type: its stock and what the forecast makes of it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Forecast {
    pub warehouse_id: WarehouseId,
    pub warehouse_code: String,
    pub warehouse: String,
    pub cartridge_type_id: CartridgeTypeId,
    pub article: String,
    pub cartridge: String,
    pub full: i64,
    pub empty: i64,
    /// Empties at a contractor, coming back refilled.
    pub at_contractor: i64,
    /// Issued over the last 90 days.
    pub issued_90d: i64,
    /// Forecast demand per day.
    pub per_day: f64,
    /// Whole days the full stock lasts; `None` when nothing is consumed.
    pub days_left: Option<u32>,
    /// The local day it runs out.
    pub runs_out: Option<NaiveDate>,
    /// Runs out within the supplier's lead time: an order placed today comes too late.
    pub within_lead_time: bool,
    /// What to order now; 0 for nothing.
    pub order: i64,
}

/// Daily issues per warehouse and type, and per warehouse of all types,
/// each series starting on the warehouse's first day with an issue; days are
/// indexes from the first day read, the last one yesterday (UTC).
struct History {
    /// Days read, yesterday included.
    len: usize,
    /// The index of each warehouse's first day.
    start: HashMap<WarehouseId, usize>,
    series: HashMap<(WarehouseId, CartridgeTypeId), Vec<f64>>,
    totals: HashMap<WarehouseId, Vec<f64>>,
    /// Every warehouse's issues, from the first day any warehouse issued.
    organization: Vec<f64>,
    /// The index of that day.
    organization_start: usize,
}

impl History {
    fn load(app: &App, tx: &mut dyn Tx, days_back: i64) -> Result<History> {
        let today = crate::store::day_number(app.now());
        let first = today - days_back;
        let n = days_back.max(0) as usize;
        let issued: Vec<IssuedDay> = tx.issued_days(first)?;
        let day_of = |i: &IssuedDay| (i.day >= first && i.day < today).then(|| (i.day - first) as usize);
        let mut start: HashMap<WarehouseId, usize> = HashMap::new();
        for i in &issued {
            if let Some(d) = day_of(i) {
                let s = start.entry(i.warehouse_id).or_insert(d);
                *s = (*s).min(d);
            }
        }
        let mut series: HashMap<(WarehouseId, CartridgeTypeId), Vec<f64>> = HashMap::new();
        let mut totals: HashMap<WarehouseId, Vec<f64>> = HashMap::new();
        let mut organization = vec![0.0; n];
        for i in &issued {
            let Some(d) = day_of(i) else { continue };
            let s = start[&i.warehouse_id];
            let q = i.quantity.max(0) as f64;
            series.entry((i.warehouse_id, i.cartridge_type_id)).or_insert_with(|| vec![0.0; n - s])[d - s] += q;
            totals.entry(i.warehouse_id).or_insert_with(|| vec![0.0; n - s])[d - s] += q;
            organization[d] += q;
        }
        let organization_start = start.values().copied().min().unwrap_or(0);
        organization.drain(..organization_start.min(organization.len()));
        Ok(History { len: n, start, series, totals, organization, organization_start })
    }

    /// The series of a warehouse and type and its warehouse's total, both
    /// from the warehouse's first day (empty when it never issued).
    fn of(&self, w: WarehouseId, c: CartridgeTypeId) -> (Cow<'_, [f64]>, &[f64]) {
        let total = self.totals.get(&w).map_or(&[][..], Vec::as_slice);
        match self.series.get(&(w, c)) {
            Some(series) => (Cow::Borrowed(series.as_slice()), total),
            // Never issued here: every day of the warehouse's without demand.
            None => (Cow::Owned(vec![0.0; total.len()]), total),
        }
    }
}

/// The forecast of every warehouse and type with stock (or of one
/// warehouse), soonest to run out first; those that run out within `within`
/// days only, if given. Staff who see stock, and operators.
pub fn forecast(
    app: &App,
    actor: &Actor,
    warehouse: Option<&WarehouseKey>,
    within: Option<u32>,
) -> Result<Vec<Forecast>> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ViewStock, None)?;
    let warehouse_id = match warehouse {
        Some(key) => Some(lookup::warehouse(&mut *tx, key)?.id),
        None => None,
    };
    compute(app, &mut *tx, warehouse_id, within)
}

/// [`forecast`] for whoever the caller has authorised already (the dashboard, the digest, the export).
pub(crate) fn compute(
    app: &App,
    tx: &mut dyn Tx,
    warehouse_id: Option<WarehouseId>,
    within: Option<u32>,
) -> Result<Vec<Forecast>> {
    let stock = tx.stock(&StockFilter { warehouse_id, cartridge_type_id: None })?;
    let at_contractor: HashMap<(WarehouseId, CartridgeTypeId), i64> =
        tx.at_contractors()?.into_iter().map(|(w, c, n)| ((w, c), n)).collect();
    let codes: HashMap<WarehouseId, String> = tx.warehouses()?.into_iter().map(|w| (w.id, w.code)).collect();
    let history = History::load(app, &mut *tx, HISTORY_DAYS)?;
    let s = &app.settings.stock;
    let horizon = (s.lead_days + s.cover_days) as usize;
    let today = app.now().with_timezone(&app.settings.timezone).date_naive();
    let mut out: Vec<Forecast> = stock
        .into_iter()
        .map(|row| {
            let (series, total) = history.of(row.warehouse_id, row.cartridge_type_id);
            let per_day = model::rate(&series, total, &history.organization, horizon);
            let incoming = at_contractor.get(&(row.warehouse_id, row.cartridge_type_id)).copied().unwrap_or(0);
            let Outlook { per_day, days_left, order } =
                model::outlook(per_day, row.quantity, incoming, s.lead_days, s.cover_days);
            let issued_90d = series[series.len().saturating_sub(90)..].iter().sum::<f64>() as i64;
            Forecast {
                warehouse_code: codes.get(&row.warehouse_id).cloned().unwrap_or_default(),
                warehouse_id: row.warehouse_id,
                warehouse: row.warehouse_name,
                cartridge_type_id: row.cartridge_type_id,
                article: row.vendor_article,
                cartridge: row.cartridge_name,
                full: row.quantity,
                empty: row.empty,
                at_contractor: incoming,
                issued_90d,
                per_day,
                days_left,
                runs_out: days_left.map(|d| today + Duration::days(i64::from(d))),
                within_lead_time: days_left.is_some_and(|d| d <= s.lead_days),
                order,
            }
        })
        .filter(|f| within.is_none_or(|w| f.days_left.is_some_and(|d| d <= w)))
        .collect();
    out.sort_by(|a, b| {
        (a.days_left.is_none(), a.days_left, &a.warehouse, &a.article).cmp(&(
            b.days_left.is_none(),
            b.days_left,
            &b.warehouse,
            &b.article,
        ))
    });
    Ok(out)
}

/// What sending the digest did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Digest {
    /// Suggested orders in it (none: nothing was sent).
    pub lines: usize,
    /// Storekeepers it was queued for in Telegram, and addresses by email.
    pub telegram: usize,
    pub email: usize,
}

impl Digest {
    pub fn summary_line(&self) -> String {
        if self.lines == 0 {
            return "nothing to order: no digest sent".into();
        }
        format!(
            "{} suggested orders queued for {} storekeepers in Telegram and {} email addresses",
            self.lines, self.telegram, self.email
        )
    }
}

/// The suggested orders: every warehouse and type with something to order,
/// soonest to run out first, as the digest lists them.
fn lines_to_order(app: &App, tx: &mut dyn Tx) -> Result<Vec<super::notify::ForecastLine>> {
    Ok(compute(app, tx, None, None)?
        .into_iter()
        .filter(|f| f.order > 0)
        .map(|f| super::notify::ForecastLine {
            warehouse: f.warehouse,
            cartridge: f.cartridge,
            article: f.article,
            days_left: f.days_left.unwrap_or(0),
            order: f.order,
        })
        .collect())
}

/// The digest's lines now, for a person who asks (the bot's `/stock`): staff who see stock.
pub fn to_order(app: &App, actor: &Actor) -> Result<Vec<super::notify::ForecastLine>> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ViewStock, None)?;
    lines_to_order(app, &mut *tx)
}

/// Queues the weekly digest of suggested orders (every warehouse and type
/// with something to order, soonest to run out first) for every storekeeper
/// the bot can reach (administrators when there is none) and, with email on,
/// for the staff mailbox (`SMTP_STAFF_TO`), in one transaction with its
/// audit record; the outbox delivers it in each one's language. Nothing is
/// sent when there is nothing to order. Staff who see stock, and operators.
pub fn send_digest(app: &App, actor: &Actor) -> Result<Digest> {
    use super::notify::{self, Notice};
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ViewStock, None)?;
    let lines = lines_to_order(app, &mut *tx)?;
    let mut digest = Digest { lines: lines.len(), telegram: 0, email: 0 };
    if lines.is_empty() {
        return Ok(digest);
    }
    let reachable = crate::store::UserFilter { reachable_only: true, staff_only: true, ..Default::default() };
    let staff: Vec<(i64, Role)> = tx
        .users(&reachable)?
        .into_iter()
        .map(|u| (u.telegram_id, super::effective_role(&app.settings, u.telegram_id, u.role)))
        .collect();
    let mut chats: Vec<i64> = staff.iter().filter(|(_, r)| *r == Role::Storekeeper).map(|(id, _)| *id).collect();
    if chats.is_empty() {
        chats = staff.iter().filter(|(_, r)| matches!(r, Role::Admin | Role::SuperAdmin)).map(|(id, _)| *id).collect();
    }
    let notice = Notice::StockForecast { lines };
    for chat in &chats {
        notify::enqueue(&mut *tx, *chat, &notice, now)?;
    }
    digest.telegram = chats.len();
    if app.settings.smtp.enabled {
        for address in &app.settings.smtp.staff_to {
            notify::enqueue_email(&mut *tx, address, &notice, now)?;
        }
        digest.email = app.settings.smtp.staff_to.len();
    }
    super::audit(
        &mut *tx,
        now,
        actor,
        super::AuditEvent::new(AuditAction::StockForecastDigest, "stock", "forecast").after(serde_json::json!({
            "lines": digest.lines, "telegram": chats, "email": digest.email,
        })),
    )?;
    tx.commit()?;
    Ok(digest)
}

/// How one warehouse and type's forecasts would have done.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BacktestRow {
    pub warehouse: String,
    pub article: String,
    /// Issued over the whole history read.
    pub issued: i64,
    /// Mean absolute scaled error of the forecast and of the 90-day average.
    pub method: f64,
    pub naive: f64,
}

/// The backtest: per warehouse and type, and the mean over them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Backtest {
    pub horizon_days: u32,
    pub cutoffs: usize,
    pub rows: Vec<BacktestRow>,
    pub method: f64,
    pub naive: f64,
}

/// Forecasts the demand of the `horizon` days after a cut-off every week
/// over the last `over` days (each with a whole horizon after it, from the
/// history before it), by the forecast and by the 90-day average, and
/// compares both with what was issued. Staff who see stock, and operators.
pub fn backtest(app: &App, actor: &Actor, horizon: u32, over: u32) -> Result<Backtest> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ViewStock, None)?;
    let names: HashMap<WarehouseId, String> = tx.warehouses()?.into_iter().map(|w| (w.id, w.code)).collect();
    let articles: HashMap<CartridgeTypeId, String> =
        tx.cartridge_types()?.into_iter().map(|c| (c.id, c.vendor_article)).collect();
    let history = History::load(app, &mut *tx, HISTORY_DAYS + i64::from(over))?;
    drop(tx);
    let h = horizon as usize;
    let n = history.len;
    // Cut-offs as day indexes of the whole history: weekly over the last
    // `over` days that still have a whole horizon after them, newest last.
    let mut cutoffs: Vec<usize> = Vec::new();
    if let Some(newest) = n.checked_sub(h) {
        let oldest = newest.saturating_sub(over as usize).max(1);
        let mut c = newest;
        while c >= oldest {
            cutoffs.push(c);
            match c.checked_sub(7) {
                Some(next) => c = next,
                None => break,
            }
        }
        cutoffs.reverse();
    }
    let mut rows = Vec::new();
    let sorted: BTreeMap<(String, String), (WarehouseId, CartridgeTypeId)> = history
        .series
        .keys()
        .map(|&(w, t)| {
            ((names.get(&w).cloned().unwrap_or_default(), articles.get(&t).cloned().unwrap_or_default()), (w, t))
        })
        .collect();
    for ((warehouse, article), (w, t)) in sorted {
        let (series, total) = history.of(w, t);
        let s = history.start[&w];
        let local: Vec<usize> = cutoffs.iter().filter(|&&c| c > s).map(|&c| c - s).collect();
        let organization = &history.organization;
        let method = model::mase(&series, &local, h, &|c| {
            model::rate(&series[..c], &total[..c], &organization[..s - history.organization_start + c], h)
        });
        let naive = model::mase(&series, &local, h, &|c| model::naive(&series[..c]));
        if let (Some(method), Some(naive)) = (method, naive) {
            rows.push(BacktestRow { warehouse, article, issued: series.iter().sum::<f64>() as i64, method, naive });
        }
    }
    let mean = |f: fn(&BacktestRow) -> f64| {
        if rows.is_empty() { 0.0 } else { rows.iter().map(f).sum::<f64>() / rows.len() as f64 }
    };
    let (method, naive) = (mean(|r| r.method), mean(|r| r.naive));
    Ok(Backtest { horizon_days: horizon, cutoffs: cutoffs.len(), rows, method, naive })
}
