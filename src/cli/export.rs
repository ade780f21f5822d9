//! `helpdesk export`: requests for management as an Excel workbook, or as CSV.

use super::filters::{Selection, period};
use super::output::{Format, print_rows};
use super::progress::Bar;
use super::{Global, open_app};
use crate::domain::model::{ArchivedFilter, RequestQuery};
use crate::services::OpenOptions;
use crate::services::export;
use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    /// An Excel workbook: requests, cartridge lines, summary by branch, months, stock, charts
    Xlsx,
    /// The requests alone, one row each, the same columns
    Csv,
}

impl FileFormat {
    fn extension(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Csv => "csv",
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "\
Dates are YYYY-MM-DD in the configured time zone (or RFC 3339 times); --until includes the whole day. \
The file appears only when complete; on any error nothing is left behind.

Examples:
  helpdesk export -o requests.xlsx
  helpdesk export -o q1.xlsx --from 2026-01-01 --until 2026-03-31 --branch KHARKIV
  helpdesk export -o cartridges.csv --kind cartridge --status done --include-archived
  helpdesk export --format csv -o - | gzip > requests.csv.gz")]
pub struct ExportArgs {
    /// The file to write (.xlsx, or .csv; - for standard output with --format csv)
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// xlsx or csv [default: from the file's extension]
    #[arg(long, value_enum)]
    format: Option<FileFormat>,
    /// Created on or after this date
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Created on or before this date
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    #[command(flatten)]
    selection: Selection,
    /// Archived requests too (left out by default)
    #[arg(long)]
    include_archived: bool,
}

/// The format to write: as asked, else from the extension; an extension that
/// does not match is refused.
fn file_format(output: &Path, asked: Option<FileFormat>) -> Result<FileFormat> {
    if output == Path::new("-") {
        return match asked {
            Some(FileFormat::Csv) => Ok(FileFormat::Csv),
            _ => bail!("-o - writes to standard output, which only --format csv can; name a .xlsx file instead"),
        };
    }
    let ext = output.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let by_ext = [FileFormat::Xlsx, FileFormat::Csv].into_iter().find(|f| ext.as_deref() == Some(f.extension()));
    match (asked, by_ext) {
        (Some(a), Some(e)) if a == e => Ok(a),
        (None, Some(e)) => Ok(e),
        (Some(a), _) => bail!(
            "-o {}: --format {} writes a .{} file; name one, or leave --format out",
            output.display(),
            a.extension(),
            a.extension()
        ),
        (None, None) => bail!("-o {}: name a .xlsx or .csv file, or give --format", output.display()),
    }
}

pub fn run(global: &Global, args: ExportArgs) -> Result<ExitCode> {
    let format = file_format(&args.output, args.format)?;
    let app = open_app(global, OpenOptions::default())?;
    let (since, until) = period(app.settings.timezone, args.from.as_deref(), args.until.as_deref())?;
    let query = RequestQuery {
        statuses: args.selection.status.clone(),
        kinds: args.selection.kind.clone(),
        branch_id: args.selection.branch_id(&app)?,
        since,
        until,
        archived: if args.include_archived { ArchivedFilter::Include } else { ArchivedFilter::Exclude },
        ..Default::default()
    };
    let bar = Bar::new();
    let (written, size) = match format {
        FileFormat::Csv if args.output == Path::new("-") => {
            export::csv_to(&app, &query, &mut std::io::stdout().lock(), &bar)?;
            return Ok(ExitCode::SUCCESS);
        }
        FileFormat::Csv => export::csv_file(&app, &query, &args.output, &bar)?,
        FileFormat::Xlsx => export::xlsx(&app, &query, &args.output, &bar)?,
    };
    println!("wrote {} ({})", args.output.display(), indicatif::HumanBytes(size));
    print_rows(Format::Table, &written, &[], "")?;
    Ok(ExitCode::SUCCESS)
}
