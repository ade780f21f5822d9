//! `helpdesk branches list|add`.

use super::output::{Format, Times, print_rows};
use super::{Global, open_app};
use crate::domain::BranchId;
use crate::services::OpenOptions;
use crate::services::{Actor, directory};
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum BranchesCommand {
    /// List branches
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add a branch
    #[command(after_help = "Example:\n  helpdesk branches add LUTSK \"Луцк\" --address \"Луцк, пр. Свободы, 1\"")]
    Add {
        /// Short code: letters, digits, - and _
        code: String,
        /// Full name
        name: String,
        #[arg(long)]
        address: Option<String>,
    },
}

#[derive(serde::Serialize)]
struct Row {
    id: BranchId,
    code: String,
    name: String,
    address: Option<String>,
    created: String,
}

pub fn run(global: &Global, cmd: BranchesCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    match cmd {
        BranchesCommand::List { format } => {
            let times = Times { tz: app.settings.timezone, format };
            let rows: Vec<Row> = directory::branches(&app)?
                .into_iter()
                .map(|b| Row {
                    id: b.id,
                    code: b.code,
                    name: b.name,
                    address: b.address,
                    created: times.at(b.created_at),
                })
                .collect();
            print_rows(
                format,
                &rows,
                &[],
                "no branches yet; add one with `helpdesk branches add` or run `helpdesk seed`",
            )?;
        }
        BranchesCommand::Add { code, name, address } => {
            let b = directory::add_branch(&app, &Actor::operator_from_env(), &code, &name, address.as_deref())?;
            println!("added branch {} ({}), id {}", b.code, b.name, b.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}
