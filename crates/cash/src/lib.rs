#![doc = include_str!("../README.md")]

#[cfg(any(feature = "api-client", feature = "api-server"))]
pub mod api;
pub mod chain;
pub mod checkpoint;
#[cfg(feature = "l1")]
pub mod contract;
#[cfg(feature = "l1")]
pub mod events;
pub mod figures;
pub mod history;
#[cfg(feature = "node")]
pub mod node;
pub mod numbering;
#[cfg(feature = "wallet")]
pub mod read;
#[cfg(feature = "wallet")]
pub mod wallet;
#[cfg(feature = "watch")]
pub mod watch;

pub use chain::{
    CashBlock, CashChain, ChainError, Coin, CoinStatus, HistoryBlocks, RecoveredSpend,
    UnsealedBlock,
};
pub use checkpoint::Checkpoint;
#[cfg(feature = "l1")]
pub use contract::{CashConfig, CoinKind, PlasmaCashContract};
#[cfg(feature = "l1")]
pub use events::CashEvent;
pub use history::{
    BlockEntry, CheckpointOrigin, CheckpointRecord, CoinHistory, DepositRecord, ExitEvidence,
    HistoryError, IncludedTx, Origin, RootChainFacts, Spend, VerifiedCoin,
};
#[cfg(feature = "node")]
pub use node::{CashNode, CashNodeConfig};
#[cfg(feature = "wallet")]
pub use read::CoinRead;
#[cfg(feature = "wallet")]
pub use wallet::{CashWallet, CoinOnL1};
#[cfg(feature = "watch")]
pub use watch::{CashChallenge, CoinEvent, CoinWatcher, CoinWatcherError};
