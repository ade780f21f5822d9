-- A broadcast and a server-room call started from Telegram are keyed by the
-- update that started them, as requests are: an update handled again after a
-- crash finds what it already did instead of doing it twice.
ALTER TABLE broadcasts ADD COLUMN client_key TEXT UNIQUE;
ALTER TABLE server_calls ADD COLUMN client_key TEXT UNIQUE;

-- The outbox sends replies first: someone is looking at the chat waiting for
-- them (a reply is in the outbox only while its update's handler sends it,
-- or after a crash or a Bot API failure). Priority 0 is now a reply, 1 a
-- notification (0 before), 2 a broadcast (1 before).
ALTER TABLE outbox DROP CONSTRAINT outbox_priority_check;
UPDATE outbox SET priority = CASE WHEN notice LIKE '{"type":"reply"%' THEN 0 ELSE priority + 1 END;
ALTER TABLE outbox ADD CONSTRAINT outbox_priority_check CHECK (priority IN (0, 1, 2));
ALTER TABLE outbox ALTER COLUMN priority SET DEFAULT 1;
