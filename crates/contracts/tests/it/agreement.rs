//! Rust and Solidity agree on every format, byte for byte.
//!
//! The Solidity side is the real bytecode of `contracts/src/harness/FormatsHarness.sol`
//! (from the committed artifact), run in revm. Each test draws many random inputs, valid and
//! malformed, and asks both sides the same question.

use crate::evm::{Harness, runner};
use alloy_primitives::{Address, B256, Bytes, U256};
use plasma_contracts::FormatsHarness;
use plasma_primitives::{
    Eip712Domain, MerkleTree, PaymentTx, Signature, UtxoPos, merkle,
    testing::{arb_edit, arb_key, arb_tx, arb_u256},
};
use proptest::{collection::vec, prelude::*};
use std::cell::RefCell;

/// Solidity's decode of payment bytes, as a Rust transaction, or `None` if it reverted.
trait DecodePayment {
    fn decode(&mut self, bytes: &[u8]) -> Option<PaymentTx>;
}

impl DecodePayment for Harness {
    fn decode(&mut self, bytes: &[u8]) -> Option<PaymentTx> {
        let r = self.call(FormatsHarness::decodeTxCall { txBytes: bytes.to_vec().into() }).ok()?;
        assert_eq!(r.txType, U256::from(1), "a successful decode has txType 1");
        assert_eq!(r.txData, U256::ZERO, "a successful decode has txData 0");
        let inputs = r
            .inputs
            .iter()
            .map(|i| UtxoPos::from_raw(U256::from_be_bytes(i.0)).expect("non-zero input"))
            .collect();
        let outputs = r
            .outputs
            .iter()
            .map(|o| {
                assert_eq!(o.outputType, U256::from(1));
                plasma_primitives::Output { owner: o.owner, token: o.token, amount: o.amount }
            })
            .collect();
        Some(PaymentTx::new(inputs, outputs, r.metadata).expect("Solidity returned a valid tx"))
    }
}

fn formats() -> RefCell<Harness> {
    Harness::deploy(&FormatsHarness::BYTECODE)
}

#[test]
fn valid_transactions_decode_and_hash_alike() {
    let h = formats();
    let strategy = (arb_tx(), any::<[u8; 32]>());
    runner(1000)
        .run(&strategy, |(tx, separator)| {
            let mut h = h.borrow_mut();
            let bytes = tx.encode();
            let separator = B256::from(separator);
            prop_assert_eq!(h.decode(&bytes), Some(tx.clone()));
            let data: Bytes = bytes.into();
            prop_assert_eq!(
                h.call(FormatsHarness::txHashCall { txBytes: data.clone() }),
                Ok(tx.hash())
            );
            prop_assert_eq!(
                h.call(FormatsHarness::isDepositCall { txBytes: data.clone() }),
                Ok(tx.is_deposit())
            );
            let digest = h.call(FormatsHarness::signingHashCall {
                txBytes: data,
                domainSeparator_: separator,
            });
            prop_assert_eq!(digest, Ok(tx.signing_hash(&separator)));
            Ok(())
        })
        .unwrap();
}

/// Near-misses of valid encodings, and plain random bytes: both sides accept exactly the same.
#[test]
fn malformed_bytes_are_judged_alike() {
    let h = formats();
    let edited = (arb_tx(), vec(arb_edit(), 1..3)).prop_map(|(tx, edits)| {
        edits
            .iter()
            .fold(tx.encode(), |bytes, e| if bytes.is_empty() { bytes } else { e.apply(&bytes) })
    });
    let strategy = prop_oneof![4 => edited, 1 => vec(any::<u8>(), 0..200)];
    let accepted = RefCell::new(0u32);
    runner(3000)
        .run(&strategy, |bytes| {
            let rust = PaymentTx::decode(&bytes).ok();
            let solidity = h.borrow_mut().decode(&bytes);
            prop_assert_eq!(&rust, &solidity, "bytes 0x{}", hex::encode(&bytes));
            *accepted.borrow_mut() += u32::from(rust.is_some());
            Ok(())
        })
        .unwrap();
    // Some edits keep a transaction valid (a changed amount byte); the test must see both kinds.
    let accepted = accepted.into_inner();
    assert!(accepted > 0 && accepted < 3000, "accepted {accepted} of 3000");
}

/// One hand-made case per rule, so a rule both sides forget cannot hide in random sampling.
#[test]
fn each_rule_is_enforced_by_both() {
    let mut h = formats().into_inner();
    let owner = [0x11u8; 20];
    let zero20 = [0u8; 20];
    let meta = [0u8; 32];
    let pos = UtxoPos::new(1000, 0, 0).to_bytes();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "four items",
            rlp_list(&[
                uint(1),
                rlp_list(&[]),
                rlp_list(&[output(1, &owner, &zero20, 5)]),
                uint(0),
            ]),
        ),
        ("txType 2", tx(uint(2), &[], &[output(1, &owner, &zero20, 5)], uint(0), &meta)),
        (
            "txType with leading zero",
            tx(bytes(&[0, 1]), &[], &[output(1, &owner, &zero20, 5)], uint(0), &meta),
        ),
        (
            "txType as a list",
            tx(rlp_list(&[]), &[], &[output(1, &owner, &zero20, 5)], uint(0), &meta),
        ),
        ("no outputs", tx(uint(1), &[], &[], uint(0), &meta)),
        ("five outputs", tx(uint(1), &[], &vec![output(1, &owner, &zero20, 5); 5], uint(0), &meta)),
        ("five inputs", {
            let ins: Vec<Vec<u8>> =
                (0..5u8).map(|i| bytes(&UtxoPos::new(1000, 0, i).to_bytes())).collect();
            tx(uint(1), &ins, &[output(1, &owner, &zero20, 5)], uint(0), &meta)
        }),
        (
            "duplicate input",
            tx(
                uint(1),
                &[bytes(&pos), bytes(&pos)],
                &[output(1, &owner, &zero20, 5)],
                uint(0),
                &meta,
            ),
        ),
        (
            "zero input",
            tx(uint(1), &[bytes(&[0u8; 32])], &[output(1, &owner, &zero20, 5)], uint(0), &meta),
        ),
        (
            "31-byte input",
            tx(uint(1), &[bytes(&pos[1..])], &[output(1, &owner, &zero20, 5)], uint(0), &meta),
        ),
        ("output type 2", tx(uint(1), &[], &[output(2, &owner, &zero20, 5)], uint(0), &meta)),
        ("zero owner", tx(uint(1), &[], &[output(1, &zero20, &zero20, 5)], uint(0), &meta)),
        ("zero amount", tx(uint(1), &[], &[output(1, &owner, &zero20, 0)], uint(0), &meta)),
        ("19-byte owner", tx(uint(1), &[], &[output(1, &owner[1..], &zero20, 5)], uint(0), &meta)),
        ("21-byte token", tx(uint(1), &[], &[output(1, &owner, &[0u8; 21], 5)], uint(0), &meta)),
        ("amount of 33 bytes", {
            let out =
                rlp_list(&[uint(1), rlp_list(&[bytes(&owner), bytes(&zero20), bytes(&[1u8; 33])])]);
            tx(uint(1), &[], &[out], uint(0), &meta)
        }),
        ("output of three items", {
            let out = rlp_list(&[uint(1), bytes(&owner), rlp_list(&[bytes(&zero20), uint(5)])]);
            tx(uint(1), &[], &[out], uint(0), &meta)
        }),
        ("txData 1", tx(uint(1), &[], &[output(1, &owner, &zero20, 5)], uint(1), &meta)),
        (
            "31-byte metadata",
            tx(uint(1), &[], &[output(1, &owner, &zero20, 5)], uint(0), &meta[1..]),
        ),
        ("trailing byte", {
            let mut b = tx(uint(1), &[], &[output(1, &owner, &zero20, 5)], uint(0), &meta);
            b.push(0);
            b
        }),
        ("non-canonical single byte", {
            let out =
                rlp_list(&[vec![0x81, 0x01], rlp_list(&[bytes(&owner), bytes(&zero20), uint(5)])]);
            tx(uint(1), &[], &[out], uint(0), &meta)
        }),
        ("long form for a short list", {
            let good = tx(uint(1), &[], &[output(1, &owner, &zero20, 5)], uint(0), &meta);
            // Re-wrap the payload of the top-level list with a needless extra length byte.
            let payload = &good[2..];
            let mut b = vec![0xf9, 0x00, payload.len() as u8];
            b.extend_from_slice(payload);
            b
        }),
        ("empty input", vec![]),
    ];
    for (name, case) in cases {
        let rust = PaymentTx::decode(&case);
        let solidity = h.decode(&case);
        assert!(rust.is_err(), "{name}: Rust accepted 0x{}", hex::encode(&case));
        assert!(solidity.is_none(), "{name}: Solidity accepted 0x{}", hex::encode(&case));
    }
    // And the control: the well-formed version of all of the above is accepted by both.
    let good = tx(uint(1), &[bytes(&pos)], &[output(1, &owner, &zero20, 5)], uint(0), &meta);
    assert_eq!(h.decode(&good), Some(PaymentTx::decode(&good).unwrap()));
}

#[test]
fn domain_separators_agree() {
    let h = formats();
    let strategy = (".{0,40}", ".{0,8}", any::<[u8; 20]>(), any::<[u8; 32]>());
    runner(200)
        .run(&strategy, |(name, version, contract, salt)| {
            let domain = Eip712Domain {
                name: name.clone(),
                version: version.clone(),
                verifying_contract: Address::from(contract),
                salt: B256::from(salt),
            };
            let call = FormatsHarness::domainSeparatorCall {
                name,
                version,
                verifyingContract: domain.verifying_contract,
                salt: domain.salt,
            };
            prop_assert_eq!(h.borrow_mut().call(call), Ok(domain.separator()));
            Ok(())
        })
        .unwrap();
}

/// Every signature either side accepts, the other accepts too, with the same signer.
#[test]
fn signatures_agree() {
    let h = formats();
    let strategy = (arb_key(), any::<[u8; 32]>(), 0u8..6, any::<[u8; 65]>());
    runner(400)
        .run(&strategy, |(key, digest, variant, noise)| {
            let digest = B256::from(digest);
            let good = *key.sign(&digest).as_bytes();
            let raw: Vec<u8> = match variant {
                0 => good.to_vec(),
                1 => high_s_twin(&good).to_vec(),
                2 => with_v(&good, good[64] - 27),
                3 => with_v(&good, 29),
                4 => good[..64].to_vec(),
                _ => noise.to_vec(),
            };
            let rust = Signature::from_slice(&raw).and_then(|s| s.recover(&digest)).ok();
            let call = FormatsHarness::recoverSignerCall { digest, sig: raw.into() };
            let solidity = h.borrow_mut().call(call).ok();
            prop_assert_eq!(rust, solidity);
            if variant == 0 {
                prop_assert_eq!(rust, Some(key.address()));
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn merkle_proofs_agree() {
    let h = formats();
    let strategy = (vec(vec(any::<u8>(), 0..120), 1..64), any::<usize>(), 0u8..4);
    runner(300)
        .run(&strategy, |(leaves, pick, variant)| {
            let mut h = h.borrow_mut();
            let tree = MerkleTree::from_leaves(&leaves).unwrap();
            let i = pick % leaves.len();
            let mut proof = tree.proof(i as u64).unwrap();
            let mut index = U256::from(i);
            match variant {
                0 => {}
                1 => index = U256::from((i + 1) % 64),
                2 => proof.truncate(pick % merkle::PROOF_LEN),
                _ => index += U256::from(merkle::MAX_LEAVES),
            }
            let rust = u64::try_from(index)
                .map_err(|_| ())
                .and_then(|idx| merkle::compute_root(&leaves[i], idx, &proof).map_err(|_| ()))
                .map(|root| root == tree.root());
            let call = FormatsHarness::checkMembershipCall {
                leafData: leaves[i].clone().into(),
                index,
                root: tree.root(),
                proof: proof.into(),
            };
            prop_assert_eq!(rust, h.call(call).map_err(|_| ()));
            if variant == 0 {
                prop_assert_eq!(rust, Ok(true));
            }
            let leaf = h.call(FormatsHarness::leafHashCall { leafData: leaves[i].clone().into() });
            prop_assert_eq!(leaf, Ok(merkle::leaf_hash(&leaves[i])));
            let deposit =
                h.call(FormatsHarness::depositRootCall { txBytes: leaves[i].clone().into() });
            prop_assert_eq!(deposit, Ok(merkle::deposit_root(&leaves[i])));
            Ok(())
        })
        .unwrap();
}

#[test]
fn positions_agree() {
    let h = formats();
    let strategy = (any::<u64>(), any::<u16>(), 0u8..4, arb_u256());
    runner(300)
        .run(&strategy, |(blknum, txindex, oindex, raw)| {
            let mut h = h.borrow_mut();
            let pos = UtxoPos::new(blknum, txindex, oindex);
            let call = FormatsHarness::encodeUtxoPosCall {
                blknum: U256::from(blknum),
                txindex: U256::from(txindex),
                oindex: U256::from(oindex),
            };
            prop_assert_eq!(h.call(call), Ok(pos.raw()));
            if let Some(any_pos) = UtxoPos::from_raw(raw) {
                let parts = h.call(FormatsHarness::decodeUtxoPosCall { utxoPos: raw }).unwrap();
                prop_assert_eq!(parts.blknum, any_pos.blknum());
                prop_assert_eq!(parts.txindex, U256::from(any_pos.txindex()));
                prop_assert_eq!(parts.oindex, U256::from(any_pos.oindex()));
            }
            Ok(())
        })
        .unwrap();
}

fn high_s_twin(sig: &[u8; 65]) -> [u8; 65] {
    const N: U256 = U256::from_be_bytes(alloy_primitives::hex!(
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
    ));
    let s = U256::from_be_slice(&sig[32..64]);
    let mut out = *sig;
    out[32..64].copy_from_slice(&(N - s).to_be_bytes::<32>());
    out[64] = if sig[64] == 27 { 28 } else { 27 };
    out
}

fn with_v(sig: &[u8; 65], v: u8) -> Vec<u8> {
    let mut out = sig.to_vec();
    out[64] = v;
    out
}

// A tiny independent RLP writer, so the malformed cases do not lean on the code under test.

fn bytes(b: &[u8]) -> Vec<u8> {
    if b.len() == 1 && b[0] < 0x80 {
        return b.to_vec();
    }
    let mut out = header(0x80, b.len());
    out.extend_from_slice(b);
    out
}

fn uint(v: u64) -> Vec<u8> {
    let be = v.to_be_bytes();
    let skip = be.iter().take_while(|&&x| x == 0).count();
    bytes(&be[skip..])
}

fn header(offset: u8, len: usize) -> Vec<u8> {
    if len <= 55 {
        vec![offset + len as u8]
    } else if len < 256 {
        vec![offset + 56, len as u8]
    } else {
        vec![offset + 57, (len >> 8) as u8, len as u8]
    }
}

fn rlp_list(items: &[Vec<u8>]) -> Vec<u8> {
    let payload: Vec<u8> = items.concat();
    let mut out = header(0xc0, payload.len());
    out.extend(payload);
    out
}

fn output(output_type: u64, owner: &[u8], token: &[u8], amount: u64) -> Vec<u8> {
    rlp_list(&[uint(output_type), rlp_list(&[bytes(owner), bytes(token), uint(amount)])])
}

fn tx(
    tx_type: Vec<u8>,
    inputs: &[Vec<u8>],
    outputs: &[Vec<u8>],
    tx_data: Vec<u8>,
    meta: &[u8],
) -> Vec<u8> {
    rlp_list(&[tx_type, rlp_list(inputs), rlp_list(outputs), tx_data, bytes(meta)])
}
