//! Work kept in order per chat: one task per key (a chat, an email address)
//! handles that key's items one after another, while different keys go on
//! side by side. A task stops when it has had nothing to do for a while and
//! is started again when its key has work. Used by the bot loop (each
//! chat's updates) and by the outbox (each chat's messages).
//!
//! Not here: what is done with an item (the caller's task says).

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A task per key, started by `start` with the key and the receiving end of
/// the key's queue; it ends when the queue is closed or, at its choice, when idle.
pub struct PerKey<K, T, F> {
    workers: HashMap<K, (mpsc::Sender<T>, JoinHandle<()>)>,
    queue: usize,
    start: F,
}

impl<K, T, F, Fut> PerKey<K, T, F>
where
    K: Hash + Eq + Clone,
    T: Send + 'static,
    F: Fn(K, mpsc::Receiver<T>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    /// Each key's queue holds up to `queue` items; a full one makes
    /// [`PerKey::send`] wait.
    pub fn new(queue: usize, start: F) -> Self {
        PerKey { workers: HashMap::new(), queue, start }
    }

    /// Hands `item` to its key's task, starting one if there is none (or the
    /// one there was just stopped, idle).
    pub async fn send(&mut self, key: K, item: T) {
        let mut pending = Some(item);
        while let Some(item) = pending.take() {
            let (tx, _) = self.workers.entry(key.clone()).or_insert_with(|| {
                let (tx, rx) = mpsc::channel(self.queue);
                (tx, tokio::spawn((self.start)(key.clone(), rx)))
            });
            if let Err(mpsc::error::SendError(item)) = tx.send(item).await {
                self.workers.remove(&key);
                pending = Some(item);
            }
        }
        if self.workers.len() > 1024 {
            self.workers.retain(|_, (_, task)| !task.is_finished());
        }
    }

    /// Closes every queue and waits for the tasks to finish what they hold.
    pub async fn finish(mut self) {
        for (_, (tx, task)) in self.workers.drain() {
            drop(tx);
            let _ = task.await;
        }
    }
}

/// The next item of a key's queue, or `None` once it has been idle for
/// `idle` (or closed): the usual end of a key's task.
pub async fn next<T>(rx: &mut mpsc::Receiver<T>, idle: Duration) -> Option<T> {
    tokio::time::timeout(idle, rx.recv()).await.ok().flatten()
}
