//! Checks made before a node serves anything: a configuration that cannot work is refused
//! with the values that disagree, instead of a node that acknowledges payments it can never
//! commit (a key that is not the contract's operator gets `NotOperator` on every root).

use plasma_primitives::Address;
use plasma_rootchain::{RootChain, RootChainError};
use std::time::Duration;

/// A contract's exit (or maturity) period must hold at least this many block intervals: a
/// payment acknowledged now is in a committed block within one interval, and at least half of
/// the period then remains for its owner to exit, or to challenge an exit around it.
pub const MIN_BLOCK_INTERVALS_PER_EXIT_PERIOD: u64 = 2;

/// Why a node refuses to start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartupError {
    /// The key is not the one the contract accepts roots from.
    #[error(
        "the node's key {key} is not the {contract}'s operator {operator}: every block root \
         would be refused (NotOperator); start the node with the operator's key"
    )]
    NotOperator {
        /// Which contract (`framework`, `PlasmaCash contract`).
        contract: &'static str,
        /// The node's account.
        key: Address,
        /// The contract's operator.
        operator: Address,
    },
    /// The root-chain client cannot sign for the node's account.
    #[error("the root-chain client holds no key for the operator account {0}")]
    KeyNotHeld(Address),
    /// The root chain is not the configured one.
    #[error("the root chain has chain id {actual}; the configuration expects {expected}")]
    WrongChain {
        /// The configured chain id.
        expected: u64,
        /// The root chain's.
        actual: u64,
    },
    /// A configured contract address holds no code on this root chain.
    #[error("no contract at {address} on the root chain (the {what})")]
    NoCode {
        /// Which contract.
        what: &'static str,
        /// The address.
        address: Address,
    },
    /// Blocks come too rarely for the exit period.
    #[error(
        "the {what} is {period_secs} s but a block is sealed every {interval_secs} s: it must \
         hold at least {MIN_BLOCK_INTERVALS_PER_EXIT_PERIOD} block intervals"
    )]
    ExitPeriodTooShort {
        /// Which period (`framework's minimum exit period`, `PlasmaCash maturity period`).
        what: &'static str,
        /// The contract's period, in seconds.
        period_secs: u64,
        /// The node's block interval, in seconds.
        interval_secs: u64,
    },
    /// The root chain could not be asked.
    #[error(transparent)]
    RootChain(#[from] RootChainError),
}

/// `StartupError::WrongChain` unless the root chain is `expected` (when given).
pub async fn check_chain_id<C: RootChain>(
    chain: &C,
    expected: Option<u64>,
) -> Result<(), StartupError> {
    let Some(expected) = expected else { return Ok(()) };
    let actual = chain.chain_id().await?;
    if actual != expected {
        return Err(StartupError::WrongChain { expected, actual });
    }
    Ok(())
}

/// `StartupError::NoCode` unless `address` (the contract `what`) holds code.
pub async fn check_code<C: RootChain>(
    chain: &C,
    what: &'static str,
    address: Address,
) -> Result<(), StartupError> {
    if chain.code(address).await?.is_empty() {
        return Err(StartupError::NoCode { what, address });
    }
    Ok(())
}

/// The node's `key` must be `contract`'s operator and held by the chain client.
pub fn check_operator<C: RootChain>(
    chain: &C,
    contract: &'static str,
    key: Address,
    operator: Address,
) -> Result<(), StartupError> {
    if key != operator {
        return Err(StartupError::NotOperator { contract, key, operator });
    }
    if !chain.accounts().contains(&key) {
        return Err(StartupError::KeyNotHeld(key));
    }
    Ok(())
}

/// The exit (or maturity) period `what` must span enough block intervals for a watcher to
/// see a block and act before an exit of it matures.
pub fn check_period(
    what: &'static str,
    period_secs: u64,
    block_interval: Duration,
) -> Result<(), StartupError> {
    let needed = block_interval.as_secs_f64() * MIN_BLOCK_INTERVALS_PER_EXIT_PERIOD as f64;
    if (period_secs as f64) < needed {
        let interval_secs = block_interval.as_secs_f64().ceil() as u64;
        return Err(StartupError::ExitPeriodTooShort { what, period_secs, interval_secs });
    }
    Ok(())
}
