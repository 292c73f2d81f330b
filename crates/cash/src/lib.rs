#![doc = include_str!("../README.md")]

pub mod chain;
pub mod checkpoint;
pub mod figures;
pub mod history;
pub mod numbering;

pub use chain::{CashBlock, CashChain, ChainError, Coin, CoinStatus, RecoveredSpend};
pub use checkpoint::Checkpoint;
pub use history::{
    BlockEntry, CheckpointOrigin, CheckpointRecord, CoinHistory, DepositRecord, ExitEvidence,
    HistoryError, IncludedTx, Origin, RootChainFacts, Spend, VerifiedCoin,
};
