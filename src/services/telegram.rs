//! Telegram's Bot API as everything outside the bot's dialogues meets it:
//! the Telegram sender of notifications for blocking code (`sla-check`, the
//! scheduler's jobs), what a failed call means for a notice, the files the
//! web panel sends and fetches, how a received update is kept in the inbox,
//! and the secret a webhook call must carry.
//!
//! Not here: dialogues, keyboards and rendering (those are the bot's), and
//! anything that decides who may do what (the other services do).

use super::notify::{Messenger, Outcome};
use super::requests::TicketAttachment;
use crate::config::Settings;
use crate::domain::model::{AttachmentKind, InboxUpdate};
use futures_util::stream::BoxStream;
use teloxide::prelude::*;
use teloxide::types::{FileId, InputFile, ParseMode};
use teloxide::{ApiError, RequestError};
use tokio::runtime::Handle;

/// The Bot API client the settings describe (the token, and the API's
/// address for a local Bot API server or a test double); `None` without a token.
pub fn client(settings: &Settings) -> anyhow::Result<Option<Bot>> {
    let Some(token) = &settings.bot_token else { return Ok(None) };
    let url: url::Url = settings
        .telegram_api_url
        .parse()
        .map_err(|e| anyhow::anyhow!("HELPDESK_TELEGRAM_API_URL '{}' is not a URL: {e}", settings.telegram_api_url))?;
    Ok(Some(Bot::new(token.expose()).set_api_url(url)))
}

/// The secret Telegram sends with every webhook call (and only Telegram):
/// derived from the bot token, so every process of one bot agrees on it.
pub fn webhook_secret(token: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("helpdesk-webhook:{token}").as_bytes());
    digest.iter().take(24).map(|b| format!("{b:02x}")).collect()
}

/// An update as the inbox keeps it until it is handled.
pub fn inbox_row(update: &Update) -> InboxUpdate {
    InboxUpdate {
        update_id: i64::from(update.id.0),
        chat_id: update.chat().map(|c| c.id.0),
        payload: serde_json::to_string(update).unwrap_or_default(),
    }
}

/// What a failed call to the Bot API means for the notice it carried.
pub fn outcome_of(e: &RequestError) -> Outcome {
    match e {
        RequestError::RetryAfter(wait) => Outcome::RetryAfter(wait.duration()),
        RequestError::Api(
            ApiError::BotBlocked
            | ApiError::UserDeactivated
            | ApiError::CantInitiateConversation
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup,
        ) => Outcome::Blocked,
        // Unknown API errors include 5xx answers ("Bad Gateway"): worth retrying, a bounded number of times.
        RequestError::Api(ApiError::Unknown(_)) => Outcome::Temporary(e.to_string()),
        RequestError::Api(_) | RequestError::MigrateToChatId(_) => Outcome::Permanent(e.to_string()),
        RequestError::Network(_) | RequestError::InvalidJson { .. } | RequestError::Io(_) => {
            Outcome::Temporary(e.to_string())
        }
    }
}

/// Calls the Bot API method of `request` with its payload as JSON and reads
/// the answer as teloxide does, with one difference: an answer of 5xx (a
/// 502 from Telegram's front, say) is reported as soon as it arrives.
/// teloxide waits ten seconds on every 5xx before it reports it, which held
/// a person's reply, or a whole chat's notices, for those ten seconds; here
/// the caller decides (the outbox retries after its own backoff). Every
/// send of a reply or notice goes through here; a file to upload still goes
/// through teloxide (multipart).
pub async fn call<R>(bot: &Bot, request: &R) -> Result<teloxide::requests::Output<R>, RequestError>
where
    R: teloxide::requests::HasPayload,
    R::Payload: serde::Serialize,
    teloxide::requests::Output<R>: serde::de::DeserializeOwned,
{
    use teloxide::requests::Payload;
    let mut url = bot.api_url();
    match url.path_segments_mut() {
        Ok(mut segments) => {
            segments.push(&format!("bot{}", bot.token()));
            segments.push(<R::Payload as Payload>::NAME);
        }
        Err(()) => {
            return Err(RequestError::Io(std::sync::Arc::new(std::io::Error::other(
                "the Bot API URL cannot be a base",
            ))));
        }
    }
    let body = serde_json::to_vec(request.payload_ref())
        .map_err(|e| RequestError::InvalidJson { source: std::sync::Arc::new(e), raw: "".into() })?;
    let response =
        bot.client().post(url).header(reqwest::header::CONTENT_TYPE, "application/json").body(body).send().await?;
    let text = response.text().await?;
    match serde_json::from_str::<Answer<teloxide::requests::Output<R>>>(&text) {
        Ok(Answer::Ok { result, .. }) => Ok(result),
        Ok(Answer::Err { parameters: Some(teloxide::types::ResponseParameters::RetryAfter(wait)), .. }) => {
            Err(RequestError::RetryAfter(wait))
        }
        Ok(Answer::Err { parameters: Some(teloxide::types::ResponseParameters::MigrateToChatId(to)), .. }) => {
            Err(RequestError::MigrateToChatId(to))
        }
        Ok(Answer::Err { description, .. }) => Err(RequestError::Api(description)),
        Err(e) => Err(RequestError::InvalidJson { source: std::sync::Arc::new(e), raw: text.into() }),
    }
}

/// The Bot API's answer to a call (`ok` tells which).
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Answer<R> {
    Ok {
        #[allow(dead_code)]
        ok: teloxide::types::True,
        result: R,
    },
    Err {
        #[allow(dead_code)]
        ok: teloxide::types::False,
        description: ApiError,
        parameters: Option<teloxide::types::ResponseParameters>,
    },
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

/// The photo or document a message carries, as a request keeps it (the
/// largest size of a photo).
pub fn attachment_of(msg: &Message) -> Option<TicketAttachment> {
    if let Some(sizes) = msg.photo()
        && let Some(best) = sizes.iter().max_by_key(|p| p.width * p.height)
    {
        return Some(TicketAttachment {
            kind: AttachmentKind::Photo,
            file_id: best.file.id.0.clone(),
            file_unique_id: Some(best.file.unique_id.0.clone()),
            file_name: None,
            mime_type: Some("image/jpeg".into()),
        });
    }
    msg.document().map(|d| TicketAttachment {
        kind: AttachmentKind::Document,
        file_id: d.file.id.0.clone(),
        file_unique_id: Some(d.file.unique_id.0.clone()),
        file_name: d.file_name.clone(),
        mime_type: d.mime_type.as_ref().map(|m| m.to_string()),
    })
}

/// Telegram for blocking code (services such as `sla-check`): the Bot API
/// directly, on a tokio runtime handle; no `serve` needed.
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
    pub fn new(settings: &Settings, handle: Handle) -> anyhow::Result<Option<TelegramMessenger>> {
        Ok(client(settings)?.map(|bot| TelegramMessenger { bot, handle }))
    }

    pub fn with_bot(bot: Bot, handle: Handle) -> TelegramMessenger {
        TelegramMessenger { bot, handle }
    }
}

impl Messenger for TelegramMessenger {
    fn send(&self, chat_id: i64, html: &str) -> Outcome {
        let request = self.bot.send_message(ChatId(chat_id), html.to_string()).parse_mode(ParseMode::Html);
        match self.handle.block_on(patiently(|| call(&self.bot, &request))) {
            Ok(_) => Outcome::Sent,
            Err(e) => outcome_of(&e),
        }
    }
}

/// A file someone chose in a browser, to attach to a request.
pub struct Upload {
    pub name: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
    /// What the message carrying it says in the person's chat.
    pub caption: String,
}

/// A file's bytes as Telegram streams them.
pub type FileStream = BoxStream<'static, Result<bytes::Bytes, std::io::Error>>;

/// Files through the Bot API for the web panel: the token stays here.
#[derive(Clone)]
pub struct Files {
    bot: Bot,
}

impl Files {
    pub fn new(bot: Bot) -> Files {
        Files { bot }
    }

    /// Sends `file` to `chat` (its owner's own chat) once, so that Telegram
    /// keeps it and gives it an id: every front end then shows it as it
    /// shows the bot's attachments.
    pub async fn upload(&self, chat: i64, file: Upload) -> Result<TicketAttachment, String> {
        let photo =
            file.content_type.as_deref().is_some_and(|t| matches!(t, "image/jpeg" | "image/png" | "image/webp"));
        let name = if file.name.is_empty() { "file".to_string() } else { file.name };
        let input = InputFile::memory(file.bytes).file_name(name);
        let sent = if photo {
            self.bot.send_photo(ChatId(chat), input).caption(file.caption).await
        } else {
            self.bot.send_document(ChatId(chat), input).caption(file.caption).await
        };
        match sent {
            Ok(msg) => attachment_of(&msg).ok_or_else(|| "Telegram kept no file from the message".to_string()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The bytes of a file Telegram keeps.
    pub async fn download(&self, file_id: &str) -> Result<FileStream, String> {
        use futures_util::StreamExt;
        use teloxide::net::Download;
        let file = self.bot.get_file(FileId(file_id.to_string())).await.map_err(|e| e.to_string())?;
        let stream = self.bot.download_file_stream(&file.path).map(|r| r.map_err(std::io::Error::other));
        Ok(stream.boxed())
    }
}
