//! Any bytes through every transaction decoder: no panic, and whatever is accepted is the
//! one canonical encoding of what it decodes to. Also the payment tx's unsigned bytes sliced
//! from signed ones (the operator's fast path) against re-encoding, and the Plasma Cash
//! decoders: coin transactions, mode-prefixed signatures, bitmap proofs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plasma_primitives::{
    AnyTx, B256, PaymentTx, SignedTx,
    cash::{self, CashSignature, CashTx},
};

fuzz_target!(|data: &[u8]| {
    if let Ok(tx) = PaymentTx::decode(data) {
        assert_eq!(tx.encode(), data, "accepted a non-canonical unsigned encoding");
        let _ = tx.struct_hash();
    }
    if let Ok(signed) = SignedTx::decode(data) {
        assert_eq!(signed.encode(), data, "accepted a non-canonical signed encoding");
        let sliced = SignedTx::unsigned_bytes_of(data).expect("a signed tx slices");
        assert_eq!(sliced, signed.tx().encode(), "sliced unsigned bytes differ");
        let _ = signed.signers(&Default::default());
    }
    let _ = AnyTx::decode(data);
    if let Ok(tx) = CashTx::decode(data) {
        assert_eq!(tx.encode(), data, "accepted a non-canonical coin transaction");
        let _ = tx.hash();
    }
    if let Ok(sig) = CashSignature::from_slice(data) {
        assert_eq!(sig.to_bytes().as_slice(), data, "a signature does not round-trip");
        let _ = sig.recover(&B256::ZERO);
    }
    if let Some((slot, proof)) = data.split_first_chunk::<8>() {
        let _ = cash::compute_root(&B256::ZERO, u64::from_be_bytes(*slot), proof);
    }
});
