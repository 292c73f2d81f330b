//! The Plasma Cash node's transfer throughput: many clients sending coin transfers at once over
//! its HTTP API (each acknowledged only once its journal entry is durable), and how many
//! transfers shared each disk sync of the journal (group commit).

use crate::{
    CashApiClient, CashNode, CashNodeConfig, OperatorError,
    bench::{bench_err, scratch_dir},
};
use futures::StreamExt;
use plasma_primitives::{U256, cash::CashTx};
use plasma_rootchain::{CashConfig, EmbeddedChain, PlasmaCashContract, RootChain, dev_key};
use plasma_storage::Journal;
use serde::Serialize;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

/// What to measure.
#[derive(Debug, Clone)]
pub struct CashBenchConfig {
    /// Coins deposited, each then transferred once while timing: at most 999, the deposits
    /// the contract numbers before the first operator block.
    pub transfers: usize,
    /// Transfers in flight at once (one HTTP call each).
    pub concurrency: usize,
}

impl Default for CashBenchConfig {
    fn default() -> Self {
        Self { transfers: 999, concurrency: 64 }
    }
}

/// The measurement.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CashBenchReport {
    /// Transfers timed.
    pub transfers: usize,
    /// Transfers in flight at once.
    pub concurrency: usize,
    /// Transfers acknowledged per second.
    pub tx_per_sec: f64,
    /// Disk syncs of the journal while timing.
    pub journal_syncs: u64,
    /// Transfers per disk sync.
    pub transfers_per_sync: f64,
}

/// Runs the benchmark on the embedded root chain; `progress` hears what is happening.
pub async fn run(
    config: &CashBenchConfig,
    progress: impl Fn(&str),
) -> Result<CashBenchReport, OperatorError> {
    if !(1..=999).contains(&config.transfers) || config.concurrency == 0 {
        return Err(bench_err(format!(
            "transfers must be 1 to 999 (deposits before the first block) and concurrency at \
             least 1, got {} and {}",
            config.transfers, config.concurrency
        )));
    }
    let chain = Arc::new(EmbeddedChain::new());
    let [operator, alice, bob] = [0, 1, 2].map(|i| chain.accounts()[i]);
    let start = chain.head().await?.number;
    let contract = Arc::new(
        PlasmaCashContract::deploy(chain.clone(), operator, &CashConfig::new(operator)).await?,
    );
    progress(&format!("depositing {} coins", config.transfers));
    let denomination = U256::from(1000);
    let mut coins = Vec::with_capacity(config.transfers);
    for _ in 0..config.transfers {
        coins.push(contract.deposit_eth(alice, denomination).await?);
    }

    let dir = scratch_dir("plasma-cash-bench")?;
    let journal = Arc::new(Journal::open(dir.join("cash.redb"))?);
    let node_config = CashNodeConfig {
        rpc_addr: "127.0.0.1:0".parse().expect("literal address"),
        block_interval: Duration::from_secs(1),
        l1_poll_interval: Duration::from_millis(10),
        l1_start_block: start,
        l1_confirmations: 0,
        checkpoint_every: None,
        api: crate::ApiLimits::default(),
        expected_chain_id: None,
    };
    let node = CashNode::start(node_config, contract, operator, journal.clone())
        .await
        .map_err(bench_err)?;
    let client = jsonrpsee::http_client::HttpClientBuilder::default()
        .build(format!("http://{}", node.rpc_addr()))
        .map_err(bench_err)?;
    let deadline = Instant::now() + Duration::from_secs(120);
    while client.status().await.map_err(bench_err)?.coins < config.transfers as u64 {
        if Instant::now() > deadline {
            return Err(bench_err("the node did not see the deposits within 120 s"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Signed before the clock starts: signing is the clients' work.
    let key = dev_key(1);
    let signed: Vec<_> = coins
        .iter()
        .map(|&(slot, block)| {
            let tx = CashTx { slot, prev_block: U256::from(block), denomination, new_owner: bob };
            (tx.encode(), tx.sign(&key).to_bytes().to_vec())
        })
        .collect();
    progress(&format!("sending {} transfers, {} at once", config.transfers, config.concurrency));
    let syncs_before = journal.writes();
    let started = Instant::now();
    let mut calls = futures::stream::iter(signed.into_iter().map(|(tx, sig)| {
        let client = client.clone();
        async move { client.submit_tx(tx.into(), sig.into()).await }
    }))
    .buffer_unordered(config.concurrency);
    while let Some(answer) = calls.next().await {
        answer.map_err(bench_err)?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let journal_syncs = journal.writes() - syncs_before;
    node.stop().await;
    drop(journal);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(CashBenchReport {
        transfers: config.transfers,
        concurrency: config.concurrency,
        tx_per_sec: config.transfers as f64 / elapsed,
        journal_syncs,
        transfers_per_sync: config.transfers as f64 / journal_syncs.max(1) as f64,
    })
}
