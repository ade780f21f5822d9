//! The jobs `serve` runs on a schedule and sysadmins run from cron: each is
//! one service call, recorded in `job_runs` whoever runs it, so
//! `helpdesk schedule` can say when each last ran and how it went.

use super::{App, Error, Result};
use crate::config::CronSpec;
use crate::store::JobRun;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Job {
    SlaCheck,
    Backup,
    Prune,
    Archive,
    Report,
    OnecPull,
    StockForecast,
    Recurring,
}

impl Job {
    pub const ALL: [Job; 8] = [
        Job::SlaCheck,
        Job::Backup,
        Job::Prune,
        Job::Archive,
        Job::Report,
        Job::OnecPull,
        Job::StockForecast,
        Job::Recurring,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Job::SlaCheck => "sla-check",
            Job::Backup => "backup",
            Job::Prune => "prune",
            Job::Archive => "archive",
            Job::Report => "report",
            Job::OnecPull => "onec-pull",
            Job::StockForecast => "stock-forecast",
            Job::Recurring => "recurring",
        }
    }

    /// The command that does the same by hand or from cron.
    pub fn command(self) -> &'static str {
        match self {
            Job::SlaCheck => "helpdesk sla-check",
            Job::Backup => "helpdesk backup",
            Job::Prune => "helpdesk backup prune",
            Job::Archive => "helpdesk archive",
            Job::Report => "helpdesk report --email",
            Job::OnecPull => "helpdesk import-1c --odata",
            Job::StockForecast => "helpdesk stock forecast --send",
            Job::Recurring => "helpdesk recurring run",
        }
    }

    /// Its schedule in the settings.
    pub fn schedule(self, app: &App) -> Option<&CronSpec> {
        let s = &app.settings.schedule;
        match self {
            Job::SlaCheck => s.sla_check.as_ref(),
            Job::Backup => s.backup.as_ref(),
            Job::Prune => s.prune.as_ref(),
            Job::Archive => s.archive.as_ref(),
            Job::Report => s.report.as_ref(),
            Job::OnecPull => s.onec_pull.as_ref(),
            Job::StockForecast => s.stock_forecast.as_ref(),
            Job::Recurring => s.recurring.as_ref(),
        }
    }
}

/// Runs `work` as a run of `job`, recording when it started and how it ended
/// (`describe` says what it did). Recording failures are logged, never fatal.
/// The job's lock is held meanwhile: while another process runs the same job
/// on this database (a second `serve`, or cron) this one waits for it, up to
/// [`JOB_WAIT`], and then fails with [`Error::Conflict`]; a job never runs
/// twice at once.
pub fn record<T>(app: &App, job: Job, work: impl FnOnce() -> Result<T>, describe: impl Fn(&T) -> String) -> Result<T> {
    let waiting_since = std::time::Instant::now();
    let _lock = loop {
        if let Some(lock) = app.store.job_lock(job.name())? {
            break lock;
        }
        if waiting_since.elapsed() >= JOB_WAIT {
            return Err(Error::Conflict(format!(
                "{} has been running in another helpdesk process on this database for over {} minutes; try again later",
                job.name(),
                JOB_WAIT.as_secs() / 60
            )));
        }
        if waiting_since.elapsed() < std::time::Duration::from_millis(250) {
            tracing::info!(job = job.name(), "another process runs this job now; waiting for it to finish");
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    record_locked(app, job, work, describe)
}

/// How long a job started by hand or cron waits for the same job elsewhere.
pub const JOB_WAIT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// [`record`] for a scheduled run due at `slot`: `None`, and nothing done,
/// when another process runs the job now or has run it since `slot` (so with
/// several `serve` processes each scheduled run happens once).
pub fn record_scheduled<T>(
    app: &App,
    job: Job,
    slot: DateTime<Utc>,
    work: impl FnOnce() -> Result<T>,
    describe: impl Fn(&T) -> String,
) -> Result<Option<T>> {
    let Some(_lock) = app.store.job_lock(job.name())? else { return Ok(None) };
    if app.store.read()?.last_job_run(job.name())?.is_some_and(|r| r.started_at >= slot) {
        return Ok(None);
    }
    record_locked(app, job, work, describe).map(Some)
}

fn record_locked<T>(
    app: &App,
    job: Job,
    work: impl FnOnce() -> Result<T>,
    describe: impl Fn(&T) -> String,
) -> Result<T> {
    let started = app.now();
    let run = app.store.write().and_then(|mut tx| {
        let id = tx.job_started(job.name(), started)?;
        tx.commit().map(|_| id)
    });
    let result = work();
    let (ok, message) = match &result {
        Ok(v) => (true, describe(v)),
        Err(e) => (false, e.to_string()),
    };
    if let Ok(id) = run {
        let finished = app.now();
        if let Err(e) = app.store.write().and_then(|mut tx| {
            tx.job_finished(id, finished, ok, &message)?;
            tx.commit()
        }) {
            tracing::warn!(job = job.name(), error = %e, "cannot record the end of a job run");
        }
    }
    result
}

/// One line of `helpdesk schedule`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Planned {
    pub job: Job,
    /// The cron expression, or `None` when `serve` does not run it.
    pub schedule: Option<String>,
    pub next_run: Option<DateTime<Utc>>,
    pub last_run: Option<JobRun>,
    pub command: &'static str,
}

/// Every job with its schedule, next run after now and last recorded run.
pub fn plan(app: &App) -> Result<Vec<Planned>> {
    let now = app.now();
    let mut tx = app.store.read()?;
    let mut out = Vec::new();
    for job in Job::ALL {
        let spec = job.schedule(app);
        out.push(Planned {
            job,
            schedule: spec.map(|s| s.source.clone()),
            next_run: spec.and_then(|s| s.next_after(now, app.settings.timezone)),
            last_run: tx.last_job_run(job.name())?,
            command: job.command(),
        });
    }
    Ok(out)
}
