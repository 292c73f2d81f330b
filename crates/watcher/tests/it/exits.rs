//! Exits of spent outputs: caught, challenged by the watcher, never paid.

use crate::*;

#[tokio::test]
async fn the_watcher_challenges_an_exit_of_a_spent_output_and_takes_the_bond() {
    let w = World::new().await;
    let config = WatcherConfig { challenger: Some(addr(WATCHER)), ..WatcherConfig::default() };
    let mut watcher = w.watcher(config).await;
    let (dep, dep_tx) = w.deposit(ALICE, 1000).await;
    w.commit(&[w.transfer(ALICE, vec![dep], vec![(BOB, 1000)])], false).await;
    watcher.step().await.unwrap();

    // Alice tries to take her spent deposit out.
    let proof = MerkleTree::from_leaves(&[dep_tx.encode()]).unwrap().proof(0).unwrap();
    w.plasma.start_standard_exit(addr(ALICE), dep, &dep_tx.encode(), &proof).await.unwrap();
    let watcher_before = w.balance(WATCHER).await;
    let events = watcher.step().await.unwrap();
    assert!(
        has(
            &events,
            |e| matches!(e, WatcherEvent::InvalidExit { utxo_pos, .. } if *utxo_pos == dep.raw())
        ),
        "{events:#?}"
    );
    assert!(has(&events, |e| matches!(e, WatcherEvent::ExitChallenged { .. })), "{events:#?}");
    assert!(w.balance(WATCHER).await > watcher_before, "the bond pays for the challenge");

    // Nothing is paid to Alice after the period.
    let alice0 = w.balance(ALICE).await;
    w.advance(2 * MEP + 1).await;
    w.process().await;
    assert_eq!(w.balance(ALICE).await, alice0);
}

#[tokio::test]
async fn an_exit_started_before_its_spend_is_published_is_caught_when_the_block_arrives() {
    let w = World::new().await;
    let config = WatcherConfig { challenger: Some(addr(WATCHER)), ..WatcherConfig::default() };
    let mut watcher = w.watcher(config).await;
    let (dep, dep_tx) = w.deposit(ALICE, 1000).await;
    let proof = MerkleTree::from_leaves(&[dep_tx.encode()]).unwrap().proof(0).unwrap();
    w.plasma.start_standard_exit(addr(ALICE), dep, &dep_tx.encode(), &proof).await.unwrap();
    assert!(watcher.step().await.unwrap().is_empty(), "an unspent output may exit");
    // Then the block with Alice's own spend of it lands.
    w.commit(&[w.transfer(ALICE, vec![dep], vec![(BOB, 1000)])], false).await;
    let events = watcher.step().await.unwrap();
    assert!(has(&events, |e| matches!(e, WatcherEvent::InvalidExit { .. })), "{events:#?}");
    assert!(has(&events, |e| matches!(e, WatcherEvent::ExitChallenged { .. })), "{events:#?}");
}

#[tokio::test]
async fn an_unchallenged_invalid_exit_near_its_deadline_raises_an_alarm() {
    let w = World::new().await;
    let config = WatcherConfig { deadline_margin_secs: 600, ..WatcherConfig::default() };
    let mut watcher = w.watcher(config).await;
    let (dep, dep_tx) = w.deposit(ALICE, 1000).await;
    w.commit(&[w.transfer(ALICE, vec![dep], vec![(BOB, 1000)])], false).await;
    let proof = MerkleTree::from_leaves(&[dep_tx.encode()]).unwrap().proof(0).unwrap();
    w.plasma.start_standard_exit(addr(ALICE), dep, &dep_tx.encode(), &proof).await.unwrap();
    let events = watcher.step().await.unwrap();
    assert!(has(&events, |e| matches!(e, WatcherEvent::InvalidExit { .. })));
    assert!(
        !has(&events, |e| matches!(e, WatcherEvent::UnchallengedInvalidExit { .. })),
        "not close yet"
    );
    w.advance(MEP - 300).await;
    let events = watcher.step().await.unwrap();
    assert!(
        has(&events, |e| matches!(e, WatcherEvent::UnchallengedInvalidExit { .. })),
        "{events:#?}"
    );
}
