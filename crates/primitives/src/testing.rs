//! Proptest strategies for valid formats (feature `testing`), shared by every crate's tests.

use crate::{
    Address, B256, U256,
    debit::{DebitTx, DepositTx, PayTx, TransferTx},
    position::UtxoPos,
    signature::PrivateKey,
    tx::{MAX_INPUTS, MAX_OUTPUTS, Output, PaymentTx},
};
use proptest::{collection::vec, prelude::*};

/// Any 256-bit value, biased towards small and boundary values.
pub fn arb_u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        any::<u64>().prop_map(U256::from),
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
        Just(U256::MAX),
        Just(U256::from(1)),
    ]
}

/// A non-zero position: mostly realistic ones, some arbitrary 32-byte values.
pub fn arb_utxo_pos() -> impl Strategy<Value = UtxoPos> {
    prop_oneof![
        3 => (1u64..10_000_000, any::<u16>(), 0u8..4).prop_map(|(b, t, o)| UtxoPos::new(b, t, o)),
        1 => arb_u256().prop_filter_map("zero", UtxoPos::from_raw),
    ]
}

/// An address, sometimes zero.
pub fn arb_token() -> impl Strategy<Value = Address> {
    prop_oneof![Just(Address::ZERO), any::<[u8; 20]>().prop_map(Address::from)]
}

/// A valid output.
pub fn arb_output() -> impl Strategy<Value = Output> {
    (
        any::<[u8; 20]>().prop_filter("zero owner", |a| a != &[0; 20]).prop_map(Address::from),
        arb_token(),
        arb_u256().prop_filter("zero amount", |a| !a.is_zero()),
    )
        .prop_map(|(owner, token, amount)| Output { owner, token, amount })
}

/// A valid payment transaction (deposits included).
pub fn arb_tx() -> impl Strategy<Value = PaymentTx> {
    (
        vec(arb_utxo_pos(), 0..=MAX_INPUTS),
        vec(arb_output(), 1..=MAX_OUTPUTS),
        prop_oneof![Just(B256::ZERO), any::<[u8; 32]>().prop_map(B256::from)],
    )
        .prop_map(|(mut inputs, outputs, metadata)| {
            inputs.sort();
            inputs.dedup();
            PaymentTx::new(inputs, outputs, metadata).expect("strategy builds valid transactions")
        })
}

/// Any Plasma Debit transaction of the three kinds, fields anywhere in their ranges.
pub fn arb_debit_tx() -> impl Strategy<Value = DebitTx> {
    let address = any::<[u8; 20]>().prop_map(Address::from);
    prop_oneof![
        (any::<u64>(), address.clone(), arb_u256()).prop_map(|(slot, owner, balance)| {
            DebitTx::Deposit(DepositTx { slot, owner, balance })
        }),
        (any::<u64>(), arb_u256(), address.clone(), arb_u256()).prop_map(
            |(slot, prev_block, new_owner, balance)| {
                DebitTx::Transfer(TransferTx { slot, prev_block, new_owner, balance })
            }
        ),
        (
            (any::<u64>(), arb_u256(), address.clone(), arb_u256()),
            (any::<u64>(), address, arb_u256())
        )
            .prop_map(|((from_slot, from_prev_block, from_owner, from_balance), to)| {
                let (to_slot, to_owner, amount) = to;
                DebitTx::Pay(PayTx {
                    from_slot,
                    from_prev_block,
                    from_owner,
                    from_balance,
                    to_slot,
                    to_owner,
                    amount,
                })
            }),
    ]
}

/// A private key from a random seed.
pub fn arb_key() -> impl Strategy<Value = PrivateKey> {
    any::<[u8; 32]>().prop_map(|seed| PrivateKey::from_seed(&seed))
}

/// A one-byte edit of an encoding: the near-misses a strict decoder must get right.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Overwrite the byte at (index mod length).
    Set(usize, u8),
    /// Insert a byte at (index mod length + 1).
    Insert(usize, u8),
    /// Delete the byte at (index mod length).
    Delete(usize),
    /// Keep only the first (index mod length) bytes.
    Truncate(usize),
}

impl Edit {
    /// The edited copy of `bytes` (which must not be empty).
    pub fn apply(&self, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        let len = out.len();
        match *self {
            Edit::Set(i, b) => out[i % len] = b,
            Edit::Insert(i, b) => out.insert(i % (len + 1), b),
            Edit::Delete(i) => {
                out.remove(i % len);
            }
            Edit::Truncate(i) => out.truncate(i % len),
        }
        out
    }
}

/// Any one-byte edit.
pub fn arb_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}
