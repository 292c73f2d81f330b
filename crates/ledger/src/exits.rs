//! The exit game as the child chain follows it: which exits are live on the root chain, which
//! outputs they may pay out, and so which outputs must not be spent any more.
//!
//! The operator and the watcher follow the same events with this same code, so they agree on
//! which outputs are gone (paid out on the root chain). The operator also *holds* every
//! output whose value may leave (see [`Hold`]): it refuses to spend them, which keeps its
//! ledger a subset of the watcher's, so none of its blocks can be judged invalid for spending
//! money that left.

use plasma_primitives::{
    B256, U256, UtxoPos,
    exits::{ExitEvent, Leg},
};
use serde::{Deserialize, Serialize};
use std::{
    collections::{BTreeMap, BTreeSet, VecDeque},
    fmt,
};

/// Why an output may not be spent on the child chain: a live exit on the root chain may pay
/// its value out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hold {
    /// A standard exit of the output.
    StandardExit {
        /// The exit's id.
        exit_id: U256,
    },
    /// The output is an input of a transaction in flight: if that transaction is canonical,
    /// the output is spent by it.
    InFlightInput {
        /// The in-flight exit's id.
        exit_id: U256,
    },
    /// The output is a piggybacked leg of an in-flight exit.
    Piggybacked {
        /// The in-flight exit's id.
        exit_id: U256,
    },
    /// An entry of a batch exit claims the output (its owner, token and amount match).
    BatchEntry {
        /// The batch's id.
        exit_id: U256,
    },
}

impl Hold {
    /// Which hold wins when several apply: the one that is closest to paying out.
    fn rank(&self) -> u8 {
        match self {
            Self::Piggybacked { .. } => 0,
            Self::StandardExit { .. } | Self::BatchEntry { .. } => 1,
            Self::InFlightInput { .. } => 2,
        }
    }
}

impl fmt::Display for Hold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StandardExit { exit_id } => write!(f, "standard exit {exit_id:#x}"),
            Self::InFlightInput { exit_id } => {
                write!(f, "in-flight exit {exit_id:#x}, input of the exiting transaction")
            }
            Self::Piggybacked { exit_id } => write!(f, "in-flight exit {exit_id:#x}, piggybacked"),
            Self::BatchEntry { exit_id } => write!(f, "batch exit {exit_id:#x}"),
        }
    }
}

/// How an output's value left the child chain on the root chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Payout {
    /// Its standard exit paid out.
    StandardExit {
        /// The exit's id.
        exit_id: U256,
    },
    /// It was a piggybacked leg of an in-flight exit that paid out.
    InFlightLeg {
        /// The in-flight exit's id.
        exit_id: U256,
    },
    /// It was an input of a transaction whose in-flight exit was processed as canonical: the
    /// root chain counts it spent by that transaction.
    CanonicalInput {
        /// The in-flight exit's id.
        exit_id: U256,
    },
    /// A batch exit settled its entry (paid, or skipped for another exit of the output).
    BatchExit {
        /// The batch's id.
        exit_id: U256,
    },
}

impl fmt::Display for Payout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StandardExit { exit_id } => write!(f, "standard exit {exit_id:#x}, paid out"),
            Self::InFlightLeg { exit_id } => write!(f, "in-flight exit {exit_id:#x}, paid out"),
            Self::CanonicalInput { exit_id } => {
                write!(f, "spent by the canonical in-flight exit {exit_id:#x}")
            }
            Self::BatchExit { exit_id } => write!(f, "batch exit {exit_id:#x}, settled"),
        }
    }
}

/// How many payouts are remembered to explain a later refusal (oldest forgotten first).
const REMEMBERED_PAYOUTS: usize = 10_000;

/// A live in-flight exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct InFlight {
    tx_hash: B256,
    inputs: Vec<UtxoPos>,
    outputs: u8,
    /// Where the transaction is on the child chain (its output 0), once known.
    at: Option<UtxoPos>,
    piggybacked: Vec<Leg>,
}

impl InFlight {
    /// The child-chain output a leg names, if it exists (an output leg of a transaction in
    /// no block names nothing).
    fn position(&self, leg: Leg) -> Option<UtxoPos> {
        match leg {
            Leg::Input(n) => self.inputs.get(usize::from(n)).copied(),
            Leg::Output(n) if n < self.outputs => {
                let at = self.at?;
                Some(UtxoPos::new(at.blknum_u64()?, u16::try_from(at.txindex()).ok()?, n))
            }
            Leg::Output(_) => None,
        }
    }
}

/// A live batch exit as the child chain holds it: its entries that claim one of the chain's
/// outputs exactly, and which of them await an answer to a proof request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Batch {
    entries: BTreeMap<u16, UtxoPos>,
    requested: BTreeSet<u16>,
}

/// What following one event did to the ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ExitEffects {
    /// Outputs whose value left on the root chain, and how: to remove from the UTXO set.
    pub(crate) removed: Vec<(UtxoPos, Payout)>,
    /// Outputs whose hold changed (set or released): to be looked up again.
    pub(crate) touched: Vec<UtxoPos>,
}

/// The live exits of the payment chain, as the root chain's events describe them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitView {
    standard: BTreeMap<U256, UtxoPos>,
    in_flight: BTreeMap<U256, InFlight>,
    /// The latest outputs that left while unspent on the child chain, and how.
    paid: BTreeMap<UtxoPos, Payout>,
    /// The same outputs, oldest first: which to forget first.
    paid_order: VecDeque<UtxoPos>,
    #[serde(default)]
    batches: BTreeMap<U256, Batch>,
    /// Every held batch entry by output: (output, batch id, index).
    #[serde(default)]
    batch_claims: BTreeSet<(UtxoPos, U256, u16)>,
}

impl ExitView {
    /// Follows one event; `locate` finds a transaction on the child chain by hash (its
    /// output 0). Returns the outputs whose value left and those whose hold may have changed.
    pub(crate) fn follow(
        &mut self,
        event: &ExitEvent,
        locate: &mut dyn FnMut(B256) -> Option<UtxoPos>,
    ) -> ExitEffects {
        let mut fx = ExitEffects::default();
        match event {
            ExitEvent::StandardStarted { exit_id, pos } => {
                self.standard.insert(*exit_id, *pos);
                fx.touched.push(*pos);
            }
            ExitEvent::StandardChallenged { exit_id } => {
                fx.touched.extend(self.standard.remove(exit_id));
            }
            ExitEvent::StandardPaid { exit_id } => {
                let payout = Payout::StandardExit { exit_id: *exit_id };
                fx.removed.extend(self.standard.remove(exit_id).map(|pos| (pos, payout)));
            }
            ExitEvent::InFlightStarted { exit_id, tx_hash, tx } => {
                let record = InFlight {
                    tx_hash: *tx_hash,
                    inputs: tx.inputs().to_vec(),
                    outputs: tx.outputs().len() as u8,
                    at: locate(*tx_hash),
                    piggybacked: Vec::new(),
                };
                fx.touched.extend(&record.inputs);
                self.in_flight.insert(*exit_id, record);
            }
            ExitEvent::Piggybacked { exit_id, leg } => {
                if let Some(r) = self.in_flight.get_mut(exit_id) {
                    r.at = r.at.or_else(|| locate(r.tx_hash));
                    if !r.piggybacked.contains(leg) {
                        r.piggybacked.push(*leg);
                    }
                    fx.touched.extend(r.position(*leg));
                }
            }
            ExitEvent::PiggybackChallenged { exit_id, leg } => {
                if let Some(r) = self.in_flight.get_mut(exit_id) {
                    r.piggybacked.retain(|l| l != leg);
                    fx.touched.extend(r.position(*leg));
                }
            }
            ExitEvent::LegPaid { exit_id, leg } => {
                if let Some(r) = self.in_flight.get_mut(exit_id) {
                    r.at = r.at.or_else(|| locate(r.tx_hash));
                    r.piggybacked.retain(|l| l != leg);
                    let payout = Payout::InFlightLeg { exit_id: *exit_id };
                    fx.removed.extend(r.position(*leg).map(|pos| (pos, payout)));
                }
            }
            ExitEvent::InFlightEnded { exit_id, canonical } => {
                if let Some(r) = self.in_flight.remove(exit_id) {
                    if *canonical == Some(true) {
                        // The root chain now counts every input as spent by this transaction.
                        let payout = Payout::CanonicalInput { exit_id: *exit_id };
                        fx.removed.extend(r.inputs.iter().map(|&pos| (pos, payout)));
                    } else {
                        fx.touched.extend(&r.inputs);
                    }
                    fx.touched.extend(r.piggybacked.iter().filter_map(|&leg| r.position(leg)));
                }
            }
            ExitEvent::BatchStarted { .. }
            | ExitEvent::BatchEntryCancelled { .. }
            | ExitEvent::BatchProofRequested { .. }
            | ExitEvent::BatchProofAnswered { .. }
            | ExitEvent::BatchProcessed { .. } => self.follow_batch(event, &mut fx),
        }
        // A removed output can be held by nothing: forget exits that can no longer pay it.
        if !fx.removed.is_empty() {
            self.standard.retain(|_, pos| !fx.removed.iter().any(|(gone, _)| gone == pos));
        }
        fx
    }

    /// The batch events of [`Self::follow`]. A batch's claims are held as given (the ledger
    /// keeps only those matching its outputs); a settled entry leaves the chain unless it was
    /// cancelled or its proof was never answered. (An entry the root chain skips because its
    /// output's tx is in flight leaves too: its owner exits it there, never loses it.)
    fn follow_batch(&mut self, event: &ExitEvent, fx: &mut ExitEffects) {
        match event {
            ExitEvent::BatchStarted { exit_id, claims, .. } => {
                let batch = self.batches.entry(*exit_id).or_default();
                for c in claims {
                    batch.entries.insert(c.index, c.pos);
                    self.batch_claims.insert((c.pos, *exit_id, c.index));
                    fx.touched.push(c.pos);
                }
            }
            ExitEvent::BatchEntryCancelled { exit_id, index } => {
                if let Some(b) = self.batches.get_mut(exit_id) {
                    b.requested.remove(index);
                    if let Some(pos) = b.entries.remove(index) {
                        self.batch_claims.remove(&(pos, *exit_id, *index));
                        fx.touched.push(pos);
                    }
                }
            }
            ExitEvent::BatchProofRequested { exit_id, index } => {
                if let Some(b) = self.batches.get_mut(exit_id) {
                    b.requested.insert(*index);
                }
            }
            ExitEvent::BatchProofAnswered { exit_id, index } => {
                if let Some(b) = self.batches.get_mut(exit_id) {
                    b.requested.remove(index);
                }
            }
            ExitEvent::BatchProcessed { exit_id, from, to } => {
                let Some(b) = self.batches.get_mut(exit_id) else { return };
                let settled: Vec<(u16, UtxoPos)> =
                    b.entries.range(*from..*to).map(|(&i, &pos)| (i, pos)).collect();
                for (index, pos) in settled {
                    b.entries.remove(&index);
                    self.batch_claims.remove(&(pos, *exit_id, index));
                    if b.requested.remove(&index) {
                        fx.touched.push(pos);
                    } else {
                        fx.removed.push((pos, Payout::BatchExit { exit_id: *exit_id }));
                    }
                }
                if b.entries.is_empty() {
                    self.batches.remove(exit_id);
                }
            }
            _ => {}
        }
    }

    /// Remembers that `pos`, unspent on the child chain, left through `payout`.
    pub(crate) fn remember_payout(&mut self, pos: UtxoPos, payout: Payout) {
        if self.paid_order.len() == REMEMBERED_PAYOUTS
            && let Some(oldest) = self.paid_order.pop_front()
        {
            self.paid.remove(&oldest);
        }
        self.paid.insert(pos, payout);
        self.paid_order.push_back(pos);
    }

    /// How the output at `pos` left the child chain, if it is among the latest payouts.
    pub fn payout(&self, pos: UtxoPos) -> Option<Payout> {
        self.paid.get(&pos).copied()
    }

    /// The strongest reason `pos` may not be spent, if any.
    pub fn hold(&self, pos: UtxoPos) -> Option<Hold> {
        let standard = self
            .standard
            .iter()
            .filter(|(_, p)| **p == pos)
            .map(|(id, _)| Hold::StandardExit { exit_id: *id });
        let in_flight = self.in_flight.iter().flat_map(|(id, r)| {
            let exit_id = *id;
            let piggybacked = r
                .piggybacked
                .iter()
                .any(|&leg| r.position(leg) == Some(pos))
                .then_some(Hold::Piggybacked { exit_id });
            let input = r.inputs.contains(&pos).then_some(Hold::InFlightInput { exit_id });
            piggybacked.into_iter().chain(input)
        });
        let batch = self
            .batch_claims
            .range((pos, U256::ZERO, 0)..=(pos, U256::MAX, u16::MAX))
            .map(|&(_, exit_id, _)| Hold::BatchEntry { exit_id });
        standard.chain(in_flight).chain(batch).min_by_key(Hold::rank)
    }

    /// Every output some live exit names: where holds may apply.
    pub fn named_outputs(&self) -> Vec<UtxoPos> {
        let mut all: Vec<UtxoPos> = self.standard.values().copied().collect();
        for r in self.in_flight.values() {
            all.extend(&r.inputs);
            all.extend(r.piggybacked.iter().filter_map(|&leg| r.position(leg)));
        }
        all.extend(self.batch_claims.iter().map(|&(pos, _, _)| pos));
        all.sort();
        all.dedup();
        all
    }

    /// Live standard exits and in-flight exits.
    pub fn live(&self) -> (usize, usize) {
        (self.standard.len(), self.in_flight.len())
    }
}
