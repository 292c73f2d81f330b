//! Fee claims in served blocks: an honest claim is verified and its output known (the
//! watcher serves its exit data); an overclaim, a duplicate, a claim with another block's
//! nonce and a payment after a claim each make the block invalid, with evidence naming the
//! block, the token and the amounts.

use crate::*;
use plasma_ledger::ClaimError;
use plasma_primitives::FeeTx;
use plasma_watcher::InvalidBlock;

/// Alice's 1000 mETH deposit paid to Bob (900) and back to her (90): a fee of 10 mETH.
async fn paying_ten(w: &World) -> SignedTx {
    let (dep, _) = w.deposit(ALICE, 1000).await;
    w.transfer(ALICE, vec![dep], vec![(BOB, 900), (ALICE, 90)])
}

fn claim(blknum: u64, milli: u64) -> FeeTx {
    FeeTx::claim(blknum, addr(OPERATOR), Address::ZERO, milli_ether(milli)).unwrap()
}

/// The watcher's verdict on block 1000 holding `pay` then `claims` (and `after`, a payment
/// served after the claims).
async fn verdict(claims: &[FeeTx], after: Option<SignedTx>) -> (World, Vec<WatcherEvent>) {
    let w = World::new().await;
    let mut watcher = w.watcher(WatcherConfig::default()).await;
    let pay = paying_ten(&w).await;
    let mut served = vec![pay.encode()];
    let mut leaves = vec![pay.tx().encode()];
    served.extend(claims.iter().map(FeeTx::encode));
    leaves.extend(claims.iter().map(FeeTx::encode));
    if let Some(tx) = after {
        served.push(tx.encode());
        leaves.push(tx.tx().encode());
    }
    w.commit_bytes(served, &leaves).await;
    let events = watcher.step().await.unwrap();
    (w, events)
}

fn evidence(events: &[WatcherEvent]) -> Option<&InvalidBlock> {
    events.iter().find_map(|e| match e {
        WatcherEvent::InvalidBlock { blknum: 1000, evidence } => Some(evidence),
        _ => None,
    })
}

#[tokio::test]
async fn an_honest_claim_is_verified_and_exitable() {
    let w = World::new().await;
    let mut watcher = w.watcher(WatcherConfig::default()).await;
    let pay = paying_ten(&w).await;
    let fee = claim(1000, 10);
    w.commit_bytes(vec![pay.encode(), fee.encode()], &[pay.tx().encode(), fee.encode()]).await;
    let events = watcher.step().await.unwrap();
    assert_eq!(events, vec![WatcherEvent::BlockVerified { blknum: 1000, txs: 2 }]);
    let (tx, proof) = watcher.exit_data(UtxoPos::new(1000, 1, 0)).expect("the claim's exit data");
    assert_eq!(tx, fee.encode());
    // The operator exits its fee with the watcher's data; the contract takes it.
    w.plasma
        .start_standard_exit(addr(OPERATOR), UtxoPos::new(1000, 1, 0), &tx, &proof)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_overclaim_is_caught_naming_the_block_token_and_amounts() {
    let (_, events) = verdict(&[claim(1000, 11)], None).await;
    let expected = InvalidBlock::FeeClaim(ClaimError::Overclaim {
        blknum: 1000,
        index: 1,
        token: Address::ZERO,
        claimed: milli_ether(11),
        collected: milli_ether(10),
    });
    assert_eq!(evidence(&events), Some(&expected), "{events:#?}");
    let invalid = events.iter().find(|e| matches!(e, WatcherEvent::InvalidBlock { .. })).unwrap();
    let json = serde_json::to_value(invalid).unwrap();
    assert_eq!((json["rule"].as_str(), json["tx"].as_u64()), (Some("feeOverclaim"), Some(1)));
    assert_eq!(
        json["reason"],
        "block 1000, tx 1: the fee claim takes 11000000000000000 of token 0x0000000000000000000000000000000000000000, but the block's payments left 10000000000000000"
    );
    assert!(has(&events, |e| matches!(e, WatcherEvent::ExitNow { .. })));
}

#[tokio::test]
async fn a_second_claim_of_a_token_or_another_blocks_nonce_is_caught() {
    let (_, events) = verdict(&[claim(1000, 5), claim(1000, 5)], None).await;
    let twice = ClaimError::Duplicate { blknum: 1000, index: 2, token: Address::ZERO };
    assert_eq!(evidence(&events), Some(&InvalidBlock::FeeClaim(twice)));
    let (_, events) = verdict(&[claim(2000, 10)], None).await;
    let replayed = ClaimError::WrongNonce { blknum: 1000, index: 1, token: Address::ZERO };
    assert_eq!(evidence(&events), Some(&InvalidBlock::FeeClaim(replayed)));
}

#[tokio::test]
async fn a_payment_after_a_claim_is_caught() {
    let w = World::new().await;
    let (dep, _) = w.deposit(BOB, 5).await;
    let late = w.transfer(BOB, vec![dep], vec![(BOB, 5)]);
    drop(w);
    let (_, events) = verdict(&[claim(1000, 10)], Some(late)).await;
    assert!(
        matches!(evidence(&events), Some(InvalidBlock::MalformedTx { index: 2, .. })),
        "{events:#?}"
    );
}
