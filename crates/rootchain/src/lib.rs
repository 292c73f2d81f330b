//! The root chain, behind one trait.
//!
//! [`RootChain`] is what the operator, the watcher and the wallet need of Ethereum: send a
//! transaction and get its receipt, call, read logs, blocks, balances and code. Two
//! implementations run the same code paths:
//! - [`EmbeddedChain`]: revm in this process, for the demo, tests and benchmarks;
//! - [`RpcChain`]: any JSON-RPC endpoint (anvil in the integration tests, a real node in
//!   production), with retries, deadlines, and gas-price resubmission.
//!
//! [`DevChain`] adds what only development chains allow (moving the clock, snapshots);
//! [`Anvil`] starts a real node from the pinned npm package. No contract's client lives here:
//! the payment framework's is `plasma-framework`, each family's is in its crate.

mod accounts;
mod anvil;
mod bound;
mod chain;
mod embedded;
mod error;
mod events;
pub mod revert;
mod rpc;

pub use accounts::{DEV_ACCOUNTS, dev_key, dev_keys};
pub use anvil::Anvil;
pub use bound::BoundContract;
pub use chain::{BlockInfo, ChainLog, DevChain, Receipt, Result, RootChain, TxRequest};
pub use embedded::{EmbeddedChain, EmbeddedConfig, MiningMode};
pub use error::{RootChainError, exit_id_160, narrow};
pub use events::{DEV_CHAIN_IDS, EventCursor, default_confirmations, still_canonical};
pub use rpc::{GasPolicy, RpcChain, RpcConfig};
