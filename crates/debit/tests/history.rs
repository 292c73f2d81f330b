//! The client's check against the operator's chain: a seeded random chain whose every coin
//! verifies to the chain's own state at every step, and each way an operator can cheat a
//! history refused by name (a pay on one leg, a lying proof, a forged signature, a gap).

use alloy_primitives::{Address, B256, U256};
use plasma_debit::{
    BlockEntry, DebitChain, DebitFacts, DebitHistory, DepositRecord, HistoryError, RuleError,
    SignedTx,
};
use plasma_primitives::{
    PrivateKey,
    cash::SparseMerkleTree,
    debit::{DebitTx, PayTx, TransferTx},
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::collections::BTreeMap;

fn key(n: u8) -> PrivateKey {
    PrivateKey::from_seed(&[n, 0xdb])
}

fn facts(chain: &DebitChain, slot: u64) -> DebitFacts {
    let coin = chain.coin(slot).expect("coin");
    DebitFacts {
        deposit: coin.deposit,
        capacity: coin.capacity,
        last_block: chain.last_sealed().unwrap_or(0),
    }
}

/// Every coin's history verifies to exactly the chain's state of it.
fn check_every_coin(chain: &DebitChain, slots: &[u64]) {
    let roots = |b| chain.block_root(b);
    for &slot in slots {
        let coin = chain.coin(slot).unwrap();
        let verified = chain.coin_history(slot).unwrap().verify(&roots, &facts(chain, slot));
        let verified = verified.unwrap_or_else(|e| panic!("coin {slot}: {e}"));
        assert_eq!(verified.state, coin.state, "coin {slot}");
        assert!(verified.state.balance <= verified.capacity, "coin {slot} over its capacity");
        assert_eq!(verified.latest().block, coin.state.own_block, "coin {slot}");
    }
}

/// A seeded random chain: deposits, top-ups, pays between random coins, transfers with and
/// without fees, and seals. After every seal, every coin verifies to the chain's state, and
/// the holders' total moves only by the fees paid (pays move value, they create none).
#[test]
fn a_random_chain_verifies_coin_by_coin_and_pays_create_no_value() {
    for seed in 0..4u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let keys: Vec<PrivateKey> = (1..=6).map(key).collect();
        let by_address: BTreeMap<Address, &PrivateKey> =
            keys.iter().map(|k| (k.address(), k)).collect();
        let mut chain = DebitChain::new();
        let mut slots = Vec::new();
        let (mut holders_total, mut fees, mut pays) = (U256::ZERO, U256::ZERO, 0);
        for round in 0..30u64 {
            // Deposits and top-ups arrive from L1 before the block.
            for i in 0..rng.random_range(0..3u64) {
                let slot = round * 10 + i + 1;
                let amount = U256::from(rng.random_range(1..1_000u64));
                let owner = keys[rng.random_range(0..keys.len())].address();
                let block = (chain.pending_number() - 1000) + i + 1;
                chain.deposit(DepositRecord { slot, block, owner, amount }).unwrap();
                holders_total += amount;
                slots.push(slot);
            }
            if let Some(&slot) = slots.get(rng.random_range(0..slots.len().max(1))) {
                chain.top_up(slot, U256::from(rng.random_range(0..500u64))).unwrap();
            }
            for _ in 0..if slots.is_empty() { 0 } else { rng.random_range(0..8) } {
                let (a, b) = (rng.random_range(0..slots.len()), rng.random_range(0..slots.len()));
                let (from, to) = (chain.coin(slots[a]).unwrap(), chain.coin(slots[b]).unwrap());
                let signer = by_address[&from.state.owner];
                let tx = if a != b && rng.random_bool(0.7) {
                    let room = to.capacity - to.state.balance;
                    let most = from.state.balance.min(room);
                    if most.is_zero() {
                        continue;
                    }
                    let amount = U256::from(rng.random_range(1..=most.to::<u64>()));
                    DebitTx::Pay(PayTx {
                        from_slot: slots[a],
                        from_prev_block: U256::from(from.state.own_block),
                        from_owner: from.state.owner,
                        from_balance: from.state.balance - amount,
                        to_slot: slots[b],
                        to_owner: to.state.owner,
                        amount,
                    })
                } else {
                    let fee =
                        U256::from(rng.random_range(0..=from.state.balance.to::<u64>().min(3)));
                    DebitTx::Transfer(TransferTx {
                        slot: slots[a],
                        prev_block: U256::from(from.state.own_block),
                        new_owner: keys[rng.random_range(0..keys.len())].address(),
                        balance: from.state.balance - fee,
                    })
                };
                // A coin touched already in this block is refused by name; nothing else is.
                match chain.submit(tx, tx.sign(signer)) {
                    Ok(_) => match tx {
                        DebitTx::Transfer(t) => {
                            fees += chain.coin(t.slot).unwrap().state.balance - t.balance;
                        }
                        _ => pays += 1,
                    },
                    Err(plasma_debit::ChainError::AlreadyTouched(_)) => {}
                    Err(e) => panic!("seed {seed} round {round}: {e}"),
                }
            }
            chain.seal().unwrap();
            check_every_coin(&chain, &slots);
            let total: U256 = slots.iter().map(|s| chain.coin(*s).unwrap().state.balance).sum();
            assert_eq!(total + fees, holders_total, "seed {seed} round {round}");
        }
        assert!(pays >= 20, "seed {seed}: only {pays} pays were made");
    }
}

/// A hand-built chain of blocks, as a cheating operator could commit them.
struct Forged {
    roots: BTreeMap<u64, B256>,
    trees: BTreeMap<u64, (SparseMerkleTree, BTreeMap<u64, SignedTx>)>,
}

impl Forged {
    fn new() -> Self {
        Self { roots: BTreeMap::new(), trees: BTreeMap::new() }
    }

    /// Commits block `number` whose leaves are `leaves` (slot → tx), whatever they are.
    fn block(&mut self, number: u64, leaves: &[(u64, SignedTx)]) {
        let leaves: BTreeMap<u64, SignedTx> = leaves.iter().copied().collect();
        let tree = SparseMerkleTree::new(leaves.iter().map(|(s, l)| (*s, l.tx.hash())).collect());
        self.roots.insert(number, tree.root());
        self.trees.insert(number, (tree, leaves));
    }

    /// Coin `slot`'s history, with the peer proof at `peer` for a block's pay.
    fn history(&self, slot: u64, peer: u64) -> DebitHistory {
        let entries = self
            .trees
            .iter()
            .map(|(&block, (tree, leaves))| {
                let leaf = leaves.get(&slot).copied();
                BlockEntry {
                    block,
                    leaf,
                    proof: tree.proof(slot),
                    peer_proof: if leaf.is_some() { tree.proof(peer) } else { Vec::new() },
                }
            })
            .collect();
        DebitHistory { slot, entries }
    }

    fn verify(
        &self,
        history: &DebitHistory,
        deposit: DepositRecord,
        capacity: u64,
    ) -> (U256, Option<HistoryError>) {
        let facts = DebitFacts {
            deposit,
            capacity: U256::from(capacity),
            last_block: *self.roots.keys().next_back().unwrap(),
        };
        let (coin, fault) =
            history.verify_prefix(&|b| self.roots.get(&b).copied(), &facts).unwrap();
        (coin.state.balance, fault)
    }
}

fn alice_pays_bob(amount: u64) -> (SignedTx, DepositRecord, DepositRecord) {
    let (alice, bob) = (key(1), key(2));
    let a = DepositRecord { slot: 7, block: 1, owner: alice.address(), amount: U256::from(10) };
    let b = DepositRecord { slot: 9, block: 2, owner: bob.address(), amount: U256::from(5) };
    let tx = DebitTx::Pay(PayTx {
        from_slot: 7,
        from_prev_block: U256::from(1),
        from_owner: alice.address(),
        from_balance: U256::from(10 - amount),
        to_slot: 9,
        to_owner: bob.address(),
        amount: U256::from(amount),
    });
    (SignedTx { tx, signature: tx.sign(&alice) }, a, b)
}

#[test]
fn a_pay_on_both_legs_moves_the_amount_for_both_holders() {
    let (pay, a, b) = alice_pays_bob(3);
    let mut l1 = Forged::new();
    l1.block(1000, &[(7, pay), (9, pay)]);
    assert_eq!(l1.verify(&l1.history(7, 9), a, 10), (U256::from(7), None));
    assert_eq!(l1.verify(&l1.history(9, 7), b, 8), (U256::from(8), None));
}

#[test]
fn a_pay_on_one_leg_counts_for_neither_holder() {
    let (pay, a, b) = alice_pays_bob(3);
    // Only the payer's leg: Alice's balance stays 10, and the fault is named.
    let mut l1 = Forged::new();
    l1.block(1000, &[(7, pay)]);
    let (balance, fault) = l1.verify(&l1.history(7, 9), a, 10);
    assert_eq!(balance, U256::from(10));
    assert_eq!(fault, Some(HistoryError::BadProof { block: 1000, slot: 9 }));
    // Only the payee's leg: Bob's balance stays 5.
    let mut l1 = Forged::new();
    l1.block(1000, &[(9, pay)]);
    let (balance, fault) = l1.verify(&l1.history(9, 7), b, 8);
    assert_eq!(balance, U256::from(5));
    assert_eq!(fault, Some(HistoryError::BadProof { block: 1000, slot: 7 }));
}

#[test]
fn a_forged_or_inconsistent_leaf_ends_the_valid_history_at_its_block() {
    let (pay, a, b) = alice_pays_bob(3);
    let mallory = key(9);
    // Signed by someone else: the payer's state stands.
    let forged = SignedTx { tx: pay.tx, signature: pay.tx.sign(&mallory) };
    let mut l1 = Forged::new();
    l1.block(1000, &[(7, forged), (9, forged)]);
    let (balance, fault) = l1.verify(&l1.history(7, 9), a, 10);
    assert_eq!(balance, U256::from(10));
    assert_eq!(
        fault,
        Some(HistoryError::Rule {
            block: 1000,
            source: RuleError::NotOwner { slot: 7, owner: a.owner, signer: mallory.address() },
        })
    );
    // The payee's leg moves the operator's money, so Bob's credit stands without Alice.
    assert_eq!(l1.verify(&l1.history(9, 7), b, 8), (U256::from(8), None));
    // A credit beyond the payee's capacity is refused.
    let mut l1 = Forged::new();
    l1.block(1000, &[(7, pay), (9, pay)]);
    let (balance, fault) = l1.verify(&l1.history(9, 7), b, 6);
    assert_eq!(balance, U256::from(5));
    assert!(matches!(
        fault,
        Some(HistoryError::Rule { source: RuleError::OverCapacity { .. }, .. })
    ));
}

#[test]
fn the_same_pay_twice_is_credited_once_and_gaps_and_lies_are_named() {
    let (pay, a, b) = alice_pays_bob(3);
    let mut l1 = Forged::new();
    l1.block(1000, &[(7, pay), (9, pay)]);
    l1.block(2000, &[(7, pay), (9, pay)]);
    let (balance, fault) = l1.verify(&l1.history(9, 7), b, 100);
    assert_eq!(balance, U256::from(8));
    assert_eq!(fault, Some(HistoryError::RepeatedPay { block: 2000, first: 1000 }));
    // For the payer too: the copy is not a second payment.
    let (balance, fault) = l1.verify(&l1.history(7, 9), a, 10);
    assert_eq!(balance, U256::from(7));
    assert_eq!(fault, Some(HistoryError::RepeatedPay { block: 2000, first: 1000 }));
    // A block left out of the history, and a proof of emptiness that lies.
    let mut history = l1.history(7, 9);
    history.entries.remove(0);
    assert_eq!(l1.verify(&history, a, 10).1, Some(HistoryError::MissingBlock(1000)));
    let mut l1 = Forged::new();
    l1.block(1000, &[(7, pay), (9, pay)]);
    let mut history = l1.history(7, 9);
    history.entries[0].leaf = None;
    assert_eq!(
        l1.verify(&history, a, 10),
        (U256::from(10), Some(HistoryError::BadProof { block: 1000, slot: 7 }))
    );
}
