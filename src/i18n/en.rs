//! English texts.

use super::Msg;
use crate::domain::{Denied, Kind, Priority, Role, Status};

pub(super) fn text(m: Msg<'_>) -> String {
    match m {
        Msg::MenuNewRequest => "📝 New request".into(),
        Msg::MenuCartridges => "🖨 Cartridges".into(),
        Msg::MenuCall => "🚨 Server room".into(),
        Msg::MenuMyRequests => "📋 My requests".into(),
        Msg::MenuQueue => "📥 Queue".into(),
        Msg::MenuStock => "📦 Stock".into(),
        Msg::MenuBroadcast => "📢 Broadcast".into(),
        Msg::MenuStaff => "👥 Staff".into(),
        Msg::MenuHelp => "❓ Help".into(),
        Msg::Cancel => "✖️ Cancel".into(),
        Msg::Skip => "Skip ⏭".into(),
        Msg::Confirm => "✅ Confirm".into(),
        Msg::Prev => "◀️".into(),
        Msg::Next => "▶️".into(),
        Msg::ShareContact => "📱 Share my number".into(),
        Msg::Accept => "✅ Accept".into(),
        Msg::Complete => "🏁 Done".into(),
        Msg::Reject => "⛔ Reject".into(),
        Msg::Issue => "📦 Issue".into(),
        Msg::IssuePartially => "📦 Issue what there is".into(),
        Msg::Delivered => "🚚 Delivered".into(),
        Msg::Open => "🔎 Open".into(),
        Msg::CancelRequest => "🗑 Cancel request".into(),
        Msg::YesCancelIt => "Yes, cancel it".into(),
        Msg::No => "No".into(),
        Msg::AddAnother => "➕ Another cartridge".into(),
        Msg::PlaceOrder => "✅ Place the order".into(),
        Msg::AllKinds => "All".into(),
        Msg::Coming => "👍 On my way".into(),
        Msg::Cannot => "👎 Can't".into(),
        Msg::SendBroadcast => "📢 Send to everyone".into(),
        Msg::AddAdmin => "➕ Administrator".into(),
        Msg::AddSupport => "➕ Support".into(),
        Msg::AddStorekeeper => "➕ Storekeeper".into(),
        Msg::ListStaff => "📃 Staff list".into(),
        Msg::Remove => "Remove".into(),
        Msg::YesRemove => "Yes, remove".into(),
        Msg::Kind(k) => match k {
            Kind::Cartridge => "cartridges",
            Kind::Repair => "repair",
            Kind::Maintenance => "maintenance",
            Kind::ItHelp => "IT help",
        }
        .into(),
        Msg::Priority(p) => match p {
            Priority::Low => "🟢 low",
            Priority::Medium => "🟡 medium",
            Priority::High => "🔴 high",
        }
        .into(),
        Msg::Status(s) => match s {
            Status::New => "new",
            Status::Accepted => "accepted",
            Status::Done => "done",
            Status::Rejected => "rejected",
            Status::Cancelled => "cancelled",
        }
        .into(),
        Msg::Role(r) => match r {
            Role::User => "employee",
            Role::Storekeeper => "storekeeper",
            Role::Support => "support",
            Role::Admin => "administrator",
            Role::SuperAdmin => "super administrator",
        }
        .into(),
        Msg::LabelStatus => "Status".into(),
        Msg::LabelBranch => "Branch".into(),
        Msg::LabelAuthor => "Filed by".into(),
        Msg::LabelContact => "Contact".into(),
        Msg::LabelCreated => "Created".into(),
        Msg::LabelAccepted => "Accepted".into(),
        Msg::LabelClosed => "Closed".into(),
        Msg::LabelAssignee => "Assignee".into(),
        Msg::LabelReason => "Reason".into(),
        Msg::LabelCartridges => "Cartridges".into(),
        Msg::LabelAttachments => "Attachments".into(),
        Msg::LabelIssued => "issued".into(),
        Msg::Welcome { name } => format!("Hello, {name}! This is the help desk: file a request and follow it here."),
        Msg::ChooseBranch => "Which branch do you work at?".into(),
        Msg::BranchSaved { branch } => format!("Branch saved: <b>{branch}</b>."),
        Msg::NoBranchesYet => "No branches are set up yet; please ask the administrator.".into(),
        Msg::MenuHint => "Choose what to do with the buttons below.".into(),
        Msg::Help { staff, admin, super_admin } => {
            let mut s = String::from(
                "/new — file a request (repair, maintenance, IT help)\n/cartridge — order cartridges\n\
                 /call — urgent call to the server room\n/my — my requests\n/cancel — stop what you are filling in",
            );
            if staff {
                s.push_str("\n/queue — requests waiting for staff\n/stock — cartridges in stock");
            }
            if admin {
                s.push_str("\n/broadcast — an announcement to everyone");
            }
            if super_admin {
                s.push_str("\n/staff — staff and roles");
            }
            s
        }
        Msg::AccountBlocked => "Your account is blocked. Please contact the administrator.".into(),
        Msg::UseTheButtons => "Please use the buttons, or /cancel to stop.".into(),
        Msg::SomethingWentWrong => "Something went wrong on our side. Please try again in a minute.".into(),
        Msg::ButtonExpired => "This button is no longer valid.".into(),
        Msg::Cancelled => "Cancelled.".into(),
        Msg::NothingToCancel => "There is nothing to cancel.".into(),
        Msg::NeedBranchFirst => "Choose your branch first.".into(),
        Msg::Denied(d) => match d {
            Denied::Blocked => "Your account is blocked.",
            Denied::NotStaff => "This is for staff only.",
            Denied::WrongKind(_) => "Your role does not handle requests of this kind.",
            Denied::NotAuthor => "Only the author of the request can do this.",
            Denied::NotAssignee => "Only the assignee or an administrator can do this.",
            Denied::AdminOnly => "This is for administrators only.",
            Denied::SuperAdminOnly => "This is for super administrators only.",
            Denied::NoRequest => "No such request.",
        }
        .into(),
        Msg::NotAllowedNow { status } => format!("Not possible now: the request is {status}."),
        Msg::AlreadyAccepted { number, by } => format!("{number} has already been accepted by {by}."),
        Msg::RequestNotFound => "No such request.".into(),
        Msg::ChooseKind => "What do you need?".into(),
        Msg::AskName => "Your full name?".into(),
        Msg::AskPhone => "Your phone number? Press the button to share it, or type it.".into(),
        Msg::BadPhone => {
            "That does not look like a phone number. Type it like +380 44 123 4567 or 067 123 45 67.".into()
        }
        Msg::AskDescription => "Describe the problem: what happened, where, which equipment.".into(),
        Msg::BadDescription { max } => format!("Please describe it in words, at most {max} characters."),
        Msg::AskAttachment => "Attach a photo or a document if it helps, or press Skip.".into(),
        Msg::NotAnAttachment => "Send a photo or a document, or press Skip.".into(),
        Msg::AskPriority => "How urgent is it?".into(),
        Msg::CheckTicket => "Please check and confirm:".into(),
        Msg::TicketCreated { number } => {
            format!("✅ Request <b>{number}</b> is filed. You will be told of every change.")
        }
        Msg::NoCatalog => "The cartridge catalog is empty; please ask the storekeeper.".into(),
        Msg::ChooseCartridge => "Which cartridge?".into(),
        Msg::InStock { n } => format!("{n} in stock"),
        Msg::AskQuantity { name, max } => format!("How many <b>{name}</b>? (1–{max})"),
        Msg::BadQuantity { max } => format!("Type a whole number from 1 to {max}."),
        Msg::AskOrderComment => "A comment (the printer, the room)? Or press Skip.".into(),
        Msg::OrderSoFar => "Your order:".into(),
        Msg::TooManyLines { max } => format!("An order has at most {max} lines."),
        Msg::MyRequestsTitle { total, page, pages } => format!("Your requests: {total} (page {page} of {pages})"),
        Msg::NoRequestsYet => "You have no requests yet.".into(),
        Msg::ConfirmCancel { number } => format!("Cancel request {number}?"),
        Msg::RequestCancelled { number } => format!("Request {number} is cancelled."),
        Msg::QueueTitle { total, page, pages } => format!("Waiting: {total} (page {page} of {pages})"),
        Msg::QueueEmpty => "The queue is empty. 🎉".into(),
        Msg::AcceptedOk { number } => format!("You accepted {number}."),
        Msg::CompletedOk { number } => format!("{number} is done."),
        Msg::AskRejectReason { number } => format!("Why is {number} rejected? The author will see this."),
        Msg::BadReason { max } => format!("Type the reason in words, at most {max} characters."),
        Msg::RejectedOk { number } => format!("{number} is rejected."),
        Msg::StockTitle => "Cartridges in stock:".into(),
        Msg::StockEmpty => "Nothing in stock.".into(),
        Msg::ChooseWarehouse { number } => format!("Issue {number} from which warehouse?"),
        Msg::NotEnoughStock => "Not enough in stock:".into(),
        Msg::AskIssueNote => "A note for the author about the partial issue? Or press Skip.".into(),
        Msg::IssuedOk { number, complete } => {
            if complete {
                format!("Cartridges for {number} issued in full.")
            } else {
                format!("Cartridges for {number} issued in part.")
            }
        }
        Msg::NothingLeftToIssue => "Everything on this order has been issued already.".into(),
        Msg::CallSent { n } => {
            format!("🚨 The call went out to {n} staff on duty. Stay where you are, someone will come.")
        }
        Msg::CallNobody => {
            "🚨 The call is recorded, but nobody is on duty right now. Please phone the IT department.".into()
        }
        Msg::CallWait { minutes, seconds } => {
            format!("You have just called. You can call again in {minutes} min {seconds} s.")
        }
        Msg::CallNotice { caller, branch, phone } => {
            format!("🚨 <b>Urgent: the server room</b>\n{caller}, {branch}\n{phone}")
        }
        Msg::CallAnswered { responder, coming } => {
            if coming {
                format!("👍 {responder} is on the way.")
            } else {
                format!("👎 {responder} cannot come.")
            }
        }
        Msg::CallAnswerSaved { coming } => {
            if coming { "Noted: you are on the way." } else { "Noted: you can't come." }.into()
        }
        Msg::NoticeAccepted { number, by } => format!("Your request <b>{number}</b> has been accepted by {by}."),
        Msg::NoticeDone { number } => format!("✅ Your request <b>{number}</b> is done."),
        Msg::NoticeRejected { number, reason } => {
            format!("⛔ Your request <b>{number}</b> was rejected.\nReason: {reason}")
        }
        Msg::NoticeCancelled { number } => format!("Request <b>{number}</b> was cancelled by its author."),
        Msg::NoticeIssued { number } => format!("📦 Cartridges for your request <b>{number}</b> have been issued:"),
        Msg::NoticeNewRequest => "🆕 New request".into(),
        Msg::AskBroadcast => {
            "Send the announcement: text, or a photo or document with a caption. /cancel to stop.".into()
        }
        Msg::BroadcastPreview => "This is how everyone will see it. Send it?".into(),
        Msg::BroadcastQueued { n } => format!("📢 Sending to {n} people. You will get a report when it is done."),
        Msg::BroadcastReport { recipients, delivered, failed, blocked } => format!(
            "📢 Broadcast finished: {delivered} of {recipients} delivered, {failed} failed, {blocked} have blocked the bot."
        ),
        Msg::BroadcastUnsupported => "Only text, a photo or a document can be broadcast.".into(),
        Msg::StaffMenu => "Staff management:".into(),
        Msg::AskStaffId { role } => format!("Send the Telegram ID of the new {}.", text(Msg::Role(role))),
        Msg::BadTelegramId => "A Telegram ID is a number, like 123456789.".into(),
        Msg::StaffAdded { name, role } => format!("{name} is now {}.", text(Msg::Role(role))),
        Msg::StaffList => "Staff:".into(),
        Msg::ConfirmRemove { name } => format!("Remove {name} from staff?"),
        Msg::StaffRemoved { name } => format!("{name} is no longer staff."),
        Msg::SlaTitle { n } => format!("⏰ Overdue requests: {n}"),
        Msg::SlaNotAccepted { overdue } => format!("not accepted, {overdue} overdue"),
        Msg::SlaNotResolved { overdue } => format!("not resolved, {overdue} overdue"),
        Msg::SlaEscalated => "escalated to super administrators".into(),
        Msg::SlaMore { n } => format!("… and {n} more"),
        Msg::Duration { days, hours, minutes } => match (days, hours) {
            (0, 0) => format!("{minutes} min"),
            (0, h) => format!("{h} h {minutes} min"),
            (d, h) => format!("{d} d {h} h"),
        },
        Msg::EmailSlaSubject { n } => format!("[helpdesk] {n} overdue requests"),
        Msg::EmailNewRequestSubject { number } => format!("[helpdesk] New request {number}"),
        Msg::ReportSubject { from, until } => format!("[helpdesk] Summary {from} – {until}"),
        Msg::ReportIntro { from, until } => format!("Help desk summary for {from} – {until}"),
        Msg::ReportOpened => "Opened".into(),
        Msg::ReportClosed => "Closed".into(),
        Msg::ReportBreaches => "SLA breaches".into(),
        Msg::ReportTotal => "Total".into(),
        Msg::ReportLowStock => "Below minimum stock".into(),
        Msg::ReportNoLowStock => "No cartridge is below its minimum.".into(),
        Msg::LabelWarehouse => "Warehouse".into(),
        Msg::LabelQuantity => "Quantity".into(),
        Msg::LabelMinimum => "Minimum".into(),
        Msg::CommandHelp { command } => match command {
            "start" => "Start and the main menu",
            "help" => "What the bot can do",
            "new" => "File a request",
            "cartridge" => "Order cartridges",
            "call" => "Urgent call to the server room",
            "my" => "My requests",
            "cancel" => "Stop filling in",
            "queue" => "Requests waiting for staff",
            "stock" => "Cartridges in stock",
            "broadcast" => "An announcement to everyone",
            "staff" => "Staff and roles",
            other => other,
        }
        .into(),
    }
}
