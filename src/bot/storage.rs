//! A teloxide dialogue [`Storage`] on the project's own store: each chat's
//! [`State`] as JSON, with the id of the update that set it, so an update
//! replayed after a crash is not applied twice.
//!
//! While an update is handled (inside [`scope`]), the states it sets are only
//! remembered; the runtime writes them when the update is over, in the same
//! transaction as the update's replies (see [`super::runtime::handle_one`]).

use super::state::State;
use crate::domain::model::DialogueRow;
use crate::services::{App, inbox};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

tokio::task_local! {
    /// The update being handled by this task, recorded with each state written.
    pub static CURRENT_UPDATE: i64;
    /// The states read or written while handling this update, so a state is
    /// read once per update and an unchanged one is not written again.
    pub static SEEN: std::cell::RefCell<std::collections::HashMap<i64, State>>;
    /// The chats whose state this update changed, to be written when it is over.
    static CHANGED: std::cell::RefCell<std::collections::BTreeSet<i64>>;
}

/// Runs `f` as the handling of update `id`: states are cached for its
/// duration, and the ones it sets are held back until [`changes`] takes them.
pub async fn scope<F: Future>(id: i64, f: F) -> F::Output {
    CURRENT_UPDATE.scope(id, SEEN.scope(Default::default(), CHANGED.scope(Default::default(), f))).await
}

/// What the update being handled did to dialogues: the rows to write for
/// the chats whose state it changed and, for `own` (the update's chat),
/// its state as it stands with this update recorded as the last one applied.
/// Call at the end of the handling, inside [`scope`].
pub fn changes(own: Option<i64>) -> Result<Vec<(i64, DialogueRow)>, StorageError> {
    let id = CURRENT_UPDATE.try_with(|id| *id).ok();
    let changed = CHANGED.try_with(|c| std::mem::take(&mut *c.borrow_mut())).unwrap_or_default();
    let mut rows = Vec::new();
    for chat in changed.iter().copied().chain(own.filter(|c| !changed.contains(c))) {
        let Some(state) = seen(chat) else { continue };
        // Another chat's row keeps its own last update (a staff member asked
        // for a reason in private from a group chat).
        let last_update_id = if Some(chat) == own { id } else { None };
        rows.push((chat, DialogueRow { state: serde_json::to_string(&state)?, last_update_id }));
    }
    Ok(rows)
}

fn seen(chat: i64) -> Option<State> {
    SEEN.try_with(|s| s.borrow().get(&chat).cloned()).ok().flatten()
}

fn remember(chat: i64, state: &State) {
    let _ = SEEN.try_with(|s| s.borrow_mut().insert(chat, state.clone()));
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("dialogue storage: {0}")]
    Service(#[from] crate::services::Error),
    #[error("dialogue storage: the stored state is unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("dialogue storage: the blocking task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

pub struct DialogueStore {
    app: App,
}

impl DialogueStore {
    pub fn new(app: App) -> Arc<DialogueStore> {
        Arc::new(DialogueStore { app })
    }

    async fn write(self: Arc<Self>, chat_id: ChatId, state: State) -> Result<(), StorageError> {
        if seen(chat_id.0).as_ref() == Some(&state) {
            return Ok(());
        }
        remember(chat_id.0, &state);
        if CHANGED.try_with(|c| c.borrow_mut().insert(chat_id.0)).is_ok() {
            return Ok(());
        }
        let row = DialogueRow {
            state: serde_json::to_string(&state)?,
            last_update_id: CURRENT_UPDATE.try_with(|id| *id).ok(),
        };
        let app = self.app.clone();
        tokio::task::spawn_blocking(move || inbox::set_dialogue(&app, chat_id.0, &row)).await??;
        Ok(())
    }
}

/// The stored row of a chat (state and the last update applied), if any.
pub async fn load(app: &App, chat_id: i64) -> Result<Option<(State, Option<i64>)>, StorageError> {
    let loaded = read(app, chat_id).await?;
    remember(chat_id, loaded.as_ref().map_or(&State::Idle, |(s, _)| s));
    Ok(loaded)
}

async fn read(app: &App, chat_id: i64) -> Result<Option<(State, Option<i64>)>, StorageError> {
    let app = app.clone();
    let row = tokio::task::spawn_blocking(move || inbox::dialogue(&app, chat_id)).await??;
    match row {
        None => Ok(None),
        Some(row) => {
            // A state from an older build that no longer parses starts over rather than wedging the chat.
            let state = serde_json::from_str(&row.state).unwrap_or_else(|e| {
                tracing::warn!(chat_id, error = %e, "unreadable dialogue state; starting over");
                State::Idle
            });
            Ok(Some((state, row.last_update_id)))
        }
    }
}

impl Storage<State> for DialogueStore {
    type Error = StorageError;

    fn remove_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<(), Self::Error>> {
        // Kept as Idle rather than deleted: the row remembers the last update applied.
        Box::pin(self.write(chat_id, State::Idle))
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: State,
    ) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(self.write(chat_id, dialogue))
    }

    fn get_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<Option<State>, Self::Error>> {
        Box::pin(async move {
            if let Some(state) = seen(chat_id.0) {
                return Ok(Some(state));
            }
            Ok(load(&self.app, chat_id.0).await?.map(|(s, _)| s))
        })
    }
}
