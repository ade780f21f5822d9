//! The scheduled jobs inside `helpdesk serve`: sla-check, backup, prune,
//! archive, the email report, the pull of balances from 1C's OData and the stock forecast's
//! weekly digest, on the cron expressions of the settings, in
//! the configured time zone. Each job calls the same service as its CLI twin
//! (see [`crate::services::jobs`]); a job still running when it is due again
//! is skipped (jobs never overlap themselves), and a failing job is logged and
//! does not stop the bot.

use crate::services::jobs::{self, Job};
use crate::services::notify::{Channels, Mailer, Messenger};
use crate::services::{Actor, App, NoProgress, archive, backup, forecast, import_1c, recurring, report, sla};
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio_util::sync::CancellationToken;

/// What jobs may send with.
#[derive(Clone, Default)]
pub struct Senders {
    pub telegram: Option<Arc<dyn Messenger>>,
    pub email: Option<Arc<dyn Mailer>>,
}

/// Runs `work` as the recorded run of `job` due at `slot`, returning what it
/// did in a line (or that another process ran it).
fn recorded<T>(
    app: &App,
    job: Job,
    slot: chrono::DateTime<Utc>,
    work: impl FnOnce() -> crate::services::Result<T>,
    describe: impl Fn(&T) -> String,
) -> crate::services::Result<String> {
    Ok(match jobs::record_scheduled(app, job, slot, work, &describe)? {
        Some(v) => describe(&v),
        None => "skipped: another helpdesk process runs it".into(),
    })
}

/// Who the scheduled pull from 1C's OData is audited as (`system:1c-odata`).
pub const ONEC_PULL_ACTOR: &str = "1c-odata";

/// Runs the run of `job` due at `slot` (blocking); returns a line saying what it did.
pub fn run_job(app: &App, job: Job, slot: chrono::DateTime<Utc>, senders: &Senders) -> crate::services::Result<String> {
    let channels = Channels { telegram: senders.telegram.as_deref(), email: senders.email.as_deref() };
    match job {
        Job::SlaCheck => recorded(app, job, slot, || sla::check(app, channels, false), sla::SlaRun::summary),
        Job::Backup => recorded(
            app,
            job,
            slot,
            || backup::take(app, true, &NoProgress),
            |t| format!("{} ({} bytes)", t.daily.path.display(), t.daily.size),
        ),
        Job::Prune => recorded(
            app,
            job,
            slot,
            || backup::prune(app, app.settings.backup.keep_daily, false),
            |removed| format!("{} files removed", removed.len()),
        ),
        Job::Archive => recorded(
            app,
            job,
            slot,
            || archive::run(app, &Actor::System("archive"), false, &NoProgress),
            |r| format!("{} requests archived", r.archived),
        ),
        Job::Report => match &senders.email {
            None => Ok("skipped: email is off".into()),
            Some(mailer) => recorded(
                app,
                job,
                slot,
                || {
                    let s = report::last_week(app)?;
                    report::send(app, mailer.as_ref(), &s)?;
                    Ok(s)
                },
                |s| format!("sent: {} opened, {} closed", s.total.opened, s.total.closed),
            ),
        },
        Job::OnecPull => recorded(
            app,
            job,
            slot,
            || {
                let options = import_1c::ImportOptions::default();
                import_1c::pull_odata(app, &Actor::System(ONEC_PULL_ACTOR), None, &options, &NoProgress)
            },
            import_1c::ImportReport::summary_line,
        ),
        Job::StockForecast => recorded(
            app,
            job,
            slot,
            || forecast::send_digest(app, &Actor::System("stock-forecast")),
            forecast::Digest::summary_line,
        ),
        Job::Recurring => recorded(
            app,
            job,
            slot,
            || recurring::run(app),
            |filed| format!("{} recurring requests filed", filed.len()),
        ),
    }
}

/// Runs the scheduled jobs until `shutdown`.
pub async fn run(app: App, senders: Senders, shutdown: CancellationToken) {
    let tz = app.settings.timezone;
    let mut next: HashMap<Job, chrono::DateTime<Utc>> =
        Job::ALL.iter().filter_map(|job| Some((*job, job.schedule(&app)?.next_after(Utc::now(), tz)?))).collect();
    if next.is_empty() {
        tracing::info!("no scheduled jobs");
        return;
    }
    let busy: HashMap<Job, Arc<AtomicBool>> = Job::ALL.iter().map(|j| (*j, Arc::new(AtomicBool::new(false)))).collect();
    loop {
        let Some((&job, &at)) = next.iter().min_by_key(|(_, at)| **at) else { return };
        let wait = (at - Utc::now()).to_std().unwrap_or_default();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.cancelled() => return,
        }
        match job.schedule(&app).and_then(|s| s.next_after(at, tz)) {
            Some(n) => next.insert(job, n),
            None => next.remove(&job),
        };
        let flag = busy[&job].clone();
        if flag.swap(true, Ordering::SeqCst) {
            tracing::warn!(job = job.name(), "still running from last time; this run is skipped");
            continue;
        }
        let (app, senders) = (app.clone(), senders.clone());
        tokio::spawn(async move {
            tracing::info!(job = job.name(), "starting");
            let result = tokio::task::spawn_blocking(move || run_job(&app, job, at, &senders)).await;
            match result {
                Ok(Ok(what)) => tracing::info!(job = job.name(), "done: {what}"),
                Ok(Err(e)) => tracing::error!(job = job.name(), error = %e, "failed"),
                Err(e) => tracing::error!(job = job.name(), error = %e, "crashed"),
            }
            flag.store(false, Ordering::SeqCst);
        });
    }
}
