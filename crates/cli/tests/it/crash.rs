//! `kill -9` at any point: the node restarts, loses no acknowledged transaction, and neither
//! skips nor double-submits a block root. A real node process against a real anvil.

use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use plasma_operator::OperatorApiClient;
use plasma_primitives::{Address, B256, Output, PaymentTx, U256, UtxoPos};
use plasma_rootchain::{RootChain, dev_key};
use std::{collections::HashSet, path::Path, process::Child, time::Duration};

const USERS: [usize; 4] = [1, 2, 3, 4];

struct NodeProcess {
    child: Child,
    client: HttpClient,
}

fn spawn_node(url: &str, contracts: &Path, data: &Path) -> NodeProcess {
    let (child, api) = crate::spawn_node(url, contracts, data, &["--block.interval-ms", "150"]);
    NodeProcess { child, client: HttpClientBuilder::default().build(api).unwrap() }
}

/// Each user moves their one output to themselves, over and over; returns the acknowledged
/// hashes (until the node stops answering).
async fn traffic(client: HttpClient, domain: B256, rounds: usize) -> Vec<B256> {
    let mut acked = Vec::new();
    for _ in 0..rounds {
        for &user in &USERS {
            let key = dev_key(user);
            let Ok(page) = client.get_utxos(key.address(), None, Some(1)).await else {
                return acked;
            };
            let Some(utxo) = page.utxos.first() else { continue };
            let pos = UtxoPos::from_raw(utxo.utxo_pos).unwrap();
            let out = Output { owner: key.address(), token: Address::ZERO, amount: utxo.amount };
            let tx = PaymentTx::new(vec![pos], vec![out], B256::ZERO)
                .unwrap()
                .sign(&[&key], &domain)
                .unwrap();
            match client.submit_tx(tx.encode().into()).await {
                Ok(ack) => acked.push(ack.tx_hash),
                Err(jsonrpsee::core::ClientError::Call(e)) => panic!("refused: {e}"),
                Err(_) => return acked,
            }
        }
    }
    acked
}

/// Polls the node's status until `done` holds, for at most a minute.
async fn wait_for(
    client: &HttpClient,
    what: &str,
    done: impl Fn(&plasma_operator::Status) -> bool,
) -> plasma_operator::Status {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let status = client.status().await.ok();
        match status {
            Some(s) if done(&s) => return s,
            _ if std::time::Instant::now() > deadline => panic!("never: {what}; last {status:?}"),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_nothing_acknowledged_and_submits_each_root_once() {
    let (anvil, chain) = crate::funded_anvil().await;
    let (plasma, dir, contracts) = crate::deploy_for_node(&chain).await;
    let domain = plasma.domain_separator().await.unwrap();
    for &user in &USERS {
        let owner = chain.accounts()[user];
        let tx = PaymentTx::deposit(owner, Address::ZERO, U256::from(10u64.pow(18))).unwrap();
        plasma.deposit(&tx).await.unwrap();
    }
    let data = dir.path().join("data");

    let mut acked = Vec::new();
    // Kill at different moments relative to the 150 ms block interval.
    for (life, kill_after_ms) in [230u64, 95, 410, 160].into_iter().enumerate() {
        let mut node = spawn_node(anvil.url(), &contracts, &data);
        // The kill is timed from the first payment, once the node knows every user's output.
        wait_for(&node.client, "every deposit", |s| s.utxos == USERS.len() as u64).await;
        let sending = tokio::spawn(traffic(node.client.clone(), domain, 1000));
        tokio::time::sleep(Duration::from_millis(kill_after_ms)).await;
        node.child.kill().expect("SIGKILL");
        node.child.wait().unwrap();
        let got = sending.await.unwrap();
        eprintln!("life {life}: {} acknowledged before kill -9", got.len());
        acked.extend(got);
    }
    assert!(!acked.is_empty(), "the test must acknowledge transactions before killing");

    // A last, undisturbed life: everything acknowledged ends up in a block on the root chain.
    let mut node = spawn_node(anvil.url(), &contracts, &data);
    let client = node.client.clone();
    let status = wait_for(&client, "every block sealed and submitted", |s| {
        s.pending_txs == 0
            && s.last_sealed_block > 0
            && s.last_submitted_block == s.last_sealed_block
    })
    .await;

    for hash in &acked {
        let found =
            client.get_tx(*hash).await.unwrap_or_else(|e| panic!("acknowledged {hash} lost: {e}"));
        let block = client.get_block(found.blknum).await.unwrap();
        assert_eq!(
            plasma_primitives::merkle::verify(
                &plasma_primitives::SignedTx::decode(&found.tx).unwrap().tx().encode(),
                u64::from(found.txindex),
                &block.root,
                &found.proof
            ),
            Ok(())
        );
    }

    // Every root on the root chain is this node's block of that number, none skipped or twice.
    let next = plasma.next_child_block().await.unwrap();
    assert_eq!(next, status.last_sealed_block + 1000);
    let mut roots = HashSet::new();
    for blknum in (1000..next).step_by(1000) {
        let (on_chain, _) = plasma.block(blknum).await.unwrap().expect("no gap in block numbers");
        let ours = client.get_block(blknum).await.unwrap().root;
        assert_eq!(on_chain[..28], ours[..28], "block {blknum}");
        assert!(roots.insert(ours), "root of block {blknum} submitted twice");
    }
    node.child.kill().unwrap();
    node.child.wait().unwrap();
}
