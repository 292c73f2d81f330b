//! Reading a Plasma Cash coin as its owner's client does: its history from the Cash operator
//! (untrusted) and what the root chain says (the deposit, every block root, the last block).
//! Shared by the wallet (which accepts a coin only if all of it verifies) and the coin watcher
//! (which keeps the longest prefix that verifies, and judges exits against it).

use crate::PlasmaCashContract;
use crate::api::CashApiClient;
use crate::{
    CheckpointRecord, CoinHistory, DepositRecord, HistoryError, RootChainFacts, VerifiedCoin,
};
use alloy_primitives::{B256, U256};
use jsonrpsee::http_client::HttpClient;
use plasma_rootchain::RootChain;
use std::collections::HashMap;

/// A coin's history as served, with the root-chain facts to check it against.
#[derive(Debug, Clone)]
pub struct CoinRead {
    /// The history, cut at the last block committed on the root chain.
    pub history: CoinHistory,
    /// The deposit, the last committed block, and the final checkpoint the history starts at
    /// (if the operator served one that the root chain says is usable for the coin).
    pub facts: RootChainFacts,
    /// That checkpoint's id on the root chain.
    pub checkpoint_id: Option<U256>,
    roots: HashMap<u64, B256>,
}

impl CoinRead {
    /// Fetches coin `slot` from the Cash operator and the root chain. `Err` says which part
    /// failed (no such coin, the operator, the root chain, undecodable data).
    pub async fn fetch<C: RootChain>(
        contract: &PlasmaCashContract<C>,
        node: &HttpClient,
        slot: u64,
    ) -> Result<Self, String> {
        let coin = contract
            .coin(slot)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no coin {slot} on the root chain"))?;
        let deposit = DepositRecord {
            slot,
            block: coin.deposit_block,
            denomination: coin.denomination,
            owner: coin.depositor,
        };
        let next = contract.next_child_block().await.map_err(|e| e.to_string())?;
        let last_block = next.saturating_sub(1000);
        let served = node.get_coin_history(slot).await.map_err(|e| e.to_string())?;
        let mut history = served.into_history().map_err(|e| format!("coin {slot}: {e}"))?;
        // Blocks sealed but not yet committed cannot be checked: the history ends before them.
        history.entries.retain(|e| e.block <= last_block);
        let mut roots = HashMap::new();
        for entry in &history.entries {
            let root = contract.block_root(entry.block).await.map_err(|e| e.to_string())?;
            roots.insert(entry.block, root);
        }
        let mut facts = RootChainFacts { deposit, checkpoint: None, last_block };
        let checkpoint = node.get_checkpoint_proof(slot).await.map_err(|e| e.to_string())?;
        let mut checkpoint_id = None;
        if let Some(cp) = checkpoint {
            let on_l1 = contract.checkpoint(cp.id).await.map_err(|e| e.to_string())?;
            let usable =
                contract.checkpoint_usable(cp.id, slot).await.map_err(|e| e.to_string())?;
            if let Some((root, block)) = on_l1.filter(|&(_, b)| usable && b == cp.block) {
                let record = CheckpointRecord { block, root };
                // Checked against the roots on L1 before anything is dropped: the dropped part
                // must verify (a tx included twice is refused there), then the leaf.
                let known = |b| roots.get(&b).copied().filter(|r: &B256| !r.is_zero());
                match history.truncate_at_checkpoint(record, cp.proof.to_vec(), &known, &facts) {
                    Ok(()) => (facts.checkpoint, checkpoint_id) = (Some(record), Some(cp.id)),
                    Err(e) => tracing::warn!(slot, %e, "the served checkpoint proof is refused"),
                }
            }
        }
        Ok(Self { history, facts, checkpoint_id, roots })
    }

    /// A history read some other way, with the facts and block roots to check it against.
    pub fn new(history: CoinHistory, facts: RootChainFacts, roots: HashMap<u64, B256>) -> Self {
        Self { history, facts, checkpoint_id: None, roots }
    }

    /// Checks the whole history.
    pub fn verify(&self) -> Result<VerifiedCoin, HistoryError> {
        self.history.verify(&|b| self.roots.get(&b).copied().filter(|r| !r.is_zero()), &self.facts)
    }

    /// The longest prefix of the history that verifies, with facts covering just it, the coin
    /// as that prefix shows it, and why the rest was refused (if it was): what an owner holds
    /// on to when the operator cheats.
    pub fn accepted(
        mut self,
    ) -> (CoinHistory, RootChainFacts, Result<VerifiedCoin, HistoryError>, Option<String>) {
        let mut refused = None;
        loop {
            let verified = self.verify();
            let Err(e) = &verified else { return (self.history, self.facts, verified, refused) };
            if self.history.entries.is_empty() {
                return (self.history, self.facts, verified, refused);
            }
            refused.get_or_insert_with(|| e.to_string());
            // First the history as it is, covering only the blocks it names; then shorter.
            let covered = self.history.entries.last().map_or(self.facts.deposit.block, |e| e.block);
            if self.facts.last_block != covered {
                self.facts.last_block = covered;
                continue;
            }
            self.history.entries.pop();
            self.facts.last_block =
                self.history.entries.last().map_or(self.facts.deposit.block, |e| e.block);
        }
    }
}
