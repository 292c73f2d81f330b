//! The watcher and the wallets beside a real operator. Tests that run the operator next to a
//! client live here, in the harness, so that neither the watcher nor the wallet links the
//! operator, not even for its tests.

mod cash_wallet;
mod wallet;
mod watcher_service;

use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use plasma_primitives::U256;

/// `milli` thousandths of an ether, in wei.
pub(crate) fn eth(milli: u64) -> U256 {
    U256::from(milli) * U256::from(1_000_000_000_000_000u64)
}

/// A client of the API at `addr`.
pub(crate) fn client(addr: std::net::SocketAddr) -> HttpClient {
    HttpClientBuilder::default().build(format!("http://{addr}")).unwrap()
}
