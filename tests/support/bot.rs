//! Driving the bot's handler tree in-process against the fake Bot API:
//! updates are pushed as Telegram JSON, fetched with teloxide's own getUpdates
//! parsing, and handled exactly as a `serve` worker handles them.

use super::TestDb;
use super::fake_telegram::{Call, FakeTelegram, TOKEN, TgUser};
use helpdesk::bot::ctx::BoxError;
use helpdesk::bot::runtime::handle_one;
use helpdesk::bot::schema::schema;
use helpdesk::bot::sender::{Limiter, deliver_due};
use helpdesk::bot::storage::DialogueStore;
use helpdesk::config::Settings;
use helpdesk::services::serve::Instance;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::Me;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

pub struct Harness {
    pub fake: FakeTelegram,
    pub db: TestDb,
    pub bot: Bot,
    me: Me,
    handler: UpdateHandler<BoxError>,
    storage: Arc<DialogueStore>,
    /// This harness as a `serve` instance: what it takes from the outbox is its own.
    pub instance: Instance,
    offset: Mutex<i32>,
    limiter: Arc<Limiter>,
    broadcasts: Mutex<HashMap<i64, helpdesk::services::broadcast::Content>>,
}

impl Harness {
    pub async fn new() -> Harness {
        Harness::with(|_| {}).await
    }

    pub async fn with(configure: impl FnOnce(&mut Settings)) -> Harness {
        let mut settings = Settings::defaults();
        configure(&mut settings);
        let (db, instance) = tokio::task::spawn_blocking(move || {
            let db = TestDb::with_settings(settings);
            let instance = Instance::start(&db.app).expect("register the harness as an instance");
            (db, instance)
        })
        .await
        .unwrap();
        let fake = FakeTelegram::start();
        let bot = Bot::new(TOKEN).set_api_url(fake.url().parse().unwrap());
        let me = bot.get_me().await.expect("getMe from the fake");
        let storage = DialogueStore::new(db.app.clone());
        Harness {
            fake,
            db,
            bot,
            me,
            handler: schema(),
            storage,
            instance,
            offset: Mutex::new(0),
            limiter: Arc::new(Limiter::with_chat_gap(1000, Duration::ZERO)),
            broadcasts: Mutex::new(HashMap::new()),
        }
    }

    /// Runs `f` over the services on a plain thread: a PostgreSQL client must
    /// not block on an async thread.
    pub fn db<T: Send>(&self, f: impl FnOnce(&helpdesk::services::App) -> T + Send) -> T {
        std::thread::scope(|s| s.spawn(|| f(&self.db.app)).join().expect("database work panicked"))
    }

    /// Runs `f` over the store under the services on a plain thread, to set
    /// up or read the database directly.
    pub fn store<T: Send>(&self, f: impl FnOnce(&dyn helpdesk::store::Store) -> T + Send) -> T {
        std::thread::scope(|s| s.spawn(|| f(&*self.db.store)).join().expect("database work panicked"))
    }

    /// Handles every update waiting at the fake, in order; returns how many.
    pub async fn process(&self) -> usize {
        self.process_updates().await.len()
    }

    /// Handles every update waiting at the fake and returns them.
    pub async fn process_updates(&self) -> Vec<Update> {
        let mut offset = self.offset.lock().await;
        let updates = self.bot.get_updates().offset(*offset).timeout(0).await.expect("getUpdates");
        for u in &updates {
            *offset = u.id.0 as i32 + 1;
            handle_one(&self.handler, &self.db.app, &self.bot, &self.me, &self.storage, &self.instance, u.clone())
                .await;
        }
        updates
    }

    /// Takes the waiting updates without handling them (to handle them concurrently).
    pub async fn fetch(&self) -> Vec<Update> {
        let mut offset = self.offset.lock().await;
        let updates = self.bot.get_updates().offset(*offset).timeout(0).await.expect("getUpdates");
        if let Some(last) = updates.last() {
            *offset = last.id.0 as i32 + 1;
        }
        updates
    }

    /// Handles one update again, as a restart replays one that was not marked done.
    pub async fn handle(&self, update: Update) {
        handle_one(&self.handler, &self.db.app, &self.bot, &self.me, &self.storage, &self.instance, update).await;
    }

    pub async fn text(&self, user: &TgUser, text: &str) {
        self.fake.push_text(user, text);
        self.process().await;
    }

    /// `user` replies `text` to the bot's message that reads `to` (its buttons as sent to `chat`).
    pub async fn reply(&self, user: &TgUser, text: &str, to: &str, chat: i64) {
        let buttons = self
            .fake
            .sent_to(chat)
            .iter()
            .rev()
            .find(|c| c.text() == Some(to))
            .map(|c| c.buttons())
            .unwrap_or_default();
        self.fake.push_reply(user, text, to, &buttons);
        self.process().await;
    }

    pub async fn contact(&self, user: &TgUser, phone: &str) {
        self.fake.push_contact(user, phone);
        self.process().await;
    }

    pub async fn photo(&self, user: &TgUser, file_id: &str) {
        self.fake.push_photo(user, file_id, None);
        self.process().await;
    }

    pub async fn document(&self, user: &TgUser, file_id: &str, name: &str) {
        self.fake.push_document(user, file_id, name, "application/pdf");
        self.process().await;
    }

    /// Presses raw callback data (as a forged client could), on `message_id`.
    pub async fn callback(&self, user: &TgUser, data: &str, message_id: i64) {
        self.fake.push_callback(user, data, message_id);
        self.process().await;
    }

    /// Presses the newest inline button sent to `user` whose label contains `label`.
    pub async fn press(&self, user: &TgUser, label: &str) {
        let (data, message_id) = self.button(user.id, label).unwrap_or_else(|| {
            panic!("no button '{label}' sent to {}; sent: {:#?}", user.id, self.fake.texts_to(user.id))
        });
        self.callback(user, &data, message_id).await;
    }

    /// The data and message of the newest button to `chat` whose label contains `label`.
    pub fn button(&self, chat: i64, label: &str) -> Option<(String, i64)> {
        self.fake.sent_to(chat).iter().rev().find_map(|c| {
            let data = c.buttons().into_iter().find(|(text, _)| text.contains(label)).map(|(_, d)| d)?;
            Some((data, c.message_id()?))
        })
    }

    /// Delivers the due notifications (as the sender in `serve` does); returns how many were taken.
    pub async fn notify(&self) -> usize {
        let mut cache = self.broadcasts.lock().await;
        let mut total = 0;
        loop {
            let n = deliver_due(
                &self.db.app,
                &self.bot,
                &self.instance,
                &None,
                &self.limiter,
                &CancellationToken::new(),
                &mut cache,
            )
            .await
            .expect("deliver notifications");
            total += n;
            if n == 0 {
                return total;
            }
        }
    }

    pub fn texts(&self, chat: i64) -> Vec<String> {
        self.fake.texts_to(chat)
    }

    pub fn last_text(&self, chat: i64) -> String {
        self.texts(chat).pop().unwrap_or_default()
    }

    pub fn sent(&self, chat: i64) -> Vec<Call> {
        self.fake.sent_to(chat)
    }

    pub fn clear(&self) {
        self.fake.clear_calls();
    }
}
