//! What a request is made of: its kind, priority, status and human-friendly
//! number, and the languages people talk to the bot in.

use super::named_enum;
use std::fmt;

named_enum! {
    /// What a request asks for.
    pub enum Kind ("kind") {
        Cartridge = "cartridge",
        Repair = "repair",
        Maintenance = "maintenance",
        ItHelp = "it_help",
    }
}

named_enum! {
    /// How urgent a request is; it decides the SLA.
    pub enum Priority ("priority") {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

named_enum! {
    /// The stored status of a request. Whether it is archived is kept
    /// alongside (see [`crate::domain::lifecycle::State`]), so an archived
    /// request still says how it ended.
    pub enum Status ("status") {
        New = "new",
        Accepted = "accepted",
        Done = "done",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
}

named_enum! {
    /// What an accepted request waits for while its clock is stopped.
    pub enum Waiting ("waiting") {
        /// An answer from the person who filed it.
        Author = "author",
        /// Parts or a contractor.
        Parts = "parts",
    }
}

impl Status {
    /// Open requests are waiting for staff: new or accepted.
    pub fn is_open(self) -> bool {
        matches!(self, Status::New | Status::Accepted)
    }
    /// Closed requests have ended: done, rejected or cancelled.
    pub fn is_closed(self) -> bool {
        !self.is_open()
    }
}

impl Priority {
    /// Sort key: higher priority first.
    pub fn rank(self) -> u8 {
        match self {
            Priority::High => 0,
            Priority::Medium => 1,
            Priority::Low => 2,
        }
    }
}

named_enum! {
    /// A language of the bot's texts.
    pub enum Lang ("language") {
        Ru = "ru",
        Uk = "uk",
        En = "en",
    }
}

impl Lang {
    /// The language for a Telegram `language_code` such as `uk`, `ru-RU` or `en-GB`;
    /// `None` for languages the bot does not speak.
    pub fn from_telegram_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Some(Lang::Ru),
            "uk" | "ua" => Some(Lang::Uk),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The human-friendly number of a request, `HD-000123`, derived from its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestNumber(pub i64);

impl RequestNumber {
    pub const PREFIX: &'static str = "HD-";

    /// Accepts `HD-000123`, `hd-123`, `#123` and `123`.
    pub fn parse(s: &str) -> Result<RequestNumber, BadRequestNumber> {
        let t = s.trim();
        let digits = if t.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(Self::PREFIX)) {
            &t[3..]
        } else {
            t.strip_prefix('#').unwrap_or(t)
        };
        match digits.parse::<i64>() {
            Ok(n) if n > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(RequestNumber(n)),
            _ => Err(BadRequestNumber(s.to_string())),
        }
    }
}

impl RequestNumber {
    /// The first request number written out in `text` (`HD-000123`), as the
    /// bot's messages about a request carry it.
    pub fn find_in(text: &str) -> Option<RequestNumber> {
        let mut rest = text;
        while let Some(at) = rest.find(Self::PREFIX) {
            let after = &rest[at + Self::PREFIX.len()..];
            let digits = after.find(|c: char| !c.is_ascii_digit()).map_or(after, |end| &after[..end]);
            if let Ok(n @ 1..) = digits.parse::<i64>() {
                return Some(RequestNumber(n));
            }
            rest = after;
        }
        None
    }
}

impl fmt::Display for RequestNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:06}", Self::PREFIX, self.0)
    }
}

/// A string that is not a request number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a request number; use the form HD-000123")]
pub struct BadRequestNumber(pub String);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Named;

    #[test]
    fn numbers_are_found_in_a_message() {
        let found = |t: &str| RequestNumber::find_in(t).map(|n| n.0);
        assert_eq!(found("❓ A question about your request <b>HD-000042</b>:\nwhich floor?"), Some(42));
        assert_eq!(found("HD- first, then HD-0 then HD-7x"), Some(7));
        assert_eq!(found("HD-99999999999999999999 too long, HD-000005"), Some(5));
        assert_eq!(found("no number here, nor in hd-12"), None);
        assert_eq!(found(""), None);
    }

    #[test]
    fn numbers_format_and_parse() {
        assert_eq!(RequestNumber(123).to_string(), "HD-000123");
        assert_eq!(RequestNumber(12_345_678).to_string(), "HD-12345678");
        for s in ["HD-000123", "hd-123", "#123", " 123 "] {
            assert_eq!(RequestNumber::parse(s), Ok(RequestNumber(123)), "{s}");
        }
        for s in ["", "HD-", "HD-0", "-5", "HD-12a", "12.5", "HD--1", "счёт", "сч", "ё1", "№12"] {
            assert!(RequestNumber::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn named_values_round_trip_and_explain_mistakes() {
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>().unwrap(), *k);
        }
        assert_eq!("IT-help".parse::<Kind>().unwrap(), Kind::ItHelp);
        let err = "printer".parse::<Kind>().unwrap_err().to_string();
        assert_eq!(err, "unknown kind 'printer'; expected one of: cartridge, repair, maintenance, it_help");
        assert_eq!(serde_json::to_string(&Priority::High).unwrap(), "\"high\"");
    }

    #[test]
    fn telegram_language_codes() {
        assert_eq!(Lang::from_telegram_code("uk"), Some(Lang::Uk));
        assert_eq!(Lang::from_telegram_code("ru-RU"), Some(Lang::Ru));
        assert_eq!(Lang::from_telegram_code("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_telegram_code("de"), None);
    }
}
