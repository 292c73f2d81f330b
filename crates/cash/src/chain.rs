//! The operator's side of a Plasma Cash chain: which coins exist, who owns each, and which
//! spends go into the next operator block. The rules mirror what the root chain lets an exit
//! or a challenge prove (`docs/contracts.md`, "Plasma Cash"), so that every block the
//! operator seals gives each honest owner a history that verifies and an exit that holds.

use crate::{
    checkpoint::Checkpoint,
    history::{BlockEntry, CoinHistory, DepositRecord, Origin, Spend},
    numbering::{BLOCK_INTERVAL, is_deposit_block, next_operator_block},
};
use alloy_primitives::{Address, B256, U256};
use plasma_primitives::{
    SignatureError,
    cash::{CashSignature, CashTx, SparseMerkleTree},
};
use std::{collections::BTreeMap, sync::Arc};

/// Where a coin stands, as the root chain's events say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum CoinStatus {
    /// On the child chain: it may be spent.
    Deposited,
    /// An exit is live on the root chain: no spend is accepted until it is cancelled.
    Exiting,
    /// The exit finalized: the coin left the chain for good.
    Exited,
    /// The coin was withdrawn on the root chain: gone for good.
    Withdrawn,
}

/// One coin as the operator tracks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coin {
    /// Its value, fixed at deposit (coins are indivisible).
    pub denomination: U256,
    /// The block number its deposit took.
    pub deposit_block: u64,
    /// Who deposited it (the deposit tx's `new_owner`).
    pub depositor: Address,
    /// Who owns it now (the latest tx's `new_owner`).
    pub owner: Address,
    /// The block of its latest tx: what the next spend's `prev_block` must name.
    pub latest_block: u64,
    /// Its latest tx (the deposit tx until it moves).
    pub latest_tx: CashTx,
    /// Where it stands on the root chain.
    pub status: CoinStatus,
    /// Every tx of the coin by block, deposit included: checkpoints need the latest one at
    /// or before any past block.
    txs: BTreeMap<u64, CashTx>,
}

/// A sealed operator block.
#[derive(Debug, Clone)]
pub struct CashBlock {
    /// Its number, a multiple of [`BLOCK_INTERVAL`].
    pub number: u64,
    /// At most one spend per coin, by slot.
    pub txs: BTreeMap<u64, (CashTx, CashSignature)>,
    /// The root of the sparse Merkle tree of the tx hashes by slot (what `submitBlock` takes).
    pub root: B256,
    tree: SparseMerkleTree,
}

/// A block taken out of the chain by [`CashChain::take_pending`], its tree not yet built.
#[derive(Debug)]
#[must_use = "the chain lacks this block until it is sealed and inserted back"]
pub struct UnsealedBlock {
    number: u64,
    spends: BTreeMap<u64, (CashTx, CashSignature, B256)>,
}

impl UnsealedBlock {
    /// Its number.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// Builds its tree from the hashes computed when its spends were accepted.
    pub fn seal(self) -> CashBlock {
        let tree =
            SparseMerkleTree::new(self.spends.iter().map(|(&s, &(_, _, h))| (s, h)).collect());
        let txs = self.spends.into_iter().map(|(slot, (tx, sig, _))| (slot, (tx, sig))).collect();
        CashBlock { number: self.number, txs, root: tree.root(), tree }
    }
}

impl CashBlock {
    /// The proof for `slot`: of inclusion if the coin moved in this block, else of
    /// non-inclusion (against the empty leaf).
    pub fn proof(&self, slot: u64) -> Vec<u8> {
        self.tree.proof(slot)
    }
}

/// Why the chain refused a deposit, a spend, an event or a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// No coin has this slot.
    #[error("no coin in coin {0}")]
    UnknownCoin(u64),
    /// A deposit for a slot already used (the root chain never reuses one).
    #[error("coin {0} already holds a coin")]
    SlotTaken(u64),
    /// A deposit numbered like an operator block.
    #[error("block {0} is not a deposit block (operator blocks are multiples of 1000)")]
    NotADepositBlock(u64),
    /// A deposit numbered at or after the block being built, so the chain is behind the root
    /// chain's operator blocks (or the event is wrong).
    #[error("deposit block {block} is not before the pending operator block {pending}")]
    DepositNotBeforePending {
        /// The deposit's block.
        block: u64,
        /// The operator block being built.
        pending: u64,
    },
    /// A spend whose `prev_block` is not the coin's latest block (it skips or replays a tx).
    #[error("coin {slot}: prevBlock {found}, the coin's latest tx is at block {expected}")]
    WrongPrevBlock {
        /// The coin.
        slot: u64,
        /// The block of the coin's latest tx.
        expected: u64,
        /// The spend's `prev_block`.
        found: U256,
    },
    /// A spend signed by someone else than the coin's owner.
    #[error("coin {slot}: owned by {owner}, signed by {signer}")]
    NotOwner {
        /// The coin.
        slot: u64,
        /// Its owner.
        owner: Address,
        /// Who signed.
        signer: Address,
    },
    /// A second spend of the coin in the pending block (one leaf per slot per block).
    #[error("coin {0} is already spent in the pending block")]
    AlreadySpentInBlock(u64),
    /// A spend of a coin with a live exit.
    #[error("coin {0} is exiting")]
    CoinExiting(u64),
    /// A spend (or exit) of a coin that left the chain.
    #[error("coin {0} has exited or been withdrawn")]
    CoinGone(u64),
    /// A spend that changes the coin's value.
    #[error("coin {slot}: denomination {found}, the coin is worth {expected}")]
    DenominationChanged {
        /// The coin.
        slot: u64,
        /// Its value.
        expected: U256,
        /// The spend's value.
        found: U256,
    },
    /// A signature from which no signer can be recovered.
    #[error("coin {slot}: bad signature: {source}")]
    BadSignature {
        /// The coin.
        slot: u64,
        /// Why it does not recover.
        source: SignatureError,
    },
    /// An exit cancellation for a coin that is not exiting.
    #[error("coin {0} is not exiting")]
    NotExiting(u64),
    /// A checkpoint or history asked at a block that is not a sealed operator block.
    #[error("block {0} is not a sealed operator block")]
    NotSealed(u64),
    /// Block numbers ran past `u64::MAX`.
    #[error("no operator block number after {0}")]
    NumbersExhausted(u64),
}

/// The operator's chain: coins, sealed blocks and the pending block.
#[derive(Debug, Clone)]
pub struct CashChain {
    coins: BTreeMap<u64, Coin>,
    /// Shared, so that a coin's history is proved outside the chain's lock.
    blocks: BTreeMap<u64, Arc<CashBlock>>,
    pending_number: u64,
    /// The pending block's spends, by slot, with their hashes (the tree's leaves).
    pending: BTreeMap<u64, (CashTx, CashSignature, B256)>,
}

impl Default for CashChain {
    fn default() -> Self {
        Self::new()
    }
}

/// A spend with its signer recovered from its signature: the costly part of accepting it,
/// done before the chain is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveredSpend {
    tx: CashTx,
    sig: CashSignature,
    hash: B256,
    signer: Address,
}

impl RecoveredSpend {
    /// Recovers the signer of `tx` from `sig`.
    pub fn recover(tx: CashTx, sig: CashSignature) -> Result<Self, ChainError> {
        let hash = tx.hash();
        let signer = sig
            .recover(&hash)
            .map_err(|source| ChainError::BadSignature { slot: tx.slot, source })?;
        Ok(Self { tx, sig, hash, signer })
    }

    /// The spend's hash.
    pub fn hash(&self) -> B256 {
        self.hash
    }
}

impl CashChain {
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

    /// Spends waiting in the pending block.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Coins ever deposited.
    pub fn coin_count(&self) -> usize {
        self.coins.len()
    }

    /// Up to `limit` slots after `after` (in order) of the coins `owner` holds as of the last
    /// sealed block. A scan of every coin: for wallets, not for hot paths.
    pub fn coins_of(&self, owner: Address, after: Option<u64>, limit: usize) -> Vec<u64> {
        let from = after.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded);
        self.coins
            .range((from, std::ops::Bound::Unbounded))
            .filter(|(_, coin)| coin.owner == owner)
            .map(|(&slot, _)| slot)
            .take(limit)
            .collect()
    }

    /// The coin in `slot`.
    pub fn coin(&self, slot: u64) -> Option<&Coin> {
        self.coins.get(&slot)
    }

    /// The sealed operator block `number`.
    pub fn block(&self, number: u64) -> Option<&CashBlock> {
        self.blocks.get(&number).map(|b| b.as_ref())
    }

    /// The root of sealed operator block `number` (what a client reads from the root chain).
    pub fn block_root(&self, number: u64) -> Option<B256> {
        self.blocks.get(&number).map(|b| b.root)
    }

    /// The last sealed operator block, if any.
    pub fn last_sealed(&self) -> Option<u64> {
        self.blocks.keys().next_back().copied()
    }

    /// The deposit event's facts for `slot`.
    pub fn deposit_record(&self, slot: u64) -> Option<DepositRecord> {
        self.coins.get(&slot).map(|c| DepositRecord {
            slot,
            block: c.deposit_block,
            denomination: c.denomination,
            owner: c.depositor,
        })
    }

    /// Records a root-chain `Deposit(slot, blockNumber, denomination, from, …)` event. Its
    /// block must be a deposit number before the block being built, since the root chain
    /// numbers deposits after the last operator block it knows.
    pub fn deposit(
        &mut self,
        slot: u64,
        block: u64,
        owner: Address,
        denomination: U256,
    ) -> Result<(), ChainError> {
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
        let tx = CashTx { slot, prev_block: U256::ZERO, denomination, new_owner: owner };
        self.coins.insert(
            slot,
            Coin {
                denomination,
                deposit_block: block,
                depositor: owner,
                owner,
                latest_block: block,
                latest_tx: tx,
                status: CoinStatus::Deposited,
                txs: BTreeMap::from([(block, tx)]),
            },
        );
        Ok(())
    }

    /// Accepts a spend into the pending block, or says which rule it breaks. Returns its hash.
    pub fn submit(&mut self, tx: CashTx, sig: CashSignature) -> Result<B256, ChainError> {
        self.submit_recovered(RecoveredSpend::recover(tx, sig)?)
    }

    /// [`CashChain::submit`] for a spend whose signer was recovered beforehand (on any core,
    /// without holding the chain): only the coin's state is checked here.
    pub fn submit_recovered(&mut self, spend: RecoveredSpend) -> Result<B256, ChainError> {
        let RecoveredSpend { tx, sig, hash, signer } = spend;
        let slot = tx.slot;
        let coin = self.coins.get(&slot).ok_or(ChainError::UnknownCoin(slot))?;
        match coin.status {
            CoinStatus::Deposited => {}
            CoinStatus::Exiting => return Err(ChainError::CoinExiting(slot)),
            CoinStatus::Exited | CoinStatus::Withdrawn => return Err(ChainError::CoinGone(slot)),
        }
        if self.pending.contains_key(&slot) {
            return Err(ChainError::AlreadySpentInBlock(slot));
        }
        if tx.prev_block != U256::from(coin.latest_block) {
            return Err(ChainError::WrongPrevBlock {
                slot,
                expected: coin.latest_block,
                found: tx.prev_block,
            });
        }
        if tx.denomination != coin.denomination {
            return Err(ChainError::DenominationChanged {
                slot,
                expected: coin.denomination,
                found: tx.denomination,
            });
        }
        if signer != coin.owner {
            return Err(ChainError::NotOwner { slot, owner: coin.owner, signer });
        }
        self.pending.insert(slot, (tx, sig, hash));
        Ok(hash)
    }

    /// Seals the pending block (possibly empty), applies its spends and moves to the next
    /// multiple of 1000. Spends accepted before a coin's exit started stay in: the root chain
    /// lets anyone use them to challenge that exit.
    pub fn seal(&mut self) -> Result<&CashBlock, ChainError> {
        let block = self.take_pending()?.seal();
        Ok(self.insert_sealed(block))
    }

    /// The first half of [`CashChain::seal`]: applies the pending block's spends to the coins
    /// and moves to the next block number, so that new spends are checked against them, and
    /// hands the block out to have its tree built without the chain (the costly part). The
    /// chain serves no history or root of that block until [`CashChain::insert_sealed`].
    pub fn take_pending(&mut self) -> Result<UnsealedBlock, ChainError> {
        let number = self.pending_number;
        let next =
            number.checked_add(BLOCK_INTERVAL).ok_or(ChainError::NumbersExhausted(number))?;
        let spends = std::mem::take(&mut self.pending);
        for (slot, (tx, _, _)) in &spends {
            if let Some(coin) = self.coins.get_mut(slot) {
                coin.owner = tx.new_owner;
                coin.latest_block = number;
                coin.latest_tx = *tx;
                coin.txs.insert(number, *tx);
            }
        }
        self.pending_number = next;
        Ok(UnsealedBlock { number, spends })
    }

    /// The second half of [`CashChain::seal`]: the block taken by
    /// [`CashChain::take_pending`], sealed, becomes the chain's (a second copy is ignored).
    pub fn insert_sealed(&mut self, block: CashBlock) -> &CashBlock {
        self.blocks.entry(block.number).or_insert_with(|| Arc::new(block))
    }

    fn coin_mut(&mut self, slot: u64) -> Result<&mut Coin, ChainError> {
        self.coins.get_mut(&slot).ok_or(ChainError::UnknownCoin(slot))
    }

    /// Records an exit started on the root chain: the coin takes no spend while it lasts.
    pub fn exit(&mut self, slot: u64) -> Result<(), ChainError> {
        let coin = self.coin_mut(slot)?;
        match coin.status {
            CoinStatus::Deposited | CoinStatus::Exiting => {
                coin.status = CoinStatus::Exiting;
                Ok(())
            }
            CoinStatus::Exited | CoinStatus::Withdrawn => Err(ChainError::CoinGone(slot)),
        }
    }

    /// Records a cancelled exit (a successful challenge): the coin can move again.
    pub fn exit_cancelled(&mut self, slot: u64) -> Result<(), ChainError> {
        let coin = self.coin_mut(slot)?;
        if coin.status != CoinStatus::Exiting {
            return Err(ChainError::NotExiting(slot));
        }
        coin.status = CoinStatus::Deposited;
        Ok(())
    }

    /// Records a finalized exit: the coin is gone for good.
    pub fn exit_finalized(&mut self, slot: u64) -> Result<(), ChainError> {
        let coin = self.coin_mut(slot)?;
        if coin.status != CoinStatus::Exiting {
            return Err(ChainError::NotExiting(slot));
        }
        coin.status = CoinStatus::Exited;
        Ok(())
    }

    /// Records a withdrawal: the coin is gone for good (idempotent).
    pub fn withdrawn(&mut self, slot: u64) -> Result<(), ChainError> {
        self.coin_mut(slot)?.status = CoinStatus::Withdrawn;
        Ok(())
    }

    /// The checkpoint at sealed operator block `at_block`: every coin that existed then,
    /// keyed by slot, with the hash of its latest tx at or before that block.
    pub fn checkpoint(&self, at_block: u64) -> Result<Checkpoint, ChainError> {
        if !self.blocks.contains_key(&at_block) {
            return Err(ChainError::NotSealed(at_block));
        }
        let leaves = self
            .coins
            .iter()
            .filter_map(|(&slot, coin)| {
                coin.txs.range(..=at_block).next_back().map(|(_, tx)| (slot, tx.hash()))
            })
            .collect();
        Ok(Checkpoint::new(at_block, leaves))
    }

    /// What the operator hands the owner (or a buyer) of `slot`: the deposit as origin, then
    /// every sealed operator block after it with the coin's spend and its proof, or a proof
    /// that the coin did not move.
    pub fn coin_history(&self, slot: u64) -> Result<CoinHistory, ChainError> {
        Ok(self.history_blocks(slot)?.prove())
    }

    /// The blocks of `slot`'s history, cheap to take under the chain's lock: proving them
    /// ([`HistoryBlocks::prove`], ~50 hashes for each block the coin did not move in) is left
    /// for after the lock is released.
    pub fn history_blocks(&self, slot: u64) -> Result<HistoryBlocks, ChainError> {
        let coin = self.coins.get(&slot).ok_or(ChainError::UnknownCoin(slot))?;
        let first = next_operator_block(coin.deposit_block)
            .ok_or(ChainError::NumbersExhausted(coin.deposit_block))?;
        let blocks = self.blocks.range(first..).map(|(_, block)| block.clone()).collect();
        Ok(HistoryBlocks { slot, blocks })
    }
}

/// The sealed blocks a coin's history runs through, taken by [`CashChain::history_blocks`].
#[derive(Debug, Clone)]
pub struct HistoryBlocks {
    slot: u64,
    blocks: Vec<Arc<CashBlock>>,
}

impl HistoryBlocks {
    /// The history: the deposit as origin, then each block with the coin's spend and its
    /// proof, or a proof that the coin did not move.
    pub fn prove(&self) -> CoinHistory {
        let slot = self.slot;
        let entries = self
            .blocks
            .iter()
            .map(|block| BlockEntry {
                block: block.number,
                spend: block.txs.get(&slot).map(|&(tx, signature)| Spend { tx, signature }),
                proof: block.proof(slot),
            })
            .collect();
        CoinHistory { slot, origin: Origin::Deposit, entries }
    }
}

#[cfg(test)]
mod tests;
