//! The Cash node against its root chain: the follower of the contract's events, the sealer
//! and committer, checkpoints, dispute answers, and the engine's traits for this family.

use super::*;

/// The Cash chain's handler of the logs its follower reads: deposits and exits applied to
/// the chain in order and journaled with the cursor they bring the node to, then checkpoint
/// disputes answered.
pub(super) struct Follower<C> {
    pub(super) shared: Arc<Shared>,
    pub(super) contract: Arc<PlasmaCashContract<C>>,
    pub(super) operator: Address,
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
        if written.durable().await.is_err() {
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
    let blocks = shared.chain().history_blocks(slot).map_err(|e| e.to_string())?;
    let answer = {
        let history = blocks.prove();
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
pub(super) async fn seal_and_commit<C: RootChain>(
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
        // The seal is journaled where the block is taken, under the chain's lock, so that
        // transfers accepted for the next block come after it in the journal too.
        let taken = {
            let mut chain = shared.chain();
            if chain.pending_len() > 0 && shared.failure().is_none() {
                match chain.take_pending() {
                    Ok(block) => Some((block, shared.journal(&[Entry::Seal], None))),
                    Err(e) => {
                        tracing::error!(%e, "sealing a Cash block failed");
                        continue;
                    }
                }
            } else {
                None
            }
        };
        if let Some((block, written)) = taken {
            // The tree is built off the lock and off the API's threads: transfers for the
            // next block are accepted meanwhile.
            match tokio::task::spawn_blocking(move || block.seal()).await {
                Ok(block) => {
                    shared.chain().insert_sealed(block);
                }
                Err(e) => return shared.fail(format!("sealing a Cash block: {e}")),
            }
            // A sealed block is committed only once its seal is durable.
            if written.durable().await.is_err() {
                return;
            }
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
pub(super) async fn check_cash_node<C: RootChain>(
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
