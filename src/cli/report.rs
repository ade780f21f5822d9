//! `helpdesk report`: the summary for management, printed or emailed.

use super::filters::{ordered, period};
use super::output::{Format, print_rows};
use super::{Global, open_app};
use crate::services::OpenOptions;
use crate::services::email::SmtpMailer;
use crate::services::jobs::{self, Job};
use crate::services::report;
use anyhow::{Result, bail};
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(after_help = "\
Requests opened and closed per branch, SLA breaches among those opened, and cartridges below minimum stock.

Examples:
  helpdesk report
  helpdesk report --from 2026-11-01 --until 2026-11-30 --format csv
  helpdesk report --email        # to HELPDESK_SMTP_STAFF_TO (needs HELPDESK_EMAIL=on)")]
pub struct ReportArgs {
    /// Start of the period (YYYY-MM-DD) [default: seven days ago]
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// End of the period, the whole day included [default: now]
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Email it to the staff mailbox instead of printing it
    #[arg(long)]
    email: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(serde::Serialize)]
struct Row {
    branch: String,
    opened: u64,
    closed: u64,
    sla_breaches: u64,
    /// Mean minutes to accept (of those opened), wall-clock and in the branch's working hours.
    accept_min: Option<i64>,
    accept_working_min: Option<i64>,
    /// Mean minutes from filing to closing (of those closed), likewise.
    close_min: Option<i64>,
    close_working_min: Option<i64>,
}

impl Row {
    fn of(branch: String, b: &report::BranchLine) -> Row {
        let [accept_min, accept_working_min, close_min, close_working_min] = b.mean_minutes();
        Row {
            branch,
            opened: b.opened,
            closed: b.closed,
            sla_breaches: b.breaches,
            accept_min,
            accept_working_min,
            close_min,
            close_working_min,
        }
    }
}

pub fn run(global: &Global, args: ReportArgs) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let tz = app.settings.timezone;
    let (from, until) = period(tz, args.from.as_deref(), args.until.as_deref())?;
    let until = until.unwrap_or_else(|| app.now());
    let from = from.unwrap_or(until - chrono::Duration::days(7));
    ordered(from, until)?;
    if args.email {
        let Some(mailer) = SmtpMailer::from_settings(&app.settings.smtp)? else {
            bail!("email is off; set HELPDESK_EMAIL=on and the HELPDESK_SMTP_* settings");
        };
        let s = jobs::record(
            &app,
            Job::Report,
            || {
                let s = report::summary(&app, from, until)?;
                report::send(&app, &mailer, &s)?;
                Ok(s)
            },
            |s| format!("sent: {} opened, {} closed", s.total.opened, s.total.closed),
        )?;
        println!(
            "sent the report ({} opened, {} closed) to {}",
            s.total.opened,
            s.total.closed,
            app.settings.smtp.staff_to.join(", ")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let s = report::summary(&app, from, until)?;
    let mut rows: Vec<Row> = s.branches.iter().map(|b| Row::of(b.code.clone(), b)).collect();
    rows.push(Row::of("TOTAL".into(), &s.total));
    print_rows(args.format, &rows, &[], "")?;
    if args.format == Format::Table && !s.low_stock.is_empty() {
        println!("{} stock rows below minimum; see `helpdesk stock list --low`", s.low_stock.len());
    }
    Ok(ExitCode::SUCCESS)
}
