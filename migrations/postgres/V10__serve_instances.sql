-- Which `serve` processes are alive (see migrations/sqlite/V10__serve_instances.sql).
CREATE TABLE serve_instances (
    id            TEXT PRIMARY KEY,
    started_at    TIMESTAMPTZ NOT NULL,
    heartbeat_at  TIMESTAMPTZ NOT NULL,
    stopped_at    TIMESTAMPTZ
);
ALTER TABLE outbox ADD COLUMN leased_by TEXT;
ALTER TABLE telegram_inbox ADD COLUMN received_by TEXT;
ALTER TABLE telegram_inbox ADD COLUMN claimed_by TEXT;
