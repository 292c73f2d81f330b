//! Plasma Cash coins watched for their owners. A Cash user watches only their own coins: the
//! watcher holds each watched coin's accepted history (verified block by block by the owner's
//! client), follows the contract's exits, and challenges every exit of a watched coin that its
//! history proves invalid:
//! - *after*: the exiting tx is in the history and a later tx spends it;
//! - *between*: the exiting tx is not in the history, but the history spends the exit's
//!   parent before the exiting block (a double spend);
//! - *before*: otherwise, the exiting tx is not part of the coin's valid history (a forged or
//!   old branch); the latest valid tx before the exiting block is shown, which the exiter
//!   cannot answer with a spend its owner never signed. `finalizeExit` then cancels the exit;
//! - *checkpoint*: for a history that starts at a final XT checkpoint (the older history
//!   dropped), an exit at or before the checkpoint of any tx but its leaf is cancelled with the
//!   checkpoint itself.
//!
//! The watcher reads the contract's events only once `confirmations` blocks sit on top of them
//! (as the payment watcher and the operators do), so a reorganisation within that depth never
//! reaches it. A deeper one, which changes a block it already read (exits it may have judged
//! and challenged), stops it with [`CoinWatcherError::DeepReorg`] rather than going on with a
//! view of the root chain that is no longer true; restarted, it reads everything again.

use crate::contract::IncludedTx;
use crate::{CashEvent, PlasmaCashContract};
use crate::{CoinHistory, Origin, RootChainFacts, Spend};
use alloy_primitives::{Address, B256};
use plasma_primitives::cash::CashTx;
use plasma_rootchain::{EventCursor, RootChain, RootChainError};
use serde::Serialize;
use std::{collections::HashMap, sync::Arc};

/// Which challenge an exit calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CashChallenge {
    /// A spend of the exiting tx, at `block`.
    After {
        /// The spend's block.
        block: u64,
    },
    /// A spend of the exit's parent before the exiting block, at `block`.
    Between {
        /// The spend's block.
        block: u64,
    },
    /// The coin's latest valid tx before the exiting block, at `block`.
    Before {
        /// Its block.
        block: u64,
    },
    /// A final checkpoint at `block`, at or after the exiting block, holding another tx.
    Checkpoint {
        /// The checkpoint's block.
        block: u64,
    },
}

/// What the coin watcher saw or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum CoinEvent {
    /// An exit of a watched coin that its history proves invalid.
    InvalidCoinExit {
        /// The coin.
        slot: u64,
        /// Who exits.
        owner: Address,
        /// The exiting tx's block.
        exit_block: u64,
        /// The challenge it calls for.
        challenge: CashChallenge,
    },
    /// A checkpoint whose leaf for a watched coin is not the coin's valid latest tx at its
    /// block; the watcher disputed it with that tx.
    WrongCheckpoint {
        /// The coin.
        slot: u64,
        /// The checkpoint's id.
        checkpoint_id: alloy_primitives::U256,
        /// The block of the tx it was disputed with.
        disputed_with: u64,
        /// The dispute's root-chain transaction (`None` if sending it failed).
        tx_hash: Option<B256>,
    },
    /// The watcher sent that challenge.
    CoinExitChallenged {
        /// The coin.
        slot: u64,
        /// The challenge.
        challenge: CashChallenge,
        /// The root-chain transaction.
        tx_hash: B256,
    },
}

/// Why a coin watcher's step failed, or why it stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoinWatcherError {
    /// A root-chain block the watcher had read changed: the exits and checkpoints it judged
    /// there may no longer exist (and others may). The watcher stops for good.
    #[error(
        "coin watcher stopped: root-chain block {number} changed hash from {was} to {now}, a reorg deeper than its {confirmations} confirmations; restart it (it reads the contract's events again from its start block), with a larger --l1.confirmations if this recurs"
    )]
    DeepReorg {
        /// The block whose hash changed.
        number: u64,
        /// The hash read before.
        was: B256,
        /// The hash now.
        now: B256,
        /// The depth the watcher reads at.
        confirmations: u64,
    },
    /// The root chain failed; the next step tries again.
    #[error(transparent)]
    RootChain(#[from] RootChainError),
}

/// A transaction of the coin's valid history with its inclusion.
struct Step {
    tx: CashTx,
    block: u64,
    proof: Vec<u8>,
    /// The previous owner's signature (none for the deposit or a checkpoint origin).
    signature: Option<[u8; 66]>,
}

impl Step {
    fn included(&self) -> IncludedTx {
        IncludedTx { tx: self.tx.encode(), proof: self.proof.clone(), block: self.block }
    }
}

/// Watches coins for their owners and challenges invalid exits of them.
pub struct CoinWatcher<C> {
    contract: Arc<PlasmaCashContract<C>>,
    cursor: EventCursor,
    confirmations: u64,
    /// Set by a deep reorg: every later step fails with it.
    stopped: Option<(u64, B256, B256)>,
    challenger: Address,
    coins: HashMap<u64, (CoinHistory, RootChainFacts)>,
    /// Checkpoint ids by their block, from the contract's events.
    checkpoints: HashMap<u64, alloy_primitives::U256>,
    /// Checkpoints seen and not yet judged: id, block, root.
    new_checkpoints: Vec<(alloy_primitives::U256, u64, B256)>,
    events: Vec<CoinEvent>,
}

impl<C: RootChain> CoinWatcher<C> {
    /// A watcher of `contract`'s exits from root-chain block `start_block`, challenging from
    /// `challenger` (which posts the `challengeBefore` bonds and earns the exit bonds), acting
    /// on an event only once `confirmations` blocks sit on top of it (the operator's and the
    /// payment watcher's depth: `plasma_rootchain::default_confirmations` unless configured).
    pub fn new(
        contract: Arc<PlasmaCashContract<C>>,
        challenger: Address,
        start_block: u64,
        confirmations: u64,
    ) -> Self {
        let cursor = EventCursor::new(vec![contract.address()], start_block, confirmations);
        Self {
            contract,
            cursor,
            confirmations,
            stopped: None,
            challenger,
            coins: HashMap::new(),
            checkpoints: HashMap::new(),
            new_checkpoints: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Watches a coin with its accepted history (verified by the owner's client against
    /// `facts`): later exits of it are judged against this history.
    pub fn watch(&mut self, history: CoinHistory, facts: RootChainFacts) {
        self.coins.insert(history.slot, (history, facts));
    }

    /// Watches coin `slot` (or refreshes it) with the longest prefix of its history, as the
    /// Cash operator serves it, that verifies against the root chain.
    pub async fn watch_from(
        &mut self,
        node: &jsonrpsee::http_client::HttpClient,
        slot: u64,
    ) -> Result<(), String> {
        let (history, facts, _, refused) =
            crate::CoinRead::fetch(&self.contract, node, slot).await?.accepted();
        if let Some(why) = refused {
            tracing::warn!(slot, %why, "the Cash operator serves a history that does not verify");
        }
        self.watch(history, facts);
        Ok(())
    }

    /// Runs until it must stop: every `poll`, refreshes each of `slots` from the Cash
    /// operator, then judges new exits and checkpoints; events are logged (alarms as
    /// warnings) and alarms POSTed as JSON to `webhook`, if given. A failing root chain is
    /// retried; a reorg deeper than the confirmations ends the run with
    /// [`CoinWatcherError::DeepReorg`], which is returned (and logged as an error). The loop
    /// is the watcher engine's ([`plasma_watcher::run_judge`]).
    pub async fn run(
        self,
        node: jsonrpsee::http_client::HttpClient,
        slots: Vec<u64>,
        poll: std::time::Duration,
        webhook: Option<String>,
    ) -> CoinWatcherError {
        let reported = self.events.len();
        let round = CoinRound { watcher: self, node, slots, reported };
        plasma_watcher::run_judge(round, poll, webhook).await
    }

    /// Judges checkpoint `id` (of `checkpoint_block`) for watched coin `slot`, whose leaf
    /// there is `leaf`: if the coin's valid latest tx at or before that block is another, it
    /// disputes the checkpoint with it (posting the bond). `leaf` and `proof` are what the
    /// operator serves; the contract checks them against the checkpoint's root.
    pub async fn judge_checkpoint(
        &mut self,
        slot: u64,
        id: alloy_primitives::U256,
        checkpoint_block: u64,
        leaf: B256,
        proof: &[u8],
    ) -> Option<CoinEvent> {
        let (history, facts) = self.coins.get(&slot)?;
        let steps = valid_steps(history, facts);
        let ours = steps.iter().rfind(|s| s.block <= checkpoint_block)?;
        if ours.tx.hash() == leaf {
            return None;
        }
        let sent = self
            .contract
            .dispute_checkpoint(self.challenger, id, slot, &ours.included(), leaf, proof)
            .await;
        if let Err(e) = &sent {
            tracing::warn!(%e, slot, %id, "could not dispute a checkpoint");
        }
        let event = CoinEvent::WrongCheckpoint {
            slot,
            checkpoint_id: id,
            disputed_with: ours.block,
            tx_hash: sent.ok().map(|r| r.tx_hash),
        };
        self.events.push(event.clone());
        Some(event)
    }

    /// Judges the checkpoints seen since the last call for every watched coin, with the
    /// leaves and proofs the Cash operator serves (checked against each checkpoint's root).
    pub async fn judge_new_checkpoints(&mut self, node: &jsonrpsee::http_client::HttpClient) {
        use crate::api::CashApiClient;
        for (id, block, root) in std::mem::take(&mut self.new_checkpoints) {
            let slots: Vec<u64> = self.coins.keys().copied().collect();
            for slot in slots {
                let served = match node.get_checkpoint_proof(slot).await {
                    Ok(Some(p)) if p.id == id => p,
                    Ok(_) => continue, // a newer checkpoint came since; it is judged in turn
                    Err(e) => {
                        tracing::warn!(%e, slot, %id, "no checkpoint data from the operator");
                        continue;
                    }
                };
                let proved =
                    plasma_primitives::cash::compute_root(&served.leaf, slot, &served.proof);
                if proved.ok() != Some(root) {
                    tracing::warn!(slot, %id, "the operator serves checkpoint data that does not prove: exit before it is final");
                    continue;
                }
                self.judge_checkpoint(slot, id, block, served.leaf, &served.proof).await;
            }
        }
    }

    /// Every event so far.
    pub fn events(&self) -> &[CoinEvent] {
        &self.events
    }

    /// Reads new exits (`confirmations` deep) and challenges the invalid ones; returns the new
    /// events. After a deep reorg every call fails with [`CoinWatcherError::DeepReorg`].
    pub async fn step(&mut self) -> Result<Vec<CoinEvent>, CoinWatcherError> {
        let deep = |(number, was, now)| CoinWatcherError::DeepReorg {
            number,
            was,
            now,
            confirmations: self.confirmations,
        };
        if let Some(stopped) = self.stopped {
            return Err(deep(stopped));
        }
        let before = self.events.len();
        let logs = match self.cursor.poll(self.contract.chain().as_ref()).await {
            Ok(logs) => logs,
            Err(RootChainError::DeepReorg { number, was, now }) => {
                self.stopped = Some((number, was, now));
                return Err(deep((number, was, now)));
            }
            Err(e) => return Err(e.into()),
        };
        for log in logs {
            let (slot, owner, exit_block, parent_block, tx_hash) = match self.contract.decode(&log)
            {
                Some(CashEvent::CheckpointSubmitted { id, blknum, root, .. }) => {
                    self.checkpoints.insert(blknum, id);
                    self.new_checkpoints.push((id, blknum, root));
                    continue;
                }
                Some(CashEvent::ExitStarted {
                    slot,
                    owner,
                    exit_block,
                    parent_block,
                    tx_hash,
                    ..
                }) => (slot, owner, exit_block, parent_block, tx_hash),
                _ => continue,
            };
            self.exit_started(slot, owner, exit_block, parent_block, tx_hash).await;
        }
        Ok(self.events[before..].to_vec())
    }

    /// Judges an exit of a watched coin, and challenges it if it is invalid.
    async fn exit_started(
        &mut self,
        slot: u64,
        owner: Address,
        exit_block: u64,
        parent_block: u64,
        tx_hash: B256,
    ) {
        let Some((history, facts)) = self.coins.get(&slot) else { return };
        if let Origin::Checkpoint(origin) = &history.origin
            && exit_block <= origin.checkpoint_block
            && tx_hash != origin.tx.hash()
        {
            let challenge = CashChallenge::Checkpoint { block: origin.checkpoint_block };
            self.events.push(CoinEvent::InvalidCoinExit { slot, owner, exit_block, challenge });
            let Some(&id) = self.checkpoints.get(&origin.checkpoint_block) else {
                tracing::warn!(slot, "no checkpoint id for block {}", origin.checkpoint_block);
                return;
            };
            let (leaf, proof) = (origin.tx.hash(), origin.checkpoint_proof.clone());
            let sent = self
                .contract
                .challenge_with_checkpoint(self.challenger, slot, id, leaf, &proof)
                .await;
            self.record(slot, challenge, sent);
            return;
        }
        let steps = valid_steps(history, facts);
        let Some((challenge, shown)) = judge(&steps, exit_block, parent_block, tx_hash) else {
            return;
        };
        self.events.push(CoinEvent::InvalidCoinExit { slot, owner, exit_block, challenge });
        let step = &steps[shown];
        let signature = step.signature.unwrap_or([0; 66]);
        let sent = match challenge {
            CashChallenge::After { .. } => {
                // The spent step's proof, needed when the exit names another copy of it.
                let spent = &steps[shown - 1];
                let copy_proof = if spent.block == exit_block { &[][..] } else { &spent.proof[..] };
                self.contract
                    .challenge_after(
                        self.challenger,
                        slot,
                        &step.included(),
                        &signature,
                        copy_proof,
                    )
                    .await
            }
            CashChallenge::Between { .. } => {
                self.contract
                    .challenge_between(self.challenger, slot, &step.included(), &signature)
                    .await
            }
            CashChallenge::Before { .. } | CashChallenge::Checkpoint { .. } => {
                self.contract.challenge_before(self.challenger, slot, &step.included()).await
            }
        };
        self.record(slot, challenge, sent);
    }

    fn record(
        &mut self,
        slot: u64,
        challenge: CashChallenge,
        sent: Result<plasma_rootchain::Receipt, RootChainError>,
    ) {
        match sent {
            Ok(receipt) => {
                let tx_hash = receipt.tx_hash;
                self.events.push(CoinEvent::CoinExitChallenged { slot, challenge, tx_hash });
            }
            Err(e) => tracing::warn!(%e, slot, ?challenge, "could not challenge a coin exit"),
        }
    }
}

/// The coin's valid transactions in order: its origin (the deposit, or a checkpoint's leaf),
/// then every included spend of the accepted history.
fn valid_steps(history: &CoinHistory, facts: &RootChainFacts) -> Vec<Step> {
    let origin = match &history.origin {
        Origin::Deposit => Step {
            tx: facts.deposit.tx(),
            block: facts.deposit.block,
            proof: Vec::new(),
            signature: None,
        },
        Origin::Checkpoint(c) => {
            Step { tx: c.tx, block: c.tx_block, proof: c.tx_proof.clone(), signature: None }
        }
    };
    let spends = history.entries.iter().filter_map(|e| {
        let Spend { tx, signature } = e.spend?;
        Some(Step {
            tx,
            block: e.block,
            proof: e.proof.clone(),
            signature: Some(signature.to_bytes()),
        })
    });
    std::iter::once(origin).chain(spends).collect()
}

/// The challenge an exit (exiting tx `tx_hash` at `exit_block`, parent at `parent_block`)
/// calls for against the valid history `steps`, with the index of the step to show; `None`
/// if the exit is the coin's valid latest state.
fn judge(
    steps: &[Step],
    exit_block: u64,
    parent_block: u64,
    tx_hash: B256,
) -> Option<(CashChallenge, usize)> {
    if let Some(i) = steps.iter().position(|s| s.tx.hash() == tx_hash) {
        // A valid state of the coin (or a copy of one that the operator included again
        // elsewhere): invalid only if it was spent since. Only `After` can answer an exit of a
        // copy at once; the spend then names the valid copy's block, whose proof goes with it.
        let next = i + 1;
        return (next < steps.len())
            .then(|| (CashChallenge::After { block: steps[next].block }, next));
    }
    // Not a valid state: a double spend of the parent shows at once, else an earlier tx.
    if let Some(p) = steps.iter().position(|s| s.block == parent_block) {
        let next = p + 1;
        if next < steps.len() && steps[next].block < exit_block {
            return Some((CashChallenge::Between { block: steps[next].block }, next));
        }
    }
    let latest = steps.iter().rposition(|s| s.block < exit_block)?;
    Some((CashChallenge::Before { block: steps[latest].block }, latest))
}

/// The coin watcher as the engine's loop drives it: each round refreshes the watched coins from
/// the Cash operator, steps, and judges new checkpoints.
struct CoinRound<C> {
    watcher: CoinWatcher<C>,
    node: jsonrpsee::http_client::HttpClient,
    slots: Vec<u64>,
    /// Events before this index were reported by an earlier round.
    reported: usize,
}

impl<C: RootChain> plasma_watcher::Judge for CoinRound<C> {
    type Event = CoinEvent;
    type Error = CoinWatcherError;

    async fn judge(&mut self) -> Result<Vec<CoinEvent>, CoinWatcherError> {
        for &slot in &self.slots {
            if let Err(e) = self.watcher.watch_from(&self.node, slot).await {
                tracing::warn!(slot, %e, "could not refresh a watched coin");
            }
        }
        let stepped = self.watcher.step().await;
        // Checkpoints are judged even when the exits' step failed: they do not depend on it.
        self.watcher.judge_new_checkpoints(&self.node).await;
        stepped?;
        let new = self.watcher.events[self.reported..].to_vec();
        self.reported = self.watcher.events.len();
        for event in &new {
            if Self::is_alarm(event) {
                tracing::warn!(?event, "coin watcher");
            } else {
                tracing::info!(?event, "coin watcher");
            }
        }
        Ok(new)
    }

    fn is_alarm(event: &CoinEvent) -> bool {
        !matches!(event, CoinEvent::CoinExitChallenged { .. })
    }

    fn must_stop(error: &CoinWatcherError) -> bool {
        matches!(error, CoinWatcherError::DeepReorg { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;

    fn step(prev: u64, block: u64, owner: u8) -> Step {
        let tx = CashTx {
            slot: 7,
            prev_block: U256::from(prev),
            denomination: U256::from(5),
            new_owner: Address::repeat_byte(owner),
        };
        Step { tx, block, proof: vec![block as u8], signature: Some([owner; 66]) }
    }

    /// Issue 15 finding 6: an exit of a copy of a spent tx (the operator included it again at
    /// 2000) is answered at once by the spend of the valid copy, not by a slow challenge.
    #[test]
    fn an_exit_of_a_copy_of_a_spent_tx_calls_for_the_spend() {
        let steps = [step(0, 1, 1), step(1, 1000, 2), step(1000, 3000, 3)];
        let copied = steps[1].tx.hash();
        assert_eq!(
            judge(&steps, 2000, 1, copied),
            Some((CashChallenge::After { block: 3000 }, 2)),
            "the copy at 2000"
        );
        assert_eq!(judge(&steps, 1000, 1, copied), Some((CashChallenge::After { block: 3000 }, 2)));
        // The latest valid tx, at its block or a copy of it: nothing to challenge.
        let latest = steps[2].tx.hash();
        assert_eq!(judge(&steps, 3000, 1000, latest), None);
        assert_eq!(judge(&steps, 4000, 1000, latest), None);
        // Junk after the latest: the latest valid tx before it.
        assert_eq!(
            judge(&steps, 5000, 4000, B256::repeat_byte(9)),
            Some((CashChallenge::Before { block: 3000 }, 2))
        );
    }
}
