//! Archiving: closed requests (done, rejected, cancelled) older than the
//! policy's number of days for their kind are marked archived. Requests are
//! never deleted: archived ones leave queues and default listings but stay in
//! `requests list --archived`, exports and the audit log.
//!
//! Each request goes through the lifecycle's Archive move with its audit
//! record; many requests share a transaction so a large backlog is quick.

use super::requests::transition_in;
use super::{Actor, App, Progress, Result};
use crate::domain::lifecycle::Transition;
use crate::domain::{Kind, Named, Status};
use crate::store::{ArchivedFilter, RequestOrder, RequestQuery};
use chrono::Duration;

/// Requests archived per transaction.
const BATCH: usize = 2000;

/// What the policy takes for one kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KindLine {
    pub kind: Kind,
    pub after_days: u32,
    pub requests: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArchiveReport {
    pub dry_run: bool,
    pub kinds: Vec<KindLine>,
    pub archived: u64,
}

fn query(kind: Kind, closed_before: chrono::DateTime<chrono::Utc>) -> RequestQuery {
    RequestQuery {
        statuses: vec![Status::Done, Status::Rejected, Status::Cancelled],
        kinds: vec![kind],
        closed_before: Some(closed_before),
        archived: ArchivedFilter::Exclude,
        order: RequestOrder::Oldest,
        ..Default::default()
    }
}

/// Applies the archive policy (or, with `dry_run`, only counts what it would take).
pub fn run(app: &App, actor: &Actor, dry_run: bool, progress: &dyn Progress) -> Result<ArchiveReport> {
    let now = app.now();
    let policy = &app.settings.archive;
    let mut kinds = Vec::new();
    let mut ids = Vec::new();
    {
        let mut tx = app.store.read()?;
        for kind in Kind::ALL.iter().copied() {
            let days = policy.days_for(kind);
            let q = query(kind, now - Duration::days(i64::from(days)));
            let before = ids.len();
            tx.scan_requests(&q, &mut |r| {
                ids.push(r.id);
                Ok(true)
            })?;
            kinds.push(KindLine { kind, after_days: days, requests: (ids.len() - before) as u64 });
        }
    }
    if dry_run || ids.is_empty() {
        return Ok(ArchiveReport { dry_run, kinds, archived: 0 });
    }
    progress.start("archiving", Some(ids.len() as u64));
    let mut archived = 0;
    for chunk in ids.chunks(BATCH) {
        let mut tx = app.store.write()?;
        for id in chunk {
            match transition_in(app, &mut *tx, actor, *id, Transition::Archive, None, now) {
                Ok(_) => archived += 1,
                // Reopened or archived meanwhile by someone else: not ours to archive now.
                Err(super::Error::Lifecycle(_)) => {}
                Err(e) => return Err(e),
            }
        }
        tx.commit()?;
        progress.advance(chunk.len() as u64);
    }
    progress.finish();
    Ok(ArchiveReport { dry_run, kinds, archived })
}
