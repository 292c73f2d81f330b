//! `plasma`: the command-line front of the project. It parses arguments and calls the
//! library crates; every behaviour lives in a library.

mod bench;
mod cost;
mod demo;
mod deploy;
mod deployment;
mod devnet;
mod keys;
mod node;
mod node_fees;
mod scenario;
mod tx;
mod wallet;
mod wallet_cash;
mod wallet_exits;
mod wallet_pay;
mod watch;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Plasma: a child chain on Ethereum, and the tools around it.
#[derive(Debug, Parser)]
#[command(name = "plasma", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Work with payment transactions: decode, encode, hash, sign.
    #[command(subcommand)]
    Tx(tx::TxCommand),
    /// The whole network in this process: deposits, payments, blocks, a watcher, exits, a challenge.
    Demo(demo::DemoArgs),
    /// A local network for developers: anvil, the contracts, an operator, a watcher, funded keys.
    Devnet(devnet::DevnetArgs),
    /// Deploy the framework, vaults and exit game to a root chain.
    Deploy(deploy::DeployArgs),
    /// Run the operator node.
    Node(node::NodeArgs),
    /// The wallet: keys, deposits, payments, exits.
    Wallet(wallet::WalletArgs),
    /// Run a watcher: verify every block, challenge invalid exits, exit when the chain breaks.
    Watch(watch::WatchArgs),
    /// Measure gas, Merkle times, and throughput against this machine's ceiling.
    Bench(bench::BenchArgs),
    /// Run the adversarial scenarios (or one by name) and print their accounting.
    Scenario(scenario::ScenarioArgs),
    /// Price transfers on L1, directly and through Plasma, from gas measured now.
    Cost(cost::CostArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The demo and the scenarios narrate on standard output; their components stay quiet.
    let quiet = matches!(cli.command, Command::Demo(_) | Command::Scenario(_));
    let default_filter = if quiet { "off" } else { "info" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        // Colour only for a terminal: a log file keeps plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let result = match cli.command {
        Command::Tx(cmd) => tx::run(cmd),
        Command::Demo(args) => demo::dispatch(&args),
        Command::Devnet(args) => runtime().and_then(|rt| rt.block_on(devnet::run(args))),
        Command::Deploy(args) => runtime().and_then(|rt| rt.block_on(deploy::run(args))),
        Command::Node(args) => runtime().and_then(|rt| rt.block_on(node::run(args))),
        Command::Wallet(args) => runtime().and_then(|rt| rt.block_on(wallet::run(args))),
        Command::Watch(args) => runtime().and_then(|rt| rt.block_on(watch::run(args))),
        Command::Bench(args) => runtime().and_then(|rt| rt.block_on(bench::run(args))),
        Command::Scenario(args) => runtime().and_then(|rt| rt.block_on(scenario::run(args))),
        Command::Cost(args) => runtime().and_then(|rt| rt.block_on(cost::run(args))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", one_line(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, each said once: a cause whose words its wrapper
/// already printed (`{field}: {source}`) is not printed again.
pub(crate) fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}
