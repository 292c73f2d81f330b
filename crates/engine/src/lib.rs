//! The node engine: what keeps any child chain safe against its root chain, written once and
//! naming no family. The payment chain's node (`plasma-operator`) and Plasma Cash's
//! (`plasma_cash::node`, feature `node`) plug in through two small traits:
//!
//! - [`FollowLogs`]: what the family does with the contract logs [`follow`] reads once they
//!   are confirmed; a reorg deeper than the confirmation depth stops the node.
//! - [`RootContract`] and [`SealedRoots`]: the family's contract client and its sealed blocks,
//!   for [`commit_pending`], which commits every sealed root exactly once, in order, after
//!   [`wait_for_in_flight`], and fails stop on any disagreement ([`OperatorError::Diverged`]).
//!
//! - [`start_journal_writer`]: group commit on a node's [`plasma_storage::Journal`], for a
//!   family that journals its changes (Plasma Cash; the payment node's sequencer commits its
//!   own log in groups, for throughput).
//!
//! Also here: the start-up checks that refuse a configuration that cannot work
//! ([`StartupError`]), the stored form of the last root-chain block read, and the API limits
//! every node serves with ([`ApiLimits`], [`serve_api`]).

mod block_info;
mod checks;
mod commit;
mod error;
mod follow;
mod in_flight;
mod journal_writer;

pub use block_info::{decode_block_info, encode_block_info};
pub use checks::{
    MIN_BLOCK_INTERVALS_PER_EXIT_PERIOD, StartupError, check_chain_id, check_code, check_operator,
    check_period,
};
pub use commit::{RootContract, SealedRoots, commit_pending};
pub use error::OperatorError;
pub use follow::{FollowLogs, follow};
pub use in_flight::wait_for_in_flight;
pub use journal_writer::{Durable, JournalQueue, JournalWriter, QueuedWrite, start_journal_writer};
pub use plasma_server::{ApiLimits, serve_api};

/// A JSON-RPC error with `code` (a family's error code) and `message`.
pub fn rpc_error(code: i32, message: impl Into<String>) -> jsonrpsee::types::ErrorObjectOwned {
    jsonrpsee::types::ErrorObjectOwned::owned(code, message.into(), None::<()>)
}
