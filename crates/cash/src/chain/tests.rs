use super::*;
use plasma_primitives::PrivateKey;

fn key(n: u8) -> PrivateKey {
    PrivateKey::from_seed(&[n])
}

fn spend(slot: u64, prev: u64, to: Address, from: &PrivateKey) -> (CashTx, CashSignature) {
    let tx =
        CashTx { slot, prev_block: U256::from(prev), denomination: U256::from(5), new_owner: to };
    (tx, tx.sign(from))
}

fn chain_with_coin() -> CashChain {
    let mut chain = CashChain::new();
    chain.deposit(7, 1, key(1).address(), U256::from(5)).unwrap();
    chain
}

#[test]
fn deposits_follow_the_numbering() {
    let mut chain = chain_with_coin();
    let a = key(1).address();
    assert_eq!(chain.deposit(8, 1000, a, U256::ONE), Err(ChainError::NotADepositBlock(1000)));
    assert_eq!(chain.deposit(8, 0, a, U256::ONE), Err(ChainError::NotADepositBlock(0)));
    assert_eq!(
        chain.deposit(8, 1001, a, U256::ONE),
        Err(ChainError::DepositNotBeforePending { block: 1001, pending: 1000 })
    );
    assert_eq!(chain.deposit(7, 2, a, U256::ONE), Err(ChainError::SlotTaken(7)));
    chain.seal().unwrap();
    chain.deposit(8, 1001, a, U256::ONE).unwrap();
}

#[test]
fn spends_are_checked() {
    let mut chain = chain_with_coin();
    let (k1, k2) = (key(1), key(2));
    let (tx, sig) = spend(9, 1, k2.address(), &k1);
    assert_eq!(chain.submit(tx, sig), Err(ChainError::UnknownCoin(9)));
    let (tx, sig) = spend(7, 2, k2.address(), &k1);
    assert_eq!(
        chain.submit(tx, sig),
        Err(ChainError::WrongPrevBlock { slot: 7, expected: 1, found: U256::from(2) })
    );
    let (tx, sig) = spend(7, 1, k1.address(), &k2);
    assert_eq!(
        chain.submit(tx, sig),
        Err(ChainError::NotOwner { slot: 7, owner: k1.address(), signer: k2.address() })
    );
    let tx = CashTx { denomination: U256::from(6), ..spend(7, 1, k2.address(), &k1).0 };
    assert_eq!(
        chain.submit(tx, tx.sign(&k1)),
        Err(ChainError::DenominationChanged {
            slot: 7,
            expected: U256::from(5),
            found: U256::from(6)
        })
    );
    let (tx, mut sig) = spend(7, 1, k2.address(), &k1);
    let mut bytes = *sig.sig.as_bytes();
    bytes[64] = 30;
    sig.sig = plasma_primitives::Signature::from_bytes(bytes);
    assert!(matches!(chain.submit(tx, sig), Err(ChainError::BadSignature { slot: 7, .. })));

    let (tx, sig) = spend(7, 1, k2.address(), &k1);
    chain.submit(tx, sig).unwrap();
    let (tx, sig) = spend(7, 1, key(3).address(), &k1);
    assert_eq!(chain.submit(tx, sig), Err(ChainError::AlreadySpentInBlock(7)));
    let block = chain.seal().unwrap();
    assert_eq!(block.number, 1000);
    assert_eq!(block.txs.len(), 1);
    let coin = chain.coin(7).unwrap();
    assert_eq!((coin.owner, coin.latest_block), (k2.address(), 1000));
    assert_eq!(chain.pending_number(), 2000);
    // The old owner can no longer spend; the new one must name block 1000.
    let (tx, sig) = spend(7, 1000, k1.address(), &k1);
    assert!(matches!(chain.submit(tx, sig), Err(ChainError::NotOwner { .. })));
    let (tx, sig) = spend(7, 1000, k1.address(), &k2);
    chain.submit(tx, sig).unwrap();
}

/// A block taken to be sealed off the lock: new spends are already checked against it (no
/// second spend of its coins from the old state), its history and root appear only once
/// it is inserted, and it is the block `seal` would have made.
#[test]
fn a_block_taken_for_sealing_binds_new_spends_and_is_served_once_inserted() {
    let mut chain = chain_with_coin();
    let mut reference = chain_with_coin();
    let (k1, k2) = (key(1), key(2));
    let (tx, sig) = spend(7, 1, k2.address(), &k1);
    chain.submit(tx, sig).unwrap();
    reference.submit(tx, sig).unwrap();
    let taken = chain.take_pending().unwrap();
    assert_eq!((taken.number(), chain.pending_number()), (1000, 2000));
    let (again, sig_again) = spend(7, 1, key(3).address(), &k1);
    assert_eq!(
        chain.submit(again, sig_again),
        Err(ChainError::WrongPrevBlock { slot: 7, expected: 1000, found: U256::ONE })
    );
    assert!(chain.coin_history(7).unwrap().entries.is_empty());
    assert_eq!((chain.last_sealed(), chain.block_root(1000)), (None, None));
    let (next, sig_next) = spend(7, 1000, k1.address(), &k2);
    chain.submit(next, sig_next).unwrap();

    let root = chain.insert_sealed(taken.seal()).root;
    assert_eq!(root, reference.seal().unwrap().root);
    assert_eq!(chain.last_sealed(), Some(1000));
    let history = chain.coin_history(7).unwrap();
    assert_eq!(history.entries.len(), 1);
    assert_eq!(history.entries[0].spend.map(|s| s.tx), Some(tx));
    assert_eq!(chain.seal().unwrap().txs.get(&7).map(|&(t, _)| t), Some(next));
}

#[test]
fn exits_freeze_coins() {
    let mut chain = chain_with_coin();
    let (k1, k2) = (key(1), key(2));
    chain.exit(7).unwrap();
    let (tx, sig) = spend(7, 1, k2.address(), &k1);
    assert_eq!(chain.submit(tx, sig), Err(ChainError::CoinExiting(7)));
    chain.exit_cancelled(7).unwrap();
    assert_eq!(chain.exit_cancelled(7), Err(ChainError::NotExiting(7)));
    chain.submit(tx, sig).unwrap();
    chain.exit(7).unwrap();
    chain.exit_finalized(7).unwrap();
    assert_eq!(chain.exit(7), Err(ChainError::CoinGone(7)));
    chain.withdrawn(7).unwrap();
    assert_eq!(chain.coin(7).unwrap().status, CoinStatus::Withdrawn);
    assert_eq!(chain.exit(8), Err(ChainError::UnknownCoin(8)));
}

#[test]
fn checkpoints_take_the_latest_tx_at_or_before_the_block() {
    let mut chain = chain_with_coin();
    let (k1, k2) = (key(1), key(2));
    chain.seal().unwrap(); // 1000: coin 7 still at its deposit
    let (tx, sig) = spend(7, 1, k2.address(), &k1);
    chain.submit(tx, sig).unwrap();
    chain.seal().unwrap(); // 2000: moved
    chain.deposit(8, 2001, k1.address(), U256::ONE).unwrap();
    chain.seal().unwrap(); // 3000
    assert_eq!(chain.checkpoint(1500).unwrap_err(), ChainError::NotSealed(1500));
    let at1000 = chain.checkpoint(1000).unwrap();
    assert_eq!(at1000.leaf(7), Some(chain.deposit_record(7).unwrap().tx().hash()));
    assert_eq!(at1000.leaf(8), None);
    let at3000 = chain.checkpoint(3000).unwrap();
    assert_eq!(at3000.leaf(7), Some(tx.hash()));
    assert_eq!(at3000.len(), 2);
    let proof = at3000.proof(7);
    assert_eq!(plasma_primitives::cash::compute_root(&tx.hash(), 7, &proof), Ok(at3000.root()));
}
