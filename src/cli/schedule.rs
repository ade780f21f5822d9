//! `helpdesk schedule`: when `serve` runs each job next, and how each last ran.

use super::output::{Format, Times, print_rows};
use super::{Global, open_app};
use crate::services::OpenOptions;
use crate::services::jobs;
use anyhow::Result;
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(after_help = "\
Schedules are crontab expressions in HELPDESK_SCHEDULE_* (in HELPDESK_TIMEZONE); `off` leaves a job to cron.

Example:
  helpdesk schedule")]
pub struct ScheduleArgs {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(serde::Serialize)]
struct Row {
    job: &'static str,
    schedule: String,
    next_run: Option<String>,
    last_run: Option<String>,
    last_result: Option<String>,
    same_as: &'static str,
}

pub fn run(global: &Global, args: ScheduleArgs) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let times = Times { tz: app.settings.timezone, format: args.format };
    let rows: Vec<Row> = jobs::plan(&app)?
        .into_iter()
        .map(|p| Row {
            job: p.job.name(),
            schedule: p.schedule.unwrap_or_else(|| "off".into()),
            next_run: times.opt(p.next_run),
            last_run: p.last_run.as_ref().map(|r| times.at(r.started_at)),
            last_result: p.last_run.map(|r| match r.ok {
                Some(true) => format!("ok: {}", r.message.unwrap_or_default()),
                Some(false) => format!("failed: {}", r.message.unwrap_or_default()),
                None => "running (or interrupted)".into(),
            }),
            same_as: p.command,
        })
        .collect();
    if args.format == Format::Table {
        println!("times in {}", app.settings.timezone);
    }
    print_rows(args.format, &rows, &[], "")?;
    Ok(ExitCode::SUCCESS)
}
