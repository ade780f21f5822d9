//! The ids of branches, warehouses, cartridge types and printers, and the
//! keys people type to name one (`LVIV`, `Львов`, `id:3`, `INV-0042`).
//!
//! An id comes from the database (a foreign key, a button, a dialogue step)
//! and is looked up as an id, never as anything else. A [`Key`] comes from a
//! person (a command-line flag, a fixture file) and may be a code, a name or
//! an id. Keeping the two apart in types is what stops a branch whose code is
//! `3` from answering for the branch whose id is 3.
//!
//! Not here: finding what a key names (that is `services`, which refuses a key
//! naming two different records), or how ids are stored (`store`).

use std::fmt;

/// Defines an id newtype: a number, serialized as the number.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }
    };
}

id_type! {
    /// The id of a branch.
    BranchId
}
id_type! {
    /// The id of a warehouse.
    WarehouseId
}
id_type! {
    /// The id of a cartridge type.
    CartridgeTypeId
}
id_type! {
    /// The id of a printer.
    PrinterId
}

/// One of the records a key names when it names more than one (see
/// `services::lookup`): a branch's code that is another branch's id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    pub id: i64,
    /// Its code (a cartridge type's vendor article).
    pub code: String,
    pub name: String,
    /// The field the key matched in it.
    pub matched: Field,
}

impl Candidate {
    /// How to write the key so that it names this one only: `code:3`.
    pub fn key(&self, typed: &str) -> String {
        self.matched.key_for(typed)
    }
}

/// Which field of a record a key was matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Id,
    /// A branch's or warehouse's code.
    Code,
    /// A cartridge type's vendor article (its code).
    Article,
    Name,
    /// The id 1C gave it.
    OneC,
}

impl Field {
    /// The prefix that names this field in a key (`code` in `code:LVIV`).
    pub fn prefix(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Code => "code",
            Field::Article => "article",
            Field::Name => "name",
            Field::OneC => "1c",
        }
    }

    /// The field in words.
    pub fn noun(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Code => "code",
            Field::Article => "article",
            Field::Name => "name",
            Field::OneC => "1C id",
        }
    }

    /// How a person writes `value` as a key of this field: `code:3`, or
    /// `'name:Киев — Подол'` quoted for a shell where it needs to be.
    pub fn key_for(self, value: &str) -> String {
        let key = format!("{}:{value}", self.prefix());
        let plain = key.chars().all(|c| c.is_alphanumeric() || "-_.:/@+".contains(c));
        if plain { key } else { format!("'{}'", key.replace('\'', r"'\''")) }
    }
}

/// A branch, warehouse or cartridge type as a person names it: bare text
/// (whatever field it matches) or text saying which field it is
/// (`code:3`, `id:3`, `name:Львов`, `1c:…`; `article:` is `code:` for
/// cartridge types).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key<I> {
    /// `id:N`: the record with this id.
    Id(I),
    /// `code:X` (or `article:X`): a branch's or warehouse's code, a cartridge type's vendor article.
    Code(String),
    /// `name:X`: the exact name.
    Name(String),
    /// `1c:X`: the id 1C gave it.
    OneC(String),
    /// Bare text: any of the fields; refused where it matches two different records.
    Any(String),
}

/// Text that is not a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadKey {
    #[error("an empty key names nothing; give a code, a name or an id")]
    Empty,
    #[error("'{typed}' names nothing; write the {} after the colon", .field.noun())]
    EmptyValue { typed: String, field: Field },
    #[error("'{0}': an id is a whole number, e.g. id:3")]
    NotAnId(String),
}

impl<I: From<i64>> Key<I> {
    /// Reads a key as typed: `code:X`, `article:X`, `id:N`, `name:X`, `1c:X`
    /// (the prefix in any case), or bare text.
    pub fn parse(text: &str) -> Result<Key<I>, BadKey> {
        let text = text.trim();
        if text.is_empty() {
            return Err(BadKey::Empty);
        }
        let Some((prefix, value)) = text.split_once(':') else {
            return Ok(Key::Any(text.to_string()));
        };
        let field = match prefix.trim().to_ascii_lowercase().as_str() {
            "code" => Field::Code,
            "article" => Field::Article,
            "name" => Field::Name,
            "1c" => Field::OneC,
            "id" => Field::Id,
            // A colon in a name ("Офис: центр") is part of the name.
            _ => return Ok(Key::Any(text.to_string())),
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(BadKey::EmptyValue { typed: text.to_string(), field });
        }
        Ok(match field {
            Field::Id => match value.parse::<i64>() {
                Ok(id) if value.bytes().all(|b| b.is_ascii_digit()) => Key::Id(I::from(id)),
                _ => return Err(BadKey::NotAnId(text.to_string())),
            },
            Field::Code | Field::Article => Key::Code(value.to_string()),
            Field::Name => Key::Name(value.to_string()),
            Field::OneC => Key::OneC(value.to_string()),
        })
    }
}

impl<I: From<i64>> std::str::FromStr for Key<I> {
    type Err = BadKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Key::parse(s)
    }
}

impl<I: fmt::Display> fmt::Display for Key<I> {
    /// The key as a person would type it again.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Id(id) => write!(f, "id:{id}"),
            Key::Code(code) => write!(f, "code:{code}"),
            Key::Name(name) => write!(f, "name:{name}"),
            Key::OneC(id) => write!(f, "1c:{id}"),
            Key::Any(text) => f.write_str(text),
        }
    }
}

/// What a person types to name a branch.
pub type BranchKey = Key<BranchId>;
/// What a person types to name a warehouse.
pub type WarehouseKey = Key<WarehouseId>;
/// What a person types to name a cartridge type.
pub type CartridgeKey = Key<CartridgeTypeId>;
/// What a person types to name a printer: its inventory number (`code:` if
/// need be) or its id.
pub type PrinterKey = Key<PrinterId>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_say_their_field_or_take_any() {
        let parse = |s: &str| BranchKey::parse(s);
        assert_eq!(parse("LVIV"), Ok(Key::Any("LVIV".into())));
        assert_eq!(parse(" 3 "), Ok(Key::Any("3".into())));
        assert_eq!(parse("id:3"), Ok(Key::Id(BranchId(3))));
        assert_eq!(parse("ID: 3"), Ok(Key::Id(BranchId(3))));
        assert_eq!(parse("code:3"), Ok(Key::Code("3".into())));
        assert_eq!(parse("article:CE285A"), Ok(Key::Code("CE285A".into())));
        assert_eq!(parse("name:Киев — Подол"), Ok(Key::Name("Киев — Подол".into())));
        assert_eq!(parse("1c:9f1c2a5e"), Ok(Key::OneC("9f1c2a5e".into())));
        assert_eq!(parse("Офис: центр"), Ok(Key::Any("Офис: центр".into())), "a colon in a name");
        assert_eq!(parse("name:Офис: центр"), Ok(Key::Name("Офис: центр".into())));
        assert_eq!(parse(""), Err(BadKey::Empty));
        assert_eq!(parse("code:"), Err(BadKey::EmptyValue { typed: "code:".into(), field: Field::Code }));
        assert_eq!(parse("1C: ").unwrap_err().to_string(), "'1C:' names nothing; write the 1C id after the colon");
        assert_eq!(parse("id:x"), Err(BadKey::NotAnId("id:x".into())));
        assert_eq!(parse("id:-3"), Err(BadKey::NotAnId("id:-3".into())));
        for s in ["LVIV", "id:3", "code:3", "name:Львов", "1c:abc"] {
            assert_eq!(parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn ids_serialize_as_numbers() {
        assert_eq!(serde_json::to_string(&BranchId(3)).unwrap(), "3");
        assert_eq!(serde_json::from_str::<WarehouseId>("7").unwrap(), WarehouseId(7));
        assert_eq!(BranchId(3).to_string(), "3");
    }

    #[test]
    fn keys_for_a_field_are_quoted_for_a_shell_where_needed() {
        assert_eq!(Field::Code.key_for("3"), "code:3");
        assert_eq!(Field::Id.key_for("3"), "id:3");
        assert_eq!(Field::Name.key_for("Львов"), "name:Львов");
        assert_eq!(Field::Name.key_for("Киев — Подол"), "'name:Киев — Подол'");
        assert_eq!(Field::Name.key_for("O'Neil"), r"'name:O'\''Neil'");
    }
}
