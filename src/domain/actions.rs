//! What a person may do to one request now: the actions a front end offers
//! (a button in the bot, a form in the web panel), and the check the service
//! doing one makes when it happens.
//!
//! An action is allowed when [`authorize`] grants its permission to the
//! principal (as read from the store now) and the request's lifecycle state
//! allows it. [`check`] asks both, in that order, and the services call it
//! for every move, so [`offered`] lists an action exactly when doing it would
//! be allowed. Not here: the rules themselves (`permissions`, `lifecycle`).

use super::lifecycle::{self, LifecycleError, State, Transition};
use super::permissions::{Denied, Permission, Principal, RequestFacts, authorize};

/// Something a person can do to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Take a new request: it becomes theirs.
    Accept,
    /// Issue cartridges from a warehouse on an accepted order.
    IssueCartridges,
    /// Done; a cartridge order is delivered.
    Complete,
    /// Stop the clock and ask the author a question.
    WaitForAuthor,
    /// Stop the clock until parts or a contractor come.
    WaitForParts,
    /// Start the clock again.
    Resume,
    /// Answer the question the request waits on (its author).
    Answer,
    /// Turn it down, with a reason.
    Reject,
    /// Withdraw it (its author).
    Cancel,
    /// Put a closed request away.
    Archive,
}

impl Action {
    /// Every action, in the order a front end shows them.
    pub const ALL: [Action; 10] = [
        Action::Accept,
        Action::IssueCartridges,
        Action::Complete,
        Action::WaitForAuthor,
        Action::WaitForParts,
        Action::Resume,
        Action::Answer,
        Action::Reject,
        Action::Cancel,
        Action::Archive,
    ];

    /// The permission it needs.
    pub fn permission(self) -> Permission {
        match self {
            Action::Accept => Permission::AcceptRequest,
            Action::IssueCartridges => Permission::IssueCartridges,
            // Who may finish a request may stop and start its clock.
            Action::Complete | Action::WaitForAuthor | Action::WaitForParts | Action::Resume => {
                Permission::CompleteRequest
            }
            Action::Answer => Permission::AnswerRequest,
            Action::Reject => Permission::RejectRequest,
            Action::Cancel => Permission::CancelRequest,
            Action::Archive => Permission::ArchiveRequest,
        }
    }

    /// Whether it is recorded as someone's (the request's assignee, who
    /// issued), so that an operator or a scheduled job cannot take it.
    pub fn needs_a_person(self) -> bool {
        matches!(self, Action::Accept | Action::IssueCartridges)
    }

    /// The lifecycle move it makes; issuing cartridges makes none.
    pub fn transition(self) -> Option<Transition> {
        match self {
            Action::Accept => Some(Transition::Accept),
            Action::IssueCartridges => None,
            Action::Complete => Some(Transition::Complete),
            Action::WaitForAuthor => Some(Transition::WaitAuthor),
            Action::WaitForParts => Some(Transition::WaitParts),
            Action::Resume => Some(Transition::Resume),
            Action::Answer => Some(Transition::Answer),
            Action::Reject => Some(Transition::Reject),
            Action::Cancel => Some(Transition::Cancel),
            Action::Archive => Some(Transition::Archive),
        }
    }
}

impl From<Transition> for Action {
    fn from(t: Transition) -> Action {
        match t {
            Transition::Accept => Action::Accept,
            Transition::Complete => Action::Complete,
            Transition::WaitAuthor => Action::WaitForAuthor,
            Transition::WaitParts => Action::WaitForParts,
            Transition::Resume => Action::Resume,
            Transition::Answer => Action::Answer,
            Transition::Reject => Action::Reject,
            Transition::Cancel => Action::Cancel,
            Transition::Archive => Action::Archive,
        }
    }
}

/// Why an action cannot be taken now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// Not for this person.
    Denied(Denied),
    /// Not for an operator or a job: it is someone's (see [`Action::needs_a_person`]).
    NotAPerson,
    /// Not from the request's state.
    Lifecycle(LifecycleError),
    /// Cartridges are issued on accepted orders only; the request is in this state.
    NotIssuable(State),
}

/// May `who` take `action` on `request`, which is in `state`, now? First who
/// (see [`authorize`]), then the state (see [`lifecycle::next`] and
/// [`lifecycle::issuable`]).
pub fn check(who: &Principal, action: Action, request: &RequestFacts, state: State) -> Result<(), Unavailable> {
    authorize(who, action.permission(), Some(request)).map_err(Unavailable::Denied)?;
    if action.needs_a_person() && *who == Principal::Operator {
        return Err(Unavailable::NotAPerson);
    }
    match action.transition() {
        Some(t) => lifecycle::next(state, t).map(|_| ()).map_err(Unavailable::Lifecycle),
        None if lifecycle::issuable(state) => Ok(()),
        None => Err(Unavailable::NotIssuable(state)),
    }
}

/// Every action `who` may take on `request`, in `state`, now, in the order of [`Action::ALL`].
pub fn offered(who: &Principal, request: &RequestFacts, state: State) -> Vec<Action> {
    Action::ALL.into_iter().filter(|a| check(who, *a, request, state).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Kind, Named, Role};

    const ME: i64 = 10;
    const OTHER: i64 = 20;

    fn user(role: Role) -> Principal {
        Principal::User { id: ME, role, blocked: false }
    }
    fn req(kind: Kind, author: i64, assignee: Option<i64>) -> RequestFacts {
        RequestFacts { kind, author_id: author, assignee_id: assignee }
    }

    /// Every principal, kind, state, authorship and assignment: an action is
    /// offered exactly when `authorize` grants its permission and the
    /// lifecycle allows it from that state.
    #[test]
    fn offered_exactly_when_authorize_and_the_lifecycle_allow() {
        let mut principals = vec![Principal::Operator];
        for role in Role::ALL {
            for blocked in [false, true] {
                principals.push(Principal::User { id: ME, role: *role, blocked });
            }
        }
        let mut cases = 0;
        for who in &principals {
            for kind in Kind::ALL.iter().copied() {
                for author in [ME, OTHER] {
                    for assignee in [None, Some(ME), Some(OTHER)] {
                        let r = req(kind, author, assignee);
                        for state in State::ALL {
                            let offered = offered(who, &r, state);
                            for action in Action::ALL {
                                let permitted = authorize(who, action.permission(), Some(&r)).is_ok();
                                let possible = match action.transition() {
                                    Some(t) => lifecycle::next(state, t).is_ok(),
                                    None => state == State::Accepted,
                                };
                                let someone = action.needs_a_person() && *who == Principal::Operator;
                                assert_eq!(
                                    offered.contains(&action),
                                    permitted && !someone && possible,
                                    "{who:?} {action:?} on {r:?} in {state}"
                                );
                                cases += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(cases, 11 * 4 * 2 * 3 * 8 * 10);
    }

    #[test]
    fn operators_archive_and_move_requests_but_take_none() {
        use Action::*;
        let r = req(Kind::Cartridge, OTHER, Some(OTHER));
        assert_eq!(offered(&Principal::Operator, &r, State::New), [Reject, Cancel]);
        assert_eq!(
            offered(&Principal::Operator, &r, State::Accepted),
            [Complete, WaitForAuthor, WaitForParts, Reject, Cancel]
        );
        assert_eq!(offered(&Principal::Operator, &r, State::Done), [Archive]);
        assert_eq!(check(&Principal::Operator, Accept, &r, State::New), Err(Unavailable::NotAPerson));
    }

    /// The refusal says who before state: a person who may not act at all
    /// learns that, not the request's state.
    #[test]
    fn check_says_why_permission_first() {
        let done = req(Kind::Repair, OTHER, Some(OTHER));
        assert_eq!(
            check(&user(Role::User), Action::Accept, &done, State::Done),
            Err(Unavailable::Denied(Denied::NotStaff))
        );
        assert_eq!(
            check(&user(Role::Support), Action::Accept, &done, State::Done),
            Err(Unavailable::Lifecycle(LifecycleError::NotAllowed {
                from: State::Done,
                transition: Transition::Accept
            }))
        );
        let order = req(Kind::Cartridge, OTHER, Some(OTHER));
        assert_eq!(
            check(&user(Role::Storekeeper), Action::IssueCartridges, &order, State::Done),
            Err(Unavailable::NotIssuable(State::Done))
        );
    }

    /// What a person sees on a card, spelt out for the cases people meet.
    #[test]
    fn what_people_are_offered() {
        use Action::*;
        let new_repair = req(Kind::Repair, OTHER, None);
        assert_eq!(offered(&user(Role::Support), &new_repair, State::New), [Accept, Reject]);
        assert_eq!(offered(&user(Role::Storekeeper), &new_repair, State::New), []);
        assert_eq!(offered(&user(Role::User), &new_repair, State::New), []);

        let mine = req(Kind::Repair, OTHER, Some(ME));
        assert_eq!(
            offered(&user(Role::Support), &mine, State::Accepted),
            [Complete, WaitForAuthor, WaitForParts, Reject]
        );
        let theirs = req(Kind::Repair, OTHER, Some(OTHER));
        assert_eq!(offered(&user(Role::Support), &theirs, State::Accepted), []);
        assert_eq!(
            offered(&user(Role::Admin), &theirs, State::Accepted),
            [Complete, WaitForAuthor, WaitForParts, Reject]
        );
        // Waiting: its assignee resumes it (or finishes it); its author may
        // still cancel, and answers the question one waits on.
        for state in [State::WaitingAuthor, State::WaitingParts] {
            assert_eq!(offered(&user(Role::Support), &mine, state), [Complete, Resume, Reject], "{state}");
            assert_eq!(offered(&user(Role::Support), &theirs, state), [], "{state}");
            let own = req(Kind::Repair, ME, Some(OTHER));
            let answers: &[Action] = if state == State::WaitingAuthor { &[Answer, Cancel] } else { &[Cancel] };
            assert_eq!(offered(&user(Role::User), &own, state), answers, "{state}");
            assert_eq!(offered(&user(Role::User), &theirs, state), [], "{state}: a stranger answers nothing");
        }

        // Any storekeeper may issue on an accepted order; only its assignee
        // (or an admin) delivers or rejects it.
        let order = req(Kind::Cartridge, OTHER, Some(ME));
        assert_eq!(
            offered(&user(Role::Storekeeper), &order, State::Accepted),
            [IssueCartridges, Complete, WaitForAuthor, WaitForParts, Reject]
        );
        let someone_elses = req(Kind::Cartridge, OTHER, Some(OTHER));
        assert_eq!(offered(&user(Role::Storekeeper), &someone_elses, State::Accepted), [IssueCartridges]);
        assert_eq!(offered(&user(Role::Support), &order, State::Accepted), []);

        // Authors cancel their own open requests, whoever they are.
        let own = req(Kind::Repair, ME, None);
        assert_eq!(offered(&user(Role::User), &own, State::New), [Cancel]);
        assert_eq!(offered(&user(Role::Support), &own, State::New), [Accept, Reject, Cancel]);
        assert_eq!(offered(&user(Role::User), &own, State::Done), []);

        // Admins archive closed requests; nothing is done to an archived one.
        for state in [State::Done, State::Rejected, State::Cancelled] {
            assert_eq!(offered(&user(Role::Admin), &theirs, state), [Archive], "{state}");
            assert_eq!(offered(&user(Role::Support), &theirs, state), [], "{state}");
        }
        assert_eq!(offered(&user(Role::SuperAdmin), &own, State::Archived), []);
        assert_eq!(offered(&Principal::Operator, &theirs, State::Archived), []);

        // Someone blocked is offered nothing.
        let blocked = Principal::User { id: ME, role: Role::Admin, blocked: true };
        for state in State::ALL {
            assert_eq!(offered(&blocked, &own, state), [], "{state}");
        }
    }

    #[test]
    fn each_move_is_an_action_with_its_permission() {
        for t in Transition::ALL {
            assert_eq!(Action::from(t).transition(), Some(t));
        }
        assert_eq!(Action::IssueCartridges.transition(), None);
        assert_eq!(Action::ALL.iter().filter(|a| a.transition().is_some()).count(), Transition::ALL.len());
        let permissions: std::collections::HashSet<Permission> = Action::ALL.iter().map(|a| a.permission()).collect();
        // Each its own, but stopping and starting the clock: whoever may finish a request may.
        assert_eq!(permissions.len(), Action::ALL.len() - 3);
        assert!(permissions.iter().all(|p| p.needs_request()));
    }
}
