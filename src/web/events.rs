//! `GET /events`: server-sent events telling open pages that the help desk
//! changed, so a list or a dashboard fetches itself again. One task per
//! process polls the store's change mark (the newest audit record's id) once
//! a second while anyone listens; a change made by any process, another
//! `serve` instance or a cron job included, reaches every open page within
//! about a second.

use super::Web;
use super::session::SignedIn;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the mark is read while pages listen.
const POLL: Duration = Duration::from_secs(1);
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
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(POLL).await;
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

/// The event stream of a signed-in page.
pub async fn stream(State(web): State<Web>, _who: SignedIn) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut rx = web.changes.tx.subscribe();
    rx.mark_unchanged();
    let deadline = tokio::time::Instant::now() + STREAM_LIFE;
    let events = futures_util::stream::unfold((rx, deadline), |(mut rx, deadline)| async move {
        let changed = tokio::time::timeout_at(deadline, rx.changed()).await;
        match changed {
            Ok(Ok(())) => {
                let mark = *rx.borrow_and_update();
                Some((Ok(Event::default().event("changed").data(mark.to_string())), (rx, deadline)))
            }
            _ => None,
        }
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
