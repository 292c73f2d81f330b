//! The operator's API is `plasma-api`'s [`OperatorApi`](plasma_api::OperatorApiServer); its
//! types and error codes are re-exported here, so that the node's users (the binary, the
//! harness) name one crate.

use jsonrpsee::types::ErrorObjectOwned;
pub use plasma_api::{
    BlockData, ExitData, OperatorApiClient, OperatorApiServer, Status, SubmitResult, TokenBalance,
    TxAck, TxData, Utxo, UtxoPage, codes,
};

/// A JSON-RPC error with `code` (from `plasma_api::codes`) and `message`.
pub fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(code, message.into(), None::<()>)
}
