//! In-flight exits (MoreVP), as the watcher judges them against its verified history:
//! a non-canonical exit (an input spent by another included transaction), a false canonicity
//! challenge (the in-flight transaction is included first), and piggybacks of spent inputs or
//! outputs. Each finding is reported once and, with a challenger account, answered once.

use super::Watcher;
use crate::{BlockSource, InFlightAction, WatcherEvent};
use alloy_primitives::{B256, U256};
use plasma_framework::{Competitor, InFlightExitArgs, OUTPUT_LEG, PlasmaEvent, SpendingTx};
use plasma_primitives::{PaymentTx, UtxoPos};
use plasma_rootchain::{Receipt, RootChain};
use std::collections::HashSet;

/// What the watcher knows of one live in-flight exit.
#[derive(Debug, Clone)]
pub(crate) struct InFlightRecord {
    tx: PaymentTx,
    bytes: Vec<u8>,
    hash: B256,
    /// Bit `leg` set while that leg is piggybacked.
    piggybacks: u8,
    /// The competitor position of a standing canonicity challenge.
    challenged_at: Option<u64>,
    /// Findings already reported (and acted on, if the watcher acts).
    handled: HashSet<Finding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Finding {
    NonCanonical,
    FalseChallenge(u64),
    SpentPiggyback(u8),
}

/// The output of transaction `at` (output 0 of it) with index `oindex`.
fn output_of(at: UtxoPos, oindex: u8) -> Option<UtxoPos> {
    Some(UtxoPos::new(at.blknum_u64()?, u16::try_from(at.txindex()).ok()?, oindex))
}

/// The transaction position of `at`, an output of a verified block: the contract numbers
/// blocks far below 2^50, so `blknum * 10^5 + txindex` fits a u64 (the saturation is never
/// reached; it keeps a forged position from panicking).
fn tx_pos(at: UtxoPos) -> u64 {
    at.tx_pos().saturating_to()
}

impl<C: RootChain, S: BlockSource> Watcher<C, S> {
    /// Follows the root chain's in-flight exit events; other events are ignored.
    pub(super) fn follow_in_flight(&mut self, event: PlasmaEvent) {
        match event {
            PlasmaEvent::InFlightExitStarted { exit_id, tx_hash, tx_bytes, .. } => {
                let Ok(tx) = PaymentTx::decode(&tx_bytes) else { return };
                let record = InFlightRecord {
                    tx,
                    bytes: tx_bytes.to_vec(),
                    hash: tx_hash,
                    piggybacks: 0,
                    challenged_at: None,
                    handled: HashSet::new(),
                };
                self.in_flight.insert(exit_id, record);
            }
            PlasmaEvent::InFlightExitPiggybacked { exit_id, leg, .. } => {
                if let Some(r) = self.in_flight.get_mut(&exit_id) {
                    r.piggybacks |= 1 << leg;
                }
            }
            PlasmaEvent::InFlightPiggybackChallenged { exit_id, leg, .. } => {
                if let Some(r) = self.in_flight.get_mut(&exit_id) {
                    r.piggybacks &= !(1 << leg);
                }
            }
            PlasmaEvent::InFlightExitChallenged { exit_id, competitor_pos, .. } => {
                if let Some(r) = self.in_flight.get_mut(&exit_id) {
                    r.challenged_at = Some(competitor_pos);
                }
            }
            PlasmaEvent::InFlightExitChallengeResponded { exit_id, .. } => {
                if let Some(r) = self.in_flight.get_mut(&exit_id) {
                    r.challenged_at = None;
                }
            }
            // Payouts reach the ledger through `Ledger::follow_exit`, as in the operator.
            PlasmaEvent::InFlightExitEnded { exit_id, .. } => {
                self.in_flight.remove(&exit_id);
            }
            _ => {}
        }
    }

    /// Reports, and with a challenger answers, what is wrong with each live in-flight exit.
    pub(super) async fn judge_in_flight(&mut self) {
        let ids: Vec<U256> = self.in_flight.keys().copied().collect();
        for exit_id in ids {
            for finding in self.findings(exit_id) {
                self.handle_finding(exit_id, finding).await;
            }
        }
    }

    fn findings(&self, exit_id: U256) -> Vec<Finding> {
        let Some(r) = self.in_flight.get(&exit_id) else { return Vec::new() };
        let included = self.positions.get(&r.hash).copied();
        let mut found = Vec::new();
        if included.is_none() && self.oldest_competitor(r).is_some() {
            found.push(Finding::NonCanonical);
        }
        if let (Some(at), Some(claimed)) = (included, r.challenged_at)
            && tx_pos(at) < claimed
        {
            found.push(Finding::FalseChallenge(claimed));
        }
        for leg in (0..2 * OUTPUT_LEG).filter(|leg| r.piggybacks & (1 << leg) != 0) {
            if self.piggyback_spend(r, leg).is_some() {
                found.push(Finding::SpentPiggyback(leg));
            }
        }
        found.retain(|f| !r.handled.contains(f));
        found
    }

    /// The oldest included transaction that spends an input of `r` and is not `r`'s own: the
    /// input's index in `r`, and the spend.
    fn oldest_competitor(&self, r: &InFlightRecord) -> Option<(u8, UtxoPos, super::Spend)> {
        (0u8..)
            .zip(r.tx.inputs())
            .filter_map(|(i, input)| {
                let spend = self.spends.get(input).filter(|s| s.hash != r.hash)?;
                Some((i, *self.positions.get(&spend.hash)?, spend.clone()))
            })
            .min_by_key(|(_, at, _)| tx_pos(*at))
    }

    /// The verified spend of piggybacked `leg` of `r`, if there is one.
    fn piggyback_spend(&self, r: &InFlightRecord, leg: u8) -> Option<&super::Spend> {
        if leg < OUTPUT_LEG {
            let input = r.tx.inputs().get(usize::from(leg))?;
            self.spends.get(input).filter(|s| s.hash != r.hash)
        } else {
            let at = *self.positions.get(&r.hash)?;
            self.spends.get(&output_of(at, leg - OUTPUT_LEG)?)
        }
    }

    async fn handle_finding(&mut self, exit_id: U256, finding: Finding) {
        let Some(r) = self.in_flight.get(&exit_id).cloned() else { return };
        let event = match finding {
            Finding::NonCanonical => {
                let Some((_, at, spend)) = self.oldest_competitor(&r) else { return };
                WatcherEvent::NonCanonicalInFlightExit {
                    exit_id,
                    tx_hash: r.hash,
                    competitor: spend.hash,
                    competitor_pos: tx_pos(at),
                }
            }
            Finding::FalseChallenge(claimed) => {
                let Some(&at) = self.positions.get(&r.hash) else { return };
                WatcherEvent::InvalidCanonicityChallenge {
                    exit_id,
                    tx_pos: tx_pos(at),
                    competitor_pos: claimed,
                }
            }
            Finding::SpentPiggyback(leg) => {
                let Some(spend) = self.piggyback_spend(&r, leg) else { return };
                WatcherEvent::InvalidPiggyback { exit_id, leg, spent_in: spend.hash }
            }
        };
        self.report(event);
        if let Some(r) = self.in_flight.get_mut(&exit_id) {
            r.handled.insert(finding);
        }
        if let Some(challenger) = self.config.challenger {
            self.answer(exit_id, &r, finding, challenger).await;
        }
    }

    /// Sends the root-chain transaction that answers `finding`.
    async fn answer(
        &mut self,
        exit_id: U256,
        r: &InFlightRecord,
        finding: Finding,
        challenger: alloy_primitives::Address,
    ) {
        let sent: Option<(InFlightAction, plasma_rootchain::Result<Receipt>)> = match finding {
            Finding::NonCanonical => {
                let Some((index, at, spend)) = self.oldest_competitor(r) else { return };
                if r.challenged_at.is_some_and(|shown| shown <= tx_pos(at)) {
                    return; // someone already showed this competitor or an older one
                }
                let Some(proof) = self.inclusion_proof(at) else { return };
                let competitor = Competitor {
                    in_flight_input_index: index,
                    tx: spend.tx.clone(),
                    input_index: spend.input_index,
                    inclusion: Some((at, proof)),
                    signature: spend.signature.to_vec(),
                };
                let result = self
                    .plasma
                    .challenge_in_flight_not_canonical(challenger, &r.bytes, &competitor)
                    .await;
                Some((InFlightAction::ChallengedCanonicity, result))
            }
            Finding::FalseChallenge(_) => {
                let Some(&at) = self.positions.get(&r.hash) else { return };
                let Some(proof) = self.inclusion_proof(at) else { return };
                let result = self
                    .plasma
                    .respond_to_non_canonical_challenge(challenger, &r.bytes, at, &proof)
                    .await;
                Some((InFlightAction::RespondedToChallenge, result))
            }
            Finding::SpentPiggyback(leg) => {
                let Some(spend) = self.piggyback_spend(r, leg) else { return };
                let spending = SpendingTx {
                    tx: spend.tx.clone(),
                    input_index: spend.input_index,
                    signature: spend.signature.to_vec(),
                };
                let result = if leg < OUTPUT_LEG {
                    self.plasma
                        .challenge_in_flight_input_spent(challenger, &r.bytes, leg, &spending)
                        .await
                } else {
                    let Some(&at) = self.positions.get(&r.hash) else { return };
                    let Some(proof) = self.inclusion_proof(at) else { return };
                    let index = leg - OUTPUT_LEG;
                    self.plasma
                        .challenge_in_flight_output_spent(
                            challenger, &r.bytes, at, &proof, index, &spending,
                        )
                        .await
                };
                Some((InFlightAction::ChallengedPiggyback { leg }, result))
            }
        };
        match sent {
            Some((action, Ok(receipt))) => self.report(WatcherEvent::InFlightExitActed {
                exit_id,
                action,
                tx_hash: receipt.tx_hash,
            }),
            Some((action, Err(e))) => {
                tracing::warn!(%e, %exit_id, ?action, "could not act on an in-flight exit")
            }
            None => {}
        }
    }

    /// What `startInFlightExit` needs for `tx` (signed), from verified data only: each input's
    /// creating transaction and proof. `Err` names the first input it cannot prove.
    pub fn in_flight_exit_data(
        &self,
        tx: &plasma_primitives::SignedTx,
    ) -> Result<InFlightExitArgs, String> {
        let mut args = InFlightExitArgs {
            tx: tx.tx().encode(),
            input_txs: Vec::new(),
            input_positions: Vec::new(),
            input_proofs: Vec::new(),
            signatures: tx.signatures().iter().map(|s| s.as_bytes().to_vec()).collect(),
        };
        for &input in tx.tx().inputs() {
            let (created, proof) =
                self.exit_data(input).ok_or_else(|| format!("no verified output at {input}"))?;
            args.input_txs.push(created);
            args.input_positions.push(input);
            args.input_proofs.push(proof);
        }
        Ok(args)
    }
}
