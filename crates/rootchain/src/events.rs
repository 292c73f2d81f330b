//! Reading the framework's events in order, only once they are buried deep enough.
//!
//! A log is read only when `confirmations` blocks sit on top of its block, so a reorganisation
//! up to that depth never reaches the reader. A deeper one is detected (the last block read
//! changed hash) and reported as [`RootChainError::DeepReorg`] instead of being followed blindly.

use crate::{BlockInfo, ChainLog, Result, RootChain, RootChainError};
use alloy_primitives::Address;

/// Chain ids of local development chains (anvil, geth and hardhat dev mode), where nothing
/// reorganises and waiting only slows tests and demos down.
pub const DEV_CHAIN_IDS: [u64; 2] = [31337, 1337];

/// Confirmations a root-chain event needs before the operator or a watcher acts on it, when
/// the configuration names none: 0 on a local development chain, otherwise 64 (two epochs of
/// post-merge Ethereum, about 13 minutes: the depth at which blocks are normally finalized).
/// The operator and the watcher use this same default, so they agree on what they have read;
/// an exit period is days, so the wait costs users nothing they can lose.
pub fn default_confirmations(chain_id: u64) -> u64 {
    if DEV_CHAIN_IDS.contains(&chain_id) { 0 } else { 64 }
}

/// Most blocks asked for in one `eth_getLogs` (nodes limit the range).
const MAX_RANGE: u64 = 2_000;

/// A position in the stream of the contracts' logs.
#[derive(Debug, Clone)]
pub struct EventCursor {
    addresses: Vec<Address>,
    next_block: u64,
    confirmations: u64,
    last_read: Option<BlockInfo>,
}

impl EventCursor {
    /// A cursor over `addresses`' logs from block `from_block` on.
    pub fn new(addresses: Vec<Address>, from_block: u64, confirmations: u64) -> Self {
        Self { addresses, next_block: from_block, confirmations, last_read: None }
    }

    /// The same cursor after a restart: `last_read` is the block read last in the previous
    /// life, so that the first poll notices if a reorganisation dropped it meanwhile.
    pub fn resumed(mut self, last_read: Option<BlockInfo>) -> Self {
        self.last_read = last_read;
        self
    }

    /// The first block not yet read.
    pub fn next_block(&self) -> u64 {
        self.next_block
    }

    /// The last block read (the newest block whose logs were returned), if any this life.
    pub fn last_read(&self) -> Option<BlockInfo> {
        self.last_read
    }

    /// The logs of the blocks that became final enough since the last poll, in chain order.
    pub async fn poll<C: RootChain>(&mut self, chain: &C) -> Result<Vec<ChainLog>> {
        if let Some(last) = self.last_read {
            still_canonical(chain, &last).await?;
        }
        let head = chain.head().await?.number;
        let Some(safe) = head.checked_sub(self.confirmations) else { return Ok(Vec::new()) };
        if safe < self.next_block {
            return Ok(Vec::new());
        }
        let to = safe.min(self.next_block + MAX_RANGE - 1);
        let mut logs = chain.logs(&self.addresses, self.next_block, to).await?;
        logs.sort_by_key(|l| (l.block_number, l.log_index));
        self.last_read = chain.block(to).await?;
        self.next_block = to + 1;
        Ok(logs)
    }
}

/// Fails with [`RootChainError::DeepReorg`] if `block` is no longer on the root chain (its
/// number now holds another hash, or nothing): what was read from it may no longer exist.
pub async fn still_canonical<C: RootChain>(chain: &C, block: &BlockInfo) -> Result<()> {
    let now = chain.block(block.number).await?;
    if now.map(|b| b.hash) != Some(block.hash) {
        let now = now.map(|b| b.hash).unwrap_or_default();
        return Err(RootChainError::DeepReorg { number: block.number, was: block.hash, now });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_chains_need_no_confirmations_and_public_ones_two_epochs() {
        assert_eq!(default_confirmations(31337), 0);
        assert_eq!(default_confirmations(1337), 0);
        assert_eq!(default_confirmations(1), 64);
        assert_eq!(default_confirmations(11155111), 64);
    }
}
