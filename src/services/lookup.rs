//! Finding the branch, warehouse or cartridge type an id or a key names.
//!
//! An id (from a button, a dialogue step, a foreign key) is looked up as an
//! id only. A key a person typed is looked up in the field it says
//! (`code:3`, `id:3`, `name:Львов`, `1c:…`), or, bare, in every field; a bare
//! key that matches two different records (one branch's code is another's
//! id) is refused with [`Error::Ambiguous`], which names both and how to
//! pick one, rather than guessed.
//!
//! Not here: what a key looks like (`domain::ids`), or how the store finds a
//! row by one of its fields.

use super::{Candidate, Error, Result};
use crate::domain::{
    BranchId, BranchKey, CartridgeKey, CartridgeTypeId, Entity, Field, Key, PrinterId, PrinterKey, Refusal,
    WarehouseId, WarehouseKey,
};
use crate::store::{Branch, CartridgeType, Printer, Tx, Warehouse};

/// What an ambiguity says of a record.
trait Record {
    fn id(&self) -> i64;
    fn code(&self) -> &str;
    fn name(&self) -> &str;
}

impl Record for Branch {
    fn id(&self) -> i64 {
        self.id.0
    }
    fn code(&self) -> &str {
        &self.code
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Record for Warehouse {
    fn id(&self) -> i64 {
        self.id.0
    }
    fn code(&self) -> &str {
        &self.code
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Record for CartridgeType {
    fn id(&self) -> i64 {
        self.id.0
    }
    fn code(&self) -> &str {
        &self.vendor_article
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Record for Printer {
    fn id(&self) -> i64 {
        self.id.0
    }
    fn code(&self) -> &str {
        &self.inventory_number
    }
    fn name(&self) -> &str {
        &self.model
    }
}

/// The one record among what each field matched; none is `NotFound`, two
/// different ones are `Ambiguous`.
fn one<T: Record>(what: Entity, key: &str, matched: Vec<(Field, Option<T>)>) -> Result<T> {
    let mut found: Vec<(Field, T)> = Vec::new();
    for (field, record) in matched {
        if let Some(r) = record
            && !found.iter().any(|(_, f)| f.id() == r.id())
        {
            found.push((field, r));
        }
    }
    if found.len() > 1 {
        let candidates = found
            .iter()
            .map(|(field, r)| Candidate {
                id: r.id(),
                code: r.code().to_string(),
                name: r.name().to_string(),
                matched: *field,
            })
            .collect();
        return Err(Error::Ambiguous { what, key: key.to_string(), candidates });
    }
    found.pop().map(|(_, r)| r).ok_or_else(|| Error::not_found(what, key))
}

/// The id bare text names, if it is a number.
fn as_id(text: &str) -> Option<i64> {
    text.parse().ok()
}

/// The branch a key names: by code (Latin letters in any case), exact name or id.
pub fn branch(tx: &mut dyn Tx, key: &BranchKey) -> Result<Branch> {
    let found = match key {
        Key::Id(id) => tx.branch(*id)?,
        Key::Code(code) => tx.branch_by_code(code)?,
        Key::Name(name) => tx.branch_by_name(name)?,
        Key::OneC(_) => {
            return Err(Refusal::BranchByOneCId { key: key.to_string() }.into());
        }
        Key::Any(text) => {
            let by_id = match as_id(text) {
                Some(id) => tx.branch(BranchId(id))?,
                None => None,
            };
            let matched = vec![
                (Field::Code, tx.branch_by_code(text)?),
                (Field::Name, tx.branch_by_name(text)?),
                (Field::Id, by_id),
            ];
            return one(Entity::Branch, text, matched);
        }
    };
    found.ok_or_else(|| Error::not_found(Entity::Branch, key))
}

/// The branch with this id.
pub fn branch_by_id(tx: &mut dyn Tx, id: BranchId) -> Result<Branch> {
    tx.branch(id)?.ok_or_else(|| Error::not_found(Entity::Branch, id))
}

/// The warehouse a key names: by code (Latin letters in any case), exact name, 1C id or id.
pub fn warehouse(tx: &mut dyn Tx, key: &WarehouseKey) -> Result<Warehouse> {
    let found = match key {
        Key::Id(id) => tx.warehouse(*id)?,
        Key::Code(code) => tx.warehouse_by_code(code)?,
        Key::Name(name) => tx.warehouse_by_name(name)?,
        Key::OneC(one_c_id) => tx.warehouse_by_one_c_id(one_c_id)?,
        Key::Any(text) => {
            let by_id = match as_id(text) {
                Some(id) => tx.warehouse(WarehouseId(id))?,
                None => None,
            };
            let matched = vec![
                (Field::Code, tx.warehouse_by_code(text)?),
                (Field::Name, tx.warehouse_by_name(text)?),
                (Field::OneC, tx.warehouse_by_one_c_id(text)?),
                (Field::Id, by_id),
            ];
            return one(Entity::Warehouse, text, matched);
        }
    };
    found.ok_or_else(|| Error::not_found(Entity::Warehouse, key))
}

/// The warehouse with this id.
pub fn warehouse_by_id(tx: &mut dyn Tx, id: WarehouseId) -> Result<Warehouse> {
    tx.warehouse(id)?.ok_or_else(|| Error::not_found(Entity::Warehouse, id))
}

/// The cartridge type a key names: by vendor article (Latin letters in any
/// case), 1C id or id. Names repeat (one cartridge sold under several
/// articles), so they name nothing.
pub fn cartridge_type(tx: &mut dyn Tx, key: &CartridgeKey) -> Result<CartridgeType> {
    let found = match key {
        Key::Id(id) => tx.cartridge_type(*id)?,
        Key::Code(article) => tx.cartridge_type_by_article(article)?,
        Key::OneC(one_c_id) => tx.cartridge_type_by_one_c_id(one_c_id)?,
        Key::Name(_) => {
            return Err(Refusal::CartridgeByName { key: key.to_string() }.into());
        }
        Key::Any(text) => {
            let by_id = match as_id(text) {
                Some(id) => tx.cartridge_type(CartridgeTypeId(id))?,
                None => None,
            };
            let matched = vec![
                (Field::Article, tx.cartridge_type_by_article(text)?),
                (Field::OneC, tx.cartridge_type_by_one_c_id(text)?),
                (Field::Id, by_id),
            ];
            return one(Entity::CartridgeType, text, matched);
        }
    };
    found.ok_or_else(|| Error::not_found(Entity::CartridgeType, key))
}

/// The cartridge type with this id.
pub fn cartridge_type_by_id(tx: &mut dyn Tx, id: CartridgeTypeId) -> Result<CartridgeType> {
    tx.cartridge_type(id)?.ok_or_else(|| Error::not_found(Entity::CartridgeType, id))
}

/// The printer a key names: by inventory number (Latin letters in any case,
/// `code:` if need be) or id. Printers have no name of their own nor 1C id.
pub fn printer(tx: &mut dyn Tx, key: &PrinterKey) -> Result<Printer> {
    let found = match key {
        Key::Id(id) => tx.printer(*id)?,
        Key::Code(number) | Key::Name(number) | Key::OneC(number) => tx.printer_by_inventory_number(number)?,
        Key::Any(text) => {
            let by_id = match as_id(text) {
                Some(id) => tx.printer(PrinterId(id))?,
                None => None,
            };
            let matched = vec![(Field::Code, tx.printer_by_inventory_number(text)?), (Field::Id, by_id)];
            return one(Entity::Printer, text, matched);
        }
    };
    found.ok_or_else(|| Error::not_found(Entity::Printer, key))
}

/// The printer with this id.
pub fn printer_by_id(tx: &mut dyn Tx, id: PrinterId) -> Result<Printer> {
    tx.printer(id)?.ok_or_else(|| Error::not_found(Entity::Printer, id))
}
