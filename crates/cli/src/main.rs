//! `plasma`: the command-line front of the project. It parses arguments and calls the
//! library crates; every behaviour lives in a library.

mod demo;
mod tx;

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
    /// Walk through the formats: keys, a deposit, a signed transfer, a block and its proof.
    Demo(demo::DemoArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Tx(cmd) => tx::run(cmd),
        Command::Demo(args) => demo::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
