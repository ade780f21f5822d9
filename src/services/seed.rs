//! Loading reference data: branches, warehouses, the cartridge catalog,
//! initial stock and staff, from a fixtures directory or from the sample set
//! built into the binary; and writing that sample set out as a template.
//!
//! Each file is CSV with a header row (see `fixtures/`). Rows are matched by
//! their natural key (branch code, warehouse code, vendor article, Telegram ID):
//! missing ones are added, reference data that differs is updated, and live
//! data is never overwritten: stock rows that exist keep their quantity, and
//! people who exist keep their role (the app is where roles change). A second
//! run changes nothing. The whole load is one transaction.
//!
//! This module is the one place that parses fixtures; front ends only choose
//! the [`Fixtures`] source and print the report.

use super::{Actor, App, AuditEvent, Error, Result, audit, calendars, directory, lookup};
use crate::domain::audit::AuditAction;
use crate::domain::{Entity, Key, Lang, Named, Phone, Role, TextField};
use crate::store::{NewBranch, NewCartridgeType, NewWarehouse, Tx, User};
use serde::Deserialize;
use serde_json::json;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The sample set built into the binary: `fixtures/` without the 1C test files.
const SAMPLE: [(&str, &str); 8] = [
    ("calendars.csv", include_str!("../../fixtures/calendars.csv")),
    ("holidays.csv", include_str!("../../fixtures/holidays.csv")),
    ("branches.csv", include_str!("../../fixtures/branches.csv")),
    ("warehouses.csv", include_str!("../../fixtures/warehouses.csv")),
    ("cartridges.csv", include_str!("../../fixtures/cartridges.csv")),
    ("stock.csv", include_str!("../../fixtures/stock.csv")),
    ("staff.csv", include_str!("../../fixtures/staff.csv")),
    ("printers.csv", include_str!("../../fixtures/printers.csv")),
];

/// Where reference data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fixtures {
    /// A directory holding some of the fixture files.
    Dir(PathBuf),
    /// The sample set built into the binary.
    BuiltIn,
}

/// One fixture file, opened: the name messages show, and its contents.
struct Input {
    shown: String,
    reader: Box<dyn Read>,
}

impl Fixtures {
    /// The name shown for the file `name` of this set.
    fn shown(&self, name: &str) -> String {
        match self {
            Fixtures::Dir(dir) => dir.join(name).display().to_string(),
            Fixtures::BuiltIn => format!("built-in:{name}"),
        }
    }

    /// The file `name` of this set, or `None` when the set has no such file.
    fn open(&self, name: &str) -> Result<Option<Input>> {
        let shown = self.shown(name);
        let reader: Box<dyn Read> = match self {
            Fixtures::Dir(dir) => {
                let path = dir.join(name);
                if !path.exists() {
                    return Ok(None);
                }
                let file =
                    std::fs::File::open(&path).map_err(|e| Error::Invalid(format!("cannot read {shown}: {e}")))?;
                Box::new(std::io::BufReader::new(file))
            }
            Fixtures::BuiltIn => match SAMPLE.iter().find(|(n, _)| *n == name) {
                Some((_, text)) => Box::new(text.as_bytes()),
                None => return Ok(None),
            },
        };
        Ok(Some(Input { shown, reader }))
    }
}

impl std::fmt::Display for Fixtures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fixtures::Dir(dir) => write!(f, "{}", dir.display()),
            Fixtures::BuiltIn => f.write_str("the built-in sample set"),
        }
    }
}

/// What one fixture file did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SeedLine {
    pub table: &'static str,
    pub file: String,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

#[derive(Deserialize)]
struct BranchRow {
    code: String,
    name: String,
    #[serde(default)]
    address: Option<String>,
    /// The code of the calendar it keeps; blank for the organization's default.
    #[serde(default)]
    calendar: Option<String>,
}

#[derive(Deserialize)]
struct CalendarRow {
    code: String,
    name: String,
    #[serde(default)]
    timezone: Option<String>,
    /// `yes` for the organization's default calendar.
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    mon: Option<String>,
    #[serde(default)]
    tue: Option<String>,
    #[serde(default)]
    wed: Option<String>,
    #[serde(default)]
    thu: Option<String>,
    #[serde(default)]
    fri: Option<String>,
    #[serde(default)]
    sat: Option<String>,
    #[serde(default)]
    sun: Option<String>,
}

#[derive(Deserialize)]
struct DayRow {
    /// Required in holidays.csv; in a file for one calendar, blank or that calendar.
    #[serde(default)]
    calendar: Option<String>,
    date: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    hours: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

impl DayRow {
    fn form(self) -> calendars::DayForm {
        calendars::DayForm {
            kind: self.kind.unwrap_or_default(),
            date: self.date,
            hours: self.hours.unwrap_or_default(),
            name: self.name.unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
struct WarehouseRow {
    code: String,
    name: String,
    #[serde(default)]
    branch: Option<String>,
    #[serde(default)]
    one_c_id: Option<String>,
}

#[derive(Deserialize)]
struct CartridgeRow {
    article: String,
    name: String,
    #[serde(default)]
    compatible_printers: Option<String>,
    #[serde(default)]
    one_c_id: Option<String>,
    #[serde(default)]
    min_stock: Option<i64>,
}

#[derive(Deserialize)]
struct StockRowIn {
    article: String,
    warehouse: String,
    quantity: i64,
}

#[derive(Deserialize)]
struct PrinterRow {
    inventory_number: String,
    branch: String,
    model: String,
    #[serde(default)]
    place: Option<String>,
    #[serde(default)]
    serial: Option<String>,
    /// Vendor articles (or other cartridge keys), separated by `;`.
    #[serde(default)]
    cartridges: Option<String>,
}

#[derive(Deserialize)]
struct StaffRow {
    telegram_id: i64,
    full_name: String,
    role: String,
    #[serde(default)]
    branch: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

/// Reads every row of `input`, calling `each` with the row and its line number.
fn each_row<T: for<'de> Deserialize<'de>>(input: Input, mut each: impl FnMut(T, u64) -> Result<()>) -> Result<()> {
    let Input { shown, reader } = input;
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(reader);
    let headers = reader.headers().map_err(|e| Error::Invalid(format!("{shown}: {e}")))?.clone();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            let what = match e.kind() {
                csv::ErrorKind::UnequalLengths { len, .. } => format!(
                    "{len} field{} where the header has {} ({}); a value with a comma needs \"quotes\"",
                    if *len == 1 { "" } else { "s" },
                    headers.len(),
                    headers.iter().collect::<Vec<_>>().join(",")
                ),
                csv::ErrorKind::Utf8 { .. } => "not UTF-8 text; save the file as UTF-8".to_string(),
                _ => e.to_string(),
            };
            Error::Invalid(format!("{shown} line {line}: {what}"))
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let row: T = record.deserialize(Some(&headers)).map_err(|e| {
            let what = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
                _ => e.to_string(),
            };
            Error::Invalid(format!("{shown} line {line}: {what}"))
        })?;
        each(row, line).map_err(|e| match e {
            Error::Store(_) => e,
            other => Error::Invalid(format!("{shown} line {line}: {other}")),
        })?;
    }
    Ok(())
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Loads one fixture file into the store, counting what it did.
type Loader = fn(&mut dyn Tx, Input, chrono::DateTime<chrono::Utc>, &mut SeedLine) -> Result<()>;

/// The fixture files in load order, with the table each fills and its loader.
const LOADERS: [(&str, &str, Loader); 8] = [
    ("calendars", "calendars.csv", seed_calendars),
    ("calendar_days", "holidays.csv", seed_holidays),
    ("branches", "branches.csv", seed_branches),
    ("warehouses", "warehouses.csv", seed_warehouses),
    ("cartridge_types", "cartridges.csv", seed_cartridges),
    ("stock_items", "stock.csv", seed_stock),
    ("users", "staff.csv", seed_staff),
    ("printers", "printers.csv", seed_printers),
];

/// Loads every fixture file `source` has; see the module docs.
///
/// The built-in sample set is for trying helpdesk out: it is not loaded into a
/// database that has branches of its own (any not in the sample set), so that a
/// `helpdesk seed` run in the wrong directory cannot mix sample branches and
/// staff into real reference data.
pub fn load_fixtures(app: &App, actor: &Actor, source: &Fixtures) -> Result<Vec<SeedLine>> {
    if let Fixtures::Dir(dir) = source
        && !dir.is_dir()
    {
        let shown = dir.display();
        return Err(Error::Invalid(format!(
            "fixtures directory {shown} not found; check the path, \
             or write a template there to fill in with `helpdesk seed --write-fixtures {shown}`"
        )));
    }
    let now = app.now();
    let mut tx = app.store.write()?;
    super::principal(&mut *tx, &app.settings, actor)?;
    if *source == Fixtures::BuiltIn {
        let sample = sample_branch_codes()?;
        let own = tx.branches()?.into_iter().find(|b| !sample.iter().any(|c| c.eq_ignore_ascii_case(&b.code)));
        if let Some(own) = own {
            return Err(Error::Invalid(format!(
                "the database has reference data of its own (branch {} is not in the built-in sample set), \
                 so the sample set is not loaded into it; pass --fixtures DIR to load yours",
                own.code
            )));
        }
    }
    let mut report = Vec::new();
    for (table, file, load) in LOADERS {
        if let Some(input) = source.open(file)? {
            let mut line = SeedLine { table, file: input.shown.clone(), added: 0, updated: 0, unchanged: 0 };
            load(&mut *tx, input, now, &mut line)?;
            report.push(line);
        }
    }
    if report.is_empty() {
        return Err(Error::Invalid(format!(
            "no fixture files in {source}; expected calendars.csv, holidays.csv, branches.csv, warehouses.csv, \
             cartridges.csv, stock.csv, staff.csv or printers.csv"
        )));
    }
    let changed: u64 = report.iter().map(|l| l.added + l.updated).sum();
    if changed > 0 {
        let target = match source {
            Fixtures::Dir(dir) => dir.display().to_string(),
            Fixtures::BuiltIn => "built-in".to_string(),
        };
        audit(&mut *tx, now, actor, AuditEvent::new(AuditAction::SeedFixtures, "seed", target).after(json!(report)))?;
    }
    tx.commit()?;
    Ok(report)
}

/// The branch codes of the built-in sample set.
fn sample_branch_codes() -> Result<Vec<String>> {
    let mut codes = Vec::new();
    let input = Fixtures::BuiltIn.open("branches.csv")?.expect("the sample set has branches.csv");
    each_row(input, |row: BranchRow, _| {
        codes.push(row.code);
        Ok(())
    })?;
    Ok(codes)
}

/// Writes the built-in sample set into `dir` (made if missing) as a template
/// to fill in with an organization's own data, and returns the files written.
/// Existing files are refused, all before anything is written, unless `force`.
/// The database is not touched.
pub fn write_sample(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is a file, not a directory; name a directory to write to",
            dir.display()
        )));
    }
    if !force && let Some(path) = SAMPLE.iter().map(|(name, _)| dir.join(name)).find(|p| p.exists()) {
        return Err(Error::Invalid(format!(
            "{} already exists; pass --force to overwrite it, or name another directory",
            path.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::Invalid(format!("cannot create {}: {e}", dir.display())))?;
    let mut written = Vec::new();
    for (name, text) in SAMPLE {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::Invalid(format!("cannot write {}: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

fn seed_branches(tx: &mut dyn Tx, input: Input, now: chrono::DateTime<chrono::Utc>, line: &mut SeedLine) -> Result<()> {
    each_row(input, |row: BranchRow, _| {
        let new = NewBranch {
            code: directory::valid_code(Entity::Branch, &row.code)?,
            name: directory::valid_name(TextField::BranchName, &row.name, 200)?,
            address: blank_to_none(row.address),
        };
        // A blank calendar leaves the branch's as it is (the default, or one given in the panel).
        let calendar = blank_to_none(row.calendar);
        let assign = |tx: &mut dyn Tx, id| match &calendar {
            Some(code) => calendars::assign_in(tx, id, Some(code)),
            None => Ok(false),
        };
        match tx.branches()?.into_iter().find(|b| b.code.eq_ignore_ascii_case(&new.code)) {
            None => {
                let b = tx.insert_branch(&new, now)?;
                assign(tx, b.id)?;
                line.added += 1;
            }
            Some(mut b) => {
                let moved = assign(tx, b.id)?;
                if b.name != new.name || b.address != new.address {
                    b.name = new.name;
                    b.address = new.address;
                    tx.update_branch(&b)?;
                    line.updated += 1;
                } else if moved {
                    line.updated += 1;
                } else {
                    line.unchanged += 1;
                }
            }
        }
        Ok(())
    })
}

fn seed_calendars(
    tx: &mut dyn Tx,
    input: Input,
    now: chrono::DateTime<chrono::Utc>,
    line: &mut SeedLine,
) -> Result<()> {
    each_row(input, |row: CalendarRow, _| {
        let default = match blank_to_none(row.default).map(|d| d.to_ascii_lowercase()).as_deref() {
            None | Some("no") => false,
            Some("yes") => true,
            Some(other) => {
                return Err(Error::Invalid(format!("default is '{other}'; write yes, or leave it empty")));
            }
        };
        let week = [row.mon, row.tue, row.wed, row.thu, row.fri, row.sat, row.sun];
        let form = calendars::CalendarForm {
            code: row.code,
            name: row.name,
            timezone: Some(row.timezone.unwrap_or_default()),
            week: week.map(|h| Some(h.unwrap_or_default())),
            default: Some(default),
        };
        count(line, calendars::define_in(tx, &form, now)?.1);
        Ok(())
    })
}

fn count(line: &mut SeedLine, outcome: calendars::Outcome) {
    match outcome {
        calendars::Outcome::Added => line.added += 1,
        calendars::Outcome::Updated => line.updated += 1,
        calendars::Outcome::Unchanged => line.unchanged += 1,
    }
}

fn seed_holidays(tx: &mut dyn Tx, input: Input, _: chrono::DateTime<chrono::Utc>, line: &mut SeedLine) -> Result<()> {
    each_row(input, |row: DayRow, _| {
        let Some(code) = blank_to_none(row.calendar.clone()) else {
            return Err(Error::Invalid("no calendar; name the calendar's code in the calendar column".into()));
        };
        let calendar = calendars::by_code(tx, &code)?;
        count(line, calendars::put_day_in(tx, &calendar, &row.form())?);
        Ok(())
    })
}

/// Loads holidays and working days from a CSV file (date, kind, hours, name,
/// and optionally calendar) into the calendar `code`, in one transaction:
/// a year's list of public holidays, for example. Days already there keep
/// their place; their hours and names are updated.
pub fn import_days(app: &App, actor: &Actor, code: &str, file: &Path) -> Result<SeedLine> {
    let shown = file.display().to_string();
    let reader = std::fs::File::open(file).map_err(|e| Error::Invalid(format!("cannot read {shown}: {e}")))?;
    let input = Input { shown: shown.clone(), reader: Box::new(std::io::BufReader::new(reader)) };
    let now = app.now();
    let mut tx = app.store.write()?;
    crate::domain::permissions::authorize(
        &super::principal(&mut *tx, &app.settings, actor)?,
        crate::domain::Permission::ManageDirectory,
        None,
    )?;
    let calendar = calendars::by_code(&mut *tx, code)?;
    let mut line = SeedLine { table: "calendar_days", file: shown.clone(), added: 0, updated: 0, unchanged: 0 };
    each_row(input, |row: DayRow, _| {
        if let Some(other) = blank_to_none(row.calendar.clone())
            && !other.eq_ignore_ascii_case(&calendar.code)
        {
            return Err(Error::Invalid(format!(
                "this row is for calendar {other}, not {}; load it into that calendar, or clear its calendar column",
                calendar.code
            )));
        }
        count(&mut line, calendars::put_day_in(&mut *tx, &calendar, &row.form())?);
        Ok(())
    })?;
    if line.added + line.updated > 0 {
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(AuditAction::CalendarDays, "calendar", &calendar.code).after(json!(line)),
        )?;
    }
    tx.commit()?;
    Ok(line)
}

fn seed_warehouses(
    tx: &mut dyn Tx,
    input: Input,
    now: chrono::DateTime<chrono::Utc>,
    line: &mut SeedLine,
) -> Result<()> {
    each_row(input, |row: WarehouseRow, _| {
        let branch_id = match blank_to_none(row.branch) {
            Some(key) => Some(lookup::branch(tx, &Key::parse(&key)?)?.id),
            None => None,
        };
        let new = NewWarehouse {
            code: directory::valid_code(Entity::Warehouse, &row.code)?,
            name: directory::valid_name(TextField::WarehouseName, &row.name, 200)?,
            branch_id,
            one_c_id: blank_to_none(row.one_c_id),
        };
        match tx.warehouses()?.into_iter().find(|w| w.code.eq_ignore_ascii_case(&new.code)) {
            None => {
                tx.insert_warehouse(&new, now)?;
                line.added += 1;
            }
            Some(mut w) if w.name != new.name || w.branch_id != new.branch_id || w.one_c_id != new.one_c_id => {
                w.name = new.name;
                w.branch_id = new.branch_id;
                w.one_c_id = new.one_c_id;
                tx.update_warehouse(&w)?;
                line.updated += 1;
            }
            Some(_) => line.unchanged += 1,
        }
        Ok(())
    })
}

fn seed_cartridges(
    tx: &mut dyn Tx,
    input: Input,
    now: chrono::DateTime<chrono::Utc>,
    line: &mut SeedLine,
) -> Result<()> {
    each_row(input, |row: CartridgeRow, _| {
        let min_stock = row.min_stock.unwrap_or(0);
        if min_stock < 0 {
            return Err(Error::Invalid(format!("min_stock {min_stock} is negative")));
        }
        let new = NewCartridgeType {
            name: directory::valid_name(TextField::CartridgeName, &row.name, 200)?,
            vendor_article: directory::valid_name(TextField::VendorArticle, &row.article, 100)?,
            compatible_printers: blank_to_none(row.compatible_printers).unwrap_or_default(),
            one_c_id: blank_to_none(row.one_c_id),
            min_stock,
        };
        let existing =
            tx.cartridge_types()?.into_iter().find(|c| c.vendor_article.eq_ignore_ascii_case(&new.vendor_article));
        match existing {
            None => {
                tx.insert_cartridge_type(&new, now)?;
                line.added += 1;
            }
            Some(mut c)
                if c.name != new.name
                    || c.compatible_printers != new.compatible_printers
                    || c.one_c_id != new.one_c_id
                    || c.min_stock != new.min_stock =>
            {
                c.name = new.name;
                c.compatible_printers = new.compatible_printers;
                c.one_c_id = new.one_c_id;
                c.min_stock = new.min_stock;
                tx.update_cartridge_type(&c)?;
                line.updated += 1;
            }
            Some(_) => line.unchanged += 1,
        }
        Ok(())
    })
}

fn seed_stock(tx: &mut dyn Tx, input: Input, now: chrono::DateTime<chrono::Utc>, line: &mut SeedLine) -> Result<()> {
    each_row(input, |row: StockRowIn, _| {
        if row.quantity < 0 {
            return Err(Error::Invalid(format!("quantity {} is negative", row.quantity)));
        }
        let cartridge = lookup::cartridge_type(tx, &Key::parse(&row.article)?)?;
        let warehouse = lookup::warehouse(tx, &Key::parse(&row.warehouse)?)?;
        if tx.stock_level(cartridge.id, warehouse.id)?.is_some() {
            line.unchanged += 1;
        } else {
            let seeding = super::Actor::System("seed");
            super::ledger::set_full(tx, warehouse.id, cartridge.id, row.quantity, &seeding, now)?;
            line.added += 1;
        }
        Ok(())
    })
}

fn seed_staff(tx: &mut dyn Tx, input: Input, now: chrono::DateTime<chrono::Utc>, line: &mut SeedLine) -> Result<()> {
    each_row(input, |row: StaffRow, _| {
        if row.telegram_id <= 0 {
            return Err(Error::Invalid(format!("'{}' is not a Telegram user ID", row.telegram_id)));
        }
        let role = Role::parse_named(&row.role).map_err(|e| Error::Invalid(e.to_string()))?;
        if role == Role::SuperAdmin {
            return Err(Error::Invalid("super admins are set in HELPDESK_SUPER_ADMINS, not in fixtures".into()));
        }
        let phone = blank_to_none(row.phone)
            .map(|p| Phone::parse(&p).map(|p| p.to_string()).map_err(|e| Error::Invalid(e.to_string())))
            .transpose()?;
        let language = blank_to_none(row.language)
            .map(|l| Lang::parse_named(&l).map_err(|e| Error::Invalid(e.to_string())))
            .transpose()?;
        let branch_id = match blank_to_none(row.branch) {
            Some(key) => Some(lookup::branch(tx, &Key::parse(&key)?)?.id),
            None => None,
        };
        if tx.user(row.telegram_id)?.is_some() {
            line.unchanged += 1;
            return Ok(());
        }
        tx.insert_user(&User {
            telegram_id: row.telegram_id,
            full_name: directory::valid_name(TextField::FullName, &row.full_name, 200)?,
            username: None,
            phone,
            role,
            branch_id,
            language,
            blocked: false,
            on_duty: true,
            bot_blocked_at: None,
            created_at: now,
            last_seen_at: None,
        })?;
        line.added += 1;
        Ok(())
    })
}

fn seed_printers(tx: &mut dyn Tx, input: Input, now: chrono::DateTime<chrono::Utc>, line: &mut SeedLine) -> Result<()> {
    each_row(input, |row: PrinterRow, _| {
        let cartridges = blank_to_none(row.cartridges)
            .map(|list| {
                list.split(';').map(str::trim).filter(|k| !k.is_empty()).map(Key::parse).collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let form = super::printers::PrinterForm {
            branch: Key::parse(&row.branch)?,
            inventory_number: row.inventory_number,
            model: row.model,
            place: blank_to_none(row.place).unwrap_or_default(),
            serial: blank_to_none(row.serial),
            cartridges,
        };
        let new = super::printers::checked(tx, &form)?;
        match tx.printer_by_inventory_number(&new.inventory_number)? {
            None => {
                tx.insert_printer(&new, now)?;
                line.added += 1;
            }
            // A retired printer stays as it was retired.
            Some(p) if p.retired_at.is_some() => line.unchanged += 1,
            Some(p)
                if p.branch_id != new.branch_id
                    || p.model != new.model
                    || p.place != new.place
                    || p.serial != new.serial
                    || p.cartridge_type_ids != new.cartridge_type_ids =>
            {
                tx.update_printer(p.id, &new)?;
                line.updated += 1;
            }
            Some(_) => line.unchanged += 1,
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_set_has_every_fixture_file_and_parses() {
        let sample: Vec<&str> = SAMPLE.iter().map(|(name, _)| *name).collect();
        let loaded: Vec<&str> = LOADERS.iter().map(|(_, name, _)| *name).collect();
        assert_eq!(sample, loaded);
        assert_eq!(sample_branch_codes().unwrap().len(), 8);
        assert_eq!(SAMPLE.len(), LOADERS.len());
    }
}
