use super::*;
use crate::{DebitChain, DebitFacts, DepositRecord};
use alloy_primitives::U256;
use plasma_primitives::{
    PrivateKey,
    debit::{DebitTx, PayTx, TransferTx},
};

fn key(n: u8) -> PrivateKey {
    PrivateKey::from_seed(&[n, 0x1d])
}

/// Alice's coin 7 (10 wei) pays Bob's coin 9 twice (blocks 1000 and 3000), and Alice then
/// moves her coin to Carol (block 2000 is empty for both). Returns the chain.
fn story() -> DebitChain {
    let (alice, bob, carol) = (key(1), key(2), key(3));
    let mut chain = DebitChain::new();
    chain
        .deposit(DepositRecord {
            slot: 7,
            block: 1,
            owner: alice.address(),
            amount: U256::from(10),
        })
        .unwrap();
    chain
        .deposit(DepositRecord { slot: 9, block: 2, owner: bob.address(), amount: U256::from(5) })
        .unwrap();
    chain.top_up(9, U256::from(20)).unwrap();
    let pay = |prev: u64, balance: u64, amount: u64| {
        DebitTx::Pay(PayTx {
            from_slot: 7,
            from_prev_block: U256::from(prev),
            from_owner: alice.address(),
            from_balance: U256::from(balance),
            to_slot: 9,
            to_owner: bob.address(),
            amount: U256::from(amount),
        })
    };
    let first = pay(1, 7, 3);
    chain.submit(first, first.sign(&alice)).unwrap();
    chain.seal().unwrap();
    chain.seal().unwrap();
    let second = pay(1000, 5, 2);
    chain.submit(second, second.sign(&alice)).unwrap();
    chain.seal().unwrap();
    let to_carol = DebitTx::Transfer(TransferTx {
        slot: 7,
        prev_block: U256::from(3000),
        new_owner: carol.address(),
        balance: U256::from(5),
    });
    chain.submit(to_carol, to_carol.sign(&alice)).unwrap();
    chain.seal().unwrap();
    chain
}

fn verified(chain: &DebitChain, slot: u64) -> VerifiedCoin {
    let coin = chain.coin(slot).unwrap();
    let facts = DebitFacts {
        deposit: coin.deposit,
        capacity: coin.capacity,
        last_block: chain.last_sealed().unwrap(),
    };
    chain.coin_history(slot).unwrap().verify(&|b| chain.block_root(b), &facts).unwrap()
}

fn exit_of(t: &IncludedTx, parent_block: u64, owner: Address) -> ExitOnL1 {
    ExitOnL1 { owner, exit_block: t.block, parent_block, tx_hash: t.tx.hash(), claimed: vec![] }
}

#[test]
fn an_exit_of_an_old_state_is_answered_with_its_spend() {
    let chain = story();
    let alice_coin = verified(&chain, 7);
    assert_eq!(alice_coin.own.len(), 4, "deposit, two pays, the transfer");
    // Alice exits her deposit (10), then her state after the first pay (7).
    let deposit = exit_of(&alice_coin.own[0], 0, key(1).address());
    assert_eq!(
        answer_exit(&alice_coin, &deposit),
        Some(Answer::ChallengeAfter { spend: alice_coin.own[1].clone(), copy_proof: vec![] })
    );
    let after_first = exit_of(&alice_coin.own[1], 1, key(1).address());
    assert_eq!(
        answer_exit(&alice_coin, &after_first),
        Some(Answer::ChallengeAfter { spend: alice_coin.own[2].clone(), copy_proof: vec![] })
    );
    // Carol's exit of the latest state needs nothing.
    let latest = exit_of(alice_coin.latest(), 3000, key(3).address());
    assert_eq!(answer_exit(&alice_coin, &latest), None);
}

#[test]
fn an_exit_without_its_credits_gets_them_added() {
    let chain = story();
    let bob_coin = verified(&chain, 9);
    assert_eq!(bob_coin.state.balance, U256::from(10));
    assert_eq!(bob_coin.credits.len(), 2);
    // The operator exits Bob's coin at its deposit and adds one credit itself.
    let mut exit = exit_of(&bob_coin.own[0], 0, key(2).address());
    exit.claimed.push(bob_coin.credits[0].tx.hash());
    assert_eq!(
        answer_exit(&bob_coin, &exit),
        Some(Answer::AddCredits(vec![bob_coin.credits[1].clone()]))
    );
    exit.claimed.push(bob_coin.credits[1].tx.hash());
    assert_eq!(answer_exit(&bob_coin, &exit), None);
    // Credits name their payee: an exit by someone else gets none.
    let stranger = exit_of(&bob_coin.own[0], 0, key(9).address());
    assert_eq!(answer_exit(&bob_coin, &stranger), None);
}

#[test]
fn a_forged_exit_is_answered_between_or_before() {
    let chain = story();
    let coin = verified(&chain, 7);
    let mallory = key(9).address();
    let forged = B256::repeat_byte(0xee);
    // Forged at 4000 with the first pay (1000) as parent: the parent was spent at 3000.
    let between = ExitOnL1 {
        owner: mallory,
        exit_block: 4000,
        parent_block: 1000,
        tx_hash: forged,
        claimed: vec![],
    };
    assert_eq!(
        answer_exit(&coin, &between),
        Some(Answer::ChallengeBetween { spend: coin.own[2].clone() })
    );
    // Forged at 3000 with a forged parent at 2000: the latest valid state before 3000 is the
    // first pay, which the exiter cannot show spent by 3000 without Alice's signature.
    let before = ExitOnL1 {
        owner: mallory,
        exit_block: 3000,
        parent_block: 2000,
        tx_hash: forged,
        claimed: vec![],
    };
    assert_eq!(
        answer_exit(&coin, &before),
        Some(Answer::ChallengeBefore { tx: coin.own[1].clone() })
    );
    // The holder answers a challengeBefore of her honest exit with the spend of what it shows.
    let shown = coin.own[1].tx.hash();
    assert_eq!(
        answer_challenge_before(&coin, shown, 1000, 4000),
        Some((coin.own[2].clone(), vec![]))
    );
    assert_eq!(answer_challenge_before(&coin, coin.latest().tx.hash(), 4000, 4000), None);
}

#[test]
fn a_pay_the_coin_went_on_from_is_acknowledged_by_the_next_own_tx() {
    let chain = story();
    let coin = verified(&chain, 7);
    assert_eq!(acknowledgment(&coin, &coin.own[1]), Some(&coin.own[2]));
    assert_eq!(acknowledgment(&coin, &coin.own[2]), Some(&coin.own[3]));
    assert_eq!(acknowledgment(&coin, coin.latest()), None);
}
