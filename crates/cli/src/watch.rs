//! `plasma watch`: run a watcher against a chain's root-chain contracts and its operator.

use crate::{deployment::Deployment, keys::parse_key};
use anyhow::{Context, Result};
use clap::Args;
use jsonrpsee::http_client::HttpClientBuilder;
use plasma_cash::PlasmaCashContract;
use plasma_cash::{CoinWatcher, CoinWatcherError};
use plasma_framework::Plasma;
use plasma_primitives::Address;
use plasma_rootchain::{RpcChain, RpcConfig};
use plasma_watcher::{Watcher, WatcherConfig, WatcherService};
use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// Root-chain JSON-RPC endpoint.
    #[arg(long = "l1.rpc")]
    l1_rpc: String,
    /// Blocks a root-chain event must be buried under before the watcher reads it (default:
    /// 0 on a local development chain, 64 elsewhere; the operator's default is the same).
    #[arg(long = "l1.confirmations")]
    l1_confirmations: Option<u64>,
    /// The deployment file written by `plasma deploy`.
    #[arg(long)]
    contracts: PathBuf,
    /// The operator's JSON-RPC endpoint (blocks are fetched there, and checked).
    #[arg(long = "operator.rpc")]
    operator_rpc: String,
    /// Where the watcher's API listens.
    #[arg(long = "rpc.addr", default_value = "127.0.0.1:9546")]
    rpc_addr: SocketAddr,
    /// Key of the account that challenges invalid exits (hex). Without it the watcher only reports.
    #[arg(long = "challenger-key", env = "PLASMA_CHALLENGER_KEY", hide_env_values = true)]
    challenger_key: Option<String>,
    /// Keys of owners to exit when the chain breaks (hex, comma-separated).
    #[arg(
        long = "exit-keys",
        env = "PLASMA_EXIT_KEYS",
        hide_env_values = true,
        value_delimiter = ','
    )]
    exit_keys: Vec<String>,
    /// Owners who made the challenger their batch-exit agent (`plasma wallet batch-agent`):
    /// exited in batches from the challenger's account when the chain breaks, no key needed.
    #[arg(long = "batch-owners", value_delimiter = ',', value_parser = plasma_primitives::address::parse_address)]
    batch_owners: Vec<plasma_primitives::Address>,
    /// Root-chain seconds a committed block may stay unserved before it counts as withheld.
    #[arg(long = "withholding-secs", default_value_t = 3600)]
    withholding_secs: u64,
    /// Most exits started per round in mass-exit mode.
    #[arg(long = "max-exits", default_value_t = 50)]
    max_exits: usize,
    /// Where to POST alarms as JSON.
    #[arg(long)]
    webhook: Option<String>,
    /// Milliseconds between rounds.
    #[arg(long = "poll-ms", default_value_t = 2000)]
    poll_ms: u64,
    /// The watcher's own block store (redb): verified blocks are kept there, so a restart
    /// rebuilds without the operator. Without it, a restart refetches every block.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Plasma Cash coins (slots, comma-separated) to watch: every invalid exit of them is
    /// challenged from the challenger key. Needs --cash.rpc and the contract in --contracts.
    #[arg(long, value_delimiter = ',')]
    coins: Vec<u64>,
    /// The Plasma Cash operator's JSON-RPC endpoint (coin histories come from it, checked).
    #[arg(long = "cash.rpc")]
    cash_rpc: Option<String>,
}

/// Starts the coin watcher of `--coins` (it challenges from `who`, the challenger).
async fn start_coin_watcher(
    args: &WatchArgs,
    deployment: &Deployment,
    chain: Arc<RpcChain>,
    who: Option<Address>,
    confirmations: u64,
) -> Result<tokio::task::JoinHandle<CoinWatcherError>> {
    let address = deployment.plasma_cash.ok_or_else(|| {
        anyhow::anyhow!("{} names no Plasma Cash contract", args.contracts.display())
    })?;
    let who = who.ok_or_else(|| {
        anyhow::anyhow!("watching coins needs --challenger-key (it posts the bonds)")
    })?;
    let url = args.cash_rpc.clone().ok_or_else(|| anyhow::anyhow!("--coins needs --cash.rpc"))?;
    let node = HttpClientBuilder::default()
        .build(&url)
        .with_context(|| format!("bad Cash operator URL {url:?}"))?;
    let contract = Arc::new(PlasmaCashContract::attach(chain, address).await?);
    let watcher = CoinWatcher::new(contract, who, deployment.deployed_at_block, confirmations);
    let poll = Duration::from_millis(args.poll_ms);
    Ok(tokio::spawn(watcher.run(node, args.coins.clone(), poll, args.webhook.clone())))
}

pub(crate) async fn run(args: WatchArgs) -> Result<()> {
    let deployment = Deployment::read(&args.contracts)?;
    let confirmations = args
        .l1_confirmations
        .unwrap_or_else(|| plasma_rootchain::default_confirmations(deployment.chain_id));
    let challenger = args.challenger_key.as_deref().map(parse_key).transpose()?;
    let exiters = args.exit_keys.iter().map(|k| parse_key(k)).collect::<Result<Vec<_>>>()?;
    let mut keys = exiters.clone();
    keys.extend(challenger.clone());
    let mut rpc = RpcConfig::new(args.l1_rpc.clone());
    rpc.expected_chain_id = Some(deployment.chain_id);
    rpc.confirmations = confirmations;
    let chain = Arc::new(RpcChain::connect(rpc, &keys).await?);
    let plasma = Arc::new(Plasma::attach(chain.clone(), deployment.addresses()).await?);
    let coin_watcher = if args.coins.is_empty() {
        None
    } else {
        let who = challenger.as_ref().map(|k| k.address());
        Some(start_coin_watcher(&args, &deployment, chain.clone(), who, confirmations).await?)
    };
    let operator = HttpClientBuilder::default()
        .request_timeout(Duration::from_secs(30))
        .max_response_size(64 * 1024 * 1024)
        .build(&args.operator_rpc)
        .with_context(|| format!("bad operator URL {:?}", args.operator_rpc))?;
    let config = WatcherConfig {
        start_block: deployment.deployed_at_block,
        confirmations,
        withholding_secs: args.withholding_secs,
        challenger: challenger.map(|k| k.address()),
        mass_exit_owners: exiters
            .iter()
            .map(|k| k.address())
            .chain(args.batch_owners.clone())
            .collect(),
        max_exits_per_step: args.max_exits,
        ..WatcherConfig::default()
    };
    let mut watcher = Watcher::new(config, plasma, operator).await?;
    if let Some(path) = &args.db {
        let store = plasma_storage::RedbStore::open(path)
            .with_context(|| format!("opening the watcher's store {}", path.display()))?;
        watcher = watcher.with_store(Arc::new(store));
    }
    let mut service = WatcherService::start(
        watcher,
        args.rpc_addr,
        Duration::from_millis(args.poll_ms),
        args.webhook,
    )
    .await
    .with_context(|| format!("serving the watcher API on {}", args.rpc_addr))?;
    println!("rpc: http://{}", service.rpc_addr());
    // Both watchers run until a reorg deeper than the confirmations stops one: then the whole
    // watcher exits with that error (restarted, it reads the root chain again).
    let mut coin_watcher = coin_watcher;
    let coin_watcher_stopped = async {
        match coin_watcher.as_mut() {
            Some(task) => task.await,
            None => std::future::pending().await,
        }
    };
    let stopped: Option<anyhow::Error> = tokio::select! {
        interrupted = tokio::signal::ctrl_c() => {
            interrupted.context("waiting for Ctrl-C")?;
            None
        }
        stopped = coin_watcher_stopped => Some(match stopped {
            Ok(e) => e.into(),
            Err(e) => anyhow::anyhow!("the coin watcher failed: {e}"),
        }),
        stopped = service.stopped() => Some(match stopped {
            Ok(e) => anyhow::anyhow!("watcher stopped: {e}; restart it (it reads the root chain again from the deployment), with a larger --l1.confirmations if this recurs"),
            Err(e) => anyhow::anyhow!("the watcher failed: {e}"),
        }),
    };
    if let Some(task) = coin_watcher {
        task.abort();
    }
    service.stop().await;
    stopped.map_or(Ok(()), Err)
}
