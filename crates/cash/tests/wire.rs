//! A coin's history through the wire and back, as `docs/api.md` documents it; a served
//! history that does not decode is refused naming its block.

use alloy_primitives::{Bytes, U256};
use plasma_cash::api::{CoinHistoryData, HistoryEntryData};
use plasma_cash::{BlockEntry, CoinHistory, Origin, Spend};
use plasma_primitives::{
    cash::{CashSignature, CashTx},
    signature::PrivateKey,
};

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
