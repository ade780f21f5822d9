//! `helpdesk web login-link|sign-out`: the web panel's sign-in, from a shell.

use super::output::{Format, Times, print_object};
use super::{Global, open_app};
use crate::services::OpenOptions;
use crate::services::{Actor, web};
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum WebCommand {
    /// Print a one-time sign-in link to the web panel for a person (valid 10 minutes, usable once)
    #[command(
        name = "login-link",
        after_help = "\
The person must be known to the help desk (they wrote to the bot, or `helpdesk users add`) and not \
blocked. The link points at HELPDESK_WEB_PUBLIC_URL (or http://HELPDESK_WEB_LISTEN); people can also get \
one themselves by sending /web to the bot. Only a digest of the link's token is stored.

Example:
  helpdesk web login-link 123456789"
    )]
    LoginLink {
        /// The person's Telegram ID
        telegram_id: i64,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// End every web session of a person (a lost laptop, a shared computer)
    #[command(name = "sign-out", after_help = "Example:\n  helpdesk web sign-out 123456789")]
    SignOut {
        /// The person's Telegram ID
        telegram_id: i64,
    },
}

#[derive(serde::Serialize)]
struct Link {
    url: String,
    telegram_id: i64,
    expires: String,
}

pub fn run(global: &Global, cmd: WebCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let actor = Actor::operator_from_env();
    match cmd {
        WebCommand::LoginLink { telegram_id, format } => {
            let link = web::login_link(&app, &actor, telegram_id)?;
            let times = Times { tz: app.settings.timezone, format };
            match format {
                Format::Table => println!("{}\nvalid until {}, once", link.url, times.at(link.expires_at)),
                _ => print_object(format, &Link { url: link.url, telegram_id, expires: times.at(link.expires_at) })?,
            }
        }
        WebCommand::SignOut { telegram_id } => {
            let n = web::end_sessions(&app, &actor, telegram_id)?;
            println!("ended {n} web session{} of {telegram_id}", if n == 1 { "" } else { "s" });
        }
    }
    Ok(ExitCode::SUCCESS)
}
