//! The request lifecycle as an explicit state machine.
//!
//! ```text
//! new ──accept──▶ accepted ──complete──▶ done ─┐
//!  │ ╲             │  ▲ │                      │
//!  │  reject/cancel │  │ reject/cancel         ├─archive──▶ archived
//!  ▼          wait resume/answer ▼             │
//! rejected / cancelled ◀─ waiting (for the author, for parts) ──complete──▶ done
//! ```
//!
//! A waiting request is an accepted one whose clock is stopped: it waits for
//! its author's answer or for parts; resuming (the answer, or staff) starts
//! the clock again. It can be completed, rejected or cancelled while waiting.
//!
//! Every other move is an error. The services layer applies the returned
//! state to the stored row and writes the audit record in the same transaction.

use super::{Status, Waiting};
use std::fmt;

/// Where a request is in its life. `Archived` is a state of its own here;
/// the stored row keeps the status it was closed with plus `archived_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    New,
    Accepted,
    /// Accepted, its clock stopped until its author answers.
    WaitingAuthor,
    /// Accepted, its clock stopped until parts or a contractor come.
    WaitingParts,
    Done,
    Rejected,
    Cancelled,
    Archived,
}

impl State {
    pub const ALL: [State; 8] = [
        State::New,
        State::Accepted,
        State::WaitingAuthor,
        State::WaitingParts,
        State::Done,
        State::Rejected,
        State::Cancelled,
        State::Archived,
    ];

    /// The state of a stored request: its status, what it waits for (kept
    /// beside an accepted one), and whether it is archived.
    pub fn of(status: Status, waiting: Option<Waiting>, archived: bool) -> State {
        if archived {
            return State::Archived;
        }
        match status {
            Status::New => State::New,
            Status::Accepted => match waiting {
                None => State::Accepted,
                Some(Waiting::Author) => State::WaitingAuthor,
                Some(Waiting::Parts) => State::WaitingParts,
            },
            Status::Done => State::Done,
            Status::Rejected => State::Rejected,
            Status::Cancelled => State::Cancelled,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Accepted => "accepted",
            State::WaitingAuthor => "waiting for the author",
            State::WaitingParts => "waiting for parts",
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
    /// Stop the clock to ask the author something.
    WaitAuthor,
    /// Stop the clock until parts or a contractor come.
    WaitParts,
    /// Start the clock again.
    Resume,
    /// The author answers the question their request waits on; its clock starts again.
    Answer,
    Complete,
    Reject,
    Cancel,
    Archive,
}

impl Transition {
    pub const ALL: [Transition; 9] = [
        Transition::Accept,
        Transition::WaitAuthor,
        Transition::WaitParts,
        Transition::Resume,
        Transition::Answer,
        Transition::Complete,
        Transition::Reject,
        Transition::Cancel,
        Transition::Archive,
    ];

    /// The state this move leads to.
    pub fn target(self) -> State {
        match self {
            Transition::Accept | Transition::Resume | Transition::Answer => State::Accepted,
            Transition::WaitAuthor => State::WaitingAuthor,
            Transition::WaitParts => State::WaitingParts,
            Transition::Complete => State::Done,
            Transition::Reject => State::Rejected,
            Transition::Cancel => State::Cancelled,
            Transition::Archive => State::Archived,
        }
    }

    /// What it does, in English words, for messages.
    pub fn verb(self) -> &'static str {
        match self {
            Transition::WaitAuthor => "wait for the author on",
            Transition::WaitParts => "wait for parts on",
            other => other.as_str(),
        }
    }

    /// The verb used in audit records (`request.accept`).
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Accept => "accept",
            Transition::WaitAuthor => "wait_author",
            Transition::WaitParts => "wait_parts",
            Transition::Resume => "resume",
            Transition::Answer => "answer",
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
    #[error("cannot {} a request that is {}", .transition.verb(), .from)]
    NotAllowed { from: State, transition: Transition },
    #[error("a rejection needs a reason")]
    ReasonRequired,
    #[error("say what it waits for: the question for the author, or the parts")]
    NoteRequired,
    #[error("the answer is empty: write it")]
    AnswerRequired,
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
            | (Accepted, WaitingAuthor | WaitingParts)
            | (WaitingAuthor | WaitingParts, Accepted)
            | (Accepted | WaitingAuthor | WaitingParts, Done)
            | (New | Accepted | WaitingAuthor | WaitingParts, Rejected)
            | (New | Accepted | WaitingAuthor | WaitingParts, Cancelled)
            | (Done | Rejected | Cancelled, Archived)
    )
}

/// Applies `transition` to a request in state `from`. Accepting, resuming
/// and answering all lead to `Accepted`: from `New`, from either wait, and
/// from waiting for the author respectively.
pub fn next(from: State, transition: Transition) -> Result<State, LifecycleError> {
    let to = transition.target();
    let fits = match transition {
        Transition::Accept => from == State::New,
        Transition::Resume => matches!(from, State::WaitingAuthor | State::WaitingParts),
        Transition::Answer => from == State::WaitingAuthor,
        _ => true,
    };
    if fits && allowed(from, to) { Ok(to) } else { Err(LifecycleError::NotAllowed { from, transition }) }
}

/// Checks and tidies what a request waits for: required, trimmed, bounded.
pub fn waiting_note(raw: &str) -> Result<String, LifecycleError> {
    said(raw, LifecycleError::NoteRequired)
}

/// Checks and tidies the author's answer to a question: required, trimmed, bounded.
pub fn answer_text(raw: &str) -> Result<String, LifecycleError> {
    said(raw, LifecycleError::AnswerRequired)
}

/// Text a move needs: trimmed, `missing` when empty, at most [`MAX_REASON_CHARS`].
fn said(raw: &str, missing: LifecycleError) -> Result<String, LifecycleError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(missing);
    }
    let len = text.chars().count();
    if len > MAX_REASON_CHARS {
        return Err(LifecycleError::ReasonTooLong { len, max: MAX_REASON_CHARS });
    }
    Ok(text.to_string())
}

/// Whether cartridges can be issued on a request in `state`: only while it
/// is accepted (issuing is not a move of its own; delivery completes it).
pub fn issuable(state: State) -> bool {
    state == State::Accepted
}

/// Checks and tidies a rejection reason: required, trimmed, bounded.
pub fn rejection_reason(raw: &str) -> Result<String, LifecycleError> {
    said(raw, LifecycleError::ReasonRequired)
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
            (Accepted, WaitingAuthor),
            (Accepted, WaitingParts),
            (WaitingAuthor, Accepted),
            (WaitingParts, Accepted),
            (Accepted, Done),
            (WaitingAuthor, Done),
            (WaitingParts, Done),
            (New, Rejected),
            (Accepted, Rejected),
            (WaitingAuthor, Rejected),
            (WaitingParts, Rejected),
            (New, Cancelled),
            (Accepted, Cancelled),
            (WaitingAuthor, Cancelled),
            (WaitingParts, Cancelled),
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
        assert_eq!(count, 64);
    }

    /// Every transition from every state, against the table written out by hand.
    #[test]
    fn every_transition_from_every_state() {
        use Transition as T;
        let waiting = [WaitingAuthor, WaitingParts];
        for from in State::ALL {
            for t in Transition::ALL {
                let legal = match t {
                    T::Accept => from == New,
                    T::WaitAuthor | T::WaitParts => from == Accepted,
                    T::Resume => waiting.contains(&from),
                    T::Answer => from == WaitingAuthor,
                    T::Complete => from == Accepted || waiting.contains(&from),
                    T::Reject | T::Cancel => from == New || from == Accepted || waiting.contains(&from),
                    T::Archive => matches!(from, Done | Rejected | Cancelled),
                };
                match next(from, t) {
                    Ok(to) => {
                        assert!(legal, "{from} -{}-> {to}", t.as_str());
                        assert_eq!(to, t.target());
                        assert!(allowed(from, to));
                    }
                    Err(e) => {
                        assert!(!legal, "{from} -{}-> refused", t.as_str());
                        assert_eq!(e, LifecycleError::NotAllowed { from, transition: t });
                    }
                }
            }
        }
        assert_eq!(next(Accepted, T::Resume).unwrap_err().to_string(), "cannot resume a request that is accepted");
        assert_eq!(
            next(WaitingParts, T::WaitAuthor).unwrap_err().to_string(),
            "cannot wait for the author on a request that is waiting for parts"
        );
        assert_eq!(
            next(WaitingParts, T::Answer).unwrap_err().to_string(),
            "cannot answer a request that is waiting for parts"
        );
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
        assert_eq!(State::of(Status::Done, None, true), Archived);
        assert_eq!(State::of(Status::Accepted, None, false), Accepted);
        assert_eq!(State::of(Status::Accepted, Some(Waiting::Author), false), WaitingAuthor);
        assert_eq!(State::of(Status::Accepted, Some(Waiting::Parts), false), WaitingParts);
    }

    #[test]
    fn waiting_needs_a_note() {
        assert_eq!(waiting_note("  "), Err(LifecycleError::NoteRequired));
        assert_eq!(waiting_note(" which floor? "), Ok("which floor?".into()));
        assert_eq!(answer_text("\n "), Err(LifecycleError::AnswerRequired));
        assert_eq!(answer_text(" the third "), Ok("the third".into()));
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
