-- Refilling: contractors, and batches of empties sent to one from one
-- warehouse, received back (in part is allowed) as full cartridges, what the
-- contractor rejected written off with a reason.
CREATE TABLE contractors (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 200),
    contacts    TEXT NOT NULL DEFAULT '' CHECK (length(contacts) <= 500),
    created_at  TEXT NOT NULL
);

CREATE TABLE refill_batches (
    id            INTEGER PRIMARY KEY,
    contractor_id INTEGER NOT NULL REFERENCES contractors(id),
    warehouse_id  INTEGER NOT NULL REFERENCES warehouses(id),
    sent_at       TEXT NOT NULL,
    sent_by       TEXT NOT NULL,
    note          TEXT,
    -- Everything sent is back or written off.
    closed_at     TEXT
);
CREATE INDEX refill_batches_open ON refill_batches(closed_at, sent_at);

CREATE TABLE refill_lines (
    id                INTEGER PRIMARY KEY,
    batch_id          INTEGER NOT NULL REFERENCES refill_batches(id),
    cartridge_type_id INTEGER NOT NULL REFERENCES cartridge_types(id),
    sent              INTEGER NOT NULL CHECK (sent > 0),
    received          INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),
    rejected          INTEGER NOT NULL DEFAULT 0 CHECK (rejected >= 0),
    reject_reason     TEXT,
    CHECK (received + rejected <= sent),
    UNIQUE (batch_id, cartridge_type_id)
);

ALTER TABLE stock_moves ADD COLUMN batch_id INTEGER REFERENCES refill_batches(id);
