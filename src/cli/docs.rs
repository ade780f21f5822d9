//! `helpdesk completions SHELL` and `helpdesk man`: generated from the clap
//! definitions; the copies committed under completions/ and man/ are checked
//! by a test.

use anyhow::{Context, Result};
use clap::Args;
use clap_complete::Shell;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(after_help = "Example:\n  helpdesk completions bash > /etc/bash_completion.d/helpdesk")]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  helpdesk man | man -l -\n  helpdesk man --out-dir /usr/local/share/man/man1")]
pub struct ManArgs {
    /// Write helpdesk.1 and a page per subcommand into this directory instead of printing helpdesk.1
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Result<ExitCode> {
    let mut cmd = super::command();
    // Into memory first: clap_complete panics on a failed write, and a reader that
    // went away (`| head`) is not a failure.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "helpdesk", &mut script);
    std::io::stdout().write_all(&script).context("writing the completion script")?;
    Ok(ExitCode::SUCCESS)
}

pub fn man(args: ManArgs) -> Result<ExitCode> {
    let cmd = super::command();
    match args.out_dir {
        None => {
            // The same page `--out-dir` writes (clap_mangen::generate_to leaves out `help`).
            let mut cmd = cmd.disable_help_subcommand(true);
            cmd.build();
            clap_mangen::Man::new(cmd).render(&mut std::io::stdout()).context("writing the manual page")?;
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, &dir).with_context(|| format!("cannot write pages to {}", dir.display()))?;
            println!("wrote manual pages to {}", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
