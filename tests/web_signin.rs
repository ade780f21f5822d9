//! Signing in to the web panel of the real `helpdesk serve`: one-time links
//! (from the CLI and the bot's /web), the Telegram Login Widget, sessions
//! and their cookie, signing out, and the checks on every form post.

mod support;

use support::fake_telegram::{FakeTelegram, TOKEN, TgUser};
use support::web::{Panel, csrf_of, set_cookie};
use support::{ADMIN, SUPPORT, Workdir};

/// A sign-in link for `id`, as `helpdesk web login-link` prints it.
fn link_for(w: &Workdir, panel: &Panel, id: i64) -> String {
    let out = w
        .cmd()
        .args(["web", "login-link", &id.to_string()])
        .env("HELPDESK_WEB_PUBLIC_URL", &panel.base)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let url = stdout.lines().next().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/login/link/", panel.base)), "{stdout}");
    assert!(stdout.contains("valid until"), "{stdout}");
    url
}

/// Signs in with a fresh link; returns the session cookie (`name=value`).
fn sign_in(w: &Workdir, panel: &Panel, id: i64) -> String {
    let url = link_for(w, panel, id);
    let r = panel.post(&url, None, &[]);
    assert_eq!(r.status(), 303, "{}", r.text().unwrap_or_default());
    let cookie = set_cookie(&r, "helpdesk_session").expect("a session cookie");
    cookie.split(';').next().unwrap().to_string()
}

#[test]
fn a_one_time_link_signs_in_once_and_opening_it_uses_nothing() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let url = link_for(&w, &panel, SUPPORT);

    // Opening the link (as Telegram's preview would) shows who it is for and changes nothing.
    for _ in 0..2 {
        let r = panel.get(&url, None);
        assert_eq!(r.status(), 200);
        let page = r.text().unwrap();
        assert!(page.contains("Андрей Мельник"), "{page}");
        assert!(page.contains(&format!("action=\"{}\"", url.trim_start_matches(&panel.base))), "{page}");
    }
    // The button signs in: an HttpOnly, SameSite cookie (not Secure over plain http).
    let r = panel.post(&url, None, &[]);
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
    let set = set_cookie(&r, "helpdesk_session").unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"), "{set}");
    assert!(!set.contains("Secure"), "{set}");
    let cookie = set.split(';').next().unwrap();
    let page = panel.get("/profile", Some(cookie)).text().unwrap();
    assert!(page.contains("Андрей Мельник") && page.contains("100000002"), "{page}");

    // Used up: a second sign-in with it is refused, in the person's language.
    let r = panel.post(&url, None, &[]);
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("Отправьте боту /web"), "in Russian, the default");
    let r = panel.get(&url, None);
    assert_eq!(r.status(), 422, "the page says so too");
    // A made-up token is the same.
    assert_eq!(panel.post(&format!("/login/link/{}", "ab".repeat(32)), None, &[]).status(), 422);

    // The audit log says it came from the web.
    let actors = w.rows("SELECT actor, action FROM logs WHERE action LIKE 'web.%' ORDER BY id");
    let actors: Vec<String> =
        actors.iter().map(|r| format!("{} {}", r[0].text().unwrap(), r[1].text().unwrap())).collect();
    assert_eq!(actors, ["cli:tester web.login_link", "web:100000002 web.sign_in"]);
}

#[test]
fn links_are_refused_to_unknown_and_blocked_people_and_without_a_panel() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let out =
        w.cmd().args(["web", "login-link", "555000999"]).env("HELPDESK_WEB_LISTEN", "127.0.0.1:9").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: unknown user '555000999'; run `helpdesk users list` to see them\n"
    );
    let out = w.cmd().args(["web", "login-link", "100000002"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: the web panel is off; set HELPDESK_WEB_LISTEN (and HELPDESK_WEB_PUBLIC_URL) for helpdesk serve\n"
    );
    // A link made before a block stops working; a blocked person gets none.
    let url = link_for(&w, &panel, SUPPORT);
    w.cmd().args(["users", "block", "100000002"]).assert().success();
    assert_eq!(panel.post(&url, None, &[]).status(), 403);
    let out =
        w.cmd().args(["web", "login-link", "100000002"]).env("HELPDESK_WEB_LISTEN", "127.0.0.1:9").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("blocked"));
}

#[test]
fn sessions_end_on_sign_out_everywhere_on_a_block_and_form_posts_need_their_origin_and_csrf() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let a = sign_in(&w, &panel, SUPPORT);
    let b = sign_in(&w, &panel, SUPPORT);
    let page = panel.get("/profile", Some(&a)).text().unwrap();
    let csrf = csrf_of(&page);
    assert_eq!(page.matches("<tr>").count(), 3, "a header and two sessions: {page}");

    // Without the session's CSRF value, from another site, or with neither Origin nor Sec-Fetch-Site: refused.
    assert_eq!(panel.post("/logout", Some(&a), &[("csrf", "forged")]).status(), 400);
    assert_eq!(panel.post("/logout", Some(&a), &[]).status(), 422, "no csrf field at all");
    assert_eq!(panel.post_from("/logout", Some(&a), &[("csrf", &csrf)], Some("https://evil.example")).status(), 400);
    assert_eq!(panel.post_from("/logout", Some(&a), &[("csrf", &csrf)], None).status(), 400);
    assert_eq!(panel.post_from("/logout", Some(&a), &[("csrf", &csrf)], Some("null")).status(), 400);
    let cross = panel
        .client
        .post(panel.url("/logout"))
        .header("Cookie", &a)
        .header("Origin", "null")
        .header("Sec-Fetch-Site", "cross-site")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}"))
        .send()
        .unwrap();
    assert_eq!(cross.status(), 400, "Origin: null from another site");
    assert_eq!(panel.get("/profile", Some(&a)).status(), 200, "still signed in");
    // Another session's CSRF value does not do either.
    let csrf_b = csrf_of(&panel.get("/profile", Some(&b)).text().unwrap());
    assert_eq!(panel.post("/logout", Some(&a), &[("csrf", &csrf_b)]).status(), 400);

    // Sign out everywhere: both sessions end, and the cookie is cleared.
    let r = panel.post("/logout/everywhere", Some(&a), &[("csrf", &csrf)]);
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?done=signed_out_everywhere");
    assert!(set_cookie(&r, "helpdesk_session").unwrap().contains("Max-Age=0"));
    for c in [&a, &b] {
        let r = panel.get("/profile", Some(c));
        assert_eq!(r.status(), 303, "signed out");
        assert_eq!(r.headers()["location"], "/login?next=%2Fprofile");
    }

    // Signing out ends this session only.
    let c = sign_in(&w, &panel, ADMIN);
    let d = sign_in(&w, &panel, ADMIN);
    let csrf = csrf_of(&panel.get("/profile", Some(&c)).text().unwrap());
    assert_eq!(panel.post("/logout", Some(&c), &[("csrf", &csrf)]).status(), 303);
    assert_eq!(panel.get("/profile", Some(&c)).status(), 303);
    assert_eq!(panel.get("/profile", Some(&d)).status(), 200);
    // A block takes effect at the next request.
    w.cmd().args(["users", "block", "100000001"]).assert().success();
    assert_eq!(panel.get("/profile", Some(&d)).status(), 303);
    w.cmd().args(["users", "unblock", "100000001"]).assert().success();
    assert_eq!(panel.get("/profile", Some(&d)).status(), 303, "the block ended the session for good");
    // The CLI ends someone's sessions too.
    let e = sign_in(&w, &panel, ADMIN);
    w.cmd().args(["web", "sign-out", "100000001"]).assert().success().stdout("ended 1 web session of 100000001\n");
    assert_eq!(panel.get("/profile", Some(&e)).status(), 303);
}

/// The Login Widget's fields for `id`, signed with `token` as Telegram signs them.
fn widget_fields(id: i64, auth_date: i64, token: &str) -> Vec<(String, String)> {
    use hmac::{KeyInit, Mac};
    use sha2::{Digest, Sha256};
    let mut fields: Vec<(String, String)> = vec![
        ("id".into(), id.to_string()),
        ("first_name".into(), "Ann".into()),
        ("username".into(), "ann_w".into()),
        ("auth_date".into(), auth_date.to_string()),
    ];
    fields.sort();
    let check: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&Sha256::digest(token.as_bytes())).unwrap();
    mac.update(check.join("\n").as_bytes());
    let hash: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    fields.push(("hash".into(), hash));
    fields
}

fn query(fields: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish()
}

#[test]
fn the_login_widget_signs_in_who_telegram_vouches_for_and_nobody_else() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let now = chrono::Utc::now().timestamp();

    // Signed by the bot's token: signed in, registered as a user if new.
    let r = panel.get(&format!("/login/telegram?{}", query(&widget_fields(555_000_401, now, TOKEN))), None);
    assert_eq!(r.status(), 303, "{}", r.text().unwrap_or_default());
    let cookie = set_cookie(&r, "helpdesk_session").unwrap();
    let page = panel.get("/profile", Some(cookie.split(';').next().unwrap())).text().unwrap();
    assert!(page.contains("Ann") && page.contains("555000401"), "{page}");

    // Signed with another token, tampered with, or older than a day: refused, and no session.
    let other = widget_fields(555_000_402, now, "123456789:another-bot");
    let mut tampered = widget_fields(555_000_402, now, TOKEN);
    tampered[1].1 = ADMIN.to_string();
    for fields in [other, tampered, widget_fields(555_000_402, now - 86_400 - 60, TOKEN)] {
        let r = panel.get(&format!("/login/telegram?{}", query(&fields)), None);
        assert_eq!(r.status(), 422);
        assert!(set_cookie(&r, "helpdesk_session").is_none());
        assert!(r.text().unwrap().contains("Telegram"));
    }
    assert_eq!(w.int("SELECT count(*) FROM web_sessions"), 1);
    assert_eq!(w.int("SELECT count(*) FROM users WHERE telegram_id = 555000402"), 0);

    // Hammering it runs into the limit on failed attempts.
    let bad = query(&widget_fields(555_000_403, now, "1:x"));
    let statuses: Vec<u16> =
        (0..25).map(|_| panel.get(&format!("/login/telegram?{bad}"), None).status().as_u16()).collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    // Behind a reverse proxy on this machine each client counts for itself: another
    // address the proxy names is not locked out by the first one's failures.
    let from = |ip: &str| {
        let url = panel.url(&format!("/login/telegram?{bad}"));
        panel.client.get(url).header("X-Forwarded-For", ip).send().unwrap().status().as_u16()
    };
    assert_eq!(from("198.51.100.7"), 422);
    let statuses: Vec<u16> = (0..25).map(|_| from("198.51.100.8")).collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(from("198.51.100.7"), 422, "still not locked out");
}

#[test]
fn pages_carry_security_headers_and_speak_the_language_asked_for() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let r = panel.get("/login", None);
    assert_eq!(r.status(), 200);
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin", "a sign-in link's token never leaves for another site");
    assert_eq!(h["cache-control"], "no-store");
    let page = r.text().unwrap();
    assert!(!page.contains("<script>") && !page.contains("style="), "no inline script or style");
    // Russian by default, Ukrainian or English when the browser asks.
    assert!(page.contains("Вход"), "{page}");
    let uk = panel.client.get(panel.url("/login")).header("Accept-Language", "uk-UA,uk;q=0.9").send().unwrap();
    assert!(uk.text().unwrap().contains("Вхід"));
    // Assets are served from the binary, cached for long.
    let css = panel.get("/assets/app.css", None);
    assert_eq!(css.status(), 200);
    assert!(css.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(panel.get("/nowhere", None).status(), 404);
}

#[test]
fn the_bot_sends_a_sign_in_link_for_web() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let support = TgUser::new(SUPPORT, "Андрей", "ru");
    fake.push_text(&support, "/web");
    assert!(
        fake.wait_for_text(SUPPORT, "/login/link/", std::time::Duration::from_secs(15)),
        "{:?}",
        fake.texts_to(SUPPORT)
    );
    let sent =
        fake.sent_to(SUPPORT).into_iter().rev().find(|c| c.text().is_some_and(|t| t.contains("/login/link/"))).unwrap();
    assert_eq!(sent.params["link_preview_options"]["is_disabled"], true, "no preview fetches the link");
    let text = sent.text().unwrap();
    let start = text.find(&panel.base).unwrap();
    let url: String = text[start..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(panel.post(&url, None, &[]).status(), 303);
    // /web is in the command menu when there is a panel.
    assert!(fake.wait_until(std::time::Duration::from_secs(15), |calls| {
        calls.iter().any(|c| c.method == "setMyCommands" && c.params["commands"].to_string().contains("\"web\""))
    }));
}

#[test]
fn the_panel_serves_while_telegram_cannot_be_reached() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    // Nothing listens on port 9: serve keeps retrying getMe; the panel must not wait for it.
    let panel = Panel::start(&w, &fake, &[("HELPDESK_TELEGRAM_API_URL", "http://127.0.0.1:9/")]);
    let r = panel.get("/login", None);
    assert_eq!(r.status(), 200);
    let cookie = panel.sign_in(&w, ADMIN);
    assert_eq!(panel.get("/requests", Some(&cookie)).status(), 200);
    assert_eq!(panel.get("/dashboard", Some(&cookie)).status(), 200);
}
