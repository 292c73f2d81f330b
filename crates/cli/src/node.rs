//! `plasma node`: run the operator against a root chain, configured by flags and/or a TOML file.

use crate::{
    deployment::Deployment,
    keys::parse_key,
    node_fees::{FeeFileWatch, FeeFlags, FeeSection},
};
use anyhow::{Context, Result, bail};
use clap::Args;
use plasma_cash::PlasmaCashContract;
use plasma_cash::{CashNode, CashNodeConfig};
use plasma_framework::Plasma;
use plasma_operator::{OperatorConfig, OperatorNode};
use plasma_primitives::{Address, U256};
use plasma_rootchain::{RpcChain, RpcConfig};
use plasma_storage::{Journal, RedbStore};
use serde::Deserialize;
use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

/// Flags; each may also come from the TOML file given with `--config` (flags win).
#[derive(Debug, Args)]
pub(crate) struct NodeArgs {
    /// TOML file with the settings below (see docs/operations.md).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Root-chain JSON-RPC endpoint.
    #[arg(long = "l1.rpc")]
    l1_rpc: Option<String>,
    /// Blocks a root-chain event must be buried under before the node acts on it (default:
    /// 0 on a local development chain, 64 elsewhere; the watcher's default is the same).
    #[arg(long = "l1.confirmations")]
    l1_confirmations: Option<u64>,
    /// The deployment file written by `plasma deploy`.
    #[arg(long)]
    contracts: Option<PathBuf>,
    /// The operator's private key (hex). Prefer the environment variable.
    #[arg(long = "operator-key", env = "PLASMA_OPERATOR_KEY", hide_env_values = true)]
    operator_key: Option<String>,
    /// Directory for the node's database.
    #[arg(long = "data-dir")]
    data_dir: Option<PathBuf>,
    /// Where the JSON-RPC API listens (port 0 picks a free port).
    #[arg(long = "rpc.addr")]
    rpc_addr: Option<SocketAddr>,
    /// Longest time between blocks, in milliseconds.
    #[arg(long = "block.interval-ms")]
    block_interval_ms: Option<u64>,
    /// The ETH fee per transaction, in wei (0: no ETH fee). Other tokens and per-input or
    /// per-output rates: `[[fee.token]]` in the TOML file (docs/operations.md).
    #[arg(long = "fee.min-wei")]
    fee_min_wei: Option<U256>,
    /// Who owns the fees each block collects (default: the operator's address).
    #[arg(long = "fee.claimer")]
    fee_claimer: Option<Address>,
    /// Smallest ETH output accepted, in wei (0: any). Set it to what exiting an output costs
    /// on L1 (`plasma cost` prints it, "exit of one output"): smaller outputs are not worth
    /// exiting if blocks are withheld.
    #[arg(long = "fee.dust-wei")]
    fee_dust_wei: Option<U256>,
    /// Where to serve Prometheus metrics (off when absent).
    #[arg(long = "metrics.addr")]
    metrics_addr: Option<SocketAddr>,
    /// Which chain to run: the payment chain (MoreVP), or Plasma Cash on the deployment's
    /// PlasmaCash contract (`plasma deploy --cash`).
    #[arg(long, value_enum, default_value_t = ChainKind::Payment)]
    chain: ChainKind,
    /// Plasma Cash: commit an XT checkpoint every this many operator blocks.
    #[arg(long = "checkpoint.every")]
    checkpoint_every: Option<u64>,
}

/// The kinds of chain a node runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ChainKind {
    /// UTXO payments with standard and in-flight (MoreVP) exits.
    Payment,
    /// Plasma Cash coins with XT checkpoints.
    Cash,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    contracts: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    #[serde(default)]
    l1: L1Section,
    #[serde(default)]
    rpc: AddrSection,
    #[serde(default)]
    metrics: AddrSection,
    #[serde(default)]
    block: BlockSection,
    #[serde(default)]
    fee: FeeSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct L1Section {
    rpc: Option<String>,
    confirmations: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddrSection {
    addr: Option<SocketAddr>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockSection {
    interval_ms: Option<u64>,
}

pub(crate) async fn run(args: NodeArgs) -> Result<()> {
    let file = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            toml::from_str::<FileConfig>(&text)
                .with_context(|| format!("{} is not a valid node config", path.display()))?
        }
        None => FileConfig::default(),
    };
    let required = |name: &str| anyhow::anyhow!("missing setting: --{name} (or in the TOML file)");
    let l1_rpc = args.l1_rpc.or(file.l1.rpc).ok_or_else(|| required("l1.rpc"))?;
    let contracts = args.contracts.or(file.contracts).ok_or_else(|| required("contracts"))?;
    let data_dir = args.data_dir.or(file.data_dir).ok_or_else(|| required("data-dir"))?;
    let key = parse_key(
        &args.operator_key.ok_or_else(|| required("operator-key (or PLASMA_OPERATOR_KEY)"))?,
    )?;
    let deployment = Deployment::read(&contracts)?;

    let mut config = OperatorConfig::default();
    if let Some(addr) = args.rpc_addr.or(file.rpc.addr) {
        config.rpc_addr = addr;
    }
    if let Some(ms) = args.block_interval_ms.or(file.block.interval_ms) {
        config.block_interval = Duration::from_millis(ms);
    }
    config.l1_confirmations = args
        .l1_confirmations
        .or(file.l1.confirmations)
        .unwrap_or_else(|| plasma_rootchain::default_confirmations(deployment.chain_id));
    config.l1_start_block = deployment.deployed_at_block;
    config.expected_chain_id = Some(deployment.chain_id);
    let flags = FeeFlags {
        min_wei: args.fee_min_wei,
        dust_wei: args.fee_dust_wei,
        claimer: args.fee_claimer,
    };
    config.fees = file.fee.policy(&flags, key.address());
    if let Some(addr) = args.metrics_addr.or(file.metrics.addr) {
        metrics_exporter_prometheus::PrometheusBuilder::new()
            .with_http_listener(addr)
            .install()
            .with_context(|| format!("serving metrics on {addr}"))?;
        println!("metrics: http://{addr}/metrics");
    }

    let mut rpc = RpcConfig::new(l1_rpc);
    rpc.expected_chain_id = Some(deployment.chain_id);
    rpc.confirmations = config.l1_confirmations;
    let operator = key.address();
    let chain = Arc::new(RpcChain::connect(rpc, &[key]).await?);
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    if args.chain == ChainKind::Cash {
        let at = CashAt { contracts: &contracts, deployment: &deployment, data_dir: &data_dir };
        return run_cash(at, &config, args.checkpoint_every, chain, operator).await;
    }
    let plasma = Arc::new(Plasma::attach(chain, deployment.addresses()).await?);
    let store = Arc::new(RedbStore::open(data_dir.join("operator.redb"))?);
    let node = OperatorNode::start(config, plasma, operator, store).await?;
    println!("rpc: http://{}", node.rpc_addr());
    let mut fees = args.config.as_deref().map(|path| FeeFileWatch::new(path, file.fee.clone()));
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    let mut every_second = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            r = &mut shutdown => break r?,
            _ = every_second.tick() => {
                if let Some(watch) = &mut fees {
                    watch.poll(&node);
                }
            }
        }
    }
    tracing::info!("shutting down");
    let failure = node.failure();
    node.stop().await;
    if let Some(reason) = failure {
        bail!("the node had stopped accepting transactions: {reason}");
    }
    Ok(())
}

/// Where a Plasma Cash node runs: its deployment file, the deployment, its data folder.
struct CashAt<'a> {
    contracts: &'a std::path::Path,
    deployment: &'a Deployment,
    data_dir: &'a std::path::Path,
}

/// `plasma node --chain cash`: the Plasma Cash node, with the payment node's settings.
async fn run_cash(
    at: CashAt<'_>,
    config: &OperatorConfig,
    checkpoint_every: Option<u64>,
    chain: Arc<RpcChain>,
    operator: Address,
) -> Result<()> {
    let CashAt { contracts, deployment, data_dir } = at;
    let address = deployment.plasma_cash.ok_or_else(|| {
        anyhow::anyhow!(
            "{} names no Plasma Cash contract (plasma deploy --cash)",
            contracts.display()
        )
    })?;
    let contract = Arc::new(PlasmaCashContract::attach(chain, address).await?);
    let journal = Arc::new(Journal::open(data_dir.join("cash.redb"))?);
    let cash_config = CashNodeConfig {
        rpc_addr: config.rpc_addr,
        block_interval: config.block_interval,
        l1_poll_interval: config.l1_poll_interval,
        l1_start_block: deployment.deployed_at_block,
        l1_confirmations: config.l1_confirmations,
        checkpoint_every,
        api: config.api.clone(),
        expected_chain_id: Some(deployment.chain_id),
    };
    let node = CashNode::start(cash_config, contract, operator, journal).await?;
    println!("rpc: http://{}", node.rpc_addr());
    shutdown_signal().await?;
    tracing::info!("shutting down");
    node.stop().await;
    Ok(())
}

async fn shutdown_signal() -> Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("waiting for Ctrl-C")?,
        _ = term.recv() => {}
    }
    Ok(())
}
