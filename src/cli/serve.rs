//! `helpdesk serve`: the Telegram bot (long polling) and its notification sender.

use super::{Global, open_app};
use crate::store::OpenOptions;
use anyhow::{Context, Result};
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(after_help = "\
Needs HELPDESK_BOT_TOKEN (or TELOXIDE_TOKEN). HELPDESK_TELEGRAM_API_URL points it at a local Bot API server.
Stop it with SIGINT or SIGTERM: updates in hand are finished, nothing received is lost.

Example:
  HELPDESK_BOT_TOKEN=123456:ABC... helpdesk serve")]
pub struct ServeArgs {}

pub fn run(global: &Global, _args: ServeArgs) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    if app.settings.bot_token.is_none() {
        anyhow::bail!("no bot token: set HELPDESK_BOT_TOKEN (or TELOXIDE_TOKEN) to the token @BotFather gave you");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("helpdesk")
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(crate::bot::serve(app))?;
    Ok(ExitCode::SUCCESS)
}
