use crate::{fails, ok};
use plasma_primitives::{
    Address, B256, Eip712Domain, PaymentTx, PrivateKey, SignedTx, U256, UtxoPos, testing::arb_tx,
    tx::Output,
};
use proptest::prelude::*;
use serde_json::Value;

/// omg-js's transfer, one input (2000, 0, 1); see crates/primitives/tests/it/omg_vectors.rs.
const OMG_TX: &str = "0xf8a601e1a0000000000000000000000000000000000000000000000000000001d1a94a2001f85fed01eb94f86b5b1c2c8de1ea4dc737c849272340fa3561c59400000000000000000000000000000000000000007bf001ee94f86b5b1c2c8de1ea4dc737c849272340fa3561c59400000000000000000000000000000000000000008354c46c80a00000000000000000000000000000000000000000000000000000000000000000";
const OMG_CONTRACT: &str = "0x44de0ec539b8c4a4b530c78620fe8320167f2f74";

#[test]
fn decode_then_encode_gives_back_the_bytes() {
    let json = ok(&["tx", "decode", OMG_TX]);
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["inputs"][0]["blknum"], "2000");
    assert_eq!(value["inputs"][0]["oindex"], 1);
    assert_eq!(value["outputs"][1]["amount"], "5555308");
    assert_eq!(ok(&["tx", "encode", &json]), OMG_TX);
}

#[test]
fn hash_matches_the_library_for_the_omg_domain() {
    let out: Value =
        serde_json::from_str(&ok(&["tx", "hash", OMG_TX, "--verifying-contract", OMG_CONTRACT]))
            .unwrap();
    let tx = PaymentTx::decode(&hex::decode(&OMG_TX[2..]).unwrap()).unwrap();
    let domain = Eip712Domain::omg(OMG_CONTRACT.parse().unwrap()).separator();
    assert_eq!(out["txHash"], tx.hash().to_string());
    assert_eq!(out["signingHash"], tx.signing_hash(&domain).to_string());
    assert_eq!(
        out["domainSeparator"],
        "0xb542beb7bafc6796b8439716a4e460a2634ac432216cebc524e54f8789e2924c"
    );
}

#[test]
fn sign_then_hash_names_the_signer() {
    let key = PrivateKey::from_seed(b"cli");
    let key_hex = hex::encode(key.to_bytes());
    let domain_flags = [
        "--eip712-name",
        "Test Chain",
        "--eip712-version",
        "2",
        "--verifying-contract",
        OMG_CONTRACT,
    ];
    let mut args = vec!["tx", "sign", OMG_TX, "--key", &key_hex];
    args.extend(domain_flags);
    let signed_hex = ok(&args);
    let signed = SignedTx::decode(&hex::decode(&signed_hex[2..]).unwrap()).unwrap();
    let domain = Eip712Domain {
        name: "Test Chain".into(),
        version: "2".into(),
        verifying_contract: OMG_CONTRACT.parse().unwrap(),
        salt: plasma_primitives::eip712::OMG_SALT,
    };
    assert_eq!(signed.signers(&domain.separator()).unwrap(), vec![key.address()]);

    let mut args = vec!["tx", "hash", &signed_hex];
    args.extend(domain_flags);
    let out: Value = serde_json::from_str(&ok(&args)).unwrap();
    assert_eq!(out["signers"][0], key.address().to_string());
    // Decoding the signed form shows the signature; encoding it gives the same bytes.
    let json = ok(&["tx", "decode", &signed_hex]);
    assert!(json.contains("signatures"));
    assert_eq!(ok(&["tx", "encode", &json]), signed_hex);
}

#[test]
fn bad_inputs_fail_with_one_line_naming_the_problem() {
    assert!(fails(&["tx", "decode", "0xzz"]).contains("bad hex"));
    assert!(fails(&["tx", "decode", "0xc0"]).contains("expected a list of 5 items, found 0"));
    let deposit =
        PaymentTx::deposit(Address::repeat_byte(1), Address::ZERO, U256::from(1)).unwrap();
    let mut zero_amount = hex::encode(deposit.encode());
    // The amount 0x01 is the byte before `80 a0 <metadata>`: make it 0x80 (zero).
    let at = zero_amount.len() - 2 * (1 + 1 + 33);
    zero_amount.replace_range(at..at + 2, "80");
    assert!(fails(&["tx", "decode", &zero_amount]).contains("outputs[0].amount is zero"));
    let five = PaymentTx::new(
        (0..4).map(|i| UtxoPos::new(1000, 0, i)).collect(),
        vec![Output {
            owner: Address::repeat_byte(1),
            token: Address::ZERO,
            amount: U256::from(1),
        }],
        B256::ZERO,
    )
    .unwrap();
    let json = ok(&["tx", "decode", &format!("0x{}", hex::encode(five.encode()))]);
    let too_many =
        json.replacen("\"inputs\": [", "\"inputs\": [{\"utxoPos\": \"9000000000000\"},", 1);
    assert!(fails(&["tx", "encode", &too_many]).contains("at most 4 inputs are allowed, found 5"));
    assert!(fails(&["tx", "sign", OMG_TX, "--key", "0x00"]).contains("32 bytes"));
    let zero_key = "00".repeat(32);
    assert!(fails(&["tx", "sign", OMG_TX, "--key", &zero_key]).contains("private key"));
    let dep_hex = format!("0x{}", hex::encode(deposit.encode()));
    assert!(fails(&["tx", "sign", &dep_hex, "--key", &"11".repeat(32)]).contains("deposit"));
    assert!(fails(&["tx", "encode", "{\"outputs\": 5}"]).contains("invalid transaction JSON"));
}

/// A mixed-case address that fails its EIP-55 checksum is refused wherever an address is
/// read (one mistyped character would otherwise send the money to nobody); the same address
/// in lowercase is taken.
#[test]
fn a_mistyped_checksummed_address_is_refused() {
    let typo = "0x9BE140Cbd6FAfF7DD20b66b38167F460C50e3A1b";
    let zero = Address::ZERO;
    let json = |owner: &str| {
        format!(r#"{{"inputs":[],"outputs":[{{"owner":"{owner}","token":"{zero}","amount":5}}]}}"#)
    };
    assert!(fails(&["tx", "encode", &json(typo)]).contains("EIP-55"));
    ok(&["tx", "encode", &json(&typo.to_lowercase())]);
    // Command-line arguments are refused by the argument parser, before anything runs.
    for args in [
        &["tx", "hash", OMG_TX, "--verifying-contract", typo][..],
        &["wallet", "send", typo, "0.001"],
    ] {
        let out = crate::plasma(args);
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!out.status.success() && err.contains("EIP-55"), "{args:?}: {err}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn any_valid_tx_survives_decode_and_encode(tx in arb_tx()) {
        let hex = format!("0x{}", hex::encode(tx.encode()));
        let json = ok(&["tx", "decode", &hex]);
        prop_assert_eq!(ok(&["tx", "encode", &json]), hex);
    }
}
