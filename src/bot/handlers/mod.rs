//! Handlers: each a short async fn that reads an update, calls a service,
//! replies and sets the next dialogue step. This module routes commands, menu
//! buttons and inline buttons to them.

pub mod broadcast;
pub mod call;
pub mod mine;
pub mod order;
pub mod queue;
pub mod staff;
pub mod start;
pub mod stock;
pub mod ticket;

use super::callback::Callback;
use super::ctx::{Ctx, HandlerResult, say};
use super::state::State;
use super::storage::DialogueStore;
use crate::i18n::Msg;
use teloxide::dispatching::dialogue::Dialogue;
use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

pub type Convo = Dialogue<State, DialogueStore>;

/// The end of a dialogue step that hands what was typed to a service: done,
/// the dialogue ends with `done`'s words and the menu; a mistake the person
/// can put right (`again`) is said and the step waits for another try;
/// anything else is said and the dialogue ends.
pub async fn step_done(
    bot: &Bot,
    ctx: &Ctx,
    convo: Convo,
    result: crate::services::Result<String>,
    again: impl Fn(&crate::services::Error) -> bool,
) -> HandlerResult {
    match result {
        Ok(done) => {
            convo.exit().await?;
            say(bot, ctx.chat, done, Some(ctx.menu())).await?;
            Ok(())
        }
        Err(e) if again(&e) => super::ctx::explain(bot, ctx, &e).await,
        Err(e) => {
            convo.exit().await?;
            super::ctx::explain(bot, ctx, &e).await?;
            say(bot, ctx.chat, ctx.t(Msg::MenuHint), Some(ctx.menu())).await?;
            Ok(())
        }
    }
}

/// The bot's commands.
#[derive(BotCommands, Clone, Copy, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Start,
    Help,
    New,
    Cartridge,
    Call,
    My,
    Cancel,
    Queue,
    Stock,
    Empties,
    Broadcast,
    Staff,
    Web,
}

pub async fn command(bot: Bot, ctx: Ctx, convo: Convo, cmd: Command) -> HandlerResult {
    match cmd {
        Command::Start => start::start(bot, ctx, convo).await,
        Command::Help => start::help(bot, ctx).await,
        Command::Cancel => cancel(bot, ctx, convo).await,
        // A link to the web panel leaves whatever form is being filled in as it is.
        Command::Web => start::web_link(bot, ctx).await,
        other => {
            // Any command leaves whatever form was being filled in.
            convo.exit().await?;
            match other {
                Command::New => ticket::begin(bot, ctx, convo).await,
                Command::Cartridge => order::begin(bot, ctx, convo, Default::default(), None).await,
                Command::Call => call::call(bot, ctx).await,
                Command::My => mine::list(bot, ctx, 0, None).await,
                Command::Queue => queue::list(bot, ctx, None, 0, None).await,
                Command::Stock => stock::show(bot, ctx).await,
                Command::Empties => stock::empties_begin(bot, ctx).await,
                Command::Broadcast => broadcast::begin(bot, ctx, convo).await,
                Command::Staff => staff::menu(bot, ctx).await,
                Command::Start | Command::Help | Command::Cancel | Command::Web => unreachable!(),
            }
        }
    }
}

/// A press on a main-menu button, in any language.
pub async fn menu(bot: Bot, ctx: Ctx, convo: Convo, button: Msg<'static>) -> HandlerResult {
    let cmd = match button {
        Msg::MenuNewRequest => Command::New,
        Msg::MenuCartridges => Command::Cartridge,
        Msg::MenuCall => Command::Call,
        Msg::MenuMyRequests => Command::My,
        Msg::MenuQueue => Command::Queue,
        Msg::MenuStock => Command::Stock,
        Msg::MenuBroadcast => Command::Broadcast,
        Msg::MenuStaff => Command::Staff,
        _ => Command::Help,
    };
    command(bot, ctx, convo, cmd).await
}

/// `/cancel`, or the Cancel button: leave any dialogue at any step.
pub async fn cancel(bot: Bot, ctx: Ctx, convo: Convo) -> HandlerResult {
    let was = convo.get().await?.unwrap_or_default();
    convo.exit().await?;
    let text = if was == State::Idle { ctx.t(Msg::NothingToCancel) } else { ctx.t(Msg::Cancelled) };
    say(&bot, ctx.chat, text, Some(ctx.menu())).await?;
    Ok(())
}

/// A message no step expected: the menu (restored, in case it went missing) and a hint.
pub async fn other(bot: Bot, ctx: Ctx, convo: Convo) -> HandlerResult {
    let state = convo.get().await?.unwrap_or_default();
    let text = if state == State::Idle { ctx.t(Msg::MenuHint) } else { ctx.t(Msg::UseTheButtons) };
    let markup = if state == State::Idle { Some(ctx.menu()) } else { None };
    say(&bot, ctx.chat, text, markup).await?;
    Ok(())
}

/// An inline button. Its data is only a name for an action; every service
/// call below checks, from the database, that the presser may do it.
pub async fn callback(
    bot: Bot,
    ctx: Ctx,
    convo: Convo,
    storage: std::sync::Arc<DialogueStore>,
    q: CallbackQuery,
) -> HandlerResult {
    let Some(cb) = q.data.as_deref().and_then(Callback::decode) else {
        crate::services::telegram::call(&bot, &bot.answer_callback_query(q.id.clone()).text(ctx.t(Msg::ButtonExpired)))
            .await?;
        return Ok(());
    };
    let message = q.message.as_ref().map(|m| (m.chat().id, m.id()));
    let state = convo.get().await?.unwrap_or_default();
    // Answer first so the client's spinner stops; handlers may add a toast later.
    let _ = crate::services::telegram::call(&bot, &bot.answer_callback_query(q.id.clone())).await;
    use Callback as C;
    match cb {
        C::Branch(id) => start::branch_chosen(bot, ctx, convo, id, message).await,
        C::Cancel => {
            super::ctx::drop_buttons(&bot, message).await;
            cancel(bot, ctx, convo).await
        }
        C::TicketKind(kind) => ticket::kind_chosen(bot, ctx, convo, state, kind, message).await,
        C::TicketPriority(p) => ticket::priority_chosen(bot, ctx, convo, state, p, message).await,
        C::TicketConfirm => ticket::confirm(bot, ctx, convo, state, message).await,
        C::Skip => match state {
            State::TicketAttachment { draft } => ticket::skip_attachment(bot, ctx, convo, draft, message).await,
            State::OrderComment { order, cartridge_id, quantity } => {
                order::add_line(bot, ctx, convo, order, cartridge_id, quantity, None).await
            }
            State::IssueNote { request_id, warehouse_id, empties } => {
                stock::issue_partial(bot, ctx, convo, (request_id, warehouse_id, empties), None).await
            }
            State::RateComment { .. } => {
                super::ctx::drop_buttons(&bot, message).await;
                convo.exit().await?;
                say(&bot, ctx.chat, ctx.t(Msg::MenuHint), Some(ctx.menu())).await?;
                Ok(())
            }
            _ => expired(bot, ctx).await,
        },
        C::OrderFor(printer) => match state {
            State::OrderPrinter { order } => order::printer_picked(bot, ctx, convo, order, printer, message).await,
            _ => expired(bot, ctx).await,
        },
        C::OrderPick(id) => match state {
            State::OrderPick { order } => order::picked(bot, ctx, convo, order, id, message).await,
            _ => expired(bot, ctx).await,
        },
        C::OrderMore => match state {
            State::OrderReview { order } => order::begin(bot, ctx, convo, order, message).await,
            _ => expired(bot, ctx).await,
        },
        C::OrderPlace => match state {
            State::OrderReview { order } => order::place(bot, ctx, convo, order, message).await,
            _ => expired(bot, ctx).await,
        },
        C::Mine(page) => mine::list(bot, ctx, page, message).await,
        C::Queue(kind, page) => queue::list(bot, ctx, kind, page, message).await,
        C::Open(id) => queue::open(bot, ctx, id).await,
        C::CancelAsk(id) => mine::cancel_ask(bot, ctx, id, message).await,
        C::CancelYes(id) => mine::cancel_yes(bot, ctx, id, message).await,
        C::Accept(id) => queue::accept(bot, ctx, id, message).await,
        C::Complete(id) | C::Deliver(id) => queue::complete(bot, ctx, id, message).await,
        C::Reject(id) => queue::reject(bot, ctx, convo, storage, id).await,
        C::Wait(id, author) => queue::wait_ask(bot, ctx, convo, storage, id, author).await,
        C::Resume(id) => queue::resume(bot, ctx, id, message).await,
        C::Answer(id) => mine::answer_ask(bot, ctx, convo, id).await,
        C::Rate(id, score) => mine::rate(bot, ctx, convo, id, score, message).await,
        C::Issue(id) => stock::issue(bot, ctx, id).await,
        C::IssueFrom(id, warehouse) => stock::issue_from(bot, ctx, id, warehouse, message).await,
        C::EmptiesAt(warehouse) => stock::empties_at(bot, ctx, warehouse, message).await,
        C::EmptiesOf(warehouse, cartridge) => stock::empties_of(bot, ctx, convo, warehouse, cartridge, message).await,
        C::IssueGo(id, warehouse, back) => stock::issue_go(bot, ctx, id, warehouse, back, message).await,
        C::IssuePartial(id, warehouse, back) => stock::ask_note(bot, ctx, convo, storage, (id, warehouse, back)).await,
        C::CallAnswer(id, coming) => call::answer(bot, ctx, id, coming, message).await,
        C::BroadcastSend => match state {
            State::BroadcastConfirm { content } => broadcast::send(bot, ctx, convo, content, message).await,
            _ => expired(bot, ctx).await,
        },
        C::StaffAdd(role) => staff::ask_id(bot, ctx, convo, role).await,
        C::StaffList => staff::list(bot, ctx).await,
        C::StaffRemove(id) => staff::remove_ask(bot, ctx, id).await,
        C::StaffRemoveYes(id) => staff::remove(bot, ctx, id, message).await,
    }
}

/// A button from a step that is over.
pub async fn expired(bot: Bot, ctx: Ctx) -> HandlerResult {
    say(&bot, ctx.chat, ctx.t(Msg::ButtonExpired), None).await?;
    Ok(())
}
