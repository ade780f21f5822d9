//! The command menu Telegram shows, per person: everyone gets the employee
//! commands (in each language); each staff member's chat gets what they are
//! granted on top (see [`crate::services::directory::Person::granted`]).

use crate::domain::{Lang, Permission};
use crate::i18n::{Msg, t};
use crate::services::{App, directory};
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, MenuButton, Recipient};

const EMPLOYEE: &[&str] = &["start", "new", "cartridge", "call", "my", "cancel", "help"];

/// The commands for what a person is `granted`, described in `lang`, with
/// `/web` when there is a web panel.
pub fn commands_for(lang: Lang, granted: &[Permission], web: bool) -> Vec<BotCommand> {
    let mut names: Vec<&str> = EMPLOYEE.to_vec();
    if web {
        names.insert(names.len() - 1, "web");
    }
    let extra = [
        (Permission::ViewQueue, "queue"),
        (Permission::ViewStock, "stock"),
        (Permission::ManageStock, "empties"),
        (Permission::Broadcast, "broadcast"),
        (Permission::ManageStaff, "staff"),
    ];
    names.extend(extra.into_iter().filter(|(p, _)| granted.contains(p)).map(|(_, c)| c));
    names.into_iter().map(|c| BotCommand::new(c, t(lang, Msg::CommandHelp { command: c }))).collect()
}

/// Whether there is a web panel to sign in to.
fn web(app: &App) -> bool {
    app.settings.web.base_url().is_some()
}

/// The chat menu button: the Mini App when there is one (an https public
/// URL), else Telegram's default (the commands).
pub fn menu_button(app: &App) -> MenuButton {
    match app.settings.web.mini_app_url().and_then(|u| u.parse().ok()) {
        Some(url) => MenuButton::WebApp {
            text: t(app.settings.default_language, Msg::OpenApp),
            web_app: teloxide::types::WebAppInfo { url },
        },
        None => MenuButton::Default,
    }
}

/// Registers the menus: the default one per language, then one per staff
/// member; and the menu button.
pub async fn register(bot: &Bot, app: &App) {
    if let Err(e) = bot.set_chat_menu_button().menu_button(menu_button(app)).await {
        tracing::warn!(error = %e, "could not set the menu button");
    }
    for lang in [Lang::Ru, Lang::Uk, Lang::En] {
        let commands = commands_for(lang, &[], web(app));
        if let Err(e) = bot.set_my_commands(commands).language_code(lang.to_string()).await {
            tracing::warn!(error = %e, %lang, "could not register the command menu");
        }
    }
    if let Err(e) = bot.set_my_commands(commands_for(app.settings.default_language, &[], web(app))).await {
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
        set_for(bot, app, p.user.telegram_id, p.user.language, &p.granted()).await;
    }
}

/// Sets one person's menu after their role changed.
pub async fn refresh_for(bot: &Bot, app: &App, telegram_id: i64) {
    let person = {
        let app = app.clone();
        tokio::task::spawn_blocking(move || directory::person(&app, telegram_id)).await
    };
    if let Ok(Ok(Some(p))) = person {
        set_for(bot, app, p.user.telegram_id, p.user.language, &p.granted()).await;
    }
}

async fn set_for(bot: &Bot, app: &App, chat: i64, lang: Option<Lang>, granted: &[Permission]) {
    let scope = BotCommandScope::Chat { chat_id: Recipient::Id(ChatId(chat)) };
    let everyone = commands_for(lang.unwrap_or(app.settings.default_language), &[], web(app)).len();
    let commands = commands_for(lang.unwrap_or(app.settings.default_language), granted, web(app));
    // Only a menu with more than everyone's is set per chat.
    let result = if commands.len() > everyone {
        bot.set_my_commands(commands).scope(scope).await.map(|_| ())
    } else {
        bot.delete_my_commands().scope(scope).await.map(|_| ())
    };
    if let Err(e) = result {
        // Usually: they have not started the bot yet. Their menu is set when their role changes again.
        tracing::debug!(chat, error = %e, "could not set a staff command menu");
    }
}
