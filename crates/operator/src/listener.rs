//! Follows the root chain: deposits become spendable outputs, and every step of the exit
//! game (standard and in-flight exits, piggybacks, challenges, payouts) reaches the ledger,
//! which holds what may leave and removes what left. Events are read once they are
//! `confirmations` deep.

use crate::sequencer::{L1Change, Msg, Shared};
use plasma_rootchain::{EventCursor, Plasma, PlasmaEvent, RootChain};
use std::{
    sync::{Arc, mpsc::SyncSender},
    time::Duration,
};

pub(crate) async fn run<C: RootChain + 'static>(
    shared: Arc<Shared>,
    plasma: Arc<Plasma<C>>,
    mut cursor: EventCursor,
    to_sequencer: SyncSender<Msg>,
    poll: Duration,
) {
    loop {
        match cursor.poll(plasma.chain().as_ref()).await {
            Ok(logs) => {
                let changes: Vec<L1Change> = logs
                    .iter()
                    .filter_map(|log| match plasma.decode(log)? {
                        PlasmaEvent::DepositCreated { blknum, tx_bytes, .. } => {
                            Some(L1Change::Deposit { blknum, tx: tx_bytes.to_vec() })
                        }
                        other => other.exit_event().map(L1Change::Exit),
                    })
                    .collect();
                let last_read = cursor.last_read();
                let msg = Msg::RootChain { changes, cursor: cursor.next_block(), last_read };
                if to_sequencer.send(msg).is_err() {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(%e, "reading the root chain failed; retrying");
                if matches!(e, plasma_rootchain::RootChainError::DeepReorg { .. }) {
                    return shared.fail(format!("listener: {e}"));
                }
            }
        }
        tokio::time::sleep(poll).await;
    }
}
