//! Where the watcher gets blocks: the operator's API, or anything else that serves them.
//! The watcher checks every block against the root on the root chain, so the source is
//! trusted for nothing.

use alloy_primitives::Bytes;
use jsonrpsee::http_client::HttpClient;
use plasma_api::{OperatorApiClient, codes};
use std::future::Future;

/// A source of blocks' transactions (signed bytes, leaf order).
pub trait BlockSource: Send + Sync {
    /// Block `blknum`'s transactions, `Ok(None)` if the source does not have it (yet), `Err`
    /// if it cannot be reached.
    fn block(&self, blknum: u64)
    -> impl Future<Output = Result<Option<Vec<Bytes>>, String>> + Send;
}

impl BlockSource for HttpClient {
    async fn block(&self, blknum: u64) -> Result<Option<Vec<Bytes>>, String> {
        match self.get_block(blknum).await {
            Ok(block) => Ok(Some(block.txs)),
            Err(jsonrpsee::core::ClientError::Call(e)) if e.code() == codes::NOT_FOUND => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
}
