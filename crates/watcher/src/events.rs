//! What the watcher reports: each event carries its evidence.

use alloy_primitives::{Address, B256, U256};
use serde::Serialize;

/// Something the watcher saw or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
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
    InvalidBlock {
        /// Block number.
        blknum: u64,
        /// What is wrong, naming the transaction.
        reason: String,
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
}

impl WatcherEvent {
    /// Whether the event calls for people to act.
    pub fn is_alarm(&self) -> bool {
        !matches!(
            self,
            WatcherEvent::BlockVerified { .. }
                | WatcherEvent::ExitChallenged { .. }
                | WatcherEvent::ExitStartedFor { .. }
        )
    }
}
