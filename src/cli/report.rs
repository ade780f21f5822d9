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
Requests opened and closed per branch (or, --by staff, per staff member by the requests assigned to them),
SLA breaches among those opened, mean times, their authors' ratings of those closed (count, average, and
rated_1 ... rated_5 in CSV and JSON), and cartridges below minimum stock.

Examples:
  helpdesk report
  helpdesk report --by staff --from 2026-11-01
  helpdesk report --from 2026-11-01 --until 2026-11-30 --format csv
  helpdesk report --email        # to HELPDESK_SMTP_STAFF_TO (needs HELPDESK_EMAIL=on)")]
pub struct ReportArgs {
    /// Start of the period (YYYY-MM-DD) [default: seven days ago]
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// End of the period, the whole day included [default: now]
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// One line per branch, or per staff member
    #[arg(long, value_enum, default_value_t = By::Branch)]
    by: By,
    /// Email it to the staff mailbox instead of printing it
    #[arg(long)]
    email: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum By {
    Branch,
    Staff,
}

#[derive(serde::Serialize)]
struct Row {
    /// The branch's code (`--by branch`)...
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<String>,
    /// ...or the staff member's name (`--by staff`).
    #[serde(skip_serializing_if = "Option::is_none")]
    staff: Option<String>,
    opened: u64,
    closed: u64,
    sla_breaches: u64,
    /// Mean minutes to accept (of those opened), wall-clock and in the branch's working hours.
    accept_min: Option<i64>,
    accept_working_min: Option<i64>,
    /// Mean minutes from filing to closing (of those closed), likewise.
    close_min: Option<i64>,
    close_working_min: Option<i64>,
    /// Ratings of those closed, their mean, and how many of each score.
    rated: u64,
    rating_avg: Option<f64>,
    rated_1: u64,
    rated_2: u64,
    rated_3: u64,
    rated_4: u64,
    rated_5: u64,
}

impl Row {
    fn of(by: By, who: String, b: &report::BranchLine) -> Row {
        let (branch, staff) = if by == By::Branch { (Some(who), None) } else { (None, Some(who)) };
        let [accept_min, accept_working_min, close_min, close_working_min] = b.mean_minutes();
        Row {
            branch,
            staff,
            opened: b.opened,
            closed: b.closed,
            sla_breaches: b.breaches,
            accept_min,
            accept_working_min,
            close_min,
            close_working_min,
            rated: b.ratings.count(),
            rating_avg: b.ratings.mean(),
            rated_1: b.ratings.0[0],
            rated_2: b.ratings.0[1],
            rated_3: b.ratings.0[2],
            rated_4: b.ratings.0[3],
            rated_5: b.ratings.0[4],
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
    let mut rows: Vec<Row> = match args.by {
        By::Branch => s.branches.iter().map(|b| Row::of(args.by, b.code.clone(), b)).collect(),
        By::Staff => s.staff.iter().map(|b| Row::of(args.by, b.name.clone(), b)).collect(),
    };
    rows.push(Row::of(args.by, "TOTAL".into(), &s.total));
    print_rows(args.format, &rows, &["rated_1", "rated_2", "rated_3", "rated_4", "rated_5"], "")?;
    if args.format == Format::Table && !s.low_stock.is_empty() {
        println!("{} stock rows below minimum; see `helpdesk stock list --low`", s.low_stock.len());
    }
    Ok(ExitCode::SUCCESS)
}
