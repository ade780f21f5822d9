//! `helpdesk backup [list|prune]` and `helpdesk restore`.

use super::output::{Format, Times, print_rows};
use super::progress::Bar;
use super::{Global, open_app};
use crate::services::OpenOptions;
use crate::services::backup;
use crate::services::jobs::{self, Job};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "\
Backups go to HELPDESK_BACKUP_DIR: daily/ (the last HELPDESK_BACKUP_KEEP_DAILY are kept by `backup prune`) \
and yearly/ (the first backup of each year, kept for good). HELPDESK_BACKUP_COMPRESS=zstd compresses them.

Examples:
  helpdesk backup
  helpdesk backup list
  helpdesk backup prune --dry-run
  helpdesk restore backups/daily/helpdesk-20261121-030000.db"
)]
pub struct BackupArgs {
    #[command(subcommand)]
    cmd: Option<BackupCommand>,
    /// Skip the checks of the new backup (its integrity and row counts)
    #[arg(long)]
    no_verify: bool,
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// List backups: file, time, size, verified
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Remove all but the newest daily backups (yearly ones stay)
    Prune {
        /// How many daily backups to keep [default: HELPDESK_BACKUP_KEEP_DAILY]
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        keep: Option<u32>,
        /// Only show what would be removed
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Args)]
#[command(after_help = "\
The file is checked first (readable to the end, row counts, schema version); a damaged one is refused \
and nothing changes. The current database is kept aside first: on SQLite as \
helpdesk.db.before-restore-YYYYMMDD-HHMMSS beside it, on PostgreSQL as a dump under \
BACKUP_DIR/before-restore/. A PostgreSQL dump is restored with pg_restore in one transaction.

Example:
  systemctl stop helpdesk && helpdesk restore backups/daily/helpdesk-20261121-030000.db && systemctl start helpdesk")]
pub struct RestoreArgs {
    /// The backup file (.db or .db.zst on SQLite, .dump on PostgreSQL)
    file: PathBuf,
    /// Restore even while `helpdesk serve` is using the database
    #[arg(long)]
    force: bool,
}

#[derive(serde::Serialize)]
struct Row {
    file: String,
    kind: backup::Kind,
    taken: String,
    size: u64,
    verified: Option<bool>,
}

pub fn run(global: &Global, args: BackupArgs) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    match args.cmd {
        None => {
            let bar = Bar::new();
            let taken = jobs::record(
                &app,
                Job::Backup,
                || backup::take(&app, !args.no_verify, &bar),
                |t| format!("{} ({} bytes)", t.daily.path.display(), t.daily.size),
            )?;
            let (path, size) = (taken.daily.path.display(), taken.daily.size);
            match taken.manifest.verified {
                true => {
                    let rows: i64 = taken.manifest.rows.values().sum();
                    let tables = taken.manifest.rows.len();
                    println!("{path} ({size} bytes, {tables} tables, {rows} rows, verified)")
                }
                false => println!("{path} ({size} bytes, not verified: integrity and row counts not checked)"),
            }
            if let Some(y) = taken.yearly {
                println!("{} (first backup of the year, kept for good)", y.path.display());
            }
        }
        Some(BackupCommand::List { format }) => {
            let times = Times { tz: app.settings.timezone, format };
            let rows: Vec<Row> = backup::list(&app)?
                .into_iter()
                .map(|e| Row {
                    file: e.path.display().to_string(),
                    kind: e.kind,
                    taken: times.at(e.taken_at),
                    size: e.size,
                    verified: e.verified,
                })
                .collect();
            print_rows(format, &rows, &[], "no backups yet; take one with `helpdesk backup`")?;
        }
        Some(BackupCommand::Prune { keep, dry_run }) => {
            let keep = keep.unwrap_or(app.settings.backup.keep_daily);
            let removed = if dry_run {
                backup::prune(&app, keep, true)?
            } else {
                jobs::record(
                    &app,
                    Job::Prune,
                    || backup::prune(&app, keep, false),
                    |r| format!("{} files removed", r.len()),
                )?
            };
            let verb = if dry_run { "would remove" } else { "removed" };
            for p in &removed {
                println!("{verb} {}", p.display());
            }
            if dry_run || std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                println!(
                    "{verb} {} files; keeping the newest {keep} daily backups and every yearly one",
                    removed.len()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore(global: &Global, args: RestoreArgs) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let done = backup::restore(&app, &args.file, args.force)?;
    let rows: i64 = done.verification.rows.values().sum();
    println!(
        "restored {} ({rows} rows); the database as it was is kept as {}",
        args.file.display(),
        done.aside.display()
    );
    Ok(ExitCode::SUCCESS)
}
