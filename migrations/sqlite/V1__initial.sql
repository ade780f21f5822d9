-- helpdesk schema, version 1 (SQLite).
-- Times are UTC text in one fixed-width form, 2026-11-21T13:37:00.000000Z,
-- so they sort as text. Booleans are 0/1 with a CHECK.

CREATE TABLE branches (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 32),
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    address     TEXT,
    created_at  TEXT NOT NULL
);

-- A warehouse belongs to a branch, or is central when branch_id is NULL.
CREATE TABLE warehouses (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 32),
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    branch_id   INTEGER REFERENCES branches(id),
    one_c_id    TEXT UNIQUE,
    created_at  TEXT NOT NULL
);

-- People, keyed by Telegram ID. Super admins come from configuration, never from here.
CREATE TABLE users (
    telegram_id     INTEGER PRIMARY KEY CHECK (telegram_id > 0),
    full_name       TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    username        TEXT,
    phone           TEXT,
    role            TEXT NOT NULL DEFAULT 'user'
                    CHECK (role IN ('user', 'storekeeper', 'support', 'admin')),
    branch_id       INTEGER REFERENCES branches(id),
    language        TEXT CHECK (language IN ('ru', 'uk', 'en')),
    blocked         INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    on_duty         INTEGER NOT NULL DEFAULT 1 CHECK (on_duty IN (0, 1)),
    bot_blocked_at  TEXT,
    created_at      TEXT NOT NULL,
    last_seen_at    TEXT
);
CREATE INDEX users_staff ON users(role) WHERE role <> 'user';
CREATE INDEX users_branch ON users(branch_id);

CREATE TABLE cartridge_types (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    vendor_article      TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(vendor_article) BETWEEN 1 AND 100),
    compatible_printers TEXT NOT NULL DEFAULT '',
    one_c_id            TEXT UNIQUE,
    min_stock           INTEGER NOT NULL DEFAULT 0 CHECK (min_stock >= 0),
    created_at          TEXT NOT NULL
);

-- Stock can never go negative, whatever writes it.
CREATE TABLE stock_items (
    cartridge_type_id INTEGER NOT NULL REFERENCES cartridge_types(id),
    warehouse_id      INTEGER NOT NULL REFERENCES warehouses(id),
    quantity          INTEGER NOT NULL CHECK (quantity >= 0),
    updated_at        TEXT NOT NULL,
    PRIMARY KEY (cartridge_type_id, warehouse_id)
) WITHOUT ROWID;
CREATE INDEX stock_items_warehouse ON stock_items(warehouse_id);

-- Requests are never deleted, only archived (see the trigger below).
-- The human-friendly number HD-000123 is derived from id.
CREATE TABLE requests (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('cartridge', 'repair', 'maintenance', 'it_help')),
    author_id        INTEGER NOT NULL REFERENCES users(telegram_id),
    branch_id        INTEGER NOT NULL REFERENCES branches(id),
    contact_name     TEXT NOT NULL,
    contact_phone    TEXT NOT NULL,
    description      TEXT NOT NULL,
    priority         TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high')),
    status           TEXT NOT NULL DEFAULT 'new'
                     CHECK (status IN ('new', 'accepted', 'done', 'rejected', 'cancelled')),
    assignee_id      INTEGER REFERENCES users(telegram_id),
    rejection_reason TEXT,
    created_at       TEXT NOT NULL,
    accepted_at      TEXT,
    closed_at        TEXT,
    archived_at      TEXT,
    sla_level        INTEGER NOT NULL DEFAULT 0 CHECK (sla_level >= 0),
    sla_notified_at  TEXT,
    client_key       TEXT UNIQUE,
    CHECK (status <> 'rejected' OR length(trim(coalesce(rejection_reason, ''))) > 0),
    CHECK ((status IN ('done', 'rejected', 'cancelled')) = (closed_at IS NOT NULL)),
    CHECK (archived_at IS NULL OR status IN ('done', 'rejected', 'cancelled')),
    CHECK (status <> 'accepted' OR (accepted_at IS NOT NULL AND assignee_id IS NOT NULL))
);
CREATE INDEX requests_branch_status_created ON requests(branch_id, status, created_at);
CREATE INDEX requests_status_created ON requests(status, created_at);
CREATE INDEX requests_author_created ON requests(author_id, created_at);
CREATE INDEX requests_created ON requests(created_at);

CREATE TRIGGER requests_are_never_deleted BEFORE DELETE ON requests
BEGIN
    SELECT RAISE(ABORT, 'requests are never deleted; archive them instead');
END;

-- Cartridge lines of an order.
CREATE TABLE request_items (
    id                INTEGER PRIMARY KEY,
    request_id        INTEGER NOT NULL REFERENCES requests(id),
    cartridge_type_id INTEGER NOT NULL REFERENCES cartridge_types(id),
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    issued_quantity   INTEGER NOT NULL DEFAULT 0 CHECK (issued_quantity >= 0 AND issued_quantity <= quantity),
    comment           TEXT,
    UNIQUE (request_id, cartridge_type_id)
);

-- Photos and documents attached to a request, by Telegram file id.
CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY,
    request_id      INTEGER NOT NULL REFERENCES requests(id),
    kind            TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
    file_id         TEXT NOT NULL,
    file_unique_id  TEXT,
    file_name       TEXT,
    mime_type       TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX attachments_request ON attachments(request_id);

-- The audit log: who did what, when, before and after (JSON). Append-only.
CREATE TABLE logs (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before      TEXT,
    after       TEXT
);
CREATE INDEX logs_entity ON logs(entity, entity_id);
CREATE INDEX logs_at ON logs(at);

CREATE TRIGGER logs_are_append_only_update BEFORE UPDATE ON logs
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER logs_are_append_only_delete BEFORE DELETE ON logs
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Imports of 1C balances: one row per imported file, recognised again by its content hash.
CREATE TABLE one_c_imports (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    content_hash  TEXT NOT NULL UNIQUE,
    imported_at   TEXT NOT NULL,
    rows          INTEGER NOT NULL CHECK (rows >= 0)
);

-- The balances as 1C reported them, matched to the catalog and warehouses where possible.
CREATE TABLE one_c_snapshot (
    id                  INTEGER PRIMARY KEY,
    import_id           INTEGER NOT NULL REFERENCES one_c_imports(id),
    source              TEXT NOT NULL,
    imported_at         TEXT NOT NULL,
    item_one_c_id       TEXT,
    item_name           TEXT NOT NULL,
    item_article        TEXT,
    warehouse_one_c_id  TEXT,
    warehouse_name      TEXT,
    quantity            INTEGER NOT NULL CHECK (quantity >= 0),
    cartridge_type_id   INTEGER REFERENCES cartridge_types(id),
    warehouse_id        INTEGER REFERENCES warehouses(id)
);
CREATE INDEX one_c_snapshot_import ON one_c_snapshot(import_id);
