-- Full cartridges issued per warehouse, type and day (UTC, as days since
-- 1970-01-01): what the stock forecast reads, kept up to date by every issue
-- move in the same transaction, so the forecast never reads the whole ledger.
CREATE TABLE issued_days (
    warehouse_id      INTEGER NOT NULL REFERENCES warehouses(id),
    cartridge_type_id INTEGER NOT NULL REFERENCES cartridge_types(id),
    day               INTEGER NOT NULL,
    quantity          INTEGER NOT NULL,
    PRIMARY KEY (warehouse_id, cartridge_type_id, day)
);
CREATE INDEX issued_days_day ON issued_days(day);

INSERT INTO issued_days (warehouse_id, cartridge_type_id, day, quantity)
SELECT warehouse_id, cartridge_type_id, CAST(julianday(substr(at, 1, 10)) - 2440587.5 AS INTEGER), sum(-full_delta)
FROM stock_moves WHERE kind = 'issue'
GROUP BY 1, 2, 3;
