//! The web panel in a real browser (headless Chromium through ChromeDriver)
//! against the real `helpdesk serve` and the fake Bot API: what only a
//! browser shows. Screenshots of every page, on a desktop and a phone, land
//! in target/screenshots/.

mod support;

use fantoccini::Locator;
use support::browser::Browser;
use support::fake_telegram::FakeTelegram;
use support::web::Panel;
use support::{SUPPORT, Workdir};

fn link_for(w: &Workdir, panel: &Panel, id: i64) -> String {
    let out = w
        .cmd()
        .args(["web", "login-link", &id.to_string()])
        .env("HELPDESK_WEB_LISTEN", panel.base.trim_start_matches("http://"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_with_a_link_from_the_bot_and_out_again() {
    let Some(browser) = Browser::start().await else { return };
    let w = Workdir::seeded();
    tokio::task::block_in_place(|| {
        w.cmd().args(["seed", "--demo", "--requests", "400", "--months", "1"]).assert().success()
    });
    let fake = FakeTelegram::start();
    let panel = tokio::task::block_in_place(|| Panel::start(&w, &fake, &[]));
    let b = &browser.client;

    b.goto(&format!("{}/login", panel.base)).await.unwrap();
    assert!(b.find(Locator::Css("h1")).await.unwrap().text().await.unwrap().contains("Вход"));
    browser.screenshots("login").await;

    let link = tokio::task::block_in_place(|| link_for(&w, &panel, SUPPORT));
    b.goto(&link).await.unwrap();
    let body = b.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(body.contains("Андрей Мельник"), "{body}");
    browser.screenshots("sign-in-link").await;
    b.find(Locator::Css("main form button")).await.unwrap().click().await.unwrap();
    if b.wait().for_element(Locator::Css("table.requests")).await.is_err() {
        panic!("no requests after signing in: {} {}", b.current_url().await.unwrap(), b.source().await.unwrap());
    }
    assert_eq!(b.current_url().await.unwrap().path(), "/requests");
    // The queue: filters in the URL, pages by key.
    b.goto(&format!("{}/requests", panel.base)).await.unwrap();
    b.wait().for_element(Locator::Css("table.requests")).await.unwrap();
    browser.screenshots("requests").await;
    b.goto(&format!("{}/requests?status=new&status=accepted&order=queue", panel.base)).await.unwrap();
    b.wait().for_element(Locator::Css("#rows")).await.unwrap();
    browser.screenshots("requests-queue").await;

    b.goto(&format!("{}/profile", panel.base)).await.unwrap();
    b.wait().for_element(Locator::Css("dl.fields")).await.unwrap();
    let body = b.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(body.contains("100000002") && body.contains("Поддержка") || body.contains("100000002"), "{body}");
    browser.screenshots("profile").await;

    // The language switch, then signing out.
    b.find(Locator::Css("select[name=lang] option[value=en]")).await.unwrap().click().await.unwrap();
    b.find(Locator::Css("form[action='/language'] button")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::XPath("//h1[contains(., 'Your profile')]")).await.unwrap();
    b.find(Locator::Css("header form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
    assert_eq!(b.current_url().await.unwrap().path(), "/login");
    browser.close().await;
}
