//! A fake Telegram Bot API server for integration tests.
//!
//! [`FakeTelegram::start`] binds `127.0.0.1:0`, runs an axum server on a
//! dedicated OS thread with its own tokio runtime, and returns once the socket
//! is listening. Point a `teloxide::Bot` at it with
//! `Bot::new(TOKEN).set_api_url(url)`, or start the real binary with
//! `HELPDESK_TELEGRAM_API_URL=<url>` and `HELPDESK_BOT_TOKEN=<token>`.
//! Dropping the [`FakeTelegram`] stops the server.
//!
//! Requests are `{base}/bot{token}/{method}` (POST or GET) with a JSON,
//! `multipart/form-data` or `x-www-form-urlencoded` body (or a query string).
//! Every body is normalised into a JSON object: form fields that hold JSON
//! objects, arrays, numbers or booleans are parsed (teloxide sends
//! `reply_markup` as JSON text and `chat_id` as decimal text inside multipart
//! requests), except for fields that are strings by nature (`text`,
//! `caption`, `photo`, `document`, ...). A file uploaded as a multipart part and
//! referenced as `attach://<name>` is replaced by
//! `{"file_name":..,"content_type":..,"size":..}`.
//!
//! Responses use Telegram's envelope; error responses carry the HTTP status
//! equal to `error_code`.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::future::IntoFuture;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;

/// The only bot token the fake accepts.
pub const TOKEN: &str = "123456789:TEST-fake-token";
/// The bot's user id, as returned by `getMe`.
pub const BOT_ID: i64 = 7000000001;
/// The bot's username, as returned by `getMe`.
pub const BOT_USERNAME: &str = "helpdesk_test_bot";

/// Methods whose successful calls are "sent to a chat" (see [`FakeTelegram::sent_to`]).
const SENT_METHODS: &[&str] = &[
    "sendmessage",
    "sendphoto",
    "senddocument",
    "copymessage",
    "editmessagetext",
    "editmessagecaption",
    "editmessagereplymarkup",
];

/// Form fields that are strings in the Bot API and must never be parsed as JSON.
const STRING_FIELDS: &[&str] = &[
    "text",
    "caption",
    "photo",
    "document",
    "video",
    "audio",
    "animation",
    "voice",
    "video_note",
    "sticker",
    "thumbnail",
    "file_id",
    "callback_query_id",
    "inline_query_id",
    "inline_message_id",
    "url",
    "title",
    "description",
    "short_description",
    "name",
    "parse_mode",
    "phone_number",
    "first_name",
    "last_name",
    "vcard",
    "query",
    "emoji",
    "question",
    "address",
    "secret_token",
    "language_code",
    "business_connection_id",
];

/// A Telegram user in a private chat with the bot (chat id == user id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgUser {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

impl TgUser {
    /// A user with no last name and no username; an empty `lang` means no
    /// `language_code`.
    pub fn new(id: i64, first_name: &str, lang: &str) -> TgUser {
        TgUser {
            id,
            first_name: first_name.to_string(),
            last_name: None,
            username: None,
            language_code: (!lang.is_empty()).then(|| lang.to_string()),
        }
    }

    /// The same user with a `@username`.
    pub fn with_username(mut self, username: &str) -> TgUser {
        self.username = Some(username.to_string());
        self
    }

    /// The same user with a last name.
    pub fn with_last_name(mut self, last_name: &str) -> TgUser {
        self.last_name = Some(last_name.to_string());
        self
    }

    /// The Telegram `User` object.
    pub fn to_json(&self) -> Value {
        let mut u = json!({"id": self.id, "is_bot": false, "first_name": self.first_name});
        if let Some(v) = &self.last_name {
            u["last_name"] = json!(v);
        }
        if let Some(v) = &self.username {
            u["username"] = json!(v);
        }
        if let Some(v) = &self.language_code {
            u["language_code"] = json!(v);
        }
        u
    }

    /// The Telegram `Chat` object of the private chat with this user.
    pub fn chat_json(&self) -> Value {
        let mut c = json!({"id": self.id, "type": "private", "first_name": self.first_name});
        if let Some(v) = &self.last_name {
            c["last_name"] = json!(v);
        }
        if let Some(v) = &self.username {
            c["username"] = json!(v);
        }
        c
    }
}

/// One request received by the fake (getUpdates is not recorded).
#[derive(Clone, Debug)]
pub struct Call {
    /// The method name with its first letter lowered, e.g. `sendMessage`
    /// (teloxide requests `SendMessage`).
    pub method: String,
    /// The request parameters normalised to a JSON object.
    pub params: Value,
    /// When the request was answered.
    pub at: Instant,
    /// The HTTP status returned (200 on success).
    pub status: u16,
    /// The `result` returned on success, `Value::Null` on error.
    pub result: Value,
}

impl Call {
    /// `params.chat_id` as a number, if it is one.
    pub fn chat_id(&self) -> Option<i64> {
        self.params.get("chat_id").and_then(chat_id_num)
    }

    /// `params.text`, or else `params.caption`.
    pub fn text(&self) -> Option<&str> {
        self.params.get("text").or_else(|| self.params.get("caption")).and_then(Value::as_str)
    }

    /// The `message_id` of the message returned (or edited) by this call.
    pub fn message_id(&self) -> Option<i64> {
        self.result.get("message_id").and_then(Value::as_i64)
    }

    /// The buttons of `params.reply_markup` in row order, as
    /// `(text, callback_data)`; `callback_data` is empty for buttons without
    /// one (URL buttons, reply keyboards).
    pub fn buttons(&self) -> Vec<(String, String)> {
        let Some(markup) = self.params.get("reply_markup") else {
            return Vec::new();
        };
        let rows = markup.get("inline_keyboard").or_else(|| markup.get("keyboard")).and_then(Value::as_array);
        rows.into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .map(|b| match b {
                Value::String(s) => (s.clone(), String::new()),
                _ => (
                    b.get("text").and_then(Value::as_str).unwrap_or_default().to_string(),
                    b.get("callback_data").and_then(Value::as_str).unwrap_or_default().to_string(),
                ),
            })
            .collect()
    }
}

/// A running fake Bot API server. Dropping it shuts the server down.
pub struct FakeTelegram {
    shared: Arc<Shared>,
    url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Shared {
    inner: Mutex<Inner>,
    /// Woken whenever an update is pushed (long polling).
    pushed: Notify,
}

struct Inner {
    reject_all_tokens: bool,
    /// Queued updates, sorted by update_id.
    updates: VecDeque<Value>,
    next_update_id: i64,
    confirmed: i64,
    next_message_id: i64,
    next_callback_id: i64,
    calls: Vec<Call>,
    /// Indexes into `calls` of successful sends/edits, by chat id.
    sent_index: HashMap<i64, Vec<usize>>,
    /// The last known state of messages, by (chat id, message id).
    messages: HashMap<(i64, i64), Value>,
    blocked: HashSet<i64>,
    global_limit: Option<u32>,
    chat_limit: Option<u32>,
    global_window: VecDeque<Instant>,
    chat_windows: HashMap<String, VecDeque<Instant>>,
    too_many: u64,
    fail_next: usize,
    fail_status: u16,
    delay: Duration,
    /// Sends that fail at random, as Telegram's do at scale (see [`FakeTelegram::flaky`]).
    flaky: Option<(f64, fastrand::Rng)>,
    /// How many sends failed that way: 429, 502, and 502 after the message was delivered.
    flaky_failures: [u64; 3],
    /// Files getFile knows, by file_id: their path and content.
    files: HashMap<String, (String, Vec<u8>)>,
}

impl FakeTelegram {
    /// Starts the server on `127.0.0.1:0` on its own thread and returns once
    /// it is listening. Callable from sync and async code.
    pub fn start() -> FakeTelegram {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind fake telegram");
        listener.set_nonblocking(true).expect("nonblocking listener");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared { inner: Mutex::new(Inner::new()), pushed: Notify::new() });
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name("fake-telegram".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("fake-telegram-worker")
                    .enable_all()
                    .build()
                    .expect("fake telegram runtime");
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    let app = Router::new().fallback(handle).with_state(state);
                    let server = axum::serve(listener, app).into_future();
                    let _ = ready_tx.send(());
                    tokio::select! {
                        _ = server => {}
                        _ = shutdown_rx => {}
                    }
                });
                // Do not wait for pending long polls.
                rt.shutdown_background();
            })
            .expect("spawn fake telegram thread");
        ready_rx.recv().expect("fake telegram thread started");
        FakeTelegram { shared, url: format!("http://{addr}"), shutdown: Some(shutdown_tx), thread: Some(thread) }
    }

    /// The base URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The accepted bot token ([`TOKEN`]).
    pub fn token(&self) -> &str {
        TOKEN
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.shared.lock()
    }

    /// When `true`, even the right token gets 401 `Unauthorized`.
    pub fn reject_all_tokens(&self, reject: bool) {
        self.lock().reject_all_tokens = reject;
    }

    /// Takes the queued updates out, to deliver them by webhook instead of getUpdates.
    pub fn take_updates(&self) -> Vec<Value> {
        std::mem::take(&mut self.lock().updates).into_iter().collect()
    }

    /// Queues an update; assigns the next `update_id` unless it has one.
    /// Returns the update id.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let id = {
            let mut inner = self.lock();
            let id = match update.get("update_id").and_then(Value::as_i64) {
                Some(id) => id,
                None => {
                    let id = inner.next_update_id;
                    update["update_id"] = json!(id);
                    id
                }
            };
            inner.next_update_id = inner.next_update_id.max(id + 1);
            let pos = inner.updates.partition_point(|u| update_id(u) <= id);
            inner.updates.insert(pos, update);
            id
        };
        self.shared.pushed.notify_waiters();
        id
    }

    fn push_message(&self, user: &TgUser, fields: Value) -> i64 {
        let message_id = self.lock().next_message_id();
        let mut message = json!({
            "message_id": message_id,
            "date": unix_now(),
            "chat": user.chat_json(),
            "from": user.to_json(),
        });
        if let (Some(m), Value::Object(f)) = (message.as_object_mut(), fields) {
            m.extend(f);
        }
        self.push_update(json!({ "message": message }))
    }

    /// Pushes a text message from `user`. A text starting with `/` gets a
    /// `bot_command` entity covering the command word.
    pub fn push_text(&self, user: &TgUser, text: &str) -> i64 {
        let mut fields = json!({ "text": text });
        if text.starts_with('/') {
            let word = text.split_whitespace().next().unwrap_or(text);
            let length = word.encode_utf16().count();
            fields["entities"] = json!([{"type": "bot_command", "offset": 0, "length": length}]);
        }
        self.push_message(user, fields)
    }

    /// Pushes a text message from `user` replying to the bot's message whose
    /// text (as Telegram gives it back, without markup) is `to`, with the
    /// inline buttons `buttons` (label, callback data).
    pub fn push_reply(&self, user: &TgUser, text: &str, to: &str, buttons: &[(String, String)]) -> i64 {
        let keyboard: Vec<Value> = buttons.iter().map(|(t, d)| json!({"text": t, "callback_data": d})).collect();
        let replied = json!({
            "message_id": 1, "date": unix_now(), "chat": user.chat_json(), "from": bot_user(), "text": to,
            "reply_markup": {"inline_keyboard": [keyboard]},
        });
        self.push_message(user, json!({ "text": text, "reply_to_message": replied }))
    }

    /// Pushes a photo message (two sizes sharing `file_id`'s prefix; the
    /// largest has exactly `file_id`).
    pub fn push_photo(&self, user: &TgUser, file_id: &str, caption: Option<&str>) -> i64 {
        let mut fields = json!({
            "photo": [
                {"file_id": format!("{file_id}-small"), "file_unique_id": format!("{file_id}-us"),
                 "width": 90, "height": 67, "file_size": 1200},
                {"file_id": file_id, "file_unique_id": format!("{file_id}-u"),
                 "width": 1280, "height": 960, "file_size": 120000},
            ]
        });
        if let Some(c) = caption {
            fields["caption"] = json!(c);
        }
        self.push_message(user, fields)
    }

    /// Pushes a document message.
    pub fn push_document(&self, user: &TgUser, file_id: &str, file_name: &str, mime: &str) -> i64 {
        let fields = json!({
            "document": {
                "file_id": file_id,
                "file_unique_id": format!("{file_id}-u"),
                "file_name": file_name,
                "mime_type": mime,
                "file_size": 20000,
            }
        });
        self.push_message(user, fields)
    }

    /// Pushes a message sharing `user`'s own contact with `phone`.
    pub fn push_contact(&self, user: &TgUser, phone: &str) -> i64 {
        let mut contact = json!({
            "phone_number": phone,
            "first_name": user.first_name,
            "user_id": user.id,
        });
        if let Some(v) = &user.last_name {
            contact["last_name"] = json!(v);
        }
        self.push_message(user, json!({ "contact": contact }))
    }

    /// Pushes a `callback_query` from `user` pressing a button with `data` on
    /// the bot's message `message_id` in their chat. The attached message is
    /// the last state the fake knows of that message (or a placeholder).
    pub fn push_callback(&self, user: &TgUser, data: &str, message_id: i64) -> i64 {
        let (id, message) = {
            let mut inner = self.lock();
            inner.next_callback_id += 1;
            let id = format!("cb{}", inner.next_callback_id);
            let message = inner.messages.get(&(user.id, message_id)).cloned().unwrap_or_else(|| {
                let mut m = bot_message(&json!(user.id), message_id);
                m["text"] = json!("…");
                m
            });
            (id, message)
        };
        self.push_update(json!({
            "callback_query": {
                "id": id,
                "from": user.to_json(),
                "chat_instance": format!("ci{}", user.id),
                "data": data,
                "message": message,
            }
        }))
    }

    /// The highest update id confirmed by the bot (via `getUpdates` offset).
    pub fn confirmed_up_to(&self) -> i64 {
        self.lock().confirmed
    }

    /// How many updates are queued and not yet confirmed.
    pub fn pending_updates(&self) -> usize {
        self.lock().updates.len()
    }

    /// Every request except getUpdates, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// How many calls of `method` were made (without copying them, for polling often).
    pub fn count_calls(&self, method: &str) -> usize {
        self.lock().calls.iter().filter(|c| c.method == method).count()
    }

    /// Successful sendMessage/sendPhoto/sendDocument/copyMessage/editMessage*
    /// calls to `chat_id`, in order.
    pub fn sent_to(&self, chat_id: i64) -> Vec<Call> {
        let inner = self.lock();
        inner.sent_iter(chat_id).cloned().collect()
    }

    /// The `text` or `caption` of [`FakeTelegram::sent_to`] calls.
    pub fn texts_to(&self, chat_id: i64) -> Vec<String> {
        let inner = self.lock();
        inner.sent_iter(chat_id).filter_map(|c| c.text().map(str::to_string)).collect()
    }

    /// Forgets all recorded calls.
    pub fn clear_calls(&self) {
        let mut inner = self.lock();
        inner.calls.clear();
        inner.sent_index.clear();
    }

    /// Polls (with `std::thread::sleep`) until `pred` holds over the recorded
    /// calls or `timeout` passes. `pred` runs under the fake's lock: keep it
    /// quick. Use [`FakeTelegram::wait_until_async`] inside async tests.
    pub fn wait_until(&self, timeout: Duration, pred: impl Fn(&[Call]) -> bool) -> bool {
        self.poll_sync(timeout, |inner| pred(&inner.calls))
    }

    /// Like [`FakeTelegram::wait_until`], sleeping with `tokio::time::sleep`.
    pub async fn wait_until_async(&self, timeout: Duration, pred: impl Fn(&[Call]) -> bool) -> bool {
        self.poll_async(timeout, |inner| pred(&inner.calls)).await
    }

    /// Waits (sync) until a text/caption sent to `chat_id` contains `needle`.
    pub fn wait_for_text(&self, chat_id: i64, needle: &str, timeout: Duration) -> bool {
        self.poll_sync(timeout, |inner| inner.has_text(chat_id, needle))
    }

    /// Async version of [`FakeTelegram::wait_for_text`].
    pub async fn wait_for_text_async(&self, chat_id: i64, needle: &str, timeout: Duration) -> bool {
        self.poll_async(timeout, |inner| inner.has_text(chat_id, needle)).await
    }

    /// Waits (sync) until the bot has confirmed `update_id`.
    pub fn wait_confirmed(&self, update_id: i64, timeout: Duration) -> bool {
        self.poll_sync(timeout, |inner| inner.confirmed >= update_id)
    }

    /// Async version of [`FakeTelegram::wait_confirmed`].
    pub async fn wait_confirmed_async(&self, update_id: i64, timeout: Duration) -> bool {
        self.poll_async(timeout, |inner| inner.confirmed >= update_id).await
    }

    fn poll_sync(&self, timeout: Duration, check: impl Fn(&Inner) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if check(&self.lock()) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    async fn poll_async(&self, timeout: Duration, check: impl Fn(&Inner) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if check(&self.lock()) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Every send*/copyMessage to `chat_id` gets 403
    /// `Forbidden: bot was blocked by the user`.
    pub fn block_chat(&self, chat_id: i64) {
        self.lock().blocked.insert(chat_id);
    }

    /// Undoes [`FakeTelegram::block_chat`].
    pub fn unblock_chat(&self, chat_id: i64) {
        self.lock().blocked.remove(&chat_id);
    }

    /// Limits successful message sends (send* except sendChatAction, and
    /// copyMessage) over a sliding 1-second window, globally and per chat;
    /// a send over the limit gets 429 with `retry_after` = 1. `None` = no limit.
    pub fn set_rate_limit(&self, global_per_second: Option<u32>, per_chat_per_second: Option<u32>) {
        let mut inner = self.lock();
        inner.global_limit = global_per_second;
        inner.chat_limit = per_chat_per_second;
        inner.global_window.clear();
        inner.chat_windows.clear();
    }

    /// How many 429 responses the rate limit has given.
    pub fn too_many_requests(&self) -> u64 {
        self.lock().too_many
    }

    /// The next `n` requests of any method (getUpdates and getMe included)
    /// fail with `status` (e.g. 500 or 502).
    pub fn fail_next(&self, n: usize, status: u16) {
        let mut inner = self.lock();
        inner.fail_next = n;
        inner.fail_status = status;
    }

    /// Makes a share `p` of message sends and edits fail at random (seeded),
    /// in equal parts: 429 with a `retry_after` of 1 to 3 seconds; 502 Bad
    /// Gateway; and 502 after the message was in fact delivered (the client
    /// cannot tell it from the other). `p = 0` stops it.
    pub fn flaky(&self, p: f64, seed: u64) {
        self.lock().flaky = (p > 0.0).then(|| (p, fastrand::Rng::with_seed(seed)));
    }

    /// How many sends [`FakeTelegram::flaky`] failed: (429, 502, 502 after delivering).
    pub fn flaky_failures(&self) -> (u64, u64, u64) {
        let f = self.lock().flaky_failures;
        (f[0], f[1], f[2])
    }

    /// A file getFile answers for `file_id`, downloadable at `file/bot<token>/<path>`.
    pub fn put_file(&self, file_id: &str, path: &str, bytes: &[u8]) {
        self.lock().files.insert(file_id.to_string(), (path.to_string(), bytes.to_vec()));
    }

    /// Artificial latency added to every response (default zero).
    pub fn response_delay(&self, d: Duration) {
        self.lock().delay = d;
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking test thread must not wedge the server.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    fn new() -> Inner {
        Inner {
            reject_all_tokens: false,
            updates: VecDeque::new(),
            next_update_id: 1,
            confirmed: 0,
            next_message_id: 0,
            next_callback_id: 0,
            calls: Vec::new(),
            sent_index: HashMap::new(),
            messages: HashMap::new(),
            blocked: HashSet::new(),
            global_limit: None,
            chat_limit: None,
            global_window: VecDeque::new(),
            chat_windows: HashMap::new(),
            too_many: 0,
            fail_next: 0,
            fail_status: 500,
            delay: Duration::ZERO,
            flaky: None,
            flaky_failures: [0; 3],
            files: HashMap::new(),
        }
    }

    fn next_message_id(&mut self) -> i64 {
        self.next_message_id += 1;
        self.next_message_id
    }

    fn sent_iter(&self, chat_id: i64) -> impl Iterator<Item = &Call> {
        self.sent_index.get(&chat_id).into_iter().flatten().map(|&i| &self.calls[i])
    }

    fn has_text(&self, chat_id: i64, needle: &str) -> bool {
        self.sent_iter(chat_id).any(|c| c.text().is_some_and(|t| t.contains(needle)))
    }

    /// Applies a getUpdates `offset`: forgets confirmed updates.
    fn confirm(&mut self, offset: i64) {
        if offset < 0 {
            let keep = offset.unsigned_abs() as usize;
            while self.updates.len() > keep {
                let u = self.updates.pop_front().expect("non-empty");
                self.confirmed = self.confirmed.max(update_id(&u));
            }
        } else if offset > 0 {
            while self.updates.front().is_some_and(|u| update_id(u) < offset) {
                self.updates.pop_front();
            }
            let confirmed = (offset - 1).min(self.next_update_id - 1);
            self.confirmed = self.confirmed.max(confirmed);
        }
    }

    /// Whether a message send to `chat` fits the rate limits; records it if so.
    fn rate_ok(&mut self, chat: &str, now: Instant) -> bool {
        let cutoff = now.checked_sub(Duration::from_secs(1));
        let prune = |w: &mut VecDeque<Instant>| {
            if let Some(cutoff) = cutoff {
                while w.front().is_some_and(|&t| t <= cutoff) {
                    w.pop_front();
                }
            }
        };
        if let Some(limit) = self.global_limit {
            prune(&mut self.global_window);
            if self.global_window.len() >= limit as usize {
                return false;
            }
        }
        if let Some(limit) = self.chat_limit {
            let w = self.chat_windows.entry(chat.to_string()).or_default();
            prune(w);
            if w.len() >= limit as usize {
                return false;
            }
            w.push_back(now);
        }
        if self.global_limit.is_some() {
            self.global_window.push_back(now);
        }
        true
    }

    fn record(&mut self, method: &str, params: Value, status: u16, result: Value) {
        let lower = method.to_ascii_lowercase();
        if status == 200
            && SENT_METHODS.contains(&lower.as_str())
            && let Some(chat) = params.get("chat_id").and_then(chat_id_num)
        {
            self.sent_index.entry(chat).or_default().push(self.calls.len());
        }
        self.calls.push(Call { method: method.to_string(), params, at: Instant::now(), status, result });
    }

    /// Answers one API method (not getUpdates): its result, or the error.
    fn dispatch(&mut self, method: &str, params: &Value) -> Result<Value, ApiErr> {
        let m = method.to_ascii_lowercase();
        let chat_id = params.get("chat_id").cloned().unwrap_or(Value::Null);
        let is_send = m.starts_with("send") || m == "copymessage";
        if is_send {
            if chat_id.is_null() || chat_id == json!("") {
                return Err(ApiErr::new(400, "Bad Request: chat_id is empty"));
            }
            if chat_id_num(&chat_id).is_some_and(|c| self.blocked.contains(&c)) {
                return Err(ApiErr::new(403, "Forbidden: bot was blocked by the user"));
            }
            if m != "sendchataction" && !self.rate_ok(&chat_key(&chat_id), Instant::now()) {
                self.too_many += 1;
                return Err(ApiErr::retry_after(1));
            }
        }
        let chat = chat_id_num(&chat_id).unwrap_or(0);
        match m.as_str() {
            "getme" => Ok(json!({
                "id": BOT_ID,
                "is_bot": true,
                "first_name": "Helpdesk",
                "username": BOT_USERNAME,
                "can_join_groups": false,
                "can_read_all_group_messages": false,
                "supports_inline_queries": false,
                "can_connect_to_business": false,
                "has_main_web_app": false,
            })),
            "sendmessage" => {
                let Some(text) = params.get("text").and_then(Value::as_str).filter(|t| !t.is_empty()) else {
                    return Err(ApiErr::new(400, "Bad Request: message text is empty"));
                };
                let id = self.next_message_id();
                let mut msg = bot_message(&chat_id, id);
                msg["text"] = json!(text);
                Ok(self.store(chat, msg, params))
            }
            "sendphoto" => {
                let id = self.next_message_id();
                let file_id = match params.get("photo").and_then(Value::as_str) {
                    Some(f) if !f.contains("://") => f.to_string(),
                    _ => format!("AgACfake{id}"),
                };
                let mut msg = bot_message(&chat_id, id);
                msg["photo"] = json!([{
                    "file_id": file_id,
                    "file_unique_id": format!("u{id}"),
                    "width": 800,
                    "height": 600,
                    "file_size": 1000,
                }]);
                copy_caption(&mut msg, params);
                Ok(self.store(chat, msg, params))
            }
            "senddocument" => {
                let id = self.next_message_id();
                let doc = params.get("document");
                let file_id = match doc.and_then(Value::as_str) {
                    Some(f) if !f.contains("://") => f.to_string(),
                    _ => format!("BQACfake{id}"),
                };
                let file_name = doc.and_then(|d| d.get("file_name")).and_then(Value::as_str).unwrap_or("file.pdf");
                let mut msg = bot_message(&chat_id, id);
                msg["document"] = json!({
                    "file_id": file_id,
                    "file_unique_id": format!("u{id}"),
                    "file_name": file_name,
                    "mime_type": "application/pdf",
                });
                copy_caption(&mut msg, params);
                Ok(self.store(chat, msg, params))
            }
            "copymessage" => {
                let id = self.next_message_id();
                let from = params.get("from_chat_id").and_then(chat_id_num).unwrap_or(0);
                let src = params.get("message_id").and_then(Value::as_i64).unwrap_or(0);
                let mut msg = match self.messages.get(&(from, src)) {
                    Some(original) => {
                        let mut m = original.clone();
                        m["message_id"] = json!(id);
                        m["chat"] = bot_message(&chat_id, id)["chat"].clone();
                        m["from"] = bot_user();
                        m
                    }
                    None => {
                        let mut m = bot_message(&chat_id, id);
                        m["text"] = json!("(copy)");
                        m
                    }
                };
                if let Some(obj) = msg.as_object_mut() {
                    obj.remove("reply_markup");
                }
                copy_caption(&mut msg, params);
                self.store(chat, msg, params);
                Ok(json!({ "message_id": id }))
            }
            "sendchataction"
            | "answercallbackquery"
            | "setmycommands"
            | "setchatmenubutton"
            | "deletemycommands"
            | "deletewebhook"
            | "setwebhook" => Ok(json!(true)),
            "deletemessage" => {
                let id = params.get("message_id").and_then(Value::as_i64).unwrap_or(0);
                self.messages.remove(&(chat, id));
                Ok(json!(true))
            }
            "editmessagetext" | "editmessagecaption" | "editmessagereplymarkup" => {
                if params.get("inline_message_id").is_some() {
                    return Ok(json!(true));
                }
                let id = params.get("message_id").and_then(Value::as_i64).unwrap_or(0);
                let mut msg = self.messages.get(&(chat, id)).cloned().unwrap_or_else(|| {
                    let mut m = bot_message(&chat_id, id);
                    m["text"] = json!("…");
                    m
                });
                match m.as_str() {
                    "editmessagetext" => {
                        let text = params.get("text").and_then(Value::as_str).unwrap_or_default();
                        if text.is_empty() {
                            return Err(ApiErr::new(400, "Bad Request: message text is empty"));
                        }
                        msg["text"] = json!(text);
                    }
                    "editmessagecaption" => {
                        if let Some(obj) = msg.as_object_mut() {
                            obj.remove("caption");
                        }
                        copy_caption(&mut msg, params);
                    }
                    _ => {}
                }
                if let Some(obj) = msg.as_object_mut() {
                    obj.remove("reply_markup");
                }
                msg["edit_date"] = json!(unix_now());
                Ok(self.store(chat, msg, params))
            }
            "getmycommands" => Ok(json!([])),
            "getwebhookinfo" => Ok(json!({
                "url": "",
                "has_custom_certificate": false,
                "pending_update_count": 0,
            })),
            "getfile" => {
                let id = params.get("file_id").and_then(Value::as_str).unwrap_or("").to_string();
                let (path, size) = match self.files.get(&id) {
                    Some((path, bytes)) => (path.clone(), bytes.len()),
                    None => ("photos/x.jpg".to_string(), 10),
                };
                Ok(json!({ "file_id": id, "file_unique_id": "x", "file_size": size, "file_path": path }))
            }
            _ => Err(ApiErr::new(404, "Not Found: method not found")),
        }
    }

    /// Adds an inline `reply_markup` from `params` and remembers the message.
    fn store(&mut self, chat: i64, mut msg: Value, params: &Value) -> Value {
        if let Some(markup) = params.get("reply_markup").filter(|m| m.get("inline_keyboard").is_some()) {
            msg["reply_markup"] = markup.clone();
        }
        let id = msg["message_id"].as_i64().unwrap_or(0);
        self.messages.insert((chat, id), msg.clone());
        msg
    }
}

/// An error answer.
struct ApiErr {
    status: u16,
    description: String,
    retry_after: Option<u64>,
}

impl ApiErr {
    fn new(status: u16, description: &str) -> ApiErr {
        ApiErr { status, description: description.to_string(), retry_after: None }
    }

    fn retry_after(secs: u64) -> ApiErr {
        ApiErr { status: 429, description: format!("Too Many Requests: retry after {secs}"), retry_after: Some(secs) }
    }

    /// The error a `fail_next` status stands for.
    fn for_status(status: u16) -> ApiErr {
        match status {
            429 => ApiErr::retry_after(1),
            401 => ApiErr::new(401, "Unauthorized"),
            409 => ApiErr::new(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
            ),
            _ => {
                let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
                ApiErr::new(status, reason)
            }
        }
    }

    fn body(&self) -> Value {
        let mut body = json!({
            "ok": false,
            "error_code": self.status,
            "description": self.description,
        });
        if let Some(s) = self.retry_after {
            body["parameters"] = json!({ "retry_after": s });
        }
        body
    }
}

fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn ok_response(result: Value) -> Response {
    json_response(200, &json!({ "ok": true, "result": result }))
}

fn err_response(err: &ApiErr) -> Response {
    json_response(err.status, &err.body())
}

fn update_id(u: &Value) -> i64 {
    u.get("update_id").and_then(Value::as_i64).unwrap_or(0)
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Helpdesk", "username": BOT_USERNAME})
}

fn chat_id_num(chat_id: &Value) -> Option<i64> {
    match chat_id {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn chat_key(chat_id: &Value) -> String {
    match chat_id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A message from the bot in a private chat (no content yet).
fn bot_message(chat_id: &Value, message_id: i64) -> Value {
    json!({
        "message_id": message_id,
        "date": unix_now(),
        "chat": {"id": chat_id_num(chat_id).unwrap_or(0), "type": "private", "first_name": "User"},
        "from": bot_user(),
    })
}

fn copy_caption(msg: &mut Value, params: &Value) {
    if let Some(c) = params.get("caption").and_then(Value::as_str) {
        msg["caption"] = json!(c);
    }
}

// ---- the HTTP side ----

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let delay = shared.lock().delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let segments: Vec<String> = parts.uri.path().split('/').filter(|s| !s.is_empty()).map(percent_decode).collect();
    let params = parse_params(&parts.headers, parts.uri.query(), &bytes);
    match segments.as_slice() {
        [bot, method] if bot.starts_with("bot") => {
            api_call(&shared, &bot["bot".len()..], &canonical_method(method), params).await
        }
        [file, bot, rest @ ..] if file == "file" && bot.starts_with("bot") && !rest.is_empty() => {
            let inner = shared.lock();
            if bot["bot".len()..] != *TOKEN || inner.reject_all_tokens {
                return err_response(&ApiErr::new(401, "Unauthorized"));
            }
            let path = rest.join("/");
            match inner.files.values().find(|(p, _)| *p == path) {
                Some((_, bytes)) => bytes.clone().into_response(),
                None => format!("fake file content: {path}").into_response(),
            }
        }
        _ => err_response(&ApiErr::new(404, "Not Found")),
    }
}

async fn api_call(shared: &Shared, token: &str, method: &str, params: Value) -> Response {
    let get_updates = method.eq_ignore_ascii_case("getUpdates");
    {
        let mut inner = shared.lock();
        let early = if inner.fail_next > 0 {
            inner.fail_next -= 1;
            Some(ApiErr::for_status(inner.fail_status))
        } else if token != TOKEN || inner.reject_all_tokens {
            Some(ApiErr::new(401, "Unauthorized"))
        } else {
            None
        };
        if let Some(err) = early {
            if !get_updates {
                inner.record(method, params, err.status, Value::Null);
            }
            return err_response(&err);
        }
        let sends = SENT_METHODS.contains(&method.to_ascii_lowercase().as_str());
        let failure = match &mut inner.flaky {
            Some((p, rng)) if sends => {
                let p = *p;
                (rng.f64() < p).then(|| (rng.usize(0..3), rng.u64(1..=3)))
            }
            _ => None,
        };
        match failure {
            Some((mode @ (0 | 1), wait)) => {
                inner.flaky_failures[mode] += 1;
                let err = if mode == 0 { ApiErr::retry_after(wait) } else { ApiErr::for_status(502) };
                inner.record(method, params, err.status, Value::Null);
                return err_response(&err);
            }
            Some(_) => {
                inner.flaky_failures[2] += 1;
                if let Ok(result) = inner.dispatch(method, &params) {
                    inner.record(method, params, 200, result);
                }
                return err_response(&ApiErr::for_status(502));
            }
            None => {}
        }
        if !get_updates {
            return match inner.dispatch(method, &params) {
                Ok(result) => {
                    inner.record(method, params, 200, result.clone());
                    ok_response(result)
                }
                Err(err) => {
                    inner.record(method, params, err.status, Value::Null);
                    err_response(&err)
                }
            };
        }
    }
    get_updates_call(shared, &params).await
}

async fn get_updates_call(shared: &Shared, params: &Value) -> Response {
    let int = |k: &str| params.get(k).and_then(Value::as_i64);
    let offset = int("offset").unwrap_or(0);
    let limit = int("limit").unwrap_or(100).clamp(1, 100) as usize;
    let timeout = int("timeout").unwrap_or(0).max(0) as u64;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        let notified = shared.pushed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut inner = shared.lock();
            inner.confirm(offset);
            let batch: Vec<Value> =
                inner.updates.iter().filter(|u| offset <= 0 || update_id(u) >= offset).take(limit).cloned().collect();
            if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
                return ok_response(Value::Array(batch));
            }
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

/// Telegram's spelling of a method name: method names are case-insensitive
/// and teloxide sends them capitalised (`SendMessage`), so the first letter
/// is lowered (`sendMessage`).
fn canonical_method(method: &str) -> String {
    let mut chars = method.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Normalises a request body (and query string) into a JSON object.
fn parse_params(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Value {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let lower = content_type.to_ascii_lowercase();
    let mut map = if lower.starts_with("multipart/form-data") {
        match boundary(&content_type) {
            Some(b) => parse_multipart(body, &b),
            None => Map::new(),
        }
    } else if lower.starts_with("application/x-www-form-urlencoded") {
        parse_urlencoded(&String::from_utf8_lossy(body))
    } else if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => m,
            Ok(other) => Map::from_iter([("_body".to_string(), other)]),
            Err(_) => parse_urlencoded(&String::from_utf8_lossy(body)),
        }
    };
    if let Some(q) = query {
        for (k, v) in parse_urlencoded(q) {
            map.entry(k).or_insert(v);
        }
    }
    Value::Object(map)
}

/// A form field's value: JSON objects, arrays, numbers and booleans are
/// parsed, everything else (and every [`STRING_FIELDS`] field) stays a string.
fn coerce(key: &str, s: &str) -> Value {
    if STRING_FIELDS.contains(&key) {
        return Value::String(s.to_string());
    }
    match serde_json::from_str::<Value>(s) {
        Ok(v @ (Value::Object(_) | Value::Array(_) | Value::Number(_) | Value::Bool(_))) => v,
        _ => Value::String(s.to_string()),
    }
}

fn parse_urlencoded(s: &str) -> Map<String, Value> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let k = percent_decode(&k.replace('+', " "));
            let v = percent_decode(&v.replace('+', " "));
            let value = coerce(&k, &v);
            (k, value)
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case("boundary").then(|| v.trim().trim_matches('"').to_string())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

/// Parses a `multipart/form-data` body. Text parts go through [`coerce`];
/// file parts become `{"file_name","content_type","size"}`, and
/// `attach://<part>` references to them are resolved.
fn parse_multipart(body: &[u8], boundary: &str) -> Map<String, Value> {
    let mut data = Vec::with_capacity(body.len() + 2);
    data.extend_from_slice(b"\r\n");
    data.extend_from_slice(body);
    let delim = format!("\r\n--{boundary}").into_bytes();
    let mut fields = Map::new();
    let mut files = Map::new();
    let Some(mut pos) = find(&data, &delim, 0) else {
        return fields;
    };
    loop {
        let start = pos + delim.len();
        if data[start..].starts_with(b"--") {
            break;
        }
        let Some(next) = find(&data, &delim, start) else {
            break;
        };
        let part = &data[start..next];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        if let Some(split) = find(part, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&part[..split]);
            let content = &part[split + 4..];
            let mut name = None;
            let mut file_name = None;
            let mut content_type = None;
            for line in head.lines() {
                let Some((h, v)) = line.split_once(':') else { continue };
                if h.trim().eq_ignore_ascii_case("content-disposition") {
                    for p in v.split(';').skip(1) {
                        if let Some((k, val)) = p.trim().split_once('=') {
                            let val = val.trim().trim_matches('"').to_string();
                            match k.trim() {
                                "name" => name = Some(val),
                                "filename" => file_name = Some(val),
                                _ => {}
                            }
                        }
                    }
                } else if h.trim().eq_ignore_ascii_case("content-type") {
                    content_type = Some(v.trim().to_string());
                }
            }
            if let Some(name) = name {
                if let Some(file_name) = file_name {
                    let file = json!({
                        "file_name": file_name,
                        "content_type": content_type,
                        "size": content.len(),
                    });
                    files.insert(name, file);
                } else {
                    let text = String::from_utf8_lossy(content);
                    let value = coerce(&name, &text);
                    fields.insert(name, value);
                }
            }
        }
        pos = next;
    }
    for value in fields.values_mut() {
        let target = value.as_str().and_then(|s| s.strip_prefix("attach://")).map(str::to_string);
        if let Some(file) = target.and_then(|t| files.remove(&t)) {
            *value = file;
        }
    }
    fields.extend(files);
    fields
}
