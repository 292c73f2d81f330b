//! The watcher's state and its one loop step: read the root chain, verify blocks in order,
//! judge exits, and act.

mod batch;
mod inflight;

pub use batch::BatchAction;

use crate::{BlockSource, InvalidBlock, WatcherEvent};
use alloy_primitives::{Address, B256, Bytes, U256};
use plasma_framework::{Plasma, PlasmaEvent};
use plasma_ledger::{FeePolicy, Ledger, Unverified, VerifiedTx};
use plasma_primitives::{
    FeeTx, MerkleTree, PaymentTx, UtxoPos, merkle, position::CHILD_BLOCK_INTERVAL,
};
use plasma_rootchain::{EventCursor, RootChain, RootChainError};
use plasma_storage::{Store, StoredBlock};
use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::Arc,
};

/// How the watcher behaves.
#[derive(Debug, Clone)]
pub struct WatcherConfig {
    /// The root-chain block to start reading from (the deployment block).
    pub start_block: u64,
    /// Blocks a root-chain event must be buried under before the watcher reads it.
    pub confirmations: u64,
    /// Root-chain seconds a committed block may stay unserved before it counts as withheld.
    pub withholding_secs: u64,
    /// The account that challenges invalid exits (its bond reward is the watcher's pay);
    /// `None` only reports them.
    pub challenger: Option<Address>,
    /// Owners whose outputs the watcher exits when the chain becomes byzantine (the root-chain
    /// client must hold their keys).
    pub mass_exit_owners: Vec<Address>,
    /// Most exits started per step in mass-exit mode (the gas budget).
    pub max_exits_per_step: usize,
    /// Warn about an unchallenged invalid exit this many seconds before it can be processed.
    pub deadline_margin_secs: u64,
}

impl Default for WatcherConfig {
    fn default() -> Self {
        Self {
            start_block: 0,
            confirmations: 0,
            withholding_secs: 3600,
            challenger: None,
            mass_exit_owners: Vec::new(),
            max_exits_per_step: 50,
            deadline_margin_secs: 24 * 3600,
        }
    }
}

/// A spend seen in a verified block: the evidence a challenge needs.
#[derive(Debug, Clone)]
pub struct Spend {
    /// The spending transaction's unsigned bytes.
    pub tx: Vec<u8>,
    /// The signature of the spending input.
    pub signature: [u8; 65],
    /// The spending transaction's id.
    pub hash: B256,
    /// Which input of the spending transaction it is.
    pub input_index: u8,
}

/// A block that passed [`verify_block`].
#[derive(Debug, Clone)]
pub struct VerifiedBlock {
    /// The ledger after the block.
    pub ledger: Ledger,
    /// Every input the block spends: the position, the index of the spending transaction, the
    /// input's index in it, and the signature of that input.
    pub spends: Vec<(UtxoPos, usize, u8, [u8; 65])>,
    /// The transactions' unsigned bytes, in order (payments, then fee claims).
    pub unsigned: Vec<Vec<u8>>,
    /// The transactions' ids, in order.
    pub hashes: Vec<B256>,
}

/// Checks block `blknum` (signed payments, then fee claims: `txs`) against its committed `root`, and
/// re-executes it on a copy of `ledger`, signatures checked on all cores. `Err` names the
/// first thing wrong; `ledger` itself is left as it was either way, since an invalid block's
/// predecessor state is what users exit from.
pub fn verify_block(
    ledger: &Ledger,
    domain: &B256,
    blknum: u64,
    root: B256,
    txs: &[Bytes],
) -> Result<VerifiedBlock, InvalidBlock> {
    if ledger.pending_block() != blknum {
        return Err(InvalidBlock::OutOfOrder { expected: ledger.pending_block(), got: blknum });
    }
    // The payments, then the fee claims: nothing but claims after the first claim.
    let split = txs.iter().position(|b| is_fee_claim(b)).unwrap_or(txs.len());
    let claims = txs[split..]
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            FeeTx::decode(bytes)
                .map_err(|error| InvalidBlock::MalformedTx { index: split + i, error })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Decoding, hashing and signature recovery are independent per transaction: all cores.
    let verified = plasma_ledger::decode_and_verify_batch(txs[..split].to_vec(), domain)
        .into_iter()
        .enumerate()
        .map(|(index, verdict)| {
            verdict.map_err(|e| match e {
                Unverified::Malformed(error) => InvalidBlock::MalformedTx { index, error },
                Unverified::Invalid(error) => InvalidBlock::InvalidTx { index, error },
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Then the state, in block order, on a copy; sealing the copy gives the block's root.
    let mut ledger = ledger.clone();
    let mut spends = Vec::with_capacity(verified.len());
    for (i, tx) in verified.into_iter().enumerate() {
        let inputs = tx.signed().tx().inputs().iter().zip(tx.signed().signatures());
        for (input_index, (&pos, sig)) in (0u8..).zip(inputs) {
            spends.push((pos, i, input_index, *sig.as_bytes()));
        }
        ledger.apply(tx).map_err(|error| InvalidBlock::InvalidTx { index: i, error })?;
    }
    let block = ledger.seal_with_claims(claims).map_err(InvalidBlock::FeeClaim)?;
    if block.root != root {
        return Err(InvalidBlock::WrongRoot { computed: block.root, committed: root });
    }
    let claim_bytes: Vec<Vec<u8>> = block.claims.iter().map(FeeTx::encode).collect();
    let hashes = block.txs.iter().map(VerifiedTx::hash).chain(block.claims.iter().map(FeeTx::hash));
    let hashes = hashes.collect();
    let unsigned =
        block.txs.into_iter().map(VerifiedTx::into_unsigned).chain(claim_bytes).collect();
    Ok(VerifiedBlock { ledger, spends, unsigned, hashes })
}

/// Whether a block's transaction bytes are a fee claim's form (an RLP list of three items),
/// however malformed inside: the watcher judges them as a claim from there on.
fn is_fee_claim(bytes: &[u8]) -> bool {
    plasma_primitives::rlp::Item::decode_exact(bytes)
        .and_then(plasma_primitives::rlp::Item::list)
        .is_ok_and(|items| items.len() == 3)
}

#[derive(Debug, Clone)]
struct ExitRecord {
    utxo_pos: UtxoPos,
    exitable_at: u64,
    spent_in: Option<B256>,
    challenged: bool,
    warned: bool,
}

/// A failure that stops a step (the next step retries).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WatcherError {
    /// The root chain failed.
    #[error(transparent)]
    RootChain(#[from] RootChainError),
}

/// The watchtower. Call [`Watcher::step`] periodically; it never trusts the block source.
pub struct Watcher<C, S> {
    config: WatcherConfig,
    plasma: Arc<Plasma<C>>,
    source: S,
    domain: B256,
    cursor: EventCursor,
    queue: VecDeque<PlasmaEvent>,
    ledger: Ledger,
    /// Unsigned bytes of every transaction in a verified or deposit block, by (block, index).
    created: HashMap<(u64, u32), Vec<u8>>,
    /// Leaf hashes of verified blocks, for proofs.
    leaves: HashMap<u64, Vec<B256>>,
    spends: HashMap<UtxoPos, Spend>,
    /// Where each transaction of a verified block is (output 0 of it).
    positions: HashMap<B256, UtxoPos>,
    in_flight: HashMap<U256, inflight::InFlightRecord>,
    exits: HashMap<U256, ExitRecord>,
    exits_by_pos: HashMap<UtxoPos, U256>,
    exited_by_us: HashSet<UtxoPos>,
    byzantine: Option<String>,
    last_verified: u64,
    events: Vec<WatcherEvent>,
    /// Where verified blocks are kept, so that a restart replays them without the operator.
    store: Option<Arc<dyn Store>>,
    batches: HashMap<U256, batch::BatchRecord>,
    /// Wrong batch entries already reported.
    reported_batch_entries: HashSet<(U256, u16)>,
    /// Whether each watched owner made the watcher its batch-exit agent.
    agent_of: HashMap<Address, bool>,
    /// Gas of the exits the watcher started in mass-exit mode.
    mass_exit_gas: u64,
    /// When the exit period from the break ends (set at the first mass-exit step).
    mass_exit_deadline: Option<u64>,
    min_exit_period: Option<u64>,
}

impl<C: RootChain, S: BlockSource> Watcher<C, S> {
    /// A watcher of `plasma`'s chain, fetching blocks from `source`.
    pub async fn new(
        config: WatcherConfig,
        plasma: Arc<Plasma<C>>,
        source: S,
    ) -> Result<Self, WatcherError> {
        let domain = plasma.domain_separator().await?;
        let cursor =
            EventCursor::new(plasma.event_sources(), config.start_block, config.confirmations);
        Ok(Self {
            config,
            plasma,
            source,
            domain,
            cursor,
            queue: VecDeque::new(),
            ledger: Ledger::new(FeePolicy::free()).without_change_tracking(),
            created: HashMap::new(),
            leaves: HashMap::new(),
            spends: HashMap::new(),
            positions: HashMap::new(),
            in_flight: HashMap::new(),
            exits: HashMap::new(),
            exits_by_pos: HashMap::new(),
            exited_by_us: HashSet::new(),
            byzantine: None,
            last_verified: 0,
            events: Vec::new(),
            store: None,
            batches: HashMap::new(),
            reported_batch_entries: HashSet::new(),
            agent_of: HashMap::new(),
            mass_exit_gas: 0,
            mass_exit_deadline: None,
            min_exit_period: None,
        })
    }

    /// Keeps every verified block in `store` and reads blocks from it first: a watcher
    /// restarted on the same store rebuilds its state from the root chain and its own copies,
    /// even if the operator has gone.
    pub fn with_store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// Block `blknum` from the local store, if it is there.
    fn stored_block(&self, blknum: u64) -> Option<Vec<Bytes>> {
        let store = self.store.as_ref()?;
        match store.block(blknum) {
            Ok(block) => block.map(|b| b.txs.into_iter().map(Bytes::from).collect()),
            Err(e) => {
                tracing::warn!(%e, blknum, "reading the local block store failed");
                None
            }
        }
    }

    fn keep_block(&self, blknum: u64, root: B256, txs: &[Bytes]) {
        let Some(store) = &self.store else { return };
        let block =
            StoredBlock { number: blknum, root, txs: txs.iter().map(|t| t.to_vec()).collect() };
        if let Err(e) = store.put_block(&block) {
            tracing::warn!(%e, blknum, "keeping a verified block failed; a restart refetches it");
        }
    }

    /// The first root-chain block not read yet.
    pub fn l1_next_block(&self) -> u64 {
        self.cursor.next_block()
    }

    /// The confirmations it waits for before reading an L1 block.
    pub fn confirmations(&self) -> u64 {
        self.config.confirmations
    }

    /// Every event so far, in order; `events()[n..]` are those after cursor `n`.
    pub fn events(&self) -> &[WatcherEvent] {
        &self.events
    }

    /// The last block verified (0 if none).
    pub fn last_verified(&self) -> u64 {
        self.last_verified
    }

    /// The child chain's state as verified so far (outputs leave it only when paid out).
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Why the chain is byzantine, if it is.
    pub fn byzantine(&self) -> Option<&str> {
        self.byzantine.as_deref()
    }

    /// One round: read new root-chain events, verify what can be verified, judge exits,
    /// challenge, and in mass-exit mode start exits. Returns the new events.
    pub async fn step(&mut self) -> Result<Vec<WatcherEvent>, WatcherError> {
        let before = self.events.len();
        let logs = self.cursor.poll(self.plasma.chain().as_ref()).await?;
        self.queue.extend(logs.iter().filter_map(|l| self.plasma.decode(l)));
        let now = self.plasma.chain().head().await?.timestamp;
        while let Some(event) = self.queue.front().cloned() {
            if !self.handle(event, now).await? {
                break;
            }
            self.queue.pop_front();
        }
        self.act(now).await?;
        Ok(self.events[before..].to_vec())
    }

    fn report(&mut self, event: WatcherEvent) {
        if event.is_alarm() {
            tracing::warn!(?event, "watcher");
        } else {
            tracing::info!(?event, "watcher");
        }
        self.events.push(event);
    }

    fn turn_byzantine(&mut self, reason: String) {
        if self.byzantine.is_none() {
            self.report(WatcherEvent::ExitNow { reason: reason.clone() });
            self.byzantine = Some(reason);
        }
    }

    /// Handles one event in chain order; `false` means "not yet" (a block still to fetch).
    async fn handle(&mut self, event: PlasmaEvent, now: u64) -> Result<bool, WatcherError> {
        if let Some(step) = event.exit_event() {
            // Paid out on the root chain: from now on a spend of it creates money. The same
            // code as the operator's, so both agree on what is gone.
            let positions = &self.positions;
            self.ledger.follow_exit(&step, |hash| positions.get(&hash).copied());
        }
        match event {
            PlasmaEvent::BlockSubmitted { blknum, root, timestamp } => {
                if !blknum.is_multiple_of(CHILD_BLOCK_INTERVAL) {
                    return Ok(true); // a deposit block: its DepositCreated follows
                }
                if self.byzantine.is_some() {
                    return Ok(true); // nothing after the break is trusted or needed
                }
                return self.verify(blknum, root, timestamp, now).await;
            }
            PlasmaEvent::DepositCreated { blknum, tx_bytes, .. } => {
                if let Ok(tx) = PaymentTx::decode(&tx_bytes)
                    && self.ledger.deposit(blknum, &tx).is_ok()
                {
                    self.created.insert((blknum, 0), tx_bytes.to_vec());
                }
            }
            PlasmaEvent::ExitStarted { exit_id, utxo_pos, exitable_at, .. } => {
                let Some(pos) = UtxoPos::from_raw(utxo_pos) else { return Ok(true) };
                let spent_in = self.spends.get(&pos).map(|s| s.hash);
                self.exits.insert(
                    exit_id,
                    ExitRecord {
                        utxo_pos: pos,
                        exitable_at,
                        spent_in,
                        challenged: false,
                        warned: false,
                    },
                );
                self.exits_by_pos.insert(pos, exit_id);
                // The output stays spendable in the watcher's ledger until the exit pays out:
                // a spend included before the exit makes the exit invalid, not the block.
                if let Some(spent_in) = spent_in {
                    self.report(WatcherEvent::InvalidExit { exit_id, utxo_pos, spent_in });
                }
            }
            PlasmaEvent::ExitChallenged { exit_id, .. } => {
                if let Some(exit) = self.exits.get_mut(&exit_id) {
                    exit.challenged = true;
                }
            }
            PlasmaEvent::ExitFinalized { exit_id, .. } => {
                self.exits.remove(&exit_id);
            }
            PlasmaEvent::BatchExitStarted { .. }
            | PlasmaEvent::BatchEntryChallenged { .. }
            | PlasmaEvent::BatchEntryProofRequested { .. }
            | PlasmaEvent::BatchEntryProofAnswered { .. }
            | PlasmaEvent::BatchExitProcessed { .. } => self.follow_batch(&event),
            other => self.follow_in_flight(other),
        }
        Ok(true)
    }

    /// Fetches and re-executes operator block `blknum`.
    async fn verify(
        &mut self,
        blknum: u64,
        root: B256,
        committed_at: u64,
        now: u64,
    ) -> Result<bool, WatcherError> {
        let local = self.stored_block(blknum);
        let from_store = local.is_some();
        let fetched = match local {
            Some(txs) => Ok(Some(txs)),
            None => self.source.block(blknum).await,
        };
        let txs = match fetched {
            Ok(Some(txs)) => txs,
            Ok(None) | Err(_) => {
                let waited = now.saturating_sub(committed_at);
                if waited >= self.config.withholding_secs {
                    self.report(WatcherEvent::BlockWithheld { blknum, root, for_secs: waited });
                    self.turn_byzantine(format!("block {blknum} is withheld"));
                    return Ok(true);
                }
                return Ok(false);
            }
        };
        match self.re_execute(blknum, root, &txs) {
            Ok(()) => {
                if !from_store {
                    self.keep_block(blknum, root, &txs);
                }
                self.last_verified = blknum;
                self.report(WatcherEvent::BlockVerified { blknum, txs: txs.len() });
            }
            Err(evidence) => {
                let why = format!("block {blknum} is invalid: {evidence}");
                self.report(WatcherEvent::InvalidBlock { blknum, evidence });
                self.turn_byzantine(why);
            }
        }
        Ok(true)
    }

    /// Checks the block against its root and applies it to the watcher's own ledger; records
    /// the evidence of every spend.
    fn re_execute(&mut self, blknum: u64, root: B256, txs: &[Bytes]) -> Result<(), InvalidBlock> {
        let verified = verify_block(&self.ledger, &self.domain, blknum, root, txs)?;
        self.ledger = verified.ledger;
        for (pos, index, input_index, signature) in verified.spends {
            let spend = Spend {
                tx: verified.unsigned[index].clone(),
                signature,
                hash: verified.hashes[index],
                input_index,
            };
            if let Some(&exit_id) = self.exits_by_pos.get(&pos)
                && let Some(exit) = self.exits.get_mut(&exit_id)
                && exit.spent_in.is_none()
            {
                exit.spent_in = Some(spend.hash);
                let event = WatcherEvent::InvalidExit {
                    exit_id,
                    utxo_pos: pos.raw(),
                    spent_in: spend.hash,
                };
                self.report(event);
            }
            self.spends.insert(pos, spend);
        }
        for (txindex, hash) in (0u16..).zip(&verified.hashes) {
            self.positions.insert(*hash, UtxoPos::new(blknum, txindex, 0));
        }
        self.leaves
            .insert(blknum, verified.unsigned.iter().map(|u| merkle::leaf_hash(u)).collect());
        for (i, tx) in verified.unsigned.into_iter().enumerate() {
            self.created.insert((blknum, i as u32), tx);
        }
        Ok(())
    }

    /// Challenges invalid exits, warns about deadlines, and in mass-exit mode exits owners.
    async fn act(&mut self, now: u64) -> Result<(), WatcherError> {
        let invalid: Vec<(U256, ExitRecord)> = self
            .exits
            .iter()
            .filter(|(_, e)| e.spent_in.is_some() && !e.challenged)
            .map(|(id, e)| (*id, e.clone()))
            .collect();
        for (exit_id, exit) in invalid {
            if let Some(challenger) = self.config.challenger
                && let Some(tx_hash) = self.challenge(challenger, &exit).await
            {
                if let Some(e) = self.exits.get_mut(&exit_id) {
                    e.challenged = true;
                }
                self.report(WatcherEvent::ExitChallenged { exit_id, tx_hash });
                continue;
            }
            if now + self.config.deadline_margin_secs >= exit.exitable_at && !exit.warned {
                if let Some(e) = self.exits.get_mut(&exit_id) {
                    e.warned = true;
                }
                self.report(WatcherEvent::UnchallengedInvalidExit {
                    exit_id,
                    exitable_at: exit.exitable_at,
                });
            }
        }
        self.judge_in_flight().await;
        self.judge_batches(now).await;
        self.process_mature_batches(now).await;
        self.withdraw_credits().await;
        if self.byzantine.is_some() {
            self.mass_exit(now).await;
        }
        Ok(())
    }

    /// Challenges one invalid exit; `None` if it could not (already challenged, no evidence).
    async fn challenge(&self, challenger: Address, exit: &ExitRecord) -> Option<B256> {
        let spend = self.spends.get(&exit.utxo_pos)?;
        let exiting = self.created.get(&(exit.utxo_pos.blknum_u64()?, exit.utxo_pos.txindex()))?;
        let result = self
            .plasma
            .challenge_standard_exit(
                challenger,
                exit.utxo_pos,
                exiting,
                &spend.tx,
                &spend.signature,
            )
            .await;
        match result {
            Ok(receipt) => Some(receipt.tx_hash),
            Err(e) => {
                tracing::warn!(%e, pos = %exit.utxo_pos, "challenge failed");
                None
            }
        }
    }

    /// Starts the exits of the watched owners' outputs that are provable from verified
    /// history, within the per-step budget of L1 transactions: batch exits for the owners who
    /// made the watcher their agent, standard exits (oldest first) for the others.
    async fn mass_exit(&mut self, now: u64) {
        let owners = self.config.mass_exit_owners.clone();
        let (standard, mut budget) =
            self.batch_mass_exit(owners, self.config.max_exits_per_step, now).await;
        for owner in standard {
            for (pos, _) in self.ledger.utxos_of(owner) {
                if budget == 0 {
                    return;
                }
                if self.exited_by_us.contains(&pos) || self.exits_by_pos.contains_key(&pos) {
                    continue;
                }
                let Some((tx, proof)) = self.exit_data(pos) else { continue };
                match self.plasma.start_standard_exit(owner, pos, &tx, &proof).await {
                    Ok(_) => {
                        budget -= 1;
                        self.exited_by_us.insert(pos);
                        self.report(WatcherEvent::ExitStartedFor { owner, utxo_pos: pos.raw() });
                    }
                    Err(e) => tracing::warn!(%e, %pos, "could not start an exit"),
                }
            }
        }
    }

    /// The transaction that created `pos` and the verified spend of it, if the watcher saw one.
    pub fn challenge_data(&self, pos: UtxoPos) -> Option<(Vec<u8>, Spend)> {
        let spend = self.spends.get(&pos)?.clone();
        let exiting = self.created.get(&(pos.blknum_u64()?, pos.txindex()))?.clone();
        Some((exiting, spend))
    }

    /// The transaction that created `pos` and its inclusion proof, from verified data only.
    pub fn exit_data(&self, pos: UtxoPos) -> Option<(Vec<u8>, Vec<u8>)> {
        let blknum = pos.blknum_u64()?;
        let tx = self.created.get(&(blknum, pos.txindex()))?.clone();
        let proof = if blknum.is_multiple_of(CHILD_BLOCK_INTERVAL) {
            let tree = MerkleTree::from_leaf_hashes(self.leaves.get(&blknum)?.clone()).ok()?;
            tree.proof(u64::from(pos.txindex())).ok()?
        } else {
            MerkleTree::from_leaves(&[&tx]).ok()?.proof(0).ok()?
        };
        Some((tx, proof))
    }

    /// The inclusion proof of the transaction at `pos` (any output of it).
    fn inclusion_proof(&self, pos: UtxoPos) -> Option<Vec<u8>> {
        self.exit_data(pos).map(|(_, proof)| proof)
    }
}
