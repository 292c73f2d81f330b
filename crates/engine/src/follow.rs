//! The root-chain follower both chains use: it reads the contract's logs once they are
//! `confirmations` deep, hands each batch that moves the cursor to the family's handler, and
//! stops the node on a reorganisation deeper than that depth (fail-stop: events it acted on
//! may no longer exist); other read errors are retried.

use plasma_rootchain::{ChainLog, EventCursor, RootChain, RootChainError};
use std::{future::Future, time::Duration};

/// What a chain does with the logs its follower reads.
pub trait FollowLogs: Send {
    /// Handles `logs` (in chain order), read up to `cursor`; `false` ends the follower (the
    /// node is stopping, or could not record them).
    fn handle(
        &mut self,
        logs: Vec<ChainLog>,
        cursor: &EventCursor,
    ) -> impl Future<Output = bool> + Send;

    /// Stops the node, saying why.
    fn fail(&self, reason: String);
}

/// Follows `chain` from `cursor` every `poll` until `handler` ends it or a deep reorg stops
/// the node.
pub async fn follow<C: RootChain, H: FollowLogs>(
    chain: &C,
    mut cursor: EventCursor,
    poll: Duration,
    mut handler: H,
) {
    loop {
        let before = cursor.next_block();
        match cursor.poll(chain).await {
            Ok(logs) if cursor.next_block() != before => {
                if !handler.handle(logs, &cursor).await {
                    return;
                }
            }
            Ok(_) => {}
            Err(e @ RootChainError::DeepReorg { .. }) => {
                return handler.fail(format!("follower: {e}"));
            }
            Err(e) => tracing::warn!(%e, "reading the root chain failed; retrying"),
        }
        tokio::time::sleep(poll).await;
    }
}
