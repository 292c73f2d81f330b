//! Batch exits from the wallet (docs/exit-games.md, "Batch exits"): exit every output of a
//! token in as few L1 transactions as fit (1,024 outputs each), and sign a watcher up as the
//! agent that may do it for this wallet when the chain breaks.

use super::{Wallet, WalletError};
use alloy_primitives::{Address, B256, U256};
use plasma_framework::{BatchCallError, PlasmaEvent};
use plasma_primitives::{
    UtxoPos,
    batch::{BatchEntry, MAX_BATCH_ENTRIES},
};
use plasma_rootchain::RootChain;

/// One batch exit the wallet started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchStarted {
    /// The batch's id.
    pub exit_id: U256,
    /// Outputs in it.
    pub outputs: usize,
    /// When it can be processed (Unix time).
    pub exitable_at: u64,
    /// The L1 transaction.
    pub l1_tx: B256,
    /// Its entries: what processing it takes again (anyone may process it).
    pub entries: Vec<BatchEntry>,
}

fn batch_error(e: BatchCallError) -> WalletError {
    match e {
        BatchCallError::Entries(e) => WalletError::Invalid(format!("cannot batch these: {e}")),
        BatchCallError::Chain(e) => WalletError::RootChain(e),
    }
}

impl<C: RootChain> Wallet<C> {
    /// Lets `agent` (a watcher's L1 account) start batch exits of this wallet's outputs;
    /// `Address::ZERO` revokes it. Returns the L1 transaction.
    pub async fn set_batch_exit_agent(&self, agent: Address) -> Result<B256, WalletError> {
        let receipt =
            self.plasma.set_batch_exit_agent(self.address(), agent).await.map_err(batch_error)?;
        Ok(receipt.tx_hash)
    }

    /// Starts batch exits of every output of `token` this wallet holds, each checked against
    /// the root on L1 first, 1,024 per L1 transaction (a bond per output).
    pub async fn exit_all(&self, token: Address) -> Result<Vec<BatchStarted>, WalletError> {
        let mut entries = Vec::new();
        for utxo in self.utxos().await?.into_iter().filter(|u| u.token == token) {
            let pos =
                UtxoPos::from_raw(utxo.utxo_pos).ok_or(WalletError::UnknownUtxo(utxo.utxo_pos))?;
            let (tx, _) = self.checked_exit_data(pos).await?;
            let entry = BatchEntry::of_output(self.address(), &tx, pos, utxo.amount)
                .map_err(|e| WalletError::Invalid(format!("output {pos}: {e}")))?;
            entries.push(entry);
        }
        if entries.is_empty() {
            return Err(WalletError::Invalid(format!(
                "this wallet holds no spendable output of token {token} to exit"
            )));
        }
        let mut started = Vec::new();
        for chunk in entries.chunks(MAX_BATCH_ENTRIES) {
            let (exit_id, receipt) = self
                .plasma
                .start_batch_exit(self.address(), token, chunk)
                .await
                .map_err(batch_error)?;
            let exitable_at = receipt.logs.iter().find_map(|l| match self.plasma.decode(l) {
                Some(PlasmaEvent::BatchExitStarted { exitable_at, .. }) => Some(exitable_at),
                _ => None,
            });
            started.push(BatchStarted {
                exit_id,
                outputs: chunk.len(),
                exitable_at: exitable_at.unwrap_or_default(),
                l1_tx: receipt.tx_hash,
                entries: chunk.to_vec(),
            });
        }
        Ok(started)
    }
}
