//! The bot loop inside `helpdesk serve` (assembled by [`crate::serve`]).
//!
//! Reliability comes from the inbox. The poller stores each batch of updates
//! in the database *before* asking Telegram for the next batch (which is what
//! confirms the previous one), so a crash never loses a confirmed update.
//! Workers, one per chat so each chat's updates are handled in order, run the
//! handler tree and mark updates done; on start, updates received but not
//! done are replayed (request creation is keyed by update id and dialogue
//! steps remember the last update applied, so a replay changes nothing twice).
//!
//! With `--webhook-url`, Telegram posts updates to `--listen` instead: each is
//! stored (the inbox key drops a retried one) before it is acknowledged, and
//! several processes behind a load balancer can share one PostgreSQL database.
//! An update a process stored but did not handle (it stopped) is claimed by
//! another after [`CLAIM_GRACE`], one claimant per update.
//!
//! When `serve` is told to stop, polling stops, updates in hand finish and
//! the done marks are flushed.

use super::ctx::{BoxError, blocking};
use super::schema::schema;
use super::sender;
use super::storage::{self, DialogueStore};
use crate::domain::model::InboxUpdate;
use crate::services::serve::Instance;
use crate::services::{self, App, inbox};
use anyhow::{Result, bail};
use futures_util::FutureExt;
use std::sync::Arc;
use std::time::Duration;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, Me};
use teloxide::{ApiError, RequestError};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// How long one getUpdates call waits for updates (long polling).
const POLL_SECONDS: u32 = 10;
/// How long an idle per-chat worker lives.
const WORKER_IDLE: Duration = Duration::from_secs(60);
/// How long handled updates are kept in the inbox.
const INBOX_KEEP_DAYS: i64 = 7;

/// After this long unhandled, a webhook process's update is claimed by another.
pub const CLAIM_GRACE: Duration = Duration::from_secs(120);
/// How long a claim lasts while its claimant is alive.
const CLAIM_LEASE: Duration = Duration::from_secs(300);
/// How often a webhook process looks for updates nobody alive handles.
const RECLAIM_EVERY: Duration = Duration::from_secs(2);

/// Runs the bot once Telegram has said who it is (`me`): registers the
/// command menus, takes updates (by long polling, or from the webhook route
/// through `updates_tx` when `webhook` names the public URL and its secret),
/// handles each chat's in order, and marks them done; returns when
/// `shutdown` is cancelled and every update in hand is finished.
pub async fn run(
    app: App,
    bot: Bot,
    me: Me,
    instance: Instance,
    webhook: Option<(url::Url, String)>,
    updates: (mpsc::Sender<Update>, mpsc::Receiver<Update>),
    shutdown: CancellationToken,
) -> Result<()> {
    let (updates_tx, updates_rx) = updates;
    let (done_tx, done_rx) = mpsc::unbounded_channel::<i64>();
    {
        let (bot, app) = (bot.clone(), app.clone());
        tokio::spawn(async move { super::commands::register(&bot, &app).await });
    }
    let poller = match webhook {
        Some((url, secret)) => {
            set_webhook(&app, &bot, &url, &secret, &shutdown).await?;
            tracing::info!(%url, "receiving updates by webhook");
            crate::announce!("helpdesk: receiving updates by webhook at {url}");
            tokio::spawn(reclaim(app.clone(), instance.clone(), updates_tx, shutdown.clone()))
        }
        None => {
            if let Err(e) = bot.delete_webhook().await {
                tracing::warn!(error = %e, "cannot remove a webhook set earlier; getUpdates may fail");
            }
            tokio::spawn(poll(app.clone(), bot.clone(), instance.clone(), updates_tx, shutdown.clone()))
        }
    };
    let dispatcher = tokio::spawn(dispatch(app.clone(), bot.clone(), me, instance, updates_rx, done_tx));
    let flusher = tokio::spawn(flush_done(app.clone(), done_rx));
    let pruner = tokio::spawn(prune_inbox(app.clone(), shutdown.clone()));
    let _ = poller.await;
    let _ = dispatcher.await;
    let _ = flusher.await;
    let _ = pruner.await;
    Ok(())
}

/// Asks Telegram who we are; a rejected token is fatal, an unreachable API
/// is retried. `None` when shut down first.
pub async fn connect(bot: &Bot, app: &App, shutdown: &CancellationToken) -> Result<Option<Me>> {
    let mut backoff = Duration::from_secs(1);
    app.telemetry.bot.connecting(app.now());
    loop {
        let attempt = tokio::select! {
            r = bot.get_me() => r,
            _ = shutdown.cancelled() => return Ok(None),
        };
        super::sender::observe(app, &attempt);
        match attempt {
            Ok(me) => return Ok(Some(me)),
            Err(RequestError::Api(ApiError::InvalidToken)) => {
                bail!("Telegram rejected the bot token; check HELPDESK_BOT_TOKEN (ask @BotFather for the right one)")
            }
            Err(e) => {
                tracing::warn!(api = %app.settings.telegram_api_url, error = %e, "cannot reach the Bot API; retrying in {}s", backoff.as_secs());
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = shutdown.cancelled() => return Ok(None),
                }
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
        }
    }
}

/// Tells Telegram to post updates to `url` with `secret`; retried while the API is unreachable.
async fn set_webhook(app: &App, bot: &Bot, url: &url::Url, secret: &str, shutdown: &CancellationToken) -> Result<()> {
    let mut backoff = Duration::from_secs(1);
    loop {
        let request = bot
            .set_webhook(url.clone())
            .secret_token(secret.to_string())
            .allowed_updates(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery]);
        let attempt = tokio::select! {
            r = request.send() => r,
            _ = shutdown.cancelled() => return Ok(()),
        };
        super::sender::observe(app, &attempt);
        match attempt {
            Ok(_) => return Ok(()),
            Err(RequestError::Api(e)) => bail!("Telegram refused the webhook {url}: {e}"),
            Err(e) => {
                tracing::warn!(error = %e, "cannot set the webhook; retrying in {}s", backoff.as_secs());
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = shutdown.cancelled() => return Ok(()),
                }
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
        }
    }
}

/// Hands stored updates to the dispatcher; one that no longer parses is
/// marked done and dropped. `false` when the dispatcher has stopped.
async fn feed(app: &App, tx: &mpsc::Sender<Update>, rows: Vec<InboxUpdate>) -> bool {
    for row in rows {
        match serde_json::from_str::<Update>(&row.payload) {
            Ok(u) => {
                if tx.send(u).await.is_err() {
                    return false;
                }
            }
            Err(e) => {
                tracing::error!(update = row.update_id, error = %e, "unreadable stored update; dropping it");
                let id = row.update_id;
                let _ = blocking(app, move |app| inbox::done(app, &[id])).await;
            }
        }
    }
    true
}

/// Every few seconds: claims the updates that nobody alive handles (their
/// process died, or is stuck past [`CLAIM_GRACE`]) and handles them here.
async fn reclaim(app: App, instance: Instance, tx: mpsc::Sender<Update>, shutdown: CancellationToken) {
    loop {
        let by = instance.clone();
        match blocking(&app, move |app| inbox::claim_stale(app, &by, CLAIM_GRACE, CLAIM_LEASE, 1000)).await {
            Ok(rows) => {
                if !rows.is_empty() {
                    tracing::info!(count = rows.len(), "taking over updates another process left unhandled");
                }
                if !feed(&app, &tx, rows).await {
                    return;
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot look for unhandled updates"),
        }
        tokio::select! {
            _ = tokio::time::sleep(RECLAIM_EVERY) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

/// Replays the inbox, then long-polls: each batch is stored before the next call confirms it.
async fn poll(app: App, bot: Bot, instance: Instance, tx: mpsc::Sender<Update>, shutdown: CancellationToken) {
    match blocking(&app, |app| inbox::pending(app, 100_000)).await {
        Ok(pending) => {
            if !pending.is_empty() {
                tracing::info!(count = pending.len(), "replaying updates received before a restart");
            }
            if !feed(&app, &tx, pending).await {
                return;
            }
        }
        Err(e) => tracing::error!(error = %e, "cannot read the inbox; not replaying"),
    }
    let mut offset = blocking(&app, inbox::next_offset).await.unwrap_or(0);
    let mut backoff = Duration::from_secs(1);
    while !shutdown.is_cancelled() {
        let request = bot
            .get_updates()
            .offset(i32::try_from(offset).unwrap_or(i32::MAX))
            .timeout(POLL_SECONDS)
            .limit(100)
            .allowed_updates(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery]);
        let result = tokio::select! {
            r = request.send() => r,
            _ = shutdown.cancelled() => break,
        };
        super::sender::observe(&app, &result);
        let updates = match result {
            Ok(u) => {
                backoff = Duration::from_secs(1);
                u
            }
            Err(e) => {
                tracing::warn!(error = %e, "getUpdates failed; retrying in {}s", backoff.as_secs());
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = shutdown.cancelled() => break,
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
                continue;
            }
        };
        if updates.is_empty() {
            continue;
        }
        let batch: Vec<InboxUpdate> = updates.iter().map(services::telegram::inbox_row).collect();
        // Durable before confirmed: keep trying; without it, stop rather than confirm.
        loop {
            let (b, by) = (batch.clone(), instance.clone());
            match blocking(&app, move |app| inbox::receive(app, &b, &by)).await {
                Ok(_) => break,
                Err(e) => {
                    tracing::error!(error = %e, "cannot store received updates; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = shutdown.cancelled() => return,
                    }
                }
            }
        }
        offset = batch.iter().map(|u| u.update_id).max().unwrap_or(offset - 1) + 1;
        for u in updates {
            if tx.send(u).await.is_err() {
                return;
            }
        }
    }
}

/// Routes updates to per-chat workers; ends when the poller ends and every worker has finished.
async fn dispatch(
    app: App,
    bot: Bot,
    me: Me,
    instance: Instance,
    mut rx: mpsc::Receiver<Update>,
    done: mpsc::UnboundedSender<i64>,
) {
    let handler: Arc<UpdateHandler<BoxError>> = Arc::new(schema());
    let storage = DialogueStore::new(app.clone());
    let mut chats = super::workers::PerKey::new(64, |chat: i64, mut updates: mpsc::Receiver<Update>| {
        let (handler, app, bot, me, storage, done, instance) =
            (handler.clone(), app.clone(), bot.clone(), me.clone(), storage.clone(), done.clone(), instance.clone());
        async move {
            while let Some(update) = super::workers::next(&mut updates, WORKER_IDLE).await {
                let id = i64::from(update.id.0);
                let handling = handle_one(&handler, &app, &bot, &me, &storage, &instance, update).await;
                app.telemetry.metrics.update(handling != Handling::Unrecorded);
                if handling == Handling::Over {
                    let _ = done.send(id);
                }
            }
            tracing::trace!(chat, "worker idle; stopping");
        }
    });
    while let Some(update) = rx.recv().await {
        chats.send(update.chat().map_or(0, |c| c.id.0), update).await;
    }
    chats.finish().await;
}

/// What became of an update a worker handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    /// Recorded done with its dialogue steps and replies, in one transaction.
    Recorded,
    /// Nothing to record (nobody's step moved, nothing to say), or a handler
    /// panicked: only to be marked done.
    Over,
    /// The record could not be written: its replies went out without it, and
    /// the update stays in the inbox to be handled again after a restart.
    Unrecorded,
}

/// Handles one update through the handler tree (as a worker does), catching
/// panics. Its replies are collected while it runs, then recorded with the
/// dialogue steps it led to and its done mark in one transaction
/// ([`inbox::record_handled`]), and only then sent. A crash before that
/// commit leaves the update to be handled again from the same step (request
/// creation is keyed by the update, so nothing is filed twice); a crash after
/// it leaves its replies in the outbox, which delivers what was not sent.
/// Every reply thus reaches the person at least once.
pub async fn handle_one(
    handler: &UpdateHandler<BoxError>,
    app: &App,
    bot: &Bot,
    me: &Me,
    storage: &Arc<DialogueStore>,
    instance: &Instance,
    update: Update,
) -> Handling {
    let id = i64::from(update.id.0);
    let own = update.chat().map(|c| c.id.0);
    let deps = dptree::deps![update, app.clone(), bot.clone(), me.clone(), storage.clone()];
    let run = super::ctx::REPLIES.scope(
        Default::default(),
        storage::scope(id, async move {
            let outcome = handler.dispatch(deps).await;
            let replies = super::ctx::REPLIES.with(|r| r.take());
            // A step moves only when a handler took the update.
            let dialogues = match outcome {
                std::ops::ControlFlow::Break(_) => storage::changes(own),
                std::ops::ControlFlow::Continue(_) => Ok(Vec::new()),
            };
            (outcome, replies, dialogues)
        }),
    );
    let (outcome, mut replies, dialogues) = match std::panic::AssertUnwindSafe(run).catch_unwind().await {
        Ok(done) => done,
        Err(_) => {
            tracing::error!(update = id, "a handler panicked; the update is dropped");
            return Handling::Over;
        }
    };
    match outcome {
        std::ops::ControlFlow::Break(Ok(())) => {}
        std::ops::ControlFlow::Break(Err(e)) => {
            tracing::error!(update = id, error = %e, "handling an update failed");
            // Not a word from the bot would leave the person waiting for nothing.
            if replies.is_empty()
                && let Some(from) = own.filter(|chat| *chat > 0)
            {
                let lang = blocking(app, move |app| Ok(crate::services::directory::language_of(app, from)))
                    .await
                    .unwrap_or(app.settings.default_language);
                let text = crate::i18n::t(lang, crate::i18n::Msg::SomethingWentWrong);
                replies.push(super::ctx::Reply::Message { chat: ChatId(from), html: text, markup: None });
            }
        }
        std::ops::ControlFlow::Continue(_) => tracing::debug!(update = id, "update not handled"),
    }
    let dialogues = dialogues.unwrap_or_else(|e| {
        tracing::error!(update = id, error = %e, "cannot keep the dialogue step of an update");
        Vec::new()
    });
    if dialogues.is_empty() && replies.is_empty() {
        return Handling::Over;
    }
    let handled = inbox::Handled {
        update_id: id,
        dialogues,
        replies: replies.iter().map(|r| (r.chat().0, r.notice())).collect(),
    };
    let mut wait = Duration::from_millis(100);
    let held = loop {
        let (h, by) = (handled.clone(), instance.clone());
        match blocking(app, move |app| inbox::record_handled(app, &h, &by)).await {
            Ok(held) => break held,
            Err(e) if wait < Duration::from_secs(2) => {
                tracing::warn!(update = id, error = %e, "cannot record a handled update; retrying");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => {
                tracing::error!(update = id, error = %e,
                    "cannot record a handled update; its replies go out unrecorded and it is handled again after a restart");
                for r in &replies {
                    if let Err(e) = super::ctx::deliver(bot, r).await {
                        tracing::warn!(chat = r.chat().0, error = %e, "a reply could not be sent");
                    }
                }
                return Handling::Unrecorded;
            }
        }
    };
    deliver_replies(app, bot, &replies, held).await;
    Handling::Recorded
}

/// Sends an update's recorded replies in order and records how that went.
/// Once one fails for a reason that holds for the ones after it (the Bot API
/// is failing, the person blocked the bot), those are left to the outbox
/// with it, still in order.
async fn deliver_replies(
    app: &App,
    bot: &Bot,
    replies: &[super::ctx::Reply],
    held: Vec<crate::domain::model::OutboxMessage>,
) {
    use crate::services::notify::{self, Outcome};
    let mut sent = Vec::new();
    let mut rest = replies.iter().zip(held);
    while let Some((reply, message)) = rest.next() {
        let e = match super::ctx::deliver(bot, reply).await {
            Ok(()) => {
                sent.push(message.id);
                continue;
            }
            Err(e) => e,
        };
        let outcome = sender::outcome_of(&e);
        match &outcome {
            Outcome::Temporary(_) | Outcome::RetryAfter(_) => {
                tracing::warn!(chat = message.chat_id, error = %e, "the Bot API is failing; the reply goes to the outbox")
            }
            _ => tracing::warn!(chat = message.chat_id, error = %e, "a reply could not be sent"),
        }
        let (app2, failed, recorded) = (app.clone(), message.clone(), outcome.clone());
        let again = match blocking(app, move |_| notify::record(&app2, &failed, &recorded)).await {
            Ok(again) => again,
            Err(e) => {
                tracing::error!(error = %e, "cannot record how a reply went; the outbox will send it");
                None
            }
        };
        if let Some(after) = again {
            // The replies after it wait for it, untried, and keep their order.
            let behind: Vec<i64> = rest.map(|(_, m)| m.id).collect();
            let app2 = app.clone();
            if let Err(e) = blocking(app, move |_| notify::put_off(&app2, &behind, after)).await {
                tracing::error!(error = %e, "cannot put replies off; the outbox sends them when their hold ends");
            }
            break;
        }
        if outcome == Outcome::Blocked {
            // The person blocked the bot: the rest would meet the same.
            for (_, m) in rest.by_ref() {
                let app2 = app.clone();
                let _ = blocking(app, move |_| notify::record(&app2, &m, &Outcome::Blocked)).await;
            }
        }
    }
    if let Err(e) = blocking(app, move |app| notify::sent(app, &sent)).await {
        tracing::error!(error = %e, "cannot record replies as sent; the outbox may send them again");
    }
}

/// Marks handled updates done, in batches.
async fn flush_done(app: App, mut rx: mpsc::UnboundedReceiver<i64>) {
    let mut batch = Vec::new();
    loop {
        let got = tokio::time::timeout(Duration::from_millis(100), rx.recv()).await;
        let closed = matches!(got, Ok(None));
        if let Ok(Some(id)) = got {
            batch.push(id);
            while let Ok(more) = rx.try_recv() {
                batch.push(more);
                if batch.len() >= 500 {
                    break;
                }
            }
        }
        if !batch.is_empty() && (closed || got.is_err() || batch.len() >= 100) {
            let ids = std::mem::take(&mut batch);
            if let Err(e) = blocking(&app, move |app| inbox::done(app, &ids)).await {
                tracing::error!(error = %e, "cannot mark updates done; they will be replayed");
            }
        }
        if closed {
            break;
        }
    }
}

async fn prune_inbox(app: App, shutdown: CancellationToken) {
    loop {
        let keep = chrono::Duration::days(INBOX_KEEP_DAYS);
        match blocking(&app, move |app| inbox::prune(app, keep)).await {
            Ok(n) if n > 0 => tracing::debug!(removed = n, "pruned handled updates"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot prune the inbox"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}
