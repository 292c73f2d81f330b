//! `plasma devnet`: a long-running local network for developers: a root chain (anvil from the
//! pinned npm package, or any endpoint), the contracts, an operator and a watcher, a Plasma
//! Cash contract with its Cash operator, and funded development accounts whose keys are printed.
//!
//! Every start deploys new contracts (on a fresh anvil, unless given a root chain), so the
//! child-chain state of an earlier run can never continue: a data directory the devnet created
//! (it holds [`DATA_DIR_MARKER`]) is emptied at start, and one it did not create is refused
//! rather than touched.

use jsonrpsee::http_client::HttpClientBuilder;
use plasma_cash::{CashConfig, PlasmaCashContract};
use plasma_cash::{CashNode, CashNodeConfig};
use plasma_framework::{FrameworkAddresses, FrameworkConfig, Plasma};
use plasma_ledger::FeePolicy;
use plasma_operator::{OperatorConfig, OperatorNode};
use plasma_primitives::{Address, U256};
use plasma_rootchain::{Anvil, DevChain, RootChain, RpcChain, RpcConfig, dev_keys};
use plasma_storage::RedbStore;
use plasma_watcher::{Watcher, WatcherConfig, WatcherService};
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

/// The file that marks a data directory as created by the devnet, whose next start may
/// therefore delete it. It tells a reader so.
pub const DATA_DIR_MARKER: &str = ".plasma-devnet";

const MARKER_TEXT: &str = "This directory was created by `plasma devnet`. The next devnet started \
with it as --data-dir deletes it and starts afresh (each devnet deploys new contracts).\n";

/// How to run the devnet.
#[derive(Debug, Clone)]
pub struct DevnetConfig {
    /// An existing root chain; `None` starts anvil.
    pub l1_rpc: Option<String>,
    /// The chain id anvil gets.
    pub chain_id: u64,
    /// Minimum exit period in seconds.
    pub min_exit_period: u64,
    /// Where the operator's database lives.
    pub data_dir: PathBuf,
    /// The operator's API address.
    pub operator_addr: SocketAddr,
    /// The watcher's API address.
    pub watcher_addr: SocketAddr,
    /// The Cash operator's API address.
    pub cash_addr: SocketAddr,
    /// The ETH fee per payment, in wei (0: free); the operator's account claims the fees.
    pub fee_wei: U256,
}

/// The devnet's default fee per payment: 0.0001 ETH, small beside the amounts people try,
/// large enough to see.
pub const DEVNET_FEE_WEI: u128 = 100_000_000_000_000;

/// A running devnet; dropping it stops anvil.
pub struct Devnet {
    /// The root-chain endpoint.
    pub l1_url: String,
    /// The root chain's id.
    pub chain_id: u64,
    /// The root-chain block the contracts were deployed in.
    pub deployed_at_block: u64,
    /// The contracts.
    pub addresses: FrameworkAddresses,
    /// The operator's API.
    pub operator_url: String,
    /// The watcher's API.
    pub watcher_url: String,
    /// The Plasma Cash contract.
    pub plasma_cash: plasma_primitives::Address,
    /// The Cash operator's API.
    pub cash_url: String,
    /// The data directory held the state of an earlier devnet, which was deleted.
    pub discarded_earlier_state: bool,
    node: OperatorNode,
    cash_node: CashNode,
    watcher: WatcherService,
    _anvil: Option<Anvil>,
}

/// A devnet failure, saying which part failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DevnetError {
    /// The data directory holds files the devnet did not create: it deletes nothing there.
    #[error(
        "devnet: the data directory {} holds files that `plasma devnet` did not create (it has no {DATA_DIR_MARKER}, nor has a directory of a devnet older than this marker), so it will not delete them: pass another --data-dir, or empty or remove {} yourself",
        .dir.display(), .dir.display()
    )]
    ForeignDataDir {
        /// The directory.
        dir: PathBuf,
    },
    /// Any other failure, named.
    #[error("devnet: {0}")]
    Other(String),
}

fn fail(e: impl std::fmt::Display) -> DevnetError {
    DevnetError::Other(e.to_string())
}

/// Makes `dir` an empty data directory marked as the devnet's: creates it if missing, deletes
/// it first if an earlier devnet created it (returns `true` then), adopts it if empty, and
/// refuses it if it holds anything else.
pub fn prepare_data_dir(dir: &Path) -> Result<bool, DevnetError> {
    let named = |e: std::io::Error| fail(format!("data directory {}: {e}", dir.display()));
    let discarded = match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(named(e)),
        Ok(meta) if !meta.is_dir() => {
            return Err(fail(format!(
                "data directory {} exists and is not a directory",
                dir.display()
            )));
        }
        Ok(_) if dir.join(DATA_DIR_MARKER).is_file() => {
            std::fs::remove_dir_all(dir).map_err(named)?;
            true
        }
        Ok(_) => {
            if std::fs::read_dir(dir).map_err(named)?.next().is_some() {
                return Err(DevnetError::ForeignDataDir { dir: dir.to_owned() });
            }
            false
        }
    };
    std::fs::create_dir_all(dir).map_err(named)?;
    std::fs::write(dir.join(DATA_DIR_MARKER), MARKER_TEXT).map_err(named)?;
    Ok(discarded)
}

impl Devnet {
    /// Starts everything; development account 0 is the operator and owner, 9 the watcher's
    /// challenger, 1–8 are users, all funded.
    ///
    /// The data directory is prepared first ([`prepare_data_dir`]): the state of an earlier
    /// devnet there is deleted (see [`Devnet::discarded_earlier_state`]), and a directory the
    /// devnet did not create is refused before anything starts.
    pub async fn start(config: DevnetConfig) -> Result<Self, DevnetError> {
        let discarded_earlier_state = prepare_data_dir(&config.data_dir)?;
        let (anvil, l1_url, chain) = connect_root_chain(&config).await?;
        let start = chain.head().await.map_err(fail)?.number;
        let (plasma, node, watcher) = start_payment_chain(&config, &chain, start + 1).await?;
        let cash_start = chain.head().await.map_err(fail)?.number + 1;
        let (plasma_cash, cash_node) = start_cash_chain(&config, &chain, cash_start).await?;
        Ok(Self {
            l1_url,
            chain_id: chain.chain_id().await.map_err(fail)?,
            deployed_at_block: start + 1,
            addresses: plasma.addresses(),
            operator_url: format!("http://{}", node.rpc_addr()),
            watcher_url: format!("http://{}", watcher.rpc_addr()),
            plasma_cash,
            cash_url: format!("http://{}", cash_node.rpc_addr()),
            discarded_earlier_state,
            node,
            cash_node,
            watcher,
            _anvil: anvil,
        })
    }

    /// Stops the operator and the watcher (and anvil, when dropped).
    pub async fn stop(self) {
        self.cash_node.stop().await;
        self.watcher.stop().await;
        self.node.stop().await;
    }
}

/// Connects to the given root chain, or starts anvil and funds the development accounts.
async fn connect_root_chain(
    config: &DevnetConfig,
) -> Result<(Option<Anvil>, String, Arc<RpcChain>), DevnetError> {
    let anvil = match &config.l1_rpc {
        Some(_) => None,
        None => Some(Anvil::spawn(config.chain_id, &[]).map_err(fail)?),
    };
    let l1_url = config
        .l1_rpc
        .clone()
        .unwrap_or_else(|| anvil.as_ref().map(|a| a.url().to_owned()).unwrap_or_default());
    let mut rpc = RpcConfig::new(&l1_url);
    rpc.confirmations = 0;
    rpc.poll_interval = Duration::from_millis(100);
    let chain = Arc::new(RpcChain::connect(rpc, &dev_keys()).await.map_err(fail)?);
    if anvil.is_some() {
        for key in dev_keys() {
            chain.set_balance(key.address(), U256::from(10u128.pow(22))).await.map_err(fail)?;
        }
    }
    Ok((anvil, l1_url, chain))
}

/// Deploys the payment chain's contracts and starts its operator and its watcher, both
/// reading the root chain from `l1_start_block`.
async fn start_payment_chain(
    config: &DevnetConfig,
    chain: &Arc<RpcChain>,
    l1_start_block: u64,
) -> Result<(Arc<Plasma<RpcChain>>, OperatorNode, WatcherService), DevnetError> {
    let operator = chain.accounts()[0];
    let mut framework = FrameworkConfig::new(operator);
    framework.min_exit_period = config.min_exit_period;
    let plasma = Arc::new(Plasma::deploy(chain.clone(), operator, &framework).await.map_err(fail)?);
    let store = Arc::new(RedbStore::open(config.data_dir.join("operator.redb")).map_err(fail)?);
    let node_config = OperatorConfig {
        rpc_addr: config.operator_addr,
        l1_start_block,
        l1_confirmations: 0,
        l1_poll_interval: Duration::from_millis(200),
        fees: devnet_fees(config.fee_wei, operator),
        ..OperatorConfig::default()
    };
    let node =
        OperatorNode::start(node_config, plasma.clone(), operator, store).await.map_err(fail)?;
    let source =
        HttpClientBuilder::default().build(format!("http://{}", node.rpc_addr())).map_err(fail)?;
    let watcher_config = WatcherConfig {
        start_block: l1_start_block,
        challenger: Some(chain.accounts()[9]),
        ..WatcherConfig::default()
    };
    let watcher = Watcher::new(watcher_config, plasma.clone(), source).await.map_err(fail)?;
    let watcher =
        WatcherService::start(watcher, config.watcher_addr, Duration::from_millis(500), None)
            .await
            .map_err(fail)?;
    Ok((plasma, node, watcher))
}

/// A flat ETH fee (none if zero), claimed by the operator.
fn devnet_fees(fee_wei: U256, operator: Address) -> FeePolicy {
    let policy =
        if fee_wei.is_zero() { FeePolicy::free() } else { FeePolicy::flat(Address::ZERO, fee_wei) };
    policy.claimed_by(operator)
}

/// Deploys the Plasma Cash contract (periods scaled to the devnet's exit period) and starts
/// its operator, reading the root chain from `l1_start_block`.
async fn start_cash_chain(
    config: &DevnetConfig,
    chain: &Arc<RpcChain>,
    l1_start_block: u64,
) -> Result<(plasma_primitives::Address, CashNode), DevnetError> {
    let operator = chain.accounts()[0];
    let mut cash_config = CashConfig::new(operator);
    cash_config.maturity_period = config.min_exit_period;
    cash_config.response_period = config.min_exit_period / 2;
    cash_config.checkpoint_window = config.min_exit_period;
    let cash = PlasmaCashContract::deploy(chain.clone(), operator, &cash_config);
    let cash = Arc::new(cash.await.map_err(fail)?);
    let cash_node_config = CashNodeConfig {
        rpc_addr: config.cash_addr,
        block_interval: Duration::from_secs(1),
        l1_poll_interval: Duration::from_millis(200),
        l1_start_block,
        l1_confirmations: 0,
        checkpoint_every: Some(10),
        api: plasma_operator::ApiLimits::default(),
        expected_chain_id: None,
    };
    let journal =
        Arc::new(plasma_storage::Journal::open(config.data_dir.join("cash.redb")).map_err(fail)?);
    let address = cash.address();
    let node = CashNode::start(cash_node_config, cash, operator, journal).await.map_err(fail)?;
    Ok((address, node))
}
