//! How things look in Telegram: request cards, list lines, summaries and
//! notices, as HTML. Everything a person typed is escaped here.

use super::state::{Order, Ticket};
use crate::domain::model::{Request, RequestItem, StockRow};
use crate::domain::{Lang, RequestNumber};
use crate::i18n::{Msg, t, when};
use crate::services::notify::IssuedLine;
use chrono_tz::Tz;
use teloxide::utils::html::escape;

pub fn esc(s: &str) -> String {
    escape(s)
}

pub fn number(id: i64) -> String {
    RequestNumber(id).to_string()
}

/// When an open request falls due (by its branch's working hours) and whether it is past that.
#[derive(Debug, Clone, Copy, Default)]
pub struct Due {
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    pub overdue: bool,
}

impl Due {
    pub fn of(card: &crate::services::requests::Card) -> Due {
        Due { at: card.deadline, overdue: card.overdue }
    }
}

/// The full card of a request.
pub fn card(lang: Lang, tz: Tz, r: &Request, items: &[RequestItem], attachments: usize, due: Due) -> String {
    let l = |m: Msg<'_>| t(lang, m);
    let mut out = format!(
        "<b>{}</b> · {} · {}\n",
        number(r.id),
        crate::i18n::capitalise(&l(Msg::Kind(r.kind))),
        l(Msg::Priority(r.priority))
    );
    let state = match r.waiting {
        Some(_) => l(Msg::State(crate::domain::State::of(r.status, r.waiting, r.archived_at.is_some()))),
        None => l(Msg::Status(r.status)),
    };
    let status = match &r.assignee_name {
        Some(a) if r.status == crate::domain::Status::Accepted => format!("{state} ({})", esc(a)),
        _ => state,
    };
    out.push_str(&format!("{}: {}\n", l(Msg::LabelStatus), status));
    out.push_str(&format!("{}: {}\n", l(Msg::LabelBranch), esc(&r.branch_name)));
    out.push_str(&format!("{}: {}\n", l(Msg::LabelAuthor), esc(&r.author_name)));
    out.push_str(&format!("{}: {}, {}\n", l(Msg::LabelContact), esc(&r.contact_name), esc(&r.contact_phone)));
    out.push_str(&format!("{}: {}\n", l(Msg::LabelCreated), when(r.created_at, tz)));
    if let Some(a) = r.accepted_at {
        out.push_str(&format!("{}: {}\n", l(Msg::LabelAccepted), when(a, tz)));
    }
    if let Some(c) = r.closed_at {
        out.push_str(&format!("{}: {}\n", l(Msg::LabelClosed), when(c, tz)));
    }
    if let Some(at) = due.at.filter(|_| r.status.is_open()) {
        let late = if due.overdue { format!(" ⏰ <b>{}</b>", l(Msg::OverdueMark)) } else { String::new() };
        out.push_str(&format!("{}: {}{late}\n", l(Msg::LabelDue), when(at, tz)));
    }
    if r.status != crate::domain::Status::Accepted
        && let Some(a) = &r.assignee_name
    {
        out.push_str(&format!("{}: {}\n", l(Msg::LabelAssignee), esc(a)));
    }
    if let Some(reason) = &r.rejection_reason {
        out.push_str(&format!("{}: {}\n", l(Msg::LabelReason), esc(reason)));
    }
    out.push_str(&format!("\n{}\n", esc(&r.description)));
    if !items.is_empty() {
        out.push_str(&format!("\n<b>{}</b>\n", l(Msg::LabelCartridges)));
        for i in items {
            out.push_str(&format!(
                "• {} ({}) × {} — {} {}",
                esc(&i.cartridge_name),
                esc(&i.vendor_article),
                i.quantity,
                l(Msg::LabelIssued),
                i.issued_quantity
            ));
            if let Some(p) = &i.printer {
                out.push_str(&format!(" — {} {}", l(Msg::ForPrinter), esc(&p.label())));
            }
            if let Some(c) = &i.comment {
                out.push_str(&format!(" — {}", esc(c)));
            }
            out.push('\n');
        }
    }
    if attachments > 0 {
        out.push_str(&format!("\n📎 {}: {attachments}\n", l(Msg::LabelAttachments)));
    }
    out
}

/// One line of a list (used as button text, so plain text).
pub fn line(lang: Lang, r: &Request) -> String {
    let mut d: String = r.description.chars().take(28).collect();
    if r.description.chars().count() > 28 {
        d.push('…');
    }
    format!("{} · {} · {}", number(r.id), t(lang, Msg::Status(r.status)), d)
}

pub fn ticket(lang: Lang, d: &Ticket) -> String {
    let l = |m: Msg<'_>| t(lang, m);
    let mut out = format!("{}\n\n", l(Msg::CheckTicket));
    if let Some(k) = d.kind {
        out.push_str(&format!("<b>{}</b>\n", crate::i18n::capitalise(&l(Msg::Kind(k)))));
    }
    out.push_str(&format!(
        "{}: {}, {}\n",
        l(Msg::LabelContact),
        esc(d.name.as_deref().unwrap_or("")),
        esc(d.phone.as_deref().unwrap_or(""))
    ));
    if let Some(p) = d.priority {
        out.push_str(&format!("{}\n", l(Msg::Priority(p))));
    }
    out.push_str(&format!("\n{}\n", esc(d.description.as_deref().unwrap_or(""))));
    if d.attachment.is_some() {
        out.push_str(&format!("\n📎 {}: 1\n", l(Msg::LabelAttachments)));
    }
    out
}

pub fn order(lang: Lang, o: &Order) -> String {
    let mut out = format!("{}\n", t(lang, Msg::OrderSoFar));
    for line in &o.lines {
        out.push_str(&format!("• {} × {}", esc(&line.name), line.quantity));
        if let Some(p) = &line.printer {
            out.push_str(&format!(" ({} {})", t(lang, Msg::ForPrinter), esc(&p.label)));
        }
        if let Some(c) = &line.comment {
            out.push_str(&format!(" — {}", esc(c)));
        }
        out.push('\n');
    }
    out
}

pub fn stock(lang: Lang, rows: &[StockRow]) -> String {
    if rows.is_empty() {
        return t(lang, Msg::StockEmpty);
    }
    let mut out = format!("{}\n", t(lang, Msg::StockTitle));
    let mut warehouse = "";
    for r in rows {
        if r.warehouse_name != warehouse {
            warehouse = &r.warehouse_name;
            out.push_str(&format!("\n<b>{}</b>\n", esc(warehouse)));
        }
        let low = if r.below_minimum() { " ⚠️" } else { "" };
        let empty =
            if r.empty > 0 { format!(" · {}", t(lang, Msg::EmptyCount { n: r.empty })) } else { String::new() };
        out.push_str(&format!(
            "• {} ({}): {}{low}{empty}\n",
            esc(&r.cartridge_name),
            esc(&r.vendor_article),
            r.quantity
        ));
    }
    out
}

pub fn issued_lines(lines: &[IssuedLine]) -> String {
    lines
        .iter()
        .map(|l| format!("• {} ({}): +{} → {}/{}", esc(&l.name), esc(&l.article), l.now, l.issued, l.ordered))
        .collect::<Vec<_>>()
        .join("\n")
}
