//! The role matrix of the web panel of the real `helpdesk serve`: every page
//! and every action for every kind of person (signed out, an employee, the
//! author's colleague, a storekeeper, two support staff, an administrator, a
//! super administrator, a blocked person), each allowed or refused exactly
//! as `authorize` says; a refused action changes nothing; forged posts are
//! refused; a demoted administrator loses the pages at the next request.

mod support;

use helpdesk::domain::permissions::{Principal, RequestFacts, authorize};
use helpdesk::domain::{Kind, Permission, Priority, Role, Status};
use helpdesk::services::{Actor, App, directory, requests};
use support::fake_telegram::FakeTelegram;
use support::web::{Panel, csrf_of};
use support::{ADMIN, STOREKEEPER, SUPPORT, SUPPORT_2, Workdir};

const AUTHOR: i64 = 555_000_701;
const COLLEAGUE: i64 = 555_000_702;
const SUPER: i64 = 555_000_703;
const BLOCKED: i64 = 555_000_704;

/// A person of the matrix: who, and the role `authorize` sees (none when signed out).
struct Who {
    name: &'static str,
    id: Option<i64>,
    principal: Option<Principal>,
}

fn people() -> Vec<Who> {
    let user = |id, role| Some(Principal::User { id, role, blocked: false });
    vec![
        Who { name: "signed out", id: None, principal: None },
        Who { name: "employee (author)", id: Some(AUTHOR), principal: user(AUTHOR, Role::User) },
        Who { name: "employee (colleague)", id: Some(COLLEAGUE), principal: user(COLLEAGUE, Role::User) },
        Who { name: "storekeeper", id: Some(STOREKEEPER), principal: user(STOREKEEPER, Role::Storekeeper) },
        Who { name: "support (assignee)", id: Some(SUPPORT), principal: user(SUPPORT, Role::Support) },
        Who { name: "support (other)", id: Some(SUPPORT_2), principal: user(SUPPORT_2, Role::Support) },
        Who { name: "admin", id: Some(ADMIN), principal: user(ADMIN, Role::Admin) },
        Who { name: "super admin", id: Some(SUPER), principal: user(SUPER, Role::SuperAdmin) },
        Who {
            name: "blocked",
            id: Some(BLOCKED),
            principal: Some(Principal::User { id: BLOCKED, role: Role::User, blocked: true }),
        },
    ]
}

fn add(app: &App, id: i64, name: &str) {
    support::add_person(app, id, name, "HQ");
}

fn file(app: &App, kind: Kind) -> i64 {
    support::file_request(app, AUTHOR, kind, None, Priority::Medium, "Не работает")
}

fn operator() -> Actor {
    Actor::Operator("t".into())
}

/// The one who handles `kind` in the fixtures.
fn handler(kind: Kind) -> Actor {
    Actor::Telegram(if kind == Kind::Cartridge { STOREKEEPER } else { SUPPORT })
}

/// A request of `kind` in the state where `action` can be taken, so that
/// only who takes it decides.
fn ready_for(app: &App, action: &str, kind: Kind) -> i64 {
    let id = file(app, kind);
    match action {
        "complete" | "issue" => {
            requests::accept(app, &handler(kind), id).unwrap();
        }
        "archive" => {
            requests::reject(app, &Actor::Telegram(ADMIN), id, "дубликат").unwrap();
        }
        _ => {}
    }
    id
}

fn permission(action: &str) -> Permission {
    match action {
        "accept" => Permission::AcceptRequest,
        "complete" => Permission::CompleteRequest,
        "reject" => Permission::RejectRequest,
        "cancel" => Permission::CancelRequest,
        "archive" => Permission::ArchiveRequest,
        "issue" => Permission::IssueCartridges,
        _ => unreachable!(),
    }
}

/// What the store says of a request: its status, assignee, whether
/// archived, and how many cartridges were issued on it.
fn state(app: &App, id: i64) -> (Status, Option<i64>, bool, i64) {
    let card = requests::card(app, &operator(), id).unwrap();
    let r = card.request;
    (r.status, r.assignee_id, r.archived_at.is_some(), card.items.iter().map(|i| i.issued_quantity).sum())
}

#[test]
fn every_page_and_action_is_allowed_exactly_as_authorize_says() {
    let w = Workdir::seeded();
    let (app, _) = w.app();
    add(&app, AUTHOR, "Олена Автор");
    add(&app, COLLEAGUE, "Петро Колега");
    add(&app, SUPER, "Головний Адмін");
    add(&app, BLOCKED, "Заблокований");
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[("HELPDESK_SUPER_ADMINS", &SUPER.to_string())]);
    // Everyone signs in; the blocked person is blocked afterwards, with the session open.
    let cookies: Vec<Option<String>> = people().iter().map(|p| p.id.map(|id| panel.sign_in(&w, id))).collect();
    directory::set_blocked(&app, &operator(), BLOCKED, true).unwrap();

    let mut checked = 0;
    // Pages.
    let pages = [
        ("/dashboard", Permission::ViewQueue),
        ("/stock", Permission::ViewStock),
        ("/reports", Permission::ViewReports),
        ("/reports/requests.csv", Permission::ViewReports),
        ("/people", Permission::ManageDirectory),
        ("/requests", Permission::CreateRequest),
        ("/requests/new", Permission::CreateRequest),
        ("/order", Permission::CreateRequest),
        ("/call", Permission::CreateRequest),
        ("/profile", Permission::CreateRequest),
    ];
    for (who, cookie) in people().iter().zip(&cookies) {
        for (path, p) in pages {
            let status = panel.get(path, cookie.as_deref()).status().as_u16();
            let expected = match &who.principal {
                Some(Principal::User { blocked: true, .. }) | None => 303,
                Some(pr) if authorize(pr, p, None).is_ok() => 200,
                Some(_) => 403,
            };
            assert_eq!(status, expected, "{} GET {path}", who.name);
            checked += 1;
        }
    }
    // A card: its author and the staff of its kind see it, nobody else.
    for kind in [Kind::Repair, Kind::Cartridge] {
        let id = file(&app, kind);
        let facts = RequestFacts { kind, author_id: AUTHOR, assignee_id: None };
        for (who, cookie) in people().iter().zip(&cookies) {
            let status = panel.get(&format!("/requests/{id}"), cookie.as_deref()).status().as_u16();
            let expected = match &who.principal {
                Some(Principal::User { blocked: true, .. }) | None => 303,
                Some(pr) if authorize(pr, Permission::ViewRequest, Some(&facts)).is_ok() => 200,
                Some(_) => 404,
            };
            assert!(
                status == expected || (expected == 404 && status == 403),
                "{} GET card of a {kind:?}: {status}, expected {expected}",
                who.name
            );
            checked += 1;
        }
    }

    // Actions: each on a fresh request in the state that allows it.
    let warehouse = directory::warehouses(&app).unwrap().into_iter().find(|x| x.code == "CENTRAL").unwrap().id.0;
    let csrf: Vec<Option<String>> = cookies
        .iter()
        .zip(people())
        .map(|(c, p)| match (c, &p.principal) {
            (Some(c), Some(Principal::User { blocked: false, .. })) => {
                Some(csrf_of(&panel.get("/profile", Some(c)).text().unwrap()))
            }
            _ => None,
        })
        .collect();
    let actions = ["accept", "complete", "reject", "cancel", "archive", "issue"];
    for (i, who) in people().iter().enumerate() {
        for action in actions {
            let kinds: &[Kind] = if action == "issue" { &[Kind::Cartridge] } else { &[Kind::Repair, Kind::Cartridge] };
            for &kind in kinds {
                let id = ready_for(&app, action, kind);
                let before = state(&app, id);
                let facts = RequestFacts { kind, author_id: AUTHOR, assignee_id: before.1 };
                let token = csrf[i].clone().unwrap_or_else(|| "none".into());
                let w_id = warehouse.to_string();
                let form: Vec<(&str, &str)> =
                    vec![("csrf", &token), ("reason", "не наш профиль"), ("warehouse", &w_id)];
                let r = panel.post(&format!("/requests/{id}/{action}"), cookies[i].as_deref(), &form);
                let status = r.status().as_u16();
                let allowed =
                    who.principal.as_ref().is_some_and(|p| authorize(p, permission(action), Some(&facts)).is_ok());
                let after = state(&app, id);
                if allowed {
                    assert_eq!(status, 303, "{} {action} a {kind:?}: {}", who.name, r.text().unwrap_or_default());
                    assert_ne!(after, before, "{} {action} a {kind:?} changed nothing", who.name);
                } else {
                    assert!(
                        matches!(status, 400 | 401 | 403 | 404),
                        "{} {action} a {kind:?}: {status}, expected a refusal",
                        who.name
                    );
                    assert_eq!(after, before, "{} {action} a {kind:?}: refused, yet changed", who.name);
                }
                checked += 1;
            }
        }
    }

    // People: adding a plain user is for administrators, changing a role for super administrators.
    for (i, who) in people().iter().enumerate() {
        let token = csrf[i].clone().unwrap_or_else(|| "none".into());
        let new_id = 555_100_000 + i as i64;
        let r = panel.post(
            "/people",
            cookies[i].as_deref(),
            &[("csrf", &token), ("telegram_id", &new_id.to_string()), ("name", "Новий"), ("role", "user")],
        );
        let allowed = who.principal.as_ref().is_some_and(|p| authorize(p, Permission::ManageDirectory, None).is_ok());
        assert_eq!(r.status() == 303, allowed, "{} adds a person: {}", who.name, r.status());
        assert_eq!(directory::person(&app, new_id).unwrap().is_some(), allowed, "{}", who.name);
        let r = panel.post(
            &format!("/people/{COLLEAGUE}/role"),
            cookies[i].as_deref(),
            &[("csrf", &token), ("role", "support")],
        );
        let allowed = who.principal.as_ref().is_some_and(|p| authorize(p, Permission::ManageStaff, None).is_ok());
        assert_eq!(r.status() == 303, allowed, "{} changes a role: {}", who.name, r.status());
        if allowed {
            directory::set_role(&app, &operator(), COLLEAGUE, Role::User).unwrap();
        }
        assert_eq!(directory::person(&app, COLLEAGUE).unwrap().unwrap().role, Role::User, "{}", who.name);
        checked += 2;
    }
    assert!(checked > 150, "{checked}");
}

#[test]
fn forged_posts_are_refused_and_a_demoted_admin_loses_the_pages_at_once() {
    let w = Workdir::seeded();
    let (app, _) = w.app();
    add(&app, AUTHOR, "Олена Автор");
    add(&app, COLLEAGUE, "Петро Колега");
    let fake = FakeTelegram::start();
    let panel = Panel::start(&w, &fake, &[]);
    let author = panel.sign_in(&w, AUTHOR);
    let colleague = panel.sign_in(&w, COLLEAGUE);
    let admin = panel.sign_in(&w, ADMIN);
    let id = file(&app, Kind::Repair);
    let author_csrf = csrf_of(&panel.get("/profile", Some(&author)).text().unwrap());
    let colleague_csrf = csrf_of(&panel.get("/profile", Some(&colleague)).text().unwrap());
    // The colleague cancels the author's request with a well-formed post of their own: refused.
    let r = panel.post(&format!("/requests/{id}/cancel"), Some(&colleague), &[("csrf", &colleague_csrf)]);
    assert!(matches!(r.status().as_u16(), 403 | 404), "{}", r.status());
    // With the author's token but the colleague's session: refused.
    let r = panel.post(&format!("/requests/{id}/cancel"), Some(&colleague), &[("csrf", &author_csrf)]);
    assert_eq!(r.status(), 400);
    // The author's session, without a token, or from another site: refused.
    let r = panel.post(&format!("/requests/{id}/cancel"), Some(&author), &[]);
    assert!(r.status().is_client_error());
    let r = panel.post_from(
        &format!("/requests/{id}/cancel"),
        Some(&author),
        &[("csrf", &author_csrf)],
        Some("https://evil.example"),
    );
    assert_eq!(r.status(), 400);
    assert_eq!(state(&app, id).0, Status::New, "nothing forged went through");
    // The author, properly: done.
    let r = panel.post(&format!("/requests/{id}/cancel"), Some(&author), &[("csrf", &author_csrf)]);
    assert_eq!(r.status(), 303);
    assert_eq!(state(&app, id).0, Status::Cancelled);

    // A demoted admin: the admin pages go at the next request, the bar with them.
    for path in ["/people", "/reports", "/stock", "/dashboard"] {
        assert_eq!(panel.get(path, Some(&admin)).status(), 200, "{path}");
    }
    directory::set_role(&app, &operator(), ADMIN, Role::User).unwrap();
    for path in ["/people", "/reports", "/stock", "/dashboard"] {
        assert_eq!(panel.get(path, Some(&admin)).status(), 403, "{path} after the demotion");
    }
    let page = panel.get("/requests", Some(&admin)).text().unwrap();
    assert!(!page.contains("href=\"/people\"") && !page.contains("href=\"/dashboard\""), "the bar follows the role");
    let admin_csrf = csrf_of(&page);
    let r = panel.post(
        "/people",
        Some(&admin),
        &[("csrf", &admin_csrf), ("telegram_id", "555100999"), ("name", "Ні"), ("role", "user")],
    );
    assert_eq!(r.status(), 403);
    assert!(directory::person(&app, 555_100_999).unwrap().is_none());
}
