//! Filing a repair, maintenance or IT-help request: kind → full name → phone
//! → description → photo or document (or skip) → priority → summary with
//! confirm or cancel. Each answer is checked and asked again if it will not do.

use super::Convo;
use crate::bot::ctx::{Ctx, HandlerResult, blocking, edit, explain, say};
use crate::bot::keyboards;
use crate::bot::render::{self, esc};
use crate::bot::state::{Attachment, State, Ticket};
use crate::domain::{Kind, Phone, Priority, TextField};
use crate::i18n::Msg;
use crate::i18n::capitalise;
use crate::services::{directory, requests};
use teloxide::prelude::*;
use teloxide::types::MessageId;

type At = Option<(ChatId, MessageId)>;

pub async fn begin(bot: Bot, ctx: Ctx, convo: Convo) -> HandlerResult {
    if ctx.user.branch_id.is_none() {
        say(&bot, ctx.chat, ctx.t(Msg::NeedBranchFirst), None).await?;
        return super::start::ask_branch(bot, ctx, convo).await;
    }
    let mut kinds = keyboards::kinds(ctx.lang);
    kinds.inline_keyboard.extend(keyboards::open_app(ctx.lang, &ctx.app.settings, "new"));
    say(&bot, ctx.chat, ctx.t(Msg::ChooseKind), Some(kinds.into())).await?;
    convo.update(State::TicketKind).await?;
    Ok(())
}

pub async fn kind_chosen(bot: Bot, ctx: Ctx, convo: Convo, state: State, kind: Kind, at: At) -> HandlerResult {
    if state != State::TicketKind || kind == Kind::Cartridge {
        return super::expired(bot, ctx).await;
    }
    edit(&bot, ctx.chat, at.map(|a| a.1), format!("<b>{}</b>", capitalise(&ctx.t(Msg::Kind(kind)))), None).await?;
    let draft = Ticket { kind: Some(kind), ..Default::default() };
    say(&bot, ctx.chat, ctx.t(Msg::AskName), Some(keyboards::name_suggestion(ctx.lang, &ctx.user.full_name))).await?;
    convo.update(State::TicketName { draft }).await?;
    Ok(())
}

pub async fn name(bot: Bot, ctx: Ctx, convo: Convo, mut draft: Ticket, msg: Message) -> HandlerResult {
    match msg.text().map(|t| directory::valid_name(TextField::FullName, t, 200)) {
        Some(Ok(name)) => {
            draft.name = Some(name);
            say(&bot, ctx.chat, ctx.t(Msg::AskPhone), Some(keyboards::share_contact(ctx.lang))).await?;
            convo.update(State::TicketPhone { draft }).await?;
        }
        _ => {
            say(&bot, ctx.chat, ctx.t(Msg::AskName), None).await?;
        }
    }
    Ok(())
}

/// A phone from a shared contact or typed; `None` if it will not do.
pub fn phone_of(msg: &Message) -> Option<Phone> {
    let raw = msg.contact().map(|c| c.phone_number.clone()).or_else(|| msg.text().map(String::from))?;
    Phone::parse(&raw).ok()
}

pub async fn phone(bot: Bot, ctx: Ctx, convo: Convo, mut draft: Ticket, msg: Message) -> HandlerResult {
    let Some(phone) = phone_of(&msg) else {
        say(&bot, ctx.chat, ctx.t(Msg::BadPhone), Some(keyboards::share_contact(ctx.lang))).await?;
        return Ok(());
    };
    draft.phone = Some(phone.to_string());
    say(&bot, ctx.chat, ctx.t(Msg::AskDescription), Some(keyboards::cancel_only(ctx.lang))).await?;
    convo.update(State::TicketDescription { draft }).await?;
    Ok(())
}

pub async fn description(bot: Bot, ctx: Ctx, convo: Convo, mut draft: Ticket, msg: Message) -> HandlerResult {
    match msg.text().map(requests::valid_description) {
        Some(Ok(d)) => {
            draft.description = Some(d);
            say(&bot, ctx.chat, ctx.t(Msg::AskAttachment), Some(keyboards::skip_or_cancel(ctx.lang).into())).await?;
            convo.update(State::TicketAttachment { draft }).await?;
        }
        _ => {
            let max = requests::MAX_DESCRIPTION_CHARS;
            say(&bot, ctx.chat, ctx.t(Msg::BadDescription { max }), None).await?;
        }
    }
    Ok(())
}

pub async fn attachment(bot: Bot, ctx: Ctx, convo: Convo, mut draft: Ticket, msg: Message) -> HandlerResult {
    let Some(a) = crate::services::telegram::attachment_of(&msg).map(Attachment::from_ticket) else {
        say(&bot, ctx.chat, ctx.t(Msg::NotAnAttachment), Some(keyboards::skip_or_cancel(ctx.lang).into())).await?;
        return Ok(());
    };
    draft.attachment = Some(a);
    ask_priority(bot, ctx, convo, draft).await
}

pub async fn skip_attachment(bot: Bot, ctx: Ctx, convo: Convo, draft: Ticket, at: At) -> HandlerResult {
    crate::bot::ctx::drop_buttons(&bot, at).await;
    ask_priority(bot, ctx, convo, draft).await
}

async fn ask_priority(bot: Bot, ctx: Ctx, convo: Convo, draft: Ticket) -> HandlerResult {
    say(&bot, ctx.chat, ctx.t(Msg::AskPriority), Some(keyboards::priorities(ctx.lang).into())).await?;
    convo.update(State::TicketPriority { draft }).await?;
    Ok(())
}

pub async fn priority_chosen(bot: Bot, ctx: Ctx, convo: Convo, state: State, p: Priority, at: At) -> HandlerResult {
    let State::TicketPriority { mut draft } = state else {
        return super::expired(bot, ctx).await;
    };
    draft.priority = Some(p);
    edit(&bot, ctx.chat, at.map(|a| a.1), ctx.t(Msg::Priority(p)), None).await?;
    say(&bot, ctx.chat, render::ticket(ctx.lang, &draft), Some(keyboards::confirm_or_cancel(ctx.lang).into())).await?;
    convo.update(State::TicketConfirm { draft }).await?;
    Ok(())
}

/// Files the request. The update id keys it, so a replayed update files nothing twice;
/// the person is told only once it is committed.
pub async fn confirm(bot: Bot, ctx: Ctx, convo: Convo, state: State, at: At) -> HandlerResult {
    let State::TicketConfirm { draft } = state else {
        return super::expired(bot, ctx).await;
    };
    crate::bot::ctx::drop_buttons(&bot, at).await;
    let ticket = requests::NewTicket {
        kind: draft.kind.unwrap_or(Kind::ItHelp),
        branch_id: None,
        contact_name: draft.name.clone().unwrap_or_default(),
        contact_phone: draft.phone.clone().unwrap_or_default(),
        description: draft.description.clone().unwrap_or_default(),
        priority: draft.priority.unwrap_or(Priority::Medium),
        items: vec![],
        attachments: draft.attachment.iter().map(Attachment::to_ticket).collect(),
        client_key: Some(ctx.client_key()),
    };
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| requests::create(app, &actor, &ticket)).await {
        Ok(r) => {
            convo.exit().await?;
            let number = esc(&render::number(r.id));
            say(&bot, ctx.chat, ctx.t(Msg::TicketCreated { number: &number }), Some(ctx.menu())).await?;
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
