//! Delivering the outbox: notifications about requests and calls, and
//! broadcasts, paced to Telegram's limits (a global rate, at most one message
//! a second per chat), honouring 429 retry_after, and recording each outcome
//! so that nothing is lost or sent twice across restarts.

use super::ctx::blocking;
use super::keyboards::{button, inline, raw_button};
use super::render::{self, esc};
use crate::domain::model::OutboxMessage;
use crate::domain::{Action, Lang};
use crate::i18n::{Msg, t};
use crate::services::broadcast::Content;
use crate::services::notify::{self, Notice, Outcome};
use crate::services::serve::Instance;
use crate::services::telegram::call;
pub use crate::services::telegram::outcome_of;
use crate::services::{Actor, App, calls, requests};
use std::collections::HashMap;
use std::time::Duration;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{FileId, InlineKeyboardMarkup, InputFile, ParseMode, ReplyMarkup};
use tokio::sync::{Mutex, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Paces sends: consecutive sends at least `interval` apart, the same chat at
/// most once a second, and a chat held back while Telegram asks us to wait
/// (429 with `retry_after`).
///
/// The pace keeps under Telegram's documented limits, so a 429 is most
/// likely about the one chat it came for (a group's own limit, a burst to
/// one person) and holds back only that chat. Only when Telegram refuses a
/// good share of everything sent lately (several instances share the bot
/// and together go too fast, or Telegram is shedding load) is everything
/// held back: a single refusal must not stop the replies of everyone else.
pub struct Limiter {
    interval: Duration,
    per_chat: Duration,
    state: Mutex<Pace>,
}

struct Pace {
    next: Instant,
    paused_until: Instant,
    per_chat: HashMap<i64, Instant>,
    /// Sends of the last [`REFUSALS_WINDOW`] and whether each was refused with 429.
    recent: std::collections::VecDeque<(Instant, bool)>,
}

/// How far back refusals are weighed against sends.
const REFUSALS_WINDOW: Duration = Duration::from_secs(2);
/// Everything is held back when at least this many sends of the window, and
/// at least a quarter of them, were refused.
const REFUSALS_FOR_ALL: usize = 4;

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
            state: Mutex::new(Pace {
                next: now,
                paused_until: now,
                per_chat: HashMap::new(),
                recent: std::collections::VecDeque::new(),
            }),
        }
    }

    /// Waits for this chat's turn.
    pub async fn wait(&self, chat: i64) {
        // First the chat's own turn (and the end of a hold on everything),
        // without taking a slot of the global pace meanwhile: one chat
        // waiting must not hold back the others.
        loop {
            let ready = {
                let s = self.state.lock().await;
                let chat_free = s.per_chat.get(&chat).map_or(Instant::now(), |t| *t + self.per_chat);
                chat_free.max(s.paused_until)
            };
            if ready <= Instant::now() {
                break;
            }
            tokio::time::sleep_until(ready).await;
        }
        let at = {
            let mut s = self.state.lock().await;
            let now = Instant::now();
            let at = now.max(s.next);
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

    /// Records how a send to `chat` went: `refused` with the wait Telegram
    /// asked for (429), or not. A refused chat waits that long; everything
    /// waits when refusals are a good share of what was sent lately.
    pub async fn sent(&self, chat: i64, refused: Option<Duration>) {
        let mut s = self.state.lock().await;
        let now = Instant::now();
        s.recent.push_back((now, refused.is_some()));
        while s.recent.front().is_some_and(|(at, _)| now.duration_since(*at) > REFUSALS_WINDOW) {
            s.recent.pop_front();
        }
        let Some(wait) = refused else { return };
        let until = now + wait;
        // The chat's next turn is after the wait (its gap is added in `wait`).
        let gap = self.per_chat;
        let turn = s.per_chat.entry(chat).or_insert(now);
        *turn = (*turn).max(until.checked_sub(gap).unwrap_or(until));
        let refusals = s.recent.iter().filter(|(_, r)| *r).count();
        if refusals >= REFUSALS_FOR_ALL && refusals * 4 >= s.recent.len() {
            tracing::warn!(
                refusals,
                sends = s.recent.len(),
                "Telegram refuses much of what is sent; holding everything back"
            );
            s.paused_until = s.paused_until.max(until);
        }
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
        Content::Text(text) => {
            call(bot, &bot.send_message(chat, esc(text)).parse_mode(ParseMode::Html)).await.map(|_| ())
        }
        // A file Telegram keeps goes by its id, as JSON like any other message.
        Content::Photo { file_id, caption } => {
            let mut req = bot.send_photo(chat, InputFile::file_id(FileId(file_id.clone())));
            if let Some(c) = caption {
                req = req.caption(esc(c)).parse_mode(ParseMode::Html);
            }
            call(bot, &req).await.map(|_| ())
        }
        Content::Document { file_id, caption } => {
            let mut req = bot.send_document(chat, InputFile::file_id(FileId(file_id.clone())));
            if let Some(c) = caption {
                req = req.caption(esc(c)).parse_mode(ParseMode::Html);
            }
            call(bot, &req).await.map(|_| ())
        }
    }
}

/// Where email notices go (`None`: email is off).
pub type MailerRef = Option<std::sync::Arc<dyn crate::services::notify::Mailer>>;

/// The outbox loop: takes due notices, most urgent first, and hands each to
/// a worker of its chat (or email address), which delivers that chat's in
/// order, until shut down.
///
/// Chats do not wait for one another: a send that takes long (Telegram
/// answering 5xx, which teloxide answers by waiting ten seconds, or a chat
/// told to wait) holds back only its own chat, while the loop goes on taking
/// what is due for the others. What a worker has in hand is leased to this
/// instance, so no pass takes it twice.
pub async fn run(
    app: App,
    bot: Bot,
    instance: Instance,
    mailer: MailerRef,
    limiter: std::sync::Arc<Limiter>,
    shutdown: CancellationToken,
) {
    let mut broadcasts: HashMap<i64, Content> = HashMap::new();
    let in_hand = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let sender = ChatSender { app: app.clone(), bot, mailer, limiter, shutdown: shutdown.clone() };
    let mut chats = super::workers::PerKey::new(IN_HAND_MAX, |_: ChatKey, rx: mpsc::Receiver<Taken>| {
        sender.clone().work(rx, in_hand.clone())
    });
    while !shutdown.is_cancelled() {
        let room = IN_HAND_MAX.saturating_sub(in_hand.load(std::sync::atomic::Ordering::SeqCst));
        if room == 0 {
            idle(&shutdown, Duration::from_millis(50)).await;
            continue;
        }
        let due = match take(&app, &instance, room.min(64) as u64, &mut broadcasts).await {
            Ok(due) => due,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the outbox");
                idle(&shutdown, Duration::from_secs(2)).await;
                continue;
            }
        };
        if due.is_empty() {
            idle(&shutdown, Duration::from_millis(250)).await;
            continue;
        }
        for taken in due {
            in_hand.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            chats.send((taken.message.chat_id, taken.message.email.clone()), taken).await;
        }
    }
    chats.finish().await;
}

/// At most this many messages are in the hands of chat workers at once.
const IN_HAND_MAX: usize = 512;

/// How long a chat's worker waits for more before it stops.
const CHAT_IDLE: Duration = Duration::from_secs(30);

/// Whom a message goes to: a chat, or an email address.
type ChatKey = (i64, Option<String>);

/// A message taken from the outbox, with what a broadcast sends.
struct Taken {
    message: OutboxMessage,
    notice: Notice,
    content: Option<Content>,
}

/// Takes what is due for `instance` (at most `limit`), with each broadcast's content.
async fn take(
    app: &App,
    instance: &Instance,
    limit: u64,
    broadcasts: &mut HashMap<i64, Content>,
) -> Result<Vec<Taken>, crate::services::Error> {
    let by = instance.clone();
    let due = blocking(app, move |app| notify::due(app, limit, &by)).await?;
    let mut out = Vec::with_capacity(due.len());
    for (message, notice) in due {
        let content = match &notice {
            Notice::Broadcast { broadcast_id } => {
                let id = *broadcast_id;
                if !broadcasts.contains_key(&id)
                    && let Ok(c) = blocking(app, move |app| crate::services::broadcast::content(app, id)).await
                {
                    broadcasts.insert(id, c);
                }
                broadcasts.get(&id).cloned()
            }
            _ => None,
        };
        out.push(Taken { message, notice, content });
    }
    Ok(out)
}

/// Delivers one chat's messages, in order.
#[derive(Clone)]
struct ChatSender {
    app: App,
    bot: Bot,
    mailer: MailerRef,
    limiter: std::sync::Arc<Limiter>,
    shutdown: CancellationToken,
}

impl ChatSender {
    /// A chat's worker: delivers what it is handed until idle or shut down.
    async fn work(self, mut rx: mpsc::Receiver<Taken>, in_hand: std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        loop {
            let next = tokio::select! {
                n = super::workers::next(&mut rx, CHAT_IDLE) => n,
                _ = self.shutdown.cancelled() => return,
            };
            let Some(taken) = next else { return };
            let mut batch = vec![taken];
            while let Ok(more) = rx.try_recv() {
                batch.push(more);
            }
            let n = batch.len();
            self.deliver_in_order(batch).await;
            in_hand.fetch_sub(n, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Delivers one chat's messages in order. Once one is to be tried again
    /// (Telegram failing, or asking to wait), the ones after it are put off
    /// until then, untried, so they keep their order behind it.
    async fn deliver_in_order(&self, messages: Vec<Taken>) {
        let mut rest = messages.into_iter();
        while let Some(Taken { message, notice, content }) = rest.next() {
            if self.shutdown.is_cancelled() {
                // What was taken and not sent is due again when its lease
                // ends, or at once when this instance says it stopped.
                return;
            }
            let outcome = self.deliver_one(&message, &notice, content.as_ref()).await;
            let (app, message2) = (self.app.clone(), message.clone());
            match blocking(&self.app, move |_| notify::record(&app, &message2, &outcome)).await {
                Ok(Some(again)) => {
                    let behind: Vec<i64> = rest.map(|t| t.message.id).collect();
                    let app = self.app.clone();
                    if let Err(e) = blocking(&self.app, move |_| notify::put_off(&app, &behind, again)).await {
                        tracing::error!(error = %e, "cannot put off a chat's messages; they go when their lease ends");
                    }
                    return;
                }
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, outbox = message.id, "cannot record a delivery"),
            }
        }
    }

    async fn deliver_one(&self, message: &OutboxMessage, notice: &Notice, content: Option<&Content>) -> Outcome {
        if let Some(address) = &message.email {
            return deliver_email(&self.app, &self.mailer, address, notice).await;
        }
        tokio::select! {
            _ = self.limiter.wait(message.chat_id) => {}
            _ = self.shutdown.cancelled() => return Outcome::Temporary("shutting down".into()),
        }
        let outcome = deliver(&self.bot, &self.app, message, notice, content).await;
        let refused = match &outcome {
            Outcome::RetryAfter(wait) => {
                tracing::info!(chat = message.chat_id, seconds = wait.as_secs(), "Telegram asked to slow down");
                Some(*wait)
            }
            _ => None,
        };
        self.limiter.sent(message.chat_id, refused).await;
        outcome
    }
}

/// One pass, for tests and tools: takes the notices due now and delivers
/// them, each chat's in order, every chat at once; returns how many were taken.
pub async fn deliver_due(
    app: &App,
    bot: &Bot,
    instance: &Instance,
    mailer: &MailerRef,
    limiter: &std::sync::Arc<Limiter>,
    shutdown: &CancellationToken,
    broadcasts: &mut HashMap<i64, Content>,
) -> Result<usize, crate::services::Error> {
    use futures_util::StreamExt;
    let due = take(app, instance, 64, broadcasts).await?;
    let taken = due.len();
    let sender = ChatSender {
        app: app.clone(),
        bot: bot.clone(),
        mailer: mailer.clone(),
        limiter: limiter.clone(),
        shutdown: shutdown.clone(),
    };
    let sender = &sender;
    futures_util::stream::iter(by_chat(due))
        .for_each_concurrent(None, |messages| async move { sender.deliver_in_order(messages).await })
        .await;
    Ok(taken)
}

/// The messages by chat (or email address), each chat's in order, the chats
/// in the order of their first message (replies, then notifications, then
/// broadcasts, as [`notify::due`] gives them).
fn by_chat(due: Vec<Taken>) -> Vec<Vec<Taken>> {
    let mut index: HashMap<ChatKey, usize> = HashMap::new();
    let mut groups: Vec<Vec<Taken>> = Vec::new();
    for t in due {
        let key = (t.message.chat_id, t.message.email.clone());
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(t);
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

async fn deliver(bot: &Bot, app: &App, message: &OutboxMessage, notice: &Notice, content: Option<&Content>) -> Outcome {
    let chat = ChatId(message.chat_id);
    let lang = language_of(app, message.chat_id).await;
    let tz = app.settings.timezone;
    let sent: Result<(), RequestError> = match notice {
        Notice::ReplyContent { content } => send_content(bot, chat, content).await,
        Notice::CommandMenu => {
            super::commands::refresh_for(bot, app, message.chat_id).await;
            Ok(())
        }
        Notice::Broadcast { broadcast_id } => match content {
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
            call(bot, &req).await.map(|_| ())
        }
    };
    observe(app, &sent);
    match sent {
        Ok(()) => Outcome::Sent,
        Err(e) => {
            let outcome = outcome_of(&e);
            tracing::debug!(chat = message.chat_id, error = %e, ?outcome, "notice not delivered");
            outcome
        }
    }
}

/// Records in the bot's connection state (for /readyz and /metrics) what a
/// call to the Bot API found: Telegram there, or not (see [`unreached`]).
pub(super) fn observe<T>(app: &App, result: &Result<T, RequestError>) {
    match result {
        Err(e) if unreached(e) => app.telemetry.bot.failed(app.now(), &e.to_string()),
        _ => app.telemetry.bot.answered(app.now()),
    }
}

/// Whether a call to the Bot API failed without Telegram serving it: no
/// answer at all (network, I/O, a body that is not the API's), or its front
/// answering that the API behind it is down (a 5xx: Bad Gateway, Service
/// Unavailable, ...). The one rule for the bot's connection state: a refusal
/// (a 409 conflict, too many requests, a blocked chat) means Telegram is there.
fn unreached(e: &RequestError) -> bool {
    const DOWN: [&str; 5] =
        ["Internal Server Error", "Bad Gateway", "Service Unavailable", "Gateway Timeout", "Gateway Time-out"];
    match e {
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => true,
        RequestError::Api(teloxide::ApiError::Unknown(description)) => DOWN.iter().any(|d| description.contains(d)),
        _ => false,
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
                render::card(lang, tz, &card.request, &card.items, card.attachments.len(), render::Due::of(&card))
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
        Notice::Done { request_id } => {
            let text = format!("{}\n\n{}", l(Msg::NoticeDone { number: &num(request_id) }), l(Msg::RatePrompt));
            let stars = (1..=5u8).map(|n| raw_button(format!("{n} ⭐"), Callback::Rate(*request_id, n))).collect();
            (text, Some(inline(vec![stars])))
        }
        Notice::Rejected { request_id, reason } => {
            (l(Msg::NoticeRejected { number: &num(request_id), reason: &esc(reason) }), None)
        }
        Notice::Cancelled { request_id } => (l(Msg::NoticeCancelled { number: &num(request_id) }), None),
        Notice::Waiting { request_id, waiting, note } => {
            let (number, note) = (&num(request_id), &esc(note));
            match waiting {
                crate::domain::Waiting::Author => (
                    l(Msg::NoticeQuestion { number, question: note }),
                    Some(inline(vec![vec![button(lang, Msg::AnswerButton, Callback::Answer(*request_id))]])),
                ),
                crate::domain::Waiting::Parts => (l(Msg::NoticeWaitingParts { number, note }), None),
            }
        }
        Notice::Resumed { request_id } => (l(Msg::NoticeResumed { number: &num(request_id) }), None),
        Notice::LowRating { request_id, score, comment } => {
            (l(Msg::NoticeLowRating { number: &num(request_id), score: *score, comment: &esc(comment) }), None)
        }
        Notice::Unanswered { request_id, after_minutes } | Notice::UnansweredAssignee { request_id, after_minutes } => {
            let after = crate::services::sla::overdue(lang, chrono::Duration::minutes(*after_minutes), false);
            let number = &num(request_id);
            let text = match notice {
                Notice::Unanswered { .. } => l(Msg::NoticeUnanswered { number, after: &after }),
                _ => l(Msg::NoticeUnansweredAssignee { number, after: &after }),
            };
            (text, None)
        }
        Notice::Answered { request_id, answer } => {
            (l(Msg::NoticeAnswered { number: &num(request_id), answer: &esc(answer) }), None)
        }
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
        Notice::StockForecast { lines } => {
            (crate::services::notify::forecast_text(lang, app.settings.stock.lead_days, lines, true), None)
        }
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

    fn message(id: i64, chat_id: i64, broadcast_id: Option<i64>) -> Taken {
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
        Taken { message: m, notice: Notice::Done { request_id: id }, content: None }
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
        let groups: Vec<Vec<i64>> = by_chat(due).iter().map(|g| g.iter().map(|t| t.message.id).collect()).collect();
        assert_eq!(groups, [vec![1, 3], vec![2, 5], vec![4]]);
    }

    #[tokio::test]
    async fn a_refusal_holds_back_its_chat_and_only_a_wave_of_them_everyone() {
        let limiter = Limiter::with_chat_gap(1000, Duration::ZERO);
        let timed = |chat: i64| {
            let limiter = &limiter;
            async move {
                let started = Instant::now();
                limiter.wait(chat).await;
                started.elapsed()
            }
        };
        limiter.sent(1, Some(Duration::from_millis(400))).await;
        assert!(timed(2).await < Duration::from_millis(100), "another chat goes on");
        assert!(timed(1).await >= Duration::from_millis(350), "the refused chat waits");
        // Refusals that are a good share of what was sent hold everything back.
        for chat in 10..14 {
            limiter.sent(chat, None).await;
        }
        for chat in 20..24 {
            limiter.sent(chat, Some(Duration::from_millis(300))).await;
        }
        assert!(timed(99).await >= Duration::from_millis(250), "a wave of refusals");
    }
}

#[cfg(test)]
mod unreached_tests {
    use super::unreached;
    use teloxide::{ApiError, RequestError};

    #[test]
    fn telegram_down_is_told_from_telegram_refusing() {
        assert!(unreached(&RequestError::Api(ApiError::Unknown("Bad Gateway".into()))));
        assert!(unreached(&RequestError::Api(ApiError::Unknown("Service Unavailable".into()))));
        assert!(!unreached(&RequestError::Api(ApiError::BotBlocked)));
        assert!(!unreached(&RequestError::Api(ApiError::Unknown("Bad Request: chat not found".into()))));
        assert!(!unreached(&RequestError::RetryAfter(teloxide::types::Seconds::from_seconds(3))));
    }
}
