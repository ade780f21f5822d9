//! Importing warehouse balances from 1C:Enterprise: CommerceML exchange files
//! (`offers.xml`/`rests.xml` with balances, `import.xml` with the catalog) and
//! spreadsheet reports (xlsx, xls, xlsb, ods, csv). The balances become the
//! stock of matched cartridge types at matched warehouses, and every balance,
//! matched or not, is kept in `one_c_snapshot` as 1C reported it.
//!
//! How an import goes:
//!
//! 1. Every file is read once to check it and learn its definitions (the 1C
//!    catalog's items and the warehouses), hashing the bytes on the way. Bad
//!    input stops here, before anything is locked or written.
//! 2. The same content (SHA-256 over the files) as the latest import from the
//!    same source (the same file names, the same OData interface) is reported
//!    and nothing is done: stock that moved here since (an issue) is not put
//!    back by the same export again. Content that went back to an earlier
//!    import's, with another from that source between, is imported again.
//! 3. In one write transaction: the import is recorded, every file is read
//!    again and each balance matched and written to the snapshot as it comes
//!    (so memory does not grow with the file), then stock is set for matched
//!    pairs, and the audit record written. A dry run does the same on a read
//!    transaction and writes nothing.
//!
//! Matching, never guessing: an item by its 1C id (the part before `#` for a
//! characteristic), then by vendor article; a warehouse by its 1C id, then by
//! name (case and spacing aside). Anything else is listed as unmatched. Names
//! and articles come from import.xml's catalog when given, else from the offer.
//! A balance naming no warehouse (an offer with only a total `<Количество>`, a
//! sheet without a warehouse column) goes to `--warehouse` if given; otherwise
//! it is counted as "without a warehouse" and placed nowhere.
//!
//! Stock is *set* to what 1C reports (the sum, when several rows land on one
//! cartridge type and warehouse: characteristics, series); stock rows the
//! files do not mention are left as they are, and a missing row counts as 0.
//!
//! Balances read from somewhere other than a file (1C's OData interface,
//! [`odata`]) come as a [`RecordSet`] and go through the same steps
//! ([`import_records`]): their content for a repeat is a SHA-256 over a
//! canonical form of the records. A set that is the whole of 1C's balances
//! ([`RecordSet::complete`]; 1C's `Balance` table leaves out what is zero)
//! also sets to 0 the stock of the cartridge types its items catalog names at
//! the warehouses its catalog names, where it reports no balance.
//!
//! The parsers ([`commerceml`], [`sheet`]) are pure: they read a reader and hand
//! over [`records::Record`]s. This module does the I/O, the matching and the writing.

pub mod commerceml;
pub mod odata;
pub mod records;
pub mod sheet;

use super::{Actor, App, AuditEvent, Error, NoProgress, Progress, Result, audit, lookup, principal};
use crate::domain::audit::AuditAction;
use crate::domain::permissions::authorize;
use crate::domain::{Permission, WarehouseKey};
use crate::store::{CartridgeType, NewSnapshotRow, OneCCatalogEntry, OneCImport, Tx, Warehouse};
use records::{Balance, OwnedRecord, ParseError, Record};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

pub use sheet::ColumnMap;

/// Unmatched items and warehouses listed at most (each is counted anyway up to here; past it, rows only).
pub const LIST_LIMIT: usize = 10_000;

/// Snapshot rows written per store call.
const SNAPSHOT_BATCH: usize = 1_000;

/// Files at least this large get a progress bar.
const PROGRESS_FROM_BYTES: u64 = 2 << 20;

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Read, match and compare, but write nothing.
    pub dry_run: bool,
    /// Where balances that name no warehouse go.
    pub warehouse: Option<WarehouseKey>,
    /// Spreadsheet columns for layouts the captions do not give away.
    pub map: Option<ColumnMap>,
    /// The sheet of a workbook to read (else the first with a header row).
    pub sheet: Option<String>,
    /// Files are named relative to this directory (an upload's), in messages,
    /// the report and the record: where a server keeps uploads is nobody's business.
    pub shown_from: Option<PathBuf>,
    /// Also match by the catalog 1C sent in an earlier exchange ([`keep_catalog`]),
    /// where the files bring none of their own for an item or warehouse.
    pub stored_catalog: bool,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    /// SHA-256 of the file (of the files' digests, sorted, for several), and of
    /// the `--map`, `--sheet` and `--warehouse` given, if any: what makes a repeat.
    pub content_hash: String,
    pub dry_run: bool,
    /// The latest import, of the same content; when set, nothing was done now.
    pub already_imported: Option<OneCImport>,
    /// The import recorded now (not on a dry run or a repeat).
    pub import_id: Option<i64>,
    /// Balances read: one per item and warehouse (or item, for a total), each a snapshot row.
    pub rows: u64,
    /// Rows whose item and warehouse both matched.
    pub matched: u64,
    /// Distinct items that matched no cartridge type (up to [`LIST_LIMIT`]).
    pub unmatched_items: u64,
    /// Rows whose item matched no cartridge type.
    pub unmatched_item_rows: u64,
    /// Distinct warehouses that matched no warehouse here (up to [`LIST_LIMIT`]).
    pub unmatched_warehouses: u64,
    /// Rows that name no warehouse and had nowhere to go (no `--warehouse`
    /// and no `ONEC_DEFAULT_WAREHOUSE`): not applied.
    pub without_warehouse: u64,
    /// Rows that name no warehouse, put at the default one.
    pub to_default_warehouse: u64,
    /// That warehouse's name, when there is one.
    pub default_warehouse: Option<String>,
    /// Stock rows whose quantity changes.
    pub stock_changed: u64,
    pub changes: Vec<StockChange>,
    pub unmatched_item_list: Vec<UnmatchedItem>,
    pub unmatched_warehouse_list: Vec<UnmatchedWarehouse>,
    /// More distinct unmatched items or warehouses than [`LIST_LIMIT`]: the lists stop there.
    pub lists_truncated: bool,
}

/// One file of an import.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileReport {
    pub file: String,
    /// `CommerceML 2.08`, `xlsx`, `CSV`.
    pub format: String,
    /// What was found where: the sheet and header row, the encoding, the offers.
    pub detail: String,
    pub rows: u64,
}

/// A stock quantity an import changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StockChange {
    pub article: String,
    pub item: String,
    pub warehouse: String,
    pub old: i64,
    pub new: i64,
}

/// An item of the files that matched no cartridge type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnmatchedItem {
    pub one_c_id: Option<String>,
    pub article: Option<String>,
    pub name: String,
    pub rows: u64,
    pub quantity: i64,
    /// Where it first appears: `file:line` (or the sheet row).
    pub first_seen: String,
}

/// A warehouse of the files that matched none here.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnmatchedWarehouse {
    pub one_c_id: Option<String>,
    pub name: Option<String>,
    pub rows: u64,
    pub quantity: i64,
}

/// Balances read whole from somewhere other than a file, to import as a file
/// is imported ([`import_records`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSet {
    /// How the report and the snapshot name it: `odata:https://host/base/odata/standard.odata/`.
    pub source: String,
    /// For the report: `OData`.
    pub format: String,
    /// What was read, for the report.
    pub detail: String,
    /// Where to look when it holds no balances (said after [`NO_BALANCES`]).
    pub no_balances_hint: String,
    /// Whether these are all of 1C's balances, a missing one meaning 0: then the
    /// stock of the cartridge types its catalog names at the warehouses its
    /// catalog names is set to 0 where no balance is given.
    pub complete: bool,
    pub records: Vec<OwnedRecord>,
}

impl RecordSet {
    /// SHA-256 over the records in a canonical form: each as a JSON array, one a
    /// line, sorted (the order 1C lists them in does not matter, nor the row numbers).
    fn digest(&self) -> String {
        let mut lines: Vec<String> = self
            .records
            .iter()
            .map(|r| {
                match r {
                    OwnedRecord::Item(i) => json!(["item", i.one_c_id, i.name, i.article]),
                    OwnedRecord::Warehouse(w) => json!(["warehouse", w.one_c_id, w.name]),
                    OwnedRecord::Balance(b) => json!([
                        "balance",
                        b.item_one_c_id,
                        b.item_name,
                        b.item_article,
                        b.warehouse_one_c_id,
                        b.warehouse_name,
                        b.quantity
                    ]),
                }
                .to_string()
            })
            .collect();
        lines.sort_unstable();
        let mut hasher = Sha256::new();
        hasher.update(if self.complete { "records, complete\n" } else { "records\n" });
        for line in &lines {
            hasher.update(line.as_bytes());
            hasher.update(b"\n");
        }
        hex(&hasher.finalize())
    }
}

// ---------------------------------------------------------------- inputs

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind<'r> {
    Xml,
    Workbook(sheet::Workbook),
    Csv,
    Records(&'r RecordSet),
}

#[derive(Debug)]
struct Input<'r> {
    path: PathBuf,
    shown: String,
    kind: Kind<'r>,
    size: u64,
}

impl<'r> Input<'r> {
    fn records(set: &'r RecordSet) -> Input<'r> {
        Input { path: PathBuf::new(), shown: set.source.clone(), kind: Kind::Records(set), size: 0 }
    }

    fn detect(path: &Path, shown_from: Option<&Path>) -> Result<Input<'static>> {
        let shown = shown_from.and_then(|base| path.strip_prefix(base).ok()).unwrap_or(path).display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Invalid(format!("{shown} does not exist")),
            _ => Error::Invalid(format!("cannot read {shown}: {e}")),
        })?;
        if meta.is_dir() {
            return Err(Error::Invalid(format!("{shown} is a directory; give the files in it (offers.xml, ...)")));
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        let kind = match ext.as_str() {
            "xml" => Kind::Xml,
            "xlsx" | "xlsm" => Kind::Workbook(sheet::Workbook::Xlsx),
            "xlsb" => Kind::Workbook(sheet::Workbook::Xlsb),
            "xls" => Kind::Workbook(sheet::Workbook::Xls),
            "ods" => Kind::Workbook(sheet::Workbook::Ods),
            "csv" | "txt" | "tsv" => Kind::Csv,
            _ => sniff(path).map_err(|e| Error::Invalid(format!("cannot read {shown}: {e}")))?,
        };
        Ok(Input { path: path.to_path_buf(), shown, kind, size: meta.len() })
    }

    fn format(&self, detail: &Detail) -> String {
        match (self.kind, detail) {
            (Kind::Xml, Detail::Xml(s)) => match &s.schema_version {
                Some(v) => format!("CommerceML {v}"),
                None => "CommerceML".into(),
            },
            (Kind::Workbook(w), _) => w.name().into(),
            (Kind::Records(set), _) => set.format.clone(),
            _ => "CSV".into(),
        }
    }
}

/// The format of a file whose name does not say: by its first bytes.
fn sniff(path: &Path) -> std::io::Result<Kind<'static>> {
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)?.take(64).read_to_end(&mut head)?;
    let text = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&head);
    Ok(if text.trim_ascii_start().starts_with(b"<") {
        Kind::Xml
    } else if head.starts_with(b"PK\x03\x04") {
        if head.windows(11).any(|w| w == b"opendocumen") {
            Kind::Workbook(sheet::Workbook::Ods)
        } else {
            Kind::Workbook(sheet::Workbook::Xlsx)
        }
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Kind::Workbook(sheet::Workbook::Xls)
    } else {
        Kind::Csv
    })
}

/// What a parser said about a file.
enum Detail {
    Xml(commerceml::Summary),
    Sheet(sheet::SheetSummary),
    Records { balances: u64, detail: String },
}

impl Detail {
    fn balances(&self) -> u64 {
        match self {
            Detail::Xml(s) => s.balances,
            Detail::Sheet(s) => s.balances,
            Detail::Records { balances, .. } => *balances,
        }
    }

    fn describe(&self) -> String {
        match self {
            Detail::Records { detail, .. } => detail.clone(),
            Detail::Xml(s) => {
                let mut parts = Vec::new();
                if s.offers > 0 {
                    parts.push(format!("{} offers", s.offers));
                }
                if s.catalog_items > 0 {
                    parts.push(format!("{} catalog items", s.catalog_items));
                }
                if s.warehouses > 0 {
                    parts.push(format!("{} warehouses", s.warehouses));
                }
                parts.join(", ")
            }
            Detail::Sheet(s) => {
                let mut parts = Vec::new();
                if let Some(sheet) = &s.sheet {
                    parts.push(format!("sheet '{sheet}'"));
                }
                if let Some(enc) = s.encoding {
                    parts.push(enc.to_string());
                }
                if let Some(d) = s.delimiter {
                    parts.push(if d == '\t' { "tab-separated".into() } else { format!("'{d}'-separated") });
                }
                match s.header_row {
                    Some(r) => parts.push(format!("header on row {r}")),
                    None => parts.push("columns from --map".into()),
                }
                parts.join(", ")
            }
        }
    }
}

/// A parse failure or a failure of what the records were handed to.
enum Fail {
    Parse(ParseError),
    Service(Error),
}

impl From<ParseError> for Fail {
    fn from(e: ParseError) -> Fail {
        Fail::Parse(e)
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        Fail::Service(e)
    }
}

/// Progress is counted in MiB: the bar shows readable numbers.
const MIB: u64 = 1 << 20;

/// Hashes what is read through it and reports progress (in MiB).
struct Hashing<'a, R> {
    inner: R,
    hasher: Sha256,
    progress: &'a dyn Progress,
    unreported: u64,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.unreported += n as u64;
        if self.unreported >= MIB {
            self.progress.advance(self.unreported / MIB);
            self.unreported %= MIB;
        }
        Ok(n)
    }
}

/// What makes two imports the same, so one is not done twice: the SHA-256 of
/// the file (of the files' digests, sorted, for several) and, when `--map`,
/// `--sheet` or `--warehouse` say how to read them, those too. The same files
/// read another way (a corrected map, a warehouse for the totals an earlier run
/// left out, as its warning advised) are another import.
fn import_key(mut digests: Vec<&str>, options: &ImportOptions, catalog: Option<String>) -> String {
    let mut reading = Vec::new();
    if let Some(c) = catalog {
        reading.push(format!("catalog={c}"));
    }
    if let Some(map) = &options.map {
        reading.push(format!("map={map}"));
    }
    if let Some(sheet) = &options.sheet {
        reading.push(format!("sheet={sheet}"));
    }
    if let Some(warehouse) = &options.warehouse {
        reading.push(format!("warehouse={}", warehouse.to_string().to_lowercase()));
    }
    if let ([digest], true) = (digests.as_slice(), reading.is_empty()) {
        return digest.to_string();
    }
    digests.sort_unstable();
    let mut text = digests.join("\n");
    for line in reading {
        text.push('\n');
        text.push_str(&line);
    }
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads one file through its parser, handing each record to `each`; returns
/// what the parser said and the SHA-256 of the bytes.
fn read_file(
    input: &Input,
    options: &ImportOptions,
    progress: &dyn Progress,
    each: &mut dyn FnMut(Record<'_>) -> Result<()>,
) -> Result<(Detail, String)> {
    if let Kind::Records(set) = input.kind {
        let mut balances = 0;
        for r in &set.records {
            if let OwnedRecord::Balance(_) = r {
                balances += 1;
            }
            each(r.as_record())?;
        }
        return Ok((Detail::Records { balances, detail: set.detail.clone() }, set.digest()));
    }
    let file =
        std::fs::File::open(&input.path).map_err(|e| Error::Invalid(format!("cannot read {}: {e}", input.shown)))?;
    let mut hashing = Hashing { inner: file, hasher: Sha256::new(), progress, unreported: 0 };
    let sheet_options = sheet::SheetOptions {
        map: options.map.as_ref(),
        sheet: options.sheet.as_deref(),
        warehouse_given: options.warehouse.is_some(),
    };
    let mut each = |r: Record<'_>| each(r).map_err(Fail::Service);
    let parsed: std::result::Result<Detail, Fail> = match input.kind {
        Kind::Xml => {
            let mut buffered = BufReader::with_capacity(64 * 1024, &mut hashing);
            commerceml::parse(&mut buffered, &mut each).map(Detail::Xml)
        }
        Kind::Csv => sheet::parse_csv(&mut hashing, &sheet_options, &mut each).map(Detail::Sheet),
        Kind::Records(_) => unreachable!("read above"),
        Kind::Workbook(kind) => {
            let mut bytes = Vec::with_capacity(input.size as usize);
            match hashing.read_to_end(&mut bytes) {
                Ok(_) => sheet::parse_workbook(std::io::Cursor::new(bytes), kind, &sheet_options, &mut each)
                    .map(Detail::Sheet),
                Err(e) => Err(Fail::Service(Error::Invalid(format!("cannot read {}: {e}", input.shown)))),
            }
        }
    };
    let detail = parsed.map_err(|f| match f {
        Fail::Parse(e) => Error::Invalid(format!("{}: {e}", input.shown)),
        Fail::Service(e) => e,
    })?;
    // Whatever follows the document counts too.
    std::io::copy(&mut hashing, &mut std::io::sink())
        .map_err(|e| Error::Invalid(format!("cannot read {}: {e}", input.shown)))?;
    Ok((detail, hex(&hashing.hasher.finalize())))
}

// ---------------------------------------------------------------- matching

/// An item of the 1C catalog: its name and article.
type Described = (Option<Box<str>>, Option<Box<str>>);

/// What the files define: the 1C catalog (import.xml) and warehouses.
#[derive(Debug, Default)]
struct Definitions {
    /// 1C id → (name, article).
    items: HashMap<String, Described>,
    /// 1C id → name.
    warehouses: HashMap<String, Option<Box<str>>>,
}

impl Definitions {
    fn add(&mut self, record: Record<'_>) {
        match record {
            Record::Item(i) => {
                self.items.insert(i.one_c_id.to_string(), (i.name.map(Into::into), i.article.map(Into::into)));
            }
            Record::Warehouse(w) => {
                self.warehouses.insert(w.one_c_id.to_string(), w.name.map(Into::into));
            }
            Record::Balance(_) => {}
        }
    }
}

/// Writes `s` as a key for matching (lower case, single spaces) after `prefix`
/// into `buf`, reused from row to row.
fn key_into<'b>(buf: &'b mut String, prefix: &str, s: &str) -> &'b str {
    buf.clear();
    buf.push_str(prefix);
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            buf.push(' ');
        }
        if word.is_ascii() {
            buf.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            buf.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    buf
}

fn key(s: &str) -> String {
    let mut buf = String::new();
    key_into(&mut buf, "", s);
    buf
}

/// The catalog and warehouses of this help desk, indexed for matching.
struct Known {
    types: Vec<CartridgeType>,
    warehouses: Vec<Warehouse>,
    type_by_one_c_id: HashMap<String, usize>,
    type_by_article: HashMap<String, usize>,
    warehouse_by_one_c_id: HashMap<String, usize>,
    /// `None` where two warehouses have the same name up to case and spacing: no match then.
    warehouse_by_name: HashMap<String, Option<usize>>,
}

impl Known {
    fn load(tx: &mut dyn Tx) -> Result<Known> {
        let types = tx.cartridge_types()?;
        let warehouses = tx.warehouses()?;
        let mut k = Known {
            type_by_one_c_id: HashMap::new(),
            type_by_article: HashMap::new(),
            warehouse_by_one_c_id: HashMap::new(),
            warehouse_by_name: HashMap::new(),
            types,
            warehouses,
        };
        for (i, t) in k.types.iter().enumerate() {
            if let Some(id) = &t.one_c_id {
                k.type_by_one_c_id.insert(key(id), i);
            }
            k.type_by_article.insert(key(&t.vendor_article), i);
        }
        for (i, w) in k.warehouses.iter().enumerate() {
            if let Some(id) = &w.one_c_id {
                k.warehouse_by_one_c_id.insert(key(id), i);
            }
            k.warehouse_by_name.entry(key(&w.name)).and_modify(|e| *e = None).or_insert(Some(i));
        }
        Ok(k)
    }

    /// The cartridge type an item is: by its 1C id (without a characteristic), then by vendor article.
    fn cartridge(&self, scratch: &mut String, base_id: Option<&str>, article: Option<&str>) -> Option<usize> {
        let mut found = None;
        if let Some(id) = base_id {
            found = self.type_by_one_c_id.get(key_into(scratch, "", id)).copied();
        }
        if found.is_none()
            && let Some(a) = article
        {
            found = self.type_by_article.get(key_into(scratch, "", a)).copied();
        }
        found
    }

    /// The warehouse 1C's is: by its 1C id, then by name.
    fn warehouse(&self, scratch: &mut String, id: Option<&str>, name: Option<&str>) -> Option<usize> {
        let mut found = None;
        if let Some(id) = id {
            found = self.warehouse_by_one_c_id.get(key_into(scratch, "", id)).copied();
        }
        if found.is_none()
            && let Some(n) = name
        {
            found = self.warehouse_by_name.get(key_into(scratch, "", n)).copied().flatten();
        }
        found
    }
}

/// Matches balances, writes the snapshot, and sums what stock becomes.
struct Importer<'a> {
    known: &'a Known,
    defs: &'a Definitions,
    /// Where balances without a warehouse go.
    default_warehouse: Option<usize>,
    import_id: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
    batch: Vec<NewSnapshotRow>,
    /// (cartridge type, warehouse) by index into `known` → the new quantity.
    stock: HashMap<(usize, usize), i64>,
    rows: u64,
    matched: u64,
    unmatched_item_rows: u64,
    without_warehouse: u64,
    to_default_warehouse: u64,
    items: HashMap<String, usize>,
    item_list: Vec<UnmatchedItem>,
    warehouses: HashMap<String, usize>,
    warehouse_list: Vec<UnmatchedWarehouse>,
    truncated: bool,
    /// Reused for matching keys.
    scratch: String,
}

impl Importer<'_> {
    fn balance(&mut self, tx: &mut dyn Tx, file: &str, b: Balance<'_>) -> Result<()> {
        self.rows += 1;
        // The item: the catalog's name and article over the offer's own.
        let base_id = b.item_one_c_id.map(|id| id.split('#').next().unwrap_or(id).trim());
        let defined = b.item_one_c_id.and_then(|id| self.defs.items.get(id).or_else(|| self.defs.items.get(base_id?)));
        let name = defined.and_then(|(n, _)| n.as_deref()).or(b.item_name);
        let article = defined.and_then(|(_, a)| a.as_deref()).or(b.item_article);
        let cartridge = self.known.cartridge(&mut self.scratch, base_id, article);
        // The warehouse: by 1C id, then by name (the file's, or its definition's).
        let warehouse_name =
            b.warehouse_name.or_else(|| b.warehouse_one_c_id.and_then(|id| self.defs.warehouses.get(id)?.as_deref()));
        let warehouse = if b.warehouse_one_c_id.is_none() && warehouse_name.is_none() {
            match self.default_warehouse {
                Some(_) => self.to_default_warehouse += 1,
                None => self.without_warehouse += 1,
            }
            self.default_warehouse
        } else {
            let found = self.known.warehouse(&mut self.scratch, b.warehouse_one_c_id, warehouse_name);
            if found.is_none() {
                self.unmatched_warehouse(b.warehouse_one_c_id, warehouse_name, b.quantity);
            }
            found
        };
        if cartridge.is_none() {
            self.unmatched_item(b.item_one_c_id, article, name, b.quantity, file, b.line);
        }
        if let (Some(c), Some(w)) = (cartridge, warehouse) {
            self.matched += 1;
            let sum = self.stock.entry((c, w)).or_insert(0);
            *sum = sum.saturating_add(b.quantity);
        }
        if let Some(import_id) = self.import_id {
            self.batch.push(NewSnapshotRow {
                item_one_c_id: b.item_one_c_id.map(String::from),
                item_name: name.or(article).or(b.item_one_c_id).unwrap_or_default().to_string(),
                item_article: article.map(String::from),
                warehouse_one_c_id: b.warehouse_one_c_id.map(String::from),
                warehouse_name: warehouse_name.map(String::from),
                quantity: b.quantity,
                cartridge_type_id: cartridge.map(|i| self.known.types[i].id),
                warehouse_id: warehouse.map(|i| self.known.warehouses[i].id),
            });
            if self.batch.len() >= SNAPSHOT_BATCH {
                self.flush(tx, import_id, file)?;
            }
        }
        Ok(())
    }

    fn flush(&mut self, tx: &mut dyn Tx, import_id: i64, file: &str) -> Result<()> {
        if !self.batch.is_empty() {
            tx.insert_one_c_snapshot(import_id, file, self.now, &self.batch)?;
            self.batch.clear();
        }
        Ok(())
    }

    fn unmatched_item(
        &mut self,
        id: Option<&str>,
        article: Option<&str>,
        name: Option<&str>,
        quantity: i64,
        file: &str,
        line: u64,
    ) {
        self.unmatched_item_rows += 1;
        let k = match (id, article, name) {
            (Some(id), _, _) => key_into(&mut self.scratch, "id:", id),
            (None, Some(a), _) => key_into(&mut self.scratch, "article:", a),
            (None, None, n) => key_into(&mut self.scratch, "name:", n.unwrap_or_default()),
        };
        if let Some(&i) = self.items.get(k) {
            let entry = &mut self.item_list[i];
            entry.rows += 1;
            entry.quantity = entry.quantity.saturating_add(quantity);
        } else if self.item_list.len() < LIST_LIMIT {
            self.items.insert(k.to_string(), self.item_list.len());
            self.item_list.push(UnmatchedItem {
                one_c_id: id.map(String::from),
                article: article.map(String::from),
                name: name.or(article).or(id).unwrap_or_default().to_string(),
                rows: 1,
                quantity,
                first_seen: format!("{file}:{line}"),
            });
        } else {
            self.truncated = true;
        }
    }

    fn unmatched_warehouse(&mut self, id: Option<&str>, name: Option<&str>, quantity: i64) {
        let k = match (id, name) {
            (Some(id), _) => key_into(&mut self.scratch, "id:", id),
            (None, n) => key_into(&mut self.scratch, "name:", n.unwrap_or_default()),
        };
        if let Some(&i) = self.warehouses.get(k) {
            let entry = &mut self.warehouse_list[i];
            entry.rows += 1;
            entry.quantity = entry.quantity.saturating_add(quantity);
        } else if self.warehouse_list.len() < LIST_LIMIT {
            self.warehouses.insert(k.to_string(), self.warehouse_list.len());
            self.warehouse_list.push(UnmatchedWarehouse {
                one_c_id: id.map(String::from),
                name: name.map(String::from),
                rows: 1,
                quantity,
            });
        } else {
            self.truncated = true;
        }
    }
}

// ---------------------------------------------------------------- the import

/// How the refusal of files that hold no balances begins (1C's exchange
/// takes such a file, an offers.xml of CommerceML 2.10, as nothing to do).
pub const NO_BALANCES: &str = "found no balances";

/// Imports balances from `paths`; see the module docs. A repeat of the latest
/// import's content is reported in [`ImportReport::already_imported`] and changes nothing.
pub fn import(
    app: &App,
    actor: &Actor,
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    if paths.is_empty() {
        return Err(Error::Invalid("no files to import; give offers.xml (and import.xml), or a report".into()));
    }
    let inputs = paths.iter().map(|p| Input::detect(p, options.shown_from.as_deref())).collect::<Result<Vec<_>>>()?;
    for (i, a) in inputs.iter().enumerate() {
        if let Some(b) = inputs[..i].iter().find(|b| same_file(&a.path, &b.path)) {
            return Err(Error::Invalid(format!("{} is given twice (also as {})", a.shown, b.shown)));
        }
    }
    let options = &with_default_warehouse(app, options);
    may_import(app, actor, options)?;
    import_inputs(app, actor, &inputs, options, progress)
}

/// Imports balances read elsewhere (1C's OData interface) as [`import`] imports
/// files: the same matching, repeat, snapshot, stock, audit and dry run.
/// `--map` and `--sheet` are for spreadsheets and refused here.
pub fn import_records(
    app: &App,
    actor: &Actor,
    set: &RecordSet,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    if options.map.is_some() || options.sheet.is_some() {
        return Err(Error::Invalid(format!("--map and --sheet are for spreadsheets, not {}", set.format)));
    }
    let options = &with_default_warehouse(app, options);
    may_import(app, actor, options)?;
    import_inputs(app, actor, &[Input::records(set)], options, progress)
}

/// Pulls the balances and catalogs from 1C's OData interface (at `url`, else
/// `HELPDESK_ONEC_ODATA_URL`) and imports them with [`import_records`]. Whoever
/// may import and the `--warehouse` are checked before 1C is asked; any failure
/// leaves the store as it was.
pub fn pull_odata(
    app: &App,
    actor: &Actor,
    url: Option<&str>,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let source = odata::Source::new(&app.settings.onec.odata, url)?;
    may_import(app, actor, options)?;
    let result = odata::fetch(&source).and_then(|set| import_records(app, actor, &set, options, progress));
    // A pull is an exchange with 1C: on record with the others, whether it worked or not.
    if !options.dry_run {
        let mut step = super::onec_exchange::import_step(super::onec_exchange::ODATA, &result);
        step.peer = Some(source.shown());
        if step.files.is_empty() {
            step.files = vec![source.shown()];
        }
        super::onec_exchange::record_quietly(app, &step);
    }
    result
}

/// `options` with the warehouse for balances that name none: the one given,
/// else `ONEC_DEFAULT_WAREHOUSE`'s.
fn with_default_warehouse(app: &App, options: &ImportOptions) -> ImportOptions {
    ImportOptions {
        warehouse: options.warehouse.clone().or_else(|| app.settings.onec.default_warehouse.clone()),
        ..options.clone()
    }
}

/// Whether `actor` may import, and `--warehouse` (or `ONEC_DEFAULT_WAREHOUSE`)
/// names a warehouse: checked before any reading.
fn may_import(app: &App, actor: &Actor, options: &ImportOptions) -> Result<()> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    if let Some(w) = &options.warehouse {
        lookup::warehouse(&mut *tx, w).map_err(|e| match &app.settings.onec.default_warehouse {
            Some(default) if default == w => Error::Invalid(format!(
                "HELPDESK_ONEC_DEFAULT_WAREHOUSE names no warehouse here ({e}); set it to one or leave it empty"
            )),
            _ => e,
        })?;
    }
    Ok(())
}

/// What [`keep_catalog`] kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CatalogKept {
    pub items: u64,
    /// Items that are cartridge types here (by 1C id, then article).
    pub cartridge_types: u64,
    pub warehouses: u64,
}

/// Keeps the catalog 1C sends (`import.xml`: items with their names and
/// articles, warehouses), each item and warehouse replacing the one of its 1C
/// id, so that balances in a later exchange (`rests.xml` in a session of its
/// own) match by 1C id: [`ImportOptions::stored_catalog`]. One transaction;
/// those who may import.
pub fn keep_catalog(app: &App, actor: &Actor, paths: &[PathBuf], shown_from: Option<&Path>) -> Result<CatalogKept> {
    let options = ImportOptions { shown_from: shown_from.map(Path::to_path_buf), ..Default::default() };
    let inputs = paths.iter().map(|p| Input::detect(p, options.shown_from.as_deref())).collect::<Result<Vec<_>>>()?;
    may_import(app, actor, &options)?;
    let mut defs = Definitions::default();
    for input in &inputs {
        read_file(input, &options, &NoProgress, &mut |r| {
            defs.add(r);
            Ok(())
        })?;
    }
    let now = app.now();
    let mut tx = app.store.write()?;
    let known = Known::load(&mut *tx)?;
    let mut scratch = String::new();
    let cartridge_types = defs
        .items
        .iter()
        .filter(|(id, (_, article))| known.cartridge(&mut scratch, Some(id.as_str()), article.as_deref()).is_some())
        .count() as u64;
    let mut entries: Vec<OneCCatalogEntry> = defs
        .items
        .into_iter()
        .map(|(id, (name, article))| OneCCatalogEntry {
            warehouse: false,
            one_c_id: id,
            name: name.map(String::from),
            article: article.map(String::from),
            received_at: now,
        })
        .collect();
    let items = entries.len() as u64;
    entries.extend(defs.warehouses.into_iter().map(|(id, name)| OneCCatalogEntry {
        warehouse: true,
        one_c_id: id,
        name: name.map(String::from),
        article: None,
        received_at: now,
    }));
    let kept = CatalogKept { items, cartridge_types, warehouses: entries.len() as u64 - items };
    tx.keep_one_c_catalog(&entries, now)?;
    tx.commit()?;
    Ok(kept)
}

impl ImportReport {
    /// What an import did, in a line (for `helpdesk schedule`'s last result).
    pub fn summary_line(&self) -> String {
        match (&self.already_imported, self.import_id) {
            (Some(earlier), _) => format!("already imported as #{}; nothing changed", earlier.id),
            (None, Some(id)) => format!(
                "imported as #{id}: {} rows, {} matched, {} stock rows changed",
                self.rows, self.matched, self.stock_changed
            ),
            (None, None) => format!(
                "dry run: {} rows, {} matched, {} stock rows would change",
                self.rows, self.matched, self.stock_changed
            ),
        }
    }
}

/// The import of checked inputs: steps 1 to 3 of the module docs.
fn import_inputs(
    app: &App,
    actor: &Actor,
    inputs: &[Input<'_>],
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport> {
    let total_bytes: u64 = inputs.iter().map(|i| i.size).sum();
    let show_progress = total_bytes >= PROGRESS_FROM_BYTES;

    // 1. Check every file and learn its definitions.
    let mut defs = Definitions::default();
    let mut checked = Vec::with_capacity(inputs.len());
    if show_progress {
        progress.start("checking (MiB)", Some(total_bytes.div_ceil(MIB)));
    }
    for input in inputs {
        let read = read_file(input, options, progress, &mut |r| {
            defs.add(r);
            Ok(())
        });
        match read {
            Ok(r) => checked.push(r),
            Err(e) => {
                progress.finish();
                return Err(e);
            }
        }
    }
    progress.finish();
    // Two copies of one export would count every balance twice.
    for (i, (_, digest)) in checked.iter().enumerate() {
        if let Some(j) = checked[..i].iter().position(|(_, d)| d == digest) {
            return Err(Error::Invalid(format!(
                "{} and {} have the same content; give each export once",
                inputs[j].shown, inputs[i].shown
            )));
        }
    }
    // The catalog 1C sent in an earlier exchange, where these files define nothing of their own;
    // which catalog it was is part of what makes a repeat.
    let mut catalog_version = None;
    if options.stored_catalog {
        let kept = app.store.read()?.one_c_catalog()?;
        if !kept.is_empty() {
            // What it holds, not when it came: the same catalog sent again makes nothing new.
            let mut h = Sha256::new();
            for e in &kept {
                for part in [
                    Some(if e.warehouse { "w" } else { "i" }),
                    Some(e.one_c_id.as_str()),
                    e.name.as_deref(),
                    e.article.as_deref(),
                ] {
                    h.update(part.unwrap_or("\u{1}").as_bytes());
                    h.update([0]);
                }
            }
            catalog_version = Some(hex(&h.finalize()));
        }
        for e in kept {
            if e.warehouse {
                defs.warehouses.entry(e.one_c_id).or_insert(e.name.map(Into::into));
            } else {
                defs.items.entry(e.one_c_id).or_insert((e.name.map(Into::into), e.article.map(Into::into)));
            }
        }
    }
    let rows: u64 = checked.iter().map(|(d, _)| d.balances()).sum();
    let files: Vec<FileReport> = inputs
        .iter()
        .zip(&checked)
        .map(|(input, (detail, _))| FileReport {
            file: input.shown.clone(),
            format: input.format(detail),
            detail: detail.describe(),
            rows: detail.balances(),
        })
        .collect();
    let shown: Vec<&str> = inputs.iter().map(|i| i.shown.as_str()).collect();
    if rows == 0 {
        if let [Input { kind: Kind::Records(set), .. }] = inputs {
            return Err(Error::Invalid(format!("{NO_BALANCES} in {}: {}", set.source, set.no_balances_hint)));
        }
        return Err(Error::Invalid(format!(
            "{NO_BALANCES} in {}: 1C writes them to offers.xml (rests.xml in CommerceML 2.10); \
             give that file (with import.xml for the catalog), or a report with a quantity column",
            shown.join(", ")
        )));
    }
    let content_hash = import_key(checked.iter().map(|(_, d)| d.as_str()).collect(), options, catalog_version);
    let mut report = ImportReport {
        files,
        content_hash: content_hash.clone(),
        dry_run: options.dry_run,
        already_imported: None,
        import_id: None,
        rows,
        matched: 0,
        unmatched_items: 0,
        unmatched_item_rows: 0,
        unmatched_warehouses: 0,
        without_warehouse: 0,
        to_default_warehouse: 0,
        default_warehouse: None,
        stock_changed: 0,
        changes: Vec::new(),
        unmatched_item_list: Vec::new(),
        unmatched_warehouse_list: Vec::new(),
        lists_truncated: false,
    };

    // 2. The same content as the latest import from the same files (the same
    // OData interface) changes nothing. Where the content came from is part of
    // it: imports from elsewhere between (a pull, a file per warehouse) do not
    // make an old export new.
    let mut names = shown.clone();
    names.sort_unstable();
    let source = names.join(", ");
    if let Some(earlier) = app.store.read()?.latest_one_c_import_of(&source, &content_hash)? {
        report.already_imported = Some(earlier);
        return Ok(report);
    }

    // 3. Match and write, in one transaction.
    let now = app.now();
    let mut tx = if options.dry_run { app.store.read()? } else { app.store.write()? };
    if !options.dry_run {
        // Someone may have imported it meanwhile: the write lock makes this check final.
        if let Some(earlier) = tx.latest_one_c_import_of(&source, &content_hash)? {
            report.already_imported = Some(earlier);
            return Ok(report);
        }
        // No `bulk_load`: snapshot rows are appended, and a bigger page cache
        // would only make memory grow with the file.
    }
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ManageDirectory, None)?;
    let known = Known::load(&mut *tx)?;
    let default_warehouse = match &options.warehouse {
        Some(w) => {
            let id = lookup::warehouse(&mut *tx, w)?.id;
            known.warehouses.iter().position(|x| x.id == id)
        }
        None => None,
    };
    let import_id = match options.dry_run {
        true => None,
        false => Some(tx.insert_one_c_import(&source, &content_hash, now, rows as i64)?),
    };
    let mut importer = Importer {
        known: &known,
        defs: &defs,
        default_warehouse,
        import_id,
        now,
        batch: Vec::with_capacity(if import_id.is_some() { SNAPSHOT_BATCH } else { 0 }),
        stock: HashMap::new(),
        rows: 0,
        matched: 0,
        unmatched_item_rows: 0,
        without_warehouse: 0,
        to_default_warehouse: 0,
        items: HashMap::new(),
        item_list: Vec::new(),
        warehouses: HashMap::new(),
        warehouse_list: Vec::new(),
        truncated: false,
        scratch: String::new(),
    };
    if show_progress {
        let what = if options.dry_run { "comparing (MiB)" } else { "importing (MiB)" };
        progress.start(what, Some(total_bytes.div_ceil(MIB)));
    }
    for (input, (_, digest)) in inputs.iter().zip(&checked) {
        let read = read_file(input, options, progress, &mut |r| match r {
            Record::Balance(b) => importer.balance(&mut *tx, &input.shown, b),
            _ => Ok(()),
        });
        let again = match read {
            Ok((_, again)) => again,
            Err(e) => {
                progress.finish();
                return Err(e);
            }
        };
        if &again != digest {
            progress.finish();
            return Err(Error::Conflict(format!(
                "{} changed while it was being imported (1C may still be writing it); nothing was imported, run the import again",
                input.shown
            )));
        }
        if let Some(id) = import_id {
            importer.flush(&mut *tx, id, &input.shown)?;
        }
    }
    progress.finish();
    debug_assert_eq!(importer.rows, rows);

    // All of 1C's balances: what its catalogs name and it gives no balance for is 0.
    if inputs.iter().any(|i| matches!(i.kind, Kind::Records(set) if set.complete)) {
        let mut scratch = String::new();
        let mut types: Vec<usize> = defs
            .items
            .iter()
            .filter_map(|(id, (_, article))| known.cartridge(&mut scratch, Some(id), article.as_deref()))
            .collect();
        let mut places: Vec<usize> = defs
            .warehouses
            .iter()
            .filter_map(|(id, name)| known.warehouse(&mut scratch, Some(id), name.as_deref()))
            .collect();
        types.sort_unstable();
        types.dedup();
        places.sort_unstable();
        places.dedup();
        for &c in &types {
            for &w in &places {
                importer.stock.entry((c, w)).or_insert(0);
            }
        }
    }
    let mut pairs: Vec<((usize, usize), i64)> = importer.stock.iter().map(|(k, v)| (*k, *v)).collect();
    pairs.sort_by(|((c1, w1), _), ((c2, w2), _)| {
        let (a, b) = (&known.types[*c1], &known.types[*c2]);
        (a.vendor_article.as_str(), known.warehouses[*w1].name.as_str())
            .cmp(&(b.vendor_article.as_str(), known.warehouses[*w2].name.as_str()))
    });
    for ((c, w), new) in pairs {
        let (cartridge, warehouse) = (&known.types[c], &known.warehouses[w]);
        let old = tx.stock_level(cartridge.id, warehouse.id)?.unwrap_or(0);
        if old != new {
            if !options.dry_run {
                super::ledger::set_full(&mut *tx, warehouse.id, cartridge.id, new, actor, now)?;
            }
            report.changes.push(StockChange {
                article: cartridge.vendor_article.clone(),
                item: cartridge.name.clone(),
                warehouse: warehouse.name.clone(),
                old,
                new,
            });
        }
    }
    report.import_id = import_id;
    report.matched = importer.matched;
    report.unmatched_items = importer.item_list.len() as u64;
    report.unmatched_item_rows = importer.unmatched_item_rows;
    report.unmatched_warehouses = importer.warehouse_list.len() as u64;
    report.without_warehouse = importer.without_warehouse;
    report.to_default_warehouse = importer.to_default_warehouse;
    report.default_warehouse = default_warehouse.map(|i| known.warehouses[i].name.clone());
    report.stock_changed = report.changes.len() as u64;
    report.lists_truncated = importer.truncated;
    report.unmatched_item_list = importer.item_list;
    report.unmatched_warehouse_list = importer.warehouse_list;
    if let Some(id) = import_id {
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(AuditAction::StockImport1c, "one_c_import", id).after(json!({
                "source": source,
                "content_hash": content_hash,
                "rows": report.rows,
                "matched": report.matched,
                "unmatched_items": report.unmatched_items,
                "unmatched_warehouses": report.unmatched_warehouses,
                "without_warehouse": report.without_warehouse,
                "to_default_warehouse": report.to_default_warehouse,
                "stock_changed": report.stock_changed,
                "changes": report.changes,
            })),
        )?;
        tx.commit()?;
    }
    Ok(report)
}

/// Whether two paths name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
