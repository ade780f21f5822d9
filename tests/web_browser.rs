//! The web panel in a real browser (headless Chromium through ChromeDriver)
//! against the real `helpdesk serve` and the fake Bot API: what only a
//! browser shows. Screenshots of every page, on a desktop and a phone, land
//! in target/screenshots/ for a person to look at.

mod support;

use fantoccini::Locator;
use helpdesk::domain::{BranchKey, Kind, Priority};
use helpdesk::services::{Actor, directory, requests};
use helpdesk::store::AttachmentKind;
use std::time::Duration;
use support::browser::Browser;
use support::fake_telegram::FakeTelegram;
use support::web::Panel;
use support::{SUPPORT, Workdir};

const AUTHOR: i64 = 555_000_701;

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

/// Opens a one-time link for `id` and presses its button, as a person does.
async fn sign_in(b: &fantoccini::Client, w: &Workdir, panel: &Panel, id: i64) {
    let link = tokio::task::block_in_place(|| link_for(w, panel, id));
    b.goto(&link).await.unwrap();
    b.find(Locator::Css("main form button")).await.unwrap().click().await.unwrap();
}

/// Two new requests by one author, the first with a photo.
fn requests_to_work_on(w: &Workdir, fake: &FakeTelegram) -> (i64, i64) {
    let (app, _) = w.app();
    directory::add_user(
        &app,
        &Actor::Operator("t".into()),
        &directory::NewPerson {
            telegram_id: AUTHOR,
            full_name: "Марина Коваль".into(),
            branch: Some(BranchKey::parse("KHARKIV").unwrap()),
            ..Default::default()
        },
    )
    .unwrap();
    fake.put_file("AgACjam", "photos/jam.png", &std::fs::read(support::fixtures().join("web/photo.png")).unwrap());
    let file = |description: &str, photo: bool| {
        let attachments = if photo {
            vec![requests::TicketAttachment {
                kind: AttachmentKind::Photo,
                file_id: "AgACjam".into(),
                file_unique_id: None,
                file_name: None,
                mime_type: Some("image/png".into()),
            }]
        } else {
            vec![]
        };
        requests::create(
            &app,
            &Actor::Telegram(AUTHOR),
            &requests::NewTicket {
                kind: Kind::Repair,
                branch_id: None,
                contact_name: "Марина Коваль".into(),
                contact_phone: "+380671234567".into(),
                description: description.into(),
                priority: Priority::High,
                items: vec![],
                attachments,
                client_key: None,
            },
        )
        .unwrap()
        .id
    };
    (file("Принтер в приёмной зажевал бумагу и мигает красным", true), file("Нужна вторая клавиатура", false))
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_filter_the_queue_open_a_card_with_a_photo_accept_one_reject_another() {
    let Some(browser) = Browser::start().await else { return };
    let w = Workdir::seeded();
    tokio::task::block_in_place(|| {
        w.cmd().args(["seed", "--demo", "--requests", "400", "--months", "1"]).assert().success()
    });
    let fake = FakeTelegram::start();
    let (jam, keyboard) = tokio::task::block_in_place(|| requests_to_work_on(&w, &fake));
    let panel = tokio::task::block_in_place(|| Panel::start(&w, &fake, &[]));
    let b = &browser.client;

    b.goto(&format!("{}/login", panel.base)).await.unwrap();
    assert!(b.find(Locator::Css("h1")).await.unwrap().text().await.unwrap().contains("Вход"));
    browser.screenshots("login").await;

    // Sign in with a link from the bot: a page that says who, a button.
    let link = tokio::task::block_in_place(|| link_for(&w, &panel, SUPPORT));
    b.goto(&link).await.unwrap();
    let body = b.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(body.contains("Андрей Мельник"), "{body}");
    browser.screenshots("sign-in-link").await;
    b.find(Locator::Css("main form button")).await.unwrap().click().await.unwrap();
    if b.wait().for_element(Locator::Css("#dash .grid")).await.is_err() {
        panic!("no dashboard after signing in: {} {}", b.current_url().await.unwrap(), b.source().await.unwrap());
    }
    assert_eq!(b.current_url().await.unwrap().path(), "/dashboard", "staff start at the dashboard");
    browser.screenshots("dashboard").await;
    b.goto(&format!("{}/requests", panel.base)).await.unwrap();
    b.wait().for_element(Locator::Css("table.requests")).await.unwrap();
    browser.screenshots("requests").await;

    // Filter the queue with the form: ticking "new" applies at once and lands in the URL.
    b.find(Locator::Css("input[name=status][value=new]")).await.unwrap().click().await.unwrap();
    b.wait().for_url(&format!("{}/requests?status=new", panel.base).parse().unwrap()).await.unwrap();
    b.wait().for_element(Locator::Css(&format!("a[href='/requests/{jam}']"))).await.unwrap();
    browser.screenshots("queue").await;

    // The card, with the photo fetched through the server.
    b.find(Locator::Css(&format!("a[href='/requests/{jam}']"))).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("img.photo")).await.unwrap();
    let shown = b
        .execute(
            "return document.querySelector('img.photo').complete && document.querySelector('img.photo').naturalWidth",
            vec![],
        )
        .await
        .unwrap();
    let mut width = shown.as_u64().unwrap_or(0);
    for _ in 0..20 {
        if width > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        width = b
            .execute("return document.querySelector('img.photo').naturalWidth", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(0);
    }
    assert_eq!(width, 480, "the photo shows");
    browser.screenshots("card").await;

    // Accept it: the card says so, the author is told in Telegram.
    b.find(Locator::Css(&format!("form[action='/requests/{jam}/accept'] button")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
    assert!(b.find(Locator::Css(&format!("form[action='/requests/{jam}/complete']"))).await.is_ok());
    browser.screenshots("card-accepted").await;
    assert!(fake.wait_for_text_async(AUTHOR, "принял(а) Андрей Мельник", Duration::from_secs(20)).await);

    // Reject the other with a reason.
    b.goto(&format!("{}/requests/{keyboard}", panel.base)).await.unwrap();
    b.find(Locator::Css("textarea[name=reason]"))
        .await
        .unwrap()
        .send_keys("Клавиатуры выдаёт склад — закажите через бота")
        .await
        .unwrap();
    b.find(Locator::Css(&format!("form[action='/requests/{keyboard}/reject'] button")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
    assert!(
        fake.wait_for_text_async(AUTHOR, "закажите через бота", Duration::from_secs(20)).await,
        "{:?}",
        fake.texts_to(AUTHOR)
    );

    // The profile, the language, signing out.
    b.goto(&format!("{}/profile", panel.base)).await.unwrap();
    b.wait().for_element(Locator::Css("dl.fields")).await.unwrap();
    browser.screenshots("profile").await;
    b.find(Locator::Css("select[name=lang] option[value=en]")).await.unwrap().click().await.unwrap();
    b.find(Locator::Css("form[action='/language'] button")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::XPath("//h1[contains(., 'Your profile')]")).await.unwrap();
    b.find(Locator::Css("header form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
    assert_eq!(b.current_url().await.unwrap().path(), "/login");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_employee_files_a_request_and_orders_cartridges_on_a_phone() {
    let Some(browser) = Browser::start().await else { return };
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    tokio::task::block_in_place(|| requests_to_work_on(&w, &fake));
    let panel = tokio::task::block_in_place(|| Panel::start(&w, &fake, &[]));
    let b = &browser.client;
    b.set_window_size(support::browser::PHONE.0, support::browser::PHONE.1).await.unwrap();
    sign_in(b, &w, &panel, AUTHOR).await;
    b.wait().for_element(Locator::Css("table.requests")).await.unwrap();
    browser.screenshots("my-requests").await;

    b.goto(&format!("{}/requests/new", panel.base)).await.unwrap();
    b.wait().for_element(Locator::Css("textarea[name=description]")).await.unwrap();
    browser.screenshots("new-request").await;
    b.find(Locator::Css("input[name=kind][value=it_help]")).await.unwrap().click().await.unwrap();
    b.find(Locator::Css("textarea[name=description]"))
        .await
        .unwrap()
        .send_keys("Не открывается почта в Outlook")
        .await
        .unwrap();
    b.find(Locator::Css("form.form button[type=submit]")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
    let body = b.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(body.contains("Не открывается почта в Outlook"), "{body}");
    browser.screenshots("filed").await;

    b.goto(&format!("{}/order", panel.base)).await.unwrap();
    b.wait().for_element(Locator::Css("ul.order-lines")).await.unwrap();
    // Two taps on + (and one on − that a zero ignores).
    let line = b.find(Locator::Css("li.order-line")).await.unwrap();
    line.find(Locator::Css("button.step[data-step='-1']")).await.unwrap().click().await.unwrap();
    for _ in 0..2 {
        line.find(Locator::Css("button.step[data-step='1']")).await.unwrap().click().await.unwrap();
    }
    let qty = line.find(Locator::Css("input.qty")).await.unwrap();
    assert_eq!(qty.prop("value").await.unwrap().as_deref(), Some("2"));
    browser.screenshots("order").await;
    b.find(Locator::Css("form.form button[type=submit]")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
    assert!(fake.wait_for_text_async(support::STOREKEEPER, "× 2", Duration::from_secs(20)).await);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_super_admin_manages_people() {
    let Some(browser) = Browser::start().await else { return };
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    tokio::task::block_in_place(|| requests_to_work_on(&w, &fake));
    let panel =
        tokio::task::block_in_place(|| Panel::start(&w, &fake, &[("HELPDESK_SUPER_ADMINS", &AUTHOR.to_string())]));
    let b = &browser.client;
    sign_in(b, &w, &panel, AUTHOR).await;
    b.wait().for_element(Locator::Css("#dash")).await.unwrap();
    b.goto(&format!("{}/people", panel.base)).await.unwrap();
    b.wait().for_element(Locator::Css("table.people")).await.unwrap();
    browser.screenshots("people").await;
    // Support becomes a storekeeper: the row says so after the round trip.
    b.find(Locator::Css("form[action='/people/100000002/role'] select option[value=storekeeper]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.find(Locator::Css("form[action='/people/100000002/role'] button")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
    let selected = b
        .execute("return document.querySelector(\"form[action='/people/100000002/role'] select\").value", vec![])
        .await
        .unwrap();
    assert_eq!(selected, "storekeeper");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_uploads_1c_balances_and_reads_the_reports() {
    let Some(browser) = Browser::start().await else { return };
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    tokio::task::block_in_place(|| requests_to_work_on(&w, &fake));
    let panel = tokio::task::block_in_place(|| Panel::start(&w, &fake, &[]));
    // Two steps of 1C's exchange on record: the stock page lists them for administrators.
    {
        use helpdesk::services::onec_exchange::{self, Step};
        let (app, _) = w.app();
        let mut failed = Step::new(onec_exchange::CATALOG, "import");
        failed.files = vec!["offers.xml".into()];
        failed.detail = "offers.xml: the file ends inside <Предложение> opened on line 40: it is cut short".into();
        onec_exchange::record(&app, &failed).unwrap();
        let mut ok = Step::new(onec_exchange::SALE, "confirm");
        ok.ok = true;
        ok.detail = "1C confirmed 3 cartridge issues on 2 orders".into();
        onec_exchange::record(&app, &ok).unwrap();
    }
    let b = &browser.client;
    sign_in(b, &w, &panel, support::ADMIN).await;
    b.wait().for_element(Locator::Css("#dash")).await.unwrap();
    b.goto(&format!("{}/stock", panel.base)).await.unwrap();
    b.wait().for_element(Locator::Css("table.stock")).await.unwrap();
    let exchanges = b.find(Locator::Css("#onec")).await.unwrap().text().await.unwrap();
    assert!(exchanges.contains("1С підтвердила видані картриджі") && exchanges.contains("cut short"), "{exchanges}");
    browser.screenshots("stock").await;
    // The 1C file through the form: the differences first, then applied.
    let offers = support::fixtures().join("1c/offers-2.08.xml");
    b.find(Locator::Css("#files")).await.unwrap().send_keys(offers.to_str().unwrap()).await.unwrap();
    b.find(Locator::Css("form[action='/stock/import'] button")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css("table.changes")).await.unwrap();
    browser.screenshots("stock-import").await;
    b.find(Locator::Css("form[action$='/apply'] button")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
    let (app, _) = w.app();
    let central = helpdesk::services::catalog::stock(&app, None, false)
        .unwrap()
        .into_iter()
        .find(|s| s.vendor_article == "CF283A" && s.warehouse_name == "Центральный склад")
        .unwrap();
    assert_eq!(central.quantity, 38, "applied from the browser");
    // The period that holds the requests the test filed (its clock is in the past).
    b.goto(&format!("{}/reports?from=2020-01-01", panel.base)).await.unwrap();
    b.wait().for_element(Locator::Css("table.report")).await.unwrap();
    browser.screenshots("reports").await;
    browser.close().await;
}

/// The Mini App's address as Telegram opens it: launch data in the fragment.
fn mini_app_url(panel: &Panel, screen: &str, data: &str) -> String {
    let fragment: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("tgWebAppData", data), ("tgWebAppVersion", "8.0"), ("tgWebAppPlatform", "android")])
        .finish();
    format!("{}/app?screen={screen}#{fragment}", panel.base)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mini_app_orders_two_cartridge_types_in_light_and_dark_and_refuses_a_forged_launch() {
    const EMPLOYEE: i64 = 555_000_777;
    for dark in [false, true] {
        let Some(browser) = Browser::start_with(dark).await else { return };
        let theme = if dark { "dark" } else { "light" };
        let w = Workdir::seeded();
        let fake = FakeTelegram::start();
        support::add_person(&w.app().0, EMPLOYEE, "Оксана Мельник", "KHARKIV");
        let panel = tokio::task::block_in_place(|| Panel::start(&w, &fake, &[]));
        let b = &browser.client;
        let now = chrono::Utc::now().timestamp();
        let data = support::web::mini_app_init_data(support::fake_telegram::TOKEN, EMPLOYEE, now, None);

        // A forged launch: the refusal page, and nothing signed in.
        let forged = data.replace("555000777", "555000778");
        b.goto(&mini_app_url(&panel, "order", &forged)).await.unwrap();
        // Without Telegram's script the launch data comes from the address: confirmed by a press.
        b.wait().for_element(Locator::Css("#tg-signin button")).await.unwrap();
        b.find(Locator::Css("#tg-signin button")).await.unwrap().click().await.unwrap();
        // The refusal replaces the page: waited for by what it says, not by an element the old page has too.
        b.wait()
            .for_element(Locator::XPath("//main[.//h1 and contains(., 'Telegram') and not(.//form[@action='/order'])]"))
            .await
            .unwrap();
        assert!(b.find(Locator::Css("form[action='/order']")).await.is_err());
        browser.screenshots(&format!("miniapp-refused-{theme}")).await;

        // Signed in by Telegram, straight to the order form: two types, one order.
        b.goto(&mini_app_url(&panel, "order", &data)).await.unwrap();
        b.wait().for_element(Locator::Css("#tg-signin button")).await.unwrap();
        let button = b.find(Locator::Css("#tg-signin button")).await.unwrap().text().await.unwrap();
        assert!(button.contains("Оксана Мельник"), "says whom it signs in: {button}");
        browser.screenshots(&format!("miniapp-entry-{theme}")).await;
        b.find(Locator::Css("#tg-signin button")).await.unwrap().click().await.unwrap();
        b.wait().for_element(Locator::Css("form[action='/order'] input.qty")).await.unwrap();
        browser.screenshots(&format!("miniapp-order-{theme}")).await;
        let qty = b.find_all(Locator::Css("form[action='/order'] input.qty")).await.unwrap();
        qty[0].clear().await.unwrap();
        qty[0].send_keys("2").await.unwrap();
        qty[1].clear().await.unwrap();
        qty[1].send_keys("1").await.unwrap();
        let phone = b.find(Locator::Css("#phone")).await.unwrap();
        phone.clear().await.unwrap();
        phone.send_keys("067 123 45 67").await.unwrap();
        b.find(Locator::Css("form[action='/order'] button[type=submit]")).await.unwrap().click().await.unwrap();
        b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
        browser.screenshots(&format!("miniapp-ordered-{theme}")).await;

        // The storekeeper is told in the bot, and the CLI lists it with both lines.
        assert!(fake.wait_for_text_async(support::STOREKEEPER, "× 2", Duration::from_secs(20)).await);
        let listed = tokio::task::block_in_place(|| {
            w.cmd().args(["requests", "list", "--kind", "cartridge", "--format", "json"]).output().unwrap()
        });
        let rows: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
        let mine: Vec<&serde_json::Value> =
            rows.as_array().unwrap().iter().filter(|r| r["author_id"] == EMPLOYEE).collect();
        assert_eq!(mine.len(), 1, "{rows}");
        let (app, _) = w.app();
        let number = helpdesk::domain::RequestNumber::parse(mine[0]["number"].as_str().unwrap()).unwrap();
        let card = requests::card(&app, &Actor::Operator("t".into()), number.0).unwrap();
        assert_eq!(card.items.len(), 2, "two cartridge types in one order");

        // A repair with a photo from the phone: attached through Telegram, shown on the card.
        b.goto(&format!("{}/requests/new", panel.base)).await.unwrap();
        b.wait().for_element(Locator::Css("form[action='/requests/new']")).await.unwrap();
        b.find(Locator::Css("input[name=kind][value=repair]")).await.unwrap().click().await.unwrap();
        b.find(Locator::Css("#description"))
            .await
            .unwrap()
            .send_keys("Принтер в бухгалтерии мнёт бумагу")
            .await
            .unwrap();
        let photo = support::fixtures().join("web/photo.png");
        b.find(Locator::Css("#attachment")).await.unwrap().send_keys(photo.to_str().unwrap()).await.unwrap();
        browser.screenshots(&format!("miniapp-new-request-{theme}")).await;
        b.find(Locator::Css("form[action='/requests/new'] button[type=submit]")).await.unwrap().click().await.unwrap();
        b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
        assert!(b.find(Locator::Css("main img")).await.is_ok(), "the photo is on the card");
        assert_eq!(fake.sent_to(EMPLOYEE).into_iter().filter(|c| c.method == "sendPhoto").count(), 1);
        browser.close().await;
    }
}

/// Telegram's script as the Mini App finds it inside Telegram: the launch
/// data, and the theme of the person's client (`themeParams`, `colorScheme`).
fn telegram_in_the_page(init_data: &str, theme: &serde_json::Value, scheme: &str) -> String {
    format!(
        r#"(function () {{
            var nothing = function () {{}};
            window.Telegram = {{ WebApp: {{
                initData: {data}, initDataUnsafe: {{}}, version: '8.0', platform: 'tdesktop',
                colorScheme: {scheme}, themeParams: {theme},
                onEvent: nothing, offEvent: nothing, ready: nothing, expand: nothing,
                MainButton: {{ setText: nothing, onClick: nothing, show: nothing, hide: nothing }},
                BackButton: {{ onClick: nothing, show: nothing, hide: nothing }}
            }} }};
        }})();"#,
        data = serde_json::Value::from(init_data),
        scheme = serde_json::Value::from(scheme),
    )
}

/// Telegram Desktop's night theme and its day theme, as its client hands them to a Mini App.
fn telegram_theme(dark: bool) -> serde_json::Value {
    if dark {
        serde_json::json!({
            "bg_color": "#17212b", "secondary_bg_color": "#232e3c", "section_bg_color": "#17212b",
            "header_bg_color": "#17212b", "bottom_bar_bg_color": "#17212b", "text_color": "#f5f5f5",
            "hint_color": "#708499", "subtitle_text_color": "#708499", "link_color": "#6ab3f3",
            "button_color": "#5288c1", "button_text_color": "#ffffff", "accent_text_color": "#6ab2f2",
            "section_header_text_color": "#6ab3f3", "destructive_text_color": "#ec3942",
            "section_separator_color": "#111921"
        })
    } else {
        serde_json::json!({
            "bg_color": "#ffffff", "secondary_bg_color": "#f1f1f1", "section_bg_color": "#ffffff",
            "header_bg_color": "#ffffff", "bottom_bar_bg_color": "#ffffff", "text_color": "#000000",
            "hint_color": "#999999", "subtitle_text_color": "#999999", "link_color": "#2481cc",
            "button_color": "#40a7e3", "button_text_color": "#ffffff", "accent_text_color": "#2481cc",
            "section_header_text_color": "#2481cc", "destructive_text_color": "#d14e4e",
            "section_separator_color": "#e7e7e7"
        })
    }
}

/// What is wrong with the navigation bar at this window's size: a scroll bar
/// under the tabs (Chromium shows one, Telegram Desktop is a Chromium), or a
/// tab out of sight. Nothing when the tabs wrap or scroll without a bar.
async fn navigation_trouble(b: &fantoccini::Client) -> Option<String> {
    let found = b
        .execute(
            r#"const nav = document.querySelector('header .nav');
            if (!nav) { return null; }
            const s = getComputedStyle(nav);
            const scrolls = s.overflowX === 'scroll' || (s.overflowX === 'auto' && nav.scrollWidth > nav.clientWidth + 1);
            if (scrolls && s.scrollbarWidth !== 'none') {
                return 'a scroll bar under the tabs: ' + nav.scrollWidth + 'px of tabs in ' + nav.clientWidth + 'px';
            }
            const out = [...nav.querySelectorAll('a')].filter(a => a.getBoundingClientRect().left >= window.innerWidth);
            if (!scrolls && out.length) { return 'tabs out of sight: ' + out.map(a => a.textContent).join(', '); }
            return null;"#,
            vec![],
        )
        .await
        .unwrap();
    found.as_str().map(String::from)
}

/// Every page an administrator and an employee see, in the light and the
/// dark colour scheme, and the Mini App on a phone in Telegram's night and
/// day themes, each the other way round from the system's (as people have
/// them): axe-core finds no critical or serious violation of WCAG 2 A and AA
/// on any, and the tabs wrap rather than show a scroll bar. One browser per
/// scheme, one person signed in per role, the pages in a loop.
#[tokio::test(flavor = "multi_thread")]
async fn every_page_passes_axe_in_light_and_dark_and_in_telegrams_themes() {
    use support::browser::{DESKTOP, PHONE};
    let Some(axe) = support::browser::Axe::load() else { return };
    let w = Workdir::seeded();
    tokio::task::block_in_place(|| {
        w.cmd().args(["seed", "--demo", "--requests", "120", "--months", "3", "--consumption"]).assert().success();
        // A refill batch, partly back, for the refills pages.
        w.cmd().args(["contractors", "add", "Тонер-Сервіс", "--contacts", "+380 44 123 45 67"]).assert().success();
        w.cmd().args(["stock", "empties", "CENTRAL", "CE285A", "4"]).assert().success();
        w.cmd()
            .args(["refills", "send", "--contractor", "Тонер-Сервіс", "--warehouse", "CENTRAL", "CE285A=4"])
            .assert()
            .success();
        w.cmd().args(["refills", "receive", "1", "CE285A=2"]).assert().success();
    });
    let fake = FakeTelegram::start();
    let (jam, _) = tokio::task::block_in_place(|| requests_to_work_on(&w, &fake));
    let order =
        support::file_request(&w.app().0, AUTHOR, Kind::Cartridge, None, Priority::Medium, "Картридж в приёмную");
    // A schedule that has filed once, late, for the Recurring page.
    tokio::task::block_in_place(|| {
        let (app, clock) = w.app();
        clock.set(chrono::Utc::now() - chrono::Duration::days(40));
        let s = helpdesk::services::recurring::NewSchedule {
            kind: Kind::Maintenance,
            branch: Some(BranchKey::parse("HQ").unwrap()),
            description: "Проверка серверной: температура, ИБП, журналы".into(),
            priority: Priority::High,
            author: support::ADMIN,
            assignee: Some(SUPPORT),
            rule: "monthly on 1".into(),
            at: "09:00".into(),
            starts_on: None,
        };
        helpdesk::services::recurring::add(&app, &Actor::Operator("t".into()), &s).unwrap();
        w.cmd().args(["recurring", "run"]).assert().success();
        w.cmd()
            .args(["recurring", "add", "--kind", "it_help", "--all-branches", "--every", "every 2 weeks on fri"])
            .args(["--author", "100000001", "--description", "Резервная копия: смена ленты"])
            .assert()
            .success();
    });
    // A repair done today and rated 2 by its author: the card's rating form, the reports' Satisfaction.
    let rated = tokio::task::block_in_place(|| {
        let (app, clock) = w.app();
        clock.set(chrono::Utc::now());
        let id = support::file_request(&app, AUTHOR, Kind::Repair, None, Priority::Low, "Не работает мышь");
        requests::accept(&app, &Actor::Telegram(SUPPORT), id).unwrap();
        requests::complete(&app, &Actor::Telegram(SUPPORT), id).unwrap();
        helpdesk::services::ratings::rate(&app, &Actor::Telegram(AUTHOR), id, 2, Some("Ждали два дня")).unwrap();
        id
    });
    // The order waits for its author's answer: the card shows the question and the answer form.
    tokio::task::block_in_place(|| {
        let app = w.app().0;
        let keeper = helpdesk::services::Actor::Telegram(support::STOREKEEPER);
        requests::accept(&app, &keeper, order).unwrap();
        let question = "Какой принтер: в приёмной их два?";
        requests::wait(&app, &keeper, order, helpdesk::domain::Waiting::Author, question).unwrap();
    });
    let panel = tokio::task::block_in_place(|| Panel::start(&w, &fake, &[]));
    let url = |path: &str| format!("{}{path}", panel.base);
    let admin_pages = [
        "/dashboard".to_string(),
        "/requests".into(),
        format!("/requests/{jam}"),
        format!("/requests/{order}"),
        "/stock".into(),
        "/stock?sort=runs_out".into(),
        "/reports?from=2020-01-01".into(),
        "/people".into(),
        "/printers".into(),
        "/calendars".into(),
        "/recurring".into(),
        "/refills".into(),
        "/refills/1".into(),
        "/refills/1/handover".into(),
        format!("/printers/{}", w.ints("SELECT id FROM printers WHERE inventory_number = 'INV-0006'")[0]),
        "/profile".into(),
        "/requests/new".into(),
        "/order".into(),
        "/call".into(),
        "/no-such-page".into(),
    ];
    let employee_pages = [
        "/requests".to_string(),
        format!("/requests/{order}"),
        "/requests/new".into(),
        "/order".into(),
        "/call".into(),
        "/profile".into(),
    ];
    let (mut found, mut nav, mut pages) = (Vec::<String>::new(), Vec::<String>::new(), 0);
    let started = std::time::Instant::now();
    for dark in [false, true] {
        let Some(browser) = Browser::start_with(dark).await else { return };
        let scheme = if dark { "dark" } else { "light" };
        let b = &browser.client;
        let mut check = async |what: String| {
            pages += 1;
            found.extend(browser.axe(&axe, &what).await);
        };

        // Signed out, then an administrator: every page of theirs.
        b.goto(&url("/login")).await.unwrap();
        check(format!("{scheme} /login")).await;
        let link = tokio::task::block_in_place(|| link_for(&w, &panel, support::ADMIN));
        b.goto(&link).await.unwrap();
        check(format!("{scheme} the sign-in link")).await;
        b.find(Locator::Css("main form button")).await.unwrap().click().await.unwrap();
        b.wait().for_element(Locator::Css("#dash .grid")).await.unwrap();
        for path in &admin_pages {
            b.goto(&url(path)).await.unwrap();
            check(format!("{scheme} admin {path}")).await;
        }
        // What a 1C file would change, before it is applied.
        b.goto(&url("/stock")).await.unwrap();
        let offers = support::fixtures().join("1c/offers-2.08.xml");
        b.find(Locator::Css("#files")).await.unwrap().send_keys(offers.to_str().unwrap()).await.unwrap();
        b.find(Locator::Css("form[action='/stock/import'] button")).await.unwrap().click().await.unwrap();
        b.wait().for_element(Locator::Css("table.changes")).await.unwrap();
        check(format!("{scheme} admin the stock import")).await;
        browser.screenshots(&format!("a11y-{scheme}-stock-import")).await;
        // The pages with charts, their figures open, for a person to look at; the tabs on a phone.
        for (name, path) in [
            ("dashboard", "/dashboard"),
            ("reports", "/reports?from=2020-01-01"),
            ("printers", "/printers"),
            ("calendars", "/calendars"),
            ("recurring", "/recurring"),
            ("stock", "/stock"),
            ("refills", "/refills"),
            ("refill", "/refills/1"),
            ("handover", "/refills/1/handover"),
        ] {
            b.goto(&url(path)).await.unwrap();
            b.execute("document.querySelectorAll('details').forEach(d => { d.open = true; })", vec![]).await.unwrap();
            browser.screenshots(&format!("a11y-{scheme}-{name}")).await;
            b.set_window_size(PHONE.0, PHONE.1).await.unwrap();
            if let Some(trouble) = navigation_trouble(b).await {
                nav.push(format!("{scheme} admin {path} on a phone: {trouble}"));
            }
            b.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
        }

        // An employee: every page of theirs.
        sign_in(b, &w, &panel, AUTHOR).await;
        b.wait().for_element(Locator::Css("table.requests")).await.unwrap();
        for path in &employee_pages {
            b.goto(&url(path)).await.unwrap();
            check(format!("{scheme} employee {path}")).await;
        }
        b.goto(&url(&format!("/requests/{order}"))).await.unwrap();
        browser.screenshots(&format!("a11y-{scheme}-card-question")).await;
        b.goto(&url(&format!("/requests/{rated}"))).await.unwrap();
        check(format!("{scheme} employee /requests/{rated} (rated)")).await;
        browser.screenshots(&format!("a11y-{scheme}-card-rated")).await;

        // The same person in the Mini App, on a phone, in Telegram's theme the other way round
        // from the system's: the night theme on a light system, the day theme on a dark one.
        let telegram = if dark { "day" } else { "night" };
        let mini = format!("{scheme} system, Telegram's {telegram} theme: the Mini App");
        let data = support::web::mini_app_init_data(
            support::fake_telegram::TOKEN,
            AUTHOR,
            chrono::Utc::now().timestamp(),
            None,
        );
        let client_scheme = if dark { "light" } else { "dark" };
        browser.before_each_page(&telegram_in_the_page(&data, &telegram_theme(!dark), client_scheme)).await;
        b.set_window_size(PHONE.0, PHONE.1).await.unwrap();
        // Three taps to an order for a known printer: the menu button (the app
        // opens on the person's requests), the printer, place the order.
        b.goto(&url("/app")).await.unwrap();
        b.wait().for_element(Locator::Css(".printer-pick a.chip")).await.unwrap();
        check(format!("{mini} /requests with the branch's printers")).await;
        browser.screenshots(&format!("a11y-miniapp-telegram-{telegram}-landing")).await;
        b.set_window_size(PHONE.0, PHONE.1).await.unwrap();
        b.find(Locator::Css(".printer-pick a.chip")).await.unwrap().click().await.unwrap();
        b.wait().for_element(Locator::Css("form[action='/order'] li.order-line.fits")).await.unwrap();
        check(format!("{mini} /order for a printer")).await;
        browser.screenshots(&format!("a11y-miniapp-telegram-{telegram}-order")).await;
        b.set_window_size(PHONE.0, PHONE.1).await.unwrap();
        if let Some(trouble) = navigation_trouble(b).await {
            nav.push(format!("{mini}: {trouble}"));
        }
        b.find(Locator::Css("form[action='/order'] button[type=submit]")).await.unwrap().click().await.unwrap();
        b.wait().for_element(Locator::Css(".flash.ok")).await.unwrap();
        check(format!("{mini} after an order")).await;
        let for_printer = w.ints(&format!(
            "SELECT count(*) FROM request_items i JOIN requests r ON r.id = i.request_id \
             WHERE r.author_id = {AUTHOR} AND i.printer_id IS NOT NULL"
        ));
        assert_eq!(for_printer[0], if dark { 2 } else { 1 }, "the order is for the printer tapped");
        browser.screenshots(&format!("a11y-miniapp-telegram-{telegram}-ordered")).await;
        for path in ["/requests", "/requests/new", "/call", &format!("/requests/{order}"), "/profile"] {
            b.set_window_size(PHONE.0, PHONE.1).await.unwrap();
            b.goto(&url(path)).await.unwrap();
            check(format!("{mini} {path}")).await;
            if path.starts_with("/requests/") && path != "/requests/new" {
                browser.screenshots(&format!("a11y-miniapp-telegram-{telegram}-question")).await;
            }
        }
        browser.screenshots(&format!("a11y-miniapp-telegram-{telegram}-profile")).await;
        browser.close().await;
    }
    eprintln!("axe-core on {pages} pages in {:.1?}", started.elapsed());
    assert!(
        found.is_empty() && nav.is_empty(),
        "{} serious or critical accessibility violations:\n{}\n\nThe tabs on a phone:\n{}",
        found.len(),
        found.join("\n"),
        nav.join("\n")
    );
}
