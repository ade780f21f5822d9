-- Several webhook `serve` processes share one database: an update a process
-- received but did not handle (it stopped) is claimed by another, until then.
ALTER TABLE telegram_inbox ADD COLUMN claimed_until TEXT;
