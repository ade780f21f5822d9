//! Printing listings: a comfy-table that fits the terminal, or JSON or CSV for
//! scripts. Each listing is a serialisable view struct; its field names are the
//! column headers and JSON keys, so the three formats cannot drift apart.

use crate::domain::text::csv_cell;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;
use std::io::{IsTerminal, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people
    Table,
    /// JSON, an array of objects
    Json,
    /// CSV with a header row
    Csv,
}

/// How times are shown: in the configured time zone, short in tables and
/// RFC 3339 with the offset in JSON and CSV.
#[derive(Debug, Clone, Copy)]
pub struct Times {
    pub tz: Tz,
    pub format: Format,
}

impl Times {
    pub fn at(&self, t: DateTime<Utc>) -> String {
        let local = t.with_timezone(&self.tz);
        match self.format {
            Format::Table => local.format("%Y-%m-%d %H:%M").to_string(),
            _ => local.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        }
    }
    pub fn opt(&self, t: Option<DateTime<Utc>>) -> Option<String> {
        t.map(|t| self.at(t))
    }
}

/// One field of a CSV listing: text as [`csv_cell`] writes it (never a
/// formula in a spreadsheet), numbers and flags as they are, nothing as an
/// empty field.
fn csv_field(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => csv_cell(s).into_owned(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        other => csv_cell(&other.to_string()).into_owned(),
    }
}

/// Table columns that hold long text get cut to this many characters.
const TABLE_CELL_MAX: usize = 48;

/// Receives rows one at a time: JSON and CSV are written as they come, a table
/// is drawn at the end (it needs every width).
pub struct Sink<'a> {
    format: Format,
    hide_in_table: &'a [&'a str],
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    table_rows: Vec<serde_json::Map<String, serde_json::Value>>,
    csv: Option<csv::Writer<Vec<u8>>>,
    rows: u64,
}

impl<'a> Sink<'a> {
    pub fn new(format: Format, hide_in_table: &'a [&'a str]) -> Sink<'a> {
        Sink {
            format,
            hide_in_table,
            out: std::io::BufWriter::new(std::io::stdout().lock()),
            table_rows: Vec::new(),
            csv: (format == Format::Csv).then(|| csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new())),
            rows: 0,
        }
    }

    pub fn row<T: Serialize>(&mut self, row: &T) -> Result<()> {
        match self.format {
            Format::Table => {
                let value = serde_json::to_value(row).context("rendering a row")?;
                if let serde_json::Value::Object(map) = value {
                    self.table_rows.push(map);
                }
            }
            Format::Json => {
                self.out.write_all(if self.rows == 0 { b"[\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut self.out, row)?;
            }
            Format::Csv => {
                let w = self.csv.as_mut().expect("csv writer for csv format");
                let serde_json::Value::Object(map) = serde_json::to_value(row).context("rendering a row")? else {
                    anyhow::bail!("a listing row that is not a record");
                };
                if self.rows == 0 {
                    w.write_record(map.keys())?;
                }
                w.write_record(map.values().map(csv_field))?;
                // Hand the buffered bytes to stdout now and then, so memory stays flat.
                if self.rows % 1024 == 1023 {
                    let full =
                        std::mem::replace(w, csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new()));
                    let bytes = full.into_inner().map_err(|e| anyhow::anyhow!("writing CSV: {}", e.error()))?;
                    self.out.write_all(&bytes)?;
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes what is left; `empty` is said (on stderr) when there were no rows and the format is a table.
    pub fn finish(mut self, empty: &str) -> Result<()> {
        match self.format {
            Format::Table => {
                if self.table_rows.is_empty() {
                    eprintln!("{empty}");
                } else {
                    let table = draw(&self.table_rows, self.hide_in_table);
                    writeln!(self.out, "{table}")?;
                }
            }
            Format::Json => {
                self.out.write_all(if self.rows == 0 { b"[]\n" } else { b"\n]\n" })?;
            }
            Format::Csv => {
                let w = self.csv.take().expect("csv writer for csv format");
                let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("writing CSV: {}", e.error()))?;
                self.out.write_all(&bytes)?;
            }
        }
        self.out.flush().context("writing to standard output")?;
        Ok(())
    }
}

/// Prints a whole listing.
pub fn print_rows<T: Serialize>(format: Format, rows: &[T], hide_in_table: &[&str], empty: &str) -> Result<()> {
    let mut sink = Sink::new(format, hide_in_table);
    for r in rows {
        sink.row(r)?;
    }
    sink.finish(empty)
}

/// Prints one object: a two-column table of fields, or JSON.
pub fn print_object<T: Serialize>(format: Format, value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, value)?;
            writeln!(out)?;
        }
        Format::Table | Format::Csv => {
            let serde_json::Value::Object(map) = serde_json::to_value(value)? else {
                anyhow::bail!("not an object");
            };
            let mut table = new_table();
            for (k, v) in map {
                table.add_row(vec![k, cell(&v, usize::MAX)]);
            }
            writeln!(out, "{table}")?;
        }
    }
    Ok(())
}

pub fn new_table() -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !std::io::stdout().is_terminal() {
        t.set_content_arrangement(ContentArrangement::Disabled);
    }
    t
}

fn draw(rows: &[serde_json::Map<String, serde_json::Value>], hide: &[&str]) -> Table {
    let headers: Vec<&String> = rows[0].keys().filter(|k| !hide.contains(&k.as_str())).collect();
    let mut table = new_table();
    table.set_header(headers.iter().map(|h| h.as_str()).collect::<Vec<_>>());
    for row in rows {
        table.add_row(headers.iter().map(|h| cell(&row[h.as_str()], TABLE_CELL_MAX)).collect::<Vec<_>>());
    }
    table
}

fn cell(v: &serde_json::Value, max: usize) -> String {
    let text = match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let text = text.replace(['\n', '\r'], " ");
    if text.chars().count() > max {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}
