//! The staff queue: new and accepted requests of the kinds a role handles,
//! highest priority then oldest first, paginated, filtered by kind; a card with
//! the attachments inline; accept, complete, reject with a reason.

use super::Convo;
use crate::bot::callback::Callback;
use crate::bot::ctx::{Ctx, HandlerResult, blocking, edit, explain, say, show};
use crate::bot::keyboards::{self, button, inline, pager, raw_button};
use crate::bot::render::{self, esc};
use crate::bot::state::State;
use crate::bot::storage::DialogueStore;
use crate::domain::model::{AttachmentKind, Request};
use crate::domain::{Action, Kind, Lang, Permission};
use crate::i18n::Msg;
use crate::i18n::capitalise;
use crate::services::broadcast::Content;
use crate::services::{self, requests};
use std::sync::Arc;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId};

type At = Option<(ChatId, MessageId)>;
const PER_PAGE: u64 = 6;

pub async fn list(bot: Bot, ctx: Ctx, kind: Option<Kind>, page: u64, at: At) -> HandlerResult {
    let actor = ctx.actor();
    let queue = match blocking(&ctx.app, move |app| requests::queue(app, &actor, kind, page, PER_PAGE)).await {
        Ok(q) => q,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    let (page, kinds, overdue) = (queue.page, queue.kinds, queue.overdue);
    let mut rows = Vec::new();
    if kinds.len() > 1 {
        let mut filter = vec![button(ctx.lang, Msg::AllKinds, Callback::Queue(None, 0))];
        filter
            .extend(kinds.iter().map(|k| raw_button(capitalise(&ctx.t(Msg::Kind(*k))), Callback::Queue(Some(*k), 0))));
        rows.push(filter);
    }
    let text = if page.total == 0 {
        ctx.t(Msg::QueueEmpty)
    } else {
        ctx.t(Msg::QueueTitle { total: page.total, page: page.page + 1, pages: page.pages() })
    };
    for (i, r) in page.items.iter().enumerate() {
        let late = if overdue.get(i).copied().unwrap_or(false) { "⏰ " } else { "" };
        let label = format!("{late}{} {}", priority_mark(r), render::line(ctx.lang, r));
        rows.push(vec![raw_button(label, Callback::Open(r.id))]);
    }
    let nav = pager(ctx.lang, page.page, page.pages(), |p| Callback::Queue(kind, p));
    if !nav.is_empty() {
        rows.push(nav);
    }
    edit(&bot, ctx.chat, at.map(|a| a.1), text, Some(inline(rows))).await?;
    Ok(())
}

fn priority_mark(r: &Request) -> &'static str {
    match r.priority {
        crate::domain::Priority::High => "🔴",
        crate::domain::Priority::Medium => "🟡",
        crate::domain::Priority::Low => "🟢",
    }
}

/// The buttons for the actions a person may take on a request now, as the
/// service offers them (see [`requests::Card::actions`]); a press is checked
/// again when it happens. Archiving is left to the CLI and the scheduled job.
pub fn actions(lang: Lang, r: &Request, offered: &[Action]) -> InlineKeyboardMarkup {
    let mut row = Vec::new();
    let mut row2 = Vec::new();
    for action in offered {
        match action {
            Action::Accept => row.push(button(lang, Msg::Accept, Callback::Accept(r.id))),
            Action::IssueCartridges => row.push(button(lang, Msg::Issue, Callback::Issue(r.id))),
            Action::Complete if r.kind == Kind::Cartridge => {
                row.push(button(lang, Msg::Delivered, Callback::Deliver(r.id)))
            }
            Action::Complete => row.push(button(lang, Msg::Complete, Callback::Complete(r.id))),
            // Beside Accept on a new request, under the work on an accepted one.
            Action::Reject if offered.contains(&Action::Accept) => {
                row.push(button(lang, Msg::Reject, Callback::Reject(r.id)))
            }
            Action::Reject => row2.push(button(lang, Msg::Reject, Callback::Reject(r.id))),
            Action::WaitForAuthor => row2.push(button(lang, Msg::AskAuthor, Callback::Wait(r.id, true))),
            Action::WaitForParts => row2.push(button(lang, Msg::WaitForParts, Callback::Wait(r.id, false))),
            Action::Resume => row.push(button(lang, Msg::Resume, Callback::Resume(r.id))),
            Action::Answer => row.push(button(lang, Msg::AnswerButton, Callback::Answer(r.id))),
            Action::Cancel => row2.push(button(lang, Msg::CancelRequest, Callback::CancelAsk(r.id))),
            Action::Archive => {}
        }
    }
    inline([row, row2].into_iter().filter(|r| !r.is_empty()).collect())
}

/// Sends the card of a request, then its photos and documents.
pub async fn open(bot: Bot, ctx: Ctx, id: i64) -> HandlerResult {
    let actor = ctx.actor();
    let card = match blocking(&ctx.app, move |app| requests::card(app, &actor, id)).await {
        Ok(c) => c,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    let due = render::Due::of(&card);
    let text = render::card(ctx.lang, ctx.tz(), &card.request, &card.items, card.attachments.len(), due);
    say(&bot, ctx.chat, text, Some(actions(ctx.lang, &card.request, &card.actions).into())).await?;
    let caption = Some(render::number(card.request.id));
    for a in &card.attachments {
        let file_id = a.file_id.clone();
        let content = match a.kind {
            AttachmentKind::Photo => Content::Photo { file_id, caption: caption.clone() },
            AttachmentKind::Document => Content::Document { file_id, caption: caption.clone() },
        };
        show(&bot, ctx.chat, content).await?;
    }
    Ok(())
}

/// Refreshes a card after a change, in place, with what may be done now.
async fn show_changed(
    bot: &Bot,
    ctx: &Ctx,
    chat: Option<(ChatId, MessageId)>,
    r: &Request,
    note: String,
) -> HandlerResult {
    let (id, actor) = (r.id, ctx.actor());
    let (items, offered, due) = match blocking(&ctx.app, move |app| requests::card(app, &actor, id)).await {
        Ok(card) => {
            let due = render::Due::of(&card);
            (card.items, card.actions, due)
        }
        Err(e) => {
            tracing::warn!(request = id, error = %e, "cannot read a changed request again; showing it without buttons");
            (Vec::new(), Vec::new(), render::Due::default())
        }
    };
    let text = format!("{}\n<i>{}</i>", render::card(ctx.lang, ctx.tz(), r, &items, 0, due), note);
    let markup = actions(ctx.lang, r, &offered);
    match chat {
        // The card changes in place, in the chat where it was pressed.
        Some((c, m)) => edit(bot, c, Some(m), text, Some(markup)).await?,
        None => say(bot, ctx.chat, text, Some(markup.into())).await?,
    }
    Ok(())
}

pub async fn accept(bot: Bot, ctx: Ctx, id: i64, at: At) -> HandlerResult {
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| requests::accept(app, &actor, id)).await {
        Ok(r) => {
            let number = esc(&render::number(r.id));
            show_changed(&bot, &ctx, at, &r, ctx.t(Msg::AcceptedOk { number: &number })).await
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}

pub async fn complete(bot: Bot, ctx: Ctx, id: i64, at: At) -> HandlerResult {
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| requests::complete(app, &actor, id)).await {
        Ok(r) => {
            let number = esc(&render::number(r.id));
            show_changed(&bot, &ctx, at, &r, ctx.t(Msg::CompletedOk { number: &number })).await
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}

/// Starts a waiting request's clock again, in place.
pub async fn resume(bot: Bot, ctx: Ctx, id: i64, at: At) -> HandlerResult {
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| requests::resume(app, &actor, id)).await {
        Ok(r) => {
            let number = esc(&render::number(r.id));
            show_changed(&bot, &ctx, at, &r, ctx.t(Msg::ResumedOk { number: &number })).await
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}

/// Asks, in the staff member's private chat, the question for the author or what is awaited.
pub async fn wait_ask(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    storage: Arc<DialogueStore>,
    id: i64,
    author: bool,
) -> HandlerResult {
    let actor = ctx.actor();
    if let Err(e) = blocking(&ctx.app, move |app| requests::check(app, &actor, id, Permission::CompleteRequest)).await {
        return explain(&bot, &ctx, &e).await;
    }
    let number = esc(&render::number(id));
    say(&bot, ctx.chat, ctx.t(Msg::AskWaitNote { number: &number, author }), Some(keyboards::cancel_only(ctx.lang)))
        .await?;
    let state = State::WaitNote { request_id: id, author };
    if convo.chat_id() == ctx.chat {
        convo.update(state).await?;
    } else {
        Convo::new(storage, ctx.chat).update(state).await?;
    }
    Ok(())
}

pub async fn wait_note(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    (request_id, author): (i64, bool),
    msg: Message,
) -> HandlerResult {
    let text = msg.text().map(String::from).unwrap_or_default();
    let actor = ctx.actor();
    let waiting = if author { crate::domain::Waiting::Author } else { crate::domain::Waiting::Parts };
    let done = blocking(&ctx.app, move |app| requests::wait(app, &actor, request_id, waiting, &text))
        .await
        .map(|r| ctx.t(Msg::WaitingOk { number: &esc(&render::number(r.id)) }));
    super::step_done(&bot, &ctx, convo, done, |e| {
        matches!(
            e,
            services::Error::Lifecycle(
                crate::domain::LifecycleError::NoteRequired | crate::domain::LifecycleError::ReasonTooLong { .. },
            )
        )
    })
    .await
}

/// Asks for the reason in the staff member's private chat (the press may come from a group).
pub async fn reject(bot: Bot, ctx: Ctx, convo: Convo, storage: Arc<DialogueStore>, id: i64) -> HandlerResult {
    let actor = ctx.actor();
    if let Err(e) = blocking(&ctx.app, move |app| requests::check(app, &actor, id, Permission::RejectRequest)).await {
        return explain(&bot, &ctx, &e).await;
    }
    let number = esc(&render::number(id));
    say(&bot, ctx.chat, ctx.t(Msg::AskRejectReason { number: &number }), Some(keyboards::cancel_only(ctx.lang)))
        .await?;
    if convo.chat_id() == ctx.chat {
        convo.update(State::RejectReason { request_id: id }).await?;
    } else {
        let private = Convo::new(storage, ctx.chat);
        private.update(State::RejectReason { request_id: id }).await?;
    }
    Ok(())
}

pub async fn reason(bot: Bot, ctx: Ctx, convo: Convo, request_id: i64, msg: Message) -> HandlerResult {
    let Some(text) = msg.text().map(String::from) else {
        say(&bot, ctx.chat, ctx.t(Msg::BadReason { max: crate::domain::lifecycle::MAX_REASON_CHARS }), None).await?;
        return Ok(());
    };
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| requests::reject(app, &actor, request_id, &text)).await {
        Ok(r) => {
            convo.exit().await?;
            let number = esc(&render::number(r.id));
            say(&bot, ctx.chat, ctx.t(Msg::RejectedOk { number: &number }), Some(ctx.menu())).await?;
            Ok(())
        }
        Err(services::Error::Lifecycle(
            crate::domain::LifecycleError::ReasonRequired | crate::domain::LifecycleError::ReasonTooLong { .. },
        )) => {
            say(&bot, ctx.chat, ctx.t(Msg::BadReason { max: crate::domain::lifecycle::MAX_REASON_CHARS }), None)
                .await?;
            Ok(())
        }
        Err(e) => {
            convo.exit().await?;
            explain(&bot, &ctx, &e).await?;
            say(&bot, ctx.chat, ctx.t(Msg::MenuHint), Some(ctx.menu())).await?;
            Ok(())
        }
    }
}
