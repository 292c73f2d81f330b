//! `plasma bench …`: measurements of our own code, ratios taken within one run.

use anyhow::Result;
use clap::{Args, Subcommand};
use plasma_operator::bench::{self, NodeBenchConfig};
use std::time::Instant;

#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Operator throughput against the signature-recovery ceiling of this machine.
    Node(NodeBenchArgs),
    /// Watcher verification of a full block against the same ceiling.
    Watcher(WatcherBenchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct WatcherBenchArgs {
    /// Transactions in the block (at most 65,536).
    #[arg(long, default_value_t = 65_536)]
    txs: usize,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct NodeBenchArgs {
    /// Timed transactions per measurement.
    #[arg(long, default_value_t = 65_536)]
    txs: usize,
    /// Accounts that deposit and send.
    #[arg(long, default_value_t = 512)]
    accounts: usize,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Node(args) => node(args).await,
        BenchCommand::Watcher(args) => watcher(args),
    }
}

fn watcher(args: WatcherBenchArgs) -> Result<()> {
    anyhow::ensure!((1..=65_536).contains(&args.txs), "--txs must be 1 to 65536, got {}", args.txs);
    let started = Instant::now();
    let report = plasma_watcher::bench::run(args.txs, 512, |step| {
        eprintln!("[{:>6.1}s] {step}", started.elapsed().as_secs_f64())
    })
    .map_err(anyhow::Error::msg)?;
    if args.json {
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

async fn node(args: NodeBenchArgs) -> Result<()> {
    anyhow::ensure!(args.txs > 0 && args.accounts > 0, "--txs and --accounts must be positive");
    let config =
        NodeBenchConfig { txs: args.txs, accounts: args.accounts, ..NodeBenchConfig::default() };
    let started = Instant::now();
    let report =
        bench::run(config, |step| eprintln!("[{:>6.1}s] {step}", started.elapsed().as_secs_f64()))
            .await?;
    if args.json {
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
    Ok(())
}
