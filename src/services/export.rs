//! Exports for management: the requests a query selects, as an Excel workbook
//! (requests, their cartridge lines, a summary by branch, requests per month,
//! stock, and charts) or as CSV (the requests alone, the same columns).
//!
//! Requests are streamed: a reader thread scans them from the store in one
//! read transaction (so every sheet shows the same moment) and hands them over
//! in batches while this thread writes rows into constant-memory worksheets,
//! so memory does not grow with the number of requests. Summaries are tallied
//! on the way; nothing is read twice. The file appears under its name only
//! once it is complete: it is written to a hidden temporary file beside it and
//! renamed over it at the end, and removed on any failure.
//!
//! Not here: which file and filters (the front end decides), SLA rules
//! (`domain::sla`, applied through [`super::sla::breached`]).

use super::{App, Error, Progress, Result};
use crate::domain::calendar::Calendar;
use crate::domain::took::{TimesTaken, Took};
use crate::domain::{BranchId, Kind, Named, RequestNumber, Status};
use crate::store::{Branch, Request, RequestItem, RequestOrder, RequestQuery, StockFilter, StockRow, Tx};
use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use rust_xlsxwriter::{Chart, ChartType, Color, DocProperties, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// One sheet (or the CSV file) written and how many data rows it holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    pub sheet: String,
    pub rows: u64,
}

/// A column: its header and its width in Excel's character units.
struct Column(&'static str, f64);

/// The columns of the Requests sheet and of the CSV, in order ([`request_cells`] fills them).
const REQUEST_COLUMNS: [Column; 24] = [
    Column("number", 11.0),
    Column("created", 17.0),
    Column("kind", 11.0),
    Column("priority", 9.0),
    Column("status", 10.0),
    Column("branch", 11.0),
    Column("branch_name", 18.0),
    Column("author", 22.0),
    Column("author_id", 12.0),
    Column("contact_name", 22.0),
    Column("contact_phone", 15.0),
    Column("description", 48.0),
    Column("assignee", 22.0),
    Column("assignee_id", 12.0),
    Column("accepted", 17.0),
    Column("closed", 17.0),
    Column("rejection_reason", 30.0),
    Column("archived", 9.0),
    Column("archived_at", 17.0),
    Column("sla_breached", 12.0),
    Column("accept_reminders", 10.0),
    Column("resolve_reminders", 10.0),
    Column("last_reminder", 17.0),
    // When it was due to be accepted, by its branch's working hours (last, so
    // sheets read by column position keep theirs).
    Column("accept_due", 17.0),
];

/// The columns of the Items sheet ([`item_cells`] fills them).
const ITEM_COLUMNS: [Column; 7] = [
    Column("request", 11.0),
    Column("article", 14.0),
    Column("cartridge", 30.0),
    Column("quantity", 9.0),
    Column("issued", 9.0),
    Column("comment", 30.0),
    Column("printer", 14.0),
];

/// One cell as both writers take it. Text the row owns is moved into the
/// sheet rather than copied.
#[derive(Debug, Clone)]
enum Cell {
    /// A request number: a number shown as HD-000123 in the workbook, the text in CSV.
    Number(i64),
    Word(&'static str),
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
    Flag(bool),
    Empty,
}

fn text(s: Option<String>) -> Cell {
    s.map_or(Cell::Empty, Cell::Text)
}

fn int(i: Option<i64>) -> Cell {
    i.map_or(Cell::Empty, Cell::Int)
}

fn time(t: Option<DateTime<Utc>>) -> Cell {
    t.map_or(Cell::Empty, Cell::Time)
}

/// A request's row, in the order of [`REQUEST_COLUMNS`].
fn request_cells(r: Request, sla_breached: bool, accept_due: Option<DateTime<Utc>>) -> [Cell; 24] {
    [
        Cell::Number(r.id),
        Cell::Time(r.created_at),
        Cell::Word(r.kind.as_str()),
        Cell::Word(r.priority.as_str()),
        Cell::Word(r.status.as_str()),
        Cell::Text(r.branch_code),
        Cell::Text(r.branch_name),
        Cell::Text(r.author_name),
        Cell::Int(r.author_id),
        Cell::Text(r.contact_name),
        Cell::Text(r.contact_phone),
        Cell::Text(r.description),
        text(r.assignee_name),
        int(r.assignee_id),
        time(r.accepted_at),
        time(r.closed_at),
        text(r.rejection_reason),
        Cell::Flag(r.archived_at.is_some()),
        time(r.archived_at),
        Cell::Flag(sla_breached),
        Cell::Int(r.sla_level),
        Cell::Int(r.sla_resolve_level),
        time(r.sla_notified_at),
        time(accept_due),
    ]
}

/// A cartridge line's row, in the order of [`ITEM_COLUMNS`].
fn item_cells(i: RequestItem) -> [Cell; 7] {
    [
        Cell::Number(i.request_id),
        Cell::Text(i.vendor_article),
        Cell::Text(i.cartridge_name),
        Cell::Int(i.quantity),
        Cell::Int(i.issued_quantity),
        text(i.comment),
        text(i.printer.map(|p| p.inventory_number)),
    ]
}

// ---------------------------------------------------------------- reading

/// Requests handed from the reader thread to the writer at a time.
const BATCH: usize = 1024;

/// A request as exported: the stored record and whether it breached its SLA.
struct Row {
    request: Request,
    sla_breached: bool,
    accept_due: Option<DateTime<Utc>>,
}

/// What the reader thread sends.
enum Batch {
    /// How many requests will follow (sent first).
    Total(u64),
    Requests(Vec<Row>),
    Items(Vec<RequestItem>),
}

/// Counts for one branch: what the Summary sheet shows and the web panel's
/// reports page too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BranchTally {
    pub requests: u64,
    /// By status, in the order of `Status::ALL`.
    pub by_status: [u64; 5],
    /// By kind, in the order of `Kind::ALL`.
    pub by_kind: [u64; 4],
    /// Times to accept and to close, wall-clock and in the working hours of
    /// each request's branch calendar.
    pub times: TimesTaken,
    pub breaches: u64,
    /// Their authors' ratings.
    pub ratings: crate::domain::satisfaction::Spread,
}

impl BranchTally {
    fn add(&mut self, r: &Request, sla_breached: bool, calendar: Option<&Calendar>, score: Option<u8>) {
        self.requests += 1;
        if let Some(s) = score {
            self.ratings.add(s);
        }
        self.by_status[position(Status::ALL, r.status)] += 1;
        self.by_kind[position(Kind::ALL, r.kind)] += 1;
        if let Some(a) = r.accepted_at {
            self.times.accept(Took::between(calendar, r.created_at, a));
        }
        if let Some(c) = r.closed_at {
            self.times.close(Took::between(calendar, r.created_at, c));
        }
        self.breaches += u64::from(sla_breached);
    }

    pub fn merge(&mut self, other: &BranchTally) {
        self.requests += other.requests;
        self.by_status.iter_mut().zip(other.by_status).for_each(|(a, b)| *a += b);
        self.by_kind.iter_mut().zip(other.by_kind).for_each(|(a, b)| *a += b);
        self.times.merge(&other.times);
        self.breaches += other.breaches;
        self.ratings.merge(&other.ratings);
    }
}

fn position<T: Named + PartialEq>(all: &[T], v: T) -> usize {
    all.iter().position(|x| *x == v).expect("every value is in ALL")
}

/// What the reader found besides the rows: tallies, branches and stock, all
/// from the same transaction as the rows.
#[derive(Default)]
struct Facts {
    branches: Vec<Branch>,
    by_branch: HashMap<BranchId, BranchTally>,
    /// Ratings by the staff member each rated request is assigned to (by name).
    by_staff: BTreeMap<String, crate::domain::satisfaction::Spread>,
    /// Requests per month (local year and month) and kind.
    by_month: BTreeMap<(i32, u32), [u64; 4]>,
    stock: Vec<StockRow>,
    /// The stock forecast (the workbook's Forecast sheet).
    forecast: Vec<super::forecast::Forecast>,
}

/// What to read besides the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extent {
    /// The requests only (CSV).
    Requests,
    /// Requests, their items, branches and stock (the workbook).
    Workbook,
    /// The tallies and branches only, no rows (the reports page).
    Summary,
}

/// The reader thread: scans everything in one read transaction and sends it
/// in batches; stops early (quietly) when the writer has gone away.
fn read(app: &App, query: &RequestQuery, extent: Extent, sink: SyncSender<Batch>) -> Result<Facts> {
    let now = app.now();
    let mut zone = Zone::new(app.settings.timezone);
    let mut tx = app.store.read()?;
    let mut facts = Facts::default();
    if sink.send(Batch::Total(tx.count_requests(query)?)).is_err() {
        return Ok(facts);
    }
    let mut gone = false;
    let mut batch = Vec::with_capacity(BATCH);
    let rules = super::sla::rules_in(&mut *tx, app)?;
    let scores = if extent == Extent::Requests { Default::default() } else { tx.scores()? };
    tx.scan_requests(query, &mut |request| {
        let sla_breached = super::sla::breached(&rules, &request, now);
        if extent != Extent::Requests {
            let cal = rules.calendar(request.branch_id);
            let score = scores.get(&request.id).copied();
            facts.by_branch.entry(request.branch_id).or_default().add(&request, sla_breached, cal, score);
            if let (Some(s), Some(name)) = (score, &request.assignee_name) {
                facts.by_staff.entry(name.clone()).or_default().add(s);
            }
            let local = zone.local(request.created_at);
            facts.by_month.entry((local.year(), local.month())).or_default()[position(Kind::ALL, request.kind)] += 1;
        }
        if extent == Extent::Summary {
            return Ok(true);
        }
        let accept_due = super::sla::due(&rules, &request, crate::domain::sla::SlaKind::Accept);
        batch.push(Row { request, sla_breached, accept_due });
        if batch.len() == BATCH {
            gone = sink.send(Batch::Requests(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))).is_err();
        }
        Ok(!gone)
    })?;
    if extent == Extent::Summary {
        read_reference(&mut *tx, query, &mut facts)?;
        return Ok(facts);
    }
    if gone || sink.send(Batch::Requests(batch)).is_err() || extent == Extent::Requests {
        return Ok(facts);
    }
    let mut batch = Vec::with_capacity(BATCH);
    tx.scan_items(query, &mut |item| {
        batch.push(item);
        if batch.len() == BATCH {
            gone = sink.send(Batch::Items(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))).is_err();
        }
        Ok(!gone)
    })?;
    if gone || sink.send(Batch::Items(batch)).is_err() {
        return Ok(facts);
    }
    read_reference(&mut *tx, query, &mut facts)?;
    facts.forecast = super::forecast::compute(app, &mut *tx, None, None)?;
    Ok(facts)
}

/// Branches (all, or the one asked for) and the whole stock.
fn read_reference(tx: &mut dyn Tx, query: &RequestQuery, facts: &mut Facts) -> Result<()> {
    facts.branches = tx.branches()?;
    facts.branches.retain(|b| query.branch_id.is_none_or(|id| id == b.id));
    facts.stock = tx.stock(&StockFilter::default())?;
    Ok(())
}

/// Runs the reader on its own thread and `write` on this one with what it
/// sends; the writer's error wins, as the reader stops when the writer does.
fn pipeline<T>(
    app: &App,
    query: &RequestQuery,
    extent: Extent,
    write: impl FnOnce(Receiver<Batch>) -> Result<T>,
) -> Result<(T, Facts)> {
    std::thread::scope(|scope| {
        let (sink, source) = sync_channel(4);
        let reader = scope.spawn(move || read(app, query, extent, sink));
        let written = write(source);
        let facts = reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let written = written?;
        Ok((written, facts?))
    })
}

/// The query as exported: oldest first, everything it selects.
fn export_query(query: &RequestQuery) -> RequestQuery {
    RequestQuery { order: RequestOrder::Oldest, limit: None, offset: 0, ..query.clone() }
}

// ---------------------------------------------------------------- time

/// UTC instants as local time in one zone, remembering the zone's offset for
/// each hour (offsets change at most once an hour), so that millions of
/// timestamps do not each search the zone's transitions.
struct Zone {
    tz: Tz,
    hours: Vec<(i64, i32)>,
}

impl Zone {
    fn new(tz: Tz) -> Zone {
        Zone { tz, hours: vec![(i64::MIN, 0); 4096] }
    }

    fn offset_at(&self, seconds: i64) -> i32 {
        match DateTime::from_timestamp(seconds, 0) {
            Some(t) => self.tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc(),
            None => 0,
        }
    }

    /// Seconds to add to UTC for local time at `t`.
    fn offset(&mut self, t: DateTime<Utc>) -> i64 {
        let seconds = t.timestamp();
        let hour = seconds.div_euclid(3600);
        let slot = (hour & 4095) as usize;
        if self.hours[slot].0 == hour {
            return i64::from(self.hours[slot].1);
        }
        let start = self.offset_at(hour * 3600);
        if start == self.offset_at(hour * 3600 + 3599) {
            self.hours[slot] = (hour, start);
            i64::from(start)
        } else {
            i64::from(self.offset_at(seconds))
        }
    }

    fn local(&mut self, t: DateTime<Utc>) -> chrono::NaiveDateTime {
        t.naive_utc() + chrono::Duration::seconds(self.offset(t))
    }

    /// Excel's serial date-time (days since 1899-12-30) of `t` in local time.
    fn excel(&mut self, t: DateTime<Utc>) -> f64 {
        let local = t.timestamp() + self.offset(t);
        let day = local.div_euclid(86_400) + EXCEL_UNIX_EPOCH;
        let second = local.rem_euclid(86_400) as f64 + f64::from(t.timestamp_subsec_micros()) / 1e6;
        day as f64 + second / 86_400.0
    }
}

/// 1970-01-01 as an Excel serial date.
const EXCEL_UNIX_EPOCH: i64 = 25_569;

fn excel_date(d: NaiveDate) -> f64 {
    (d.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days() + EXCEL_UNIX_EPOCH)
        as f64
}

// ---------------------------------------------------------------- the file

/// The file being written: a hidden temporary file beside `target`, renamed
/// over it once complete; dropped unfinished, it is removed.
struct Partial {
    file: tempfile::NamedTempFile,
    target: PathBuf,
}

fn io_error(what: &str, path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("cannot {what} {}: {e}", path.display()))
}

impl Partial {
    fn create(target: &Path) -> Result<Partial> {
        if target.is_dir() {
            return Err(Error::Invalid(format!("{} is a directory; name a file to write", target.display())));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        #[cfg(unix)]
        let mode = std::os::unix::fs::PermissionsExt::from_mode(0o666); // as File::create: the umask decides
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        #[cfg(unix)]
        builder.permissions(mode);
        let file = builder.tempfile_in(dir).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => io_error("write", target, format!("no directory {}", dir.display())),
            std::io::ErrorKind::PermissionDenied => {
                io_error("write", target, format!("permission denied in {}", dir.display()))
            }
            _ => io_error("write", target, e),
        })?;
        Ok(Partial { file, target: target.to_path_buf() })
    }

    fn dir(&self) -> &Path {
        self.file.path().parent().unwrap_or(Path::new("."))
    }

    /// Makes the file durable and gives it its name; returns its size.
    fn finish(self) -> Result<u64> {
        let target = self.target;
        let file = self.file.as_file();
        file.sync_all().map_err(|e| io_error("write", &target, e))?;
        let size = file.metadata().map_err(|e| io_error("write", &target, e))?.len();
        self.file.persist(&target).map_err(|e| io_error("write", &target, e.error))?;
        Ok(size)
    }
}

// ---------------------------------------------------------------- CSV

/// Writes the requests `query` selects as CSV (the columns of the Requests
/// sheet, times in RFC 3339 with the zone's offset) to `out`; returns how many.
pub fn csv_to(app: &App, query: &RequestQuery, out: &mut dyn Write, progress: &dyn Progress) -> Result<u64> {
    let tz = app.settings.timezone;
    let query = export_query(query);
    let (rows, _) = pipeline(app, &query, Extent::Requests, |source| {
        let mut w = csv::Writer::from_writer(out);
        let fail = |e: csv::Error| {
            let message = e.to_string();
            match e.into_kind() {
                csv::ErrorKind::Io(e) => Error::Output(e),
                _ => Error::Invalid(format!("cannot write the CSV: {message}")),
            }
        };
        w.write_record(REQUEST_COLUMNS.iter().map(|c| c.0)).map_err(fail)?;
        let mut rows = 0u64;
        let mut buffer = String::new();
        for batch in source {
            match batch {
                Batch::Total(n) => progress.start("export", Some(n)),
                Batch::Requests(batch) => {
                    let n = batch.len() as u64;
                    for row in batch {
                        for cell in request_cells(row.request, row.sla_breached, row.accept_due) {
                            buffer.clear();
                            let field = match &cell {
                                Cell::Number(n) => {
                                    write!(buffer, "{}", RequestNumber(*n)).expect("writing to a String");
                                    buffer.as_str()
                                }
                                Cell::Word(s) => s,
                                Cell::Text(s) => {
                                    buffer.push_str(&crate::domain::text::csv_cell(s));
                                    buffer.as_str()
                                }
                                Cell::Int(i) => {
                                    write!(buffer, "{i}").expect("writing to a String");
                                    buffer.as_str()
                                }
                                Cell::Time(t) => {
                                    let local = t.with_timezone(&tz);
                                    write!(buffer, "{}", local.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
                                        .expect("writing to a String");
                                    buffer.as_str()
                                }
                                Cell::Flag(true) => "true",
                                Cell::Flag(false) => "false",
                                Cell::Empty => "",
                            };
                            w.write_field(field).map_err(fail)?;
                        }
                        w.write_record(None::<&[u8]>).map_err(fail)?;
                    }
                    rows += n;
                    progress.advance(n);
                }
                Batch::Items(_) => {}
            }
        }
        w.flush().map_err(Error::Output)?;
        Ok(rows)
    })?;
    progress.finish();
    Ok(rows)
}

/// Writes the CSV to the file `path`, complete or not at all.
pub fn csv_file(app: &App, query: &RequestQuery, path: &Path, progress: &dyn Progress) -> Result<(Vec<Written>, u64)> {
    let partial = Partial::create(path)?;
    let mut out = std::io::BufWriter::new(partial.file.as_file());
    let rows = csv_to(app, query, &mut out, progress).map_err(|e| match e {
        Error::Output(e) => io_error("write", path, e),
        other => other,
    })?;
    out.flush().map_err(|e| io_error("write", path, e))?;
    drop(out);
    let size = partial.finish()?;
    Ok((vec![Written { sheet: "Requests".into(), rows }], size))
}

// ---------------------------------------------------------------- the workbook

/// Excel's limit of rows in a sheet; longer tables go on in "Requests (2)" and so on.
const MAX_ROWS: u32 = 1_048_576;

/// Zip compression: zlib-rs at level 1 compresses these sheets about four
/// times as fast as at the default 6, for a file about 1.6 times as large.
const COMPRESSION: u8 = 1;

/// The formats used, made once.
struct Formats {
    header: Format,
    bold: Format,
    datetime: Format,
    number: Format,
    duration: Format,
    month: Format,
    low: Format,
    low_datetime: Format,
    date: Format,
    low_date: Format,
}

impl Formats {
    fn new() -> Formats {
        let low = Format::new().set_background_color(Color::RGB(0xFFC7CE)).set_font_color(Color::RGB(0x9C0006));
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border_bottom(FormatBorder::Thin),
            bold: Format::new().set_bold(),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            number: Format::new().set_num_format("\"HD-\"000000"),
            duration: Format::new().set_num_format("[h]:mm"),
            month: Format::new().set_num_format("yyyy-mm"),
            low_datetime: low.clone().set_num_format("yyyy-mm-dd hh:mm:ss"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            low_date: low.clone().set_num_format("yyyy-mm-dd"),
            low,
        }
    }
}

fn xlsx_error(path: &Path) -> impl Fn(XlsxError) -> Error + '_ {
    move |e| match e {
        XlsxError::IoError(e) => io_error("write", path, e),
        other => io_error("write", path, other),
    }
}

/// Sets up a sheet: its name, column widths and formats, the header row (frozen).
fn new_sheet(
    sheet: &mut Worksheet,
    name: &str,
    columns: &[Column],
    column_formats: &[(u16, Format)],
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (col, c) in columns.iter().enumerate() {
        sheet.set_column_width(col as u16, c.1)?;
        sheet.write_string_with_format(0, col as u16, c.0, &f.header)?;
    }
    for (col, format) in column_formats {
        sheet.set_column_format(*col, format)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A long table written row by row into constant-memory sheets, going on in a
/// new sheet when one is full.
struct Stream {
    name: &'static str,
    columns: &'static [Column],
    column_formats: Vec<(u16, Format)>,
    done: Vec<(Worksheet, u32)>,
    sheet: Worksheet,
    /// The next row to write in `sheet`.
    row: u32,
    /// Rows in a sheet, the header included ([`MAX_ROWS`]; fewer in tests).
    max_rows: u32,
}

impl Stream {
    fn new(
        book: &mut Workbook,
        f: &Formats,
        name: &'static str,
        columns: &'static [Column],
        column_formats: Vec<(u16, Format)>,
    ) -> Result<Stream, XlsxError> {
        let mut sheet = book.new_worksheet_with_constant_memory()?;
        new_sheet(&mut sheet, name, columns, &column_formats, f)?;
        Ok(Stream { name, columns, column_formats, done: Vec::new(), sheet, row: 1, max_rows: MAX_ROWS })
    }

    /// The sheet and row for the next row.
    fn next(&mut self, book: &mut Workbook, f: &Formats) -> Result<(&mut Worksheet, u32), XlsxError> {
        if self.row == self.max_rows {
            let mut sheet = book.new_worksheet_with_constant_memory()?;
            let name = format!("{} ({})", self.name, self.done.len() + 2);
            new_sheet(&mut sheet, &name, self.columns, &self.column_formats, f)?;
            self.done.push((std::mem::replace(&mut self.sheet, sheet), self.row));
            self.row = 1;
        }
        let row = self.row;
        self.row += 1;
        Ok((&mut self.sheet, row))
    }

    /// The sheets, each with an autofilter over its rows, and their names and row counts.
    fn finish(mut self) -> Result<Vec<(Worksheet, Written)>, XlsxError> {
        self.done.push((self.sheet, self.row));
        let last_col = self.columns.len() as u16 - 1;
        self.done
            .into_iter()
            .map(|(mut sheet, rows)| {
                sheet.autofilter(0, 0, rows - 1, last_col)?;
                let written = Written { sheet: sheet.name(), rows: u64::from(rows - 1) };
                Ok((sheet, written))
            })
            .collect()
    }
}

fn write_cell(sheet: &mut Worksheet, zone: &mut Zone, row: u32, col: u16, cell: Cell) -> Result<(), XlsxError> {
    match cell {
        Cell::Number(n) | Cell::Int(n) => sheet.write_number(row, col, n as f64)?,
        Cell::Word(s) => sheet.write_string(row, col, s)?,
        Cell::Text(s) => sheet.write_string(row, col, s)?,
        Cell::Time(t) => sheet.write_number(row, col, zone.excel(t))?,
        Cell::Flag(b) => sheet.write_boolean(row, col, b)?,
        Cell::Empty => sheet,
    };
    Ok(())
}

/// The columns of `columns` named in `names`, each with `format`.
fn formats_for(columns: &[Column], names: &[&str], format: &Format) -> Vec<(u16, Format)> {
    columns.iter().enumerate().filter(|(_, c)| names.contains(&c.0)).map(|(i, _)| (i as u16, format.clone())).collect()
}

/// Writes the workbook for the requests `query` selects to `path`, complete
/// or not at all; returns each sheet with its rows, and the file's size.
pub fn xlsx(app: &App, query: &RequestQuery, path: &Path, progress: &dyn Progress) -> Result<(Vec<Written>, u64)> {
    let partial = Partial::create(path)?;
    let fail = xlsx_error(path);
    let query = export_query(query);
    let f = &Formats::new();
    let mut book = Workbook::new();
    // The sheets' rows wait beside the output rather than in a temporary directory that may be in memory.
    book.set_tempdir(partial.dir()).map_err(&fail)?;
    book.set_zip_compression_level(COMPRESSION);
    let times = formats_for(
        &REQUEST_COLUMNS,
        &["created", "accepted", "closed", "archived_at", "last_reminder", "accept_due"],
        &f.datetime,
    );
    let mut columns = formats_for(&REQUEST_COLUMNS, &["number"], &f.number);
    columns.extend(times);
    let mut requests = Stream::new(&mut book, f, "Requests", &REQUEST_COLUMNS, columns).map_err(&fail)?;
    let mut items =
        Stream::new(&mut book, f, "Items", &ITEM_COLUMNS, formats_for(&ITEM_COLUMNS, &["request"], &f.number))
            .map_err(&fail)?;
    let mut zone = Zone::new(app.settings.timezone);
    let ((), facts) = pipeline(app, &query, Extent::Workbook, |source| {
        for batch in source {
            match batch {
                Batch::Total(n) => progress.start("export", Some(n)),
                Batch::Requests(batch) => {
                    let n = batch.len() as u64;
                    for row in batch {
                        let (sheet, r) = requests.next(&mut book, f).map_err(&fail)?;
                        for (col, cell) in
                            request_cells(row.request, row.sla_breached, row.accept_due).into_iter().enumerate()
                        {
                            write_cell(sheet, &mut zone, r, col as u16, cell).map_err(&fail)?;
                        }
                    }
                    progress.advance(n);
                }
                Batch::Items(batch) => {
                    for item in batch {
                        let (sheet, r) = items.next(&mut book, f).map_err(&fail)?;
                        for (col, cell) in item_cells(item).into_iter().enumerate() {
                            write_cell(sheet, &mut zone, r, col as u16, cell).map_err(&fail)?;
                        }
                    }
                }
            }
        }
        Ok(())
    })?;
    progress.finish();

    let mut written = Vec::new();
    let mut sheets = Vec::new();
    let (summary, n) = summary_sheet(&facts, f).map_err(&fail)?;
    sheets.push(summary);
    written.push(Written { sheet: "Summary".into(), rows: n });
    let (months, n) = months_sheet(&facts, f).map_err(&fail)?;
    sheets.push(months);
    written.push(Written { sheet: "Months".into(), rows: n });
    let (ratings, n) = ratings_sheet(&facts, f).map_err(&fail)?;
    sheets.push(ratings);
    written.push(Written { sheet: "Ratings".into(), rows: n });
    for (sheet, w) in requests.finish().map_err(&fail)?.into_iter().chain(items.finish().map_err(&fail)?) {
        sheets.push(sheet);
        written.push(w);
    }
    let (stock, n) = stock_sheet(&facts, f, &mut zone).map_err(&fail)?;
    sheets.push(stock);
    written.push(Written { sheet: "Stock".into(), rows: n });
    let (forecast, n) = forecast_sheet(&facts, f).map_err(&fail)?;
    sheets.push(forecast);
    written.push(Written { sheet: "Forecast".into(), rows: n });
    for sheet in sheets {
        book.push_worksheet(sheet);
    }
    book.set_properties(&DocProperties::new().set_title("Help desk export").set_comment(format!(
        "{} requests, exported {}",
        written_rows(&written, "Requests"),
        app.now()
    )));
    progress.start("saving", None);
    let mut out = std::io::BufWriter::with_capacity(1 << 20, partial.file.as_file());
    book.save_to_writer(&mut out).map_err(&fail)?;
    out.flush().map_err(|e| io_error("write", path, e))?;
    drop(out);
    progress.finish();
    let size = partial.finish()?;
    Ok((written, size))
}

fn written_rows(written: &[Written], prefix: &str) -> u64 {
    written.iter().filter(|w| w.sheet.starts_with(prefix)).map(|w| w.rows).sum()
}

/// Summary by branch: requests by status and kind, average times, SLA breaches, a total and a chart.
fn summary_sheet(facts: &Facts, f: &Formats) -> Result<(Worksheet, u64), XlsxError> {
    let mut heads: Vec<Column> = vec![Column("branch", 11.0), Column("branch_name", 20.0), Column("requests", 10.0)];
    heads.extend(Status::ALL.iter().map(|s| Column(s.as_str(), 10.0)));
    heads.extend(Kind::ALL.iter().map(|k| Column(k.as_str(), 11.0)));
    heads.extend([Column("avg_to_accept", 13.0), Column("avg_to_close", 13.0), Column("sla_breaches", 12.0)]);
    // Beside them (last, so sheets read by column position keep theirs): the same in working time.
    heads.extend([Column("avg_to_accept_working", 13.0), Column("avg_to_close_working", 13.0)]);
    // Then the authors' ratings: how many, and their mean (1 to 5).
    heads.extend([Column("ratings", 9.0), Column("rating_avg", 10.0)]);
    let mut sheet = Worksheet::new();
    let accept_col = heads.len() as u16 - 7;
    let durations = [accept_col, accept_col + 1, accept_col + 3, accept_col + 4].map(|c| (c, f.duration.clone()));
    new_sheet(&mut sheet, "Summary", &heads, &durations, f)?;
    let mut total = BranchTally::default();
    let empty = BranchTally::default();
    let mut row = 1u32;
    let line = |sheet: &mut Worksheet, row: u32, code: &str, name: &str, t: &BranchTally, bold: Option<&Format>| {
        let mut numbers: Vec<Option<f64>> = vec![Some(t.requests as f64)];
        numbers.extend(t.by_status.iter().chain(&t.by_kind).map(|n| Some(*n as f64)));
        // Durations in days, as a spreadsheet counts time.
        let days = |seconds: Option<f64>| seconds.map(|s| s / 86_400.0);
        numbers.push(days(t.times.to_accept()));
        numbers.push(days(t.times.to_close()));
        numbers.push(Some(t.breaches as f64));
        numbers.push(days(t.times.to_accept_working()));
        numbers.push(days(t.times.to_close_working()));
        numbers.push(Some(t.ratings.count() as f64));
        numbers.push(t.ratings.mean());
        match bold {
            Some(b) => sheet.write_string_with_format(row, 0, code, b)?,
            None => sheet.write_string(row, 0, code)?,
        };
        sheet.write_string(row, 1, name)?;
        for (i, n) in numbers.into_iter().enumerate() {
            if let Some(n) = n {
                sheet.write_number(row, 2 + i as u16, n)?;
            }
        }
        Ok::<(), XlsxError>(())
    };
    for b in &facts.branches {
        let t = facts.by_branch.get(&b.id).unwrap_or(&empty);
        total.merge(t);
        line(&mut sheet, row, &b.code, &b.name, t, None)?;
        row += 1;
    }
    let branches = row - 1;
    line(&mut sheet, row, "TOTAL", "", &total, Some(&f.bold))?;
    if branches > 0 {
        sheet.insert_chart(row + 2, 0, &column_chart("Requests per branch", "Summary", branches, 0, 2))?;
    }
    Ok((sheet, u64::from(branches)))
}

/// A column chart of requests: categories and values from two columns of
/// rows 1 to `rows` of `sheet`.
fn column_chart(title: &str, sheet: &str, rows: u32, categories: u16, values: u16) -> Chart {
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_name("Requests")
        .set_categories((sheet, 1, categories, rows, categories))
        .set_values((sheet, 1, values, rows, values));
    chart.title().set_name(title);
    chart.legend().set_hidden();
    chart.set_width(720).set_height(360);
    chart
}

/// Every month from the first to the last of `by_month` (the first day of
/// each), with its requests by kind (none for a month without any).
fn every_month(by_month: &BTreeMap<(i32, u32), [u64; 4]>) -> Vec<(NaiveDate, [u64; 4])> {
    let (Some(first), Some(last)) = (by_month.keys().next(), by_month.keys().next_back()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut year, mut month) = *first;
    while (year, month) <= *last {
        let day = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
        out.push((day, by_month.get(&(year, month)).copied().unwrap_or_default()));
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
    out
}

/// The figures of the workbook's Summary and Months sheets for the requests
/// a query selects, without the rows: the same reader and the same tallies
/// as [`xlsx`], so the web panel's reports show the numbers the file does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown {
    /// Every branch (or the one asked for) with its tally, in the sheet's order.
    pub branches: Vec<(Branch, BranchTally)>,
    pub total: BranchTally,
    /// Requests per month (local), by kind, every month from the first to the last.
    pub months: Vec<(NaiveDate, [u64; 4])>,
}

pub fn breakdown(app: &App, query: &RequestQuery) -> Result<Breakdown> {
    let query = export_query(query);
    let ((), facts) = pipeline(app, &query, Extent::Summary, |source| {
        source.into_iter().for_each(drop);
        Ok(())
    })?;
    let mut total = BranchTally::default();
    let branches = facts
        .branches
        .iter()
        .map(|b| {
            let t = facts.by_branch.get(&b.id).cloned().unwrap_or_default();
            total.merge(&t);
            (b.clone(), t)
        })
        .collect();
    Ok(Breakdown { branches, total, months: every_month(&facts.by_month) })
}

/// Requests per month (in the configured zone), by kind, every month from the first to the last, and a chart.
fn months_sheet(facts: &Facts, f: &Formats) -> Result<(Worksheet, u64), XlsxError> {
    let mut heads: Vec<Column> = vec![Column("month", 10.0), Column("requests", 10.0)];
    heads.extend(Kind::ALL.iter().map(|k| Column(k.as_str(), 11.0)));
    let mut sheet = Worksheet::new();
    new_sheet(&mut sheet, "Months", &heads, &[(0, f.month.clone())], f)?;
    let all = every_month(&facts.by_month);
    if all.is_empty() {
        return Ok((sheet, 0));
    }
    let mut row = 1u32;
    for (day, counts) in all {
        sheet.write_number(row, 0, excel_date(day))?;
        sheet.write_number(row, 1, counts.iter().sum::<u64>() as f64)?;
        for (i, n) in counts.iter().enumerate() {
            sheet.write_number(row, 2 + i as u16, *n as f64)?;
        }
        row += 1;
    }
    let months = row - 1;
    let mut chart = column_chart("Requests per month", "Months", months, 0, 1);
    chart.x_axis().set_num_format("yyyy-mm");
    sheet.insert_chart(1, heads.len() as u16 + 1, &chart)?;
    Ok((sheet, u64::from(months)))
}

/// The authors' ratings: how many, their mean and how many of each score, per
/// branch and per staff member (those with any), and in all.
fn ratings_sheet(facts: &Facts, f: &Formats) -> Result<(Worksheet, u64), XlsxError> {
    use crate::domain::satisfaction::Spread;
    let mut heads = vec![Column("by", 8.0), Column("code", 11.0), Column("name", 24.0), Column("ratings", 9.0)];
    heads.push(Column("rating_avg", 10.0));
    heads.extend(["rated_1", "rated_2", "rated_3", "rated_4", "rated_5"].map(|c| Column(c, 9.0)));
    let mut sheet = Worksheet::new();
    new_sheet(&mut sheet, "Ratings", &heads, &[], f)?;
    let mut row = 1u32;
    let mut line = |sheet: &mut Worksheet, by: &str, code: &str, name: &str, s: &Spread| {
        sheet.write_string(row, 0, by)?;
        sheet.write_string(row, 1, code)?;
        sheet.write_string(row, 2, name)?;
        sheet.write_number(row, 3, s.count() as f64)?;
        if let Some(mean) = s.mean() {
            sheet.write_number(row, 4, mean)?;
        }
        for (i, n) in s.0.iter().enumerate() {
            sheet.write_number(row, 5 + i as u16, *n as f64)?;
        }
        row += 1;
        Ok::<(), XlsxError>(())
    };
    let mut total = Spread::default();
    for b in &facts.branches {
        let Some(t) = facts.by_branch.get(&b.id).filter(|t| t.ratings.count() > 0) else { continue };
        total.merge(&t.ratings);
        line(&mut sheet, "branch", &b.code, &b.name, &t.ratings)?;
    }
    for (name, s) in &facts.by_staff {
        line(&mut sheet, "staff", "", name, s)?;
    }
    line(&mut sheet, "", "TOTAL", "", &total)?;
    Ok((sheet, u64::from(row - 1)))
}

/// Stock per warehouse; rows below the cartridge's minimum are highlighted.
fn stock_sheet(facts: &Facts, f: &Formats, zone: &mut Zone) -> Result<(Worksheet, u64), XlsxError> {
    let heads = [
        Column("warehouse", 22.0),
        Column("article", 14.0),
        Column("cartridge", 30.0),
        Column("quantity", 9.0),
        Column("minimum", 9.0),
        Column("below_minimum", 14.0),
        Column("updated", 17.0),
        Column("empty", 9.0),
    ];
    let mut sheet = Worksheet::new();
    new_sheet(&mut sheet, "Stock", &heads, &[], f)?;
    let mut row = 1u32;
    for s in &facts.stock {
        let low = s.below_minimum();
        let (plain, date) = if low { (&f.low, &f.low_datetime) } else { (&Format::new(), &f.datetime) };
        sheet.write_string_with_format(row, 0, &s.warehouse_name, plain)?;
        sheet.write_string_with_format(row, 1, &s.vendor_article, plain)?;
        sheet.write_string_with_format(row, 2, &s.cartridge_name, plain)?;
        sheet.write_number_with_format(row, 3, s.quantity as f64, plain)?;
        sheet.write_number_with_format(row, 4, s.min_stock as f64, plain)?;
        sheet.write_boolean_with_format(row, 5, low, plain)?;
        sheet.write_number_with_format(row, 6, zone.excel(s.updated_at), date)?;
        sheet.write_number_with_format(row, 7, s.empty as f64, plain)?;
        row += 1;
    }
    sheet.autofilter(0, 0, row - 1, heads.len() as u16 - 1)?;
    Ok((sheet, u64::from(row - 1)))
}

/// The stock forecast, soonest to run out first; what runs out within the
/// lead time is highlighted.
fn forecast_sheet(facts: &Facts, f: &Formats) -> Result<(Worksheet, u64), XlsxError> {
    let heads = [
        Column("warehouse", 22.0),
        Column("article", 14.0),
        Column("cartridge", 30.0),
        Column("full", 7.0),
        Column("empty", 7.0),
        Column("at_contractor", 13.0),
        Column("issued_90d", 11.0),
        Column("per_month", 10.0),
        Column("days_left", 10.0),
        Column("runs_out", 12.0),
        Column("within_lead_time", 16.0),
        Column("order", 7.0),
    ];
    let mut sheet = Worksheet::new();
    new_sheet(&mut sheet, "Forecast", &heads, &[], f)?;
    let mut row = 1u32;
    for o in &facts.forecast {
        let (plain, date) = if o.within_lead_time { (&f.low, &f.low_date) } else { (&Format::new(), &f.date) };
        sheet.write_string_with_format(row, 0, &o.warehouse, plain)?;
        sheet.write_string_with_format(row, 1, &o.article, plain)?;
        sheet.write_string_with_format(row, 2, &o.cartridge, plain)?;
        sheet.write_number_with_format(row, 3, o.full as f64, plain)?;
        sheet.write_number_with_format(row, 4, o.empty as f64, plain)?;
        sheet.write_number_with_format(row, 5, o.at_contractor as f64, plain)?;
        sheet.write_number_with_format(row, 6, o.issued_90d as f64, plain)?;
        sheet.write_number_with_format(row, 7, (o.per_day * 300.0).round() / 10.0, plain)?;
        if let (Some(days), Some(day)) = (o.days_left, o.runs_out) {
            sheet.write_number_with_format(row, 8, f64::from(days), plain)?;
            sheet.write_number_with_format(row, 9, excel_date(day), date)?;
        }
        sheet.write_boolean_with_format(row, 10, o.within_lead_time, plain)?;
        sheet.write_number_with_format(row, 11, o.order as f64, plain)?;
        row += 1;
    }
    sheet.autofilter(0, 0, row - 1, heads.len() as u16 - 1)?;
    Ok((sheet, u64::from(row - 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook};

    #[test]
    fn zone_offsets_match_chrono_across_transitions() {
        for name in ["Europe/Kyiv", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"] {
            let tz: Tz = name.parse().unwrap();
            let mut zone = Zone::new(tz);
            let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap().timestamp();
            // Every 7 minutes 13 seconds through two years: both changes of each year, in and out of the cache.
            for step in 0..(2 * 365 * 24 * 60 / 7) {
                let t = DateTime::from_timestamp(start + step * 433, 123_000).unwrap();
                let want = t.with_timezone(&tz).naive_local();
                assert_eq!(zone.local(t), want, "{name} at {t}");
                let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap().and_hms_opt(0, 0, 0).unwrap();
                let serial = (want - epoch).num_microseconds().unwrap() as f64 / 86_400e6;
                assert!((zone.excel(t) - serial).abs() < 1e-9, "{name} at {t}");
            }
        }
    }

    #[test]
    fn a_full_sheet_goes_on_in_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let f = Formats::new();
        let mut book = Workbook::new();
        let mut stream = Stream::new(&mut book, &f, "Items", &ITEM_COLUMNS, vec![]).unwrap();
        stream.max_rows = 4; // the header and three rows
        let mut zone = Zone::new(Tz::UTC);
        for n in 1..=7 {
            let (sheet, row) = stream.next(&mut book, &f).unwrap();
            write_cell(sheet, &mut zone, row, 0, Cell::Number(n)).unwrap();
        }
        let mut written = Vec::new();
        for (sheet, w) in stream.finish().unwrap() {
            book.push_worksheet(sheet);
            written.push((w.sheet, w.rows));
        }
        assert_eq!(written, [("Items".into(), 3), ("Items (2)".into(), 3), ("Items (3)".into(), 1)]);
        let path = dir.path().join("t.xlsx");
        book.save(&path).unwrap();
        let mut read: Xlsx<_> = open_workbook(&path).unwrap();
        let mut numbers = Vec::new();
        for name in ["Items", "Items (2)", "Items (3)"] {
            let range = read.worksheet_range(name).unwrap();
            let mut rows = range.rows();
            assert_eq!(rows.next().unwrap()[0], Data::String("request".into()), "{name} has the header");
            numbers.extend(rows.map(|r| r[0].clone()));
        }
        assert_eq!(numbers, (1..=7).map(|n| Data::Float(n as f64)).collect::<Vec<_>>());
    }
}
