//! `plasma devnet`: a local network for developers, until Ctrl-C.

use crate::deployment::Deployment;
use anyhow::Result;
use clap::Args;
use plasma_devnet::devnet::{Devnet, DevnetConfig};
use plasma_rootchain::dev_keys;
use std::{net::SocketAddr, path::PathBuf};

#[derive(Debug, Args)]
pub(crate) struct DevnetArgs {
    /// Use this root chain instead of starting anvil (its development accounts must be funded).
    #[arg(long = "l1-rpc")]
    l1_rpc: Option<String>,
    /// Minimum exit period in seconds (short, for trying exits).
    #[arg(long = "min-exit-period", default_value_t = 300)]
    min_exit_period: u64,
    /// Directory for the operators' databases. The state of an earlier devnet there is
    /// deleted at start (every devnet deploys new contracts, so it could not continue); a
    /// directory the devnet did not create is refused unless empty.
    #[arg(long = "data-dir", default_value = "devnet-data")]
    data_dir: PathBuf,
    /// The operator's API address.
    #[arg(long = "operator.addr", default_value = "127.0.0.1:9545")]
    operator_addr: SocketAddr,
    /// The watcher's API address.
    #[arg(long = "watcher.addr", default_value = "127.0.0.1:9546")]
    watcher_addr: SocketAddr,
    /// The Plasma Cash operator's API address.
    #[arg(long = "cash.addr", default_value = "127.0.0.1:9547")]
    cash_addr: SocketAddr,
    /// The ETH fee per payment, in wei (0: free); the fees go to the operator's account.
    #[arg(long = "fee-wei", default_value_t = plasma_devnet::devnet::DEVNET_FEE_WEI)]
    fee_wei: u128,
    /// Where to write the deployment file.
    #[arg(long, default_value = "devnet-deployment.json")]
    out: PathBuf,
}

pub(crate) async fn run(args: DevnetArgs) -> Result<()> {
    let fresh_anvil = args.l1_rpc.is_none();
    let config = DevnetConfig {
        l1_rpc: args.l1_rpc,
        chain_id: 31337,
        min_exit_period: args.min_exit_period,
        data_dir: args.data_dir.clone(),
        operator_addr: args.operator_addr,
        watcher_addr: args.watcher_addr,
        cash_addr: args.cash_addr,
        fee_wei: plasma_primitives::U256::from(args.fee_wei),
    };
    let devnet = Devnet::start(config).await?;
    let mut deployment =
        Deployment::new(devnet.chain_id, devnet.deployed_at_block, devnet.addresses);
    deployment.plasma_cash = Some(devnet.plasma_cash);
    deployment.write(&args.out)?;
    if devnet.discarded_earlier_state {
        println!(
            "discarded   {}: the state of an earlier devnet (this one has new contracts{})",
            args.data_dir.display(),
            if fresh_anvil { ", on a fresh anvil" } else { "" }
        );
    }
    println!("root chain  {} (chain id {})", devnet.l1_url, devnet.chain_id);
    println!("operator    {}", devnet.operator_url);
    println!("watcher     {}", devnet.watcher_url);
    println!(
        "cash        {} (Plasma Cash operator; contract {})",
        devnet.cash_url, devnet.plasma_cash
    );
    // Absolute, so that the path printed works from any folder the docs then use it in.
    let out = std::path::absolute(&args.out).unwrap_or_else(|_| args.out.clone());
    println!("contracts   {} (framework {})", out.display(), devnet.addresses.framework);
    println!(
        "fees        {} ETH per payment, to the operator (`plasma wallet fees` shows the schedule)",
        plasma_wallet::amount::format(plasma_primitives::U256::from(args.fee_wei), 18)
    );
    println!("accounts (development keys: public, never use them elsewhere)");
    for (i, key) in dev_keys().iter().enumerate() {
        let role = match i {
            0 => "operator, owner",
            9 => "watcher challenger",
            _ => "user",
        };
        println!("  {i} {} 0x{}  {role}", key.address(), hex::encode(key.to_bytes()));
    }
    // Listening before saying "ready": a Ctrl-C right after it must stop us gracefully.
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    println!("ready; Ctrl-C stops");
    interrupt.recv().await;
    devnet.stop().await;
    Ok(())
}
