//! The Plasma Cash node has the payment chain's safety: it reads root-chain events at the
//! configured depth, stops (rather than retrying for ever) when events it acted on are
//! reorganised away, and stops when the root chain's blocks disagree with the ones it sealed.

use crate::*;
use plasma_cash::{CashConfig, PlasmaCashContract};
use plasma_cash::{CashNode, CashNodeConfig, api::CashApiClient};
use plasma_storage::Journal;

/// A running Cash node on a fresh embedded chain: the chain, the contract, the node, a client
/// of its API, and the folder of its journal.
pub(crate) type CashRun = (
    Arc<EmbeddedChain>,
    Arc<PlasmaCashContract<EmbeddedChain>>,
    CashNode,
    HttpClient,
    tempfile::TempDir,
);

pub(crate) async fn cash_node(confirmations: u64) -> CashRun {
    cash_node_with(cash_config(0, confirmations)).await
}

/// A Cash node with `config` (its start block is set to the fresh chain's head).
async fn cash_node_with(mut config: CashNodeConfig) -> CashRun {
    let chain = Arc::new(EmbeddedChain::new());
    let operator = chain.accounts()[0];
    let start = chain.head().await.unwrap().number;
    let contract = Arc::new(
        PlasmaCashContract::deploy(chain.clone(), operator, &CashConfig::new(operator))
            .await
            .unwrap(),
    );
    config.l1_start_block = start;
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(dir.path().join("cash.redb")).unwrap());
    let node = CashNode::start(config, contract.clone(), operator, journal).await.unwrap();
    let client = plasma_testkit::client(node.rpc_addr());
    (chain, contract, node, client, dir)
}

fn cash_config(start: u64, confirmations: u64) -> CashNodeConfig {
    CashNodeConfig {
        rpc_addr: "127.0.0.1:0".parse().unwrap(),
        block_interval: Duration::from_millis(20),
        l1_poll_interval: Duration::from_millis(5),
        l1_start_block: start,
        l1_confirmations: confirmations,
        checkpoint_every: None,
        api: plasma_operator::ApiLimits::default(),
        expected_chain_id: None,
    }
}

pub(crate) async fn coins(client: &HttpClient) -> u64 {
    CashApiClient::status(client).await.unwrap().coins
}

#[tokio::test]
async fn the_cash_node_waits_for_the_configured_depth() {
    let (chain, contract, node, client, _dir) = cash_node(3).await;
    contract.deposit_eth(chain.accounts()[1], milli_ether(100)).await.unwrap();
    chain.mine().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(coins(&client).await, 0, "read before it was 3 blocks deep");
    chain.mine().await.unwrap();
    chain.mine().await.unwrap();
    until_coins(&client, 1).await;
    node.stop().await;
}

#[tokio::test]
async fn a_deep_reorg_stops_the_cash_node() {
    let (chain, contract, node, client, _dir) = cash_node(0).await;
    let snapshot = chain.snapshot().await.unwrap();
    contract.deposit_eth(chain.accounts()[1], milli_ether(100)).await.unwrap();
    until_coins(&client, 1).await;
    chain.revert(snapshot).await.unwrap();
    for _ in 0..3 {
        chain.mine().await.unwrap();
    }
    stopped_with(&client, "reorg").await;
    node.stop().await;
}

/// Submits a harmless malformed transfer until the refusal names `words` (the node stopped);
/// returns the refusal.
async fn stopped_with(client: &HttpClient, words: &str) -> String {
    let what = format!("a refusal naming {words:?}");
    plasma_testkit::eventually(&what, || async move {
        let refusal = CashApiClient::submit_tx(client, vec![0xc0u8].into(), vec![0u8; 65].into())
            .await
            .unwrap_err()
            .to_string();
        refusal.contains(words).then_some(refusal)
    })
    .await
}

/// Waits until the node holds `n` coins (its follower read the deposits).
pub(crate) async fn until_coins(client: &HttpClient, n: u64) {
    let what = format!("{n} coins");
    plasma_testkit::eventually(&what, || async move { (coins(client).await >= n).then_some(()) })
        .await;
    assert_eq!(coins(client).await, n);
}

#[tokio::test]
async fn a_root_chain_ahead_of_the_cash_node_stops_it() {
    let (chain, contract, node, client, _dir) = cash_node(0).await;
    // Someone with the operator's key commits a block this node never sealed.
    contract.submit_block(chain.accounts()[0], B256::repeat_byte(0xee)).await.unwrap();
    let refusal = stopped_with(&client, "expects block 2000").await;
    assert!(refusal.contains("sealed only up to 0"), "{refusal}");
    node.stop().await;
}

/// The Cash node reads a deposit and stops; while it is down the root chain drops the
/// deposit's branch deeper than the depth. Restarted on its journal (which keeps the last
/// block read with the cursor), it must stop at its first poll, as the payment node does.
#[tokio::test]
async fn a_deep_reorg_while_the_cash_node_is_down_stops_it_when_it_restarts() {
    let (chain, contract, node, client, dir) = cash_node(1).await;
    let snapshot = chain.snapshot().await.unwrap();
    contract.deposit_eth(chain.accounts()[1], milli_ether(100)).await.unwrap();
    chain.mine().await.unwrap();
    until_coins(&client, 1).await;
    node.stop().await;
    chain.revert(snapshot).await.unwrap();
    for _ in 0..3 {
        chain.mine().await.unwrap();
    }
    let journal = Arc::new(Journal::open(dir.path().join("cash.redb")).unwrap());
    // The start block is not used: the journal holds the cursor.
    let operator = chain.accounts()[0];
    let node = CashNode::start(cash_config(0, 1), contract, operator, journal).await.unwrap();
    let client = plasma_testkit::client(node.rpc_addr());
    stopped_with(&client, "reorg").await;
    node.stop().await;
}

/// A transfer of a deposited coin is acknowledged, then the root chain reorganises the deposit
/// away before the block is sealed. The block is valid for the chain the node read, invalid for
/// the one that exists now: the node must stop without committing it, as the payment node does
/// (`reorg.rs`). The follower polls slowly, so the seal and the submitter's own check against
/// the root chain usually come first; whichever notices, nothing is committed.
#[tokio::test]
async fn a_cash_block_built_on_a_lost_branch_is_never_committed() {
    let mut config = cash_config(0, 1);
    config.block_interval = Duration::from_millis(1500);
    config.l1_poll_interval = Duration::from_secs(4);
    let (chain, contract, node, client, _dir) = cash_node_with(config).await;
    let [alice, bob] = [chain.accounts()[1], chain.accounts()[2]];
    let snapshot = chain.snapshot().await.unwrap();
    let (slot, block) = contract.deposit_eth(alice, milli_ether(100)).await.unwrap();
    chain.mine().await.unwrap();
    until_coins(&client, 1).await;
    let tx = plasma_primitives::cash::CashTx {
        slot,
        prev_block: U256::from(block),
        denomination: milli_ether(100),
        new_owner: bob,
    };
    let signature = tx.sign(&dev_key(1)).to_bytes().to_vec();
    let acked = CashApiClient::submit_tx(&client, tx.encode().into(), signature.into()).await;
    assert_eq!(acked.unwrap(), tx.hash());
    chain.revert(snapshot).await.unwrap();
    for _ in 0..3 {
        chain.mine().await.unwrap();
    }
    // Past two block intervals and the follower's next poll: every guard has had its chance.
    let what = "block 1000 (it moves a coin the root chain lost) left uncommitted";
    let contract = &contract;
    plasma_testkit::holds_for(Duration::from_secs(6), what, || async move {
        contract.next_child_block().await.unwrap() == 1000
    })
    .await;
    stopped_with(&client, "reorg").await;
    node.stop().await;
}
