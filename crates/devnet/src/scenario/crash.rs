//! The real operator stops in the middle of a block and restarts from its store: every
//! acknowledged transaction is in the block it then seals, whose root reaches L1 exactly once.

use super::{OPERATOR, ScenarioError, ScenarioReport, World, addr, ether, exit_all, fail};
use alloy_primitives::Bytes;
use plasma_framework::PlasmaEvent;
use plasma_operator::{OperatorApiClient, OperatorConfig, OperatorNode, TxAck};
use plasma_primitives::{SignedTx, UtxoPos};
use plasma_rootchain::{EmbeddedChain, EventCursor};
use plasma_storage::RedbStore;
use std::{collections::BTreeMap, path::Path, sync::Arc, time::Duration};

const ALICE: usize = 1;
const BOB: usize = 2;
const CAROL: usize = 4;

pub(super) async fn start(
    w: &World,
    path: &Path,
    block_interval: Duration,
) -> Result<OperatorNode, ScenarioError> {
    let config = OperatorConfig {
        rpc_addr: "127.0.0.1:0".parse().map_err(fail)?,
        block_interval,
        l1_poll_interval: Duration::from_millis(10),
        ..OperatorConfig::default()
    };
    let store = Arc::new(RedbStore::open(path).map_err(fail)?);
    OperatorNode::start(config, w.plasma.clone(), addr(OPERATOR), store).await.map_err(fail)
}

pub(super) async fn submit(node: &OperatorNode, tx: &SignedTx) -> Result<TxAck, ScenarioError> {
    let answer = node.submit(vec![Bytes::from(tx.encode())]).await.map_err(fail)?;
    answer.into_iter().next().ok_or_else(|| fail("no answer"))?.map_err(fail)
}

/// Waits (bounded) until `done` holds for the node's status.
pub(super) async fn until(
    node: &OperatorNode,
    what: &str,
    done: impl Fn(&plasma_operator::Status) -> bool,
) -> Result<(), ScenarioError> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if done(&node.status().await) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err(fail(format!("the operator never {what}")))
}

/// Operator blocks whose root reached L1 (deposit blocks aside), in order.
async fn committed(w: &World) -> Result<Vec<u64>, ScenarioError> {
    let mut cursor = EventCursor::new(w.plasma.event_sources(), w.start, 0);
    let logs = cursor.poll::<EmbeddedChain>(w.chain.as_ref()).await.map_err(fail)?;
    Ok(logs
        .iter()
        .filter_map(|l| match w.plasma.decode(l) {
            Some(PlasmaEvent::BlockSubmitted { blknum, .. }) if blknum % 1000 == 0 => Some(blknum),
            _ => None,
        })
        .collect())
}

/// Alice pays Bob and Bob pays Carol; both are acknowledged into block 1000, which is not
/// sealed yet, when the operator stops. It restarts on the same store, takes one more payment
/// into the same block, seals it and commits its root once; everyone exits from it.
pub(super) async fn operator_crash() -> Result<ScenarioReport, ScenarioError> {
    let mut w = World::new().await?;
    let dir = std::env::temp_dir().join(format!("plasma-scenario-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(fail)?;
    let path = dir.join("operator.redb");
    let _ = std::fs::remove_file(&path);

    let node = start(&w, &path, Duration::from_secs(3600)).await?;
    let (dep, _) = w.deposit(ALICE, ether(10)).await?;
    until(&node, "saw the deposit", |s| s.utxos == 1).await?;
    let to_bob = w.pay(ALICE, dep, &[(BOB, ether(4)), (ALICE, ether(6))])?;
    let ack = submit(&node, &to_bob).await?;
    let bob_out = UtxoPos::new(ack.blknum, ack.txindex, 0);
    submit(&node, &w.pay(BOB, bob_out, &[(CAROL, ether(1)), (BOB, ether(3))])?).await?;
    let before = node.status().await;
    node.stop().await;
    w.say(format!(
        "alice pays bob 4 ETH, bob pays carol 1: {} acknowledged txs in unsealed block {}; the operator stops",
        before.pending_txs, before.pending_block
    ));

    // The second life seals nothing (a long interval), so Carol's payment surely joins the
    // recovered block; a third life on the same store then seals it.
    let node = start(&w, &path, Duration::from_secs(3600)).await?;
    let recovered = node.status().await.pending_txs;
    if recovered != before.pending_txs {
        return Err(fail(format!("{recovered} txs recovered of {}", before.pending_txs)));
    }
    let carol_out = UtxoPos::new(1000, 1, 0);
    submit(
        &node,
        &w.pay(
            CAROL,
            carol_out,
            &[
                (ALICE, ether(1) / alloy_primitives::U256::from(2)),
                (CAROL, ether(1) / alloy_primitives::U256::from(2)),
            ],
        )?,
    )
    .await?;
    let pending = node.status().await;
    node.stop().await;
    if (pending.pending_block, pending.pending_txs) != (1000, 3) {
        return Err(fail(format!(
            "{} txs pending in block {}, want 3 in block 1000",
            pending.pending_txs, pending.pending_block
        )));
    }
    let node = start(&w, &path, Duration::from_millis(50)).await?;
    until(&node, "committed block 1000", |s| s.last_submitted_block >= 1000).await?;
    w.say(format!("it restarts with the {recovered} txs from its log and takes carol's payment to alice; restarted again, it seals block 1000"));

    let client = jsonrpsee::http_client::HttpClientBuilder::default()
        .build(format!("http://{}", node.rpc_addr()))
        .map_err(fail)?;
    let block = client.get_block(1000).await.map_err(fail)?;
    node.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    if block.txs.len() != 3 {
        return Err(fail(format!("block 1000 holds {} txs, not 3", block.txs.len())));
    }
    let roots = committed(&w).await?;
    if roots != [1000] {
        return Err(fail(format!("operator roots on L1: {roots:?}, want exactly [1000]")));
    }
    w.say("block 1000 holds all 3 txs and its root is on L1 exactly once");
    w.served.0.lock().map_err(fail)?.insert(1000, block.txs);

    let mut watcher = w.watcher(vec![]).await?;
    watcher.step().await.map_err(fail)?;
    exit_all(&w, &watcher, ALICE, &[UtxoPos::new(1000, 0, 1), UtxoPos::new(1000, 2, 0)]).await?;
    exit_all(&w, &watcher, BOB, &[UtxoPos::new(1000, 1, 1)]).await?;
    exit_all(&w, &watcher, CAROL, &[UtxoPos::new(1000, 2, 1)]).await?;
    w.say("the watcher verifies block 1000; everyone exits what they hold");
    let half = ether(1) / alloy_primitives::U256::from(2);
    let owned = BTreeMap::from([(ALICE, ether(6) + half), (BOB, ether(3)), (CAROL, half)]);
    let users = [("alice", ALICE, true), ("bob", BOB, true), ("carol", CAROL, true)];
    w.settle("operator-crash", &mut watcher, &users, owned).await
}
