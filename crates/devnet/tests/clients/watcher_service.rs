//! The watcher service beside a real operator node: it verifies the operator's blocks over
//! HTTP, serves its own exit data, and challenges an invalid exit by itself.

use crate::{client, milli_ether};
use plasma_framework::{FrameworkConfig, Plasma};
use plasma_operator::{OperatorApiClient, OperatorConfig, OperatorNode};
use plasma_primitives::{Address, B256, MerkleTree, Output, PaymentTx, SignedTx, UtxoPos};
use plasma_rootchain::{EmbeddedChain, dev_key};
use plasma_storage::MemoryStore;
use plasma_watcher::{Watcher, WatcherApiClient, WatcherConfig, WatcherService};
use std::{sync::Arc, time::Duration};

const OPERATOR: usize = 0;
const ALICE: usize = 1;
const BOB: usize = 2;
const WATCHER: usize = 5;

fn addr(who: usize) -> Address {
    dev_key(who).address()
}

/// The framework on the embedded chain (exit period one hour), and its EIP-712 domain.
struct World {
    plasma: Arc<Plasma<EmbeddedChain>>,
    domain: B256,
}

impl World {
    async fn new() -> Self {
        let chain = Arc::new(EmbeddedChain::new());
        let mut config = FrameworkConfig::new(addr(OPERATOR));
        config.min_exit_period = 3600;
        let plasma = Arc::new(Plasma::deploy(chain, addr(OPERATOR), &config).await.unwrap());
        let domain = plasma.domain_separator().await.unwrap();
        Self { plasma, domain }
    }

    async fn deposit(&self, who: usize, milli: u64) -> (UtxoPos, PaymentTx) {
        let tx = PaymentTx::deposit(addr(who), Address::ZERO, milli_ether(milli)).unwrap();
        let (blknum, _) = self.plasma.deposit(&tx).await.unwrap();
        (UtxoPos::new(blknum, 0, 0), tx)
    }

    /// A transfer of ETH signed by `who`.
    fn transfer(&self, who: usize, inputs: Vec<UtxoPos>, outputs: Vec<(usize, u64)>) -> SignedTx {
        let outputs = outputs
            .into_iter()
            .map(|(owner, milli)| Output {
                owner: addr(owner),
                token: Address::ZERO,
                amount: milli_ether(milli),
            })
            .collect();
        let key = dev_key(who);
        let keys = vec![&key; inputs.len()];
        PaymentTx::new(inputs, outputs, B256::ZERO).unwrap().sign(&keys, &self.domain).unwrap()
    }
}

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
    let operator = client(node.rpc_addr());
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
    let api = client(service.rpc_addr());

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
