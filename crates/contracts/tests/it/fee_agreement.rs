//! Rust and Solidity agree on the fee transaction, and on reading an exit's output from either
//! kind of transaction, byte for byte (the real `FormatsHarness` bytecode, in revm).

use crate::evm::{Harness, runner};
use alloy_primitives::{Address, B256, U256};
use plasma_contracts::FormatsHarness;
use plasma_primitives::{
    ChainTx, FeeTx, Output, UtxoPos,
    fee::fee_nonce,
    testing::{arb_edit, arb_output, arb_tx},
};
use proptest::{collection::vec, prelude::*};
use std::cell::RefCell;

fn formats() -> RefCell<Harness> {
    Harness::deploy(&FormatsHarness::BYTECODE)
}

/// A fee claim of a random output in block `blknum`: its nonce the right one, or any.
fn arb_fee() -> impl Strategy<Value = (u64, FeeTx)> {
    let nonce = prop_oneof![Just(None), any::<[u8; 32]>().prop_map(|n| Some(B256::from(n)))];
    (1u64..10_000, arb_output(), nonce).prop_map(|(block, output, nonce)| {
        let blknum = block * 1000;
        let nonce = nonce.unwrap_or_else(|| fee_nonce(blknum, output.token));
        (blknum, FeeTx::new(output, nonce).expect("a valid output"))
    })
}

/// Solidity's decode of fee bytes, or `None` if it reverted.
fn solidity_fee(h: &mut Harness, bytes: &[u8]) -> Option<FeeTx> {
    let r = h.call(FormatsHarness::decodeFeeTxCall { txBytes: bytes.to_vec().into() }).ok()?;
    assert_eq!(r.output.outputType, U256::from(2), "a fee output has type 2");
    let o = r.output;
    Some(FeeTx::new(Output { owner: o.owner, token: o.token, amount: o.amount }, r.nonce).unwrap())
}

/// Solidity's read of output `pos` (the exits' `ChainOutput.outputAt`): the output if in
/// range, and the tx's output count; `None` if it reverted.
fn solidity_output(h: &mut Harness, bytes: &[u8], pos: UtxoPos) -> Option<(Option<Output>, u64)> {
    let call =
        FormatsHarness::chainOutputCall { txBytes: bytes.to_vec().into(), utxoPos: pos.raw() };
    let r = h.call(call).ok()?;
    let count = u64::try_from(r.count).unwrap();
    let o = r.output;
    let output = (o.owner != Address::ZERO).then_some(Output {
        owner: o.owner,
        token: o.token,
        amount: o.amount,
    });
    Some((output, count))
}

/// The Rust read of the same: decode either kind; a fee claim's nonce must fit the block.
fn rust_output(bytes: &[u8], pos: UtxoPos) -> Option<(Option<Output>, u64)> {
    let tx = ChainTx::decode(bytes).ok()?;
    if let ChainTx::Fee(fee) = &tx {
        let blknum = pos.blknum_u64()?;
        if !fee.nonce_fits(blknum) {
            return None;
        }
    }
    let outputs = tx.outputs();
    Some((outputs.get(pos.oindex() as usize).copied(), outputs.len() as u64))
}

#[test]
fn fee_transactions_decode_alike_and_nonces_agree() {
    let h = formats();
    runner(500)
        .run(&arb_fee(), |(blknum, fee)| {
            let mut h = h.borrow_mut();
            prop_assert_eq!(solidity_fee(&mut h, &fee.encode()), Some(fee));
            let token = fee.output().token;
            let nonce = h.call(FormatsHarness::feeNonceCall { blknum: U256::from(blknum), token });
            prop_assert_eq!(nonce, Ok(fee_nonce(blknum, token)));
            Ok(())
        })
        .unwrap();
}

/// Near-misses of fee encodings and random bytes: both sides accept exactly the same.
#[test]
fn malformed_fee_bytes_are_judged_alike() {
    let h = formats();
    let edited = (arb_fee(), vec(arb_edit(), 1..3)).prop_map(|((_, fee), edits)| {
        edits.iter().fold(fee.encode(), |b, e| if b.is_empty() { b } else { e.apply(&b) })
    });
    let strategy = prop_oneof![4 => edited, 1 => vec(any::<u8>(), 0..120)];
    let accepted = RefCell::new(0u32);
    runner(2000)
        .run(&strategy, |bytes| {
            let rust = FeeTx::decode(&bytes).ok();
            let solidity = solidity_fee(&mut h.borrow_mut(), &bytes);
            prop_assert_eq!(&rust, &solidity, "bytes 0x{}", hex::encode(&bytes));
            *accepted.borrow_mut() += u32::from(rust.is_some());
            Ok(())
        })
        .unwrap();
    let accepted = accepted.into_inner();
    assert!(accepted > 0 && accepted < 2000, "accepted {accepted} of 2000");
}

/// What an exit reads at a position, from payments, fee claims (right and wrong nonces,
/// output 0 and beyond) and their edits: the same on both sides.
#[test]
fn exits_read_the_same_output_from_either_kind() {
    let h = formats();
    let payment = (arb_tx(), 1u64..10_000).prop_map(|(tx, b)| (b * 1000, tx.encode()));
    let fee = arb_fee().prop_map(|(b, fee)| (b, fee.encode()));
    let valid = prop_oneof![payment, fee];
    let edited = (valid.clone(), vec(arb_edit(), 1..2))
        .prop_map(|((b, bytes), edits)| (b, edits.iter().fold(bytes, |x, e| e.apply(&x))));
    let strategy = (prop_oneof![3 => valid, 1 => edited], 0u8..5, 0u16..3);
    let (found, fees) = (RefCell::new(0u32), RefCell::new(0u32));
    runner(2000)
        .run(&strategy, |((blknum, bytes), oindex, txindex)| {
            let pos = UtxoPos::new(blknum, txindex, oindex);
            let rust = rust_output(&bytes, pos);
            let solidity = solidity_output(&mut h.borrow_mut(), &bytes, pos);
            prop_assert_eq!(&rust, &solidity, "bytes 0x{} at {}", hex::encode(&bytes), pos);
            *found.borrow_mut() += u32::from(matches!(rust, Some((Some(_), _))));
            *fees.borrow_mut() +=
                u32::from(matches!(rust, Some((_, 1))) && FeeTx::decode(&bytes).is_ok());
            Ok(())
        })
        .unwrap();
    let (found, fees) = (found.into_inner(), fees.into_inner());
    assert!(found > 100 && fees > 50, "outputs found {found}, fee claims read {fees}");
}

#[test]
fn a_claim_in_another_block_is_refused_by_both() {
    let mut h = formats().into_inner();
    let fee = FeeTx::claim(2000, Address::repeat_byte(1), Address::ZERO, U256::from(7)).unwrap();
    let here = UtxoPos::new(2000, 3, 0);
    let elsewhere = UtxoPos::new(3000, 3, 0);
    let out = Some((Some(*fee.output()), 1));
    assert_eq!(solidity_output(&mut h, &fee.encode(), here), out);
    assert_eq!(rust_output(&fee.encode(), here), out);
    assert_eq!(solidity_output(&mut h, &fee.encode(), elsewhere), None);
    assert_eq!(rust_output(&fee.encode(), elsewhere), None);
}
