//! Storekeepers' work on cartridge orders: issuing from a warehouse's stock.
//!
//! An issue takes what each line still needs out of one warehouse, atomically:
//! with too little in stock it is refused and nothing changes, unless a partial
//! issue is asked for (with a note), which takes what is there. Each issue is
//! logged per line, audited, and the author is told. Delivery is completing
//! the request (see [`super::requests::complete`]).
//!
//! The empties that came back with it are recorded on the same lines: as
//! many as issued unless the storekeeper says fewer (none when the help desk
//! does not collect them, `RETURN_EMPTIES=off`), shared over the lines in
//! order. Stock moves go through the ledger ([`super::ledger`]).

use super::notify::{self, IssuedLine, Notice};
use super::{Actor, App, AuditEvent, Error, Result, audit, lookup, principal};
use crate::domain::audit::AuditAction;
use crate::domain::stock;
use crate::domain::{Action, Entity, MoveKind, Principal, RequestNumber, WarehouseId};
use crate::store::{NewIssue, NewStockMove, Request, StoreError};
use serde_json::json;

/// A line that stock cannot cover.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Shortage {
    pub article: String,
    pub needed: i64,
    pub available: i64,
}

/// What an issue did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub request: Request,
    pub lines: Vec<IssuedLine>,
    /// Every line is now issued in full.
    pub complete: bool,
    /// Empties that came back with it.
    pub empties: i64,
}

/// Why an issue did not happen.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("not enough in stock: {}", .0.iter().map(|s| format!("{} {} of {}", s.article, s.available, s.needed)).collect::<Vec<_>>().join(", "))]
    Short(Vec<Shortage>),
    #[error("everything on this order has been issued already")]
    NothingLeft,
    #[error(transparent)]
    Other(#[from] Error),
}

impl From<StoreError> for IssueError {
    fn from(e: StoreError) -> Self {
        IssueError::Other(Error::from(e))
    }
}

/// Checks, without changing anything, that `actor` may issue cartridges on
/// `request_id` now: an accepted order of theirs (to decide whether to ask
/// them which warehouse). The issue itself checks again.
pub fn check(app: &App, actor: &Actor, request_id: i64) -> Result<Request> {
    let mut tx = app.store.read()?;
    let who = principal(&mut *tx, &app.settings, actor)?;
    let request =
        tx.request(request_id)?.ok_or_else(|| Error::not_found(Entity::Request, RequestNumber(request_id)))?;
    issuable(&who, &request)?;
    Ok(request)
}

/// Cartridges are issued on accepted orders, by whoever may (see [`crate::domain::actions::check`]).
fn issuable(who: &Principal, request: &Request) -> Result<()> {
    super::requests::may(who, Action::IssueCartridges, request)
}

/// Issues what `request_id` still needs from `warehouse_id`; `empties` is
/// how many empties came back with it (`None`: as configured, see the module).
pub fn issue(
    app: &App,
    actor: &Actor,
    request_id: i64,
    warehouse_id: WarehouseId,
    partial: bool,
    note: Option<&str>,
    empties: Option<i64>,
) -> Result<Issued, IssueError> {
    let storekeeper =
        actor.telegram_id().ok_or_else(|| Error::Invalid("cartridges are issued from Telegram".into()))?;
    let note = note.map(str::trim).filter(|n| !n.is_empty()).map(String::from);
    let now = app.now();
    let mut tx = app.store.write()?;
    let who = principal(&mut *tx, &app.settings, actor)?;
    let request =
        tx.lock_request(request_id)?.ok_or_else(|| Error::not_found(Entity::Request, RequestNumber(request_id)))?;
    issuable(&who, &request)?;
    let warehouse = lookup::warehouse_by_id(&mut *tx, warehouse_id)?;
    let items = tx.items(request_id)?;
    let mut plan = Vec::new();
    let mut short = Vec::new();
    for item in &items {
        let needed = item.quantity - item.issued_quantity;
        if needed <= 0 {
            continue;
        }
        let available = tx.stock_level(item.cartridge_type_id, warehouse.id)?.unwrap_or(0);
        if available < needed {
            short.push(Shortage { article: item.vendor_article.clone(), needed, available });
        }
        plan.push((item, needed.min(available)));
    }
    if plan.is_empty() {
        return Err(IssueError::NothingLeft);
    }
    if !short.is_empty() && (!partial || plan.iter().all(|(_, take)| *take == 0)) {
        return Err(IssueError::Short(short));
    }
    let takes: Vec<i64> = plan.iter().map(|(_, take)| *take).collect();
    let issued: i64 = takes.iter().sum();
    let back = stock::spread(stock::empties_back(issued, empties, app.settings.stock.return_empties), &takes);
    let mut lines = Vec::new();
    for ((item, take), back) in plan.into_iter().zip(back) {
        if take > 0 {
            tx.set_item_issued(item.id, item.issued_quantity + take)?;
            let issue_id = tx.insert_issue(&NewIssue {
                request_id,
                item_id: item.id,
                warehouse_id: warehouse.id,
                quantity: take,
                empties: back,
                note: note.clone(),
                issued_by: storekeeper,
                issued_at: now,
            })?;
            let moved = |kind, full, empty| NewStockMove {
                warehouse_id: warehouse.id,
                cartridge_type_id: item.cartridge_type_id,
                kind,
                full,
                empty,
                request_id: Some(request_id),
                issue_id: Some(issue_id),
                batch_id: None,
                actor: actor.label(),
                note: None,
                at: now,
            };
            tx.move_stock(&moved(MoveKind::Issue, -take, 0))?;
            if back > 0 {
                tx.move_stock(&moved(MoveKind::EmptiesBack, 0, back))?;
            }
        }
        lines.push(IssuedLine {
            article: item.vendor_article.clone(),
            name: item.cartridge_name.clone(),
            ordered: item.quantity,
            issued: item.issued_quantity + take,
            now: take,
        });
    }
    let complete = tx.items(request_id)?.iter().all(|i| i.issued_quantity == i.quantity);
    let back_total = stock::empties_back(issued, empties, app.settings.stock.return_empties);
    notify::enqueue(
        &mut *tx,
        request.author_id,
        &Notice::CartridgesIssued { request_id, lines: lines.clone(), note: note.clone() },
        now,
    )?;
    audit(
        &mut *tx,
        now,
        actor,
        AuditEvent::new(AuditAction::RequestIssue, "request", RequestNumber(request_id)).after(json!({
            "warehouse": warehouse.code, "lines": lines, "note": note, "complete": complete,
            "empties": back_total,
        })),
    )?;
    tx.commit()?;
    Ok(Issued { request, lines, complete, empties: back_total })
}
