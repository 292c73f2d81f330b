//! The Cash node's `cash_*` API: transfers in (signatures recovered outside the chain's
//! lock), histories and checkpoint proofs out.

use super::*;

pub(super) struct Api<C> {
    pub(super) shared: Arc<Shared>,
    pub(super) contract: Arc<PlasmaCashContract<C>>,
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
        written.durable().await.map_err(|e| error(codes::INTERNAL, e))?;
        Ok(hash)
    }

    async fn submit_txs(&self, transfers: Vec<CashTransfer>) -> RpcResult<Vec<CashSubmitResult>> {
        submit_transfers(&self.shared, transfers).await
    }

    async fn get_coin_history(&self, slot: u64) -> RpcResult<CoinHistoryData> {
        let blocks = self
            .shared
            .chain()
            .history_blocks(slot)
            .map_err(|e| error(codes::NOT_FOUND, e.to_string()))?;
        // Proved off the chain's lock and off the API's threads.
        let history = tokio::task::spawn_blocking(move || blocks.prove())
            .await
            .map_err(|e| error(codes::INTERNAL, e.to_string()))?;
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

    async fn get_coins_of(
        &self,
        owner: Address,
        after: Option<u64>,
        limit: Option<u32>,
    ) -> RpcResult<CoinPage> {
        let limit = limit.unwrap_or(MAX_COIN_PAGE);
        if limit == 0 || limit > MAX_COIN_PAGE {
            return Err(error(codes::LIMIT, format!("limit {limit} must be 1 to {MAX_COIN_PAGE}")));
        }
        let mut slots = self.shared.chain().coins_of(owner, after, limit as usize + 1);
        let next = (slots.len() > limit as usize).then(|| {
            slots.truncate(limit as usize);
            slots[slots.len() - 1]
        });
        Ok(CoinPage { slots, next })
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

/// `cash_submitTxs`, also the in-process path of [`CashNode::submit`]: signers recovered on all
/// cores before the chain is locked, the batch applied in order under one lock and journaled
/// in one write, acknowledged once durable.
pub(super) async fn submit_transfers(
    shared: &Shared,
    transfers: Vec<CashTransfer>,
) -> RpcResult<Vec<CashSubmitResult>> {
    if let Some(reason) = shared.failure() {
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
        let mut chain = shared.chain();
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
        (results, shared.journal(&accepted, None))
    };
    // Acknowledged only once durable: one write for the whole batch.
    written.durable().await.map_err(|e| error(codes::INTERNAL, e))?;
    Ok(results)
}
