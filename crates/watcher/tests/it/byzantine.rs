//! An invalid block and a withheld block: the watcher sees it, says "exit now", and exits the
//! users it watches; their money comes back on the root chain.

use crate::*;
use plasma_ledger::LedgerError;
use plasma_watcher::InvalidBlock;

fn mass_exit_config() -> WatcherConfig {
    WatcherConfig {
        mass_exit_owners: vec![addr(ALICE), addr(BOB)],
        withholding_secs: 600,
        ..WatcherConfig::default()
    }
}

#[tokio::test]
async fn an_honest_chain_raises_no_alarm() {
    let w = World::new().await;
    let mut watcher = w.watcher(mass_exit_config()).await;
    let (dep, _) = w.deposit(ALICE, 1000).await;
    w.commit(&[w.transfer(ALICE, vec![dep], vec![(BOB, 400), (ALICE, 600)])], false).await;
    let events = watcher.step().await.unwrap();
    assert_eq!(events, vec![WatcherEvent::BlockVerified { blknum: 1000, txs: 1 }]);
    assert_eq!(watcher.byzantine(), None);
    assert_eq!(watcher.last_verified(), 1000);
}

#[tokio::test]
async fn a_double_spend_in_a_block_is_caught_and_users_exit_with_everything() {
    let w = World::new().await;
    let mut watcher = w.watcher(mass_exit_config()).await;
    let (alice_dep, _) = w.deposit(ALICE, 1000).await;
    let (mallory_dep, _) = w.deposit(MALLORY, 100).await;
    // Block 1000 is honest: Alice pays Bob.
    w.commit(&[w.transfer(ALICE, vec![alice_dep], vec![(BOB, 400), (ALICE, 600)])], false).await;
    // Block 2000 holds Mallory's deposit spent twice.
    let twice = [
        w.transfer(MALLORY, vec![mallory_dep], vec![(MALLORY, 100)]),
        w.transfer(MALLORY, vec![mallory_dep], vec![(OPERATOR, 100)]),
    ];
    w.commit(&twice, false).await;
    let events = watcher.step().await.unwrap();
    assert!(
        has(&events, |e| matches!(e, WatcherEvent::InvalidBlock {
                blknum: 2000,
                evidence: InvalidBlock::InvalidTx {
                    index: 1,
                    error: LedgerError::UnknownInput { index: 0, pos },
                },
            } if *pos == mallory_dep)),
        "{events:#?}"
    );
    // The same evidence, as the watcher's API and webhook give it.
    let invalid = events.iter().find(|e| matches!(e, WatcherEvent::InvalidBlock { .. })).unwrap();
    let json = serde_json::to_value(invalid).unwrap();
    assert_eq!(json["kind"], "invalidBlock");
    assert_eq!(json["blknum"], 2000);
    assert_eq!(json["rule"], "invalidTx");
    assert_eq!(json["tx"], 1);
    let reason = json["reason"].as_str().unwrap();
    assert!(reason.starts_with("tx 1: input 0 (") && reason.ends_with("already spent"), "{json}");
    assert!(has(&events, |e| matches!(e, WatcherEvent::ExitNow { .. })));
    // Mass exit: Bob's 0.4 and Alice's 0.6 from block 1000, the last valid state.
    let started: Vec<_> =
        events.iter().filter(|e| matches!(e, WatcherEvent::ExitStartedFor { .. })).collect();
    assert_eq!(started.len(), 2, "{events:#?}");

    let (alice0, bob0) = (w.balance(ALICE).await, w.balance(BOB).await);
    w.advance(2 * MEP + 1).await;
    w.process().await;
    let bond = w.plasma.exit_bond().await.unwrap();
    let bounty = bond / U256::from(4);
    assert_eq!(w.balance(ALICE).await - alice0, milli_ether(600) + bond - bounty);
    assert_eq!(w.balance(BOB).await - bob0, milli_ether(400) + bond - bounty);
}

#[tokio::test]
async fn a_withheld_block_is_caught_once_its_time_runs_out() {
    let w = World::new().await;
    let mut watcher = w.watcher(mass_exit_config()).await;
    let (dep, _) = w.deposit(ALICE, 1000).await;
    w.commit(&[w.transfer(ALICE, vec![dep], vec![(BOB, 1000)])], false).await;
    // Block 2000: a root on the root chain, no block anywhere.
    w.commit(&[w.transfer(BOB, vec![UtxoPos::new(1000, 0, 0)], vec![(MALLORY, 1000)])], true).await;
    let events = watcher.step().await.unwrap();
    assert_eq!(
        events,
        vec![WatcherEvent::BlockVerified { blknum: 1000, txs: 1 }],
        "not withheld yet"
    );

    w.advance(601).await;
    let events = watcher.step().await.unwrap();
    assert!(
        has(&events, |e| matches!(e, WatcherEvent::BlockWithheld { blknum: 2000, .. })),
        "{events:#?}"
    );
    assert!(has(
        &events,
        |e| matches!(e, WatcherEvent::ExitStartedFor { owner, .. } if *owner == addr(BOB))
    ));

    let bob0 = w.balance(BOB).await;
    w.advance(2 * MEP + 1).await;
    w.process().await;
    let bond = w.plasma.exit_bond().await.unwrap();
    assert_eq!(
        w.balance(BOB).await - bob0,
        milli_ether(1000) + bond - bond / U256::from(4),
        "Bob's 1 ETH is back on L1"
    );
}

#[tokio::test]
async fn a_block_whose_root_does_not_match_is_invalid() {
    let w = World::new().await;
    let mut watcher = w.watcher(WatcherConfig::default()).await;
    let (dep, _) = w.deposit(ALICE, 1000).await;
    let real = w.transfer(ALICE, vec![dep], vec![(BOB, 1000)]);
    let blknum = w.commit(std::slice::from_ref(&real), false).await;
    // The operator serves a different block than the one it committed.
    let other = w.transfer(ALICE, vec![dep], vec![(MALLORY, 1000)]);
    w.served.0.lock().unwrap().insert(blknum, vec![other.encode().into()]);
    let events = watcher.step().await.unwrap();
    assert!(
        has(&events, |e| matches!(e, WatcherEvent::InvalidBlock {
                evidence: InvalidBlock::WrongRoot { committed, .. }, ..
            } if *committed == MerkleTree::from_leaves(&[real.tx().encode()]).unwrap().root())),
        "{events:#?}"
    );
}
