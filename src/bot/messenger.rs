//! Telegram for blocking code (services such as `sla-check`): the Bot API
//! directly through teloxide, on a tokio runtime handle; no `serve` needed.

use super::sender::outcome_of;
use crate::services::notify::{Messenger, Outcome};
use std::future::IntoFuture;
use teloxide::prelude::*;
use teloxide::types::ParseMode;
use tokio::runtime::Handle;

pub struct TelegramMessenger {
    bot: Bot,
    handle: Handle,
}

impl TelegramMessenger {
    /// A messenger for the settings' token and API URL; `None` without a token.
    /// Must be used from a thread that is not running async code (a blocking
    /// thread, or the main thread of a command), with the handle of a
    /// multi-thread runtime (on a current-thread one, `Handle::block_on`
    /// does not drive the network and a send would hang).
    pub fn new(settings: &crate::config::Settings, handle: Handle) -> anyhow::Result<Option<TelegramMessenger>> {
        let Some(token) = &settings.bot_token else { return Ok(None) };
        let url: url::Url = settings.telegram_api_url.parse().map_err(|e| {
            anyhow::anyhow!("HELPDESK_TELEGRAM_API_URL '{}' is not a URL: {e}", settings.telegram_api_url)
        })?;
        Ok(Some(TelegramMessenger { bot: Bot::new(token.expose()).set_api_url(url), handle }))
    }

    pub fn with_bot(bot: Bot, handle: Handle) -> TelegramMessenger {
        TelegramMessenger { bot, handle }
    }
}

impl Messenger for TelegramMessenger {
    fn send(&self, chat_id: i64, html: &str) -> Outcome {
        let request = self.bot.send_message(ChatId(chat_id), html.to_string()).parse_mode(ParseMode::Html);
        match self.handle.block_on(super::ctx::patiently(|| request.clone().into_future())) {
            Ok(_) => Outcome::Sent,
            Err(e) => outcome_of(&e),
        }
    }
}
