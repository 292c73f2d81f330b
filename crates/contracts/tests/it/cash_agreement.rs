//! Rust and Solidity agree on every Plasma Cash format (SPEC §3), byte for byte: slots, coin
//! transactions and their hash rule, the depth-64 sparse Merkle tree and its bitmap proofs,
//! and mode-prefixed signatures. The Solidity side is the real bytecode of
//! `contracts/src/harness/CashFormatsHarness.sol`, run in revm, asked the same questions as
//! the Rust code on many random inputs, valid and malformed.

use crate::evm::{Harness, runner};
use alloy_primitives::{Address, B256, U256, keccak256};
use plasma_contracts::CashFormatsHarness as H;
use plasma_primitives::{
    cash::{self, CashSignature, CashTx, SignMode, SparseMerkleTree},
    testing::{arb_edit, arb_key, arb_u256},
};
use proptest::{
    collection::{btree_map, vec},
    prelude::*,
};

/// Solidity's decode of coin-transaction bytes, or `None` if it reverted.
trait DecodeCash {
    fn decode(&mut self, bytes: &[u8]) -> Option<CashTx>;
}

impl DecodeCash for Harness {
    fn decode(&mut self, bytes: &[u8]) -> Option<CashTx> {
        let r = self.call(H::decodeCall { txBytes: bytes.to_vec().into() }).ok()?;
        Some(CashTx {
            slot: r.slot,
            prev_block: r.prevBlock,
            denomination: r.denomination,
            new_owner: r.newOwner,
        })
    }
}

fn cash_formats() -> std::cell::RefCell<Harness> {
    Harness::deploy(&H::BYTECODE)
}

fn arb_cash_tx() -> impl Strategy<Value = CashTx> {
    let prev = prop_oneof![Just(U256::ZERO), arb_u256()];
    (any::<u64>(), prev, arb_u256(), any::<[u8; 20]>()).prop_map(|(slot, prev, denom, owner)| {
        CashTx { slot, prev_block: prev, denomination: denom, new_owner: Address::from(owner) }
    })
}

#[test]
fn slots_agree() {
    let h = cash_formats();
    runner(512)
        .run(&(any::<u64>(), any::<[u8; 20]>(), any::<[u8; 20]>()), |(n, sender, from)| {
            let (sender, from) = (Address::from(sender), Address::from(from));
            let sol = h.borrow_mut().call(H::slotOfCall { numCoins: n, sender, from }).unwrap();
            prop_assert_eq!(sol, cash::slot_of(n, sender, from));
            Ok(())
        })
        .unwrap();
}

#[test]
fn valid_coin_transactions_decode_and_hash_alike() {
    let h = cash_formats();
    runner(1024)
        .run(&arb_cash_tx(), |tx| {
            let bytes = tx.encode();
            let mut h = h.borrow_mut();
            prop_assert_eq!(h.decode(&bytes), Some(tx));
            let hash = h.call(H::txHashCall { txBytes: bytes.into() }).unwrap();
            prop_assert_eq!(hash, tx.hash());
            let deposit = h.call(H::depositHashCall { slot: tx.slot }).unwrap();
            prop_assert_eq!(deposit, keccak256(tx.slot.to_be_bytes()));
            prop_assert_eq!(deposit, CashTx { prev_block: U256::ZERO, ..tx }.hash());
            Ok(())
        })
        .unwrap();
}

#[test]
fn malformed_coin_transactions_are_judged_alike() {
    let h = cash_formats();
    runner(2048)
        .run(&(arb_cash_tx(), vec(arb_edit(), 1..4)), |(tx, edits)| {
            let mut bytes = tx.encode();
            for edit in &edits {
                if bytes.is_empty() {
                    break; // an edit needs a byte to work on
                }
                bytes = edit.apply(&bytes);
            }
            let rust = CashTx::decode(&bytes).ok();
            let sol = h.borrow_mut().decode(&bytes);
            prop_assert_eq!(rust, sol, "bytes {}", alloy_primitives::hex::encode(&bytes));
            Ok(())
        })
        .unwrap();
}

#[test]
fn empty_subtrees_agree() {
    let mut h = cash_formats().into_inner();
    for level in 0..=cash::SMT_DEPTH {
        let sol = h.call(H::emptySubtreeCall { level: U256::from(level) }).unwrap();
        assert_eq!(sol, cash::empty_subtree(level), "level {level}");
    }
}

#[test]
fn sparse_merkle_proofs_agree() {
    let h = cash_formats();
    let leaves = btree_map(any::<u64>(), any::<[u8; 32]>().prop_map(B256::from), 1..40);
    runner(128)
        .run(&(leaves, any::<u64>()), |(leaves, absent)| {
            let tree = SparseMerkleTree::new(leaves.clone());
            let root = tree.root();
            let mut h = h.borrow_mut();
            // Inclusion of every leaf, and the non-inclusion of a slot with no leaf.
            let mut cases: Vec<(u64, B256)> = leaves.iter().map(|(s, l)| (*s, *l)).collect();
            if !leaves.contains_key(&absent) {
                cases.push((absent, cash::empty_subtree(0)));
            }
            for (slot, leaf) in cases {
                let proof = tree.proof(slot);
                prop_assert_eq!(cash::compute_root(&leaf, slot, &proof), Ok(root));
                let call = H::computeRootCall { leaf, slot, proof: proof.clone().into() };
                prop_assert_eq!(h.call(call).unwrap(), root);
                let ok = H::checkMembershipCall { leaf, slot, root, proof: proof.clone().into() };
                prop_assert!(h.call(ok).unwrap());
                // A wrong leaf, or the proof of another slot, proves nothing.
                let wrong = H::checkMembershipCall {
                    leaf: keccak256(leaf),
                    slot,
                    root,
                    proof: proof.clone().into(),
                };
                prop_assert!(!h.call(wrong).unwrap());
                // A proof whose length disagrees with its bitmap: both refuse.
                let mut cut = proof.clone();
                cut.pop();
                prop_assert!(cash::compute_root(&leaf, slot, &cut).is_err());
                let call = H::computeRootCall { leaf, slot, proof: cut.into() };
                prop_assert!(h.call(call).is_err());
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn mode_prefixed_signatures_agree() {
    let h = cash_formats();
    runner(256)
        .run(&(arb_key(), any::<[u8; 32]>(), any::<bool>()), |(key, hash, eth_signed)| {
            let hash = B256::from(hash);
            let signed = if eth_signed {
                let mut prefixed = b"\x19Ethereum Signed Message:\n32".to_vec();
                prefixed.extend_from_slice(hash.as_slice());
                CashSignature { mode: SignMode::EthSigned, sig: key.sign(&keccak256(&prefixed)) }
            } else {
                CashSignature { mode: SignMode::Raw, sig: key.sign(&hash) }
            };
            let bytes = signed.to_bytes();
            prop_assert_eq!(signed.recover(&hash), Ok(key.address()));
            let mut h = h.borrow_mut();
            let sol = h.call(H::recoverCall { hash, sig: bytes.to_vec().into() }).unwrap();
            prop_assert_eq!(sol, key.address());
            // An unknown mode byte or a 65-byte signature: both refuse.
            let mut bad_mode = bytes;
            bad_mode[0] = 2;
            prop_assert!(CashSignature::from_slice(&bad_mode).is_err());
            let call = H::recoverCall { hash, sig: bad_mode.to_vec().into() };
            prop_assert!(h.call(call).is_err());
            prop_assert!(CashSignature::from_slice(&bytes[1..]).is_err());
            let call = H::recoverCall { hash, sig: bytes[1..].to_vec().into() };
            prop_assert!(h.call(call).is_err());
            Ok(())
        })
        .unwrap();
}
