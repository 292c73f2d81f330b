//! The operator's side of a Plasma Debit chain: the coins with their capacities and
//! balances, and the transactions that go into the next operator block. Every rule is
//! [`crate::rules`], the check the clients run too, so each sealed block gives every honest
//! holder a history that verifies and an exit that holds (docs/debit.md).

use crate::{
    history::{BlockEntry, DebitHistory, DepositRecord, SignedTx},
    rules::{CoinState, RuleError},
};
use alloy_primitives::{Address, B256, U256};
use plasma_primitives::{
    SignatureError,
    cash::{CashSignature, SparseMerkleTree},
    coin_blocks::{BLOCK_INTERVAL, is_deposit_block, next_operator_block},
    debit::DebitTx,
};
use std::{collections::BTreeMap, sync::Arc};

/// Where a coin stands, as the root chain's events say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum CoinStatus {
    /// On the child chain: it may pay, be paid and move.
    OnChain,
    /// An exit is live on the root chain: nothing touches it until the exit is cancelled.
    Exiting,
    /// Paid out on the root chain: gone for good.
    Exited,
}

/// One coin as the operator tracks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebitCoin {
    /// Its deposit.
    pub deposit: DepositRecord,
    /// ETH locked for it on L1: the deposit and every top-up.
    pub capacity: U256,
    /// Holder, balance and latest own block as of the last sealed block.
    pub state: CoinState,
    /// Where it stands on the root chain.
    pub status: CoinStatus,
}

impl DebitCoin {
    /// The operator's side: what it is paid if the coin exits now.
    pub fn operator_share(&self) -> U256 {
        self.capacity.saturating_sub(self.state.balance)
    }
}

/// A sealed operator block.
#[derive(Debug, Clone)]
pub struct DebitBlock {
    /// Its number, a multiple of [`BLOCK_INTERVAL`].
    pub number: u64,
    /// The leaf of each slot it touches (a pay at both of its slots).
    pub leaves: BTreeMap<u64, SignedTx>,
    /// The root of the sparse Merkle tree of the leaves' hashes (what `submitBlock` takes).
    pub root: B256,
    tree: SparseMerkleTree,
}

impl DebitBlock {
    /// The proof for `slot`: of its leaf, or of the empty leaf.
    pub fn proof(&self, slot: u64) -> Vec<u8> {
        self.tree.proof(slot)
    }

    /// The entry of coin `slot`'s history for this block.
    pub fn entry(&self, slot: u64) -> BlockEntry {
        let leaf = self.leaves.get(&slot).copied();
        let peer = leaf.and_then(|l| match l.tx {
            DebitTx::Pay(p) => Some(if p.to_slot == slot { p.from_slot } else { p.to_slot }),
            _ => None,
        });
        BlockEntry {
            block: self.number,
            leaf,
            proof: self.proof(slot),
            peer_proof: peer.map(|s| self.proof(s)).unwrap_or_default(),
        }
    }
}

/// Why the chain refused a deposit, a transaction, an event or a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// No coin has this slot.
    #[error("no coin {0}")]
    UnknownCoin(u64),
    /// A deposit for a slot already used (the root chain never reuses one).
    #[error("coin {0} already exists")]
    SlotTaken(u64),
    /// A deposit numbered like an operator block.
    #[error("block {0} is not a deposit block (operator blocks are multiples of 1000)")]
    NotADepositBlock(u64),
    /// A deposit numbered at or after the block being built.
    #[error("deposit block {block} is not before the pending operator block {pending}")]
    DepositNotBeforePending {
        /// The deposit's block.
        block: u64,
        /// The operator block being built.
        pending: u64,
    },
    /// A deposit transaction sent to the chain: deposits come from the root chain only.
    #[error("coin {0}: deposits are made on the root chain, not submitted")]
    DepositSubmitted(u64),
    /// A coin already touched in the pending block (one leaf per slot per block).
    #[error("coin {0} is already touched in the pending block")]
    AlreadyTouched(u64),
    /// A coin with a live exit.
    #[error("coin {0} is exiting")]
    CoinExiting(u64),
    /// A coin that left the chain.
    #[error("coin {0} has exited")]
    CoinGone(u64),
    /// A signature from which no signer can be recovered.
    #[error("coin {slot}: bad signature: {source}")]
    BadSignature {
        /// The coin.
        slot: u64,
        /// Why it does not recover.
        source: SignatureError,
    },
    /// A transaction that breaks a rule of the chain.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// An exit's end for a coin that is not exiting.
    #[error("coin {0} is not exiting")]
    NotExiting(u64),
    /// Block numbers ran past `u64::MAX`.
    #[error("no operator block number after {0}")]
    NumbersExhausted(u64),
}

/// A transaction with its signer recovered: the costly part of accepting it, done before
/// the chain is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recovered {
    signed: SignedTx,
    hash: B256,
    signer: Address,
}

impl Recovered {
    /// Recovers the signer of `tx` from `signature`.
    pub fn recover(tx: DebitTx, signature: CashSignature) -> Result<Self, ChainError> {
        let hash = tx.hash();
        let signer = signature
            .recover(&hash)
            .map_err(|source| ChainError::BadSignature { slot: tx.own_state().slot, source })?;
        Ok(Self { signed: SignedTx { tx, signature }, hash, signer })
    }

    /// The transaction's hash.
    pub fn hash(&self) -> B256 {
        self.hash
    }
}

/// The operator's chain: coins, sealed blocks and the pending block.
#[derive(Debug, Clone)]
pub struct DebitChain {
    coins: BTreeMap<u64, DebitCoin>,
    blocks: BTreeMap<u64, Arc<DebitBlock>>,
    pending_number: u64,
    /// The pending block's leaves by slot, with their hashes and the state each leaves.
    pending: BTreeMap<u64, (SignedTx, B256, CoinState)>,
}

impl Default for DebitChain {
    fn default() -> Self {
        Self::new()
    }
}

impl DebitChain {
    /// An empty chain whose first operator block is 1000.
    pub fn new() -> Self {
        Self {
            coins: BTreeMap::new(),
            blocks: BTreeMap::new(),
            pending_number: BLOCK_INTERVAL,
            pending: BTreeMap::new(),
        }
    }

    /// The number the next sealed block gets.
    pub fn pending_number(&self) -> u64 {
        self.pending_number
    }

    /// Slots touched in the pending block.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// The coin in `slot`.
    pub fn coin(&self, slot: u64) -> Option<&DebitCoin> {
        self.coins.get(&slot)
    }

    /// The sealed operator block `number`.
    pub fn block(&self, number: u64) -> Option<&DebitBlock> {
        self.blocks.get(&number).map(|b| b.as_ref())
    }

    /// The root of sealed operator block `number`.
    pub fn block_root(&self, number: u64) -> Option<B256> {
        self.blocks.get(&number).map(|b| b.root)
    }

    /// The last sealed operator block, if any.
    pub fn last_sealed(&self) -> Option<u64> {
        self.blocks.keys().next_back().copied()
    }

    /// Records a root-chain `Deposit(slot, blockNumber, amount, owner)` event.
    pub fn deposit(&mut self, deposit: DepositRecord) -> Result<(), ChainError> {
        let (slot, block) = (deposit.slot, deposit.block);
        if !is_deposit_block(block) {
            return Err(ChainError::NotADepositBlock(block));
        }
        if block >= self.pending_number {
            return Err(ChainError::DepositNotBeforePending {
                block,
                pending: self.pending_number,
            });
        }
        if self.coins.contains_key(&slot) {
            return Err(ChainError::SlotTaken(slot));
        }
        let coin = DebitCoin {
            deposit,
            capacity: deposit.amount,
            state: deposit.state(),
            status: CoinStatus::OnChain,
        };
        self.coins.insert(slot, coin);
        Ok(())
    }

    /// Records a root-chain `ToppedUp(slot, amount, capacity)` event: the operator's side of
    /// the coin grows by `amount`.
    pub fn top_up(&mut self, slot: u64, amount: U256) -> Result<(), ChainError> {
        let coin = self.coin_mut(slot)?;
        coin.capacity = coin.capacity.saturating_add(amount);
        Ok(())
    }

    /// Accepts a transaction into the pending block, or says which rule it breaks. Returns
    /// its hash.
    pub fn submit(&mut self, tx: DebitTx, signature: CashSignature) -> Result<B256, ChainError> {
        self.submit_recovered(Recovered::recover(tx, signature)?)
    }

    /// [`DebitChain::submit`] for a transaction whose signer was recovered beforehand.
    pub fn submit_recovered(&mut self, recovered: Recovered) -> Result<B256, ChainError> {
        let Recovered { signed, hash, signer } = recovered;
        let own = signed.tx.own_state().slot;
        if let DebitTx::Deposit(_) = signed.tx {
            return Err(ChainError::DepositSubmitted(own));
        }
        let number = self.pending_number;
        let payer = self.movable(own)?.state.apply_own(&signed.tx, signer, number)?;
        let mut leaves = vec![(own, payer)];
        if let DebitTx::Pay(pay) = signed.tx {
            let payee = self.movable(pay.to_slot)?;
            leaves.push((pay.to_slot, payee.state.apply_credit(&pay, payee.capacity)?));
        }
        for (slot, after) in leaves {
            self.pending.insert(slot, (signed, hash, after));
        }
        Ok(hash)
    }

    /// The coin in `slot` if a transaction may touch it in the pending block.
    fn movable(&self, slot: u64) -> Result<&DebitCoin, ChainError> {
        let coin = self.coins.get(&slot).ok_or(ChainError::UnknownCoin(slot))?;
        match coin.status {
            CoinStatus::OnChain => {}
            CoinStatus::Exiting => return Err(ChainError::CoinExiting(slot)),
            CoinStatus::Exited => return Err(ChainError::CoinGone(slot)),
        }
        if self.pending.contains_key(&slot) {
            return Err(ChainError::AlreadyTouched(slot));
        }
        Ok(coin)
    }

    /// Seals the pending block (possibly empty), applies its leaves and moves to the next
    /// multiple of 1000. Leaves accepted before a coin's exit started stay in: the root chain
    /// lets anyone use them against that exit, or add them to it as credits.
    pub fn seal(&mut self) -> Result<&DebitBlock, ChainError> {
        let number = self.pending_number;
        let next =
            number.checked_add(BLOCK_INTERVAL).ok_or(ChainError::NumbersExhausted(number))?;
        let pending = std::mem::take(&mut self.pending);
        let mut leaves = BTreeMap::new();
        let mut hashes = BTreeMap::new();
        for (slot, (signed, hash, after)) in pending {
            if let Some(coin) = self.coins.get_mut(&slot) {
                coin.state = after;
            }
            leaves.insert(slot, signed);
            hashes.insert(slot, hash);
        }
        let tree = SparseMerkleTree::new(hashes);
        let block = DebitBlock { number, leaves, root: tree.root(), tree };
        self.pending_number = next;
        Ok(self.blocks.entry(number).or_insert_with(|| Arc::new(block)))
    }

    fn coin_mut(&mut self, slot: u64) -> Result<&mut DebitCoin, ChainError> {
        self.coins.get_mut(&slot).ok_or(ChainError::UnknownCoin(slot))
    }

    /// Records an exit started on the root chain: nothing touches the coin while it lasts.
    pub fn exit_started(&mut self, slot: u64) -> Result<(), ChainError> {
        let coin = self.coin_mut(slot)?;
        if coin.status == CoinStatus::Exited {
            return Err(ChainError::CoinGone(slot));
        }
        coin.status = CoinStatus::Exiting;
        Ok(())
    }

    /// Records a cancelled exit: the coin can move again.
    pub fn exit_cancelled(&mut self, slot: u64) -> Result<(), ChainError> {
        self.end_exit(slot, CoinStatus::OnChain)
    }

    /// Records a finalized exit: the coin is gone for good.
    pub fn exit_finalized(&mut self, slot: u64) -> Result<(), ChainError> {
        self.end_exit(slot, CoinStatus::Exited)
    }

    fn end_exit(&mut self, slot: u64, status: CoinStatus) -> Result<(), ChainError> {
        let coin = self.coin_mut(slot)?;
        if coin.status != CoinStatus::Exiting {
            return Err(ChainError::NotExiting(slot));
        }
        coin.status = status;
        Ok(())
    }

    /// What the operator hands the holder of `slot`: every sealed operator block after its
    /// deposit, with the coin's leaf and its proofs, or a proof that the block leaves it alone.
    pub fn coin_history(&self, slot: u64) -> Result<DebitHistory, ChainError> {
        let coin = self.coins.get(&slot).ok_or(ChainError::UnknownCoin(slot))?;
        let block = coin.deposit.block;
        let first = next_operator_block(block).ok_or(ChainError::NumbersExhausted(block))?;
        let entries = self.blocks.range(first..).map(|(_, b)| b.entry(slot)).collect();
        Ok(DebitHistory { slot, entries })
    }
}

#[cfg(test)]
mod tests;
