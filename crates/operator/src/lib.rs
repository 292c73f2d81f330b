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
mod cash_node;
mod commit;
mod config;
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
pub use cash_node::{CashNode, CashNodeConfig};
pub use config::OperatorConfig;
pub use error::OperatorError;
pub use node::OperatorNode;
// The wire contract and the server limits are `plasma-api`'s, `plasma-cash`'s and
// `plasma-server`'s; re-exported so that the node's users (the binary, the harness) name one
// crate.
pub use plasma_cash::api::{
    CashApiClient, CashApiServer, CashStatus, CashSubmitResult, CashTransfer, CheckpointProofData,
    CoinHistoryData, HistoryEntryData, MAX_CASH_BATCH,
};
pub use plasma_server::{ApiLimits, serve_api};
pub use startup::{MIN_BLOCK_INTERVALS_PER_EXIT_PERIOD, StartupError};
