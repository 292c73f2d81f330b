//! The payment framework's events, decoded: what the operator, the watcher and the wallet
//! act on. Logs are decoded through the `sol!`-generated event enums of the emitting contract;
//! numbers are narrowed, never truncated (a log whose number does not fit is not decoded).

use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_sol_types::{SolEvent, SolEventInterface};
use plasma_contracts::{EthVault, FrameworkAddresses, PaymentExitGame, PlasmaFramework};
use plasma_primitives::{
    PaymentTx, UtxoPos,
    batch::decode_batch,
    exits::{BatchClaim, ExitEvent, Leg, OUTPUT_LEG},
};
use plasma_rootchain::{ChainLog, narrow};

/// What the framework's contracts announce, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlasmaEvent {
    /// The operator committed a block.
    BlockSubmitted {
        /// Block number.
        blknum: u64,
        /// The full 32-byte root.
        root: B256,
        /// When it was committed.
        timestamp: u64,
    },
    /// A deposit created its deposit block.
    DepositCreated {
        /// Depositor and owner of the output.
        owner: Address,
        /// The deposit block.
        blknum: u64,
        /// Token (zero = ETH).
        token: Address,
        /// Amount.
        amount: U256,
        /// The deposit transaction's bytes.
        tx_bytes: Bytes,
    },
    /// A standard exit started.
    ExitStarted {
        /// Exit id.
        exit_id: U256,
        /// The exiting owner.
        owner: Address,
        /// Token.
        token: Address,
        /// The exiting output.
        utxo_pos: U256,
        /// Amount.
        amount: U256,
        /// When it can be processed.
        exitable_at: u64,
    },
    /// A standard exit was challenged and deleted.
    ExitChallenged {
        /// Exit id.
        exit_id: U256,
        /// Who challenged (and got the bond).
        challenger: Address,
    },
    /// A standard exit paid out.
    ExitFinalized {
        /// Exit id.
        exit_id: U256,
        /// Who was paid.
        owner: Address,
        /// Token.
        token: Address,
        /// Amount.
        amount: U256,
    },
    /// An in-flight exit started.
    InFlightExitStarted {
        /// Exit id (low 160 bits of the transaction's hash, bit 159 set).
        exit_id: U256,
        /// Who started it.
        starter: Address,
        /// The in-flight transaction's hash.
        tx_hash: B256,
        /// When its piggybacks can be processed.
        exitable_at: u64,
        /// The unsigned in-flight transaction.
        tx_bytes: Bytes,
    },
    /// An input (leg 0-3) or output (leg 4-7) of an in-flight exit was piggybacked.
    InFlightExitPiggybacked {
        /// Exit id.
        exit_id: U256,
        /// The owner who piggybacked.
        owner: Address,
        /// The leg: input `leg`, or output `leg - 4`.
        leg: u8,
    },
    /// An in-flight exit's canonicity was challenged.
    InFlightExitChallenged {
        /// Exit id.
        exit_id: U256,
        /// The challenger.
        challenger: Address,
        /// The competitor's `txPos` (`u64::MAX`: in no block).
        competitor_pos: u64,
    },
    /// A canonicity challenge was answered: the in-flight transaction is included first.
    InFlightExitChallengeResponded {
        /// Exit id.
        exit_id: U256,
        /// The responder.
        responder: Address,
        /// The in-flight transaction's `txPos`.
        tx_pos: u64,
    },
    /// A piggyback was removed: its input or output was shown spent.
    InFlightPiggybackChallenged {
        /// Exit id.
        exit_id: U256,
        /// The challenger (who got the piggyback bond).
        challenger: Address,
        /// The leg.
        leg: u8,
    },
    /// A piggybacked leg of an in-flight exit paid out.
    InFlightLegPaid {
        /// Exit id.
        exit_id: U256,
        /// Who was paid.
        owner: Address,
        /// Token.
        token: Address,
        /// The leg: input `leg`, or output `leg - 4`.
        leg: u8,
        /// Amount.
        amount: U256,
    },
    /// An in-flight exit is over: finalized (`Some(canonical)`), or deleted unpiggybacked.
    InFlightExitEnded {
        /// Exit id.
        exit_id: U256,
        /// Whether it settled as canonical; `None` if it was deleted.
        canonical: Option<bool>,
    },
    /// A batch exit started; `entries` is its packed list (`plasma_primitives::batch`).
    BatchExitStarted {
        /// Batch id.
        exit_id: U256,
        /// Who started it.
        starter: Address,
        /// The token of every entry.
        token: Address,
        /// When it can be processed.
        exitable_at: u64,
        /// The packed entry list.
        entries: Bytes,
    },
    /// An entry of a batch exit was challenged: it is never paid.
    BatchEntryChallenged {
        /// Batch id.
        exit_id: U256,
        /// The entry's index.
        index: u16,
        /// The challenger (who got the entry's bond).
        challenger: Address,
    },
    /// Someone asked for the proof of a batch entry.
    BatchEntryProofRequested {
        /// Batch id.
        exit_id: U256,
        /// The entry's index.
        index: u16,
        /// The requester.
        requester: Address,
    },
    /// A proof request was answered: the entry is shown included.
    BatchEntryProofAnswered {
        /// Batch id.
        exit_id: U256,
        /// The entry's index.
        index: u16,
        /// The responder.
        responder: Address,
    },
    /// Entries `[from, to)` of a batch exit were settled.
    BatchExitProcessed {
        /// Batch id.
        exit_id: U256,
        /// First entry settled.
        from: u16,
        /// One past the last.
        to: u16,
        /// How many were paid.
        paid: u16,
        /// The value paid, in all.
        amount: U256,
    },
}

impl PlasmaEvent {
    /// What this event does to the child chain's outputs through the exit game, if anything.
    /// Every event is classified here by an exhaustive match, so a new exit path cannot be
    /// added without deciding how the child chain follows it.
    pub fn exit_event(&self) -> Option<ExitEvent> {
        let leg = |leg: u8| Leg::from_raw(leg);
        match self {
            // Blocks and deposits create outputs; the ledger follows them on their own path.
            Self::BlockSubmitted { .. } | Self::DepositCreated { .. } => None,
            Self::ExitStarted { exit_id, utxo_pos, .. } => {
                let pos = UtxoPos::from_raw(*utxo_pos)?;
                Some(ExitEvent::StandardStarted { exit_id: *exit_id, pos })
            }
            Self::ExitChallenged { exit_id, .. } => {
                Some(ExitEvent::StandardChallenged { exit_id: *exit_id })
            }
            Self::ExitFinalized { exit_id, .. } => {
                Some(ExitEvent::StandardPaid { exit_id: *exit_id })
            }
            Self::InFlightExitStarted { exit_id, tx_hash, tx_bytes, .. } => {
                // The contract accepted the bytes, so they decode; if not, nothing can exit.
                let tx = PaymentTx::decode(tx_bytes).ok()?;
                Some(ExitEvent::InFlightStarted { exit_id: *exit_id, tx_hash: *tx_hash, tx })
            }
            Self::InFlightExitPiggybacked { exit_id, leg: l, .. } => {
                Some(ExitEvent::Piggybacked { exit_id: *exit_id, leg: leg(*l)? })
            }
            Self::InFlightPiggybackChallenged { exit_id, leg: l, .. } => {
                Some(ExitEvent::PiggybackChallenged { exit_id: *exit_id, leg: leg(*l)? })
            }
            Self::InFlightLegPaid { exit_id, leg: l, .. } => {
                Some(ExitEvent::LegPaid { exit_id: *exit_id, leg: leg(*l)? })
            }
            Self::InFlightExitEnded { exit_id, canonical } => {
                Some(ExitEvent::InFlightEnded { exit_id: *exit_id, canonical: *canonical })
            }
            // Canonicity is argued until processing; only the outcome moves value, and holds
            // already cover every input and piggybacked leg meanwhile.
            Self::InFlightExitChallenged { .. } | Self::InFlightExitChallengeResponded { .. } => {
                None
            }
            Self::BatchExitStarted { exit_id, token, entries, .. } => {
                // The contract hashed the list, so it decodes; if not, nothing can exit.
                let entries = decode_batch(entries).ok()?;
                let claims = entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| BatchClaim {
                        index: i as u16,
                        pos: e.pos,
                        owner: e.owner,
                        amount: e.amount,
                    })
                    .collect();
                Some(ExitEvent::BatchStarted { exit_id: *exit_id, token: *token, claims })
            }
            Self::BatchEntryChallenged { exit_id, index, .. } => {
                Some(ExitEvent::BatchEntryCancelled { exit_id: *exit_id, index: *index })
            }
            Self::BatchEntryProofRequested { exit_id, index, .. } => {
                Some(ExitEvent::BatchProofRequested { exit_id: *exit_id, index: *index })
            }
            Self::BatchEntryProofAnswered { exit_id, index, .. } => {
                Some(ExitEvent::BatchProofAnswered { exit_id: *exit_id, index: *index })
            }
            Self::BatchExitProcessed { exit_id, from, to, .. } => {
                Some(ExitEvent::BatchProcessed { exit_id: *exit_id, from: *from, to: *to })
            }
        }
    }
}

/// Decodes a log of one of the framework's contracts at `addresses`; `None` for other logs.
pub(crate) fn decode_payment_event(
    addresses: &FrameworkAddresses,
    log: &ChainLog,
) -> Option<PlasmaEvent> {
    let emitter = log.log.address;
    if emitter == addresses.framework {
        let e = PlasmaFramework::BlockSubmitted::decode_log(&log.log).ok()?;
        return Some(PlasmaEvent::BlockSubmitted {
            blknum: narrow(e.blknum, "blknum").ok()?,
            root: e.root,
            timestamp: narrow(e.timestamp, "timestamp").ok()?,
        });
    }
    if emitter == addresses.eth_vault || emitter == addresses.erc20_vault {
        let e = EthVault::DepositCreated::decode_log(&log.log).ok()?;
        return Some(PlasmaEvent::DepositCreated {
            owner: e.owner,
            blknum: narrow(e.blknum, "blknum").ok()?,
            token: e.token,
            amount: e.amount,
            tx_bytes: e.txBytes.clone(),
        });
    }
    if emitter != addresses.exit_game {
        return None;
    }
    use PaymentExitGame::PaymentExitGameEvents as E;
    Some(match E::decode_log(&log.log).ok()?.data {
        E::ExitStarted(e) => PlasmaEvent::ExitStarted {
            exit_id: U256::from(e.exitId),
            owner: e.owner,
            token: e.token,
            utxo_pos: e.utxoPos,
            amount: e.amount,
            exitable_at: narrow(e.exitableAt, "exitableAt").ok()?,
        },
        E::ExitChallenged(e) => {
            PlasmaEvent::ExitChallenged { exit_id: U256::from(e.exitId), challenger: e.challenger }
        }
        E::ExitFinalized(e) => PlasmaEvent::ExitFinalized {
            exit_id: U256::from(e.exitId),
            owner: e.owner,
            token: e.token,
            amount: e.amount,
        },
        E::BatchExitStarted(e) => PlasmaEvent::BatchExitStarted {
            exit_id: U256::from(e.exitId),
            starter: e.starter,
            token: e.token,
            exitable_at: narrow(e.exitableAt, "exitableAt").ok()?,
            entries: e.entries,
        },
        E::BatchEntryChallenged(e) => PlasmaEvent::BatchEntryChallenged {
            exit_id: U256::from(e.exitId),
            index: narrow(e.index, "index").ok()?,
            challenger: e.challenger,
        },
        E::BatchEntryProofRequested(e) => PlasmaEvent::BatchEntryProofRequested {
            exit_id: U256::from(e.exitId),
            index: narrow(e.index, "index").ok()?,
            requester: e.requester,
        },
        E::BatchEntryProofAnswered(e) => PlasmaEvent::BatchEntryProofAnswered {
            exit_id: U256::from(e.exitId),
            index: narrow(e.index, "index").ok()?,
            responder: e.responder,
        },
        E::BatchExitProcessed(e) => PlasmaEvent::BatchExitProcessed {
            exit_id: U256::from(e.exitId),
            from: narrow(e.from, "from").ok()?,
            to: narrow(e.to, "to").ok()?,
            paid: narrow(e.paid, "paid").ok()?,
            amount: e.amount,
        },
        other => return in_flight_event(other),
    })
}

/// The in-flight exit events (MoreVP) of [`decode_payment_event`].
fn in_flight_event(event: PaymentExitGame::PaymentExitGameEvents) -> Option<PlasmaEvent> {
    use PaymentExitGame::PaymentExitGameEvents as E;
    let id = |exit_id: alloy_primitives::Uint<160, 3>| U256::from(exit_id);
    let leg = |leg: U256| narrow::<u8, 256, 4>(leg, "legIndex").ok();
    Some(match event {
        E::InFlightExitStarted(e) => PlasmaEvent::InFlightExitStarted {
            exit_id: id(e.exitId),
            starter: e.starter,
            tx_hash: e.txHash,
            exitable_at: narrow(e.exitableAt, "exitableAt").ok()?,
            tx_bytes: e.inFlightTx,
        },
        E::InFlightExitInputPiggybacked(e) => PlasmaEvent::InFlightExitPiggybacked {
            exit_id: id(e.exitId),
            owner: e.owner,
            leg: leg(e.inputIndex)?,
        },
        E::InFlightExitOutputPiggybacked(e) => PlasmaEvent::InFlightExitPiggybacked {
            exit_id: id(e.exitId),
            owner: e.owner,
            leg: OUTPUT_LEG.checked_add(leg(e.outputIndex)?)?,
        },
        E::InFlightExitChallenged(e) => PlasmaEvent::InFlightExitChallenged {
            exit_id: id(e.exitId),
            challenger: e.challenger,
            competitor_pos: narrow(e.competitorPos, "competitorPos").ok()?,
        },
        E::InFlightExitChallengeResponded(e) => PlasmaEvent::InFlightExitChallengeResponded {
            exit_id: id(e.exitId),
            responder: e.responder,
            tx_pos: narrow(e.txPos, "txPos").ok()?,
        },
        E::InFlightExitPiggybackChallenged(e) => PlasmaEvent::InFlightPiggybackChallenged {
            exit_id: id(e.exitId),
            challenger: e.challenger,
            leg: leg(e.leg)?,
        },
        E::InFlightExitLegPaid(e) => PlasmaEvent::InFlightLegPaid {
            exit_id: id(e.exitId),
            owner: e.owner,
            token: e.token,
            leg: leg(e.leg)?,
            amount: e.amount,
        },
        E::InFlightExitDeleted(e) => {
            PlasmaEvent::InFlightExitEnded { exit_id: id(e.exitId), canonical: None }
        }
        E::InFlightExitFinalized(e) => {
            PlasmaEvent::InFlightExitEnded { exit_id: id(e.exitId), canonical: Some(e.canonical) }
        }
        _ => return None,
    })
}
