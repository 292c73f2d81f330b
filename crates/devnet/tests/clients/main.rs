//! The watcher and the wallets beside a real operator. Tests that run the operator next to a
//! client live here, in the harness, so that neither the watcher nor the wallet links the
//! operator, not even for its tests.

mod cash_wallet;
mod wallet;
mod watcher_service;

pub(crate) use plasma_testkit::{client, milli_ether};
