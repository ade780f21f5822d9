//! Notifications: what the help desk tells people when something changes.
//!
//! A [`Notice`] is written to the outbox in the same transaction as the change
//! it announces, so it exists exactly when the change does. A front end that
//! can reach people (the bot inside `helpdesk serve`) delivers due notices and
//! reports each outcome here: sent, retry later, or give up. Nothing is lost
//! to a crash between the change and the message.

use super::serve::Instance;
use super::{App, Result, effective_role};
use crate::config::Settings;
use crate::domain::Kind;
use crate::store::{BLOCKED_BY_USER, OutboxMessage, Tx, UserFilter};
use chrono::{DateTime, Duration, Utc};

/// An event someone must hear about. Texts are rendered when it is sent, in
/// the recipient's language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Notice {
    /// To staff: a new request they can take.
    NewRequest { request_id: i64 },
    /// To the author.
    Accepted { request_id: i64, by: String },
    /// To the author.
    Done { request_id: i64 },
    /// To the author.
    Rejected { request_id: i64, reason: String },
    /// To the assignee: the author cancelled.
    Cancelled { request_id: i64 },
    /// To the author: staff stopped the clock, with a question for them or what is awaited.
    Waiting { request_id: i64, waiting: crate::domain::Waiting, note: String },
    /// To the author: work on it goes on.
    Resumed { request_id: i64 },
    /// To the assignee: the author answered the question; the clock runs again.
    Answered { request_id: i64, answer: String },
    /// To the branch's administrators: its author rated a request low.
    LowRating { request_id: i64, score: i64, comment: String },
    /// To the author: closed, the question about it unanswered for this long.
    Unanswered { request_id: i64, after_minutes: i64 },
    /// To the assignee: the same, said to the one who asked.
    UnansweredAssignee { request_id: i64, after_minutes: i64 },
    /// To the author.
    CartridgesIssued { request_id: i64, lines: Vec<IssuedLine>, note: Option<String> },
    /// To on-duty staff: someone needs help in the server room now.
    ServerCall { call_id: i64 },
    /// To the caller and the other staff.
    CallAnswered { call_id: i64, responder: String, coming: bool },
    /// To everyone: an administrator's announcement.
    Broadcast { broadcast_id: i64 },
    /// To the administrator who broadcast: how delivery went.
    BroadcastReport { broadcast_id: i64, recipients: i64, delivered: i64, failed: i64, blocked: i64 },
    /// A reply of the bot to something a person did: its rendered text and
    /// keyboard. Recorded with the step it answers and sent at once; the
    /// outbox delivers it only when that did not happen (a crash, the Bot API failing).
    Reply { text: String, markup: Option<String> },
    /// A reply that is a photo or a document (a request's attachments, a broadcast's preview).
    ReplyContent { content: super::broadcast::Content },
    /// To storekeepers (and by email to the staff mailbox): the weekly stock
    /// forecast's suggested orders.
    StockForecast { lines: Vec<ForecastLine> },
    /// Not a message: what the person may do changed (their role, a block),
    /// so the command menu Telegram shows them is set again.
    CommandMenu,
}

/// One cartridge line of an issue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IssuedLine {
    pub article: String,
    pub name: String,
    pub ordered: i64,
    /// Issued in all so far, this issue included.
    pub issued: i64,
    /// Issued by this issue.
    pub now: i64,
}

/// One suggested order of the stock forecast's digest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ForecastLine {
    pub warehouse: String,
    pub cartridge: String,
    pub article: String,
    pub days_left: u32,
    pub order: i64,
}

/// The digest's text in `lang`: its head, then a line each; Telegram's HTML
/// (names escaped), or plain text for an email's text part.
pub fn forecast_text(lang: crate::domain::Lang, lead_days: u32, lines: &[ForecastLine], html: bool) -> String {
    use crate::i18n::{Msg, t};
    let esc = |s: &str| if html { super::email::html_escape(s) } else { s.to_string() };
    let mut text = t(lang, Msg::StockDigestHead { lead_days });
    for l in lines {
        text.push('\n');
        text.push_str(&t(
            lang,
            Msg::StockDigestLine {
                warehouse: &esc(&l.warehouse),
                cartridge: &esc(&l.cartridge),
                article: &esc(&l.article),
                days_left: l.days_left,
                order: l.order,
            },
        ));
    }
    if html { text } else { text.replace("<b>", "").replace("</b>", "") }
}

/// Queues `notice` for `chat_id` in the caller's transaction.
pub fn enqueue(tx: &mut dyn Tx, chat_id: i64, notice: &Notice, at: DateTime<Utc>) -> Result<()> {
    let json = serde_json::to_string(notice).expect("notices serialise");
    tx.outbox_push(chat_id, &json, at)?;
    Ok(())
}

/// Queues `notice` for an email address in the caller's transaction.
pub fn enqueue_email(tx: &mut dyn Tx, address: &str, notice: &Notice, at: DateTime<Utc>) -> Result<()> {
    let json = serde_json::to_string(notice).expect("notices serialise");
    tx.outbox_push_email(address, &json, at)?;
    Ok(())
}

/// Queues the reply `notice` for `chat_id` in the caller's transaction, held
/// by the instance `by` until `until` for it to deliver itself (see
/// [`sent`]); the outbox sends it after that if it is still unsent, or at
/// once should `by` die, before any notification.
/// Returns the message as queued.
pub fn hold(
    tx: &mut dyn Tx,
    chat_id: i64,
    notice: &Notice,
    at: DateTime<Utc>,
    until: DateTime<Utc>,
    by: &Instance,
) -> Result<OutboxMessage> {
    let json = serde_json::to_string(notice).expect("notices serialise");
    let id = tx.outbox_push_reply(chat_id, &json, at, until, by.id())?;
    Ok(OutboxMessage {
        id,
        chat_id,
        email: None,
        broadcast_id: None,
        priority: crate::store::OUTBOX_REPLY,
        notice: json,
        created_at: at,
        send_after: until,
        attempts: 0,
    })
}

/// Records held messages that their holder delivered.
pub fn sent(app: &App, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let now = app.now();
    let mut tx = app.store.write()?;
    for id in ids {
        tx.outbox_sent(*id, now)?;
    }
    tx.commit()?;
    Ok(())
}

/// Makes every message that was taken or held due now: on start of the one
/// long-polling instance, when no other process can hold them (the one that
/// did is gone). Returns how many.
pub fn release_held(app: &App) -> Result<u64> {
    let now = app.now();
    let mut tx = app.store.write()?;
    let n = tx.outbox_release(now)?;
    tx.commit()?;
    Ok(n)
}

/// Staff who should hear about work of `kind` (or every staff member for
/// `None`): on duty, reachable, with a role that handles it; super admins from
/// the configuration included.
pub fn staff_for(tx: &mut dyn Tx, settings: &Settings, kind: Option<Kind>) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    let filter = UserFilter { reachable_only: true, on_duty_only: true, ..Default::default() };
    for u in tx.users(&filter)? {
        let role = effective_role(settings, u.telegram_id, u.role);
        let handles = match kind {
            Some(k) => role.handles(k),
            None => role.is_staff(),
        };
        if handles {
            ids.push(u.telegram_id);
        }
    }
    Ok(ids)
}

/// How many notices for one chat one pass of the sender takes at most:
/// Telegram takes about one a second per chat, so more would only wait there
/// while other chats' notices wait behind them.
pub const PER_CHAT: u64 = 2;

/// How long a sender holds the notices it took before they are due again
/// even while it is alive (it is stuck); should it die, others take them
/// over as soon as its heartbeat stops (see [`super::serve::ALIVE_WITHIN`]).
pub const LEASE: Duration = Duration::minutes(2);

/// Takes notices due for delivery (most urgent, then oldest first), holding
/// them for the instance `by` for [`LEASE`]; ones that cannot be read are
/// failed on the spot.
pub fn due(app: &App, limit: u64, by: &Instance) -> Result<Vec<(OutboxMessage, Notice)>> {
    let now = app.now();
    let mut tx = app.store.write()?;
    let mut out = Vec::new();
    for m in tx.outbox_due(now, super::serve::alive_since(now), limit, PER_CHAT)? {
        match serde_json::from_str::<Notice>(&m.notice) {
            Ok(n) => out.push((m, n)),
            Err(e) => tx.outbox_failed(m.id, now, &format!("unreadable notice: {e}"))?,
        }
    }
    let ids: Vec<i64> = out.iter().map(|(m, _)| m.id).collect();
    tx.outbox_lease(&ids, now + LEASE, by.id())?;
    tx.commit()?;
    Ok(out)
}

/// How delivering one notice went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Told to wait (HTTP 429): try again after this long, without counting it as a failure.
    RetryAfter(std::time::Duration),
    /// A passing failure (network, 5xx): back off and try again.
    Temporary(String),
    /// The person blocked the bot: give up and remember it.
    Blocked,
    /// Something that will not get better by retrying.
    Permanent(String),
}

/// Attempts after which a notice is given up on.
pub const MAX_ATTEMPTS: i64 = 12;

/// Records how delivering `message` went; returns when it is due again,
/// for an outcome that tries again.
pub fn record(app: &App, message: &OutboxMessage, outcome: &Outcome) -> Result<Option<DateTime<Utc>>> {
    let now = app.now();
    let mut tx = app.store.write()?;
    let mut again = None;
    match outcome {
        Outcome::Sent => tx.outbox_sent(message.id, now)?,
        Outcome::RetryAfter(wait) => {
            let after = now + Duration::from_std(*wait).unwrap_or(Duration::seconds(1));
            tx.outbox_retry(message.id, after, "told to wait (429)")?;
            again = Some(after);
        }
        Outcome::Temporary(e) if message.attempts + 1 >= MAX_ATTEMPTS => {
            tx.outbox_failed(message.id, now, &format!("gave up after {} attempts: {e}", message.attempts + 1))?;
        }
        Outcome::Temporary(e) => {
            // 1, 2, 4, 8 ... seconds, at most ten minutes apart: someone may be
            // waiting for it, and the pace of the sender keeps us from
            // hammering a Telegram that fails.
            let after = now + Duration::seconds((1_i64 << message.attempts.min(10)).min(600));
            tx.outbox_retry(message.id, after, e)?;
            again = Some(after);
        }
        Outcome::Blocked => {
            tx.outbox_failed(message.id, now, BLOCKED_BY_USER)?;
            if message.email.is_none() {
                mark_bot_blocked(&mut *tx, message.chat_id, now)?;
            }
        }
        Outcome::Permanent(e) => tx.outbox_failed(message.id, now, e)?,
    }
    if let Some(id) = message.broadcast_id {
        super::broadcast::finish_if_done(&mut *tx, id, now)?;
    }
    tx.commit()?;
    Ok(again)
}

/// Puts `ids` off until `after`, in one transaction, without counting an
/// attempt: messages to a chat behind one that failed, which keep their
/// order by going with it.
pub fn put_off(app: &App, ids: &[i64], after: DateTime<Utc>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut tx = app.store.write()?;
    for id in ids {
        tx.outbox_defer(*id, after)?;
    }
    tx.commit()?;
    Ok(())
}

/// Remembers that a person blocked the bot, so broadcasts skip them.
pub fn mark_bot_blocked(tx: &mut dyn Tx, chat_id: i64, at: DateTime<Utc>) -> Result<()> {
    if let Some(mut u) = tx.user(chat_id)?
        && u.bot_blocked_at.is_none()
    {
        u.bot_blocked_at = Some(at);
        tx.update_user(&u)?;
    }
    Ok(())
}

/// An email, rendered: a subject, a plain-text part and an HTML part, and
/// the conversation it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub thread: Thread,
}

/// Where a letter stands in a conversation, so that a mail client shows the
/// letters about one request together (RFC 5322's Message-ID, In-Reply-To
/// and References, each on the sender's domain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Thread {
    /// A letter of its own (a digest about several requests, a report).
    Alone,
    /// The first letter about something, e.g. `hd-000123`: its Message-ID
    /// is that key's, so the same letter sent again has the same one.
    Starts(String),
    /// A later letter about it: it answers the first one.
    Follows(String),
}

impl Thread {
    /// The conversation about one request.
    pub fn key_of_request(request_id: i64) -> String {
        format!("hd-{request_id:06}")
    }
}

/// Sends email (SMTP in production, a test double in tests).
pub trait Mailer: Send + Sync {
    fn send(&self, to: &[String], letter: &Letter) -> Outcome;
}

/// Sends Telegram messages (HTML) from blocking code: the Bot API directly,
/// with no running `serve` needed.
pub trait Messenger: Send + Sync {
    fn send(&self, chat_id: i64, html: &str) -> Outcome;
}

/// The channels a job may use; `None` where not configured.
#[derive(Clone, Copy, Default)]
pub struct Channels<'a> {
    pub telegram: Option<&'a dyn Messenger>,
    pub email: Option<&'a dyn Mailer>,
}

/// The email for a notice sent to an address (new requests and the stock forecast's digest go by email).
pub fn letter_for(app: &App, notice: &Notice) -> Result<Letter> {
    use super::email::html_escape;
    use crate::domain::RequestNumber;
    use crate::i18n::{Msg, t, when};
    let request_id = match notice {
        Notice::NewRequest { request_id } => request_id,
        Notice::StockForecast { lines } => {
            let lang = app.settings.default_language;
            let lead = app.settings.stock.lead_days;
            return Ok(Letter {
                subject: t(lang, Msg::EmailStockDigestSubject { lines: lines.len() }),
                html: format!("<p>{}</p>\n", forecast_text(lang, lead, lines, true).replace('\n', "<br>\n")),
                text: forecast_text(lang, lead, lines, false),
                thread: Thread::Alone,
            });
        }
        _ => {
            return Err(super::Error::Invalid(
                "only new-request notices and the stock digest are sent by email".into(),
            ));
        }
    };
    let card = super::requests::card(app, &super::Actor::System("notify"), *request_id)?;
    let r = &card.request;
    let lang = app.settings.default_language;
    let l = |m: Msg<'_>| t(lang, m);
    let number = RequestNumber(r.id).to_string();
    let fields = [
        (l(Msg::LabelStatus), l(Msg::Status(r.status))),
        (l(Msg::LabelBranch), r.branch_name.clone()),
        (l(Msg::LabelAuthor), r.author_name.clone()),
        (l(Msg::LabelContact), format!("{}, {}", r.contact_name, r.contact_phone)),
        (l(Msg::LabelCreated), when(r.created_at, app.settings.timezone)),
    ];
    let mut text = format!(
        "{} {number} · {} · {}\n\n",
        l(Msg::NoticeNewRequest),
        l(Msg::Kind(r.kind)),
        l(Msg::Priority(r.priority))
    );
    let mut html = format!(
        "<h2>{} {number}</h2>\n<p>{} · {}</p>\n<table cellpadding=\"4\">\n",
        html_escape(&l(Msg::NoticeNewRequest)),
        html_escape(&l(Msg::Kind(r.kind))),
        html_escape(&l(Msg::Priority(r.priority)))
    );
    for (k, v) in &fields {
        text.push_str(&format!("{k}: {v}\n"));
        html.push_str(&format!("<tr><th align=\"left\">{}</th><td>{}</td></tr>\n", html_escape(k), html_escape(v)));
    }
    text.push_str(&format!("\n{}\n", r.description));
    html.push_str(&format!("</table>\n<p>{}</p>\n", html_escape(&r.description).replace('\n', "<br>")));
    for i in &card.items {
        text.push_str(&format!("- {} ({}) x {}\n", i.cartridge_name, i.vendor_article, i.quantity));
        html.push_str(&format!(
            "<p>• {} ({}) × {}</p>\n",
            html_escape(&i.cartridge_name),
            html_escape(&i.vendor_article),
            i.quantity
        ));
    }
    Ok(Letter {
        subject: l(Msg::EmailNewRequestSubject { number: &number }),
        text,
        html,
        thread: Thread::Starts(Thread::key_of_request(r.id)),
    })
}
