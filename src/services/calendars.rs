//! Working-time calendars: defining them, their holidays and working days
//! moved onto a weekend, which branch keeps which, and loading the set that
//! service levels count in ([`load`]).
//!
//! Every definition is checked by `domain::calendar` before it is stored, so
//! what the store holds always parses. With no calendar defined, every branch
//! runs round the clock, as before calendars existed.
//!
//! Not here: the arithmetic of working time (`domain::calendar`), what a
//! deadline is (`services::sla`), or parsing fixture files (`services::seed`).

use super::{Actor, App, AuditEvent, Error, Result, audit, directory, lookup, principal};
use crate::config::Settings;
use crate::domain::audit::AuditAction;
use crate::domain::calendar::{self, Calendar, Calendars, Day, Hours};
use crate::domain::permissions::authorize;
use crate::domain::{BranchKey, Entity, Permission, Refusal, TextField};
use crate::store::{CalendarDayRecord, CalendarRecord, Tx};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

/// The weekdays as calendars.csv heads its columns, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A calendar as a person defines it: hours are text as written
/// (`09:00-13:00 14:00-18:00`); an empty time zone means the TIMEZONE setting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CalendarForm {
    pub code: String,
    pub name: String,
    pub timezone: Option<String>,
    /// Monday first; `None` keeps a day's hours as they are (or none, for a new calendar).
    pub week: [Option<String>; 7],
    /// Make it the organization's default (`Some(false)` stops it being the default).
    pub default: Option<bool>,
}

/// A day apart as a person writes it (a row of holidays.csv).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayForm {
    /// holiday (the default), yearly or workday.
    pub kind: String,
    /// YYYY-MM-DD, or MM-DD for a yearly holiday.
    pub date: String,
    /// A workday's hours; empty for the calendar's usual ones.
    pub hours: String,
    pub name: String,
}

/// One calendar, for listing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CalendarView {
    pub code: String,
    pub name: String,
    /// The zone it counts in (the TIMEZONE setting when it names none).
    pub timezone: String,
    /// The zone it names itself, if any.
    pub own_timezone: Option<String>,
    /// Hours per weekday, Monday first, normalised.
    pub week: [String; 7],
    pub default: bool,
    /// Codes of the branches that keep it (with the default: those with none of their own too).
    pub branches: Vec<String>,
    pub holidays: usize,
    pub workdays: usize,
    /// Its days apart, by kind and date.
    pub days: Vec<DayView>,
}

/// A day apart, for listing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DayView {
    pub kind: String,
    pub date: String,
    pub hours: String,
    pub name: String,
}

/// A branch and the calendar it keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchCalendar {
    pub branch: crate::store::Branch,
    /// Its own calendar's code; `None`: the default one (or round the clock).
    pub own: Option<String>,
}

/// What the panel's calendars page shows an administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub calendars: Vec<CalendarView>,
    pub branches: Vec<BranchCalendar>,
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Added,
    Updated,
    Unchanged,
}

/// A calendar's definition refused, with where in it.
fn invalid(calendar: &str, at: Option<&str>, error: calendar::CalendarError) -> Error {
    Refusal::Calendar { calendar: calendar.to_string(), at: at.map(String::from), error }.into()
}

fn zone_of(record: &CalendarRecord, default: chrono_tz::Tz) -> Result<chrono_tz::Tz> {
    match &record.timezone {
        Some(name) => calendar::zone(name).map_err(|e| invalid(&record.code, None, e)),
        None => Ok(default),
    }
}

/// A stored calendar with its days apart, as the arithmetic takes it; a
/// calendar naming no zone counts in `default_zone` (the TIMEZONE setting).
fn build(record: &CalendarRecord, days: &[&CalendarDayRecord], default_zone: chrono_tz::Tz) -> Result<Calendar> {
    let code = &record.code;
    let mut week: [Hours; 7] = Default::default();
    for (i, text) in record.week.iter().enumerate() {
        week[i] = Hours::parse(text).map_err(|e| invalid(code, Some(WEEKDAYS[i]), e))?;
    }
    let mut cal = Calendar::new(zone_of(record, default_zone)?, week).map_err(|e| invalid(code, None, e))?;
    for d in days {
        // Days are checked on the way in; one that no longer reads is left out, not the calendar.
        match (Day::parse(&d.kind, &d.day), Hours::parse(&d.hours)) {
            (Ok(day), Ok(hours)) => cal.add_day(day, hours),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(calendar = %code, day = %d.day, error = %e, "a calendar's day does not read; left out")
            }
        }
    }
    Ok(cal)
}

/// Every branch's calendar, as stored now.
pub fn load(tx: &mut dyn Tx, settings: &Settings) -> Result<Calendars> {
    let records = tx.calendars()?;
    if records.is_empty() {
        return Ok(Calendars::default());
    }
    let days = tx.calendar_days()?;
    let mut built: HashMap<i64, Arc<Calendar>> = HashMap::new();
    let mut default = None;
    for r in &records {
        let own: Vec<&CalendarDayRecord> = days.iter().filter(|d| d.calendar_id == r.id).collect();
        // One calendar that no longer reads (a time zone dropped from the tz database, a row
        // edited by hand) leaves its branches round the clock; it does not stop every page.
        let cal = match build(r, &own, settings.timezone) {
            Ok(c) => Arc::new(c),
            Err(e) => {
                tracing::warn!(calendar = %r.code, error = %e, "a calendar does not read; its branches run round the clock");
                continue;
            }
        };
        if r.is_default {
            default = Some(cal.clone());
        }
        built.insert(r.id, cal);
    }
    let branches =
        tx.branch_calendars()?.into_iter().filter_map(|(b, c)| built.get(&c).map(|cal| (b, cal.clone()))).collect();
    Ok(Calendars::new(default, branches))
}

/// [`load`] in a read transaction of its own.
pub fn current(app: &App) -> Result<Calendars> {
    load(&mut *app.store.read()?, &app.settings)
}

/// Every calendar, by code.
pub fn list(app: &App) -> Result<Vec<CalendarView>> {
    list_in(&mut *app.store.read()?, app)
}

/// Every calendar and which branch keeps which, for administrators.
pub fn overview(app: &App, actor: &Actor) -> Result<Overview> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    let calendars = list_in(&mut *tx, app)?;
    let codes: HashMap<i64, String> = tx.calendars()?.into_iter().map(|c| (c.id, c.code)).collect();
    let own: HashMap<_, _> = tx.branch_calendars()?.into_iter().collect();
    let mut branches: Vec<BranchCalendar> = tx
        .branches()?
        .into_iter()
        .map(|b| BranchCalendar { own: own.get(&b.id).and_then(|c| codes.get(c).cloned()), branch: b })
        .collect();
    branches.sort_by(|a, b| crate::domain::text::alphabetical(&a.branch.name, &b.branch.name));
    Ok(Overview { calendars, branches })
}

fn list_in(tx: &mut dyn Tx, app: &App) -> Result<Vec<CalendarView>> {
    let records = tx.calendars()?;
    let days = tx.calendar_days()?;
    let assigned = tx.branch_calendars()?;
    let branches = tx.branches()?;
    let own: std::collections::HashSet<_> = assigned.iter().map(|(b, _)| *b).collect();
    let mut out = Vec::new();
    for r in records {
        let its_days: Vec<&CalendarDayRecord> = days.iter().filter(|d| d.calendar_id == r.id).collect();
        // Shown as stored when it no longer reads, so that it can be put right.
        let (zone, week) = match build(&r, &its_days, app.settings.timezone) {
            Ok(cal) => (cal.tz.name().to_string(), std::array::from_fn(|i| cal.week[i].to_string())),
            Err(_) => (r.timezone.clone().unwrap_or_default(), r.week.clone()),
        };
        let mut codes: Vec<String> = branches
            .iter()
            .filter(|b| assigned.contains(&(b.id, r.id)) || (r.is_default && !own.contains(&b.id)))
            .map(|b| b.code.clone())
            .collect();
        codes.sort_by(|a, b| crate::domain::text::alphabetical(a, b));
        let of_kind = |k: &str| days.iter().filter(|d| d.calendar_id == r.id && d.kind == k).count();
        out.push(CalendarView {
            timezone: zone,
            own_timezone: r.timezone.clone(),
            week,
            code: r.code,
            name: r.name,
            default: r.is_default,
            branches: codes,
            holidays: of_kind("holiday") + of_kind("yearly"),
            workdays: of_kind("workday"),
            days: days
                .iter()
                .filter(|d| d.calendar_id == r.id)
                .map(|d| DayView {
                    kind: d.kind.clone(),
                    date: d.day.clone(),
                    hours: d.hours.clone(),
                    name: d.name.clone(),
                })
                .collect(),
        });
    }
    Ok(out)
}

/// The calendar a code names, whatever the case of its Latin letters.
pub(crate) fn by_code(tx: &mut dyn Tx, code: &str) -> Result<CalendarRecord> {
    tx.calendars()?
        .into_iter()
        .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
        .ok_or_else(|| Error::not_found(Entity::Calendar, code.trim()))
}

/// Adds or changes a calendar inside `tx` (checked, not authorised or audited: the caller does that).
pub(crate) fn define_in(
    tx: &mut dyn Tx,
    form: &CalendarForm,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(CalendarRecord, Outcome)> {
    let code = directory::valid_code(Entity::Calendar, &form.code)?;
    let existing = tx.calendars()?.into_iter().find(|c| c.code.eq_ignore_ascii_case(&code));
    let mut record = existing.clone().unwrap_or(CalendarRecord {
        id: 0,
        code: code.clone(),
        name: String::new(),
        timezone: None,
        week: Default::default(),
        is_default: false,
    });
    if !form.name.trim().is_empty() || existing.is_none() {
        record.name = directory::valid_name(TextField::CalendarName, &form.name, 200)?;
    }
    if let Some(tz) = &form.timezone {
        record.timezone = match tz.trim() {
            "" => None,
            name => Some(calendar::zone(name).map_err(|e| invalid(&code, None, e))?.name().to_string()),
        };
    }
    for (i, hours) in form.week.iter().enumerate() {
        if let Some(text) = hours {
            let parsed = Hours::parse(text).map_err(|e| invalid(&code, Some(WEEKDAYS[i]), e))?;
            record.week[i] = parsed.to_string();
        }
    }
    if let Some(default) = form.default {
        record.is_default = default;
    }
    // Checked whole, as the arithmetic will take it (the zone aside: any is valid).
    build(&record, &[], chrono_tz::UTC)?;
    let Some(before) = existing else {
        if record.is_default {
            clear_default(tx, None)?;
        }
        record.id = tx.insert_calendar(&record, now)?;
        return Ok((record, Outcome::Added));
    };
    if before == record {
        return Ok((record, Outcome::Unchanged));
    }
    if record.is_default && !before.is_default {
        clear_default(tx, Some(record.id))?;
    }
    tx.update_calendar(&record)?;
    Ok((record, Outcome::Updated))
}

/// Stops every calendar but `keep` being the default.
fn clear_default(tx: &mut dyn Tx, keep: Option<i64>) -> Result<()> {
    for mut c in tx.calendars()? {
        if c.is_default && Some(c.id) != keep {
            c.is_default = false;
            tx.update_calendar(&c)?;
        }
    }
    Ok(())
}

/// Adds or changes a calendar; see [`CalendarForm`].
pub fn define(app: &App, actor: &Actor, form: &CalendarForm) -> Result<(CalendarRecord, Outcome)> {
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    let (record, outcome) = define_in(&mut *tx, form, now)?;
    if outcome != Outcome::Unchanged {
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(AuditAction::CalendarDefine, "calendar", &record.code).after(json!({
                "name": record.name, "timezone": record.timezone, "week": record.week, "default": record.is_default,
            })),
        )?;
    }
    tx.commit()?;
    Ok((record, outcome))
}

/// Puts a day apart into a calendar inside `tx` (checked, not authorised or audited).
pub(crate) fn put_day_in(tx: &mut dyn Tx, calendar: &CalendarRecord, form: &DayForm) -> Result<Outcome> {
    let code = &calendar.code;
    let day = Day::parse(&form.kind, &form.date).map_err(|e| invalid(code, None, e))?;
    let date = day.date();
    let hours = Hours::parse(&form.hours).map_err(|e| invalid(code, Some(&date), e))?;
    if !matches!(day, Day::Workday(_)) && !hours.is_off() {
        return Err(invalid(code, Some(&date), calendar::CalendarError::HoursOnHoliday(day.kind())));
    }
    let name = form.name.trim();
    if name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(invalid(code, Some(&date), calendar::CalendarError::BadDayName));
    }
    let record = CalendarDayRecord {
        calendar_id: calendar.id,
        kind: day.kind().to_string(),
        day: day.date(),
        hours: hours.to_string(),
        name: name.to_string(),
    };
    let before = tx
        .calendar_days()?
        .into_iter()
        .find(|d| d.calendar_id == record.calendar_id && d.kind == record.kind && d.day == record.day);
    let outcome = match before {
        None => Outcome::Added,
        Some(b) if b == record => return Ok(Outcome::Unchanged),
        Some(_) => Outcome::Updated,
    };
    // A date is either a holiday or a working day: the newer word replaces the other.
    let other = match day {
        Day::Holiday(_) => Some("workday"),
        Day::Workday(_) => Some("holiday"),
        Day::Yearly { .. } => None,
    };
    if let Some(other) = other {
        tx.remove_calendar_day(calendar.id, other, &record.day)?;
    }
    tx.put_calendar_day(&record)?;
    Ok(outcome)
}

/// Gives a branch a calendar of its own inside `tx`, or (`None`) the default back; whether it changed.
pub(crate) fn assign_in(tx: &mut dyn Tx, branch: crate::domain::BranchId, calendar: Option<&str>) -> Result<bool> {
    let id = calendar.map(|code| by_code(tx, code)).transpose()?.map(|c| c.id);
    let before = tx.branch_calendars()?.into_iter().find(|(b, _)| *b == branch).map(|(_, c)| c);
    if before == id {
        return Ok(false);
    }
    tx.set_branch_calendar(branch, id)?;
    Ok(true)
}

/// Gives a branch a calendar of its own, or (`None`) the organization's default back.
pub fn assign(app: &App, actor: &Actor, branch: &BranchKey, calendar: Option<&str>) -> Result<bool> {
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    let b = lookup::branch(&mut *tx, branch)?;
    let changed = assign_in(&mut *tx, b.id, calendar)?;
    if changed {
        let code = calendar.map(|c| by_code(&mut *tx, c)).transpose()?.map(|c| c.code);
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(AuditAction::CalendarAssign, "branch", b.id)
                .after(json!({ "branch": b.code, "calendar": code })),
        )?;
    }
    tx.commit()?;
    Ok(changed)
}

/// Adds a day apart to the calendar `code`, or changes its hours and name.
pub fn put_day(app: &App, actor: &Actor, code: &str, form: &DayForm) -> Result<Outcome> {
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    let calendar = by_code(&mut *tx, code)?;
    let outcome = put_day_in(&mut *tx, &calendar, form)?;
    let day = Day::parse(&form.kind, &form.date).map_err(|e| invalid(&calendar.code, None, e))?;
    if outcome != Outcome::Unchanged {
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(AuditAction::CalendarDays, "calendar", &calendar.code).after(json!({
                "put": { "kind": day.kind(), "date": day.date(), "hours": form.hours.trim(), "name": form.name.trim() },
            })),
        )?;
    }
    tx.commit()?;
    Ok(outcome)
}

/// Removes a day apart from the calendar `code`: of `kind`, or (`None`)
/// whichever the date has (a yearly holiday for MM-DD, else a holiday or a
/// working day); the kind removed, `None` when the date had none.
pub fn remove_day(app: &App, actor: &Actor, code: &str, kind: Option<&str>, date: &str) -> Result<Option<String>> {
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    let calendar = by_code(&mut *tx, code)?;
    let kinds: Vec<&str> = match kind {
        Some(k) => vec![k],
        None if date.trim().len() <= 5 => vec!["yearly"],
        None => vec!["holiday", "workday"],
    };
    let mut removed = None;
    for kind in kinds {
        let day = Day::parse(kind, date).map_err(|e| invalid(&calendar.code, None, e))?;
        if tx.remove_calendar_day(calendar.id, day.kind(), &day.date())? {
            audit(
                &mut *tx,
                now,
                actor,
                AuditEvent::new(AuditAction::CalendarDays, "calendar", &calendar.code)
                    .after(json!({ "removed": { "kind": day.kind(), "date": day.date() } })),
            )?;
            removed = Some(day.kind().to_string());
            break;
        }
    }
    tx.commit()?;
    Ok(removed)
}

/// Puts a list of days apart into the calendar `code` in one transaction: one
/// day a line, `date[,kind[,hours[,name]]]` (a header line `date,…` is
/// skipped; commas, semicolons or tabs between the fields): a year's holidays
/// pasted into the panel. A line that does not read refuses the whole list.
pub fn put_days_text(app: &App, actor: &Actor, code: &str, text: &str) -> Result<(u64, u64, u64)> {
    let now = app.now();
    let mut tx = app.store.write()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    let calendar = by_code(&mut *tx, code)?;
    let (mut added, mut updated, mut unchanged) = (0, 0, 0);
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.to_ascii_lowercase().starts_with("date") {
            continue;
        }
        let mut fields = line.splitn(4, [',', ';', '\t']).map(str::trim);
        let mut next = || fields.next().unwrap_or("").to_string();
        let form = DayForm { date: next(), kind: next(), hours: next(), name: next() };
        match put_day_in(&mut *tx, &calendar, &form)? {
            Outcome::Added => added += 1,
            Outcome::Updated => updated += 1,
            Outcome::Unchanged => unchanged += 1,
        }
    }
    if added + updated > 0 {
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(AuditAction::CalendarDays, "calendar", &calendar.code)
                .after(json!({ "list": { "added": added, "updated": updated, "unchanged": unchanged } })),
        )?;
    }
    tx.commit()?;
    Ok((added, updated, unchanged))
}
