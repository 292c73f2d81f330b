//! Tests written once against the traits, run on every backend.

use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_sol_types::SolCall;
use plasma_contracts::FormatsHarness;
use plasma_primitives::{PaymentTx, U256 as PU256};
use plasma_rootchain::{DevChain, EventCursor, RootChain, RootChainError, TxRequest};
use plasma_testkit::ether;

async fn deploy<C: RootChain>(chain: &C, init_code: Bytes) -> Address {
    let from = chain.accounts()[0];
    let receipt = chain.send(TxRequest::create(from, init_code)).await.expect("deploys");
    receipt.contract_address.expect("a create returns an address")
}

/// Init code that deploys `runtime` as it is.
fn init_code(runtime: &[u8]) -> Bytes {
    let n = runtime.len() as u8;
    let mut code = vec![0x60, n, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, n, 0x60, 0x00, 0xf3];
    code.extend_from_slice(runtime);
    code.into()
}

/// Runtime that emits `LOG1(topic = calldata word 0, data = 42)`.
const LOGGER: [u8; 15] =
    [0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x00, 0x35, 0x60, 0x20, 0x60, 0x00, 0xa1, 0x00, 0x00];

pub(crate) async fn deploys_and_calls_real_bytecode<C: RootChain>(chain: &C) {
    let harness = deploy(chain, FormatsHarness::BYTECODE.clone()).await;
    chain.ensure_code(harness).await.expect("the harness has code");
    let deposit =
        PaymentTx::deposit(Address::repeat_byte(7), Address::ZERO, PU256::from(5)).unwrap();
    let call = FormatsHarness::isDepositCall { txBytes: deposit.encode().into() };
    let from = chain.accounts()[0];
    let out = chain.call(TxRequest::call(from, harness, call.abi_encode())).await.unwrap();
    assert!(FormatsHarness::isDepositCall::abi_decode_returns(&out).unwrap());
    let eoa = chain.accounts()[1];
    assert!(matches!(chain.ensure_code(eoa).await, Err(RootChainError::NoCode(a)) if a == eoa));
}

pub(crate) async fn reverts_are_typed_and_named<C: RootChain>(chain: &C) {
    let harness = deploy(chain, FormatsHarness::BYTECODE.clone()).await;
    let from = chain.accounts()[0];
    let bad = FormatsHarness::decodeTxCall { txBytes: vec![0xc0].into() }.abi_encode();
    // As a call: the revert data comes back, named.
    let err = chain.call(TxRequest::call(from, harness, bad.clone())).await.unwrap_err();
    let RootChainError::Reverted { reason, data, .. } = err else {
        panic!("expected a revert, got {err}")
    };
    assert!(reason.contains("TxWrongFieldCount"), "reason: {reason}");
    assert!(!data.is_empty());
    // As a transaction: refused (a node refuses it at gas estimation) or mined as a revert.
    let err = chain.send(TxRequest::call(from, harness, bad)).await.unwrap_err();
    assert!(matches!(err, RootChainError::Reverted { .. }), "got {err}");
}

pub(crate) async fn value_transfers_move_exact_balances<C: RootChain>(chain: &C) {
    let (a, b) = (chain.accounts()[2], chain.accounts()[3]);
    let (a0, b0) = (chain.balance(a).await.unwrap(), chain.balance(b).await.unwrap());
    let receipt =
        chain.send(TxRequest::call(a, b, Bytes::new()).with_value(ether(3))).await.unwrap();
    assert_eq!(receipt.gas_used, 21_000);
    assert_eq!(chain.balance(b).await.unwrap(), b0 + ether(3));
    assert_eq!(chain.balance(a).await.unwrap(), a0 - ether(3) - receipt.fee());
}

pub(crate) async fn refuses_what_a_node_refuses<C: RootChain>(chain: &C) {
    let (a, b) = (chain.accounts()[4], chain.accounts()[5]);
    let too_much = chain.balance(a).await.unwrap() + U256::from(1);
    let err =
        chain.send(TxRequest::call(a, b, Bytes::new()).with_value(too_much)).await.unwrap_err();
    assert!(matches!(err, RootChainError::Rejected(_)), "got {err}");
    let stranger = Address::repeat_byte(0x99);
    let err = chain.send(TxRequest::call(stranger, b, Bytes::new())).await.unwrap_err();
    assert!(matches!(err, RootChainError::UnknownAccount(s) if s == stranger), "got {err}");
}

pub(crate) async fn logs_stream_in_order_through_the_cursor<C: RootChain>(chain: &C) {
    let logger = deploy(chain, init_code(&LOGGER)).await;
    let from = chain.accounts()[0];
    let start = chain.head().await.unwrap().number + 1;
    let mut cursor = EventCursor::new(vec![logger], start, 0);
    for topic in 1..=3u8 {
        chain.send(TxRequest::call(from, logger, B256::repeat_byte(topic).to_vec())).await.unwrap();
    }
    let logs = cursor.poll(chain).await.unwrap();
    let topics: Vec<B256> = logs.iter().map(|l| l.log.topics()[0]).collect();
    assert_eq!(topics, (1..=3u8).map(B256::repeat_byte).collect::<Vec<_>>());
    assert!(logs.iter().all(|l| l.log.address == logger && l.log.data.data[31] == 42));
    assert!(cursor.poll(chain).await.unwrap().is_empty(), "nothing is read twice");
    chain.send(TxRequest::call(from, logger, B256::repeat_byte(4).to_vec())).await.unwrap();
    assert_eq!(cursor.poll(chain).await.unwrap().len(), 1);

    // With two confirmations, a log is read only once two blocks sit on it.
    let mut cautious = EventCursor::new(vec![logger], cursor.next_block(), 2);
    chain.send(TxRequest::call(from, logger, B256::repeat_byte(5).to_vec())).await.unwrap();
    assert!(cautious.poll(chain).await.unwrap().is_empty());
    for _ in 0..2 {
        chain.send(TxRequest::call(from, chain.accounts()[1], Bytes::new())).await.unwrap();
    }
    assert_eq!(cautious.poll(chain).await.unwrap().len(), 1);
}

pub(crate) async fn the_clock_moves_only_when_told<C: DevChain>(chain: &C) {
    // A fresh block first: anvil's head may be its genesis, stamped when it was spawned.
    let before = chain.advance_time(0).await.unwrap();
    let week = 7 * 24 * 3600;
    let after = chain.advance_time(week).await.unwrap();
    assert!(after.number > before.number);
    assert!(
        after.timestamp >= before.timestamp + week,
        "{} -> {}",
        before.timestamp,
        after.timestamp
    );
    assert!(after.timestamp < before.timestamp + week + 60);
}

pub(crate) async fn snapshots_restore_everything<C: DevChain>(chain: &C) {
    let (a, b) = (chain.accounts()[6], chain.accounts()[7]);
    let b0 = chain.balance(b).await.unwrap();
    let head0 = chain.head().await.unwrap();
    let id = chain.snapshot().await.unwrap();
    chain.send(TxRequest::call(a, b, Bytes::new()).with_value(ether(1))).await.unwrap();
    chain.advance_time(3600).await.unwrap();
    assert_eq!(chain.balance(b).await.unwrap(), b0 + ether(1));
    chain.revert(id).await.unwrap();
    assert_eq!(chain.balance(b).await.unwrap(), b0);
    assert_eq!(chain.head().await.unwrap().number, head0.number);
}

pub(crate) async fn a_reorg_deeper_than_the_confirmations_is_detected<C: DevChain>(chain: &C) {
    let logger = deploy(chain, init_code(&LOGGER)).await;
    let from = chain.accounts()[0];
    let start = chain.head().await.unwrap().number + 1;
    let id = chain.snapshot().await.unwrap();
    let mut cursor = EventCursor::new(vec![logger], start, 0);
    chain.send(TxRequest::call(from, logger, B256::repeat_byte(1).to_vec())).await.unwrap();
    assert_eq!(cursor.poll(chain).await.unwrap().len(), 1);
    // The chain goes back and grows another way: the block the cursor read is replaced.
    chain.revert(id).await.unwrap();
    chain.advance_time(13).await.unwrap();
    chain.send(TxRequest::call(from, logger, B256::repeat_byte(2).to_vec())).await.unwrap();
    let err = cursor.poll(chain).await.unwrap_err();
    assert!(matches!(err, RootChainError::DeepReorg { .. }), "got {err}");
}
