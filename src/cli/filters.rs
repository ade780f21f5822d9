//! The request filters several commands share (`requests list`, `report`,
//! `export`): the same flags, parsed the same way, refused with the same
//! words. Not where requests are filtered: that is the store's `RequestQuery`.

use super::named;
use crate::domain::{BranchId, BranchKey, Kind, Named, Status};
use crate::services::{App, directory};
use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use clap::Args;

/// `--status`, `--kind` and `--branch`.
#[derive(Debug, Clone, Args)]
pub struct Selection {
    /// Only these statuses (repeat or separate with commas)
    #[arg(long, value_parser = named(Status::ALL), value_delimiter = ',')]
    pub status: Vec<Status>,
    /// Only these kinds (repeat or separate with commas)
    #[arg(long, value_parser = named(Kind::ALL), value_delimiter = ',')]
    pub kind: Vec<Kind>,
    /// Only this branch: a code, name or id (code:X, name:X or id:N to say which)
    #[arg(long)]
    pub branch: Option<BranchKey>,
}

impl Selection {
    /// The id of the branch asked for, if any; an unknown branch, or a key
    /// naming two, is an error saying so.
    pub fn branch_id(&self, app: &App) -> Result<Option<BranchId>> {
        Ok(match &self.branch {
            Some(key) => Some(directory::branch(app, key)?.id),
            None => None,
        })
    }
}

/// Parses a date (`2026-03-31`, midnight in `tz`; with `end_of_day`, the next midnight) or an RFC 3339 time.
pub fn parse_when(flag: &str, s: &str, tz: Tz, end_of_day: bool) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    let Ok(mut day) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") else {
        bail!("{flag} '{s}' is not a date; use YYYY-MM-DD, e.g. 2026-03-31");
    };
    if end_of_day {
        day = day.succ_opt().unwrap_or(day);
    }
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    match tz.from_local_datetime(&midnight).earliest() {
        Some(t) => Ok(t.with_timezone(&Utc)),
        None => bail!("{flag} '{s}' does not exist in time zone {tz}"),
    }
}

/// The start and end of a period, either open.
pub type Period = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// A period from the two date flags every listing shares, `--from` and
/// `--until` (which includes its whole day). Either may be left out.
pub fn period(tz: Tz, from: Option<&str>, until: Option<&str>) -> Result<Period> {
    let from = from.map(|s| parse_when("--from", s, tz, false)).transpose()?;
    let until = until.map(|s| parse_when("--until", s, tz, true)).transpose()?;
    if let (Some(a), Some(b)) = (from, until) {
        ordered(a, b)?;
    }
    Ok((from, until))
}

/// Refuses a period that ends before it starts.
pub fn ordered(from: DateTime<Utc>, until: DateTime<Utc>) -> Result<()> {
    if from >= until {
        bail!("--from is after --until; nothing could match");
    }
    Ok(())
}
