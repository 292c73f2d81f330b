use super::*;
use plasma_primitives::{
    PrivateKey,
    debit::{PayTx, TransferTx},
};

fn key(n: u8) -> PrivateKey {
    PrivateKey::from_seed(&[n])
}

fn eth(n: u64) -> U256 {
    U256::from(n)
}

/// Alice (key 1) holds coin 7 with 10, Bob (key 2) coin 9 with 5, both deposited before 1000.
fn chain_with_coins() -> DebitChain {
    let mut chain = DebitChain::new();
    let deposit = |slot, block, n: u8, amount| DepositRecord {
        slot,
        block,
        owner: key(n).address(),
        amount: eth(amount),
    };
    chain.deposit(deposit(7, 1, 1, 10)).unwrap();
    chain.deposit(deposit(9, 2, 2, 5)).unwrap();
    chain
}

fn pay(
    from: u64,
    prev: u64,
    payer: &PrivateKey,
    balance: u64,
    to: u64,
    payee: Address,
    amount: u64,
) -> PayTx {
    PayTx {
        from_slot: from,
        from_prev_block: eth(prev),
        from_owner: payer.address(),
        from_balance: eth(balance),
        to_slot: to,
        to_owner: payee,
        amount: eth(amount),
    }
}

fn submit_pay(chain: &mut DebitChain, p: PayTx, signer: &PrivateKey) -> Result<B256, ChainError> {
    let tx = DebitTx::Pay(p);
    chain.submit(tx, tx.sign(signer))
}

#[test]
fn a_pay_needs_room_in_the_payees_coin_and_the_top_up_gives_it() {
    let mut chain = chain_with_coins();
    let (alice, bob) = (key(1), key(2));
    // Bob's coin is full (balance 5 = capacity 5): no room to receive.
    let p = pay(7, 1, &alice, 7, 9, bob.address(), 3);
    assert_eq!(
        submit_pay(&mut chain, p, &alice),
        Err(ChainError::Rule(RuleError::OverCapacity {
            slot: 9,
            balance: eth(5),
            amount: eth(3),
            capacity: eth(5),
        }))
    );
    chain.top_up(9, eth(4)).unwrap();
    let hash = submit_pay(&mut chain, p, &alice).unwrap();
    let block = chain.seal().unwrap();
    assert_eq!(block.leaves.len(), 2, "a pay is the leaf at both of its slots");
    assert_eq!(SparseMerkleTree::new(BTreeMap::from([(7, hash), (9, hash)])).root(), block.root);
    let (a, b) = (chain.coin(7).unwrap(), chain.coin(9).unwrap());
    assert_eq!((a.state.balance, a.operator_share(), a.state.own_block), (eth(7), eth(3), 1000));
    assert_eq!((b.state.balance, b.operator_share(), b.state.own_block), (eth(8), eth(1), 2));
}

#[test]
fn each_rule_of_a_pay_is_named() {
    let mut chain = chain_with_coins();
    chain.top_up(9, eth(100)).unwrap();
    let (alice, bob, carol) = (key(1), key(2), key(3));
    let good = pay(7, 1, &alice, 7, 9, bob.address(), 3);
    let cases: Vec<(PayTx, &PrivateKey, ChainError)> = vec![
        (
            good,
            &carol,
            RuleError::NotOwner { slot: 7, owner: alice.address(), signer: carol.address() }.into(),
        ),
        (
            PayTx { from_prev_block: eth(1000), ..good },
            &alice,
            RuleError::WrongPrevBlock { slot: 7, expected: 1, found: eth(1000) }.into(),
        ),
        (
            PayTx { from_owner: carol.address(), ..good },
            &alice,
            RuleError::WrongPayer { slot: 7, owner: alice.address(), found: carol.address() }
                .into(),
        ),
        (
            PayTx { amount: eth(0), from_balance: eth(10), ..good },
            &alice,
            RuleError::ZeroAmount(7).into(),
        ),
        (
            PayTx { amount: eth(11), ..good },
            &alice,
            RuleError::AmountOverBalance { slot: 7, balance: eth(10), amount: eth(11) }.into(),
        ),
        (
            PayTx { from_balance: eth(8), ..good },
            &alice,
            RuleError::WrongFromBalance { slot: 7, expected: eth(7), found: eth(8) }.into(),
        ),
        (
            PayTx { to_owner: carol.address(), ..good },
            &alice,
            RuleError::WrongPayee { slot: 9, owner: bob.address(), found: carol.address() }.into(),
        ),
        (PayTx { to_slot: 7, ..good }, &alice, RuleError::PayToSelf(7).into()),
        (PayTx { to_slot: 8, ..good }, &alice, ChainError::UnknownCoin(8)),
    ];
    for (p, signer, error) in cases {
        assert_eq!(submit_pay(&mut chain, p, signer), Err(error), "{p:?}");
    }
    assert_eq!(chain.pending_len(), 0, "nothing refused is pending");
    submit_pay(&mut chain, good, &alice).unwrap();
    // One leaf per slot per block: the payee is touched too.
    let transfer = DebitTx::Transfer(TransferTx {
        slot: 9,
        prev_block: eth(2),
        new_owner: carol.address(),
        balance: eth(5),
    });
    assert_eq!(chain.submit(transfer, transfer.sign(&bob)), Err(ChainError::AlreadyTouched(9)));
}

#[test]
fn a_transfer_moves_the_coin_and_may_pay_a_fee() {
    let mut chain = chain_with_coins();
    let (alice, bob) = (key(1), key(2));
    let transfer = |balance| {
        DebitTx::Transfer(TransferTx {
            slot: 7,
            prev_block: eth(1),
            new_owner: bob.address(),
            balance: eth(balance),
        })
    };
    let raise = transfer(11);
    assert_eq!(
        chain.submit(raise, raise.sign(&alice)),
        Err(ChainError::Rule(RuleError::TransferRaisesBalance {
            slot: 7,
            balance: eth(10),
            found: eth(11),
        }))
    );
    let with_fee = transfer(9);
    chain.submit(with_fee, with_fee.sign(&alice)).unwrap();
    chain.seal().unwrap();
    let coin = chain.coin(7).unwrap();
    assert_eq!((coin.state.owner, coin.state.balance), (bob.address(), eth(9)));
    assert_eq!(coin.operator_share(), eth(1), "the fee is the operator's side");
}

#[test]
fn an_exiting_coin_is_neither_paid_nor_paying_and_deposits_are_not_submitted() {
    let mut chain = chain_with_coins();
    chain.top_up(9, eth(10)).unwrap();
    let (alice, bob) = (key(1), key(2));
    let p = pay(7, 1, &alice, 7, 9, bob.address(), 3);
    chain.exit_started(9).unwrap();
    assert_eq!(submit_pay(&mut chain, p, &alice), Err(ChainError::CoinExiting(9)));
    chain.exit_cancelled(9).unwrap();
    assert_eq!(chain.exit_cancelled(9), Err(ChainError::NotExiting(9)));
    chain.exit_started(7).unwrap();
    chain.exit_finalized(7).unwrap();
    assert_eq!(submit_pay(&mut chain, p, &alice), Err(ChainError::CoinGone(7)));
    assert_eq!(chain.exit_started(7), Err(ChainError::CoinGone(7)));
    let deposit = chain.coin(9).unwrap().deposit.tx();
    assert_eq!(chain.submit(deposit, deposit.sign(&bob)), Err(ChainError::DepositSubmitted(9)));
}

#[test]
fn deposits_follow_the_numbering() {
    let mut chain = chain_with_coins();
    let record =
        |slot, block| DepositRecord { slot, block, owner: key(1).address(), amount: eth(1) };
    assert_eq!(chain.deposit(record(8, 1000)), Err(ChainError::NotADepositBlock(1000)));
    assert_eq!(
        chain.deposit(record(8, 1001)),
        Err(ChainError::DepositNotBeforePending { block: 1001, pending: 1000 })
    );
    assert_eq!(chain.deposit(record(7, 3)), Err(ChainError::SlotTaken(7)));
    chain.seal().unwrap();
    chain.deposit(record(8, 1001)).unwrap();
}
