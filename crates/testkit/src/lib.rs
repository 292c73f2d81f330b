//! The test kit: what the tests of every crate start from, written once. A dev-dependency
//! only; nothing here is compiled into a shipped binary.
//!
//! - [`anvil`] / [`anvil_with`]: a real node (the pinned anvil) and a client holding the
//!   development keys, each funded;
//! - [`framework`]: the payment framework deployed, development account 0 its operator;
//! - [`client`]: a JSON-RPC client of a node's API;
//! - [`eventually`]: waits for a condition a background task brings about, and names it when
//!   it never comes; [`holds_for`]: checks that one keeps holding while they run;
//! - amounts: [`ether`] and [`milli_ether`] (from `plasma_primitives::units`).

use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use plasma_framework::{FrameworkConfig, Plasma};
use plasma_rootchain::{Anvil, DevChain, RootChain, RpcChain, RpcConfig, dev_keys};
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

pub use plasma_primitives::units::{ether, milli_ether};

/// The chain id every test anvil runs with.
pub const ANVIL_CHAIN_ID: u64 = 31337;

/// How long [`eventually`] waits before it fails the test.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A fresh anvil node, and a client that holds the development keys (each funded with
/// 10,000 ether), reads at depth 0 and polls every 10 ms.
pub async fn anvil() -> (Anvil, RpcChain) {
    anvil_with(&[]).await
}

/// The same, anvil started with extra arguments (for example a block time).
pub async fn anvil_with(args: &[&str]) -> (Anvil, RpcChain) {
    let node = Anvil::spawn(ANVIL_CHAIN_ID, args).expect("anvil starts");
    let mut config = RpcConfig::new(node.url());
    config.expected_chain_id = Some(ANVIL_CHAIN_ID);
    config.confirmations = 0;
    config.poll_interval = Duration::from_millis(10);
    let chain = RpcChain::connect(config, &dev_keys()).await.expect("anvil answers");
    for key in dev_keys() {
        chain.set_balance(key.address(), ether(10_000)).await.expect("anvil_setBalance");
    }
    (node, chain)
}

/// The payment framework on `chain`, development account 0 its operator, with the minimum
/// exit period `min_exit_period` (seconds).
pub async fn framework<C: RootChain>(chain: Arc<C>, min_exit_period: u64) -> Arc<Plasma<C>> {
    let operator = chain.accounts()[0];
    let mut config = FrameworkConfig::new(operator);
    config.min_exit_period = min_exit_period;
    Arc::new(Plasma::deploy(chain, operator, &config).await.expect("the framework deploys"))
}

/// A JSON-RPC client of the API served at `addr`.
pub fn client(addr: SocketAddr) -> HttpClient {
    HttpClientBuilder::default().build(format!("http://{addr}")).expect("a valid local URL")
}

/// Polls `check` every 10 ms until it gives a value, which it returns; fails the test naming
/// `what` after [`PATIENCE`]. For conditions a background task (a follower, a sealer, a
/// submitter) brings about on its own schedule.
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    eventually_within(PATIENCE, what, check).await
}

/// [`eventually`] with another patience.
pub async fn eventually_within<T, F, Fut>(patience: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Polls `check` every 100 ms for `span` and fails the test, naming `what`, the first time it
/// does not hold. For what must *not* happen while background tasks have their chance (a root
/// committed that must never be).
pub async fn holds_for<F, Fut>(span: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + span;
    while tokio::time::Instant::now() < deadline {
        assert!(check().await, "{what} stopped holding");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn eventually_returns_the_first_value() {
        let mut calls = 0;
        let got = eventually("the third call", || {
            calls += 1;
            let n = calls;
            async move { (n == 3).then_some(n) }
        })
        .await;
        assert_eq!(got, 3);
    }

    #[tokio::test]
    #[should_panic(expected = "timed out waiting for a condition that never holds")]
    async fn eventually_names_what_never_came() {
        let patience = Duration::from_millis(50);
        eventually_within(patience, "a condition that never holds", || async { None::<()> }).await;
    }

    #[tokio::test]
    #[should_panic(expected = "the count stays below 3 stopped holding")]
    async fn holds_for_fails_when_the_condition_breaks() {
        let mut count = 0;
        holds_for(Duration::from_secs(5), "the count stays below 3", || {
            count += 1;
            let n = count;
            async move { n < 3 }
        })
        .await;
    }

    #[tokio::test]
    async fn the_anvil_accounts_are_funded_and_the_framework_deploys() {
        let (_node, chain) = anvil().await;
        let chain = Arc::new(chain);
        for key in dev_keys() {
            assert_eq!(chain.balance(key.address()).await.unwrap(), ether(10_000));
        }
        let plasma = framework(chain, 3600).await;
        assert_eq!(plasma.next_child_block().await.unwrap(), 1000);
    }
}
