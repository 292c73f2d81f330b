//! The wire contract between the parties of the chain: every JSON-RPC 2.0 API as one jsonrpsee
//! trait, the types its methods take and answer with, and the error codes. Documented in
//! `docs/api.md`.
//!
//! - [`OperatorApi`](OperatorApiClient) (namespace `plasma`): the payment chain's operator.
//! - [`CashApi`](CashApiClient) (namespace `cash`): the Plasma Cash operator.
//! - [`WatcherApi`](WatcherApiClient) (namespace `watcher`): the watcher, which checks the
//!   operator and answers from verified blocks only.
//!
//! Nothing here runs a server or touches storage: a client (the wallet) builds with feature
//! `client` only, and gets the typed clients (`OperatorApiClient`, ...) for any jsonrpsee
//! client; the servers add feature `server` for the server traits (`OperatorApiServer`, ...)
//! and serve their `RpcModule`s with `plasma-server`.

#[cfg(not(any(feature = "client", feature = "server")))]
compile_error!("plasma-api needs feature `client`, `server` or both");

pub mod codes;
mod operator;
mod watcher;

#[cfg(feature = "client")]
pub use operator::OperatorApiClient;
#[cfg(feature = "server")]
pub use operator::OperatorApiServer;
pub use operator::{
    BlockData, ExitData, FeeQuote, FeeRateInfo, ScheduledRates, Status, SubmitResult, TokenBalance,
    TxAck, TxData, Utxo, UtxoPage,
};
#[cfg(feature = "client")]
pub use watcher::WatcherApiClient;
#[cfg(feature = "server")]
pub use watcher::WatcherApiServer;
pub use watcher::{ChallengeData, EventPage, InFlightExitData, WatcherExitData, WatcherStatus};
