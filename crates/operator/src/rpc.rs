//! The API server: thin over the sequencer (writes) and the ledger and store (reads).

use crate::{
    BlockData, ExitData, FeeQuote, FeeRateInfo, OperatorApiServer, ScheduledRates, Status,
    SubmitResult, TokenBalance, TxAck, TxData, Utxo, UtxoPage, codes,
    sequencer::{Msg, Refusal, Shared, Verdicts},
};
use alloy_primitives::{Address, B256, Bytes, U256};
use jsonrpsee::{core::RpcResult, types::ErrorObjectOwned};
use plasma_engine::rpc_error as error;
use plasma_ledger::{FeeRates, Ledger, Unverified, decode_and_verify_batch};
use plasma_primitives::{BlockTx, MerkleTree, UtxoPos};
use std::{
    collections::BTreeMap,
    sync::{Arc, atomic::Ordering, mpsc::SyncSender},
};

/// Largest page of outputs.
const MAX_PAGE: u32 = 1000;

pub(crate) struct Api {
    pub(crate) shared: Arc<Shared>,
    pub(crate) sequencer: SyncSender<Msg>,
    pub(crate) max_batch_txs: usize,
}

pub(crate) fn refusal(r: Refusal) -> ErrorObjectOwned {
    match r {
        Refusal::Malformed(m) => error(codes::MALFORMED_TX, m),
        Refusal::Invalid(m) => error(codes::INVALID_TX, m),
        Refusal::Exiting(m) => error(codes::EXITING, m),
        Refusal::FeeTooLow(m) => error(codes::FEE_TOO_LOW, m),
    }
}

fn internal(e: impl std::fmt::Display) -> ErrorObjectOwned {
    error(codes::INTERNAL, e.to_string())
}

impl Api {
    /// Decodes and verifies on all cores, then hands the batch to the sequencer and waits for
    /// the group commit.
    pub(crate) async fn submit(&self, txs: Vec<Bytes>) -> RpcResult<Vec<Result<TxAck, Refusal>>> {
        if let Some(reason) = self.shared.failure() {
            return Err(error(
                codes::INTERNAL,
                format!("the node has stopped accepting transactions: {reason}"),
            ));
        }
        let domain = self.shared.domain;
        let verdicts: Verdicts = tokio::task::spawn_blocking(move || {
            // The request's own buffers, not copies.
            decode_and_verify_batch(txs, &domain)
                .into_iter()
                .map(|verdict| {
                    verdict.map_err(|e| match e {
                        Unverified::Malformed(e) => Refusal::Malformed(e.to_string()),
                        Unverified::Invalid(e) => Refusal::Invalid(e.to_string()),
                    })
                })
                .collect()
        })
        .await
        .map_err(internal)?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.sequencer.try_send(Msg::Submit { txs: verdicts, reply }).map_err(|e| match e {
            std::sync::mpsc::TrySendError::Full(_) => {
                error(codes::BUSY, "the node is at capacity; retry shortly")
            }
            std::sync::mpsc::TrySendError::Disconnected(_) => {
                error(codes::INTERNAL, "the sequencer has stopped")
            }
        })?;
        answer.await.map_err(|_| error(codes::INTERNAL, "the sequencer stopped before committing"))
    }

    fn utxos_of(&self, owner: Address) -> Vec<(UtxoPos, plasma_primitives::Output)> {
        self.shared.ledger().utxos_of(owner)
    }
}

#[jsonrpsee::core::async_trait]
impl OperatorApiServer for Api {
    async fn submit_tx(&self, tx: Bytes) -> RpcResult<TxAck> {
        let mut answers = self.submit(vec![tx]).await?;
        answers.pop().expect("one answer per transaction").map_err(refusal)
    }

    async fn submit_txs(&self, txs: Vec<Bytes>) -> RpcResult<Vec<SubmitResult>> {
        if txs.len() > self.max_batch_txs {
            return Err(error(
                codes::LIMIT,
                format!(
                    "{} transactions in one call; the limit is {}",
                    txs.len(),
                    self.max_batch_txs
                ),
            ));
        }
        let answers = self.submit(txs).await?;
        Ok(answers
            .into_iter()
            .map(|a| match a {
                Ok(ack) => SubmitResult { ack: Some(ack), error: None },
                Err(
                    Refusal::Malformed(m)
                    | Refusal::Invalid(m)
                    | Refusal::Exiting(m)
                    | Refusal::FeeTooLow(m),
                ) => SubmitResult { ack: None, error: Some(m) },
            })
            .collect())
    }

    async fn get_block(&self, blknum: u64) -> RpcResult<BlockData> {
        let block = self.shared.store.block(blknum).map_err(internal)?;
        let block = block.ok_or_else(|| error(codes::NOT_FOUND, format!("no block {blknum}")))?;
        Ok(BlockData {
            number: block.number,
            root: block.root,
            txs: block.txs.into_iter().map(Bytes::from).collect(),
        })
    }

    async fn get_tx(&self, tx_hash: B256) -> RpcResult<TxData> {
        let not_found = || error(codes::NOT_FOUND, format!("no sealed transaction {tx_hash}"));
        let location = self.shared.store.tx_location(&tx_hash).map_err(internal)?;
        let (blknum, txindex) = location.ok_or_else(not_found)?;
        let (tx, unsigned, proof) = self.proven(blknum, txindex)?;
        // The index keys by part of the hash: what it points at must be this transaction.
        if plasma_primitives::keccak256(&unsigned) != tx_hash {
            return Err(not_found());
        }
        Ok(TxData { tx, blknum, txindex, proof })
    }

    async fn get_utxos(
        &self,
        owner: Address,
        after: Option<U256>,
        limit: Option<u32>,
    ) -> RpcResult<UtxoPage> {
        let limit = limit.unwrap_or(MAX_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(error(codes::LIMIT, format!("limit {limit} must be 1 to {MAX_PAGE}")));
        }
        let after = after.unwrap_or_default();
        let mut page: Vec<Utxo> = self
            .utxos_of(owner)
            .into_iter()
            .filter(|(p, _)| p.raw() > after)
            .take(limit as usize + 1)
            .map(|(p, o)| Utxo {
                utxo_pos: p.raw(),
                owner: o.owner,
                token: o.token,
                amount: o.amount,
            })
            .collect();
        let next = (page.len() > limit as usize).then(|| {
            page.truncate(limit as usize);
            page[page.len() - 1].utxo_pos
        });
        Ok(UtxoPage { utxos: page, next })
    }

    async fn get_balance(&self, owner: Address) -> RpcResult<Vec<TokenBalance>> {
        let mut sums: BTreeMap<Address, U256> = BTreeMap::new();
        for (_, out) in self.utxos_of(owner) {
            let sum = sums.entry(out.token).or_default();
            *sum = sum.saturating_add(out.amount);
        }
        Ok(sums.into_iter().map(|(token, amount)| TokenBalance { token, amount }).collect())
    }

    async fn get_exit_data(&self, utxo_pos: U256) -> RpcResult<ExitData> {
        let pos = UtxoPos::from_raw(utxo_pos)
            .ok_or_else(|| error(codes::NOT_FOUND, "position 0 names no output"))?;
        let not_found = || error(codes::NOT_FOUND, format!("no output at {pos}"));
        let blknum = pos.blknum_u64().ok_or_else(not_found)?;
        let txindex = u16::try_from(pos.txindex()).map_err(|_| not_found())?;
        let (_, unsigned, proof) = self.proven(blknum, txindex)?;
        let outputs =
            plasma_primitives::ChainTx::decode(&unsigned).map_err(internal)?.outputs().len();
        if pos.oindex() as usize >= outputs {
            return Err(not_found());
        }
        Ok(ExitData { utxo_pos, tx_bytes: unsigned, proof })
    }

    async fn status(&self) -> RpcResult<Status> {
        Ok(self.status_now())
    }

    async fn get_fees(&self) -> RpcResult<FeeQuote> {
        Ok(fee_quote(&self.shared.ledger()))
    }
}

/// The ledger's fee schedule, as the API gives it.
pub(crate) fn fee_quote(ledger: &Ledger) -> FeeQuote {
    let rates = |rates: &FeeRates| {
        rates
            .iter()
            .map(|(&token, r)| FeeRateInfo {
                token,
                base: r.base,
                per_input: r.per_input,
                per_output: r.per_output,
            })
            .collect()
    };
    let policy = ledger.fee_policy();
    FeeQuote {
        pending_block: ledger.pending_block(),
        rates: rates(&policy.rates),
        next: policy
            .next
            .as_ref()
            .map(|n| ScheduledRates { effective_block: n.effective_block, rates: rates(&n.rates) }),
        claimer: policy.claimer,
    }
}

impl Api {
    pub(crate) fn status_now(&self) -> Status {
        let ledger = self.shared.ledger();
        Status {
            pending_block: ledger.pending_block(),
            pending_txs: ledger.pending_txs().len() as u64,
            last_sealed_block: self.shared.last_sealed.load(Ordering::Relaxed),
            last_submitted_block: self.shared.last_submitted.load(Ordering::Relaxed),
            l1_next_block: self.shared.l1_next.load(Ordering::Relaxed),
            utxos: ledger.utxo_count() as u64,
            held: ledger.held_count() as u64,
            live_exits: {
                let (standard, in_flight) = ledger.exit_view().live();
                (standard as u64, in_flight as u64)
            },
        }
    }
}

impl Api {
    /// Transaction `txindex` of stored block `blknum`: signed bytes, unsigned bytes, proof.
    fn proven(&self, blknum: u64, txindex: u16) -> RpcResult<(Bytes, Bytes, Bytes)> {
        let block = self.shared.store.block(blknum).map_err(internal)?;
        let block = block.ok_or_else(|| error(codes::NOT_FOUND, format!("no block {blknum}")))?;
        let signed = block
            .txs
            .get(usize::from(txindex))
            .ok_or_else(|| {
                error(codes::NOT_FOUND, format!("block {blknum} has no transaction {txindex}"))
            })?
            .clone();
        let leaves = block
            .txs
            .iter()
            .map(|t| BlockTx::decode(t).map(|tx| tx.unsigned()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(internal)?;
        let tree = MerkleTree::from_leaves(&leaves).map_err(internal)?;
        let proof = tree.proof(u64::from(txindex)).map_err(internal)?;
        Ok((signed.into(), leaves[usize::from(txindex)].clone().into(), proof.into()))
    }
}
