//! `helpdesk sla-check`: SLA breaches, with reminders by Telegram and email.

use super::output::{Format, Sink, Times};
use super::{Global, open_app};
use crate::domain::{Kind, Priority, RequestNumber, Status};
use crate::services::OpenOptions;
use crate::services::email::SmtpMailer;
use crate::services::jobs::{self, Job};
use crate::services::notify::Channels;
use crate::services::sla;
use crate::services::telegram::TelegramMessenger;
use anyhow::{Context, Result};
use clap::Args;
use std::io::IsTerminal;
use std::process::ExitCode;

/// The exit code of `--fail-on-breach` when something is overdue.
pub const BREACH_EXIT: u8 = 3;

#[derive(Debug, Args)]
#[command(after_help = "\
A request breaches its SLA when it is not accepted within HELPDESK_SLA_ACCEPT_<PRIORITY> (1h by default), \
or, if set, not closed within HELPDESK_SLA_RESOLVE_<PRIORITY>. Reminders go to the staff who handle it by \
Telegram (with HELPDESK_BOT_TOKEN) and to HELPDESK_SMTP_STAFF_TO by email (with HELPDESK_EMAIL=on), again \
every HELPDESK_SLA_REPEAT, and to super admins after HELPDESK_SLA_ESCALATE_AFTER reminders. Each reminder \
is sent once, however often and from however many places this runs; a failed one is retried next time.

Exit codes: 0, or 3 with --fail-on-breach when something is overdue (for monitoring), 1 on error.

Examples:
  helpdesk sla-check
  */5 * * * *  helpdesk sla-check >/dev/null
  helpdesk sla-check --dry-run --format json")]
pub struct SlaArgs {
    /// Only list the breaches: record and send nothing
    #[arg(long)]
    dry_run: bool,
    /// Exit with code 3 when any request is overdue
    #[arg(long)]
    fail_on_breach: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(serde::Serialize)]
struct Row {
    number: String,
    kind: Kind,
    priority: Priority,
    status: Status,
    branch: String,
    sla: &'static str,
    due: String,
    overdue: String,
    level: i64,
    escalated: bool,
}

pub fn run(global: &Global, args: SlaArgs) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    // Telegram from a blocking command: a small runtime of its own. Multi-threaded, because
    // Handle::block_on on a current-thread runtime would not drive the network.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let telegram = if args.dry_run { None } else { TelegramMessenger::new(&app.settings, runtime.handle().clone())? };
    let email = if args.dry_run { None } else { SmtpMailer::from_settings(&app.settings.smtp)? };
    let channels = Channels {
        telegram: telegram.as_ref().map(|t| t as &dyn crate::services::notify::Messenger),
        email: email.as_ref().map(|m| m as &dyn crate::services::notify::Mailer),
    };
    let outcome = if args.dry_run {
        sla::check(&app, channels, true)?
    } else {
        jobs::record(&app, Job::SlaCheck, || sla::check(&app, channels, false), sla::SlaRun::summary)?
    };
    let times = Times { tz: app.settings.timezone, format: args.format };
    let lang = crate::domain::Lang::En;
    let mut sink = Sink::new(args.format, &[]);
    for b in &outcome.breaches {
        sink.row(&Row {
            number: RequestNumber(b.request.id).to_string(),
            kind: b.request.kind,
            priority: b.request.priority,
            status: b.request.status,
            branch: b.request.branch_code.clone(),
            sla: b.kind.as_str(),
            due: times.at(b.due_at),
            overdue: sla::overdue(lang, b.late, b.working),
            level: b.level,
            escalated: b.escalated,
        })?;
    }
    // Quiet in cron: nothing at all when nothing is overdue and nobody is watching.
    let empty = if std::io::stdout().is_terminal() { "no SLA breaches" } else { "" };
    if outcome.breaches.is_empty() && args.format == Format::Table && empty.is_empty() {
        drop(sink);
    } else {
        sink.finish(empty)?;
    }
    if !args.dry_run && (outcome.decided + outcome.sent + outcome.failed > 0 || std::io::stderr().is_terminal()) {
        let channels = match (telegram.is_some(), email.is_some()) {
            (true, true) => "Telegram and email",
            (true, false) => "Telegram",
            (false, true) => "email",
            (false, false) => "no channel (set HELPDESK_BOT_TOKEN or HELPDESK_EMAIL=on)",
        };
        eprintln!(
            "{} breaches; {} reminders recorded, {} sent, {} failed, {} waiting (via {channels})",
            outcome.breaches.len(),
            outcome.decided,
            outcome.sent,
            outcome.failed,
            outcome.pending
        );
    }
    if !outcome.closed_unanswered.is_empty() {
        let numbers: Vec<String> = outcome.closed_unanswered.iter().map(|id| RequestNumber(*id).to_string()).collect();
        eprintln!("closed, their author not answering: {}", numbers.join(", "));
    }
    if args.fail_on_breach && !outcome.breaches.is_empty() {
        return Ok(ExitCode::from(BREACH_EXIT));
    }
    Ok(ExitCode::SUCCESS)
}
