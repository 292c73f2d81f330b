//! `plasma demo`: everything, end to end, in under a minute, narrated.

use alloy_primitives::Bytes;
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use plasma_framework::{FrameworkConfig, Plasma};
use plasma_operator::{OperatorApiClient, OperatorConfig, OperatorNode};
use plasma_primitives::units::milli_ether;
use plasma_primitives::{
    Address, B256, MerkleTree, Output, PaymentTx, PrivateKey, SignedTx, U256, UtxoPos,
};
use plasma_rootchain::{DevChain, EmbeddedChain, RootChain, dev_key};
use plasma_storage::MemoryStore;
use plasma_watcher::{Watcher, WatcherConfig, WatcherEvent};
use std::{sync::Arc, time::Duration};

/// What the demo does.
#[derive(Debug, Clone, Copy)]
pub struct DemoConfig {
    /// Payments streamed through the chain.
    pub transfers: usize,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self { transfers: 2000 }
    }
}

/// A demo failure: something the demo expected did not happen.
#[derive(Debug, thiserror::Error)]
#[error("demo: {0}")]
pub struct DemoError(String);

fn fail(e: impl std::fmt::Display) -> DemoError {
    DemoError(e.to_string())
}

const MEP: u64 = 24 * 3600;
const NAMES: [&str; 4] = ["alice", "bob", "carol", "dave"];
const WATCHER_ACCOUNT: usize = 9;

fn fmt_eth(wei: U256) -> String {
    let milli: u128 = (wei / U256::from(1_000_000_000_000_000u64)).to();
    format!("{}.{:03} ETH", milli / 1000, milli % 1000)
}

/// Runs the demo; `say` prints each line of the account.
pub async fn run(config: DemoConfig, say: impl Fn(&str)) -> Result<(), DemoError> {
    say("1. An embedded Ethereum (revm, in this process) with the real contracts");
    let chain = Arc::new(EmbeddedChain::new());
    let accounts = chain.accounts();
    let operator = accounts[0];
    let users: Vec<Address> = accounts[1..=4].to_vec();
    let watcher_account = accounts[WATCHER_ACCOUNT];
    let mut framework = FrameworkConfig::new(operator);
    framework.min_exit_period = MEP;
    let plasma = Arc::new(Plasma::deploy(chain.clone(), operator, &framework).await.map_err(fail)?);
    let a = plasma.addresses();
    say(&format!(
        "   framework {}  exit game {}  (exit period {} h)",
        a.framework,
        a.exit_game,
        MEP / 3600
    ));
    let domain = plasma.domain_separator().await.map_err(fail)?;
    let l1_before: Vec<U256> = balances(chain.as_ref(), &users).await?;

    say("2. The operator and a watcher start");
    let node_config = OperatorConfig {
        rpc_addr: "127.0.0.1:0".parse().map_err(fail)?,
        block_interval: Duration::from_millis(100),
        l1_poll_interval: Duration::from_millis(10),
        ..OperatorConfig::default()
    };
    let node =
        OperatorNode::start(node_config, plasma.clone(), operator, Arc::new(MemoryStore::new()))
            .await
            .map_err(fail)?;
    let api =
        HttpClientBuilder::default().build(format!("http://{}", node.rpc_addr())).map_err(fail)?;
    say(&format!("   operator API http://{}", node.rpc_addr()));
    let watcher_config =
        WatcherConfig { challenger: Some(watcher_account), ..WatcherConfig::default() };
    let mut watcher =
        Watcher::new(watcher_config, plasma.clone(), api.clone()).await.map_err(fail)?;

    say("3. Each user deposits 10 ETH on L1");
    let mut deposits = Vec::new();
    for (i, &user) in users.iter().enumerate() {
        let tx = PaymentTx::deposit(user, Address::ZERO, milli_ether(10_000)).map_err(fail)?;
        let (blknum, _) = plasma.deposit(&tx).await.map_err(fail)?;
        deposits.push((UtxoPos::new(blknum, 0, 0), tx));
        say(&format!("   {:<5} deposit block {blknum}", NAMES[i]));
    }
    wait(&api, "the deposits", |s| s.utxos >= 4).await?;

    say(&format!("4. {} payments stream through the child chain", config.transfers));
    let carol_spent_deposit =
        stream_payments(&api, &users, &deposits, &domain, config.transfers, &say).await?;
    let status = wait(&api, "every block on L1", |s| {
        s.pending_txs == 0
            && s.last_submitted_block == s.last_sealed_block
            && s.last_sealed_block > 0
    })
    .await?;
    say(&format!(
        "   {} blocks sealed, every root on L1 (last block {})",
        status.last_sealed_block / 1000,
        status.last_sealed_block
    ));

    say("5. The watcher re-executes every block");
    verify_all(&mut watcher, status.last_sealed_block, &say).await?;

    say("6. Bob exits his coins; Carol tries to exit a deposit she already spent");
    exit_and_cheat(&plasma, &api, &mut watcher, &users, &deposits, carol_spent_deposit, &say)
        .await?;

    say(&format!("7. {} h later, anyone processes the exits", 2 * MEP / 3600));
    chain.advance_time(2 * MEP + 1).await.map_err(fail)?;
    plasma.process_exits(operator, Address::ZERO, 10).await.map_err(fail)?;
    // The table shows what the operator counts: let it read the payouts first.
    let head = chain.head().await.map_err(fail)?.number;
    wait(&api, "the operator to read the processed exits", |s| s.l1_next_block > head).await?;

    say("8. Balances on L1 (gas paid on L1 included)");
    print_balances(chain.as_ref(), &api, &users, &l1_before, &say).await?;
    node.stop().await;
    Ok(())
}

/// Step 4: `transfers` payments round the four users, in batches through the API; returns
/// Carol's first payment (it spends her deposit, which she later tries to exit).
async fn stream_payments(
    api: &HttpClient,
    users: &[Address],
    deposits: &[(UtxoPos, PaymentTx)],
    domain: &B256,
    transfers: usize,
    say: &impl Fn(&str),
) -> Result<Option<SignedTx>, DemoError> {
    let keys: Vec<PrivateKey> = (1..=4).map(dev_key).collect();
    let mut holding: Vec<(UtxoPos, U256)> =
        deposits.iter().map(|(p, _)| (*p, milli_ether(10_000))).collect();
    let (mut sent, mut round) = (0, 0u64);
    let mut carol_spent_deposit = None;
    while sent < transfers {
        let mut batch = Vec::new();
        let mut payers = Vec::new();
        for from in 0..4 {
            if sent + batch.len() >= transfers {
                break;
            }
            let to = (from + 1 + (round as usize % 3)) % 4;
            let (pos, amount) = holding[from];
            let pay = milli_ether(1 + (round % 7));
            let outputs = vec![
                Output { owner: users[to], token: Address::ZERO, amount: pay },
                Output { owner: users[from], token: Address::ZERO, amount: amount - pay },
            ];
            let tx = PaymentTx::new(vec![pos], outputs, B256::ZERO)
                .map_err(fail)?
                .sign(&[&keys[from]], domain)
                .map_err(fail)?;
            if from == 2 && round == 0 {
                carol_spent_deposit = Some(tx.clone());
            }
            batch.push(Bytes::from(tx.encode()));
            payers.push((from, amount - pay));
        }
        let results = api.submit_txs(batch).await.map_err(fail)?;
        for ((from, change), result) in payers.into_iter().zip(results) {
            let ack = result.ack.ok_or_else(|| fail(result.error.unwrap_or_default()))?;
            holding[from] = (UtxoPos::new(ack.blknum, ack.txindex, 1), change);
            sent += 1;
        }
        round += 1;
        if sent % 500 == 0 {
            say(&format!("   {sent} payments acknowledged"));
        }
    }
    Ok(carol_spent_deposit)
}

/// Step 6: Bob exits his largest output; Carol exits her spent deposit and the watcher
/// challenges it, collecting her bond.
async fn exit_and_cheat(
    plasma: &Plasma<EmbeddedChain>,
    api: &HttpClient,
    watcher: &mut Watcher<EmbeddedChain, HttpClient>,
    users: &[Address],
    deposits: &[(UtxoPos, PaymentTx)],
    carol_spent_deposit: Option<SignedTx>,
    say: &impl Fn(&str),
) -> Result<(), DemoError> {
    let chain = plasma.chain();
    let watcher_account = chain.accounts()[WATCHER_ACCOUNT];
    let bob_utxos = api.get_utxos(users[1], None, Some(1000)).await.map_err(fail)?;
    let bob_exit =
        bob_utxos.utxos.iter().max_by_key(|u| u.amount).ok_or_else(|| fail("Bob holds nothing"))?;
    let bob_pos = UtxoPos::from_raw(bob_exit.utxo_pos).ok_or_else(|| fail("bad position"))?;
    let data = api.get_exit_data(bob_exit.utxo_pos).await.map_err(fail)?;
    plasma
        .start_standard_exit(users[1], bob_pos, &data.tx_bytes, &data.proof)
        .await
        .map_err(fail)?;
    say(&format!("   bob   exits {} from {bob_pos}", fmt_eth(bob_exit.amount)));
    let (carol_dep, carol_dep_tx) = &deposits[2];
    let proof =
        MerkleTree::from_leaves(&[carol_dep_tx.encode()]).map_err(fail)?.proof(0).map_err(fail)?;
    plasma
        .start_standard_exit(users[2], *carol_dep, &carol_dep_tx.encode(), &proof)
        .await
        .map_err(fail)?;
    say(&format!(
        "   carol exits 10.000 ETH from her deposit {carol_dep}, spent in {}",
        carol_spent_deposit.map(|t| t.tx().hash()).unwrap_or_default()
    ));
    let watcher_before = chain.balance(watcher_account).await.map_err(fail)?;
    let events = watcher.step().await.map_err(fail)?;
    for event in &events {
        match event {
            WatcherEvent::InvalidExit { utxo_pos, spent_in, .. } => {
                say(&format!("   watcher: invalid exit of {utxo_pos}: spent in {spent_in}"))
            }
            WatcherEvent::ExitChallenged { tx_hash, .. } => {
                say(&format!("   watcher: challenged it (L1 tx {tx_hash})"))
            }
            _ => {}
        }
    }
    let reward = chain.balance(watcher_account).await.map_err(fail)?.saturating_sub(watcher_before);
    say(&format!("   watcher earned Carol's bond: {}", fmt_eth(reward)));

    Ok(())
}

/// Step 5: the watcher steps until it has verified every block up to `last`.
async fn verify_all(
    watcher: &mut Watcher<EmbeddedChain, HttpClient>,
    last: u64,
    say: &impl Fn(&str),
) -> Result<(), DemoError> {
    let verified = loop {
        watcher.step().await.map_err(fail)?;
        if watcher.last_verified() >= last {
            break watcher
                .events()
                .iter()
                .filter(|e| matches!(e, WatcherEvent::BlockVerified { .. }))
                .count();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    say(&format!(
        "   {verified} blocks verified against their roots, no alarm: {}",
        watcher.byzantine().is_none()
    ));
    Ok(())
}

/// Step 8: each user's L1 balance before and after, and what the operator still counts.
async fn print_balances(
    chain: &EmbeddedChain,
    api: &HttpClient,
    users: &[Address],
    l1_before: &[U256],
    say: &impl Fn(&str),
) -> Result<(), DemoError> {
    let l1_after = balances(chain, users).await?;
    for (i, name) in NAMES.iter().enumerate() {
        let on_chain: U256 =
            api.get_balance(users[i]).await.map_err(fail)?.iter().map(|b| b.amount).sum();
        say(&format!(
            "   {name:<5} L1 {:>14} → {:>14}   child chain {:>12}",
            fmt_eth(l1_before[i]),
            fmt_eth(l1_after[i]),
            fmt_eth(on_chain)
        ));
    }
    let bob_gain = l1_after[1].saturating_sub(l1_before[1].saturating_sub(milli_ether(10_000)));
    say(&format!(
        "   bob got {} back on L1 from his exit (less gas and the processing bounty)",
        fmt_eth(bob_gain)
    ));
    Ok(())
}

async fn balances<C: RootChain>(chain: &C, users: &[Address]) -> Result<Vec<U256>, DemoError> {
    let mut out = Vec::new();
    for &user in users {
        out.push(chain.balance(user).await.map_err(fail)?);
    }
    Ok(out)
}

async fn wait(
    api: &HttpClient,
    what: &str,
    done: impl Fn(&plasma_operator::Status) -> bool,
) -> Result<plasma_operator::Status, DemoError> {
    for _ in 0..3000 {
        let status = api.status().await.map_err(fail)?;
        if done(&status) {
            return Ok(status);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err(fail(format!("timed out waiting for {what}")))
}
