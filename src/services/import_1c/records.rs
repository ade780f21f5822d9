//! What the 1C parsers produce, whatever the file format: catalog entries,
//! warehouse definitions and balances, each borrowed from the parser's buffers
//! for the length of one callback, and the positions and errors that name a
//! place in the file. Also the one rule for reading a quantity as 1C writes it.
//!
//! Nothing here does I/O or knows about the store.

use std::fmt;

/// Where something is in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// A line of a text file (XML, CSV), from 1.
    Line(u64),
    /// A field of a CSV line; `column` from 0.
    CsvCell { line: u64, column: usize },
    /// A cell (or a whole row when `column` is `None`) of a sheet; `row` from 1.
    Cell { sheet: String, row: u64, column: Option<usize> },
    /// The file as a whole (it is not what its name says, ...).
    File,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(n) => write!(f, "line {n}"),
            Position::CsvCell { line, column } => write!(f, "line {line}, column {}", column_letters(*column)),
            Position::Cell { sheet, row, column: Some(c) } => {
                write!(f, "sheet '{sheet}', cell {}{row}", column_letters(*c))
            }
            Position::Cell { sheet, row, column: None } => write!(f, "sheet '{sheet}', row {row}"),
            Position::File => f.write_str("the whole file"),
        }
    }
}

/// Why a file could not be read: where, and what is wrong there (with what to do, when there is something to say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub position: Position,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Position::File => f.write_str(&self.message),
            ref at => write!(f, "{at}: {}", self.message),
        }
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    pub fn new(position: Position, message: impl Into<String>) -> ParseError {
        ParseError { position, message: message.into() }
    }
}

/// An item as 1C describes it in its catalog (`<Каталог><Товары><Товар>` of import.xml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogItem<'a> {
    pub one_c_id: &'a str,
    pub name: Option<&'a str>,
    pub article: Option<&'a str>,
}

/// A warehouse as 1C describes it (`<Склады><Склад>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarehouseDef<'a> {
    pub one_c_id: &'a str,
    pub name: Option<&'a str>,
}

/// One balance: how many of an item 1C says are at a warehouse (or in all, when it names none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance<'a> {
    /// The item's 1C id (`<Ид>`; an offer of a characteristic is `item#characteristic`).
    pub item_one_c_id: Option<&'a str>,
    pub item_name: Option<&'a str>,
    pub item_article: Option<&'a str>,
    pub warehouse_one_c_id: Option<&'a str>,
    pub warehouse_name: Option<&'a str>,
    /// Whole units, never negative.
    pub quantity: i64,
    /// Where the quantity was read (the line, or the row of a sheet).
    pub line: u64,
}

/// What a parser hands over, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record<'a> {
    Item(CatalogItem<'a>),
    Warehouse(WarehouseDef<'a>),
    Balance(Balance<'a>),
}

/// A [`CatalogItem`] that owns its text, for records read whole from somewhere
/// other than a file (1C's OData interface).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedCatalogItem {
    pub one_c_id: String,
    pub name: Option<String>,
    pub article: Option<String>,
}

/// A [`WarehouseDef`] that owns its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedWarehouseDef {
    pub one_c_id: String,
    pub name: Option<String>,
}

/// A [`Balance`] that owns its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedBalance {
    pub item_one_c_id: Option<String>,
    pub item_name: Option<String>,
    pub item_article: Option<String>,
    pub warehouse_one_c_id: Option<String>,
    pub warehouse_name: Option<String>,
    pub quantity: i64,
    /// Where it was read: the row of its list, from 1.
    pub line: u64,
}

/// A [`Record`] that owns its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnedRecord {
    Item(OwnedCatalogItem),
    Warehouse(OwnedWarehouseDef),
    Balance(OwnedBalance),
}

impl OwnedRecord {
    /// The record as the parsers hand it over.
    pub fn as_record(&self) -> Record<'_> {
        match self {
            OwnedRecord::Item(i) => Record::Item(CatalogItem {
                one_c_id: &i.one_c_id,
                name: i.name.as_deref(),
                article: i.article.as_deref(),
            }),
            OwnedRecord::Warehouse(w) => {
                Record::Warehouse(WarehouseDef { one_c_id: &w.one_c_id, name: w.name.as_deref() })
            }
            OwnedRecord::Balance(b) => Record::Balance(Balance {
                item_one_c_id: b.item_one_c_id.as_deref(),
                item_name: b.item_name.as_deref(),
                item_article: b.item_article.as_deref(),
                warehouse_one_c_id: b.warehouse_one_c_id.as_deref(),
                warehouse_name: b.warehouse_name.as_deref(),
                quantity: b.quantity,
                line: b.line,
            }),
        }
    }
}

/// Reads a quantity as 1C writes it: `5`, `5.000`, `5,000` (a decimal comma),
/// `1 234` (spaces, also non-breaking, between digit groups). Cartridges are
/// counted in whole units: a fraction, a negative number or anything that is
/// not a number is refused with the reason.
pub fn parse_quantity(text: &str) -> Result<i64, String> {
    let shown = text.trim();
    if shown.is_empty() {
        return Err("the quantity is empty".into());
    }
    let mut s = String::with_capacity(shown.len());
    let chars: Vec<char> = shown.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}') {
            // Only a digit-group separator: between two digits.
            let between =
                i > 0 && chars[i - 1].is_ascii_digit() && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            if !between {
                return Err(format!("'{shown}' is not a number"));
            }
            continue;
        }
        s.push(c);
    }
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, &s[..]),
    };
    let (whole, fraction) = match digits.find(['.', ',']) {
        Some(at) => (&digits[..at], &digits[at + 1..]),
        None => (digits, ""),
    };
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !all_digits(whole)
        || !all_digits(fraction)
        || (digits.contains(['.', ',']) && fraction.is_empty())
    {
        return Err(format!("'{shown}' is not a number"));
    }
    let value: i64 = whole.parse().map_err(|_| format!("'{shown}' is too large for a quantity"))?;
    if fraction.bytes().any(|b| b != b'0') {
        return Err(format!("'{shown}' is not a whole number; cartridges are counted in whole units"));
    }
    if negative && value != 0 {
        return Err(format!("'{shown}' is negative; stock cannot be below zero (correct the balance in 1C)"));
    }
    Ok(value)
}

/// A quantity from a spreadsheet's number cell.
pub fn quantity_from_number(value: f64) -> Result<i64, String> {
    let shown = if value.fract() == 0.0 && value.abs() < 1e15 { format!("{value:.0}") } else { value.to_string() };
    if !value.is_finite() {
        return Err(format!("'{shown}' is not a number"));
    }
    let rounded = value.round();
    if (value - rounded).abs() > 1e-9 {
        return Err(format!("'{shown}' is not a whole number; cartridges are counted in whole units"));
    }
    if rounded < 0.0 {
        return Err(format!("'{shown}' is negative; stock cannot be below zero (correct the balance in 1C)"));
    }
    if rounded >= 9.0e15 {
        return Err(format!("'{shown}' is too large for a quantity"));
    }
    Ok(rounded as i64)
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_as_1c_writes_them() {
        for (text, n) in [
            ("5", 5),
            ("5.000", 5),
            ("5,000", 5),
            (" 12 ", 12),
            ("0", 0),
            ("0,000", 0),
            ("-0", 0),
            ("+7", 7),
            ("1 234", 1234),
            ("1\u{a0}234,000", 1234),
            ("1\u{202f}000\u{202f}000", 1_000_000),
        ] {
            assert_eq!(parse_quantity(text), Ok(n), "{text:?}");
        }
    }

    #[test]
    fn bad_quantities_say_why() {
        for (text, why) in [
            ("", "empty"),
            ("2.5", "not a whole number"),
            ("2,500", "not a whole number"),
            ("-3", "negative"),
            ("-3.000", "negative"),
            ("abc", "not a number"),
            ("5 шт", "not a number"),
            ("1,234.5", "not a number"),
            ("5.", "not a number"),
            (".5", "not a number"),
            ("1e3", "not a number"),
            ("- 3", "not a number"),
            ("99999999999999999999", "too large"),
        ] {
            let e = parse_quantity(text).unwrap_err();
            assert!(e.contains(why), "{text:?}: {e}");
        }
    }

    #[test]
    fn number_cells() {
        assert_eq!(quantity_from_number(5.0), Ok(5));
        assert_eq!(quantity_from_number(4.999_999_999_999), Ok(5));
        assert!(quantity_from_number(2.5).unwrap_err().contains("'2.5' is not a whole number"));
        assert!(quantity_from_number(-1.0).unwrap_err().contains("'-1' is negative"));
        assert!(quantity_from_number(f64::NAN).is_err());
    }

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(
            Position::Cell { sheet: "Лист1".into(), row: 7, column: Some(3) }.to_string(),
            "sheet 'Лист1', cell D7"
        );
    }
}
