//! The node refuses a configuration that cannot work, naming the values, before it serves
//! anything: on a real anvil node with the real contracts.

use crate::*;
use plasma_cash::{CashConfig, PlasmaCashContract};
use plasma_cash::{CashNode, CashNodeConfig};
use plasma_storage::{Journal, MemoryStore};

async fn refused<C: RootChain + 'static>(
    plasma: &Arc<Plasma<C>>,
    config: OperatorConfig,
    operator: Address,
) -> String {
    let store = Arc::new(MemoryStore::new());
    match OperatorNode::start(config, plasma.clone(), operator, store).await {
        Ok(node) => {
            node.stop().await;
            panic!("the node started");
        }
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn a_node_whose_key_is_not_the_operator_refuses_to_start() {
    let (_anvil, plasma) = anvil_root_chain().await;
    let [operator, other] = [0, 1].map(|i| plasma.chain().accounts()[i]);
    let why = refused(&plasma, test_config(), other).await;
    assert!(why.contains(&other.to_string()), "{why}");
    assert!(why.contains(&operator.to_string()), "{why}");
    assert!(why.contains("not the framework's operator"), "{why}");
}

#[tokio::test]
async fn a_node_configured_for_another_chain_or_too_slow_a_block_interval_refuses_to_start() {
    let (_anvil, plasma) = anvil_root_chain().await;
    let operator = plasma.chain().accounts()[0];

    let config = OperatorConfig { expected_chain_id: Some(1), ..test_config() };
    let why = refused(&plasma, config, operator).await;
    assert!(why.contains("chain id 31337") && why.contains("expects 1"), "{why}");

    // The framework's exit period is an hour; a block every 40 minutes leaves too little of it.
    let config = OperatorConfig { block_interval: Duration::from_secs(2400), ..test_config() };
    let why = refused(&plasma, config, operator).await;
    assert!(why.contains("is 3600 s") && why.contains("every 2400 s"), "{why}");

    // The right configuration starts.
    let config = OperatorConfig { expected_chain_id: Some(31337), ..test_config() };
    let store = Arc::new(MemoryStore::new());
    OperatorNode::start(config, plasma.clone(), operator, store).await.unwrap().stop().await;
}

#[tokio::test]
async fn a_cash_node_whose_key_is_not_the_operator_refuses_to_start() {
    let (_anvil, plasma) = anvil_root_chain().await;
    let chain = plasma.chain().clone();
    let [operator, other] = [0, 1].map(|i| chain.accounts()[i]);
    let cash_config = CashConfig::new(operator);
    let contract = PlasmaCashContract::deploy(chain.clone(), operator, &cash_config);
    let contract = Arc::new(contract.await.unwrap());
    let config = CashNodeConfig {
        rpc_addr: "127.0.0.1:0".parse().unwrap(),
        block_interval: Duration::from_millis(100),
        l1_poll_interval: Duration::from_millis(10),
        l1_start_block: 0,
        l1_confirmations: 0,
        checkpoint_every: None,
        api: Default::default(),
        expected_chain_id: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(dir.path().join("cash.redb")).unwrap());
    let why = match CashNode::start(config, contract, other, journal).await {
        Ok(node) => {
            node.stop().await;
            panic!("the Cash node started");
        }
        Err(e) => e.to_string(),
    };
    assert!(why.contains(&other.to_string()) && why.contains(&operator.to_string()), "{why}");
}
