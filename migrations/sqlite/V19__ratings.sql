-- Satisfaction: the author's rating of a request once it is done, 1 to 5,
-- with an optional comment; one per request, changed in place.
CREATE TABLE ratings (
    request_id  INTEGER PRIMARY KEY REFERENCES requests(id),
    score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     TEXT CHECK (comment IS NULL OR length(comment) <= 1000),
    rated_at    TEXT NOT NULL
);
