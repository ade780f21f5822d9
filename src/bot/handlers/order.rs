//! Ordering cartridges: the printer it is for (where the branch has printers
//! registered; a printer that takes one type goes straight to the quantity),
//! a type from the catalog (with what is in stock; the printer's first), the
//! quantity, an optional comment; add more lines or place the order. The
//! contact is the person's own; the phone is asked once if we have none.

use super::Convo;
use crate::bot::callback::Callback;
use crate::bot::ctx::{Ctx, HandlerResult, blocking, edit, explain, say};
use crate::bot::handlers::ticket::phone_of;
use crate::bot::keyboards::{self, button, inline, raw_button};
use crate::bot::render::{self, esc};
use crate::bot::state::{Order, OrderLine, OrderPrinter, State};
use crate::domain::{CartridgeTypeId, Kind, PrinterId, Priority};
use crate::i18n::Msg;
use crate::services::{self, catalog, requests};
use teloxide::prelude::*;
use teloxide::types::MessageId;

type At = Option<(ChatId, MessageId)>;

pub async fn begin(bot: Bot, ctx: Ctx, convo: Convo, mut order: Order, at: At) -> HandlerResult {
    if ctx.user.branch_id.is_none() {
        say(&bot, ctx.chat, ctx.t(Msg::NeedBranchFirst), None).await?;
        return super::start::ask_branch(bot, ctx, convo).await;
    }
    if order.lines.len() >= requests::MAX_ITEMS {
        say(&bot, ctx.chat, ctx.t(Msg::TooManyLines { max: requests::MAX_ITEMS }), None).await?;
        return Ok(());
    }
    order.printer = None;
    let choices = match choices(&ctx, None).await {
        Ok(c) => c,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    if choices.options.is_empty() {
        say(&bot, ctx.chat, ctx.t(Msg::NoCatalog), Some(ctx.menu())).await?;
        return Ok(());
    }
    crate::bot::ctx::drop_buttons(&bot, at).await;
    if choices.printers.is_empty() {
        return catalog(bot, ctx, convo, order, &choices).await;
    }
    let mut rows: Vec<Vec<_>> =
        choices.printers.iter().map(|p| vec![raw_button(p.label(), Callback::OrderFor(Some(p.id)))]).collect();
    rows.push(vec![button(ctx.lang, Msg::NoParticularPrinter, Callback::OrderFor(None))]);
    if order.lines.is_empty() {
        rows.extend(crate::bot::keyboards::open_app(ctx.lang, &ctx.app.settings, "order"));
    }
    rows.push(vec![button(ctx.lang, Msg::Cancel, Callback::Cancel)]);
    say(&bot, ctx.chat, ctx.t(Msg::ChoosePrinter), Some(inline(rows).into())).await?;
    convo.update(State::OrderPrinter { order }).await?;
    Ok(())
}

/// What the person may order, for `printer` if they picked one (checked now).
async fn choices(ctx: &Ctx, printer: Option<PrinterId>) -> services::Result<catalog::OrderChoices> {
    let actor = ctx.actor();
    blocking(&ctx.app, move |app| catalog::order_choices(app, &actor, printer)).await
}

/// The printer the next line is for (or none in particular): its type at
/// once when it takes one, else the catalog with its types first.
pub async fn printer_picked(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    mut order: Order,
    printer: Option<PrinterId>,
    at: At,
) -> HandlerResult {
    let choices = match choices(&ctx, printer).await {
        Ok(c) => c,
        // A printer retired or moved since the button was sent.
        Err(services::Error::NotFound { .. }) => return super::expired(bot, ctx).await,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    order.printer = choices.printer.as_ref().map(|p| OrderPrinter { id: p.id, label: p.label() });
    let shown = match &order.printer {
        Some(p) => esc(&p.label),
        None => esc(&ctx.t(Msg::NoParticularPrinter)),
    };
    edit(&bot, ctx.chat, at.map(|a| a.1), shown, None).await?;
    match choices.preselected() {
        Some(id) => picked(bot, ctx, convo, order, id, None).await,
        None => catalog(bot, ctx, convo, order, &choices).await,
    }
}

/// Asks for the type: the catalog with what is in stock, the picked printer's first.
async fn catalog(bot: Bot, ctx: Ctx, convo: Convo, order: Order, choices: &catalog::OrderChoices) -> HandlerResult {
    let mut rows: Vec<Vec<_>> = choices
        .options
        .iter()
        .map(|o| {
            let c = &o.cartridge;
            let mark = if o.fits { "✓ " } else { "" };
            let label = format!("{mark}{} ({}) — {}", c.name, c.vendor_article, ctx.t(Msg::InStock { n: o.stock }));
            vec![raw_button(label, Callback::OrderPick(c.id))]
        })
        .collect();
    if order.lines.is_empty() && choices.printers.is_empty() {
        rows.extend(crate::bot::keyboards::open_app(ctx.lang, &ctx.app.settings, "order"));
    }
    rows.push(vec![button(ctx.lang, Msg::Cancel, Callback::Cancel)]);
    let ask = match &order.printer {
        Some(p) => ctx.t(Msg::ChooseCartridgeFor { printer: &esc(&p.label) }),
        None => ctx.t(Msg::ChooseCartridge),
    };
    say(&bot, ctx.chat, ask, Some(inline(rows).into())).await?;
    convo.update(State::OrderPick { order }).await?;
    Ok(())
}

pub async fn picked(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    order: Order,
    cartridge_id: CartridgeTypeId,
    at: At,
) -> HandlerResult {
    let c = match blocking(&ctx.app, move |app| catalog::cartridge_type(app, cartridge_id)).await {
        Ok(c) => c,
        // A type taken out of the catalog since the button was sent.
        Err(services::Error::NotFound { .. }) => return super::expired(bot, ctx).await,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    let name = esc(&format!("{} ({})", c.name, c.vendor_article));
    edit(&bot, ctx.chat, at.map(|a| a.1), name.clone(), None).await?;
    let max = requests::MAX_QUANTITY;
    say(&bot, ctx.chat, ctx.t(Msg::AskQuantity { name: &name, max }), Some(keyboards::cancel_only(ctx.lang))).await?;
    convo.update(State::OrderQuantity { order, cartridge_id: c.id }).await?;
    Ok(())
}

pub async fn quantity(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    (order, cartridge_id): (Order, CartridgeTypeId),
    msg: Message,
) -> HandlerResult {
    let parsed = msg.text().and_then(|t| t.trim().parse::<i64>().ok()).and_then(|q| requests::valid_quantity(q).ok());
    let Some(quantity) = parsed else {
        say(&bot, ctx.chat, ctx.t(Msg::BadQuantity { max: requests::MAX_QUANTITY }), None).await?;
        return Ok(());
    };
    say(&bot, ctx.chat, ctx.t(Msg::AskOrderComment), Some(keyboards::skip_or_cancel(ctx.lang).into())).await?;
    convo.update(State::OrderComment { order, cartridge_id, quantity }).await?;
    Ok(())
}

pub async fn comment(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    (order, cartridge_id, quantity): (Order, CartridgeTypeId, i64),
    msg: Message,
) -> HandlerResult {
    let text = msg.text().map(str::trim).filter(|t| !t.is_empty()).map(|t| t.chars().take(500).collect::<String>());
    add_line(bot, ctx, convo, order, cartridge_id, quantity, text).await
}

pub async fn add_line(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    mut order: Order,
    cartridge_id: CartridgeTypeId,
    quantity: i64,
    comment: Option<String>,
) -> HandlerResult {
    let c = match blocking(&ctx.app, move |app| catalog::cartridge_type(app, cartridge_id)).await {
        Ok(c) => c,
        // A type taken out of the catalog since the button was sent.
        Err(services::Error::NotFound { .. }) => return super::expired(bot, ctx).await,
        Err(e) => return explain(&bot, &ctx, &e).await,
    };
    let printer = order.printer.take();
    let same = |l: &&mut OrderLine| l.cartridge_id == cartridge_id && l.printer == printer;
    match order.lines.iter_mut().find(same) {
        Some(line) => {
            line.quantity = (line.quantity + quantity).min(requests::MAX_QUANTITY);
            if comment.is_some() {
                line.comment = comment;
            }
        }
        None => order.lines.push(OrderLine {
            cartridge_id,
            name: format!("{} ({})", c.name, c.vendor_article),
            quantity,
            comment,
            printer,
        }),
    }
    let markup = inline(vec![
        vec![button(ctx.lang, Msg::AddAnother, Callback::OrderMore)],
        vec![button(ctx.lang, Msg::PlaceOrder, Callback::OrderPlace), button(ctx.lang, Msg::Cancel, Callback::Cancel)],
    ]);
    say(&bot, ctx.chat, render::order(ctx.lang, &order), Some(markup.into())).await?;
    convo.update(State::OrderReview { order }).await?;
    Ok(())
}

pub async fn place(bot: Bot, ctx: Ctx, convo: Convo, order: Order, at: At) -> HandlerResult {
    crate::bot::ctx::drop_buttons(&bot, at).await;
    match ctx.user.phone.clone() {
        Some(phone) => file(bot, ctx, convo, order, phone).await,
        None => {
            say(&bot, ctx.chat, ctx.t(Msg::AskPhone), Some(keyboards::share_contact(ctx.lang))).await?;
            convo.update(State::OrderPhone { order }).await?;
            Ok(())
        }
    }
}

pub async fn phone(bot: Bot, ctx: Ctx, convo: Convo, order: Order, msg: Message) -> HandlerResult {
    let Some(phone) = phone_of(&msg) else {
        say(&bot, ctx.chat, ctx.t(Msg::BadPhone), Some(keyboards::share_contact(ctx.lang))).await?;
        return Ok(());
    };
    file(bot, ctx, convo, order, phone.to_string()).await
}

async fn file(bot: Bot, ctx: Ctx, convo: Convo, order: Order, phone: String) -> HandlerResult {
    let ticket = requests::NewTicket {
        kind: Kind::Cartridge,
        branch_id: None,
        contact_name: ctx.user.full_name.clone(),
        contact_phone: phone,
        // The service words an order from its lines.
        description: String::new(),
        priority: Priority::Medium,
        items: order.items(),
        attachments: vec![],
        client_key: Some(ctx.client_key()),
    };
    let actor = ctx.actor();
    let result = blocking(&ctx.app, move |app| requests::create(app, &actor, &ticket)).await;
    convo.exit().await?;
    match result {
        Ok(r) => {
            let number = esc(&render::number(r.id));
            say(&bot, ctx.chat, ctx.t(Msg::TicketCreated { number: &number }), Some(ctx.menu())).await?;
            Ok(())
        }
        Err(e) => {
            explain(&bot, &ctx, &e).await?;
            say(&bot, ctx.chat, ctx.t(Msg::MenuHint), Some(ctx.menu())).await?;
            Ok(())
        }
    }
}
