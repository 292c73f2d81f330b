//! The client's side: the history of one coin, and its check. In Plasma Cash nobody checks
//! the operator's blocks for you: before accepting a coin, a recipient checks that every
//! operator block since the coin's origin either carries a valid spend of it or provably
//! does not touch it. Only then can the coin's latest tx be exited, and every older exit of
//! it be challenged. A final XT checkpoint replaces the history before it.

use crate::numbering::{is_operator_block, next_operator_block};
use alloy_primitives::{Address, B256, U256};
use plasma_primitives::cash::{CashError, CashSignature, CashTx, compute_root, empty_subtree};
use std::collections::HashMap;

/// A root-chain `Deposit` event, which the client trusts: the coin's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepositRecord {
    /// The coin.
    pub slot: u64,
    /// The deposit block.
    pub block: u64,
    /// The coin's value.
    pub denomination: U256,
    /// The depositor, first owner of the coin.
    pub owner: Address,
}

impl DepositRecord {
    /// The deposit tx `[slot, 0, denomination, owner]` (its hash is the deposit block's root).
    pub fn tx(&self) -> CashTx {
        CashTx {
            slot: self.slot,
            prev_block: U256::ZERO,
            denomination: self.denomination,
            new_owner: self.owner,
        }
    }
}

/// A final checkpoint read from the root chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointRecord {
    /// The operator block it commits to.
    pub block: u64,
    /// Its root.
    pub root: B256,
}

/// What the client read from the root chain and trusts, besides block roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RootChainFacts {
    /// The coin's deposit.
    pub deposit: DepositRecord,
    /// The final checkpoint the history starts from, if it starts from one.
    pub checkpoint: Option<CheckpointRecord>,
    /// The last operator block submitted: the history must reach it.
    pub last_block: u64,
}

/// A signed spend of the coin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spend {
    /// The tx.
    pub tx: CashTx,
    /// Its signature by the previous owner.
    pub signature: CashSignature,
}

/// What one operator block says about the coin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEntry {
    /// The operator block.
    pub block: u64,
    /// The coin's spend in that block, or `None` when the block does not touch the coin.
    pub spend: Option<Spend>,
    /// The proof of the spend's hash at the slot, or of the empty leaf there.
    pub proof: Vec<u8>,
}

/// Where the history starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The coin's deposit (the [`DepositRecord`] in [`RootChainFacts`]).
    Deposit,
    /// A final checkpoint, which stands for everything before it.
    Checkpoint(CheckpointOrigin),
}

/// A final checkpoint as the origin of a history: its leaf tx and both proofs. The leaf's
/// block proof stays because a later exit names the leaf as its parent (its `prevBlock` must
/// be the leaf's real block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointOrigin {
    /// The checkpoint's operator block.
    pub checkpoint_block: u64,
    /// The coin's latest tx at or before it (the checkpoint's leaf).
    pub tx: CashTx,
    /// The block that tx is in.
    pub tx_block: u64,
    /// Its proof in that block (empty for a deposit, whose block root is its hash).
    pub tx_proof: Vec<u8>,
    /// The proof of its hash at the slot in the checkpoint's tree.
    pub checkpoint_proof: Vec<u8>,
}

/// A tx with where it is included, as an exit or a challenge names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludedTx {
    /// The tx.
    pub tx: CashTx,
    /// Its block.
    pub block: u64,
    /// Its proof (empty for a deposit).
    pub proof: Vec<u8>,
}

/// What the current owner needs to exit the coin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitEvidence {
    /// The coin never moved: `startExit` of the deposit tx, `blocks = [0, deposit block]`.
    Deposit(IncludedTx),
    /// The coin did not move since the checkpoint: `startExitFromCheckpoint` of its leaf.
    Checkpoint {
        /// The checkpoint's block.
        checkpoint_block: u64,
        /// The leaf tx with its block proof.
        leaf: IncludedTx,
        /// The leaf's proof in the checkpoint.
        checkpoint_proof: Vec<u8>,
    },
    /// `startExit(slot, parent, exiting, …, signature, [parent block, exiting block])`.
    Spend {
        /// The tx the exiting one spends.
        parent: IncludedTx,
        /// The coin's latest tx.
        exiting: IncludedTx,
        /// The parent's owner's signature of the exiting tx.
        signature: CashSignature,
    },
}

/// A history that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCoin {
    /// The coin.
    pub slot: u64,
    /// Its current owner.
    pub owner: Address,
    /// Its value.
    pub denomination: U256,
    /// The block of its latest tx.
    pub latest_block: u64,
    /// The last two txs, as an exit needs them.
    pub exit: ExitEvidence,
}

/// Why a history does not verify: the block and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// The history and the deposit record are about different coins.
    #[error("history of coin {history}, deposit of coin {deposit}")]
    SlotMismatch {
        /// The history's slot.
        history: u64,
        /// The deposit's slot.
        deposit: u64,
    },
    /// An operator block the history should cover and does not.
    #[error("block {0} is missing from the history")]
    MissingBlock(u64),
    /// An entry out of order, repeated, or not an operator block.
    #[error("block {block} where block {expected} was expected")]
    UnexpectedBlock {
        /// The entry's block.
        block: u64,
        /// The block that should come next.
        expected: u64,
    },
    /// An entry after the last operator block the root chain knows.
    #[error("block {block} is after the last submitted block {last_block}")]
    BeyondLastBlock {
        /// The entry's block.
        block: u64,
        /// The last submitted block.
        last_block: u64,
    },
    /// The root chain has no root for this block.
    #[error("no root known for block {0}")]
    UnknownBlock(u64),
    /// A proof that does not give the block's root (a lying non-inclusion or inclusion).
    #[error("block {block}: the proof does not give the block's root")]
    BadProof {
        /// The block.
        block: u64,
    },
    /// A proof that is not even well formed.
    #[error("block {block}: {source}")]
    MalformedProof {
        /// The block.
        block: u64,
        /// What is wrong with it.
        source: CashError,
    },
    /// A tx of another coin.
    #[error("block {block}: tx of coin {found}")]
    WrongSlot {
        /// The block.
        block: u64,
        /// The tx's slot.
        found: u64,
    },
    /// A tx that does not spend the coin's previous tx.
    #[error("block {block}: prevBlock {found}, the coin's previous tx is at block {expected}")]
    WrongPrevBlock {
        /// The block.
        block: u64,
        /// The previous tx's block.
        expected: u64,
        /// The tx's `prev_block`.
        found: U256,
    },
    /// A tx not signed by the coin's owner at that point (`signer` is `None` when no key
    /// recovers from the signature).
    #[error("block {block}: signed by {signer:?}, the coin's owner is {owner}")]
    ForgedSignature {
        /// The block.
        block: u64,
        /// The owner before the tx.
        owner: Address,
        /// Who signed, if anyone.
        signer: Option<Address>,
    },
    /// A tx that changes the coin's value.
    #[error("block {block}: denomination {found}, the coin is worth {expected}")]
    Denomination {
        /// The block.
        block: u64,
        /// The coin's value.
        expected: U256,
        /// The tx's value.
        found: U256,
    },
    /// A checkpoint origin whose checkpoint the facts do not name as final.
    #[error("no final checkpoint known at block {0}")]
    UnknownCheckpoint(u64),
    /// A checkpoint leaf whose proof does not give the checkpoint's root.
    #[error("checkpoint at block {checkpoint_block}: the leaf proof does not give its root")]
    BadCheckpointProof {
        /// The checkpoint's block.
        checkpoint_block: u64,
    },
    /// A checkpoint leaf included after the checkpoint's block.
    #[error("checkpoint leaf at block {tx_block}, after the checkpoint block {checkpoint_block}")]
    LeafAfterCheckpoint {
        /// The leaf's block.
        tx_block: u64,
        /// The checkpoint's block.
        checkpoint_block: u64,
    },
    /// A deposit tx that is not the coin's deposit (owner, value or block differ).
    #[error("block {block}: not the coin's deposit")]
    NotTheDeposit {
        /// The block claimed.
        block: u64,
    },
    /// A non-deposit tx at a block that is not an operator block after the deposit.
    #[error("block {block}: a spend can only be in an operator block after the deposit")]
    NotAfterDeposit {
        /// The block claimed.
        block: u64,
    },
    /// A tx the history already holds at an earlier block: the operator included the same
    /// signed tx twice (its copies are one tx on the root chain).
    #[error("block {block}: the tx of block {first} again")]
    RepeatedTx {
        /// The block of the copy.
        block: u64,
        /// The block it first appeared in.
        first: u64,
    },
    /// A truncation at a checkpoint the history does not reach or already passed.
    #[error("checkpoint block {0} is not covered by the history")]
    CheckpointNotCovered(u64),
}

/// One coin's history, as its owner keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoinHistory {
    /// The coin.
    pub slot: u64,
    /// Where it starts.
    pub origin: Origin,
    /// Every operator block after the origin, in order.
    pub entries: Vec<BlockEntry>,
}

/// The coin's state while walking its history.
struct Walk {
    owner: Address,
    latest_block: u64,
    /// Index of the latest included entry; `None` while the origin tx is the latest.
    latest: Option<usize>,
    /// Index of the entry before it; `None` when the origin tx is the parent.
    parent: Option<usize>,
}

/// Checks `proof` of `leaf` at `slot` against block `block`'s root.
fn check_proof(
    roots: &impl Fn(u64) -> Option<B256>,
    block: u64,
    leaf: &B256,
    slot: u64,
    proof: &[u8],
) -> Result<(), HistoryError> {
    let root = roots(block).ok_or(HistoryError::UnknownBlock(block))?;
    let got = compute_root(leaf, slot, proof)
        .map_err(|source| HistoryError::MalformedProof { block, source })?;
    if got == root { Ok(()) } else { Err(HistoryError::BadProof { block }) }
}

impl CoinHistory {
    /// Checks the whole history against the block roots (`roots(block)`, operator blocks)
    /// and the root-chain facts, and returns who owns the coin now with its exit evidence.
    pub fn verify(
        &self,
        roots: &impl Fn(u64) -> Option<B256>,
        facts: &RootChainFacts,
    ) -> Result<VerifiedCoin, HistoryError> {
        let deposit = &facts.deposit;
        if deposit.slot != self.slot {
            return Err(HistoryError::SlotMismatch { history: self.slot, deposit: deposit.slot });
        }
        let (mut walk, covered_to) = self.verify_origin(roots, facts)?;
        let mut expected = next_operator_block(covered_to);
        // Every tx so far with its block: a copy is refused by name.
        let mut seen = HashMap::from([(self.origin_tx(deposit).tx.hash(), walk.latest_block)]);
        for (index, entry) in self.entries.iter().enumerate() {
            let block = entry.block;
            let want =
                expected.ok_or(HistoryError::UnexpectedBlock { block, expected: u64::MAX })?;
            if block > facts.last_block {
                return Err(HistoryError::BeyondLastBlock { block, last_block: facts.last_block });
            }
            if block > want && is_operator_block(block) {
                return Err(HistoryError::MissingBlock(want));
            }
            if block != want {
                return Err(HistoryError::UnexpectedBlock { block, expected: want });
            }
            match &entry.spend {
                None => check_proof(roots, block, &empty_subtree(0), self.slot, &entry.proof)?,
                Some(spend) => {
                    self.check_spend(roots, deposit, &walk, block, spend, &entry.proof, &seen)?;
                    seen.insert(spend.tx.hash(), block);
                    walk.owner = spend.tx.new_owner;
                    walk.latest_block = block;
                    walk.parent = walk.latest;
                    walk.latest = Some(index);
                }
            }
            expected = next_operator_block(block);
        }
        if let Some(want) = expected.filter(|&want| want <= facts.last_block) {
            return Err(HistoryError::MissingBlock(want));
        }
        Ok(VerifiedCoin {
            slot: self.slot,
            owner: walk.owner,
            denomination: deposit.denomination,
            latest_block: walk.latest_block,
            exit: self.exit_evidence(deposit, &walk),
        })
    }

    /// Checks the origin; returns the state after it and the last block it stands for.
    fn verify_origin(
        &self,
        roots: &impl Fn(u64) -> Option<B256>,
        facts: &RootChainFacts,
    ) -> Result<(Walk, u64), HistoryError> {
        let deposit = &facts.deposit;
        let walk = |owner, latest_block| Walk { owner, latest_block, latest: None, parent: None };
        let origin = match &self.origin {
            Origin::Deposit => return Ok((walk(deposit.owner, deposit.block), deposit.block)),
            Origin::Checkpoint(origin) => origin,
        };
        let checkpoint_block = origin.checkpoint_block;
        let record = facts
            .checkpoint
            .filter(|c| c.block == checkpoint_block)
            .ok_or(HistoryError::UnknownCheckpoint(checkpoint_block))?;
        let (tx, tx_block) = (origin.tx, origin.tx_block);
        if tx.slot != self.slot {
            return Err(HistoryError::WrongSlot { block: tx_block, found: tx.slot });
        }
        match compute_root(&tx.hash(), self.slot, &origin.checkpoint_proof) {
            Ok(root) if root == record.root => {}
            _ => return Err(HistoryError::BadCheckpointProof { checkpoint_block }),
        }
        if tx_block > checkpoint_block {
            return Err(HistoryError::LeafAfterCheckpoint { tx_block, checkpoint_block });
        }
        if tx.is_deposit() {
            if tx != deposit.tx() || tx_block != deposit.block {
                return Err(HistoryError::NotTheDeposit { block: tx_block });
            }
        } else {
            if !is_operator_block(tx_block) || tx_block <= deposit.block {
                return Err(HistoryError::NotAfterDeposit { block: tx_block });
            }
            if tx.prev_block >= U256::from(tx_block) {
                return Err(HistoryError::WrongPrevBlock {
                    block: tx_block,
                    expected: tx_block,
                    found: tx.prev_block,
                });
            }
            if tx.denomination != deposit.denomination {
                return Err(HistoryError::Denomination {
                    block: tx_block,
                    expected: deposit.denomination,
                    found: tx.denomination,
                });
            }
            check_proof(roots, tx_block, &tx.hash(), self.slot, &origin.tx_proof)?;
        }
        Ok((walk(tx.new_owner, tx_block), checkpoint_block))
    }

    /// Checks one included spend against the coin's state before it and the txs seen so far.
    #[allow(clippy::too_many_arguments)]
    fn check_spend(
        &self,
        roots: &impl Fn(u64) -> Option<B256>,
        deposit: &DepositRecord,
        walk: &Walk,
        block: u64,
        spend: &Spend,
        proof: &[u8],
        seen: &HashMap<B256, u64>,
    ) -> Result<(), HistoryError> {
        let tx = &spend.tx;
        if tx.slot != self.slot {
            return Err(HistoryError::WrongSlot { block, found: tx.slot });
        }
        // The proof first: a spend the block does not hold says nothing about the coin.
        let hash = tx.hash();
        check_proof(roots, block, &hash, self.slot, proof)?;
        if let Some(&first) = seen.get(&hash) {
            return Err(HistoryError::RepeatedTx { block, first });
        }
        if tx.prev_block != U256::from(walk.latest_block) {
            return Err(HistoryError::WrongPrevBlock {
                block,
                expected: walk.latest_block,
                found: tx.prev_block,
            });
        }
        if tx.denomination != deposit.denomination {
            return Err(HistoryError::Denomination {
                block,
                expected: deposit.denomination,
                found: tx.denomination,
            });
        }
        let signer = spend.signature.recover(&hash).ok();
        if signer != Some(walk.owner) {
            return Err(HistoryError::ForgedSignature { block, owner: walk.owner, signer });
        }
        Ok(())
    }

    /// The origin's tx with where it is included.
    fn origin_tx(&self, deposit: &DepositRecord) -> IncludedTx {
        match &self.origin {
            Origin::Deposit => {
                IncludedTx { tx: deposit.tx(), block: deposit.block, proof: Vec::new() }
            }
            Origin::Checkpoint(o) => {
                IncludedTx { tx: o.tx, block: o.tx_block, proof: o.tx_proof.clone() }
            }
        }
    }

    fn included(&self, index: usize) -> Option<(IncludedTx, CashSignature)> {
        let entry = self.entries.get(index)?;
        let spend = entry.spend?;
        Some((
            IncludedTx { tx: spend.tx, block: entry.block, proof: entry.proof.clone() },
            spend.signature,
        ))
    }

    fn exit_evidence(&self, deposit: &DepositRecord, walk: &Walk) -> ExitEvidence {
        let exiting = walk.latest.and_then(|i| self.included(i));
        let parent = walk.parent.and_then(|i| self.included(i)).map(|(tx, _)| tx);
        match (exiting, &self.origin) {
            (Some((exiting, signature)), _) => ExitEvidence::Spend {
                parent: parent.unwrap_or_else(|| self.origin_tx(deposit)),
                exiting,
                signature,
            },
            (None, Origin::Deposit) => ExitEvidence::Deposit(self.origin_tx(deposit)),
            (None, Origin::Checkpoint(o)) => ExitEvidence::Checkpoint {
                checkpoint_block: o.checkpoint_block,
                leaf: self.origin_tx(deposit),
                checkpoint_proof: o.checkpoint_proof.clone(),
            },
        }
    }

    /// The last block the origin stands for.
    fn origin_covers(&self, deposit: &DepositRecord) -> u64 {
        match &self.origin {
            Origin::Deposit => deposit.block,
            Origin::Checkpoint(o) => o.checkpoint_block,
        }
    }

    /// Drops everything up to a final checkpoint: the coin's latest tx at or before its block
    /// becomes the origin, with its block proof and `checkpoint_proof`. Refused, leaving the
    /// history as it was, unless the history reaches the checkpoint's block, the part it drops
    /// verifies (against `roots` and `facts`, as [`Self::verify`] checks, up to the
    /// checkpoint's block: what is dropped can never be checked again, and a tx the operator
    /// included twice must be seen before it is) and the proof gives the checkpoint's root.
    /// It does not verify the rest: call [`Self::verify`].
    pub fn truncate_at_checkpoint(
        &mut self,
        checkpoint: CheckpointRecord,
        checkpoint_proof: Vec<u8>,
        roots: &impl Fn(u64) -> Option<B256>,
        facts: &RootChainFacts,
    ) -> Result<(), HistoryError> {
        let deposit = &facts.deposit;
        let at = checkpoint.block;
        let reached = self.entries.iter().any(|e| e.block == at);
        if !is_operator_block(at) || at <= self.origin_covers(deposit) || !reached {
            return Err(HistoryError::CheckpointNotCovered(at));
        }
        let dropped = CoinHistory {
            slot: self.slot,
            origin: self.origin.clone(),
            entries: self.entries.iter().filter(|e| e.block <= at).cloned().collect(),
        };
        dropped.verify(roots, &RootChainFacts { last_block: at, ..*facts })?;
        let latest = self.entries.iter().rposition(|e| e.block <= at && e.spend.is_some());
        let leaf = match latest.and_then(|i| self.included(i)) {
            Some((leaf, _)) => leaf,
            None => self.origin_tx(deposit),
        };
        match compute_root(&leaf.tx.hash(), self.slot, &checkpoint_proof) {
            Ok(root) if root == checkpoint.root => {}
            _ => return Err(HistoryError::BadCheckpointProof { checkpoint_block: at }),
        }
        self.origin = Origin::Checkpoint(CheckpointOrigin {
            checkpoint_block: at,
            tx: leaf.tx,
            tx_block: leaf.block,
            tx_proof: leaf.proof,
            checkpoint_proof,
        });
        self.entries.retain(|e| e.block > at);
        Ok(())
    }

    /// Bytes the client stores for this coin: every tx (RLP), 66-byte signature and proof
    /// (block numbers and the deposit event's other fields aside).
    pub fn encoded_size(&self) -> usize {
        let origin = match &self.origin {
            Origin::Deposit => 0,
            Origin::Checkpoint(o) => {
                o.tx.encode().len() + o.tx_proof.len() + o.checkpoint_proof.len()
            }
        };
        let entries: usize = self
            .entries
            .iter()
            .map(|e| e.proof.len() + e.spend.map_or(0, |s| s.tx.encode().len() + 66))
            .sum();
        origin + entries
    }
}
