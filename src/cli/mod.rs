//! The command line: clap definitions, loading settings, and the dispatch to
//! one small module per subcommand. Each subcommand parses its arguments,
//! calls a service and prints the result.
//!
//! Exit codes: 0 success, 1 failure, 2 usage error.

mod archive;
mod backup;
mod branches;
mod calendars;
mod config_cmd;
mod db;
mod docs;
mod export;
mod filters;
mod health;
mod import_1c;
mod migrate;
pub mod output;
mod printers;
mod progress;
mod recurring;
mod refills;
mod report;
mod requests;
mod schedule;
mod seed;
mod serve;
mod sla;
mod stock;
mod users;
mod web;

use crate::clock::SystemClock;
use crate::config::{Layers, Loaded};
use crate::domain::Named;
use crate::services::App;
use crate::services::OpenOptions;
use anyhow::{Context, Result};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

const AFTER_HELP: &str = "\
Settings come from flags, the environment (HELPDESK_*), a .env file, the --config TOML file, and defaults, \
in that order; `helpdesk config show` lists them all.

Exit codes: 0 success, 1 failure, 2 usage error, 3 SLA breaches (sla-check --fail-on-breach).";

/// The help desk for organizations with many branches: the Telegram bot's data
/// and everything a sysadmin runs from a shell or cron.
#[derive(Debug, Parser)]
#[command(name = "helpdesk", version, propagate_version = true, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct Global {
    /// TOML config file [env: HELPDESK_CONFIG]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database: sqlite:PATH, a bare path, or postgres://USER:PASSWORD@HOST/DB [env: HELPDESK_DATABASE_URL] [default: sqlite:helpdesk.db]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Log lines as text, or as JSON objects for a log shipper [env: HELPDESK_LOG_FORMAT] [default: text]
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
}

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show and upgrade the database schema
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Load reference data (./fixtures or the built-in sample set), and demo requests with --demo
    Seed(seed::SeedArgs),
    /// People: list, add, set roles, block and unblock
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// Branches: list and add
    #[command(subcommand)]
    Branches(branches::BranchesCommand),
    /// Working-time calendars that service levels count in: list, set, days, remove-day, assign
    #[command(subcommand)]
    Calendars(calendars::CalendarsCommand),
    /// Whether a running serve can serve (its /readyz, or /healthz with --live), for scripts and HEALTHCHECK
    Health(health::HealthArgs),
    /// Recurring requests filed on a schedule (the monthly server-room check): list, add, pause, resume, run
    #[command(subcommand)]
    Recurring(recurring::RecurringCommand),
    /// Printers at every branch and the cartridges each takes: list, add, retire
    #[command(subcommand)]
    Printers(printers::PrintersCommand),
    /// Contractors who refill cartridges: list, add
    #[command(subcommand)]
    Contractors(refills::ContractorsCommand),
    /// Empties sent to a contractor for refilling and received back: send, receive, list, show
    #[command(subcommand)]
    Refills(refills::RefillsCommand),
    /// Cartridge stock per warehouse
    #[command(subcommand)]
    Stock(stock::StockCommand),
    /// Import warehouse balances from 1C (CommerceML offers.xml/import.xml, or xlsx/xls/ods/csv reports)
    #[command(name = "import-1c")]
    Import1c(import_1c::ImportArgs),
    /// Requests: list with filters, show one
    #[command(subcommand)]
    Requests(requests::RequestsCommand),
    /// Run the Telegram bot, the web panel and the scheduled jobs (the daemon)
    Serve(serve::ServeArgs),
    /// The web panel: sign-in links and ending sessions
    #[command(subcommand)]
    Web(web::WebCommand),
    /// Take a verified backup of the database; list and prune backups
    Backup(backup::BackupArgs),
    /// Restore the database from a backup, after checking it
    Restore(backup::RestoreArgs),
    /// Copy the SQLite database into PostgreSQL, verified, in one transaction
    Migrate(migrate::MigrateArgs),
    /// Archive closed requests older than the archive policy
    Archive(archive::ArchiveArgs),
    /// Find SLA breaches and send reminders by Telegram and email
    #[command(name = "sla-check")]
    SlaCheck(sla::SlaArgs),
    /// Summary for management: opened, closed, breaches per branch, low stock
    Report(report::ReportArgs),
    /// Export requests to an Excel workbook (with summaries, stock and charts) or CSV
    Export(export::ExportArgs),
    /// When serve runs each scheduled job next, and how each last ran
    Schedule(schedule::ScheduleArgs),
    /// Show the effective settings and where each came from
    #[command(subcommand)]
    Config(config_cmd::ConfigCommand),
    /// Print a shell completion script
    Completions(docs::CompletionsArgs),
    /// Print the manual page, or write all pages to a directory
    Man(docs::ManArgs),
}

/// A clap value parser for a [`Named`] domain enum, offering `values` (all by default).
pub(crate) fn named<T: Named + Send + Sync>(values: &'static [T]) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(values.iter().map(|v| PossibleValue::new(v.as_str())))
        .map(|s| T::parse_named(&s).expect("clap checked the value"))
}

/// Loads the settings from every source.
pub(crate) fn load_settings(global: &Global) -> Result<Loaded> {
    let mut flags = HashMap::new();
    if let Some(url) = &global.database_url {
        flags.insert("database_url".to_string(), url.clone());
    }
    // Variables that are not valid Unicode cannot be settings; skip them rather than fail.
    let env: HashMap<String, String> =
        std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))).collect();
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let layers = Layers::gather(global.config.as_deref(), &cwd, env, flags)?;
    let loaded = Loaded::from_layers(&layers)?;
    for name in &loaded.unknown_env {
        tracing::warn!("{name} is not a helpdesk setting; run `helpdesk config show` to list them");
    }
    Ok(loaded)
}

/// Loads settings and opens the store.
pub(crate) fn open_app(global: &Global, options: OpenOptions) -> Result<App> {
    open_loaded(load_settings(global)?, options)
}

/// Opens the store of settings already loaded.
pub(crate) fn open_loaded(loaded: Loaded, options: OpenOptions) -> Result<App> {
    Ok(App::open(loaded.settings, options, Arc::new(SystemClock))?)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Db(cmd) => db::run(&cli.global, cmd),
        Command::Seed(args) => seed::run(&cli.global, args),
        Command::Users(cmd) => users::run(&cli.global, cmd),
        Command::Branches(cmd) => branches::run(&cli.global, cmd),
        Command::Calendars(cmd) => calendars::run(&cli.global, cmd),
        Command::Recurring(cmd) => recurring::run(&cli.global, cmd),
        Command::Health(args) => health::run(&cli.global, args),
        Command::Printers(cmd) => printers::run(&cli.global, cmd),
        Command::Contractors(cmd) => refills::run_contractors(&cli.global, cmd),
        Command::Refills(cmd) => refills::run(&cli.global, cmd),
        Command::Stock(cmd) => stock::run(&cli.global, cmd),
        Command::Import1c(args) => import_1c::run(&cli.global, args),
        Command::Requests(cmd) => requests::run(&cli.global, cmd),
        Command::Serve(args) => serve::run(&cli.global, args),
        Command::Web(cmd) => web::run(&cli.global, cmd),
        Command::Backup(args) => backup::run(&cli.global, args),
        Command::Restore(args) => backup::restore(&cli.global, args),
        Command::Migrate(args) => migrate::run(&cli.global, args),
        Command::Archive(args) => archive::run(&cli.global, args),
        Command::SlaCheck(args) => sla::run(&cli.global, args),
        Command::Report(args) => report::run(&cli.global, args),
        Command::Export(args) => export::run(&cli.global, args),
        Command::Schedule(args) => schedule::run(&cli.global, args),
        Command::Config(cmd) => config_cmd::run(&cli.global, cmd),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
    }
}

/// The clap command, for completions and manual pages.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Adds the "what to do" to errors that name something unknown.
fn hint(e: &anyhow::Error) -> Option<&'static str> {
    use crate::domain::Entity;
    match e.downcast_ref::<crate::services::Error>()? {
        crate::services::Error::NotFound { what, .. } => match what {
            Entity::Branch => Some("run `helpdesk branches list` to see them"),
            Entity::Warehouse => Some("run `helpdesk stock list` to see the warehouses"),
            Entity::User => Some("run `helpdesk users list` to see them"),
            Entity::Request => Some("run `helpdesk requests list` to see them"),
            Entity::CartridgeType => Some("check the catalog in fixtures/cartridges.csv"),
            Entity::Printer => Some("run `helpdesk printers list` to see them"),
            Entity::Contractor => Some("run `helpdesk contractors list` to see them"),
            Entity::RefillBatch => Some("run `helpdesk refills list` to see them"),
            Entity::Calendar => Some("run `helpdesk calendars list` to see them"),
            Entity::Recurring => Some("run `helpdesk recurring list` to see them"),
            Entity::ServerCall | Entity::Broadcast => None,
        },
        _ => None,
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("error: internal error ({msg}{at}); please report this bug");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let format = match cli.global.log_format {
        Some(f) => f,
        None => match std::env::var("HELPDESK_LOG_FORMAT").as_deref().map(str::trim) {
            Err(_) | Ok("") | Ok("text") => LogFormat::Text,
            Ok("json") => LogFormat::Json,
            Ok(other) => {
                eprintln!("error: HELPDESK_LOG_FORMAT '{other}' is not a log format; use text or json");
                return ExitCode::FAILURE;
            }
        },
    };
    crate::logs::init(format == LogFormat::Json);
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(code)) => code,
        // The reader went away (`helpdesk requests list | head`): stop quietly, as Unix tools do.
        Ok(Err(e)) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            let mut line = format!("{e:#}").replace('\n', " ");
            if let Some(h) = hint(&e) {
                line = format!("{line}; {h}");
            }
            crate::logs::failure(&line);
            ExitCode::FAILURE
        }
        Err(_) => ExitCode::FAILURE,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(
                |c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe),
            )
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
