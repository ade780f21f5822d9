-- Satisfaction (see migrations/sqlite/V19__ratings.sql).
CREATE TABLE ratings (
    request_id  BIGINT PRIMARY KEY REFERENCES requests(id),
    score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     TEXT CHECK (comment IS NULL OR length(comment) <= 1000),
    rated_at    TIMESTAMPTZ NOT NULL
);
