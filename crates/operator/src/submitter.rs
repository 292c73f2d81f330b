//! Puts the payment chain's sealed roots on the root chain, in order, exactly once each, with
//! the committer both chains share ([`crate::commit`]); on start it first waits for any
//! transaction of the operator's account still in flight (a submission cut short by a crash)
//! to be mined. So a root is never skipped and never submitted twice, whatever was
//! interrupted.

use crate::{
    OperatorError,
    commit::{SealedRoots, commit_pending},
    sequencer::Shared,
};
use plasma_primitives::B256;
use plasma_rootchain::{BlockInfo, Plasma, RootChain};
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
        match commit_pending(plasma.as_ref(), shared.as_ref(), operator).await {
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
pub async fn wait_for_in_flight<C: RootChain>(
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

impl SealedRoots for Shared {
    fn last_sealed(&self) -> u64 {
        self.last_sealed.load(Ordering::Relaxed)
    }

    fn sealed_root(&self, blknum: u64) -> Result<Option<B256>, OperatorError> {
        Ok(self.store.block(blknum)?.map(|block| block.root))
    }

    fn last_read(&self) -> Option<BlockInfo> {
        self.l1_last_read()
    }

    fn committed(&self, blknum: u64) {
        self.last_submitted.store(blknum, Ordering::Relaxed);
    }
}
