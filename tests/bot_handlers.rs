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
    h.store(|s| {
        s.read()
            .map(|mut tx| {
                helpdesk::store::list_requests(
                    &mut *tx,
                    &RequestQuery { archived: ArchivedFilter::Include, ..Default::default() },
                )
                .unwrap()
            })
            .unwrap()
    })
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
    let asked = h.sent(EMPLOYEE).into_iter().rev().find(|m| m.text().is_some_and(|t| t.contains("У якій філії")));
    let names: Vec<String> = asked.unwrap().buttons().into_iter().map(|(name, _)| name).collect();
    let alphabetical = ["Винница", "Головной офис", "Днепр", "Запорожье", "Киев — Подол", "Львов", "Одесса", "Харьков"];
    assert_eq!(names, alphabetical, "the branch buttons go in the order of their names");
    h.press(&u, "Харьков").await;
    assert!(h.texts(EMPLOYEE).iter().any(|t| t.contains("Філію збережено: <b>Харьков</b>")));
    let user = h.store(|s| s.read().unwrap().user(EMPLOYEE)).unwrap().unwrap();
    assert_eq!(user.full_name, "Іван Петренко");
    assert_eq!(user.language, Some(helpdesk::domain::Lang::Uk));
    assert!(user.branch_id.is_some());
    // Second /start: the welcome with the menu again, and no branch question.
    h.clear();
    h.text(&u, "/start").await;
    let sent = h.sent(EMPLOYEE);
    assert!(!sent.is_empty(), "an answer to the second /start");
    assert!(sent[0].text().unwrap().contains("Вітаємо, Іван Петренко!"), "{:?}", h.texts(EMPLOYEE));
    assert!(sent[0].params["reply_markup"].to_string().contains("📝 Нова заявка"), "{:?}", sent[0].params);
    assert!(!h.texts(EMPLOYEE).iter().any(|t| t.contains("У якій філії")), "{:?}", h.texts(EMPLOYEE));
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
    let attachments = h.store(|s| s.read().unwrap().attachments(r.id)).unwrap();
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

/// Handles the next update as a process killed right after the service
/// committed and before the update's record: the service's change stays,
/// the dialogue step and the replies are gone, and the update is handled
/// again. Returns the texts of the first handling and of the second.
async fn killed_after_the_commit_and_handled_again(h: &Harness, chat: i64) -> (Vec<String>, Vec<String>) {
    let before = h.db(|app| helpdesk::services::inbox::dialogue(app, chat).unwrap());
    let sent = h.texts(chat).len();
    let updates = h.process_updates().await;
    assert_eq!(updates.len(), 1);
    let first = h.texts(chat)[sent..].to_vec();
    // Undo what the update's record wrote, as if it never committed.
    let now = h.db.app.now();
    h.store(|s| {
        let mut tx = s.write().unwrap();
        match &before {
            Some(row) => tx.set_dialogue(chat, row, now).unwrap(),
            None => tx
                .set_dialogue(
                    chat,
                    &helpdesk::store::DialogueRow { state: "\"Idle\"".into(), last_update_id: None },
                    now,
                )
                .unwrap(),
        }
        tx.commit().unwrap();
    });
    let sent = h.texts(chat).len();
    h.handle(updates[0].clone()).await;
    (first, h.texts(chat)[sent..].to_vec())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_confirmation_handled_again_after_a_crash_files_nothing_twice_and_tells_the_number() {
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
    let (first, again) = killed_after_the_commit_and_handled_again(&h, u.id).await;
    assert_eq!(requests(&h).len(), 1, "the same update files nothing twice");
    let number = helpdesk::domain::RequestNumber(requests(&h)[0].id).to_string();
    assert!(first.iter().any(|t| t.contains(&number)), "{first:?}");
    assert!(again.iter().any(|t| t.contains(&number) && t.contains("is filed")), "told the number again: {again:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_or_a_broadcast_handled_again_after_a_crash_goes_out_once() {
    let h = Harness::new().await;
    let u = russian(555_000_104);
    registered(&h, &u, "Головной офис").await;
    h.fake.push_text(&u, "/call");
    let (first, again) = killed_after_the_commit_and_handled_again(&h, u.id).await;
    assert!(first.iter().any(|t| t.contains("Вызов отправлен дежурным сотрудникам (6)")), "{first:?}");
    assert!(
        again.iter().any(|t| t.contains("Вызов отправлен дежурным сотрудникам (6)")),
        "not told to wait: {again:?}"
    );
    let calls = h.store(|s| {
        let mut tx = s.read().unwrap();
        (tx.server_call(1).unwrap().is_some(), tx.server_call(2).unwrap().is_some())
    });
    assert_eq!(calls, (true, false), "one call");

    let admin = staff(ADMIN);
    h.text(&admin, "/start").await;
    h.text(&admin, "/broadcast").await;
    h.text(&admin, "The office is closed on Friday").await;
    let (data, message) = h.button(ADMIN, "Send to everyone").unwrap();
    h.fake.push_callback(&admin, &data, message);
    let (first, again) = killed_after_the_commit_and_handled_again(&h, ADMIN).await;
    assert!(first.iter().any(|t| t.contains("Sending to")), "{first:?}");
    assert!(again.iter().any(|t| t.contains("Sending to")), "{again:?}");
    let broadcasts = h.store(|s| {
        let mut tx = s.read().unwrap();
        (tx.broadcast(1).unwrap().is_some(), tx.broadcast(2).unwrap().is_some())
    });
    assert_eq!(broadcasts, (true, false), "one broadcast");
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

/// Files a repair as `u` (already registered) through the bot; returns its id.
async fn file_repair(h: &Harness, u: &TgUser, description: &str) -> i64 {
    h.text(u, "/new").await;
    let repair = h.button(u.id, "epair").or_else(|| h.button(u.id, "емонт")).unwrap();
    h.callback(u, &repair.0, repair.1).await;
    h.text(u, "Contact Person").await;
    h.text(u, "+380441234567").await;
    h.text(u, description).await;
    let skip = h.fake.sent_to(u.id).last().unwrap().buttons()[0].clone();
    h.callback(u, &skip.1, h.fake.sent_to(u.id).last().unwrap().message_id().unwrap()).await;
    let prio = h.button(u.id, "🔴").unwrap();
    h.callback(u, &prio.0, prio.1).await;
    let confirm = h.button(u.id, "✅").unwrap();
    h.callback(u, &confirm.0, confirm.1).await;
    requests(h).iter().map(|r| r.id).max().unwrap()
}

fn status(h: &Harness, id: i64) -> helpdesk::store::Request {
    h.store(|s| s.read().unwrap().request(id)).unwrap().unwrap()
}

fn audit_count(h: &Harness, id: i64) -> usize {
    h.store(|s| s.read().unwrap().logs("request", &format!("HD-{id:06}"))).unwrap().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_work_the_queue_and_the_author_hears_every_change() {
    let h = Harness::new().await;
    let u = staff(555_000_201);
    registered(&h, &u, "Львов").await;
    let first = file_repair(&h, &u, "Printer jams").await;
    let second = file_repair(&h, &u, "Monitor flickers").await;
    let s = staff(SUPPORT);
    h.text(&s, "/queue").await;
    let list = h.sent(SUPPORT).last().unwrap().clone();
    assert!(list.text().unwrap().contains("Waiting: 2"), "{:?}", list.text());
    let labels: Vec<String> = list.buttons().into_iter().map(|b| b.0).collect();
    assert!(
        labels.iter().any(|l| l.contains(&format!("HD-{first:06}")))
            && labels.iter().any(|l| l.contains(&format!("HD-{second:06}")))
    );
    // Open: the card with Accept and Reject.
    h.press(&s, &format!("HD-{first:06}")).await;
    assert!(h.last_text(SUPPORT).contains("Printer jams"));
    h.press(&s, "Accept").await;
    assert_eq!(status(&h, first).status, Status::Accepted);
    assert_eq!(status(&h, first).assignee_id, Some(SUPPORT));
    assert!(h.last_text(SUPPORT).contains(&format!("You accepted HD-{first:06}")));
    h.notify().await;
    assert!(
        h.last_text(u.id).contains(&format!("Your request <b>HD-{first:06}</b> has been accepted by Андрей Мельник"))
    );
    // Complete.
    h.press(&s, "Done").await;
    assert_eq!(status(&h, first).status, Status::Done);
    h.notify().await;
    assert!(h.last_text(u.id).contains(&format!("Your request <b>HD-{first:06}</b> is done")));
    // Reject the second: a reason is asked as a follow-up message.
    h.text(&s, "/queue").await;
    h.press(&s, &format!("HD-{second:06}")).await;
    h.press(&s, "Reject").await;
    assert!(h.last_text(SUPPORT).contains("Why is"));
    assert_eq!(status(&h, second).status, Status::New, "nothing changes until the reason is given");
    h.text(&s, "   ").await;
    assert!(h.last_text(SUPPORT).contains("Type the reason"));
    h.text(&s, "Not ours: call the <landlord>").await;
    let r = status(&h, second);
    assert_eq!((r.status, r.rejection_reason.as_deref()), (Status::Rejected, Some("Not ours: call the <landlord>")));
    h.notify().await;
    assert!(h.last_text(u.id).contains("Reason: Not ours: call the &lt;landlord&gt;"));
    h.text(&s, "/queue").await;
    assert!(h.last_text(SUPPORT).contains("The queue is empty"));
}

/// Files a request as `author` through the services: a cartridge order (one
/// CE285A) or a repair.
fn file_as(h: &Harness, author: i64, kind: Kind) -> i64 {
    use helpdesk::services::requests::{self, NewTicket, TicketItem};
    let items = match kind {
        Kind::Cartridge => {
            let c = h.store(|s| s.read().unwrap().cartridge_type_by_article("CE285A")).unwrap().unwrap();
            vec![TicketItem { cartridge_type_id: c.id, quantity: 1, comment: None, printer_id: None }]
        }
        _ => vec![],
    };
    let ticket = NewTicket {
        kind,
        branch_id: None,
        contact_name: "Author".into(),
        contact_phone: "+380441234567".into(),
        description: "Needs doing".into(),
        priority: helpdesk::domain::Priority::Medium,
        items,
        attachments: vec![],
        client_key: None,
    };
    h.db(|app| requests::create(app, &helpdesk::services::Actor::Telegram(author), &ticket)).unwrap().id
}

/// Opens request `id` as `who` and returns the labels of the card's buttons.
async fn card_buttons(h: &Harness, who: &TgUser, id: i64) -> Vec<String> {
    h.clear();
    h.callback(who, &format!("o:{id}"), 1).await;
    let card = h.sent(who.id).into_iter().find(|c| c.text().is_some_and(|t| t.contains(&format!("HD-{id:06}"))));
    card.unwrap_or_else(|| panic!("no card for {}: {:?}", who.id, h.texts(who.id)))
        .buttons()
        .into_iter()
        .map(|b| b.0)
        .collect()
}

/// Every card shows the buttons of the actions the services offer the person
/// looking, and each of them works when pressed.
#[tokio::test(flavor = "multi_thread")]
async fn a_card_offers_exactly_what_its_viewer_may_do() {
    const OTHER_STOREKEEPER: i64 = 100000006;
    let h = Harness::new().await;
    let author = staff(555_000_210);
    registered(&h, &author, "Львов").await;
    let (sk, sk2, admin, support) = (staff(STOREKEEPER), staff(OTHER_STOREKEEPER), staff(ADMIN), staff(SUPPORT));
    for who in [&sk, &sk2, &admin, &support] {
        h.text(who, "/start").await;
    }
    let order = file_as(&h, author.id, Kind::Cartridge);
    assert_eq!(card_buttons(&h, &author, order).await, ["🗑 Cancel request"]);
    assert_eq!(card_buttons(&h, &sk, order).await, ["✅ Accept", "⛔ Reject"]);
    h.press(&sk, "Accept").await;
    assert_eq!(status(&h, order).assignee_id, Some(STOREKEEPER));
    // The card changed in place, with the assignee's buttons.
    let changed = h.sent(STOREKEEPER).last().unwrap().buttons().into_iter().map(|b| b.0).collect::<Vec<_>>();
    let work = ["📦 Issue", "🚚 Delivered", "❓ Ask the author", "⏸ Waiting for parts", "⛔ Reject"];
    assert_eq!(changed, work);
    assert_eq!(card_buttons(&h, &sk, order).await, work);
    assert_eq!(card_buttons(&h, &admin, order).await, work);
    assert_eq!(card_buttons(&h, &author, order).await, ["🗑 Cancel request"]);
    // Another storekeeper may issue on it (authorize says so; the bot's old
    // copy of the rules showed nothing), but not deliver or reject it.
    assert_eq!(card_buttons(&h, &sk2, order).await, ["📦 Issue"]);
    h.press(&sk2, "Issue").await;
    assert!(h.last_text(OTHER_STOREKEEPER).contains("from which warehouse?"), "{:?}", h.texts(OTHER_STOREKEEPER));
    h.callback(&sk2, &format!("dl:{}", order), 1).await;
    assert!(h.last_text(OTHER_STOREKEEPER).contains("Only the assignee"), "{}", h.last_text(OTHER_STOREKEEPER));
    assert_eq!(status(&h, order).status, Status::Accepted);
    // Done: nothing more to do in the bot (admins archive from the CLI).
    card_buttons(&h, &sk, order).await;
    h.press(&sk, "Delivered").await;
    assert_eq!(status(&h, order).status, Status::Done);
    for who in [&sk, &sk2, &admin, &author] {
        assert!(card_buttons(&h, who, order).await.is_empty(), "{}", who.id);
    }

    // A repair accepted by one support member: the other is offered
    // nothing, an admin may finish or reject it, the author may cancel it.
    let repair = file_as(&h, author.id, Kind::Repair);
    h.db(|app| helpdesk::services::requests::accept(app, &helpdesk::services::Actor::Telegram(SUPPORT_2), repair))
        .unwrap();
    assert!(card_buttons(&h, &support, repair).await.is_empty());
    assert_eq!(
        card_buttons(&h, &admin, repair).await,
        ["🏁 Done", "❓ Ask the author", "⏸ Waiting for parts", "⛔ Reject"]
    );
    assert_eq!(card_buttons(&h, &author, repair).await, ["🗑 Cancel request"]);
    h.press(&author, "Cancel request").await;
    h.press(&author, "Yes, cancel it").await;
    assert_eq!(status(&h, repair).status, Status::Cancelled);
    assert!(card_buttons(&h, &admin, repair).await.is_empty(), "archiving is not the bot's");
}

/// A new-request notice offers Accept to a person only while they may still
/// accept it: one delivered after someone else took the request shows Open only.
#[tokio::test(flavor = "multi_thread")]
async fn a_notice_delivered_after_the_request_was_taken_offers_no_accept() {
    let h = Harness::new().await;
    let author = staff(555_000_211);
    registered(&h, &author, "Львов").await;
    let (a, b) = (staff(SUPPORT), staff(SUPPORT_2));
    h.text(&a, "/start").await;
    h.text(&b, "/start").await;
    let first = file_as(&h, author.id, Kind::Repair);
    h.notify().await;
    assert!(h.button(SUPPORT_2, "Accept").is_some(), "a new request is offered");
    let second = file_as(&h, author.id, Kind::Repair);
    h.db(|app| helpdesk::services::requests::accept(app, &helpdesk::services::Actor::Telegram(SUPPORT), second))
        .unwrap();
    h.clear();
    h.notify().await;
    let notice =
        h.sent(SUPPORT_2).into_iter().find(|c| c.text().is_some_and(|t| t.contains(&format!("HD-{second:06}"))));
    let labels: Vec<String> = notice.expect("the notice").buttons().into_iter().map(|b| b.0).collect();
    assert_eq!(labels, ["🔎 Open"]);
    assert_ne!(first, second);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_staff_press_accept_at_once_and_one_wins() {
    let h = Harness::new().await;
    let u = staff(555_000_202);
    registered(&h, &u, "Львов").await;
    let id = file_repair(&h, &u, "Server is down").await;
    let a = staff(SUPPORT);
    let b = staff(SUPPORT_2);
    h.text(&a, "/start").await;
    h.text(&b, "/start").await;
    h.notify().await;
    let (da, ma) = h.button(SUPPORT, "Accept").unwrap();
    let (db, mb) = h.button(SUPPORT_2, "Accept").unwrap();
    // Both presses arrive before either is handled; different chats run in parallel.
    h.fake.push_callback(&a, &da, ma);
    h.fake.push_callback(&b, &db, mb);
    let pending = h.fetch().await;
    assert_eq!(pending.len(), 2);
    let (first, second) = (pending[0].clone(), pending[1].clone());
    tokio::join!(h.handle(first), h.handle(second));
    let r = status(&h, id);
    assert_eq!(r.status, Status::Accepted);
    let (winner, loser) = if r.assignee_id == Some(SUPPORT) { (SUPPORT, SUPPORT_2) } else { (SUPPORT_2, SUPPORT) };
    assert!(h.last_text(winner).contains("You accepted"));
    assert!(h.last_text(loser).contains("has already been accepted by"), "{}", h.last_text(loser));
    assert_eq!(audit_count(&h, id), 2, "create + one accept");
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_buttons_from_people_without_the_role_change_nothing() {
    let h = Harness::with(|s| s.super_admins = vec![555_000_299]).await;
    let author = staff(555_000_203);
    registered(&h, &author, "Львов").await;
    let id = file_repair(&h, &author, "Keyboard is dead").await;
    let intruder = TgUser::new(555_000_204, "Mallory", "en");
    registered(&h, &intruder, "Одесса").await;
    let before = status(&h, id);
    let logs_before = audit_count(&h, id);
    for data in [
        format!("ac:{id}"),
        format!("cm:{id}"),
        format!("dl:{id}"),
        format!("rj:{id}"),
        format!("is:{id}"),
        format!("if:{id}:1"),
        format!("ip:{id}:1"),
        format!("ig:{id}:1:1"),
        format!("ip:{id}:1:0"),
        format!("cy:{id}"),
        format!("o:{id}"),
        "bs".into(),
        "sa:admin".into(),
        "sl".into(),
        format!("sr:{SUPPORT}"),
        format!("sy:{SUPPORT}"),
        "q:all:0".into(),
        "zz:garbage".into(),
    ] {
        h.clear();
        h.callback(&intruder, &data, 1).await;
        let toasts: Vec<String> = h
            .fake
            .calls()
            .iter()
            .filter(|c| c.method == "answerCallbackQuery")
            .filter_map(|c| c.params["text"].as_str().map(String::from))
            .collect();
        let said = [h.texts(intruder.id), toasts].concat().join(" | ").to_lowercase();
        assert!(
            said.contains("only")
                || said.contains("not valid")
                || said.contains("no longer valid")
                || said.contains("for staff")
                || said.contains("administrators"),
            "{data}: {said}"
        );
        // Refused at once: not even a confirmation naming the person.
        assert!(!said.contains("андрей мельник"), "{data}: {said}");
    }
    assert_eq!(status(&h, id), before, "the request is as it was");
    assert_eq!(audit_count(&h, id), logs_before);
    let support = h.store(|s| s.read().unwrap().user(SUPPORT)).unwrap().unwrap();
    assert_eq!(support.role, Role::Support, "no staff change from a forged button");
    // The storekeeper cannot accept a repair either, whatever the button says.
    h.callback(&staff(STOREKEEPER), &format!("ac:{id}"), 1).await;
    assert!(h.last_text(STOREKEEPER).contains("does not handle"));
    assert_eq!(status(&h, id).status, Status::New);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cartridge_order_with_two_types_then_issued_partly_and_delivered() {
    let h = Harness::new().await;
    let u = russian(555_000_205);
    registered(&h, &u, "Одесса").await;
    h.text(&u, "🖨 Картриджи").await;
    h.press(&u, "Не для конкретного").await;
    let list = h.sent(u.id).last().unwrap().buttons();
    assert!(list.iter().any(|(t, _)| t.contains("HP 85A черный (CE285A) — на складе 42")), "{list:?}");
    h.press(&u, "CE285A").await;
    assert!(h.last_text(u.id).contains("Сколько"));
    for bad in ["0", "51", "три", "-2"] {
        h.text(&u, bad).await;
        assert!(h.last_text(u.id).contains("целое число от 1 до 50"), "{bad}");
    }
    h.text(&u, "3").await;
    h.press(&u, "Пропустить").await;
    assert!(h.last_text(u.id).contains("HP 85A черный (CE285A) × 3"));
    h.press(&u, "Ещё картридж").await;
    h.press(&u, "Не для конкретного").await;
    h.press(&u, "TN-2375").await;
    h.text(&u, "20").await;
    h.text(&u, "кабинет 12").await;
    let review = h.last_text(u.id);
    assert!(review.contains("× 3") && review.contains("TN-2375) × 20 — кабинет 12"), "{review}");
    h.press(&u, "Оформить заказ").await;
    // No phone on file: asked once.
    assert!(h.last_text(u.id).contains("номер телефона"));
    h.text(&u, "not a phone").await;
    assert!(h.last_text(u.id).contains("не похоже"));
    h.contact(&u, "+79161234567").await;
    let r = requests(&h).into_iter().find(|r| r.author_id == u.id).unwrap();
    assert_eq!(r.kind, Kind::Cartridge);
    // Worded by the service from its lines, as an order from the web is.
    assert_eq!(r.description, "HP 85A черный × 3; Brother TN-2375 черный × 20");
    let items = h.store(|s| s.read().unwrap().items(r.id)).unwrap();
    assert_eq!(
        items.iter().map(|i| (i.vendor_article.as_str(), i.quantity)).collect::<Vec<_>>(),
        [("CE285A", 3), ("TN-2375", 20)]
    );
    // The storekeeper accepts and issues from the central warehouse: TN-2375 is short (12).
    let sk = staff(STOREKEEPER);
    h.text(&sk, "/start").await;
    h.notify().await;
    h.press(&sk, "Accept").await;
    assert_eq!(status(&h, r.id).status, Status::Accepted);
    h.press(&sk, "Issue").await;
    let asked = h.sent(STOREKEEPER).into_iter().rev().find(|m| m.text().is_some_and(|t| t.contains("warehouse")));
    let names: Vec<String> =
        asked.unwrap().buttons().into_iter().map(|(b, _)| b.split(" (").next().unwrap().to_string()).collect();
    let alphabetical =
        ["Склад головного офиса", "Склад Днепр", "Склад Львов", "Склад Одесса", "Склад Харьков", "Центральный склад"];
    assert_eq!(names[..6], alphabetical, "the warehouse buttons go in the order of their names");
    h.press(&sk, "Центральный склад").await;
    assert!(h.last_text(STOREKEEPER).contains("Did the empty cartridges come back"), "{}", h.last_text(STOREKEEPER));
    h.press(&sk, "No empties").await;
    let short = h.last_text(STOREKEEPER);
    assert!(short.contains("Not enough in stock") && short.contains("TN-2375: 12 / 20"), "{short}");
    let central = |article: &str| {
        h.store(|s| {
            let mut tx = s.read().unwrap();
            let c = tx.cartridge_type_by_article(article).unwrap().unwrap();
            let w = tx.warehouse_by_code("CENTRAL").unwrap().unwrap();
            tx.stock_level(c.id, w.id).unwrap().unwrap()
        })
    };
    assert_eq!((central("CE285A"), central("TN-2375")), (35, 12), "a refused issue changes no stock");
    h.press(&sk, "Issue what there is").await;
    h.text(&sk, "The rest next week").await;
    assert_eq!((central("CE285A"), central("TN-2375")), (32, 0));
    let empties = h.store(|s| {
        let mut tx = s.read().unwrap();
        let c = tx.cartridge_type_by_article("CE285A").unwrap().unwrap();
        let w = tx.warehouse_by_code("CENTRAL").unwrap().unwrap();
        tx.stock_levels(c.id, w.id).unwrap().empty
    });
    assert_eq!(empties, 0, "the storekeeper said no empties came back, and the partial issue kept that");
    let items = h.store(|s| s.read().unwrap().items(r.id)).unwrap();
    assert_eq!(items.iter().map(|i| i.issued_quantity).collect::<Vec<_>>(), [3, 12]);
    h.notify().await;
    let notice = h.last_text(u.id);
    assert!(
        notice.contains("выданы картриджи") && notice.contains("+12 → 12/20") && notice.contains("The rest next week"),
        "{notice}"
    );
    h.press(&sk, "Delivered").await;
    assert_eq!(status(&h, r.id).status, Status::Done);
    h.notify().await;
    assert!(h.last_text(u.id).contains("выполнена"));
    // Stock as staff see it.
    h.text(&sk, "/stock").await;
    assert!(h.last_text(STOREKEEPER).contains("Brother TN-2375 черный (TN-2375): 0 ⚠️"));
    h.text(&u, "/stock").await;
    assert!(h.last_text(u.id).contains("только сотрудникам"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_for_a_printer_goes_straight_to_its_cartridge_and_each_line_keeps_its_printer() {
    let h = Harness::new().await;
    let u = russian(555_000_230);
    registered(&h, &u, "Львов").await;
    h.text(&u, "🖨 Картриджи").await;
    assert!(h.last_text(u.id).contains("Для какого принтера?"), "{}", h.last_text(u.id));
    let printers: Vec<String> = h.sent(u.id).last().unwrap().buttons().into_iter().map(|(t, _)| t).collect();
    assert!(printers.contains(&"INV-0006 · Brother DCP-L2500DR, каб. 12, 2 этаж".to_string()), "{printers:?}");
    assert!(printers.iter().any(|p| p.starts_with("INV-0007")), "{printers:?}");
    assert!(!printers.iter().any(|p| p.starts_with("INV-0008")), "only the person's branch: {printers:?}");
    // It takes one type: straight to how many.
    h.press(&u, "INV-0006").await;
    assert!(h.last_text(u.id).contains("Сколько") && h.last_text(u.id).contains("TN-2375"), "{}", h.last_text(u.id));
    h.text(&u, "2").await;
    h.press(&u, "Пропустить").await;
    assert!(h.last_text(u.id).contains("(TN-2375) × 2 (для INV-0006 · Brother DCP-L2500DR"), "{}", h.last_text(u.id));
    // The same again adds up; the same type for no printer in particular is a line of its own.
    h.press(&u, "Ещё картридж").await;
    h.press(&u, "INV-0006").await;
    h.text(&u, "1").await;
    h.press(&u, "Пропустить").await;
    h.press(&u, "Ещё картридж").await;
    h.press(&u, "Не для конкретного").await;
    h.press(&u, "(TN-2375)").await;
    h.text(&u, "1").await;
    h.press(&u, "Пропустить").await;
    let review = h.last_text(u.id);
    assert!(review.contains("(TN-2375) × 3 (для INV-0006") && review.contains("(TN-2375) × 1\n"), "{review}");
    h.press(&u, "Оформить заказ").await;
    h.contact(&u, "+79161234567").await;
    let r = requests(&h).into_iter().find(|r| r.author_id == u.id).unwrap();
    let items = h.store(|s| s.read().unwrap().items(r.id)).unwrap();
    let lines: Vec<(&str, i64, Option<&str>)> = items
        .iter()
        .map(|i| (i.vendor_article.as_str(), i.quantity, i.printer.as_ref().map(|p| p.inventory_number.as_str())))
        .collect();
    assert_eq!(lines, [("TN-2375", 3, Some("INV-0006")), ("TN-2375", 1, None)]);

    // A forged button for another branch's printer is refused, and nothing is filed for it.
    let odesa = h.store(|s| s.write().unwrap().printer_by_inventory_number("INV-0008")).unwrap().unwrap();
    h.text(&u, "🖨 Картриджи").await;
    h.callback(&u, &format!("of:{}", odesa.id), 1).await;
    assert!(h.last_text(u.id).contains("стоит в филиале «Одесса»"), "{}", h.last_text(u.id));
    assert_eq!(requests(&h).into_iter().filter(|r| r.author_id == u.id).count(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_storekeeper_receives_a_bag_of_empties_and_support_staff_cannot() {
    let h = Harness::new().await;
    let sk = staff(STOREKEEPER);
    h.text(&sk, "/start").await;
    h.text(&sk, "/empties").await;
    assert!(h.last_text(STOREKEEPER).contains("at which warehouse"), "{}", h.last_text(STOREKEEPER));
    h.press(&sk, "Склад Львов").await;
    h.press(&sk, "(TN-2375)").await;
    h.text(&sk, "0").await;
    assert!(h.last_text(STOREKEEPER).contains("1 to 1000"), "{}", h.last_text(STOREKEEPER));
    h.text(&sk, "6").await;
    assert!(
        h.last_text(STOREKEEPER).contains("Received 6 empties; 6 empty there now."),
        "{}",
        h.last_text(STOREKEEPER)
    );
    h.text(&sk, "/stock").await;
    assert!(h.last_text(STOREKEEPER).contains("empty 6"), "{}", h.last_text(STOREKEEPER));
    // Support staff handle no cartridges: refused, even with a forged button.
    let support = staff(SUPPORT);
    h.text(&support, "/start").await;
    h.text(&support, "/empties").await;
    assert!(h.last_text(SUPPORT).contains("does not handle"), "{}", h.last_text(SUPPORT));
    let lviv = h.store(|s| s.read().unwrap().warehouse_by_code("LVIV-WH")).unwrap().unwrap();
    let tn = h.store(|s| s.read().unwrap().cartridge_type_by_article("TN-2375")).unwrap().unwrap();
    h.callback(&support, &format!("eo:{}:{}", lviv.id, tn.id), 1).await;
    h.text(&support, "5").await;
    let empty = h.store(|s| s.read().unwrap().stock_levels(tn.id, lviv.id)).unwrap().empty;
    assert_eq!(empty, 6, "nothing received from support staff");
}

#[tokio::test(flavor = "multi_thread")]
async fn server_room_calls_reach_staff_once_per_cooldown_and_answers_go_round() {
    let h = Harness::new().await;
    let u = russian(555_000_206);
    registered(&h, &u, "Днепр").await;
    h.text(&u, "🚨 Серверная").await;
    assert!(h.last_text(u.id).contains("Вызов отправлен дежурным сотрудникам (6)"), "{}", h.last_text(u.id));
    h.notify().await;
    for id in [ADMIN, SUPPORT, SUPPORT_2, STOREKEEPER] {
        let t = h.last_text(id);
        assert!(t.contains("the server room") || t.contains("серверная") || t.contains("серверна"), "{id}: {t}");
    }
    // A second call within five minutes: told how long to wait; the clock is the database's.
    h.db.clock.advance(chrono::Duration::minutes(2));
    h.text(&u, "/call").await;
    assert!(h.last_text(u.id).contains("через 3 мин 0 с"), "{}", h.last_text(u.id));
    // Responders answer; the caller and the others see who.
    h.press(&staff(SUPPORT), "👍").await;
    h.press(&staff(SUPPORT_2), "👎").await;
    h.notify().await;
    let caller = h.texts(u.id).join("\n");
    assert!(caller.contains("Андрей Мельник идёт") && caller.contains("Сергей Бондаренко не может"), "{caller}");
    assert!(
        h.texts(ADMIN).iter().any(|t| t.contains("Андрей Мельник is on the way"))
            || h.texts(ADMIN).iter().any(|t| t.contains("іде"))
    );
    h.db.clock.advance(chrono::Duration::minutes(4));
    h.text(&u, "/call").await;
    assert!(h.last_text(u.id).contains("Вызов отправлен"));
    // Employees cannot answer calls.
    let call_id = h.store(|s| s.read().unwrap().last_call_by(u.id)).unwrap().map(|_| 1).unwrap();
    h.callback(&u, &format!("cl:{call_id}:1"), 1).await;
    assert!(h.last_text(u.id).contains("только сотрудникам"));
}

#[tokio::test(flavor = "multi_thread")]
async fn my_requests_paginate_open_and_cancel_with_confirmation() {
    let h = Harness::new().await;
    let u = staff(555_000_207);
    registered(&h, &u, "Днепр").await;
    let mut ids = Vec::new();
    for i in 0..8 {
        h.db.clock.advance(chrono::Duration::minutes(1));
        ids.push(file_repair(&h, &u, &format!("Problem number {i}")).await);
    }
    h.text(&u, "/my").await;
    let page1 = h.sent(u.id).last().unwrap().clone();
    assert!(page1.text().unwrap().contains("Your requests: 8 (page 1 of 2)"));
    assert!(page1.buttons()[0].0.contains(&format!("HD-{:06}", ids[7])), "newest first");
    h.press(&u, "▶️").await;
    assert!(h.last_text(u.id).contains("page 2 of 2"));
    h.press(&u, &format!("HD-{:06}", ids[0])).await;
    assert!(h.last_text(u.id).contains("Problem number 0"));
    h.press(&u, "Cancel request").await;
    assert!(h.last_text(u.id).contains(&format!("Cancel request HD-{:06}?", ids[0])));
    assert_eq!(status(&h, ids[0]).status, Status::New, "not before confirmation");
    h.press(&u, "Yes, cancel it").await;
    assert_eq!(status(&h, ids[0]).status, Status::Cancelled);
    // Someone else's request cannot be cancelled by a forged button.
    let other = russian(555_000_208);
    registered(&h, &other, "Днепр").await;
    h.callback(&other, &format!("cy:{}", ids[1]), 1).await;
    assert!(h.last_text(other.id).contains("только автор"));
    assert_eq!(status(&h, ids[1]).status, Status::New);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broadcast_is_previewed_confirmed_delivered_and_reported() {
    let h = Harness::new().await;
    let people: Vec<TgUser> = (0..5).map(|i| TgUser::new(555_000_300 + i, "P", "ru")).collect();
    for p in &people {
        h.text(p, "/start").await;
    }
    h.fake.block_chat(people[2].id);
    let admin = staff(ADMIN);
    h.text(&admin, "/start").await;
    // Not for support staff.
    h.text(&staff(SUPPORT), "/broadcast").await;
    assert!(h.last_text(SUPPORT).contains("administrators only"));
    h.text(&admin, "📢 Broadcast").await;
    assert!(h.last_text(ADMIN).contains("Send the announcement"));
    h.fake.push_photo(&admin, "AgACannouncement", Some("Office closed on <Friday> & Monday"));
    h.process().await;
    let preview = h.sent(ADMIN);
    let photo = preview.iter().rev().find(|c| c.method == "sendPhoto").unwrap();
    assert_eq!(photo.params["photo"], "AgACannouncement");
    assert_eq!(photo.params["caption"], "Office closed on &lt;Friday&gt; &amp; Monday");
    assert!(h.texts(people[0].id).iter().all(|t| !t.contains("Friday")), "nothing goes out before confirmation");
    h.press(&admin, "Send to everyone").await;
    assert!(h.last_text(ADMIN).contains("Sending to"));
    h.notify().await;
    for (i, p) in people.iter().enumerate() {
        let got = h
            .sent(p.id)
            .iter()
            .any(|c| c.method == "sendPhoto" && c.params["caption"] == "Office closed on &lt;Friday&gt; &amp; Monday");
        assert_eq!(got, i != 2, "person {i}");
    }
    let blocked = h.store(|s| s.read().unwrap().user(people[2].id)).unwrap().unwrap();
    assert!(blocked.bot_blocked_at.is_some(), "a 403 marks the person");
    h.notify().await;
    let report = h.last_text(ADMIN);
    assert!(report.contains("Broadcast finished") && report.contains("1 have blocked the bot"), "{report}");
    // The next broadcast skips them.
    h.text(&admin, "/broadcast").await;
    h.text(&admin, "Second").await;
    h.press(&admin, "Send to everyone").await;
    h.notify().await;
    assert!(!h.texts(people[2].id).iter().any(|t| t.contains("Second")));
    assert!(h.texts(people[0].id).iter().any(|t| t.contains("Second")));
}

#[tokio::test(flavor = "multi_thread")]
async fn super_admins_manage_staff_but_not_themselves_or_configured_super_admins() {
    const BOSS: i64 = 555_000_400;
    const OTHER_SUPER: i64 = 555_000_401;
    let h = Harness::with(|s| s.super_admins = vec![BOSS, OTHER_SUPER]).await;
    let boss = TgUser::new(BOSS, "Boss", "en");
    h.text(&TgUser::new(OTHER_SUPER, "Other", "en"), "/start").await;
    h.text(&boss, "/start").await;
    h.text(&boss, "👥 Staff").await;
    h.press(&boss, "Support").await;
    h.text(&boss, "twelve").await;
    assert!(h.last_text(BOSS).contains("A Telegram ID is a number"));
    h.text(&boss, "555000402").await;
    assert!(h.last_text(BOSS).contains("is now support"));
    let added = h.store(|s| s.read().unwrap().user(555_000_402)).unwrap().unwrap();
    assert_eq!(added.role, Role::Support);
    // Their command menu in Telegram follows the new role, set from the outbox.
    let menus = |h: &Harness, chat: i64, method: &str| {
        h.fake.calls().iter().filter(|c| c.method == method && c.params["scope"]["chat_id"] == chat).count()
    };
    assert_eq!(menus(&h, 555_000_402, "setMyCommands"), 0);
    h.notify().await;
    assert_eq!(menus(&h, 555_000_402, "setMyCommands"), 1, "{:#?}", h.fake.calls());
    // The newcomer's name fills in when they write.
    h.text(&TgUser::new(555_000_402, "Nina", "en"), "/start").await;
    h.text(&boss, "/staff").await;
    h.press(&boss, "Staff list").await;
    let list = h.sent(BOSS).last().unwrap().clone();
    let removable: Vec<String> = list.buttons().into_iter().map(|b| b.0).collect();
    assert!(removable.iter().any(|l| l.contains("Андрей Мельник")));
    assert!(!removable.iter().any(|l| l.contains("Boss") || l.contains("Other")), "{removable:?}");
    h.press(&boss, "Remove Андрей Мельник").await;
    assert!(h.last_text(BOSS).contains("Remove Андрей Мельник from staff?"));
    h.press(&boss, "Yes, remove").await;
    assert_eq!(h.store(|s| s.read().unwrap().user(SUPPORT)).unwrap().unwrap().role, Role::User);
    h.notify().await;
    assert_eq!(menus(&h, SUPPORT, "deleteMyCommands"), 1, "a plain employee's menu is everyone's");
    // Forged: removing oneself or a configured super admin, refused when
    // asked to confirm as when confirmed.
    for target in [BOSS, OTHER_SUPER] {
        for data in [format!("sr:{target}"), format!("sy:{target}")] {
            h.clear();
            h.callback(&boss, &data, 1).await;
            let t = h.last_text(BOSS);
            assert!(
                t.contains("Nobody can change their own role")
                    || t.contains(&format!("{OTHER_SUPER} is a super administrator from the configuration")),
                "{data}: {t}"
            );
            assert!(h.button(BOSS, "Yes, remove").is_none(), "{data}: no confirmation");
        }
    }
    // An admin is not a super admin.
    h.callback(&staff(ADMIN), "sa:support", 1).await;
    assert!(h.last_text(ADMIN).contains("super administrators only"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_account_is_told_and_nothing_else_happens() {
    let h = Harness::new().await;
    let u = russian(555_000_500);
    registered(&h, &u, "Днепр").await;
    h.db(|app| {
        helpdesk::services::directory::set_blocked(app, &helpdesk::services::Actor::Operator("t".into()), u.id, true)
    })
    .unwrap();
    h.clear();
    h.text(&u, "/new").await;
    assert_eq!(h.texts(u.id), ["Ваша учётная запись заблокирована. Обратитесь к администратору."]);
    h.text(&u, "/call").await;
    assert_eq!(
        h.texts(u.id),
        ["Ваша учётная запись заблокирована. Обратитесь к администратору."; 2],
        "told again, and nothing else"
    );
    assert_eq!(h.store(|s| s.read().unwrap().last_call_by(u.id)).unwrap(), None);
}

/// Issue 13: a button carries an id, and an id is looked up as an id. A
/// branch, warehouse and cartridge type whose code (or article) is another
/// one's id do not capture that one's button; each button lands where it says.
#[tokio::test(flavor = "multi_thread")]
async fn a_button_lands_on_its_own_record_when_another_code_is_its_id() {
    use helpdesk::store::{NewCartridgeType, NewWarehouse};
    let h = Harness::new().await;
    let operator = helpdesk::services::Actor::Operator("test".into());
    // Impostors: each one's code is the id of a record from the fixtures.
    let (lviv, central, ce285a) = h.store(|s| {
        let mut tx = s.read().unwrap();
        let lviv = tx.branches().unwrap().into_iter().find(|b| b.code == "LVIV").unwrap();
        let central = tx.warehouses().unwrap().into_iter().find(|w| w.code == "CENTRAL").unwrap();
        let ce285a = tx.cartridge_types().unwrap().into_iter().find(|c| c.vendor_article == "CE285A").unwrap();
        (lviv, central, ce285a)
    });
    let test_branch = h
        .db(|app| {
            helpdesk::services::directory::add_branch(app, &operator, &lviv.id.to_string(), "Тестовый филиал", None)
        })
        .unwrap();
    let now = h.db.app.now();
    h.store(|s| {
        let mut tx = s.write().unwrap();
        let w = NewWarehouse {
            code: central.id.to_string(),
            name: "Склад-двойник".into(),
            branch_id: None,
            one_c_id: None,
        };
        tx.insert_warehouse(&w, now).unwrap();
        let c = NewCartridgeType {
            name: "Картридж-двойник".into(),
            vendor_article: ce285a.id.to_string(),
            compatible_printers: String::new(),
            one_c_id: None,
            min_stock: 0,
        };
        let c = tx.insert_cartridge_type(&c, now).unwrap();
        support::set_stock(&mut *tx, c.id, central.id, 5, now).unwrap();
        tx.commit().unwrap();
    });
    let branch_of = |id: i64| h.store(|s| s.read().unwrap().user(id)).unwrap().unwrap().branch_id;

    // «Львов» is Lviv, though a branch's code is Lviv's id.
    let u = russian(555_000_600);
    registered(&h, &u, "Львов").await;
    assert!(h.texts(u.id).iter().any(|t| t.contains("Филиал сохранён: <b>Львов</b>")), "{:?}", h.texts(u.id));
    assert_eq!(branch_of(u.id), Some(lviv.id));
    // And the impostor's own button is the impostor.
    let other = russian(555_000_601);
    registered(&h, &other, "Тестовый филиал").await;
    assert!(h.texts(other.id).iter().any(|t| t.contains("Филиал сохранён: <b>Тестовый филиал</b>")));
    assert_eq!(branch_of(other.id), Some(test_branch.id));

    // The CE285A button orders CE285A, not the type whose article is its id.
    h.text(&u, "🖨 Картриджи").await;
    h.press(&u, "Не для конкретного").await;
    h.press(&u, "(CE285A)").await;
    assert!(h.last_text(u.id).contains("HP 85A черный (CE285A)"), "{}", h.last_text(u.id));
    h.text(&u, "2").await;
    h.press(&u, "Пропустить").await;
    h.press(&u, "Ещё картридж").await;
    h.press(&u, "Не для конкретного").await;
    h.press(&u, "Картридж-двойник").await;
    h.text(&u, "1").await;
    h.press(&u, "Пропустить").await;
    h.press(&u, "Оформить заказ").await;
    h.contact(&u, "+79161234567").await;
    let r = requests(&h).into_iter().find(|r| r.author_id == u.id).unwrap();
    assert_eq!(r.branch_code, "LVIV");
    let items = h.store(|s| s.read().unwrap().items(r.id)).unwrap();
    let ordered: Vec<(&str, i64)> = items.iter().map(|i| (i.vendor_article.as_str(), i.quantity)).collect();
    assert_eq!(ordered, [("CE285A", 2), (ce285a.id.to_string().as_str(), 1)]);

    // «Центральный склад» issues from the central warehouse, not from the
    // one whose code is its id (which holds nothing).
    let sk = staff(STOREKEEPER);
    h.text(&sk, "/start").await;
    h.notify().await;
    h.press(&sk, "Accept").await;
    h.press(&sk, "Issue").await;
    h.press(&sk, "Центральный склад").await;
    h.press(&sk, "Yes, all").await;
    assert!(h.texts(STOREKEEPER).iter().any(|t| t.contains("issued in full")), "{:?}", h.texts(STOREKEEPER));
    assert!(h.texts(STOREKEEPER).iter().any(|t| t.contains("Empties back: 3.")), "{:?}", h.texts(STOREKEEPER));
    let items = h.store(|s| s.read().unwrap().items(r.id)).unwrap();
    assert_eq!(items.iter().map(|i| i.issued_quantity).collect::<Vec<_>>(), [2, 1]);
    let central_stock = h.store(|s| {
        let mut tx = s.read().unwrap();
        tx.stock_level(ce285a.id, central.id).unwrap()
    });
    assert_eq!(central_stock, Some(33), "taken from the central warehouse's 35");
}

/// Issue 13: a refusal reaches a person in their language, with the number
/// it is about, never as the service's English.
#[tokio::test(flavor = "multi_thread")]
async fn a_ukrainian_storekeeper_pressing_issue_on_a_done_order_is_told_in_ukrainian() {
    let h = Harness::new().await;
    let u = russian(555_000_700);
    registered(&h, &u, "Одесса").await;
    h.text(&u, "🖨 Картриджи").await;
    h.press(&u, "Не для конкретного").await;
    h.press(&u, "CE285A").await;
    h.text(&u, "2").await;
    h.press(&u, "Пропустить").await;
    h.press(&u, "Оформить заказ").await;
    h.contact(&u, "+79161234567").await;
    let r = requests(&h).into_iter().find(|r| r.author_id == u.id).unwrap();
    let number = helpdesk::domain::RequestNumber(r.id).to_string();
    let sk = TgUser::new(STOREKEEPER, "Олена", "uk");
    h.text(&sk, "/start").await;
    h.notify().await;
    h.press(&sk, "Прийняти").await;
    assert_eq!(status(&h, r.id).status, Status::Accepted);
    // Meanwhile the order is marked delivered elsewhere; the card in her chat still has its buttons.
    h.db(|app| helpdesk::services::requests::complete(app, &helpdesk::services::Actor::Operator("t".into()), r.id))
        .unwrap();
    let told = |h: &Harness| {
        let said = h.last_text(STOREKEEPER);
        assert!(
            said.contains(&number) && said.contains("виконана") && said.contains("видають лише за прийнятими"),
            "{said}"
        );
        assert!(!said.contains("cartridges are issued"), "{said}");
    };
    h.press(&sk, "Видати").await;
    told(&h);
    // The warehouse button of an earlier Issue says the same.
    let central = h.store(|s| s.read().unwrap().warehouse_by_code("CENTRAL")).unwrap().unwrap();
    h.callback(&sk, &format!("if:{}:{}", r.id, central.id), 1).await;
    told(&h);
    let items = h.store(|s| s.read().unwrap().items(r.id)).unwrap();
    let items: Vec<(&str, i64, i64)> =
        items.iter().map(|i| (i.vendor_article.as_str(), i.quantity, i.issued_quantity)).collect();
    assert_eq!(items, [("CE285A", 2, 0)], "two ordered, nothing was issued");
}

/// Issue 13: a super admin who types an ID the service refuses is told why in
/// their language.
#[tokio::test(flavor = "multi_thread")]
async fn a_russian_super_admin_adding_staff_with_a_bad_id_is_told_in_russian() {
    const BOSS: i64 = 555_000_710;
    const OTHER_SUPER: i64 = 555_000_711;
    let h = Harness::with(|s| s.super_admins = vec![BOSS, OTHER_SUPER]).await;
    let boss = russian(BOSS);
    h.text(&boss, "/start").await;
    for (id, expected) in [
        ("-5".to_string(), "Telegram ID — это число".to_string()),
        (BOSS.to_string(), "Никто не может менять свою роль".to_string()),
        (OTHER_SUPER.to_string(), format!("{OTHER_SUPER} — суперадминистратор из настроек")),
    ] {
        h.text(&boss, "👥 Сотрудники").await;
        h.press(&boss, "Поддержка").await;
        h.clear();
        h.text(&boss, &id).await;
        let said = h.texts(BOSS).join("\n");
        assert!(said.contains(&expected), "{id}: {said}");
        assert!(!said.contains("nobody") && !said.contains("configuration"), "{id}: {said}");
    }
    let roles = h.store(|s| {
        let mut tx = s.read().unwrap();
        (tx.user(BOSS).unwrap().unwrap().role, tx.user(OTHER_SUPER).unwrap().map(|u| u.role))
    });
    assert_eq!(roles, (Role::User, None), "nothing changed");
}

#[tokio::test(flavor = "multi_thread")]
async fn stock_in_the_bot_ends_with_what_the_forecast_says_to_order() {
    let h = Harness::new().await;
    let sk = staff(STOREKEEPER);
    h.text(&sk, "/start").await;
    // Nothing issued yet: the stock alone.
    h.text(&sk, "/stock").await;
    assert!(!h.last_text(STOREKEEPER).contains("to order"), "{}", h.last_text(STOREKEEPER));
    // CE285A at the central warehouse: 0.4 a day for a year, 3 left: 7 days, order 12.
    let now = h.db(|app| app.now());
    h.store(|s| support::ce285a_runs_out_in_a_week(s, now));
    h.text(&sk, "/stock").await;
    let said = h.last_text(STOREKEEPER);
    assert!(said.contains("Cartridges to order this week"), "{said}");
    assert!(said.contains("Центральный склад: HP 85A черный (CE285A): 7 d left, order <b>12</b>"), "{said}");
}

/// The queue marks what is overdue by its branch's working hours, and a card
/// says when it falls due: a request filed on Friday evening is not overdue
/// over the weekend.
#[tokio::test(flavor = "multi_thread")]
async fn the_queue_and_a_card_say_what_is_due_by_the_branch_calendar() {
    use chrono::TimeZone;
    use helpdesk::services::calendars::{self, CalendarForm};
    let h = Harness::new().await;
    registered(&h, &employee(), "Львов").await;
    // Kyiv office hours (fixtures/calendars.csv), the organization's default.
    let form = CalendarForm { code: "UA-OFFICE".into(), default: Some(true), ..Default::default() };
    h.db(|app| calendars::define(app, &helpdesk::services::Actor::Operator("t".into()), &form)).unwrap();
    let at = |d, h, m| chrono::Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
    // Friday 18 December, 18:55 in Kyiv: an hour to be accepted, due Monday 10:00 Kyiv (08:00 UTC).
    h.db.clock.set(at(18, 16, 55));
    let id = file_as(&h, EMPLOYEE, Kind::Repair);
    let number = format!("HD-{id:06}");
    let s = staff(SUPPORT);
    let queue_label = |h: &Harness| {
        let list = h.sent(SUPPORT).last().unwrap().clone();
        list.buttons().into_iter().map(|b| b.0).find(|l| l.contains(&number)).unwrap()
    };
    h.db.clock.set(at(19, 12, 0));
    h.text(&s, "/queue").await;
    assert!(!queue_label(&h).contains('⏰'), "{}", queue_label(&h));
    h.press(&s, &number).await;
    let card = h.texts(SUPPORT).into_iter().rev().find(|t| t.contains(&number) && t.contains("Due:")).unwrap();
    assert!(card.contains("Due: 21.12.2026 08:00") && !card.contains("overdue"), "{card}");
    // Monday 10:30 in Kyiv: overdue.
    h.db.clock.set(at(21, 8, 30));
    h.text(&s, "/queue").await;
    assert!(queue_label(&h).starts_with('⏰'), "{}", queue_label(&h));
    h.press(&s, &number).await;
    let card = h.texts(SUPPORT).into_iter().rev().find(|t| t.contains(&number) && t.contains("Due:")).unwrap();
    assert!(card.contains("Due: 21.12.2026 08:00 ⏰ <b>overdue</b>"), "{card}");
}

/// Staff stop a request's clock to ask its author something: the question is
/// asked in the staff member's chat, the author gets it in Telegram, the card
/// offers Resume, and resuming tells the author work goes on.
#[tokio::test(flavor = "multi_thread")]
async fn staff_ask_the_author_and_resume() {
    let h = Harness::new().await;
    let author = employee();
    registered(&h, &author, "Львов").await;
    let s = staff(SUPPORT);
    h.text(&s, "/start").await;
    let id = file_as(&h, EMPLOYEE, Kind::Repair);
    let number = format!("HD-{id:06}");
    h.db(|app| helpdesk::services::requests::accept(app, &helpdesk::services::Actor::Telegram(SUPPORT), id)).unwrap();
    card_buttons(&h, &s, id).await;
    h.press(&s, "Ask the author").await;
    assert!(
        h.last_text(SUPPORT).contains(&format!("What do you ask the author of {number}?")),
        "{}",
        h.last_text(SUPPORT)
    );
    h.text(&s, "   ").await;
    assert!(h.last_text(SUPPORT).contains("Say what it waits for"), "a note is needed: {}", h.last_text(SUPPORT));
    assert_eq!(status(&h, id).waiting, None);
    h.text(&s, "Which floor is the <printer> on?").await;
    assert!(h.last_text(SUPPORT).contains(&format!("{number} waits")), "{}", h.last_text(SUPPORT));
    assert_eq!(status(&h, id).waiting, Some(helpdesk::domain::Waiting::Author));
    h.notify().await;
    let told = h.last_text(EMPLOYEE);
    assert!(told.contains(&format!("Питання щодо вашої заявки <b>{number}</b>")), "in the author's language: {told}");
    assert!(told.contains("Which floor is the &lt;printer&gt; on?"), "escaped: {told}");
    assert_eq!(card_buttons(&h, &s, id).await, ["🏁 Done", "▶️ Resume", "⛔ Reject"]);
    h.press(&s, "Resume").await;
    assert_eq!(status(&h, id).waiting, None);
    h.notify().await;
    assert!(h.last_text(EMPLOYEE).contains(&format!("Робота над вашою заявкою <b>{number}</b> триває")));
}

/// The author answers the question their request waits on: by the button
/// under it (an empty answer is asked again), or by replying to the message.
/// The answer is kept in the history, its assignee gets it, the clock runs
/// again. A stranger's answer, or one when nothing is asked, is refused in
/// the person's language and changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_author_answers_and_the_clock_runs_again() {
    use helpdesk::domain::Waiting;
    use helpdesk::services::{Actor, requests};
    const STRANGER: i64 = 555_000_102;
    let h = Harness::new().await;
    let author = employee();
    registered(&h, &author, "Львов").await;
    let stranger = russian(STRANGER);
    registered(&h, &stranger, "Львов").await;
    let s = staff(SUPPORT);
    h.text(&s, "/start").await;
    let id = file_as(&h, EMPLOYEE, Kind::Repair);
    let number = format!("HD-{id:06}");
    let ask = |question: &'static str| {
        h.db(move |app| requests::wait(app, &Actor::Telegram(SUPPORT), id, Waiting::Author, question)).unwrap()
    };
    h.db(|app| requests::accept(app, &Actor::Telegram(SUPPORT), id)).unwrap();
    ask("Which floor?");
    h.notify().await;
    let question = h.last_text(EMPLOYEE);
    assert!(question.contains("натисніть «Відповісти» або дайте відповідь"), "{question}");

    h.reply(&stranger, "второй", &question, EMPLOYEE).await;
    assert!(h.last_text(STRANGER).contains("Это может сделать только автор заявки."), "{}", h.last_text(STRANGER));
    assert_eq!(status(&h, id).waiting, Some(Waiting::Author), "a stranger's answer changes nothing");

    h.press(&author, "Відповісти").await;
    assert!(h.last_text(EMPLOYEE).contains(&format!("Напишіть відповідь щодо {number}")), "{}", h.last_text(EMPLOYEE));
    h.text(&author, "  ").await;
    assert!(h.last_text(EMPLOYEE).contains("Напишіть відповідь: вона порожня."), "{}", h.last_text(EMPLOYEE));
    assert_eq!(status(&h, id).waiting, Some(Waiting::Author));
    h.text(&author, "Третій, <кімната> 301").await;
    assert!(h.last_text(EMPLOYEE).contains("Дякуємо: відповідь передано"), "{}", h.last_text(EMPLOYEE));
    let r = status(&h, id);
    assert_eq!((r.waiting, r.waiting_since), (None, None), "the clock runs again");
    h.notify().await;
    assert!(
        h.last_text(SUPPORT).contains(&format!("The author of <b>{number}</b> answered:\nТретій, &lt;кімната&gt; 301")),
        "{}",
        h.last_text(SUPPORT)
    );
    let card = h.db(|app| requests::card(app, &Actor::Telegram(SUPPORT), id)).unwrap();
    let kept = card.history.iter().find(|l| l.action == "request.answer").expect("the answer is in the history");
    assert_eq!(kept.actor_id, Some(EMPLOYEE));
    assert_eq!(kept.after.as_ref().unwrap()["note"], "Третій, <кімната> 301");

    // Asked again: this time the author replies to the question.
    ask("And the room?");
    h.notify().await;
    let question = h.last_text(EMPLOYEE);
    h.reply(&author, "301", &question, EMPLOYEE).await;
    assert!(h.last_text(EMPLOYEE).contains("Дякуємо: відповідь передано"), "{}", h.last_text(EMPLOYEE));
    assert_eq!(status(&h, id).waiting, None);
    // A reply to a message that asks nothing (that it was accepted) is no answer.
    let accepted = h.texts(EMPLOYEE).into_iter().find(|t| t.contains("прийняв")).expect("the accepted notice");
    h.reply(&author, "дякую", &accepted, EMPLOYEE).await;
    assert!(!h.last_text(EMPLOYEE).contains("неможливо"), "{}", h.last_text(EMPLOYEE));
    // Nothing is asked now: a reply to the question is refused, saying why.
    h.reply(&author, "ще щось", &question, EMPLOYEE).await;
    assert!(h.last_text(EMPLOYEE).contains("Зараз це неможливо"), "{}", h.last_text(EMPLOYEE));
    let answers = h.db(|app| requests::card(app, &Actor::Telegram(SUPPORT), id)).unwrap();
    assert_eq!(answers.history.iter().filter(|l| l.action == "request.answer").count(), 2);
}

/// Done: its author is asked to rate it under the notice, rates it, adds a
/// comment, changes the rating within the week (a 1 tells the
/// administrators once), and a week later may not; a stranger's press is
/// refused in their language and changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_author_rates_a_request_done_and_a_low_one_reaches_the_administrators() {
    use helpdesk::services::{Actor, requests};
    const STRANGER: i64 = 555_000_103;
    let h = Harness::new().await;
    let author = employee();
    registered(&h, &author, "Львов").await;
    let stranger = russian(STRANGER);
    registered(&h, &stranger, "Львов").await;
    let id = file_as(&h, EMPLOYEE, Kind::Repair);
    let number = format!("HD-{id:06}");
    h.db(|app| {
        requests::accept(app, &Actor::Telegram(SUPPORT), id)?;
        requests::complete(app, &Actor::Telegram(SUPPORT), id)
    })
    .unwrap();
    h.notify().await;
    assert!(h.last_text(EMPLOYEE).contains("Оцініть від 1 (погано) до 5 (чудово)"), "{}", h.last_text(EMPLOYEE));
    let score =
        || h.db(|app| requests::card(app, &Actor::Telegram(SUPPORT), id).unwrap().rating.map(|r| (r.score, r.comment)));

    h.callback(&stranger, &format!("rt:{id}:1"), 1).await;
    assert!(h.last_text(STRANGER).contains("Это может сделать только автор заявки."), "{}", h.last_text(STRANGER));
    assert_eq!(score(), None);

    h.press(&author, "4 ⭐").await;
    assert!(h.last_text(EMPLOYEE).contains("Ваша оцінка: 4/5"), "{}", h.last_text(EMPLOYEE));
    h.text(&author, "Швидко, дякую").await;
    assert!(h.last_text(EMPLOYEE).contains("коментар збережено"), "{}", h.last_text(EMPLOYEE));
    assert_eq!(score(), Some((4, Some("Швидко, дякую".into()))));
    h.notify().await;
    assert!(!h.texts(ADMIN).iter().any(|t| t.contains("оцінив")), "a 4 tells no one");

    // Changed to 1 within the week: the administrators hear of it, once.
    h.callback(&author, &format!("rt:{id}:1"), 1).await;
    h.press(&author, "Пропустити").await;
    assert_eq!(score(), Some((1, None)));
    h.callback(&author, &format!("rt:{id}:2"), 1).await;
    h.notify().await;
    let told: Vec<String> = h.texts(ADMIN).into_iter().filter(|t| t.contains("оцінив")).collect();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains(&format!("Заявку <b>{number}</b> автор оцінив на 1/5")), "{told:?}");

    // A week and a day later it is kept as it is.
    h.db.clock.set(chrono::Utc::now() + chrono::Duration::days(8));
    h.callback(&author, &format!("rt:{id}:5"), 1).await;
    assert!(h.last_text(EMPLOYEE).contains("Тиждень, щоб оцінити цю заявку, минув."), "{}", h.last_text(EMPLOYEE));
    assert_eq!(score().map(|s| s.0), Some(2));
}
