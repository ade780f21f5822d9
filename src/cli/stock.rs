//! `helpdesk stock list`.

use super::output::{Format, Times, print_rows};
use super::{Global, open_app};
use crate::domain::WarehouseKey;
use crate::services::OpenOptions;
use crate::services::catalog;
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum StockCommand {
    /// Cartridges in stock per warehouse
    #[command(after_help = "Examples:\n  helpdesk stock list\n  helpdesk stock list --warehouse CENTRAL --low")]
    List {
        /// Only this warehouse: a code, name, 1C id or id (code:X, name:X, 1c:X or id:N to say which)
        #[arg(long, value_name = "WAREHOUSE")]
        warehouse: Option<WarehouseKey>,
        /// Only rows below their minimum stock
        #[arg(long)]
        low: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(serde::Serialize)]
struct Row {
    warehouse: String,
    article: String,
    cartridge: String,
    quantity: i64,
    minimum: i64,
    low: bool,
    updated: String,
}

pub fn run(global: &Global, cmd: StockCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let StockCommand::List { warehouse, low, format } = cmd;
    let times = Times { tz: app.settings.timezone, format };
    let rows: Vec<Row> = catalog::stock(&app, warehouse.as_ref(), low)?
        .into_iter()
        .map(|s| Row {
            low: s.below_minimum(),
            warehouse: s.warehouse_name,
            article: s.vendor_article,
            cartridge: s.cartridge_name,
            quantity: s.quantity,
            minimum: s.min_stock,
            updated: times.at(s.updated_at),
        })
        .collect();
    print_rows(format, &rows, &[], "no stock rows match")?;
    Ok(ExitCode::SUCCESS)
}
