-- helpdesk schema, version 3 (SQLite): operations (SLA reminders, email in
-- the outbox, scheduled job runs).

-- One row per reminder to one recipient over one channel about one SLA level
-- of one request. Deciding that a level is due and inserting its rows happen
-- in one transaction; the unique key makes a second run decide nothing again.
-- Sending takes a lease (lease_until) so two runs never send the same row; a
-- failed send is due again on the next run.
CREATE TABLE sla_reminders (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES requests(id),
    kind         TEXT NOT NULL CHECK (kind IN ('accept', 'resolve')),
    level        INTEGER NOT NULL CHECK (level >= 1),
    channel      TEXT NOT NULL CHECK (channel IN ('telegram', 'email')),
    recipient    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    lease_until  TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    sent_at      TEXT,
    failed_at    TEXT,
    last_error   TEXT,
    UNIQUE (request_id, kind, level, channel, recipient)
);
CREATE INDEX sla_reminders_unsent ON sla_reminders(channel, recipient) WHERE sent_at IS NULL AND failed_at IS NULL;

-- requests.sla_level counts accept-time reminders; this counts resolve-time ones.
ALTER TABLE requests ADD COLUMN sla_resolve_level INTEGER NOT NULL DEFAULT 0 CHECK (sla_resolve_level >= 0);

-- An outbox message can go to an email address instead of a Telegram chat.
ALTER TABLE outbox ADD COLUMN email TEXT;

-- Runs of the jobs `serve` schedules (and their CLI twins), for `helpdesk schedule`.
CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    ok           INTEGER CHECK (ok IN (0, 1)),
    message      TEXT
);
CREATE INDEX job_runs_job ON job_runs(job, started_at);
