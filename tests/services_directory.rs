//! People and staff through the services: what a super admin may change,
//! checked by the service itself, whatever a front end let through.

mod support;

use helpdesk::domain::{Refusal, Role};
use helpdesk::services::directory;
use helpdesk::services::{Actor, Error};
use support::{ADMIN, SUPPORT, TestDb};

const BOSS: i64 = 555_000_900;
const OTHER_SUPER: i64 = 555_000_901;

fn setup() -> TestDb {
    let mut settings = helpdesk::config::Settings::defaults();
    settings.super_admins = vec![BOSS, OTHER_SUPER];
    TestDb::with_settings(settings)
}

/// Super admins come from the configuration: making someone one through the
/// app is refused by the service (the bot's button decoder refused it too,
/// but the service must not rely on a front end for that).
#[test]
fn nobody_is_made_a_super_admin_through_the_app() {
    let db = setup();
    let boss = Actor::Telegram(BOSS);
    for target in [SUPPORT, 555_000_902] {
        let refused = directory::make_staff(&db.app, &boss, target, Role::SuperAdmin);
        assert!(matches!(refused, Err(Error::Refused(Refusal::SuperAdminNotAssignable))), "{refused:?}");
    }
    assert_eq!(directory::person(&db.app, SUPPORT).unwrap().unwrap().role, Role::Support);
    assert_eq!(directory::person(&db.app, 555_000_902).unwrap(), None, "nobody added");
    assert_eq!(directory::make_staff(&db.app, &boss, 555_000_902, Role::Admin).unwrap().after.role, Role::Admin);
}

/// The staff list says whom this super admin may remove, by the rule the
/// removal itself checks: not themselves, not a configured super admin.
#[test]
fn the_staff_list_marks_whom_the_removal_would_accept() {
    let db = setup();
    let boss = Actor::Telegram(BOSS);
    for (id, name) in [(BOSS, "Boss"), (OTHER_SUPER, "Other")] {
        let person = directory::NewPerson { telegram_id: id, full_name: name.into(), ..Default::default() };
        directory::add_user(&db.app, &Actor::Operator("t".into()), &person).unwrap();
    }
    let staff = directory::staff_for(&db.app, &boss).unwrap();
    assert!(!staff.is_empty());
    for member in &staff {
        let id = member.person.user.telegram_id;
        let check = directory::check_staff_change(&db.app, &boss, id);
        assert_eq!(member.removable, check.is_ok(), "{id}: {check:?}");
    }
    let removable = |id: i64| staff.iter().find(|m| m.person.user.telegram_id == id).map(|m| m.removable);
    assert_eq!((removable(ADMIN), removable(BOSS), removable(OTHER_SUPER)), (Some(true), Some(false), Some(false)));
    assert!(matches!(directory::staff_for(&db.app, &Actor::Telegram(ADMIN)), Err(Error::Denied(_))));
    assert!(matches!(directory::check_staff_change(&db.app, &Actor::Telegram(ADMIN), SUPPORT), Err(Error::Denied(_))));
}
