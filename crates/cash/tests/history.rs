//! A fresh client checks coin histories served by an operator: honest ones verify, and every
//! way an operator (or a previous owner) could cheat is refused with the block and the rule.

use alloy_primitives::{Address, B256, U256};
use plasma_cash::{
    BlockEntry, CashChain, ChainError, CheckpointRecord, CoinHistory, DepositRecord, ExitEvidence,
    HistoryError, Origin, RootChainFacts, Spend,
};
use plasma_primitives::{
    PrivateKey,
    cash::{CashTx, SparseMerkleTree},
};
use std::collections::BTreeMap;

fn key(n: u8) -> PrivateKey {
    PrivateKey::from_seed(&[b'k', n])
}

const SLOT: u64 = 0x1234_5678_9abc_def0;
const DENOM: u64 = 10;

fn tx(prev: u64, to: Address) -> CashTx {
    CashTx {
        slot: SLOT,
        prev_block: U256::from(prev),
        denomination: U256::from(DENOM),
        new_owner: to,
    }
}

fn spend(prev: u64, to: &PrivateKey, by: &PrivateKey) -> Spend {
    let tx = tx(prev, to.address());
    Spend { tx, signature: tx.sign(by) }
}

fn deposit() -> DepositRecord {
    DepositRecord { slot: SLOT, block: 1, denomination: U256::from(DENOM), owner: key(0).address() }
}

/// A root chain with blocks built by hand, with no rule checked: what a cheating operator
/// can publish.
#[derive(Default)]
struct RawChain {
    blocks: BTreeMap<u64, (Option<Spend>, SparseMerkleTree)>,
}

impl RawChain {
    /// Publishes operator block `number` with `spend` of the coin (or none) and some other
    /// coins' txs so proofs are not trivial.
    fn publish(&mut self, number: u64, spend: Option<Spend>) {
        let mut leaves: BTreeMap<u64, B256> =
            (1..20u64).map(|i| (i * 0x0101_0101_0101, B256::repeat_byte(i as u8))).collect();
        if let Some(s) = &spend {
            leaves.insert(s.tx.slot, s.tx.hash());
        }
        self.blocks.insert(number, (spend, SparseMerkleTree::new(leaves)));
    }

    fn roots(&self) -> impl Fn(u64) -> Option<B256> + '_ {
        |n| self.blocks.get(&n).map(|(_, t)| t.root())
    }

    /// The history the operator hands out, proofs as the blocks give them.
    fn history(&self) -> CoinHistory {
        let entries = self
            .blocks
            .iter()
            .map(|(&block, (spend, tree))| BlockEntry {
                block,
                spend: *spend,
                proof: tree.proof(SLOT),
            })
            .collect();
        CoinHistory { slot: SLOT, origin: Origin::Deposit, entries }
    }

    fn facts(&self) -> RootChainFacts {
        RootChainFacts {
            deposit: deposit(),
            checkpoint: None,
            last_block: self.blocks.keys().next_back().copied().unwrap_or(0),
        }
    }

    fn verify(&self, history: &CoinHistory) -> Result<plasma_cash::VerifiedCoin, HistoryError> {
        history.verify(&self.roots(), &self.facts())
    }
}

/// Deposit by key 0 at block 1; 0 → 1 at 2000; 1 → 2 at 4000; blocks 1000..=5000.
fn honest_raw() -> RawChain {
    let mut raw = RawChain::default();
    raw.publish(1000, None);
    raw.publish(2000, Some(spend(1, &key(1), &key(0))));
    raw.publish(3000, None);
    raw.publish(4000, Some(spend(2000, &key(2), &key(1))));
    raw.publish(5000, None);
    raw
}

#[test]
fn honest_raw_history_verifies() {
    let raw = honest_raw();
    let coin = raw.verify(&raw.history()).unwrap();
    assert_eq!(coin.owner, key(2).address());
    assert_eq!(coin.latest_block, 4000);
    match coin.exit {
        ExitEvidence::Spend { parent, exiting, signature } => {
            assert_eq!((parent.block, exiting.block), (2000, 4000));
            assert_eq!(exiting.tx.prev_block, U256::from(parent.block));
            assert_eq!(signature.recover(&exiting.tx.hash()), Ok(key(1).address()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn forged_signature_is_caught() {
    let mut raw = honest_raw();
    // The operator includes a spend of key 2's coin signed by itself (key 9).
    raw.publish(5000, Some(spend(4000, &key(9), &key(9))));
    assert_eq!(
        raw.verify(&raw.history()),
        Err(HistoryError::ForgedSignature {
            block: 5000,
            owner: key(2).address(),
            signer: Some(key(9).address())
        })
    );
}

#[test]
fn skipped_tx_is_caught() {
    let mut raw = honest_raw();
    // Key 0 spends its deposit again at 3000, skipping its spend at 2000.
    raw.publish(3000, Some(spend(1, &key(9), &key(0))));
    assert_eq!(
        raw.verify(&raw.history()),
        Err(HistoryError::WrongPrevBlock { block: 3000, expected: 2000, found: U256::from(1) })
    );
}

#[test]
fn hiding_a_tx_behind_a_non_inclusion_claim_is_caught() {
    let raw = honest_raw();
    let mut history = raw.history();
    // The 2000 spend is in the block, but the history claims the coin did not move there.
    history.entries[1].spend = None;
    assert_eq!(raw.verify(&history), Err(HistoryError::BadProof { block: 2000 }));
    // Or it claims another spend than the block holds.
    let mut history = raw.history();
    history.entries[1].spend = Some(spend(1, &key(9), &key(0)));
    assert_eq!(raw.verify(&history), Err(HistoryError::BadProof { block: 2000 }));
    // Or a block does hold a spend the history says is not there.
    let mut history = raw.history();
    history.entries[2].spend = Some(spend(2000, &key(9), &key(1)));
    assert_eq!(raw.verify(&history), Err(HistoryError::BadProof { block: 3000 }));
}

#[test]
fn malformed_or_unknown_proofs_are_caught() {
    let raw = honest_raw();
    let mut history = raw.history();
    history.entries[2].proof.pop();
    assert!(matches!(raw.verify(&history), Err(HistoryError::MalformedProof { block: 3000, .. })));
    let history = raw.history();
    let roots = |n| if n == 3000 { None } else { raw.roots()(n) };
    assert_eq!(history.verify(&roots, &raw.facts()), Err(HistoryError::UnknownBlock(3000)));
}

#[test]
fn missing_blocks_are_caught() {
    let raw = honest_raw();
    let mut history = raw.history();
    history.entries.remove(2);
    assert_eq!(raw.verify(&history), Err(HistoryError::MissingBlock(3000)));
    let mut history = raw.history();
    history.entries.pop();
    assert_eq!(raw.verify(&history), Err(HistoryError::MissingBlock(5000)));
    let mut history = raw.history();
    history.entries.remove(0);
    assert_eq!(raw.verify(&history), Err(HistoryError::MissingBlock(1000)));
    let mut history = raw.history();
    let dup = history.entries[1].clone();
    history.entries.insert(1, dup);
    assert_eq!(
        raw.verify(&history),
        Err(HistoryError::UnexpectedBlock { block: 2000, expected: 3000 })
    );
    let mut facts = raw.facts();
    facts.last_block = 4000;
    assert_eq!(
        raw.history().verify(&raw.roots(), &facts),
        Err(HistoryError::BeyondLastBlock { block: 5000, last_block: 4000 })
    );
}

#[test]
fn wrong_denomination_is_caught() {
    let mut raw = honest_raw();
    let t = CashTx { denomination: U256::from(DENOM + 1), ..tx(2000, key(2).address()) };
    raw.publish(4000, Some(Spend { tx: t, signature: t.sign(&key(1)) }));
    assert_eq!(
        raw.verify(&raw.history()),
        Err(HistoryError::Denomination {
            block: 4000,
            expected: U256::from(DENOM),
            found: U256::from(DENOM + 1)
        })
    );
}

#[test]
fn wrong_slot_and_wrong_deposit_are_caught() {
    let raw = honest_raw();
    let mut facts = raw.facts();
    facts.deposit.slot = 1;
    assert_eq!(
        raw.history().verify(&raw.roots(), &facts),
        Err(HistoryError::SlotMismatch { history: SLOT, deposit: 1 })
    );
    let mut history = raw.history();
    if let Some(s) = &mut history.entries[1].spend {
        s.tx.slot = 5;
    }
    assert_eq!(raw.verify(&history), Err(HistoryError::WrongSlot { block: 2000, found: 5 }));
}

#[test]
fn double_spend_in_one_block_is_refused_by_the_operator() {
    let mut chain = CashChain::new();
    chain.deposit(SLOT, 1, key(0).address(), U256::from(DENOM)).unwrap();
    let a = spend(1, &key(1), &key(0));
    let b = spend(1, &key(2), &key(0));
    chain.submit(a.tx, a.signature).unwrap();
    assert_eq!(chain.submit(b.tx, b.signature), Err(ChainError::AlreadySpentInBlock(SLOT)));
    // The next block cannot carry the second spend either: it names a stale prevBlock.
    chain.seal().unwrap();
    assert_eq!(
        chain.submit(b.tx, b.signature),
        Err(ChainError::WrongPrevBlock { slot: SLOT, expected: 1000, found: U256::from(1) })
    );
}

/// An honest chain: 6 coins, 8 keys, 40 blocks, coins passed around; a fresh client
/// verifies each coin's history and finds the chain's owner.
fn honest_chain() -> (CashChain, Vec<u64>) {
    let keys: Vec<PrivateKey> = (0..8).map(key).collect();
    let mut chain = CashChain::new();
    let mut slots = Vec::new();
    let mut owner_of = BTreeMap::new();
    for c in 0..6u64 {
        let slot =
            plasma_primitives::cash::slot_of(c, keys[0].address(), keys[c as usize].address());
        chain.deposit(slot, c + 1, keys[c as usize].address(), U256::from(c + 1)).unwrap();
        slots.push(slot);
        owner_of.insert(slot, c as usize);
    }
    for b in 0..40u64 {
        for (i, &slot) in slots.iter().enumerate() {
            if !(b + i as u64).is_multiple_of(3) {
                continue;
            }
            let coin = chain.coin(slot).unwrap().clone();
            let from = owner_of[&slot];
            let to = (from + 1 + b as usize) % keys.len();
            let t = CashTx {
                slot,
                prev_block: U256::from(coin.latest_block),
                denomination: coin.denomination,
                new_owner: keys[to].address(),
            };
            chain.submit(t, t.sign(&keys[from])).unwrap();
            owner_of.insert(slot, to);
        }
        if b == 20 {
            // A late coin, deposited between operator blocks.
            let slot = 0xdead_beef;
            chain
                .deposit(slot, chain.pending_number() - 999, keys[3].address(), U256::ONE)
                .unwrap();
            slots.push(slot);
            owner_of.insert(slot, 3);
        }
        chain.seal().unwrap();
    }
    (chain, slots)
}

fn facts_of(chain: &CashChain, slot: u64) -> RootChainFacts {
    RootChainFacts {
        deposit: chain.deposit_record(slot).unwrap(),
        checkpoint: None,
        last_block: chain.last_sealed().unwrap(),
    }
}

#[test]
fn honest_chain_verifies_for_a_fresh_client() {
    let (chain, slots) = honest_chain();
    let roots = |n| chain.block_root(n);
    for &slot in &slots {
        let history = chain.coin_history(slot).unwrap();
        let coin = history.verify(&roots, &facts_of(&chain, slot)).unwrap();
        let record = chain.coin(slot).unwrap();
        assert_eq!(coin.owner, record.owner);
        assert_eq!(coin.latest_block, record.latest_block);
        if let ExitEvidence::Spend { exiting, .. } = &coin.exit {
            assert_eq!(exiting.tx, record.latest_tx);
        } else {
            panic!("every coin moved: {:?}", coin.exit);
        }
    }
}

#[test]
fn checkpoint_truncation_keeps_verification_and_saves_space() {
    let (chain, slots) = honest_chain();
    let roots = |n| chain.block_root(n);
    let checkpoint = chain.checkpoint(30_000).unwrap();
    let record = CheckpointRecord { block: 30_000, root: checkpoint.root() };
    for &slot in &slots {
        let mut history = chain.coin_history(slot).unwrap();
        let facts = facts_of(&chain, slot);
        let before = history.verify(&roots, &facts).unwrap();
        let size = history.encoded_size();
        history.truncate_at_checkpoint(record, checkpoint.proof(slot), &roots, &facts).unwrap();
        assert!(history.encoded_size() < size, "slot {slot:#x}");
        assert!(history.entries.iter().all(|e| e.block > 30_000));
        // Without the checkpoint as a trusted fact the truncated history stands on nothing.
        assert_eq!(history.verify(&roots, &facts), Err(HistoryError::UnknownCheckpoint(30_000)));
        let facts = RootChainFacts { checkpoint: Some(record), ..facts };
        let after = history.verify(&roots, &facts).unwrap();
        assert_eq!((after.owner, after.latest_block), (before.owner, before.latest_block));
        // A leaf swapped for another tx no longer matches the checkpoint.
        let mut forged = history.clone();
        if let Origin::Checkpoint(o) = &mut forged.origin {
            o.tx.new_owner = key(9).address();
        }
        assert_eq!(
            forged.verify(&roots, &facts),
            Err(HistoryError::BadCheckpointProof { checkpoint_block: 30_000 })
        );
    }
}

#[test]
fn checkpoint_exits_and_bad_truncations() {
    let mut chain = CashChain::new();
    let d = deposit();
    chain.deposit(SLOT, d.block, d.owner, d.denomination).unwrap();
    for _ in 0..3 {
        chain.seal().unwrap();
    }
    let roots = |n| chain.block_root(n);
    let checkpoint = chain.checkpoint(2000).unwrap();
    let record = CheckpointRecord { block: 2000, root: checkpoint.root() };
    let mut history = chain.coin_history(SLOT).unwrap();
    let facts = facts_of(&chain, SLOT);
    assert!(matches!(history.verify(&roots, &facts).unwrap().exit, ExitEvidence::Deposit(_)));
    // A wrong proof leaves the history as it was.
    let kept = history.clone();
    assert_eq!(
        history.truncate_at_checkpoint(record, checkpoint.proof(7), &roots, &facts),
        Err(HistoryError::BadCheckpointProof { checkpoint_block: 2000 })
    );
    assert_eq!(
        history.truncate_at_checkpoint(
            CheckpointRecord { block: 9000, ..record },
            vec![],
            &roots,
            &facts
        ),
        Err(HistoryError::CheckpointNotCovered(9000))
    );
    assert_eq!(history, kept);
    history.truncate_at_checkpoint(record, checkpoint.proof(SLOT), &roots, &facts).unwrap();
    let facts = RootChainFacts { checkpoint: Some(record), ..facts };
    let coin = history.verify(&roots, &facts).unwrap();
    match coin.exit {
        ExitEvidence::Checkpoint { checkpoint_block, leaf, .. } => {
            assert_eq!((checkpoint_block, leaf.block, leaf.tx), (2000, 1, d.tx()));
        }
        other => panic!("{other:?}"),
    }
    // After a spend the exit names the checkpoint's leaf as parent, at its real block.
    let s = spend(1, &key(1), &key(0));
    chain.submit(s.tx, s.signature).unwrap();
    let block = chain.seal().unwrap();
    history.entries.push(BlockEntry {
        block: block.number,
        spend: Some(s),
        proof: block.proof(SLOT),
    });
    let roots = |n| chain.block_root(n);
    let facts = RootChainFacts { last_block: 4000, ..facts };
    match history.verify(&roots, &facts).unwrap().exit {
        ExitEvidence::Spend { parent, exiting, .. } => {
            assert_eq!((parent.block, exiting.block), (1, 4000));
        }
        other => panic!("{other:?}"),
    }
}

/// The attack of issue 15 finding 6 on the client: the operator includes the same signed tx
/// (alice → mallory) at 1000 and again at 2000 and checkpoints 2000 with its hash as the leaf.
/// A buyer who truncated at the checkpoint before verifying would never see the copy; now the
/// truncation verifies what it drops, and the copy is refused by name.
#[test]
fn a_tx_included_twice_is_refused_and_not_hidden_by_a_checkpoint() {
    let (alice, mallory, bob) = (key(0), key(3), key(4));
    let copied = spend(1, &mallory, &alice);
    let mut chain = RawChain::default();
    chain.publish(1000, Some(copied));
    chain.publish(2000, Some(copied));
    chain.publish(3000, Some(spend(2000, &bob, &mallory)));
    let roots = chain.roots();
    let facts = chain.facts();
    let history = chain.history();
    assert_eq!(
        history.verify(&roots, &facts),
        Err(HistoryError::RepeatedTx { block: 2000, first: 1000 })
    );
    // A checkpoint at 2000 whose leaf is the copied tx.
    let leaves = BTreeMap::from([(SLOT, copied.tx.hash())]);
    let tree = SparseMerkleTree::new(leaves);
    let record = CheckpointRecord { block: 2000, root: tree.root() };
    let mut truncated = history.clone();
    assert_eq!(
        truncated.truncate_at_checkpoint(record, tree.proof(SLOT), &roots, &facts),
        Err(HistoryError::RepeatedTx { block: 2000, first: 1000 })
    );
    assert_eq!(truncated, history, "nothing dropped");
    // The honest prefix (up to the first copy) still verifies: what mallory may exit.
    let mut prefix = history.clone();
    prefix.entries.truncate(1);
    let coin = prefix.verify(&roots, &RootChainFacts { last_block: 1000, ..facts }).unwrap();
    assert_eq!((coin.owner, coin.latest_block), (mallory.address(), 1000));
}
