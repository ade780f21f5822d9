//! `helpdesk stock list|empties|check`.

use super::output::{Format, Times, print_rows};
use super::{Global, open_app};
use crate::domain::{CartridgeKey, WarehouseKey};
use crate::services::OpenOptions;
use crate::services::{Actor, catalog, ledger};
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum StockCommand {
    /// Cartridges in stock per warehouse: full and empty
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
    /// Receive empty cartridges brought in without a request (a bag of them)
    #[command(after_help = "Example:\n  helpdesk stock empties CENTRAL CE285A 5 --note \"from the Lviv branch\"")]
    Empties {
        /// The warehouse: a code, name, 1C id or id
        warehouse: WarehouseKey,
        /// The cartridge type: a vendor article, 1C id or id
        cartridge: CartridgeKey,
        /// How many (1 to 1000)
        quantity: i64,
        /// Who brought them, from where
        #[arg(long)]
        note: Option<String>,
    },
    /// Balance the books: for every warehouse and type, what came in equals
    /// full + empty + at a contractor + out in printers + written off, and the
    /// ledger agrees with the stock, the issues and the refills; exits 1
    /// naming every difference
    #[command(after_help = "Examples:\n  helpdesk stock check\n  helpdesk stock check --format json")]
    Check {
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
    empty: i64,
    minimum: i64,
    low: bool,
    updated: String,
}

#[derive(serde::Serialize)]
struct BooksRow {
    warehouse: String,
    article: String,
    received: i64,
    full: i64,
    empty: i64,
    at_contractor: i64,
    out: i64,
    written_off: i64,
    balanced: bool,
    differences: String,
}

pub fn run(global: &Global, cmd: StockCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    match cmd {
        StockCommand::List { warehouse, low, format } => {
            let times = Times { tz: app.settings.timezone, format };
            let rows: Vec<Row> = catalog::stock(&app, warehouse.as_ref(), low)?
                .into_iter()
                .map(|s| Row {
                    low: s.below_minimum(),
                    warehouse: s.warehouse_name,
                    article: s.vendor_article,
                    cartridge: s.cartridge_name,
                    quantity: s.quantity,
                    empty: s.empty,
                    minimum: s.min_stock,
                    updated: times.at(s.updated_at),
                })
                .collect();
            print_rows(format, &rows, &[], "no stock rows match")?;
        }
        StockCommand::Empties { warehouse, cartridge, quantity, note } => {
            let actor = Actor::operator_from_env();
            let after = ledger::receive_empties(&app, &actor, &warehouse, &cartridge, quantity, note.as_deref())?;
            println!("received {quantity} empty {cartridge} at {warehouse}; {} empty there now", after.empty);
        }
        StockCommand::Check { format } => {
            let books = ledger::books(&app, &Actor::operator_from_env())?;
            let rows: Vec<BooksRow> = books
                .iter()
                .map(|b| {
                    let differences = b.differences();
                    BooksRow {
                        warehouse: b.warehouse.clone(),
                        article: b.article.clone(),
                        received: b.received,
                        full: b.full,
                        empty: b.empty,
                        at_contractor: b.at_contractor(),
                        out: b.out(),
                        written_off: b.written_off(),
                        balanced: differences.is_empty(),
                        differences: differences.join("; "),
                    }
                })
                .collect();
            print_rows(format, &rows, &[], "no stock to check")?;
            let off = rows.iter().filter(|r| !r.balanced).count();
            if off > 0 {
                eprintln!(
                    "error: the books of {off} warehouse and type pair(s) do not balance (see above); \
                     restore the last backup or tell the developers what changed stock"
                );
                return Ok(ExitCode::FAILURE);
            }
            eprintln!("the books balance: {} warehouse and type pairs", rows.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}
