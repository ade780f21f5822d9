//! A streaming reader of CommerceML 2.x exchange files as 1C:Enterprise writes
//! them: `offers.xml` (or `rests.xml`) with balances, `import.xml` with the
//! catalog. It reads the given reader once, event by event (quick-xml, one
//! reused buffer), keeps only the element it is inside, and hands over
//! [`Record`]s as it meets them, so memory stays flat however large the file.
//!
//! What it understands, wherever it sits and whatever the namespace prefix
//! (elements are matched by local name; schema versions 2.03–2.10 differ in
//! nothing it reads):
//!
//! - `<Каталог>…<Товары><Товар>` with `<Ид>`, `<Наименование>`, `<Артикул>`: [`Record::Item`];
//! - `<Склады><Склад>` with `<Ид>`, `<Наименование>`: [`Record::Warehouse`];
//! - `<Предложения><Предложение>` with `<Ид>`, `<Наименование>`, `<Артикул>` and its balances:
//!   `<Склад ИдСклада="…" КоличествоНаСкладе="…"/>` (2.04–2.08),
//!   `<Остатки><Остаток><Склад><Ид>…</Ид><Количество>…</Количество></Склад></Остаток></Остатки>`
//!   (2.09–2.10), and the total `<Количество>` (also `<Остаток><Количество>`), used only when
//!   the offer names no warehouse: one [`Record::Balance`] per warehouse, or one without a
//!   warehouse for the total. An offer with no quantity at all (a price list) gives none.
//!
//! It is not a validator of the schema: anything else is skipped. It does
//! refuse what would make the balances wrong or unknowable (XML that is not
//! well-formed or is cut short, a root other than `<КоммерческаяИнформация>`,
//! a quantity that is not a whole non-negative number) with the line where it
//! happened. The encoding is UTF-8 unless a byte-order mark or the XML
//! declaration says otherwise (1C also writes `windows-1251`).
//!
//! No I/O here beyond reading the reader it is given; nothing about the store.

use super::records::{Balance, CatalogItem, ParseError, Position, Record, WarehouseDef, parse_quantity};
use encoding_rs::Encoding;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::io::{self, BufRead, Read};

/// What a file held, for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// `ВерсияСхемы` of the root element, when given.
    pub schema_version: Option<String>,
    pub catalog_items: u64,
    pub warehouses: u64,
    pub offers: u64,
    pub balances: u64,
}

/// The elements that matter; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Catalog,
    Items,
    Item,
    Offers,
    Offer,
    Warehouses,
    Warehouse,
    Rests,
    Rest,
    Id,
    Name,
    Article,
    Quantity,
    Other,
}

impl Tag {
    fn of(local: &str) -> Tag {
        match local {
            "КоммерческаяИнформация" => Tag::Root,
            "Каталог" => Tag::Catalog,
            "Товары" => Tag::Items,
            "Товар" => Tag::Item,
            "Предложения" => Tag::Offers,
            "Предложение" => Tag::Offer,
            "Склады" => Tag::Warehouses,
            "Склад" => Tag::Warehouse,
            "Остатки" => Tag::Rests,
            "Остаток" => Tag::Rest,
            "Ид" => Tag::Id,
            "Наименование" => Tag::Name,
            "Артикул" => Tag::Article,
            "Количество" => Tag::Quantity,
            _ => Tag::Other,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Tag::Root => "КоммерческаяИнформация",
            Tag::Catalog => "Каталог",
            Tag::Items => "Товары",
            Tag::Item => "Товар",
            Tag::Offers => "Предложения",
            Tag::Offer => "Предложение",
            Tag::Warehouses => "Склады",
            Tag::Warehouse => "Склад",
            Tag::Rests => "Остатки",
            Tag::Rest => "Остаток",
            Tag::Id => "Ид",
            Tag::Name => "Наименование",
            Tag::Article => "Артикул",
            Tag::Quantity => "Количество",
            Tag::Other => "…",
        }
    }
}

/// What the element whose text is being read fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    ItemId,
    ItemName,
    ItemArticle,
    OfferId,
    OfferName,
    OfferArticle,
    OfferTotal,
    DefId,
    DefName,
    StockId,
    StockQuantity,
}

/// What a `<Склад>` is, by where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WarehouseRole {
    /// `<Склады><Склад>`: a definition.
    Definition,
    /// In an offer (`<Склад ИдСклада КоличествоНаСкладе/>`) or a rest (`<Остаток><Склад>`): a balance.
    Stock,
    Other,
}

/// One open element: what it is and the line it opened on.
#[derive(Debug, Clone, Copy)]
struct Open {
    tag: Tag,
    line: u64,
}

#[derive(Debug, Default)]
struct Fields {
    id: String,
    name: String,
    article: String,
}

impl Fields {
    fn clear(&mut self) {
        self.id.clear();
        self.name.clear();
        self.article.clear();
    }
}

/// A per-warehouse balance of the offer being read.
#[derive(Debug)]
struct Stock {
    warehouse: String,
    quantity: i64,
    line: u64,
}

/// The `<Склад>` balance being read (attributes or children).
#[derive(Debug, Default)]
struct OpenStock {
    warehouse: String,
    quantity: Option<(i64, u64)>,
    line: u64,
}

#[derive(Debug, Default)]
struct Offer {
    fields: Fields,
    line: u64,
    total: Option<(i64, u64)>,
    stock: Vec<Stock>,
}

fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// Reads a CommerceML document from `input`, calling `each` for every catalog
/// item, warehouse and balance in file order. Stops at the first error,
/// whether the file's (a [`ParseError`]) or the callback's.
pub fn parse<R, E>(input: R, mut each: impl FnMut(Record<'_>) -> Result<(), E>) -> Result<Summary, E>
where
    R: BufRead,
    E: From<ParseError>,
{
    let mut input = input;
    let decoded: Box<dyn BufRead + '_> = match sniff_encoding(&mut input).map_err(E::from)? {
        None => Box::new(input),
        Some(encoding) => Box::new(Transcode::new(input, encoding)),
    };
    let mut reader = Reader::from_reader(Lines { inner: decoded, newlines: 0 });
    let mut p = Parser::default();
    let mut buf = Vec::with_capacity(4096);
    loop {
        buf.clear();
        let started = reader.get_ref().line();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => return Err(E::from(xml_error(e, reader.get_ref().line()))),
        };
        let line = reader.get_ref().line();
        match event {
            Event::Start(e) => {
                let tag = p.start(&e, line)?;
                p.stack.push(Open { tag, line });
                p.begin(tag, &e, line)?;
            }
            Event::Empty(e) => {
                let tag = p.start(&e, line)?;
                p.stack.push(Open { tag, line });
                p.begin(tag, &e, line)?;
                p.end(line, &mut each)?;
            }
            Event::End(_) => p.end(line, &mut each)?,
            Event::Text(t) => p.text(&t, started)?,
            Event::CData(t) => p.text(&t, started)?,
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(ch)) => Some(ch),
                    Ok(None) => None,
                    Err(e) => return Err(E::from(malformed(line, &e.to_string()))),
                };
                if p.capture.is_some() {
                    match ch {
                        Some(ch) => p.text.push(ch),
                        None => match quick_xml::escape::resolve_predefined_entity(&r) {
                            Some(s) => p.text.push_str(s),
                            None => {
                                return Err(E::from(malformed(line, &format!("unknown entity &{};", &*r))));
                            }
                        },
                    }
                } else if p.stack.is_empty() {
                    return Err(E::from(outside_root(p.root_seen, line)));
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    let line = reader.get_ref().line();
    // Name the record cut short (an offer, an item, a warehouse), else the innermost element known.
    let record = p.stack.iter().rev().find(|o| matches!(o.tag, Tag::Offer | Tag::Item | Tag::Warehouse));
    if let Some(open) = record.or_else(|| p.stack.iter().rev().find(|o| o.tag != Tag::Other)).or(p.stack.first()) {
        return Err(E::from(ParseError::new(
            Position::Line(line),
            format!(
                "the file ends inside <{}> opened on line {}: it is cut short; copy or export it from 1C again",
                open.tag.name(),
                open.line
            ),
        )));
    }
    if !p.root_seen {
        return Err(E::from(ParseError::new(
            Position::Line(line),
            "no XML elements at all: the file is empty; export it from 1C again",
        )));
    }
    Ok(p.summary)
}

#[derive(Debug, Default)]
struct Parser {
    stack: Vec<Open>,
    root_seen: bool,
    catalog_depth: u32,
    /// The element whose text is being read, at which depth.
    capture: Option<(Slot, usize)>,
    text: String,
    item: Fields,
    def: Fields,
    offer: Offer,
    open_stock: OpenStock,
    summary: Summary,
}

impl Parser {
    /// Checks an element may open here and returns what it is.
    fn start(&mut self, e: &BytesStart<'_>, line: u64) -> Result<Tag, ParseError> {
        let local = e.local_name();
        let tag = Tag::of(local.as_ref());
        if self.stack.is_empty() {
            if self.root_seen {
                return Err(outside_root(true, line));
            }
            if tag != Tag::Root {
                return Err(ParseError::new(
                    Position::Line(line),
                    format!(
                        "not a CommerceML file: its root element is <{}>, not <КоммерческаяИнформация>; \
                         give the offers.xml, rests.xml or import.xml that 1C wrote",
                        e.name().as_ref()
                    ),
                ));
            }
            self.root_seen = true;
            for attr in e.attributes() {
                let attr = attr.map_err(|err| malformed(line, &err.to_string()))?;
                if attr.key.local_name().as_ref() == "ВерсияСхемы" {
                    let v = attr
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|err| malformed(line, &err.to_string()))?;
                    self.summary.schema_version = Some(v.trim().to_string());
                }
            }
        }
        Ok(tag)
    }

    fn parent(&self, up: usize) -> Tag {
        // The element itself is on top of the stack.
        let n = self.stack.len();
        if n > up { self.stack[n - 1 - up].tag } else { Tag::Other }
    }

    fn warehouse_role(&self) -> WarehouseRole {
        match self.parent(1) {
            Tag::Warehouses => WarehouseRole::Definition,
            Tag::Offer | Tag::Rest => WarehouseRole::Stock,
            _ => WarehouseRole::Other,
        }
    }

    /// Called once the element is on the stack.
    fn begin(&mut self, tag: Tag, e: &BytesStart<'_>, line: u64) -> Result<(), ParseError> {
        if self.capture.is_some() {
            return Ok(());
        }
        let parent = self.parent(1);
        let slot = match (tag, parent) {
            (Tag::Catalog, _) => {
                self.catalog_depth += 1;
                None
            }
            (Tag::Item, Tag::Items) if self.catalog_depth > 0 => {
                self.item.clear();
                None
            }
            (Tag::Offer, Tag::Offers) => {
                self.offer.fields.clear();
                self.offer.total = None;
                self.offer.stock.clear();
                self.offer.line = line;
                None
            }
            (Tag::Warehouse, _) => {
                match self.warehouse_role() {
                    WarehouseRole::Definition => self.def.clear(),
                    WarehouseRole::Stock if self.in_offer() => {
                        self.open_stock.warehouse.clear();
                        self.open_stock.quantity = None;
                        self.open_stock.line = line;
                        for attr in e.attributes() {
                            let attr = attr.map_err(|err| malformed(line, &err.to_string()))?;
                            let key = attr.key.local_name();
                            let key = key.as_ref();
                            if key == "ИдСклада" || key == "КоличествоНаСкладе" {
                                let value = attr
                                    .normalized_value(XmlVersion::Implicit1_0)
                                    .map_err(|err| malformed(line, &err.to_string()))?;
                                if key == "ИдСклада" {
                                    self.open_stock.warehouse = value.trim().to_string();
                                } else {
                                    let q = parse_quantity(&value).map_err(|m| quantity_error(line, &m))?;
                                    self.open_stock.quantity = Some((q, line));
                                }
                            }
                        }
                    }
                    _ => {}
                }
                None
            }
            (Tag::Id, Tag::Item) if self.item_open() => Some(Slot::ItemId),
            (Tag::Name, Tag::Item) if self.item_open() => Some(Slot::ItemName),
            (Tag::Article, Tag::Item) if self.item_open() => Some(Slot::ItemArticle),
            (Tag::Id, Tag::Offer) if self.offer_open() => Some(Slot::OfferId),
            (Tag::Name, Tag::Offer) if self.offer_open() => Some(Slot::OfferName),
            (Tag::Article, Tag::Offer) if self.offer_open() => Some(Slot::OfferArticle),
            (Tag::Quantity, Tag::Offer) if self.offer_open() => Some(Slot::OfferTotal),
            (Tag::Quantity, Tag::Rest) if self.in_offer() => Some(Slot::OfferTotal),
            (Tag::Id | Tag::Name | Tag::Quantity, Tag::Warehouse) => {
                let role = {
                    // The warehouse is our parent: look at its parent.
                    let n = self.stack.len();
                    if n >= 3 { self.stack[n - 3].tag } else { Tag::Other }
                };
                match (tag, role) {
                    (Tag::Id, Tag::Warehouses) => Some(Slot::DefId),
                    (Tag::Name, Tag::Warehouses) => Some(Slot::DefName),
                    (Tag::Id, Tag::Offer | Tag::Rest) if self.in_offer() => Some(Slot::StockId),
                    (Tag::Quantity, Tag::Offer | Tag::Rest) if self.in_offer() => Some(Slot::StockQuantity),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(slot) = slot {
            self.capture = Some((slot, self.stack.len()));
            self.text.clear();
        }
        Ok(())
    }

    /// Whether the element's parent is a catalog `<Товар>`.
    fn item_open(&self) -> bool {
        self.catalog_depth > 0 && self.parent(2) == Tag::Items
    }

    /// Whether the element's parent is an offer.
    fn offer_open(&self) -> bool {
        self.parent(2) == Tag::Offers
    }

    /// Whether an offer is open somewhere above.
    fn in_offer(&self) -> bool {
        let n = self.stack.len();
        self.stack[..n.saturating_sub(1)]
            .iter()
            .enumerate()
            .any(|(i, o)| o.tag == Tag::Offer && i > 0 && self.stack[i - 1].tag == Tag::Offers)
    }

    fn text(&mut self, t: &str, line: u64) -> Result<(), ParseError> {
        if self.capture.is_some() {
            self.text.push_str(t);
        } else if self.stack.is_empty() && !t.trim().is_empty() {
            return Err(outside_root(self.root_seen, line));
        }
        Ok(())
    }

    /// Closes the element on top of the stack.
    fn end<E: From<ParseError>>(
        &mut self,
        line: u64,
        each: &mut impl FnMut(Record<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let depth = self.stack.len();
        match self.capture {
            Some((slot, at)) if at == depth => {
                self.capture = None;
                self.fill(slot, line)?;
            }
            // Markup inside the text being read is part of that text, nothing more.
            Some(_) => {
                self.stack.pop();
                return Ok(());
            }
            None => {}
        }
        let tag = self.stack.last().map(|o| o.tag).unwrap_or(Tag::Other);
        match tag {
            Tag::Catalog => self.catalog_depth = self.catalog_depth.saturating_sub(1),
            Tag::Item if self.catalog_depth > 0 && self.parent(1) == Tag::Items && !self.item.id.is_empty() => {
                self.summary.catalog_items += 1;
                each(Record::Item(CatalogItem {
                    one_c_id: &self.item.id,
                    name: opt(&self.item.name),
                    article: opt(&self.item.article),
                }))?;
            }
            Tag::Warehouse => match self.warehouse_role() {
                WarehouseRole::Definition if !self.def.id.is_empty() => {
                    self.summary.warehouses += 1;
                    each(Record::Warehouse(WarehouseDef { one_c_id: &self.def.id, name: opt(&self.def.name) }))?;
                }
                WarehouseRole::Stock if self.in_offer() => {
                    let s = std::mem::take(&mut self.open_stock);
                    match (s.warehouse.is_empty(), s.quantity) {
                        (false, Some((quantity, line))) => {
                            self.offer.stock.push(Stock { warehouse: s.warehouse, quantity, line })
                        }
                        (true, _) => {
                            return Err(E::from(ParseError::new(
                                Position::Line(s.line),
                                "a <Склад> balance without the warehouse's id (ИдСклада or <Ид>)",
                            )));
                        }
                        (false, None) => {
                            return Err(E::from(ParseError::new(
                                Position::Line(s.line),
                                "a <Склад> balance without a quantity (КоличествоНаСкладе or <Количество>)",
                            )));
                        }
                    }
                }
                _ => {}
            },
            Tag::Offer if self.parent(1) == Tag::Offers => {
                self.summary.offers += 1;
                self.offer_end(each)?;
            }
            _ => {}
        }
        self.stack.pop();
        Ok(())
    }

    fn fill(&mut self, slot: Slot, line: u64) -> Result<(), ParseError> {
        let value = self.text.trim();
        let quantity = || parse_quantity(value).map_err(|m| quantity_error(line, &m));
        match slot {
            Slot::ItemId => set(&mut self.item.id, value),
            Slot::ItemName => set(&mut self.item.name, value),
            Slot::ItemArticle => set(&mut self.item.article, value),
            Slot::OfferId => set(&mut self.offer.fields.id, value),
            Slot::OfferName => set(&mut self.offer.fields.name, value),
            Slot::OfferArticle => set(&mut self.offer.fields.article, value),
            Slot::OfferTotal => {
                let q = quantity()?;
                let sum = self.offer.total.map_or(0, |(t, _)| t).saturating_add(q);
                self.offer.total = Some((sum, line));
            }
            Slot::DefId => set(&mut self.def.id, value),
            Slot::DefName => set(&mut self.def.name, value),
            Slot::StockId => set(&mut self.open_stock.warehouse, value),
            Slot::StockQuantity => {
                let q = quantity()?;
                self.open_stock.quantity = Some((q, line));
            }
        }
        Ok(())
    }

    fn offer_end<E: From<ParseError>>(&mut self, each: &mut impl FnMut(Record<'_>) -> Result<(), E>) -> Result<(), E> {
        let o = &self.offer;
        if o.fields.id.is_empty() && o.fields.article.is_empty() {
            if o.stock.is_empty() && o.total.is_none() {
                return Ok(());
            }
            return Err(E::from(ParseError::new(
                Position::Line(o.line),
                "an <Предложение> with balances but without <Ид> or <Артикул>: there is no telling what item it is",
            )));
        }
        if !o.stock.is_empty() {
            for s in &o.stock {
                self.summary.balances += 1;
                each(Record::Balance(offer_balance(&o.fields, Some(&s.warehouse), s.quantity, s.line)))?;
            }
        } else if let Some((total, line)) = o.total {
            self.summary.balances += 1;
            each(Record::Balance(offer_balance(&o.fields, None, total, line)))?;
        }
        Ok(())
    }
}

fn offer_balance<'a>(fields: &'a Fields, warehouse: Option<&'a str>, quantity: i64, line: u64) -> Balance<'a> {
    Balance {
        item_one_c_id: opt(&fields.id),
        item_name: opt(&fields.name),
        item_article: opt(&fields.article),
        warehouse_one_c_id: warehouse,
        warehouse_name: None,
        quantity,
        line,
    }
}

fn set(target: &mut String, value: &str) {
    target.clear();
    target.push_str(value);
}

fn quantity_error(line: u64, message: &str) -> ParseError {
    ParseError::new(Position::Line(line), format!("quantity {message}"))
}

fn malformed(line: u64, detail: &str) -> ParseError {
    ParseError::new(
        Position::Line(line),
        format!("malformed XML: {detail}; the file is damaged, export it from 1C again"),
    )
}

fn outside_root(root_seen: bool, line: u64) -> ParseError {
    if root_seen {
        malformed(line, "there is content after the end of <КоммерческаяИнформация>")
    } else {
        ParseError::new(
            Position::Line(line),
            "not an XML file: it starts with text, not with an element; \
             give the offers.xml, rests.xml or import.xml that 1C wrote (spreadsheets need their own extension: .xlsx, .xls, .ods, .csv)",
        )
    }
}

fn xml_error(e: quick_xml::Error, line: u64) -> ParseError {
    use quick_xml::errors::{Error as X, IllFormedError as I};
    match e {
        X::Io(io) => ParseError::new(Position::Line(line), format!("cannot read the file: {io}")),
        X::Encoding(_) => ParseError::new(
            Position::Line(line),
            "the text is not valid UTF-8 (the XML declaration names no other encoding); \
             save the file as UTF-8 or declare its encoding, e.g. <?xml version=\"1.0\" encoding=\"windows-1251\"?>",
        ),
        X::Syntax(s) => malformed(line, &s.to_string()),
        X::IllFormed(I::MismatchedEndTag { expected, found }) => {
            malformed(line, &format!("</{found}> where </{expected}> should close"))
        }
        X::IllFormed(I::UnmatchedEndTag(name)) => malformed(line, &format!("</{name}> closes no open element")),
        other => malformed(line, &other.to_string()),
    }
}

/// The encoding to transcode from, when the input is not UTF-8: a UTF-16
/// byte-order mark, or the XML declaration's `encoding`.
fn sniff_encoding<R: BufRead>(input: &mut R) -> Result<Option<&'static Encoding>, ParseError> {
    let head =
        input.fill_buf().map_err(|e| ParseError::new(Position::Line(1), format!("cannot read the file: {e}")))?;
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[b'<', 0, b'?', 0]) {
        return Ok(Some(encoding_rs::UTF_16LE));
    }
    if head.starts_with(&[0xFE, 0xFF]) || head.starts_with(&[0, b'<', 0, b'?']) {
        return Ok(Some(encoding_rs::UTF_16BE));
    }
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    if !head.starts_with(b"<?xml") {
        return Ok(None);
    }
    let window = &head[..head.len().min(1024)];
    let Some(end) = window.windows(2).position(|w| w == b"?>") else { return Ok(None) };
    let decl = &window[..end];
    let Some(at) = decl.windows(8).position(|w| w == b"encoding") else { return Ok(None) };
    let rest = &decl[at + 8..];
    let rest = rest.trim_ascii_start().strip_prefix(b"=").unwrap_or(rest).trim_ascii_start();
    let Some((&quote, rest)) = rest.split_first() else { return Ok(None) };
    if quote != b'"' && quote != b'\'' {
        return Ok(None);
    }
    let Some(close) = rest.iter().position(|&b| b == quote) else { return Ok(None) };
    let label = &rest[..close];
    match Encoding::for_label(label) {
        // The declaration was read as ASCII, so the file is not UTF-16 whatever it says.
        Some(enc) if enc == encoding_rs::UTF_8 || enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
            Ok(None)
        }
        Some(enc) => Ok(Some(enc)),
        None => Err(ParseError::new(
            Position::Line(1),
            format!(
                "the XML declaration names an unknown encoding '{}'; 1C writes UTF-8 or windows-1251",
                String::from_utf8_lossy(label)
            ),
        )),
    }
}

/// Counts the lines the parser has consumed, so events and errors get a line number.
struct Lines<R> {
    inner: R,
    newlines: u64,
}

impl<R> Lines<R> {
    fn line(&self) -> u64 {
        self.newlines + 1
    }
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(out.len());
            out[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if amount > 0 {
            // What is consumed was handed out by the last fill_buf and is still buffered: no I/O here.
            if let Ok(buffered) = self.inner.fill_buf() {
                self.newlines += count_newlines(&buffered[..amount.min(buffered.len())]);
            }
        }
        self.inner.consume(amount);
    }
}

/// How many `\n` in `bytes`, in blocks the compiler turns into vector code.
fn count_newlines(bytes: &[u8]) -> u64 {
    let blocks = bytes.chunks_exact(64);
    let tail = blocks.remainder().iter().filter(|&&b| b == b'\n').count() as u64;
    blocks.fold(tail, |n, block| n + u64::from(block.iter().fold(0u8, |k, &b| k + u8::from(b == b'\n'))))
}

/// Decodes a non-UTF-8 input into UTF-8 as it is read.
struct Transcode<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    out: Box<[u8]>,
    pos: usize,
    len: usize,
    done: bool,
}

impl<R> Transcode<R> {
    fn new(inner: R, encoding: &'static Encoding) -> Transcode<R> {
        Transcode {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            out: vec![0; 64 * 1024].into_boxed_slice(),
            pos: 0,
            len: 0,
            done: false,
        }
    }
}

impl<R: BufRead> Read for Transcode<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(out.len());
            out[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Transcode<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.len && !self.done {
            let src = self.inner.fill_buf()?;
            let last = src.is_empty();
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(src, &mut self.out, last);
            self.inner.consume(read);
            self.pos = 0;
            self.len = written;
            match result {
                encoding_rs::DecoderResult::Malformed(_, _) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("bytes that are not valid {}", self.decoder.encoding().name()),
                    ));
                }
                encoding_rs::DecoderResult::InputEmpty if last => self.done = true,
                _ => {}
            }
        }
        Ok(&self.out[self.pos..self.len])
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.len);
    }
}

/// A document of a CommerceML documents file (1C's orders, sent back to the
/// site with their state): its id and number and the requisites it carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentState {
    pub id: String,
    pub number: String,
    pub date: String,
    /// `<ЗначенияРеквизитов>` of the document itself (not of its lines), in order.
    pub requisites: Vec<(String, String)>,
    /// Where the document starts.
    pub line: u64,
}

/// Reads every `<Документ>` of a CommerceML documents file (what 1C posts to
/// a site with `type=sale&mode=file`): ids, numbers, dates and requisites
/// such as `Статус заказа`, `Проведен`, `Отменен`. The same checks of
/// well-formedness, root and encoding as [`parse`].
pub fn parse_documents<R: BufRead>(input: R) -> Result<Vec<DocumentState>, ParseError> {
    let mut input = input;
    let decoded: Box<dyn BufRead + '_> = match sniff_encoding(&mut input)? {
        None => Box::new(input),
        Some(encoding) => Box::new(Transcode::new(input, encoding)),
    };
    let mut reader = Reader::from_reader(Lines { inner: decoded, newlines: 0 });
    let mut stack: Vec<(String, u64)> = Vec::new();
    let (mut docs, mut doc, mut pair): (Vec<DocumentState>, Option<DocumentState>, (String, String)) =
        (Vec::new(), None, Default::default());
    let mut text = String::new();
    let mut root_seen = false;
    let mut buf = Vec::with_capacity(4096);
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| xml_error(e, reader.get_ref().line()))?;
        let line = reader.get_ref().line();
        match event {
            Event::Start(e) => {
                let local = String::from(e.local_name().as_ref());
                if stack.is_empty() {
                    if root_seen {
                        return Err(outside_root(true, line));
                    }
                    if local != "КоммерческаяИнформация" {
                        return Err(ParseError::new(
                            Position::Line(line),
                            format!(
                                "the root element is <{local}>, not <КоммерческаяИнформация>: not a CommerceML file"
                            ),
                        ));
                    }
                    root_seen = true;
                }
                if local == "Документ" && doc.is_none() {
                    doc = Some(DocumentState { line, ..Default::default() });
                }
                stack.push((local, line));
                text.clear();
            }
            Event::Empty(_) => {}
            Event::Text(t) => text.push_str(&t),
            Event::CData(t) => text.push_str(&t),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(ch)) => text.push(ch),
                Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                    Some(s) => text.push_str(s),
                    None => return Err(malformed(line, &format!("unknown entity &{};", &*r))),
                },
                Err(e) => return Err(malformed(line, &e.to_string())),
            },
            Event::End(_) => {
                let Some((local, _)) = stack.pop() else { return Err(outside_root(root_seen, line)) };
                // Where the element sits, counted from the document.
                let at = stack.iter().rposition(|(n, _)| n == "Документ");
                let path: Vec<&str> = match at {
                    Some(i) => stack[i + 1..].iter().map(|(n, _)| n.as_str()).collect(),
                    None => Vec::new(),
                };
                let value = text.trim().to_string();
                text.clear();
                if let Some(d) = doc.as_mut() {
                    match (path.as_slice(), local.as_str()) {
                        ([], "Ид") => d.id = value,
                        ([], "Номер") => d.number = value,
                        ([], "Дата") => d.date = value,
                        (["ЗначенияРеквизитов", "ЗначениеРеквизита"], "Наименование") => {
                            pair.0 = value
                        }
                        (["ЗначенияРеквизитов", "ЗначениеРеквизита"], "Значение") => {
                            pair.1 = value
                        }
                        (["ЗначенияРеквизитов"], "ЗначениеРеквизита") => {
                            d.requisites.push(std::mem::take(&mut pair))
                        }
                        _ => {}
                    }
                }
                if local == "Документ" && at.is_none() {
                    docs.extend(doc.take());
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    let line = reader.get_ref().line();
    if let Some((name, opened)) = stack.last() {
        return Err(ParseError::new(
            Position::Line(line),
            format!("the file ends inside <{name}> opened on line {opened}: it is cut short; send it again"),
        ));
    }
    if !root_seen {
        return Err(ParseError::new(Position::Line(line), "no XML elements at all: the file is empty"));
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record with owned strings, for comparing.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Rec {
        Item(String, Option<String>, Option<String>),
        Warehouse(String, Option<String>),
        Balance {
            item: Option<String>,
            name: Option<String>,
            article: Option<String>,
            wh: Option<String>,
            qty: i64,
            line: u64,
        },
    }

    fn own(r: Record<'_>) -> Rec {
        let s = |v: Option<&str>| v.map(String::from);
        match r {
            Record::Item(i) => Rec::Item(i.one_c_id.into(), s(i.name), s(i.article)),
            Record::Warehouse(w) => Rec::Warehouse(w.one_c_id.into(), s(w.name)),
            Record::Balance(b) => Rec::Balance {
                item: s(b.item_one_c_id),
                name: s(b.item_name),
                article: s(b.item_article),
                wh: s(b.warehouse_one_c_id),
                qty: b.quantity,
                line: b.line,
            },
        }
    }

    fn read(xml: &[u8]) -> Result<(Vec<Rec>, Summary), ParseError> {
        let mut out = Vec::new();
        let summary = parse(xml, |r| {
            out.push(own(r));
            Ok::<_, ParseError>(())
        })?;
        Ok((out, summary))
    }

    fn balances(xml: &str) -> Vec<(Option<String>, Option<String>, i64)> {
        read(xml.as_bytes())
            .unwrap()
            .0
            .into_iter()
            .filter_map(|r| match r {
                Rec::Balance { item, wh, qty, .. } => Some((item, wh, qty)),
                _ => None,
            })
            .collect()
    }

    fn err(xml: &[u8]) -> String {
        read(xml).unwrap_err().to_string()
    }

    fn b(item: &str, wh: Option<&str>, qty: i64) -> (Option<String>, Option<String>, i64) {
        (Some(item.into()), wh.map(String::from), qty)
    }

    /// The same offers in each way 1C has written them, with and without namespaces.
    #[test]
    fn attribute_balances_in_any_namespace_and_version() {
        for (version, open, close) in [
            ("2.03", "<КоммерческаяИнформация ВерсияСхемы=\"2.03\">", "</КоммерческаяИнформация>"),
            (
                "2.05",
                "<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_205\" ВерсияСхемы=\"2.05\">",
                "</КоммерческаяИнформация>",
            ),
            (
                "2.08",
                "<cml:КоммерческаяИнформация xmlns:cml=\"urn:1C.ru:commerceml_2\" ВерсияСхемы=\"2.08\">",
                "</cml:КоммерческаяИнформация>",
            ),
        ] {
            let p = if open.starts_with("<cml:") { "cml:" } else { "" };
            let xml = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{open}\n<{p}ПакетПредложений>\
                 <{p}Склады><{p}Склад><{p}Ид>W1</{p}Ид><{p}Наименование>Центральный</{p}Наименование></{p}Склад></{p}Склады>\
                 <{p}Предложения>\n<{p}Предложение><{p}Ид>I1</{p}Ид><{p}Наименование>HP 83A</{p}Наименование>\
                 <{p}Количество>7</{p}Количество>\
                 <{p}Склад {attrs}ИдСклада=\"W1\" {attrs}КоличествоНаСкладе=\"5.000\"/>\n\
                 <{p}Склад {attrs}ИдСклада=\"W2\" {attrs}КоличествоНаСкладе=\"2,000\"></{p}Склад>\
                 </{p}Предложение></{p}Предложения></{p}ПакетПредложений>{close}",
                attrs = if p.is_empty() { "" } else { "cml:" },
            );
            let (recs, summary) = read(xml.as_bytes()).unwrap();
            assert_eq!(summary.schema_version.as_deref(), Some(version));
            assert_eq!(recs[0], Rec::Warehouse("W1".into(), Some("Центральный".into())), "{version}");
            assert_eq!(
                &recs[1..],
                [
                    Rec::Balance {
                        item: Some("I1".into()),
                        name: Some("HP 83A".into()),
                        article: None,
                        wh: Some("W1".into()),
                        qty: 5,
                        line: 4
                    },
                    Rec::Balance {
                        item: Some("I1".into()),
                        name: Some("HP 83A".into()),
                        article: None,
                        wh: Some("W2".into()),
                        qty: 2,
                        line: 5
                    },
                ],
                "{version}"
            );
            assert_eq!((summary.offers, summary.balances, summary.warehouses), (1, 2, 1));
        }
    }

    #[test]
    fn rests_shape_of_2_10() {
        let xml = "<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_210\" ВерсияСхемы=\"2.10\"><ПакетПредложений>\
            <Предложения><Предложение><Ид>I1#C1</Ид><Остатки>\
              <Остаток><Склад><Ид>W1</Ид><Количество>3</Количество></Склад></Остаток>\
              <Остаток><Склад><Ид>W2</Ид><Количество>0</Количество></Склад></Остаток>\
            </Остатки></Предложение>\
            <Предложение><Ид>I2</Ид><Остатки><Остаток><Количество>4</Количество></Остаток></Остатки></Предложение>\
            </Предложения></ПакетПредложений></КоммерческаяИнформация>";
        assert_eq!(balances(xml), [b("I1#C1", Some("W1"), 3), b("I1#C1", Some("W2"), 0), b("I2", None, 4)]);
    }

    #[test]
    fn change_packages_of_2_04() {
        let xml = "<КоммерческаяИнформация ВерсияСхемы=\"2.04\"><ИзмененияПакетаПредложений СодержитТолькоИзменения=\"true\">\
            <Предложения><Предложение><Ид>I1</Ид><Склад ИдСклада=\"W1\" КоличествоНаСкладе=\"1\"/></Предложение></Предложения>\
            </ИзмененияПакетаПредложений></КоммерческаяИнформация>";
        assert_eq!(balances(xml), [b("I1", Some("W1"), 1)]);
    }

    #[test]
    fn total_only_offers_and_price_lists() {
        let xml = "<КоммерческаяИнформация><ПакетПредложений><Предложения>\
            <Предложение><Ид>I1</Ид><Артикул>CF283A</Артикул><Количество>12</Количество></Предложение>\
            <Предложение><Ид>I2</Ид><Цены><Цена><ЦенаЗаЕдиницу>10</ЦенаЗаЕдиницу></Цена></Цены></Предложение>\
            </Предложения></ПакетПредложений></КоммерческаяИнформация>";
        let (recs, summary) = read(xml.as_bytes()).unwrap();
        assert_eq!(
            recs,
            [Rec::Balance {
                item: Some("I1".into()),
                name: None,
                article: Some("CF283A".into()),
                wh: None,
                qty: 12,
                line: 1
            }]
        );
        assert_eq!((summary.offers, summary.balances), (2, 1));
    }

    #[test]
    fn catalog_items_and_warehouses_from_import_xml() {
        let xml = "<?xml version=\"1.0\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.08\">\
            <Классификатор><Ид>K</Ид><Склады><Склад><Ид>W1</Ид><Наименование>Склад &amp; офис</Наименование></Склад></Склады></Классификатор>\
            <Каталог><Ид>C</Ид><Наименование>Каталог</Наименование><Товары>\
            <Товар><Ид>I1</Ид><Артикул> CF283A </Артикул><Наименование>HP &#1050;83A</Наименование>\
              <Группы><Ид>G1</Ид></Группы><ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Вес</Наименование></ЗначениеРеквизита></ЗначенияРеквизитов></Товар>\
            <Товар><Группы><Ид>G1</Ид></Группы><Ид>I2</Ид><Наименование><![CDATA[Бумага <A4>]]></Наименование></Товар>\
            </Товары></Каталог></КоммерческаяИнформация>";
        let (recs, summary) = read(xml.as_bytes()).unwrap();
        assert_eq!(
            recs,
            [
                Rec::Warehouse("W1".into(), Some("Склад & офис".into())),
                Rec::Item("I1".into(), Some("HP К83A".into()), Some("CF283A".into())),
                Rec::Item("I2".into(), Some("Бумага <A4>".into()), None),
            ]
        );
        assert_eq!((summary.catalog_items, summary.warehouses, summary.balances), (2, 1, 0));
    }

    #[test]
    fn goods_in_documents_are_not_a_catalog() {
        let xml = "<КоммерческаяИнформация><Документ><Товары><Товар><Ид>I1</Ид><Количество>3</Количество></Товар></Товары></Документ></КоммерческаяИнформация>";
        assert_eq!(read(xml.as_bytes()).unwrap().0, []);
    }

    #[test]
    fn windows_1251_and_utf_16_files() {
        let text = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<КоммерческаяИнформация><ПакетПредложений>\
            <Склады><Склад><Ид>W1</Ид><Наименование>Центральный склад</Наименование></Склад></Склады>\
            <Предложения><Предложение><Ид>I1</Ид><Наименование>Картридж</Наименование><Количество>2</Количество></Предложение>\
            </Предложения></ПакетПредложений></КоммерческаяИнформация>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let (recs, _) = read(&bytes).unwrap();
        assert_eq!(recs[0], Rec::Warehouse("W1".into(), Some("Центральный склад".into())));
        assert!(matches!(&recs[1], Rec::Balance { name: Some(n), qty: 2, .. } if n == "Картридж"));

        let mut utf16 = vec![0xFF, 0xFE];
        for unit in text.replace("windows-1251", "UTF-16").encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let (recs16, _) = read(&utf16).unwrap();
        assert_eq!(recs16, recs);

        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.replace("windows-1251", "UTF-8").as_bytes());
        assert_eq!(read(&bom).unwrap().0, recs);
    }

    #[test]
    fn bad_quantities_name_the_line() {
        let offer = |q: &str| {
            format!(
                "<КоммерческаяИнформация>\n<ПакетПредложений>\n<Предложения>\n<Предложение>\n<Ид>I1</Ид>\n\
                 <Склад ИдСклада=\"W1\" КоличествоНаСкладе=\"{q}\"/>\n</Предложение>\n</Предложения>\n</ПакетПредложений>\n</КоммерческаяИнформация>"
            )
        };
        assert_eq!(
            err(offer("-3").as_bytes()),
            "line 6: quantity '-3' is negative; stock cannot be below zero (correct the balance in 1C)"
        );
        assert!(err(offer("2.5").as_bytes()).starts_with("line 6: quantity '2.5' is not a whole number"));
        assert!(err(offer("много").as_bytes()).starts_with("line 6: quantity 'много' is not a number"));
        let total = "<КоммерческаяИнформация><ПакетПредложений><Предложения><Предложение><Ид>I1</Ид>\n\n<Количество>1,5</Количество>\
            </Предложение></Предложения></ПакетПредложений></КоммерческаяИнформация>";
        assert!(
            err(total.as_bytes()).starts_with("line 3: quantity '1,5' is not a whole number"),
            "{}",
            err(total.as_bytes())
        );
    }

    #[test]
    fn broken_xml_names_the_line() {
        let good = "<КоммерческаяИнформация>\n<ПакетПредложений>\n<Предложения>\n<Предложение>\n<Ид>I1</Ид>\n\
            <Количество>3</Количество>\n</Предложение>\n</Предложения>\n</ПакетПредложений>\n</КоммерческаяИнформация>\n";
        assert!(read(good.as_bytes()).is_ok());
        let cut = &good[..good.find("</Предложение>").unwrap()];
        assert_eq!(
            err(cut.as_bytes()),
            "line 7: the file ends inside <Предложение> opened on line 4: it is cut short; copy or export it from 1C again"
        );
        let cut_in_tag = &good[..good.find("Количество>3").unwrap() + 4];
        assert!(err(cut_in_tag.as_bytes()).starts_with("line 6: malformed XML: "), "{}", err(cut_in_tag.as_bytes()));
        let mismatched = good.replace("</Количество>", "</Колчество>");
        assert_eq!(
            err(mismatched.as_bytes()),
            "line 6: malformed XML: </Колчество> where </Количество> should close; the file is damaged, export it from 1C again"
        );
        let unescaped = good.replace("<Ид>I1</Ид>", "<Ид>I1 & I2</Ид>");
        assert!(err(unescaped.as_bytes()).starts_with("line 5: malformed XML"), "{}", err(unescaped.as_bytes()));
        assert!(err(b"").starts_with("line 1: no XML elements at all"));
        assert!(err("Номенклатура;Количество\nБумага;5\n".as_bytes()).starts_with("line 1: not an XML file"));
        assert!(err(b"<html><body/></html>").starts_with("line 1: not a CommerceML file: its root element is <html>"));
        assert!(err(format!("{good}<КоммерческаяИнформация/>").as_bytes()).contains("content after the end"));
        let latin = good.replace("I1", "Картридж");
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&latin);
        assert!(err(&bytes).contains("is not valid UTF-8"), "{}", err(&bytes));
        assert!(err(b"<?xml version=\"1.0\" encoding=\"klingon\"?><a/>").contains("unknown encoding 'klingon'"));
    }

    #[test]
    fn an_offer_without_id_or_article_is_refused() {
        let xml = "<КоммерческаяИнформация><ПакетПредложений><Предложения>\n<Предложение><Наименование>X</Наименование>\
            <Количество>3</Количество></Предложение></Предложения></ПакетПредложений></КоммерческаяИнформация>";
        assert!(err(xml.as_bytes()).starts_with("line 2: an <Предложение> with balances but without <Ид>"));
    }

    #[test]
    fn newlines_are_counted() {
        let text: Vec<u8> = (0..1000u32).map(|i| if i % 7 == 0 { b'\n' } else { b'x' }).collect();
        for end in [0, 1, 63, 64, 65, 130, 1000] {
            let want = text[..end].iter().filter(|&&b| b == b'\n').count() as u64;
            assert_eq!(count_newlines(&text[..end]), want, "{end}");
        }
        assert_eq!(count_newlines(&[b'\n'; 64]), 64);
    }

    #[test]
    fn lines_are_counted_across_buffer_refills() {
        // A small BufReader capacity makes quick-xml refill many times.
        let mut xml = String::from("<КоммерческаяИнформация><ПакетПредложений><Предложения>\n");
        for i in 0..500 {
            xml.push_str(&format!("<Предложение><Ид>I{i}</Ид>\n<Количество>{i}</Количество></Предложение>\n"));
        }
        xml.push_str("</Предложения></ПакетПредложений></КоммерческаяИнформация>");
        let mut lines = Vec::new();
        parse(std::io::BufReader::with_capacity(16, xml.as_bytes()), |r| {
            if let Record::Balance(b) = r {
                lines.push((b.quantity, b.line));
            }
            Ok::<_, ParseError>(())
        })
        .unwrap();
        assert_eq!(lines.len(), 500);
        assert!(lines.iter().all(|&(q, line)| line == 3 + 2 * q as u64), "{:?}", &lines[..3]);
    }
}
