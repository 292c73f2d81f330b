//! The watcher service's loop. (The service beside a real operator node is a test of the
//! harness: `crates/devnet/tests/clients/watcher_service.rs`.)

use crate::*;
use plasma_watcher::{WatcherApiClient, WatcherError, WatcherService};
use std::time::Duration;

/// A reorganisation deeper than the confirmation depth, which drops a deposit the watcher
/// already read, stops the service's loop with that error (as the coin watcher's): it does not
/// retry for ever on a cursor that can make no progress.
#[tokio::test]
async fn a_deep_reorg_stops_the_watcher_service() {
    let w = World::new().await;
    let config = WatcherConfig { confirmations: 1, ..WatcherConfig::default() };
    let watcher = w.watcher(config).await;
    let mut service = WatcherService::start(
        watcher,
        "127.0.0.1:0".parse().unwrap(),
        Duration::from_millis(5),
        None,
    )
    .await
    .unwrap();
    let api = plasma_testkit::client(service.rpc_addr());
    let chain = w.plasma.chain();
    let snapshot = chain.snapshot().await.unwrap();
    let (dep, _) = w.deposit(ALICE, 1000).await;
    chain.mine().await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while api.exit_data(dep.raw()).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "the watcher never read the deposit");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    chain.revert(snapshot).await.unwrap();
    for _ in 0..3 {
        chain.mine().await.unwrap();
    }
    let stopped = tokio::time::timeout(Duration::from_secs(60), service.stopped())
        .await
        .expect("the watcher went on after a deep reorg")
        .unwrap();
    assert!(
        matches!(
            stopped,
            WatcherError::RootChain(plasma_rootchain::RootChainError::DeepReorg { .. })
        ),
        "{stopped}"
    );
    service.stop().await;
}
