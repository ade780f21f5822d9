//! `/my`: a person's own requests, paginated; open one, cancel an active one
//! (with confirmation).

use crate::bot::callback::Callback;
use crate::bot::ctx::{Ctx, HandlerResult, blocking, edit, explain};
use crate::bot::keyboards::{button, inline, pager, raw_button};
use crate::bot::render::{self, esc};
use crate::i18n::Msg;
use crate::services::requests;
use teloxide::prelude::*;
use teloxide::types::MessageId;

type At = Option<(ChatId, MessageId)>;
const PER_PAGE: u64 = 6;

pub async fn list(bot: Bot, ctx: Ctx, page: u64, at: At) -> HandlerResult {
    let actor = ctx.actor();
    let page = match blocking(&ctx.app, move |app| requests::mine(app, &actor, page, PER_PAGE)).await {
        Ok(p) => p,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    if page.total == 0 {
        edit(&bot, ctx.chat, at.map(|a| a.1), ctx.t(Msg::NoRequestsYet), None).await?;
        return Ok(());
    }
    let title = ctx.t(Msg::MyRequestsTitle { total: page.total, page: page.page + 1, pages: page.pages() });
    let mut rows: Vec<Vec<_>> =
        page.items.iter().map(|r| vec![raw_button(render::line(ctx.lang, r), Callback::Open(r.id))]).collect();
    let nav = pager(ctx.lang, page.page, page.pages(), Callback::Mine);
    if !nav.is_empty() {
        rows.push(nav);
    }
    edit(&bot, ctx.chat, at.map(|a| a.1), title, Some(inline(rows))).await?;
    Ok(())
}

pub async fn cancel_ask(bot: Bot, ctx: Ctx, id: i64, at: At) -> HandlerResult {
    let actor = ctx.actor();
    let checked =
        blocking(&ctx.app, move |app| requests::check(app, &actor, id, crate::domain::Permission::CancelRequest)).await;
    if let Err(e) = checked {
        return explain(&bot, &ctx, &e).await;
    }
    let number = esc(&render::number(id));
    let markup = inline(vec![vec![
        button(ctx.lang, Msg::YesCancelIt, Callback::CancelYes(id)),
        button(ctx.lang, Msg::No, Callback::Open(id)),
    ]]);
    edit(&bot, ctx.chat, at.map(|a| a.1), ctx.t(Msg::ConfirmCancel { number: &number }), Some(markup)).await?;
    Ok(())
}

pub async fn cancel_yes(bot: Bot, ctx: Ctx, id: i64, at: At) -> HandlerResult {
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| requests::cancel(app, &actor, id)).await {
        Ok(r) => {
            let number = esc(&render::number(r.id));
            edit(&bot, ctx.chat, at.map(|a| a.1), ctx.t(Msg::RequestCancelled { number: &number }), None).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}
