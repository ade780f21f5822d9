//! `helpdesk serve` stops when asked: SIGTERM with fifty signed-in pages
//! holding their event streams and twenty clients that sent half a request
//! ends the process with exit code 0 within the shutdown grace, a new serve
//! starts at once on the same database, and an update Telegram had from the
//! bot's last poll is handled once. Slow clients cannot hold connections:
//! one that does not finish its headers, or idles, is closed.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use support::fake_telegram::{FakeTelegram, TgUser};
use support::web::Panel;
use support::{ADMIN, Workdir};

const WAIT: Duration = Duration::from_secs(15);

/// Sends `head` and reads the response's head (up to the blank line).
fn open(addr: &str, head: &str) -> (TcpStream, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut byte).unwrap(), 1, "the connection closed mid-head: {}", String::from_utf8_lossy(&got));
        got.push(byte[0]);
    }
    (s, String::from_utf8_lossy(&got).into_owned())
}

/// Reads until the peer closes; how long that took. Fails if it stays open past [`WAIT`].
fn closed_after(s: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return started.elapsed(),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return started.elapsed(),
            Err(e) => panic!("the connection stayed open ({e}) after {:?}", started.elapsed()),
        }
    }
}

#[test]
fn sigterm_with_event_streams_and_half_sent_requests_open_exits_0_within_the_grace_and_loses_nothing() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    // A long header timeout: the half-sent requests are not closed by it, but by the shutdown.
    let env = [("HELPDESK_SHUTDOWN_GRACE", "10s"), ("HELPDESK_WEB_HEADER_TIMEOUT", "120s")];
    let mut panel = Panel::start(&w, &fake, &env);
    let cookie = panel.sign_in(&w, ADMIN);
    let addr = panel.base.trim_start_matches("http://").to_string();
    assert!(fake.wait_until(WAIT, |calls| calls.iter().any(|c| c.method == "getMe")), "the bot never started");

    let mut streams: Vec<TcpStream> = (0..50)
        .map(|_| {
            let (s, head) = open(
                &addr,
                &format!(
                    "GET /events HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n"
                ),
            );
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            assert!(head.to_ascii_lowercase().contains("content-type: text/event-stream"), "{head}");
            s
        })
        .collect();
    let mut half_sent: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.set_read_timeout(Some(WAIT)).unwrap();
            s.write_all(format!("GET /dashboard HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n").as_bytes()).unwrap();
            s
        })
        .collect();
    // A message the bot has taken from Telegram (confirmed by its next poll)
    // just before the signal: handled by this serve or the next, once.
    let newcomer = TgUser::new(555_300_001, "Ірина", "uk");
    let update = fake.push_text(&newcomer, "/start");
    assert!(fake.wait_confirmed(update, WAIT), "the bot does not poll");

    let asked = Instant::now();
    panel.serve.signal("-TERM");
    let code = panel.serve.wait_within(Duration::from_secs(11));
    let took = asked.elapsed();
    let log = std::fs::read_to_string(w.path().join("serve.log")).unwrap();
    assert_eq!(code, Some(Some(0)), "serve did not exit 0 within the grace and a second ({took:?}): {log}");
    assert!(log.contains("helpdesk: stopping") && log.contains("helpdesk: stopped"), "{log}");
    assert!(!log.contains("not everything finished"), "something waited for the grace: {log}");
    // Every stream ended and every half-sent request's connection is closed.
    for s in streams.iter_mut().chain(half_sent.iter_mut()) {
        closed_after(s);
    }

    // A new serve takes over at once: the lock and what the first held are given back.
    let again = Instant::now();
    let panel = Panel::start(&w, &fake, &env);
    assert!(again.elapsed() < Duration::from_secs(10), "the second serve took {:?}", again.elapsed());
    assert_eq!(panel.get("/readyz", None).status(), 200);
    let heard = Instant::now();
    while fake.texts_to(newcomer.id).is_empty() {
        assert!(heard.elapsed() < WAIT, "the newcomer heard nothing");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_secs(2));
    let texts = fake.texts_to(newcomer.id);
    assert_eq!(texts.iter().filter(|t| **t == texts[0]).count(), 1, "handled twice: {texts:#?}");
}

#[test]
fn a_client_that_does_not_finish_its_headers_or_idles_is_closed_while_serve_runs() {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[("HELPDESK_WEB_HEADER_TIMEOUT", "2s")]);
    let addr = panel.base.trim_start_matches("http://").to_string();

    let mut slow = TcpStream::connect(&addr).unwrap();
    slow.set_read_timeout(Some(WAIT)).unwrap();
    slow.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n").as_bytes()).unwrap();
    let took = closed_after(&mut slow);
    assert!(took >= Duration::from_millis(1500) && took < Duration::from_secs(5), "closed after {took:?}");

    // A keep-alive connection: one answer, then idle until closed.
    let (mut idle, head) = open(&addr, &format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n"));
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let took = closed_after(&mut idle);
    assert!(took < Duration::from_secs(5), "an idle connection stayed {took:?}");

    // The server still answers.
    assert_eq!(panel.get("/healthz", None).status(), 200);
}
