//! What every handler starts from: who is acting (registered and with their
//! role read from the database on this very update), in which language, and
//! small helpers to call services off the async runtime and to reply.

use super::keyboards;
use crate::domain::{Lang, Role};
use crate::i18n::{Msg, t};
use crate::services::{self, Actor, App};
use crate::store::User;
use std::future::IntoFuture;
use teloxide::prelude::*;
use teloxide::types::{ParseMode, ReplyMarkup};
use teloxide::{ApiError, RequestError};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type HandlerResult = Result<(), BoxError>;

/// The person behind an update, as the database says now.
#[derive(Clone)]
pub struct Ctx {
    pub app: App,
    pub user: User,
    pub role: Role,
    pub lang: Lang,
    /// The person's private chat with the bot.
    pub chat: ChatId,
}

impl Ctx {
    pub fn actor(&self) -> Actor {
        Actor::Telegram(self.user.telegram_id)
    }

    pub fn t(&self, msg: Msg<'_>) -> String {
        t(self.lang, msg)
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.app.settings.timezone
    }

    /// The main menu for this person's role.
    pub fn menu(&self) -> ReplyMarkup {
        keyboards::main_menu(self.lang, self.role)
    }
}

/// Runs a blocking service call on the blocking pool.
pub async fn blocking<T, F>(app: &App, f: F) -> Result<T, services::Error>
where
    T: Send + 'static,
    F: FnOnce(&App) -> Result<T, services::Error> + Send + 'static,
{
    let app = app.clone();
    match tokio::task::spawn_blocking(move || f(&app)).await {
        Ok(r) => r,
        Err(e) => Err(services::Error::Invalid(format!("internal error: {e}"))),
    }
}

tokio::task_local! {
    /// The services of the update being handled: where a reply goes when the
    /// Bot API is failing (the outbox delivers it once the API is back).
    pub static REPLIES: App;
}

/// Tries a request, waiting as often as Telegram says to slow down (up to three times).
pub async fn patiently<T, F, Fut>(mut request: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, RequestError>>,
{
    let mut waits = 0;
    loop {
        match request().await {
            Err(RequestError::RetryAfter(wait)) if waits < 3 => {
                waits += 1;
                tokio::time::sleep(wait.duration()).await;
            }
            other => return other,
        }
    }
}

/// Sends an HTML message. Waits when Telegram says to slow down; when the Bot
/// API fails (network, 5xx), the reply goes to the outbox and is delivered as
/// soon as the API is back, so it is not lost.
pub async fn say(bot: &Bot, chat: ChatId, html: String, markup: Option<ReplyMarkup>) -> Result<(), RequestError> {
    let sent = patiently(|| {
        let mut req = bot.send_message(chat, html.clone()).parse_mode(ParseMode::Html);
        if let Some(m) = markup.clone() {
            req = req.reply_markup(m);
        }
        req.into_future()
    })
    .await;
    match sent {
        Ok(_) => Ok(()),
        Err(e) if matches!(crate::bot::sender::outcome_of(&e), services::notify::Outcome::Temporary(_)) => {
            let Ok(app) = REPLIES.try_with(|a| a.clone()) else { return Err(e) };
            tracing::warn!(chat = chat.0, error = %e, "the Bot API is failing; the reply goes to the outbox");
            let notice = services::notify::Notice::Reply {
                text: html,
                markup: markup.and_then(|m| serde_json::to_string(&m).ok()),
            };
            let queued = blocking(&app, move |app| services::notify::enqueue_now(app, chat.0, &notice)).await;
            queued.map_err(|qe| {
                tracing::error!(error = %qe, "cannot queue the reply either");
                e
            })
        }
        Err(e) => Err(e),
    }
}

/// Replaces the text and buttons of a message the bot sent (falls back to a new message).
pub async fn edit(
    bot: &Bot,
    chat: ChatId,
    message_id: Option<teloxide::types::MessageId>,
    html: String,
    markup: Option<teloxide::types::InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    if let Some(id) = message_id {
        let mut req = bot.edit_message_text(chat, id, html.clone()).parse_mode(ParseMode::Html);
        if let Some(m) = markup.clone() {
            req = req.reply_markup(m);
        }
        match req.await {
            Ok(_) => return Ok(()),
            // Pressing the same button twice leaves the text unchanged; that is fine.
            Err(RequestError::Api(ApiError::MessageNotModified)) => return Ok(()),
            Err(e) => tracing::debug!(error = %e, "could not edit a message; sending a new one"),
        }
    }
    say(bot, chat, html, markup.map(ReplyMarkup::InlineKeyboard)).await
}

/// Tells the person why a service refused, in their language; logs what they cannot act on.
pub async fn explain(bot: &Bot, ctx: &Ctx, error: &services::Error) -> HandlerResult {
    let text = match error {
        services::Error::Denied(d) => ctx.t(Msg::Denied(*d)),
        services::Error::Lifecycle(crate::domain::LifecycleError::NotAllowed { from, .. }) => {
            ctx.t(Msg::NotAllowedNow { status: &state_name(ctx, *from) })
        }
        services::Error::Lifecycle(_) => ctx.t(Msg::BadReason { max: crate::domain::lifecycle::MAX_REASON_CHARS }),
        services::Error::NotFound { what: "request", .. } => ctx.t(Msg::RequestNotFound),
        services::Error::Conflict(text) | services::Error::Invalid(text) => teloxide::utils::html::escape(text),
        other => {
            tracing::error!(user = ctx.user.telegram_id, error = %other, "a service call failed");
            ctx.t(Msg::SomethingWentWrong)
        }
    };
    say(bot, ctx.chat, text, None).await?;
    Ok(())
}

fn state_name(ctx: &Ctx, state: crate::domain::State) -> String {
    use crate::domain::{State, Status};
    let status = match state {
        State::New => Status::New,
        State::Accepted => Status::Accepted,
        State::Done => Status::Done,
        State::Rejected => Status::Rejected,
        State::Cancelled => Status::Cancelled,
        State::Archived => return "🗄".into(),
    };
    ctx.t(Msg::Status(status))
}
