//! The printer registry: every branch's printers, where each stands, and the
//! cartridge types it takes (from the catalog; a type's
//! `compatible_printers` text stays a hint for people). Administrators add,
//! change and retire printers; staff see them; employees see their own
//! branch's when they order. A printer is retired, never deleted, and not
//! while a request for it is open.
//!
//! Not here: ordering for a printer (the requests service keeps each line's
//! printer) or loading `printers.csv` (the seed service, which calls
//! [`checked`] here so a file and a form are held to the same rules).

use super::directory::valid_name;
use super::{Actor, App, AuditEvent, Error, Result, audit, lookup, principal};
use crate::domain::audit::AuditAction;
use crate::domain::permissions::authorize;
use crate::domain::{
    BranchId, BranchKey, CartridgeKey, CartridgeTypeId, Permission, PrinterId, PrinterKey, Refusal, TextField,
};
use crate::store::{NewPrinter, Printer, PrinterFilter, Tx};
use serde_json::json;

/// A printer as a person describes it: the branch and cartridge types by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterForm {
    pub branch: BranchKey,
    pub inventory_number: String,
    pub model: String,
    pub place: String,
    pub serial: Option<String>,
    pub cartridges: Vec<CartridgeKey>,
}

/// The longest inventory number kept.
pub const MAX_INVENTORY_NUMBER: usize = 64;

/// `form` as it will be stored, checked, its keys looked up in `tx`.
pub(crate) fn checked(tx: &mut dyn Tx, form: &PrinterForm) -> Result<NewPrinter> {
    let branch_id = lookup::branch(tx, &form.branch)?.id;
    let mut cartridge_type_ids: Vec<CartridgeTypeId> = Vec::new();
    for key in &form.cartridges {
        let id = lookup::cartridge_type(tx, key)?.id;
        if !cartridge_type_ids.contains(&id) {
            cartridge_type_ids.push(id);
        }
    }
    cartridge_type_ids.sort();
    let place = form.place.trim();
    let serial = form.serial.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok(NewPrinter {
        branch_id,
        inventory_number: valid_name(TextField::InventoryNumber, &form.inventory_number, MAX_INVENTORY_NUMBER)?,
        model: valid_name(TextField::PrinterModel, &form.model, 200)?,
        place: if place.is_empty() { String::new() } else { valid_name(TextField::PrinterPlace, place, 200)? },
        serial: serial.map(|s| valid_name(TextField::SerialNumber, s, 100)).transpose()?,
        cartridge_type_ids,
    })
}

/// Who may see the registry: staff, and operators.
fn may_see(tx: &mut dyn Tx, app: &App, actor: &Actor) -> Result<()> {
    let who = principal(tx, &app.settings, actor)?;
    authorize(&who, Permission::ViewQueue, None).or_else(|_| authorize(&who, Permission::ManageDirectory, None))?;
    Ok(())
}

/// Who may change it: administrators, and operators.
fn may_manage(tx: &mut dyn Tx, app: &App, actor: &Actor) -> Result<()> {
    let who = principal(tx, &app.settings, actor)?;
    authorize(&who, Permission::ManageDirectory, None)?;
    Ok(())
}

/// The printers the filter selects (staff and operators).
pub fn list(app: &App, actor: &Actor, filter: &PrinterFilter) -> Result<Vec<Printer>> {
    let mut tx = app.store.read()?;
    may_see(&mut *tx, app, actor)?;
    Ok(tx.printers(filter)?)
}

/// One printer (staff and operators).
pub fn get(app: &App, actor: &Actor, key: &PrinterKey) -> Result<Printer> {
    let mut tx = app.store.read()?;
    may_see(&mut *tx, app, actor)?;
    lookup::printer(&mut *tx, key)
}

/// Whether `actor` may change printers now: what a front end asks before
/// offering the forms.
pub fn may_change(app: &App, actor: &Actor) -> Result<bool> {
    let mut tx = app.store.read()?;
    Ok(may_manage(&mut *tx, app, actor).is_ok())
}

/// The printers in service at the branch of the person `actor` is, for
/// ordering for one: anyone registered.
pub fn at_my_branch(app: &App, actor: &Actor) -> Result<Vec<Printer>> {
    let Some(id) = actor.telegram_id() else {
        return Err(Error::Invalid("printers at one's branch are asked for by a person".into()));
    };
    let mut tx = app.store.read()?;
    let Some(branch_id) = tx.user(id)?.and_then(|u| u.branch_id) else { return Ok(Vec::new()) };
    Ok(tx.printers(&PrinterFilter { branch_id: Some(branch_id), ..Default::default() })?)
}

/// The printer `id` when a line of a request for `branch` may name it: in
/// service, and at that branch.
pub(crate) fn orderable(tx: &mut dyn Tx, id: PrinterId, branch: BranchId) -> Result<Printer> {
    let printer = lookup::printer_by_id(tx, id)?;
    if printer.retired_at.is_some() {
        return Err(Refusal::PrinterRetired { inventory_number: printer.inventory_number }.into());
    }
    if printer.branch_id != branch {
        return Err(Refusal::PrinterElsewhere {
            inventory_number: printer.inventory_number,
            branch: printer.branch_name,
        }
        .into());
    }
    Ok(printer)
}

/// Refuses an inventory number another printer has.
fn not_taken(tx: &mut dyn Tx, inventory_number: &str, own: Option<&Printer>) -> Result<()> {
    if let Some(other) = tx.printer_by_inventory_number(inventory_number)?
        && own.is_none_or(|p| p.id != other.id)
    {
        return Err(
            Refusal::PrinterExists { inventory_number: other.inventory_number, branch: other.branch_name }.into()
        );
    }
    Ok(())
}

/// Adds a printer (administrators and operators), audited.
pub fn add(app: &App, actor: &Actor, form: &PrinterForm) -> Result<Printer> {
    let now = app.now();
    let mut tx = app.store.write()?;
    may_manage(&mut *tx, app, actor)?;
    let new = checked(&mut *tx, form)?;
    not_taken(&mut *tx, &new.inventory_number, None)?;
    let printer = tx.insert_printer(&new, now)?;
    audit(&mut *tx, now, actor, AuditEvent::new(AuditAction::PrinterAdd, "printer", printer.id).after(json!(printer)))?;
    tx.commit()?;
    Ok(printer)
}

/// Makes the printer `key` names what `form` says (administrators and
/// operators), audited with what it was; a retired printer stays as it was.
pub fn update(app: &App, actor: &Actor, key: &PrinterKey, form: &PrinterForm) -> Result<Printer> {
    let now = app.now();
    let mut tx = app.store.write()?;
    may_manage(&mut *tx, app, actor)?;
    let before = lookup::printer(&mut *tx, key)?;
    if before.retired_at.is_some() {
        return Err(Refusal::PrinterRetired { inventory_number: before.inventory_number }.into());
    }
    let new = checked(&mut *tx, form)?;
    not_taken(&mut *tx, &new.inventory_number, Some(&before))?;
    tx.update_printer(before.id, &new)?;
    let after = lookup::printer_by_id(&mut *tx, before.id)?;
    if after != before {
        audit(
            &mut *tx,
            now,
            actor,
            AuditEvent::new(AuditAction::PrinterUpdate, "printer", before.id).before(json!(before)).after(json!(after)),
        )?;
    }
    tx.commit()?;
    Ok(after)
}

/// Retires the printer `key` names (administrators and operators), audited:
/// never while a request for it is open. Retiring a retired one changes nothing.
pub fn retire(app: &App, actor: &Actor, key: &PrinterKey) -> Result<Printer> {
    let now = app.now();
    let mut tx = app.store.write()?;
    may_manage(&mut *tx, app, actor)?;
    let printer = lookup::printer(&mut *tx, key)?;
    if printer.retired_at.is_some() {
        return Ok(printer);
    }
    let open = tx.open_requests_for_printer(printer.id)?;
    if open > 0 {
        return Err(Refusal::PrinterInUse { inventory_number: printer.inventory_number, open }.into());
    }
    tx.retire_printer(printer.id, now)?;
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::PrinterRetire, "printer", printer.id)
            .after(json!({ "inventory_number": printer.inventory_number })),
    )?;
    let retired = lookup::printer_by_id(&mut *tx, printer.id)?;
    tx.commit()?;
    Ok(retired)
}
