-- 1C's exchange with a site (issue 16).

-- A repeat is now the same content as the latest import from the same source,
-- not as any earlier import: balances pulled from 1C that go back to what they
-- were (a cartridge issued, then restocked) are imported again. So the same
-- content_hash may stand on several imports. SQLite cannot drop a constraint in place: the
-- table is rebuilt with its rows (foreign keys are off while migrations run,
-- as SQLite prescribes, and checked after).
CREATE TABLE one_c_imports_v9 (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    rows          INTEGER NOT NULL CHECK (rows >= 0)
);
INSERT INTO one_c_imports_v9 (id, source, content_hash, imported_at, rows)
SELECT id, source, content_hash, imported_at, rows FROM one_c_imports;
DROP TABLE one_c_imports;
ALTER TABLE one_c_imports_v9 RENAME TO one_c_imports;
CREATE INDEX one_c_imports_source ON one_c_imports(source, id);

-- What each exchange with 1C did, a row per step that changed or refused
-- something: an import of uploaded files, a pull over OData, the orders sent
-- to 1C and their confirmation, the statuses 1C sent back. Never deleted.
CREATE TABLE onec_exchanges (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('catalog', 'sale', 'odata')),
    step           TEXT NOT NULL,
    session        TEXT,
    peer           TEXT,
    files          TEXT NOT NULL DEFAULT '',
    ok             INTEGER NOT NULL CHECK (ok IN (0, 1)),
    detail         TEXT NOT NULL,
    import_id      INTEGER REFERENCES one_c_imports(id),
    stock_changed  INTEGER NOT NULL DEFAULT 0 CHECK (stock_changed >= 0)
);
CREATE INDEX onec_exchanges_at ON onec_exchanges(at);

-- Cartridge issues 1C has confirmed receiving (type=sale, mode=success):
-- the next query sends only the issues not here.
CREATE TABLE onec_sale_confirmed (
    issue_id     INTEGER PRIMARY KEY REFERENCES cartridge_issues(id),
    exchange_id  INTEGER NOT NULL REFERENCES onec_exchanges(id)
) WITHOUT ROWID;
