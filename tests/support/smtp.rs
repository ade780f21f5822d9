//! A small SMTP server for tests, on 127.0.0.1: it speaks enough of the
//! protocol for a real client (lettre) to deliver to it over a socket
//! (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT), records every
//! message, and can answer "451 try later" to test retries.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One delivered message.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body as sent (dot-unstuffed).
    pub data: String,
    /// The decoded `user\0password` or `user:password`, if the client authenticated.
    pub auth: Option<String>,
}

impl Mail {
    /// The value of a header (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let mut lines = self.data.lines().peekable();
        while let Some(line) = lines.next() {
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                let mut value = v.trim().to_string();
                while let Some(next) = lines.peek() {
                    if next.starts_with(' ') || next.starts_with('\t') {
                        value.push(' ');
                        value.push_str(next.trim());
                        lines.next();
                    } else {
                        break;
                    }
                }
                return Some(value);
            }
        }
        None
    }
}

pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    fail_next: Arc<AtomicUsize>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let fail_next = Arc::new(AtomicUsize::new(0));
        let (m, f) = (mails.clone(), fail_next.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (m, f) = (m.clone(), f.clone());
                std::thread::spawn(move || {
                    let _ = session(stream, &m, &f);
                });
            }
        });
        SmtpSink { port, mails, fail_next }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// The next `n` messages are refused with a temporary error (451) at MAIL FROM.
    pub fn fail_next(&self, n: usize) {
        self.fail_next.store(n, Ordering::SeqCst);
    }

    pub fn wait_for(&self, count: usize, timeout: Duration) -> bool {
        let start = Instant::now();
        while self.mails().len() < count {
            if start.elapsed() > timeout {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        true
    }
}

fn session(stream: TcpStream, mails: &Mutex<Vec<Mail>>, fail_next: &AtomicUsize) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    let mut say = |text: &str| -> std::io::Result<()> { out.write_all(format!("{text}\r\n").as_bytes()) };
    say("220 sink.test ESMTP helpdesk test sink")?;
    let mut mail = Mail::default();
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            say("250-sink.test")?;
            say("250-AUTH PLAIN LOGIN")?;
            say("250-8BITMIME")?;
            say("250 SMTPUTF8")?;
        } else if upper.starts_with("HELO") {
            say("250 sink.test")?;
        } else if upper.starts_with("AUTH PLAIN") {
            let arg = cmd[10..].trim().to_string();
            let arg = if arg.is_empty() {
                say("334 ")?;
                line.clear();
                input.read_line(&mut line)?;
                line.trim().to_string()
            } else {
                arg
            };
            mail.auth = Some(decode(&arg).replace('\0', "|"));
            say("235 2.7.0 Authentication successful")?;
        } else if upper.starts_with("AUTH LOGIN") {
            say("334 VXNlcm5hbWU6")?;
            line.clear();
            input.read_line(&mut line)?;
            let user = decode(line.trim());
            say("334 UGFzc3dvcmQ6")?;
            line.clear();
            input.read_line(&mut line)?;
            mail.auth = Some(format!("{user}:{}", decode(line.trim())));
            say("235 2.7.0 Authentication successful")?;
        } else if upper.starts_with("MAIL FROM:") {
            if fail_next.load(Ordering::SeqCst) > 0 {
                fail_next.fetch_sub(1, Ordering::SeqCst);
                say("451 4.3.0 Try again later")?;
                continue;
            }
            mail.from = address(&cmd[10..]);
            mail.to.clear();
            say("250 2.1.0 OK")?;
        } else if upper.starts_with("RCPT TO:") {
            mail.to.push(address(&cmd[8..]));
            say("250 2.1.5 OK")?;
        } else if upper == "DATA" {
            say("354 End data with <CR><LF>.<CR><LF>")?;
            let mut data = String::new();
            loop {
                line.clear();
                if input.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                let l = line.trim_end_matches(['\r', '\n']);
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(l));
                data.push('\n');
            }
            mail.data = data;
            mails.lock().unwrap().push(mail.clone());
            say("250 2.0.0 OK queued")?;
        } else if upper == "RSET" {
            mail = Mail { auth: mail.auth.take(), ..Default::default() };
            say("250 2.0.0 OK")?;
        } else if upper == "NOOP" {
            say("250 2.0.0 OK")?;
        } else if upper == "QUIT" {
            say("221 2.0.0 Bye")?;
            return Ok(());
        } else {
            say("502 5.5.2 Command not recognized")?;
        }
    }
}

fn address(arg: &str) -> String {
    let a = arg.trim();
    let a = a.split_whitespace().next().unwrap_or("");
    a.trim_start_matches('<').trim_end_matches('>').to_string()
}

fn decode(b64: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in b64.bytes().filter(|c| *c != b'=') {
        let Some(v) = ALPHABET.iter().position(|a| *a == c) else { continue };
        bits = (bits << 6) | v as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8_lossy(&out).to_string()
}
