//! The watcher service beside a real operator node: it verifies the operator's blocks over
//! HTTP, serves its own exit data, and challenges an invalid exit by itself.

use crate::*;
use jsonrpsee::http_client::HttpClientBuilder;
use plasma_operator::{OperatorApiClient, OperatorConfig, OperatorNode};
use plasma_storage::MemoryStore;
use plasma_watcher::{WatcherApiClient, WatcherError, WatcherService};
use std::time::Duration;

#[tokio::test]
async fn the_watcher_follows_a_real_operator_and_acts_alone() {
    let w = World::new().await;
    let config = OperatorConfig {
        rpc_addr: "127.0.0.1:0".parse().unwrap(),
        block_interval: Duration::from_millis(50),
        l1_poll_interval: Duration::from_millis(10),
        ..OperatorConfig::default()
    };
    let node =
        OperatorNode::start(config, w.plasma.clone(), addr(OPERATOR), Arc::new(MemoryStore::new()))
            .await
            .unwrap();
    let operator =
        HttpClientBuilder::default().build(format!("http://{}", node.rpc_addr())).unwrap();
    let watcher_config =
        WatcherConfig { challenger: Some(addr(WATCHER)), ..WatcherConfig::default() };
    let watcher = Watcher::new(watcher_config, w.plasma.clone(), operator.clone()).await.unwrap();
    let service = WatcherService::start(
        watcher,
        "127.0.0.1:0".parse().unwrap(),
        Duration::from_millis(10),
        None,
    )
    .await
    .unwrap();
    let api = HttpClientBuilder::default().build(format!("http://{}", service.rpc_addr())).unwrap();

    let (dep, dep_tx) = w.deposit(ALICE, 1000).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while OperatorApiClient::status(&operator).await.unwrap().utxos < 1 {
        assert!(std::time::Instant::now() < deadline, "the operator never saw the deposit");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let pay = w.transfer(ALICE, vec![dep], vec![(BOB, 1000)]);
    operator.submit_tx(pay.encode().into()).await.unwrap();

    let mut status = WatcherApiClient::status(&api).await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        status = WatcherApiClient::status(&api).await.unwrap();
        if status.last_verified_block >= 1000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(status.last_verified_block, 1000, "{status:?}");
    assert_eq!(status.byzantine, None);
    let page = api.events(0, None).await.unwrap();
    assert_eq!(page.events[0]["kind"], "blockVerified");

    // The watcher's exit data (from verified blocks only) equals the operator's.
    let bob_pos = UtxoPos::new(1000, 0, 0);
    let ours = api.exit_data(bob_pos.raw()).await.unwrap();
    let theirs = operator.get_exit_data(bob_pos.raw()).await.unwrap();
    assert_eq!((ours.tx_bytes, ours.proof), (theirs.tx_bytes, theirs.proof));
    let challenge = api.challenge_data(dep.raw()).await.unwrap();
    assert_eq!(challenge.challenge_tx_hash, pay.tx().hash());

    // Alice exits her spent deposit; the watcher challenges on its own.
    let proof = MerkleTree::from_leaves(&[dep_tx.encode()]).unwrap().proof(0).unwrap();
    w.plasma.start_standard_exit(addr(ALICE), dep, &dep_tx.encode(), &proof).await.unwrap();
    let mut challenged = false;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        let page = api.events(0, None).await.unwrap();
        if page.events.iter().any(|e| e["kind"] == "exitChallenged") {
            challenged = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(challenged, "{:#?}", api.events(0, None).await.unwrap().events);
    service.stop().await;
    node.stop().await;
}

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
    let api = HttpClientBuilder::default().build(format!("http://{}", service.rpc_addr())).unwrap();
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
