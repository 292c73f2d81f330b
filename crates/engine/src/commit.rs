//! The root committer every family uses (the payment chain and Plasma Cash): every sealed block
//! the root chain lacks, in order, exactly once.
//!
//! Before committing, it asks the contract which block number comes next and checks that the
//! root chain agrees with the node: the contract expects no block the node has not sealed, and
//! holds the node's root for the block before. Before each root it checks that the last
//! root-chain block the node read is still on the chain, so a block built on events of a
//! dropped branch is never committed. Any disagreement is [`OperatorError::Diverged`]: the
//! caller stops the node (fail-stop); other errors are retried.

use crate::OperatorError;
use plasma_primitives::{Address, B256};
use plasma_rootchain::{BlockInfo, RootChain, RootChainError, still_canonical};
use std::future::Future;

/// Distance between two operator blocks, in both chains' numbering.
const INTERVAL: u64 = 1000;

/// What the committer asks of a family's root contract.
pub trait RootContract: Send + Sync {
    /// The root chain the contract lives on.
    type Chain: RootChain;

    /// That root chain.
    fn root_chain(&self) -> &Self::Chain;

    /// The number the next operator block will get.
    fn next_child_block(&self) -> impl Future<Output = Result<u64, RootChainError>> + Send;

    /// The root committed for block `blknum` (its high 224 bits are compared), if any.
    fn committed_root(
        &self,
        blknum: u64,
    ) -> impl Future<Output = Result<Option<B256>, RootChainError>> + Send;

    /// Commits `root` from `operator`; returns the number the contract gave it.
    fn commit_root(
        &self,
        operator: Address,
        root: B256,
    ) -> impl Future<Output = Result<u64, RootChainError>> + Send;
}

/// What the committer asks of the node: its sealed blocks and what it has read.
pub trait SealedRoots: Sync {
    /// The last sealed block (0 if none).
    fn last_sealed(&self) -> u64;
    /// The root of sealed block `blknum`, if it is sealed.
    fn sealed_root(&self, blknum: u64) -> Result<Option<B256>, OperatorError>;
    /// The newest root-chain block the node's follower has read, if any.
    fn last_read(&self) -> Option<BlockInfo>;
    /// Records that the root chain holds blocks up to `blknum`.
    fn committed(&self, blknum: u64);
}

/// Commits every sealed root the root chain lacks, in order.
pub async fn commit_pending<R: RootContract, S: SealedRoots>(
    contract: &R,
    node: &S,
    operator: Address,
) -> Result<(), OperatorError> {
    let mut next = contract.next_child_block().await?;
    let sealed = node.last_sealed();
    if next > sealed + INTERVAL {
        return Err(OperatorError::Diverged(format!(
            "the root chain expects block {next}, but this node has sealed only up to {sealed}"
        )));
    }
    check_last_root(contract, node, next - INTERVAL).await?;
    node.committed(next - INTERVAL);
    loop {
        let Some(root) = node.sealed_root(next)? else {
            if next <= sealed {
                let why = format!("sealed block {next} is missing from the store");
                return Err(OperatorError::Diverged(why));
            }
            return Ok(());
        };
        if let Some(read) = node.last_read() {
            match still_canonical(contract.root_chain(), &read).await {
                Err(e @ RootChainError::DeepReorg { .. }) => {
                    let why = format!("not submitting block {next}: {e}");
                    return Err(OperatorError::Diverged(why));
                }
                other => other?,
            }
        }
        let started = std::time::Instant::now();
        let number = contract.commit_root(operator, root).await?;
        metrics::histogram!("plasma_submit_seconds").record(started.elapsed().as_secs_f64());
        if number != next {
            return Err(OperatorError::Diverged(format!(
                "submitted block {next} but the contract numbered it {number}"
            )));
        }
        tracing::info!(number, %root, "block root submitted");
        node.committed(number);
        next = number + INTERVAL;
    }
}

/// Fails if the root chain holds another root for block `blknum`, which this node sealed.
async fn check_last_root<R: RootContract, S: SealedRoots>(
    contract: &R,
    node: &S,
    blknum: u64,
) -> Result<(), OperatorError> {
    let (Some(ours), Some(theirs)) =
        (node.sealed_root(blknum)?, contract.committed_root(blknum).await?)
    else {
        return Ok(());
    };
    // The contracts keep the root's high 224 bits (or all of it); compare those.
    if ours[..28] != theirs[..28] {
        return Err(OperatorError::Diverged(format!(
            "block {blknum}: the root chain holds root {theirs}, this node sealed {ours}"
        )));
    }
    Ok(())
}
