//! Delivering the outbox: notifications about requests and calls, and
//! broadcasts, paced to Telegram's limits (a global rate, at most one message
//! a second per chat), honouring 429 retry_after, and recording each outcome
//! so that nothing is lost or sent twice across restarts.

use super::ctx::blocking;
use super::keyboards::{button, inline};
use super::render::{self, esc};
use crate::domain::model::OutboxMessage;
use crate::domain::{Action, Lang};
use crate::i18n::{Msg, t};
use crate::services::broadcast::Content;
use crate::services::notify::{self, Notice, Outcome};
pub use crate::services::telegram::outcome_of;
use crate::services::{Actor, App, calls, requests};
use std::collections::HashMap;
use std::time::Duration;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{FileId, InlineKeyboardMarkup, InputFile, ParseMode, ReplyMarkup};
use tokio::sync::Mutex;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Paces sends: consecutive sends at least `interval` apart, the same chat at
/// most once a second, and everything held back while Telegram asks us to wait.
pub struct Limiter {
    interval: Duration,
    per_chat: Duration,
    state: Mutex<Pace>,
}

struct Pace {
    next: Instant,
    paused_until: Instant,
    per_chat: HashMap<i64, Instant>,
}

/// The gap kept between two messages to the same chat.
const PER_CHAT: Duration = Duration::from_secs(1);

impl Limiter {
    /// At most `per_second` messages a second, with a 5% margin so that the
    /// rate as Telegram measures it (with network jitter) stays under.
    pub fn new(per_second: u32) -> Limiter {
        Limiter::with_chat_gap(per_second, PER_CHAT)
    }

    /// The same with another gap between two messages to one chat (tests use none).
    pub fn with_chat_gap(per_second: u32, per_chat: Duration) -> Limiter {
        let interval = Duration::from_secs_f64(1.05 / f64::from(per_second.max(1)));
        let now = Instant::now();
        Limiter {
            interval,
            per_chat,
            state: Mutex::new(Pace { next: now, paused_until: now, per_chat: HashMap::new() }),
        }
    }

    /// Waits for this chat's turn.
    pub async fn wait(&self, chat: i64) {
        let at = {
            let mut s = self.state.lock().await;
            let now = Instant::now();
            let chat_free = s.per_chat.get(&chat).map_or(now, |t| *t + self.per_chat);
            let at = now.max(s.next).max(s.paused_until).max(chat_free);
            s.next = at + self.interval;
            s.per_chat.insert(chat, at);
            if s.per_chat.len() > 10_000 {
                let gap = self.per_chat;
                s.per_chat.retain(|_, t| *t + gap > now);
            }
            at
        };
        tokio::time::sleep_until(at).await;
        // Measured from when we really go, so lateness never bunches sends together.
        let mut s = self.state.lock().await;
        let now = Instant::now();
        s.next = s.next.max(now + self.interval);
    }

    /// Holds every send back for `d` (Telegram said 429).
    pub async fn pause(&self, d: Duration) {
        let mut s = self.state.lock().await;
        s.paused_until = s.paused_until.max(Instant::now() + d);
    }
}

/// The answer buttons under a server-room call.
pub fn call_buttons(lang: Lang, call_id: i64) -> InlineKeyboardMarkup {
    use super::callback::Callback;
    inline(vec![vec![
        button(lang, Msg::Coming, Callback::CallAnswer(call_id, true)),
        button(lang, Msg::Cannot, Callback::CallAnswer(call_id, false)),
    ]])
}

/// Sends a broadcast's content (also used for the author's preview, so both look the same).
pub async fn send_content(bot: &Bot, chat: ChatId, content: &Content) -> Result<(), RequestError> {
    match content {
        Content::Text(text) => bot.send_message(chat, esc(text)).parse_mode(ParseMode::Html).await.map(|_| ()),
        Content::Photo { file_id, caption } => {
            let mut req = bot.send_photo(chat, InputFile::file_id(FileId(file_id.clone())));
            if let Some(c) = caption {
                req = req.caption(esc(c)).parse_mode(ParseMode::Html);
            }
            req.await.map(|_| ())
        }
        Content::Document { file_id, caption } => {
            let mut req = bot.send_document(chat, InputFile::file_id(FileId(file_id.clone())));
            if let Some(c) = caption {
                req = req.caption(esc(c)).parse_mode(ParseMode::Html);
            }
            req.await.map(|_| ())
        }
    }
}

/// Where email notices go (`None`: email is off).
pub type MailerRef = Option<std::sync::Arc<dyn crate::services::notify::Mailer>>;

/// The outbox loop: takes due notices, most urgent first, and delivers them until shut down.
pub async fn run(app: App, bot: Bot, mailer: MailerRef, limiter: std::sync::Arc<Limiter>, shutdown: CancellationToken) {
    let mut broadcasts: HashMap<i64, Content> = HashMap::new();
    while !shutdown.is_cancelled() {
        match deliver_due(&app, &bot, &mailer, &limiter, &shutdown, &mut broadcasts).await {
            Ok(0) => idle(&shutdown, Duration::from_millis(250)).await,
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "cannot read the outbox");
                idle(&shutdown, Duration::from_secs(2)).await;
            }
        }
    }
}

/// How many chats one pass of the sender delivers to at once. Sent one after
/// another, each message would wait for the previous one's round trip to
/// Telegram, and a slow network would cap the rate well below the limiter's.
const CHATS_AT_ONCE: usize = 8;

/// One pass: takes the notices due now and delivers them, several chats at
/// once, each chat's in order; returns how many were taken.
pub async fn deliver_due(
    app: &App,
    bot: &Bot,
    mailer: &MailerRef,
    limiter: &Limiter,
    shutdown: &CancellationToken,
    broadcasts: &mut HashMap<i64, Content>,
) -> Result<usize, crate::services::Error> {
    use futures_util::StreamExt;
    let due = blocking(app, |app| notify::due(app, 64)).await?;
    let taken = due.len();
    for (_, notice) in &due {
        if let Notice::Broadcast { broadcast_id } = notice
            && !broadcasts.contains_key(broadcast_id)
        {
            let id = *broadcast_id;
            if let Ok(c) = blocking(app, move |app| crate::services::broadcast::content(app, id)).await {
                broadcasts.insert(id, c);
            }
        }
    }
    let broadcasts = &*broadcasts;
    futures_util::stream::iter(by_chat(due))
        .for_each_concurrent(CHATS_AT_ONCE, |messages| async move {
            for (message, notice) in messages {
                if shutdown.is_cancelled() {
                    // What was taken and not sent is due again when its lease ends.
                    return;
                }
                let outcome = if let Some(address) = &message.email {
                    deliver_email(app, mailer, address, &notice).await
                } else {
                    tokio::select! {
                        _ = limiter.wait(message.chat_id) => {}
                        _ = shutdown.cancelled() => return,
                    }
                    deliver(bot, app, &message, &notice, broadcasts).await
                };
                if let Outcome::RetryAfter(wait) = &outcome {
                    tracing::warn!(seconds = wait.as_secs(), "Telegram asked to slow down");
                    limiter.pause(*wait).await;
                }
                let (app2, message2) = (app.clone(), message.clone());
                if let Err(e) = blocking(app, move |_| notify::record(&app2, &message2, &outcome)).await {
                    tracing::error!(error = %e, outbox = message.id, "cannot record a delivery");
                }
            }
        })
        .await;
    Ok(taken)
}

/// The messages by chat (or email address), each chat's in order, the chats
/// in the order of their first message (replies, then notifications, then
/// broadcasts, as [`notify::due`] gives them).
fn by_chat(due: Vec<(OutboxMessage, Notice)>) -> Vec<Vec<(OutboxMessage, Notice)>> {
    let mut index: HashMap<(i64, Option<String>), usize> = HashMap::new();
    let mut groups: Vec<Vec<(OutboxMessage, Notice)>> = Vec::new();
    for (m, n) in due {
        let key = (m.chat_id, m.email.clone());
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push((m, n));
    }
    groups
}

async fn deliver_email(app: &App, mailer: &MailerRef, address: &str, notice: &Notice) -> Outcome {
    let Some(mailer) = mailer.clone() else {
        return Outcome::Permanent("email is off (HELPDESK_EMAIL)".into());
    };
    let (notice, address) = (notice.clone(), address.to_string());
    let sent = blocking(app, move |app| {
        let letter = notify::letter_for(app, &notice)?;
        Ok(mailer.send(&[address], &letter))
    })
    .await;
    sent.unwrap_or_else(|e| Outcome::Permanent(e.to_string()))
}

async fn idle(shutdown: &CancellationToken, d: Duration) {
    tokio::select! {
        _ = tokio::time::sleep(d) => {}
        _ = shutdown.cancelled() => {}
    }
}

async fn language_of(app: &App, chat: i64) -> Lang {
    let found = blocking(app, move |app| Ok(crate::services::directory::language_of(app, chat))).await;
    found.unwrap_or(app.settings.default_language)
}

async fn deliver(
    bot: &Bot,
    app: &App,
    message: &OutboxMessage,
    notice: &Notice,
    broadcasts: &HashMap<i64, Content>,
) -> Outcome {
    let chat = ChatId(message.chat_id);
    let lang = language_of(app, message.chat_id).await;
    let tz = app.settings.timezone;
    let sent: Result<(), RequestError> = match notice {
        Notice::ReplyContent { content } => send_content(bot, chat, content).await,
        Notice::CommandMenu => {
            super::commands::refresh_for(bot, app, message.chat_id).await;
            Ok(())
        }
        Notice::Broadcast { broadcast_id } => match broadcasts.get(broadcast_id) {
            Some(content) => send_content(bot, chat, content).await,
            None => return Outcome::Permanent(format!("broadcast {broadcast_id} is gone")),
        },
        other => {
            let (text, markup) = match render_notice(app, message.chat_id, lang, tz, other).await {
                Ok(r) => r,
                Err(e) => return Outcome::Permanent(e),
            };
            let mut req =
                bot.send_message(chat, text).parse_mode(ParseMode::Html).link_preview_options(super::ctx::no_preview());
            if let Some(m) = markup {
                req = req.reply_markup(ReplyMarkup::InlineKeyboard(m));
            }
            req.await.map(|_| ())
        }
    };
    match sent {
        Ok(()) => Outcome::Sent,
        Err(e) => {
            let outcome = outcome_of(&e);
            tracing::debug!(chat = message.chat_id, error = %e, ?outcome, "notice not delivered");
            outcome
        }
    }
}

/// The text (and buttons) of a notice to `chat` in `lang`.
async fn render_notice(
    app: &App,
    chat: i64,
    lang: Lang,
    tz: chrono_tz::Tz,
    notice: &Notice,
) -> Result<(String, Option<InlineKeyboardMarkup>), String> {
    use super::callback::Callback;
    let l = |m: Msg<'_>| t(lang, m);
    let num = |id: &i64| esc(&render::number(*id));
    Ok(match notice {
        Notice::NewRequest { request_id } => {
            let id = *request_id;
            let card = blocking(app, move |app| requests::card(app, &Actor::System("notify"), id))
                .await
                .map_err(|e| e.to_string())?;
            let text = format!(
                "{}\n\n{}",
                l(Msg::NoticeNewRequest),
                render::card(lang, tz, &card.request, &card.items, card.attachments.len())
            );
            // Accept for a person who may accept it now; in a group (the staff
            // chat) there is no one person to ask, and whoever presses is checked then.
            let may_accept = if chat > 0 {
                let actor = Actor::Telegram(chat);
                let offered = blocking(app, move |app| requests::actions(app, &actor, id)).await;
                offered.is_ok_and(|a| a.contains(&Action::Accept))
            } else {
                true
            };
            let mut row = vec![button(lang, Msg::Open, Callback::Open(id))];
            if may_accept {
                row.insert(0, button(lang, Msg::Accept, Callback::Accept(id)));
            }
            (text, Some(inline(vec![row])))
        }
        Notice::Accepted { request_id, by } => {
            (l(Msg::NoticeAccepted { number: &num(request_id), by: &esc(by) }), None)
        }
        Notice::Done { request_id } => (l(Msg::NoticeDone { number: &num(request_id) }), None),
        Notice::Rejected { request_id, reason } => {
            (l(Msg::NoticeRejected { number: &num(request_id), reason: &esc(reason) }), None)
        }
        Notice::Cancelled { request_id } => (l(Msg::NoticeCancelled { number: &num(request_id) }), None),
        Notice::CartridgesIssued { request_id, lines, note } => {
            let mut text =
                format!("{}\n{}", l(Msg::NoticeIssued { number: &num(request_id) }), render::issued_lines(lines));
            if let Some(n) = note {
                text.push_str(&format!("\n\n{}", esc(n)));
            }
            (text, None)
        }
        Notice::ServerCall { call_id } => {
            let id = *call_id;
            let call = blocking(app, move |app| calls::server_call(app, id))
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("server call {id} is gone"))?;
            (super::handlers::call::call_text(lang, &call), Some(call_buttons(lang, id)))
        }
        Notice::CallAnswered { responder, coming, .. } => {
            (l(Msg::CallAnswered { responder: &esc(responder), coming: *coming }), None)
        }
        Notice::BroadcastReport { recipients, delivered, failed, blocked, .. } => (
            l(Msg::BroadcastReport {
                recipients: *recipients,
                delivered: *delivered,
                failed: *failed,
                blocked: *blocked,
            }),
            None,
        ),
        Notice::Reply { text, markup } => {
            // Only inline keyboards are kept for later: a reply keyboard may no longer fit the moment.
            let markup =
                markup.as_deref().and_then(|m| serde_json::from_str::<ReplyMarkup>(m).ok()).and_then(|m| match m {
                    ReplyMarkup::InlineKeyboard(k) => Some(k),
                    _ => None,
                });
            (text.clone(), markup)
        }
        Notice::Broadcast { .. } | Notice::ReplyContent { .. } | Notice::CommandMenu => {
            unreachable!("broadcasts, replies with content and menus are sent as they were written")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, chat_id: i64, broadcast_id: Option<i64>) -> (OutboxMessage, Notice) {
        let priority = if broadcast_id.is_some() {
            crate::domain::model::OUTBOX_BROADCAST
        } else {
            crate::domain::model::OUTBOX_NOTICE
        };
        let at = chrono::Utc::now();
        let m = OutboxMessage {
            id,
            chat_id,
            email: None,
            broadcast_id,
            priority,
            notice: String::new(),
            created_at: at,
            send_after: at,
            attempts: 0,
        };
        (m, Notice::Done { request_id: id })
    }

    #[test]
    fn messages_go_by_chat_each_chat_in_order_chats_in_order_of_their_first() {
        let due = vec![
            message(1, 10, None),
            message(2, 20, None),
            message(3, 10, None),
            message(4, 30, None),
            message(5, 20, Some(1)),
        ];
        let groups: Vec<Vec<i64>> = by_chat(due).iter().map(|g| g.iter().map(|(m, _)| m.id).collect()).collect();
        assert_eq!(groups, [vec![1, 3], vec![2, 5], vec![4]]);
    }
}
