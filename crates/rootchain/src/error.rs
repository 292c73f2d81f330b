//! What can go wrong talking to the root chain, each case saying which value was at fault.

use alloy_primitives::{Address, B256, Bytes, U256};
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
    /// A number read from the root chain (or given for it) that does not fit where it goes:
    /// never truncated, never a panic.
    #[error("{what} is {value}, out of range")]
    OutOfRange {
        /// What the number is.
        what: &'static str,
        /// The number.
        value: U256,
    },
    /// A transaction that succeeded but did not emit the event it must emit.
    #[error("{call} emitted no {event}")]
    MissingEvent {
        /// The function called.
        call: &'static str,
        /// The event expected in its receipt.
        event: &'static str,
    },
    /// A deployment that succeeded but created no contract.
    #[error("{0}: no contract created")]
    NoContractCreated(String),
    /// A call's return data that does not decode as its ABI says.
    #[error("{call}: bad return data: {reason}")]
    BadReturn {
        /// The function's signature.
        call: &'static str,
        /// The decoder's complaint.
        reason: String,
    },
    /// The endpoint's URL or the client built on it is unusable.
    #[error("bad root-chain endpoint {url:?}: {reason}")]
    BadEndpoint {
        /// The configured URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// A signing key given to the client does not parse.
    #[error("bad signing key: {0}")]
    BadKey(String),
    /// The node answered but has no latest block.
    #[error("the root-chain node has no latest block")]
    NoHead,
    /// The anvil binary could not be started.
    #[error("cannot start anvil at {binary} ({reason}); run scripts/install-contracts-toolchain")]
    AnvilNotStarted {
        /// The binary tried.
        binary: std::path::PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// The transport failed in a way not named above (the node's own message).
    #[error("root-chain transport: {0}")]
    Transport(String),
    /// The embedded EVM failed outside the transaction (its database or configuration).
    #[error("embedded EVM: {0}")]
    Embedded(String),
}

impl RootChainError {
    /// Whether this is a revert with our contracts' custom error `name` (exactly that error,
    /// not one whose name merely contains it).
    pub fn reverted_with(&self, name: &str) -> bool {
        match self {
            Self::Reverted { data, .. } => {
                crate::revert::explain(data).is_some_and(|e| e.name == name)
            }
            _ => false,
        }
    }
}

/// `value` (a number read from the root chain, or given for it) as the integer `T`, or
/// [`RootChainError::OutOfRange`] naming `what`.
pub fn narrow<T, const BITS: usize, const LIMBS: usize>(
    value: alloy_primitives::Uint<BITS, LIMBS>,
    what: &'static str,
) -> Result<T, RootChainError>
where
    T: TryFrom<alloy_primitives::Uint<BITS, LIMBS>>,
{
    T::try_from(value).map_err(|_| RootChainError::OutOfRange { what, value: U256::from(value) })
}

/// An exit id as the exit game's functions take it (160 bits), or
/// [`RootChainError::OutOfRange`].
pub fn exit_id_160(exit_id: U256) -> Result<alloy_primitives::Uint<160, 3>, RootChainError> {
    use alloy_primitives::ruint::UintTryFrom;
    alloy_primitives::Uint::<160, 3>::uint_try_from(exit_id)
        .map_err(|_| RootChainError::OutOfRange { what: "exit id", value: exit_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_the_root_chain_are_narrowed_or_refused_never_truncated() {
        assert_eq!(narrow::<u64, 256, 4>(U256::from(7u64), "blknum").unwrap(), 7);
        let big = U256::from(u64::MAX) + U256::from(1u64);
        let err = narrow::<u64, 256, 4>(big, "blknum").unwrap_err();
        assert!(
            matches!(err, RootChainError::OutOfRange { what: "blknum", value } if value == big)
        );
        assert_eq!(err.to_string(), "blknum is 18446744073709551616, out of range");
        assert!(narrow::<u8, 256, 4>(U256::from(256u64), "legIndex").is_err());
        assert_eq!(exit_id_160(U256::from(5u64)).unwrap(), alloy_primitives::Uint::from(5u64));
        let too_big = U256::from(1u64) << 160;
        assert!(matches!(
            exit_id_160(too_big),
            Err(RootChainError::OutOfRange { what: "exit id", .. })
        ));
    }
}
