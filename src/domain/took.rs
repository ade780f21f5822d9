//! How long requests took to be accepted and to be closed, on the wall clock
//! and in their branch calendar's working hours, summed for the means the
//! reports show (`helpdesk report`, the export's Summary sheet, the panel's
//! reports page).

use super::calendar::{self, Calendar};
use chrono::{DateTime, Duration, Utc};

/// How long one thing took: on the wall clock and in working hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Took {
    pub wall: Duration,
    pub working: Duration,
}

impl Took {
    /// From `from` to `to`, working time counted by `calendar` (round the clock without one).
    pub fn between(calendar: Option<&Calendar>, from: DateTime<Utc>, to: DateTime<Utc>) -> Took {
        Took { wall: to - from, working: calendar::between(calendar, from, to) }
    }
}

/// Sums of times to accept (of those accepted) and to close (of those
/// closed), in whole seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct TimesTaken {
    pub accepted: u64,
    pub accept_seconds: i64,
    pub accept_working_seconds: i64,
    pub closed: u64,
    pub close_seconds: i64,
    pub close_working_seconds: i64,
}

impl TimesTaken {
    /// Counts a request accepted after `took`.
    pub fn accept(&mut self, took: Took) {
        self.accepted += 1;
        self.accept_seconds += took.wall.num_seconds();
        self.accept_working_seconds += took.working.num_seconds();
    }

    /// Counts a request closed after `took`.
    pub fn close(&mut self, took: Took) {
        self.closed += 1;
        self.close_seconds += took.wall.num_seconds();
        self.close_working_seconds += took.working.num_seconds();
    }

    pub fn merge(&mut self, o: &TimesTaken) {
        self.accepted += o.accepted;
        self.accept_seconds += o.accept_seconds;
        self.accept_working_seconds += o.accept_working_seconds;
        self.closed += o.closed;
        self.close_seconds += o.close_seconds;
        self.close_working_seconds += o.close_working_seconds;
    }

    /// The mean time to accept, in seconds (none when nothing was accepted).
    pub fn to_accept(&self) -> Option<f64> {
        mean(self.accept_seconds, self.accepted)
    }

    /// [`TimesTaken::to_accept`] in working time.
    pub fn to_accept_working(&self) -> Option<f64> {
        mean(self.accept_working_seconds, self.accepted)
    }

    /// The mean time to close, in seconds (none when nothing was closed).
    pub fn to_close(&self) -> Option<f64> {
        mean(self.close_seconds, self.closed)
    }

    /// [`TimesTaken::to_close`] in working time.
    pub fn to_close_working(&self) -> Option<f64> {
        mean(self.close_working_seconds, self.closed)
    }
}

fn mean(sum: i64, n: u64) -> Option<f64> {
    (n > 0).then(|| sum as f64 / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sums_and_means_on_the_wall_clock_and_in_working_time() {
        let at = |h: u32, m: u32| Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap();
        let mut t = TimesTaken::default();
        assert_eq!((t.to_accept(), t.to_close()), (None, None));
        t.accept(Took::between(None, at(9, 0), at(9, 30)));
        t.accept(Took { wall: Duration::minutes(90), working: Duration::minutes(20) });
        t.close(Took::between(None, at(9, 0), at(13, 0)));
        assert_eq!(t.to_accept(), Some(3600.0));
        assert_eq!(t.to_accept_working(), Some(1500.0));
        assert_eq!((t.to_close(), t.to_close_working()), (Some(14_400.0), Some(14_400.0)));
        let mut both = t;
        both.merge(&t);
        assert_eq!((both.accepted, both.closed, both.to_accept()), (4, 2, Some(3600.0)));
        // A clock set back never makes a negative working time.
        assert_eq!(Took::between(None, at(10, 0), at(9, 0)).working, Duration::zero());
    }
}
