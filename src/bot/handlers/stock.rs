//! Stock, and issuing cartridges on an order: choose the warehouse; say
//! whether the empties came back (where the help desk collects them); with
//! too little in stock, see what is short and issue what there is with a note.

use super::Convo;
use crate::bot::callback::Callback;
use crate::bot::ctx::{Ctx, HandlerResult, blocking, edit, explain, say};
use crate::bot::keyboards::{self, button, inline, raw_button};
use crate::bot::render::{self, esc};
use crate::bot::state::State;
use crate::bot::storage::DialogueStore;
use crate::domain::text::alphabetical;
use crate::domain::{CartridgeTypeId, WarehouseId};
use crate::i18n::Msg;
use crate::services::cartridges::{self, IssueError};
use crate::services::{catalog, forecast};
use std::sync::Arc;
use teloxide::prelude::*;
use teloxide::types::MessageId;

type At = Option<(ChatId, MessageId)>;

/// `/stock`: every warehouse's stock, then what the forecast says to order (as the weekly digest does).
pub async fn show(bot: Bot, ctx: Ctx) -> HandlerResult {
    let actor = ctx.actor();
    let found =
        blocking(&ctx.app, move |app| Ok((catalog::stock_for(app, &actor)?, forecast::to_order(app, &actor)?))).await;
    match found {
        Ok((rows, to_order)) => {
            say(&bot, ctx.chat, render::stock(ctx.lang, &rows), Some(ctx.menu())).await?;
            if !to_order.is_empty() {
                let lead = ctx.app.settings.stock.lead_days;
                say(&bot, ctx.chat, crate::services::notify::forecast_text(ctx.lang, lead, &to_order, true), None)
                    .await?;
            }
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

/// The warehouse is chosen: where empties are collected, asks whether they
/// came back; else issues.
pub async fn issue_from(bot: Bot, ctx: Ctx, id: i64, warehouse: WarehouseId, at: At) -> HandlerResult {
    if !ctx.app.settings.stock.return_empties {
        return issue_go(bot, ctx, id, warehouse, false, at).await;
    }
    // Refused now rather than after the question (the issue checks again).
    let actor = ctx.actor();
    if let Err(e) = blocking(&ctx.app, move |app| cartridges::check(app, &actor, id)).await {
        return explain(&bot, &ctx, &e).await;
    }
    let markup = inline(vec![
        vec![
            button(ctx.lang, Msg::EmptiesAllBack, Callback::IssueGo(id, warehouse, true)),
            button(ctx.lang, Msg::EmptiesNoneBack, Callback::IssueGo(id, warehouse, false)),
        ],
        vec![button(ctx.lang, Msg::Cancel, Callback::Open(id))],
    ]);
    edit(&bot, ctx.chat, at.map(|a| a.1), ctx.t(Msg::AskEmptiesBack), Some(markup)).await?;
    Ok(())
}

/// The empties as many as issued (`back`), or none.
fn empties(back: bool) -> Option<i64> {
    if back { None } else { Some(0) }
}

pub async fn issue_go(bot: Bot, ctx: Ctx, id: i64, warehouse: WarehouseId, back: bool, at: At) -> HandlerResult {
    let actor = ctx.actor();
    let result =
        blocking_issue(&ctx, move |app| cartridges::issue(app, &actor, id, warehouse, false, None, empties(back)))
            .await;
    match result {
        Ok(issued) => {
            let number = esc(&render::number(id));
            let text = issued_text(&ctx, &number, &issued);
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
                button(ctx.lang, Msg::IssuePartially, Callback::IssuePartial(id, warehouse, back)),
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

/// What was issued, and the empties back where they are collected.
fn issued_text(ctx: &Ctx, number: &str, issued: &cartridges::Issued) -> String {
    let mut text = format!(
        "{}\n{}",
        ctx.t(Msg::IssuedOk { number, complete: issued.complete }),
        render::issued_lines(&issued.lines)
    );
    if ctx.app.settings.stock.return_empties {
        text.push_str(&format!("\n{}", ctx.t(Msg::EmptiesBack { n: issued.empties })));
    }
    text
}

pub async fn ask_note(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    storage: Arc<DialogueStore>,
    (id, warehouse, back): (i64, WarehouseId, bool),
) -> HandlerResult {
    let actor = ctx.actor();
    if let Err(e) = blocking(&ctx.app, move |app| cartridges::check(app, &actor, id)).await {
        return explain(&bot, &ctx, &e).await;
    }
    say(&bot, ctx.chat, ctx.t(Msg::AskIssueNote), Some(keyboards::skip_or_cancel(ctx.lang).into())).await?;
    let private = if convo.chat_id() == ctx.chat { convo } else { Convo::new(storage, ctx.chat) };
    private.update(State::IssueNote { request_id: id, warehouse_id: warehouse, empties: back }).await?;
    Ok(())
}

pub async fn note(bot: Bot, ctx: Ctx, convo: Convo, place: (i64, WarehouseId, bool), msg: Message) -> HandlerResult {
    let note = msg.text().map(|t| t.chars().take(500).collect::<String>());
    issue_partial(bot, ctx, convo, place, note).await
}

pub async fn issue_partial(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    (id, warehouse, back): (i64, WarehouseId, bool),
    note: Option<String>,
) -> HandlerResult {
    convo.exit().await?;
    let actor = ctx.actor();
    let result = blocking_issue(&ctx, move |app| {
        cartridges::issue(app, &actor, id, warehouse, true, note.as_deref(), empties(back))
    })
    .await;
    match result {
        Ok(issued) => {
            let number = esc(&render::number(id));
            let text = issued_text(&ctx, &number, &issued);
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

/// `/empties`: empties brought in without a request. First the warehouse ...
pub async fn empties_begin(bot: Bot, ctx: Ctx) -> HandlerResult {
    let actor = ctx.actor();
    let found = blocking(&ctx.app, move |app| {
        crate::services::ledger::may_receive(app, &actor)?;
        crate::services::directory::warehouses(app)
    })
    .await;
    let mut warehouses = match found {
        Ok(w) => w,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    warehouses.sort_by(|a, b| alphabetical(&a.name, &b.name));
    let mut rows: Vec<Vec<_>> =
        warehouses.iter().map(|w| vec![raw_button(w.name.clone(), Callback::EmptiesAt(w.id))]).collect();
    rows.push(vec![button(ctx.lang, Msg::Cancel, Callback::Cancel)]);
    say(&bot, ctx.chat, ctx.t(Msg::EmptiesWhere), Some(inline(rows).into())).await?;
    Ok(())
}

/// ... then the type ...
pub async fn empties_at(bot: Bot, ctx: Ctx, warehouse: WarehouseId, at: At) -> HandlerResult {
    let types = match blocking(&ctx.app, crate::services::catalog::cartridge_types).await {
        Ok(t) => t,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    let mut rows: Vec<Vec<_>> = types
        .iter()
        .map(|c| vec![raw_button(format!("{} ({})", c.name, c.vendor_article), Callback::EmptiesOf(warehouse, c.id))])
        .collect();
    rows.push(vec![button(ctx.lang, Msg::Cancel, Callback::Cancel)]);
    edit(&bot, ctx.chat, at.map(|a| a.1), ctx.t(Msg::EmptiesWhich), Some(inline(rows))).await?;
    Ok(())
}

/// ... then how many (typed).
pub async fn empties_of(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    warehouse: WarehouseId,
    cartridge: CartridgeTypeId,
    at: At,
) -> HandlerResult {
    crate::bot::ctx::drop_buttons(&bot, at).await;
    let max = crate::services::ledger::MAX_EMPTIES;
    say(&bot, ctx.chat, ctx.t(Msg::EmptiesHowMany { max }), Some(keyboards::cancel_only(ctx.lang))).await?;
    convo.update(State::EmptiesCount { warehouse_id: warehouse, cartridge_id: cartridge }).await?;
    Ok(())
}

pub async fn empties_count(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    (warehouse, cartridge): (WarehouseId, CartridgeTypeId),
    msg: Message,
) -> HandlerResult {
    let max = crate::services::ledger::MAX_EMPTIES;
    let Some(n) = msg.text().and_then(|t| t.trim().parse::<i64>().ok()).filter(|n| (1..=max).contains(n)) else {
        say(&bot, ctx.chat, ctx.t(Msg::BadQuantity { max }), None).await?;
        return Ok(());
    };
    convo.exit().await?;
    let actor = ctx.actor();
    let done = blocking(&ctx.app, move |app| {
        use crate::domain::Key;
        crate::services::ledger::receive_empties(app, &actor, &Key::Id(warehouse), &Key::Id(cartridge), n, None)
    })
    .await;
    match done {
        Ok(after) => {
            say(&bot, ctx.chat, ctx.t(Msg::EmptiesReceived { n, now: after.empty }), Some(ctx.menu())).await?;
            Ok(())
        }
        Err(e) => explain(&bot, &ctx, &e).await,
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
