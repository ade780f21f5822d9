//! `helpdesk contractors list|add` and `helpdesk refills send|receive|list|show`.

use super::output::{Format, Times, print_rows};
use super::{Global, open_app};
use crate::domain::model::RefillBatch;
use crate::domain::{CartridgeKey, WarehouseKey};
use crate::services::{Actor, OpenOptions, refills};
use anyhow::{Result, bail};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum ContractorsCommand {
    /// Every contractor, by name
    #[command(after_help = "Example:\n  helpdesk contractors list --format json")]
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add a contractor
    #[command(
        after_help = "Example:\n  helpdesk contractors add \"ТОВ Тонер-Сервіс\" --contacts \"+380 44 123 45 67, toner@example.com\""
    )]
    Add {
        /// The contractor's name
        name: String,
        /// Phone, email, address
        #[arg(long, default_value = "")]
        contacts: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RefillsCommand {
    /// Send empties from a warehouse to a contractor: one batch, with its handover document
    #[command(
        after_help = "Examples:\n  helpdesk refills send --contractor \"Тонер-Сервіс\" --warehouse CENTRAL CE285A=5 TN-2375=3\n  helpdesk refills send --contractor id:1 --warehouse CENTRAL CE285A=2 --handover handover.xlsx"
    )]
    Send {
        /// The contractor: its name or id:N
        #[arg(long)]
        contractor: String,
        /// The warehouse the empties leave: a code, name, 1C id or id
        #[arg(long, value_name = "WAREHOUSE")]
        warehouse: WarehouseKey,
        /// What leaves: ARTICLE=N for each cartridge type
        #[arg(required = true, value_name = "ARTICLE=N")]
        lines: Vec<String>,
        #[arg(long)]
        note: Option<String>,
        /// Also write the handover document (xlsx) here
        #[arg(long, value_name = "FILE")]
        handover: Option<PathBuf>,
    },
    /// Receive (part of) a batch back: refilled into full stock, rejected written off with a reason
    #[command(
        after_help = "Examples:\n  helpdesk refills receive 3 CE285A=5 TN-2375=2\n  helpdesk refills receive 3 --rejected TN-2375=1 --reason \"drum cracked\""
    )]
    Receive {
        /// The batch's number
        batch: i64,
        /// Back refilled: ARTICLE=N for each cartridge type
        #[arg(value_name = "ARTICLE=N")]
        received: Vec<String>,
        /// Rejected by the contractor: ARTICLE=N (needs --reason)
        #[arg(long, value_name = "ARTICLE=N")]
        rejected: Vec<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Refill batches, open ones first
    #[command(after_help = "Examples:\n  helpdesk refills list\n  helpdesk refills list --open --format json")]
    List {
        /// Only batches with cartridges still at a contractor
        #[arg(long)]
        open: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// One batch, line by line; --handover writes its handover document
    #[command(
        after_help = "Examples:\n  helpdesk refills show 3\n  helpdesk refills show 3 --handover handover-3.xlsx"
    )]
    Show {
        batch: i64,
        #[arg(long, value_name = "FILE")]
        handover: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// `CE285A=5` as a cartridge key and a quantity.
fn lines(given: &[String]) -> Result<Vec<(CartridgeKey, i64)>> {
    given
        .iter()
        .map(|l| {
            let Some((key, n)) = l.rsplit_once('=') else {
                bail!("'{l}' is not ARTICLE=N; write each cartridge type as its article, '=' and how many (CE285A=5)")
            };
            let Ok(n) = n.trim().parse::<i64>() else {
                bail!("'{n}' in '{l}' is not a whole number; write how many as digits (CE285A=5)")
            };
            Ok((CartridgeKey::parse(key.trim())?, n))
        })
        .collect()
}

#[derive(serde::Serialize)]
struct ContractorRow {
    id: i64,
    name: String,
    contacts: String,
}

#[derive(serde::Serialize)]
struct BatchRow {
    batch: i64,
    sent: String,
    contractor: String,
    warehouse: String,
    lines: String,
    sent_total: i64,
    received: i64,
    rejected: i64,
    outstanding: i64,
    closed: String,
}

#[derive(serde::Serialize)]
struct LineRow {
    article: String,
    cartridge: String,
    sent: i64,
    received: i64,
    rejected: i64,
    outstanding: i64,
    reason: String,
}

fn batch_row(b: &RefillBatch, times: &Times) -> BatchRow {
    BatchRow {
        batch: b.id,
        sent: times.at(b.sent_at),
        contractor: b.contractor.clone(),
        warehouse: b.warehouse.clone(),
        lines: b.lines.iter().map(|l| format!("{} {}", l.article, l.sent)).collect::<Vec<_>>().join(", "),
        sent_total: b.lines.iter().map(|l| l.sent).sum(),
        received: b.lines.iter().map(|l| l.received).sum(),
        rejected: b.lines.iter().map(|l| l.rejected).sum(),
        outstanding: b.lines.iter().map(|l| l.outstanding()).sum(),
        closed: b.closed_at.map(|t| times.at(t)).unwrap_or_default(),
    }
}

pub fn run_contractors(global: &Global, cmd: ContractorsCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let actor = Actor::operator_from_env();
    match cmd {
        ContractorsCommand::List { format } => {
            let rows: Vec<ContractorRow> = refills::contractors(&app, &actor)?
                .into_iter()
                .map(|c| ContractorRow { id: c.id, name: c.name, contacts: c.contacts })
                .collect();
            print_rows(format, &rows, &[], "no contractors yet; add one with `helpdesk contractors add NAME`")?;
        }
        ContractorsCommand::Add { name, contacts } => {
            let c = refills::add_contractor(&app, &actor, &name, &contacts)?;
            println!("added contractor {} (id {})", c.name, c.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(global: &Global, cmd: RefillsCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let actor = Actor::operator_from_env();
    let tz = app.settings.timezone;
    match cmd {
        RefillsCommand::Send { contractor, warehouse, lines: given, note, handover } => {
            let b = refills::send(&app, &actor, &contractor, &warehouse, &lines(&given)?, note.as_deref())?;
            let total: i64 = b.lines.iter().map(|l| l.sent).sum();
            println!("refill batch {}: {total} empties from {} to {}", b.id, b.warehouse, b.contractor);
            if let Some(path) = handover {
                refills::handover_xlsx(&b, tz, &path)?;
                println!("wrote the handover document {}", path.display());
            }
        }
        RefillsCommand::Receive { batch, received, rejected, reason } => {
            let b = refills::receive(&app, &actor, batch, &lines(&received)?, &lines(&rejected)?, reason.as_deref())?;
            let left: i64 = b.lines.iter().map(|l| l.outstanding()).sum();
            match b.closed_at {
                Some(_) => println!("refill batch {batch} is closed: everything is back or written off"),
                None => println!("refill batch {batch}: {left} still at {}", b.contractor),
            }
        }
        RefillsCommand::List { open, format } => {
            let times = Times { tz, format };
            let rows: Vec<BatchRow> =
                refills::batches(&app, &actor, open)?.iter().map(|b| batch_row(b, &times)).collect();
            print_rows(format, &rows, &[], "no refill batches")?;
        }
        RefillsCommand::Show { batch, handover, format } => {
            let b = refills::get(&app, &actor, batch)?;
            let rows: Vec<LineRow> = b
                .lines
                .iter()
                .map(|l| LineRow {
                    article: l.article.clone(),
                    cartridge: l.cartridge.clone(),
                    sent: l.sent,
                    received: l.received,
                    rejected: l.rejected,
                    outstanding: l.outstanding(),
                    reason: l.reject_reason.clone().unwrap_or_default(),
                })
                .collect();
            print_rows(format, &rows, &[], "the batch has no lines")?;
            if let Some(path) = handover {
                refills::handover_xlsx(&b, tz, &path)?;
                eprintln!("wrote the handover document {}", path.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
