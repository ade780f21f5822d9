//! The cartridge catalog and stock levels.

use super::{App, Result, directory};
use crate::store::{CartridgeType, StockFilter, StockRow};

pub fn cartridge_types(app: &App) -> Result<Vec<CartridgeType>> {
    Ok(app.store.read()?.cartridge_types()?)
}

/// Stock rows, optionally for one warehouse (by id, code, name or 1C id) and only those below their minimum.
pub fn stock(app: &App, warehouse: Option<&str>, below_minimum: bool) -> Result<Vec<StockRow>> {
    let mut tx = app.store.read()?;
    let warehouse_id = match warehouse {
        Some(key) => Some(directory::find_warehouse(&mut *tx, key)?.id),
        None => None,
    };
    Ok(tx.stock(&StockFilter { warehouse_id, cartridge_type_id: None, below_minimum })?)
}
