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
    #[error("the sign-in data is too old; sign in again")]
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
    let key = Sha256::digest(bot_token.as_bytes());
    let sorted = signed_fields(fields, &key)?;
    let get = |k: &str| sorted.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let id = get("id").ok_or(AuthError::Missing("id"))?.parse::<i64>().map_err(|_| AuthError::Malformed("id"))?;
    if id <= 0 {
        return Err(AuthError::Malformed("id"));
    }
    let auth_date = fresh(get("auth_date"), now, MAX_AGE)?;
    let first_name = get("first_name").ok_or(AuthError::Missing("first_name"))?.to_string();
    let opt = |k: &str| get(k).filter(|v| !v.is_empty()).map(String::from);
    Ok(TelegramIdentity { id, first_name, last_name: opt("last_name"), username: opt("username"), auth_date })
}

/// The fields, sorted by key, once their `hash` is found to be the
/// HMAC-SHA-256 under `key` of the data-check-string (every field but
/// `hash`, `key=value`, sorted, joined by line feeds), compared in constant time.
fn signed_fields<'a>(fields: &'a [(String, String)], key: &[u8]) -> Result<Vec<&'a (String, String)>, AuthError> {
    let mut sorted: Vec<&(String, String)> = fields.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = sorted.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(AuthError::Repeated(w[0].0.clone()));
    }
    let hash = sorted.iter().find(|(k, _)| k == "hash").map(|(_, v)| v.as_str()).ok_or(AuthError::Missing("hash"))?;
    let check: Vec<String> = sorted.iter().filter(|(k, _)| k != "hash").map(|(k, v)| format!("{k}={v}")).collect();
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(check.join("\n").as_bytes());
    let given = decode_hex(hash).ok_or(AuthError::BadHash)?;
    mac.verify_slice(&given).map_err(|_| AuthError::BadHash)?;
    Ok(sorted)
}

/// `auth_date` (Unix seconds) as a time, if it is at most `max_age` old.
fn fresh(auth_date: Option<&str>, now: DateTime<Utc>, max_age: Duration) -> Result<DateTime<Utc>, AuthError> {
    let auth_date = auth_date
        .ok_or(AuthError::Missing("auth_date"))?
        .parse::<i64>()
        .ok()
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .ok_or(AuthError::Malformed("auth_date"))?;
    // A clock a few minutes ahead of ours is Telegram's, not an attack.
    if now - auth_date > max_age || auth_date - now > Duration::minutes(5) {
        return Err(AuthError::Expired);
    }
    Ok(auth_date)
}

/// Someone a Mini App's launch data vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MiniAppUser {
    pub identity: TelegramIdentity,
    /// The user's Telegram language (`ru`, `uk`, `en`, ...), if given.
    pub language_code: Option<String>,
    /// `start_param` of a direct link (`t.me/<bot>?startapp=...`), if any.
    pub start_param: Option<String>,
}

/// Checks a Mini App's raw `initData` (the query string Telegram hands the
/// page) as Telegram documents it: the data-check-string as for the Login
/// Widget, the key `HMAC-SHA-256("WebAppData", bot token)`, and `auth_date`
/// at most `max_age` old.
pub fn verify_init_data(
    raw: &str,
    bot_token: &str,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Result<MiniAppUser, AuthError> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(raw.as_bytes()).into_owned().collect();
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(b"WebAppData").expect("HMAC takes a key of any length");
    mac.update(bot_token.as_bytes());
    let key = mac.finalize().into_bytes();
    let sorted = signed_fields(&fields, &key)?;
    let get = |k: &str| sorted.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let auth_date = fresh(get("auth_date"), now, max_age)?;
    let user: serde_json::Value = serde_json::from_str(get("user").ok_or(AuthError::Missing("user"))?)
        .map_err(|_| AuthError::Malformed("user"))?;
    let id = user["id"].as_i64().filter(|id| *id > 0).ok_or(AuthError::Malformed("user"))?;
    let text = |k: &str| user[k].as_str().filter(|v| !v.is_empty()).map(String::from);
    Ok(MiniAppUser {
        identity: TelegramIdentity {
            id,
            first_name: text("first_name").ok_or(AuthError::Malformed("user"))?,
            last_name: text("last_name"),
            username: text("username"),
            auth_date,
        },
        language_code: text("language_code"),
        start_param: get("start_param").filter(|v| !v.is_empty()).map(String::from),
    })
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

    /// initData as Telegram hands a Mini App, signed by Python's hmac module
    /// with the same token and Telegram's documented key derivation.
    const INIT_DATA: &str = "query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A555000101%2C%22first_name%22%3A%22%D0%86%D0%B2%D0%B0%D0%BD%22%2C%22last_name%22%3A%22%D0%9F%D0%B5%D1%82%D1%80%D0%B5%D0%BD%D0%BA%D0%BE%22%2C%22username%22%3A%22ivan_p%22%2C%22language_code%22%3A%22uk%22%2C%22allows_write_to_pm%22%3Atrue%7D&auth_date=1796170000&start_param=order&signature=c2lnbmVkLWJ5LXRlbGVncmFt&hash=815637cc1438cdfeada06c1d3012bc9cd2c647527c7594366daab6bacb4361ab";

    #[test]
    fn mini_app_init_data_signed_for_this_bot_is_taken() {
        let who = verify_init_data(INIT_DATA, TOKEN, at(1796170000 + 60), MAX_AGE).unwrap();
        assert_eq!(who.identity.id, 555000101);
        assert_eq!(who.identity.first_name, "Іван");
        assert_eq!(who.identity.username.as_deref(), Some("ivan_p"));
        assert_eq!(who.language_code.as_deref(), Some("uk"));
        assert_eq!(who.start_param.as_deref(), Some("order"));
    }

    #[test]
    fn mini_app_init_data_tampered_stale_or_for_another_bot_is_refused() {
        let now = at(1796170000 + 60);
        let v = |raw: &str| verify_init_data(raw, TOKEN, now, MAX_AGE).map(|u| u.identity.id);
        assert_eq!(verify_init_data(INIT_DATA, "123456789:another-token", now, MAX_AGE), Err(AuthError::BadHash));
        // Each field changed in turn.
        for (from, to) in [
            ("555000101", "555000102"),
            ("auth_date=1796170000", "auth_date=1796170001"),
            ("start_param=order", "start_param=card"),
            ("query_id=AAH", "query_id=BAH"),
            ("signature=c2l", "signature=d2l"),
            ("hash=8156", "hash=8157"),
        ] {
            assert_eq!(v(&INIT_DATA.replace(from, to)), Err(AuthError::BadHash), "{from} -> {to}");
        }
        // A field left out, one added, the hash missing or twice.
        assert_eq!(v(&INIT_DATA.replace("start_param=order&", "")), Err(AuthError::BadHash));
        assert_eq!(v(&format!("{INIT_DATA}&chat_type=private")), Err(AuthError::BadHash));
        let no_hash = &INIT_DATA[..INIT_DATA.find("&hash=").unwrap()];
        assert_eq!(v(no_hash), Err(AuthError::Missing("hash")));
        assert_eq!(v(&format!("{INIT_DATA}&hash=00")), Err(AuthError::Repeated("hash".into())));
        assert_eq!(v(""), Err(AuthError::Missing("hash")));
        assert_eq!(v("not init data at all"), Err(AuthError::Missing("hash")));
        // Stale, by the limit given.
        assert!(verify_init_data(INIT_DATA, TOKEN, at(1796170000 + 3600), Duration::hours(1)).is_ok());
        assert_eq!(
            verify_init_data(INIT_DATA, TOKEN, at(1796170000 + 3601), Duration::hours(1)),
            Err(AuthError::Expired)
        );
    }
}
