//! The web panel's sign-in links and sessions over months of a controlled
//! clock: links last ten minutes and work once, sessions end when idle or
//! old, and a demotion shows at the next request. On the store of the run
//! (SQLite, or PostgreSQL in the second pass).

mod support;

use chrono::Duration;
use helpdesk::config::Settings;
use helpdesk::domain::Role;
use helpdesk::services::{Actor, directory, web};
use support::{ADMIN, SUPPORT, TestDb};

fn db() -> TestDb {
    let mut settings = Settings::defaults();
    settings.web.listen = Some("127.0.0.1:8080".parse().unwrap());
    settings.web.session_idle = std::time::Duration::from_secs(8 * 3600);
    settings.web.session_max = std::time::Duration::from_secs(7 * 86_400);
    TestDb::with_settings(settings)
}

fn token_of(link: &web::LoginLink) -> String {
    link.url.rsplit('/').next().unwrap().to_string()
}

#[test]
fn a_link_lasts_ten_minutes_and_works_once_however_many_try_at_once() {
    let db = db();
    let op = Actor::Operator("t".into());
    let link = web::login_link(&db.app, &op, SUPPORT).unwrap();
    assert!(link.url.starts_with("http://127.0.0.1:8080/login/link/"));
    assert_eq!(link.expires_at - db.app.now(), Duration::minutes(10));
    db.clock.advance(Duration::minutes(10));
    assert!(web::link_owner(&db.app, &token_of(&link)).is_err(), "expired");
    assert!(web::sign_in_with_link(&db.app, &token_of(&link), None).is_err());

    let link = web::login_link(&db.app, &op, SUPPORT).unwrap();
    let token = token_of(&link);
    let wins = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4).map(|_| s.spawn(|| web::sign_in_with_link(&db.app, &token, None).is_ok())).collect();
        hs.into_iter().map(|h| h.join().unwrap()).filter(|ok| *ok).count()
    });
    assert_eq!(wins, 1, "one sign-in per link");

    // Someone asks only for their own link; a sysadmin for anyone's.
    assert!(web::login_link(&db.app, &Actor::Telegram(ADMIN), SUPPORT).is_err());
    assert!(web::login_link(&db.app, &Actor::Telegram(SUPPORT), SUPPORT).is_ok());
}

#[test]
fn sessions_end_when_idle_or_old_and_roles_are_read_on_every_request() {
    let db = db();
    let op = Actor::Operator("t".into());
    let signed =
        web::sign_in_with_link(&db.app, &token_of(&web::login_link(&db.app, &op, ADMIN).unwrap()), Some("UA")).unwrap();
    let viewer = web::viewer(&db.app, &signed.cookie).unwrap().expect("signed in");
    assert_eq!(viewer.role, Role::Admin);
    assert!(web::viewer(&db.app, "not-the-cookie").unwrap().is_none());

    // Used every seven hours: still in; unused for eight: out.
    for _ in 0..3 {
        db.clock.advance(Duration::hours(7));
        assert!(web::viewer(&db.app, &signed.cookie).unwrap().is_some());
    }
    db.clock.advance(Duration::hours(8));
    assert!(web::viewer(&db.app, &signed.cookie).unwrap().is_none(), "idle too long");

    // However busy, a week after signing in it ends: used every six hours,
    // it is still in an hour before the week is up, and out when it is.
    let signed =
        web::sign_in_with_link(&db.app, &token_of(&web::login_link(&db.app, &op, ADMIN).unwrap()), None).unwrap();
    let signed_in_at = db.app.now();
    assert_eq!(signed.session.created_at, signed_in_at);
    assert_eq!(signed.session.expires_at - signed.session.created_at, Duration::days(7));
    while db.app.now() + Duration::hours(6) < signed_in_at + Duration::hours(167) {
        db.clock.advance(Duration::hours(6));
        assert!(web::viewer(&db.app, &signed.cookie).unwrap().is_some(), "in at {}", db.app.now() - signed_in_at);
    }
    db.clock.set(signed_in_at + Duration::hours(167));
    assert!(web::viewer(&db.app, &signed.cookie).unwrap().is_some(), "still in an hour before the week is up");
    db.clock.set(signed_in_at + Duration::hours(168));
    assert!(web::viewer(&db.app, &signed.cookie).unwrap().is_none(), "a week is the most");

    // A demotion shows at the next request, without signing in again.
    let signed =
        web::sign_in_with_link(&db.app, &token_of(&web::login_link(&db.app, &op, SUPPORT).unwrap()), None).unwrap();
    assert_eq!(web::viewer(&db.app, &signed.cookie).unwrap().unwrap().role, Role::Support);
    directory::set_role(&db.app, &op, SUPPORT, Role::User).unwrap();
    assert_eq!(web::viewer(&db.app, &signed.cookie).unwrap().unwrap().role, Role::User);
}
