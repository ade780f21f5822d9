-- Recurring requests: a schedule files a request of a kind, for one branch or
-- (branch_id NULL) for every branch, on behalf of its author, accepted by
-- its assignee if one is named, at each occurrence of its rule, read in the
-- branch's calendar's time zone. `active_since` is when it was made or last
-- resumed: occurrences before it are never filed.
CREATE TABLE recurring (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('cartridge', 'repair', 'maintenance', 'it_help')),
    branch_id     INTEGER REFERENCES branches(id),
    description   TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    priority      TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high')),
    author_id     INTEGER NOT NULL REFERENCES users(telegram_id),
    assignee_id   INTEGER REFERENCES users(telegram_id),
    rule          TEXT NOT NULL,
    at_time       TEXT NOT NULL,
    starts_on     TEXT NOT NULL,
    paused        INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    active_since  TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- One row per occurrence filed, per branch: its key is what makes each
-- occurrence filed once, however many processes try.
CREATE TABLE recurring_runs (
    recurring_id  INTEGER NOT NULL REFERENCES recurring(id),
    branch_id     INTEGER NOT NULL REFERENCES branches(id),
    due_at        TEXT NOT NULL,
    request_id    INTEGER REFERENCES requests(id),
    filed_at      TEXT NOT NULL,
    late          INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    PRIMARY KEY (recurring_id, branch_id, due_at)
) WITHOUT ROWID;
