//! Reading balances from spreadsheet reports saved from 1C: workbooks (xlsx,
//! xls, xlsb, ods through calamine) and CSV (UTF-8 with or without a BOM,
//! Windows-1251 or UTF-16; `;`, tab or `,` between fields).
//!
//! A report has some title rows, a header row, then one row per item (and
//! warehouse). The header row is found among the first [`HEADER_SEARCH_ROWS`]
//! rows by its captions (see [`Field::of_caption`] for the variants known);
//! `--map` ([`ColumnMap`]) names the columns of other layouts, by letter,
//! number or caption. Items need an article or a 1C id column: names are never
//! matched. Below the header:
//!
//! - rows with no item id, name or article are skipped (blank, group and subtotal rows),
//!   and so are rows whose item reads `Итого`/`Всего` (totals);
//! - an empty quantity cell is zero (1C leaves zeros blank in reports);
//! - a quantity that is negative, fractional or not a number is refused with its cell.
//!
//! Workbooks are read whole (calamine's way; reports are small); CSV is
//! decoded whole to detect the encoding. Rows are handed over one at a time.
//! No I/O here beyond reading the reader given.

use super::records::{Balance, ParseError, Position, Record, column_letters, parse_quantity, quantity_from_number};
use calamine::{Data, Reader};
use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};
use std::str::FromStr;

/// How many rows from the top are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 30;

/// A column the import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The item's 1C id.
    Id,
    /// The item's name (Номенклатура).
    Item,
    /// The vendor article (Артикул).
    Article,
    /// 1C's own item code (Код): the article when there is no Артикул column.
    Code,
    Warehouse,
    /// The balance; `true` for a closing balance caption, preferred over a plain quantity.
    Quantity(bool),
}

impl Field {
    /// What a header caption names, if anything: case and spacing do not
    /// matter, `ё` is `е`, and a known word followed by more (`Номенклатура,
    /// Характеристика`, `Количество (в ед. хранения)`) still counts.
    pub fn of_caption(caption: &str) -> Option<Field> {
        let c = normalize(caption);
        if c.is_empty() {
            return None;
        }
        let is = |word: &str| {
            c == word || (c.starts_with(word) && !c[word.len()..].chars().next().is_some_and(char::is_alphanumeric))
        };
        const ID: &[&str] = &["ид", "идентификатор", "уникальный идентификатор", "guid", "uuid", "id"];
        const ITEM: &[&str] =
            &["номенклатура", "товар", "товары", "наименование", "найменування", "item", "product", "name"];
        const ARTICLE: &[&str] = &["артикул", "номенклатура.артикул", "article", "sku", "part number"];
        const CODE: &[&str] = &["код", "номенклатура.код", "code"];
        const WAREHOUSE: &[&str] = &["склад", "место хранения", "warehouse"];
        const CLOSING: &[&str] =
            &["конечный остаток", "остаток на конец", "кінцевий залишок", "залишок на кінець", "closing balance"];
        const QUANTITY: &[&str] = &[
            "количество",
            "кол-во",
            "кол.",
            "остаток",
            "остатки",
            "в наличии",
            "кількість",
            "залишок",
            "quantity",
            "qty",
            "balance",
        ];
        // The opening balance of a movement report is not the balance.
        if c.contains("начал") || c.contains("початк") || c.contains("opening") {
            return None;
        }
        // Longer, more specific captions first: "Номенклатура.Артикул" is an article.
        if ARTICLE.iter().any(|w| is(w)) {
            Some(Field::Article)
        } else if CODE.iter().any(|w| is(w)) {
            Some(Field::Code)
        } else if ID.iter().any(|w| is(w)) {
            Some(Field::Id)
        } else if CLOSING.iter().any(|w| is(w)) {
            Some(Field::Quantity(true))
        } else if QUANTITY.iter().any(|w| is(w)) {
            Some(Field::Quantity(false))
        } else if WAREHOUSE.iter().any(|w| is(w)) {
            Some(Field::Warehouse)
        } else if ITEM.iter().any(|w| is(w)) {
            Some(Field::Item)
        } else {
            None
        }
    }
}

/// Lower case, `ё` as `е`, single spaces, no trailing colon.
fn normalize(caption: &str) -> String {
    let lower = caption.trim().trim_end_matches(':').trim().to_lowercase().replace('ё', "е");
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where `--map` says a column is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnSpec {
    /// From 0 (`A`, or `1` on the command line).
    Index(usize),
    /// A header caption, normalised.
    Caption(String),
}

/// `--map item=B,article=C,warehouse=D,quantity=F`: columns named by letter,
/// 1-based number or header caption, for layouts the captions do not give away.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    entries: Vec<(Field, ColumnSpec)>,
}

impl ColumnMap {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn get(&self, field: Field) -> Option<&ColumnSpec> {
        self.entries.iter().find(|(f, _)| *f == field).map(|(_, s)| s)
    }

    /// Whether the columns needed are all given by position, so no header row is needed.
    fn by_position_only(&self) -> bool {
        let at = |f| matches!(self.get(f), Some(ColumnSpec::Index(_)));
        at(Field::Quantity(false)) && (at(Field::Article) || at(Field::Id))
    }
}

/// The map in one canonical form (fields in a fixed order, columns as letters,
/// captions normalised): two spellings of the same map show the same.
impl std::fmt::Display for ColumnMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fields = [
            (Field::Item, "item"),
            (Field::Article, "article"),
            (Field::Id, "id"),
            (Field::Warehouse, "warehouse"),
            (Field::Quantity(false), "quantity"),
        ];
        let mut first = true;
        for (field, name) in fields {
            let Some(spec) = self.get(field) else { continue };
            let column = match spec {
                ColumnSpec::Index(i) => column_letters(*i),
                ColumnSpec::Caption(c) => c.clone(),
            };
            write!(f, "{}{name}={column}", if first { "" } else { "," })?;
            first = false;
        }
        Ok(())
    }
}

impl FromStr for ColumnMap {
    type Err = String;

    fn from_str(s: &str) -> Result<ColumnMap, String> {
        let mut map = ColumnMap::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(format!("'{part}' is not FIELD=COLUMN (e.g. quantity=F)"));
            };
            let field = match key.trim().to_lowercase().as_str() {
                "id" => Field::Id,
                "item" | "name" => Field::Item,
                "article" => Field::Article,
                "warehouse" => Field::Warehouse,
                "quantity" | "qty" => Field::Quantity(false),
                other => {
                    return Err(format!(
                        "unknown field '{other}'; the fields are item, article, id, warehouse, quantity"
                    ));
                }
            };
            let value = value.trim();
            let spec = if value.is_empty() {
                return Err(format!("no column given for {}", key.trim()));
            } else if value.len() <= 3 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
                let index = value.to_ascii_uppercase().bytes().fold(0usize, |n, b| n * 26 + usize::from(b - b'A' + 1));
                ColumnSpec::Index(index - 1)
            } else if value.bytes().all(|b| b.is_ascii_digit()) {
                match value.parse::<usize>() {
                    Ok(n) if (1..=16384).contains(&n) => ColumnSpec::Index(n - 1),
                    _ => return Err(format!("column {value} is out of range; columns are numbered from 1")),
                }
            } else {
                ColumnSpec::Caption(normalize(value))
            };
            if map.get(field).is_some() {
                return Err(format!("{} is mapped twice", key.trim()));
            }
            map.entries.push((field, spec));
        }
        if map.entries.is_empty() {
            return Err("empty; give FIELD=COLUMN pairs, e.g. item=B,article=C,warehouse=D,quantity=F".into());
        }
        Ok(map)
    }
}

/// How to read a sheet.
#[derive(Debug, Clone, Copy, Default)]
pub struct SheetOptions<'a> {
    pub map: Option<&'a ColumnMap>,
    /// Only this sheet of a workbook (else the first one with a header row).
    pub sheet: Option<&'a str>,
    /// Balances without a warehouse have somewhere to go (`--warehouse`), so a
    /// sheet without a warehouse column is fine.
    pub warehouse_given: bool,
}

/// What was read, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetSummary {
    /// The sheet read (workbooks).
    pub sheet: Option<String>,
    /// The encoding and delimiter detected (CSV).
    pub encoding: Option<&'static str>,
    pub delimiter: Option<char>,
    /// The header row (or line), from 1; `None` when `--map` gave every column by position.
    pub header_row: Option<u64>,
    pub balances: u64,
}

/// The workbook formats calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workbook {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

impl Workbook {
    pub fn name(self) -> &'static str {
        match self {
            Workbook::Xlsx => "xlsx",
            Workbook::Xlsb => "xlsb",
            Workbook::Xls => "xls",
            Workbook::Ods => "ods",
        }
    }
}

/// One cell, as much as the import cares.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    /// A date, a boolean or an error value: not something the import reads.
    Other(String),
}

impl Cell {
    fn from_data(d: &Data) -> Cell {
        match d {
            Data::Empty => Cell::Empty,
            Data::String(s) => Cell::Text(s.clone()),
            Data::Int(n) => Cell::Int(*n),
            Data::Float(f) => Cell::Float(*f),
            Data::Bool(b) => Cell::Other(format!("the boolean {}", if *b { "TRUE" } else { "FALSE" })),
            Data::DateTime(_) | Data::DateTimeIso(_) => Cell::Other("a date".into()),
            Data::DurationIso(_) => Cell::Other("a duration".into()),
            Data::Error(e) => Cell::Other(format!("the error value {e}")),
        }
    }

    /// The cell as text, trimmed, if it holds any.
    fn text(&self) -> Option<Cow<'_, str>> {
        let t: Cow<'_, str> = match self {
            Cell::Empty | Cell::Other(_) => return None,
            Cell::Text(s) => Cow::Borrowed(s.trim()),
            Cell::Int(n) => Cow::Owned(n.to_string()),
            Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Cow::Owned(format!("{f:.0}")),
            Cell::Float(f) => Cow::Owned(f.to_string()),
        };
        (!t.is_empty()).then_some(t)
    }

    fn quantity(&self) -> Result<i64, String> {
        match self {
            Cell::Empty => Ok(0),
            Cell::Text(s) if s.trim().is_empty() => Ok(0),
            Cell::Text(s) => parse_quantity(s),
            Cell::Int(n) if *n < 0 => {
                Err(format!("'{n}' is negative; stock cannot be below zero (correct the balance in 1C)"))
            }
            Cell::Int(n) => Ok(*n),
            Cell::Float(f) => quantity_from_number(*f),
            Cell::Other(what) => Err(format!("{what} is not a number")),
        }
    }

    fn is_number(&self) -> bool {
        match self {
            Cell::Int(_) | Cell::Float(_) => true,
            Cell::Text(s) => parse_quantity(s).is_ok(),
            _ => false,
        }
    }
}

fn cell(row: &[Cell], index: Option<usize>) -> Option<Cow<'_, str>> {
    index.and_then(|i| row.get(i)).and_then(Cell::text)
}

/// The columns read, by index from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    id: Option<usize>,
    item: Option<usize>,
    article: Option<usize>,
    warehouse: Option<usize>,
    quantity: usize,
}

/// The columns this row names, if it is a header row: a quantity and an item
/// column at least, with at least one of them found by its caption here.
fn header_columns(row: &[Cell], map: Option<&ColumnMap>) -> Option<Columns> {
    let mut found: Vec<(Field, usize)> = Vec::new();
    for (i, c) in row.iter().enumerate() {
        if let Cell::Text(s) = c
            && let Some(f) = Field::of_caption(s)
        {
            found.push((f, i));
        }
    }
    let first = |want: &dyn Fn(Field) -> bool| found.iter().find(|(f, _)| want(*f)).map(|&(_, i)| i);
    let mut by_caption = 0;
    let mut pick = |field: Field, auto: Option<usize>| -> Result<Option<usize>, ()> {
        match map.and_then(|m| m.get(field)) {
            Some(ColumnSpec::Index(i)) => Ok(Some(*i)),
            Some(ColumnSpec::Caption(c)) => {
                match row.iter().position(|cell| matches!(cell, Cell::Text(s) if normalize(s) == *c)) {
                    Some(i) => {
                        by_caption += 1;
                        Ok(Some(i))
                    }
                    None => Err(()),
                }
            }
            None => {
                if auto.is_some() {
                    by_caption += 1;
                }
                Ok(auto)
            }
        }
    };
    let quantity_auto = first(&|f| f == Field::Quantity(true)).or_else(|| first(&|f| f == Field::Quantity(false)));
    let article_auto = first(&|f| f == Field::Article).or_else(|| first(&|f| f == Field::Code));
    let quantity = pick(Field::Quantity(false), quantity_auto).ok()??;
    let article = pick(Field::Article, article_auto).ok()?;
    let id = pick(Field::Id, first(&|f| f == Field::Id)).ok()?;
    let item = pick(Field::Item, first(&|f| f == Field::Item)).ok()?;
    let warehouse = pick(Field::Warehouse, first(&|f| f == Field::Warehouse)).ok()?;
    (by_caption > 0 && (article.is_some() || id.is_some() || item.is_some())).then_some(Columns {
        id,
        item,
        article,
        warehouse,
        quantity,
    })
}

fn positional_columns(map: &ColumnMap) -> Columns {
    let at = |f| match map.get(f) {
        Some(ColumnSpec::Index(i)) => Some(*i),
        _ => None,
    };
    Columns {
        id: at(Field::Id),
        item: at(Field::Item),
        article: at(Field::Article),
        warehouse: at(Field::Warehouse),
        quantity: at(Field::Quantity(false)).expect("by_position_only checked"),
    }
}

/// Where a cell is, for errors.
type Locate<'a> = &'a dyn Fn(u64, Option<usize>) -> Position;

/// Reads rows (number from 1, cells by column from 0) as a report; `Ok(None)`
/// when no header row is found (nothing has been handed over then).
fn read_rows<E: From<ParseError>>(
    rows: &mut dyn Iterator<Item = Result<(u64, Vec<Cell>), ParseError>>,
    locate: Locate<'_>,
    options: &SheetOptions<'_>,
    each: &mut dyn FnMut(Record<'_>) -> Result<(), E>,
) -> Result<Option<(Option<u64>, u64)>, E> {
    let mut head: Vec<(u64, Vec<Cell>)> = Vec::new();
    for row in &mut *rows {
        head.push(row?);
        if head.len() == HEADER_SEARCH_ROWS {
            break;
        }
    }
    let header = head.iter().position(|(_, cells)| header_columns(cells, options.map).is_some());
    let (columns, header_row, mut data_started, skip) = match (header, options.map) {
        (Some(i), _) => {
            let columns = header_columns(&head[i].1, options.map).expect("found above");
            (columns, Some(head[i].0), true, i + 1)
        }
        (None, Some(map)) if map.by_position_only() => (positional_columns(map), None, false, 0),
        (None, _) => return Ok(None),
    };
    let header_at = || match header_row {
        Some(r) => locate(r, None),
        None => locate(head.first().map_or(1, |(r, _)| *r), None),
    };
    if columns.article.is_none() && columns.id.is_none() {
        return Err(E::from(ParseError::new(
            header_at(),
            "the header has no Артикул (article) or Ид (1C id) column: items are matched by those, never by name; \
             add the article to the 1C report, or name its column with --map article=COLUMN",
        )));
    }
    if columns.warehouse.is_none() && !options.warehouse_given {
        return Err(E::from(ParseError::new(
            header_at(),
            "the header has no Склад (warehouse) column; pass --warehouse WAREHOUSE to say where these balances are, \
             or name the column with --map warehouse=COLUMN",
        )));
    }
    // A quantity column `--map` names that holds nothing in any row is a wrong map, not a
    // report of zeros: read as 0, it would empty the stock of everything it matched.
    let quantity_mapped = options.map.is_some_and(|m| m.get(Field::Quantity(false)).is_some());
    let at_header = header_at();
    let mut quantities_seen = false;
    let mut balances = 0;
    let tail = head.into_iter().skip(skip).map(Ok);
    for row in tail.chain(rows) {
        let (number, cells) = row?;
        let id = cell(&cells, columns.id);
        let name = cell(&cells, columns.item);
        let article = cell(&cells, columns.article);
        if id.is_none() && name.is_none() && article.is_none() {
            continue;
        }
        let quantity_cell = cells.get(columns.quantity).unwrap_or(&Cell::Empty);
        let warehouse = cell(&cells, columns.warehouse);
        // A name alone, with no quantity or no warehouse where there is a warehouse column: a group heading or subtotal.
        if id.is_none()
            && article.is_none()
            && (quantity_cell.text().is_none() || (columns.warehouse.is_some() && warehouse.is_none()))
        {
            continue;
        }
        let label = name.as_deref().or(article.as_deref()).unwrap_or_default();
        let first_word = normalize(label);
        if ["итого", "итог", "всего", "разом", "усього", "total"].iter().any(|w| first_word.starts_with(w))
        {
            continue;
        }
        if !data_started {
            // Without a header row, rows above the first number are titles.
            if !quantity_cell.is_number() {
                continue;
            }
            data_started = true;
        }
        quantities_seen |= quantity_cell.text().is_some();
        let quantity = quantity_cell
            .quantity()
            .map_err(|m| E::from(ParseError::new(locate(number, Some(columns.quantity)), format!("quantity {m}"))))?;
        let (warehouse_id, warehouse_name) = match warehouse.as_deref() {
            Some(w) if looks_like_guid(w) => (Some(w), None),
            w => (None, w),
        };
        balances += 1;
        each(Record::Balance(Balance {
            item_one_c_id: id.as_deref(),
            item_name: name.as_deref(),
            item_article: article.as_deref(),
            warehouse_one_c_id: warehouse_id,
            warehouse_name,
            quantity,
            line: number,
        }))?;
    }
    if quantity_mapped && balances > 0 && !quantities_seen {
        return Err(E::from(ParseError::new(
            at_header,
            format!(
                "--map quantity={}: that column is empty in every row read; name the column that holds the balances",
                column_letters(columns.quantity)
            ),
        )));
    }
    Ok(Some((header_row, balances)))
}

/// A 1C reference id: 36 characters, hex digits and dashes in 8-4-4-4-12.
fn looks_like_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { *c == b'-' } else { c.is_ascii_hexdigit() })
}

fn no_header(what: &str) -> String {
    format!(
        "{what} no header row in the first {HEADER_SEARCH_ROWS} rows: expected captions such as \
         Номенклатура, Артикул, Склад, Количество (or Остаток); name the columns with \
         --map item=B,article=C,warehouse=D,quantity=F"
    )
}

/// Reads a workbook: the sheet named in `options`, or the first with a header row.
pub fn parse_workbook<RS, E>(
    mut input: RS,
    kind: Workbook,
    options: &SheetOptions<'_>,
    mut each: impl FnMut(Record<'_>) -> Result<(), E>,
) -> Result<SheetSummary, E>
where
    RS: Read + Seek,
    E: From<ParseError>,
{
    check_magic(&mut input, kind).map_err(E::from)?;
    let opened = |e: &dyn std::fmt::Display| {
        ParseError::new(
            Position::File,
            format!("cannot read the {} workbook: {e}; the file is damaged, save it from 1C again", kind.name()),
        )
    };
    let mut book: calamine::Sheets<RS> = match kind {
        Workbook::Xlsx => calamine::Sheets::Xlsx(calamine::Xlsx::new(input).map_err(|e| E::from(opened(&e)))?),
        Workbook::Xlsb => calamine::Sheets::Xlsb(calamine::Xlsb::new(input).map_err(|e| E::from(opened(&e)))?),
        Workbook::Xls => calamine::Sheets::Xls(calamine::Xls::new(input).map_err(|e| E::from(opened(&e)))?),
        Workbook::Ods => calamine::Sheets::Ods(calamine::Ods::new(input).map_err(|e| E::from(opened(&e)))?),
    };
    let names = book.sheet_names();
    let wanted: Vec<String> = match options.sheet {
        Some(want) => match names.iter().find(|n| n.as_str() == want || n.eq_ignore_ascii_case(want)) {
            Some(n) => vec![n.clone()],
            None => {
                return Err(E::from(ParseError::new(
                    Position::File,
                    format!("there is no sheet '{want}'; its sheets are: {}", names.join(", ")),
                )));
            }
        },
        None => names.clone(),
    };
    for name in wanted {
        let range = book.worksheet_range(&name).map_err(|e| E::from(opened(&e)))?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows().enumerate().map(|(i, cells)| {
            let mut row = vec![Cell::Empty; col0 as usize];
            row.extend(cells.iter().map(Cell::from_data));
            Ok((u64::from(row0) + i as u64 + 1, row))
        });
        let sheet = name.clone();
        let locate = move |row: u64, column: Option<usize>| Position::Cell { sheet: sheet.clone(), row, column };
        if let Some((header_row, balances)) = read_rows(&mut rows, &locate, options, &mut each)? {
            return Ok(SheetSummary { sheet: Some(name), header_row, balances, ..SheetSummary::default() });
        }
    }
    let what = match options.sheet {
        Some(s) => format!("sheet '{s}' has"),
        None if names.len() == 1 => format!("sheet '{}' has", names[0]),
        None => "no sheet has a header row; each has".into(),
    };
    Err(E::from(ParseError::new(Position::File, no_header(&what))))
}

fn check_magic<RS: Read + Seek>(input: &mut RS, kind: Workbook) -> Result<(), ParseError> {
    let mut head = [0u8; 8];
    let mut got = 0;
    while got < head.len() {
        match input.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ParseError::new(Position::File, format!("cannot read the file: {e}"))),
        }
    }
    input
        .seek(SeekFrom::Start(0))
        .map_err(|e| ParseError::new(Position::File, format!("cannot read the file: {e}")))?;
    let head = &head[..got];
    let (ok, what) = match kind {
        Workbook::Xlsx | Workbook::Xlsb | Workbook::Ods => (head.starts_with(b"PK\x03\x04"), "a zip archive"),
        Workbook::Xls => (head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), "an OLE2 compound file"),
    };
    if ok {
        return Ok(());
    }
    let looks = if head.is_empty() {
        "it is empty".to_string()
    } else if head.starts_with(b"PK") || head.starts_with(&[0xD0, 0xCF]) {
        "it is some other binary format".to_string()
    } else if head.iter().all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace() || *b >= 0x80) {
        "it looks like text; if it is CSV, name it .csv".to_string()
    } else {
        "it is some other binary format".to_string()
    };
    Err(ParseError::new(
        Position::File,
        format!(
            "not an .{} workbook: such a file is {what} and this one is not ({looks}); save the report from 1C again",
            kind.name()
        ),
    ))
}

/// Reads a CSV report: encoding and delimiter detected, then as a sheet.
pub fn parse_csv<R, E>(
    mut input: R,
    options: &SheetOptions<'_>,
    mut each: impl FnMut(Record<'_>) -> Result<(), E>,
) -> Result<SheetSummary, E>
where
    R: Read,
    E: From<ParseError>,
{
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| E::from(ParseError::new(Position::File, format!("cannot read the file: {e}"))))?;
    let (text, encoding) = decode_text(&bytes);
    for delimiter in [b';', b'\t', b','] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut lines = LineCounter::new(&text);
        let mut rows = reader.records().map(|r| match r {
            Ok(record) => {
                let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
                Ok((line, record.iter().map(|s| Cell::Text(s.to_string())).collect::<Vec<_>>()))
            }
            Err(e) => {
                let line = LineCounter::new(&text).line_at(e.position().map_or(0, |p| p.byte()));
                Err(ParseError::new(Position::Line(line), format!("malformed CSV: {e}")))
            }
        });
        let locate = |line: u64, column: Option<usize>| match column {
            Some(column) => Position::CsvCell { line, column },
            None => Position::Line(line),
        };
        if let Some((header_row, balances)) = read_rows(&mut rows, &locate, options, &mut each)? {
            return Ok(SheetSummary {
                encoding: Some(encoding),
                delimiter: Some(char::from(delimiter)),
                header_row,
                balances,
                ..SheetSummary::default()
            });
        }
    }
    Err(E::from(ParseError::new(Position::File, no_header("it has"))))
}

/// Line numbers of CSV records. The csv crate's own are off after blank lines
/// and CRLF, and its byte offsets point at the line breaks before a record:
/// skip those, then count.
struct LineCounter<'a> {
    text: &'a [u8],
    counted: usize,
    newlines: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter { text: text.as_bytes(), counted: 0, newlines: 0 }
    }

    /// The line of the record at `byte` (offsets never go back).
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = (byte as usize).clamp(self.counted, self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        self.newlines += self.text[self.counted..start].iter().filter(|&&b| b == b'\n').count() as u64;
        self.counted = start;
        self.newlines + 1
    }
}

/// Decodes a text file: a byte-order mark if there is one, else UTF-8 if it is valid UTF-8, else Windows-1251.
fn decode_text(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text, encoding.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), "UTF-8"),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes);
            (text, encoding_rs::WINDOWS_1251.name())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Row {
        id: Option<String>,
        name: Option<String>,
        article: Option<String>,
        wh_id: Option<String>,
        wh: Option<String>,
        qty: i64,
        line: u64,
    }

    fn csv(text: &[u8], options: &SheetOptions<'_>) -> Result<(Vec<Row>, SheetSummary), ParseError> {
        let mut rows = Vec::new();
        let s = |v: Option<&str>| v.map(String::from);
        let summary = parse_csv(text, options, |r| {
            if let Record::Balance(b) = r {
                rows.push(Row {
                    id: s(b.item_one_c_id),
                    name: s(b.item_name),
                    article: s(b.item_article),
                    wh_id: s(b.warehouse_one_c_id),
                    wh: s(b.warehouse_name),
                    qty: b.quantity,
                    line: b.line,
                });
            }
            Ok::<_, ParseError>(())
        })?;
        Ok((rows, summary))
    }

    fn short(rows: &[Row]) -> Vec<(&str, &str, i64)> {
        rows.iter().map(|r| (r.article.as_deref().unwrap_or("-"), r.wh.as_deref().unwrap_or("-"), r.qty)).collect()
    }

    #[test]
    fn captions_and_their_variants() {
        for (caption, field) in [
            ("Номенклатура", Some(Field::Item)),
            ("  НОМЕНКЛАТУРА, Характеристика ", Some(Field::Item)),
            ("Товар", Some(Field::Item)),
            ("Наименование", Some(Field::Item)),
            ("Артикул", Some(Field::Article)),
            ("Номенклатура.Артикул", Some(Field::Article)),
            ("Код", Some(Field::Code)),
            ("Склад", Some(Field::Warehouse)),
            ("Склад:", Some(Field::Warehouse)),
            ("Количество", Some(Field::Quantity(false))),
            ("Количество (в ед. хранения)", Some(Field::Quantity(false))),
            ("Кол-во", Some(Field::Quantity(false))),
            ("Остаток", Some(Field::Quantity(false))),
            ("Конечный  остаток", Some(Field::Quantity(true))),
            ("Остаток на конец периода", Some(Field::Quantity(true))),
            ("Начальный остаток", None),
            ("Остаток на начало периода", None),
            ("Ид", Some(Field::Id)),
            ("Цена", None),
            ("Складской учет", None),
            ("", None),
        ] {
            assert_eq!(Field::of_caption(caption), field, "{caption:?}");
        }
    }

    #[test]
    fn column_maps() {
        let m: ColumnMap = "item=B, article=3 ,warehouse=Склад,quantity=AA".parse().unwrap();
        assert_eq!(m.get(Field::Item), Some(&ColumnSpec::Index(1)));
        assert_eq!(m.get(Field::Article), Some(&ColumnSpec::Index(2)));
        assert_eq!(m.get(Field::Warehouse), Some(&ColumnSpec::Caption("склад".into())));
        assert_eq!(m.get(Field::Quantity(false)), Some(&ColumnSpec::Index(26)));
        assert!(m.by_position_only());
        for (bad, why) in [
            ("", "empty"),
            ("item", "not FIELD=COLUMN"),
            ("colour=B", "unknown field 'colour'"),
            ("item=", "no column given"),
            ("quantity=0", "out of range"),
            ("item=A,item=B", "mapped twice"),
        ] {
            let e = bad.parse::<ColumnMap>().unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }

    #[test]
    fn a_1c_report_with_titles_groups_and_totals() {
        let text = "Остатки товаров на складах;;;;\n\
                    Период: 01.03.2026;;;;\n\
                    ;;;;\n\
                    Номенклатура;Артикул;Склад;Начальный остаток;Конечный остаток\n\
                    Картриджи;;;;\n\
                    HP 83A;CF283A;Центральный склад;10;\"12,000\"\n\
                    HP 85A;CE285A;Склад Львов;1;\n\
                    Бумага А4;;Центральный склад;5;\"1 200\"\n\
                    Итого;;;16;1212\n";
        let (rows, summary) =
            csv(text.as_bytes(), &SheetOptions { warehouse_given: false, ..Default::default() }).unwrap();
        assert_eq!(
            short(&rows),
            [("CF283A", "Центральный склад", 12), ("CE285A", "Склад Львов", 0), ("-", "Центральный склад", 1200)]
        );
        assert_eq!(rows[0].line, 6);
        assert_eq!(rows[2].name.as_deref(), Some("Бумага А4"));
        assert_eq!((summary.header_row, summary.delimiter, summary.encoding), (Some(4), Some(';'), Some("UTF-8")));
    }

    #[test]
    fn encodings_and_delimiters() {
        let text = "Отчет\r\n\r\nНоменклатура\tАртикул\tСклад\tКоличество\r\nКартридж HP 83A\tCF283A\tЦентральный склад\t7\r\n";
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let (rows, summary) = csv(&cp1251, &SheetOptions::default()).unwrap();
        assert_eq!(short(&rows), [("CF283A", "Центральный склад", 7)]);
        assert_eq!(rows[0].name.as_deref(), Some("Картридж HP 83A"));
        assert_eq!(rows[0].line, 4);
        assert_eq!(
            (summary.encoding, summary.delimiter, summary.header_row),
            (Some("windows-1251"), Some('\t'), Some(3))
        );

        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.replace('\t', ",").as_bytes());
        let (rows, summary) = csv(&bom, &SheetOptions::default()).unwrap();
        assert_eq!(rows[0].line, 4);
        assert_eq!(short(&rows), [("CF283A", "Центральный склад", 7)]);
        assert_eq!((summary.encoding, summary.delimiter), (Some("UTF-8"), Some(',')));
    }

    #[test]
    fn map_for_other_layouts() {
        // Captions nobody would guess: name the columns by caption and by letter.
        let text = "Позиция;Кат. номер;Где;Шт.\nHP 83A;CF283A;Центральный склад;3\n";
        assert!(csv(text.as_bytes(), &SheetOptions::default()).unwrap_err().to_string().contains("no header row"));
        let map: ColumnMap = "item=Позиция,article=B,warehouse=Где,quantity=D".parse().unwrap();
        let (rows, summary) = csv(text.as_bytes(), &SheetOptions { map: Some(&map), ..Default::default() }).unwrap();
        assert_eq!(short(&rows), [("CF283A", "Центральный склад", 3)]);
        assert_eq!(summary.header_row, Some(1));
        // By position only, with no header row at all: titles above the first number are skipped.
        let text = "Отчет;;;\nHP 83A;CF283A;Центральный склад;3\nHP 85A;CE285A;Центральный склад;4\n";
        let map: ColumnMap = "item=A,article=B,warehouse=C,quantity=D".parse().unwrap();
        let (rows, summary) = csv(text.as_bytes(), &SheetOptions { map: Some(&map), ..Default::default() }).unwrap();
        assert_eq!(short(&rows), [("CF283A", "Центральный склад", 3), ("CE285A", "Центральный склад", 4)]);
        assert_eq!(summary.header_row, None);
    }

    #[test]
    fn guid_cells_are_ids_and_a_missing_warehouse_column_needs_warehouse() {
        let text = "Ид;Количество\nb7e0a1c2-2c31-11ee-be56-0242ac120002;4\n";
        let e = csv(text.as_bytes(), &SheetOptions::default()).unwrap_err();
        assert_eq!(e.position, Position::Line(1));
        assert!(e.message.contains("no Склад (warehouse) column; pass --warehouse"), "{e}");
        let (rows, _) = csv(text.as_bytes(), &SheetOptions { warehouse_given: true, ..Default::default() }).unwrap();
        assert_eq!(rows[0].id.as_deref(), Some("b7e0a1c2-2c31-11ee-be56-0242ac120002"));
        assert_eq!(rows[0].wh, None);
        let text = "Артикул;Склад;Количество\nCF283A;9f1c2a5e-1b7d-11ee-8c90-0242ac120002;4\n";
        let (rows, _) = csv(text.as_bytes(), &SheetOptions::default()).unwrap();
        assert_eq!(rows[0].wh_id.as_deref(), Some("9f1c2a5e-1b7d-11ee-8c90-0242ac120002"));
    }

    #[test]
    fn names_alone_cannot_be_matched() {
        let text = "Номенклатура;Склад;Количество\nHP 83A;Центральный склад;3\n";
        let e = csv(text.as_bytes(), &SheetOptions::default()).unwrap_err();
        assert!(e.to_string().starts_with("line 1: the header has no Артикул (article) or Ид (1C id) column"), "{e}");
    }

    #[test]
    fn bad_quantities_name_the_cell() {
        for (q, why) in [("-2", "negative"), ("2,5", "not a whole number"), ("пять", "not a number")] {
            let text = format!("Артикул;Склад;Количество\nCF283A;Центральный склад;1\nCE285A;Центральный склад;{q}\n");
            let e = csv(text.as_bytes(), &SheetOptions::default()).unwrap_err();
            assert_eq!(e.position, Position::CsvCell { line: 3, column: 2 });
            assert!(e.to_string().starts_with(&format!("line 3, column C: quantity '{q}'")), "{e}");
            assert!(e.message.contains(why), "{e}");
        }
    }

    #[test]
    fn workbooks_that_are_not_what_they_say() {
        let e = parse_workbook(
            std::io::Cursor::new("Артикул;Склад;Количество\n".as_bytes().to_vec()),
            Workbook::Xlsx,
            &SheetOptions::default(),
            |_| Ok::<_, ParseError>(()),
        )
        .unwrap_err();
        assert_eq!(e.position, Position::File);
        assert!(e.message.starts_with("not an .xlsx workbook: such a file is a zip archive and this one is not (it looks like text; if it is CSV, name it .csv)"), "{e}");
        let e = parse_workbook(
            std::io::Cursor::new(b"PK\x03\x04garbage".to_vec()),
            Workbook::Xlsx,
            &SheetOptions::default(),
            |_| Ok::<_, ParseError>(()),
        )
        .unwrap_err();
        assert!(e.message.starts_with("cannot read the xlsx workbook: "), "{e}");
    }
}
