//! What can go wrong talking to the root chain, each case saying which value was at fault.

use alloy_primitives::{Address, B256, Bytes};
use std::time::Duration;

/// A root-chain failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RootChainError {
    /// The endpoint did not answer (after retries).
    #[error("root chain at {url} is unreachable: {reason}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// The last transport error.
        reason: String,
    },
    /// The endpoint serves another chain.
    #[error("root chain id is {found}, expected {expected}")]
    WrongChainId {
        /// The configured chain id.
        expected: u64,
        /// The chain id the endpoint reports.
        found: u64,
    },
    /// An address that should hold a contract holds no code.
    #[error("no contract code at {0}")]
    NoCode(Address),
    /// The transaction or call reverted.
    #[error("reverted: {reason}")]
    Reverted {
        /// The decoded reason (error name and arguments where known).
        reason: String,
        /// The raw revert data.
        data: Bytes,
        /// Gas used, for a mined transaction.
        gas_used: Option<u64>,
        /// The transaction's hash, for a mined transaction.
        tx_hash: Option<B256>,
    },
    /// Execution stopped abnormally (out of gas, invalid opcode…).
    #[error("halted: {0}")]
    Halted(String),
    /// The node refused the transaction before executing it (nonce, funds, gas…).
    #[error("transaction rejected: {0}")]
    Rejected(String),
    /// A sender this chain holds no key for.
    #[error("no key for sender {0}")]
    UnknownAccount(Address),
    /// A wait that did not end in time.
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long.
        after: Duration,
    },
    /// A reorganisation deeper than the confirmations the reader waits for.
    #[error(
        "block {number} changed hash from {was} to {now}: reorg deeper than the confirmation depth"
    )]
    DeepReorg {
        /// The block whose hash changed.
        number: u64,
        /// The hash seen before.
        was: B256,
        /// The hash seen now.
        now: B256,
    },
    /// A snapshot id that does not exist (or was already reverted past).
    #[error("unknown snapshot {0}")]
    UnknownSnapshot(u64),
    /// Any other error from the node or the transport.
    #[error("root chain error: {0}")]
    Other(String),
}
