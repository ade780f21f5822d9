//! Dialogue state: one enum whose variants carry what has been collected so
//! far. It is stored in the database (see [`super::storage`]), so a restart in
//! the middle of a form continues at the same step.

use crate::domain::model::AttachmentKind;
use crate::domain::{CartridgeTypeId, Kind, PrinterId, Priority, Role, WarehouseId};
use crate::services::broadcast::Content;
use crate::services::requests::{TicketAttachment, TicketItem};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    #[default]
    Idle,
    /// Choosing a branch (inline buttons).
    Branch,
    /// A repair / maintenance / IT-help request, step by step.
    TicketKind,
    TicketName {
        draft: Ticket,
    },
    TicketPhone {
        draft: Ticket,
    },
    TicketDescription {
        draft: Ticket,
    },
    TicketAttachment {
        draft: Ticket,
    },
    TicketPriority {
        draft: Ticket,
    },
    TicketConfirm {
        draft: Ticket,
    },
    /// A cartridge order: the printer it is for (asked where the branch has printers) ...
    OrderPrinter {
        order: Order,
    },
    /// ... the type ...
    OrderPick {
        order: Order,
    },
    OrderQuantity {
        order: Order,
        cartridge_id: CartridgeTypeId,
    },
    OrderComment {
        order: Order,
        cartridge_id: CartridgeTypeId,
        quantity: i64,
    },
    OrderReview {
        order: Order,
    },
    OrderPhone {
        order: Order,
    },
    /// Staff: a reason for rejecting, a note for a partial issue.
    RejectReason {
        request_id: i64,
    },
    /// Staff: the question for the author (`author`), or what is awaited.
    WaitNote {
        request_id: i64,
        author: bool,
    },
    /// An author: the answer to the question their request waits on.
    Answer {
        request_id: i64,
    },
    /// An author who rated a request: an optional comment with the rating.
    RateComment {
        request_id: i64,
        score: u8,
    },
    /// Storekeepers: how many empties were brought in.
    EmptiesCount {
        warehouse_id: WarehouseId,
        cartridge_id: CartridgeTypeId,
    },
    IssueNote {
        request_id: i64,
        warehouse_id: WarehouseId,
        /// The empties came back (as many as issued), or none did.
        #[serde(default = "yes")]
        empties: bool,
    },
    /// Admins: an announcement, then its confirmation.
    BroadcastCompose,
    BroadcastConfirm {
        content: Content,
    },
    /// Super admins: the Telegram ID of a new staff member.
    StaffId {
        role: Role,
    },
}

/// A ticket being filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub kind: Option<Kind>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub attachment: Option<Attachment>,
    pub priority: Option<Priority>,
}

/// A photo or document sent with a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub photo: bool,
    pub file_id: String,
    pub file_unique_id: Option<String>,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
}

impl Attachment {
    pub fn from_ticket(a: TicketAttachment) -> Attachment {
        Attachment {
            photo: a.kind == AttachmentKind::Photo,
            file_id: a.file_id,
            file_unique_id: a.file_unique_id,
            file_name: a.file_name,
            mime_type: a.mime_type,
        }
    }

    pub fn to_ticket(&self) -> TicketAttachment {
        TicketAttachment {
            kind: if self.photo { AttachmentKind::Photo } else { AttachmentKind::Document },
            file_id: self.file_id.clone(),
            file_unique_id: self.file_unique_id.clone(),
            file_name: self.file_name.clone(),
            mime_type: self.mime_type.clone(),
        }
    }
}

/// A cartridge order being put together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub lines: Vec<OrderLine>,
    /// The printer the line being put together is for, once picked.
    #[serde(default)]
    pub printer: Option<OrderPrinter>,
}

/// A printer an order line is for: its id and how it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPrinter {
    pub id: PrinterId,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub cartridge_id: CartridgeTypeId,
    pub name: String,
    pub quantity: i64,
    pub comment: Option<String>,
    #[serde(default)]
    pub printer: Option<OrderPrinter>,
}

impl Order {
    pub fn items(&self) -> Vec<TicketItem> {
        self.lines
            .iter()
            .map(|l| TicketItem {
                cartridge_type_id: l.cartridge_id,
                quantity: l.quantity,
                comment: l.comment.clone(),
                printer_id: l.printer.as_ref().map(|p| p.id),
            })
            .collect()
    }
}

/// `true`, for fields that were not there before (a dialogue saved by an older build).
fn yes() -> bool {
    true
}
