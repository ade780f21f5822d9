//! What every handler starts from: who is acting (registered, and what they
//! may do read from the database on this very update), in which language, and
//! small helpers to call services off the async runtime and to reply.

use super::keyboards;
use crate::domain::model::User;
use crate::domain::{Lang, Permission};
use crate::i18n::{Msg, t};
use crate::services::telegram::{call, patiently};
use crate::services::{self, Actor, App};
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
    /// What they may do that is not about one request (see
    /// [`services::directory::Registered::granted`]): which menus to offer.
    /// What they may do to a request comes with it from the services.
    pub granted: Vec<Permission>,
    pub lang: Lang,
    /// The person's private chat with the bot.
    pub chat: ChatId,
    /// The update being handled.
    pub update_id: i64,
}

impl Ctx {
    pub fn actor(&self) -> Actor {
        Actor::Telegram(self.user.telegram_id)
    }

    /// The key that makes what this update creates (a request, a broadcast, a
    /// call) be created once, however often the update is handled.
    pub fn client_key(&self) -> String {
        format!("tg-update:{}", self.update_id)
    }

    pub fn t(&self, msg: Msg<'_>) -> String {
        t(self.lang, msg)
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.app.settings.timezone
    }

    /// Whether they may do `p` (one of the permissions not about a request), as read on this update.
    pub fn may(&self, p: Permission) -> bool {
        self.granted.contains(&p)
    }

    /// The main menu: what this person may do.
    pub fn menu(&self) -> ReplyMarkup {
        keyboards::main_menu(self.lang, &self.granted)
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
        Err(e) => Err(services::Error::Internal(format!("the blocking task failed: {e}"))),
    }
}

/// One thing the bot says in answer to an update.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A new HTML message.
    Message { chat: ChatId, html: String, markup: Option<ReplyMarkup> },
    /// New text and buttons for a message the bot sent (a new message if it cannot be edited).
    Edit {
        chat: ChatId,
        message_id: teloxide::types::MessageId,
        html: String,
        markup: Option<teloxide::types::InlineKeyboardMarkup>,
    },
    /// A photo, a document or a text as a broadcast shows it.
    Content { chat: ChatId, content: services::broadcast::Content },
}

impl Reply {
    pub fn chat(&self) -> ChatId {
        match self {
            Reply::Message { chat, .. } | Reply::Edit { chat, .. } | Reply::Content { chat, .. } => *chat,
        }
    }

    /// How the reply is kept in the outbox until it is delivered: an edit
    /// that comes from there is a new message (the moment for editing has passed).
    pub fn notice(&self) -> services::notify::Notice {
        use services::notify::Notice;
        match self {
            Reply::Message { html, markup, .. } => Notice::Reply {
                text: html.clone(),
                markup: markup.as_ref().and_then(|m| serde_json::to_string(m).ok()),
            },
            Reply::Edit { html, markup, .. } => Notice::Reply {
                text: html.clone(),
                markup: markup
                    .as_ref()
                    .and_then(|m| serde_json::to_string(&ReplyMarkup::InlineKeyboard(m.clone())).ok()),
            },
            Reply::Content { content, .. } => Notice::ReplyContent { content: content.clone() },
        }
    }
}

tokio::task_local! {
    /// The replies to the update being handled, in order. They are not sent
    /// while the update is handled: the runtime records them in the same
    /// transaction as the dialogue step the update leads to, then delivers
    /// them (see [`super::runtime::handle_one`]), so a crash in between can
    /// neither lose them nor apply the step without them.
    pub static REPLIES: std::cell::RefCell<Vec<Reply>>;
}

/// Sends `reply` now, or, while an update is being handled, adds it to that update's replies.
pub async fn reply(bot: &Bot, reply: Reply) -> Result<(), RequestError> {
    let reply = match REPLIES.try_with(|r| r.borrow_mut().push(reply.clone())) {
        Ok(()) => return Ok(()),
        Err(_) => reply,
    };
    deliver(bot, &reply).await
}

/// Delivers one reply through the Bot API, waiting when Telegram says to slow down.
pub async fn deliver(bot: &Bot, reply: &Reply) -> Result<(), RequestError> {
    match reply {
        Reply::Message { chat, html, markup } => {
            let mut req =
                bot.send_message(*chat, html.clone()).parse_mode(ParseMode::Html).link_preview_options(no_preview());
            if let Some(m) = markup.clone() {
                req = req.reply_markup(m);
            }
            patiently(|| call(bot, &req)).await.map(|_| ())
        }
        Reply::Edit { chat, message_id, html, markup } => {
            let mut req = bot
                .edit_message_text(*chat, *message_id, html.clone())
                .parse_mode(ParseMode::Html)
                .link_preview_options(no_preview());
            if let Some(m) = markup.clone() {
                req = req.reply_markup(m);
            }
            match call(bot, &req).await {
                // Pressing the same button twice leaves the text unchanged; that is fine.
                Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
                Err(e) => {
                    tracing::debug!(error = %e, "could not edit a message; sending a new one");
                    let again = Reply::Message {
                        chat: *chat,
                        html: html.clone(),
                        markup: markup.clone().map(ReplyMarkup::InlineKeyboard),
                    };
                    Box::pin(deliver(bot, &again)).await
                }
            }
        }
        Reply::Content { chat, content } => patiently(|| crate::bot::sender::send_content(bot, *chat, content)).await,
    }
}

/// Replies show no link previews: a preview of a sign-in link would have
/// Telegram fetch it, and links people typed into a request are noise.
pub fn no_preview() -> teloxide::types::LinkPreviewOptions {
    teloxide::types::LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

/// Says an HTML message (see [`reply`]).
pub async fn say(bot: &Bot, chat: ChatId, html: String, markup: Option<ReplyMarkup>) -> Result<(), RequestError> {
    reply(bot, Reply::Message { chat, html, markup }).await
}

/// Replaces the text and buttons of a message the bot sent, or says a new one
/// when there is no such message (see [`reply`]).
pub async fn edit(
    bot: &Bot,
    chat: ChatId,
    message_id: Option<teloxide::types::MessageId>,
    html: String,
    markup: Option<teloxide::types::InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    match message_id {
        Some(message_id) => reply(bot, Reply::Edit { chat, message_id, html, markup }).await,
        None => say(bot, chat, html, markup.map(ReplyMarkup::InlineKeyboard)).await,
    }
}

/// Sends a photo, a document or a text as a broadcast shows it (see [`reply`]).
pub async fn show(bot: &Bot, chat: ChatId, content: services::broadcast::Content) -> Result<(), RequestError> {
    reply(bot, Reply::Content { chat, content }).await
}

/// Takes the buttons off a message the person answered, at once: nothing
/// depends on it, and a button pressed again is refused as expired anyway.
pub async fn drop_buttons(bot: &Bot, at: Option<(ChatId, teloxide::types::MessageId)>) {
    if let Some((chat, id)) = at
        && let Err(e) = call(bot, &bot.edit_message_reply_markup(chat, id)).await
    {
        tracing::debug!(error = %e, "could not take the buttons off a message");
    }
}

/// Tells the person why a service refused, in their language (see
/// [`services::Error::describe`]); a failure on our side is "something went
/// wrong" for them and a log line for us.
pub async fn explain(bot: &Bot, ctx: &Ctx, error: &services::Error) -> HandlerResult {
    let text = match error.describe(ctx.lang) {
        Some(text) => teloxide::utils::html::escape(&text),
        None => {
            tracing::error!(user = ctx.user.telegram_id, error = %error, "a service call failed");
            ctx.t(Msg::SomethingWentWrong)
        }
    };
    say(bot, ctx.chat, text, None).await?;
    Ok(())
}
