//! `plasma bench node`: the operator's sustained throughput against the machine's own
//! signature-recovery ceiling, measured in the same run.
//!
//! It runs the real node (sequencer, ledger, group commit to a redb file, block sealing, root
//! submission to an embedded root chain with the real contracts), gives many accounts
//! deposits, fans their outputs out, then times `txs` pre-signed one-input transfers through
//! the node's submission path: once in-process and once over HTTP JSON-RPC. The ceiling is
//! the rate at which all cores recover the same transactions' signatures, and nothing else.

use crate::{
    BenchError, CpuShares, bench_err, ceiling::recovery_ceiling, cpu::CpuClock, scratch_dir,
};
use alloy_primitives::Bytes;
use futures::StreamExt;
use plasma_framework::{FrameworkConfig, Plasma};
use plasma_operator::{OperatorApiClient, OperatorConfig, OperatorNode, TxAck};
use plasma_primitives::{Address, B256, Output, PaymentTx, PrivateKey, SignedTx, U256, UtxoPos};
use plasma_rootchain::{EmbeddedChain, EmbeddedConfig, dev_keys};
use plasma_storage::RedbStore;
use rayon::prelude::*;
use serde::Serialize;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

/// What to measure.
#[derive(Debug, Clone)]
pub struct NodeBenchConfig {
    /// Timed transactions per measurement.
    pub txs: usize,
    /// Accounts that deposit and send.
    pub accounts: usize,
    /// Transactions per submission call.
    pub batch: usize,
    /// Submission calls in flight at once.
    pub concurrency: usize,
}

impl Default for NodeBenchConfig {
    fn default() -> Self {
        Self { txs: 65_536, accounts: 512, batch: 1000, concurrency: 32 }
    }
}

/// The measurement.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeBenchReport {
    /// Timed transactions per measurement.
    pub txs: usize,
    /// Threads rayon used (all cores).
    pub threads: usize,
    /// Signatures recovered per second on all cores: the ceiling.
    pub ceiling_recoveries_per_sec: f64,
    /// Transactions acknowledged per second, submitted in-process.
    pub node_tx_per_sec: f64,
    /// `node_tx_per_sec / ceiling`.
    pub node_ratio: f64,
    /// Transactions acknowledged per second over HTTP JSON-RPC.
    pub http_tx_per_sec: f64,
    /// `http_tx_per_sec / ceiling`.
    pub http_ratio: f64,
    /// Blocks sealed to hold the timed transfers (counted once all are sealed).
    pub blocks_sealed: u64,
    /// Where the cores went during the in-process measurement (Linux only).
    pub cpu: Option<CpuShares>,
}

/// Runs the benchmark; `progress` hears what is happening.
pub async fn run(
    config: NodeBenchConfig,
    progress: impl Fn(&str),
) -> Result<NodeBenchReport, BenchError> {
    let keys: Vec<PrivateKey> = (0..config.accounts)
        .map(|i| PrivateKey::from_seed(format!("bench {i}").as_bytes()))
        .collect();
    let operator_key = &dev_keys()[0];
    let accounts = std::iter::once(operator_key.address())
        .chain(keys.iter().map(PrivateKey::address))
        .collect();
    let chain_config = EmbeddedConfig { accounts, ..EmbeddedConfig::default() };
    let chain = Arc::new(EmbeddedChain::with_config(chain_config));
    let operator = operator_key.address();
    let plasma = Arc::new(Plasma::deploy(chain, operator, &FrameworkConfig::new(operator)).await?);
    let domain = plasma.domain_separator().await?;

    let dir = scratch_dir("plasma-bench")?;
    let store = Arc::new(RedbStore::open(dir.join("operator.redb"))?);
    let node_config = OperatorConfig {
        rpc_addr: "127.0.0.1:0".parse().expect("literal address"),
        block_interval: Duration::from_millis(500),
        l1_poll_interval: Duration::from_millis(20),
        ..OperatorConfig::default()
    };
    let node = OperatorNode::start(node_config, plasma.clone(), operator, store).await?;
    let setup =
        Setup { config: &config, node: &node, plasma: &plasma, keys: &keys, domain: &domain };
    let result = measure(setup, &progress).await;
    node.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// An output a benchmark account owns: (index of its key, position, amount).
type Owned = (usize, UtxoPos, U256);

/// What a measurement runs against.
struct Setup<'a> {
    config: &'a NodeBenchConfig,
    node: &'a OperatorNode,
    plasma: &'a Plasma<EmbeddedChain>,
    keys: &'a [PrivateKey],
    domain: &'a B256,
}

async fn measure(
    setup: Setup<'_>,
    progress: &impl Fn(&str),
) -> Result<NodeBenchReport, BenchError> {
    let Setup { config, node, keys, domain, .. } = setup;
    let outputs = fund_outputs(&setup, progress).await?;
    progress(&format!("signing {} transfers", 2 * config.txs));
    let timed: Vec<SignedTx> = outputs[..2 * config.txs]
        .par_iter()
        .map(|(owner, pos, amount)| {
            let out =
                Output { owner: keys[*owner].address(), token: Address::ZERO, amount: *amount };
            PaymentTx::new(vec![*pos], vec![out], B256::ZERO)
                .and_then(|tx| tx.sign(&[&keys[*owner]], domain))
                .expect("transfers are valid by construction")
        })
        .collect();
    let (in_process, over_http) = timed.split_at(config.txs);

    // The ceiling is measured on a quiet node: the fan-out sealed and its roots submitted.
    progress("waiting for the fan-out blocks to be sealed and submitted");
    loop {
        let status = node.status().await;
        if status.pending_txs == 0 && status.last_submitted_block == status.last_sealed_block {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    progress("measuring the signature-recovery ceiling on all cores");
    // Only the recoveries are timed: digests and signatures are prepared beforehand.
    let work: Vec<(B256, plasma_primitives::Signature)> =
        in_process.par_iter().map(|t| (t.tx().signing_hash(domain), t.signatures()[0])).collect();
    let ceiling = recovery_ceiling(&work, |(digest, sig)| sig.recover(digest).is_ok())?;

    // The clients' bytes, ready before the clock starts: encoding them is not the node's work.
    let in_process = batches(in_process, config.batch);
    let over_http = batches(over_http, config.batch);
    let sealed_before = node.status().await.last_sealed_block;
    progress(&format!("submitting {} transfers in-process", config.txs));
    let (node_rate, cpu) = time_in_process(config, node, in_process).await?;
    progress(&format!("submitting {} transfers over HTTP", config.txs));
    let http_rate = time_over_http(config, node, over_http).await?;
    // Untimed: the blocks that hold the timed transfers, once they are all sealed.
    let sealed_after = loop {
        let status = node.status().await;
        if status.pending_txs == 0 {
            break status.last_sealed_block;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    Ok(NodeBenchReport {
        txs: config.txs,
        threads: rayon::current_num_threads(),
        ceiling_recoveries_per_sec: ceiling,
        node_tx_per_sec: node_rate,
        node_ratio: node_rate / ceiling,
        http_tx_per_sec: http_rate,
        http_ratio: http_rate / ceiling,
        blocks_sealed: sealed_after.saturating_sub(sealed_before) / 1000,
        cpu,
    })
}

/// Deposits for every account, then fans their outputs out (untimed) until there is a
/// distinct output for each of the `2 * txs` timed transfers.
async fn fund_outputs(
    setup: &Setup<'_>,
    progress: &impl Fn(&str),
) -> Result<Vec<Owned>, BenchError> {
    let Setup { config, node, plasma, keys, domain } = *setup;
    progress(&format!("{} deposits on the embedded root chain", keys.len()));
    let amount = U256::from(10u64).pow(U256::from(18));
    let mut outputs: Vec<Owned> = Vec::with_capacity(2 * config.txs);
    for (i, key) in keys.iter().enumerate() {
        let (blknum, _) = plasma
            .deposit(&PaymentTx::deposit(key.address(), Address::ZERO, amount).map_err(bench_err)?)
            .await?;
        outputs.push((i, UtxoPos::new(blknum, 0, 0), amount));
    }
    while node.status().await.utxos < keys.len() as u64 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    while outputs.len() < 2 * config.txs {
        progress(&format!("fanning out {} outputs to {}", outputs.len(), outputs.len() * 4));
        let txs: Vec<SignedTx> = outputs
            .par_iter()
            .map(|(owner, pos, amount)| {
                let quarter = *amount / U256::from(4);
                let out =
                    Output { owner: keys[*owner].address(), token: Address::ZERO, amount: quarter };
                PaymentTx::new(vec![*pos], vec![out; 4], B256::ZERO)
                    .and_then(|tx| tx.sign(&[&keys[*owner]], domain))
                    .expect("fan-out transactions are valid by construction")
            })
            .collect();
        let acks = submit_all(node, &txs, config.batch).await?;
        outputs = outputs
            .iter()
            .zip(acks)
            .flat_map(|((owner, _, amount), ack)| {
                (0..4u8).map(move |o| {
                    (*owner, UtxoPos::new(ack.blknum, ack.txindex, o), *amount / U256::from(4))
                })
            })
            .collect();
    }
    Ok(outputs)
}

/// Times the batches through the node's own submission path; also where the cores went.
async fn time_in_process(
    config: &NodeBenchConfig,
    node: &OperatorNode,
    batches: Vec<Vec<Bytes>>,
) -> Result<(f64, Option<CpuShares>), BenchError> {
    let clock = CpuClock::start("sequencer");
    submit_concurrently(config, batches, |batch| async move { node.submit(batch).await }).await?;
    let (elapsed, cpu) = clock.stop();
    Ok((config.txs as f64 / elapsed, cpu))
}

/// Times the batches through the node's HTTP JSON-RPC API.
async fn time_over_http(
    config: &NodeBenchConfig,
    node: &OperatorNode,
    batches: Vec<Vec<Bytes>>,
) -> Result<f64, BenchError> {
    let client = jsonrpsee::http_client::HttpClientBuilder::default()
        .max_request_size(64 * 1024 * 1024)
        .build(format!("http://{}", node.rpc_addr()))
        .map_err(bench_err)?;
    let started = Instant::now();
    submit_concurrently(config, batches, |batch| {
        let client = client.clone();
        async move {
            let results = client.submit_txs(batch).await.map_err(|e| e.to_string())?;
            Ok(results.into_iter().map(|r| r.ack.ok_or(r.error.unwrap_or_default())).collect())
        }
    })
    .await?;
    Ok(config.txs as f64 / started.elapsed().as_secs_f64())
}

/// Submits in order, one batch at a time; every transaction must be acknowledged.
async fn submit_all(
    node: &OperatorNode,
    txs: &[SignedTx],
    batch: usize,
) -> Result<Vec<TxAck>, BenchError> {
    let mut acks = Vec::with_capacity(txs.len());
    for bytes in batches(txs, batch) {
        for answer in node.submit(bytes).await.map_err(bench_err)? {
            acks.push(answer.map_err(bench_err)?);
        }
    }
    Ok(acks)
}

/// The signed bytes of `txs`, in submission calls of `batch`.
fn batches(txs: &[SignedTx], batch: usize) -> Vec<Vec<Bytes>> {
    txs.chunks(batch).map(|c| c.iter().map(|t| Bytes::from(t.encode())).collect()).collect()
}

/// Submits the batches with `config.concurrency` calls in flight.
async fn submit_concurrently<F, Fut>(
    config: &NodeBenchConfig,
    batches: Vec<Vec<Bytes>>,
    submit: F,
) -> Result<(), BenchError>
where
    F: Fn(Vec<Bytes>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<Result<TxAck, String>>, String>>,
{
    let mut in_flight = futures::stream::iter(batches.into_iter().map(&submit))
        .buffer_unordered(config.concurrency);
    while let Some(result) = in_flight.next().await {
        for answer in result.map_err(bench_err)? {
            answer.map_err(bench_err)?;
        }
    }
    Ok(())
}
