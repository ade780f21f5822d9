//! `helpdesk seed`: reference data from fixtures (a directory or the built-in
//! sample set), demo requests, and the sample set written out as a template.

use super::output::{Format, print_rows};
use super::progress::Bar;
use super::{Global, open_app};
use crate::services::OpenOptions;
use crate::services::demo::{self, DemoOptions};
use crate::services::seed::{self, Fixtures};
use crate::services::{Actor, directory};
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, Args)]
#[command(after_help = "\
Without --fixtures the reference data comes from ./fixtures when the working directory has one, \
else from the sample set built into the binary (sample branches, warehouses, cartridges, stock and \
staff, for trying helpdesk out); the output says which. --write-fixtures writes that sample set out \
as a template: edit the files to hold your own branches, staff and catalog, then load them with \
--fixtures.

Examples:
  helpdesk seed
  helpdesk seed --demo --requests 100000
  helpdesk seed --demo --consumption --months 36
  helpdesk seed --write-fixtures /etc/helpdesk/fixtures
  helpdesk seed --fixtures /etc/helpdesk/fixtures")]
pub struct SeedArgs {
    /// Directory with branches.csv, warehouses.csv, cartridges.csv, stock.csv and staff.csv
    /// [default: ./fixtures if there is one, else the built-in sample set]
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    /// Write the built-in sample set to DIR as a template to fill in, and exit; the database is not touched
    #[arg(long, value_name = "DIR", conflicts_with_all = ["fixtures", "demo", "format"])]
    write_fixtures: Option<PathBuf>,
    /// With --write-fixtures, overwrite files that already exist
    #[arg(long, requires = "write_fixtures")]
    force: bool,
    /// Also add demo employees and requests
    #[arg(long)]
    demo: bool,
    /// How many demo requests to add
    #[arg(long, value_name = "N", default_value_t = 1000, requires = "demo")]
    requests: u64,
    /// Spread demo requests over this many months back from now
    #[arg(long, value_name = "N", default_value_t = 12, requires = "demo", value_parser = clap::value_parser!(u32).range(1..=120))]
    months: u32,
    /// Also a cartridge consumption history over the months: every printer's
    /// types used at a rate, trend and season of its own, ordered, issued
    /// from stock and delivered, for the forecast (`stock forecast`, `stock backtest`);
    /// the demo requests' cartridge orders done are issued through the ledger too
    #[arg(long, requires = "demo")]
    consumption: bool,
    /// Random seed for demo data (the same seed gives the same data)
    #[arg(long, value_name = "N", default_value_t = 1, requires = "demo")]
    random_seed: u64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub fn run(global: &Global, args: SeedArgs) -> Result<ExitCode> {
    if let Some(dir) = &args.write_fixtures {
        for path in seed::write_sample(dir, args.force)? {
            println!("wrote {}", path.display());
        }
        println!(
            "edit them to hold your own calendars, branches, warehouses, cartridges, stock, staff and printers, then run: \
             helpdesk seed --fixtures {}",
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let app = open_app(global, OpenOptions::default())?;
    let actor = Actor::operator_from_env();
    let here = PathBuf::from("fixtures");
    let source = match &args.fixtures {
        Some(dir) => Some(Fixtures::Dir(dir.clone())),
        None if here.is_dir() => Some(Fixtures::Dir(here)),
        // With --demo and no fixtures at hand, the reference data already in the database will do.
        None if args.demo && !directory::branches(&app)?.is_empty() => None,
        None => Some(Fixtures::BuiltIn),
    };
    match source {
        None => {
            eprintln!("no fixtures/ directory here; adding demo data to the reference data already in the database")
        }
        Some(source) => {
            let report = seed::load_fixtures(&app, &actor, &source)?;
            print_rows(args.format, &report, &[], "nothing to load")?;
            match (&source, &args.fixtures) {
                (Fixtures::BuiltIn, _) => eprintln!(
                    "loaded the built-in sample set (use --fixtures DIR for your own; \
                     --write-fixtures DIR writes this set out as a template)"
                ),
                (Fixtures::Dir(_), None) => {
                    eprintln!("loaded ./fixtures, found in the working directory (use --fixtures DIR for another set)")
                }
                (Fixtures::Dir(_), Some(_)) => {}
            }
        }
    }
    if args.demo {
        let started = Instant::now();
        let bar = Bar::new();
        let options = DemoOptions {
            requests: args.requests,
            months: args.months,
            seed: args.random_seed,
            consumption: args.consumption,
        };
        let demo = demo::generate(&app, &actor, options, &bar)?;
        let took = started.elapsed().as_secs_f64();
        if args.format == Format::Table {
            println!(
                "added {} demo requests ({} open), {} employees and {} staff in {took:.1}s",
                demo.requests_added, demo.open_requests, demo.employees_added, demo.staff_added
            );
            if args.consumption {
                println!(
                    "and a consumption history of {} cartridge orders; {} cartridges issued through the ledger in all",
                    demo.cartridge_orders_added, demo.cartridges_issued
                );
            }
        } else {
            eprintln!("added {} demo requests in {took:.1}s", demo.requests_added);
        }
    }
    Ok(ExitCode::SUCCESS)
}
