//! Why a service refuses what a person asked, as data: the request number,
//! its state, the code or the limit that was wrong.
//!
//! A [`Refusal`] is what a person can meet in Telegram or the web panel and
//! can act on. Its `Display` is the English line the command line prints;
//! people see it in their own language through `i18n` (`Msg::Refusal`).
//!
//! Not here: refusals that already have a type of their own ([`super::Denied`],
//! [`super::LifecycleError`]), failures on our side (the store, a lost task),
//! or what only a sysadmin meets (backups, imports, exports, configuration),
//! which stay English text in `services::Error`.

use super::ids::BadKey;
use super::lifecycle::State;
use super::phone::PhoneError;
use super::request::{Kind, RequestNumber};
use std::fmt;

/// What a key or an id names, in messages: "unknown branch 'X'".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Branch,
    Warehouse,
    CartridgeType,
    User,
    Request,
    ServerCall,
    Broadcast,
    Printer,
    Contractor,
    RefillBatch,
    Calendar,
    /// A recurring request's schedule.
    Recurring,
}

impl Entity {
    pub const ALL: [Entity; 12] = [
        Entity::Branch,
        Entity::Warehouse,
        Entity::CartridgeType,
        Entity::User,
        Entity::Request,
        Entity::ServerCall,
        Entity::Broadcast,
        Entity::Printer,
        Entity::Contractor,
        Entity::RefillBatch,
        Entity::Calendar,
        Entity::Recurring,
    ];

    /// The English noun.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Branch => "branch",
            Entity::Warehouse => "warehouse",
            Entity::CartridgeType => "cartridge type",
            Entity::User => "user",
            Entity::Request => "request",
            Entity::ServerCall => "server call",
            Entity::Broadcast => "broadcast",
            Entity::Printer => "printer",
            Entity::Contractor => "contractor",
            Entity::RefillBatch => "refill batch",
            Entity::Calendar => "calendar",
            Entity::Recurring => "schedule",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A free-text field a person fills in: "the full name is empty".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextField {
    FullName,
    ContactName,
    BranchName,
    WarehouseName,
    CartridgeName,
    VendorArticle,
    Address,
    InventoryNumber,
    PrinterModel,
    PrinterPlace,
    SerialNumber,
    ContractorName,
    Contacts,
    CalendarName,
}

impl TextField {
    pub const ALL: [TextField; 14] = [
        TextField::FullName,
        TextField::ContactName,
        TextField::BranchName,
        TextField::WarehouseName,
        TextField::CartridgeName,
        TextField::VendorArticle,
        TextField::Address,
        TextField::InventoryNumber,
        TextField::PrinterModel,
        TextField::PrinterPlace,
        TextField::SerialNumber,
        TextField::ContractorName,
        TextField::Contacts,
        TextField::CalendarName,
    ];

    /// The English name.
    pub fn as_str(self) -> &'static str {
        match self {
            TextField::FullName => "full name",
            TextField::ContactName => "contact name",
            TextField::BranchName => "branch name",
            TextField::WarehouseName => "warehouse name",
            TextField::CartridgeName => "cartridge name",
            TextField::VendorArticle => "vendor article",
            TextField::Address => "address",
            TextField::InventoryNumber => "inventory number",
            TextField::PrinterModel => "printer model",
            TextField::PrinterPlace => "printer's place",
            TextField::SerialNumber => "serial number",
            TextField::ContractorName => "contractor's name",
            TextField::Contacts => "contacts",
            TextField::CalendarName => "calendar name",
        }
    }
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a service refused, with what a person needs to put it right.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    // What a person typed.
    #[error("{what} code '{code}' is not valid: use 1-32 letters, digits, '-' or '_'")]
    BadCode { what: Entity, code: String },
    #[error("the {what} is empty")]
    EmptyText { what: TextField },
    #[error("the {what} is longer than {max} characters")]
    TextTooLong { what: TextField, max: usize },
    #[error("the {what} contains control characters")]
    ControlCharacters { what: TextField },
    #[error(transparent)]
    BadPhone(PhoneError),
    #[error(transparent)]
    BadKey(BadKey),
    /// `key` as typed, `1c:…`.
    #[error("'{key}': branches have no 1C id; name a branch by its code, name or id (code:X, name:X, id:N)")]
    BranchByOneCId { key: String },
    /// `key` as typed, `name:…`.
    #[error(
        "'{key}': cartridge types are not named by name (names repeat); \
         give the vendor article, 1C id or id (article:X, 1c:X, id:N)"
    )]
    CartridgeByName { key: String },

    // Filing a request.
    #[error("the description is empty")]
    EmptyDescription,
    #[error("the description is too long ({len} characters; at most {max})")]
    DescriptionTooLong { len: usize, max: usize },
    #[error("the quantity must be between 1 and {max}")]
    BadQuantity { max: i64 },
    #[error("a cartridge order needs at least one cartridge")]
    EmptyOrder,
    #[error("an order has at most {max} cartridge lines")]
    TooManyLines { max: usize },
    #[error("a {kind} request has no cartridge lines")]
    LinesOnlyOnOrders { kind: Kind },
    #[error("the author has no branch; choose a branch first")]
    NoBranch,

    // Working on a request.
    /// Someone else accepted it first.
    #[error("{number} has already been accepted by {by}")]
    AlreadyAccepted { number: RequestNumber, by: String },
    #[error("{number} is {state}; cartridges are issued on accepted orders")]
    NotIssuable { number: RequestNumber, state: State },

    // Branches, people and staff.
    #[error("a branch with code '{code}' already exists ({name})")]
    BranchCodeTaken { code: String, name: String },
    #[error("a branch named '{name}' already exists (code {code})")]
    BranchNameTaken { name: String, code: String },
    #[error("'{id}' is not a Telegram user ID; it must be a positive number")]
    NotATelegramId { id: i64 },
    #[error("user {id} already exists; change their role with `users set-role`")]
    UserExists { id: i64 },
    #[error("choose a staff role: storekeeper, support or admin")]
    NotAStaffRole,
    #[error("super admins are set in the configuration (HELPDESK_SUPER_ADMINS), not in the database")]
    SuperAdminNotAssignable,
    #[error("nobody can change their own role or block themselves")]
    OwnAccount,
    #[error("user {id} is a super admin from the configuration (HELPDESK_SUPER_ADMINS); change it there")]
    ConfiguredSuperAdmin { id: i64 },

    // Printers.
    #[error("a printer with inventory number '{inventory_number}' already exists (at {branch})")]
    PrinterExists { inventory_number: String, branch: String },
    #[error("printer {inventory_number} is retired; it cannot be changed or ordered for")]
    PrinterRetired { inventory_number: String },
    #[error("printer {inventory_number} has {open} open request(s); finish or cancel them before retiring it")]
    PrinterInUse { inventory_number: String, open: u64 },
    #[error(
        "printer {inventory_number} is at {branch}, not at the branch this request is for; pick one of that branch's printers"
    )]
    PrinterElsewhere { inventory_number: String, branch: String },

    // Refills.
    #[error("a contractor named '{name}' already exists")]
    ContractorExists { name: String },
    #[error("a refill batch needs at least one cartridge type with a quantity")]
    EmptyBatch,
    #[error("{article} is not in refill batch {batch}")]
    NotInBatch { article: String, batch: i64 },
    #[error("refill batch {batch} has only {outstanding} of {article} still out; {wanted} cannot come back")]
    RefillTooMany { batch: i64, article: String, outstanding: i64, wanted: i64 },
    #[error("say why the contractor rejected them (--reason)")]
    RejectNeedsReason,
    #[error("refill batch {batch} is closed: everything sent is back or written off")]
    BatchClosed { batch: i64 },
    #[error("not enough empty {article} at {warehouse}: {available} there, {wanted} wanted")]
    NotEnoughEmpties { article: String, warehouse: String, available: i64, wanted: i64 },

    // Calendars.
    /// `at` is the weekday (mon … sun) or the date the error is in, when it is in one.
    #[error("calendar {calendar}{}: {error}", at.as_ref().map(|a| format!(", {a}")).unwrap_or_default())]
    Calendar { calendar: String, at: Option<String>, error: crate::domain::calendar::CalendarError },

    // Recurring requests.
    #[error("{error}")]
    Recurrence { error: crate::domain::recurrence::RecurrenceError },
    #[error("{name} does not handle {kind} requests; choose staff who do, or no one")]
    AssigneeCannot { name: String, kind: crate::domain::Kind },

    // Satisfaction.
    #[error("{error}")]
    Rating { error: crate::domain::satisfaction::RatingError },

    // Signing in to the web panel.
    #[error("the web panel is off; set HELPDESK_WEB_LISTEN (and HELPDESK_WEB_PUBLIC_URL) for helpdesk serve")]
    WebPanelOff,
    #[error("this sign-in link has been used, has expired or is unknown; send /web to the bot for a new one")]
    SignInLinkInvalid,
    /// `reason` is the check that failed, in English, for the log and the CLI.
    #[error("Telegram's sign-in could not be verified ({reason}); sign in again")]
    TelegramSignInRejected { reason: String },
}

impl From<PhoneError> for Refusal {
    fn from(e: PhoneError) -> Refusal {
        Refusal::BadPhone(e)
    }
}

impl From<BadKey> for Refusal {
    fn from(e: BadKey) -> Refusal {
        Refusal::BadKey(e)
    }
}
