//! Keyboards: the persistent main menu of what a person may do, and inline buttons.

use super::callback::Callback;
use crate::domain::{Kind, Lang, Named, Permission, Priority};
use crate::i18n::{Msg, capitalise, t};
use teloxide::types::{
    ButtonRequest, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, KeyboardMarkup, KeyboardRemove,
    ReplyMarkup,
};

pub fn button(lang: Lang, msg: Msg<'_>, cb: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(t(lang, msg), cb.encode())
}

pub fn raw_button(text: impl Into<String>, cb: Callback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.into(), cb.encode())
}

/// The main menu: persistent, so it stays under the input field; the queue,
/// stock, broadcasts and staff for those `granted` them (staff, admins and
/// super admins).
pub fn main_menu(lang: Lang, granted: &[Permission]) -> ReplyMarkup {
    let b = |m: Msg<'_>| KeyboardButton::new(t(lang, m));
    let may = |p: Permission| granted.contains(&p);
    let mut rows =
        vec![vec![b(Msg::MenuNewRequest), b(Msg::MenuCartridges)], vec![b(Msg::MenuCall), b(Msg::MenuMyRequests)]];
    let work: Vec<_> = [(Permission::ViewQueue, Msg::MenuQueue), (Permission::ViewStock, Msg::MenuStock)]
        .into_iter()
        .filter(|(p, _)| may(*p))
        .map(|(_, m)| b(m))
        .collect();
    if !work.is_empty() {
        rows.push(work);
    }
    let mut last = Vec::new();
    if may(Permission::Broadcast) {
        last.push(b(Msg::MenuBroadcast));
    }
    if may(Permission::ManageStaff) {
        last.push(b(Msg::MenuStaff));
    }
    last.push(b(Msg::MenuHelp));
    rows.push(last);
    ReplyMarkup::Keyboard(KeyboardMarkup::new(rows).resize_keyboard().persistent())
}

/// Under a text question: only a way out.
pub fn cancel_only(lang: Lang) -> ReplyMarkup {
    ReplyMarkup::Keyboard(KeyboardMarkup::new(vec![vec![KeyboardButton::new(t(lang, Msg::Cancel))]]).resize_keyboard())
}

/// Under the name question: the name we know, and a way out.
pub fn name_suggestion(lang: Lang, name: &str) -> ReplyMarkup {
    ReplyMarkup::Keyboard(
        KeyboardMarkup::new(vec![vec![KeyboardButton::new(name)], vec![KeyboardButton::new(t(lang, Msg::Cancel))]])
            .resize_keyboard()
            .one_time_keyboard(),
    )
}

/// Under the phone question: share the contact, or type; and a way out.
pub fn share_contact(lang: Lang) -> ReplyMarkup {
    ReplyMarkup::Keyboard(
        KeyboardMarkup::new(vec![
            vec![KeyboardButton::new(t(lang, Msg::ShareContact)).request(ButtonRequest::Contact)],
            vec![KeyboardButton::new(t(lang, Msg::Cancel))],
        ])
        .resize_keyboard()
        .one_time_keyboard(),
    )
}

pub fn remove() -> ReplyMarkup {
    ReplyMarkup::KeyboardRemove(KeyboardRemove::new())
}

/// A row with a button that opens the Mini App at `screen` (`order`, `new`,
/// `requests`), when there is one (an https public URL).
pub fn open_app(lang: Lang, settings: &crate::config::Settings, screen: &str) -> Option<Vec<InlineKeyboardButton>> {
    let url = settings.web.mini_app_url()?;
    let url = format!("{url}?screen={screen}").parse().ok()?;
    Some(vec![InlineKeyboardButton::web_app(t(lang, Msg::OpenApp), teloxide::types::WebAppInfo { url })])
}

pub fn inline(rows: Vec<Vec<InlineKeyboardButton>>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows)
}

pub fn kinds(lang: Lang) -> InlineKeyboardMarkup {
    inline(vec![
        vec![
            raw_button(capitalise(&t(lang, Msg::Kind(Kind::Repair))), Callback::TicketKind(Kind::Repair)),
            raw_button(capitalise(&t(lang, Msg::Kind(Kind::Maintenance))), Callback::TicketKind(Kind::Maintenance)),
        ],
        vec![raw_button(capitalise(&t(lang, Msg::Kind(Kind::ItHelp))), Callback::TicketKind(Kind::ItHelp))],
        vec![button(lang, Msg::Cancel, Callback::Cancel)],
    ])
}

pub fn priorities(lang: Lang) -> InlineKeyboardMarkup {
    inline(vec![
        Priority::ALL.iter().map(|p| raw_button(t(lang, Msg::Priority(*p)), Callback::TicketPriority(*p))).collect(),
        vec![button(lang, Msg::Cancel, Callback::Cancel)],
    ])
}

pub fn skip_or_cancel(lang: Lang) -> InlineKeyboardMarkup {
    inline(vec![vec![button(lang, Msg::Skip, Callback::Skip), button(lang, Msg::Cancel, Callback::Cancel)]])
}

pub fn confirm_or_cancel(lang: Lang) -> InlineKeyboardMarkup {
    inline(vec![vec![button(lang, Msg::Confirm, Callback::TicketConfirm), button(lang, Msg::Cancel, Callback::Cancel)]])
}

/// Pagination under a list: ◀️ n/m ▶️ (only the arrows that lead somewhere).
pub fn pager(lang: Lang, page: u64, pages: u64, to: impl Fn(u64) -> Callback) -> Vec<InlineKeyboardButton> {
    let mut row = Vec::new();
    if page > 0 {
        row.push(button(lang, Msg::Prev, to(page - 1)));
    }
    if page + 1 < pages {
        row.push(button(lang, Msg::Next, to(page + 1)));
    }
    row
}
