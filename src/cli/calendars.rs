//! `helpdesk calendars list|set|days|remove-day|assign`: working-time calendars.

use super::output::{Format, print_rows};
use super::{Global, open_app};
use crate::domain::BranchKey;
use crate::services::calendars::{self, CalendarForm, Outcome};
use crate::services::{Actor, OpenOptions, seed};
use anyhow::Result;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum CalendarsCommand {
    /// List calendars: time zone, hours per weekday, the branches that keep each
    #[command(after_help = "Examples:\n  helpdesk calendars list\n  helpdesk calendars list --format json")]
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add a calendar, or change one: its name, time zone, working hours, whether it is the default
    #[command(
        after_help = "Examples:\n  helpdesk calendars set KYIV --name \"Kyiv offices\" --timezone Europe/Kyiv \\\n    \
        --weekdays \"09:00-13:00 14:00-18:00\" --default\n  helpdesk calendars set KYIV --sat 10:00-14:00\n  \
        helpdesk calendars set SERVER-ROOM --name \"Server room\" --weekdays 00:00-24:00 --sat 00:00-24:00 --sun 00:00-24:00\n\n\
        Hours are wall-clock times in the calendar's time zone, several spans split by spaces; \
        \"off\" (or \"\") for a day off.\nService levels count the working hours of each branch's calendar: its own \
        (`helpdesk calendars assign`), else the default one; with no calendar at all, round the clock."
    )]
    Set(Box<SetArgs>),
    /// Load holidays and moved working days from a CSV file (date,kind,hours,name), a year's list at a time
    #[command(after_help = "Example:\n  helpdesk calendars days KYIV holidays-2027.csv\n\n\
        Columns: date (YYYY-MM-DD; MM-DD for a yearly holiday), kind (holiday, yearly or workday; \
        holiday when empty),\nhours (a workday's own, as 09:00-15:00; empty for the calendar's usual hours), name. \
        Days already there are updated.")]
    Days {
        /// The calendar's code
        calendar: String,
        /// The CSV file
        file: PathBuf,
    },
    /// Remove a holiday or a moved working day from a calendar
    #[command(
        name = "remove-day",
        after_help = "Examples:\n  helpdesk calendars remove-day KYIV 2027-01-07\n  helpdesk calendars remove-day KYIV 12-25"
    )]
    RemoveDay {
        /// The calendar's code
        calendar: String,
        /// The date: YYYY-MM-DD, or MM-DD for a holiday every year
        date: String,
        /// holiday, yearly or workday; by default whichever the date has
        #[arg(long)]
        kind: Option<String>,
    },
    /// Give a branch a calendar of its own, or (--default) the organization's default back
    #[command(
        after_help = "Examples:\n  helpdesk calendars assign LVIV UA-SHOP\n  helpdesk calendars assign LVIV --default"
    )]
    Assign {
        /// The branch: a code, name or id
        branch: BranchKey,
        /// The calendar's code
        #[arg(required_unless_present = "default")]
        calendar: Option<String>,
        /// Back to the organization's default calendar
        #[arg(long, conflicts_with = "calendar")]
        default: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// Its code: letters, digits, - and _
    pub code: String,
    /// Its name (required for a new calendar)
    #[arg(long, default_value = "")]
    pub name: String,
    /// Its time zone, as in the tz database (Europe/Kyiv); "" for the TIMEZONE setting
    #[arg(long)]
    pub timezone: Option<String>,
    /// Hours Monday to Friday
    #[arg(long, value_name = "HOURS")]
    pub weekdays: Option<String>,
    /// Hours on Mondays (over --weekdays)
    #[arg(long, value_name = "HOURS")]
    pub mon: Option<String>,
    /// Hours on Tuesdays (over --weekdays)
    #[arg(long, value_name = "HOURS")]
    pub tue: Option<String>,
    /// Hours on Wednesdays (over --weekdays)
    #[arg(long, value_name = "HOURS")]
    pub wed: Option<String>,
    /// Hours on Thursdays (over --weekdays)
    #[arg(long, value_name = "HOURS")]
    pub thu: Option<String>,
    /// Hours on Fridays (over --weekdays)
    #[arg(long, value_name = "HOURS")]
    pub fri: Option<String>,
    /// Hours on Saturdays
    #[arg(long, value_name = "HOURS")]
    pub sat: Option<String>,
    /// Hours on Sundays
    #[arg(long, value_name = "HOURS")]
    pub sun: Option<String>,
    /// Make it the organization's default, kept by branches with no calendar of their own
    #[arg(long, conflicts_with = "not_default")]
    pub default: bool,
    /// Stop it being the default (branches with no calendar of their own run round the clock)
    #[arg(long)]
    pub not_default: bool,
}

#[derive(serde::Serialize)]
struct Row {
    code: String,
    name: String,
    timezone: String,
    /// The week at a glance (the table shows this, the other formats each day too).
    hours: String,
    mon: String,
    tue: String,
    wed: String,
    thu: String,
    fri: String,
    sat: String,
    sun: String,
    default: bool,
    /// Codes of the branches that keep it, separated by `;`.
    branches: String,
    holidays: usize,
    workdays: usize,
}

/// `mon-fri 09:00-18:00, sat 10:00-14:00`: runs of days with the same hours; days off left out.
fn week_at_a_glance(week: &[String; 7]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < 7 {
        let mut j = i;
        while j + 1 < 7 && week[j + 1] == week[i] {
            j += 1;
        }
        if !week[i].is_empty() {
            let days = calendars::WEEKDAYS;
            let span = if j > i { format!("{}-{}", days[i], days[j]) } else { days[i].to_string() };
            parts.push(format!("{span} {}", week[i]));
        }
        i = j + 1;
    }
    parts.join(", ")
}

pub fn run(global: &Global, cmd: CalendarsCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let actor = Actor::operator_from_env();
    match cmd {
        CalendarsCommand::List { format } => {
            let rows: Vec<Row> = calendars::list(&app)?
                .into_iter()
                .map(|c| {
                    let hours = week_at_a_glance(&c.week);
                    let [mon, tue, wed, thu, fri, sat, sun] = c.week;
                    Row {
                        code: c.code,
                        name: c.name,
                        timezone: c.timezone,
                        hours,
                        mon,
                        tue,
                        wed,
                        thu,
                        fri,
                        sat,
                        sun,
                        default: c.default,
                        branches: c.branches.join(";"),
                        holidays: c.holidays,
                        workdays: c.workdays,
                    }
                })
                .collect();
            print_rows(
                format,
                &rows,
                &calendars::WEEKDAYS,
                "no calendars: service levels run round the clock; add one with `helpdesk calendars set` \
                 or load calendars.csv with `helpdesk seed`",
            )?;
        }
        CalendarsCommand::Set(args) => {
            let SetArgs { code, name, timezone, weekdays, mon, tue, wed, thu, fri, sat, sun, default, not_default } =
                *args;
            let day = |own: Option<String>| own.or_else(|| weekdays.clone());
            let form = CalendarForm {
                code,
                name,
                timezone,
                week: [day(mon), day(tue), day(wed), day(thu), day(fri), sat, sun],
                default: if default {
                    Some(true)
                } else if not_default {
                    Some(false)
                } else {
                    None
                },
            };
            let (c, outcome) = calendars::define(&app, &actor, &form)?;
            let what = match outcome {
                Outcome::Added => "added",
                Outcome::Updated => "changed",
                Outcome::Unchanged => "unchanged",
            };
            let default = if c.is_default { ", the default" } else { "" };
            println!("calendar {} ({}) {what}{default}", c.code, c.name);
        }
        CalendarsCommand::Days { calendar, file } => {
            let line = seed::import_days(&app, &actor, &calendar, &file)?;
            println!(
                "{}: {} days added, {} updated, {} unchanged",
                line.file, line.added, line.updated, line.unchanged
            );
        }
        CalendarsCommand::RemoveDay { calendar, date, kind } => {
            match calendars::remove_day(&app, &actor, &calendar, kind.as_deref(), &date)? {
                Some(kind) => println!("removed {kind} {} from calendar {calendar}", date.trim()),
                None => anyhow::bail!(
                    "calendar {calendar} has no such day on {}; run `helpdesk calendars list --format json` to see its days",
                    date.trim()
                ),
            }
        }
        CalendarsCommand::Assign { branch, calendar, default: _ } => {
            let changed = calendars::assign(&app, &actor, &branch, calendar.as_deref())?;
            let now = match &calendar {
                Some(code) => format!("keeps calendar {code}"),
                None => "keeps the default calendar".to_string(),
            };
            println!("branch {branch} {now}{}", if changed { "" } else { " (as before)" });
        }
    }
    Ok(ExitCode::SUCCESS)
}
