//! The Mini App's sign-in against the real `helpdesk serve`: launch data
//! signed with the bot's token opens a session (registering a newcomer in
//! the language Telegram gives) and goes to the screen a direct link asked
//! for; tampered, stale, another bot's, a blocked person's or missing launch
//! data gets a page that says what to do, and opens nothing.

mod support;

use chrono::Utc;
use helpdesk::domain::Lang;
use helpdesk::services::directory;
use std::time::Duration;
use support::fake_telegram::{FakeTelegram, TOKEN, TgUser};
use support::web::{Panel, mini_app_init_data as init_data, set_cookie};
use support::{ADMIN, Workdir};

const NEWCOMER: i64 = 555_000_601;

fn launch(panel: &Panel, data: &str) -> reqwest::blocking::Response {
    panel.post("/app/session", None, &[("init_data", data)])
}

#[test]
fn launch_data_signed_for_this_bot_opens_a_session_at_the_screen_asked_for() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    // The entry page Telegram opens: the sign-in form our script fills.
    let page = panel.get("/app", None);
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors https://web.telegram.org"), "{csp}");
    assert!(page.text().unwrap().contains("id=\"tg-signin\""));

    let now = Utc::now().timestamp();
    let r = launch(&panel, &init_data(TOKEN, NEWCOMER, now, Some("order")));
    assert_eq!(r.status(), 303, "{}", r.text().unwrap_or_default());
    assert_eq!(r.headers()["location"], "/order");
    let cookie = set_cookie(&r, "helpdesk_session").unwrap().split(';').next().unwrap().to_string();
    // A newcomer is registered as the bot would, in Telegram's language, and works at once.
    let (app, _) = w.app();
    let person = directory::person(&app, NEWCOMER).unwrap().expect("registered");
    assert_eq!(person.user.full_name, "Оксана Мельник");
    assert_eq!(person.user.language, Some(Lang::Uk));
    let order = panel.get("/order", Some(&cookie));
    assert_eq!(order.status(), 200);
    // The order form is one Telegram's web client may frame.
    assert!(order.headers()["content-security-policy"].to_str().unwrap().contains("https://web.telegram.org"));
    // ... and the admin pages stay unframeable.
    let login = panel.get("/login", None);
    assert!(login.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(login.headers()["x-frame-options"], "DENY");
    // Direct links: a request card, a new request, nothing (their requests).
    let r = launch(&panel, &init_data(TOKEN, ADMIN, now, Some("r7")));
    assert_eq!(r.headers()["location"], "/requests/7");
    let r = launch(&panel, &init_data(TOKEN, ADMIN, now, Some("new")));
    assert_eq!(r.headers()["location"], "/requests/new");
    let r = launch(&panel, &init_data(TOKEN, ADMIN, now, None));
    assert_eq!(r.headers()["location"], "/requests");
    // Audited as a Mini App sign-in.
    let n = w.ints("SELECT count(*) FROM web_sessions WHERE via = 'mini_app'");
    assert_eq!(n, [4]);
}

#[test]
fn forged_stale_or_blocked_launch_data_gets_a_page_and_opens_nothing() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[("HELPDESK_WEB_MINI_APP_MAX_AGE", "1h")]);
    let now = Utc::now().timestamp();
    let good = init_data(TOKEN, NEWCOMER, now, None);
    let refused = |data: &str, status: u16| {
        let r = launch(&panel, data);
        assert_eq!(r.status(), status, "{data}");
        assert!(set_cookie(&r, "helpdesk_session").is_none(), "no session for {data}");
        r.text().unwrap()
    };
    // Another bot's token, a changed user, a missing hash, nothing at all.
    let page = refused(&init_data("987654:another-bot", NEWCOMER, now, None), 401);
    assert!(page.contains("Telegram") && page.contains("откройте его снова из бота"), "says what to do: {page}");
    refused(&good.replace("555000601", "555000602"), 401);
    refused(&good[..good.find("&hash=").unwrap()], 401);
    refused("", 401);
    // Older than the limit set (an hour).
    refused(&init_data(TOKEN, NEWCOMER, now - 3601, None), 401);
    assert!(directory::person(&w.app().0, NEWCOMER).unwrap().is_none(), "nobody registered");
    // A blocked person.
    let (app, _) = w.app();
    directory::set_blocked(&app, &helpdesk::services::Actor::Operator("t".into()), ADMIN, true).unwrap();
    refused(&init_data(TOKEN, ADMIN, now, None), 403);
    // Posted from another site.
    let r = panel.post_from("/app/session", None, &[("init_data", &good)], Some("https://evil.example"));
    assert_eq!(r.status(), 400);
    assert_eq!(w.ints("SELECT count(*) FROM web_sessions"), [0]);
}

#[test]
fn a_bots_button_opens_its_screen() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let now = Utc::now().timestamp();
    // Buttons open /app?screen=...; the page passes it on with the launch data.
    let entry = panel.get("/app?screen=order", None).text().unwrap();
    assert!(entry.contains("name=\"screen\" value=\"order\""), "{entry}");
    let r =
        panel.post("/app/session", None, &[("init_data", &init_data(TOKEN, ADMIN, now, None)), ("screen", "order")]);
    assert_eq!(r.headers()["location"], "/order");
    // A direct link's start_param wins over a screen in the form.
    let r = panel.post(
        "/app/session",
        None,
        &[("init_data", &init_data(TOKEN, ADMIN, now, Some("new"))), ("screen", "order")],
    );
    assert_eq!(r.headers()["location"], "/requests/new");
}

/// What the bot's replies to `command` carried as buttons (their reply_markup, as JSON text),
/// once one of them says `expect` (in its text or a button). A reply may come
/// in several messages (the welcome, then the app's offer), so a `/help`
/// follows the command and its answer marks the end: one chat's updates are
/// answered in order.
fn markup_of_reply(fake: &FakeTelegram, user: &TgUser, command: &str, expect: &str) -> String {
    /// A line of /help's answer in Ukrainian (the user's language).
    const HELP: &str = "/cartridge — замовити картриджі";
    fake.clear_calls();
    fake.push_text(user, command);
    let answered = fake.wait_until(Duration::from_secs(15), |calls| {
        calls.iter().any(|c| c.chat_id() == Some(user.id) && c.params.to_string().contains(expect))
    });
    assert!(answered, "{command}: {:?}", fake.texts_to(user.id));
    fake.push_text(user, "/help");
    assert!(fake.wait_for_text(user.id, HELP, Duration::from_secs(15)), "/help: {:?}", fake.texts_to(user.id));
    let sent = fake.sent_to(user.id);
    let help = sent.iter().position(|c| c.text().is_some_and(|t| t.contains(HELP))).unwrap();
    sent[..help].iter().map(|c| c.params["reply_markup"].to_string()).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_bot_offers_the_mini_app_only_when_telegram_can_open_it() {
    let w = Workdir::seeded();
    support::add_person(&w.app().0, NEWCOMER, "Оксана Мельник", "HQ");
    let user = TgUser::new(NEWCOMER, "Оксана", "uk");
    let public = "https://helpdesk.example.org";
    {
        let fake = FakeTelegram::start();
        let _panel = Panel::start(&w, &fake, &[("HELPDESK_WEB_PUBLIC_URL", public)]);
        // The menu button opens the app.
        assert!(fake.wait_until(Duration::from_secs(15), |calls| {
            calls.iter().any(|c| {
                c.method == "setChatMenuButton"
                    && c.params["menu_button"]["type"] == "web_app"
                    && c.params["menu_button"]["web_app"]["url"] == format!("{public}/app").as_str()
            })
        }));
        // /start, /new and /cartridge offer it beside the dialogue, each at its screen.
        let start = markup_of_reply(&fake, &user, "/start", "застосунку");
        assert!(start.contains(&format!("{public}/app?screen=requests")), "{start}");
        let new = markup_of_reply(&fake, &user, "/new", "Ремонт");
        assert!(new.contains("\"web_app\"") && new.contains(&format!("{public}/app?screen=new")), "{new}");
        // HQ has printers: the order starts with which one, the app offered beside.
        let order = markup_of_reply(&fake, &user, "/cartridge", "INV-0001");
        assert!(order.contains(&format!("{public}/app?screen=order")), "{order}");
    }
    // Without https Telegram cannot open it: the bot says nothing of it. (A
    // database of its own: a new fake Bot API numbers its updates from 1 again.)
    let w = Workdir::seeded();
    support::add_person(&w.app().0, NEWCOMER, "Оксана Мельник", "HQ");
    let fake = FakeTelegram::start();
    let _panel = Panel::start(&w, &fake, &[]);
    assert!(fake.wait_until(Duration::from_secs(15), |calls| {
        calls.iter().any(|c| c.method == "setChatMenuButton" && c.params["menu_button"]["type"] == "default")
    }));
    let new = markup_of_reply(&fake, &user, "/new", "Ремонт");
    assert!(!new.contains("web_app"), "{new}");
    let start = markup_of_reply(&fake, &user, "/start", "Оксана");
    assert!(!start.contains("web_app"), "{start}");
}

#[test]
fn the_first_screen_is_light() {
    let w = Workdir::seeded();
    support::add_person(&w.app().0, NEWCOMER, "Оксана Мельник", "HQ");
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let r = launch(&panel, &init_data(TOKEN, NEWCOMER, Utc::now().timestamp(), Some("order")));
    let cookie = set_cookie(&r, "helpdesk_session").unwrap().split(';').next().unwrap().to_string();
    // Everything the order form loads from us, as a browser asks for it (compressed).
    let get = |path: &str, gzip: bool| {
        let mut req = panel.client.get(panel.url(path)).header("Cookie", &cookie);
        if gzip {
            req = req.header("Accept-Encoding", "gzip");
        }
        let r = req.send().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let gzipped = r.headers().get("content-encoding").is_some_and(|v| v == "gzip");
        (r.bytes().unwrap().to_vec(), gzipped)
    };
    let (entry, _) = get("/app?screen=order", true);
    let (page, gzipped) = get("/order", true);
    assert!(gzipped, "pages are sent compressed");
    let html = String::from_utf8_lossy(&get("/app?screen=order", false).0).to_string()
        + &String::from_utf8_lossy(&get("/order", false).0);
    let mut total = entry.len() + page.len();
    let mut assets: Vec<String> =
        html.split("\"/assets/").skip(1).filter_map(|s| s.split('"').next()).map(|s| format!("/assets/{s}")).collect();
    assets.sort();
    assets.dedup();
    assert!(assets.len() >= 2, "{assets:?}");
    for a in &assets {
        total += get(a, true).0.len();
    }
    eprintln!("the first screen: {total} bytes, compressed, from us");
    assert!(total < 60 * 1024, "the first screen is {total} bytes");
    // Nothing from another host but Telegram's script.
    let others: Vec<&str> = html.split("src=\"http").skip(1).filter_map(|s| s.split('"').next()).collect();
    assert!(others.iter().all(|s| *s == "s://telegram.org/js/telegram-web-app.js"), "{others:?}");
}
