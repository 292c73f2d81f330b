//! The UTXO set and the block being built.

use crate::{ClaimError, ExitView, FeePolicy, Hold, LedgerError, ScheduledFees, VerifiedTx};
use plasma_primitives::{
    Address, B256, FeeTx, MerkleTree, Output, PaymentTx, U256, UtxoPos,
    exits::{BatchClaim, ExitEvent},
    merkle::{MAX_LEAVES, leaf_hash},
    position::CHILD_BLOCK_INTERVAL,
    tx::MAX_INPUTS,
};
// foldhash maps (alloy's default): positions are assigned by the chain, and the UTXO set is
// the sequencer's hottest structure.
use alloy_primitives::map::{HashMap, HashSet};
use std::collections::BTreeMap;

/// Where an applied transaction landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// The block it is in.
    pub blknum: u64,
    /// Its index in the block.
    pub txindex: u16,
    /// Its id.
    pub hash: B256,
}

/// A finished block: its payments in order, then its fee claims, and their Merkle root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedBlock {
    /// Block number (a multiple of 1000).
    pub number: u64,
    /// The payments, in order.
    pub txs: Vec<VerifiedTx>,
    /// The fee claims, after the payments (leaf `txs.len() + i`), one per token.
    pub claims: Vec<FeeTx>,
    /// The root committed to the root chain.
    pub root: B256,
    /// Fees the block's transactions left, per token.
    pub fees: BTreeMap<Address, U256>,
}

/// How the UTXO set changed since the last [`Ledger::take_changes`], netted: an output created
/// and spent in between appears in neither list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UtxoChanges {
    /// Outputs that were unspent before and are gone now.
    pub removed: Vec<UtxoPos>,
    /// Outputs that are unspent now and were not before.
    pub added: Vec<(UtxoPos, Output)>,
}

/// The UTXO changes since the last [`Ledger::take_changes`], recorded as plain lists (the
/// sequencer's hot path only appends) and netted when taken; nothing is recorded when
/// `tracking` is off (a ledger that is never persisted, like a watcher's).
#[derive(Debug, Clone)]
struct ChangeLog {
    tracking: bool,
    /// Every child-block position at or above this one was created since the last take: the
    /// outputs of the blocks filled since.
    created_from: U256,
    /// Deposits since the last take, which may be numbered below `created_from`.
    deposits: HashSet<UtxoPos>,
    /// Positions removed since, in order.
    removed: Vec<UtxoPos>,
    /// Positions created since, in order.
    added: Vec<UtxoPos>,
}

impl ChangeLog {
    fn new(tracking: bool, pending_block: u64) -> Self {
        Self {
            tracking,
            created_from: UtxoPos::new(pending_block, 0, 0).raw(),
            deposits: HashSet::default(),
            removed: Vec::new(),
            added: Vec::new(),
        }
    }

    fn created(&mut self, pos: UtxoPos) {
        if self.tracking {
            self.added.push(pos);
        }
    }

    fn deposited(&mut self, pos: UtxoPos) {
        if self.tracking {
            self.added.push(pos);
            self.deposits.insert(pos);
        }
    }

    fn removed(&mut self, pos: UtxoPos) {
        if self.tracking {
            self.removed.push(pos);
        }
    }

    fn created_since(&self, pos: UtxoPos) -> bool {
        let child_block = || (pos.blknum() % U256::from(CHILD_BLOCK_INTERVAL)).is_zero();
        (pos.raw() >= self.created_from && child_block())
            || (!self.deposits.is_empty() && self.deposits.contains(&pos))
    }
}

/// The child chain's state: unspent outputs, plus the block being filled.
#[derive(Debug, Clone)]
pub struct Ledger {
    utxos: HashMap<UtxoPos, Output>,
    changes: ChangeLog,
    fees: FeePolicy,
    block: u64,
    pending: Vec<VerifiedTx>,
    pending_fees: BTreeMap<Address, U256>,
    /// The live exits on the root chain.
    exits: ExitView,
    /// Whether outputs a live exit may pay out are refused (the operator's ledger).
    holding: bool,
    /// The outputs held, and why. Empty unless `holding`.
    held: HashMap<UtxoPos, Hold>,
}

impl Ledger {
    /// An empty chain whose first block is 1000.
    pub fn new(fees: FeePolicy) -> Self {
        Self::restore(fees, CHILD_BLOCK_INTERVAL, std::iter::empty())
    }

    /// Stops recording the UTXO changes [`Ledger::take_changes`] returns: for a ledger that is
    /// never persisted (a watcher's), where they would only cost time and memory.
    pub fn without_change_tracking(mut self) -> Self {
        self.changes = ChangeLog::new(false, self.block);
        self
    }

    /// A chain rebuilt from stored state: the next block's number and the unspent outputs.
    pub fn restore(
        fees: FeePolicy,
        next_block: u64,
        utxos: impl IntoIterator<Item = (UtxoPos, Output)>,
    ) -> Self {
        let mut fees = fees;
        // Rates announced for a block the chain has reached are in force.
        fees.advance_to(next_block);
        Self {
            utxos: utxos.into_iter().collect(),
            changes: ChangeLog::new(true, next_block),
            fees,
            block: next_block,
            pending: Vec::new(),
            pending_fees: BTreeMap::new(),
            exits: ExitView::default(),
            holding: false,
            held: HashMap::default(),
        }
    }

    /// Refuses to spend any output a live exit on the root chain may pay out: the operator's
    /// ledger, which must never build on value that can leave. A watcher's ledger does not
    /// hold: a spend included before an exit starts makes the exit invalid, not the block.
    ///
    /// Invariant: fed the same root-chain events, a holding ledger's spendable outputs are a
    /// subset of a non-holding ledger's unspent ones (both remove exactly what
    /// [`Ledger::follow_exit`] says was paid out), so no block the operator seals can be
    /// judged invalid by a watcher for spending value that left.
    pub fn holding(mut self) -> Self {
        self.holding = true;
        self.refresh_holds(self.exits.named_outputs());
        self
    }

    /// The number of the block being filled.
    pub fn pending_block(&self) -> u64 {
        self.block
    }

    /// The transactions of the block being filled, in order.
    pub fn pending_txs(&self) -> &[VerifiedTx] {
        &self.pending
    }

    /// The unspent output at `pos`.
    pub fn utxo(&self, pos: UtxoPos) -> Option<&Output> {
        self.utxos.get(&pos)
    }

    /// Every unspent output.
    pub fn utxos(&self) -> impl Iterator<Item = (&UtxoPos, &Output)> {
        self.utxos.iter()
    }

    /// Number of unspent outputs.
    pub fn utxo_count(&self) -> usize {
        self.utxos.len()
    }

    /// Whether the block being filled takes no more transactions: room is kept for its fee
    /// claims (one per token, and a transaction adds at most four tokens).
    pub fn is_full(&self) -> bool {
        let claims = match self.fees.claimer {
            Some(_) => self.pending_fees.len() + MAX_INPUTS,
            None => 0,
        };
        self.pending.len() + claims >= MAX_LEAVES
    }

    /// The fee rules, with the announced ones (for a quote).
    pub fn fee_policy(&self) -> &FeePolicy {
        &self.fees
    }

    /// Announces rates for block `next.effective_block` on, replacing any announced before.
    /// The block being filled keeps the rates it started with: the change must name a later
    /// operator block.
    pub fn schedule_fees(&mut self, next: ScheduledFees) -> Result<(), LedgerError> {
        let at = next.effective_block;
        if at <= self.block || !at.is_multiple_of(CHILD_BLOCK_INTERVAL) {
            return Err(LedgerError::FeeScheduleTooSoon {
                effective_block: at,
                pending: self.block,
            });
        }
        self.fees.next = Some(next);
        Ok(())
    }

    /// Checks a verified transaction against the state, without changing it; returns the fee
    /// it leaves per token.
    pub fn check(&self, tx: &VerifiedTx) -> Result<BTreeMap<Address, U256>, LedgerError> {
        let inner = tx.signed.tx();
        // At most four tokens each side: a small vector beats a map on this hot path.
        let mut ins: Vec<(Address, U256)> = Vec::with_capacity(4);
        for (index, (&pos, &signer)) in inner.inputs().iter().zip(&tx.signers).enumerate() {
            let Some(spent) = self.utxos.get(&pos) else {
                return Err(match self.exits.payout(pos) {
                    Some(payout) => LedgerError::Exited { index, pos, payout },
                    None => LedgerError::UnknownInput { index, pos },
                });
            };
            if !self.held.is_empty()
                && let Some(&hold) = self.held.get(&pos)
            {
                return Err(LedgerError::Exiting { index, pos, hold });
            }
            if spent.owner != signer {
                return Err(LedgerError::WrongSigner { index, owner: spent.owner, signer });
            }
            add(&mut ins, spent.token, spent.amount)?;
        }
        let mut outs: Vec<(Address, U256)> = Vec::with_capacity(4);
        for (index, out) in inner.outputs().iter().enumerate() {
            if !self.fees.dust_limit.is_empty() {
                self.fees.check_output(index, out.token, out.amount)?;
            }
            add(&mut outs, out.token, out.amount)?;
        }
        for &(token, outputs) in &outs {
            let inputs = sum_of(&ins, token);
            if outputs > inputs {
                return Err(LedgerError::Unbalanced { token, inputs, outputs });
            }
        }
        let surplus: BTreeMap<Address, U256> = ins
            .into_iter()
            .map(|(token, inputs)| (token, inputs - sum_of(&outs, token)))
            .filter(|(_, fee)| !fee.is_zero())
            .collect();
        self.fees.check(self.block, inner.inputs().len(), inner.outputs().len(), &surplus)?;
        Ok(surplus)
    }

    /// Checks and applies a transaction to the block being filled.
    pub fn apply(&mut self, tx: VerifiedTx) -> Result<Applied, LedgerError> {
        if self.is_full() {
            return Err(LedgerError::BlockFull(self.block));
        }
        let fees = self.check(&tx)?;
        let txindex = self.pending.len() as u16;
        let inner = tx.signed.tx();
        for &pos in inner.inputs() {
            self.utxos.remove(&pos);
            self.changes.removed(pos);
        }
        for (oindex, out) in inner.outputs().iter().enumerate() {
            let pos = UtxoPos::new(self.block, txindex, oindex as u8);
            self.utxos.insert(pos, *out);
            self.changes.created(pos);
        }
        for (token, fee) in fees {
            // Cannot overflow: fees are bounded by inputs that exist in the UTXO set.
            let total = self.pending_fees.entry(token).or_default();
            *total = total.saturating_add(fee);
        }
        let applied = Applied { blknum: self.block, txindex, hash: tx.hash };
        self.pending.push(tx);
        Ok(applied)
    }

    /// Closes the block being filled, with the claims of the fees it collected for the
    /// policy's claimer (none without one): computes its root (on this core) and starts the
    /// next one. The operator's seal.
    pub fn seal(&mut self) -> SealedBlock {
        let claims = match self.fees.claimer {
            Some(owner) => self
                .pending_fees
                .iter()
                .filter_map(|(&token, &fee)| FeeTx::claim(self.block, owner, token, fee).ok())
                .collect(),
            None => Vec::new(),
        };
        self.seal_block(claims, MerkleTree::from_leaf_hashes)
    }

    /// Closes the block being filled with the fee claims a block holds, checked against what
    /// its payments left: each token claimed once, with its block's nonce, and no more than
    /// collected. The root is computed on all cores: for a caller whose cores are otherwise
    /// idle (a watcher), not one that shares them with verification (the sequencer).
    pub fn seal_with_claims(&mut self, claims: Vec<FeeTx>) -> Result<SealedBlock, ClaimError> {
        self.check_claims(&claims)?;
        Ok(self.seal_block(claims, MerkleTree::from_leaf_hashes_on_all_cores))
    }

    fn check_claims(&self, claims: &[FeeTx]) -> Result<(), ClaimError> {
        let (blknum, first) = (self.block, self.pending.len());
        if first + claims.len() > MAX_LEAVES {
            return Err(ClaimError::TooMany { blknum, count: claims.len() });
        }
        for (i, claim) in claims.iter().enumerate() {
            let (index, token, claimed) = (first + i, claim.output().token, claim.output().amount);
            if claims[..i].iter().any(|c| c.output().token == token) {
                return Err(ClaimError::Duplicate { blknum, index, token });
            }
            if !claim.nonce_fits(blknum) {
                return Err(ClaimError::WrongNonce { blknum, index, token });
            }
            let collected = self.pending_fees.get(&token).copied().unwrap_or_default();
            if claimed > collected {
                return Err(ClaimError::Overclaim { blknum, index, token, claimed, collected });
            }
        }
        Ok(())
    }

    fn seal_block(
        &mut self,
        claims: Vec<FeeTx>,
        tree: fn(Vec<B256>) -> Result<MerkleTree, plasma_primitives::merkle::MerkleError>,
    ) -> SealedBlock {
        // The next block is sized like this one: no regrowing on the hot path.
        let next = Vec::with_capacity(self.pending.len());
        let txs = std::mem::replace(&mut self.pending, next);
        // The leaves were hashed when the transactions were verified, on all cores.
        let mut leaves: Vec<B256> = txs.iter().map(|t| t.leaf).collect();
        for claim in &claims {
            let pos = UtxoPos::new(self.block, leaves.len() as u16, 0);
            leaves.push(leaf_hash(&claim.encode()));
            self.utxos.insert(pos, *claim.output());
            self.changes.created(pos);
        }
        let root =
            tree(leaves).expect("apply and the claim check keep blocks within 65,536").root();
        let block = SealedBlock {
            number: self.block,
            txs,
            claims,
            root,
            fees: std::mem::take(&mut self.pending_fees),
        };
        self.block += CHILD_BLOCK_INTERVAL;
        self.fees.advance_to(self.block);
        block
    }

    /// Adds a deposit seen on the root chain: its single output at `(blknum, 0, 0)`.
    pub fn deposit(&mut self, blknum: u64, tx: &PaymentTx) -> Result<UtxoPos, LedgerError> {
        let bad = |reason| LedgerError::BadDeposit { blknum, reason };
        if !tx.is_deposit() {
            return Err(bad("a deposit has no inputs and exactly one output"));
        }
        if blknum.is_multiple_of(CHILD_BLOCK_INTERVAL) {
            return Err(bad("deposit blocks are not multiples of 1000"));
        }
        let pos = UtxoPos::new(blknum, 0, 0);
        if self.utxos.contains_key(&pos) {
            return Err(bad("position already holds an output"));
        }
        self.utxos.insert(pos, tx.outputs()[0]);
        self.changes.deposited(pos);
        Ok(pos)
    }

    /// Removes an output that exited on the root chain; returns it if it was unspent here.
    pub fn exit(&mut self, pos: UtxoPos) -> Option<Output> {
        self.held.remove(&pos);
        let out = self.utxos.remove(&pos)?;
        self.changes.removed(pos);
        Some(out)
    }

    /// The UTXO changes since the last call, in the order they happened: what a store must
    /// apply to catch up with this ledger. A position created since counts as removed only if
    /// it existed before (never), and as added only if it is still unspent.
    pub fn take_changes(&mut self) -> UtxoChanges {
        let fresh = ChangeLog::new(self.changes.tracking, self.block);
        let log = std::mem::replace(&mut self.changes, fresh);
        let removed = log.removed.iter().copied().filter(|p| !log.created_since(*p)).collect();
        let added =
            log.added.iter().filter_map(|p| self.utxos.get(p).map(|out| (*p, *out))).collect();
        UtxoChanges { removed, added }
    }

    /// Follows a step of the exit game on the root chain: outputs whose value left are
    /// removed (returned, for the log), and, when holding, outputs a live exit may pay out are
    /// held. `locate` finds a transaction of a sealed block by hash (its output 0); the block
    /// being filled is searched here.
    pub fn follow_exit(
        &mut self,
        event: &ExitEvent,
        mut locate: impl FnMut(B256) -> Option<UtxoPos>,
    ) -> Vec<UtxoPos> {
        let (pending, block) = (&self.pending, self.block);
        let mut find = |hash: B256| {
            let index = pending.iter().position(|t| t.hash == hash);
            index.map(|i| UtxoPos::new(block, i as u16, 0)).or_else(|| locate(hash))
        };
        let matching;
        let event = match event {
            ExitEvent::BatchStarted { exit_id, token, claims } => {
                matching = ExitEvent::BatchStarted {
                    exit_id: *exit_id,
                    token: *token,
                    claims: self.matching_claims(*token, claims),
                };
                &matching
            }
            other => other,
        };
        let effects = self.exits.follow(event, &mut find);
        let mut removed = Vec::new();
        for (pos, payout) in effects.removed {
            if self.exit(pos).is_some() {
                self.exits.remember_payout(pos, payout);
                removed.push(pos);
            }
        }
        self.refresh_holds(effects.touched);
        removed
    }

    /// The claims of a batch that name one of this ledger's outputs exactly (owner, token,
    /// amount): only those are held. Any other claim names no output of the chain, or names
    /// another owner's, and is the watchers' to challenge; holding it would let anyone freeze
    /// outputs that are not theirs.
    fn matching_claims(&self, token: Address, claims: &[BatchClaim]) -> Vec<BatchClaim> {
        let matches = |c: &&BatchClaim| {
            self.utxo(c.pos)
                .is_some_and(|o| o.owner == c.owner && o.token == token && o.amount == c.amount)
        };
        claims.iter().filter(matches).copied().collect()
    }

    /// The live exits, as followed so far (to persist them).
    pub fn exit_view(&self) -> &ExitView {
        &self.exits
    }

    /// Replaces the live exits (restored from storage) and the holds they imply.
    pub fn restore_exit_view(&mut self, view: ExitView) {
        let before = std::mem::replace(&mut self.exits, view).named_outputs();
        self.refresh_holds(before.into_iter().chain(self.exits.named_outputs()).collect());
    }

    /// How many unspent outputs live exits hold.
    pub fn held_count(&self) -> usize {
        self.held.len()
    }

    /// Why the unspent output at `pos` may not be spent, if a live exit holds it.
    pub fn held(&self, pos: UtxoPos) -> Option<Hold> {
        self.held.get(&pos).copied()
    }

    fn refresh_holds(&mut self, positions: Vec<UtxoPos>) {
        if !self.holding {
            return;
        }
        for pos in positions {
            match self.exits.hold(pos) {
                Some(hold) if self.utxos.contains_key(&pos) => self.held.insert(pos, hold),
                _ => self.held.remove(&pos),
            };
        }
    }

    /// The outputs `owner` may spend, in position order: unspent and not held by an exit.
    pub fn utxos_of(&self, owner: Address) -> Vec<(UtxoPos, Output)> {
        let mut mine: Vec<_> = self
            .utxos
            .iter()
            .filter(|(p, o)| o.owner == owner && !self.held.contains_key(p))
            .map(|(p, o)| (*p, *o))
            .collect();
        mine.sort_by_key(|(p, _)| *p);
        mine
    }
}

fn add(sums: &mut Vec<(Address, U256)>, token: Address, amount: U256) -> Result<(), LedgerError> {
    match sums.iter_mut().find(|(t, _)| *t == token) {
        Some((_, sum)) => *sum = sum.checked_add(amount).ok_or(LedgerError::Overflow(token))?,
        None => sums.push((token, amount)),
    }
    Ok(())
}

fn sum_of(sums: &[(Address, U256)], token: Address) -> U256 {
    sums.iter().find(|(t, _)| *t == token).map_or(U256::ZERO, |(_, s)| *s)
}
