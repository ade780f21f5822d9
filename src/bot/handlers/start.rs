//! `/start`, choosing a branch, and `/help`.

use crate::bot::callback::Callback;
use crate::bot::ctx::{Ctx, HandlerResult, blocking, edit, explain, say};
use crate::bot::handlers::Convo;
use crate::bot::keyboards::{inline, raw_button};
use crate::bot::render::esc;
use crate::bot::state::State;
use crate::domain::text::alphabetical;
use crate::domain::{BranchId, Permission};
use crate::i18n::Msg;
use crate::services::directory;
use teloxide::prelude::*;
use teloxide::types::MessageId;

pub async fn start(bot: Bot, ctx: Ctx, convo: Convo) -> HandlerResult {
    convo.exit().await?;
    let name = esc(&ctx.user.full_name);
    say(&bot, ctx.chat, ctx.t(Msg::Welcome { name: &name }), Some(ctx.menu())).await?;
    if let Some(row) = crate::bot::keyboards::open_app(ctx.lang, &ctx.app.settings, "requests") {
        say(&bot, ctx.chat, ctx.t(Msg::AppOffer), Some(inline(vec![row]).into())).await?;
    }
    if ctx.user.branch_id.is_none() {
        ask_branch(bot, ctx, convo).await?;
    }
    Ok(())
}

/// Asks for the branch with a button per branch.
pub async fn ask_branch(bot: Bot, ctx: Ctx, convo: Convo) -> HandlerResult {
    let mut branches = match blocking(&ctx.app, directory::branches).await {
        Ok(b) => b,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    // The buttons show names, so they go in the order of names.
    branches.sort_by(|a, b| alphabetical(&a.name, &b.name));
    if branches.is_empty() {
        say(&bot, ctx.chat, ctx.t(Msg::NoBranchesYet), None).await?;
        return Ok(());
    }
    let rows = branches
        .chunks(2)
        .map(|pair| pair.iter().map(|b| raw_button(&b.name, Callback::Branch(b.id))).collect())
        .collect();
    say(&bot, ctx.chat, ctx.t(Msg::ChooseBranch), Some(inline(rows).into())).await?;
    convo.update(State::Branch).await?;
    Ok(())
}

pub async fn branch_chosen(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    branch_id: BranchId,
    message: Option<(ChatId, MessageId)>,
) -> HandlerResult {
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| directory::set_own_branch(app, &actor, branch_id)).await {
        Ok((user, branch)) => {
            let text = ctx.t(Msg::BranchSaved { branch: &esc(&branch.name) });
            edit(&bot, ctx.chat, message.map(|m| m.1), text, None).await?;
            convo.exit().await?;
            let ctx = Ctx { user, ..ctx };
            say(&bot, ctx.chat, ctx.t(Msg::MenuHint), Some(ctx.menu())).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}

pub async fn help(bot: Bot, ctx: Ctx) -> HandlerResult {
    let text = ctx.t(Msg::Help {
        staff: ctx.may(Permission::ViewQueue),
        admin: ctx.may(Permission::Broadcast),
        super_admin: ctx.may(Permission::ManageStaff),
    });
    say(&bot, ctx.chat, text, Some(ctx.menu())).await?;
    Ok(())
}

/// `/web`: a one-time link that signs the person in to the web panel.
pub async fn web_link(bot: Bot, ctx: Ctx) -> HandlerResult {
    let (actor, me) = (ctx.actor(), ctx.user.telegram_id);
    match blocking(&ctx.app, move |app| crate::services::web::login_link(app, &actor, me)).await {
        Ok(link) => {
            let minutes = crate::services::web::LINK_VALID.num_minutes();
            say(&bot, ctx.chat, ctx.t(Msg::WebLink { url: &esc(&link.url), minutes }), None).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}
