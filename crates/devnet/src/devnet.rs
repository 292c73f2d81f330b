//! `plasma devnet`: a long-running local network for developers: a root chain (anvil from the
//! pinned npm package, or any endpoint), the contracts, an operator and a watcher, a Plasma
//! Cash contract with its Cash operator, and funded development accounts whose keys are printed.

use jsonrpsee::http_client::HttpClientBuilder;
use plasma_operator::{CashNode, CashNodeConfig, OperatorConfig, OperatorNode};
use plasma_primitives::U256;
use plasma_rootchain::{
    Anvil, CashConfig, DevChain, FrameworkAddresses, FrameworkConfig, Plasma, PlasmaCashContract,
    RootChain, RpcChain, RpcConfig, dev_keys,
};
use plasma_storage::RedbStore;
use plasma_watcher::{Watcher, WatcherConfig, WatcherService};
use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

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
}

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
    node: OperatorNode,
    cash_node: CashNode,
    watcher: WatcherService,
    _anvil: Option<Anvil>,
}

/// A devnet failure, saying which part failed.
#[derive(Debug, thiserror::Error)]
#[error("devnet: {0}")]
pub struct DevnetError(String);

fn fail(e: impl std::fmt::Display) -> DevnetError {
    DevnetError(e.to_string())
}

impl Devnet {
    /// Starts everything; development account 0 is the operator and owner, 9 the watcher's
    /// challenger, 1–8 are users, all funded.
    pub async fn start(config: DevnetConfig) -> Result<Self, DevnetError> {
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
        let operator = chain.accounts()[0];
        let start = chain.head().await.map_err(fail)?.number;
        let mut framework = FrameworkConfig::new(operator);
        framework.min_exit_period = config.min_exit_period;
        let plasma =
            Arc::new(Plasma::deploy(chain.clone(), operator, &framework).await.map_err(fail)?);
        std::fs::create_dir_all(&config.data_dir).map_err(fail)?;
        let store = Arc::new(RedbStore::open(config.data_dir.join("operator.redb")).map_err(fail)?);
        let node_config = OperatorConfig {
            rpc_addr: config.operator_addr,
            l1_start_block: start + 1,
            l1_confirmations: 0,
            l1_poll_interval: Duration::from_millis(200),
            ..OperatorConfig::default()
        };
        let node = OperatorNode::start(node_config, plasma.clone(), operator, store)
            .await
            .map_err(fail)?;
        let operator_url = format!("http://{}", node.rpc_addr());
        let source = HttpClientBuilder::default().build(&operator_url).map_err(fail)?;
        let watcher_config = WatcherConfig {
            start_block: start + 1,
            challenger: Some(chain.accounts()[9]),
            ..WatcherConfig::default()
        };
        let watcher = Watcher::new(watcher_config, plasma.clone(), source).await.map_err(fail)?;
        let watcher =
            WatcherService::start(watcher, config.watcher_addr, Duration::from_millis(500), None)
                .await
                .map_err(fail)?;
        let watcher_url = format!("http://{}", watcher.rpc_addr());
        let mut cash_config = CashConfig::new(operator);
        cash_config.maturity_period = config.min_exit_period;
        cash_config.response_period = config.min_exit_period / 2;
        cash_config.checkpoint_window = config.min_exit_period;
        let cash_start = chain.head().await.map_err(fail)?.number + 1;
        let cash = PlasmaCashContract::deploy(chain.clone(), operator, &cash_config);
        let cash = Arc::new(cash.await.map_err(fail)?);
        let cash_node_config = CashNodeConfig {
            rpc_addr: config.cash_addr,
            block_interval: Duration::from_secs(1),
            l1_poll_interval: Duration::from_millis(200),
            l1_start_block: cash_start,
            l1_confirmations: 0,
            checkpoint_every: Some(10),
            api: plasma_operator::ApiLimits::default(),
            expected_chain_id: None,
        };
        let plasma_cash = cash.address();
        let journal = Arc::new(
            plasma_storage::Journal::open(config.data_dir.join("cash.redb")).map_err(fail)?,
        );
        let cash_node =
            CashNode::start(cash_node_config, cash, operator, journal).await.map_err(fail)?;
        let cash_url = format!("http://{}", cash_node.rpc_addr());
        Ok(Self {
            l1_url,
            chain_id: chain.chain_id().await.map_err(fail)?,
            deployed_at_block: start + 1,
            addresses: plasma.addresses(),
            operator_url,
            watcher_url,
            plasma_cash,
            cash_url,
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
