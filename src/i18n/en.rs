//! English texts.

use super::{Msg, W, listed};
use crate::domain::{
    BadKey, Candidate, Denied, Entity, Field, Kind, LifecycleError, PhoneError, Priority, Refusal, Role, State, Status,
    TextField,
};

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
        Msg::AskAuthor => "❓ Ask the author".into(),
        Msg::WaitForParts => "⏸ Waiting for parts".into(),
        Msg::Resume => "▶️ Resume".into(),
        Msg::AnswerButton => "✍️ Answer".into(),
        Msg::RatePrompt => "How did it go? Rate it from 1 (bad) to 5 (excellent):".into(),
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
        Msg::State(s) => match s {
            State::New => "new",
            State::Accepted => "accepted",
            State::WaitingAuthor => "waiting for the author",
            State::WaitingParts => "waiting for parts",
            State::Done => "done",
            State::Rejected => "rejected",
            State::Cancelled => "cancelled",
            State::Archived => "archived",
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
        Msg::LabelDue => "Due".into(),
        Msg::OverdueMark => "overdue".into(),
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
        Msg::OpenApp => "📱 Open the app".into(),
        Msg::AppOffer => {
            "Ordering cartridges and filing requests is quicker in the help desk app: a catalog, a cart and one form."
                .into()
        }
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
        Msg::Lifecycle(e) => match e {
            LifecycleError::NotAllowed { from, .. } => {
                format!("Not possible now: the request is {}.", text(Msg::State(*from)))
            }
            LifecycleError::NoteRequired => "Say what it waits for: the question for the author, or the parts.".into(),
            LifecycleError::AnswerRequired => "Write the answer: it is empty.".into(),
            LifecycleError::ReasonRequired | LifecycleError::ReasonTooLong { .. } => {
                text(Msg::BadReason { max: crate::domain::lifecycle::MAX_REASON_CHARS })
            }
        },
        Msg::NotFound { what, key } => match what {
            Entity::Branch => format!("There is no branch '{key}'."),
            Entity::Warehouse => format!("There is no warehouse '{key}'."),
            Entity::CartridgeType => format!("There is no cartridge type '{key}'."),
            Entity::User => format!("There is no user {key}."),
            Entity::Request => format!("There is no request {key}."),
            Entity::ServerCall => "There is no such server-room call.".into(),
            Entity::Broadcast => "There is no such broadcast.".into(),
            Entity::Printer => format!("There is no printer '{key}'."),
            Entity::Contractor => format!("There is no contractor '{key}'."),
            Entity::RefillBatch => format!("There is no refill batch {key}."),
            Entity::Calendar => format!("There is no calendar '{key}'."),
            Entity::Recurring => format!("There is no schedule {key}."),
        },
        Msg::Ambiguous { what, key, candidates } => ambiguous(what, key, candidates),
        Msg::Refusal(r) => refusal(r),
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
        Msg::ChoosePrinter => "Which printer is it for?".into(),
        Msg::NoParticularPrinter => "Not for a particular printer".into(),
        Msg::ChooseCartridgeFor { printer } => {
            format!("Which cartridge for {printer}? The ones it takes come first, marked ✓.")
        }
        Msg::ForPrinter => "for".into(),
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
        Msg::AskWaitNote { number, author } => {
            if author {
                format!(
                    "What do you ask the author of {number}? They get it in Telegram; the clock stops until work goes on."
                )
            } else {
                format!(
                    "What does {number} wait for (parts, a contractor)? The author will see this; the clock stops until work goes on."
                )
            }
        }
        Msg::WaitingOk { number } => format!("{number} waits; its clock is stopped."),
        Msg::ResumedOk { number } => format!("Work on {number} goes on; its clock runs again."),
        Msg::RatedOk { score } => {
            format!("Thank you! Your rating: {score}/5. Add a comment if you like: write it now, or press Skip.")
        }
        Msg::RatingCommentKept => "Thank you, your comment is kept.".into(),
        Msg::AskAnswer { number } => {
            format!("Write your answer about {number}: it goes to the person working on it. /cancel to stop.")
        }
        Msg::AnsweredOk { number } => format!("Thank you: your answer is passed on, and work on {number} goes on."),
        Msg::CompletedOk { number } => format!("{number} is done."),
        Msg::AskRejectReason { number } => format!("Why is {number} rejected? The author will see this."),
        Msg::BadReason { max } => format!("Type the reason in words, at most {max} characters."),
        Msg::RejectedOk { number } => format!("{number} is rejected."),
        Msg::StockTitle => "Cartridges in stock:".into(),
        Msg::StockEmpty => "Nothing in stock.".into(),
        Msg::ChooseWarehouse { number } => format!("Issue {number} from which warehouse?"),
        Msg::NotEnoughStock => "Not enough in stock:".into(),
        Msg::AskIssueNote => "A note for the author about the partial issue? Or press Skip.".into(),
        Msg::EmptyCount { n } => format!("empty {n}"),
        Msg::EmptiesWhere => "Empties brought in: at which warehouse?".into(),
        Msg::EmptiesWhich => "Of which cartridge?".into(),
        Msg::EmptiesHowMany { max } => format!("How many empties? A whole number from 1 to {max}."),
        Msg::EmptiesReceived { n, now } => format!("Received {n} empties; {now} empty there now."),
        Msg::AskEmptiesBack => "Did the empty cartridges come back with these?".into(),
        Msg::EmptiesAllBack => "♻️ Yes, all of them".into(),
        Msg::EmptiesNoneBack => "No empties".into(),
        Msg::EmptiesBack { n } => format!("Empties back: {n}."),
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
        Msg::StockDigestHead { lead_days } => format!(
            "📦 <b>Cartridges to order this week</b>\nBy the forecast from the issue history (delivery takes {lead_days} d):"
        ),
        Msg::StockDigestLine { warehouse, cartridge, article, days_left, order } => {
            format!("• {warehouse}: {cartridge} ({article}): {days_left} d left, order <b>{order}</b>")
        }
        Msg::EmailStockDigestSubject { lines } => format!("[helpdesk] Cartridges to order: {lines} lines"),
        Msg::NoticeDone { number } => format!("✅ Your request <b>{number}</b> is done."),
        Msg::NoticeRejected { number, reason } => {
            format!("⛔ Your request <b>{number}</b> was rejected.\nReason: {reason}")
        }
        Msg::NoticeQuestion { number, question } => format!(
            "❓ A question about your request <b>{number}</b>:\n{question}\n\nIts clock is stopped until you answer: press Answer, or reply to this message."
        ),
        Msg::NoticeWaitingParts { number, note } => {
            format!("⏸ Your request <b>{number}</b> waits for parts or a contractor:\n{note}")
        }
        Msg::NoticeResumed { number } => format!("▶️ Work on your request <b>{number}</b> goes on."),
        Msg::NoticeLowRating { number, score, comment } => {
            format!("⚠️ Request <b>{number}</b> was rated {score}/5 by its author.\n{comment}")
        }
        Msg::NoticeUnanswered { number, after } => format!(
            "🔒 Your request <b>{number}</b> is closed: the question about it went unanswered for {after}. If it is still needed, file it again."
        ),
        Msg::NoticeUnansweredAssignee { number, after } => format!(
            "🔒 Request <b>{number}</b> is closed (cancelled): its author did not answer your question for {after}."
        ),
        Msg::NoticeAnswered { number, answer } => {
            format!("💬 The author of <b>{number}</b> answered:\n{answer}\n\nIts clock runs again.")
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
        Msg::EmailSlaOneSubject { number } => format!("[helpdesk] {number} is overdue"),
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
        Msg::WebLink { url, minutes } => format!(
            "Your sign-in link to the web panel. It works once, for {minutes} minutes; do not pass it on.\n\n<a href=\"{url}\">Open the help desk</a>"
        ),
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
            "empties" => "Empties brought in",
            "staff" => "Staff and roles",
            "web" => "Sign in to the web panel",
            other => other,
        }
        .into(),
    }
}

fn field(f: TextField) -> &'static str {
    f.as_str()
}

fn noun(f: Field) -> &'static str {
    f.noun()
}

/// `Branch '3' is ambiguous: it is the code of … and the id of …; write code:3 or id:3 to pick one.`
fn ambiguous(what: Entity, key: &str, candidates: &[Candidate]) -> String {
    let code = match what {
        Entity::CartridgeType => "article",
        Entity::Printer => "inventory number",
        _ => "code",
    };
    let which: Vec<String> = candidates
        .iter()
        .map(|c| format!("the {} of {} ({code} {}, id {})", noun(c.matched), c.name, c.code, c.id))
        .collect();
    let keys: Vec<String> = candidates.iter().map(|c| c.key(key)).collect();
    let what = what.as_str();
    let what = what[..1].to_uppercase() + &what[1..];
    format!("{what} '{key}' is ambiguous: it is {}; write {} to pick one.", listed(&which, "and"), listed(&keys, "or"))
}

fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::BadCode { what, code } => {
            format!("'{code}' is not a valid {what} code: use 1 to 32 letters, digits, '-' or '_'.")
        }
        Refusal::EmptyText { what } => format!("The {} is empty.", field(*what)),
        Refusal::TextTooLong { what, max } => format!("The {} is longer than {max} characters.", field(*what)),
        Refusal::ControlCharacters { what } => format!("The {} contains control characters.", field(*what)),
        Refusal::BadPhone(e) => match e {
            PhoneError::Empty => "No phone number is given.".into(),
            PhoneError::BadCharacters(p) => format!(
                "'{p}' is not a phone number: only digits, spaces, dashes, dots, parentheses and a leading + are allowed."
            ),
            PhoneError::Invalid(p) => format!(
                "'{p}' is not a valid phone number: use the international form, like +380 44 123 4567 or +7 916 123-45-67."
            ),
        },
        Refusal::BadKey(e) => match e {
            BadKey::Empty => "An empty key names nothing; give a code, a name or an id.".into(),
            BadKey::EmptyValue { typed, field } => {
                format!("'{typed}' names nothing; write the {} after the colon.", noun(*field))
            }
            BadKey::NotAnId(typed) => format!("'{typed}': an id is a whole number, like id:3."),
        },
        Refusal::BranchByOneCId { key } => {
            format!("'{key}': branches have no 1C id; name a branch by its code, name or id (code:X, name:X, id:N).")
        }
        Refusal::CartridgeByName { key } => format!(
            "'{key}': cartridge types are not named by name, as names repeat; \
             give the vendor article, 1C id or id (article:X, 1c:X, id:N)."
        ),
        Refusal::EmptyDescription => "The description is empty.".into(),
        Refusal::DescriptionTooLong { len, max } => {
            format!("The description is too long: {len} characters, at most {max}.")
        }
        Refusal::BadQuantity { max } => text(Msg::BadQuantity { max: *max }),
        Refusal::EmptyOrder => "A cartridge order needs at least one cartridge.".into(),
        Refusal::TooManyLines { max } => text(Msg::TooManyLines { max: *max }),
        Refusal::LinesOnlyOnOrders { kind } => {
            format!("Only cartridge orders list cartridges; this is a request for {}.", text(Msg::Kind(*kind)))
        }
        Refusal::NoBranch => text(Msg::NeedBranchFirst),
        Refusal::AlreadyAccepted { number, by } => format!("{number} has already been accepted by {by}."),
        Refusal::NotIssuable { number, state } => {
            format!("{number} is {}: cartridges are issued only on accepted orders.", text(Msg::State(*state)))
        }
        Refusal::BranchCodeTaken { code, name } => format!("A branch with code '{code}' already exists: {name}."),
        Refusal::BranchNameTaken { name, code } => format!("A branch named '{name}' already exists (code {code})."),
        Refusal::PrinterExists { inventory_number, branch } => {
            format!("A printer with inventory number {inventory_number} already exists (at {branch}).")
        }
        Refusal::PrinterRetired { inventory_number } => {
            format!("Printer {inventory_number} is retired: it cannot be changed or ordered for.")
        }
        Refusal::PrinterInUse { inventory_number, open } => {
            format!("Printer {inventory_number} has {open} open request(s); finish or cancel them before retiring it.")
        }
        Refusal::ContractorExists { name } => format!("A contractor named «{name}» already exists."),
        Refusal::EmptyBatch => "A refill batch needs at least one cartridge type with a quantity.".into(),
        Refusal::NotInBatch { article, batch } => format!("{article} is not in refill batch {batch}."),
        Refusal::RefillTooMany { batch, article, outstanding, wanted } => {
            format!("Refill batch {batch} has only {outstanding} of {article} still out; {wanted} cannot come back.")
        }
        Refusal::RejectNeedsReason => "Say why the contractor rejected them.".into(),
        Refusal::BatchClosed { batch } => {
            format!("Refill batch {batch} is closed: everything sent is back or written off.")
        }
        Refusal::Recurrence { error } => {
            use crate::domain::recurrence::RecurrenceError as E;
            match error {
                E::Unreadable(r) => format!(
                    "«{r}» is not a schedule: write every 3 days, every 2 weeks on mon, monthly on 1, every 3 months on last, or cron 0 9 1 * *."
                ),
                E::BadTime(t) => format!("«{t}» is not a time of day: write it as 09:00."),
                E::BadWeekday(d) => format!("«{d}» is not a weekday: write mon, tue, wed, thu, fri, sat or sun."),
                E::BadMonthDay(d) => format!("«{d}» is not a day of the month: write 1 to 31, or last."),
                E::BadCount(n) => format!("«{n}» is not a count: write a whole number from 1 to 366."),
                E::BadCron { line } => format!(
                    "«{line}» is not a crontab line: give five fields (minute hour day month weekday), e.g. 0 9 1 * *."
                ),
                E::StartTooFar(d) => format!("{d} is too far off: start within five years of today."),
                E::NeverFires(r) => format!("«{r}» never fires in the next five years: check the day and the month."),
            }
        }
        Refusal::AssigneeCannot { name, kind } => {
            format!("{name} does not handle {} requests: choose staff who do, or no one.", text(Msg::Kind(*kind)))
        }
        Refusal::Rating { error } => {
            use crate::domain::satisfaction::RatingError as E;
            match error {
                E::OutOfRange(n) => format!("A rating is 1 to 5, not {n}."),
                E::NotDone => "Only a request that is done can be rated.".into(),
                E::TooLate => "The week to rate this request is over.".into(),
                E::CommentTooLong { len, max } => format!("The comment is too long ({len} characters; at most {max})."),
            }
        }
        Refusal::Calendar { calendar, at, error } => {
            use crate::domain::calendar::CalendarError as E;
            let what = match error {
                E::BadHours(h) => format!(
                    "«{h}» is not working hours: write them as 09:00-18:00, several split by spaces (09:00-13:00 14:00-18:00), or leave them empty for a day off."
                ),
                E::Backwards(h) => format!("working hours {h} end before they start: write the earlier time first."),
                E::Overlap(a, b) => format!("working hours {a} and {b} overlap: make each end before the next starts."),
                E::UnknownZone(z) => {
                    format!("there is no time zone «{z}»: use a name such as Europe/Kyiv or Europe/Moscow.")
                }
                E::BadDate(d) => {
                    format!("«{d}» is not a date: write it as YYYY-MM-DD (or MM-DD for a holiday every year).")
                }
                E::BadDayKind(k) => format!("«{k}» is not a kind of day: holiday, yearly or workday."),
                E::NoHours => {
                    "no weekday has working hours, so time would never count: give at least one weekday hours.".into()
                }
                E::HoursOnHoliday(_) => {
                    "a holiday has no working hours: leave them empty, or make the day a workday.".into()
                }
                E::BadDayName => "the name of a day is at most 200 characters on one line.".into(),
            };
            match at {
                Some(at) => format!("Calendar {calendar}, {at}: {what}"),
                None => format!("Calendar {calendar}: {what}"),
            }
        }
        Refusal::NotEnoughEmpties { article, warehouse, available, wanted } => {
            format!("Not enough empty {article} at {warehouse}: {available} there, {wanted} wanted.")
        }
        Refusal::PrinterElsewhere { inventory_number, branch } => format!(
            "Printer {inventory_number} is at {branch}, not at the branch this request is for; pick one of that branch's printers."
        ),
        Refusal::NotATelegramId { id } => {
            format!("{id} is not a Telegram ID: a Telegram ID is a positive number, like 123456789.")
        }
        Refusal::UserExists { id } => format!("User {id} already exists; change their role instead."),
        Refusal::NotAStaffRole => format!(
            "Choose a staff role: {}, {} or {}.",
            text(Msg::Role(Role::Storekeeper)),
            text(Msg::Role(Role::Support)),
            text(Msg::Role(Role::Admin))
        ),
        Refusal::SuperAdminNotAssignable => {
            "Super administrators are set in the configuration (HELPDESK_SUPER_ADMINS), not here.".into()
        }
        Refusal::OwnAccount => "Nobody can change their own role or block themselves.".into(),
        Refusal::WebPanelOff => "The web panel is not set up yet; ask the administrator.".into(),
        Refusal::SignInLinkInvalid => {
            "This sign-in link has been used or has expired. Send /web to the bot for a new one.".into()
        }
        Refusal::TelegramSignInRejected { .. } => {
            "Telegram could not confirm who you are. Please sign in again.".into()
        }
        Refusal::ConfiguredSuperAdmin { id } => {
            format!("{id} is a super administrator from the configuration (HELPDESK_SUPER_ADMINS); change it there.")
        }
    }
}

/// The web panel's words.
pub(super) fn web(w: W) -> &'static str {
    match w {
        W::Brand => "Help desk",
        W::Tagline => "Requests, stock and reports of every branch in one place.",
        W::NavDashboard => "Dashboard",
        W::NavRequests => "Requests",
        W::NavStock => "Stock",
        W::NavReports => "Reports",
        W::NavPeople => "People",
        W::NavMine => "My requests",
        W::NavNewRequest => "New request",
        W::NavOrder => "Cartridges",
        W::NavProfile => "Profile",
        W::SignInTitle => "Sign in",
        W::SignInWithTelegram => "Sign in with your Telegram account:",
        W::SignInByLink => "Or get a sign-in link from the bot",
        W::SignInByLinkHow => {
            "Send /web to the help desk bot in Telegram. It answers with a link that signs you in here; it works once, for 10 minutes."
        }
        W::SignInAsTitle => "Sign in to the help desk",
        W::SignInAs => "You are signing in as",
        W::SignInButton => "Sign in",
        W::SignInLinkNote => "Not you? Close this page: the link stays unused.",
        W::SignOut => "Sign out",
        W::SignOutEverywhere => "Sign out everywhere",
        W::SignedOut => "You have signed out.",
        W::SignedOutEverywhere => "You have signed out on every device.",
        W::SessionsTitle => "Where you are signed in",
        W::SessionThis => "this browser",
        W::SessionSince => "Signed in",
        W::SessionLastSeen => "Last active",
        W::SessionVia => "How",
        W::SessionDevice => "Device",
        W::ViaLink => "link from the bot",
        W::ViaWidget => "Telegram sign-in",
        W::ViaMiniApp => "Telegram Mini App",
        W::ProfileTitle => "Your profile",
        W::LabelName => "Name",
        W::LabelRole => "Role",
        W::LabelBranch => "Branch",
        W::LabelPhone => "Phone",
        W::LabelTelegramId => "Telegram ID",
        W::LabelLanguage => "Language",
        W::ChangeLanguage => "Change",
        W::NotFoundTitle => "Not found",
        W::NotFoundText => "There is no such page.",
        W::ForbiddenTitle => "Not allowed",
        W::ErrorTitle => "Something went wrong",
        W::ErrorText => "Something went wrong on our side. Please try again in a minute.",
        W::TooManyAttempts => "Too many attempts. Wait a few minutes and try again.",
        W::BadForm => "The form is out of date. Open the page again and repeat.",
        W::BackHome => "Back to the start",
        W::LiveUpdates => "Updates by itself",
        W::FilterSearch => "Search",
        W::FilterStatus => "Status",
        W::FilterWaiting => "Waiting (clock stopped)",
        W::FilterKind => "Kind",
        W::FilterPriority => "Priority",
        W::FilterBranch => "Branch",
        W::FilterFrom => "From",
        W::FilterUntil => "Until",
        W::FilterAuthor => "Author",
        W::FilterAssignee => "Assignee",
        W::FilterArchived => "Archive",
        W::FilterOrder => "Order",
        W::FilterApply => "Show",
        W::FilterReset => "Reset",
        W::Any => "Any",
        W::Me => "Me",
        W::ArchivedNo => "Not archived",
        W::ArchivedOnly => "Archived only",
        W::ArchivedAll => "With archived",
        W::OrderNewest => "Newest first",
        W::OrderOldest => "Oldest first",
        W::OrderQueue => "Queue: priority, then oldest",
        W::ColNumber => "Number",
        W::ColCreated => "Created",
        W::ColKind => "Kind",
        W::ColStatus => "Status",
        W::ColBranch => "Branch",
        W::ColAuthor => "Author",
        W::ColDescription => "Description",
        W::ColAssignee => "Assignee",
        W::Overdue => "Overdue: the SLA is breached",
        W::Newer => "Back",
        W::Older => "Further",
        W::FirstPage => "First page",
        W::NoRequests => "No requests match.",
        W::Filters => "Filters",
        W::CardFields => "Details",
        W::LabelContact => "Contact",
        W::LabelCreated => "Created",
        W::LabelAccepted => "Accepted",
        W::LabelClosed => "Closed",
        W::LabelArchived => "Archived",
        W::LabelAuthor => "Author",
        W::LabelAssignee => "Assignee",
        W::LabelReason => "Reason",
        W::LabelDescription => "Description",
        W::LabelSla => "SLA",
        W::SlaDue => "Due by",
        W::CartridgesTitle => "Cartridges",
        W::ColArticle => "Article",
        W::ColCartridge => "Cartridge",
        W::ColOrdered => "Ordered",
        W::ColIssued => "Issued",
        W::ColComment => "Comment",
        W::AttachmentsTitle => "Attachments",
        W::Download => "Download",
        W::HistoryTitle => "History",
        W::HistCreated => "filed",
        W::HistAccepted => "accepted",
        W::HistCompleted => "done",
        W::HistRejected => "rejected",
        W::HistCancelled => "cancelled",
        W::HistArchived => "archived",
        W::HistIssued => "cartridges issued",
        W::HistReminder => "SLA reminder sent",
        W::ViaWeb => "web",
        W::ViaTelegram => "Telegram",
        W::ViaCli => "command line",
        W::ViaSystem => "scheduled job",
        W::ActionsTitle => "What you can do",
        W::ActAccept => "Accept",
        W::ActComplete => "Done",
        W::ActDeliver => "Delivered",
        W::ActReject => "Reject",
        W::ActResume => "Resume: the clock runs again",
        W::ActAnswer => "Send the answer: the clock runs again",
        W::ActAnswerLabel => "Your answer",
        W::QuestionForAuthor => "Question for the author",
        W::ActWaitQuestion => "Question for the author (sent to them in Telegram)",
        W::ActWaitSummary => "Stop the clock: ask the author, or wait for parts",
        W::ActWaitAuthor => "Ask the author and stop the clock",
        W::ActWaitWhat => "What it waits for: parts, a contractor",
        W::ActWaitParts => "Wait for parts and stop the clock",
        W::DoneWaiting => "The request waits; its clock is stopped and the author is told.",
        W::DoneResumed => "Work goes on; the clock runs again.",
        W::DoneAnswered => "Thank you: your answer is passed on, and work goes on.",
        W::HistWaiting => "waits (clock stopped)",
        W::HistResumed => "resumed",
        W::HistAnswered => "answered by its author",
        W::HistRated => "rated by its author",
        W::RatingTitle => "Rating",
        W::RatingYours => "Your rating (you may change it for a week)",
        W::RatingComment => "Comment (optional)",
        W::ActRate => "Rate",
        W::DoneRated => "Thank you for your rating.",
        W::RatingsTitle => "Satisfaction",
        W::RatingsByStaff => "By staff member",
        W::ColRatings => "Ratings",
        W::ColRatingAvg => "Average",
        W::RatingsNone => "No ratings for requests closed in this period.",
        W::HistFiledRecurring => "filed on its schedule",
        W::HistFiledLate => "filed on its schedule, late (the service was down when it fell due)",
        W::HistUnanswered => "closed: its author did not answer",
        W::ActRejectReason => "Why it is rejected (the author will see this)",
        W::ActCancel => "Cancel the request",
        W::ActCancelConfirm => "Cancel this request?",
        W::ActArchive => "Archive",
        W::ActIssue => "Issue cartridges",
        W::IssueFrom => "From warehouse",
        W::IssueCovers => "covers",
        W::IssuePartial => "Issue what there is (a partial issue)",
        W::IssueNote => "Note for the author (optional)",
        W::NoActions => "Nothing to do on this request now.",
        W::DoneAccepted => "Accepted: the request is yours. The author has been told.",
        W::DoneCompleted => "Marked done. The author has been told.",
        W::DoneRejected => "Rejected. The author has been told why.",
        W::DoneCancelled => "Cancelled.",
        W::DoneArchived => "Archived.",
        W::DoneIssued => "Issued. The author has been told.",
        W::ShortStock => "Not enough in stock:",
        W::NothingLeftToIssue => "Everything on this order has been issued already.",
        W::BackToList => "All requests",
        W::DashOpenNew => "New, waiting",
        W::DashOpenAccepted => "In progress",
        W::DashOverdue => "Overdue now (SLA)",
        W::DashWaiting => "Waiting now (clock stopped)",
        W::DashOpenedToday => "Opened today",
        W::DashOpenedWeek => "Opened this week",
        W::DashClosedToday => "Closed today",
        W::DashClosedWeek => "Closed this week",
        W::DashMedianAccept => "Median time to accept, 30 days",
        W::DashMedianClose => "Median time to close, 30 days",
        W::DashOpenByBranch => "Open requests by branch",
        W::DashPerBranch => "Requests by branch, 30 days",
        W::DashPerMonth => "Requests by month",
        W::ChartFigures => "Figures as a table",
        W::ChartMonth => "Month",
        W::ChartRequests => "Requests",
        W::DashLowStock => "Stock below minimum",
        W::DashNoLowStock => "Every cartridge is above its minimum.",
        W::DashNothingOpen => "Nothing is open.",
        W::ColTotal => "Total",
        W::ColOverdue => "Overdue",
        W::ColWarehouse => "Warehouse",
        W::ColQuantity => "In stock",
        W::ColMinimum => "Minimum",
        W::Hours => "h",
        W::Minutes => "min",
        W::Days => "d",
        W::NoData => "no data yet",
        W::ChooseBranchFirst => "First choose the branch you work at.",
        W::SaveBranch => "Save",
        W::WhatIsNeeded => "What do you need?",
        W::YourName => "Your full name",
        W::DescribeProblem => "Describe the problem: what happened, where, which equipment",
        W::HowUrgent => "How urgent is it?",
        W::PhotosInBot => "A photo or a document can be added to a request in the bot.",
        W::FileRequest => "File the request",
        W::OrderHow => "How many of each cartridge you need; the stock shows what your branch's warehouse has now.",
        W::IssueEmpties => "Empties back",
        W::IssueEmptiesAll => "as many as issued",
        W::BadEmpties => "Empties back must be a whole number, 0 or more (empty: as many as issued).",
        W::ColFull => "Full",
        W::ColEmpty => "Empty",
        W::EmptiesIn => "Empties brought in",
        W::EmptiesInHow => "Empty cartridges someone brought without a request: they wait for refilling.",
        W::EmptiesInButton => "Receive",
        W::EmptiesNote => "Note: who brought them, from where (optional)",
        W::DoneEmptiesIn => "Empties received.",
        W::RefillNote => "Note (optional)",
        W::NavRefills => "Refills",
        W::RefillBatches => "Batches at contractors",
        W::RefillBatch => "Refill batch",
        W::Contractor => "Contractor",
        W::Contractors => "Contractors",
        W::RefillOutstanding => "At contractor",
        W::RefillClosed => "Closed",
        W::NoRefills => "No refill batches yet.",
        W::NoContractors => "Add a contractor first: then send empties to be refilled here.",
        W::RefillSend => "Send empties for refilling",
        W::RefillSendHow => {
            "Empties of each type to send from the warehouse; the handover document is on the batch's page."
        }
        W::RefillSendButton => "Send",
        W::AddContractor => "Add a contractor",
        W::Contacts => "Contacts",
        W::RefillSent => "Sent",
        W::RefillReceived => "Refilled",
        W::RefillRejected => "Rejected",
        W::RefillBackNow => "Back now",
        W::RefillRejectNow => "Reject now",
        W::RefillRejectReason => "Why rejected (needed when any are)",
        W::RefillReceive => "Receive",
        W::Handover => "Handover document",
        W::Total => "Total",
        W::HandedOver => "Handed over",
        W::ReceivedByContractor => "Received by the contractor",
        W::Print => "Print",
        W::DoneRefillSent => "The batch is sent.",
        W::DoneRefillReceived => "Received.",
        W::DoneContractorAdded => "The contractor is added.",
        W::OrderHowForPrinter => {
            "The cartridges this printer takes come first (✓); what you order of them is marked for it."
        }
        W::OrderCartridgesFor => "Order cartridges for a printer",
        W::OrderForPrinter => "For which printer?",
        W::NoParticularPrinter => "Not for a particular printer",
        W::FitsPrinter => "Fits the printer",
        W::Fewer => "Fewer",
        W::More => "More",
        W::ColPrinter => "Printer",
        W::Printers => "Printers",
        W::HowMany => "How many",
        W::OrderComment => "A comment (the printer, the room)",
        W::PlaceOrder => "Place the order",
        W::Filed => "Your request is filed. You will be told of every change here and in Telegram.",
        W::NothingOrdered => "Enter how many of at least one cartridge.",
        W::PeopleTitle => "People",
        W::PrinterInventory => "Inventory no.",
        W::PrinterModel => "Model",
        W::PrinterPlace => "Place (room, floor)",
        W::PrinterSerial => "Serial number",
        W::PrinterCartridges => "Cartridges",
        W::PrinterRetired => "Retired",
        W::PrinterRetire => "Retire the printer",
        W::PrinterRetireConfirm => "Retire this printer? Requests that name it keep it.",
        W::PrinterRetireHow => {
            "A retired printer stays in its requests, but nobody can order for it any more. It cannot be retired while a request for it is open."
        }
        W::ShowRetired => "Retired too",
        W::AddPrinter => "Add a printer",
        W::EditPrinter => "Edit the printer",
        W::SaveChanges => "Save",
        W::NoPrinters => "No printers.",
        W::DonePrinterAdded => "The printer is added.",
        W::DonePrinterSaved => "The changes are saved.",
        W::DonePrinterRetired => "The printer is retired.",
        W::AddPerson => "Add a person",
        W::AddPersonHow => {
            "By their Telegram ID (the number @userinfobot tells them). Staff roles are given by super administrators."
        }
        W::AddButton => "Add",
        W::ColName => "Name",
        W::ColRole => "Role",
        W::ColPhone => "Phone",
        W::ColLastSeen => "Last seen",
        W::ColActions => "Actions",
        W::Blocked => "blocked",
        W::Block => "Block",
        W::Unblock => "Unblock",
        W::BlockConfirm => "Block this person? They are signed out everywhere and the bot stops answering them.",
        W::ChangeRole => "Change",
        W::ConfiguredSuperAdmin => "super admin from the configuration",
        W::You => "you",
        W::DoneAdded => "Added.",
        W::DoneRole => "The role is changed; it applies at once, in the bot and here.",
        W::DoneBlocked => "Blocked.",
        W::DoneUnblocked => "Unblocked.",
        W::FilterName => "Name or Telegram ID",
        W::StaffOnly => "Staff only",
        W::FilterCartridge => "Cartridge or article",
        W::BelowMinimumOnly => "Below minimum only",
        W::ColRunsOut => "Runs out",
        W::ColToOrder => "To order",
        W::SortBy => "Sort",
        W::SortByWarehouse => "By warehouse",
        W::SortRunsOut => "Runs out first",
        W::BeforeDelivery => "before a delivery",
        W::NotUsed => "not used",
        W::PerMonth => "a month",
        W::RunsOutSoonTitle => "Runs out within the lead time",
        W::RunsOutSoonHow => {
            "Forecast from the issue history: these run out before a delivery ordered today would come."
        }
        W::NothingRunsOut => "Nothing runs out within the lead time.",
        W::ColDaysLeft => "Days left",
        W::StockLevels => "Stock by warehouse",
        W::BelowMinimum => "Below minimum",
        W::ColUpdated => "Updated",
        W::ToIssue => "Orders to issue",
        W::ToIssueHow => {
            "Accepted cartridge orders, oldest first. Open one to issue it from a warehouse, in full or in part."
        }
        W::NothingToIssue => "Nothing waits to be issued.",
        W::AllToIssue => "All orders to issue",
        W::ImportTitle => "Upload from 1C",
        W::ImportHow => {
            "CommerceML files (offers.xml with import.xml, rests.xml) or a balance report (xlsx, xls, ods, csv). You will see what changes before anything is written."
        }
        W::ImportFiles => "Files",
        W::ImportWarehouse => "Warehouse for balances that name none",
        W::ImportCheck => "Check the files",
        W::ImportRows => "Rows",
        W::ImportMatched => "Matched",
        W::ImportUnmatchedItems => "Items not in the catalog",
        W::ImportUnmatchedWarehouses => "Warehouses not found",
        W::ImportChanges => "Stock changes",
        W::ImportAlready => "These files were already imported:",
        W::ImportOld => "Now",
        W::ImportNew => "After",
        W::ImportApply => "Apply the changes",
        W::ImportNothing => "There is nothing to apply.",
        W::Discard => "Discard",
        W::ImportApplied => "Imported from 1C. Stock rows changed:",
        W::ImportPreviewTitle => "What the upload changes",
        W::UploadTooBig => "The upload is too large or was cut off. Upload smaller files.",
        W::UploadTooMany => "Too many files at once: upload at most 8.",
        W::UploadNoFiles => "Choose the files to upload.",
        W::UploadExpired => {
            "This upload is no longer waiting (it was applied, discarded or is over 30 minutes old). Upload the files again."
        }
        W::ImportFailed => "The files could not be imported; nothing was changed. The reader says:",
        W::StockTitle => "Stock",
        W::ReportsTitle => "Reports",
        W::DownloadXlsx => "Download xlsx",
        W::DownloadCsv => "Download CSV",
        W::PeriodWrong => "The period is not valid: give a start date no later than its end.",
        W::RepFiled => "Filed",
        W::RepClosed => "Closed in the period",
        W::RepBreaches => "SLA breaches",
        W::RepMeanAccept => "Mean time to accept",
        W::RepMeanClose => "Mean time to close",
        W::RepByBranch => "By branch",
        W::RepHow => {
            "Requests filed in the period, archived ones included, by their status now; closed counts those closed in the period, whenever filed. The same figures as helpdesk report and the Summary sheet of the download. Mean times are wall-clock time, with the working hours of each branch's calendar below."
        }
        W::RepWorking => "working hours",
        W::NavCalendars => "Calendars",
        W::NavRecurring => "Recurring",
        W::RecHow => {
            "Requests filed on a schedule: the monthly server-room check, cleaning the printers every quarter. Each occurrence is filed once per branch, when the branch is at work."
        }
        W::RecNone => "No recurring requests yet.",
        W::RecEveryBranch => "Every branch",
        W::RecQueue => "The queue (no one named)",
        W::RecRule => "When",
        W::RecRuleHint => {
            "every 3 days · every 2 weeks on mon · monthly on 1 · every 3 months on last · cron 0 9 1 * *"
        }
        W::RecAt => "At (the branch's time)",
        W::RecStarting => "Counting from",
        W::RecNext => "Next",
        W::RecLast => "Last filed",
        W::RecLate => "late",
        W::RecPaused => "paused",
        W::RecPause => "Pause",
        W::RecResume => "Resume",
        W::RecAdd => "Add a schedule",
        W::RecOnBehalf => "Each is filed on your behalf: you hear of its changes.",
        W::DoneRecAdded => "The schedule is added.",
        W::DoneRecPaused => "The schedule is paused: nothing is filed until it is resumed.",
        W::DoneRecResumed => "The schedule runs again; what fell due while it was paused is not filed.",
        W::CalHow => {
            "Service levels count the working hours of each branch's calendar: its own, else the default one, in its time zone. With no calendar at all, time runs round the clock. Reminders go out only in working hours."
        }
        W::CalNone => "No calendars yet: service levels run round the clock.",
        W::CalDefaultBadge => "default",
        W::CalMakeDefault => "The organization's default (for branches without one of their own)",
        W::CalCode => "Code",
        W::CalZone => "Time zone",
        W::CalZoneHint => "As Europe/Kyiv; empty for the panel's time zone",
        W::CalHoursHint => "Working hours, as 09:00-13:00 14:00-18:00; empty for a day off",
        W::CalKeptBy => "Kept by",
        W::CalKeptByNone => "no branch",
        W::CalDays => "Holidays and working days",
        W::CalNoDays => "No holidays or moved working days.",
        W::CalKind => "Kind",
        W::CalDate => "Date",
        W::CalDateHint => "YYYY-MM-DD; MM-DD for a holiday every year",
        W::CalHours => "Hours",
        W::CalDayName => "Name",
        W::DayHoliday => "Holiday",
        W::DayYearly => "Holiday every year",
        W::DayWorkday => "Working day",
        W::CalAddDay => "Add the day",
        W::CalPaste => "Paste a list of days (a year's holidays)",
        W::CalPasteHint => {
            "One day a line: date, kind (holiday, yearly or workday; holiday when empty), hours, name. All of them are saved, or none."
        }
        W::CalLoadList => "Save the list",
        W::DoneDaysLoaded => "The list of days is saved.",
        W::CalRemove => "Remove",
        W::CalNew => "New calendar",
        W::CalBranches => "Branches and their calendars",
        W::CalUseDefault => "The default calendar",
        W::DoneCalSaved => "The calendar is saved.",
        W::DoneDayAdded => "The day is saved.",
        W::DoneDayRemoved => "The day is removed.",
        W::DoneCalAssigned => "The branch's calendar is saved.",
        W::WdMon => "Mon",
        W::WdTue => "Tue",
        W::WdWed => "Wed",
        W::WdThu => "Thu",
        W::WdFri => "Fri",
        W::WdSat => "Sat",
        W::WdSun => "Sun",
        W::RepPerBranch => "Requests per branch",
        W::MiniAppTitle => "Help desk in Telegram",
        W::MiniAppSigningIn => "Signing you in with Telegram…",
        W::MiniAppOpenFromBot => {
            "Open this app from the bot in Telegram (its menu button), or sign in to the web panel with a link the bot sends for /web."
        }
        W::MiniAppReopen => "Close the app and open it again from the bot.",
        W::AttachLabel => "Photo or file (optional)",
        W::AttachHow => {
            "One photo taken with the camera or a file up to 10 MB. It also arrives in your chat with the bot."
        }
        W::AttachmentTooBig => "The file is larger than 10 MB: choose a smaller one.",
        W::AttachFailed => {
            "The photo or file could not be attached (Telegram did not take it). Try again, or file the request without it and send it in the bot."
        }
        W::AttachmentCaption => "Attached to your new request.",
        W::CallTitle => "Server room",
        W::NavCall => "Server room",
        W::CallHow => {
            "Something urgent in the server room (no network, a server down, smoke, water)? The call goes at once to the staff on duty in Telegram. You can call again after a few minutes."
        }
        W::CallButton => "Call the server room",
        W::AtYourBranch => "At your branch",
        W::MiniAppContinueAs => "Continue as",
        W::OnecTitle => "Exchanges with 1C",
        W::OnecHow => {
            "What 1C's exchange with this help desk did lately: balances it posted, orders it was sent and confirmed, the states it sent back. The whole record: helpdesk import-1c history."
        }
        W::OnecOff => {
            "The exchange with 1C is off: set HELPDESK_ONEC_EXCHANGE_USER and HELPDESK_ONEC_EXCHANGE_PASSWORD, and give 1C the address /1c/exchange."
        }
        W::OnecNone => "1C has not exchanged with this help desk yet.",
        W::OnecColWhen => "When",
        W::OnecColStep => "Step",
        W::OnecColResult => "Result",
        W::OnecOk => "success",
        W::OnecFailed => "failure",
        W::HistOnecSent => "1C received the issued cartridges",
        W::HistOnecStatus => "1C sent the order's state",
        W::OnecStepImport => "Balances from 1C",
        W::OnecStepCatalog => "Catalog from 1C",
        W::OnecStepPull => "Balances pulled over OData",
        W::OnecStepQuery => "Issued cartridges sent to 1C",
        W::OnecStepConfirm => "1C confirmed the issued cartridges",
        W::OnecStepStatus => "Order states from 1C",
        W::OnecStepBaseline => "The first exchange of orders: earlier issues are not sent",
        W::OnecStepSignIn => "1C signing in",
        W::OnecStockChanged => "Stock rows changed:",
    }
}
