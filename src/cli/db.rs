//! `helpdesk db status|upgrade`: the schema versions of the database.

use super::output::{Format, print_rows};
use super::{Global, open_app};
use crate::services::schema;
use crate::store::OpenOptions;
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
    let app = open_app(global, OpenOptions { migrate: false })?;
    match cmd {
        DbCommand::Status { format } => {
            let status = schema::status(&app)?;
            let rows: Vec<Row> = status
                .applied
                .iter()
                .map(|m| Row {
                    version: m.version,
                    name: m.name.clone(),
                    state: "applied",
                    applied_at: m.applied_at.clone(),
                })
                .chain(status.pending.iter().map(|m| Row {
                    version: m.version,
                    name: m.name.clone(),
                    state: "pending",
                    applied_at: None,
                }))
                .collect();
            if format == Format::Table {
                println!("database: {}", app.store.location());
            }
            print_rows(format, &rows, &[], "no migrations")?;
            if format == Format::Table && !status.pending.is_empty() {
                println!("{} pending; run `helpdesk db upgrade` to apply them", status.pending.len());
            }
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
