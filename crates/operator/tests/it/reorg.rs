//! Reorganisations of the root chain, on a real anvil (snapshot and revert): one within the
//! confirmation depth never reaches the operator; one deeper than it stops the operator
//! (fail-stop) instead of letting it build on events that no longer exist.

use crate::*;
use plasma_storage::MemoryStore;
use plasma_testkit::eventually;

#[tokio::test]
async fn a_reorg_within_the_confirmation_depth_is_never_seen() {
    let (_anvil, plasma) = anvil_root_chain().await;
    let mut config = test_config();
    config.l1_confirmations = 3;
    let (node, client) = start(&plasma, Arc::new(MemoryStore::new()), config).await;
    let chain = plasma.chain();
    let snapshot = chain.snapshot().await.unwrap();
    deposit(&plasma, 1, 1000).await;
    chain.mine().await.unwrap();
    // Two blocks deep: not read yet. The branch holding the deposit is dropped.
    chain.revert(snapshot).await.unwrap();
    let kept = deposit(&plasma, 2, 250).await;
    for _ in 0..4 {
        chain.mine().await.unwrap();
    }
    until(&client, "the deposit of the surviving branch", |s| s.utxos == 1).await;
    let bob = plasma.chain().accounts()[2];
    let page = client.get_utxos(bob, None, None).await.unwrap();
    assert_eq!(page.utxos.len(), 1);
    assert_eq!(page.utxos[0].utxo_pos, kept.raw());
    assert_eq!(page.utxos[0].amount, milli_ether(250));
    assert!(node.failure().is_none());
    node.stop().await;
}

#[tokio::test]
async fn a_reorg_deeper_than_the_confirmation_depth_stops_the_operator() {
    let (_anvil, plasma) = anvil_root_chain().await;
    let mut config = test_config();
    config.l1_confirmations = 1;
    let (node, client) = start(&plasma, Arc::new(MemoryStore::new()), config).await;
    let chain = plasma.chain();
    let snapshot = chain.snapshot().await.unwrap();
    deposit(&plasma, 1, 1000).await;
    chain.mine().await.unwrap();
    until(&client, "the deposit", |s| s.utxos == 1).await;
    chain.revert(snapshot).await.unwrap();
    for _ in 0..4 {
        chain.mine().await.unwrap();
    }
    let failure =
        eventually("the operator to stop on the reorg", || async { node.failure() }).await;
    assert!(failure.contains("reorg"), "{failure}");
    let err = client.submit_tx(vec![0xc0].into()).await.unwrap_err();
    assert!(err.to_string().contains("stopped accepting"), "{err}");
    node.stop().await;
}

/// A spend of a deposit is acknowledged, then the root chain reorganises the deposit away
/// before the block is sealed. The block is valid for the chain the node read, invalid for the
/// chain that now exists: the node must stop without committing it.
#[tokio::test]
async fn a_block_built_on_a_lost_branch_is_never_committed() {
    let (_anvil, plasma) = anvil_root_chain().await;
    let mut config = test_config();
    config.l1_confirmations = 1;
    // Long enough to reorganise the root chain between the acknowledgement and the seal.
    config.block_interval = Duration::from_millis(1500);
    let (node, client) = start(&plasma, Arc::new(MemoryStore::new()), config).await;
    let chain = plasma.chain();
    let domain = plasma.domain_separator().await.unwrap();
    let snapshot = chain.snapshot().await.unwrap();
    let deposit = deposit(&plasma, 1, 1000).await;
    chain.mine().await.unwrap();
    until(&client, "the deposit", |s| s.utxos == 1).await;
    let bob = chain.accounts()[2];
    let spend = transfer(&domain, 1, vec![deposit], vec![(bob, 1000)]);
    let ack = client.submit_tx(spend.encode().into()).await.unwrap();
    assert_eq!(ack.blknum, 1000);
    chain.revert(snapshot).await.unwrap();
    for _ in 0..4 {
        chain.mine().await.unwrap();
    }
    let sealed = until(&client, "the seal of block 1000", |s| s.last_sealed_block == 1000).await;
    assert_eq!(sealed.last_submitted_block, 0);
    // The submitter has had its chance (it wakes on the seal): give it two block intervals.
    let what = "block 1000 (it spends a deposit the root chain lost) left uncommitted";
    let plasma = &plasma;
    plasma_testkit::holds_for(Duration::from_secs(3), what, || async move {
        plasma.next_child_block().await.unwrap() == 1000
    })
    .await;
    let failure = node.failure().expect("the node kept running on a reorganised root chain");
    assert!(failure.contains("reorg"), "{failure}");
    node.stop().await;
}

/// The node reads a deposit and stops; while it is down, the root chain drops the deposit's
/// branch deeper than the depth. Restarted on its store, it must notice (the last block it
/// read is stored with its cursor) instead of offering a deposit that no longer exists.
#[tokio::test]
async fn a_deep_reorg_while_the_node_is_down_stops_it_when_it_restarts() {
    let (_anvil, plasma) = anvil_root_chain().await;
    let mut config = test_config();
    config.l1_confirmations = 1;
    let store: Arc<MemoryStore> = Arc::new(MemoryStore::new());
    let (node, client) = start(&plasma, store.clone(), config.clone()).await;
    let chain = plasma.chain();
    let snapshot = chain.snapshot().await.unwrap();
    deposit(&plasma, 1, 1000).await;
    chain.mine().await.unwrap();
    until(&client, "the deposit", |s| s.utxos == 1).await;
    node.stop().await;
    chain.revert(snapshot).await.unwrap();
    for _ in 0..4 {
        chain.mine().await.unwrap();
    }
    let (node, _client) = start(&plasma, store, config).await;
    let failure =
        eventually("the restarted node to notice the reorg", || async { node.failure() }).await;
    assert!(failure.contains("reorg"), "{failure}");
    node.stop().await;
}
