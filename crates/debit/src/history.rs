//! The client's side: one coin's history and its check (docs/debit.md, "The client's check").
//! As in Plasma Cash, every operator block since the deposit either carries a leaf at the
//! coin's slot or provably does not; in addition each pay counts only with its other leg in
//! the same block, and the balance follows the chain's rules ([`crate::rules`]).

use crate::rules::{CoinState, RuleError};
use alloy_primitives::{Address, B256, U256};
use plasma_primitives::{
    SignatureError,
    cash::{CashError, CashSignature, compute_root, empty_subtree},
    coin_blocks::{is_operator_block, next_operator_block},
    debit::{DebitTx, DepositTx, PayTx},
};
use std::collections::HashMap;

/// A root-chain `Deposit` event, which the client trusts: the coin's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepositRecord {
    /// The coin.
    pub slot: u64,
    /// Its deposit block.
    pub block: u64,
    /// The depositor, its first holder.
    pub owner: Address,
    /// The amount deposited: its first capacity and balance.
    pub amount: U256,
}

impl DepositRecord {
    /// The deposit transaction `[0, slot, owner, amount]`.
    pub fn tx(&self) -> DebitTx {
        DebitTx::Deposit(DepositTx { slot: self.slot, owner: self.owner, balance: self.amount })
    }

    /// The coin's state right after its deposit.
    pub fn state(&self) -> CoinState {
        CoinState {
            slot: self.slot,
            owner: self.owner,
            balance: self.amount,
            own_block: self.block,
        }
    }
}

/// What the client read from the root chain and trusts, besides block roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebitFacts {
    /// The coin's deposit.
    pub deposit: DepositRecord,
    /// Its capacity now (the deposit plus every top-up).
    pub capacity: U256,
    /// The last operator block submitted: the history must reach it.
    pub last_block: u64,
}

/// A signed transaction as a block holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedTx {
    /// The transaction.
    pub tx: DebitTx,
    /// Its signature (by the holder for a transfer, by the payer for a pay).
    pub signature: CashSignature,
}

/// What one operator block says about the coin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEntry {
    /// The operator block.
    pub block: u64,
    /// The leaf at the coin's slot, or `None` when the block does not touch the coin.
    pub leaf: Option<SignedTx>,
    /// The proof of the leaf's hash at the slot, or of the empty leaf there.
    pub proof: Vec<u8>,
    /// For a pay: the proof of the same hash at its other slot (the other leg). Empty else.
    pub peer_proof: Vec<u8>,
}

/// A coin's history as the operator serves it: every operator block since the deposit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebitHistory {
    /// The coin.
    pub slot: u64,
    /// One entry per operator block after the deposit block, in order.
    pub entries: Vec<BlockEntry>,
}

/// A transaction with where it is included, as an exit or a challenge shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludedTx {
    /// The transaction.
    pub tx: DebitTx,
    /// Its signature (`None` for the deposit).
    pub signature: Option<CashSignature>,
    /// Its block.
    pub block: u64,
    /// Its proof at the coin's slot (empty for a deposit).
    pub proof: Vec<u8>,
    /// For a pay: its proof at the other slot. Empty else.
    pub peer_proof: Vec<u8>,
}

/// A coin's history that verified (up to where it did): its state and every transaction an
/// exit, a challenge or an answer shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCoin {
    /// The state: holder, balance (credits included), latest own block.
    pub state: CoinState,
    /// The capacity, as the root chain says.
    pub capacity: U256,
    /// Every own transaction in order, the deposit first: each spends the one before it.
    pub own: Vec<IncludedTx>,
    /// Every credit in order, as pays with their proofs: `proof` at this coin, `peer_proof`
    /// at the payer's.
    pub credits: Vec<IncludedTx>,
}

impl VerifiedCoin {
    /// The latest own transaction (an exit's `exiting`).
    pub fn latest(&self) -> &IncludedTx {
        self.own.last().expect("a history starts with its deposit")
    }

    /// The own transaction before the latest (an exit's `parent`); `None` while the latest is
    /// the deposit.
    pub fn parent(&self) -> Option<&IncludedTx> {
        self.own.len().checked_sub(2).map(|i| &self.own[i])
    }

    /// The credits after block `block` (those an exit of a state at `block` adds).
    pub fn credits_after(&self, block: u64) -> impl Iterator<Item = &IncludedTx> {
        self.credits.iter().filter(move |c| c.block > block)
    }

    /// What an exit of the latest state pays the holder: the balance, at most the capacity.
    pub fn exit_payout(&self) -> U256 {
        self.state.balance.min(self.capacity)
    }
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
    /// A proof that does not give the block's root.
    #[error("block {block}: the proof at coin {slot} does not give the block's root")]
    BadProof {
        /// The block.
        block: u64,
        /// The slot the proof is for (this coin's, or a pay's other leg's).
        slot: u64,
    },
    /// A proof that is not even well formed.
    #[error("block {block}: {source}")]
    MalformedProof {
        /// The block.
        block: u64,
        /// What is wrong with it.
        source: CashError,
    },
    /// A leaf whose signature recovers no signer.
    #[error("block {block}: bad signature: {source}")]
    BadSignature {
        /// The block.
        block: u64,
        /// Why.
        source: SignatureError,
    },
    /// A leaf that neither is an own transaction of the coin nor pays it.
    #[error("block {block}: the leaf does not touch this coin")]
    NotThisCoin {
        /// The block.
        block: u64,
    },
    /// A pay seen twice: its credit counts once.
    #[error("block {block}: a pay already counted at block {first}")]
    RepeatedPay {
        /// The block.
        block: u64,
        /// Where it was first.
        first: u64,
    },
    /// A leaf that breaks a rule of the chain.
    #[error("block {block}: {source}")]
    Rule {
        /// The block.
        block: u64,
        /// The rule.
        source: RuleError,
    },
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
    if got == root { Ok(()) } else { Err(HistoryError::BadProof { block, slot }) }
}

/// The walk through a history: the state so far and the evidence an exit of it needs.
struct Walk {
    coin: VerifiedCoin,
    /// Pays counted so far, with their block.
    pays: HashMap<B256, u64>,
}

impl DebitHistory {
    /// Checks the whole history against the block roots (`roots(block)`, operator blocks)
    /// and the root-chain facts; the first fault is the error.
    pub fn verify(
        &self,
        roots: &impl Fn(u64) -> Option<B256>,
        facts: &DebitFacts,
    ) -> Result<VerifiedCoin, HistoryError> {
        match self.verify_prefix(roots, facts)? {
            (coin, None) => Ok(coin),
            (_, Some(fault)) => Err(fault),
        }
    }

    /// Checks the history up to its first fault: the coin's state after the longest valid
    /// prefix (what its holder can exit when the operator cheats) and the fault, if any.
    /// Fails outright only for a history of another coin.
    pub fn verify_prefix(
        &self,
        roots: &impl Fn(u64) -> Option<B256>,
        facts: &DebitFacts,
    ) -> Result<(VerifiedCoin, Option<HistoryError>), HistoryError> {
        let deposit = &facts.deposit;
        if deposit.slot != self.slot {
            return Err(HistoryError::SlotMismatch { history: self.slot, deposit: deposit.slot });
        }
        let latest = IncludedTx {
            tx: deposit.tx(),
            signature: None,
            block: deposit.block,
            proof: Vec::new(),
            peer_proof: Vec::new(),
        };
        let coin = VerifiedCoin {
            state: deposit.state(),
            capacity: facts.capacity,
            own: vec![latest],
            credits: Vec::new(),
        };
        let mut walk = Walk { coin, pays: HashMap::new() };
        let mut expected = next_operator_block(deposit.block);
        for entry in &self.entries {
            if let Err(fault) = self.check_entry(roots, facts, &mut walk, expected, entry) {
                return Ok((walk.coin, Some(fault)));
            }
            expected = next_operator_block(entry.block);
        }
        let fault =
            expected.filter(|&want| want <= facts.last_block).map(HistoryError::MissingBlock);
        Ok((walk.coin, fault))
    }

    /// Checks one entry where `expected` is due and applies it to the walk.
    fn check_entry(
        &self,
        roots: &impl Fn(u64) -> Option<B256>,
        facts: &DebitFacts,
        walk: &mut Walk,
        expected: Option<u64>,
        entry: &BlockEntry,
    ) -> Result<(), HistoryError> {
        let block = entry.block;
        let want = expected.ok_or(HistoryError::UnexpectedBlock { block, expected: u64::MAX })?;
        if block > facts.last_block {
            return Err(HistoryError::BeyondLastBlock { block, last_block: facts.last_block });
        }
        if block > want && is_operator_block(block) {
            return Err(HistoryError::MissingBlock(want));
        }
        if block != want {
            return Err(HistoryError::UnexpectedBlock { block, expected: want });
        }
        let Some(signed) = &entry.leaf else {
            return check_proof(roots, block, &empty_subtree(0), self.slot, &entry.proof);
        };
        let hash = signed.tx.hash();
        check_proof(roots, block, &hash, self.slot, &entry.proof)?;
        let rule = |source| HistoryError::Rule { block, source };
        let included = IncludedTx {
            tx: signed.tx,
            signature: Some(signed.signature),
            block,
            proof: entry.proof.clone(),
            peer_proof: entry.peer_proof.clone(),
        };
        let coin = &mut walk.coin;
        match signed.tx {
            DebitTx::Pay(pay) if pay.to_slot == self.slot => {
                check_proof(roots, block, &hash, pay.from_slot, &entry.peer_proof)?;
                check_new_pay(&walk.pays, hash, block)?;
                coin.state = coin.state.apply_credit(&pay, facts.capacity).map_err(rule)?;
                coin.credits.push(included);
            }
            tx if tx.own_state().slot == self.slot => {
                let signer = signed
                    .signature
                    .recover(&hash)
                    .map_err(|source| HistoryError::BadSignature { block, source })?;
                if let DebitTx::Pay(PayTx { to_slot, .. }) = tx {
                    check_proof(roots, block, &hash, to_slot, &entry.peer_proof)?;
                    check_new_pay(&walk.pays, hash, block)?;
                }
                coin.state = coin.state.apply_own(&tx, signer, block).map_err(rule)?;
                coin.own.push(included);
            }
            _ => return Err(HistoryError::NotThisCoin { block }),
        }
        if let DebitTx::Pay(_) = signed.tx {
            walk.pays.insert(hash, block);
        }
        Ok(())
    }
}

/// Refuses a pay already counted in this history (the same bytes in two blocks).
fn check_new_pay(pays: &HashMap<B256, u64>, hash: B256, block: u64) -> Result<(), HistoryError> {
    match pays.get(&hash) {
        Some(&first) => Err(HistoryError::RepeatedPay { block, first }),
        None => Ok(()),
    }
}
