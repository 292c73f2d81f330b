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
//! The follower, the root committer, the start-up checks and the API limits are the node
//! engine's (`plasma-engine`), which Plasma Cash's node (`plasma_cash::node`) runs on too.

mod config;
mod listener;
mod node;
mod rpc;
mod sequencer;
mod startup;
mod submitter;

pub use config::OperatorConfig;
pub use node::OperatorNode;
// The API is `plasma-api`'s and the node's errors and limits are the engine's; re-exported so
// that the node's users (the binary, the harness) name one crate.
pub use plasma_api::{
    BlockData, ExitData, FeeQuote, FeeRateInfo, OperatorApiClient, OperatorApiServer,
    ScheduledRates, Status, SubmitResult, TokenBalance, TxAck, TxData, Utxo, UtxoPage, codes,
};
pub use plasma_engine::{
    ApiLimits, MIN_BLOCK_INTERVALS_PER_EXIT_PERIOD, OperatorError, StartupError, serve_api,
};
