//! Properties over random runs of the chain: whatever coins move where, each coin's served
//! history verifies to the chain's owner, and any single tampering with it is refused.

use alloy_primitives::U256;
use plasma_cash::{CashChain, ChainError, CheckpointRecord, CoinHistory, RootChainFacts};
use plasma_primitives::{PrivateKey, cash::CashTx};
use proptest::prelude::*;

const COINS: u64 = 3;
const KEYS: usize = 4;

/// One step: move `coin` to `to` (signed by its owner, or by `to` when `forge`), or seal.
#[derive(Debug, Clone)]
enum Op {
    Move { coin: u64, to: usize, forge: bool },
    Seal,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..COINS, 0..KEYS, proptest::bool::weighted(0.1))
            .prop_map(|(coin, to, forge)| Op::Move { coin, to, forge }),
        2 => Just(Op::Seal),
    ]
}

fn keys() -> Vec<PrivateKey> {
    (0..KEYS as u8).map(|i| PrivateKey::from_seed(&[b'p', i])).collect()
}

fn slot(coin: u64) -> u64 {
    0x0100_0000_0000_0000 * (coin + 1) + coin
}

fn run(ops: &[Op]) -> CashChain {
    let keys = keys();
    let mut chain = CashChain::new();
    for c in 0..COINS {
        chain.deposit(slot(c), c + 1, keys[c as usize].address(), U256::from(7)).unwrap();
    }
    for op in ops {
        match *op {
            Op::Seal => {
                chain.seal().unwrap();
            }
            Op::Move { coin, to, forge } => {
                let record = chain.coin(slot(coin)).unwrap().clone();
                let owner = keys.iter().position(|k| k.address() == record.owner).unwrap();
                let tx = CashTx {
                    slot: slot(coin),
                    prev_block: U256::from(record.latest_block),
                    denomination: record.denomination,
                    new_owner: keys[to].address(),
                };
                let forged = forge && to != owner;
                let signer = if forged { &keys[to] } else { &keys[owner] };
                // Refusals (a second spend in the block, a forged one) are part of the run.
                match chain.submit(tx, tx.sign(signer)) {
                    Ok(_) => assert!(!forged),
                    Err(e) => assert!(forged || e == ChainError::AlreadySpentInBlock(slot(coin))),
                }
            }
        }
    }
    chain.seal().unwrap();
    chain
}

fn facts(chain: &CashChain, coin: u64) -> RootChainFacts {
    RootChainFacts {
        deposit: chain.deposit_record(slot(coin)).unwrap(),
        checkpoint: None,
        last_block: chain.last_sealed().unwrap(),
    }
}

fn verifies(chain: &CashChain, history: &CoinHistory, facts: &RootChainFacts) -> bool {
    history.verify(&|n| chain.block_root(n), facts).is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn served_histories_verify_to_the_chain_owner(ops in proptest::collection::vec(op(), 0..40)) {
        let chain = run(&ops);
        for c in 0..COINS {
            let history = chain.coin_history(slot(c)).unwrap();
            let coin = history.verify(&|n| chain.block_root(n), &facts(&chain, c)).unwrap();
            let record = chain.coin(slot(c)).unwrap();
            prop_assert_eq!(coin.owner, record.owner);
            prop_assert_eq!(coin.latest_block, record.latest_block);
        }
    }

    #[test]
    fn any_tampering_is_refused(
        ops in proptest::collection::vec(op(), 0..40),
        coin in 0..COINS,
        at in any::<prop::sample::Index>(),
        byte in any::<prop::sample::Index>(),
        kind in 0..3u8,
    ) {
        let chain = run(&ops);
        let facts = facts(&chain, coin);
        let mut history = chain.coin_history(slot(coin)).unwrap();
        prop_assume!(!history.entries.is_empty());
        let i = at.index(history.entries.len());
        match kind {
            0 => {
                let entry = &mut history.entries[i];
                let b = byte.index(entry.proof.len());
                entry.proof[b] ^= 0x01;
            }
            1 => {
                history.entries.remove(i);
            }
            _ => {
                let included = history.entries.iter().position(|e| e.spend.is_some());
                prop_assume!(included.is_some());
                if let Some(j) = included {
                    history.entries[j].spend = None;
                }
            }
        }
        prop_assert!(!verifies(&chain, &history, &facts));
    }

    #[test]
    fn checkpoints_keep_histories_valid(ops in proptest::collection::vec(op(), 0..40), pick in any::<prop::sample::Index>()) {
        let chain = run(&ops);
        let last = chain.last_sealed().unwrap();
        let at = 1000 * (1 + pick.index((last / 1000) as usize) as u64);
        let checkpoint = chain.checkpoint(at).unwrap();
        let record = CheckpointRecord { block: at, root: checkpoint.root() };
        for c in 0..COINS {
            let mut facts = facts(&chain, c);
            let mut history = chain.coin_history(slot(c)).unwrap();
            let size = history.encoded_size();
            history.truncate_at_checkpoint(record, checkpoint.proof(slot(c)), &|n| chain.block_root(n), &facts).unwrap();
            prop_assert!(history.encoded_size() <= size + 2 * 2056 + 100);
            facts.checkpoint = Some(record);
            let coin = history.verify(&|n| chain.block_root(n), &facts).unwrap();
            prop_assert_eq!(coin.owner, chain.coin(slot(c)).unwrap().owner);
        }
    }
}
