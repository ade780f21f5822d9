//! Roles and permissions, in one place.
//!
//! [`authorize`] answers "may this actor do this on this request". Callers pass
//! the actor's role as read from the store at the moment of the action (never
//! what a client claimed); super admins are decided from configuration.

use super::{Kind, named_enum};

named_enum! {
    /// What a person may do. `SuperAdmin` is never stored: it comes from
    /// configuration (`HELPDESK_SUPER_ADMINS`) and cannot be granted or taken
    /// away through the app.
    pub enum Role ("role") {
        User = "user",
        Storekeeper = "storekeeper",
        Support = "support",
        Admin = "admin",
        SuperAdmin = "super_admin",
    }
}

impl Role {
    /// Roles that can be stored in the database and set through the app.
    pub const ASSIGNABLE: [Role; 4] = [Role::User, Role::Storekeeper, Role::Support, Role::Admin];

    /// Staff work the queue; users only file and follow their own requests.
    pub fn is_staff(self) -> bool {
        self != Role::User
    }

    /// Whether this role handles requests of this kind: storekeepers take
    /// cartridge orders, support takes repairs, maintenance and IT help,
    /// admins and super admins take everything.
    pub fn handles(self, kind: Kind) -> bool {
        match self {
            Role::User => false,
            Role::Storekeeper => kind == Kind::Cartridge,
            Role::Support => kind != Kind::Cartridge,
            Role::Admin | Role::SuperAdmin => true,
        }
    }
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A sysadmin at the command line or a scheduled job: whoever can open the
    /// database file or server already has every power, so nothing is refused.
    Operator,
    /// A person in Telegram, with the role and blocked flag read from the store now.
    User { id: i64, role: Role, blocked: bool },
}

/// Something that needs permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    CreateRequest,
    ViewRequest,
    CancelRequest,
    /// Answering the question a request waits on: its author's.
    AnswerRequest,
    /// Rating a request once it is done: its author's.
    RateRequest,
    AcceptRequest,
    CompleteRequest,
    RejectRequest,
    IssueCartridges,
    ArchiveRequest,
    ViewQueue,
    ViewStock,
    AnswerCall,
    Broadcast,
    ManageStaff,
    /// Branches, warehouses and plain users.
    ManageDirectory,
    /// The management reports: figures by branch, kind and time, and exports.
    ViewReports,
    /// Moving stock by hand: empties brought in, refills (whoever handles cartridge orders).
    ManageStock,
}

impl Permission {
    pub const ALL: [Permission; 18] = [
        Permission::CreateRequest,
        Permission::ViewRequest,
        Permission::CancelRequest,
        Permission::AnswerRequest,
        Permission::RateRequest,
        Permission::AcceptRequest,
        Permission::CompleteRequest,
        Permission::RejectRequest,
        Permission::IssueCartridges,
        Permission::ArchiveRequest,
        Permission::ViewQueue,
        Permission::ViewStock,
        Permission::AnswerCall,
        Permission::Broadcast,
        Permission::ManageStaff,
        Permission::ManageDirectory,
        Permission::ViewReports,
        Permission::ManageStock,
    ];

    /// Whether the permission is about one particular request.
    pub fn needs_request(self) -> bool {
        matches!(
            self,
            Permission::ViewRequest
                | Permission::CancelRequest
                | Permission::AnswerRequest
                | Permission::RateRequest
                | Permission::AcceptRequest
                | Permission::CompleteRequest
                | Permission::RejectRequest
                | Permission::IssueCartridges
                | Permission::ArchiveRequest
        )
    }
}

/// The facts about a request that permissions depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts {
    pub kind: Kind,
    pub author_id: i64,
    pub assignee_id: Option<i64>,
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("this account is blocked")]
    Blocked,
    #[error("only staff may do this")]
    NotStaff,
    #[error("this role does not handle {0} requests")]
    WrongKind(Kind),
    #[error("only the author of the request may do this")]
    NotAuthor,
    #[error("only the assignee or an administrator may do this")]
    NotAssignee,
    #[error("only administrators may do this")]
    AdminOnly,
    #[error("only super administrators may do this")]
    SuperAdminOnly,
    #[error("this action needs a request")]
    NoRequest,
}

/// May `who` do `what` (on `request`, for the request-level permissions)?
pub fn authorize(who: &Principal, what: Permission, request: Option<&RequestFacts>) -> Result<(), Denied> {
    let (id, role) = match who {
        Principal::Operator => return Ok(()),
        Principal::User { blocked: true, .. } => return Err(Denied::Blocked),
        Principal::User { id, role, .. } => (*id, *role),
    };
    let request = match (what.needs_request(), request) {
        (true, None) => return Err(Denied::NoRequest),
        (_, r) => r,
    };
    let staff_for = |r: &RequestFacts| {
        if !role.is_staff() {
            Err(Denied::NotStaff)
        } else if !role.handles(r.kind) {
            Err(Denied::WrongKind(r.kind))
        } else {
            Ok(())
        }
    };
    let admin = matches!(role, Role::Admin | Role::SuperAdmin);
    match what {
        Permission::CreateRequest => Ok(()),
        Permission::ViewRequest => {
            let r = request.expect("checked above");
            if r.author_id == id { Ok(()) } else { staff_for(r) }
        }
        Permission::CancelRequest | Permission::AnswerRequest | Permission::RateRequest => {
            let r = request.expect("checked above");
            if r.author_id == id { Ok(()) } else { Err(Denied::NotAuthor) }
        }
        // Whether the request can still be accepted is for the lifecycle to say.
        Permission::AcceptRequest => staff_for(request.expect("checked above")),
        Permission::RejectRequest => {
            let r = request.expect("checked above");
            staff_for(r)?;
            match r.assignee_id {
                Some(a) if a != id && !admin => Err(Denied::NotAssignee),
                _ => Ok(()),
            }
        }
        Permission::CompleteRequest => {
            let r = request.expect("checked above");
            staff_for(r)?;
            if r.assignee_id == Some(id) || admin { Ok(()) } else { Err(Denied::NotAssignee) }
        }
        Permission::IssueCartridges => {
            let r = request.expect("checked above");
            staff_for(r)?;
            if r.kind == Kind::Cartridge { Ok(()) } else { Err(Denied::WrongKind(r.kind)) }
        }
        Permission::ArchiveRequest | Permission::Broadcast | Permission::ManageDirectory | Permission::ViewReports => {
            if admin {
                Ok(())
            } else {
                Err(Denied::AdminOnly)
            }
        }
        Permission::ViewQueue | Permission::ViewStock | Permission::AnswerCall => {
            if role.is_staff() {
                Ok(())
            } else {
                Err(Denied::NotStaff)
            }
        }
        Permission::ManageStock => {
            if !role.is_staff() {
                Err(Denied::NotStaff)
            } else if role.handles(Kind::Cartridge) {
                Ok(())
            } else {
                Err(Denied::WrongKind(Kind::Cartridge))
            }
        }
        Permission::ManageStaff => {
            if role == Role::SuperAdmin {
                Ok(())
            } else {
                Err(Denied::SuperAdminOnly)
            }
        }
    }
}

/// The permissions `who` has now that are not about one request: what a
/// front end's menus offer (the queue, stock, broadcasts, staff), each
/// exactly when [`authorize`] allows it.
pub fn granted(who: &Principal) -> Vec<Permission> {
    Permission::ALL.into_iter().filter(|p| !p.needs_request() && authorize(who, *p, None).is_ok()).collect()
}

/// May `who` give `role` to someone they add: a staff role takes managing
/// staff, a plain employee managing the directory. (Changing someone's role
/// afterwards always takes managing staff; super admin is never given.)
pub fn may_give(who: &Principal, role: Role) -> Result<(), Denied> {
    let needed = if role.is_staff() { Permission::ManageStaff } else { Permission::ManageDirectory };
    authorize(who, needed, None)
}

/// The roles `who` may give someone they add (see [`may_give`]), in
/// [`Role::ASSIGNABLE`]'s order: what a form offers.
pub fn roles_to_give(who: &Principal) -> Vec<Role> {
    Role::ASSIGNABLE.into_iter().filter(|r| may_give(who, *r).is_ok()).collect()
}

/// The kinds of request in `who`'s queue: the kinds their role handles
/// (every kind for an operator); none for someone who may not see the queue.
pub fn queue_kinds(who: &Principal) -> Vec<Kind> {
    if authorize(who, Permission::ViewQueue, None).is_err() {
        return Vec::new();
    }
    let handled = |k: &Kind| match who {
        Principal::Operator => true,
        Principal::User { role, .. } => role.handles(*k),
    };
    <Kind as super::Named>::ALL.iter().copied().filter(handled).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Named;

    const ME: i64 = 10;
    const OTHER: i64 = 20;

    fn user(role: Role) -> Principal {
        Principal::User { id: ME, role, blocked: false }
    }
    fn req(kind: Kind, author: i64, assignee: Option<i64>) -> RequestFacts {
        RequestFacts { kind, author_id: author, assignee_id: assignee }
    }

    #[test]
    fn operator_may_do_everything_and_blocked_users_nothing() {
        let r = req(Kind::Repair, OTHER, None);
        for p in Permission::ALL {
            assert_eq!(authorize(&Principal::Operator, p, Some(&r)), Ok(()));
            for role in Role::ALL {
                let blocked = Principal::User { id: ME, role: *role, blocked: true };
                assert_eq!(authorize(&blocked, p, Some(&r)), Err(Denied::Blocked), "{role} {p:?}");
            }
        }
    }

    #[test]
    fn request_permissions_need_a_request() {
        for p in Permission::ALL.into_iter().filter(|p| p.needs_request()) {
            assert_eq!(authorize(&user(Role::Admin), p, None), Err(Denied::NoRequest));
        }
    }

    #[test]
    fn users_file_view_and_cancel_only_their_own() {
        let own = req(Kind::Repair, ME, None);
        let theirs = req(Kind::Repair, OTHER, None);
        let u = user(Role::User);
        assert_eq!(authorize(&u, Permission::CreateRequest, None), Ok(()));
        assert_eq!(authorize(&u, Permission::ViewRequest, Some(&own)), Ok(()));
        assert_eq!(authorize(&u, Permission::CancelRequest, Some(&own)), Ok(()));
        assert_eq!(authorize(&u, Permission::ViewRequest, Some(&theirs)), Err(Denied::NotStaff));
        assert_eq!(authorize(&u, Permission::CancelRequest, Some(&theirs)), Err(Denied::NotAuthor));
        assert_eq!(authorize(&u, Permission::AnswerRequest, Some(&own)), Ok(()));
        assert_eq!(authorize(&u, Permission::AnswerRequest, Some(&theirs)), Err(Denied::NotAuthor));
        assert_eq!(authorize(&user(Role::Admin), Permission::AnswerRequest, Some(&theirs)), Err(Denied::NotAuthor));
        for p in [
            Permission::AcceptRequest,
            Permission::CompleteRequest,
            Permission::RejectRequest,
            Permission::IssueCartridges,
        ] {
            assert_eq!(authorize(&u, p, Some(&own)), Err(Denied::NotStaff), "{p:?}");
        }
        for p in [Permission::ViewQueue, Permission::ViewStock, Permission::AnswerCall] {
            assert_eq!(authorize(&u, p, None), Err(Denied::NotStaff));
        }
        assert_eq!(authorize(&u, Permission::Broadcast, None), Err(Denied::AdminOnly));
        assert_eq!(authorize(&u, Permission::ManageDirectory, None), Err(Denied::AdminOnly));
        assert_eq!(authorize(&u, Permission::ManageStaff, None), Err(Denied::SuperAdminOnly));
    }

    #[test]
    fn staff_handle_their_kinds_only() {
        // (role, kind) -> may accept
        for role in Role::ALL.iter().copied().filter(|r| r.is_staff()) {
            for kind in Kind::ALL.iter().copied() {
                let r = req(kind, OTHER, None);
                let got = authorize(&user(role), Permission::AcceptRequest, Some(&r));
                let expected = match (role, kind) {
                    (Role::Storekeeper, Kind::Cartridge) => true,
                    (Role::Storekeeper, _) => false,
                    (Role::Support, Kind::Cartridge) => false,
                    (Role::Support, _) => true,
                    _ => true,
                };
                assert_eq!(got.is_ok(), expected, "{role} accepting {kind}");
                if !expected {
                    assert_eq!(got, Err(Denied::WrongKind(kind)));
                }
            }
        }
    }

    #[test]
    fn only_the_assignee_or_an_admin_completes() {
        let mine = req(Kind::Repair, OTHER, Some(ME));
        let someone_elses = req(Kind::Repair, OTHER, Some(OTHER));
        let s = user(Role::Support);
        assert_eq!(authorize(&s, Permission::CompleteRequest, Some(&mine)), Ok(()));
        assert_eq!(authorize(&s, Permission::CompleteRequest, Some(&someone_elses)), Err(Denied::NotAssignee));
        assert_eq!(authorize(&s, Permission::RejectRequest, Some(&someone_elses)), Err(Denied::NotAssignee));
        for admin in [Role::Admin, Role::SuperAdmin] {
            assert_eq!(authorize(&user(admin), Permission::CompleteRequest, Some(&someone_elses)), Ok(()));
        }
    }

    #[test]
    fn cartridges_are_issued_on_cartridge_orders_only() {
        let order = req(Kind::Cartridge, OTHER, Some(ME));
        let repair = req(Kind::Repair, OTHER, Some(ME));
        assert_eq!(authorize(&user(Role::Storekeeper), Permission::IssueCartridges, Some(&order)), Ok(()));
        assert_eq!(
            authorize(&user(Role::Admin), Permission::IssueCartridges, Some(&repair)),
            Err(Denied::WrongKind(Kind::Repair))
        );
        assert_eq!(
            authorize(&user(Role::Support), Permission::IssueCartridges, Some(&order)),
            Err(Denied::WrongKind(Kind::Cartridge))
        );
    }

    #[test]
    fn admin_and_super_admin_powers() {
        assert_eq!(authorize(&user(Role::Support), Permission::Broadcast, None), Err(Denied::AdminOnly));
        assert_eq!(authorize(&user(Role::Admin), Permission::Broadcast, None), Ok(()));
        assert_eq!(authorize(&user(Role::Admin), Permission::ManageStaff, None), Err(Denied::SuperAdminOnly));
        assert_eq!(authorize(&user(Role::SuperAdmin), Permission::ManageStaff, None), Ok(()));
        let closed = req(Kind::Repair, OTHER, None);
        assert_eq!(authorize(&user(Role::Support), Permission::ArchiveRequest, Some(&closed)), Err(Denied::AdminOnly));
        assert_eq!(authorize(&user(Role::Admin), Permission::ArchiveRequest, Some(&closed)), Ok(()));
    }

    #[test]
    fn menus_offer_what_authorize_allows_without_a_request() {
        let granted_to = |role| granted(&user(role));
        use Permission::*;
        assert_eq!(granted_to(Role::User), [CreateRequest]);
        assert_eq!(granted_to(Role::Storekeeper), [CreateRequest, ViewQueue, ViewStock, AnswerCall, ManageStock]);
        assert_eq!(granted_to(Role::Support), [CreateRequest, ViewQueue, ViewStock, AnswerCall]);
        assert_eq!(
            granted_to(Role::Admin),
            [CreateRequest, ViewQueue, ViewStock, AnswerCall, Broadcast, ManageDirectory, ViewReports, ManageStock]
        );
        assert_eq!(
            granted_to(Role::SuperAdmin),
            [
                CreateRequest,
                ViewQueue,
                ViewStock,
                AnswerCall,
                Broadcast,
                ManageStaff,
                ManageDirectory,
                ViewReports,
                ManageStock
            ]
        );
        assert!(granted(&Principal::User { id: ME, role: Role::SuperAdmin, blocked: true }).is_empty());
        // Exactly what authorize says, for every principal.
        for who in principals() {
            for p in Permission::ALL.into_iter().filter(|p| !p.needs_request()) {
                assert_eq!(granted(&who).contains(&p), authorize(&who, p, None).is_ok(), "{who:?} {p:?}");
            }
        }
    }

    #[test]
    fn the_queue_holds_the_kinds_a_role_handles() {
        assert!(queue_kinds(&user(Role::User)).is_empty());
        assert_eq!(queue_kinds(&user(Role::Storekeeper)), [Kind::Cartridge]);
        assert_eq!(queue_kinds(&user(Role::Support)), [Kind::Repair, Kind::Maintenance, Kind::ItHelp]);
        assert_eq!(queue_kinds(&user(Role::Admin)), Kind::ALL);
        assert_eq!(queue_kinds(&Principal::Operator), Kind::ALL);
        assert!(queue_kinds(&Principal::User { id: ME, role: Role::Admin, blocked: true }).is_empty());
        // A kind is in the queue exactly when its new requests may be accepted.
        for who in principals() {
            for kind in Kind::ALL.iter().copied() {
                let r = req(kind, OTHER, None);
                let may_accept = authorize(&who, Permission::AcceptRequest, Some(&r)).is_ok();
                assert_eq!(queue_kinds(&who).contains(&kind), may_accept, "{who:?} {kind}");
            }
        }
    }

    /// Everyone who can act: the operator, and every role, blocked or not.
    fn principals() -> Vec<Principal> {
        let mut all = vec![Principal::Operator];
        for role in Role::ALL {
            for blocked in [false, true] {
                all.push(Principal::User { id: ME, role: *role, blocked });
            }
        }
        all
    }

    #[test]
    fn super_admin_is_not_assignable() {
        assert!(!Role::ASSIGNABLE.contains(&Role::SuperAdmin));
        assert_eq!(Role::ASSIGNABLE.len() + 1, Role::ALL.len());
    }

    #[test]
    fn who_may_give_which_role_to_someone_they_add() {
        let user = |role| Principal::User { id: ME, role, blocked: false };
        assert_eq!(roles_to_give(&user(Role::SuperAdmin)), Role::ASSIGNABLE.to_vec());
        assert_eq!(roles_to_give(&Principal::Operator), Role::ASSIGNABLE.to_vec());
        assert_eq!(roles_to_give(&user(Role::Admin)), vec![Role::User]);
        for role in [Role::User, Role::Support, Role::Storekeeper] {
            assert!(roles_to_give(&user(role)).is_empty(), "{role:?}");
        }
        assert!(roles_to_give(&Principal::User { id: ME, role: Role::SuperAdmin, blocked: true }).is_empty());
        assert_eq!(may_give(&user(Role::Admin), Role::Support), Err(Denied::SuperAdminOnly));
    }
}
