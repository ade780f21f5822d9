//! `helpdesk serve`, assembled: the composition root of the daemon. It
//! takes the serve lock, binds the listener, and starts the bot loop, the
//! web panel (with Telegram's webhook route and 1C's exchange), the
//! scheduler and the outbox as equals; it owns the shutdown that stops them
//! all, and waits for each to finish.
//!
//! The one module that knows all of them: `bot`, `web` and `scheduler` are
//! siblings that never import one another; what they share comes from
//! `services` (and what one hands another, such as the webhook's updates to
//! the bot, is wired here).

use crate::services::{self, App};
use anyhow::{Context, Result};
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Where updates come from.
#[derive(Debug, Clone)]
pub enum Mode {
    /// getUpdates long polling (one process per database).
    Polling,
    /// Telegram posts to `url`, which reaches this process's listener.
    Webhook { url: url::Url },
}

/// Where the listener for webhooks and the web panel goes when webhooks are
/// on and nothing else says.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Runs everything until `shutdown` is cancelled (SIGINT or SIGTERM, see
/// [`spawn_signal_handler`]); with an address to listen on
/// (`HELPDESK_WEB_LISTEN`, or `--listen`), also the web panel and, in
/// webhook mode, Telegram's calls, on that one listener.
pub async fn run(app: App, mode: Mode, shutdown: CancellationToken) -> Result<()> {
    let token = app
        .settings
        .bot_token
        .clone()
        .context("no bot token: set HELPDESK_BOT_TOKEN (or TELOXIDE_TOKEN) to the token @BotFather gave you")?;
    let bot = services::telegram::client(&app.settings)?.context("no bot token")?;
    // One serve per database: a second one would fight over the same updates.
    let lock_mode = match mode {
        Mode::Polling => services::serve::ServeMode::Exclusive,
        Mode::Webhook { .. } => services::serve::ServeMode::Shared,
    };
    let _serve_lock = {
        let app = app.clone();
        tokio::task::spawn_blocking(move || services::serve::lock(&app, lock_mode)).await??.context(match mode {
            Mode::Polling => "another helpdesk serve is already running on this database; stop it first",
            Mode::Webhook { .. } => {
                "a long-polling helpdesk serve is running on this database (or, on SQLite, any serve); stop it first"
            }
        })?
    };
    // Bind before telling Telegram where to post.
    let listen = match (&mode, app.settings.web.listen) {
        (_, Some(addr)) => Some(addr),
        (Mode::Webhook { .. }, None) => Some(DEFAULT_LISTEN.parse().expect("a valid address")),
        (Mode::Polling, None) => None,
    };
    let listener = match listen {
        None => None,
        Some(listen) => {
            Some(tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?)
        }
    };
    let metrics = &app.settings.metrics;
    let metrics_listener = match (metrics.enabled, metrics.listen, listen) {
        (false, Some(_), _) => {
            anyhow::bail!(
                "HELPDESK_METRICS_LISTEN is set but HELPDESK_METRICS is off; set HELPDESK_METRICS=on to serve metrics"
            )
        }
        (true, None, None) => anyhow::bail!(
            "HELPDESK_METRICS=on needs a listener: set HELPDESK_METRICS_LISTEN (or HELPDESK_WEB_LISTEN to serve them with the panel)"
        ),
        (true, Some(addr), _) => Some(tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!("cannot listen on {addr} for metrics (HELPDESK_METRICS_LISTEN); is another process there?")
        })?),
        _ => None,
    };
    // This process among the others on the database: what it holds is its
    // own while it beats. A long-polling serve is the only one: what a
    // killed one held is due at once.
    let instance = blocking(&app, services::serve::Instance::start).await?;
    if let Mode::Polling = mode {
        match blocking(&app, services::notify::release_held).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "delivering replies and notices a stopped process held"),
            Err(e) => tracing::warn!(error = %e, "cannot release what a stopped process held; it goes out later"),
        }
    }
    let heartbeat = tokio::spawn(beat(app.clone(), instance.clone(), shutdown.clone()));

    let updates = mpsc::channel::<teloxide::types::Update>(1024);
    let secret = services::telegram::webhook_secret(token.expose());

    // The panel does not wait for Telegram: people can work in the browser
    // while the Bot API is unreachable (the bot's name, for the Login
    // Widget, is filled in once Telegram has answered).
    let web = crate::web::Web::new(
        app.clone(),
        Some(services::telegram::Files::new(bot.clone())),
        None,
        shutdown.child_token(),
    );
    let mut routes = crate::web::router(web.clone());
    if let Mode::Webhook { url } = &mode {
        let hook =
            crate::web::webhook::routes(app.clone(), instance.clone(), url.path(), secret.clone(), updates.0.clone());
        routes = hook.merge(routes);
    }
    if app.settings.metrics.enabled {
        routes = crate::web::metrics::counted(routes, app.clone());
        if metrics_listener.is_none() {
            routes = routes.merge(crate::web::metrics::routes(app.clone()));
        }
    }
    if let Some(listener) = metrics_listener {
        let addr = listener.local_addr()?;
        tracing::info!(%addr, "metrics listening");
        crate::announce!("helpdesk: metrics at http://{addr}/metrics");
        tokio::spawn(crate::web::server::run(
            listener,
            crate::web::metrics::routes(app.clone()),
            shutdown.clone(),
            app.settings.web.header_timeout,
            std::time::Duration::from_secs(1),
        ));
    }
    let http = match listener {
        Some(listener) => {
            let addr = listener.local_addr()?;
            tracing::info!(%addr, public = ?app.settings.web.base_url(), "web panel listening");
            crate::announce!(
                "helpdesk: web panel at {} (listening on {addr})",
                app.settings.web.base_url().unwrap_or_else(|| format!("http://{addr}"))
            );
            Some(tokio::spawn(crate::web::server::run(
                listener,
                routes,
                shutdown.clone(),
                app.settings.web.header_timeout,
                app.settings.shutdown_grace,
            )))
        }
        None => None,
    };

    let me = match crate::bot::runtime::connect(&bot, &app, &shutdown).await? {
        Some(me) => me,
        None => {
            if let Some(http) = http {
                let _ = http.await;
            }
            let _ = heartbeat.await;
            let _ = blocking(&app, move |app| instance.stop(app)).await;
            tracing::info!("stopped");
            crate::announce!("helpdesk: stopped");
            return Ok(());
        }
    };
    tracing::info!("started as @{}", me.username());
    crate::announce!("helpdesk: started as @{}", me.username());
    web.set_bot_username(me.username());

    let mailer: Option<Arc<dyn services::notify::Mailer>> =
        services::email::SmtpMailer::from_settings(&app.settings.smtp)?
            .map(|m| Arc::new(m) as Arc<dyn services::notify::Mailer>);
    let senders = crate::scheduler::Senders {
        telegram: Some(Arc::new(services::telegram::TelegramMessenger::with_bot(
            bot.clone(),
            tokio::runtime::Handle::current(),
        ))),
        email: mailer.clone(),
    };
    let scheduler = tokio::spawn(crate::scheduler::run(app.clone(), senders, shutdown.clone()));
    let limiter = Arc::new(crate::bot::sender::Limiter::new(app.settings.broadcast_rate));
    let outbox = tokio::spawn(crate::bot::sender::run(
        app.clone(),
        bot.clone(),
        instance.clone(),
        mailer,
        limiter,
        shutdown.clone(),
    ));
    let webhook = match &mode {
        Mode::Webhook { url } => Some((url.clone(), secret)),
        Mode::Polling => None,
    };
    let bot_loop = tokio::spawn(crate::bot::runtime::run(
        app.clone(),
        bot,
        me,
        instance.clone(),
        webhook,
        updates,
        shutdown.clone(),
    ));

    // Until told to stop, this waits for the bot loop; from then on, for at
    // most the grace, for everything to finish what it has in hand.
    let grace = app.settings.shutdown_grace;
    let everything = async {
        let bot_result = bot_loop.await;
        // The bot loop ends when told to stop, or when it cannot go on
        // (Telegram refused the webhook): either way everything else stops too.
        shutdown.cancel();
        if let Some(http) = http {
            let _ = http.await;
        }
        let _ = outbox.await;
        let _ = scheduler.await;
        let _ = heartbeat.await;
        bot_result
    };
    let overdue = async {
        shutdown.cancelled().await;
        tokio::time::sleep(grace).await;
    };
    let bot_result = tokio::select! {
        r = everything => Some(r),
        _ = overdue => None,
    };
    if bot_result.is_none() {
        // What was cut off may still commit in the moment before exit: what
        // it holds is not given back here (it could go out twice), but taken
        // over when this instance's heartbeat is missed, or at once by the
        // next long-polling serve.
        tracing::warn!(
            grace = %humantime::format_duration(grace),
            "not everything finished within the shutdown grace (HELPDESK_SHUTDOWN_GRACE); stopping anyway: updates not marked done are handled again at the next start"
        );
    } else {
        // What this process still holds goes to whichever runs next, at once
        // (a database that does not answer in time: when its heartbeat is missed).
        let stop = blocking(&app, move |app| instance.stop(app));
        match tokio::time::timeout(std::time::Duration::from_secs(2), stop).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "cannot record this serve as stopped; the others take over when its heartbeat is missed")
            }
            Err(_) => tracing::warn!(
                "recording this serve as stopped takes too long; the others take over when its heartbeat is missed"
            ),
        }
    }
    tracing::info!("stopped");
    crate::announce!("helpdesk: stopped");
    match bot_result {
        None | Some(Ok(Ok(()))) => Ok(()),
        Some(Ok(Err(e))) => Err(e),
        Some(Err(e)) => Err(anyhow::anyhow!("the bot loop failed: {e}")),
    }
}

/// Runs a blocking service call on the blocking pool.
async fn blocking<T: Send + 'static>(
    app: &App,
    f: impl FnOnce(&App) -> services::Result<T> + Send + 'static,
) -> Result<T> {
    let app = app.clone();
    Ok(tokio::task::spawn_blocking(move || f(&app)).await.context("a blocking task failed")??)
}

/// Says this instance is alive every [`services::serve::HEARTBEAT_EVERY`]
/// until shutdown, and now and then forgets instances long gone.
async fn beat(app: App, instance: services::serve::Instance, shutdown: CancellationToken) {
    let mut since_prune = 0u32;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(services::serve::HEARTBEAT_EVERY) => {}
            _ = shutdown.cancelled() => return,
        }
        let by = instance.clone();
        if let Err(e) = blocking(&app, move |app| by.beat(app)).await {
            tracing::warn!(error = %e, "cannot record this serve's heartbeat; the others may take over what it holds");
        }
        since_prune += 1;
        if since_prune >= 1800 {
            since_prune = 0;
            if let Err(e) = blocking(&app, services::serve::prune_instances).await {
                tracing::debug!(error = %e, "cannot forget serve instances long gone");
            }
        }
    }
}

/// Cancels `shutdown` at SIGINT or SIGTERM. Started before anything else
/// (the wait for the database included), so a signal while starting stops
/// the start as cleanly as it stops a running serve.
pub fn spawn_signal_handler(shutdown: CancellationToken) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(e) => {
                    tracing::error!(error = %e, "cannot listen for SIGTERM");
                    let _ = ctrl_c.await;
                    shutdown.cancel();
                    return;
                }
            };
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("stopping: no new connections; finishing the requests and updates in hand");
        crate::announce!("helpdesk: stopping");
        shutdown.cancel();
    });
}
