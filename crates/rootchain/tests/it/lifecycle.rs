//! The framework's whole lifecycle through the trait: deposit ETH and ERC20 → block →
//! standard exit → challenge or process → funds back on L1, to the wei.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use plasma_contracts::TestToken;
use plasma_framework::{
    Competitor, FrameworkConfig, InFlightExitArgs, NOT_INCLUDED, Plasma, PlasmaEvent, SpendingTx,
    in_flight_exit_id,
};
use plasma_primitives::{MerkleTree, Output, PaymentTx, UtxoPos, merkle};
use plasma_rootchain::{DevChain, EventCursor, RootChain, RootChainError, TxRequest, dev_key};
use std::sync::Arc;

use plasma_testkit::milli_ether;

const MEP: u64 = 3600;

async fn deploy<C: RootChain>(chain: Arc<C>) -> Plasma<C> {
    let operator = chain.accounts()[0];
    let mut config = FrameworkConfig::new(operator);
    config.min_exit_period = MEP;
    Plasma::deploy(chain, operator, &config).await.expect("the framework deploys")
}

pub(crate) async fn eth_deposit_transfer_exit_challenge_and_process<C: DevChain>(chain: Arc<C>) {
    let plasma = deploy(chain.clone()).await;
    let [operator, alice, bob] = [0, 1, 2].map(|i| chain.accounts()[i]);
    let start = chain.head().await.unwrap().number;
    let domain = plasma.domain_separator().await.unwrap();

    // The deployment includes the in-flight (MoreVP) exit game: its module, created by the
    // exit game, holds code.
    let call = plasma_contracts::PaymentExitGame::inFlightExitModuleCall {}.abi_encode();
    let out =
        chain.call(TxRequest::call(operator, plasma.addresses().exit_game, call)).await.unwrap();
    let module =
        plasma_contracts::PaymentExitGame::inFlightExitModuleCall::abi_decode_returns(&out)
            .unwrap();
    chain.ensure_code(module).await.unwrap();

    // Alice deposits 1 ETH: deposit block 1.
    let deposit = PaymentTx::deposit(alice, Address::ZERO, milli_ether(1000)).unwrap();
    let (dep_blknum, _) = plasma.deposit(&deposit).await.unwrap();
    assert_eq!(dep_blknum, 1);
    let dep_pos = UtxoPos::new(dep_blknum, 0, 0);

    // Block 1000: Alice pays Bob 0.4 ETH, 0.6 back to herself.
    let outputs = vec![
        Output { owner: bob, token: Address::ZERO, amount: milli_ether(400) },
        Output { owner: alice, token: Address::ZERO, amount: milli_ether(600) },
    ];
    let transfer = PaymentTx::new(vec![dep_pos], outputs, Default::default()).unwrap();
    let signed = transfer.clone().sign(&[&dev_key(1)], &domain).unwrap();
    let tree = MerkleTree::from_leaves(&[transfer.encode()]).unwrap();
    let (blknum, receipt) = plasma.submit_block(operator, tree.root()).await.unwrap();
    assert_eq!(blknum, 1000);
    assert!(receipt.gas_used <= 55_000, "submitBlock used {} gas", receipt.gas_used);
    assert!(plasma.block(1000).await.unwrap().is_some());
    assert_eq!(plasma.next_child_block().await.unwrap(), 2000);

    // Only the operator may submit.
    let err = plasma.submit_block(alice, tree.root()).await.unwrap_err();
    assert!(
        matches!(err, RootChainError::Reverted { ref reason, .. } if reason.contains("NotOperator")),
        "{err}"
    );

    // Alice tries to exit the deposit she already spent; Bob exits his output.
    let dep_proof = MerkleTree::from_leaves(&[deposit.encode()]).unwrap().proof(0).unwrap();
    plasma.start_standard_exit(alice, dep_pos, &deposit.encode(), &dep_proof).await.unwrap();
    let bob_pos = UtxoPos::new(1000, 0, 0);
    let proof = tree.proof(0).unwrap();
    assert_eq!(merkle::verify(&transfer.encode(), 0, &tree.root(), &proof), Ok(()));
    let bob_exit =
        plasma.start_standard_exit(bob, bob_pos, &transfer.encode(), &proof).await.unwrap();
    assert!(bob_exit.gas_used <= 150_000, "startStandardExit used {} gas", bob_exit.gas_used);

    // The operator challenges Alice's exit with her own signed spend and takes her bond.
    let bond = plasma.exit_bond().await.unwrap();
    let op_before = chain.balance(operator).await.unwrap();
    let sig = signed.signatures()[0];
    let challenge = plasma
        .challenge_standard_exit(
            operator,
            dep_pos,
            &deposit.encode(),
            &transfer.encode(),
            sig.as_bytes(),
        )
        .await
        .unwrap();
    assert_eq!(chain.balance(operator).await.unwrap(), op_before + bond - challenge.fee());

    // Not mature yet: nothing is paid.
    let bob_before = chain.balance(bob).await.unwrap();
    plasma.process_exits(operator, Address::ZERO, 10).await.unwrap();
    assert_eq!(chain.balance(bob).await.unwrap(), bob_before);

    // After the exit period Bob is paid his 0.4 ETH and his bond less the processing bounty.
    chain.advance_time(2 * MEP + 1).await.unwrap();
    let processor = chain.accounts()[3];
    let processor_before = chain.balance(processor).await.unwrap();
    let processed = plasma.process_exits(processor, Address::ZERO, 10).await.unwrap();
    let bob_gain = chain.balance(bob).await.unwrap() - bob_before;
    let bounty = chain.balance(processor).await.unwrap() + processed.fee() - processor_before;
    assert!(!bounty.is_zero() && bounty < bond, "the processor earns a bounty out of the bond");
    assert_eq!(
        bob_gain + bounty,
        milli_ether(400) + bond,
        "Bob gets 0.4 ETH and his bond less the bounty"
    );

    // The exited output can never exit again.
    let again =
        plasma.start_standard_exit(bob, bob_pos, &transfer.encode(), &proof).await.unwrap_err();
    assert!(
        matches!(again, RootChainError::Reverted { ref reason, .. } if reason.contains("OutputAlreadyExited")),
        "{again}"
    );

    // Every step is visible, decoded, in the event stream.
    let mut cursor = EventCursor::new(plasma.event_sources(), start + 1, 0);
    let events: Vec<PlasmaEvent> =
        cursor.poll(&*chain).await.unwrap().iter().filter_map(|l| plasma.decode(l)).collect();
    let deposit_root = merkle::deposit_root(&deposit.encode());
    assert!(
        matches!(events[0], PlasmaEvent::BlockSubmitted { blknum: 1, root, .. } if root == deposit_root)
    );
    assert!(
        matches!(events[1], PlasmaEvent::DepositCreated { blknum: 1, owner, .. } if owner == alice)
    );
    assert!(
        matches!(events[2], PlasmaEvent::BlockSubmitted { blknum: 1000, root, .. } if root == tree.root())
    );
    assert!(events.iter().any(
        |e| matches!(e, PlasmaEvent::ExitChallenged { challenger, .. } if *challenger == operator)
    ));
    assert!(events.iter().any(|e| matches!(e, PlasmaEvent::ExitFinalized { owner, amount, .. } if *owner == bob && *amount == milli_ether(400))));
}

pub(crate) async fn erc20_deposit_exit_and_process<C: DevChain>(chain: Arc<C>) {
    let plasma = deploy(chain.clone()).await;
    let [operator, carol] = [0, 4].map(|i| chain.accounts()[i]);
    let created = chain
        .send(TxRequest::create(
            operator,
            [
                TestToken::BYTECODE.as_ref(),
                &TestToken::constructorCall { name_: "Test".into(), symbol_: "TST".into() }
                    .abi_encode(),
            ]
            .concat(),
        ))
        .await
        .unwrap();
    let token = created.contract_address.unwrap();
    let mint = TestToken::mintCall { to: carol, amount: U256::from(1_000_000) };
    chain.send(TxRequest::call(operator, token, mint.abi_encode())).await.unwrap();
    let balance_of = |who| TestToken::balanceOfCall { account: who }.abi_encode();
    let token_balance = |who: Address| {
        let chain = chain.clone();
        async move {
            let out = chain.call(TxRequest::call(who, token, balance_of(who))).await.unwrap();
            TestToken::balanceOfCall::abi_decode_returns(&out).unwrap()
        }
    };

    let deposit = PaymentTx::deposit(carol, token, U256::from(250_000)).unwrap();
    let (blknum, _) = plasma.deposit(&deposit).await.unwrap();
    assert_eq!(token_balance(carol).await, U256::from(750_000));
    let proof = MerkleTree::from_leaves(&[deposit.encode()]).unwrap().proof(0).unwrap();
    plasma
        .start_standard_exit(carol, UtxoPos::new(blknum, 0, 0), &deposit.encode(), &proof)
        .await
        .unwrap();
    chain.advance_time(MEP + 1).await.unwrap();
    plasma.process_exits(operator, token, 10).await.unwrap();
    assert_eq!(token_balance(carol).await, U256::from(1_000_000), "all tokens back on L1");
}

/// A signed one-input payment of `owner`'s output `input` (worth `amount` in total).
fn payment(
    input: UtxoPos,
    owner: usize,
    outputs: &[(Address, U256)],
    domain: &alloy_primitives::B256,
) -> plasma_primitives::SignedTx {
    let outputs =
        outputs.iter().map(|&(owner, amount)| Output { owner, token: Address::ZERO, amount });
    PaymentTx::new(vec![input], outputs.collect(), Default::default())
        .unwrap()
        .sign(&[&dev_key(owner)], domain)
        .unwrap()
}

/// MoreVP, canonical: Bob exits the in-flight payment Alice made him; Alice's false canonicity
/// challenge (with a double spend she signed but nobody included) is answered with the
/// payment's inclusion; both outputs are paid, to the wei, and every step is decoded.
pub(crate) async fn in_flight_exit_canonical_pays_the_outputs<C: DevChain>(chain: Arc<C>) {
    let plasma = deploy(chain.clone()).await;
    let [operator, alice, bob, carol] = [0, 1, 2, 3].map(|i| chain.accounts()[i]);
    let start = chain.head().await.unwrap().number;
    let domain = plasma.domain_separator().await.unwrap();
    let deposit = PaymentTx::deposit(alice, Address::ZERO, milli_ether(1000)).unwrap();
    let (dep_blknum, _) = plasma.deposit(&deposit).await.unwrap();
    let dep_pos = UtxoPos::new(dep_blknum, 0, 0);
    let dep_proof = MerkleTree::from_leaves(&[deposit.encode()]).unwrap().proof(0).unwrap();

    let pay = payment(dep_pos, 1, &[(bob, milli_ether(400)), (alice, milli_ether(600))], &domain);
    let tx = pay.tx().encode();
    let tree = MerkleTree::from_leaves(&[&tx]).unwrap();
    plasma.submit_block(operator, tree.root()).await.unwrap();

    let args = InFlightExitArgs {
        tx: tx.clone(),
        input_txs: vec![deposit.encode()],
        input_positions: vec![dep_pos],
        input_proofs: vec![dep_proof],
        signatures: vec![pay.signatures()[0].as_bytes().to_vec()],
    };
    plasma.start_in_flight_exit(bob, &args).await.unwrap();
    let again = plasma.start_in_flight_exit(bob, &args).await.unwrap_err();
    assert!(again.to_string().contains("InFlightExitAlreadyStarted"), "{again}");
    let exit_id = in_flight_exit_id(&tx);
    assert_eq!(plasma.in_flight_exit(exit_id).await.unwrap().bondOwner, bob);

    // Alice double-signs her deposit to Carol and claims the exit is not canonical.
    let double = payment(dep_pos, 1, &[(carol, milli_ether(1000))], &domain);
    let competitor = Competitor {
        in_flight_input_index: 0,
        tx: double.tx().encode(),
        input_index: 0,
        inclusion: None,
        signature: double.signatures()[0].as_bytes().to_vec(),
    };
    plasma.challenge_in_flight_not_canonical(alice, &tx, &competitor).await.unwrap();
    assert_eq!(plasma.in_flight_exit(exit_id).await.unwrap().flags & 1, 1, "non-canonical");
    // Bob answers: the payment is in block 1000, older than any unincluded competitor.
    let pos = UtxoPos::new(1000, 0, 0);
    plasma
        .respond_to_non_canonical_challenge(bob, &tx, pos, &tree.proof(0).unwrap())
        .await
        .unwrap();
    assert_eq!(plasma.in_flight_exit(exit_id).await.unwrap().flags & 1, 0, "canonical again");

    plasma.piggyback_output(bob, &tx, 0, Address::ZERO).await.unwrap();
    plasma.piggyback_output(alice, &tx, 1, Address::ZERO).await.unwrap();
    let stolen = plasma.piggyback_output(carol, &tx, 0, Address::ZERO).await.unwrap_err();
    assert!(stolen.to_string().contains("NotOutputOwner"), "{stolen}");

    chain.advance_time(2 * MEP + 1).await.unwrap();
    let pbond = plasma.piggyback_bond().await.unwrap();
    let bounty = plasma.process_bounty(pbond).await.unwrap();
    let (bob_before, alice_before) =
        (chain.balance(bob).await.unwrap(), chain.balance(alice).await.unwrap());
    plasma.process_exits(operator, Address::ZERO, 10).await.unwrap();
    let bob_gain = chain.balance(bob).await.unwrap() - bob_before;
    let alice_gain = chain.balance(alice).await.unwrap() - alice_before;
    let ife_bond = plasma.in_flight_exit_bond().await.unwrap();
    assert_eq!(bob_gain, milli_ether(400) + pbond - bounty + ife_bond, "Bob: output, bonds back");
    assert_eq!(alice_gain, milli_ether(600) + pbond - bounty, "Alice: her change");

    let mut cursor = EventCursor::new(plasma.event_sources(), start + 1, 0);
    let events: Vec<PlasmaEvent> =
        cursor.poll(&*chain).await.unwrap().iter().filter_map(|l| plasma.decode(l)).collect();
    let ours: Vec<&PlasmaEvent> = events
        .iter()
        .filter(|e| {
            !matches!(e, PlasmaEvent::BlockSubmitted { .. } | PlasmaEvent::DepositCreated { .. })
        })
        .collect();
    assert!(
        matches!(ours[0], PlasmaEvent::InFlightExitStarted { exit_id: id, starter, tx_bytes, .. }
        if *id == exit_id && *starter == bob && tx_bytes[..] == tx[..])
    );
    assert!(
        matches!(ours[1], PlasmaEvent::InFlightExitChallenged { challenger, competitor_pos, .. }
        if *challenger == alice && *competitor_pos == NOT_INCLUDED)
    );
    assert!(matches!(ours[2], PlasmaEvent::InFlightExitChallengeResponded { tx_pos, .. }
        if *tx_pos == 1000 * 100_000));
    assert!(
        matches!(ours[3], PlasmaEvent::InFlightExitPiggybacked { owner, leg: 4, .. } if *owner == bob)
    );
    assert!(
        matches!(ours[4], PlasmaEvent::InFlightExitPiggybacked { owner, leg: 5, .. } if *owner == alice)
    );
    assert!(
        ours.iter().any(|e| matches!(e, PlasmaEvent::InFlightLegPaid { owner, leg: 4, amount, .. }
        if *owner == bob && *amount == milli_ether(400)))
    );
    assert!(
        ours.iter()
            .any(|e| matches!(e, PlasmaEvent::InFlightExitEnded { canonical: Some(true), .. }))
    );
}

/// MoreVP, non-canonical: Alice's deposit is spent by an included payment to Carol, yet Bob
/// exits an older signed payment of it. Carol shows the included spend: the exit turns
/// non-canonical and Alice's input piggyback is removed; Bob's output is not paid.
pub(crate) async fn in_flight_exit_non_canonical_pays_no_output<C: DevChain>(chain: Arc<C>) {
    let plasma = deploy(chain.clone()).await;
    let [operator, alice, bob, carol] = [0, 1, 2, 3].map(|i| chain.accounts()[i]);
    let domain = plasma.domain_separator().await.unwrap();
    let deposit = PaymentTx::deposit(alice, Address::ZERO, milli_ether(1000)).unwrap();
    let (dep_blknum, _) = plasma.deposit(&deposit).await.unwrap();
    let dep_pos = UtxoPos::new(dep_blknum, 0, 0);
    let dep_proof = MerkleTree::from_leaves(&[deposit.encode()]).unwrap().proof(0).unwrap();

    let to_bob = payment(dep_pos, 1, &[(bob, milli_ether(1000))], &domain);
    let to_carol = payment(dep_pos, 1, &[(carol, milli_ether(1000))], &domain);
    let tree = MerkleTree::from_leaves(&[to_carol.tx().encode()]).unwrap();
    plasma.submit_block(operator, tree.root()).await.unwrap();

    let tx = to_bob.tx().encode();
    let args = InFlightExitArgs {
        tx: tx.clone(),
        input_txs: vec![deposit.encode()],
        input_positions: vec![dep_pos],
        input_proofs: vec![dep_proof],
        signatures: vec![to_bob.signatures()[0].as_bytes().to_vec()],
    };
    plasma.start_in_flight_exit(bob, &args).await.unwrap();
    plasma.piggyback_output(bob, &tx, 0, Address::ZERO).await.unwrap();
    plasma.piggyback_input(alice, &tx, 0).await.unwrap();

    let spend = SpendingTx {
        tx: to_carol.tx().encode(),
        input_index: 0,
        signature: to_carol.signatures()[0].as_bytes().to_vec(),
    };
    // The in-flight tx cannot be shown as its own spend.
    let own = SpendingTx { tx: tx.clone(), ..spend.clone() };
    let err = plasma.challenge_in_flight_input_spent(carol, &tx, 0, &own).await.unwrap_err();
    assert!(err.to_string().contains("SameTx"), "{err}");
    let pbond = plasma.piggyback_bond().await.unwrap();
    let carol_before = chain.balance(carol).await.unwrap();
    let r = plasma.challenge_in_flight_input_spent(carol, &tx, 0, &spend).await.unwrap();
    assert_eq!(chain.balance(carol).await.unwrap(), carol_before + pbond - r.fee());

    let competitor = Competitor {
        in_flight_input_index: 0,
        tx: to_carol.tx().encode(),
        input_index: 0,
        inclusion: Some((UtxoPos::new(1000, 0, 0), tree.proof(0).unwrap())),
        signature: to_carol.signatures()[0].as_bytes().to_vec(),
    };
    plasma.challenge_in_flight_not_canonical(carol, &tx, &competitor).await.unwrap();
    let exit_id = in_flight_exit_id(&tx);
    assert_eq!(plasma.in_flight_exit(exit_id).await.unwrap().flags & 1, 1, "non-canonical");

    chain.advance_time(2 * MEP + 1).await.unwrap();
    let bounty = plasma.process_bounty(pbond).await.unwrap();
    let bob_before = chain.balance(bob).await.unwrap();
    plasma.process_exits(operator, Address::ZERO, 10).await.unwrap();
    assert_eq!(
        chain.balance(bob).await.unwrap() - bob_before,
        pbond - bounty,
        "Bob gets his piggyback bond back (less the bounty), not the output"
    );
}
