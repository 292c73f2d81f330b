use crate::*;
use plasma_ledger::SealedBlock;
use plasma_primitives::{MerkleTree, SignedTx, merkle, signature::SignatureError};

#[test]
fn an_honest_transfer_moves_outputs_and_lands_in_the_block() {
    let (alice, bob) = (key("alice"), key("bob"));
    let (mut ledger, pos) = funded(FeePolicy::free(), &[(&alice, ETH, 100)]);
    let tx = transfer(&pos, vec![out(&bob, ETH, 60), out(&alice, ETH, 39)], &[&alice]).unwrap();
    let hash = tx.hash();
    let applied = ledger.apply(tx).unwrap();
    assert_eq!((applied.blknum, applied.txindex, applied.hash), (1000, 0, hash));
    assert_eq!(ledger.utxo(pos[0]), None, "the input is spent");
    assert_eq!(ledger.utxo(UtxoPos::new(1000, 0, 0)), Some(&out(&bob, ETH, 60)));
    assert_eq!(
        ledger.utxos_of(alice.address()),
        vec![(UtxoPos::new(1000, 0, 1), out(&alice, ETH, 39))]
    );

    // An output of this block can be spent in the same block.
    let chained =
        transfer(&[UtxoPos::new(1000, 0, 0)], vec![out(&alice, ETH, 60)], &[&bob]).unwrap();
    assert_eq!(ledger.apply(chained).unwrap().txindex, 1);

    let SealedBlock { number, txs, root, fees, claims } = ledger.seal();
    assert!(claims.is_empty(), "no claimer, no claims");
    assert_eq!(number, 1000);
    assert_eq!(ledger.pending_block(), 2000);
    assert_eq!(fees.get(&ETH), Some(&U256::from(1)), "the 1 wei left over is the fee");
    let leaves: Vec<&[u8]> = txs.iter().map(|t| t.unsigned()).collect();
    assert_eq!(root, MerkleTree::from_leaves(&leaves).unwrap().root());
    let proof = MerkleTree::from_leaves(&leaves).unwrap().proof(1).unwrap();
    assert_eq!(merkle::verify(txs[1].unsigned(), 1, &root, &proof), Ok(()));
}

#[test]
fn a_double_spend_is_refused_in_the_same_block_and_later() {
    let (alice, bob) = (key("alice"), key("bob"));
    let (mut ledger, pos) = funded(FeePolicy::free(), &[(&alice, ETH, 100)]);
    ledger.apply(transfer(&pos, vec![out(&bob, ETH, 100)], &[&alice]).unwrap()).unwrap();
    let again = transfer(&pos, vec![out(&alice, ETH, 100)], &[&alice]).unwrap();
    assert_eq!(
        ledger.apply(again.clone()),
        Err(LedgerError::UnknownInput { index: 0, pos: pos[0] })
    );
    ledger.seal();
    assert_eq!(ledger.apply(again), Err(LedgerError::UnknownInput { index: 0, pos: pos[0] }));
}

#[test]
fn spending_someone_elses_output_is_refused() {
    let (alice, mallory) = (key("alice"), key("mallory"));
    let (mut ledger, pos) = funded(FeePolicy::free(), &[(&alice, ETH, 100)]);
    let theft = transfer(&pos, vec![out(&mallory, ETH, 100)], &[&mallory]).unwrap();
    assert_eq!(
        ledger.apply(theft),
        Err(LedgerError::WrongSigner {
            index: 0,
            owner: alice.address(),
            signer: mallory.address()
        })
    );
    // Signing the right input with the right key but under another domain is theft too:
    // the recovered signer is some unrelated address.
    let tx = PaymentTx::new(pos.clone(), vec![out(&mallory, ETH, 100)], B256::ZERO).unwrap();
    let other_domain = verify(tx.sign(&[&alice], &B256::repeat_byte(1)).unwrap(), &DOMAIN).unwrap();
    assert!(matches!(ledger.apply(other_domain), Err(LedgerError::WrongSigner { .. })));
}

#[test]
fn inventing_money_is_refused_per_token() {
    let alice = key("alice");
    let (mut ledger, pos) = funded(FeePolicy::free(), &[(&alice, ETH, 100), (&alice, TOKEN, 5)]);
    let more_eth = transfer(&pos[..1], vec![out(&alice, ETH, 101)], &[&alice]).unwrap();
    assert_eq!(
        ledger.apply(more_eth),
        Err(LedgerError::Unbalanced {
            token: ETH,
            inputs: U256::from(100),
            outputs: U256::from(101)
        })
    );
    // ETH in cannot pay for tokens out.
    let swap = transfer(&pos[..1], vec![out(&alice, TOKEN, 1)], &[&alice]).unwrap();
    assert_eq!(
        ledger.apply(swap),
        Err(LedgerError::Unbalanced { token: TOKEN, inputs: U256::ZERO, outputs: U256::from(1) })
    );
    // Outputs that overflow when summed.
    let huge = Output { owner: alice.address(), token: ETH, amount: U256::MAX };
    let overflow = transfer(&pos[..1], vec![huge, huge], &[&alice]).unwrap();
    assert_eq!(ledger.apply(overflow), Err(LedgerError::Overflow(ETH)));
}

/// A batch verified together (hashes side by side, then each recovery) answers for each
/// transaction exactly what verifying it alone answers: good ones, a bad `v`, a signature
/// under another domain (it recovers someone else), a transfer without inputs; in any order.
#[test]
fn a_batch_answers_for_each_what_it_answers_alone() {
    let keys: Vec<PrivateKey> = (0..5).map(|i| key(&format!("user{i}"))).collect();
    let mut txs = Vec::new();
    for i in 0..40u64 {
        let owner = &keys[i as usize % keys.len()];
        let inputs: Vec<UtxoPos> =
            (0..1 + i % 4).map(|n| UtxoPos::new(1000 * (i + 1), n as u16, 0)).collect();
        let signers = vec![owner; inputs.len()];
        let outputs = (0..1 + i % 4).map(|n| out(owner, ETH, n + 1)).collect();
        let tx = PaymentTx::new(inputs, outputs, B256::repeat_byte(i as u8)).unwrap();
        let signed = match i % 5 {
            0 => {
                let good = tx.clone().sign(&signers, &DOMAIN).unwrap();
                let mut bytes = *good.signatures()[0].as_bytes();
                bytes[64] = 29;
                let mut sigs = good.signatures().to_vec();
                sigs[0] = plasma_primitives::Signature::from_bytes(bytes);
                SignedTx::new(tx, sigs).unwrap()
            }
            1 => tx.sign(&signers, &B256::repeat_byte(1)).unwrap(),
            2 => SignedTx::new(
                PaymentTx::new(vec![], vec![out(owner, ETH, i)], B256::ZERO).unwrap(),
                vec![],
            )
            .unwrap(),
            _ => tx.sign(&signers, &DOMAIN).unwrap(),
        };
        txs.push(signed);
    }
    let alone: Vec<_> = txs.iter().map(|t| verify(t.clone(), &DOMAIN)).collect();
    let batch: Vec<_> = txs.iter().map(|t| (t.clone(), t.encode())).collect();
    assert_eq!(plasma_ledger::verify_many(batch, &DOMAIN), alone);
    assert_eq!(plasma_ledger::verify_batch(txs, &DOMAIN), alone);
    assert!(alone.iter().filter(|r| r.is_ok()).count() >= 16, "good ones among them");
}

#[test]
fn malformed_signatures_and_empty_transfers_are_refused() {
    let alice = key("alice");
    let (_, pos) = funded(FeePolicy::free(), &[(&alice, ETH, 100)]);
    let tx = PaymentTx::new(pos, vec![out(&alice, ETH, 100)], B256::ZERO).unwrap();
    let good = tx.clone().sign(&[&alice], &DOMAIN).unwrap();
    let mut bytes = *good.signatures()[0].as_bytes();
    bytes[64] = 29;
    let bad_v = SignedTx::new(tx, vec![plasma_primitives::Signature::from_bytes(bytes)]).unwrap();
    assert_eq!(
        verify(bad_v, &DOMAIN),
        Err(LedgerError::BadSignature { index: 0, source: SignatureError::BadV(29) })
    );
    let no_inputs =
        PaymentTx::new(vec![], vec![out(&alice, ETH, 1), out(&alice, ETH, 1)], B256::ZERO).unwrap();
    assert_eq!(
        verify(SignedTx::new(no_inputs, vec![]).unwrap(), &DOMAIN),
        Err(LedgerError::NoInputs)
    );
}

#[test]
fn the_fee_policy_sets_a_minimum() {
    let alice = key("alice");
    let policy = FeePolicy::flat(ETH, U256::from(10));
    let (mut ledger, pos) = funded(policy, &[(&alice, ETH, 100), (&alice, TOKEN, 100)]);
    let stingy = transfer(&pos[..1], vec![out(&alice, ETH, 95)], &[&alice]).unwrap();
    assert_eq!(
        ledger.apply(stingy),
        Err(LedgerError::FeeTooLow { blknum: 1000, accepted: vec![(ETH, U256::from(10))] })
    );
    let token_only = transfer(&pos[1..], vec![out(&alice, TOKEN, 50)], &[&alice]).unwrap();
    assert!(matches!(ledger.apply(token_only), Err(LedgerError::FeeTooLow { .. })));
    let fair = transfer(&pos[..1], vec![out(&alice, ETH, 90)], &[&alice]).unwrap();
    ledger.apply(fair).unwrap();
    assert_eq!(ledger.seal().fees.get(&ETH), Some(&U256::from(10)));
}

/// Issue 15, "dust the operator can steal because exiting it is uneconomic": with a dust
/// limit the honest operator creates no output worth less than its exit; the refusal names
/// the output, its amount and the limit. Other tokens, and deposits, are not limited.
#[test]
fn outputs_below_the_dust_limit_are_refused() {
    let (alice, bob) = (key("alice"), key("bob"));
    let policy = FeePolicy::free().with_dust_limit(ETH, U256::from(20));
    let (mut ledger, pos) = funded(policy, &[(&alice, ETH, 100), (&alice, TOKEN, 100)]);
    let dusty =
        transfer(&pos[..1], vec![out(&bob, ETH, 81), out(&alice, ETH, 19)], &[&alice]).unwrap();
    assert_eq!(
        ledger.apply(dusty),
        Err(LedgerError::DustOutput {
            index: 1,
            token: ETH,
            amount: U256::from(19),
            limit: U256::from(20)
        })
    );
    let token_dust = transfer(&pos[1..], vec![out(&bob, TOKEN, 1)], &[&alice]).unwrap();
    ledger.apply(token_dust).unwrap();
    let at_limit =
        transfer(&pos[..1], vec![out(&bob, ETH, 80), out(&alice, ETH, 20)], &[&alice]).unwrap();
    ledger.apply(at_limit).unwrap();
}

#[test]
fn deposits_and_exits_follow_the_root_chain() {
    let alice = key("alice");
    let (mut ledger, pos) = funded(FeePolicy::free(), &[(&alice, ETH, 100)]);
    assert_eq!(pos, vec![UtxoPos::new(1, 0, 0)]);
    let dep = PaymentTx::deposit(alice.address(), ETH, U256::from(7)).unwrap();
    assert!(
        matches!(ledger.deposit(1, &dep), Err(LedgerError::BadDeposit { blknum: 1, .. })),
        "taken"
    );
    assert!(
        matches!(ledger.deposit(2000, &dep), Err(LedgerError::BadDeposit { .. })),
        "operator block"
    );
    let not_deposit =
        PaymentTx::new(vec![], vec![out(&alice, ETH, 1), out(&alice, ETH, 1)], B256::ZERO).unwrap();
    assert!(matches!(ledger.deposit(3, &not_deposit), Err(LedgerError::BadDeposit { .. })));
    // An exited output is gone: spending it is refused.
    assert_eq!(ledger.exit(pos[0]), Some(out(&alice, ETH, 100)));
    assert_eq!(ledger.exit(pos[0]), None);
    let late = transfer(&pos, vec![out(&alice, ETH, 100)], &[&alice]).unwrap();
    assert_eq!(ledger.apply(late), Err(LedgerError::UnknownInput { index: 0, pos: pos[0] }));
}

#[test]
fn a_restored_ledger_continues_where_it_stopped() {
    let (alice, bob) = (key("alice"), key("bob"));
    let (mut ledger, pos) = funded(FeePolicy::free(), &[(&alice, ETH, 100)]);
    ledger.apply(transfer(&pos, vec![out(&bob, ETH, 100)], &[&alice]).unwrap()).unwrap();
    ledger.seal();
    let utxos: Vec<_> = ledger.utxos().map(|(p, o)| (*p, *o)).collect();
    let mut restored = Ledger::restore(FeePolicy::free(), ledger.pending_block(), utxos);
    let next = transfer(&[UtxoPos::new(1000, 0, 0)], vec![out(&alice, ETH, 100)], &[&bob]).unwrap();
    assert_eq!(restored.apply(next).unwrap().blknum, 2000);
}

#[test]
fn changes_are_netted_between_takes() {
    let (alice, bob) = (key("alice"), key("bob"));
    let (mut ledger, pos) = funded(FeePolicy::free(), &[(&alice, ETH, 100), (&bob, ETH, 5)]);
    let first = ledger.take_changes();
    assert_eq!(first.added.len(), 2, "both deposits are new");
    ledger.apply(transfer(&pos[..1], vec![out(&bob, ETH, 100)], &[&alice]).unwrap()).unwrap();
    // Bob spends the new output within the same period: it nets out.
    ledger
        .apply(transfer(&[UtxoPos::new(1000, 0, 0)], vec![out(&alice, ETH, 100)], &[&bob]).unwrap())
        .unwrap();
    ledger.exit(pos[1]);
    let changes = ledger.take_changes();
    assert_eq!(changes.removed, vec![pos[0], pos[1]]);
    assert_eq!(changes.added, vec![(UtxoPos::new(1000, 1, 0), out(&alice, ETH, 100))]);
    assert_eq!(ledger.take_changes(), Default::default());
}

#[test]
fn deposits_between_takes_net_out_when_spent_or_exited() {
    let (alice, bob) = (key("alice"), key("bob"));
    let (mut ledger, _) = funded(FeePolicy::free(), &[]);
    // Sealed blocks move the pending block on; deposits keep numbers below it.
    assert_eq!(ledger.take_changes(), Default::default());
    let deposit = |owner: &PrivateKey, amount| {
        PaymentTx::deposit(owner.address(), ETH, U256::from(amount)).unwrap()
    };
    let spent = ledger.deposit(1, &deposit(&alice, 10)).unwrap();
    let exited = ledger.deposit(2, &deposit(&bob, 20)).unwrap();
    let kept = ledger.deposit(3, &deposit(&bob, 30)).unwrap();
    ledger.apply(transfer(&[spent], vec![out(&bob, ETH, 10)], &[&alice]).unwrap()).unwrap();
    ledger.seal();
    ledger.exit(exited);
    let changes = ledger.take_changes();
    assert_eq!(changes.removed, vec![], "nothing that existed at the last take is gone");
    assert_eq!(
        changes.added,
        vec![(kept, out(&bob, ETH, 30)), (UtxoPos::new(1000, 0, 0), out(&bob, ETH, 10))]
    );
    // The next period spends what the last one added: now it counts as removed.
    ledger
        .apply(transfer(&[UtxoPos::new(1000, 0, 0)], vec![out(&alice, ETH, 10)], &[&bob]).unwrap())
        .unwrap();
    ledger.exit(kept);
    let changes = ledger.take_changes();
    assert_eq!(changes.removed, vec![UtxoPos::new(1000, 0, 0), kept]);
    assert_eq!(changes.added, vec![(UtxoPos::new(2000, 0, 0), out(&alice, ETH, 10))]);
}

#[test]
fn a_deposit_numbered_above_the_pending_block_is_still_reported_spent() {
    // A deposit the root chain numbered past this ledger's pending block, held before the take.
    let alice = key("alice");
    let early = UtxoPos::new(1500, 0, 0);
    let mut ledger = Ledger::restore(FeePolicy::free(), 1000, [(early, out(&alice, ETH, 7))]);
    ledger.apply(transfer(&[early], vec![out(&alice, ETH, 7)], &[&alice]).unwrap()).unwrap();
    let changes = ledger.take_changes();
    assert_eq!(changes.removed, vec![early]);
    assert_eq!(changes.added, vec![(UtxoPos::new(1000, 0, 0), out(&alice, ETH, 7))]);
}
