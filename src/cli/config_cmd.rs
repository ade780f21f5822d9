//! `helpdesk config show`: effective settings and their sources, secrets redacted.

use super::output::{Format, print_rows};
use super::{Global, load_settings};
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// List every setting, its value (secrets redacted) and where it came from
    Show {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

pub fn run(global: &Global, cmd: ConfigCommand) -> Result<ExitCode> {
    let ConfigCommand::Show { format } = cmd;
    let loaded = load_settings(global)?;
    print_rows(format, &loaded.shown, &[], "no settings")?;
    Ok(ExitCode::SUCCESS)
}
