//! `plasma deploy`: stand up the framework, its vaults and its exit game on a root chain, and
//! write the deployment file the node reads.

use crate::{deployment::Deployment, keys::parse_key};
use anyhow::Result;
use clap::Args;
use plasma_cash::{CashConfig, PlasmaCashContract};
use plasma_framework::{FrameworkConfig, Plasma};
use plasma_primitives::{Address, U256};
use plasma_rootchain::{RootChain, RpcChain, RpcConfig};
use std::{path::PathBuf, sync::Arc};

#[derive(Debug, Args)]
pub(crate) struct DeployArgs {
    /// Root-chain JSON-RPC endpoint.
    #[arg(long = "l1.rpc")]
    l1_rpc: String,
    /// The deployer's private key (hex); it becomes the framework's owner.
    #[arg(long = "key", env = "PLASMA_DEPLOYER_KEY", hide_env_values = true)]
    key: String,
    /// The operator's address (default: the deployer).
    #[arg(long, value_parser = plasma_primitives::address::parse_address)]
    operator: Option<Address>,
    /// Minimum exit period in seconds.
    #[arg(long = "min-exit-period", default_value_t = 7 * 24 * 3600)]
    min_exit_period: u64,
    /// Standard exit bond in wei (default: the derived 0.017 ETH).
    #[arg(long = "exit-bond")]
    exit_bond: Option<U256>,
    /// Where to write the deployment file.
    #[arg(long, default_value = "deployment.json")]
    out: PathBuf,
    /// Also deploy the Plasma Cash contract (maturity and checkpoint window = the minimum exit
    /// period, response period half of it; bond 0.1 ETH).
    #[arg(long)]
    cash: bool,
}

pub(crate) async fn run(args: DeployArgs) -> Result<()> {
    let key = parse_key(&args.key)?;
    let deployer = key.address();
    let chain = Arc::new(RpcChain::connect(RpcConfig::new(args.l1_rpc), &[key]).await?);
    let mut config = FrameworkConfig::new(args.operator.unwrap_or(deployer));
    config.min_exit_period = args.min_exit_period;
    if let Some(bond) = args.exit_bond {
        config.exit_bond = bond;
    }
    let start = chain.head().await?.number;
    let plasma = Plasma::deploy(chain.clone(), deployer, &config).await?;
    let mut deployment = Deployment::new(chain.chain_id().await?, start + 1, plasma.addresses());
    if args.cash {
        let mut cash = CashConfig::new(config.operator);
        cash.maturity_period = args.min_exit_period;
        cash.response_period = args.min_exit_period / 2;
        cash.checkpoint_window = args.min_exit_period;
        let contract = PlasmaCashContract::deploy(chain.clone(), deployer, &cash).await?;
        deployment.plasma_cash = Some(contract.address());
    }
    deployment.write(&args.out)?;
    println!("{}", serde_json::to_string_pretty(&deployment)?);
    Ok(())
}
