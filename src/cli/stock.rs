//! `helpdesk stock list|empties|check|forecast|backtest`.

use super::output::{Format, Times, print_rows};
use super::{Global, open_app};
use crate::domain::{CartridgeKey, WarehouseKey};
use crate::services::OpenOptions;
use crate::services::{Actor, catalog, forecast, ledger};
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
    /// When each warehouse runs out of each type, and what to order: the
    /// demand forecast from the issue history (TSB with the warehouse's
    /// seasons), days of full stock left, and an order covering the supplier's
    /// lead time (STOCK_LEAD_TIME) and STOCK_COVER after it, counting what is
    /// at a contractor; soonest first
    #[command(
        after_help = "Examples:\n  helpdesk stock forecast\n  helpdesk stock forecast --warehouse CENTRAL --within 14d\n  helpdesk stock forecast --format json\n  helpdesk stock forecast --send"
    )]
    Forecast {
        /// Queue the digest of suggested orders for the storekeepers in Telegram and the staff
        /// mailbox (SMTP_STAFF_TO) instead of printing; `serve` delivers it (and sends it weekly
        /// by itself, SCHEDULE_STOCK_FORECAST)
        #[arg(long, conflicts_with_all = ["warehouse", "within", "format"])]
        send: bool,
        /// Only this warehouse: a code, name, 1C id or id
        #[arg(long, value_name = "WAREHOUSE")]
        warehouse: Option<WarehouseKey>,
        /// Only what runs out within this many days (7d, 2w, 30d)
        #[arg(long, value_name = "DAYS", value_parser = crate::config::parse_days)]
        within: Option<u32>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// How well the forecast would have done on this database's own history:
    /// at a cut-off every week, the demand of the following days forecast by
    /// it and by the plain 90-day average, each compared with what was issued
    /// (mean absolute scaled error; lower is better), per warehouse and type
    /// and overall
    #[command(
        after_help = "Examples:\n  helpdesk stock backtest\n  helpdesk stock backtest --horizon 28d --over 180d --format json"
    )]
    Backtest {
        /// How far ahead each forecast looks [default: STOCK_LEAD_TIME + STOCK_COVER, what an order covers]
        #[arg(long, value_name = "DAYS", value_parser = crate::config::parse_days)]
        horizon: Option<u32>,
        /// Cut-offs over this many days back (each with a whole horizon after it)
        #[arg(long, value_name = "DAYS", value_parser = crate::config::parse_days, default_value = "365d")]
        over: u32,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(serde::Serialize)]
struct ForecastRow {
    warehouse: String,
    article: String,
    cartridge: String,
    full: i64,
    empty: i64,
    at_contractor: i64,
    issued_90d: i64,
    per_month: f64,
    days_left: Option<u32>,
    runs_out: Option<String>,
    within_lead_time: bool,
    order: i64,
}

#[derive(serde::Serialize)]
struct BacktestRow {
    warehouse: String,
    article: String,
    issued: i64,
    method: f64,
    naive: f64,
    ratio: Option<f64>,
}

/// Rounded for reading (JSON keeps what a script needs to compare).
fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
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
        StockCommand::Forecast { send: true, .. } => {
            let digest = crate::services::jobs::record(
                &app,
                crate::services::jobs::Job::StockForecast,
                || forecast::send_digest(&app, &Actor::operator_from_env()),
                forecast::Digest::summary_line,
            )?;
            println!("{}", digest.summary_line());
        }
        StockCommand::Forecast { warehouse, within, format, .. } => {
            let rows: Vec<ForecastRow> =
                forecast::forecast(&app, &Actor::operator_from_env(), warehouse.as_ref(), within)?
                    .into_iter()
                    .map(|f| ForecastRow {
                        warehouse: f.warehouse,
                        article: f.article,
                        cartridge: f.cartridge,
                        full: f.full,
                        empty: f.empty,
                        at_contractor: f.at_contractor,
                        issued_90d: f.issued_90d,
                        per_month: round(f.per_day * 30.0, 1),
                        days_left: f.days_left,
                        runs_out: f.runs_out.map(|d| d.to_string()),
                        within_lead_time: f.within_lead_time,
                        order: f.order,
                    })
                    .collect();
            let empty = match within {
                Some(days) => format!("nothing runs out within {days} days"),
                None => "no stock rows to forecast".to_string(),
            };
            print_rows(format, &rows, &[], &empty)?;
        }
        StockCommand::Backtest { horizon, over, format } => {
            let horizon = horizon.unwrap_or(app.settings.stock.lead_days + app.settings.stock.cover_days);
            let b = forecast::backtest(&app, &Actor::operator_from_env(), horizon, over)?;
            if b.rows.is_empty() {
                anyhow::bail!(
                    "no warehouse and type has enough issue history to backtest over {over} days with a {horizon}-day horizon; \
                     try a shorter --horizon or --over"
                );
            }
            let ratio = |m: f64, n: f64| (n > 0.0).then(|| round(m / n, 3));
            let mut rows: Vec<BacktestRow> = b
                .rows
                .iter()
                .map(|r| BacktestRow {
                    warehouse: r.warehouse.clone(),
                    article: r.article.clone(),
                    issued: r.issued,
                    method: round(r.method, 3),
                    naive: round(r.naive, 3),
                    ratio: ratio(r.method, r.naive),
                })
                .collect();
            rows.push(BacktestRow {
                warehouse: "all".into(),
                article: "all".into(),
                issued: b.rows.iter().map(|r| r.issued).sum(),
                method: round(b.method, 3),
                naive: round(b.naive, 3),
                ratio: ratio(b.method, b.naive),
            });
            print_rows(format, &rows, &[], "")?;
            if format == Format::Table {
                eprintln!(
                    "{} warehouse and type pairs, {} cut-offs, {horizon}-day horizon: the forecast's error is {:.2}x the 90-day average's",
                    b.rows.len(),
                    b.cutoffs,
                    b.method / b.naive.max(f64::MIN_POSITIVE)
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
