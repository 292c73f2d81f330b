//! The Plasma Cash node's transfer throughput, as `plasma bench node` measures the payment
//! node's: coin transfers sent many calls at once (each acknowledged only once its journal
//! entry is durable), once through the node's submission path in-process and once over its
//! HTTP API, against the signature-recovery ceiling of the same transfers on all cores in the
//! same run; also how many transfers shared each disk sync of the journal.

use crate::{
    BenchError, CpuShares, bench_err, ceiling::recovery_ceiling, cpu::CpuClock, scratch_dir,
};
use alloy_primitives::{Address, B256};
use futures::StreamExt;
use jsonrpsee::http_client::HttpClient;
use plasma_cash::api::{CashApiClient, CashStatus, CashSubmitResult, CashTransfer, MAX_CASH_BATCH};
use plasma_cash::{CashConfig, PlasmaCashContract};
use plasma_cash::{CashNode, CashNodeConfig};
use plasma_operator::ApiLimits;
use plasma_primitives::{
    U256,
    cash::{CashSignature, CashTx},
};
use plasma_rootchain::{EmbeddedChain, RootChain, dev_key};
use plasma_storage::Journal;
use serde::Serialize;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

/// What to measure.
#[derive(Debug, Clone)]
pub struct CashBenchConfig {
    /// Transfers timed per measurement (in-process, then over HTTP), each of its own coin:
    /// twice as many coins are deposited. The contract numbers at most 999 deposits between
    /// two operator blocks, so they are deposited in rounds, each closed by one untimed
    /// transfer that makes the node commit a block.
    pub transfers: usize,
    /// Transfers per call: 1 sends each alone (`cash_submitTx`), more batches them
    /// (`cash_submitTxs`, at most 1,000).
    pub batch: usize,
    /// Calls in flight at once.
    pub concurrency: usize,
}

impl Default for CashBenchConfig {
    fn default() -> Self {
        Self { transfers: 32_000, batch: 1_000, concurrency: 32 }
    }
}

/// The most transfers per measurement a run may ask for (the deposits take a while on the
/// embedded chain).
pub const MAX_TRANSFERS: usize = 50_000;

/// The measurement.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CashBenchReport {
    /// Transfers timed per measurement.
    pub transfers: usize,
    /// Transfers per call.
    pub batch: usize,
    /// Calls in flight at once.
    pub concurrency: usize,
    /// Signatures of those transfers recovered per second on all cores: the ceiling.
    pub ceiling_recoveries_per_sec: f64,
    /// Transfers acknowledged per second, submitted in-process.
    pub node_tx_per_sec: f64,
    /// `node_tx_per_sec / ceiling`.
    pub node_ratio: f64,
    /// Transfers acknowledged per second over HTTP JSON-RPC.
    pub http_tx_per_sec: f64,
    /// `http_tx_per_sec / ceiling`.
    pub http_ratio: f64,
    /// Disk syncs of the journal while timing (both measurements).
    pub journal_syncs: u64,
    /// Transfers per disk sync.
    pub transfers_per_sync: f64,
    /// Where the cores went during the in-process measurement (Linux only; the serial
    /// thread is the journal writer).
    pub cpu: Option<CpuShares>,
}

/// Runs the benchmark on the embedded root chain; `progress` hears what is happening.
pub async fn run(
    config: &CashBenchConfig,
    progress: impl Fn(&str),
) -> Result<CashBenchReport, BenchError> {
    if !(1..=MAX_TRANSFERS).contains(&config.transfers)
        || !(1..=MAX_CASH_BATCH).contains(&config.batch)
        || config.concurrency == 0
    {
        return Err(bench_err(format!(
            "transfers must be 1 to {MAX_TRANSFERS}, the batch 1 to {} and concurrency at \
             least 1, got {}, {} and {}",
            MAX_CASH_BATCH, config.transfers, config.batch, config.concurrency
        )));
    }
    let chain = Arc::new(EmbeddedChain::new());
    let operator = chain.accounts()[0];
    let start = chain.head().await?.number;
    let contract = Arc::new(
        PlasmaCashContract::deploy(chain.clone(), operator, &CashConfig::new(operator)).await?,
    );
    let dir = scratch_dir("plasma-cash-bench")?;
    let journal = Arc::new(Journal::open(dir.join("cash.redb"))?);
    let node = CashNode::start(node_config(start), contract.clone(), operator, journal.clone())
        .await
        .map_err(bench_err)?;
    let client = jsonrpsee::http_client::HttpClientBuilder::default()
        .build(format!("http://{}", node.rpc_addr()))
        .map_err(bench_err)?;
    let coins = deposit_coins(&contract, &client, 2 * config.transfers, &progress).await?;
    let bob = chain.accounts()[2];
    let measured = measure(config, &node, &client, &journal, &coins, bob, &progress).await;
    node.stop().await;
    drop(journal);
    let _ = std::fs::remove_dir_all(&dir);
    measured
}

/// The node under test: blocks every 100 ms, the root chain read every 10 ms.
fn node_config(l1_start_block: u64) -> CashNodeConfig {
    CashNodeConfig {
        rpc_addr: "127.0.0.1:0".parse().expect("literal address"),
        block_interval: Duration::from_millis(100),
        l1_poll_interval: Duration::from_millis(10),
        l1_start_block,
        l1_confirmations: 0,
        checkpoint_every: None,
        // The clients all come from this machine: lift the per-address limit that would
        // otherwise cap them as one client.
        api: ApiLimits {
            max_connections: 1024,
            max_connections_per_ip: 1024,
            ..ApiLimits::default()
        },
        expected_chain_id: None,
    }
}

/// Signs a transfer of every coin to `to` (untimed: the clients' work), measures the
/// recovery ceiling on the first half's signatures, then times sending the first half
/// in-process and the second over HTTP.
async fn measure(
    config: &CashBenchConfig,
    node: &CashNode,
    client: &HttpClient,
    journal: &Journal,
    coins: &[(u64, u64)],
    to: Address,
    progress: &impl Fn(&str),
) -> Result<CashBenchReport, BenchError> {
    let key = dev_key(1);
    let signed: Vec<(CashTx, CashSignature)> = coins
        .iter()
        .map(|&(slot, block)| {
            let tx = transfer(slot, block, to);
            (tx, tx.sign(&key))
        })
        .collect();
    let (in_process, over_http) = signed.split_at(config.transfers);
    progress("measuring the signature-recovery ceiling on all cores");
    let work: Vec<(B256, CashSignature)> =
        in_process.iter().map(|(tx, sig)| (tx.hash(), *sig)).collect();
    let ceiling = recovery_ceiling(&work, |(hash, sig)| sig.recover(hash).is_ok())?;
    let how = format!("{} per call, {} calls at once", config.batch, config.concurrency);
    let syncs_before = journal.writes();

    progress(&format!("sending {} transfers in-process, {how}", config.transfers));
    let clock = CpuClock::start("cash-journal");
    send_all(config, calls(in_process, config.batch), |call| async move {
        all_accepted(node.submit(call).await.map_err(bench_err)?)
    })
    .await?;
    let (node_elapsed, cpu) = clock.stop();

    progress(&format!("sending {} transfers over HTTP, {how}", config.transfers));
    let started = Instant::now();
    send_all(config, calls(over_http, config.batch), |call| send(client, call)).await?;
    let http_elapsed = started.elapsed().as_secs_f64();

    let journal_syncs = journal.writes() - syncs_before;
    let (node_tx_per_sec, http_tx_per_sec) =
        (config.transfers as f64 / node_elapsed, config.transfers as f64 / http_elapsed);
    Ok(CashBenchReport {
        transfers: config.transfers,
        batch: config.batch,
        concurrency: config.concurrency,
        ceiling_recoveries_per_sec: ceiling,
        node_tx_per_sec,
        node_ratio: node_tx_per_sec / ceiling,
        http_tx_per_sec,
        http_ratio: http_tx_per_sec / ceiling,
        journal_syncs,
        transfers_per_sync: (2 * config.transfers) as f64 / journal_syncs.max(1) as f64,
        cpu,
    })
}

/// The transfers in their wire form, `batch` per call.
fn calls(signed: &[(CashTx, CashSignature)], batch: usize) -> Vec<Vec<CashTransfer>> {
    let transfers: Vec<CashTransfer> = signed
        .iter()
        .map(|(tx, sig)| CashTransfer {
            tx: tx.encode().into(),
            signature: sig.to_bytes().to_vec().into(),
        })
        .collect();
    transfers.chunks(batch).map(<[_]>::to_vec).collect()
}

/// Sends every call through `send`, `concurrency` at once, until all are answered.
async fn send_all<F, Fut>(
    config: &CashBenchConfig,
    calls: Vec<Vec<CashTransfer>>,
    send: F,
) -> Result<(), BenchError>
where
    F: Fn(Vec<CashTransfer>) -> Fut,
    Fut: std::future::Future<Output = Result<(), BenchError>>,
{
    let mut answers =
        futures::stream::iter(calls.into_iter().map(send)).buffer_unordered(config.concurrency);
    while let Some(answer) = answers.next().await {
        answer?;
    }
    Ok(())
}

/// Every transfer of a call must have been accepted.
fn all_accepted(results: Vec<CashSubmitResult>) -> Result<(), BenchError> {
    match results.into_iter().find_map(|r| r.error) {
        Some(why) => Err(bench_err(format!("a prepared transfer was refused: {why}"))),
        None => Ok(()),
    }
}

const DENOMINATION: u64 = 1000;

/// Sends one call: a lone transfer through `cash_submitTx`, more through `cash_submitTxs`;
/// every transfer must be accepted.
async fn send(client: &HttpClient, mut call: Vec<CashTransfer>) -> Result<(), BenchError> {
    if call.len() == 1 {
        let CashTransfer { tx, signature } = call.pop().expect("one transfer");
        client.submit_tx(tx, signature).await.map_err(bench_err)?;
        return Ok(());
    }
    all_accepted(client.submit_txs(call).await.map_err(bench_err)?)
}

/// Alice's coin `slot` (last moved in `block`) to `to`.
fn transfer(slot: u64, block: u64, to: Address) -> CashTx {
    CashTx {
        slot,
        prev_block: U256::from(block),
        denomination: U256::from(DENOMINATION),
        new_owner: to,
    }
}

/// Deposits `wanted` coins of Alice's, seen by the node, in rounds of at most 999; a round
/// that is not the last spends one of its coins (untimed) so that the node commits a block
/// and the contract numbers the next deposits after it. Returns (slot, deposit block) each.
async fn deposit_coins<C: RootChain>(
    contract: &PlasmaCashContract<C>,
    client: &HttpClient,
    wanted: usize,
    progress: &impl Fn(&str),
) -> Result<Vec<(u64, u64)>, BenchError> {
    let alice = contract.chain().accounts()[1];
    let (key, carol) = (dev_key(1), contract.chain().accounts()[3]);
    progress(&format!("depositing {wanted} coins"));
    let (mut coins, mut deposited) = (Vec::with_capacity(wanted), 0u64);
    while coins.len() < wanted {
        let round = (wanted - coins.len()).min(999);
        let last_round = coins.len() + round == wanted;
        for _ in 0..round {
            coins.push(contract.deposit_eth(alice, U256::from(DENOMINATION)).await?);
        }
        deposited += round as u64;
        until(client, "see the deposits", |s| s.coins >= deposited).await?;
        if !last_round {
            let (slot, block) = coins.pop().expect("a round deposits at least one coin");
            let committed = contract.next_child_block().await?;
            let tx = transfer(slot, block, carol);
            let sig = tx.sign(&key).to_bytes().to_vec();
            client.submit_tx(tx.encode().into(), sig.into()).await.map_err(bench_err)?;
            until(client, "commit a block", |s| s.last_submitted_block >= committed).await?;
        }
    }
    Ok(coins)
}

/// Polls the node's status until `done` (or two minutes pass).
async fn until(
    client: &HttpClient,
    what: &str,
    done: impl Fn(&CashStatus) -> bool,
) -> Result<(), BenchError> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done(&client.status().await.map_err(bench_err)?) {
        if Instant::now() > deadline {
            return Err(bench_err(format!("the node did not {what} within 120 s")));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}
