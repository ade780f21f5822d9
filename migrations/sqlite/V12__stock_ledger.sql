-- Full and empty cartridges are kept apart, and every change of stock is a
-- move in a ledger: what came in (1C, receipts, empties brought in), what
-- was issued, the empties that came back with an issue, and (next) what went
-- to a contractor for refilling and came back or was written off. `helpdesk
-- stock check` balances the books from it.
ALTER TABLE stock_items ADD COLUMN empty INTEGER NOT NULL DEFAULT 0 CHECK (empty >= 0);

-- The empties that came back with an issue (at most as many as it issued).
ALTER TABLE cartridge_issues ADD COLUMN empties INTEGER NOT NULL DEFAULT 0 CHECK (empties >= 0 AND empties <= quantity);

CREATE TABLE stock_moves (
    id                INTEGER PRIMARY KEY,
    at                TEXT NOT NULL,
    warehouse_id      INTEGER NOT NULL REFERENCES warehouses(id),
    cartridge_type_id INTEGER NOT NULL REFERENCES cartridge_types(id),
    kind              TEXT NOT NULL CHECK (kind IN ('opening', 'receipt', 'issue', 'empties_back', 'empties_in',
                                                    'refill_out', 'refill_in', 'write_off')),
    -- What the move changed: full and empty cartridges in the warehouse.
    full_delta        INTEGER NOT NULL DEFAULT 0,
    empty_delta       INTEGER NOT NULL DEFAULT 0,
    request_id        INTEGER REFERENCES requests(id),
    issue_id          INTEGER REFERENCES cartridge_issues(id),
    actor             TEXT NOT NULL,
    note              TEXT
);
CREATE INDEX stock_moves_place ON stock_moves(warehouse_id, cartridge_type_id, at);
CREATE INDEX stock_moves_kind_at ON stock_moves(kind, at);

-- The books open with the stock there is plus what was issued from it before
-- (so that what came in equals what is there and what went out), then every
-- issue made so far.
INSERT INTO stock_moves (at, warehouse_id, cartridge_type_id, kind, full_delta, empty_delta, actor, note)
SELECT coalesce((SELECT min(ci.issued_at) FROM cartridge_issues ci JOIN request_items i ON i.id = ci.item_id
                 WHERE ci.warehouse_id = s.warehouse_id AND i.cartridge_type_id = s.cartridge_type_id
                   AND ci.issued_at < s.updated_at), s.updated_at),
       s.warehouse_id, s.cartridge_type_id, 'opening',
       s.quantity + coalesce((SELECT sum(ci.quantity) FROM cartridge_issues ci JOIN request_items i ON i.id = ci.item_id
                              WHERE ci.warehouse_id = s.warehouse_id AND i.cartridge_type_id = s.cartridge_type_id), 0),
       0, 'system:schema-upgrade', 'stock before the ledger, with what had been issued from it'
FROM stock_items s;
INSERT INTO stock_moves (at, warehouse_id, cartridge_type_id, kind, full_delta, empty_delta, request_id, issue_id, actor)
SELECT ci.issued_at, ci.warehouse_id, i.cartridge_type_id, 'issue', -ci.quantity, 0, ci.request_id, ci.id,
       'tg:' || ci.issued_by
FROM cartridge_issues ci JOIN request_items i ON i.id = ci.item_id
ORDER BY ci.id;
