//! The operator: the child chain that users send payments to.
//!
//! ```text
//!  API (jsonrpsee) ──verify on all cores──▶ sequencer thread ──group commit──▶ store (redb)
//!                                            │   ▲                                   │
//!                              seal every    │   │ deposits, exits                   │ sealed
//!                              interval/full ▼   │                                   ▼
//!                                         ledger  listener ◀── root chain ──▶ submitter
//! ```
//! - A transaction is acknowledged only once its log entry is durable; many requests share
//!   one disk sync (group commit).
//! - After a crash the node replays the log onto the last sealed state, and the submitter
//!   asks the contract which block comes next, so no root is skipped or submitted twice.
//!
//! [`CashNode`] runs a Plasma Cash chain instead (`plasma_cash::CashChain` behind a `cash_*`
//! API), committing its sparse-Merkle roots to the `PlasmaCash` contract.

mod api;
mod commit;
mod config;
pub mod engine;
mod error;
mod follow;
mod listener;
mod node;
mod rpc;
mod sequencer;
mod startup;
mod submitter;

pub use api::{
    BlockData, ExitData, OperatorApiClient, OperatorApiServer, Status, SubmitResult, TokenBalance,
    TxAck, TxData, Utxo, UtxoPage, codes,
};
pub use config::OperatorConfig;
pub use error::OperatorError;
pub use node::OperatorNode;
// The server limits are `plasma-server`'s; re-exported so that the node's users (the binary,
// the harness) name one crate.
pub use plasma_server::{ApiLimits, serve_api};
pub use startup::{MIN_BLOCK_INTERVALS_PER_EXIT_PERIOD, StartupError};
