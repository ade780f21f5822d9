//! `helpdesk db status|upgrade`: the schema versions of the database.

use super::output::{Format, print_rows};
use super::{Global, load_settings, open_app, open_loaded};
use crate::services::OpenOptions;
use crate::services::schema;
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
    match cmd {
        DbCommand::Status { format } => status(global, format),
        DbCommand::Upgrade => {
            let app = open_app(global, OpenOptions { migrate: false })?;
            let applied = schema::upgrade(&app)?;
            if applied.is_empty() {
                let status = schema::status(&app)?;
                let version = status.applied.iter().map(|m| m.version).max().unwrap_or(0);
                println!("{}: schema is up to date (version {version})", schema::location(&app));
            } else {
                for m in &applied {
                    println!("applied V{} {}", m.version, m.name);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The applied and pending migrations, and what to do about pending ones.
/// Asking does not create a SQLite file that does not exist: a mistyped path
/// would leave a stray database behind.
fn status(global: &Global, format: Format) -> Result<ExitCode> {
    let loaded = load_settings(global)?;
    let (location, status) = match schema::not_created(&loaded.settings.database_url) {
        Some(status) => {
            let url = loaded.settings.database_url.redacted();
            (format!("{url} (no such file yet; `helpdesk db upgrade` or any other command creates it)"), status)
        }
        None => {
            let app = open_loaded(loaded, OpenOptions { migrate: false })?;
            (schema::location(&app), schema::status(&app)?)
        }
    };
    if format == Format::Table {
        println!("database: {location}");
    }
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
