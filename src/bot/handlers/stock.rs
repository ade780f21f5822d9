//! Stock, and issuing cartridges on an order: choose the warehouse; with too
//! little in stock, see what is short and issue what there is with a note.

use super::Convo;
use crate::bot::callback::Callback;
use crate::bot::ctx::{Ctx, HandlerResult, blocking, edit, explain, say};
use crate::bot::keyboards::{self, button, inline, raw_button};
use crate::bot::render::{self, esc};
use crate::bot::state::State;
use crate::bot::storage::DialogueStore;
use crate::domain::WarehouseId;
use crate::domain::text::alphabetical;
use crate::i18n::Msg;
use crate::services::cartridges::{self, IssueError};
use crate::services::catalog;
use std::sync::Arc;
use teloxide::prelude::*;
use teloxide::types::MessageId;

type At = Option<(ChatId, MessageId)>;

pub async fn show(bot: Bot, ctx: Ctx) -> HandlerResult {
    let actor = ctx.actor();
    match blocking(&ctx.app, move |app| catalog::stock_for(app, &actor)).await {
        Ok(rows) => {
            say(&bot, ctx.chat, render::stock(ctx.lang, &rows), Some(ctx.menu())).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
    }
}

pub async fn issue(bot: Bot, ctx: Ctx, id: i64) -> HandlerResult {
    let actor = ctx.actor();
    if let Err(e) = blocking(&ctx.app, move |app| cartridges::check(app, &actor, id)).await {
        return explain(&bot, &ctx, &e).await;
    }
    let mut warehouses = match blocking(&ctx.app, move |app| catalog::warehouses_for_order(app, id)).await {
        Ok(w) => w,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    // The buttons show names, so they go in the order of names.
    warehouses.sort_by(|(a, _), (b, _)| alphabetical(&a.name, &b.name));
    let mut rows: Vec<Vec<_>> = warehouses
        .iter()
        .map(|(w, covered)| vec![raw_button(format!("{} ({covered})", w.name), Callback::IssueFrom(id, w.id))])
        .collect();
    rows.push(vec![button(ctx.lang, Msg::Cancel, Callback::Open(id))]);
    let number = esc(&render::number(id));
    say(&bot, ctx.chat, ctx.t(Msg::ChooseWarehouse { number: &number }), Some(inline(rows).into())).await?;
    Ok(())
}

pub async fn issue_from(bot: Bot, ctx: Ctx, id: i64, warehouse: WarehouseId, at: At) -> HandlerResult {
    let actor = ctx.actor();
    let result = blocking_issue(&ctx, move |app| cartridges::issue(app, &actor, id, warehouse, false, None)).await;
    match result {
        Ok(issued) => {
            let number = esc(&render::number(id));
            let text = format!(
                "{}\n{}",
                ctx.t(Msg::IssuedOk { number: &number, complete: issued.complete }),
                render::issued_lines(&issued.lines)
            );
            edit(&bot, ctx.chat, at.map(|a| a.1), text, None).await?;
            super::queue::open(bot, ctx, id).await
        }
        Err(IssueError::Short(short)) => {
            let lines = short
                .iter()
                .map(|s| format!("• {}: {} / {}", esc(&s.article), s.available, s.needed))
                .collect::<Vec<_>>()
                .join("\n");
            let markup = inline(vec![vec![
                button(ctx.lang, Msg::IssuePartially, Callback::IssuePartial(id, warehouse)),
                button(ctx.lang, Msg::Cancel, Callback::Open(id)),
            ]]);
            edit(&bot, ctx.chat, at.map(|a| a.1), format!("{}\n{lines}", ctx.t(Msg::NotEnoughStock)), Some(markup))
                .await?;
            Ok(())
        }
        Err(IssueError::NothingLeft) => {
            say(&bot, ctx.chat, ctx.t(Msg::NothingLeftToIssue), None).await?;
            Ok(())
        }
        Err(IssueError::Other(e)) => explain(&bot, &ctx, &e).await,
    }
}

pub async fn ask_note(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    storage: Arc<DialogueStore>,
    id: i64,
    warehouse: WarehouseId,
) -> HandlerResult {
    let actor = ctx.actor();
    if let Err(e) = blocking(&ctx.app, move |app| cartridges::check(app, &actor, id)).await {
        return explain(&bot, &ctx, &e).await;
    }
    say(&bot, ctx.chat, ctx.t(Msg::AskIssueNote), Some(keyboards::skip_or_cancel(ctx.lang).into())).await?;
    let private = if convo.chat_id() == ctx.chat { convo } else { Convo::new(storage, ctx.chat) };
    private.update(State::IssueNote { request_id: id, warehouse_id: warehouse }).await?;
    Ok(())
}

pub async fn note(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    (request_id, warehouse_id): (i64, WarehouseId),
    msg: Message,
) -> HandlerResult {
    let note = msg.text().map(|t| t.chars().take(500).collect::<String>());
    issue_partial(bot, ctx, convo, request_id, warehouse_id, note).await
}

pub async fn issue_partial(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    id: i64,
    warehouse: WarehouseId,
    note: Option<String>,
) -> HandlerResult {
    convo.exit().await?;
    let actor = ctx.actor();
    let result =
        blocking_issue(&ctx, move |app| cartridges::issue(app, &actor, id, warehouse, true, note.as_deref())).await;
    match result {
        Ok(issued) => {
            let number = esc(&render::number(id));
            let text = format!(
                "{}\n{}",
                ctx.t(Msg::IssuedOk { number: &number, complete: issued.complete }),
                render::issued_lines(&issued.lines)
            );
            say(&bot, ctx.chat, text, Some(ctx.menu())).await?;
            super::queue::open(bot, ctx, id).await
        }
        Err(IssueError::Short(_)) => {
            say(&bot, ctx.chat, ctx.t(Msg::StockEmpty), Some(ctx.menu())).await?;
            Ok(())
        }
        Err(IssueError::NothingLeft) => {
            say(&bot, ctx.chat, ctx.t(Msg::NothingLeftToIssue), Some(ctx.menu())).await?;
            Ok(())
        }
        Err(IssueError::Other(e)) => explain(&bot, &ctx, &e).await,
    }
}

async fn blocking_issue<F>(ctx: &Ctx, f: F) -> Result<cartridges::Issued, IssueError>
where
    F: FnOnce(&crate::services::App) -> Result<cartridges::Issued, IssueError> + Send + 'static,
{
    let app = ctx.app.clone();
    match tokio::task::spawn_blocking(move || f(&app)).await {
        Ok(r) => r,
        Err(e) => Err(IssueError::Other(crate::services::Error::Internal(format!("the blocking task failed: {e}")))),
    }
}
