-- Working-time calendars: a time zone (NULL: the TIMEZONE setting), working
-- hours per weekday as text ('09:00-13:00 14:00-18:00', '' for a day off),
-- days apart from their weekday, and which branch keeps which calendar. At
-- most one calendar is the organization's default, kept by branches with none
-- of their own; with no calendar at all, service levels run round the clock.
CREATE TABLE calendars (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 32),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    timezone    TEXT,
    mon         TEXT NOT NULL DEFAULT '',
    tue         TEXT NOT NULL DEFAULT '',
    wed         TEXT NOT NULL DEFAULT '',
    thu         TEXT NOT NULL DEFAULT '',
    fri         TEXT NOT NULL DEFAULT '',
    sat         TEXT NOT NULL DEFAULT '',
    sun         TEXT NOT NULL DEFAULT '',
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX calendars_one_default ON calendars(is_default) WHERE is_default = 1;

-- A holiday (a date), a yearly holiday (MM-DD) or a working day with hours of
-- its own (a working day moved onto a weekend, a shortened day).
CREATE TABLE calendar_days (
    calendar_id  INTEGER NOT NULL REFERENCES calendars(id),
    kind         TEXT NOT NULL CHECK (kind IN ('holiday', 'yearly', 'workday')),
    day          TEXT NOT NULL,
    hours        TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    PRIMARY KEY (calendar_id, kind, day)
) WITHOUT ROWID;

CREATE TABLE branch_calendars (
    branch_id    INTEGER PRIMARY KEY REFERENCES branches(id),
    calendar_id  INTEGER NOT NULL REFERENCES calendars(id)
);
