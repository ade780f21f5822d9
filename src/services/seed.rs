//! Loading reference data from a fixtures directory: branches, warehouses,
//! the cartridge catalog, initial stock and staff.
//!
//! Each file is CSV with a header row (see `fixtures/`). Rows are matched by
//! their natural key (branch code, warehouse code, vendor article, Telegram ID):
//! missing ones are added, reference data that differs is updated, and live
//! data is never overwritten: stock rows that exist keep their quantity, and
//! people who exist keep their role (the app is where roles change). A second
//! run changes nothing. The whole load is one transaction.

use super::{Actor, App, AuditEvent, Error, Result, audit, directory, lookup};
use crate::domain::{Key, Lang, Named, Phone, Role};
use crate::store::{NewBranch, NewCartridgeType, NewWarehouse, Tx, User};
use serde::Deserialize;
use serde_json::json;
use std::path::{Path, PathBuf};

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

/// Reads every row of `path`, calling `each` with the row and its line number.
fn each_row<T: for<'de> Deserialize<'de>>(path: &Path, mut each: impl FnMut(T, u64) -> Result<()>) -> Result<()> {
    let shown = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| Error::Invalid(format!("cannot read {shown}: {e}")))?;
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
type Loader = fn(&mut dyn Tx, &Path, chrono::DateTime<chrono::Utc>, &mut SeedLine) -> Result<()>;

/// Loads every fixture file found in `dir`; see the module docs.
pub fn load_fixtures(app: &App, actor: &Actor, dir: &Path) -> Result<Vec<SeedLine>> {
    if !dir.is_dir() {
        return Err(Error::Invalid(format!(
            "fixtures directory {} not found; run from the project directory or pass --fixtures DIR",
            dir.display()
        )));
    }
    let now = app.now();
    let mut tx = app.store.write()?;
    super::principal(&mut *tx, &app.settings, actor)?;
    let mut report = Vec::new();
    let files: [(&str, &str, Loader); 5] = [
        ("branches", "branches.csv", seed_branches),
        ("warehouses", "warehouses.csv", seed_warehouses),
        ("cartridge_types", "cartridges.csv", seed_cartridges),
        ("stock_items", "stock.csv", seed_stock),
        ("users", "staff.csv", seed_staff),
    ];
    for (table, file, load) in files {
        let path: PathBuf = dir.join(file);
        let mut line = SeedLine { table, file: path.display().to_string(), added: 0, updated: 0, unchanged: 0 };
        if path.exists() {
            load(&mut *tx, &path, now, &mut line)?;
            report.push(line);
        }
    }
    if report.is_empty() {
        return Err(Error::Invalid(format!(
            "no fixture files in {}; expected branches.csv, warehouses.csv, cartridges.csv, stock.csv or staff.csv",
            dir.display()
        )));
    }
    let changed: u64 = report.iter().map(|l| l.added + l.updated).sum();
    if changed > 0 {
        audit(&mut *tx, now, actor, AuditEvent::new("seed.fixtures", "seed", dir.display()).after(json!(report)))?;
    }
    tx.commit()?;
    Ok(report)
}

fn seed_branches(tx: &mut dyn Tx, path: &Path, now: chrono::DateTime<chrono::Utc>, line: &mut SeedLine) -> Result<()> {
    each_row(path, |row: BranchRow, _| {
        let new = NewBranch {
            code: directory::valid_code("branch", &row.code)?,
            name: directory::valid_name("branch name", &row.name, 200)?,
            address: blank_to_none(row.address),
        };
        match tx.branches()?.into_iter().find(|b| b.code.eq_ignore_ascii_case(&new.code)) {
            None => {
                tx.insert_branch(&new, now)?;
                line.added += 1;
            }
            Some(mut b) if b.name != new.name || b.address != new.address => {
                b.name = new.name;
                b.address = new.address;
                tx.update_branch(&b)?;
                line.updated += 1;
            }
            Some(_) => line.unchanged += 1,
        }
        Ok(())
    })
}

fn seed_warehouses(
    tx: &mut dyn Tx,
    path: &Path,
    now: chrono::DateTime<chrono::Utc>,
    line: &mut SeedLine,
) -> Result<()> {
    each_row(path, |row: WarehouseRow, _| {
        let branch_id = match blank_to_none(row.branch) {
            Some(key) => Some(lookup::branch(tx, &Key::parse(&key)?)?.id),
            None => None,
        };
        let new = NewWarehouse {
            code: directory::valid_code("warehouse", &row.code)?,
            name: directory::valid_name("warehouse name", &row.name, 200)?,
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
    path: &Path,
    now: chrono::DateTime<chrono::Utc>,
    line: &mut SeedLine,
) -> Result<()> {
    each_row(path, |row: CartridgeRow, _| {
        let min_stock = row.min_stock.unwrap_or(0);
        if min_stock < 0 {
            return Err(Error::Invalid(format!("min_stock {min_stock} is negative")));
        }
        let new = NewCartridgeType {
            name: directory::valid_name("cartridge name", &row.name, 200)?,
            vendor_article: directory::valid_name("vendor article", &row.article, 100)?,
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

fn seed_stock(tx: &mut dyn Tx, path: &Path, now: chrono::DateTime<chrono::Utc>, line: &mut SeedLine) -> Result<()> {
    each_row(path, |row: StockRowIn, _| {
        if row.quantity < 0 {
            return Err(Error::Invalid(format!("quantity {} is negative", row.quantity)));
        }
        let cartridge = lookup::cartridge_type(tx, &Key::parse(&row.article)?)?;
        let warehouse = lookup::warehouse(tx, &Key::parse(&row.warehouse)?)?;
        if tx.stock_level(cartridge.id, warehouse.id)?.is_some() {
            line.unchanged += 1;
        } else {
            tx.set_stock(cartridge.id, warehouse.id, row.quantity, now)?;
            line.added += 1;
        }
        Ok(())
    })
}

fn seed_staff(tx: &mut dyn Tx, path: &Path, now: chrono::DateTime<chrono::Utc>, line: &mut SeedLine) -> Result<()> {
    each_row(path, |row: StaffRow, _| {
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
            full_name: directory::valid_name("full name", &row.full_name, 200)?,
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
