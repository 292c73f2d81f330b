#![doc = include_str!("../README.md")]

pub mod chain;
#[cfg(feature = "l1")]
pub mod contract;
#[cfg(feature = "l1")]
pub mod events;
pub mod figures;
pub mod history;
pub mod judge;
pub mod rules;

pub use chain::{ChainError, CoinStatus, DebitBlock, DebitChain, DebitCoin, Recovered};
#[cfg(feature = "l1")]
pub use contract::{CoinOnL1, CoinOnL1State, DebitConfig, ExitRecord, PlasmaDebitContract};
#[cfg(feature = "l1")]
pub use events::DebitEvent;
pub use history::{
    BlockEntry, DebitFacts, DebitHistory, DepositRecord, HistoryError, IncludedTx, SignedTx,
    VerifiedCoin,
};
pub use judge::{Answer, ExitOnL1, acknowledgment, answer_challenge_before, answer_exit};
pub use rules::{CoinState, RuleError};
