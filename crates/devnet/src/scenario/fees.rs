//! The operator claims more fees than a block's payments left: the watcher names the block,
//! the token and the amounts, and every honest user exits whole from the last valid block.

use super::{ScenarioError, ScenarioReport, World, addr, exit_all, fail};
use plasma_primitives::{Address, FeeTx, UtxoPos, units::ether, units::milli_ether};
use plasma_watcher::WatcherEvent;
use std::collections::BTreeMap;

const OPERATOR: usize = super::OPERATOR;

/// Block 1000: Alice pays Bob 4 ETH with a 1 mETH fee, claimed honestly. Block 2000: Bob pays
/// Carol 1 ETH with a 1 mETH fee, and the operator claims 5 ETH of fees; it then exits that
/// claim. The watcher flags block 2000 and exits Alice and Bob from block 1000.
pub(super) async fn fee_overclaim() -> Result<ScenarioReport, ScenarioError> {
    let mut w = World::new().await?;
    let mut watcher = w.watcher(vec![addr(1), addr(2)]).await?;
    let (dep, _) = w.deposit(1, ether(10)).await?;
    let fee = milli_ether(1);
    let pay = w.pay(1, dep, &[(2, ether(4)), (1, ether(6) - fee)])?;
    let honest_claim = FeeTx::claim(1000, addr(OPERATOR), Address::ZERO, fee).map_err(fail)?;
    w.commit_with_claims(&[pay], &[honest_claim]).await?;
    w.say("block 1000: alice pays bob 4 ETH, leaving 1 mETH of fee; the operator claims it");
    let to_carol = w.pay(2, UtxoPos::new(1000, 0, 0), &[(3, ether(1)), (2, ether(3) - fee)])?;
    let overclaim = FeeTx::claim(2000, addr(OPERATOR), Address::ZERO, ether(5)).map_err(fail)?;
    w.commit_with_claims(std::slice::from_ref(&to_carol), &[overclaim]).await?;
    let events = watcher.step().await.map_err(fail)?;
    let caught = events.iter().find_map(|e| match e {
        WatcherEvent::InvalidBlock { blknum: 2000, evidence } => Some(evidence.to_string()),
        _ => None,
    });
    let evidence = caught.ok_or_else(|| fail("the watcher did not flag block 2000"))?;
    w.say("block 2000: bob pays carol 1 ETH leaving 1 mETH, and the operator claims 5 ETH");
    w.say(format!("the watcher: {evidence}"));
    let (tx, proof) =
        (overclaim.encode(), w.proof_of(&[to_carol.tx().encode(), overclaim.encode()], 1)?);
    w.plasma
        .start_standard_exit(addr(OPERATOR), UtxoPos::new(2000, 1, 0), &tx, &proof)
        .await
        .map_err(fail)?;
    w.say("the operator exits its 5 ETH claim; the watcher exits alice and bob from block 1000");
    exit_all(&w, &watcher, OPERATOR, &[UtxoPos::new(1000, 1, 0)]).await?;
    // In the last valid state (block 1000): Alice 6 ETH less the fee, Bob 4, the operator its
    // honest 1 mETH claim. Carol's payment is in the invalid block: she holds nothing valid.
    let owned = BTreeMap::from([(1, ether(6) - fee), (2, ether(4)), (OPERATOR, fee)]);
    let users = [("alice", 1, true), ("bob", 2, true), ("operator", OPERATOR, false)];
    let report = w.settle("fee-overclaim", &mut watcher, &users, owned).await?;
    let operator = report.accounts.iter().find(|a| a.name == "operator").map(|a| a.paid_out);
    if operator != Some(fee) {
        return Err(fail(format!("the operator was paid {operator:?}, not its honest 1 mETH")));
    }
    Ok(report)
}
