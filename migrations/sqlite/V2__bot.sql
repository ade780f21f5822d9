-- helpdesk schema, version 2 (SQLite): what the Telegram bot needs to be
-- reliable across restarts.

-- Updates from Telegram, written before their offset is confirmed and marked
-- done once handled: a crash replays what was not done, nothing is lost.
CREATE TABLE telegram_inbox (
    update_id    INTEGER PRIMARY KEY,
    chat_id      INTEGER,
    payload      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    done_at      TEXT
);
CREATE INDEX telegram_inbox_pending ON telegram_inbox(update_id) WHERE done_at IS NULL;

-- The step each chat is at in a dialogue (JSON), so a restart continues there,
-- and the last update applied to it, so a replayed update is not applied twice.
CREATE TABLE dialogues (
    chat_id         INTEGER PRIMARY KEY,
    state           TEXT NOT NULL,
    last_update_id  INTEGER,
    updated_at      TEXT NOT NULL
);

-- Announcements to every active user, and how their delivery went.
CREATE TABLE broadcasts (
    id            INTEGER PRIMARY KEY,
    author_id     INTEGER NOT NULL REFERENCES users(telegram_id),
    kind          TEXT NOT NULL CHECK (kind IN ('text', 'photo', 'document')),
    text          TEXT,
    file_id       TEXT,
    created_at    TEXT NOT NULL,
    finished_at   TEXT,
    recipients    INTEGER NOT NULL DEFAULT 0,
    delivered     INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    blocked       INTEGER NOT NULL DEFAULT 0
);

-- Notifications to send, written in the same transaction as the change they
-- announce; delivered (and retried) by `helpdesk serve`, most urgent first
-- (priority 0: about requests and calls; 1: broadcasts).
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    chat_id      INTEGER NOT NULL,
    notice       TEXT NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
    broadcast_id INTEGER REFERENCES broadcasts(id),
    created_at   TEXT NOT NULL,
    send_after   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    sent_at      TEXT,
    failed_at    TEXT,
    last_error   TEXT
);
CREATE INDEX outbox_due ON outbox(priority, send_after) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_broadcast ON outbox(broadcast_id) WHERE broadcast_id IS NOT NULL;

-- Urgent calls to the server room, and who answered them.
CREATE TABLE server_calls (
    id          INTEGER PRIMARY KEY,
    caller_id   INTEGER NOT NULL REFERENCES users(telegram_id),
    branch_id   INTEGER REFERENCES branches(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX server_calls_caller ON server_calls(caller_id, created_at);

CREATE TABLE server_call_answers (
    call_id       INTEGER NOT NULL REFERENCES server_calls(id),
    responder_id  INTEGER NOT NULL REFERENCES users(telegram_id),
    answer        TEXT NOT NULL CHECK (answer IN ('coming', 'cannot')),
    answered_at   TEXT NOT NULL,
    PRIMARY KEY (call_id, responder_id)
) WITHOUT ROWID;

-- Cartridges taken out of stock for an order: what, from where, by whom.
CREATE TABLE cartridge_issues (
    id            INTEGER PRIMARY KEY,
    request_id    INTEGER NOT NULL REFERENCES requests(id),
    item_id       INTEGER NOT NULL REFERENCES request_items(id),
    warehouse_id  INTEGER NOT NULL REFERENCES warehouses(id),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    note          TEXT,
    issued_by     INTEGER NOT NULL,
    issued_at     TEXT NOT NULL
);
CREATE INDEX cartridge_issues_request ON cartridge_issues(request_id);
