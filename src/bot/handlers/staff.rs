//! `/staff` for super administrators: add an admin, support member or
//! storekeeper by Telegram ID; list staff; remove one with confirmation.
//! Nobody can remove themselves; configured super admins cannot be removed.

use super::Convo;
use crate::bot::callback::Callback;
use crate::bot::ctx::{Ctx, HandlerResult, blocking, edit, explain, say};
use crate::bot::keyboards::{self, button, inline, raw_button};
use crate::bot::render::esc;
use crate::bot::state::State;
use crate::domain::Role;
use crate::i18n::Msg;
use crate::services::{self, directory};
use teloxide::prelude::*;
use teloxide::types::MessageId;

pub async fn menu(bot: Bot, ctx: Ctx) -> HandlerResult {
    let actor = ctx.actor();
    if let Err(e) = blocking(&ctx.app, move |app| directory::staff_for(app, &actor)).await {
        return explain(&bot, &ctx, &e).await;
    }
    let markup = inline(vec![
        vec![
            button(ctx.lang, Msg::AddAdmin, Callback::StaffAdd(Role::Admin)),
            button(ctx.lang, Msg::AddSupport, Callback::StaffAdd(Role::Support)),
        ],
        vec![
            button(ctx.lang, Msg::AddStorekeeper, Callback::StaffAdd(Role::Storekeeper)),
            button(ctx.lang, Msg::ListStaff, Callback::StaffList),
        ],
    ]);
    say(&bot, ctx.chat, ctx.t(Msg::StaffMenu), Some(markup.into())).await?;
    Ok(())
}

pub async fn ask_id(bot: Bot, ctx: Ctx, convo: Convo, role: Role) -> HandlerResult {
    let actor = ctx.actor();
    if let Err(e) = blocking(&ctx.app, move |app| directory::staff_for(app, &actor)).await {
        return explain(&bot, &ctx, &e).await;
    }
    say(&bot, ctx.chat, ctx.t(Msg::AskStaffId { role }), Some(keyboards::cancel_only(ctx.lang))).await?;
    convo.update(State::StaffId { role }).await?;
    Ok(())
}

pub async fn id(bot: Bot, ctx: Ctx, convo: Convo, role: Role, msg: Message) -> HandlerResult {
    let Some(target) = msg.text().and_then(|t| t.trim().parse::<i64>().ok()).filter(|id| *id > 0) else {
        say(&bot, ctx.chat, ctx.t(Msg::BadTelegramId), None).await?;
        return Ok(());
    };
    let actor = ctx.actor();
    let result = blocking(&ctx.app, move |app| directory::make_staff(app, &actor, target, role)).await;
    convo.exit().await?;
    match result {
        Ok(change) => {
            let name = esc(&change.after.full_name);
            say(&bot, ctx.chat, ctx.t(Msg::StaffAdded { name: &name, role }), Some(ctx.menu())).await?;
            Ok(())
        }
        Err(e) => {
            explain(&bot, &ctx, &e).await?;
            say(&bot, ctx.chat, ctx.t(Msg::MenuHint), Some(ctx.menu())).await?;
            Ok(())
        }
    }
}

pub async fn list(bot: Bot, ctx: Ctx) -> HandlerResult {
    let actor = ctx.actor();
    let staff = match blocking(&ctx.app, move |app| directory::staff_for(app, &actor)).await {
        Ok(s) => s,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    let mut text = ctx.t(Msg::StaffList);
    let mut rows = Vec::new();
    for member in &staff {
        let p = &member.person;
        text.push_str(&format!(
            "\n• {} — {} (<code>{}</code>)",
            esc(&p.user.full_name),
            ctx.t(Msg::Role(p.role)),
            p.user.telegram_id
        ));
        if member.removable {
            let label = format!("{} {}", ctx.t(Msg::Remove), p.user.full_name);
            rows.push(vec![raw_button(label, Callback::StaffRemove(p.user.telegram_id))]);
        }
    }
    say(&bot, ctx.chat, text, Some(inline(rows).into())).await?;
    Ok(())
}

pub async fn remove_ask(bot: Bot, ctx: Ctx, target: i64) -> HandlerResult {
    let actor = ctx.actor();
    let user = match blocking(&ctx.app, move |app| directory::check_staff_change(app, &actor, target)).await {
        Ok(user) => user,
        Err(services::Error::NotFound { .. }) => return super::expired(bot, ctx).await,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    let markup = inline(vec![vec![
        button(ctx.lang, Msg::YesRemove, Callback::StaffRemoveYes(target)),
        button(ctx.lang, Msg::No, Callback::StaffList),
    ]]);
    say(&bot, ctx.chat, ctx.t(Msg::ConfirmRemove { name: &esc(&user.full_name) }), Some(markup.into())).await?;
    Ok(())
}

pub async fn remove(bot: Bot, ctx: Ctx, target: i64, at: Option<(ChatId, MessageId)>) -> HandlerResult {
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| directory::set_role(app, &actor, target, Role::User)).await {
        Ok(change) => {
            let name = esc(&change.after.full_name);
            edit(&bot, ctx.chat, at.map(|a| a.1), ctx.t(Msg::StaffRemoved { name: &name }), None).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}
