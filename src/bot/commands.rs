//! The command menu Telegram shows, per role: everyone gets the employee
//! commands (in each language); each staff member's chat gets theirs on top.

use crate::domain::{Lang, Role};
use crate::i18n::{Msg, t};
use crate::services::{App, directory, effective_role};
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};

const EMPLOYEE: &[&str] = &["start", "new", "cartridge", "call", "my", "cancel", "help"];

/// The commands a role sees, described in `lang` (`/web` when there is a web panel).
pub fn commands_for(lang: Lang, role: Role, web: bool) -> Vec<BotCommand> {
    let mut names: Vec<&str> = EMPLOYEE.to_vec();
    if web {
        names.insert(names.len() - 1, "web");
    }
    if role.is_staff() {
        names.extend(["queue", "stock"]);
    }
    if matches!(role, Role::Admin | Role::SuperAdmin) {
        names.push("broadcast");
    }
    if role == Role::SuperAdmin {
        names.push("staff");
    }
    names.into_iter().map(|c| BotCommand::new(c, t(lang, Msg::CommandHelp { command: c }))).collect()
}

/// Whether there is a web panel to sign in to.
fn web(app: &App) -> bool {
    app.settings.web.base_url().is_some()
}

/// Registers the menus: the default one per language, then one per staff member.
pub async fn register(bot: &Bot, app: &App) {
    for lang in [Lang::Ru, Lang::Uk, Lang::En] {
        let commands = commands_for(lang, Role::User, web(app));
        if let Err(e) = bot.set_my_commands(commands).language_code(lang.to_string()).await {
            tracing::warn!(error = %e, %lang, "could not register the command menu");
        }
    }
    if let Err(e) = bot.set_my_commands(commands_for(app.settings.default_language, Role::User, web(app))).await {
        tracing::warn!(error = %e, "could not register the default command menu");
    }
    let staff = match tokio::task::spawn_blocking({
        let app = app.clone();
        move || directory::staff(&app)
    })
    .await
    {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return tracing::warn!(error = %e, "could not list staff for their command menus"),
        Err(e) => return tracing::warn!(error = %e, "could not list staff for their command menus"),
    };
    for p in staff {
        set_for(bot, app, p.user.telegram_id, p.user.language, p.role).await;
    }
}

/// Sets one person's menu after their role changed.
pub async fn refresh_for(bot: &Bot, app: &App, telegram_id: i64) {
    let user = {
        let app = app.clone();
        tokio::task::spawn_blocking(move || app.store.read().and_then(|mut tx| tx.user(telegram_id))).await
    };
    if let Ok(Ok(Some(u))) = user {
        let role = effective_role(&app.settings, u.telegram_id, u.role);
        set_for(bot, app, u.telegram_id, u.language, role).await;
    }
}

async fn set_for(bot: &Bot, app: &App, chat: i64, lang: Option<Lang>, role: Role) {
    let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(chat)) };
    let result = if role.is_staff() {
        let lang = lang.unwrap_or(app.settings.default_language);
        bot.set_my_commands(commands_for(lang, role, web(app))).scope(scope).await.map(|_| ())
    } else {
        bot.delete_my_commands().scope(scope).await.map(|_| ())
    };
    if let Err(e) = result {
        // Usually: they have not started the bot yet. Their menu is set when their role changes again.
        tracing::debug!(chat, error = %e, "could not set a staff command menu");
    }
}
