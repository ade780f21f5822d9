//! 1C's exchange with a site, played over HTTP against the real `helpdesk
//! serve` as 1C:Enterprise plays it: checkauth with Basic auth, init, the
//! files posted in pieces no larger than the file_limit answered, import
//! until success; stock equals the balances; the same files again change
//! nothing; and what must be refused is, with nothing written outside the
//! upload and no stock changed.

mod support;

use base64::Engine;
use std::collections::BTreeMap;
use std::path::Path;
use support::Workdir;
use support::fake_telegram::FakeTelegram;
use support::web::Panel;

const USER: &str = "1c-exchange";
const PASSWORD: &str = "s3cret-Пароль";
const FILE_LIMIT: usize = 4096;

fn stock(w: &Workdir) -> BTreeMap<(String, String), i64> {
    support::stock_levels(&w.app().0)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/1c").join(name)).unwrap()
}

struct OneC<'a> {
    panel: &'a Panel,
    cookie: Option<String>,
}

impl OneC<'_> {
    fn call(&self, query: &str, body: Option<Vec<u8>>, auth: Option<(&str, &str)>) -> Vec<String> {
        let url = self.panel.url(&format!("/1c/exchange?{query}"));
        let mut r = match &body {
            Some(_) => self.panel.client.post(url),
            None => self.panel.client.get(url),
        };
        if let Some((u, p)) = auth {
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
            r = r.header("Authorization", format!("Basic {basic}"));
        }
        if let Some(c) = &self.cookie {
            r = r.header("Cookie", c);
        }
        if let Some(b) = body {
            r = r.body(b);
        }
        let r = r.send().unwrap();
        assert_eq!(r.status(), 200, "1C reads the answer's text, not its status");
        r.text().unwrap().lines().map(String::from).collect()
    }

    fn sign_in(&mut self, user: &str, password: &str) -> Vec<String> {
        let answer = self.call("type=catalog&mode=checkauth", None, Some((user, password)));
        if answer[0] == "success" {
            self.cookie = Some(format!("{}={}", answer[1], answer[2]));
        }
        answer
    }

    /// Posts a file in pieces no larger than `limit`, as 1C does.
    fn upload(&self, name: &str, bytes: &[u8], limit: usize) {
        for piece in bytes.chunks(limit) {
            let answer = self.call(&format!("type=catalog&mode=file&filename={name}"), Some(piece.to_vec()), None);
            assert_eq!(answer, ["success"], "{name}");
        }
    }
}

fn start() -> (Workdir, FakeTelegram, Panel) {
    let w = Workdir::seeded();
    let fake = FakeTelegram::start();
    let tmp = w.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let panel = Panel::start(
        &w,
        &fake,
        &[
            ("HELPDESK_ONEC_EXCHANGE_USER", USER),
            ("HELPDESK_ONEC_EXCHANGE_PASSWORD", PASSWORD),
            ("HELPDESK_ONEC_FILE_LIMIT", &FILE_LIMIT.to_string()),
            ("TMPDIR", tmp.to_str().unwrap()),
        ],
    );
    (w, fake, panel)
}

#[test]
fn one_c_uploads_its_catalog_and_balances_in_pieces_and_stock_follows() {
    let (w, _fake, panel) = start();
    let before = stock(&w);
    let mut onec = OneC { panel: &panel, cookie: None };
    let answer = onec.sign_in(USER, PASSWORD);
    assert_eq!(answer.len(), 3, "{answer:?}");
    assert_eq!(answer[0], "success");
    let answer = onec.call("type=catalog&mode=init", None, None);
    assert_eq!(answer[0], "zip=no");
    let limit: usize = answer[1].strip_prefix("file_limit=").unwrap().parse().unwrap();
    assert_eq!(limit, FILE_LIMIT);
    let (import, offers) = (fixture("import.xml"), fixture("offers-2.08.xml"));
    assert!(offers.len() > 2 * limit, "the test posts offers.xml in several pieces");
    onec.upload("import.xml", &import, limit);
    onec.upload("offers.xml", &offers, limit);
    assert_eq!(onec.call("type=catalog&mode=import&filename=import.xml", None, None), ["success"]);
    assert_eq!(stock(&w), before, "the catalog alone changes no stock");
    assert_eq!(onec.call("type=catalog&mode=import&filename=offers.xml", None, None), ["success"]);
    // The balances of offers.xml, as `helpdesk import-1c` takes them.
    let after = stock(&w);
    assert_eq!(after[&("CF283A".into(), "Центральный склад".into())], 38);
    assert_eq!(after[&("TN-2375".into(), "Центральный склад".into())], 13);
    assert_eq!(before.iter().filter(|(k, v)| after.get(*k) != Some(*v)).count(), 7);
    let logs = w.store().read().unwrap().logs("one_c_import", "1").unwrap();
    assert_eq!(logs[0].actor, "system:1c-exchange");
    assert_eq!(onec.call("type=catalog&mode=complete", None, None), ["success"]);

    // The next exchange brings the same files: recognised, nothing changes.
    let mut again = OneC { panel: &panel, cookie: None };
    assert_eq!(again.sign_in(USER, PASSWORD)[0], "success");
    again.call("type=catalog&mode=init", None, None);
    again.upload("import.xml", &import, limit);
    again.upload("offers.xml", &offers, limit);
    assert_eq!(again.call("type=catalog&mode=import&filename=import.xml", None, None), ["success"]);
    assert_eq!(again.call("type=catalog&mode=import&filename=offers.xml", None, None), ["success"]);
    assert_eq!(stock(&w), after);
    assert_eq!(w.ints("SELECT count(*) FROM one_c_imports"), [1]);
}

#[test]
fn what_1c_must_not_do_is_refused_and_changes_nothing() {
    let (w, _fake, panel) = start();
    let before = stock(&w);
    // A wrong password, no credentials, no session, a session that is not ours.
    let mut onec = OneC { panel: &panel, cookie: None };
    let answer = onec.sign_in(USER, "wrong");
    assert_eq!(answer[0], "failure");
    assert!(answer[1].contains("password"), "{answer:?}");
    assert_eq!(onec.call("type=catalog&mode=checkauth", None, None)[0], "failure");
    assert_eq!(onec.call("type=catalog&mode=init", None, None)[0], "failure", "no cookie");
    onec.cookie = Some("helpdesk_1c=0123456789abcdef".into());
    assert_eq!(onec.call("type=catalog&mode=init", None, None)[0], "failure", "a cookie of no exchange");
    // Signed in: names that climb out, absolute or drive paths are refused.
    assert_eq!(onec.sign_in(USER, PASSWORD)[0], "success");
    onec.call("type=catalog&mode=init", None, None);
    for name in ["../../etc/passwd", "/etc/passwd", "..%2F..%2Fescape.xml", "C:%5Cescape.xml"] {
        let answer = onec.call(&format!("type=catalog&mode=file&filename={name}"), Some(b"x".to_vec()), None);
        assert_eq!(answer[0], "failure", "{name}");
    }
    assert!(!w.path().join("escape.xml").exists() && !w.path().join("tmp/escape.xml").exists());
    // A truncated file: failure with a reason, nothing changed.
    onec.upload("offers.xml", &fixture("bad/offers-truncated.xml"), FILE_LIMIT);
    let answer = onec.call("type=catalog&mode=import&filename=offers.xml", None, None);
    assert_eq!(answer[0], "failure", "{answer:?}");
    assert!(answer.len() == 2 && !answer[1].is_empty());
    // Importing a file that never came.
    assert_eq!(onec.call("type=catalog&mode=import&filename=rests.xml", None, None)[0], "failure");
    assert_eq!(stock(&w), before);
    assert_eq!(w.ints("SELECT count(*) FROM one_c_imports"), [0]);
}
