//! The HTTP server under the panel's routes: accepts connections, gives
//! each a bounded time to send its headers (and to idle between requests),
//! and stops when told: no more connections are accepted, connections with
//! no request in hand are closed at once, requests in hand finish (the event
//! streams end by themselves, see `events`), and whatever is left when the
//! grace runs out is dropped.
//!
//! Not here: routes or what they answer (`router`), and the decision when to
//! stop (`serve` owns the shutdown).

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Serves `routes` on `listener` until `stop` is cancelled, then for at most
/// `grace` while requests in hand finish. `header_timeout` bounds both the
/// wait for a request's headers and a keep-alive connection's idle time.
pub async fn run(
    listener: TcpListener,
    routes: Router,
    stop: CancellationToken,
    header_timeout: Duration,
    grace: Duration,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(header_timeout).keep_alive(true);
    let http = Arc::new(http);
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            _ = stop.cancelled() => break,
        };
        let (socket, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors and the like: pause rather than spin.
                tracing::warn!(error = %e, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        connections.spawn(connection(socket, peer, routes.clone(), http.clone(), stop.clone()));
    }
    drop(listener);
    let left = connections.len();
    if left > 0 {
        tracing::debug!(connections = left, "finishing the requests in hand");
    }
    let drained = tokio::time::timeout(grace, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(
            connections = connections.len(),
            "requests still unfinished after the shutdown grace; closing their connections"
        );
        connections.abort_all();
    }
}

/// One connection: its requests, each with the peer's address (for
/// `ConnectInfo`), until it closes or the server stops.
async fn connection(
    socket: tokio::net::TcpStream,
    peer: SocketAddr,
    routes: Router,
    http: Arc<hyper::server::conn::http1::Builder>,
    stop: CancellationToken,
) {
    // Whether a request has come on this connection: one that never sent
    // its headers is closed at once when the server stops.
    let asked = Arc::new(AtomicBool::new(false));
    let service = {
        let asked = asked.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            asked.store(true, Ordering::Relaxed);
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            tower::Service::call(&mut routes.clone(), request)
        })
    };
    let conn = http.serve_connection(TokioIo::new(socket), service);
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(%peer, error = %e, "connection ended");
            }
            return;
        }
        _ = stop.cancelled() => {}
    }
    if !asked.load(Ordering::Relaxed) {
        return;
    }
    // Finishes the response in hand (if any), then closes.
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}
