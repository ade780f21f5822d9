//! Texts the bot (and email) shows people, in Russian, Ukrainian and English.
//!
//! Every text is a [`Msg`]; each language is one exhaustive `match` in its own
//! file, so a text missing in any language does not compile. Texts are HTML
//! for Telegram: arguments that come from people (names, descriptions,
//! reasons) must be escaped by the caller before they are put into a `Msg`.
//! Nothing else in the code holds user-facing strings for the bot.

mod en;
mod ru;
mod uk;

use crate::domain::{Denied, Kind, Lang, Priority, Role, Status};

/// Everything the bot says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg<'a> {
    // Main menu buttons
    MenuNewRequest,
    MenuCartridges,
    MenuCall,
    MenuMyRequests,
    MenuQueue,
    MenuStock,
    MenuBroadcast,
    MenuStaff,
    MenuHelp,
    // Other buttons
    Cancel,
    Skip,
    Confirm,
    Prev,
    Next,
    ShareContact,
    Accept,
    Complete,
    Reject,
    Issue,
    IssuePartially,
    Delivered,
    Open,
    CancelRequest,
    YesCancelIt,
    No,
    AddAnother,
    PlaceOrder,
    AllKinds,
    Coming,
    Cannot,
    SendBroadcast,
    AddAdmin,
    AddSupport,
    AddStorekeeper,
    ListStaff,
    Remove,
    YesRemove,
    // Names of things
    Kind(Kind),
    Priority(Priority),
    Status(Status),
    Role(Role),
    // Field labels on a request card
    LabelStatus,
    LabelBranch,
    LabelAuthor,
    LabelContact,
    LabelCreated,
    LabelAccepted,
    LabelClosed,
    LabelAssignee,
    LabelReason,
    LabelCartridges,
    LabelAttachments,
    LabelIssued,
    // Start, menu, general
    Welcome {
        name: &'a str,
    },
    ChooseBranch,
    BranchSaved {
        branch: &'a str,
    },
    NoBranchesYet,
    MenuHint,
    Help {
        staff: bool,
        admin: bool,
        super_admin: bool,
    },
    AccountBlocked,
    UseTheButtons,
    SomethingWentWrong,
    ButtonExpired,
    Cancelled,
    NothingToCancel,
    NeedBranchFirst,
    Denied(Denied),
    NotAllowedNow {
        status: &'a str,
    },
    AlreadyAccepted {
        number: &'a str,
        by: &'a str,
    },
    RequestNotFound,
    // Filing a request
    ChooseKind,
    AskName,
    AskPhone,
    BadPhone,
    AskDescription,
    BadDescription {
        max: usize,
    },
    AskAttachment,
    NotAnAttachment,
    AskPriority,
    CheckTicket,
    TicketCreated {
        number: &'a str,
    },
    // Cartridge orders
    NoCatalog,
    ChooseCartridge,
    InStock {
        n: i64,
    },
    AskQuantity {
        name: &'a str,
        max: i64,
    },
    BadQuantity {
        max: i64,
    },
    AskOrderComment,
    OrderSoFar,
    TooManyLines {
        max: usize,
    },
    // Own requests
    MyRequestsTitle {
        total: u64,
        page: u64,
        pages: u64,
    },
    NoRequestsYet,
    ConfirmCancel {
        number: &'a str,
    },
    RequestCancelled {
        number: &'a str,
    },
    // The queue
    QueueTitle {
        total: u64,
        page: u64,
        pages: u64,
    },
    QueueEmpty,
    AcceptedOk {
        number: &'a str,
    },
    CompletedOk {
        number: &'a str,
    },
    AskRejectReason {
        number: &'a str,
    },
    BadReason {
        max: usize,
    },
    RejectedOk {
        number: &'a str,
    },
    // Stock and issuing cartridges
    StockTitle,
    StockEmpty,
    ChooseWarehouse {
        number: &'a str,
    },
    NotEnoughStock,
    AskIssueNote,
    IssuedOk {
        number: &'a str,
        complete: bool,
    },
    NothingLeftToIssue,
    // Server-room calls
    CallSent {
        n: usize,
    },
    CallNobody,
    CallWait {
        minutes: u64,
        seconds: u64,
    },
    CallNotice {
        caller: &'a str,
        branch: &'a str,
        phone: &'a str,
    },
    CallAnswered {
        responder: &'a str,
        coming: bool,
    },
    CallAnswerSaved {
        coming: bool,
    },
    // Notices
    NoticeAccepted {
        number: &'a str,
        by: &'a str,
    },
    NoticeDone {
        number: &'a str,
    },
    NoticeRejected {
        number: &'a str,
        reason: &'a str,
    },
    NoticeCancelled {
        number: &'a str,
    },
    NoticeIssued {
        number: &'a str,
    },
    NoticeNewRequest,
    // Broadcasts
    AskBroadcast,
    BroadcastPreview,
    BroadcastQueued {
        n: usize,
    },
    BroadcastReport {
        recipients: i64,
        delivered: i64,
        failed: i64,
        blocked: i64,
    },
    BroadcastUnsupported,
    // Staff management
    StaffMenu,
    AskStaffId {
        role: Role,
    },
    BadTelegramId,
    StaffAdded {
        name: &'a str,
        role: Role,
    },
    StaffList,
    ConfirmRemove {
        name: &'a str,
    },
    StaffRemoved {
        name: &'a str,
    },
    /// The description of a bot command in the command menu.
    CommandHelp {
        command: &'a str,
    },
    // SLA reminders and reports (Telegram and email)
    SlaTitle {
        n: usize,
    },
    SlaNotAccepted {
        overdue: &'a str,
    },
    SlaNotResolved {
        overdue: &'a str,
    },
    SlaEscalated,
    SlaMore {
        n: usize,
    },
    Duration {
        days: i64,
        hours: i64,
        minutes: i64,
    },
    EmailSlaSubject {
        n: usize,
    },
    EmailNewRequestSubject {
        number: &'a str,
    },
    ReportSubject {
        from: &'a str,
        until: &'a str,
    },
    ReportIntro {
        from: &'a str,
        until: &'a str,
    },
    ReportOpened,
    ReportClosed,
    ReportBreaches,
    ReportTotal,
    ReportLowStock,
    ReportNoLowStock,
    LabelWarehouse,
    LabelQuantity,
    LabelMinimum,
}

/// The text of `msg` in `lang`.
pub fn t(lang: Lang, msg: Msg<'_>) -> String {
    match lang {
        Lang::Ru => ru::text(msg),
        Lang::Uk => uk::text(msg),
        Lang::En => en::text(msg),
    }
}

/// Which main-menu button a text is, in any language (people switch languages).
pub fn menu_button(text: &str) -> Option<Msg<'static>> {
    const MENU: [Msg<'static>; 9] = [
        Msg::MenuNewRequest,
        Msg::MenuCartridges,
        Msg::MenuCall,
        Msg::MenuMyRequests,
        Msg::MenuQueue,
        Msg::MenuStock,
        Msg::MenuBroadcast,
        Msg::MenuStaff,
        Msg::MenuHelp,
    ];
    let text = text.trim();
    MENU.into_iter().find(|m| [Lang::Ru, Lang::Uk, Lang::En].iter().any(|l| t(*l, *m) == text))
}

/// A time in a person's language: `21.11.2026 14:05`.
pub fn when(t: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%d.%m.%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Named;

    #[test]
    fn menu_buttons_are_recognised_in_every_language_and_distinct() {
        for lang in [Lang::Ru, Lang::Uk, Lang::En] {
            let labels: Vec<String> = [
                Msg::MenuNewRequest,
                Msg::MenuCartridges,
                Msg::MenuCall,
                Msg::MenuMyRequests,
                Msg::MenuQueue,
                Msg::MenuStock,
                Msg::MenuBroadcast,
                Msg::MenuStaff,
                Msg::MenuHelp,
            ]
            .into_iter()
            .map(|m| {
                let label = t(lang, m);
                assert_eq!(menu_button(&label), Some(m), "{lang}: {label}");
                label
            })
            .collect();
            let mut unique = labels.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), labels.len(), "{lang}: duplicate menu labels");
        }
        assert_eq!(menu_button("hello"), None);
    }

    #[test]
    fn every_language_names_every_value() {
        for lang in [Lang::Ru, Lang::Uk, Lang::En] {
            for k in Kind::ALL {
                assert!(!t(lang, Msg::Kind(*k)).is_empty());
            }
            for s in Status::ALL {
                assert!(!t(lang, Msg::Status(*s)).is_empty());
            }
        }
        assert_eq!(t(Lang::Ru, Msg::Status(Status::New)), "новая");
        assert_eq!(t(Lang::Uk, Msg::Status(Status::New)), "нова");
        assert_eq!(t(Lang::En, Msg::Status(Status::New)), "new");
    }
}
