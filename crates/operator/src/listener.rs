//! Follows the root chain: deposits become spendable outputs, and every step of the exit
//! game (standard and in-flight exits, piggybacks, challenges, payouts) reaches the ledger,
//! which holds what may leave and removes what left. Events are read once they are
//! `confirmations` deep, by the engine's follower ([`plasma_engine::follow`]).

use crate::sequencer::{L1Change, Msg, Shared};
use plasma_engine::{FollowLogs, follow};
use plasma_framework::{Plasma, PlasmaEvent};
use plasma_rootchain::{ChainLog, EventCursor, RootChain};
use std::{
    sync::{Arc, mpsc::SyncSender},
    time::Duration,
};

pub(crate) async fn run<C: RootChain + 'static>(
    shared: Arc<Shared>,
    plasma: Arc<Plasma<C>>,
    cursor: EventCursor,
    to_sequencer: SyncSender<Msg>,
    poll: Duration,
) {
    let chain = plasma.chain().clone();
    follow(chain.as_ref(), cursor, poll, Listener { shared, plasma, to_sequencer }).await
}

/// The payment chain's handler: deposits and exit-game steps go to the sequencer, with the
/// cursor they bring the ledger to.
struct Listener<C> {
    shared: Arc<Shared>,
    plasma: Arc<Plasma<C>>,
    to_sequencer: SyncSender<Msg>,
}

impl<C: RootChain> FollowLogs for Listener<C> {
    async fn handle(&mut self, logs: Vec<ChainLog>, cursor: &EventCursor) -> bool {
        let changes: Vec<L1Change> = logs
            .iter()
            .filter_map(|log| match self.plasma.decode(log)? {
                PlasmaEvent::DepositCreated { blknum, tx_bytes, .. } => {
                    Some(L1Change::Deposit { blknum, tx: tx_bytes.to_vec() })
                }
                other => other.exit_event().map(L1Change::Exit),
            })
            .collect();
        let last_read = cursor.last_read();
        let msg = Msg::RootChain { changes, cursor: cursor.next_block(), last_read };
        self.to_sequencer.send(msg).is_ok()
    }

    fn fail(&self, reason: String) {
        self.shared.fail(reason);
    }
}
