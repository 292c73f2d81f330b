//! Batch exits, judged by the watcher entry by entry: a wrong entry is challenged with the
//! transaction at its position, a spent one with its spend, one in a withheld block gets a
//! proof request nobody can answer, and a false request against a valid entry is answered.

use crate::*;
use plasma_primitives::batch::{BatchEntry, BatchTree};
use plasma_watcher::BatchAction;

fn acted(events: &[WatcherEvent], action: BatchAction) -> bool {
    has(events, |e| matches!(e, WatcherEvent::BatchEntryActed { action: a, .. } if *a == action))
}

fn challenger() -> WatcherConfig {
    WatcherConfig {
        challenger: Some(addr(WATCHER)),
        withholding_secs: 60,
        ..WatcherConfig::default()
    }
}

/// Starts a batch of `entries` from `who` and checks that the contract committed to the root
/// this crate computes (the list codecs agree byte for byte).
async fn start(w: &World, who: usize, entries: &[BatchEntry]) -> U256 {
    let (id, _) = w.plasma.start_batch_exit(addr(who), Address::ZERO, entries).await.unwrap();
    let state = w.plasma.batch_exit(id).await.unwrap().unwrap();
    assert_eq!(state.root, BatchTree::new(entries).unwrap().root(), "same root as the contract");
    assert_eq!(usize::from(state.count), entries.len());
    id
}

/// Alice pays Bob 1000 milli-ether in a published block, and Bob batch-exits that output:
/// the payment, the batch's list and its id.
async fn bob_batches_a_payment(
    w: &World,
    watcher: &mut Watcher<EmbeddedChain, Served>,
) -> (SignedTx, [BatchEntry; 1], U256) {
    let (dep, _) = w.deposit(ALICE, 1000).await;
    let to_bob = w.transfer(ALICE, vec![dep], vec![(BOB, 1000)]);
    let blknum = w.commit(std::slice::from_ref(&to_bob), false).await;
    watcher.step().await.unwrap();
    let pos = UtxoPos::new(blknum, 0, 0);
    let tx = to_bob.tx().encode();
    let entries = [BatchEntry::of_output(addr(BOB), &tx, pos, milli_ether(1000)).unwrap()];
    let id = start(w, BOB, &entries).await;
    (to_bob, entries, id)
}

async fn process(w: &World, id: U256, entries: &[BatchEntry]) {
    w.advance(2 * MEP + 1).await;
    w.plasma.process_batch_exit(addr(OPERATOR), id, entries, 1024).await.unwrap();
}

#[tokio::test]
async fn an_entry_naming_another_owners_output_is_challenged_and_never_paid() {
    let w = World::new().await;
    let mut watcher = w.watcher(challenger()).await;
    let (dep, dep_tx) = w.deposit(ALICE, 1000).await;
    let (own, own_tx) = w.deposit(MALLORY, 10).await;
    watcher.step().await.unwrap();
    // Mallory lists her own deposit and Alice's, claiming both.
    let entries = [
        BatchEntry::of_output(addr(MALLORY), &own_tx.encode(), own, milli_ether(10)).unwrap(),
        BatchEntry::of_output(addr(MALLORY), &dep_tx.encode(), dep, milli_ether(1000)).unwrap(),
    ];
    let id = start(&w, MALLORY, &entries).await;
    let watcher0 = w.balance(WATCHER).await;
    let events = watcher.step().await.unwrap();
    assert!(
        has(
            &events,
            |e| matches!(e, WatcherEvent::InvalidBatchEntry { index: 1, reason, .. } if reason == "wrong owner")
        ),
        "{events:#?}"
    );
    assert!(acted(&events, BatchAction::ChallengedInvalid), "{events:#?}");
    assert!(w.balance(WATCHER).await > watcher0, "the entry's bond pays the challenge");
    let mallory0 = w.balance(MALLORY).await;
    process(&w, id, &entries).await;
    let paid = w.balance(MALLORY).await - mallory0;
    assert!(paid < milli_ether(1000), "only her own 10 milli-ether and bond: {paid}");
    assert!(paid >= milli_ether(10), "her own deposit is paid: {paid}");
}

#[tokio::test]
async fn a_wrong_entry_someone_asked_to_prove_is_left_to_processing() {
    let w = World::new().await;
    let mut watcher = w.watcher(challenger()).await;
    let (dep, dep_tx) = w.deposit(ALICE, 1000).await;
    watcher.step().await.unwrap();
    let entries =
        [BatchEntry::of_output(addr(MALLORY), &dep_tx.encode(), dep, milli_ether(1000)).unwrap()];
    let id = start(&w, MALLORY, &entries).await;
    // Mallory asks for her own entry's proof first: a challenge would now pay her.
    let bond = w.plasma.batch_entry_bond().await.unwrap();
    w.plasma.request_batch_entry_proof(addr(MALLORY), id, &entries, 0, bond).await.unwrap();
    let watcher0 = w.balance(WATCHER).await;
    let events = watcher.step().await.unwrap();
    assert!(
        has(&events, |e| matches!(e, WatcherEvent::InvalidBatchEntry { index: 0, .. })),
        "still reported: {events:#?}"
    );
    assert!(!acted(&events, BatchAction::ChallengedInvalid), "not challenged: {events:#?}");
    assert_eq!(w.balance(WATCHER).await, watcher0, "no gas spent on it");
    let (mallory0, alice0) = (w.balance(MALLORY).await, w.balance(ALICE).await);
    process(&w, id, &entries).await;
    assert_eq!(w.balance(MALLORY).await, mallory0, "unanswered: cancelled, nothing paid");
    assert_eq!(w.balance(ALICE).await, alice0, "nothing left for the wrong owner's claim");
    let credit = w.plasma.bond_credit(addr(MALLORY)).await.unwrap();
    assert_eq!(credit, bond + bond - bond / U256::from(2), "her request back, half her entry's");
}

#[tokio::test]
async fn an_entry_of_a_spent_output_is_challenged_with_the_spend() {
    let w = World::new().await;
    let mut watcher = w.watcher(challenger()).await;
    let (dep, dep_tx) = w.deposit(ALICE, 1000).await;
    w.commit(&[w.transfer(ALICE, vec![dep], vec![(BOB, 1000)])], false).await;
    watcher.step().await.unwrap();
    let entries =
        [BatchEntry::of_output(addr(ALICE), &dep_tx.encode(), dep, milli_ether(1000)).unwrap()];
    let id = start(&w, ALICE, &entries).await;
    let events = watcher.step().await.unwrap();
    assert!(acted(&events, BatchAction::ChallengedSpent), "{events:#?}");
    let alice0 = w.balance(ALICE).await;
    process(&w, id, &entries).await;
    assert_eq!(w.balance(ALICE).await, alice0, "the spent deposit is never paid");
}

#[tokio::test]
async fn an_entry_in_a_withheld_block_gets_a_proof_request_and_is_never_paid() {
    let w = World::new().await;
    let mut watcher = w.watcher(challenger()).await;
    let (dep, _) = w.deposit(ALICE, 1000).await;
    // The operator's block moves Alice's deposit to Mallory; nobody but them has its data.
    let blknum = w.commit(&[w.transfer(ALICE, vec![dep], vec![(MALLORY, 1000)])], true).await;
    let stolen = UtxoPos::new(blknum, 0, 0);
    let fake_tx = b"whatever the block holds".to_vec();
    let entries =
        [BatchEntry::of_output(addr(MALLORY), &fake_tx, stolen, milli_ether(1000)).unwrap()];
    let id = start(&w, MALLORY, &entries).await;
    w.advance(61).await;
    let events = watcher.step().await.unwrap();
    assert!(has(&events, |e| matches!(e, WatcherEvent::BlockWithheld { .. })), "{events:#?}");
    assert!(acted(&events, BatchAction::RequestedProof), "{events:#?}");
    assert_eq!(
        w.plasma.batch_entry_proof_requester(id, 0).await.unwrap(),
        Some(addr(WATCHER)),
        "the watcher asked"
    );
    let (mallory0, watcher0) = (w.balance(MALLORY).await, w.balance(WATCHER).await);
    let bond = w.plasma.batch_entry_bond().await.unwrap();
    process(&w, id, &entries).await;
    assert_eq!(w.balance(MALLORY).await, mallory0, "nothing for the claim nobody proved");
    let credit = w.plasma.bond_credit(addr(WATCHER)).await.unwrap();
    let share = bond - bond / U256::from(2);
    assert_eq!(credit, bond + share, "its bond and half the entry's");
    // The watcher pulls its credit at its next step.
    watcher.step().await.unwrap();
    assert!(w.plasma.bond_credit(addr(WATCHER)).await.unwrap().is_zero(), "withdrawn");
    assert!(w.balance(WATCHER).await > watcher0, "the request paid");
}

#[tokio::test]
async fn a_false_proof_request_against_a_valid_entry_is_answered() {
    let w = World::new().await;
    let mut watcher = w.watcher(challenger()).await;
    let (dep, dep_tx) = w.deposit(ALICE, 1000).await;
    watcher.step().await.unwrap();
    let entries =
        [BatchEntry::of_output(addr(ALICE), &dep_tx.encode(), dep, milli_ether(1000)).unwrap()];
    let id = start(&w, ALICE, &entries).await;
    assert!(watcher.step().await.unwrap().is_empty(), "a valid entry raises nothing");
    let bond = w.plasma.batch_entry_bond().await.unwrap();
    w.plasma.request_batch_entry_proof(addr(MALLORY), id, &entries, 0, bond).await.unwrap();
    let events = watcher.step().await.unwrap();
    assert!(acted(&events, BatchAction::AnsweredProof), "{events:#?}");
    assert_eq!(w.plasma.batch_entry_proof_requester(id, 0).await.unwrap(), None, "answered");
    let alice0 = w.balance(ALICE).await;
    process(&w, id, &entries).await;
    let bounty = bond / U256::from(4);
    assert_eq!(
        w.balance(ALICE).await - alice0,
        milli_ether(1000) + bond - bounty,
        "alice is paid, with her bond less the processor's bounty"
    );
}

#[tokio::test]
async fn an_entry_whose_transaction_is_exited_in_flight_is_proven_and_paid_in_its_turn() {
    let w = World::new().await;
    let mut watcher = w.watcher(challenger()).await;
    let (to_bob, entries, id) = bob_batches_a_payment(&w, &mut watcher).await;
    // Anyone holding the payment's signatures exits it in flight: unproven, Bob's entry would
    // be skipped while that exit is live, and lose its place in the queue.
    let args = watcher.in_flight_exit_data(&to_bob).unwrap();
    w.plasma.start_in_flight_exit(addr(MALLORY), &args).await.unwrap();
    let events = watcher.step().await.unwrap();
    assert!(acted(&events, BatchAction::AnsweredProof), "{events:#?}");
    let bob0 = w.balance(BOB).await;
    process(&w, id, &entries).await;
    assert!(w.balance(BOB).await - bob0 >= milli_ether(1000), "bob is paid while it is live");
}

#[tokio::test]
async fn an_entry_proven_before_its_transaction_exits_in_flight_is_proven_again() {
    let w = World::new().await;
    let mut watcher = w.watcher(challenger()).await;
    let (to_bob, entries, id) = bob_batches_a_payment(&w, &mut watcher).await;
    // A false request is answered while no in-flight exit exists: that proof records nothing
    // an in-flight exit started later could use against a false canonicity challenge.
    let bond = w.plasma.batch_entry_bond().await.unwrap();
    w.plasma.request_batch_entry_proof(addr(MALLORY), id, &entries, 0, bond).await.unwrap();
    assert!(acted(&watcher.step().await.unwrap(), BatchAction::AnsweredProof), "answered");
    let args = watcher.in_flight_exit_data(&to_bob).unwrap();
    w.plasma.start_in_flight_exit(addr(MALLORY), &args).await.unwrap();
    let events = watcher.step().await.unwrap();
    assert!(acted(&events, BatchAction::AnsweredProof), "proven again: {events:#?}");
    assert!(!acted(&watcher.step().await.unwrap(), BatchAction::AnsweredProof), "only once");
}
