-- The web panel's sign-in (issue 14). Neither table keeps a secret that would
-- let someone in: only the SHA-256 of a sign-in link's token and of a session
-- cookie's value are stored. Who the person is and what they may do is read
-- from users on every request, never from here.

-- One-time sign-in links: valid until expires_at, usable once.
CREATE TABLE web_login_tokens (
    token_hash  TEXT PRIMARY KEY,
    telegram_id INTEGER NOT NULL REFERENCES users(telegram_id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX web_login_tokens_expiry ON web_login_tokens(expires_at);

-- Signed-in browsers.
CREATE TABLE web_sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    telegram_id INTEGER NOT NULL REFERENCES users(telegram_id),
    csrf        TEXT NOT NULL,
    via         TEXT NOT NULL CHECK (via IN ('link', 'widget', 'mini_app')),
    created_at  TEXT NOT NULL,
    seen_at     TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    ended_at    TEXT,
    user_agent  TEXT
);
CREATE INDEX web_sessions_person ON web_sessions(telegram_id) WHERE ended_at IS NULL;
