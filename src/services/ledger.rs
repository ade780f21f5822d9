//! The stock ledger: every change of full and empty cartridges is a move
//! (see [`crate::domain::stock`]), written in the same transaction as what
//! caused it, and the books are balanced from it by `helpdesk stock check`.

use super::{Actor, App, AuditEvent, Result, audit, lookup, principal};
use crate::domain::audit::AuditAction;
use crate::domain::permissions::authorize;
use crate::domain::stock::Books;
use crate::domain::{
    CartridgeKey, CartridgeTypeId, MoveKind, Permission, Refusal, StockLevels, WarehouseId, WarehouseKey,
};
use crate::store::{NewStockMove, Tx};
use chrono::{DateTime, Utc};
use serde_json::json;

/// The most empties one delivery may bring.
pub const MAX_EMPTIES: i64 = 1000;

/// Makes the full cartridges of a type at a warehouse `quantity`, as a
/// receipt of the difference (1C's balances, fixtures); makes the stock row
/// if there was none. Returns the change.
pub(crate) fn set_full(
    tx: &mut dyn Tx,
    warehouse_id: WarehouseId,
    cartridge_type_id: CartridgeTypeId,
    quantity: i64,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<i64> {
    let had = tx.stock_level(cartridge_type_id, warehouse_id)?;
    let delta = quantity - had.unwrap_or(0);
    if delta != 0 || had.is_none() {
        tx.move_stock(&NewStockMove {
            warehouse_id,
            cartridge_type_id,
            kind: MoveKind::Receipt,
            full: delta,
            empty: 0,
            request_id: None,
            issue_id: None,
            batch_id: None,
            actor: actor.label(),
            note: None,
            at,
        })?;
    }
    Ok(delta)
}

/// Applies a move, a refusal for a person when it would take more empties than there are.
pub(crate) fn move_stock(tx: &mut dyn Tx, m: &NewStockMove) -> Result<StockLevels> {
    tx.move_stock(m).map_err(|e| match e {
        crate::store::StoreError::InsufficientEmpties { article, warehouse, available, wanted } => {
            Refusal::NotEnoughEmpties { article, warehouse, available, wanted }.into()
        }
        other => other.into(),
    })
}

/// Who may move stock by hand (empties brought in, refills): whoever handles
/// cartridge orders, and administrators.
pub(crate) fn may_move(tx: &mut dyn Tx, app: &App, actor: &Actor) -> Result<()> {
    let who = principal(tx, &app.settings, actor)?;
    authorize(&who, Permission::ManageStock, None)?;
    Ok(())
}

/// Whether `actor` may receive empties now: what a front end asks before the form.
pub fn may_receive(app: &App, actor: &Actor) -> Result<()> {
    may_move(&mut *app.store.read()?, app, actor)
}

/// Empties brought in without an issue (someone brings a bag of them):
/// counted as come in, audited.
pub fn receive_empties(
    app: &App,
    actor: &Actor,
    warehouse: &WarehouseKey,
    cartridge: &CartridgeKey,
    quantity: i64,
    note: Option<&str>,
) -> Result<StockLevels> {
    let note = note.map(str::trim).filter(|n| !n.is_empty()).map(|n| n.chars().take(500).collect::<String>());
    let now = app.now();
    let mut tx = app.store.write()?;
    may_move(&mut *tx, app, actor)?;
    if !(1..=MAX_EMPTIES).contains(&quantity) {
        return Err(Refusal::BadQuantity { max: MAX_EMPTIES }.into());
    }
    let warehouse = lookup::warehouse(&mut *tx, warehouse)?;
    let cartridge = lookup::cartridge_type(&mut *tx, cartridge)?;
    let after = tx.move_stock(&NewStockMove {
        warehouse_id: warehouse.id,
        cartridge_type_id: cartridge.id,
        kind: MoveKind::EmptiesIn,
        full: 0,
        empty: quantity,
        request_id: None,
        issue_id: None,
        batch_id: None,
        actor: actor.label(),
        note: note.clone(),
        at: now,
    })?;
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(
            AuditAction::StockEmptiesIn,
            "stock",
            format!("{}/{}", warehouse.code, cartridge.vendor_article),
        )
        .after(json!({ "empties": quantity, "note": note, "now_empty": after.empty })),
    )?;
    tx.commit()?;
    Ok(after)
}

/// The books of every warehouse and type, each with what does not balance
/// (staff who see stock, and operators).
pub fn books(app: &App, actor: &Actor) -> Result<Vec<Books>> {
    let mut tx = app.store.read()?;
    authorize(&principal(&mut *tx, &app.settings, actor)?, Permission::ViewStock, None)?;
    Ok(tx.stock_books()?)
}
