use crate::*;
use plasma_storage::MemoryStore;

#[tokio::test]
async fn deposit_transfer_block_submission_and_exit_on_the_embedded_chain() {
    deposit_transfer_block_submission_and_exit(root_chain().await).await;
}

#[tokio::test]
async fn deposit_transfer_block_submission_and_exit_on_anvil() {
    let (_anvil, plasma) = anvil_root_chain().await;
    deposit_transfer_block_submission_and_exit(plasma).await;
}

async fn deposit_transfer_block_submission_and_exit<C: RootChain + 'static>(
    plasma: Arc<Plasma<C>>,
) {
    let (node, client) = start(&plasma, Arc::new(MemoryStore::new()), test_config()).await;
    let domain = plasma.domain_separator().await.unwrap();
    let [alice, bob] = [1, 2].map(|i| plasma.chain().accounts()[i]);

    // A deposit on the root chain becomes spendable on the child chain.
    let dep = deposit(&plasma, 1, 1000).await;
    until(&client, "the deposit", |s| s.utxos == 1).await;
    let balance = client.get_balance(alice).await.unwrap();
    assert_eq!(balance[0].amount, milli_ether(1000));

    // Alice pays Bob; the ack names the block and index.
    let pay = transfer(&domain, 1, vec![dep], vec![(bob, 300), (alice, 700)]);
    let ack = client.submit_tx(pay.encode().into()).await.unwrap();
    assert_eq!((ack.blknum, ack.txindex, ack.tx_hash), (1000, 0, pay.tx().hash()));

    // The block is sealed and its root lands on the root chain.
    until(&client, "block 1000 on the root chain", |s| s.last_submitted_block >= 1000).await;
    let block = client.get_block(1000).await.unwrap();
    assert_eq!(block.txs, vec![pay.encode().into()] as Vec<alloy_primitives::Bytes>);
    assert_eq!(block.root, root_of(std::slice::from_ref(&pay)));
    let (on_chain, _) = plasma.block(1000).await.unwrap().expect("block 1000 is on the root chain");
    assert_eq!(on_chain[..28], block.root[..28]);

    // The transaction and its proof.
    let found = client.get_tx(pay.tx().hash()).await.unwrap();
    assert_eq!((found.blknum, found.txindex), (1000, 0));
    assert_eq!(
        plasma_primitives::merkle::verify(&pay.tx().encode(), 0, &block.root, &found.proof),
        Ok(())
    );

    // Bob's outputs, paged.
    let page = client.get_utxos(bob, None, Some(1)).await.unwrap();
    assert_eq!(page.utxos.len(), 1);
    assert_eq!(page.utxos[0].amount, milli_ether(300));
    assert_eq!(page.next, None);

    // Bob exits with the operator's exit data; the operator sees the exit and stops
    // accepting spends of that output.
    let bob_pos = UtxoPos::new(1000, 0, 0);
    let exit = client.get_exit_data(bob_pos.raw()).await.unwrap();
    plasma.start_standard_exit(bob, bob_pos, &exit.tx_bytes, &exit.proof).await.unwrap();
    until(&client, "the exit", |s| s.held == 1).await;
    let spend = transfer(&domain, 2, vec![bob_pos], vec![(alice, 300)]);
    let err = client.submit_tx(spend.encode().into()).await.unwrap_err();
    let exiting = format!("output {} is exiting on L1 (standard exit 0x", bob_pos.raw());
    assert!(err.to_string().contains(&exiting), "{err}");
    assert!(client.get_utxos(bob, None, None).await.unwrap().utxos.is_empty());

    // Deposit outputs have exit data too, provable against the deposit block's root.
    let dep2 = deposit(&plasma, 2, 5).await;
    until(&client, "the second deposit", |s| s.utxos == 3).await;
    let exit = client.get_exit_data(dep2.raw()).await.unwrap();
    let (root224, _) = plasma.block(dep2.blknum_u64().unwrap()).await.unwrap().unwrap();
    let root = plasma_primitives::merkle::compute_root(&exit.tx_bytes, 0, &exit.proof).unwrap();
    assert_eq!(root[..28], root224[..28]);
    node.stop().await;
}
