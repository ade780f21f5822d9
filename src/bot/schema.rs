//! The dispatch schema: one function building the dptree of the whole bot.
//!
//! Every update first goes through [`context`]: the sender is registered (or
//! refreshed) and their role and blocked flag are read from the database for
//! this update. Then commands, main-menu buttons and the current dialogue step
//! pick the handler; inline buttons go to [`handlers::callback`].

use super::ctx::{BoxError, Ctx, blocking, say};
use super::handlers::{self, Command};
use super::state::State;
use super::storage::{self, DialogueStore};
use crate::i18n::{self, Msg, t};
use crate::services::{App, directory};
use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::UpdateKind;

pub fn schema() -> UpdateHandler<BoxError> {
    use dptree::case;

    let steps = dptree::entry()
        .branch(case![State::TicketName { draft }].endpoint(handlers::ticket::name))
        .branch(case![State::TicketPhone { draft }].endpoint(handlers::ticket::phone))
        .branch(case![State::TicketDescription { draft }].endpoint(handlers::ticket::description))
        .branch(case![State::TicketAttachment { draft }].endpoint(handlers::ticket::attachment))
        .branch(case![State::OrderQuantity { order, cartridge_id }].endpoint(handlers::order::quantity))
        .branch(case![State::OrderComment { order, cartridge_id, quantity }].endpoint(handlers::order::comment))
        .branch(case![State::OrderPhone { order }].endpoint(handlers::order::phone))
        .branch(case![State::RejectReason { request_id }].endpoint(handlers::queue::reason))
        .branch(case![State::WaitNote { request_id, author }].endpoint(handlers::queue::wait_note))
        .branch(case![State::Answer { request_id }].endpoint(handlers::mine::answer))
        .branch(case![State::RateComment { request_id, score }].endpoint(handlers::mine::rate_comment))
        .branch(case![State::IssueNote { request_id, warehouse_id, empties }].endpoint(handlers::stock::note))
        .branch(case![State::EmptiesCount { warehouse_id, cartridge_id }].endpoint(handlers::stock::empties_count))
        .branch(case![State::BroadcastCompose].endpoint(handlers::broadcast::compose))
        .branch(case![State::StaffId { role }].endpoint(handlers::staff::id));

    let messages = Update::filter_message()
        // Group chats (the staff chat) only send button presses our way.
        .filter(|m: Message| m.chat.is_private())
        .branch(teloxide::filter_command::<Command, _>().endpoint(handlers::command))
        .branch(
            dptree::filter(|m: Message, ctx: Ctx| m.text().map(str::trim) == Some(&*ctx.t(Msg::Cancel)))
                .endpoint(handlers::cancel),
        )
        .branch(dptree::filter_map(|m: Message| m.text().and_then(i18n::menu_button)).endpoint(handlers::menu))
        .branch(steps)
        // Out of any dialogue, a reply to the bot's message about a request: its author's answer.
        .branch(dptree::filter_map(handlers::mine::replied_about).endpoint(handlers::mine::answer_reply))
        .endpoint(handlers::other);

    let callbacks = Update::filter_callback_query().endpoint(handlers::callback);

    dptree::entry()
        .filter_map_async(context)
        .enter_dialogue::<Update, DialogueStore, State>()
        .branch(messages)
        .branch(callbacks)
}

/// Who sent the update, from the database now; `None` (nothing handled) for
/// bots, blocked people (who are told once per message), and an update
/// replayed after a crash that had already been applied.
async fn context(upd: Update, app: App, bot: Bot) -> Option<Ctx> {
    let from = upd.from()?.clone();
    if from.is_bot {
        return None;
    }
    let profile = directory::Profile {
        telegram_id: from.id.0 as i64,
        first_name: from.first_name.clone(),
        last_name: from.last_name.clone(),
        username: from.username.clone(),
        language_code: from.language_code.clone(),
    };
    let registered = match blocking(&app, move |app| directory::register(app, &profile)).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(user = from.id.0, error = %e, "cannot register the sender");
            return None;
        }
    };
    let lang = registered.user.language.unwrap_or(app.settings.default_language);
    let private = ChatId(registered.user.telegram_id);
    if registered.user.blocked {
        if let UpdateKind::CallbackQuery(q) = &upd.kind {
            let request = bot.answer_callback_query(q.id.clone()).text(t(lang, Msg::AccountBlocked));
            let _ = crate::services::telegram::call(&bot, &request).await;
        } else if upd.chat().is_some_and(|c| c.is_private()) {
            let _ = say(&bot, private, t(lang, Msg::AccountBlocked), None).await;
        }
        return None;
    }
    if let Some(chat) = upd.chat()
        && let Ok(Some((_, Some(last)))) = storage::load(&app, chat.id.0).await
        && last >= i64::from(upd.id.0)
    {
        tracing::info!(update = upd.id.0, "update already applied before a restart; skipping");
        return None;
    }
    let update_id = i64::from(upd.id.0);
    let granted = registered.granted();
    Some(Ctx { app, user: registered.user, granted, lang, chat: private, update_id })
}
