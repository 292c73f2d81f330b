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
use std::collections::BTreeMap;

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
    #[error("no coin in slot {0:#018x}")]
    UnknownCoin(u64),
    /// A deposit for a slot already used (the root chain never reuses one).
    #[error("slot {0:#018x} already holds a coin")]
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
    #[error("slot {slot:#018x}: prevBlock {found}, the coin's latest tx is at block {expected}")]
    WrongPrevBlock {
        /// The coin.
        slot: u64,
        /// The block of the coin's latest tx.
        expected: u64,
        /// The spend's `prev_block`.
        found: U256,
    },
    /// A spend signed by someone else than the coin's owner.
    #[error("slot {slot:#018x}: owned by {owner}, signed by {signer}")]
    NotOwner {
        /// The coin.
        slot: u64,
        /// Its owner.
        owner: Address,
        /// Who signed.
        signer: Address,
    },
    /// A second spend of the coin in the pending block (one leaf per slot per block).
    #[error("slot {0:#018x} is already spent in the pending block")]
    AlreadySpentInBlock(u64),
    /// A spend of a coin with a live exit.
    #[error("slot {0:#018x} is exiting")]
    CoinExiting(u64),
    /// A spend (or exit) of a coin that left the chain.
    #[error("slot {0:#018x} has exited or been withdrawn")]
    CoinGone(u64),
    /// A spend that changes the coin's value.
    #[error("slot {slot:#018x}: denomination {found}, the coin is worth {expected}")]
    DenominationChanged {
        /// The coin.
        slot: u64,
        /// Its value.
        expected: U256,
        /// The spend's value.
        found: U256,
    },
    /// A signature from which no signer can be recovered.
    #[error("slot {slot:#018x}: bad signature: {source}")]
    BadSignature {
        /// The coin.
        slot: u64,
        /// Why it does not recover.
        source: SignatureError,
    },
    /// An exit cancellation for a coin that is not exiting.
    #[error("slot {0:#018x} is not exiting")]
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
    blocks: BTreeMap<u64, CashBlock>,
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

    /// The coin in `slot`.
    pub fn coin(&self, slot: u64) -> Option<&Coin> {
        self.coins.get(&slot)
    }

    /// The sealed operator block `number`.
    pub fn block(&self, number: u64) -> Option<&CashBlock> {
        self.blocks.get(&number)
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
        self.blocks.entry(block.number).or_insert(block)
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
        let coin = self.coins.get(&slot).ok_or(ChainError::UnknownCoin(slot))?;
        let first = next_operator_block(coin.deposit_block)
            .ok_or(ChainError::NumbersExhausted(coin.deposit_block))?;
        let entries = self
            .blocks
            .range(first..)
            .map(|(&number, block)| BlockEntry {
                block: number,
                spend: block.txs.get(&slot).map(|&(tx, signature)| Spend { tx, signature }),
                proof: block.proof(slot),
            })
            .collect();
        Ok(CoinHistory { slot, origin: Origin::Deposit, entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plasma_primitives::PrivateKey;

    fn key(n: u8) -> PrivateKey {
        PrivateKey::from_seed(&[n])
    }

    fn spend(slot: u64, prev: u64, to: Address, from: &PrivateKey) -> (CashTx, CashSignature) {
        let tx = CashTx {
            slot,
            prev_block: U256::from(prev),
            denomination: U256::from(5),
            new_owner: to,
        };
        (tx, tx.sign(from))
    }

    fn chain_with_coin() -> CashChain {
        let mut chain = CashChain::new();
        chain.deposit(7, 1, key(1).address(), U256::from(5)).unwrap();
        chain
    }

    #[test]
    fn deposits_follow_the_numbering() {
        let mut chain = chain_with_coin();
        let a = key(1).address();
        assert_eq!(chain.deposit(8, 1000, a, U256::ONE), Err(ChainError::NotADepositBlock(1000)));
        assert_eq!(chain.deposit(8, 0, a, U256::ONE), Err(ChainError::NotADepositBlock(0)));
        assert_eq!(
            chain.deposit(8, 1001, a, U256::ONE),
            Err(ChainError::DepositNotBeforePending { block: 1001, pending: 1000 })
        );
        assert_eq!(chain.deposit(7, 2, a, U256::ONE), Err(ChainError::SlotTaken(7)));
        chain.seal().unwrap();
        chain.deposit(8, 1001, a, U256::ONE).unwrap();
    }

    #[test]
    fn spends_are_checked() {
        let mut chain = chain_with_coin();
        let (k1, k2) = (key(1), key(2));
        let (tx, sig) = spend(9, 1, k2.address(), &k1);
        assert_eq!(chain.submit(tx, sig), Err(ChainError::UnknownCoin(9)));
        let (tx, sig) = spend(7, 2, k2.address(), &k1);
        assert_eq!(
            chain.submit(tx, sig),
            Err(ChainError::WrongPrevBlock { slot: 7, expected: 1, found: U256::from(2) })
        );
        let (tx, sig) = spend(7, 1, k1.address(), &k2);
        assert_eq!(
            chain.submit(tx, sig),
            Err(ChainError::NotOwner { slot: 7, owner: k1.address(), signer: k2.address() })
        );
        let tx = CashTx { denomination: U256::from(6), ..spend(7, 1, k2.address(), &k1).0 };
        assert_eq!(
            chain.submit(tx, tx.sign(&k1)),
            Err(ChainError::DenominationChanged {
                slot: 7,
                expected: U256::from(5),
                found: U256::from(6)
            })
        );
        let (tx, mut sig) = spend(7, 1, k2.address(), &k1);
        let mut bytes = *sig.sig.as_bytes();
        bytes[64] = 30;
        sig.sig = plasma_primitives::Signature::from_bytes(bytes);
        assert!(matches!(chain.submit(tx, sig), Err(ChainError::BadSignature { slot: 7, .. })));

        let (tx, sig) = spend(7, 1, k2.address(), &k1);
        chain.submit(tx, sig).unwrap();
        let (tx, sig) = spend(7, 1, key(3).address(), &k1);
        assert_eq!(chain.submit(tx, sig), Err(ChainError::AlreadySpentInBlock(7)));
        let block = chain.seal().unwrap();
        assert_eq!(block.number, 1000);
        assert_eq!(block.txs.len(), 1);
        let coin = chain.coin(7).unwrap();
        assert_eq!((coin.owner, coin.latest_block), (k2.address(), 1000));
        assert_eq!(chain.pending_number(), 2000);
        // The old owner can no longer spend; the new one must name block 1000.
        let (tx, sig) = spend(7, 1000, k1.address(), &k1);
        assert!(matches!(chain.submit(tx, sig), Err(ChainError::NotOwner { .. })));
        let (tx, sig) = spend(7, 1000, k1.address(), &k2);
        chain.submit(tx, sig).unwrap();
    }

    /// A block taken to be sealed off the lock: new spends are already checked against it (no
    /// second spend of its coins from the old state), its history and root appear only once
    /// it is inserted, and it is the block `seal` would have made.
    #[test]
    fn a_block_taken_for_sealing_binds_new_spends_and_is_served_once_inserted() {
        let mut chain = chain_with_coin();
        let mut reference = chain_with_coin();
        let (k1, k2) = (key(1), key(2));
        let (tx, sig) = spend(7, 1, k2.address(), &k1);
        chain.submit(tx, sig).unwrap();
        reference.submit(tx, sig).unwrap();
        let taken = chain.take_pending().unwrap();
        assert_eq!((taken.number(), chain.pending_number()), (1000, 2000));
        let (again, sig_again) = spend(7, 1, key(3).address(), &k1);
        assert_eq!(
            chain.submit(again, sig_again),
            Err(ChainError::WrongPrevBlock { slot: 7, expected: 1000, found: U256::ONE })
        );
        assert!(chain.coin_history(7).unwrap().entries.is_empty());
        assert_eq!((chain.last_sealed(), chain.block_root(1000)), (None, None));
        let (next, sig_next) = spend(7, 1000, k1.address(), &k2);
        chain.submit(next, sig_next).unwrap();

        let root = chain.insert_sealed(taken.seal()).root;
        assert_eq!(root, reference.seal().unwrap().root);
        assert_eq!(chain.last_sealed(), Some(1000));
        let history = chain.coin_history(7).unwrap();
        assert_eq!(history.entries.len(), 1);
        assert_eq!(history.entries[0].spend.map(|s| s.tx), Some(tx));
        assert_eq!(chain.seal().unwrap().txs.get(&7).map(|&(t, _)| t), Some(next));
    }

    #[test]
    fn exits_freeze_coins() {
        let mut chain = chain_with_coin();
        let (k1, k2) = (key(1), key(2));
        chain.exit(7).unwrap();
        let (tx, sig) = spend(7, 1, k2.address(), &k1);
        assert_eq!(chain.submit(tx, sig), Err(ChainError::CoinExiting(7)));
        chain.exit_cancelled(7).unwrap();
        assert_eq!(chain.exit_cancelled(7), Err(ChainError::NotExiting(7)));
        chain.submit(tx, sig).unwrap();
        chain.exit(7).unwrap();
        chain.exit_finalized(7).unwrap();
        assert_eq!(chain.exit(7), Err(ChainError::CoinGone(7)));
        chain.withdrawn(7).unwrap();
        assert_eq!(chain.coin(7).unwrap().status, CoinStatus::Withdrawn);
        assert_eq!(chain.exit(8), Err(ChainError::UnknownCoin(8)));
    }

    #[test]
    fn checkpoints_take_the_latest_tx_at_or_before_the_block() {
        let mut chain = chain_with_coin();
        let (k1, k2) = (key(1), key(2));
        chain.seal().unwrap(); // 1000: coin 7 still at its deposit
        let (tx, sig) = spend(7, 1, k2.address(), &k1);
        chain.submit(tx, sig).unwrap();
        chain.seal().unwrap(); // 2000: moved
        chain.deposit(8, 2001, k1.address(), U256::ONE).unwrap();
        chain.seal().unwrap(); // 3000
        assert_eq!(chain.checkpoint(1500).unwrap_err(), ChainError::NotSealed(1500));
        let at1000 = chain.checkpoint(1000).unwrap();
        assert_eq!(at1000.leaf(7), Some(chain.deposit_record(7).unwrap().tx().hash()));
        assert_eq!(at1000.leaf(8), None);
        let at3000 = chain.checkpoint(3000).unwrap();
        assert_eq!(at3000.leaf(7), Some(tx.hash()));
        assert_eq!(at3000.len(), 2);
        let proof = at3000.proof(7);
        assert_eq!(plasma_primitives::cash::compute_root(&tx.hash(), 7, &proof), Ok(at3000.root()));
    }
}
