//! Inline-button data: a compact text (Telegram allows 64 bytes) that says
//! what was pressed. It comes back from the client and can be forged, so it
//! only ever names an action; whether the presser may do it is decided by the
//! services from the database when it happens.

use crate::domain::{BranchId, CartridgeTypeId, Kind, Named, PrinterId, Priority, Role, WarehouseId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    Branch(BranchId),
    TicketKind(Kind),
    TicketPriority(Priority),
    TicketConfirm,
    Skip,
    Cancel,
    OrderPick(CartridgeTypeId),
    /// The printer the next order line is for, or none in particular.
    OrderFor(Option<PrinterId>),
    OrderMore,
    OrderPlace,
    /// A page of own requests.
    Mine(u64),
    /// A page of the queue, optionally one kind.
    Queue(Option<Kind>, u64),
    Open(i64),
    CancelAsk(i64),
    CancelYes(i64),
    Accept(i64),
    Complete(i64),
    Reject(i64),
    /// Stop the clock: ask the author (`true`) or wait for parts.
    Wait(i64, bool),
    Resume(i64),
    /// The author answers the question their request waits on.
    Answer(i64),
    /// The author rates a request done, 1 to 5.
    Rate(i64, u8),
    Issue(i64),
    /// Issue an order (by request id) from a warehouse.
    IssueFrom(i64, WarehouseId),
    /// Issue, with the empties back (as many as issued) or none.
    IssueGo(i64, WarehouseId, bool),
    IssuePartial(i64, WarehouseId, bool),
    /// Empties brought in: at this warehouse, of this type.
    EmptiesAt(WarehouseId),
    EmptiesOf(WarehouseId, CartridgeTypeId),
    Deliver(i64),
    CallAnswer(i64, bool),
    BroadcastSend,
    StaffAdd(Role),
    StaffList,
    StaffRemove(i64),
    StaffRemoveYes(i64),
}

impl Callback {
    pub fn encode(self) -> String {
        use Callback::*;
        match self {
            Branch(id) => format!("br:{id}"),
            TicketKind(k) => format!("tk:{}", k.as_str()),
            TicketPriority(p) => format!("tp:{}", p.as_str()),
            TicketConfirm => "tc".into(),
            Skip => "skip".into(),
            Cancel => "cancel".into(),
            OrderPick(id) => format!("op:{id}"),
            OrderFor(Some(id)) => format!("of:{id}"),
            OrderFor(None) => "of".into(),
            OrderMore => "om".into(),
            OrderPlace => "oo".into(),
            Mine(page) => format!("my:{page}"),
            Queue(kind, page) => format!("q:{}:{page}", kind.map_or("all", |k| k.as_str())),
            Open(id) => format!("o:{id}"),
            CancelAsk(id) => format!("ca:{id}"),
            CancelYes(id) => format!("cy:{id}"),
            Accept(id) => format!("ac:{id}"),
            Complete(id) => format!("cm:{id}"),
            Reject(id) => format!("rj:{id}"),
            Wait(id, author) => format!("wt:{id}:{}", u8::from(author)),
            Resume(id) => format!("rs:{id}"),
            Answer(id) => format!("an:{id}"),
            Rate(id, score) => format!("rt:{id}:{score}"),
            Issue(id) => format!("is:{id}"),
            IssueFrom(id, wh) => format!("if:{id}:{wh}"),
            IssueGo(id, wh, back) => format!("ig:{id}:{wh}:{}", u8::from(back)),
            EmptiesAt(wh) => format!("ea:{wh}"),
            EmptiesOf(wh, c) => format!("eo:{wh}:{c}"),
            IssuePartial(id, wh, back) => format!("ip:{id}:{wh}:{}", u8::from(back)),
            Deliver(id) => format!("dl:{id}"),
            CallAnswer(id, coming) => format!("cl:{id}:{}", u8::from(coming)),
            BroadcastSend => "bs".into(),
            StaffAdd(role) => format!("sa:{}", role.as_str()),
            StaffList => "sl".into(),
            StaffRemove(id) => format!("sr:{id}"),
            StaffRemoveYes(id) => format!("sy:{id}"),
        }
    }

    /// `None` for anything that is not a well-formed button of ours.
    pub fn decode(data: &str) -> Option<Callback> {
        use Callback::*;
        let mut parts = data.split(':');
        let tag = parts.next()?;
        let args: Vec<&str> = parts.collect();
        let int = |i: usize| -> Option<i64> { args.get(i)?.parse().ok() };
        let flag = |i: usize| -> Option<bool> {
            match *args.get(i)? {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            }
        };
        let cb = match (tag, args.len()) {
            ("br", 1) => Branch(BranchId(int(0)?)),
            ("tk", 1) => TicketKind(Kind::parse_named(args[0]).ok()?),
            ("tp", 1) => TicketPriority(Priority::parse_named(args[0]).ok()?),
            ("tc", 0) => TicketConfirm,
            ("skip", 0) => Skip,
            ("cancel", 0) => Cancel,
            ("op", 1) => OrderPick(CartridgeTypeId(int(0)?)),
            ("of", 1) => OrderFor(Some(PrinterId(int(0)?))),
            ("of", 0) => OrderFor(None),
            ("om", 0) => OrderMore,
            ("oo", 0) => OrderPlace,
            ("my", 1) => Mine(args[0].parse().ok()?),
            ("q", 2) => Queue(
                if args[0] == "all" { None } else { Some(Kind::parse_named(args[0]).ok()?) },
                args[1].parse().ok()?,
            ),
            ("o", 1) => Open(int(0)?),
            ("ca", 1) => CancelAsk(int(0)?),
            ("cy", 1) => CancelYes(int(0)?),
            ("ac", 1) => Accept(int(0)?),
            ("cm", 1) => Complete(int(0)?),
            ("rj", 1) => Reject(int(0)?),
            ("wt", 2) => Wait(int(0)?, flag(1)?),
            ("rs", 1) => Resume(int(0)?),
            ("an", 1) => Answer(int(0)?),
            ("rt", 2) => Rate(int(0)?, u8::try_from(int(1)?).ok()?),
            ("is", 1) => Issue(int(0)?),
            ("if", 2) => IssueFrom(int(0)?, WarehouseId(int(1)?)),
            ("ig", 3) => IssueGo(int(0)?, WarehouseId(int(1)?), flag(2)?),
            ("ea", 1) => EmptiesAt(WarehouseId(int(0)?)),
            ("eo", 2) => EmptiesOf(WarehouseId(int(0)?), CartridgeTypeId(int(1)?)),
            ("ip", 3) => IssuePartial(int(0)?, WarehouseId(int(1)?), flag(2)?),
            // A button sent before empties were asked about: they came back.
            ("ip", 2) => IssuePartial(int(0)?, WarehouseId(int(1)?), true),
            ("dl", 1) => Deliver(int(0)?),
            ("cl", 2) => CallAnswer(
                int(0)?,
                match args[1] {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                },
            ),
            ("bs", 0) => BroadcastSend,
            ("sa", 1) => StaffAdd(Role::parse_named(args[0]).ok().filter(|r| r.is_staff() && *r != Role::SuperAdmin)?),
            ("sl", 0) => StaffList,
            ("sr", 1) => StaffRemove(int(0)?),
            ("sy", 1) => StaffRemoveYes(int(0)?),
            _ => return None,
        };
        Some(cb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_fit_in_64_bytes() {
        let all = [
            Callback::Branch(BranchId(12)),
            Callback::TicketKind(Kind::ItHelp),
            Callback::TicketPriority(Priority::High),
            Callback::TicketConfirm,
            Callback::Skip,
            Callback::Cancel,
            Callback::OrderPick(CartridgeTypeId(3)),
            Callback::OrderFor(Some(PrinterId(16))),
            Callback::OrderFor(None),
            Callback::OrderMore,
            Callback::OrderPlace,
            Callback::Mine(2),
            Callback::Queue(None, 0),
            Callback::Queue(Some(Kind::Cartridge), 7),
            Callback::Open(i64::MAX),
            Callback::CancelAsk(1),
            Callback::CancelYes(1),
            Callback::Accept(1),
            Callback::Complete(1),
            Callback::Reject(1),
            Callback::Wait(i64::MAX, true),
            Callback::Wait(1, false),
            Callback::Resume(1),
            Callback::Answer(i64::MAX),
            Callback::Rate(i64::MAX, 5),
            Callback::Rate(1, 1),
            Callback::Issue(1),
            Callback::IssueFrom(i64::MAX, WarehouseId(i64::MAX)),
            Callback::IssuePartial(1, WarehouseId(2), true),
            Callback::IssuePartial(1, WarehouseId(2), false),
            Callback::IssueGo(i64::MAX, WarehouseId(i64::MAX), true),
            Callback::IssueGo(3, WarehouseId(4), false),
            Callback::EmptiesAt(WarehouseId(7)),
            Callback::EmptiesOf(WarehouseId(i64::MAX), CartridgeTypeId(i64::MAX)),
            Callback::Deliver(1),
            Callback::CallAnswer(5, true),
            Callback::CallAnswer(5, false),
            Callback::BroadcastSend,
            Callback::StaffAdd(Role::Storekeeper),
            Callback::StaffList,
            Callback::StaffRemove(9),
            Callback::StaffRemoveYes(9),
        ];
        for cb in all {
            let data = cb.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Callback::decode(&data), Some(cb), "{data}");
        }
    }

    #[test]
    fn forged_data_is_refused() {
        for data in
            ["", "ac", "ac:x", "ac:1:2", "zz:1", "sa:super_admin", "sa:user", "cl:1:2", "q:printers:0", "tk:cartridges"]
        {
            assert_eq!(Callback::decode(data), None, "{data}");
        }
    }
}
