//! When a recurring request falls due: every N days, every N weeks on a
//! weekday, every N months on a day (the last, where a month is shorter),
//! or a crontab line, at a time of day in a time zone (a branch's calendar's).
//!
//! Pure arithmetic over dates: [`Recurrence::latest`] is the period a moment
//! falls in (the occurrence it belongs to), [`Recurrence::next_after`] the
//! one to come. Not here: whether a branch is at work then (`calendar`), or
//! filing each occurrence once (the services, with the store's help).

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// How far ahead a rule must fire at least once to be accepted.
pub const HORIZON_YEARS: i32 = 5;

/// What is wrong with a recurrence as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    #[error(
        "'{0}' is not a schedule; write every 3 days, every 2 weeks on mon, monthly on 1, every 3 months on last, \
         or cron 0 9 1 * *"
    )]
    Unreadable(String),
    #[error("'{0}' is not a time of day; write it as 09:00")]
    BadTime(String),
    #[error("'{0}' is not a weekday; write mon, tue, wed, thu, fri, sat or sun")]
    BadWeekday(String),
    #[error("'{0}' is not a day of the month; write 1 to 31, or last")]
    BadMonthDay(String),
    #[error("'{0}' is not a count; write a whole number from 1 to 366")]
    BadCount(String),
    #[error("'{line}' is not a crontab line: give five fields (minute hour day month weekday), e.g. 0 9 1 * *")]
    BadCron { line: String },
    #[error("{0} is too far off; start within five years of today")]
    StartTooFar(NaiveDate),
    #[error("'{0}' never fires in the next five years; check the day and the month")]
    NeverFires(String),
}

/// The day of the month an occurrence is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthDay {
    /// This day, or the month's last where it has fewer days.
    Day(u32),
    Last,
}

/// How often.
#[derive(Debug, Clone)]
pub enum Every {
    Days(u32),
    Weeks {
        n: u32,
        on: Weekday,
    },
    Months {
        n: u32,
        day: MonthDay,
    },
    /// Five crontab fields; they carry the time of day themselves.
    Cron(Box<cron::Schedule>),
}

/// A rule as stored and shown: `every 2 weeks on mon`, `cron 0 9 1 * *`.
#[derive(Debug, Clone)]
pub struct Recurrence {
    pub every: Every,
    /// The time of day (not used by a crontab line, which has its own).
    pub at: NaiveTime,
    /// Counting starts here: the first period is the one this day is in.
    pub start: NaiveDate,
    /// The rule as written, tidied.
    pub text: String,
}

fn count(word: &str) -> Result<u32, RecurrenceError> {
    match word.parse::<u32>() {
        Ok(n @ 1..=366) => Ok(n),
        _ => Err(RecurrenceError::BadCount(word.to_string())),
    }
}

fn weekday(word: &str) -> Result<Weekday, RecurrenceError> {
    let w = word.to_ascii_lowercase();
    let days = [
        ("mon", Weekday::Mon),
        ("tue", Weekday::Tue),
        ("wed", Weekday::Wed),
        ("thu", Weekday::Thu),
        ("fri", Weekday::Fri),
        ("sat", Weekday::Sat),
        ("sun", Weekday::Sun),
    ];
    days.iter()
        .find(|(short, _)| w.len() >= 3 && short.starts_with(&w[..3]) && w.chars().all(|c| c.is_ascii_alphabetic()))
        .map(|(_, d)| *d)
        .ok_or_else(|| RecurrenceError::BadWeekday(word.to_string()))
}

fn month_day(word: &str) -> Result<MonthDay, RecurrenceError> {
    if word.eq_ignore_ascii_case("last") {
        return Ok(MonthDay::Last);
    }
    match word.parse::<u32>() {
        Ok(d @ 1..=31) => Ok(MonthDay::Day(d)),
        _ => Err(RecurrenceError::BadMonthDay(word.to_string())),
    }
}

/// Parses a time of day, `09:00`.
pub fn time_of_day(text: &str) -> Result<NaiveTime, RecurrenceError> {
    let t = text.trim();
    NaiveTime::parse_from_str(t, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
        .map_err(|_| RecurrenceError::BadTime(t.to_string()))
}

/// Refuses a start further than [`HORIZON_YEARS`] from `today` either way.
pub fn start_near(start: NaiveDate, today: NaiveDate) -> Result<NaiveDate, RecurrenceError> {
    let years = (start.year() - today.year()).abs();
    if years > HORIZON_YEARS { Err(RecurrenceError::StartTooFar(start)) } else { Ok(start) }
}

fn short(d: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][d.num_days_from_monday() as usize]
}

impl Recurrence {
    /// Reads a rule (`every 3 days`, `every week on fri`, `every 2 weeks on
    /// mon`, `monthly on 15`, `every 3 months on last`, `cron 0 9 1 * *`),
    /// at `at` each time, counted from `start`. A rule that would not fire
    /// within [`HORIZON_YEARS`] is refused.
    pub fn parse(rule: &str, at: NaiveTime, start: NaiveDate) -> Result<Recurrence, RecurrenceError> {
        let words: Vec<String> = rule.split_whitespace().map(str::to_ascii_lowercase).collect();
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let unreadable = || RecurrenceError::Unreadable(rule.trim().to_string());
        let (every, text) = match w.as_slice() {
            ["cron", fields @ ..] => {
                let line = fields.join(" ");
                let schedule =
                    super::crontab::schedule(&line).map_err(|_| RecurrenceError::BadCron { line: line.clone() })?;
                (Every::Cron(Box::new(schedule)), format!("cron {line}"))
            }
            ["daily"] | ["every", "day"] => (Every::Days(1), "every 1 days".into()),
            ["every", n, "days" | "day"] => {
                let n = count(n)?;
                (Every::Days(n), format!("every {n} days"))
            }
            ["weekly", "on", d] | ["every", "week", "on", d] => {
                let on = weekday(d)?;
                (Every::Weeks { n: 1, on }, format!("every 1 weeks on {}", short(on)))
            }
            ["every", n, "weeks" | "week", "on", d] => {
                let (n, on) = (count(n)?, weekday(d)?);
                (Every::Weeks { n, on }, format!("every {n} weeks on {}", short(on)))
            }
            ["monthly", "on", d] | ["every", "month", "on", d] => {
                let day = month_day(d)?;
                (Every::Months { n: 1, day }, format!("every 1 months on {}", Self::day_word(day)))
            }
            ["quarterly", "on", d] => {
                let day = month_day(d)?;
                (Every::Months { n: 3, day }, format!("every 3 months on {}", Self::day_word(day)))
            }
            ["every", n, "months" | "month", "on", d] => {
                let (n, day) = (count(n)?, month_day(d)?);
                (Every::Months { n, day }, format!("every {n} months on {}", Self::day_word(day)))
            }
            _ => return Err(unreadable()),
        };
        let r = Recurrence { every, at, start, text };
        // A crontab line may name a day no month has (cron 0 9 30 2 *); the
        // other rules fire within their period, however long.
        if matches!(r.every, Every::Cron(_)) {
            let from = Utc.from_utc_datetime(&start.and_time(NaiveTime::MIN));
            match r.next_after(chrono_tz::UTC, from) {
                Some(next) if next.year() <= start.year() + HORIZON_YEARS => {}
                _ => return Err(RecurrenceError::NeverFires(r.text.clone())),
            }
        }
        Ok(r)
    }

    fn day_word(d: MonthDay) -> String {
        match d {
            MonthDay::Day(n) => n.to_string(),
            MonthDay::Last => "last".into(),
        }
    }

    /// The occurrence (by its nominal date) whose period `now` is in: the
    /// latest at or before `now` in `tz`; `None` before the first.
    pub fn latest(&self, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&tz).date_naive();
        let at = |d: NaiveDate| instant(tz, d.and_time(self.at));
        let found = match &self.every {
            Every::Cron(s) => {
                // Back from just after now: in a repeated hour the first step
                // back may still be later than now, so step until it is not.
                let after = (now + Duration::seconds(1)).with_timezone(&tz);
                let mut back = s.after(&after);
                return std::iter::from_fn(|| back.next_back())
                    .take(4)
                    .map(|t| t.with_timezone(&Utc))
                    .find(|t| *t <= now)
                    .filter(|t| t.with_timezone(&tz).date_naive() >= self.start);
            }
            Every::Days(n) => {
                let step = i64::from(*n);
                let k = (local - self.start).num_days().div_euclid(step);
                let mut d = self.start + Duration::days(k * step);
                if at(d) > now {
                    d -= Duration::days(step);
                }
                d
            }
            Every::Weeks { n, on } => {
                let first = self.first_weekday(*on);
                let step = 7 * i64::from(*n);
                let k = (local - first).num_days().div_euclid(step);
                let mut d = first + Duration::days(k * step);
                if at(d) > now {
                    d -= Duration::days(step);
                }
                d
            }
            Every::Months { n, day } => {
                let months =
                    (local.year() - self.start.year()) * 12 + local.month0() as i32 - self.start.month0() as i32;
                let n = *n as i32;
                let mut k = months.div_euclid(n);
                let mut d = self.month_occurrence(k * n, *day)?;
                if at(d) > now {
                    k -= 1;
                    d = self.month_occurrence(k * n, *day)?;
                }
                d
            }
        };
        (found >= self.start).then(|| at(found))
    }

    /// The next occurrence after `now`.
    pub fn next_after(&self, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if let Every::Cron(s) = &self.every {
            let from = now.with_timezone(&tz);
            let start = instant(tz, self.start.and_time(NaiveTime::MIN)).with_timezone(&tz);
            return s.after(&from.max(start)).next().map(|t| t.with_timezone(&Utc));
        }
        // The period after the current one: step past it a day at a time
        // (at most a few hundred steps: the longest period is 366 months).
        // Local days, not 24-hour steps: a day the clocks change is one day too.
        let current = self.latest(tz, now);
        let mut day = match current {
            Some(c) => c.with_timezone(&tz).date_naive().pred_opt()?,
            None => self.start.pred_opt()?,
        };
        for _ in 0..(366 * 31 + 400) {
            day = day.succ_opt()?;
            let end_of_day = instant(tz, day.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("a time")));
            if let Some(o) = self.latest(tz, end_of_day)
                && Some(o) != current
                && o > now
            {
                return Some(o);
            }
        }
        None
    }

    /// The first date on `on` at or after the start.
    fn first_weekday(&self, on: Weekday) -> NaiveDate {
        let ahead = (7 + on.num_days_from_monday() - self.start.weekday().num_days_from_monday()) % 7;
        self.start + Duration::days(i64::from(ahead))
    }

    /// The occurrence `k` months after the start's month.
    fn month_occurrence(&self, k: i32, day: MonthDay) -> Option<NaiveDate> {
        let first = self.start.with_day(1)?;
        let month = if k >= 0 {
            first.checked_add_months(Months::new(k as u32))?
        } else {
            first.checked_sub_months(Months::new(k.unsigned_abs()))?
        };
        let last = month.checked_add_months(Months::new(1))?.pred_opt()?.day();
        let d = match day {
            MonthDay::Day(n) => n.min(last),
            MonthDay::Last => last,
        };
        month.with_day(d)
    }
}

/// A local time as an instant: in a gap (clocks jumped forward), the moment
/// the clocks jumped; in a repeated hour, its first turn.
fn instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&probe).earliest() {
            return t.with_timezone(&Utc);
        }
        probe += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }
    fn rule(text: &str, start: NaiveDate) -> Recurrence {
        Recurrence::parse(text, time_of_day("09:00").unwrap(), start).unwrap()
    }
    const KYIV: Tz = chrono_tz::Europe::Kyiv;

    #[test]
    fn rules_read_and_say_themselves_one_way() {
        let s = date(2027, 1, 1);
        for (written, tidy) in [
            ("every 3 days", "every 3 days"),
            ("Daily", "every 1 days"),
            ("every week on Friday", "every 1 weeks on fri"),
            ("every 2 weeks on mon", "every 2 weeks on mon"),
            ("monthly on 1", "every 1 months on 1"),
            ("quarterly on last", "every 3 months on last"),
            ("every 3 months on 31", "every 3 months on 31"),
            ("cron 0 9 1 * *", "cron 0 9 1 * *"),
        ] {
            assert_eq!(rule(written, s).text, tidy, "{written}");
            // What is stored reads back the same.
            assert_eq!(rule(tidy, s).text, tidy);
        }
        let at = time_of_day("09:00").unwrap();
        let refused = |text: &str| Recurrence::parse(text, at, s).unwrap_err().to_string();
        assert!(refused("sometimes").contains("is not a schedule"));
        assert!(refused("every 0 days").contains("'0' is not a count"));
        assert!(refused("every week on funday").contains("'funday' is not a weekday"));
        assert!(refused("monthly on 32").contains("'32' is not a day of the month"));
        assert!(refused("cron 0 9 1 *").contains("is not a crontab line"));
        assert_eq!(
            refused("cron 0 9 30 2 *"),
            "'cron 0 9 30 2 *' never fires in the next five years; check the day and the month"
        );
        assert_eq!(time_of_day("9h").unwrap_err().to_string(), "'9h' is not a time of day; write it as 09:00");
        assert_eq!(time_of_day("09:30:00"), time_of_day("09:30"));
        let far = NaiveDate::from_ymd_opt(262_000, 1, 1).unwrap();
        assert_eq!(start_near(far, s), Err(RecurrenceError::StartTooFar(far)));
        assert_eq!(start_near(date(2031, 6, 1), s), Ok(date(2031, 6, 1)));
    }

    #[test]
    fn monthly_on_the_first_at_nine_in_kyiv() {
        let r = rule("monthly on 1", date(2027, 1, 1));
        // 1 March 2027, 09:00 Kyiv = 07:00 UTC.
        assert_eq!(r.latest(KYIV, utc(2027, 3, 1, 6, 59)), Some(utc(2027, 2, 1, 7, 0)), "not yet");
        assert_eq!(r.latest(KYIV, utc(2027, 3, 1, 7, 0)), Some(utc(2027, 3, 1, 7, 0)));
        assert_eq!(r.latest(KYIV, utc(2027, 3, 31, 20, 0)), Some(utc(2027, 3, 1, 7, 0)));
        // After the clocks change (27 March 2027), 09:00 Kyiv is 06:00 UTC.
        assert_eq!(r.latest(KYIV, utc(2027, 4, 2, 0, 0)), Some(utc(2027, 4, 1, 6, 0)));
        assert_eq!(r.latest(KYIV, utc(2026, 12, 31, 0, 0)), None, "before the start");
        assert_eq!(r.latest(KYIV, utc(2027, 1, 1, 6, 0)), None, "the first is at 09:00 on the start day");
        assert_eq!(r.next_after(KYIV, utc(2027, 3, 1, 7, 0)), Some(utc(2027, 4, 1, 6, 0)));
        assert_eq!(r.next_after(KYIV, utc(2026, 11, 5, 0, 0)), Some(utc(2027, 1, 1, 7, 0)));
    }

    #[test]
    fn a_day_the_month_lacks_is_its_last_and_quarters_count_from_the_start() {
        let r = rule("every 3 months on 31", date(2027, 1, 10));
        assert_eq!(r.latest(chrono_tz::UTC, utc(2027, 1, 20, 0, 0)), None, "31 January is the first");
        assert_eq!(r.latest(chrono_tz::UTC, utc(2027, 3, 1, 0, 0)), Some(utc(2027, 1, 31, 9, 0)));
        assert_eq!(r.latest(chrono_tz::UTC, utc(2027, 5, 1, 0, 0)), Some(utc(2027, 4, 30, 9, 0)), "30 April");
        assert_eq!(r.next_after(chrono_tz::UTC, utc(2027, 5, 1, 0, 0)), Some(utc(2027, 7, 31, 9, 0)));
        let last = rule("monthly on last", date(2028, 1, 1));
        assert_eq!(last.latest(chrono_tz::UTC, utc(2028, 3, 1, 0, 0)), Some(utc(2028, 2, 29, 9, 0)), "a leap year");
    }

    #[test]
    fn every_n_days_and_weeks_count_from_the_start() {
        let r = rule("every 3 days", date(2027, 1, 1));
        assert_eq!(r.latest(chrono_tz::UTC, utc(2027, 1, 6, 12, 0)), Some(utc(2027, 1, 4, 9, 0)));
        assert_eq!(r.latest(chrono_tz::UTC, utc(2027, 1, 7, 8, 0)), Some(utc(2027, 1, 4, 9, 0)));
        assert_eq!(r.latest(chrono_tz::UTC, utc(2027, 1, 7, 9, 0)), Some(utc(2027, 1, 7, 9, 0)));
        // Every 2 weeks on Monday from Friday 1 January 2027: Mondays 4 and 18 January, 1 February.
        let w = rule("every 2 weeks on mon", date(2027, 1, 1));
        assert_eq!(w.latest(chrono_tz::UTC, utc(2027, 1, 3, 0, 0)), None);
        assert_eq!(w.latest(chrono_tz::UTC, utc(2027, 1, 17, 0, 0)), Some(utc(2027, 1, 4, 9, 0)));
        assert_eq!(w.latest(chrono_tz::UTC, utc(2027, 1, 18, 9, 0)), Some(utc(2027, 1, 18, 9, 0)));
        assert_eq!(w.next_after(chrono_tz::UTC, utc(2027, 1, 18, 9, 0)), Some(utc(2027, 2, 1, 9, 0)));
    }

    #[test]
    fn a_crontab_line_has_its_own_time_in_the_zone() {
        // 09:30 Moscow (UTC+3, no daylight saving) on weekdays.
        let r = rule("cron 30 9 * * 1-5", date(2027, 1, 1));
        let msk = chrono_tz::Europe::Moscow;
        // Saturday 9 January 2027: the latest is Friday's.
        assert_eq!(r.latest(msk, utc(2027, 1, 9, 12, 0)), Some(utc(2027, 1, 8, 6, 30)));
        assert_eq!(r.latest(msk, utc(2027, 1, 11, 6, 30)), Some(utc(2027, 1, 11, 6, 30)), "at the minute");
        assert_eq!(r.next_after(msk, utc(2027, 1, 9, 12, 0)), Some(utc(2027, 1, 11, 6, 30)));
        assert_eq!(r.latest(msk, utc(2026, 12, 31, 12, 0)), None, "nothing before the start");
    }

    /// In the autumn's repeated hour (Kyiv, 31 October 2027, 03:00-04:00 twice),
    /// the latest occurrence of a 03:30 line is never later than now; a rule
    /// with a long period is not refused as never firing.
    #[test]
    fn a_repeated_hour_and_a_long_period() {
        let r = rule("cron 30 3 * * *", date(2027, 1, 1));
        // 00:40 UTC is the first 03:40 (summer time, UTC+3).
        let now = utc(2027, 10, 31, 0, 40);
        let latest = r.latest(KYIV, now).unwrap();
        assert!(latest <= now, "{latest} after {now}");
        let long = Recurrence::parse("every 61 months on 1", time_of_day("09:00").unwrap(), date(2027, 1, 15));
        assert!(long.is_ok(), "{long:?}");
        // Next after the first occurrence: 61 months on.
        let long = long.unwrap();
        assert_eq!(long.next_after(chrono_tz::UTC, utc(2027, 1, 20, 0, 0)), Some(utc(2032, 2, 1, 9, 0)));
    }
}
