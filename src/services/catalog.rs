//! The cartridge catalog and stock levels.

use super::{Actor, App, Result, lookup, principal};
use crate::domain::permissions::authorize;
use crate::domain::{CartridgeTypeId, Permission, WarehouseKey};
use crate::store::{CartridgeType, StockFilter, StockRow, Tx};

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

/// The catalog with how many of each are in stock across all warehouses.
pub fn catalog_with_stock(app: &App) -> Result<Vec<(CartridgeType, i64)>> {
    let mut tx = app.store.read()?;
    let stock = tx.stock(&StockFilter::default())?;
    Ok(tx
        .cartridge_types()?
        .into_iter()
        .map(|c| {
            let total = stock.iter().filter(|s| s.cartridge_type_id == c.id).map(|s| s.quantity).sum();
            (c, total)
        })
        .collect())
}

/// The catalog with how many of each are in stock across all warehouses and
/// at the warehouses of `branch` (none when it has none, or no branch).
pub fn catalog_for_branch(
    app: &App,
    branch: Option<crate::domain::BranchId>,
) -> Result<Vec<(CartridgeType, i64, i64)>> {
    let mut tx = app.store.read()?;
    let stock = tx.stock(&StockFilter::default())?;
    let here: Vec<crate::domain::WarehouseId> =
        tx.warehouses()?.into_iter().filter(|w| branch.is_some() && w.branch_id == branch).map(|w| w.id).collect();
    Ok(tx
        .cartridge_types()?
        .into_iter()
        .map(|c| {
            let of_type = stock.iter().filter(|s| s.cartridge_type_id == c.id);
            let total = of_type.clone().map(|s| s.quantity).sum();
            let at_branch = of_type.filter(|s| here.contains(&s.warehouse_id)).map(|s| s.quantity).sum();
            (c, total, at_branch)
        })
        .collect())
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
