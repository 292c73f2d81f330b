//! The whole system in one process, on the embedded root chain: [`demo`] deploys the
//! contracts, runs an operator and a watcher, and walks users through deposits, a stream of
//! transfers, an honest exit, a cheating exit that the watcher challenges, and the payout.

pub mod demo;
pub mod devnet;
pub mod scenario;
pub mod simulation;
