//! Refilling: contractors, and batches of empties sent from one warehouse to
//! a contractor with a handover document, received back (in part is
//! allowed) as full cartridges, what the contractor rejected written off with
//! a reason. Each step is one transaction, audited, its stock moves in the
//! ledger ([`super::ledger`]); the books then balance with what is at a
//! contractor and what was written off (see [`crate::domain::stock`]).

use super::directory::valid_name;
use super::ledger::{MAX_EMPTIES, may_move};
use super::{Actor, App, AuditEvent, Error, Result, audit, lookup, principal};
use crate::domain::audit::AuditAction;
use crate::domain::permissions::authorize;
use crate::domain::{CartridgeKey, Entity, MoveKind, Permission, Refusal, TextField, WarehouseKey};
use crate::store::{Contractor, NewContractor, NewRefillBatch, NewStockMove, RefillBatch, Tx};
use chrono::{DateTime, Utc};
use serde_json::json;

/// A contractor numbered (`id:N`: always the id) or named (whatever the case
/// of its letters; a bare number no name matches is an id).
fn contractor(tx: &mut dyn Tx, key: &str) -> Result<Contractor> {
    let key = key.trim();
    let all = tx.contractors()?;
    let by_id = |id: &str| id.parse::<i64>().ok().and_then(|id| all.iter().find(|c| c.id == id)).cloned();
    let found = match key.strip_prefix("id:") {
        Some(id) => by_id(id),
        None => {
            let wanted = crate::domain::text::fold(key);
            all.iter().find(|c| crate::domain::text::fold(&c.name) == wanted).cloned().or_else(|| by_id(key))
        }
    };
    found.ok_or_else(|| Error::not_found(Entity::Contractor, key))
}

/// A refill batch by its number.
fn batch(tx: &mut dyn Tx, id: i64) -> Result<RefillBatch> {
    tx.refill_batch(id)?.ok_or_else(|| Error::not_found(Entity::RefillBatch, id))
}

/// Who may see refills: staff who see stock, and operators.
fn may_see(tx: &mut dyn Tx, app: &App, actor: &Actor) -> Result<()> {
    authorize(&principal(tx, &app.settings, actor)?, Permission::ViewStock, None)?;
    Ok(())
}

/// Every contractor, by name.
pub fn contractors(app: &App, actor: &Actor) -> Result<Vec<Contractor>> {
    let mut tx = app.store.read()?;
    may_see(&mut *tx, app, actor)?;
    Ok(tx.contractors()?)
}

/// Adds a contractor (storekeepers and administrators), audited.
pub fn add_contractor(app: &App, actor: &Actor, name: &str, contacts: &str) -> Result<Contractor> {
    let now = app.now();
    let mut tx = app.store.write()?;
    may_move(&mut *tx, app, actor)?;
    let name = valid_name(TextField::ContractorName, name, 200)?;
    let contacts = contacts.trim();
    let contacts = if contacts.is_empty() { String::new() } else { valid_name(TextField::Contacts, contacts, 500)? };
    let folded = crate::domain::text::fold(&name);
    if let Some(other) = tx.contractors()?.into_iter().find(|c| crate::domain::text::fold(&c.name) == folded) {
        return Err(Refusal::ContractorExists { name: other.name }.into());
    }
    let added = tx.insert_contractor(&NewContractor { name, contacts }, now)?;
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::ContractorAdd, "contractor", added.id).after(json!(added)),
    )?;
    tx.commit()?;
    Ok(added)
}

/// A quantity of empties in a batch: 1 to [`MAX_EMPTIES`].
fn valid(quantity: i64) -> Result<i64> {
    if (1..=MAX_EMPTIES).contains(&quantity) {
        Ok(quantity)
    } else {
        Err(Refusal::BadQuantity { max: MAX_EMPTIES }.into())
    }
}

/// A move of a batch's stock.
fn moved(
    batch: &RefillBatch,
    line: (crate::domain::CartridgeTypeId, i64, i64),
    kind: MoveKind,
    actor: &Actor,
    at: DateTime<Utc>,
) -> NewStockMove {
    let (cartridge_type_id, full, empty) = line;
    NewStockMove {
        warehouse_id: batch.warehouse_id,
        cartridge_type_id,
        kind,
        full,
        empty,
        request_id: None,
        issue_id: None,
        batch_id: Some(batch.id),
        actor: actor.label(),
        note: None,
        at,
    }
}

/// Sends empties of several types from a warehouse to a contractor (storekeepers
/// and administrators): one batch, its empties out of stock, audited. Refused
/// as a whole when the warehouse has fewer empties of a type than sent.
pub fn send(
    app: &App,
    actor: &Actor,
    contractor_key: &str,
    warehouse: &WarehouseKey,
    lines: &[(CartridgeKey, i64)],
    note: Option<&str>,
) -> Result<RefillBatch> {
    let note = note.map(str::trim).filter(|n| !n.is_empty()).map(|n| n.chars().take(500).collect::<String>());
    let now = app.now();
    let mut tx = app.store.write()?;
    may_move(&mut *tx, app, actor)?;
    if lines.is_empty() {
        return Err(Refusal::EmptyBatch.into());
    }
    let contractor = contractor(&mut *tx, contractor_key)?;
    let warehouse = lookup::warehouse(&mut *tx, warehouse)?;
    let mut types: Vec<(crate::domain::CartridgeTypeId, i64)> = Vec::new();
    for (key, quantity) in lines {
        let quantity = valid(*quantity)?;
        let cartridge = lookup::cartridge_type(&mut *tx, key)?;
        match types.iter_mut().find(|(id, _)| *id == cartridge.id) {
            Some((_, n)) => *n = valid(*n + quantity)?,
            None => types.push((cartridge.id, quantity)),
        }
    }
    let id = tx.insert_refill_batch(&NewRefillBatch {
        contractor_id: contractor.id,
        warehouse_id: warehouse.id,
        sent_at: now,
        sent_by: actor.label(),
        note: note.clone(),
        lines: types.clone(),
    })?;
    let sent = batch(&mut *tx, id)?;
    for (cartridge, quantity) in &types {
        super::ledger::move_stock(
            &mut *tx,
            &moved(&sent, (*cartridge, 0, -quantity), MoveKind::RefillOut, actor, now),
        )?;
    }
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::RefillSend, "refill_batch", id).after(json!({
            "contractor": sent.contractor, "warehouse": sent.warehouse, "note": note,
            "lines": sent.lines.iter().map(|l| json!({ "article": l.article, "sent": l.sent })).collect::<Vec<_>>(),
        })),
    )?;
    tx.commit()?;
    Ok(sent)
}

/// Receives (part of) a batch back (storekeepers and administrators):
/// `received` come back refilled into full stock; `rejected` the contractor
/// could not refill, written off with `reason`. Closed when nothing is left
/// out. One transaction, audited; refused as a whole when a line would get
/// back more than is still out.
pub fn receive(
    app: &App,
    actor: &Actor,
    batch_id: i64,
    received: &[(CartridgeKey, i64)],
    rejected: &[(CartridgeKey, i64)],
    reason: Option<&str>,
) -> Result<RefillBatch> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(|r| r.chars().take(500).collect::<String>());
    let now = app.now();
    let mut tx = app.store.write()?;
    may_move(&mut *tx, app, actor)?;
    if received.is_empty() && rejected.is_empty() {
        return Err(Refusal::EmptyBatch.into());
    }
    if !rejected.is_empty() && reason.is_none() {
        return Err(Refusal::RejectNeedsReason.into());
    }
    let before = batch(&mut *tx, batch_id)?;
    if before.closed_at.is_some() {
        return Err(Refusal::BatchClosed { batch: batch_id }.into());
    }
    let mut lines = before.lines.clone();
    for (keys, back) in [(received, true), (rejected, false)] {
        for (key, quantity) in keys {
            let quantity = valid(*quantity)?;
            let cartridge = lookup::cartridge_type(&mut *tx, key)?;
            let Some(line) = lines.iter_mut().find(|l| l.cartridge_type_id == cartridge.id) else {
                return Err(Refusal::NotInBatch { article: cartridge.vendor_article, batch: batch_id }.into());
            };
            if quantity > line.outstanding() {
                return Err(Refusal::RefillTooMany {
                    batch: batch_id,
                    article: line.article.clone(),
                    outstanding: line.outstanding(),
                    wanted: quantity,
                }
                .into());
            }
            if back {
                line.received += quantity;
            } else {
                line.rejected += quantity;
                // Each rejection's reason is kept: a second one is added to the first.
                line.reject_reason = match (line.reject_reason.take(), &reason) {
                    (Some(was), Some(now)) if was != *now => Some(format!("{was}; {now}")),
                    (was, now) => now.clone().or(was),
                };
            }
        }
    }
    for (line, was) in lines.iter().zip(&before.lines) {
        if line == was {
            continue;
        }
        tx.set_refill_line(line.id, line.received, line.rejected, line.reject_reason.as_deref())?;
        let refilled = line.received - was.received;
        if refilled > 0 {
            tx.move_stock(&moved(&before, (line.cartridge_type_id, refilled, 0), MoveKind::RefillIn, actor, now))?;
        }
    }
    if lines.iter().all(|l| l.outstanding() == 0) {
        tx.close_refill_batch(batch_id, now)?;
    }
    let after = batch(&mut *tx, batch_id)?;
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::RefillReceive, "refill_batch", batch_id).after(json!({
            "reason": reason, "closed": after.closed_at.is_some(),
            "lines": after.lines.iter().map(|l| json!({
                "article": l.article, "sent": l.sent, "received": l.received, "rejected": l.rejected,
            })).collect::<Vec<_>>(),
        })),
    )?;
    tx.commit()?;
    Ok(after)
}

/// Refill batches, open ones first (staff who see stock, and operators).
pub fn batches(app: &App, actor: &Actor, open_only: bool) -> Result<Vec<RefillBatch>> {
    let mut tx = app.store.read()?;
    may_see(&mut *tx, app, actor)?;
    Ok(tx.refill_batches(open_only)?)
}

/// One refill batch with its lines.
pub fn get(app: &App, actor: &Actor, id: i64) -> Result<RefillBatch> {
    let mut tx = app.store.read()?;
    may_see(&mut *tx, app, actor)?;
    batch(&mut *tx, id)
}

/// Writes the handover document of `batch` (what left for the contractor) as
/// an xlsx workbook at `path`, times in `tz`.
pub fn handover_xlsx(batch: &RefillBatch, tz: chrono_tz::Tz, path: &std::path::Path) -> Result<()> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let write = || -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Handover")?;
        let bold = Format::new().set_bold();
        let cell = Format::new().set_border(FormatBorder::Thin);
        let head = Format::new().set_bold().set_border(FormatBorder::Thin);
        sheet.set_column_width(0, 16)?;
        sheet.set_column_width(1, 36)?;
        sheet.set_column_width(2, 12)?;
        sheet.write_string_with_format(0, 0, format!("Refill batch {}", batch.id), &bold)?;
        let sent = batch.sent_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        let rows = [
            ("Sent", sent),
            ("From warehouse", batch.warehouse.clone()),
            ("To contractor", batch.contractor.clone()),
            ("Contacts", batch.contacts.clone()),
            ("Note", batch.note.clone().unwrap_or_default()),
        ];
        for (i, (label, value)) in rows.iter().enumerate() {
            sheet.write_string_with_format(2 + i as u32, 0, *label, &bold)?;
            sheet.write_string(2 + i as u32, 1, value)?;
        }
        let top = 2 + rows.len() as u32 + 1;
        for (col, title) in ["Article", "Cartridge", "Empties"].iter().enumerate() {
            sheet.write_string_with_format(top, col as u16, *title, &head)?;
        }
        let mut row = top;
        for l in &batch.lines {
            row += 1;
            sheet.write_string_with_format(row, 0, &l.article, &cell)?;
            sheet.write_string_with_format(row, 1, &l.cartridge, &cell)?;
            sheet.write_number_with_format(row, 2, l.sent as f64, &cell)?;
        }
        row += 1;
        sheet.write_string_with_format(row, 1, "Total", &head)?;
        sheet.write_number_with_format(row, 2, batch.lines.iter().map(|l| l.sent).sum::<i64>() as f64, &head)?;
        sheet.write_string(row + 3, 0, "Handed over: ____________________")?;
        sheet.write_string(row + 5, 0, "Received by the contractor: ____________________")?;
        book.save(path)
    };
    write().map_err(|e| Error::Invalid(format!("cannot write {}: {e}", path.display())))
}
