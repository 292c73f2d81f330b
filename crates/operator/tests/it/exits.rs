//! The operator follows the whole exit game: what may leave through any exit path is refused
//! with the exit named, what left is gone, and a re-sent transaction gets its first answer.

use crate::*;
use plasma_framework::{InFlightExitArgs, in_flight_exit_id};
use plasma_operator::codes;
use plasma_storage::MemoryStore;

fn code_of(err: &jsonrpsee::core::ClientError) -> i32 {
    match err {
        jsonrpsee::core::ClientError::Call(e) => e.code(),
        other => panic!("expected a JSON-RPC error, got {other}"),
    }
}

/// The in-flight exit arguments of `tx`, with each input's proof from the operator's API.
async fn in_flight_args(client: &HttpClient, tx: &SignedTx) -> InFlightExitArgs {
    let mut args = InFlightExitArgs {
        tx: tx.tx().encode(),
        input_txs: Vec::new(),
        input_positions: Vec::new(),
        input_proofs: Vec::new(),
        signatures: tx.signatures().iter().map(|s| s.as_bytes().to_vec()).collect(),
    };
    for &input in tx.tx().inputs() {
        let data = client.get_exit_data(input.raw()).await.unwrap();
        args.input_txs.push(data.tx_bytes.to_vec());
        args.input_positions.push(input);
        args.input_proofs.push(data.proof.to_vec());
    }
    args
}

/// Alice pays Carol in a block on L1; Carol joins the in-flight exit of that payment and
/// piggybacks her output. From then on the operator refuses Carol's spend, naming the exit,
/// and stops listing the output; after the payout the output is gone. Alice's change, not
/// piggybacked, stays spendable throughout.
#[tokio::test]
async fn a_piggybacked_output_is_refused_then_removed_when_paid() {
    let plasma = root_chain().await;
    let (node, client) = start(&plasma, Arc::new(MemoryStore::new()), test_config()).await;
    let domain = plasma.domain_separator().await.unwrap();
    let [alice, carol, bob] = [1, 4, 2].map(|i| plasma.chain().accounts()[i]);
    let dep = deposit(&plasma, 1, 1000).await;
    until(&client, "the deposit", |s| s.utxos == 1).await;
    let payment = transfer(&domain, 1, vec![dep], vec![(carol, 300), (alice, 700)]);
    let ack = client.submit_tx(payment.encode().into()).await.unwrap();
    until(&client, "the payment on L1", |s| s.last_submitted_block >= ack.blknum).await;
    let carol_out = UtxoPos::new(ack.blknum, ack.txindex, 0);
    let change = UtxoPos::new(ack.blknum, ack.txindex, 1);

    let args = in_flight_args(&client, &payment).await;
    plasma.start_in_flight_exit(alice, &args).await.unwrap();
    plasma.piggyback_output(carol, &args.tx, 0, Address::ZERO).await.unwrap();
    until(&client, "the piggyback", |s| s.held == 1).await;

    let spend = transfer(&domain, 4, vec![carol_out], vec![(bob, 200), (carol, 100)]);
    let err = client.submit_tx(spend.encode().into()).await.unwrap_err();
    let exit_id = in_flight_exit_id(&args.tx);
    let want = format!(
        "output {} is exiting on L1 (in-flight exit {exit_id:#x}, piggybacked)",
        carol_out.raw()
    );
    assert_eq!(code_of(&err), codes::EXITING, "{err}");
    assert!(err.to_string().contains(&want), "{err}");
    assert!(client.get_utxos(carol, None, None).await.unwrap().utxos.is_empty());
    assert!(client.get_balance(carol).await.unwrap().is_empty());
    let change_spend = transfer(&domain, 1, vec![change], vec![(bob, 700)]);
    client.submit_tx(change_spend.encode().into()).await.unwrap();

    plasma.chain().advance_time(2 * MEP + 1).await.unwrap();
    plasma.process_exits(alice, Address::ZERO, 10).await.unwrap();
    until(&client, "the payout", |s| s.held == 0 && s.live_exits == (0, 0)).await;
    let err = client.submit_tx(spend.encode().into()).await.unwrap_err();
    let want = format!(
        "output {} left the chain on L1 (in-flight exit {exit_id:#x}, paid out)",
        carol_out.raw()
    );
    assert!(err.to_string().contains(&want), "{err}");
    node.stop().await;
}

/// Alice signs a payment the operator never sees and exits it in flight: its input (her
/// deposit) is held from then on; neither that payment nor any other spend of the deposit is
/// accepted. When the exit is deleted unpiggybacked (after the piggyback period), nothing is
/// held any more.
#[tokio::test]
async fn an_in_flight_exit_holds_its_inputs_until_it_ends() {
    let plasma = root_chain().await;
    let (node, client) = start(&plasma, Arc::new(MemoryStore::new()), test_config()).await;
    let domain = plasma.domain_separator().await.unwrap();
    let [alice, bob] = [1, 2].map(|i| plasma.chain().accounts()[i]);
    let dep = deposit(&plasma, 1, 1000).await;
    until(&client, "the deposit", |s| s.utxos == 1).await;
    let unseen = transfer(&domain, 1, vec![dep], vec![(bob, 1000)]);
    let args = in_flight_args(&client, &unseen).await;
    plasma.start_in_flight_exit(alice, &args).await.unwrap();
    until(&client, "the in-flight exit", |s| s.held == 1).await;
    for tx in [&unseen, &transfer(&domain, 1, vec![dep], vec![(alice, 1000)])] {
        let err = client.submit_tx(tx.encode().into()).await.unwrap_err();
        assert_eq!(code_of(&err), codes::EXITING, "{err}");
        assert!(err.to_string().contains("input of the exiting transaction"), "{err}");
    }
    plasma.chain().advance_time(MEP / 2 + 1).await.unwrap();
    plasma.delete_in_flight_exit(bob, in_flight_exit_id(&args.tx)).await.unwrap();
    until(&client, "the exit's end", |s| s.live_exits == (0, 0)).await;
    let status = until(&client, "the release", |s| s.held == 0).await;
    assert_eq!(status.utxos, 1, "the deposit is back to spendable, not gone");
    node.stop().await;
}

/// A client that lost the answer sends the same bytes again: it gets the same position,
/// whether the block is still being filled or sealed, and nothing is applied twice.
#[tokio::test]
async fn a_resent_transaction_gets_its_original_acknowledgement() {
    let plasma = root_chain().await;
    let mut config = test_config();
    // Long enough never to seal during the test; two intervals still fit the exit period.
    config.block_interval = Duration::from_secs(1000);
    let store = Arc::new(MemoryStore::new());
    let (node, client) = start(&plasma, store.clone(), config).await;
    let domain = plasma.domain_separator().await.unwrap();
    let bob = plasma.chain().accounts()[2];
    let dep = deposit(&plasma, 1, 1000).await;
    until(&client, "the deposit", |s| s.utxos == 1).await;
    let tx = transfer(&domain, 1, vec![dep], vec![(bob, 1000)]);
    let first = client.submit_tx(tx.encode().into()).await.unwrap();
    let again = client.submit_tx(tx.encode().into()).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(client.status().await.unwrap().pending_txs, 1, "applied once");
    node.stop().await;

    // Sealed in a later life: the store knows where it went.
    let (node, client) = start(&plasma, store, test_config()).await;
    until(&client, "the seal", |s| s.last_sealed_block >= first.blknum).await;
    assert_eq!(client.submit_tx(tx.encode().into()).await.unwrap(), first);
    // A different spend of the same input is still a double spend.
    let other = transfer(&domain, 1, vec![dep], vec![(bob, 999)]);
    let err = client.submit_tx(other.encode().into()).await.unwrap_err();
    assert!(err.to_string().contains("does not exist or is already spent"), "{err}");
    node.stop().await;
}

/// The live exits are stored with the root-chain cursor: a restarted operator still refuses
/// an output held before the restart, though it does not read that event again.
#[tokio::test]
async fn holds_survive_a_restart() {
    let plasma = root_chain().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("operator.redb");
    let open = || Arc::new(plasma_storage::RedbStore::open(&path).unwrap());
    let (node, client) = start(&plasma, open(), test_config()).await;
    let domain = plasma.domain_separator().await.unwrap();
    let alice = plasma.chain().accounts()[1];
    let dep = deposit(&plasma, 1, 1000).await;
    until(&client, "the deposit", |s| s.utxos == 1).await;
    let exit = client.get_exit_data(dep.raw()).await.unwrap();
    plasma.start_standard_exit(alice, dep, &exit.tx_bytes, &exit.proof).await.unwrap();
    until(&client, "the exit", |s| s.held == 1).await;
    node.stop().await;

    let (node, client) = start(&plasma, open(), test_config()).await;
    let status = client.status().await.unwrap();
    assert_eq!((status.held, status.live_exits), (1, (1, 0)));
    let spend = transfer(&domain, 1, vec![dep], vec![(alice, 1000)]);
    let err = client.submit_tx(spend.encode().into()).await.unwrap_err();
    assert_eq!(code_of(&err), codes::EXITING, "{err}");
    node.stop().await;
}
