//! The cartridge catalog and stock levels.

use super::{Actor, App, Result, lookup, principal};
use crate::domain::permissions::authorize;
use crate::domain::{CartridgeTypeId, Permission, PrinterId, Refusal, WarehouseKey};
use crate::store::{CartridgeType, Printer, PrinterFilter, StockFilter, StockRow, Tx};

pub fn cartridge_types(app: &App) -> Result<Vec<CartridgeType>> {
    Ok(app.store.read()?.cartridge_types()?)
}

/// Stock rows, optionally for one warehouse and only those below their minimum.
pub fn stock(app: &App, warehouse: Option<&WarehouseKey>, below_minimum: bool) -> Result<Vec<StockRow>> {
    let mut tx = app.store.read()?;
    let warehouse_id = match warehouse {
        Some(key) => Some(lookup::warehouse(&mut *tx, key)?.id),
        None => None,
    };
    let mut rows = tx.stock(&StockFilter { warehouse_id, cartridge_type_id: None })?;
    if below_minimum {
        rows.retain(StockRow::below_minimum);
    }
    Ok(rows)
}

/// Every stock row below its minimum (see [`StockRow::below_minimum`]), in listing order.
pub(crate) fn low_stock(tx: &mut dyn Tx) -> Result<Vec<StockRow>> {
    let mut rows = tx.stock(&StockFilter::default())?;
    rows.retain(StockRow::below_minimum);
    Ok(rows)
}

/// One cartridge type as a person ordering sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderOption {
    pub cartridge: CartridgeType,
    /// In stock across all warehouses.
    pub stock: i64,
    /// In stock at the warehouses of the person's branch.
    pub here: i64,
    /// The chosen printer takes it.
    pub fits: bool,
}

/// What a person ordering chooses from: their branch's printers in service,
/// the one they picked (if any), and the catalog with the picked printer's
/// types first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderChoices {
    pub printers: Vec<Printer>,
    pub printer: Option<Printer>,
    pub options: Vec<OrderOption>,
}

impl OrderChoices {
    /// The type to put in the order at once: the picked printer's, when it
    /// takes exactly one.
    pub fn preselected(&self) -> Option<CartridgeTypeId> {
        let mut fits = self.options.iter().filter(|o| o.fits);
        match (fits.next(), fits.next()) {
            (Some(one), None) => Some(one.cartridge.id),
            _ => None,
        }
    }
}

/// The choices of the person `actor` ordering, for `printer` if they picked
/// one: it must be in service at their branch.
pub fn order_choices(app: &App, actor: &Actor, printer: Option<PrinterId>) -> Result<OrderChoices> {
    let mut tx = app.store.read()?;
    let who = principal(&mut *tx, &app.settings, actor)?;
    authorize(&who, Permission::CreateRequest, None)?;
    let branch = match actor.telegram_id() {
        Some(id) => tx.user(id)?.and_then(|u| u.branch_id),
        None => None,
    };
    let printers = match branch {
        Some(b) => tx.printers(&PrinterFilter { branch_id: Some(b), ..Default::default() })?,
        None => Vec::new(),
    };
    let printer = match (printer, branch) {
        (Some(id), Some(b)) => Some(super::printers::orderable(&mut *tx, id, b)?),
        (Some(_), None) => return Err(Refusal::NoBranch.into()),
        (None, _) => None,
    };
    let stock = tx.stock(&StockFilter::default())?;
    let here: Vec<crate::domain::WarehouseId> =
        tx.warehouses()?.into_iter().filter(|w| branch.is_some() && w.branch_id == branch).map(|w| w.id).collect();
    let mut options: Vec<OrderOption> = tx
        .cartridge_types()?
        .into_iter()
        .map(|c| {
            let of_type = stock.iter().filter(|s| s.cartridge_type_id == c.id);
            let total = of_type.clone().map(|s| s.quantity).sum();
            let at_branch = of_type.filter(|s| here.contains(&s.warehouse_id)).map(|s| s.quantity).sum();
            let fits = printer.as_ref().is_some_and(|p| p.takes(c.id));
            OrderOption { cartridge: c, stock: total, here: at_branch, fits }
        })
        .collect();
    // The printer's types first, each part in catalog order.
    options.sort_by_key(|o| !o.fits);
    Ok(OrderChoices { printers, printer, options })
}

/// Stock for a staff member (checked from the store now).
pub fn stock_for(app: &App, actor: &Actor) -> Result<Vec<StockRow>> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ViewStock, None)?;
    Ok(tx.stock(&StockFilter::default())?)
}

/// Warehouses with how much of an order's outstanding lines each could cover.
pub fn warehouses_for_order(app: &App, request_id: i64) -> Result<Vec<(crate::store::Warehouse, i64)>> {
    let mut tx = app.store.read()?;
    let items = tx.items(request_id)?;
    let mut out = Vec::new();
    for w in tx.warehouses()? {
        let mut covered = 0;
        for i in &items {
            let need = i.quantity - i.issued_quantity;
            if need > 0 {
                covered += tx.stock_level(i.cartridge_type_id, w.id)?.unwrap_or(0).min(need);
            }
        }
        out.push((w, covered));
    }
    Ok(out)
}

/// A cartridge type by its id (from a button or a dialogue step).
pub fn cartridge_type(app: &App, id: CartridgeTypeId) -> Result<CartridgeType> {
    lookup::cartridge_type_by_id(&mut *app.store.read()?, id)
}

/// The cartridge type a key a person typed names (a vendor article, 1C id or id).
pub fn cartridge_type_by_key(app: &App, key: &crate::domain::CartridgeKey) -> Result<CartridgeType> {
    lookup::cartridge_type(&mut *app.store.read()?, key)
}
