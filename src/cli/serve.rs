//! `helpdesk serve`: the Telegram bot (long polling) and its notification sender.

use super::{Global, load_settings};
use crate::clock::SystemClock;
use crate::services::{App, OpenOptions};
use anyhow::{Context, Result};
use clap::Args;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Args)]
#[command(after_help = "\
Needs HELPDESK_BOT_TOKEN (or TELOXIDE_TOKEN). HELPDESK_TELEGRAM_API_URL points it at a local Bot API server. \
Stop it with SIGINT or SIGTERM: updates in hand are finished, nothing received is lost.

By default it long-polls Telegram, one process per database. With --webhook-url, Telegram posts updates \
to that (HTTPS) URL, which a reverse proxy or load balancer forwards to --listen; calls without the \
secret token helpdesk registered with the webhook are refused. On PostgreSQL any number of webhook \
processes can share the database: each update is handled once, and each scheduled job runs once.

Examples:
  HELPDESK_BOT_TOKEN=123456:ABC... helpdesk serve
  helpdesk serve --webhook-url https://helpdesk.example.org/telegram --listen 127.0.0.1:8080")]
pub struct ServeArgs {
    /// Receive updates by webhook at this public URL instead of long polling
    #[arg(long, value_name = "URL")]
    webhook_url: Option<url::Url>,
    /// The address the web panel (and the webhook) listens on; overrides HELPDESK_WEB_LISTEN
    /// [default with --webhook-url: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    listen: Option<std::net::SocketAddr>,
}

/// How long serve waits at start for a database that does not answer yet
/// (a container started before its PostgreSQL).
const DATABASE_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

pub fn run(global: &Global, args: ServeArgs) -> Result<ExitCode> {
    let loaded = load_settings(global)?;
    if loaded.settings.bot_token.is_none() {
        anyhow::bail!("no bot token: set HELPDESK_BOT_TOKEN (or TELOXIDE_TOKEN) to the token @BotFather gave you");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("helpdesk")
        .build()
        .context("cannot start the async runtime")?;
    let shutdown = tokio_util::sync::CancellationToken::new();
    {
        let _entered = runtime.enter();
        crate::serve::spawn_signal_handler(shutdown.clone());
    }
    let Some(mut app) = runtime.block_on(open_waiting(loaded.settings, &shutdown))? else {
        crate::announce!("helpdesk: stopped");
        return Ok(ExitCode::SUCCESS);
    };
    if let Some(listen) = args.listen {
        let mut settings = (*app.settings).clone();
        settings.web.listen = Some(listen);
        app = app.with_settings(settings);
    }
    let mode = match args.webhook_url {
        Some(url) => crate::serve::Mode::Webhook { url },
        None => crate::serve::Mode::Polling,
    };
    let result = runtime.block_on(crate::serve::run(app, mode, shutdown));
    // Work still running past the shutdown grace (a slow database call) is
    // not waited for: the process exits and its transaction is rolled back.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    result?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the store, waiting up to [`DATABASE_WAIT`] for a database that does
/// not answer yet, with a log line at each retry; `None` when told to stop meanwhile.
async fn open_waiting(
    settings: crate::config::Settings,
    shutdown: &tokio_util::sync::CancellationToken,
) -> Result<Option<App>> {
    let started = std::time::Instant::now();
    let mut pause = std::time::Duration::from_secs(1);
    loop {
        let s = settings.clone();
        let opened = tokio::task::spawn_blocking(move || App::open(s, OpenOptions::default(), Arc::new(SystemClock)))
            .await
            .context("opening the database failed")?;
        match opened {
            Ok(app) => return Ok(Some(app)),
            Err(e) if e.is_unreachable() && started.elapsed() + pause < DATABASE_WAIT => {
                tracing::warn!("{e}; waiting for it, retrying in {}s", pause.as_secs());
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.cancelled() => return Ok(None),
                }
                pause = (pause * 2).min(std::time::Duration::from_secs(10));
            }
            Err(e) => return Err(e.into()),
        }
    }
}
