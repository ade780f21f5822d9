-- Full cartridges issued per warehouse, type and day (see migrations/sqlite/V14__issued_days.sql).
CREATE TABLE issued_days (
    warehouse_id      BIGINT NOT NULL REFERENCES warehouses(id),
    cartridge_type_id BIGINT NOT NULL REFERENCES cartridge_types(id),
    day               BIGINT NOT NULL,
    quantity          BIGINT NOT NULL,
    PRIMARY KEY (warehouse_id, cartridge_type_id, day)
);
CREATE INDEX issued_days_day ON issued_days(day);

INSERT INTO issued_days (warehouse_id, cartridge_type_id, day, quantity)
SELECT warehouse_id, cartridge_type_id, ((at AT TIME ZONE 'UTC')::date - DATE '1970-01-01')::bigint, sum(-full_delta)::bigint
FROM stock_moves WHERE kind = 'issue'
GROUP BY 1, 2, 3;
