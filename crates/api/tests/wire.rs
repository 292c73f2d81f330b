//! The wire format as `docs/api.md` documents it: field names, what is left out, what an older
//! server may omit. (A coin's history through the wire: `crates/cash/tests/wire.rs`.)

use alloy_primitives::B256;
use plasma_api::{Status, SubmitResult, TxAck};
use serde_json::json;

#[test]
fn an_acknowledgement_has_the_documented_fields() {
    let ack = TxAck { tx_hash: B256::repeat_byte(0xab), blknum: 2000, txindex: 7 };
    let wire = serde_json::to_value(&ack).unwrap();
    assert_eq!(
        wire,
        json!({"txHash": format!("0x{}", "ab".repeat(32)), "blknum": 2000, "txindex": 7})
    );
    assert_eq!(serde_json::from_value::<TxAck>(wire).unwrap(), ack);
}

#[test]
fn a_batch_result_carries_only_its_ack_or_its_error() {
    let refused = SubmitResult { ack: None, error: Some("double spend".into()) };
    assert_eq!(serde_json::to_value(&refused).unwrap(), json!({"error": "double spend"}));
    let ack = TxAck { tx_hash: B256::ZERO, blknum: 1000, txindex: 0 };
    let accepted = SubmitResult { ack: Some(ack), error: None };
    let wire = serde_json::to_value(&accepted).unwrap();
    assert_eq!(wire.as_object().unwrap().keys().collect::<Vec<_>>(), ["ack"]);
}

#[test]
fn a_status_without_the_newer_fields_still_reads() {
    let wire = json!({
        "pendingBlock": 3000, "pendingTxs": 4, "lastSealedBlock": 2000,
        "lastSubmittedBlock": 1000, "l1NextBlock": 17, "utxos": 9
    });
    let status: Status = serde_json::from_value(wire).unwrap();
    assert_eq!((status.pending_block, status.utxos), (3000, 9));
    assert_eq!((status.held, status.live_exits), (0, (0, 0)));
    let full = serde_json::to_value(&status).unwrap();
    assert_eq!(full["liveExits"], json!([0, 0]), "{full}");
}
