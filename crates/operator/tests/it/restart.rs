//! Acknowledged transactions survive a restart, and block roots are submitted exactly once.

use crate::*;
use plasma_storage::{LogEntry, RedbStore};

#[tokio::test]
async fn acknowledged_transactions_survive_a_restart() {
    let plasma = root_chain().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("operator.redb");
    let domain = plasma.domain_separator().await.unwrap();
    let bob = plasma.chain().accounts()[2];

    // A node that never seals (long interval): the ack is all there is.
    let mut config = test_config();
    config.block_interval = Duration::from_secs(1800);
    let (node, client) =
        start(&plasma, Arc::new(RedbStore::open(&path).unwrap()), config.clone()).await;
    let dep = deposit(&plasma, 1, 1000).await;
    until(&client, "the deposit", |s| s.utxos == 1).await;
    let pay = transfer(&domain, 1, vec![dep], vec![(bob, 1000)]);
    client.submit_tx(pay.encode().into()).await.unwrap();
    node.stop().await;

    // The next life replays it into the same block (and, never sealing, keeps it pending).
    let (node, client) =
        start(&plasma, Arc::new(RedbStore::open(&path).unwrap()), config.clone()).await;
    let status = client.status().await.unwrap();
    assert_eq!((status.pending_block, status.pending_txs, status.utxos), (1000, 1, 1));
    node.stop().await;

    // A life that seals: block 1000 is sealed and submitted.
    config.block_interval = Duration::from_millis(50);
    let (node, client) = start(&plasma, Arc::new(RedbStore::open(&path).unwrap()), config).await;
    until(&client, "block 1000 on the root chain", |s| s.last_submitted_block == 1000).await;
    assert_eq!(client.get_tx(pay.tx().hash()).await.unwrap().blknum, 1000);
    // The store's index keys by the hash's first 16 bytes: a hash sharing them is not found.
    let mut lookalike = pay.tx().hash();
    lookalike[31] ^= 1;
    let err = client.get_tx(lookalike).await.unwrap_err();
    assert!(err.to_string().contains("no sealed transaction"), "{err}");
    assert_eq!(plasma.next_child_block().await.unwrap(), 2000, "submitted once");
    node.stop().await;

    // A fourth life with nothing new submits nothing.
    let (node, client) =
        start(&plasma, Arc::new(RedbStore::open(&path).unwrap()), test_config()).await;
    until(&client, "the submitter to catch up", |s| s.last_submitted_block == 1000).await;
    assert_eq!(plasma.next_child_block().await.unwrap(), 2000);
    node.stop().await;
}

/// A log that does not replay (bytes that are no transaction, a signature that is not the
/// owner's) stops the start with the entry's index and reason; nothing is served from it.
#[tokio::test]
async fn a_log_that_does_not_replay_is_refused_with_the_entry() {
    let plasma = root_chain().await;
    let domain = plasma.domain_separator().await.unwrap();
    let owner = plasma.chain().accounts()[1];
    let deposit = PaymentTx::deposit(owner, Address::ZERO, milli_ether(1000)).unwrap();
    let good = transfer(&domain, 1, vec![UtxoPos::new(1, 0, 0)], vec![(owner, 400)]);
    // Spends the good transfer's output, but signed for another chain: someone else recovers.
    let foreign =
        transfer(&B256::repeat_byte(9), 1, vec![UtxoPos::new(1000, 0, 0)], vec![(owner, 1)]);
    for (bad, index, reason) in
        [(vec![0xc0], 2, "signed transaction"), (foreign.encode(), 2, "owned by")]
    {
        let store = Arc::new(plasma_storage::MemoryStore::new());
        let log = [
            LogEntry::Deposit { blknum: 1, tx: deposit.encode() },
            LogEntry::Tx(good.encode()),
            LogEntry::Tx(bad),
        ];
        store.append_log(&log, &[]).unwrap();
        let operator = plasma.chain().accounts()[0];
        let err = OperatorNode::start(test_config(), plasma.clone(), operator, store)
            .await
            .err()
            .expect("refused");
        let message = err.to_string();
        assert!(
            message.contains(&format!("entry {index} does not replay")) && message.contains(reason),
            "{message}"
        );
    }
}
