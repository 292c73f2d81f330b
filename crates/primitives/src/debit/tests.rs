use super::*;
use crate::{
    cash::CashSignature,
    testing::{arb_debit_tx, arb_edit},
};
use proptest::prelude::*;

fn pay() -> DebitTx {
    DebitTx::Pay(PayTx {
        from_slot: 7,
        from_prev_block: U256::from(1000),
        from_owner: Address::repeat_byte(1),
        from_balance: U256::from(7),
        to_slot: 9,
        to_owner: Address::repeat_byte(2),
        amount: U256::from(3),
    })
}

#[test]
fn each_kind_has_its_bytes_and_the_deposit_hashes_its_slot_only() {
    let deposit = DebitTx::Deposit(DepositTx {
        slot: 7,
        owner: Address::repeat_byte(1),
        balance: U256::from(10),
    });
    // [0x80 (kind 0), 0x07, 0x94 ‖ owner, 0x0a]
    let mut expected = vec![0xd8, 0x80, 0x07, 0x94];
    expected.extend_from_slice(&[1; 20]);
    expected.push(0x0a);
    assert_eq!(deposit.encode(), expected);
    assert_eq!(deposit.hash(), keccak256(7u64.to_be_bytes()));
    let p = pay();
    assert_eq!(p.encode()[..3], [0xf2, 0x02, 0x07]);
    assert_eq!(p.hash(), keccak256(p.encode()));
    assert_eq!(p.payee_slot(), Some(9));
    let own = p.own_state();
    assert_eq!((own.slot, own.owner, own.balance), (7, Address::repeat_byte(1), U256::from(7)));
}

#[test]
fn malformed_shapes_are_named() {
    let list = |items: &[&[u8]]| {
        let mut payload = Vec::new();
        for item in items {
            payload.extend_from_slice(item);
        }
        let mut out = Vec::new();
        rlp::write_list(&mut out, &payload);
        out
    };
    assert_eq!(DebitTx::decode(&list(&[&[0x03]])), Err(DebitError::UnknownKind(U256::from(3))));
    assert_eq!(
        DebitTx::decode(&list(&[&[0x01], &[0x07]])),
        Err(DebitError::WrongFieldCount { kind: 1, expected: 5, found: 2 })
    );
    assert!(matches!(
        DebitTx::decode(&list(&[])),
        Err(DebitError::Rlp { field: "transaction", .. })
    ));
    let mut wide = pay().encode();
    // fromSlot 7 → a 9-byte slot: rebuild with an oversized slot.
    let DebitTx::Pay(p) = pay() else { unreachable!() };
    let mut payload = Vec::new();
    rlp::write_uint(&mut payload, U256::from(2));
    rlp::write_uint(&mut payload, U256::from(1u128 << 64));
    rlp::write_uint(&mut payload, p.from_prev_block);
    rlp::write_bytes(&mut payload, p.from_owner.as_slice());
    rlp::write_uint(&mut payload, p.from_balance);
    rlp::write_uint(&mut payload, U256::from(p.to_slot));
    rlp::write_bytes(&mut payload, p.to_owner.as_slice());
    rlp::write_uint(&mut payload, p.amount);
    wide.clear();
    rlp::write_list(&mut wide, &payload);
    assert_eq!(
        DebitTx::decode(&wide),
        Err(DebitError::SlotTooLarge { field: "fromSlot", value: U256::from(1u128 << 64) })
    );
    let short_owner = list(&[&[0x80], &[0x07], &[0x82, 1, 2], &[0x0a]]);
    assert!(matches!(DebitTx::decode(&short_owner), Err(DebitError::Rlp { field: "owner", .. })));
}

#[test]
fn a_signature_recovers_the_signer() {
    let key = PrivateKey::from_seed(b"debit");
    let tx = pay();
    let sig = CashSignature::from_slice(&tx.sign(&key).to_bytes()).unwrap();
    assert_eq!(sig.recover(&tx.hash()), Ok(key.address()));
}

proptest! {
    #[test]
    fn every_transaction_round_trips(tx in arb_debit_tx()) {
        prop_assert_eq!(DebitTx::decode(&tx.encode()), Ok(tx));
    }

    /// A one-byte edit either fails to decode or decodes to a transaction that encodes back to
    /// exactly the edited bytes (the format has one encoding per transaction).
    #[test]
    fn an_edit_is_refused_or_canonical(tx in arb_debit_tx(), edit in arb_edit()) {
        let edited = edit.apply(&tx.encode());
        if let Ok(decoded) = DebitTx::decode(&edited) {
            prop_assert_eq!(decoded.encode(), edited);
        }
    }
}
