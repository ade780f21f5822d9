//! The bot's handlers, driven through the production handler tree against the
//! fake Bot API: every flow, invalid input at each dialogue step, forged
//! buttons, languages and escaping.

mod support;

use helpdesk::domain::{Kind, Role, Status};
use helpdesk::store::{ArchivedFilter, RequestQuery};
use support::bot::Harness;
use support::fake_telegram::TgUser;
use support::{ADMIN, STOREKEEPER, SUPPORT, SUPPORT_2};

const EMPLOYEE: i64 = 555_000_101;

fn employee() -> TgUser {
    TgUser::new(EMPLOYEE, "Іван", "uk").with_last_name("Петренко")
}
fn russian(id: i64) -> TgUser {
    TgUser::new(id, "Пётр", "ru")
}
fn staff(id: i64) -> TgUser {
    TgUser::new(id, "Staff", "en")
}

fn requests(h: &Harness) -> Vec<helpdesk::store::Request> {
    h.db.app
        .store
        .read()
        .map(|mut tx| {
            helpdesk::store::list_requests(
                &mut *tx,
                &RequestQuery { archived: ArchivedFilter::Include, ..Default::default() },
            )
            .unwrap()
        })
        .unwrap()
}

/// /start, then the branch: the employee is registered with their branch.
async fn registered(h: &Harness, user: &TgUser, branch: &str) {
    h.text(user, "/start").await;
    h.press(user, branch).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn start_registers_asks_the_branch_once_and_shows_the_menu() {
    let h = Harness::new().await;
    let u = employee();
    h.text(&u, "/start").await;
    let sent = h.sent(EMPLOYEE);
    assert!(sent[0].text().unwrap().contains("Вітаємо, Іван Петренко!"), "{:?}", sent[0].text());
    // The persistent main menu comes with the welcome.
    let keyboard = &sent[0].params["reply_markup"];
    assert_eq!(keyboard["is_persistent"], true);
    assert!(keyboard.to_string().contains("📝 Нова заявка"));
    assert!(!keyboard.to_string().contains("📥 Черга"), "employees get no staff buttons");
    assert!(h.last_text(EMPLOYEE).contains("У якій філії"));
    h.press(&u, "Харьков").await;
    assert!(h.texts(EMPLOYEE).iter().any(|t| t.contains("Філію збережено: <b>Харьков</b>")));
    let user = h.db.app.store.read().unwrap().user(EMPLOYEE).unwrap().unwrap();
    assert_eq!(user.full_name, "Іван Петренко");
    assert_eq!(user.language, Some(helpdesk::domain::Lang::Uk));
    assert!(user.branch_id.is_some());
    // Second /start: no branch question.
    h.clear();
    h.text(&u, "/start").await;
    assert!(!h.texts(EMPLOYEE).iter().any(|t| t.contains("У якій філії")));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticket_with_a_photo_step_by_step_with_bad_input_at_each_step() {
    let h = Harness::new().await;
    let u = employee();
    registered(&h, &u, "Одесса").await;
    h.text(&u, "📝 Нова заявка").await;
    assert!(h.last_text(EMPLOYEE).contains("Що потрібно зробити?"));
    h.press(&u, "Ремонт").await;
    assert!(h.last_text(EMPLOYEE).contains("прізвище та ім'я"));
    // Name: a photo is not a name.
    h.photo(&u, "AgACphoto0").await;
    assert!(h.last_text(EMPLOYEE).contains("прізвище та ім'я"));
    h.text(&u, "Іван Петренко").await;
    assert!(h.last_text(EMPLOYEE).contains("номер телефону"));
    assert!(h.sent(EMPLOYEE).last().unwrap().params["reply_markup"].to_string().contains("request_contact"));
    // Phone: re-asked until valid.
    h.text(&u, "call me maybe").await;
    assert!(h.last_text(EMPLOYEE).contains("не схоже на номер"));
    h.text(&u, "12345").await;
    assert!(h.last_text(EMPLOYEE).contains("не схоже на номер"));
    h.contact(&u, "380501234567").await;
    assert!(h.last_text(EMPLOYEE).contains("Опишіть проблему"));
    // Description: must be text.
    h.photo(&u, "AgACphoto1").await;
    assert!(h.last_text(EMPLOYEE).contains("Опишіть словами"));
    h.text(&u, "Не друкує <b>принтер</b> & сканер").await;
    assert!(h.last_text(EMPLOYEE).contains("фото чи документ"));
    // Attachment: text is not an attachment.
    h.text(&u, "here it is").await;
    assert!(h.last_text(EMPLOYEE).contains("Надішліть фото чи документ"));
    h.photo(&u, "AgACphoto2").await;
    assert!(h.last_text(EMPLOYEE).contains("Наскільки терміново?"));
    // Priority: buttons only.
    h.text(&u, "very").await;
    assert!(h.last_text(EMPLOYEE).contains("скористайтеся кнопками"));
    h.press(&u, "високий").await;
    let summary = h.last_text(EMPLOYEE);
    assert!(summary.contains("Перевірте й підтвердьте"));
    assert!(summary.contains("Не друкує &lt;b&gt;принтер&lt;/b&gt; &amp; сканер"), "user text is escaped: {summary}");
    assert!(summary.contains("+380501234567"));
    assert!(requests(&h).is_empty(), "nothing is filed before confirmation");
    h.press(&u, "Підтвердити").await;
    let all = requests(&h);
    assert_eq!(all.len(), 1);
    let r = &all[0];
    assert_eq!((r.kind, r.status, r.priority), (Kind::Repair, Status::New, helpdesk::domain::Priority::High));
    assert_eq!(r.description, "Не друкує <b>принтер</b> & сканер");
    assert_eq!(r.branch_code, "ODESA");
    let number = format!("HD-{:06}", r.id);
    assert!(h.last_text(EMPLOYEE).contains(&format!("Заявку <b>{number}</b> зареєстровано")));
    let attachments = h.db.app.store.read().unwrap().attachments(r.id).unwrap();
    assert_eq!(attachments[0].file_id, "AgACphoto2");
    // The main menu comes back.
    assert_eq!(h.sent(EMPLOYEE).last().unwrap().params["reply_markup"]["is_persistent"], true);

    // Staff who handle repairs hear about it, with an Accept button.
    h.notify().await;
    for id in [SUPPORT, SUPPORT_2, ADMIN] {
        let t = h.last_text(id);
        assert!(t.contains(&number) && t.contains("&lt;b&gt;принтер"), "{id}: {t}");
        assert!(
            h.button(id, "Accept").is_some() || h.button(id, "Принять").is_some() || h.button(id, "Прийняти").is_some()
        );
    }
    assert!(h.texts(STOREKEEPER).is_empty(), "storekeepers do not handle repairs");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_leaves_the_dialogue_at_any_step() {
    let h = Harness::new().await;
    let u = russian(555_000_102);
    registered(&h, &u, "Львов").await;
    for steps in 0..4 {
        h.text(&u, "/new").await;
        h.press(&u, "Ремонт").await;
        let answers = ["Пётр Иванов", "+79161234567", "Сломалась мышь"];
        for a in answers.iter().take(steps) {
            h.text(&u, a).await;
        }
        if steps % 2 == 0 {
            h.text(&u, "/cancel").await;
        } else {
            h.text(&u, "✖️ Отмена").await;
        }
        assert_eq!(h.last_text(u.id), "Отменено.", "after {steps} steps");
        h.text(&u, "hello").await;
        assert!(h.last_text(u.id).contains("Выберите действие"), "back at the menu after {steps} steps");
    }
    h.text(&u, "/cancel").await;
    assert_eq!(h.last_text(u.id), "Нечего отменять.");
    assert!(requests(&h).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replayed_confirmation_files_nothing_twice() {
    let h = Harness::new().await;
    let u = staff(555_000_103);
    registered(&h, &u, "Головной офис").await;
    h.text(&u, "/new").await;
    h.press(&u, "IT help").await;
    h.text(&u, "Ann Smith").await;
    h.text(&u, "+380441234567").await;
    h.text(&u, "VPN does not connect").await;
    h.press(&u, "Skip").await;
    h.press(&u, "medium").await;
    let (data, message) = h.button(u.id, "Confirm").unwrap();
    h.fake.push_callback(&u, &data, message);
    let updates = h.process_updates().await;
    assert_eq!(requests(&h).len(), 1);
    // A crash before the update was marked done: it is handled again.
    h.handle(updates[0].clone()).await;
    assert_eq!(requests(&h).len(), 1, "the same update files nothing twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn texts_follow_the_telegram_language_with_russian_as_default() {
    let h = Harness::new().await;
    for (id, lang, expected) in [
        (555_000_111, "en", "Hello, A!"),
        (555_000_112, "uk", "Вітаємо, A!"),
        (555_000_113, "ru", "Здравствуйте, A!"),
        (555_000_114, "de", "Здравствуйте, A!"),
        (555_000_115, "", "Здравствуйте, A!"),
    ] {
        h.text(&TgUser::new(id, "A", lang), "/start").await;
        assert!(h.texts(id)[0].contains(expected), "{lang}: {:?}", h.texts(id));
    }
    // A name with markup is escaped.
    h.text(&TgUser::new(555_000_116, "<i>Bob</i> & Co", "en"), "/start").await;
    assert!(h.texts(555_000_116)[0].contains("Hello, &lt;i&gt;Bob&lt;/i&gt; &amp; Co!"));
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_menus_follow_the_role_in_the_database() {
    let h = Harness::with(|s| s.super_admins = vec![555_000_120]).await;
    let support_menu = {
        h.text(&staff(SUPPORT), "/start").await;
        h.sent(SUPPORT)[0].params["reply_markup"].to_string()
    };
    assert!(support_menu.contains("📥 Queue") && !support_menu.contains("Broadcast"));
    h.text(&staff(ADMIN), "/start").await;
    let admin_menu = h.sent(ADMIN)[0].params["reply_markup"].to_string();
    assert!(admin_menu.contains("📢 Broadcast") && !admin_menu.contains("👥 Staff"));
    h.text(&TgUser::new(555_000_120, "Boss", "en"), "/start").await;
    let super_menu = h.sent(555_000_120)[0].params["reply_markup"].to_string();
    assert!(super_menu.contains("👥 Staff") && super_menu.contains("📢 Broadcast") && super_menu.contains("📥 Queue"));
    let _ = Role::User;
}
