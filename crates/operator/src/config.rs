//! The operator's settings, with defaults that work on a laptop.

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
    /// Blocks a root-chain event must be buried under before the operator acts on it.
    pub l1_confirmations: u64,
    /// How often to poll the root chain.
    pub l1_poll_interval: Duration,
    /// Submissions waiting for the sequencer before new ones are refused as busy.
    pub intake_capacity: usize,
    /// Most transactions in one `submitTxs` call.
    pub max_batch_txs: usize,
    /// Largest JSON-RPC request body, in bytes.
    pub max_request_bytes: u32,
    /// Largest JSON-RPC response body, in bytes (a full block is about 32 MiB of hex).
    pub max_response_bytes: u32,
    /// Most JSON-RPC calls in one batch request.
    pub max_rpc_batch: u32,
    /// Most concurrent connections.
    pub max_connections: u32,
}

impl Default for OperatorConfig {
    fn default() -> Self {
        Self {
            rpc_addr: SocketAddr::from(([127, 0, 0, 1], 8545 + 1000)),
            block_interval: Duration::from_secs(1),
            fees: FeePolicy::free(),
            l1_start_block: 0,
            l1_confirmations: 0,
            l1_poll_interval: Duration::from_millis(500),
            intake_capacity: 256,
            max_batch_txs: 1000,
            max_request_bytes: 2 * 1024 * 1024,
            max_response_bytes: 64 * 1024 * 1024,
            max_rpc_batch: 100,
            max_connections: 256,
        }
    }
}
