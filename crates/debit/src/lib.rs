#![doc = include_str!("../README.md")]

pub mod chain;
pub mod history;
pub mod judge;
pub mod rules;

pub use chain::{ChainError, CoinStatus, DebitBlock, DebitChain, DebitCoin, Recovered};
pub use history::{
    BlockEntry, DebitFacts, DebitHistory, DepositRecord, HistoryError, IncludedTx, SignedTx,
    VerifiedCoin,
};
pub use judge::{Answer, ExitOnL1, answer_challenge_before, answer_exit};
pub use rules::{CoinState, RuleError};
