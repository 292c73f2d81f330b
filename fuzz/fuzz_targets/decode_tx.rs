//! Any bytes through every transaction decoder: no panic, and whatever is accepted is the
//! one canonical encoding of what it decodes to.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plasma_primitives::{AnyTx, PaymentTx, SignedTx};

fuzz_target!(|data: &[u8]| {
    if let Ok(tx) = PaymentTx::decode(data) {
        assert_eq!(tx.encode(), data, "accepted a non-canonical unsigned encoding");
        let _ = tx.struct_hash();
    }
    if let Ok(signed) = SignedTx::decode(data) {
        assert_eq!(signed.encode(), data, "accepted a non-canonical signed encoding");
        let _ = signed.signers(&Default::default());
    }
    let _ = AnyTx::decode(data);
});
