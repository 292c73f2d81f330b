//! Fees end up somewhere: claimed at seal into outputs of the claimer, checked when a block's
//! claims are replayed, and priced by a schedule whose changes start at an announced block.

use crate::*;
use plasma_ledger::{ClaimError, FeeRate, FeeRates, ScheduledFees};
use plasma_primitives::{FeeTx, MerkleTree};

fn operator() -> PrivateKey {
    key("operator")
}

/// Alice pays Bob 90 of 100 ETH and 40 of 50 TOKEN: 10 ETH and 10 TOKEN of fees in block 1000.
fn block_with_fees(policy: FeePolicy) -> (Ledger, Vec<VerifiedTx>) {
    let (alice, bob) = (key("alice"), key("bob"));
    let (mut ledger, pos) = funded(policy, &[(&alice, ETH, 100), (&alice, TOKEN, 50)]);
    let txs = vec![
        transfer(&pos[..1], vec![out(&bob, ETH, 90)], &[&alice]).unwrap(),
        transfer(&pos[1..], vec![out(&bob, TOKEN, 40)], &[&alice]).unwrap(),
    ];
    for tx in &txs {
        ledger.apply(tx.clone()).unwrap();
    }
    (ledger, txs)
}

#[test]
fn the_operator_claims_each_tokens_fees_after_the_payments() {
    let op = operator();
    let (mut ledger, txs) = block_with_fees(FeePolicy::free().claimed_by(op.address()));
    let block = ledger.seal();
    let expected = vec![
        FeeTx::claim(1000, op.address(), ETH, U256::from(10)).unwrap(),
        FeeTx::claim(1000, op.address(), TOKEN, U256::from(10)).unwrap(),
    ];
    assert_eq!(block.claims, expected);
    let leaves: Vec<Vec<u8>> = txs
        .iter()
        .map(|t| t.unsigned().to_vec())
        .chain(expected.iter().map(FeeTx::encode))
        .collect();
    assert_eq!(
        block.root,
        MerkleTree::from_leaves(&leaves).unwrap().root(),
        "claims are leaves 2, 3"
    );
    let mine = ledger.utxos_of(op.address());
    assert_eq!(
        mine,
        vec![
            (UtxoPos::new(1000, 2, 0), *expected[0].output()),
            (UtxoPos::new(1000, 3, 0), *expected[1].output())
        ]
    );
    // The claims are in the changes a store persists, so they survive a restart.
    let added: Vec<UtxoPos> = ledger.take_changes().added.into_iter().map(|(p, _)| p).collect();
    assert!(added.contains(&mine[0].0) && added.contains(&mine[1].0), "{added:?}");
    // The claimer spends its fee like any output.
    let spend = transfer(&[mine[0].0], vec![out(&key("carol"), ETH, 10)], &[&op]).unwrap();
    ledger.apply(spend).unwrap();
    assert_eq!(ledger.utxos_of(op.address()).len(), 1);
}

#[test]
fn without_a_claimer_nothing_is_claimed() {
    let (mut ledger, _) = block_with_fees(FeePolicy::free());
    let block = ledger.seal();
    assert!(block.claims.is_empty());
    assert_eq!(block.fees.get(&ETH), Some(&U256::from(10)));
}

#[test]
fn a_replayed_blocks_claims_are_checked_against_what_it_collected() {
    let op = operator().address();
    let claim = |token, amount: u64| FeeTx::claim(1000, op, token, U256::from(amount)).unwrap();
    let cases = [
        (
            vec![claim(ETH, 11)],
            Err(ClaimError::Overclaim {
                blknum: 1000,
                index: 2,
                token: ETH,
                claimed: U256::from(11),
                collected: U256::from(10),
            }),
        ),
        (
            vec![claim(ETH, 1), claim(ETH, 1)],
            Err(ClaimError::Duplicate { blknum: 1000, index: 3, token: ETH }),
        ),
        (
            vec![FeeTx::claim(2000, op, ETH, U256::from(10)).unwrap()],
            Err(ClaimError::WrongNonce { blknum: 1000, index: 2, token: ETH }),
        ),
        (
            vec![claim(Address::repeat_byte(9), 1)],
            Err(ClaimError::Overclaim {
                blknum: 1000,
                index: 2,
                token: Address::repeat_byte(9),
                claimed: U256::from(1),
                collected: U256::ZERO,
            }),
        ),
        (vec![claim(ETH, 10), claim(TOKEN, 10)], Ok(2)),
        (vec![claim(TOKEN, 3)], Ok(1)),
        (vec![], Ok(0)),
    ];
    for (claims, verdict) in cases {
        let (mut ledger, _) = block_with_fees(FeePolicy::free());
        let before: Vec<_> = ledger.utxos().map(|(p, o)| (*p, *o)).collect();
        let result = ledger.seal_with_claims(claims.clone()).map(|b| b.claims.len());
        assert_eq!(result, verdict, "claims {claims:?}");
        if verdict.is_err() {
            let after: Vec<_> = ledger.utxos().map(|(p, o)| (*p, *o)).collect();
            assert_eq!(before.len(), after.len(), "a refused seal changes nothing");
            assert_eq!(ledger.pending_block(), 1000, "and seals nothing");
        }
    }
}

#[test]
fn a_fee_change_starts_at_its_announced_block_and_quotes_the_new_fee() {
    let alice = key("alice");
    let rate = |wei: u64| FeeRates::from([(ETH, FeeRate::flat(U256::from(wei)))]);
    let (mut ledger, pos) =
        funded(FeePolicy::flat(ETH, U256::from(5)), &[(&alice, ETH, 100), (&alice, ETH, 100)]);
    let too_soon = ScheduledFees { effective_block: 1000, rates: rate(8) };
    assert_eq!(
        ledger.schedule_fees(too_soon),
        Err(LedgerError::FeeScheduleTooSoon { effective_block: 1000, pending: 1000 })
    );
    let odd = ScheduledFees { effective_block: 2500, rates: rate(8) };
    assert!(ledger.schedule_fees(odd).is_err(), "not an operator block");
    ledger.schedule_fees(ScheduledFees { effective_block: 2000, rates: rate(8) }).unwrap();
    // Block 1000 still takes the old fee.
    ledger.apply(transfer(&pos[..1], vec![out(&alice, ETH, 95)], &[&alice]).unwrap()).unwrap();
    ledger.seal();
    // Block 2000 does not, and the refusal says what to pay.
    let old_fee = transfer(&pos[1..], vec![out(&alice, ETH, 95)], &[&alice]).unwrap();
    let refused = ledger.apply(old_fee).unwrap_err();
    assert_eq!(
        refused,
        LedgerError::FeeTooLow { blknum: 2000, accepted: vec![(ETH, U256::from(8))] }
    );
    assert_eq!(refused.to_string(), "fee too low for block 2000: pay 8 wei of ETH");
    ledger.apply(transfer(&pos[1..], vec![out(&alice, ETH, 92)], &[&alice]).unwrap()).unwrap();
    assert_eq!(ledger.fee_policy().rates, rate(8), "in force");
    assert_eq!(ledger.fee_policy().next, None);
}

#[test]
fn a_fee_grows_with_inputs_and_outputs() {
    let alice = key("alice");
    let rate = FeeRate { base: U256::from(2), per_input: U256::from(3), per_output: U256::from(1) };
    let policy = FeePolicy { rates: FeeRates::from([(ETH, rate)]), ..FeePolicy::free() };
    let (mut ledger, pos) = funded(policy, &[(&alice, ETH, 100), (&alice, ETH, 100)]);
    // Two inputs, two outputs: 2 + 6 + 2 = 10.
    let short =
        transfer(&pos, vec![out(&alice, ETH, 100), out(&alice, ETH, 91)], &[&alice, &alice])
            .unwrap();
    assert_eq!(
        ledger.apply(short),
        Err(LedgerError::FeeTooLow { blknum: 1000, accepted: vec![(ETH, U256::from(10))] })
    );
    let exact =
        transfer(&pos, vec![out(&alice, ETH, 100), out(&alice, ETH, 90)], &[&alice, &alice])
            .unwrap();
    ledger.apply(exact).unwrap();
}

#[test]
fn a_node_resuming_past_an_announced_block_uses_the_new_rates() {
    let rate = |wei: u64| FeeRates::from([(ETH, FeeRate::flat(U256::from(wei)))]);
    let mut policy = FeePolicy::flat(ETH, U256::from(5));
    policy.next = Some(ScheduledFees { effective_block: 2000, rates: rate(8) });
    let before = Ledger::restore(policy.clone(), 1000, std::iter::empty());
    assert_eq!(before.fee_policy().rates_at(1000), &rate(5), "not yet");
    let after = Ledger::restore(policy, 3000, std::iter::empty());
    assert_eq!((&after.fee_policy().rates, &after.fee_policy().next), (&rate(8), &None));
}
