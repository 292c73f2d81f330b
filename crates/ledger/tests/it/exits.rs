//! Following the exit game: every event that lets value leave holds the outputs it names
//! (operator), every payout removes them (operator and watcher alike), and what is released
//! becomes spendable again.

use crate::{ETH, funded, key, out, transfer};
use plasma_ledger::{ExitView, FeePolicy, Hold, Ledger, LedgerError, Payout};
use plasma_primitives::{
    B256, PaymentTx, U256, UtxoPos,
    exits::{BatchClaim, ExitEvent, Leg},
};

fn id(n: u64) -> U256 {
    U256::from(n)
}

fn nowhere(_: B256) -> Option<UtxoPos> {
    None
}

/// A holding ledger where alice has deposits of 5 and 1 at blocks 1 and 2.
fn operator() -> (Ledger, Vec<UtxoPos>) {
    let alice = key("alice");
    let (ledger, deps) = funded(FeePolicy::free(), &[(&alice, ETH, 5), (&alice, ETH, 1)]);
    (ledger.holding(), deps)
}

fn refusal(ledger: &Ledger, input: UtxoPos) -> LedgerError {
    let alice = key("alice");
    let tx = transfer(&[input], vec![out(&alice, ETH, 1)], &[&alice]).unwrap();
    ledger.check(&tx).unwrap_err()
}

#[test]
fn a_standard_exit_holds_its_output_until_paid_or_challenged() {
    let (mut ledger, deps) = operator();
    let start = ExitEvent::StandardStarted { exit_id: id(7), pos: deps[0] };
    assert!(ledger.follow_exit(&start, nowhere).is_empty());
    let hold = Hold::StandardExit { exit_id: id(7) };
    assert_eq!(refusal(&ledger, deps[0]), LedgerError::Exiting { index: 0, pos: deps[0], hold });
    assert!(refusal(&ledger, deps[0]).to_string().contains("is exiting on L1 (standard exit 0x7)"));
    assert!(ledger.utxos_of(key("alice").address()).iter().all(|(p, _)| *p != deps[0]));

    ledger.follow_exit(&ExitEvent::StandardChallenged { exit_id: id(7) }, nowhere);
    assert_eq!(ledger.held(deps[0]), None, "a challenged exit releases its output");
    assert_eq!(ledger.utxos_of(key("alice").address()).len(), 2);

    ledger.follow_exit(&ExitEvent::StandardStarted { exit_id: id(8), pos: deps[0] }, nowhere);
    let removed = ledger.follow_exit(&ExitEvent::StandardPaid { exit_id: id(8) }, nowhere);
    assert_eq!(removed, vec![deps[0]]);
    let payout = Payout::StandardExit { exit_id: id(8) };
    assert_eq!(refusal(&ledger, deps[0]), LedgerError::Exited { index: 0, pos: deps[0], payout });
    assert!(
        refusal(&ledger, deps[0])
            .to_string()
            .contains("left the chain on L1 (standard exit 0x8, paid out)")
    );
    assert_eq!(ledger.exit_view().live(), (0, 0));
}

#[test]
fn an_in_flight_exit_holds_its_inputs_and_piggybacked_legs() {
    let (mut ledger, deps) = operator();
    let alice = key("alice");
    let bob = key("bob");
    // The in-flight tx spends both deposits; the operator never saw it.
    let tx = PaymentTx::new(deps.clone(), vec![out(&bob, ETH, 6)], B256::ZERO).unwrap();
    let started = ExitEvent::InFlightStarted { exit_id: id(9), tx_hash: B256::repeat_byte(1), tx };
    ledger.follow_exit(&started, nowhere);
    for &input in &deps {
        assert_eq!(ledger.held(input), Some(Hold::InFlightInput { exit_id: id(9) }));
    }
    assert!(ledger.utxos_of(alice.address()).is_empty());

    let piggyback = ExitEvent::Piggybacked { exit_id: id(9), leg: Leg::Input(0) };
    ledger.follow_exit(&piggyback, nowhere);
    let message = refusal(&ledger, deps[0]).to_string();
    assert!(message.contains("(in-flight exit 0x9, piggybacked)"), "{message}");

    // Not canonical: the piggybacked input is paid, the other input is released.
    let paid = ExitEvent::LegPaid { exit_id: id(9), leg: Leg::Input(0) };
    assert_eq!(ledger.follow_exit(&paid, nowhere), vec![deps[0]]);
    ledger
        .follow_exit(&ExitEvent::InFlightEnded { exit_id: id(9), canonical: Some(false) }, nowhere);
    assert_eq!(ledger.held(deps[1]), None);
    assert_eq!(ledger.utxos_of(alice.address()), vec![(deps[1], out(&alice, ETH, 1))]);
}

#[test]
fn a_canonical_in_flight_exit_removes_its_inputs() {
    let (mut ledger, deps) = operator();
    let bob = key("bob");
    let tx = PaymentTx::new(vec![deps[0]], vec![out(&bob, ETH, 5)], B256::ZERO).unwrap();
    let started = ExitEvent::InFlightStarted { exit_id: id(3), tx_hash: B256::repeat_byte(2), tx };
    ledger.follow_exit(&started, nowhere);
    let ended = ExitEvent::InFlightEnded { exit_id: id(3), canonical: Some(true) };
    assert_eq!(ledger.follow_exit(&ended, nowhere), vec![deps[0]]);
    assert!(ledger.utxo(deps[0]).is_none());
    // A deleted exit (nothing piggybacked) releases everything it held.
    let tx = PaymentTx::new(vec![deps[1]], vec![out(&bob, ETH, 1)], B256::ZERO).unwrap();
    let started = ExitEvent::InFlightStarted { exit_id: id(4), tx_hash: B256::repeat_byte(3), tx };
    ledger.follow_exit(&started, nowhere);
    ledger.follow_exit(&ExitEvent::InFlightEnded { exit_id: id(4), canonical: None }, nowhere);
    assert_eq!(ledger.held(deps[1]), None);
    assert!(ledger.utxo(deps[1]).is_some());
}

#[test]
fn a_piggybacked_output_of_an_included_tx_is_held_then_paid() {
    let (mut ledger, deps) = operator();
    let alice = key("alice");
    let carol = key("carol");
    let pay =
        transfer(&[deps[0]], vec![out(&carol, ETH, 3), out(&alice, ETH, 2)], &[&alice]).unwrap();
    let hash = pay.hash();
    let tx = pay.signed().tx().clone();
    let applied = ledger.apply(pay).unwrap();
    let carol_out = UtxoPos::new(applied.blknum, applied.txindex, 0);
    // The tx is in the block being filled: found there without asking the store.
    let started = ExitEvent::InFlightStarted { exit_id: id(5), tx_hash: hash, tx };
    ledger.follow_exit(&started, |_| panic!("the pending block holds it"));
    let piggyback = ExitEvent::Piggybacked { exit_id: id(5), leg: Leg::Output(0) };
    ledger.follow_exit(&piggyback, nowhere);
    assert_eq!(ledger.held(carol_out), Some(Hold::Piggybacked { exit_id: id(5) }));
    assert_eq!(ledger.held(UtxoPos::new(applied.blknum, applied.txindex, 1)), None);
    assert!(ledger.utxos_of(carol.address()).is_empty());
    // After sealing, the position is the same.
    ledger.seal();
    let paid = ExitEvent::LegPaid { exit_id: id(5), leg: Leg::Output(0) };
    assert_eq!(ledger.follow_exit(&paid, nowhere), vec![carol_out]);
    ledger
        .follow_exit(&ExitEvent::InFlightEnded { exit_id: id(5), canonical: Some(true) }, nowhere);
    assert_eq!(ledger.utxos_of(alice.address()).len(), 2, "the unpiggybacked change stays");
}

#[test]
fn a_challenged_piggyback_releases_only_its_own_hold() {
    let (mut ledger, deps) = operator();
    let bob = key("bob");
    let tx = PaymentTx::new(vec![deps[0]], vec![out(&bob, ETH, 5)], B256::ZERO).unwrap();
    let started = ExitEvent::InFlightStarted { exit_id: id(6), tx_hash: B256::repeat_byte(4), tx };
    ledger.follow_exit(&started, nowhere);
    ledger.follow_exit(&ExitEvent::StandardStarted { exit_id: id(60), pos: deps[0] }, nowhere);
    ledger.follow_exit(&ExitEvent::Piggybacked { exit_id: id(6), leg: Leg::Input(0) }, nowhere);
    assert_eq!(ledger.held(deps[0]), Some(Hold::Piggybacked { exit_id: id(6) }));
    let challenged = ExitEvent::PiggybackChallenged { exit_id: id(6), leg: Leg::Input(0) };
    ledger.follow_exit(&challenged, nowhere);
    assert_eq!(ledger.held(deps[0]), Some(Hold::StandardExit { exit_id: id(60) }));
    ledger.follow_exit(&ExitEvent::StandardChallenged { exit_id: id(60) }, nowhere);
    assert_eq!(ledger.held(deps[0]), Some(Hold::InFlightInput { exit_id: id(6) }));
}

#[test]
fn a_watcher_ledger_removes_what_is_paid_but_holds_nothing() {
    let alice = key("alice");
    let (mut ledger, deps) = funded(FeePolicy::free(), &[(&alice, ETH, 5)]);
    ledger.follow_exit(&ExitEvent::StandardStarted { exit_id: id(1), pos: deps[0] }, nowhere);
    assert_eq!(ledger.held(deps[0]), None);
    let tx = transfer(&[deps[0]], vec![out(&alice, ETH, 5)], &[&alice]).unwrap();
    assert!(ledger.check(&tx).is_ok(), "a spend before the payout is the exit's fault");
    assert_eq!(ledger.follow_exit(&ExitEvent::StandardPaid { exit_id: id(1) }, nowhere), deps);
}

#[test]
fn the_exit_view_survives_a_round_trip_and_restores_its_holds() {
    let (mut ledger, deps) = operator();
    ledger.follow_exit(&ExitEvent::StandardStarted { exit_id: id(2), pos: deps[1] }, nowhere);
    let bytes = serde_json::to_vec(ledger.exit_view()).unwrap();
    let view: ExitView = serde_json::from_slice(&bytes).unwrap();
    let alice = key("alice");
    let (fresh, _) = funded(FeePolicy::free(), &[(&alice, ETH, 5), (&alice, ETH, 1)]);
    let mut fresh = fresh.holding();
    fresh.restore_exit_view(view);
    assert_eq!(fresh.held(deps[1]), Some(Hold::StandardExit { exit_id: id(2) }));
    assert_eq!(fresh.held(deps[0]), None);
}

fn claim(index: u16, pos: UtxoPos, owner: plasma_primitives::Address, amount: u64) -> BatchClaim {
    BatchClaim { index, pos, owner, amount: U256::from(amount) }
}

#[test]
fn a_batch_holds_only_the_entries_that_match_the_ledger_and_settles_them() {
    let (mut ledger, deps) = operator();
    let (alice, mallory) = (key("alice").address(), key("mallory").address());
    let start = ExitEvent::BatchStarted {
        exit_id: id(90),
        token: ETH,
        claims: vec![
            claim(0, deps[0], alice, 5),
            claim(1, deps[1], mallory, 1), // another owner's output: not held
            claim(2, deps[1], alice, 2),   // wrong amount: not held
        ],
    };
    ledger.follow_exit(&start, nowhere);
    let hold = Hold::BatchEntry { exit_id: id(90) };
    assert_eq!(refusal(&ledger, deps[0]), LedgerError::Exiting { index: 0, pos: deps[0], hold });
    assert_eq!(ledger.held(deps[1]), None, "a claim that matches nothing freezes nothing");

    // A challenge releases the entry.
    ledger.follow_exit(&ExitEvent::BatchEntryCancelled { exit_id: id(90), index: 0 }, nowhere);
    assert_eq!(ledger.held(deps[0]), None, "a cancelled entry releases its output");

    // A second batch: processing removes its settled entry, but not one whose proof request
    // was never answered (the root chain cancels it).
    let again = ExitEvent::BatchStarted {
        exit_id: id(91),
        token: ETH,
        claims: vec![claim(0, deps[0], alice, 5), claim(1, deps[1], alice, 1)],
    };
    ledger.follow_exit(&again, nowhere);
    let ask = ExitEvent::BatchProofRequested { exit_id: id(91), index: 1 };
    ledger.follow_exit(&ask, nowhere);
    let processed = ExitEvent::BatchProcessed { exit_id: id(91), from: 0, to: 2 };
    assert_eq!(ledger.follow_exit(&processed, nowhere), vec![deps[0]]);
    let payout = Payout::BatchExit { exit_id: id(91) };
    assert_eq!(refusal(&ledger, deps[0]), LedgerError::Exited { index: 0, pos: deps[0], payout });
    assert_eq!(ledger.held(deps[1]), None, "the unanswered entry is released, not removed");
    assert!(ledger.utxo(deps[1]).is_some());
}

#[test]
fn an_answered_proof_request_leaves_the_entry_to_be_paid() {
    let (mut ledger, deps) = operator();
    let alice = key("alice").address();
    let start = ExitEvent::BatchStarted {
        exit_id: id(92),
        token: ETH,
        claims: vec![claim(0, deps[0], alice, 5)],
    };
    ledger.follow_exit(&start, nowhere);
    ledger.follow_exit(&ExitEvent::BatchProofRequested { exit_id: id(92), index: 0 }, nowhere);
    ledger.follow_exit(&ExitEvent::BatchProofAnswered { exit_id: id(92), index: 0 }, nowhere);
    let processed = ExitEvent::BatchProcessed { exit_id: id(92), from: 0, to: 1 };
    assert_eq!(ledger.follow_exit(&processed, nowhere), vec![deps[0]]);
    assert_eq!(ledger.exit_view().named_outputs(), Vec::<UtxoPos>::new(), "nothing left held");
}
