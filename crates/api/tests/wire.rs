//! The wire format as `docs/api.md` documents it: field names, what is left out, what an older
//! server may omit, and a coin's history through the wire and back.

use alloy_primitives::{B256, Bytes, U256};
use plasma_api::{CoinHistoryData, HistoryEntryData, Status, SubmitResult, TxAck};
use plasma_cash::{BlockEntry, CoinHistory, Origin, Spend};
use plasma_primitives::{
    cash::{CashSignature, CashTx},
    signature::PrivateKey,
};
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

#[test]
fn a_coin_history_crosses_the_wire_unchanged() {
    let key = PrivateKey::from_seed(b"owner");
    let tx = CashTx {
        slot: 5,
        prev_block: U256::from(1000),
        denomination: U256::from(10),
        new_owner: PrivateKey::from_seed(b"new owner").address(),
    };
    let spend = Spend { tx, signature: tx.sign(&key) };
    let history = CoinHistory {
        slot: 5,
        origin: Origin::Deposit,
        entries: vec![
            BlockEntry { block: 1000, spend: None, proof: vec![0; 8] },
            BlockEntry { block: 2000, spend: Some(spend), proof: vec![1; 40] },
        ],
    };
    let served = CoinHistoryData::from_history(&history);
    assert_eq!(served.entries[0].tx, None);
    assert_eq!(served.entries[1].tx, Some(Bytes::from(tx.encode())));
    let wire = serde_json::to_string(&served).unwrap();
    let read: CoinHistoryData = serde_json::from_str(&wire).unwrap();
    assert_eq!(read.into_history().unwrap(), history);
}

#[test]
fn a_served_transfer_without_its_signature_is_refused_naming_the_block() {
    let tx = CashTx {
        slot: 1,
        prev_block: U256::from(1000),
        denomination: U256::from(1),
        new_owner: PrivateKey::from_seed(b"x").address(),
    };
    let entry = |signature: Option<Bytes>| HistoryEntryData {
        block: 3000,
        tx: Some(tx.encode().into()),
        signature,
        proof: Bytes::new(),
    };
    let unsigned = CoinHistoryData { slot: 1, entries: vec![entry(None)] };
    assert_eq!(unsigned.into_history().unwrap_err(), "block 3000: a transfer without a signature");
    let short = CoinHistoryData { slot: 1, entries: vec![entry(Some(Bytes::from(vec![0; 65])))] };
    let why = short.into_history().unwrap_err();
    let expected = CashSignature::from_slice(&[0; 65]).unwrap_err().to_string();
    assert_eq!(why, format!("block 3000: {expected}"));
}
