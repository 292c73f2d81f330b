//! Rust and Solidity agree on every Plasma Debit format (docs/debit.md, "Transactions"), byte
//! for byte: the three kinds, their strict decoding, the hash rule and the slot formula. The
//! Solidity side is the real bytecode of `contracts/src/harness/DebitFormatsHarness.sol`, run
//! in revm, asked the same questions as `plasma_primitives::debit` on many random inputs,
//! valid and malformed. (Blocks, proofs and signatures are Plasma Cash's: cash_agreement.rs.)

use crate::evm::{Harness, runner};
use alloy_primitives::{Address, B256, U256, keccak256};
use plasma_contracts::DebitFormatsHarness as H;
use plasma_primitives::{
    cash,
    debit::DebitTx,
    testing::{arb_debit_tx, arb_edit},
};
use proptest::{collection::vec, prelude::*};

/// What Solidity decodes: (kind, own slot, prevBlock, owner, balance, toSlot, toOwner, amount,
/// hash), or `None` if it reverted.
type Decoded = (u8, u64, U256, Address, U256, u64, Address, U256, B256);

fn sol_decode(h: &mut Harness, bytes: &[u8]) -> Option<Decoded> {
    let r = h.call(H::decodeCall { txBytes: bytes.to_vec().into() }).ok()?;
    Some((r.kind, r.slot, r.prevBlock, r.owner, r.balance, r.toSlot, r.toOwner, r.amount, r.hash))
}

/// The same fields read from the Rust decoding.
fn rust_view(tx: &DebitTx) -> Decoded {
    let own = tx.own_state();
    let (to_slot, to_owner, amount) = match tx {
        DebitTx::Pay(p) => (p.to_slot, p.to_owner, p.amount),
        _ => (0, Address::ZERO, U256::ZERO),
    };
    (
        tx.kind(),
        own.slot,
        own.prev_block,
        own.owner,
        own.balance,
        to_slot,
        to_owner,
        amount,
        tx.hash(),
    )
}

fn debit_formats() -> std::cell::RefCell<Harness> {
    Harness::deploy(&H::BYTECODE)
}

#[test]
fn every_kind_decodes_and_hashes_alike() {
    let h = debit_formats();
    runner(1024)
        .run(&arb_debit_tx(), |tx| {
            let bytes = tx.encode();
            let mut h = h.borrow_mut();
            prop_assert_eq!(sol_decode(&mut h, &bytes), Some(rust_view(&tx)));
            prop_assert_eq!(h.call(H::txHashCall { txBytes: bytes.into() }).unwrap(), tx.hash());
            let slot = tx.own_state().slot;
            let deposit = h.call(H::depositHashCall { slot }).unwrap();
            prop_assert_eq!(deposit, keccak256(slot.to_be_bytes()));
            Ok(())
        })
        .unwrap();
}

#[test]
fn malformed_transactions_are_judged_alike() {
    let h = debit_formats();
    runner(2048)
        .run(&(arb_debit_tx(), vec(arb_edit(), 1..4)), |(tx, edits)| {
            let mut bytes = tx.encode();
            for edit in &edits {
                if bytes.is_empty() {
                    break; // an edit needs a byte to work on
                }
                bytes = edit.apply(&bytes);
            }
            let rust = DebitTx::decode(&bytes).ok().map(|t| rust_view(&t));
            let sol = sol_decode(&mut h.borrow_mut(), &bytes);
            prop_assert_eq!(rust, sol, "bytes {}", alloy_primitives::hex::encode(&bytes));
            Ok(())
        })
        .unwrap();
}

#[test]
fn slots_agree() {
    let h = debit_formats();
    runner(256)
        .run(&(any::<u64>(), any::<[u8; 20]>()), |(n, depositor)| {
            let depositor = Address::from(depositor);
            let call = H::slotOfCall { numCoins: n, sender: depositor, from: depositor };
            prop_assert_eq!(
                h.borrow_mut().call(call).unwrap(),
                cash::slot_of(n, depositor, depositor)
            );
            Ok(())
        })
        .unwrap();
}
