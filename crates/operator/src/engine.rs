//! The node engine's pieces, public for the families' nodes (Plasma Cash's is
//! `plasma_cash::node`, feature `node`): what keeps any child chain safe against its root
//! chain, written once. The payment chain's node (`OperatorNode`) uses the same pieces.

pub use crate::api::error as rpc_error;
pub use crate::commit::{RootContract, SealedRoots, commit_pending};
pub use crate::follow::{FollowLogs, follow};
pub use crate::sequencer::{decode_block_info, encode_block_info};
pub use crate::startup::{check_chain_id, check_code, check_operator, check_period};
pub use crate::submitter::wait_for_in_flight;
