//! Working time over a calendar, with no I/O: when a limit of working time
//! runs out, how much working time lies between two instants, and whether an
//! instant is inside working hours.
//!
//! A calendar is a time zone, working hours per weekday (possibly split, as
//! 09:00-13:00 14:00-18:00), holidays (one-off dates, and dates that repeat
//! every year) and working days that override a date (a working day moved
//! onto a Saturday, a shortened day before a holiday). Hours are wall-clock
//! times in the calendar's zone, so a day when the clocks change counts the
//! hours the office really is open. Every function walks the days spanned,
//! one at a time: O(days), never O(minutes).
//!
//! Not here: where calendars are stored and which branch uses which
//! (`services::calendars`), and what a deadline is (`domain::sla`).

use super::BranchId;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Minutes in a day: the end of hours that run to midnight (24:00).
const DAY: u16 = 24 * 60;
/// How far a limit is followed before it counts as never running out (a
/// calendar whose working days are all holidays).
const MAX_DAYS: u32 = 366 * 20;

/// Instants later than this are taken as this (a deadline that never comes
/// is `DateTime::MAX_UTC`, whose local date no zone east of UTC can name).
fn clamped(at: DateTime<Utc>) -> DateTime<Utc> {
    let far = NaiveDate::from_ymd_opt(9999, 1, 1).unwrap_or(NaiveDate::MAX).and_hms_opt(0, 0, 0).unwrap_or_default();
    at.min(far.and_utc())
}

/// What is wrong with a calendar's definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "'{0}' is not working hours; write them as 09:00-18:00, several split by spaces \
         (09:00-13:00 14:00-18:00), or leave them empty for a day off"
    )]
    BadHours(String),
    #[error("working hours {0} do not end after they start; write the earlier time first")]
    Backwards(String),
    #[error("working hours {0} and {1} overlap; make each end before the next starts")]
    Overlap(String, String),
    #[error("unknown time zone '{0}'; use a name from the tz database, such as Europe/Kyiv or Europe/Moscow")]
    UnknownZone(String),
    #[error("'{0}' is not a date; write it as YYYY-MM-DD (or MM-DD for a holiday every year)")]
    BadDate(String),
    #[error("unknown kind of day '{0}'; expected one of: holiday, yearly, workday")]
    BadDayKind(String),
    #[error("a calendar with no working hours on any weekday never counts time; give at least one weekday hours")]
    NoHours,
    #[error("a {0} has no working hours; leave the hours empty, or make it a workday")]
    HoursOnHoliday(&'static str),
    #[error("the name of a day is at most 200 characters on one line")]
    BadDayName,
}

/// The working hours of one day: spans of minutes since midnight, in order,
/// none overlapping; empty for a day off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hours(Vec<(u16, u16)>);

static DAY_OFF: Hours = Hours(Vec::new());

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn minute_of(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':').unwrap_or((s, "00"));
    let (h, m): (u16, u16) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    if m < 60 && (h < 24 || (h == 24 && m == 0)) { Some(h * 60 + m) } else { None }
}

impl Hours {
    /// `09:00-13:00 14:00-18:00` (spans split by spaces, commas or
    /// semicolons); empty, `-` or `off` for a day off.
    pub fn parse(text: &str) -> Result<Hours, CalendarError> {
        let text = text.trim();
        if text.is_empty() || text == "-" || text.eq_ignore_ascii_case("off") {
            return Ok(Hours::default());
        }
        let mut spans = Vec::new();
        for part in text.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|p| !p.is_empty()) {
            let bad = || CalendarError::BadHours(part.to_string());
            let (from, to) = part.split_once(['-', '–']).ok_or_else(bad)?;
            let (from, to) = (minute_of(from).ok_or_else(bad)?, minute_of(to).ok_or_else(bad)?);
            if to <= from {
                return Err(CalendarError::Backwards(part.to_string()));
            }
            spans.push((from, to));
        }
        spans.sort_unstable();
        for pair in spans.windows(2) {
            if pair[1].0 < pair[0].1 {
                let show = |(a, b): (u16, u16)| format!("{}-{}", hhmm(a), hhmm(b));
                return Err(CalendarError::Overlap(show(pair[0]), show(pair[1])));
            }
        }
        Ok(Hours(spans))
    }

    pub fn is_off(&self) -> bool {
        self.0.is_empty()
    }

    /// Working minutes in the day, by the wall clock.
    pub fn minutes(&self) -> u32 {
        self.0.iter().map(|(a, b)| u32::from(b - a)).sum()
    }
}

impl std::fmt::Display for Hours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let spans: Vec<String> = self.0.iter().map(|(a, b)| format!("{}-{}", hhmm(*a), hhmm(*b))).collect();
        f.write_str(&spans.join(" "))
    }
}

/// A time zone by its tz database name.
pub fn zone(name: &str) -> Result<Tz, CalendarError> {
    name.trim().parse::<Tz>().map_err(|_| CalendarError::UnknownZone(name.trim().to_string()))
}

/// A day a calendar treats apart from its weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Day {
    /// A holiday on one date.
    Holiday(NaiveDate),
    /// A holiday on a month and day every year.
    Yearly { month: u32, day: u32 },
    /// A date that works (a moved working day, a shortened day), with hours of its own.
    Workday(NaiveDate),
}

impl Day {
    /// `kind` (holiday, yearly, workday) and a date (MM-DD, or a full date whose year is ignored, for yearly).
    pub fn parse(kind: &str, date: &str) -> Result<Day, CalendarError> {
        let date = date.trim();
        let bad = || CalendarError::BadDate(date.to_string());
        let full = || NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad());
        match kind.trim().to_ascii_lowercase().as_str() {
            "holiday" | "" => Ok(Day::Holiday(full()?)),
            "workday" => Ok(Day::Workday(full()?)),
            "yearly" => {
                let (month, day) = match full() {
                    Ok(d) => (d.month(), d.day()),
                    Err(_) => {
                        let (m, d) = date.trim_start_matches("--").split_once('-').ok_or_else(bad)?;
                        (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?)
                    }
                };
                // 2024 is a leap year: 02-29 is a date some years have.
                NaiveDate::from_ymd_opt(2024, month, day).ok_or_else(bad)?;
                Ok(Day::Yearly { month, day })
            }
            other => Err(CalendarError::BadDayKind(other.to_string())),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Day::Holiday(_) => "holiday",
            Day::Yearly { .. } => "yearly",
            Day::Workday(_) => "workday",
        }
    }

    /// The date as written back: YYYY-MM-DD, or MM-DD for a yearly holiday.
    pub fn date(&self) -> String {
        match self {
            Day::Holiday(d) | Day::Workday(d) => d.format("%Y-%m-%d").to_string(),
            Day::Yearly { month, day } => format!("{month:02}-{day:02}"),
        }
    }
}

/// Working time: a zone, hours per weekday (Monday first) and the days apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub tz: Tz,
    pub week: [Hours; 7],
    holidays: BTreeSet<NaiveDate>,
    yearly: BTreeSet<(u32, u32)>,
    workdays: BTreeMap<NaiveDate, Hours>,
}

impl Calendar {
    /// A calendar with these weekly hours and no days apart; refused when no weekday has hours.
    pub fn new(tz: Tz, week: [Hours; 7]) -> Result<Calendar, CalendarError> {
        if week.iter().all(Hours::is_off) {
            return Err(CalendarError::NoHours);
        }
        Ok(Calendar { tz, week, holidays: BTreeSet::new(), yearly: BTreeSet::new(), workdays: BTreeMap::new() })
    }

    /// Adds a day apart; a workday's `hours` empty means the hours of its calendar's first working weekday.
    pub fn add_day(&mut self, day: Day, hours: Hours) {
        match day {
            Day::Holiday(d) => {
                self.holidays.insert(d);
            }
            Day::Yearly { month, day } => {
                self.yearly.insert((month, day));
            }
            Day::Workday(d) => {
                let hours = if hours.is_off() {
                    self.week.iter().find(|h| !h.is_off()).cloned().unwrap_or_default()
                } else {
                    hours
                };
                self.workdays.insert(d, hours);
            }
        }
    }

    /// The hours of a local date: a workday's own, none on a holiday, else its weekday's.
    pub fn hours_on(&self, d: NaiveDate) -> &Hours {
        if let Some(h) = self.workdays.get(&d) {
            return h;
        }
        if self.holidays.contains(&d) || self.yearly.contains(&(d.month(), d.day())) {
            return &DAY_OFF;
        }
        &self.week[d.weekday().num_days_from_monday() as usize]
    }

    /// The instant a local wall-clock time of `d` names: the earlier of two
    /// when the clocks go back, the moment they jumped when it falls in the gap.
    fn instant(&self, d: NaiveDate, minute: u16) -> DateTime<Utc> {
        self.instant_of(d, minute, false)
    }

    /// [`Calendar::instant`], or with `end` the later of two when the clocks go
    /// back: hours that end at 03:30 on that night end at the second 03:30.
    fn instant_of(&self, d: NaiveDate, minute: u16, end: bool) -> DateTime<Utc> {
        let local: NaiveDateTime = match d.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0) {
            Some(t) if minute < DAY => t,
            _ => d.succ_opt().unwrap_or(d).and_hms_opt(0, 0, 0).unwrap_or_default(),
        };
        let found = self.tz.from_local_datetime(&local);
        if let Some(t) = if end { found.latest() } else { found.earliest() } {
            return t.with_timezone(&Utc);
        }
        // In the gap of a spring change: the first minute that exists, which the clocks jumped to.
        let mut later = local;
        for _ in 0..DAY {
            let Some(next) = later.checked_add_signed(Duration::minutes(1)) else { break };
            later = next;
            if let Some(t) = self.tz.from_local_datetime(&later).earliest() {
                return t.with_timezone(&Utc);
            }
        }
        local.and_utc()
    }

    /// The working spans of a local date, as instants. On a day whose
    /// clocks do not change (all but two a year, if any) the zone is read
    /// twice, at its midnights, rather than at every end of every span.
    fn spans(&self, d: NaiveDate) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let hours = &self.hours_on(d).0;
        let midnight = (!hours.is_empty()).then(|| self.midnight(d)).flatten();
        hours.iter().map(move |&(a, b)| match midnight {
            Some(m) => (m + Duration::minutes(a.into()), m + Duration::minutes(b.into())),
            None => (self.instant(d, a), self.instant_of(d, b, true)),
        })
    }

    /// The instant of `d`'s local midnight, when `d` is 24 hours long (its clocks do not change).
    fn midnight(&self, d: NaiveDate) -> Option<DateTime<Utc>> {
        let start = self.instant(d, 0);
        (self.instant(d, DAY) - start == Duration::days(1)).then_some(start)
    }

    /// The working time of a whole local date.
    fn day_total(&self, d: NaiveDate) -> Duration {
        let hours = self.hours_on(d);
        if hours.is_off() {
            return Duration::zero();
        }
        match self.midnight(d) {
            Some(_) => Duration::minutes(hours.minutes().into()),
            None => self.spans(d).map(|(a, b)| b - a).sum(),
        }
    }

    /// Whether the seven days from `d` are all ordinary: no day apart and no change of the clocks.
    fn plain_week(&self, d: NaiveDate) -> bool {
        let end = d + Duration::days(7);
        self.holidays.range(d..end).next().is_none()
            && self.workdays.range(d..end).next().is_none()
            && (self.yearly.is_empty()
                || (0..7).map(|i| d + Duration::days(i)).all(|x| !self.yearly.contains(&(x.month(), x.day()))))
            && self.instant(end, 0) - self.instant(d, 0) == Duration::days(7)
    }

    /// The working time of an ordinary week, by the wall clock.
    fn weekly(&self) -> Duration {
        Duration::minutes(self.week.iter().map(|h| i64::from(h.minutes())).sum())
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// When `limit` of working time, counted from `from`, runs out.
    pub fn add(&self, from: DateTime<Utc>, limit: Duration) -> DateTime<Utc> {
        if limit <= Duration::zero() {
            return from;
        }
        let from = clamped(from);
        let mut left = limit;
        let mut d = self.local_date(from);
        for _ in 0..MAX_DAYS {
            // A whole day that does not use the limit up is taken at once.
            if self.instant(d, 0) >= from {
                let whole = self.day_total(d);
                if whole < left {
                    left -= whole;
                    match d.succ_opt() {
                        Some(next) => d = next,
                        None => break,
                    }
                    continue;
                }
            }
            for (start, end) in self.spans(d) {
                let start = start.max(from);
                if end <= start {
                    continue;
                }
                if end - start >= left {
                    return start + left;
                }
                left -= end - start;
            }
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
        }
        DateTime::<Utc>::MAX_UTC
    }

    /// The working time between `from` and `to` (zero when `to` is not later).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let (from, to) = (clamped(from), clamped(to));
        let mut total = Duration::zero();
        if to <= from {
            return total;
        }
        let (first, last) = (self.local_date(from), self.local_date(to));
        let clipped = |d: NaiveDate| -> Duration {
            self.spans(d).map(|(start, end)| (end.min(to) - start.max(from)).max(Duration::zero())).sum()
        };
        total += clipped(first);
        if last == first {
            return total;
        }
        total += clipped(last);
        // The whole days between: a week at a time while the weeks are ordinary.
        let mut d = first + Duration::days(1);
        let weekly = self.weekly();
        while d < last {
            if (last - d).num_days() >= 7 && self.plain_week(d) {
                total += weekly;
                d += Duration::days(7);
            } else {
                total += self.day_total(d);
                d += Duration::days(1);
            }
        }
        total
    }

    /// Whether `at` is inside working hours.
    pub fn is_working(&self, at: DateTime<Utc>) -> bool {
        let at = clamped(at);
        self.spans(self.local_date(at)).any(|(start, end)| start <= at && at < end)
    }
}

/// Which calendar each branch keeps: its own, else the organization's
/// default; with neither, round the clock.
#[derive(Debug, Clone, Default)]
pub struct Calendars {
    default: Option<Arc<Calendar>>,
    branches: HashMap<BranchId, Arc<Calendar>>,
}

impl Calendars {
    pub fn new(default: Option<Arc<Calendar>>, branches: HashMap<BranchId, Arc<Calendar>>) -> Calendars {
        Calendars { default, branches }
    }

    /// The calendar `branch` keeps; `None`: round the clock.
    pub fn of(&self, branch: BranchId) -> Option<&Calendar> {
        self.branches.get(&branch).or(self.default.as_ref()).map(|c| &**c)
    }

    /// Whether every branch runs round the clock.
    pub fn is_empty(&self) -> bool {
        self.default.is_none() && self.branches.is_empty()
    }
}

/// [`Calendar::add`], with no calendar meaning round the clock.
pub fn add(calendar: Option<&Calendar>, from: DateTime<Utc>, limit: Duration) -> DateTime<Utc> {
    match calendar {
        Some(c) => c.add(from, limit),
        None => from.checked_add_signed(limit).unwrap_or(DateTime::<Utc>::MAX_UTC),
    }
}

/// [`Calendar::between`], with no calendar meaning round the clock.
pub fn between(calendar: Option<&Calendar>, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
    match calendar {
        Some(c) => c.between(from, to),
        None => (to - from).max(Duration::zero()),
    }
}

/// [`Calendar::is_working`], with no calendar meaning always.
pub fn is_working(calendar: Option<&Calendar>, at: DateTime<Utc>) -> bool {
    calendar.is_none_or(|c| c.is_working(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(s: &str) -> Hours {
        Hours::parse(s).unwrap()
    }

    /// Monday to Friday with `day`'s hours, the weekend off.
    fn office(tz: &str, day: &str) -> Calendar {
        let d = hours(day);
        let off = Hours::default();
        Calendar::new(zone(tz).unwrap(), [d.clone(), d.clone(), d.clone(), d.clone(), d, off.clone(), off]).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap().and_utc()
    }

    fn h(n: i64) -> Duration {
        Duration::hours(n)
    }

    #[test]
    fn hours_parse_and_refuse() {
        assert_eq!(hours("09:00-13:00 14:00-18:00").to_string(), "09:00-13:00 14:00-18:00");
        assert_eq!(hours("14:00-18:00, 9-13").to_string(), "09:00-13:00 14:00-18:00");
        assert_eq!(hours("00:00-24:00").minutes(), 1440);
        assert!(hours("").is_off() && hours("off").is_off() && hours("-").is_off());
        assert_eq!(
            Hours::parse("09:00-13:00 12:00-18:00"),
            Err(CalendarError::Overlap("09:00-13:00".into(), "12:00-18:00".into()))
        );
        assert_eq!(Hours::parse("18:00-09:00"), Err(CalendarError::Backwards("18:00-09:00".into())));
        assert_eq!(Hours::parse("9am-5pm"), Err(CalendarError::BadHours("9am-5pm".into())));
        assert!(Hours::parse("09:00-24:30").is_err() && Hours::parse("09:61-10:00").is_err());
        assert_eq!(Hours::parse("1093-1094"), Err(CalendarError::BadHours("1093-1094".into())), "no overflow");
        assert_eq!(Hours::parse("09:00-09:00"), Err(CalendarError::Backwards("09:00-09:00".into())));
        assert_eq!(hours("09:00-13:00\t14:00-18:00").to_string(), "09:00-13:00 14:00-18:00", "a tab splits too");
        assert_eq!(zone("Mars/Olympus"), Err(CalendarError::UnknownZone("Mars/Olympus".into())));
        let off = Hours::default();
        assert_eq!(Calendar::new(chrono_tz::UTC, std::array::from_fn(|_| off.clone())), Err(CalendarError::NoHours));
    }

    #[test]
    fn days_apart_parse() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(Day::parse("holiday", "2026-01-07"), Ok(Day::Holiday(d(2026, 1, 7))));
        assert_eq!(Day::parse("yearly", "08-24"), Ok(Day::Yearly { month: 8, day: 24 }));
        assert_eq!(Day::parse("yearly", "2025-12-25"), Ok(Day::Yearly { month: 12, day: 25 }));
        assert_eq!(Day::parse("yearly", "02-29"), Ok(Day::Yearly { month: 2, day: 29 }));
        assert_eq!(Day::parse("workday", "2026-01-03").map(|d| d.date()), Ok("2026-01-03".into()));
        assert_eq!(Day::parse("holiday", "2026-02-30"), Err(CalendarError::BadDate("2026-02-30".into())));
        assert_eq!(Day::parse("yearly", "13-01"), Err(CalendarError::BadDate("13-01".into())));
        assert_eq!(Day::parse("feast", "2026-01-01"), Err(CalendarError::BadDayKind("feast".into())));
    }

    #[test]
    fn filed_on_friday_evening_falls_due_on_monday() {
        // Kyiv in March before the change: UTC+2. Fri 2026-03-06 18:55 local, 2 working hours.
        let kyiv = office("Europe/Kyiv", "09:00-13:00 14:00-18:00");
        let filed = utc("2026-03-06 16:55");
        assert!(!kyiv.is_working(filed));
        assert_eq!(kyiv.add(filed, h(2)), utc("2026-03-09 09:00"), "Mon 11:00 local");
        assert_eq!(kyiv.between(filed, utc("2026-03-09 09:00")), h(2));
        // Filed inside hours, before lunch: the lunch hour does not count.
        assert_eq!(kyiv.add(utc("2026-03-09 10:00"), h(2)), utc("2026-03-09 13:00"), "12:00 + lunch = 15:00 local");
        assert!(kyiv.is_working(utc("2026-03-09 07:00")), "09:00 local opens");
        assert!(!kyiv.is_working(utc("2026-03-09 11:30")), "13:30 local is lunch");
        assert!(!kyiv.is_working(utc("2026-03-09 16:00")), "18:00 local has closed");
    }

    #[test]
    fn a_deadline_across_a_weekend_and_a_holiday() {
        let mut kyiv = office("Europe/Kyiv", "09:00-13:00 14:00-18:00");
        kyiv.add_day(Day::parse("yearly", "12-25").unwrap(), Hours::default());
        kyiv.add_day(Day::parse("holiday", "2026-12-28").unwrap(), Hours::default());
        // Thu 2026-12-24 17:00 local (UTC+2), 4 hours: 1 on Thursday; Friday a holiday, the
        // weekend, Monday a one-off holiday; Tuesday 09:00-12:00.
        assert_eq!(kyiv.add(utc("2026-12-24 15:00"), h(4)), utc("2026-12-29 10:00"));
        assert_eq!(kyiv.between(utc("2026-12-24 15:00"), utc("2026-12-29 10:00")), h(4));
        assert!(kyiv.is_working(utc("2027-12-27 07:00")), "Monday 2027-12-27 works: the one-off holiday was 2026's");
        assert!(!kyiv.is_working(utc("2025-12-25 09:00")), "the yearly holiday holds every year");
    }

    #[test]
    fn a_working_day_moved_onto_a_saturday() {
        let mut msk = office("Europe/Moscow", "09:00-18:00");
        // Sat 2026-03-07 works (hours of an ordinary day), Mon 2026-03-09 does not.
        msk.add_day(Day::parse("workday", "2026-03-07").unwrap(), Hours::default());
        msk.add_day(Day::parse("holiday", "2026-03-09").unwrap(), Hours::default());
        // Fri 17:00 MSK (14:00 UTC), 3 hours: 1 on Friday, 2 on Saturday from 09:00.
        assert_eq!(msk.add(utc("2026-03-06 14:00"), h(3)), utc("2026-03-07 08:00"), "Sat 11:00 MSK");
        // A shortened day: a workday with hours of its own on a weekday.
        msk.add_day(Day::parse("workday", "2026-03-10").unwrap(), hours("09:00-10:00"));
        assert_eq!(msk.add(utc("2026-03-07 15:00"), h(2)), utc("2026-03-11 07:00"), "1 h Tue, Wed 10:00 MSK");
    }

    #[test]
    fn daylight_saving_in_kyiv_and_none_in_moscow() {
        // Kyiv moves to UTC+3 on Sunday 2026-03-29 at 03:00; Moscow stays at UTC+3.
        let kyiv = office("Europe/Kyiv", "09:00-18:00");
        let msk = office("Europe/Moscow", "09:00-18:00");
        // Friday 17:00 local, 2 hours: Monday 10:00 local in both, which is 07:00 UTC in both now.
        assert_eq!(kyiv.add(utc("2026-03-27 15:00"), h(2)), utc("2026-03-30 07:00"));
        assert_eq!(msk.add(utc("2026-03-27 14:00"), h(2)), utc("2026-03-30 07:00"));
        // Round the clock on the day of each change: 23 hours in spring, 25 in autumn.
        let all = hours("00:00-24:00");
        let always = Calendar::new(zone("Europe/Kyiv").unwrap(), std::array::from_fn(|_| all.clone())).unwrap();
        assert_eq!(always.between(utc("2026-03-28 22:00"), utc("2026-03-29 21:00")), h(23));
        assert_eq!(always.between(utc("2026-10-24 21:00"), utc("2026-10-25 22:00")), h(25));
        let msk_always = Calendar::new(zone("Europe/Moscow").unwrap(), std::array::from_fn(|_| all.clone())).unwrap();
        assert_eq!(msk_always.between(utc("2026-03-28 21:00"), utc("2026-03-29 21:00")), h(24));
        // Hours that start inside the spring gap start when the clocks jumped (04:00 local).
        let mut night = office("Europe/Kyiv", "09:00-18:00");
        night.add_day(Day::parse("workday", "2026-03-29").unwrap(), hours("03:30-05:00"));
        assert_eq!(night.between(utc("2026-03-29 00:00"), utc("2026-03-29 03:00")), h(1));
        // Autumn: a limit across the night of the change still counts working hours only.
        assert_eq!(kyiv.add(utc("2026-10-23 14:00"), h(2)), utc("2026-10-26 08:00"), "Fri 17:00 EEST, Mon 10:00 EET");
    }

    #[test]
    fn a_limit_longer_than_a_week() {
        let cal = office("UTC", "09:00-17:00");
        // 60 hours on a 40-hour week from Monday 09:00: the whole week, then 8 + 8 + 4.
        assert_eq!(cal.add(utc("2026-03-02 09:00"), h(60)), utc("2026-03-11 13:00"));
        assert_eq!(cal.between(utc("2026-03-02 09:00"), utc("2026-03-11 13:00")), h(60));
        assert_eq!(cal.between(utc("2026-03-11 13:00"), utc("2026-03-02 09:00")), Duration::zero());
        // No calendar: round the clock.
        assert_eq!(add(None, utc("2026-03-02 09:00"), h(60)), utc("2026-03-04 21:00"));
        assert_eq!(between(None, utc("2026-03-02 09:00"), utc("2026-03-04 21:00")), h(60));
        assert!(is_working(None, utc("2026-03-08 03:00")));
    }

    /// Working time the slow way: every span of every day, each end read from the zone.
    fn slow_between(cal: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        let mut d = cal.local_date(from) - Duration::days(1);
        while d <= cal.local_date(to) {
            for &(a, b) in &cal.hours_on(d).0 {
                let (start, end) = (cal.instant(d, a).max(from), cal.instant(d, b).min(to));
                if end > start {
                    total += end - start;
                }
            }
            d += Duration::days(1);
        }
        total
    }

    #[test]
    fn the_quick_ways_agree_with_the_slow_one_over_years_of_holidays_and_clock_changes() {
        let mut kyiv = office("Europe/Kyiv", "09:00-13:00 14:00-18:00");
        kyiv.week[5] = hours("10:00-14:00");
        kyiv.add_day(Day::parse("yearly", "01-01").unwrap(), Hours::default());
        kyiv.add_day(Day::parse("holiday", "2026-05-04").unwrap(), Hours::default());
        kyiv.add_day(Day::parse("workday", "2026-03-29").unwrap(), hours("02:00-05:00"));
        kyiv.add_day(Day::parse("workday", "2026-10-25").unwrap(), hours("00:00-24:00"));
        let all = hours("00:00-24:00");
        let always = Calendar::new(zone("Europe/Kyiv").unwrap(), std::array::from_fn(|_| all.clone())).unwrap();
        let mut seed: u64 = 7;
        let mut next = |n: i64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as i64).rem_euclid(n)
        };
        for cal in [&kyiv, &always] {
            for _ in 0..400 {
                let from = utc("2025-06-01 00:00") + Duration::minutes(next(600 * 24 * 60));
                let to = from + Duration::minutes(next(200 * 24 * 60));
                let slow = slow_between(cal, from, to);
                assert_eq!(cal.between(from, to), slow, "{from} .. {to}");
                if slow > Duration::zero() {
                    assert_eq!(cal.between(from, cal.add(from, slow)), slow, "add inverts between from {from}");
                }
            }
        }
    }

    #[test]
    fn a_calendar_that_never_works_again_never_falls_due() {
        let mut cal = office("UTC", "09:00-17:00");
        for m in 1..=12 {
            for d in 1..=31 {
                if NaiveDate::from_ymd_opt(2024, m, d).is_some() {
                    cal.add_day(Day::Yearly { month: m, day: d }, Hours::default());
                }
            }
        }
        assert_eq!(cal.add(utc("2026-03-02 09:00"), h(1)), DateTime::<Utc>::MAX_UTC);
        // Never is a time the other questions take without trouble, east of UTC too.
        let kyiv = office("Europe/Kyiv", "09:00-18:00");
        assert!(kyiv.between(utc("2026-03-02 09:00"), DateTime::<Utc>::MAX_UTC) > h(1000));
        assert!(!kyiv.is_working(DateTime::<Utc>::MAX_UTC));
        let ny = office("America/New_York", "09:00-18:00");
        assert!(!ny.is_working(DateTime::<Utc>::MAX_UTC));
    }

    #[test]
    fn hours_that_end_in_the_repeated_autumn_hour_end_at_its_second_turn() {
        // Kyiv, Sunday 2026-10-25: 04:00 EEST goes back to 03:00 EET (at 01:00 UTC).
        let mut kyiv = office("Europe/Kyiv", "09:00-18:00");
        kyiv.add_day(Day::parse("workday", "2026-10-25").unwrap(), hours("00:00-03:30"));
        // 00:00 EEST is 21:00 UTC the day before; the second 03:30 (EET) is 01:30 UTC: 4.5 hours.
        assert_eq!(kyiv.between(utc("2026-10-24 12:00"), utc("2026-10-25 12:00")), h(4) + Duration::minutes(30));
    }
}
