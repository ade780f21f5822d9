//! `helpdesk printers list|add|retire`.

use super::output::{Format, Times, print_rows};
use super::{Global, open_app};
use crate::domain::model::PrinterFilter;
use crate::domain::{BranchKey, CartridgeKey, PrinterId, PrinterKey};
use crate::services::OpenOptions;
use crate::services::printers::{self, PrinterForm};
use crate::services::{Actor, catalog};
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum PrintersCommand {
    /// List printers, with the cartridge types each takes
    #[command(
        after_help = "Examples:\n  helpdesk printers list --branch LVIV\n  helpdesk printers list --model laserjet --format csv"
    )]
    List {
        /// Only this branch: a code, name or id (code:X, name:X or id:N to say which)
        #[arg(long)]
        branch: Option<BranchKey>,
        /// Only models containing this text (case aside)
        #[arg(long)]
        model: Option<String>,
        /// Only printers that take this cartridge type (a vendor article, 1C id or id)
        #[arg(long)]
        cartridge: Option<CartridgeKey>,
        /// Retired printers too
        #[arg(long)]
        retired: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add a printer
    #[command(
        after_help = "Example:\n  helpdesk printers add INV-0042 --branch LVIV --model \"HP LaserJet Pro M404dn\" \\\n    --place \"каб. 12, 2 этаж\" --serial PHBQA00042 --cartridge CF259A"
    )]
    Add {
        /// Its inventory number, as on its label
        inventory_number: String,
        /// Its branch: a code, name or id
        #[arg(long)]
        branch: BranchKey,
        /// Its model
        #[arg(long)]
        model: String,
        /// Where it stands: room, floor
        #[arg(long, default_value = "")]
        place: String,
        /// Its serial number
        #[arg(long)]
        serial: Option<String>,
        /// A cartridge type it takes (a vendor article, 1C id or id); repeat for each, or separate with commas
        #[arg(long = "cartridge", value_delimiter = ',')]
        cartridges: Vec<CartridgeKey>,
    },
    /// Retire a printer (it is kept, with the requests that name it); not while a request for it is open
    #[command(after_help = "Example:\n  helpdesk printers retire INV-0042")]
    Retire {
        /// Its inventory number or id (id:N)
        printer: PrinterKey,
    },
}

#[derive(serde::Serialize)]
struct Row {
    id: PrinterId,
    inventory_number: String,
    branch: String,
    model: String,
    place: String,
    serial: Option<String>,
    /// The vendor articles of the cartridge types it takes, separated by `;`.
    cartridges: String,
    added: String,
    retired: Option<String>,
}

pub fn run(global: &Global, cmd: PrintersCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let actor = Actor::operator_from_env();
    match cmd {
        PrintersCommand::List { branch, model, cartridge, retired, format } => {
            let branch_id = branch.map(|k| crate::services::directory::branch(&app, &k)).transpose()?.map(|b| b.id);
            let catalog = catalog::cartridge_types(&app)?;
            let cartridge_type_id = match cartridge {
                Some(key) => Some(catalog::cartridge_type_by_key(&app, &key)?.id),
                None => None,
            };
            let filter = PrinterFilter { branch_id, model, cartridge_type_id, retired };
            let times = Times { tz: app.settings.timezone, format };
            let article =
                |id| catalog.iter().find(|c| c.id == id).map(|c| c.vendor_article.clone()).unwrap_or_default();
            let rows: Vec<Row> = printers::list(&app, &actor, &filter)?
                .into_iter()
                .map(|p| Row {
                    id: p.id,
                    inventory_number: p.inventory_number,
                    branch: p.branch_code,
                    model: p.model,
                    place: p.place,
                    serial: p.serial,
                    cartridges: p.cartridge_type_ids.into_iter().map(article).collect::<Vec<_>>().join(";"),
                    added: times.at(p.created_at),
                    retired: p.retired_at.map(|t| times.at(t)),
                })
                .collect();
            print_rows(
                format,
                &rows,
                &[],
                "no printers; add one with `helpdesk printers add` or load printers.csv with `helpdesk seed`",
            )?;
        }
        PrintersCommand::Add { inventory_number, branch, model, place, serial, cartridges } => {
            let form = PrinterForm { branch, inventory_number, model, place, serial, cartridges };
            let p = printers::add(&app, &actor, &form)?;
            println!("added printer {} ({}) at {}, id {}", p.inventory_number, p.model, p.branch_name, p.id);
        }
        PrintersCommand::Retire { printer } => {
            let p = printers::retire(&app, &actor, &printer)?;
            println!("printer {} ({}) at {} is retired", p.inventory_number, p.model, p.branch_name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
