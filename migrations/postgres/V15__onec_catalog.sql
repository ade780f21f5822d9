-- The last catalog 1C sent (see migrations/sqlite/V15__onec_catalog.sql).
CREATE TABLE onec_catalog (
    kind         TEXT NOT NULL CHECK (kind IN ('item', 'warehouse')),
    one_c_id     TEXT NOT NULL,
    name         TEXT,
    article      TEXT,
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, one_c_id)
);
