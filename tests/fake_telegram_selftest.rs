//! Checks the fake Telegram Bot API server against a real `teloxide::Bot`.

mod support;

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::time::{Duration, Instant};
use support::fake_telegram::*;
use teloxide::prelude::*;
use teloxide::types::{
    ChatAction, FileId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, KeyboardButton, KeyboardMarkup,
    MediaKind, MessageKind, ParseMode, UpdateKind,
};
use teloxide::{ApiError, RequestError};

const SECOND: Duration = Duration::from_secs(1);

fn bot(fake: &FakeTelegram) -> Bot {
    Bot::new(TOKEN).set_api_url(fake.url().parse().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn get_me_works() {
    let fake = FakeTelegram::start();
    let me = bot(&fake).get_me().await.unwrap();
    assert_eq!(me.id, UserId(BOT_ID as u64));
    assert_eq!(me.username(), BOT_USERNAME);
    let calls = fake.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].method, "getMe");
    assert_eq!(calls[0].status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn send_message_records_markup_as_json() {
    let fake = FakeTelegram::start();
    let bot = bot(&fake);
    let keyboard = InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback("Yes", "req:1:yes"),
        InlineKeyboardButton::callback("No", "req:1:no"),
    ]]);
    let msg = bot
        .send_message(ChatId(42), "<b>New</b> request")
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard)
        .await
        .unwrap();
    assert_eq!(msg.chat.id, ChatId(42));
    assert_eq!(msg.text(), Some("<b>New</b> request"));
    assert!(msg.reply_markup().is_some());

    let sent = fake.sent_to(42);
    assert_eq!(sent.len(), 1);
    let p = &sent[0].params;
    assert_eq!(p["chat_id"], json!(42));
    assert_eq!(p["parse_mode"], json!("HTML"));
    assert_eq!(p["reply_markup"]["inline_keyboard"][0][1]["callback_data"], json!("req:1:no"));
    assert_eq!(
        sent[0].buttons(),
        vec![("Yes".to_string(), "req:1:yes".to_string()), ("No".to_string(), "req:1:no".to_string())]
    );
    assert_eq!(sent[0].message_id(), Some(msg.id.0 as i64));
    assert_eq!(fake.texts_to(42), vec!["<b>New</b> request".to_string()]);

    // A reply keyboard is recorded but not echoed into the returned Message.
    let share =
        KeyboardMarkup::new([[KeyboardButton::new("Share phone").request(teloxide::types::ButtonRequest::Contact)]])
            .one_time_keyboard();
    let msg2 = bot.send_message(ChatId(42), "Share your phone").reply_markup(share).await.unwrap();
    assert!(msg2.id.0 > msg.id.0);
    let last = fake.sent_to(42).pop().unwrap();
    assert_eq!(last.params["reply_markup"]["keyboard"][0][0]["request_contact"], json!(true));

    // Edits keep the message id; texts_to sees the new text.
    let edited = bot.edit_message_text(ChatId(42), msg.id, "Taken").await.unwrap();
    assert_eq!(edited.id, msg.id);
    assert_eq!(edited.text(), Some("Taken"));
    assert!(edited.reply_markup().is_none());
    bot.edit_message_reply_markup(ChatId(42), msg2.id).await.unwrap();
    bot.send_chat_action(ChatId(42), ChatAction::Typing).await.unwrap();
    bot.delete_message(ChatId(42), msg2.id).await.unwrap();
    assert_eq!(fake.texts_to(42), vec!["<b>New</b> request", "Share your phone", "Taken"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn send_photo_and_document_by_file_id() {
    let fake = FakeTelegram::start();
    let bot = bot(&fake);
    let photo = bot
        .send_photo(ChatId(77), InputFile::file_id(FileId("AgACAgIAAxkBAAIB".into())))
        .caption("Broken printer")
        .reply_markup(InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Take", "t")]]))
        .await
        .unwrap();
    assert_eq!(photo.caption(), Some("Broken printer"));
    assert_eq!(photo.photo().unwrap()[0].file.id, FileId("AgACAgIAAxkBAAIB".into()));

    let doc = bot
        .send_document(ChatId(77), InputFile::file_id(FileId("BQACAgIAAxkBAAIC".into())))
        .caption("Invoice")
        .await
        .unwrap();
    assert_eq!(doc.document().unwrap().file.id, FileId("BQACAgIAAxkBAAIC".into()));
    assert_eq!(doc.caption(), Some("Invoice"));

    let sent = fake.sent_to(77);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].method, "sendPhoto");
    assert_eq!(sent[0].params["chat_id"], json!(77));
    assert_eq!(sent[0].params["photo"], json!("AgACAgIAAxkBAAIB"));
    assert_eq!(sent[0].params["caption"], json!("Broken printer"));
    assert_eq!(sent[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"], json!("t"));
    assert_eq!(sent[1].method, "sendDocument");
    assert_eq!(sent[1].params["document"], json!("BQACAgIAAxkBAAIC"));
    assert_eq!(fake.texts_to(77), vec!["Broken printer", "Invoice"]);

    // An uploaded file is resolved from its attach:// part.
    bot.send_document(ChatId(77), InputFile::memory(b"%PDF-1.4 fake".to_vec()).file_name("act.pdf")).await.unwrap();
    let upload = fake.sent_to(77).pop().unwrap();
    assert_eq!(upload.params["document"]["file_name"], json!("act.pdf"));
    assert_eq!(upload.params["document"]["size"], json!(13));

    // copyMessage answers a MessageId.
    let copy = bot.copy_message(ChatId(78), ChatId(77), photo.id).await.unwrap();
    assert!(copy.0 > doc.id.0);
    assert_eq!(fake.texts_to(78), Vec::<String>::new());
    assert_eq!(fake.sent_to(78).len(), 1);

    let file = bot.get_file(FileId("AgACAgIAAxkBAAIB".into())).await.unwrap();
    assert_eq!(file.path, "photos/x.jpg");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_updates_deserialise_and_offsets_confirm() {
    let fake = FakeTelegram::start();
    let bot = bot(&fake);
    let anna = TgUser::new(5001, "Anna", "ru").with_username("anna");
    let sent = bot.send_message(ChatId(anna.id), "pick").await.unwrap();

    let t = fake.push_text(&anna, "/start hello");
    let p = fake.push_photo(&anna, "AgACphoto", Some("screen"));
    let d = fake.push_document(&anna, "BQACdoc", "act.pdf", "application/pdf");
    let c = fake.push_contact(&anna, "+79990001122");
    let q = fake.push_callback(&anna, "req:9:take", sent.id.0 as i64);
    assert_eq!((t, p, d, c, q), (1, 2, 3, 4, 5));
    assert_eq!(fake.pending_updates(), 5);

    let updates = bot.get_updates().await.unwrap();
    assert_eq!(updates.len(), 5);
    let msg = |i: usize| match &updates[i].kind {
        UpdateKind::Message(m) => m.clone(),
        other => panic!("not a message: {other:?}"),
    };
    let m = msg(0);
    assert_eq!(m.text(), Some("/start hello"));
    assert_eq!(m.chat.id, ChatId(5001));
    assert_eq!(m.from.as_ref().unwrap().language_code.as_deref(), Some("ru"));
    assert_eq!(m.entities().unwrap()[0].length, 6);
    let m = msg(1);
    assert_eq!(m.photo().unwrap().last().unwrap().file.id, FileId("AgACphoto".into()));
    assert_eq!(m.caption(), Some("screen"));
    let m = msg(2);
    assert_eq!(m.document().unwrap().file_name.as_deref(), Some("act.pdf"));
    let m = msg(3);
    let contact = m.contact().unwrap();
    assert_eq!(contact.phone_number, "+79990001122");
    assert_eq!(contact.user_id, Some(UserId(5001)));
    assert!(matches!(&m.kind, MessageKind::Common(c) if matches!(c.media_kind, MediaKind::Contact(_))));
    match &updates[4].kind {
        UpdateKind::CallbackQuery(cb) => {
            assert_eq!(cb.data.as_deref(), Some("req:9:take"));
            assert_eq!(cb.from.id, UserId(5001));
            let m = cb.regular_message().unwrap();
            assert_eq!(m.id, sent.id);
            assert_eq!(m.text(), Some("pick"));
        }
        other => panic!("not a callback: {other:?}"),
    }

    // Not confirmed yet: the same updates come again.
    assert_eq!(fake.confirmed_up_to(), 0);
    assert_eq!(bot.get_updates().offset(3).await.unwrap().len(), 3);
    assert_eq!(fake.confirmed_up_to(), 2);
    assert_eq!(bot.get_updates().offset(6).await.unwrap().len(), 0);
    assert_eq!(fake.confirmed_up_to(), 5);
    assert_eq!(fake.pending_updates(), 0);
    assert!(fake.wait_confirmed_async(5, SECOND).await);

    // Long polling wakes up as soon as an update is pushed.
    let started = Instant::now();
    let poll = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().offset(6).timeout(10).await.unwrap() }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    fake.push_text(&anna, "hi");
    let got = poll.await.unwrap();
    assert_eq!(got.len(), 1);
    assert!(started.elapsed() < Duration::from_secs(3));
    // ... and returns [] after the timeout when nothing comes.
    let started = Instant::now();
    assert!(bot.get_updates().offset(7).timeout(1).await.unwrap().is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900));
    // getUpdates is never recorded.
    assert!(fake.calls().iter().all(|c| c.method != "getUpdates"));
}

#[tokio::test(flavor = "multi_thread")]
async fn blocked_chat_rate_limit_and_failures() {
    let fake = FakeTelegram::start();
    let bot = bot(&fake);

    fake.block_chat(10);
    let err = bot.send_message(ChatId(10), "hi").await.unwrap_err();
    assert!(matches!(err, RequestError::Api(ApiError::BotBlocked)), "{err:?}");
    assert_eq!(fake.calls()[0].status, 403);
    assert!(fake.sent_to(10).is_empty());

    fake.set_rate_limit(None, Some(1));
    bot.send_message(ChatId(11), "one").await.unwrap();
    bot.send_message(ChatId(12), "other chat").await.unwrap();
    let err = bot.send_message(ChatId(11), "two").await.unwrap_err();
    assert!(matches!(err, RequestError::RetryAfter(_)), "{err:?}");
    assert_eq!(fake.too_many_requests(), 1);
    assert_eq!(fake.calls().last().unwrap().status, 429);
    fake.set_rate_limit(Some(2), None);
    bot.send_message(ChatId(13), "a").await.unwrap();
    bot.send_message(ChatId(14), "b").await.unwrap();
    assert!(matches!(bot.send_message(ChatId(15), "c").await, Err(RequestError::RetryAfter(_))));
    assert_eq!(fake.too_many_requests(), 2);
    fake.set_rate_limit(None, None);

    let wrong = Bot::new("1:wrong").set_api_url(fake.url().parse().unwrap());
    let err = wrong.get_me().await.unwrap_err();
    assert!(matches!(err, RequestError::Api(ApiError::InvalidToken)), "{err:?}");
    fake.reject_all_tokens(true);
    let err = bot.get_me().await.unwrap_err();
    assert!(matches!(err, RequestError::Api(ApiError::InvalidToken)), "{err:?}");
    fake.reject_all_tokens(false);
    assert_eq!(fake.calls().last().unwrap().status, 401);

    bot.answer_callback_query(teloxide::types::CallbackQueryId("cb1".into())).await.unwrap();
    let err = bot.send_dice(ChatId(1)).await.unwrap_err();
    assert!(matches!(err, RequestError::Api(ApiError::Unknown(_))), "{err:?}");
    assert_eq!(fake.calls().last().unwrap().status, 404);
    assert_eq!(fake.calls().last().unwrap().method, "sendDice");
}

/// Note: teloxide sleeps 10 s after any 5xx answer before returning the error.
#[tokio::test(flavor = "multi_thread")]
async fn fail_next_fails_once_then_succeeds() {
    let fake = FakeTelegram::start();
    let bot = bot(&fake);
    fake.fail_next(1, 500);
    assert!(bot.get_me().await.is_err());
    assert!(bot.get_me().await.is_ok());
    let statuses: Vec<u16> = fake.calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, vec![500, 200]);
    // 4xx failures come back at once.
    fake.fail_next(2, 429);
    assert!(matches!(bot.get_updates().await, Err(RequestError::RetryAfter(_))));
    assert!(matches!(bot.get_me().await, Err(RequestError::RetryAfter(_))));
    assert!(bot.get_updates().await.is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn serves_thousands_of_requests_per_second() {
    let fake = FakeTelegram::start();
    let bot = bot(&fake);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..20i64 {
        let bot = bot.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..150i64 {
                bot.send_message(ChatId(1000 + worker), format!("n{i}")).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(fake.calls().len(), 3000);
    assert_eq!(fake.texts_to(1005).len(), 150);
    assert!(fake.wait_until_async(SECOND, |calls| calls.len() == 3000).await);
    assert!(elapsed < Duration::from_secs(10), "3000 sends took {elapsed:?}");
}

/// A blocking HTTP/1.1 POST with a JSON body; returns (status, body).
fn post(url: &str, path: &str, body: &Value) -> (u16, Value) {
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let body = body.to_string();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    (status, serde_json::from_str(body).unwrap())
}

#[test]
fn works_from_sync_code() {
    let fake = FakeTelegram::start();
    let url = fake.url();
    let user = TgUser::new(321, "Ivan", "");
    assert!(user.language_code.is_none());
    let pushed = fake.push_text(&user, "hello");

    let path = format!("/bot{TOKEN}/getUpdates");
    let (status, body) = post(&url, &path, &json!({"offset": 0, "timeout": 0}));
    assert_eq!(status, 200);
    assert_eq!(body["result"][0]["update_id"], json!(pushed));
    assert_eq!(body["result"][0]["message"]["text"], json!("hello"));

    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        let path = format!("/bot{TOKEN}/getUpdates");
        post(&url, &path, &json!({"offset": pushed + 1}));
        let path = format!("/bot{TOKEN}/sendMessage");
        post(&url, &path, &json!({"chat_id": 321, "text": "Your request #12 is registered"}))
    });
    assert!(fake.wait_for_text(321, "#12", Duration::from_secs(5)));
    assert!(fake.wait_confirmed(pushed, Duration::from_secs(5)));
    let (status, body) = sender.join().unwrap();
    assert_eq!(status, 200);
    assert_eq!(body["result"]["chat"]["id"], json!(321));
    assert!(fake.wait_until(SECOND, |calls| calls.iter().any(|c| c.method == "sendMessage")));
    assert!(!fake.wait_for_text(321, "never", Duration::from_millis(50)));

    // Form-encoded bodies and query strings are normalised too.
    let (status, _) = post(&fake.url(), &format!("/bot{TOKEN}/sendMessage?chat_id=322&text=q+s%21"), &json!({}));
    assert_eq!(status, 200);
    assert_eq!(fake.texts_to(322), vec!["q s!"]);
    let (status, body) = post(&fake.url(), "/botWRONG/getMe", &json!({}));
    assert_eq!((status, body["description"].clone()), (401, json!("Unauthorized")));
    fake.clear_calls();
    assert!(fake.calls().is_empty());
    assert!(fake.texts_to(321).is_empty());
}
