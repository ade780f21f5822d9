//! Domain types and rules of the help desk, with no I/O: what a request is, the
//! lifecycle it moves through, who may do what (and so which actions to offer
//! on a request, and which menus), how phone numbers look, how long requests took, the
//! alphabetical order of names, the ids and keys that name branches,
//! warehouses and cartridge types, and why a service refuses (as data).
//!
//! Nothing here touches the database, the network or the clock; the services
//! layer loads facts from the store, asks these functions, and writes the result.

pub mod actions;
pub mod audit;
pub mod calendar;
pub mod crontab;
pub mod forecast;
pub mod ids;
pub mod lifecycle;
pub mod model;
pub mod permissions;
pub mod phone;
pub mod recurrence;
pub mod refusal;
pub mod request;
pub mod satisfaction;
pub mod sla;
pub mod stock;
pub mod telegram_auth;
pub mod text;
pub mod took;

pub use actions::Action;
pub use ids::{
    BadKey, BranchId, BranchKey, Candidate, CartridgeKey, CartridgeTypeId, Field, Key, PrinterId, PrinterKey,
    WarehouseId, WarehouseKey,
};
pub use lifecycle::{LifecycleError, State, Transition};
pub use permissions::{Denied, Permission, Principal, RequestFacts, Role};
pub use phone::{Phone, PhoneError};
pub use refusal::{Entity, Refusal, TextField};
pub use request::{Kind, Lang, Priority, RequestNumber, Status, Waiting};
pub use stock::{MoveKind, StockLevels};

/// A closed set of named values stored and typed as lowercase words
/// (`it_help`, `high`, `storekeeper`). One definition gives parsing, display,
/// serde and the list of accepted words for error messages and shell completion.
pub trait Named: Sized + Copy + 'static {
    /// Every value, in a stable order.
    const ALL: &'static [Self];
    /// What this kind of value is called in messages ("kind", "priority").
    const WHAT: &'static str;
    fn as_str(self) -> &'static str;

    fn parse_named(s: &str) -> Result<Self, UnknownName> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.iter().copied().find(|v| v.as_str() == wanted).ok_or_else(|| UnknownName {
            what: Self::WHAT,
            given: s.to_string(),
            expected: Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
        })
    }
}

/// A word that is not one of the accepted values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}'; expected one of: {expected}")]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}

/// Defines a [`Named`] enum with `Display`, `FromStr` and serde as its word.
macro_rules! named_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident ($what:literal) { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $crate::domain::Named for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const WHAT: &'static str = $what;
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $word),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::domain::Named::as_str(*self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as $crate::domain::Named>::parse_named(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::domain::Named::as_str(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use named_enum;
