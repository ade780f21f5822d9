//! `helpdesk migrate`: copy the SQLite database into PostgreSQL.

use super::output::{Format, print_object, print_rows};
use super::progress::Bar;
use super::{Global, load_settings};
use crate::config::DatabaseUrl;
use crate::services::migrate;
use anyhow::{Result, bail};
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(after_help = "\
The schema is created on the target, then every table is copied in one transaction (binary COPY, \
ids kept), checked (row counts and a checksum of every table on both sides) and only then committed: \
stopped or failing halfway, the target keeps what it had and the next run starts afresh. The source \
is only read, from one snapshot, so `helpdesk serve` may go on using it meanwhile; stop it before the \
copy if nothing written after the snapshot may be missed.

Examples:
  helpdesk migrate --to postgres://helpdesk:secret@db.example.org/helpdesk
  helpdesk migrate --from sqlite:/var/lib/helpdesk/helpdesk.db --to postgres://helpdesk@localhost/helpdesk --truncate")]
pub struct MigrateArgs {
    /// The PostgreSQL database to copy into (it must exist; it must be empty unless --truncate)
    #[arg(long, value_name = "postgres://USER:PASSWORD@HOST/DB")]
    to: String,
    /// The SQLite database to copy [default: the configured HELPDESK_DATABASE_URL]
    #[arg(long, value_name = "sqlite:PATH")]
    from: Option<String>,
    /// Replace the helpdesk data the target already holds
    #[arg(long)]
    truncate: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(serde::Serialize)]
struct Row {
    table: String,
    rows: u64,
    seconds: String,
    verified: &'static str,
}

pub fn run(global: &Global, args: MigrateArgs) -> Result<ExitCode> {
    let source = match &args.from {
        Some(from) => DatabaseUrl::parse(from).map_err(|e| anyhow::anyhow!("--from: {e}"))?,
        None => load_settings(global)?.settings.database_url,
    };
    let DatabaseUrl::Sqlite(source) = source else {
        bail!("the source must be a SQLite database; name it with --from sqlite:PATH");
    };
    let target = match DatabaseUrl::parse(&args.to) {
        Ok(DatabaseUrl::Postgres(url)) => url,
        _ => bail!("--to must be a PostgreSQL URL: postgres://USER:PASSWORD@HOST/DB"),
    };
    let done = migrate::sqlite_to_postgres(&source, &target, args.truncate, &Bar::new())?;
    match args.format {
        Format::Json => print_object(Format::Json, &done)?,
        format => {
            let rows: Vec<Row> = done
                .tables
                .iter()
                .map(|t| Row {
                    table: t.table.clone(),
                    rows: t.rows,
                    seconds: format!("{:.2}", t.seconds),
                    verified: if t.verified { "yes" } else { "NO" },
                })
                .collect();
            print_rows(format, &rows, &[], "")?;
            if format == Format::Table {
                println!(
                    "Copied {} rows from {} to {} in {:.1} s; every table verified.",
                    done.rows, done.source, done.target, done.seconds
                );
                println!(
                    "To switch, set HELPDESK_DATABASE_URL={} (with its password) in the environment or .env, \
                     or database_url in the config file, and restart `helpdesk serve`. The SQLite file is unchanged.",
                    done.target
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
