//! What the payment chain's exit game on the root chain does to outputs, as plain data: the
//! events the child chain's ledger must follow so that no value can leave twice. The root-chain
//! client turns contract logs into these (every log is classified there, so a new exit path
//! cannot be forgotten); the operator and the watcher follow them with the same code.

use crate::{Address, B256, PaymentTx, U256, UtxoPos};

/// Legs `0..4` of an in-flight exit are the transaction's inputs, `4..8` its outputs.
pub const OUTPUT_LEG: u8 = 4;

/// One leg of an in-flight transaction: an input or an output, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Leg {
    /// Input `n` of the transaction.
    Input(u8),
    /// Output `n` of the transaction.
    Output(u8),
}

impl Leg {
    /// The leg the contracts number `leg` (inputs `0..4`, outputs `4..8`); `None` past 7.
    pub fn from_raw(leg: u8) -> Option<Self> {
        match leg {
            0..OUTPUT_LEG => Some(Self::Input(leg)),
            OUTPUT_LEG..8 => Some(Self::Output(leg - OUTPUT_LEG)),
            _ => None,
        }
    }

    /// The contracts' number of this leg.
    pub fn raw(self) -> u8 {
        match self {
            Self::Input(n) => n,
            Self::Output(n) => OUTPUT_LEG + n,
        }
    }
}

/// What a batch exit's entry claims (its exit id and in-flight id are the contract's business:
/// the child chain matches owner, amount and position against its own outputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchClaim {
    /// The entry's index in its batch.
    pub index: u16,
    /// The output it claims.
    pub pos: UtxoPos,
    /// Who it pays.
    pub owner: Address,
    /// How much.
    pub amount: U256,
}

/// A step of the exit game that changes which child-chain outputs may still be spent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitEvent {
    /// A standard exit of the output at `pos` started.
    StandardStarted {
        /// The exit's id.
        exit_id: U256,
        /// The exiting output.
        pos: UtxoPos,
    },
    /// A standard exit was shown invalid and deleted.
    StandardChallenged {
        /// The exit's id.
        exit_id: U256,
    },
    /// A standard exit paid out.
    StandardPaid {
        /// The exit's id.
        exit_id: U256,
    },
    /// An in-flight exit of `tx` started.
    InFlightStarted {
        /// The exit's id.
        exit_id: U256,
        /// The in-flight transaction's hash.
        tx_hash: B256,
        /// The in-flight transaction.
        tx: PaymentTx,
    },
    /// A leg of an in-flight exit was piggybacked: its value may be paid out.
    Piggybacked {
        /// The exit's id.
        exit_id: U256,
        /// The leg.
        leg: Leg,
    },
    /// A piggyback was shown invalid (the leg is spent elsewhere) and removed.
    PiggybackChallenged {
        /// The exit's id.
        exit_id: U256,
        /// The leg.
        leg: Leg,
    },
    /// A piggybacked leg paid out.
    LegPaid {
        /// The exit's id.
        exit_id: U256,
        /// The leg.
        leg: Leg,
    },
    /// An in-flight exit was processed: `Some(true)` canonical (its inputs are now spent on
    /// the root chain), `Some(false)` not canonical, `None` deleted with nothing piggybacked.
    InFlightEnded {
        /// The exit's id.
        exit_id: U256,
        /// How it ended.
        canonical: Option<bool>,
    },
    /// A batch exit started, claiming these outputs.
    BatchStarted {
        /// The batch's id.
        exit_id: U256,
        /// The token of every entry.
        token: Address,
        /// Its entries.
        claims: Vec<BatchClaim>,
    },
    /// A batch entry was challenged: it is never paid.
    BatchEntryCancelled {
        /// The batch's id.
        exit_id: U256,
        /// The entry.
        index: u16,
    },
    /// A batch entry's proof was asked for: unanswered at processing, it is not paid.
    BatchProofRequested {
        /// The batch's id.
        exit_id: U256,
        /// The entry.
        index: u16,
    },
    /// The proof request of a batch entry was answered.
    BatchProofAnswered {
        /// The batch's id.
        exit_id: U256,
        /// The entry.
        index: u16,
    },
    /// Entries `[from, to)` of a batch exit were settled: each one not cancelled and without
    /// an unanswered request was paid, unless another exit of its output decided it.
    BatchProcessed {
        /// The batch's id.
        exit_id: U256,
        /// First entry settled.
        from: u16,
        /// One past the last.
        to: u16,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legs_number_like_the_contracts() {
        for raw in 0..8 {
            assert_eq!(Leg::from_raw(raw).map(Leg::raw), Some(raw));
        }
        assert_eq!(Leg::from_raw(3), Some(Leg::Input(3)));
        assert_eq!(Leg::from_raw(4), Some(Leg::Output(0)));
        assert_eq!(Leg::from_raw(8), None);
    }
}
