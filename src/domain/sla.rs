//! SLA arithmetic, with no I/O: when a request falls due, whether it breached,
//! and which reminder level is due at a given moment.
//!
//! A request breaches its accept limit when it is not accepted within the
//! limit for its priority, and (when a resolve limit is set) its resolve limit
//! when it is not closed within that. Reminders about a breach repeat every
//! `repeat`: level 1 as soon as it is overdue, level 2 one `repeat` later, and
//! so on; super admins join after `escalate_after` levels.
//!
//! Limits and repeats count working time of the request's branch calendar
//! (`domain::calendar`); with no calendar (`None`), round the clock.

use super::calendar::{self, Calendar};
use chrono::{DateTime, Duration, Utc};

/// Which limit is breached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SlaKind {
    /// Not accepted in time.
    Accept,
    /// Not closed in time.
    Resolve,
}

impl SlaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaKind::Accept => "accept",
            SlaKind::Resolve => "resolve",
        }
    }
}

fn to_chrono(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::MAX)
}

/// When `limit` of working time runs out for a request created at `created`.
pub fn due_at(cal: Option<&Calendar>, created: DateTime<Utc>, limit: std::time::Duration) -> DateTime<Utc> {
    calendar::add(cal, created, to_chrono(limit))
}

/// The reminder level due at `now` for a breach that started at `due`: 0
/// before it, then 1, 2, … every `repeat` of working time.
pub fn level(cal: Option<&Calendar>, due: DateTime<Utc>, now: DateTime<Utc>, repeat: std::time::Duration) -> i64 {
    if now < due {
        return 0;
    }
    level_after(calendar::between(cal, due, now), repeat)
}

/// The reminder level of a breach `late` (working time) past due: 1, 2, … every `repeat`.
pub fn level_after(late: Duration, repeat: std::time::Duration) -> i64 {
    let step = to_chrono(repeat).num_seconds().max(1);
    1 + late.num_seconds().max(0) / step
}

/// Whether level `level` goes to super admins too.
pub fn escalated(level: i64, escalate_after: u32) -> bool {
    level > i64::from(escalate_after)
}

/// Was (or is, at `now`) a request due to be accepted by `due` late?
pub fn accept_breached(
    due: DateTime<Utc>,
    accepted: Option<DateTime<Utc>>,
    closed: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    match (accepted, closed) {
        (Some(a), _) => a > due,
        // Closed without being accepted (rejected or cancelled): late if it waited past the limit.
        (None, Some(c)) => c > due,
        (None, None) => now > due,
    }
}

/// Was (or is, at `now`) a request due to be closed by `due` late?
pub fn resolve_breached(due: DateTime<Utc>, closed: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    closed.unwrap_or(now) > due
}

/// A time past due, split for showing: (days, hours, minutes).
pub fn overdue_parts(late: Duration) -> (i64, i64, i64) {
    let m = late.num_minutes().max(0);
    (m / (24 * 60), (m / 60) % 24, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::time::Duration as Std;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap()
    }
    const HOUR: Std = Std::from_secs(3600);

    #[test]
    fn levels_step_every_repeat_from_the_due_time() {
        let due = due_at(None, t(9, 0), HOUR);
        assert_eq!(due, t(10, 0));
        assert_eq!(level(None, due, t(9, 59), HOUR), 0);
        assert_eq!(level(None, due, t(10, 0), HOUR), 1);
        assert_eq!(level(None, due, t(10, 59), HOUR), 1);
        assert_eq!(level(None, due, t(11, 0), HOUR), 2);
        assert_eq!(level(None, due, t(13, 30), Std::from_secs(1800)), 8);
        assert!(!escalated(3, 3));
        assert!(escalated(4, 3));
    }

    #[test]
    fn breaches() {
        let due = due_at(None, t(9, 0), HOUR);
        assert!(!accept_breached(due, Some(t(9, 30)), None, t(12, 0)));
        assert!(accept_breached(due, Some(t(10, 30)), None, t(12, 0)));
        assert!(accept_breached(due, None, None, t(10, 1)));
        assert!(!accept_breached(due, None, None, t(9, 59)));
        assert!(!accept_breached(due, None, Some(t(9, 10)), t(23, 0)), "cancelled quickly");
        let four = due_at(None, t(9, 0), Std::from_secs(4 * 3600));
        assert!(resolve_breached(four, None, t(17, 0)));
        assert!(!resolve_breached(four, Some(t(12, 0)), t(17, 0)));
        assert_eq!(overdue_parts(t(12, 25) - t(10, 0)), (0, 2, 25));
        let huge = due_at(None, t(9, 0), Std::from_secs(u64::MAX / 2));
        assert!(!accept_breached(huge, None, None, t(23, 0)), "an enormous limit does not overflow");
    }

    #[test]
    fn limits_and_repeats_count_working_time() {
        // Monday 2026-03-02, 09:00-18:00 on weekdays in UTC.
        let day = calendar::Hours::parse("09:00-18:00").unwrap();
        let off = calendar::Hours::default();
        let week = [day.clone(), day.clone(), day.clone(), day.clone(), day, off.clone(), off];
        let cal = Calendar::new(chrono_tz::UTC, week).unwrap();
        let friday = |h, m| Utc.with_ymd_and_hms(2026, 3, 6, h, m, 0).unwrap();
        let monday = |h, m| Utc.with_ymd_and_hms(2026, 3, 9, h, m, 0).unwrap();
        // Filed Friday 17:30 with an hour to be accepted: due Monday 09:30.
        let due = due_at(Some(&cal), friday(17, 30), HOUR);
        assert_eq!(due, monday(9, 30));
        assert!(!accept_breached(due, None, None, monday(9, 0)), "not overdue over the weekend");
        assert!(accept_breached(due, None, None, monday(9, 31)));
        // Filed Friday 16:00: due 17:00 on Friday; the night and weekend add no levels.
        let due = due_at(Some(&cal), friday(16, 0), HOUR);
        assert_eq!(level(Some(&cal), due, friday(17, 30), HOUR), 1);
        assert_eq!(level(Some(&cal), due, monday(8, 0), HOUR), 2, "17:00-18:00 Friday only");
        assert_eq!(level(Some(&cal), due, monday(10, 0), HOUR), 3);
        assert_eq!(level(None, due, monday(10, 0), HOUR), 66, "round the clock, as without a calendar");
    }
}
