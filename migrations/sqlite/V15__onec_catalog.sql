-- The last catalog 1C sent (import.xml: its items and warehouses), kept so
-- that balances arriving in a later exchange session still match by 1C id.
CREATE TABLE onec_catalog (
    kind         TEXT NOT NULL CHECK (kind IN ('item', 'warehouse')),
    one_c_id     TEXT NOT NULL,
    name         TEXT,
    article      TEXT,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (kind, one_c_id)
);
