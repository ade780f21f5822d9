//! `helpdesk health`: asks a running `serve` whether it can serve (its
//! `/readyz`, or `/healthz` with `--live`), for scripts and a container's
//! HEALTHCHECK: exit 0 when it answers 200, 1 otherwise, with one line.

use super::{Global, load_settings};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  helpdesk health\n  helpdesk health --url http://127.0.0.1:8080\n  \
    helpdesk health --live          # only whether the process answers, no database work\n\n\
    Exit codes: 0 ready (or alive), 1 not, or not answering.")]
pub struct HealthArgs {
    /// Where serve listens [default: http://HELPDESK_WEB_LISTEN]
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Ask /healthz (alive) instead of /readyz (ready to serve)
    #[arg(long)]
    live: bool,
    /// How long to wait for the answer, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    timeout: u64,
}

pub fn run(global: &Global, args: HealthArgs) -> Result<ExitCode> {
    let base = match args.url {
        Some(u) => u,
        None => {
            // Listening on every address (a container's 0.0.0.0): ask this host's own.
            let Some(local) = load_settings(global)?.settings.web.local_url() else {
                bail!("give --url, or set HELPDESK_WEB_LISTEN: serve has no web listener to ask");
            };
            local
        }
    };
    let path = if args.live { "/healthz" } else { "/readyz" };
    let url = format!("{}{path}", base.trim_end_matches('/'));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(args.timeout.max(1)))
        .build()
        .context("cannot make an HTTP client")?;
    let answer = match client.get(&url).send() {
        Ok(a) => a,
        Err(e) => bail!("{url} does not answer ({}); is helpdesk serve running there?", e.without_url()),
    };
    let status = answer.status();
    let body = answer.text().unwrap_or_default().replace('\n', " ");
    if status.is_success() {
        println!("{body}");
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("{url} answered {status}: {body}")
    }
}
