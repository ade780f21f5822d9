//! The summary report for management: requests opened and closed per branch
//! over a period, SLA breaches among them, and cartridges below minimum stock.
//! Printed by `helpdesk report`, emailed (HTML with a plain-text part) by it
//! with `--email` and by `serve` on its schedule.

use super::email::html_escape;
use super::notify::{Letter, Mailer, Outcome, Thread};
use super::{Actor, App, Error, Result, principal};
use crate::domain::permissions::authorize;
use crate::domain::took::{TimesTaken, Took};
use crate::domain::{BranchId, Kind, Permission};
use crate::i18n::{Msg, t};
use crate::store::{ArchivedFilter, RequestQuery, StockRow};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct BranchLine {
    pub code: String,
    pub name: String,
    pub opened: u64,
    pub closed: u64,
    pub breaches: u64,
    /// Times to accept (of those opened and accepted) and to close (of those
    /// closed): wall-clock and in the branch calendar's working hours.
    pub times: TimesTaken,
    /// Their authors' ratings, of those closed.
    pub ratings: crate::domain::satisfaction::Spread,
}

/// A staff member's line, for the request assigned to them (none when unassigned).
fn staff_line<'a>(lines: &'a mut BTreeMap<i64, BranchLine>, r: &crate::store::Request) -> Option<&'a mut BranchLine> {
    let id = r.assignee_id?;
    Some(lines.entry(id).or_insert_with(|| BranchLine {
        code: id.to_string(),
        name: r.assignee_name.clone().unwrap_or_else(|| id.to_string()),
        ..Default::default()
    }))
}

impl BranchLine {
    /// Counts a request opened in the period: breached or not, and how long it took to accept.
    fn opened_one(&mut self, breached: bool, accept: Option<Took>) {
        self.opened += 1;
        self.breaches += u64::from(breached);
        if let Some(took) = accept {
            self.times.accept(took);
        }
    }

    /// Counts a request closed in the period: how long it took, and its rating.
    fn closed_one(&mut self, close: Option<Took>, score: Option<u8>) {
        self.closed += 1;
        if let Some(took) = close {
            self.times.close(took);
        }
        if let Some(s) = score {
            self.ratings.add(s);
        }
    }

    /// Mean times in minutes: (to accept, to accept in working time, to close, to close in working time).
    pub fn mean_minutes(&self) -> [Option<i64>; 4] {
        let t = &self.times;
        [t.to_accept(), t.to_accept_working(), t.to_close(), t.to_close_working()].map(|s| s.map(|s| (s / 60.0) as i64))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub branches: Vec<BranchLine>,
    pub total: BranchLine,
    /// The same per staff member (by the requests assigned to them), by name; `code` is their Telegram ID.
    pub staff: Vec<BranchLine>,
    pub low_stock: Vec<StockRow>,
}

/// What a report covers: a period, and optionally one branch and some kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub branch_id: Option<BranchId>,
    /// Only these kinds (every kind when empty).
    pub kinds: Vec<Kind>,
}

impl Scope {
    pub fn period(from: DateTime<Utc>, until: DateTime<Utc>) -> Scope {
        Scope { from, until, branch_id: None, kinds: Vec::new() }
    }

    /// The requests filed in the period (archived ones too): what the
    /// export of this report holds.
    pub fn opened(&self) -> RequestQuery {
        RequestQuery {
            since: Some(self.from),
            until: Some(self.until),
            branch_id: self.branch_id,
            kinds: self.kinds.clone(),
            archived: ArchivedFilter::Include,
            ..Default::default()
        }
    }

    fn closed(&self) -> RequestQuery {
        RequestQuery {
            closed_since: Some(self.from),
            closed_before: Some(self.until),
            branch_id: self.branch_id,
            kinds: self.kinds.clone(),
            archived: ArchivedFilter::Include,
            ..Default::default()
        }
    }
}

/// May `actor` see the management reports (checked from the store now)?
pub fn allowed(app: &App, actor: &Actor) -> Result<()> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ViewReports, None)?;
    Ok(())
}

/// The reports page: the summary of `helpdesk report` and the figures of the
/// export's Summary and Months sheets, for `scope`, if `actor` may see them.
pub fn figures(app: &App, actor: &Actor, scope: &Scope) -> Result<(Summary, super::export::Breakdown)> {
    allowed(app, actor)?;
    Ok((summary_for(app, scope)?, super::export::breakdown(app, &scope.opened())?))
}

/// The summary of `[from, until)`.
pub fn summary(app: &App, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Summary> {
    summary_for(app, &Scope::period(from, until))
}

/// The summary of a scope: every branch (or the one asked for) with the
/// requests opened and closed in the period, and the breaches among those opened.
pub fn summary_for(app: &App, scope: &Scope) -> Result<Summary> {
    let (from, until) = (scope.from, scope.until);
    let now = app.now();
    let mut tx = app.store.read()?;
    let mut lines: BTreeMap<String, BranchLine> = tx
        .branches()?
        .into_iter()
        .filter(|b| scope.branch_id.is_none_or(|id| id == b.id))
        .map(|b| (b.code.clone(), BranchLine { code: b.code, name: b.name, ..Default::default() }))
        .collect();
    let opened = scope.opened();
    let rules = super::sla::rules_in(&mut *tx, app)?;
    let scores = tx.scores()?;
    // Staff lines by Telegram ID, named after the assignee.
    let mut by_staff: BTreeMap<i64, BranchLine> = BTreeMap::new();
    tx.scan_requests(&opened, &mut |r| {
        let breached = super::sla::breached(&rules, &r, now);
        let accept = r.accepted_at.map(|a| Took::between(rules.calendar(r.branch_id), r.created_at, a));
        lines.entry(r.branch_code.clone()).or_default().opened_one(breached, accept);
        if let Some(line) = staff_line(&mut by_staff, &r) {
            line.opened_one(breached, accept);
        }
        Ok(true)
    })?;
    let closed = scope.closed();
    tx.scan_requests(&closed, &mut |r| {
        let close = r.closed_at.map(|c| Took::between(rules.calendar(r.branch_id), r.created_at, c));
        let score = scores.get(&r.id).copied();
        lines.entry(r.branch_code.clone()).or_default().closed_one(close, score);
        if let Some(line) = staff_line(&mut by_staff, &r) {
            line.closed_one(close, score);
        }
        Ok(true)
    })?;
    let mut staff: Vec<BranchLine> = by_staff.into_values().collect();
    staff.sort_by(|a, b| crate::domain::text::alphabetical(&a.name, &b.name));
    let branches: Vec<BranchLine> = lines.into_values().collect();
    let mut times = TimesTaken::default();
    branches.iter().for_each(|b| times.merge(&b.times));
    let mut ratings = crate::domain::satisfaction::Spread::default();
    branches.iter().for_each(|b| ratings.merge(&b.ratings));
    let total = BranchLine {
        code: String::new(),
        name: String::new(),
        opened: branches.iter().map(|b| b.opened).sum(),
        closed: branches.iter().map(|b| b.closed).sum(),
        breaches: branches.iter().map(|b| b.breaches).sum(),
        times,
        ratings,
    };
    let low_stock = super::catalog::low_stock(&mut *tx)?;
    Ok(Summary { from, until, branches, total, staff, low_stock })
}

/// The summary of the last seven days up to now.
pub fn last_week(app: &App) -> Result<Summary> {
    let now = app.now();
    summary(app, now - chrono::Duration::days(7), now)
}

/// The summary as an email in the default language.
pub fn letter(app: &App, s: &Summary) -> Letter {
    let lang = app.settings.default_language;
    let tz = app.settings.timezone;
    let day = |d: DateTime<Utc>| d.with_timezone(&tz).format("%d.%m.%Y").to_string();
    let (from, until) = (day(s.from), day(s.until));
    let l = |m: Msg<'_>| t(lang, m);
    let heads = [l(Msg::LabelBranch), l(Msg::ReportOpened), l(Msg::ReportClosed), l(Msg::ReportBreaches)];
    let mut text = format!("{}\n\n{}\n", l(Msg::ReportIntro { from: &from, until: &until }), heads.join("\t"));
    let mut html = format!(
        "<h2>{}</h2>\n<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">\n<tr>{}</tr>\n",
        html_escape(&l(Msg::ReportIntro { from: &from, until: &until })),
        heads.iter().map(|h| format!("<th>{}</th>", html_escape(h))).collect::<String>()
    );
    let total_name = l(Msg::ReportTotal);
    for b in s.branches.iter().chain(std::iter::once(&s.total)) {
        let name = if b.code.is_empty() { total_name.as_str() } else { b.name.as_str() };
        text.push_str(&format!("{name}\t{}\t{}\t{}\n", b.opened, b.closed, b.breaches));
        html.push_str(&format!(
            "<tr><td>{}</td><td align=\"right\">{}</td><td align=\"right\">{}</td><td align=\"right\">{}</td></tr>\n",
            html_escape(name),
            b.opened,
            b.closed,
            b.breaches
        ));
    }
    html.push_str("</table>\n");
    text.push_str(&format!("\n{}\n", l(Msg::ReportLowStock)));
    html.push_str(&format!("<h3>{}</h3>\n", html_escape(&l(Msg::ReportLowStock))));
    if s.low_stock.is_empty() {
        text.push_str(&format!("{}\n", l(Msg::ReportNoLowStock)));
        html.push_str(&format!("<p>{}</p>\n", html_escape(&l(Msg::ReportNoLowStock))));
    } else {
        let heads = [l(Msg::LabelWarehouse), l(Msg::LabelCartridges), l(Msg::LabelQuantity), l(Msg::LabelMinimum)];
        html.push_str(&format!(
            "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">\n<tr>{}</tr>\n",
            heads.iter().map(|h| format!("<th>{}</th>", html_escape(h))).collect::<String>()
        ));
        for r in &s.low_stock {
            text.push_str(&format!(
                "{}\t{} ({})\t{}\t{}\n",
                r.warehouse_name, r.cartridge_name, r.vendor_article, r.quantity, r.min_stock
            ));
            html.push_str(&format!(
                "<tr><td>{}</td><td>{} ({})</td><td align=\"right\">{}</td><td align=\"right\">{}</td></tr>\n",
                html_escape(&r.warehouse_name),
                html_escape(&r.cartridge_name),
                html_escape(&r.vendor_article),
                r.quantity,
                r.min_stock
            ));
        }
        html.push_str("</table>\n");
    }
    Letter { subject: l(Msg::ReportSubject { from: &from, until: &until }), text, html, thread: Thread::Alone }
}

/// Emails the summary to the staff mailbox.
pub fn send(app: &App, mailer: &dyn Mailer, s: &Summary) -> Result<()> {
    let to = &app.settings.smtp.staff_to;
    if to.is_empty() {
        return Err(Error::Invalid("HELPDESK_SMTP_STAFF_TO is not set; there is nobody to send the report to".into()));
    }
    let why = match mailer.send(to, &letter(app, s)) {
        Outcome::Sent => return Ok(()),
        Outcome::Temporary(e) => {
            format!("{e}; check HELPDESK_SMTP_HOST and HELPDESK_SMTP_PORT and that the server runs, then try again")
        }
        Outcome::Permanent(e) => e,
        Outcome::RetryAfter(wait) => format!("the server asked to wait {} s; try again then", wait.as_secs()),
        Outcome::Blocked => "the recipient refuses it".to_string(),
    };
    Err(Error::Invalid(format!("the report was not sent: {why}")))
}
