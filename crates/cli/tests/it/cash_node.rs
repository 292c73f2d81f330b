//! `plasma node --chain cash` killed with `kill -9`: every acknowledged transfer survives and
//! ends up in a block whose root is committed once. A real node process against a real anvil,
//! on a contract deployed by `plasma deploy --cash`.

use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use plasma_cash::PlasmaCashContract;
use plasma_cash::api::CashApiClient;
use plasma_primitives::{U256, cash::CashTx};
use plasma_rootchain::{RootChain, dev_key};
use std::{
    path::Path,
    process::{Child, Command},
    time::Duration,
};

fn spawn_cash_node(
    url: &str,
    contracts: &Path,
    data: &Path,
    interval_ms: u64,
) -> (Child, HttpClient) {
    let interval = interval_ms.to_string();
    let args = ["--chain", "cash", "--block.interval-ms", interval.as_str()];
    let (child, api) = crate::spawn_node(url, contracts, data, &args);
    (child, HttpClientBuilder::default().build(api).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cash_node_keeps_acknowledged_transfers_across_kill_9() {
    let (anvil, chain) = crate::funded_anvil().await;
    let dir = tempfile::tempdir().unwrap();
    let contracts = dir.path().join("deployment.json");
    let deployed = Command::new(env!("CARGO_BIN_EXE_plasma"))
        .args(["deploy", "--l1.rpc", anvil.url(), "--min-exit-period", "600", "--cash"])
        .arg("--out")
        .arg(&contracts)
        .env("PLASMA_DEPLOYER_KEY", hex::encode(dev_key(0).to_bytes()))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(deployed.status.success(), "{}", String::from_utf8_lossy(&deployed.stderr));
    let deployment: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&contracts).unwrap()).unwrap();
    let address = deployment["plasmaCash"].as_str().expect("plasmaCash written").parse().unwrap();
    let contract = PlasmaCashContract::attach(chain.clone(), address).await.unwrap();
    let users = [1, 2, 3];
    let mut coins = Vec::new();
    for &user in &users {
        let owner = chain.accounts()[user];
        coins.push(contract.deposit_eth(owner, U256::from(10u64.pow(17))).await.unwrap());
    }
    let data = dir.path().join("data");

    // First life: a block interval too long to seal; three transfers acknowledged, then kill -9.
    let (mut node, client) = spawn_cash_node(anvil.url(), &contracts, &data, 200_000);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while client.status().await.unwrap().coins < 3 {
        assert!(std::time::Instant::now() < deadline, "the node never saw the three deposits");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut acked = Vec::new();
    for (&user, &(slot, deposit_block)) in users.iter().zip(&coins) {
        let tx = CashTx {
            slot,
            prev_block: U256::from(deposit_block),
            denomination: U256::from(10u64.pow(17)),
            new_owner: chain.accounts()[4],
        };
        let sig = tx.sign(&dev_key(user)).to_bytes().to_vec();
        acked.push((slot, client.submit_tx(tx.encode().into(), sig.into()).await.unwrap()));
    }
    assert_eq!(client.status().await.unwrap().pending_txs, 3);
    node.kill().expect("SIGKILL");
    node.wait().unwrap();

    // Second life: the journal replays; the block is sealed and committed once.
    let (mut node, client) = spawn_cash_node(anvil.url(), &contracts, &data, 100);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while client.status().await.unwrap().last_submitted_block < 1000 {
        assert!(std::time::Instant::now() < deadline, "block 1000 was never committed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for (slot, hash) in acked {
        let history = client.get_coin_history(slot).await.unwrap().into_history().unwrap();
        let spend = history.entries.iter().find_map(|e| e.spend.filter(|_| e.block == 1000));
        assert_eq!(spend.map(|s| s.tx.hash()), Some(hash), "acknowledged transfer of {slot} lost");
    }
    assert_eq!(contract.next_child_block().await.unwrap(), 2000, "one root, not two");
    node.kill().unwrap();
    node.wait().unwrap();
}
