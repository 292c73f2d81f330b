//! The operator's settings, with defaults that work on a laptop.

use crate::ApiLimits;
use plasma_ledger::FeePolicy;
use std::{net::SocketAddr, time::Duration};

/// How the operator runs.
#[derive(Debug, Clone)]
pub struct OperatorConfig {
    /// Where the JSON-RPC API listens.
    pub rpc_addr: SocketAddr,
    /// A block is sealed at most this long after the previous one (if it has transactions),
    /// or as soon as it holds 65,536 transactions.
    pub block_interval: Duration,
    /// Minimum fees.
    pub fees: FeePolicy,
    /// The root-chain block to start reading deposits and exits from (the deployment block),
    /// used when the store has no cursor yet.
    pub l1_start_block: u64,
    /// The root chain's id, checked at start when set.
    pub expected_chain_id: Option<u64>,
    /// Blocks a root-chain event must be buried under before the operator acts on it.
    pub l1_confirmations: u64,
    /// How often to poll the root chain.
    pub l1_poll_interval: Duration,
    /// Submissions waiting for the sequencer before new ones are refused as busy.
    pub intake_capacity: usize,
    /// Most transactions in one `submitTxs` call.
    pub max_batch_txs: usize,
    /// What the API accepts from its clients: sizes, batches, connections, timeouts.
    pub api: ApiLimits,
}

impl Default for OperatorConfig {
    fn default() -> Self {
        Self {
            rpc_addr: SocketAddr::from(([127, 0, 0, 1], 8545 + 1000)),
            block_interval: Duration::from_secs(1),
            fees: FeePolicy::free(),
            l1_start_block: 0,
            expected_chain_id: None,
            l1_confirmations: 0,
            l1_poll_interval: Duration::from_millis(500),
            intake_capacity: 256,
            max_batch_txs: 1000,
            api: ApiLimits::default(),
        }
    }
}
