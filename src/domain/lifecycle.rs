//! The request lifecycle as an explicit state machine.
//!
//! ```text
//! new ──accept──▶ accepted ──complete──▶ done ─┐
//!  │ ╲                │                        │
//!  │  reject/cancel   reject/cancel            ├─archive──▶ archived
//!  ▼                  ▼                        │
//! rejected / cancelled ────────────────────────┘
//! ```
//!
//! Every other move is an error. The services layer applies the returned
//! state to the stored row and writes the audit record in the same transaction.

use super::Status;
use std::fmt;

/// Where a request is in its life. `Archived` is a state of its own here;
/// the stored row keeps the status it was closed with plus `archived_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    New,
    Accepted,
    Done,
    Rejected,
    Cancelled,
    Archived,
}

impl State {
    pub const ALL: [State; 6] =
        [State::New, State::Accepted, State::Done, State::Rejected, State::Cancelled, State::Archived];

    /// The state of a stored request.
    pub fn of(status: Status, archived: bool) -> State {
        if archived {
            return State::Archived;
        }
        match status {
            Status::New => State::New,
            Status::Accepted => State::Accepted,
            Status::Done => State::Done,
            Status::Rejected => State::Rejected,
            Status::Cancelled => State::Cancelled,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Accepted => "accepted",
            State::Done => "done",
            State::Rejected => "rejected",
            State::Cancelled => "cancelled",
            State::Archived => "archived",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A move a person or the system asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
    Accept,
    Complete,
    Reject,
    Cancel,
    Archive,
}

impl Transition {
    pub const ALL: [Transition; 5] =
        [Transition::Accept, Transition::Complete, Transition::Reject, Transition::Cancel, Transition::Archive];

    /// The state this move leads to.
    pub fn target(self) -> State {
        match self {
            Transition::Accept => State::Accepted,
            Transition::Complete => State::Done,
            Transition::Reject => State::Rejected,
            Transition::Cancel => State::Cancelled,
            Transition::Archive => State::Archived,
        }
    }

    /// The verb used in audit records (`request.accept`).
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Accept => "accept",
            Transition::Complete => "complete",
            Transition::Reject => "reject",
            Transition::Cancel => "cancel",
            Transition::Archive => "archive",
        }
    }
}

/// A move that the lifecycle does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("cannot {} a request that is {}", .transition.as_str(), .from)]
    NotAllowed { from: State, transition: Transition },
    #[error("a rejection needs a reason")]
    ReasonRequired,
    #[error("the reason is too long ({len} characters; at most {max})")]
    ReasonTooLong { len: usize, max: usize },
}

/// The longest rejection reason kept.
pub const MAX_REASON_CHARS: usize = 1000;

/// The edges of the machine: `true` exactly when `from → to` is a legal move.
pub fn allowed(from: State, to: State) -> bool {
    use State::*;
    matches!(
        (from, to),
        (New, Accepted)
            | (Accepted, Done)
            | (New | Accepted, Rejected)
            | (New | Accepted, Cancelled)
            | (Done | Rejected | Cancelled, Archived)
    )
}

/// Applies `transition` to a request in state `from`.
pub fn next(from: State, transition: Transition) -> Result<State, LifecycleError> {
    let to = transition.target();
    if allowed(from, to) { Ok(to) } else { Err(LifecycleError::NotAllowed { from, transition }) }
}

/// Whether cartridges can be issued on a request in `state`: only while it
/// is accepted (issuing is not a move of its own; delivery completes it).
pub fn issuable(state: State) -> bool {
    state == State::Accepted
}

/// Checks and tidies a rejection reason: required, trimmed, bounded.
pub fn rejection_reason(raw: &str) -> Result<String, LifecycleError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(LifecycleError::ReasonRequired);
    }
    let len = reason.chars().count();
    if len > MAX_REASON_CHARS {
        return Err(LifecycleError::ReasonTooLong { len, max: MAX_REASON_CHARS });
    }
    Ok(reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use State::*;

    /// Every pair of states, checked against the list of legal edges written out by hand.
    #[test]
    fn every_state_pair() {
        let legal = [
            (New, Accepted),
            (Accepted, Done),
            (New, Rejected),
            (Accepted, Rejected),
            (New, Cancelled),
            (Accepted, Cancelled),
            (Done, Archived),
            (Rejected, Archived),
            (Cancelled, Archived),
        ];
        let mut count = 0;
        for from in State::ALL {
            for to in State::ALL {
                assert_eq!(allowed(from, to), legal.contains(&(from, to)), "{from} -> {to}");
                count += 1;
            }
        }
        assert_eq!(count, 36);
    }

    /// Every transition from every state: legal ones land on their target, the rest are errors.
    #[test]
    fn every_transition_from_every_state() {
        for from in State::ALL {
            for t in Transition::ALL {
                match next(from, t) {
                    Ok(to) => {
                        assert_eq!(to, t.target());
                        assert!(allowed(from, to));
                    }
                    Err(e) => {
                        assert!(!allowed(from, t.target()));
                        assert_eq!(e, LifecycleError::NotAllowed { from, transition: t });
                    }
                }
            }
        }
        assert_eq!(next(Done, Transition::Accept).unwrap_err().to_string(), "cannot accept a request that is done");
        assert_eq!(
            next(Archived, Transition::Archive).unwrap_err().to_string(),
            "cannot archive a request that is archived"
        );
    }

    #[test]
    fn cartridges_are_issued_while_accepted_only() {
        for state in State::ALL {
            assert_eq!(issuable(state), state == Accepted, "{state}");
        }
    }

    #[test]
    fn stored_status_maps_to_state() {
        assert_eq!(State::of(Status::Done, true), Archived);
        assert_eq!(State::of(Status::Accepted, false), Accepted);
    }

    #[test]
    fn rejection_needs_a_reason() {
        assert_eq!(rejection_reason("   "), Err(LifecycleError::ReasonRequired));
        assert_eq!(rejection_reason("  no toner in stock "), Ok("no toner in stock".into()));
        let long = "я".repeat(MAX_REASON_CHARS + 1);
        assert!(matches!(rejection_reason(&long), Err(LifecycleError::ReasonTooLong { .. })));
        assert!(rejection_reason(&"я".repeat(MAX_REASON_CHARS)).is_ok());
    }
}
