//! `helpdesk recurring list|add|pause|resume|run`: recurring requests.

use super::output::{Format, Times, print_rows};
use super::{Global, named, open_app};
use crate::domain::{BranchKey, Kind, Named, Priority, RequestNumber};
use crate::services::recurring::{self, NewSchedule};
use crate::services::{Actor, OpenOptions};
use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use std::io::IsTerminal;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum RecurringCommand {
    /// List schedules: what each files, when, for which branch, when it is next due and what it filed last
    #[command(after_help = "Examples:\n  helpdesk recurring list\n  helpdesk recurring list --format json")]
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add a schedule: a request of a kind filed for a branch (or every branch) at each occurrence
    #[command(after_help = "Examples:\n  \
        helpdesk recurring add --kind maintenance --branch HQ --every \"monthly on 1\" --at 09:00 \\\n    \
        --author 100000001 --assignee 100000002 --description \"Monthly server-room check\"\n  \
        helpdesk recurring add --kind maintenance --all-branches --every \"every 3 months on 15\" \\\n    \
        --author 100000001 --priority low --description \"Clean the printers\"\n  \
        helpdesk recurring add --kind it_help --branch LVIV --every \"cron 0 8 * * 1\" --author 100000001 \\\n    \
        --description \"Weekly backup tape change\"\n\n\
        Rules: every N days, every N weeks on mon..sun, every N months on 1..31 or last (a shorter month: its \
        last day),\nmonthly on D, quarterly on D, or cron followed by five crontab fields. Times are read in each \
        branch's calendar's\ntime zone; an occurrence outside working hours is filed when the branch opens. \
        `serve` files them (SCHEDULE_RECURRING);\n`helpdesk recurring run` does the same from cron.")]
    Add(Box<AddArgs>),
    /// Pause a schedule: nothing is filed until it is resumed
    #[command(after_help = "Example:\n  helpdesk recurring pause 3")]
    Pause {
        /// The schedule's id (see `helpdesk recurring list`)
        id: i64,
    },
    /// Resume a paused schedule; occurrences while it was paused are not filed
    #[command(after_help = "Example:\n  helpdesk recurring resume 3")]
    Resume {
        /// The schedule's id
        id: i64,
    },
    /// File every occurrence that has come and is not filed yet (what `serve` does on its own)
    #[command(after_help = "Examples:\n  helpdesk recurring run\n  */5 * * * *  helpdesk recurring run\n\n\
        Each occurrence is filed once per branch, however often and from however many places this runs; \
        after a pause in service\nonly the latest is filed, marked late.")]
    Run,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    #[arg(long, value_parser = named(Kind::ALL))]
    pub kind: Kind,
    /// The branch: a code, name or id
    #[arg(long, required_unless_present = "all_branches")]
    pub branch: Option<BranchKey>,
    /// One request for every branch at each occurrence
    #[arg(long, conflicts_with = "branch")]
    pub all_branches: bool,
    /// When: every 2 weeks on mon, monthly on 1, every 3 months on last, cron 0 9 1 * *
    #[arg(long, value_name = "RULE")]
    pub every: String,
    /// The time of day, in each branch's time zone
    #[arg(long, value_name = "HH:MM", default_value = "09:00")]
    pub at: String,
    /// Count from this day (YYYY-MM-DD); today by default
    #[arg(long, value_name = "DATE")]
    pub starting: Option<String>,
    /// What the request says
    #[arg(long)]
    pub description: String,
    #[arg(long, value_parser = named(Priority::ALL), default_value = "medium")]
    pub priority: Priority,
    /// On whose behalf each is filed (a Telegram ID); they are told of its changes
    #[arg(long, value_name = "TELEGRAM_ID")]
    pub author: i64,
    /// Filed accepted by this staff member (a Telegram ID); otherwise filed new, for the queue
    #[arg(long, value_name = "TELEGRAM_ID")]
    pub assignee: Option<i64>,
}

#[derive(serde::Serialize)]
struct Row {
    id: i64,
    kind: Kind,
    branch: String,
    every: String,
    at: String,
    priority: Priority,
    description: String,
    author: String,
    assignee: Option<String>,
    paused: bool,
    next: Option<String>,
    last: Option<String>,
    last_request: Option<String>,
    last_late: bool,
}

pub fn run(global: &Global, cmd: RecurringCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let actor = Actor::operator_from_env();
    match cmd {
        RecurringCommand::List { format } => {
            let times = Times { tz: app.settings.timezone, format };
            let rows: Vec<Row> = recurring::list(&app, &actor)?
                .into_iter()
                .map(|s| Row {
                    id: s.record.id,
                    kind: s.record.kind,
                    branch: s.branch.unwrap_or_else(|| "every branch".into()),
                    every: s.record.rule,
                    at: s.record.at_time,
                    priority: s.record.priority,
                    description: s.record.description,
                    author: s.author,
                    assignee: s.assignee,
                    paused: s.record.paused,
                    next: times.opt(s.next),
                    last: times.opt(s.last.as_ref().map(|l| l.due_at)),
                    last_request: s.last.as_ref().and_then(|l| l.request_id).map(|id| RequestNumber(id).to_string()),
                    last_late: s.last.is_some_and(|l| l.late),
                })
                .collect();
            print_rows(
                format,
                &rows,
                &["author", "assignee", "last_late"],
                "no recurring requests; add one with `helpdesk recurring add`",
            )?;
        }
        RecurringCommand::Add(args) => {
            let a = *args;
            let starts_on = match a.starting.as_deref() {
                Some(s) => match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                    Ok(d) => Some(d),
                    Err(_) => bail!("--starting '{s}' is not a date; use YYYY-MM-DD, e.g. 2027-01-01"),
                },
                None => None,
            };
            let id = recurring::add(
                &app,
                &actor,
                &NewSchedule {
                    kind: a.kind,
                    branch: if a.all_branches { None } else { a.branch },
                    description: a.description,
                    priority: a.priority,
                    author: a.author,
                    assignee: a.assignee,
                    rule: a.every,
                    at: a.at,
                    starts_on,
                },
            )?;
            let next = recurring::list(&app, &actor)?.into_iter().find(|s| s.record.id == id).and_then(|s| s.next);
            let times = Times { tz: app.settings.timezone, format: Format::Table };
            match next {
                Some(at) => println!("added schedule {id}; next due {}", times.at(at)),
                None => println!("added schedule {id}"),
            }
        }
        RecurringCommand::Pause { id } => {
            let changed = recurring::set_paused(&app, &actor, id, true)?;
            println!(
                "{}",
                if changed { format!("paused schedule {id}") } else { format!("schedule {id} was paused already") }
            );
        }
        RecurringCommand::Resume { id } => {
            let changed = recurring::set_paused(&app, &actor, id, false)?;
            println!(
                "{}",
                if changed { format!("resumed schedule {id}") } else { format!("schedule {id} was running already") }
            );
        }
        RecurringCommand::Run => {
            let filed = recurring::run(&app)?;
            // Quiet in cron when there is nothing to say.
            if !filed.is_empty() || std::io::stdout().is_terminal() {
                println!("filed {} recurring requests", filed.len());
            }
            for f in &filed {
                let late = if f.late { " (late)" } else { "" };
                println!("{} for schedule {}{late}", RequestNumber(f.request_id), f.recurring_id);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
