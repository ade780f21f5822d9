//! What the audit log records, as types: the action a record says happened
//! and the way the actor came (Telegram, the web panel, the command line,
//! a scheduled job). Services write records through these types and front
//! ends read them back through the same ones, so an action's name is spelled
//! in one place.
//!
//! Not here: writing the log (the services do, inside the transaction of
//! the change) or how an action is told to a person (`i18n`).

use super::lifecycle::Transition;
use super::named_enum;

named_enum! {
    /// What happened, as an audit record names it (`request.accept`).
    pub enum AuditAction("audit action") {
        BranchAdd = "branch.add",
        BroadcastStart = "broadcast.start",
        BroadcastFinish = "broadcast.finish",
        CallCreate = "call.create",
        CallAnswer = "call.answer",
        CalendarDefine = "calendar.define",
        CalendarDays = "calendar.days",
        CalendarAssign = "calendar.assign",
        PrinterAdd = "printer.add",
        PrinterUpdate = "printer.update",
        PrinterRetire = "printer.retire",
        RequestCreate = "request.create",
        RequestAccept = "request.accept",
        RequestWaitAuthor = "request.wait_author",
        RequestWaitParts = "request.wait_parts",
        RequestResume = "request.resume",
        RequestAnswer = "request.answer",
        RequestRate = "request.rate",
        RequestComplete = "request.complete",
        RequestReject = "request.reject",
        RequestCancel = "request.cancel",
        RequestArchive = "request.archive",
        RequestIssue = "request.issue",
        RequestSlaReminder = "request.sla_reminder",
        RequestOnecSent = "request.onec_sent",
        RequestOnecStatus = "request.onec_status",
        SeedDemo = "seed.demo",
        SeedFixtures = "seed.fixtures",
        StockImport1c = "stock.import_1c",
        StockEmptiesIn = "stock.empties_in",
        StockForecastDigest = "stock.forecast_digest",
        ContractorAdd = "contractor.add",
        RefillSend = "refill.send",
        RefillReceive = "refill.receive",
        RecurringAdd = "recurring.add",
        RecurringPause = "recurring.pause",
        RecurringResume = "recurring.resume",
        UserAdd = "user.add",
        UserRegister = "user.register",
        UserSetBranch = "user.set_branch",
        UserSetRole = "user.set_role",
        UserBlock = "user.block",
        UserUnblock = "user.unblock",
        WebLoginLink = "web.login_link",
        WebSignIn = "web.sign_in",
        WebSignOut = "web.sign_out",
        WebSignOutEverywhere = "web.sign_out_everywhere",
    }
}

impl AuditAction {
    /// The record of a request's move.
    pub fn of(transition: Transition) -> AuditAction {
        match transition {
            Transition::Accept => AuditAction::RequestAccept,
            Transition::WaitAuthor => AuditAction::RequestWaitAuthor,
            Transition::WaitParts => AuditAction::RequestWaitParts,
            Transition::Resume => AuditAction::RequestResume,
            Transition::Answer => AuditAction::RequestAnswer,
            Transition::Complete => AuditAction::RequestComplete,
            Transition::Reject => AuditAction::RequestReject,
            Transition::Cancel => AuditAction::RequestCancel,
            Transition::Archive => AuditAction::RequestArchive,
        }
    }

    /// The action a stored record names; `None` for one this build does not
    /// know (written by a newer one).
    pub fn parse(stored: &str) -> Option<AuditAction> {
        <AuditAction as super::Named>::ALL.iter().copied().find(|a| super::Named::as_str(*a) == stored)
    }
}

named_enum! {
    /// How the actor of a record came: the prefix of its actor label
    /// (`tg:123456`, `web:123456`, `cli:root`, `system:sla`).
    pub enum Via("way in") {
        Telegram = "tg",
        Web = "web",
        Cli = "cli",
        System = "system",
    }
}

impl Via {
    /// The way in of a stored actor label; a label this build does not
    /// know counts as the system's.
    pub fn of_label(label: &str) -> Via {
        let prefix = label.split_once(':').map_or(label, |(p, _)| p);
        <Via as super::Named>::ALL.iter().copied().find(|v| super::Named::as_str(*v) == prefix).unwrap_or(Via::System)
    }

    /// The label of an actor who came this way, named `who`.
    pub fn label(self, who: &str) -> String {
        format!("{}:{who}", super::Named::as_str(self))
    }
}

/// The name in an actor label after its way in (`root` of `cli:root`).
pub fn who_of_label(label: &str) -> &str {
    label.split_once(':').map_or(label, |(_, who)| who)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Named;

    #[test]
    fn every_action_reads_back_as_written_and_moves_name_their_verb() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(*a));
        }
        assert_eq!(AuditAction::parse("request.teleport"), None);
        for t in Transition::ALL {
            assert_eq!(AuditAction::of(t).as_str(), format!("request.{}", t.as_str()));
        }
    }

    #[test]
    fn labels_say_the_way_in_and_who() {
        assert_eq!(Via::Web.label("42"), "web:42");
        assert_eq!(Via::of_label("tg:5"), Via::Telegram);
        assert_eq!(Via::of_label("cli:root"), Via::Cli);
        assert_eq!(Via::of_label("system:sla"), Via::System);
        assert_eq!(Via::of_label("martian:x"), Via::System);
        assert_eq!(who_of_label("cli:root"), "root");
        assert_eq!(who_of_label("odd"), "odd");
    }
}
