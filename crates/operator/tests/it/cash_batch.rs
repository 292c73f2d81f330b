//! `cash_submitTxs`: a batch of coin transfers gets one answer per transfer, in order; the
//! accepted ones are durable and sealed like single submissions, the refused ones name the
//! coin and the rule, and a batch over the limit is refused whole.

use crate::cash_reorg::{cash_node, until_coins};
use crate::*;
use plasma_cash::api::{CashApiClient, CashTransfer, MAX_CASH_BATCH};
use plasma_primitives::cash::CashTx;
use plasma_testkit::eventually;

fn transfer(slot: u64, block: u64, to: Address, signer: usize) -> (CashTx, CashTransfer) {
    let tx = CashTx {
        slot,
        prev_block: U256::from(block),
        denomination: milli_ether(100),
        new_owner: to,
    };
    let signature = tx.sign(&dev_key(signer)).to_bytes().to_vec().into();
    (tx, CashTransfer { tx: tx.encode().into(), signature })
}

#[tokio::test]
async fn a_batch_answers_each_transfer_in_order_and_seals_the_accepted() {
    let (chain, contract, node, client, _dir) = cash_node(0).await;
    let [alice, bob, carol] = [1, 2, 3].map(|i| chain.accounts()[i]);
    let mut deposited = Vec::new();
    for _ in 0..3 {
        deposited.push(contract.deposit_eth(alice, milli_ether(100)).await.unwrap());
    }
    until_coins(&client, 3).await;
    let [(a, a_block), (b, b_block), (c, c_block)] = [deposited[0], deposited[1], deposited[2]];
    let (a_tx, a_to_bob) = transfer(a, a_block, bob, 1);
    let (_, b_signed_by_bob) = transfer(b, b_block, carol, 2);
    let malformed = CashTransfer { tx: vec![0xc0].into(), signature: vec![0u8; 66].into() };
    let (_, a_again) = transfer(a, a_block, carol, 1);
    let (c_tx, c_to_carol) = transfer(c, c_block, carol, 1);
    let batch = vec![a_to_bob, b_signed_by_bob, malformed, a_again, c_to_carol];
    let results = CashApiClient::submit_txs(&client, batch).await.unwrap();
    assert_eq!(results.len(), 5);
    assert_eq!(results[0].hash, Some(a_tx.hash()), "{:?}", results[0]);
    assert_eq!(results[4].hash, Some(c_tx.hash()), "{:?}", results[4]);
    let why = |i: usize| results[i].error.clone().unwrap_or_default();
    assert!(results[1].hash.is_none() && why(1).contains("signed by"), "{}", why(1));
    assert!(why(1).contains(&format!("coin {b}:")), "the refusal names the coin: {}", why(1));
    assert!(results[2].hash.is_none() && !why(2).is_empty(), "{:?}", results[2]);
    assert!(results[3].hash.is_none() && why(3).contains("already spent"), "{}", why(3));

    // The accepted two are sealed into block 1000 and committed; the refused ones are not.
    let client_ref = &client;
    eventually("the commit of block 1000", || async move {
        let status = CashApiClient::status(client_ref).await.unwrap();
        (status.last_submitted_block >= 1000).then_some(())
    })
    .await;
    assert!(!contract.block_root(1000).await.unwrap().is_zero());
    let moved_in_1000 = |slot| {
        let client = client.clone();
        async move {
            let history = client.get_coin_history(slot).await.unwrap();
            history.entries.iter().any(|e| e.block == 1000 && e.tx.is_some())
        }
    };
    assert!(moved_in_1000(a).await && moved_in_1000(c).await);
    assert!(!moved_in_1000(b).await, "the refused transfer of {b:#x} was sealed");
    node.stop().await;
}

#[tokio::test]
async fn a_batch_over_the_limit_is_refused_whole() {
    let (chain, _contract, node, client, _dir) = cash_node(0).await;
    let bob = chain.accounts()[2];
    let one = transfer(1, 1, bob, 1).1;
    let err = CashApiClient::submit_txs(&client, vec![one; MAX_CASH_BATCH + 1])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("1001 transfers in one call; the limit is 1000"), "{err}");
    assert_eq!(CashApiClient::status(&client).await.unwrap().pending_txs, 0);
    node.stop().await;
}
