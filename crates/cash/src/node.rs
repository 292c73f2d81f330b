//! The operator of a Plasma Cash chain (feature `node`), on `plasma-operator`'s engine: the
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
//! Entries are queued in the chain's order, under its lock, to one writer thread that appends
//! whatever is queued with one disk sync (group commit) and then answers each.

use crate::api::{
    CashApiServer, CashStatus, CashSubmitResult, CashTransfer, CheckpointProofData,
    CoinHistoryData, MAX_CASH_BATCH,
};
use crate::{CashChain, CashEvent, PlasmaCashContract, numbering::BLOCK_INTERVAL};
use alloy_primitives::{Address, B256, Bytes};
use jsonrpsee::{core::RpcResult, server::ServerHandle};
use plasma_api::codes;
use plasma_operator::engine::{
    FollowLogs, RootContract, SealedRoots, check_chain_id, check_code, check_operator,
    check_period, commit_pending, decode_block_info, encode_block_info, follow, rpc_error as error,
    wait_for_in_flight,
};
use plasma_operator::{ApiLimits, OperatorError, StartupError, serve_api};
use plasma_primitives::U256;
use plasma_primitives::cash::{CashSignature, CashTx};
use plasma_rootchain::{BlockInfo, ChainLog, EventCursor, RootChain, RootChainError};
use plasma_storage::{Journal, RootChainMark};
use serde::{Deserialize, Serialize};
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};
use tokio::{sync::oneshot, task::JoinSet};

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
    to_journal: mpsc::Sender<JournalMsg>,
    last_submitted: Mutex<u64>,
    /// The newest root-chain block the follower has read: checked before each commit, so a
    /// reorganisation deeper than the confirmation depth stops the node before it commits a
    /// block built on deposits that no longer exist.
    l1_last_read: Mutex<Option<plasma_rootchain::BlockInfo>>,
    /// Set when the journal failed: the node stops acknowledging anything.
    failure: Arc<Mutex<Option<String>>>,
}

/// What the journal writer is asked.
enum JournalMsg {
    /// Append these entries (and the cursor, if any), then say so.
    Write { entries: Vec<Vec<u8>>, cursor: Option<RootChainMark>, done: oneshot::Sender<Durable> },
    /// Stop after what is queued before this.
    Stop,
}

/// Whether a queued write is durable (or why not).
type Durable = Result<(), String>;

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
    fn journal(
        &self,
        entries: &[Entry],
        cursor: Option<RootChainMark>,
    ) -> oneshot::Receiver<Durable> {
        let (done, answer) = oneshot::channel();
        let entries = entries.iter().map(Entry::encode).collect();
        // A writer that has stopped drops `done`: `durable` then says so.
        let _ = self.to_journal.send(JournalMsg::Write { entries, cursor, done });
        answer
    }
}

/// Waits until a queued journal write is durable.
async fn durable(answer: oneshot::Receiver<Durable>) -> Durable {
    answer.await.unwrap_or_else(|_| Err("the journal writer has stopped".into()))
}

/// The journal writer: takes every write queued, appends them with one disk sync, then
/// answers each. On a failure it records why (the node stops acknowledging) and stops.
fn write_journal(
    journal: Arc<Journal>,
    queue: mpsc::Receiver<JournalMsg>,
    failure: Arc<Mutex<Option<String>>>,
) {
    let mut stopping = false;
    while !stopping && let Ok(first) = queue.recv() {
        let mut entries = Vec::new();
        let mut cursor = None;
        let mut waiting = Vec::new();
        for msg in std::iter::once(first).chain(std::iter::from_fn(|| queue.try_recv().ok())) {
            match msg {
                JournalMsg::Write { entries: more, cursor: at, done } => {
                    entries.extend(more);
                    cursor = at.or(cursor);
                    waiting.push(done);
                }
                JournalMsg::Stop => {
                    stopping = true;
                    break;
                }
            }
        }
        let result = if entries.is_empty() && cursor.is_none() {
            Ok(())
        } else {
            let mark = cursor.as_ref();
            journal.append(&entries, mark).map_err(|e| format!("the journal failed: {e}"))
        };
        if let Err(reason) = &result {
            tracing::error!(%reason, "Cash node stopped acknowledging");
            *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.clone());
            stopping = true;
        }
        for done in waiting {
            let _ = done.send(result.clone());
        }
    }
}

struct Api<C> {
    shared: Arc<Shared>,
    contract: Arc<PlasmaCashContract<C>>,
}

#[jsonrpsee::core::async_trait]
impl<C: RootChain + 'static> CashApiServer for Api<C> {
    async fn submit_tx(&self, tx: Bytes, signature: Bytes) -> RpcResult<B256> {
        if let Some(reason) = self.shared.failure() {
            return Err(error(codes::INTERNAL, reason));
        }
        // The signer is recovered here, on whichever core runs this call, not under the lock.
        let spend = recover_transfer(&tx, &signature)?;
        let (hash, written) = {
            let mut chain = self.shared.chain();
            let hash = chain
                .submit_recovered(spend)
                .map_err(|e| error(codes::INVALID_TX, e.to_string()))?;
            (hash, self.shared.journal(&[Entry::Transfer { tx, signature }], None))
        };
        // Acknowledged only once durable.
        durable(written).await.map_err(|e| error(codes::INTERNAL, e))?;
        Ok(hash)
    }

    async fn submit_txs(&self, transfers: Vec<CashTransfer>) -> RpcResult<Vec<CashSubmitResult>> {
        if let Some(reason) = self.shared.failure() {
            return Err(error(codes::INTERNAL, reason));
        }
        if transfers.len() > MAX_CASH_BATCH {
            let why =
                format!("{} transfers in one call; the limit is {MAX_CASH_BATCH}", transfers.len());
            return Err(error(codes::LIMIT, why));
        }
        // Signers recovered on all cores, before the chain is locked.
        let (transfers, recovered) = tokio::task::spawn_blocking(move || {
            use rayon::prelude::*;
            let recovered: Vec<_> =
                transfers.par_iter().map(|t| recover_transfer(&t.tx, &t.signature)).collect();
            (transfers, recovered)
        })
        .await
        .map_err(|e| error(codes::INTERNAL, e.to_string()))?;
        let (results, written) = {
            let mut chain = self.shared.chain();
            let mut accepted = Vec::new();
            let results: Vec<CashSubmitResult> = transfers
                .into_iter()
                .zip(recovered)
                .map(|(transfer, spend)| {
                    let outcome = spend
                        .map_err(|e| e.message().to_owned())
                        .and_then(|spend| chain.submit_recovered(spend).map_err(|e| e.to_string()));
                    match outcome {
                        Ok(hash) => {
                            let CashTransfer { tx, signature } = transfer;
                            accepted.push(Entry::Transfer { tx, signature });
                            CashSubmitResult { hash: Some(hash), error: None }
                        }
                        Err(why) => CashSubmitResult { hash: None, error: Some(why) },
                    }
                })
                .collect();
            (results, self.shared.journal(&accepted, None))
        };
        // Acknowledged only once durable: one write for the whole batch.
        durable(written).await.map_err(|e| error(codes::INTERNAL, e))?;
        Ok(results)
    }

    async fn get_coin_history(&self, slot: u64) -> RpcResult<CoinHistoryData> {
        let history = self
            .shared
            .chain()
            .coin_history(slot)
            .map_err(|e| error(codes::NOT_FOUND, e.to_string()))?;
        Ok(CoinHistoryData::from_history(&history))
    }

    async fn get_checkpoint_proof(&self, slot: u64) -> RpcResult<Option<CheckpointProofData>> {
        let latest = self
            .contract
            .latest_checkpoint()
            .await
            .map_err(|e| error(codes::INTERNAL, e.to_string()))?;
        let Some((id, root, block)) = latest else { return Ok(None) };
        let checkpoint = self
            .shared
            .chain()
            .checkpoint(block)
            .map_err(|e| error(codes::INTERNAL, e.to_string()))?;
        if checkpoint.root() != root {
            return Err(error(codes::INTERNAL, format!("checkpoint {id} is not this chain's")));
        }
        let leaf = checkpoint.leaf(slot).unwrap_or(plasma_primitives::cash::empty_subtree(0));
        Ok(Some(CheckpointProofData { id, block, leaf, proof: checkpoint.proof(slot).into() }))
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
    to_journal: mpsc::Sender<JournalMsg>,
    writer: Option<std::thread::JoinHandle<()>>,
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
        let (to_journal, queue) = mpsc::channel();
        let writer_failure = failure.clone();
        let writer = std::thread::Builder::new()
            .name("cash-journal".into())
            .spawn(move || write_journal(journal, queue, writer_failure))?;
        let shared = Arc::new(Shared {
            chain: Mutex::new(chain),
            to_journal: to_journal.clone(),
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
        tasks.spawn(seal_and_commit(shared, contract, operator, config));
        Ok(Self { rpc_addr, server, tasks, to_journal, writer: Some(writer) })
    }

    /// Where the API listens.
    pub fn rpc_addr(&self) -> SocketAddr {
        self.rpc_addr
    }

    /// Stops the API and the background tasks, then the journal writer once what is queued
    /// is durable (the journal's file is closed when this returns).
    pub async fn stop(mut self) {
        let _ = self.server.stop();
        self.server.clone().stopped().await;
        self.tasks.shutdown().await;
        let _ = self.to_journal.send(JournalMsg::Stop);
        if let Some(writer) = self.writer.take() {
            let _ = tokio::task::spawn_blocking(move || writer.join()).await;
        }
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

/// The Cash chain's handler of the logs its follower reads: deposits and exits applied to
/// the chain in order and journaled with the cursor they bring the node to, then checkpoint
/// disputes answered.
struct Follower<C> {
    shared: Arc<Shared>,
    contract: Arc<PlasmaCashContract<C>>,
    operator: Address,
}

impl<C: RootChain> FollowLogs for Follower<C> {
    async fn handle(&mut self, logs: Vec<ChainLog>, cursor: &EventCursor) -> bool {
        let shared = &self.shared;
        *shared.l1_last_read.lock().unwrap_or_else(|p| p.into_inner()) = cursor.last_read();
        let events: Vec<CashEvent> = logs.iter().filter_map(|l| self.contract.decode(l)).collect();
        let written = {
            let mut chain = shared.chain();
            let mut applied = Vec::new();
            for entry in events.iter().cloned().filter_map(entry_of) {
                match entry.apply(&mut chain) {
                    Ok(()) => applied.push(entry),
                    Err(e) => tracing::debug!(%e, ?entry, "root-chain event not applied"),
                }
            }
            let last_read = cursor.last_read().map(|b| encode_block_info(&b).to_vec());
            let mark = RootChainMark { next_block: cursor.next_block(), last_read };
            shared.journal(&applied, Some(mark))
        };
        if durable(written).await.is_err() {
            return false;
        }
        for event in events {
            if let CashEvent::CheckpointDisputed { id, slot, tx_hash, tx_block } = event
                && let Err(e) = answer_dispute(
                    shared,
                    &self.contract,
                    self.operator,
                    id,
                    slot,
                    tx_hash,
                    tx_block,
                )
                .await
            {
                tracing::warn!(%e, %id, slot, "could not answer a checkpoint dispute");
            }
        }
        true
    }

    fn fail(&self, reason: String) {
        self.shared.fail(reason);
    }
}

/// Answers a dispute of one of the node's checkpoints: the disputing tx (the coin's tx at
/// `tx_block`) has a spend in the chain no later than the checkpoint's block, shown with its
/// proof and signature. A dispute with the checkpoint's own leaf or latest tx has no answer.
async fn answer_dispute<C: RootChain>(
    shared: &Shared,
    contract: &PlasmaCashContract<C>,
    operator: Address,
    id: alloy_primitives::U256,
    slot: u64,
    tx_hash: B256,
    tx_block: u64,
) -> Result<(), String> {
    let (_, checkpoint_block) =
        contract.checkpoint(id).await.map_err(|e| e.to_string())?.ok_or("no such checkpoint")?;
    let answer = {
        let chain = shared.chain();
        let history = chain.coin_history(slot).map_err(|e| e.to_string())?;
        history.entries.into_iter().find_map(|e| {
            let spend = e.spend?;
            let spends_it = spend.tx.prev_block == U256::from(tx_block);
            (spends_it && e.block <= checkpoint_block).then_some((spend, e.block, e.proof))
        })
    };
    let Some((spend, block, proof)) = answer else {
        return Err(format!("no spend of {tx_hash} up to block {checkpoint_block}"));
    };
    let shown = crate::contract::IncludedTx { tx: spend.tx.encode(), proof, block };
    let signature = spend.signature.to_bytes();
    contract
        .respond_checkpoint_dispute(operator, id, slot, tx_hash, &shown, &signature)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(%id, slot, %tx_hash, "checkpoint dispute answered");
    Ok(())
}

/// Every interval: seals the pending block if it has spends (journaled before anything is
/// committed), then commits the sealed roots the root chain lacks, in order: the contract's
/// next block number says which, so a restart neither skips nor doubles one.
async fn seal_and_commit<C: RootChain>(
    shared: Arc<Shared>,
    contract: Arc<PlasmaCashContract<C>>,
    operator: Address,
    config: CashNodeConfig,
) {
    if let Err(e) = wait_for_in_flight(contract.chain().as_ref(), operator).await {
        return shared.fail(format!("submitter: {e}"));
    }
    loop {
        tokio::time::sleep(config.block_interval).await;
        let written = {
            let mut chain = shared.chain();
            if chain.pending_len() > 0 && shared.failure().is_none() {
                if let Err(e) = chain.seal() {
                    tracing::error!(%e, "sealing a Cash block failed");
                    continue;
                }
                Some(shared.journal(&[Entry::Seal], None))
            } else {
                None
            }
        };
        // A sealed block is committed only once its seal is durable.
        if let Some(written) = written
            && durable(written).await.is_err()
        {
            return;
        }
        match commit_pending(contract.as_ref(), shared.as_ref(), operator).await {
            Ok(()) => {}
            Err(OperatorError::Diverged(reason)) => {
                return shared.fail(format!("submitter: {reason}"));
            }
            Err(e) => tracing::warn!(%e, "committing Cash blocks failed; retrying"),
        }
        if let Some(every) = config.checkpoint_every
            && let Err(e) = checkpoint_due(&shared, &contract, operator, every).await
        {
            tracing::warn!(%e, "committing a checkpoint failed; retrying");
        }
    }
}

/// Commits a checkpoint at the last committed multiple of `every` operator blocks, unless the
/// root chain holds one at or after it already (so a restart never doubles one).
async fn checkpoint_due<C: RootChain>(
    shared: &Shared,
    contract: &PlasmaCashContract<C>,
    operator: Address,
    every: u64,
) -> Result<(), OperatorError> {
    let step = every.max(1) * BLOCK_INTERVAL;
    let committed = contract.next_child_block().await?.saturating_sub(BLOCK_INTERVAL);
    let due = committed - committed % step;
    let latest = contract.latest_checkpoint().await?.map_or(0, |(_, _, block)| block);
    if due == 0 || due <= latest {
        return Ok(());
    }
    let root =
        shared.chain().checkpoint(due).map_err(|e| OperatorError::ChainRule(Box::new(e)))?.root();
    let id = contract.submit_checkpoint(operator, due, root).await?;
    tracing::info!(%id, block = due, %root, "checkpoint committed");
    Ok(())
}

impl SealedRoots for Shared {
    fn last_sealed(&self) -> u64 {
        self.chain().last_sealed().unwrap_or(0)
    }

    fn sealed_root(&self, blknum: u64) -> Result<Option<B256>, OperatorError> {
        Ok(self.chain().block_root(blknum))
    }

    fn last_read(&self) -> Option<BlockInfo> {
        *self.l1_last_read.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn committed(&self, blknum: u64) {
        *self.last_submitted.lock().unwrap_or_else(|p| p.into_inner()) = blknum;
    }
}

/// The committer's view of the Plasma Cash contract.
impl<C: RootChain> RootContract for PlasmaCashContract<C> {
    type Chain = C;

    fn root_chain(&self) -> &C {
        self.chain().as_ref()
    }

    async fn next_child_block(&self) -> Result<u64, RootChainError> {
        PlasmaCashContract::next_child_block(self).await
    }

    async fn committed_root(&self, blknum: u64) -> Result<Option<B256>, RootChainError> {
        let root = self.block_root(blknum).await?;
        Ok((!root.is_zero()).then_some(root))
    }

    async fn commit_root(&self, operator: Address, root: B256) -> Result<u64, RootChainError> {
        self.submit_block(operator, root).await
    }
}

/// The engine's start-up checks for a Plasma Cash node, with the contract's maturity period.
async fn check_cash_node<C: RootChain>(
    contract: &PlasmaCashContract<C>,
    operator: Address,
    expected_chain_id: Option<u64>,
    block_interval: Duration,
) -> Result<(), StartupError> {
    let chain = contract.chain().as_ref();
    check_chain_id(chain, expected_chain_id).await?;
    check_code(chain, "PlasmaCash contract", contract.address()).await?;
    check_operator(chain, "PlasmaCash contract", operator, contract.operator().await?)?;
    let what = "PlasmaCash maturity period";
    check_period(what, contract.maturity_period().await?, block_interval)
}
