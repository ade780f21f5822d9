//! `helpdesk import-1c FILE...`: warehouse balances exported from 1C into
//! stock; `helpdesk import-1c --odata [URL]`: pulled from 1C's OData interface
//! (recorded as the `onec-pull` job, as `serve` runs it on a schedule). The
//! work is in [`crate::services::import_1c`]; this parses the arguments and
//! prints the report: what changed, what matched nothing, and a summary at the
//! end (or the whole report as JSON).

use super::output::{self, Times, print_rows};
use super::progress::Bar;
use super::{Global, open_app};
use crate::domain::WarehouseKey;
use crate::services::Actor;
use crate::services::OpenOptions;
use crate::services::import_1c::{self, ColumnMap, ImportOptions, ImportReport};
use crate::services::jobs::{self, Job};
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  helpdesk import-1c /srv/1c/exchange/offers.xml
  helpdesk import-1c import.xml offers.xml --dry-run
  helpdesk import-1c rests.xml import.xml
  helpdesk import-1c offers.xml --warehouse CENTRAL       # offers with only a total quantity
  helpdesk import-1c остатки.xlsx
  helpdesk import-1c report.csv --map article=C,warehouse=D,quantity=F
  helpdesk import-1c offers.xml --format json > report.json
  helpdesk import-1c --odata                               # pull from 1C's OData at HELPDESK_ONEC_ODATA_URL
  helpdesk import-1c --odata https://1c.example.org/trade/odata/standard.odata/ --dry-run
  helpdesk import-1c history                              # what 1C's exchanges did, newest first

Items match cartridge types by 1C id, then by vendor article; warehouses by 1C id, then by name. \
What matches nothing is listed, never guessed. Stock is set to what 1C reports; the same content \
imported again, read the same way (--map, --sheet, --warehouse), is recognised and changes nothing.";

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Tables for people
    Table,
    /// The whole report as one JSON object
    Json,
}

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES, args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ImportArgs {
    #[command(subcommand)]
    what: Option<ImportCommand>,
    /// CommerceML files from a 1C exchange (offers.xml or rests.xml, with import.xml for the catalog),
    /// or reports saved from 1C (.xlsx, .xls, .ods, .csv)
    #[arg(required_unless_present = "odata", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Pull the balances from 1C's standard OData interface instead of files: at URL
    /// (http(s)://HOST/BASE/odata/standard.odata/), or at HELPDESK_ONEC_ODATA_URL; the register,
    /// catalogs, fields and the user are the HELPDESK_ONEC_ODATA_* settings
    #[arg(long, value_name = "URL", num_args = 0..=1, conflicts_with_all = ["files", "map", "sheet"])]
    odata: Option<Option<String>>,
    /// Show what would change and what matches nothing; write nothing
    #[arg(long)]
    dry_run: bool,
    /// Where balances that name no warehouse go (offers with only a total <Количество>, sheets without
    /// a Склад column): a warehouse's code, name, 1C id or id (code:X, name:X, 1c:X or id:N to say which)
    #[arg(long, value_name = "WAREHOUSE")]
    warehouse: Option<WarehouseKey>,
    /// Spreadsheet columns by letter, number or header caption, for layouts not recognised by their captions:
    /// item=B,article=C,warehouse=D,quantity=F (also id= for a 1C id column)
    #[arg(long, value_name = "FIELD=COLUMN,...", value_parser = parse_map)]
    map: Option<ColumnMap>,
    /// The sheet of a workbook to read [default: the first with a recognisable header row]
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
}

#[derive(Debug, clap::Subcommand)]
enum ImportCommand {
    /// What each exchange with 1C did, newest first: imports of what 1C posted to /1c/exchange, pulls over
    /// OData, orders sent to 1C and confirmed, order states 1C sent back; refusals with their reason
    /// (a file named "history" is ./history)
    History(HistoryArgs),
}

#[derive(Debug, Args)]
struct HistoryArgs {
    /// How many steps to show
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    limit: u32,
    #[arg(long, value_enum, default_value_t = output::Format::Table)]
    format: output::Format,
}

#[derive(serde::Serialize)]
struct HistoryRow {
    at: String,
    kind: String,
    step: String,
    session: String,
    from: String,
    files: String,
    result: &'static str,
    detail: String,
    #[serde(rename = "stock changed")]
    stock_changed: i64,
    import: Option<i64>,
}

fn history(global: &Global, args: HistoryArgs) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let steps = crate::services::onec_exchange::history(&app, &Actor::operator_from_env(), args.limit)?;
    let times = Times { tz: app.settings.timezone, format: args.format };
    let rows: Vec<HistoryRow> = steps
        .into_iter()
        .map(|s| HistoryRow {
            at: times.at(s.at),
            kind: s.kind,
            step: s.step,
            session: s.session.unwrap_or_default(),
            from: s.peer.unwrap_or_default(),
            files: s.files,
            result: if s.ok { "success" } else { "failure" },
            detail: s.detail,
            stock_changed: s.stock_changed,
            import: s.import_id,
        })
        .collect();
    print_rows(args.format, &rows, &["import"], "no exchange with 1C yet")?;
    Ok(ExitCode::SUCCESS)
}

fn parse_map(s: &str) -> Result<ColumnMap, String> {
    s.parse()
}

/// Lists longer than this are cut short in tables (JSON has them whole).
const TABLE_LIMIT: usize = 50;

#[derive(serde::Serialize)]
struct ChangeRow<'a> {
    article: &'a str,
    item: &'a str,
    warehouse: &'a str,
    change: String,
}

#[derive(serde::Serialize)]
struct ItemRow<'a> {
    #[serde(rename = "1C id")]
    one_c_id: Option<&'a str>,
    article: Option<&'a str>,
    name: &'a str,
    rows: u64,
    quantity: i64,
    #[serde(rename = "first seen")]
    first_seen: &'a str,
}

#[derive(serde::Serialize)]
struct WarehouseRow<'a> {
    #[serde(rename = "1C id")]
    one_c_id: Option<&'a str>,
    name: Option<&'a str>,
    rows: u64,
    quantity: i64,
}

#[derive(serde::Serialize)]
struct SummaryRow {
    files: String,
    #[serde(rename = "rows read")]
    rows: u64,
    matched: u64,
    #[serde(rename = "unmatched items")]
    unmatched_items: String,
    #[serde(rename = "unmatched warehouses")]
    unmatched_warehouses: String,
    #[serde(rename = "no warehouse")]
    without_warehouse: u64,
    #[serde(rename = "stock rows changed")]
    stock_changed: u64,
}

pub fn run(global: &Global, args: ImportArgs) -> Result<ExitCode> {
    if let Some(ImportCommand::History(h)) = args.what {
        return history(global, h);
    }
    let app = open_app(global, OpenOptions::default())?;
    let options = ImportOptions {
        dry_run: args.dry_run,
        warehouse: args.warehouse,
        map: args.map,
        sheet: args.sheet,
        shown_from: None,
        // A rests.xml alone matches by the catalog 1C's exchange kept.
        stored_catalog: true,
    };
    let actor = Actor::operator_from_env();
    let report = match &args.odata {
        None => import_1c::import(&app, &actor, &args.files, &options, &Bar::new())?,
        Some(url) => {
            let pull = || import_1c::pull_odata(&app, &actor, url.as_deref(), &options, &Bar::new());
            if options.dry_run { pull()? } else { jobs::record(&app, Job::OnecPull, pull, ImportReport::summary_line)? }
        }
    };
    let times = Times { tz: app.settings.timezone, format: output::Format::Table };
    match args.format {
        ReportFormat::Json => {
            let mut value = serde_json::to_value(&report)?;
            if let (Some(earlier), Some(v)) = (&report.already_imported, value.get_mut("already_imported")) {
                v["imported_at"] = Times { format: output::Format::Json, ..times }.at(earlier.imported_at).into();
            }
            output::print_object(output::Format::Json, &value)?;
        }
        ReportFormat::Table => print_tables(&report, times)?,
    }
    if report.already_imported.is_none() && report.without_warehouse > 0 {
        let n = report.without_warehouse;
        eprintln!(
            "warning: {n} {} no warehouse (offers with only a total quantity) and {} placed; \
             pass --warehouse WAREHOUSE (or set HELPDESK_ONEC_DEFAULT_WAREHOUSE) to say where they are",
            if n == 1 { "balance names" } else { "balances name" },
            match (report.dry_run, n == 1) {
                (true, _) => "would not be",
                (false, true) => "was not",
                (false, false) => "were not",
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_tables(report: &ImportReport, times: Times) -> Result<()> {
    let files = report.files.iter().map(|f| f.file.as_str()).collect::<Vec<_>>().join(", ");
    if let Some(earlier) = &report.already_imported {
        println!(
            "{files}: already imported on {} (import #{} of {}, {} rows); nothing changed",
            times.at(earlier.imported_at),
            earlier.id,
            earlier.source,
            earlier.rows
        );
        return Ok(());
    }
    for f in &report.files {
        println!("{}: {}, {} balances ({})", f.file, f.format, f.rows, f.detail);
    }
    if !report.changes.is_empty() {
        println!();
        println!("{}", if report.dry_run { "Stock that would change:" } else { "Stock changed:" });
        let rows: Vec<ChangeRow> = report
            .changes
            .iter()
            .map(|c| ChangeRow {
                article: &c.article,
                item: &c.item,
                warehouse: &c.warehouse,
                change: format!("{} → {}", c.old, c.new),
            })
            .collect();
        print_rows(output::Format::Table, &rows, &[], "")?;
    }
    if !report.unmatched_item_list.is_empty() {
        println!();
        println!("Items that match no cartridge type (by 1C id or article):");
        let rows: Vec<ItemRow> = report
            .unmatched_item_list
            .iter()
            .take(TABLE_LIMIT)
            .map(|i| ItemRow {
                one_c_id: i.one_c_id.as_deref(),
                article: i.article.as_deref(),
                name: &i.name,
                rows: i.rows,
                quantity: i.quantity,
                first_seen: &i.first_seen,
            })
            .collect();
        print_rows(output::Format::Table, &rows, &[], "")?;
        more(report.unmatched_item_list.len(), report.lists_truncated, "unmatched items");
    }
    if !report.unmatched_warehouse_list.is_empty() {
        println!();
        println!("Warehouses that match none here (by 1C id or name):");
        let rows: Vec<WarehouseRow> = report
            .unmatched_warehouse_list
            .iter()
            .take(TABLE_LIMIT)
            .map(|w| WarehouseRow {
                one_c_id: w.one_c_id.as_deref(),
                name: w.name.as_deref(),
                rows: w.rows,
                quantity: w.quantity,
            })
            .collect();
        print_rows(output::Format::Table, &rows, &[], "")?;
        more(report.unmatched_warehouse_list.len(), report.lists_truncated, "unmatched warehouses");
    }
    println!();
    let plus = |n: u64| {
        if report.lists_truncated && n as usize >= import_1c::LIST_LIMIT { format!("{n}+") } else { n.to_string() }
    };
    let summary = SummaryRow {
        files,
        rows: report.rows,
        matched: report.matched,
        unmatched_items: plus(report.unmatched_items),
        unmatched_warehouses: plus(report.unmatched_warehouses),
        without_warehouse: report.without_warehouse,
        stock_changed: report.stock_changed,
    };
    print_rows(output::Format::Table, &[summary], &[], "")?;
    let (balances, changed) = (report.rows, report.stock_changed);
    let balances = format!("{balances} balance{}", if balances == 1 { "" } else { "s" });
    let changed = format!("{changed} stock row{}", if changed == 1 { "" } else { "s" });
    match report.import_id {
        Some(id) => println!("imported as #{id}: {balances} kept in the snapshot, {changed} changed"),
        None => println!("dry run: nothing was written; {changed} would change"),
    }
    Ok(())
}

fn more(listed: usize, truncated: bool, what: &str) {
    let truncated = truncated && listed >= import_1c::LIST_LIMIT;
    if listed > TABLE_LIMIT || truncated {
        let shown = listed.min(TABLE_LIMIT);
        let total = if truncated { format!("more than {listed}") } else { listed.to_string() };
        println!("… {shown} of {total} {what} shown; `--format json` lists up to {}", import_1c::LIST_LIMIT);
    }
}
