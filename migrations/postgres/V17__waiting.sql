-- Waiting requests (see migrations/sqlite/V17__waiting.sql).
ALTER TABLE requests ADD COLUMN waiting TEXT CHECK (waiting IS NULL OR waiting IN ('author', 'parts'));
ALTER TABLE requests ADD COLUMN waiting_since TIMESTAMPTZ;
ALTER TABLE requests ADD COLUMN waited_seconds BIGINT NOT NULL DEFAULT 0;
