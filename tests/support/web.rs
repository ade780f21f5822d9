//! The real `helpdesk serve` with its web panel on a free port of
//! 127.0.0.1, and a plain HTTP client that follows no redirects and keeps
//! no cookies by itself (tests look at both).

use super::Workdir;
use super::fake_telegram::FakeTelegram;
use super::serve::Serve;
use reqwest::blocking::{Client, Response};
use std::time::{Duration, Instant};

pub struct Panel {
    pub serve: Serve,
    pub base: String,
    pub client: Client,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Panel {
    /// Starts serve with the panel at http://127.0.0.1:PORT (its public URL too).
    pub fn start(w: &Workdir, fake: &FakeTelegram, extra_env: &[(&str, &str)]) -> Panel {
        let log = w.path().join("serve.log");
        // A free port may be taken by another test's serve before ours binds it: ours then
        // exits, and another port is tried. Ours is up when its own log says it listens
        // there (a connection alone could reach the other test's serve).
        for _ in 0..5 {
            let port = free_port();
            let listen = format!("127.0.0.1:{port}");
            let mut env = vec![("HELPDESK_WEB_LISTEN", listen.as_str())];
            env.extend_from_slice(extra_env);
            let mut serve = Serve::start_logging_to(w, fake, &env, &log);
            let up = format!("(listening on {listen})");
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if std::fs::read_to_string(&log).unwrap_or_default().contains(&up) {
                    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
                    return Panel { serve, base: format!("http://{listen}"), client };
                }
                if serve.exited() {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the web panel did not start: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("the web panel found no free port: {}", std::fs::read_to_string(&log).unwrap_or_default());
    }

    /// Signs `id` in with a one-time link from `helpdesk web login-link`;
    /// the session cookie (`name=value`).
    pub fn sign_in(&self, w: &Workdir, id: i64) -> String {
        let out = w
            .cmd()
            .args(["web", "login-link", &id.to_string()])
            .env("HELPDESK_WEB_LISTEN", self.base.trim_start_matches("http://"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let url = String::from_utf8_lossy(&out.stdout).lines().next().unwrap().to_string();
        let r = self.post(&url, None, &[]);
        assert_eq!(r.status(), 303);
        set_cookie(&r, "helpdesk_session").unwrap().split(';').next().unwrap().to_string()
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_string() } else { format!("{}{path}", self.base) }
    }

    /// GET with an optional session cookie.
    pub fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut r = self.client.get(self.url(path));
        if let Some(c) = cookie {
            r = r.header("Cookie", c);
        }
        r.send().unwrap()
    }

    /// A form POST as a browser sends it from our own page (Origin set), with an optional cookie.
    pub fn post(&self, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Response {
        self.post_from(path, cookie, form, Some(&self.base))
    }

    /// A form POST with the Origin header given (or none).
    pub fn post_from(&self, path: &str, cookie: Option<&str>, form: &[(&str, &str)], origin: Option<&str>) -> Response {
        let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let mut r =
            self.client.post(self.url(path)).header("Content-Type", "application/x-www-form-urlencoded").body(body);
        if let Some(o) = origin {
            r = r.header("Origin", o);
        }
        if let Some(c) = cookie {
            r = r.header("Cookie", c);
        }
        r.send().unwrap()
    }
}

/// The `name=value` part of the response's Set-Cookie for `name`, if any.
pub fn set_cookie(r: &Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(String::from)
}

/// The hidden CSRF field's value in a page.
pub fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form with a csrf field");
    let rest = &page[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// The number on a page's tile whose label is `label`.
pub fn tile(page: &str, label: &str) -> u64 {
    let at = page.find(&format!("<div class=\"l\">{label}")).unwrap_or_else(|| panic!("no tile {label}: {page}"));
    let n = page[..at].rfind("<div class=\"n\">").unwrap() + "<div class=\"n\">".len();
    page[n..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

/// Launch data as Telegram builds it: the fields, and `hash`, the HMAC-SHA-256
/// of the data-check-string keyed with HMAC-SHA-256("WebAppData", token).
pub fn mini_app_init_data(token: &str, id: i64, auth_date: i64, start_param: Option<&str>) -> String {
    let user = serde_json::json!({
        "id": id, "first_name": "Оксана", "last_name": "Мельник", "username": "oksana_m", "language_code": "uk"
    })
    .to_string();
    let mut fields = vec![
        ("auth_date".to_string(), auth_date.to_string()),
        ("query_id".to_string(), "AAHdF6IQAAAAAN0XohDhrOrc".to_string()),
        ("user".to_string(), user),
    ];
    if let Some(p) = start_param {
        fields.push(("start_param".into(), p.into()));
    }
    fields.sort();
    let check: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    use hmac::{KeyInit, Mac};
    let mut key = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"WebAppData").unwrap();
    key.update(token.as_bytes());
    let key = key.finalize().into_bytes();
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    mac.update(check.join("\n").as_bytes());
    let hash: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    fields.push(("hash".into(), hash));
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish()
}
