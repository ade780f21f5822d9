//! Phone numbers: validation and normalisation to the international E.164 form
//! (`+79161234567`, `+380441234567`).
//!
//! Accepted inputs, with any spaces, dashes, dots and parentheses:
//! - international: `+7 916 123-45-67`, `+380 44 123 4567`, `+49 30 1234567`, `00380...`;
//! - Russian national: `8 916 123-45-67`, `7 916 1234567`, `916 123 45 67` (ten digits starting with 9);
//! - Ukrainian national: `044 123 4567`, `067 123 45 67`, the old `8 044 ...`, and `380 ...` without the plus.
//!
//! Lengths are checked for +7 (10 national digits), +380 (9) and +375 (9);
//! other country codes need 8 to 15 digits in all, as E.164 allows.

use std::fmt;

/// A valid phone number in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Validates and normalises `input`.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        normalize(input).map(Phone)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("no phone number given")]
    Empty,
    #[error("'{0}' is not a phone number: only digits, spaces, dashes, dots, parentheses and a leading + are allowed")]
    BadCharacters(String),
    #[error("'{0}' is not a valid phone number: use the international form, e.g. +380 44 123 4567 or +7 916 123-45-67")]
    Invalid(String),
}

fn normalize(input: &str) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(PhoneError::Empty);
    }
    let mut plus = false;
    let mut digits = String::with_capacity(16);
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            _ => return Err(PhoneError::BadCharacters(trimmed.to_string())),
        }
    }
    let invalid = || PhoneError::Invalid(trimmed.to_string());
    if !plus && let Some(rest) = digits.strip_prefix("00") {
        // 00 is the international call prefix in both countries.
        return international(rest).ok_or_else(invalid);
    }
    if plus {
        return international(&digits).ok_or_else(invalid);
    }
    let n = digits.len();
    let national = if n == 11 && digits.starts_with("80") {
        // Old Ukrainian long-distance form: 8 044 123 45 67.
        format!("380{}", &digits[2..])
    } else if n == 11 && (digits.starts_with('8') || digits.starts_with('7')) {
        // Russian: 8 916 ... (trunk prefix) or 7 916 ... (country code without +).
        format!("7{}", &digits[1..])
    } else if n == 10 && digits.starts_with('0') {
        // Ukrainian national: 0XX XXX XX XX.
        format!("38{digits}")
    } else if n == 10 && digits.starts_with('9') {
        // Russian mobile without a prefix: 916 123 45 67.
        format!("7{digits}")
    } else if n == 12 && digits.starts_with("380") {
        digits.clone()
    } else {
        return Err(invalid());
    };
    international(&national).ok_or_else(invalid)
}

/// Checks digits that start with a country code; returns the E.164 string.
fn international(digits: &str) -> Option<String> {
    let ok = if let Some(rest) = digits.strip_prefix("380") {
        rest.len() == 9 && !rest.starts_with('0')
    } else if let Some(rest) = digits.strip_prefix("375") {
        rest.len() == 9
    } else if let Some(rest) = digits.strip_prefix('7') {
        rest.len() == 10 && !rest.starts_with('0')
    } else {
        (8..=15).contains(&digits.len()) && !digits.starts_with('0')
    };
    ok.then(|| format!("+{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_forms() {
        for s in [
            "+7 916 123-45-67",
            "+79161234567",
            "8 (916) 123-45-67",
            "8-916-123-45-67",
            "89161234567",
            "7 916 123 45 67",
            "916 123 45 67",
            "00 7 916 123 45 67",
        ] {
            assert_eq!(Phone::parse(s).unwrap().as_str(), "+79161234567", "{s}");
        }
        assert_eq!(Phone::parse("8 (495) 123-45-67").unwrap().as_str(), "+74951234567");
    }

    #[test]
    fn ukrainian_forms() {
        for s in [
            "+380 44 123 4567",
            "+380441234567",
            "044 123 45 67",
            "(044) 123-45-67",
            "8 044 123 45 67",
            "380441234567",
            "00380441234567",
        ] {
            assert_eq!(Phone::parse(s).unwrap().as_str(), "+380441234567", "{s}");
        }
        assert_eq!(Phone::parse("067 123 45 67").unwrap().as_str(), "+380671234567");
    }

    #[test]
    fn other_countries() {
        assert_eq!(Phone::parse("+49 30 1234567").unwrap().as_str(), "+49301234567");
        assert_eq!(Phone::parse("+375 29 123 45 67").unwrap().as_str(), "+375291234567");
    }

    #[test]
    fn refused() {
        assert_eq!(Phone::parse("  "), Err(PhoneError::Empty));
        assert!(matches!(Phone::parse("+7 916 CALL-ME"), Err(PhoneError::BadCharacters(_))));
        assert!(matches!(Phone::parse("12+34"), Err(PhoneError::BadCharacters(_))));
        for s in [
            "123",
            "+7 916 123",
            "+7 916 123 45 678",
            "+7 016 123 45 67",
            "+380 44 123 456",
            "+380 044 123 4567",
            "044 123 45",
            "1234567890",
            "+1234567",
            "+1234567890123456",
            "+0 123 456 789",
        ] {
            assert!(matches!(Phone::parse(s), Err(PhoneError::Invalid(_))), "{s} should be refused");
        }
        assert_eq!(
            Phone::parse("12345").unwrap_err().to_string(),
            "'12345' is not a valid phone number: use the international form, e.g. +380 44 123 4567 or +7 916 123-45-67"
        );
    }
}
