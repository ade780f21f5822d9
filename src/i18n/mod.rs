//! Texts the bot (and email) shows people, in Russian, Ukrainian and English.
//!
//! Every text is a [`Msg`]; each language is one exhaustive `match` in its own
//! file, so a text missing in any language does not compile. Texts are HTML
//! for Telegram: arguments that come from people (names, descriptions,
//! reasons) must be escaped by the caller before they are put into a `Msg`.
//! The exception are the refusals (`Denied`, `Lifecycle`, `NotFound`,
//! `Ambiguous`, `Refusal`, and `State` in them): plain text with raw
//! arguments, made for the bot and the web panel alike through
//! `services::Error::describe`; the front end escapes the whole text.
//! Nothing else in the code holds user-facing strings for the bot.

mod en;
mod ru;
mod uk;

use crate::domain::{Candidate, Denied, Entity, Kind, Lang, LifecycleError, Priority, Refusal, Role, State, Status};

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
    AskAuthor,
    WaitForParts,
    Resume,
    AnswerButton,
    RatePrompt,
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
    /// A request's place in its lifecycle, archived included (plain text).
    State(State),
    Role(Role),
    // Field labels on a request card
    LabelStatus,
    LabelBranch,
    LabelAuthor,
    LabelContact,
    LabelCreated,
    LabelAccepted,
    LabelClosed,
    LabelDue,
    OverdueMark,
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
    /// The label of a button that opens the Mini App.
    OpenApp,
    /// Under /start: the same in the Mini App.
    AppOffer,
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
    // Refusals (plain text, see the module docs)
    Denied(Denied),
    Lifecycle(&'a LifecycleError),
    NotFound {
        what: Entity,
        key: &'a str,
    },
    Ambiguous {
        what: Entity,
        key: &'a str,
        candidates: &'a [Candidate],
    },
    Refusal(&'a Refusal),
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
    ChoosePrinter,
    NoParticularPrinter,
    ChooseCartridgeFor {
        printer: &'a str,
    },
    ForPrinter,
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
    AskWaitNote {
        number: &'a str,
        author: bool,
    },
    WaitingOk {
        number: &'a str,
    },
    ResumedOk {
        number: &'a str,
    },
    RatedOk {
        score: u8,
    },
    RatingCommentKept,
    AskAnswer {
        number: &'a str,
    },
    AnsweredOk {
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
    AskEmptiesBack,
    EmptiesWhere,
    EmptiesWhich,
    EmptiesHowMany {
        max: i64,
    },
    EmptiesReceived {
        n: i64,
        now: i64,
    },
    EmptyCount {
        n: i64,
    },
    EmptiesAllBack,
    EmptiesNoneBack,
    EmptiesBack {
        n: i64,
    },
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
    /// The weekly stock forecast's head: what to order, by the supplier's lead time.
    StockDigestHead {
        lead_days: u32,
    },
    /// One line of it: a warehouse, a type, days left (`None`: out already) and how many to order.
    StockDigestLine {
        warehouse: &'a str,
        cartridge: &'a str,
        article: &'a str,
        days_left: u32,
        order: i64,
    },
    EmailStockDigestSubject {
        lines: usize,
    },
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
    NoticeQuestion {
        number: &'a str,
        question: &'a str,
    },
    NoticeWaitingParts {
        number: &'a str,
        note: &'a str,
    },
    NoticeResumed {
        number: &'a str,
    },
    NoticeLowRating {
        number: &'a str,
        score: i64,
        comment: &'a str,
    },
    NoticeUnanswered {
        number: &'a str,
        after: &'a str,
    },
    NoticeUnansweredAssignee {
        number: &'a str,
        after: &'a str,
    },
    NoticeAnswered {
        number: &'a str,
        answer: &'a str,
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
    /// An SLA reminder by email about one request.
    EmailSlaOneSubject {
        number: &'a str,
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
    /// `/web`: the sign-in link (escaped by the caller) and how long it works.
    WebLink {
        url: &'a str,
        minutes: i64,
    },
}

/// The text of `msg` in `lang`.
pub fn t(lang: Lang, msg: Msg<'_>) -> String {
    match lang {
        Lang::Ru => ru::text(msg),
        Lang::Uk => uk::text(msg),
        Lang::En => en::text(msg),
    }
}

/// Words of the web panel: plain text (the templates escape it), one per
/// label, button and heading, in each language's file like [`Msg`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum W {
    Brand,
    Tagline,
    // Navigation
    NavDashboard,
    NavRequests,
    NavStock,
    NavReports,
    NavPeople,
    NavMine,
    NavNewRequest,
    NavOrder,
    NavProfile,
    // Signing in
    SignInTitle,
    SignInWithTelegram,
    SignInByLink,
    SignInByLinkHow,
    SignInAsTitle,
    SignInAs,
    SignInButton,
    SignInLinkNote,
    SignOut,
    SignOutEverywhere,
    SignedOut,
    SignedOutEverywhere,
    SessionsTitle,
    SessionThis,
    SessionSince,
    SessionLastSeen,
    SessionVia,
    /// The column of a session's device (the browser or Telegram it was opened in).
    SessionDevice,
    ViaLink,
    ViaWidget,
    ViaMiniApp,
    // The person
    ProfileTitle,
    LabelName,
    LabelRole,
    LabelBranch,
    LabelPhone,
    LabelTelegramId,
    LabelLanguage,
    ChangeLanguage,
    // Errors
    NotFoundTitle,
    NotFoundText,
    ForbiddenTitle,
    ErrorTitle,
    ErrorText,
    TooManyAttempts,
    BadForm,
    BackHome,
    LiveUpdates,
    FilterSearch,
    FilterStatus,
    FilterWaiting,
    FilterKind,
    FilterPriority,
    FilterBranch,
    FilterFrom,
    FilterUntil,
    FilterAuthor,
    FilterAssignee,
    FilterArchived,
    FilterOrder,
    FilterApply,
    FilterReset,
    Any,
    Me,
    ArchivedNo,
    ArchivedOnly,
    ArchivedAll,
    OrderNewest,
    OrderOldest,
    OrderQueue,
    ColNumber,
    ColCreated,
    ColKind,
    ColStatus,
    ColBranch,
    ColAuthor,
    ColDescription,
    ColAssignee,
    Overdue,
    Newer,
    Older,
    FirstPage,
    NoRequests,
    Filters,
    CardFields,
    LabelContact,
    LabelCreated,
    LabelAccepted,
    LabelClosed,
    LabelArchived,
    LabelAuthor,
    LabelAssignee,
    LabelReason,
    LabelDescription,
    LabelSla,
    SlaDue,
    CartridgesTitle,
    ColArticle,
    ColCartridge,
    ColOrdered,
    ColIssued,
    ColComment,
    AttachmentsTitle,
    Download,
    HistoryTitle,
    HistCreated,
    HistAccepted,
    HistCompleted,
    HistRejected,
    HistCancelled,
    HistArchived,
    HistIssued,
    HistReminder,
    ViaWeb,
    ViaTelegram,
    ViaCli,
    ViaSystem,
    ActionsTitle,
    ActAccept,
    ActComplete,
    ActDeliver,
    ActReject,
    ActResume,
    ActAnswer,
    ActAnswerLabel,
    QuestionForAuthor,
    ActWaitQuestion,
    ActWaitSummary,
    ActWaitAuthor,
    ActWaitWhat,
    ActWaitParts,
    DoneWaiting,
    DoneResumed,
    DoneAnswered,
    HistWaiting,
    HistResumed,
    HistAnswered,
    HistRated,
    RatingTitle,
    RatingYours,
    RatingComment,
    ActRate,
    DoneRated,
    RatingsTitle,
    RatingsByStaff,
    ColRatings,
    ColRatingAvg,
    RatingsNone,
    HistFiledRecurring,
    HistFiledLate,
    HistUnanswered,
    ActRejectReason,
    ActCancel,
    ActCancelConfirm,
    ActArchive,
    ActIssue,
    IssueFrom,
    IssueCovers,
    IssuePartial,
    IssueNote,
    NoActions,
    DoneAccepted,
    DoneCompleted,
    DoneRejected,
    DoneCancelled,
    DoneArchived,
    DoneIssued,
    ShortStock,
    NothingLeftToIssue,
    BackToList,
    DashOpenNew,
    DashOpenAccepted,
    DashOverdue,
    DashWaiting,
    DashOpenedToday,
    DashOpenedWeek,
    DashClosedToday,
    DashClosedWeek,
    DashMedianAccept,
    DashMedianClose,
    DashOpenByBranch,
    DashPerBranch,
    DashPerMonth,
    /// What opens a chart's figures as a table.
    ChartFigures,
    ChartMonth,
    ChartRequests,
    DashLowStock,
    DashNoLowStock,
    DashNothingOpen,
    ColTotal,
    ColOverdue,
    ColWarehouse,
    ColQuantity,
    ColMinimum,
    Hours,
    Minutes,
    Days,
    NoData,
    ChooseBranchFirst,
    SaveBranch,
    WhatIsNeeded,
    YourName,
    DescribeProblem,
    HowUrgent,
    PhotosInBot,
    FileRequest,
    OrderHow,
    OrderHowForPrinter,
    NavRefills,
    RefillNote,
    RefillBatches,
    RefillBatch,
    Contractor,
    Contractors,
    RefillOutstanding,
    RefillClosed,
    NoRefills,
    NoContractors,
    RefillSend,
    RefillSendHow,
    RefillSendButton,
    AddContractor,
    Contacts,
    RefillSent,
    RefillReceived,
    RefillRejected,
    RefillBackNow,
    RefillRejectNow,
    RefillRejectReason,
    RefillReceive,
    Handover,
    Total,
    HandedOver,
    ReceivedByContractor,
    Print,
    DoneRefillSent,
    DoneRefillReceived,
    DoneContractorAdded,
    IssueEmpties,
    IssueEmptiesAll,
    BadEmpties,
    ColFull,
    ColEmpty,
    EmptiesIn,
    EmptiesInHow,
    EmptiesInButton,
    DoneEmptiesIn,
    EmptiesNote,
    OrderForPrinter,
    OrderCartridgesFor,
    NoParticularPrinter,
    FitsPrinter,
    Fewer,
    More,
    ColPrinter,
    Printers,
    HowMany,
    OrderComment,
    PlaceOrder,
    Filed,
    NothingOrdered,
    PeopleTitle,
    // Printers
    PrinterInventory,
    PrinterModel,
    PrinterPlace,
    PrinterSerial,
    PrinterCartridges,
    PrinterRetired,
    PrinterRetire,
    PrinterRetireConfirm,
    PrinterRetireHow,
    ShowRetired,
    AddPrinter,
    EditPrinter,
    SaveChanges,
    NoPrinters,
    DonePrinterAdded,
    DonePrinterSaved,
    DonePrinterRetired,
    AddPerson,
    AddPersonHow,
    AddButton,
    ColName,
    ColRole,
    ColPhone,
    ColLastSeen,
    /// A column of buttons (read out by screen readers, not shown).
    ColActions,
    Blocked,
    Block,
    Unblock,
    BlockConfirm,
    ChangeRole,
    ConfiguredSuperAdmin,
    You,
    DoneAdded,
    DoneRole,
    DoneBlocked,
    DoneUnblocked,
    FilterName,
    StaffOnly,
    FilterCartridge,
    BelowMinimumOnly,
    ColRunsOut,
    ColToOrder,
    SortBy,
    SortByWarehouse,
    SortRunsOut,
    BeforeDelivery,
    NotUsed,
    PerMonth,
    RunsOutSoonTitle,
    RunsOutSoonHow,
    NothingRunsOut,
    ColDaysLeft,
    StockLevels,
    BelowMinimum,
    ColUpdated,
    ToIssue,
    ToIssueHow,
    NothingToIssue,
    AllToIssue,
    ImportTitle,
    ImportHow,
    ImportFiles,
    ImportWarehouse,
    ImportCheck,
    ImportRows,
    ImportMatched,
    ImportUnmatchedItems,
    ImportUnmatchedWarehouses,
    ImportChanges,
    ImportAlready,
    ImportOld,
    ImportNew,
    ImportApply,
    ImportNothing,
    Discard,
    ImportApplied,
    ImportPreviewTitle,
    UploadTooBig,
    UploadTooMany,
    UploadNoFiles,
    UploadExpired,
    ImportFailed,
    StockTitle,
    ReportsTitle,
    DownloadXlsx,
    DownloadCsv,
    PeriodWrong,
    RepFiled,
    RepClosed,
    RepBreaches,
    RepMeanAccept,
    RepMeanClose,
    RepByBranch,
    RepHow,
    RepWorking,
    NavCalendars,
    NavRecurring,
    RecHow,
    RecNone,
    RecEveryBranch,
    RecQueue,
    RecRule,
    RecRuleHint,
    RecAt,
    RecStarting,
    RecNext,
    RecLast,
    RecLate,
    RecPaused,
    RecPause,
    RecResume,
    RecAdd,
    RecOnBehalf,
    DoneRecAdded,
    DoneRecPaused,
    DoneRecResumed,
    CalHow,
    CalNone,
    CalDefaultBadge,
    CalMakeDefault,
    CalCode,
    CalZone,
    CalZoneHint,
    CalHoursHint,
    CalKeptBy,
    CalKeptByNone,
    CalDays,
    CalNoDays,
    CalKind,
    CalDate,
    CalDateHint,
    CalHours,
    CalDayName,
    DayHoliday,
    DayYearly,
    DayWorkday,
    CalAddDay,
    CalPaste,
    CalPasteHint,
    CalLoadList,
    DoneDaysLoaded,
    CalRemove,
    CalNew,
    CalBranches,
    CalUseDefault,
    DoneCalSaved,
    DoneDayAdded,
    DoneDayRemoved,
    DoneCalAssigned,
    WdMon,
    WdTue,
    WdWed,
    WdThu,
    WdFri,
    WdSat,
    WdSun,
    RepPerBranch,
    MiniAppTitle,
    MiniAppSigningIn,
    MiniAppOpenFromBot,
    MiniAppReopen,
    AttachLabel,
    AttachHow,
    AttachmentTooBig,
    AttachFailed,
    AttachmentCaption,
    CallTitle,
    NavCall,
    CallHow,
    CallButton,
    AtYourBranch,
    MiniAppContinueAs,
    OnecTitle,
    OnecHow,
    OnecOff,
    OnecNone,
    OnecColWhen,
    OnecColStep,
    OnecColResult,
    OnecOk,
    OnecFailed,
    HistOnecSent,
    HistOnecStatus,
    OnecStepImport,
    OnecStepCatalog,
    OnecStepPull,
    OnecStepQuery,
    OnecStepConfirm,
    OnecStepStatus,
    OnecStepBaseline,
    OnecStepSignIn,
    OnecStockChanged,
}

/// The web panel's text of `w` in `lang`.
pub fn w(lang: Lang, w: W) -> &'static str {
    match lang {
        Lang::Ru => ru::web(w),
        Lang::Uk => uk::web(w),
        Lang::En => en::web(w),
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

/// `a`, `a and b`, `a, b and c`, with `last` for "and".
fn listed(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

/// A time in a person's language: `21.11.2026 14:05`.
/// `s` with its first letter in upper case (a kind's name as a heading or a label).
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

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

    /// One of every refusal (every variant, with data carrying numbers).
    fn every_refusal() -> Vec<Refusal> {
        use crate::domain::{BadKey, Field, PhoneError, RequestNumber, TextField};
        let mut all = vec![
            Refusal::BadCode { what: Entity::Branch, code: "LV IV 7".into() },
            Refusal::BadCode { what: Entity::Warehouse, code: "?8".into() },
            Refusal::BadPhone(PhoneError::Empty),
            Refusal::BadPhone(PhoneError::BadCharacters("12a34".into())),
            Refusal::BadPhone(PhoneError::Invalid("12-34".into())),
            Refusal::BadKey(BadKey::Empty),
            Refusal::BadKey(BadKey::NotAnId("id:x9".into())),
            Refusal::BranchByOneCId { key: "1c:9f1c".into() },
            Refusal::CartridgeByName { key: "name:HP 83A".into() },
            Refusal::EmptyDescription,
            Refusal::DescriptionTooLong { len: 4107, max: 4000 },
            Refusal::BadQuantity { max: 50 },
            Refusal::EmptyOrder,
            Refusal::TooManyLines { max: 20 },
            Refusal::NoBranch,
            Refusal::AlreadyAccepted { number: RequestNumber(12), by: "Nina 7".into() },
            Refusal::BranchCodeTaken { code: "LUTSK2".into(), name: "Луцк 2".into() },
            Refusal::BranchNameTaken { name: "Луцк 3".into(), code: "LUTSK3".into() },
            Refusal::NotATelegramId { id: -5 },
            Refusal::UserExists { id: 100000001 },
            Refusal::NotAStaffRole,
            Refusal::SuperAdminNotAssignable,
            Refusal::OwnAccount,
            Refusal::ConfiguredSuperAdmin { id: 555000711 },
            Refusal::WebPanelOff,
            Refusal::SignInLinkInvalid,
            Refusal::TelegramSignInRejected { reason: "the sign-in data is not signed by this bot".into() },
            Refusal::PrinterExists { inventory_number: "INV-0042".into(), branch: "Львов".into() },
            Refusal::PrinterRetired { inventory_number: "INV-0042".into() },
            Refusal::PrinterInUse { inventory_number: "INV-0042".into(), open: 3 },
            Refusal::PrinterElsewhere { inventory_number: "INV-0042".into(), branch: "Львів".into() },
            Refusal::ContractorExists { name: "ТОВ «Тонер»".into() },
            Refusal::EmptyBatch,
            Refusal::NotInBatch { article: "CE285A".into(), batch: 7 },
            Refusal::RefillTooMany { batch: 7, article: "CE285A".into(), outstanding: 2, wanted: 3 },
            Refusal::RejectNeedsReason,
            Refusal::BatchClosed { batch: 7 },
            Refusal::NotEnoughEmpties {
                article: "CE285A".into(),
                warehouse: "Центральний".into(),
                available: 1,
                wanted: 2,
            },
        ];
        {
            use crate::domain::calendar::CalendarError as E;
            for (at, error) in [
                (Some("mon"), E::BadHours("9am-5pm".into())),
                (Some("tue"), E::Backwards("18:00-09:00".into())),
                (Some("wed"), E::Overlap("09:00-13:00".into(), "12:00-18:00".into())),
                (None, E::UnknownZone("Europe/Kiyv".into())),
                (None, E::BadDate("2026-02-30".into())),
                (Some("2026-01-07"), E::BadDayKind("feast".into())),
                (None, E::NoHours),
                (Some("2026-01-07"), E::HoursOnHoliday("holiday")),
                (Some("2026-01-07"), E::BadDayName),
            ] {
                all.push(Refusal::Calendar { calendar: "KYIV-2".into(), at: at.map(String::from), error });
            }
        }
        {
            use crate::domain::recurrence::RecurrenceError as E;
            for error in [
                E::Unreadable("sometimes".into()),
                E::BadTime("9h".into()),
                E::BadWeekday("funday".into()),
                E::BadMonthDay("32".into()),
                E::BadCount("0".into()),
                E::BadCron { line: "0 9 1 *".into() },
                E::StartTooFar(chrono::NaiveDate::from_ymd_opt(2040, 1, 1).unwrap()),
                E::NeverFires("cron 0 9 30 2 *".into()),
            ] {
                all.push(Refusal::Recurrence { error });
            }
            all.push(Refusal::AssigneeCannot { name: "Іван 2".into(), kind: Kind::Repair });
            use crate::domain::satisfaction::RatingError as R;
            for error in [R::OutOfRange(7), R::NotDone, R::TooLate, R::CommentTooLong { len: 1001, max: 1000 }] {
                all.push(Refusal::Rating { error });
            }
        }
        for what in TextField::ALL {
            all.push(Refusal::EmptyText { what });
            all.push(Refusal::TextTooLong { what, max: 200 });
            all.push(Refusal::ControlCharacters { what });
        }
        for field in [Field::Id, Field::Code, Field::Article, Field::Name, Field::OneC] {
            all.push(Refusal::BadKey(BadKey::EmptyValue { typed: format!("{}:", field.prefix()), field }));
        }
        for kind in Kind::ALL {
            all.push(Refusal::LinesOnlyOnOrders { kind: *kind });
        }
        for state in State::ALL {
            all.push(Refusal::NotIssuable { number: RequestNumber(12), state });
        }
        all
    }

    /// Which variant a refusal is. No catch-all: a new variant does not
    /// compile here until it has a number, and the test below fails until
    /// [`every_refusal`] has an example of it.
    fn variant(r: &Refusal) -> usize {
        match r {
            Refusal::BadCode { .. } => 0,
            Refusal::EmptyText { .. } => 1,
            Refusal::TextTooLong { .. } => 2,
            Refusal::ControlCharacters { .. } => 3,
            Refusal::BadPhone(_) => 4,
            Refusal::BadKey(_) => 5,
            Refusal::BranchByOneCId { .. } => 6,
            Refusal::CartridgeByName { .. } => 7,
            Refusal::EmptyDescription => 8,
            Refusal::DescriptionTooLong { .. } => 9,
            Refusal::BadQuantity { .. } => 10,
            Refusal::EmptyOrder => 11,
            Refusal::TooManyLines { .. } => 12,
            Refusal::LinesOnlyOnOrders { .. } => 13,
            Refusal::NoBranch => 14,
            Refusal::AlreadyAccepted { .. } => 15,
            Refusal::NotIssuable { .. } => 16,
            Refusal::BranchCodeTaken { .. } => 17,
            Refusal::BranchNameTaken { .. } => 18,
            Refusal::NotATelegramId { .. } => 19,
            Refusal::UserExists { .. } => 20,
            Refusal::NotAStaffRole => 21,
            Refusal::SuperAdminNotAssignable => 22,
            Refusal::OwnAccount => 23,
            Refusal::ConfiguredSuperAdmin { .. } => 24,
            Refusal::WebPanelOff => 25,
            Refusal::SignInLinkInvalid => 26,
            Refusal::TelegramSignInRejected { .. } => 27,
            Refusal::PrinterExists { .. } => 28,
            Refusal::PrinterRetired { .. } => 29,
            Refusal::PrinterInUse { .. } => 30,
            Refusal::PrinterElsewhere { .. } => 31,
            Refusal::ContractorExists { .. } => 32,
            Refusal::EmptyBatch => 33,
            Refusal::NotInBatch { .. } => 34,
            Refusal::RefillTooMany { .. } => 35,
            Refusal::RejectNeedsReason => 36,
            Refusal::BatchClosed { .. } => 37,
            Refusal::NotEnoughEmpties { .. } => 38,
            Refusal::Calendar { .. } => 39,
            Refusal::Recurrence { .. } => 40,
            Refusal::AssigneeCannot { .. } => 41,
            Refusal::Rating { .. } => 42,
        }
    }
    const REFUSALS: usize = 43;

    /// The runs of digits in a text: the numbers a refusal carries.
    fn numbers(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).map(String::from).collect()
    }

    fn cyrillic(text: &str) -> bool {
        text.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
    }

    #[test]
    fn every_refusal_is_said_in_every_language_with_its_numbers() {
        let refusals = every_refusal();
        let mut seen: Vec<usize> = refusals.iter().map(variant).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen, (0..REFUSALS).collect::<Vec<_>>(), "every refusal needs an example");

        let candidates = [
            Candidate {
                id: 9, code: "3".into(), name: "Тестовый филиал".into(), matched: crate::domain::Field::Code
            },
            Candidate { id: 3, code: "LVIV".into(), name: "Львов".into(), matched: crate::domain::Field::Id },
        ];
        let lifecycle = [
            LifecycleError::NotAllowed { from: State::Done, transition: crate::domain::Transition::Accept },
            LifecycleError::NotAllowed { from: State::Archived, transition: crate::domain::Transition::Cancel },
            LifecycleError::ReasonRequired,
            LifecycleError::NoteRequired,
            LifecycleError::AnswerRequired,
            LifecycleError::ReasonTooLong { len: 1001, max: 1000 },
        ];
        // With the English line the command line prints, whose numbers every language must keep.
        let mut cases: Vec<(Msg<'_>, String)> = refusals.iter().map(|r| (Msg::Refusal(r), r.to_string())).collect();
        for what in Entity::ALL {
            // A server-room call and a broadcast are not named by a key the person typed.
            let names_the_key = !matches!(what, Entity::ServerCall | Entity::Broadcast);
            let key = if names_the_key { "HD-000042".to_string() } else { String::new() };
            cases.push((Msg::NotFound { what, key: "HD-000042" }, key));
            cases.push((Msg::Ambiguous { what, key: "3", candidates: &candidates }, "3 9 3".into()));
        }
        for e in &lifecycle {
            cases.push((Msg::Lifecycle(e), String::new()));
        }
        for d in [
            Denied::Blocked,
            Denied::NotStaff,
            Denied::WrongKind(Kind::Repair),
            Denied::NotAuthor,
            Denied::NotAssignee,
            Denied::AdminOnly,
            Denied::SuperAdminOnly,
            Denied::NoRequest,
        ] {
            cases.push((Msg::Denied(d), String::new()));
        }
        for (msg, english) in cases {
            let en = t(Lang::En, msg);
            assert!(!en.trim().is_empty(), "{msg:?}");
            for lang in [Lang::Ru, Lang::Uk] {
                let text = t(lang, msg);
                assert!(!text.trim().is_empty(), "{lang}: {msg:?}");
                assert_ne!(text, en, "{lang} falls back to English: {msg:?}");
                assert!(cyrillic(&text), "{lang} is not Russian or Ukrainian: {text}");
            }
            for lang in [Lang::Ru, Lang::Uk, Lang::En] {
                let text = t(lang, msg);
                for n in numbers(&english) {
                    assert!(text.contains(&n), "{lang} lost {n} of '{english}': {text}");
                }
                assert!(!text.contains('<') && !text.contains('&'), "refusals are plain text: {text}");
            }
        }
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
