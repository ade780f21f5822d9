//! `helpdesk archive`: applies the archive policy.

use super::output::{Format, print_rows};
use super::progress::Bar;
use super::{Global, open_app};
use crate::services::OpenOptions;
use crate::services::jobs::{self, Job};
use crate::services::{Actor, archive};
use anyhow::Result;
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(after_help = "\
Closed requests (done, rejected, cancelled) older than HELPDESK_ARCHIVE_AFTER_DAYS (90 by default; \
HELPDESK_ARCHIVE_AFTER_DAYS_<KIND> per kind) are marked archived. Nothing is deleted: archived \
requests leave queues and default listings, and stay in `requests list --archived` and exports.

Examples:
  helpdesk archive --dry-run
  HELPDESK_ARCHIVE_AFTER_DAYS_CARTRIDGE=30 helpdesk archive")]
pub struct ArchiveArgs {
    /// Only show how many requests would be archived
    #[arg(long)]
    dry_run: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(global: &Global, args: ArchiveArgs) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let actor = Actor::operator_from_env();
    let bar = Bar::new();
    let report = if args.dry_run {
        archive::run(&app, &actor, true, &bar)?
    } else {
        jobs::record(
            &app,
            Job::Archive,
            || archive::run(&app, &actor, false, &bar),
            |r| format!("{} requests archived", r.archived),
        )?
    };
    print_rows(args.format, &report.kinds, &[], "")?;
    if args.format == Format::Table {
        let found: u64 = report.kinds.iter().map(|k| k.requests).sum();
        if args.dry_run {
            println!("would archive {found} requests (dry run: nothing changed)");
        } else {
            println!("archived {} requests", report.archived);
        }
    }
    Ok(ExitCode::SUCCESS)
}
