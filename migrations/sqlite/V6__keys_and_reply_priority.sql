-- A broadcast and a server-room call started from Telegram are keyed by the
-- update that started them, as requests are: an update handled again after a
-- crash finds what it already did instead of doing it twice.
ALTER TABLE broadcasts ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX broadcasts_client_key ON broadcasts(client_key) WHERE client_key IS NOT NULL;
ALTER TABLE server_calls ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX server_calls_client_key ON server_calls(client_key) WHERE client_key IS NOT NULL;

-- The outbox sends replies first: someone is looking at the chat waiting for
-- them (a reply is in the outbox only while its update's handler sends it,
-- or after a crash or a Bot API failure). Priority 0 is now a reply, 1 a
-- notification (0 before), 2 a broadcast (1 before). SQLite cannot change a
-- CHECK constraint in place, so the table is rebuilt with its rows.
CREATE TABLE outbox_v6 (
    id           INTEGER PRIMARY KEY,
    chat_id      INTEGER NOT NULL,
    notice       TEXT NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 1 CHECK (priority IN (0, 1, 2)),
    broadcast_id INTEGER REFERENCES broadcasts(id),
    created_at   TEXT NOT NULL,
    send_after   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    sent_at      TEXT,
    failed_at    TEXT,
    last_error   TEXT,
    email        TEXT
);
INSERT INTO outbox_v6 (id, chat_id, notice, priority, broadcast_id, created_at, send_after, attempts, sent_at,
                       failed_at, last_error, email)
SELECT id, chat_id, notice, CASE WHEN notice LIKE '{"type":"reply"%' THEN 0 ELSE priority + 1 END, broadcast_id,
       created_at, send_after, attempts, sent_at, failed_at, last_error, email
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v6 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(priority, send_after) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_broadcast ON outbox(broadcast_id) WHERE broadcast_id IS NOT NULL;
