//! In-flight exits (MoreVP) judged against verified history: a non-canonical exit and a spent
//! input's piggyback are challenged, a false canonicity challenge is answered, a spent
//! output's piggyback is challenged; only honest legs are paid.

use crate::*;
use plasma_framework::in_flight_exit_id;
use plasma_watcher::InFlightAction;

fn acting() -> WatcherConfig {
    WatcherConfig { challenger: Some(addr(WATCHER)), ..WatcherConfig::default() }
}

async fn bonds(w: &World) -> (U256, U256) {
    let pbond = w.plasma.piggyback_bond().await.unwrap();
    (pbond, w.plasma.process_bounty(pbond).await.unwrap())
}

fn acted(events: &[WatcherEvent], want: InFlightAction) -> bool {
    has(events, |e| matches!(e, WatcherEvent::InFlightExitActed { action, .. } if *action == want))
}

#[tokio::test]
async fn a_non_canonical_in_flight_exit_and_a_spent_input_piggyback_are_challenged() {
    let w = World::new().await;
    let mut watcher = w.watcher(acting()).await;
    let (dep, _) = w.deposit(ALICE, 1000).await;
    let to_bob = w.transfer(ALICE, vec![dep], vec![(BOB, 1000)]);
    w.commit(&[w.transfer(ALICE, vec![dep], vec![(MALLORY, 1000)])], false).await;
    watcher.step().await.unwrap();

    // Alice also signed a payment of the same deposit to Bob, which no block holds; Bob exits
    // it in flight, and Alice piggybacks the input she already spent.
    let args = watcher.in_flight_exit_data(&to_bob).unwrap();
    let tx = args.tx.clone();
    w.plasma.start_in_flight_exit(addr(BOB), &args).await.unwrap();
    w.plasma.piggyback_output(addr(BOB), &tx, 0, Address::ZERO).await.unwrap();
    w.plasma.piggyback_input(addr(ALICE), &tx, 0).await.unwrap();
    let watcher_before = w.balance(WATCHER).await;
    let events = watcher.step().await.unwrap();
    assert!(
        has(&events, |e| matches!(e, WatcherEvent::NonCanonicalInFlightExit { competitor_pos, .. }
            if *competitor_pos == 1000 * 100_000)),
        "{events:#?}"
    );
    assert!(
        has(&events, |e| matches!(e, WatcherEvent::InvalidPiggyback { leg: 0, .. })),
        "{events:#?}"
    );
    assert!(acted(&events, InFlightAction::ChallengedCanonicity), "{events:#?}");
    assert!(acted(&events, InFlightAction::ChallengedPiggyback { leg: 0 }), "{events:#?}");
    // The watcher posted the canonicity-challenge bond (returned, with the in-flight bond, if
    // the challenge stands) and earned the piggyback bond.
    let cbond = w.plasma.canonicity_challenge_bond().await.unwrap();
    assert!(
        w.balance(WATCHER).await + cbond > watcher_before,
        "the piggyback bond pays the watcher"
    );
    let header = w.plasma.in_flight_exit(in_flight_exit_id(&tx)).await.unwrap();
    assert_eq!(header.flags & 1, 1, "non-canonical on the root chain");
    assert!(watcher.step().await.unwrap().is_empty(), "each finding is handled once");

    let (pbond, bounty) = bonds(&w).await;
    let (alice0, bob0) = (w.balance(ALICE).await, w.balance(BOB).await);
    w.advance(2 * MEP + 1).await;
    w.process().await;
    assert_eq!(w.balance(BOB).await - bob0, pbond - bounty, "Bob's output is not paid");
    assert_eq!(w.balance(ALICE).await, alice0, "Alice's spent input is not paid");
}

#[tokio::test]
async fn a_false_canonicity_challenge_is_answered_and_the_output_paid() {
    let w = World::new().await;
    let mut watcher = w.watcher(acting()).await;
    let (dep, _) = w.deposit(ALICE, 1000).await;
    let to_bob = w.transfer(ALICE, vec![dep], vec![(BOB, 1000)]);
    w.commit(std::slice::from_ref(&to_bob), false).await;
    watcher.step().await.unwrap();

    let args = watcher.in_flight_exit_data(&to_bob).unwrap();
    let tx = args.tx.clone();
    w.plasma.start_in_flight_exit(addr(BOB), &args).await.unwrap();
    w.plasma.piggyback_output(addr(BOB), &tx, 0, Address::ZERO).await.unwrap();
    // Alice signs a double spend nobody included and claims Bob's payment is not canonical.
    let double = w.transfer(ALICE, vec![dep], vec![(MALLORY, 1000)]);
    let competitor = plasma_framework::Competitor {
        in_flight_input_index: 0,
        tx: double.tx().encode(),
        input_index: 0,
        inclusion: None,
        signature: double.signatures()[0].as_bytes().to_vec(),
    };
    w.plasma.challenge_in_flight_not_canonical(addr(ALICE), &tx, &competitor).await.unwrap();
    let events = watcher.step().await.unwrap();
    assert!(
        has(
            &events,
            |e| matches!(e, WatcherEvent::InvalidCanonicityChallenge { tx_pos, competitor_pos, .. }
            if *tx_pos == 1000 * 100_000 && *competitor_pos == u64::MAX)
        ),
        "{events:#?}"
    );
    assert!(acted(&events, InFlightAction::RespondedToChallenge), "{events:#?}");
    assert!(!has(&events, |e| matches!(e, WatcherEvent::NonCanonicalInFlightExit { .. })));
    let header = w.plasma.in_flight_exit(in_flight_exit_id(&tx)).await.unwrap();
    assert_eq!(header.flags & 1, 0, "canonical again");

    let (pbond, bounty) = bonds(&w).await;
    let bob0 = w.balance(BOB).await;
    w.advance(2 * MEP + 1).await;
    w.process().await;
    let bob_gain = w.balance(BOB).await - bob0;
    // The watcher's answer earned Alice's challenge bond; the in-flight bond stays Bob's.
    let ife_bond = w.plasma.in_flight_exit_bond().await.unwrap();
    assert_eq!(
        bob_gain,
        milli_ether(1000) + pbond - bounty + ife_bond,
        "Bob: his output and bonds"
    );
}

#[tokio::test]
async fn a_piggyback_of_a_spent_output_is_challenged() {
    let w = World::new().await;
    let mut watcher = w.watcher(acting()).await;
    let (dep, _) = w.deposit(ALICE, 1000).await;
    let to_bob = w.transfer(ALICE, vec![dep], vec![(BOB, 1000)]);
    let blknum = w.commit(std::slice::from_ref(&to_bob), false).await;
    let bob_out = UtxoPos::new(blknum, 0, 0);
    w.commit(&[w.transfer(BOB, vec![bob_out], vec![(MALLORY, 1000)])], false).await;
    watcher.step().await.unwrap();

    // Bob has paid Mallory, then tries to take his output out through an in-flight exit.
    let args = watcher.in_flight_exit_data(&to_bob).unwrap();
    let tx = args.tx.clone();
    w.plasma.start_in_flight_exit(addr(BOB), &args).await.unwrap();
    w.plasma.piggyback_output(addr(BOB), &tx, 0, Address::ZERO).await.unwrap();
    let events = watcher.step().await.unwrap();
    assert!(
        has(&events, |e| matches!(e, WatcherEvent::InvalidPiggyback { leg: 4, .. })),
        "{events:#?}"
    );
    assert!(acted(&events, InFlightAction::ChallengedPiggyback { leg: 4 }), "{events:#?}");
    assert!(!has(&events, |e| matches!(e, WatcherEvent::NonCanonicalInFlightExit { .. })));

    let ife_bond = w.plasma.in_flight_exit_bond().await.unwrap();
    let bob0 = w.balance(BOB).await;
    w.advance(2 * MEP + 1).await;
    w.process().await;
    // The in-flight tx itself is canonical, so its bond comes back; the spent output is not paid.
    assert_eq!(w.balance(BOB).await - bob0, ife_bond, "nothing is paid for a spent output");
}

#[tokio::test]
async fn in_flight_exit_data_names_an_unverified_input() {
    let w = World::new().await;
    let watcher = w.watcher(WatcherConfig::default()).await;
    let unknown = UtxoPos::new(7000, 3, 1);
    let tx = w.transfer(ALICE, vec![unknown], vec![(BOB, 1)]);
    let err = watcher.in_flight_exit_data(&tx).unwrap_err();
    assert!(err.contains(&unknown.to_string()), "{err}");
}

#[tokio::test]
async fn a_competitor_published_after_the_exit_started_is_still_shown() {
    let w = World::new().await;
    let mut watcher = w.watcher(acting()).await;
    let (dep, _) = w.deposit(ALICE, 1000).await;
    watcher.step().await.unwrap();
    // Bob exits in flight a payment Alice signed him; no block holds anything yet.
    let to_bob = w.transfer(ALICE, vec![dep], vec![(BOB, 1000)]);
    let args = watcher.in_flight_exit_data(&to_bob).unwrap();
    let tx = args.tx.clone();
    w.plasma.start_in_flight_exit(addr(BOB), &args).await.unwrap();
    w.plasma.piggyback_output(addr(BOB), &tx, 0, Address::ZERO).await.unwrap();
    assert!(watcher.step().await.unwrap().is_empty(), "nothing is known against it yet");

    // Then a block with Alice's other spend of the deposit is published.
    w.commit(&[w.transfer(ALICE, vec![dep], vec![(MALLORY, 1000)])], false).await;
    let events = watcher.step().await.unwrap();
    assert!(
        has(&events, |e| matches!(e, WatcherEvent::NonCanonicalInFlightExit { .. })),
        "{events:#?}"
    );
    assert!(acted(&events, InFlightAction::ChallengedCanonicity), "{events:#?}");
    let header = w.plasma.in_flight_exit(in_flight_exit_id(&tx)).await.unwrap();
    assert_eq!(header.flags & 1, 1, "non-canonical on the root chain");
}
