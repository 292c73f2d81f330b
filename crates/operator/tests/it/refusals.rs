//! Bad requests get an error naming the reason, and the node keeps running.

use crate::*;
use plasma_operator::codes;
use plasma_storage::MemoryStore;

fn code_of(err: &jsonrpsee::core::ClientError) -> i32 {
    match err {
        jsonrpsee::core::ClientError::Call(e) => e.code(),
        other => panic!("expected a JSON-RPC error, got {other}"),
    }
}

#[tokio::test]
async fn bad_transactions_are_refused_by_reason() {
    let plasma = root_chain().await;
    // No seal during the test: the last check counts the one acknowledged tx as pending.
    let mut config = test_config();
    config.block_interval = Duration::from_secs(1800);
    let (node, client) = start(&plasma, Arc::new(MemoryStore::new()), config).await;
    let domain = plasma.domain_separator().await.unwrap();
    let [alice, bob, mallory] = [1, 2, 3].map(|i| plasma.chain().accounts()[i]);
    let dep = deposit(&plasma, 1, 1000).await;
    until(&client, "the deposit", |s| s.utxos == 1).await;

    let cases: Vec<(&str, Vec<u8>, i32, &str)> = vec![
        ("not RLP", vec![0xff, 0x00], codes::MALFORMED_TX, "transaction"),
        (
            "unsigned form",
            transfer(&domain, 1, vec![dep], vec![(bob, 1)]).tx().encode(),
            codes::MALFORMED_TX,
            "expected a list of 6 items",
        ),
        (
            "theft",
            transfer(&domain, 3, vec![dep], vec![(mallory, 1000)]).encode(),
            codes::INVALID_TX,
            "signed by",
        ),
        (
            "unknown input",
            transfer(&domain, 1, vec![UtxoPos::new(5000, 0, 0)], vec![(bob, 1)]).encode(),
            codes::INVALID_TX,
            "does not exist",
        ),
        (
            "inflation",
            transfer(&domain, 1, vec![dep], vec![(bob, 1001)]).encode(),
            codes::INVALID_TX,
            "exceed inputs",
        ),
        (
            "wrong domain",
            transfer(&B256::ZERO, 1, vec![dep], vec![(bob, 1)]).encode(),
            codes::INVALID_TX,
            "signed by",
        ),
    ];
    for (name, bytes, code, words) in cases {
        let err = client.submit_tx(bytes.into()).await.unwrap_err();
        assert_eq!(code_of(&err), code, "{name}: {err}");
        assert!(err.to_string().contains(words), "{name}: {err}");
    }

    // A double spend: the first is acknowledged, the second refused, within one batch.
    let first = transfer(&domain, 1, vec![dep], vec![(bob, 1000)]);
    let second = transfer(&domain, 1, vec![dep], vec![(alice, 1000)]);
    let results =
        client.submit_txs(vec![first.encode().into(), second.encode().into()]).await.unwrap();
    assert!(results[0].ack.is_some());
    assert!(results[1].error.as_deref().unwrap().contains("already spent"), "{results:?}");

    // Limits: an oversized batch and an oversized page.
    let too_many = vec![first.encode().into(); 1001];
    assert_eq!(code_of(&client.submit_txs(too_many).await.unwrap_err()), codes::LIMIT);
    assert_eq!(code_of(&client.get_utxos(bob, None, Some(5000)).await.unwrap_err()), codes::LIMIT);
    assert_eq!(code_of(&client.get_block(7000).await.unwrap_err()), codes::NOT_FOUND);
    assert_eq!(code_of(&client.get_tx(B256::ZERO).await.unwrap_err()), codes::NOT_FOUND);
    assert_eq!(
        code_of(&client.get_exit_data(U256::from(123u64)).await.unwrap_err()),
        codes::NOT_FOUND
    );

    // Still serving.
    assert_eq!(client.status().await.unwrap().pending_txs, 1);
    node.stop().await;
}

#[tokio::test]
async fn an_oversized_request_is_refused_and_the_node_keeps_serving() {
    let plasma = root_chain().await;
    let mut config = test_config();
    config.api.max_request_bytes = 4096;
    let (node, client) = start(&plasma, Arc::new(MemoryStore::new()), config).await;
    let err = client.submit_tx(vec![0u8; 10_000].into()).await.unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("too large") || err.to_string().contains("413"),
        "{err}"
    );
    client.status().await.unwrap();
    node.stop().await;
}
