//! `helpdesk db status|upgrade`: the schema versions of the database.

use super::output::{Format, print_rows};
use super::{Global, load_settings, open_app};
use crate::services::schema;
use crate::store::{OpenOptions, SchemaStatus};
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// List applied and pending schema migrations
    Status {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Apply pending schema migrations (every other command does this on open)
    Upgrade,
}

#[derive(serde::Serialize)]
struct Row {
    version: i64,
    name: String,
    state: &'static str,
    applied_at: Option<String>,
}

pub fn run(global: &Global, cmd: DbCommand) -> Result<ExitCode> {
    if let DbCommand::Status { format } = cmd {
        // Asking must not create the file: a mistyped path would leave a stray database behind.
        let url = load_settings(global)?.settings.database_url;
        if let Some(status) = schema::not_created(&url) {
            if format == Format::Table {
                let url = url.redacted();
                println!("database: {url} (no such file yet; `helpdesk db upgrade` or any other command creates it)");
            }
            return print_status(format, &status);
        }
    }
    let app = open_app(global, OpenOptions { migrate: false })?;
    match cmd {
        DbCommand::Status { format } => {
            let status = schema::status(&app)?;
            if format == Format::Table {
                println!("database: {}", app.store.location());
            }
            return print_status(format, &status);
        }
        DbCommand::Upgrade => {
            let applied = schema::upgrade(&app)?;
            if applied.is_empty() {
                let status = schema::status(&app)?;
                let version = status.applied.iter().map(|m| m.version).max().unwrap_or(0);
                println!("{}: schema is up to date (version {version})", app.store.location());
            } else {
                for m in &applied {
                    println!("applied V{} {}", m.version, m.name);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The applied and pending migrations, and what to do about pending ones.
fn print_status(format: Format, status: &SchemaStatus) -> Result<ExitCode> {
    let applied = status.applied.iter().map(|m| Row {
        version: m.version,
        name: m.name.clone(),
        state: "applied",
        applied_at: m.applied_at.clone(),
    });
    let pending = status.pending.iter().map(|m| Row {
        version: m.version,
        name: m.name.clone(),
        state: "pending",
        applied_at: None,
    });
    let rows: Vec<Row> = applied.chain(pending).collect();
    print_rows(format, &rows, &[], "no migrations")?;
    if format == Format::Table && !status.pending.is_empty() {
        println!("{} pending; run `helpdesk db upgrade` to apply them", status.pending.len());
    }
    Ok(ExitCode::SUCCESS)
}
