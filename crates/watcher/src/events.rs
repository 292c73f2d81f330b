//! What the watcher reports: each event carries its evidence.

use crate::BatchAction;
use alloy_primitives::{Address, B256, U256};
use plasma_ledger::{ClaimError, LedgerError};
use plasma_primitives::TxError;
use serde::{Serialize, ser::SerializeMap};

/// Why a block is invalid: the first thing wrong in it, as evidence a caller can match.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidBlock {
    /// The root chain committed a block out of the order the watcher follows.
    #[error("expected block {expected} next, got {got}")]
    OutOfOrder {
        /// The block the watcher expected.
        expected: u64,
        /// The block committed.
        got: u64,
    },
    /// A transaction's bytes are not a signed transaction.
    #[error("tx {index}: {error}")]
    MalformedTx {
        /// Its index in the block.
        index: usize,
        /// What is wrong with the bytes.
        error: TxError,
    },
    /// A transaction breaks a rule of the chain (signature, input missing or spent, amounts).
    #[error("tx {index}: {error}")]
    InvalidTx {
        /// Its index in the block.
        index: usize,
        /// The rule it breaks.
        error: LedgerError,
    },
    /// The fee claims take what the block's payments did not leave, or break their form:
    /// the operator minted value.
    #[error("{0}")]
    FeeClaim(ClaimError),
    /// The transactions do not hash to the root committed on the root chain.
    #[error("its transactions hash to root {computed}, not the committed {committed}")]
    WrongRoot {
        /// The root of the served transactions.
        computed: B256,
        /// The root on the root chain.
        committed: B256,
    },
}

impl InvalidBlock {
    /// The rule's name, as the JSON events give it.
    pub fn rule(&self) -> &'static str {
        match self {
            InvalidBlock::OutOfOrder { .. } => "outOfOrder",
            InvalidBlock::MalformedTx { .. } => "malformedTx",
            InvalidBlock::InvalidTx { .. } => "invalidTx",
            InvalidBlock::FeeClaim(ClaimError::Overclaim { .. }) => "feeOverclaim",
            InvalidBlock::FeeClaim(_) => "badFeeClaim",
            InvalidBlock::WrongRoot { .. } => "wrongRoot",
        }
    }

    /// The index of the transaction at fault, if one is.
    pub fn tx_index(&self) -> Option<usize> {
        match self {
            InvalidBlock::MalformedTx { index, .. } | InvalidBlock::InvalidTx { index, .. } => {
                Some(*index)
            }
            InvalidBlock::FeeClaim(error) => error.index(),
            InvalidBlock::OutOfOrder { .. } | InvalidBlock::WrongRoot { .. } => None,
        }
    }
}

impl Serialize for InvalidBlock {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("rule", self.rule())?;
        if let Some(index) = self.tx_index() {
            map.serialize_entry("tx", &index)?;
        }
        map.serialize_entry("reason", &self.to_string())?;
        map.end()
    }
}

/// Something the watcher saw or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[non_exhaustive]
pub enum WatcherEvent {
    /// A block matched its root on the root chain and every transaction in it is valid.
    BlockVerified {
        /// Block number.
        blknum: u64,
        /// Transactions in it.
        txs: usize,
    },
    /// A block whose root or transactions are not valid. The chain is byzantine from here.
    /// In JSON the evidence is flattened: `rule`, `tx` (when one transaction is at fault) and
    /// `reason` (the sentence).
    InvalidBlock {
        /// Block number.
        blknum: u64,
        /// What is wrong, typed (a caller can match the rule).
        #[serde(flatten)]
        evidence: InvalidBlock,
    },
    /// A root on the root chain whose block nobody serves. The chain is byzantine from here.
    BlockWithheld {
        /// Block number.
        blknum: u64,
        /// The root committed.
        root: B256,
        /// Seconds of root-chain time since it was committed.
        for_secs: u64,
    },
    /// A standard exit of an output the watcher has seen spent.
    InvalidExit {
        /// Exit id.
        exit_id: U256,
        /// The exiting output.
        utxo_pos: U256,
        /// The transaction that spends it.
        spent_in: B256,
    },
    /// This watcher challenged an invalid exit (and collected its bond).
    ExitChallenged {
        /// Exit id.
        exit_id: U256,
        /// The root-chain transaction.
        tx_hash: B256,
    },
    /// An invalid exit nobody has challenged, close to when it can be processed.
    UnchallengedInvalidExit {
        /// Exit id.
        exit_id: U256,
        /// When it becomes processable.
        exitable_at: u64,
    },
    /// The chain can no longer be trusted: users must exit now.
    ExitNow {
        /// Why.
        reason: String,
    },
    /// The watcher started the exit of a watched owner's output (mass-exit mode).
    ExitStartedFor {
        /// The owner.
        owner: Address,
        /// The output.
        utxo_pos: U256,
    },
    /// An in-flight exit of a transaction whose input a verified block spends otherwise: its
    /// outputs must not be paid.
    NonCanonicalInFlightExit {
        /// Exit id.
        exit_id: U256,
        /// The in-flight transaction.
        tx_hash: B256,
        /// The competing transaction, included.
        competitor: B256,
        /// Where the competitor is (`blknum·10⁵ + txindex`).
        competitor_pos: u64,
    },
    /// A canonicity challenge against an in-flight transaction that is included before the
    /// competitor shown: the challenge is false.
    InvalidCanonicityChallenge {
        /// Exit id.
        exit_id: U256,
        /// Where the in-flight transaction is included (`blknum·10⁵ + txindex`).
        tx_pos: u64,
        /// The competitor's position the challenge claimed (`u64::MAX`: in no block).
        competitor_pos: u64,
    },
    /// A piggyback of an input or output that a verified block spends: it must not be paid.
    InvalidPiggyback {
        /// Exit id.
        exit_id: U256,
        /// The leg: input `leg`, or output `leg - 4`.
        leg: u8,
        /// The transaction that spends it.
        spent_in: B256,
    },
    /// This watcher acted on an in-flight exit.
    InFlightExitActed {
        /// Exit id.
        exit_id: U256,
        /// What it did.
        action: InFlightAction,
        /// The root-chain transaction.
        tx_hash: B256,
    },
    /// A batch exit's entry that verified history shows wrong, or cannot show right.
    InvalidBatchEntry {
        /// Batch id.
        exit_id: U256,
        /// The entry's index.
        index: u16,
        /// The output it names.
        utxo_pos: U256,
        /// What is wrong.
        reason: String,
    },
    /// This watcher acted on a batch entry.
    BatchEntryActed {
        /// Batch id.
        exit_id: U256,
        /// The entry's index.
        index: u16,
        /// What it did.
        action: BatchAction,
        /// The root-chain transaction.
        tx_hash: B256,
    },
    /// The watcher started a batch exit for owners who made it their agent (mass-exit mode).
    BatchExitStartedFor {
        /// Batch id.
        exit_id: U256,
        /// Owners in it.
        owners: usize,
        /// Outputs in it.
        outputs: usize,
        /// Its L1 gas.
        gas_used: u64,
    },
    /// How far the mass exit is.
    MassExitProgress {
        /// Outputs whose exit the watcher started.
        outputs_covered: usize,
        /// Provable outputs of watched owners not covered yet.
        outputs_left: usize,
        /// L1 gas of the exits started so far.
        gas_spent: u64,
        /// Seconds left in the exit period counted from the break.
        secs_left: u64,
    },
}

/// What the watcher does about an in-flight exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum InFlightAction {
    /// Showed the competitor: the exit is not canonical.
    ChallengedCanonicity,
    /// Showed the in-flight transaction's inclusion against a false canonicity challenge.
    RespondedToChallenge,
    /// Showed the spend of a piggybacked leg (and collected its bond).
    ChallengedPiggyback {
        /// The leg.
        leg: u8,
    },
}

impl WatcherEvent {
    /// Whether the event calls for people to act.
    pub fn is_alarm(&self) -> bool {
        !matches!(
            self,
            WatcherEvent::BlockVerified { .. }
                | WatcherEvent::ExitChallenged { .. }
                | WatcherEvent::ExitStartedFor { .. }
                | WatcherEvent::InFlightExitActed { .. }
                | WatcherEvent::BatchEntryActed { .. }
                | WatcherEvent::BatchExitStartedFor { .. }
                | WatcherEvent::MassExitProgress { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The API's event fields read as docs/watcher.md and every other API name them:
    /// camelCase, ids and hashes in hex.
    #[test]
    fn events_serialize_with_camel_case_fields_and_hex_ids() {
        let event = WatcherEvent::InvalidExit {
            exit_id: U256::from(0xabcu64),
            utxo_pos: U256::from(1_000_000_000u64),
            spent_in: B256::repeat_byte(1),
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["kind"], "invalidExit");
        assert_eq!(json["exitId"], "0xabc");
        assert_eq!(json["utxoPos"], "0x3b9aca00");
        assert_eq!(json["spentIn"], B256::repeat_byte(1).to_string());
        assert!(json.get("exit_id").is_none(), "{json}");
    }
}
