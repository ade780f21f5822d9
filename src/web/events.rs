//! `GET /events`: server-sent events telling open pages that the help desk
//! changed, so a list or a dashboard fetches itself again. One task per
//! process reads the store's change mark (the newest audit record's id) while
//! anyone listens: on PostgreSQL when a transaction anywhere announces a
//! change (LISTEN/NOTIFY, on a connection of its own), else once a second; a
//! change made by any process, another `serve` instance or a cron job
//! included, reaches every open page at once on PostgreSQL and within about a
//! second on SQLite.

use super::Web;
use super::session::SignedIn;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the mark is read while pages listen, without announcements.
const POLL: Duration = Duration::from_secs(1);
/// ... and with them (in case one was missed while reconnecting).
const POLL_LISTENING: Duration = Duration::from_secs(15);
/// A stream ends after this long; the browser reconnects, signed in anew.
const STREAM_LIFE: Duration = Duration::from_secs(300);

#[derive(Clone)]
pub struct Changes {
    tx: Arc<watch::Sender<i64>>,
}

impl Changes {
    /// Starts the watching task.
    pub fn watch(app: crate::services::App) -> Changes {
        let (tx, _) = watch::channel(0i64);
        let tx = Arc::new(tx);
        let weak = Arc::downgrade(&tx);
        let told = Arc::new(tokio::sync::Notify::new());
        let listening = Arc::new(std::sync::atomic::AtomicBool::new(false));
        listen(app.clone(), told.clone(), listening.clone(), Arc::downgrade(&tx));
        tokio::spawn(async move {
            loop {
                let poll = if listening.load(std::sync::atomic::Ordering::Relaxed) { POLL_LISTENING } else { POLL };
                tokio::select! {
                    _ = tokio::time::sleep(poll) => {}
                    _ = told.notified() => {}
                }
                let Some(tx) = weak.upgrade() else { return };
                if tx.receiver_count() == 0 {
                    continue;
                }
                let app = app.clone();
                match tokio::task::spawn_blocking(move || crate::services::web::change_mark(&app)).await {
                    Ok(Ok(mark)) => {
                        tx.send_if_modified(|old| {
                            let changed = *old != mark;
                            *old = mark;
                            changed
                        });
                    }
                    Ok(Err(e)) => tracing::warn!(error = %e, "cannot read the change mark"),
                    Err(e) => tracing::warn!(error = %e, "reading the change mark failed"),
                }
            }
        });
        Changes { tx }
    }
}

/// Waits for the store's announcements on a thread of its own (the wait
/// blocks), waking the reader at each; reconnects after a failure, and ends
/// with the watch. Nothing to do where the store announces nothing.
fn listen(
    app: crate::services::App,
    told: Arc<tokio::sync::Notify>,
    listening: Arc<std::sync::atomic::AtomicBool>,
    alive: std::sync::Weak<watch::Sender<i64>>,
) {
    use std::sync::atomic::Ordering;
    let spawned = std::thread::Builder::new().name("helpdesk-listen".into()).spawn(move || {
        while alive.strong_count() > 0 {
            match crate::services::web::change_listener(&app) {
                Ok(None) => return,
                Ok(Some(mut listener)) => {
                    listening.store(true, Ordering::Relaxed);
                    // Anything missed before listening is read now.
                    told.notify_one();
                    while alive.strong_count() > 0 {
                        match listener.wait(Duration::from_secs(10)) {
                            Ok(true) => told.notify_one(),
                            Ok(false) => {}
                            Err(e) => {
                                tracing::warn!(error = %e, "lost the database's change announcements; reconnecting");
                                break;
                            }
                        }
                    }
                    listening.store(false, Ordering::Relaxed);
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen for the database's change announcements"),
            }
            std::thread::sleep(Duration::from_secs(5));
        }
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start listening for changes; polling instead");
    }
}

/// The event stream of a signed-in page. It ends after [`STREAM_LIFE`] and
/// when the process stops; the page reconnects by itself either way.
pub async fn stream(State(web): State<Web>, _who: SignedIn) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut rx = web.changes.tx.subscribe();
    rx.mark_unchanged();
    let deadline = tokio::time::Instant::now() + STREAM_LIFE;
    let stopping = web.stopping.clone();
    let events = futures_util::stream::unfold((rx, deadline, stopping), |(mut rx, deadline, stopping)| async move {
        let changed = tokio::select! {
            c = tokio::time::timeout_at(deadline, rx.changed()) => c,
            _ = stopping.cancelled() => return None,
        };
        match changed {
            Ok(Ok(())) => {
                let mark = *rx.borrow_and_update();
                Some((Ok(Event::default().event("changed").data(mark.to_string())), (rx, deadline, stopping)))
            }
            _ => None,
        }
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
