//! The wait every submitter starts with: a root transaction cut short by a crash may still be
//! in the mempool, and a root resent before it is mined would race it.

use crate::OperatorError;
use plasma_primitives::Address;
use plasma_rootchain::RootChain;
use std::time::Duration;

/// How long to wait for an in-flight transaction of the operator before giving up.
const IN_FLIGHT_DEADLINE: Duration = Duration::from_secs(600);

/// Waits until no transaction of `operator` is pending (one cut short by a crash): both
/// chains' submitters start with this, so a resent root cannot race an old one.
pub async fn wait_for_in_flight<C: RootChain>(
    chain: &C,
    operator: Address,
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
