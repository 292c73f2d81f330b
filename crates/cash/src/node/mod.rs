//! The operator of a Plasma Cash chain (feature `node`), on the node engine (`plasma-engine`): the
//! same safety as the payment node, another chain kind. It follows the
//! `PlasmaCash` contract's deposits and exits, takes signed coin transfers over JSON-RPC
//! (`cash_*`), seals a block every interval and commits its root, and serves each coin's
//! history (its spends and proofs of inclusion or non-inclusion in every block) so owners can
//! verify it themselves. The chain's rules are `plasma_cash::CashChain`'s.
//!
//! Durability: every change the node makes (an accepted transfer, a deposit or exit seen on
//! the root chain, a seal) is an entry of its [`Journal`], written before it is acknowledged
//! (the root-chain cursor with the events it covers); a restart replays the journal, and the
//! committer asks the contract which block comes next, so no root is skipped or doubled.
//! Entries are queued in the chain's order, under its lock, to the engine's journal writer
//! (`plasma_engine::start_journal_writer`), one thread that appends whatever is queued with
//! one disk sync (group commit) and then answers each.

use crate::api::{
    CashApiServer, CashStatus, CashSubmitResult, CashTransfer, CheckpointProofData,
    CoinHistoryData, CoinPage, MAX_CASH_BATCH, MAX_COIN_PAGE,
};
use crate::{CashChain, CashEvent, PlasmaCashContract, numbering::BLOCK_INTERVAL};
use alloy_primitives::{Address, B256, Bytes};
use jsonrpsee::{core::RpcResult, server::ServerHandle};
use plasma_api::codes;
use plasma_engine::{
    ApiLimits, JournalQueue, JournalWriter, OperatorError, QueuedWrite, StartupError, serve_api,
    start_journal_writer,
};
use plasma_engine::{
    FollowLogs, RootContract, SealedRoots, check_chain_id, check_code, check_operator,
    check_period, commit_pending, decode_block_info, encode_block_info, follow, rpc_error as error,
    wait_for_in_flight,
};
use plasma_primitives::U256;
use plasma_primitives::cash::{CashSignature, CashTx};
use plasma_rootchain::{BlockInfo, ChainLog, EventCursor, RootChain, RootChainError};
use plasma_storage::{Journal, RootChainMark};
use serde::{Deserialize, Serialize};
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::task::JoinSet;

mod api;
mod root;

use api::Api;
use root::{Follower, check_cash_node, seal_and_commit};

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
    /// Blocks a root-chain event must be buried under before the node acts on it.
    pub l1_confirmations: u64,
    /// Commit an XT checkpoint of coin ownership every this many operator blocks (`None`:
    /// never). Owners then drop the history before a final one.
    pub checkpoint_every: Option<u64>,
    /// What the API accepts from its clients: sizes, batches, connections, timeouts.
    pub api: ApiLimits,
    /// The root chain's id, checked at start when set.
    pub expected_chain_id: Option<u64>,
}

/// One change to the chain, as journaled.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Entry {
    Deposit { slot: u64, block: u64, owner: Address, denomination: U256 },
    Transfer { tx: Bytes, signature: Bytes },
    Seal,
    ExitStarted { slot: u64 },
    ExitCancelled { slot: u64 },
    ExitFinalized { slot: u64 },
    Withdrawn { slot: u64 },
}

impl Entry {
    /// Applies the change to `chain`, or says why it does not apply.
    fn apply(&self, chain: &mut CashChain) -> Result<(), String> {
        let done = match *self {
            Entry::Deposit { slot, block, owner, denomination } => {
                chain.deposit(slot, block, owner, denomination)
            }
            Entry::Transfer { ref tx, ref signature } => {
                let tx = CashTx::decode(tx).map_err(|e| e.to_string())?;
                let sig = CashSignature::from_slice(signature).map_err(|e| e.to_string())?;
                chain.submit(tx, sig).map(drop)
            }
            Entry::Seal => chain.seal().map(drop),
            Entry::ExitStarted { slot } => chain.exit(slot),
            Entry::ExitCancelled { slot } => chain.exit_cancelled(slot),
            Entry::ExitFinalized { slot } => chain.exit_finalized(slot),
            Entry::Withdrawn { slot } => chain.withdrawn(slot),
        };
        done.map_err(|e| e.to_string())
    }

    fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("entries serialize")
    }
}

struct Shared {
    chain: Mutex<CashChain>,
    journal: JournalQueue,
    last_submitted: Mutex<u64>,
    /// The newest root-chain block the follower has read: checked before each commit, so a
    /// reorganisation deeper than the confirmation depth stops the node before it commits a
    /// block built on deposits that no longer exist.
    l1_last_read: Mutex<Option<plasma_rootchain::BlockInfo>>,
    /// Set when the journal failed: the node stops acknowledging anything.
    failure: Arc<Mutex<Option<String>>>,
}

impl Shared {
    fn chain(&self) -> std::sync::MutexGuard<'_, CashChain> {
        self.chain.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops acknowledging, saying why (fail-stop).
    fn fail(&self, reason: String) {
        tracing::error!(%reason, "the Cash node stopped");
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
    }

    fn failure(&self) -> Option<String> {
        self.failure.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Queues `entries` (already applied to the chain, whose lock the caller holds, so the
    /// journal keeps the chain's order) for the journal writer; await the answer before
    /// acknowledging anything that depends on them.
    fn journal(&self, entries: &[Entry], cursor: Option<RootChainMark>) -> QueuedWrite {
        self.journal.write(entries.iter().map(Entry::encode).collect(), cursor)
    }
}

/// A running Cash node.
pub struct CashNode {
    rpc_addr: SocketAddr,
    shared: Arc<Shared>,
    server: ServerHandle,
    tasks: JoinSet<()>,
    writer: JournalWriter,
}

impl CashNode {
    /// Starts following `contract` and serving; `operator` must be an account the root-chain
    /// client can send from, and the contract's operator.
    pub async fn start<C: RootChain + 'static>(
        config: CashNodeConfig,
        contract: Arc<PlasmaCashContract<C>>,
        operator: Address,
        journal: Arc<Journal>,
    ) -> std::io::Result<Self> {
        let (chain_id, interval) = (config.expected_chain_id, config.block_interval);
        check_cash_node(&contract, operator, chain_id, interval)
            .await
            .map_err(std::io::Error::other)?;
        let (chain, cursor, last_read) = recover(&journal, config.l1_start_block)?;
        let failure = Arc::new(Mutex::new(None));
        let (queue, writer) = start_journal_writer("cash-journal", journal, failure.clone())?;
        let shared = Arc::new(Shared {
            chain: Mutex::new(chain),
            journal: queue,
            last_submitted: Mutex::new(0),
            l1_last_read: Mutex::new(last_read),
            failure,
        });
        let api = Api { shared: shared.clone(), contract: contract.clone() };
        let (rpc_addr, server) = serve_api(&config.api, config.rpc_addr, api.into_rpc()).await?;
        let mut tasks = JoinSet::new();
        let poll = config.l1_poll_interval;
        let events = EventCursor::new(vec![contract.address()], cursor, config.l1_confirmations)
            .resumed(last_read);
        let follower = Follower { shared: shared.clone(), contract: contract.clone(), operator };
        let chain = contract.chain().clone();
        tasks.spawn(async move { follow(chain.as_ref(), events, poll, follower).await });
        tasks.spawn(seal_and_commit(shared.clone(), contract, operator, config));
        Ok(Self { rpc_addr, shared, server, tasks, writer })
    }

    /// Where the API listens.
    pub fn rpc_addr(&self) -> SocketAddr {
        self.rpc_addr
    }

    /// Submits transfers in-process, through exactly the path of `cash_submitTxs` minus HTTP
    /// (at most [`MAX_CASH_BATCH`]): one result each, or why none was taken.
    pub async fn submit(
        &self,
        transfers: Vec<CashTransfer>,
    ) -> Result<Vec<CashSubmitResult>, String> {
        // A task of its own, as the server runs each request.
        let shared = self.shared.clone();
        tokio::spawn(async move { api::submit_transfers(&shared, transfers).await })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.message().to_owned())
    }

    /// Stops the API and the background tasks, then the journal writer once what is queued
    /// is durable (the journal's file is closed when this returns).
    pub async fn stop(mut self) {
        let _ = self.server.stop();
        self.server.clone().stopped().await;
        self.tasks.shutdown().await;
        self.writer.stop().await;
    }
}

/// Replays the journal into a fresh chain; returns it, the root-chain block to read from and
/// the last block read before (checked at the first poll: a reorg while down stops the node).
fn recover(
    journal: &Journal,
    start_block: u64,
) -> std::io::Result<(CashChain, u64, Option<BlockInfo>)> {
    let (entries, mark) = journal.load().map_err(std::io::Error::other)?;
    let mut chain = CashChain::new();
    for (n, bytes) in entries.iter().enumerate() {
        let entry: Entry = serde_json::from_slice(bytes)
            .map_err(|e| std::io::Error::other(format!("journal entry {n}: {e}")))?;
        if let Err(e) = entry.apply(&mut chain) {
            return Err(std::io::Error::other(format!("journal entry {n} does not replay: {e}")));
        }
    }
    if !entries.is_empty() {
        tracing::info!(entries = entries.len(), "Cash chain recovered from its journal");
    }
    let last_read = match mark.as_ref().and_then(|m| m.last_read.as_deref()) {
        Some(bytes) => Some(decode_block_info(bytes).ok_or_else(|| {
            std::io::Error::other("the journal's last root-chain block read is not 48 bytes")
        })?),
        None => None,
    };
    Ok((chain, mark.map_or(start_block, |m| m.next_block), last_read))
}

/// The journal entry a root-chain event makes, if any.
fn entry_of(event: CashEvent) -> Option<Entry> {
    Some(match event {
        CashEvent::Deposit { slot, blknum, denomination, from, .. } => {
            Entry::Deposit { slot, block: blknum, owner: from, denomination }
        }
        CashEvent::ExitStarted { slot, .. } => Entry::ExitStarted { slot },
        CashEvent::ExitCancelled { slot, .. } => Entry::ExitCancelled { slot },
        CashEvent::ExitFinalized { slot, .. } => Entry::ExitFinalized { slot },
        CashEvent::Withdrawn { slot, .. } => Entry::Withdrawn { slot },
        _ => return None,
    })
}

/// Decodes a transfer and recovers its signer: the work done before the chain is locked.
fn recover_transfer(
    tx: &[u8],
    signature: &[u8],
) -> Result<crate::RecoveredSpend, jsonrpsee::types::ErrorObjectOwned> {
    let decoded = CashTx::decode(tx).map_err(|e| error(codes::MALFORMED_TX, e.to_string()))?;
    let sig = CashSignature::from_slice(signature)
        .map_err(|e| error(codes::MALFORMED_TX, e.to_string()))?;
    crate::RecoveredSpend::recover(decoded, sig)
        .map_err(|e| error(codes::INVALID_TX, e.to_string()))
}
