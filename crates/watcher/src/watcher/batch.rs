//! Batch exits, as the watcher judges them against its verified history (docs/exit-games.md,
//! "Batch exits"). A batch is verified on-chain only when challenged, so the watcher checks
//! every entry: one that names an output wrongly is challenged with the transaction at its
//! position, one whose output a verified block spends is challenged with that spend, one it
//! cannot check (its block is withheld, or holds nothing there) gets a proof request; a proof
//! request against an entry it can prove is answered. In mass-exit mode it also starts batch
//! exits for the owners who made it their agent.

use super::Watcher;
use crate::{BlockSource, WatcherEvent};
use alloy_primitives::{Address, B256, U256};
use plasma_framework::PlasmaEvent;
use plasma_primitives::{
    ChainTx,
    batch::{BatchEntry, MAX_BATCH_ENTRIES, decode_batch, in_flight_exit_id, output_exit_id},
};
use plasma_rootchain::RootChain;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What the watcher does about a batch entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum BatchAction {
    /// Showed the transaction at the entry's position: the entry does not match it.
    ChallengedInvalid,
    /// Showed a verified spend of the entry's output, signed by its owner.
    ChallengedSpent,
    /// Asked for the entry's proof, which nobody can give from the data the watcher has.
    RequestedProof,
    /// Proved the entry with its transaction and inclusion proof: against a proof request,
    /// or against an in-flight exit of its transaction.
    AnsweredProof,
}

/// What the watcher knows of one live batch exit.
#[derive(Debug, Clone)]
pub(crate) struct BatchRecord {
    entries: Vec<BatchEntry>,
    token: Address,
    exitable_at: u64,
    /// Entries settled, cancelled, or already acted on (never acted on twice).
    done: BTreeSet<u16>,
    /// Entries with a proof request waiting for an answer.
    requested: BTreeSet<u16>,
    /// Entries the watcher proved (against an in-flight exit of their transaction).
    proven: BTreeSet<u16>,
}

/// The watcher's judgement of one entry.
enum Verdict {
    /// The entry matches verified history: the transaction at its position and its proof.
    Valid { tx: Vec<u8>, proof: Vec<u8> },
    /// The entry is wrong, shown by the transaction at its position (empty: no such block).
    Invalid { tx: Vec<u8>, proof: Vec<u8>, why: &'static str },
    /// A verified block spends the output: the spend and its signature.
    Spent { tx: Vec<u8>, signature: Vec<u8> },
    /// Nothing the watcher has proves it right or wrong.
    Unprovable { why: &'static str },
}

impl<C: RootChain, S: BlockSource> Watcher<C, S> {
    /// Follows the root chain's batch-exit events; other events are ignored.
    pub(super) fn follow_batch(&mut self, event: &PlasmaEvent) {
        match event {
            PlasmaEvent::BatchExitStarted { exit_id, token, exitable_at, entries, .. } => {
                // The contract hashed the list, so it decodes; if not, nothing can exit.
                let Ok(entries) = decode_batch(entries) else { return };
                let record = BatchRecord {
                    entries,
                    token: *token,
                    exitable_at: *exitable_at,
                    done: BTreeSet::new(),
                    requested: BTreeSet::new(),
                    proven: BTreeSet::new(),
                };
                self.batches.insert(*exit_id, record);
            }
            PlasmaEvent::BatchEntryChallenged { exit_id, index, .. } => {
                if let Some(b) = self.batches.get_mut(exit_id) {
                    b.done.insert(*index);
                    b.requested.remove(index);
                }
            }
            PlasmaEvent::BatchEntryProofRequested { exit_id, index, .. } => {
                if let Some(b) = self.batches.get_mut(exit_id) {
                    b.requested.insert(*index);
                }
            }
            PlasmaEvent::BatchEntryProofAnswered { exit_id, index, .. } => {
                if let Some(b) = self.batches.get_mut(exit_id) {
                    b.requested.remove(index);
                }
            }
            PlasmaEvent::BatchExitProcessed { exit_id, from, to, .. } => {
                if let Some(b) = self.batches.get_mut(exit_id) {
                    b.done.extend(*from..*to);
                    b.requested.retain(|i| !(*from..*to).contains(i));
                    if usize::from(*to) >= b.entries.len() {
                        self.batches.remove(exit_id);
                    }
                }
            }
            _ => {}
        }
    }

    /// Judges entry `e` of a batch of `token` against verified history.
    fn judge_entry(&self, token: Address, e: &BatchEntry) -> Verdict {
        let Some(blknum) = e.pos.blknum_u64() else {
            return Verdict::Invalid { tx: Vec::new(), proof: Vec::new(), why: "no such block" };
        };
        let Some((tx, proof)) = self.exit_data(e.pos) else {
            return Verdict::Unprovable {
                why: if self.leaves.contains_key(&blknum) {
                    "no transaction at that position"
                } else {
                    "its block's data is not available"
                },
            };
        };
        let output = ChainTx::decode(&tx)
            .ok()
            .and_then(|t| t.outputs().get(e.pos.oindex() as usize).copied());
        let why = match output {
            None => Some("its transaction has no such output"),
            Some(o) if o.owner != e.owner => Some("wrong owner"),
            Some(o) if o.token != token => Some("wrong token"),
            Some(o) if o.amount != e.amount => Some("wrong amount"),
            Some(_) if output_exit_id(&tx, e.pos) != e.exit_id => Some("wrong exit id"),
            Some(_) if in_flight_exit_id(&tx) != e.in_flight_id => Some("wrong in-flight id"),
            Some(_) => None,
        };
        if let Some(why) = why {
            return Verdict::Invalid { tx, proof, why };
        }
        match self.spends.get(&e.pos) {
            Some(spend) => {
                Verdict::Spent { tx: spend.tx.clone(), signature: spend.signature.to_vec() }
            }
            None => Verdict::Valid { tx, proof },
        }
    }

    /// Acts on every live batch: challenges wrong entries, asks for the proof of those it
    /// cannot check, answers requests against those it can prove. Each entry once.
    pub(super) async fn judge_batches(&mut self, now: u64) {
        let ids: Vec<U256> = self.batches.keys().copied().collect();
        for id in ids {
            let Some(b) = self.batches.get(&id) else { continue };
            let (token, exitable_at, entries) = (b.token, b.exitable_at, b.entries.clone());
            for (index, e) in (0u16..).zip(&entries) {
                let Some(b) = self.batches.get(&id) else { break };
                if b.done.contains(&index) {
                    continue;
                }
                // A valid entry is proven when asked, or when its transaction is exiting in
                // flight (unproven, the entry would not be paid while that exit is live).
                let prove = b.requested.contains(&index)
                    || (self.in_flight.contains_key(&e.in_flight_id) && !b.proven.contains(&index));
                match self.judge_entry(token, e) {
                    Verdict::Valid { tx, proof } if prove => {
                        let answer = self
                            .plasma
                            .answer_batch_entry_proof(
                                self.actor(),
                                id,
                                &entries,
                                index.into(),
                                &tx,
                                &proof,
                            )
                            .await;
                        // A proof counts against the tx's in-flight exit only once that exit
                        // exists (it records the tx's inclusion there): an earlier one, given
                        // on a request, is given again when the exit starts.
                        if answer.is_ok()
                            && self.in_flight.contains_key(&e.in_flight_id)
                            && let Some(b) = self.batches.get_mut(&id)
                        {
                            b.proven.insert(index);
                        }
                        self.report_answer(id, index, answer.map(|r| r.tx_hash));
                    }
                    Verdict::Valid { .. } => {}
                    verdict => {
                        self.act_on_wrong_entry(id, &entries, index, verdict, exitable_at, now)
                            .await;
                    }
                }
            }
        }
    }

    /// Processes the batch at the head of its token's queue once it is mature (the watcher
    /// has its list; `processExits` stops at a batch, so standard exits behind it wait for
    /// this). Earns the processing bounty.
    pub(super) async fn process_mature_batches(&mut self, now: u64) {
        if self.config.challenger.is_none() {
            return;
        }
        let mature: Vec<(U256, Address, Vec<BatchEntry>)> = self
            .batches
            .iter()
            .filter(|(_, b)| b.exitable_at <= now)
            .map(|(id, b)| (*id, b.token, b.entries.clone()))
            .collect();
        for (id, token, entries) in mature {
            if self.plasma.queue_top_id(token).await.ok().flatten() != Some(id) {
                continue;
            }
            let max = MAX_BATCH_ENTRIES as u64;
            let result = self.plasma.process_batch_exit(self.actor(), id, &entries, max).await;
            if let Err(e) = result {
                tracing::warn!(%e, %id, "processing a batch exit failed");
            }
        }
    }

    /// The account the watcher acts from (a watcher without one only reports).
    fn actor(&self) -> Address {
        self.config.challenger.unwrap_or_default()
    }

    async fn act_on_wrong_entry(
        &mut self,
        id: U256,
        entries: &[BatchEntry],
        index: u16,
        verdict: Verdict,
        exitable_at: u64,
        now: u64,
    ) {
        let e = entries[usize::from(index)];
        let why = match &verdict {
            Verdict::Invalid { why, .. } | Verdict::Unprovable { why } => *why,
            Verdict::Spent { .. } => "its output is spent",
            Verdict::Valid { .. } => return,
        };
        let key = (id, index);
        if self.reported_batch_entries.insert(key) {
            self.report(WatcherEvent::InvalidBatchEntry {
                exit_id: id,
                index,
                utxo_pos: e.pos.raw(),
                reason: why.to_string(),
            });
        }
        if self.config.challenger.is_none() {
            return;
        }
        // A requested entry the chain shows wrong can never be answered, so processing cancels
        // it anyway; a challenge would pay its requester (maybe its starter), not the watcher.
        let requested = self.batches.get(&id).is_some_and(|b| b.requested.contains(&index));
        if requested && matches!(verdict, Verdict::Invalid { .. }) {
            return;
        }
        let (from, i) = (self.actor(), usize::from(index));
        let (action, result) = match verdict {
            Verdict::Invalid { tx, proof, .. } => {
                let r =
                    self.plasma.challenge_batch_entry_invalid(from, id, entries, i, &tx, &proof);
                (BatchAction::ChallengedInvalid, r.await)
            }
            Verdict::Spent { tx, signature } => {
                let r =
                    self.plasma.challenge_batch_entry_spent(from, id, entries, i, &tx, &signature);
                (BatchAction::ChallengedSpent, r.await)
            }
            Verdict::Unprovable { .. } => {
                let Ok(mep) = self.exit_period().await else { return };
                if now + mep / 2 > exitable_at {
                    return; // too late to ask: the alarm above stands
                }
                // The contract checks the bond; a stale one costs only this attempt.
                let Ok(bond) = self.plasma.batch_entry_bond().await else { return };
                let r = self.plasma.request_batch_entry_proof(from, id, entries, i, bond);
                (BatchAction::RequestedProof, r.await)
            }
            Verdict::Valid { .. } => return,
        };
        self.acted(id, index, action, result.map(|r| r.tx_hash));
    }

    /// Reports a proof the watcher gave (the entry stays live: it may be asked again).
    fn report_answer(
        &mut self,
        id: U256,
        index: u16,
        result: Result<B256, plasma_framework::BatchCallError>,
    ) {
        match result {
            Ok(tx_hash) => self.report(WatcherEvent::BatchEntryActed {
                exit_id: id,
                index,
                action: BatchAction::AnsweredProof,
                tx_hash,
            }),
            Err(e) => tracing::warn!(%e, %id, index, "proving a batch entry failed"),
        }
    }

    /// Pulls the bonds credited to the watcher's account (unanswered proof requests).
    pub(super) async fn withdraw_credits(&mut self) {
        let Some(me) = self.config.challenger else { return };
        if self.plasma.bond_credit(me).await.is_ok_and(|c| !c.is_zero())
            && let Err(e) = self.plasma.withdraw_bond_credit(me).await
        {
            tracing::warn!(%e, "withdrawing bond credits failed");
        }
    }

    /// Records an action on entry `index` of batch `id`: done once it landed.
    fn acted(
        &mut self,
        id: U256,
        index: u16,
        action: BatchAction,
        result: Result<B256, plasma_framework::BatchCallError>,
    ) {
        match result {
            Ok(tx_hash) => {
                if let Some(b) = self.batches.get_mut(&id) {
                    b.done.insert(index);
                    b.requested.remove(&index);
                }
                self.report(WatcherEvent::BatchEntryActed { exit_id: id, index, action, tx_hash });
            }
            Err(e) => tracing::warn!(%e, %id, index, ?action, "acting on a batch entry failed"),
        }
    }

    /// The exit period, read once.
    async fn exit_period(&mut self) -> Result<u64, plasma_rootchain::RootChainError> {
        if let Some(mep) = self.min_exit_period {
            return Ok(mep);
        }
        let mep = self.plasma.min_exit_period().await?;
        self.min_exit_period = Some(mep);
        Ok(mep)
    }

    /// Whether `owner` made the watcher's account its batch-exit agent (asked once).
    async fn is_agent_of(&mut self, owner: Address) -> bool {
        let Some(me) = self.config.challenger else { return false };
        if let Some(&known) = self.agent_of.get(&owner) {
            return known;
        }
        let Ok(agent) = self.plasma.batch_exit_agent(owner).await else { return false };
        self.agent_of.insert(owner, agent == me);
        agent == me
    }

    /// Mass-exit mode for the owners who made the watcher their agent: every output of theirs
    /// that verified history proves and no exit covers yet, in batches of up to 1,024 per
    /// token (as few L1 transactions as fit), within the per-step budget. Returns the
    /// owners left for standard exits and the budget left.
    pub(super) async fn batch_mass_exit(
        &mut self,
        owners: Vec<Address>,
        mut budget: usize,
        now: u64,
    ) -> (Vec<Address>, usize) {
        let mut by_token: BTreeMap<Address, Vec<BatchEntry>> = BTreeMap::new();
        let mut others = Vec::new();
        for owner in owners {
            if !self.is_agent_of(owner).await {
                others.push(owner);
                continue;
            }
            for (pos, output) in self.ledger.utxos_of(owner) {
                if self.exited_by_us.contains(&pos) || self.ledger.held(pos).is_some() {
                    continue;
                }
                let Some((tx, _)) = self.exit_data(pos) else { continue };
                match BatchEntry::of_output(owner, &tx, pos, output.amount) {
                    Ok(e) => by_token.entry(output.token).or_default().push(e),
                    // Too large for a batch entry: the owner's standard exit takes it.
                    Err(_) => others.push(owner),
                }
            }
        }
        others.dedup();
        let left: usize = by_token.values().map(Vec::len).sum();
        for (token, entries) in by_token {
            for chunk in entries.chunks(MAX_BATCH_ENTRIES) {
                if budget == 0 {
                    break;
                }
                let result = self.plasma.start_batch_exit(self.actor(), token, chunk).await;
                match result {
                    Ok((exit_id, receipt)) => {
                        budget -= 1;
                        self.mass_exit_gas += receipt.gas_used;
                        self.exited_by_us.extend(chunk.iter().map(|e| e.pos));
                        let owners = chunk.chunk_by(|a, b| a.owner == b.owner).count();
                        self.report(WatcherEvent::BatchExitStartedFor {
                            exit_id,
                            owners,
                            outputs: chunk.len(),
                            gas_used: receipt.gas_used,
                        });
                    }
                    Err(e) => tracing::warn!(%e, "could not start a batch exit"),
                }
            }
        }
        if left > 0 {
            self.report_progress(now).await;
        }
        (others, budget)
    }

    /// Reports how far the mass exit is: outputs covered and left, gas spent, and the time
    /// left before the exit period from the break is over.
    pub(super) async fn report_progress(&mut self, now: u64) {
        let Ok(mep) = self.exit_period().await else { return };
        let deadline = *self.mass_exit_deadline.get_or_insert(now + mep);
        let mut left = 0;
        for owner in self.config.mass_exit_owners.clone() {
            left += self
                .ledger
                .utxos_of(owner)
                .iter()
                .filter(|(pos, _)| {
                    !self.exited_by_us.contains(pos) && self.exit_data(*pos).is_some()
                })
                .count();
        }
        self.report(WatcherEvent::MassExitProgress {
            outputs_covered: self.exited_by_us.len(),
            outputs_left: left,
            gas_spent: self.mass_exit_gas,
            secs_left: deadline.saturating_sub(now),
        });
    }
}
