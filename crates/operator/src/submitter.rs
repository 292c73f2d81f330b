//! Puts sealed blocks' roots on the root chain, in order, exactly once each.
//!
//! Before each submission it asks the contract which block number comes next, and submits
//! only the block with that number; on start it first waits for any transaction of the
//! operator's account still in flight (a submission cut short by a crash) to be mined. So a
//! root is never skipped and never submitted twice, whatever was interrupted.

use crate::{OperatorError, sequencer::Shared};
use plasma_primitives::position::CHILD_BLOCK_INTERVAL;
use plasma_rootchain::{Plasma, RootChain, RootChainError};
use std::{
    sync::{Arc, atomic::Ordering},
    time::Duration,
};
use tokio::sync::watch;

/// How long to wait for an in-flight transaction of the operator before giving up.
const IN_FLIGHT_DEADLINE: Duration = Duration::from_secs(600);

pub(crate) async fn run<C: RootChain + 'static>(
    shared: Arc<Shared>,
    plasma: Arc<Plasma<C>>,
    operator: plasma_primitives::Address,
    mut sealed: watch::Receiver<u64>,
) {
    let mut delay = Duration::from_millis(200);
    if let Err(e) = wait_for_in_flight(plasma.chain().as_ref(), operator).await {
        return shared.fail(format!("submitter: {e}"));
    }
    loop {
        match submit_pending(&shared, &plasma, operator).await {
            Ok(()) => delay = Duration::from_millis(200),
            Err(OperatorError::Diverged(reason)) => {
                return shared.fail(format!("submitter: {reason}"));
            }
            Err(e) => {
                tracing::warn!(%e, ?delay, "block submission failed; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(30));
                continue;
            }
        }
        if sealed.changed().await.is_err() {
            return;
        }
    }
}

/// Waits until no transaction of `operator` is pending (one cut short by a crash): both
/// chains' submitters start with this, so a resent root cannot race an old one.
pub(crate) async fn wait_for_in_flight<C: RootChain>(
    chain: &C,
    operator: plasma_primitives::Address,
) -> Result<(), OperatorError> {
    let started = tokio::time::Instant::now();
    while chain.pending_nonce(operator).await? > chain.nonce(operator).await? {
        if started.elapsed() > IN_FLIGHT_DEADLINE {
            return Err(OperatorError::Diverged(format!(
                "a transaction of the operator {operator} has been pending for {IN_FLIGHT_DEADLINE:?}"
            )));
        }
        tracing::info!("waiting for the operator's in-flight transaction to be mined");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    Ok(())
}

/// Submits every sealed block the root chain does not have yet.
async fn submit_pending<C: RootChain>(
    shared: &Shared,
    plasma: &Plasma<C>,
    operator: plasma_primitives::Address,
) -> Result<(), OperatorError> {
    loop {
        let next = plasma.next_child_block().await?;
        let sealed = shared.last_sealed.load(Ordering::Relaxed);
        if next > sealed + CHILD_BLOCK_INTERVAL {
            return Err(OperatorError::Diverged(format!(
                "the root chain expects block {next}, but this node has sealed only up to {sealed}"
            )));
        }
        let last = next - CHILD_BLOCK_INTERVAL;
        check_root(shared, plasma, last).await?;
        shared.last_submitted.store(last, Ordering::Relaxed);
        if next > sealed {
            return Ok(());
        }
        let block = shared.store.block(next)?.ok_or_else(|| {
            OperatorError::Diverged(format!("sealed block {next} is missing from the store"))
        })?;
        if let Some(read) = shared.l1_last_read() {
            // The block may spend deposits from a branch that is gone: never commit it there.
            match plasma_rootchain::still_canonical(plasma.chain().as_ref(), &read).await {
                Err(e @ RootChainError::DeepReorg { .. }) => {
                    return Err(OperatorError::Diverged(format!(
                        "not submitting block {next}: {e}"
                    )));
                }
                other => other?,
            }
        }
        let started = std::time::Instant::now();
        let (number, receipt) = plasma.submit_block(operator, block.root).await?;
        metrics::histogram!("plasma_submit_seconds").record(started.elapsed().as_secs_f64());
        if number != next {
            return Err(OperatorError::Diverged(format!(
                "submitted block {next} but the contract numbered it {number}"
            )));
        }
        tracing::info!(number, gas = receipt.gas_used, "block root submitted");
        shared.last_submitted.store(number, Ordering::Relaxed);
    }
}

/// Fails if the root chain holds another root for a block this node sealed.
async fn check_root<C: RootChain>(
    shared: &Shared,
    plasma: &Plasma<C>,
    blknum: u64,
) -> Result<(), OperatorError> {
    let (Some(ours), Some((theirs, _))) =
        (shared.store.block(blknum)?, plasma.block(blknum).await?)
    else {
        return Ok(());
    };
    // The contract keeps the root's high 224 bits.
    if ours.root[..28] != theirs[..28] {
        return Err(OperatorError::Diverged(format!(
            "block {blknum}: the root chain holds root {theirs}, this node sealed {}",
            ours.root
        )));
    }
    Ok(())
}
