//! A watcher restarted on its own block store rebuilds its state without the operator.

use crate::*;
use plasma_storage::RedbStore;

#[tokio::test]
async fn a_restarted_watcher_rebuilds_from_its_store_after_the_operator_is_gone() {
    let w = World::new().await;
    let dir = std::env::temp_dir().join(format!("plasma-watcher-restart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("watcher.redb");
    let _ = std::fs::remove_file(&path);
    let config = WatcherConfig { withholding_secs: 60, ..WatcherConfig::default() };

    let (dep, _) = w.deposit(ALICE, 1000).await;
    let first =
        w.commit(&[w.transfer(ALICE, vec![dep], vec![(BOB, 600), (ALICE, 400)])], false).await;
    let bob_out = UtxoPos::new(first, 0, 0);
    w.commit(&[w.transfer(BOB, vec![bob_out], vec![(MALLORY, 600)])], false).await;
    {
        let store = Arc::new(RedbStore::open(&path).unwrap());
        let mut watcher = w.watcher(config.clone()).await.with_store(store);
        watcher.step().await.unwrap();
        assert_eq!(watcher.last_verified(), 2000);
    }

    // The operator disappears with its blocks; time passes beyond the withholding limit.
    w.served.0.lock().unwrap().clear();
    w.advance(120).await;

    let store = Arc::new(RedbStore::open(&path).unwrap());
    let mut restarted = w.watcher(config.clone()).await.with_store(store);
    let events = restarted.step().await.unwrap();
    assert_eq!(restarted.last_verified(), 2000, "{events:#?}");
    assert!(restarted.byzantine().is_none(), "{events:#?}");
    let alice_change = UtxoPos::new(first, 0, 1);
    assert!(restarted.exit_data(alice_change).is_some(), "exit data from its own copies");
    assert!(restarted.challenge_data(bob_out).is_some(), "and the evidence of spends");

    // A watcher without a store cannot tell the blocks were ever served.
    let mut amnesic = w.watcher(config).await;
    let events = amnesic.step().await.unwrap();
    assert!(has(&events, |e| matches!(e, WatcherEvent::BlockWithheld { blknum: 1000, .. })));
    std::fs::remove_dir_all(&dir).unwrap();
}
