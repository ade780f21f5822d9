//! Checking what Telegram vouches for: the data the Telegram Login Widget
//! hands a website, signed with the bot's token. No I/O: the caller passes
//! the fields as received, the token and the time now.
//!
//! As Telegram documents it: the data-check-string is every received field
//! but `hash`, as `key=value`, sorted by key, joined by line feeds; the hash
//! is the hex HMAC-SHA-256 of it keyed with SHA-256 of the bot token. The
//! comparison takes the same time whatever the hash, and `auth_date` may be
//! at most a day old.

use chrono::{DateTime, Duration, Utc};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

/// Someone Telegram vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramIdentity {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub auth_date: DateTime<Utc>,
}

/// Why the data is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the sign-in data has no {0}")]
    Missing(&'static str),
    #[error("the sign-in data names {0} twice")]
    Repeated(String),
    #[error("the sign-in data's {0} is not valid")]
    Malformed(&'static str),
    #[error("the sign-in data is not signed by this bot")]
    BadHash,
    #[error("the sign-in data is more than a day old; sign in again")]
    Expired,
}

/// How old the Login Widget's data may be.
pub const MAX_AGE: Duration = Duration::days(1);

/// Checks the Login Widget's fields (`id`, `first_name`, ..., `auth_date`, `hash`).
pub fn verify_login_widget(
    fields: &[(String, String)],
    bot_token: &str,
    now: DateTime<Utc>,
) -> Result<TelegramIdentity, AuthError> {
    let mut sorted: Vec<&(String, String)> = fields.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = sorted.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(AuthError::Repeated(w[0].0.clone()));
    }
    let get = |k: &str| sorted.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let hash = get("hash").ok_or(AuthError::Missing("hash"))?;
    let check: Vec<String> = sorted.iter().filter(|(k, _)| k != "hash").map(|(k, v)| format!("{k}={v}")).collect();
    let key = Sha256::digest(bot_token.as_bytes());
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes a key of any length");
    mac.update(check.join("\n").as_bytes());
    let given = decode_hex(hash).ok_or(AuthError::BadHash)?;
    mac.verify_slice(&given).map_err(|_| AuthError::BadHash)?;

    let id = get("id").ok_or(AuthError::Missing("id"))?.parse::<i64>().map_err(|_| AuthError::Malformed("id"))?;
    if id <= 0 {
        return Err(AuthError::Malformed("id"));
    }
    let auth_date = get("auth_date")
        .ok_or(AuthError::Missing("auth_date"))?
        .parse::<i64>()
        .ok()
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .ok_or(AuthError::Malformed("auth_date"))?;
    // A clock a few minutes ahead of ours is Telegram's, not an attack.
    if now - auth_date > MAX_AGE || auth_date - now > Duration::minutes(5) {
        return Err(AuthError::Expired);
    }
    let first_name = get("first_name").ok_or(AuthError::Missing("first_name"))?.to_string();
    let opt = |k: &str| get(k).filter(|v| !v.is_empty()).map(String::from);
    Ok(TelegramIdentity { id, first_name, last_name: opt("last_name"), username: opt("username"), auth_date })
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "123456789:TEST-fake-token";

    /// Signed by Python's hmac module with the same token, as Telegram would.
    fn fields() -> Vec<(String, String)> {
        [
            ("id", "555000101"),
            ("first_name", "Іван"),
            ("last_name", "Петренко"),
            ("username", "ivan_p"),
            ("auth_date", "1796170000"),
            ("hash", "7cd7b7735d75085bfddc6a1950b75aeb0b22e5b7490ff615335dcc132cc084ac"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    #[test]
    fn data_signed_with_the_bot_token_is_taken_whatever_the_field_order() {
        let mut f = fields();
        f.reverse();
        let who = verify_login_widget(&f, TOKEN, at(1796170000 + 3600)).unwrap();
        assert_eq!(who.id, 555000101);
        assert_eq!(who.first_name, "Іван");
        assert_eq!(who.last_name.as_deref(), Some("Петренко"));
        assert_eq!(who.username.as_deref(), Some("ivan_p"));
    }

    #[test]
    fn anything_changed_or_signed_by_another_bot_is_refused() {
        let now = at(1796170000 + 60);
        assert_eq!(verify_login_widget(&fields(), "123456789:another-token", now), Err(AuthError::BadHash));
        let mut f = fields();
        f[0].1 = "555000102".into();
        assert_eq!(verify_login_widget(&f, TOKEN, now), Err(AuthError::BadHash), "another id");
        let mut f = fields();
        f.push(("photo_url".into(), "https://example.org/x.jpg".into()));
        assert_eq!(verify_login_widget(&f, TOKEN, now), Err(AuthError::BadHash), "a field added");
        let mut f = fields();
        f.retain(|(k, _)| k != "username");
        assert_eq!(verify_login_widget(&f, TOKEN, now), Err(AuthError::BadHash), "a field left out");
        let mut f = fields();
        f[5].1 = "zz".into();
        assert_eq!(verify_login_widget(&f, TOKEN, now), Err(AuthError::BadHash), "not hex");
        let mut f = fields();
        f.retain(|(k, _)| k != "hash");
        assert_eq!(verify_login_widget(&f, TOKEN, now), Err(AuthError::Missing("hash")));
        let mut f = fields();
        f.push(("id".into(), "1".into()));
        assert_eq!(verify_login_widget(&f, TOKEN, now), Err(AuthError::Repeated("id".into())));
    }

    #[test]
    fn data_more_than_a_day_old_is_refused() {
        assert!(verify_login_widget(&fields(), TOKEN, at(1796170000 + 86_400)).is_ok());
        assert_eq!(verify_login_widget(&fields(), TOKEN, at(1796170000 + 86_401)), Err(AuthError::Expired));
        assert_eq!(verify_login_widget(&fields(), TOKEN, at(1796170000 - 3600)), Err(AuthError::Expired));
    }
}
