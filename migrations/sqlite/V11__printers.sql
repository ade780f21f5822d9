-- The printers of every branch and the cartridge types each takes. A printer
-- is retired, never deleted: the requests that name it keep it. Inventory
-- numbers are unique whatever the case of their Latin letters, as codes are.
CREATE TABLE printers (
    id                INTEGER PRIMARY KEY,
    branch_id         INTEGER NOT NULL REFERENCES branches(id),
    inventory_number  TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(inventory_number) BETWEEN 1 AND 64),
    model             TEXT NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
    place             TEXT NOT NULL DEFAULT '' CHECK (length(place) <= 200),
    serial            TEXT CHECK (serial IS NULL OR length(serial) BETWEEN 1 AND 100),
    created_at        TEXT NOT NULL,
    retired_at        TEXT
);
CREATE INDEX printers_branch ON printers(branch_id);

CREATE TABLE printer_cartridges (
    printer_id         INTEGER NOT NULL REFERENCES printers(id),
    cartridge_type_id  INTEGER NOT NULL REFERENCES cartridge_types(id),
    PRIMARY KEY (printer_id, cartridge_type_id)
) WITHOUT ROWID;
CREATE INDEX printer_cartridges_type ON printer_cartridges(cartridge_type_id);

-- A cartridge line may say which printer it is for, and one order may ask for
-- the same type for two printers: a line is one type for one printer (or for
-- none). SQLite cannot drop the old one-line-per-type constraint in place, so
-- the table is rebuilt with its rows (ids kept: issues refer to them).
CREATE TABLE request_items_v11 (
    id                INTEGER PRIMARY KEY,
    request_id        INTEGER NOT NULL REFERENCES requests(id),
    cartridge_type_id INTEGER NOT NULL REFERENCES cartridge_types(id),
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    issued_quantity   INTEGER NOT NULL DEFAULT 0 CHECK (issued_quantity >= 0 AND issued_quantity <= quantity),
    comment           TEXT,
    printer_id        INTEGER REFERENCES printers(id)
);
INSERT INTO request_items_v11 (id, request_id, cartridge_type_id, quantity, issued_quantity, comment, printer_id)
SELECT id, request_id, cartridge_type_id, quantity, issued_quantity, comment, NULL FROM request_items;
DROP TABLE request_items;
ALTER TABLE request_items_v11 RENAME TO request_items;
CREATE UNIQUE INDEX request_items_line ON request_items(request_id, cartridge_type_id, coalesce(printer_id, 0));
CREATE INDEX request_items_printer ON request_items(printer_id) WHERE printer_id IS NOT NULL;
