//! MoreVP under a withholding operator: payments in a withheld block leave through in-flight
//! exits, and a cheater's in-flight exit of a double spend is challenged by the watcher.

use super::{ScenarioError, ScenarioReport, World, addr, ether, exit_all, fail};
use plasma_primitives::UtxoPos;
use plasma_rootchain::DevChain;
use plasma_watcher::WatcherEvent;
use std::collections::BTreeMap;

const ALICE: usize = 1;
const BOB: usize = 2;
const MALLORY: usize = 3;
const CAROL: usize = 4;

/// Block 1000 is honest (Mallory pays Carol); block 2000, holding Alice's payment to Bob, is
/// withheld. Bob and Alice exit that payment in flight (Bob his 4 ETH, Alice her change);
/// Mallory exits in flight another payment of the deposit she already spent and piggybacks
/// that deposit: the watcher shows the payment is not canonical and removes her piggyback.
pub(super) async fn in_flight() -> Result<ScenarioReport, ScenarioError> {
    let mut w = World::new().await?;
    let mut watcher = w.watcher(vec![]).await?;
    let (alice_dep, _) = w.deposit(ALICE, ether(10)).await?;
    let (mallory_dep, _) = w.deposit(MALLORY, ether(2)).await?;
    w.commit(&[w.pay(MALLORY, mallory_dep, &[(CAROL, ether(2))])?], false).await?;
    let payment = w.pay(ALICE, alice_dep, &[(BOB, ether(4)), (ALICE, ether(6))])?;
    w.commit(std::slice::from_ref(&payment), true).await?;
    w.say("block 1000: mallory pays carol 2 ETH; block 2000 (alice pays bob 4) is withheld");
    watcher.step().await.map_err(fail)?;
    w.chain.advance_time(3601).await.map_err(fail)?;
    watcher.step().await.map_err(fail)?;
    if watcher.byzantine().is_none() {
        return Err(fail("the watcher did not declare block 2000 withheld"));
    }
    w.say("after an hour the watcher declares block 2000 withheld: exit now");

    let args = watcher.in_flight_exit_data(&payment).map_err(fail)?;
    let tx = args.tx.clone();
    w.plasma.start_in_flight_exit(addr(BOB), &args).await.map_err(fail)?;
    w.plasma
        .piggyback_output(addr(BOB), &tx, 0, plasma_primitives::Address::ZERO)
        .await
        .map_err(fail)?;
    w.plasma
        .piggyback_output(addr(ALICE), &tx, 1, plasma_primitives::Address::ZERO)
        .await
        .map_err(fail)?;
    w.say("bob starts the in-flight exit of alice's payment and piggybacks his 4 ETH; alice piggybacks her 6 ETH change");

    let double = w.pay(MALLORY, mallory_dep, &[(MALLORY, ether(2))])?;
    let cheat = watcher.in_flight_exit_data(&double).map_err(fail)?;
    w.plasma.start_in_flight_exit(addr(MALLORY), &cheat).await.map_err(fail)?;
    w.plasma.piggyback_input(addr(MALLORY), &cheat.tx, 0).await.map_err(fail)?;
    w.say(
        "mallory exits in flight a second payment of her spent deposit and piggybacks the deposit",
    );
    let events = watcher.step().await.map_err(fail)?;
    let acted = |what: &str| {
        events.iter().any(|e| {
            matches!(e, WatcherEvent::InFlightExitActed { .. }) && format!("{e:?}").contains(what)
        })
    };
    if !acted("ChallengedCanonicity") || !acted("ChallengedPiggyback") {
        return Err(fail(format!("the watcher did not challenge mallory's exit: {events:?}")));
    }
    w.say("the watcher shows carol's payment: mallory's exit is not canonical and her piggyback is removed");
    exit_all(&w, &watcher, CAROL, &[UtxoPos::new(1000, 0, 0)]).await?;
    w.say("carol exits her 2 ETH from block 1000");
    let owned = BTreeMap::from([(ALICE, ether(6)), (BOB, ether(4)), (CAROL, ether(2))]);
    let users = [
        ("alice", ALICE, true),
        ("bob", BOB, true),
        ("carol", CAROL, true),
        ("mallory", MALLORY, false),
    ];
    w.settle("in-flight", &mut watcher, &users, owned).await
}
