//! The walk of docs/wallet.md §6 with the real operator: Alice pays Carol; both leave through
//! the in-flight exit of that payment; Carol then tries to spend the output she was paid out
//! on L1. The operator refuses it (naming the exit, while it may pay and after it paid), so
//! no block it seals is invalid and the watcher stays silent.

use super::{
    ScenarioError, ScenarioReport, WATCHER, World, addr,
    crash::{start, submit, until},
    ether, fail,
};
use plasma_operator::OperatorNode;
use plasma_primitives::{Address, SignedTx, U256};
use plasma_rootchain::DevChain;
use plasma_watcher::{Watcher, WatcherConfig};
use std::{collections::BTreeMap, time::Duration};

const ALICE: usize = 1;
const BOB: usize = 2;
const CAROL: usize = 4;

/// Tenths of an ether.
fn tenths(n: u64) -> U256 {
    ether(n) / U256::from(10)
}

/// Submits `tx`, which the operator must refuse; returns the refusal.
async fn refused(node: &OperatorNode, tx: &SignedTx) -> Result<String, ScenarioError> {
    let answer = node.submit(vec![tx.encode().into()]).await.map_err(fail)?;
    match answer.into_iter().next() {
        Some(Err(reason)) => Ok(reason),
        Some(Ok(ack)) => {
            Err(fail(format!("the operator acknowledged a spend of exiting money: {ack:?}")))
        }
        None => Err(fail("no answer")),
    }
}

pub(super) async fn exit_then_spend() -> Result<ScenarioReport, ScenarioError> {
    let mut w = World::new().await?;
    let dir = std::env::temp_dir().join(format!("plasma-scenario-exit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(fail)?;
    let path = dir.join("operator.redb");
    let _ = std::fs::remove_file(&path);
    let node = start(&w, &path, Duration::from_millis(50)).await?;
    let client = jsonrpsee::http_client::HttpClientBuilder::default()
        .build(format!("http://{}", node.rpc_addr()))
        .map_err(fail)?;
    let config = WatcherConfig { challenger: Some(addr(WATCHER)), ..WatcherConfig::default() };
    let mut watcher = Watcher::new(config, w.plasma.clone(), client).await.map_err(fail)?;

    let (dep, _) = w.deposit(ALICE, ether(1)).await?;
    until(&node, "saw the deposit", |s| s.utxos == 1).await?;
    let payment = w.pay(ALICE, dep, &[(CAROL, tenths(3)), (ALICE, tenths(7))])?;
    let ack = submit(&node, &payment).await?;
    until(&node, "committed the payment", |s| s.last_submitted_block >= ack.blknum).await?;
    watcher.step().await.map_err(fail)?;
    w.say(format!("alice pays carol 0.3 ETH through the operator (block {})", ack.blknum));

    let args = watcher.in_flight_exit_data(&payment).map_err(fail)?;
    w.plasma.start_in_flight_exit(addr(CAROL), &args).await.map_err(fail)?;
    w.plasma.piggyback_output(addr(CAROL), &args.tx, 0, Address::ZERO).await.map_err(fail)?;
    w.plasma.piggyback_output(addr(ALICE), &args.tx, 1, Address::ZERO).await.map_err(fail)?;
    until(&node, "held the piggybacked outputs", |s| s.held == 2).await?;
    w.say(
        "carol starts the in-flight exit of the payment; carol and alice piggyback their outputs",
    );

    let carol_out = plasma_primitives::UtxoPos::new(ack.blknum, ack.txindex, 0);
    let to_bob = w.pay(CAROL, carol_out, &[(BOB, tenths(2)), (CAROL, tenths(1))])?;
    let reason = refused(&node, &to_bob).await?;
    if !reason.contains("in-flight exit") || !reason.contains("piggybacked") {
        return Err(fail(format!("refused for the wrong reason: {reason}")));
    }
    w.say(format!("carol sends bob 0.2 ETH: refused: {reason}"));

    w.chain.advance_time(2 * super::MEP + 1).await.map_err(fail)?;
    w.plasma.process_exits(addr(ALICE), Address::ZERO, 10).await.map_err(fail)?;
    until(&node, "removed the paid outputs", |s| s.held == 0 && s.live_exits == (0, 0)).await?;
    let reason = refused(&node, &to_bob).await?;
    if !reason.contains("left the chain on L1 (in-flight exit") {
        return Err(fail(format!("refused for the wrong reason: {reason}")));
    }
    w.say(format!(
        "the exit pays carol and alice on L1; carol sends bob 0.2 ETH again: refused: {reason}"
    ));

    let owned = BTreeMap::from([(ALICE, tenths(7)), (CAROL, tenths(3))]);
    let users = [("alice", ALICE, true), ("carol", CAROL, true)];
    let report = w.settle("exit-then-spend", &mut watcher, &users, owned).await;
    node.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    let report = report?;
    if !report.alarms.is_empty() {
        return Err(fail(format!("the watcher raised alarms: {:?}", report.alarms)));
    }
    Ok(report)
}
