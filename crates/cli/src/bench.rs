//! `plasma bench …`: measurements of our own code, ratios taken within one run.

use anyhow::Result;
use clap::{Args, Subcommand};
use plasma_bench::node::{self as bench, NodeBenchConfig};
use std::time::Instant;

/// With no subcommand, everything below in one run.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    #[command(subcommand)]
    command: Option<BenchCommand>,
    /// Print the report as JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Whole-transaction gas of every framework operation on the embedded chain.
    Gas,
    /// Merkle root and proof times for a full block.
    Merkle,
    /// Operator throughput against the signature-recovery ceiling of this machine.
    Node(NodeBenchArgs),
    /// Watcher verification of a full block against the same ceiling.
    Watcher(WatcherBenchArgs),
    /// Plasma Cash node: transfers per second in-process and over HTTP against the same
    /// ceiling, and per journal sync.
    Cash(CashBenchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CashBenchArgs {
    /// Transfers timed per measurement, each of its own coin (at most 50,000; twice as many
    /// coins are deposited, in rounds of 999, the most the contract numbers between blocks).
    #[arg(long, default_value_t = 32_000)]
    transfers: usize,
    /// Transfers per call: 1 sends each alone (`cash_submitTx`), more batches them
    /// (`cash_submitTxs`, at most 1,000).
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// Calls in flight at once (as `plasma bench node`: 32 calls of 1,000).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
}

#[derive(Debug, Args)]
pub(crate) struct WatcherBenchArgs {
    /// Transactions in the block (at most 65,536).
    #[arg(long, default_value_t = 65_536)]
    txs: usize,
}

#[derive(Debug, Args)]
pub(crate) struct NodeBenchArgs {
    /// Timed transactions per measurement.
    #[arg(long, default_value_t = 65_536)]
    txs: usize,
    /// Accounts that deposit and send.
    #[arg(long, default_value_t = 512)]
    accounts: usize,
    /// Transactions per submission call (the HTTP API takes at most 1,000 per call).
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// Submission calls in flight at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
}

pub(crate) async fn run(args: BenchArgs) -> Result<()> {
    let json = args.json;
    match args.command {
        Some(BenchCommand::Gas) => gas(json).await,
        Some(BenchCommand::Merkle) => merkle(json),
        Some(BenchCommand::Node(a)) => node(a, json).await,
        Some(BenchCommand::Watcher(a)) => watcher(a, json),
        Some(BenchCommand::Cash(a)) => cash(a, json).await,
        None => {
            gas(json).await?;
            merkle(json)?;
            watcher(WatcherBenchArgs { txs: 65_536 }, json)?;
            node(NodeBenchArgs { txs: 65_536, accounts: 512, batch: 1000, concurrency: 16 }, json)
                .await?;
            cash(CashBenchArgs { transfers: 32_000, batch: 1_000, concurrency: 32 }, json).await
        }
    }
}

async fn gas(json: bool) -> Result<()> {
    eprintln!("measuring gas on the embedded chain");
    let gas = plasma_bench::gas::measure().await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "gas": gas }))?);
        return Ok(());
    }
    println!("gas per L1 transaction (embedded chain, real contracts, intrinsic included)");
    let rows = [
        ("ETH transfer (L1)", gas.eth_transfer),
        ("ERC20 transfer (L1, existing holder)", gas.erc20_transfer),
        ("ERC20 transfer (L1, new holder)", gas.erc20_transfer_new_holder),
        ("submitBlock", gas.submit_block),
        ("EthVault.deposit", gas.deposit_eth),
        ("ERC20 approve", gas.erc20_approve),
        ("Erc20Vault.deposit", gas.deposit_erc20),
        ("startStandardExit (1-in/2-out output)", gas.start_standard_exit),
        ("challengeStandardExit", gas.challenge_standard_exit),
        ("processExits, per exit (10 per call)", gas.process_exit_per_exit),
    ];
    for (name, value) in rows {
        println!("  {name:<40} {value:>8}");
    }
    println!(
        "  submitBlock per transfer, full block    {:>8.3}",
        gas.submit_block as f64 / 65_536.0
    );
    Ok(())
}

fn merkle(json: bool) -> Result<()> {
    use plasma_primitives::{MerkleTree, merkle};
    let leaves: Vec<Vec<u8>> = (0..merkle::MAX_LEAVES as u32)
        .map(|i| [i.to_be_bytes().as_slice(), &[0xab; 200]].concat())
        .collect();
    let started = Instant::now();
    let tree = MerkleTree::from_leaves(&leaves)?;
    let root_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let proofs: Vec<_> = (0..1000u64).map(|i| tree.proof(i * 65)).collect::<Result<_, _>>()?;
    let proof_us = started.elapsed().as_secs_f64() * 1e6 / 1000.0;
    let started = Instant::now();
    for (i, proof) in proofs.iter().enumerate() {
        let index = i as u64 * 65;
        merkle::verify(&leaves[index as usize], index, &tree.root(), proof)?;
    }
    let verify_us = started.elapsed().as_secs_f64() * 1e6 / 1000.0;
    if json {
        let report = serde_json::json!({ "merkle": { "rootMs": root_ms, "proofUs": proof_us, "verifyUs": verify_us } });
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("Merkle tree of a full block (65,536 transactions of 204 bytes, one core)");
    println!("  root from transaction bytes          {root_ms:>8.1} ms");
    println!("  proof from the built tree            {proof_us:>8.2} µs");
    println!("  proof verification                   {verify_us:>8.2} µs");
    Ok(())
}

fn watcher(args: WatcherBenchArgs, json: bool) -> Result<()> {
    anyhow::ensure!((1..=65_536).contains(&args.txs), "--txs must be 1 to 65536, got {}", args.txs);
    let started = Instant::now();
    let report = plasma_bench::watcher::run(args.txs, 512, |step| {
        eprintln!("[{:>6.1}s] {step}", started.elapsed().as_secs_f64())
    })
    .map_err(anyhow::Error::msg)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "watcher block verification, {} one-input transfers, {} threads",
        report.txs, report.threads
    );
    println!(
        "  signature-recovery ceiling   {:>9.0} recoveries/s",
        report.ceiling_recoveries_per_sec
    );
    println!(
        "  full-block verification      {:>9.0} tx/s   ratio {:.2}",
        report.verify_tx_per_sec, report.ratio
    );
    Ok(())
}

async fn node(args: NodeBenchArgs, json: bool) -> Result<()> {
    anyhow::ensure!(
        args.txs > 0 && args.accounts > 0 && args.batch > 0 && args.concurrency > 0,
        "--txs, --accounts, --batch and --concurrency must be positive"
    );
    let config = NodeBenchConfig {
        txs: args.txs,
        accounts: args.accounts,
        batch: args.batch,
        concurrency: args.concurrency,
    };
    let started = Instant::now();
    let report =
        bench::run(config, |step| eprintln!("[{:>6.1}s] {step}", started.elapsed().as_secs_f64()))
            .await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("operator throughput, {} one-input transfers, {} threads", report.txs, report.threads);
    println!(
        "  signature-recovery ceiling   {:>9.0} recoveries/s",
        report.ceiling_recoveries_per_sec
    );
    println!(
        "  node (in-process submit)     {:>9.0} tx/s   ratio {:.2}",
        report.node_tx_per_sec, report.node_ratio
    );
    println!(
        "  node (HTTP JSON-RPC)         {:>9.0} tx/s   ratio {:.2}",
        report.http_tx_per_sec, report.http_ratio
    );
    println!("  blocks sealed while timing   {:>9}", report.blocks_sealed);
    if let Some(cpu) = report.cpu {
        println!(
            "  cores busy (in-process)      {:>8.0}%   sequencer thread {:.0}%",
            cpu.busy * 100.0,
            cpu.serial_thread * 100.0
        );
    }
    Ok(())
}

async fn cash(args: CashBenchArgs, json: bool) -> Result<()> {
    let started = Instant::now();
    let config = plasma_bench::cash::CashBenchConfig {
        transfers: args.transfers,
        batch: args.batch,
        concurrency: args.concurrency,
    };
    let report = plasma_bench::cash::run(&config, |step| {
        eprintln!("[{:>6.1}s] {step}", started.elapsed().as_secs_f64())
    })
    .await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "cash": report }))?);
        return Ok(());
    }
    println!(
        "Plasma Cash node, {} transfers per measurement, {} per call, {} calls at once",
        report.transfers, report.batch, report.concurrency
    );
    println!(
        "  signature-recovery ceiling      {:>9.0} recoveries/s (all cores)",
        report.ceiling_recoveries_per_sec
    );
    println!(
        "  node (in-process submit)        {:>9.0} tx/s   ratio {:.2}",
        report.node_tx_per_sec, report.node_ratio
    );
    println!(
        "  node (HTTP JSON-RPC)            {:>9.0} tx/s   ratio {:.2}",
        report.http_tx_per_sec, report.http_ratio
    );
    println!(
        "  journal disk syncs              {:>9}   ({:.1} transfers each)",
        report.journal_syncs, report.transfers_per_sync
    );
    if let Some(cpu) = report.cpu {
        println!(
            "  cores busy (in-process)         {:>8.0}%   journal writer {:.0}%",
            cpu.busy * 100.0,
            cpu.serial_thread * 100.0
        );
    }
    Ok(())
}
