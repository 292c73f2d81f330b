//! The operator of a Plasma Cash chain: the same node, another chain kind. It follows the
//! `PlasmaCash` contract's deposits and exits, takes signed coin transfers over JSON-RPC
//! (`cash_*`), seals a block every interval and commits its root, and serves each coin's
//! history (its spends and proofs of inclusion or non-inclusion in every block) so owners can
//! verify it themselves. The chain's rules are `plasma_cash::CashChain`'s.
//!
//! Limits (see docs/operations.md): the chain is held in memory; a restart loses the pending
//! block and the histories (the payment node's log and redb store are not wired to it yet).

use crate::api::{codes, error};
use alloy_primitives::{Address, B256, Bytes};
use jsonrpsee::{
    core::RpcResult,
    proc_macros::rpc,
    server::{Server, ServerHandle},
};
use plasma_cash::{BlockEntry, CashChain, CoinHistory, Origin, Spend};
use plasma_primitives::cash::{CashSignature, CashTx};
use plasma_rootchain::{CashEvent, EventCursor, PlasmaCashContract, RootChain};
use serde::{Deserialize, Serialize};
use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::task::JoinSet;

/// How the Cash node runs.
#[derive(Debug, Clone)]
pub struct CashNodeConfig {
    /// Where the API listens.
    pub rpc_addr: SocketAddr,
    /// How often a block with spends is sealed and committed.
    pub block_interval: Duration,
    /// How often the root chain is read.
    pub l1_poll_interval: Duration,
    /// The root-chain block to read events from (the contract's deployment).
    pub l1_start_block: u64,
}

/// One block's entry of a coin's history, as served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntryData {
    /// The operator block.
    pub block: u64,
    /// The coin's transfer in it (RLP), if it moved there.
    pub tx: Option<Bytes>,
    /// The transfer's 66-byte signature.
    pub signature: Option<Bytes>,
    /// The bitmap proof of the transfer, or of the empty leaf at the coin's slot.
    pub proof: Bytes,
}

/// A coin's history from its deposit, as served (the owner verifies it against L1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoinHistoryData {
    /// The coin.
    pub slot: u64,
    /// Every sealed operator block since the deposit, in order.
    pub entries: Vec<HistoryEntryData>,
}

impl CoinHistoryData {
    fn from_history(history: &CoinHistory) -> Self {
        let entries = history
            .entries
            .iter()
            .map(|e| HistoryEntryData {
                block: e.block,
                tx: e.spend.map(|s| s.tx.encode().into()),
                signature: e.spend.map(|s| s.signature.to_bytes().to_vec().into()),
                proof: e.proof.clone().into(),
            })
            .collect();
        Self { slot: history.slot, entries }
    }

    /// The history for verification; `Err` names the block whose data does not decode.
    pub fn into_history(self) -> Result<CoinHistory, String> {
        let entries = self
            .entries
            .into_iter()
            .map(|e| {
                let spend = match (e.tx, e.signature) {
                    (None, None) => None,
                    (Some(tx), Some(sig)) => Some(Spend {
                        tx: CashTx::decode(&tx)
                            .map_err(|err| format!("block {}: {err}", e.block))?,
                        signature: CashSignature::from_slice(&sig)
                            .map_err(|err| format!("block {}: {err}", e.block))?,
                    }),
                    _ => return Err(format!("block {}: a transfer without a signature", e.block)),
                };
                Ok(BlockEntry { block: e.block, spend, proof: e.proof.to_vec() })
            })
            .collect::<Result<_, String>>()?;
        Ok(CoinHistory { slot: self.slot, origin: Origin::Deposit, entries })
    }
}

/// The Cash node's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CashStatus {
    /// The block being filled.
    pub pending_block: u64,
    /// Transfers waiting in it.
    pub pending_txs: u64,
    /// The last block committed on the root chain (0 if none).
    pub last_submitted_block: u64,
    /// Coins deposited.
    pub coins: u64,
}

/// The Cash node's API (namespace `cash`).
#[rpc(server, client, namespace = "cash")]
pub trait CashApi {
    /// Submits a coin transfer signed by the coin's owner; returns its hash.
    #[method(name = "submitTx")]
    async fn submit_tx(&self, tx: Bytes, signature: Bytes) -> RpcResult<B256>;

    /// The coin's history since its deposit, with a proof for every sealed block.
    #[method(name = "getCoinHistory")]
    async fn get_coin_history(&self, slot: u64) -> RpcResult<CoinHistoryData>;

    /// Progress.
    #[method(name = "status")]
    async fn status(&self) -> RpcResult<CashStatus>;
}

struct Shared {
    chain: Mutex<CashChain>,
    last_submitted: Mutex<u64>,
}

impl Shared {
    fn chain(&self) -> std::sync::MutexGuard<'_, CashChain> {
        self.chain.lock().unwrap_or_else(|p| p.into_inner())
    }
}

struct Api {
    shared: Arc<Shared>,
}

#[jsonrpsee::core::async_trait]
impl CashApiServer for Api {
    async fn submit_tx(&self, tx: Bytes, signature: Bytes) -> RpcResult<B256> {
        let tx = CashTx::decode(&tx).map_err(|e| error(codes::MALFORMED_TX, e.to_string()))?;
        let sig = CashSignature::from_slice(&signature)
            .map_err(|e| error(codes::MALFORMED_TX, e.to_string()))?;
        self.shared.chain().submit(tx, sig).map_err(|e| error(codes::INVALID_TX, e.to_string()))
    }

    async fn get_coin_history(&self, slot: u64) -> RpcResult<CoinHistoryData> {
        let history = self
            .shared
            .chain()
            .coin_history(slot)
            .map_err(|e| error(codes::NOT_FOUND, e.to_string()))?;
        Ok(CoinHistoryData::from_history(&history))
    }

    async fn status(&self) -> RpcResult<CashStatus> {
        let chain = self.shared.chain();
        Ok(CashStatus {
            pending_block: chain.pending_number(),
            pending_txs: chain.pending_len() as u64,
            last_submitted_block: *self
                .shared
                .last_submitted
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
            coins: chain.coin_count() as u64,
        })
    }
}

/// A running Cash node.
pub struct CashNode {
    rpc_addr: SocketAddr,
    server: ServerHandle,
    tasks: JoinSet<()>,
}

impl CashNode {
    /// Starts following `contract` and serving; `operator` must be an account the root-chain
    /// client can send from, and the contract's operator.
    pub async fn start<C: RootChain + 'static>(
        config: CashNodeConfig,
        contract: Arc<PlasmaCashContract<C>>,
        operator: Address,
    ) -> std::io::Result<Self> {
        let shared =
            Arc::new(Shared { chain: Mutex::new(CashChain::new()), last_submitted: Mutex::new(0) });
        let server = Server::builder().build(config.rpc_addr).await?;
        let rpc_addr = server.local_addr()?;
        let server = server.start(Api { shared: shared.clone() }.into_rpc());
        let mut tasks = JoinSet::new();
        tasks.spawn(follow(shared.clone(), contract.clone(), config.clone()));
        tasks.spawn(seal_and_commit(shared, contract, operator, config.block_interval));
        Ok(Self { rpc_addr, server, tasks })
    }

    /// Where the API listens.
    pub fn rpc_addr(&self) -> SocketAddr {
        self.rpc_addr
    }

    /// Stops the API and the background tasks.
    pub async fn stop(mut self) {
        let _ = self.server.stop();
        self.server.clone().stopped().await;
        self.tasks.shutdown().await;
    }
}

/// Applies the contract's deposits and exits to the chain, in order.
async fn follow<C: RootChain>(
    shared: Arc<Shared>,
    contract: Arc<PlasmaCashContract<C>>,
    config: CashNodeConfig,
) {
    let mut cursor = EventCursor::new(vec![contract.address()], config.l1_start_block, 0);
    loop {
        match cursor.poll(contract.chain().as_ref()).await {
            Ok(logs) => {
                for log in logs {
                    let Some(event) = contract.decode(&log) else { continue };
                    let mut chain = shared.chain();
                    let applied = match event {
                        CashEvent::Deposit { slot, blknum, denomination, from, .. } => {
                            chain.deposit(slot, blknum, from, denomination)
                        }
                        CashEvent::ExitStarted { slot, .. } => chain.exit(slot),
                        CashEvent::ExitCancelled { slot, .. } => chain.exit_cancelled(slot),
                        CashEvent::ExitFinalized { slot, .. } => chain.exit_finalized(slot),
                        CashEvent::Withdrawn { slot, .. } => chain.withdrawn(slot),
                        _ => Ok(()),
                    };
                    if let Err(e) = applied {
                        tracing::debug!(%e, "root-chain event not applied");
                    }
                }
            }
            Err(e) => tracing::warn!(%e, "reading the root chain failed; retrying"),
        }
        tokio::time::sleep(config.l1_poll_interval).await;
    }
}

/// Every interval: seals the pending block if it has spends, then commits sealed roots in
/// order, each exactly once (the contract's next block number says what is already there).
async fn seal_and_commit<C: RootChain>(
    shared: Arc<Shared>,
    contract: Arc<PlasmaCashContract<C>>,
    operator: Address,
    interval: Duration,
) {
    let mut unsubmitted: VecDeque<(u64, B256)> = VecDeque::new();
    loop {
        tokio::time::sleep(interval).await;
        {
            let mut chain = shared.chain();
            if chain.pending_len() > 0 {
                match chain.seal() {
                    Ok(block) => unsubmitted.push_back((block.number, block.root)),
                    Err(e) => tracing::error!(%e, "sealing a Cash block failed"),
                }
            }
        }
        while let Some(&(number, root)) = unsubmitted.front() {
            match contract.next_child_block().await {
                Ok(next) if next > number => {
                    unsubmitted.pop_front(); // already on the root chain
                    continue;
                }
                Ok(next) if next < number => {
                    tracing::error!(number, next, "the root chain is behind the sealed blocks");
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(%e, "reading the next block number failed; retrying");
                    break;
                }
            }
            match contract.submit_block(operator, root).await {
                Ok(committed) => {
                    tracing::info!(number = committed, %root, "Cash block committed");
                    *shared.last_submitted.lock().unwrap_or_else(|p| p.into_inner()) = committed;
                    unsubmitted.pop_front();
                }
                Err(e) => {
                    tracing::warn!(%e, number, "committing a Cash block failed; retrying");
                    break;
                }
            }
        }
    }
}
