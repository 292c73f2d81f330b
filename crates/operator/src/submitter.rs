//! Puts the payment chain's sealed roots on the root chain, in order, exactly once each, with
//! the engine's committer ([`plasma_engine::commit_pending`]); on start it first waits for any
//! transaction of the operator's account still in flight (a submission cut short by a crash)
//! to be mined. So a root is never skipped and never submitted twice, whatever was
//! interrupted.

use crate::sequencer::Shared;
use plasma_engine::{OperatorError, RootContract, SealedRoots, commit_pending, wait_for_in_flight};
use plasma_framework::Plasma;
use plasma_primitives::{Address, B256};
use plasma_rootchain::{BlockInfo, RootChain, RootChainError};
use std::{
    sync::{Arc, atomic::Ordering},
    time::Duration,
};
use tokio::sync::watch;

pub(crate) async fn run<C: RootChain + 'static>(
    shared: Arc<Shared>,
    plasma: Arc<Plasma<C>>,
    operator: Address,
    mut sealed: watch::Receiver<u64>,
) {
    let mut delay = Duration::from_millis(200);
    if let Err(e) = wait_for_in_flight(plasma.chain().as_ref(), operator).await {
        return shared.fail(format!("submitter: {e}"));
    }
    loop {
        match commit_pending(&Framework(plasma.as_ref()), shared.as_ref(), operator).await {
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

/// The payment chain's root contract (the framework), as the engine's committer sees it.
struct Framework<'a, C>(&'a Plasma<C>);

impl<C: RootChain> RootContract for Framework<'_, C> {
    type Chain = C;

    fn root_chain(&self) -> &C {
        self.0.chain().as_ref()
    }

    async fn next_child_block(&self) -> Result<u64, RootChainError> {
        self.0.next_child_block().await
    }

    async fn committed_root(&self, blknum: u64) -> Result<Option<B256>, RootChainError> {
        Ok(self.0.block(blknum).await?.map(|(root, _)| root))
    }

    async fn commit_root(&self, operator: Address, root: B256) -> Result<u64, RootChainError> {
        Ok(self.0.submit_block(operator, root).await?.0)
    }
}
