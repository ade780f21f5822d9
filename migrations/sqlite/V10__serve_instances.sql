-- Which `serve` processes are alive: each registers when it starts and beats
-- every few seconds; one whose heartbeat stopped is gone. What a process
-- holds (outbox messages it took or is sending itself, inbox updates it
-- received or claimed) belongs to it, so another takes it over within
-- seconds of its death instead of waiting for a lease to run out.
CREATE TABLE serve_instances (
    id            TEXT PRIMARY KEY,
    started_at    TEXT NOT NULL,
    heartbeat_at  TEXT NOT NULL,
    stopped_at    TEXT
);
ALTER TABLE outbox ADD COLUMN leased_by TEXT;
ALTER TABLE telegram_inbox ADD COLUMN received_by TEXT;
ALTER TABLE telegram_inbox ADD COLUMN claimed_by TEXT;
