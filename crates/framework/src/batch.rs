//! Batch exits through [`Plasma`] (docs/exit-games.md, "Batch exits"): sign up an agent,
//! start a batch of up to 1,024 outputs, challenge or ask for the proof of an entry, answer a
//! request, process a batch at the head of its queue. The batch module runs at the exit
//! game's address (its fallback), so every call goes there with the module's ABI.

use crate::Plasma;
use alloy_primitives::{Address, B256, U256, Uint};
use plasma_contracts::batch::{BatchEntries, PaymentBatchExitModule as M, PaymentExitBase};
use plasma_primitives::batch::{BatchEntry, BatchError, BatchTree, encode_batch};
use plasma_rootchain::{Receipt, RootChain, RootChainError, exit_id_160, narrow};

/// Bit 158-159 prefix of batch ids (the contract's `BATCH_ID_PREFIX`).
fn batch_id_prefix() -> U256 {
    U256::from(3) << 158
}

/// The id of the `n`-th batch exit (counted from 1).
pub fn batch_exit_id(n: u64) -> U256 {
    batch_id_prefix() | U256::from(n)
}

/// A batch call could not be made: a bad entry list, or the root chain refused it.
#[derive(Debug, thiserror::Error)]
pub enum BatchCallError {
    /// The entries do not make a batch.
    #[error(transparent)]
    Entries(#[from] BatchError),
    /// The root chain refused or failed the call.
    #[error(transparent)]
    Chain(#[from] RootChainError),
}

type Result<T> = std::result::Result<T, BatchCallError>;

/// A batch exit as the contract keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchExitState {
    /// Who started it (its bonds are theirs).
    pub starter: Address,
    /// When it can be processed.
    pub exitable_at: u64,
    /// Entries in all.
    pub count: u16,
    /// Entries settled (in list order).
    pub processed: u16,
    /// Entries challenged among the others.
    pub cancelled: u16,
    /// The list's Merkle root.
    pub root: B256,
    /// The token of every entry.
    pub token: Address,
    /// The bond per entry.
    pub entry_bond: U256,
}

/// An entry named to the contract: its index and its branch to the batch's root.
fn entry_proof(entries: &[BatchEntry], index: usize) -> Result<PaymentExitBase::EntryProof> {
    let tree = BatchTree::new(entries)?;
    let e = entries.get(index).ok_or(BatchError::NoEntry(index))?;
    Ok(PaymentExitBase::EntryProof {
        index: U256::from(index),
        entry: BatchEntries::Entry {
            owner: e.owner,
            exitId: exit_id_160(e.exit_id)?,
            amount: Uint::<96, 2>::saturating_from(e.amount),
            utxoPos: narrow(e.pos.raw(), "utxoPos")?,
            inFlightId: exit_id_160(e.in_flight_id)?,
        },
        branch: tree.branch(index)?,
    })
}

impl<C: RootChain> Plasma<C> {
    fn batch_id(id: U256) -> Result<Uint<160, 3>> {
        Ok(exit_id_160(id)?)
    }

    /// The bond per entry `startBatchExit` takes now.
    pub async fn batch_entry_bond(&self) -> Result<U256> {
        Ok(self.view(self.addresses().exit_game, M::batchEntryBondCall {}).await?)
    }

    /// Lets `agent` start batch exits naming `owner`'s outputs (`Address::ZERO`: nobody else).
    pub async fn set_batch_exit_agent(&self, owner: Address, agent: Address) -> Result<Receipt> {
        let call = M::setBatchExitAgentCall { agent };
        Ok(self.send(owner, self.addresses().exit_game, call, U256::ZERO).await?)
    }

    /// The agent `owner` chose, `Address::ZERO` if none.
    pub async fn batch_exit_agent(&self, owner: Address) -> Result<Address> {
        Ok(self.view(self.addresses().exit_game, M::batchExitAgentCall { owner }).await?)
    }

    /// Starts a batch exit of `token` outputs from `starter` (an owner, or their agent),
    /// posting a bond per entry. Returns the batch's id and the receipt.
    pub async fn start_batch_exit(
        &self,
        starter: Address,
        token: Address,
        entries: &[BatchEntry],
    ) -> Result<(U256, Receipt)> {
        let list = encode_batch(entries)?;
        let bond = self.batch_entry_bond().await? * U256::from(entries.len());
        // No queue hint: the contract walks the queue from its head, which costs gas only when
        // many exits are ahead of the batch.
        let call = M::startBatchExitCall { token, entries: list.into(), queueHint: U256::ZERO };
        let receipt = self.send(starter, self.addresses().exit_game, call, bond).await?;
        let count = self.view(self.addresses().exit_game, M::batchCountCall {}).await?;
        let id = receipt
            .logs
            .iter()
            .find_map(|log| match self.decode(log)? {
                crate::PlasmaEvent::BatchExitStarted { exit_id, .. } => Some(exit_id),
                _ => None,
            })
            .unwrap_or_else(|| batch_exit_id(count.saturating_to()));
        Ok((id, receipt))
    }

    /// The batch exit `id` as the contract keeps it; `None` if there is none.
    pub async fn batch_exit(&self, id: U256) -> Result<Option<BatchExitState>> {
        let call = M::batchExitCall { exitId: Self::batch_id(id)? };
        let b = self.view(self.addresses().exit_game, call).await?;
        if b.count == 0 {
            return Ok(None);
        }
        Ok(Some(BatchExitState {
            starter: b.starter,
            exitable_at: u64::from(b.exitableAt),
            count: b.count,
            processed: b.processed,
            cancelled: b.cancelled,
            root: b.root,
            token: b.token,
            entry_bond: U256::from(b.entryBond),
        }))
    }

    /// Settles up to `max` more entries of batch `id` (at the head of its queue, mature);
    /// `entries` is its list. The bounty goes to `processor`.
    pub async fn process_batch_exit(
        &self,
        processor: Address,
        id: U256,
        entries: &[BatchEntry],
        max: u64,
    ) -> Result<Receipt> {
        let call = M::processBatchExitCall {
            id: Self::batch_id(id)?,
            entries: encode_batch(entries)?.into(),
            maxEntries: U256::from(max),
        };
        Ok(self.send(processor, self.addresses().exit_game, call, U256::ZERO).await?)
    }

    /// Cancels entry `index` of batch `id` by showing what the chain holds at its position:
    /// `tx` with its inclusion proof (both empty when the block does not exist).
    pub async fn challenge_batch_entry_invalid(
        &self,
        challenger: Address,
        id: U256,
        entries: &[BatchEntry],
        index: usize,
        tx: &[u8],
        inclusion_proof: &[u8],
    ) -> Result<Receipt> {
        let call = M::challengeBatchEntryInvalidCall {
            id: Self::batch_id(id)?,
            p: entry_proof(entries, index)?,
            txBytes: tx.to_vec().into(),
            inclusionProof: inclusion_proof.to_vec().into(),
        };
        Ok(self.send(challenger, self.addresses().exit_game, call, U256::ZERO).await?)
    }

    /// Cancels entry `index` of batch `id` with a transaction spending its output, signed by
    /// the entry's owner.
    pub async fn challenge_batch_entry_spent(
        &self,
        challenger: Address,
        id: U256,
        entries: &[BatchEntry],
        index: usize,
        spending_tx: &[u8],
        signature: &[u8],
    ) -> Result<Receipt> {
        let call = M::challengeBatchEntrySpentCall {
            id: Self::batch_id(id)?,
            p: entry_proof(entries, index)?,
            spendingTx: spending_tx.to_vec().into(),
            signature: signature.to_vec().into(),
        };
        Ok(self.send(challenger, self.addresses().exit_game, call, U256::ZERO).await?)
    }

    /// Asks for the proof of entry `index` of batch `id`, posting the entry's bond.
    pub async fn request_batch_entry_proof(
        &self,
        requester: Address,
        id: U256,
        entries: &[BatchEntry],
        index: usize,
        bond: U256,
    ) -> Result<Receipt> {
        let call = M::requestBatchEntryProofCall {
            id: Self::batch_id(id)?,
            p: entry_proof(entries, index)?,
        };
        Ok(self.send(requester, self.addresses().exit_game, call, bond).await?)
    }

    /// Proves entry `index` of batch `id` with the transaction at its position and its
    /// inclusion proof: answers a pending proof request (its bond goes to `responder`) and
    /// counts as the transaction's inclusion against canonicity challenges of its in-flight
    /// exit, so the entry is paid even while that exit is live.
    pub async fn answer_batch_entry_proof(
        &self,
        responder: Address,
        id: U256,
        entries: &[BatchEntry],
        index: usize,
        tx: &[u8],
        inclusion_proof: &[u8],
    ) -> Result<Receipt> {
        let call = M::answerBatchEntryProofCall {
            id: Self::batch_id(id)?,
            p: entry_proof(entries, index)?,
            txBytes: tx.to_vec().into(),
            inclusionProof: inclusion_proof.to_vec().into(),
        };
        Ok(self.send(responder, self.addresses().exit_game, call, U256::ZERO).await?)
    }

    /// Wei credited to `who` (unanswered proof requests, replaced canonicity challenges),
    /// to pull with [`Self::withdraw_bond_credit`].
    pub async fn bond_credit(&self, who: Address) -> Result<U256> {
        Ok(self.view(self.addresses().exit_game, M::bondCreditsCall(who)).await?)
    }

    /// Pays `who` its bond credit.
    pub async fn withdraw_bond_credit(&self, who: Address) -> Result<Receipt> {
        let call = plasma_contracts::PaymentExitGame::withdrawBondCreditCall {};
        Ok(self.send(who, self.addresses().exit_game, call, U256::ZERO).await?)
    }

    /// Who awaits an answer to the proof request of entry `index` of batch `id`, if anyone.
    pub async fn batch_entry_proof_requester(
        &self,
        id: U256,
        index: usize,
    ) -> Result<Option<Address>> {
        let call = M::batchEntryProofRequesterCall {
            exitId: Self::batch_id(id)?,
            index: U256::from(index),
        };
        let who = self.view(self.addresses().exit_game, call).await?;
        Ok((who != Address::ZERO).then_some(who))
    }
}
