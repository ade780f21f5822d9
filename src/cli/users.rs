//! `helpdesk users list|add|set-role|block|unblock`.

use super::output::{Format, Times, print_rows};
use super::{Global, named, open_app};
use crate::domain::model::UserFilter;
use crate::domain::{BranchKey, Lang, Named, Role};
use crate::services::OpenOptions;
use crate::services::directory::{self, NewPerson};
use crate::services::{Actor, App};
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List people
    #[command(
        after_help = "Examples:\n  helpdesk users list --staff\n  helpdesk users list --branch LVIV --format csv"
    )]
    List {
        /// Only this role
        #[arg(long, value_parser = named(Role::ALL))]
        role: Option<Role>,
        /// Only staff (storekeepers, support, admins, super admins)
        #[arg(long)]
        staff: bool,
        /// Only this branch: a code, name or id (code:X, name:X or id:N to say which)
        #[arg(long)]
        branch: Option<BranchKey>,
        /// Only blocked people
        #[arg(long)]
        blocked: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add a person by Telegram ID
    #[command(
        after_help = "Example:\n  helpdesk users add 123456789 --name \"Ірина Шевченко\" --role support --branch LVIV --phone \"063 200 10 04\""
    )]
    Add {
        /// Telegram user ID
        telegram_id: i64,
        /// Full name
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = named(&Role::ASSIGNABLE), default_value = "user")]
        role: Role,
        /// Branch: a code, name or id (code:X, name:X or id:N to say which)
        #[arg(long)]
        branch: Option<BranchKey>,
        /// Phone number, e.g. +380 44 123 4567 or 8 916 123-45-67
        #[arg(long)]
        phone: Option<String>,
        #[arg(long, value_parser = named(Lang::ALL))]
        language: Option<Lang>,
    },
    /// Change a person's role (super admins are set in the configuration)
    #[command(after_help = "Example:\n  helpdesk users set-role 123456789 storekeeper")]
    SetRole {
        telegram_id: i64,
        #[arg(value_parser = named(&Role::ASSIGNABLE))]
        role: Role,
    },
    /// Block a person: the bot ignores them and they get no broadcasts
    Block { telegram_id: i64 },
    /// Unblock a person
    Unblock { telegram_id: i64 },
}

#[derive(serde::Serialize)]
struct Row {
    telegram_id: i64,
    name: String,
    role: Role,
    branch: Option<String>,
    phone: Option<String>,
    language: Option<Lang>,
    blocked: bool,
    created: String,
    last_seen: Option<String>,
}

fn list(app: &App, filter: UserFilter, format: Format) -> Result<()> {
    let times = Times { tz: app.settings.timezone, format };
    let rows: Vec<Row> = directory::users(app, &filter)?
        .into_iter()
        .map(|p| Row {
            telegram_id: p.user.telegram_id,
            name: p.user.full_name,
            role: p.role,
            branch: p.branch_code,
            phone: p.user.phone,
            language: p.user.language,
            blocked: p.user.blocked,
            created: times.at(p.user.created_at),
            last_seen: times.opt(p.user.last_seen_at),
        })
        .collect();
    print_rows(format, &rows, &["created"], "no people match")
}

pub fn run(global: &Global, cmd: UsersCommand) -> Result<ExitCode> {
    let app = open_app(global, OpenOptions::default())?;
    let actor = Actor::operator_from_env();
    match cmd {
        UsersCommand::List { role, staff, branch, blocked, format } => {
            let branch_id = match branch {
                Some(key) => Some(directory::branch(&app, &key)?.id),
                None => None,
            };
            let filter = UserFilter {
                role,
                staff_only: staff,
                branch_id,
                blocked: blocked.then_some(true),
                ..Default::default()
            };
            list(&app, filter, format)?;
        }
        UsersCommand::Add { telegram_id, name, role, branch, phone, language } => {
            let user = directory::add_user(
                &app,
                &actor,
                &NewPerson { telegram_id, full_name: name, username: None, phone, role: Some(role), branch, language },
            )?;
            println!("added {} ({}) as {}", user.full_name, user.telegram_id, user.role);
        }
        UsersCommand::SetRole { telegram_id, role } => {
            let change = directory::set_role(&app, &actor, telegram_id, role)?;
            if change.changed() {
                println!("{} ({telegram_id}): {} -> {}", change.after.full_name, change.before.role, change.after.role);
            } else {
                println!("{} ({telegram_id}) is already {}", change.after.full_name, change.after.role);
            }
        }
        UsersCommand::Block { telegram_id } | UsersCommand::Unblock { telegram_id } => {
            let block = matches!(cmd, UsersCommand::Block { .. });
            let change = directory::set_blocked(&app, &actor, telegram_id, block)?;
            let state = if block { "blocked" } else { "not blocked" };
            let prefix = if change.changed() { "now" } else { "already" };
            println!("{} ({telegram_id}) is {prefix} {state}", change.after.full_name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
