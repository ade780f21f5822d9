//! The stock ledger's rules: what each kind of move does to a warehouse's
//! full and empty cartridges, and how the books of one warehouse and type
//! balance. Every cartridge that came in is full or empty in the warehouse,
//! at a contractor for refilling, out in a printer (issued, its empty not
//! back), or written off:
//!
//! ```text
//! received = full + empty + at a contractor + out + written off
//! ```
//!
//! where *received* is the opening balance, receipts (1C, fixtures) and
//! empties brought in without an issue; *out* is what was issued less the
//! empties that came back with those issues.

use super::{CartridgeTypeId, WarehouseId, named_enum};

named_enum! {
    /// What moved stock.
    pub enum MoveKind ("stock move") {
        /// The books opened with the stock there was (and what had been issued from it).
        Opening = "opening",
        /// Full cartridges in (or out, a correction): 1C's balances, fixtures.
        Receipt = "receipt",
        /// Full cartridges out for a request.
        Issue = "issue",
        /// Empties that came back with an issue.
        EmptiesBack = "empties_back",
        /// Empties brought in without an issue (a bag of them).
        EmptiesIn = "empties_in",
        /// Empties sent to a contractor for refilling.
        RefillOut = "refill_out",
        /// Refilled cartridges back from a contractor.
        RefillIn = "refill_in",
        /// Cartridges a contractor rejected, written off.
        WriteOff = "write_off",
    }
}

impl MoveKind {
    /// Whether what it brings counts as come in (rather than moved within the books).
    pub fn is_received(self) -> bool {
        matches!(self, MoveKind::Opening | MoveKind::Receipt | MoveKind::EmptiesIn)
    }
}

/// Full and empty cartridges of one type at one warehouse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StockLevels {
    pub full: i64,
    pub empty: i64,
}

/// One warehouse and type's figures, each from its own table, for [`balance`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Books {
    pub warehouse_id: WarehouseId,
    pub warehouse: String,
    pub cartridge_type_id: CartridgeTypeId,
    pub article: String,
    /// Opening, receipts and empties brought in, from the ledger.
    pub received: i64,
    /// Now in the warehouse, from its stock row.
    pub full: i64,
    pub empty: i64,
    /// What the ledger's moves add up to, full and empty.
    pub ledger_full: i64,
    pub ledger_empty: i64,
    /// Issued and empties back, from the issues of requests.
    pub issued: i64,
    pub empties_back: i64,
    /// The same two, from the ledger.
    pub ledger_issued: i64,
    pub ledger_empties_back: i64,
    /// Sent for refilling, back refilled, rejected (written off), from the refill batches.
    pub sent: i64,
    pub refilled: i64,
    pub rejected: i64,
    /// Sent and back refilled, from the ledger.
    pub ledger_sent: i64,
    pub ledger_refilled: i64,
    /// Issued, from the issues by day the forecast reads.
    pub issued_by_day: i64,
}

impl Books {
    /// Out in printers: issued, their empties not back.
    pub fn out(&self) -> i64 {
        self.issued - self.empties_back
    }

    /// At a contractor: sent, neither back nor rejected.
    pub fn at_contractor(&self) -> i64 {
        self.sent - self.refilled - self.rejected
    }

    /// Written off: what contractors rejected.
    pub fn written_off(&self) -> i64 {
        self.rejected
    }

    /// Every way these books do not balance, in words (none when they do).
    pub fn differences(&self) -> Vec<String> {
        let mut out = Vec::new();
        let accounted = self.full + self.empty + self.at_contractor() + self.out() + self.written_off();
        if self.received != accounted {
            out.push(format!(
                "received {} but full {} + empty {} + at a contractor {} + out {} + written off {} = {accounted}",
                self.received,
                self.full,
                self.empty,
                self.at_contractor(),
                self.out(),
                self.written_off()
            ));
        }
        if self.sent != self.ledger_sent {
            out.push(format!("{} sent for refilling in batches, the ledger says {}", self.sent, self.ledger_sent));
        }
        if self.refilled != self.ledger_refilled {
            out.push(format!("{} back refilled in batches, the ledger says {}", self.refilled, self.ledger_refilled));
        }
        if self.full != self.ledger_full {
            out.push(format!("{} full in stock, the ledger says {}", self.full, self.ledger_full));
        }
        if self.empty != self.ledger_empty {
            out.push(format!("{} empty in stock, the ledger says {}", self.empty, self.ledger_empty));
        }
        if self.issued != self.ledger_issued {
            out.push(format!("{} issued on requests, the ledger says {}", self.issued, self.ledger_issued));
        }
        if self.issued_by_day != self.ledger_issued {
            out.push(format!(
                "{} issued by day for the forecast, the ledger says {}",
                self.issued_by_day, self.ledger_issued
            ));
        }
        if self.empties_back != self.ledger_empties_back {
            out.push(format!(
                "{} empties back on requests, the ledger says {}",
                self.empties_back, self.ledger_empties_back
            ));
        }
        out
    }
}

/// How many empties come back with an issue of `issued` cartridges: as many
/// as issued when empties are collected and nobody said otherwise, never
/// more than issued.
pub fn empties_back(issued: i64, said: Option<i64>, collected: bool) -> i64 {
    match said {
        Some(n) => n.clamp(0, issued),
        None if collected => issued,
        None => 0,
    }
}

/// Shares `total` empties out over lines that issued `issued[i]` each, in
/// order: each line takes what it can, so the empties of a type never exceed
/// what was issued of it.
pub fn spread(total: i64, issued: &[i64]) -> Vec<i64> {
    let mut left = total.max(0);
    issued
        .iter()
        .map(|&n| {
            let take = left.min(n.max(0));
            left -= take;
            take
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Named;

    fn books() -> Books {
        Books {
            received: 10,
            full: 5,
            empty: 2,
            ledger_full: 5,
            ledger_empty: 2,
            issued: 4,
            empties_back: 1,
            ledger_issued: 4,
            ledger_empties_back: 1,
            issued_by_day: 4,
            ..Default::default()
        }
    }

    #[test]
    fn books_balance_when_every_cartridge_is_somewhere() {
        assert_eq!(books().out(), 3);
        assert!(books().differences().is_empty());
        let lost = Books { full: 4, ledger_full: 4, ..books() };
        assert_eq!(
            lost.differences(),
            ["received 10 but full 4 + empty 2 + at a contractor 0 + out 3 + written off 0 = 9"]
        );
        // Two empties sent, one back refilled and one rejected: still balanced.
        let refilled = Books {
            full: 6,
            ledger_full: 6,
            empty: 0,
            ledger_empty: 0,
            sent: 2,
            refilled: 1,
            rejected: 1,
            ledger_sent: 2,
            ledger_refilled: 1,
            ..books()
        };
        assert_eq!((refilled.at_contractor(), refilled.written_off()), (0, 1));
        assert!(refilled.differences().is_empty(), "{:?}", refilled.differences());
        let unrecorded = Books { empty: 3, received: 11, ..books() };
        assert_eq!(unrecorded.differences(), ["3 empty in stock, the ledger says 2"]);
        let issued = Books { issued: 5, empties_back: 2, ..books() };
        assert_eq!(issued.differences().len(), 2, "{:?}", issued.differences());
    }

    #[test]
    fn empties_default_to_what_was_issued_and_never_exceed_it() {
        assert_eq!(empties_back(3, None, true), 3);
        assert_eq!(empties_back(3, None, false), 0);
        assert_eq!(empties_back(3, Some(1), true), 1);
        assert_eq!(empties_back(3, Some(9), false), 3);
        assert_eq!(empties_back(3, Some(-1), true), 0);
        assert_eq!(spread(4, &[3, 2, 5]), [3, 1, 0]);
        assert_eq!(spread(0, &[3]), [0]);
        assert_eq!(spread(10, &[1, 2]), [1, 2]);
    }

    #[test]
    fn only_what_comes_from_outside_is_received() {
        let received: Vec<MoveKind> = MoveKind::ALL.iter().copied().filter(|k| k.is_received()).collect();
        assert_eq!(received, [MoveKind::Opening, MoveKind::Receipt, MoveKind::EmptiesIn]);
    }
}
